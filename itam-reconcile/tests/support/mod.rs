//! Helpers shared by the integration tests (`mod support;`).

use std::path::Path;

use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Mode, Policy, Position, partition, reconcile};

/// The estate and policy of the golden scenario `tests/data/scenarios/<name>/`.
#[allow(dead_code)] // not every test file reads a scenario
pub fn scenario(name: &str) -> (Estate, Policy) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/scenarios")
        .join(name);
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("scenario file");
    (
        serde_json::from_str(&read("estate.json")).expect("estate.json reads"),
        serde_json::from_str(&read("policy.json")).expect("policy.json reads"),
    )
}

/// Reconciles `e` under `policy` in both modes, whole and split into `parts` by
/// [`partition`], asserts that the merged positions' JSON equals the whole runs', and returns
/// the whole runs (Priority, then Optimal).
pub fn assert_parts_merge_to_the_whole(e: &Estate, policy: &Policy, parts: usize) -> [Position; 2] {
    [Mode::Priority, Mode::Optimal].map(|mode| {
        let policy = policy.clone().with_mode(mode);
        let whole = reconcile(e, &policy).expect("the whole estate reconciles");
        let pieces: Vec<Position> = partition(e, parts)
            .expect("the estate partitions")
            .iter()
            .map(|p| reconcile(p, &policy).expect("a part reconciles"))
            .collect();
        let merged = Position::merge(pieces).expect("the parts merge");
        assert_eq!(
            serde_json::to_string(&merged).expect("JSON"),
            serde_json::to_string(&whole).expect("JSON"),
            "{mode:?}: the merged parts differ from the whole run"
        );
        whole
    })
}
