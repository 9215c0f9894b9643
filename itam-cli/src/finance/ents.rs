//! The `--entitlements` of `itam finance reconcile`: Ent files read (with the `ent` group's
//! loader), their chains resolved and projected, and each effective Ent's `OrderInfo` and
//! `InvoiceData` turned into the purchase data the finance reconciliation matches on.
//!
//! Two differences from the license-position projection, because finance records what was
//! *bought*, not how it is shared out:
//!
//! - an allocation's entitlement (`<id>@<allocation>`) is folded back into the entitlement it
//!   was allocated from, so the quantity compared with the invoice is the quantity bought;
//! - a FOSS Ent (an `EntMeta` with `fossCopyleft` or `licenseExpression`) with no `OrderInfo`
//!   and no `InvoiceData` was not bought, and is left out (said on standard error), rather
//!   than reported as lacking a proof of purchase.

use std::collections::BTreeSet;
use std::path::PathBuf;

use itam_core::estate::Entitlement;
use itam_core::finance::{Currency, EntitlementPurchase};
use itam_ent::Ent;
use itam_ent::project::project;
use itam_ent::resolve::{Effective, resolve_all};
use itam_ent::values::Role;

use crate::ent::load::{load_file, wanted, warn_ignored};
use crate::files;
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
pub(crate) fn read(paths: &[PathBuf]) -> Option<EntInput> {
    let mut ents: Vec<Ent> = Vec::new();
    let mut failed = false;
    for entry in files::expand(paths, |p| wanted(p, false)) {
        match entry {
            Ok(input) => {
                let file = files::display(&input.path);
                match load_file(&input.path) {
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
    }
    if failed {
        return None;
    }
    let mut out = EntInput::default();
    let mut ids = BTreeSet::new();
    for (base, resolution) in resolve_all(&ents) {
        let Some(eff) = resolution.effective else {
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
        // Revoked, archived and consolidated chains count nothing (a consolidation's
        // purchases travel with the Ent it was consolidated into).
        if !eff.status.is_active() {
            continue;
        }
        if is_foss(&eff) && eff.order_info.is_empty() && eff.invoice_data.is_empty() {
            warn(&format!(
                "itam: note: ent:{base} is a FOSS licence with no order or invoice: not a purchase, left out"
            ));
            continue;
        }
        for entitlement in fold_allocations(project(&eff).entitlements) {
            if !ids.insert(entitlement.id.clone()) {
                warn(&format!(
                    "itam: warning: entitlement id {} is already taken; ent:{base}'s is left out",
                    entitlement.id
                ));
                continue;
            }
            out.purchases
                .extend(purchases(&eff, &entitlement, supplier(&eff, &ents)));
            out.entitlements.push(entitlement);
        }
    }
    Some(out)
}

/// Whether an effective Ent describes a FOSS licence.
fn is_foss(eff: &Effective) -> bool {
    eff.ent_meta
        .iter()
        .any(|m| m.foss_copyleft.is_some() || m.license_expression.is_some())
}

/// Folds each allocation's entitlement (`<id>@<allocation>`) back into the entitlement `<id>`
/// of the same projection: its quantity is added back (the projection took it away).
pub(crate) fn fold_allocations(facts: Vec<Entitlement>) -> Vec<Entitlement> {
    // An id with an `@` is an allocation's when its parent is a fact of the projection;
    // otherwise it is kept as it is.
    let (allocations, mut kept): (Vec<_>, Vec<_>) = facts
        .into_iter()
        .partition(|f| f.id.as_str().rsplit_once('@').is_some());
    for a in allocations {
        let parent = a.id.as_str().rsplit_once('@').map_or("", |(p, _)| p);
        match kept.iter_mut().find(|f| f.id.as_str() == parent) {
            Some(f) => f.quantity = f.quantity.saturating_add(a.quantity),
            None => kept.push(a),
        }
    }
    kept
}

/// The supplier of an effective Ent: the first `reseller` or `distributor` entity of the Ents
/// of its chain (the base, then the supplementals applied, then the Ents it consolidates).
/// The effective entitlement keeps licensors and licensees only, so the Ents are searched.
pub(crate) fn supplier(eff: &Effective, ents: &[Ent]) -> Option<String> {
    std::iter::once(&eff.ent_id)
        .chain(&eff.applied)
        .chain(&eff.consolidated_from)
        .filter_map(|id| ents.iter().find(|e| &e.ent_id == id))
        .flat_map(|e| &e.entities)
        .find(|e| {
            e.role
                .iter()
                .any(|r| matches!(r, Role::Reseller | Role::Distributor))
        })
        .map(|e| e.name.clone())
}

/// The purchase data of one projected entitlement: the Ent's first `OrderInfo` and first
/// `InvoiceData` give the order number, SKU, quantity ordered, invoice number, date (the
/// invoice's, else the order's), unit price and currency; `supplier` is the chain's reseller
/// or distributor ([`supplier`]; without one, the reconciliation falls back on the licensor). Every further order or invoice number gets a record of its own carrying the
/// same data, so each is a key the ledger can match on.
///
/// This belongs in `itam-ent` beside `project` (an Ent's OrderInfo and InvoiceData projected
/// into `itam_core::finance::EntitlementPurchase`); it lives here until it moves.
pub(crate) fn purchases(
    eff: &Effective,
    entitlement: &Entitlement,
    supplier: Option<String>,
) -> Vec<EntitlementPurchase> {
    let order = eff.order_info.first();
    let invoice = eff.invoice_data.first();
    if order.is_none() && invoice.is_none() {
        return Vec::new();
    }
    let mut first = EntitlementPurchase::new(entitlement.id.clone());
    first.order_number = order.and_then(|o| o.order_id.clone());
    first.invoice_number = invoice.and_then(|i| i.invoice_id.clone());
    first.supplier = supplier;
    first.sku = order.and_then(|o| o.part_number.clone());
    first.date = invoice
        .and_then(|i| i.invoice_date)
        .or_else(|| order.and_then(|o| o.order_date));
    first.quantity = order.and_then(|o| o.quantity);
    first.unit_price = invoice.and_then(|i| i.unit_price);
    first.currency = invoice
        .and_then(|i| i.currency.as_deref())
        .map(Currency::new);
    let mut out = vec![first.clone()];
    for o in eff.order_info.iter().skip(1) {
        if let Some(id) = &o.order_id {
            out.push(EntitlementPurchase {
                order_number: Some(id.clone()),
                invoice_number: None,
                ..first.clone()
            });
        }
    }
    for i in eff.invoice_data.iter().skip(1) {
        if let Some(id) = &i.invoice_id {
            out.push(EntitlementPurchase {
                order_number: None,
                invoice_number: Some(id.clone()),
                ..first.clone()
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use itam_core::estate::{Metric, ProductScope};
    use itam_core::{Decimal, EntId};

    fn fact(id: &str, quantity: u64) -> Entitlement {
        Entitlement::new(
            EntId::new(id),
            ProductScope::default(),
            Metric::Device,
            quantity,
        )
    }

    #[test]
    fn allocations_fold_back_into_what_was_bought() {
        let folded = fold_allocations(vec![fact("o", 3), fact("o@lyon", 2), fact("x@y", 1)]);
        let got: Vec<(&str, u64)> = folded
            .iter()
            .map(|f| (f.id.as_str(), f.whole_units()))
            .collect();
        assert_eq!(got, [("o", 5), ("x@y", 1)]);
    }

    #[test]
    fn order_and_invoice_data_become_purchase_records() {
        let ent = crate::ent::load::load(
            br#"<Ent xmlns="http://standards.iso.org/iso/19770/-3/2016/schema.xsd" name="N" entId="e-1" entType="primary" entitlementType="license">
  <EntMeta product="P"/>
  <Entity name="V" regid="v.example" role="entCreator licensor"/>
  <Entity name="Shop Ltd" regid="shop.example" role="reseller"/>
  <Entity name="L" regid="l.example" role="licensee"/>
  <OrderInfo orderId="PO-1" orderDate="2025-01-02" partNumber="SKU-9" quantity="12"/>
  <OrderInfo orderId="PO-2"/>
  <InvoiceData invoiceId="INV-1" invoiceDate="2025-01-10" unitPrice="9.50" currency="usd"/>
  <Right name="use"><Metric type="device"><Quantification quantity="10"/></Metric></Right>
</Ent>"#,
        )
        .map(|l| l.docs.into_iter().map(|d| d.ent).collect::<Vec<_>>())
        .unwrap_or_default();
        let resolved = resolve_all(&ent);
        let eff = resolved
            .values()
            .find_map(|r| r.effective.clone())
            .expect("resolves");
        let facts = project(&eff).entitlements;
        let p = purchases(&eff, &facts[0], supplier(&eff, &ent));
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].ent.as_str(), "e-1");
        assert_eq!(p[0].order_number.as_deref(), Some("PO-1"));
        assert_eq!(p[0].invoice_number.as_deref(), Some("INV-1"));
        assert_eq!(p[0].supplier.as_deref(), Some("Shop Ltd"));
        assert_eq!(p[0].sku.as_deref(), Some("SKU-9"));
        assert_eq!(
            p[0].date.map(|d| d.to_string()).as_deref(),
            Some("2025-01-10")
        );
        assert_eq!(p[0].quantity, Some(Decimal::from(12)));
        assert_eq!(p[0].unit_price, Some(Decimal::new(950, 2)));
        assert_eq!(p[0].currency.as_ref().map(Currency::as_str), Some("usd"));
        assert_eq!(p[1].order_number.as_deref(), Some("PO-2"));
        assert_eq!(p[1].invoice_number, None);
        assert_eq!(p[1].unit_price, p[0].unit_price);
    }
}
