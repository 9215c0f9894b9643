//! From a folder of SWID tags and Ent files to an [`Estate`]: the pipeline behind `itam demo`
//! and `itam reconcile` on real files.
//!
//! # The folder layout
//!
//! ```text
//! devices.json                     device facts: {"devices", "users", "device_users", "usage_peaks"}
//! inventory/<device-id>/*.swidtag  the tags found on each device (SWID XML, CoSWID, uSWID or
//!                                  JSON), at any depth below the device's folder
//! entitlements/**/*.ent            Ent files (XML or the Ent JSON form), any depth
//! ```
//!
//! `devices.json` reuses the estate's JSON forms: `devices` is a list of estate devices
//! (`{"id", "kind", "host", "cluster", "sockets", "cores", "processor", "environment",
//! "org"…}`), `users` a list of estate users (`{"id", "org"}`), and `device_users` maps a
//! device id to the user id its installations are used by (for named-user metrics), and
//! `usage_peaks` is a list of estate usage peaks (`{"software": tag id, "peak", "org"}`, for
//! concurrent-user metrics). Unknown members are refused.
//!
//! Every tag found in a device folder is projected ([`itam_swid::project`]); a primary tag
//! becomes an installation on that device, supplemental tags fill in the primary tags they
//! name on the same device, and the Ents are resolved into effective entitlements
//! ([`itam_ent::resolve::resolve_all`]) and projected ([`itam_ent::project`]).
//!
//! Nothing is dropped silently: every file, tag or Ent that does not become part of the
//! estate, or does so only in part, is listed as [`Unused`] with its reason.
//!
//! [`build`] is the pure part (contents in, estate and unused out); [`read`] reads a folder
//! laid out as above and calls it.

mod entitlements;
mod inventory;

use std::fmt;
use std::path::{Path, PathBuf};

use itam_core::estate::Estate;
use serde::ser::{Serialize, SerializeStruct as _, Serializer};

use crate::files;

/// The file names of the layout, relative to its root folder.
pub(crate) const DEVICES_FILE: &str = "devices.json";
/// The inventory folder: one sub-folder per device.
pub(crate) const INVENTORY_DIR: &str = "inventory";
/// The entitlements folder, walked recursively.
pub(crate) const ENTITLEMENTS_DIR: &str = "entitlements";

/// A file's path (as it is shown) and its bytes.
pub(crate) type Content = (PathBuf, Vec<u8>);

/// What the pipeline reads, already read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Contents {
    /// The device facts file, when there is one.
    pub devices: Option<Content>,
    /// The inventory folder as it is shown (joined before each inventory path in messages).
    pub inventory_root: PathBuf,
    /// The inventory's files; each path is relative to the inventory folder, so its first
    /// component is the device id.
    pub inventory: Vec<Content>,
    /// The entitlements' files (any paths).
    pub entitlements: Vec<Content>,
}

/// Something the pipeline found but could not use, or used only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unused {
    /// The file it came from.
    pub file: String,
    /// The tag or Ent inside the file, when there is one (`tag:…`, `ent:…`).
    pub item: Option<String>,
    /// Why.
    pub why: Why,
}

/// Why something was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Why {
    /// The file could not be read or parsed.
    Unreadable(String),
    /// A file directly in the inventory folder, not in a device's folder.
    NotInDeviceFolder,
    /// The device folder names no device of the device facts.
    NoDeviceFacts(String),
    /// A tag that is not primary creates no installation; how it was used instead.
    NotPrimary(String),
    /// The same tag twice on one device.
    DuplicateTag(String),
    /// A tag id seen before with other identity facts; the first facts were kept.
    ConflictingIdentity(String),
    /// The device facts file is missing, unreadable or names something unknown.
    DeviceFacts(String),
    /// An Ent chain was refused; the findings.
    Refused(Vec<String>),
    /// An effective entitlement counts nothing (revoked, archived, consolidated).
    NotActive(String),
    /// A part of an Ent that the estate cannot carry.
    Note(String),
}

impl Why {
    /// A stable name for the kind of reason, for JSON output.
    pub(crate) const fn kind(&self) -> &'static str {
        match self {
            Self::Unreadable(_) => "unreadable",
            Self::NotInDeviceFolder => "not_in_device_folder",
            Self::NoDeviceFacts(_) => "no_device_facts",
            Self::NotPrimary(_) => "not_primary",
            Self::DuplicateTag(_) => "duplicate_tag",
            Self::ConflictingIdentity(_) => "conflicting_identity",
            Self::DeviceFacts(_) => "device_facts",
            Self::Refused(_) => "refused",
            Self::NotActive(_) => "not_active",
            Self::Note(_) => "note",
        }
    }
}

/// The JSON form: `{"file", "item" (when there is one), "kind", "reason"}`.
impl Serialize for Unused {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Unused", 4)?;
        s.serialize_field("file", &self.file)?;
        if let Some(item) = &self.item {
            s.serialize_field("item", item)?;
        } else {
            s.skip_field("item")?;
        }
        s.serialize_field("kind", self.why.kind())?;
        s.serialize_field("reason", &self.why.to_string())?;
        s.end()
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable(m) => write!(f, "unreadable: {m}"),
            Self::NotInDeviceFolder => {
                f.write_str("not in a device folder (the inventory holds one folder per device id)")
            }
            Self::NoDeviceFacts(d) => write!(
                f,
                "device {d:?} has no facts in {DEVICES_FILE}: its tags are not counted"
            ),
            Self::NotPrimary(how) => write!(f, "not a primary tag: {how}"),
            Self::DuplicateTag(first) => write!(f, "the same tag is already in {first}"),
            Self::ConflictingIdentity(first) => write!(
                f,
                "the tag id is already known from {first} with other identity facts; those are kept"
            ),
            Self::DeviceFacts(m) => write!(f, "device facts: {m}"),
            Self::Refused(findings) => {
                write!(f, "chain refused")?;
                for finding in findings {
                    write!(f, "; {finding}")?;
                }
                Ok(())
            }
            Self::NotActive(status) => write!(f, "counts nothing: {status}"),
            Self::Note(n) => f.write_str(n),
        }
    }
}

impl fmt::Display for Unused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            Some(item) => write!(f, "{} ({item}): {}", self.file, self.why),
            None => write!(f, "{}: {}", self.file, self.why),
        }
    }
}

/// Builds the estate from the contents: device facts, installations from the inventory's
/// primary tags, entitlements from the resolved Ent chains. Everything not used is in the
/// second value, in a fixed order: the device facts; inventory files that could not be read or
/// placed (in the order given); tags, device by device (sorted by id), in file order; usage
/// peaks; Ent files that could not be read; Ent chains, sorted by base id.
pub(crate) fn build(contents: &Contents) -> (Estate, Vec<Unused>) {
    let mut unused = Vec::new();
    let facts = inventory::device_facts(contents.devices.as_ref(), &mut unused);
    let mut estate = Estate {
        devices: facts.devices.clone(),
        users: facts.users.clone(),
        ..Estate::default()
    };
    inventory::add(
        &contents.inventory_root,
        &contents.inventory,
        &facts,
        &mut estate,
        &mut unused,
    );
    entitlements::add(&contents.entitlements, &mut estate, &mut unused);
    (estate, unused)
}

/// Reads a folder laid out as the module docs say (`devices.json`, `inventory/`,
/// `entitlements/`) and builds the estate from it.
pub(crate) fn read(root: &Path) -> (Estate, Vec<Unused>) {
    read_parts(
        &root.join(INVENTORY_DIR),
        &root.join(ENTITLEMENTS_DIR),
        &root.join(DEVICES_FILE),
    )
}

/// Reads the three parts from where they are and builds the estate. Files that cannot be
/// read are listed as unused.
pub(crate) fn read_parts(
    inventory: &Path,
    entitlements: &Path,
    devices: &Path,
) -> (Estate, Vec<Unused>) {
    let mut unreadable = Vec::new();
    let mut contents = Contents::default();
    match std::fs::read(devices) {
        Ok(bytes) => contents.devices = Some((devices.to_path_buf(), bytes)),
        Err(e) => unreadable.push(Unused {
            file: files::display(devices),
            item: None,
            why: Why::DeviceFacts(format!("cannot read: {e}")),
        }),
    }
    contents.inventory_root = inventory.to_path_buf();
    contents.inventory = read_all(inventory, true, &mut unreadable);
    contents.entitlements = read_all(entitlements, false, &mut unreadable);
    let (estate, mut unused) = build(&contents);
    if contents.devices.is_none() {
        // Said above, with the reason it could not be read.
        unused.retain(|u| !matches!(u.why, Why::DeviceFacts(_)) || u.file != DEVICES_FILE);
    }
    unreadable.append(&mut unused);
    (estate, unreadable)
}

/// Every file under `dir` (sorted), with its path relative to `dir` when `relative`.
fn read_all(dir: &Path, relative: bool, unreadable: &mut Vec<Unused>) -> Vec<Content> {
    let mut out = Vec::new();
    for entry in files::expand(&[dir.to_path_buf()], |_| true) {
        match entry {
            Ok(input) => match std::fs::read(&input.path) {
                Ok(bytes) => {
                    let shown = if relative && input.from_folder {
                        input.relative
                    } else {
                        input.path
                    };
                    out.push((shown, bytes));
                }
                Err(e) => unreadable.push(Unused {
                    file: files::display(&input.path),
                    item: None,
                    why: Why::Unreadable(format!("cannot read: {e}")),
                }),
            },
            Err((path, e)) => unreadable.push(Unused {
                file: files::display(&path),
                item: None,
                why: Why::Unreadable(format!("cannot list: {e}")),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests;
