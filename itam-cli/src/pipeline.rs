//! From a folder of SWID tags and Ent files to an [`Estate`]: the pipeline behind `itam demo`
//! and `itam reconcile` on real files.
//!
//! # The folder layout
//!
//! ```text
//! devices.json                     device facts: {"devices", "users", "device_users", "usage_peaks", "capacity_samples", "measurements"}
//! inventory/<device-id>/*.swidtag  the tags found on each device (SWID XML, CoSWID, uSWID or
//!                                  JSON), at any depth below the device's folder
//! entitlements/**/*.ent            Ent files (XML or the Ent JSON form), any depth; there, a
//!                                  CycloneDX BOM (`bom.json`, `bom.xml`, `*.cdx.json`,
//!                                  `*.cdx.xml`) gives its `licensing` objects and an OpTISAM
//!                                  acquired-rights CSV (`*.csv`) its rows
//!                                  (`itam_intake::EntFormat`)
//! ```
//!
//! `devices.json` reuses the estate's JSON forms: `devices` is a list of estate devices
//! (`{"id", "kind", "host", "cluster", "sockets", "cores", "processor", "environment",
//! "org"…}`), `users` a list of estate users (`{"id", "org"}`), and `device_users` maps a
//! device id to the user id its installations are used by (for named-user metrics), and
//! `usage_peaks` is a list of estate usage peaks (`{"software": tag id, "peak", "org"}`, for
//! concurrent-user metrics), and `capacity_samples` a list of estate capacity samples
//! (`{"at", "device", "cores", "host"}`, for IBM sub-capacity at the period's peak), and
//! `measurements` a list of estate measurements (`{"software": tag id, "resource", "value",
//! "device", "org"}`, for the `capacity`, `transaction` and user-defined metrics). Unknown
//! members are refused.
//!
//! The pipeline itself is [`itam_intake`]: this module walks the folders, reads each file
//! through a reader bounded at its kind's size limit, and hands the bytes over. Nothing is
//! dropped silently: every file, tag or Ent that does not become part of the estate, or does
//! so only in part, is listed as [`Unused`] with its reason.
//!
//! [`build`] hands contents already read to the intake; `read` reads a folder laid out as
//! above.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use itam_core::estate::Estate;
use itam_intake::{InputKind, Intake, Options, reason};
use serde::ser::{Serialize, SerializeStruct as _, Serializer};

pub(crate) use itam_intake::Why;

use crate::files;
use crate::progress::Progress;

/// The file names of the layout, relative to its root folder.
pub(crate) const DEVICES_FILE: &str = itam_intake::DEVICES_FILE;
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

/// Something the pipeline found but could not use, or used only in part: the intake's
/// [`itam_intake::Unused`], its input shown as a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unused {
    /// The file it came from.
    pub file: String,
    /// The tag or Ent inside the file, when there is one (`tag:…`, `ent:…`).
    pub item: Option<String>,
    /// Why.
    pub why: Why,
}

impl From<itam_intake::Unused> for Unused {
    fn from(u: itam_intake::Unused) -> Self {
        Self {
            file: u.input,
            item: u.item,
            why: u.why,
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

impl fmt::Display for Unused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            Some(item) => write!(f, "{} ({item}): {}", self.file, self.why),
            None => write!(f, "{}: {}", self.file, self.why),
        }
    }
}

/// The estate and what was not used, from the intake.
fn outcome(intake: Intake) -> (Estate, Vec<Unused>) {
    let out = intake.finish();
    (
        out.estate,
        out.unused.into_iter().map(Unused::from).collect(),
    )
}

/// Builds the estate from contents already read (see [`itam_intake`] for the order of the
/// unused list).
pub(crate) fn build(contents: &Contents) -> (Estate, Vec<Unused>) {
    let mut intake = Intake::new(Options::default());
    if let Some((path, bytes)) = &contents.devices {
        intake.devices(&files::display(path), bytes);
    }
    for (path, bytes) in &contents.inventory {
        let file = files::display(&contents.inventory_root.join(path));
        intake.inventory(device_of(path).as_deref(), &file, bytes);
    }
    for (path, bytes) in &contents.entitlements {
        intake.entitlement_named(&files::display(path), bytes, &importer());
    }
    outcome(intake)
}

/// Reads a folder laid out as the module docs say (`devices.json`, `inventory/`,
/// `entitlements/`) and builds the estate from it, with the default size limits.
#[cfg(test)]
pub(crate) fn read(root: &Path) -> (Estate, Vec<Unused>) {
    read_with(root, &Options::default())
}

/// Reads a folder laid out as the module docs say and builds the estate from it.
pub(crate) fn read_with(root: &Path, options: &Options) -> (Estate, Vec<Unused>) {
    read_parts(
        &root.join(INVENTORY_DIR),
        &root.join(ENTITLEMENTS_DIR),
        &root.join(DEVICES_FILE),
        options,
    )
}

/// Reads the three parts from where they are and builds the estate. Files that cannot be
/// read, or are over their kind's limit in `options`, are listed as unused first. On a
/// terminal, a progress bar counts the files read (the device facts, then the inventory, then
/// the entitlements).
pub(crate) fn read_parts(
    inventory: &Path,
    entitlements: &Path,
    devices: &Path,
    options: &Options,
) -> (Estate, Vec<Unused>) {
    let mut intake = Intake::new(*options);
    let inventory_files = files::expand(&[inventory.to_path_buf()], |_| true);
    let entitlement_files = files::expand(&[entitlements.to_path_buf()], |_| true);
    let progress = Progress::new(
        1 + inventory_files.len() + entitlement_files.len(),
        "reading",
    );
    let shown = files::display(devices);
    match files::read_limited(devices, InputKind::Devices, options) {
        Ok(bytes) => intake.devices(&shown, &bytes),
        Err(e) => intake.devices_unreadable(&shown, reason(&e)),
    }
    progress.inc();
    for entry in inventory_files {
        match entry {
            Ok(input) => {
                let shown = files::display(&input.path);
                match files::read_limited(&input.path, InputKind::Tag, options) {
                    Ok(bytes) => {
                        // As [`build`] shows it: relative to the inventory folder.
                        let relative = if input.from_folder {
                            input.relative
                        } else {
                            input.path
                        };
                        let file = files::display(&inventory.join(&relative));
                        intake.inventory(device_of(&relative).as_deref(), &file, &bytes);
                    }
                    Err(e) => intake.unreadable(&shown, reason(&e)),
                }
            }
            Err((path, e)) => {
                intake.unreadable(&files::display(&path), format!("cannot list: {e}"));
            }
        }
        progress.inc();
    }
    for entry in entitlement_files {
        match entry {
            Ok(input) => {
                let shown = files::display(&input.path);
                match files::read_limited(&input.path, InputKind::Ent, options) {
                    Ok(bytes) => intake.entitlement_named(&shown, &bytes, &importer()),
                    Err(e) => intake.unreadable(&shown, reason(&e)),
                }
            }
            Err((path, e)) => {
                intake.unreadable(&files::display(&path), format!("cannot list: {e}"));
            }
        }
        progress.inc();
    }
    progress.finish();
    outcome(intake)
}

/// The creator recorded on the Ents imported from CycloneDX BOMs and OpTISAM CSVs found among
/// the entitlements (the party running the import: this command, without a regid).
fn importer() -> itam_ent::Entity {
    itam_ent::Entity {
        regid: None,
        ..itam_ent::Entity::new("itam import", itam_core::RegId::default(), Vec::new())
    }
}

/// The device id of an inventory path: its first component, when the file is below it.
fn device_of(path: &Path) -> Option<String> {
    let mut parts = path.components();
    let first = parts.next()?;
    parts.next()?;
    match first {
        Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
