//! Who may do what in the CMS: the role and authority table (ISO/IEC 19770-1:2017 7.6.2,
//! "authorization of changes … by those with the authority to do so").
//!
//! Without a table the CMS checks only that an authorization names someone and an authorized
//! change record, and that nobody approves their own request. Once a table is in force
//! ([`Cms::set_authority`](super::Cms::set_authority)) every request, step and command also
//! needs its [`Duty`] in the table for the actor, and every change record must list the
//! configuration items it covers.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Command;
use super::nonconformity::NcStep;
use crate::change::ChangeStep;
use crate::lifecycle::LifecycleStage;

/// A kind of authority an actor can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// Raise change requests.
    Request,
    /// Authorize or reject change requests, evaluate and close changes.
    Approve,
    /// Carry out the work of an authorized change: record, update, relate items, check media
    /// in, store and return spares, mark a change implemented.
    Implement,
    /// Release software from the definitive media library and take spares out of the store.
    Release,
    /// Retire configuration items.
    Dispose,
    /// Replace the authority table itself.
    Administer,
}

impl Duty {
    /// Every duty, in order.
    pub const ALL: [Self; 6] = [
        Self::Request,
        Self::Approve,
        Self::Implement,
        Self::Release,
        Self::Dispose,
        Self::Administer,
    ];

    /// The name used in the JSON form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Approve => "approve",
            Self::Implement => "implement",
            Self::Release => "release",
            Self::Dispose => "dispose",
            Self::Administer => "administer",
        }
    }

    /// The duty a change-record step needs: [`Approve`](Self::Approve) to authorize, reject,
    /// evaluate or close, [`Implement`](Self::Implement) to mark it implemented.
    #[must_use]
    pub const fn for_step(step: &ChangeStep) -> Self {
        match step {
            ChangeStep::Implement => Self::Implement,
            ChangeStep::Authorize
            | ChangeStep::Reject { .. }
            | ChangeStep::Evaluate { .. }
            | ChangeStep::Close => Self::Approve,
        }
    }

    /// The duty a nonconformity step needs: [`Request`](Self::Request) to open one (`None`),
    /// [`Implement`](Self::Implement) to take corrective action, [`Approve`](Self::Approve) to
    /// verify the action and to close the record.
    #[must_use]
    pub const fn for_nonconformity(step: Option<&NcStep>) -> Self {
        match step {
            None => Self::Request,
            Some(NcStep::Act { .. }) => Self::Implement,
            Some(NcStep::Verify { .. } | NcStep::Close) => Self::Approve,
        }
    }

    /// The duty a command needs: [`Release`](Self::Release) for a release from the DML or a
    /// spare taken out of the store, [`Dispose`](Self::Dispose) to move an item to
    /// retirement, [`Implement`](Self::Implement) for everything else.
    #[must_use]
    pub const fn for_command(command: &Command) -> Self {
        match command {
            Command::Release { .. } | Command::CheckOutSpare { .. } => Self::Release,
            Command::MoveStage {
                to: LifecycleStage::Retirement,
                ..
            } => Self::Dispose,
            _ => Self::Implement,
        }
    }
}

impl fmt::Display for Duty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role and authority table: for each actor, the duties they hold.
///
/// The JSON form maps each actor to their duties: `{"alice": ["request"], "bob": ["approve"]}`.
///
/// ```
/// use itam_core::cms::{AuthorityTable, Duty};
///
/// let table = AuthorityTable::new()
///     .grant("alice", [Duty::Request])
///     .grant("bob", [Duty::Approve, Duty::Release]);
/// assert!(table.may("bob", Duty::Release));
/// assert!(!table.may("alice", Duty::Approve));
/// assert!(!table.may("mallory", Duty::Request));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AuthorityTable {
    grants: BTreeMap<String, BTreeSet<Duty>>,
}

impl AuthorityTable {
    /// An empty table: nobody may do anything.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The table with `duties` added to `actor`'s.
    #[must_use]
    pub fn grant(
        mut self,
        actor: impl Into<String>,
        duties: impl IntoIterator<Item = Duty>,
    ) -> Self {
        self.grants.entry(actor.into()).or_default().extend(duties);
        self
    }

    /// Whether `actor` holds `duty`.
    #[must_use]
    pub fn may(&self, actor: &str, duty: Duty) -> bool {
        self.grants.get(actor).is_some_and(|d| d.contains(&duty))
    }

    /// The duties `actor` holds.
    pub fn duties_of(&self, actor: &str) -> impl Iterator<Item = Duty> + '_ {
        self.grants.get(actor).into_iter().flatten().copied()
    }

    /// Every actor with their duties, by name.
    pub fn actors(&self) -> impl Iterator<Item = (&str, &BTreeSet<Duty>)> {
        self.grants.iter().map(|(a, d)| (a.as_str(), d))
    }
}
