//! Oracle's metrics: `oracle_processor`, `oracle_nup`, `oracle_se2`.
//!
//! Parameters read ([`MetricParams`](crate::MetricParams)): the core-factor table
//! (`core_factors`, `default_core_factor`; a device's own `core_factor` first) and
//! `oracle_soft_partitioning` — the vendor's published rules, policy only —; as contract
//! terms too: `oracle_aggregation` (where cores × factor are summed), `oracle_rounding`
//! (where the fractions are rounded up), `oracle_nup_min_per_processor`, `license_mobility`;
//! `oracle_se2_max_sockets` (SE2's limit).

use std::collections::BTreeMap;

use itam_core::Decimal;
use itam_core::estate::Placement;

use super::{ConsumerKind, Cx, Demand, MetricRule, Outside, Reach, Tables, Use, ceil};
use crate::engine::{dec_add, dec_mul};
use crate::model::NONE;
use crate::policy::{Aggregation, Rounding, lookup};

/// `oracle_processor` (and, with `nup`, `oracle_nup`): cores × core factor per
/// `oracle_aggregation` scope, rounded per `oracle_rounding`; NUP: max(distinct users,
/// minimum per processor × processors).
pub(super) struct OracleProcessor {
    /// Named User Plus rather than Processor.
    pub nup: bool,
}

impl MetricRule for OracleProcessor {
    /// The aggregation may span a cluster, a core-factor group or the estate.
    fn reach(&self) -> Reach {
        Reach::Pool
    }

    fn params(&self) -> &'static [&'static str] {
        // Named User Plus reads Processor's parameters and its minimum per processor (last).
        const NUP: &[&str] = &[
            "core_factors",
            "default_core_factor",
            "oracle_soft_partitioning",
            "oracle_aggregation",
            "oracle_rounding",
            "license_mobility",
            "oracle_nup_min_per_processor",
        ];
        if self.nup {
            NUP
        } else {
            NUP.split_last().map_or(NUP, |(_, processor)| processor)
        }
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], tables: &mut Tables) -> Vec<Demand> {
        let params = cx.params;
        let hosts = cx.hosts(us, params.oracle_soft_partitioning, true);
        // Aggregation units: (kind, name) -> hosts.
        let mut units: BTreeMap<(ConsumerKind, u32), Vec<u32>> = BTreeMap::new();
        for &h in hosts.keys() {
            let key = match params.oracle_aggregation {
                Aggregation::Host => (ConsumerKind::Host, h),
                Aggregation::Cluster => match cx.m.cluster.get(h as usize).copied() {
                    Some(c) if c != NONE => (ConsumerKind::Cluster, c),
                    _ => (ConsumerKind::Host, h),
                },
                Aggregation::CoreFactorGroup => (
                    ConsumerKind::CoreFactorGroup,
                    tables.factor_index(factor(cx, h)),
                ),
                Aggregation::Estate => (ConsumerKind::Estate, NONE),
            };
            units.entry(key).or_default().push(h);
        }
        units
            .into_iter()
            .map(|((kind, name), hs)| {
                let fractions = hs.iter().map(|&h| {
                    let cores = oracle_cores(cx, h, hosts.get(&h).map_or(&[][..], Vec::as_slice));
                    dec_mul(Decimal::from(cores), factor(cx, h))
                });
                let processors = match params.oracle_rounding {
                    Rounding::Aggregate => ceil(fractions.fold(Decimal::ZERO, dec_add)),
                    Rounding::EachServer => fractions.map(ceil).fold(0u64, u64::saturating_add),
                };
                let contributors: Vec<Use> = hs
                    .iter()
                    .filter_map(|h| hosts.get(h))
                    .flatten()
                    .copied()
                    .collect();
                let units = if self.nup {
                    let mut users: Vec<u32> = contributors
                        .iter()
                        .flat_map(|u| cx.rows.get(u.rows.0..u.rows.1).unwrap_or(&[]))
                        .map(|r| r[3])
                        .filter(|&u| u != NONE)
                        .collect();
                    users.sort_unstable();
                    users.dedup();
                    (users.len() as u64)
                        .max(processors.saturating_mul(params.oracle_nup_min_per_processor))
                } else {
                    processors
                };
                cx.aggregate(kind, name, &contributors, units)
            })
            .collect()
    }
}

/// `oracle_se2`: per host, its sockets (a cloud instance: ceil(vCPU / 4)); a host above
/// `oracle_se2_max_sockets` is outside the rule.
pub(super) struct OracleSe2;

impl MetricRule for OracleSe2 {
    fn reach(&self) -> Reach {
        Reach::Host
    }

    fn params(&self) -> &'static [&'static str] {
        &[
            "oracle_soft_partitioning",
            "oracle_se2_max_sockets",
            "license_mobility",
        ]
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        cx.hosts(us, cx.params.oracle_soft_partitioning, true)
            .into_iter()
            .map(|(h, c)| {
                let d = cx.m.device(h);
                let (cores, sockets) = cx.dev(h);
                let sockets = if d.is_some_and(|d| d.cloud) {
                    cores.div_ceil(4)
                } else {
                    sockets
                };
                let mut dm = cx.host(h, &c, sockets);
                if sockets > cx.params.oracle_se2_max_sockets {
                    dm.outside = Outside::NotApplicable;
                }
                dm
            })
            .collect()
    }
}

/// The core factor of host `h`: the device's, else the table's for its processor, else the
/// default.
fn factor(cx: &Cx<'_, '_>, h: u32) -> Decimal {
    cx.m.device(h)
        .and_then(|d| {
            d.core_factor.or_else(|| {
                d.processor
                    .as_deref()
                    .and_then(|p| lookup(&cx.params.core_factors, p))
            })
        })
        .unwrap_or(cx.params.default_core_factor)
}

/// The cores Oracle counts on host `h` for `uses`: the host's, or — when every use is a
/// VM placed as a hard partition — the partitions' cores, at most the host's.
fn oracle_cores(cx: &Cx<'_, '_>, h: u32, uses: &[Use]) -> u64 {
    let host = cx.dev(h).0;
    let hard = |u: &Use| {
        cx.is_vm(u.device)
            && cx.m.device(u.device).and_then(|d| d.placement) == Some(Placement::HardPartition)
    };
    if uses.is_empty() || !uses.iter().all(hard) {
        return host;
    }
    uses.iter()
        .map(|u| cx.dev(u.device).0)
        .fold(0u64, u64::saturating_add)
        .min(host)
}
