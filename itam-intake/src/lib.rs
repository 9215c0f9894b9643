//! The intake pipeline as a library: named byte buffers of SWID/CoSWID tags, Ent files
//! (and CycloneDX licensing, OpTISAM acquired rights) and device facts in; an
//! [`Estate`] and every input that was not used, with its reason,
//! out. No file I/O: the caller reads (a file, a socket, an archive) and hands the bytes over,
//! or hands a reader that is read through a bounded reader ([`read_bounded`]).
//!
//! This is what `itam reconcile --inventory … --entitlements …` does, without the command:
//!
//! - device facts ([`Intake::devices`]): `{"devices", "users", "device_users",
//!   "usage_peaks", "capacity_samples", "measurements"}`, the estate's JSON forms of devices,
//!   users, usage peaks, capacity samples and measurements, and
//!   `device_users` mapping a device id to the user its installations are used by; unknown
//!   members are refused;
//! - tags found on a device ([`Intake::inventory`]): every tag is projected
//!   ([`itam_swid::project`]); a primary tag becomes an installation on that device,
//!   supplemental tags fill in the primary tags they name on the same device;
//! - Ents ([`Intake::entitlement`], [`Intake::cyclonedx`], [`Intake::optisam`]): resolved into
//!   effective entitlements ([`itam_ent::resolve::resolve_all`]) and projected
//!   ([`itam_ent::project`]).
//!
//! Nothing is dropped silently: every input, tag or Ent that does not become part of the
//! estate, or does so only in part, is an [`Unused`] with its [`Why`], in a fixed order: what
//! the caller could not read ([`Intake::unreadable`]); the device facts; tag inputs that could
//! not be read or placed (in the order given); tags, device by device (sorted by id), in input
//! order; usage peaks; Ent inputs; Ent chains, sorted by base id.
//!
//! Every kind of input has a size limit in [`Options`], checked before it is parsed; a caller
//! that reads files checks the reported length first ([`check_size`]) and then reads through
//! [`read_bounded_sized`], so a file that lies about its length is still stopped one byte
//! past the limit.
//!
//! Memory: a tag's payload (its files, which the estate has no place for) and its source map
//! are dropped before the tag is projected, so what the intake holds between inputs is small;
//! while one tag is read, the SWID reader's peak dominates. Measured on a generated 64 MiB
//! primary tag (`cargo run --release -p itam-benches --bin tag_memory`): the reader peaks at
//! 8.7× the input size; `itam reconcile` on a folder holding it at 9.5× (whole-process maximum
//! resident set, the input buffer included).
//!
//! ```
//! use itam_intake::{Intake, Options, Why};
//!
//! let tag = br#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"
//!     name="Tool" tagId="acme-tool" version="2.1">
//!   <Entity name="Acme" regid="acme.example" role="tagCreator softwareCreator"/>
//! </SoftwareIdentity>"#;
//! let mut intake = Intake::new(Options::default());
//! intake.devices("devices.json", br#"{"devices": [{"id": "pc-01"}]}"#);
//! intake.inventory(Some("pc-01"), "pc-01/tool.swidtag", tag);
//! intake.inventory(Some("lab-9"), "lab-9/tool.swidtag", tag);
//! let out = intake.finish();
//! assert_eq!(out.estate.installations.len(), 1);
//! assert_eq!(out.unused.len(), 1);
//! assert_eq!(out.unused[0].why, Why::NoDeviceFacts("lab-9".into()));
//! ```
#![deny(missing_docs)]

mod devices;
mod entitlements;
pub mod formats;
mod inventory;
mod limits;
mod unused;

use std::io::Read;

use itam_core::Finding;
use itam_core::estate::Estate;

use itam_ent::Entity;

pub use itam_core;
pub use limits::{InputError, InputKind, Options, check_size, read_bounded, read_bounded_sized};
pub use unused::{DEVICES_FILE, Unused, Why};

use devices::DeviceFacts;
use entitlements::Ents;
use inventory::TagInput;

/// The device facts as handed over.
#[derive(Debug, Default)]
enum Facts {
    /// None given (yet).
    #[default]
    Missing,
    /// The caller could not read them (and said so).
    Unreadable,
    /// Given: the facts, and what in them was not used.
    Given(DeviceFacts, Vec<Unused>),
}

/// The intake: inputs are handed over one by one, in any order; [`Intake::finish`] builds the
/// estate. Tags and Ents are parsed when they are handed over, so their bytes need not be
/// kept.
#[derive(Debug)]
pub struct Intake {
    options: Options,
    caller: Vec<Unused>,
    facts: Facts,
    inventory: Vec<TagInput>,
    ents: Ents,
}

/// What the intake built.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The estate: devices and users from the device facts, software and installations from
    /// the primary tags, entitlements from the active Ent chains.
    pub estate: Estate,
    /// Everything not used, or used only in part, in the order the crate docs give.
    pub unused: Vec<Unused>,
}

impl Intake {
    /// An intake with no inputs yet.
    #[must_use]
    pub fn new(options: Options) -> Self {
        Self {
            options,
            caller: Vec::new(),
            facts: Facts::Missing,
            inventory: Vec::new(),
            ents: Ents::default(),
        }
    }

    /// The options the intake checks inputs against.
    #[must_use]
    pub const fn options(&self) -> &Options {
        &self.options
    }

    /// Records an input the caller could not read or list (`message` says why); it is listed
    /// first, in the order recorded.
    pub fn unreadable(&mut self, input: &str, message: impl Into<String>) {
        self.caller.push(Unused {
            input: input.to_owned(),
            item: None,
            why: Why::Unreadable(message.into()),
        });
    }

    /// Records that the device facts could not be read (`message` says why): listed first, in
    /// place of the "no device facts" entry.
    pub fn devices_unreadable(&mut self, input: &str, message: impl Into<String>) {
        self.caller.push(Unused {
            input: input.to_owned(),
            item: None,
            why: Why::DeviceFacts(message.into()),
        });
        self.facts = Facts::Unreadable;
    }

    /// Hands over the device facts (the last given are used).
    pub fn devices(&mut self, input: &str, bytes: &[u8]) {
        let mut unused = Vec::new();
        let facts = match self.check(input, InputKind::Devices, bytes) {
            Ok(()) => devices::parse(input, bytes, &mut unused),
            Err(message) => {
                unused.push(Unused {
                    input: input.to_owned(),
                    item: None,
                    why: Why::DeviceFacts(message),
                });
                DeviceFacts::default()
            }
        };
        self.facts = Facts::Given(facts, unused);
    }

    /// Hands over an input of tags found on `device` (SWID XML, CoSWID, uSWID or the JSON
    /// form, told by content), or an SBOM (CycloneDX 1.5/1.6 or SPDX 2.3 JSON) whose software
    /// components were found there; `None` for an input found outside every device's folder,
    /// which is listed as not used.
    pub fn inventory(&mut self, device: Option<&str>, input: &str, bytes: &[u8]) {
        let read = self
            .check(input, InputKind::Tag, bytes)
            .and_then(|()| inventory::read(bytes));
        let (facts, notes) = match read {
            Ok((facts, notes)) => (Ok(facts), notes),
            Err(e) => (Err(e), Vec::new()),
        };
        self.inventory.push(TagInput {
            input: input.to_owned(),
            device: device.map(str::to_owned),
            facts,
            notes,
        });
    }

    /// Hands over an Ent input (Ent XML, or the JSON form of one Ent or an array of them).
    pub fn entitlement(&mut self, input: &str, bytes: &[u8]) {
        if let Err(message) = self.check(input, InputKind::Ent, bytes) {
            self.ents.note(input, None, Why::Unreadable(message));
            return;
        }
        match formats::ents::load(bytes) {
            Ok(loaded) => {
                for member in &loaded.ignored {
                    self.ents.note(
                        input,
                        None,
                        Why::Note(format!(
                            "{member}: not a member of the ent json form; ignored"
                        )),
                    );
                }
                self.ents
                    .push(input, loaded.docs.into_iter().map(|d| d.ent));
            }
            Err(e) => self.ents.note(input, None, Why::Unreadable(e.located())),
        }
    }

    /// Hands over a CycloneDX BOM (JSON or XML) whose `licensing` objects become Ents, with
    /// `creator` as their `entCreator`; what could not be mapped is noted per Ent.
    pub fn cyclonedx(&mut self, input: &str, bytes: &[u8], creator: &Entity) {
        let imported = self
            .check(input, InputKind::Ent, bytes)
            .and_then(|()| formats::cyclonedx(bytes, creator));
        self.imported(input, imported);
    }

    /// Hands over an OpTISAM acquired-rights CSV whose rows become Ents, with `creator` as
    /// their `entCreator`; what could not be mapped is noted per Ent.
    pub fn optisam(&mut self, input: &str, bytes: &[u8], creator: &Entity) {
        let imported = self
            .check(input, InputKind::Ent, bytes)
            .and_then(|()| formats::optisam(bytes, creator));
        self.imported(input, imported);
    }

    /// Hands over an entitlement input whose format its name tells, as in a folder of
    /// entitlements: a CycloneDX BOM when the file name is `bom.json`, `bom.xml` or ends in
    /// `.cdx.json` or `.cdx.xml` ([`cyclonedx`](Self::cyclonedx)), an OpTISAM acquired-rights
    /// CSV when it ends in `.csv` ([`optisam`](Self::optisam)), both with `creator` as the
    /// Ents' creator; anything else is an Ent ([`entitlement`](Self::entitlement)). Names are
    /// compared without regard to ASCII case; the path before the last `/` or `\` is ignored.
    pub fn entitlement_named(&mut self, input: &str, bytes: &[u8], creator: &Entity) {
        match EntFormat::of(input) {
            EntFormat::CycloneDx => self.cyclonedx(input, bytes, creator),
            EntFormat::OpTisam => self.optisam(input, bytes, creator),
            EntFormat::Ent => self.entitlement(input, bytes),
        }
    }

    /// Reads an input through a reader bounded at its kind's limit, for the `*_from`
    /// methods; an input that cannot be read is recorded and gives none.
    fn read_from(&mut self, input: &str, kind: InputKind, reader: impl Read) -> Option<Vec<u8>> {
        match read_bounded(input, kind, reader, &self.options) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                if kind == InputKind::Devices {
                    self.devices_unreadable(input, reason(&e));
                } else {
                    self.unreadable(input, reason(&e));
                }
                None
            }
        }
    }

    /// [`Intake::devices`] from a reader, read through a bounded reader.
    pub fn devices_from(&mut self, input: &str, reader: impl Read) {
        if let Some(bytes) = self.read_from(input, InputKind::Devices, reader) {
            self.devices(input, &bytes);
        }
    }

    /// [`Intake::inventory`] from a reader, read through a bounded reader.
    pub fn inventory_from(&mut self, device: Option<&str>, input: &str, reader: impl Read) {
        if let Some(bytes) = self.read_from(input, InputKind::Tag, reader) {
            self.inventory(device, input, &bytes);
        }
    }

    /// [`Intake::entitlement`] from a reader, read through a bounded reader.
    pub fn entitlement_from(&mut self, input: &str, reader: impl Read) {
        if let Some(bytes) = self.read_from(input, InputKind::Ent, reader) {
            self.entitlement(input, &bytes);
        }
    }

    /// Builds the estate from everything handed over.
    #[must_use]
    pub fn finish(self) -> Outcome {
        let Self {
            caller: mut unused,
            facts,
            inventory,
            ents,
            ..
        } = self;
        let facts = match facts {
            Facts::Missing => {
                unused.push(Unused {
                    input: DEVICES_FILE.into(),
                    item: None,
                    why: Why::DeviceFacts("no device facts file: no device can be counted".into()),
                });
                DeviceFacts::default()
            }
            Facts::Unreadable => DeviceFacts::default(),
            Facts::Given(facts, mut notes) => {
                unused.append(&mut notes);
                facts
            }
        };
        let mut estate = Estate {
            devices: facts.devices.clone(),
            users: facts.users.clone(),
            capacity_samples: facts.capacity_samples.clone(),
            ..Estate::default()
        };
        inventory::add(inventory, &facts, &mut estate, &mut unused);
        ents.add(&mut estate, &mut unused);
        Outcome { estate, unused }
    }

    /// Checks a buffer against its kind's limit; the reason when it is over.
    fn check(&self, input: &str, kind: InputKind, bytes: &[u8]) -> Result<(), String> {
        check_size(input, kind, bytes.len() as u64, &self.options).map_err(|e| reason(&e))
    }

    /// Adds imported Ents and their notes, or the reason there are none.
    fn imported(&mut self, input: &str, imported: Result<formats::Imported, String>) {
        match imported {
            Ok(list) => {
                for (ent, notes) in list {
                    let item = Some(format!("ent:{}", ent.ent_id));
                    for note in notes {
                        self.ents.note(input, item.clone(), Why::Note(note));
                    }
                    self.ents.push(input, [ent]);
                }
            }
            Err(message) => self.ents.note(input, None, Why::Unreadable(message)),
        }
    }
}

/// An input error's reason without the input's name (an [`Unused`] names it).
#[must_use]
pub fn reason(error: &InputError) -> String {
    match error {
        InputError::TooLarge {
            kind, size, limit, ..
        } => format!("{size} bytes, over the {kind} limit of {limit} bytes"),
        InputError::Io { source, .. } => format!("cannot read: {source}"),
    }
}

/// A finding on one line: `severity [rule] path: message` (the path `/` for the whole
/// document).
#[must_use]
pub fn finding_line(f: &Finding) -> String {
    let path = if f.location.path.is_empty() {
        "/"
    } else {
        &f.location.path
    };
    format!("{} [{}] {}: {}", f.severity, f.rule, path, f.message)
}

/// The format of an entitlement input, as its name tells ([`Intake::entitlement_named`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntFormat {
    /// An Ent: XML, or the JSON form of one Ent or an array of them.
    Ent,
    /// A CycloneDX BOM whose `licensing` objects become Ents.
    CycloneDx,
    /// An OpTISAM acquired-rights CSV.
    OpTisam,
}

impl EntFormat {
    /// The format of the input named `input` (a path or a file name).
    #[must_use]
    pub fn of(input: &str) -> Self {
        let name = input
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(input)
            .to_ascii_lowercase();
        if name == "bom.json"
            || name == "bom.xml"
            || name.ends_with(".cdx.json")
            || name.ends_with(".cdx.xml")
        {
            Self::CycloneDx
        } else if name.ends_with(".csv") {
            Self::OpTisam
        } else {
            Self::Ent
        }
    }
}
