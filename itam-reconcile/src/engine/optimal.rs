//! Allocator #2: maximum coverage, then minimum cost, exact (min-cost flow, `flow.rs`).

use std::collections::BTreeMap;

use itam_core::Decimal;

use super::{MAX_METRIC_COMBINATIONS, Plan, internal};
use crate::error::ReconcileError;
use crate::flow::Network;
use crate::model::NONE;
use crate::position::Alloc;
use crate::unionfind::UnionFind;

/// How good one combination of metric choices is: lower is better, field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    /// Units counted but not covered.
    short: u64,
    /// Σ units × unit cost, fixed point (10⁹).
    cost: i128,
    /// Units beyond true-up quantities.
    overflow: u64,
}

/// Combinations × consumer groups of a component beyond which it keeps the Priority
/// metrics too (each combination is one flow over the component's groups).
const MAX_CHOICE_WORK: u64 = 1 << 20;

impl Plan<'_> {
    /// Maximum coverage, then minimum cost: min-cost max-flow per connected component of
    /// product lines and entitlements, over consumer groups; where a product may be counted
    /// in several metrics, every combination of metric choices over its choice units is
    /// solved and the best kept (fewest units short, then lowest cost, then fewest true-up
    /// units; ties keep the earlier combination, the Priority rule's metrics first). Returns
    /// the allocations and which consumers are counted.
    #[allow(clippy::type_complexity)]
    pub(super) fn optimal(&self) -> Result<(Vec<(u32, Alloc)>, Vec<bool>), ReconcileError> {
        let nl = self.lines.len();
        let mut parent = UnionFind::new(nl);
        // Per line: the consumers of each usable group (non-exempt, some eligible
        // entitlement, units > 0), and — on lines with a metric choice — the consumers that
        // no entitlement can cover (their units count as short whatever is chosen).
        let mut line_groups: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
        let mut dead: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut run: Vec<(u32, u32)> = Vec::new();
        let mut c = 0usize;
        while let Some(l) = self.rows.get(c).map(|r| r.line) {
            run.clear();
            while let Some(r) = self.rows.get(c).filter(|r| r.line == l) {
                let g = r.group;
                let units = r.demand.units;
                let group = self
                    .groups
                    .get(g as usize)
                    .ok_or_else(|| internal("optimal", "consumer group out of range"))?;
                let exempt = group.exempt_by.is_some();
                let usable = !group.eligible.is_empty();
                if !exempt && units > 0 {
                    if usable {
                        run.push((g, c as u32));
                    } else if r.unit != NONE {
                        dead.entry(l).or_default().push(c as u32);
                    }
                }
                c += 1;
            }
            run.sort_unstable();
            for chunk in run.chunk_by(|a, b| a.0 == b.0) {
                let g = chunk.first().map_or(0, |x| x.0);
                line_groups.insert((l, g), chunk.iter().map(|x| x.1).collect());
            }
        }
        // Components: lines linked by a shared eligible entitlement, and the lines of one
        // product (its metric alternatives).
        let mut ent_owner: BTreeMap<u32, usize> = BTreeMap::new();
        for &(l, g) in line_groups.keys() {
            for &e in self
                .groups
                .get(g as usize)
                .map_or(&[][..], |g| g.eligible.as_slice())
            {
                match ent_owner.get(&e) {
                    Some(&q) => {
                        parent.union(l as usize, q);
                    }
                    None => {
                        ent_owner.insert(e, l as usize);
                    }
                }
            }
        }
        for l in 1..nl {
            let same = match (self.lines.get(l - 1), self.lines.get(l)) {
                (Some(a), Some(b)) => a.product == b.product,
                _ => false,
            };
            if same {
                parent.union(l - 1, l);
            }
        }
        let mut components: BTreeMap<usize, (Vec<(u32, u32)>, Vec<u32>)> = BTreeMap::new();
        for &(l, g) in line_groups.keys() {
            components
                .entry(parent.find(l as usize))
                .or_default()
                .0
                .push((l, g));
        }
        for (&l, cons) in &dead {
            components
                .entry(parent.find(l as usize))
                .or_default()
                .1
                .extend(cons.iter().copied());
        }
        // Choice units in a canonical order: (product, smallest consumer name).
        let mut unit_order: Vec<(u32, u32)> = vec![(NONE, NONE); self.unit_alts.len()];
        for r in &self.rows {
            if let Some(slot) = unit_order.get_mut(r.unit as usize) {
                let p = self.lines.get(r.line as usize).map_or(NONE, |l| l.product);
                let n = r.name;
                *slot = (*slot).min((p, n));
            }
        }
        let mut choice: Vec<u32> = vec![0; self.unit_alts.len()];
        let mut fixed: BTreeMap<u32, i128> = BTreeMap::new();
        let mut out = Vec::new();
        for (members, dead_cons) in components.values() {
            let mut units: Vec<u32> = members
                .iter()
                .filter_map(|k| line_groups.get(k))
                .flatten()
                .chain(dead_cons)
                .filter_map(|&c| self.rows.get(c as usize).map(|r| r.unit))
                .filter(|&u| u != NONE)
                .collect();
            units.sort_unstable_by_key(|&u| (unit_order.get(u as usize).copied(), u));
            units.dedup();
            let combos = units
                .iter()
                .map(|&u| u64::from(self.unit_alts.get(u as usize).copied().unwrap_or(1)))
                .try_fold(1u64, |a, k| a.checked_mul(k))
                .filter(|&n| n <= MAX_METRIC_COMBINATIONS)
                // One flow per combination: a large component (many groups linked by shared
                // entitlements) is not solved thousands of times.
                .filter(|&n| n.saturating_mul(members.len() as u64 + 1) <= MAX_CHOICE_WORK)
                .unwrap_or(1);
            let mut best: Option<(Score, Vec<u32>, Vec<Vec<(u32, u64)>>)> = None;
            for index in 0..combos {
                // Mixed radix, the first unit most significant: index 0 is all Priority.
                let mut rest = index;
                for &u in units.iter().rev() {
                    let k = u64::from(self.unit_alts.get(u as usize).copied().unwrap_or(1)).max(1);
                    if let Some(slot) = choice.get_mut(u as usize) {
                        *slot = if combos > 1 { (rest % k) as u32 } else { 0 };
                    }
                    rest /= k;
                }
                let (score, flows) =
                    self.solve_component(members, dead_cons, &line_groups, &choice, &mut fixed)?;
                if best.as_ref().is_none_or(|b| score < b.0) {
                    let picked = units
                        .iter()
                        .map(|&u| choice.get(u as usize).copied().unwrap_or(0))
                        .collect();
                    best = Some((score, picked, flows));
                }
            }
            let Some((_, picked, flows)) = best else {
                continue;
            };
            for (&u, &k) in units.iter().zip(&picked) {
                if let Some(slot) = choice.get_mut(u as usize) {
                    *slot = k;
                }
            }
            // Hand each group's flow to its counted consumers in canonical order.
            for (key, mut flows) in members.iter().zip(flows) {
                let Some(cons) = line_groups.get(key) else {
                    continue;
                };
                let mut fi = 0;
                for &c in cons {
                    if !self.counted(c as usize, &choice) {
                        continue;
                    }
                    let mut n = self.rows.get(c as usize).map_or(0, |r| r.demand.units);
                    while n > 0 {
                        let Some((e, f)) = flows.get_mut(fi) else {
                            break;
                        };
                        if *f == 0 {
                            fi += 1;
                            continue;
                        }
                        let take = (*f).min(n);
                        *f -= take;
                        n -= take;
                        out.push((
                            c,
                            Alloc {
                                ent: *e,
                                units: take,
                                overflow: false,
                            },
                        ));
                    }
                }
            }
        }
        let active = (0..self.rows.len())
            .map(|c| self.counted(c, &choice))
            .collect();
        // Mark units beyond a true-up entitlement's quantity as overflow, in consumer order.
        out.sort_by_key(|(c, _)| *c);
        let mut used: Vec<u64> = vec![0; self.ents.len()];
        let mut marked = Vec::with_capacity(out.len());
        for (c, a) in out {
            let cap = self.ents.get(a.ent as usize).map_or(0, |i| i.capacity);
            let mut scratch = 0;
            let u = used.get_mut(a.ent as usize).unwrap_or(&mut scratch);
            let within = cap.saturating_sub(*u).min(a.units);
            *u = u.saturating_add(a.units);
            if within > 0 {
                marked.push((c, Alloc { units: within, ..a }));
            }
            if a.units > within {
                marked.push((
                    c,
                    Alloc {
                        units: a.units - within,
                        overflow: true,
                        ..a
                    },
                ));
            }
        }
        Ok((marked, active))
    }

    /// Whether consumer `c` is counted under the metric `choice` gives its unit (consumers
    /// of single-metric products: always; of the others: when their line is the chosen one).
    fn counted(&self, c: usize, choice: &[u32]) -> bool {
        let row = self.rows.get(c);
        let alt = row
            .and_then(|r| self.lines.get(r.line as usize))
            .map_or(0, |l| l.alt);
        match row.map(|r| r.unit) {
            Some(u) if u != NONE => choice.get(u as usize).copied().unwrap_or(0) == alt,
            _ => alt == 0,
        }
    }

    /// Solves one component's flow for the consumers counted under `choice`: per member
    /// group, the units each eligible entitlement gives, and the score.
    #[allow(clippy::type_complexity)]
    fn solve_component(
        &self,
        members: &[(u32, u32)],
        dead: &[u32],
        line_groups: &BTreeMap<(u32, u32), Vec<u32>>,
        choice: &[u32],
        fixed: &mut BTreeMap<u32, i128>,
    ) -> Result<(Score, Vec<Vec<(u32, u64)>>), ReconcileError> {
        let units_of = |c: u32| self.rows.get(c as usize).map_or(0, |r| r.demand.units);
        let demand: Vec<u64> = members
            .iter()
            .map(|k| {
                line_groups
                    .get(k)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .filter(|&&c| self.counted(c as usize, choice))
                    .map(|&c| units_of(c))
                    .fold(0u64, u64::saturating_add)
            })
            .collect();
        let uncoverable = dead
            .iter()
            .filter(|&&c| self.counted(c as usize, choice))
            .map(|&c| units_of(c))
            .fold(0u64, u64::saturating_add);
        let total: u64 = demand.iter().fold(0u64, |a, &b| a.saturating_add(b));
        let eligible = |g: u32| {
            self.groups
                .get(g as usize)
                .map_or(&[][..], |g| g.eligible.as_slice())
        };
        let mut ent_nodes: BTreeMap<u32, usize> = BTreeMap::new();
        for ((_, g), &d) in members.iter().zip(&demand) {
            if d == 0 {
                continue;
            }
            for &e in eligible(*g) {
                let next = ent_nodes.len();
                ent_nodes.entry(e).or_insert(next);
            }
        }
        let (s, t) = (0usize, 1usize);
        let gbase = 2;
        let ebase = gbase + members.len();
        let mut net = Network::new(ebase + ent_nodes.len());
        let scale = i128::from(total) + 1;
        let mut group_arcs: Vec<Vec<(u32, usize)>> = Vec::with_capacity(members.len());
        for (i, ((_, g), &units)) in members.iter().zip(&demand).enumerate() {
            let mut arcs = Vec::new();
            if units > 0 {
                net.add(s, gbase + i, units, 0);
                for &e in eligible(*g) {
                    let c = match fixed.get(&e) {
                        Some(&c) => c,
                        None => {
                            let c = self.fixed_cost(e)?;
                            fixed.insert(e, c);
                            c
                        }
                    };
                    let node = ebase
                        + ent_nodes
                            .get(&e)
                            .copied()
                            .ok_or_else(|| internal("optimal", "entitlement without a node"))?;
                    arcs.push((e, net.add(gbase + i, node, units, c.saturating_mul(scale))));
                }
            }
            group_arcs.push(arcs);
        }
        let mut by_node: Vec<(usize, u32)> = ent_nodes.iter().map(|(&e, &j)| (j, e)).collect();
        by_node.sort_unstable();
        for &(j, e) in &by_node {
            let Some(info) = self.ents.get(e as usize) else {
                continue;
            };
            net.add(ebase + j, t, info.capacity.min(total), 0);
            if info.true_up && info.capacity < total {
                // Overflow: allowed, and dearer than any use within the quantity by less
                // than one unit of the scaled cost, so cost stays the first criterion.
                net.add(ebase + j, t, total - info.capacity, 1);
            }
        }
        net.solve(s, t);
        let flows: Vec<Vec<(u32, u64)>> = group_arcs
            .iter()
            .map(|a| a.iter().map(|&(e, arc)| (e, net.flow(arc))).collect())
            .collect();
        let mut used: BTreeMap<u32, u64> = BTreeMap::new();
        let (mut covered, mut cost) = (0u64, 0i128);
        for &(e, f) in flows.iter().flatten() {
            covered = covered.saturating_add(f);
            *used.entry(e).or_default() += f;
            let c = fixed
                .get(&e)
                .copied()
                .ok_or_else(|| internal("optimal", "entitlement without a cost"))?;
            cost = cost.saturating_add(c.saturating_mul(i128::from(f)));
        }
        let overflow = used
            .iter()
            .map(|(&e, &u)| u.saturating_sub(self.ents.get(e as usize).map_or(0, |i| i.capacity)))
            .fold(0u64, u64::saturating_add);
        let score = Score {
            short: total.saturating_sub(covered).saturating_add(uncoverable),
            cost,
            overflow,
        };
        Ok((score, flows))
    }

    fn fixed_cost(&self, e: u32) -> Result<i128, ReconcileError> {
        let cost = self.ents.get(e as usize).map_or(Decimal::ZERO, |i| i.cost);
        let err = || ReconcileError::CostOutOfRange {
            id: self
                .m
                .estate
                .entitlements
                .get(e as usize)
                .map(|x| x.id.to_string())
                .unwrap_or_default(),
        };
        if cost.is_sign_negative() && !cost.is_zero() {
            return Err(err());
        }
        let mut scaled = cost;
        scaled.rescale(9);
        if scaled.scale() != 9 || scaled != cost.round_dp(9) || cost.round_dp(9) != cost {
            return Err(err());
        }
        let v = scaled.mantissa();
        if v > 1_000_000_000_000_000_000_000_000_000 {
            return Err(err());
        }
        Ok(v)
    }
}
