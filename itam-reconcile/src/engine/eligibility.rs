//! Stage 3: per consumer class and candidate entitlement, eligible, exempt, or the reason it
//! is not; classes with equal verdicts share one group.

use std::collections::BTreeMap;

use itam_core::estate::{Entitlement, Metric, VersionPlace};
use itam_core::version::Bound;

use super::EntInfo;
use crate::metrics::env_value;
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
}

/// An attribute class of consumers: everything eligibility depends on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Class {
    pub(super) variant: u32,
    pub(super) org: u32,
    pub(super) env: u32,
    pub(super) not_applicable: bool,
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
    cands: &[u32],
    versions: &[Option<Reason>],
    class: &Class,
) -> Group {
    let estate = m.estate;
    let env = env_value(&m.envs, class.env);
    let mut out: Vec<(u32, Verdict)> = Vec::with_capacity(cands.len());
    for (ci, &e) in cands.iter().enumerate() {
        let (Some(x), Some(info)) = (estate.entitlements.get(e as usize), ents.get(e as usize))
        else {
            continue;
        };
        let reject = if let Metric::Other(_) = x.metric {
            Some(Reason::UnknownMetric)
        } else if x.metric != *metric {
            Some(Reason::MetricDiffers)
        } else if info.status == Status::Expired {
            Some(Reason::Expired)
        } else if info.status == Status::NotYetValid {
            Some(Reason::NotYetValid)
        } else if class.not_applicable {
            Some(Reason::MetricNotApplicable)
        } else if let Some(r) = versions
            .get(class.variant as usize * cands.len() + ci)
            .copied()
            .flatten()
        {
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
    Group {
        pinned: !pinned.is_empty(),
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
/// downgrade and upgrade rights ([`itam_core::estate::Rights::covers`]).
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
