//! Golden scenarios of the finance reconciliation: one per discrepancy kind, and one that
//! exercises every matching rule. Each folder under `tests/data/finance/` holds `cms.json`,
//! `entitlements.json`, `purchases.json` (each optional), `ledger.csv`, `about.txt` saying
//! what it shows, and `expected.txt` / `expected.json`, the canonical renderings.
//! `ITAM_BLESS=1` rewrites the expected files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use itam_core::cms::Cms;
use itam_core::estate::Entitlement;
use itam_core::finance::{EntitlementPurchase, Ledger};
use itam_reconcile::finance::{
    CATALOGUE, FinanceInput, FinancePolicy, FinanceReconciliation, MatchRule, reconcile_finance,
};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/finance")
        .join(name)
}

fn read_json<T: serde::de::DeserializeOwned + Default>(path: &Path) -> T {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}")),
        Err(_) => T::default(),
    }
}

struct Scenario {
    cms: Cms,
    entitlements: Vec<Entitlement>,
    purchases: Vec<EntitlementPurchase>,
    ledger: Ledger,
}

fn load(name: &str) -> Scenario {
    let d = dir(name);
    let csv = std::fs::read_to_string(d.join("ledger.csv")).unwrap();
    Scenario {
        cms: read_json(&d.join("cms.json")),
        entitlements: read_json(&d.join("entitlements.json")),
        purchases: read_json(&d.join("purchases.json")),
        ledger: Ledger::from_csv(&csv).unwrap_or_else(|e| panic!("{name}/ledger.csv: {e}")),
    }
}

fn run(s: &Scenario) -> FinanceReconciliation {
    let input = FinanceInput {
        cms: &s.cms,
        entitlements: &s.entitlements,
        purchases: &s.purchases,
        ledger: &s.ledger,
    };
    reconcile_finance(&input, &FinancePolicy::default())
}

fn golden(name: &str, result: &FinanceReconciliation) {
    let text = result.to_text();
    let json = serde_json::to_string_pretty(result).unwrap() + "\n";
    let d = dir(name);
    if std::env::var_os("ITAM_BLESS").is_some() {
        std::fs::write(d.join("expected.txt"), &text).unwrap();
        std::fs::write(d.join("expected.json"), &json).unwrap();
    }
    let want = std::fs::read_to_string(d.join("expected.txt"))
        .unwrap_or_else(|_| panic!("{name}/expected.txt missing: run with ITAM_BLESS=1"));
    assert_eq!(
        text, want,
        "{name}: text rendering differs from expected.txt"
    );
    let want = std::fs::read_to_string(d.join("expected.json")).unwrap();
    assert_eq!(json, want, "{name}: JSON differs from expected.json");
}

/// Runs a scenario, checks its goldens, and returns the result for specific assertions.
fn scenario(name: &str, rules: &[&str]) -> FinanceReconciliation {
    let result = run(&load(name));
    let found: Vec<&str> = result.rules().into_iter().collect();
    assert_eq!(
        found,
        rules,
        "{name}: discrepancy rules\n{}",
        result.to_text()
    );
    golden(name, &result);
    result
}

fn rule_of(result: &FinanceReconciliation, itam: &str) -> Option<MatchRule> {
    result
        .matches
        .iter()
        .find(|m| m.itam.to_string() == itam)
        .map(|m| m.rule)
}

#[test]
fn matching_every_rule_pairs_what_it_should() {
    let r = scenario("matching", &[]);
    let expect = [
        ("item:HW-0001", MatchRule::AssetTag),
        ("item:HW-0002", MatchRule::Serial),
        ("item:HW-0003", MatchRule::Document),
        ("item:HW-0004", MatchRule::SerialNormalised),
        ("item:HW-0005", MatchRule::AssetTagNormalised),
        ("item:HW-0006", MatchRule::Description),
        ("entitlement:E-DOC", MatchRule::Document),
        ("entitlement:E-NORM", MatchRule::DocumentNormalised),
        ("entitlement:E-LIC", MatchRule::Document),
        ("entitlement:E-DESC", MatchRule::Description),
        ("entitlement:E-SKU", MatchRule::Description),
    ];
    for (itam, rule) in expect {
        assert_eq!(rule_of(&r, itam), Some(rule), "{itam}");
    }
    // E-DOC is matched to its invoice and, separately, to its order.
    let doc: Vec<String> = r
        .matches
        .iter()
        .filter(|m| m.itam.to_string() == "entitlement:E-DOC")
        .map(|m| m.ledger.to_string())
        .collect();
    assert_eq!(doc, ["order:PO-9001/1", "invoice:INV-9001/1"]);
    // Confidence follows the rule: key rules above description matches.
    for m in &r.matches {
        if m.rule == MatchRule::Description {
            assert!(
                m.confidence.get() <= 800 && m.confidence.get() >= 480,
                "{m:?}"
            );
        } else {
            assert_eq!(m.confidence, m.rule.base_confidence());
        }
    }
    assert_eq!(r.summary.hardware.percent().unwrap().to_string(), "100.00");
    assert_eq!(r.summary.software_invoices.matched, 5);
    assert_eq!(r.summary.without_proof, 0);
}

#[test]
fn unrecorded_hardware() {
    let r = scenario("unrecorded", &["FIN-UNRECORDED-1"]);
    assert_eq!(r.discrepancies.len(), 1);
    assert_eq!(r.discrepancies[0].finding.location.path, "/cms/items/HW-1");
    // Four physical items not matched (HW-1..HW-4) of five; the VM is not counted.
    assert_eq!(r.summary.hardware.total, 5);
    assert_eq!(r.summary.hardware.matched, 1);
    assert_eq!(r.summary.hardware.percent().unwrap().to_string(), "20.00");
}

#[test]
fn ghost_asset() {
    let r = scenario("ghost", &["FIN-GHOST-1"]);
    assert_eq!(r.discrepancies.len(), 1);
    assert_eq!(
        r.discrepancies[0].records[0].to_string(),
        "register:FA-9",
        "only the line on the books"
    );
    assert_eq!(
        r.summary.unmatched_ledger_value["EUR"].to_string(),
        "20000.00"
    );
    assert_eq!(
        r.summary.by_cost_centre["CC-300"].unmatched_ledger_value["EUR"].to_string(),
        "20000.00"
    );
    assert_eq!(r.summary.by_supplier["contoso"].ledger.total, 1);
}

#[test]
fn disposed_in_finance_but_active() {
    let r = scenario("disposed", &["FIN-DISPOSED-1"]);
    let d = &r.discrepancies[0];
    assert_eq!(d.records.len(), 2);
    assert_eq!(d.finding.severity, itam_core::Severity::Error);
    assert!(
        d.finding.message.contains("2025-11-30"),
        "{}",
        d.finding.message
    );
}

#[test]
fn retired_but_on_the_books() {
    let r = scenario("retired", &["FIN-RETIRED-1"]);
    assert!(r.discrepancies[0].finding.message.contains("1000.00 EUR"));
}

#[test]
fn quantity_differs() {
    let r = scenario("quantity", &["FIN-QUANTITY-1"]);
    assert_eq!(r.discrepancies.len(), 1);
    assert_eq!(r.discrepancies[0].records[0].to_string(), "entitlement:E-1");
}

#[test]
fn software_invoice_without_entitlement() {
    let r = scenario("noent", &["FIN-NOENT-1"]);
    assert_eq!(r.discrepancies.len(), 1);
    assert_eq!(
        r.discrepancies[0].finding.location.path,
        "/ledger/purchases/invoice/INV-2/1"
    );
    assert_eq!(r.summary.unmatched_ledger_value["EUR"].to_string(), "2700");
    assert_eq!(r.summary.software_invoices.total, 2);
}

#[test]
fn entitlement_without_proof_of_purchase() {
    let r = scenario("noproof", &["FIN-NOPROOF-1"]);
    let who: Vec<String> = r
        .discrepancies
        .iter()
        .map(|d| d.records[0].to_string())
        .collect();
    assert_eq!(who, ["entitlement:E-2", "entitlement:E-3"]);
    assert_eq!(r.summary.without_proof, 2);
    assert_eq!(r.summary.by_cost_centre["CC-100"].without_proof, 1);
    // E-2 matched nothing at all: its value (2 × 30) is unmatched on the ITAM side; E-3 has
    // an order line, so it is not.
    assert_eq!(r.summary.unmatched_itam_value["unknown"].to_string(), "60");
}

fn records_of(r: &FinanceReconciliation, rule: &str) -> Vec<String> {
    r.discrepancies
        .iter()
        .filter(|d| d.finding.rule == rule)
        .map(|d| d.records[0].to_string())
        .collect()
}

fn pairs(r: &FinanceReconciliation) -> Vec<(String, String)> {
    r.matches
        .iter()
        .map(|m| (m.itam.to_string(), m.ledger.to_string()))
        .collect()
}

#[test]
fn an_entitlement_bought_in_several_invoices_is_matched_to_each() {
    let r = scenario("multi", &[]);
    let p = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        pairs(&r),
        [
            p("entitlement:E-CRM", "invoice:CRM-A/1"),
            p("entitlement:E-CRM", "invoice:CRM-B/1"),
            p("entitlement:E-ORD", "order:PO-1/1"),
            p("entitlement:E-ORD", "order:PO-2/1"),
            p("entitlement:E-ORD", "invoice:INV-E/1"),
            p("entitlement:E-PART", "order:PO-9/1"),
            p("entitlement:E-PART", "invoice:INV-F/1"),
            p("entitlement:E-PART", "invoice:INV-G/1"),
            p("entitlement:E-SPLIT", "invoice:INV-C/1"),
            p("entitlement:E-SPLIT", "invoice:INV-D/1"),
        ]
    );
    // A ledger line is matched at most once; every software invoice is matched.
    let mut ledger: Vec<String> = r.matches.iter().map(|m| m.ledger.to_string()).collect();
    ledger.sort();
    ledger.dedup();
    assert_eq!(ledger.len(), r.matches.len());
    assert_eq!(r.summary.software_invoices.matched, 7);
    assert_eq!(r.summary.entitlements.matched, 4);
    assert_eq!(r.summary.entitlements.total, 4);
    // E-PART's ordered 10 meets its order line, not one of its two partial invoices.
    assert!(r.discrepancies.is_empty(), "{:?}", r.discrepancies);
    // One match row per matched line of a record in the CSV form too (header + ten rows).
    assert_eq!(r.matches_csv().lines().count(), 11);
}

#[test]
fn parts_that_do_not_add_up_are_reported() {
    let r = scenario("multi-short", &["FIN-COST-1", "FIN-QUANTITY-1"]);
    let quantity: Vec<(Vec<String>, &str)> = r
        .discrepancies
        .iter()
        .filter(|d| d.finding.rule == "FIN-QUANTITY-1")
        .map(|d| {
            (
                d.records.iter().map(ToString::to_string).collect(),
                d.finding.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        quantity,
        [
            (
                vec![
                    "entitlement:E-CRM".to_owned(),
                    "invoice:CRM-A/1".to_owned(),
                    "invoice:CRM-B/1".to_owned()
                ],
                "entitlement `E-CRM` is for 6, but its invoice lines \
                 (invoice:CRM-A/1, invoice:CRM-B/1) are for 4 + 1 = 5"
            ),
            (
                vec![
                    "entitlement:E-SPLIT".to_owned(),
                    "invoice:INV-C/1".to_owned(),
                    "invoice:INV-D/1".to_owned()
                ],
                "entitlement `E-SPLIT` is for 10, but its invoice lines \
                 (invoice:INV-C/1, invoice:INV-D/1) are for 5 + 6 = 11"
            ),
            (
                vec![
                    "entitlement:E-SPLIT".to_owned(),
                    "invoice:INV-D/1".to_owned()
                ],
                "the purchase of entitlement `E-SPLIT` on INV-D is for 5, \
                 but invoice:INV-D/1 is for 6"
            ),
        ]
    );
    // The price is compared per record: INV-C agrees with its record, INV-D does not.
    let cost = records_of_all(&r, "FIN-COST-1");
    assert_eq!(
        cost,
        [vec![
            "entitlement:E-SPLIT".to_owned(),
            "invoice:INV-D/1".to_owned()
        ]]
    );
    // Every line is still matched: nothing reported as an invoice without entitlement.
    assert_eq!(r.summary.software_invoices.matched, 4);
}

fn records_of_all(r: &FinanceReconciliation, rule: &str) -> Vec<Vec<String>> {
    r.discrepancies
        .iter()
        .filter(|d| d.finding.rule == rule)
        .map(|d| d.records.iter().map(ToString::to_string).collect())
        .collect()
}

#[test]
fn one_invoice_line_proves_every_right_that_shares_it() {
    let r = scenario("shared", &["FIN-NOPROOF-1", "FIN-QUANTITY-1"]);
    let shared: Vec<String> = r
        .proven_by_shared
        .iter()
        .map(|p| format!("{} = {} via {}", p.entitlement, p.invoice, p.via))
        .collect();
    assert_eq!(
        shared,
        [
            "entitlement:CAD#use-device = invoice:INV-70/1 via entitlement:CAD#install-device",
            "entitlement:OFF#use-device = invoice:INV-50/1 via entitlement:OFF#install-device",
        ]
    );
    // The line stays matched once, to the entitlement it proves directly.
    let ledger: Vec<String> = r.matches.iter().map(|m| m.ledger.to_string()).collect();
    assert_eq!(
        ledger,
        ["invoice:INV-70/1", "invoice:INV-50/1", "invoice:INV-60/1"]
    );
    for p in &r.proven_by_shared {
        assert!(r.matches.iter().all(|m| m.itam != p.entitlement), "{p:?}");
    }
    // INV-60 is SUI#use-device's own line: it carries no number of SUI#access-namedUser.
    assert_eq!(
        records_of(&r, "FIN-NOPROOF-1"),
        ["entitlement:SUI#access-namedUser"]
    );
    // Quantities: OFF's bundle line (1) is not compared with each right (10); CAD's order
    // quantity (5) is, on the entitlement matched to the line only.
    assert_eq!(
        records_of(&r, "FIN-QUANTITY-1"),
        ["entitlement:CAD#install-device"]
    );
    assert_eq!(r.summary.entitlements.matched, 5);
    assert_eq!(r.summary.entitlements.total, 6);
    assert_eq!(r.summary.without_proof, 1);
    assert_eq!(r.summary.by_cost_centre["CC-IT"].without_proof, 1);
    assert_eq!(r.summary.by_supplier["shop and co"].itam.matched, 5);
    // Only SUI#access-namedUser (20 × 50) is unmatched on the ITAM side.
    assert_eq!(r.summary.unmatched_itam_value["EUR"].to_string(), "1000");
    let rows = itam_core::finance::csv::read(&r.shared_proofs_csv(), &Default::default()).unwrap();
    assert_eq!(rows.len(), 3);
    let first: Vec<&str> = rows[1].iter().map(|f| f.text.as_str()).collect();
    assert_eq!(
        first,
        [
            "entitlement:CAD#use-device",
            "invoice:INV-70/1",
            "entitlement:CAD#install-device"
        ]
    );
}

#[test]
fn without_shared_by_the_other_rights_lack_proof() {
    let mut s = load("shared");
    for p in &mut s.purchases {
        p.shared_by.clear();
    }
    let r = run(&s);
    assert!(r.proven_by_shared.is_empty());
    assert_eq!(
        records_of(&r, "FIN-NOPROOF-1"),
        [
            "entitlement:CAD#use-device",
            "entitlement:OFF#use-device",
            "entitlement:SUI#access-namedUser"
        ]
    );
    // Not shared, OFF#install-device's quantity (10) is compared with the bundle line (1).
    assert_eq!(
        records_of(&r, "FIN-QUANTITY-1"),
        [
            "entitlement:CAD#install-device",
            "entitlement:OFF#install-device"
        ]
    );
    assert_eq!(r.summary.without_proof, 3);
}

#[test]
fn cost_beyond_tolerance() {
    let r = scenario("cost", &["FIN-COST-1"]);
    assert_eq!(r.discrepancies.len(), 1);
    assert_eq!(r.discrepancies[0].records[0].to_string(), "entitlement:E-1");
}

#[test]
fn currency_mismatch() {
    let r = scenario("currency", &["FIN-CURRENCY-1"]);
    // E-1 by its purchase's currency; E-3 by its own unit-cost currency (no purchase
    // currency); E-2 and E-4 name EUR in lower case, like their invoices.
    let flagged: Vec<String> = r
        .discrepancies
        .iter()
        .map(|d| d.records[0].to_string())
        .collect();
    assert_eq!(flagged, ["entitlement:E-1", "entitlement:E-3"]);
}

#[test]
fn csv_forms_list_every_match_and_discrepancy() {
    let r = run(&load("noproof"));
    let rows = itam_core::finance::csv::read(&r.discrepancies_csv(), &Default::default()).unwrap();
    assert_eq!(rows.len(), 1 + r.discrepancies.len());
    let second: Vec<&str> = rows[2].iter().map(|f| f.text.as_str()).collect();
    assert_eq!(
        second[..4],
        [
            "FIN-NOPROOF-1",
            "warning",
            "/entitlements/E-3",
            "entitlement:E-3 order:PO-3/1"
        ]
    );
    let rows = itam_core::finance::csv::read(&r.matches_csv(), &Default::default()).unwrap();
    assert_eq!(rows.len(), 1 + r.matches.len());
    assert_eq!(rows[1][2].text, "document");
}

#[test]
fn every_catalogue_rule_has_a_scenario() {
    let covered = [
        "FIN-COST-1",
        "FIN-CURRENCY-1",
        "FIN-DISPOSED-1",
        "FIN-GHOST-1",
        "FIN-NOENT-1",
        "FIN-NOPROOF-1",
        "FIN-QUANTITY-1",
        "FIN-RETIRED-1",
        "FIN-UNRECORDED-1",
    ];
    let ids: Vec<&str> = CATALOGUE.iter().map(|r| r.id).collect();
    assert_eq!(ids, covered);
    assert!(CATALOGUE.iter().all(|r| !r.summary.is_empty()));
}

/// The description rule's limits: the supplier block, the date window (inclusive) and the
/// similarity threshold (inclusive), each shown by a pair just inside and one just outside.
#[test]
fn description_rule_respects_supplier_window_and_threshold() {
    let cms: Cms = serde_json::from_value(serde_json::json!({
        "items": [
            {"id": "C-1", "name": "PO", "stage": "operation", "responsibility": "organisation",
             "kind": {"class": "contract", "form": "agreement", "counterparty": "Contoso Ltd"}},
            {"id": "HW-1", "name": "alpha beta gamma", "stage": "operation",
             "responsibility": "organisation", "dates": {"acquired": "2025-01-01"},
             "kind": {"class": "hardware", "form": "physical"}}
        ],
        "relationships": [{"source": "HW-1", "kind": "part_of", "target": "C-1"}]
    }))
    .unwrap();
    let matched = |line: &str| {
        let ledger = Ledger::from_csv(&format!(
            "record,number,date,supplier,description,cost,currency\n{line}\n"
        ))
        .unwrap();
        let input = FinanceInput {
            cms: &cms,
            entitlements: &[],
            purchases: &[],
            ledger: &ledger,
        };
        let r = reconcile_finance(&input, &FinancePolicy::default());
        r.matches.first().map(|m| (m.rule, m.confidence.get()))
    };
    // 31 days after, same supplier (legal form and case differ), same words: matched.
    assert_eq!(
        matched("register,FA-1,2025-02-01,CONTOSO,gamma beta alpha,1,EUR"),
        Some((MatchRule::Description, 800))
    );
    // 32 days after: outside the window.
    assert_eq!(
        matched("register,FA-1,2025-02-02,Contoso,alpha beta gamma,1,EUR"),
        None
    );
    // Another supplier.
    assert_eq!(
        matched("register,FA-1,2025-01-01,Fabrikam,alpha beta gamma,1,EUR"),
        None
    );
    // No date on the line.
    assert_eq!(
        matched("register,FA-1,,Contoso,alpha beta gamma,1,EUR"),
        None
    );
    // 3 of 5 words shared: similarity 600, the threshold, matched at confidence 480.
    assert_eq!(
        matched("register,FA-1,2024-12-01,Contoso,alpha beta gamma delta epsilon,1,EUR"),
        Some((MatchRule::Description, 480))
    );
    // 3 of 6: similarity 500, below the threshold.
    assert_eq!(
        matched("register,FA-1,2025-01-01,Contoso,alpha beta gamma delta epsilon zeta,1,EUR"),
        None
    );
}

#[test]
fn control_characters_in_names_never_add_a_line_to_the_text() {
    let plain = run(&load("shared")).to_text();
    let mut s = load("shared");
    for p in &mut s.ledger.purchases {
        p.cost_centre = Some("CC\nIT\u{1b}[2J".to_owned());
    }
    let text = run(&s).to_text();
    // One line more: the ledger's cost centre is no longer the entitlements' (CC-IT).
    assert_eq!(text.lines().count(), plain.lines().count() + 1, "{text}");
    assert!(
        text.contains("\n  cost centre CC\\nIT\\u{1b}[2J: itam 0/0 (n/a) ledger 3/3 "),
        "{text}"
    );
    assert!(
        text.chars().all(|c| c == '\n' || !c.is_control()),
        "{text:?}"
    );
}
