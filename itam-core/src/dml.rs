//! The definitive media library (DML) and the definitive hardware spares.
//!
//! ISO/IEC 19770-1:2017 asks that the authorized versions of software be kept in a secure
//! store, released from it only under an authorized change, and that releases be recorded (the
//! release and deployment life-cycle processes; the ITIL "definitive media library" and
//! "definitive spares"). Here the library holds:
//!
//! - [`DefinitiveItem`]s: the authorized media of one software CI at one version, electronic or
//!   physical, with its checksum, where it is stored, and a [`LicencePool`] of how many
//!   licences the organisation holds for it and how many are still free;
//! - [`ReleaseRecord`]s: every release from the library, who made it under which change and for
//!   which target;
//! - [`HardwareSpare`]s: spare devices kept ready to replace a live item of the same model and
//!   build level.
//!
//! The library is changed only through the [`Cms`](crate::cms::Cms) (commands
//! [`CheckIn`](crate::cms::Command::CheckIn), [`Release`](crate::cms::Command::Release),
//! [`StoreSpare`](crate::cms::Command::StoreSpare),
//! [`CheckOutSpare`](crate::cms::Command::CheckOutSpare),
//! [`ReturnSpare`](crate::cms::Command::ReturnSpare)), which checks the authorization and
//! keeps the audit trail; this module holds the data and answers questions about it.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::{ChangeId, text_id};
use crate::id::AssetId;
use crate::version::Version;

text_id! {
    /// A definitive item's identifier within the library.
    DmlId
}

/// Whether definitive media is a file or a physical carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Media {
    /// An installer, image or archive kept in a secured file store.
    Electronic,
    /// A disc, USB key or other carrier kept in a secured physical store.
    Physical,
}

impl Media {
    /// `electronic` or `physical`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Electronic => "electronic",
            Self::Physical => "physical",
        }
    }
}

/// A checksum of definitive media, so a released copy can be verified.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Checksum {
    /// The algorithm (`sha-256`, `sha-512`…).
    pub algorithm: String,
    /// The digest, as text (usually hexadecimal).
    pub value: String,
}

impl Checksum {
    /// A SHA-256 digest given in hexadecimal.
    pub fn sha256(hex: impl Into<String>) -> Self {
        Self {
            algorithm: "sha-256".to_owned(),
            value: hex.into(),
        }
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.value)
    }
}

/// The licences held for a definitive item: how many in total, how many still free to release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LicencePool {
    /// How many licences the organisation holds.
    pub total: u32,
    /// How many have not been released yet.
    pub free: u32,
}

impl LicencePool {
    /// A pool of `total` licences, all free.
    #[must_use]
    pub const fn new(total: u32) -> Self {
        Self { total, free: total }
    }

    /// How many licences have been released (`total − free`, or 0 when `free` exceeds
    /// `total`).
    #[must_use]
    pub const fn allocated(self) -> u32 {
        self.total.saturating_sub(self.free)
    }

    /// How many licences are accounted for beyond the total, given how many the release
    /// records say were handed out: `released + free − total`, when that is positive.
    #[must_use]
    pub fn over_allocation(self, released: u64) -> Option<u64> {
        let accounted = released + u64::from(self.free);
        accounted
            .checked_sub(u64::from(self.total))
            .filter(|&over| over > 0)
    }
}

/// A definitive item: the authorized media of one software CI at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitiveItem {
    /// The item's identifier in the library.
    pub id: DmlId,
    /// The software configuration item this is the definitive media of.
    pub software: AssetId,
    /// The version of the media.
    pub version: Version,
    /// Electronic or physical media.
    pub media: Media,
    /// The media's checksum, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
    /// Where the media is stored (a repository path, a safe, a shelf).
    pub storage_location: String,
    /// The licences held for it.
    pub licences: LicencePool,
}

/// One release from the library (the release process of ISO/IEC 19770-1:2017): what was released, how many
/// licences it took, for which target, by whom under which change and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRecord {
    /// The release's number in the library, from 1.
    pub number: u64,
    /// The definitive item released.
    pub item: DmlId,
    /// Its software CI.
    pub software: AssetId,
    /// Its version.
    pub version: Version,
    /// How many licences the release took from the pool.
    pub quantity: u32,
    /// The target it was released for.
    pub to: AssetId,
    /// The authorizing change record.
    pub change: ChangeId,
    /// Who made the release.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The sequence number of the audit entry that authorized it.
    pub audit: u64,
    /// Whether the effective licence position admitted it (a gated release,
    /// [`Cms::execute_gated`](crate::cms::Cms::execute_gated)) rather than the item's pool,
    /// which a gated release does not count.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gated: bool,
}

/// Where a hardware spare is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SpareState {
    /// In the store, ready.
    InStore,
    /// Checked out to replace a live item.
    CheckedOut {
        /// The live item it replaces.
        replaces: AssetId,
        /// The change it was checked out under.
        change: ChangeId,
    },
}

/// A definitive hardware spare: a hardware CI kept in the store to replace a live item of the
/// same model and build level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardwareSpare {
    /// The spare's own hardware CI.
    pub item: AssetId,
    /// Where it is stored.
    pub storage_location: String,
    /// In the store or checked out.
    pub state: SpareState,
}

impl HardwareSpare {
    /// Whether the spare is in the store.
    #[must_use]
    pub fn is_in_store(&self) -> bool {
        self.state == SpareState::InStore
    }
}

/// The definitive media library: definitive items, release records and hardware spares.
///
/// The JSON form is `{"items": [...], "releases": [...], "spares": [...]}`, items and spares
/// sorted by id, releases in the order they were made.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "DmlForm", into = "DmlForm")]
pub struct Dml {
    pub(crate) items: BTreeMap<DmlId, DefinitiveItem>,
    pub(crate) releases: Vec<ReleaseRecord>,
    pub(crate) spares: BTreeMap<AssetId, HardwareSpare>,
}

impl Dml {
    /// The definitive item with this id.
    #[must_use]
    pub fn item(&self, id: &str) -> Option<&DefinitiveItem> {
        self.items.get(id)
    }

    /// Every definitive item, by id.
    pub fn items(&self) -> impl Iterator<Item = &DefinitiveItem> {
        self.items.values()
    }

    /// The definitive items of one software CI.
    pub fn items_for<'a>(&'a self, software: &'a str) -> impl Iterator<Item = &'a DefinitiveItem> {
        self.items
            .values()
            .filter(move |i| i.software.as_str() == software)
    }

    /// Every release, oldest first.
    #[must_use]
    pub fn releases(&self) -> &[ReleaseRecord] {
        &self.releases
    }

    /// How many licences the release records say were taken from an item's pool.
    #[must_use]
    pub fn released(&self, item: &str) -> u64 {
        self.releases
            .iter()
            .filter(|r| r.item.as_str() == item)
            .map(|r| u64::from(r.quantity))
            .sum()
    }

    /// The spare whose hardware CI has this id.
    #[must_use]
    pub fn spare(&self, item: &str) -> Option<&HardwareSpare> {
        self.spares.get(item)
    }

    /// Every spare, by CI id.
    pub fn spares(&self) -> impl Iterator<Item = &HardwareSpare> {
        self.spares.values()
    }
}

/// The serialised form of a [`Dml`]: lists rather than maps, so the JSON is easy to read and
/// write by hand. Reading refuses a list that names an id twice rather than drop one entry.
#[derive(Serialize, Deserialize)]
struct DmlForm {
    #[serde(default)]
    items: Vec<DefinitiveItem>,
    #[serde(default)]
    releases: Vec<ReleaseRecord>,
    #[serde(default)]
    spares: Vec<HardwareSpare>,
}

impl TryFrom<DmlForm> for Dml {
    type Error = DuplicateId;

    fn try_from(form: DmlForm) -> Result<Self, Self::Error> {
        let mut items = BTreeMap::new();
        for item in form.items {
            if let Some(dup) = items.insert(item.id.clone(), item) {
                return Err(DuplicateId::new("definitive item", dup.id.as_str()));
            }
        }
        let mut spares = BTreeMap::new();
        for spare in form.spares {
            if let Some(dup) = spares.insert(spare.item.clone(), spare) {
                return Err(DuplicateId::new("hardware spare", dup.item.as_str()));
            }
        }
        Ok(Self {
            items,
            releases: form.releases,
            spares,
        })
    }
}

/// A serialised CMS or DML that names the same id twice (reading it would lose an entry).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} `{id}` appears twice")]
pub struct DuplicateId {
    /// What kind of entry (`configuration item`, `definitive item`…).
    pub what: &'static str,
    /// The id.
    pub id: String,
}

impl DuplicateId {
    pub(crate) fn new(what: &'static str, id: &str) -> Self {
        Self {
            what,
            id: id.to_owned(),
        }
    }
}

impl From<Dml> for DmlForm {
    fn from(dml: Dml) -> Self {
        Self {
            items: dml.items.into_values().collect(),
            releases: dml.releases,
            spares: dml.spares.into_values().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::VersionScheme;

    #[test]
    fn pool_arithmetic() {
        let pool = LicencePool { total: 5, free: 3 };
        assert_eq!(pool.allocated(), 2);
        assert_eq!(pool.over_allocation(2), None);
        assert_eq!(pool.over_allocation(4), Some(2));
        let broken = LicencePool { total: 2, free: 3 };
        assert_eq!(broken.allocated(), 0);
        assert_eq!(broken.over_allocation(0), Some(1));
        assert_eq!(LicencePool::new(4).free, 4);
    }

    #[test]
    fn json_form_is_stable() {
        let item = DefinitiveItem {
            id: DmlId::new("DML-1"),
            software: AssetId::new("SW-1"),
            version: Version::new("3.2", VersionScheme::MultipartNumeric),
            media: Media::Electronic,
            checksum: Some(Checksum::sha256("ab12")),
            storage_location: "dml://software/acme".into(),
            licences: LicencePool::new(5),
        };
        let spare = HardwareSpare {
            item: AssetId::new("HW-9"),
            storage_location: "cage 3".into(),
            state: SpareState::CheckedOut {
                replaces: AssetId::new("HW-1"),
                change: ChangeId::new("CHG-2"),
            },
        };
        let dml = Dml {
            items: [(item.id.clone(), item)].into(),
            releases: Vec::new(),
            spares: [(spare.item.clone(), spare)].into(),
        };
        let value = serde_json::to_value(&dml).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "items": [{
                    "id": "DML-1",
                    "software": "SW-1",
                    "version": {"value": "3.2", "scheme": "multipartnumeric"},
                    "media": "electronic",
                    "checksum": {"algorithm": "sha-256", "value": "ab12"},
                    "storage_location": "dml://software/acme",
                    "licences": {"total": 5, "free": 5}
                }],
                "releases": [],
                "spares": [{
                    "item": "HW-9",
                    "storage_location": "cage 3",
                    "state": {"state": "checked_out", "replaces": "HW-1", "change": "CHG-2"}
                }]
            })
        );
        assert_eq!(serde_json::from_value::<Dml>(value.clone()).unwrap(), dml);

        let mut twice = value;
        let first = twice["items"][0].clone();
        twice["items"].as_array_mut().unwrap().push(first);
        let err = serde_json::from_value::<Dml>(twice).unwrap_err();
        assert!(
            err.to_string()
                .contains("definitive item `DML-1` appears twice")
        );
    }
}
