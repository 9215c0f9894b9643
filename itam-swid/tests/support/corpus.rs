//! Finding the shared corpus of real third-party files (DESIGN §7), one helper for every
//! corpus test in the workspace: `#[path = "support/corpus.rs"] mod corpus;` here, and
//! `#[path = "../../itam-swid/tests/support/corpus.rs"] mod corpus;` in the tests of itam-ent,
//! itam-cli and itam-reconcile (one file, so every corpus test behaves the same);
//! itam-swid/tests/corpus_support.rs tests it.
//!
//! A corpus folder (`corpus-swid`, `corpus-ent`, …) is looked up in `$ITAM_CORPUS`, then in
//! `<workspace>/../shared`; the first that exists wins, so a wrong `ITAM_CORPUS` does not hide
//! a corpus that sits beside the clone. When neither has it:
//! - with `ITAM_REQUIRE_CORPUS=1` (as `.ci/run` sets) the test fails;
//! - otherwise the test writes one line saying it was skipped to the process's stderr handle
//!   directly. libtest captures the print macros (`println!`, `eprintln!`) of passing tests,
//!   not writes to `std::io::stderr()`, so the line shows in a plain `cargo test`.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The env var naming a folder that holds the `corpus-*` folders.
pub const CORPUS_VAR: &str = "ITAM_CORPUS";
/// The env var that turns a missing corpus into a test failure.
pub const REQUIRE_VAR: &str = "ITAM_REQUIRE_CORPUS";

/// The folders searched for `sub`, in order: `$ITAM_CORPUS/sub`, `<workspace>/../shared/sub`.
pub fn candidates(sub: &str) -> Vec<PathBuf> {
    std::env::var_os(CORPUS_VAR)
        .map(|p| PathBuf::from(p).join(sub))
        .into_iter()
        .chain([Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared")
            .join(sub)])
        .collect()
}

/// Whether `ITAM_REQUIRE_CORPUS` asks for the corpus (set, and neither empty nor `0`).
pub fn required() -> bool {
    std::env::var_os(REQUIRE_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The corpus folder `sub` (e.g. `corpus-swid`, or a folder inside it such as
/// `corpus-ent/CycloneDX__specification`), or `None` after reporting the skip. Panics when
/// the corpus is missing and [`required`].
pub fn folder(sub: &str) -> Option<PathBuf> {
    find_in(&candidates(sub), required(), sub)
}

/// [`folder`] over explicit candidates: the first existing folder, else a failure when
/// `require`, else one skip line on stderr and `None`.
pub fn find_in(candidates: &[PathBuf], require: bool, sub: &str) -> Option<PathBuf> {
    if let Some(found) = candidates.iter().find(|p| p.is_dir()) {
        return Some(found.clone());
    }
    let tried = candidates
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    assert!(
        !require,
        "{REQUIRE_VAR} is set but there is no {sub} (tried {tried})"
    );
    skipped(&format!("no {sub} (tried {tried}; set {CORPUS_VAR})"));
    None
}

/// Writes `<test>: corpus test skipped: <why>` to stderr, past libtest's output capture. The
/// test's name is its thread's (libtest names each test's thread after the test).
pub fn skipped(why: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("corpus test");
    let _ = writeln!(std::io::stderr(), "{test}: corpus test skipped: {why}");
}
