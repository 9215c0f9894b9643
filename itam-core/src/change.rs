//! Change records: the authorization that every change to the CMS is made under.
//!
//! ISO/IEC 19770-1:2017 7.6.2 asks that changes to assets be authorized before they are made,
//! and 7.6.3 that their execution be controlled and recorded. A [`ChangeRecord`] goes through
//! the states
//!
//! ```text
//! requested ──> authorized ──> implemented ──> evaluated ──> closed
//!     │              │
//!     └──> rejected <┘
//! ```
//!
//! kept as data in [`ChangeState::TRANSITIONS`]. Only while a record is `authorized` may the
//! CMS execute commands under it; each step is kept in the record's history with who took it
//! and when.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use itam_core::change::{ChangeRecord, ChangeState, ChangeStep};
//!
//! let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
//! let mut change = ChangeRecord::request("CHG-1", "deploy the editor", "alice", at);
//! change.apply(&ChangeStep::Authorize, "bob", at).unwrap();
//! assert_eq!(change.state, ChangeState::Authorized);
//! let err = change.apply(&ChangeStep::Close, "bob", at).unwrap_err();
//! assert_eq!(err.to_string(), "change `CHG-1` cannot go from authorized to closed");
//! ```

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::AssetId;

/// Declares a string newtype identifier with the usual conversions and a transparent JSON form.
macro_rules! text_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps the text as it is.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}
pub(crate) use text_id;

text_id! {
    /// A change record's identifier (a ticket number, an RFC id).
    ChangeId
}

/// Where a change record is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeState {
    /// Raised and waiting for a decision.
    Requested,
    /// Approved: the CMS executes commands under it.
    Authorized,
    /// The work is done.
    Implemented,
    /// The result has been reviewed.
    Evaluated,
    /// Finished.
    Closed,
    /// Turned down (or the authorization withdrawn before implementation).
    Rejected,
}

impl ChangeState {
    /// The allowed steps, as `(from, to)` pairs.
    pub const TRANSITIONS: &'static [(Self, Self)] = &[
        (Self::Requested, Self::Authorized),
        (Self::Requested, Self::Rejected),
        (Self::Authorized, Self::Implemented),
        (Self::Authorized, Self::Rejected),
        (Self::Implemented, Self::Evaluated),
        (Self::Evaluated, Self::Closed),
    ];

    /// Whether [`TRANSITIONS`](Self::TRANSITIONS) allows going from this state to `to`.
    #[must_use]
    pub fn can_move_to(self, to: Self) -> bool {
        Self::TRANSITIONS.iter().any(|&(f, t)| f == self && t == to)
    }

    /// Whether no step leads out of this state (closed or rejected).
    #[must_use]
    pub fn is_final(self) -> bool {
        !Self::TRANSITIONS.iter().any(|&(f, _)| f == self)
    }

    /// The name used in the JSON form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Authorized => "authorized",
            Self::Implemented => "implemented",
            Self::Evaluated => "evaluated",
            Self::Closed => "closed",
            Self::Rejected => "rejected",
        }
    }
}

impl fmt::Display for ChangeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A step taken on a change record after it was requested.
///
/// The JSON form is tagged by `step`: `{"step": "authorize"}`,
/// `{"step": "reject", "reason": "…"}`, `{"step": "evaluate", "successful": true, "note": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeStep {
    /// Approve the change.
    Authorize,
    /// Turn it down, or withdraw the authorization before implementation.
    Reject {
        /// Why.
        reason: String,
    },
    /// Declare the work done.
    Implement,
    /// Review the result.
    Evaluate {
        /// Whether the change achieved what it was for.
        successful: bool,
        /// What the review found.
        note: String,
    },
    /// Close the record.
    Close,
}

impl ChangeStep {
    /// The state the step leads to.
    #[must_use]
    pub const fn target(&self) -> ChangeState {
        match self {
            Self::Authorize => ChangeState::Authorized,
            Self::Reject { .. } => ChangeState::Rejected,
            Self::Implement => ChangeState::Implemented,
            Self::Evaluate { .. } => ChangeState::Evaluated,
            Self::Close => ChangeState::Closed,
        }
    }

    fn note(&self) -> Option<String> {
        match self {
            Self::Reject { reason } => Some(reason.clone()),
            Self::Evaluate { note, .. } => Some(note.clone()),
            _ => None,
        }
    }
}

/// One entry of a change record's history: the state reached, who took the step and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEvent {
    /// The state the record reached.
    pub state: ChangeState,
    /// Who took the step.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The rejection reason or the evaluation note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A change record (ISO/IEC 19770-1:2017 7.6.2): what is to change, its state, and the history
/// of who requested, authorized, implemented, evaluated and closed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// The record's identifier.
    pub id: ChangeId,
    /// What the change is for.
    pub summary: String,
    /// The current state.
    pub state: ChangeState,
    /// Every step so far, oldest first; the first is the request.
    pub history: Vec<ChangeEvent>,
    /// Whether the evaluation found the change successful, once it is evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful: Option<bool>,
    /// The configuration items the change covers: commands under it may touch only these.
    /// Empty means the change names no items (any item; refused once an authority table is
    /// in force, see [`crate::cms::AuthorityTable`]).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub covers: BTreeSet<AssetId>,
}

impl ChangeRecord {
    /// A new record in the [`Requested`](ChangeState::Requested) state.
    pub fn request(
        id: impl Into<ChangeId>,
        summary: impl Into<String>,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: id.into(),
            summary: summary.into(),
            state: ChangeState::Requested,
            history: vec![ChangeEvent {
                state: ChangeState::Requested,
                by: by.into(),
                at,
                note: None,
            }],
            successful: None,
            covers: BTreeSet::new(),
        }
    }

    /// The record, covering `items`.
    #[must_use]
    pub fn covering(mut self, items: impl IntoIterator<Item = AssetId>) -> Self {
        self.covers.extend(items);
        self
    }

    /// Whether commands under this record may touch `id`: the record lists it, or lists no
    /// items at all.
    #[must_use]
    pub fn covers(&self, id: &AssetId) -> bool {
        self.covers.is_empty() || self.covers.contains(id)
    }

    /// Takes a step, recording who took it and when.
    ///
    /// # Errors
    /// [`IllegalChangeStep`] when the step does not lead on from the current state; the record
    /// is then unchanged.
    pub fn apply(
        &mut self,
        step: &ChangeStep,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<(), IllegalChangeStep> {
        let to = step.target();
        if !self.state.can_move_to(to) {
            return Err(IllegalChangeStep {
                change: self.id.clone(),
                from: self.state,
                to,
            });
        }
        self.state = to;
        if let ChangeStep::Evaluate { successful, .. } = step {
            self.successful = Some(*successful);
        }
        self.history.push(ChangeEvent {
            state: to,
            by: by.into(),
            at,
            note: step.note(),
        });
        Ok(())
    }

    /// Who requested the change.
    #[must_use]
    pub fn requested_by(&self) -> Option<&str> {
        self.history.first().map(|e| e.by.as_str())
    }

    /// The step that reached `state`, if the record has been there.
    #[must_use]
    pub fn event(&self, state: ChangeState) -> Option<&ChangeEvent> {
        self.history.iter().find(|e| e.state == state)
    }

    /// Whether commands may be executed under this record now.
    #[must_use]
    pub fn is_authorized(&self) -> bool {
        self.state == ChangeState::Authorized
    }
}

/// A step that does not lead on from a change record's current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("change `{change}` cannot go from {from} to {to}")]
pub struct IllegalChangeStep {
    /// The record.
    pub change: ChangeId,
    /// Its state.
    pub from: ChangeState,
    /// The state the step leads to.
    pub to: ChangeState,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0).unwrap()
    }

    fn evaluate() -> ChangeStep {
        ChangeStep::Evaluate {
            successful: true,
            note: "works".into(),
        }
    }

    #[test]
    fn the_happy_path_reaches_closed_with_history() {
        let mut c = ChangeRecord::request("CHG-1", "deploy", "alice", at(8));
        c.apply(&ChangeStep::Authorize, "bob", at(9)).unwrap();
        assert!(c.is_authorized());
        c.apply(&ChangeStep::Implement, "carol", at(10)).unwrap();
        assert!(!c.is_authorized());
        c.apply(&evaluate(), "bob", at(11)).unwrap();
        c.apply(&ChangeStep::Close, "bob", at(12)).unwrap();
        assert_eq!(c.state, ChangeState::Closed);
        assert!(c.state.is_final());
        assert_eq!(c.successful, Some(true));
        assert_eq!(c.requested_by(), Some("alice"));
        assert_eq!(c.event(ChangeState::Authorized).unwrap().by, "bob");
        assert_eq!(
            c.history.iter().map(|e| e.state).collect::<Vec<_>>(),
            [
                ChangeState::Requested,
                ChangeState::Authorized,
                ChangeState::Implemented,
                ChangeState::Evaluated,
                ChangeState::Closed
            ]
        );
        assert_eq!(
            c.event(ChangeState::Evaluated).unwrap().note.as_deref(),
            Some("works")
        );
    }

    #[test]
    fn rejection_is_possible_from_requested_and_authorized_only() {
        let reject = ChangeStep::Reject {
            reason: "too risky".into(),
        };
        let mut c = ChangeRecord::request("CHG-2", "x", "alice", at(8));
        c.apply(&reject, "bob", at(9)).unwrap();
        assert_eq!(c.state, ChangeState::Rejected);
        assert!(c.state.is_final());

        let mut c = ChangeRecord::request("CHG-3", "x", "alice", at(8));
        c.apply(&ChangeStep::Authorize, "bob", at(9)).unwrap();
        c.apply(&reject, "bob", at(10)).unwrap();
        assert_eq!(c.state, ChangeState::Rejected);

        let mut c = ChangeRecord::request("CHG-4", "x", "alice", at(8));
        c.apply(&ChangeStep::Authorize, "bob", at(9)).unwrap();
        c.apply(&ChangeStep::Implement, "bob", at(10)).unwrap();
        let err = c.apply(&reject, "bob", at(11)).unwrap_err();
        assert_eq!(
            err,
            IllegalChangeStep {
                change: ChangeId::new("CHG-4"),
                from: ChangeState::Implemented,
                to: ChangeState::Rejected
            }
        );
    }

    #[test]
    fn an_illegal_step_changes_nothing() {
        let steps = [
            ChangeStep::Implement,
            evaluate(),
            ChangeStep::Close,
            ChangeStep::Authorize,
        ];
        let mut c = ChangeRecord::request("CHG-5", "x", "alice", at(8));
        for step in &steps[..3] {
            let before = c.clone();
            let err = c.apply(step, "bob", at(9)).unwrap_err();
            assert_eq!(err.from, ChangeState::Requested);
            assert_eq!(err.to, step.target());
            assert_eq!(c, before);
        }
        c.apply(&ChangeStep::Authorize, "bob", at(9)).unwrap();
        assert!(c.apply(&ChangeStep::Authorize, "bob", at(9)).is_err());
    }

    #[test]
    fn every_pair_outside_the_table_is_refused() {
        let all = [
            ChangeState::Requested,
            ChangeState::Authorized,
            ChangeState::Implemented,
            ChangeState::Evaluated,
            ChangeState::Closed,
            ChangeState::Rejected,
        ];
        let mut allowed = 0;
        for from in all {
            for to in all {
                allowed += usize::from(from.can_move_to(to));
            }
        }
        assert_eq!(allowed, ChangeState::TRANSITIONS.len());
        assert!(!ChangeState::Closed.can_move_to(ChangeState::Requested));
    }

    #[test]
    fn json_form_is_stable() {
        let mut c = ChangeRecord::request("CHG-1", "deploy", "alice", at(8));
        c.apply(
            &ChangeStep::Reject {
                reason: "no budget".into(),
            },
            "bob",
            at(9),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({
                "id": "CHG-1",
                "summary": "deploy",
                "state": "rejected",
                "history": [
                    {"state": "requested", "by": "alice", "at": "2026-03-02T08:00:00Z"},
                    {"state": "rejected", "by": "bob", "at": "2026-03-02T09:00:00Z", "note": "no budget"}
                ]
            })
        );
        assert_eq!(
            serde_json::to_string(&evaluate()).unwrap(),
            r#"{"step":"evaluate","successful":true,"note":"works"}"#
        );
    }
}
