//! A vendor embedding the intake: the bytes its agents collected in, an estate and every
//! unused input out, then the license position. No files are read here (the inputs are
//! compiled in from the CLI's demo estate); a real agent hands over what it received.
//! `cargo run -p itam-examples --bin intake_embed`

use itam_intake::{Intake, Options};
use itam_reconcile::{Policy, reconcile};

/// What the agents sent: (device, name, bytes), and the Ent files of the purchasing system.
const TAGS: &[(&str, &str, &[u8])] = &[
    (
        "ws-lon-01",
        "ws-lon-01/office.swidtag",
        include_bytes!(
            "../../../itam-cli/demo/inventory/ws-lon-01/example-office-pro-2024.swidtag"
        ),
    ),
    (
        "ws-lyo-01",
        "ws-lyo-01/office.swidtag",
        include_bytes!(
            "../../../itam-cli/demo/inventory/ws-lyo-01/example-office-pro-2024.swidtag"
        ),
    ),
    (
        "kiosk-9",
        "kiosk-9/office.swidtag",
        include_bytes!("../../../itam-cli/demo/inventory/lab-07/example-office-pro-2024.swidtag"),
    ),
];
const ENTS: &[(&str, &[u8])] = &[
    (
        "office-2024.ent",
        include_bytes!("../../../itam-cli/demo/entitlements/office-2024.ent"),
    ),
    (
        "office-2024-lyon.ent",
        include_bytes!("../../../itam-cli/demo/entitlements/office-2024-lyon.ent"),
    ),
];
const DEVICES: &[u8] = include_bytes!("../../../itam-cli/demo/devices.json");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut intake = Intake::new(Options::default());
    intake.devices("devices.json", DEVICES);
    for (device, name, bytes) in TAGS {
        intake.inventory(Some(device), name, bytes);
    }
    for (name, bytes) in ENTS {
        intake.entitlement(name, bytes);
    }
    let out = intake.finish();
    println!(
        "estate: {} devices, {} installations, {} entitlements",
        out.estate.devices.len(),
        out.estate.installations.len(),
        out.estate.entitlements.len()
    );
    for unused in &out.unused {
        println!("unused: {unused} [{}]", unused.why.kind());
    }
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).ok_or("date")?;
    let position = reconcile(&out.estate, &Policy::new(as_of))?;
    for line in &position.products {
        println!(
            "{} {} {}: demand {}, covered {}, shortfall {}",
            line.publisher, line.product, line.metric, line.demand, line.covered, line.shortfall
        );
    }
    Ok(())
}
