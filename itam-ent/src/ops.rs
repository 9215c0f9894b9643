//! The Ent use cases as pure operations: each returns a new Ent document and changes nothing.
//!
//! Issuance creates a primary Ent; every other use case creates a **supplemental** Ent that
//! links to the Ent it applies to (`Link rel="supplemental" href="ent:<id>"`; a consolidation
//! links to each Ent it merges with `rel="consolidates"`). This is the reconstructed reading of
//! the standard's "use cases" and "supplemental Ent types" (see the crate README).
//! [`crate::resolve()`] is the inverse: it folds a base Ent and its supplementals back into the
//! effective entitlement.
//!
//! ```
//! use itam_ent::ops::{self, Issue, Supplement};
//! use itam_ent::values::{MetricType, RightName, Role};
//! use itam_ent::{Entity, Right};
//! use itam_ent::itam_core::Decimal;
//!
//! let vendor = Entity::new("Vendor", "vendor.example", vec![Role::Licensor]);
//! let buyer = Entity::new("Buyer", "buyer.example", vec![]);
//! let base = ops::issue(Issue::new("base-1", "Product", vendor.clone(), buyer.clone())
//!     .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(25))));
//! let finance = Entity::new("Finance", "buyer.example", vec![]);
//! let alloc = ops::allocate(
//!     &base,
//!     Supplement::new("alloc-1", buyer),
//!     finance,
//!     &RightName::Use,
//!     &MetricType::Device,
//!     Decimal::from(10),
//! )?;
//! assert_eq!(alloc.base_ent().unwrap().as_str(), "base-1");
//! # Ok::<(), itam_ent::ops::OpError>(())
//! ```

use std::collections::BTreeMap;

use itam_core::{Decimal, EntId};

use crate::model::{
    Contract, Ent, EntMeta, Entity, InvoiceData, Link, Meta, OrderInfo, Right, Timestamp,
};
use crate::values::{
    EntType, EntitlementType, MetricType, Rel, RightName, Role, SupplementalEntType,
};

/// Why an operation could not build its Ent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpError {
    /// The base Ent grants no right of this name counted by this metric.
    #[error("ent {ent} grants no `{right}` right counted by `{metric}`")]
    NoSuchRight {
        /// The base Ent.
        ent: EntId,
        /// The right asked for.
        right: String,
        /// The metric asked for.
        metric: String,
    },
    /// The quantity is zero or negative.
    #[error("quantity {quantity} must be positive")]
    NotPositive {
        /// The quantity given.
        quantity: Decimal,
    },
    /// The base Ent holds less than asked for.
    #[error("ent {ent} holds {available} of `{right}`/`{metric}`, less than {quantity}")]
    Exceeds {
        /// The base Ent.
        ent: EntId,
        /// The right.
        right: String,
        /// The metric.
        metric: String,
        /// What the base holds.
        available: Decimal,
        /// What was asked for.
        quantity: Decimal,
    },
    /// A consolidation needs at least two distinct Ents.
    #[error("a consolidation needs at least two distinct ents, got {count}")]
    TooFewSources {
        /// The number of distinct Ents given.
        count: usize,
    },
    /// A sum of quantities leaves the exact decimal range.
    #[error("ent {ent}: the sum of the `{right}`/`{metric}` quantities exceeds the decimal range")]
    OutOfRange {
        /// The Ent whose quantities were summed.
        ent: EntId,
        /// The right.
        right: String,
        /// The metric.
        metric: String,
    },
    /// The same Ent was given twice to a consolidation.
    #[error("ent {ent} is given twice to the consolidation")]
    DuplicateSource {
        /// The Ent given twice.
        ent: EntId,
    },
}

/// The header of every supplemental Ent: its id, its creator, when it is issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplement {
    /// The new Ent's id.
    pub ent_id: EntId,
    /// Who creates it (given the `entCreator` role if it lacks it).
    pub creator: Entity,
    /// When it is issued (orders supplementals during resolution).
    pub issued: Option<Timestamp>,
}

impl Supplement {
    /// A header with an id and a creator, no issue time.
    pub fn new(ent_id: impl Into<EntId>, creator: Entity) -> Self {
        Self {
            ent_id: ent_id.into(),
            creator,
            issued: None,
        }
    }

    /// The same header with an issue time.
    #[must_use]
    pub fn issued(mut self, at: Timestamp) -> Self {
        self.issued = Some(at);
        self
    }
}

/// What an initial issuance needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The Ent's id.
    pub ent_id: EntId,
    /// The product or offer.
    pub name: String,
    /// Who creates the Ent (the publisher or a reseller); given the `entCreator` role.
    pub creator: Entity,
    /// Who is entitled; given the `licensee` role.
    pub licensee: Entity,
    /// Licence, subscription…
    pub entitlement_type: Option<EntitlementType>,
    /// When it is issued.
    pub issued: Option<Timestamp>,
    /// The granted rights.
    pub rights: Vec<Right>,
}

impl Issue {
    /// An issuance with no rights yet.
    pub fn new(
        ent_id: impl Into<EntId>,
        name: impl Into<String>,
        creator: Entity,
        licensee: Entity,
    ) -> Self {
        Self {
            ent_id: ent_id.into(),
            name: name.into(),
            creator,
            licensee,
            entitlement_type: None,
            issued: None,
            rights: Vec::new(),
        }
    }

    /// The same issuance with one more right.
    #[must_use]
    pub fn right(mut self, right: Right) -> Self {
        self.rights.push(right);
        self
    }
}

fn with_role(mut e: Entity, role: Role) -> Entity {
    if !e.role.contains(&role) {
        e.role.push(role);
    }
    e
}

/// Issuance of an initial entitlement: a primary Ent.
#[must_use]
pub fn issue(req: Issue) -> Ent {
    let mut ent = Ent::new(req.ent_id, req.name);
    ent.entitlement_type = req.entitlement_type;
    ent.issued = req.issued;
    ent.entities.push(with_role(req.creator, Role::EntCreator));
    ent.entities.push(with_role(req.licensee, Role::Licensee));
    ent.rights = req.rights;
    ent
}

fn supplemental(base: &Ent, header: Supplement, kind: SupplementalEntType) -> Ent {
    let mut ent = Ent::new(header.ent_id, base.name.clone());
    ent.ent_type = EntType::Supplemental;
    ent.supplemental_ent_type = Some(kind);
    ent.issued = header.issued;
    ent.entities
        .push(with_role(header.creator, Role::EntCreator));
    ent.links
        .push(Link::to_ent(&base.ent_id, Rel::Supplemental));
    ent
}

/// Information added to an Ent without changing what it grants.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Information {
    /// Descriptive data.
    pub ent_meta: Vec<EntMeta>,
    /// Contracts.
    pub contracts: Vec<Contract>,
    /// Orders.
    pub order_info: Vec<OrderInfo>,
    /// Invoices.
    pub invoice_data: Vec<InvoiceData>,
    /// Further links (to documents, SWID tags).
    pub links: Vec<Link>,
    /// Anything else.
    pub meta: Vec<Meta>,
}

/// Adding information: a supplemental Ent of type `addition`.
#[must_use]
pub fn add_information(base: &Ent, header: Supplement, info: Information) -> Ent {
    let mut ent = supplemental(base, header, SupplementalEntType::Addition);
    ent.ent_meta = info.ent_meta;
    ent.contracts = info.contracts;
    ent.order_info = info.order_info;
    ent.invoice_data = info.invoice_data;
    ent.links.extend(info.links);
    ent.meta = info.meta;
    ent
}

/// The quantity `base` grants of `right` counted by `metric`: `Ok(None)` when unlimited.
fn granted(base: &Ent, right: &RightName, metric: &MetricType) -> Result<Option<Decimal>, OpError> {
    let metrics: Vec<_> = base
        .rights
        .iter()
        .filter(|r| &r.name == right)
        .flat_map(|r| r.metrics.iter())
        .filter(|m| &m.metric_type == metric)
        .collect();
    if metrics.is_empty() {
        return Err(OpError::NoSuchRight {
            ent: base.ent_id.clone(),
            right: right.to_string(),
            metric: metric.to_string(),
        });
    }
    if metrics.iter().any(|m| m.is_unlimited()) {
        return Ok(None);
    }
    metrics
        .iter()
        .filter_map(|m| m.quantity())
        .try_fold(Decimal::ZERO, Decimal::checked_add)
        .map(Some)
        .ok_or_else(|| OpError::OutOfRange {
            ent: base.ent_id.clone(),
            right: right.to_string(),
            metric: metric.to_string(),
        })
}

/// Allocation: a supplemental Ent of type `allocation` giving `quantity` of the base's `right`
/// counted by `metric` to `allocatee` (an organisation unit, a device, a user), who is given the
/// `allocatee` role.
///
/// The base may itself be an allocation (an allocation chain).
///
/// # Errors
/// When the base grants no such right, the quantity is not positive, what the base grants of it
/// cannot be summed within the decimal range, or it exceeds what the base itself grants (allocations already made elsewhere are checked by [`crate::resolve()`]).
pub fn allocate(
    base: &Ent,
    header: Supplement,
    allocatee: Entity,
    right: &RightName,
    metric: &MetricType,
    quantity: Decimal,
) -> Result<Ent, OpError> {
    if quantity <= Decimal::ZERO {
        return Err(OpError::NotPositive { quantity });
    }
    if let Some(available) = granted(base, right, metric)? {
        if quantity > available {
            return Err(OpError::Exceeds {
                ent: base.ent_id.clone(),
                right: right.to_string(),
                metric: metric.to_string(),
                available,
                quantity,
            });
        }
    }
    let mut ent = supplemental(base, header, SupplementalEntType::Allocation);
    ent.entities.push(with_role(allocatee, Role::Allocatee));
    ent.rights
        .push(Right::new(right.clone()).with_quantity(metric.clone(), quantity));
    Ok(ent)
}

/// Transfer: a supplemental Ent of type `transfer` naming the new licensee.
#[must_use]
pub fn transfer(base: &Ent, header: Supplement, new_licensee: Entity) -> Ent {
    let mut ent = supplemental(base, header, SupplementalEntType::Transfer);
    ent.entities.push(with_role(new_licensee, Role::Licensee));
    ent
}

/// Revocation: a supplemental Ent of type `revocation`; the base no longer counts.
#[must_use]
pub fn revoke(base: &Ent, header: Supplement) -> Ent {
    supplemental(base, header, SupplementalEntType::Revocation)
}

/// Archiving: a supplemental Ent of type `archive`; the base is kept for the record only.
#[must_use]
pub fn archive(base: &Ent, header: Supplement) -> Ent {
    supplemental(base, header, SupplementalEntType::Archive)
}

/// Consolidation: one Ent of type `consolidation` that merges `sources`, linking to each with
/// `rel="consolidates"` and granting, per right, metric and unit, the sum of what they grant
/// (unlimited if any source is), with the `Meta` of their `Metric` elements (the contract
/// terms: each once, in source order; where they differ the projection keeps the first and
/// notes the others). Licensees of the sources are carried over once each.
///
/// # Errors
/// Fewer than two Ents, the same Ent twice, or sums of quantities beyond the decimal range
/// ([`OpError::OutOfRange`]).
pub fn consolidate(
    sources: &[&Ent],
    header: Supplement,
    name: impl Into<String>,
) -> Result<Ent, OpError> {
    let mut seen = std::collections::BTreeSet::new();
    for s in sources {
        if !seen.insert(&s.ent_id) {
            return Err(OpError::DuplicateSource {
                ent: s.ent_id.clone(),
            });
        }
    }
    if sources.len() < 2 {
        return Err(OpError::TooFewSources {
            count: sources.len(),
        });
    }
    let mut ent = Ent::new(header.ent_id, name);
    ent.ent_type = EntType::Supplemental;
    ent.supplemental_ent_type = Some(SupplementalEntType::Consolidation);
    ent.issued = header.issued;
    ent.entities
        .push(with_role(header.creator, Role::EntCreator));
    type Key = (RightName, MetricType, Option<String>);
    // Per right, metric and unit: the sum (none = unlimited) and the `Meta` of the sources'
    // `Metric` elements (the contract terms), each once, in source order.
    let mut sums: BTreeMap<Key, (Option<Decimal>, Vec<Meta>)> = BTreeMap::new();
    let mut bare: Vec<RightName> = Vec::new();
    for s in sources {
        ent.links.push(Link::to_ent(&s.ent_id, Rel::Consolidates));
        for l in s.entities_with_role(&Role::Licensee) {
            if !ent
                .entities
                .iter()
                .any(|e| e.name == l.name && e.regid == l.regid)
            {
                ent.entities.push(l.clone());
            }
        }
        for r in &s.rights {
            if r.metrics.is_empty() && !bare.contains(&r.name) {
                bare.push(r.name.clone());
            }
            for m in &r.metrics {
                let unit = m.quantification.first().and_then(|q| q.unit.clone());
                let key = (r.name.clone(), m.metric_type.clone(), unit);
                let add = if m.is_unlimited() {
                    None
                } else {
                    Some(m.quantity().unwrap_or_default())
                };
                let (slot, metas) = sums
                    .entry(key)
                    .or_insert_with(|| (Some(Decimal::ZERO), Vec::new()));
                for meta in &m.meta {
                    if !metas.contains(meta) {
                        metas.push(meta.clone());
                    }
                }
                *slot = match (*slot, add) {
                    (Some(a), Some(b)) => {
                        Some(a.checked_add(b).ok_or_else(|| OpError::OutOfRange {
                            ent: s.ent_id.clone(),
                            right: r.name.to_string(),
                            metric: m.metric_type.to_string(),
                        })?)
                    }
                    _ => None,
                };
            }
        }
    }
    for name in bare {
        if !sums.keys().any(|(r, _, _)| *r == name) {
            ent.rights.push(Right::new(name));
        }
    }
    for ((right, metric, unit), (sum, metas)) in sums {
        let mut r = Right::new(right).with_quantity(metric, sum.unwrap_or_default());
        if let Some(m) = r.metrics.first_mut() {
            m.meta = metas;
        }
        if let Some(q) = r
            .metrics
            .first_mut()
            .and_then(|m| m.quantification.first_mut())
        {
            q.unit = unit;
            if sum.is_none() {
                q.quantity = None;
                q.unlimited = Some(true);
            }
        }
        ent.rights.push(r);
    }
    Ok(ent)
}
