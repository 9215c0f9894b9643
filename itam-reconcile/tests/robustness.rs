//! Mutated `estate.json` files (the fuzz target's check, replayed deterministically): what
//! parses must reconcile, or be refused with a typed error, without panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may fail loudly

use std::path::Path;

use chrono::NaiveDate;
use itam_reconcile::generate::SplitMix64;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Policy, partition, reconcile_both};

const TOKENS: [&str; 12] = [
    "0",
    "-1",
    "18446744073709551615",
    "\"\"",
    "\"x\"",
    "null",
    "true",
    "[]",
    "{}",
    "\"2024-02-30\"",
    "\"79228162514264337593543950335\"",
    "\"virtual\"",
];

#[test]
fn mutated_scenarios_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path().join("estate.json"))
        .collect();
    files.sort();
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let mut rng = SplitMix64::new(2026);
    let (mut parsed, mut reconciled) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let bytes = text.as_bytes();
        for _ in 0..300 {
            let mut m = bytes.to_vec();
            // Replace a random run of 1..8 bytes by a token, or swap two bytes.
            let at = rng.below(m.len() as u64) as usize;
            if rng.chance(700) {
                let len = (1 + rng.below(8) as usize).min(m.len() - at);
                let token = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                m.splice(at..at + len, token.bytes());
            } else {
                let other = rng.below(m.len() as u64) as usize;
                m.swap(at, other);
            }
            let Ok(estate) = serde_json::from_slice::<Estate>(&m) else {
                continue;
            };
            parsed += 1;
            if let Ok(both) = reconcile_both(&estate, &policy) {
                reconciled += 1;
                let _ = both.to_text();
                let _ = serde_json::to_string(&both.optimal).unwrap();
            }
            let _ = partition(&estate, 2);
        }
    }
    assert!(
        parsed > 100 && reconciled > 50,
        "mutations too destructive: {parsed} parsed, {reconciled} reconciled"
    );
}

/// The `reconcile_estate` fuzz target's body: what parses reconciles (or is refused with a
/// typed error) in both modes and renders. Whether the input parsed.
fn fuzz_check(data: &[u8]) -> bool {
    let Ok(estate) = serde_json::from_slice::<Estate>(data) else {
        return false;
    };
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    if let Ok(both) = reconcile_both(&estate, &policy) {
        let _ = both.to_text();
        let _ = serde_json::to_string(&both.optimal).unwrap();
        // The promise (manual, *The promise*): never more units short, summed over the
        // metrics each mode counts; per metric, when both count every product alike.
        let gap = &both.gap;
        assert!(gap.shortfall <= 0);
        if !gap.metrics_differ {
            assert!(
                gap.by_metric
                    .iter()
                    .all(|m| m.covered >= 0 && m.shortfall <= 0)
            );
        }
    }
    let _ = partition(&estate, 3);
    true
}

/// The committed seeds of `fuzz/corpus/reconcile_estate/` (and any saved crash inputs under
/// `fuzz/artifacts/reconcile_estate/`) replay on stable; the seed folder must exist and hold
/// them, so this cannot pass having replayed nothing.
#[test]
fn saved_fuzz_inputs_replay() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut paths = Vec::new();
    for sub in ["corpus/reconcile_estate", "artifacts/reconcile_estate"] {
        if let Ok(rd) = std::fs::read_dir(fuzz.join(sub)) {
            paths.extend(rd.map(|e| e.unwrap().path()));
        }
    }
    paths.sort();
    assert!(
        paths.len() >= 10,
        "fuzz seed corpus missing or thin: {} files under {}",
        paths.len(),
        fuzz.join("corpus/reconcile_estate").display()
    );
    let parsed = paths
        .iter()
        .filter(|p| fuzz_check(&std::fs::read(p).unwrap()))
        .count();
    // The scenarios and edge cases parse; the malformed seeds do not.
    assert!(
        parsed >= 6 && parsed < paths.len(),
        "{parsed} of {} parsed",
        paths.len()
    );
}
