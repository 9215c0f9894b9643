//! IBM's Processor Value Unit metrics: `ibm_pvu` (full capacity) and `ibm_pvu_subcapacity`
//! (the virtual cores of the VMs running the product, capped at the host's, at the reporting
//! period's peak).
//!
//! Parameters read ([`MetricParams`](crate::MetricParams)): the PVU table (`pvu_per_core`,
//! `default_pvu_per_core`; a device's own `pvu_per_core` first) — IBM's published table,
//! policy only —; as a contract term too: `peak_period_days` (the reporting period whose
//! highest total counts), with the estate's capacity samples.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Cx, Demand, MetricRule, Reach, Tables, Use};
use crate::model::Sample;
use crate::policy::lookup;
use crate::position::PeriodPeak;

/// `ibm_pvu`: per host, its physical cores × PVU per core.
pub(super) struct IbmPvu;

impl MetricRule for IbmPvu {
    fn reach(&self) -> Reach {
        Reach::Host
    }

    fn params(&self) -> &'static [&'static str] {
        &["pvu_per_core", "default_pvu_per_core"]
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        cx.hosts(us, false, false)
            .into_iter()
            .map(|(h, c)| cx.host(h, &c, cx.dev(h).0.saturating_mul(cx.pvu(h))))
            .collect()
    }
}

/// `ibm_pvu_subcapacity`: per host, min(Σ virtual cores of the VMs running the product, the
/// host's cores) × PVU per core (a physical installation counts the whole host), at the
/// reporting period's peak.
pub(super) struct IbmPvuSubcapacity;

impl MetricRule for IbmPvuSubcapacity {
    fn reach(&self) -> Reach {
        Reach::Host
    }

    fn params(&self) -> &'static [&'static str] {
        &["pvu_per_core", "default_pvu_per_core", "peak_period_days"]
    }

    fn over_period(&self) -> bool {
        true
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        cx.subcapacity(us, |d| cx.recorded(d))
    }

    fn counted(
        &self,
        cx: &Cx<'_, '_>,
        us: &[Use],
        _: &mut Tables,
    ) -> (Vec<Demand>, Option<PeriodPeak>) {
        cx.subcapacity_peak(us)
    }
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

impl Cx<'_, '_> {
    /// The PVU per core of host `h`: the device's, else the table's for its processor, else
    /// the default.
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
    fn subcapacity_peak(&self, us: &[Use]) -> (Vec<Demand>, Option<PeriodPeak>) {
        let as_of = self.as_of;
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
}
