//! Fuzz target: chains of Ents built by a program of use-case steps (issue, allocate,
//! consolidate, revoke, transfer, archive, add information, relink, twin, re-issue), then
//! resolved. The check is `fuzz/checks/ent_chain.rs`, shared with the stable replay test in
//! itam-ent.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/ent_chain.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    check::check(data);
});
