//! A short walkthrough of reconciling IT asset data with financial records.
//!
//! Run it with `cargo run -p itam-examples --bin finance_walkthrough`. A small CMS (three
//! laptops, one of them retired, and a purchase order), two entitlements with their purchase
//! data, and a ledger exported as CSV are reconciled. It prints every match with its rule and
//! confidence, the discrepancies (a ghost asset, a retired laptop still on the books, an
//! entitlement invoiced for more than it grants, a software invoice with no entitlement) and
//! the manager's summary, then the same result's JSON form.

use itam_core::cms::Cms;
use itam_core::estate::Entitlement;
use itam_core::finance::{EntitlementPurchase, Ledger};
use itam_reconcile::finance::{FinanceInput, FinancePolicy, reconcile_finance};
use serde_json::json;

const LEDGER: &str = "\
record,number,line,date,supplier,order_number,serial,description,category,quantity,unit_price,cost,depreciation,disposed,currency,cost_centre
register,HW-0001,,2025-01-10,Contoso,,,Contoso T14 laptop,,,,1450.00,725.00,,EUR,CC-100
register,FA-0002,,2025-01-10,Contoso,PO-7001,,Contoso T14 laptop,,,,1450.00,725.00,,EUR,CC-100
register,FA-0003,,2023-05-02,Contoso,,sn-00303,Contoso X1 laptop,,,,1890.00,1890.00,,EUR,CC-200
register,FA-0009,,2024-09-30,Fabrikam,,FAB-1,Fabrikam storage array,,,,24000.00,8000.00,,EUR,CC-300
invoice,INV-9001,1,2025-02-01,Acme Resellers,PO-8001,,Acme Editor subscription,software,12,120.50,,,,EUR,CC-100
invoice,INV-9002,1,2025-02-03,Northwind,,,Northwind Database Enterprise,software,2,4000.00,,,,EUR,CC-200
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cms: Cms = serde_json::from_value(json!({
        "items": [
            {"id": "HW-0001", "name": "Finance laptop", "stage": "operation",
             "responsibility": "organisation", "org_unit": "CC-100",
             "kind": {"class": "hardware", "form": "physical", "model": "Contoso T14"}},
            {"id": "HW-0002", "name": "Sales laptop", "stage": "operation",
             "responsibility": "organisation", "org_unit": "CC-100",
             "kind": {"class": "hardware", "form": "physical", "model": "Contoso T14"}},
            {"id": "HW-0003", "name": "Old laptop", "stage": "retirement",
             "responsibility": "organisation", "org_unit": "CC-200",
             "kind": {"class": "hardware", "form": "physical", "serial": "SN-303"}},
            {"id": "PO-7001", "name": "Laptop order", "stage": "operation",
             "responsibility": "organisation",
             "kind": {"class": "contract", "form": "purchase_order", "reference": "PO-7001",
                      "counterparty": "Contoso Ltd"}}
        ],
        "relationships": [{"source": "HW-0002", "kind": "part_of", "target": "PO-7001"}]
    }))?;
    let entitlements: Vec<Entitlement> = serde_json::from_value(json!([
        {"id": "E-EDITOR", "scope": {"publisher": "Acme", "product": "Editor"},
         "metric": "named_user", "quantity": 10, "unit_cost": "120.50", "org": "CC-100"}
    ]))?;
    let purchases: Vec<EntitlementPurchase> = serde_json::from_value(json!([
        {"ent": "E-EDITOR", "order_number": "PO-8001", "currency": "EUR"}
    ]))?;
    let ledger = Ledger::from_csv(LEDGER)?;

    let input = FinanceInput {
        cms: &cms,
        entitlements: &entitlements,
        purchases: &purchases,
        ledger: &ledger,
    };
    let result = reconcile_finance(&input, &FinancePolicy::default());
    print!("{}", result.to_text());
    println!();
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}
