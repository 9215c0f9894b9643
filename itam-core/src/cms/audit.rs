//! The audit trail: every authorization presented to the CMS and what became of it.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CmsError, Command};
use crate::change::{ChangeId, ChangeStep};

/// Who authorizes a command, under which change record, and when (ISO/IEC 19770-1:2017
/// 7.6.2). The time is the caller's: the library never reads a clock.
///
/// The JSON form is `{"by": "bob", "change": "CHG-1", "at": "2026-03-02T09:00:00Z"}`, with
/// `change` left out when there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    /// Who gives the authorization (and executes the command).
    pub by: String,
    /// The change record the command is made under; a command without one is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<ChangeId>,
    /// When.
    pub at: DateTime<Utc>,
}

impl Authorization {
    /// A command made by `by` under the change record `change`, at `at`.
    pub fn under(change: impl Into<ChangeId>, by: impl Into<String>, at: DateTime<Utc>) -> Self {
        Self {
            by: by.into(),
            change: Some(change.into()),
            at,
        }
    }

    /// A command made by `by` at `at` under no change record (the CMS will refuse it, and
    /// audit the refusal).
    pub fn without_change(by: impl Into<String>, at: DateTime<Utc>) -> Self {
        Self {
            by: by.into(),
            change: None,
            at,
        }
    }
}

/// One entry of the audit trail.
///
/// Every action adds two entries: first what was asked and on whose authority (a change
/// request, a change-record step, or a command; 7.6.2), then its outcome, executed or refused
/// with the reason (7.6.3). Entries are numbered from 1 and never change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The entry's number, from 1.
    pub seq: u64,
    /// When (the time of the authorization).
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// The change record concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<ChangeId>,
    /// What happened.
    pub event: AuditEvent,
}

impl AuditEntry {
    /// The authorization this entry carries.
    #[must_use]
    pub fn authorization(&self) -> Authorization {
        Authorization {
            by: self.by.clone(),
            change: self.change.clone(),
            at: self.at,
        }
    }
}

/// What an audit entry records. The JSON form is tagged by `event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditEvent {
    /// A change record was requested (the entry's `change` is its id).
    ChangeRequested {
        /// What the change is for.
        summary: String,
    },
    /// A step was taken on a change record.
    ChangeStep {
        /// The step.
        step: ChangeStep,
    },
    /// A command was presented with its authorization (the entry's `by`, `change`, `at`).
    Submitted {
        /// The command.
        command: Command,
    },
    /// The action of entry `of` was carried out.
    Executed {
        /// The entry whose action this is the outcome of.
        of: u64,
    },
    /// The action of entry `of` was refused and changed nothing.
    Refused {
        /// The entry whose action this is the outcome of.
        of: u64,
        /// Why.
        reason: CmsError,
    },
}

impl AuditEvent {
    /// Whether this is an outcome (executed or refused) rather than a request.
    #[must_use]
    pub const fn is_outcome(&self) -> bool {
        matches!(self, Self::Executed { .. } | Self::Refused { .. })
    }
}

impl fmt::Display for AuditEvent {
    /// What happened, as a phrase: `requests change: …`, `authorizes the change`,
    /// `submits: release DML-1 for HW-1 (1 licence)`, `=> executed #5`,
    /// `=> REFUSED #5: licence shortfall for …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ChangeRequested { summary } => write!(f, "requests change: {summary}"),
            Self::ChangeStep { step } => match step {
                ChangeStep::Authorize => f.write_str("authorizes the change"),
                ChangeStep::Reject { reason } => write!(f, "rejects the change: {reason}"),
                ChangeStep::Implement => f.write_str("marks the change implemented"),
                ChangeStep::Evaluate { successful, note } => write!(
                    f,
                    "evaluates the change as {}: {note}",
                    if *successful {
                        "successful"
                    } else {
                        "unsuccessful"
                    }
                ),
                ChangeStep::Close => f.write_str("closes the change"),
            },
            Self::Submitted { command } => write!(f, "submits: {command}"),
            Self::Executed { of } => write!(f, "=> executed #{of}"),
            Self::Refused { of, reason } => write!(f, "=> REFUSED #{of}: {reason}"),
        }
    }
}

impl fmt::Display for AuditEntry {
    /// One line: `#3 2026-03-02 09:05 bob [CHG-1] authorizes the change`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#{} {} {}",
            self.seq,
            self.at.format("%Y-%m-%d %H:%M"),
            self.by
        )?;
        if let Some(change) = &self.change {
            write!(f, " [{change}]")?;
        }
        write!(f, " {}", self.event)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::cms::CmsError;

    #[test]
    fn entries_read_as_one_line() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 5, 0).unwrap();
        let entry = AuditEntry {
            seq: 3,
            at,
            by: "bob".into(),
            change: Some("CHG-1".into()),
            event: AuditEvent::ChangeStep {
                step: ChangeStep::Authorize,
            },
        };
        assert_eq!(
            entry.to_string(),
            "#3 2026-03-02 09:05 bob [CHG-1] authorizes the change"
        );
        let refused = AuditEntry {
            seq: 6,
            change: None,
            event: AuditEvent::Refused {
                of: 5,
                reason: CmsError::NoChangeRecord,
            },
            ..entry
        };
        assert_eq!(
            refused.to_string(),
            "#6 2026-03-02 09:05 bob => REFUSED #5: no change record authorizes this command"
        );
        assert!(refused.event.is_outcome());
        assert_eq!(refused.authorization().change, None);
    }
}
