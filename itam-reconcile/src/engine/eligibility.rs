//! Stage 3: per consumer class and candidate entitlement, eligible, exempt, or the reason it
//! is not; classes with equal verdicts share one group.

use std::collections::BTreeMap;

use itam_core::estate::{Coverage, DowngradeDepth, Entitlement, Metric, Software, VersionPlace};
use itam_core::version::Bound;

use super::EntInfo;
use crate::metrics::{Outside, env_value};
use crate::model::{Model, NONE};
use crate::position::{Reason, Status, Verdict};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Group {
    pub(super) pinned: bool,
    pub(super) verdicts: Vec<(u32, Verdict)>,
    /// Eligible entitlements in priority order.
    pub(super) eligible: Vec<u32>,
    /// The first exempting entitlement, if any.
    pub(super) exempt_by: Option<u32>,
    /// (entitlement, note) for the verdicts a downgrade right with a depth explains (the
    /// note indexes the plan's notes, or its raw notes while the plan is built); empty for
    /// every entitlement without a depth.
    pub(super) notes: Vec<(u32, u32)>,
}

/// The verdict of one version against one candidate: the rejection, if any, and the note
/// of a downgrade right with a depth that covers or fails to reach the version (an index
/// into the raw notes; `NONE` without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct VersionVerdict {
    pub(super) reject: Option<Reason>,
    pub(super) note: u32,
}

/// An attribute class of consumers: everything eligibility depends on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Class {
    pub(super) variant: u32,
    pub(super) org: u32,
    pub(super) env: u32,
    /// Outside the metric's rule, and why.
    pub(super) outside: Outside,
    /// Candidate positions pinning the consumer.
    pub(super) pins: Vec<u32>,
}

/// Per org and per environment (index `0` = none, `i + 1` = index `i`): a representative
/// with the same verdict for every candidate in `cands` — the same organisation checks
/// (within the same org-scoped candidates) and the same exemptions.
pub(super) fn representatives(m: &Model<'_>, cands: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let scoped: Vec<u32> = cands
        .iter()
        .filter_map(|&e| m.ent_org.get(e as usize).copied())
        .filter(|&o| o != NONE)
        .collect();
    let mut seen: BTreeMap<Vec<bool>, u32> = BTreeMap::new();
    let orgs = std::iter::once(NONE).chain(0..m.orgs.len() as u32);
    let org_rep = orgs
        .map(|o| {
            // NONE lies within nothing, like an org outside every scope.
            let sig = scoped
                .iter()
                .map(|&s| o != NONE && m.org_within(o, s))
                .collect();
            *seen.entry(sig).or_insert(o)
        })
        .collect();
    let rights: Vec<&itam_core::estate::Rights> = cands
        .iter()
        .filter_map(|&e| m.estate.entitlements.get(e as usize))
        .map(|x| &x.rights)
        .collect();
    let mut seen: BTreeMap<Vec<bool>, u32> = BTreeMap::new();
    let envs = std::iter::once(NONE).chain(0..m.envs.len() as u32);
    let env_rep = envs
        .map(|v| {
            let env = env_value(&m.envs, v);
            let sig = rights.iter().map(|r| r.exempts(env)).collect();
            *seen.entry(sig).or_insert(v)
        })
        .collect();
    (org_rep, env_rep)
}

/// The verdict of every candidate entitlement for one class of consumers.
pub(super) fn verdicts(
    m: &Model<'_>,
    ents: &[EntInfo],
    metric: &Metric,
    rule: u32,
    cands: &[u32],
    versions: &[VersionVerdict],
    class: &Class,
) -> Group {
    let estate = m.estate;
    let env = env_value(&m.envs, class.env);
    let mut out: Vec<(u32, Verdict)> = Vec::with_capacity(cands.len());
    let mut notes: Vec<(u32, u32)> = Vec::new();
    for (ci, &e) in cands.iter().enumerate() {
        let (Some(x), Some(info)) = (estate.entitlements.get(e as usize), ents.get(e as usize))
        else {
            continue;
        };
        let version = versions
            .get(class.variant as usize * cands.len() + ci)
            .copied()
            .unwrap_or(VersionVerdict {
                reject: None,
                note: NONE,
            });
        let reject = if !info.counts {
            Some(Reason::UnknownMetric)
        } else if x.metric != *metric {
            Some(Reason::MetricDiffers)
        } else if info.rule != rule {
            Some(Reason::TermsDiffer)
        } else if info.status == Status::Expired {
            Some(Reason::Expired)
        } else if info.status == Status::NotYetValid {
            Some(Reason::NotYetValid)
        } else if let Some(r) = class.outside.reason() {
            Some(r)
        } else if let Some(r) = version.reject {
            Some(r)
        } else if !m.org_within(
            class.org,
            m.ent_org.get(e as usize).copied().unwrap_or(NONE),
        ) || (x.org.is_some() && class.org == NONE)
        {
            Some(Reason::WrongOrganisation)
        } else {
            None
        };
        // The note explains the version check: kept when that check decided or passed.
        if version.note != NONE && (reject.is_none() || reject == version.reject) {
            notes.push((e, version.note));
        }
        out.push((
            e,
            match reject {
                Some(r) => Verdict::Rejected(r),
                None if x.rights.exempts(env) => Verdict::Exempt,
                None => Verdict::Eligible,
            },
        ));
    }
    // Pins bind only to entitlements that could serve the class.
    let pinned: Vec<u32> = class
        .pins
        .iter()
        .filter_map(|&i| out.get(i as usize))
        .filter(|(_, v)| {
            *v != Verdict::Rejected(Reason::Expired) && !matches!(v, Verdict::Rejected(_))
        })
        .map(|(e, _)| *e)
        .collect();
    if !pinned.is_empty() {
        for (e, v) in &mut out {
            if !matches!(v, Verdict::Rejected(_)) && !pinned.contains(e) {
                *v = Verdict::Rejected(Reason::PinnedElsewhere);
            }
        }
    }
    // A verdict the pins overrule is not the version's to explain.
    notes.retain(|(e, _)| {
        out.iter()
            .any(|(x, v)| x == e && *v != Verdict::Rejected(Reason::PinnedElsewhere))
    });
    Group {
        pinned: !pinned.is_empty(),
        notes,
        eligible: out
            .iter()
            .filter(|(_, v)| *v == Verdict::Eligible)
            .map(|(e, _)| *e)
            .collect(),
        exempt_by: out
            .iter()
            .find(|(_, v)| *v == Verdict::Exempt)
            .map(|(e, _)| *e),
        verdicts: out,
    }
}

/// A version range as an ordered key: scheme, then each bound as (kind, text).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct RangeKey<'a> {
    scheme: &'a itam_core::version::VersionScheme,
    lower: (u8, &'a str),
    upper: (u8, &'a str),
}

impl<'a> RangeKey<'a> {
    pub(super) fn of(r: &'a itam_core::version::VersionRange) -> Self {
        fn bound(b: &Bound) -> (u8, &str) {
            match b {
                Bound::Unbounded => (0, ""),
                Bound::Inclusive(v) => (1, v),
                Bound::Exclusive(v) => (2, v),
            }
        }
        Self {
            scheme: &r.scheme,
            lower: bound(&r.lower),
            upper: bound(&r.upper),
        }
    }
}

/// The rejection a software's place in an entitlement's version set gives under its
/// downgrade and upgrade rights ([`itam_core::estate::Rights::covers`]), without a depth.
pub(super) fn reject(place: VersionPlace, e: &Entitlement) -> Option<Reason> {
    if e.rights.covers(place) {
        return None;
    }
    Some(match place {
        VersionPlace::OtherIdentity => Reason::OtherSoftwareIdentity,
        VersionPlace::Below => Reason::VersionBelowRange,
        VersionPlace::Above => Reason::VersionAboveRange,
        VersionPlace::Between | VersionPlace::Inside => Reason::VersionBetweenRanges,
    })
}

/// Whether the verdict of `place` for `e` depends on the version's age beyond its place: a
/// downgrade right with a depth, and a version older than a span.
pub(super) fn needs_depth(place: VersionPlace, e: &Entitlement) -> bool {
    e.rights.downgrade
        && !e.rights.downgrade_depth.is_unlimited()
        && matches!(place, VersionPlace::Below | VersionPlace::Between)
}

/// The verdict of `sw` for `e` when [`needs_depth`]: the rejection
/// (`version_beyond_downgrade_depth` when the depth does not reach the version) and the
/// note saying which right covers it, or how far it reaches
/// (`downgrade right: 2 previous major versions of 10 covers 8.1`).
pub(super) fn depth_verdict(
    place: VersionPlace,
    e: &Entitlement,
    sw: &Software,
) -> (Option<Reason>, Option<String>) {
    let depth = &e.rights.downgrade_depth;
    let right = |from: &str| match depth {
        DowngradeDepth::DownTo(_) => format!("downgrade right: {depth} from {from}"),
        _ => format!("downgrade right: {depth} of {from}"),
    };
    let from = |s: &itam_core::estate::VersionSpan| s.range.lower.value().unwrap_or("").to_owned();
    match e
        .rights
        .coverage(&e.scope.versions, &sw.tag_id, &sw.version)
    {
        Coverage::Downgrade { from: Some(s) } => (
            None,
            Some(format!("{} covers {}", right(&from(s)), sw.version)),
        ),
        Coverage::NotCovered {
            beyond_depth: Some(s),
            ..
        } => (
            Some(Reason::VersionBeyondDowngradeDepth),
            Some(format!("{} does not reach {}", right(&from(s)), sw.version)),
        ),
        c if c.is_covered() => (None, None),
        _ => (reject(place, e), None),
    }
}
