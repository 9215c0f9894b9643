//! Writing SWID tags as XML (quick-xml).
//!
//! The output is canonical and deterministic:
//! - an XML declaration (`<?xml version="1.0" encoding="UTF-8"?>`), then `SoftwareIdentity`
//!   in the 2015 namespace as the default namespace, whatever namespace the tag was read from;
//! - the namespace declarations the tag needs on the root, in a fixed order: `n8060`, then
//!   the hash algorithms in [`HashAlgorithm`] order with fixed prefixes (`sha256`, `sha512`,
//!   …), then other namespaces in first-use order, with the prefix the document used when it
//!   is free (otherwise `ns1`, `ns2`, …);
//! - each SWID element's attributes in schema order (see each `write_*` below: the order of
//!   the attribute table in the model's docs), then `xml:lang`, then NISTIR 8060 attributes,
//!   then unknown attributes in document order;
//! - children in document order, foreign elements where they were; SWID elements are indented
//!   by two spaces, except inside an element that holds text (mixed content);
//! - foreign subtrees exactly as read: no indentation added, text and whitespace kept,
//!   namespace declarations as listed (plus any binding a hand-built subtree lacks).
//!
//! Values are escaped so that they read back exactly: `&`, `<`, `>`, `"` and, in attribute
//! values, tab, newline and carriage return as character references (XML attribute-value
//! normalisation would otherwise turn them into spaces). A value holding a character XML 1.0
//! cannot represent (NUL, most C0 controls, U+FFFE/U+FFFF) is a [`WriteError`].

use std::collections::BTreeMap;

use itam_xml::name::is_ncname;
use itam_xml::write::{
    Context, check_comment, check_pi, escape_into as xml_escape_into, needs_care,
};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesPI, BytesText, Event};

use crate::error::WriteError;
use crate::model::{
    Attribute, Child, Directory, DirectoryChild, Entity, EntityChild, Evidence, File,
    ForeignElement, ForeignNode, HashAlgorithm, Link, Meta, NamespaceDecl, Process, Resource,
    ResourceChild, ResourceCollection, SmallString, SoftwareIdentity, SoftwareMeta,
};
use crate::ns;

/// Writer options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WriteOptions {
    /// Write the XML declaration (default true).
    pub xml_declaration: bool,
    /// Indent SWID elements by two spaces per level (default true). Without it the whole tag
    /// is on one line.
    pub indent: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            xml_declaration: true,
            indent: true,
        }
    }
}

/// Writes a tag as canonical XML with the default options.
///
/// # Errors
/// [`WriteError`] when a value or a foreign name cannot be represented in XML.
pub fn write(tag: &SoftwareIdentity) -> Result<String, WriteError> {
    write_with(tag, &WriteOptions::default())
}

/// Writes a tag as canonical XML.
///
/// # Errors
/// [`WriteError`] when a value or a foreign name cannot be represented in XML.
pub fn write_with(tag: &SoftwareIdentity, options: &WriteOptions) -> Result<String, WriteError> {
    let mut out = TagWriter {
        xml: Writer::new(Vec::with_capacity(4096)),
        options: *options,
        prefixes: BTreeMap::new(),
        scope: Vec::new(),
        spare: Vec::with_capacity(256),
    };
    out.document(tag)?;
    String::from_utf8(out.xml.into_inner()).map_err(|e| WriteError::Writer(e.to_string()))
}

/// Writes several tags one after the other, each as its own document on its own line(s),
/// the form [`read_all`](crate::read::read_all) reads back.
///
/// # Errors
/// The first tag's [`WriteError`].
pub fn write_all(tags: &[SoftwareIdentity], options: &WriteOptions) -> Result<String, WriteError> {
    let mut out = String::new();
    for tag in tags {
        out.push_str(&write_with(tag, options)?);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

struct TagWriter {
    xml: Writer<Vec<u8>>,
    options: WriteOptions,
    /// Namespace URI → prefix, declared on the root.
    prefixes: BTreeMap<String, String>,
    /// In-scope bindings while writing foreign content (prefix → uri; `None` = default).
    scope: Vec<(Option<String>, String)>,
    /// The start-tag buffer, reused from one element to the next (only one start tag is
    /// being built at a time), so writing an element does not allocate.
    spare: Vec<u8>,
}

/// A start tag being built: the name, then ` key="value"` pairs, as UTF-8 bytes (bytes, so
/// that a [`SmallString`] is copied in without the UTF-8 check its `as_str` makes).
struct Start {
    buf: Vec<u8>,
}

impl Start {
    fn attr(&mut self, key: &str, value: &str, at: &str) -> Result<(), WriteError> {
        self.buf.push(b' ');
        self.buf.extend_from_slice(key.as_bytes());
        self.value(value, at)
    }

    /// [`Start::attr`] for a [`SmallString`] value (the name of a `File` or `Directory`): its
    /// bytes are copied as they are when nothing needs escaping, with no UTF-8 re-check.
    fn small_attr(&mut self, key: &str, value: &SmallString, at: &str) -> Result<(), WriteError> {
        let bytes = value.as_bytes();
        if needs_care(bytes) {
            return self.attr(key, value.as_str(), at);
        }
        self.buf.push(b' ');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"=\"");
        self.buf.extend_from_slice(bytes);
        self.buf.push(b'"');
        Ok(())
    }

    /// A qualified attribute `prefix:local="value"`.
    fn qualified(
        &mut self,
        prefix: &str,
        local: &str,
        value: &str,
        at: &str,
    ) -> Result<(), WriteError> {
        self.buf.push(b' ');
        self.buf.extend_from_slice(prefix.as_bytes());
        self.buf.push(b':');
        self.buf.extend_from_slice(local.as_bytes());
        self.value(value, at)
    }

    /// `="value"`, escaped, after an attribute's name.
    fn value(&mut self, value: &str, at: &str) -> Result<(), WriteError> {
        self.buf.extend_from_slice(b"=\"");
        escape_into(&mut self.buf, value, true, at)?;
        self.buf.push(b'"');
        Ok(())
    }

    fn opt(&mut self, key: &str, value: Option<&str>, at: &str) -> Result<(), WriteError> {
        match value {
            Some(v) => self.attr(key, v, at),
            None => Ok(()),
        }
    }
}

/// Appends `value` to `out`, escaped for an attribute value or for text
/// ([`itam_xml::write::escape_into`], shared with the Ent writer).
fn escape_into(
    out: &mut Vec<u8>,
    value: &str,
    attribute: bool,
    at: &str,
) -> Result<(), WriteError> {
    let context = if attribute {
        Context::Attribute
    } else {
        Context::Text
    };
    xml_escape_into(out, value, context).map_err(|c| WriteError::char(c, at))
}

fn check_name(name: &str, at: &str) -> Result<(), WriteError> {
    if is_ncname(name) {
        Ok(())
    } else {
        Err(WriteError::InvalidName {
            name: name.to_owned(),
            path: at.to_owned(),
        })
    }
}

/// A newline and indentation for up to 40 levels, sliced by [`TagWriter::newline`].
const INDENT: &str = concat!(
    "\n",
    "                                        ",
    "                                        "
);

fn io(e: std::io::Error) -> WriteError {
    WriteError::Writer(e.to_string())
}

impl TagWriter {
    fn event(&mut self, event: Event<'_>) -> Result<(), WriteError> {
        self.xml.write_event(event).map_err(io)
    }

    fn newline(&mut self, depth: usize) -> Result<(), WriteError> {
        if !self.options.indent {
            return Ok(());
        }
        if let Some(indent) = INDENT.get(..1 + 2 * depth) {
            return self.event(Event::Text(BytesText::from_escaped(indent)));
        }
        let mut s = String::with_capacity(1 + 2 * depth);
        s.push('\n');
        for _ in 0..depth {
            s.push_str("  ");
        }
        self.event(Event::Text(BytesText::from_escaped(s)))
    }

    /// Starts a start tag in the reused buffer.
    fn start(&mut self, name: &str) -> Start {
        let mut buf = std::mem::take(&mut self.spare);
        buf.clear();
        buf.extend_from_slice(name.as_bytes());
        Start { buf }
    }

    fn document(&mut self, tag: &SoftwareIdentity) -> Result<(), WriteError> {
        if self.options.xml_declaration {
            self.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
            if self.options.indent {
                self.event(Event::Text(BytesText::from_escaped("\n")))?;
            }
        }
        let declarations = self.plan_prefixes(tag);
        let at = "SoftwareIdentity";
        let mut start = self.start("SoftwareIdentity");
        start.attr("xmlns", ns::SWID_2015, at)?;
        for (prefix, uri) in &declarations {
            start.attr(&format!("xmlns:{prefix}"), uri, at)?;
        }
        self.scope.push((None, ns::SWID_2015.to_owned()));
        for (prefix, uri) in &declarations {
            self.scope.push((Some(prefix.clone()), uri.clone()));
        }
        start.attr("name", &tag.name, at)?;
        start.attr("tagId", tag.tag_id.as_str(), at)?;
        start.opt(
            "tagVersion",
            tag.tag_version.as_ref().map(|v| v.as_str()),
            at,
        )?;
        start.opt("version", tag.version.as_deref(), at)?;
        start.opt(
            "versionScheme",
            tag.version_scheme.as_ref().map(|v| v.as_str()),
            at,
        )?;
        start.opt("corpus", tag.corpus.as_ref().map(|v| v.as_str()), at)?;
        start.opt("patch", tag.patch.as_ref().map(|v| v.as_str()), at)?;
        start.opt(
            "supplemental",
            tag.supplemental.as_ref().map(|v| v.as_str()),
            at,
        )?;
        start.opt("media", tag.media.as_deref(), at)?;
        start.opt("xml:lang", tag.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.extra_attributes(&mut start, &tag.attributes, at, mark)?;
        let mixed = tag
            .children
            .iter()
            .any(|c| matches!(c, Child::Other(ForeignNode::Text(_))));
        self.open(start, tag.children.is_empty())?;
        for child in &tag.children {
            if !mixed {
                self.newline(1)?;
            }
            match child {
                Child::Entity(e) => self.scoped(|w| w.entity(e, 1))?,
                Child::Evidence(e) => self.scoped(|w| w.evidence(e, 1))?,
                Child::Link(l) => self.scoped(|w| w.link(l))?,
                Child::Meta(m) => self.scoped(|w| w.software_meta(m))?,
                Child::Payload(p) => self.scoped(|w| w.collection("Payload", p, None, 1))?,
                Child::Other(node) => self.foreign_node(node, at)?,
            }
        }
        if !tag.children.is_empty() {
            if !mixed {
                self.newline(0)?;
            }
            self.event(Event::End(BytesEnd::new("SoftwareIdentity")))?;
        }
        if self.options.indent {
            self.event(Event::Text(BytesText::from_escaped("\n")))?;
        }
        Ok(())
    }

    /// Writes the start tag (`<…>`, or `<…/>` when `empty`) straight into the output: what
    /// quick-xml's writer, made without indentation, writes for `Event::Start`/`Event::Empty`,
    /// without first making the bytes a `str` again.
    fn open(&mut self, start: Start, empty: bool) -> Result<(), WriteError> {
        let out = self.xml.get_mut();
        out.push(b'<');
        out.extend_from_slice(&start.buf);
        out.extend_from_slice(if empty { b"/>" } else { b">" });
        self.spare = start.buf;
        Ok(())
    }

    /// Chooses the root's namespace declarations (see the module docs).
    fn plan_prefixes(&mut self, tag: &SoftwareIdentity) -> Vec<(String, String)> {
        let mut uses = Uses::default();
        uses.tag(tag);
        let mut out: Vec<(String, String)> = Vec::new();
        let mut taken: Vec<String> = vec!["xml".to_owned(), "xmlns".to_owned()];
        let prefixes = &mut self.prefixes;
        let bind = |out: &mut Vec<(String, String)>,
                    taken: &mut Vec<String>,
                    prefixes: &mut BTreeMap<String, String>,
                    prefix: String,
                    uri: &str| {
            taken.push(prefix.clone());
            prefixes.insert(uri.to_owned(), prefix.clone());
            out.push((prefix, uri.to_owned()));
        };
        if uses.n8060 {
            bind(
                &mut out,
                &mut taken,
                prefixes,
                "n8060".to_owned(),
                ns::N8060,
            );
        }
        let mut other_hash = 0;
        for alg in &uses.hashes {
            let mut prefix = alg.preferred_prefix().to_owned();
            if matches!(alg, HashAlgorithm::Other(_)) {
                other_hash += 1;
                if other_hash > 1 {
                    prefix = format!("hash{other_hash}");
                }
            }
            bind(&mut out, &mut taken, prefixes, prefix, alg.namespace());
        }
        let mut generated = 0;
        for (uri, hint) in &uses.foreign {
            if uri == ns::XML || prefixes.contains_key(uri.as_str()) {
                continue;
            }
            let usable = hint.as_deref().filter(|h| {
                is_ncname(h)
                    && !h.contains(':')
                    && !h.to_ascii_lowercase().starts_with("xml")
                    && !taken.iter().any(|t| t == h)
            });
            let prefix = match usable {
                Some(h) => h.to_owned(),
                None => loop {
                    generated += 1;
                    let candidate = format!("ns{generated}");
                    if !taken.contains(&candidate) {
                        break candidate;
                    }
                },
            };
            bind(&mut out, &mut taken, prefixes, prefix, uri);
        }
        out
    }

    /// Runs `f` for one SWID element; namespace declarations it makes go out of scope after.
    fn scoped(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<(), WriteError>,
    ) -> Result<(), WriteError> {
        let mark = self.scope.len();
        let result = f(self);
        self.scope.truncate(mark);
        result
    }

    /// Makes `prefix` mean `uri` on the element being started: nothing to do when it already
    /// does; otherwise declares it here, unless this element already declared `prefix` for
    /// something else (declarations since `mark`), in which case another prefix bound to
    /// `uri` in scope, or a fresh `nsN`, is used. Returns the prefix to write.
    fn ensure(
        &mut self,
        start: &mut Start,
        prefix: &str,
        uri: &str,
        mark: usize,
        at: &str,
    ) -> Result<String, WriteError> {
        if self.lookup(Some(prefix)) == Some(uri) {
            return Ok(prefix.to_owned());
        }
        let declared_here = |w: &Self, p: &str| {
            w.scope
                .get(mark..)
                .is_some_and(|s| s.iter().any(|(q, _)| q.as_deref() == Some(p)))
        };
        let chosen = if !declared_here(self, prefix) {
            prefix.to_owned()
        } else if let Some(p) = self
            .scope
            .iter()
            .rev()
            .filter(|(_, u)| u == uri)
            .filter_map(|(p, _)| p.clone())
            .find(|p| self.lookup(Some(p)) == Some(uri))
        {
            return Ok(p);
        } else {
            let mut n = 0;
            loop {
                n += 1;
                let candidate = format!("ns{n}");
                if self.lookup(Some(&candidate)).is_none() && !declared_here(self, &candidate) {
                    break candidate;
                }
            }
        };
        start.attr(&format!("xmlns:{chosen}"), uri, at)?;
        self.scope.push((Some(chosen.clone()), uri.to_owned()));
        Ok(chosen)
    }

    /// Writes a NISTIR 8060 attribute, binding `n8060` here if an ancestor rebound it.
    fn n8060(
        &mut self,
        start: &mut Start,
        local: &str,
        value: Option<&str>,
        at: &str,
        mark: usize,
    ) -> Result<(), WriteError> {
        let Some(value) = value else {
            return Ok(());
        };
        if self.lookup(Some("n8060")) == Some(ns::N8060) {
            return start.qualified("n8060", local, value, at);
        }
        let prefix = self.ensure(start, "n8060", ns::N8060, mark, at)?;
        start.qualified(&prefix, local, value, at)
    }

    /// Writes unknown attributes. A qualified one keeps the document's prefix when it is in
    /// scope for the same namespace, or when it can be declared again on this element (a tag
    /// that binds `n8060` to a wrong URI on one element, say); otherwise another prefix bound to
    /// the namespace is used. `mark` is where this element's declarations start in the scope.
    fn extra_attributes(
        &mut self,
        start: &mut Start,
        attrs: &[Attribute],
        at: &str,
        mark: usize,
    ) -> Result<(), WriteError> {
        for attr in attrs {
            check_name(&attr.name.local, at)?;
            match attr.name.namespace.as_deref() {
                None => start.attr(&attr.name.local, &attr.value, at)?,
                Some(ns::XML) => {
                    start.attr(&format!("xml:{}", attr.name.local), &attr.value, at)?;
                }
                Some(uri) => {
                    let root_prefix = self
                        .prefixes
                        .get(uri)
                        .cloned()
                        .unwrap_or_else(|| "ns1".to_owned());
                    let hint = attr
                        .name
                        .prefix
                        .as_deref()
                        .filter(|h| is_ncname(h) && !h.to_ascii_lowercase().starts_with("xml"))
                        .map_or(root_prefix, str::to_owned);
                    let prefix = self.ensure(start, &hint, uri, mark, at)?;
                    start.attr(&format!("{prefix}:{}", attr.name.local), &attr.value, at)?;
                }
            }
        }
        Ok(())
    }

    /// Writes leaf content (children of an element the schema declares empty).
    fn leaf(
        &mut self,
        name: &str,
        start: Start,
        content: &[ForeignNode],
        depth: usize,
    ) -> Result<(), WriteError> {
        self.open(start, content.is_empty())?;
        if content.is_empty() {
            return Ok(());
        }
        let mixed = content.iter().any(|c| matches!(c, ForeignNode::Text(_)));
        for node in content {
            if !mixed {
                self.newline(depth + 1)?;
            }
            self.foreign_node(node, name)?;
        }
        if !mixed {
            self.newline(depth)?;
        }
        self.event(Event::End(BytesEnd::new(name.to_owned())))
    }

    fn entity(&mut self, e: &Entity, depth: usize) -> Result<(), WriteError> {
        let at = "Entity";
        let mut s = self.start(at);
        s.attr("name", &e.name, at)?;
        s.opt("regid", e.regid.as_ref().map(|r| r.as_str()), at)?;
        s.attr("role", e.role.as_str(), at)?;
        s.opt("thumbprint", e.thumbprint.as_deref(), at)?;
        s.opt("xml:lang", e.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.extra_attributes(&mut s, &e.attributes, at, mark)?;
        self.open(s, e.children.is_empty())?;
        if e.children.is_empty() {
            return Ok(());
        }
        let mixed = e
            .children
            .iter()
            .any(|c| matches!(c, EntityChild::Other(ForeignNode::Text(_))));
        for child in &e.children {
            if !mixed {
                self.newline(depth + 1)?;
            }
            match child {
                EntityChild::Meta(m) => self.scoped(|w| w.meta(m, depth + 1))?,
                EntityChild::Other(node) => self.foreign_node(node, at)?,
            }
        }
        if !mixed {
            self.newline(depth)?;
        }
        self.event(Event::End(BytesEnd::new(at)))
    }

    fn meta(&mut self, m: &Meta, depth: usize) -> Result<(), WriteError> {
        let at = "Meta";
        let mut s = self.start(at);
        s.opt("xml:lang", m.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.extra_attributes(&mut s, &m.attributes, at, mark)?;
        self.leaf(at, s, &m.content, depth)
    }

    fn link(&mut self, l: &Link) -> Result<(), WriteError> {
        let at = "Link";
        let mut s = self.start(at);
        s.attr("href", &l.href, at)?;
        s.attr("rel", l.rel.as_str(), at)?;
        s.opt("artifact", l.artifact.as_deref(), at)?;
        s.opt("media", l.media.as_deref(), at)?;
        s.opt("ownership", l.ownership.as_ref().map(|o| o.as_str()), at)?;
        s.opt("type", l.r#type.as_deref(), at)?;
        s.opt("use", l.r#use.as_ref().map(|u| u.as_str()), at)?;
        s.opt("xml:lang", l.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.extra_attributes(&mut s, &l.attributes, at, mark)?;
        self.leaf(at, s, &l.content, 1)
    }

    fn software_meta(&mut self, m: &SoftwareMeta) -> Result<(), WriteError> {
        let at = "Meta";
        let mut s = self.start(at);
        for name in crate::model::SOFTWARE_META_ATTRIBUTES {
            s.opt(name, m.get_predefined(name), at)?;
        }
        s.opt("xml:lang", m.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.extra_attributes(&mut s, &m.attributes, at, mark)?;
        self.leaf(at, s, &m.content, 1)
    }

    fn evidence(&mut self, e: &Evidence, depth: usize) -> Result<(), WriteError> {
        self.collection(
            "Evidence",
            &e.resources,
            Some((e.date.as_deref(), e.device_id.as_deref())),
            depth,
        )
    }

    fn collection(
        &mut self,
        at: &'static str,
        c: &ResourceCollection,
        evidence: Option<(Option<&str>, Option<&str>)>,
        depth: usize,
    ) -> Result<(), WriteError> {
        let mut s = self.start(at);
        if let Some((date, device)) = evidence {
            s.opt("date", date, at)?;
            s.opt("deviceId", device, at)?;
        }
        s.opt("xml:lang", c.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.n8060(
            &mut s,
            "pathSeparator",
            c.path_separator.as_deref(),
            at,
            mark,
        )?;
        self.n8060(
            &mut s,
            "envVarPrefix",
            c.env_var_prefix.as_deref(),
            at,
            mark,
        )?;
        self.n8060(
            &mut s,
            "envVarSuffix",
            c.env_var_suffix.as_deref(),
            at,
            mark,
        )?;
        self.extra_attributes(&mut s, &c.attributes, at, mark)?;
        self.open(s, c.children.is_empty())?;
        if c.children.is_empty() {
            return Ok(());
        }
        let mixed = c
            .children
            .iter()
            .any(|ch| matches!(ch, ResourceChild::Other(ForeignNode::Text(_))));
        for child in &c.children {
            if !mixed {
                self.newline(depth + 1)?;
            }
            match child {
                ResourceChild::Directory(d) => self.scoped(|w| w.directory(d, depth + 1))?,
                ResourceChild::File(f) => self.scoped(|w| w.file(f, depth + 1))?,
                ResourceChild::Process(p) => self.scoped(|w| w.process(p, depth + 1))?,
                ResourceChild::Resource(r) => self.scoped(|w| w.resource(r, depth + 1))?,
                ResourceChild::Other(node) => self.foreign_node(node, at)?,
            }
        }
        if !mixed {
            self.newline(depth)?;
        }
        self.event(Event::End(BytesEnd::new(at)))
    }

    fn directory(&mut self, d: &Directory, depth: usize) -> Result<(), WriteError> {
        let at = "Directory";
        let mut s = self.start(at);
        s.small_attr("name", &d.name, at)?;
        s.opt("key", d.key.as_ref().map(|v| v.as_str()), at)?;
        s.opt("location", d.location.as_deref(), at)?;
        s.opt("root", d.root.as_deref(), at)?;
        s.opt("xml:lang", d.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.extra_attributes(&mut s, &d.attributes, at, mark)?;
        self.open(s, d.children.is_empty())?;
        if d.children.is_empty() {
            return Ok(());
        }
        let mixed = d
            .children
            .iter()
            .any(|ch| matches!(ch, DirectoryChild::Other(ForeignNode::Text(_))));
        for child in &d.children {
            if !mixed {
                self.newline(depth + 1)?;
            }
            match child {
                DirectoryChild::Directory(sub) => self.scoped(|w| w.directory(sub, depth + 1))?,
                DirectoryChild::File(f) => self.scoped(|w| w.file(f, depth + 1))?,
                DirectoryChild::Other(node) => self.foreign_node(node, at)?,
            }
        }
        if !mixed {
            self.newline(depth)?;
        }
        self.event(Event::End(BytesEnd::new(at)))
    }

    fn file(&mut self, f: &File, depth: usize) -> Result<(), WriteError> {
        let at = "File";
        let mut s = self.start(at);
        s.small_attr("name", &f.name, at)?;
        s.opt("key", f.key.as_ref().map(|v| v.as_str()), at)?;
        s.opt("location", f.location.as_deref(), at)?;
        s.opt("root", f.root.as_deref(), at)?;
        s.opt("size", f.size.as_ref().map(|v| v.as_str()), at)?;
        s.opt("version", f.version.as_deref(), at)?;
        s.opt("xml:lang", f.lang.as_deref(), at)?;
        let mark = self.scope.len();
        for (alg, value) in &f.hashes {
            let uri = alg.namespace();
            let preferred = self.prefixes.get(uri).map_or("hash", String::as_str);
            if self.lookup(Some(preferred)) == Some(uri) {
                // The usual case: the root's binding is in scope; no allocation.
                s.qualified(preferred, "hash", value, at)?;
                continue;
            }
            let preferred = preferred.to_owned();
            let prefix = self.ensure(&mut s, &preferred, uri, mark, at)?;
            s.qualified(&prefix, "hash", value, at)?;
        }
        self.n8060(
            &mut s,
            "mutable",
            f.mutable.as_ref().map(|v| v.as_str()),
            at,
            mark,
        )?;
        self.n8060(
            &mut s,
            "patchEvent",
            f.patch_event.as_ref().map(|v| v.as_str()),
            at,
            mark,
        )?;
        self.extra_attributes(&mut s, &f.attributes, at, mark)?;
        self.leaf(at, s, &f.content, depth)
    }

    fn process(&mut self, p: &Process, depth: usize) -> Result<(), WriteError> {
        let at = "Process";
        let mut s = self.start(at);
        s.attr("name", &p.name, at)?;
        s.opt("pid", p.pid.as_ref().map(|v| v.as_str()), at)?;
        s.opt("xml:lang", p.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.extra_attributes(&mut s, &p.attributes, at, mark)?;
        self.leaf(at, s, &p.content, depth)
    }

    fn resource(&mut self, r: &Resource, depth: usize) -> Result<(), WriteError> {
        let at = "Resource";
        let mut s = self.start(at);
        s.attr("type", &r.r#type, at)?;
        s.opt("xml:lang", r.lang.as_deref(), at)?;
        let mark = self.scope.len();
        self.extra_attributes(&mut s, &r.attributes, at, mark)?;
        self.leaf(at, s, &r.content, depth)
    }

    fn foreign_node(&mut self, node: &ForeignNode, at: &str) -> Result<(), WriteError> {
        match node {
            ForeignNode::Element(e) => self.foreign_element(e),
            ForeignNode::Text(text) => {
                // Text is written as it is (quick-xml's writer adds nothing around it).
                escape_into(self.xml.get_mut(), text, false, at)
            }
            ForeignNode::Comment(text) => {
                check_comment(text).map_err(|e| WriteError::markup("comment", e, at))?;
                self.event(Event::Comment(BytesText::from_escaped(text.as_str())))
            }
            ForeignNode::ProcessingInstruction { target, value } => {
                check_pi(target, value.as_deref())
                    .map_err(|e| WriteError::markup("processing instruction", e, at))?;
                let content = match value {
                    Some(v) => format!("{target} {v}"),
                    None => target.clone(),
                };
                self.event(Event::PI(BytesPI::new(content)))
            }
        }
    }

    fn lookup(&self, prefix: Option<&str>) -> Option<&str> {
        self.scope
            .iter()
            .rev()
            .find(|(p, _)| p.as_deref() == prefix)
            .map(|(_, uri)| uri.as_str())
    }

    fn foreign_element(&mut self, e: &ForeignElement) -> Result<(), WriteError> {
        let at = e.name.local.as_str();
        check_name(at, at)?;
        let mark = self.scope.len();
        let mut decls: Vec<NamespaceDecl> = Vec::with_capacity(e.namespaces.len());
        for d in &e.namespaces {
            if let Some(p) = &d.prefix {
                check_name(p, at)?;
            }
            if !decls.iter().any(|x| x.prefix == d.prefix) {
                decls.push(d.clone());
                self.scope.push((d.prefix.clone(), d.uri.clone()));
            }
        }
        // The element's own name.
        let element_ns = e.name.namespace.as_deref().unwrap_or("");
        let element_prefix = match (&e.name.prefix, &e.name.namespace) {
            (Some(p), Some(uri)) if is_ncname(p) && p != "xmlns" => {
                if self.lookup(Some(p)) != Some(uri.as_str()) {
                    self.bind(&mut decls, Some(p.clone()), uri)?;
                }
                Some(p.clone())
            }
            _ => {
                if self.lookup(None).unwrap_or("") != element_ns {
                    self.bind(&mut decls, None, element_ns)?;
                }
                None
            }
        };
        let qname = match &element_prefix {
            Some(p) => format!("{p}:{}", e.name.local),
            None => e.name.local.clone(),
        };
        // Attribute prefixes.
        let mut attr_keys = Vec::with_capacity(e.attributes.len());
        for a in &e.attributes {
            check_name(&a.name.local, at)?;
            let key = match a.name.namespace.as_deref() {
                None => a.name.local.clone(),
                Some(ns::XML) => format!("xml:{}", a.name.local),
                Some(uri) => {
                    let hint = a
                        .name
                        .prefix
                        .as_deref()
                        .filter(|p| is_ncname(p) && *p != "xmlns");
                    let prefix = match hint {
                        Some(p) if self.lookup(Some(p)) == Some(uri) => p.to_owned(),
                        Some(p) if !decls.iter().any(|d| d.prefix.as_deref() == Some(p)) => {
                            self.bind(&mut decls, Some(p.to_owned()), uri)?;
                            p.to_owned()
                        }
                        _ => {
                            let existing = self
                                .scope
                                .iter()
                                .rev()
                                .find(|(p, u)| p.is_some() && u == uri)
                                .and_then(|(p, _)| p.clone())
                                .filter(|p| self.lookup(Some(p)) == Some(uri));
                            match existing {
                                Some(p) => p,
                                None => {
                                    let mut n = 0;
                                    let fresh = loop {
                                        n += 1;
                                        let c = format!("ns{n}");
                                        if self.lookup(Some(&c)).is_none()
                                            && !decls
                                                .iter()
                                                .any(|d| d.prefix.as_deref() == Some(c.as_str()))
                                        {
                                            break c;
                                        }
                                    };
                                    self.bind(&mut decls, Some(fresh.clone()), uri)?;
                                    fresh
                                }
                            }
                        }
                    };
                    format!("{prefix}:{}", a.name.local)
                }
            };
            attr_keys.push(key);
        }
        let mut s = self.start(&qname);
        for d in &decls {
            match &d.prefix {
                Some(p) => s.attr(&format!("xmlns:{p}"), &d.uri, at)?,
                None => s.attr("xmlns", &d.uri, at)?,
            }
        }
        for (key, a) in attr_keys.iter().zip(&e.attributes) {
            s.attr(key, &a.value, at)?;
        }
        self.open(s, e.children.is_empty())?;
        if !e.children.is_empty() {
            for child in &e.children {
                self.foreign_node(child, at)?;
            }
            self.event(Event::End(BytesEnd::new(qname)))?;
        }
        self.scope.truncate(mark);
        Ok(())
    }

    /// Adds a declaration to the element being written and to the scope.
    fn bind(
        &mut self,
        decls: &mut Vec<NamespaceDecl>,
        prefix: Option<String>,
        uri: &str,
    ) -> Result<(), WriteError> {
        if prefix.is_some() && uri.is_empty() {
            return Err(WriteError::InvalidName {
                name: prefix.unwrap_or_default(),
                path: "namespace declaration".to_owned(),
            });
        }
        decls.retain(|d| d.prefix != prefix);
        decls.push(NamespaceDecl {
            prefix: prefix.clone(),
            uri: uri.to_owned(),
        });
        self.scope.push((prefix, uri.to_owned()));
        Ok(())
    }
}

/// The namespaces a tag's SWID elements use (foreign subtrees are self-contained and declare
/// their own).
#[derive(Default)]
struct Uses {
    n8060: bool,
    hashes: std::collections::BTreeSet<HashAlgorithm>,
    /// Foreign attribute namespaces in first-use order, with the first prefix hint.
    foreign: Vec<(String, Option<String>)>,
}

impl Uses {
    fn attrs(&mut self, attrs: &[Attribute]) {
        for a in attrs {
            if let Some(uri) = &a.name.namespace {
                if uri == ns::N8060 {
                    self.n8060 = true;
                } else if !self.foreign.iter().any(|(u, _)| u == uri) {
                    self.foreign.push((uri.clone(), a.name.prefix.clone()));
                }
            }
        }
    }

    fn tag(&mut self, tag: &SoftwareIdentity) {
        self.attrs(&tag.attributes);
        for child in &tag.children {
            match child {
                Child::Entity(e) => {
                    self.attrs(&e.attributes);
                    for m in e.metas() {
                        self.attrs(&m.attributes);
                    }
                }
                Child::Link(l) => self.attrs(&l.attributes),
                Child::Meta(m) => self.attrs(&m.attributes),
                Child::Payload(p) => self.collection(p),
                Child::Evidence(e) => self.collection(&e.resources),
                Child::Other(_) => {}
            }
        }
    }

    fn collection(&mut self, c: &ResourceCollection) {
        if c.path_separator.is_some() || c.env_var_prefix.is_some() || c.env_var_suffix.is_some() {
            self.n8060 = true;
        }
        self.attrs(&c.attributes);
        for child in &c.children {
            match child {
                ResourceChild::Directory(d) => self.directory(d),
                ResourceChild::File(f) => self.file(f),
                ResourceChild::Process(p) => self.attrs(&p.attributes),
                ResourceChild::Resource(r) => self.attrs(&r.attributes),
                ResourceChild::Other(_) => {}
            }
        }
    }

    fn directory(&mut self, d: &Directory) {
        self.attrs(&d.attributes);
        for child in &d.children {
            match child {
                DirectoryChild::Directory(sub) => self.directory(sub),
                DirectoryChild::File(f) => self.file(f),
                DirectoryChild::Other(_) => {}
            }
        }
    }

    fn file(&mut self, f: &File) {
        if f.mutable.is_some() || f.patch_event.is_some() {
            self.n8060 = true;
        }
        for alg in f.hashes.keys() {
            if !self.hashes.contains(alg) {
                self.hashes.insert(alg.clone());
            }
        }
        self.attrs(&f.attributes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{ReadOptions, read_str};

    /// A `File`/`Directory` name goes through [`Start::small_attr`]: the same bytes, and the
    /// same error, as any other value through [`Start::attr`], in place or on the heap.
    #[test]
    fn small_string_names_are_written_as_str_values_are() {
        for name in [
            "",
            "bash",
            "exactly-22-bytes-long!",
            "libsomething-with-a-long-name.so.12.4.1",
            "é😀 in place",
            "a&b<c>\"d'\te\n\r",
            "a heap name with & < > \" \t \n \r to escape",
            "bad \u{1}",
            "bad \u{FFFE} on the heap, past 22 bytes",
            "\u{FFFF}",
        ] {
            let small = SmallString::from(name);
            let (mut by_str, mut by_small) = (Start { buf: Vec::new() }, Start { buf: Vec::new() });
            let by_str_result = by_str.attr("name", name, "File");
            let by_small_result = by_small.small_attr("name", &small, "File");
            assert_eq!(by_small_result, by_str_result, "{name:?}");
            assert_eq!(by_small.buf, by_str.buf, "{name:?}");
        }
        let mut start = Start { buf: Vec::new() };
        start
            .small_attr("name", &SmallString::from("a&b<c>\"d'\te\n"), "File")
            .expect("representable");
        assert_eq!(start.buf, br#" name="a&amp;b&lt;c&gt;&quot;d'&#9;e&#10;""#);
        assert_eq!(
            Start { buf: Vec::new() }.small_attr("name", &SmallString::from("\u{1}"), "File"),
            Err(WriteError::InvalidChar {
                path: "File".to_owned(),
                code: 1
            })
        );
    }

    /// Names that need escaping, in place and on the heap, and foreign text, read back as
    /// they were.
    #[test]
    fn escaped_names_and_foreign_text_round_trip() {
        let xml = r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" xmlns:x="urn:x" name="n" tagId="t" version="1"><Entity name="e" regid="e.example" role="tagCreator softwareCreator"/><Payload><Directory name="d &amp; &lt;e&gt;" root="/"><File name="a &quot;long&quot; name &amp; more, on the heap" size="1"/><File name="é&#9;x"/></Directory><x:note>a &lt; b &amp; c</x:note></Payload></SoftwareIdentity>"#;
        let tag = read_str(xml, &ReadOptions::LAX).expect("reads").value;
        let written = write(&tag).expect("writes");
        assert!(
            written.contains(r#"<Directory name="d &amp; &lt;e&gt;" root="/">"#),
            "{written}"
        );
        assert!(
            written.contains(
                r#"<File name="a &quot;long&quot; name &amp; more, on the heap" size="1"/>"#
            ),
            "{written}"
        );
        assert!(written.contains(r#"<File name="é&#9;x"/>"#), "{written}");
        assert!(written.contains("a &lt; b &amp; c</x:note>"), "{written}");
        let again = read_str(&written, &ReadOptions::LAX)
            .expect("reads back")
            .value;
        assert_eq!(again, tag);
    }
}
