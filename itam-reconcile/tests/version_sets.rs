//! The engine's scope checks agree with `ProductScope::matches`: for random version sets
//! (spans with and without tag ids), rights and installed versions, a device is covered by an
//! entitlement with capacity to spare exactly when the scope, under its rights, matches the
//! software; and a rejection names the place the set gives.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::{
    Device, Entitlement, Estate, Installation, Metric, ProductScope, Rights, Software,
    VersionPlace, VersionSet, VersionSpan,
};
use itam_reconcile::itam_core::version::Bound;
use itam_reconcile::itam_core::{TagId, VersionRange, VersionScheme};
use itam_reconcile::{Decision, Policy, Reason, reconcile};
use proptest::prelude::*;

fn bound() -> impl Strategy<Value = Bound> {
    prop_oneof![
        Just(Bound::Unbounded),
        (0u32..8).prop_map(|v| Bound::Inclusive(v.to_string())),
        (0u32..8).prop_map(|v| Bound::Exclusive(v.to_string())),
    ]
}

fn span() -> impl Strategy<Value = VersionSpan> {
    (
        prop::option::of(prop::sample::select(vec!["t0", "t1", "t2"])),
        bound(),
        bound(),
    )
        .prop_map(|(tag, lo, hi)| VersionSpan {
            tag_id: tag.map(TagId::new),
            range: VersionRange::new(VersionScheme::MultipartNumeric, lo, hi),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn engine_coverage_is_the_scope_match(
        spans in prop::collection::vec(span(), 1..4),
        versions in prop::collection::vec(0u32..9, 3),
        downgrade in any::<bool>(),
        upgrade in any::<bool>(),
    ) {
        let set = VersionSet::new(spans).unwrap();
        let software: Vec<Software> = versions
            .iter()
            .enumerate()
            .map(|(i, v)| Software {
                tag_id: TagId::new(format!("t{i}")),
                publisher: "Acme".into(),
                product: "App".into(),
                edition: None,
                version: v.to_string(),
                version_scheme: VersionScheme::default(),
            })
            .collect();
        let mut e = Entitlement::new(
            "E",
            ProductScope { product: Some("App".into()), versions: set.clone(), ..ProductScope::default() },
            Metric::Device,
            10u64,
        );
        e.rights = Rights { downgrade, upgrade, ..Rights::default() };
        let estate = Estate {
            devices: (0..3).map(|i| Device::physical(format!("d{i}"))).collect(),
            installations: software
                .iter()
                .enumerate()
                .map(|(i, s)| Installation {
                    software: s.tag_id.clone(),
                    device: format!("d{i}").into(),
                    user: None,
                    last_used: None,
                })
                .collect(),
            software: software.clone(),
            entitlements: vec![e.clone()],
            ..Estate::default()
        };
        let p = reconcile(&estate, &Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())).unwrap();
        for (i, sw) in software.iter().enumerate() {
            let name = format!("device:d{i}");
            let c = p.consumers().find(|c| c.name == name).unwrap();
            let matches = e.scope.matches(sw, &e.rights);
            prop_assert_eq!(c.covered == c.units, matches, "{} {:?}", name, sw.version);
            let d = p.decisions().find(|d| d.consumer == name);
            // A tag-only scope makes other identities no candidate at all.
            if let Some(d) = d {
                let want = match set.place(&sw.tag_id, &sw.version) {
                    _ if matches => None,
                    VersionPlace::OtherIdentity => Some(Reason::OtherSoftwareIdentity),
                    VersionPlace::Below => Some(Reason::VersionBelowRange),
                    VersionPlace::Above => Some(Reason::VersionAboveRange),
                    VersionPlace::Between | VersionPlace::Inside => Some(Reason::VersionBetweenRanges),
                };
                match want {
                    None => prop_assert_eq!(d.decision, Decision::Consumed),
                    Some(r) => {
                        prop_assert_eq!(d.decision, Decision::Rejected);
                        prop_assert_eq!(d.reason, r);
                    }
                }
            } else {
                prop_assert!(!matches);
            }
        }
    }
}
