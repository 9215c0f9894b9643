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
//! when a consolidation counts something twice, when links form a cycle (the finding names the
//! Ents on it), when a consolidated Ent is refused (the finding names the first cause), when a base is missing,
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
    Rule {
        id: "ENT-RES-9",
        reference: "19770-3 use cases: consolidations",
        summary: "a consolidated Ent is refused, so the consolidation is too (the finding names the first cause)",
        severity: Severity::Error,
        reconstructed: true,
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

impl std::fmt::Display for Status {
    /// `active`, `revoked by r-1`, `archived by a-1`, `consolidated into c-1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Active => f.write_str("active"),
            Self::Revoked { by } => write!(f, "revoked by {by}"),
            Self::Archived { by } => write!(f, "archived by {by}"),
            Self::Consolidated { into } => write!(f, "consolidated into {into}"),
        }
    }
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
    /// The `Meta` children of the `Metric` elements it was granted by, in the order met
    /// (the base, then additions and merged sources; a repeat left out): where the contract
    /// terms are written ([`project`](crate::project::project) reads them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metric_meta: Vec<Meta>,
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
    /// Every Ent this resolution accounts for, in id order: the base (or, where the links end
    /// without one, the Ent whose link ends there, or the members of a cycle) and every
    /// supplemental Ent whose `rel="supplemental"` links lead to it, applied or not. Across
    /// [`resolve_all`] each Ent given is in exactly one resolution.
    #[serde(default)]
    pub ents: Vec<EntId>,
}

/// Resolves the entitlement of `target` from the Ents given, in any order.
///
/// The answer is the one [`resolve_all`] gives for the resolution `target` belongs to (its
/// base, or the Ent its links end at): resolving one chain or all of them never disagrees.
#[must_use]
pub fn resolve(target: &EntId, ents: &[Ent]) -> Resolution {
    Resolver::new(ents).resolution(target)
}

/// Resolves every chain among the Ents given, keyed by base id: each primary or consolidation
/// Ent; each supplemental whose links end without a base (at a missing Ent or at none), keyed
/// by the Ent whose link ends there; and each cycle of supplemental links, keyed by its least
/// id. Every Ent given is in exactly one resolution's [`Resolution::ents`], so none is left out
/// unseen.
///
/// The cost is near-linear in the number of Ents (and their links): each base is resolved
/// once, a consolidation reuses what its sources resolved to, and nothing is walked twice.
#[must_use]
pub fn resolve_all(ents: &[Ent]) -> BTreeMap<EntId, Resolution> {
    let mut r = Resolver::new(ents);
    let targets: Vec<EntId> = r.groups.keys().cloned().collect();
    targets
        .into_iter()
        .map(|t| {
            let res = r.resolution(&t);
            (t, res)
        })
        .collect()
}

type Order = (Option<Timestamp>, u64, EntId);

fn order_of(e: &Ent) -> Order {
    (e.issued, e.ent_revision, e.ent_id.clone())
}

/// Where the `rel="supplemental"` links of an Ent lead.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    /// To a primary or consolidation Ent (the Ent itself when it is one).
    Root(EntId),
    /// To an Ent that is not among those given: `head` links to `missing`.
    Missing { head: EntId, missing: EntId },
    /// To a supplemental Ent that links to no base.
    Unlinked(EntId),
    /// Into a cycle of supplemental links: its index in [`Resolver::cycles`].
    Cycle(usize),
}

impl End {
    /// The key of the resolution an Ent with this end belongs to: its base, the Ent whose
    /// link ends without one, or a cycle's least id (`of` when the cycle is unknown).
    fn key(&self, cycles: &[Vec<EntId>], of: &EntId) -> EntId {
        match self {
            Self::Root(r) => r.clone(),
            Self::Missing { head, .. } => head.clone(),
            Self::Unlinked(x) => x.clone(),
            Self::Cycle(i) => cycles.get(*i).and_then(|c| c.first()).unwrap_or(of).clone(),
        }
    }
}

/// One base resolved: what it resolved to and its own findings.
#[derive(Debug, Clone)]
struct Done {
    /// What it resolved to, until `Resolver::resolution` hands it out.
    effective: Option<Effective>,
    /// What a consolidation of it needs (its status and rights); `None` when refused.
    as_source: Option<(Status, Vec<EffectiveRight>)>,
    findings: Vec<Finding>,
    /// For a refused base: the first cause, one line (`ENT-RES-3 (ent:a-1): …`), carried up
    /// consolidations so that each names the cause without repeating its sources' reports.
    cause: Option<String>,
}

struct Resolver<'a> {
    by_id: BTreeMap<EntId, &'a Ent>,
    conflicts: BTreeSet<EntId>,
    children: BTreeMap<EntId, Vec<&'a Ent>>,
    /// For each Ent id, the consolidations that link to it with `rel="consolidates"`, by id.
    into: BTreeMap<EntId, Vec<EntId>>,
    /// Where each Ent's supplemental links lead.
    ends: BTreeMap<EntId, End>,
    /// The cycles of supplemental links, each in link order from its least id.
    cycles: Vec<Vec<EntId>>,
    /// The resolutions there are, by key (see [`resolve_all`]), each with its Ents.
    groups: BTreeMap<EntId, Vec<EntId>>,
    /// The consolidations on a cycle of `rel="consolidates"` links, with the cycle's members.
    looped: BTreeMap<EntId, std::rc::Rc<[EntId]>>,
    /// Every base resolved so far.
    done: BTreeMap<EntId, Done>,
    findings: Vec<Finding>,
    /// The cause a refused source passed to the base being resolved.
    inherited: Option<String>,
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

/// Where every Ent's supplemental links lead, walking each link once.
fn chain_ends(by_id: &BTreeMap<EntId, &Ent>) -> (BTreeMap<EntId, End>, Vec<Vec<EntId>>) {
    let mut ends: BTreeMap<EntId, End> = BTreeMap::new();
    let mut cycles: Vec<Vec<EntId>> = Vec::new();
    for start in by_id.keys() {
        if ends.contains_key(start) {
            continue;
        }
        let mut path: Vec<EntId> = Vec::new();
        let mut on_path: BTreeMap<EntId, usize> = BTreeMap::new();
        let mut cur = start.clone();
        let end = loop {
            if let Some(end) = ends.get(&cur) {
                break end.clone();
            }
            let Some(e) = by_id.get(&cur) else {
                let head = path.last().cloned().unwrap_or_else(|| cur.clone());
                break End::Missing { head, missing: cur };
            };
            if is_root(e) {
                path.push(cur.clone());
                break End::Root(cur);
            }
            if let Some(&at) = on_path.get(&cur) {
                let mut cycle: Vec<EntId> = path.get(at..).unwrap_or_default().to_vec();
                let least = cycle
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.cmp(b.1))
                    .map_or(0, |(i, _)| i);
                cycle.rotate_left(least);
                cycles.push(cycle);
                break End::Cycle(cycles.len() - 1);
            }
            on_path.insert(cur.clone(), path.len());
            path.push(cur.clone());
            match parent_of(e) {
                Some(parent) => cur = parent,
                None => break End::Unlinked(cur),
            }
        };
        for id in path {
            ends.insert(id, end.clone());
        }
    }
    (ends, cycles)
}

/// The consolidations on cycles of `rel="consolidates"` links (Tarjan's strongly connected
/// components, without recursion), each with its cycle's members in id order.
fn consolidation_loops(
    by_id: &BTreeMap<EntId, &Ent>,
    ends: &BTreeMap<EntId, End>,
) -> BTreeMap<EntId, std::rc::Rc<[EntId]>> {
    let nodes: Vec<&EntId> = by_id
        .iter()
        .filter(|(_, e)| e.supplemental_ent_type == Some(SupplementalEntType::Consolidation))
        .map(|(id, _)| id)
        .collect();
    let index_of: BTreeMap<&EntId, usize> =
        nodes.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let adj: Vec<Vec<usize>> = nodes
        .iter()
        .map(|id| {
            by_id.get(*id).map_or_else(Vec::new, |e| {
                e.linked_ents(&Rel::Consolidates)
                    .filter_map(|s| match ends.get(&s) {
                        Some(End::Root(r)) => index_of.get(r).copied(),
                        _ => None,
                    })
                    .collect()
            })
        })
        .collect();
    let n = nodes.len();
    let mut t = Tarjan {
        index: vec![UNVISITED; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
    };
    let mut out = BTreeMap::new();
    for s in 0..n {
        if t.index.get(s) != Some(&UNVISITED) {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = vec![(s, 0)];
        t.visit(s);
        while let Some(&(v, edge)) = calls.last() {
            let next_w = adj.get(v).and_then(|a| a.get(edge)).copied();
            if let Some(w) = next_w {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if t.index.get(w) == Some(&UNVISITED) {
                    t.visit(w);
                    calls.push((w, 0));
                } else if t.on_stack.get(w) == Some(&true) {
                    let iw = t.index.get(w).copied().unwrap_or(UNVISITED);
                    t.lower(v, iw);
                }
                continue;
            }
            calls.pop();
            let lv = t.low.get(v).copied().unwrap_or(0);
            if let Some(&(u, _)) = calls.last() {
                t.lower(u, lv);
            }
            if Some(&lv) == t.index.get(v) {
                let mut scc = Vec::new();
                while let Some(w) = t.stack.pop() {
                    if let Some(on) = t.on_stack.get_mut(w) {
                        *on = false;
                    }
                    scc.push(w);
                    if w == v {
                        break;
                    }
                }
                let self_loop = adj.get(v).is_some_and(|a| a.contains(&v));
                if scc.len() > 1 || self_loop {
                    let mut members: Vec<EntId> = scc
                        .iter()
                        .filter_map(|i| nodes.get(*i).map(|id| (*id).clone()))
                        .collect();
                    members.sort();
                    let members: std::rc::Rc<[EntId]> = members.into();
                    for m in members.iter() {
                        out.insert(m.clone(), members.clone());
                    }
                }
            }
        }
    }
    out
}

/// A node not visited yet.
const UNVISITED: usize = usize::MAX;

/// The state of Tarjan's algorithm over nodes `0..n`.
struct Tarjan {
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
}

impl Tarjan {
    /// The first visit of `v`.
    fn visit(&mut self, v: usize) {
        if let (Some(i), Some(l), Some(on)) = (
            self.index.get_mut(v),
            self.low.get_mut(v),
            self.on_stack.get_mut(v),
        ) {
            *i = self.next;
            *l = self.next;
            *on = true;
        }
        self.next += 1;
        self.stack.push(v);
    }

    /// `low[v] = min(low[v], to)`.
    fn lower(&mut self, v: usize, to: usize) {
        if let Some(l) = self.low.get_mut(v) {
            *l = (*l).min(to);
        }
    }
}

/// `ENT-RES-6`: two different documents are Ent `id` at the same revision.
fn conflict(id: &EntId) -> Finding {
    let rule = rule("ENT-RES-6");
    Finding::new(
        "ENT-RES-6",
        rule.map_or(Severity::Error, |r| r.severity),
        Location::path(format!("ent:{id}")),
        format!("two different documents are Ent {id} at the same revision"),
    )
}

/// `ENT-RES-3 (ent:a-1): …`: a finding as one line, for the findings that point at it.
fn cause_line(f: &Finding) -> String {
    format!("{} ({}): {}", f.rule, f.location, f.message)
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
                    // Keep a choice that does not depend on arrival order (the derived `Debug`
                    // form is total and deterministic; the XML form may not exist).
                    if format!("{e:?}") < format!("{old:?}") {
                        by_id.insert(e.ent_id.clone(), e);
                    }
                }
                Some(_) => {}
            }
        }
        let mut children: BTreeMap<EntId, Vec<&'a Ent>> = BTreeMap::new();
        let mut into: BTreeMap<EntId, Vec<EntId>> = BTreeMap::new();
        for e in by_id.values() {
            if let Some(p) = parent_of(e) {
                children.entry(p).or_default().push(e);
            }
            if e.supplemental_ent_type == Some(SupplementalEntType::Consolidation) {
                for s in e.linked_ents(&Rel::Consolidates) {
                    let list = into.entry(s).or_default();
                    if list.last() != Some(&e.ent_id) {
                        list.push(e.ent_id.clone());
                    }
                }
            }
        }
        for list in children.values_mut() {
            list.sort_by_key(|e| order_of(e));
        }
        let (ends, cycles) = chain_ends(&by_id);
        let mut groups: BTreeMap<EntId, Vec<EntId>> = BTreeMap::new();
        for (id, end) in &ends {
            groups
                .entry(end.key(&cycles, id))
                .or_default()
                .push(id.clone());
        }
        let looped = consolidation_loops(&by_id, &ends);
        Self {
            by_id,
            conflicts,
            children,
            into,
            ends,
            cycles,
            groups,
            looped,
            done: BTreeMap::new(),
            findings: Vec::new(),
            inherited: None,
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

    /// The resolution `target` belongs to. What its base resolved to is moved out, not
    /// copied: a resolver is asked once per base ([`resolve`] asks once, [`resolve_all`] once
    /// per key, and each base is the key of its own resolution only).
    fn resolution(&mut self, target: &EntId) -> Resolution {
        self.findings.clear();
        let root = self.find_root(target);
        let mut findings = std::mem::take(&mut self.findings);
        let effective = root.and_then(|root| {
            self.solve(root);
            let done = self.done.get_mut(&root.ent_id)?;
            findings.append(&mut done.findings);
            done.effective.take()
        });
        let effective = effective.map(|mut eff| {
            if eff.status.is_active() {
                if let Some(into) = self.into.get(&eff.ent_id).and_then(|c| c.first()) {
                    eff.status = Status::Consolidated { into: into.clone() };
                }
            }
            eff
        });
        let key = self
            .ends
            .get(target)
            .map(|end| end.key(&self.cycles, target));
        let ents = key
            .and_then(|k| self.groups.get(&k).cloned())
            .unwrap_or_else(|| vec![target.clone()]);
        // Any Ent of the resolution that two different documents claim refuses it, whichever
        // of its Ents was asked for.
        if !self.conflicts.is_empty() {
            for id in ents.iter().filter(|id| self.conflicts.contains(*id)) {
                findings.push(conflict(id));
            }
        }
        let report = Report::from(findings);
        let refused = !report.is_conformant();
        Resolution {
            effective: effective.filter(|_| !refused),
            report,
            ents,
        }
    }

    /// The primary or consolidation Ent the supplemental links of `target` lead to, or the
    /// finding that says why there is none (where they lead is known from [`chain_ends`]).
    fn find_root(&mut self, target: &EntId) -> Option<&'a Ent> {
        let Some(end) = self.ends.get(target).cloned() else {
            self.push(
                "ENT-RES-1",
                target,
                format!("Ent {target} is not among the Ents given"),
            );
            return None;
        };
        match end {
            End::Root(root) => self.by_id.get(&root).copied(),
            End::Missing { missing, .. } => {
                self.push(
                    "ENT-RES-1",
                    &missing,
                    format!("the base Ent {missing} is not among the Ents given"),
                );
                None
            }
            End::Unlinked(at) => {
                self.push(
                    "ENT-RES-1",
                    &at,
                    format!("supplemental Ent {at} does not link to a base Ent"),
                );
                None
            }
            End::Cycle(i) => {
                let cycle = self.cycles.get(i).cloned().unwrap_or_default();
                let least = cycle.first().cloned().unwrap_or_else(|| target.clone());
                let mut text: Vec<&str> = cycle.iter().map(EntId::as_str).collect();
                text.push(least.as_str());
                // The same finding whichever Ent of the resolution was asked for (the Ents
                // whose links lead into the cycle are in its `ents`).
                let message = format!("supplemental links form a cycle: {}", text.join(" → "));
                self.push("ENT-RES-2", &least, message);
                None
            }
        }
    }

    /// Resolves `root` and, first, every base it consolidates (without recursion: a chain of
    /// consolidations as deep as the input allows costs no stack).
    fn solve(&mut self, root: &'a Ent) {
        let mut stack: Vec<(&'a Ent, bool)> = vec![(root, false)];
        let mut open: BTreeSet<EntId> = BTreeSet::new();
        while let Some((e, expanded)) = stack.pop() {
            if self.done.contains_key(&e.ent_id) {
                continue;
            }
            if let Some(members) = self.looped.get(&e.ent_id).cloned() {
                self.findings.clear();
                let names: Vec<&str> = members.iter().map(EntId::as_str).collect();
                self.push(
                    "ENT-RES-2",
                    &e.ent_id,
                    format!(
                        "consolidation links form a cycle among Ents {}",
                        names.join(", ")
                    ),
                );
                self.finish(e, None);
                continue;
            }
            if expanded {
                open.remove(&e.ent_id);
                self.findings.clear();
                self.inherited = None;
                let eff = self.resolve_root(e);
                self.finish(e, eff);
                continue;
            }
            open.insert(e.ent_id.clone());
            stack.push((e, true));
            if e.supplemental_ent_type == Some(SupplementalEntType::Consolidation) {
                for s in e.linked_ents(&Rel::Consolidates) {
                    if let Some(src) = self.root_of(&s) {
                        if !self.done.contains_key(&src.ent_id) && !open.contains(&src.ent_id) {
                            stack.push((src, false));
                        }
                    }
                }
            }
        }
    }

    /// Records what `root` resolved to, with the findings gathered for it.
    fn finish(&mut self, root: &Ent, effective: Option<Effective>) {
        let findings = std::mem::take(&mut self.findings);
        let cause = if effective.is_some() {
            None
        } else {
            findings
                .iter()
                .find(|f| f.severity == Severity::Error && f.rule != "ENT-RES-9")
                .map(cause_line)
                .or_else(|| self.inherited.take())
        };
        let as_source = effective
            .as_ref()
            .map(|e| (e.status.clone(), e.rights.clone()));
        self.done.insert(
            root.ent_id.clone(),
            Done {
                effective,
                as_source,
                findings,
                cause,
            },
        );
    }

    /// The base the links of `id` lead to, if they lead to one.
    fn root_of(&self, id: &EntId) -> Option<&'a Ent> {
        match self.ends.get(id) {
            Some(End::Root(r)) => self.by_id.get(r).copied(),
            _ => None,
        }
    }

    fn resolve_root(&mut self, root: &'a Ent) -> Option<Effective> {
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
        let (rights, fits) = add_rights(root);
        eff.rights = rights;
        if !fits {
            self.overflow(&root.ent_id, "the quantities it grants of one right");
            ok = false;
        }
        if root.supplemental_ent_type == Some(SupplementalEntType::Consolidation) {
            ok &= self.consolidation(root, &mut eff);
        }
        let children = self.children.get(&root.ent_id).cloned().unwrap_or_default();
        for c in children {
            ok &= self.apply(c, &mut eff);
        }
        ok &= self.check_allocations(&mut eff);
        ok.then_some(eff)
    }

    /// The sources of a consolidation, each resolved before it (see [`Self::solve`]).
    fn consolidation(&mut self, root: &'a Ent, eff: &mut Effective) -> bool {
        let mut ok = true;
        let mut seen_roots = BTreeSet::new();
        let mut sums = Rights::default();
        // Whether a source is missing or refused: what the sources grant is then unknown, and
        // the consolidation's own quantities are not compared with a partial sum.
        let mut incomplete = false;
        for source in root.linked_ents(&Rel::Consolidates) {
            let Some(src_root) = self.root_of(&source) else {
                self.push(
                    "ENT-RES-1",
                    &root.ent_id,
                    format!("consolidated Ent {source} is not among the Ents given"),
                );
                ok = false;
                incomplete = true;
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
                .into
                .get(&src_root.ent_id)
                .into_iter()
                .flatten()
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
            let resolved = self
                .done
                .get(&src_root.ent_id)
                .map(|d| (d.as_source.clone(), d.cause.clone()));
            let Some((Some((status, rights)), _)) = resolved else {
                let cause = resolved
                    .and_then(|(_, cause)| cause)
                    .unwrap_or_else(|| "it was not resolved".to_owned());
                self.push(
                    "ENT-RES-9",
                    &root.ent_id,
                    format!("consolidated Ent {} is refused: {cause}", src_root.ent_id),
                );
                self.inherited.get_or_insert(cause);
                ok = false;
                incomplete = true;
                continue;
            };
            if !status.is_active() {
                self.push(
                    "ENT-RES-4",
                    &root.ent_id,
                    format!(
                        "consolidated Ent {} is not active ({status})",
                        src_root.ent_id
                    ),
                );
                ok = false;
            }
            eff.consolidated_from.push(src_root.ent_id.clone());
            for r in rights {
                if !sums.merge(r) {
                    self.overflow(&root.ent_id, "the quantities its sources grant");
                    ok = false;
                }
            }
        }
        let stated_keys = Rights::index(&eff.rights);
        for stated in eff.rights.iter().filter(|_| !incomplete) {
            match sums.get(stated) {
                None if stated.metric.is_some() => {
                    let metric = stated.metric.as_ref().map_or("", MetricType::as_str);
                    self.push(
                        "ENT-RES-5",
                        &root.ent_id,
                        format!(
                            "the consolidation grants `{}` by `{metric}`, which none of its sources grants",
                            stated.right
                        ),
                    );
                    ok = false;
                }
                Some(s) if !s.unlimited && (stated.unlimited || stated.quantity > s.quantity) => {
                    let message = format!(
                        "the consolidation grants {} of `{}`, its sources {}",
                        show(stated),
                        stated.right,
                        show(s)
                    );
                    self.push("ENT-RES-5", &root.ent_id, message);
                    ok = false;
                }
                _ => {}
            }
        }
        for s in sums.list {
            if !stated_keys.contains_key(&key_of(&s)) {
                eff.rights.push(EffectiveRight {
                    allocated: Decimal::ZERO,
                    ..s
                });
            }
        }
        ok
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
                let (extra, fits) = add_rights(c);
                if !fits {
                    self.overflow(&id, "the quantities it grants of one right");
                    ok = false;
                }
                let known = Rights::index(&eff.rights);
                for r in extra {
                    if known.contains_key(&key_of(&r)) {
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
                        format!("allocation of Ent {}, which is {}", eff.ent_id, eff.status),
                    );
                    ok = false;
                }
                ok &= self.allocation(c, &eff.ent_id.clone(), eff);
                return ok; // the allocation chain records itself in `applied`
            }
            Some(SupplementalEntType::Transfer) => {
                if inactive {
                    self.push(
                        "ENT-RES-4",
                        &id,
                        format!("transfer of Ent {}, which is {}", eff.ent_id, eff.status),
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
                    match other {
                        Some(t) => format!(
                            "supplemental type `{}` has no effect here; ignored",
                            t.as_str()
                        ),
                        None => "a supplemental Ent without a type has no effect here; ignored"
                            .to_owned(),
                    },
                );
                return true;
            }
        }
        eff.applied.push(id);
        ok
    }

    /// Records an allocation and its sub-allocations, depth first in the order they apply
    /// (without recursion: an allocation chain as long as the input allows costs no stack).
    fn allocation(&mut self, first: &'a Ent, base: &EntId, eff: &mut Effective) -> bool {
        let mut seen = BTreeSet::new();
        let mut ok = true;
        let mut stack: Vec<AllocFrame<'a>> = Vec::new();
        stack.extend(self.enter_allocation(first, base, eff, &mut seen));
        while let Some(top) = stack.last_mut() {
            let Some(k) = top.children.get(top.next).copied() else {
                stack.pop();
                continue;
            };
            top.next += 1;
            let (parent, revoked) = (top.id.clone(), top.revoked);
            match k.supplemental_ent_type.as_ref() {
                Some(SupplementalEntType::Allocation) => {
                    if revoked {
                        self.push(
                            "ENT-RES-4",
                            &k.ent_id,
                            format!("allocation from allocation {parent}, which is revoked"),
                        );
                        ok = false;
                    }
                    stack.extend(self.enter_allocation(k, &parent, eff, &mut seen));
                }
                Some(SupplementalEntType::Revocation) => eff.applied.push(k.ent_id.clone()),
                _ => self.push(
                    "ENT-RES-7",
                    &k.ent_id,
                    format!(
                        "only allocations and revocations apply to allocation {parent}; ignored"
                    ),
                ),
            }
        }
        ok
    }

    /// Records one allocation (made from `parent`); `None` when it was recorded already.
    fn enter_allocation(
        &self,
        c: &'a Ent,
        parent: &EntId,
        eff: &mut Effective,
        seen: &mut BTreeSet<EntId>,
    ) -> Option<AllocFrame<'a>> {
        if !seen.insert(c.ent_id.clone()) {
            return None;
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
        Some(AllocFrame {
            id: c.ent_id.clone(),
            revoked: revoked_by.is_some(),
            children,
            next: 0,
        })
    }

    /// Σ active allocations ≤ what they allocate from, at every level of the chain (one pass
    /// over the allocations per level, whatever their number).
    fn check_allocations(&mut self, eff: &mut Effective) -> bool {
        let mut ok = true;
        // Where each allocation Ent's entries are (one per right and metric, recorded
        // together), and for each entry where its parent's are (`None`: the base).
        let mut range_of: BTreeMap<&EntId, (usize, usize)> = BTreeMap::new();
        for (i, a) in eff.allocations.iter().enumerate() {
            range_of
                .entry(&a.ent_id)
                .and_modify(|r| r.1 = i + 1)
                .or_insert((i, i + 1));
        }
        let parent_range: Vec<Option<(usize, usize)>> = eff
            .allocations
            .iter()
            .map(|a| {
                (a.parent != eff.ent_id)
                    .then(|| range_of.get(&a.parent).copied())
                    .flatten()
            })
            .collect();
        let first_of: Vec<usize> = eff
            .allocations
            .iter()
            .enumerate()
            .map(|(i, a)| range_of.get(&a.ent_id).map_or(i, |r| r.0))
            .collect();
        drop(range_of);
        // Active allocations: not revoked, and no ancestor revoked. An allocation is recorded
        // before the allocations made from it, so one pass in order settles each.
        let mut flags: Vec<bool> = Vec::with_capacity(eff.allocations.len());
        for (i, a) in eff.allocations.iter().enumerate() {
            let first = first_of.get(i).copied().unwrap_or(i);
            let on = if first < i {
                flags.get(first).copied().unwrap_or(false)
            } else {
                let parent_on = match parent_range.get(i).copied().flatten() {
                    Some((p, _)) => flags.get(p).copied().unwrap_or(true),
                    None => true,
                };
                a.revoked_by.is_none() && parent_on
            };
            flags.push(on);
        }
        // From the base: the sum per right and metric (`None` once it leaves the range).
        let mut from_base: BTreeMap<(RightName, MetricType), Option<Decimal>> = BTreeMap::new();
        for (a, on) in eff.allocations.iter().zip(&flags) {
            if *on && a.parent == eff.ent_id {
                let slot = from_base
                    .entry((a.right.clone(), a.metric.clone()))
                    .or_insert(Some(Decimal::ZERO));
                *slot = slot.and_then(|sum| sum.checked_add(a.quantity));
            }
        }
        let base = eff.ent_id.clone();
        for r in &mut eff.rights {
            let total = match &r.metric {
                Some(m) => from_base
                    .get(&(r.right.clone(), m.clone()))
                    .copied()
                    .unwrap_or(Some(Decimal::ZERO)),
                None => Some(Decimal::ZERO),
            };
            let Some(total) = total else {
                self.overflow(&base, &format!("the allocations of `{}`", r.right));
                ok = false;
                continue;
            };
            r.allocated = total;
            if let Some(q) = r.quantity {
                if q.checked_sub(total).is_none() {
                    self.overflow(&base, &format!("what is left of `{}`", r.right));
                    ok = false;
                    continue;
                }
            }
            if let Some(q) = r.quantity.filter(|_| !r.unlimited) {
                if total > q {
                    self.push(
                        "ENT-RES-3",
                        &base,
                        format!(
                            "allocations of `{}` total {total}, more than the {q} granted",
                            r.right
                        ),
                    );
                    ok = false;
                }
            }
        }
        let granted: BTreeSet<(&RightName, &MetricType)> = eff
            .rights
            .iter()
            .filter_map(|r| r.metric.as_ref().map(|m| (&r.right, m)))
            .collect();
        let mut ungranted = Vec::new();
        for (a, on) in eff.allocations.iter().zip(&flags) {
            if *on && a.parent == base && !granted.contains(&(&a.right, &a.metric)) {
                ungranted.push((a.ent_id.clone(), a.right.clone(), a.metric.clone()));
            }
        }
        drop(granted);
        for (id, right, metric) in ungranted {
            self.push(
                "ENT-RES-3",
                &id,
                format!("allocates `{right}` by `{metric}`, which Ent {base} does not grant"),
            );
            ok = false;
        }
        // From allocations: one pass adds each active allocation to the entries of its parent
        // with the same right and metric.
        let mut sub: Vec<Decimal> = vec![Decimal::ZERO; eff.allocations.len()];
        let mut overflowed = BTreeSet::new();
        for (i, (a, on)) in eff.allocations.iter().zip(&flags).enumerate() {
            let Some((start, end)) = parent_range.get(i).copied().flatten() else {
                continue; // from the base: summed above
            };
            if !*on {
                continue;
            }
            for j in start..end {
                let same = eff
                    .allocations
                    .get(j)
                    .is_some_and(|p| p.right == a.right && p.metric == a.metric);
                let Some(slot) = sub.get_mut(j).filter(|_| same) else {
                    continue;
                };
                match slot.checked_add(a.quantity) {
                    Some(sum) => *slot = sum,
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
        for ((a, on), total) in eff.allocations.iter_mut().zip(&flags).zip(sub) {
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

fn show(r: &EffectiveRight) -> String {
    match r.quantity {
        _ if r.unlimited => "unlimited".to_owned(),
        Some(q) => q.to_string(),
        None => "an unmeasured quantity".to_owned(),
    }
}

/// What makes two effective rights the same right: name, metric and unit.
type Key = (RightName, Option<MetricType>, Option<String>);

fn key_of(r: &EffectiveRight) -> Key {
    (r.right.clone(), r.metric.clone(), r.unit.clone())
}

/// Rights with an index by [`Key`], so that merging many stays near-linear.
#[derive(Default)]
struct Rights {
    list: Vec<EffectiveRight>,
    index: BTreeMap<Key, usize>,
}

impl Rights {
    /// Where the first right of each key is in `list`.
    fn index(list: &[EffectiveRight]) -> BTreeMap<Key, usize> {
        let mut index = BTreeMap::new();
        for (i, r) in list.iter().enumerate() {
            index.entry(key_of(r)).or_insert(i);
        }
        index
    }

    fn get(&self, r: &EffectiveRight) -> Option<&EffectiveRight> {
        self.index.get(&key_of(r)).and_then(|i| self.list.get(*i))
    }

    /// Adds `r` to the right of the same key (or appends it); `false` when the quantities'
    /// sum leaves the decimal range (the quantity then stays as it was).
    fn merge(&mut self, r: EffectiveRight) -> bool {
        let key = key_of(&r);
        let Some(e) = self.index.get(&key).and_then(|i| self.list.get_mut(*i)) else {
            self.index.insert(key, self.list.len());
            self.list.push(r);
            return true;
        };
        let mut ok = true;
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
        for m in r.metric_meta {
            if !e.metric_meta.contains(&m) {
                e.metric_meta.push(m);
            }
        }
        ok
    }
}

/// The rights `ent` grants, one per key; `false` when a sum left the decimal range.
fn add_rights(ent: &Ent) -> (Vec<EffectiveRight>, bool) {
    let mut into = Rights::default();
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
            metric_meta: Vec::new(),
        };
        if r.metrics.is_empty() {
            ok &= into.merge(base);
            continue;
        }
        for m in &r.metrics {
            let unlimited = m.is_unlimited();
            ok &= into.merge(EffectiveRight {
                metric: Some(m.metric_type.clone()),
                unit: m.quantification.first().and_then(|q| q.unit.clone()),
                quantity: if unlimited { None } else { m.quantity() },
                unlimited,
                metric_meta: m.meta.clone(),
                ..base.clone()
            });
        }
    }
    (into.list, ok)
}

/// Where [`Resolver::allocation`] stands in one allocation: the children it has still to
/// apply.
struct AllocFrame<'a> {
    id: EntId,
    revoked: bool,
    children: Vec<&'a Ent>,
    next: usize,
}
