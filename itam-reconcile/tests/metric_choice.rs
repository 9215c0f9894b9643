//! Metric choices that are not a flow: in Optimal mode a product whose active candidates
//! count different metrics is counted, per host or cluster, in the metric that leaves the
//! fewest units short, then costs least. Hand-worked goldens for the three classic choices,
//! and a brute-force property on small random estates.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may fail loudly

use std::collections::BTreeMap;

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::{
    Device, Entitlement, Environment, Estate, Installation, Metric, ProductScope, Software,
};
use itam_reconcile::itam_core::version::VersionScheme;
use itam_reconcile::itam_core::{AssetId, Decimal, TagId};
use itam_reconcile::{Decision, Mode, Policy, Position, Reason, reconcile, reconcile_both};
use proptest::prelude::*;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn host(id: &str, sockets: u32, cores: u32) -> Device {
    Device {
        sockets,
        cores,
        processor: Some("Intel Xeon Gold".into()),
        ..Device::physical(id)
    }
}

fn vm(id: &str, on: &str, cores: u32) -> Device {
    Device {
        cores,
        ..Device::virtual_on(id, on)
    }
}

fn software(publisher: &str, product: &str, edition: Option<&str>) -> Software {
    Software {
        tag_id: TagId::new("sw"),
        publisher: publisher.into(),
        product: product.into(),
        edition: edition.map(Into::into),
        version: "1".into(),
        version_scheme: VersionScheme::MultipartNumeric,
    }
}

fn install(device: &str, user: Option<&str>) -> Installation {
    Installation {
        software: TagId::new("sw"),
        device: AssetId::new(device),
        user: user.map(Into::into),
        last_used: None,
    }
}

fn ent(id: &str, product: &str, metric: Metric, quantity: u64, cost: i64) -> Entitlement {
    let mut e = Entitlement::new(
        id,
        ProductScope {
            product: Some(product.into()),
            ..ProductScope::default()
        },
        metric,
        quantity,
    );
    e.unit_cost = Some(Decimal::from(cost));
    e
}

/// (metric, consumers, demand, covered, shortfall) of each product line.
fn lines(p: &Position) -> Vec<(String, u64, u64, u64, u64)> {
    p.products
        .iter()
        .map(|l| {
            (
                l.metric.to_string(),
                l.consumers,
                l.demand,
                l.covered,
                l.shortfall,
            )
        })
        .collect()
}

fn line(
    metric: &str,
    consumers: u64,
    demand: u64,
    covered: u64,
    shortfall: u64,
) -> (String, u64, u64, u64, u64) {
    (metric.to_owned(), consumers, demand, covered, shortfall)
}

/// SQL Server Enterprise on two hosts of 2 × 8 cores. h1 runs VMs of 8, 8 and 6 cores
/// (per VM: 8 + 8 + 6 = 22 core licences; host: 16), h2 six VMs of 4 cores (per VM 24;
/// host 16). Owned: 22 per-VM core licences at 100 and 16 host core licences at 400.
///
/// Priority counts the product per VM (the cheaper licence is first): demand 46, 22
/// covered, 24 short. The four combinations (h1, h2): VM+VM 24 short; VM+host 0 short, cost
/// 22 × 100 + 16 × 400 = 8600; host+VM 2 short (24 > 22); host+host 16 short. Optimal
/// licenses h1 per VM and h2 with Enterprise on the host.
#[test]
fn sql_server_per_vm_or_enterprise_on_the_host() {
    let mut devices = vec![host("h1", 2, 16), host("h2", 2, 16)];
    devices.extend([vm("v1", "h1", 8), vm("v2", "h1", 8), vm("v3", "h1", 6)]);
    let ws: Vec<String> = (1..=6).map(|i| format!("w{i}")).collect();
    devices.extend(ws.iter().map(|w| vm(w, "h2", 4)));
    let mut installations: Vec<Installation> = ["v1", "v2", "v3"]
        .iter()
        .map(|d| install(d, None))
        .collect();
    installations.extend(ws.iter().map(|w| install(w, None)));
    let estate = Estate {
        devices,
        software: vec![software("Microsoft", "SQL Server", Some("Enterprise"))],
        installations,
        entitlements: vec![
            ent("E-vm", "SQL Server", Metric::SqlServerCore, 22, 100),
            ent(
                "E-host",
                "SQL Server",
                Metric::SqlServerEnterpriseCore,
                16,
                400,
            ),
        ],
        ..Estate::default()
    };
    let both = reconcile_both(&estate, &Policy::new(as_of())).unwrap();
    let (pr, op) = (&both.priority, &both.optimal);
    assert_eq!(lines(pr), vec![line("sql_server_core", 9, 46, 22, 24)]);
    assert_eq!(pr.totals.cost, Decimal::from(2200));
    // Priority rejects the host licence: one metric per product.
    let d: Vec<_> = pr
        .decisions()
        .filter(|d| d.consumer == "device:w1")
        .map(|d| (d.entitlement, d.decision, d.reason))
        .collect();
    assert_eq!(
        d,
        vec![
            ("E-vm", Decision::Rejected, Reason::CapacityExhausted),
            ("E-host", Decision::Rejected, Reason::MetricDiffers)
        ]
    );
    assert_eq!(
        lines(op),
        vec![
            line("sql_server_core", 3, 22, 22, 0),
            line("sql_server_enterprise_core", 1, 16, 16, 0),
        ]
    );
    assert_eq!(op.totals.shortfall, 0);
    assert_eq!(op.totals.cost, Decimal::from(8600));
    let names: Vec<&str> = op.consumers().map(|c| c.name).collect();
    assert_eq!(names, ["device:v1", "device:v2", "device:v3", "host:h2"]);
    let d: Vec<_> = op
        .decisions()
        .filter(|d| d.consumer == "host:h2")
        .map(|d| (d.entitlement, d.decision, d.reason, d.units))
        .collect();
    assert_eq!(
        d,
        vec![
            ("E-vm", Decision::Rejected, Reason::MetricDiffers, 0),
            ("E-host", Decision::Consumed, Reason::Optimal, 16)
        ]
    );
    assert_eq!(both.gap.shortfall, -24);
    // The text form names each line's metric.
    assert!(op.to_text().contains(
        "product Microsoft/SQL Server/Enterprise metric=sql_server_enterprise_core consumers=1 demand=16"
    ));
}

/// Windows Server on two hosts of 2 × 8 cores (16 core licences each at least): h1 runs
/// six VMs (Standard stacks three times: 48; Datacenter 16), h2 two VMs (16 either way).
/// Owned: 48 Standard at 10, 16 Datacenter at 60.
///
/// Priority counts Standard (cheaper first): 64 needed, 48 owned, h2 16 short.
/// Combinations (h1, h2): Std+Std 16 short; Std+DC 0 short, 480 + 960 = 1440; DC+Std 0
/// short, 960 + 160 = 1120; DC+DC 16 short. Optimal: Datacenter on h1, Standard on h2.
#[test]
fn windows_server_standard_stacking_or_datacenter() {
    let mut devices = vec![host("h1", 2, 16), host("h2", 2, 16)];
    let a: Vec<String> = (1..=6).map(|i| format!("a{i}")).collect();
    devices.extend(a.iter().map(|x| vm(x, "h1", 2)));
    devices.extend([vm("b1", "h2", 2), vm("b2", "h2", 2)]);
    let mut installations: Vec<Installation> = a.iter().map(|x| install(x, None)).collect();
    installations.extend([install("b1", None), install("b2", None)]);
    let estate = Estate {
        devices,
        software: vec![software("Microsoft", "Windows Server", None)],
        installations,
        entitlements: vec![
            ent(
                "E-std",
                "Windows Server",
                Metric::WindowsServerStandard,
                48,
                10,
            ),
            ent(
                "E-dc",
                "Windows Server",
                Metric::WindowsServerDatacenter,
                16,
                60,
            ),
        ],
        ..Estate::default()
    };
    let both = reconcile_both(&estate, &Policy::new(as_of())).unwrap();
    assert_eq!(
        lines(&both.priority),
        vec![line("windows_server_standard", 2, 64, 48, 16)]
    );
    let op = &both.optimal;
    assert_eq!(
        lines(op),
        vec![
            line("windows_server_standard", 1, 16, 16, 0),
            line("windows_server_datacenter", 1, 16, 16, 0),
        ]
    );
    assert_eq!(op.totals.cost, Decimal::from(1120));
    let per: BTreeMap<&str, &str> = op
        .consumers()
        .map(|c| (c.name, c.product.metric.as_str()))
        .collect();
    assert_eq!(per.get("host:h1"), Some(&"windows_server_datacenter"));
    assert_eq!(per.get("host:h2"), Some(&"windows_server_standard"));
}

/// Oracle Database on h1 (8 Xeon cores: 4 processors; 3 users, so NUP needs
/// max(3, 25 × 4) = 100) and h2 (2 cores: 1 processor; NUP 25). Owned: 4 processors at
/// 47 500, 30 NUP at 950.
///
/// Priority counts NUP (cheaper first): 125 needed, 30 owned, 95 short. Combinations
/// (h1, h2): NUP+NUP 95 short; NUP+Proc 70 short; Proc+NUP 0 short, 190 000 + 23 750 =
/// 213 750; Proc+Proc 1 short. Optimal: Processor on h1, NUP on h2.
#[test]
fn oracle_processor_or_named_user_plus() {
    let estate = Estate {
        devices: vec![host("h1", 1, 8), host("h2", 1, 2)],
        software: vec![software("Oracle", "Database", Some("Enterprise"))],
        installations: vec![
            install("h1", Some("u1")),
            install("h1", Some("u2")),
            install("h1", Some("u3")),
            install("h2", Some("u4")),
        ],
        entitlements: vec![
            ent("E-proc", "Database", Metric::OracleProcessor, 4, 47_500),
            ent("E-nup", "Database", Metric::OracleNup, 30, 950),
        ],
        ..Estate::default()
    };
    let both = reconcile_both(&estate, &Policy::new(as_of())).unwrap();
    assert_eq!(
        lines(&both.priority),
        vec![line("oracle_nup", 2, 125, 30, 95)]
    );
    assert_eq!(
        lines(&both.optimal),
        vec![
            line("oracle_nup", 1, 25, 25, 0),
            line("oracle_processor", 1, 4, 4, 0),
        ]
    );
    assert_eq!(both.optimal.totals.cost, Decimal::from(213_750));
}

/// A cluster is one aggregation unit: VMs of one cluster on two hosts are counted in one
/// metric together, and more combinations than the limit keep the Priority rule's metric.
#[test]
fn clusters_are_one_unit_and_the_limit_falls_back_to_priority() {
    // Two clustered hosts, one VM each, and a third host alone; device vs processor.
    let mut h1 = host("h1", 2, 4);
    h1.cluster = Some("c".into());
    let mut h2 = host("h2", 2, 4);
    h2.cluster = Some("c".into());
    let estate = Estate {
        devices: vec![
            h1,
            h2,
            host("h3", 1, 4),
            vm("v1", "h1", 1),
            vm("v2", "h2", 1),
        ],
        software: vec![software("Acme", "App", None)],
        installations: vec![
            install("v1", None),
            install("v2", None),
            install("h3", None),
        ],
        entitlements: vec![
            ent("E-dev", "App", Metric::Device, 1, 1),
            ent("E-proc", "App", Metric::Processor, 4, 5),
        ],
        ..Estate::default()
    };
    // Devices: 3 needed, 1 owned. Processors: h1 2 + h2 2 + h3 1 = 5, 4 owned. Unit c
    // (v1, v2 | h1, h2) and unit h3: c by processor (4) and h3 by device (1): 0 short.
    let op = reconcile(&estate, &Policy::new(as_of()).with_mode(Mode::Optimal)).unwrap();
    assert_eq!(op.totals.shortfall, 0);
    let per: Vec<(&str, &str)> = op
        .consumers()
        .map(|c| (c.name, c.product.metric.as_str()))
        .collect();
    assert_eq!(
        per,
        [
            ("device:h3", "device"),
            ("host:h1", "processor"),
            ("host:h2", "processor")
        ]
    );
    // Thirteen unclustered hosts with two metrics: 2^13 > 4096 combinations, so the
    // product keeps its Priority metric (device) in Optimal mode too.
    let n = 13;
    let estate = Estate {
        devices: (0..n).map(|i| host(&format!("h{i:02}"), 2, 4)).collect(),
        software: vec![software("Acme", "App", None)],
        installations: (0..n).map(|i| install(&format!("h{i:02}"), None)).collect(),
        entitlements: vec![
            ent("E-dev", "App", Metric::Device, 1, 1),
            ent("E-proc", "App", Metric::Processor, 100, 5),
        ],
        ..Estate::default()
    };
    let op = reconcile(&estate, &Policy::new(as_of()).with_mode(Mode::Optimal)).unwrap();
    assert_eq!(lines(&op), vec![line("device", 13, 13, 1, 12)]);
    assert!(1u64 << n > itam_reconcile::MAX_METRIC_COMBINATIONS);
}

// ---- brute force ----

const PAIRS: [(Metric, Metric); 4] = [
    (Metric::Device, Metric::Processor),
    (Metric::Device, Metric::RedHatSocketPair),
    (Metric::Installation, Metric::Processor),
    (Metric::Processor, Metric::RedHatSocketPair),
];

/// Sockets, installed on the host, VMs (installed, disaster recovery).
type Host = (u32, bool, Vec<(bool, bool)>);

#[derive(Debug, Clone)]
struct Case {
    pair: usize,
    /// Per host: sockets, installed on the host, VMs (installed, disaster recovery).
    hosts: Vec<Host>,
    /// Per entitlement: second metric of the pair, quantity, unit cost, secondary use.
    ents: Vec<(bool, u64, i64, bool)>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0usize..PAIRS.len(),
        proptest::collection::vec(
            (
                1u32..4,
                any::<bool>(),
                proptest::collection::vec((any::<bool>(), proptest::bool::weighted(0.2)), 0..3),
            ),
            1..4,
        ),
        proptest::collection::vec(
            (
                any::<bool>(),
                0u64..4,
                0i64..6,
                proptest::bool::weighted(0.2),
            ),
            1..4,
        ),
    )
        .prop_map(|(pair, hosts, ents)| Case { pair, hosts, ents })
}

fn estate(c: &Case) -> Estate {
    let (a, b) = &PAIRS[c.pair];
    let mut devices = Vec::new();
    let mut installations = Vec::new();
    for (i, (sockets, on_host, vms)) in c.hosts.iter().enumerate() {
        let h = format!("h{i}");
        devices.push(host(&h, *sockets, 4));
        if *on_host {
            installations.push(install(&h, None));
        }
        for (j, &(installed, dr)) in vms.iter().enumerate() {
            let v = format!("h{i}v{j}");
            let mut d = vm(&v, &h, 2);
            if dr {
                d.environment = Environment::DisasterRecovery;
            }
            devices.push(d);
            if installed {
                installations.push(install(&v, None));
            }
        }
    }
    let entitlements = c
        .ents
        .iter()
        .enumerate()
        .map(|(i, &(second, q, cost, secondary))| {
            let m = if second { b.clone() } else { a.clone() };
            let mut e = ent(&format!("E{i}"), "App", m, q, cost);
            e.rights.secondary_use = secondary;
            e
        })
        .collect();
    Estate {
        devices,
        software: vec![software("Acme", "App", None)],
        installations,
        entitlements,
        ..Estate::default()
    }
}

/// Fewest units short, then lowest cost, of covering `consumers` (units, eligible
/// entitlements) from `caps` at `costs`: every integer split, memoised on what is left.
fn allocate(
    consumers: &[(u64, Vec<usize>)],
    i: usize,
    caps: &mut [u64],
    costs: &[i64],
    memo: &mut BTreeMap<(usize, Vec<u64>), (u64, i64)>,
) -> (u64, i64) {
    let Some((units, eligible)) = consumers.get(i) else {
        return (0, 0);
    };
    if let Some(&v) = memo.get(&(i, caps.to_vec())) {
        return v;
    }
    // Every split of at most `units` over the eligible entitlements, within their caps.
    let mut splits: Vec<Vec<u64>> = vec![Vec::new()];
    for &e in eligible {
        let cap = caps[e];
        splits = splits
            .into_iter()
            .flat_map(|s| {
                let used: u64 = s.iter().sum();
                (0..=cap.min(units - used)).map(move |x| {
                    let mut t = s.clone();
                    t.push(x);
                    t
                })
            })
            .collect();
    }
    let mut best = (u64::MAX, i64::MAX);
    for s in splits {
        for (&e, &x) in eligible.iter().zip(&s) {
            caps[e] -= x;
        }
        let (short, cost) = allocate(consumers, i + 1, caps, costs, memo);
        for (&e, &x) in eligible.iter().zip(&s) {
            caps[e] += x;
        }
        let taken: u64 = s.iter().sum();
        let spent: i64 = eligible
            .iter()
            .zip(&s)
            .map(|(&e, &x)| costs[e] * x as i64)
            .sum();
        best = best.min((short + units - taken, cost + spent));
    }
    memo.insert((i, caps.to_vec()), best);
    best
}

/// The host a consumer name belongs to (`device:h1v0` → h1, `host:h2` → h2).
fn host_of(name: &str) -> String {
    let id = name.split_once(':').map_or(name, |x| x.1);
    id.split('v').next().unwrap_or(id).to_owned()
}

/// The optimum over every metric per host, each evaluated by exhaustive allocation. The
/// consumers and units of each metric come from reconciling the estate with only that
/// metric's entitlements (the consumption layer has its own goldens).
fn brute_force(c: &Case, est: &Estate) -> (u64, Decimal) {
    let mut metrics: Vec<Metric> = Vec::new();
    for e in &est.entitlements {
        if !metrics.contains(&e.metric) {
            metrics.push(e.metric.clone());
        }
    }
    // Per metric: consumers (host, units, exempt) and the entitlement indices.
    let mut per_metric = Vec::new();
    for m in &metrics {
        let only = Estate {
            entitlements: est
                .entitlements
                .iter()
                .filter(|e| e.metric == *m)
                .cloned()
                .collect(),
            ..est.clone()
        };
        let p = reconcile(&only, &Policy::new(as_of())).unwrap();
        let cons: Vec<(String, u64, bool)> = p
            .consumers()
            .map(|x| (host_of(x.name), x.units, x.exempt))
            .collect();
        let ents: Vec<usize> = est
            .entitlements
            .iter()
            .enumerate()
            .filter(|(_, e)| e.metric == *m)
            .map(|(i, _)| i)
            .collect();
        per_metric.push((cons, ents));
    }
    let hosts: Vec<String> = (0..c.hosts.len()).map(|i| format!("h{i}")).collect();
    let caps: Vec<u64> = est.entitlements.iter().map(|e| e.whole_units()).collect();
    let costs: Vec<i64> = c.ents.iter().map(|e| e.2).collect();
    let k = metrics.len();
    let mut best = (u64::MAX, i64::MAX);
    for index in 0..k.pow(hosts.len() as u32) {
        let mut rest = index;
        let mut pick: BTreeMap<&str, usize> = BTreeMap::new();
        for h in &hosts {
            pick.insert(h, rest % k);
            rest /= k;
        }
        let mut consumers = Vec::new();
        for (mi, (cons, ents)) in per_metric.iter().enumerate() {
            for (h, units, exempt) in cons {
                if pick.get(h.as_str()) == Some(&mi) && !exempt {
                    consumers.push((*units, ents.clone()));
                }
            }
        }
        let v = allocate(
            &consumers,
            0,
            &mut caps.clone(),
            &costs,
            &mut BTreeMap::new(),
        );
        if v < best {
            best = v;
        }
    }
    (best.0, Decimal::from(best.1))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn optimal_metric_choice_equals_brute_force(c in case()) {
        let est = estate(&c);
        let both = reconcile_both(&est, &Policy::new(as_of())).unwrap();
        let (short, cost) = brute_force(&c, &est);
        prop_assert_eq!(both.optimal.totals.shortfall, short);
        prop_assert_eq!(both.optimal.totals.cost, cost);
        // Priority's choice is one of the combinations.
        prop_assert!(both.optimal.totals.shortfall <= both.priority.totals.shortfall);
        // Conservation within the chosen lines.
        let t = &both.optimal.totals;
        prop_assert_eq!(t.demand, t.covered + t.exempt + t.shortfall);
        // The same choice whatever the input order.
        let mut rev = est;
        rev.devices.reverse();
        rev.installations.reverse();
        rev.entitlements.reverse();
        let again = reconcile(&rev, &Policy::new(as_of()).with_mode(Mode::Optimal)).unwrap();
        prop_assert_eq!(again.to_text(), both.optimal.to_text());
    }
}
