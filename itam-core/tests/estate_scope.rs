//! Properties of the estate's version sets and exact quantities: the JSON form round-trips,
//! a set's place agrees with its spans, rights over a set mean what `Rights::covers`
//! documents, and a downgrade depth never covers more than the unlimited right.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use itam_core::estate::{
    Coverage, DowngradeDepth, Entitlement, Metric, ProductScope, Rights, VersionPlace, VersionSet,
    VersionSpan,
};
use itam_core::version::Bound;
use itam_core::{Decimal, TagId, VersionRange, VersionScheme};
use proptest::prelude::*;

fn bound() -> impl Strategy<Value = Bound> {
    prop_oneof![
        Just(Bound::Unbounded),
        (0u32..10).prop_map(|v| Bound::Inclusive(v.to_string())),
        (0u32..10).prop_map(|v| Bound::Exclusive(v.to_string())),
    ]
}

fn span() -> impl Strategy<Value = VersionSpan> {
    (
        prop::option::of(prop::sample::select(vec!["a", "b", "c"])),
        bound(),
        bound(),
        prop::sample::select(vec![VersionScheme::MultipartNumeric, VersionScheme::Semver]),
    )
        .prop_map(|(tag, lo, hi, scheme)| VersionSpan {
            tag_id: tag.map(TagId::new),
            range: VersionRange::new(scheme, lo, hi),
        })
}

fn set() -> impl Strategy<Value = VersionSet> {
    prop::collection::vec(span(), 1..5).prop_map(|v| VersionSet::new(v).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn scope_json_round_trips(versions in set(), product in prop::option::of("[A-Z][a-z]{0,6}")) {
        let scope = ProductScope { product, versions, ..ProductScope::default() };
        let text = serde_json::to_string(&scope).unwrap();
        let back: ProductScope = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &scope);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }

    #[test]
    fn place_agrees_with_the_spans(versions in set(), tag in prop::sample::select(vec!["a", "b", "z"]), v in 0u32..11) {
        let tag = TagId::new(tag);
        let v = v.to_string();
        let applying: Vec<&VersionSpan> =
            versions.spans().iter().filter(|s| s.applies_to(&tag)).collect();
        let place = versions.place(&tag, &v);
        if applying.is_empty() {
            prop_assert_eq!(place, VersionPlace::OtherIdentity);
        } else if applying.iter().any(|s| s.range.contains(&v)) {
            prop_assert_eq!(place, VersionPlace::Inside);
        } else {
            prop_assert!(matches!(place, VersionPlace::Below | VersionPlace::Between | VersionPlace::Above));
        }
        // Rights only widen what is covered, and both rights cover every applying place.
        let none = Rights::default();
        let down = Rights { downgrade: true, ..Rights::default() };
        let up = Rights { upgrade: true, ..Rights::default() };
        let both = Rights { downgrade: true, upgrade: true, ..Rights::default() };
        if none.covers(place) {
            prop_assert!(down.covers(place) && up.covers(place));
        }
        prop_assert_eq!(both.covers(place), !applying.is_empty());
        // A single span is the classic meaning: downgrade covers below, upgrade above.
        if let [one] = versions.spans() {
            if one.applies_to(&tag) && !one.range.contains(&v) {
                prop_assert_eq!(down.covers(place), place == VersionPlace::Below);
                prop_assert_eq!(up.covers(place), place == VersionPlace::Above);
            }
        }
    }

    #[test]
    fn quantities_round_trip_exactly(units in 0u64..1_000_000, scale in 0u32..6) {
        let q = Decimal::from_i128_with_scale(i128::from(units), scale);
        let mut e = Entitlement::new("e", ProductScope::default(), Metric::Device, q);
        e.quantity = q;
        let text = serde_json::to_string(&e).unwrap();
        let back: Entitlement = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back.quantity, q);
        prop_assert_eq!(back.quantity.scale(), q.scale());
        prop_assert_eq!(back.whole_units(), units / 10u64.pow(scale));
    }

    #[test]
    fn a_depth_never_covers_more_than_the_unlimited_right(
        versions in set(),
        tag in prop::sample::select(vec!["a", "b", "z"]),
        major in 0u32..11,
        minor in 0u32..3,
        n in 0u32..4,
        floor in 0u32..11,
        upgrade: bool,
    ) {
        let tag = TagId::new(tag);
        let v = format!("{major}.{minor}");
        let place = versions.place(&tag, &v);
        let unlimited = Rights { downgrade: true, upgrade, ..Rights::default() };
        // The unlimited right is the place's rule, unchanged.
        prop_assert_eq!(unlimited.coverage(&versions, &tag, &v).is_covered(), unlimited.covers(place));
        for d in [DowngradeDepth::PreviousMajors(n), DowngradeDepth::DownTo(floor.to_string())] {
            let limited = Rights { downgrade_depth: d.clone(), ..unlimited.clone() };
            let c = limited.coverage(&versions, &tag, &v);
            if c.is_covered() {
                prop_assert!(unlimited.covers(place), "{:?} {} {:?}", d, v, c);
            }
            // What the depth leaves out, the unlimited right covered by downgrade, and the
            // span it names lies above the version.
            if let Coverage::NotCovered { beyond_depth: Some(s), .. } = c {
                prop_assert!(unlimited.covers(place));
                prop_assert!(s.range.below_lower(&v) && s.applies_to(&tag));
            }
            if let Coverage::Downgrade { from } = c {
                let s = from.unwrap();
                prop_assert!(s.range.below_lower(&v));
                prop_assert!(d.reaches(&s.range.scheme, s.range.lower.value().unwrap(), &v));
            }
            // Without the right, a depth changes nothing.
            let idle = Rights { downgrade: false, downgrade_depth: d, upgrade, ..Rights::default() };
            prop_assert_eq!(idle.coverage(&versions, &tag, &v).is_covered(), idle.covers(place));
        }
    }
}
