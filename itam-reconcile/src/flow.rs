//! Min-cost maximum flow by successive shortest paths (Dijkstra with Johnson potentials).
//!
//! Written here rather than taken from a crate: the graphs are small (consumer groups ×
//! entitlements of one component), the algorithm is about a hundred lines, and owning it
//! keeps the engine free of dependencies, of floating point (costs are exact integers) and
//! of shared mutable state (the OpTISAM optimiser's defect). Successive shortest paths
//! starting from the zero flow with non-negative arc costs keeps the flow of minimum cost
//! for its value after every augmentation, so stopping when no augmenting path is left
//! gives a maximum flow of minimum cost (Ahuja, Magnanti & Orlin, *Network Flows*, §9.7).

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
            // Dijkstra on reduced costs.
            let mut dist: Vec<Option<i128>> = vec![None; n];
            let mut via: Vec<Option<usize>> = vec![None; n];
            let mut heap = BinaryHeap::new();
            if let Some(d) = dist.get_mut(s) {
                *d = Some(0);
            }
            heap.push(Reverse((0i128, s)));
            while let Some(Reverse((d, u))) = heap.pop() {
                if dist.get(u).copied().flatten() != Some(d) {
                    continue;
                }
                for &a in self.out.get(u).map_or(&[][..], Vec::as_slice) {
                    let Some(arc) = self.arcs.get(a) else {
                        continue;
                    };
                    if arc.cap == 0 {
                        continue;
                    }
                    let pu = potential.get(u).copied().unwrap_or(0);
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
                        if let Some(x) = via.get_mut(arc.to) {
                            *x = Some(a);
                        }
                        heap.push(Reverse((nd, arc.to)));
                    }
                }
            }
            if dist.get(t).copied().flatten().is_none() {
                return (flow, cost);
            }
            for (p, d) in potential.iter_mut().zip(&dist) {
                if let Some(d) = d {
                    *p = p.saturating_add(*d);
                }
            }
            // Bottleneck along the path.
            let mut push = u64::MAX;
            let mut v = t;
            while v != s {
                let Some(a) = via.get(v).copied().flatten() else {
                    return (flow, cost);
                };
                let Some(arc) = self.arcs.get(a) else {
                    return (flow, cost);
                };
                push = push.min(arc.cap);
                v = self.arcs.get(a ^ 1).map_or(s, |r| r.to);
            }
            let mut v = t;
            while v != s {
                let Some(a) = via.get(v).copied().flatten() else {
                    break;
                };
                let arc_cost = self.arcs.get(a).map_or(0, |x| x.cost);
                if let Some(x) = self.arcs.get_mut(a) {
                    x.cap -= push;
                }
                if let Some(x) = self.arcs.get_mut(a ^ 1) {
                    x.cap += push;
                }
                cost = cost.saturating_add(arc_cost.saturating_mul(i128::from(push)));
                v = self.arcs.get(a ^ 1).map_or(s, |r| r.to);
            }
            flow += push;
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
}
