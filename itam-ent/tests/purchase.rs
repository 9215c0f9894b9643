//! Purchase data for finance: every field of the mapping, the reseller and distributor kept on
//! the effective entitlement through supplementals, a line per right or one purchase shared,
//! allocations folded back, FOSS and inactive Ents left out, agreement with the projection's
//! ids on every sample, and independence from the order the supplementals arrive in.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use itam_core::finance::EntitlementPurchase;
use itam_core::{Decimal, EntId};
use itam_ent::ops::{self, Information, Issue, Supplement};
use itam_ent::project::project;
use itam_ent::purchase::{LeftOut, bought, entitlement_ids, fold_allocations, purchases, supplier};
use itam_ent::resolve::{Effective, Resolution, resolve_all};
use itam_ent::values::{MetricType, RightName, Role};
use itam_ent::{Ent, Entity, InvoiceData, OrderInfo, ReadOptions, Right, read_str, resolve};
use proptest::prelude::*;

fn sample(name: &str) -> Ent {
    let path = format!("{}/tests/data/{name}.ent.xml", env!("CARGO_MANIFEST_DIR"));
    read_str(
        &std::fs::read_to_string(&path).unwrap(),
        &ReadOptions::STRICT,
    )
    .unwrap()
    .value
}

fn effective(target: &str, ents: &[Ent]) -> Effective {
    let res = resolve(&EntId::new(target), ents);
    assert!(res.report.is_empty(), "{}", res.report);
    res.effective.unwrap()
}

/// No other resolution: the Ent's own purchase data only.
fn none() -> BTreeMap<EntId, Resolution> {
    BTreeMap::new()
}

fn date(s: &str) -> Option<NaiveDate> {
    Some(s.parse().unwrap())
}

fn dec(s: &str) -> Option<Decimal> {
    Some(s.parse().unwrap())
}

fn at(day: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(0)
        .unwrap()
        .with_ymd_and_hms(2025, 2, day, 0, 0, 0)
        .unwrap()
}

const PER_CORE: &str = "8d0c7a52-1f3e-4b7a-9a52-6c1d2e3f4a5b";
const BUNDLE: &str = "urn:uuid:5b1f8e2a-7c34-4d6e-9a10-2f3b4c5d6e7f";

#[test]
fn every_field_of_the_mapping() {
    // One counted right (downgrade is a flag), the reseller and distributor one entity.
    let eff = effective(PER_CORE, &[sample("per-core-subscription")]);
    let got = purchases(&eff);
    let mut want = EntitlementPurchase::new(PER_CORE);
    want.order_number = Some("PO-7781".into());
    want.invoice_number = Some("INV-2025-0042".into());
    want.supplier = Some("Reseller GmbH".into());
    want.sku = Some("EDB-ENT-CORE-36M".into());
    want.date = date("2025-01-20"); // the invoice's, not the order's
    want.quantity = dec("16");
    want.unit_price = dec("3600.00");
    want.currency = Some("EUR".into());
    assert_eq!(got, [want]);
}

#[test]
fn the_order_date_stands_in_and_every_further_number_is_a_key() {
    let vendor = Entity::new("Vendor", "vendor.example", vec![Role::Licensor]);
    let mut ent = ops::issue(
        Issue::new("e-1", "P", vendor.clone(), vendor)
            .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(3))),
    );
    ent.order_info = vec![
        OrderInfo {
            order_id: Some("PO-1".into()),
            order_date: date("2025-01-02"),
            ..OrderInfo::default()
        },
        OrderInfo {
            order_id: Some("PO-2".into()),
            ..OrderInfo::default()
        },
        // No number: nothing to match on, no record.
        OrderInfo::default(),
    ];
    ent.invoice_data = vec![
        // An amount alone is not divided back into a unit price.
        InvoiceData {
            amount: dec("300"),
            ..InvoiceData::default()
        },
        InvoiceData {
            invoice_id: Some("INV-2".into()),
            ..InvoiceData::default()
        },
    ];
    let eff = effective("e-1", &[ent]);
    let got = purchases(&eff);
    let keys: Vec<(Option<&str>, Option<&str>)> = got
        .iter()
        .map(|p| (p.order_number.as_deref(), p.invoice_number.as_deref()))
        .collect();
    assert_eq!(
        keys,
        [
            (Some("PO-1"), None),
            (Some("PO-2"), None),
            (None, Some("INV-2"))
        ]
    );
    assert!(got.iter().all(|p| p.date == date("2025-01-02")));
    assert!(
        got.iter()
            .all(|p| p.unit_price.is_none() && p.quantity.is_none())
    );
    // No reseller or distributor: the supplier is left to the reconciliation (licensor).
    assert!(got.iter().all(|p| p.supplier.is_none()));
}

#[test]
fn a_line_per_right_gives_each_entitlement_its_own_purchase() {
    let eff = effective(BUNDLE, &[sample("reseller-bundle")]);
    let ids = entitlement_ids(&eff);
    let ids: Vec<&str> = ids.iter().map(EntId::as_str).collect();
    assert_eq!(
        ids,
        [
            format!("{BUNDLE}#use-device"),
            format!("{BUNDLE}#access-namedUser")
        ]
    );
    let got = purchases(&eff);
    let row = |p: &EntitlementPurchase| {
        (
            p.ent.to_string(),
            p.sku.clone().unwrap_or_default(),
            p.quantity.unwrap_or_default().to_string(),
            p.unit_price.unwrap_or_default().to_string(),
        )
    };
    assert_eq!(
        got.iter().map(row).collect::<Vec<_>>(),
        [
            (
                ids[0].to_owned(),
                "OFF-DEV-25".into(),
                "40".into(),
                "300.00".into()
            ),
            (
                ids[1].to_owned(),
                "OFF-NU-25".into(),
                "15".into(),
                "180.00".into()
            ),
        ]
    );
    for p in &got {
        assert_eq!(p.invoice_number.as_deref(), Some("SC-88120"));
        assert_eq!(p.order_number.as_deref(), Some("PO-2025-118"));
        // The reseller, not the distributor it bought from.
        assert_eq!(p.supplier.as_deref(), Some("Shop and Co"));
        assert!(p.shared_by.is_empty(), "{p:?}");
    }
    // What finance sees: the two entitlements of the projection, each with its purchase.
    let b = bought(&eff, &none()).unwrap();
    let fact_ids: Vec<&str> = b.entitlements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(fact_ids, ids);
    assert_eq!(b.purchases, got);
}

#[test]
fn one_invoice_for_several_rights_is_shared_by_all() {
    let mut ent = sample("reseller-bundle");
    ent.invoice_data.truncate(1);
    ent.order_info.truncate(1);
    let eff = effective(BUNDLE, &[ent]);
    let ids = entitlement_ids(&eff);
    let got = purchases(&eff);
    assert_eq!(got.len(), 2);
    for (p, id) in got.iter().zip(&ids) {
        assert_eq!(&p.ent, id);
        assert_eq!(p.shared_by, ids, "every entitlement the invoice proves");
        assert_eq!(p.invoice_number.as_deref(), Some("SC-88120"));
        // The one order line is the bundle's: its SKU and quantity for both.
        assert_eq!(p.sku.as_deref(), Some("OFF-DEV-25"));
        assert_eq!(p.quantity, dec("40"));
    }
    // Two invoice lines but one order: the invoices are per right, the order shared; what
    // proves a purchase is the invoice, so nothing is shared.
    let mut ent = sample("reseller-bundle");
    ent.order_info.truncate(1);
    let got = purchases(&effective(BUNDLE, &[ent]));
    assert!(got.iter().all(|p| p.shared_by.is_empty()));
    assert_eq!(got[1].unit_price, dec("180.00"));
    assert_eq!(got[1].sku.as_deref(), Some("OFF-DEV-25"));
    // Without invoices, the orders decide: one order line for two rights is shared.
    let mut ent = sample("reseller-bundle");
    ent.invoice_data.clear();
    ent.order_info.truncate(1);
    let got = purchases(&effective(BUNDLE, &[ent]));
    assert!(got.iter().all(|p| p.shared_by.len() == 2));
    assert!(got.iter().all(|p| p.date == date("2025-02-20")));
}

#[test]
fn the_supplier_is_the_reseller_else_the_distributor() {
    let mut ent = sample("reseller-bundle");
    let eff = effective(BUNDLE, std::slice::from_ref(&ent));
    assert_eq!(supplier(&eff).map(|e| e.name.as_str()), Some("Shop and Co"));
    ent.entities.retain(|e| !e.role.contains(&Role::Reseller));
    let eff = effective(BUNDLE, std::slice::from_ref(&ent));
    assert_eq!(
        supplier(&eff).map(|e| e.name.as_str()),
        Some("Wholesale Distribution AG")
    );
    ent.entities
        .retain(|e| !e.role.contains(&Role::Distributor));
    let eff = effective(BUNDLE, &[ent]);
    assert_eq!(supplier(&eff), None);
    assert!(purchases(&eff).iter().all(|p| p.supplier.is_none()));
}

#[test]
fn the_reseller_survives_a_transfer_and_an_addition_can_name_one() {
    // The site licence was sold by a reseller; the transfer changes the licensee only.
    let ents = [sample("transfer"), sample("site-licence")];
    let eff = effective("site-2025-UNI-001", &ents);
    assert_eq!(eff.licensees[0].name, "Example United University");
    let others: Vec<&str> = eff.other_entities.iter().map(|e| e.name.as_str()).collect();
    // The base's software creator and reseller (also its creator); not the transfer's
    // creator, nor a licensee.
    assert_eq!(others, ["Example Analytics AB", "Campus Reseller"]);
    assert_eq!(
        supplier(&eff).map(|e| e.name.as_str()),
        Some("Campus Reseller")
    );

    // An addition names the reseller later (its creator is not kept, its reseller is).
    let base = sample("perpetual-device");
    let id = base.ent_id.to_string();
    let eff = effective(&id, std::slice::from_ref(&base));
    assert_eq!(supplier(&eff), None);
    let mut add = ops::add_information(
        &base,
        Supplement::new("add-r", Entity::new("Buyer Ltd", "buyer.example", vec![])),
        Information::default(),
    );
    let shop = Entity::new("Shop", "shop.example", vec![Role::Reseller]);
    add.entities.push(shop.clone());
    let eff = effective(&id, &[add, base]);
    assert_eq!(eff.other_entities.last(), Some(&shop));
    assert!(
        !eff.other_entities.iter().any(|e| e.name == "Buyer Ltd"),
        "{:?}",
        eff.other_entities
    );
    assert!(
        purchases(&eff)
            .iter()
            .all(|p| p.supplier.as_deref() == Some("Shop"))
    );
}

#[test]
fn allocations_fold_back_into_what_was_bought() {
    let ents = [
        sample("allocation-finance-laptops"),
        sample("addition"),
        sample("allocation-finance"),
        sample("perpetual-device"),
    ];
    let eff = effective("3b6f0e2a-5c1d-4e8f-9a0b-1c2d3e4f5a6b", &ents);
    // Two counted rights, install and use, 25 devices each; the projection splits `use`:
    // 15 left, 6 with Finance, 4 with its laptops.
    let projected = project(&eff).entitlements;
    assert_eq!(projected.len(), 4);
    let b = bought(&eff, &none()).unwrap();
    // (Compared as text: the estate's quantity type may change.)
    let got: Vec<(&str, String)> = b
        .entitlements
        .iter()
        .map(|e| (e.id.as_str(), e.quantity.to_string()))
        .collect();
    let install = format!("{}#install-device", eff.ent_id);
    let use_ = format!("{}#use-device", eff.ent_id);
    assert_eq!(
        got,
        [
            (install.as_str(), "25".into()),
            (use_.as_str(), "25".into())
        ]
    );
    // The base's order and the addition's invoice, one purchase for both rights (the issue-7
    // case: one invoice line is the proof of purchase of both).
    assert_eq!(b.purchases.len(), 2);
    for p in &b.purchases {
        assert_eq!(p.order_number.as_deref(), Some("PO-1001"));
        assert_eq!(p.invoice_number.as_deref(), Some("INV-9001"));
        assert_eq!(p.unit_price, dec("199.00"));
        assert_eq!(p.quantity, dec("25"));
        let shared: Vec<&str> = p.shared_by.iter().map(EntId::as_str).collect();
        assert_eq!(shared, [install.as_str(), use_.as_str()]);
    }
}

#[test]
fn foss_not_bought_and_inactive_ents_are_left_out() {
    let foss = sample("foss-copyleft");
    let eff = effective(foss.ent_id.as_str(), std::slice::from_ref(&foss));
    assert_eq!(bought(&eff, &none()), Err(LeftOut::Foss));
    assert_eq!(
        LeftOut::Foss.to_string(),
        "a FOSS licence with no order or invoice: not a purchase"
    );
    // A FOSS component bought with support, with an invoice, is a purchase.
    let mut paid = foss;
    paid.rights[0] = Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(5));
    paid.invoice_data.push(InvoiceData {
        invoice_id: Some("SUP-1".into()),
        ..InvoiceData::default()
    });
    let id = paid.ent_id.to_string();
    let eff = effective(&id, &[paid]);
    let b = bought(&eff, &none()).unwrap();
    assert!(
        b.purchases
            .iter()
            .any(|p| p.invoice_number.as_deref() == Some("SUP-1"))
    );

    let ents = [sample("revocation"), sample("evaluation")];
    let res = resolve_all(&ents);
    let eff = res.values().find_map(|r| r.effective.clone()).unwrap();
    assert!(!eff.status.is_active());
    assert_eq!(bought(&eff, &none()), Err(LeftOut::NotActive));
}

/// Every sample chain: the purchase records name the projection's entitlements (allocations
/// aside), and only those.
#[test]
fn purchase_ids_are_the_projection_ids_on_every_sample() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut ents = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".ent.xml") {
            ents.push(
                read_str(
                    &std::fs::read_to_string(&path).unwrap(),
                    &ReadOptions::STRICT,
                )
                .unwrap()
                .value,
            );
        }
    }
    let mut checked = 0;
    let all = resolve_all(&ents);
    for resolution in all.values() {
        let Some(eff) = &resolution.effective else {
            continue;
        };
        let Ok(b) = bought(eff, &all) else { continue };
        assert_eq!(b.sources_unfound, [] as [EntId; 0], "{}", eff.ent_id);
        let facts: Vec<EntId> = b.entitlements.iter().map(|e| e.id.clone()).collect();
        assert_eq!(entitlement_ids(eff), facts, "{}", eff.ent_id);
        for p in &b.purchases {
            assert!(facts.contains(&p.ent), "{p:?}");
            assert!(p.shared_by.iter().all(|id| facts.contains(id)), "{p:?}");
        }
        checked += 1;
    }
    assert!(checked >= 5, "{checked} chains checked");
}

fn reseller_chain(days: &[u32; 5]) -> Vec<Ent> {
    let vendor = Entity::new("Vendor", "vendor.example", vec![Role::Licensor]);
    let buyer = Entity::new("Buyer", "buyer.example", vec![]);
    let mut base = ops::issue(
        Issue::new("base", "Suite", vendor, buyer.clone())
            .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(30)))
            .right(
                Right::new(RightName::Access)
                    .with_quantity(MetricType::NamedUser, Decimal::from(12)),
            ),
    );
    base.entities.push(Entity::new(
        "Distributor",
        "dist.example",
        vec![Role::Distributor],
    ));
    let sup = |name: &str, day: u32| Supplement::new(name, buyer.clone()).issued(at(day));
    let info = |n: u32| Information {
        order_info: vec![OrderInfo {
            order_id: Some(format!("PO-{n}")),
            part_number: Some(format!("SKU-{n}")),
            quantity: Some(Decimal::from(n)),
            ..OrderInfo::default()
        }],
        invoice_data: vec![InvoiceData {
            invoice_id: Some(format!("INV-{n}")),
            unit_price: Some(Decimal::from(n * 10)),
            currency: Some("EUR".into()),
            ..InvoiceData::default()
        }],
        ..Information::default()
    };
    let mut first = ops::add_information(&base, sup("add-1", days[0]), info(1));
    first
        .entities
        .push(Entity::new("Shop", "shop.example", vec![Role::Reseller]));
    let second = ops::add_information(&base, sup("add-2", days[1]), info(2));
    let alloc = ops::allocate(
        &base,
        sup("alloc", days[2]),
        Entity::new("Unit", "buyer.example", vec![]),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(7),
    )
    .unwrap();
    let transfer = ops::transfer(
        &base,
        sup("tr", days[3]),
        Entity::new("New owner", "new.example", vec![]),
    );
    let mut third = ops::add_information(&base, sup("add-3", days[4]), info(3));
    third.entities.push(Entity::new(
        "Other shop",
        "other-shop.example",
        vec![Role::Reseller],
    ));
    vec![base, first, second, alloc, transfer, third]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever order the supplementals arrive in (and whatever dates order them), the
    /// purchase data is the same, and follows the order the additions apply in.
    #[test]
    fn extraction_does_not_depend_on_arrival_order(
        (days, ents) in prop::array::uniform5(1u32..28).prop_flat_map(|days| {
            (Just(days), Just(reseller_chain(&days)).prop_shuffle())
        }),
    ) {
        let ordered = reseller_chain(&days);
        let want_eff = effective("base", &ordered);
        let got_eff = effective("base", &ents);
        prop_assert_eq!(&got_eff, &want_eff);
        let want = bought(&want_eff, &none()).unwrap();
        let got = bought(&got_eff, &none()).unwrap();
        prop_assert_eq!(&got, &want);
        // Two counted rights, three invoices from the additions: shared by both rights.
        prop_assert_eq!(got.entitlements.len(), 2);
        prop_assert_eq!(got.purchases.len(), 2 * 5);
        prop_assert!(got.purchases.iter().all(|p| p.shared_by.len() == 2));
        // The first reseller of the additions in their applied order (by date, then id).
        let mut adds = [("add-1", days[0], "Shop"), ("add-3", days[4], "Other shop")];
        adds.sort_by_key(|(id, day, _)| (*day, *id));
        prop_assert!(got.purchases.iter().all(|p| p.supplier.as_deref() == Some(adds[0].2)));
        // The transfer leaves the parties: the vendor (the base's creator), the distributor
        // and both resellers stay.
        let names: Vec<&str> = got_eff.other_entities.iter().map(|e| e.name.as_str()).collect();
        let mut want_names = vec!["Vendor", "Distributor"];
        want_names.extend(adds.iter().map(|(_, _, name)| *name));
        prop_assert_eq!(names, want_names);
        // Allocations folded back: the 30 devices bought.
        prop_assert_eq!(got.entitlements[0].quantity.to_string(), "30");
    }
}

#[test]
fn a_meta_naming_the_right_ties_a_line_to_it() {
    use itam_ent::Meta;
    let tag = |right: &str, metric: Option<&str>| {
        let mut m = Meta::default();
        m.set("right", right);
        if let Some(metric) = metric {
            m.set("metric", metric);
        }
        vec![m]
    };
    let mut ent = sample("reseller-bundle");
    // The invoice lines in the other order than the rights, each naming its right; a third
    // invoice (support, for the whole bundle) names none.
    ent.invoice_data.swap(0, 1);
    ent.invoice_data[0].meta = tag("access", None);
    ent.invoice_data[1].meta = tag("use", Some("device"));
    ent.invoice_data.push(InvoiceData {
        invoice_id: Some("SUP-7".into()),
        ..InvoiceData::default()
    });
    let eff = effective(BUNDLE, &[ent.clone()]);
    let ids = entitlement_ids(&eff);
    let got = purchases(&eff);
    let rows: Vec<(&str, Option<&str>, Option<Decimal>)> = got
        .iter()
        .map(|p| (p.ent.as_str(), p.invoice_number.as_deref(), p.unit_price))
        .collect();
    assert_eq!(
        rows,
        [
            (ids[0].as_str(), Some("SC-88120"), dec("300.00")),
            // A further invoice carries its own figures: SUP-7 states no unit price.
            (ids[0].as_str(), Some("SUP-7"), None),
            (ids[1].as_str(), Some("SC-88120"), dec("180.00")),
            (ids[1].as_str(), Some("SUP-7"), None),
        ]
    );
    // The support invoice is one line for both rights: bought together.
    assert!(got.iter().all(|p| p.shared_by == ids));
    // Without it, each right has its own invoice line: nothing shared.
    ent.invoice_data.pop();
    let got = purchases(&effective(BUNDLE, &[ent.clone()]));
    assert_eq!(got[0].unit_price, dec("300.00"));
    assert!(got.iter().all(|p| p.shared_by.is_empty()));
    // A Meta naming a metric the right is not counted by ties the line to nothing: the two
    // lines are then taken in order (the first, 180.00, for `use`).
    ent.invoice_data[0].meta = tag("access", Some("device"));
    ent.invoice_data[1].meta = tag("use", Some("core"));
    let got = purchases(&effective(BUNDLE, &[ent]));
    assert_eq!(got[0].unit_price, dec("180.00"));
    assert_eq!(got[1].unit_price, dec("300.00"));
}

/// A subscription of `users` named users with one invoice, bought from `shop`.
fn bought_with_invoice(id: &str, users: i64, invoice: &str, price: i64, shop: &str) -> Ent {
    let vendor = Entity::new("Cloud", "cloud.example", vec![Role::Licensor]);
    let buyer = Entity::new("Buyer", "buyer.example", vec![]);
    let mut ent = ops::issue(Issue::new(id, "CRM", vendor, buyer).right(
        Right::new(RightName::Access).with_quantity(MetricType::NamedUser, Decimal::from(users)),
    ));
    ent.entities
        .push(Entity::new(shop, "shop.example", vec![Role::Reseller]));
    ent.order_info.push(OrderInfo {
        order_id: Some(format!("PO-{id}")),
        part_number: Some("CRM-NU".into()),
        quantity: Some(Decimal::from(users)),
        ..OrderInfo::default()
    });
    ent.invoice_data.push(InvoiceData {
        invoice_id: Some(invoice.into()),
        invoice_date: date("2025-03-01"),
        unit_price: Some(Decimal::new(price, 2)),
        currency: Some("EUR".into()),
        ..InvoiceData::default()
    });
    ent
}

#[test]
fn a_consolidation_keeps_the_invoices_of_the_ents_it_merges() {
    let first = bought_with_invoice("crm-a", 4, "INV-A", 54000, "Shop A");
    let second = bought_with_invoice("crm-b", 2, "INV-B", 56000, "Shop B");
    let creator = Entity::new("Cloud", "cloud.example", vec![Role::Licensor]);
    let merged = ops::consolidate(
        &[&first, &second],
        Supplement::new("crm-all", creator),
        "CRM (consolidated)",
    )
    .unwrap();
    assert!(merged.invoice_data.is_empty() && merged.order_info.is_empty());
    let ents = [merged, second, first];
    let all = resolve_all(&ents);
    let eff = all[&EntId::new("crm-all")].effective.clone().unwrap();
    assert_eq!(eff.consolidated_from.len(), 2);

    // Alone, the consolidation has no purchase data: nothing would prove it.
    let alone = bought(&eff, &none()).unwrap();
    assert_eq!(alone.purchases, []);
    assert_eq!(
        alone.sources_unfound,
        [EntId::new("crm-a"), EntId::new("crm-b")]
    );

    // With the other resolutions, each source's order and invoice, with its own figures,
    // prove the consolidated entitlement.
    let b = bought(&eff, &all).unwrap();
    assert_eq!(b.sources_unfound, [] as [EntId; 0]);
    assert_eq!(b.entitlements.len(), 1);
    assert_eq!(b.entitlements[0].quantity, Decimal::from(6));
    let got: Vec<_> = b
        .purchases
        .iter()
        .map(|p| {
            (
                p.ent.as_str(),
                p.order_number.as_deref().unwrap(),
                p.invoice_number.as_deref().unwrap(),
                p.supplier.as_deref().unwrap(),
                p.quantity.unwrap().to_string(),
                p.unit_price.unwrap().to_string(),
                p.shared_by.len(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "crm-all",
                "PO-crm-a",
                "INV-A",
                "Shop A",
                "4".into(),
                "540.00".into(),
                0
            ),
            (
                "crm-all",
                "PO-crm-b",
                "INV-B",
                "Shop B",
                "2".into(),
                "560.00".into(),
                0
            ),
        ]
    );
    // The sources themselves count nothing: their lines are the consolidation's now.
    for id in ["crm-a", "crm-b"] {
        let src = all[&EntId::new(id)].effective.as_ref().unwrap();
        assert_eq!(bought(src, &all), Err(LeftOut::NotActive));
    }
}

#[test]
fn a_consolidation_with_an_invoice_of_its_own_lists_it_first_and_repeats_nothing() {
    let first = bought_with_invoice("crm-a", 4, "INV-A", 54000, "Shop A");
    let second = bought_with_invoice("crm-b", 2, "INV-B", 56000, "Shop B");
    let creator = Entity::new("Cloud", "cloud.example", vec![Role::Licensor]);
    let mut merged = ops::consolidate(
        &[&first, &second],
        Supplement::new("crm-all", creator.clone()),
        "CRM (consolidated)",
    )
    .unwrap();
    merged.invoice_data.push(InvoiceData {
        invoice_id: Some("INV-ALL".into()),
        ..InvoiceData::default()
    });
    // A later consolidation of it and a third purchase: every invoice reaches it.
    let third = bought_with_invoice("crm-c", 1, "INV-C", 50000, "Shop A");
    let top = ops::consolidate(
        &[&merged, &third],
        Supplement::new("crm-top", creator),
        "CRM (all)",
    )
    .unwrap();
    let ents = [top, third, merged, second, first];
    let all = resolve_all(&ents);
    let eff = all[&EntId::new("crm-top")].effective.clone().unwrap();
    let b = bought(&eff, &all).unwrap();
    let invoices: Vec<&str> = b
        .purchases
        .iter()
        .filter_map(|p| p.invoice_number.as_deref())
        .collect();
    assert_eq!(invoices, ["INV-ALL", "INV-A", "INV-B", "INV-C"]);
    assert!(b.purchases.iter().all(|p| p.ent.as_str() == "crm-top"));
    assert_eq!(b.entitlements[0].quantity, Decimal::from(7));
}

/// A base of 16 cores with 6 allocated to a data centre, resolved.
fn with_allocation() -> Effective {
    let buyer = Entity::new("Buyer", "buyer.example", vec![]);
    let base = ops::issue(
        Issue::new("b-1", "Product", buyer.clone(), buyer.clone())
            .right(Right::new(RightName::Use).with_quantity(MetricType::Core, Decimal::from(16))),
    );
    let unit = Entity::new("Data centre", "buyer.example", vec![]);
    let alloc = ops::allocate(
        &base,
        Supplement::new("a-1", buyer),
        unit,
        &RightName::Use,
        &MetricType::Core,
        Decimal::from(6),
    )
    .unwrap();
    effective("b-1", &[alloc, base])
}

#[test]
fn folding_allocations_back_is_checked_arithmetic() {
    let eff = with_allocation();
    let facts = project(&eff).entitlements;
    let ids: Vec<&str> = facts.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["b-1", "b-1@a-1"]);
    let folded = fold_allocations(&eff, facts.clone()).unwrap();
    assert_eq!(folded.len(), 1);
    assert_eq!(folded[0].quantity, Decimal::from(16));

    // Huge quantities (facts built by hand): an error naming both, never a saturated figure.
    let mut huge = facts;
    for f in &mut huge {
        f.quantity = Decimal::MAX;
    }
    let err = fold_allocations(&eff, huge.clone()).unwrap_err();
    assert_eq!(err.entitlement.as_str(), "b-1");
    assert_eq!(err.allocation.as_str(), "a-1");
    assert_eq!(
        err.to_string(),
        "the quantity of entitlement b-1 with allocation a-1 folded back leaves the decimal range"
    );
    // Just inside the range, the sum is exact.
    huge[0].quantity = Decimal::MAX - Decimal::from(6);
    huge[1].quantity = Decimal::from(6);
    let folded = fold_allocations(&eff, huge).unwrap();
    assert_eq!(folded[0].quantity, Decimal::MAX);
}

#[test]
fn an_effective_entitlement_beyond_the_decimal_range_is_left_out_with_the_reason() {
    // Built by hand (a resolution refuses such a chain with ENT-RES-8): the base still holds
    // the maximum, and the allocation holds the maximum too.
    let mut eff = with_allocation();
    eff.rights[0].quantity = Some(Decimal::MAX);
    eff.rights[0].allocated = Decimal::ZERO;
    eff.allocations[0].quantity = Decimal::MAX;
    let why = bought(&eff, &none()).unwrap_err();
    let LeftOut::Overflow(e) = &why else {
        panic!("{why:?}");
    };
    assert_eq!(
        (e.entitlement.as_str(), e.allocation.as_str()),
        ("b-1", "a-1")
    );
    assert!(
        why.to_string().starts_with("beyond the decimal range: "),
        "{why}"
    );
}
