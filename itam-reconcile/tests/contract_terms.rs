//! Contract terms on the entitlement (issue 14 point 1): the golden scenarios' figures (their
//! hand calculations are in `tests/data/scenarios/contract_terms*/README.md`), what the
//! figures would be under the policy's defaults, the policy as the default of every term,
//! the refusals, partitioning, the table, and a property: terms on every entitlement count
//! exactly as the same values in the policy.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use support::scenario;

use chrono::NaiveDate;
use itam_reconcile::itam_core::Decimal;
use itam_reconcile::itam_core::estate::{Device, Entitlement, Estate, Metric};
use itam_reconcile::{
    Aggregation, InstallRounding, Policy, Position, Reason, ReconcileError, Rounding, Stacking,
    Terms, Tier, TierBasis, reconcile, reconcile_both,
};
use proptest::prelude::*;

/// (product, demand, covered, shortfall, terms text) per product line.
fn lines(p: &Position) -> Vec<(String, u64, u64, u64, String)> {
    p.products
        .iter()
        .map(|l| {
            (
                l.product.clone(),
                l.demand,
                l.covered,
                l.shortfall,
                l.terms_text(),
            )
        })
        .collect()
}

fn line<'p>(p: &'p Position, product: &str) -> &'p itam_reconcile::ProductLine {
    p.products
        .iter()
        .find(|l| l.product == product)
        .unwrap_or_else(|| panic!("no line of {product}"))
}

fn ent<'e>(e: &'e mut Estate, id: &str) -> &'e mut Entitlement {
    e.entitlements
        .iter_mut()
        .find(|x| x.id.as_str() == id)
        .unwrap()
}

#[test]
fn installations_and_tiers_count_under_each_contract() {
    let (e, policy) = scenario("contract_terms");
    let both = reconcile_both(&e, &policy).unwrap();
    let p = &both.priority;
    assert_eq!(line(p, "Toolkit").demand, 5);
    assert_eq!(line(p, "Viewer").demand, 2);
    assert_eq!(line(p, "Render").demand, 28);
    assert_eq!(
        (line(p, "Gateway").demand, line(p, "Gateway").shortfall),
        (3, 1)
    );
    assert_eq!(
        line(p, "Toolkit").terms_text(),
        "installs_per_licence=4;install_rounding=nearest"
    );
    // Priority: Designer counted under the single licence's rule, the pack rejected.
    assert_eq!(
        (line(p, "Designer").demand, line(p, "Designer").shortfall),
        (3, 1)
    );
    assert!(line(p, "Designer").terms.is_none());
    let rejected: Vec<(&str, &str)> = p
        .decisions()
        .filter(|d| d.product.product == "Designer" && d.reason == Reason::TermsDiffer)
        .map(|d| (d.consumer, d.entitlement))
        .collect();
    assert_eq!(
        rejected,
        [
            ("device:ws-1", "E-designer-pack"),
            ("device:ws-2", "E-designer-pack")
        ]
    );
    // Optimal: ws-1 under the pack, ws-2 under the single licence, all covered for 80.
    let o = &both.optimal;
    let designer: Vec<_> = lines(o).into_iter().filter(|l| l.0 == "Designer").collect();
    assert_eq!(
        designer,
        [
            ("Designer".into(), 1, 1, 0, String::new()),
            (
                "Designer".into(),
                1,
                1,
                0,
                "installs_per_licence=2;install_rounding=up".into()
            )
        ]
    );
    assert_eq!(o.totals.shortfall, 1);
    assert_eq!(o.totals.cost, Decimal::from(4100));
    assert!(both.gap.metrics_differ);
}

#[test]
fn without_the_terms_the_policy_defaults_count() {
    let (mut e, policy) = scenario("contract_terms");
    for x in &mut e.entitlements {
        x.terms = Terms::default();
    }
    let p = reconcile(&e, &policy).unwrap();
    // Up, 1 per licence: 3 + 1 + 5 + 6 installations; 1 + 5.
    assert_eq!(line(&p, "Toolkit").demand, 15);
    assert_eq!(line(&p, "Viewer").demand, 6);
    // One band of factor 1 over the cores: 48 for both.
    assert_eq!(line(&p, "Render").demand, 48);
    assert_eq!(line(&p, "Gateway").demand, 48);
    assert!(p.products.iter().all(|l| l.terms.is_none()));
    // The pack is then the single licence's rule: one line, no rejection for terms.
    assert_eq!(
        p.products
            .iter()
            .filter(|l| l.product == "Designer")
            .count(),
        1
    );
    assert!(p.decisions().all(|d| d.reason != Reason::TermsDiffer));

    // Rounded up, the Toolkit's 4 per licence needs one more than nearest.
    let (mut e, policy) = scenario("contract_terms");
    ent(&mut e, "E-toolkit").terms.install_rounding = None;
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(line(&p, "Toolkit").demand, 6);
    assert_eq!(line(&p, "Toolkit").shortfall, 1);
    ent(&mut e, "E-toolkit").terms.install_rounding = Some(InstallRounding::Down);
    let p = reconcile(&e, &policy).unwrap();
    // max(1, ⌊3/4⌋) + max(1, ⌊1/4⌋) + ⌊5/4⌋ + ⌊6/4⌋.
    assert_eq!(line(&p, "Toolkit").demand, 4);
}

#[test]
fn oracle_and_windows_count_under_each_contract() {
    let (e, policy) = scenario("contract_terms_servers");
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(line(&p, "Database").demand, 4);
    assert_eq!(line(&p, "Business Intelligence").demand, 5);
    assert_eq!(line(&p, "WebLogic Server").demand, 20);
    assert_eq!(
        (
            line(&p, "Windows Server").demand,
            line(&p, "Windows Server").shortfall
        ),
        (64, 16)
    );
    assert!(line(&p, "Business Intelligence").terms.is_none());
    let db: Vec<&str> = p
        .consumers()
        .filter(|c| c.product.product == "Database")
        .map(|c| c.name)
        .collect();
    assert_eq!(db, ["estate"]);

    let (mut e, _) = scenario("contract_terms_servers");
    for x in &mut e.entitlements {
        x.terms = Terms::default();
    }
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(line(&p, "Database").demand, 5);
    assert_eq!(line(&p, "WebLogic Server").demand, 50);
    assert_eq!(line(&p, "Windows Server").demand, 48);
    assert_eq!(line(&p, "Windows Server").shortfall, 0);

    // Each server rounded up alone over the estate's sum: back to 2 + 3.
    let (mut e, _) = scenario("contract_terms_servers");
    ent(&mut e, "ORA-DB-EE-PROC").terms.oracle_rounding = Some(Rounding::EachServer);
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(line(&p, "Database").demand, 5);
}

#[test]
fn a_term_equal_to_the_policy_or_not_read_by_the_metric_splits_nothing() {
    let (mut e, policy) = scenario("contract_terms");
    // The pack's terms written as the policy's: one rule with the single licence.
    ent(&mut e, "E-designer-pack").terms = Terms {
        installs_per_licence: Some(1),
        install_rounding: Some(InstallRounding::Up),
        // Not read by `installation`.
        windows_stacking: Some(Stacking::Cluster),
        tiers: Some(vec![Tier {
            up_to: None,
            factor: Decimal::TWO,
        }]),
        ..Terms::default()
    };
    let both = reconcile_both(&e, &policy).unwrap();
    for p in [&both.priority, &both.optimal] {
        let designer: Vec<_> = p
            .products
            .iter()
            .filter(|l| l.product == "Designer")
            .collect();
        assert_eq!(designer.len(), 1);
        assert!(designer[0].terms.is_none());
        assert_eq!((designer[0].demand, designer[0].covered), (3, 3));
    }
}

#[test]
fn the_policy_holds_the_default_of_every_term() {
    let (mut e, mut policy) = scenario("contract_terms");
    ent(&mut e, "E-toolkit").terms = Terms::default();
    policy.params.installs_per_licence = 4;
    policy.params.install_rounding = InstallRounding::Nearest;
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(line(&p, "Toolkit").demand, 5);
    // The policy's own parameters show no terms.
    assert!(line(&p, "Toolkit").terms.is_none());
    // A contract of the old default against that policy now shows its terms.
    ent(&mut e, "E-toolkit").terms.installs_per_licence = Some(1);
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(line(&p, "Toolkit").demand, 15);
    assert_eq!(
        line(&p, "Toolkit").terms_text(),
        "installs_per_licence=1;install_rounding=nearest"
    );
}

#[test]
fn terms_that_cannot_count_are_refused_with_their_path() {
    let (e, policy) = scenario("contract_terms");
    let cases: [(&str, Terms, &str); 4] = [
        (
            "E-toolkit",
            Terms {
                installs_per_licence: Some(0),
                ..Terms::default()
            },
            "installs_per_licence",
        ),
        (
            "E-render",
            Terms {
                tiers: Some(Vec::new()),
                ..Terms::default()
            },
            "tiers is empty",
        ),
        (
            "E-render",
            Terms {
                tiers: Some(vec![
                    Tier {
                        up_to: Some(16),
                        factor: Decimal::ONE,
                    },
                    Tier {
                        up_to: Some(8),
                        factor: Decimal::ONE,
                    },
                ]),
                ..Terms::default()
            },
            "tiers/1",
        ),
        (
            "E-viewer",
            Terms {
                core_pack: Some(0),
                ..Terms::default()
            },
            "core_pack",
        ),
    ];
    for (id, terms, says) in cases {
        let mut e = e.clone();
        ent(&mut e, id).terms = terms;
        let at = e
            .entitlements
            .iter()
            .position(|x| x.id.as_str() == id)
            .unwrap();
        match reconcile(&e, &policy) {
            Err(ReconcileError::InvalidTerms { at: path, why }) => {
                assert_eq!(path, format!("/entitlements/{at}/terms"));
                assert!(why.contains(says), "{why}");
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    // Unknown terms do not read.
    let bad = r#"{"id": "E", "scope": {}, "metric": "installation", "quantity": 1,
                  "terms": {"installs_per_license": 2}}"#;
    assert!(serde_json::from_str::<Entitlement>(bad).is_err());
}

#[test]
fn the_json_the_text_and_the_table_show_the_terms() {
    let (e, policy) = scenario("contract_terms_servers");
    let p = reconcile(&e, &policy).unwrap();
    let json = serde_json::to_value(&p).unwrap();
    let windows = json["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["product"] == "Windows Server")
        .unwrap();
    assert_eq!(
        windows["terms"],
        serde_json::json!({"windows_stacking": "cluster", "license_mobility": false})
    );
    let bi = json["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["product"] == "Business Intelligence")
        .unwrap();
    assert!(bi.get("terms").is_none());
    let table = p.to_table();
    assert!(
        table.contains(
            "Microsoft/Windows Server/Standard (windows_server_standard): counted under the \
             contract's terms windows_stacking=cluster license_mobility=false"
        ),
        "{table}"
    );
    assert!(!table.contains("Business Intelligence/Enterprise (oracle_processor)"));
    assert!(
        p.to_text()
            .contains(" terms=windows_stacking=cluster;license_mobility=false")
    );
}

#[test]
fn partitions_count_each_contract_as_the_whole_run_does() {
    // Org-scoped entitlements of one rule split by org; of two rules they do not.
    let (mut e, policy) = scenario("contract_terms");
    for (i, d) in e.devices.iter_mut().enumerate() {
        d.org = Some(if i % 2 == 0 { "emea" } else { "amer" }.into());
    }
    let mut amer = ent(&mut e, "E-toolkit").clone();
    amer.id = "E-toolkit-amer".into();
    amer.org = Some("amer".into());
    ent(&mut e, "E-toolkit").org = Some("emea".into());
    e.entitlements.push(amer);
    for split_rules in [false, true] {
        if split_rules {
            ent(&mut e, "E-toolkit-amer").terms.install_rounding = Some(InstallRounding::Up);
        }
        support::assert_parts_merge_to_the_whole(&e, &policy, 4);
    }
}

/// A product on a few hosts and VMs, counted in `metric` with one entitlement.
fn estates() -> impl Strategy<Value = (Estate, Metric)> {
    let metric = prop::sample::select(vec![
        Metric::Installation,
        Metric::Core,
        Metric::Tiered,
        Metric::OracleProcessor,
        Metric::OracleNup,
        Metric::WindowsServerStandard,
        Metric::WindowsServerDatacenter,
    ]);
    let hosts = prop::collection::vec((1u32..4, 1u32..40, 0u8..3), 1..4);
    let vms = prop::collection::vec((0usize..4, 1u32..16), 0..5);
    let installs = prop::collection::vec((0usize..9, 0u8..4), 1..14);
    (metric, hosts, vms, installs, 0u64..60).prop_map(|(metric, hosts, vms, installs, qty)| {
        let mut devices: Vec<Device> = Vec::new();
        for (i, &(sockets, cores, cluster)) in hosts.iter().enumerate() {
            let mut d = Device::physical(format!("h{i}"));
            d.sockets = sockets;
            d.cores = cores;
            d.processor = Some("Intel Xeon".into());
            d.cluster = (cluster > 0).then(|| format!("c{cluster}"));
            devices.push(d);
        }
        for (i, &(host, cores)) in vms.iter().enumerate() {
            let mut d = Device::virtual_on(format!("v{i}"), format!("h{}", host % hosts.len()));
            d.cores = cores;
            devices.push(d);
        }
        let n = devices.len();
        let installations: Vec<serde_json::Value> = installs
            .iter()
            .map(|&(d, user)| {
                serde_json::json!({"software": "p-1", "device": devices[d % n].id, "user": format!("u{user}")})
            })
            .collect();
        let users: Vec<serde_json::Value> =
            (0..4).map(|u| serde_json::json!({"id": format!("u{u}")})).collect();
        let json = serde_json::json!({
            "devices": devices,
            "users": users,
            "software": [{"tag_id": "p-1", "publisher": "Acme", "product": "Product", "version": "1.0"}],
            "installations": installations,
            "entitlements": [{"id": "E-1", "scope": {"product": "Product"}, "metric": metric.as_str(), "quantity": qty}],
        });
        (serde_json::from_value(json).unwrap(), metric)
    })
}

fn terms() -> impl Strategy<Value = Terms> {
    let rounding = prop::sample::select(vec![
        InstallRounding::Up,
        InstallRounding::Nearest,
        InstallRounding::Down,
    ]);
    let aggregation = prop::sample::select(vec![
        Aggregation::Host,
        Aggregation::Cluster,
        Aggregation::CoreFactorGroup,
        Aggregation::Estate,
    ]);
    let tiers = prop::collection::vec((1u64..12, 0u32..8), 1..4).prop_map(|bands| {
        let mut top = 0;
        let mut out: Vec<Tier> = bands
            .iter()
            .map(|&(step, f)| {
                top += step;
                Tier {
                    up_to: Some(top),
                    factor: Decimal::new(i64::from(f), 1),
                }
            })
            .collect();
        if let Some(last) = out.last_mut() {
            last.up_to = None;
        }
        out
    });
    (
        (
            prop::option::of(1u64..6),
            prop::option::of(rounding),
            prop::option::of(0u64..8),
            prop::option::of(0u64..20),
            prop::option::of(0u64..6),
            prop::option::of(1u64..4),
        ),
        (
            prop::option::of(tiers),
            prop::option::of(prop::sample::select(vec![
                TierBasis::Cores,
                TierBasis::Processors,
                TierBasis::Installations,
            ])),
            prop::option::of(0u64..30),
            prop::option::of(aggregation),
            prop::option::of(prop::sample::select(vec![
                Rounding::Aggregate,
                Rounding::EachServer,
            ])),
            prop::option::of(prop::sample::select(vec![
                Stacking::Host,
                Stacking::Cluster,
            ])),
            prop::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |((ipl, ir, cmp, cms, cmv, pack), (tiers, basis, nup, agg, rnd, st, mob))| Terms {
                installs_per_licence: ipl,
                install_rounding: ir,
                core_min_per_processor: cmp,
                core_min_per_server: cms,
                core_min_per_vm: cmv,
                core_pack: pack,
                tiers,
                tier_basis: basis,
                oracle_nup_min_per_processor: nup,
                oracle_aggregation: agg,
                oracle_rounding: rnd,
                windows_stacking: st,
                peak_period_days: None,
                license_mobility: mob,
                definition: None,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Terms on the entitlement count exactly as the same values in the policy: the same
    /// consumers, units and coverage in both modes; only the line's `terms` differ.
    #[test]
    fn terms_on_the_entitlement_count_as_the_same_policy((e, metric) in estates(), t in terms()) {
        let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let mut in_policy = policy.clone();
        in_policy.params = policy.params.with(&t);
        let mut plain = e.clone();
        plain.entitlements[0].terms = Terms::default();
        let mut with_terms = e;
        with_terms.entitlements[0].terms = t.clone();
        let a = reconcile_both(&with_terms, &policy).unwrap();
        let b = reconcile_both(&plain, &in_policy).unwrap();
        for (x, y) in [(&a.priority, &b.priority), (&a.optimal, &b.optimal)] {
            let mut x = x.clone();
            for l in &mut x.products {
                let own = t.for_metric(&metric);
                if own.is_empty() || own == Terms::default() {
                    prop_assert!(l.terms.is_none());
                }
                l.terms = None;
            }
            prop_assert_eq!(serde_json::to_string(&x).unwrap(), serde_json::to_string(y).unwrap());
        }
    }
}
