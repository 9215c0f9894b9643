//! What the fuzz target (`fuzz/fuzz_targets/ent_read.rs`) checks, replayed on stable over the
//! samples, the rule vectors, truncations and deterministic byte mutations of them, and any
//! saved fuzz inputs (`fuzz/corpus/ent_read/`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};

use itam_ent::read::{ReadOptions, read_str, read_with};
use itam_ent::resolve::resolve_all;
use itam_ent::{Ent, Parsed, Profile, resolve, validate, write};

/// Documents per input, as in the fuzz target.
const MAX_DOCS: usize = 8;

/// The fuzz target's body: NUL-separated documents, each read, written, read back, validated
/// and resolved alone; then every Ent read resolved against all of them. Whether any document
/// was read.
fn check(data: &[u8]) -> bool {
    let mut chain: Vec<Ent> = Vec::new();
    for doc in data.split(|b| *b == 0).take(MAX_DOCS) {
        for options in [ReadOptions::STRICT, ReadOptions::LAX] {
            let Ok(Parsed { value: ent, .. }) = read_with(doc, &options) else {
                continue;
            };
            let xml = write(&ent).unwrap();
            let Parsed { value: back, .. } =
                read_str(&xml, &options).expect("canonical output reads back");
            assert_eq!(back, ent);
            assert_eq!(write(&back).unwrap(), xml);
            let _ = validate(&ent, Profile::reconstructed());
            let _ = resolve(&ent.ent_id, std::slice::from_ref(&ent));
            chain.push(ent);
        }
    }
    if chain.len() > 1 {
        for ent in &chain {
            let _ = resolve(&ent.ent_id, &chain);
        }
        let _ = resolve_all(&chain);
    }
    !chain.is_empty()
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

fn saved_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/ent_read")
}

/// The committed seeds (and any saved crash inputs) go through the fuzz check; the folder must
/// exist and hold the seeds, so this cannot pass having replayed nothing.
#[test]
fn saved_fuzz_inputs_replay() {
    let dir = saved_dir();
    let saved = files_in(&dir);
    assert!(
        saved.len() >= 20,
        "fuzz seed corpus missing or thin: {} files in {}",
        saved.len(),
        dir.display()
    );
    let mut accepted = 0usize;
    for p in &saved {
        if check(&std::fs::read(p).unwrap()) {
            accepted += 1;
        }
    }
    // The samples and chains read; the malformed seeds do not.
    assert!(
        accepted >= 15 && accepted < saved.len(),
        "{accepted} of {}",
        saved.len()
    );
}

/// The overflow seeds hold chains whose sums leave the decimal range: resolved as the fuzz
/// target resolves them, they are refused with ENT-RES-8 (they used to panic).
#[test]
fn overflow_seeds_are_refused_with_a_finding() {
    for (seed, target) in [
        (
            "overflow-allocations",
            "3b6f0e2a-5c1d-4e8f-9a0b-1c2d3e4f5a6b",
        ),
        ("overflow-consolidation", "consolidated-crm-2025"),
    ] {
        let data = std::fs::read(saved_dir().join(seed)).unwrap();
        assert!(check(&data));
        let chain: Vec<Ent> = data
            .split(|b| *b == 0)
            .map(|doc| read_with(doc, &ReadOptions::STRICT).unwrap().value)
            .collect();
        let res = resolve(&itam_core::EntId::new(target), &chain);
        assert!(res.effective.is_none(), "{seed}: {}", res.report);
        assert!(
            res.report.by_rule("ENT-RES-8").next().is_some(),
            "{seed}: {}",
            res.report
        );
        assert!(resolve_all(&chain).values().any(|r| r.effective.is_none()));
    }
}
