#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
// Library code never indexes with `[]`: `get` with a stated fallback, or a pattern.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod finance;
pub mod gate;
pub mod manual;

mod engine;
mod error;
mod figures;
mod flow;
#[cfg(feature = "generate")]
pub mod generate;
mod metrics;
mod model;
pub mod partition;
mod policy;
mod position;
pub mod purchase;
mod unionfind;

pub use engine::allocation;
pub use engine::allocation::{Allocation, Allocator, Problem};
pub use engine::{MAX_METRIC_COMBINATIONS, Prepared, compare, prepare, reconcile, reconcile_both};
pub use error::ReconcileError;
pub use itam_core;
pub use metrics::ConsumerKind;
pub use partition::partition;
pub use policy::{
    Aggregation, Grant, GrantScope, InstallRounding, MetricDefinition, MetricParams, Mode, Policy,
    ProcessorRule, Resource, Rounding, Stacking, Terms, Tier, TierBasis,
};
pub use position::{
    Compared, Comparison, Consumer, Decision, EntitlementLine, Gap, MetricGap, PairDecision,
    PeriodPeak, Position, ProductLine, Reason, Run, Status, Totals,
};
