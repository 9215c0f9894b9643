//! The `ledger_read` fuzz target's check, in one place: the target runs it under libFuzzer
//! and `itam-reconcile/tests/ledger_fuzz_replay.rs` replays it on stable over the committed
//! seeds and saved findings (both include this file with `#[path]`).
//!
//! The input is a ledger, optionally followed by a NUL byte and a CMS in JSON. A ledger that
//! reads (CSV with `,` or `;`, or JSON) must write and read back to the same ledger; the
//! finance reconciliation of it against the CMS must not panic, and its three CSV reports
//! must parse back with one record per row and no cell a spreadsheet would take as a formula.

use itam_reconcile::finance::{FinanceInput, FinancePolicy, reconcile_finance};
use itam_reconcile::itam_core::cms::Cms;
use itam_reconcile::itam_core::finance::Ledger;
use itam_reconcile::itam_core::finance::csv::{Limits, is_formula_like, read};

/// Runs the check on one input (panics on a defect); returns how many ledgers it read as.
pub fn check(data: &[u8]) -> usize {
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
            let csv = ledger.to_csv();
            let back = Ledger::from_csv(&csv).expect("the ledger's CSV form reads back");
            assert_eq!(back, ledger, "CSV round trip");
            ledgers.push(ledger);
        }
    }
    if let Ok(ledger) = serde_json::from_str::<Ledger>(text) {
        let json = serde_json::to_string(&ledger).expect("a ledger serialises");
        let back: Ledger = serde_json::from_str(&json).expect("the ledger's JSON reads back");
        assert_eq!(back, ledger, "JSON round trip");
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
