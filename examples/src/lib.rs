//! Runnable walkthroughs of the itam crates; see `src/bin/`. The library part holds what
//! the walkthroughs and their tests share: [`allocators`], two allocation policies written
//! outside `itam-reconcile`.

pub mod allocators;
