//! Why an estate could not be reconciled.

/// Why an estate could not be reconciled. Each variant says what and where (a JSON path
/// into `estate.json` where there is one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReconcileError {
    /// Two items of one kind share an id.
    #[error("duplicate {kind} id {id:?}")]
    DuplicateId {
        /// `device`, `user`, `software` or `entitlement`.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A reference names nothing in the estate.
    #[error("{at}: unknown {what} {id:?}")]
    UnknownReference {
        /// What kind of item was named.
        what: &'static str,
        /// JSON path of the reference.
        at: String,
        /// The id named.
        id: String,
    },
    /// A virtual device names no host.
    #[error("virtual device {device:?} has no host")]
    VmWithoutHost {
        /// The device id.
        device: String,
    },
    /// A VM's host is itself virtual.
    #[error("host {host:?} of virtual device {device:?} is not physical")]
    HostNotPhysical {
        /// The VM.
        device: String,
        /// Its host.
        host: String,
    },
    /// A unit cost is too large or too precise for the optimiser's fixed-point arithmetic
    /// (more than 10^18 with nine decimals).
    #[error("unit cost of entitlement {id:?} is out of range")]
    CostOutOfRange {
        /// The entitlement.
        id: String,
    },
    /// A bounds miss inside the engine (an index one stage handed another that does not
    /// resolve), or an allocation an [`Allocator`](crate::Allocator) returned that breaks
    /// the problem's rules: a bug, reported instead of a silent 0.
    #[error("internal error in the {stage} stage: {detail}")]
    Internal {
        /// The stage: `consumption`, `allocation`, `priority`, `optimal`, `position`.
        stage: &'static str,
        /// What did not resolve.
        detail: String,
    },
    /// An entitlement's unit cost is below zero: no price is negative, and pricing it would
    /// lower the cost of a shortfall and of the estate.
    #[error("{at}: unit cost {cost} of entitlement {id:?} is negative")]
    NegativeCost {
        /// The entitlement.
        id: String,
        /// JSON path of the cost in `estate.json`.
        at: String,
        /// The cost as given.
        cost: rust_decimal::Decimal,
    },
    /// A cost of the position reaches the largest decimal (about 7.9 × 10^28): unit costs
    /// or quantities beyond any real price, whose product or sum cannot be stated exactly.
    #[error("{at}: the cost reaches the largest decimal, so it cannot be stated exactly")]
    CostOverflow {
        /// JSON path of the cost in `position.json` (`/totals/cost`,
        /// `/products/3/shortfall_cost`, `/entitlements/0/cost`…).
        at: String,
    },
    /// A capacity sample that cannot stand: a host named for a physical device, a host that
    /// is not physical, or a second sample of one device on one day.
    #[error("{at}: {why}")]
    InvalidSample {
        /// JSON path of the sample in `estate.json` (`/capacity_samples/3`).
        at: String,
        /// What is wrong with it.
        why: String,
    },
    /// A placement given for a physical device (only a VM is placed on hosts).
    #[error("{at}: placement {placement} of physical device {device:?}: only a VM has one")]
    InvalidPlacement {
        /// JSON path of the placement in `estate.json` (`/devices/3/placement`).
        at: String,
        /// The device.
        device: String,
        /// The placement as written.
        placement: String,
    },
    /// An entitlement's contract terms that cannot count: installations per licence or a
    /// core pack of 0, a tier table that is empty, whose band ends do not rise, or with a
    /// negative factor.
    #[error("{at}: {why}")]
    InvalidTerms {
        /// JSON path of the terms in `estate.json` (`/entitlements/2/terms`).
        at: String,
        /// What is wrong with them.
        why: String,
    },
    /// More than 2^32 − 2 items of one kind.
    #[error("estate too large: more than 2^32 - 2 items of one kind")]
    TooLarge,
}
