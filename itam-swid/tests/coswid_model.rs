//! CoSWID ↔ model properties, over the SWID model strategies of `tests/support`:
//!
//! - `decode(encode(m)) == coswid_normal(m)`, where [`coswid_normal`] applies exactly the
//!   normalisations the `coswid` module documents ("What cannot map"), and
//!   `encode(m).dropped` lists exactly the content it removes;
//! - for models already in that normal form, `decode(encode(m)) == m` and encoding is a
//!   fixed point;
//! - SWID XML → CoSWID → SWID XML through the reader and writer.

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

#[path = "support/corpus.rs"]
mod corpus;
mod support;

use itam_swid::coswid::{self, EncodeOptions, Envelope};
use itam_swid::model::*;
use itam_swid::read::{ReadOptions, read_str};
use itam_swid::write::write;
use proptest::prelude::*;

/// Makes lexical values CoSWID can type: invalid booleans and integers become valid
/// ones, thumbprints that are not hex and dates that are not whole-second RFC 3339
/// date-times are removed. (What happens to such values is tested separately below:
/// they are kept, as extension entries.)
fn sanitize(m: &mut SoftwareIdentity) {
    fn b(x: &mut Option<XmlBool>) {
        if let Some(v) = x {
            if v.value().is_none() {
                *v = XmlBool::from(false);
            }
        }
    }
    fn i(x: &mut Option<XmlInt>) {
        if let Some(v) = x {
            if v.value().is_none() {
                *v = XmlInt::from(0i64);
            }
        }
    }
    fn coll(c: &mut ResourceCollection) {
        for child in &mut c.children {
            match child {
                ResourceChild::Directory(d) => dir(d),
                ResourceChild::File(f) => file(f),
                ResourceChild::Process(p) => i(&mut p.pid),
                _ => {}
            }
        }
    }
    fn dir(d: &mut Directory) {
        b(&mut d.key);
        for child in &mut d.children {
            match child {
                DirectoryChild::Directory(d) => dir(d),
                DirectoryChild::File(f) => file(f),
                _ => {}
            }
        }
    }
    fn file(f: &mut File) {
        b(&mut f.key);
        i(&mut f.size);
    }
    b(&mut m.corpus);
    b(&mut m.patch);
    b(&mut m.supplemental);
    i(&mut m.tag_version);
    for child in &mut m.children {
        match child {
            Child::Entity(e) if e.thumbprint.as_deref().is_some_and(|t| unhex(t).is_none()) => {
                e.thumbprint = None;
            }
            Child::Meta(x) => b(&mut x.entitlement_data_required),
            Child::Payload(c) => coll(c),
            Child::Evidence(e) => {
                coll(&mut e.resources);
                let whole = e.date.as_deref().and_then(|d| {
                    chrono::DateTime::parse_from_rfc3339(d.trim())
                        .ok()
                        .filter(|d| d.timestamp_subsec_nanos() == 0)
                });
                if whole.is_none() {
                    e.date = None;
                }
            }
            _ => {}
        }
    }
}

fn unhex(t: &str) -> Option<Vec<u8>> {
    if t.len() % 2 != 0 {
        return None;
    }
    (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(t.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The model `decode(encode(m))` must give, with the number of dropped items, following
/// the module docs' "What cannot map" list.
fn coswid_normal(m: &SoftwareIdentity) -> (SoftwareIdentity, usize) {
    let mut dropped = 0;
    let mut out = m.clone();
    let bool_norm = |x: &Option<XmlBool>| x.as_ref().map(|v| XmlBool::from(v.value().unwrap()));
    let int_norm = |x: &Option<XmlInt>| {
        x.as_ref()
            .map(|v| XmlInt::new(v.value().unwrap().to_string()))
    };
    let attrs = |a: &[Attribute]| -> Vec<Attribute> {
        a.iter()
            .map(|a| {
                let mut a = a.clone();
                // Only the namespace travels; the decoder gives known namespaces their prefix.
                a.name.prefix = a
                    .name
                    .namespace
                    .as_deref()
                    .and_then(coswid::attribute_prefix)
                    .map(str::to_owned);
                a
            })
            .collect()
    };
    out.corpus = bool_norm(&m.corpus);
    out.patch = bool_norm(&m.patch);
    out.supplemental = bool_norm(&m.supplemental);
    out.tag_version = int_norm(&m.tag_version);
    out.attributes = attrs(&m.attributes);

    let (mut metas, mut entities, mut links, mut payload, mut evidence) =
        (vec![], vec![], vec![], None, None);
    for child in &m.children {
        match child {
            Child::Meta(x) => {
                let mut x = x.clone();
                x.entitlement_data_required = bool_norm(&x.entitlement_data_required);
                x.attributes = attrs(&x.attributes);
                dropped += count_content(&x.content);
                x.content.clear();
                metas.push(Child::Meta(x));
            }
            Child::Entity(e) => {
                let mut e = e.clone();
                let tokens: Vec<String> = e.role.iter().map(|r| r.as_str().to_owned()).collect();
                e.role = Roles::new(tokens.join(" "));
                e.thumbprint = e.thumbprint.map(|t| t.to_ascii_lowercase());
                e.attributes = attrs(&e.attributes);
                for c in &e.children {
                    dropped += match c {
                        EntityChild::Meta(_) => 1,
                        EntityChild::Other(n) => count_content(std::slice::from_ref(n)),
                        _ => 0,
                    };
                }
                e.children.clear();
                entities.push(Child::Entity(e));
            }
            Child::Link(l) => {
                let mut l = l.clone();
                l.attributes = attrs(&l.attributes);
                dropped += count_content(&l.content);
                l.content.clear();
                links.push(Child::Link(l));
            }
            Child::Payload(c) => {
                if payload.is_none() {
                    payload = Some(Child::Payload(collection(c, &mut dropped, &attrs)));
                } else {
                    dropped += 1;
                }
            }
            Child::Evidence(e) => {
                if evidence.is_none() {
                    let mut e = e.clone();
                    e.resources = collection(&e.resources, &mut dropped, &attrs);
                    e.date = e.date.map(|d| {
                        chrono::DateTime::parse_from_rfc3339(d.trim())
                            .unwrap()
                            .with_timezone(&chrono::Utc)
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    });
                    evidence = Some(Child::Evidence(e));
                } else {
                    dropped += 1;
                }
            }
            Child::Other(n) => dropped += count_content(std::slice::from_ref(n)),
            _ => {}
        }
    }
    out.children = metas
        .into_iter()
        .chain(entities)
        .chain(links)
        .chain(payload)
        .chain(evidence)
        .collect();
    (out, dropped)
}

/// Foreign nodes the encoder reports (whitespace-only text is layout, not reported).
fn count_content(nodes: &[ForeignNode]) -> usize {
    nodes
        .iter()
        .filter(|n| !matches!(n, ForeignNode::Text(t) if t.trim().is_empty()))
        .count()
}

fn collection(
    c: &ResourceCollection,
    dropped: &mut usize,
    attrs: &dyn Fn(&[Attribute]) -> Vec<Attribute>,
) -> ResourceCollection {
    let mut c = c.clone();
    c.attributes = attrs(&c.attributes);
    let (mut dirs, mut files, mut procs, mut res) = (vec![], vec![], vec![], vec![]);
    for child in &c.children {
        match child {
            ResourceChild::Directory(d) => {
                dirs.push(ResourceChild::Directory(directory(d, dropped, attrs)));
            }
            ResourceChild::File(f) => files.push(ResourceChild::File(file(f, dropped, attrs))),
            ResourceChild::Process(p) => {
                let mut p = p.clone();
                p.pid = p.pid.map(|v| XmlInt::new(v.value().unwrap().to_string()));
                p.attributes = attrs(&p.attributes);
                *dropped += count_content(&p.content);
                p.content.clear();
                procs.push(ResourceChild::Process(p));
            }
            ResourceChild::Resource(r) => {
                let mut r = r.clone();
                r.attributes = attrs(&r.attributes);
                *dropped += count_content(&r.content);
                r.content.clear();
                res.push(ResourceChild::Resource(r));
            }
            ResourceChild::Other(n) => *dropped += count_content(std::slice::from_ref(n)),
            _ => {}
        }
    }
    c.children = dirs
        .into_iter()
        .chain(files)
        .chain(procs)
        .chain(res)
        .collect();
    c
}

fn directory(
    d: &Directory,
    dropped: &mut usize,
    attrs: &dyn Fn(&[Attribute]) -> Vec<Attribute>,
) -> Directory {
    let mut d = d.clone();
    d.key = d.key.map(|v| XmlBool::from(v.value().unwrap()));
    d.attributes = attrs(&d.attributes);
    let (mut dirs, mut files) = (vec![], vec![]);
    for child in &d.children {
        match child {
            DirectoryChild::Directory(x) => {
                dirs.push(DirectoryChild::Directory(directory(x, dropped, attrs)));
            }
            DirectoryChild::File(f) => files.push(DirectoryChild::File(file(f, dropped, attrs))),
            DirectoryChild::Other(n) => *dropped += count_content(std::slice::from_ref(n)),
            _ => {}
        }
    }
    d.children = dirs.into_iter().chain(files).collect();
    d
}

fn file(f: &File, dropped: &mut usize, attrs: &dyn Fn(&[Attribute]) -> Vec<Attribute>) -> File {
    let mut f = f.clone();
    f.key = f.key.map(|v| XmlBool::from(v.value().unwrap()));
    f.size = f.size.map(|v| XmlInt::new(v.value().unwrap().to_string()));
    f.attributes = attrs(&f.attributes);
    *dropped += count_content(&f.content);
    f.content.clear();
    f
}

fn sanitized() -> impl Strategy<Value = SoftwareIdentity> {
    support::software_identity().prop_map(|mut m| {
        sanitize(&mut m);
        m
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decode_of_encode_is_the_documented_normal_form(m in sanitized()) {
        let (expected, expected_dropped) = coswid_normal(&m);
        for envelope in [Envelope::Untagged, Envelope::Tagged, Envelope::TaggedBytes] {
            let options = EncodeOptions::default().with_envelope(envelope);
            let encoded = coswid::encode(&m, &options);
            prop_assert_eq!(encoded.dropped.len(), expected_dropped, "{:?}", encoded.dropped);
            let decoded = coswid::decode(&encoded.bytes).unwrap();
            prop_assert_eq!(&decoded.tag, &expected);
            prop_assert_eq!(decoded.options, options);
        }
    }

    #[test]
    fn normal_form_models_round_trip_exactly(m in sanitized()) {
        let (m, _) = coswid_normal(&m);
        let encoded = coswid::encode(&m, &EncodeOptions::default());
        prop_assert!(encoded.dropped.is_empty());
        let decoded = coswid::decode(&encoded.bytes).unwrap();
        prop_assert_eq!(&decoded.tag, &m);
        prop_assert_eq!(coswid::encode(&decoded.tag, &decoded.options).bytes, encoded.bytes);
    }

    #[test]
    fn unsanitized_models_never_fail_and_encode_stably(m in support::software_identity()) {
        // Invalid lexical values are kept as extension entries: decoding the encoding and
        // encoding again gives the same bytes.
        let encoded = coswid::encode(&m, &EncodeOptions::default());
        let decoded = coswid::decode(&encoded.bytes).unwrap();
        let again = coswid::encode(&decoded.tag, &decoded.options);
        prop_assert!(again.dropped.is_empty());
        prop_assert_eq!(&coswid::decode(&again.bytes).unwrap().tag, &decoded.tag);
        prop_assert_eq!(again.bytes, encoded.bytes);
    }

    #[test]
    fn xml_to_coswid_to_xml(m in sanitized()) {
        // Only models the XML writer accepts (its own strategies' domain).
        let Ok(xml) = write(&m) else { return Ok(()) };
        let encoded = coswid::xml_to_coswid(&xml, &ReadOptions::STRICT, &EncodeOptions::default()).unwrap();
        let xml2 = coswid::coswid_to_xml(&encoded.bytes).unwrap();
        let back = read_str(&xml2, &ReadOptions::STRICT).unwrap().value;
        let (mut expected, _) = coswid_normal(&read_str(&xml, &ReadOptions::STRICT).unwrap().value);
        // The writer binds its own prefix to prefix-less namespaces: compare names only.
        clear_prefixes(&mut expected);
        let mut back = back;
        clear_prefixes(&mut back);
        prop_assert_eq!(back, expected);
    }
}

fn clear_prefixes(m: &mut SoftwareIdentity) {
    fn a(attrs: &mut [Attribute]) {
        for x in attrs {
            x.name.prefix = None;
        }
    }
    fn coll(c: &mut ResourceCollection) {
        a(&mut c.attributes);
        for child in &mut c.children {
            match child {
                ResourceChild::Directory(d) => dir(d),
                ResourceChild::File(f) => a(&mut f.attributes),
                ResourceChild::Process(p) => a(&mut p.attributes),
                ResourceChild::Resource(r) => a(&mut r.attributes),
                _ => {}
            }
        }
    }
    fn dir(d: &mut Directory) {
        a(&mut d.attributes);
        for child in &mut d.children {
            match child {
                DirectoryChild::Directory(d) => dir(d),
                DirectoryChild::File(f) => a(&mut f.attributes),
                _ => {}
            }
        }
    }
    a(&mut m.attributes);
    for child in &mut m.children {
        match child {
            Child::Entity(e) => a(&mut e.attributes),
            Child::Link(l) => a(&mut l.attributes),
            Child::Meta(x) => a(&mut x.attributes),
            Child::Payload(c) => coll(c),
            Child::Evidence(e) => coll(&mut e.resources),
            _ => {}
        }
    }
}

fn corpus() -> Option<std::path::PathBuf> {
    corpus::folder("corpus-swid")
}

fn xml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            xml_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("swidtag" | "xml" | "extra" | "tag-equals-software-regid-ref")
        ) {
            out.push(path);
        }
    }
}

/// Every SWID XML tag of the corpus that the reader accepts (lax mode, every tag of a
/// multi-tag file) converts to CoSWID and back as documented.
#[test]
fn corpus_xml_tags_convert_to_coswid_and_back() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    let (mut tags, mut with_drops) = (0, 0);
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(parsed) = itam_swid::read::read_all_str(&text, &ReadOptions::LAX) else {
            continue;
        };
        for parsed in parsed {
            let name = path.display();
            let m = parsed.value;
            // As read: nothing fails, and encoding reaches a fixed point after one trip.
            let encoded = coswid::encode(&m, &EncodeOptions::default());
            let decoded = coswid::decode(&encoded.bytes).unwrap();
            let again = coswid::encode(&decoded.tag, &decoded.options);
            assert!(again.dropped.is_empty(), "{name}");
            assert_eq!(
                coswid::encode(&coswid::decode(&again.bytes).unwrap().tag, &decoded.options).bytes,
                again.bytes,
                "{name}"
            );
            // Sanitized: the documented normal form, with exactly the documented drops.
            let mut s = m.clone();
            sanitize(&mut s);
            let (expected, dropped) = coswid_normal(&s);
            let encoded = coswid::encode(&s, &EncodeOptions::default());
            assert_eq!(
                encoded.dropped.len(),
                dropped,
                "{name}: {:?}",
                encoded.dropped
            );
            assert_eq!(
                coswid::decode(&encoded.bytes).unwrap().tag,
                expected,
                "{name}"
            );
            tags += 1;
            with_drops += usize::from(dropped > 0);
        }
    }
    println!(
        "coswid: {tags} corpus XML tags converted, {with_drops} with content CoSWID cannot carry"
    );
    assert!(tags >= 140, "only {tags} tags read");
}
