//! Benchmarks of `itam-core`: version comparison and range membership.

use criterion::{Criterion, criterion_group, criterion_main};
use itam_core::{VersionRange, VersionScheme};
use std::hint::black_box;

fn versions(c: &mut Criterion) {
    let texts: Vec<String> = (0..1000)
        .map(|i| format!("{}.{}.{}", i % 7, i % 13, i))
        .collect();
    c.bench_function("multipartnumeric sort 1000", |b| {
        b.iter(|| {
            let mut v = texts.clone();
            v.sort_by(|a, b| VersionScheme::MultipartNumeric.compare(a, b));
            black_box(v)
        });
    });
    let range: VersionRange = "[2.0,5.10)".parse().unwrap_or_default();
    c.bench_function("range contains 1000", |b| {
        b.iter(|| texts.iter().filter(|t| range.contains(t)).count());
    });
}

criterion_group!(benches, versions);
criterion_main!(benches);
