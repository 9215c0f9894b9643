//! Replays the saved inputs of the `swid_read` fuzz target (`fuzz/corpus/swid_read/`, and
//! `fuzz/artifacts/swid_read/` when present) on stable, with the target's own checks: the
//! reader never panics, and whatever it accepts writes and reads back to the same model.

// A panic is how a test reports a failure.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use itam_swid::SoftwareIdentity;
use itam_swid::model::{Child, ForeignNode};
use itam_swid::read::{ReadOptions, read_all, read_str, read_with};
use itam_swid::write::write;

/// The round trip the fuzz target asserts: `m` writes, and the text reads back (strictly) to
/// `m`. A write error is a failure too: the reader accepted a tag the writer refuses.
fn round_trip(tag: &SoftwareIdentity) -> Result<(), String> {
    let xml = write(tag).map_err(|e| format!("a tag the reader accepted does not write: {e}"))?;
    let back = read_str(&xml, &ReadOptions::STRICT)
        .map_err(|e| format!("the writer's output does not read back: {e}\n{xml}"))?;
    if back.value == *tag {
        Ok(())
    } else {
        Err(format!("read_str(write(m)) != m\n{xml}"))
    }
}

/// The fuzz target's checks (fuzz/fuzz_targets/swid_read.rs) on one input.
fn replay(data: &[u8]) {
    for options in [ReadOptions::STRICT, ReadOptions::LAX] {
        if let Ok(parsed) = read_with(data, &options) {
            if let Err(why) = round_trip(&parsed.value) {
                panic!("{why}\ninput: {:?}", String::from_utf8_lossy(data));
            }
        }
        let _ = read_all(data, &options);
    }
}

/// The check is not lenient: a model that cannot be written fails it instead of being skipped.
#[test]
fn a_tag_that_does_not_write_fails_the_round_trip() {
    let good = SoftwareIdentity::new("Roadrunner".to_owned(), "com.acme.rr".to_owned());
    assert_eq!(round_trip(&good), Ok(()));
    let bad = SoftwareIdentity::new("nul \u{0} in a name".to_owned(), "com.acme.rr".to_owned());
    let why = round_trip(&bad).expect_err("a NUL character cannot be written as XML");
    assert!(why.contains("does not write"), "{why}");
    // Two adjacent text nodes write as one and read back as one: a re-read mismatch fails it.
    let mut merged = good;
    for text in ["a", "b"] {
        merged
            .children
            .push(Child::Other(ForeignNode::Text(text.to_owned())));
    }
    let why = round_trip(&merged).expect_err("adjacent text nodes do not survive a re-read");
    assert!(why.contains("read_str(write(m)) != m"), "{why}");
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
