//! Signed CoSWID (RFC 9393 §7): a CoSWID tag as the payload of a `COSE_Sign1` (tag 18) or
//! `COSE_Sign` (tag 98) structure, optionally inside the CoSWID tag (RFC 9393 §8).
//!
//! The vectors are written by hand, item by item, from the structures of RFC 9052 §4
//! (`COSE_Sign1 = [protected: bstr .cbor header_map / h'', unprotected: header_map,
//! payload: bstr / nil, signature: bstr]`, `COSE_Sign = [..., signatures: [+
//! COSE_Signature]]`, `COSE_Signature = [protected, unprotected, signature]`) and RFC 9393
//! §7 (protected header with `alg` (1) and content type (3) `application/swid+cbor`,
//! payload `bstr .cbor` the CoSWID tag). The signatures are filler bytes: nothing is
//! verified, so nothing needs a real key.

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

mod support;

use itam_swid::coswid::cbor::{self, Value};
use itam_swid::coswid::{
    self, CoseEnvelope, CoseErrorKind, CoseStructure, CoswidErrorKind, EncodeOptions, Envelope,
};
use itam_swid::model::*;
use proptest::prelude::*;

/// A CBOR head: major type and argument, in preferred width.
fn head(major: u8, n: usize) -> Vec<u8> {
    let m = major << 5;
    match n {
        0..=23 => vec![m | n as u8],
        24..=0xff => vec![m | 24, n as u8],
        _ => {
            let mut v = vec![m | 25];
            v.extend_from_slice(&(n as u16).to_be_bytes());
            v
        }
    }
}

fn text(s: &str) -> Vec<u8> {
    [head(3, s.len()), s.as_bytes().to_vec()].concat()
}

fn bstr(b: &[u8]) -> Vec<u8> {
    [head(2, b.len()), b.to_vec()].concat()
}

fn uint(n: usize) -> Vec<u8> {
    head(0, n)
}

/// `1398229316({0: "example.com/signed-1.0", 12: 0, 1: "Signed Example",
/// 2: {31: "Example Corp", 32: "example.com", 33: 1}})`: tag-id, tag-version,
/// software-name, and an entity with entity-name, reg-id and role tagCreator, in the
/// RFC's key order (so the model writes it back identically).
fn payload() -> Vec<u8> {
    [
        vec![0xda, 0x53, 0x57, 0x49, 0x44], // tag 1398229316
        head(5, 4),
        uint(0),
        text("example.com/signed-1.0"),
        uint(12),
        uint(0),
        uint(1),
        text("Signed Example"),
        uint(2),
        head(5, 3),
        uint(31),
        text("Example Corp"),
        uint(32),
        text("example.com"),
        uint(33),
        uint(1),
    ]
    .concat()
}

/// `{1: -7 (ES256), 3: "application/swid+cbor"}`
fn protected() -> Vec<u8> {
    [
        head(5, 2),
        uint(1),
        vec![0x26], // -7
        uint(3),
        text("application/swid+cbor"),
    ]
    .concat()
}

/// `{4: h'6b6579'}` (kid "key")
fn unprotected() -> Vec<u8> {
    [head(5, 1), uint(4), bstr(b"key")].concat()
}

const SIGNATURE: [u8; 64] = [0x5a; 64];

/// `18([<<protected>>, {4: h'6b6579'}, <<payload>>, h'5a5a…'])`
fn sign1(payload: &[u8]) -> Vec<u8> {
    [
        vec![0xd2], // tag 18
        head(4, 4),
        bstr(&protected()),
        unprotected(),
        bstr(payload),
        bstr(&SIGNATURE),
    ]
    .concat()
}

fn check_example(tag: &SoftwareIdentity) {
    assert_eq!(tag.name.as_str(), "Signed Example");
    assert_eq!(tag.tag_id.as_str(), "example.com/signed-1.0");
    let entity = tag.entities().next().unwrap();
    assert!(entity.has_role(&Role::TagCreator));
}

#[test]
fn the_hand_written_vector_has_the_rfc_layout() {
    let bytes = sign1(&payload());
    // d2 = tag 18, 84 = array(4), 58 1a = bstr(26) holding a2 01 26 03 75 "application/…".
    assert_eq!(
        &bytes[..10],
        &[0xd2, 0x84, 0x58, 0x1a, 0xa2, 0x01, 0x26, 0x03, 0x75, b'a']
    );
    cbor::decode(&bytes).unwrap();
}

#[test]
fn a_cose_sign1_coswid_decodes_with_its_envelope_kept() {
    let bytes = sign1(&payload());
    let decoded = coswid::decode(&bytes).unwrap();
    check_example(&decoded.tag);
    assert_eq!(decoded.options.envelope, Envelope::Tagged);
    let signed = decoded.signed.as_ref().unwrap();
    assert_eq!(signed.structure(), CoseStructure::Sign1);
    assert!(!signed.is_coswid_tagged());
    assert_eq!(signed.protected(), protected().as_slice());
    assert_eq!(signed.algorithm(), Some(-7));
    assert_eq!(
        signed.content_type(),
        Some(coswid::cose::SWID_CBOR_CONTENT_TYPE)
    );
    assert_eq!(
        signed.header(4).and_then(Value::as_bytes),
        Some(&b"key"[..])
    );
    assert_eq!(signed.unprotected(), &cbor::decode(&unprotected()).unwrap());
    assert_eq!(signed.signature(), Some(&SIGNATURE[..]));
    assert_eq!(signed.signatures().len(), 1);
    assert_eq!(signed.signatures()[0].algorithm(), Some(-7));
    assert_eq!(signed.payload(), payload().as_slice());
    // The same tag as the payload alone.
    assert_eq!(coswid::decode(&payload()).unwrap().tag, decoded.tag);
}

#[test]
fn a_signed_coswid_encodes_back_byte_for_byte() {
    let bytes = sign1(&payload());
    let decoded = coswid::decode(&bytes).unwrap();
    assert_eq!(decoded.encode().bytes, bytes);
    let signed = decoded.signed.as_ref().unwrap();
    assert_eq!(
        coswid::encode_signed(&decoded.tag, &decoded.options, signed).bytes,
        bytes
    );
    // Plain `encode` writes the payload alone (unsigned).
    assert_eq!(
        coswid::encode(&decoded.tag, &decoded.options).bytes,
        payload()
    );
}

#[test]
fn a_payload_in_another_key_order_is_kept_as_signed() {
    // software-name (1) before tag-version (12), and tag-version written in two bytes
    // (18 00): the model would normalise both, which would break the signature.
    let mut odd = payload();
    let reordered = [
        vec![0xda, 0x53, 0x57, 0x49, 0x44],
        head(5, 4),
        uint(0),
        text("example.com/signed-1.0"),
        uint(1),
        text("Signed Example"),
        uint(12),
        vec![0x18, 0x00],
    ]
    .concat();
    let rest_at = odd.len() - (payload().len() - payload_entity_offset());
    odd = [reordered, odd.split_off(rest_at)].concat();
    let bytes = sign1(&odd);
    let decoded = coswid::decode(&bytes).unwrap();
    check_example(&decoded.tag);
    assert_ne!(
        coswid::encode(&decoded.tag, &decoded.options).bytes,
        odd,
        "the model normalises this payload"
    );
    assert_eq!(decoded.encode().bytes, bytes, "but the signed bytes stay");
}

/// Offset of the entity entry (key 2) in [`payload`].
fn payload_entity_offset() -> usize {
    let p = payload();
    let name = text("Signed Example");
    p.windows(name.len()).position(|w| w == name).unwrap() + name.len()
}

#[test]
fn a_changed_tag_gets_a_new_payload_in_the_same_envelope() {
    let bytes = sign1(&payload());
    let mut decoded = coswid::decode(&bytes).unwrap();
    decoded.tag.name = "Renamed".into();
    let out = decoded.encode();
    assert_ne!(out.bytes, bytes);
    let again = coswid::decode(&out.bytes).unwrap();
    assert_eq!(again.tag.name.as_str(), "Renamed");
    let (before, after) = (decoded.signed.unwrap(), again.signed.unwrap());
    assert_eq!(after.protected(), before.protected());
    assert_eq!(after.unprotected(), before.unprotected());
    assert_eq!(after.signature(), before.signature());
    assert_eq!(
        after.payload(),
        coswid::encode(&again.tag, &again.options).bytes.as_slice()
    );
}

#[test]
fn a_signed_coswid_inside_the_coswid_tag_round_trips() {
    // 1398229316(18([...])): RFC 9393 §8's tagged-signed form.
    let bytes = [vec![0xda, 0x53, 0x57, 0x49, 0x44], sign1(&payload())].concat();
    let decoded = coswid::decode(&bytes).unwrap();
    check_example(&decoded.tag);
    assert!(decoded.signed.as_ref().unwrap().is_coswid_tagged());
    assert_eq!(decoded.encode().bytes, bytes);
}

#[test]
fn an_untagged_payload_round_trips() {
    let untagged = payload()[5..].to_vec();
    let bytes = sign1(&untagged);
    let decoded = coswid::decode(&bytes).unwrap();
    check_example(&decoded.tag);
    assert_eq!(decoded.options.envelope, Envelope::Untagged);
    assert_eq!(decoded.encode().bytes, bytes);
}

/// `98([<<protected>>, {}, <<payload>>, [[h'', {4: h'6b31'}, sig1], [<<{1: -35}>>, {}, sig2]]])`
fn cose_sign() -> Vec<u8> {
    let signer1 = [
        head(4, 3),
        bstr(&[]),
        [head(5, 1), uint(4), bstr(b"k1")].concat(),
        bstr(&[0x11; 32]),
    ]
    .concat();
    let signer2 = [
        head(4, 3),
        bstr(&[0xa1, 0x01, 0x38, 0x22]), // {1: -35} (ES384)
        head(5, 0),
        bstr(&[0x22; 48]),
    ]
    .concat();
    [
        vec![0xd8, 0x62], // tag 98
        head(4, 4),
        bstr(&protected()),
        head(5, 0),
        bstr(&payload()),
        head(4, 2),
        signer1,
        signer2,
    ]
    .concat()
}

#[test]
fn a_cose_sign_coswid_with_two_signers_round_trips() {
    let bytes = cose_sign();
    let decoded = coswid::decode(&bytes).unwrap();
    check_example(&decoded.tag);
    let signed = decoded.signed.as_ref().unwrap();
    assert_eq!(signed.structure(), CoseStructure::Sign);
    assert_eq!(signed.signature(), None);
    let signers = signed.signatures();
    assert_eq!(signers.len(), 2);
    assert_eq!(signers[0].protected, b"");
    assert_eq!(signers[0].signature, &[0x11; 32][..]);
    assert_eq!(signers[1].protected, &[0xa1, 0x01, 0x38, 0x22][..]);
    assert_eq!(signers[1].algorithm(), Some(-35));
    assert_eq!(
        signers[0].header(4).as_ref().and_then(Value::as_bytes),
        Some(&b"k1"[..])
    );
    assert_eq!(signers[1].signature, &[0x22; 48][..]);
    assert_eq!(decoded.encode().bytes, bytes);
}

/// The shape Intel's FSP attestation tool (`FspGenCoSwid.py sign`, which builds a pycose
/// `SignMessage`) writes: a `COSE_Sign` with no structure-level headers around an
/// *untagged* CoSWID map, and one signer whose protected header holds the algorithm and whose
/// unprotected header holds a text `kid` "11". Built here by hand; the bytes are ours.
#[test]
fn a_cose_sign_in_the_shape_fsp_tools_write_round_trips() {
    let signer = [
        head(4, 3),
        bstr(&[0xa1, 0x01, 0x26]), // {1: -7}
        [head(5, 1), uint(4), text("11")].concat(),
        bstr(&[0x33; 64]),
    ]
    .concat();
    let bytes = [
        vec![0xd8, 0x62],
        head(4, 4),
        bstr(&[]),
        head(5, 0),
        bstr(&payload()[5..]), // untagged
        head(4, 1),
        signer,
    ]
    .concat();
    let decoded = coswid::decode(&bytes).unwrap();
    check_example(&decoded.tag);
    assert_eq!(decoded.options.envelope, Envelope::Untagged);
    let signed = decoded.signed.as_ref().unwrap();
    assert_eq!(signed.protected(), b"");
    assert_eq!(signed.algorithm(), None, "the algorithm is the signer's");
    let signers = signed.signatures();
    assert_eq!(signers.len(), 1);
    assert_eq!(signers[0].protected, &[0xa1, 0x01, 0x26][..]);
    assert_eq!(signers[0].algorithm(), Some(-7));
    assert_eq!(
        signers[0].unprotected.as_map().unwrap()[0].1.as_text(),
        Some("11")
    );
    assert_eq!(decoded.encode().bytes, bytes);
}

fn cose_error(bytes: &[u8]) -> (usize, CoseErrorKind) {
    match coswid::decode(bytes).unwrap_err().kind {
        CoswidErrorKind::Cose(e) => (e.offset, e.kind),
        other => panic!("expected a cose error, got {other:?}"),
    }
}

#[test]
fn malformed_envelopes_are_typed_errors_with_their_offset() {
    let p = bstr(&protected());
    let u = unprotected();
    let pl = bstr(&payload());
    let sig = bstr(&SIGNATURE);
    // Offsets: d2 (1) 84 (1), then the items.
    let after_p = 2 + p.len();
    let after_u = after_p + u.len();
    let after_pl = after_u + pl.len();
    let cases: Vec<(&str, Vec<u8>, usize, CoseErrorKind)> = vec![
        (
            "a map, not an array",
            [vec![0xd2], head(5, 0)].concat(),
            1,
            CoseErrorKind::NotAnArray("map"),
        ),
        (
            "three items",
            [vec![0xd2], head(4, 3), p.clone(), u.clone(), pl.clone()].concat(),
            1,
            CoseErrorKind::ItemCount(3),
        ),
        (
            "protected header as text",
            [
                vec![0xd2],
                head(4, 4),
                text("x"),
                u.clone(),
                pl.clone(),
                sig.clone(),
            ]
            .concat(),
            2,
            CoseErrorKind::ProtectedNotBytes("text string"),
        ),
        (
            "protected header holding an array",
            [
                vec![0xd2],
                head(4, 4),
                bstr(&[0x80]),
                u.clone(),
                pl.clone(),
                sig.clone(),
            ]
            .concat(),
            3,
            CoseErrorKind::ProtectedNotMap("array"),
        ),
        (
            "unprotected header as an array",
            [
                vec![0xd2],
                head(4, 4),
                p.clone(),
                head(4, 0),
                pl.clone(),
                sig.clone(),
            ]
            .concat(),
            after_p,
            CoseErrorKind::UnprotectedNotMap("array"),
        ),
        (
            "detached payload",
            [
                vec![0xd2],
                head(4, 4),
                p.clone(),
                u.clone(),
                vec![0xf6],
                sig.clone(),
            ]
            .concat(),
            after_u,
            CoseErrorKind::DetachedPayload,
        ),
        (
            "payload as text",
            [
                vec![0xd2],
                head(4, 4),
                p.clone(),
                u.clone(),
                text("x"),
                sig.clone(),
            ]
            .concat(),
            after_u,
            CoseErrorKind::PayloadNotBytes("text string"),
        ),
        (
            "signature as an array",
            [
                vec![0xd2],
                head(4, 4),
                p.clone(),
                u.clone(),
                pl.clone(),
                head(4, 0),
            ]
            .concat(),
            after_pl,
            CoseErrorKind::SignatureNotBytes("array"),
        ),
        (
            "cose_sign with a bstr for signatures",
            [
                vec![0xd8, 0x62],
                head(4, 4),
                p.clone(),
                u.clone(),
                pl.clone(),
                sig,
            ]
            .concat(),
            after_pl + 1,
            CoseErrorKind::SignaturesNotArray("byte string"),
        ),
        (
            "cose_sign with a two-item signer",
            [
                vec![0xd8, 0x62],
                head(4, 4),
                p,
                u,
                pl,
                head(4, 1),
                head(4, 2),
                bstr(&[]),
                head(5, 0),
            ]
            .concat(),
            after_pl + 2,
            CoseErrorKind::BadSignature { index: 1 },
        ),
    ];
    for (what, bytes, offset, kind) in cases {
        assert_eq!(cose_error(&bytes), (offset, kind), "{what}");
    }
}

#[test]
fn errors_inside_byte_strings_point_into_them() {
    // Protected header bytes that are not CBOR: a map cut short, at content offset 0,
    // after d2 84 42.
    let bytes = [
        vec![0xd2],
        head(4, 4),
        bstr(&[0xa1, 0x01]),
        unprotected(),
        bstr(&payload()),
        bstr(&SIGNATURE),
    ]
    .concat();
    let (offset, kind) = cose_error(&bytes);
    assert!(matches!(kind, CoseErrorKind::ProtectedCbor(_)), "{kind:?}");
    assert_eq!(offset, 3, "the map that ends early");

    // A payload cut short inside the tag-id text (which starts at payload byte 7, after
    // da 53 57 49 44 a4 00): the error points at that text inside the envelope.
    let cut = &payload()[..20];
    let bytes = sign1(cut);
    let (offset, kind) = cose_error(&bytes);
    assert!(matches!(kind, CoseErrorKind::PayloadCbor(_)), "{kind:?}");
    let payload_at = 2 + bstr(&protected()).len() + unprotected().len() + 1;
    assert_eq!(offset, payload_at + 7);

    // The message says where, once.
    let message = coswid::decode(&bytes).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "malformed cose envelope at byte {}: the payload is not cbor: length 22 exceeds the remaining input at /",
            payload_at + 7
        )
    );
}

/// `18([<<protected>>, {4: h'6b6579'}, (_ h'…', h'…'), h'5a5a…'])`: the payload as a
/// chunked (indefinite-length) byte string.
fn sign1_chunked(payload: &[u8], split: usize) -> Vec<u8> {
    [
        vec![0xd2],
        head(4, 4),
        bstr(&protected()),
        unprotected(),
        vec![0x5f],
        bstr(&payload[..split]),
        bstr(&payload[split..]),
        vec![0xff],
        bstr(&SIGNATURE),
    ]
    .concat()
}

#[test]
fn a_chunked_payload_round_trips_and_its_errors_point_at_the_string() {
    let bytes = sign1_chunked(&payload(), 10);
    let decoded = coswid::decode(&bytes).unwrap();
    check_example(&decoded.tag);
    assert_eq!(decoded.encode().bytes, bytes);

    // Content that is not CBOR: no single input byte holds the error, so the offset is
    // the byte string's.
    let bytes = sign1_chunked(&payload()[..20], 10);
    let (offset, kind) = cose_error(&bytes);
    assert!(matches!(kind, CoseErrorKind::PayloadCbor(_)), "{kind:?}");
    assert_eq!(offset, 2 + bstr(&protected()).len() + unprotected().len());
}

#[test]
fn a_payload_that_is_itself_signed_is_refused() {
    let inner = sign1(&payload());
    let bytes = sign1(&inner);
    assert_eq!(
        coswid::decode(&bytes).unwrap_err().kind,
        CoswidErrorKind::UnexpectedTag(18)
    );
}

#[test]
fn envelopes_built_from_parts_check_their_headers() {
    let bad = CoseEnvelope::sign1(vec![0x80], Value::map(Vec::new()), vec![1]);
    assert_eq!(
        bad.unwrap_err().kind,
        CoseErrorKind::ProtectedNotMap("array")
    );
    let bad = CoseEnvelope::sign1(Vec::new(), Value::array(Vec::new()), vec![1]);
    assert_eq!(
        bad.unwrap_err().kind,
        CoseErrorKind::UnprotectedNotMap("array")
    );
    let bad = CoseEnvelope::sign(Vec::new(), Value::map(Vec::new()), Value::bytes(vec![1]));
    assert_eq!(
        bad.unwrap_err().kind,
        CoseErrorKind::SignaturesNotArray("byte string")
    );
}

#[test]
fn an_envelope_built_from_parts_wraps_a_tag_as_the_hand_written_vector() {
    let tag = coswid::decode(&payload()).unwrap();
    let envelope = CoseEnvelope::sign1(
        protected(),
        cbor::decode(&unprotected()).unwrap(),
        SIGNATURE.to_vec(),
    )
    .unwrap();
    let out = coswid::encode_signed(&tag.tag, &tag.options, &envelope);
    assert_eq!(out.bytes, sign1(&payload()));
}

fn envelope_strategy() -> impl Strategy<Value = CoseEnvelope> {
    let header = proptest::collection::vec((-30i64..30, any::<u8>()), 0..3).prop_map(|pairs| {
        Value::map(
            pairs
                .into_iter()
                .map(|(k, v)| (Value::int(k), Value::uint(u64::from(v))))
                .collect(),
        )
    });
    let signature = proptest::collection::vec(any::<u8>(), 0..80);
    (
        header.clone(),
        header,
        signature,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(protected, unprotected, signature, multi, tagged)| {
            let protected = match protected.as_map() {
                Some([]) => Vec::new(),
                _ => protected.encode(),
            };
            let envelope = if multi {
                let signer = Value::array(vec![
                    Value::bytes(Vec::new()),
                    Value::map(Vec::new()),
                    Value::bytes(signature),
                ]);
                CoseEnvelope::sign(protected, unprotected, Value::array(vec![signer]))
            } else {
                CoseEnvelope::sign1(protected, unprotected, signature)
            };
            envelope.unwrap().with_coswid_tag(tagged)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn wrapping_then_unwrapping_gives_the_tag_back(
        m in support::software_identity(),
        envelope in envelope_strategy(),
        which in 0usize..3,
    ) {
        let form = [Envelope::Untagged, Envelope::Tagged, Envelope::TaggedBytes][which];
        let options = EncodeOptions::default().with_envelope(form);
        let plain = coswid::encode(&m, &options);
        let unsigned = coswid::decode(&plain.bytes).unwrap();

        let signed = coswid::encode_signed(&m, &options, &envelope);
        prop_assert_eq!(&signed.dropped, &plain.dropped);
        let decoded = coswid::decode(&signed.bytes).unwrap();
        prop_assert_eq!(&decoded.tag, &unsigned.tag);
        prop_assert_eq!(decoded.options, unsigned.options);
        let kept = decoded.signed.as_ref().unwrap();
        prop_assert_eq!(kept.payload(), plain.bytes.as_slice());
        prop_assert_eq!(kept.protected(), envelope.protected());
        prop_assert_eq!(kept.unprotected(), envelope.unprotected());
        prop_assert_eq!(kept.signatures(), envelope.signatures());
        prop_assert_eq!(kept.is_coswid_tagged(), envelope.is_coswid_tagged());
        prop_assert_eq!(decoded.encode().bytes, signed.bytes);
    }
}
