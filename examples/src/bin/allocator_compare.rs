//! Plug a third allocation policy into the engine and compare it with Priority and
//! Optimal.
//!
//! `cargo run -p itam-examples --bin allocator_compare [SEED]` — a generated estate (size S
//! scaled down to 300 devices and 240 entitlements, seed 42 by default) is prepared once and allocated by
//! Priority, Optimal, and the two policies of `itam_examples::allocators` (first fit by
//! cheapest entitlement; random order with a seed). Each run prints its totals and its gap
//! to the first run (Priority), per metric: units of one metric are not units of another.

use itam_examples::allocators::{CheapestFirst, RandomOrder};
use itam_reconcile::allocation::{Optimal, Priority};
use itam_reconcile::generate::{GenParams, Size, generate};
use itam_reconcile::{Allocator, Policy, compare};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seed = match std::env::args().nth(1) {
        None => 42,
        Some(s) => s
            .parse()
            .map_err(|_| format!("seed `{s}` is not a number"))?,
    };
    let params = GenParams {
        devices: 300,
        users: 150,
        entitlements: 240,
        ..GenParams::size(Size::S, seed)
    };
    let estate = generate(&params);
    let policy = Policy::new(params.as_of);
    let random = RandomOrder { seed };
    let allocators: [&dyn Allocator; 4] = [&Priority, &Optimal, &CheapestFirst, &random];
    let compared = compare(&estate, &policy, &allocators)?;
    println!(
        "estate: {} devices, {} installations, {} entitlements; seed {seed}",
        estate.devices.len(),
        estate.installations.len(),
        estate.entitlements.len()
    );
    for run in &compared.runs {
        let t = &run.position.totals;
        println!(
            "{:<15} demand {:>6}  covered {:>6}  shortfall {:>6}  cost {}",
            run.allocator,
            t.demand,
            t.covered,
            t.shortfall,
            t.cost_text()
        );
    }
    println!("gap to {} per metric:", compared.runs[0].allocator);
    for run in compared.runs.iter().skip(1) {
        let differing: Vec<_> = run
            .gap
            .by_metric
            .iter()
            .filter(|m| m.covered != 0 || m.shortfall != 0)
            .collect();
        if differing.is_empty() {
            println!("  {:<15} equal in every metric", run.allocator);
        }
        for m in differing {
            println!(
                "  {:<15} {:<27} covered {:+}  shortfall {:+}",
                run.allocator,
                m.metric.to_string(),
                m.covered,
                m.shortfall
            );
        }
        if run.gap.metrics_differ {
            println!(
                "  {:<15} (counts some product in another metric)",
                run.allocator
            );
        }
    }
    Ok(())
}
