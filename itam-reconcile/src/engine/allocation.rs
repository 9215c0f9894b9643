//! Stage 4: the [`Allocator`] trait, the [`Problem`] an allocator reads and the
//! [`Allocation`] it returns; [`Priority`] and [`Optimal`] are its two built-in
//! implementations ([`Mode`] names them).
//!
//! An allocator sees the estate after consumption and eligibility: consumers (units needed,
//! product line, eligibility group, choice unit), groups (the entitlements eligible for
//! every consumer of the group, in the priority order; exempt; pinned) and entitlements
//! (capacity, true-up, unit cost). It returns which consumers it counts (a product that may
//! be counted in several metrics is counted in one per choice unit) and grants of units.
//! The engine checks every allocation against the problem before it builds the position
//! (see [`Allocation`]), so an allocator cannot over-spend an entitlement, cover a consumer
//! with an ineligible one, or drop a consumer without an error.

use itam_core::Decimal;
use itam_core::estate::Metric;

use super::{Plan, internal};
use crate::error::ReconcileError;
use crate::model::NONE;
use crate::policy::{Mode, Terms};
use crate::position::{Alloc, Status};

/// An allocation policy: matches consumers to the entitlements eligible for them.
///
/// Implement it to plug a policy into the engine and compare it with the built-ins through
/// [`compare`](crate::compare) (`examples/src/bin/allocator.rs` in the repository is one,
/// written outside the crate).
pub trait Allocator {
    /// The name reports use (`priority`, `optimal`, or the allocator's own).
    fn name(&self) -> &str;

    /// The built-in whose explanation rules the position's pair decisions follow:
    /// [`Mode::Priority`] explains consumption as `priority_order` and calls the candidates
    /// before the last one a consumer used exhausted; [`Mode::Optimal`] explains it as
    /// `optimal` and calls an entitlement exhausted only when all its units are consumed.
    /// The default is `Optimal`, whose rules claim no order.
    fn explained_as(&self) -> Mode {
        Mode::Optimal
    }

    /// Allocates `problem`.
    ///
    /// # Errors
    /// Whatever the allocator cannot do (the built-in Optimal: a unit cost beyond its exact
    /// range, [`ReconcileError::CostOutOfRange`]).
    fn allocate(&self, problem: &Problem<'_>) -> Result<Allocation, ReconcileError>;
}

impl std::fmt::Debug for dyn Allocator + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Allocator({})", self.name())
    }
}

/// Built-in allocator #1: the documented commercial order, greedy ([`Mode::Priority`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Priority;

/// Built-in allocator #2: maximum coverage, then minimum cost, exact min-cost flow, with
/// the metric choices searched ([`Mode::Optimal`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Optimal;

impl Allocator for Priority {
    fn name(&self) -> &str {
        Mode::Priority.as_str()
    }

    fn explained_as(&self) -> Mode {
        Mode::Priority
    }

    fn allocate(&self, problem: &Problem<'_>) -> Result<Allocation, ReconcileError> {
        let counted = problem.plan.priority_lines();
        let grants = problem.plan.priority(&counted);
        Ok(Allocation { counted, grants })
    }
}

impl Allocator for Optimal {
    fn name(&self) -> &str {
        Mode::Optimal.as_str()
    }

    fn explained_as(&self) -> Mode {
        Mode::Optimal
    }

    fn allocate(&self, problem: &Problem<'_>) -> Result<Allocation, ReconcileError> {
        let (grants, counted) = problem.plan.optimal()?;
        Ok(Allocation { counted, grants })
    }
}

impl Mode {
    /// The built-in allocator this mode names.
    #[must_use]
    pub fn allocator(self) -> &'static dyn Allocator {
        match self {
            Self::Priority => &Priority,
            Self::Optimal => &Optimal,
        }
    }
}

/// What an allocator reads: the estate after consumption and eligibility. Consumers,
/// groups, entitlements and lines are numbered from 0; consumers are in canonical order
/// (by product line, then name), entitlements in the estate's order.
#[derive(Debug, Clone, Copy)]
pub struct Problem<'p> {
    pub(super) plan: &'p Plan<'p>,
}

/// One consumer of a [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemConsumer<'p> {
    /// The consumer's name (`device:srv-1`, `user:alice`, …).
    pub name: &'p str,
    /// Whole units needed.
    pub units: u64,
    /// Its eligibility group.
    pub group: u32,
    /// Its product line (one product counted in one metric).
    pub line: u32,
    /// Its choice unit when its product may be counted in several metrics (every consumer
    /// of a unit is counted in the same metric); none otherwise.
    pub choice_unit: Option<u32>,
}

/// One eligibility group of a [`Problem`]: consumers with the same verdict for every
/// candidate entitlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemGroup<'p> {
    /// The entitlements that may cover the group's consumers, in the priority order.
    pub eligible: &'p [u32],
    /// Whether an entitlement's rights exempt the group (its consumers need no units).
    pub exempt: bool,
    /// Whether the group's consumers are pinned (`eligible` is then their pins).
    pub pinned: bool,
}

/// One entitlement of a [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemEntitlement<'p> {
    /// Its id.
    pub id: &'p str,
    /// Its metric.
    pub metric: &'p Metric,
    /// The terms its metric counts under: every term the metric reads, its own where it
    /// sets them, else the policy's.
    pub terms: &'p Terms,
    /// Whether it is valid on the as-of date (only active entitlements are ever eligible).
    pub active: bool,
    /// Whole units it grants; `u64::MAX` when unlimited.
    pub capacity: u64,
    /// Whether units beyond `capacity` may be granted as true-up overflow.
    pub true_up: bool,
    /// Its unit cost (0 when none is stated).
    pub unit_cost: Decimal,
}

/// One product line of a [`Problem`]: a product counted in one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemLine<'p> {
    /// The product (lines of one product share it).
    pub product: u32,
    /// The metric.
    pub metric: &'p Metric,
    /// The terms the metric counts under (every term it reads).
    pub terms: &'p Terms,
    /// 0 for the metric of the Priority rule, 1.. for the alternatives Optimal may choose.
    pub alt: u32,
}

impl<'p> Problem<'p> {
    /// Number of consumers.
    #[must_use]
    pub fn consumers(&self) -> usize {
        self.plan.rows.len()
    }

    /// Consumer `c`.
    #[must_use]
    pub fn consumer(&self, c: usize) -> Option<ProblemConsumer<'p>> {
        let r = self.plan.rows.get(c)?;
        Some(ProblemConsumer {
            name: self
                .plan
                .names
                .get(r.name as usize)
                .map_or("", String::as_str),
            units: r.demand.units,
            group: r.group,
            line: r.line,
            choice_unit: (r.unit != NONE).then_some(r.unit),
        })
    }

    /// Number of eligibility groups.
    #[must_use]
    pub fn groups(&self) -> usize {
        self.plan.groups.len()
    }

    /// Group `g`.
    #[must_use]
    pub fn group(&self, g: usize) -> Option<ProblemGroup<'p>> {
        let x = self.plan.groups.get(g)?;
        Some(ProblemGroup {
            eligible: &x.eligible,
            exempt: x.exempt_by.is_some(),
            pinned: x.pinned,
        })
    }

    /// Number of entitlements.
    #[must_use]
    pub fn entitlements(&self) -> usize {
        self.plan.ents.len()
    }

    /// Entitlement `e`.
    #[must_use]
    pub fn entitlement(&self, e: usize) -> Option<ProblemEntitlement<'p>> {
        let (x, info) = (
            self.plan.m.estate.entitlements.get(e)?,
            self.plan.ents.get(e)?,
        );
        Some(ProblemEntitlement {
            id: x.id.as_str(),
            metric: &x.metric,
            terms: self.plan.terms_of(info.rule),
            active: info.status == Status::Active,
            capacity: info.capacity,
            true_up: info.true_up,
            unit_cost: info.cost,
        })
    }

    /// Number of product lines.
    #[must_use]
    pub fn lines(&self) -> usize {
        self.plan.lines.len()
    }

    /// Line `l`.
    #[must_use]
    pub fn line(&self, l: usize) -> Option<ProblemLine<'p>> {
        let x = self.plan.lines.get(l)?;
        Some(ProblemLine {
            product: x.product,
            metric: &x.metric,
            terms: self.plan.terms_of(x.rule),
            alt: x.alt,
        })
    }

    /// Which consumers the Priority rule counts (every product in the metric of its first
    /// active candidate): a valid `counted` for [`Allocation::new`].
    #[must_use]
    pub fn priority_counted(&self) -> Vec<bool> {
        self.plan.priority_lines()
    }
}

/// One grant of an [`Allocation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The consumer.
    pub consumer: u32,
    /// The entitlement.
    pub entitlement: u32,
    /// Units granted (> 0).
    pub units: u64,
    /// Whether the units are beyond a true-up entitlement's capacity.
    pub overflow: bool,
}

/// What an allocator returns: which consumers it counts and the units it grants.
///
/// The engine checks it before building the position and refuses it with
/// [`ReconcileError::Internal`] (stage `allocation`) when: `counted` does not have one
/// entry per consumer, or does not count, for every product, the consumers of exactly one
/// metric per choice unit (the metric of the Priority rule for products without a choice);
/// a grant names a consumer or entitlement that does not exist, an uncounted or exempt
/// consumer, an entitlement not eligible for the consumer's group, or 0 units; the grants
/// to one consumer exceed its units; the grants within capacity exceed an entitlement's
/// capacity; or overflow is granted on an entitlement without true-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allocation {
    counted: Vec<bool>,
    grants: Vec<(u32, Alloc)>,
}

impl Allocation {
    /// An allocation counting `counted` (one entry per consumer; see
    /// [`Problem::priority_counted`]) with no grants yet.
    #[must_use]
    pub fn new(counted: Vec<bool>) -> Self {
        Self {
            counted,
            grants: Vec::new(),
        }
    }

    /// Grants `units` of `entitlement` to `consumer` (`overflow`: beyond its capacity, for
    /// a true-up entitlement).
    pub fn grant(&mut self, consumer: u32, entitlement: u32, units: u64, overflow: bool) {
        self.grants.push((
            consumer,
            Alloc {
                ent: entitlement,
                units,
                overflow,
            },
        ));
    }

    /// Which consumers are counted.
    #[must_use]
    pub fn counted(&self) -> &[bool] {
        &self.counted
    }

    /// The grants, in the order given.
    pub fn grants(&self) -> impl Iterator<Item = Grant> + '_ {
        self.grants.iter().map(|&(c, a)| Grant {
            consumer: c,
            entitlement: a.ent,
            units: a.units,
            overflow: a.overflow,
        })
    }

    /// The checks of the type's documentation.
    pub(super) fn check(&self, plan: &Plan<'_>) -> Result<(), ReconcileError> {
        let bad = |detail: String| Err(internal("allocation", detail));
        if self.counted.len() != plan.rows.len() {
            return bad(format!(
                "{} counted flags for {} consumers",
                self.counted.len(),
                plan.rows.len()
            ));
        }
        // The metric each choice unit is counted in: the first counted consumer's; per unit,
        // the metrics some consumer of it is on (a unit counted in a metric none of its
        // consumers is on counts none of them).
        let mut choice: Vec<Option<u32>> = vec![None; plan.unit_alts.len()];
        let mut present: Vec<u64> = vec![0; plan.unit_alts.len()];
        let alt_of = |l: u32| plan.lines.get(l as usize).map(|x| x.alt);
        for (r, &counted) in plan.rows.iter().zip(&self.counted) {
            if r.unit == NONE {
                continue;
            }
            let alt = alt_of(r.line).unwrap_or(0);
            if let Some(p) = present.get_mut(r.unit as usize) {
                *p |= 1u64.checked_shl(alt).unwrap_or(0);
            }
            if counted {
                if let Some(slot) = choice.get_mut(r.unit as usize) {
                    slot.get_or_insert(alt);
                }
            }
        }
        // Units counting none of their consumers: in a metric none of them is on.
        let absent: Vec<Option<u32>> = present
            .iter()
            .zip(&plan.unit_alts)
            .map(|(&p, &k)| (0..k.min(64)).find(|&a| p & (1u64 << a) == 0))
            .collect();
        for (slot, a) in choice.iter_mut().zip(&absent) {
            if slot.is_none() {
                *slot = *a;
            }
        }
        for (c, (r, &counted)) in plan.rows.iter().zip(&self.counted).enumerate() {
            let Some(alt) = alt_of(r.line) else {
                return bad(format!("consumer {c} on line {} out of range", r.line));
            };
            let chosen = if r.unit == NONE {
                0
            } else {
                choice.get(r.unit as usize).copied().flatten().unwrap_or(0)
            };
            if counted != (alt == chosen) {
                return bad(format!(
                    "consumer {c} is {}counted, its choice unit counting metric {chosen}",
                    if counted { "" } else { "not " }
                ));
            }
        }
        let mut given: Vec<u64> = vec![0; plan.rows.len()];
        let mut used: Vec<u64> = vec![0; plan.ents.len()];
        for &(c, a) in &self.grants {
            let (Some(r), Some(info)) = (plan.rows.get(c as usize), plan.ents.get(a.ent as usize))
            else {
                return bad(format!(
                    "grant to consumer {c} of entitlement {} out of range",
                    a.ent
                ));
            };
            let group = plan.groups.get(r.group as usize);
            let eligible =
                group.is_some_and(|g| g.exempt_by.is_none() && g.eligible.contains(&a.ent));
            if a.units == 0 || !self.counted.get(c as usize).copied().unwrap_or(false) || !eligible
            {
                return bad(format!(
                    "grant of {} units of entitlement {} to consumer {c}: not counted, not eligible or empty",
                    a.units, a.ent
                ));
            }
            if a.overflow && !info.true_up {
                return bad(format!("overflow on entitlement {} without true-up", a.ent));
            }
            if let Some(g) = given.get_mut(c as usize) {
                *g = g.saturating_add(a.units);
                if *g > r.demand.units {
                    return bad(format!(
                        "consumer {c} granted more than its {} units",
                        r.demand.units
                    ));
                }
            }
            if !a.overflow {
                if let Some(u) = used.get_mut(a.ent as usize) {
                    *u = u.saturating_add(a.units);
                    if *u > info.capacity {
                        return bad(format!("entitlement {} granted beyond its capacity", a.ent));
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn into_parts(self) -> (Vec<(u32, Alloc)>, Vec<bool>) {
        (self.grants, self.counted)
    }
}
