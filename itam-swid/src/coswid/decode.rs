//! CoSWID (a CBOR value tree) → SWID model.

use std::collections::BTreeMap;

use itam_core::{RegId, TagId, VersionScheme};

use super::cbor::Value;
use super::ext::{self, hex, is_ncname, split_clark};
use super::keys::{self, key};
use super::{CoswidError, CoswidErrorKind};
use crate::model::{
    Attribute, Child, Directory, DirectoryChild, Entity, Evidence, File, HashAlgorithm, Link,
    Ownership, PatchEvent, Process, QName, Rel, Resource, ResourceChild, ResourceCollection, Roles,
    SoftwareIdentity, SoftwareMeta, Use, XmlBool, XmlInt,
};
use crate::ns;

/// The XML attribute names each element has fields for: an unqualified CoSWID text label
/// with one of these names cannot become an unqualified XML attribute (it would clash).
const IDENTITY_ATTRS: &[&str] = &[
    "name",
    "tagId",
    "tagVersion",
    "version",
    "versionScheme",
    "corpus",
    "patch",
    "supplemental",
    "media",
];
const ENTITY_ATTRS: &[&str] = &["name", "regid", "role", "thumbprint"];
const LINK_ATTRS: &[&str] = &[
    "href",
    "rel",
    "artifact",
    "media",
    "ownership",
    "type",
    "use",
];
const META_ATTRS: &[&str] = &crate::model::SOFTWARE_META_ATTRIBUTES;
const COLLECTION_ATTRS: &[&str] = &["date", "deviceId"];
const DIRECTORY_ATTRS: &[&str] = &["name", "key", "location", "root"];
const FILE_ATTRS: &[&str] = &["name", "key", "location", "root", "size", "version"];
const PROCESS_ATTRS: &[&str] = &["name", "pid"];
const RESOURCE_ATTRS: &[&str] = &["type"];

/// Builds the model of one concise-swid-tag map.
pub(crate) fn identity(value: &Value) -> Result<SoftwareIdentity, CoswidError> {
    if value.as_map().is_none() {
        return Err(CoswidError {
            path: "/".to_owned(),
            kind: CoswidErrorKind::NotAMap(value.type_name()),
        });
    }
    let (entries, dups) = split(value);
    let mut tag = SoftwareIdentity::new("", "");
    let mut rest = Vec::new();
    // A map's order carries no meaning: children are grouped in the CDDL's order.
    let (mut metas, mut entities, mut links, mut collections) = (vec![], vec![], vec![], vec![]);
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::TAG_ID) => uuid_or_text(v)
                .map(|id| tag.tag_id = TagId::new(id))
                .is_some(),
            Some(key::SOFTWARE_NAME) => set_text(&mut tag.name, v),
            Some(key::TAG_VERSION) => set_int(&mut tag.tag_version, v),
            Some(key::CORPUS) => set_bool(&mut tag.corpus, v),
            Some(key::PATCH) => set_bool(&mut tag.patch, v),
            Some(key::SUPPLEMENTAL) => set_bool(&mut tag.supplemental, v),
            Some(key::SOFTWARE_VERSION) => set_opt_text(&mut tag.version, v),
            Some(key::VERSION_SCHEME) => vocab(keys::VERSION_SCHEMES, v)
                .map(|s| tag.version_scheme = Some(VersionScheme::from(s.as_str())))
                .is_some(),
            Some(key::MEDIA) => set_opt_text(&mut tag.media, v),
            Some(key::LANG) => set_opt_text(&mut tag.lang, v),
            Some(key::SOFTWARE_META) => push_all(&mut metas, v, |m| Child::Meta(meta(m))),
            Some(key::ENTITY) => push_all(&mut entities, v, |m| Child::Entity(entity(m))),
            Some(key::LINK) => push_all(&mut links, v, |m| Child::Link(link(m))),
            Some(key::PAYLOAD) if v.as_map().is_some() => {
                collections.insert(0, Child::Payload(collection(v, None)));
                true
            }
            Some(key::EVIDENCE) if v.as_map().is_some() => {
                let mut evidence = Evidence::default();
                evidence.resources = collection(
                    v,
                    Some(&mut evidence_fields(
                        &mut evidence.date,
                        &mut evidence.device_id,
                    )),
                );
                collections.push(Child::Evidence(evidence));
                true
            }
            _ => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    tag.children = metas
        .into_iter()
        .chain(entities)
        .chain(links)
        .chain(collections)
        .collect();
    tag.attributes = attributes(
        &entries,
        &[key::TAG_ID, key::SOFTWARE_NAME],
        rest,
        dups,
        IDENTITY_ATTRS,
        |_, _, _| false,
    );
    Ok(tag)
}

/// Whether the tag's `tag-id`, and any `generator`, are 16-byte strings.
pub(crate) fn byte_forms(map: &Value) -> (bool, bool) {
    fn at(entries: &[(Value, Value)], k: i64) -> Option<&Value> {
        entries
            .iter()
            .find(|(key, _)| int_key(key) == Some(k))
            .map(|(_, v)| v)
    }
    let is_bytes = |v: Option<&Value>| v.is_some_and(|v| v.as_bytes().is_some());
    let entries = map.as_map().unwrap_or_default();
    let tag_id = is_bytes(at(entries, key::TAG_ID));
    let generator = at(entries, key::SOFTWARE_META)
        .and_then(maps)
        .unwrap_or_default()
        .into_iter()
        .any(|m| is_bytes(at(m.as_map().unwrap_or_default(), key::GENERATOR)));
    (tag_id, generator)
}

/// A map's entries: the first occurrence of each key, and every repeat kept whole as an
/// [`EXTENSION_NS`](super::EXTENSION_NS) attribute `_k<hex of key>.<n>` (its *n*-th
/// occurrence). RFC 8949 §5.6 makes a map with a repeated key invalid, yet nsacyber/HIRS
/// writes `patch` twice. A value that is not a map has no entries.
#[allow(clippy::type_complexity)]
fn split(value: &Value) -> (Vec<(&Value, &Value)>, Vec<Attribute>) {
    let entries = value.as_map().unwrap_or_default();
    let mut seen: BTreeMap<KeyId<'_>, usize> = BTreeMap::new();
    let mut firsts = Vec::with_capacity(entries.len());
    let mut dups = Vec::new();
    for (k, v) in entries {
        let n = seen.entry(KeyId::of(k)).or_insert(0);
        *n += 1;
        if *n == 1 {
            firsts.push((k, v));
        } else {
            dups.push(ext::repeated_attribute(k, v, *n));
        }
    }
    (firsts, dups)
}

/// A key's identity in the CBOR data model: `1` and `0x1801` are the same key.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum KeyId<'v> {
    Int(i128),
    Text(&'v str),
    Other(Vec<u8>),
}

impl<'v> KeyId<'v> {
    fn of(k: &'v Value) -> Self {
        match (k.as_int(), k.as_text()) {
            (Some(n), _) => Self::Int(n),
            (_, Some(t)) => Self::Text(t),
            _ => Self::Other(k.encode()),
        }
    }
}

fn int_key(k: &Value) -> Option<i64> {
    k.as_i64()
}

fn set_text<T: for<'t> From<&'t str>>(field: &mut T, v: &Value) -> bool {
    v.as_text().map(|t| *field = T::from(t)).is_some()
}

fn set_opt_text(field: &mut Option<String>, v: &Value) -> bool {
    v.as_text().map(|t| *field = Some(t.to_owned())).is_some()
}

fn set_bool(field: &mut Option<XmlBool>, v: &Value) -> bool {
    v.as_bool()
        .map(|b| *field = Some(XmlBool::from(b)))
        .is_some()
}

fn set_int(field: &mut Option<XmlInt>, v: &Value) -> bool {
    v.as_int()
        .map(|n| *field = Some(XmlInt::new(n.to_string())))
        .is_some()
}

/// A 16-byte string as the canonical lowercase UUID, or a text string as is.
fn uuid_or_text(v: &Value) -> Option<String> {
    match v {
        Value::Text { value, .. } => Some(value.clone()),
        Value::Bytes { value, .. } => uuid::Uuid::from_slice(value)
            .ok()
            .filter(|_| value.len() == 16)
            .map(|u| u.hyphenated().to_string()),
        _ => None,
    }
}

/// A value of an open vocabulary: a known integer as its name, another integer as its
/// decimal digits, a text as is.
fn vocab(table: &[(i64, &'static str)], v: &Value) -> Option<String> {
    match v {
        Value::Text { value, .. } => Some(value.clone()),
        Value::Unsigned { .. } | Value::Negative { .. } => {
            let n = v.as_int()?;
            Some(
                i64::try_from(n)
                    .ok()
                    .and_then(|n| keys::name_of(table, n))
                    .map_or_else(|| n.to_string(), str::to_owned),
            )
        }
        _ => None,
    }
}

/// The items of a `one-or-more<map>` value: the map itself or a non-empty array of maps
/// (an empty array is not one, and is kept as an extension).
fn maps(v: &Value) -> Option<Vec<&Value>> {
    match v {
        Value::Map { .. } => Some(vec![v]),
        Value::Array { items, .. }
            if !items.is_empty() && items.iter().all(|i| i.as_map().is_some()) =>
        {
            Some(items.iter().collect())
        }
        _ => None,
    }
}

/// Decodes every map of a one-or-more value into `out`; false when the value is not one.
fn push_all<T>(out: &mut Vec<T>, v: &Value, f: impl Fn(&Value) -> T) -> bool {
    let Some(items) = maps(v) else { return false };
    out.extend(items.into_iter().map(f));
    true
}

fn entity(value: &Value) -> Entity {
    let (entries, dups) = split(value);
    let mut e = Entity::default();
    let mut rest = Vec::new();
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::ENTITY_NAME) => set_text(&mut e.name, v),
            Some(key::REG_ID) => v.as_text().map(|t| e.regid = Some(RegId::new(t))).is_some(),
            Some(key::ROLE) => roles(v).map(|r| e.role = r).is_some(),
            Some(key::THUMBPRINT) => match hash_entry(v) {
                Some((0, bytes)) => {
                    e.thumbprint = Some(hex(bytes));
                    true
                }
                _ => false,
            },
            Some(key::LANG) => set_opt_text(&mut e.lang, v),
            _ => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    e.attributes = attributes(
        &entries,
        &[key::ENTITY_NAME, key::ROLE],
        rest,
        dups,
        ENTITY_ATTRS,
        |_, _, _| false,
    );
    e
}

fn roles(v: &Value) -> Option<Roles> {
    let tokens: Option<Vec<String>> = match v {
        Value::Array { items, .. } => items.iter().map(|i| vocab(keys::ROLES, i)).collect(),
        single => vocab(keys::ROLES, single).map(|t| vec![t]),
    };
    tokens.map(|t| Roles::new(t.join(" ")))
}

/// A `hash-entry`: `[alg-id, bytes]`.
fn hash_entry(v: &Value) -> Option<(i64, &[u8])> {
    match v.as_array()? {
        [alg, bytes] => Some((alg.as_i64()?, bytes.as_bytes()?)),
        _ => None,
    }
}

fn link(value: &Value) -> Link {
    let (entries, dups) = split(value);
    let mut l = Link::default();
    let mut rest = Vec::new();
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::ARTIFACT) => set_opt_text(&mut l.artifact, v),
            Some(key::HREF) => set_text(&mut l.href, v),
            Some(key::MEDIA) => set_opt_text(&mut l.media, v),
            Some(key::OWNERSHIP) => vocab(keys::OWNERSHIPS, v)
                .map(|s| l.ownership = Some(Ownership::from(s.as_str())))
                .is_some(),
            Some(key::REL) => vocab(keys::RELS, v)
                .map(|s| l.rel = Rel::from(s.as_str()))
                .is_some(),
            Some(key::MEDIA_TYPE) => set_opt_text(&mut l.r#type, v),
            Some(key::USE) => vocab(keys::USES, v)
                .map(|s| l.r#use = Some(Use::from(s.as_str())))
                .is_some(),
            Some(key::LANG) => set_opt_text(&mut l.lang, v),
            _ => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    l.attributes = attributes(
        &entries,
        &[key::HREF, key::REL],
        rest,
        dups,
        LINK_ATTRS,
        |_, _, _| false,
    );
    l
}

fn meta(value: &Value) -> SoftwareMeta {
    let (entries, dups) = split(value);
    let mut m = SoftwareMeta::default();
    let mut rest = Vec::new();
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::ENTITLEMENT_DATA_REQUIRED) => set_bool(&mut m.entitlement_data_required, v),
            Some(key::GENERATOR) => uuid_or_text(v).map(|g| m.generator = Some(g)).is_some(),
            Some(key::LANG) => set_opt_text(&mut m.lang, v),
            Some(code) => {
                match keys::name_of(keys::SOFTWARE_META_KEYS, code).and_then(|n| m.field_mut(n)) {
                    Some(field) => set_opt_text(field, v),
                    None => false,
                }
            }
            None => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    m.attributes = attributes(&entries, &[], rest, dups, META_ATTRS, |_, _, _| false);
    m
}

/// Setters for the Evidence-only items, handed to [`collection`].
type EvidenceFields<'a> = (&'a mut Option<String>, &'a mut Option<String>);

fn evidence_fields<'a>(
    date: &'a mut Option<String>,
    device_id: &'a mut Option<String>,
) -> EvidenceFields<'a> {
    (date, device_id)
}

fn collection(value: &Value, mut evidence: Option<&mut EvidenceFields<'_>>) -> ResourceCollection {
    let (entries, dups) = split(value);
    let mut c = ResourceCollection::default();
    let mut rest = Vec::new();
    let (mut dirs, mut files, mut procs, mut res) = (vec![], vec![], vec![], vec![]);
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::DIRECTORY) => {
                push_all(&mut dirs, v, |m| ResourceChild::Directory(directory(m)))
            }
            Some(key::FILE) => push_all(&mut files, v, |m| ResourceChild::File(file(m))),
            Some(key::PROCESS) => push_all(&mut procs, v, |m| ResourceChild::Process(process(m))),
            Some(key::RESOURCE) => push_all(&mut res, v, |m| ResourceChild::Resource(resource(m))),
            Some(key::LANG) => set_opt_text(&mut c.lang, v),
            Some(key::DATE) => match evidence.as_deref_mut() {
                Some((date, _)) => match epoch_date(v) {
                    Some(d) => {
                        **date = Some(d);
                        true
                    }
                    None => false,
                },
                None => false,
            },
            Some(key::DEVICE_ID) => match evidence.as_deref_mut() {
                Some((_, device)) => set_opt_text(device, v),
                None => false,
            },
            _ => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    c.children = dirs
        .into_iter()
        .chain(files)
        .chain(procs)
        .chain(res)
        .collect();
    let (mut sep, mut prefix, mut suffix) = (None, None, None);
    c.attributes = attributes(
        &entries,
        &[],
        rest,
        dups,
        COLLECTION_ATTRS,
        |namespace, local, value| {
            let field = match (namespace, local) {
                (ns::N8060, "pathSeparator") => &mut sep,
                (ns::N8060, "envVarPrefix") => &mut prefix,
                (ns::N8060, "envVarSuffix") => &mut suffix,
                _ => return false,
            };
            *field = Some(value.to_owned());
            true
        },
    );
    (c.path_separator, c.env_var_prefix, c.env_var_suffix) = (sep, prefix, suffix);
    c
}

/// `date`: `#6.1(int)` (epoch seconds) as an RFC 3339 UTC date-time.
fn epoch_date(v: &Value) -> Option<String> {
    let Value::Tag { tag: 1, item, .. } = v else {
        return None;
    };
    let seconds = item.as_i64()?;
    let date = chrono::DateTime::from_timestamp(seconds, 0)?;
    let text = date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // Years past 9999 have no RFC 3339 form that reads back: keep those as extensions.
    chrono::DateTime::parse_from_rfc3339(&text)
        .is_ok()
        .then_some(text)
}

fn directory(value: &Value) -> Directory {
    let (entries, dups) = split(value);
    let mut d = Directory::default();
    let mut rest = Vec::new();
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::KEY) => set_bool(&mut d.key, v),
            Some(key::LOCATION) => set_opt_text(&mut d.location, v),
            Some(key::FS_NAME) => set_text(&mut d.name, v),
            Some(key::ROOT) => set_opt_text(&mut d.root, v),
            Some(key::LANG) => set_opt_text(&mut d.lang, v),
            Some(key::PATH_ELEMENTS) => path_elements(&mut d.children, v),
            _ => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    d.attributes = attributes(
        &entries,
        &[key::FS_NAME],
        rest,
        dups,
        DIRECTORY_ATTRS,
        |_, _, _| false,
    );
    d
}

/// `path-elements`: a map holding only `directory` and/or `file`.
fn path_elements(out: &mut Vec<DirectoryChild>, v: &Value) -> bool {
    if v.as_map().is_none() {
        return false;
    }
    let (entries, dups) = split(v);
    let fits = dups.is_empty()
        && entries.iter().all(|(k, v)| {
            matches!(int_key(k), Some(key::DIRECTORY | key::FILE)) && maps(v).is_some()
        });
    if !fits {
        return false;
    }
    let (mut dirs, mut files) = (Vec::new(), Vec::new());
    for &(k, v) in &entries {
        if int_key(k) == Some(key::DIRECTORY) {
            push_all(&mut dirs, v, |m| DirectoryChild::Directory(directory(m)));
        } else {
            push_all(&mut files, v, |m| DirectoryChild::File(file(m)));
        }
    }
    out.extend(dirs.into_iter().chain(files));
    true
}

fn file(value: &Value) -> File {
    let (entries, dups) = split(value);
    let mut f = File::default();
    let mut rest = Vec::new();
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::KEY) => set_bool(&mut f.key, v),
            Some(key::LOCATION) => set_opt_text(&mut f.location, v),
            Some(key::FS_NAME) => set_text(&mut f.name, v),
            Some(key::ROOT) => set_opt_text(&mut f.root, v),
            Some(key::SIZE) => set_int(&mut f.size, v),
            Some(key::FILE_VERSION) => set_opt_text(&mut f.version, v),
            Some(key::HASH) => {
                match hash_entry(v)
                    .and_then(|(id, bytes)| Some((keys::hash_by_id(id)?.xml_namespace?, bytes)))
                {
                    Some((namespace, bytes)) => {
                        f.hashes
                            .insert(HashAlgorithm::from_namespace(namespace), hex(bytes));
                        true
                    }
                    None => false,
                }
            }
            Some(key::LANG) => set_opt_text(&mut f.lang, v),
            _ => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    let (mut hashes, mut mutable, mut patch_event) = (Vec::new(), None, None);
    f.attributes = attributes(
        &entries,
        &[key::FS_NAME],
        rest,
        dups,
        FILE_ATTRS,
        |namespace, local, value| match (namespace, local) {
            (ns::N8060, "mutable") => {
                mutable = Some(XmlBool::new(value));
                true
            }
            (ns::N8060, "patchEvent") => {
                patch_event = Some(PatchEvent::from(value));
                true
            }
            (namespace, "hash") => {
                hashes.push((HashAlgorithm::from_namespace(namespace), value.to_owned()));
                true
            }
            _ => false,
        },
    );
    f.hashes.extend(hashes);
    (f.mutable, f.patch_event) = (mutable, patch_event);
    f
}

fn process(value: &Value) -> Process {
    let (entries, dups) = split(value);
    let mut p = Process::default();
    let mut rest = Vec::new();
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::PROCESS_NAME) => set_text(&mut p.name, v),
            Some(key::PID) => set_int(&mut p.pid, v),
            Some(key::LANG) => set_opt_text(&mut p.lang, v),
            _ => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    p.attributes = attributes(
        &entries,
        &[key::PROCESS_NAME],
        rest,
        dups,
        PROCESS_ATTRS,
        |_, _, _| false,
    );
    p
}

fn resource(value: &Value) -> Resource {
    let (entries, dups) = split(value);
    let mut r = Resource::default();
    let mut rest = Vec::new();
    for &(k, v) in &entries {
        let done = match int_key(k) {
            Some(key::TYPE) => set_text(&mut r.r#type, v),
            Some(key::LANG) => set_opt_text(&mut r.lang, v),
            _ => false,
        };
        if !done {
            rest.push((k, v));
        }
    }
    r.attributes = attributes(
        &entries,
        &[key::TYPE],
        rest,
        dups,
        RESOURCE_ATTRS,
        |_, _, _| false,
    );
    r
}

/// Turns the entries no typed field took into attributes, and adds an absence marker
/// (an empty [`EXTENSION_NS`](super::EXTENSION_NS) attribute `_<n>`) for each `required`
/// key the map does not have:
/// - a text label that is an NCName (not one of `reserved`, not starting with `_` or
///   `xml`) with a text value becomes an unqualified attribute;
/// - a text label `{namespace}local` with a text value becomes a namespaced attribute,
///   unless `special` takes it (hashes, NISTIR 8060 fields);
/// - anything else is kept whole in [`EXTENSION_NS`](super::EXTENSION_NS).
fn attributes(
    entries: &[(&Value, &Value)],
    required: &[i64],
    rest: Vec<(&Value, &Value)>,
    dups: Vec<Attribute>,
    reserved: &[&str],
    mut special: impl FnMut(&str, &str, &str) -> bool,
) -> Vec<Attribute> {
    let mut out = Vec::new();
    for (k, v) in rest {
        if let (Some(label), Some(text)) = (preferred_text(k), preferred_text(v)) {
            if plain_label(label, reserved) {
                out.push(Attribute::new(QName::local(label), text));
                continue;
            }
            if let Some((namespace, local)) = split_clark(label) {
                if namespace != super::EXTENSION_NS && !(namespace == ns::XML && local == "lang") {
                    if !special(namespace, local, text) {
                        let name = QName::qualified(namespace, ext::known_prefix(namespace), local);
                        out.push(Attribute::new(name, text));
                    }
                    continue;
                }
            }
        }
        out.push(ext::raw_attribute(k, v));
    }
    out.extend(dups);
    for k in required {
        if !entries.iter().any(|(key, _)| int_key(key) == Some(*k)) {
            out.push(ext::absent_attribute(*k));
        }
    }
    out
}

fn preferred_text(x: &Value) -> Option<&str> {
    x.as_text().filter(|_| x.is_preferred())
}

/// Whether a text label can stand as an unqualified XML attribute of an element whose own
/// attributes are `reserved`.
pub(crate) fn plain_label(label: &str, reserved: &[&str]) -> bool {
    is_ncname(label)
        && !label.starts_with('_')
        && !label
            .get(..3)
            .is_some_and(|p| p.eq_ignore_ascii_case("xml"))
        && !reserved.contains(&label)
}
