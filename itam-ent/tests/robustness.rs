//! What the fuzz target (`fuzz/fuzz_targets/ent_read.rs`) checks, replayed on stable over the
//! samples, the rule vectors, truncations and deterministic byte mutations of them, and any
//! saved fuzz inputs (`fuzz/corpus/ent_read/`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};

use itam_ent::read::{ReadOptions, read_bytes, read_with};
use itam_ent::{Profile, resolve, validate, write};

fn check(data: &[u8]) -> bool {
    let mut accepted = false;
    for options in [ReadOptions::strict(), ReadOptions::lax()] {
        let Ok((ent, _)) = read_bytes(data, &options) else {
            continue;
        };
        accepted = true;
        let xml = write(&ent);
        let (back, _) = read_with(&xml, &options).expect("canonical output reads back");
        assert_eq!(back, ent);
        assert_eq!(write(&back), xml);
        let _ = validate(&ent, Profile::reconstructed());
        let _ = resolve(&ent.ent_id, std::slice::from_ref(&ent));
    }
    accepted
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn inputs() -> Vec<Vec<u8>> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    files_in(&data)
        .into_iter()
        .chain(files_in(&data.join("rules")))
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

#[test]
fn samples_and_vectors_pass_the_fuzz_check() {
    let all = inputs();
    assert!(all.len() > 30);
    for input in &all {
        assert!(check(input), "{}", String::from_utf8_lossy(input));
    }
}

#[test]
fn truncations_and_mutations_never_panic_and_round_trip_when_read() {
    let mut accepted = 0usize;
    let mut refused = 0usize;
    for input in inputs() {
        let step = (input.len() / 40).max(1);
        for cut in (0..input.len()).step_by(step) {
            if check(input.get(..cut).unwrap()) {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
        // Deterministic mutations: overwrite one byte with characters XML cares about.
        for (i, pos) in (0..input.len()).step_by(step * 3).enumerate() {
            let mut m = input.clone();
            m[pos] = b"<>&\"'=/ x\0"[i % 10];
            if check(&m) {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn saved_fuzz_inputs_replay() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/ent_read");
    let saved = files_in(&dir);
    if saved.is_empty() {
        println!("no saved fuzz inputs in {}", dir.display());
    }
    for p in saved {
        check(&std::fs::read(&p).unwrap());
    }
}
