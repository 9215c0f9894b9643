//! The README's scaling table from criterion's estimates of the `scaling` group.
//!
//! ```text
//! cargo bench -p itam-benches --bench scaling
//! cargo run -p itam-benches --bin scaling_table [TARGET_DIR]
//! ```
//!
//! `TARGET_DIR` defaults to `$CARGO_TARGET_DIR`, else `target`. Prints one Markdown row per
//! shape: the median time at n and at 4n and their ratio, and exits 1 when a ratio is above the
//! budget of 5 (or a shape has no estimate), so that a run can be checked as well as shown.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use itam_benches::scaling::shapes;

/// The budget on time(4n)/time(n).
const BUDGET: f64 = 5.0;

/// The median of one benchmark, in nanoseconds, from `estimates.json` (the median, not the
/// mean: on a shared machine a few slow samples move the mean, not the median).
fn median_ns(dir: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join("new/estimates.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("median")?.get("point_estimate")?.as_f64()
}

/// `1.23 ms`, `456 µs`.
fn show(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

fn main() -> ExitCode {
    let target = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("target"));
    let group = target.join("criterion").join("scaling");
    let mut ok = true;
    println!("| shape | n | time(n) | time(4n) | time(4n)/time(n) |");
    println!("|---|---:|---:|---:|---:|");
    for shape in shapes() {
        let dir = group.join(shape.name);
        match (median_ns(&dir.join("n")), median_ns(&dir.join("4n"))) {
            (Some(a), Some(b)) if a > 0.0 => {
                let ratio = b / a;
                ok &= ratio <= BUDGET;
                let mark = if ratio <= BUDGET {
                    ""
                } else {
                    " (over budget)"
                };
                println!(
                    "| {} | {} | {} | {} | {ratio:.2}{mark} |",
                    shape.name,
                    shape.size,
                    show(a),
                    show(b)
                );
            }
            _ => {
                ok = false;
                println!(
                    "| {} | {} | – | – | no estimate in {} |",
                    shape.name,
                    shape.size,
                    dir.display()
                );
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
