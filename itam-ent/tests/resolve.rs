//! Use cases and resolution: the sample chains, each refusal, and the properties (any arrival
//! order gives the same resolution; quantities are conserved).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use chrono::{DateTime, FixedOffset, TimeZone};
use itam_core::{Decimal, EntId};
use itam_ent::ops::{self, Information, Issue, OpError, Supplement};
use itam_ent::resolve::{RULES, Status, resolve_all};
use itam_ent::values::{MetricType, Rel, RightName, Role};
use itam_ent::{Ent, Entity, InvoiceData, Link, ReadOptions, Right, read_str, resolve};
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
    // A right none of the sources grants is named by its metric, as the Ent spells it.
    let mut extra = c.clone();
    extra
        .rights
        .push(Right::new(RightName::Use).with_quantity(MetricType::Core, Decimal::from(2)));
    let res = resolve(&id("c"), &[extra, b.clone(), other.clone()]);
    let f = res.report.by_rule("ENT-RES-5").next().unwrap();
    assert!(
        f.message.starts_with(
            "the consolidation grants `use` by `core`, which none of its sources grants"
        ),
        "{f}"
    );
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
    // ENT-RES-9: a consolidation of a refused Ent names the cause instead of copying it.
    let b = base(4);
    let over = ops::allocate(
        &b,
        sup("over", 2),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(3),
    )
    .unwrap();
    let mut over2 = over.clone();
    over2.ent_id = id("over2");
    let other = {
        let mut o = base(1);
        o.ent_id = id("other");
        o
    };
    let c = ops::consolidate(&[&b, &other], sup("c", 9), "All").unwrap();
    let ents = [c, b, over, over2, other];
    refused("c", &ents, "ENT-RES-9");
    let res = resolve(&id("c"), &ents);
    let why = res.report.by_rule("ENT-RES-9").next().unwrap();
    assert!(
        why.message
            .contains("consolidated Ent base is refused: ENT-RES-3 (ent:base)"),
        "{why}"
    );
    // The cause itself is in the base's own resolution, not repeated in the consolidation's.
    assert_eq!(res.report.by_rule("ENT-RES-3").count(), 0, "{}", res.report);
    fired.insert("ENT-RES-9");
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
    refused("base", &[huge.clone(), m1.clone(), m2.clone()], "ENT-RES-8");
    let res = resolve(&id("base"), &[huge.clone(), m1.clone(), m2]);
    assert_eq!(res.report.by_rule("ENT-RES-8").count(), 1, "{}", res.report);
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
        assert_eq!(
            &read_str(&itam_ent::write(d).unwrap(), &ReadOptions::STRICT)
                .unwrap()
                .value,
            d
        );
    }
}

/// A generated chain: a base of `qty` devices; allocations `a0…` of the given sizes and issue
/// days (every odd one a sub-allocation of `a0`); an addition (day 9) and a transfer (day 10);
/// optionally a revocation of one allocation, an archive of the base, and a consolidation `c` of
/// the base with a second primary Ent `other` of `other_qty` devices; optionally a re-issue of
/// the transfer (revision 1, another licensee), which replaces it whatever the arrival order.
#[derive(Debug, Clone)]
struct Plan {
    qty: i64,
    allocs: Vec<(i64, u32)>,
    /// The index of the allocation revoked (ignored when out of range).
    revoke: Option<usize>,
    /// The archive's issue day.
    archive: Option<u32>,
    /// The second Ent's quantity and the consolidation's issue day.
    consolidate: Option<(i64, u32)>,
    /// Whether the transfer is also given re-issued.
    reissue: bool,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        1i64..60,
        prop::collection::vec((1i64..20, 1u32..28), 0..6),
        prop::option::of(0usize..6),
        prop::option::of(1u32..29),
        prop::option::of((1i64..30, 1u32..29)),
        any::<bool>(),
    )
        .prop_map(
            |(qty, allocs, revoke, archive, consolidate, reissue)| Plan {
                qty,
                allocs,
                revoke,
                archive,
                consolidate,
                reissue,
            },
        )
}

fn chain(plan: &Plan) -> Vec<Ent> {
    let b = base(plan.qty);
    let big = base(1_000_000);
    let mut out = vec![b.clone()];
    for (i, (q, day)) in plan.allocs.iter().enumerate() {
        let mut a = ops::allocate(
            &big,
            sup(&format!("a{i}"), *day),
            Entity::new(format!("Unit {i}"), "buyer.example", vec![]),
            &RightName::Use,
            &MetricType::Device,
            Decimal::from(*q),
        )
        .unwrap();
        if i % 2 == 1 {
            a.links = vec![Link::to_ent(&id("a0"), Rel::Supplemental)];
        }
        out.push(a);
    }
    if let Some(k) = plan.revoke.filter(|k| *k < plan.allocs.len()) {
        let target = out[k + 1].clone();
        out.push(ops::revoke(&target, sup("rv", 20)));
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
    if plan.reissue {
        let mut again = ops::transfer(
            &b,
            sup("tr", 10),
            Entity::new("Newer", "newer.example", vec![]),
        );
        again.ent_revision = 1;
        out.push(again);
    }
    if let Some(day) = plan.archive {
        out.push(ops::archive(&b, sup("arch", day)));
    }
    if let Some((other_qty, day)) = plan.consolidate {
        let mut other = base(other_qty);
        other.ent_id = id("other");
        out.push(ops::consolidate(&[&b, &other], sup("c", day), "All").unwrap());
        out.push(other);
    }
    out
}

/// What the resolution of `base` must give for a plan: `None` when refused (with the rules
/// that must fire), else the top-level and sub-allocated totals of the active allocations.
struct Expected {
    refused_by: Vec<&'static str>,
    top: i64,
    sub: i64,
}

fn expected(plan: &Plan) -> Expected {
    let revoked = plan.revoke.filter(|k| *k < plan.allocs.len());
    let is_on = |i: usize| revoked != Some(i) && !(i % 2 == 1 && revoked == Some(0));
    let (mut top, mut sub) = (0, 0);
    for (i, (q, _)) in plan.allocs.iter().enumerate() {
        if is_on(i) {
            if i % 2 == 0 { top += q } else { sub += q }
        }
    }
    let mut refused_by = Vec::new();
    let first_on = !plan.allocs.is_empty() && is_on(0);
    if top > plan.qty || (first_on && sub > plan.allocs[0].0) {
        refused_by.push("ENT-RES-3");
    }
    // Sub-allocations from a revoked allocation; a transfer or top-level allocation after the
    // archive (on the same day the archive, `arch`, sorts before `tr` but after every `a<n>`).
    let subs_of_revoked = revoked == Some(0) && plan.allocs.len() > 1;
    let late = plan
        .archive
        .is_some_and(|d| d <= 10 || plan.allocs.iter().step_by(2).any(|(_, day)| *day > d));
    if subs_of_revoked || late {
        refused_by.push("ENT-RES-4");
    }
    Expected {
        refused_by,
        top,
        sub,
    }
}

/// A deterministic order of the Ents: by id.
fn canonical(ents: &[Ent]) -> Vec<Ent> {
    let mut v = ents.to_vec();
    v.sort_by(|a, b| a.ent_id.cmp(&b.ent_id));
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn resolution_does_not_depend_on_arrival_order(
        (plan, orders) in plan().prop_flat_map(|plan| {
            let ents = chain(&plan);
            (Just(plan), prop::collection::vec(Just(ents).prop_shuffle(), 4))
        }),
    ) {
        let reference = canonical(&chain(&plan));
        let mut targets = vec![id("base")];
        if !plan.allocs.is_empty() {
            targets.push(id("a0"));
        }
        if plan.consolidate.is_some() {
            targets.push(id("c"));
        }
        let want: Vec<_> = targets.iter().map(|t| resolve(t, &reference)).collect();
        let want_all = resolve_all(&reference);
        for ents in &orders {
            for (t, w) in targets.iter().zip(&want) {
                prop_assert_eq!(&resolve(t, ents), w, "target {}", t);
            }
            prop_assert_eq!(&resolve_all(ents), &want_all);
        }
        // Asking through any member of the chain gives the base's resolution.
        if !plan.allocs.is_empty() {
            prop_assert_eq!(&want[1], &want[0]);
        }
    }

    /// Resolving one Ent gives the resolution `resolve_all` files it under, and every Ent is
    /// under exactly one.
    #[test]
    fn one_resolution_agrees_with_all_of_them(plan in plan()) {
        let ents = chain(&plan);
        let all = resolve_all(&ents);
        let mut filed = std::collections::BTreeMap::new();
        for (key, res) in &all {
            for e in &res.ents {
                prop_assert!(filed.insert(e.clone(), key.clone()).is_none(), "{} twice", e);
            }
        }
        for e in &ents {
            let key = filed.get(&e.ent_id);
            prop_assert!(key.is_some(), "{} in no resolution", e.ent_id);
            let key = key.unwrap();
            prop_assert_eq!(&resolve(&e.ent_id, &ents), &all[key], "{} under {}", e.ent_id, key);
        }
    }

    #[test]
    fn quantities_are_conserved(plan in plan()) {
        let ents = chain(&plan);
        let exp = expected(&plan);
        let res = resolve(&id("base"), &ents);
        prop_assert_eq!(res.effective.is_none(), !exp.refused_by.is_empty(), "{}", res.report);
        for rule in &exp.refused_by {
            prop_assert!(res.report.by_rule(rule).next().is_some(), "{} missing: {}", rule, res.report);
        }
        let Some(eff) = res.effective else {
            return Ok(());
        };
        let r = &eff.rights[0];
        prop_assert_eq!(r.allocated, Decimal::from(exp.top));
        prop_assert_eq!(r.available().unwrap() + r.allocated, Decimal::from(plan.qty));
        prop_assert_eq!(eff.allocations.len(), plan.allocs.len());
        let a0 = eff.allocations.iter().find(|a| a.ent_id == id("a0"));
        let a0_on = a0.is_some_and(|a| a.revoked_by.is_none());
        let on: Decimal = eff
            .allocations
            .iter()
            .filter(|a| a.revoked_by.is_none())
            .filter(|a| a.parent == id("base") || a0_on)
            .map(|a| a.quantity)
            .sum();
        prop_assert_eq!(on, Decimal::from(exp.top + exp.sub));
        if let Some(a0) = a0.filter(|_| a0_on) {
            prop_assert!(a0.sub_allocated <= a0.quantity);
            prop_assert_eq!(a0.sub_allocated, Decimal::from(exp.sub));
        }
        let licensee = if plan.reissue { "Newer" } else { "New" };
        prop_assert_eq!(eff.licensees[0].name.as_str(), licensee);
        let status = match (plan.archive, plan.consolidate) {
            (Some(_), _) => Status::Archived { by: id("arch") },
            (None, Some(_)) => Status::Consolidated { into: id("c") },
            (None, None) => Status::Active,
        };
        prop_assert_eq!(&eff.status, &status);
        // The consolidation grants the sum of its sources, or is refused with its base.
        if let Some((other_qty, _)) = plan.consolidate {
            let c = resolve(&id("c"), &ents);
            match c.effective {
                Some(c) => {
                    prop_assert!(plan.archive.is_none());
                    prop_assert_eq!(c.rights[0].quantity, Some(Decimal::from(plan.qty + other_qty)));
                    prop_assert_eq!(c.rights[0].allocated, Decimal::ZERO);
                    prop_assert_eq!(c.consolidated_from, vec![id("base"), id("other")]);
                }
                None => {
                    prop_assert!(plan.archive.is_some());
                    prop_assert!(c.report.by_rule("ENT-RES-4").next().is_some(), "{}", c.report);
                }
            }
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
