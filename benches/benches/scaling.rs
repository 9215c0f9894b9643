//! The `scaling` group (issue 12): every input shape that was once quadratic, read at n and at
//! 4n. Linear time means time(4n)/time(n) ≈ 4; the budget is ≤ 5 for every shape, and the
//! README's table shows the last run (`cargo run -p itam-benches --bin scaling_table` prints
//! it from criterion's estimates after `cargo bench -p itam-benches --bench scaling`).
//!
//! Shapes: many SWID documents in one input; many attributes on one element, within the limit
//! (SWID, Ent) and far beyond it (refused before the parser builds anything); one-line Ents with
//! thousands of rights; long consolidation and allocation chains and a long cycle of
//! supplemental links (`resolve_all`); large estates in their JSON form; and finance ledgers
//! in CSV and JSON.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use itam_benches::scaling::{Shape, shapes};

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for shape in shapes() {
        for (label, size, input) in [
            ("n", shape.size, shape.n()),
            ("4n", 4 * shape.size, shape.four_n()),
        ] {
            group.throughput(Throughput::Elements(size as u64));
            group.bench_with_input(BenchmarkId::new(shape.name, label), &input, |b, input| {
                b.iter(|| black_box(Shape::run(shape.kind, black_box(input))));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);
