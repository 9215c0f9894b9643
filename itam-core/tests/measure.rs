//! ITAM indicators (19770-1 9.1, issue 13 point 5): every indicator of the catalogue computed
//! from the trustworthy-data fixture (tests/support), each value worked out by hand beside it;
//! missing sources and empty shares give no value and say why.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use std::collections::BTreeMap;

use chrono::{Duration, TimeZone, Utc};
use itam_core::Decimal;
use itam_core::cms::{Cms, NcStep};
use itam_core::measure::{self, CATALOGUE, FinanceFigures, PositionFigures, Sources, Value};
use itam_core::trust;

mod support;
use support::{cms, discovered};

fn share(numerator: u64, denominator: u64) -> Option<Value> {
    Some(Value::Share {
        numerator,
        denominator,
    })
}

fn eur(amount: i64) -> BTreeMap<String, Decimal> {
    BTreeMap::from([("EUR".to_owned(), Decimal::from(amount))])
}

#[test]
fn every_indicator_is_computed_from_the_cms_discovery_position_and_finance() {
    let mut cms = cms();
    let estate = discovered();
    let report = trust::compare(&cms, &estate);
    // Two nonconformities from the findings: NC-1 opened on 1 March and still open, NC-2
    // opened on 5 March and closed.
    let day = |d: u32| Utc.with_ymd_and_hms(2026, 3, d, 12, 0, 0).unwrap();
    let release = report.by_rule("TRUST-RELEASE-1").next().unwrap().clone();
    let custody = report.by_rule("TRUST-CUSTODY-1").next().unwrap().clone();
    cms.open_nonconformity("NC-1", &release, "auditor", day(3))
        .unwrap();
    cms.open_nonconformity("NC-2", &custody, "auditor", day(5))
        .unwrap();
    for (step, by) in [
        (
            NcStep::Act {
                action: "owner set".into(),
            },
            "carol",
        ),
        (
            NcStep::Verify {
                effective: true,
                note: "owner is Finance".into(),
            },
            "bob",
        ),
        (NcStep::Close, "bob"),
    ] {
        cms.advance_nonconformity("NC-2", step, by, day(6)).unwrap();
    }
    let position = PositionFigures {
        consumers: 8,
        licensed: 6,
        shortfall_cost: eur(450),
        unused_value: eur(1200),
    };
    let finance = FinanceFigures {
        entitlements: 5,
        with_proof: 4,
    };
    let as_of = day(20);
    let sources = Sources::new(as_of)
        .cms(&cms)
        .trust(&report)
        .discovered(&estate)
        .position(&position)
        .finance(&finance);
    let m = measure::measure(&sources);
    let value = |id: &str| m.get(id).unwrap().value.clone();

    // 6 of 8 consumers fully covered or exempt.
    assert_eq!(value("IND-LICENSED"), share(6, 8));
    // 4 installed_on relationships, 1 without a release (SW-ED on HW-2): 3 of 4.
    assert_eq!(value("IND-AUTHORISED"), share(3, 4));
    // 7 CIs (SW-ED, SW-VW, HW-1..HW-5), HW-5 has no owner: 6 of 7.
    assert_eq!(value("IND-OWNED"), share(6, 7));
    // 4 of 5 entitlements with a proof of purchase.
    assert_eq!(value("IND-PROOF"), share(4, 5));
    // HW-1..HW-5 in operation; discovery reported HW-1, HW-2, HW-3 (and HW-6, not a CI): 3 of 5.
    assert_eq!(value("IND-DISCOVERY"), share(3, 5));
    // 4 discovered installations; drift on HW-2, Paint found on HW-3, Viewer moved to HW-6:
    // only HW-1's Editor agrees, 1 of 4.
    assert_eq!(value("IND-AGREEMENT"), share(1, 4));
    assert_eq!(
        value("IND-SHORTFALL-COST"),
        Some(Value::Money { amounts: eur(450) })
    );
    assert_eq!(
        value("IND-UNUSED-VALUE"),
        Some(Value::Money { amounts: eur(1200) })
    );
    // NC-1 open, NC-2 closed.
    assert_eq!(value("IND-NC-OPEN"), Some(Value::Count { count: 1 }));
    // NC-1 opened on 3 March at noon, measured on 20 March at noon: 17 days.
    assert_eq!(value("IND-NC-OLDEST"), Some(Value::Days { days: 17 }));
    assert_eq!(
        cms.nonconformity("NC-1").unwrap().open_for(as_of),
        Some(Duration::days(17))
    );

    // One line per indicator, in catalogue order.
    let text = m.to_text();
    let ids: Vec<&str> = text.lines().map(|l| l.split(' ').next().unwrap()).collect();
    let catalogue: Vec<&str> = CATALOGUE.iter().map(|i| i.id).collect();
    assert_eq!(ids, catalogue);
    assert!(text.contains("75.0% (6/8)"), "{text}");
    assert!(text.contains("17 days"), "{text}");
    // The JSON form names the indicator, its formula and its value with the unit.
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["indicators"][2]["id"], "IND-OWNED");
    assert_eq!(json["indicators"][2]["value"]["unit"], "share");
    assert_eq!(json["indicators"][2]["value"]["numerator"], 6);
}

#[test]
fn missing_sources_and_empty_shares_have_no_value_and_say_why() {
    let empty = Cms::new();
    let as_of = Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap();
    let m = measure::measure(&Sources::new(as_of).cms(&empty));
    let absent = |id: &str| {
        let got = m.get(id).unwrap();
        assert_eq!(got.value, None, "{id}");
        got.absent.clone().unwrap()
    };
    assert_eq!(absent("IND-LICENSED"), "needs position");
    assert_eq!(absent("IND-AGREEMENT"), "needs discovery and trust");
    assert_eq!(absent("IND-OWNED"), "no configuration items");
    assert_eq!(absent("IND-NC-OLDEST"), "no open nonconformity");
    assert_eq!(
        m.get("IND-NC-OPEN").unwrap().value,
        Some(Value::Count { count: 0 })
    );
    let nobody = PositionFigures::default();
    let m = measure::measure(&Sources::new(as_of).position(&nobody));
    assert_eq!(
        m.get("IND-LICENSED").unwrap().absent.as_deref(),
        Some("no consumers counted")
    );
    // No shortfall is an amount of 0, not an absence.
    assert_eq!(
        m.get("IND-SHORTFALL-COST").unwrap().value,
        Some(Value::Money {
            amounts: BTreeMap::new()
        })
    );
}

#[test]
fn the_catalogue_has_unique_ids_and_documents_each_in_the_module_table() {
    let docs = include_str!("../src/measure.rs");
    let mut seen = std::collections::BTreeSet::new();
    for indicator in CATALOGUE {
        assert!(seen.insert(indicator.id), "{} twice", indicator.id);
        assert!(
            docs.contains(&format!("//! | `{}` | {} |", indicator.id, indicator.name)),
            "{} is not in the module's table as `{}`",
            indicator.id,
            indicator.name
        );
        assert!(!indicator.needs.is_empty());
    }
}

#[test]
fn every_indicator_has_a_definition_sentence_and_a_formula() {
    for indicator in CATALOGUE {
        assert!(
            indicator.definition.ends_with('.') && indicator.definition.len() > 40,
            "{}: {:?}",
            indicator.id,
            indicator.definition
        );
        assert!(!indicator.formula.is_empty(), "{}", indicator.id);
    }
}
