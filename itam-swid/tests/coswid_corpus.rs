//! CoSWID against the real corpus: every CBOR file in `corpus-swid` (including the CoSWID
//! tags inside uSWID containers) decodes, re-encodes exactly at the CBOR level, and survives
//! model round trips; the veraison/swid vectors re-encode byte for byte through the model.

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

#[path = "support/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};

use itam_swid::coswid::cbor::{self, Len, Limits, StrEncoding, Value, Width};
use itam_swid::coswid::uswid::{Compression, Uswid, UswidError};
use itam_swid::coswid::{self, CoswidErrorKind, Envelope, keys};

/// Keys whose value is `one-or-more`: a one-item array there means the item.
const ONE_OR_MORE: &[i128] = &[2, 4, 5, 16, 17, 18, 19, 33];

/// A registered name written as text where RFC 9393 wants its code (HIRS writes
/// `rel: "installationmedia"`), as the code.
fn code_for_name(key: i128, v: &Value) -> Option<Value> {
    let table = match key {
        14 => keys::VERSION_SCHEMES,
        33 => keys::ROLES,
        39 => keys::OWNERSHIPS,
        40 => keys::RELS,
        42 => keys::USES,
        _ => return None,
    };
    keys::code_of(table, v.as_text()?).map(Value::int)
}

/// The CBOR data model of a value, with everything RFC 8949 and RFC 9393 leave to the
/// writer normalised away: widths, definite/indefinite lengths, string chunks, map order,
/// one-item `one-or-more` arrays, and registered names written as text instead of their
/// codes. Two CoSWID tags with the same normal form carry the same information.
fn normal(v: &Value) -> Value {
    match v {
        Value::Unsigned { value, .. } => Value::uint(*value),
        Value::Negative { arg, .. } => Value::Negative {
            arg: *arg,
            width: Width::preferred(*arg),
        },
        Value::Bytes { value, .. } => Value::bytes(value.clone()),
        Value::Text { value, .. } => Value::text(value.clone()),
        Value::Array { items, .. } => Value::array(items.iter().map(normal).collect()),
        Value::Map { entries, .. } => {
            let mut entries: Vec<(Value, Value)> = entries
                .iter()
                .map(|(k, v)| {
                    let v = match (k.as_int(), v.as_array()) {
                        (Some(k), Some([one])) if ONE_OR_MORE.contains(&k) => one,
                        _ => v,
                    };
                    let coded = k.as_int().and_then(|k| code_for_name(k, v));
                    (normal(k), normal(coded.as_ref().unwrap_or(v)))
                })
                .collect();
            entries.sort_by_key(|(k, v)| (k.encode(), v.encode()));
            Value::Map {
                len: Len::preferred(entries.len()),
                entries,
            }
        }
        Value::Tag { tag, item, .. } => Value::tag(*tag, normal(item)),
        other => other.clone(),
    }
}

#[test]
fn normal_form_ignores_encoding_choices_only() {
    let a = cbor::decode(&[0xbf, 0x02, 0x81, 0xa0, 0x19, 0x00, 0x01, 0x61, 0x61, 0xff]).unwrap();
    let b = cbor::decode(&[0xa2, 0x01, 0x61, 0x61, 0x02, 0xa0]).unwrap();
    assert_eq!(normal(&a), normal(&b));
    let c = cbor::decode(&[0xa2, 0x01, 0x61, 0x62, 0x02, 0xa0]).unwrap();
    assert_ne!(normal(&a), normal(&c));
    let _ = StrEncoding::preferred(0);
}
use itam_swid::{Child, Rel, Role};

fn corpus() -> Option<PathBuf> {
    corpus::folder("corpus-swid")
}

fn cbor_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            cbor_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("cbor" | "coswid" | "bin" | "uswid")
        ) {
            out.push(path);
        }
    }
}

/// What each CBOR file of the corpus is expected to hold.
enum Expect {
    /// A single CoSWID tag in this envelope.
    Tag(Envelope),
    /// A uSWID container holding this many CoSWID tags.
    Uswid(usize),
    /// Not CoSWID at all (python-uswid's `intel-csme-15.35.2039.bin` is the 14 bytes
    /// `hello trouble\n`, not a uSWID container).
    NotCoswid,
}

const EXPECTED: &[(&str, Expect)] = &[
    ("hughsie__python-uswid/dell-xps13.bin", Expect::Uswid(3)),
    (
        "hughsie__python-uswid/intel-csme-15.35.2039.bin",
        Expect::NotCoswid,
    ),
    (
        "hughsie__python-uswid/lenovo-x1-carbon.bin",
        Expect::Uswid(3),
    ),
    ("hughsie__uswid-uefi-example/secret.uswid", Expect::Uswid(1)),
    (
        "nsacyber__HIRS/LVFS_sbom.coswid",
        Expect::Tag(Envelope::Untagged),
    ),
    (
        "nsacyber__HIRS/coswid_rim_1.coswid",
        Expect::Tag(Envelope::TaggedBytes),
    ),
    (
        "puiterwijk__coswid-rs/firmware-coswid.cbor",
        Expect::Tag(Envelope::Untagged),
    ),
    (
        "veraison__swid/softwareidentity_test.RoundtripPSABundle.cbor",
        Expect::Tag(Envelope::Untagged),
    ),
    (
        "veraison__swid/softwareidentity_test.testCBOR.cbor",
        Expect::Tag(Envelope::Untagged),
    ),
];

/// The concise-swid-tag map inside a tag's envelope.
fn unwrap_envelope(v: &Value) -> Value {
    match v {
        Value::Tag {
            tag: coswid::COSWID_TAG,
            item,
            ..
        } => match item.as_bytes() {
            Some(bytes) => cbor::decode(bytes).unwrap(),
            None => item.as_ref().clone(),
        },
        other => other.clone(),
    }
}

/// Checks one decoded tag: CBOR-level exactness, nothing lost through the model, and
/// model → CoSWID → model identity.
fn check_tag(name: &str, item_bytes: &[u8], decoded: &coswid::Decoded) {
    let value = cbor::decode(item_bytes).unwrap();
    assert_eq!(value.encode(), item_bytes, "{name}: cbor re-encoding");
    let encoded = coswid::encode(&decoded.tag, &decoded.options);
    // A map that repeats a key (HIRS writes `patch` twice; RFC 8949 §5.6 makes it invalid)
    // is kept whole in the model, but written with each key once: every repeat is
    // reported as dropped, and nothing else is.
    let mut repeats = 0;
    let expected = first_keys(&unwrap_envelope(&value), &mut repeats);
    assert_eq!(
        encoded.dropped.len(),
        repeats,
        "{name}: {:?}",
        encoded.dropped
    );
    assert!(
        encoded
            .dropped
            .iter()
            .all(|d| d.what.contains("a CBOR map cannot hold a key twice")),
        "{name}: dropped {:?}",
        encoded.dropped
    );
    // Nothing else lost: the re-encoding carries the same data as the original.
    let reencoded = cbor::decode(&encoded.bytes).unwrap();
    assert_eq!(
        normal(&unwrap_envelope(&reencoded)),
        normal(&expected),
        "{name}: coswid -> model -> coswid"
    );
    let again = coswid::decode(&encoded.bytes).unwrap();
    if repeats == 0 {
        assert_eq!(again, *decoded, "{name}: model -> coswid -> model");
    }
    // And the re-encoding is stable.
    let third = coswid::encode(&again.tag, &again.options);
    assert!(third.dropped.is_empty(), "{name}");
    assert_eq!(third.bytes, encoded.bytes, "{name}");
}

/// `v` with only the first occurrence of each key in every map, counting the repeats.
fn first_keys(v: &Value, repeats: &mut usize) -> Value {
    match v {
        Value::Array { items, len } => Value::Array {
            items: items.iter().map(|i| first_keys(i, repeats)).collect(),
            len: *len,
        },
        Value::Map { entries, len } => {
            let mut seen = Vec::new();
            let mut kept = Vec::new();
            for (k, v) in entries {
                let id = normal(k);
                if seen.contains(&id) {
                    *repeats += 1;
                } else {
                    seen.push(id);
                    kept.push((k.clone(), first_keys(v, repeats)));
                }
            }
            Value::Map {
                entries: kept,
                len: *len,
            }
        }
        Value::Tag { tag, item, .. } => Value::tag(*tag, first_keys(item, repeats)),
        other => other.clone(),
    }
}

#[test]
fn every_cbor_file_in_the_corpus_decodes() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    cbor_files(&dir, &mut files);
    let mut tags = 0;
    let mut compressed = 0;
    for path in &files {
        let name = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let expect = EXPECTED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| e)
            .unwrap_or_else(|| panic!("{name}: a CBOR file this test does not know; add it"));
        let bytes = std::fs::read(path).unwrap();
        match expect {
            Expect::Tag(envelope) => {
                let decoded = coswid::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(decoded.options.envelope, *envelope, "{name}");
                check_tag(&name, &bytes, &decoded);
                tags += 1;
            }
            Expect::Uswid(count) => {
                let container = Uswid::parse(&bytes).unwrap();
                assert_eq!(container.header.version, 1, "{name}");
                if container.header.compression != Compression::None {
                    compressed += 1;
                    assert!(matches!(
                        coswid::decode_uswid(&bytes).unwrap_err().kind,
                        CoswidErrorKind::Uswid(UswidError::Compressed { .. })
                    ));
                    continue;
                }
                let decoded =
                    coswid::decode_uswid(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(decoded.len(), *count, "{name}");
                // Re-split the payload to check each item's bytes.
                let mut rest = container.payload;
                for d in &decoded {
                    let (_, used) = cbor::decode_prefix_with(rest, Limits::default()).unwrap();
                    check_tag(&name, &rest[..used], d);
                    rest = &rest[used..];
                    assert!(!d.tag.name.is_empty(), "{name}: software-name");
                }
                assert!(rest.is_empty());
                tags += decoded.len();
            }
            Expect::NotCoswid => {
                assert!(
                    matches!(Uswid::parse(&bytes), Err(UswidError::NoMagic(0))),
                    "{name}"
                );
                let err = coswid::decode(&bytes).unwrap_err();
                assert!(
                    matches!(&err.kind, CoswidErrorKind::Cbor(e) if matches!(e.kind, cbor::DecodeErrorKind::TrailingBytes(5))),
                    "{name}: {err}"
                );
            }
        }
    }
    assert_eq!(
        files.len(),
        EXPECTED.len(),
        "every expected file is present"
    );
    println!(
        "coswid corpus: {} files, {tags} tags decoded, {compressed} compressed containers not decodable",
        files.len()
    );
    assert_eq!((tags, compressed), (12, 0));
}

#[test]
fn veraison_vectors_round_trip_byte_for_byte_through_the_model() {
    let Some(dir) = corpus() else { return };
    for name in [
        "softwareidentity_test.testCBOR.cbor",
        "softwareidentity_test.RoundtripPSABundle.cbor",
    ] {
        let bytes = std::fs::read(dir.join("veraison__swid").join(name)).unwrap();
        let decoded = coswid::decode(&bytes).unwrap();
        // Nothing went to extension attributes: every item has a typed home.
        let encoded = coswid::encode(&decoded.tag, &decoded.options);
        assert_eq!(encoded.bytes, bytes, "{name}");
        assert!(encoded.dropped.is_empty());
    }
    let bytes =
        std::fs::read(dir.join("veraison__swid/softwareidentity_test.testCBOR.cbor")).unwrap();
    let tag = coswid::decode(&bytes).unwrap().tag;
    assert_eq!(tag.tag_id.as_str(), "f432dc99-2e06-434d-b9ad-2b22e35b6fa4");
    assert_eq!(tag.name, "Roadrunner software bundle");
    assert_eq!(tag.version.as_deref(), Some("1.0.0"));
    assert_eq!(tag.tag_version.as_ref().map(|v| v.as_str()), Some("0"));
    let entity = tag.entities().next().unwrap();
    assert_eq!(entity.name, "ACME Ltd");
    assert_eq!(
        entity.roles().collect::<Vec<_>>(),
        [Role::TagCreator, Role::SoftwareCreator]
    );
    assert_eq!(tag.links().next().unwrap().rel, Rel::Parent);
    assert!(tag.attributes.is_empty());
}

#[test]
fn corpus_deviations_are_kept() {
    let Some(dir) = corpus() else { return };
    // HIRS: an entity without entity-name, text tag-version, TCG RIM keys 58..72.
    let bytes = std::fs::read(dir.join("nsacyber__HIRS/coswid_rim_1.coswid")).unwrap();
    let tag = coswid::decode(&bytes).unwrap().tag;
    assert_eq!(tag.name, "TCG RIM example");
    assert!(
        tag.tag_version.is_none(),
        "text tag-version is kept as an extension"
    );
    assert!(
        tag.attributes
            .iter()
            .any(|a| coswid::is_extension(a) && a.name.local == "_12")
    );
    let entity = tag.entities().next().unwrap();
    assert_eq!(entity.name, "");
    assert!(
        entity
            .attributes
            .iter()
            .any(|a| coswid::is_extension(a) && a.name.local == "_31" && a.value.is_empty()),
        "absence marker"
    );
    // python-uswid: payload and evidence together, tag-version absent.
    let bytes = std::fs::read(dir.join("hughsie__python-uswid/dell-xps13.bin")).unwrap();
    let tags = coswid::decode_uswid(&bytes).unwrap();
    let second = &tags[1].tag;
    assert!(second.tag_version.is_none());
    assert!(second.payload().is_some() && second.evidence().is_some());
    assert!(second.children.iter().any(|c| matches!(c, Child::Meta(_))));
}
