//! Projection of effective entitlements into the engine's `Entitlement` facts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use chrono::NaiveDate;
use itam_core::estate::{Metric, Pin};
use itam_core::{Decimal, EntId};
use itam_ent::ops::{self, Issue, Supplement};
use itam_ent::project::project;
use itam_ent::values::{MetricType, RightName};
use itam_ent::{Ent, Entity, Meta, Right, read, resolve};
use proptest::prelude::*;

fn sample(name: &str) -> Ent {
    let path = format!("{}/tests/data/{name}.ent.xml", env!("CARGO_MANIFEST_DIR"));
    read(&std::fs::read_to_string(&path).unwrap()).unwrap()
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
    let qty: Vec<u64> = p.entitlements.iter().map(|e| e.quantity).collect();
    assert_eq!(qty, [25, 15, 6, 4]);
    let use_total: u64 = qty.iter().skip(1).sum();
    assert_eq!(use_total, 25);
    let f = &p.entitlements[1];
    assert_eq!(f.metric, Metric::Device);
    assert_eq!(
        f.scope.tag_id.as_ref().unwrap().as_str(),
        "example-office-2024"
    );
    assert_eq!(f.scope.product.as_deref(), Some("Example Office"));
    assert_eq!(f.scope.edition.as_deref(), Some("Professional"));
    assert_eq!(f.scope.publisher.as_deref(), Some("Example Software Inc."));
    assert!(f.scope.versions.contains("16.0") && !f.scope.versions.contains("15.0"));
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
    assert_eq!(f.quantity, 16);
    assert_eq!((f.start, f.end), (date(2025, 1, 1), date(2027, 12, 31)));
    assert!(f.rights.downgrade);
    assert_eq!(f.unit_cost, Some(Decimal::new(360_000, 2)));
    assert!(
        p.notes.iter().any(|n| n.contains("environment")),
        "{:?}",
        p.notes
    );
    assert!(p.notes.iter().any(|n| n.contains("currency")));
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
    assert_eq!(p.entitlements[0].quantity + alloc.quantity, 3);
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
            let total: u64 = project(&eff).entitlements.iter().map(|e| e.quantity).sum();
            prop_assert_eq!(total, u64::from(qty));
        } else {
            prop_assert!(res.report.by_rule("ENT-RES-3").next().is_some());
        }
    }
}
