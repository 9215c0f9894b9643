//! The output: the effective license position, explained.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use chrono::NaiveDate;
use itam_core::Decimal;
use itam_core::estate::Metric;
use itam_core::finance::Currency;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::metrics::ConsumerKind;
use crate::policy::{Mode, Terms};

/// Whether an entitlement can be used on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Valid on the as-of date.
    Active,
    /// Its end date is before the as-of date.
    Expired,
    /// Its start date is after the as-of date.
    NotYetValid,
}

impl Status {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
        }
    }
}

/// What happened to one consumer × entitlement pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The consumer used units of the entitlement.
    Consumed,
    /// The entitlement's rights exempt the consumer: covered without using units.
    Exempt,
    /// The entitlement cannot or could not cover the consumer.
    Rejected,
    /// The entitlement was not needed.
    NotAssessed,
}

impl Decision {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consumed => "consumed",
            Self::Exempt => "exempt",
            Self::Rejected => "rejected",
            Self::NotAssessed => "not_assessed",
        }
    }
}

/// Why a pair got its decision: the machine-readable vocabulary of explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Consumed: the consumer is pinned (allocated) to this entitlement.
    Pinned,
    /// Consumed: first entitlement in the priority order with units left.
    PriorityOrder,
    /// Consumed: chosen by the optimiser (maximum coverage, then minimum cost).
    Optimal,
    /// Consumed beyond the quantity of a true-up entitlement.
    TrueUpOverflow,
    /// Exempt: the consumer's environment is exempt under the entitlement's rights.
    ExemptEnvironment,
    /// Rejected: the entitlement counts another metric than the one the product is counted in.
    MetricDiffers,
    /// Rejected: the entitlement counts the product's metric under other contract terms
    /// (installations per licence, tiers, minimums, scopes) than the line's.
    TermsDiffer,
    /// Rejected: the entitlement's metric is not in the catalogue.
    UnknownMetric,
    /// Rejected: the metric's rule does not allow this consumer (Oracle SE2 on a server
    /// above the socket limit).
    MetricNotApplicable,
    /// Rejected: the metric counts a fact the consumer's record lacks (a device's
    /// `memory_gb`, or the attribute a user-defined metric names).
    FactMissing,
    /// Rejected: the entitlement ended before the as-of date.
    Expired,
    /// Rejected: the entitlement starts after the as-of date.
    NotYetValid,
    /// Rejected: the entitlement names another software identity (tag id).
    OtherSoftwareIdentity,
    /// Rejected: the version used is below the entitlement's range, without downgrade right.
    VersionBelowRange,
    /// Rejected: the version used is above the entitlement's range, without upgrade right.
    VersionAboveRange,
    /// Rejected: the version used lies in a gap between the ranges of the entitlement's
    /// version set, without downgrade or upgrade right.
    VersionBetweenRanges,
    /// Rejected: the version used is older than the entitlement's version set and its
    /// downgrade right has a depth that does not reach it (the decision's `detail` says
    /// from where and how far).
    VersionBeyondDowngradeDepth,
    /// Rejected: the consumer is outside the entitlement's organisation scope.
    WrongOrganisation,
    /// Rejected: the consumer is pinned to other entitlements.
    PinnedElsewhere,
    /// Rejected: the entitlement had no units left for this consumer.
    CapacityExhausted,
    /// Not assessed: the consumer's demand was already met (or exempt).
    DemandMet,
}

impl Reason {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pinned => "pinned",
            Self::PriorityOrder => "priority_order",
            Self::Optimal => "optimal",
            Self::TrueUpOverflow => "true_up_overflow",
            Self::ExemptEnvironment => "exempt_environment",
            Self::MetricDiffers => "metric_differs",
            Self::TermsDiffer => "terms_differ",
            Self::UnknownMetric => "unknown_metric",
            Self::MetricNotApplicable => "metric_not_applicable",
            Self::FactMissing => "fact_missing",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::OtherSoftwareIdentity => "other_software_identity",
            Self::VersionBelowRange => "version_below_range",
            Self::VersionAboveRange => "version_above_range",
            Self::VersionBetweenRanges => "version_between_ranges",
            Self::VersionBeyondDowngradeDepth => "version_beyond_downgrade_depth",
            Self::WrongOrganisation => "wrong_organisation",
            Self::PinnedElsewhere => "pinned_elsewhere",
            Self::CapacityExhausted => "capacity_exhausted",
            Self::DemandMet => "demand_met",
        }
    }
}

/// Sums over the whole position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Consumers (of every product).
    pub consumers: u64,
    /// Units needed, exempt consumers included.
    pub demand: u64,
    /// Units needed by exempt consumers.
    pub exempt: u64,
    /// Units covered by consumption.
    pub covered: u64,
    /// Units neither covered nor exempt.
    pub shortfall: u64,
    /// Consumers not fully covered and not exempt.
    pub unlicensed_consumers: u64,
    /// Units consumed beyond the quantity of true-up entitlements.
    pub true_up: u64,
    /// Σ consumed units × unit cost (entitlements without a cost count 0), when the priced
    /// entitlements use at most one currency; 0 when they use several (see `by_currency`).
    pub cost: Decimal,
    /// Σ of the product lines' shortfall costs, in the same currency as `cost`; 0 when
    /// several currencies occur.
    pub shortfall_cost: Decimal,
    /// The currency of `cost` and `shortfall_cost`, when the priced entitlements name one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Per currency (entitlements without one form their own group, `currency` none), when
    /// priced entitlements use more than one: amounts in different currencies are never
    /// added. Empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_currency: Vec<CurrencyTotals>,
}

impl Totals {
    /// `cost` for a reader: the amount with its currency code when one is stated (`200 EUR`),
    /// or per currency (`EUR:200,USD:90`) when several occur.
    #[must_use]
    pub fn cost_text(&self) -> String {
        self.money_text(self.cost, |c| c.cost)
    }

    /// `shortfall_cost` for a reader, as [`cost_text`](Self::cost_text).
    #[must_use]
    pub fn shortfall_cost_text(&self) -> String {
        self.money_text(self.shortfall_cost, |c| c.shortfall_cost)
    }

    fn money_text(&self, single: Decimal, each: impl Fn(&CurrencyTotals) -> Decimal) -> String {
        if self.by_currency.is_empty() {
            format!(
                "{}{}",
                single.normalize(),
                self.currency
                    .as_ref()
                    .map(|c| format!(" {c}"))
                    .unwrap_or_default()
            )
        } else {
            per_currency(self.by_currency.iter().map(|c| (&c.currency, each(c))))
        }
    }
}

impl EntitlementLine {
    /// The units for a reader: `unlimited`, the whole units, or the exact quantity with the
    /// whole units usable (`2.5 (2 usable)`).
    #[must_use]
    pub fn entitled_text(&self) -> String {
        if self.unlimited {
            "unlimited".to_owned()
        } else if whole_units_only(&self.quantity) {
            self.entitled.to_string()
        } else {
            format!("{} ({} usable)", self.quantity.normalize(), self.entitled)
        }
    }

    /// The cost for a reader, with its currency code when stated (`200 EUR`).
    #[must_use]
    pub fn cost_text(&self) -> String {
        format!(
            "{}{}",
            self.cost.normalize(),
            self.currency
                .as_ref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default()
        )
    }
}

/// The cost figures of one currency (see [`Totals::by_currency`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CurrencyTotals {
    /// The currency (upper-case code); none for entitlements that state none.
    pub currency: Option<Currency>,
    /// Σ consumed units × unit cost of the entitlements in this currency.
    pub cost: Decimal,
    /// Σ of the product lines' shortfall costs in this currency (each product's shortfall
    /// priced at its lowest unit cost in this currency; the figures of different currencies
    /// are alternatives, not parts of one sum).
    pub shortfall_cost: Decimal,
}

/// An amount in one currency (none: not stated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrencyAmount {
    /// The currency (upper-case code); none when not stated.
    pub currency: Option<Currency>,
    /// The amount.
    pub amount: Decimal,
}

/// The position of one product counted in one metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductLine {
    /// Publisher, as the first software identity of the product spells it.
    pub publisher: String,
    /// Product name.
    pub product: String,
    /// Edition (empty when none).
    pub edition: String,
    /// The metric the product is counted in.
    pub metric: Metric,
    /// The contract terms the line counts under (every term the metric reads), when an
    /// entitlement's terms make them differ from the policy's; none when the policy's
    /// parameters count it. Two lines of one product and metric differ in their terms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms: Option<Terms>,
    /// Consumers.
    pub consumers: u64,
    /// Units needed.
    pub demand: u64,
    /// Units needed by exempt consumers.
    pub exempt: u64,
    /// Units covered.
    pub covered: u64,
    /// Units neither covered nor exempt.
    pub shortfall: u64,
    /// Consumers not fully covered and not exempt.
    pub unlicensed_consumers: u64,
    /// Whole units of active entitlements in this metric that can cover the product (sum of
    /// their [`whole units`](itam_core::estate::Entitlement::whole_units); an entitlement
    /// covering several products counts in each).
    pub entitled: u64,
    /// The exact sum of those entitlements' quantities, fractions included; equal to
    /// `entitled` unless a quantity has a fraction (then also in JSON, as `quantity`).
    #[serde(skip_serializing_if = "whole_units_only")]
    pub quantity: Decimal,
    /// Whether one of those entitlements is unlimited.
    pub unlimited: bool,
    /// Shortfall × the lowest unit cost among those entitlements (none when none has a cost,
    /// or when their costs are in several currencies: see `shortfall_costs`).
    pub shortfall_cost: Option<Decimal>,
    /// The currency of `shortfall_cost`, when those entitlements name one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// When the priced entitlements use several currencies: per currency, shortfall × the
    /// lowest unit cost in that currency (alternatives, never added). Empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shortfall_costs: Vec<CurrencyAmount>,
    /// For a metric counted at the reporting period's peak (`ibm_pvu_subcapacity`) when the
    /// estate has capacity samples in the period: where the peak was. `demand` is the
    /// peak's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak: Option<PeriodPeak>,
}

/// Where a metric counted at the reporting period's peak found it (see
/// [`MetricParams::peak_period_days`](crate::MetricParams::peak_period_days)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodPeak {
    /// The first day of the reporting period (its last is the as-of day).
    pub from: NaiveDate,
    /// The day counted: the peak's, or the as-of day when no sampled day is higher.
    pub at: NaiveDate,
    /// The line's units in the as-of state (the records), for comparison.
    pub as_of_units: u64,
    /// Days of the period with a sample of the product's devices or their servers.
    pub sampled_days: u64,
}

impl ProductLine {
    /// The shortfall cost as text: `-` when none, the amount (with ` currency=…` when one
    /// is stated), or `EUR:10,USD:12` when the entitlements are priced in several currencies.
    #[must_use]
    pub fn shortfall_cost_text(&self) -> String {
        if !self.shortfall_costs.is_empty() {
            return per_currency(self.shortfall_costs.iter().map(|a| (&a.currency, a.amount)));
        }
        self.shortfall_cost.map_or_else(
            || "-".to_owned(),
            |c| {
                format!(
                    "{}{}",
                    c.normalize(),
                    currency_suffix(self.currency.as_ref())
                )
            },
        )
    }

    /// The line's own terms as text, `name=value` joined by `;`
    /// (`installs_per_licence=2;install_rounding=nearest`); empty when it has none.
    #[must_use]
    pub fn terms_text(&self) -> String {
        self.terms.as_ref().map_or_else(String::new, |t| {
            t.entries()
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join(";")
        })
    }

    /// `publisher/product/edition` (`publisher/product` without edition), the name used in
    /// text.
    #[must_use]
    pub fn key(&self) -> String {
        if self.edition.is_empty() {
            format!("{}/{}", self.publisher, self.product)
        } else {
            format!("{}/{}/{}", self.publisher, self.product, self.edition)
        }
    }
}

/// The position of one entitlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntitlementLine {
    /// Its id.
    pub id: String,
    /// Its metric.
    pub metric: Metric,
    /// Valid, expired or not yet valid on the as-of date.
    pub status: Status,
    /// Whole units that can cover consumers: the quantity rounded down (every metric counts
    /// whole units).
    pub entitled: u64,
    /// The exact quantity bought; differs from `entitled` only by a fraction no consumer can
    /// use (then shown, in JSON as `quantity`, and in text as `quantity=… unusable=…`).
    #[serde(skip_serializing_if = "whole_units_only")]
    pub quantity: Decimal,
    /// No limit on units.
    pub unlimited: bool,
    /// Units consumed (true-up overflow included).
    pub consumed: u64,
    /// Units left (0 when unlimited).
    pub surplus: u64,
    /// Units consumed beyond the quantity (true-up entitlements only).
    pub true_up: u64,
    /// Consumed × unit cost.
    pub cost: Decimal,
    /// The currency of the unit cost (and so of `cost`), when stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Whether the entitlement has a unit cost (its currency then counts in the totals).
    #[serde(skip)]
    pub(crate) priced: bool,
    /// Active and ending within the policy's window.
    pub expiring: bool,
    /// Its last day, when it has one.
    pub end: Option<NaiveDate>,
}

/// One consumer and what covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConsumerLine {
    pub kind: ConsumerKind,
    /// Index into `Position::names`.
    pub name: u32,
    /// Index into `Position::products`.
    pub product: u32,
    pub units: u64,
    pub covered: u64,
    pub exempt: bool,
    /// Range of `Position::allocations`.
    pub allocs: (u32, u32),
    /// Index into `Position::groups`.
    pub group: u32,
    pub pinned: bool,
}

/// A consumer's use of an entitlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Alloc {
    /// Index into `Position::entitlements`.
    pub ent: u32,
    pub units: u64,
    pub overflow: bool,
}

/// What one entitlement can do for a group of consumers, before allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Verdict {
    Eligible,
    Exempt,
    Rejected(Reason),
}

/// The candidate entitlements of a group of consumers, in priority order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupLine {
    pub verdicts: Vec<(u32, Verdict)>,
    /// (entitlement, index into `Position::notes`): the detail of the pairs a downgrade
    /// right with a depth explains; empty for every other group.
    pub notes: Vec<(u32, u32)>,
}

/// One consumer × entitlement decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PairDecision<'p> {
    /// The consumer, `kind:name` (`device:srv-1`, `cluster:prod-a`, `user:alice`, `estate`).
    pub consumer: &'p str,
    /// The product line the consumer belongs to (serialised as its key,
    /// `publisher/product[/edition]`; the consumer's entry in `consumers` names the line's
    /// metric and terms).
    #[serde(rename = "product", serialize_with = "product_key")]
    pub product: &'p ProductLine,
    /// The entitlement id.
    pub entitlement: &'p str,
    /// What happened.
    pub decision: Decision,
    /// Why.
    pub reason: Reason,
    /// Units consumed (0 unless consumed).
    pub units: u64,
    /// What else the reason needs said, when anything: which right with a depth covers an
    /// older version, or how far it reaches (`downgrade right: 2 previous major versions of
    /// 10 covers 8.1`; `… does not reach 7`). None for every entitlement whose downgrade
    /// right has no depth (left out of JSON when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<&'p str>,
}

/// One consumer's summary, as exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consumer<'p> {
    /// `kind:name`.
    pub name: &'p str,
    /// What the consumer is.
    pub kind: ConsumerKind,
    /// The product line it belongs to.
    pub product: &'p ProductLine,
    /// Units needed.
    pub units: u64,
    /// Units covered by consumption.
    pub covered: u64,
    /// Covered by an exemption.
    pub exempt: bool,
}

/// The effective license position: per product × metric, per entitlement, per consumer, and
/// every consumer × entitlement pair considered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The allocation mode used.
    pub mode: Mode,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Sums.
    pub totals: Totals,
    /// Per product × metric, sorted by product key.
    pub products: Vec<ProductLine>,
    /// Per entitlement, sorted by id.
    pub entitlements: Vec<EntitlementLine>,
    pub(crate) names: Vec<String>,
    /// Sorted by (product, name).
    pub(crate) consumers: Vec<ConsumerLine>,
    pub(crate) allocations: Vec<Alloc>,
    pub(crate) groups: Vec<GroupLine>,
    /// The details of pair decisions (see [`PairDecision::detail`]), sorted; `GroupLine`
    /// notes index them.
    pub(crate) notes: Vec<String>,
    /// Whether pair decisions were recorded.
    pub(crate) explained: bool,
}

impl Position {
    /// The position, or [`ReconcileError::CostOverflow`] naming the first cost that reached
    /// the largest decimal: the decimal arithmetic stops there instead of overflowing, so such
    /// a figure is not a price but a sign of absurd input, and is refused rather than shown.
    pub(crate) fn checked_costs(self) -> Result<Self, crate::ReconcileError> {
        let at_limit = |d: Decimal| d == Decimal::MAX || d == Decimal::MIN;
        let mut first: Option<String> = None;
        let mut note = |bad: bool, path: &dyn Fn() -> String| {
            if bad && first.is_none() {
                first = Some(path());
            }
        };
        note(at_limit(self.totals.cost), &|| "/totals/cost".into());
        note(at_limit(self.totals.shortfall_cost), &|| {
            "/totals/shortfall_cost".into()
        });
        for (i, c) in self.totals.by_currency.iter().enumerate() {
            note(at_limit(c.cost), &|| {
                format!("/totals/by_currency/{i}/cost")
            });
            note(at_limit(c.shortfall_cost), &|| {
                format!("/totals/by_currency/{i}/shortfall_cost")
            });
        }
        for (i, p) in self.products.iter().enumerate() {
            note(p.shortfall_cost.is_some_and(at_limit), &|| {
                format!("/products/{i}/shortfall_cost")
            });
            for (j, a) in p.shortfall_costs.iter().enumerate() {
                note(at_limit(a.amount), &|| {
                    format!("/products/{i}/shortfall_costs/{j}/amount")
                });
            }
        }
        for (i, e) in self.entitlements.iter().enumerate() {
            note(e.priced && at_limit(e.cost), &|| {
                format!("/entitlements/{i}/cost")
            });
        }
        match first {
            Some(at) => Err(crate::ReconcileError::CostOverflow { at }),
            None => Ok(self),
        }
    }

    /// Active entitlements nothing consumed: candidates for harvesting.
    pub fn unused_entitlements(&self) -> impl Iterator<Item = &EntitlementLine> + '_ {
        self.entitlements
            .iter()
            .filter(|e| e.status == Status::Active && e.consumed == 0)
    }

    /// Active entitlements ending within the policy's expiry window.
    pub fn expiring_entitlements(&self) -> impl Iterator<Item = &EntitlementLine> + '_ {
        self.entitlements.iter().filter(|e| e.expiring)
    }

    /// Consumers not fully covered and not exempt: the unlicensed use.
    pub fn unlicensed_consumers(&self) -> impl Iterator<Item = Consumer<'_>> + '_ {
        self.consumers()
            .filter(|c| !c.exempt && c.covered < c.units)
    }

    /// Every consumer, in canonical order (product key, then consumer name).
    pub fn consumers(&self) -> impl Iterator<Item = Consumer<'_>> + '_ {
        self.consumers.iter().filter_map(move |c| {
            Some(Consumer {
                name: self.names.get(c.name as usize)?,
                kind: c.kind,
                product: self.products.get(c.product as usize)?,
                units: c.units,
                covered: c.covered,
                exempt: c.exempt,
            })
        })
    }

    /// Every consumer × candidate entitlement pair with its decision and reason, in
    /// canonical order (consumer, then the entitlements in the product's priority order).
    /// Empty when the policy turned explanations off.
    pub fn decisions(&self) -> impl Iterator<Item = PairDecision<'_>> + '_ {
        self.consumers
            .iter()
            .filter(move |_| self.explained)
            .flat_map(move |c| self.consumer_decisions(c))
    }

    fn consumer_decisions<'p>(
        &'p self,
        c: &'p ConsumerLine,
    ) -> impl Iterator<Item = PairDecision<'p>> + 'p {
        let allocs = self
            .allocations
            .get(c.allocs.0 as usize..(c.allocs.0 + c.allocs.1) as usize)
            .unwrap_or(&[]);
        let verdicts = self
            .groups
            .get(c.group as usize)
            .map_or(&[][..], |g| g.verdicts.as_slice());
        let notes = self
            .groups
            .get(c.group as usize)
            .map_or(&[][..], |g| g.notes.as_slice());
        // Position (in the candidate order) of the last entitlement this consumer used.
        let last_used = verdicts
            .iter()
            .rposition(|(e, _)| allocs.iter().any(|a| a.ent == *e));
        let name = self.names.get(c.name as usize).map_or("", String::as_str);
        let product = self.products.get(c.product as usize);
        let fully = c.covered >= c.units;
        verdicts.iter().enumerate().filter_map(move |(i, &(e, v))| {
            let ent = self.entitlements.get(e as usize)?;
            let used: u64 = allocs.iter().filter(|a| a.ent == e).map(|a| a.units).sum();
            let overflow = allocs.iter().any(|a| a.ent == e && a.overflow);
            let (decision, reason) = match v {
                Verdict::Rejected(r) => (Decision::Rejected, r),
                _ if used > 0 || overflow => (
                    Decision::Consumed,
                    if overflow {
                        Reason::TrueUpOverflow
                    } else if c.pinned {
                        Reason::Pinned
                    } else if self.mode == Mode::Optimal {
                        Reason::Optimal
                    } else {
                        Reason::PriorityOrder
                    },
                ),
                Verdict::Exempt
                    if c.exempt
                        && verdicts.iter().position(|x| x.1 == Verdict::Exempt) == Some(i) =>
                {
                    (Decision::Exempt, Reason::ExemptEnvironment)
                }
                _ if c.exempt => (Decision::NotAssessed, Reason::DemandMet),
                _ if !fully => (Decision::Rejected, Reason::CapacityExhausted),
                _ if self.mode == Mode::Priority && last_used.is_some_and(|l| i < l) => {
                    (Decision::Rejected, Reason::CapacityExhausted)
                }
                _ if self.mode == Mode::Optimal
                    && !ent.unlimited
                    && ent.true_up == 0
                    && ent.consumed >= ent.entitled =>
                {
                    (Decision::Rejected, Reason::CapacityExhausted)
                }
                _ => (Decision::NotAssessed, Reason::DemandMet),
            };
            let detail = notes
                .iter()
                .find(|(x, _)| *x == e)
                .and_then(|&(_, n)| self.notes.get(n as usize))
                .map(String::as_str);
            Some(PairDecision {
                consumer: name,
                product: product?,
                entitlement: &ent.id,
                decision,
                reason,
                units: used,
                detail,
            })
        })
    }

    /// A readable effective-license-position table (products, then entitlements), for a
    /// terminal. Not for parsing: use the JSON form or [`to_text`](Self::to_text).
    ///
    /// Names are shown with their control characters escaped as Rust writes them (`\n`,
    /// `\t`, `\u{1b}`; also line separators and bidirectional overrides), so that a name
    /// neither adds a line nor drives the terminal, and columns are aligned on the terminal
    /// width of what is printed (an East Asian wide character takes two columns).
    #[must_use]
    pub fn to_table(&self) -> String {
        let mut rows: Vec<[String; 7]> = vec![[
            "product".into(),
            "metric".into(),
            "demand".into(),
            "entitled".into(),
            "covered".into(),
            "shortfall".into(),
            "shortfall cost".into(),
        ]];
        for p in &self.products {
            rows.push([
                p.key(),
                p.metric.to_string(),
                p.demand.to_string(),
                if p.unlimited {
                    "unlimited".into()
                } else {
                    p.entitled.to_string()
                },
                (p.covered + p.exempt).to_string(),
                p.shortfall.to_string(),
                p.shortfall_cost_text().replace(" currency=", " "),
            ]);
        }
        let mut out = table(&rows);
        for p in self.products.iter().filter(|p| p.terms.is_some()) {
            out.push_str(&format!(
                "{} ({}): counted under the contract's terms {}\n",
                printable(&p.key()),
                p.metric,
                p.terms_text().replace(';', " ")
            ));
        }
        for p in &self.products {
            if let Some(k) = p.peak.as_ref().filter(|k| k.at != self.as_of) {
                out.push_str(&format!(
                    "{}: demand counted at the period's peak on {} (period {}..{}); as of {}: {}\n",
                    printable(&p.key()),
                    k.at,
                    k.from,
                    self.as_of,
                    self.as_of,
                    k.as_of_units
                ));
            }
        }
        let mut rows: Vec<[String; 7]> = vec![[
            "entitlement".into(),
            "metric".into(),
            "status".into(),
            "entitled".into(),
            "consumed".into(),
            "surplus".into(),
            "true-up".into(),
        ]];
        for e in &self.entitlements {
            let status = if e.expiring {
                "expiring"
            } else {
                e.status.as_str()
            };
            rows.push([
                e.id.clone(),
                e.metric.to_string(),
                status.into(),
                e.entitled_text(),
                e.consumed.to_string(),
                e.surplus.to_string(),
                e.true_up.to_string(),
            ]);
        }
        out.push('\n');
        out.push_str(&table(&rows));
        let t = &self.totals;
        let summary = format!(
            "{} mode, as of {}: demand {}, covered {}, exempt {}, shortfall {} ({} unlicensed consumers), cost {}, shortfall cost {}",
            self.mode.as_str(),
            self.as_of,
            t.demand,
            t.covered,
            t.exempt,
            t.shortfall,
            t.unlicensed_consumers,
            t.cost_text(),
            t.shortfall_cost_text()
        );
        out.push('\n');
        out.push_str(&printable(&summary));
        out.push('\n');
        out
    }

    /// The canonical text rendering, used by golden tests: one line per fact, sorted, every
    /// number exact. Control characters in names are escaped as in
    /// [`to_table`](Self::to_table), so that a name never adds a line.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) -> fmt::Result {
        let mut lines = Lines::new(out);
        let out = &mut lines;
        let t = &self.totals;
        write!(
            out,
            "position mode={} as_of={}",
            self.mode.as_str(),
            self.as_of
        )?;
        out.end();
        let (cost, shortfall_cost) = if t.by_currency.is_empty() {
            (
                t.cost.normalize().to_string(),
                format!(
                    "{}{}",
                    t.shortfall_cost.normalize(),
                    currency_suffix(t.currency.as_ref())
                ),
            )
        } else {
            (
                per_currency(t.by_currency.iter().map(|c| (&c.currency, c.cost))),
                per_currency(
                    t.by_currency
                        .iter()
                        .map(|c| (&c.currency, c.shortfall_cost)),
                ),
            )
        };
        write!(
            out,
            "totals consumers={} demand={} exempt={} covered={} shortfall={} unlicensed={} true_up={} cost={} shortfall_cost={}",
            t.consumers,
            t.demand,
            t.exempt,
            t.covered,
            t.shortfall,
            t.unlicensed_consumers,
            t.true_up,
            cost,
            shortfall_cost
        )?;
        out.end();
        for p in &self.products {
            write!(
                out,
                "product {} metric={} consumers={} demand={} exempt={} covered={} shortfall={} unlicensed={} entitled={}{}{} shortfall_cost={}",
                p.key(),
                p.metric,
                p.consumers,
                p.demand,
                p.exempt,
                p.covered,
                p.shortfall,
                p.unlicensed_consumers,
                p.entitled,
                if p.unlimited { "+unlimited" } else { "" },
                exact_quantity(p.quantity, p.entitled),
                p.shortfall_cost_text()
            )?;
            if p.terms.is_some() {
                write!(out, " terms={}", p.terms_text())?;
            }
            if let Some(k) = &p.peak {
                write!(
                    out,
                    " peak={} period={}..{} as_of_demand={} sampled_days={}",
                    k.at, k.from, self.as_of, k.as_of_units, k.sampled_days
                )?;
            }
            out.end();
        }
        for e in &self.entitlements {
            write!(
                out,
                "entitlement {} metric={} status={} entitled={}{} consumed={} surplus={} true_up={} cost={}{}{}",
                e.id,
                e.metric,
                e.status.as_str(),
                if e.unlimited {
                    "unlimited".to_owned()
                } else {
                    e.entitled.to_string()
                },
                if e.unlimited {
                    String::new()
                } else {
                    exact_quantity(e.quantity, e.entitled)
                },
                e.consumed,
                e.surplus,
                e.true_up,
                e.cost.normalize(),
                currency_suffix(e.currency.as_ref()),
                if e.expiring { " expiring" } else { "" }
            )?;
            out.end();
        }
        for c in &self.consumers {
            let name = self.names.get(c.name as usize).map_or("", String::as_str);
            let product = self
                .products
                .get(c.product as usize)
                .map(ProductLine::key)
                .unwrap_or_default();
            write!(
                out,
                "consumer {name} product={product} units={} covered={}{}",
                c.units,
                c.covered,
                if c.exempt { " exempt" } else { "" }
            )?;
            out.end();
            if self.explained {
                for d in self.consumer_decisions(c) {
                    write!(
                        out,
                        "  {} {} reason={}",
                        d.entitlement,
                        d.decision.as_str(),
                        d.reason.as_str()
                    )?;
                    if d.decision == Decision::Consumed {
                        write!(out, " units={}", d.units)?;
                    }
                    if let Some(detail) = d.detail {
                        write!(out, " detail=\"{detail}\"")?;
                    }
                    out.end();
                }
            }
        }
        Ok(())
    }

    /// Merges the positions of independent partitions (see [`crate::partition()`]) into the
    /// position of the whole estate. All parts must share mode and as-of date and no
    /// consumer may appear in two. A product line (product × metric) or an entitlement in
    /// several parts — a product split by organisation, each part holding all of its
    /// entitlements — is merged: counts added, shared facts kept once.
    #[must_use]
    pub fn merge(parts: Vec<Self>) -> Option<Self> {
        let first = parts.first()?;
        let (mode, as_of, explained) = (first.mode, first.as_of, first.explained);
        let mut products: Vec<(ProductLine, usize, u32)> = Vec::new();
        let mut ents: Vec<(EntitlementLine, usize, u32)> = Vec::new();
        let mut names: BTreeMap<String, u32> = BTreeMap::new();
        let mut notes: BTreeMap<String, u32> = BTreeMap::new();
        for (pi, p) in parts.iter().enumerate() {
            products.extend(
                p.products
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(i, l)| (l, pi, i as u32)),
            );
            ents.extend(
                p.entitlements
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(i, l)| (l, pi, i as u32)),
            );
            for n in &p.names {
                names.insert(n.clone(), 0);
            }
            for n in &p.notes {
                notes.insert(n.clone(), 0);
            }
        }
        let norm = |l: &ProductLine| {
            (
                [&l.publisher, &l.product, &l.edition].map(|s| s.trim().to_lowercase()),
                l.metric.to_string(),
                l.terms_text(),
            )
        };
        // Stable: the lines of one product keep their order (the Priority metric first).
        products.sort_by_key(|a| norm(&a.0).0);
        ents.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        for (i, v) in names.values_mut().enumerate() {
            *v = i as u32;
        }
        for (i, v) in notes.values_mut().enumerate() {
            *v = i as u32;
        }
        // A product split by organisation appears in several parts, each with every
        // entitlement of the product: add the counts, keep the shared facts once.
        let mut merged_products: Vec<ProductLine> = Vec::with_capacity(products.len());
        let mut prod_map: BTreeMap<(usize, u32), u32> = BTreeMap::new();
        for (l, pi, old) in products {
            match merged_products.last_mut() {
                Some(m) if norm(m) == norm(&l) => {
                    m.consumers = m.consumers.saturating_add(l.consumers);
                    m.demand = m.demand.saturating_add(l.demand);
                    m.exempt = m.exempt.saturating_add(l.exempt);
                    m.covered = m.covered.saturating_add(l.covered);
                    m.shortfall = m.shortfall.saturating_add(l.shortfall);
                    m.unlicensed_consumers = m
                        .unlicensed_consumers
                        .saturating_add(l.unlicensed_consumers);
                    // Shortfall × the same lowest unit cost in every part (the same
                    // currency, as every part holds every entitlement): the sum.
                    m.shortfall_cost = match (m.shortfall_cost, l.shortfall_cost) {
                        (Some(a), Some(b)) => Some(crate::engine::dec_add(a, b)),
                        (a, b) => a.or(b),
                    };
                    for a in l.shortfall_costs {
                        match m
                            .shortfall_costs
                            .iter_mut()
                            .find(|x| x.currency == a.currency)
                        {
                            Some(x) => x.amount = crate::engine::dec_add(x.amount, a.amount),
                            None => m.shortfall_costs.push(a),
                        }
                    }
                }
                _ => merged_products.push(l),
            }
            prod_map.insert((pi, old), (merged_products.len() - 1) as u32);
        }
        let mut merged_ents: Vec<EntitlementLine> = Vec::with_capacity(ents.len());
        let mut ent_map: BTreeMap<(usize, u32), u32> = BTreeMap::new();
        for (l, pi, old) in ents {
            match merged_ents.last_mut() {
                Some(m) if m.id == l.id => {
                    m.consumed = m.consumed.saturating_add(l.consumed);
                    m.true_up = m.true_up.saturating_add(l.true_up);
                    m.cost = crate::engine::dec_add(m.cost, l.cost);
                    m.surplus = if m.unlimited || m.status != Status::Active {
                        0
                    } else {
                        m.entitled.saturating_sub(m.consumed)
                    };
                }
                _ => merged_ents.push(l),
            }
            ent_map.insert((pi, old), (merged_ents.len() - 1) as u32);
        }
        let mut consumers = Vec::new();
        let mut allocations = Vec::new();
        let mut groups = Vec::new();
        let mut totals = Totals::default();
        for (pi, p) in parts.iter().enumerate() {
            if p.mode != mode || p.as_of != as_of {
                return None;
            }
            let t = &p.totals;
            totals.consumers = totals.consumers.saturating_add(t.consumers);
            totals.demand = totals.demand.saturating_add(t.demand);
            totals.exempt = totals.exempt.saturating_add(t.exempt);
            totals.covered = totals.covered.saturating_add(t.covered);
            totals.shortfall = totals.shortfall.saturating_add(t.shortfall);
            totals.unlicensed_consumers = totals
                .unlicensed_consumers
                .saturating_add(t.unlicensed_consumers);
            totals.true_up = totals.true_up.saturating_add(t.true_up);
            let group_base = groups.len() as u32;
            for g in &p.groups {
                groups.push(GroupLine {
                    verdicts: g
                        .verdicts
                        .iter()
                        .map(|&(e, v)| (ent_map.get(&(pi, e)).copied().unwrap_or(0), v))
                        .collect(),
                    notes: g
                        .notes
                        .iter()
                        .map(|&(e, n)| {
                            let note = p
                                .notes
                                .get(n as usize)
                                .and_then(|t| notes.get(t))
                                .copied()
                                .unwrap_or(0);
                            (ent_map.get(&(pi, e)).copied().unwrap_or(0), note)
                        })
                        .collect(),
                });
            }
            for c in &p.consumers {
                let start = allocations.len() as u32;
                for a in p
                    .allocations
                    .get(c.allocs.0 as usize..(c.allocs.0 + c.allocs.1) as usize)
                    .unwrap_or(&[])
                {
                    allocations.push(Alloc {
                        ent: ent_map.get(&(pi, a.ent)).copied().unwrap_or(0),
                        ..*a
                    });
                }
                let name = p
                    .names
                    .get(c.name as usize)
                    .and_then(|n| names.get(n))
                    .copied()
                    .unwrap_or(0);
                consumers.push(ConsumerLine {
                    name,
                    product: prod_map.get(&(pi, c.product)).copied().unwrap_or(0),
                    allocs: (start, c.allocs.1),
                    group: group_base + c.group,
                    ..*c
                });
            }
        }
        consumers.sort_by_key(|c| (c.product, c.name));
        price_totals(&mut totals, &merged_products, &merged_ents);
        Some(Self {
            mode,
            as_of,
            totals,
            products: merged_products,
            entitlements: merged_ents,
            names: names.into_keys().collect(),
            consumers,
            allocations,
            groups,
            notes: notes.into_keys().collect(),
            explained,
        })
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Whether a quantity is a whole number of units that `entitled` (a `u64`) states exactly.
fn whole_units_only(q: &Decimal) -> bool {
    q.fract().is_zero() && *q >= Decimal::ZERO && *q <= Decimal::from(u64::MAX)
}

/// ` quantity=… unusable=…` when `quantity` is not exactly `entitled` whole units.
fn exact_quantity(quantity: Decimal, entitled: u64) -> String {
    if whole_units_only(&quantity) {
        return String::new();
    }
    let unusable = crate::engine::dec_sub(quantity, Decimal::from(entitled));
    format!(
        " quantity={} unusable={}",
        quantity.normalize(),
        unusable.normalize()
    )
}

/// An amount per currency, `EUR:10,USD:4` (`none:` for amounts without a currency).
fn per_currency<'a>(items: impl Iterator<Item = (&'a Option<Currency>, Decimal)>) -> String {
    let mut out = String::new();
    for (i, (c, a)) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{}:{}",
            c.as_ref().map_or("none", Currency::as_str),
            a.normalize()
        );
    }
    out
}

/// ` currency=EUR` when a currency is stated.
fn currency_suffix(c: Option<&Currency>) -> String {
    c.map(|c| format!(" currency={c}")).unwrap_or_default()
}

/// The bucket of an amount: its currency's upper-case code, none when not stated.
pub(crate) fn bucket(c: Option<&Currency>) -> Option<Currency> {
    c.map(|c| Currency::new(c.code()))
}

/// Fills the cost figures of `totals` from the lines: per currency, and as the simple
/// `cost` / `shortfall_cost` when at most one currency occurs. Amounts in different
/// currencies are never added.
pub(crate) fn price_totals(
    totals: &mut Totals,
    products: &[ProductLine],
    entitlements: &[EntitlementLine],
) {
    let mut by: BTreeMap<Option<Currency>, (Decimal, Decimal)> = BTreeMap::new();
    for e in entitlements.iter().filter(|e| e.priced) {
        let slot = by.entry(bucket(e.currency.as_ref())).or_default();
        slot.0 = crate::engine::dec_add(slot.0, e.cost);
    }
    for p in products {
        if let Some(c) = p.shortfall_cost {
            let slot = by.entry(bucket(p.currency.as_ref())).or_default();
            slot.1 = crate::engine::dec_add(slot.1, c);
        }
        for a in &p.shortfall_costs {
            let slot = by.entry(bucket(a.currency.as_ref())).or_default();
            slot.1 = crate::engine::dec_add(slot.1, a.amount);
        }
    }
    totals.by_currency.clear();
    if by.len() <= 1 {
        let (currency, (cost, shortfall)) = by.into_iter().next().unwrap_or_default();
        totals.cost = cost;
        totals.shortfall_cost = shortfall;
        totals.currency = currency;
    } else {
        totals.cost = Decimal::ZERO;
        totals.shortfall_cost = Decimal::ZERO;
        totals.currency = None;
        totals.by_currency = by
            .into_iter()
            .map(|(currency, (cost, shortfall_cost))| CurrencyTotals {
                currency,
                cost,
                shortfall_cost,
            })
            .collect();
    }
}

fn product_key<S: Serializer>(p: &&ProductLine, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.key())
}

/// Left-aligned first two columns, right-aligned numbers; every cell [`printable`], the
/// columns aligned on the terminal [`width`] of what is printed.
fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let rows: Vec<[(Cow<'_, str>, usize); N]> = rows
        .iter()
        .map(|r| {
            r.each_ref().map(|c| {
                let shown = printable(c);
                let w = width(&shown);
                (shown, w)
            })
        })
        .collect();
    let mut widths = [0usize; N];
    for r in &rows {
        for (w, (_, cw)) in widths.iter_mut().zip(r) {
            *w = (*w).max(*cw);
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, ((c, cw), w)) in r.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(*cw);
            if i < 2 {
                if i == 1 {
                    line.push_str("  ");
                }
                line.push_str(c);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Whether a character is shown escaped in the text renderings: control characters (C0,
/// DEL, C1: a newline, a tab, an escape sequence) break lines and columns or drive the
/// terminal; line and paragraph separators break lines in some readers; bidirectional
/// formatting characters reorder what follows them on the line.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every [`hidden`] character escaped as Rust writes it (`\n`, `\t`,
/// `\u{1b}`, `\u{202e}`); borrowed unchanged when it has none. A backslash is kept as is,
/// so the escaping is for reading, not for parsing back.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.contains(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            // `escape_debug` leaves no control character: `\n`, `\t`, `\u{1b}`.
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The terminal columns `text` takes: [`char_width`] summed.
fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// The terminal columns of one printable character, after Unicode's East Asian Width
/// (UAX #11) as terminals apply it: 2 for wide and fullwidth characters (CJK, Hangul,
/// fullwidth forms, emoji), 0 for combining marks and zero-width characters, 1 otherwise.
/// The ranges are the main blocks, not the full property table: a rare character may be
/// measured one column off, which shifts its own row, never the line count.
fn char_width(c: char) -> usize {
    match c {
        '\u{0300}'..='\u{036f}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05bd}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{200b}'..='\u{200d}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{fe20}'..='\u{fe2f}'
        | '\u{feff}' => 0,
        '\u{1100}'..='\u{115f}'
        | '\u{231a}'..='\u{231b}'
        | '\u{2329}'..='\u{232a}'
        | '\u{2e80}'..='\u{303e}'
        | '\u{3041}'..='\u{33ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{a000}'..='\u{a4cf}'
        | '\u{a960}'..='\u{a97f}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe10}'..='\u{fe19}'
        | '\u{fe30}'..='\u{fe6f}'
        | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}'
        | '\u{1f300}'..='\u{1f64f}'
        | '\u{1f900}'..='\u{1f9ff}'
        | '\u{20000}'..='\u{2fffd}'
        | '\u{30000}'..='\u{3fffd}' => 2,
        _ => 1,
    }
}

/// A [`fmt::Write`] for the canonical text: a line is written into it, then [`end`]ed,
/// which writes it with its [`hidden`] characters escaped, so that the only line ends are
/// the ones [`end`] writes.
///
/// [`end`]: Lines::end
pub(crate) struct Lines<'o> {
    out: &'o mut String,
    line: String,
}

impl<'o> Lines<'o> {
    pub(crate) fn new(out: &'o mut String) -> Self {
        Self {
            out,
            line: String::new(),
        }
    }

    /// Ends the line.
    pub(crate) fn end(&mut self) {
        self.out.push_str(&printable(&self.line));
        self.out.push('\n');
        self.line.clear();
    }
}

impl fmt::Write for Lines<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.line.push_str(s);
        Ok(())
    }
}

struct Seq<I>(std::cell::RefCell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Seq<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.borrow_mut().take() {
            Some(it) => s.collect_seq(it),
            None => s.collect_seq(std::iter::empty::<T>()),
        }
    }
}

#[derive(Serialize)]
struct ConsumerJson<'p> {
    consumer: &'p str,
    kind: ConsumerKind,
    product: String,
    metric: &'p Metric,
    #[serde(skip_serializing_if = "Option::is_none")]
    terms: Option<&'p Terms>,
    units: u64,
    covered: u64,
    exempt: bool,
}

/// The JSON form, `position.json`: `{mode, as_of, totals, products, entitlements,
/// consumers, decisions}`; see the [manual](crate::manual#the-json-forms).
impl Serialize for Position {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Position", 7)?;
        st.serialize_field("mode", &self.mode)?;
        st.serialize_field("as_of", &self.as_of)?;
        st.serialize_field("totals", &self.totals)?;
        st.serialize_field("products", &self.products)?;
        st.serialize_field("entitlements", &self.entitlements)?;
        st.serialize_field(
            "consumers",
            &Seq(std::cell::RefCell::new(Some(self.consumers().map(|c| {
                ConsumerJson {
                    consumer: c.name,
                    kind: c.kind,
                    product: c.product.key(),
                    metric: &c.product.metric,
                    terms: c.product.terms.as_ref(),
                    units: c.units,
                    covered: c.covered,
                    exempt: c.exempt,
                }
            })))),
        )?;
        st.serialize_field(
            "decisions",
            &Seq(std::cell::RefCell::new(Some(self.decisions()))),
        )?;
        st.end()
    }
}

/// Both modes side by side, and how far the greedy order is from the optimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The Priority-mode position.
    pub priority: Position,
    /// The Optimal-mode position.
    pub optimal: Position,
    /// Optimal minus Priority.
    pub gap: Gap,
}

/// Several allocators over one estate (see [`compare`](crate::compare)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compared {
    /// One run per allocator, in the order given.
    pub runs: Vec<Run>,
}

/// One allocator's position and its gap to the first allocator's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The allocator's [`name`](crate::Allocator::name).
    pub allocator: String,
    /// Its position.
    pub position: Position,
    /// This position minus the first allocator's (all zero for the first).
    pub gap: Gap,
}

/// One position minus another (in [`Comparison`]: Optimal minus Priority).
///
/// Units of one metric are not units of another: `by_metric` is the gap per metric, and
/// `covered` and `shortfall` are its sums, meaningful as units only when one metric occurs.
/// What Optimal promises against Priority (and against any allocator that counts the same
/// metrics, see the manual's *The promise*): when `metrics_differ` is false, per metric
/// `covered ≥ 0` and `shortfall ≤ 0`; always, `shortfall ≤ 0` — the units short summed over
/// the metrics each position counts, the optimiser's first criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// Σ over metrics of the units covered (the second position's minus the first's).
    pub covered: i128,
    /// Cost difference, when the positions use at most one currency; 0 when several (see
    /// `by_currency`).
    pub cost: Decimal,
    /// Σ over metrics of the units short (Optimal − Priority: never positive).
    pub shortfall: i128,
    /// Cost difference per currency, when the positions use several. Empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_currency: Vec<CurrencyAmount>,
    /// Per metric occurring in either position, by metric: the gap in that metric's units.
    pub by_metric: Vec<MetricGap>,
    /// Whether the positions count some product in different metrics (a metric choice of
    /// the optimiser): its units then move from one metric's figures to another's.
    pub metrics_differ: bool,
}

/// The gap in one metric's units (see [`Gap::by_metric`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricGap {
    /// The metric.
    pub metric: Metric,
    /// Units needed (second − first): not 0 when a product moved to or from this metric.
    pub demand: i128,
    /// Units covered.
    pub covered: i128,
    /// Units short.
    pub shortfall: i128,
}

impl Gap {
    /// The cost difference for a reader: the amount, or per currency (`EUR:0,USD:-10`)
    /// when the positions use several.
    #[must_use]
    pub fn cost_text(&self) -> String {
        if self.by_currency.is_empty() {
            self.cost.normalize().to_string()
        } else {
            per_currency(self.by_currency.iter().map(|a| (&a.currency, a.amount)))
        }
    }

    /// The gap between two positions of the same estate (`optimal` − `priority`).
    #[must_use]
    pub fn between(priority: &Position, optimal: &Position) -> Self {
        let (p, o) = (&priority.totals, &optimal.totals);
        let mut by: BTreeMap<Option<Currency>, Decimal> = BTreeMap::new();
        for c in &o.by_currency {
            let x = by.entry(c.currency.clone()).or_default();
            *x = crate::engine::dec_add(*x, c.cost);
        }
        for c in &p.by_currency {
            let x = by.entry(c.currency.clone()).or_default();
            *x = crate::engine::dec_sub(*x, c.cost);
        }
        // Per metric: (demand, covered, shortfall), the second position's minus the first's.
        let mut per: BTreeMap<&Metric, [i128; 3]> = BTreeMap::new();
        for (sign, position) in [(-1i128, priority), (1, optimal)] {
            for l in &position.products {
                let x = per.entry(&l.metric).or_default();
                x[0] += sign * i128::from(l.demand);
                x[1] += sign * i128::from(l.covered);
                x[2] += sign * i128::from(l.shortfall);
            }
        }
        let counted = |position: &Position| -> Vec<(String, Metric, String)> {
            let mut v: Vec<(String, Metric, String)> = position
                .products
                .iter()
                .filter(|l| l.consumers > 0)
                .map(|l| (l.key(), l.metric.clone(), l.terms_text()))
                .collect();
            v.sort();
            v
        };
        Self {
            covered: i128::from(o.covered) - i128::from(p.covered),
            cost: crate::engine::dec_sub(o.cost, p.cost),
            shortfall: i128::from(o.shortfall) - i128::from(p.shortfall),
            by_currency: by
                .into_iter()
                .map(|(currency, amount)| CurrencyAmount { currency, amount })
                .collect(),
            by_metric: per
                .into_iter()
                .map(|(metric, [demand, covered, shortfall])| MetricGap {
                    metric: metric.clone(),
                    demand,
                    covered,
                    shortfall,
                })
                .collect(),
            metrics_differ: counted(priority) != counted(optimal),
        }
    }

    /// The per-metric gap for a reader, when several metrics occur
    /// (`device:covered=+1,shortfall=-1 processor:covered=-100,shortfall=+0`); empty when
    /// at most one does (the sums then say it all).
    #[must_use]
    pub fn by_metric_text(&self) -> String {
        if self.by_metric.len() < 2 {
            return String::new();
        }
        self.by_metric
            .iter()
            .map(|m| {
                format!(
                    "{}:demand={:+},covered={:+},shortfall={:+}",
                    m.metric, m.demand, m.covered, m.shortfall
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Comparison {
    /// The canonical text of both positions and the gap.
    #[must_use]
    pub fn to_text(&self) -> String {
        let cost = self.gap.cost_text();
        let per = self.gap.by_metric_text();
        let per = if per.is_empty() {
            String::new()
        } else {
            format!(
                "gap_by_metric {per}{}\n",
                if self.gap.metrics_differ {
                    " metrics_differ"
                } else {
                    ""
                }
            )
        };
        format!(
            "{}{}gap covered={} cost={} shortfall={}\n{per}",
            self.priority.to_text(),
            self.optimal.to_text(),
            self.gap.covered,
            cost,
            self.gap.shortfall
        )
    }
}
