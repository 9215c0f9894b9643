//! The IT asset life cycle of ISO/IEC 19770-1 and the moves allowed between its stages.
//!
//! ISO/IEC 19770-1 ties IT asset management to the life-cycle processes of an asset:
//! specification, acquisition, development, release, deployment, operation and retirement.
//! Which stage may follow which is kept as data, in [`TRANSITIONS`], so a reader can see the
//! whole life cycle in one table and an organisation that needs a different one can read the
//! table instead of the code:
//!
//! | from | may move to | why |
//! |---|---|---|
//! | specification | acquisition, development, retirement | bought or built; or the need is dropped |
//! | acquisition | release, deployment, retirement | software goes through release; hardware may be deployed straight away; a purchase may be cancelled |
//! | development | release, retirement | built in house, then released; or abandoned |
//! | release | deployment, retirement | a released (definitive) item is deployed; or withdrawn |
//! | deployment | operation, release, retirement | in service; or rolled back to the definitive store |
//! | operation | deployment, release, retirement | moved or redeployed; returned to the store (a hardware spare); or retired |
//! | retirement | — | the end |
//!
//! ```
//! use itam_core::lifecycle::LifecycleStage as S;
//!
//! assert!(S::Release.can_move_to(S::Deployment));
//! let err = S::Retirement.move_to(S::Operation).unwrap_err();
//! assert_eq!(err.to_string(), "illegal life-cycle transition from retirement to operation");
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A stage of the IT asset life cycle (ISO/IEC 19770-1:2017, the ITAM life-cycle processes).
///
/// Ordered as the stages follow each other, so sorting by stage gives the life-cycle order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    /// The need is specified: requirements, standard configurations, approved products.
    Specification,
    /// The asset is being bought, leased or subscribed to.
    Acquisition,
    /// The asset is being built or configured in house.
    Development,
    /// The asset is approved and held ready for deployment (for software: its definitive
    /// media is in the definitive media library).
    Release,
    /// The asset is being installed, delivered or provisioned.
    Deployment,
    /// The asset is in service.
    Operation,
    /// The asset is retired: removed from service, disposed of or archived.
    Retirement,
}

impl LifecycleStage {
    /// Every stage, in life-cycle order.
    pub const ALL: [Self; 7] = [
        Self::Specification,
        Self::Acquisition,
        Self::Development,
        Self::Release,
        Self::Deployment,
        Self::Operation,
        Self::Retirement,
    ];

    /// The lowercase name used in the JSON form (`specification`, …, `retirement`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Specification => "specification",
            Self::Acquisition => "acquisition",
            Self::Development => "development",
            Self::Release => "release",
            Self::Deployment => "deployment",
            Self::Operation => "operation",
            Self::Retirement => "retirement",
        }
    }

    /// Whether [`TRANSITIONS`] allows moving from this stage to `to`.
    #[must_use]
    pub fn can_move_to(self, to: Self) -> bool {
        TRANSITIONS.iter().any(|&(f, t)| f == self && t == to)
    }

    /// The stages this stage may move to, in life-cycle order.
    pub fn next_stages(self) -> impl Iterator<Item = Self> {
        TRANSITIONS
            .iter()
            .filter(move |(f, _)| *f == self)
            .map(|&(_, t)| t)
    }

    /// `to`, when [`TRANSITIONS`] allows the move; otherwise an error naming both stages.
    ///
    /// # Errors
    /// [`IllegalTransition`] when the table has no row from `self` to `to` (staying in the same
    /// stage is not a transition either).
    pub fn move_to(self, to: Self) -> Result<Self, IllegalTransition> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(IllegalTransition { from: self, to })
        }
    }

    /// Whether this is the final stage ([`Retirement`](Self::Retirement)).
    #[must_use]
    pub const fn is_retired(self) -> bool {
        matches!(self, Self::Retirement)
    }
}

impl fmt::Display for LifecycleStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LifecycleStage {
    type Err = UnknownStage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or_else(|| UnknownStage(s.to_owned()))
    }
}

/// A text that names no life-cycle stage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown life-cycle stage `{0}`")]
pub struct UnknownStage(pub String);

/// The allowed life-cycle transitions, as `(from, to)` pairs in life-cycle order.
///
/// See the [module documentation](self) for the table with the reason for each row.
pub const TRANSITIONS: &[(LifecycleStage, LifecycleStage)] = {
    use LifecycleStage::{
        Acquisition, Deployment, Development, Operation, Release, Retirement, Specification,
    };
    &[
        (Specification, Acquisition),
        (Specification, Development),
        (Specification, Retirement),
        (Acquisition, Release),
        (Acquisition, Deployment),
        (Acquisition, Retirement),
        (Development, Release),
        (Development, Retirement),
        (Release, Deployment),
        (Release, Retirement),
        (Deployment, Release),
        (Deployment, Operation),
        (Deployment, Retirement),
        (Operation, Release),
        (Operation, Deployment),
        (Operation, Retirement),
    ]
};

/// A life-cycle move that [`TRANSITIONS`] does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("illegal life-cycle transition from {from} to {to}")]
pub struct IllegalTransition {
    /// The stage the item is in.
    pub from: LifecycleStage,
    /// The stage it was asked to move to.
    pub to: LifecycleStage,
}

#[cfg(test)]
mod tests {
    use super::LifecycleStage::{self as S, *};
    use super::*;

    #[test]
    fn the_table_allows_the_documented_moves_and_nothing_else() {
        let allowed = [
            (
                Specification,
                [Acquisition, Development, Retirement].as_slice(),
            ),
            (Acquisition, &[Release, Deployment, Retirement]),
            (Development, &[Release, Retirement]),
            (Release, &[Deployment, Retirement]),
            (Deployment, &[Release, Operation, Retirement]),
            (Operation, &[Release, Deployment, Retirement]),
            (Retirement, &[]),
        ];
        for (from, tos) in allowed {
            for to in S::ALL {
                assert_eq!(
                    from.can_move_to(to),
                    tos.contains(&to),
                    "{from} -> {to} should be {}",
                    if tos.contains(&to) {
                        "allowed"
                    } else {
                        "refused"
                    }
                );
            }
            assert_eq!(from.next_stages().collect::<Vec<_>>(), tos);
        }
    }

    #[test]
    fn staying_put_is_not_a_transition() {
        for stage in S::ALL {
            assert_eq!(
                stage.move_to(stage),
                Err(IllegalTransition {
                    from: stage,
                    to: stage
                })
            );
        }
    }

    #[test]
    fn retirement_is_final() {
        assert!(Retirement.is_retired());
        assert_eq!(Retirement.next_stages().count(), 0);
        let err = Retirement.move_to(Operation).unwrap_err();
        assert_eq!(err.from, Retirement);
        assert_eq!(err.to, Operation);
    }

    #[test]
    fn the_full_software_path_is_legal() {
        let mut stage = Specification;
        for next in [Acquisition, Release, Deployment, Operation, Retirement] {
            stage = stage.move_to(next).unwrap();
        }
        assert_eq!(stage, Retirement);
    }

    #[test]
    fn names_round_trip_through_text_and_json() {
        for stage in S::ALL {
            assert_eq!(stage.as_str().parse::<S>(), Ok(stage));
            assert_eq!(
                serde_json::to_string(&stage).unwrap(),
                format!("\"{}\"", stage.as_str())
            );
        }
        assert!("operating".parse::<S>().is_err());
    }

    #[test]
    fn the_table_is_in_life_cycle_order_without_duplicates() {
        assert!(TRANSITIONS.windows(2).all(|w| w[0] < w[1]));
    }
}
