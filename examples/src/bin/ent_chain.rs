//! The Ent use cases end to end: issue a primary Ent, add an invoice, allocate part of it twice
//! (an allocation chain), transfer it, then resolve the chain from documents arriving in any
//! order, print the effective entitlement and the engine facts it projects to as JSON, and show
//! a refused chain.
//!
//! `cargo run -p itam-examples --bin ent_chain`

use chrono::{FixedOffset, TimeZone};
use itam_ent::itam_core::{Decimal, EntId};
use itam_ent::naming::file_name_of;
use itam_ent::ops::{self, Information, Issue, Supplement};
use itam_ent::values::{MetricType, RightName, Role};
use itam_ent::{Entity, InvoiceData, Right, resolve, write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let utc = FixedOffset::east_opt(0).ok_or("offset")?;
    let day = |d: u32| utc.with_ymd_and_hms(2025, 3, d, 9, 0, 0).single();
    let vendor = Entity::new("Example Software Inc.", "example.com", vec![Role::Licensor]);
    let buyer = Entity::new("Buyer Ltd", "buyer.example", vec![]);

    let mut issue = Issue::new("ent-100", "Example Office 2024", vendor, buyer.clone())
        .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(25)));
    issue.issued = day(1);
    let base = ops::issue(issue);

    let header = |id: &str, d: u32| {
        let h = Supplement::new(id, buyer.clone());
        match day(d) {
            Some(t) => h.issued(t),
            None => h,
        }
    };
    let invoice = ops::add_information(
        &base,
        header("ent-100-invoice", 2),
        Information {
            invoice_data: vec![InvoiceData {
                invoice_id: Some("INV-1".into()),
                amount: Some(Decimal::new(497_500, 2)),
                unit_price: Some(Decimal::new(19_900, 2)),
                currency: Some("EUR".into()),
                ..InvoiceData::default()
            }],
            ..Information::default()
        },
    );
    let finance = ops::allocate(
        &base,
        header("ent-100-finance", 3),
        Entity::new("Finance", "buyer.example", vec![]),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(10),
    )?;
    let laptops = ops::allocate(
        &finance,
        header("ent-100-finance-laptops", 4),
        Entity::new("Finance laptops", "buyer.example", vec![]),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(4),
    )?;
    let transfer = ops::transfer(
        &base,
        header("ent-100-transfer", 5),
        Entity::new("Buyer Group plc", "buyer-group.example", vec![]),
    );

    println!("--- {} ---\n{}", file_name_of(&finance), write(&finance)?);

    // Documents arrive in any order; the resolution is the same.
    let arrived = vec![laptops, transfer, finance, invoice, base];
    let resolution = resolve(&EntId::new("ent-100"), &arrived);
    println!(
        "--- effective entitlement ---\n{}",
        serde_json::to_string_pretty(&resolution.effective)?
    );

    // The engine's facts: one per holder of units, adding up to the 25 bought.
    if let Some(effective) = &resolution.effective {
        let projection = itam_ent::project::project(effective);
        println!(
            "--- engine facts ---\n{}",
            serde_json::to_string_pretty(&projection.entitlements)?
        );
    }

    // Over-allocating is refused with a finding.
    let greedy = ops::allocate(
        &arrived[4],
        header("ent-100-greedy", 6),
        Entity::new("Sales", "buyer.example", vec![]),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(20),
    )?;
    let mut with_greedy = arrived;
    with_greedy.push(greedy);
    let refused = resolve(&EntId::new("ent-100"), &with_greedy);
    println!("--- refused ---\n{}", refused.report);
    Ok(())
}
