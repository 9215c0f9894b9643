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
    // The helpers agree with the lines.
    let estate: Estate =
        serde_json::from_str(&std::fs::read_to_string(root.join("reasons/estate.json")).unwrap())
            .unwrap();
    let p = itam_reconcile::reconcile(
        &estate,
        &Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
    )
    .unwrap();
    let unused: Vec<&str> = p.unused_entitlements().map(|e| e.id.as_str()).collect();
    assert_eq!(unused, ["E-users"]);
    let expiring: Vec<&str> = p.expiring_entitlements().map(|e| e.id.as_str()).collect();
    assert_eq!(expiring, ["E-emea"]);
    assert_eq!(p.unlicensed_consumers().count(), 0);
    let table = p.to_table();
    assert!(table.contains("Acme/Editor "), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("E-emea") && l.contains("expiring")),
        "{table}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn absurd_numbers_saturate_instead_of_panicking() {
    let estate: Estate = serde_json::from_value(serde_json::json!({
        "devices": [
            {"id": "h", "sockets": 4294967295u32, "cores": 4294967295u32, "core_factor": "79228162514264337593543950335"},
            {"id": "n", "cores": 8, "core_factor": "-3"}
        ],
        "software": [{"tag_id": "s", "publisher": "P", "product": "X", "version": "1"}],
        "installations": [{"software": "s", "device": "h"}, {"software": "s", "device": "n"}],
        "usage_peaks": [{"software": "s", "peak": 18446744073709551615u64}, {"software": "s", "peak": 18446744073709551615u64, "org": "o"}],
        "entitlements": [
            {"id": "E", "scope": {"product": "X"}, "metric": "oracle_processor", "quantity": 18446744073709551615u64,
             "unit_cost": "79228162514264337593543950335", "true_up": true}
        ]
    }))
    .unwrap();
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    // The optimiser's exact integer costs cannot hold such a price: a typed error, no panic.
    assert!(matches!(
        reconcile_both(&estate, &policy),
        Err(itam_reconcile::ReconcileError::CostOutOfRange { .. })
    ));
    // Priced at the largest decimal, the entitlement's cost cannot be stated exactly: refused
    // with the path of the cost in position.json, never shown saturated (issue 12).
    assert_eq!(
        itam_reconcile::reconcile(&estate, &policy),
        Err(itam_reconcile::ReconcileError::CostOverflow {
            at: "/totals/cost".into()
        })
    );
    // Units saturate at u64::MAX instead of panicking; a unit cost of 1 keeps them priced.
    let mut estate = estate;
    estate.entitlements[0].unit_cost = Some(1.into());
    let priority = itam_reconcile::reconcile(&estate, &policy).unwrap();
    let units: Vec<u64> = priority.consumers().map(|c| c.units).collect();
    assert_eq!(units, [u64::MAX, 0]);
    assert!(priority.to_text().contains("cost=18446744073709551615"));
    let mut concurrent = estate;
    concurrent.entitlements[0].metric = "concurrent_user".parse().unwrap();
    let p = itam_reconcile::reconcile(&concurrent, &policy).unwrap();
    assert_eq!(p.totals.demand, u64::MAX);
    // A quantity beyond u64 (exact in the estate) saturates the whole units, keeps the exact
    // figure in the position, and sums of such quantities saturate too.
    let mut huge = concurrent.clone();
    huge.entitlements[0].quantity = "79228162514264337593543950.335".parse().unwrap();
    let mut twin = huge.entitlements[0].clone();
    twin.id = "F".into();
    twin.currency = Some("EUR".into());
    huge.entitlements.push(twin);
    let p = itam_reconcile::reconcile(&huge, &policy).unwrap();
    let e = &p.entitlements[0];
    assert_eq!(e.entitled, u64::MAX);
    assert_eq!(e.quantity, huge.entitlements[0].quantity);
    assert!(
        p.to_text()
            .contains("quantity=79228162514264337593543950.335")
    );
    assert_eq!(
        p.totals.by_currency.len(),
        2,
        "a priced entitlement without a currency and one in EUR"
    );
}

#[test]
fn prepared_estates_allocate_like_a_full_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scenarios");
    let estate: Estate = serde_json::from_str(
        &std::fs::read_to_string(root.join("true_up_and_pins/estate.json")).unwrap(),
    )
    .unwrap();
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let prepared = itam_reconcile::prepare(&estate, &policy).unwrap();
    assert_eq!(prepared.consumers(), 4);
    assert!(prepared.groups() >= 2, "dan is pinned, the others are not");
    let both = prepared.both().unwrap();
    assert_eq!(both, reconcile_both(&estate, &policy).unwrap());
    assert_eq!(
        prepared.allocate(itam_reconcile::Mode::Optimal).unwrap(),
        both.optimal
    );
}

#[test]
fn unlimited_first_puts_site_agreements_on_top() {
    let estate: Estate = serde_json::from_value(serde_json::json!({
        "devices": [{"id": "a"}, {"id": "b"}],
        "software": [{"tag_id": "s", "publisher": "P", "product": "X", "version": "1"}],
        "installations": [{"software": "s", "device": "a"}, {"software": "s", "device": "b"}],
        "entitlements": [
            {"id": "NARROW", "scope": {"product": "X", "versions": "[1,2)"}, "metric": "device", "quantity": 5},
            {"id": "SITE", "scope": {"publisher": "P"}, "metric": "device", "unlimited": true}
        ]
    }))
    .unwrap();
    let mut policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let by_scope = itam_reconcile::reconcile(&estate, &policy).unwrap();
    assert_eq!(by_scope.entitlements[0].id, "NARROW");
    assert_eq!(by_scope.entitlements[0].consumed, 2);
    policy.unlimited_first = true;
    let flexera = itam_reconcile::reconcile(&estate, &policy).unwrap();
    assert_eq!(flexera.entitlements[0].consumed, 0);
    assert_eq!(flexera.entitlements[1].consumed, 2);
    assert_eq!(
        flexera
            .unused_entitlements()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        ["NARROW"]
    );
}

/// Version sets, fractional quantities and currencies survive partitioning: the merged
/// position (per-currency totals included) equals the single run.
#[test]
fn currencies_and_fractions_merge_across_partitions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scenarios");
    let mut estate: Estate = serde_json::from_str(
        &std::fs::read_to_string(root.join("sets_fractions_currencies/estate.json")).unwrap(),
    )
    .unwrap();
    let extra: Estate = serde_json::from_value(serde_json::json!({
        "software": [{"tag_id": "tool", "publisher": "Other", "product": "Tool", "version": "1"}],
        "installations": [{"software": "tool", "device": "d1"}, {"software": "tool", "device": "d2"}],
        "entitlements": [{"id": "E-gbp", "scope": {"product": "Tool"}, "metric": "device",
                          "quantity": "1.75", "unit_cost": "10", "currency": "GBP"}]
    }))
    .unwrap();
    estate.software.extend(extra.software);
    estate.installations.extend(extra.installations);
    estate.entitlements.extend(extra.entitlements);
    for mode in [
        itam_reconcile::Mode::Priority,
        itam_reconcile::Mode::Optimal,
    ] {
        let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).with_mode(mode);
        let whole = itam_reconcile::reconcile(&estate, &policy).unwrap();
        let currencies: Vec<String> = whole
            .totals
            .by_currency
            .iter()
            .map(|c| c.currency.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(currencies, ["EUR", "GBP", "USD"]);
        let gbp = whole.entitlements.iter().find(|e| e.id == "E-gbp").unwrap();
        // 1.75 bought: one whole unit covers one device, 0.75 is shown as unusable.
        assert_eq!((gbp.entitled, gbp.consumed), (1, 1));
        assert!(
            whole
                .to_text()
                .contains("entitled=1 quantity=1.75 unusable=0.75")
        );
        let pieces = itam_reconcile::partition(&estate, 2).unwrap();
        assert_eq!(pieces.len(), 2);
        let parts: Vec<_> = pieces
            .iter()
            .map(|p| itam_reconcile::reconcile(p, &policy).unwrap())
            .collect();
        let merged = itam_reconcile::Position::merge(parts).unwrap();
        assert_eq!(merged.totals, whole.totals, "{mode:?}");
        assert_eq!(merged.to_text(), whole.to_text(), "{mode:?}");
    }
}
