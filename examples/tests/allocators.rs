//! The allocators of `itam_examples::allocators`, written outside `itam-reconcile`, run
//! through `compare` beside the built-ins on generated estates: every allocation respects
//! the capacities, the engine accepted it (`compare` checks each), and Optimal keeps its
//! promise against each (never more units short summed over the metrics; per metric, when
//! both count every product alike, at least as many covered and no more short).

use itam_examples::allocators::{CheapestFirst, RandomOrder};
use itam_reconcile::allocation::{Optimal, Priority};
use itam_reconcile::generate::{GenParams, Size, generate};
use itam_reconcile::{Allocator, Gap, Policy, Position, compare};

fn capacities_respected(p: &Position, who: &str) {
    for e in &p.entitlements {
        assert!(
            e.unlimited || e.consumed - e.true_up <= e.entitled,
            "{who}: {} consumed {} of {}",
            e.id,
            e.consumed,
            e.entitled
        );
    }
    for c in p.consumers() {
        assert!(c.covered <= c.units, "{who}: {} over-covered", c.name);
    }
}

#[test]
fn third_party_allocators_respect_capacities_and_optimal_covers_at_least_as_much() {
    let mut optimal_better_somewhere = false;
    for seed in 1..=6 {
        let params = GenParams {
            devices: 80,
            users: 40,
            entitlements: 60,
            ..GenParams::size(Size::S, seed)
        };
        let estate = generate(&params);
        let policy = Policy::new(params.as_of);
        let random = RandomOrder { seed };
        let allocators: [&dyn Allocator; 4] = [&Optimal, &Priority, &CheapestFirst, &random];
        let compared = compare(&estate, &policy, &allocators).expect("compare");
        let names: Vec<&str> = compared.runs.iter().map(|r| r.allocator.as_str()).collect();
        assert_eq!(
            names,
            ["optimal", "priority", "cheapest_first", "random_order"]
        );
        let optimal = &compared.runs[0].position;
        for run in &compared.runs {
            capacities_respected(&run.position, &run.allocator);
            // The run's gap is against Optimal: shortfall never below it.
            assert!(run.gap.shortfall >= 0, "seed {seed} {}", run.allocator);
            let gap = Gap::between(&run.position, optimal);
            assert!(gap.shortfall <= 0, "seed {seed} {}: {gap:?}", run.allocator);
            if !gap.metrics_differ {
                for m in &gap.by_metric {
                    assert!(
                        m.covered >= 0 && m.shortfall <= 0,
                        "seed {seed} {} in {}: {m:?}",
                        run.allocator,
                        m.metric
                    );
                }
            }
            optimal_better_somewhere |= gap.covered > 0;
            if !gap.metrics_differ {
                // Counted alike: the same demand.
                assert_eq!(run.position.totals.demand, optimal.totals.demand);
            }
        }
    }
    // The estates are tight enough for the order to matter somewhere.
    assert!(optimal_better_somewhere);
}

#[test]
fn random_order_is_reproducible_by_seed_and_depends_on_it() {
    let params = GenParams {
        devices: 80,
        users: 40,
        entitlements: 60,
        ..GenParams::size(Size::S, 3)
    };
    let estate = generate(&params);
    let policy = Policy::new(params.as_of);
    let run = |seed| {
        let a = RandomOrder { seed };
        compare(&estate, &policy, &[&a]).expect("compare").runs[0]
            .position
            .clone()
    };
    assert_eq!(run(7), run(7));
    let positions: Vec<Position> = (1..=5).map(run).collect();
    assert!(positions.windows(2).any(|w| w[0] != w[1]));
}
