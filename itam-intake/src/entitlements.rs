//! The Ents: collected as they are handed over, resolved into effective entitlements and
//! projected into the estate when the intake finishes.

use std::collections::{BTreeMap, BTreeSet};

use itam_core::estate::Estate;
use itam_ent::Ent;
use itam_ent::project::project;
use itam_ent::resolve::{Status, resolve_all};

use crate::{Unused, Why, finding_line};

/// The Ents handed over so far, where each id was first read from, and the inputs that gave
/// none.
#[derive(Debug, Default)]
pub(crate) struct Ents {
    /// Every Ent, in input order.
    pub ents: Vec<Ent>,
    /// The input each Ent id was first read from.
    pub source: BTreeMap<String, String>,
    /// Inputs that could not be read, and notes on those that could, in input order.
    pub unused: Vec<Unused>,
}

impl Ents {
    /// Adds the Ents of one input.
    pub(crate) fn push(&mut self, input: &str, ents: impl IntoIterator<Item = Ent>) {
        for ent in ents {
            self.source
                .entry(ent.ent_id.as_str().to_owned())
                .or_insert_with(|| input.to_owned());
            self.ents.push(ent);
        }
    }

    /// Notes one input (`item` when the note is about one Ent).
    pub(crate) fn note(&mut self, input: &str, item: Option<String>, why: Why) {
        self.unused.push(Unused {
            input: input.to_owned(),
            item,
            why,
        });
    }

    /// Adds the entitlements of the Ents' chains to the estate.
    pub(crate) fn add(self, estate: &mut Estate, unused: &mut Vec<Unused>) {
        let Self {
            ents,
            source,
            unused: mut read,
        } = self;
        unused.append(&mut read);
        let input_of = |id: &str| source.get(id).cloned().unwrap_or_default();
        let mut ids: BTreeSet<String> = estate
            .entitlements
            .iter()
            .map(|e| e.id.as_str().to_owned())
            .collect();
        for (base, resolution) in resolve_all(&ents) {
            let item = Some(format!("ent:{base}"));
            let input = input_of(base.as_str());
            let Some(eff) = resolution.effective else {
                unused.push(Unused {
                    input,
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
                    input,
                    item,
                    why: Why::NotActive(status(&eff.status)),
                });
                continue;
            }
            let projection = project(&eff);
            for note in projection.notes {
                unused.push(Unused {
                    input: input.clone(),
                    item: item.clone(),
                    why: Why::Note(note),
                });
            }
            if projection.entitlements.is_empty() {
                unused.push(Unused {
                    input: input.clone(),
                    item: item.clone(),
                    why: Why::Note("no counted right: nothing to reconcile".into()),
                });
            }
            for entitlement in projection.entitlements {
                if ids.insert(entitlement.id.as_str().to_owned()) {
                    estate.entitlements.push(entitlement);
                } else {
                    unused.push(Unused {
                        input: input.clone(),
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
