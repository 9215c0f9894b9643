//! Why the CMS refused a command or a change-record step.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::nonconformity::{NcState, NonconformityId};
use super::{Duty, PositionShortfall};
use crate::asset::AssetClass;
use crate::change::{ChangeId, ChangeState, IllegalChangeStep};
use crate::dml::DmlId;
use crate::id::AssetId;
use crate::lifecycle::{IllegalTransition, LifecycleStage};
use crate::relationship::{End, KindMismatch, Relationship};

/// Why the CMS refused a command or a change-record step. A refused action changes nothing but
/// the audit trail, which records the refusal with this reason.
///
/// The JSON form is tagged by `refusal`: `{"refusal": "licence_shortfall", "item": "DML-1",
/// "needed": 3, "free": 2}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "refusal", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CmsError {
    // --- authorization (19770-1:2017 7.6.2) ---
    /// The authorization names nobody.
    #[error("the authorization does not say who gives it")]
    NoAuthorizer,
    /// The command names no change record.
    #[error("no change record authorizes this command")]
    NoChangeRecord,
    /// The change record named is not in the CMS.
    #[error("change `{change}` is not recorded")]
    UnknownChange {
        /// The change record named.
        change: ChangeId,
    },
    /// The change record is not (or no longer) authorized.
    #[error("change `{change}` is {state}, not authorized")]
    ChangeNotAuthorized {
        /// The change record named.
        change: ChangeId,
        /// Its state.
        state: ChangeState,
    },
    /// The command's time is earlier than the authorization of its change record: execution
    /// cannot precede authorization.
    #[error("change `{change}` was authorized at {authorized_at}, after this command's time {at}")]
    BeforeAuthorization {
        /// The change record named.
        change: ChangeId,
        /// The command's time.
        at: DateTime<Utc>,
        /// When the change was authorized.
        authorized_at: DateTime<Utc>,
    },
    /// A change-record step dated before the record's previous step.
    #[error(
        "a step on change `{change}` at {at} cannot precede its previous step at {previous_at}"
    )]
    StepBeforePrevious {
        /// The change record.
        change: ChangeId,
        /// The step's time.
        at: DateTime<Utc>,
        /// The time of the record's latest step.
        previous_at: DateTime<Utc>,
    },
    /// A change record with this id already exists.
    #[error("change `{change}` is already recorded")]
    DuplicateChange {
        /// The id.
        change: ChangeId,
    },
    /// A change-record step that does not follow from the record's state.
    #[error(transparent)]
    ChangeStep(IllegalChangeStep),
    /// The person who requested a change tried to authorize it (separation of duties).
    #[error("`{by}` requested change `{change}` and cannot also authorize it")]
    SelfApproval {
        /// The change record.
        change: ChangeId,
        /// Who requested it and tried to authorize it.
        by: String,
    },
    // --- nonconformity and corrective action (19770-1:2017 10.1) ---
    /// The nonconformity named is not recorded.
    #[error("nonconformity `{nonconformity}` is not recorded")]
    UnknownNonconformity {
        /// The record named.
        nonconformity: NonconformityId,
    },
    /// A nonconformity with this id is already recorded.
    #[error("nonconformity `{nonconformity}` is already recorded")]
    DuplicateNonconformity {
        /// The id.
        nonconformity: NonconformityId,
    },
    /// The step does not follow from the record's state (verify before any action, close
    /// before verification, any step on a closed record).
    #[error("nonconformity `{nonconformity}` is {state}: `{step}` does not follow")]
    NonconformityStep {
        /// The record.
        nonconformity: NonconformityId,
        /// Its state.
        state: NcState,
        /// The step tried (`act`, `verify`, `close`).
        step: String,
    },
    /// A corrective action with no description, or a review with no note.
    #[error("a step on nonconformity `{nonconformity}` must say what was done or found")]
    NonconformityUnexplained {
        /// The record.
        nonconformity: NonconformityId,
    },
    /// The person who took the corrective action tried to verify it (an action is reviewed by
    /// someone else).
    #[error("`{by}` took the action on nonconformity `{nonconformity}` and cannot also verify it")]
    SelfVerification {
        /// The record.
        nonconformity: NonconformityId,
        /// Who acted and tried to verify.
        by: String,
    },
    /// A nonconformity step dated before the record's previous step.
    #[error(
        "a step on nonconformity `{nonconformity}` at {at} cannot precede its previous step at {previous_at}"
    )]
    NonconformityStepBeforePrevious {
        /// The record.
        nonconformity: NonconformityId,
        /// The step's time.
        at: DateTime<Utc>,
        /// The previous step's time.
        previous_at: DateTime<Utc>,
    },
    /// The actor does not hold the duty the action needs in the authority table.
    #[error("`{by}` does not hold the `{duty}` duty in the authority table")]
    NoAuthority {
        /// Who tried.
        by: String,
        /// The duty the action needs.
        duty: Duty,
    },
    /// The command touches a configuration item its change record does not list.
    #[error("change `{change}` does not cover `{id}`")]
    NotCovered {
        /// The change record named.
        change: ChangeId,
        /// The item the command touches.
        id: AssetId,
    },
    /// The effective licence position has no room for a gated release.
    #[error("releasing `{item}` to `{to}` is refused by the licence position: {shortfall}")]
    PositionShortfall {
        /// The definitive item.
        item: DmlId,
        /// Its software CI.
        software: AssetId,
        /// The machine it was to be released for.
        to: AssetId,
        /// What the position says.
        shortfall: Box<PositionShortfall>,
    },
    /// With an authority table in force, a change request must list the items it covers.
    #[error("change `{change}` lists no configuration items it covers")]
    UnscopedChange {
        /// The change record requested.
        change: ChangeId,
    },

    // --- configuration items ---
    /// The id is blank, padded with whitespace, or holds a control character.
    #[error("`{id}` is not a usable id: {problem}")]
    InvalidId {
        /// The id.
        id: AssetId,
        /// What is wrong with it.
        problem: String,
    },
    /// No configuration item has this id.
    #[error("configuration item `{id}` is not recorded")]
    UnknownItem {
        /// The id.
        id: AssetId,
    },
    /// A configuration item with this id already exists.
    #[error("configuration item `{id}` is already recorded")]
    DuplicateItem {
        /// The id.
        id: AssetId,
    },
    /// An item is of the wrong class for the command.
    #[error("configuration item `{id}` is {found}, not {expected}")]
    WrongClass {
        /// The item.
        id: AssetId,
        /// The class the command needs.
        expected: AssetClass,
        /// The item's class.
        found: AssetClass,
    },
    /// An update tried to change an item's class.
    #[error("configuration item `{id}` cannot change from {from} to {to}; record a new item")]
    ClassChange {
        /// The item.
        id: AssetId,
        /// Its class.
        from: AssetClass,
        /// The class asked for.
        to: AssetClass,
    },
    /// An update tried to change an item's life-cycle stage; stages change through
    /// [`Command::MoveStage`](super::Command::MoveStage), which checks the transition.
    #[error("configuration item `{id}` is in {current}; use a stage move to go to {requested}")]
    StageChangeByUpdate {
        /// The item.
        id: AssetId,
        /// Its stage.
        current: LifecycleStage,
        /// The stage the update carried.
        requested: LifecycleStage,
    },
    /// A life-cycle move the transition table does not allow.
    #[error("configuration item `{id}`: {transition}")]
    Lifecycle {
        /// The item.
        id: AssetId,
        /// The refused move.
        transition: IllegalTransition,
    },
    /// The item is retired and cannot be used by the command.
    #[error("configuration item `{id}` is retired")]
    Retired {
        /// The item.
        id: AssetId,
    },

    // --- relationships ---
    /// One end of a relationship is not recorded (referential integrity).
    #[error("cannot record `{relationship}`: its {end} `{id}` is not recorded")]
    MissingEndpoint {
        /// The relationship.
        relationship: Relationship,
        /// Which end is missing.
        end: End,
        /// The missing item's id.
        id: AssetId,
    },
    /// One end of a relationship is of a kind the relationship cannot join.
    #[error("cannot record `{relationship}`: {mismatch}")]
    KindMismatch {
        /// The relationship.
        relationship: Relationship,
        /// What does not fit.
        mismatch: KindMismatch,
    },
    /// A relationship from an item to itself.
    #[error("cannot record `{relationship}`: an item cannot be related to itself")]
    SelfRelationship {
        /// The relationship.
        relationship: Relationship,
    },
    /// The relationship is already recorded.
    #[error("`{relationship}` is already recorded")]
    DuplicateRelationship {
        /// The relationship.
        relationship: Relationship,
    },
    /// The relationship to remove is not recorded.
    #[error("`{relationship}` is not recorded")]
    UnknownRelationship {
        /// The relationship.
        relationship: Relationship,
    },

    // --- definitive media library ---
    /// No definitive item has this id.
    #[error("definitive item `{item}` is not in the library")]
    UnknownDefinitiveItem {
        /// The id.
        item: DmlId,
    },
    /// A definitive item with this id is already in the library.
    #[error("definitive item `{item}` is already in the library")]
    DuplicateDefinitiveItem {
        /// The id.
        item: DmlId,
    },
    /// A licence pool with more free licences than licences in total.
    #[error("definitive item `{item}` cannot have {free} free licences out of {total}")]
    InvalidPool {
        /// The item.
        item: DmlId,
        /// The total given.
        total: u32,
        /// The free count given.
        free: u32,
    },
    /// The definitive media's version is not the version of its software CI.
    #[error(
        "definitive item `{item}` holds version {media_version} but `{software}` is version {software_version}"
    )]
    VersionMismatch {
        /// The definitive item.
        item: DmlId,
        /// Its software CI.
        software: AssetId,
        /// The media's version.
        media_version: String,
        /// The software CI's version.
        software_version: String,
    },
    /// A release of no licences.
    #[error("a release of `{item}` must take at least one licence")]
    ZeroQuantity {
        /// The item.
        item: DmlId,
    },
    /// Not enough free licences for the release.
    #[error("licence shortfall for `{item}`: {needed} needed, {free} free")]
    LicenceShortfall {
        /// The item.
        item: DmlId,
        /// How many the release needs.
        needed: u32,
        /// How many are free.
        free: u32,
    },

    // --- hardware spares ---
    /// No spare has this CI id.
    #[error("`{spare}` is not a spare in the store")]
    UnknownSpare {
        /// The spare's CI id.
        spare: AssetId,
    },
    /// The item is already kept as a spare.
    #[error("`{spare}` is already a spare")]
    DuplicateSpare {
        /// The spare's CI id.
        spare: AssetId,
    },
    /// The spare is checked out.
    #[error("spare `{spare}` is checked out (replacing `{replaces}`)")]
    SpareNotInStore {
        /// The spare's CI id.
        spare: AssetId,
        /// The item it replaces.
        replaces: AssetId,
    },
    /// A spare named as the item it replaces.
    #[error("spare `{spare}` cannot replace itself")]
    SpareReplacesItself {
        /// The spare's CI id.
        spare: AssetId,
    },
    /// The spare is in the store, so it cannot be returned.
    #[error("spare `{spare}` is already in the store")]
    SpareNotCheckedOut {
        /// The spare's CI id.
        spare: AssetId,
    },
    /// The spare's model or build level differs from the live item's.
    #[error(
        "spare `{spare}` cannot replace `{live}`: {attribute} is {} on the spare but {} on the live item",
        show(.spare_value),
        show(.live_value)
    )]
    SpareMismatch {
        /// The spare's CI id.
        spare: AssetId,
        /// The live item's id.
        live: AssetId,
        /// `model` or `build level`.
        attribute: String,
        /// The spare's value.
        spare_value: Option<String>,
        /// The live item's value.
        live_value: Option<String>,
    },
}

fn show(value: &Option<String>) -> String {
    match value {
        Some(v) => format!("`{v}`"),
        None => "unknown".to_owned(),
    }
}

/// A trail that does not rebuild the store it claims to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// An entry that should name a change record does not.
    #[error("audit entry {seq}: a change-record entry names no change record")]
    MissingChange {
        /// The entry's sequence number.
        seq: u64,
    },
    /// Replaying gives a different entry than the trail holds (a different outcome, sequence
    /// number or record).
    #[error("audit entry {seq}: replaying the trail gives a different entry")]
    Diverged {
        /// The first entry that differs.
        seq: u64,
    },
    /// An entry's hash does not commit to its content and the previous entry's hash: the trail
    /// was rewritten at or before this entry.
    #[error("audit entry {seq}: the hash chain is broken (the trail was rewritten here)")]
    BrokenChain {
        /// The first entry whose hash does not match.
        seq: u64,
    },
    /// The trail replays cleanly but rebuilds a different store than the one it came with
    /// (the store was edited outside the CMS's commands).
    #[error("the trail rebuilds a different store: {part} differ")]
    StoreDiffers {
        /// Which part differs: `items`, `relationships`, `changes`, `dml`, `authority` or
        /// `nonconformities`.
        part: &'static str,
    },
}
