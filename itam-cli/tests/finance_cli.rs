//! `itam finance reconcile` as a user runs it: on the exported demo estate it finds exactly
//! the ledger's deliberate discrepancies; `--json` equals the library's result for the same
//! input; `--csv` parses; a `;`-delimited ledger; exit codes 0, 1 and 2; one invoice line
//! proving both rights of an Ent (`shared_by`). Fixtures:
//! `tests/data/finance/` (self-written) and the demo's `finance/` folder, exported.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

use itam_core::cms::Cms;
use itam_core::finance::Ledger;
use itam_core::finance::csv::{Limits, read};
use itam_reconcile::finance::{FinanceInput, FinancePolicy, reconcile_finance};

fn data(rel: &str) -> String {
    format!("{}/tests/data/finance/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// The demo exported to a fresh folder.
fn demo() -> TempDir {
    let dir = TempDir::new("finance-demo");
    let out = itam(&["demo", "--export", &dir.arg("northwind")]);
    assert_eq!(code(&out), 0, "{out:?}");
    dir
}

fn reconcile(cms: &str, ledger: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["finance", "reconcile", "--cms", cms, "--ledger", ledger];
    args.extend_from_slice(extra);
    itam(&args)
}

/// (rule, records) of each discrepancy of a `--json` output.
fn discrepancies(value: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    value["discrepancies"]
        .as_array()
        .expect("discrepancies")
        .iter()
        .map(|d| {
            (
                d["finding"]["rule"].as_str().unwrap().to_owned(),
                d["records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_demo_ledger_shows_exactly_its_deliberate_discrepancies() {
    let dir = demo();
    let cms = dir.arg("northwind/finance/cms.json");
    let ledger = dir.arg("northwind/finance/ledger.csv");
    let ents = dir.arg("northwind/entitlements");
    let out = reconcile(&cms, &ledger, &["--entitlements", &ents, "--json"]);
    // A disposed asset still in operation is an error: exit 1.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let got = discrepancies(&json(&out));
    let want: Vec<(String, Vec<String>)> = [
        (
            "FIN-DISPOSED-1",
            &["item:ws-par-01", "register:FA-0103"][..],
        ),
        ("FIN-GHOST-1", &["register:FA-0098"]),
        ("FIN-NOPROOF-1", &["entitlement:nw-shield-site"]),
        (
            "FIN-QUANTITY-1",
            &["entitlement:nw-office-2024", "invoice:INV-24-0311/1"],
        ),
        ("FIN-UNRECORDED-1", &["item:ws-lon-01"]),
    ]
    .iter()
    .map(|(r, recs)| {
        (
            (*r).to_owned(),
            recs.iter().map(|s| (*s).to_owned()).collect(),
        )
    })
    .collect();
    assert_eq!(got, want);
    // The FOSS editor was not bought: left out, and said so.
    assert!(
        stderr(&out).contains("ent:nw-foss-editor is a FOSS licence"),
        "{}",
        stderr(&out)
    );

    // The readable form: the same discrepancies with their records, and the figures.
    let text = reconcile(&cms, &ledger, &["--entitlements", &ents]);
    assert_eq!(code(&text), 1);
    let text = stdout(&text);
    assert!(text.contains("discrepancies 5\n"), "{text}");
    assert!(
        text.contains("FIN-QUANTITY-1 warning [entitlement:nw-office-2024 invoice:INV-24-0311/1] entitlement `nw-office-2024` is for 5, but invoice:INV-24-0311/1 is for 6"),
        "{text}"
    );
    assert!(text.contains("  hardware matched 8/9 (88.89%)\n"), "{text}");
    assert!(text.contains("  without proof 1\n"), "{text}");
    // The allocation to Lyon is folded back: what was bought is one entitlement of 5.
    assert!(
        !text.contains("nw-office-2024@"),
        "allocations are not purchases: {text}"
    );
}

#[test]
fn json_is_the_library_result_for_the_same_input() {
    let dir = demo();
    for (cms, ledger) in [
        (
            dir.arg("northwind/finance/cms.json"),
            dir.arg("northwind/finance/ledger.csv"),
        ),
        (data("cms.json"), data("ledger.json")),
    ] {
        let out = reconcile(&cms, &ledger, &["--json"]);
        let cms_value: Cms = serde_json::from_str(&std::fs::read_to_string(&cms).unwrap()).unwrap();
        let text = std::fs::read_to_string(&ledger).unwrap();
        let ledger_value: Ledger = if ledger.ends_with(".json") {
            serde_json::from_str(&text).unwrap()
        } else {
            Ledger::from_csv(&text).unwrap()
        };
        let input = FinanceInput {
            cms: &cms_value,
            entitlements: &[],
            purchases: &[],
            ledger: &ledger_value,
        };
        let want = reconcile_finance(&input, &FinancePolicy::default());
        assert_eq!(json(&out), serde_json::to_value(&want).unwrap(), "{cms}");
        let errors = want
            .discrepancies
            .iter()
            .any(|d| d.finding.severity == itam_core::diag::Severity::Error);
        assert_eq!(code(&out), i32::from(errors), "{cms}");
    }
}

#[test]
fn csv_is_three_tables_that_parse() {
    let dir = demo();
    let out = reconcile(
        &dir.arg("northwind/finance/cms.json"),
        &dir.arg("northwind/finance/ledger.csv"),
        &[
            "--entitlements",
            &dir.arg("northwind/entitlements"),
            "--csv",
        ],
    );
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let tables: Vec<&str> = text.split("\r\n\r\n").collect();
    let [matches, shared, discrepancies] = tables[..] else {
        panic!("three tables separated by an empty line: {text}");
    };
    let matches = read(matches, &Limits::default()).expect("matches csv");
    // The demo's Ents each count one right: no shared proof, the header alone.
    let shared = read(shared, &Limits::default()).expect("shared proofs csv");
    assert_eq!(shared.len(), 1);
    assert_eq!(
        shared[0]
            .iter()
            .map(|f| f.text.as_str())
            .collect::<Vec<_>>(),
        ["entitlement", "invoice", "via"]
    );
    let discrepancies = read(discrepancies, &Limits::default()).expect("discrepancies csv");
    let cells = |row: &Vec<itam_core::finance::csv::Field>| -> Vec<String> {
        row.iter().map(|f| f.text.clone()).collect()
    };
    assert_eq!(
        cells(&matches[0]),
        ["itam", "ledger", "rule", "confidence", "evidence"]
    );
    assert_eq!(matches.len(), 1 + 12);
    assert!(
        matches.iter().any(|r| cells(r)
            == [
                "item:ws-lyo-02",
                "register:FA-0107",
                "description",
                "800",
                "similarity 1000‰"
            ]),
        "{text}"
    );
    assert_eq!(
        cells(&discrepancies[0]),
        ["rule", "severity", "path", "records", "message"]
    );
    let rules: Vec<String> = discrepancies[1..]
        .iter()
        .map(|r| format!("{} {}", r[0].text, r[3].text))
        .collect();
    assert_eq!(
        rules,
        [
            "FIN-DISPOSED-1 item:ws-par-01 register:FA-0103",
            "FIN-GHOST-1 register:FA-0098",
            "FIN-NOPROOF-1 entitlement:nw-shield-site",
            "FIN-QUANTITY-1 entitlement:nw-office-2024 invoice:INV-24-0311/1",
            "FIN-UNRECORDED-1 item:ws-lon-01",
        ]
    );
}

#[test]
fn ent_order_and_invoice_data_are_the_purchase_data() {
    // Without the Ent, the software invoice has no entitlement (a warning: exit 0).
    let bare = reconcile(&data("cms.json"), &data("ledger.json"), &["--json"]);
    assert_eq!(code(&bare), 0, "{}", stderr(&bare));
    let got: Vec<String> = discrepancies(&json(&bare))
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(got, ["FIN-NOENT-1"]);
    // With it, the Ent's invoice number matches the line, and its currency (USD) differs
    // from the ledger's (EUR): an error, exit 1.
    let with = reconcile(
        &data("cms.json"),
        &data("ledger.json"),
        &["--entitlements", &data("ents"), "--json"],
    );
    assert_eq!(code(&with), 1, "{}", stderr(&with));
    let value = json(&with);
    assert_eq!(
        discrepancies(&value),
        [(
            "FIN-CURRENCY-1".to_owned(),
            vec!["entitlement:ed-1".to_owned(), "invoice:INV-7/1".to_owned()]
        )]
    );
    let m = value["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["itam"] == "entitlement:ed-1")
        .expect("the entitlement is matched");
    assert_eq!(m["rule"], "document");
    assert_eq!(m["evidence"], "INV-7");
}

#[test]
fn a_semicolon_ledger_reads_with_delimiter() {
    let json_ledger = reconcile(&data("cms.json"), &data("ledger.json"), &["--json"]);
    let semicolon = reconcile(
        &data("cms.json"),
        &data("ledger-semicolon.csv"),
        &["--delimiter", ";", "--json"],
    );
    assert_eq!(code(&semicolon), 0, "{}", stderr(&semicolon));
    assert_eq!(json(&semicolon), json(&json_ledger));
    // Read with the default comma, the header is one column: not a ledger.
    let comma = reconcile(&data("cms.json"), &data("ledger-semicolon.csv"), &[]);
    assert_eq!(code(&comma), 2);
    assert!(
        stderr(&comma).contains("the header has no `record` column"),
        "{}",
        stderr(&comma)
    );
    // A delimiter must be one character.
    let bad = reconcile(
        &data("cms.json"),
        &data("ledger.json"),
        &["--delimiter", ";;"],
    );
    assert_eq!(code(&bad), 2);
}

#[test]
fn unreadable_inputs_exit_2_with_line_and_column() {
    let ledger = reconcile(&data("cms.json"), &data("bad-ledger.csv"), &[]);
    assert_eq!(code(&ledger), 2);
    assert!(stdout(&ledger).is_empty());
    assert!(
        stderr(&ledger).contains(
            "bad-ledger.csv: error: not a ledger csv: line 3, column 1: record kind `refund`"
        ),
        "{}",
        stderr(&ledger)
    );
    let cms = reconcile(&data("bad-cms.json"), &data("ledger.json"), &[]);
    assert_eq!(code(&cms), 2);
    assert!(
        stderr(&cms).contains("bad-cms.json: error: not the json form of a cms")
            && stderr(&cms).contains("line 2 column 26"),
        "{}",
        stderr(&cms)
    );
    let ents = reconcile(
        &data("cms.json"),
        &data("ledger.json"),
        &["--entitlements", &data("bad-ents")],
    );
    assert_eq!(code(&ents), 2);
    assert!(
        stderr(&ents).contains("broken.ent:2:11: error:"),
        "{}",
        stderr(&ents)
    );
    let missing = reconcile(&data("cms.json"), &data("no-such-ledger.csv"), &[]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("no-such-ledger.csv: error: cannot read file"),
        "{}",
        stderr(&missing)
    );
    // --json and --csv do not go together (a usage error).
    let both = reconcile(
        &data("cms.json"),
        &data("ledger.json"),
        &["--json", "--csv"],
    );
    assert_eq!(code(&both), 2);
}

#[test]
fn the_date_window_bounds_the_description_rule() {
    // The Lyon workstation matches its register line only by description: the CI was
    // acquired on 2025-05-10, the line on 2025-05-12. With a window of one day they no
    // longer pair, and each side is reported unmatched.
    let dir = demo();
    let cms = dir.arg("northwind/finance/cms.json");
    let ledger = dir.arg("northwind/finance/ledger.csv");
    let rules_of = |window: &str| {
        let out = reconcile(&cms, &ledger, &["--date-window", window, "--json"]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        discrepancies(&json(&out))
            .into_iter()
            .filter(|(_, records)| {
                records
                    .iter()
                    .any(|r| r == "item:ws-lyo-02" || r == "register:FA-0107")
            })
            .map(|(rule, _)| rule)
            .collect::<Vec<_>>()
    };
    assert_eq!(rules_of("2"), Vec::<String>::new());
    assert_eq!(rules_of("1"), ["FIN-GHOST-1", "FIN-UNRECORDED-1"]);
}

#[test]
fn an_ent_counting_two_rights_is_proven_line_by_line() {
    // The itam-ent sample: a reseller bundle of 40 devices and 15 named users, an order line
    // and an invoice line each, both on invoice SC-88120. The ledger lists the two lines in
    // the other order: each entitlement is paired with its own line (by SKU), so neither
    // lacks a proof of purchase and no quantity or price differs.
    let bundle = format!(
        "{}/../itam-ent/tests/data/reseller-bundle.ent.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = reconcile(
        &data("empty-cms.json"),
        &data("bundle-ledger.json"),
        &["--entitlements", &bundle, "--json"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let value = json(&out);
    assert_eq!(discrepancies(&value), []);
    let pairs: Vec<(String, String)> = value["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["itam"].as_str().unwrap().to_owned(),
                m["ledger"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let ent = "entitlement:urn:uuid:5b1f8e2a-7c34-4d6e-9a10-2f3b4c5d6e7f";
    assert_eq!(
        pairs,
        [
            (
                format!("{ent}#access-namedUser"),
                "invoice:SC-88120/1".to_owned()
            ),
            (format!("{ent}#use-device"), "invoice:SC-88120/2".to_owned()),
        ]
    );
    assert_eq!(value["summary"]["without_proof"], 0);
    // The supplier is the Ent's reseller: the summary counts both under it.
    let by_supplier = value["summary"]["by_supplier"].as_object().unwrap();
    assert_eq!(by_supplier.len(), 1, "{by_supplier:?}");
    assert!(
        by_supplier.keys().all(|k| k.starts_with("shop")),
        "{by_supplier:?}"
    );
}

#[test]
fn one_invoice_line_proves_both_rights_of_an_ent() {
    // `cad-1` counts rights install and use (five devices each): two entitlements, bought on
    // one invoice line. The line is matched once, to the first; the second is proven by it
    // through `shared_by`, so neither lacks a proof of purchase.
    let ents = data("shared-ents");
    let run = |extra: &[&str]| {
        let mut args = vec!["--entitlements", ents.as_str()];
        args.extend_from_slice(extra);
        let out = reconcile(&data("empty-cms.json"), &data("shared-ledger.json"), &args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    let value: serde_json::Value = serde_json::from_str(&run(&["--json"])).unwrap();
    assert_eq!(discrepancies(&value), []);
    let matches: Vec<(&str, &str)> = value["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["itam"].as_str().unwrap(), m["ledger"].as_str().unwrap()))
        .collect();
    assert_eq!(
        matches,
        [("entitlement:cad-1#install-device", "invoice:INV-90/1")]
    );
    assert_eq!(
        value["proven_by_shared"],
        serde_json::json!([{
            "entitlement": "entitlement:cad-1#use-device",
            "invoice": "invoice:INV-90/1",
            "via": "entitlement:cad-1#install-device"
        }])
    );
    assert_eq!(value["summary"]["without_proof"], 0);
    assert_eq!(value["summary"]["entitlements"]["matched"], 2);
    assert_eq!(value["summary"]["entitlements"]["total"], 2);

    let text = run(&[]);
    assert!(text.contains("\nshared proofs 1\n  entitlement:cad-1#use-device = invoice:INV-90/1 via entitlement:cad-1#install-device\n"), "{text}");
    assert!(
        text.contains("\n  entitlements with proof 2/2 (100.00%)\n"),
        "{text}"
    );

    let csv = run(&["--csv"]);
    let tables: Vec<&str> = csv.split("\r\n\r\n").collect();
    assert_eq!(tables.len(), 3, "{csv}");
    let shared = read(tables[1], &Limits::default()).expect("shared proofs csv");
    let row: Vec<&str> = shared[1].iter().map(|f| f.text.as_str()).collect();
    assert_eq!(
        row,
        [
            "entitlement:cad-1#use-device",
            "invoice:INV-90/1",
            "entitlement:cad-1#install-device"
        ]
    );

    // Without the line, neither right has a proof of purchase.
    let out = reconcile(
        &data("empty-cms.json"),
        &data("empty-ledger.json"),
        &["--entitlements", &ents, "--json"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got: Vec<String> = discrepancies(&json(&out))
        .into_iter()
        .map(|(rule, records)| format!("{rule} {}", records.join(" ")))
        .collect();
    assert_eq!(
        got,
        [
            "FIN-NOPROOF-1 entitlement:cad-1#install-device",
            "FIN-NOPROOF-1 entitlement:cad-1#use-device"
        ]
    );
}

#[test]
fn a_consolidation_is_proven_by_the_invoices_of_the_ents_it_merges() {
    // `crm-all` consolidates `crm-a` (4 users, invoice CRM-A) and `crm-b` (2 users, invoice
    // CRM-B) and has no invoice of its own. Its purchase records carry its sources' invoices;
    // each record is paired with its own line, and the two lines together are for the six
    // users the consolidation grants: no discrepancy at all.
    let out = reconcile(
        &data("empty-cms.json"),
        &data("consol-ledger.json"),
        &["--entitlements", &data("consol-ents"), "--json"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let value = json(&out);
    assert_eq!(value["summary"]["without_proof"], 0);
    assert_eq!(value["summary"]["software_invoices"]["matched"], 2);
    let matches: Vec<(&str, &str)> = value["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["itam"].as_str().unwrap(), m["ledger"].as_str().unwrap()))
        .collect();
    assert_eq!(
        matches,
        [
            ("entitlement:crm-all", "invoice:CRM-A/1"),
            ("entitlement:crm-all", "invoice:CRM-B/1")
        ]
    );
    assert_eq!(
        discrepancies(&value),
        Vec::<(String, Vec<String>)>::new(),
        "{}",
        stdout(&out)
    );
    // The sources count nothing of their own: no entitlement `crm-a` or `crm-b`.
    assert!(
        !stdout(&out).contains("entitlement:crm-a\""),
        "{}",
        stdout(&out)
    );
}
