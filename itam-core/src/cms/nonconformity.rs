//! Nonconformity and corrective action (ISO/IEC 19770-1:2017 10.1): a record that follows a
//! finding from the moment it is opened, through the corrective action taken and the review of
//! its effectiveness, to closure.
//!
//! ```text
//!            act                 verify (effective)          close
//!   Open ──────────> ActionTaken ──────────────────> Verified ──────> Closed
//!     ^                   │
//!     └───────────────────┘ verify (not effective): open again, another action is needed
//! ```
//!
//! The records live in the [`Cms`](super::Cms) and every step is an audit entry
//! ([`AuditEvent::NonconformityOpened`](super::AuditEvent::NonconformityOpened),
//! [`AuditEvent::NonconformityStep`](super::AuditEvent::NonconformityStep)), so the trail
//! replays them and its hash chain covers them. Who may take each step is the authority
//! table's business ([`Duty::for_nonconformity`](super::Duty::for_nonconformity)); whoever took
//! the corrective action may not also verify it.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::text_id;
use crate::diag::Finding;

text_id! {
    /// A nonconformity record's identifier (`NC-1`).
    NonconformityId
}

/// Where a nonconformity is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NcState {
    /// Opened and waiting for corrective action (or reopened after an ineffective one).
    Open,
    /// A corrective action was taken and waits for its review.
    ActionTaken,
    /// The action was reviewed and found effective.
    Verified,
    /// Closed; the record is kept.
    Closed,
}

impl NcState {
    /// The name used in the JSON form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::ActionTaken => "action_taken",
            Self::Verified => "verified",
            Self::Closed => "closed",
        }
    }

    /// Whether the nonconformity still needs work (anything but closed).
    #[must_use]
    pub const fn is_open(self) -> bool {
        !matches!(self, Self::Closed)
    }
}

impl fmt::Display for NcState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A step on a nonconformity record. The JSON form is tagged by `step`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum NcStep {
    /// A corrective action was taken (10.1 b, c): what was done.
    Act {
        /// The action, in a sentence.
        action: String,
    },
    /// The action's effectiveness was reviewed (10.1 d): effective moves the record to
    /// verified, not effective opens it again.
    Verify {
        /// Whether the action removed the cause.
        effective: bool,
        /// What the review found.
        note: String,
    },
    /// The record is closed.
    Close,
}

impl NcStep {
    /// The step's name (`act`, `verify`, `close`).
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Act { .. } => "act",
            Self::Verify { .. } => "verify",
            Self::Close => "close",
        }
    }

    /// The state the step leads to from `from`, or `None` when it does not follow from it.
    #[must_use]
    pub const fn next(&self, from: NcState) -> Option<NcState> {
        match (self, from) {
            (Self::Act { .. }, NcState::Open) => Some(NcState::ActionTaken),
            (
                Self::Verify {
                    effective: true, ..
                },
                NcState::ActionTaken,
            ) => Some(NcState::Verified),
            (
                Self::Verify {
                    effective: false, ..
                },
                NcState::ActionTaken,
            ) => Some(NcState::Open),
            (Self::Close, NcState::Verified) => Some(NcState::Closed),
            _ => None,
        }
    }
}

impl fmt::Display for NcStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Act { action } => write!(f, "takes corrective action: {action}"),
            Self::Verify { effective, note } => write!(
                f,
                "verifies the action as {}: {note}",
                if *effective {
                    "effective"
                } else {
                    "not effective"
                }
            ),
            Self::Close => f.write_str("closes the nonconformity"),
        }
    }
}

/// One step taken on a record: what, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NcEvent {
    /// The step.
    #[serde(flatten)]
    pub step: NcStep,
    /// Who took it.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A nonconformity record: the finding it was opened for and every step since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nonconformity {
    /// Its identifier.
    pub id: NonconformityId,
    /// The rule of the finding it was opened for (`TRUST-RELEASE-1`).
    pub rule: String,
    /// Where the finding points (its location's path: `/items/HW-2`).
    pub subject: String,
    /// What is wrong: the finding's message.
    pub summary: String,
    /// Who opened it.
    pub opened_by: String,
    /// When.
    pub opened_at: DateTime<Utc>,
    /// Where it is now.
    pub state: NcState,
    /// The steps taken, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<NcEvent>,
}

impl Nonconformity {
    /// A record opened for `finding`.
    pub fn open(
        id: impl Into<NonconformityId>,
        finding: &Finding,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: id.into(),
            rule: finding.rule.clone(),
            subject: finding.location.path.clone(),
            summary: finding.message.clone(),
            opened_by: by.into(),
            opened_at: at,
            state: NcState::Open,
            history: Vec::new(),
        }
    }

    /// When the latest step (or the opening) happened.
    #[must_use]
    pub fn last_at(&self) -> DateTime<Utc> {
        self.history.last().map_or(self.opened_at, |e| e.at)
    }

    /// Who took the corrective action now waiting for review (the latest `act` step).
    #[must_use]
    pub fn acted_by(&self) -> Option<&str> {
        self.history.iter().rev().find_map(|e| match e.step {
            NcStep::Act { .. } => Some(e.by.as_str()),
            _ => None,
        })
    }

    /// How long the record has been open on `as_of` (`None` once closed).
    #[must_use]
    pub fn open_for(&self, as_of: DateTime<Utc>) -> Option<chrono::Duration> {
        self.state.is_open().then(|| as_of - self.opened_at)
    }

    /// Takes `step`; the state does not change when the step does not follow.
    pub(crate) fn apply(
        &mut self,
        step: NcStep,
        by: String,
        at: DateTime<Utc>,
    ) -> Result<(), NcState> {
        let next = step.next(self.state).ok_or(self.state)?;
        self.state = next;
        self.history.push(NcEvent { step, by, at });
        Ok(())
    }
}
