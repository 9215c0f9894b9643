//! The variants of a product (its software identities) are ordered by version scheme, then
//! version, then tag id: a total order, so the position does not depend on the order the
//! estate lists its software in, even when the variants use different version schemes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may fail loudly

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Policy, reconcile};

fn estate(software: &[serde_json::Value]) -> Estate {
    serde_json::from_value(serde_json::json!({
        "devices": [{"id": "pc-1"}, {"id": "pc-2"}],
        "software": software,
        "installations": [
            {"software": "a", "device": "pc-1"},
            {"software": "b", "device": "pc-2"}
        ],
        "entitlements": [{"id": "E-1", "scope": {"product": "Tool"}, "metric": "device",
                          "quantity": 1}]
    }))
    .unwrap()
}

#[test]
fn mixed_version_schemes_give_one_order_whatever_the_input_order() {
    // "1.10" < "1.9" as text (alphanumeric), "1.9" < "1.10" as numbers: compared by either
    // side's scheme alone, each sorts before the other.
    let a = serde_json::json!({"tag_id": "a", "publisher": "ACME", "product": "Tool",
                               "version": "1.10", "version_scheme": "alphanumeric"});
    let b = serde_json::json!({"tag_id": "b", "publisher": "Acme", "product": "Tool",
                               "version": "1.9", "version_scheme": "multipartnumeric"});
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let ab = reconcile(&estate(&[a.clone(), b.clone()]), &policy).unwrap();
    let ba = reconcile(&estate(&[b, a]), &policy).unwrap();
    assert_eq!(ab.to_text(), ba.to_text());
    // The publisher is spelled as the first variant spells it: the multipartnumeric one
    // (the scheme's order puts it first).
    assert_eq!(ab.products.len(), 1);
    assert_eq!(ab.products[0].publisher, "Acme");
}

#[test]
fn one_scheme_orders_by_version() {
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let a = serde_json::json!({"tag_id": "a", "publisher": "ACME", "product": "Tool",
                               "version": "1.10"});
    let b = serde_json::json!({"tag_id": "b", "publisher": "Acme", "product": "Tool",
                               "version": "1.9"});
    for list in [[a.clone(), b.clone()], [b, a]] {
        let p = reconcile(&estate(&list), &policy).unwrap();
        // 1.9 < 1.10 (multipartnumeric, the default): b's spelling.
        assert_eq!(p.products[0].publisher, "Acme");
    }
}
