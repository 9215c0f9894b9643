//! Two allocation policies written outside `itam-reconcile`, against its public
//! [`Allocator`] trait: what a researcher or vendor writes to plug a policy into the engine
//! and compare it with the built-ins ([`itam_reconcile::compare`]).
//!
//! Both count every product in the Priority rule's metric
//! ([`Problem::priority_counted`]), serve pinned consumers first (their groups list only
//! their pins), never grant true-up overflow, and never grant more than an entitlement has
//! left — the engine checks that anyway before it builds a position.

use itam_reconcile::{Allocation, Allocator, Problem, ReconcileError};

/// First fit by cheapest entitlement: consumers in canonical order (pinned ones first),
/// each served from its eligible entitlements by ascending unit cost (ties: the priority
/// order).
#[derive(Debug, Clone, Copy, Default)]
pub struct CheapestFirst;

/// Consumers in a random order (a seeded xorshift shuffle, so a seed always gives the same
/// allocation), each served first-fit in the priority order.
#[derive(Debug, Clone, Copy)]
pub struct RandomOrder {
    /// The shuffle's seed.
    pub seed: u64,
}

impl Allocator for CheapestFirst {
    fn name(&self) -> &str {
        "cheapest_first"
    }

    fn allocate(&self, problem: &Problem<'_>) -> Result<Allocation, ReconcileError> {
        let order: Vec<usize> = (0..problem.consumers()).collect();
        first_fit(problem, &order, |eligible| {
            let mut v = eligible.to_vec();
            // Stable: equal costs keep the priority order.
            v.sort_by_key(|&e| problem.entitlement(e as usize).map(|x| x.unit_cost));
            v
        })
    }
}

impl Allocator for RandomOrder {
    fn name(&self) -> &str {
        "random_order"
    }

    fn allocate(&self, problem: &Problem<'_>) -> Result<Allocation, ReconcileError> {
        let mut order: Vec<usize> = (0..problem.consumers()).collect();
        let mut state = self.seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
            order.swap(i, j);
        }
        first_fit(problem, &order, <[u32]>::to_vec)
    }
}

/// Serves the consumers of `order` (pinned groups first), each from the entitlements
/// `rank` puts first, while units are left.
fn first_fit(
    problem: &Problem<'_>,
    order: &[usize],
    rank: impl Fn(&[u32]) -> Vec<u32>,
) -> Result<Allocation, ReconcileError> {
    let counted = problem.priority_counted();
    let mut left: Vec<u64> = (0..problem.entitlements())
        .map(|e| problem.entitlement(e).map_or(0, |x| x.capacity))
        .collect();
    let mut out = Allocation::new(counted.clone());
    for pinned_pass in [true, false] {
        for &c in order {
            let Some(consumer) = problem.consumer(c) else {
                continue;
            };
            let Some(group) = problem.group(consumer.group as usize) else {
                continue;
            };
            if group.pinned != pinned_pass
                || group.exempt
                || !counted.get(c).copied().unwrap_or(false)
            {
                continue;
            }
            let mut need = consumer.units;
            for e in rank(group.eligible) {
                let Some(l) = left.get_mut(e as usize) else {
                    continue;
                };
                let take = (*l).min(need);
                if take > 0 {
                    *l -= take;
                    need -= take;
                    out.grant(u32::try_from(c).unwrap_or(u32::MAX), e, take, false);
                }
                if need == 0 {
                    break;
                }
            }
        }
    }
    Ok(out)
}
