//! Replays the saved inputs of the `coswid_decode` fuzz target (`fuzz/corpus/coswid_decode/`)
//! on stable, with the target's checks: nothing panics, CBOR re-encodes to the same bytes,
//! and a decoded CoSWID tag reaches a fixed point after one model round trip.

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

use std::path::PathBuf;

use itam_swid::coswid::{self, cbor, uswid};

fn check(name: &str, data: &[u8]) -> (bool, bool) {
    let cbor_ok = match cbor::decode(data) {
        Ok(value) => {
            assert_eq!(value.encode(), data, "{name}: cbor re-encoding");
            true
        }
        Err(_) => false,
    };
    let _ = cbor::decode_sequence(data, cbor::Limits::default());
    let coswid_ok = match coswid::decode(data) {
        Ok(decoded) => {
            if decoded.signed.is_some() {
                assert_eq!(decoded.encode().bytes, data, "{name}: signed re-encoding");
            }
            let first = coswid::encode(&decoded.tag, &decoded.options);
            // Only a repeated map key of the input is left out (and reported), and the
            // output never repeats a key (issue 12, defect 9).
            assert!(
                first
                    .dropped
                    .iter()
                    .all(|d| d.what.contains("a CBOR map cannot hold a key twice")),
                "{name}: {:?}",
                first.dropped
            );
            let written = cbor::decode(&first.bytes).unwrap();
            assert_eq!(written.repeated_key(), None, "{name}: repeated key written");
            let again = coswid::decode(&first.bytes).unwrap();
            let second = coswid::encode(&again.tag, &again.options);
            assert!(second.dropped.is_empty(), "{name}");
            assert_eq!(second.bytes, first.bytes, "{name}: fixed point");
            true
        }
        Err(_) => false,
    };
    let _ = coswid::decode_uswid(data);
    let _ = uswid::Uswid::find_all(data);
    (cbor_ok, coswid_ok)
}

#[test]
fn saved_fuzz_inputs_replay() {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/corpus/coswid_decode"
    ));
    // The seeds are checked in beside the target: a missing folder is a failure, not a skip.
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    let mut results = Vec::new();
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (cbor_ok, coswid_ok) = check(&name, &std::fs::read(path).unwrap());
        results.push((name, cbor_ok, coswid_ok));
    }
    // The hand-written seeds exercise both outcomes.
    let find = |n: &str| results.iter().find(|r| r.0 == n).map(|r| (r.1, r.2));
    assert_eq!(find("full-tag"), Some((true, true)));
    assert_eq!(find("repeated-key"), Some((true, true)));
    assert_eq!(find("bad-utf8"), Some((false, false)));
    assert_eq!(
        find("deep"),
        Some((false, false)),
        "deeper than the default limit"
    );
    assert_eq!(
        find("uswid-v1"),
        Some((false, false)),
        "a container is not one cbor item"
    );
    // Signed CoSWID (COSE_Sign1, COSE_Sign, inside the CoSWID tag) reaches the new path.
    for signed in ["signed-sign1", "signed-sign", "signed-full-tagged"] {
        assert_eq!(find(signed), Some((true, true)), "{signed}");
        let bytes = std::fs::read(dir.join(signed)).unwrap();
        assert!(coswid::decode(&bytes).unwrap().signed.is_some(), "{signed}");
    }
    assert_eq!(
        find("signed-detached"),
        Some((true, false)),
        "a detached payload is a cose error"
    );
    assert!(coswid::decode_uswid(&std::fs::read(dir.join("uswid-v1")).unwrap()).is_ok());
    println!("coswid fuzz replay: {} inputs", results.len());
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/corpus/coswid_decode"
    ));
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| std::fs::read(e.unwrap().path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    // Self-contained seeds, so the property runs even without the fuzz folder.
    out.push(
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/coswid/full.coswid"
        ))
        .unwrap(),
    );
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

    /// A stable stand-in for the fuzzer: mutated seeds (bytes replaced, inserted, removed)
    /// go through the fuzz target's checks.
    #[test]
    fn mutated_seeds_pass_the_fuzz_checks(
        which in proptest::prelude::any::<proptest::sample::Index>(),
        edits in proptest::collection::vec(
            (0u8..3, proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()),
            1..4,
        ),
    ) {
        let seeds = seeds();
        let mut data = seeds[which.index(seeds.len())].clone();
        for (kind, at, byte) in edits {
            let i = at.index(data.len().max(1));
            match kind {
                0 if !data.is_empty() => data[i] = byte,
                1 => data.insert(i.min(data.len()), byte),
                _ if !data.is_empty() => {
                    data.remove(i);
                }
                _ => {}
            }
        }
        check("mutant", &data);
    }
}
