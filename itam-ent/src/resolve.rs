//! Resolution: a base Ent plus its supplemental Ents, in any arrival order, folded into the
//! **effective entitlement**; inconsistent chains are refused with findings.
//!
//! The Ents given form an event log. Re-issues of an Ent (same id, higher `entRevision`)
//! replace earlier ones. The base is the Ent asked for or, when that is supplemental, the primary
//! (or consolidation) Ent its `rel="supplemental"` links lead to. Its direct supplementals are
//! applied in a fixed order (by `issued`, then revision, then id), never in arrival order:
//!
//! | supplemental type | effect |
//! |---|---|
//! | `addition` | contracts, orders, invoices, links and descriptive data are added; rights the base lacks are added; entities with a role other than `entCreator`, `licensor` and `licensee` (a reseller, distributor or purchaser named later) join [`Effective::other_entities`] |
//! | `allocation` | part of a quantity goes to an allocatee; allocations of an allocation form a chain; a revocation of an allocation cancels it |
//! | `transfer` | the licensees are replaced (the former ones are kept); licensors and the other entities (reseller, distributor, purchaser…) stay |
//! | `revocation` | the entitlement is revoked |
//! | `archive` | the entitlement is kept for the record only |
//! | `consolidation` | a base of its own, granting what the Ents it links to with `rel="consolidates"` granted; those become `consolidated` |
//!
//! A chain is refused (no effective entitlement, an Error finding) when allocations exceed what
//! they allocate from, when a revoked or archived Ent is transferred, allocated or consolidated,
//! when a consolidation counts something twice, when links form a cycle, when a base is missing,
//! when two different documents claim the same id and revision, or when a sum of quantities
//! leaves the exact decimal range (`ENT-RES-8`: checked arithmetic, never a panic).
//!
//! Allocations made before a transfer stay with the entitlement (the new licensee receives
//! them); a revoked or archived entitlement keeps its allocations on record but counts for
//! nothing ([`Status::is_active`]).
//!
//! ```
//! use itam_ent::ops::{self, Issue, Supplement};
//! use itam_ent::resolve::{Status, resolve};
//! use itam_ent::values::{MetricType, RightName};
//! use itam_ent::{Entity, Right};
//! use itam_ent::itam_core::{Decimal, EntId};
//!
//! let buyer = Entity::new("Buyer", "buyer.example", vec![]);
//! let base = ops::issue(Issue::new("b-1", "Product", buyer.clone(), buyer.clone())
//!     .right(Right::new(RightName::Use).with_quantity(MetricType::Core, Decimal::from(16))));
//! let unit = Entity::new("Data centre", "buyer.example", vec![]);
//! let alloc = ops::allocate(&base, Supplement::new("a-1", buyer.clone()), unit,
//!     &RightName::Use, &MetricType::Core, Decimal::from(6)).unwrap();
//! let revoke = ops::revoke(&base, Supplement::new("r-1", buyer));
//!
//! // Any arrival order gives the same answer.
//! let res = resolve(&EntId::new("b-1"), &[alloc.clone(), base.clone()]);
//! let eff = res.effective.unwrap();
//! assert_eq!(eff.rights[0].available(), Some(Decimal::from(10)));
//!
//! let res = resolve(&EntId::new("b-1"), &[revoke, alloc, base]);
//! assert_eq!(res.effective.unwrap().status, Status::Revoked { by: EntId::new("r-1") });
//! ```

use std::collections::{BTreeMap, BTreeSet};

use itam_core::{Decimal, EntId, Finding, Location, Report, Severity};
use serde::{Deserialize, Serialize};

use crate::model::{
    Contract, Ent, EntMeta, Entity, InvoiceData, Limit, Link, Meta, OrderInfo, Timestamp,
    ValidVersion,
};
use crate::validate::Rule;
use crate::values::{
    EntType, EntitlementType, MetricType, Rel, RightName, Role, SupplementalEntType,
};

/// The rules of resolution (findings of [`resolve`]).
pub static RULES: &[Rule] = &[
    Rule {
        id: "ENT-RES-1",
        reference: "19770-3 use cases (reconstructed: supplemental links)",
        summary: "an Ent the chain needs is missing (the base, or a consolidated Ent)",
        severity: Severity::Error,
        reconstructed: true,
    },
    Rule {
        id: "ENT-RES-2",
        reference: "19770-3 use cases",
        summary: "supplemental or consolidation links form a cycle",
        severity: Severity::Error,
        reconstructed: true,
    },
    Rule {
        id: "ENT-RES-3",
        reference: "19770-3 use cases: allocations",
        summary: "allocations exceed the quantity they allocate from, or allocate a right it does not grant",
        severity: Severity::Error,
        reconstructed: true,
    },
    Rule {
        id: "ENT-RES-4",
        reference: "19770-3 use cases: transfers, revocations",
        summary: "a revoked or archived Ent is transferred, allocated or consolidated",
        severity: Severity::Error,
        reconstructed: true,
    },
    Rule {
        id: "ENT-RES-5",
        reference: "19770-3 use cases: consolidations",
        summary: "a consolidation counts an Ent twice or grants more than its sources",
        severity: Severity::Error,
        reconstructed: true,
    },
    Rule {
        id: "ENT-RES-6",
        reference: "19770-3 identifiers",
        summary: "two different documents have the same Ent id and revision",
        severity: Severity::Error,
        reconstructed: false,
    },
    Rule {
        id: "ENT-RES-7",
        reference: "19770-3 supplemental Ent types (reconstructed)",
        summary: "a supplemental Ent is ignored: its type has no effect where it stands",
        severity: Severity::Warning,
        reconstructed: true,
    },
    Rule {
        id: "ENT-RES-8",
        reference: "19770-3 Quantification (exact decimals)",
        summary: "a sum or difference of quantities leaves the exact decimal range",
        severity: Severity::Error,
        reconstructed: false,
    },
];

/// Where the entitlement stands after its supplementals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum Status {
    /// In force.
    Active,
    /// Revoked by a revocation Ent.
    Revoked {
        /// The revocation.
        by: EntId,
    },
    /// Kept for the record only.
    Archived {
        /// The archive Ent.
        by: EntId,
    },
    /// Merged into a consolidation Ent, which now counts instead.
    Consolidated {
        /// The consolidation.
        into: EntId,
    },
}

impl Status {
    /// Whether the entitlement counts.
    #[must_use]
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Active)
    }
}

/// One granted right as it stands, per metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveRight {
    /// The right.
    pub right: RightName,
    /// How it is counted; `None` when the Ent gives no metric (measurability is optional).
    pub metric: Option<MetricType>,
    /// The counted unit, when given.
    pub unit: Option<String>,
    /// The quantity; `None` when unlimited or not measured.
    pub quantity: Option<Decimal>,
    /// Whether the quantity is explicitly unlimited.
    pub unlimited: bool,
    /// The sum of the active allocations made directly from it.
    pub allocated: Decimal,
    /// Restrictions.
    pub limits: Vec<Limit>,
    /// Covered versions.
    pub valid_versions: Vec<ValidVersion>,
    /// Links (SWID tags, licence text).
    pub links: Vec<Link>,
}

impl EffectiveRight {
    /// What is left to allocate: quantity − allocated; `None` when unlimited or unmeasured, or
    /// when the difference leaves the decimal range (a resolution refuses such a chain with
    /// `ENT-RES-8`, so this only happens to an [`EffectiveRight`] built by hand).
    #[must_use]
    pub fn available(&self) -> Option<Decimal> {
        self.quantity.and_then(|q| q.checked_sub(self.allocated))
    }
}

/// One allocation in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The allocation Ent.
    pub ent_id: EntId,
    /// What it allocates from: the base or another allocation.
    pub parent: EntId,
    /// Who receives it.
    pub allocatees: Vec<Entity>,
    /// The right.
    pub right: RightName,
    /// The metric.
    pub metric: MetricType,
    /// The quantity.
    pub quantity: Decimal,
    /// The sum of the active allocations made from this one.
    pub sub_allocated: Decimal,
    /// The revocation that cancelled it, if any (it then counts for nothing).
    pub revoked_by: Option<EntId>,
}

/// The effective entitlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effective {
    /// The base Ent.
    pub ent_id: EntId,
    /// Its name.
    pub name: String,
    /// Licence, subscription…
    pub entitlement_type: Option<EntitlementType>,
    /// Where it stands.
    pub status: Status,
    /// When the base was issued.
    pub issued: Option<Timestamp>,
    /// The licensors.
    pub licensors: Vec<Entity>,
    /// The current licensees.
    pub licensees: Vec<Entity>,
    /// Licensees before transfers, oldest first.
    pub former_licensees: Vec<Entity>,
    /// The entities with a role other than licensor and licensee (reseller, distributor,
    /// purchaser, the Ent's creator…), each whole (with all its roles, so one that is also a
    /// licensor or licensee appears here too): the base's, in document order, then those
    /// additions name with such a role (other than `entCreator`: an addition's creator made
    /// that document, not the entitlement), in the order the additions apply, without
    /// repeats. Transfers, allocations, revocations and archives do not change them; a
    /// consolidation is a base of its own and has its own.
    #[serde(default)]
    pub other_entities: Vec<Entity>,
    /// The rights, per right, metric and unit, in the base's order.
    pub rights: Vec<EffectiveRight>,
    /// Every allocation of the chain, in the order applied.
    pub allocations: Vec<Allocation>,
    /// Descriptive data, from the base and additions.
    pub ent_meta: Vec<EntMeta>,
    /// Contracts.
    pub contracts: Vec<Contract>,
    /// Orders.
    pub order_info: Vec<OrderInfo>,
    /// Invoices.
    pub invoice_data: Vec<InvoiceData>,
    /// Links other than the chain's own.
    pub links: Vec<Link>,
    /// Other data.
    pub meta: Vec<Meta>,
    /// The supplemental Ents applied, in order.
    pub applied: Vec<EntId>,
    /// For a consolidation: the Ents it merges.
    pub consolidated_from: Vec<EntId>,
}

/// The outcome of a resolution: the effective entitlement unless the chain was refused, and the
/// findings either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// The effective entitlement; `None` when an Error finding refused the chain.
    pub effective: Option<Effective>,
    /// What was found.
    pub report: Report,
}

/// Resolves the entitlement of `target` from the Ents given, in any order.
#[must_use]
pub fn resolve(target: &EntId, ents: &[Ent]) -> Resolution {
    let mut r = Resolver::new(ents);
    let effective = r
        .find_root(target)
        .and_then(|root| r.resolve_root(root, &mut Vec::new()))
        .map(|mut eff| {
            if eff.status.is_active() {
                if let Some(into) = r.consolidated_into(&eff.ent_id).first() {
                    eff.status = Status::Consolidated {
                        into: (*into).clone(),
                    };
                }
            }
            eff
        });
    let report = Report::from(r.findings);
    let refused = !report.is_conformant();
    Resolution {
        effective: effective.filter(|_| !refused),
        report,
    }
}

/// Resolves every base among the Ents given (each primary or consolidation Ent, and the
/// target of any supplemental whose base is missing), keyed by base id.
#[must_use]
pub fn resolve_all(ents: &[Ent]) -> BTreeMap<EntId, Resolution> {
    let mut targets: BTreeSet<EntId> = BTreeSet::new();
    for e in ents {
        if is_root(e) {
            targets.insert(e.ent_id.clone());
        }
    }
    let known: BTreeSet<&EntId> = ents.iter().map(|e| &e.ent_id).collect();
    for e in ents {
        if !is_root(e) && parent_of(e).is_none_or(|p| !known.contains(&p)) {
            targets.insert(e.ent_id.clone());
        }
    }
    targets
        .into_iter()
        .map(|t| {
            let r = resolve(&t, ents);
            (t, r)
        })
        .collect()
}

type Order = (Option<Timestamp>, u64, EntId);

fn order_of(e: &Ent) -> Order {
    (e.issued, e.ent_revision, e.ent_id.clone())
}

struct Resolver<'a> {
    by_id: BTreeMap<EntId, &'a Ent>,
    conflicts: BTreeSet<EntId>,
    children: BTreeMap<EntId, Vec<&'a Ent>>,
    findings: Vec<Finding>,
    reported_conflicts: BTreeSet<EntId>,
}

fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

fn parent_of(e: &Ent) -> Option<EntId> {
    if e.ent_type != EntType::Supplemental
        || e.supplemental_ent_type == Some(SupplementalEntType::Consolidation)
    {
        return None;
    }
    e.base_ent()
}

fn is_root(e: &Ent) -> bool {
    e.ent_type != EntType::Supplemental
        || e.supplemental_ent_type == Some(SupplementalEntType::Consolidation)
}

impl<'a> Resolver<'a> {
    fn new(ents: &'a [Ent]) -> Self {
        let mut by_id: BTreeMap<EntId, &'a Ent> = BTreeMap::new();
        let mut conflicts = BTreeSet::new();
        for e in ents {
            match by_id.get(&e.ent_id) {
                None => {
                    by_id.insert(e.ent_id.clone(), e);
                }
                Some(old) if e.ent_revision > old.ent_revision => {
                    conflicts.remove(&e.ent_id);
                    by_id.insert(e.ent_id.clone(), e);
                }
                Some(old) if e.ent_revision == old.ent_revision && *old != e => {
                    conflicts.insert(e.ent_id.clone());
                    // Keep a choice that does not depend on arrival order.
                    if crate::write::write(e) < crate::write::write(old) {
                        by_id.insert(e.ent_id.clone(), e);
                    }
                }
                Some(_) => {}
            }
        }
        let mut children: BTreeMap<EntId, Vec<&'a Ent>> = BTreeMap::new();
        for e in by_id.values() {
            if let Some(p) = parent_of(e) {
                children.entry(p).or_default().push(e);
            }
        }
        for list in children.values_mut() {
            list.sort_by_key(|e| order_of(e));
        }
        Self {
            by_id,
            conflicts,
            children,
            findings: Vec::new(),
            reported_conflicts: BTreeSet::new(),
        }
    }

    fn push(&mut self, id: &str, about: &EntId, message: String) {
        let Some(rule) = rule(id) else { return };
        let message = if rule.reconstructed {
            format!("{message} (reconstructed profile)")
        } else {
            message
        };
        self.findings.push(Finding::new(
            rule.id,
            rule.severity,
            Location::path(format!("ent:{about}")),
            message,
        ));
    }

    fn get(&mut self, id: &EntId) -> Option<&'a Ent> {
        if self.conflicts.contains(id) && self.reported_conflicts.insert(id.clone()) {
            self.push(
                "ENT-RES-6",
                id,
                format!("two different documents are Ent {id} at the same revision"),
            );
        }
        self.by_id.get(id).copied()
    }

    fn consolidated_into(&self, id: &EntId) -> Vec<&'a EntId> {
        self.by_id
            .values()
            .filter(|e| e.supplemental_ent_type == Some(SupplementalEntType::Consolidation))
            .filter(|e| e.linked_ents(&Rel::Consolidates).any(|s| &s == id))
            .map(|e| &e.ent_id)
            .collect()
    }

    /// Follows supplemental links up to a primary or consolidation Ent.
    fn find_root(&mut self, target: &EntId) -> Option<&'a Ent> {
        let mut seen = BTreeSet::new();
        let mut cur = target.clone();
        loop {
            let Some(e) = self.get(&cur) else {
                let msg = if &cur == target {
                    format!("Ent {cur} is not among the Ents given")
                } else {
                    format!("the base Ent {cur} is not among the Ents given")
                };
                self.push("ENT-RES-1", &cur, msg);
                return None;
            };
            if is_root(e) {
                return Some(e);
            }
            seen.insert(cur.clone());
            let Some(parent) = parent_of(e) else {
                self.push(
                    "ENT-RES-1",
                    &cur,
                    format!("supplemental Ent {cur} does not link to a base Ent"),
                );
                return None;
            };
            if seen.contains(&parent) {
                self.push(
                    "ENT-RES-2",
                    &cur,
                    format!("supplemental links from {target} loop back to {parent}"),
                );
                return None;
            }
            cur = parent;
        }
    }

    fn resolve_root(&mut self, root: &'a Ent, stack: &mut Vec<EntId>) -> Option<Effective> {
        if stack.contains(&root.ent_id) {
            self.push(
                "ENT-RES-2",
                &root.ent_id,
                format!("consolidation links loop back to {}", root.ent_id),
            );
            return None;
        }
        stack.push(root.ent_id.clone());
        let result = self.resolve_root_inner(root, stack);
        stack.pop();
        result
    }

    fn resolve_root_inner(&mut self, root: &'a Ent, stack: &mut Vec<EntId>) -> Option<Effective> {
        let mut eff = Effective {
            ent_id: root.ent_id.clone(),
            name: root.name.clone(),
            entitlement_type: root.entitlement_type.clone(),
            status: Status::Active,
            issued: root.issued,
            licensors: root.entities_with_role(&Role::Licensor).cloned().collect(),
            licensees: root.entities_with_role(&Role::Licensee).cloned().collect(),
            former_licensees: Vec::new(),
            other_entities: root
                .entities
                .iter()
                .filter(|e| has_other_role(e, &[Role::Licensor, Role::Licensee]))
                .cloned()
                .collect(),
            rights: Vec::new(),
            allocations: Vec::new(),
            ent_meta: root.ent_meta.clone(),
            contracts: root.contracts.clone(),
            order_info: root.order_info.clone(),
            invoice_data: root.invoice_data.clone(),
            links: root
                .links
                .iter()
                .filter(|l| !matches!(l.rel, Rel::Supplemental | Rel::Consolidates))
                .cloned()
                .collect(),
            meta: root.meta.clone(),
            applied: Vec::new(),
            consolidated_from: Vec::new(),
        };
        let mut ok = true;
        if !add_rights(&mut eff.rights, root) {
            self.overflow(&root.ent_id, "the quantities it grants of one right");
            ok = false;
        }
        if root.supplemental_ent_type == Some(SupplementalEntType::Consolidation) {
            ok &= self.consolidation(root, &mut eff, stack);
        }
        let children = self.children.get(&root.ent_id).cloned().unwrap_or_default();
        for c in children {
            ok &= self.apply(c, &mut eff);
        }
        ok &= self.check_allocations(&mut eff);
        ok.then_some(eff)
    }

    fn consolidation(
        &mut self,
        root: &'a Ent,
        eff: &mut Effective,
        stack: &mut Vec<EntId>,
    ) -> bool {
        let mut ok = true;
        let mut seen_roots = BTreeSet::new();
        let mut sums: Vec<EffectiveRight> = Vec::new();
        for source in root.linked_ents(&Rel::Consolidates) {
            let Some(src_root) = self.find_root_quiet(&source) else {
                self.push(
                    "ENT-RES-1",
                    &root.ent_id,
                    format!("consolidated Ent {source} is not among the Ents given"),
                );
                ok = false;
                continue;
            };
            if !seen_roots.insert(src_root.ent_id.clone()) {
                self.push(
                    "ENT-RES-5",
                    &root.ent_id,
                    format!("Ent {} is consolidated twice", src_root.ent_id),
                );
                ok = false;
                continue;
            }
            let others: Vec<EntId> = self
                .consolidated_into(&src_root.ent_id)
                .into_iter()
                .filter(|c| **c != root.ent_id)
                .cloned()
                .collect();
            for other in others {
                self.push(
                    "ENT-RES-5",
                    &root.ent_id,
                    format!("Ent {} is also consolidated into {other}", src_root.ent_id),
                );
                ok = false;
            }
            let Some(src) = self.resolve_root(src_root, stack) else {
                ok = false;
                continue;
            };
            if !src.status.is_active() {
                self.push(
                    "ENT-RES-4",
                    &root.ent_id,
                    format!(
                        "consolidated Ent {} is not active ({:?})",
                        src.ent_id, src.status
                    ),
                );
                ok = false;
            }
            eff.consolidated_from.push(src.ent_id.clone());
            for r in src.rights {
                if !merge_right(&mut sums, r) {
                    self.overflow(&root.ent_id, "the quantities its sources grant");
                    ok = false;
                }
            }
        }
        for stated in &eff.rights {
            let source = sums.iter().find(|s| same_key(s, stated));
            match source {
                None if stated.metric.is_some() => {
                    self.push(
                        "ENT-RES-5",
                        &root.ent_id,
                        format!(
                            "the consolidation grants `{}` by {:?}, which none of its sources grants",
                            stated.right,
                            stated.metric.as_ref().map(MetricType::as_str)
                        ),
                    );
                    ok = false;
                }
                Some(s) if !s.unlimited && (stated.unlimited || stated.quantity > s.quantity) => {
                    self.push(
                        "ENT-RES-5",
                        &root.ent_id,
                        format!(
                            "the consolidation grants {} of `{}`, its sources {}",
                            show(stated),
                            stated.right,
                            show(s)
                        ),
                    );
                    ok = false;
                }
                _ => {}
            }
        }
        for s in sums {
            if !eff.rights.iter().any(|r| same_key(r, &s)) {
                eff.rights.push(EffectiveRight {
                    allocated: Decimal::ZERO,
                    ..s
                });
            }
        }
        ok
    }

    fn find_root_quiet(&mut self, id: &EntId) -> Option<&'a Ent> {
        let before = self.findings.len();
        let found = self.find_root(id);
        self.findings.truncate(before);
        found
    }

    fn apply(&mut self, c: &'a Ent, eff: &mut Effective) -> bool {
        let id = c.ent_id.clone();
        let inactive = !eff.status.is_active();
        let mut ok = true;
        match c.supplemental_ent_type.as_ref() {
            Some(SupplementalEntType::Addition) => {
                for e in &c.entities {
                    if has_other_role(e, &[Role::EntCreator, Role::Licensor, Role::Licensee])
                        && !eff.other_entities.contains(e)
                    {
                        eff.other_entities.push(e.clone());
                    }
                }
                eff.ent_meta.extend(c.ent_meta.iter().cloned());
                eff.contracts.extend(c.contracts.iter().cloned());
                eff.order_info.extend(c.order_info.iter().cloned());
                eff.invoice_data.extend(c.invoice_data.iter().cloned());
                eff.meta.extend(c.meta.iter().cloned());
                eff.links.extend(
                    c.links
                        .iter()
                        .filter(|l| l.rel != Rel::Supplemental)
                        .cloned(),
                );
                let mut extra = Vec::new();
                if !add_rights(&mut extra, c) {
                    self.overflow(&id, "the quantities it grants of one right");
                    ok = false;
                }
                for r in extra {
                    if eff.rights.iter().any(|e| same_key(e, &r)) {
                        self.push(
                            "ENT-RES-7",
                            &id,
                            format!(
                                "an addition cannot change the quantity of `{}`; ignored",
                                r.right
                            ),
                        );
                    } else {
                        eff.rights.push(r);
                    }
                }
            }
            Some(SupplementalEntType::Allocation) => {
                if inactive {
                    self.push(
                        "ENT-RES-4",
                        &id,
                        format!(
                            "allocation of Ent {}, which is {:?}",
                            eff.ent_id, eff.status
                        ),
                    );
                    ok = false;
                }
                ok &= self.allocation(c, &eff.ent_id.clone(), eff, &mut BTreeSet::new());
                return ok; // the allocation chain records itself in `applied`
            }
            Some(SupplementalEntType::Transfer) => {
                if inactive {
                    self.push(
                        "ENT-RES-4",
                        &id,
                        format!("transfer of Ent {}, which is {:?}", eff.ent_id, eff.status),
                    );
                    ok = false;
                }
                let new: Vec<Entity> = c.entities_with_role(&Role::Licensee).cloned().collect();
                let old = std::mem::replace(&mut eff.licensees, new);
                eff.former_licensees.extend(old);
            }
            Some(SupplementalEntType::Revocation) => {
                if eff.status.is_active() {
                    eff.status = Status::Revoked { by: id.clone() };
                }
            }
            Some(SupplementalEntType::Archive) => {
                eff.status = Status::Archived { by: id.clone() };
            }
            other => {
                self.push(
                    "ENT-RES-7",
                    &id,
                    format!(
                        "supplemental type {:?} has no effect here; ignored",
                        other.map(SupplementalEntType::as_str)
                    ),
                );
                return true;
            }
        }
        eff.applied.push(id);
        ok
    }

    /// Records an allocation and its sub-allocations.
    fn allocation(
        &mut self,
        c: &'a Ent,
        parent: &EntId,
        eff: &mut Effective,
        seen: &mut BTreeSet<EntId>,
    ) -> bool {
        if !seen.insert(c.ent_id.clone()) {
            return true;
        }
        eff.applied.push(c.ent_id.clone());
        let children = self.children.get(&c.ent_id).cloned().unwrap_or_default();
        let revoked_by = children
            .iter()
            .find(|k| k.supplemental_ent_type == Some(SupplementalEntType::Revocation))
            .map(|k| k.ent_id.clone());
        let allocatees: Vec<Entity> = c.entities_with_role(&Role::Allocatee).cloned().collect();
        for r in &c.rights {
            for m in &r.metrics {
                eff.allocations.push(Allocation {
                    ent_id: c.ent_id.clone(),
                    parent: parent.clone(),
                    allocatees: allocatees.clone(),
                    right: r.name.clone(),
                    metric: m.metric_type.clone(),
                    quantity: m.quantity().unwrap_or_default(),
                    sub_allocated: Decimal::ZERO,
                    revoked_by: revoked_by.clone(),
                });
            }
        }
        let mut ok = true;
        for k in children {
            match k.supplemental_ent_type.as_ref() {
                Some(SupplementalEntType::Allocation) => {
                    if revoked_by.is_some() {
                        self.push(
                            "ENT-RES-4",
                            &k.ent_id,
                            format!("allocation from allocation {}, which is revoked", c.ent_id),
                        );
                        ok = false;
                    }
                    ok &= self.allocation(k, &c.ent_id, eff, seen);
                }
                Some(SupplementalEntType::Revocation) => eff.applied.push(k.ent_id.clone()),
                _ => self.push(
                    "ENT-RES-7",
                    &k.ent_id,
                    format!(
                        "only allocations and revocations apply to allocation {}; ignored",
                        c.ent_id
                    ),
                ),
            }
        }
        ok
    }

    /// Σ active allocations ≤ what they allocate from, at every level of the chain.
    fn check_allocations(&mut self, eff: &mut Effective) -> bool {
        let mut ok = true;
        // Active allocations: not revoked, and no ancestor revoked.
        let revoked: BTreeSet<EntId> = eff
            .allocations
            .iter()
            .filter(|a| a.revoked_by.is_some())
            .map(|a| a.ent_id.clone())
            .collect();
        let parent_of: BTreeMap<EntId, EntId> = eff
            .allocations
            .iter()
            .map(|a| (a.ent_id.clone(), a.parent.clone()))
            .collect();
        let active = |id: &EntId| {
            let mut cur = id;
            for _ in 0..=parent_of.len() {
                if revoked.contains(cur) {
                    return false;
                }
                match parent_of.get(cur) {
                    Some(p) => cur = p,
                    None => return true,
                }
            }
            true
        };
        let flags: Vec<bool> = eff.allocations.iter().map(|a| active(&a.ent_id)).collect();
        // From the base.
        for i in 0..eff.rights.len() {
            let Some(r) = eff.rights.get(i).cloned() else {
                continue;
            };
            let total = eff
                .allocations
                .iter()
                .zip(&flags)
                .filter(|(a, on)| **on && a.parent == eff.ent_id && matches(&r, a))
                .try_fold(Decimal::ZERO, |sum, (a, _)| sum.checked_add(a.quantity));
            let Some(total) = total else {
                let base = eff.ent_id.clone();
                self.overflow(&base, &format!("the allocations of `{}`", r.right));
                ok = false;
                continue;
            };
            if let Some(slot) = eff.rights.get_mut(i) {
                slot.allocated = total;
            }
            if let Some(q) = r.quantity {
                if q.checked_sub(total).is_none() {
                    let base = eff.ent_id.clone();
                    self.overflow(&base, &format!("what is left of `{}`", r.right));
                    ok = false;
                    continue;
                }
            }
            if let Some(q) = r.quantity.filter(|_| !r.unlimited) {
                if total > q {
                    self.push(
                        "ENT-RES-3",
                        &eff.ent_id,
                        format!(
                            "allocations of `{}` total {total}, more than the {q} granted",
                            r.right
                        ),
                    );
                    ok = false;
                }
            }
        }
        for (a, on) in eff.allocations.iter().zip(&flags) {
            if *on && a.parent == eff.ent_id && !eff.rights.iter().any(|r| matches(r, a)) {
                self.push(
                    "ENT-RES-3",
                    &a.ent_id,
                    format!(
                        "allocates `{}` by `{}`, which Ent {} does not grant",
                        a.right, a.metric, eff.ent_id
                    ),
                );
                ok = false;
            }
        }
        // From allocations: one pass to sum what was allocated from each allocation.
        let mut from: BTreeMap<(EntId, RightName, MetricType), Decimal> = BTreeMap::new();
        let mut overflowed = BTreeSet::new();
        for (a, on) in eff.allocations.iter().zip(&flags) {
            if *on {
                let slot = from
                    .entry((a.parent.clone(), a.right.clone(), a.metric.clone()))
                    .or_insert(Decimal::ZERO);
                match slot.checked_add(a.quantity) {
                    Some(sum) => *slot = sum,
                    // Sums from the base were reported above.
                    None if a.parent == eff.ent_id => {}
                    None => {
                        overflowed.insert((a.parent.clone(), a.right.clone()));
                    }
                }
            }
        }
        for (parent, right) in overflowed {
            self.overflow(
                &parent,
                &format!("the allocations of `{right}` made from it"),
            );
            ok = false;
        }
        let mut over = Vec::new();
        for (a, on) in eff.allocations.iter_mut().zip(&flags) {
            let key = (a.ent_id.clone(), a.right.clone(), a.metric.clone());
            let total = from.get(&key).copied().unwrap_or(Decimal::ZERO);
            a.sub_allocated = total;
            if *on && total > a.quantity {
                over.push((a.ent_id.clone(), a.right.clone(), a.quantity, total));
            }
        }
        for (id, right, quantity, total) in over {
            self.push(
                "ENT-RES-3",
                &id,
                format!(
                    "allocations from {id} total {total} of `{right}`, more than its {quantity}"
                ),
            );
            ok = false;
        }
        ok
    }
}

impl Resolver<'_> {
    /// An `ENT-RES-8` finding: `what` (a sum or difference of quantities about `about`) leaves
    /// the exact decimal range.
    fn overflow(&mut self, about: &EntId, what: &str) {
        self.push(
            "ENT-RES-8",
            about,
            format!(
                "{what} cannot be counted: the sum or difference exceeds the exact decimal range (±{})",
                Decimal::MAX
            ),
        );
    }
}

/// Whether `e` has a role that is not one of `besides`.
fn has_other_role(e: &Entity, besides: &[Role]) -> bool {
    e.role.iter().any(|r| !besides.contains(r))
}

fn matches(r: &EffectiveRight, a: &Allocation) -> bool {
    r.right == a.right && r.metric.as_ref() == Some(&a.metric)
}

fn same_key(a: &EffectiveRight, b: &EffectiveRight) -> bool {
    a.right == b.right && a.metric == b.metric && a.unit == b.unit
}

fn show(r: &EffectiveRight) -> String {
    match r.quantity {
        _ if r.unlimited => "unlimited".to_owned(),
        Some(q) => q.to_string(),
        None => "an unmeasured quantity".to_owned(),
    }
}

/// Adds `r` to the right of the same key in `into` (or appends it); `false` when the quantities'
/// sum leaves the decimal range (the quantity then stays as it was).
fn merge_right(into: &mut Vec<EffectiveRight>, r: EffectiveRight) -> bool {
    let mut ok = true;
    match into.iter_mut().find(|e| same_key(e, &r)) {
        Some(e) => {
            e.unlimited |= r.unlimited;
            e.quantity = match (e.quantity, r.quantity) {
                _ if e.unlimited => None,
                (Some(a), Some(b)) => {
                    let sum = a.checked_add(b);
                    ok = sum.is_some();
                    Some(sum.unwrap_or(a))
                }
                (a, b) => a.or(b),
            };
            for l in r.limits {
                if !e.limits.contains(&l) {
                    e.limits.push(l);
                }
            }
            for v in r.valid_versions {
                if !e.valid_versions.contains(&v) {
                    e.valid_versions.push(v);
                }
            }
            for l in r.links {
                if !e.links.contains(&l) {
                    e.links.push(l);
                }
            }
        }
        None => into.push(r),
    }
    ok
}

/// Adds the rights `ent` grants to `into`; `false` when a sum left the decimal range.
fn add_rights(into: &mut Vec<EffectiveRight>, ent: &Ent) -> bool {
    let mut ok = true;
    for r in &ent.rights {
        let base = EffectiveRight {
            right: r.name.clone(),
            metric: None,
            unit: None,
            quantity: None,
            unlimited: false,
            allocated: Decimal::ZERO,
            limits: r.limits.clone(),
            valid_versions: r.valid_versions.clone(),
            links: r.links.clone(),
        };
        if r.metrics.is_empty() {
            ok &= merge_right(into, base);
            continue;
        }
        for m in &r.metrics {
            let unlimited = m.is_unlimited();
            ok &= merge_right(
                into,
                EffectiveRight {
                    metric: Some(m.metric_type.clone()),
                    unit: m.quantification.first().and_then(|q| q.unit.clone()),
                    quantity: if unlimited { None } else { m.quantity() },
                    unlimited,
                    ..base.clone()
                },
            );
        }
    }
    ok
}
