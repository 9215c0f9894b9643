//! Benchmarks of `itam-ent`: reading, validating and writing an Ent, and resolving chains.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use itam_ent::itam_core::{Decimal, EntId};
use itam_ent::ops::{self, Issue, Supplement};
use itam_ent::read::ReadOptions;
use itam_ent::values::{MetricType, RightName};
use itam_ent::{Ent, Entity, Parsed, Profile, Right, read_str, resolve, validate, write};

const SAMPLE: &str = include_str!("../../itam-ent/tests/data/per-core-subscription.ent.xml");

fn read_write_validate(c: &mut Criterion) {
    let Ok(ent) = read_str(SAMPLE, &ReadOptions::STRICT).map(Parsed::into_value) else {
        return;
    };
    c.bench_function("ent read (strict, full sample)", |b| {
        b.iter(|| read_str(black_box(SAMPLE), &ReadOptions::STRICT));
    });
    c.bench_function("ent read with source map (lax)", |b| {
        b.iter(|| read_str(black_box(SAMPLE), &ReadOptions::LAX));
    });
    c.bench_function("ent validate", |b| {
        b.iter(|| validate(black_box(&ent), Profile::reconstructed()));
    });
    c.bench_function("ent write", |b| b.iter(|| write(black_box(&ent))));
}

/// A base of `n * 2` devices with `n` allocations, every second one allocated further.
fn chain(n: usize) -> Vec<Ent> {
    let buyer = Entity::new("Buyer", "buyer.example", vec![]);
    let qty = Decimal::from(n * 2);
    let base = ops::issue(
        Issue::new("base", "Product", buyer.clone(), buyer.clone())
            .right(Right::new(RightName::Use).with_quantity(MetricType::Device, qty)),
    );
    let mut out = vec![base.clone()];
    for i in 0..n {
        let header = Supplement::new(format!("a{i}"), buyer.clone());
        if let Ok(a) = ops::allocate(
            &base,
            header,
            buyer.clone(),
            &RightName::Use,
            &MetricType::Device,
            Decimal::ONE,
        ) {
            out.push(a);
        }
    }
    out.reverse();
    out
}

fn resolution(c: &mut Criterion) {
    let mut group = c.benchmark_group("ent resolve");
    for n in [10usize, 100, 1000] {
        let ents = chain(n);
        let target = EntId::new("base");
        group.bench_with_input(BenchmarkId::from_parameter(n), &ents, |b, ents| {
            b.iter(|| resolve(black_box(&target), ents));
        });
    }
    group.finish();
}

criterion_group!(benches, read_write_validate, resolution);
criterion_main!(benches);
