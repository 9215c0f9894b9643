//! The generator is deterministic, and partitioned positions merge into the whole one.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may fail loudly

use chrono::NaiveDate;
use itam_reconcile::generate::{GenParams, Size, SplitMix64, generate};
use itam_reconcile::{Mode, Policy, Position, partition, reconcile};

fn small(seed: u64) -> GenParams {
    GenParams {
        devices: 300,
        users: 120,
        products: 40,
        installs_per_device: 6,
        entitlements: 120,
        overlap: 150,
        ..GenParams::size(Size::S, seed)
    }
}

#[test]
fn splitmix64_matches_its_reference_values() {
    // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    let mut r = SplitMix64::new(0);
    assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
    assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    let mut r = SplitMix64::new(5);
    assert!((0..1000).all(|_| r.below(7) < 7));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = serde_json::to_string(&generate(&small(1))).unwrap();
    let b = serde_json::to_string(&generate(&small(1))).unwrap();
    let c = serde_json::to_string(&generate(&small(2))).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn named_sizes_have_their_shape() {
    let p = GenParams::size(Size::L, 0);
    assert_eq!(
        (p.devices, p.devices * p.installs_per_device, p.entitlements),
        (100_000, 5_000_000, 50_000)
    );
    let e = generate(&GenParams {
        devices: 1000,
        ..GenParams::size(Size::S, 3)
    });
    assert_eq!(e.devices.len(), 1000);
    assert_eq!(e.installations.len(), 50_000);
    assert_eq!(e.entitlements.len(), 500);
    assert!(e.devices.iter().any(|d| d.host.is_some()));
    assert!(e.devices.iter().any(|d| d.cluster.is_some()));
}

#[test]
fn merged_partitions_equal_the_single_run() {
    let estate = generate(&small(11));
    for mode in [Mode::Priority, Mode::Optimal] {
        let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).with_mode(mode);
        let whole = reconcile(&estate, &policy).unwrap();
        for parts in [1, 3, 7] {
            let pieces = partition(&estate, parts).unwrap();
            assert_eq!(pieces.len(), parts);
            let n: usize = pieces.iter().map(|p| p.installations.len()).sum();
            assert_eq!(n, estate.installations.len());
            let positions: Vec<Position> = pieces
                .iter()
                .map(|p| reconcile(p, &policy).unwrap())
                .collect();
            assert!(positions.iter().filter(|p| p.totals.consumers > 0).count() > 1 || parts == 1);
            let merged = Position::merge(positions).unwrap();
            assert_eq!(merged.totals, whole.totals, "{mode:?} {parts}");
            assert_eq!(merged.to_text(), whole.to_text(), "{mode:?} {parts}");
        }
    }
}

#[test]
fn a_generated_estate_in_reverse_order_gives_the_same_position() {
    let estate = generate(&small(5));
    let mut reversed = estate.clone();
    reversed.devices.reverse();
    reversed.users.reverse();
    reversed.software.reverse();
    reversed.installations.reverse();
    reversed.entitlements.reverse();
    for mode in [Mode::Priority, Mode::Optimal] {
        let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).with_mode(mode);
        let a = reconcile(&estate, &policy).unwrap();
        let b = reconcile(&reversed, &policy).unwrap();
        assert!(a.totals.consumers > 100);
        assert_eq!(a.to_text(), b.to_text(), "{mode:?}");
    }
}

/// Entitlements scoped to organisation units: the products whose entitlements are all
/// org-scoped (and count one metric) split by top-level unit across parts, and the merged
/// position still equals the single run, decisions included.
#[test]
fn org_scoped_estates_split_by_organisation_and_merge_into_the_single_run() {
    let mut estate = generate(&GenParams {
        overlap: 0,
        ..small(13)
    });
    for (i, e) in estate.entitlements.iter_mut().enumerate() {
        // Most entitlements scoped to a region or a unit in it; a few left unrestricted.
        e.org = match i % 7 {
            0 => None,
            1 | 2 => Some(format!("region{}/unit{}", i % 3, i % 3)),
            _ => Some(format!("region{}", i % 3)),
        };
    }
    for mode in [Mode::Priority, Mode::Optimal] {
        let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).with_mode(mode);
        let whole = reconcile(&estate, &policy).unwrap();
        assert!(
            whole
                .decisions()
                .any(|d| d.reason == itam_reconcile::Reason::WrongOrganisation)
        );
        for parts in [2, 5] {
            let pieces = partition(&estate, parts).unwrap();
            let n: usize = pieces.iter().map(|p| p.installations.len()).sum();
            assert_eq!(n, estate.installations.len());
            // Some product's installations are in more than one part: the org split.
            let split = estate.software.iter().any(|s| {
                pieces
                    .iter()
                    .filter(|p| p.installations.iter().any(|i| i.software == s.tag_id))
                    .count()
                    > 1
            });
            assert!(
                split,
                "{mode:?} {parts}: no product was split by organisation"
            );
            let positions: Vec<Position> = pieces
                .iter()
                .map(|p| reconcile(p, &policy).unwrap())
                .collect();
            let merged = Position::merge(positions).unwrap();
            assert_eq!(merged.totals, whole.totals, "{mode:?} {parts}");
            assert_eq!(merged.to_text(), whole.to_text(), "{mode:?} {parts}");
        }
    }
}
