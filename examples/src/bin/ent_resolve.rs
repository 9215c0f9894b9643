//! Read Ent files and resolve each chain into its effective entitlement.
//!
//! `cargo run -p itam-examples --bin ent_resolve [FILE…]` — without files, eight Ents of the
//! CLI's demo estate are read: a per-core database licence and its transfer to a new
//! licensee, an office licence and its allocation to the Lyon site, a CRM subscription, its
//! add-on and the consolidation that merges both, and a site licence. The Ents are given in
//! no particular order; `resolve_all` finds each base and applies its supplemental Ents.

use itam_ent::read;
use itam_ent::resolve::{Status, resolve_all};

/// The demo Ents, by file name (a chain's members need not be next to each other).
const DEMO: [(&str, &str); 8] = [
    (
        "database-cores-transfer.ent",
        include_str!("../../../itam-cli/demo/entitlements/database-cores-transfer.ent"),
    ),
    (
        "office-2024-lyon.ent",
        include_str!("../../../itam-cli/demo/entitlements/office-2024-lyon.ent"),
    ),
    (
        "crm-consolidated.ent",
        include_str!("../../../itam-cli/demo/entitlements/saas/crm-consolidated.ent"),
    ),
    (
        "database-cores.ent",
        include_str!("../../../itam-cli/demo/entitlements/database-cores.ent"),
    ),
    (
        "crm-2025.ent",
        include_str!("../../../itam-cli/demo/entitlements/saas/crm-2025.ent"),
    ),
    (
        "office-2024.ent",
        include_str!("../../../itam-cli/demo/entitlements/office-2024.ent"),
    ),
    (
        "crm-2025-addon.ent",
        include_str!("../../../itam-cli/demo/entitlements/saas/crm-2025-addon.ent"),
    ),
    (
        "shield-site.ent",
        include_str!("../../../itam-cli/demo/entitlements/shield-site.ent"),
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files: Vec<(String, String)> = match std::env::args().skip(1).collect::<Vec<_>>() {
        paths if paths.is_empty() => DEMO
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect(),
        paths => paths
            .into_iter()
            .map(|p| std::fs::read_to_string(&p).map(|text| (p, text)))
            .collect::<Result<_, _>>()?,
    };

    // Strict reading: a file that is not a well-formed Ent is named with its line and column.
    let mut ents = Vec::new();
    for (name, text) in &files {
        match read(text.as_bytes()) {
            Ok(parsed) => ents.push(parsed.value),
            Err(e) => println!("{name}: not read: {e}"),
        }
    }
    println!("read {} Ent(s)\n", ents.len());

    // One resolution per base, in id order.
    for (base, resolution) in resolve_all(&ents) {
        let Some(eff) = &resolution.effective else {
            println!("{base}: refused\n{}", resolution.report);
            continue;
        };
        let status = match &eff.status {
            Status::Active => "active".to_owned(),
            Status::Consolidated { into } => format!("consolidated into {into}"),
            Status::Revoked { by } => format!("revoked by {by}"),
            Status::Archived { by } => format!("archived by {by}"),
            other => format!("{other:?}"),
        };
        println!("{base} \"{}\": {status}", eff.name);
        let names = |entities: &[itam_ent::Entity]| {
            entities
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("  licensee: {}", names(&eff.licensees));
        if !eff.former_licensees.is_empty() {
            println!("  formerly: {}", names(&eff.former_licensees));
        }
        for r in &eff.rights {
            // A right may be counted (quantity and metric), unlimited, or not measured at all.
            let counted = match (r.quantity, &r.metric) {
                (Some(q), Some(m)) => format!(" {q} {}", m.as_str()),
                (Some(q), None) => format!(" {q}"),
                (None, Some(m)) if r.unlimited => format!(" unlimited {}", m.as_str()),
                _ => String::new(),
            };
            print!("  right {}{counted}", r.right.as_str());
            if let Some(left) = r.available().filter(|_| !r.allocated.is_zero()) {
                print!(" ({} allocated, {left} left)", r.allocated);
            }
            println!();
        }
        for a in &eff.allocations {
            println!(
                "  allocation {}: {} {} to {}",
                a.ent_id,
                a.quantity,
                a.metric.as_str(),
                names(&a.allocatees)
            );
        }
        if !eff.consolidated_from.is_empty() {
            let from: Vec<&str> = eff.consolidated_from.iter().map(|id| id.as_str()).collect();
            println!("  merges: {}", from.join(", "));
        }
        if !eff.applied.is_empty() {
            let applied: Vec<&str> = eff.applied.iter().map(|id| id.as_str()).collect();
            println!("  applied: {}", applied.join(", "));
        }
        println!();
    }
    Ok(())
}
