//! Criterion benchmarks for the itam crates; see `benches/`.
