//! One golden test per metric rule of `spec/reconcile.md` §3, with hand-worked numbers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may fail loudly

use std::collections::BTreeMap;

use chrono::NaiveDate;
use itam_reconcile::itam_core::Decimal;
use itam_reconcile::itam_core::estate::{Estate, Metric};
use itam_reconcile::{Aggregation, MetricParams, Policy, Rounding, Stacking, Tier, reconcile};
use serde_json::{Value, json};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

/// Units per consumer when product `acme/app` is counted in `metric`.
fn units_with(
    devices: Value,
    installs: Value,
    metric: &str,
    params: MetricParams,
) -> BTreeMap<String, u64> {
    let estate: Estate = serde_json::from_value(json!({
        "devices": devices,
        "software": [
            {"tag_id": "app-1", "publisher": "Acme", "product": "App", "version": "1.0"},
            {"tag_id": "app-2", "publisher": "Acme", "product": "App", "version": "2.0"}
        ],
        "installations": installs,
        "entitlements": [{"id": "E", "scope": {"product": "App"}, "metric": metric}]
    }))
    .unwrap();
    let mut policy = Policy::new(as_of());
    policy.params = params;
    let pos = reconcile(&estate, &policy).unwrap();
    assert_eq!(pos.products[0].metric, metric.parse::<Metric>().unwrap());
    pos.consumers()
        .map(|c| (c.name.to_owned(), c.units))
        .collect()
}

fn units(devices: Value, installs: Value, metric: &str) -> BTreeMap<String, u64> {
    units_with(devices, installs, metric, MetricParams::default())
}

fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

fn inst(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(d, s)| json!({"device": d, "software": s}))
            .collect(),
    )
}

#[test]
fn installation_counts_installs_per_device_with_installs_per_licence() {
    let devices = json!([{"id": "d1"}, {"id": "d2"}]);
    let installs = inst(&[
        ("d1", "app-1"),
        ("d1", "app-2"),
        ("d1", "app-1"),
        ("d2", "app-1"),
    ]);
    assert_eq!(
        units(devices.clone(), installs.clone(), "installation"),
        map(&[("device:d1", 3), ("device:d2", 1)])
    );
    let params = MetricParams {
        installs_per_licence: 2,
        ..MetricParams::default()
    };
    // ceil(3 / 2) = 2; ceil(1 / 2) = 1 (at least one).
    assert_eq!(
        units_with(devices, installs, "installation", params),
        map(&[("device:d1", 2), ("device:d2", 1)])
    );
}

#[test]
fn device_and_site_count_one_per_device() {
    let devices = json!([{"id": "d1"}, {"id": "d2"}]);
    let installs = inst(&[("d1", "app-1"), ("d1", "app-2"), ("d2", "app-1")]);
    let want = map(&[("device:d1", 1), ("device:d2", 1)]);
    assert_eq!(units(devices.clone(), installs.clone(), "device"), want);
    assert_eq!(units(devices, installs, "site"), want);
}

#[test]
fn named_user_counts_distinct_users_and_anonymous_devices() {
    let devices = json!([{"id": "d1"}, {"id": "d2"}, {"id": "d3"}]);
    let installs = json!([
        {"device": "d1", "software": "app-1", "user": "alice"},
        {"device": "d2", "software": "app-1", "user": "alice"},
        {"device": "d1", "software": "app-2", "user": "bob"},
        {"device": "d3", "software": "app-1"}
    ]);
    assert_eq!(
        units(devices, installs, "named_user"),
        map(&[("device:d3", 1), ("user:alice", 1), ("user:bob", 1)])
    );
}

#[test]
fn concurrent_user_is_the_peak_summed_over_versions_per_org() {
    let estate: Estate = serde_json::from_value(json!({
        "software": [
            {"tag_id": "app-1", "publisher": "Acme", "product": "App", "version": "1.0"},
            {"tag_id": "app-2", "publisher": "Acme", "product": "App", "version": "2.0"}
        ],
        "usage_peaks": [
            {"software": "app-1", "peak": 10, "org": "a"},
            {"software": "app-1", "peak": 12, "org": "a"},
            {"software": "app-2", "peak": 5, "org": "a"},
            {"software": "app-1", "peak": 7}
        ],
        "entitlements": [{"id": "E", "scope": {"product": "App"}, "metric": "concurrent_user", "quantity": 20}]
    }))
    .unwrap();
    let pos = reconcile(&estate, &Policy::new(as_of())).unwrap();
    let got: BTreeMap<_, _> = pos
        .consumers()
        .map(|c| (c.name.to_owned(), c.units))
        .collect();
    // Org a: max(10, 12) for 1.0 + 5 for 2.0 = 17; no org: 7.
    assert_eq!(got, map(&[("estate", 7), ("org:a", 17)]));
    assert_eq!(pos.totals.shortfall, 4);
}

#[test]
fn core_applies_minimums_and_packs() {
    let devices = json!([
        {"id": "p1", "sockets": 2, "cores": 12},
        {"id": "p2", "sockets": 1, "cores": 4},
        {"id": "v1", "kind": "virtual", "host": "p1", "cores": 2},
        {"id": "v2", "kind": "virtual", "host": "p1", "cores": 5}
    ]);
    let installs = inst(&[
        ("p1", "app-1"),
        ("p2", "app-1"),
        ("v1", "app-1"),
        ("v2", "app-1"),
    ]);
    assert_eq!(
        units(devices.clone(), installs.clone(), "core"),
        map(&[
            ("device:p1", 12),
            ("device:p2", 4),
            ("device:v1", 2),
            ("device:v2", 5)
        ])
    );
    let params = MetricParams {
        core_min_per_processor: 8,
        core_min_per_server: 16,
        core_min_per_vm: 4,
        core_pack: 2,
        ..MetricParams::default()
    };
    // p1: max(12, 8×2, 16) = 16; p2: max(4, 8, 16) = 16; v1: max(2, 4) = 4; v2: 5 → pack 6.
    assert_eq!(
        units_with(devices, installs, "core", params),
        map(&[
            ("device:p1", 16),
            ("device:p2", 16),
            ("device:v1", 4),
            ("device:v2", 6)
        ])
    );
}

#[test]
fn processor_counts_the_sockets_of_the_physical_server() {
    let devices = json!([
        {"id": "h", "sockets": 2, "cores": 16},
        {"id": "v", "kind": "virtual", "host": "h", "cores": 2}
    ]);
    assert_eq!(
        units(devices, inst(&[("v", "app-1")]), "processor"),
        map(&[("host:h", 2)])
    );
}

#[test]
fn oracle_processor_core_factor_examples() {
    // [OR1]: 64 cores at 0.5 → 32; on POWER at 1.0 → 64; unknown processor → 1.0.
    let devices = json!([
        {"id": "x86", "sockets": 4, "cores": 64, "processor": "Intel Xeon Platinum"},
        {"id": "pwr", "sockets": 4, "cores": 64, "processor": "IBM POWER9"},
        {"id": "odd", "sockets": 1, "cores": 3, "processor": "Mystery"},
        {"id": "own", "sockets": 1, "cores": 4, "core_factor": "0.25"}
    ]);
    let installs = inst(&[
        ("x86", "app-1"),
        ("pwr", "app-1"),
        ("odd", "app-1"),
        ("own", "app-1"),
    ]);
    assert_eq!(
        units(devices, installs, "oracle_processor"),
        map(&[
            ("host:odd", 3),
            ("host:own", 1),
            ("host:pwr", 64),
            ("host:x86", 32)
        ])
    );
}

fn cluster_estate() -> (Value, Value) {
    (
        json!([
            {"id": "h1", "cluster": "c", "sockets": 1, "cores": 3, "processor": "AMD EPYC"},
            {"id": "h2", "cluster": "c", "sockets": 1, "cores": 3, "processor": "AMD EPYC"},
            {"id": "h3", "sockets": 1, "cores": 3, "core_factor": "0.75"},
            {"id": "vm", "kind": "virtual", "host": "h1", "cores": 1}
        ]),
        inst(&[("vm", "app-1"), ("h3", "app-1")]),
    )
}

#[test]
fn oracle_soft_partitioning_licenses_the_whole_cluster() {
    let (devices, installs) = cluster_estate();
    // The VM on h1 makes h1 and h2 consumers: 3 × 0.5 = 1.5 → 2 each; h3: 2.25 → 3.
    assert_eq!(
        units(devices.clone(), installs.clone(), "oracle_processor"),
        map(&[("host:h1", 2), ("host:h2", 2), ("host:h3", 3)])
    );
    let params = MetricParams {
        oracle_soft_partitioning: false,
        ..MetricParams::default()
    };
    assert_eq!(
        units_with(devices, installs, "oracle_processor", params),
        map(&[("host:h1", 2), ("host:h3", 3)])
    );
}

#[test]
fn oracle_aggregation_scope_and_rounding_point_are_parameters() {
    let (devices, installs) = cluster_estate();
    let with = |aggregation, rounding| {
        let params = MetricParams {
            oracle_aggregation: aggregation,
            oracle_rounding: rounding,
            ..MetricParams::default()
        };
        units_with(
            devices.clone(),
            installs.clone(),
            "oracle_processor",
            params,
        )
    };
    // Cluster c: 1.5 + 1.5 = 3 (aggregate) or 2 + 2 = 4 (each server).
    assert_eq!(
        with(Aggregation::Cluster, Rounding::Aggregate),
        map(&[("cluster:c", 3), ("host:h3", 3)])
    );
    assert_eq!(
        with(Aggregation::Cluster, Rounding::EachServer),
        map(&[("cluster:c", 4), ("host:h3", 3)])
    );
    // BigFix: per core-factor group: 0.5 → ceil(3) = 3; 0.75 → ceil(2.25) = 3.
    assert_eq!(
        with(Aggregation::CoreFactorGroup, Rounding::Aggregate),
        map(&[("core_factor:0.5", 3), ("core_factor:0.75", 3)])
    );
    // Estate: 1.5 + 1.5 + 2.25 = 5.25 → 6, or 2 + 2 + 3 = 7.
    assert_eq!(
        with(Aggregation::Estate, Rounding::Aggregate),
        map(&[("estate", 6)])
    );
    assert_eq!(
        with(Aggregation::Estate, Rounding::EachServer),
        map(&[("estate", 7)])
    );
}

#[test]
fn oracle_nup_is_users_or_25_per_processor() {
    let devices = json!([{"id": "h", "sockets": 1, "cores": 2, "processor": "Intel Xeon"}]);
    let few: Value = Value::Array(
        (0..3)
            .map(|i| json!({"device": "h", "software": "app-1", "user": format!("u{i}")}))
            .collect(),
    );
    // 2 × 0.5 = 1 processor → minimum 25 > 3 users.
    assert_eq!(
        units(devices.clone(), few, "oracle_nup"),
        map(&[("host:h", 25)])
    );
    let many: Value = Value::Array(
        (0..30)
            .map(|i| json!({"device": "h", "software": "app-1", "user": format!("u{i}")}))
            .collect(),
    );
    assert_eq!(units(devices, many, "oracle_nup"), map(&[("host:h", 30)]));
}

#[test]
fn oracle_se2_counts_sockets_on_small_servers_and_cloud_vcpus() {
    let devices = json!([
        {"id": "two", "sockets": 2, "cores": 16},
        {"id": "four", "sockets": 4, "cores": 32},
        {"id": "aws", "cores": 8, "cloud": true}
    ]);
    let estate: Estate = serde_json::from_value(json!({
        "devices": devices,
        "software": [{"tag_id": "db", "publisher": "Oracle", "product": "Database", "edition": "SE2", "version": "19"}],
        "installations": inst(&[("two", "db"), ("four", "db"), ("aws", "db")]),
        "entitlements": [{"id": "E", "scope": {"product": "Database"}, "metric": "oracle_se2", "quantity": 100}]
    }))
    .unwrap();
    let pos = reconcile(&estate, &Policy::new(as_of())).unwrap();
    let got: BTreeMap<_, _> = pos
        .consumers()
        .map(|c| (c.name.to_owned(), (c.units, c.covered)))
        .collect();
    // 8 vCPU / 4 = 2 sockets; the 4-socket server is outside SE2's rule: never covered.
    assert_eq!(got["host:two"], (2, 2));
    assert_eq!(got["host:aws"], (2, 2));
    assert_eq!(got["host:four"], (4, 0));
    let d = pos.decisions().find(|d| d.consumer == "host:four").unwrap();
    assert_eq!(d.reason.as_str(), "metric_not_applicable");
}

#[test]
fn ibm_pvu_full_capacity_uses_the_pvu_table() {
    let devices = json!([
        {"id": "x", "sockets": 2, "cores": 16, "processor": "Intel Xeon Gold"},
        {"id": "p", "sockets": 8, "cores": 8, "processor": "POWER9 E980", "pvu_per_core": 120},
        {"id": "u", "sockets": 1, "cores": 2},
        {"id": "vm", "kind": "virtual", "host": "x", "cores": 2}
    ]);
    // Full capacity: the VM's host counts whole: 16 × 70 = 1120; 8 × 120; unknown → 120.
    assert_eq!(
        units(
            devices,
            inst(&[("vm", "app-1"), ("p", "app-1"), ("u", "app-1")]),
            "ibm_pvu"
        ),
        map(&[("host:p", 960), ("host:u", 240), ("host:x", 1120)])
    );
}

#[test]
fn ibm_pvu_subcapacity_is_capped_at_the_host() {
    let devices = json!([
        {"id": "a", "sockets": 2, "cores": 16, "processor": "Intel Xeon"},
        {"id": "b", "sockets": 2, "cores": 16, "processor": "Intel Xeon"},
        {"id": "a1", "kind": "virtual", "host": "a", "cores": 4},
        {"id": "a2", "kind": "virtual", "host": "a", "cores": 8},
        {"id": "b1", "kind": "virtual", "host": "b", "cores": 12},
        {"id": "b2", "kind": "virtual", "host": "b", "cores": 8}
    ]);
    let installs = inst(&[
        ("a1", "app-1"),
        ("a2", "app-1"),
        ("b1", "app-1"),
        ("b2", "app-1"),
    ]);
    // a: (4 + 8) × 70 = 840; b: min(20, 16) × 70 = 1120.
    assert_eq!(
        units(devices, installs, "ibm_pvu_subcapacity"),
        map(&[("host:a", 840), ("host:b", 1120)])
    );
}

#[test]
fn windows_server_standard_stacks_per_two_vms() {
    let devices = json!([
        {"id": "small", "sockets": 2, "cores": 12},
        {"id": "big", "sockets": 2, "cores": 32},
        {"id": "s1", "kind": "virtual", "host": "small"},
        {"id": "s2", "kind": "virtual", "host": "small"},
        {"id": "s3", "kind": "virtual", "host": "small"},
        {"id": "b1", "kind": "virtual", "host": "big"},
        {"id": "b2", "kind": "virtual", "host": "big"},
        {"id": "b3", "kind": "virtual", "host": "big"},
        {"id": "b4", "kind": "virtual", "host": "big"},
        {"id": "b5", "kind": "virtual", "host": "big"}
    ]);
    let installs = inst(&[
        ("s1", "app-1"),
        ("s2", "app-1"),
        ("s3", "app-1"),
        ("b1", "app-1"),
        ("b2", "app-1"),
        ("b3", "app-1"),
        ("b4", "app-1"),
        ("b5", "app-1"),
    ]);
    // small: max(12, 8×2, 16) = 16 × ceil(3/2) = 32 (OpTISAM's 1.5× would give 24);
    // big: 32 × ceil(5/2) = 96.
    assert_eq!(
        units(devices, installs, "windows_server_standard"),
        map(&[("host:big", 96), ("host:small", 32)])
    );
}

#[test]
fn windows_server_standard_cluster_stacking_counts_every_vm_on_every_host() {
    let devices = json!([
        {"id": "h1", "cluster": "c", "sockets": 1, "cores": 8},
        {"id": "h2", "cluster": "c", "sockets": 1, "cores": 8},
        {"id": "v1", "kind": "virtual", "host": "h1"},
        {"id": "v2", "kind": "virtual", "host": "h2"},
        {"id": "v3", "kind": "virtual", "host": "h2"}
    ]);
    let installs = inst(&[("v1", "app-1"), ("v2", "app-1"), ("v3", "app-1")]);
    assert_eq!(
        units(devices.clone(), installs.clone(), "windows_server_standard"),
        map(&[("host:h1", 16), ("host:h2", 16)])
    );
    let params = MetricParams {
        windows_stacking: Stacking::Cluster,
        ..MetricParams::default()
    };
    // 3 VMs can run on each host: 16 × ceil(3/2) = 32 each.
    assert_eq!(
        units_with(devices, installs, "windows_server_standard", params),
        map(&[("host:h1", 32), ("host:h2", 32)])
    );
}

#[test]
fn windows_server_datacenter_licenses_the_host_once() {
    let devices = json!([
        {"id": "a", "sockets": 1, "cores": 4},
        {"id": "b", "sockets": 4, "cores": 16},
        {"id": "b1", "kind": "virtual", "host": "b"},
        {"id": "b2", "kind": "virtual", "host": "b"},
        {"id": "b3", "kind": "virtual", "host": "b"}
    ]);
    let installs = inst(&[
        ("a", "app-1"),
        ("b1", "app-1"),
        ("b2", "app-1"),
        ("b3", "app-1"),
    ]);
    // a: max(4, 8, 16) = 16; b: max(16, 8×4, 16) = 32, whatever the VM count.
    assert_eq!(
        units(devices, installs, "windows_server_datacenter"),
        map(&[("host:a", 16), ("host:b", 32)])
    );
}

#[test]
fn sql_server_core_minimums_and_packs() {
    let devices = json!([
        {"id": "p1", "sockets": 1, "cores": 2},
        {"id": "p2", "sockets": 2, "cores": 6},
        {"id": "v1", "kind": "virtual", "host": "p2", "cores": 2},
        {"id": "v2", "kind": "virtual", "host": "p2", "cores": 5}
    ]);
    let installs = inst(&[
        ("p1", "app-1"),
        ("p2", "app-1"),
        ("v1", "app-1"),
        ("v2", "app-1"),
    ]);
    // p1: 4 per processor; p2: max(6, 8) = 8; v1: 4 per VM; v2: 5 → 6 (2-core packs).
    assert_eq!(
        units(devices, installs, "sql_server_core"),
        map(&[
            ("device:p1", 4),
            ("device:p2", 8),
            ("device:v1", 4),
            ("device:v2", 6)
        ])
    );
}

#[test]
fn sql_server_enterprise_takes_the_cheaper_layer_never_both() {
    let devices = json!([
        {"id": "a", "sockets": 2, "cores": 16},
        {"id": "b", "sockets": 2, "cores": 16},
        {"id": "c", "sockets": 2, "cores": 16},
        {"id": "a1", "kind": "virtual", "host": "a", "cores": 4},
        {"id": "a2", "kind": "virtual", "host": "a", "cores": 2},
        {"id": "a3", "kind": "virtual", "host": "a", "cores": 6},
        {"id": "b1", "kind": "virtual", "host": "b", "cores": 8},
        {"id": "b2", "kind": "virtual", "host": "b", "cores": 8},
        {"id": "b3", "kind": "virtual", "host": "b", "cores": 8},
        {"id": "c1", "kind": "virtual", "host": "c", "cores": 8}
    ]);
    let installs = inst(&[
        ("a1", "app-1"),
        ("a2", "app-1"),
        ("a3", "app-1"),
        ("b1", "app-1"),
        ("b2", "app-1"),
        ("b3", "app-1"),
        ("c", "app-1"),
        ("c1", "app-1"),
    ]);
    // a: VMs 4 + 4 + 6 = 14 < 16; b: VMs 24 > host 16; c: on the host → 16 (not 16 + 8).
    assert_eq!(
        units(devices, installs, "sql_server_enterprise_core"),
        map(&[("host:a", 14), ("host:b", 16), ("host:c", 16)])
    );
}

#[test]
fn red_hat_per_socket_pair_or_two_vms() {
    let devices = json!([
        {"id": "four", "sockets": 4, "cores": 32},
        {"id": "one", "sockets": 1, "cores": 4},
        {"id": "hv", "sockets": 2, "cores": 16},
        {"id": "v1", "kind": "virtual", "host": "hv"},
        {"id": "v2", "kind": "virtual", "host": "hv"},
        {"id": "v3", "kind": "virtual", "host": "hv"}
    ]);
    let installs = inst(&[
        ("four", "app-1"),
        ("one", "app-1"),
        ("v1", "app-1"),
        ("v2", "app-1"),
        ("v3", "app-1"),
    ]);
    assert_eq!(
        units(devices, installs, "red_hat_socket_pair"),
        map(&[("host:four", 2), ("host:hv", 2), ("host:one", 1)])
    );
}

#[test]
fn tiered_applies_each_factor_inside_its_band_and_rounds_once() {
    let devices =
        json!([{"id": "a", "cores": 20}, {"id": "b", "cores": 10}, {"id": "c", "cores": 9}]);
    let params = MetricParams {
        tiers: vec![
            Tier {
                up_to: Some(8),
                factor: Decimal::ONE,
            },
            Tier {
                up_to: Some(16),
                factor: Decimal::new(5, 1),
            },
            Tier {
                up_to: None,
                factor: Decimal::new(25, 2),
            },
        ],
        ..MetricParams::default()
    };
    // a: 8 + 8×0.5 + 4×0.25 = 13; b: 8 + 1 = 9; c: 8 + 0.5 = 8.5 → 9.
    assert_eq!(
        units_with(
            devices,
            inst(&[("a", "app-1"), ("b", "app-1"), ("c", "app-1")]),
            "tiered",
            params
        ),
        map(&[("device:a", 13), ("device:b", 9), ("device:c", 9)])
    );
}

#[test]
fn unknown_metrics_are_counted_per_device_and_rejected() {
    let devices = json!([{"id": "d"}]);
    let got = units(devices, inst(&[("d", "app-1")]), "vmware_core");
    assert_eq!(got, map(&[("device:d", 1)]));
}
