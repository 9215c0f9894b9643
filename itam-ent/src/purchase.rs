//! Purchase data: what an effective entitlement says about how it was bought (its `OrderInfo`
//! and `InvoiceData`, its reseller or distributor), as the records the finance reconciliation
//! matches against the ledger ([`itam_core::finance::EntitlementPurchase`]).
//!
//! Finance records what was *bought*, not how it is shared out, so [`bought`] differs from the
//! license-position projection ([`project`]) in two ways:
//!
//! - an allocation's entitlement (`<id>@<allocation>`) is folded back into the entitlement it
//!   was allocated from, so the quantity compared with the invoice is the quantity bought;
//! - a FOSS Ent (an `EntMeta` with `fossCopyleft` or `licenseExpression`) with no `OrderInfo`
//!   and no `InvoiceData` was not bought and is left out ([`LeftOut::Foss`]), rather than
//!   reported as lacking a proof of purchase. A revoked, archived or consolidated entitlement
//!   counts nothing and is left out too ([`LeftOut::NotActive`]).
//!
//! The fold is checked arithmetic: a sum beyond the exact decimal range leaves the entitlement
//! out with [`LeftOut::Overflow`], never a saturated figure.
//!
//! # Mapping
//!
//! One set of records per counted right (a right with a metric that is not a flag such as
//! `downgrade`), for the entitlement the projection makes of it:
//!
//! | Ent (effective) | `EntitlementPurchase` |
//! |---|---|
//! | the projected entitlement id: the Ent id, or `<Ent id>#<right>-<metric>` when the Ent counts more than one right ([`entitlement_ids`]) | `ent` |
//! | `OrderInfo/@orderId` | `order_number` |
//! | `InvoiceData/@invoiceId` | `invoice_number` |
//! | the first entity of [`Effective::other_entities`] with the role `reseller`, else the first with `distributor`: its `@name` | `supplier` |
//! | `OrderInfo/@partNumber` | `sku` |
//! | `InvoiceData/@invoiceDate`, else `OrderInfo/@orderDate` | `date` |
//! | `OrderInfo/@quantity` | `quantity` |
//! | `InvoiceData/@unitPrice` | `unit_price` |
//! | `InvoiceData/@currency` | `currency` (as written) |
//! | the counted rights that share the purchase (below) | `shared_by` |
//!
//! The first record of an entitlement carries its first `OrderInfo` and first `InvoiceData`;
//! every further order or invoice number gets a record of its own, so each number is a key the
//! ledger can match on. Such a record carries its own line's figures: a further order its
//! `orderId`, `partNumber` (else the first's), `orderDate` and `quantity`; a further invoice
//! its `invoiceId`, `invoiceDate`, `unitPrice` and `currency` and no quantity (`InvoiceData`
//! has none); a line without a date takes the first record's. The supplier, SKU (for an
//! invoice) and `shared_by` are the entitlement's.
//!
//! With no reseller or distributor named, `supplier` is left empty: the reconciliation then
//! takes the counterparty of the CMS's contract for the entitlement, else the entitlement's
//! publisher, which is the Ent's licensor. So the supplier of a purchase is the reseller or
//! distributor when the Ent names one, else the licensor, and the Ent never overrides a
//! contract the CMS records.
//!
//! Not mapped: `OrderInfo/@orderLine` (the ledger numbers its lines its own way),
//! `InvoiceData/@amount` (the reconciliation compares unit prices; an amount is not divided
//! back into one), the `Meta` children of both (but `right` and `metric`, which tie a line to a
//! right, below) and their foreign content, `Contract` (an agreement
//! is not a purchase document), the regid of the reseller (suppliers are compared by name),
//! and rights without a metric (nothing is counted, so nothing is projected to prove).
//!
//! # Consolidations
//!
//! A consolidation Ent replaces the Ents it merges (they become
//! [`Consolidated`](crate::resolve::Status::Consolidated) and count nothing), but it does not
//! repeat their `OrderInfo` and `InvoiceData`: those stay on the Ents that were bought. Their
//! invoices are still the proof of purchase of what the consolidation grants, so [`bought`]
//! takes every resolution of the chains given ([`resolve_all`]) and, after the
//! consolidation's own records ([`purchases`]), adds those of each Ent in
//! [`Effective::consolidated_from`] ([`consolidated_purchases`]), in that order, each source's
//! before its own sources' (a consolidation of consolidations):
//!
//! | source's record ([`purchases`] of the source) | record of the consolidation |
//! |---|---|
//! | `ent`: a source entitlement | the consolidation's entitlement for the same right and metric, else (no such right) every one of its entitlements, then `shared_by` all of them |
//! | `shared_by` | the same mapping, each once; empty when it names one entitlement |
//! | order and invoice number, supplier, SKU, date, quantity, unit price, currency | the source's own, unchanged: a source line keeps the figures of the purchase it records |
//!
//! A source record equal to one already there (a consolidation that copies its sources'
//! lines) is not repeated. A source whose resolution is missing from those given, or refused,
//! is named in [`Bought::sources_unfound`] rather than dropped silently.
//!
//! # Several counted rights
//!
//! When an Ent counts several rights (`n` of them), its order and invoice lines either tell
//! them apart or were one purchase for all. The reconstructed profile gives `OrderInfo` and
//! `InvoiceData` no reference to a right, so, for each of the two kinds on its own:
//!
//! 1. **named**: a line with a `Meta` whose `right` attribute names a counted right (and whose
//!    `metric` attribute, when present, its metric) belongs to that right
//!    (`<InvoiceData invoiceId="INV-1"><Meta right="use" metric="device"/></InvoiceData>`);
//!    a line that names no counted right belongs to all of them (after their own);
//! 2. else, **a line per right**: when the effective entitlement has exactly `n` lines of the
//!    kind (the base's, then its additions', in the order they apply), the i-th belongs to the
//!    i-th counted right (in the Ent's order);
//! 3. else every counted right takes all the lines.
//!
//! Each entitlement then has its own invoice number, SKU, quantity and price where its lines are
//! its own, and the ledger line of each can be told apart (by number, else by SKU). Rights
//! whose proof-of-purchase lines overlap (the invoices; the orders when there is no invoice)
//! were bought together: their records name all of them in `shared_by`, since one invoice line
//! then proves the purchase of each.
//!
//! ```
//! use itam_ent::ops::{self, Issue};
//! use itam_ent::purchase::{bought, purchases};
//! use itam_ent::resolve::resolve;
//! use itam_ent::values::{MetricType, RightName, Role};
//! use itam_ent::{Entity, InvoiceData, Right};
//! use itam_ent::itam_core::{Decimal, EntId};
//!
//! let vendor = Entity::new("Vendor", "vendor.example", vec![Role::Licensor]);
//! let buyer = Entity::new("Buyer", "buyer.example", vec![]);
//! let mut ent = ops::issue(Issue::new("e-1", "Product", vendor, buyer)
//!     .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(10))));
//! ent.entities.push(Entity::new("Shop", "shop.example", vec![Role::Reseller]));
//! ent.invoice_data.push(InvoiceData {
//!     invoice_id: Some("INV-1".into()),
//!     unit_price: Some(Decimal::new(4250, 2)),
//!     currency: Some("EUR".into()),
//!     ..InvoiceData::default()
//! });
//! let eff = resolve(&EntId::new("e-1"), &[ent]).effective.unwrap();
//!
//! let p = purchases(&eff);
//! assert_eq!(p[0].ent.as_str(), "e-1");
//! assert_eq!(p[0].invoice_number.as_deref(), Some("INV-1"));
//! assert_eq!(p[0].supplier.as_deref(), Some("Shop"));
//! assert_eq!(p[0].unit_price, Some(Decimal::new(4250, 2)));
//!
//! let b = bought(&eff, &Default::default()).unwrap();
//! assert_eq!(b.entitlements.len(), 1);
//! assert_eq!(b.purchases, p);
//! ```
//!
//! [`project`]: crate::project::project
//! [`resolve_all`]: crate::resolve::resolve_all

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use itam_core::EntId;
use itam_core::estate::Entitlement;
use itam_core::finance::{Currency, EntitlementPurchase};

use crate::model::{Entity, InvoiceData, Meta, OrderInfo};
use crate::project::{counted, counted_id, project};
use crate::resolve::{Effective, EffectiveRight, Resolution};
use crate::values::{RightName, Role};

/// Why an effective entitlement has nothing for the finance reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeftOut {
    /// Revoked, archived or consolidated: it counts nothing.
    NotActive,
    /// A FOSS licence with no `OrderInfo` and no `InvoiceData`: it was not bought.
    Foss,
    /// Its quantities with the allocations folded back leave the exact decimal range: no
    /// figure is given rather than a wrong one.
    Overflow(FoldOverflow),
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotActive => f.write_str("not active: it counts nothing"),
            Self::Foss => f.write_str("a FOSS licence with no order or invoice: not a purchase"),
            Self::Overflow(e) => write!(f, "beyond the decimal range: {e}"),
        }
    }
}

/// What finance sees of one effective entitlement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bought {
    /// The projected entitlements, allocations folded back: one per counted right.
    pub entitlements: Vec<Entitlement>,
    /// Their purchase data: [`purchases`], then for a consolidation
    /// [`consolidated_purchases`].
    pub purchases: Vec<EntitlementPurchase>,
    /// The Ents a consolidation merges whose effective entitlement was not among the
    /// resolutions given to [`bought`] (missing, or refused): their order and invoice lines
    /// are not in [`purchases`](Self::purchases). Empty for any other Ent.
    pub sources_unfound: Vec<EntId>,
}

/// The entitlements and purchase data of `eff` for the finance reconciliation, or why it has
/// none (see the [module documentation](self)). `all` holds the resolutions of the chains
/// given, as [`resolve_all`](crate::resolve::resolve_all) returns them: a consolidation's
/// records include those of the Ents it merges, found there. Pure: `eff` and `all` are only
/// read.
///
/// # Errors
///
/// [`LeftOut`] when the entitlement is not active, is a FOSS licence that was not bought, or
/// its quantities with the allocations folded back leave the decimal range.
pub fn bought(eff: &Effective, all: &BTreeMap<EntId, Resolution>) -> Result<Bought, LeftOut> {
    if !eff.status.is_active() {
        return Err(LeftOut::NotActive);
    }
    let (from_sources, sources_unfound) = consolidated_purchases(eff, all);
    if is_foss(eff)
        && eff.order_info.is_empty()
        && eff.invoice_data.is_empty()
        && from_sources.is_empty()
    {
        return Err(LeftOut::Foss);
    }
    let mut purchases = purchases(eff);
    for p in from_sources {
        if !purchases.contains(&p) {
            purchases.push(p);
        }
    }
    Ok(Bought {
        entitlements: fold_allocations(eff, project(eff).entitlements)
            .map_err(LeftOut::Overflow)?,
        purchases,
        sources_unfound,
    })
}

/// The purchase records a consolidation takes over from the Ents it merges (see
/// [Consolidations](self#consolidations)), and the sources not found in `all` (missing, or
/// refused). Both empty when `eff` consolidates nothing.
#[must_use]
pub fn consolidated_purchases(
    eff: &Effective,
    all: &BTreeMap<EntId, Resolution>,
) -> (Vec<EntitlementPurchase>, Vec<EntId>) {
    let ids = entitlement_ids(eff);
    let keys: Vec<(&RightName, Option<&str>)> = counted(eff)
        .iter()
        .map(|r| (&r.right, r.metric.as_ref().map(|m| m.as_str())))
        .collect();
    let mut out = Vec::new();
    let mut unfound = Vec::new();
    // Sources, depth first, each once (a resolution never consolidates in a cycle, but `all`
    // may be built by hand).
    let mut seen: BTreeSet<&EntId> = BTreeSet::new();
    seen.insert(&eff.ent_id);
    let mut stack: Vec<&EntId> = eff.consolidated_from.iter().rev().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(src) = all.get(id).and_then(|r| r.effective.as_ref()) else {
            unfound.push(id.clone());
            continue;
        };
        // Source entitlement id → the consolidation's entitlements for the same right.
        let src_ids = entitlement_ids(src);
        let map: Vec<(&EntId, Vec<EntId>)> = src_ids
            .iter()
            .zip(counted(src))
            .map(|(sid, r)| {
                let key = (&r.right, r.metric.as_ref().map(|m| m.as_str()));
                let to: Vec<EntId> = ids
                    .iter()
                    .zip(&keys)
                    .filter(|(_, k)| **k == key)
                    .map(|(id, _)| id.clone())
                    .collect();
                (sid, if to.is_empty() { ids.clone() } else { to })
            })
            .collect();
        let target = |sid: &EntId| -> Vec<EntId> {
            map.iter()
                .find(|(s, _)| *s == sid)
                .map_or_else(|| ids.clone(), |(_, to)| to.clone())
        };
        for p in purchases(src) {
            let to = target(&p.ent);
            let mut shared: Vec<EntId> = Vec::new();
            for s in p
                .shared_by
                .iter()
                .flat_map(&target)
                .chain(to.iter().cloned())
            {
                if !shared.contains(&s) {
                    shared.push(s);
                }
            }
            // In the consolidation's order of entitlements.
            shared.sort_by_key(|s| ids.iter().position(|i| i == s));
            if shared.len() < 2 {
                shared.clear();
            }
            for ent in to {
                out.push(EntitlementPurchase {
                    ent,
                    shared_by: shared.clone(),
                    ..p.clone()
                });
            }
        }
        stack.extend(src.consolidated_from.iter().rev());
    }
    (out, unfound)
}

/// Whether an effective Ent describes a FOSS licence: an `EntMeta` gives `fossCopyleft` or
/// `licenseExpression`.
#[must_use]
pub fn is_foss(eff: &Effective) -> bool {
    eff.ent_meta
        .iter()
        .any(|m| m.foss_copyleft.is_some() || m.license_expression.is_some())
}

/// Folds each allocation's entitlement (`<id>@<allocation Ent id>`, an allocation of `eff`)
/// back into the entitlement `<id>` it was allocated from: its quantity is added back (the
/// projection took it away). Any other fact is kept as it is.
///
/// # Errors
///
/// [`FoldOverflow`] when a sum leaves the exact decimal range (checked arithmetic, never a
/// silently wrong figure). A resolution refuses quantities that large (`ENT-RES-8`), so only
/// an [`Effective`] or facts built by hand reach it.
pub fn fold_allocations(
    eff: &Effective,
    facts: Vec<Entitlement>,
) -> Result<Vec<Entitlement>, FoldOverflow> {
    // (the entitlement allocated from, the allocation Ent)
    let parent_of = |f: &Entitlement| -> Option<(String, EntId)> {
        eff.allocations.iter().find_map(|a| {
            let parent =
                f.id.as_str()
                    .strip_suffix(a.ent_id.as_str())?
                    .strip_suffix('@')?;
            Some((parent.to_owned(), a.ent_id.clone()))
        })
    };
    let mut kept = Vec::with_capacity(facts.len());
    let mut allocations = Vec::new();
    for f in facts {
        match parent_of(&f) {
            Some((parent, allocation)) => allocations.push((parent, allocation, f)),
            None => kept.push(f),
        }
    }
    for (parent, allocation, a) in allocations {
        match kept.iter_mut().find(|f| f.id.as_str() == parent) {
            Some(f) => {
                f.quantity = f
                    .quantity
                    .checked_add(a.quantity)
                    .ok_or_else(|| FoldOverflow {
                        entitlement: f.id.clone(),
                        allocation,
                    })?;
            }
            None => kept.push(a),
        }
    }
    Ok(kept)
}

/// Folding an allocation back into the entitlement it was allocated from would leave the
/// exact decimal range ([`fold_allocations`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the quantity of entitlement {entitlement} with allocation {allocation} folded back leaves the decimal range"
)]
#[non_exhaustive]
pub struct FoldOverflow {
    /// The entitlement allocated from.
    pub entitlement: EntId,
    /// The allocation Ent whose quantity could not be added back.
    pub allocation: EntId,
}

/// The supplier an effective entitlement was bought from, when it names one: the first of
/// its [`other_entities`](Effective::other_entities) with the role `reseller`, else the first
/// with `distributor` (the customer buys from the reseller, who buys from the distributor).
#[must_use]
pub fn supplier(eff: &Effective) -> Option<&Entity> {
    let with = |role: Role| {
        eff.other_entities
            .iter()
            .find(move |e| e.role.contains(&role))
    };
    with(Role::Reseller).or_else(|| with(Role::Distributor))
}

/// The ids of the entitlements the projection makes of `eff`'s counted rights (allocations
/// aside), in the Ent's order: the Ent id when it counts one right, else
/// `<Ent id>#<right>-<metric>` for each.
#[must_use]
pub fn entitlement_ids(eff: &Effective) -> Vec<EntId> {
    let counted = counted(eff);
    counted
        .iter()
        .filter_map(|r| {
            let metric = r.metric.as_ref()?;
            Some(EntId::new(counted_id(eff, r, metric, counted.len())))
        })
        .collect()
}

/// The counted right a line names in its `Meta` (`right`, and `metric` when given), if any.
fn named(meta: &[Meta], rights: &[&EffectiveRight]) -> Option<usize> {
    meta.iter().find_map(|m| {
        let right = m.get("right")?;
        let metric = m.get("metric");
        rights.iter().position(|r| {
            r.right.as_str() == right
                && metric.is_none_or(|want| r.metric.as_ref().is_some_and(|m| m.as_str() == want))
        })
    })
}

/// For each counted right, the indexes of the lines of one kind (given by their `Meta`) that
/// belong to it (see the [module documentation](self)).
fn attribute(metas: &[&[Meta]], rights: &[&EffectiveRight]) -> Vec<Vec<usize>> {
    let n = rights.len();
    let names: Vec<Option<usize>> = metas.iter().map(|m| named(m, rights)).collect();
    if names.iter().any(Option::is_some) {
        let unnamed: Vec<usize> = (0..names.len())
            .filter(|&j| names.get(j).copied().flatten().is_none())
            .collect();
        (0..n)
            .map(|i| {
                // Its own lines first (the first supplies SKU, quantity, price), then those
                // of every right.
                let mut own: Vec<usize> = (0..names.len())
                    .filter(|&j| names.get(j).copied().flatten() == Some(i))
                    .collect();
                own.extend(&unnamed);
                own
            })
            .collect()
    } else if n > 1 && metas.len() == n {
        (0..n).map(|i| vec![i]).collect()
    } else {
        vec![(0..metas.len()).collect(); n]
    }
}

/// The lines at `indexes`.
fn pick<T: Clone>(lines: &[T], indexes: &[usize]) -> Vec<T> {
    indexes
        .iter()
        .filter_map(|&j| lines.get(j).cloned())
        .collect()
}

/// The purchase records of `eff` (see the [module documentation](self) for the mapping), in
/// the order of its counted rights. Empty when it has no `OrderInfo` and no `InvoiceData`, or
/// counts no right.
#[must_use]
pub fn purchases(eff: &Effective) -> Vec<EntitlementPurchase> {
    let ids = entitlement_ids(eff);
    let rights = counted(eff);
    let supplier = supplier(eff).map(|e| e.name.clone());
    let order_metas: Vec<&[Meta]> = eff.order_info.iter().map(|o| o.meta.as_slice()).collect();
    let invoice_metas: Vec<&[Meta]> = eff.invoice_data.iter().map(|i| i.meta.as_slice()).collect();
    let orders = attribute(&order_metas, &rights);
    let invoices = attribute(&invoice_metas, &rights);
    // What proves a purchase is the invoice; without one, the order.
    let proof = if eff.invoice_data.is_empty() {
        &orders
    } else {
        &invoices
    };
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let mine = proof.get(i).map_or(&[][..], Vec::as_slice);
        let together: Vec<EntId> = ids
            .iter()
            .zip(proof)
            .filter(|(_, theirs)| theirs.iter().any(|j| mine.contains(j)))
            .map(|(id, _)| id.clone())
            .collect();
        let shared_by = if together.len() > 1 {
            together
        } else {
            Vec::new()
        };
        let none = Vec::new();
        records(
            id,
            &pick(&eff.order_info, orders.get(i).unwrap_or(&none)),
            &pick(&eff.invoice_data, invoices.get(i).unwrap_or(&none)),
            supplier.as_ref(),
            &shared_by,
            &mut out,
        );
    }
    out
}

/// The records of one entitlement from its order and invoice lines.
fn records(
    id: &EntId,
    orders: &[OrderInfo],
    invoices: &[InvoiceData],
    supplier: Option<&String>,
    shared_by: &[EntId],
    out: &mut Vec<EntitlementPurchase>,
) {
    let order = orders.first();
    let invoice = invoices.first();
    if order.is_none() && invoice.is_none() {
        return;
    }
    let mut first = EntitlementPurchase::new(id.clone());
    first.order_number = order.and_then(|o| o.order_id.clone());
    first.invoice_number = invoice.and_then(|i| i.invoice_id.clone());
    first.supplier = supplier.cloned();
    first.sku = order.and_then(|o| o.part_number.clone());
    first.date = invoice
        .and_then(|i| i.invoice_date)
        .or_else(|| order.and_then(|o| o.order_date));
    first.quantity = order.and_then(|o| o.quantity);
    first.unit_price = invoice.and_then(|i| i.unit_price);
    first.currency = invoice
        .and_then(|i| i.currency.as_deref())
        .map(Currency::new);
    first.shared_by = shared_by.to_vec();
    out.push(first.clone());
    // A further line is a purchase document of its own: its record carries that line's own
    // figures (the reconciliation compares each record with its own ledger line), and the
    // entitlement's supplier, SKU and sharing.
    for o in orders.iter().skip(1) {
        if let Some(number) = &o.order_id {
            out.push(EntitlementPurchase {
                order_number: Some(number.clone()),
                invoice_number: None,
                sku: o.part_number.clone().or_else(|| first.sku.clone()),
                date: o.order_date.or(first.date),
                quantity: o.quantity,
                unit_price: None,
                currency: None,
                ..first.clone()
            });
        }
    }
    for i in invoices.iter().skip(1) {
        if let Some(number) = &i.invoice_id {
            out.push(EntitlementPurchase {
                order_number: None,
                invoice_number: Some(number.clone()),
                date: i.invoice_date.or(first.date),
                quantity: None,
                unit_price: i.unit_price,
                currency: i.currency.as_deref().map(Currency::new),
                ..first.clone()
            });
        }
    }
}
