//! The `ledger_read` fuzz target's check, replayed on stable over its committed seeds
//! (`fuzz/corpus/ledger_read/`) and any saved findings (`fuzz/artifacts/ledger_read/`): a
//! ledger that reads (CSV with `,` or `;`, or JSON) writes and reads back to the same ledger,
//! and the finance reports of it against the CMS after a NUL byte parse back with one record
//! per row and no formula cell.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use std::path::Path;

use itam_reconcile::finance::{FinanceInput, FinancePolicy, reconcile_finance};
use itam_reconcile::itam_core::cms::Cms;
use itam_reconcile::itam_core::finance::Ledger;
use itam_reconcile::itam_core::finance::csv::{Limits, is_formula_like, read};

/// The target's body; how many ledgers the input read as.
fn fuzz_check(data: &[u8]) -> usize {
    let (ledger_bytes, cms_bytes) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(ledger_bytes) else {
        return 0;
    };
    let cms: Cms = serde_json::from_slice(cms_bytes).unwrap_or_default();
    let mut ledgers = Vec::new();
    for delimiter in [',', ';'] {
        if let Ok(ledger) = Ledger::from_csv_with(text, delimiter, &Limits::default()) {
            let back = Ledger::from_csv(&ledger.to_csv()).expect("the CSV form reads back");
            assert_eq!(back, ledger, "CSV round trip");
            ledgers.push(ledger);
        }
    }
    if let Ok(ledger) = serde_json::from_str::<Ledger>(text) {
        let json = serde_json::to_string(&ledger).unwrap();
        assert_eq!(serde_json::from_str::<Ledger>(&json).unwrap(), ledger);
        ledgers.push(ledger);
    }
    for ledger in &ledgers {
        let input = FinanceInput {
            cms: &cms,
            entitlements: &[],
            purchases: &[],
            ledger,
        };
        let result = reconcile_finance(&input, &FinancePolicy::default());
        let _ = result.to_text();
        for (report, rows) in [
            (result.matches_csv(), result.matches.len()),
            (result.shared_proofs_csv(), result.proven_by_shared.len()),
            (result.discrepancies_csv(), result.discrepancies.len()),
        ] {
            let records = read(&report, &Limits::default()).expect("a report is CSV");
            assert_eq!(records.len(), rows + 1, "one record per row and a header");
            for cell in records.iter().flatten() {
                assert!(!is_formula_like(&cell.text), "formula cell {:?}", cell.text);
            }
        }
    }
    ledgers.len()
}

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
        .map(|p| fuzz_check(&std::fs::read(p).unwrap()))
        .collect();
    // Most seeds are ledgers; the bad and short ones are refused.
    let ledgers = read_as.iter().filter(|&&n| n > 0).count();
    assert!(
        ledgers >= 8 && ledgers < paths.len(),
        "{ledgers} of {} read",
        paths.len()
    );
}
