//! The audit trail: every authorization presented to the CMS and what became of it.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::nonconformity::{NcStep, NonconformityId};
use super::{AuthorityTable, CmsError, Command};
use crate::change::{ChangeId, ChangeStep};
use crate::id::AssetId;

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
///
/// Each entry carries a `hash` that commits to its content and to the previous entry's hash
/// (SHA-256; see [`AuditEntry::digest`]), so that an entry rewritten in the middle of a trail
/// breaks the chain from there on ([`Cms::verify_trail`](super::Cms::verify_trail)). A
/// rewrite that recomputes every later hash changes the last one, [`Cms::head`](super::Cms::head):
/// keep that outside the CMS (a ticket, a signed log) to detect it.
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
    /// The lowercase hex SHA-256 of the previous entry's hash and this entry's content.
    #[serde(default)]
    pub hash: String,
}

/// The hash the first entry of a trail chains from.
pub const GENESIS: &str = "";

impl AuditEntry {
    /// The hash this entry must carry when it follows an entry whose hash is `previous`
    /// ([`GENESIS`] for the first): the lowercase hex SHA-256 of `previous`, a zero byte, and
    /// the JSON form of the entry without its hash.
    #[must_use]
    pub fn digest(&self, previous: &str) -> String {
        use sha2::{Digest, Sha256};

        #[derive(Serialize)]
        struct Content<'a> {
            seq: u64,
            at: &'a DateTime<Utc>,
            by: &'a str,
            change: Option<&'a ChangeId>,
            event: &'a AuditEvent,
        }
        let mut hasher = Sha256::new();
        hasher.update(previous.as_bytes());
        hasher.update([0]);
        let content = Content {
            seq: self.seq,
            at: &self.at,
            by: &self.by,
            change: self.change.as_ref(),
            event: &self.event,
        };
        // These types always serialise (string keys, no fallible Serialize impls); were it
        // ever to fail part-way, the digest would still be the same on every replay.
        let _always_ok = serde_json::to_writer(&mut HashWriter(&mut hasher), &content);
        hasher
            .finalize()
            .iter()
            .fold(String::with_capacity(64), |mut hex, byte| {
                use fmt::Write as _;
                let _infallible = write!(hex, "{byte:02x}");
                hex
            })
    }

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

/// Feeds what serde_json writes into the hasher.
struct HashWriter<'a>(&'a mut sha2::Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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
        /// The configuration items the change covers (none: any item).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        covers: Vec<AssetId>,
    },
    /// The authority table was put in force (replacing any earlier one).
    AuthoritySet {
        /// The table.
        table: AuthorityTable,
    },
    /// A step was taken on a change record.
    ChangeStep {
        /// The step.
        step: ChangeStep,
    },
    /// A command was presented with its authorization (the entry's `by`, `change`, `at`).
    Submitted {
        /// The command (boxed: it is by far the largest event).
        command: Box<Command>,
        /// Whether a release under it asks the licence position ([`super::ReleaseGate`])
        /// instead of the DML pool.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        gated: bool,
    },
    /// A nonconformity record was opened for a finding (19770-1:2017 10.1).
    NonconformityOpened {
        /// The record's id.
        nonconformity: NonconformityId,
        /// The finding's rule.
        rule: String,
        /// Where the finding points.
        subject: String,
        /// The finding's message.
        summary: String,
    },
    /// A step was taken on a nonconformity record.
    NonconformityStep {
        /// The record's id.
        nonconformity: NonconformityId,
        /// The step.
        step: NcStep,
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
            Self::ChangeRequested { summary, covers } => {
                write!(f, "requests change: {summary}")?;
                if !covers.is_empty() {
                    let ids: Vec<&str> = covers.iter().map(AssetId::as_str).collect();
                    write!(f, " (covers {})", ids.join(", "))?;
                }
                Ok(())
            }
            Self::AuthoritySet { table } => {
                f.write_str("puts the authority table in force:")?;
                for (actor, duties) in table.actors() {
                    let duties: Vec<&str> = duties.iter().map(|d| d.as_str()).collect();
                    write!(f, " {actor}={}", duties.join("+"))?;
                }
                Ok(())
            }
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
            Self::Submitted { command, gated } => {
                write!(f, "submits: {command}")?;
                if *gated {
                    f.write_str(" (gated by the licence position)")?;
                }
                Ok(())
            }
            Self::NonconformityOpened {
                nonconformity,
                rule,
                subject,
                summary,
            } => write!(
                f,
                "opens nonconformity {nonconformity} for {rule} at {subject}: {summary}"
            ),
            Self::NonconformityStep {
                nonconformity,
                step,
            } => write!(f, "on nonconformity {nonconformity}, {step}"),
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
            hash: String::new(),
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
