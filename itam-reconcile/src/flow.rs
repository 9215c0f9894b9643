//! Min-cost maximum flow by successive shortest paths (Dijkstra with Johnson potentials).
//!
//! Written here rather than taken from a crate: the graphs are small (consumer groups ×
//! entitlements of one component), the algorithm is short, and owning it
//! keeps the engine free of dependencies, of floating point (costs are exact integers) and
//! of shared mutable state (the OpTISAM optimiser's defect). Successive shortest paths
//! starting from the zero flow with non-negative arc costs keeps the flow of minimum cost
//! for its value after every augmentation, so stopping when no augmenting path is left
//! gives a maximum flow of minimum cost (Ahuja, Magnanti & Orlin, *Network Flows*, §9.7).
//! Each round runs Dijkstra on reduced costs (stopped once the sink is settled; every node's
//! potential then moves by its distance, or the sink's if unsettled, which keeps reduced
//! costs non-negative) and then pushes a blocking flow along all arcs of reduced cost 0,
//! so one Dijkstra serves every shortest augmenting path of the same length.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone)]
struct Arc {
    to: usize,
    cap: u64,
    cost: i128,
}

/// A flow network. Arcs are added in pairs (forward, residual) so arc `i ^ 1` is the
/// reverse of arc `i`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Network {
    arcs: Vec<Arc>,
    out: Vec<Vec<usize>>,
}

impl Network {
    pub fn new(nodes: usize) -> Self {
        Self {
            arcs: Vec::new(),
            out: vec![Vec::new(); nodes],
        }
    }

    /// Adds an arc with capacity and non-negative cost per unit; returns its id.
    pub fn add(&mut self, from: usize, to: usize, cap: u64, cost: i128) -> usize {
        let id = self.arcs.len();
        self.arcs.push(Arc { to, cap, cost });
        self.arcs.push(Arc {
            to: from,
            cap: 0,
            cost: -cost,
        });
        if let Some(o) = self.out.get_mut(from) {
            o.push(id);
        }
        if let Some(o) = self.out.get_mut(to) {
            o.push(id + 1);
        }
        id
    }

    /// Flow on arc `id` (the residual capacity of its reverse).
    pub fn flow(&self, id: usize) -> u64 {
        self.arcs.get(id ^ 1).map_or(0, |a| a.cap)
    }

    /// Sends a maximum flow of minimum cost from `s` to `t`; returns (flow, cost).
    pub fn solve(&mut self, s: usize, t: usize) -> (u64, i128) {
        let n = self.out.len();
        let mut potential = vec![0i128; n];
        let (mut flow, mut cost) = (0u64, 0i128);
        loop {
            // Dijkstra on reduced costs, stopped once `t` is settled.
            let mut dist: Vec<Option<i128>> = vec![None; n];
            let mut done = vec![false; n];
            let mut heap = BinaryHeap::new();
            if let Some(d) = dist.get_mut(s) {
                *d = Some(0);
            }
            heap.push(Reverse((0i128, s)));
            while let Some(Reverse((d, u))) = heap.pop() {
                if dist.get(u).copied().flatten() != Some(d) || done.get(u).copied().unwrap_or(true)
                {
                    continue;
                }
                if let Some(x) = done.get_mut(u) {
                    *x = true;
                }
                if u == t {
                    break;
                }
                let pu = potential.get(u).copied().unwrap_or(0);
                for &a in self.out.get(u).map_or(&[][..], Vec::as_slice) {
                    let Some(arc) = self.arcs.get(a) else {
                        continue;
                    };
                    if arc.cap == 0 {
                        continue;
                    }
                    let pv = potential.get(arc.to).copied().unwrap_or(0);
                    let nd = d
                        .saturating_add(arc.cost)
                        .saturating_add(pu)
                        .saturating_sub(pv);
                    let better = dist
                        .get(arc.to)
                        .copied()
                        .flatten()
                        .is_none_or(|old| nd < old);
                    if better {
                        if let Some(x) = dist.get_mut(arc.to) {
                            *x = Some(nd);
                        }
                        heap.push(Reverse((nd, arc.to)));
                    }
                }
            }
            let Some(dt) = dist
                .get(t)
                .copied()
                .flatten()
                .filter(|_| done.get(t).copied().unwrap_or(false))
            else {
                return (flow, cost);
            };
            // Settled nodes move by their distance, all others by the distance of `t`: reduced
            // costs stay non-negative and the shortest paths to `t` become 0-cost.
            for ((p, d), &settled) in potential.iter_mut().zip(&dist).zip(&done) {
                let delta = match d {
                    Some(d) if settled => *d,
                    _ => dt,
                };
                *p = p.saturating_add(delta);
            }
            // Blocking flow on the admissible arcs (reduced cost 0: the shortest paths), so
            // one Dijkstra serves every augmenting path of the same length (primal-dual).
            let pushed = self.blocking_flow(s, t, &potential, &mut cost);
            if pushed == 0 {
                return (flow, cost);
            }
            flow = flow.saturating_add(pushed);
        }
    }

    fn reduced(&self, a: usize, from: usize, potential: &[i128]) -> Option<i128> {
        let arc = self.arcs.get(a)?;
        let pu = potential.get(from).copied().unwrap_or(0);
        let pv = potential.get(arc.to).copied().unwrap_or(0);
        Some(arc.cost.saturating_add(pu).saturating_sub(pv))
    }

    /// Augments along admissible paths until none is left; returns the flow pushed.
    fn blocking_flow(&mut self, s: usize, t: usize, potential: &[i128], cost: &mut i128) -> u64 {
        let n = self.out.len();
        let mut next_arc = vec![0usize; n];
        let mut on_path = vec![false; n];
        let mut total = 0u64;
        loop {
            // Iterative DFS from s along admissible arcs with capacity; `path` holds arcs.
            let mut path: Vec<usize> = Vec::new();
            let mut u = s;
            if let Some(x) = on_path.get_mut(s) {
                *x = true;
            }
            let found = loop {
                if u == t {
                    break true;
                }
                let list_len = self.out.get(u).map_or(0, Vec::len);
                let mut advanced = false;
                while let Some(&i) = next_arc.get(u) {
                    if i >= list_len {
                        break;
                    }
                    let Some(a) = self.out.get(u).and_then(|l| l.get(i)).copied() else {
                        break;
                    };
                    let (to, cap) = self.arcs.get(a).map_or((0, 0), |x| (x.to, x.cap));
                    let ok = cap > 0
                        && !on_path.get(to).copied().unwrap_or(true)
                        && self.reduced(a, u, potential) == Some(0);
                    if ok {
                        path.push(a);
                        if let Some(x) = on_path.get_mut(to) {
                            *x = true;
                        }
                        u = to;
                        advanced = true;
                        break;
                    }
                    if let Some(x) = next_arc.get_mut(u) {
                        *x += 1;
                    }
                }
                if advanced {
                    continue;
                }
                // Dead end: retreat and skip the arc that led here.
                if let Some(x) = on_path.get_mut(u) {
                    *x = false;
                }
                let Some(a) = path.pop() else { break false };
                u = self.arcs.get(a ^ 1).map_or(s, |r| r.to);
                if let Some(x) = next_arc.get_mut(u) {
                    *x += 1;
                }
            };
            on_path.fill(false);
            if !found {
                return total;
            }
            let push = path
                .iter()
                .filter_map(|&a| self.arcs.get(a).map(|x| x.cap))
                .min()
                .unwrap_or(0);
            if push == 0 {
                return total;
            }
            for &a in &path {
                let arc_cost = self.arcs.get(a).map_or(0, |x| x.cost);
                if let Some(x) = self.arcs.get_mut(a) {
                    x.cap -= push;
                }
                if let Some(x) = self.arcs.get_mut(a ^ 1) {
                    x.cap += push;
                }
                *cost = cost.saturating_add(arc_cost.saturating_mul(i128::from(push)));
            }
            total = total.saturating_add(push);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_cheaper_of_two_paths_then_fills_the_dearer() {
        // s -> a (cap 3) ; a -> t via x (cost 1, cap 2) or via y (cost 5, cap 5).
        let mut n = Network::new(5);
        n.add(0, 1, 3, 0);
        let cheap = n.add(1, 2, 2, 1);
        let dear = n.add(1, 3, 5, 5);
        n.add(2, 4, 10, 0);
        n.add(3, 4, 10, 0);
        assert_eq!(n.solve(0, 4), (3, 2 + 5));
        assert_eq!(n.flow(cheap), 2);
        assert_eq!(n.flow(dear), 1);
    }

    #[test]
    fn reroutes_through_residual_arcs_for_maximum_flow() {
        // Greedy would send g1 to e1 and leave g2 unserved; max flow reroutes g1 to e2.
        // s=0, g1=1, g2=2, e1=3, e2=4, t=5.
        let mut n = Network::new(6);
        n.add(0, 1, 1, 0);
        n.add(0, 2, 1, 0);
        let g1e1 = n.add(1, 3, 1, 0);
        n.add(1, 4, 1, 3);
        n.add(2, 3, 1, 0);
        n.add(3, 5, 1, 0);
        n.add(4, 5, 1, 0);
        assert_eq!(n.solve(0, 5), (2, 3));
        assert_eq!(n.flow(g1e1), 0);
    }

    #[test]
    fn no_path_means_no_flow() {
        let mut n = Network::new(3);
        n.add(0, 1, 5, 0);
        assert_eq!(n.solve(0, 2), (0, 0));
    }

    /// Brute force over every integer assignment x[g][e] ≤ demand, respecting capacities:
    /// maximum total, then minimum cost.
    fn brute(demand: &[u64], cap: &[u64], cost: &[i128], edge: &[Vec<bool>]) -> (u64, i128) {
        #[allow(clippy::too_many_arguments)]
        fn go(
            g: usize,
            e: usize,
            left: u64,
            demand: &[u64],
            cap: &mut [u64],
            cost: &[i128],
            edge: &[Vec<bool>],
            acc: (u64, i128),
            best: &mut (u64, i128),
        ) {
            if g == demand.len() {
                if acc.0 > best.0 || (acc.0 == best.0 && acc.1 < best.1) {
                    *best = acc;
                }
                return;
            }
            if e == cap.len() {
                let next = demand.get(g + 1).copied().unwrap_or(0);
                go(g + 1, 0, next, demand, cap, cost, edge, acc, best);
                return;
            }
            let max = if edge[g][e] { left.min(cap[e]) } else { 0 };
            for x in 0..=max {
                cap[e] -= x;
                go(
                    g,
                    e + 1,
                    left - x,
                    demand,
                    cap,
                    cost,
                    edge,
                    (acc.0 + x, acc.1 + cost[e] * i128::from(x)),
                    best,
                );
                cap[e] += x;
            }
        }
        let mut best = (0, 0);
        let mut cap = cap.to_vec();
        go(
            0,
            0,
            demand.first().copied().unwrap_or(0),
            demand,
            &mut cap,
            cost,
            edge,
            (0, 0),
            &mut best,
        );
        best
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]
        #[test]
        fn equals_brute_force_on_small_bipartite_networks(
            demand in proptest::collection::vec(0u64..4, 1..4),
            ents in proptest::collection::vec((0u64..4, 0i128..6), 1..4),
            mask in proptest::collection::vec(proptest::prelude::any::<bool>(), 16),
        ) {
            let (ng, ne) = (demand.len(), ents.len());
            let edge: Vec<Vec<bool>> = (0..ng).map(|g| (0..ne).map(|e| mask[g * 4 + e]).collect()).collect();
            let mut n = Network::new(2 + ng + ne);
            for (g, &d) in demand.iter().enumerate() {
                n.add(0, 2 + g, d, 0);
                for (e, &(_, c)) in ents.iter().enumerate() {
                    if edge[g][e] {
                        n.add(2 + g, 2 + ng + e, d, c);
                    }
                }
            }
            for (e, &(cap, _)) in ents.iter().enumerate() {
                n.add(2 + ng + e, 1, cap, 0);
            }
            let caps: Vec<u64> = ents.iter().map(|x| x.0).collect();
            let costs: Vec<i128> = ents.iter().map(|x| x.1).collect();
            proptest::prop_assert_eq!(n.solve(0, 1), brute(&demand, &caps, &costs, &edge));
        }
    }
}
