//! The vendor-neutral metrics: `installation`, `device`, `site`, `node`, `named_user`,
//! `concurrent_user`, `core`, `processor`, `tiered`.
//!
//! Parameters read ([`MetricParams`](crate::MetricParams), each also a contract term):
//! `installation` — `installs_per_licence`, `install_rounding`; `core` —
//! `core_min_per_processor`, `core_min_per_server`, `core_min_per_vm`, `core_pack`; `tiered` —
//! `tiers`, `tier_basis`. The others read none.

use std::collections::BTreeMap;

use itam_core::Decimal;

use super::{ConsumerKind, Cx, Demand, MetricRule, Outside, Reach, Tables, Use, ceil, round_up_to};
use crate::engine::{dec_add, dec_mul};
use crate::model::NONE;
use crate::policy::TierBasis;

/// `installation`: installations ÷ `installs_per_licence` per device, rounded per
/// `install_rounding`, at least one.
pub(super) struct Installation;

impl MetricRule for Installation {
    fn reach(&self) -> Reach {
        Reach::Device
    }

    fn params(&self) -> &'static [&'static str] {
        &["installs_per_licence", "install_rounding"]
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        let p = cx.params;
        us.iter()
            .map(|u| {
                let units = p.install_rounding.units(u.installs, p.installs_per_licence);
                cx.device(u, units)
            })
            .collect()
    }
}

/// `device`, `site` and `node`: one unit per device (operating-system instance) running the
/// product.
pub(super) struct PerDevice;

impl MetricRule for PerDevice {
    fn reach(&self) -> Reach {
        Reach::Device
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        us.iter().map(|u| cx.device(u, 1)).collect()
    }
}

/// `named_user`: one unit per distinct user; a device whose installations name no user
/// stands alone.
pub(super) struct NamedUser;

impl MetricRule for NamedUser {
    fn reach(&self) -> Reach {
        Reach::User
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        // (user, variant, device) for rows with a user, sorted by user; devices whose rows
        // have no user stand alone as device consumers.
        let mut rows: Vec<(u32, u32, u32)> = Vec::new();
        let mut out = Vec::new();
        for u in us {
            let mut anonymous = false;
            for r in cx.rows.get(u.rows.0..u.rows.1).unwrap_or(&[]) {
                if r[3] == NONE {
                    anonymous = true;
                } else {
                    rows.push((r[3], r[2], u.device));
                }
            }
            if anonymous {
                out.push(cx.device(u, 1));
            }
        }
        rows.sort_unstable();
        for run in rows.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(user, _, _)) = run.first() else {
                continue;
            };
            let variant = run.iter().map(|r| r.1).max().unwrap_or(0);
            let user_org = cx.m.user_org.get(user as usize).copied().unwrap_or(NONE);
            out.push(Demand {
                kind: ConsumerKind::User,
                name: user,
                variant,
                org: if user_org == NONE {
                    cx.common_org(run.iter().map(|r| cx.org_of(r.2)))
                } else {
                    user_org
                },
                env: cx.common_env(run.iter().map(|r| r.2)),
                units: 1,
                pin_device: NONE,
                pin_user: user,
                outside: Outside::No,
            });
        }
        out
    }
}

/// `concurrent_user`: per organisation unit of the peaks (the estate for peaks without
/// one), the sum over versions of each version's highest peak.
pub(super) struct ConcurrentUser;

impl MetricRule for ConcurrentUser {
    /// Its consumers are the peaks' organisation units (partition gives each peak its own
    /// cell); its installations link as a host metric's.
    fn reach(&self) -> Reach {
        Reach::Host
    }

    fn demands(&self, cx: &Cx<'_, '_>, _: &[Use], _: &mut Tables) -> Vec<Demand> {
        // Peaks are sorted by (product, org, variant, peak): the max per (org, variant),
        // summed over variants, per org.
        let p = cx.product;
        let start = cx.m.peaks.partition_point(|pk| pk.0 < p);
        let end = cx.m.peaks.partition_point(|pk| pk.0 <= p);
        let mut per_org: BTreeMap<u32, (u32, BTreeMap<u32, u64>)> = BTreeMap::new();
        for &(_, org, variant, peak) in cx.m.peaks.get(start..end).unwrap_or(&[]) {
            let e = per_org.entry(org).or_default();
            e.0 = e.0.max(variant);
            let slot = e.1.entry(variant).or_default();
            *slot = (*slot).max(peak);
        }
        per_org
            .into_iter()
            .map(|(org, (variant, peaks))| {
                let units = peaks.values().fold(0u64, |a, &b| a.saturating_add(b));
                Cx::org_demand(org, variant, units, Outside::No)
            })
            .collect()
    }
}

/// `core`: a device's cores with the minimums per processor, server and VM, in packs.
pub(super) struct Core;

impl MetricRule for Core {
    fn reach(&self) -> Reach {
        Reach::Device
    }

    fn params(&self) -> &'static [&'static str] {
        &[
            "core_min_per_processor",
            "core_min_per_server",
            "core_min_per_vm",
            "core_pack",
        ]
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        let p = cx.params;
        us.iter()
            .map(|u| {
                let (cores, sockets) = cx.dev(u.device);
                let units = if cx.is_vm(u.device) {
                    cores.max(p.core_min_per_vm)
                } else {
                    cores
                        .max(p.core_min_per_processor.saturating_mul(sockets))
                        .max(p.core_min_per_server)
                };
                cx.device(u, round_up_to(units, p.core_pack))
            })
            .collect()
    }
}

/// `processor`: the sockets of each physical server the product runs on.
pub(super) struct Processor;

impl MetricRule for Processor {
    fn reach(&self) -> Reach {
        Reach::Host
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        cx.hosts(us, false, false)
            .into_iter()
            .map(|(h, c)| cx.host(h, &c, cx.dev(h).1))
            .collect()
    }
}

/// `tiered`: the bands of `tiers` over the device's `tier_basis` (cores, processors, or
/// the product's installations on it), rounded up once.
pub(super) struct Tiered;

impl MetricRule for Tiered {
    fn reach(&self) -> Reach {
        Reach::Device
    }

    fn params(&self) -> &'static [&'static str] {
        &["tiers", "tier_basis"]
    }

    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], _: &mut Tables) -> Vec<Demand> {
        us.iter().map(|u| cx.device(u, tiered(cx, u))).collect()
    }
}

fn tiered(cx: &Cx<'_, '_>, u: &Use) -> u64 {
    let (c, s) = cx.dev(u.device);
    let base = match cx.params.tier_basis {
        TierBasis::Cores => c,
        TierBasis::Processors => s,
        TierBasis::Installations => u.installs,
    };
    let mut total = Decimal::ZERO;
    let mut below = 0u64;
    for t in &cx.params.tiers {
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
