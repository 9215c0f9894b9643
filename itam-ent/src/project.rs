//! Projection of an effective entitlement into the reconciliation engine's
//! `Entitlement` facts ([`itam_core::estate::Entitlement`]).
//!
//! One fact per counted right (a right with a metric), and one more per active allocation,
//! so that what the chain allocated is reconciled where it was allocated:
//!
//! | Ent (effective) | estate `Entitlement` |
//! |---|---|
//! | Ent id (`#right-metric` appended when the Ent counts more than one right) | `id`; an allocation's fact is `<id>@<allocation id>` |
//! | `ValidVersion` of the right: `tagId`, range and scheme | `scope.tag_id`, `scope.versions` |
//! | `EntMeta` `product`, `edition`; the first licensor's name | `scope.product`, `scope.edition`, `scope.publisher` |
//! | `Metric/@type` | `metric`: `device`, `namedUser`/`user` → `named_user`, `concurrentUser`, `core`, `processor`/`socket` → `processor`, `instance` → `installation`, `site`; others kept as `Other` |
//! | quantity − what is allocated from it | `quantity` (whole units; a fraction is rounded down, with a note) |
//! | `unlimited="true"` | `unlimited` |
//! | `Limit type="time"`: `LimitTime` start, end (or start + duration in days, weeks, months, quarters, years) | `start`, `end` (dates, inclusive) |
//! | rights `downgrade`, `upgrade`; `secondaryUse`, `backup`, `disasterRecovery`, `failover` | `rights.downgrade`, `rights.upgrade`, `rights.secondary_use` |
//! | an allocation's allocatee: `Meta org="…"` (else its name), `Meta device="…"`, `Meta user="…"` | `org`, `pinned` |
//! | the first `InvoiceData/@unitPrice` | `unit_cost` (the currency is not carried: the estate has none) |
//!
//! A revoked, archived or consolidated entitlement projects to nothing. What does not map is
//! listed in the projection's notes: rights without a metric (measurability is optional in Ents),
//! limits other than time, more than one `ValidVersion` per right, fractional quantities.

use chrono::{Days, Months, NaiveDate};
use itam_core::estate::{Entitlement, Metric, Pin, ProductScope, Rights};
use itam_core::{AssetId, Decimal, EntId, VersionRange};

use crate::model::{Entity, LimitTime};
use crate::resolve::{Allocation, Effective, EffectiveRight};
use crate::values::{DurationUnit, LimitType, MetricType, RightName};

/// The facts of one effective entitlement, and what could not be carried over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Projection {
    /// The engine's facts.
    pub entitlements: Vec<Entitlement>,
    /// What was approximated or left out, one line each.
    pub notes: Vec<String>,
}

/// The engine's metric for an Ent metric type.
#[must_use]
pub fn metric_of(m: &MetricType) -> Metric {
    match m {
        MetricType::Device => Metric::Device,
        MetricType::NamedUser | MetricType::User => Metric::NamedUser,
        MetricType::ConcurrentUser => Metric::ConcurrentUser,
        MetricType::Core => Metric::Core,
        MetricType::Processor | MetricType::Socket => Metric::Processor,
        MetricType::Instance => Metric::Installation,
        MetricType::Site => Metric::Site,
        other => Metric::Other(other.as_str().to_owned()),
    }
}

fn is_flag(r: &RightName) -> bool {
    matches!(
        r,
        RightName::Downgrade
            | RightName::Upgrade
            | RightName::SecondaryUse
            | RightName::Backup
            | RightName::DisasterRecovery
            | RightName::Failover
    )
}

fn whole(q: Decimal, what: &str, notes: &mut Vec<String>) -> u64 {
    let floor = q.floor();
    if floor != q {
        notes.push(format!("{what}: {q} is not whole; {floor} units projected"));
    }
    u64::try_from(floor.max(Decimal::ZERO)).unwrap_or(u64::MAX)
}

fn period(
    t: &LimitTime,
    what: &str,
    notes: &mut Vec<String>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let start = t.start.map(|s| s.date_naive());
    let mut end = t.end.map(|e| e.date_naive());
    if end.is_none() {
        if let (Some(s), Some(d), Some(unit)) = (start, t.duration, &t.duration_unit) {
            let n = u32::try_from(d.trunc().max(Decimal::ZERO)).unwrap_or(u32::MAX);
            if d.trunc() != d {
                notes.push(format!("{what}: duration {d} is not whole; {n} used"));
            }
            let after = match unit {
                DurationUnit::Day => s.checked_add_days(Days::new(u64::from(n))),
                DurationUnit::Week => s.checked_add_days(Days::new(7 * u64::from(n))),
                DurationUnit::Month => s.checked_add_months(Months::new(n)),
                DurationUnit::Quarter => s.checked_add_months(Months::new(n.saturating_mul(3))),
                DurationUnit::Year => s.checked_add_months(Months::new(n.saturating_mul(12))),
                other => {
                    notes.push(format!("{what}: a duration in {other}s gives no end date"));
                    None
                }
            };
            // The last day inside the period.
            end = after.and_then(|a| a.pred_opt());
        }
    }
    (start, end)
}

fn scope_of(eff: &Effective, r: &EffectiveRight, notes: &mut Vec<String>) -> ProductScope {
    let meta = eff.ent_meta.iter().find(|m| m.product.is_some());
    let vv = r.valid_versions.first();
    if r.valid_versions.len() > 1 {
        notes.push(format!(
            "{}: {} ValidVersion elements; only the first is the scope",
            eff.ent_id,
            r.valid_versions.len()
        ));
    }
    ProductScope {
        tag_id: vv.and_then(|v| v.tag_id.clone()).or_else(|| {
            r.links
                .iter()
                .chain(&eff.links)
                .find_map(crate::model::Link::swid_target)
        }),
        publisher: eff.licensors.first().map(|l| l.name.clone()),
        product: meta.and_then(|m| m.product.clone()),
        edition: meta.and_then(|m| m.edition.clone()),
        versions: vv.map_or_else(VersionRange::default, |v| v.range.clone()),
    }
}

fn meta_value(e: &Entity, key: &str) -> Option<String> {
    e.meta.iter().find_map(|m| m.get(key)).map(str::to_owned)
}

/// Whether an allocation and every allocation above it are in force.
fn allocation_active(eff: &Effective, a: &Allocation) -> bool {
    let mut cur = a;
    for _ in 0..=eff.allocations.len() {
        if cur.revoked_by.is_some() {
            return false;
        }
        match eff.allocations.iter().find(|p| p.ent_id == cur.parent) {
            Some(p) => cur = p,
            None => return true,
        }
    }
    true
}

/// Projects an effective entitlement into the engine's facts.
#[must_use]
pub fn project(eff: &Effective) -> Projection {
    let mut out = Projection::default();
    if !eff.status.is_active() {
        out.notes.push(format!(
            "{} is not active ({:?}); nothing projected",
            eff.ent_id, eff.status
        ));
        return out;
    }
    let mut rights = Rights::default();
    for r in eff.rights.iter().filter(|r| is_flag(&r.right)) {
        match r.right {
            RightName::Downgrade => rights.downgrade = true,
            RightName::Upgrade => rights.upgrade = true,
            _ => rights.secondary_use = true,
        }
    }
    let counted: Vec<&EffectiveRight> = eff
        .rights
        .iter()
        .filter(|r| !is_flag(&r.right) && r.metric.is_some())
        .collect();
    for r in eff
        .rights
        .iter()
        .filter(|r| !is_flag(&r.right) && r.metric.is_none())
    {
        out.notes.push(format!(
            "{}: right `{}` has no metric; not projected",
            eff.ent_id, r.right
        ));
    }
    let unit_cost = eff.invoice_data.iter().find_map(|i| i.unit_price);
    for r in &counted {
        let Some(metric) = &r.metric else { continue };
        let id = if counted.len() == 1 {
            eff.ent_id.to_string()
        } else {
            format!("{}#{}-{}", eff.ent_id, r.right, metric)
        };
        let what = id.clone();
        let mut start = None;
        let mut end = None;
        for l in &r.limits {
            if l.limit_type == LimitType::Time {
                if let Some(t) = l.limit_time.first() {
                    (start, end) = period(t, &what, &mut out.notes);
                }
            } else {
                out.notes.push(format!(
                    "{what}: limit `{}` {:?} is not projected",
                    l.limit_type,
                    l.value.as_deref().unwrap_or("")
                ));
            }
        }
        let scope = scope_of(eff, r, &mut out.notes);
        let quantity = r.available().map_or(0, |q| whole(q, &what, &mut out.notes));
        let mut fact = Entitlement::new(
            EntId::new(id.clone()),
            scope.clone(),
            metric_of(metric),
            quantity,
        );
        fact.unlimited = r.unlimited;
        fact.start = start;
        fact.end = end;
        fact.rights = rights.clone();
        fact.unit_cost = unit_cost;
        out.entitlements.push(fact.clone());
        for a in eff
            .allocations
            .iter()
            .filter(|a| a.right == r.right && &a.metric == metric && allocation_active(eff, a))
        {
            let aid = format!("{id}@{}", a.ent_id);
            let mut alloc = fact.clone();
            alloc.id = EntId::new(aid.clone());
            alloc.unlimited = false;
            alloc.quantity = whole(a.quantity - a.sub_allocated, &aid, &mut out.notes);
            if let Some(who) = a.allocatees.first() {
                alloc.org = meta_value(who, "org").or_else(|| Some(who.name.clone()));
                for who in &a.allocatees {
                    if let Some(d) = meta_value(who, "device") {
                        alloc.pinned.push(Pin::Device(AssetId::new(d)));
                    }
                    if let Some(u) = meta_value(who, "user") {
                        alloc.pinned.push(Pin::User(u));
                    }
                }
            }
            out.entitlements.push(alloc);
        }
    }
    if eff
        .invoice_data
        .iter()
        .any(|i| i.currency.is_some() && i.unit_price.is_some())
    {
        out.notes
            .push("unit cost carried without its currency (the estate has none)".to_owned());
    }
    out
}
