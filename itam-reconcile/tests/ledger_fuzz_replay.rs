//! The `ledger_read` fuzz target's check, replayed on stable over its committed seeds
//! (`fuzz/corpus/ledger_read/`) and any saved findings (`fuzz/artifacts/ledger_read/`): a
//! ledger that reads (CSV with `,` or `;`, or JSON) writes and reads back to the same ledger,
//! and the finance reports of it against the CMS after a NUL byte parse back with one record
//! per row and no formula cell.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use std::path::Path;

#[path = "../../fuzz/checks/ledger.rs"]
mod check;

#[test]
fn saved_ledger_fuzz_inputs_replay() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut paths = Vec::new();
    for sub in ["corpus/ledger_read", "artifacts/ledger_read"] {
        if let Ok(rd) = std::fs::read_dir(fuzz.join(sub)) {
            paths.extend(rd.map(|e| e.unwrap().path()));
        }
    }
    paths.sort();
    assert!(
        paths.len() >= 10,
        "ledger fuzz seeds missing or thin: {} files under {}",
        paths.len(),
        fuzz.join("corpus/ledger_read").display()
    );
    let read_as: Vec<usize> = paths
        .iter()
        .map(|p| check::check(&std::fs::read(p).unwrap()))
        .collect();
    // Most seeds are ledgers; the bad and short ones are refused.
    let ledgers = read_as.iter().filter(|&&n| n > 0).count();
    assert!(
        ledgers >= 8 && ledgers < paths.len(),
        "{ledgers} of {} read",
        paths.len()
    );
}
