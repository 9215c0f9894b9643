//! The CoSWID encoder never writes a map with a key twice (issue 12, defect 9: a `tag-id`
//! of the wrong type was written as key 0 twice). Regression tests from the defect's input
//! shape, and properties that decode every encoded map and check its keys are unique.

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

mod support;

use itam_swid::coswid::cbor::{self, Value};
use itam_swid::coswid::{self, EXTENSION_NS, EXTENSION_PREFIX, EncodeOptions, Envelope};
use itam_swid::model::*;
use proptest::prelude::*;

fn count_key(bytes: &[u8], k: i64) -> usize {
    let value = cbor::decode(bytes).unwrap();
    value
        .as_map()
        .unwrap()
        .iter()
        .filter(|(key, _)| key.as_i64() == Some(k))
        .count()
}

#[test]
fn a_tag_id_of_the_wrong_type_is_written_once() {
    for wrong in [
        Value::uint(5),
        Value::Bool(true),
        Value::array(vec![Value::text("a")]),
        Value::map(vec![]),
    ] {
        let bytes = Value::map(vec![
            (Value::uint(0), wrong.clone()),
            (Value::uint(1), Value::text("Roadrunner")),
        ])
        .encode();
        let decoded = coswid::decode(&bytes).unwrap();
        assert_eq!(decoded.tag.tag_id.as_str(), "", "{wrong}");
        let encoded = coswid::encode(&decoded.tag, &decoded.options);
        assert_eq!(count_key(&encoded.bytes, 0), 1, "{wrong}");
        // The wrong-typed value is the one written, in the tag-id's place: nothing lost.
        assert_eq!(encoded.bytes, bytes, "{wrong}");
        assert!(encoded.dropped.is_empty(), "{wrong}");
    }
}

#[test]
fn a_typed_field_and_an_extension_of_the_same_key_write_the_field_and_report_the_other() {
    let mut tag = SoftwareIdentity::new("Roadrunner", "example.acme.roadrunner");
    let raw = |local: &str, value: &str| {
        Attribute::new(
            QName::qualified(EXTENSION_NS, Some(EXTENSION_PREFIX), local),
            value,
        )
    };
    // `_0` = 5 and `_12` = "x": entries for tag-id and tag-version, both also typed.
    tag.tag_version = Some(3i64.into());
    tag.attributes.push(raw("_0", "05"));
    tag.attributes.push(raw("_12", "6178"));
    let encoded = coswid::encode(&tag, &EncodeOptions::default());
    assert_eq!(count_key(&encoded.bytes, 0), 1);
    assert_eq!(count_key(&encoded.bytes, 12), 1);
    let back = coswid::decode(&encoded.bytes).unwrap();
    assert_eq!(back.tag.tag_id.as_str(), "example.acme.roadrunner");
    assert_eq!(back.tag.tag_version, Some(3i64.into()));
    let dropped: Vec<(&str, &str)> = encoded
        .dropped
        .iter()
        .map(|d| (d.path.as_str(), d.what.as_str()))
        .collect();
    assert_eq!(
        dropped,
        [
            (
                "/SoftwareIdentity",
                "attribute {http://itam.invalid/ns/coswid}_0 (map key 0 is already written; a CBOR map cannot hold a key twice)"
            ),
            (
                "/SoftwareIdentity",
                "attribute {http://itam.invalid/ns/coswid}_12 (map key 12 is already written; a CBOR map cannot hold a key twice)"
            ),
        ]
    );
}

#[test]
fn an_extension_spelling_a_key_another_way_is_not_written_twice() {
    // `_k1900 01` is key 1 (software-name) in a two-byte encoding: the same key in the
    // CBOR data model as the typed name.
    let mut tag = SoftwareIdentity::new("Roadrunner", "id");
    tag.attributes.push(Attribute::new(
        QName::qualified(EXTENSION_NS, Some(EXTENSION_PREFIX), "_k190001"),
        "6178",
    ));
    let encoded = coswid::encode(&tag, &EncodeOptions::default());
    let value = cbor::decode(&encoded.bytes).unwrap();
    assert_eq!(value.repeated_key(), None);
    assert_eq!(encoded.dropped.len(), 1);
}

#[test]
fn repeated_key_finds_repeats_at_any_depth() {
    let inner = Value::map(vec![
        (Value::uint(1), Value::Null),
        (Value::uint(1), Value::Null),
    ]);
    let outer = Value::tag(
        coswid::COSWID_TAG,
        Value::map(vec![(Value::uint(2), Value::array(vec![inner]))]),
    );
    assert_eq!(outer.repeated_key(), Some(&Value::uint(1)));
    assert_eq!(Value::map(vec![]).repeated_key(), None);
}

/// Extension attributes whose entries collide with the keys the encoder writes itself.
fn colliding_attributes() -> impl Strategy<Value = Vec<Attribute>> {
    let local = prop_oneof![
        (0u8..60).prop_map(|k| format!("_{k}")),
        // Key 1 and 0 in non-preferred widths.
        Just("_k1801".to_owned()),
        Just("_k1900".to_owned()).prop_map(|s| s + "00"),
        // Repeats, as decoding a map with a repeated key makes them.
        (0u8..24, 2usize..4).prop_map(|(k, n)| format!("_k{k:02x}.{n}")),
    ];
    let value = prop_oneof![
        Just("05".to_owned()),
        Just("6178".to_owned()),
        Just("f5".to_owned()),
        Just("a0".to_owned()),
    ];
    proptest::collection::vec(
        (local, value).prop_map(|(l, v)| {
            Attribute::new(QName::qualified(EXTENSION_NS, Some(EXTENSION_PREFIX), l), v)
        }),
        0..6,
    )
}

fn check_unique(bytes: &[u8]) -> Result<(), TestCaseError> {
    let value = cbor::decode(bytes)
        .map_err(|e| TestCaseError::fail(format!("our own output does not decode: {e}")))?;
    prop_assert_eq!(value.repeated_key(), None, "{}", value);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Models with extension attributes that collide with typed fields: every map of the
    /// encoding has unique keys, in each envelope, and what is left out is reported.
    #[test]
    fn every_encoded_map_has_unique_keys(
        mut m in support::software_identity(),
        root in colliding_attributes(),
        entity in colliding_attributes(),
        tagged in any::<bool>(),
    ) {
        m.attributes.extend(root);
        if let Some(Child::Entity(e)) = m.children.iter_mut().find(|c| matches!(c, Child::Entity(_))) {
            e.attributes.extend(entity);
        }
        let envelope = if tagged { Envelope::Tagged } else { Envelope::Untagged };
        let encoded = coswid::encode(&m, &EncodeOptions::default().with_envelope(envelope));
        check_unique(&encoded.bytes)?;
        // What was written decodes, and writes again without leaving anything out.
        let again = coswid::decode(&encoded.bytes).unwrap();
        let second = coswid::encode(&again.tag, &again.options);
        prop_assert!(second.dropped.is_empty(), "{:?}", second.dropped);
        check_unique(&second.bytes)?;
    }

    /// CoSWID maps with repeated and wrong-typed entries: decoding then encoding never
    /// repeats a key.
    #[test]
    fn decoded_maps_with_repeats_encode_with_unique_keys(
        entries in proptest::collection::vec(
            (0u64..20, prop_oneof![
                Just(Value::uint(1)),
                Just(Value::text("x")),
                Just(Value::Bool(false)),
                Just(Value::map(vec![(Value::uint(31), Value::text("e")), (Value::uint(31), Value::uint(2))])),
                Just(Value::array(vec![Value::map(vec![])])),
            ]),
            0..12,
        ),
    ) {
        let bytes = Value::map(entries.into_iter().map(|(k, v)| (Value::uint(k), v)).collect()).encode();
        let decoded = coswid::decode(&bytes).unwrap();
        let encoded = coswid::encode(&decoded.tag, &decoded.options);
        check_unique(&encoded.bytes)?;
    }
}

/// The NISTIR 8060 labels a resource collection has typed fields for, and one it has not.
const N8060_LABELS: [&str; 4] = [
    "{http://csrc.nist.gov/ns/swid/2015-extensions/1.0}pathSeparator",
    "{http://csrc.nist.gov/ns/swid/2015-extensions/1.0}envVarPrefix",
    "{http://csrc.nist.gov/ns/swid/2015-extensions/1.0}envVarSuffix",
    "{http://csrc.nist.gov/ns/swid/2015-extensions/1.0}other",
];

/// A tag whose payload map has the text-keyed `entries`.
fn tag_with_payload(entries: Vec<(Value, Value)>) -> Vec<u8> {
    Value::map(vec![
        (Value::uint(0), Value::text("t")),
        (Value::uint(1), Value::text("Roadrunner")),
        (Value::uint(6), Value::map(entries)),
    ])
    .encode()
}

/// Encodes what `bytes` decode to, twice: the first output and whether the second equals it.
fn round_twice(bytes: &[u8]) -> (coswid::Encoded, Vec<u8>) {
    let decoded = coswid::decode(bytes).unwrap();
    let first = coswid::encode(&decoded.tag, &decoded.options);
    let again = coswid::decode(&first.bytes).unwrap();
    let second = coswid::encode(&again.tag, &again.options);
    (first, second.bytes)
}

/// The `coswid_decode` fuzz finding `extension-keys-reordered-on-re-encode`: a payload map
/// with a NISTIR 8060 label twice wrote the repeat in the first occurrence's place (before
/// `pathSeparator`), so the second round trip wrote another order. The first occurrence's
/// value is the one written, in its place, and the repeat is reported.
#[test]
fn a_repeated_typed_label_keeps_the_first_value_and_order() {
    let [sep, prefix, ..] = N8060_LABELS;
    let bytes = tag_with_payload(vec![
        (Value::text(prefix), Value::text("%")),
        (Value::text(sep), Value::text("\\")),
        (Value::text(prefix), Value::text("$")),
    ]);
    let decoded = coswid::decode(&bytes).unwrap();
    let Some(Child::Payload(payload)) = decoded.tag.children.first() else {
        panic!("{:?}", decoded.tag.children);
    };
    assert_eq!(payload.env_var_prefix.as_deref(), Some("%"));
    let (first, second) = round_twice(&bytes);
    assert_eq!(second, first.bytes, "a fixed point");
    let written = cbor::decode(&first.bytes).unwrap();
    let payload = written
        .as_map()
        .unwrap()
        .iter()
        .find(|(k, _)| k.as_i64() == Some(6));
    let labels: Vec<(&str, &str)> = payload
        .unwrap()
        .1
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_text().unwrap(), v.as_text().unwrap()))
        .collect();
    assert_eq!(labels, [(sep, "\\"), (prefix, "%")]);
    assert_eq!(first.dropped.len(), 1, "{:?}", first.dropped);
    assert!(
        first.dropped[0]
            .what
            .contains("a CBOR map cannot hold a key twice")
    );
}

proptest! {
    /// Payload maps of NISTIR 8060 labels, repeated in any order: one decode and encode
    /// reaches a fixed point, as the `coswid_decode` fuzz target asserts.
    #[test]
    fn repeated_text_labels_reach_a_fixed_point(
        entries in proptest::collection::vec((0usize..4, "[%$\\\\/]"), 0..8),
    ) {
        let bytes = tag_with_payload(
            entries
                .into_iter()
                .map(|(i, v)| (Value::text(N8060_LABELS[i]), Value::text(v)))
                .collect(),
        );
        let (first, second) = round_twice(&bytes);
        prop_assert_eq!(second, first.bytes);
    }
}
