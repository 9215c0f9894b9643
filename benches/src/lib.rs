//! Criterion benchmarks for the itam crates; see `benches/`. The library part holds what the
//! benches and their tests share: the inputs of the `scaling` group ([`scaling`]).

pub mod scaling;
