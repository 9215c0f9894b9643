//! `itam ent show`: the effective entitlement of each chain among the Ents given.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use itam_core::EntId;
use itam_core::diag::Finding;
use itam_ent::resolve::{Effective, EffectiveRight, Status, resolve_all};
use itam_ent::{Ent, Entity};
use serde::Serialize;

use super::ShowArgs;
use super::load::{load_file, wanted, warn_ignored};
use crate::files;
use crate::progress::Progress;
use crate::report::{FINDINGS, OK, UNREADABLE, finding_line, print, print_json, warn};

/// One chain in the `--json` shape.
#[derive(Debug, Serialize)]
struct Chain<'a> {
    /// The Ent the chain was resolved for (its base).
    base: &'a EntId,
    /// The files its Ents came from, sorted.
    files: Vec<&'a str>,
    /// The effective entitlement; absent when the chain was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    effective: Option<&'a Effective>,
    /// What the resolution found.
    findings: &'a [Finding],
}

pub(super) fn run(args: &ShowArgs) -> u8 {
    let expanded = files::expand(&args.paths, |p| wanted(p, false));
    let mut status = OK;
    let mut ents: Vec<Ent> = Vec::new();
    // Which files each Ent id came from (an Ent may be given twice).
    let mut sources: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let progress = Progress::new(expanded.len(), "reading");
    for entry in &expanded {
        let (file, loaded) = match entry {
            Ok(input) => (
                files::display(&input.path),
                load_file(&input.path).map_err(|e| e.located()),
            ),
            Err((path, e)) => (files::display(path), Err(format!("cannot read: {e}"))),
        };
        match loaded {
            Ok(loaded) => {
                warn_ignored(&file, &loaded);
                for doc in loaded.docs {
                    sources
                        .entry(doc.ent.ent_id.as_str().to_owned())
                        .or_default()
                        .insert(file.clone());
                    ents.push(doc.ent);
                }
            }
            Err(message) => {
                warn(&format!("{file}: error: {message}"));
                status = UNREADABLE;
            }
        }
        progress.inc();
    }
    progress.finish();

    let resolved = resolve_all(&ents);
    let chains: Vec<Chain<'_>> = resolved
        .iter()
        .map(|(base, resolution)| {
            let effective = resolution.effective.as_ref();
            // The base, what was applied to it, and the Ents the findings are about.
            let mut ids: BTreeSet<&str> = BTreeSet::from([base.as_str()]);
            if let Some(eff) = effective {
                ids.extend(eff.applied.iter().map(EntId::as_str));
                ids.extend(eff.consolidated_from.iter().map(EntId::as_str));
            }
            ids.extend(
                resolution
                    .report
                    .findings()
                    .iter()
                    .filter_map(|f| f.location.path.strip_prefix("ent:")),
            );
            // And every Ent the resolution accounts for (a refused chain's supplementals, the
            // members of a cycle).
            ids.extend(resolution.ents.iter().map(EntId::as_str));
            let files: BTreeSet<&str> = ids
                .into_iter()
                .filter_map(|id| sources.get(id))
                .flatten()
                .map(String::as_str)
                .collect();
            Chain {
                base,
                files: files.into_iter().collect(),
                effective,
                findings: resolution.report.findings(),
            }
        })
        .collect();
    if chains.iter().any(|c| c.effective.is_none()) && status == OK {
        status = FINDINGS;
    }
    if args.json {
        if !print_json(&chains) {
            return UNREADABLE;
        }
    } else {
        let text: Vec<String> = chains.iter().map(chain_text).collect();
        print(&text.join("\n"));
    }
    status
}

/// The readable form of one chain.
fn chain_text(chain: &Chain<'_>) -> String {
    let mut out = String::new();
    match chain.effective {
        Some(eff) => effective_text(&mut out, eff),
        None => {
            let _ = writeln!(out, "ent:{}: refused", chain.base);
        }
    }
    if !chain.files.is_empty() {
        let _ = writeln!(out, "  files ({}):", chain.files.len());
        for file in &chain.files {
            let _ = writeln!(out, "    {file}");
        }
    }
    if !chain.findings.is_empty() {
        let _ = writeln!(out, "  findings ({}):", chain.findings.len());
        for finding in chain.findings {
            let _ = writeln!(out, "    {}", finding_line(finding));
        }
    }
    out
}

fn effective_text(out: &mut String, eff: &Effective) {
    let _ = writeln!(out, "{} (ent:{})", eff.name, eff.ent_id);
    let status = match &eff.status {
        Status::Active => "active".to_owned(),
        Status::Revoked { by } => format!("revoked by ent:{by}"),
        Status::Archived { by } => format!("archived by ent:{by}"),
        Status::Consolidated { into } => format!("consolidated into ent:{into}"),
        other => format!("{other:?}"),
    };
    field(out, "status", &status);
    if let Some(t) = &eff.entitlement_type {
        field(out, "type", t.as_str());
    }
    if let Some(issued) = &eff.issued {
        field(out, "issued", &issued.to_rfc3339());
    }
    for (name, parties) in [
        ("licensor", &eff.licensors),
        ("licensee", &eff.licensees),
        ("former licensee", &eff.former_licensees),
    ] {
        for party in parties {
            field(out, name, &entity(party));
        }
    }
    // Resellers, distributors, purchasers, the Ent's creator…: with every role they have.
    for party in &eff.other_entities {
        let roles: Vec<&str> = party.role.iter().map(|r| r.as_str()).collect();
        field(
            out,
            "party",
            &format!("{} ({})", entity(party), roles.join(" ")),
        );
    }
    let _ = writeln!(out, "  rights ({}):", eff.rights.len());
    for right in &eff.rights {
        let _ = writeln!(out, "    {}", right_line(right));
    }
    if !eff.allocations.is_empty() {
        let _ = writeln!(out, "  allocations ({}):", eff.allocations.len());
        for a in &eff.allocations {
            let to: Vec<String> = a.allocatees.iter().map(entity).collect();
            let mut line = format!(
                "ent:{} from ent:{}: {} {} {} to {}",
                a.ent_id,
                a.parent,
                a.right.as_str(),
                a.quantity,
                a.metric.as_str(),
                if to.is_empty() {
                    "(no allocatee)".to_owned()
                } else {
                    to.join(", ")
                }
            );
            if !a.sub_allocated.is_zero() {
                let _ = write!(line, ", {} allocated on", a.sub_allocated);
            }
            if let Some(by) = &a.revoked_by {
                let _ = write!(line, ", revoked by ent:{by}");
            }
            let _ = writeln!(out, "    {line}");
        }
    }
    if !eff.consolidated_from.is_empty() {
        let ids: Vec<String> = eff
            .consolidated_from
            .iter()
            .map(|id| format!("ent:{id}"))
            .collect();
        field(out, "consolidates", &ids.join(", "));
    }
    if !eff.applied.is_empty() {
        let ids: Vec<String> = eff.applied.iter().map(|id| format!("ent:{id}")).collect();
        field(out, "applied", &ids.join(", "));
    }
    for c in &eff.contracts {
        let mut line = c
            .contract_id
            .clone()
            .or_else(|| c.name.clone())
            .unwrap_or_else(|| "(no id)".to_owned());
        if let Some(p) = period(c.start_date, c.end_date) {
            let _ = write!(line, ", {p}");
        }
        field(out, "contract", &line);
    }
    for o in &eff.order_info {
        let mut line = o.order_id.clone().unwrap_or_else(|| "(no id)".to_owned());
        if let Some(q) = &o.quantity {
            let _ = write!(line, ", quantity {q}");
        }
        if let Some(d) = &o.order_date {
            let _ = write!(line, ", {d}");
        }
        field(out, "order", &line);
    }
    for i in &eff.invoice_data {
        let mut line = i.invoice_id.clone().unwrap_or_else(|| "(no id)".to_owned());
        if let Some(amount) = &i.amount {
            let _ = write!(line, ", {amount}");
            if let Some(currency) = &i.currency {
                let _ = write!(line, " {currency}");
            }
        }
        field(out, "invoice", &line);
    }
}

fn right_line(right: &EffectiveRight) -> String {
    let mut line = right.right.as_str().to_owned();
    if let Some(metric) = &right.metric {
        let _ = write!(line, ", {}", metric.as_str());
        if let Some(unit) = &right.unit {
            let _ = write!(line, " ({unit})");
        }
        let _ = match (right.quantity, right.unlimited) {
            (Some(q), _) => write!(
                line,
                ": {q} (allocated {}, available {})",
                right.allocated,
                right.available().unwrap_or_default()
            ),
            (None, true) => write!(line, ": unlimited (allocated {})", right.allocated),
            (None, false) => write!(line, ": not counted"),
        };
    }
    for limit in &right.limits {
        let _ = write!(line, "; limit {}", limit.limit_type.as_str());
        if let Some(value) = &limit.value {
            let _ = write!(line, " {value:?}");
        }
        for time in &limit.limit_time {
            let rfc3339 = |t: &itam_ent::model::Timestamp| t.to_rfc3339();
            if let Some(p) = period(
                time.start.as_ref().map(rfc3339),
                time.end.as_ref().map(rfc3339),
            ) {
                let _ = write!(line, " {p}");
            }
            if let Some(duration) = &time.duration {
                let _ = write!(line, " for {duration}");
                if let Some(unit) = &time.duration_unit {
                    let _ = write!(line, " {}", unit.as_str());
                }
            }
        }
    }
    for v in &right.valid_versions {
        let _ = write!(line, "; versions {}", v.range);
        if let Some(tag) = &v.tag_id {
            let _ = write!(line, " of swid:{tag}");
        }
    }
    line
}

/// `A to B`, `from A`, `until B`, or nothing.
fn period<T: std::fmt::Display>(start: Option<T>, end: Option<T>) -> Option<String> {
    match (start, end) {
        (Some(start), Some(end)) => Some(format!("{start} to {end}")),
        (Some(start), None) => Some(format!("from {start}")),
        (None, Some(end)) => Some(format!("until {end}")),
        (None, None) => None,
    }
}

fn entity(e: &Entity) -> String {
    match &e.regid {
        Some(regid) => format!("{} [{regid}]", e.name),
        None => e.name.clone(),
    }
}

/// One `  name:  value` line, values aligned.
fn field(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "  {:<17}{value}", format!("{name}:"));
}
