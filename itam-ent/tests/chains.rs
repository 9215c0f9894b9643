//! Long and cyclic chains (issue 12, defects 4 and 5): thousands of Ents in one consolidation or
//! allocation chain resolve (near-linear: each base once, no recursion), cycles are findings
//! that name their Ents, and every Ent given is accounted for by exactly one resolution.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::BTreeSet;

use itam_core::{Decimal, EntId};
use itam_ent::ops::{self, Issue, Supplement};
use itam_ent::resolve::{Status, resolve_all};
use itam_ent::values::{MetricType, Rel, RightName, Role};
use itam_ent::{Ent, Entity, Link, Right, resolve};

fn id(s: &str) -> EntId {
    EntId::new(s)
}

fn buyer() -> Entity {
    Entity::new("Buyer", "buyer.example", vec![])
}

fn primary(name: &str, qty: i64) -> Ent {
    ops::issue(
        Issue::new(
            name,
            "Product",
            Entity::new("Vendor", "vendor.example", vec![Role::Licensor]),
            buyer(),
        )
        .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(qty))),
    )
}

/// `c1 … cn`: each `ck` consolidates `c(k-1)` (`p0` for `c1`) and a primary `pk` of 1 device.
fn consolidation_chain(n: usize) -> Vec<Ent> {
    let mut ents = vec![primary("p0", 1)];
    let mut prev = ents[0].clone();
    for k in 1..=n {
        let p = primary(&format!("p{k}"), 1);
        let c = ops::consolidate(
            &[&prev, &p],
            Supplement::new(format!("c{k}"), buyer()),
            format!("All {k}"),
        )
        .unwrap();
        ents.push(p);
        ents.push(c.clone());
        prev = c;
    }
    ents
}

/// Each Ent's id is in the `ents` of exactly one resolution of `resolve_all`.
fn assert_partition(ents: &[Ent]) {
    let all = resolve_all(ents);
    let mut seen = BTreeSet::new();
    for (key, res) in &all {
        assert!(res.ents.contains(key), "{key} not among its own ents");
        for e in &res.ents {
            assert!(seen.insert(e.clone()), "{e} is in two resolutions");
        }
    }
    let given: BTreeSet<EntId> = ents.iter().map(|e| e.ent_id.clone()).collect();
    assert_eq!(seen, given);
}

#[test]
fn a_consolidation_chain_of_thousands_resolves_each_base_once() {
    let n = 2_000;
    let ents = consolidation_chain(n);
    let all = resolve_all(&ents);
    assert_eq!(all.len(), 2 * n + 1);
    let top = all[&id(&format!("c{n}"))].effective.as_ref().unwrap();
    assert_eq!(top.status, Status::Active);
    assert_eq!(top.rights[0].quantity, Some(Decimal::from(n as i64 + 1)));
    assert_eq!(
        top.consolidated_from,
        [id(&format!("c{}", n - 1)), id(&format!("p{n}"))]
    );
    for k in 1..n {
        let eff = all[&id(&format!("c{k}"))].effective.as_ref().unwrap();
        assert_eq!(
            eff.status,
            Status::Consolidated {
                into: id(&format!("c{}", k + 1))
            }
        );
        assert_eq!(eff.rights[0].quantity, Some(Decimal::from(k as i64 + 1)));
    }
    // One chain alone gives the same answer as all of them.
    let one = resolve(&id(&format!("c{n}")), &ents);
    assert_eq!(one, all[&id(&format!("c{n}"))]);
    assert_partition(&ents);
}

#[test]
fn a_refused_source_deep_in_a_chain_is_named_at_every_level_once() {
    let n = 1_000;
    let mut ents = consolidation_chain(n);
    // Revoke p0: c1 consolidates an Ent that is not active; every level above names the cause.
    ents.push(ops::revoke(
        &ents[0].clone(),
        Supplement::new("r0", buyer()),
    ));
    let all = resolve_all(&ents);
    let c1 = &all[&id("c1")];
    assert!(c1.effective.is_none());
    assert_eq!(c1.report.by_rule("ENT-RES-4").count(), 1, "{}", c1.report);
    for k in 2..=n {
        let res = &all[&id(&format!("c{k}"))];
        assert!(res.effective.is_none());
        let f: Vec<_> = res.report.findings().iter().collect();
        // Its own finding only: the size of a report does not grow with the depth.
        assert_eq!(f.len(), 1, "{}", res.report);
        assert_eq!(f[0].rule, "ENT-RES-9");
        assert!(
            f[0].message.starts_with(&format!(
                "consolidated Ent c{} is refused: ENT-RES-4 (ent:c1): consolidated Ent p0 is not active (revoked by r0)",
                k - 1
            )),
            "{}",
            f[0].message
        );
    }
}

#[test]
fn an_allocation_chain_of_thousands_needs_no_recursion() {
    let n = 5_000;
    let base = primary("base", n as i64);
    let mut ents = vec![base.clone()];
    let mut from = base;
    // a1 allocates n-1 from the base, a2 n-2 from a1, …
    for k in 1..n {
        let a = ops::allocate(
            &from,
            Supplement::new(format!("a{k:05}"), buyer()),
            buyer(),
            &RightName::Use,
            &MetricType::Device,
            Decimal::from((n - k) as i64),
        )
        .unwrap();
        ents.push(a.clone());
        from = a;
    }
    let res = resolve(&id("base"), &ents);
    let eff = res.effective.expect("a consistent chain");
    assert_eq!(eff.allocations.len(), n - 1);
    assert_eq!(eff.rights[0].allocated, Decimal::from(n as i64 - 1));
    let last = eff.allocations.last().unwrap();
    assert_eq!(last.parent, id(&format!("a{:05}", n - 2)));
    assert_eq!(last.quantity, Decimal::from(1));
    assert_eq!(res.ents.len(), n);
    assert_partition(&ents);
}

/// A base of 5 devices and an allocation of 1 from it (`a`): what the cycles are made of.
fn base_and_allocation() -> (Ent, Ent) {
    let b = primary("base", 5);
    let a = ops::allocate(
        &b,
        Supplement::new("a", buyer()),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(1),
    )
    .unwrap();
    (b, a)
}

/// A supplemental that links to `to` as its base.
fn linking(name: &str, to: &str, like: &Ent) -> Ent {
    let mut e = like.clone();
    e.ent_id = id(name);
    e.links = vec![Link::to_ent(&id(to), Rel::Supplemental)];
    e
}

#[test]
fn a_cycle_of_supplementals_is_a_resolution_that_names_its_ents() {
    let (b, a) = base_and_allocation();
    // y → z → x → y, and a tail t → x; the base and its allocation stand apart.
    let ents = vec![
        linking("y", "z", &a),
        linking("z", "x", &a),
        linking("x", "y", &a),
        linking("t", "x", &a),
        b,
        a,
    ];
    let all = resolve_all(&ents);
    let keys: Vec<&str> = all.keys().map(EntId::as_str).collect();
    assert_eq!(keys, ["base", "x"]);
    let cycle = &all[&id("x")];
    assert!(cycle.effective.is_none());
    assert_eq!(cycle.ents, [id("t"), id("x"), id("y"), id("z")]);
    let f: Vec<_> = cycle.report.by_rule("ENT-RES-2").collect();
    assert_eq!(f.len(), 1, "{}", cycle.report);
    assert!(
        f[0].message
            .contains("supplemental links form a cycle: x → y → z → x"),
        "{}",
        f[0]
    );
    assert_eq!(f[0].location.path, "ent:x");
    // Asked from any member, or from the tail, it is the same resolution.
    for from in ["y", "z"] {
        assert_eq!(&resolve(&id(from), &ents), cycle, "from {from}");
    }
    assert_eq!(&resolve(&id("t"), &ents), cycle, "from the tail");
    assert!(all[&id("base")].effective.is_some());
    assert_partition(&ents);
}

#[test]
fn a_long_cycle_costs_one_resolution() {
    let (_, a) = base_and_allocation();
    let n = 3_000;
    let ents: Vec<Ent> = (0..n)
        .map(|k| linking(&format!("s{k:04}"), &format!("s{:04}", (k + 1) % n), &a))
        .collect();
    let all = resolve_all(&ents);
    assert_eq!(all.len(), 1);
    let res = &all[&id("s0000")];
    assert_eq!(res.ents.len(), n);
    assert_eq!(res.report.findings().len(), 1);
}

#[test]
fn a_cycle_of_consolidations_refuses_each_and_names_them() {
    let p = primary("p", 2);
    let q = primary("q", 3);
    let mut c1 = ops::consolidate(&[&p, &q], Supplement::new("c1", buyer()), "One").unwrap();
    let mut c2 = c1.clone();
    c2.ent_id = id("c2");
    // c1 also consolidates c2, and c2 consolidates c1 (instead of p).
    c1.links.push(Link::to_ent(&id("c2"), Rel::Consolidates));
    c2.links = vec![
        Link::to_ent(&id("c1"), Rel::Consolidates),
        Link::to_ent(&id("q"), Rel::Consolidates),
    ];
    let r = primary("r", 1);
    let c3 = ops::consolidate(&[&c1, &r], Supplement::new("c3", buyer()), "Three").unwrap();
    let ents = vec![c1, c2, c3, p, q, r];
    let all = resolve_all(&ents);
    for c in ["c1", "c2"] {
        let res = &all[&id(c)];
        assert!(res.effective.is_none());
        let f: Vec<_> = res.report.by_rule("ENT-RES-2").collect();
        assert_eq!(f.len(), 1, "{}", res.report);
        assert!(
            f[0].message
                .contains("consolidation links form a cycle among Ents c1, c2"),
            "{}",
            f[0]
        );
    }
    let c3 = &all[&id("c3")];
    assert!(c3.effective.is_none());
    let why = c3.report.by_rule("ENT-RES-9").next().unwrap();
    assert!(
        why.message
            .contains("consolidated Ent c1 is refused: ENT-RES-2"),
        "{why}"
    );
    // The primaries stand on their own.
    assert!(all[&id("r")].effective.is_some());
    assert_partition(&ents);
}
