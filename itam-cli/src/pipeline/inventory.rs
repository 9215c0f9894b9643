//! The device facts file and the inventory's tags.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

use itam_core::AssetId;
use itam_core::estate::{Device, Estate, Software, UsagePeak, User};
use itam_swid::TagType;
use itam_swid::project::{SoftwareFact, project};
use serde::Deserialize;

use super::{Content, DEVICES_FILE, Unused, Why};
use crate::files;
use crate::swid::load::load;

/// The device facts file, `devices.json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeviceFacts {
    /// The devices, in the estate's JSON form.
    #[serde(default)]
    pub devices: Vec<Device>,
    /// The users, in the estate's JSON form.
    #[serde(default)]
    pub users: Vec<User>,
    /// Device id → the user id its installations are used by.
    #[serde(default)]
    pub device_users: BTreeMap<String, String>,
    /// Measured peaks of concurrent use, in the estate's JSON form; each names the tag id of
    /// a primary tag found in the inventory.
    #[serde(default)]
    pub usage_peaks: Vec<UsagePeak>,
}

/// Reads the device facts; a missing or unreadable file gives none (and says so), a
/// `device_users` entry naming an unknown device or user is left out (and says so).
pub(super) fn device_facts(file: Option<&Content>, unused: &mut Vec<Unused>) -> DeviceFacts {
    let Some((path, bytes)) = file else {
        unused.push(Unused {
            file: DEVICES_FILE.into(),
            item: None,
            why: Why::DeviceFacts("no device facts file: no device can be counted".into()),
        });
        return DeviceFacts::default();
    };
    let shown = files::display(path);
    let mut facts: DeviceFacts = match serde_json::from_slice(bytes) {
        Ok(facts) => facts,
        Err(e) => {
            unused.push(Unused {
                file: shown,
                item: None,
                why: Why::DeviceFacts(format!(
                    "{}:{}: not the device facts form: {e}",
                    e.line(),
                    e.column()
                )),
            });
            return DeviceFacts::default();
        }
    };
    let devices: BTreeSet<&str> = facts.devices.iter().map(|d| d.id.as_str()).collect();
    let users: BTreeSet<&str> = facts.users.iter().map(|u| u.id.as_str()).collect();
    let mut dropped = Vec::new();
    for (device, user) in &facts.device_users {
        let problem = if !devices.contains(device.as_str()) {
            Some(format!("device_users names the unknown device {device:?}"))
        } else if !users.contains(user.as_str()) {
            Some(format!(
                "device_users gives device {device:?} the unknown user {user:?}"
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            unused.push(Unused {
                file: shown.clone(),
                item: None,
                why: Why::DeviceFacts(format!("{problem}; left out")),
            });
            dropped.push(device.clone());
        }
    }
    for device in dropped {
        facts.device_users.remove(&device);
    }
    facts
}

/// One tag read from a device folder.
struct Found {
    file: String,
    fact: SoftwareFact,
}

/// Adds the software and installations of the inventory's tags to the estate.
pub(super) fn add(
    root: &Path,
    inventory: &[Content],
    facts: &DeviceFacts,
    estate: &mut Estate,
    unused: &mut Vec<Unused>,
) {
    let known: BTreeSet<&str> = facts.devices.iter().map(|d| d.id.as_str()).collect();
    // Tags per device, in file order.
    let mut per_device: BTreeMap<String, Vec<Found>> = BTreeMap::new();
    for (path, bytes) in inventory {
        let file = files::display(&root.join(path));
        let Some(device) = device_of(path) else {
            unused.push(Unused {
                file,
                item: None,
                why: Why::NotInDeviceFolder,
            });
            continue;
        };
        if !known.contains(device.as_str()) {
            unused.push(Unused {
                file,
                item: None,
                why: Why::NoDeviceFacts(device),
            });
            continue;
        }
        match load(bytes) {
            Ok(loaded) => {
                let found = per_device.entry(device).or_default();
                for tag in loaded.tags {
                    found.push(Found {
                        file: file.clone(),
                        fact: project(&tag.parsed.tag),
                    });
                }
            }
            Err(e) => unused.push(Unused {
                file,
                item: None,
                why: Why::Unreadable(match e.pos {
                    Some((line, col)) => format!("{line}:{col}: {}", e.message),
                    None => e.message,
                }),
            }),
        }
    }

    // Where each software identity was first seen, and its facts.
    let mut software: BTreeMap<String, (String, Software)> = BTreeMap::new();
    for (device, mut found) in per_device {
        let mut fact_list: Vec<SoftwareFact> = found.iter().map(|f| f.fact.clone()).collect();
        itam_swid::project::apply_supplements(&mut fact_list);
        for (f, fact) in found.iter_mut().zip(fact_list) {
            f.fact = fact;
        }
        let primaries: BTreeSet<String> = found
            .iter()
            .filter(|f| f.fact.creates_installation())
            .map(|f| f.fact.software.tag_id.as_str().to_owned())
            .collect();
        let mut installed: BTreeMap<String, String> = BTreeMap::new();
        for Found { file, fact } in found {
            let tag_id = fact.software.tag_id.as_str().to_owned();
            let item = Some(format!("tag:{tag_id}"));
            if !fact.creates_installation() {
                unused.push(Unused {
                    file,
                    item,
                    why: Why::NotPrimary(how_used(&fact, &primaries)),
                });
                continue;
            }
            if let Some(first) = installed.get(&tag_id) {
                unused.push(Unused {
                    file,
                    item,
                    why: Why::DuplicateTag(first.clone()),
                });
                continue;
            }
            match software.get(&tag_id) {
                Some((first, known)) if *known != fact.software => {
                    unused.push(Unused {
                        file: file.clone(),
                        item: item.clone(),
                        why: Why::ConflictingIdentity(first.clone()),
                    });
                }
                Some(_) => {}
                None => {
                    software.insert(tag_id.clone(), (file.clone(), fact.software.clone()));
                }
            }
            if let Some(mut installation) = fact.installation(AssetId::new(device.as_str())) {
                installation.user = facts.device_users.get(&device).cloned();
                estate.installations.push(installation);
            }
            installed.insert(tag_id, file);
        }
    }
    estate
        .software
        .extend(software.into_values().map(|(_, s)| s));
    for peak in &facts.usage_peaks {
        if estate.software.iter().any(|s| s.tag_id == peak.software) {
            estate.usage_peaks.push(peak.clone());
        } else {
            unused.push(Unused {
                file: DEVICES_FILE.into(),
                item: Some(format!("tag:{}", peak.software)),
                why: Why::DeviceFacts(format!(
                    "a usage peak of tag {:?}, which no primary tag of the inventory has; left out",
                    peak.software.as_str()
                )),
            });
        }
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

/// How a tag that creates no installation was used.
fn how_used(fact: &SoftwareFact, primaries: &BTreeSet<String>) -> String {
    let names = |ids: &[itam_core::TagId]| {
        ids.iter()
            .map(|t| format!("tag:{t}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match fact.tag_type {
        TagType::Corpus => "a corpus tag describes installation media, not an installation".into(),
        TagType::Patch if fact.patches.is_empty() => {
            "a patch tag; it names no tag it patches, and creates no installation of its own".into()
        }
        TagType::Patch => format!(
            "a patch of {}; it creates no installation of its own",
            names(&fact.patches)
        ),
        TagType::Supplemental => {
            let (applied, missing): (Vec<_>, Vec<_>) = fact
                .supplements
                .iter()
                .cloned()
                .partition(|t| primaries.contains(t.as_str()));
            let mut how = String::from("a supplemental tag");
            if !applied.is_empty() {
                how.push_str(&format!("; applied to {}", names(&applied)));
            }
            if !missing.is_empty() {
                how.push_str(&format!(
                    "; {} not found on this device, not applied there",
                    names(&missing)
                ));
            }
            if fact.supplements.is_empty() {
                how.push_str("; it names no tag it supplements, and was not applied");
            }
            how
        }
        _ => format!("a {} tag creates no installation", fact.tag_type.as_str()),
    }
}
