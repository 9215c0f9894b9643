//! The configuration management system: an in-memory store of configuration items changed only
//! through authorized commands, with an append-only audit trail.
//!
//! ISO/IEC 19770-1:2017 7.6 asks that changes to assets and to the records of them be
//! authorized (7.6.2) and that their execution be controlled and recorded (7.6.3). The [`Cms`]
//! holds the [`ConfigurationItem`]s, their [`Relationship`]s, the [`ChangeRecord`]s and the
//! definitive media library ([`Dml`]); nothing in it changes except through
//!
//! - [`Cms::request_change`] and [`Cms::advance_change`], which move change records through
//!   their life (requested → authorized → implemented → evaluated → closed, or rejected);
//! - [`Cms::execute`], which runs a [`Command`] under an [`Authorization`] (who, which change
//!   record, when). The change record must exist and be authorized;
//! - [`Cms::open_nonconformity`] and [`Cms::advance_nonconformity`], which follow a finding
//!   through corrective action to closure ([`nonconformity`], 19770-1:2017 10.1).
//!
//! Each of these appends two [`AuditEntry`]s to the trail: the request with its authorization,
//! then the outcome, executed or refused with a [`CmsError`]. A refused action changes nothing
//! else. Replaying the trail ([`Cms::replay`]) rebuilds the same store.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use itam_core::asset::{ConfigurationItem, HardwareDetails};
//! use itam_core::change::ChangeStep;
//! use itam_core::cms::{Authorization, Cms, CmsError, Command};
//!
//! let t = |h| Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap();
//! let server = ConfigurationItem::new("HW-1", "Web server", HardwareDetails::physical("R750", "S1"));
//!
//! let mut cms = Cms::new();
//! // Without an authorized change the command is refused, and the refusal is audited.
//! let refused = cms.execute(Authorization::without_change("carol", t(8)), Command::record(server.clone()));
//! assert_eq!(refused, Err(CmsError::NoChangeRecord));
//! assert!(cms.item("HW-1").is_none());
//!
//! cms.request_change("CHG-1", "record the web server", "carol", t(9)).unwrap();
//! cms.advance_change("CHG-1", ChangeStep::Authorize, "dave", t(10)).unwrap();
//! cms.execute(Authorization::under("CHG-1", "carol", t(11)), Command::record(server)).unwrap();
//! assert_eq!(cms.item("HW-1").unwrap().name, "Web server");
//! assert_eq!(cms.trail().len(), 8);
//! assert_eq!(Cms::replay(cms.trail()).unwrap(), cms);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::asset::{AssetClass, ConfigurationItem};
use crate::change::{ChangeId, ChangeRecord, ChangeState, ChangeStep};
use crate::diag::{Finding, Report};
use crate::dml::{Dml, DuplicateId, HardwareSpare, ReleaseRecord, SpareState};
use crate::id::AssetId;
use crate::lifecycle::LifecycleStage;
use crate::relationship::{Direction, End, Relationship, RelationshipKind};

mod audit;
mod authority;
mod command;
mod error;
mod gate;
pub mod nonconformity;
mod project;

pub use audit::{AuditEntry, AuditEvent, Authorization, GENESIS};
pub use authority::{AuthorityTable, Duty};
pub use command::Command;
pub use error::{CmsError, ReplayError};
pub use gate::{Exhausted, Open, PositionShortfall, ReleaseGate, ReleaseRequest};
pub use nonconformity::{NcState, NcStep, Nonconformity, NonconformityId};
pub use project::{Projection, Unprojected, project};

/// The configuration management system: configuration items, relationships, change records,
/// the definitive media library and the audit trail (ISO/IEC 19770-1:2017 7.6).
///
/// The JSON form is `{"items": [...], "relationships": [...], "changes": [...], "dml": {...},
/// "trail": [...]}`, each list sorted (the trail in order). A CMS read from JSON may break
/// referential integrity (a relationship to a missing item); [`Cms::check`] reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "CmsForm", into = "CmsForm")]
pub struct Cms {
    items: BTreeMap<AssetId, ConfigurationItem>,
    by_source: BTreeMap<AssetId, BTreeSet<Relationship>>,
    by_target: BTreeMap<AssetId, BTreeSet<Relationship>>,
    changes: BTreeMap<ChangeId, ChangeRecord>,
    dml: Dml,
    authority: Option<AuthorityTable>,
    nonconformities: BTreeMap<NonconformityId, Nonconformity>,
    trail: Vec<AuditEntry>,
}

impl Cms {
    /// An empty CMS.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    // ----- queries -----

    /// The item with this id.
    #[must_use]
    pub fn item(&self, id: &str) -> Option<&ConfigurationItem> {
        self.items.get(id)
    }

    /// Every item, by id.
    pub fn items(&self) -> impl Iterator<Item = &ConfigurationItem> {
        self.items.values()
    }

    /// The items of one class, by id.
    pub fn items_of(&self, class: AssetClass) -> impl Iterator<Item = &ConfigurationItem> {
        self.items.values().filter(move |i| i.kind.class() == class)
    }

    /// The items in one life-cycle stage, by id.
    pub fn items_in(&self, stage: LifecycleStage) -> impl Iterator<Item = &ConfigurationItem> {
        self.items.values().filter(move |i| i.stage == stage)
    }

    /// Every relationship, sorted by source, kind, target.
    pub fn relationships(&self) -> impl Iterator<Item = &Relationship> {
        self.by_source.values().flatten()
    }

    /// The relationships an item is the source of, sorted by kind and target.
    pub fn outgoing(&self, id: &str) -> impl Iterator<Item = &Relationship> {
        self.by_source.get(id).into_iter().flatten()
    }

    /// The relationships an item is the target of, sorted by source and kind.
    pub fn incoming(&self, id: &str) -> impl Iterator<Item = &Relationship> {
        self.by_target.get(id).into_iter().flatten()
    }

    /// The items related to `id` by relationships of `kind` in `direction`: for
    /// `(InstalledOn, Outgoing)` the machines the software is installed on, for
    /// `(InstalledOn, Incoming)` the software installed on the machine.
    pub fn related<'a>(
        &'a self,
        id: &'a str,
        kind: RelationshipKind,
        direction: Direction,
    ) -> impl Iterator<Item = &'a AssetId> + 'a {
        let (set, other): (_, fn(&Relationship) -> &AssetId) = match direction {
            Direction::Outgoing => (self.by_source.get(id), |r| &r.target),
            Direction::Incoming => (self.by_target.get(id), |r| &r.source),
        };
        set.into_iter()
            .flatten()
            .filter(move |r| r.kind == kind)
            .map(other)
    }

    /// Whether this exact relationship is recorded.
    #[must_use]
    pub fn has_relationship(&self, relationship: &Relationship) -> bool {
        self.by_source
            .get(&relationship.source)
            .is_some_and(|s| s.contains(relationship))
    }

    /// The change record with this id.
    #[must_use]
    pub fn change(&self, id: &str) -> Option<&ChangeRecord> {
        self.changes.get(id)
    }

    /// Every change record, by id.
    pub fn changes(&self) -> impl Iterator<Item = &ChangeRecord> {
        self.changes.values()
    }

    /// The definitive media library.
    #[must_use]
    pub fn dml(&self) -> &Dml {
        &self.dml
    }

    /// The audit trail, oldest first.
    #[must_use]
    pub fn trail(&self) -> &[AuditEntry] {
        &self.trail
    }

    /// The nonconformity record with this id.
    #[must_use]
    pub fn nonconformity(&self, id: &str) -> Option<&Nonconformity> {
        self.nonconformities.get(id)
    }

    /// Every nonconformity record, by id.
    pub fn nonconformities(&self) -> impl Iterator<Item = &Nonconformity> {
        self.nonconformities.values()
    }

    /// The authority table in force, if one has been set.
    #[must_use]
    pub fn authority(&self) -> Option<&AuthorityTable> {
        self.authority.as_ref()
    }

    /// The hash of the latest audit entry ([`GENESIS`] for an empty trail): it commits to the
    /// whole trail, so keeping it outside the CMS detects even a rewrite that recomputed every
    /// later hash.
    #[must_use]
    pub fn head(&self) -> &str {
        self.trail.last().map_or(GENESIS, |e| e.hash.as_str())
    }

    /// The data-quality findings for this CMS (see [`crate::quality`]).
    #[must_use]
    pub fn check(&self) -> Report {
        crate::quality::check(self)
    }

    // ----- authority -----

    /// Puts an authority table in force (replacing any earlier one) and audits it. From then
    /// on every request, step and command needs its [`Duty`] in the table, and every new change
    /// request must list the items it covers.
    ///
    /// # Errors
    /// [`CmsError::NoAuthorizer`] when `by` is blank; [`CmsError::NoAuthority`] when a table is
    /// already in force and `by` does not hold [`Duty::Administer`] in it. A refusal is audited
    /// and changes nothing else.
    pub fn set_authority(
        &mut self,
        table: AuthorityTable,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<(), CmsError> {
        let by = by.into();
        let seq = self.push(
            &by,
            None,
            at,
            AuditEvent::AuthoritySet {
                table: table.clone(),
            },
        );
        let outcome = self.check_duty(&by, Duty::Administer);
        if outcome.is_ok() {
            self.authority = Some(table);
        }
        self.push_outcome(seq, &by, None, at, outcome)
    }

    /// Blank `by`, or `by` without `duty` while a table is in force.
    fn check_duty(&self, by: &str, duty: Duty) -> Result<(), CmsError> {
        if by.trim().is_empty() {
            return Err(CmsError::NoAuthorizer);
        }
        match &self.authority {
            Some(table) if !table.may(by, duty) => Err(CmsError::NoAuthority {
                by: by.to_owned(),
                duty,
            }),
            _ => Ok(()),
        }
    }

    // ----- change records -----

    /// Records a new change request that names no items and audits it (see
    /// [`request_change_covering`](Self::request_change_covering)).
    ///
    /// # Errors
    /// As [`request_change_covering`](Self::request_change_covering).
    pub fn request_change(
        &mut self,
        id: impl Into<ChangeId>,
        summary: impl Into<String>,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<(), CmsError> {
        self.request_change_covering(id, summary, [], by, at)
    }

    /// Records a new change request covering `covers` (the configuration items commands under
    /// it may touch; none: any item) and audits it.
    ///
    /// # Errors
    /// [`CmsError::NoAuthorizer`] when `by` is blank, [`CmsError::NoAuthority`] when an
    /// authority table is in force and `by` may not [`Duty::Request`],
    /// [`CmsError::UnscopedChange`] when a table is in force and `covers` is empty,
    /// [`CmsError::DuplicateChange`] when the id is taken. A refusal is audited and changes
    /// nothing else.
    pub fn request_change_covering(
        &mut self,
        id: impl Into<ChangeId>,
        summary: impl Into<String>,
        covers: impl IntoIterator<Item = AssetId>,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<(), CmsError> {
        let id = id.into();
        let summary = summary.into();
        let by = by.into();
        let covers: BTreeSet<AssetId> = covers.into_iter().collect();
        let outcome = self.check_duty(&by, Duty::Request).and_then(|()| {
            if self.authority.is_some() && covers.is_empty() {
                Err(CmsError::UnscopedChange { change: id.clone() })
            } else if self.changes.contains_key(&id) {
                Err(CmsError::DuplicateChange { change: id.clone() })
            } else {
                Ok(())
            }
        });
        let seq = self.push(
            &by,
            Some(&id),
            at,
            AuditEvent::ChangeRequested {
                summary: summary.clone(),
                covers: covers.iter().cloned().collect(),
            },
        );
        if outcome.is_ok() {
            let record =
                ChangeRecord::request(id.clone(), summary, by.clone(), at).covering(covers);
            self.changes.insert(id.clone(), record);
        }
        self.push_outcome(seq, &by, Some(&id), at, outcome)
    }

    /// Takes a step on a change record (authorize, reject, implement, evaluate, close) and
    /// audits it.
    ///
    /// # Errors
    /// [`CmsError::NoAuthorizer`], [`CmsError::NoAuthority`] when an authority table is in
    /// force and `by` does not hold the step's duty ([`Duty::for_step`]),
    /// [`CmsError::UnknownChange`], [`CmsError::SelfApproval`] when the requester authorizes
    /// their own change, [`CmsError::StepBeforePrevious`] when the step is dated before the
    /// record's latest step, or [`CmsError::ChangeStep`] when the step does not follow from the
    /// record's state. A refusal is audited and changes nothing else.
    pub fn advance_change(
        &mut self,
        id: impl Into<ChangeId>,
        step: ChangeStep,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<(), CmsError> {
        let id = id.into();
        let by = by.into();
        let seq = self.push(
            &by,
            Some(&id),
            at,
            AuditEvent::ChangeStep { step: step.clone() },
        );
        let outcome = if let Err(refusal) = self.check_duty(&by, Duty::for_step(&step)) {
            Err(refusal)
        } else {
            match self.changes.get_mut(&id) {
                None => Err(CmsError::UnknownChange { change: id.clone() }),
                Some(record)
                    if step == ChangeStep::Authorize && record.requested_by() == Some(&*by) =>
                {
                    Err(CmsError::SelfApproval {
                        change: id.clone(),
                        by: by.clone(),
                    })
                }
                Some(record) => match record.history.last() {
                    Some(previous) if at < previous.at => Err(CmsError::StepBeforePrevious {
                        change: id.clone(),
                        at,
                        previous_at: previous.at,
                    }),
                    _ => record
                        .apply(&step, by.clone(), at)
                        .map_err(CmsError::ChangeStep),
                },
            }
        };
        self.push_outcome(seq, &by, Some(&id), at, outcome)
    }

    // ----- nonconformity and corrective action (19770-1:2017 10.1) -----

    /// Opens a nonconformity record for `finding` and audits it.
    ///
    /// # Errors
    /// [`CmsError::NoAuthorizer`], [`CmsError::NoAuthority`] when an authority table is in
    /// force and `by` may not [`Duty::Request`], [`CmsError::DuplicateNonconformity`] when the
    /// id is taken. A refusal is audited and changes nothing else.
    pub fn open_nonconformity(
        &mut self,
        id: impl Into<NonconformityId>,
        finding: &Finding,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<(), CmsError> {
        let by = by.into();
        let record = Nonconformity::open(id, finding, by.clone(), at);
        let seq = self.push(
            &by,
            None,
            at,
            AuditEvent::NonconformityOpened {
                nonconformity: record.id.clone(),
                rule: record.rule.clone(),
                subject: record.subject.clone(),
                summary: record.summary.clone(),
            },
        );
        let outcome = self
            .check_duty(&by, Duty::for_nonconformity(None))
            .and_then(|()| {
                if self.nonconformities.contains_key(&record.id) {
                    Err(CmsError::DuplicateNonconformity {
                        nonconformity: record.id.clone(),
                    })
                } else {
                    Ok(())
                }
            });
        if outcome.is_ok() {
            self.nonconformities.insert(record.id.clone(), record);
        }
        self.push_outcome(seq, &by, None, at, outcome)
    }

    /// Takes a step on a nonconformity record (act, verify, close) and audits it.
    ///
    /// # Errors
    /// [`CmsError::NoAuthorizer`], [`CmsError::NoAuthority`] when an authority table is in
    /// force and `by` does not hold the step's duty ([`Duty::for_nonconformity`]),
    /// [`CmsError::UnknownNonconformity`], [`CmsError::NonconformityUnexplained`] for an action
    /// or review that says nothing, [`CmsError::SelfVerification`] when whoever took the action
    /// verifies it, [`CmsError::NonconformityStepBeforePrevious`] when the step is dated before
    /// the record's latest step, [`CmsError::NonconformityStep`] when the step does not follow
    /// from the record's state. A refusal is audited and changes nothing else.
    pub fn advance_nonconformity(
        &mut self,
        id: impl Into<NonconformityId>,
        step: NcStep,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<(), CmsError> {
        let id = id.into();
        let by = by.into();
        let seq = self.push(
            &by,
            None,
            at,
            AuditEvent::NonconformityStep {
                nonconformity: id.clone(),
                step: step.clone(),
            },
        );
        let outcome = self
            .check_duty(&by, Duty::for_nonconformity(Some(&step)))
            .and_then(|()| self.take_nc_step(&id, step, &by, at));
        self.push_outcome(seq, &by, None, at, outcome)
    }

    fn take_nc_step(
        &mut self,
        id: &NonconformityId,
        step: NcStep,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), CmsError> {
        let record =
            self.nonconformities
                .get_mut(id)
                .ok_or_else(|| CmsError::UnknownNonconformity {
                    nonconformity: id.clone(),
                })?;
        let unexplained = match &step {
            NcStep::Act { action } => action.trim().is_empty(),
            NcStep::Verify { note, .. } => note.trim().is_empty(),
            NcStep::Close => false,
        };
        if unexplained {
            return Err(CmsError::NonconformityUnexplained {
                nonconformity: id.clone(),
            });
        }
        if matches!(step, NcStep::Verify { .. }) && record.acted_by() == Some(by) {
            return Err(CmsError::SelfVerification {
                nonconformity: id.clone(),
                by: by.to_owned(),
            });
        }
        let previous_at = record.last_at();
        if at < previous_at {
            return Err(CmsError::NonconformityStepBeforePrevious {
                nonconformity: id.clone(),
                at,
                previous_at,
            });
        }
        let name = step.name();
        record
            .apply(step, by.to_owned(), at)
            .map_err(|state| CmsError::NonconformityStep {
                nonconformity: id.clone(),
                state,
                step: name.to_owned(),
            })
    }

    // ----- commands -----

    /// Executes a command under an authorization, auditing the authorization and the outcome.
    /// Returns the sequence number of the audit entry that records the authorization.
    ///
    /// # Errors
    /// The reason for a refusal: first the authorization ([`CmsError::NoAuthorizer`],
    /// [`CmsError::NoAuthority`] when an authority table is in force and `by` does not hold
    /// the command's duty ([`Duty::for_command`]), [`CmsError::NoChangeRecord`],
    /// [`CmsError::UnknownChange`], [`CmsError::ChangeNotAuthorized`],
    /// [`CmsError::BeforeAuthorization`], [`CmsError::NotCovered`] when the command touches an
    /// item the change record does not cover), then what the command itself needs. A refused
    /// command changes nothing but the audit trail.
    pub fn execute(&mut self, auth: Authorization, command: Command) -> Result<u64, CmsError> {
        self.execute_with(auth, command, None)
    }

    /// Executes a command as [`execute`](Self::execute) does, but a release asks `gate` (the
    /// effective licence position) whether it fits instead of counting the definitive item's
    /// pool, which it leaves as it is; the [`ReleaseRecord`] says it was gated. The audit
    /// trail records that the command was gated, and a replay takes the gate's decision from
    /// the trail.
    ///
    /// # Errors
    /// As [`execute`](Self::execute), with [`CmsError::PositionShortfall`] in place of
    /// [`CmsError::LicenceShortfall`].
    pub fn execute_gated(
        &mut self,
        auth: Authorization,
        command: Command,
        gate: &dyn ReleaseGate,
    ) -> Result<u64, CmsError> {
        self.execute_with(auth, command, Some(gate))
    }

    fn execute_with(
        &mut self,
        auth: Authorization,
        command: Command,
        gate: Option<&dyn ReleaseGate>,
    ) -> Result<u64, CmsError> {
        let seq = self.push(
            &auth.by,
            auth.change.as_ref(),
            auth.at,
            AuditEvent::Submitted {
                command: Box::new(command.clone()),
                gated: gate.is_some(),
            },
        );
        let outcome = self
            .check_duty(&auth.by, Duty::for_command(&command))
            .and_then(|()| self.check_authorization(&auth))
            .and_then(|change| self.check_covered(&change, &command).map(|()| change))
            .and_then(|change| self.apply(&auth, change, seq, command, gate));
        self.push_outcome(seq, &auth.by, auth.change.as_ref(), auth.at, outcome)
            .map(|()| seq)
    }

    /// Rebuilds a CMS from an audit trail by running every request in it again, and checks
    /// that every outcome comes out as recorded.
    ///
    /// # Errors
    /// [`ReplayError`] naming the first entry that does not come out the same.
    pub fn replay(trail: &[AuditEntry]) -> Result<Self, ReplayError> {
        let mut cms = Self::new();
        for (index, entry) in trail.iter().enumerate() {
            // Outcomes are regenerated and compared below; refusals are expected, so the
            // results of the calls are not needed here.
            match &entry.event {
                AuditEvent::ChangeRequested { summary, covers } => {
                    let change = entry
                        .change
                        .clone()
                        .ok_or(ReplayError::MissingChange { seq: entry.seq })?;
                    let _refused = cms.request_change_covering(
                        change,
                        summary.clone(),
                        covers.iter().cloned(),
                        &*entry.by,
                        entry.at,
                    );
                }
                AuditEvent::AuthoritySet { table } => {
                    let _refused = cms.set_authority(table.clone(), &*entry.by, entry.at);
                }
                AuditEvent::ChangeStep { step } => {
                    let change = entry
                        .change
                        .clone()
                        .ok_or(ReplayError::MissingChange { seq: entry.seq })?;
                    let _refused = cms.advance_change(change, step.clone(), &*entry.by, entry.at);
                }
                AuditEvent::Submitted { command, gated } => {
                    let _refused = if *gated {
                        let recorded = match trail.get(index + 1).map(|e| &e.event) {
                            Some(AuditEvent::Refused {
                                reason: CmsError::PositionShortfall { shortfall, .. },
                                ..
                            }) => Some(shortfall.as_ref().clone()),
                            _ => None,
                        };
                        cms.execute_gated(
                            entry.authorization(),
                            command.as_ref().clone(),
                            &gate::Recorded(recorded),
                        )
                    } else {
                        cms.execute(entry.authorization(), command.as_ref().clone())
                    };
                }
                AuditEvent::NonconformityOpened {
                    nonconformity,
                    rule,
                    subject,
                    summary,
                } => {
                    let finding = Finding::new(
                        rule.clone(),
                        crate::diag::Severity::Info,
                        crate::diag::Location::path(subject.clone()),
                        summary.clone(),
                    );
                    let _refused = cms.open_nonconformity(
                        nonconformity.clone(),
                        &finding,
                        &*entry.by,
                        entry.at,
                    );
                }
                AuditEvent::NonconformityStep {
                    nonconformity,
                    step,
                } => {
                    let _refused = cms.advance_nonconformity(
                        nonconformity.clone(),
                        step.clone(),
                        &*entry.by,
                        entry.at,
                    );
                }
                AuditEvent::Executed { .. } | AuditEvent::Refused { .. } => {}
            }
        }
        if cms.trail == trail {
            return Ok(cms);
        }
        let seq = cms
            .trail
            .iter()
            .zip(trail)
            .find(|(a, b)| a != b)
            .map_or_else(
                || trail.len().min(cms.trail.len()) as u64 + 1,
                |(_, b)| b.seq,
            );
        Err(ReplayError::Diverged { seq })
    }

    /// Checks that this CMS is exactly what its own audit trail rebuilds: useful for a CMS read
    /// from JSON, whose items, relationships, change records, library or trail may have been
    /// edited without a command.
    ///
    /// # Errors
    /// [`ReplayError::BrokenChain`] naming the first entry whose hash does not commit to its
    /// content and its predecessor (an entry rewritten, inserted or removed), another
    /// [`ReplayError`] when the trail does not replay as recorded, or
    /// [`ReplayError::StoreDiffers`] naming the first part of the store that differs.
    pub fn verify_trail(&self) -> Result<(), ReplayError> {
        verify_chain(&self.trail)?;
        let rebuilt = Self::replay(&self.trail)?;
        let part = if rebuilt.items != self.items {
            "items"
        } else if rebuilt.by_source != self.by_source || rebuilt.by_target != self.by_target {
            "relationships"
        } else if rebuilt.changes != self.changes {
            "changes"
        } else if rebuilt.dml != self.dml {
            "dml"
        } else if rebuilt.authority != self.authority {
            "authority"
        } else if rebuilt.nonconformities != self.nonconformities {
            "nonconformities"
        } else {
            return Ok(());
        };
        Err(ReplayError::StoreDiffers { part })
    }

    fn push(
        &mut self,
        by: &str,
        change: Option<&ChangeId>,
        at: DateTime<Utc>,
        event: AuditEvent,
    ) -> u64 {
        let seq = self.trail.len() as u64 + 1;
        let mut entry = AuditEntry {
            seq,
            at,
            by: by.to_owned(),
            change: change.cloned(),
            event,
            hash: String::new(),
        };
        entry.hash = entry.digest(self.head());
        self.trail.push(entry);
        seq
    }

    fn push_outcome(
        &mut self,
        of: u64,
        by: &str,
        change: Option<&ChangeId>,
        at: DateTime<Utc>,
        outcome: Result<(), CmsError>,
    ) -> Result<(), CmsError> {
        let event = match &outcome {
            Ok(()) => AuditEvent::Executed { of },
            Err(reason) => AuditEvent::Refused {
                of,
                reason: reason.clone(),
            },
        };
        self.push(by, change, at, event);
        outcome
    }

    /// The authorized change record's id, or why there is none.
    fn check_authorization(&self, auth: &Authorization) -> Result<ChangeId, CmsError> {
        if auth.by.trim().is_empty() {
            return Err(CmsError::NoAuthorizer);
        }
        let change = auth.change.as_ref().ok_or(CmsError::NoChangeRecord)?;
        let record = self
            .changes
            .get(change)
            .ok_or_else(|| CmsError::UnknownChange {
                change: change.clone(),
            })?;
        if record.state != ChangeState::Authorized {
            return Err(CmsError::ChangeNotAuthorized {
                change: change.clone(),
                state: record.state,
            });
        }
        if let Some(authorized) = record.event(ChangeState::Authorized) {
            if auth.at < authorized.at {
                return Err(CmsError::BeforeAuthorization {
                    change: change.clone(),
                    at: auth.at,
                    authorized_at: authorized.at,
                });
            }
        }
        Ok(change.clone())
    }

    /// Checks a command completely, then carries it out; on error nothing has changed.
    fn apply(
        &mut self,
        auth: &Authorization,
        change: ChangeId,
        seq: u64,
        command: Command,
        gate: Option<&dyn ReleaseGate>,
    ) -> Result<(), CmsError> {
        match command {
            Command::RecordItem { item } => {
                if let Some(problem) = item.id.problems().first().map(ToString::to_string) {
                    return Err(CmsError::InvalidId {
                        id: item.id,
                        problem,
                    });
                }
                if self.items.contains_key(&item.id) {
                    return Err(CmsError::DuplicateItem { id: item.id });
                }
                self.items.insert(item.id.clone(), item);
            }
            Command::UpdateItem { item } => {
                let current = self.require(&item.id)?;
                if current.kind.class() != item.kind.class() {
                    return Err(CmsError::ClassChange {
                        id: item.id.clone(),
                        from: current.kind.class(),
                        to: item.kind.class(),
                    });
                }
                if current.stage != item.stage {
                    return Err(CmsError::StageChangeByUpdate {
                        id: item.id.clone(),
                        current: current.stage,
                        requested: item.stage,
                    });
                }
                for rel in self
                    .outgoing(item.id.as_str())
                    .chain(self.incoming(item.id.as_str()))
                {
                    let source = if rel.source == item.id {
                        Some(&item)
                    } else {
                        self.items.get(&rel.source)
                    };
                    let target = if rel.target == item.id {
                        Some(&item)
                    } else {
                        self.items.get(&rel.target)
                    };
                    if let (Some(s), Some(t)) = (source, target) {
                        rel.kind.check_ends(&s.kind, &t.kind).map_err(|mismatch| {
                            CmsError::KindMismatch {
                                relationship: rel.clone(),
                                mismatch,
                            }
                        })?;
                    }
                }
                self.items.insert(item.id.clone(), item);
            }
            Command::MoveStage { id, to } => {
                let stage = self.check_move(&id, to)?;
                self.set_stage(&id, stage);
            }
            Command::Relate { relationship } => {
                self.check_relationship(&relationship)?;
                if self.has_relationship(&relationship) {
                    return Err(CmsError::DuplicateRelationship { relationship });
                }
                self.insert_relationship(relationship);
            }
            Command::Unrelate { relationship } => {
                if !self.has_relationship(&relationship) {
                    return Err(CmsError::UnknownRelationship { relationship });
                }
                self.remove_relationship(&relationship);
            }
            Command::CheckIn { item } => {
                if self.dml.items.contains_key(&item.id) {
                    return Err(CmsError::DuplicateDefinitiveItem { item: item.id });
                }
                let software = self.require_class(&item.software, AssetClass::Software)?;
                if let Some(sw) = software.software() {
                    if item.version.precedence(&sw.version) != Some(std::cmp::Ordering::Equal) {
                        return Err(CmsError::VersionMismatch {
                            item: item.id,
                            software: item.software,
                            media_version: item.version.value,
                            software_version: sw.version.value.clone(),
                        });
                    }
                }
                if item.licences.free > item.licences.total {
                    return Err(CmsError::InvalidPool {
                        item: item.id,
                        total: item.licences.total,
                        free: item.licences.free,
                    });
                }
                self.dml.items.insert(item.id.clone(), item);
            }
            Command::Release { item, quantity, to } => {
                let definitive = self
                    .dml
                    .items
                    .get(&item)
                    .ok_or_else(|| CmsError::UnknownDefinitiveItem { item: item.clone() })?;
                if quantity == 0 {
                    return Err(CmsError::ZeroQuantity { item });
                }
                let software = self.require_class(&definitive.software, AssetClass::Software)?;
                if software.stage.is_retired() {
                    return Err(CmsError::Retired {
                        id: software.id.clone(),
                    });
                }
                let target = self.require(&to)?;
                if target.stage.is_retired() {
                    return Err(CmsError::Retired { id: to });
                }
                let relationship = Relationship::new(
                    software.id.clone(),
                    RelationshipKind::InstalledOn,
                    to.clone(),
                );
                RelationshipKind::InstalledOn
                    .check_ends(&software.kind, &target.kind)
                    .map_err(|mismatch| CmsError::KindMismatch {
                        relationship,
                        mismatch,
                    })?;
                if let Some(gate) = gate {
                    let request = ReleaseRequest {
                        software,
                        to: &to,
                        quantity,
                    };
                    gate.check_release(self, request).map_err(|shortfall| {
                        CmsError::PositionShortfall {
                            item: item.clone(),
                            software: software.id.clone(),
                            to: to.clone(),
                            shortfall: Box::new(shortfall),
                        }
                    })?;
                } else if definitive.licences.free < quantity {
                    return Err(CmsError::LicenceShortfall {
                        item,
                        needed: quantity,
                        free: definitive.licences.free,
                    });
                }
                let record = ReleaseRecord {
                    number: self.dml.releases.len() as u64 + 1,
                    item: item.clone(),
                    software: definitive.software.clone(),
                    version: definitive.version.clone(),
                    quantity,
                    to,
                    change,
                    by: auth.by.clone(),
                    at: auth.at,
                    audit: seq,
                    gated: gate.is_some(),
                };
                if gate.is_none() {
                    if let Some(d) = self.dml.items.get_mut(&item) {
                        d.licences.free -= quantity;
                    }
                }
                self.dml.releases.push(record);
            }
            Command::StoreSpare {
                spare,
                storage_location,
            } => {
                let ci = self.require_class(&spare, AssetClass::Hardware)?;
                if ci.stage.is_retired() {
                    return Err(CmsError::Retired { id: spare });
                }
                if self.dml.spares.contains_key(&spare) {
                    return Err(CmsError::DuplicateSpare { spare });
                }
                self.dml.spares.insert(
                    spare.clone(),
                    HardwareSpare {
                        item: spare,
                        storage_location,
                        state: SpareState::InStore,
                    },
                );
            }
            Command::CheckOutSpare { spare, replaces } => {
                self.check_spare_in_store(&spare)?;
                if spare == replaces {
                    return Err(CmsError::SpareReplacesItself { spare });
                }
                let spare_ci = self.require_class(&spare, AssetClass::Hardware)?;
                let live_ci = self.require_class(&replaces, AssetClass::Hardware)?;
                if live_ci.stage.is_retired() {
                    return Err(CmsError::Retired { id: replaces });
                }
                check_spare_matches(spare_ci, live_ci)?;
                let stage = self.check_move(&spare, LifecycleStage::Deployment)?;
                self.set_stage(&spare, stage);
                if let Some(s) = self.dml.spares.get_mut(&spare) {
                    s.state = SpareState::CheckedOut { replaces, change };
                }
            }
            Command::ReturnSpare { spare } => {
                let held = self
                    .dml
                    .spares
                    .get(&spare)
                    .ok_or_else(|| CmsError::UnknownSpare {
                        spare: spare.clone(),
                    })?;
                if held.is_in_store() {
                    return Err(CmsError::SpareNotCheckedOut { spare });
                }
                let stage = self.check_move(&spare, LifecycleStage::Release)?;
                self.set_stage(&spare, stage);
                if let Some(s) = self.dml.spares.get_mut(&spare) {
                    s.state = SpareState::InStore;
                }
            }
        }
        Ok(())
    }

    /// Every item `command` touches is covered by the change record `change`.
    fn check_covered(&self, change: &ChangeId, command: &Command) -> Result<(), CmsError> {
        let Some(record) = self.changes.get(change) else {
            return Ok(());
        };
        let released_software = match command {
            Command::Release { item, .. } => self.dml.items.get(item).map(|d| &d.software),
            _ => None,
        };
        let touched = command.items().into_iter().chain(released_software);
        for id in touched {
            if !record.covers(id) {
                return Err(CmsError::NotCovered {
                    change: change.clone(),
                    id: id.clone(),
                });
            }
        }
        Ok(())
    }

    fn require(&self, id: &AssetId) -> Result<&ConfigurationItem, CmsError> {
        self.items
            .get(id)
            .ok_or_else(|| CmsError::UnknownItem { id: id.clone() })
    }

    fn require_class(
        &self,
        id: &AssetId,
        class: AssetClass,
    ) -> Result<&ConfigurationItem, CmsError> {
        let item = self.require(id)?;
        if item.kind.class() == class {
            Ok(item)
        } else {
            Err(CmsError::WrongClass {
                id: id.clone(),
                expected: class,
                found: item.kind.class(),
            })
        }
    }

    fn check_move(&self, id: &AssetId, to: LifecycleStage) -> Result<LifecycleStage, CmsError> {
        self.require(id)?
            .stage
            .move_to(to)
            .map_err(|transition| CmsError::Lifecycle {
                id: id.clone(),
                transition,
            })
    }

    fn set_stage(&mut self, id: &AssetId, stage: LifecycleStage) {
        if let Some(item) = self.items.get_mut(id) {
            item.stage = stage;
        }
    }

    fn check_spare_in_store(&self, spare: &AssetId) -> Result<(), CmsError> {
        match self.dml.spares.get(spare).map(|s| &s.state) {
            None => Err(CmsError::UnknownSpare {
                spare: spare.clone(),
            }),
            Some(SpareState::InStore) => Ok(()),
            Some(SpareState::CheckedOut { replaces, .. }) => Err(CmsError::SpareNotInStore {
                spare: spare.clone(),
                replaces: replaces.clone(),
            }),
        }
    }

    fn check_relationship(&self, relationship: &Relationship) -> Result<(), CmsError> {
        if relationship.source == relationship.target {
            return Err(CmsError::SelfRelationship {
                relationship: relationship.clone(),
            });
        }
        let end = |end: End, id: &AssetId| {
            self.items.get(id).ok_or_else(|| CmsError::MissingEndpoint {
                relationship: relationship.clone(),
                end,
                id: id.clone(),
            })
        };
        let source = end(End::Source, &relationship.source)?;
        let target = end(End::Target, &relationship.target)?;
        relationship
            .kind
            .check_ends(&source.kind, &target.kind)
            .map_err(|mismatch| CmsError::KindMismatch {
                relationship: relationship.clone(),
                mismatch,
            })
    }

    fn insert_relationship(&mut self, relationship: Relationship) {
        self.by_target
            .entry(relationship.target.clone())
            .or_default()
            .insert(relationship.clone());
        self.by_source
            .entry(relationship.source.clone())
            .or_default()
            .insert(relationship);
    }

    fn remove_relationship(&mut self, relationship: &Relationship) {
        for (index, key) in [
            (&mut self.by_source, &relationship.source),
            (&mut self.by_target, &relationship.target),
        ] {
            if let Some(set) = index.get_mut(key) {
                set.remove(relationship);
                if set.is_empty() {
                    index.remove(key);
                }
            }
        }
    }
}

/// Checks that every entry's hash commits to its content and the previous entry's hash.
///
/// # Errors
/// [`ReplayError::BrokenChain`] naming the first entry that does not.
pub fn verify_chain(trail: &[AuditEntry]) -> Result<(), ReplayError> {
    let mut previous = GENESIS;
    for entry in trail {
        if entry.hash != entry.digest(previous) {
            return Err(ReplayError::BrokenChain { seq: entry.seq });
        }
        previous = &entry.hash;
    }
    Ok(())
}

/// Checks that a spare has the live item's model and build level (both must be known).
fn check_spare_matches(
    spare: &ConfigurationItem,
    live: &ConfigurationItem,
) -> Result<(), CmsError> {
    let (Some(s), Some(l)) = (spare.hardware(), live.hardware()) else {
        return Ok(());
    };
    for (attribute, spare_value, live_value) in [
        ("model", &s.model, &l.model),
        ("build level", &s.build_level, &l.build_level),
    ] {
        if spare_value.is_none() || spare_value != live_value {
            return Err(CmsError::SpareMismatch {
                spare: spare.id.clone(),
                live: live.id.clone(),
                attribute: attribute.to_owned(),
                spare_value: spare_value.clone(),
                live_value: live_value.clone(),
            });
        }
    }
    Ok(())
}

/// The serialised form of a [`Cms`].
#[derive(Serialize, Deserialize)]
struct CmsForm {
    #[serde(default)]
    items: Vec<ConfigurationItem>,
    #[serde(default)]
    relationships: Vec<Relationship>,
    #[serde(default)]
    changes: Vec<ChangeRecord>,
    #[serde(default)]
    dml: Dml,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    authority: Option<AuthorityTable>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    nonconformities: Vec<Nonconformity>,
    #[serde(default)]
    trail: Vec<AuditEntry>,
}

impl TryFrom<CmsForm> for Cms {
    type Error = DuplicateId;

    fn try_from(form: CmsForm) -> Result<Self, Self::Error> {
        let mut cms = Self {
            dml: form.dml,
            authority: form.authority,
            trail: form.trail,
            ..Self::default()
        };
        for item in form.items {
            if let Some(dup) = cms.items.insert(item.id.clone(), item) {
                return Err(DuplicateId::new("configuration item", dup.id.as_str()));
            }
        }
        for change in form.changes {
            if let Some(dup) = cms.changes.insert(change.id.clone(), change) {
                return Err(DuplicateId::new("change record", dup.id.as_str()));
            }
        }
        for record in form.nonconformities {
            if let Some(dup) = cms.nonconformities.insert(record.id.clone(), record) {
                return Err(DuplicateId::new("nonconformity", dup.id.as_str()));
            }
        }
        for relationship in form.relationships {
            if cms.has_relationship(&relationship) {
                return Err(DuplicateId::new("relationship", &relationship.to_string()));
            }
            cms.insert_relationship(relationship);
        }
        Ok(cms)
    }
}

impl From<Cms> for CmsForm {
    fn from(cms: Cms) -> Self {
        Self {
            relationships: cms.by_source.into_values().flatten().collect(),
            items: cms.items.into_values().collect(),
            changes: cms.changes.into_values().collect(),
            dml: cms.dml,
            authority: cms.authority,
            nonconformities: cms.nonconformities.into_values().collect(),
            trail: cms.trail,
        }
    }
}

#[cfg(test)]
mod tests;
