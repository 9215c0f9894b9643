//! Projection of an effective entitlement into the reconciliation engine's
//! `Entitlement` facts ([`itam_core::estate::Entitlement`]).
//!
//! One fact per counted right (a right with a metric), and one more per active allocation,
//! so that what the chain allocated is reconciled where it was allocated:
//!
//! | Ent (effective) | estate `Entitlement` |
//! |---|---|
//! | Ent id (`#right-metric` appended when the Ent counts more than one right) | `id`; an allocation's fact is `<id>@<allocation id>` |
//! | every `ValidVersion` of the right: `tagId` (else the Ent's SWID link target), range and scheme | one span each of `scope.versions` (a union; a span with a `tagId` covers that identity only); no `ValidVersion` = every version |
//! | `EntMeta` `product`, `edition`; the first licensor's name | `scope.product`, `scope.edition`, `scope.publisher` |
//! | `Metric/@type` | `metric`: `device`, `namedUser`/`user` → `named_user`, `concurrentUser`, `core`, `processor`/`socket` → `processor`, `instance` → `installation`, `site`, `capacity`, `transaction`, `enterprise`; a catalogue metric's JSON name (`oracle_nup`) or its camelCase (`oracleNup`, `ibmPvuSubcapacity`, `windowsServerStandard`, `memory`, `node`) → that metric; others kept as `Other` (a user-defined metric when its `Meta` define it, below) |
//! | `Metric/Meta` `installsPerLicence` (whole ≥ 1), `installRounding` (`up`, `nearest`, `down`) | `terms.installs_per_licence`, `terms.install_rounding` |
//! | `Metric/Meta` `coreMinPerProcessor`, `coreMinPerServer`, `coreMinPerVm` (whole), `corePack` (whole ≥ 1) | `terms.core_min_per_processor`, `terms.core_min_per_server`, `terms.core_min_per_vm`, `terms.core_pack` |
//! | one `Metric/Meta` per band, in document order: `tierFactor` (decimal ≥ 0), `tierUpTo` (whole; none on the last band); `tierBasis` (`cores`, `processors`, `installations`) | `terms.tiers` (`{up_to, factor}` each), `terms.tier_basis` |
//! | `Metric/Meta` `minimumPerProcessor` (whole), `aggregation` (`host`, `cluster`, `coreFactorGroup`, `estate`), `rounding` (`aggregate`, `eachServer`) | `terms.oracle_nup_min_per_processor`, `terms.oracle_aggregation`, `terms.oracle_rounding` |
//! | `Metric/Meta` `stacking` (`host`, `cluster`), `peakPeriodDays` (whole) | `terms.windows_stacking`, `terms.peak_period_days` |
//! | `Metric/Meta` `licenseMobility` (`true`, `false`: License Mobility, the licence follows the VM) | `terms.license_mobility` |
//! | of a metric type outside the catalogue (a user-defined metric): one `Metric/Meta` per granted resource, in document order: `resource` (`installations`, `nodes`, `cores`, `processors`, `memory_gb`, `users`, `attribute:NAME`, `measured:NAME`), `perUnit` (decimal > 0; 1 when absent); `resourceScope` (`device`, `estate`) | `terms.definition` (`{resources: [{resource, per_unit}], scope}`): one copy = 64 GB + 1 node is two `Meta` |
//! | quantity − what is allocated from it | `quantity`, exact (a fraction is kept; the engine covers whole units and shows the fraction as unusable) |
//! | `unlimited="true"` | `unlimited` |
//! | `Limit type="time"`: `LimitTime` start, end (or start + duration in days, weeks, months, quarters, years) | `start`, `end` (dates, inclusive) |
//! | rights `downgrade`, `upgrade`; `secondaryUse`, `backup`, `disasterRecovery`, `failover` | `rights.downgrade`, `rights.upgrade`, `rights.secondary_use` |
//! | the `ValidVersion` lower bounds of the `downgrade` right (`minVersion`, or `version`): the lowest | `rights.downgrade_depth`: down to that version ([`DowngradeDepth::DownTo`]); a `downgrade` right without `ValidVersion`, or one without a lower bound, reaches every older version (unlimited) |
//! | an allocation's allocatee: `Meta org="…"` (else its name), `Meta device="…"`, `Meta user="…"` | `org`, `pinned` |
//! | the first `InvoiceData` with a `@unitPrice`: the price, its `@currency` | `unit_cost`, `currency` |
//!
//! The contract terms are read from the `Meta` children of the `Metric` elements the right
//! was granted by, which the effective right keeps ([`EffectiveRight::metric_meta`]: the
//! base's first, then those of additions and, for a consolidation, of the merged Ents). An
//! allocation's fact carries the terms of the fact it is allocated from. Every term is noted
//! and left unset (the policy's) when its value does not read or cannot count (0
//! installations per licence, a pack of 0, bands [`tier_problem`] refuses; one bad band
//! leaves every band out); a later value of a term that differs from the first is noted (the
//! first is projected); an attribute of `Metric/Meta` that is none of these is noted; a term
//! the metric does not read ([`Terms::read_by`]) is projected as written, and noted.
//!
//! A revoked, archived or consolidated entitlement projects to nothing. What does not map is
//! listed in the projection's notes: rights without a metric (measurability is optional in Ents),
//! limits other than time, a `ValidVersion/@persistentId` (the estate's software identities
//! carry none), unit prices after the first; of a `downgrade` right's `ValidVersion`: its upper
//! bound and `tagId` (the depth applies to every span of the scope), an `afterVersion` (read
//! as down to that version inclusive, the only floor the estate has), and a version scheme
//! other than the scope's. The reconstructed vocabulary has no form for *N previous major
//! versions* ([`DowngradeDepth::PreviousMajors`]), so no Ent projects to it.

use std::cmp::Ordering;

use chrono::{Days, Months, NaiveDate};
use itam_core::estate::{
    DowngradeDepth, Entitlement, Metric, Pin, ProductScope, Rights, VersionSet, VersionSpan,
};
use itam_core::finance::Currency;
use itam_core::terms::{
    Aggregation, Grant, GrantScope, InstallRounding, MetricDefinition, Resource, Rounding,
    Stacking, Terms, Tier, TierBasis, tier_problem,
};
use itam_core::version::Bound;
use itam_core::{AssetId, Decimal, EntId, VersionRange, VersionScheme};

use crate::model::{Entity, LimitTime, Meta};
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

/// The engine's metric for an Ent metric type: the mapped Ent types (see the
/// [module documentation](self)), else the catalogue metric whose JSON name (`oracle_nup`) or
/// camelCase form (`oracleNup`) the type is, else [`Metric::Other`].
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
        other => catalogue_metric(other.as_str())
            .unwrap_or_else(|| Metric::Other(other.as_str().to_owned())),
    }
}

/// Whether a right is one the projection turns into a flag of [`Rights`] (downgrade,
/// upgrade, secondary use and its kinds) rather than counts.
pub(crate) fn is_flag(r: &RightName) -> bool {
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

/// The rights the projection counts, in the Ent's order: a metric, and not a flag right.
pub(crate) fn counted(eff: &Effective) -> Vec<&EffectiveRight> {
    eff.rights
        .iter()
        .filter(|r| r.metric.is_some() && !is_flag(&r.right))
        .collect()
}

/// The id of the entitlement projected from a counted right `r` of `eff` with metric
/// `metric`, when `n` rights are counted: the Ent id when it counts one right, else
/// `<Ent id>#<right>-<metric>`.
pub(crate) fn counted_id(
    eff: &Effective,
    r: &EffectiveRight,
    metric: &MetricType,
    n: usize,
) -> String {
    if n == 1 {
        eff.ent_id.to_string()
    } else {
        format!("{}#{}-{}", eff.ent_id, r.right, metric)
    }
}

/// A quantity as the estate holds it: exact, and never negative.
fn exact(q: Decimal, what: &str, notes: &mut Vec<String>) -> Decimal {
    if q < Decimal::ZERO {
        notes.push(format!("{what}: quantity {q} is negative; 0 projected"));
        return Decimal::ZERO;
    }
    q
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
    // A ValidVersion without a tagId names the software the Ent links to, if any.
    let linked = r
        .links
        .iter()
        .chain(&eff.links)
        .find_map(crate::model::Link::swid_target);
    let spans: Vec<VersionSpan> = r
        .valid_versions
        .iter()
        .map(|v| {
            if let Some(p) = &v.persistent_id {
                notes.push(format!(
                    "{}: ValidVersion persistentId {p:?} is not projected (software identities \
                     in the estate carry none); its tagId and range are",
                    eff.ent_id
                ));
            }
            VersionSpan {
                tag_id: v.tag_id.clone().or_else(|| linked.clone()),
                range: v.range.clone(),
            }
        })
        .collect();
    let versions = VersionSet::new(spans).unwrap_or_else(|| {
        VersionSet::from(VersionSpan {
            tag_id: linked,
            range: VersionRange::default(),
        })
    });
    ProductScope {
        publisher: eff.licensors.first().map(|l| l.name.clone()),
        product: meta.and_then(|m| m.product.clone()),
        edition: meta.and_then(|m| m.edition.clone()),
        versions,
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

/// How far back the `downgrade` rights of `eff` reach: down to the lowest lower bound of
/// their `ValidVersion`s, with its scheme; unlimited (none) when one of them has no
/// `ValidVersion` or one has no lower bound.
fn downgrade_floor<'e>(
    eff: &'e Effective,
    notes: &mut Vec<String>,
) -> Option<(&'e str, &'e VersionScheme)> {
    let rights: Vec<&EffectiveRight> = eff
        .rights
        .iter()
        .filter(|r| r.right == RightName::Downgrade)
        .collect();
    if rights.iter().any(|r| r.valid_versions.is_empty()) {
        return None;
    }
    let mut floor: Option<(&str, &VersionScheme)> = None;
    let mut said: Vec<String> = Vec::new();
    for v in rights.iter().flat_map(|r| &r.valid_versions) {
        let text = match &v.range.lower {
            Bound::Unbounded => return None,
            Bound::Inclusive(t) => t.as_str(),
            Bound::Exclusive(t) => {
                said.push(format!(
                    "{}: the downgrade right's ValidVersion afterVersion {t:?} is projected as \
                     down to {t:?} inclusive (the estate's floor is inclusive), so {t:?} itself \
                     is covered too",
                    eff.ent_id
                ));
                t.as_str()
            }
        };
        if v.range.upper != Bound::Unbounded {
            said.push(format!(
                "{}: the upper bound of the downgrade right's ValidVersion {} is not projected; \
                 its lower bound is the downgrade floor",
                eff.ent_id, v.range
            ));
        }
        if let Some(t) = &v.tag_id {
            said.push(format!(
                "{}: the downgrade right's ValidVersion tagId {t:?} is not projected; its floor \
                 applies to every version span",
                eff.ent_id
            ));
        }
        let lower = floor.is_none_or(|(f, scheme)| scheme.compare(text, f) == Ordering::Less);
        if lower {
            floor = Some((text, &v.range.scheme));
        }
    }
    notes.extend(said);
    floor
}

/// The `Metric/Meta` attributes that carry one contract term each, and the term's name (the
/// JSON name of its [`Terms`] field). The tier bands (`tierUpTo`, `tierFactor`) are read per
/// `Meta` (see [`terms_of`]).
const TERM_ATTRIBUTES: [(&str, &str); 13] = [
    ("installsPerLicence", "installs_per_licence"),
    ("installRounding", "install_rounding"),
    ("tierBasis", "tier_basis"),
    ("coreMinPerProcessor", "core_min_per_processor"),
    ("coreMinPerServer", "core_min_per_server"),
    ("coreMinPerVm", "core_min_per_vm"),
    ("corePack", "core_pack"),
    ("minimumPerProcessor", "oracle_nup_min_per_processor"),
    ("aggregation", "oracle_aggregation"),
    ("rounding", "oracle_rounding"),
    ("stacking", "windows_stacking"),
    ("peakPeriodDays", "peak_period_days"),
    ("licenseMobility", "license_mobility"),
];

/// The `Metric/Meta` attribute of one grant of a user-defined metric: the resource
/// (`memory_gb`, `nodes`, `attribute:NAME`, `measured:NAME`, …); a `Meta` carrying it is a
/// grant.
const RESOURCE: &str = "resource";
/// The `Metric/Meta` attribute of how much of its resource one unit grants (default 1).
const PER_UNIT: &str = "perUnit";
/// The `Metric/Meta` attribute of where a user-defined metric pools (`device`, `estate`).
const RESOURCE_SCOPE: &str = "resourceScope";

/// The `Metric/Meta` attribute of one tier band's upper end.
const TIER_UP_TO: &str = "tierUpTo";
/// The `Metric/Meta` attribute of one tier band's factor; a `Meta` carrying it is a band.
const TIER_FACTOR: &str = "tierFactor";

/// The catalogue metric whose JSON name (`oracle_nup`) or its camelCase form (`oracleNup`)
/// is `name`, if any.
fn catalogue_metric(name: &str) -> Option<Metric> {
    Metric::KNOWN
        .into_iter()
        .find(|m| m.as_str() == name || camel_case(m.as_str()) == name)
}

/// `ibm_pvu_subcapacity` → `ibmPvuSubcapacity`.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for (i, part) in snake.split('_').enumerate() {
        let mut chars = part.chars();
        match chars.next() {
            Some(c) if i > 0 => {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
            _ => out.push_str(part),
        }
    }
    out
}

/// `value` as a whole number, else a note.
fn whole<T: std::str::FromStr>(
    what: &str,
    name: &str,
    value: &str,
    kind: &str,
    notes: &mut Vec<String>,
) -> Option<T> {
    let v = value.parse().ok();
    if v.is_none() {
        notes.push(format!(
            "{what}: Metric Meta {name} {value:?} is not {kind}; not projected"
        ));
    }
    v
}

/// `value` as one of the words of `choices`, else a note.
fn word<T: Copy>(
    what: &str,
    name: &str,
    value: &str,
    choices: &[(&str, T)],
    notes: &mut Vec<String>,
) -> Option<T> {
    let v = choices.iter().find(|(w, _)| *w == value).map(|(_, v)| *v);
    if v.is_none() {
        let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
        notes.push(format!(
            "{what}: Metric Meta {name} {value:?} is not one of {}; not projected",
            words.join(", ")
        ));
    }
    v
}

/// `value` as a whole number ≥ 1 that `probe` (the terms with only that value set) can
/// count, else a note.
fn countable(
    what: &str,
    name: &str,
    value: &str,
    probe: impl Fn(u64) -> Terms,
    notes: &mut Vec<String>,
) -> Option<u64> {
    let v = whole::<u64>(what, name, value, "a whole number ≥ 1", notes)?;
    match probe(v).problem() {
        Some(problem) => {
            notes.push(format!(
                "{what}: Metric Meta {name} {value:?} cannot count: {problem}; not projected"
            ));
            None
        }
        None => Some(v),
    }
}

/// Sets on `t` the term the attribute `name` (one of [`TERM_ATTRIBUTES`]) writes as `value`,
/// or notes why it cannot.
fn set_term(t: &mut Terms, what: &str, name: &str, value: &str, notes: &mut Vec<String>) {
    const WHOLE: &str = "a whole number";
    match name {
        "installsPerLicence" => {
            t.installs_per_licence = countable(
                what,
                name,
                value,
                |v| Terms {
                    installs_per_licence: Some(v),
                    ..Terms::default()
                },
                notes,
            );
        }
        "corePack" => {
            t.core_pack = countable(
                what,
                name,
                value,
                |v| Terms {
                    core_pack: Some(v),
                    ..Terms::default()
                },
                notes,
            );
        }
        "coreMinPerProcessor" => t.core_min_per_processor = whole(what, name, value, WHOLE, notes),
        "coreMinPerServer" => t.core_min_per_server = whole(what, name, value, WHOLE, notes),
        "coreMinPerVm" => t.core_min_per_vm = whole(what, name, value, WHOLE, notes),
        "minimumPerProcessor" => {
            t.oracle_nup_min_per_processor = whole(what, name, value, WHOLE, notes);
        }
        "licenseMobility" => {
            t.license_mobility = word(
                what,
                name,
                value,
                &[("true", true), ("false", false)],
                notes,
            );
        }
        "peakPeriodDays" => {
            t.peak_period_days = whole(what, name, value, "a whole number of days", notes);
        }
        "installRounding" => {
            t.install_rounding = word(
                what,
                name,
                value,
                &[
                    ("up", InstallRounding::Up),
                    ("nearest", InstallRounding::Nearest),
                    ("down", InstallRounding::Down),
                ],
                notes,
            );
        }
        "tierBasis" => {
            t.tier_basis = word(
                what,
                name,
                value,
                &[
                    ("cores", TierBasis::Cores),
                    ("processors", TierBasis::Processors),
                    ("installations", TierBasis::Installations),
                ],
                notes,
            );
        }
        "aggregation" => {
            t.oracle_aggregation = word(
                what,
                name,
                value,
                &[
                    ("host", Aggregation::Host),
                    ("cluster", Aggregation::Cluster),
                    ("coreFactorGroup", Aggregation::CoreFactorGroup),
                    ("estate", Aggregation::Estate),
                ],
                notes,
            );
        }
        "rounding" => {
            t.oracle_rounding = word(
                what,
                name,
                value,
                &[
                    ("aggregate", Rounding::Aggregate),
                    ("eachServer", Rounding::EachServer),
                ],
                notes,
            );
        }
        "stacking" => {
            t.windows_stacking = word(
                what,
                name,
                value,
                &[("host", Stacking::Host), ("cluster", Stacking::Cluster)],
                notes,
            );
        }
        _ => {}
    }
}

/// One tier band from a `Meta` with `tierFactor` (and `tierUpTo` when the band ends), or a
/// note of what does not read.
fn band(what: &str, factor: &str, up_to: Option<&str>, notes: &mut Vec<String>) -> Option<Tier> {
    let f = factor
        .parse::<Decimal>()
        .ok()
        .filter(|f| !f.is_sign_negative());
    if f.is_none() {
        notes.push(format!(
            "{what}: Metric Meta {TIER_FACTOR} {factor:?} is not a decimal ≥ 0; tiers not projected"
        ));
    }
    let up = match up_to {
        Some(u) => {
            let v = u.parse::<u64>().ok();
            if v.is_none() {
                notes.push(format!(
                    "{what}: Metric Meta {TIER_UP_TO} {u:?} is not a whole number; tiers not \
                     projected"
                ));
            }
            Some(v?)
        }
        None => None,
    };
    Some(Tier {
        up_to: up,
        factor: f?,
    })
}

/// One grant from a `Meta` with `resource` (and `perUnit` when not 1), or a note of what
/// does not read.
fn grant(what: &str, resource: &str, per: Option<&str>, notes: &mut Vec<String>) -> Option<Grant> {
    let r = Resource::parse(resource);
    if r.is_none() {
        notes.push(format!(
            "{what}: Metric Meta {RESOURCE} {resource:?} is none of installations, nodes, \
             cores, processors, memory_gb, users, attribute:NAME, measured:NAME; definition \
             not projected"
        ));
    }
    let per_unit = match per {
        Some(p) => {
            let v = p.parse::<Decimal>().ok().filter(|v| *v > Decimal::ZERO);
            if v.is_none() {
                notes.push(format!(
                    "{what}: Metric Meta {PER_UNIT} {p:?} is not a decimal above 0; definition \
                     not projected"
                ));
            }
            v?
        }
        None => Decimal::ONE,
    };
    Some(Grant {
        resource: r?,
        per_unit,
    })
}

/// The contract terms `metas` (the `Meta` children of a right's `Metric`) write for the
/// entitlement `what` of `metric`, noting every attribute that is not a term, every value
/// that does not read or cannot count (that term is left unset), a later value of a term
/// that differs from the first (the first is kept), and every term `metric` does not read
/// (projected all the same).
fn terms_of(what: &str, metas: &[&Meta], metric: &Metric, notes: &mut Vec<String>) -> Terms {
    let mut t = Terms::default();
    let mut first: Vec<(&str, &str)> = Vec::new();
    let mut bands: Vec<Tier> = Vec::new();
    let mut bands_read = true;
    let mut grants: Vec<Grant> = Vec::new();
    let mut grants_read = true;
    let mut scope: Option<GrantScope> = None;
    for m in metas {
        for a in &m.base.attributes {
            let (name, value) = (a.name.local.as_str(), a.value.as_str());
            let known = a.name.namespace.is_none()
                && (name == TIER_UP_TO
                    || name == TIER_FACTOR
                    || name == RESOURCE
                    || name == PER_UNIT
                    || name == RESOURCE_SCOPE
                    || TERM_ATTRIBUTES.iter().any(|(n, _)| *n == name));
            if !known {
                notes.push(format!(
                    "{what}: Metric Meta attribute {}={value:?} is not a contract term; not \
                     projected",
                    a.name.clark()
                ));
                continue;
            }
            if [TIER_UP_TO, TIER_FACTOR, RESOURCE, PER_UNIT].contains(&name) {
                continue;
            }
            if let Some((_, was)) = first.iter().find(|(n, _)| *n == name) {
                if *was != value {
                    notes.push(format!(
                        "{what}: Metric Meta {name} {value:?} is not projected; the first, \
                         {was:?}, is"
                    ));
                }
                continue;
            }
            first.push((name, value));
            if name == RESOURCE_SCOPE {
                scope = word(
                    what,
                    name,
                    value,
                    &[
                        ("device", GrantScope::Device),
                        ("estate", GrantScope::Estate),
                    ],
                    notes,
                );
                continue;
            }
            set_term(&mut t, what, name, value, notes);
        }
        match (m.get(RESOURCE), m.get(PER_UNIT)) {
            (Some(r), per) => match grant(what, r, per, notes) {
                Some(g) => grants.push(g),
                None => grants_read = false,
            },
            (None, Some(p)) => {
                notes.push(format!(
                    "{what}: Metric Meta {PER_UNIT} {p:?} has no {RESOURCE} beside it; \
                     definition not projected"
                ));
                grants_read = false;
            }
            (None, None) => {}
        }
        match (m.get(TIER_FACTOR), m.get(TIER_UP_TO)) {
            (Some(factor), up_to) => match band(what, factor, up_to, notes) {
                Some(b) => bands.push(b),
                None => bands_read = false,
            },
            (None, Some(u)) => {
                notes.push(format!(
                    "{what}: Metric Meta {TIER_UP_TO} {u:?} has no {TIER_FACTOR} beside it; \
                     tiers not projected"
                ));
                bands_read = false;
            }
            (None, None) => {}
        }
    }
    if bands_read && !bands.is_empty() {
        match tier_problem(&bands) {
            Some(problem) => notes.push(format!(
                "{what}: Metric Meta {TIER_UP_TO}/{TIER_FACTOR} bands cannot count ({problem}); \
                 tiers not projected"
            )),
            None => t.tiers = Some(bands),
        }
    }
    if grants.is_empty() {
        if scope.is_some() {
            notes.push(format!(
                "{what}: Metric Meta {RESOURCE_SCOPE} without any {RESOURCE}; not projected"
            ));
        }
    } else if grants_read {
        let definition = MetricDefinition {
            resources: grants,
            scope: scope.unwrap_or_default(),
        };
        match definition.problem() {
            Some(problem) => notes.push(format!(
                "{what}: Metric Meta {RESOURCE}/{PER_UNIT} cannot count ({problem}); definition \
                 not projected"
            )),
            None => t.definition = Some(definition),
        }
    }
    let read = Terms::read_by(metric);
    for (term, _) in t.entries() {
        if !read.contains(&term) {
            let attribute = match term {
                "tiers" => "tierUpTo/tierFactor",
                "definition" => "resource/perUnit",
                _ => TERM_ATTRIBUTES
                    .iter()
                    .find(|(_, n)| *n == term)
                    .map_or(term, |(a, _)| *a),
            };
            notes.push(format!(
                "{what}: Metric Meta {attribute} is projected as {term}, but metric `{metric}` \
                 does not read it"
            ));
        }
    }
    t
}

/// Projects an effective entitlement into the engine's facts, each counted right's contract
/// terms read from the `Meta` of its `Metric` elements (see the [module documentation](self)).
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
    let floor = if rights.downgrade {
        downgrade_floor(eff, &mut out.notes)
    } else {
        None
    };
    if let Some((text, _)) = floor {
        rights.downgrade_depth = DowngradeDepth::DownTo(text.to_owned());
    }
    let counted = counted(eff);
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
    let priced: Vec<_> = eff
        .invoice_data
        .iter()
        .filter(|i| i.unit_price.is_some())
        .collect();
    let unit_cost = priced.first().and_then(|i| i.unit_price);
    let currency = priced
        .first()
        .and_then(|i| i.currency.as_deref())
        .map(Currency::new);
    if let Some(other) = priced.iter().skip(1).find(|i| {
        i.unit_price != unit_cost
            || i.currency.as_deref() != currency.as_ref().map(Currency::as_str)
    }) {
        out.notes.push(format!(
            "{}: unit price {} {} of a later InvoiceData is not projected; the first, {} {}, is",
            eff.ent_id,
            other.unit_price.unwrap_or_default(),
            other.currency.as_deref().unwrap_or("(no currency)"),
            unit_cost.unwrap_or_default(),
            currency.as_ref().map_or("(no currency)", Currency::as_str),
        ));
    }
    for r in &counted {
        let Some(metric) = &r.metric else { continue };
        let id = counted_id(eff, r, metric, counted.len());
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
        if let Some((text, scheme)) = floor {
            if scope
                .versions
                .spans()
                .iter()
                .any(|s| s.range.scheme != *scheme)
            {
                out.notes.push(format!(
                    "{what}: the downgrade floor {text:?} is written in the {scheme} scheme and \
                     compared by the scheme of each version span"
                ));
            }
        }
        let quantity = r
            .available()
            .map_or(Decimal::ZERO, |q| exact(q, &what, &mut out.notes));
        let engine_metric = metric_of(metric);
        let terms = terms_of(
            &what,
            &r.metric_meta.iter().collect::<Vec<_>>(),
            &engine_metric,
            &mut out.notes,
        );
        let mut fact = Entitlement::new(
            EntId::new(id.clone()),
            scope.clone(),
            engine_metric,
            quantity,
        );
        fact.terms = terms;
        fact.unlimited = r.unlimited;
        fact.start = start;
        fact.end = end;
        fact.rights = rights.clone();
        fact.unit_cost = unit_cost;
        fact.currency = currency.clone();
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
            alloc.quantity = exact(
                a.quantity
                    .checked_sub(a.sub_allocated)
                    .unwrap_or(Decimal::ZERO),
                &aid,
                &mut out.notes,
            );
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
    out
}
