//! From an Ent to the position, through the projection: a right with two `ValidVersion`
//! elements (different tag ids and ranges), a fractional quantity and a unit price in one
//! currency, beside a second Ent priced in another. The engine covers each identity in its
//! own range only, keeps the exact quantity (the fraction shown as unusable) and gives the
//! costs per currency.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use chrono::NaiveDate;
use itam_core::estate::{Device, Estate, Installation, Software};
use itam_core::{Decimal, TagId, VersionScheme};
use itam_ent::model::{EntMeta, InvoiceData, ValidVersion};
use itam_ent::ops::{self, Issue};
use itam_ent::project::project;
use itam_ent::values::{MetricType, RightName};
use itam_ent::{Ent, Entity, Right, resolve};
use itam_reconcile::{Policy, reconcile};

fn ent(id: &str, quantity: Decimal, versions: &[(&str, &str)], price: &str, currency: &str) -> Ent {
    let buyer = Entity::new("Acme", "acme.example", vec![]);
    let mut right = Right::new(RightName::Use).with_quantity(MetricType::Device, quantity);
    right.valid_versions = versions
        .iter()
        .map(|(tag, range)| ValidVersion {
            range: range.parse().unwrap(),
            tag_id: Some(TagId::new(*tag)),
            ..ValidVersion::default()
        })
        .collect();
    let mut e = ops::issue(Issue::new(id, "Acme DB", buyer.clone(), buyer).right(right));
    e.ent_meta.push(EntMeta {
        product: Some("DB".into()),
        ..EntMeta::default()
    });
    e.invoice_data.push(InvoiceData {
        unit_price: Some(price.parse().unwrap()),
        currency: Some(currency.into()),
        ..InvoiceData::default()
    });
    e
}

#[test]
fn an_ent_with_two_valid_versions_a_fraction_and_a_currency_reconciles_exactly() {
    let ents = [
        ent(
            "E-eur",
            Decimal::new(25, 1),
            &[("db-1", "[1,2]"), ("db-4", "[4,5)")],
            "100",
            "EUR",
        ),
        ent("E-chf", Decimal::ONE, &[("db-7", "[7,8)")], "80", "CHF"),
    ];
    let mut estate = Estate::default();
    for e in &ents {
        let p = project(
            &resolve(&e.ent_id, std::slice::from_ref(e))
                .effective
                .unwrap(),
        );
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        estate.entitlements.extend(p.entitlements);
    }
    // db-1 at 1.5 on two devices and db-4 at 4.2 on one: all in their own ranges, but 2.5
    // units hold two whole ones. db-9 at 1.5: inside db-1's range, yet another identity.
    // db-7 at 7.1: the CHF licence.
    let software = [
        ("db-1", "1.5"),
        ("db-4", "4.2"),
        ("db-9", "1.5"),
        ("db-7", "7.1"),
    ];
    for (tag, version) in software {
        estate.software.push(Software {
            tag_id: TagId::new(tag),
            publisher: "Acme".into(),
            product: "DB".into(),
            edition: None,
            version: version.into(),
            version_scheme: VersionScheme::default(),
        });
    }
    for (i, tag) in ["db-1", "db-1", "db-4", "db-9", "db-7"].iter().enumerate() {
        estate.devices.push(Device::physical(format!("d{i}")));
        estate.installations.push(Installation {
            software: TagId::new(*tag),
            device: format!("d{i}").into(),
            user: None,
            last_used: None,
        });
    }
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let position = reconcile(&estate, &policy).unwrap();
    let text = position.to_text();
    let has = |line: &str| assert!(text.contains(line), "{line:?} not in\n{text}");
    has(
        "entitlement E-eur metric=device status=active entitled=2 quantity=2.5 unusable=0.5 consumed=2 surplus=0 true_up=0 cost=200 currency=EUR\n",
    );
    has(
        "entitlement E-chf metric=device status=active entitled=1 consumed=1 surplus=0 true_up=0 cost=80 currency=CHF\n",
    );
    has("cost=CHF:80,EUR:200 shortfall_cost=CHF:160,EUR:200\n");
    let decisions: Vec<(String, String, String)> = position
        .decisions()
        .map(|d| {
            (
                d.consumer.to_owned(),
                d.entitlement.to_owned(),
                d.reason.as_str().to_owned(),
            )
        })
        .collect();
    let reason = |c: &str, e: &str| {
        decisions
            .iter()
            .find(|d| d.0 == c && d.1 == e)
            .map(|d| d.2.clone())
            .unwrap()
    };
    assert_eq!(reason("device:d0", "E-eur"), "priority_order");
    assert_eq!(reason("device:d1", "E-eur"), "priority_order");
    // Consumers take units in name order: db-4 on d2 is in its range, but finds none left.
    assert_eq!(reason("device:d2", "E-eur"), "capacity_exhausted");
    assert_eq!(reason("device:d3", "E-eur"), "other_software_identity");
    assert_eq!(reason("device:d4", "E-chf"), "priority_order");
    // The JSON form carries the exact quantity and the currencies.
    let json = serde_json::to_value(&position).unwrap();
    let eur = json["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "E-eur")
        .unwrap();
    assert_eq!(eur["quantity"], "2.5");
    assert_eq!(eur["entitled"], 2);
    assert_eq!(eur["currency"], "EUR");
    assert_eq!(json["totals"]["by_currency"].as_array().unwrap().len(), 2);
}
