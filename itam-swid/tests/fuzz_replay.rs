//! Replays the saved inputs of the `swid_read` fuzz target (`fuzz/corpus/swid_read/`, and
//! `fuzz/artifacts/swid_read/` when present) on stable, with the target's own checks: the
//! reader never panics, and whatever it accepts writes and reads back to the same model.

// A panic is how a test reports a failure.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use itam_swid::read::{ReadOptions, read, read_all_bytes, read_bytes};
use itam_swid::write::write;

fn replay(data: &[u8]) {
    for options in [ReadOptions::STRICT, ReadOptions::LAX] {
        if let Ok(parsed) = read_bytes(data, &options) {
            if let Ok(xml) = write(&parsed.tag) {
                let back = read(&xml, &ReadOptions::STRICT);
                assert_eq!(back.map(|p| p.tag).ok(), Some(parsed.tag));
            }
        }
        let _ = read_all_bytes(data, &options);
    }
}

#[test]
fn fuzz_corpus_replays() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut count = 0;
    for sub in ["corpus/swid_read", "artifacts/swid_read"] {
        let Ok(entries) = std::fs::read_dir(root.join(sub)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            replay(&data);
            count += 1;
        }
    }
    println!("replayed {count} fuzz inputs");
    assert!(count >= 5, "fuzz seed corpus missing");
}

#[test]
fn mutated_inputs_never_panic() {
    // A cheap deterministic stand-in for fuzzing on stable: prefixes of the seeds, and
    // single-byte corruptions of them at spread positions.
    let rounds: usize = std::env::var("ITAM_MUTATION_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for name in [
        "full-2015.swidtag",
        "draft-2014-dis.swidtag",
        "no-namespace.swidtag",
        "wrapped.xml",
    ] {
        let seed = std::fs::read(dir.join(name)).unwrap();
        for end in (0..seed.len()).step_by(11) {
            replay(&seed[..end]);
        }
        let bytes = [
            b'<', b'>', b'"', b'&', b':', b'/', b'=', b' ', b'x', 0u8, 0xFF,
        ];
        for (i, b) in bytes.iter().cycle().take(rounds).enumerate() {
            let mut data = seed.clone();
            let at = (i * 7919) % data.len();
            data[at] = *b;
            replay(&data);
        }
    }
}
