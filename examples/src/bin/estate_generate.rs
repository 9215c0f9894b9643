//! Generate a synthetic estate, reconcile it in both modes, and time each phase.
//!
//! `cargo run --release -p itam-examples --bin estate_generate [S|M|L] [SEED]` — size S
//! (10³ devices, 5·10⁴ installations, 500 entitlements) and seed 42 by default. The estate and
//! the positions depend only on the size and seed, so every run prints the same figures; only
//! the times change. Build with `--release` for meaningful times (a debug build is slower).
//! The criterion benches (`cargo bench -p itam-benches --bench reconcile`) are the careful
//! measurement; this is the quick look.

use std::time::{Duration, Instant};

use itam_reconcile::generate::{GenParams, Size, generate};
use itam_reconcile::{Mode, Policy, prepare};

/// Runs `f`, returning its value and how long it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// `[S|M|L] [SEED]`, defaulting to S and 42.
fn args() -> Result<(Size, u64), String> {
    let mut args = std::env::args().skip(1);
    let size = match args.next().as_deref() {
        None | Some("S" | "s") => Size::S,
        Some("M" | "m") => Size::M,
        Some("L" | "l") => Size::L,
        Some(other) => return Err(format!("unknown size `{other}`: use S, M or L")),
    };
    let seed = match args.next() {
        None => 42,
        Some(s) => s
            .parse()
            .map_err(|_| format!("seed `{s}` is not a number"))?,
    };
    Ok((size, seed))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (size, seed) = match args() {
        Ok(args) => args,
        Err(problem) => {
            eprintln!("estate_generate: {problem}\nusage: estate_generate [S|M|L] [SEED]");
            std::process::exit(2);
        }
    };

    // The generator is deterministic: a SplitMix64 stream from the seed.
    let params = GenParams::size(size, seed);
    let (estate, t_generate) = timed(|| generate(&params));
    println!(
        "estate {size:?} seed {seed}: {} devices, {} software, {} installations, {} entitlements",
        estate.devices.len(),
        estate.software.len(),
        estate.installations.len(),
        estate.entitlements.len()
    );

    // Prepare once (interning, candidates, consumers, eligibility groups); both modes then
    // allocate from the same preparation.
    let policy = Policy::new(params.as_of);
    let (prepared, t_prepare) = timed(|| prepare(&estate, &policy));
    let prepared = prepared?;
    println!(
        "prepared: {} consumers in {} eligibility groups",
        prepared.consumers(),
        prepared.groups()
    );
    let (priority, t_priority) = timed(|| prepared.allocate(Mode::Priority));
    let (optimal, t_optimal) = timed(|| prepared.allocate(Mode::Optimal));
    let (priority, optimal) = (priority?, optimal?);

    println!(
        "\n{:<9} {:>9} {:>9} {:>16}",
        "mode", "covered", "shortfall", "cost"
    );
    for (mode, p) in [("Priority", &priority), ("Optimal", &optimal)] {
        let t = &p.totals;
        println!(
            "{mode:<9} {:>9} {:>9} {:>16}",
            t.covered, t.shortfall, t.cost
        );
    }
    // The gap is what the greedy commercial order leaves on the table.
    println!(
        "gap (Optimal - Priority): covered {:+}, shortfall {:+}, cost {}",
        i128::from(optimal.totals.covered) - i128::from(priority.totals.covered),
        i128::from(optimal.totals.shortfall) - i128::from(priority.totals.shortfall),
        optimal.totals.cost - priority.totals.cost
    );

    println!("\ntimes (this run, this machine):");
    for (phase, t) in [
        ("generate", t_generate),
        ("prepare", t_prepare),
        ("priority", t_priority),
        ("optimal", t_optimal),
    ] {
        println!("  {phase:<9} {:>9.1} ms", t.as_secs_f64() * 1e3);
    }
    Ok(())
}
