//! Allocator #1: the commercial tools' greedy order.

use super::Plan;
use crate::position::Alloc;

impl Plan<'_> {
    /// Priority mode counts every product in the metric of its first active candidate
    /// (the lines with `alt` 0).
    pub(super) fn priority_lines(&self) -> Vec<bool> {
        if self.unit_alts.is_empty() {
            // No product has a metric choice: every consumer is on its product's only line.
            return vec![true; self.rows.len()];
        }
        self.rows
            .iter()
            .map(|r| self.lines.get(r.line as usize).is_some_and(|l| l.alt == 0))
            .collect()
    }

    /// Greedy allocation in the documented commercial order.
    pub(super) fn priority(&self, active: &[bool]) -> Vec<(u32, Alloc)> {
        let mut left: Vec<u64> = self.ents.iter().map(|e| e.capacity).collect();
        let mut need: Vec<u64> = self
            .rows
            .iter()
            .zip(active)
            .map(|(r, &counted)| {
                let exempt = self
                    .groups
                    .get(r.group as usize)
                    .is_some_and(|g| g.exempt_by.is_some());
                if exempt || !counted {
                    0
                } else {
                    r.demand.units
                }
            })
            .collect();
        let mut out = Vec::with_capacity(self.rows.len());
        // Per group: how many of its eligible entitlements, from the front, are used up.
        // Capacity only falls, so they can be skipped for good (a short consumer would
        // otherwise walk the whole list of exhausted entitlements).
        let mut spent: Vec<usize> = vec![0; self.groups.len()];
        for pinned_pass in [true, false] {
            for (c, g) in self.rows.iter().map(|r| r.group).enumerate() {
                let Some(group) = self.groups.get(g as usize) else {
                    continue;
                };
                if group.pinned != pinned_pass {
                    continue;
                }
                let Some(n) = need.get_mut(c) else { continue };
                if *n == 0 {
                    continue;
                }
                let Some(skip) = spent.get_mut(g as usize) else {
                    continue;
                };
                while group
                    .eligible
                    .get(*skip)
                    .is_some_and(|&e| left.get(e as usize).is_none_or(|&l| l == 0))
                {
                    *skip += 1;
                }
                for &e in group.eligible.get(*skip..).unwrap_or(&[]) {
                    if *n == 0 {
                        break;
                    }
                    let Some(l) = left.get_mut(e as usize) else {
                        continue;
                    };
                    let take = (*l).min(*n);
                    if take > 0 {
                        *l -= take;
                        *n -= take;
                        out.push((
                            c as u32,
                            Alloc {
                                ent: e,
                                units: take,
                                overflow: false,
                            },
                        ));
                    }
                }
            }
        }
        // True-up entitlements take the overflow: each group's first one, found once per
        // group rather than per short consumer.
        let true_ups: Vec<Option<u32>> = self
            .groups
            .iter()
            .map(|group| {
                group
                    .eligible
                    .iter()
                    .find(|&&e| self.ents.get(e as usize).is_some_and(|i| i.true_up))
                    .copied()
            })
            .collect();
        for (c, g) in self.rows.iter().map(|r| r.group).enumerate() {
            let Some(n) = need.get_mut(c) else { continue };
            if *n == 0 {
                continue;
            }
            if let Some(e) = true_ups.get(g as usize).copied().flatten() {
                out.push((
                    c as u32,
                    Alloc {
                        ent: e,
                        units: *n,
                        overflow: true,
                    },
                ));
                *n = 0;
            }
        }
        out
    }
}
