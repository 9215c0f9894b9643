//! The inventory's tags: projected as they are handed over, placed on their devices when the
//! intake finishes.

use std::collections::{BTreeMap, BTreeSet};

use itam_core::AssetId;
use itam_core::estate::{Estate, Software};
use itam_swid::TagType;
use itam_swid::model::Child;
use itam_swid::project::{SoftwareFact, apply_supplements, project};

use crate::devices::DeviceFacts;
use crate::formats::tags;
use crate::unused::DEVICES_FILE;
use crate::{Unused, Why};

/// One tag input as it was handed over: where it belongs and what it holds.
#[derive(Debug)]
pub(crate) struct TagInput {
    /// The input's name.
    pub input: String,
    /// The device it was found on; none for an input outside every device folder.
    pub device: Option<String>,
    /// Its tags' facts, in order, or why it could not be read.
    pub facts: Result<Vec<SoftwareFact>, String>,
    /// What in it was left out and why (the item, the reason): an SBOM's parts that are not
    /// installed software.
    pub notes: Vec<(Option<String>, String)>,
}

/// What one inventory input gave: its facts and the notes on what was left out.
pub(crate) type Read = (Vec<SoftwareFact>, Vec<(Option<String>, String)>);

/// Reads one input's tags into their facts. Only what the estate uses is kept: each tag's
/// source map and payload (its files: the estate has no place for them, and they are most of
/// a large tag) are dropped before it is projected, tag by tag, so the facts held are a small
/// fraction of the input (see the crate docs for the measured factors).
pub(crate) fn read(bytes: &[u8]) -> Result<Read, String> {
    if let Some(sbom) = crate::formats::sbom::read(bytes) {
        let sbom = sbom?;
        return Ok((sbom.facts, sbom.notes));
    }
    let loaded = tags::load(bytes).map_err(|e| e.located())?;
    let facts = loaded
        .tags
        .into_iter()
        .map(|tag| {
            let mut tag = tag.parsed.value;
            tag.children.retain(|c| !matches!(c, Child::Payload(_)));
            project(&tag)
        })
        .collect();
    Ok((facts, Vec::new()))
}

/// One tag read from a device.
struct Found {
    input: String,
    fact: SoftwareFact,
}

/// Adds the software and installations of the inventory's tags to the estate.
pub(crate) fn add(
    inventory: Vec<TagInput>,
    facts: &DeviceFacts,
    estate: &mut Estate,
    unused: &mut Vec<Unused>,
) {
    let known: BTreeSet<&str> = facts.devices.iter().map(|d| d.id.as_str()).collect();
    // Tags per device, in input order.
    let mut per_device: BTreeMap<String, Vec<Found>> = BTreeMap::new();
    for TagInput {
        input,
        device,
        facts,
        notes,
    } in inventory
    {
        for (item, note) in notes {
            unused.push(Unused {
                input: input.clone(),
                item,
                why: Why::Note(note),
            });
        }
        let Some(device) = device else {
            unused.push(Unused {
                input,
                item: None,
                why: Why::NotInDeviceFolder,
            });
            continue;
        };
        if !known.contains(device.as_str()) {
            unused.push(Unused {
                input,
                item: None,
                why: Why::NoDeviceFacts(device),
            });
            continue;
        }
        match facts {
            Ok(list) => {
                let found = per_device.entry(device).or_default();
                for fact in list {
                    found.push(Found {
                        input: input.clone(),
                        fact,
                    });
                }
            }
            Err(message) => unused.push(Unused {
                input,
                item: None,
                why: Why::Unreadable(message),
            }),
        }
    }

    // Where each software identity was first seen, and its facts.
    let mut software: BTreeMap<String, (String, Software)> = BTreeMap::new();
    for (device, found) in per_device {
        let (inputs, mut fact_list): (Vec<String>, Vec<SoftwareFact>) =
            found.into_iter().map(|f| (f.input, f.fact)).unzip();
        apply_supplements(&mut fact_list);
        let primaries: BTreeSet<String> = fact_list
            .iter()
            .filter(|f| f.creates_installation())
            .map(|f| f.software.tag_id.as_str().to_owned())
            .collect();
        let mut installed: BTreeMap<String, String> = BTreeMap::new();
        for (input, fact) in inputs.into_iter().zip(fact_list) {
            let tag_id = fact.software.tag_id.as_str().to_owned();
            let item = Some(format!("tag:{tag_id}"));
            if !fact.creates_installation() {
                unused.push(Unused {
                    input,
                    item,
                    why: Why::NotPrimary(how_used(&fact, &primaries)),
                });
                continue;
            }
            if let Some(first) = installed.get(&tag_id) {
                unused.push(Unused {
                    input,
                    item,
                    why: Why::DuplicateTag(first.clone()),
                });
                continue;
            }
            match software.get(&tag_id) {
                Some((first, known)) if *known != fact.software => {
                    unused.push(Unused {
                        input: input.clone(),
                        item: item.clone(),
                        why: Why::ConflictingIdentity(first.clone()),
                    });
                }
                Some(_) => {}
                None => {
                    software.insert(tag_id.clone(), (input.clone(), fact.software.clone()));
                }
            }
            if let Some(mut installation) = fact.installation(AssetId::new(device.as_str())) {
                installation.user = facts.device_users.get(&device).cloned();
                estate.installations.push(installation);
            }
            installed.insert(tag_id, input);
        }
    }
    estate
        .software
        .extend(software.into_values().map(|(_, s)| s));
    let found: BTreeSet<&str> = estate.software.iter().map(|s| s.tag_id.as_str()).collect();
    // A fact naming a tag of the inventory is kept; any other is listed, `what` it was.
    let mut keep = |tag: &itam_core::TagId, what: String| {
        let kept = found.contains(tag.as_str());
        if !kept {
            unused.push(Unused {
                input: DEVICES_FILE.into(),
                item: Some(format!("tag:{tag}")),
                why: Why::DeviceFacts(format!(
                    "{what} of tag {:?}, which no primary tag of the inventory has; left out",
                    tag.as_str()
                )),
            });
        }
        kept
    };
    let peaks: Vec<_> = (facts.usage_peaks.iter())
        .filter(|x| keep(&x.software, "a usage peak".into()))
        .cloned()
        .collect();
    let measurements: Vec<_> = (facts.measurements.iter())
        .filter(|x| keep(&x.software, format!("a measurement of {:?}", x.resource)))
        .cloned()
        .collect();
    estate.usage_peaks.extend(peaks);
    estate.measurements.extend(measurements);
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
