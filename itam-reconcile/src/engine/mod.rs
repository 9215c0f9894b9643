//! The pipeline, one module per stage: candidates (which entitlements may cover which
//! product), consumption (facts → units per consumer), eligibility (per consumer class and
//! entitlement: eligible, or why not), allocation (Priority, Optimal), position (allocation
//! → the explained Position). Stages talk in typed rows ([`Row`], [`Line`], [`Group`]).

pub mod allocation;
mod candidates;
mod consumption;
mod eligibility;
mod optimal;
mod position;
mod priority;

pub(crate) use candidates::candidates;

use itam_core::Decimal;
use itam_core::estate::{Estate, Metric};

use crate::error::ReconcileError;
use crate::metrics::Demand;
use crate::model::Model;
use crate::policy::{MetricParams, Mode, Policy, Terms};
use crate::position::{Compared, Comparison, Gap, Position, Run, Status};
use allocation::{Allocator, Optimal, Priority, Problem};
use eligibility::Group;

/// Reconciles `estate` under `policy`.
///
/// # Errors
/// When the estate's references do not resolve, or (Optimal mode) when a unit cost is beyond
/// the optimiser's exact range (see [`ReconcileError`]).
pub fn reconcile(estate: &Estate, policy: &Policy) -> Result<Position, ReconcileError> {
    prepare(estate, policy)?.allocate(policy.mode)
}

/// Reconciles `estate` in both modes (the policy's mode is ignored) and reports the gap: a
/// thin wrapper of [`compare`] over [`Priority`] and [`Optimal`].
///
/// # Errors
/// As [`reconcile`].
pub fn reconcile_both(estate: &Estate, policy: &Policy) -> Result<Comparison, ReconcileError> {
    prepare(estate, policy)?.both()
}

/// Reconciles `estate` with each allocator (the policy's mode is ignored) and reports each
/// against the first ([`Compared`]); the estate is prepared once.
///
/// # Errors
/// As [`reconcile`]; and whatever an allocator returns, or
/// [`ReconcileError::Internal`] (stage `allocation`) when its allocation breaks the
/// problem's rules (see [`Allocation`](allocation::Allocation)).
pub fn compare(
    estate: &Estate,
    policy: &Policy,
    allocators: &[&dyn Allocator],
) -> Result<Compared, ReconcileError> {
    prepare(estate, policy)?.compare(allocators)
}

/// Runs the consumption layer: interns the estate, finds each product's candidate
/// entitlements, computes every consumer's units and groups consumers by eligibility. The
/// result can then be allocated in either mode, or both, without recomputing — and the two
/// phases can be timed apart (`itam bench reconcile`).
///
/// # Errors
/// When the estate's references do not resolve.
pub fn prepare<'a>(estate: &'a Estate, policy: &'a Policy) -> Result<Prepared<'a>, ReconcileError> {
    let m = Model::new(estate)?;
    Ok(Prepared(Plan::new(m, policy)?))
}

/// An estate after the consumption layer, ready for allocation (see [`prepare`]).
#[derive(Debug)]
pub struct Prepared<'a>(Plan<'a>);

impl Prepared<'_> {
    /// Consumers found (every product, every metric).
    #[must_use]
    pub fn consumers(&self) -> usize {
        self.0.rows.len()
    }

    /// Consumer groups (consumers sharing every eligibility verdict).
    #[must_use]
    pub fn groups(&self) -> usize {
        self.0.groups.len()
    }

    /// Allocates in `mode` and builds the position.
    ///
    /// # Errors
    /// In Optimal mode, when a unit cost is beyond the optimiser's exact range; in either
    /// mode, [`ReconcileError::CostOverflow`] when a cost reaches the largest decimal.
    pub fn allocate(&self, mode: Mode) -> Result<Position, ReconcileError> {
        self.0.run(mode.allocator(), false)?.checked_costs()
    }

    /// Allocates with `allocator` and builds the position; the allocation is checked
    /// first (see [`Allocation`](allocation::Allocation)).
    ///
    /// # Errors
    /// Whatever the allocator returns, or [`ReconcileError::Internal`] when its allocation
    /// breaks the problem's rules, or [`ReconcileError::CostOverflow`].
    pub fn allocate_with(&self, allocator: &dyn Allocator) -> Result<Position, ReconcileError> {
        self.0.run(allocator, true)?.checked_costs()
    }

    /// The problem allocators read.
    #[must_use]
    pub fn problem(&self) -> Problem<'_> {
        Problem { plan: &self.0 }
    }

    /// Allocates with each allocator and reports each against the first (see [`compare`]).
    ///
    /// # Errors
    /// As [`allocate_with`](Self::allocate_with).
    pub fn compare(&self, allocators: &[&dyn Allocator]) -> Result<Compared, ReconcileError> {
        let mut runs: Vec<Run> = Vec::with_capacity(allocators.len());
        // Every allocator runs before any cost is checked, so that an allocator's own error
        // (Optimal's cost out of its exact range) comes first.
        let mut positions = Vec::with_capacity(allocators.len());
        for a in allocators {
            positions.push(self.0.run(*a, true)?);
        }
        for (a, position) in allocators.iter().zip(positions) {
            let position = position.checked_costs()?;
            let gap = runs.first().map_or_else(
                || Gap::between(&position, &position),
                |first| Gap::between(&first.position, &position),
            );
            runs.push(Run {
                allocator: a.name().to_owned(),
                position,
                gap,
            });
        }
        Ok(Compared { runs })
    }

    /// Allocates in both modes and reports the gap.
    ///
    /// # Errors
    /// As [`allocate`](Self::allocate).
    pub fn both(&self) -> Result<Comparison, ReconcileError> {
        let compared = self.compare(&[&Priority, &Optimal])?;
        let mut runs = compared.runs.into_iter();
        match (runs.next(), runs.next()) {
            (Some(priority), Some(optimal)) => Ok(Comparison {
                priority: priority.position,
                optimal: optimal.position,
                gap: optimal.gap,
            }),
            _ => Err(internal(
                "allocation",
                "compare returned fewer than two runs",
            )),
        }
    }
}

/// Static facts about one entitlement.
#[derive(Debug)]
struct EntInfo {
    status: Status,
    /// Units available; `u64::MAX` when unlimited.
    capacity: u64,
    true_up: bool,
    cost: Decimal,
    /// Its counting rule (index into `Plan::rules`).
    rule: u32,
    /// Whether that rule can count (a catalogue metric, or a defined one).
    counts: bool,
}

/// A counting rule: a metric and the terms it reads, each the entitlement's or else the
/// policy's. Entitlements with equal rules count the same consumers the same way.
#[derive(Debug)]
struct Rule {
    metric: Metric,
    /// The terms the metric reads, every one set.
    terms: Terms,
    /// The policy's parameters with those terms in place.
    params: MetricParams,
    /// Whether the terms differ from the policy's (the position then shows them).
    own: bool,
}

impl Rule {
    /// Whether the rule can count: a catalogue metric, or a name with a definition.
    fn counts(&self) -> bool {
        !matches!(self.metric, Metric::Other(_)) || self.terms.definition.is_some()
    }
}

/// Everything computed before allocation; shared by both modes.
#[derive(Debug)]
struct Plan<'a> {
    m: Model<'a>,
    policy: &'a Policy,
    ents: Vec<EntInfo>,
    /// Counting rules, in the order first met; [`EntInfo::rule`] and [`Line::rule`] index
    /// them.
    rules: Vec<Rule>,
    /// Per product: candidate entitlements in priority order.
    cands: Vec<Vec<u32>>,
    /// Product lines (product × counting rule), by product, the Priority rule's first
    /// (`alt` 0), then the rules the optimiser may choose instead.
    lines: Vec<Line>,
    /// Where the reporting period's peak was, for the lines counted at it, by line (few:
    /// kept apart so that `Line` stays small for the allocators' loops).
    peaks: Vec<(u32, crate::position::PeriodPeak)>,
    /// Consumers, sorted by (line, name).
    rows: Vec<Row>,
    /// Per choice unit: how many metrics it may be counted in.
    unit_alts: Vec<u32>,
    /// Consumer names (`kind:name`), sorted; [`Row::name`] indexes them.
    names: Vec<String>,
    groups: Vec<Group>,
    /// The details of pair decisions a downgrade right with a depth explains, sorted;
    /// [`Group::notes`] index them.
    notes: Vec<String>,
}

/// One consumer: its demand and where the stages placed it.
#[derive(Debug, Clone)]
struct Row {
    /// What the metric rule counted.
    demand: Demand,
    /// Its product line (index into `Plan::lines`).
    line: u32,
    /// Its choice unit (see `consumption::assign_units`), NONE when its product has a
    /// single metric.
    unit: u32,
    /// Its eligibility group (index into `Plan::groups`).
    group: u32,
    /// Index into `Plan::names`.
    name: u32,
}

/// One product counted in one counting rule.
#[derive(Debug, Clone)]
struct Line {
    product: u32,
    metric: Metric,
    /// Index into `Plan::rules` (whose metric is `metric`).
    rule: u32,
    /// 0 for the metric of the Priority rule; 1.. for the alternatives.
    alt: u32,
}

/// The most metric combinations the optimiser enumerates in one component; beyond it the
/// component keeps the Priority rule's metric (see the manual's *Limits*).
pub const MAX_METRIC_COMBINATIONS: u64 = 4096;

/// No terms (the fallback of [`Plan::terms_of`] for a rule out of range, which no plan
/// holds).
static NO_TERMS: std::sync::LazyLock<Terms> = std::sync::LazyLock::new(Terms::default);

impl Plan<'_> {
    /// The resolved terms of counting rule `r`.
    fn terms_of(&self, r: u32) -> &Terms {
        self.rules.get(r as usize).map_or(&NO_TERMS, |r| &r.terms)
    }

    /// Allocates with `allocator`, checks the allocation when `check` (the built-ins'
    /// are checked by the tests), and builds the position.
    fn run(&self, allocator: &dyn Allocator, check: bool) -> Result<Position, ReconcileError> {
        let allocation = allocator.allocate(&Problem { plan: self })?;
        if check {
            allocation.check(self)?;
        }
        let (allocs, active) = allocation.into_parts();
        self.build(allocator.explained_as(), allocs, &active)
    }
}

/// The error for a bounds miss in `stage`.
fn internal(stage: &'static str, detail: impl Into<String>) -> ReconcileError {
    ReconcileError::Internal {
        stage,
        detail: detail.into(),
    }
}

/// Decimal product, saturating at the largest decimal (costs of absurd inputs must not panic).
pub(crate) fn dec_mul(a: Decimal, b: Decimal) -> Decimal {
    a.checked_mul(b).unwrap_or(Decimal::MAX)
}

/// Decimal difference, saturating at the smallest decimal.
pub(crate) fn dec_sub(a: Decimal, b: Decimal) -> Decimal {
    a.checked_sub(b).unwrap_or(Decimal::MIN)
}

/// Decimal sum, saturating at the largest decimal.
pub(crate) fn dec_add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(Decimal::MAX)
}
