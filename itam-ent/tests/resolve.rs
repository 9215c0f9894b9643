//! Use cases and resolution: the sample chains, each refusal, and the properties (any arrival
//! order gives the same resolution; quantities are conserved).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use chrono::{DateTime, FixedOffset, TimeZone};
use itam_core::{Decimal, EntId};
use itam_ent::ops::{self, Information, Issue, OpError, Supplement};
use itam_ent::resolve::{RULES, Status, resolve_all};
use itam_ent::values::{MetricType, Rel, RightName, Role};
use itam_ent::{Ent, Entity, InvoiceData, Link, Right, read, resolve};
use proptest::prelude::*;

fn sample(name: &str) -> Ent {
    let path = format!("{}/tests/data/{name}.ent.xml", env!("CARGO_MANIFEST_DIR"));
    read(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn id(s: &str) -> EntId {
    EntId::new(s)
}

fn at(day: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(0)
        .unwrap()
        .with_ymd_and_hms(2025, 1, day, 0, 0, 0)
        .unwrap()
}

fn vendor() -> Entity {
    Entity::new("Vendor", "vendor.example", vec![Role::Licensor])
}

fn buyer() -> Entity {
    Entity::new("Buyer", "buyer.example", vec![])
}

fn base(qty: i64) -> Ent {
    ops::issue(
        Issue::new("base", "Product", vendor(), buyer()).right(
            Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(qty)),
        ),
    )
}

fn sup(name: &str, day: u32) -> Supplement {
    Supplement::new(name, buyer()).issued(at(day))
}

#[test]
fn allocation_chain_with_an_addition() {
    let ents = vec![
        sample("allocation-finance-laptops"),
        sample("addition"),
        sample("allocation-finance"),
        sample("perpetual-device"),
    ];
    let res = resolve(&id("alloc-3b6f-finance-laptops"), &ents);
    assert!(res.report.is_empty(), "{}", res.report);
    let eff = res.effective.unwrap();
    assert_eq!(eff.ent_id.as_str(), "3b6f0e2a-5c1d-4e8f-9a0b-1c2d3e4f5a6b");
    let use_ = eff
        .rights
        .iter()
        .find(|r| r.right == RightName::Use)
        .unwrap();
    assert_eq!(use_.quantity, Some(Decimal::from(25)));
    assert_eq!(use_.allocated, Decimal::from(10));
    assert_eq!(use_.available(), Some(Decimal::from(15)));
    assert_eq!(eff.allocations.len(), 2);
    assert_eq!(eff.allocations[0].sub_allocated, Decimal::from(4));
    assert_eq!(eff.allocations[1].parent.as_str(), "alloc-3b6f-finance");
    assert_eq!(eff.invoice_data[0].invoice_id.as_deref(), Some("INV-9001"));
    assert_eq!(eff.contracts.len(), 1);
    let applied: Vec<&str> = eff.applied.iter().map(EntId::as_str).collect();
    assert_eq!(
        applied,
        [
            "add-3b6f-invoice",
            "alloc-3b6f-finance",
            "alloc-3b6f-finance-laptops"
        ]
    );
}

#[test]
fn transfer_replaces_the_licensee() {
    let ents = vec![sample("transfer"), sample("site-licence")];
    let res = resolve(&id("site-2025-UNI-001"), &ents);
    let eff = res.effective.unwrap();
    assert_eq!(eff.licensees[0].name, "Example United University");
    assert_eq!(eff.former_licensees[0].name, "University of Example");
    assert!(eff.rights.iter().any(|r| r.unlimited));
    assert_eq!(eff.status, Status::Active);
}

#[test]
fn consolidation_merges_and_its_sources_become_consolidated() {
    let ents = vec![
        sample("consolidation"),
        sample("named-user-saas"),
        sample("named-user-saas-addon"),
    ];
    let res = resolve(&id("consolidated-crm-2025"), &ents);
    assert!(res.report.is_empty(), "{}", res.report);
    let eff = res.effective.unwrap();
    assert_eq!(eff.rights.len(), 1);
    assert_eq!(eff.rights[0].quantity, Some(Decimal::from(250)));
    assert_eq!(eff.consolidated_from.len(), 2);
    let src = resolve(&id("urn:uuid:0f1e2d3c-4b5a-4968-8776-655443322110"), &ents)
        .effective
        .unwrap();
    assert_eq!(
        src.status,
        Status::Consolidated {
            into: id("consolidated-crm-2025")
        }
    );
}

#[test]
fn revocation_then_archive() {
    let ents = vec![
        sample("archive"),
        sample("evaluation"),
        sample("revocation"),
    ];
    let eff = resolve(&id("eval-7c1b"), &ents).effective.unwrap();
    assert_eq!(
        eff.status,
        Status::Archived {
            by: id("archive-eval-7c1b")
        }
    );
    let without_archive = vec![sample("evaluation"), sample("revocation")];
    let eff = resolve(&id("eval-7c1b"), &without_archive)
        .effective
        .unwrap();
    assert_eq!(
        eff.status,
        Status::Revoked {
            by: id("revoke-eval-7c1b")
        }
    );
}

fn refused(target: &str, ents: &[Ent], rule: &str) {
    let res = resolve(&id(target), ents);
    assert!(res.effective.is_none(), "not refused: {}", res.report);
    assert!(
        res.report.by_rule(rule).next().is_some(),
        "{rule} missing:\n{}",
        res.report
    );
}

#[test]
fn every_resolution_rule_has_a_vector() {
    let mut fired = std::collections::BTreeSet::new();
    let b = base(25);
    // ENT-RES-1: missing base.
    let a = ops::allocate(
        &b,
        sup("a", 2),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(5),
    )
    .unwrap();
    refused("a", std::slice::from_ref(&a), "ENT-RES-1");
    fired.insert("ENT-RES-1");
    // ENT-RES-2: a cycle of supplemental links.
    let mut x = a.clone();
    x.ent_id = id("x");
    x.links = vec![Link::to_ent(&id("y"), Rel::Supplemental)];
    let mut y = a.clone();
    y.ent_id = id("y");
    y.links = vec![Link::to_ent(&id("x"), Rel::Supplemental)];
    refused("x", &[x, y, b.clone()], "ENT-RES-2");
    fired.insert("ENT-RES-2");
    // ENT-RES-3: allocations exceeding the base.
    let a2 = ops::allocate(
        &b,
        sup("a2", 3),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(21),
    )
    .unwrap();
    refused("base", &[b.clone(), a.clone(), a2], "ENT-RES-3");
    // ... and a sub-allocation exceeding its allocation.
    let sub = ops::allocate(
        &a,
        sup("sub", 4),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(5),
    )
    .unwrap();
    let mut sub2 = sub.clone();
    sub2.ent_id = id("sub2");
    refused("base", &[b.clone(), a, sub, sub2], "ENT-RES-3");
    fired.insert("ENT-RES-3");
    // ENT-RES-4: transfer of a revoked Ent.
    let rev = ops::revoke(&b, sup("rev", 5));
    let tr = ops::transfer(&b, sup("tr", 6), Entity::new("New", "new.example", vec![]));
    refused("base", &[tr, rev.clone(), b.clone()], "ENT-RES-4");
    // A transfer before the revocation is fine.
    let early = ops::transfer(&b, sup("tr", 4), Entity::new("New", "new.example", vec![]));
    let ok = resolve(&id("base"), &[early, rev, b.clone()]);
    assert!(ok.effective.is_some(), "{}", ok.report);
    fired.insert("ENT-RES-4");
    // ENT-RES-5: a consolidation that double counts.
    let other = {
        let mut o = base(10);
        o.ent_id = id("other");
        o
    };
    let c = ops::consolidate(&[&b, &other], sup("c", 7), "All").unwrap();
    assert!(
        resolve(&id("c"), &[c.clone(), b.clone(), other.clone()])
            .report
            .is_empty()
    );
    let mut twice = c.clone();
    twice
        .links
        .push(Link::to_ent(&id("base"), Rel::Consolidates));
    refused("c", &[twice, b.clone(), other.clone()], "ENT-RES-5");
    let mut inflated = c.clone();
    inflated.rights[0].metrics[0].quantification[0].quantity = Some(Decimal::from(36));
    refused("c", &[inflated, b.clone(), other.clone()], "ENT-RES-5");
    let c2 = ops::consolidate(&[&b, &other], sup("c2", 8), "Again").unwrap();
    refused("c", &[c, c2, b.clone(), other], "ENT-RES-5");
    fired.insert("ENT-RES-5");
    // ENT-RES-6: two different documents with the same id and revision.
    let mut twin = b.clone();
    twin.name = "Twin".into();
    refused("base", &[b.clone(), twin.clone()], "ENT-RES-6");
    // A higher revision replaces instead.
    twin.ent_revision = 1;
    let res = resolve(&id("base"), &[b.clone(), twin]);
    assert_eq!(res.effective.unwrap().name, "Twin");
    fired.insert("ENT-RES-6");
    // ENT-RES-7: an addition trying to change a quantity is ignored (a warning, not a refusal).
    let mut add = ops::add_information(&b, sup("add", 2), Information::default());
    add.rights
        .push(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(99)));
    let res = resolve(&id("base"), &[b, add]);
    assert!(res.report.by_rule("ENT-RES-7").next().is_some());
    assert_eq!(
        res.effective.unwrap().rights[0].quantity,
        Some(Decimal::from(25))
    );
    fired.insert("ENT-RES-7");
    // ENT-RES-8: two allocations of the largest decimal (see also
    // `quantities_beyond_the_decimal_range_refuse_the_chain`).
    let huge = with_quantity(base(1), Decimal::MAX);
    let m1 = alloc_max(&huge, "m1", "base");
    let m2 = alloc_max(&huge, "m2", "base");
    refused("base", &[huge, m1, m2], "ENT-RES-8");
    fired.insert("ENT-RES-8");
    let all: std::collections::BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(fired, all);
}

/// `ent` with the quantity of its first right set to `q`.
fn with_quantity(mut ent: Ent, q: Decimal) -> Ent {
    ent.rights[0].metrics[0].quantification[0].quantity = Some(q);
    ent
}

/// An allocation `name` of the largest decimal, from `parent`.
fn alloc_max(source: &Ent, name: &str, parent: &str) -> Ent {
    let mut a = ops::allocate(
        source,
        sup(name, 2),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::MAX,
    )
    .unwrap();
    a.links = vec![Link::to_ent(&id(parent), Rel::Supplemental)];
    a
}

/// Each place where resolution adds or subtracts quantities taken from documents: past the
/// decimal range the chain is refused with ENT-RES-8 (it used to panic).
#[test]
fn quantities_beyond_the_decimal_range_refuse_the_chain() {
    let huge = with_quantity(base(1), Decimal::MAX);
    // Allocations from the base: their sum.
    let m1 = alloc_max(&huge, "m1", "base");
    let m2 = alloc_max(&huge, "m2", "base");
    refused("base", &[huge.clone(), m1.clone(), m2], "ENT-RES-8");
    // Sub-allocations from one allocation: their sum.
    let s1 = alloc_max(&m1, "s1", "m1");
    let s2 = alloc_max(&m1, "s2", "m1");
    refused("base", &[huge.clone(), m1.clone(), s1, s2], "ENT-RES-8");
    // A negative allocation: what is left (quantity − allocated) is out of range.
    let neg = with_quantity(m1.clone(), Decimal::MIN);
    refused("base", &[huge.clone(), neg], "ENT-RES-8");
    // One Ent granting the same right twice.
    let mut twice = huge.clone();
    twice.rights.push(twice.rights[0].clone());
    refused("base", std::slice::from_ref(&twice), "ENT-RES-8");
    // An addition granting a new right twice.
    let mut add = ops::add_information(&huge, sup("add", 3), Information::default());
    let right = Right::new(RightName::Use).with_quantity(MetricType::Core, Decimal::MAX);
    add.rights = vec![right.clone(), right];
    refused("base", &[huge.clone(), add], "ENT-RES-8");
    // A consolidation of two such Ents (built by hand: `ops::consolidate` refuses it).
    let other = {
        let mut o = huge.clone();
        o.ent_id = id("other");
        o
    };
    let small = base(1);
    let mut other_small = small.clone();
    other_small.ent_id = id("other");
    let mut c = ops::consolidate(&[&small, &other_small], sup("c", 4), "All").unwrap();
    c.rights[0].metrics[0].quantification[0].quantity = Some(Decimal::MAX);
    refused("c", &[c, huge.clone(), other.clone()], "ENT-RES-8");
    // The operations return their typed error instead.
    assert!(matches!(
        ops::consolidate(&[&huge, &other], sup("c", 4), "All"),
        Err(OpError::OutOfRange { .. })
    ));
    assert!(matches!(
        ops::allocate(
            &twice,
            sup("a", 4),
            buyer(),
            &RightName::Use,
            &MetricType::Device,
            Decimal::ONE
        ),
        Err(OpError::OutOfRange { .. })
    ));
    // In range, the largest quantity resolves.
    let res = resolve(&id("base"), &[huge, m1]);
    let eff = res.effective.expect("in range");
    assert_eq!(eff.rights[0].available(), Some(Decimal::ZERO));
}

#[test]
fn operations_refuse_impossible_requests() {
    let b = base(5);
    let err = ops::allocate(
        &b,
        sup("a", 1),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(6),
    );
    assert!(matches!(err, Err(OpError::Exceeds { .. })));
    let err = ops::allocate(
        &b,
        sup("a", 1),
        buyer(),
        &RightName::Use,
        &MetricType::Core,
        Decimal::ONE,
    );
    assert!(matches!(err, Err(OpError::NoSuchRight { .. })));
    let err = ops::allocate(
        &b,
        sup("a", 1),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::ZERO,
    );
    assert!(matches!(err, Err(OpError::NotPositive { .. })));
    assert!(matches!(
        ops::consolidate(&[&b, &b], sup("c", 1), "x"),
        Err(OpError::DuplicateSource { .. })
    ));
    assert!(matches!(
        ops::consolidate(&[&b], sup("c", 1), "x"),
        Err(OpError::TooFewSources { count: 1 })
    ));
}

#[test]
fn operations_write_valid_documents() {
    let b = base(25);
    let profile = itam_ent::Profile::reconstructed();
    let info = Information {
        invoice_data: vec![InvoiceData {
            invoice_id: Some("I-1".into()),
            amount: Some(Decimal::new(100, 0)),
            currency: Some("EUR".into()),
            ..InvoiceData::default()
        }],
        ..Information::default()
    };
    let other = {
        let mut o = base(10);
        o.ent_id = id("other");
        o
    };
    let docs = vec![
        b.clone(),
        ops::add_information(&b, sup("add", 1), info),
        ops::allocate(
            &b,
            sup("a", 2),
            buyer(),
            &RightName::Use,
            &MetricType::Device,
            Decimal::from(5),
        )
        .unwrap(),
        ops::transfer(&b, sup("t", 3), Entity::new("New", "new.example", vec![])),
        ops::revoke(&b, sup("r", 4)),
        ops::archive(&b, sup("z", 5)),
        ops::consolidate(&[&b, &other], sup("c", 6), "All").unwrap(),
    ];
    for d in &docs {
        let report = itam_ent::validate(d, profile);
        assert!(report.is_empty(), "{}:\n{report}", d.ent_id);
        assert_eq!(&read(&itam_ent::write(d)).unwrap(), d);
    }
}

/// A base of `qty` devices, allocations of the given sizes, plus an addition and a transfer,
/// with issue days from the strategy.
fn chain(qty: i64, allocs: &[(i64, u32)]) -> Vec<Ent> {
    let b = base(qty);
    let big = base(1_000_000);
    let mut out = vec![b.clone()];
    for (i, (q, day)) in allocs.iter().enumerate() {
        let mut a = ops::allocate(
            &big,
            sup(&format!("a{i}"), *day),
            Entity::new(format!("Unit {i}"), "buyer.example", vec![]),
            &RightName::Use,
            &MetricType::Device,
            Decimal::from(*q),
        )
        .unwrap();
        // Every other allocation is a sub-allocation of the first, when it fits.
        if i % 2 == 1 {
            a.links = vec![Link::to_ent(&id("a0"), Rel::Supplemental)];
        }
        out.push(a);
    }
    out.push(ops::add_information(
        &b,
        sup("add", 9),
        Information::default(),
    ));
    out.push(ops::transfer(
        &b,
        sup("tr", 10),
        Entity::new("New", "new.example", vec![]),
    ));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn resolution_does_not_depend_on_arrival_order(
        (qty, allocs, ents) in (1i64..60, prop::collection::vec((1i64..20, 1u32..28), 0..6))
            .prop_flat_map(|(qty, allocs)| {
                let ents = chain(qty, &allocs);
                (Just(qty), Just(allocs), Just(ents).prop_shuffle())
            }),
    ) {
        let _ = (qty, allocs);
        let ordered = resolve(&id("base"), &ents);
        let mut reversed = ents.clone();
        reversed.reverse();
        let other = resolve(&id("base"), &reversed);
        prop_assert_eq!(&ordered, &other);
        // Asking through any member of the chain gives the same resolution.
        if ents.iter().any(|e| e.ent_id.as_str() == "a0") {
            prop_assert_eq!(resolve(&id("a0"), &ents), ordered);
        }
    }

    #[test]
    fn quantities_are_conserved(
        qty in 1i64..60,
        allocs in prop::collection::vec((1i64..20, 1u32..28), 0..6),
    ) {
        let ents = chain(qty, &allocs);
        let res = resolve(&id("base"), &ents);
        let top: i64 = allocs.iter().enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, (q, _))| *q).sum();
        let first = allocs.first().map_or(0, |(q, _)| *q);
        let sub: i64 = allocs.iter().enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, (q, _))| *q).sum();
        let consistent = top <= qty && sub <= first;
        prop_assert_eq!(res.effective.is_some(), consistent, "{}", res.report);
        if let Some(eff) = res.effective {
            let r = &eff.rights[0];
            prop_assert_eq!(r.allocated, Decimal::from(top));
            prop_assert_eq!(r.available().unwrap() + r.allocated, Decimal::from(qty));
            let allocated_total: Decimal = eff.allocations.iter().map(|a| a.quantity).sum();
            prop_assert_eq!(allocated_total, Decimal::from(top + sub));
            prop_assert_eq!(eff.licensees[0].name.as_str(), "New");
        } else {
            prop_assert!(res.report.by_rule("ENT-RES-3").next().is_some());
        }
    }
}

#[test]
fn resolution_rules_are_in_the_readme() {
    let readme = include_str!("../README.md");
    for r in RULES {
        let row = format!(
            "| `{}` | {} | {} | {} | {} |",
            r.id,
            r.severity,
            if r.reconstructed { "yes" } else { "no" },
            r.summary,
            r.reference
        );
        assert!(readme.contains(&row), "README lacks {row}");
    }
}

#[test]
fn resolve_all_finds_every_base_and_every_orphan() {
    let names = [
        "perpetual-device",
        "addition",
        "allocation-finance",
        "allocation-finance-laptops",
        "site-licence",
        "transfer",
        "revocation",
    ];
    let ents: Vec<Ent> = names.iter().map(|n| sample(n)).collect();
    let all = resolve_all(&ents);
    let keys: Vec<&str> = all.keys().map(EntId::as_str).collect();
    // Two bases, and the revocation whose base (the evaluation) is missing.
    assert_eq!(
        keys,
        [
            "3b6f0e2a-5c1d-4e8f-9a0b-1c2d3e4f5a6b",
            "revoke-eval-7c1b",
            "site-2025-UNI-001"
        ]
    );
    assert!(
        all["3b6f0e2a-5c1d-4e8f-9a0b-1c2d3e4f5a6b"]
            .effective
            .is_some()
    );
    let orphan = &all["revoke-eval-7c1b"];
    assert!(orphan.effective.is_none());
    assert!(orphan.report.by_rule("ENT-RES-1").next().is_some());
}
