//! What the intake did not use, or used only in part, and why.

use std::fmt;

/// The device facts' input name in messages, when the caller gave none.
pub const DEVICES_FILE: &str = "devices.json";

/// Something the intake was given but could not use, or used only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unused {
    /// The input it came from, by the name the caller gave.
    pub input: String,
    /// The tag or Ent inside the input, when there is one (`tag:…`, `ent:…`).
    pub item: Option<String>,
    /// Why.
    pub why: Why,
}

/// Why something was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Why {
    /// The input could not be read or parsed (or is over its size limit).
    Unreadable(String),
    /// A tag file given with no device: the inventory holds one folder per device.
    NotInDeviceFolder,
    /// The device names no device of the device facts.
    NoDeviceFacts(String),
    /// A tag that is not primary creates no installation; how it was used instead.
    NotPrimary(String),
    /// The same tag twice on one device; the input it was first read from.
    DuplicateTag(String),
    /// A tag id seen before with other identity facts; the first facts were kept.
    ConflictingIdentity(String),
    /// The device facts are missing, unreadable or name something unknown.
    DeviceFacts(String),
    /// An Ent chain was refused; the findings, one line each.
    Refused(Vec<String>),
    /// An effective entitlement counts nothing (revoked, archived, consolidated).
    NotActive(String),
    /// A part of an Ent that the estate cannot carry.
    Note(String),
}

impl Why {
    /// A stable name for the kind of reason, for JSON output.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
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

/// `input (item): why`, or `input: why`.
impl fmt::Display for Unused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            Some(item) => write!(f, "{} ({item}): {}", self.input, self.why),
            None => write!(f, "{}: {}", self.input, self.why),
        }
    }
}
