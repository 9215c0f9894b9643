//! The `ent_chain` fuzz target's check (`fuzz/checks/ent_chain.rs`), on stable: over the
//! committed seeds (`fuzz/corpus/ent_chain/`), any saved findings (`fuzz/artifacts/ent_chain/`)
//! and generated programs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[path = "../../fuzz/checks/ent_chain.rs"]
mod check;

use std::path::PathBuf;

use proptest::prelude::*;

fn files(sub: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(sub);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_seed_and_saved_finding_passes_the_check() {
    let seeds = files("corpus/ent_chain");
    assert!(
        seeds.len() >= 9,
        "{} seeds in fuzz/corpus/ent_chain",
        seeds.len()
    );
    for (name, bytes) in seeds.iter().chain(&files("artifacts/ent_chain")) {
        let built = check::check(bytes);
        assert!(built > 0, "{name} builds nothing");
    }
}

#[test]
fn the_long_seeds_build_long_chains() {
    let seeds = files("corpus/ent_chain");
    let built = |name: &str| {
        let (_, bytes) = seeds.iter().find(|(n, _)| n == name).unwrap();
        check::build(bytes).len()
    };
    // At most MAX_STEPS steps are taken (the seeds were written for more): every step of
    // these two builds an Ent, so the allocation chain is MAX_STEPS deep and the
    // consolidation chain half as deep (a new primary and a consolidation of it a level).
    assert_eq!(built("allocation-chain-2000"), check::MAX_STEPS);
    assert_eq!(built("consolidation-chain-500"), check::MAX_STEPS);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_program_passes_the_check(data in prop::collection::vec(any::<u8>(), 0..600)) {
        check::check(&data);
    }

    /// Programs of the steps that make structure (allocations, consolidations, relinks,
    /// twins) over few Ents, where cycles and conflicts are likely.
    #[test]
    fn dense_programs_pass_the_check(
        steps in prop::collection::vec((0u8..11, 0u8..6, 0u8..6, any::<u8>()), 1..60),
    ) {
        let mut data = vec![0, 7];
        for (op, i, j, q) in steps {
            data.extend([op, i, 0]);
            match op {
                1 => data.push(q % 8),
                2 | 7 | 8 => data.extend([j, 0]),
                _ => {}
            }
        }
        check::check(&data);
    }
}
