//! CoSWID vectors written for this project (`tests/data/coswid/`), and targeted checks of
//! the mapping rules in the `coswid` module docs.
//!
//! `full.swidtag` → `full.coswid` (and its diagnostic notation `full.diag`) are golden
//! files: set `ITAM_BLESS=1` to rewrite them after a deliberate change.

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

use std::path::PathBuf;

use itam_swid::coswid::cbor::{self, Value};
use itam_swid::coswid::{self, CoswidErrorKind, EncodeOptions, Envelope};
use itam_swid::model::*;
use itam_swid::read::{ReadOptions, read_str};

fn data(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/coswid")).join(name)
}

fn golden(name: &str, actual: &[u8]) {
    let path = data(name);
    if std::env::var_os("ITAM_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected =
        std::fs::read(&path).unwrap_or_else(|_| panic!("{name} missing: run with ITAM_BLESS=1"));
    assert!(
        expected == actual,
        "{name} differs from the golden file (ITAM_BLESS=1 rewrites it)"
    );
}

fn full_xml() -> String {
    std::fs::read_to_string(data("full.swidtag")).unwrap()
}

#[test]
fn full_tag_converts_to_the_golden_coswid() {
    let encoded =
        coswid::xml_to_coswid(&full_xml(), &ReadOptions::STRICT, &EncodeOptions::default())
            .unwrap();
    golden("full.coswid", &encoded.bytes);
    let diag = format!("{}\n", cbor::decode(&encoded.bytes).unwrap());
    golden("full.diag", diag.as_bytes());
    let dropped: Vec<(&str, &str)> = encoded
        .dropped
        .iter()
        .map(|d| (d.path.as_str(), d.what.as_str()))
        .collect();
    assert_eq!(
        dropped,
        [
            (
                "/SoftwareIdentity/Entity[1]/Meta[1]",
                "Entity Meta (CoSWID entities have no meta)"
            ),
            ("/SoftwareIdentity", "element {urn:example:vendor}extra"),
            (
                "/SoftwareIdentity",
                "element {http://www.w3.org/2000/09/xmldsig#}Signature"
            ),
        ]
    );
}

#[test]
fn full_tag_maps_each_item_to_its_key() {
    let encoded = coswid::xml_to_coswid(
        &full_xml(),
        &ReadOptions::STRICT,
        &EncodeOptions::default().with_envelope(Envelope::Tagged),
    )
    .unwrap();
    let value = cbor::decode(&encoded.bytes).unwrap();
    let Value::Tag {
        tag: coswid::COSWID_TAG,
        item,
        ..
    } = value
    else {
        panic!("not tagged")
    };
    let get = |m: &Value, k: i64| -> Value {
        m.as_map()
            .unwrap()
            .iter()
            .find(|(key, _)| key.as_i64() == Some(k))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("key {k} missing in {m}"))
    };
    assert_eq!(
        get(&item, 0).as_text(),
        Some("3c8f6a4e-0d7b-4c2a-9f1e-5b6d7c8e9f01")
    );
    assert_eq!(get(&item, 12), Value::uint(3));
    assert_eq!(get(&item, 8), Value::Bool(false));
    assert_eq!(get(&item, 14), Value::uint(16384), "semver");
    assert_eq!(get(&item, 15).as_text(), Some("en-GB"));
    let entities = get(&item, 2);
    let first = &entities.as_array().unwrap()[0];
    assert_eq!(
        get(first, 33),
        Value::array(vec![Value::uint(1), Value::uint(2), Value::uint(5)])
    );
    assert_eq!(
        get(first, 34),
        Value::array(vec![
            Value::uint(0),
            Value::bytes(vec![0xa1, 0xb2, 0xc3, 0xd4])
        ])
    );
    let second = &entities.as_array().unwrap()[1];
    assert_eq!(
        get(second, 33),
        Value::array(vec![
            Value::uint(4),
            Value::uint(6),
            Value::text("otherRole")
        ])
    );
    let links = get(&item, 4);
    let links = links.as_array().unwrap();
    assert_eq!(get(&links[0], 40), Value::uint(10), "supersedes");
    assert_eq!(get(&links[1], 39), Value::uint(2), "private");
    assert_eq!(get(&links[1], 42), Value::uint(2), "required");
    assert_eq!(
        get(&links[1], 41).as_text(),
        Some("application/x-iso9660-image")
    );
    assert_eq!(get(&links[2], 40).as_text(), Some("license"));
    assert_eq!(get(&links[2], 39), Value::uint(3), "shared");
    assert_eq!(get(&links[2], 42), Value::uint(1), "optional");
    let meta = get(&item, 5);
    assert_eq!(get(&meta, 48), Value::Bool(true));
    assert_eq!(get(&meta, 56).as_text(), Some("43232408"));
    let payload = get(&item, 6);
    let dir = get(&payload, 16);
    assert_eq!(get(&dir, 25).as_text(), Some("%ProgramFiles%"));
    let file = get(&get(&dir, 26), 17);
    assert_eq!(get(&file, 20), Value::uint(1_048_576));
    let hash = get(&file, 7);
    assert_eq!(
        hash.as_array().unwrap()[0],
        Value::uint(1),
        "sha-256 travels as the hash entry"
    );
    let evidence = get(&item, 3);
    assert_eq!(
        get(&evidence, 35),
        Value::tag(1, Value::uint(1_709_296_200))
    );
    assert_eq!(get(&evidence, 36).as_text(), Some("host-42"));
}

#[test]
fn full_tag_comes_back_from_coswid_with_everything_that_maps() {
    let original = read_str(&full_xml(), &ReadOptions::STRICT).unwrap().value;
    let golden_bytes = std::fs::read(data("full.coswid")).unwrap();
    let xml = coswid::coswid_to_xml(&golden_bytes).unwrap();
    let back = read_str(&xml, &ReadOptions::STRICT).unwrap().value;
    assert_eq!(back.name, original.name);
    assert_eq!(back.tag_id, original.tag_id);
    assert_eq!(back.version_scheme, original.version_scheme);
    assert_eq!(back.media, original.media);
    assert_eq!(back.lang, original.lang);
    let vendor = |t: &SoftwareIdentity| {
        t.attributes
            .iter()
            .find(|a| a.name.is(Some("urn:example:vendor"), "channel"))
            .map(|a| a.value.clone())
    };
    assert_eq!(vendor(&back).as_deref(), Some("beta"));
    let meta = back.metas().next().unwrap();
    assert_eq!(
        meta,
        original.metas().next().unwrap(),
        "every Meta attribute, arch included"
    );
    let e1 = back.entities().next().unwrap();
    assert_eq!(
        e1.thumbprint.as_deref(),
        Some("a1b2c3d4"),
        "hex comes back lowercase"
    );
    assert_eq!(e1.role.as_str(), "tagCreator softwareCreator licensor");
    assert!(e1.children.is_empty(), "the Entity Meta was dropped");
    assert_eq!(
        back.links().collect::<Vec<_>>(),
        original.links().collect::<Vec<_>>()
    );
    // The payload comes back with its Directory children regrouped (directories first)
    // and the vendor attribute's prefix chosen by the writer.
    let files = |t: &SoftwareIdentity| {
        let mut f: Vec<File> = t.payload().unwrap().files().into_iter().cloned().collect();
        f.sort_by(|a, b| a.name.cmp(&b.name));
        f
    };
    assert_eq!(files(&back), files(&original));
    let resource = |t: &SoftwareIdentity| match t.payload().unwrap().children.last() {
        Some(ResourceChild::Resource(r)) => (
            r.r#type.clone(),
            r.attributes[0].name.clark(),
            r.attributes[0].value.clone(),
        ),
        other => panic!("{other:?}"),
    };
    assert_eq!(resource(&back), resource(&original));
    let (p1, p2) = (back.payload().unwrap(), original.payload().unwrap());
    assert_eq!(
        (&p1.path_separator, &p1.env_var_prefix, &p1.env_var_suffix),
        (&p2.path_separator, &p2.env_var_prefix, &p2.env_var_suffix)
    );
    assert_eq!(back.evidence(), original.evidence());
    assert_eq!(back.signatures().count(), 0);
}

fn tag_of(entries: Vec<(Value, Value)>) -> Vec<u8> {
    Value::map(entries).encode()
}

fn ext(tag: &SoftwareIdentity) -> Vec<(&str, &str)> {
    tag.attributes
        .iter()
        .filter(|a| coswid::is_extension(a))
        .map(|a| (a.name.local.as_str(), a.value.as_str()))
        .collect()
}

#[test]
fn unknown_and_mistyped_entries_are_kept_as_extensions() {
    let bytes = tag_of(vec![
        (Value::uint(0), Value::text("t")),
        (Value::uint(1), Value::text("n")),
        (Value::uint(8), Value::text("yes")),
        (Value::uint(58), Value::array(vec![Value::uint(1)])),
        (Value::int(-1), Value::text("private")),
        (Value::text("arch"), Value::text("x86_64")),
        (Value::text("name"), Value::text("clash")),
        (Value::text("{urn:x}y"), Value::text("z")),
        (Value::text("count"), Value::uint(3)),
        (Value::text("has space"), Value::text("v")),
        (Value::bytes(vec![1]), Value::Null),
    ]);
    let decoded = coswid::decode(&bytes).unwrap();
    let tag = &decoded.tag;
    assert_eq!((tag.tag_id.as_str(), tag.name.as_str()), ("t", "n"));
    assert!(tag.corpus.is_none());
    assert_eq!(
        ext(tag),
        [
            ("_8", "63796573"),
            ("_58", "8101"),
            ("_-1", "6770726976617465"),
            ("name", "65636c617368"),
            ("count", "03"),
            ("_k69686173207370616365", "6176"),
            ("_k4101", "f6"),
        ]
    );
    let plain: Vec<_> = tag
        .attributes
        .iter()
        .filter(|a| !coswid::is_extension(a))
        .map(|a| {
            (
                a.name.namespace.as_deref(),
                a.name.local.as_str(),
                a.value.as_str(),
            )
        })
        .collect();
    assert_eq!(plain, [(None, "arch", "x86_64"), (Some("urn:x"), "y", "z")]);
    // Everything comes back: same entries, extension keys in their place.
    let again = coswid::encode(&decoded.tag, &decoded.options).bytes;
    let reread = cbor::decode(&again).unwrap();
    let mut keys: Vec<String> = reread
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| k.to_string())
        .collect();
    keys.sort();
    let mut expected: Vec<String> = cbor::decode(&bytes)
        .unwrap()
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| k.to_string())
        .collect();
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(coswid::decode(&again).unwrap(), decoded);
}

#[test]
fn repeated_keys_keep_every_occurrence() {
    let bytes = tag_of(vec![
        (Value::uint(9), Value::Bool(true)),
        (Value::uint(9), Value::Bool(false)),
        (Value::uint(9), Value::Null),
    ]);
    let decoded = coswid::decode(&bytes).unwrap();
    assert_eq!(
        decoded.tag.patch.as_ref().map(XmlBool::as_str),
        Some("true")
    );
    // Repeats are kept; tag-id and software-name are absent, which markers record.
    assert_eq!(
        ext(&decoded.tag),
        [("_k09.2", "f4"), ("_k09.3", "f6"), ("_0", ""), ("_1", "")]
    );
    // They are kept in the model, but a CBOR map cannot hold a key twice (RFC 8949 §5.6,
    // issue 12 defect 9): the encoder writes the first and reports each repeat.
    let encoded = coswid::encode(&decoded.tag, &decoded.options);
    let expected = tag_of(vec![(Value::uint(9), Value::Bool(true))]);
    assert_eq!(encoded.bytes, expected);
    let dropped: Vec<&str> = encoded.dropped.iter().map(|d| d.what.as_str()).collect();
    assert_eq!(
        dropped,
        [
            "attribute {http://itam.invalid/ns/coswid}_k09.2 (map key 9 is already written; a CBOR map cannot hold a key twice)",
            "attribute {http://itam.invalid/ns/coswid}_k09.3 (map key 9 is already written; a CBOR map cannot hold a key twice)",
        ]
    );
}

#[test]
fn absent_and_empty_required_items_stay_apart() {
    // Empty texts are written and read back as empty texts.
    let empty = tag_of(vec![
        (Value::uint(0), Value::text("")),
        (Value::uint(1), Value::text("")),
    ]);
    let decoded = coswid::decode(&empty).unwrap();
    assert!(ext(&decoded.tag).is_empty());
    assert_eq!(coswid::encode(&decoded.tag, &decoded.options).bytes, empty);
    // Absent ones are recorded by a marker and stay absent (HIRS's entity without a name).
    let absent = tag_of(vec![(
        Value::uint(2),
        Value::map(vec![(Value::uint(33), Value::uint(1))]),
    )]);
    let decoded = coswid::decode(&absent).unwrap();
    let entity = decoded.tag.entities().next().unwrap();
    assert_eq!(entity.name, "");
    assert_eq!(entity.attributes.len(), 1);
    assert_eq!(
        (
            entity.attributes[0].name.local.as_str(),
            entity.attributes[0].value.as_str()
        ),
        ("_31", "")
    );
    assert_eq!(coswid::encode(&decoded.tag, &decoded.options).bytes, absent);
    // A model without markers always writes the required items.
    let (value, _) = coswid::to_value(&SoftwareIdentity::new("", ""), &EncodeOptions::default());
    assert_eq!(
        value,
        Value::map(vec![
            (Value::uint(0), Value::text("")),
            (Value::uint(1), Value::text(""))
        ])
    );
}

#[test]
fn value_codes_map_both_ways() {
    let entity = |roles: Value| {
        tag_of(vec![(
            Value::uint(2),
            Value::map(vec![
                (Value::uint(31), Value::text("E")),
                (Value::uint(33), roles),
            ]),
        )])
    };
    let decoded = coswid::decode(&entity(Value::array(vec![
        Value::uint(6),
        Value::uint(42),
        Value::int(-3),
        Value::text("1"),
        Value::text("custom"),
    ])))
    .unwrap();
    let e = decoded.tag.entities().next().unwrap();
    assert_eq!(e.role.as_str(), "maintainer 42 -3 1 custom");
    // The text "1" stays text: as an integer it would read back as tagCreator.
    let (value, _) = coswid::to_value(&decoded.tag, &decoded.options);
    let roles = &value.as_map().unwrap()[0].1.as_map().unwrap()[1].1;
    assert_eq!(
        roles,
        &Value::array(vec![
            Value::uint(6),
            Value::uint(42),
            Value::int(-3),
            Value::text("1"),
            Value::text("custom"),
        ])
    );
    // A text name of a registered code (not RFC 9393's form) is read and written as the code.
    let decoded = coswid::decode(&entity(Value::text("licensor"))).unwrap();
    assert_eq!(
        decoded.tag.entities().next().unwrap().role.as_str(),
        "licensor"
    );
    let (value, _) = coswid::to_value(&decoded.tag, &decoded.options);
    assert_eq!(
        value.as_map().unwrap()[0].1.as_map().unwrap()[1].1,
        Value::uint(5)
    );
}

#[test]
fn hashes_thumbprints_dates_and_uuids() {
    let file = Value::map(vec![
        (Value::uint(24), Value::text("a")),
        (
            Value::uint(7),
            Value::array(vec![Value::uint(2), Value::bytes(vec![0xab; 16])]),
        ),
    ]);
    let file2 = Value::map(vec![
        (Value::uint(24), Value::text("b")),
        (
            Value::uint(7),
            Value::array(vec![Value::uint(12), Value::bytes(vec![0xcd; 2])]),
        ),
    ]);
    let entity = Value::map(vec![
        (Value::uint(31), Value::text("E")),
        (
            Value::uint(34),
            Value::array(vec![Value::uint(1), Value::bytes(vec![1, 2])]),
        ),
    ]);
    let evidence = Value::map(vec![
        (Value::uint(17), Value::array(vec![file, file2])),
        (Value::uint(35), Value::tag(1, Value::uint(0))),
        (Value::uint(23), Value::text("/var/lib/swid")),
    ]);
    let bytes = tag_of(vec![
        (Value::uint(0), Value::bytes(vec![0x11; 16])),
        (Value::uint(2), entity),
        (Value::uint(3), evidence),
    ]);
    let decoded = coswid::decode(&bytes).unwrap();
    let tag = &decoded.tag;
    assert_eq!(tag.tag_id.as_str(), "11111111-1111-1111-1111-111111111111");
    assert!(decoded.options.tag_id_as_bytes);
    let e = tag.entities().next().unwrap();
    assert_eq!(
        e.thumbprint, None,
        "a thumbprint with an algorithm stays in the extension"
    );
    assert_eq!(e.attributes[0].name.local, "_34");
    let ev = tag.evidence().unwrap();
    assert_eq!(ev.date.as_deref(), Some("1970-01-01T00:00:00Z"));
    assert_eq!(
        ev.resources.attributes[0].name.local, "_23",
        "evidence location"
    );
    let files = ev.resources.files();
    assert!(
        files[0].hashes.is_empty(),
        "sha-256-128 has no XML namespace"
    );
    assert_eq!(files[0].attributes[0].name.local, "_7");
    assert_eq!(files[1].hash(&HashAlgorithm::Sha3_512), Some("cdcd"));
    assert_eq!(coswid::encode(tag, &decoded.options).bytes, bytes);
    // Without the byte form, the UUID tag-id is written as text.
    let text = coswid::encode(
        tag,
        &EncodeOptions::default().with_envelope(Envelope::Untagged),
    );
    assert_eq!(
        cbor::decode(&text.bytes).unwrap().as_map().unwrap()[0]
            .1
            .as_text(),
        Some(tag.tag_id.as_str())
    );
}

#[test]
fn structural_errors_say_where() {
    let err = coswid::decode(&[0x01]).unwrap_err();
    assert_eq!(err.kind, CoswidErrorKind::NotAMap("unsigned integer"));
    assert_eq!(
        err.to_string(),
        "expected a map, found a unsigned integer at /"
    );
    let err = coswid::decode(&Value::tag(99, Value::map(vec![])).encode()).unwrap_err();
    assert_eq!(err.kind, CoswidErrorKind::UnexpectedTag(99));
    // Tag 18 is a COSE_Sign1 (signed CoSWID, tests/coswid_signed.rs): a map in it is a
    // malformed envelope, at the byte after the tag.
    let err = coswid::decode(&Value::tag(18, Value::map(vec![])).encode()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed cose envelope at byte 1: the signing structure is a map, not an array at /"
    );
    let err = coswid::decode(&[0xa1, 0x01]).unwrap_err();
    assert!(matches!(err.kind, CoswidErrorKind::Cbor(_)));
    assert_eq!(
        err.to_string(),
        "invalid cbor: length 1 exceeds the remaining input at byte 0 at /"
    );
    // A map inside an array of entities that is not a map: the whole entry is kept.
    let bytes = tag_of(vec![(
        Value::uint(2),
        Value::array(vec![Value::map(vec![]), Value::uint(1)]),
    )]);
    let decoded = coswid::decode(&bytes).unwrap();
    assert_eq!(decoded.tag.entities().count(), 0);
    assert_eq!(
        ext(&decoded.tag),
        [("_2", "82a001"), ("_0", ""), ("_1", "")]
    );
    // A nested map that is broken reports its path.
    let inner = Value::tag(coswid::COSWID_TAG, Value::bytes(vec![0xa1]));
    let err = coswid::decode(&inner.encode()).unwrap_err();
    assert!(matches!(err.kind, CoswidErrorKind::Cbor(_)));
}

#[test]
fn uswid_payloads_decode_into_tags() {
    let one = tag_of(vec![(Value::uint(1), Value::text("a"))]);
    let two = tag_of(vec![(Value::uint(1), Value::text("b"))]);
    let mut container = coswid::uswid::USWID_MAGIC.to_vec();
    container.push(1);
    container.extend_from_slice(&23u16.to_le_bytes());
    container.extend_from_slice(&((one.len() + two.len()) as u32).to_le_bytes());
    container.extend_from_slice(&one);
    container.extend_from_slice(&two);
    let tags = coswid::decode_uswid(&container).unwrap();
    assert_eq!(
        tags.iter().map(|d| d.tag.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    let mut broken = container.clone();
    let at = broken.len() - two.len();
    broken[at] = 0x01;
    let err = coswid::decode_uswid(&broken).unwrap_err();
    assert!(err.path.starts_with("/[2]"), "{err}");
}
