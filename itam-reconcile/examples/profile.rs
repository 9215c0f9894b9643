//! Generates an estate and reconciles it once: a target for `valgrind --tool=callgrind`
//! or `perf`. `cargo run --release -p itam-reconcile --features generate --example profile
//! -- SIZE MODE` (SIZE: S, M, L, XL; MODE: priority, optimal, or none to generate only, so
//! the generator's own time can be subtracted). Timing is left to the caller
//! (`/usr/bin/time`); a profile tells the generator apart by function.
#![allow(clippy::print_stdout)] // an example prints its result

use itam_reconcile::generate::{GenParams, Size, generate};
use itam_reconcile::{Mode, Policy, prepare};

fn main() {
    let mut args = std::env::args().skip(1);
    let size = match args.next().as_deref() {
        Some("S") => Size::S,
        Some("L") => Size::L,
        Some("XL") => Size::XL,
        _ => Size::M,
    };
    let mode = match args.next().as_deref() {
        Some("optimal") => Some(Mode::Optimal),
        Some("none") => None,
        _ => Some(Mode::Priority),
    };
    let estate = generate(&GenParams::size(size, 42));
    let Some(mode) = mode else {
        println!("installations {}", estate.installations.len());
        return;
    };
    let mut policy = Policy::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default());
    policy.explain = false;
    let Ok(prepared) = prepare(&estate, &policy) else {
        return;
    };
    if let Ok(p) = prepared.allocate(mode) {
        println!(
            "consumers {} covered {} shortfall {}",
            p.totals.consumers, p.totals.covered, p.totals.shortfall
        );
    }
}
