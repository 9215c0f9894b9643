//! The corpus lookup every corpus test uses (tests/support/corpus.rs): `ITAM_CORPUS`, then
//! `<workspace>/../shared`; a missing corpus is reported on stderr where a plain `cargo test`
//! shows it, and fails the test under `ITAM_REQUIRE_CORPUS=1`.
//!
//! The two `#[ignore]`d tests are not run on their own: [`a_missing_corpus_is_seen`] runs
//! this test binary again with each of them, the way `cargo test` runs any test (output
//! captured), and checks what a person or CI would see.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code

#[path = "support/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn present() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn absent() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/no-such-corpus")
}

#[test]
fn the_first_existing_candidate_wins() {
    // A wrong ITAM_CORPUS falls through to the next candidate.
    assert_eq!(
        corpus::find_in(&[absent(), present()], false, "corpus-x"),
        Some(present())
    );
    assert_eq!(
        corpus::find_in(&[present(), absent()], true, "corpus-x"),
        Some(present())
    );
    // (Not found and not required is `None` plus a skip line: a_missing_corpus_is_seen checks
    // that in a child process, so that this run's output has no skip line that is not real.)
    let required = std::panic::catch_unwind(|| corpus::find_in(&[absent()], true, "corpus-x"));
    assert!(
        required.is_err(),
        "a required corpus that is missing must fail"
    );
}

#[test]
fn candidates_are_itam_corpus_then_shared() {
    let found = corpus::candidates("corpus-swid");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus-swid");
    assert_eq!(found.last(), Some(&shared));
    match std::env::var_os("ITAM_CORPUS") {
        Some(root) => assert_eq!(found, [PathBuf::from(root).join("corpus-swid"), shared]),
        None => assert_eq!(found, [shared]),
    }
}

/// Run by [`a_missing_corpus_is_seen`] only.
#[test]
#[ignore = "run by a_missing_corpus_is_seen"]
fn child_missing_corpus() {
    assert_eq!(
        corpus::find_in(&[absent()], corpus::required(), "corpus-nowhere"),
        None
    );
}

/// Run by [`a_missing_corpus_is_seen`] only: the lookup through the environment.
#[test]
#[ignore = "run by a_missing_corpus_is_seen"]
fn child_missing_corpus_from_env() {
    assert_eq!(corpus::folder("corpus-nowhere-at-all"), None);
}

fn run_child(test: &str, require: Option<&str>) -> Output {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--ignored", "--test-threads", "2"]);
    cmd.env_remove("RUST_TEST_NOCAPTURE")
        .env_remove("ITAM_REQUIRE_CORPUS");
    if let Some(value) = require {
        cmd.env("ITAM_REQUIRE_CORPUS", value);
    }
    cmd.output().unwrap()
}

#[test]
fn a_missing_corpus_is_seen() {
    for test in ["child_missing_corpus", "child_missing_corpus_from_env"] {
        // Without ITAM_REQUIRE_CORPUS: the test passes and its skip line gets past libtest's
        // capture of a passing test's output.
        let out = run_child(test, None);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{test}: {stdout}{stderr}");
        assert!(stdout.contains("1 passed"), "{test} did not run: {stdout}");
        assert!(
            stderr.contains(&format!("{test}: corpus test skipped: no corpus-nowhere")),
            "{test}: the skip line is not visible\nstdout: {stdout}\nstderr: {stderr}"
        );
        // `0` and empty mean "not required".
        for value in ["0", ""] {
            assert!(
                run_child(test, Some(value)).status.success(),
                "{test}={value:?}"
            );
        }
        // With ITAM_REQUIRE_CORPUS=1 the same test fails, saying why.
        let out = run_child(test, Some("1"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{test} passed without its corpus");
        assert!(
            stdout.contains("ITAM_REQUIRE_CORPUS is set but there is no corpus-nowhere"),
            "{test}: {stdout}"
        );
    }
}
