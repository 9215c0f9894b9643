//! Fuzz target: the ledger's CSV form (comma and `;` delimited) and JSON form, and the finance
//! reconciliation's CSV reports. The check is `fuzz/checks/ledger.rs`, shared with the stable
//! replay test in itam-reconcile.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/ledger.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    check::check(data);
});
