//! Benchmarks of `itam-reconcile`: reconcile generated estates of size S and M in both
//! modes, plus scaling in installations (the budget: 2× the estate ≤ 2.2× the time).
//!
//! `ITAM_BENCH_L=1` adds size L (10⁵ devices, 5·10⁶ installations, 5·10⁴ entitlements;
//! budget on one core: ≤ 2 s Priority, ≤ 5 s Optimal). Pair explanations are kept on for
//! S and M and turned off for L (they are computed lazily either way; the flag only drops
//! the per-group verdict tables from the position).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use itam_reconcile::generate::{GenParams, Size, generate};
use itam_reconcile::{Mode, Policy, prepare, reconcile};

fn policy(mode: Mode, explain: bool) -> Policy {
    let mut p = Policy::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default());
    p.mode = mode;
    p.explain = explain;
    p
}

fn sizes(c: &mut Criterion) {
    let mut sizes = vec![(Size::S, "S"), (Size::M, "M")];
    if std::env::var_os("ITAM_BENCH_L").is_some() {
        sizes.push((Size::L, "L"));
    }
    let mut group = c.benchmark_group("reconcile");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for (size, name) in sizes {
        let estate = generate(&GenParams::size(size, 42));
        group.throughput(Throughput::Elements(estate.installations.len() as u64));
        for mode in [Mode::Priority, Mode::Optimal] {
            let p = policy(mode, size != Size::L);
            group.bench_with_input(BenchmarkId::new(mode.as_str(), name), &estate, |b, e| {
                b.iter(|| black_box(reconcile(e, &p).map(|pos| pos.totals.covered)));
            });
        }
    }
    group.finish();
}

fn phases(c: &mut Criterion) {
    let mut group = c.benchmark_group("reconcile_phases");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    let estate = generate(&GenParams::size(Size::M, 42));
    let p = policy(Mode::Priority, true);
    group.bench_function("consumption/M", |b| {
        b.iter(|| black_box(prepare(&estate, &p).map(|x| x.consumers())));
    });
    if let Ok(prepared) = prepare(&estate, &p) {
        for mode in [Mode::Priority, Mode::Optimal] {
            group.bench_function(format!("allocation_{}/M", mode.as_str()), |b| {
                b.iter(|| black_box(prepared.allocate(mode).map(|pos| pos.totals.covered)));
            });
        }
    }
    group.finish();
}

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("reconcile_scaling");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for devices in [2_000usize, 4_000, 8_000] {
        let estate = generate(&GenParams {
            devices,
            users: devices / 2,
            entitlements: devices / 2,
            ..GenParams::size(Size::S, 7)
        });
        group.throughput(Throughput::Elements(estate.installations.len() as u64));
        let p = policy(Mode::Priority, true);
        group.bench_with_input(BenchmarkId::new("priority", devices), &estate, |b, e| {
            b.iter(|| black_box(reconcile(e, &p).map(|pos| pos.totals.covered)));
        });
    }
    group.finish();
}

criterion_group!(benches, sizes, phases, scaling);
criterion_main!(benches);
