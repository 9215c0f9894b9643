//! The Allocator extension point and the promise Optimal keeps (issue 12 defect 10).
//!
//! A third allocator written here, outside the crate (first fit by cheapest entitlement),
//! is compared with Priority and Optimal through `compare` over generated estates whose
//! products may be counted in several metrics; the gap is checked per metric. An allocator
//! that breaks the problem's rules is refused with `ReconcileError::Internal`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may fail loudly

use chrono::NaiveDate;
use itam_reconcile::allocation::{Optimal, Priority};
use itam_reconcile::itam_core::estate::{
    Device, Entitlement, Estate, Installation, Metric, ProductScope, Software, User,
};
use itam_reconcile::itam_core::version::VersionScheme;
use itam_reconcile::itam_core::{AssetId, Decimal, TagId};
use itam_reconcile::{
    Allocation, Allocator, Gap, Policy, Position, Problem, ReconcileError, compare, prepare,
    reconcile_both,
};
use proptest::prelude::*;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

/// First fit by cheapest entitlement: consumers in canonical order, each served by its
/// eligible entitlements from the cheapest (ties: the priority order), in the Priority
/// rule's metrics; true-up entitlements do not overflow.
struct CheapestFirst;

impl Allocator for CheapestFirst {
    fn name(&self) -> &str {
        "cheapest_first"
    }

    fn allocate(&self, problem: &Problem<'_>) -> Result<Allocation, ReconcileError> {
        let counted = problem.priority_counted();
        let mut left: Vec<u64> = (0..problem.entitlements())
            .map(|e| problem.entitlement(e).map_or(0, |x| x.capacity))
            .collect();
        let mut out = Allocation::new(counted.clone());
        for (c, &is_counted) in counted.iter().enumerate() {
            let Some(consumer) = problem.consumer(c) else {
                continue;
            };
            let Some(group) = problem.group(consumer.group as usize) else {
                continue;
            };
            if !is_counted || group.exempt {
                continue;
            }
            let mut order: Vec<u32> = group.eligible.to_vec();
            order.sort_by_key(|&e| problem.entitlement(e as usize).map(|x| x.unit_cost));
            let mut need = consumer.units;
            for e in order {
                let take = left[e as usize].min(need);
                if take > 0 {
                    left[e as usize] -= take;
                    need -= take;
                    out.grant(c as u32, e, take, false);
                }
            }
        }
        Ok(out)
    }
}

/// Grants every consumer its units from its first eligible entitlement, whatever is left.
struct OverSpender;

impl Allocator for OverSpender {
    fn name(&self) -> &str {
        "over_spender"
    }

    fn allocate(&self, problem: &Problem<'_>) -> Result<Allocation, ReconcileError> {
        let mut out = Allocation::new(problem.priority_counted());
        for c in 0..problem.consumers() {
            let consumer = problem.consumer(c).unwrap();
            let group = problem.group(consumer.group as usize).unwrap();
            if let (Some(&e), false) = (group.eligible.first(), group.exempt) {
                if out.counted()[c] && consumer.units > 0 {
                    out.grant(c as u32, e, consumer.units, false);
                }
            }
        }
        Ok(out)
    }
}

fn software() -> Software {
    Software {
        tag_id: TagId::new("sw"),
        publisher: "Acme".into(),
        product: "Tool".into(),
        edition: None,
        version: "1".into(),
        version_scheme: VersionScheme::MultipartNumeric,
    }
}

fn ent(id: &str, metric: Metric, quantity: u64, cost: i64) -> Entitlement {
    let mut e = Entitlement::new(
        id,
        ProductScope {
            product: Some("Tool".into()),
            ..ProductScope::default()
        },
        metric,
        quantity,
    );
    e.unit_cost = Some(Decimal::from(cost));
    e
}

/// The shape of defect 10: one device used by 100 people; 100 named-user licences (first
/// in the priority order) and one device licence, each at 1. Priority counts named users:
/// 100 units, all covered, cost 100. Optimal counts the device: 1 unit, covered, cost 1 —
/// nothing short either way, so the cheaper choice wins. The old gap said
/// `covered -99`, adding units of two metrics; per metric it is named_user −100 demand and
/// coverage, device +1, shortfall 0 in both, and the metrics differ.
#[test]
fn the_gap_is_per_metric_when_optimal_counts_another_metric() {
    let users: Vec<User> = (0..100)
        .map(|i| User {
            id: format!("u{i:03}"),
            org: None,
        })
        .collect();
    let mut by_user = ent("E-user", Metric::NamedUser, 100, 1);
    by_user.priority = Some(1);
    let estate = Estate {
        devices: vec![Device::physical("d1")],
        software: vec![software()],
        installations: users
            .iter()
            .map(|u| Installation {
                software: TagId::new("sw"),
                device: AssetId::new("d1"),
                user: Some(u.id.clone()),
                last_used: None,
            })
            .collect(),
        users,
        entitlements: vec![by_user, ent("E-dev", Metric::Device, 1, 1)],
        ..Estate::default()
    };
    let both = reconcile_both(&estate, &Policy::new(as_of())).unwrap();
    assert_eq!(both.priority.totals.covered, 100);
    assert_eq!(both.optimal.totals.covered, 1);
    let gap = &both.gap;
    assert!(gap.metrics_differ);
    assert_eq!(gap.shortfall, 0);
    assert_eq!(gap.cost, Decimal::from(-99));
    let per: Vec<(String, i128, i128, i128)> = gap
        .by_metric
        .iter()
        .map(|m| (m.metric.to_string(), m.demand, m.covered, m.shortfall))
        .collect();
    assert_eq!(
        per,
        vec![
            ("device".to_owned(), 1, 1, 0),
            ("named_user".to_owned(), -100, -100, 0)
        ]
    );
    let text = both.to_text();
    assert!(
        text.contains(
            "gap_by_metric device:demand=+1,covered=+1,shortfall=+0 \
             named_user:demand=-100,covered=-100,shortfall=+0 metrics_differ\n"
        ),
        "{text}"
    );
}

#[test]
fn an_allocation_beyond_capacity_is_an_internal_error_not_a_position() {
    let estate = Estate {
        devices: vec![Device::physical("d1"), Device::physical("d2")],
        software: vec![software()],
        installations: ["d1", "d2"]
            .iter()
            .map(|d| Installation {
                software: TagId::new("sw"),
                device: AssetId::new(*d),
                user: None,
                last_used: None,
            })
            .collect(),
        entitlements: vec![ent("E", Metric::Device, 1, 1)],
        ..Estate::default()
    };
    let policy = Policy::new(as_of());
    let err = compare(&estate, &policy, &[&Priority, &OverSpender]).unwrap_err();
    assert!(
        matches!(
            err,
            ReconcileError::Internal {
                stage: "allocation",
                ..
            }
        ),
        "{err:?}"
    );
    // The honest allocators pass the same check.
    let ok = compare(&estate, &policy, &[&Priority, &Optimal, &CheapestFirst]).unwrap();
    let names: Vec<&str> = ok.runs.iter().map(|r| r.allocator.as_str()).collect();
    assert_eq!(names, ["priority", "optimal", "cheapest_first"]);
    assert!(ok.runs.iter().all(|r| r.position.totals.covered == 1));
    // The first run is compared with itself.
    assert_eq!(ok.runs[0].gap.covered, 0);
    assert!(!ok.runs[0].gap.metrics_differ);
}

/// Every entitlement within its quantity (true-up aside) and no consumer covered beyond
/// its units.
fn respects_capacities(p: &Position) -> Result<(), TestCaseError> {
    for e in &p.entitlements {
        prop_assert!(
            e.unlimited || e.consumed - e.true_up <= e.entitled,
            "{} consumed {} of {}",
            e.id,
            e.consumed,
            e.entitled
        );
    }
    for c in p.consumers() {
        prop_assert!(c.covered <= c.units);
    }
    Ok(())
}

/// The promise: Optimal is never short of more units, summed over the metrics each
/// position counts; and where both count every product in the same metrics, per metric
/// it covers at least as many units and is short of no more.
fn optimal_keeps_its_promise(optimal: &Position, other: &Position) -> Result<(), TestCaseError> {
    let gap = Gap::between(other, optimal);
    prop_assert!(gap.shortfall <= 0, "{gap:?}");
    if !gap.metrics_differ {
        for m in &gap.by_metric {
            prop_assert!(m.covered >= 0 && m.shortfall <= 0, "{m:?}");
            prop_assert_eq!(m.demand, 0);
        }
    }
    Ok(())
}

const METRICS: [Metric; 5] = [
    Metric::Device,
    Metric::NamedUser,
    Metric::Installation,
    Metric::Core,
    Metric::Processor,
];

/// Up to 2 hosts with up to 3 VMs, 4 users, installations of one product on any device
/// (with a user or none), and 1–5 entitlements of any of five metrics, small quantities
/// and costs, some with a manual priority or true-up.
fn estates() -> impl Strategy<Value = Estate> {
    let hosts = prop::collection::vec((1u32..3, 1u32..9), 1..3);
    let vms = prop::collection::vec((0usize..2, 1u32..9), 0..4);
    let installs = prop::collection::vec((0usize..5, prop::option::of(0usize..4)), 1..8);
    let ents = prop::collection::vec(
        (
            0usize..METRICS.len(),
            0u64..6,
            0i64..5,
            prop::option::of(0i64..3),
            any::<bool>(),
        ),
        1..6,
    );
    (hosts, vms, installs, ents).prop_map(|(hosts, vms, installs, ents)| {
        let mut devices: Vec<Device> = hosts
            .iter()
            .enumerate()
            .map(|(i, &(sockets, cores))| Device {
                sockets,
                cores: cores * sockets,
                processor: Some("Intel Xeon".into()),
                ..Device::physical(format!("h{i}"))
            })
            .collect();
        for (i, &(h, cores)) in vms.iter().enumerate() {
            devices.push(Device {
                cores,
                ..Device::virtual_on(format!("v{i}"), format!("h{}", h % hosts.len()))
            });
        }
        let users: Vec<User> = (0..4)
            .map(|i| User {
                id: format!("u{i}"),
                org: None,
            })
            .collect();
        let mut installations: Vec<Installation> = installs
            .iter()
            .map(|&(d, u)| Installation {
                software: TagId::new("sw"),
                device: devices[d % devices.len()].id.clone(),
                user: u.map(|u| users[u].id.clone()),
                last_used: None,
            })
            .collect();
        installations.sort_by(|a, b| (&a.device, &a.user).cmp(&(&b.device, &b.user)));
        installations.dedup_by(|a, b| a.device == b.device && a.user == b.user);
        let entitlements = ents
            .iter()
            .enumerate()
            .map(|(i, &(m, q, cost, priority, true_up))| {
                let mut e = ent(&format!("E{i}"), METRICS[m].clone(), q, cost);
                e.priority = priority;
                e.true_up = true_up && i % 2 == 0;
                e
            })
            .collect();
        Estate {
            devices,
            software: vec![software()],
            installations,
            users,
            entitlements,
            ..Estate::default()
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn optimal_keeps_its_promise_against_every_allocator(estate in estates()) {
        let policy = Policy::new(as_of());
        let compared = compare(&estate, &policy, &[&Optimal, &Priority, &CheapestFirst]).unwrap();
        let optimal = &compared.runs[0].position;
        for run in &compared.runs {
            respects_capacities(&run.position)?;
            optimal_keeps_its_promise(optimal, &run.position)?;
            // Each run's gap is against the first (Optimal): the promise read from the other side.
            prop_assert!(run.gap.shortfall >= 0);
        }
        // reconcile_both is compare over (Priority, Optimal).
        let both = reconcile_both(&estate, &policy).unwrap();
        prop_assert_eq!(&both.optimal, optimal);
        prop_assert_eq!(&both.priority, &compared.runs[1].position);
        prop_assert_eq!(both.gap, Gap::between(&compared.runs[1].position, optimal));
        // The prepared problem is the one the allocators saw: its consumers are the
        // positions' (every metric line), counted or not.
        let prepared = prepare(&estate, &policy).unwrap();
        prop_assert_eq!(prepared.problem().consumers(), prepared.consumers());
    }
}
