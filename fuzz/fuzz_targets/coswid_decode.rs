//! Fuzz target: the CBOR codec, the CoSWID decoder and encoder, and the uSWID container
//! reader. Nothing may panic; what decodes must re-encode to the same bytes (CBOR, and
//! signed CoSWID in its COSE envelope) and reach a fixed point after one model round trip
//! (CoSWID). The saved inputs in
//! `corpus/coswid_decode/` are replayed on stable by `itam-swid/tests/coswid_fuzz_replay.rs`,
//! which applies the same checks.
#![no_main]

use itam_swid::coswid::{self, cbor, uswid};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = cbor::decode(data) {
        assert_eq!(value.encode(), data, "cbor re-encoding");
    }
    let _ = cbor::decode_sequence(data, cbor::Limits::default());
    if let Ok(decoded) = coswid::decode(data) {
        if decoded.signed.is_some() {
            // A signed tag (COSE_Sign1 / COSE_Sign) writes back exactly as read.
            assert_eq!(decoded.encode().bytes, data, "signed re-encoding");
        }
        let first = coswid::encode(&decoded.tag, &decoded.options);
        assert!(
            first
                .dropped
                .iter()
                .all(|d| d.what.contains("a CBOR map cannot hold a key twice")),
            "a decoded tag drops nothing but the repeats of a map key"
        );
        let written = cbor::decode(&first.bytes).expect("an encoded tag is cbor");
        assert!(
            written.repeated_key().is_none(),
            "the encoder never repeats a key"
        );
        let again = coswid::decode(&first.bytes).expect("an encoded tag decodes");
        let second = coswid::encode(&again.tag, &again.options);
        assert!(second.dropped.is_empty(), "a re-decoded tag drops nothing");
        assert_eq!(
            second.bytes, first.bytes,
            "encoding a decoded tag is a fixed point"
        );
    }
    let _ = coswid::decode_uswid(data);
    let _ = uswid::Uswid::find_all(data);
});
