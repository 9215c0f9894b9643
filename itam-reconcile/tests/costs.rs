//! Costs the engine refuses instead of pricing: a negative unit cost (with its path in
//! `estate.json`) and a cost that reaches the largest decimal (with its path in
//! `position.json`), in both modes.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Mode, Policy, ReconcileError, reconcile, reconcile_both};

/// Three devices with the product; entitlements `cheap` (1 device, `cheap_cost`) and `other`
/// (1 device, `other_cost`): a shortfall of 1.
fn estate(cheap_cost: &str, other_cost: &str) -> Estate {
    let text = format!(
        r#"{{
          "devices": [{{"id": "d1"}}, {{"id": "d2"}}, {{"id": "d3"}}],
          "software": [{{"tag_id": "s", "publisher": "Acme", "product": "App", "version": "1"}}],
          "installations": [
            {{"software": "s", "device": "d1"}}, {{"software": "s", "device": "d2"}},
            {{"software": "s", "device": "d3"}}
          ],
          "entitlements": [
            {{"id": "cheap", "scope": {{"product": "App"}}, "metric": "device", "quantity": 1, "unit_cost": "{cheap_cost}"}},
            {{"id": "other", "scope": {{"product": "App"}}, "metric": "device", "quantity": 1, "unit_cost": "{other_cost}"}}
          ]
        }}"#
    );
    serde_json::from_str(&text).unwrap()
}

fn policy(mode: Mode) -> Policy {
    let mut p = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    p.mode = mode;
    p
}

#[test]
fn a_negative_unit_cost_is_refused_with_its_path() {
    for mode in [Mode::Priority, Mode::Optimal] {
        let err = reconcile(&estate("10", "-5.50"), &policy(mode)).unwrap_err();
        assert_eq!(
            err,
            ReconcileError::NegativeCost {
                id: "other".into(),
                at: "/entitlements/1/unit_cost".into(),
                cost: "-5.50".parse().unwrap(),
            },
            "{mode:?}"
        );
        assert_eq!(
            err.to_string(),
            "/entitlements/1/unit_cost: unit cost -5.50 of entitlement \"other\" is negative"
        );
    }
    assert!(matches!(
        reconcile_both(&estate("-1", "1"), &policy(Mode::Priority)),
        Err(ReconcileError::NegativeCost { .. })
    ));
    // Zero, even written `-0`, is a price (free), not a negative one.
    let position = reconcile(&estate("-0", "0"), &policy(Mode::Priority)).unwrap();
    assert_eq!(position.totals.shortfall, 1);
    assert!(position.totals.shortfall_cost.is_zero());
}

#[test]
fn a_cost_at_the_decimal_maximum_is_refused_not_shown_saturated() {
    let max = "79228162514264337593543950335";
    // One unit at the maximum: its entitlement cost is the maximum itself.
    let err = reconcile(&estate(max, "1"), &policy(Mode::Priority)).unwrap_err();
    assert!(
        matches!(err, ReconcileError::CostOverflow { .. }),
        "{err:?}"
    );
    // Half the maximum is a price, but the shortfall of 1 at the cheaper of the two plus the
    // estate's total cost no longer fit: the sum saturated and is refused, with its path.
    let half = "39614081257132168796771975168";
    let err = reconcile(&estate(half, half), &policy(Mode::Priority)).unwrap_err();
    assert_eq!(
        err,
        ReconcileError::CostOverflow {
            at: "/totals/cost".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "/totals/cost: the cost reaches the largest decimal, so it cannot be stated exactly"
    );
    // Large but representable costs are priced exactly.
    let big = "1000000000000000000000000";
    let position = reconcile(&estate(big, big), &policy(Mode::Priority)).unwrap();
    assert_eq!(
        position.totals.cost,
        "2000000000000000000000000".parse().unwrap()
    );
    assert_eq!(
        position.totals.shortfall_cost,
        "1000000000000000000000000".parse().unwrap()
    );
}
