//! Scenario tests: every folder under `tests/data/scenarios/` holds an `estate.json` (and
//! optionally a `policy.json`); `expected.txt` is the canonical text of both modes and the
//! gap, `expected.json` the Priority position's `position.json`. `ITAM_BLESS=1` rewrites them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may fail loudly

use std::path::Path;

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Policy, reconcile_both};

fn check(path: &Path, got: &str, bless: bool) -> Result<(), String> {
    if bless {
        std::fs::write(path, got).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let want = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if want == got {
        Ok(())
    } else {
        Err(format!("{} differs; got:\n{got}", path.display()))
    }
}

#[test]
fn scenarios_match_their_goldens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scenarios");
    let bless = std::env::var_os("ITAM_BLESS").is_some_and(|v| v == "1");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in &dirs {
        let estate: Estate =
            serde_json::from_str(&std::fs::read_to_string(dir.join("estate.json")).unwrap())
                .unwrap();
        let policy: Policy = match std::fs::read_to_string(dir.join("policy.json")) {
            Ok(text) => serde_json::from_str(&text).unwrap(),
            Err(_) => Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
        };
        let both = reconcile_both(&estate, &policy).unwrap();
        if let Err(e) = check(&dir.join("expected.txt"), &both.to_text(), bless) {
            failures.push(e);
        }
        let json = serde_json::to_string_pretty(&both.priority).unwrap() + "\n";
        if let Err(e) = check(&dir.join("expected.json"), &json, bless) {
            failures.push(e);
        }
    }
    assert!(dirs.len() >= 5, "scenarios missing");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
