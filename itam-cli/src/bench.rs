//! `itam bench reconcile`: generate an estate in memory, reconcile it, and print one line
//! with the time of each phase and the peak memory, for a researcher to paste.
//!
//! Times are wall-clock (the CLI may read the clock; the library never does), one run each:
//! for statistics use the criterion benches (`cargo bench -p itam-benches --bench
//! reconcile`). On a terminal, a progress bar on standard error names the phase under way; it
//! is drawn only between phases, never inside a timed one. Exit codes: 0 success, 2 the engine
//! refused the generated estate.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use itam_reconcile::generate::{GenParams, Size, generate};
use itam_reconcile::{Mode, Policy, ReconcileError, prepare};

use crate::estate::SizeArg;
use crate::progress::Progress;
use crate::reconcile::{FAILED, ModeArg, OK};
use crate::report::{print, warn};

/// The `bench` verbs.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Generates an estate in memory, reconciles it and prints one line: the time of each
    /// phase (generate, consumption, allocation) and the peak memory.
    ///
    /// The line is `key=value` pairs, for example `itam bench reconcile size=S seed=42
    /// mode=priority build=release explain=yes devices=1000 installations=50000
    /// entitlements=500 consumers=30358 groups=471 generate=0.033s consumption=0.027s
    /// allocation=0.003s peak_memory=16.5MiB`; with `--mode both`,
    /// `allocation_priority=… allocation_optimal=…`. Peak memory is the process's
    /// resident high-water mark (VmHWM, Linux), `unknown` elsewhere. `build` says whether
    /// the binary was optimised (`cargo build --release`): debug timings are not worth
    /// quoting. Pair explanations are kept for S and M and turned off for L and XL, as in
    /// the criterion benches.
    Reconcile(BenchArgs),
}

/// `itam bench reconcile`.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Estate size (as `itam estate generate`).
    #[arg(long, value_enum, ignore_case = true)]
    size: SizeArg,
    /// Seed of the generator.
    #[arg(long)]
    seed: u64,
    /// Allocation mode.
    #[arg(long, value_enum, default_value = "priority")]
    mode: ModeArg,
}

/// Runs a `bench` verb.
pub(crate) fn run(command: Command) -> ExitCode {
    let Command::Reconcile(args) = command;
    match bench(&args) {
        Ok(line) => {
            print(&format!("{line}\n"));
            ExitCode::from(OK)
        }
        Err(e) => {
            warn(&format!("itam bench reconcile: {e}"));
            ExitCode::from(FAILED)
        }
    }
}

fn bench(args: &BenchArgs) -> Result<String, ReconcileError> {
    let params = GenParams::size(args.size.size(), args.seed);
    let modes: &[Mode] = match args.mode.single() {
        Some(mode) => &[mode][..],
        None => &[Mode::Priority, Mode::Optimal],
    };
    // Phases: generate, consumption, one allocation per mode.
    let progress = Progress::new(2 + modes.len(), "bench");
    progress.set_message("generating");
    let start = Instant::now();
    let estate = generate(&params);
    let generated = start.elapsed();
    progress.inc();
    progress.set_message("consumption");

    let mut policy = Policy::new(params.as_of);
    policy.explain = matches!(args.size.size(), Size::S | Size::M);
    let start = Instant::now();
    let prepared = prepare(&estate, &policy)?;
    let consumption = start.elapsed();
    progress.inc();

    let mut allocation = Vec::new();
    for &mode in modes {
        progress.set_message(format!("allocation ({})", mode.as_str()));
        let start = Instant::now();
        let position = prepared.allocate(mode)?;
        allocation.push((mode, start.elapsed()));
        drop(position);
        progress.inc();
    }
    progress.finish();

    let mut line = format!(
        "itam bench reconcile size={} seed={} mode={} build={} explain={} devices={} installations={} entitlements={} consumers={} groups={} generate={} consumption={}",
        args.size.as_str(),
        args.seed,
        args.mode.as_str(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        if policy.explain { "yes" } else { "no" },
        estate.devices.len(),
        estate.installations.len(),
        estate.entitlements.len(),
        prepared.consumers(),
        prepared.groups(),
        seconds(generated),
        seconds(consumption),
    );
    for (mode, time) in allocation {
        if args.mode == ModeArg::Both {
            line.push_str(&format!(" allocation_{}={}", mode.as_str(), seconds(time)));
        } else {
            line.push_str(&format!(" allocation={}", seconds(time)));
        }
    }
    line.push_str(&format!(" peak_memory={}", peak_memory()));
    Ok(line)
}

/// Seconds with millisecond precision: `0.123s`.
fn seconds(d: Duration) -> String {
    format!("{:.3}s", d.as_secs_f64())
}

/// The resident high-water mark of this process (`VmHWM` in `/proc/self/status`), in MiB,
/// or `unknown` where there is no such file.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .as_deref()
        .and_then(vm_hwm_kib)
        .map_or_else(
            || "unknown".into(),
            |kib| format!("{:.1}MiB", kib as f64 / 1024.0),
        )
}

/// The `VmHWM:   1234 kB` line's number.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let rest = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let mut words = rest.split_whitespace();
    let number = words.next()?.parse().ok()?;
    (words.next() == Some("kB")).then_some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_high_water_mark_in_kib() {
        let status = "Name:\titam\nVmPeak:\t  20000 kB\nVmHWM:\t   12345 kB\nVmRSS:\t 100 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(12345));
        assert_eq!(vm_hwm_kib("Name:\titam\n"), None);
        assert_eq!(vm_hwm_kib("VmHWM:\t12 MB\n"), None);
    }

    #[test]
    fn seconds_have_millisecond_precision() {
        assert_eq!(seconds(Duration::from_micros(1_234_567)), "1.235s");
    }
}
