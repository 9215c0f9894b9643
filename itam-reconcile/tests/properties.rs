//! Property tests of the engine (bounded case counts): input order, monotonicity, Optimal
//! against Priority and against an independent brute-force solver, expiry, conservation.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may fail loudly

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::{
    Device, Entitlement, Environment, Estate, Installation, Metric, Pin, ProductScope, Software,
};
use itam_reconcile::itam_core::version::{Bound, VersionRange, VersionScheme};
use itam_reconcile::itam_core::{AssetId, Decimal, TagId};
use itam_reconcile::{Decision, Mode, Policy, Position, Reason, reconcile, reconcile_both};
use proptest::prelude::*;

const METRICS: [Metric; 4] = [
    Metric::Device,
    Metric::Installation,
    Metric::Core,
    Metric::NamedUser,
];
const ORGS: [&str; 3] = ["a", "a/x", "b"];

#[derive(Debug, Clone)]
struct EntSpec {
    lo: Option<u8>,
    hi: Option<u8>,
    downgrade: bool,
    quantity: u64,
    end: Option<i64>,
    cost: u32,
    org: Option<usize>,
    pin: Option<usize>,
    true_up: bool,
    secondary_use: bool,
}

#[derive(Debug, Clone)]
struct Case {
    metric: usize,
    devices: Vec<(u32, bool, usize)>,
    installs: Vec<(usize, u8, u8)>,
    ents: Vec<EntSpec>,
}

fn ent_spec() -> impl Strategy<Value = EntSpec> {
    (
        (
            proptest::option::of(0u8..3),
            proptest::option::of(0u8..3),
            any::<bool>(),
        ),
        (
            0u64..4,
            proptest::option::weighted(0.3, -40i64..40),
            0u32..4,
        ),
        (
            proptest::option::weighted(0.2, 0usize..3),
            proptest::option::weighted(0.15, 0usize..4),
        ),
        (
            proptest::bool::weighted(0.15),
            proptest::bool::weighted(0.2),
        ),
    )
        .prop_map(
            |((lo, hi, downgrade), (quantity, end, cost), (org, pin), (true_up, secondary_use))| {
                EntSpec {
                    lo,
                    hi,
                    downgrade,
                    quantity,
                    end,
                    cost,
                    org,
                    pin,
                    true_up,
                    secondary_use,
                }
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        0usize..4,
        proptest::collection::vec((1u32..4, proptest::bool::weighted(0.15), 0usize..3), 1..5),
        proptest::collection::vec((0usize..5, 0u8..3, 0u8..3), 0..7),
        proptest::collection::vec(ent_spec(), 0..4),
    )
        .prop_map(|(metric, devices, installs, ents)| Case {
            metric,
            devices,
            installs,
            ents,
        })
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn entitlement(i: usize, s: &EntSpec, metric: &Metric) -> Entitlement {
    let bound =
        |v: Option<u8>| v.map_or(Bound::Unbounded, |v| Bound::Inclusive(format!("{}", v + 1)));
    let mut e = Entitlement::new(
        format!("E{i}"),
        ProductScope {
            product: Some("App".into()),
            versions: VersionRange::new(VersionScheme::MultipartNumeric, bound(s.lo), bound(s.hi))
                .into(),
            ..ProductScope::default()
        },
        metric.clone(),
        s.quantity,
    );
    e.rights.downgrade = s.downgrade;
    e.rights.secondary_use = s.secondary_use;
    e.end = s.end.map(|d| as_of() + chrono::Duration::days(d));
    e.unit_cost = Some(Decimal::from(s.cost));
    e.org = s.org.and_then(|o| ORGS.get(o)).map(|o| (*o).to_owned());
    e.pinned = s
        .pin
        .map(|d| Pin::Device(AssetId::new(format!("d{d}"))))
        .into_iter()
        .collect();
    e.true_up = s.true_up;
    e
}

fn estate(c: &Case) -> Estate {
    let metric = &METRICS[c.metric];
    Estate {
        devices: c
            .devices
            .iter()
            .enumerate()
            .map(|(i, &(cores, dr, org))| Device {
                cores,
                environment: if dr {
                    Environment::DisasterRecovery
                } else {
                    Environment::Production
                },
                org: ORGS.get(org).map(|o| (*o).to_owned()),
                ..Device::physical(format!("d{i}"))
            })
            .collect(),
        users: Vec::new(),
        software: (0..3)
            .map(|v| Software {
                tag_id: TagId::new(format!("app-{v}")),
                publisher: "Acme".into(),
                product: "App".into(),
                edition: None,
                version: format!("{}", v + 1),
                version_scheme: VersionScheme::MultipartNumeric,
            })
            .collect(),
        installations: c
            .installs
            .iter()
            .map(|&(d, v, u)| Installation {
                software: TagId::new(format!("app-{v}")),
                device: AssetId::new(format!("d{}", d % c.devices.len())),
                user: Some(format!("user{u}")),
                last_used: None,
            })
            .collect(),
        usage_peaks: Vec::new(),
        capacity_samples: Vec::new(),
        measurements: Vec::new(),
        entitlements: c
            .ents
            .iter()
            .enumerate()
            .map(|(i, s)| entitlement(i, s, metric))
            .collect(),
    }
}

fn policy(mode: Mode) -> Policy {
    Policy::new(as_of()).with_mode(mode)
}

/// Conservation checks that hold for any position.
fn conserved(p: &Position) -> Result<(), TestCaseError> {
    let t = &p.totals;
    prop_assert_eq!(t.demand, t.covered + t.exempt + t.shortfall);
    let consumed: u64 = p.entitlements.iter().map(|e| e.consumed).sum();
    let covered: u64 = p.consumers().map(|c| c.covered).sum();
    prop_assert_eq!(consumed, covered);
    prop_assert_eq!(covered, t.covered);
    let decided: u64 = p
        .decisions()
        .filter(|d| d.decision == Decision::Consumed)
        .map(|d| d.units)
        .sum();
    prop_assert_eq!(decided, t.covered);
    for c in p.consumers() {
        prop_assert!(c.covered <= c.units);
        if c.exempt {
            prop_assert_eq!(c.covered, 0);
        }
    }
    for e in &p.entitlements {
        if !e.unlimited {
            prop_assert!(
                e.consumed <= e.entitled + e.true_up,
                "{} over-consumed",
                e.id
            );
            prop_assert!(e.true_up == 0 || e.consumed > e.entitled);
        }
        if e.status != itam_reconcile::Status::Active {
            prop_assert_eq!(e.consumed, 0);
        }
    }
    prop_assert_eq!(t.consumers, p.consumers().count() as u64);
    Ok(())
}

/// The brute-force optimum of the allocation problem: over every integer split of every
/// consumer's units among the entitlements the engine found eligible for it, the maximum
/// coverage, then the minimum cost.
fn brute_force(p: &Position) -> (u64, Decimal) {
    struct Item {
        units: u64,
        eligible: Vec<usize>,
    }
    let ent_index = |id: &str| p.entitlements.iter().position(|e| e.id == id).unwrap();
    let mut items = Vec::new();
    for c in p.consumers() {
        if c.exempt {
            continue;
        }
        let eligible: Vec<usize> = p
            .decisions()
            .filter(|d| d.consumer == c.name && d.product.key() == c.product.key())
            .filter(|d| {
                d.decision == Decision::Consumed
                    || d.decision == Decision::NotAssessed
                    || d.reason == Reason::CapacityExhausted
            })
            .map(|d| ent_index(d.entitlement))
            .collect();
        items.push(Item {
            units: c.units,
            eligible,
        });
    }
    let caps: Vec<u64> = p
        .entitlements
        .iter()
        .map(|e| {
            if e.unlimited || e.entitled + e.true_up > e.entitled || is_true_up(p, &e.id) {
                u64::MAX
            } else {
                e.entitled
            }
        })
        .collect();
    let costs: Vec<Decimal> = p
        .entitlements
        .iter()
        .map(|e| {
            if e.consumed > 0 {
                e.cost / Decimal::from(e.consumed)
            } else {
                unit_cost(p, &e.id)
            }
        })
        .collect();
    fn go(
        items: &[Item],
        i: usize,
        caps: &mut Vec<u64>,
        costs: &[Decimal],
        best: &mut (u64, Decimal),
        acc: (u64, Decimal),
    ) {
        let Some(item) = items.get(i) else {
            if acc.0 > best.0 || (acc.0 == best.0 && acc.1 < best.1) {
                *best = acc;
            }
            return;
        };
        split(
            items,
            i,
            item.units,
            &item.eligible,
            0,
            caps,
            costs,
            best,
            acc,
        );
    }
    #[allow(clippy::too_many_arguments)]
    fn split(
        items: &[Item],
        i: usize,
        left: u64,
        el: &[usize],
        k: usize,
        caps: &mut Vec<u64>,
        costs: &[Decimal],
        best: &mut (u64, Decimal),
        acc: (u64, Decimal),
    ) {
        let Some(&e) = el.get(k) else {
            go(items, i + 1, caps, costs, best, acc);
            return;
        };
        let max = left.min(caps[e]);
        for x in 0..=max {
            caps[e] -= x;
            split(
                items,
                i,
                left - x,
                el,
                k + 1,
                caps,
                costs,
                best,
                (acc.0 + x, acc.1 + costs[e] * Decimal::from(x)),
            );
            caps[e] += x;
        }
    }
    let mut best = (0, Decimal::ZERO);
    let mut caps = caps;
    go(&items, 0, &mut caps, &costs, &mut best, (0, Decimal::ZERO));
    best
}

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Estate>> = const { std::cell::RefCell::new(None) };
}

fn is_true_up(_p: &Position, id: &str) -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|e| e.entitlements.iter().any(|x| x.id == id && x.true_up))
    })
}

fn unit_cost(_p: &Position, id: &str) -> Decimal {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|e| {
                e.entitlements
                    .iter()
                    .find(|x| x.id == id)
                    .and_then(|x| x.unit_cost)
            })
            .unwrap_or(Decimal::ZERO)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn input_order_does_not_change_the_position(c in case()) {
        let e = estate(&c);
        let mut r = e.clone();
        r.devices.reverse();
        r.software.reverse();
        r.installations.reverse();
        r.entitlements.reverse();
        let k = usize::from(!r.entitlements.is_empty());
        r.entitlements.rotate_left(k);
        for mode in [Mode::Priority, Mode::Optimal] {
            let a = reconcile(&e, &policy(mode)).unwrap();
            let b = reconcile(&r, &policy(mode)).unwrap();
            prop_assert_eq!(a.to_text(), b.to_text());
            prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        }
    }

    #[test]
    fn counts_are_conserved_and_optimal_covers_at_least_priority(c in case()) {
        let both = reconcile_both(&estate(&c), &policy(Mode::Priority)).unwrap();
        conserved(&both.priority)?;
        conserved(&both.optimal)?;
        prop_assert!(both.optimal.totals.covered >= both.priority.totals.covered);
        prop_assert!(both.gap.covered >= 0 && both.gap.shortfall <= 0);
        if both.gap.covered == 0 {
            prop_assert!(both.optimal.totals.cost <= both.priority.totals.cost);
        }
    }

    #[test]
    fn adding_an_entitlement_never_increases_a_shortfall(c in case(), extra in ent_spec()) {
        let extra = EntSpec { pin: None, ..extra };
        let before = estate(&c);
        let mut after = before.clone();
        after.entitlements.push(entitlement(99, &extra, &METRICS[c.metric]));
        for mode in [Mode::Priority, Mode::Optimal] {
            // The product keeps its metric (with no entitlement it is counted in the default).
            let mut pol = policy(mode);
            pol.default_metric = METRICS[c.metric].clone();
            let a = reconcile(&before, &pol).unwrap();
            let b = reconcile(&after, &pol).unwrap();
            prop_assert!(b.totals.shortfall <= a.totals.shortfall, "{mode:?}: {} -> {}", a.totals.shortfall, b.totals.shortfall);
        }
    }

    #[test]
    fn moving_as_of_past_an_end_date_never_revives(c in case(), days in 1i64..60) {
        let e = estate(&c);
        let early = reconcile(&e, &policy(Mode::Optimal)).unwrap();
        let mut later_policy = policy(Mode::Optimal);
        later_policy.as_of = as_of() + chrono::Duration::days(days);
        let later = reconcile(&e, &later_policy).unwrap();
        for (x, y) in early.entitlements.iter().zip(&later.entitlements) {
            prop_assert_eq!(&x.id, &y.id);
            if x.status == itam_reconcile::Status::Expired {
                prop_assert_eq!(y.status, itam_reconcile::Status::Expired);
                prop_assert_eq!(y.consumed, 0);
            }
            if y.end.is_some_and(|end| end < later_policy.as_of) {
                prop_assert_eq!(y.consumed, 0);
            }
        }
    }

    #[test]
    fn optimal_equals_an_independent_brute_force(c in case()) {
        let e = estate(&c);
        CURRENT.with(|cur| *cur.borrow_mut() = Some(e.clone()));
        let p = reconcile(&e, &policy(Mode::Optimal)).unwrap();
        let (covered, cost) = brute_force(&p);
        prop_assert_eq!(p.totals.covered, covered);
        prop_assert_eq!(p.totals.cost, cost);
    }
}
