//! Clusters and mobility (issue 14 point 2): the golden scenarios' figures (hand calculations
//! in `tests/data/scenarios/{cluster_mobility,cluster_mobility_rights,hard_partition}/`), what
//! they would be without the placement facts, the mobility term from the policy, and the
//! refusal of a placement on a physical device.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use support::scenario;

use itam_reconcile::itam_core::estate::{Metric, Placement};
use itam_reconcile::{Position, ReconcileError, reconcile, reconcile_both};

/// Per line: (product, demand); per consumer: (name, units), of `product`.
fn demand(p: &Position, product: &str) -> (u64, Vec<(String, u64)>) {
    let line = p.products.iter().find(|l| l.product == product).unwrap();
    let consumers = p
        .consumers()
        .filter(|c| c.product.product == product)
        .map(|c| (c.name.to_owned(), c.units))
        .collect();
    (line.demand, consumers)
}

fn units(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|&(n, u)| (n.to_owned(), u)).collect()
}

#[test]
fn vms_that_may_move_need_every_host_of_their_cluster() {
    let (e, policy) = scenario("cluster_mobility");
    let both = reconcile_both(&e, &policy).unwrap();
    for p in [&both.priority, &both.optimal] {
        assert_eq!(
            demand(p, "Windows Server"),
            (
                48,
                units(&[("host:h1", 16), ("host:h2", 16), ("host:h3", 16)])
            )
        );
        assert_eq!(
            demand(p, "SQL Server"),
            (
                40,
                units(&[("host:h1", 12), ("host:h2", 16), ("host:h3", 12)])
            )
        );
        assert_eq!(p.totals.shortfall, 16);
    }
    // Windows Server Standard stacks on each host the VMs that may run there: h1 and h3
    // carry the 3 mobile VMs, h2 those and the fixed vm-d: ⌈3/2⌉ × 16, ⌈4/2⌉ × 16, ⌈3/2⌉ × 16.
    let mut standard = e;
    standard.entitlements[0].metric = Metric::WindowsServerStandard;
    let p = reconcile(&standard, &policy).unwrap();
    assert_eq!(
        demand(&p, "Windows Server"),
        (
            96,
            units(&[("host:h1", 32), ("host:h2", 32), ("host:h3", 32)])
        )
    );
    // Without the placement facts the VMs count where they run (as before).
    let (mut e, _) = scenario("cluster_mobility");
    for d in &mut e.devices {
        d.placement = None;
    }
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(demand(&p, "Windows Server").0, 32);
    assert_eq!(
        demand(&p, "SQL Server"),
        (16, units(&[("host:h1", 4), ("host:h2", 12)]))
    );
}

#[test]
fn a_mobility_right_counts_each_vm_where_it_runs() {
    let (e, policy) = scenario("cluster_mobility_rights");
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(
        demand(&p, "SQL Server"),
        (16, units(&[("host:h1", 4), ("host:h2", 12)]))
    );
    let sql = p
        .products
        .iter()
        .find(|l| l.product == "SQL Server")
        .unwrap();
    assert_eq!(sql.terms_text(), "license_mobility=true");
    assert_eq!(demand(&p, "Windows Server").0, 48);
    // The same right for every licence, from the policy: Windows too, and no line terms.
    let (mut e, mut policy) = scenario("cluster_mobility");
    policy.params.license_mobility = true;
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(demand(&p, "SQL Server").0, 16);
    assert_eq!(demand(&p, "Windows Server").0, 32);
    assert!(p.products.iter().all(|l| l.terms.is_none()));
    // A contract without the right against that policy: counted over the cluster again.
    e.entitlements[1].terms.license_mobility = Some(false);
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(demand(&p, "SQL Server").0, 40);
}

#[test]
fn a_hard_partition_counts_its_own_cores_and_a_soft_one_the_cluster() {
    let (e, policy) = scenario("hard_partition");
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(demand(&p, "Database"), (2, units(&[("host:o1", 2)])));
    assert_eq!(
        demand(&p, "WebLogic Server"),
        (32, units(&[("host:o1", 16), ("host:o2", 16)]))
    );
    // A `fixed` placement does not stop Oracle's soft partitioning; a hard partition does.
    let (mut e, _) = scenario("hard_partition");
    let soft = e
        .devices
        .iter_mut()
        .find(|d| d.id.as_str() == "vm-soft")
        .unwrap();
    soft.placement = Some(Placement::Fixed);
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(demand(&p, "WebLogic Server").0, 32);
    let soft = e
        .devices
        .iter_mut()
        .find(|d| d.id.as_str() == "vm-soft")
        .unwrap();
    soft.placement = Some(Placement::HardPartition);
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(demand(&p, "WebLogic Server"), (4, units(&[("host:o2", 4)])));
    // The hard partition read as a soft VM: both hosts.
    let (mut e, _) = scenario("hard_partition");
    e.devices
        .iter_mut()
        .find(|d| d.id.as_str() == "vm-hp")
        .unwrap()
        .placement = None;
    let p = reconcile(&e, &policy).unwrap();
    assert_eq!(demand(&p, "Database").0, 32);
}

#[test]
fn a_placement_on_a_physical_device_is_refused_with_its_path() {
    let (mut e, policy) = scenario("hard_partition");
    e.devices[1].placement = Some(Placement::Cluster);
    match reconcile(&e, &policy) {
        Err(ReconcileError::InvalidPlacement {
            at,
            device,
            placement,
        }) => {
            assert_eq!(at, "/devices/1/placement");
            assert_eq!(device, "o2");
            assert_eq!(placement, "cluster");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn partitions_keep_a_mobile_vm_on_every_host_of_its_cluster() {
    let (mut e, policy) = scenario("cluster_mobility");
    // Two orgs, and a second cluster of one host in the other org with a mobile VM.
    for d in &mut e.devices {
        d.org = Some("emea".into());
    }
    let mut h4 = e.devices[0].clone();
    h4.id = "h4".into();
    h4.cluster = Some("dr".into());
    h4.org = Some("amer".into());
    let mut vm_e = e.devices[3].clone();
    vm_e.id = "vm-e".into();
    vm_e.host = Some("h4".into());
    vm_e.org = Some("amer".into());
    e.devices.push(h4);
    e.devices.push(vm_e);
    let mut i = e.installations[4].clone();
    i.device = "vm-e".into();
    e.installations.push(i);
    let mut amer = e.entitlements[1].clone();
    amer.id = "MS-SQL-ENT-AMER".into();
    amer.org = Some("amer".into());
    e.entitlements[1].org = Some("emea".into());
    e.entitlements.push(amer);
    for whole in support::assert_parts_merge_to_the_whole(&e, &policy, 3) {
        assert_eq!(demand(&whole, "SQL Server").0, 40 + 4);
    }
}
