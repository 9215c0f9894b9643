//! Runnable walkthroughs of the itam crates; see `src/bin/`.
