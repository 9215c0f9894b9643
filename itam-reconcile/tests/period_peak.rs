//! IBM sub-capacity PVU counted at the reporting period's peak (issue 14 point 5): capacity
//! samples (a VM's vCPUs and host on a day) make the product's highest total over the period
//! the demand, not the as-of value. The hand calculation of the golden scenario is in
//! `tests/data/scenarios/subcapacity_peak/README.md`; these tests check its figures, the
//! period's bounds, the refusals, partitioning, and (a property) that the engine's peak is the
//! highest of the per-day positions computed one by one from the records.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod support;

use std::path::Path;

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::{CapacitySample, Device, Estate, Metric};
use itam_reconcile::{Mode, PeriodPeak, Policy, Position, ReconcileError, reconcile};
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn scenario() -> Estate {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/scenarios/subcapacity_peak/estate.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn policy(days: u32) -> Policy {
    let mut p = Policy::new(day(2026, 12, 31));
    p.params.peak_period_days = days;
    p
}

fn device<'e>(e: &'e mut Estate, id: &str) -> &'e mut Device {
    e.devices.iter_mut().find(|d| d.id.as_str() == id).unwrap()
}

fn units(p: &Position) -> Vec<(String, u64)> {
    p.consumers()
        .map(|c| (c.name.to_owned(), c.units))
        .collect()
}

#[test]
fn the_scenario_counts_the_day_of_the_peak_per_server() {
    for mode in [Mode::Priority, Mode::Optimal] {
        let p = reconcile(&scenario(), &policy(90).with_mode(mode)).unwrap();
        let line = &p.products[0];
        assert_eq!(line.metric, Metric::IbmPvuSubcapacity);
        // esx-1: min(14 + 4, 16) × 70; esx-2: min(2, 8) × 70.
        assert_eq!(line.demand, 1260);
        assert_eq!(
            units(&p),
            [
                ("host:esx-1".to_owned(), 1120),
                ("host:esx-2".to_owned(), 140)
            ]
        );
        assert_eq!(
            line.peak,
            Some(PeriodPeak {
                from: day(2026, 10, 3),
                at: day(2026, 10, 15),
                as_of_units: 700,
                sampled_days: 4,
            })
        );
        assert_eq!((line.covered, line.shortfall), (1000, 260));
    }
}

#[test]
fn without_a_period_the_as_of_records_count_and_no_peak_is_shown() {
    let p = reconcile(&scenario(), &policy(0)).unwrap();
    assert_eq!(p.products[0].demand, 700);
    assert_eq!(p.products[0].peak, None);
    assert!(!serde_json::to_string(&p).unwrap().contains("\"peak\""));
    // An estate without samples gives the same position as before samples existed.
    let mut e = scenario();
    e.capacity_samples.clear();
    let p = reconcile(&e, &policy(90)).unwrap();
    assert_eq!(p.products[0].demand, 700);
    assert_eq!(p.products[0].peak, None);
}

#[test]
fn only_the_days_inside_the_period_are_compared() {
    // 60 days: 2026-11-02 … 2026-12-31; the scale-up of 2026-10-15 is outside. The
    // migration days tie with the as-of state (700), which is then the one counted.
    let p = reconcile(&scenario(), &policy(60)).unwrap();
    let line = &p.products[0];
    assert_eq!(line.demand, 700);
    assert_eq!(
        line.peak,
        Some(PeriodPeak {
            from: day(2026, 11, 2),
            at: day(2026, 12, 31),
            as_of_units: 700,
            sampled_days: 2,
        })
    );
    // A 153-day period (from 2026-08-01) reads vm-c at 8 vCPU from that day until the
    // end of the period: esx-2 min(8, 8) × 70 = 560 beside esx-1's 1,120 on 2026-10-15.
    let p = reconcile(&scenario(), &policy(153)).unwrap();
    assert_eq!(p.products[0].demand, 1120 + 560);
    assert_eq!(p.products[0].peak.as_ref().unwrap().sampled_days, 5);
}

#[test]
fn a_migration_day_moves_the_demand_to_the_other_server() {
    // Only the migration samples, vm-b at 8 vCPU. As of: esx-1 min(4 + 8, 16) × 70 = 840,
    // esx-2 2 × 70 = 140: 980. On 2026-11-10 (vm-b on esx-2): esx-1 4 × 70 = 280, esx-2
    // min(8 + 2, 8) × 70 = 560: 840, lower, so the as-of state is counted.
    let mut e = scenario();
    e.capacity_samples.retain(|s| s.at >= day(2026, 11, 1));
    device(&mut e, "vm-b").cores = 8;
    let p = reconcile(&e, &policy(90)).unwrap();
    assert_eq!(p.products[0].demand, 980);
    assert_eq!(p.products[0].peak.as_ref().unwrap().at, day(2026, 12, 31));
    // vm-c at 6 vCPU and esx-2 at 16 cores: as of 840 + 6 × 70 = 1,260; on the migration
    // day 280 + min(8 + 6, 16) × 70 = 1,260 too: a tie keeps the as-of state.
    device(&mut e, "vm-c").cores = 6;
    device(&mut e, "esx-2").cores = 16;
    let p = reconcile(&e, &policy(90)).unwrap();
    assert_eq!(p.products[0].demand, 1260);
    assert_eq!(units(&p)[0], ("host:esx-1".to_owned(), 840));
    // Samples of esx-2 at 20 cores and vm-c at 10 vCPU on the migration day: 280 +
    // min(8 + 10, 20) × 70 = 1,540, the peak (2026-11-11 ties with it: vm-b back on esx-1,
    // 840 + 10 × 70; the earlier day is named).
    for (d, cores) in [("esx-2", 20), ("vm-c", 10)] {
        e.capacity_samples.push(CapacitySample {
            at: day(2026, 11, 10),
            device: d.into(),
            cores: Some(cores),
            host: None,
        });
    }
    let p = reconcile(&e, &policy(90)).unwrap();
    assert_eq!(p.products[0].demand, 1540);
    assert_eq!(
        units(&p),
        [
            ("host:esx-1".to_owned(), 280),
            ("host:esx-2".to_owned(), 1260)
        ]
    );
    assert_eq!(p.products[0].peak.as_ref().unwrap().at, day(2026, 11, 10));
}

#[test]
fn samples_that_cannot_stand_are_refused_with_their_path() {
    let sample = |device: &str, host: Option<&str>, d: u32| CapacitySample {
        at: day(2026, 11, d),
        device: device.into(),
        cores: Some(2),
        host: host.map(Into::into),
    };
    let cases: [(CapacitySample, &str); 4] = [
        (sample("vm-x", None, 1), "/capacity_samples/5/device"),
        (sample("vm-a", Some("esx-9"), 1), "/capacity_samples/5/host"),
        (
            sample("esx-1", Some("esx-2"), 1),
            "/capacity_samples/5/host",
        ),
        (sample("vm-a", Some("vm-b"), 1), "/capacity_samples/5/host"),
    ];
    for (bad, path) in cases {
        let mut e = scenario();
        e.capacity_samples.push(bad);
        let err = reconcile(&e, &policy(90)).unwrap_err();
        assert!(err.to_string().starts_with(path), "{err}");
    }
    let mut e = scenario();
    e.capacity_samples.push(sample("vm-b", Some("esx-1"), 11));
    let err = reconcile(&e, &policy(90)).unwrap_err();
    assert!(
        matches!(&err, ReconcileError::InvalidSample { at, why }
            if at.starts_with("/capacity_samples/") && why.contains("\"vm-b\" on 2026-11-11")),
        "{err}"
    );
}

#[test]
fn partitions_keep_the_peak_of_the_whole_product() {
    // Two org-scoped entitlements: a component that would split by org without samples.
    let mut e = scenario();
    for (d, org) in [("vm-a", "emea"), ("vm-b", "emea"), ("vm-c", "amer")] {
        device(&mut e, d).org = Some(org.into());
    }
    let mut amer = e.entitlements[0].clone();
    amer.id = "IBM-WAS-AMER".into();
    amer.org = Some("amer".into());
    e.entitlements[0].org = Some("emea".into());
    e.entitlements.push(amer);
    for whole in support::assert_parts_merge_to_the_whole(&e, &policy(90), 3) {
        assert_eq!(whole.products[0].demand, 1260);
    }
}

/// The estate on `on`: each device's record replaced by its latest sample in `from..=on`.
fn state_on(e: &Estate, from: NaiveDate, on: NaiveDate) -> Estate {
    let mut s = e.clone();
    s.capacity_samples.clear();
    let mut samples: Vec<&CapacitySample> = e
        .capacity_samples
        .iter()
        .filter(|x| x.at >= from && x.at <= on)
        .collect();
    samples.sort_by_key(|x| x.at);
    // Each sample is the whole state of its device that day: what it leaves out is the
    // record's, not an earlier sample's.
    for x in samples {
        let record = e.devices.iter().find(|d| d.id == x.device).unwrap();
        let d: &mut Device = s.devices.iter_mut().find(|d| d.id == x.device).unwrap();
        d.cores = x.cores.unwrap_or(record.cores);
        d.host = x.host.clone().or_else(|| record.host.clone());
    }
    s
}

/// Hosts `h0..`, VMs `v0..` on them, one product on some VMs and hosts, and samples.
fn estates() -> impl Strategy<Value = Estate> {
    (1usize..4, 1usize..6).prop_flat_map(|(hosts, vms)| {
        (
            proptest::collection::vec(1u32..24, hosts),
            proptest::collection::vec((0..hosts, 1u32..12, any::<bool>()), vms),
            proptest::collection::vec(any::<bool>(), hosts),
            proptest::collection::vec(
                (0u32..120, 0..hosts + vms, proptest::option::of(1u32..16), 0..hosts, any::<bool>()),
                0..10,
            ),
        )
            .prop_map(move |(host_cores, vm_specs, host_installs, samples)| {
                let mut devices: Vec<Device> = host_cores
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| {
                        let mut d = Device::physical(format!("h{i}"));
                        d.cores = c;
                        d.processor = Some(if i % 2 == 0 { "Intel Xeon" } else { "Mystery" }.into());
                        d
                    })
                    .collect();
                let mut installs = Vec::new();
                for (i, &(h, c, runs)) in vm_specs.iter().enumerate() {
                    let mut d = Device::virtual_on(format!("v{i}"), format!("h{h}"));
                    d.cores = c;
                    devices.push(d);
                    if runs {
                        installs.push(format!("v{i}"));
                    }
                }
                for (i, &on) in host_installs.iter().enumerate() {
                    if on {
                        installs.push(format!("h{i}"));
                    }
                }
                let mut seen = std::collections::BTreeSet::new();
                let capacity_samples: Vec<CapacitySample> = samples
                    .into_iter()
                    .filter(|&(d, dev, ..)| seen.insert((d, dev)))
                    .map(|(d, dev, cores, host, moves)| {
                        let vm = dev >= hosts;
                        CapacitySample {
                            at: day(2026, 8, 1) + chrono::Days::new(u64::from(d)),
                            device: if vm { format!("v{}", dev - hosts) } else { format!("h{dev}") }
                                .into(),
                            cores,
                            host: (vm && moves).then(|| format!("h{host}").into()),
                        }
                    })
                    .collect();
                let json = serde_json::json!({
                    "devices": devices,
                    "software": [{"tag_id": "p", "publisher": "IBM", "product": "P", "version": "1"}],
                    "installations": installs.iter().map(|d| serde_json::json!({"software": "p", "device": d})).collect::<Vec<_>>(),
                    "entitlements": [{"id": "E", "scope": {"product": "P"}, "metric": "ibm_pvu_subcapacity", "quantity": 500}],
                    "capacity_samples": capacity_samples,
                });
                serde_json::from_value(json).unwrap()
            })
    })
}

proptest! {
    /// The engine's demand is the highest of the demands of the as-of records and of the
    /// estate as it stood on each day of the period (each computed as a plain as-of
    /// position), and the line names that day.
    #[test]
    fn the_peak_is_the_highest_day_computed_one_by_one(e in estates(), days in 1u32..120) {
        let as_of = day(2026, 11, 20);
        let mut policy = Policy::new(as_of);
        policy.params.peak_period_days = days;
        let got = reconcile(&e, &policy).unwrap();
        let from = as_of - chrono::Days::new(u64::from(days - 1));
        let mut flat = Policy::new(as_of);
        flat.params.peak_period_days = 0;
        let demand = |x: &Estate| {
            reconcile(x, &flat).unwrap().products.first().map_or(0, |l| l.demand)
        };
        let mut best = (demand(&e), as_of);
        let mut dates: Vec<NaiveDate> = e
            .capacity_samples
            .iter()
            .map(|s| s.at)
            .filter(|&d| d >= from && d <= as_of)
            .collect();
        dates.sort_unstable();
        dates.dedup();
        for d in dates {
            let units = demand(&state_on(&e, from, d));
            if units > best.0 {
                best = (units, d);
            }
        }
        let line = got.products.first();
        prop_assert_eq!(line.map_or(0, |l| l.demand), best.0);
        if let Some(peak) = line.and_then(|l| l.peak.as_ref()) {
            prop_assert_eq!(peak.at, best.1);
            prop_assert!(line.unwrap().demand >= peak.as_of_units);
        }
    }
}

#[test]
fn the_table_names_the_peak_day_beside_the_as_of_value() {
    let table = reconcile(&scenario(), &policy(90)).unwrap().to_table();
    assert!(
        table.contains(
            "IBM/WebSphere Application Server: demand counted at the period's peak on 2026-10-15 \
             (period 2026-10-03..2026-12-31); as of 2026-12-31: 700"
        ),
        "{table}"
    );
    // When the as-of state is the highest, the table says nothing more.
    let table = reconcile(&scenario(), &policy(60)).unwrap().to_table();
    assert!(!table.contains("period's peak"), "{table}");
}
