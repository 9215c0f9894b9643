//! Commands: the only way to change the CMS.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::asset::ConfigurationItem;
use crate::dml::{DefinitiveItem, DmlId};
use crate::id::AssetId;
use crate::lifecycle::LifecycleStage;
use crate::relationship::{Relationship, RelationshipKind};

/// A change to the CMS, executed only under an authorized change record.
///
/// The JSON form is tagged by `command`: `{"command": "move_stage", "id": "HW-1",
/// "to": "operation"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// Record a new configuration item.
    RecordItem {
        /// The item.
        item: ConfigurationItem,
    },
    /// Replace a recorded item's attributes. The class and stage must stay as they are (stages
    /// change with [`MoveStage`](Self::MoveStage)), and the new attributes must still fit every
    /// relationship the item is in.
    UpdateItem {
        /// The item, with the id of the one it replaces.
        item: ConfigurationItem,
    },
    /// Move an item to another life-cycle stage, as the transition table allows.
    MoveStage {
        /// The item.
        id: AssetId,
        /// The stage to move to.
        to: LifecycleStage,
    },
    /// Record a relationship between two recorded items.
    Relate {
        /// The relationship.
        relationship: Relationship,
    },
    /// Remove a recorded relationship.
    Unrelate {
        /// The relationship.
        relationship: Relationship,
    },
    /// Check a definitive item into the library; its software CI must be recorded.
    CheckIn {
        /// The definitive item.
        item: DefinitiveItem,
    },
    /// Release a definitive item for a target machine, taking licences from its pool and
    /// writing a [`ReleaseRecord`](crate::dml::ReleaseRecord).
    Release {
        /// The definitive item.
        item: DmlId,
        /// How many licences the release takes.
        quantity: u32,
        /// The machine it is released for (it must be one the software can be installed on).
        to: AssetId,
    },
    /// Keep a recorded hardware item in the store as a definitive spare.
    StoreSpare {
        /// The spare's hardware CI.
        spare: AssetId,
        /// Where it is kept.
        storage_location: String,
    },
    /// Check a spare out to replace a live item of the same model and build level; the spare
    /// moves to the deployment stage.
    CheckOutSpare {
        /// The spare's hardware CI.
        spare: AssetId,
        /// The live item it replaces.
        replaces: AssetId,
    },
    /// Return a checked-out spare to the store; it moves back to the release stage.
    ReturnSpare {
        /// The spare's hardware CI.
        spare: AssetId,
    },
}

impl Command {
    /// The configuration items the command names (for a release, the target machine; the
    /// released software is the definitive item's, which the CMS looks up).
    #[must_use]
    pub fn items(&self) -> Vec<&AssetId> {
        match self {
            Self::RecordItem { item } | Self::UpdateItem { item } => vec![&item.id],
            Self::MoveStage { id, .. } => vec![id],
            Self::Relate { relationship } | Self::Unrelate { relationship } => {
                vec![&relationship.source, &relationship.target]
            }
            Self::CheckIn { item } => vec![&item.software],
            Self::Release { to, .. } => vec![to],
            Self::StoreSpare { spare, .. } | Self::ReturnSpare { spare } => vec![spare],
            Self::CheckOutSpare { spare, replaces } => vec![spare, replaces],
        }
    }

    /// [`Command::RecordItem`].
    #[must_use]
    pub fn record(item: ConfigurationItem) -> Self {
        Self::RecordItem { item }
    }

    /// [`Command::MoveStage`].
    pub fn move_stage(id: impl Into<AssetId>, to: LifecycleStage) -> Self {
        Self::MoveStage { id: id.into(), to }
    }

    /// [`Command::Relate`] for `source` *kind* `target`.
    pub fn relate(
        source: impl Into<AssetId>,
        kind: RelationshipKind,
        target: impl Into<AssetId>,
    ) -> Self {
        Self::Relate {
            relationship: Relationship::new(source, kind, target),
        }
    }

    /// [`Command::Release`].
    pub fn release(item: impl Into<DmlId>, quantity: u32, to: impl Into<AssetId>) -> Self {
        Self::Release {
            item: item.into(),
            quantity,
            to: to.into(),
        }
    }

    /// [`Command::CheckOutSpare`].
    pub fn check_out_spare(spare: impl Into<AssetId>, replaces: impl Into<AssetId>) -> Self {
        Self::CheckOutSpare {
            spare: spare.into(),
            replaces: replaces.into(),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RecordItem { item } => write!(
                f,
                "record {} \"{}\" ({}, {})",
                item.id,
                item.name,
                item.kind.class(),
                item.stage
            ),
            Self::UpdateItem { item } => write!(f, "update {} \"{}\"", item.id, item.name),
            Self::MoveStage { id, to } => write!(f, "move {id} to {to}"),
            Self::Relate { relationship } => write!(f, "relate {relationship}"),
            Self::Unrelate { relationship } => write!(f, "unrelate {relationship}"),
            Self::CheckIn { item } => write!(
                f,
                "check in {} ({} {}, {} media, {})",
                item.id,
                item.software,
                item.version,
                item.media.as_str(),
                licences(item.licences.total)
            ),
            Self::Release { item, quantity, to } => {
                write!(f, "release {item} for {to} ({})", licences(*quantity))
            }
            Self::StoreSpare {
                spare,
                storage_location,
            } => write!(f, "store spare {spare} at {storage_location}"),
            Self::CheckOutSpare { spare, replaces } => {
                write!(f, "check out spare {spare} to replace {replaces}")
            }
            Self::ReturnSpare { spare } => write!(f, "return spare {spare} to the store"),
        }
    }
}

/// `1 licence`, `2 licences`.
fn licences(n: u32) -> String {
    format!("{n} licence{}", if n == 1 { "" } else { "s" })
}
