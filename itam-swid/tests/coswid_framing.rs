//! CoSWID envelopes and multi-tag framings (issue 16, point 1): writing is untagged by
//! default (a bare map, what python-uswid and fwupd read) or tagged on request; reading
//! takes untagged, tagged and signed tags, and several tags as a uSWID container, a CBOR
//! array or a CBOR sequence.

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

use itam_swid::coswid::cbor::{self, Value};
use itam_swid::coswid::uswid::USWID_MAGIC;
use itam_swid::coswid::{self, CoseEnvelope, CoswidErrorKind, EncodeOptions, Envelope, Framing};
use itam_swid::{Entity, Role, SoftwareIdentity};

fn tag(n: usize) -> SoftwareIdentity {
    let mut tag = SoftwareIdentity::new(format!("Product {n}"), format!("example.acme.p{n}"));
    tag.version = Some(format!("1.{n}"));
    tag.push(Entity::new("ACME Ltd", "acme.example", &[Role::TagCreator]));
    tag
}

fn bare(n: usize) -> Vec<u8> {
    coswid::encode(&tag(n), &EncodeOptions::default()).bytes
}

#[test]
fn the_default_is_a_bare_map_and_tagged_is_an_option() {
    let bytes = bare(1);
    assert!(matches!(cbor::decode(&bytes).unwrap(), Value::Map { .. }));
    assert_eq!(EncodeOptions::default().envelope, Envelope::Untagged);
    let tagged = coswid::encode(
        &tag(1),
        &EncodeOptions::default().with_envelope(Envelope::Tagged),
    )
    .bytes;
    assert_eq!(&tagged[..5], [0xda, 0x53, 0x57, 0x49, 0x44]);
    assert_eq!(&tagged[5..], bytes, "the same map inside the tag");
    for (bytes, envelope) in [(bytes, Envelope::Untagged), (tagged, Envelope::Tagged)] {
        let decoded = coswid::decode(&bytes).unwrap();
        assert_eq!(decoded.tag, tag(1));
        assert_eq!(decoded.options.envelope, envelope);
    }
}

#[test]
fn a_cose_sign_envelope_is_read_and_kept() {
    // Tag 98 (COSE_Sign, what python-uswid strips) and tag 18 (COSE_Sign1) around the
    // untagged payload; the signature is kept, not verified.
    let sign1 =
        CoseEnvelope::sign1(vec![0xa1, 0x01, 0x26], Value::map(vec![]), vec![7; 64]).unwrap();
    let signed = coswid::encode_signed(&tag(2), &EncodeOptions::default(), &sign1);
    assert_eq!(signed.bytes[0], 0xd2);
    let decoded = coswid::decode(&signed.bytes).unwrap();
    assert_eq!(decoded.tag, tag(2));
    let envelope = decoded.signed.as_ref().unwrap();
    assert_eq!(envelope.payload(), bare(2));
    assert_eq!(decoded.encode().bytes, signed.bytes);

    let all = coswid::decode_all(&signed.bytes).unwrap();
    assert_eq!(all.framing, Framing::Single);
    assert!(all.tags[0].signed.is_some());
}

#[test]
fn several_tags_are_read_from_each_framing() {
    let tags: Vec<Vec<u8>> = (1..=3).map(bare).collect();
    let names = |all: &coswid::DecodedAll| -> Vec<String> {
        all.tags.iter().map(|d| d.tag.name.clone()).collect()
    };
    let expected = ["Product 1", "Product 2", "Product 3"];

    // Concatenated (python-uswid's .cbor of several components).
    let sequence = tags.concat();
    let all = coswid::decode_all(&sequence).unwrap();
    assert_eq!(all.framing, Framing::Sequence);
    assert_eq!(names(&all), expected);

    // A CBOR array of tags, one of them tagged.
    let mut items: Vec<Value> = tags.iter().map(|b| cbor::decode(b).unwrap()).collect();
    items[1] = Value::tag(coswid::COSWID_TAG, items[1].clone());
    let array = Value::array(items).encode();
    let all = coswid::decode_all(&array).unwrap();
    assert_eq!(all.framing, Framing::Array);
    assert_eq!(names(&all), expected);
    assert_eq!(all.tags[1].options.envelope, Envelope::Tagged);

    // A uSWID container, v2 header (as python-uswid 0.6 writes it uncompressed).
    let mut container = USWID_MAGIC.to_vec();
    container.push(2);
    container.extend_from_slice(&24u16.to_le_bytes());
    container.extend_from_slice(&u32::try_from(sequence.len()).unwrap().to_le_bytes());
    container.push(0);
    container.extend_from_slice(&sequence);
    let all = coswid::decode_all(&container).unwrap();
    assert_eq!(all.framing, Framing::Uswid);
    assert_eq!(names(&all), expected);

    // One tag.
    let all = coswid::decode_all(&tags[0]).unwrap();
    assert_eq!(all.framing, Framing::Single);
    assert_eq!(names(&all), ["Product 1"]);
}

#[test]
fn a_bad_item_among_several_is_named_by_position() {
    let mut sequence = bare(1);
    sequence.extend(Value::uint(7).encode());
    let err = coswid::decode_all(&sequence).unwrap_err();
    assert_eq!(err.path, "/[2]");
    assert!(matches!(err.kind, CoswidErrorKind::NotAMap(_)), "{err}");

    let err = coswid::decode_all(&[]).unwrap_err();
    assert!(matches!(err.kind, CoswidErrorKind::Cbor(_)), "{err}");
    // A truncated second tag is a CBOR error with its byte offset.
    let mut cut = bare(1);
    let second = bare(2);
    cut.extend_from_slice(&second[..second.len() / 2]);
    let err = coswid::decode_all(&cut).unwrap_err();
    let CoswidErrorKind::Cbor(e) = err.kind else {
        panic!("{err}")
    };
    assert!(e.offset >= bare(1).len(), "{e}");
}
