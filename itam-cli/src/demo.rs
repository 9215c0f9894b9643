//! `itam demo`: an embedded demo estate taken from files to an explained license position.
//!
//! Northwind Ltd, a small organisation on three sites (Paris, Lyon, London): a two-host
//! virtualised cluster running per-core database software, desktops with an office suite and a
//! design suite, a SaaS CRM counted per named user, endpoint protection under a site licence,
//! and a FOSS editor under a copyleft licence. Its SWID tags, device facts and Ent files (an
//! allocation, a transfer, a consolidation and an expired subscription among them) are in
//! `itam-cli/demo/`, compiled into the binary, and go through the same [`pipeline`] as files
//! on disk, reconciled on a fixed as-of date so the output is the same on every run.
//!
//! `itam demo --export DIR` writes those files to a folder so the other verbs can be run on
//! them; `itam demo --cms` runs the configuration-management walkthrough ([`cms`]), and
//! `itam demo --itam` the joined system: Northwind's CMS ([`northwind`]) against discovery, its
//! nonconformities and indicators.

mod cms;
pub(crate) mod northwind;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use clap::Args;
use itam_core::cms::Cms;
use itam_core::diag::Severity;
use itam_core::estate::Estate;
use itam_ent::resolve::{Status, resolve_all};
use itam_reconcile::{Policy, Position, reconcile_both};

use crate::pipeline::{self, Contents, Unused};
use crate::report::{print, warn};

/// `itam demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Runs the configuration-management walkthrough instead (a release through the CMS and
    /// the definitive media library of ISO/IEC 19770-1).
    #[arg(long, conflicts_with_all = ["export", "itam"])]
    cms: bool,
    /// Runs the joined-system walkthrough instead: Northwind's CMS checked against what
    /// discovery found (drift, unauthorised software, a self-approved change), nonconformities
    /// opened for the findings, and the ITAM indicators.
    #[arg(long, conflicts_with = "export")]
    itam: bool,
    /// Writes the demo's files (devices.json, inventory/, entitlements/, and the estate
    /// they make, estate.json) to DIR, created if needed, instead of reconciling them. An
    /// existing file is not overwritten.
    #[arg(long, value_name = "DIR")]
    export: Option<PathBuf>,
}

/// The as-of date of the demo's position.
const AS_OF: (i32, u32, u32) = (2026, 10, 1);

/// The demo's files, relative to `itam-cli/demo/`.
macro_rules! embedded {
    ($($path:literal,)*) => {
        &[$(($path, include_bytes!(concat!("../demo/", $path)) as &[u8]),)*]
    };
}

/// Every file of the demo estate, by path relative to its root, sorted.
pub(crate) const FILES: &[(&str, &[u8])] = embedded![
    "README.md",
    "devices.json",
    "entitlements/database-cores-transfer.ent",
    "entitlements/database-cores.ent",
    "entitlements/design-suite-2025.ent",
    "entitlements/foss/editor-gpl.ent",
    "entitlements/office-2024-lyon.ent",
    "entitlements/office-2024.ent",
    "entitlements/saas/crm-2025-addon.ent",
    "entitlements/saas/crm-2025.ent",
    "entitlements/saas/crm-consolidated.ent",
    "entitlements/shield-site.ent",
    "finance/cms.json",
    "finance/ledger.csv",
    "inventory/db-vm-1/example-database-19.22-patch.swidtag",
    "inventory/db-vm-1/example-database-19.swidtag",
    "inventory/db-vm-1/example-shield-12.swidtag",
    "inventory/db-vm-2/example-database-19.swidtag",
    "inventory/db-vm-2/example-shield-12.swidtag",
    "inventory/lab-07/example-design-suite-9.swidtag",
    "inventory/lab-07/example-office-pro-2024.swidtag",
    "inventory/ws-lon-01/example-crm-connector-5.swidtag",
    "inventory/ws-lon-01/example-editor-3.swidtag",
    "inventory/ws-lon-01/example-office-pro-2024.swidtag",
    "inventory/ws-lon-01/example-shield-12.swidtag",
    "inventory/ws-lyo-01/example-crm-connector-5.swidtag",
    "inventory/ws-lyo-01/example-office-pro-2024.swidtag",
    "inventory/ws-lyo-01/example-shield-12.swidtag",
    "inventory/ws-lyo-02/example-crm-connector-5.swidtag",
    "inventory/ws-lyo-02/example-design-suite-9.swidtag",
    "inventory/ws-lyo-02/example-office-pro-2024.swidtag",
    "inventory/ws-lyo-02/example-shield-12.swidtag",
    "inventory/ws-par-01/example-crm-connector-5.swidtag",
    "inventory/ws-par-01/example-office-pro-2024-media.swidtag",
    "inventory/ws-par-01/example-office-pro-2024.swidtag",
    "inventory/ws-par-01/example-shield-12.swidtag",
    "inventory/ws-par-02/example-crm-connector-5.swidtag",
    "inventory/ws-par-02/example-editor-3.swidtag",
    "inventory/ws-par-02/example-office-pro-2024.swidtag",
    "inventory/ws-par-02/example-shield-12.swidtag",
    "inventory/ws-par-03/example-design-suite-9-supplement.swidtag",
    "inventory/ws-par-03/example-design-suite-9.swidtag",
    "inventory/ws-par-03/example-office-pro-2024.swidtag",
    "inventory/ws-par-03/example-shield-12.swidtag",
];

/// Runs `itam demo`.
pub(crate) fn run(args: &DemoArgs) -> ExitCode {
    if args.cms {
        print(&cms::run());
        return ExitCode::SUCCESS;
    }
    if args.itam {
        return match itam_text() {
            Ok(text) => {
                print(&text);
                ExitCode::SUCCESS
            }
            Err(e) => {
                warn(&format!("itam: the demo estate does not reconcile: {e}"));
                ExitCode::FAILURE
            }
        };
    }
    if let Some(dir) = &args.export {
        return match export(dir) {
            Ok(written) => {
                print(&format!(
                    "wrote the demo estate ({written} files) to {}\n\
                     next: itam swid validate {0}/inventory ; itam ent show {0}/entitlements ; itam reconcile --as-of 2026-10-01 {0}/estate.json\n",
                    dir.display()
                ));
                ExitCode::SUCCESS
            }
            Err(e) => {
                warn(&format!("itam: {e}"));
                ExitCode::from(crate::report::UNREADABLE)
            }
        };
    }
    match position_text() {
        Ok(text) => {
            print(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            warn(&format!("itam: the demo estate does not reconcile: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// The as-of date.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap_or_default()
}

/// The demo's files as the pipeline takes them.
fn contents() -> Contents {
    let mut contents = Contents {
        inventory_root: PathBuf::from(pipeline::INVENTORY_DIR),
        ..Contents::default()
    };
    for (path, bytes) in FILES {
        let owned = (PathBuf::from(path), bytes.to_vec());
        if *path == pipeline::DEVICES_FILE {
            contents.devices = Some(owned);
        } else if let Some(rest) = path.strip_prefix("inventory/") {
            contents
                .inventory
                .push((PathBuf::from(rest), bytes.to_vec()));
        } else if path.starts_with("entitlements/") {
            contents.entitlements.push(owned);
        }
    }
    contents
}

/// The demo estate and what in it was not used.
pub(crate) fn estate() -> (Estate, Vec<Unused>) {
    pipeline::build(&contents())
}

/// What `itam demo` prints.
pub(crate) fn position_text() -> Result<String, itam_reconcile::ReconcileError> {
    let (estate, unused) = estate();
    let both = reconcile_both(&estate, &Policy::new(as_of()))?;
    let position = &both.priority;
    let mut out = String::new();
    let tags = FILES
        .iter()
        .filter(|(p, _)| p.starts_with("inventory/"))
        .count();
    let ents = FILES
        .iter()
        .filter(|(p, _)| p.starts_with("entitlements/"))
        .count();
    let _ = writeln!(
        out,
        "itam demo: Northwind Ltd, three sites (Paris, Lyon, London), as of {}.\n\
         \n\
         From {tags} SWID tag files in inventory/<device>/, the device facts in devices.json and\n\
         {ents} Ent files in entitlements/ (an allocation, a transfer, a consolidation, an expired\n\
         subscription), the pipeline built an estate of {} devices, {} users, {} software\n\
         identities, {} installations and {} entitlements, and reconciled it.\n",
        as_of(),
        estate.devices.len(),
        estate.users.len(),
        estate.software.len(),
        estate.installations.len(),
        estate.entitlements.len(),
    );
    let _ = writeln!(out, "== The entitlement chains the Ents resolve to\n");
    out.push_str(&chains(&estate));
    let _ = writeln!(out, "\n== The effective license position (priority mode)\n");
    out.push_str(&position.to_table());
    let _ = writeln!(
        out,
        "The optimal mode (maximum coverage, then minimum cost) covers {} more unit(s) at a cost difference of {}.\n",
        both.gap.covered,
        both.gap.cost_text()
    );
    let _ = writeln!(
        out,
        "== Why: every consumer not fully covered, and each entitlement it was weighed against\n"
    );
    out.push_str(&shortfalls(position));
    let _ = writeln!(
        out,
        "\n== Not used, or used only in part, and why ({})\n",
        unused.len()
    );
    for item in &unused {
        let _ = writeln!(out, "  {item}");
    }
    let _ = writeln!(
        out,
        "\n== Next\n\n\
         \x20 itam demo --export northwind          write these files to ./northwind\n\
         \x20 itam swid validate northwind/inventory\n\
         \x20 itam swid show northwind/inventory/db-vm-1\n\
         \x20 itam ent validate northwind/entitlements\n\
         \x20 itam ent show northwind/entitlements\n\
         \x20 itam reconcile --as-of 2026-10-01 --mode both northwind/estate.json\n\
         \x20                                      the estate the demo built, in both modes\n\
         \x20 itam finance reconcile --cms northwind/finance/cms.json --ledger northwind/finance/ledger.csv --entitlements northwind/entitlements\n\
         \x20 itam demo --cms                       the configuration-management walkthrough"
    );
    Ok(out)
}

/// Northwind's CMS ([`northwind`]) over the demo's discovered `estate`.
pub(crate) fn northwind_cms(estate: &Estate) -> Cms {
    let finance = FILES
        .iter()
        .find(|(p, _)| *p == "finance/cms.json")
        .and_then(|(_, bytes)| serde_json::from_slice::<Cms>(bytes).ok())
        .unwrap_or_default();
    northwind::cms(estate, &finance)
}

/// What `itam demo --itam` prints.
pub(crate) fn itam_text() -> Result<String, itam_reconcile::ReconcileError> {
    let (estate, _) = estate();
    let mut cms = northwind_cms(&estate);
    let entries = cms.trail().len();
    let verified = if cms.verify_trail().is_ok() {
        "it verifies: hash chain, replay and store agree"
    } else {
        "it does NOT verify"
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "itam demo --itam: Northwind's CMS against what discovery found, as of {}.\n\
         \n\
         The CMS records the demo's devices and software, each installation released from the\n\
         definitive media library under change CHG-NW-1, all through its own commands under an\n\
         authority table: {entries} audit entries, and {verified}.\n\
         Three defects were left in it on purpose: Office Pro 2021 recorded on {} where 2024\n\
         is found, the editor on {} recorded with no release, and change {} that its\n\
         requester tried to authorize.\n",
        as_of(),
        northwind::DRIFT_DEVICE,
        northwind::UNRELEASED_DEVICE,
        northwind::SELF_APPROVED,
    );
    let report = crate::cms::findings(&cms, Some(&estate));
    let _ = writeln!(out, "== What `itam cms check` finds\n");
    out.push_str(&crate::cms::check_text("cms.json", &report, &[]));
    let _ = writeln!(
        out,
        "\n== A nonconformity opened for each error and warning (19770-1 10.1)\n"
    );
    let opened = Utc
        .with_ymd_and_hms(2026, 9, 15, 9, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mut n = 0;
    for finding in report.findings() {
        if finding.severity == Severity::Info {
            continue;
        }
        n += 1;
        let id = format!("NC-{n}");
        match cms.open_nonconformity(id.as_str(), finding, "service-desk", opened) {
            Ok(()) => {
                let _ = writeln!(out, "  {id}: {} at {}", finding.rule, finding.location.path);
            }
            Err(e) => {
                let _ = writeln!(out, "  {id}: refused: {e}");
            }
        }
    }
    let measured = crate::cms::indicators(&cms, Some(&estate), start_of_day(as_of()))?;
    let _ = writeln!(out, "\n== The ITAM report (`itam cms report`)\n");
    out.push_str(&crate::cms::report_text(&cms, &measured));
    let _ = writeln!(
        out,
        "\n== Next\n\n\
         \x20 itam demo --export northwind\n\
         \x20 itam cms check northwind/cms.json --discovered northwind\n\
         \x20 itam cms report northwind/cms.json --discovered northwind --as-of 2026-10-01"
    );
    Ok(out)
}

/// Midnight UTC at the start of `day`.
fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// One line per resolved Ent chain: its base, status, licensee (and former ones), its end
/// date (from the estate's entitlement of the same id), what was allocated from it and what it
/// consolidates.
fn chains(estate: &Estate) -> String {
    let mut ents = Vec::new();
    for (path, bytes) in FILES {
        if path.starts_with("entitlements/") {
            if let Ok(loaded) = crate::ent::load::load(bytes) {
                ents.extend(loaded.docs.into_iter().map(|d| d.ent));
            }
        }
    }
    let mut out = String::new();
    for (base, resolution) in resolve_all(&ents) {
        let Some(eff) = resolution.effective else {
            let _ = writeln!(out, "  ent:{base}: refused");
            continue;
        };
        let status = match &eff.status {
            Status::Active => "active".to_owned(),
            Status::Consolidated { into } => format!("consolidated into ent:{into}"),
            Status::Revoked { by } => format!("revoked by ent:{by}"),
            Status::Archived { by } => format!("archived by ent:{by}"),
            other => format!("{other:?}"),
        };
        let names = |entities: &[itam_ent::Entity]| {
            entities
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut line = format!(
            "  ent:{base} \"{}\": {status}, licensee {}",
            eff.name,
            names(&eff.licensees)
        );
        let end = estate
            .entitlements
            .iter()
            .filter(|e| e.id.as_str() == base.as_str())
            .find_map(|e| e.end);
        if let Some(end) = end {
            let word = if end < as_of() { "ended" } else { "ends" };
            let _ = write!(line, ", {word} {end}");
        }
        if !eff.former_licensees.is_empty() {
            let _ = write!(line, " (transferred from {})", names(&eff.former_licensees));
        }
        for a in &eff.allocations {
            let _ = write!(
                line,
                "; {} {} allocated to {} by ent:{}",
                a.quantity,
                a.metric.as_str(),
                names(&a.allocatees),
                a.ent_id
            );
        }
        if !eff.consolidated_from.is_empty() {
            let from: Vec<String> = eff
                .consolidated_from
                .iter()
                .map(|e| format!("ent:{e}"))
                .collect();
            let _ = write!(line, "; consolidates {}", from.join(", "));
        }
        let _ = writeln!(out, "{line}");
    }
    out
}

/// The unlicensed consumers, each with its decisions.
fn shortfalls(position: &Position) -> String {
    let mut out = String::new();
    let unlicensed: Vec<_> = position.unlicensed_consumers().collect();
    if unlicensed.is_empty() {
        out.push_str("  every consumer is covered\n");
    }
    for consumer in unlicensed {
        let _ = writeln!(
            out,
            "  {} ({}): {} of {} unit(s) covered",
            consumer.name,
            consumer.product.key(),
            consumer.covered,
            consumer.units
        );
        let decisions: Vec<_> = position
            .decisions()
            .filter(|d| d.consumer == consumer.name && d.product.key() == consumer.product.key())
            .collect();
        if decisions.is_empty() {
            out.push_str("    no entitlement covers this product\n");
        }
        for d in decisions {
            let _ = writeln!(
                out,
                "    {} {}: {}",
                d.entitlement,
                d.decision.as_str(),
                d.reason.as_str()
            );
        }
    }
    out
}

/// Writes the demo's files and the estate they make (`estate.json`) under `dir`; the number
/// of files written.
fn export(dir: &Path) -> Result<usize, String> {
    let mut written = 0;
    let write = |path: &Path, bytes: &[u8]| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    for (path, bytes) in FILES {
        write(&dir.join(path), bytes)?;
        written += 1;
    }
    let (estate, _) = estate();
    let json =
        serde_json::to_string_pretty(&estate).map_err(|e| format!("cannot write json: {e}"))?;
    write(&dir.join("estate.json"), format!("{json}\n").as_bytes())?;
    let json = serde_json::to_string_pretty(&northwind_cms(&estate))
        .map_err(|e| format!("cannot write json: {e}"))?;
    write(&dir.join("cms.json"), format!("{json}\n").as_bytes())?;
    Ok(written + 2)
}

#[cfg(test)]
mod tests;
