//! Resource and user-defined metrics (issue 14 point 4): the golden scenarios' figures (hand
//! calculations in `tests/data/scenarios/{resource_metrics,multi_resource}/`), the catalogue
//! metrics as the definitions they are, a definition on the entitlement counting as the same
//! definition in the policy, pooling never needing more than counting per device, and the
//! refusals.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use proptest::prelude::*;
use serde_json::{Value, json};
use support::{assert_parts_merge_to_the_whole, scenario};

use itam_reconcile::itam_core::Decimal;
use itam_reconcile::itam_core::estate::{Estate, Metric};
use itam_reconcile::{
    Grant, GrantScope, MetricDefinition, Mode, Policy, Position, Reason, ReconcileError, Resource,
    reconcile, reconcile_both,
};

/// Per consumer of `product`: (name, units, covered).
fn consumers(p: &Position, product: &str) -> Vec<(String, u64, u64)> {
    p.consumers()
        .filter(|c| c.product.product == product)
        .map(|c| (c.name.to_owned(), c.units, c.covered))
        .collect()
}

fn rows(list: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    list.iter().map(|&(n, u, c)| (n.to_owned(), u, c)).collect()
}

/// The reasons of the decisions of `consumer` of `product`, by entitlement.
fn reasons(p: &Position, product: &str, consumer: &str) -> Vec<(String, Reason)> {
    p.decisions()
        .filter(|d| d.product.product == product && d.consumer == consumer)
        .map(|d| (d.entitlement.to_owned(), d.reason))
        .collect()
}

fn why(list: &[(&str, Reason)]) -> Vec<(String, Reason)> {
    list.iter().map(|&(e, r)| (e.to_owned(), r)).collect()
}

#[test]
fn the_resource_metrics_count_as_worked_by_hand() {
    let (e, policy) = scenario("resource_metrics");
    let both = reconcile_both(&e, &policy).unwrap();
    for p in [&both.priority, &both.optimal] {
        assert_eq!(
            consumers(p, "Cache"),
            rows(&[
                ("device:db-1", 256, 256),
                ("device:db-2", 96, 96),
                ("device:db-3", 48, 48),
                ("device:db-4", 1, 0),
            ])
        );
        assert_eq!(
            reasons(p, "Cache", "device:db-4"),
            why(&[("E-cache", Reason::FactMissing)])
        );
        assert_eq!(
            consumers(p, "Cluster"),
            rows(&[
                ("device:db-1", 1, 1),
                ("device:db-2", 1, 1),
                ("device:db-3", 1, 0)
            ])
        );
        assert_eq!(
            consumers(p, "Vault"),
            rows(&[
                ("device:bk-1", 13, 13),
                ("device:db-1", 3, 3),
                ("org:amer", 4, 4)
            ])
        );
        assert_eq!(
            consumers(p, "Pay"),
            rows(&[("org:amer", 300_000, 0), ("org:emea", 1_450_000, 1_450_000)])
        );
        assert_eq!(
            reasons(p, "Pay", "org:amer"),
            why(&[("E-pay", Reason::WrongOrganisation)])
        );
        assert_eq!(consumers(p, "Suite"), rows(&[("estate", 1, 1)]));
        assert_eq!(p.totals.shortfall, 300_002);
    }
}

#[test]
fn rights_granting_several_resources_count_as_worked_by_hand() {
    let (e, policy) = scenario("multi_resource");
    let both = reconcile_both(&e, &policy).unwrap();
    for p in [&both.priority, &both.optimal] {
        assert_eq!(
            consumers(p, "InMemory"),
            rows(&[
                ("device:h-1", 4, 4),
                ("device:h-2", 2, 2),
                ("device:h-3", 1, 1)
            ])
        );
        // Pooled over the estate: max(⌈384 ÷ 64⌉, 3) = 6, not the 7 of counting per device.
        assert_eq!(consumers(p, "Analytics"), rows(&[("estate", 6, 5)]));
        assert_eq!(consumers(p, "Api"), rows(&[("estate", 4, 4)]));
        assert_eq!(
            consumers(p, "Backup"),
            rows(&[
                ("device:bk-1", 10, 10),
                ("device:bk-2", 3, 3),
                ("device:bk-3", 1, 0)
            ])
        );
        assert_eq!(
            reasons(p, "Backup", "device:bk-3"),
            why(&[("E-backup", Reason::FactMissing)])
        );
    }
    // Two shapes of one product: Priority counts the cheaper unit's (5 copies, 500 EUR),
    // Optimal the cheaper shape per device (g-1 large 300 + g-2 small 100).
    let grid = |p: &Position| {
        p.entitlements
            .iter()
            .filter(|x| x.id.as_str().starts_with("E-grid"))
            .map(|x| (x.id.to_string(), x.consumed, x.cost))
            .collect::<Vec<_>>()
    };
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(
        grid(&both.priority),
        [
            ("E-grid-large".to_owned(), 0, d("0")),
            ("E-grid-small".to_owned(), 5, d("500"))
        ]
    );
    assert_eq!(
        grid(&both.optimal),
        [
            ("E-grid-large".to_owned(), 1, d("300")),
            ("E-grid-small".to_owned(), 1, d("100"))
        ]
    );
    let mut g1 = reasons(&both.priority, "Grid", "device:g-1");
    g1.sort();
    assert_eq!(
        g1,
        why(&[
            ("E-grid-large", Reason::TermsDiffer),
            ("E-grid-small", Reason::PriorityOrder)
        ])
    );
    // The definition is shown where the entitlement carries it, not where it is the policy's.
    let line = |name: &str| {
        both.priority
            .products
            .iter()
            .find(|l| l.product == name)
            .unwrap()
            .terms_text()
    };
    assert_eq!(line("InMemory"), "definition=memory_gb/64+nodes/1@device");
    assert_eq!(line("Analytics"), "");
}

#[test]
fn the_partitions_of_the_resource_scenarios_merge_to_the_whole_run() {
    for name in ["resource_metrics", "multi_resource"] {
        let (e, policy) = scenario(name);
        for parts in [2, 3] {
            assert_parts_merge_to_the_whole(&e, &policy, parts);
        }
    }
}

#[test]
fn a_name_nobody_defined_is_still_refused() {
    let (mut e, mut policy) = scenario("multi_resource");
    policy.params.definitions.clear();
    e.entitlements.retain(|x| x.id.as_str() == "E-analytics");
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(
        reasons(&p, "Analytics", "device:h-1"),
        why(&[("E-analytics", Reason::UnknownMetric)])
    );
}

#[test]
fn definitions_that_cannot_count_are_refused_with_their_path() {
    let (e, policy) = scenario("multi_resource");
    let mut bad = e.clone();
    let def = bad.entitlements[0].terms.definition.as_mut().unwrap();
    def.resources[0].per_unit = Decimal::ZERO;
    match reconcile(&bad, &policy) {
        Err(ReconcileError::InvalidTerms { at, why }) => {
            assert_eq!(at, "/entitlements/0/terms");
            assert!(why.contains("per_unit 0"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    let mut twice = e.clone();
    let def = twice.entitlements[0].terms.definition.as_mut().unwrap();
    def.resources[1].resource = Resource::MemoryGb;
    assert!(matches!(
        reconcile(&twice, &policy),
        Err(ReconcileError::InvalidTerms { why, .. }) if why.contains("granted twice")
    ));
    let mut empty = policy;
    empty
        .params
        .definitions
        .get_mut("analytics_unit")
        .unwrap()
        .resources
        .clear();
    match reconcile(&e, &empty) {
        Err(ReconcileError::InvalidTerms { at, .. }) => {
            assert_eq!(at, "/params/definitions/analytics_unit");
        }
        other => panic!("{other:?}"),
    }
    // A resource name that does not read is a JSON error that names it.
    let text = r#"{"resources": [{"resource": "memory"}]}"#;
    let err = serde_json::from_str::<MetricDefinition>(text).unwrap_err();
    assert!(err.to_string().contains("\"memory\""), "{err}");
    assert!(
        serde_json::from_str::<MetricDefinition>(r#"{"resources": [{"resource": "attribute:"}]}"#)
            .is_err()
    );
}

#[test]
fn a_measurement_of_an_unknown_software_or_device_is_refused() {
    let (mut e, policy) = scenario("resource_metrics");
    e.measurements[0].device = Some("nowhere".into());
    match reconcile(&e, &policy) {
        Err(ReconcileError::UnknownReference { what, at, id }) => {
            assert_eq!(
                (what, at.as_str(), id.as_str()),
                ("device", "/measurements/0/device", "nowhere")
            );
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Properties over generated estates.

/// A device: (cores, memory_gb, storage_tb attribute).
type Dev = (u32, Option<u32>, Option<u32>);

/// An estate of one product `Acme/P` on `devices`, installed per `installs` (device, user),
/// measured per `measures` (device or none, value, org 0/1/none), with one entitlement of
/// `metric` and `terms`, `quantity` units.
fn estate(
    devices: &[Dev],
    installs: &[(usize, u8)],
    measures: &[(Option<usize>, u32, Option<u8>)],
    metric: &str,
    terms: Value,
    quantity: u32,
) -> Estate {
    let n = devices.len();
    let org = |o: u8| if o == 0 { "emea" } else { "amer" };
    let devs: Vec<Value> = devices
        .iter()
        .enumerate()
        .map(|(i, &(cores, mem, tb))| {
            let mut d = json!({"id": format!("d{i}"), "cores": cores, "org": org((i % 2) as u8)});
            if let Some(m) = mem {
                d["memory_gb"] = json!(m);
            }
            if let Some(t) = tb {
                d["attributes"] = json!({"storage_tb": t});
            }
            d
        })
        .collect();
    let inst: Vec<Value> = installs
        .iter()
        .map(|&(d, u)| json!({"software": "p-1", "device": format!("d{}", d % n), "user": format!("u{u}")}))
        .collect();
    let meas: Vec<Value> = measures
        .iter()
        .map(|&(d, v, o)| {
            let mut x = json!({"software": "p-1", "resource": "capacity", "value": v});
            if let Some(d) = d {
                x["device"] = json!(format!("d{}", d % n));
            }
            if let Some(o) = o {
                x["org"] = json!(org(o));
            }
            x
        })
        .collect();
    serde_json::from_value(json!({
        "devices": devs,
        "software": [{"tag_id": "p-1", "publisher": "Acme", "product": "P", "version": "1"}],
        "installations": inst,
        "measurements": meas,
        "entitlements": [{"id": "E", "scope": {"product": "P"}, "metric": metric,
                          "quantity": quantity, "terms": terms}],
    }))
    .unwrap()
}

fn devices() -> impl Strategy<Value = Vec<Dev>> {
    prop::collection::vec(
        (
            1u32..64,
            prop::option::weighted(0.8, 0u32..600),
            prop::option::weighted(0.8, 0u32..30),
        ),
        1..6,
    )
}

fn grants() -> impl Strategy<Value = MetricDefinition> {
    let resource = prop::sample::select(vec![
        Resource::Installations,
        Resource::Nodes,
        Resource::Cores,
        Resource::Processors,
        Resource::MemoryGb,
        Resource::Users,
        Resource::Attribute("storage_tb".into()),
        Resource::Measured("capacity".into()),
    ]);
    (
        prop::collection::btree_map(resource, 1u32..100, 1..4),
        prop::bool::ANY,
    )
        .prop_map(|(m, pooled)| MetricDefinition {
            resources: m
                .into_iter()
                .map(|(resource, per)| Grant {
                    resource,
                    per_unit: per.into(),
                })
                .collect(),
            scope: if pooled {
                GrantScope::Estate
            } else {
                GrantScope::Device
            },
        })
}

/// (consumer, units, covered) of every consumer, and the totals' covered and shortfall.
fn figures(p: &Position) -> (Vec<(String, u64, u64)>, u64, u64) {
    (
        p.consumers()
            .map(|c| (c.name.to_owned(), c.units, c.covered))
            .collect(),
        p.totals.covered,
        p.totals.shortfall,
    )
}

fn policy() -> Policy {
    Policy::new(chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A definition on the entitlement counts exactly as the same definition in the policy,
    /// in both modes; only the line's terms differ.
    #[test]
    fn a_definition_on_the_entitlement_counts_as_the_same_in_the_policy(
        devs in devices(),
        installs in prop::collection::vec((0usize..6, 0u8..3), 0..10),
        measures in prop::collection::vec((prop::option::of(0usize..6), 0u32..5000, prop::option::of(0u8..2)), 0..5),
        def in grants(),
        quantity in 0u32..400,
    ) {
        let own = estate(&devs, &installs, &measures, "custom", json!({"definition": def}), quantity);
        let plain = estate(&devs, &installs, &measures, "custom", json!({}), quantity);
        let mut defined = policy();
        defined.params.definitions.insert("custom".into(), def.clone());
        for mode in [Mode::Priority, Mode::Optimal] {
            let a = reconcile(&own, &policy().with_mode(mode)).unwrap();
            let b = reconcile(&plain, &defined.clone().with_mode(mode)).unwrap();
            prop_assert_eq!(figures(&a), figures(&b));
            for line in &a.products {
                prop_assert_eq!(line.terms_text(), format!("definition={}", def.text()));
            }
        }
    }

    /// Pooling over the estate never needs more units than counting per device, when every
    /// fact is known (the most of the sums is at most the sum of the mosts).
    #[test]
    fn pooling_never_needs_more_than_counting_per_device(
        devs in devices(),
        installs in prop::collection::vec((0usize..6, 0u8..3), 1..10),
        measures in prop::collection::vec((prop::option::of(0usize..6), 0u32..5000, prop::option::of(0u8..2)), 0..5),
        mut def in grants(),
    ) {
        let known: Vec<Dev> = devs.iter().map(|&(c, m, t)| (c, m.or(Some(0)), t.or(Some(0)))).collect();
        def.scope = GrantScope::Device;
        let per_device = estate(&known, &installs, &measures, "custom", json!({"definition": def}), 0);
        def.scope = GrantScope::Estate;
        let pooled = estate(&known, &installs, &measures, "custom", json!({"definition": def}), 0);
        let a = reconcile(&per_device, &policy()).unwrap();
        let b = reconcile(&pooled, &policy()).unwrap();
        prop_assert!(b.totals.demand <= a.totals.demand, "{} > {}", b.totals.demand, a.totals.demand);
        prop_assert!(b.totals.demand >= 1);
    }

    /// `memory` and `capacity` are the definitions of one resource per device; `node` counts
    /// as `device`.
    #[test]
    fn the_catalogue_resource_metrics_are_their_definitions(
        devs in devices(),
        installs in prop::collection::vec((0usize..6, 0u8..3), 0..10),
        measures in prop::collection::vec((prop::option::of(0usize..6), 0u32..5000, prop::option::of(0u8..2)), 0..5),
        quantity in 0u32..400,
    ) {
        let one = |r: Resource| json!({"definition": MetricDefinition {
            resources: vec![Grant { resource: r, per_unit: 1u32.into() }],
            scope: GrantScope::Device,
        }});
        let pairs = [
            (Metric::Memory, one(Resource::MemoryGb)),
            (Metric::Capacity, one(Resource::Measured("capacity".into()))),
            (Metric::Node, one(Resource::Nodes)),
        ];
        for (metric, terms) in pairs {
            let a = estate(&devs, &installs, &measures, metric.as_str(), json!({}), quantity);
            let b = estate(&devs, &installs, &measures, "custom", terms, quantity);
            for mode in [Mode::Priority, Mode::Optimal] {
                let pa = reconcile(&a, &policy().with_mode(mode)).unwrap();
                let pb = reconcile(&b, &policy().with_mode(mode)).unwrap();
                prop_assert_eq!(figures(&pa), figures(&pb), "{}", metric);
            }
        }
        let a = estate(&devs, &installs, &measures, "node", json!({}), quantity);
        let b = estate(&devs, &installs, &measures, "device", json!({}), quantity);
        prop_assert_eq!(figures(&reconcile(&a, &policy()).unwrap()), figures(&reconcile(&b, &policy()).unwrap()));
    }
}
