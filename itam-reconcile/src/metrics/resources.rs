//! The resource metrics: `memory`, `capacity`, `transaction`, `enterprise`, and user-defined
//! metrics — a name outside the catalogue with a
//! [`MetricDefinition`](itam_core::terms::MetricDefinition).
//!
//! A definition says what one unit grants of each resource (installations, nodes, cores,
//! processors, memory, users, a device attribute, a measured resource); a consumer needs, over
//! the resources, the most of ⌈need ÷ per unit⌉, at least one. So a right that grants several
//! resources at once (one copy = 64 GB of memory + 1 node) is one definition with two grants.
//! `memory`, `capacity` and `transaction` are the definitions of one resource each
//! (`memory_gb`, `measured:capacity`, `measured:transaction`, one per unit, per device).
//!
//! Parameters read: the rule's `definition` term (the entitlement's, else the policy's
//! `definitions` entry of the metric's name). A consumer whose record lacks a fact a grant
//! counts (a device without `memory_gb`, without the attribute) is outside the rule: every pair
//! is rejected `fact_missing`.

use std::collections::BTreeMap;

use itam_core::Decimal;
use itam_core::terms::{Grant, GrantScope, Resource};

use super::{ConsumerKind, Cx, Demand, MetricRule, Outside, Reach, Tables, Use, ceil};
use crate::engine::dec_add;
use crate::model::{Measure, NONE};

/// `memory`: GB of memory per device, rounded up.
pub(super) struct Memory;

impl MetricRule for Memory {
    fn reach(&self) -> Reach {
        Reach::Device
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        let grants = [Grant {
            resource: Resource::MemoryGb,
            per_unit: Decimal::ONE,
        }];
        count(cx, us, &grants, GrantScope::Device)
    }
}

/// `capacity`, `transaction`: the measured resource of that name, per device (per
/// organisation unit for measurements without a device), rounded up.
pub(super) struct Measured(pub &'static str);

impl MetricRule for Measured {
    /// Measurements without a device count per organisation unit: never split.
    fn reach(&self) -> Reach {
        Reach::Pool
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        let grants = [Grant {
            resource: Resource::Measured(self.0.to_owned()),
            per_unit: Decimal::ONE,
        }];
        count(cx, us, &grants, GrantScope::Device)
    }
}

/// `enterprise`: one unit for the whole estate (its organisation unit is the deepest one
/// every use lies within).
pub(super) struct Enterprise;

impl MetricRule for Enterprise {
    fn reach(&self) -> Reach {
        Reach::Pool
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        if us.is_empty() {
            return Vec::new();
        }
        vec![cx.aggregate(ConsumerKind::Estate, NONE, us, 1)]
    }
}

/// A user-defined metric: its definition's grants; without one (a name nobody defined) one
/// unit per device, and every pair is rejected `unknown_metric`.
pub(super) struct Defined;

impl MetricRule for Defined {
    /// An estate-scoped definition pools the estate.
    fn reach(&self) -> Reach {
        Reach::Pool
    }

    fn params(&self) -> &'static [&'static str] {
        &["definitions"]
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], tables: &mut Tables) -> Vec<Demand> {
        match cx.definition {
            Some(d) => count(cx, us, &d.resources, d.scope),
            None => super::common::PerDevice.demands(cx, us, tables),
        }
    }
}

/// What a consumer needs of one resource; none when its record lacks the fact.
type Need = Option<Decimal>;

/// The units `needs` (one per grant) come to: the most of ⌈need ÷ per unit⌉, at least 1; and
/// whether a fact was missing.
fn units(grants: &[Grant], needs: &[Need]) -> (u64, Outside) {
    let mut most = 1u64;
    let mut outside = Outside::No;
    for (g, need) in grants.iter().zip(needs) {
        match need {
            None => outside = Outside::FactMissing,
            Some(n) => {
                let u = n.checked_div(g.per_unit).map_or(u64::MAX, ceil);
                most = most.max(u);
            }
        }
    }
    (most, outside)
}

/// A device consumer's need of `r`: `measured` is its measurements' sums by resource name.
fn device_need(
    cx: &Cx<'_, '_>,
    u: &Use,
    r: &Resource,
    measured: Option<&[Decimal]>,
    i: usize,
) -> Need {
    let d = cx.m.device(u.device);
    let (cores, sockets) = cx.dev(u.device);
    Some(match r {
        Resource::Installations => Decimal::from(u.installs),
        Resource::Nodes => Decimal::ONE,
        Resource::Cores => Decimal::from(cores),
        Resource::Processors => Decimal::from(sockets),
        Resource::MemoryGb => d.and_then(|d| d.memory_gb)?,
        Resource::Users => Decimal::from(users(cx, std::slice::from_ref(u)).len() as u64),
        Resource::Attribute(name) => d.and_then(|d| d.attributes.get(name)).copied()?,
        Resource::Measured(_) => measured
            .and_then(|m| m.get(i))
            .copied()
            .unwrap_or(Decimal::ZERO),
    })
}

/// The distinct users of the uses' installations.
fn users(cx: &Cx<'_, '_>, us: &[Use]) -> Vec<u32> {
    let mut out: Vec<u32> = us
        .iter()
        .flat_map(|u| cx.rows.get(u.rows.0..u.rows.1).unwrap_or(&[]))
        .map(|r| r[3])
        .filter(|&x| x != NONE)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The demands of a definition's `grants` over the product's uses and measurements.
///
/// The consumers are the devices running the product or measured for it, and — for
/// measurements without a device — their organisation units (the estate when none). With
/// scope `estate` every need is added up first (users counted once over the estate) and
/// the estate is one consumer.
fn count(cx: &Cx<'_, '_>, us: &[Use], grants: &[Grant], scope: GrantScope) -> Vec<Demand> {
    // The measurements of each measured grant, summed per device and per org (device-less).
    let mut by_device: BTreeMap<u32, (u32, Vec<Decimal>)> = BTreeMap::new();
    let mut by_org: BTreeMap<u32, (u32, Vec<Decimal>)> = BTreeMap::new();
    let n = grants.len();
    for (i, g) in grants.iter().enumerate() {
        let Resource::Measured(name) = &g.resource else {
            continue;
        };
        let list: &[Measure] = cx.m.measures_of(cx.product, name);
        for x in list {
            let slot = if x.device == NONE {
                by_org.entry(x.org)
            } else {
                by_device.entry(x.device)
            }
            .or_insert_with(|| (0, vec![Decimal::ZERO; n]));
            slot.0 = slot.0.max(x.variant);
            if let Some(v) = slot.1.get_mut(i) {
                *v = dec_add(*v, x.value);
            }
        }
    }
    // The devices: the uses, and the devices only measured.
    let mut sites: Vec<Use> = us.to_vec();
    for (&d, &(variant, _)) in &by_device {
        if us.binary_search_by_key(&d, |u| u.device).is_err() {
            sites.push(Use {
                device: d,
                variant,
                installs: 0,
                rows: (0, 0),
            });
        }
    }
    sites.sort_by_key(|u| u.device);
    let need_of = |u: &Use| -> Vec<Need> {
        let measured = by_device.get(&u.device).map(|m| m.1.as_slice());
        grants
            .iter()
            .enumerate()
            .map(|(i, g)| device_need(cx, u, &g.resource, measured, i))
            .collect()
    };
    let org_need = |sums: &[Decimal]| -> Vec<Need> {
        grants
            .iter()
            .zip(sums)
            .map(|(g, &s)| {
                Some(if matches!(g.resource, Resource::Measured(_)) {
                    s
                } else {
                    Decimal::ZERO
                })
            })
            .collect()
    };
    match scope {
        GrantScope::Device => {
            let mut out: Vec<Demand> = sites
                .iter()
                .map(|u| {
                    let (units, outside) = units(grants, &need_of(u));
                    let mut d = cx.device(u, units);
                    d.outside = outside;
                    d
                })
                .collect();
            out.extend(by_org.iter().map(|(&org, (variant, sums))| {
                let (units, outside) = units(grants, &org_need(sums));
                Cx::org_demand(org, *variant, units, outside)
            }));
            out
        }
        GrantScope::Estate => {
            if sites.is_empty() && by_org.is_empty() {
                return Vec::new();
            }
            let mut total: Vec<Need> = vec![Some(Decimal::ZERO); n];
            let mut add = |needs: Vec<Need>| {
                for (t, x) in total.iter_mut().zip(needs) {
                    *t = t.zip(x).map(|(a, b)| dec_add(a, b));
                }
            };
            for u in &sites {
                add(need_of(u));
            }
            for (_, sums) in by_org.values() {
                add(org_need(sums));
            }
            // Users are counted once over the estate, not once per device.
            for (g, t) in grants.iter().zip(total.iter_mut()) {
                if g.resource == Resource::Users {
                    *t = Some(Decimal::from(users(cx, &sites).len() as u64));
                }
            }
            let (units, outside) = units(grants, &total);
            let mut d = cx.aggregate(ConsumerKind::Estate, NONE, &sites, units);
            d.variant = d
                .variant
                .max(by_org.values().map(|v| v.0).max().unwrap_or(0));
            if !by_org.is_empty() {
                let orgs = sites
                    .iter()
                    .map(|u| cx.org_of(u.device))
                    .chain(by_org.keys().copied());
                d.org = cx.common_org(orgs);
            }
            d.outside = outside;
            vec![d]
        }
    }
}
