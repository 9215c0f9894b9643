//! The typed model seen as a validator tree: every attribute the model holds, in the 2015
//! namespace, with unknown attributes and elements where the model kept them.

use std::borrow::Cow;

use super::tree::{Attribute, Element};
use crate::model::{
    Attribute as ModelAttribute, Child, Directory, DirectoryChild, Entity, EntityChild, File,
    ForeignElement, ForeignNode, Link, Meta, Process, Resource, ResourceChild, ResourceCollection,
    SoftwareIdentity, SoftwareMeta,
};
use crate::ns::{N8060, XML};

fn swid<'a>(ns: Option<&'static str>, name: &'static str) -> Element<'a> {
    Element::new(ns, name)
}

/// Adds `name="value"` when the value is present.
fn opt<'a>(el: &mut Element<'a>, name: &'static str, value: Option<&'a str>) {
    if let Some(v) = value {
        el.attributes.push(Attribute::new(name, v));
    }
}

fn lang<'a>(el: &mut Element<'a>, value: Option<&'a String>) {
    if let Some(v) = value {
        el.attributes
            .push(Attribute::qualified(XML, "lang", v.as_str()));
    }
}

fn n8060<'a>(el: &mut Element<'a>, name: &'static str, value: Option<&'a str>) {
    if let Some(v) = value {
        el.attributes.push(Attribute::qualified(N8060, name, v));
    }
}

fn extra<'a>(el: &mut Element<'a>, attributes: &'a [ModelAttribute]) {
    for a in attributes {
        el.attributes.push(Attribute {
            namespace: a.name.namespace.as_deref().map(Cow::Borrowed),
            name: Cow::Borrowed(a.name.local.as_str()),
            value: Cow::Borrowed(a.value.as_str()),
            pos: None,
        });
    }
}

/// Foreign content: elements become children, non-blank text sets `has_text`.
fn content<'a>(el: &mut Element<'a>, nodes: &'a [ForeignNode]) {
    for node in nodes {
        foreign_node(el, node);
    }
}

fn foreign_node<'a>(el: &mut Element<'a>, node: &'a ForeignNode) {
    match node {
        ForeignNode::Element(e) => el.children.push(foreign(e)),
        ForeignNode::Text(t) if !t.trim().is_empty() => el.has_text = true,
        _ => {}
    }
}

fn foreign(e: &ForeignElement) -> Element<'_> {
    let mut el = Element::new(e.name.namespace.as_deref(), e.name.local.as_str());
    extra(&mut el, &e.attributes);
    content(&mut el, &e.children);
    el
}

/// The tree of a typed tag, its SWID elements in `ns` (the 2015 namespace, or the draft
/// namespace or none the tag was read from).
#[must_use]
pub fn tree<'a>(tag: &'a SoftwareIdentity, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "SoftwareIdentity");
    el.attributes
        .push(Attribute::new("name", tag.name.as_str()));
    el.attributes
        .push(Attribute::new("tagId", tag.tag_id.as_str()));
    opt(
        &mut el,
        "tagVersion",
        tag.tag_version.as_ref().map(|v| v.as_str()),
    );
    opt(&mut el, "version", tag.version.as_deref());
    opt(
        &mut el,
        "versionScheme",
        tag.version_scheme.as_ref().map(|v| v.as_str()),
    );
    opt(&mut el, "corpus", tag.corpus.as_ref().map(|v| v.as_str()));
    opt(&mut el, "patch", tag.patch.as_ref().map(|v| v.as_str()));
    opt(
        &mut el,
        "supplemental",
        tag.supplemental.as_ref().map(|v| v.as_str()),
    );
    opt(&mut el, "media", tag.media.as_deref());
    lang(&mut el, tag.lang.as_ref());
    extra(&mut el, &tag.attributes);
    for child in &tag.children {
        match child {
            Child::Entity(e) => el.children.push(entity(e, ns)),
            Child::Evidence(e) => {
                let mut c = collection("Evidence", &e.resources, ns);
                opt(&mut c, "date", e.date.as_deref());
                opt(&mut c, "deviceId", e.device_id.as_deref());
                el.children.push(c);
            }
            Child::Link(l) => el.children.push(link(l, ns)),
            Child::Meta(m) => el.children.push(software_meta(m, ns)),
            Child::Payload(p) => el.children.push(collection("Payload", p, ns)),
            Child::Other(node) => foreign_node(&mut el, node),
        }
    }
    el
}

fn entity<'a>(e: &'a Entity, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "Entity");
    el.attributes.push(Attribute::new("name", e.name.as_str()));
    opt(&mut el, "regid", e.regid.as_ref().map(|r| r.as_str()));
    el.attributes.push(Attribute::new("role", e.role.as_str()));
    opt(&mut el, "thumbprint", e.thumbprint.as_deref());
    lang(&mut el, e.lang.as_ref());
    extra(&mut el, &e.attributes);
    for child in &e.children {
        match child {
            EntityChild::Meta(m) => el.children.push(meta(m, ns)),
            EntityChild::Other(node) => foreign_node(&mut el, node),
        }
    }
    el
}

fn meta<'a>(m: &'a Meta, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "Meta");
    lang(&mut el, m.lang.as_ref());
    extra(&mut el, &m.attributes);
    content(&mut el, &m.content);
    el
}

fn software_meta<'a>(m: &'a SoftwareMeta, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "Meta");
    for name in crate::model::SOFTWARE_META_ATTRIBUTES {
        opt(&mut el, name, m.get(name));
    }
    lang(&mut el, m.lang.as_ref());
    extra(&mut el, &m.attributes);
    content(&mut el, &m.content);
    el
}

fn link<'a>(l: &'a Link, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "Link");
    el.attributes.push(Attribute::new("href", l.href.as_str()));
    el.attributes.push(Attribute::new("rel", l.rel.as_str()));
    opt(&mut el, "artifact", l.artifact.as_deref());
    opt(&mut el, "media", l.media.as_deref());
    opt(
        &mut el,
        "ownership",
        l.ownership.as_ref().map(|o| o.as_str()),
    );
    opt(&mut el, "type", l.r#type.as_deref());
    opt(&mut el, "use", l.r#use.as_ref().map(|u| u.as_str()));
    lang(&mut el, l.lang.as_ref());
    extra(&mut el, &l.attributes);
    content(&mut el, &l.content);
    el
}

fn collection<'a>(
    name: &'static str,
    c: &'a ResourceCollection,
    ns: Option<&'static str>,
) -> Element<'a> {
    let mut el = swid(ns, name);
    lang(&mut el, c.lang.as_ref());
    n8060(&mut el, "pathSeparator", c.path_separator.as_deref());
    n8060(&mut el, "envVarPrefix", c.env_var_prefix.as_deref());
    n8060(&mut el, "envVarSuffix", c.env_var_suffix.as_deref());
    extra(&mut el, &c.attributes);
    for child in &c.children {
        match child {
            ResourceChild::Directory(d) => el.children.push(directory(d, ns)),
            ResourceChild::File(f) => el.children.push(file(f, ns)),
            ResourceChild::Process(p) => el.children.push(process(p, ns)),
            ResourceChild::Resource(r) => el.children.push(resource(r, ns)),
            ResourceChild::Other(node) => foreign_node(&mut el, node),
        }
    }
    el
}

fn directory<'a>(d: &'a Directory, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "Directory");
    el.attributes.push(Attribute::new("name", d.name.as_str()));
    opt(&mut el, "key", d.key.as_ref().map(|v| v.as_str()));
    opt(&mut el, "location", d.location.as_deref());
    opt(&mut el, "root", d.root.as_deref());
    lang(&mut el, d.lang.as_ref());
    extra(&mut el, &d.attributes);
    for child in &d.children {
        match child {
            DirectoryChild::Directory(d) => el.children.push(directory(d, ns)),
            DirectoryChild::File(f) => el.children.push(file(f, ns)),
            DirectoryChild::Other(node) => foreign_node(&mut el, node),
        }
    }
    el
}

fn file<'a>(f: &'a File, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "File");
    el.attributes.push(Attribute::new("name", f.name.as_str()));
    opt(&mut el, "key", f.key.as_ref().map(|v| v.as_str()));
    opt(&mut el, "location", f.location.as_deref());
    opt(&mut el, "root", f.root.as_deref());
    opt(&mut el, "size", f.size.as_ref().map(|v| v.as_str()));
    opt(&mut el, "version", f.version.as_deref());
    for (algorithm, value) in &f.hashes {
        el.attributes.push(Attribute::qualified(
            algorithm.namespace(),
            "hash",
            value.as_str(),
        ));
    }
    n8060(&mut el, "mutable", f.mutable.as_ref().map(|v| v.as_str()));
    n8060(
        &mut el,
        "patchEvent",
        f.patch_event.as_ref().map(|v| v.as_str()),
    );
    lang(&mut el, f.lang.as_ref());
    extra(&mut el, &f.attributes);
    content(&mut el, &f.content);
    el
}

fn process<'a>(p: &'a Process, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "Process");
    el.attributes.push(Attribute::new("name", p.name.as_str()));
    opt(&mut el, "pid", p.pid.as_ref().map(|v| v.as_str()));
    lang(&mut el, p.lang.as_ref());
    extra(&mut el, &p.attributes);
    content(&mut el, &p.content);
    el
}

fn resource<'a>(r: &'a Resource, ns: Option<&'static str>) -> Element<'a> {
    let mut el = swid(ns, "Resource");
    el.attributes
        .push(Attribute::new("type", r.r#type.as_str()));
    lang(&mut el, r.lang.as_ref());
    extra(&mut el, &r.attributes);
    content(&mut el, &r.content);
    el
}
