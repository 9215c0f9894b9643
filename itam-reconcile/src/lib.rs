#![doc = include_str!("../README.md")]

pub mod manual;

mod engine;
mod error;
mod flow;
mod metrics;
mod model;
mod policy;
mod position;

pub use engine::{reconcile, reconcile_both};
pub use error::ReconcileError;
pub use itam_core;
pub use metrics::ConsumerKind;
pub use policy::{
    Aggregation, MetricParams, Mode, Policy, ProcessorRule, Rounding, Stacking, Tier,
};
pub use position::{
    Comparison, Consumer, Decision, EntitlementLine, Gap, PairDecision, Position, ProductLine,
    Reason, Status, Totals,
};
