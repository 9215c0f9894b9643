//! The entitlements' Ent files: read, resolved into effective entitlements, projected.

use std::collections::{BTreeMap, BTreeSet};

use itam_core::estate::Estate;
use itam_ent::Ent;
use itam_ent::project::project;
use itam_ent::resolve::{Status, resolve_all};

use super::{Content, Unused, Why};
use crate::ent::load::load;
use crate::files;
use crate::report::finding_line;

/// Adds the entitlements of the Ent files' chains to the estate.
pub(super) fn add(contents: &[Content], estate: &mut Estate, unused: &mut Vec<Unused>) {
    let mut ents: Vec<Ent> = Vec::new();
    // The file each Ent id was first read from.
    let mut source: BTreeMap<String, String> = BTreeMap::new();
    for (path, bytes) in contents {
        let file = files::display(path);
        match load(bytes) {
            Ok(loaded) => {
                for member in &loaded.ignored {
                    unused.push(Unused {
                        file: file.clone(),
                        item: None,
                        why: Why::Note(format!(
                            "{member}: not a member of the ent json form; ignored"
                        )),
                    });
                }
                for doc in loaded.docs {
                    source
                        .entry(doc.ent.ent_id.as_str().to_owned())
                        .or_insert_with(|| file.clone());
                    ents.push(doc.ent);
                }
            }
            Err(e) => unused.push(Unused {
                file,
                item: None,
                why: Why::Unreadable(e.located()),
            }),
        }
    }
    let file_of = |id: &str| source.get(id).cloned().unwrap_or_default();
    let mut ids: BTreeSet<String> = estate
        .entitlements
        .iter()
        .map(|e| e.id.as_str().to_owned())
        .collect();
    for (base, resolution) in resolve_all(&ents) {
        let item = Some(format!("ent:{base}"));
        let file = file_of(base.as_str());
        let Some(eff) = resolution.effective else {
            unused.push(Unused {
                file,
                item,
                why: Why::Refused(
                    resolution
                        .report
                        .findings()
                        .iter()
                        .map(finding_line)
                        .collect(),
                ),
            });
            continue;
        };
        if !eff.status.is_active() {
            unused.push(Unused {
                file,
                item,
                why: Why::NotActive(status(&eff.status)),
            });
            continue;
        }
        let projection = project(&eff);
        for note in projection.notes {
            unused.push(Unused {
                file: file.clone(),
                item: item.clone(),
                why: Why::Note(note),
            });
        }
        if projection.entitlements.is_empty() {
            unused.push(Unused {
                file: file.clone(),
                item: item.clone(),
                why: Why::Note("no counted right: nothing to reconcile".into()),
            });
        }
        for entitlement in projection.entitlements {
            if ids.insert(entitlement.id.as_str().to_owned()) {
                estate.entitlements.push(entitlement);
            } else {
                unused.push(Unused {
                    file: file.clone(),
                    item: item.clone(),
                    why: Why::Note(format!(
                        "entitlement id {} is already taken; this one is left out",
                        entitlement.id
                    )),
                });
            }
        }
    }
}

/// An inactive status in words.
fn status(status: &Status) -> String {
    match status {
        Status::Revoked { by } => format!("revoked by ent:{by}"),
        Status::Archived { by } => format!("archived by ent:{by}"),
        Status::Consolidated { into } => format!("consolidated into ent:{into}"),
        other => format!("{other:?}").to_lowercase(),
    }
}
