//! SWID model → CoSWID (a CBOR value tree).

use super::Dropped;
use super::cbor::Value;
use super::ext::{self, int_value, unhex};
use super::keys::{self, key};
use crate::model::{
    Attribute, Child, Directory, DirectoryChild, Entity, EntityChild, Evidence, File, ForeignNode,
    Link, Process, Resource, ResourceChild, ResourceCollection, SoftwareIdentity, SoftwareMeta,
    XmlBool, XmlInt,
};
use crate::ns;
use std::collections::BTreeMap;

/// The order keys are written in, per map: the CDDL's order, then `lang`. Entries with
/// other keys (extensions) follow, in the model's order; an extension attribute that keeps
/// an entry with one of these keys (a value of an unexpected type, a repeated key) is
/// written in that key's place, so that encoding a decoded tag is a fixed point.
const IDENTITY_ORDER: &[i64] = &[0, 12, 8, 9, 11, 1, 13, 14, 10, 5, 2, 4, 6, 3, 15];
const ENTITY_ORDER: &[i64] = &[31, 32, 33, 34, 15];
const LINK_ORDER: &[i64] = &[37, 38, 10, 39, 40, 41, 42, 15];
const META_ORDER: &[i64] = &[
    43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 15,
];
const COLLECTION_ORDER: &[i64] = &[16, 17, 18, 19, 35, 36, 23, 15];
const DIRECTORY_ORDER: &[i64] = &[22, 23, 24, 25, 26, 15];
const PATH_ELEMENTS_ORDER: &[i64] = &[16, 17];
const FILE_ORDER: &[i64] = &[22, 23, 24, 25, 20, 21, 7, 15];
const PROCESS_ORDER: &[i64] = &[27, 28, 15];
const RESOURCE_ORDER: &[i64] = &[29, 15];

/// Collects the map of one element.
struct MapBuilder {
    entries: Vec<(Value, Value)>,
    order: &'static [i64],
    /// Keys of required items written empty because the model's field is empty: an
    /// extension attribute that keeps an entry with the same key (a `tag-id` of another
    /// type) takes their place instead of being written a second time.
    placeholders: Vec<i64>,
}

/// A key's identity in the CBOR data model (`1` and `0x1801` are the same key), so that a
/// map is never written with a key twice (RFC 8949 §5.6).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum KeyId {
    Int(i128),
    Text(String),
    Other(Vec<u8>),
}

impl KeyId {
    fn of(k: &Value) -> Self {
        match (k.as_int(), k.as_text()) {
            (Some(n), _) => Self::Int(n),
            (_, Some(t)) => Self::Text(t.to_owned()),
            _ => Self::Other(k.encode()),
        }
    }
}

impl MapBuilder {
    fn new(order: &'static [i64]) -> Self {
        Self {
            entries: Vec::new(),
            order,
            placeholders: Vec::new(),
        }
    }

    /// The entries, stably sorted by the map's key order.
    fn into_value(mut self) -> Value {
        let order = self.order;
        let rank = |k: &Value| {
            k.as_i64()
                .and_then(|k| order.iter().position(|o| *o == k))
                .unwrap_or(order.len())
        };
        self.entries.sort_by_key(|(k, _)| rank(k));
        Value::map(self.entries)
    }

    fn put(&mut self, k: i64, v: Value) {
        self.entries.push((Value::int(k), v));
    }

    fn text(&mut self, k: i64, v: Option<&str>) {
        if let Some(v) = v {
            self.put(k, Value::text(v));
        }
    }

    /// A required text item: always written (empty if need be), unless an absence marker
    /// says the decoded tag had none (see [`MapBuilder::finish`]).
    fn required_text(&mut self, k: i64, v: &str) {
        if v.is_empty() {
            self.placeholders.push(k);
        }
        self.put(k, Value::text(v));
    }

    fn bool(&mut self, k: i64, v: Option<&XmlBool>) {
        if let Some(v) = v {
            self.put(
                k,
                v.value()
                    .map_or_else(|| Value::text(v.as_str()), Value::Bool),
            );
        }
    }

    fn int(&mut self, k: i64, v: Option<&XmlInt>) {
        if let Some(v) = v {
            self.put(
                k,
                v.value()
                    .and_then(int_value)
                    .unwrap_or_else(|| Value::text(v.as_str())),
            );
        }
    }

    fn many(&mut self, k: i64, mut items: Vec<Value>) {
        match items.len() {
            0 => {}
            1 => {
                if let Some(item) = items.pop() {
                    self.put(k, item);
                }
            }
            _ => self.put(k, Value::array(items)),
        }
    }

    /// Adds `lang` and the attributes, and makes the map. An absence marker (an empty
    /// [`EXTENSION_NS`](super::EXTENSION_NS) attribute `_<n>`) removes the item with key
    /// *n*: the decoded tag did not have that required item.
    ///
    /// No key is written twice. An attribute whose entry has the key of a required item
    /// left empty (a decoded `tag-id` of another type) is written in its place; any other
    /// attribute whose key is already in the map (a typed field set as well, a repeat a
    /// decoded map had) is left out and its description returned, to be reported.
    fn finish(mut self, lang: Option<&str>, attributes: &[Attribute]) -> (Value, Vec<String>) {
        self.text(key::LANG, lang);
        for absent in attributes.iter().filter_map(ext::absent_key) {
            self.entries.retain(|(k, _)| k.as_int() != Some(absent));
        }
        let mut seen: BTreeMap<KeyId, usize> = BTreeMap::new();
        for (i, (k, _)) in self.entries.iter().enumerate() {
            seen.entry(KeyId::of(k)).or_insert(i);
        }
        let mut refused = Vec::new();
        // The repeats of a decoded map's key come last: the first occurrence (a typed field
        // or an attribute) is written and each repeat reported, whatever the attribute order
        // (a typed field's attribute is added after the others), so that the map's order,
        // and the value kept, are those a second decode sees.
        let (repeats, others): (Vec<&Attribute>, Vec<&Attribute>) = attributes
            .iter()
            .filter(|a| ext::absent_key(a).is_none())
            .partition(|a| ext::is_repeat(a));
        for a in others.into_iter().chain(repeats) {
            let (mut k, mut v) = attribute_entry(a);
            if k.repeated_key().is_some() || v.repeated_key().is_some() {
                // A kept entry whose key or value repeats a key inside (a decoded invalid
                // map): written with the first occurrence of each key only.
                let mut removed = 0;
                k = first_keys(k, &mut removed);
                v = first_keys(v, &mut removed);
                refused.push(format!(
                    "{removed} repeated map key(s) inside attribute {} (a CBOR map cannot hold a key twice)",
                    a.name.clark()
                ));
            }
            let id = KeyId::of(&k);
            match seen.get(&id) {
                None => {
                    seen.insert(id, self.entries.len());
                    self.entries.push((k, v));
                }
                Some(&i) => {
                    let placeholder = self.entries.get(i).and_then(|(k, _)| k.as_i64());
                    if let Some(p) = placeholder.filter(|p| self.placeholders.contains(p)) {
                        self.placeholders.retain(|q| *q != p);
                        if let Some(slot) = self.entries.get_mut(i) {
                            *slot = (k, v);
                        }
                    } else {
                        refused.push(format!(
                            "attribute {} (map key {k} is already written; a CBOR map cannot hold a key twice)",
                            a.name.clark()
                        ));
                    }
                }
            }
        }
        (self.into_value(), refused)
    }
}

/// `v` with only the first occurrence of each key in each of its maps, keys included
/// (depth-first, so nested maps are cleaned before their parents compare them), counting
/// the entries removed.
fn first_keys(v: Value, removed: &mut usize) -> Value {
    match v {
        Value::Array { items, len } => Value::Array {
            items: items.into_iter().map(|i| first_keys(i, removed)).collect(),
            len,
        },
        Value::Map { entries, len } => {
            let mut seen = std::collections::BTreeSet::new();
            let mut kept = Vec::with_capacity(entries.len());
            for (k, item) in entries {
                // A key may itself be a map (an extension's): cleaned before it is compared.
                let k = first_keys(k, removed);
                if seen.insert(KeyId::of(&k)) {
                    kept.push((k, first_keys(item, removed)));
                } else {
                    *removed += 1;
                }
            }
            Value::Map { entries: kept, len }
        }
        Value::Tag { tag, width, item } => Value::Tag {
            tag,
            width,
            item: Box::new(first_keys(*item, removed)),
        },
        other => other,
    }
}

/// The entry an attribute becomes: its original entry for an [`EXTENSION_NS`] attribute,
/// else a text label (the local name, or `{namespace}local`) with a text value.
///
/// [`EXTENSION_NS`]: super::EXTENSION_NS
fn attribute_entry(a: &Attribute) -> (Value, Value) {
    match a.name.namespace.as_deref() {
        Some(super::EXTENSION_NS) => ext::raw_entry(&a.name.local, &a.value)
            .unwrap_or_else(|| (Value::text(a.name.clark()), Value::text(&a.value))),
        Some(_) => (Value::text(a.name.clark()), Value::text(&a.value)),
        None => (Value::text(&a.name.local), Value::text(&a.value)),
    }
}

/// A value of an open vocabulary: the code of a known name, an integer for a name made of
/// decimal digits (in canonical form, and not a registered code), else the text.
fn vocab(table: &[(i64, &'static str)], name: &str) -> Value {
    keys::code_of(table, name)
        .map(Value::int)
        .or_else(|| {
            let n: i128 = name.parse().ok()?;
            // Digits that spell a registered code would read back as its name: keep text.
            let registered = i64::try_from(n).is_ok_and(|n| keys::name_of(table, n).is_some());
            (n.to_string() == name && !registered)
                .then(|| int_value(n))
                .flatten()
        })
        .unwrap_or_else(|| Value::text(name))
}

/// With `bytes`, a canonical lowercase hyphenated UUID as a 16-byte string; anything else
/// as text.
fn uuid_or_text(id: &str, bytes: bool) -> Value {
    match uuid::Uuid::parse_str(id) {
        Ok(u) if bytes && u.hyphenated().to_string() == id => Value::bytes(u.as_bytes().to_vec()),
        _ => Value::text(id),
    }
}

pub(crate) struct Encoder {
    pub(crate) dropped: Vec<Dropped>,
    pub(crate) options: super::EncodeOptions,
    /// Where the encoder is, as element names with their 1-based index among siblings of
    /// that name; rendered only when something is dropped.
    path: Vec<(&'static str, usize)>,
}

impl Encoder {
    pub(crate) fn new(options: super::EncodeOptions) -> Self {
        Self {
            dropped: Vec::new(),
            options,
            path: vec![("SoftwareIdentity", 0)],
        }
    }

    /// Runs `f` one level down, at the `n`-th `name` child.
    fn at<T>(&mut self, name: &'static str, n: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push((name, n));
        let out = f(self);
        self.path.pop();
        out
    }

    /// The current path (`/SoftwareIdentity/Payload[1]/File[2]`).
    fn here(&self) -> String {
        let mut out = String::new();
        for (name, n) in &self.path {
            out.push('/');
            out.push_str(name);
            if *n > 0 {
                out.push_str(&format!("[{n}]"));
            }
        }
        out
    }

    fn drop(&mut self, what: impl Into<String>) {
        let path = self.here();
        self.dropped.push(Dropped {
            path,
            what: what.into(),
        });
    }

    /// [`MapBuilder::finish`], reporting the attributes it had to leave out.
    fn finish(&mut self, m: MapBuilder, lang: Option<&str>, attributes: &[Attribute]) -> Value {
        let (value, refused) = m.finish(lang, attributes);
        for what in refused {
            self.drop(what);
        }
        value
    }

    fn drop_node(&mut self, node: &ForeignNode) {
        let what = match node {
            ForeignNode::Element(e) => format!("element {}", e.name.clark()),
            ForeignNode::Text(t) if t.trim().is_empty() => return,
            ForeignNode::Text(_) => "text content".to_owned(),
            ForeignNode::Comment(_) => "comment".to_owned(),
            ForeignNode::ProcessingInstruction { target, .. } => {
                format!("processing instruction {target}")
            }
        };
        self.drop(what);
    }

    fn drop_content(&mut self, content: &[ForeignNode]) {
        for node in content {
            self.drop_node(node);
        }
    }

    pub(crate) fn identity(&mut self, tag: &SoftwareIdentity) -> Value {
        let mut m = MapBuilder::new(IDENTITY_ORDER);
        m.put(
            key::TAG_ID,
            uuid_or_text(tag.tag_id.as_str(), self.options.tag_id_as_bytes),
        );
        if tag.tag_id.as_str().is_empty() {
            // A decoded tag-id of another type is kept as an extension entry, which is
            // written in this one's place (see `MapBuilder::finish`).
            m.placeholders.push(key::TAG_ID);
        }
        m.int(key::TAG_VERSION, tag.tag_version.as_ref());
        m.bool(key::CORPUS, tag.corpus.as_ref());
        m.bool(key::PATCH, tag.patch.as_ref());
        m.bool(key::SUPPLEMENTAL, tag.supplemental.as_ref());
        m.required_text(key::SOFTWARE_NAME, &tag.name);
        m.text(key::SOFTWARE_VERSION, tag.version.as_deref());
        if let Some(scheme) = &tag.version_scheme {
            m.put(
                key::VERSION_SCHEME,
                vocab(keys::VERSION_SCHEMES, scheme.as_str()),
            );
        }
        m.text(key::MEDIA, tag.media.as_deref());

        let (mut metas, mut entities, mut links) = (Vec::new(), Vec::new(), Vec::new());
        let (mut payload, mut evidence) = (None, None);
        let mut counts = [0usize; 5];
        for child in &tag.children {
            match child {
                Child::Meta(x) => {
                    counts[0] += 1;
                    metas.push(self.at("Meta", counts[0], |s| s.meta(x)));
                }
                Child::Entity(x) => {
                    counts[1] += 1;
                    entities.push(self.at("Entity", counts[1], |s| s.entity(x)));
                }
                Child::Link(x) => {
                    counts[2] += 1;
                    links.push(self.at("Link", counts[2], |s| s.link(x)));
                }
                Child::Payload(x) => {
                    counts[3] += 1;
                    if payload.is_none() {
                        payload = Some(self.at("Payload", counts[3], |s| s.collection(x, None)));
                    } else {
                        self.at("Payload", counts[3], |s| s.drop("a second Payload"));
                    }
                }
                Child::Evidence(x) => {
                    counts[4] += 1;
                    if evidence.is_none() {
                        evidence = Some(self.at("Evidence", counts[4], |s| {
                            s.collection(&x.resources, Some(x))
                        }));
                    } else {
                        self.at("Evidence", counts[4], |s| s.drop("a second Evidence"));
                    }
                }
                Child::Other(node) => self.drop_node(node),
            }
        }
        m.many(key::SOFTWARE_META, metas);
        m.many(key::ENTITY, entities);
        m.many(key::LINK, links);
        if let Some(p) = payload {
            m.put(key::PAYLOAD, p);
        }
        if let Some(e) = evidence {
            m.put(key::EVIDENCE, e);
        }
        self.finish(m, tag.lang.as_deref(), &tag.attributes)
    }

    fn entity(&mut self, e: &Entity) -> Value {
        let mut m = MapBuilder::new(ENTITY_ORDER);
        m.required_text(key::ENTITY_NAME, &e.name);
        m.text(key::REG_ID, e.regid.as_ref().map(|r| r.as_str()));
        let roles: Vec<Value> = e
            .role
            .iter()
            .map(|r| vocab(keys::ROLES, r.as_str()))
            .collect();
        if roles.is_empty() {
            m.put(key::ROLE, Value::array(roles));
        } else {
            m.many(key::ROLE, roles);
        }
        if let Some(t) = &e.thumbprint {
            let value = match unhex(t) {
                Some(bytes) => Value::array(vec![Value::uint(0), Value::bytes(bytes)]),
                None => Value::text(t),
            };
            m.put(key::THUMBPRINT, value);
        }
        let mut metas = 0;
        for child in &e.children {
            match child {
                EntityChild::Meta(_) => {
                    metas += 1;
                    self.at("Meta", metas, |s| {
                        s.drop("Entity Meta (CoSWID entities have no meta)");
                    });
                }
                EntityChild::Other(node) => self.drop_node(node),
            }
        }
        self.finish(m, e.lang.as_deref(), &e.attributes)
    }

    fn link(&mut self, l: &Link) -> Value {
        let mut m = MapBuilder::new(LINK_ORDER);
        m.text(key::ARTIFACT, l.artifact.as_deref());
        m.required_text(key::HREF, &l.href);
        m.text(key::MEDIA, l.media.as_deref());
        if let Some(o) = &l.ownership {
            m.put(key::OWNERSHIP, vocab(keys::OWNERSHIPS, o.as_str()));
        }
        m.put(key::REL, vocab(keys::RELS, l.rel.as_str()));
        m.text(key::MEDIA_TYPE, l.r#type.as_deref());
        if let Some(u) = &l.r#use {
            m.put(key::USE, vocab(keys::USES, u.as_str()));
        }
        self.drop_content(&l.content);
        self.finish(m, l.lang.as_deref(), &l.attributes)
    }

    fn meta(&mut self, x: &SoftwareMeta) -> Value {
        let mut m = MapBuilder::new(META_ORDER);
        m.text(key::ACTIVATION_STATUS, x.activation_status.as_deref());
        m.text(key::CHANNEL_TYPE, x.channel_type.as_deref());
        m.text(key::COLLOQUIAL_VERSION, x.colloquial_version.as_deref());
        m.text(key::DESCRIPTION, x.description.as_deref());
        m.text(key::EDITION, x.edition.as_deref());
        m.bool(
            key::ENTITLEMENT_DATA_REQUIRED,
            x.entitlement_data_required.as_ref(),
        );
        m.text(key::ENTITLEMENT_KEY, x.entitlement_key.as_deref());
        if let Some(g) = &x.generator {
            m.put(
                key::GENERATOR,
                uuid_or_text(g, self.options.generator_as_bytes),
            );
        }
        m.text(key::PERSISTENT_ID, x.persistent_id.as_deref());
        m.text(key::PRODUCT, x.product.as_deref());
        m.text(key::PRODUCT_FAMILY, x.product_family.as_deref());
        m.text(key::REVISION, x.revision.as_deref());
        m.text(key::SUMMARY, x.summary.as_deref());
        m.text(key::UNSPSC_CODE, x.unspsc_code.as_deref());
        m.text(key::UNSPSC_VERSION, x.unspsc_version.as_deref());
        self.drop_content(&x.content);
        self.finish(m, x.lang.as_deref(), &x.attributes)
    }

    fn collection(&mut self, c: &ResourceCollection, evidence: Option<&Evidence>) -> Value {
        let mut m = MapBuilder::new(COLLECTION_ORDER);
        let (mut dirs, mut files, mut procs, mut res) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut n = [0usize; 4];
        for child in &c.children {
            match child {
                ResourceChild::Directory(d) => {
                    n[0] += 1;
                    dirs.push(self.at("Directory", n[0], |s| s.directory(d)));
                }
                ResourceChild::File(f) => {
                    n[1] += 1;
                    files.push(self.at("File", n[1], |s| s.file(f)));
                }
                ResourceChild::Process(p) => {
                    n[2] += 1;
                    procs.push(self.at("Process", n[2], |s| s.process(p)));
                }
                ResourceChild::Resource(r) => {
                    n[3] += 1;
                    res.push(self.at("Resource", n[3], |s| s.resource(r)));
                }
                ResourceChild::Other(node) => self.drop_node(node),
            }
        }
        m.many(key::DIRECTORY, dirs);
        m.many(key::FILE, files);
        m.many(key::PROCESS, procs);
        m.many(key::RESOURCE, res);
        if let Some(e) = evidence {
            if let Some(date) = &e.date {
                let epoch = chrono::DateTime::parse_from_rfc3339(date.trim())
                    .ok()
                    .filter(|d| d.timestamp_subsec_nanos() == 0)
                    .map(|d| Value::tag(1, Value::int(d.timestamp())));
                m.put(key::DATE, epoch.unwrap_or_else(|| Value::text(date)));
            }
            m.text(key::DEVICE_ID, e.device_id.as_deref());
        }
        let mut attrs = c.attributes.clone();
        for (local, value) in [
            ("pathSeparator", &c.path_separator),
            ("envVarPrefix", &c.env_var_prefix),
            ("envVarSuffix", &c.env_var_suffix),
        ] {
            if let Some(v) = value {
                attrs.push(n8060(local, v));
            }
        }
        self.finish(m, c.lang.as_deref(), &attrs)
    }

    fn directory(&mut self, d: &Directory) -> Value {
        let mut m = MapBuilder::new(DIRECTORY_ORDER);
        m.bool(key::KEY, d.key.as_ref());
        m.text(key::LOCATION, d.location.as_deref());
        m.required_text(key::FS_NAME, &d.name);
        m.text(key::ROOT, d.root.as_deref());
        let (mut dirs, mut files) = (Vec::new(), Vec::new());
        let mut n = [0usize; 2];
        for child in &d.children {
            match child {
                DirectoryChild::Directory(x) => {
                    n[0] += 1;
                    dirs.push(self.at("Directory", n[0], |s| s.directory(x)));
                }
                DirectoryChild::File(x) => {
                    n[1] += 1;
                    files.push(self.at("File", n[1], |s| s.file(x)));
                }
                DirectoryChild::Other(node) => self.drop_node(node),
            }
        }
        if !dirs.is_empty() || !files.is_empty() {
            let mut pe = MapBuilder::new(PATH_ELEMENTS_ORDER);
            pe.many(key::DIRECTORY, dirs);
            pe.many(key::FILE, files);
            m.put(key::PATH_ELEMENTS, pe.into_value());
        }
        self.finish(m, d.lang.as_deref(), &d.attributes)
    }

    fn file(&mut self, f: &File) -> Value {
        let mut m = MapBuilder::new(FILE_ORDER);
        m.bool(key::KEY, f.key.as_ref());
        m.text(key::LOCATION, f.location.as_deref());
        m.required_text(key::FS_NAME, &f.name);
        m.text(key::ROOT, f.root.as_deref());
        m.int(key::SIZE, f.size.as_ref());
        m.text(key::FILE_VERSION, f.version.as_deref());
        let mut attrs = f.attributes.clone();
        let mut hash_done = false;
        for (alg, value) in &f.hashes {
            let entry = keys::hash_by_xml_namespace(alg.namespace())
                .zip(unhex(value))
                .filter(|_| !hash_done);
            match entry {
                Some((id, bytes)) => {
                    hash_done = true;
                    m.put(
                        key::HASH,
                        Value::array(vec![Value::int(id.id), Value::bytes(bytes)]),
                    );
                }
                None => attrs.push(Attribute::new(
                    crate::model::QName::qualified(alg.namespace(), None, "hash"),
                    value,
                )),
            }
        }
        if let Some(v) = &f.mutable {
            attrs.push(n8060("mutable", v.as_str()));
        }
        if let Some(v) = &f.patch_event {
            attrs.push(n8060("patchEvent", v.as_str()));
        }
        self.drop_content(&f.content);
        self.finish(m, f.lang.as_deref(), &attrs)
    }

    fn process(&mut self, p: &Process) -> Value {
        let mut m = MapBuilder::new(PROCESS_ORDER);
        m.required_text(key::PROCESS_NAME, &p.name);
        m.int(key::PID, p.pid.as_ref());
        self.drop_content(&p.content);
        self.finish(m, p.lang.as_deref(), &p.attributes)
    }

    fn resource(&mut self, r: &Resource) -> Value {
        let mut m = MapBuilder::new(RESOURCE_ORDER);
        m.required_text(key::TYPE, &r.r#type);
        self.drop_content(&r.content);
        self.finish(m, r.lang.as_deref(), &r.attributes)
    }
}

fn n8060(local: &str, value: &str) -> Attribute {
    Attribute::new(
        crate::model::QName::qualified(ns::N8060, Some("n8060"), local),
        value,
    )
}
