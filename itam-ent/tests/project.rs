//! Projection of effective entitlements into the engine's `Entitlement` facts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use chrono::NaiveDate;
use itam_core::estate::{DowngradeDepth, Metric, Pin, Rights, Software, VersionPlace};
use itam_core::finance::Currency;
use itam_core::{Decimal, EntId, TagId, VersionScheme};
use itam_ent::model::{EntMeta, InvoiceData, ValidVersion};
use itam_ent::ops::{self, Issue, Supplement};
use itam_ent::project::project;
use itam_ent::values::{MetricType, RightName};
use itam_ent::{Ent, Entity, Meta, ReadOptions, Right, read_str, resolve};
use proptest::prelude::*;

fn sample(name: &str) -> Ent {
    let path = format!("{}/tests/data/{name}.ent.xml", env!("CARGO_MANIFEST_DIR"));
    read_str(
        &std::fs::read_to_string(&path).unwrap(),
        &ReadOptions::STRICT,
    )
    .unwrap()
    .value
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn allocation_chain_projects_one_fact_per_holder_and_conserves_units() {
    let ents = vec![
        sample("perpetual-device"),
        sample("allocation-finance"),
        sample("allocation-finance-laptops"),
    ];
    let eff = resolve(&EntId::new("3b6f0e2a-5c1d-4e8f-9a0b-1c2d3e4f5a6b"), &ents)
        .effective
        .unwrap();
    let p = project(&eff);
    let ids: Vec<&str> = p.entitlements.iter().map(|e| e.id.as_str()).collect();
    let base = "3b6f0e2a-5c1d-4e8f-9a0b-1c2d3e4f5a6b";
    assert_eq!(
        ids,
        [
            format!("{base}#install-device"),
            format!("{base}#use-device"),
            format!("{base}#use-device@alloc-3b6f-finance"),
            format!("{base}#use-device@alloc-3b6f-finance-laptops"),
        ]
    );
    let qty: Vec<Decimal> = p.entitlements.iter().map(|e| e.quantity).collect();
    assert_eq!(qty, [25, 15, 6, 4].map(Decimal::from));
    let use_total: Decimal = qty.iter().skip(1).sum();
    assert_eq!(use_total, Decimal::from(25));
    let f = &p.entitlements[1];
    assert_eq!(f.metric, Metric::Device);
    let tag = TagId::new("example-office-2024");
    assert_eq!(f.scope.versions.tag_ids(), Some(vec![&tag]));
    assert_eq!(f.scope.product.as_deref(), Some("Example Office"));
    assert_eq!(f.scope.edition.as_deref(), Some("Professional"));
    assert_eq!(f.scope.publisher.as_deref(), Some("Example Software Inc."));
    assert!(f.scope.versions.contains(&tag, "16.0") && !f.scope.versions.contains(&tag, "15.0"));
    assert!(f.rights.secondary_use && !f.rights.downgrade);
    assert_eq!(p.entitlements[2].org.as_deref(), Some("Finance department"));
}

#[test]
fn subscription_dates_downgrade_and_unit_cost() {
    let ent = sample("per-core-subscription");
    let eff = resolve(&ent.ent_id, std::slice::from_ref(&ent))
        .effective
        .unwrap();
    let p = project(&eff);
    assert_eq!(p.entitlements.len(), 1);
    let f = &p.entitlements[0];
    assert_eq!(f.metric, Metric::Core);
    assert_eq!(f.quantity, Decimal::from(16));
    assert_eq!((f.start, f.end), (date(2025, 1, 1), date(2027, 12, 31)));
    // The downgrade right's ValidVersion minVersion="12.0" is how far back it reaches.
    assert!(f.rights.downgrade);
    assert_eq!(
        f.rights.downgrade_depth,
        DowngradeDepth::DownTo("12.0".into())
    );
    assert!(
        !p.notes.iter().any(|n| n.contains("downgrade")),
        "{:?}",
        p.notes
    );
    let db = |v: &str| Software {
        publisher: "Example Software Inc.".into(),
        product: "Example Database".into(),
        edition: Some("Enterprise".into()),
        ..software("example-db-2024", v)
    };
    assert!(f.scope.matches(&db("19.3"), &f.rights));
    assert!(f.scope.matches(&db("12.2"), &f.rights));
    assert!(!f.scope.matches(&db("11.2"), &f.rights));
    assert_eq!(f.unit_cost, Some(Decimal::new(360_000, 2)));
    assert!(
        p.notes.iter().any(|n| n.contains("environment")),
        "{:?}",
        p.notes
    );
    // The currency of the unit price is carried, so no note is needed for it.
    assert_eq!(f.currency, Some(Currency::new("EUR")));
    assert!(
        !p.notes.iter().any(|n| n.contains("currency")),
        "{:?}",
        p.notes
    );
}

/// An Ent whose one right names two software identities, each with its own versions, sold
/// in a fraction of a unit at a price in a currency.
fn two_versions_ent(quantity: Decimal) -> Ent {
    let buyer = Entity::new("Buyer", "buyer.example", vec![]);
    let mut right = Right::new(RightName::Use).with_quantity(MetricType::Core, quantity);
    right.valid_versions = vec![
        ValidVersion {
            range: "[1,2]".parse().unwrap(),
            tag_id: Some(TagId::new("acme-db-1")),
            ..ValidVersion::default()
        },
        ValidVersion {
            range: "[4,5)".parse().unwrap(),
            tag_id: Some(TagId::new("acme-db-4")),
            ..ValidVersion::default()
        },
    ];
    let mut ent = ops::issue(Issue::new("vv", "Acme DB", buyer.clone(), buyer).right(right));
    ent.ent_meta.push(EntMeta {
        product: Some("Acme DB".into()),
        ..EntMeta::default()
    });
    ent.invoice_data.push(InvoiceData {
        unit_price: Some(Decimal::new(12_050, 2)),
        currency: Some("CHF".into()),
        ..InvoiceData::default()
    });
    ent
}

fn software(tag: &str, version: &str) -> Software {
    Software {
        tag_id: TagId::new(tag),
        publisher: "Buyer".into(),
        product: "Acme DB".into(),
        edition: None,
        version: version.into(),
        version_scheme: VersionScheme::default(),
    }
}

#[test]
fn every_valid_version_projects_with_its_own_tag_id() {
    let ent = two_versions_ent(Decimal::new(25, 1));
    let p = project(
        &resolve(&ent.ent_id, std::slice::from_ref(&ent))
            .effective
            .unwrap(),
    );
    assert_eq!(p.entitlements.len(), 1, "{:?}", p.notes);
    let f = &p.entitlements[0];
    let spans = f.scope.versions.spans();
    assert_eq!(spans.len(), 2);
    let none = Rights::default();
    // Each identity in its own range…
    assert!(f.scope.matches(&software("acme-db-1", "1.5"), &none));
    assert!(f.scope.matches(&software("acme-db-4", "4.9"), &none));
    // …and not in the other's, nor between, nor another identity.
    assert!(!f.scope.matches(&software("acme-db-1", "4.5"), &none));
    assert!(!f.scope.matches(&software("acme-db-4", "1.5"), &none));
    assert!(!f.scope.matches(&software("acme-db-4", "3"), &none));
    assert!(!f.scope.matches(&software("acme-db-9", "1.5"), &none));
    assert_eq!(
        f.scope.versions.place(&TagId::new("acme-db-9"), "1.5"),
        VersionPlace::OtherIdentity
    );
    // Exact quantity and the price's currency, with no note about either.
    assert_eq!(f.quantity, Decimal::new(25, 1));
    assert_eq!(f.whole_units(), 2);
    assert_eq!(f.unit_cost, Some(Decimal::new(12_050, 2)));
    assert_eq!(f.currency, Some(Currency::new("CHF")));
    assert!(
        !p.notes
            .iter()
            .any(|n| n.contains("ValidVersion") || n.contains("whole")),
        "{:?}",
        p.notes
    );
    // The projected fact survives the estate's JSON form.
    let json = serde_json::to_string(f).unwrap();
    assert!(json.contains(r#""quantity":"2.5""#), "{json}");
    let back: itam_core::estate::Entitlement = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, f);
}

#[test]
fn a_persistent_id_is_noted_not_dropped_silently() {
    let mut ent = two_versions_ent(Decimal::from(2));
    ent.rights[0].valid_versions[0].persistent_id = Some("acme-db".into());
    let p = project(
        &resolve(&ent.ent_id, std::slice::from_ref(&ent))
            .effective
            .unwrap(),
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("persistentId") && n.contains("acme-db")),
        "{:?}",
        p.notes
    );
}

/// A 10-device Ent for version 10 of Acme DB with a downgrade right whose ValidVersions are
/// `downgrade` (none: a downgrade right without ValidVersion).
fn downgrade_ent(downgrade: &[ValidVersion]) -> Ent {
    let buyer = Entity::new("Buyer", "buyer.example", vec![]);
    let mut right = Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(10));
    right.valid_versions = vec![ValidVersion {
        range: "[10,11)".parse().unwrap(),
        ..ValidVersion::default()
    }];
    let mut down = Right::new(RightName::Downgrade);
    down.valid_versions = downgrade.to_vec();
    ops::issue(
        Issue::new("dg", "Acme DB", buyer.clone(), buyer)
            .right(right)
            .right(down),
    )
}

fn projected(ent: &Ent) -> itam_ent::project::Projection {
    project(
        &resolve(&ent.ent_id, std::slice::from_ref(ent))
            .effective
            .unwrap(),
    )
}

fn vv(range: &str) -> ValidVersion {
    ValidVersion {
        range: range.parse().unwrap(),
        ..ValidVersion::default()
    }
}

#[test]
fn a_downgrade_valid_version_projects_as_its_floor() {
    // No ValidVersion, or one without a lower bound: every older version, as before.
    for versions in [vec![], vec![vv("(,10)")], vec![vv("[8,)"), vv("*")]] {
        let p = projected(&downgrade_ent(&versions));
        let f = &p.entitlements[0];
        assert!(f.rights.downgrade);
        assert_eq!(
            f.rights.downgrade_depth,
            DowngradeDepth::Unlimited,
            "{versions:?}"
        );
    }
    // minVersion: down to it, without a note; several: the lowest.
    let p = projected(&downgrade_ent(&[vv("[8,)")]));
    assert_eq!(
        p.entitlements[0].rights.downgrade_depth,
        DowngradeDepth::DownTo("8".into())
    );
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    let p = projected(&downgrade_ent(&[vv("[8.5,)"), vv("[7.1,)"), vv("[9,)")]));
    assert_eq!(
        p.entitlements[0].rights.downgrade_depth,
        DowngradeDepth::DownTo("7.1".into())
    );
    // What the floor cannot say is noted: an upper bound, an exclusive lower bound, a tag.
    let mut tagged = vv("(7,10)");
    tagged.tag_id = Some(TagId::new("acme-db-7"));
    let p = projected(&downgrade_ent(&[tagged]));
    assert_eq!(
        p.entitlements[0].rights.downgrade_depth,
        DowngradeDepth::DownTo("7".into())
    );
    for word in ["afterVersion", "upper bound", "tagId"] {
        assert!(
            p.notes.iter().any(|n| n.contains(word)),
            "{word}: {:?}",
            p.notes
        );
    }
    // Another scheme than the scope's is compared by the scope's: noted.
    let mut decimal = vv("[8,)");
    decimal.range.scheme = VersionScheme::Decimal;
    let p = projected(&downgrade_ent(&[decimal]));
    assert!(
        p.notes.iter().any(|n| n.contains("scheme")),
        "{:?}",
        p.notes
    );
    // The projected fact covers down to the floor, and its JSON reads back.
    let p = projected(&downgrade_ent(&[vv("[8,)")]));
    let f = &p.entitlements[0];
    let acme = |v: &str| Software {
        publisher: "Buyer".into(),
        ..software("acme-db", v)
    };
    assert!(f.scope.matches(&acme("8.0"), &f.rights));
    assert!(!f.scope.matches(&acme("7.9"), &f.rights));
    let json = serde_json::to_string(f).unwrap();
    assert!(
        json.contains(r#""rights":{"downgrade":true,"downgrade_depth":{"down_to":"8"}}"#),
        "{json}"
    );
    let back: itam_core::estate::Entitlement = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, f);
}

#[test]
fn durations_give_end_dates_and_site_licences_are_unlimited() {
    let saas = sample("named-user-saas");
    let f = &project(
        &resolve(&saas.ent_id, std::slice::from_ref(&saas))
            .effective
            .unwrap(),
    )
    .entitlements[0];
    assert_eq!(f.metric, Metric::NamedUser);
    assert_eq!((f.start, f.end), (date(2025, 6, 1), date(2026, 5, 31)));
    let site = sample("site-licence");
    let f = &project(
        &resolve(&site.ent_id, std::slice::from_ref(&site))
            .effective
            .unwrap(),
    )
    .entitlements[0];
    assert!(f.unlimited);
    assert_eq!(f.metric, Metric::Site);
}

#[test]
fn inactive_and_unmeasured_entitlements_project_nothing() {
    let ents = vec![sample("evaluation"), sample("revocation")];
    let eff = resolve(&EntId::new("eval-7c1b"), &ents).effective.unwrap();
    let p = project(&eff);
    assert!(p.entitlements.is_empty());
    assert!(p.notes[0].contains("not active"));
    let foss = sample("foss-copyleft");
    let p = project(
        &resolve(&foss.ent_id, std::slice::from_ref(&foss))
            .effective
            .unwrap(),
    );
    assert!(p.entitlements.is_empty());
    assert_eq!(p.notes.len(), 4, "{:?}", p.notes);
}

#[test]
fn allocatee_meta_gives_org_and_pins() {
    let buyer = Entity::new("Buyer", "buyer.example", vec![]);
    let base = ops::issue(
        Issue::new("b", "P", buyer.clone(), buyer.clone())
            .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(3))),
    );
    let mut who = Entity::new("Laptop 7", "buyer.example", vec![]);
    let mut m = Meta::default();
    m.set("org", "emea/fr");
    m.set("device", "LT-7");
    who.meta.push(m);
    let a = ops::allocate(
        &base,
        Supplement::new("a", buyer),
        who,
        &RightName::Use,
        &MetricType::Device,
        Decimal::ONE,
    )
    .unwrap();
    let p = project(&resolve(&EntId::new("b"), &[base, a]).effective.unwrap());
    let alloc = &p.entitlements[1];
    assert_eq!(alloc.org.as_deref(), Some("emea/fr"));
    assert_eq!(alloc.pinned, [Pin::Device(itam_core::AssetId::new("LT-7"))]);
    assert_eq!(
        p.entitlements[0].quantity + alloc.quantity,
        Decimal::from(3)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn projected_quantities_add_up_to_the_granted_quantity(
        qty in 1u32..100,
        allocs in prop::collection::vec(1u32..10, 0..6),
    ) {
        let buyer = Entity::new("Buyer", "buyer.example", vec![]);
        let base = ops::issue(
            Issue::new("b", "P", buyer.clone(), buyer.clone()).right(
                Right::new(RightName::Use).with_quantity(MetricType::Core, Decimal::from(qty)),
            ),
        );
        let big = ops::issue(
            Issue::new("b", "P", buyer.clone(), buyer.clone()).right(
                Right::new(RightName::Use).with_quantity(MetricType::Core, Decimal::from(1000)),
            ),
        );
        let mut ents = vec![base];
        let mut parent = big;
        for (i, q) in allocs.iter().enumerate() {
            // A chain: each allocation is allocated from the one before.
            let a = ops::allocate(&parent, Supplement::new(format!("a{i}"), buyer.clone()),
                buyer.clone(), &RightName::Use, &MetricType::Core, Decimal::from(*q)).unwrap();
            let mut holder = a.clone();
            holder.rights[0].metrics[0].quantification[0].quantity = Some(Decimal::from(1000));
            parent = holder;
            ents.push(a);
        }
        let res = resolve(&EntId::new("b"), &ents);
        if let Some(eff) = res.effective {
            let total: Decimal = project(&eff).entitlements.iter().map(|e| e.quantity).sum();
            prop_assert_eq!(total, Decimal::from(qty));
        } else {
            prop_assert!(res.report.by_rule("ENT-RES-3").next().is_some());
        }
    }
}
