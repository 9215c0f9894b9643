//! A walkthrough of `itam-reconcile`: a small estate with an Oracle cluster, Windows Server
//! hosts and a seat product; the position in both modes, the gap, and why consumers are
//! unlicensed. The seat product shows the gap: a manual priority sends the EMEA laptop to the
//! one any-region seat first (Priority mode follows it), which leaves the AMER laptop with
//! nothing it may use; Optimal mode covers both.
//!
//! Run: `cargo run -p itam-examples --bin reconcile_walkthrough`

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Decision, Policy, reconcile_both};

const ESTATE: &str = r#"{
  "devices": [
    {"id": "esx-1", "cluster": "prod", "sockets": 2, "cores": 16, "processor": "Intel Xeon Gold", "org": "emea"},
    {"id": "esx-2", "cluster": "prod", "sockets": 2, "cores": 16, "processor": "Intel Xeon Gold", "org": "emea"},
    {"id": "ora-vm", "kind": "virtual", "host": "esx-1", "cores": 4, "org": "emea"},
    {"id": "win-vm-1", "kind": "virtual", "host": "esx-2", "cores": 4, "org": "emea"},
    {"id": "win-vm-2", "kind": "virtual", "host": "esx-2", "cores": 4, "org": "emea"},
    {"id": "win-vm-3", "kind": "virtual", "host": "esx-2", "cores": 4, "org": "emea"},
    {"id": "laptop-1", "org": "emea"},
    {"id": "laptop-2", "org": "amer"}
  ],
  "software": [
    {"tag_id": "oradb-19", "publisher": "Oracle", "product": "Database", "edition": "Enterprise", "version": "19.3"},
    {"tag_id": "ws-2022", "publisher": "Microsoft", "product": "Windows Server", "edition": "Standard", "version": "2022"},
    {"tag_id": "viz-5", "publisher": "Acme", "product": "Visio-like", "version": "5.0"}
  ],
  "installations": [
    {"software": "oradb-19", "device": "ora-vm"},
    {"software": "ws-2022", "device": "win-vm-1"},
    {"software": "ws-2022", "device": "win-vm-2"},
    {"software": "ws-2022", "device": "win-vm-3"},
    {"software": "viz-5", "device": "laptop-1"},
    {"software": "viz-5", "device": "laptop-2"}
  ],
  "entitlements": [
    {"id": "ORA-1", "scope": {"publisher": "Oracle", "product": "Database"}, "metric": "oracle_processor",
     "quantity": 12, "unit_cost": "47500"},
    {"id": "WSS-1", "scope": {"product": "Windows Server", "edition": "Standard"}, "metric": "windows_server_standard",
     "quantity": 32, "unit_cost": "120", "end": "2026-02-28"},
    {"id": "VIZ-EMEA", "scope": {"product": "Visio-like"}, "metric": "device", "quantity": 5, "org": "emea", "unit_cost": "300"},
    {"id": "VIZ-ANY", "scope": {"product": "Visio-like"}, "metric": "device", "quantity": 1, "unit_cost": "450", "priority": 1}
  ]
}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let estate: Estate = serde_json::from_str(ESTATE)?;
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("bad date")?;
    let both = reconcile_both(&estate, &Policy::new(as_of))?;
    // The Priority position in full: products, entitlements, totals.
    println!("{}", both.priority.to_table());

    // Both modes side by side, per product.
    println!(
        "{:<34} {:<24} {:>6} {:>17} {:>17}",
        "product", "metric", "demand", "covered P / O", "shortfall P / O"
    );
    for (p, o) in both.priority.products.iter().zip(&both.optimal.products) {
        println!(
            "{:<34} {:<24} {:>6} {:>8} / {:<6} {:>8} / {}",
            p.key(),
            p.metric.as_str(),
            p.demand,
            p.covered,
            o.covered,
            p.shortfall,
            o.shortfall
        );
    }
    let gap = &both.gap;
    println!(
        "\ngap (Optimal - Priority): covered {:+}, shortfall {:+}, cost {}",
        gap.covered, gap.shortfall, gap.cost
    );

    // Why: every rejected consumer x entitlement pair, in each mode.
    for (mode, position) in [("priority", &both.priority), ("optimal", &both.optimal)] {
        println!("\n{mode}:");
        let rejected = position
            .decisions()
            .filter(|d| d.decision == Decision::Rejected);
        for d in rejected {
            println!(
                "  {} cannot use {}: {}",
                d.consumer,
                d.entitlement,
                d.reason.as_str()
            );
        }
    }
    Ok(())
}
