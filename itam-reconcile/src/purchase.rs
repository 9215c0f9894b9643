//! The cheapest purchase that closes the shortfall, and the entitlements a renewal can drop.
//!
//! [`cheapest`] takes a [`Position`] and a [`PriceList`] and finds the set of packs to buy that
//! covers the shortfall of every unlicensed consumer at the lowest cost: exactly, by branch and
//! bound, where the instance is small enough for the node budget, and otherwise the best
//! purchase found with a proven lower bound and the gap. Each line is explained: `buy 3 × 2-core
//! packs of SQL Server Standard (SKU SQL-STD-2C) for vm-12: covers 6 core units`. [`droppable`]
//! is the reverse: the entitlements a renewal can leave out without a new shortfall, and what
//! that saves.
//!
//! # The model
//!
//! The demand is, per product line (product × metric), the units its unlicensed consumers lack.
//! An offer ([`Sku`]) covers the lines whose metric is its own and whose publisher, product and
//! edition its scope names (a part left out matches any; names compare trimmed and without
//! regard to case; versions are not compared: a purchase is of the current version, which covers
//! older ones by the usual downgrade right). Its units are fungible: the units of its packs may
//! cover several consumers and several lines it covers. A pack's price is the price of the
//! highest [`Tier`] the quantity reaches (all-units volume pricing), else the SKU's price; a SKU
//! with a minimum is bought at least that many packs, or not at all.
//!
//! The problem is an integer program (a covering problem with fixed charges from the minimums
//! and tier steps). [`Instance::solve`] splits it into components (offers and lines joined by
//! coverage), starts from a greedy purchase, and searches each component by depth-first branch
//! and bound: a node's bound is its cost plus, for the units its decided offers cannot cover
//! (a max-flow over the lines), the cheapest unit price among the offers still open. A search
//! that exceeds the node budget keeps its best purchase, and the lower bound it reports for
//! that component is the sum, over its lines, of the demand times the cheapest unit price of
//! any offer covering the line.
//!
//! ```
//! use itam_reconcile::itam_core::Decimal;
//! use itam_reconcile::purchase::{Instance, Offer};
//!
//! // 6 units short; 2-unit packs at 10, or 5-unit packs at 20.
//! let instance = Instance {
//!     demand: vec![6],
//!     offers: vec![
//!         Offer::new(vec![0], 2, Decimal::from(10)),
//!         Offer::new(vec![0], 5, Decimal::from(20)),
//!     ],
//! };
//! let best = instance.solve(10_000);
//! // 3 small packs (30) beat 2 large ones (40) and 1 large + 1 small (30, a tie broken by the
//! // search order: the first found is kept).
//! assert_eq!(best.cost, Decimal::from(30));
//! assert!(best.exact);
//! ```

use std::collections::BTreeMap;
use std::fmt;

use itam_core::Decimal;
use itam_core::estate::{Estate, Metric};
use itam_core::finance::Currency;
use serde::{Deserialize, Serialize};

use crate::flow::Network;
use crate::position::{Position, ProductLine};
use crate::unionfind::UnionFind;
use crate::{Mode, Policy, ReconcileError, reconcile};

/// A price list: the SKUs that may be bought. The JSON form is `{"skus": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceList {
    /// The SKUs.
    pub skus: Vec<Sku>,
}

/// What a SKU covers: a part left out matches any.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkuScope {
    /// The publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The edition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
}

impl SkuScope {
    /// Whether the scope names this product line's publisher, product and edition.
    #[must_use]
    pub fn covers(&self, line: &ProductLine) -> bool {
        fn same(a: &str, b: &str) -> bool {
            a.trim().to_lowercase() == b.trim().to_lowercase()
        }
        self.publisher
            .as_deref()
            .is_none_or(|p| same(p, &line.publisher))
            && self
                .product
                .as_deref()
                .is_none_or(|p| same(p, &line.product))
            && self
                .edition
                .as_deref()
                .is_none_or(|e| same(e, &line.edition))
    }
}

/// An all-units volume price: from this many packs on, every pack costs `price`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The quantity, in packs, from which the price applies.
    pub from_packs: u64,
    /// The price per pack.
    pub price: Decimal,
}

/// One SKU of a price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sku {
    /// Its id (a part number).
    pub id: String,
    /// What it covers.
    #[serde(default)]
    pub scope: SkuScope,
    /// The metric its units count in.
    pub metric: Metric,
    /// Units per pack (a 2-core pack: 2).
    pub units_per_pack: u64,
    /// The price per pack below every tier.
    pub price: Decimal,
    /// The currency of every price of the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Packs that must be bought at least, if any is (0: no minimum).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub minimum_packs: u64,
    /// Volume prices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if takes a reference
const fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Why a price list cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PurchaseError {
    /// A SKU of no units.
    #[error("/skus/{index}/units_per_pack: SKU `{sku}` has no units per pack")]
    NoUnits {
        /// Its position in the list.
        index: usize,
        /// Its id.
        sku: String,
    },
    /// A negative price.
    #[error("/skus/{index}: SKU `{sku}` has a negative price")]
    NegativePrice {
        /// Its position in the list.
        index: usize,
        /// Its id.
        sku: String,
    },
    /// A tier from zero packs, or tiers out of order.
    #[error(
        "/skus/{index}/tiers: SKU `{sku}` has tiers that do not start above 0 packs in increasing order"
    )]
    BadTiers {
        /// Its position in the list.
        index: usize,
        /// Its id.
        sku: String,
    },
    /// Two SKUs with one id.
    #[error("/skus/{index}/id: SKU `{sku}` is listed twice")]
    DuplicateSku {
        /// The second one's position.
        index: usize,
        /// The id.
        sku: String,
    },
    /// Prices in more than one currency: costs in different currencies are not compared.
    #[error("/skus/{index}/currency: SKU `{sku}` is priced in {found}, the list in {expected}")]
    MixedCurrencies {
        /// The SKU's position.
        index: usize,
        /// Its id.
        sku: String,
        /// The list's currency (of its first priced SKU).
        expected: String,
        /// This SKU's.
        found: String,
    },
    /// A cost beyond the largest decimal.
    #[error("the cost of SKU `{sku}` exceeds the largest decimal")]
    CostOverflow {
        /// The SKU.
        sku: String,
    },
}

/// One offer of an [`Instance`]: an abstract SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The lines (indices into [`Instance::demand`]) its units may cover.
    pub lines: Vec<usize>,
    /// Units per pack (at least 1).
    pub units_per_pack: u64,
    /// Packs to buy at least, if any is.
    pub minimum_packs: u64,
    /// The price per pack below every tier.
    pub price: Decimal,
    /// `(from_packs, price per pack)`, increasing in `from_packs`.
    pub tiers: Vec<(u64, Decimal)>,
}

impl Offer {
    /// An offer without minimum or tiers.
    #[must_use]
    pub const fn new(lines: Vec<usize>, units_per_pack: u64, price: Decimal) -> Self {
        Self {
            lines,
            units_per_pack,
            minimum_packs: 0,
            price,
            tiers: Vec::new(),
        }
    }

    /// The price per pack when `packs` are bought.
    #[must_use]
    pub fn price_per_pack(&self, packs: u64) -> Decimal {
        self.tiers
            .iter()
            .rev()
            .find(|(from, _)| *from <= packs)
            .map_or(self.price, |(_, p)| *p)
    }

    /// The cost of `packs` packs; `None` below the minimum (0 packs cost nothing) or beyond
    /// the largest decimal.
    #[must_use]
    pub fn cost(&self, packs: u64) -> Option<Decimal> {
        if packs == 0 {
            return Some(Decimal::ZERO);
        }
        if packs < self.minimum_packs {
            return None;
        }
        self.price_per_pack(packs).checked_mul(Decimal::from(packs))
    }

    /// The lowest price of one unit at any quantity (the bound's price), never above it:
    /// the bound and the search's pruning rest on it.
    fn cheapest_unit(&self) -> Decimal {
        let price = self
            .tiers
            .iter()
            .map(|(_, p)| *p)
            .chain([self.price])
            .min()
            .unwrap_or(self.price);
        floor_div(price, Decimal::from(self.units_per_pack.max(1)))
    }
}

/// `num / den` (both ≥ 0, `den` > 0), never above the exact quotient: exact when the division
/// is, else rounded down to nine decimals and one more step down. A rounded quotient can be
/// above the exact one (5 / 3 is 1.666…667 in 28 digits, and 6 × that is above 10), and a
/// lower bound above the optimum is no bound. The loss is at most 2·10⁻⁹ a unit.
fn floor_div(num: Decimal, den: Decimal) -> Decimal {
    let Some(q) = num.checked_div(den) else {
        return Decimal::MAX;
    };
    if num.checked_rem(den).is_some_and(|r| r.is_zero()) {
        return q;
    }
    let step = Decimal::new(1, 9);
    let down = q.round_dp_with_strategy(9, rust_decimal::RoundingStrategy::ToZero);
    if down > step {
        down - step
    } else {
        Decimal::ZERO
    }
}

/// The covering problem: per line a demand in units, and the offers that may cover them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Instance {
    /// Units needed per line.
    pub demand: Vec<u64>,
    /// What may be bought.
    pub offers: Vec<Offer>,
}

/// A purchase for an [`Instance`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// Packs per offer.
    pub packs: Vec<u64>,
    /// What they cost.
    pub cost: Decimal,
    /// No purchase covering the same lines costs less than this (equal to `cost` when exact).
    pub lower_bound: Decimal,
    /// Whether the search finished within the node budget: the purchase is then optimal.
    pub exact: bool,
    /// Lines with a demand that no offer covers (their demand stays short).
    pub uncoverable: Vec<usize>,
    /// Search nodes visited.
    pub nodes: u64,
}

impl Solution {
    /// `(cost − lower bound) / cost`, 0 when exact or free.
    #[must_use]
    pub fn gap(&self) -> Decimal {
        if self.cost.is_zero() {
            return Decimal::ZERO;
        }
        (self.cost - self.lower_bound)
            .checked_div(self.cost)
            .unwrap_or(Decimal::ZERO)
    }
}

impl Instance {
    /// The units each offer's packs give to each line, by a max-flow: `(offer, line, units)`
    /// for every positive amount, and the demand left uncovered in total.
    #[must_use]
    pub fn assignment(&self, packs: &[u64]) -> (Vec<(usize, usize, u64)>, u64) {
        // Source → offers (their units) → lines (where covered) → sink (the demand); the
        // engine's flow network, every arc of cost 0.
        let k = self.offers.len();
        let m = self.demand.len();
        let (s, t) = (k + m, k + m + 1);
        let mut flow = Network::new(k + m + 2);
        let mut arcs = Vec::new();
        for (o, offer) in self.offers.iter().enumerate() {
            let units = packs
                .get(o)
                .copied()
                .unwrap_or(0)
                .saturating_mul(offer.units_per_pack);
            if units == 0 {
                continue;
            }
            flow.add(s, o, units, 0);
            for &line in offer.lines.iter().filter(|&&l| l < m) {
                arcs.push((o, line, flow.add(o, k + line, u64::MAX, 0)));
            }
        }
        let mut needed = 0u64;
        for (line, &d) in self.demand.iter().enumerate() {
            if d > 0 {
                flow.add(k + line, t, d, 0);
                needed = needed.saturating_add(d);
            }
        }
        let (got, _) = flow.solve(s, t);
        let given = arcs
            .into_iter()
            .filter_map(|(o, line, arc)| {
                let units = flow.flow(arc);
                (units > 0).then_some((o, line, units))
            })
            .collect();
        (given, needed.saturating_sub(got))
    }

    /// The units the coverable lines lack under `packs` (0: the purchase covers every line
    /// some offer covers).
    #[must_use]
    pub fn deficit(&self, packs: &[u64]) -> u64 {
        let coverable = self.coverable();
        let only: Self = Self {
            demand: self
                .demand
                .iter()
                .zip(&coverable)
                .map(|(&d, &c)| if c { d } else { 0 })
                .collect(),
            offers: self.offers.clone(),
        };
        only.assignment(packs).1
    }

    /// The demand of line `l` (0 for a line that is not there).
    fn need(&self, l: usize) -> u64 {
        self.demand.get(l).copied().unwrap_or(0)
    }

    fn coverable(&self) -> Vec<bool> {
        let mut out = vec![false; self.demand.len()];
        for offer in &self.offers {
            for &line in &offer.lines {
                if let Some(c) = out.get_mut(line) {
                    *c = true;
                }
            }
        }
        out
    }

    /// The cost of `packs`, or `None` when one is below its offer's minimum.
    #[must_use]
    pub fn cost(&self, packs: &[u64]) -> Option<Decimal> {
        let mut total = Decimal::ZERO;
        for (offer, &n) in self.offers.iter().zip(packs) {
            total = total.checked_add(offer.cost(n)?)?;
        }
        Some(total)
    }

    /// The cheapest purchase covering every line some offer covers, searching at most
    /// `max_nodes` nodes (see the module docs).
    #[must_use]
    pub fn solve(&self, max_nodes: u64) -> Solution {
        let k = self.offers.len();
        let m = self.demand.len();
        let coverable = self.coverable();
        let wanted = |l: usize| self.need(l) > 0 && coverable.get(l).copied().unwrap_or(false);
        let uncoverable = (0..m).filter(|&l| self.need(l) > 0 && !wanted(l)).collect();
        // Components: lines joined by the offers covering them.
        let mut uf = UnionFind::new(m);
        for offer in &self.offers {
            let mut lines = offer.lines.iter().copied().filter(|&l| l < m);
            if let Some(first) = lines.next() {
                for l in lines {
                    uf.union(first, l);
                }
            }
        }
        let mut components: BTreeMap<usize, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for l in (0..m).filter(|&l| wanted(l)) {
            components.entry(uf.find(l)).or_default().0.push(l);
        }
        for (o, offer) in self.offers.iter().enumerate() {
            if let Some(&l) = offer.lines.iter().find(|&&l| wanted(l)) {
                let root = uf.find(l);
                if let Some(c) = components.get_mut(&root) {
                    c.1.push(o);
                }
            }
        }
        let mut packs = vec![0u64; k];
        let mut cost = Decimal::ZERO;
        let mut bound = Decimal::ZERO;
        let mut exact = true;
        let mut nodes = 0u64;
        for (lines, offers) in components.values() {
            let (mut search, order) =
                Search::new(self, lines, offers, max_nodes.saturating_sub(nodes));
            search.run();
            nodes = nodes.saturating_add(search.nodes);
            for (&o, &n) in order.iter().zip(&search.best) {
                if let Some(p) = packs.get_mut(o) {
                    *p = n;
                }
            }
            cost = cost.saturating_add(search.best_cost);
            if search.aborted {
                exact = false;
                bound = bound.saturating_add(search.simple_bound());
            } else {
                bound = bound.saturating_add(search.best_cost);
            }
        }
        Solution {
            packs,
            cost,
            lower_bound: bound.min(cost),
            exact,
            uncoverable,
            nodes,
        }
    }
}

/// The branch-and-bound search of one component, on its own instance: the component's lines
/// renumbered from 0 and its offers, cheapest unit price first.
struct Search {
    local: Instance,
    /// Per local offer: the largest quantity worth trying.
    most: Vec<u64>,
    /// Per local offer: the cheapest unit price of it and every offer after it.
    cheapest_from: Vec<Decimal>,
    best: Vec<u64>,
    best_cost: Decimal,
    budget: u64,
    nodes: u64,
    aborted: bool,
}

impl Search {
    /// The search over `lines` and `offers` of `instance`; also the order of the offers
    /// (`order[i]` is the instance's index of local offer `i`).
    fn new(
        instance: &Instance,
        lines: &[usize],
        offers: &[usize],
        budget: u64,
    ) -> (Self, Vec<usize>) {
        let mut chosen: Vec<(usize, &Offer)> = offers
            .iter()
            .filter_map(|&o| instance.offers.get(o).map(|offer| (o, offer)))
            .collect();
        chosen.sort_by_key(|(o, offer)| (offer.cheapest_unit(), *o));
        let local_line: BTreeMap<usize, usize> =
            lines.iter().enumerate().map(|(i, &l)| (l, i)).collect();
        let local = Instance {
            demand: lines.iter().map(|&l| instance.need(l)).collect(),
            offers: chosen
                .iter()
                .map(|(_, offer)| Offer {
                    lines: offer
                        .lines
                        .iter()
                        .filter_map(|l| local_line.get(l).copied())
                        .collect(),
                    ..(*offer).clone()
                })
                .collect(),
        };
        let order = chosen.iter().map(|(o, _)| *o).collect();
        let most: Vec<u64> = local
            .offers
            .iter()
            .map(|offer| {
                let demand: u64 = offer.lines.iter().map(|&l| local.need(l)).sum();
                let enough = demand.div_ceil(offer.units_per_pack.max(1));
                let tier = offer.tiers.iter().map(|(from, _)| *from).max().unwrap_or(0);
                enough.max(tier).max(offer.minimum_packs)
            })
            .collect();
        let mut cheapest_from = vec![Decimal::MAX];
        for offer in local.offers.iter().rev() {
            let below = cheapest_from.last().copied().unwrap_or(Decimal::MAX);
            cheapest_from.push(below.min(offer.cheapest_unit()));
        }
        cheapest_from.reverse();
        let mut search = Self {
            local,
            most,
            cheapest_from,
            best: Vec::new(),
            best_cost: Decimal::MAX,
            budget,
            nodes: 0,
            aborted: false,
        };
        // The incumbent: every offer at its largest quantity covers all its lines; then each,
        // dearest first, is reduced while the purchase still covers everything for no more.
        let mut best = search.most.clone();
        for (i, offer) in search.local.offers.iter().enumerate().rev() {
            while let Some(&current) = best.get(i).filter(|&&n| n > 0) {
                let mut fewer = best.clone();
                let next = current - 1;
                let next = if next > 0 && next < offer.minimum_packs {
                    0
                } else {
                    next
                };
                if let Some(n) = fewer.get_mut(i) {
                    *n = next;
                }
                if search.cost_of(&fewer) <= search.cost_of(&best) && search.deficit(&fewer) == 0 {
                    best = fewer;
                } else {
                    break;
                }
            }
        }
        search.best_cost = search.cost_of(&best);
        search.best = best;
        (search, order)
    }

    /// The cost of `packs`; the largest decimal when one is below its minimum.
    fn cost_of(&self, packs: &[u64]) -> Decimal {
        self.local.cost(packs).unwrap_or(Decimal::MAX)
    }

    /// The units `packs` (missing ones 0) leave uncovered.
    fn deficit(&self, packs: &[u64]) -> u64 {
        self.local.assignment(packs).1
    }

    fn run(&mut self) {
        let mut packs = Vec::with_capacity(self.local.offers.len());
        self.visit(&mut packs, Decimal::ZERO);
    }

    fn visit(&mut self, packs: &mut Vec<u64>, cost: Decimal) {
        self.nodes += 1;
        if self.nodes > self.budget {
            self.aborted = true;
            return;
        }
        let i = packs.len();
        let short = self.deficit(packs);
        if short == 0 {
            if cost < self.best_cost {
                self.best_cost = cost;
                self.best.clone_from(packs);
                self.best.resize(self.local.offers.len(), 0);
            }
            return; // buying more only adds cost
        }
        let (Some(offer), Some(&cheapest), Some(&most)) = (
            self.local.offers.get(i),
            self.cheapest_from.get(i),
            self.most.get(i),
        ) else {
            return; // every offer decided, and still short
        };
        let rest = cheapest.saturating_mul(Decimal::from(short));
        if cost.saturating_add(rest) >= self.best_cost {
            return;
        }
        // Can the offers still open cover what is short at all?
        let mut full = packs.clone();
        full.extend(self.most.iter().skip(i));
        if self.deficit(&full) > 0 {
            return;
        }
        let low = offer.minimum_packs.max(1);
        let costs: Vec<(u64, Decimal)> = std::iter::once(0)
            .chain(low..=most.max(low))
            .filter_map(|n| offer.cost(n).map(|c| (n, c)))
            .collect();
        for (n, c) in costs {
            if self.aborted {
                return;
            }
            packs.push(n);
            self.visit(packs, cost.saturating_add(c));
            packs.pop();
        }
    }

    /// Σ over the lines of demand × the cheapest unit price covering the line.
    fn simple_bound(&self) -> Decimal {
        let mut total = Decimal::ZERO;
        for (l, &d) in self.local.demand.iter().enumerate() {
            let cheapest = self
                .local
                .offers
                .iter()
                .filter(|offer| offer.lines.contains(&l))
                .map(Offer::cheapest_unit)
                .min()
                .unwrap_or(Decimal::ZERO);
            total = total.saturating_add(cheapest.saturating_mul(Decimal::from(d)));
        }
        total
    }
}

/// How hard [`cheapest`] searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Branch-and-bound nodes over all components before the best purchase found is returned
    /// with a bound.
    pub max_nodes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self { max_nodes: 200_000 }
    }
}

/// What a consumer lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    /// The consumer (`kind:name`).
    pub consumer: String,
    /// Its product line's key (`publisher/product[/edition]`).
    pub product: String,
    /// The line's metric.
    pub metric: Metric,
    /// Units short.
    pub units: u64,
}

/// Units of one purchase line given to one consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cover {
    /// The consumer.
    pub consumer: String,
    /// Its product line's key.
    pub product: String,
    /// Units given.
    pub units: u64,
}

/// One line of the purchase: a SKU, how many packs, what for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchaseLine {
    /// The SKU's id.
    pub sku: String,
    /// What the SKU's scope names (its product, else its publisher, else `any product`).
    pub product: String,
    /// Units per pack.
    pub units_per_pack: u64,
    /// The metric.
    pub metric: Metric,
    /// Packs to buy.
    pub packs: u64,
    /// The price per pack at that quantity.
    pub price_per_pack: Decimal,
    /// packs × price per pack.
    pub cost: Decimal,
    /// The consumers the units cover.
    pub covers: Vec<Cover>,
    /// Units bought beyond the need (pack rounding, a minimum, a cheaper tier).
    pub spare_units: u64,
}

impl fmt::Display for PurchaseLine {
    /// `buy 3 × 2-core packs of SQL Server Standard (SKU SQL-STD-2C) for vm-12: covers 6 core
    /// units, cost 2100`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let consumers: Vec<&str> = self
            .covers
            .iter()
            .map(|c| {
                c.consumer
                    .split_once(':')
                    .map_or(c.consumer.as_str(), |(_, n)| n)
            })
            .collect();
        let covered: u64 = self.covers.iter().map(|c| c.units).sum();
        write!(
            f,
            "buy {} × {}-{} packs of {} (SKU {}) for {}: covers {covered} {} units, cost {}",
            self.packs,
            self.units_per_pack,
            self.metric,
            self.product,
            self.sku,
            consumers.join(", "),
            self.metric,
            self.cost
        )?;
        if self.spare_units > 0 {
            write!(f, " ({} spare)", self.spare_units)?;
        }
        Ok(())
    }
}

/// The cheapest purchase for a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Purchase {
    /// What to buy, in price-list order.
    pub lines: Vec<PurchaseLine>,
    /// The total.
    pub cost: Decimal,
    /// The price list's currency, when it states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// No purchase closing the same shortfall costs less.
    pub lower_bound: Decimal,
    /// Whether `cost` is proven optimal.
    pub exact: bool,
    /// (cost − lower bound) / cost.
    pub gap: Decimal,
    /// What no SKU covers: still short after the purchase.
    pub uncovered: Vec<Need>,
}

impl Purchase {
    /// One line per purchase line, then the total with its bound, then what stays short.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(&format!("  {line}\n"));
        }
        let currency = self
            .currency
            .as_ref()
            .map_or_else(String::new, |c| format!(" {}", c.code()));
        if self.exact {
            out.push_str(&format!("  total {}{currency} (optimal)\n", self.cost));
        } else {
            out.push_str(&format!(
                "  total {}{currency}; no purchase costs less than {}{currency} (gap {}%)\n",
                self.cost,
                self.lower_bound,
                (self.gap * Decimal::from(100)).round_dp(1)
            ));
        }
        for need in &self.uncovered {
            out.push_str(&format!(
                "  no SKU covers {} ({} {}): {} unit(s) stay short\n",
                need.consumer, need.product, need.metric, need.units
            ));
        }
        out
    }
}

/// Checks a price list: units, prices, tiers, ids, one currency.
///
/// # Errors
/// The first problem found, with its path.
pub fn check(prices: &PriceList) -> Result<(), PurchaseError> {
    let mut seen = std::collections::BTreeSet::new();
    let mut currency: Option<&Currency> = None;
    for (index, sku) in prices.skus.iter().enumerate() {
        let id = || sku.id.clone();
        if !seen.insert(sku.id.as_str()) {
            return Err(PurchaseError::DuplicateSku { index, sku: id() });
        }
        if sku.units_per_pack == 0 {
            return Err(PurchaseError::NoUnits { index, sku: id() });
        }
        if sku.price.is_sign_negative() && !sku.price.is_zero()
            || sku
                .tiers
                .iter()
                .any(|t| t.price.is_sign_negative() && !t.price.is_zero())
        {
            return Err(PurchaseError::NegativePrice { index, sku: id() });
        }
        let ordered = sku
            .tiers
            .iter()
            .zip(sku.tiers.iter().skip(1))
            .all(|(a, b)| a.from_packs < b.from_packs);
        if !ordered || sku.tiers.first().is_some_and(|t| t.from_packs == 0) {
            return Err(PurchaseError::BadTiers { index, sku: id() });
        }
        if let Some(c) = &sku.currency {
            match currency {
                None => currency = Some(c),
                Some(first) if !first.same_as(c) => {
                    return Err(PurchaseError::MixedCurrencies {
                        index,
                        sku: id(),
                        expected: first.code(),
                        found: c.code(),
                    });
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// The cheapest purchase that covers every unlicensed consumer of `position` that a SKU of
/// `prices` covers (see the module docs).
///
/// # Errors
/// [`PurchaseError`] for a price list that cannot be used ([`check`]) or a cost beyond the
/// largest decimal.
pub fn cheapest(
    position: &Position,
    prices: &PriceList,
    options: &Options,
) -> Result<Purchase, PurchaseError> {
    check(prices)?;
    // The needs, grouped by product line (index into position.products).
    let mut needs: Vec<(usize, Need)> = Vec::new();
    for c in position.unlicensed_consumers() {
        let Some(line) = position
            .products
            .iter()
            .position(|p| std::ptr::eq(p, c.product))
        else {
            continue;
        };
        needs.push((
            line,
            Need {
                consumer: c.name.to_owned(),
                product: c.product.key(),
                metric: c.product.metric.clone(),
                units: c.units.saturating_sub(c.covered),
            },
        ));
    }
    let mut demand = vec![0u64; position.products.len()];
    for (line, need) in &needs {
        if let Some(d) = demand.get_mut(*line) {
            *d = d.saturating_add(need.units);
        }
    }
    let offers: Vec<Offer> = prices
        .skus
        .iter()
        .map(|sku| Offer {
            lines: position
                .products
                .iter()
                .enumerate()
                .filter(|(_, p)| p.metric == sku.metric && sku.scope.covers(p))
                .map(|(i, _)| i)
                .collect(),
            units_per_pack: sku.units_per_pack,
            minimum_packs: sku.minimum_packs,
            price: sku.price,
            tiers: sku.tiers.iter().map(|t| (t.from_packs, t.price)).collect(),
        })
        .collect();
    let instance = Instance { demand, offers };
    let solution = instance.solve(options.max_nodes);
    let (given, _) = instance.assignment(&solution.packs);

    // Each line's units go to its consumers in order.
    let mut left: Vec<u64> = needs.iter().map(|(_, n)| n.units).collect();
    let mut lines = Vec::new();
    for (o, ((sku, offer), &packs)) in prices
        .skus
        .iter()
        .zip(&instance.offers)
        .zip(&solution.packs)
        .enumerate()
    {
        if packs == 0 {
            continue;
        }
        let cost = offer
            .cost(packs)
            .ok_or_else(|| PurchaseError::CostOverflow {
                sku: sku.id.clone(),
            })?;
        let mut covers = Vec::new();
        for &(_, line, units) in given.iter().filter(|(g, _, _)| *g == o) {
            let mut units = units;
            for ((l, need), left) in needs.iter().zip(left.iter_mut()) {
                if *l != line || units == 0 || *left == 0 {
                    continue;
                }
                let take = units.min(*left);
                *left -= take;
                units -= take;
                covers.push(Cover {
                    consumer: need.consumer.clone(),
                    product: need.product.clone(),
                    units: take,
                });
            }
        }
        let used: u64 = covers.iter().map(|c| c.units).sum();
        let product = sku
            .scope
            .product
            .clone()
            .or_else(|| sku.scope.publisher.clone())
            .unwrap_or_else(|| "any product".to_owned());
        lines.push(PurchaseLine {
            sku: sku.id.clone(),
            product,
            units_per_pack: sku.units_per_pack,
            metric: sku.metric.clone(),
            packs,
            price_per_pack: offer.price_per_pack(packs),
            cost,
            covers,
            spare_units: packs
                .saturating_mul(sku.units_per_pack)
                .saturating_sub(used),
        });
    }
    let uncovered = needs
        .iter()
        .zip(&left)
        .filter(|(_, l)| **l > 0)
        .map(|((_, need), &l)| Need {
            units: l,
            ..need.clone()
        })
        .collect();
    let currency = prices.skus.iter().find_map(|s| s.currency.clone());
    Ok(Purchase {
        lines,
        cost: solution.cost,
        currency,
        lower_bound: solution.lower_bound,
        exact: solution.exact,
        gap: solution.gap(),
        uncovered,
    })
}

/// An entitlement a renewal can drop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Droppable {
    /// The entitlement's id.
    pub entitlement: String,
    /// Its quantity × unit cost (0 when it states no cost).
    pub saving: Decimal,
    /// The currency of the saving, when stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
}

/// The entitlements that can be dropped at renewal without a new shortfall: dearest first
/// (quantity × unit cost), each dropped only when the estate without it and the ones dropped
/// before reconciles (Optimal) with no more units short than the estate as it is. Greedy: a
/// set worth more may exist; every drop it reports is verified by a full reconcile.
///
/// # Errors
/// What [`reconcile`] refuses.
pub fn droppable(estate: &Estate, policy: &Policy) -> Result<Vec<Droppable>, ReconcileError> {
    let mut policy = policy.clone();
    policy.mode = Mode::Optimal;
    let baseline = reconcile(estate, &policy)?;
    let mut order: Vec<(Decimal, usize)> = estate
        .entitlements
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            baseline
                .entitlements
                .iter()
                .any(|l| l.id == e.id.as_str() && l.surplus > 0)
        })
        .map(|(i, e)| {
            let saving = e
                .unit_cost
                .and_then(|c| c.checked_mul(e.quantity))
                .unwrap_or(Decimal::ZERO);
            (saving, i)
        })
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut kept = estate.clone();
    let mut out = Vec::new();
    for (saving, i) in order {
        let Some(dropped) = estate.entitlements.get(i) else {
            continue;
        };
        let id = &dropped.id;
        let mut trial = kept.clone();
        trial.entitlements.retain(|e| e.id != *id);
        let position = reconcile(&trial, &policy)?;
        if position.totals.shortfall <= baseline.totals.shortfall {
            kept = trial;
            out.push(Droppable {
                entitlement: id.to_string(),
                saving,
                currency: dropped.currency.clone(),
            });
        }
    }
    Ok(out)
}
