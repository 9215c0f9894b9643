//! The consumption layer: the metric catalogue.
//!
//! Each metric turns the installations (or peaks) of one product into *demands*: a consumer
//! (device, physical host, cluster, core-factor group, user, organisation unit or the
//! estate) and the whole units it needs. Aggregation scope and rounding point come from
//! [`MetricParams`](crate::MetricParams). The rules, with hand-worked numbers, are in the
//! [manual](crate::manual#the-metric-catalogue).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use itam_core::Decimal;
use itam_core::estate::{Environment, Metric, Placement};
use serde::Serialize;

use crate::engine::{dec_add, dec_mul};
use crate::model::{Model, NONE, Sample};
use crate::policy::{Aggregation, MetricParams, Rounding, Stacking, TierBasis, lookup};
use crate::position::PeriodPeak;

/// What a consumer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerKind {
    /// A device (physical or virtual), by device id.
    Device,
    /// A physical server licensed as a whole, by device id.
    Host,
    /// A cluster licensed as a whole, by cluster name.
    Cluster,
    /// The servers of one core factor across the estate, by the factor.
    CoreFactorGroup,
    /// A named user, by user id.
    User,
    /// An organisation unit (concurrent-use peaks), by its path.
    Org,
    /// The whole estate.
    Estate,
}

impl ConsumerKind {
    /// The prefix used in consumer names (`device:srv-1`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Device => "device",
            Self::Host => "host",
            Self::Cluster => "cluster",
            Self::CoreFactorGroup => "core_factor",
            Self::User => "user",
            Self::Org => "org",
            Self::Estate => "estate",
        }
    }
}

/// One consumer's need under one metric, before allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Demand {
    pub kind: ConsumerKind,
    /// Index of the name: device, cluster, user, org, or core-factor table entry.
    pub name: u32,
    /// Highest variant (version rank) of the product used by the consumer.
    pub variant: u32,
    /// Organisation unit (NONE = none).
    pub org: u32,
    /// Environment index (NONE = production).
    pub env: u32,
    /// Whole units needed.
    pub units: u64,
    /// Device a device pin must name to apply (NONE = none).
    pub pin_device: u32,
    /// User a user pin must name to apply (NONE = none).
    pub pin_user: u32,
    /// The metric's rule does not allow this consumer (Oracle SE2 above its socket limit).
    pub not_applicable: bool,
}

/// Per-run tables the consumers refer to.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    /// Core factors of core-factor-group consumers.
    pub factors: Vec<Decimal>,
}

impl Tables {
    fn factor_index(&mut self, f: Decimal) -> u32 {
        let f = f.normalize();
        if let Some(i) = self.factors.iter().position(|&x| x == f) {
            return u32::try_from(i).unwrap_or(NONE);
        }
        self.factors.push(f);
        u32::try_from(self.factors.len() - 1).unwrap_or(NONE)
    }
}

/// One device's use of the product.
#[derive(Debug, Clone, Copy)]
struct Use {
    device: u32,
    variant: u32,
    installs: u64,
    /// Range of the product's installation rows on this device.
    rows: (usize, usize),
}

fn uses(rows: &[[u32; 4]]) -> Vec<Use> {
    let mut out: Vec<Use> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        match out.last_mut() {
            Some(u) if u.device == r[1] => {
                u.variant = u.variant.max(r[2]);
                u.installs += 1;
                u.rows.1 = i + 1;
            }
            _ => out.push(Use {
                device: r[1],
                variant: r[2],
                installs: 1,
                rows: (i, i + 1),
            }),
        }
    }
    out
}

/// Rounds up to a whole unit: negative values count 0, values beyond `u64` saturate.
fn ceil(d: Decimal) -> u64 {
    if d.is_sign_negative() {
        return 0;
    }
    u64::try_from(d.ceil()).unwrap_or(u64::MAX)
}

fn round_up_to(x: u64, pack: u64) -> u64 {
    if pack <= 1 {
        x
    } else {
        x.div_ceil(pack).saturating_mul(pack)
    }
}

/// Computes the demands of product `p` under `metric` on `as_of`, and for a metric counted at
/// the reporting period's peak, where the peak was.
pub(crate) fn consume(
    m: &Model<'_>,
    params: &MetricParams,
    as_of: NaiveDate,
    tables: &mut Tables,
    p: u32,
    metric: &Metric,
) -> (Vec<Demand>, Option<PeriodPeak>) {
    let rows = m.installs_of(p);
    let us = uses(rows);
    let cx = Cx { m, params, rows };
    if *metric == Metric::IbmPvuSubcapacity {
        return cx.subcapacity_peak(&us, as_of);
    }
    let demands = match metric {
        Metric::Installation => us
            .iter()
            .map(|u| {
                let units = params
                    .install_rounding
                    .units(u.installs, params.installs_per_licence);
                cx.device(u, units)
            })
            .collect(),
        Metric::NamedUser => cx.named_users(&us),
        Metric::ConcurrentUser => cx.concurrent(p),
        Metric::Core => us
            .iter()
            .map(|u| cx.device(u, cx.core_units(u.device)))
            .collect(),
        Metric::Tiered => us.iter().map(|u| cx.device(u, cx.tiered(u))).collect(),
        Metric::SqlServerCore => us
            .iter()
            .map(|u| {
                let d = cx.dev(u.device);
                let units = if cx.is_vm(u.device) {
                    d.0.max(4)
                } else {
                    d.0.max(4 * d.1)
                };
                cx.device(u, round_up_to(units, 2))
            })
            .collect(),
        Metric::Processor => cx
            .hosts(&us, false, false)
            .into_iter()
            .map(|(h, c)| cx.host(h, &c, cx.dev(h).1))
            .collect(),
        Metric::IbmPvu => cx
            .hosts(&us, false, false)
            .into_iter()
            .map(|(h, c)| cx.host(h, &c, cx.dev(h).0.saturating_mul(cx.pvu(h))))
            .collect(),
        Metric::WindowsServerDatacenter | Metric::WindowsServerStandard => {
            let cluster_wide = params.windows_stacking == Stacking::Cluster;
            cx.hosts(&us, cluster_wide, true)
                .into_iter()
                .map(|(h, c)| {
                    let (cores, sockets) = cx.dev(h);
                    let base = cores.max(8 * sockets).max(16);
                    let units = if *metric == Metric::WindowsServerStandard {
                        let vms = c.iter().filter(|u| cx.is_vm(u.device)).count() as u64;
                        base.saturating_mul(vms.div_ceil(2).max(1))
                    } else {
                        base
                    };
                    cx.host(h, &c, units)
                })
                .collect()
        }
        Metric::SqlServerEnterpriseCore => cx
            .hosts(&us, false, true)
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
            .collect(),
        Metric::RedHatSocketPair => cx
            .hosts(&us, false, false)
            .into_iter()
            .map(|(h, c)| {
                let physical = if c.iter().any(|u| u.device == h) {
                    cx.dev(h).1.div_ceil(2).max(1)
                } else {
                    0
                };
                let vms = c.iter().filter(|u| cx.is_vm(u.device)).count() as u64;
                cx.host(h, &c, physical + vms.div_ceil(2))
            })
            .collect(),
        Metric::OracleSe2 => cx
            .hosts(&us, params.oracle_soft_partitioning, true)
            .into_iter()
            .map(|(h, c)| {
                let d = m.device(h);
                let (cores, sockets) = cx.dev(h);
                let sockets = if d.is_some_and(|d| d.cloud) {
                    cores.div_ceil(4)
                } else {
                    sockets
                };
                let mut dm = cx.host(h, &c, sockets);
                dm.not_applicable = sockets > params.oracle_se2_max_sockets;
                dm
            })
            .collect(),
        Metric::OracleProcessor | Metric::OracleNup => cx.oracle(&us, metric, tables),
        // `device`, `site`, and names outside the catalogue (whose pairs are rejected).
        _ => us.iter().map(|u| cx.device(u, 1)).collect(),
    };
    (demands, None)
}

/// A device's capacity in one state of the estate: (cores, the physical server it runs on).
type Capacity = (u64, u32);

/// The cores `ibm_pvu_subcapacity` counts on a server of `host_cores`: all of them when the
/// product runs on the server itself, else the virtual cores of its VMs running it, capped at
/// the server's.
fn subcapacity_cores(itself: bool, vm_cores: u128, host_cores: u64) -> u64 {
    if itself {
        host_cores
    } else {
        u64::try_from(vm_cores.min(u128::from(host_cores))).unwrap_or(host_cores)
    }
}

struct Cx<'m, 'a> {
    m: &'m Model<'a>,
    params: &'m MetricParams,
    rows: &'m [[u32; 4]],
}

impl Cx<'_, '_> {
    /// (cores, sockets) of device `d`.
    fn dev(&self, d: u32) -> (u64, u64) {
        self.m
            .device(d)
            .map_or((0, 0), |d| (u64::from(d.cores), u64::from(d.sockets)))
    }

    fn is_vm(&self, d: u32) -> bool {
        self.m.phys.get(d as usize).is_some_and(|&p| p != d)
    }

    fn core_units(&self, d: u32) -> u64 {
        let (cores, sockets) = self.dev(d);
        let p = self.params;
        let units = if self.is_vm(d) {
            cores.max(p.core_min_per_vm)
        } else {
            cores
                .max(p.core_min_per_processor.saturating_mul(sockets))
                .max(p.core_min_per_server)
        };
        round_up_to(units, p.core_pack)
    }

    /// The bands of `tiers` over the device's `tier_basis` (cores, processors, or the
    /// product's installations on it), rounded up once.
    fn tiered(&self, u: &Use) -> u64 {
        let (c, s) = self.dev(u.device);
        let base = match self.params.tier_basis {
            TierBasis::Cores => c,
            TierBasis::Processors => s,
            TierBasis::Installations => u.installs,
        };
        let mut total = Decimal::ZERO;
        let mut below = 0u64;
        for t in &self.params.tiers {
            if below >= base {
                break;
            }
            let top = t.up_to.unwrap_or(u64::MAX).min(base);
            if top > below {
                total = dec_add(total, dec_mul(Decimal::from(top - below), t.factor));
                below = top;
            }
        }
        ceil(total)
    }

    fn factor(&self, h: u32) -> Decimal {
        self.m
            .device(h)
            .and_then(|d| {
                d.core_factor.or_else(|| {
                    d.processor
                        .as_deref()
                        .and_then(|p| lookup(&self.params.core_factors, p))
                })
            })
            .unwrap_or(self.params.default_core_factor)
    }

    fn pvu(&self, h: u32) -> u64 {
        self.m
            .device(h)
            .and_then(|d| {
                d.pvu_per_core.map(u64::from).or_else(|| {
                    d.processor
                        .as_deref()
                        .and_then(|p| lookup(&self.params.pvu_per_core, p))
                })
            })
            .unwrap_or(self.params.default_pvu_per_core)
    }

    fn env_of(&self, d: u32) -> u32 {
        self.m.dev_env.get(d as usize).copied().unwrap_or(NONE)
    }

    fn org_of(&self, d: u32) -> u32 {
        self.m.dev_org.get(d as usize).copied().unwrap_or(NONE)
    }

    /// A device consumer.
    fn device(&self, u: &Use, units: u64) -> Demand {
        Demand {
            kind: ConsumerKind::Device,
            name: u.device,
            variant: u.variant,
            org: self.org_of(u.device),
            env: self.env_of(u.device),
            units,
            pin_device: u.device,
            pin_user: NONE,
            not_applicable: false,
        }
    }

    /// Common environment of the contributors: theirs when they agree, else production.
    fn common_env(&self, devices: impl Iterator<Item = u32>) -> u32 {
        let mut env = None;
        for d in devices {
            let e = self.env_of(d);
            match env {
                None => env = Some(e),
                Some(x) if x == e => {}
                Some(_) => return NONE,
            }
        }
        env.unwrap_or(NONE)
    }

    /// Deepest organisation unit all contributors lie within (NONE when one has none).
    fn common_org(&self, orgs: impl Iterator<Item = u32>) -> u32 {
        let mut cur: Option<u32> = None;
        for o in orgs {
            cur = Some(match cur {
                None => o,
                Some(c) if c == o => c,
                Some(c) if c == NONE || o == NONE => NONE,
                Some(c) => {
                    // Ancestors of both, deepest first: the longest name wins.
                    let (a, b) = (
                        self.m
                            .org_ancestors
                            .get(c as usize)
                            .map_or(&[][..], Vec::as_slice),
                        self.m
                            .org_ancestors
                            .get(o as usize)
                            .map_or(&[][..], Vec::as_slice),
                    );
                    a.iter()
                        .filter(|x| b.binary_search(x).is_ok())
                        .max_by_key(|&&x| self.m.orgs.get(x as usize).map_or(0, String::len))
                        .copied()
                        .unwrap_or(NONE)
                }
            });
        }
        cur.unwrap_or(NONE)
    }

    fn aggregate(&self, kind: ConsumerKind, name: u32, c: &[Use], units: u64) -> Demand {
        Demand {
            kind,
            name,
            variant: c.iter().map(|u| u.variant).max().unwrap_or(0),
            org: self.common_org(c.iter().map(|u| self.org_of(u.device))),
            env: self.common_env(c.iter().map(|u| u.device)),
            units,
            pin_device: if kind == ConsumerKind::Host {
                name
            } else {
                NONE
            },
            pin_user: NONE,
            not_applicable: false,
        }
    }

    /// The device's capacity in the record (the as-of state).
    fn recorded(&self, d: u32) -> Capacity {
        (
            self.dev(d).0,
            self.m.phys.get(d as usize).copied().unwrap_or(d),
        )
    }

    /// `ibm_pvu_subcapacity` in one state of the estate: per physical server, min(Σ virtual
    /// cores of the VMs running the product on it, its cores) × its PVU per core; a physical
    /// installation counts the whole server.
    fn subcapacity(&self, us: &[Use], state: impl Fn(u32) -> Capacity) -> Vec<Demand> {
        let mut by_host: BTreeMap<u32, Vec<Use>> = BTreeMap::new();
        for u in us {
            by_host.entry(state(u.device).1).or_default().push(*u);
        }
        by_host
            .into_iter()
            .map(|(h, c)| {
                let vm_cores = c
                    .iter()
                    .filter(|u| u.device != h)
                    .map(|u| u128::from(state(u.device).0))
                    .sum();
                let itself = c.iter().any(|u| u.device == h);
                let cores = subcapacity_cores(itself, vm_cores, state(h).0);
                self.host(h, &c, cores.saturating_mul(self.pvu(h)))
            })
            .collect()
    }

    /// `ibm_pvu_subcapacity` at the reporting period's peak: the as-of state and the state on
    /// every day of the period with a capacity sample of a device the product runs on (or of
    /// a server one of them ran on) are compared, and the one with the highest total is
    /// counted (the earliest day of equal totals; the as-of state when none is higher). On a
    /// day, a device has the capacity of its latest sample in the period up to that day,
    /// else its record's. One pass over the days in order, updating only the servers a
    /// day's samples touch: O((uses + samples) log n), whatever the number of days.
    fn subcapacity_peak(&self, us: &[Use], as_of: NaiveDate) -> (Vec<Demand>, Option<PeriodPeak>) {
        let now = self.subcapacity(us, |d| self.recorded(d));
        let days = self.params.peak_period_days;
        if days == 0 || self.m.samples.is_empty() || us.is_empty() {
            return (now, None);
        }
        let from = as_of
            .checked_sub_days(chrono::Days::new(u64::from(days - 1)))
            .unwrap_or(NaiveDate::MIN);
        let samples = &self.m.samples;
        // The samples of device `d` in the period, by day.
        let of = |d: u32| -> &[Sample] {
            let a = samples.partition_point(|s| (s.device, s.at) < (d, from));
            let b = samples.partition_point(|s| (s.device, s.at) <= (d, as_of));
            samples.get(a..b.max(a)).unwrap_or(&[])
        };
        let mut devices: Vec<u32> = Vec::new();
        for u in us {
            devices.push(u.device);
            devices.push(self.recorded(u.device).1);
            devices.extend(of(u.device).iter().map(|s| s.phys));
        }
        devices.sort_unstable();
        devices.dedup();
        // The period's samples of those devices, by day.
        let mut events: Vec<&Sample> = devices.iter().flat_map(|&d| of(d)).collect();
        if events.is_empty() {
            return (now, None);
        }
        events.sort_by_key(|s| s.at);
        let as_of_units = now.iter().fold(0u64, |t, d| t.saturating_add(d.units));
        // Walk the sampled days in order, keeping each server's units up to date: a day
        // costs its own samples, not the whole product (linear in uses + samples).
        let pvu_of: BTreeMap<u32, u64> = devices.iter().map(|&d| (d, self.pvu(d))).collect();
        let mut cap: BTreeMap<u32, Capacity> =
            devices.iter().map(|&d| (d, self.recorded(d))).collect();
        // Per server: Σ cores of the VMs running the product on it, and whether it runs
        // the product itself.
        let mut on: BTreeMap<u32, (u128, bool)> = BTreeMap::new();
        let mut vm_use = std::collections::BTreeSet::new();
        for u in us {
            let (cores, h) = self.recorded(u.device);
            let slot = on.entry(h).or_default();
            if h == u.device {
                slot.1 = true;
            } else {
                slot.0 += u128::from(cores);
                vm_use.insert(u.device);
            }
        }
        // A server's units, as `subcapacity` counts them.
        let units_of = |h: u32, cap: &BTreeMap<u32, Capacity>, on: &BTreeMap<u32, (u128, bool)>| {
            let (vm, itself) = on.get(&h).copied().unwrap_or_default();
            let cores = subcapacity_cores(itself, vm, cap.get(&h).map_or(0, |c| c.0));
            u128::from(cores.saturating_mul(pvu_of.get(&h).copied().unwrap_or(0)))
        };
        let mut units: BTreeMap<u32, u128> =
            on.keys().map(|&h| (h, units_of(h, &cap, &on))).collect();
        let mut total: u128 = units.values().sum();
        // The day counted: none while the records (the as-of state) are the highest.
        let (mut best_day, mut best_units): (Option<NaiveDate>, u128) = (None, total);
        let mut touched: Vec<u32> = Vec::new();
        let mut sampled_days = 0u64;
        for day in events.chunk_by(|a, b| a.at == b.at) {
            sampled_days += 1;
            touched.clear();
            for s in day {
                let old = cap.get(&s.device).copied().unwrap_or_default();
                if vm_use.contains(&s.device) {
                    if let Some(slot) = on.get_mut(&old.1) {
                        slot.0 -= u128::from(old.0);
                    }
                    on.entry(s.phys).or_default().0 += u128::from(s.cores);
                    touched.extend([old.1, s.phys]);
                } else {
                    touched.push(s.device);
                }
                cap.insert(s.device, (s.cores, s.phys));
            }
            touched.sort_unstable();
            touched.dedup();
            for &h in &touched {
                if !on.contains_key(&h) {
                    continue;
                }
                let new = units_of(h, &cap, &on);
                let old = units.insert(h, new).unwrap_or(0);
                total = total - old + new;
            }
            if total > best_units {
                (best_day, best_units) = (day.first().map(|s| s.at), total);
            }
        }
        let best = match best_day {
            None => now,
            Some(on_day) => self.subcapacity(us, |d| {
                let mine = of(d);
                let k = mine.partition_point(|s| s.at <= on_day);
                k.checked_sub(1)
                    .and_then(|k| mine.get(k))
                    .map_or_else(|| self.recorded(d), |s| (s.cores, s.phys))
            }),
        };
        let peak = PeriodPeak {
            from,
            at: best_day.unwrap_or(as_of),
            as_of_units,
            sampled_days,
        };
        (best, Some(peak))
    }

    fn host(&self, h: u32, c: &[Use], units: u64) -> Demand {
        self.aggregate(ConsumerKind::Host, h, c, units)
    }

    /// Physical hosts to license and the uses each is licensed for. With `cluster_wide`,
    /// every host of a touched cluster is licensed, for every use in the cluster.
    /// The product's uses by the physical host they count on: each on its own host, or on
    /// every host of its cluster when it may run there — a VM placed `cluster` when
    /// `placed`, every use of a clustered device when `all` (Windows Server stacking over the
    /// cluster, Oracle soft partitioning; hard partitions excepted) — unless the licence
    /// follows the VM (`license_mobility`).
    fn hosts(&self, us: &[Use], all: bool, placed: bool) -> BTreeMap<u32, Vec<Use>> {
        let follows = self.params.license_mobility;
        let mut by_host: BTreeMap<u32, Vec<Use>> = BTreeMap::new();
        let mut by_cluster: BTreeMap<u32, Vec<Use>> = BTreeMap::new();
        for u in us {
            let h = self
                .m
                .phys
                .get(u.device as usize)
                .copied()
                .unwrap_or(u.device);
            let c = self
                .m
                .cluster
                .get(u.device as usize)
                .copied()
                .unwrap_or(NONE);
            // Only a use of a clustered device may count beyond its host.
            let moves = c != NONE && !follows && (placed || all) && {
                let placement = self.m.device(u.device).and_then(|d| d.placement);
                let vm = self.is_vm(u.device);
                (placed && vm && placement == Some(Placement::Cluster))
                    || (all && !(vm && placement == Some(Placement::HardPartition)))
            };
            if moves {
                by_cluster.entry(c).or_default().push(*u);
            } else {
                by_host.entry(h).or_default().push(*u);
            }
        }
        for (c, list) in by_cluster {
            for &h in self
                .m
                .cluster_hosts
                .get(c as usize)
                .map_or(&[][..], Vec::as_slice)
            {
                by_host.entry(h).or_default().extend(list.iter().copied());
            }
        }
        by_host
    }

    fn named_users(&self, us: &[Use]) -> Vec<Demand> {
        // (user, variant, device) for rows with a user, sorted by user; devices whose rows
        // have no user stand alone as device consumers.
        let mut rows: Vec<(u32, u32, u32)> = Vec::new();
        let mut out = Vec::new();
        for u in us {
            let mut anonymous = false;
            for r in self.rows.get(u.rows.0..u.rows.1).unwrap_or(&[]) {
                if r[3] == NONE {
                    anonymous = true;
                } else {
                    rows.push((r[3], r[2], u.device));
                }
            }
            if anonymous {
                out.push(self.device(u, 1));
            }
        }
        rows.sort_unstable();
        for run in rows.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(user, _, _)) = run.first() else {
                continue;
            };
            let variant = run.iter().map(|r| r.1).max().unwrap_or(0);
            let user_org = self.m.user_org.get(user as usize).copied().unwrap_or(NONE);
            out.push(Demand {
                kind: ConsumerKind::User,
                name: user,
                variant,
                org: if user_org == NONE {
                    self.common_org(run.iter().map(|r| self.org_of(r.2)))
                } else {
                    user_org
                },
                env: self.common_env(run.iter().map(|r| r.2)),
                units: 1,
                pin_device: NONE,
                pin_user: user,
                not_applicable: false,
            });
        }
        out
    }

    fn concurrent(&self, p: u32) -> Vec<Demand> {
        // Peaks are sorted by (product, org, variant, peak): the max per (org, variant),
        // summed over variants, per org.
        let start = self.m.peaks.partition_point(|pk| pk.0 < p);
        let end = self.m.peaks.partition_point(|pk| pk.0 <= p);
        let mut per_org: BTreeMap<u32, (u32, BTreeMap<u32, u64>)> = BTreeMap::new();
        for &(_, org, variant, peak) in self.m.peaks.get(start..end).unwrap_or(&[]) {
            let e = per_org.entry(org).or_default();
            e.0 = e.0.max(variant);
            let slot = e.1.entry(variant).or_default();
            *slot = (*slot).max(peak);
        }
        per_org
            .into_iter()
            .map(|(org, (variant, peaks))| Demand {
                kind: if org == NONE {
                    ConsumerKind::Estate
                } else {
                    ConsumerKind::Org
                },
                name: org,
                variant,
                org,
                env: NONE,
                units: peaks.values().fold(0u64, |a, &b| a.saturating_add(b)),
                pin_device: NONE,
                pin_user: NONE,
                not_applicable: false,
            })
            .collect()
    }

    /// The cores Oracle counts on host `h` for `uses`: the host's, or — when every use is a
    /// VM placed as a hard partition — the partitions' cores, at most the host's.
    fn oracle_cores(&self, h: u32, uses: &[Use]) -> u64 {
        let host = self.dev(h).0;
        let hard = |u: &Use| {
            self.is_vm(u.device)
                && self.m.device(u.device).and_then(|d| d.placement)
                    == Some(Placement::HardPartition)
        };
        if uses.is_empty() || !uses.iter().all(hard) {
            return host;
        }
        uses.iter()
            .map(|u| self.dev(u.device).0)
            .fold(0u64, u64::saturating_add)
            .min(host)
    }

    fn oracle(&self, us: &[Use], metric: &Metric, tables: &mut Tables) -> Vec<Demand> {
        let params = self.params;
        let hosts = self.hosts(us, params.oracle_soft_partitioning, true);
        // Aggregation units: (kind, name) -> hosts.
        let mut units: BTreeMap<(ConsumerKind, u32), Vec<u32>> = BTreeMap::new();
        for &h in hosts.keys() {
            let key = match params.oracle_aggregation {
                Aggregation::Host => (ConsumerKind::Host, h),
                Aggregation::Cluster => match self.m.cluster.get(h as usize).copied() {
                    Some(c) if c != NONE => (ConsumerKind::Cluster, c),
                    _ => (ConsumerKind::Host, h),
                },
                Aggregation::CoreFactorGroup => (
                    ConsumerKind::CoreFactorGroup,
                    tables.factor_index(self.factor(h)),
                ),
                Aggregation::Estate => (ConsumerKind::Estate, NONE),
            };
            units.entry(key).or_default().push(h);
        }
        units
            .into_iter()
            .map(|((kind, name), hs)| {
                let fractions = hs.iter().map(|&h| {
                    let cores = self.oracle_cores(h, hosts.get(&h).map_or(&[][..], Vec::as_slice));
                    dec_mul(Decimal::from(cores), self.factor(h))
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
                let units = if *metric == Metric::OracleNup {
                    let mut users: Vec<u32> = contributors
                        .iter()
                        .flat_map(|u| self.rows.get(u.rows.0..u.rows.1).unwrap_or(&[]))
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
                self.aggregate(kind, name, &contributors, units)
            })
            .collect()
    }
}

/// The environment a demand's env index stands for.
pub(crate) fn env_value(envs: &[Environment], env: u32) -> &Environment {
    static PRODUCTION: Environment = Environment::Production;
    envs.get(env as usize).unwrap_or(&PRODUCTION)
}
