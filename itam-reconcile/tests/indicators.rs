//! The position's and the finance summary's figures for the ITAM indicators
//! (`itam_core::measure`, issue 13 point 5), on a small estate worked out by hand.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use itam_reconcile::finance::{Coverage, Summary};
use itam_reconcile::itam_core::Decimal;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::itam_core::measure::{self, Sources, Value};
use itam_reconcile::{Mode, Policy, reconcile};

/// App on d1 and d2, covered by `app` (5 devices at 100 EUR: 2 used, 3 left); `old` (App, 10
/// devices at 1 EUR) ended in 2025 and covers nothing and is worth nothing now. Tool on d1, d2,
/// d3 with `tool` (2 devices at 40 USD): one device short.
fn estate() -> Estate {
    serde_json::from_str(
        r#"{
          "devices": [{"id": "d1"}, {"id": "d2"}, {"id": "d3"}],
          "software": [
            {"tag_id": "app", "publisher": "Acme", "product": "App", "version": "1"},
            {"tag_id": "tool", "publisher": "Acme", "product": "Tool", "version": "1"}
          ],
          "installations": [
            {"software": "app", "device": "d1"}, {"software": "app", "device": "d2"},
            {"software": "tool", "device": "d1"}, {"software": "tool", "device": "d2"},
            {"software": "tool", "device": "d3"}
          ],
          "entitlements": [
            {"id": "app", "scope": {"product": "App"}, "metric": "device", "quantity": 5,
             "unit_cost": "100", "currency": "EUR"},
            {"id": "old", "scope": {"product": "App"}, "metric": "device", "quantity": 10,
             "unit_cost": "1", "currency": "eur", "end": "2025-06-30"},
            {"id": "tool", "scope": {"product": "Tool"}, "metric": "device", "quantity": 2,
             "unit_cost": "40", "currency": "USD"}
          ]
        }"#,
    )
    .unwrap()
}

#[test]
fn the_position_gives_consumers_licensed_shortfall_cost_and_unused_value() {
    let estate = estate();
    for mode in [Mode::Priority, Mode::Optimal] {
        let mut policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        policy.mode = mode;
        let position = reconcile(&estate, &policy).unwrap();
        let figures = position.figures(&estate);
        // 5 consumers (App on d1, d2; Tool on d1, d2, d3); Tool on one device is short.
        assert_eq!((figures.consumers, figures.licensed), (5, 4), "{mode:?}");
        // One Tool device short at 40 USD; App is not short, so no EUR shortfall.
        assert_eq!(
            figures.shortfall_cost,
            BTreeMap::from([("USD".to_owned(), Decimal::from(40))]),
            "{mode:?}"
        );
        // `app`: 3 devices left × 100 EUR; `old` expired; `tool` has none left.
        assert_eq!(
            figures.unused_value,
            BTreeMap::from([("EUR".to_owned(), Decimal::from(300))]),
            "{mode:?}"
        );

        let as_of = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let m = measure::measure(&Sources::new(as_of).position(&figures));
        assert_eq!(
            m.get("IND-LICENSED").unwrap().value,
            Some(Value::Share {
                numerator: 4,
                denominator: 5
            })
        );
        assert_eq!(
            m.get("IND-UNUSED-VALUE")
                .unwrap()
                .value
                .as_ref()
                .unwrap()
                .to_string(),
            "300 EUR"
        );
    }
}

#[test]
fn the_finance_summary_gives_entitlements_with_a_proof_of_purchase() {
    let summary = Summary {
        entitlements: Coverage {
            total: 5,
            matched: 4,
        },
        ..Summary::default()
    };
    let figures = summary.figures();
    assert_eq!((figures.entitlements, figures.with_proof), (5, 4));
}
