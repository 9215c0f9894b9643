//! Microsoft's server metrics: `windows_server_standard`, `windows_server_datacenter`,
//! `sql_server_core`, `sql_server_enterprise_core`.
//!
//! Parameters read ([`MetricParams`](crate::MetricParams), each also a contract term):
//! Windows Server — `windows_stacking` (where VMs are counted: the host, or every host of
//! its cluster) and `license_mobility`; SQL Server Enterprise — `license_mobility`. The
//! minimums (16 cores per server, 8 per processor; 4 per VM or processor for SQL Server,
//! sold in 2-core packs) are Microsoft's product terms, not parameters.

use super::{Cx, Demand, MetricRule, Reach, Tables, Use, round_up_to};
use crate::policy::Stacking;

/// Windows Server per core: each host max(cores, 8 × sockets, 16); Standard licenses two
/// VMs per full licensing of the host (stacked), Datacenter unlimited VMs.
pub(super) struct WindowsServer {
    /// Standard (stacking) rather than Datacenter.
    pub standard: bool,
}

impl MetricRule for WindowsServer {
    fn reach(&self) -> Reach {
        Reach::Host
    }

    fn params(&self) -> &'static [&'static str] {
        &["windows_stacking", "license_mobility"]
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        let cluster_wide = cx.params.windows_stacking == Stacking::Cluster;
        cx.hosts(us, cluster_wide, true)
            .into_iter()
            .map(|(h, c)| {
                let (cores, sockets) = cx.dev(h);
                let base = cores.max(8 * sockets).max(16);
                let units = if self.standard {
                    let vms = c.iter().filter(|u| cx.is_vm(u.device)).count() as u64;
                    base.saturating_mul(vms.div_ceil(2).max(1))
                } else {
                    base
                };
                cx.host(h, &c, units)
            })
            .collect()
    }
}

/// `sql_server_core`: per device, physical max(cores, 4 × sockets), VM max(vcores, 4), in
/// 2-core packs.
pub(super) struct SqlServerCore;

impl MetricRule for SqlServerCore {
    fn reach(&self) -> Reach {
        Reach::Device
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        us.iter()
            .map(|u| {
                let d = cx.dev(u.device);
                let units = if cx.is_vm(u.device) {
                    d.0.max(4)
                } else {
                    d.0.max(4 * d.1)
                };
                cx.device(u, round_up_to(units, 2))
            })
            .collect()
    }
}

/// `sql_server_enterprise_core`: per host, the cheaper layer — the host's cores when SQL
/// Server runs on it, else min(host, Σ VM max(vcores, 4)).
pub(super) struct SqlServerEnterpriseCore;

impl MetricRule for SqlServerEnterpriseCore {
    fn reach(&self) -> Reach {
        Reach::Host
    }

    fn params(&self) -> &'static [&'static str] {
        &["license_mobility"]
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        cx.hosts(us, false, true)
            .into_iter()
            .map(|(h, c)| {
                let (cores, sockets) = cx.dev(h);
                let host_units = round_up_to(cores.max(4 * sockets), 2);
                let units = if c.iter().any(|u| u.device == h) {
                    host_units
                } else {
                    let vm_units: u64 = c
                        .iter()
                        .map(|u| round_up_to(cx.dev(u.device).0.max(4), 2))
                        .sum();
                    host_units.min(vm_units)
                };
                cx.host(h, &c, units)
            })
            .collect()
    }
}
