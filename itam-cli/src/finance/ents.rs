//! The `--entitlements` of `itam finance reconcile`: Ent files read (with the `ent` group's
//! loader) and their chains resolved; what each effective Ent bought comes from
//! [`itam_ent::purchase::bought`] (its entitlements with allocations folded back, and its
//! `OrderInfo` and `InvoiceData` as purchase records, a consolidation's with those of the Ents
//! it merges). This file only reads files and says what was left out on standard error.

use std::collections::BTreeSet;
use std::path::PathBuf;

use itam_core::estate::Entitlement;
use itam_core::finance::EntitlementPurchase;
use itam_ent::Ent;
use itam_ent::purchase::{LeftOut, bought};
use itam_ent::resolve::resolve_all;

use crate::ent::load::{load_file_with, wanted, warn_ignored};
use crate::files;
use crate::progress::Progress;
use crate::report::{at, finding_line, warn};

/// The entitlements and their purchase data.
#[derive(Debug, Default)]
pub(crate) struct EntInput {
    /// One per counted right of each active chain, allocations folded back.
    pub entitlements: Vec<Entitlement>,
    /// The purchase data of those entitlements.
    pub purchases: Vec<EntitlementPurchase>,
}

/// Reads, resolves and projects the Ents under `paths`. `None` (after naming each on standard
/// error as `FILE: error: MESSAGE`, with line and column where the reader gives them) when a
/// file could not be read or parsed.
pub(crate) fn read(paths: &[PathBuf], limits: &itam_intake::Options) -> Option<EntInput> {
    let mut ents: Vec<Ent> = Vec::new();
    let mut failed = false;
    let expanded = files::expand(paths, |p| wanted(p, false));
    let progress = Progress::new(expanded.len(), "reading");
    for entry in expanded {
        match entry {
            Ok(input) => {
                let file = files::display(&input.path);
                match load_file_with(&input.path, limits) {
                    Ok(loaded) => {
                        warn_ignored(&file, &loaded);
                        ents.extend(loaded.docs.into_iter().map(|d| d.ent));
                    }
                    Err(e) => {
                        warn(&format!("{}error: {}", at(&file, e.pos), e.message));
                        failed = true;
                    }
                }
            }
            Err((path, e)) => {
                warn(&format!(
                    "{}: error: cannot read: {e}",
                    files::display(&path)
                ));
                failed = true;
            }
        }
        progress.inc();
    }
    progress.finish();
    if failed {
        return None;
    }
    let mut out = EntInput::default();
    let mut ids = BTreeSet::new();
    let resolutions = resolve_all(&ents);
    for (base, resolution) in &resolutions {
        let Some(eff) = &resolution.effective else {
            warn(&format!(
                "itam: warning: ent:{base} is refused and left out: {}",
                resolution
                    .report
                    .findings()
                    .iter()
                    .map(finding_line)
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            continue;
        };
        let bought = match bought(eff, &resolutions) {
            Ok(b) => b,
            // Revoked, archived and consolidated chains count nothing.
            Err(LeftOut::NotActive) => continue,
            Err(why @ LeftOut::Overflow(_)) => {
                warn(&format!("itam: warning: ent:{base} is left out: {why}"));
                continue;
            }
            Err(why) => {
                warn(&format!("itam: note: ent:{base} is {why}, left out"));
                continue;
            }
        };
        for source in &bought.sources_unfound {
            warn(&format!(
                "itam: warning: ent:{base} consolidates ent:{source}, which is refused: its order and invoice lines are left out"
            ));
        }
        for entitlement in bought.entitlements {
            if !ids.insert(entitlement.id.clone()) {
                warn(&format!(
                    "itam: warning: entitlement id {} is already taken; ent:{base}'s is left out",
                    entitlement.id
                ));
                continue;
            }
            out.purchases.extend(
                bought
                    .purchases
                    .iter()
                    .filter(|p| p.ent == entitlement.id)
                    .cloned(),
            );
            out.entitlements.push(entitlement);
        }
    }
    Some(out)
}
