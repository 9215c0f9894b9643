//! Downgrade rights with a depth (issue 14 point 3): "version 10 and two previous versions"
//! and "down to 2013". An older version is covered only within the depth; the decision
//! names the right that covered it, or says how far it reaches; the unlimited right (the
//! default) is unchanged; and a depth never covers more than the unlimited right.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::{
    Device, DowngradeDepth, Entitlement, Estate, Installation, Metric, Pin, ProductScope, Rights,
    Software, VersionSet, VersionSpan,
};
use itam_reconcile::itam_core::version::Bound;
use itam_reconcile::itam_core::{AssetId, TagId, VersionRange, VersionScheme};
use itam_reconcile::{
    Decision, Mode, PairDecision, Policy, Position, Reason, partition, reconcile,
};
use proptest::prelude::*;

fn policy() -> Policy {
    Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
}

/// One device per version of Acme Server, and one entitlement `E` for `versions` with a
/// downgrade right of `depth` (none: no downgrade right).
fn estate(versions: &str, depth: Option<DowngradeDepth>, installed: &[&str]) -> Estate {
    let software: Vec<Software> = installed
        .iter()
        .map(|v| Software {
            tag_id: TagId::new(format!("srv-{v}")),
            publisher: "Acme".into(),
            product: "Server".into(),
            edition: None,
            version: (*v).into(),
            version_scheme: VersionScheme::default(),
        })
        .collect();
    let mut e = Entitlement::new(
        "E",
        ProductScope {
            product: Some("Server".into()),
            versions: versions.parse().unwrap(),
            ..ProductScope::default()
        },
        Metric::Device,
        100u64,
    );
    if let Some(d) = depth {
        e.rights = Rights {
            downgrade: true,
            downgrade_depth: d,
            ..Rights::default()
        };
    }
    Estate {
        devices: installed
            .iter()
            .map(|v| Device::physical(format!("d-{v}")))
            .collect(),
        installations: installed
            .iter()
            .map(|v| Installation {
                software: TagId::new(format!("srv-{v}")),
                device: AssetId::new(format!("d-{v}")),
                user: None,
                last_used: None,
            })
            .collect(),
        software,
        entitlements: vec![e],
        ..Estate::default()
    }
}

fn decision<'p>(p: &'p Position, device: &str) -> PairDecision<'p> {
    let name = format!("device:d-{device}");
    p.decisions().find(|d| d.consumer == name).unwrap()
}

#[test]
fn previous_majors_cover_within_the_depth_and_name_the_right() {
    let e = estate(
        "[10,11)",
        Some(DowngradeDepth::PreviousMajors(2)),
        &["10.0", "9.2", "8.1", "8", "7.9", "7"],
    );
    for mode in [Mode::Priority, Mode::Optimal] {
        let p = reconcile(&e, &policy().with_mode(mode)).unwrap();
        let inside = decision(&p, "10.0");
        assert_eq!(inside.decision, Decision::Consumed);
        assert_eq!(inside.detail, None);
        for v in ["9.2", "8.1", "8"] {
            let d = decision(&p, v);
            assert_eq!(d.decision, Decision::Consumed, "{v}");
            assert_eq!(
                d.detail,
                Some(
                    format!("downgrade right: 2 previous major versions of 10 covers {v}").as_str()
                )
            );
        }
        for v in ["7.9", "7"] {
            let d = decision(&p, v);
            assert_eq!(
                (d.decision, d.reason),
                (Decision::Rejected, Reason::VersionBeyondDowngradeDepth),
                "{v}"
            );
            assert_eq!(
                d.detail,
                Some(
                    format!("downgrade right: 2 previous major versions of 10 does not reach {v}")
                        .as_str()
                )
            );
        }
        assert_eq!((p.totals.covered, p.totals.shortfall), (4, 2));
        let text = p.to_text();
        assert!(
            text.contains(
                "  E rejected reason=version_beyond_downgrade_depth detail=\"downgrade right: 2 \
                 previous major versions of 10 does not reach 7\"\n"
            ),
            "{text}"
        );
        let json = serde_json::to_value(&p).unwrap();
        let details: Vec<&str> = json["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["detail"].as_str())
            .collect();
        assert_eq!(details.len(), 5, "{details:?}");
    }
}

#[test]
fn a_named_floor_covers_down_to_it_inclusive() {
    let e = estate(
        "=2019",
        Some(DowngradeDepth::DownTo("2013".into())),
        &["2019", "2016", "2013", "2012.9", "2010"],
    );
    let p = reconcile(&e, &policy()).unwrap();
    assert_eq!(decision(&p, "2019").detail, None);
    for v in ["2016", "2013"] {
        let d = decision(&p, v);
        assert_eq!(d.decision, Decision::Consumed);
        assert_eq!(
            d.detail,
            Some(format!("downgrade right: down to 2013 from 2019 covers {v}").as_str())
        );
    }
    for v in ["2012.9", "2010"] {
        let d = decision(&p, v);
        assert_eq!(d.reason, Reason::VersionBeyondDowngradeDepth);
        assert_eq!(
            d.detail,
            Some(format!("downgrade right: down to 2013 from 2019 does not reach {v}").as_str())
        );
    }
    // Newer than the set is not the downgrade right's: rejected as before, no detail.
    let e = estate(
        "=2019",
        Some(DowngradeDepth::DownTo("2013".into())),
        &["2022"],
    );
    let d = reconcile(&e, &policy()).unwrap();
    let d = decision(&d, "2022");
    assert_eq!((d.reason, d.detail), (Reason::VersionAboveRange, None));
}

#[test]
fn the_unlimited_default_is_unchanged_and_says_nothing_more() {
    let installed = ["10.0", "9.2", "7", "1"];
    // Written as before depths existed, and with the depth spelt out: the same position.
    let json = r#"{"downgrade": true}"#;
    let rights: Rights = serde_json::from_str(json).unwrap();
    assert_eq!(rights.downgrade_depth, DowngradeDepth::Unlimited);
    let e = estate("[10,11)", Some(DowngradeDepth::Unlimited), &installed);
    let p = reconcile(&e, &policy()).unwrap();
    assert_eq!(p.totals.shortfall, 0);
    assert!(p.decisions().all(|d| d.detail.is_none()));
    assert!(!p.to_text().contains("detail="));
    assert!(!serde_json::to_string(&p).unwrap().contains("detail"));
    // Without any downgrade right, older versions are below the range.
    let e = estate("[10,11)", None, &installed);
    let p = reconcile(&e, &policy()).unwrap();
    assert_eq!(decision(&p, "9.2").reason, Reason::VersionBelowRange);
    assert!(p.decisions().all(|d| d.detail.is_none()));
}

#[test]
fn an_estate_file_reads_the_depth_and_older_files_read_unlimited() {
    let text = |rights: &str| {
        format!(
            r#"{{"devices": [{{"id": "d"}}],
                "software": [{{"tag_id": "s", "publisher": "Acme", "product": "Server", "version": "7.2"}}],
                "installations": [{{"software": "s", "device": "d"}}],
                "entitlements": [{{"id": "E", "scope": {{"product": "Server", "versions": "[10,11)"}},
                                  "metric": "device", "quantity": 1, "rights": {rights}}}]}}"#
        )
    };
    let covered = |rights: &str| {
        let e: Estate = serde_json::from_str(&text(rights)).unwrap();
        reconcile(&e, &policy()).unwrap().totals.covered
    };
    assert_eq!(covered(r#"{"downgrade": true}"#), 1);
    assert_eq!(
        covered(r#"{"downgrade": true, "downgrade_depth": {"previous_majors": 3}}"#),
        1
    );
    assert_eq!(
        covered(r#"{"downgrade": true, "downgrade_depth": {"previous_majors": 2}}"#),
        0
    );
    assert_eq!(
        covered(r#"{"downgrade": true, "downgrade_depth": {"down_to": "7.2"}}"#),
        1
    );
    assert_eq!(
        covered(r#"{"downgrade": true, "downgrade_depth": {"down_to": "7.3"}}"#),
        0
    );
    assert!(
        serde_json::from_str::<Estate>(&text(r#"{"downgrade_depth": {"down_to": "7"}}"#)).is_err()
    );
}

#[test]
fn a_detail_explains_only_the_verdict_it_decided() {
    // Expired: the dates decide, the version is not explained.
    let mut e = estate(
        "[10,11)",
        Some(DowngradeDepth::PreviousMajors(2)),
        &["9.2", "7"],
    );
    e.entitlements[0].end = NaiveDate::from_ymd_opt(2025, 1, 1);
    let p = reconcile(&e, &policy()).unwrap();
    for v in ["9.2", "7"] {
        let d = decision(&p, v);
        assert_eq!((d.reason, d.detail), (Reason::Expired, None));
    }
    // Pinned to another entitlement: the pin decides.
    let mut e = estate("[10,11)", Some(DowngradeDepth::PreviousMajors(2)), &["9.2"]);
    let mut other = e.entitlements[0].clone();
    other.id = "F".into();
    other.pinned = vec![Pin::Device(AssetId::new("d-9.2"))];
    e.entitlements.push(other);
    let p = reconcile(&e, &policy()).unwrap();
    let ds: Vec<_> = p.decisions().collect();
    let by = |id: &str| ds.iter().find(|d| d.entitlement == id).unwrap();
    assert_eq!(
        (by("E").reason, by("E").detail),
        (Reason::PinnedElsewhere, None)
    );
    assert_eq!(by("F").reason, Reason::Pinned);
    assert!(by("F").detail.is_some());
    // Capacity exhausted: still covered by the right, so the detail stays.
    let mut e = estate(
        "[10,11)",
        Some(DowngradeDepth::PreviousMajors(2)),
        &["9.2", "8.1"],
    );
    e.entitlements[0].quantity = 1.into();
    let p = reconcile(&e, &policy()).unwrap();
    let d = decision(&p, "9.2");
    assert_eq!(d.reason, Reason::CapacityExhausted);
    assert_eq!(
        d.detail,
        Some("downgrade right: 2 previous major versions of 10 covers 9.2")
    );
}

#[test]
fn an_upgrade_right_still_covers_a_gap_beyond_the_depth() {
    let mut e = estate(
        "[1,2)",
        Some(DowngradeDepth::PreviousMajors(1)),
        &["5", "3", "7"],
    );
    e.entitlements[0].scope.versions = VersionSet::new(vec![
        VersionSpan::range("[1,2)".parse().unwrap()),
        VersionSpan::range("[6,7)".parse().unwrap()),
    ])
    .unwrap();
    let p = reconcile(&e, &policy()).unwrap();
    // 5 is one major below 6: the downgrade right from 6 covers it.
    assert_eq!(
        decision(&p, "5").detail,
        Some("downgrade right: 1 previous major version of 6 covers 5")
    );
    // 3 lies in the gap beyond the depth: rejected with the depth as reason.
    assert_eq!(
        decision(&p, "3").reason,
        Reason::VersionBeyondDowngradeDepth
    );
    e.entitlements[0].rights.upgrade = true;
    let p = reconcile(&e, &policy()).unwrap();
    let d = decision(&p, "3");
    assert_eq!((d.decision, d.detail), (Decision::Consumed, None));
    assert_eq!(decision(&p, "7").decision, Decision::Consumed);
}

#[test]
fn partitioned_positions_keep_their_details() {
    let mut e = estate(
        "[10,11)",
        Some(DowngradeDepth::PreviousMajors(2)),
        &["10", "9", "8", "7"],
    );
    let mut other = estate(
        "=2019",
        Some(DowngradeDepth::DownTo("2016".into())),
        &["2019", "2016", "2013"],
    );
    for s in &mut other.software {
        s.product = "Office".into();
    }
    other.entitlements[0].id = "O".into();
    other.entitlements[0].scope.product = Some("Office".into());
    e.devices.extend(other.devices);
    e.software.extend(other.software);
    e.installations.extend(other.installations);
    e.entitlements.extend(other.entitlements);
    for mode in [Mode::Priority, Mode::Optimal] {
        let policy = policy().with_mode(mode);
        let whole = reconcile(&e, &policy).unwrap();
        let parts: Vec<Position> = partition(&e, 2)
            .unwrap()
            .iter()
            .map(|p| reconcile(p, &policy).unwrap())
            .collect();
        let merged = Position::merge(parts).unwrap();
        assert_eq!(merged.to_text(), whole.to_text());
        assert_eq!(
            serde_json::to_string(&merged).unwrap(),
            serde_json::to_string(&whole).unwrap()
        );
        assert_eq!(whole.decisions().filter(|d| d.detail.is_some()).count(), 5);
    }
}

fn bound() -> impl Strategy<Value = Bound> {
    prop_oneof![
        Just(Bound::Unbounded),
        (0u32..9).prop_map(|v| Bound::Inclusive(v.to_string())),
        (0u32..9).prop_map(|v| Bound::Exclusive(v.to_string())),
    ]
}

fn depth() -> impl Strategy<Value = DowngradeDepth> {
    prop_oneof![
        (0u32..4).prop_map(DowngradeDepth::PreviousMajors),
        (0u32..9, 0u32..3).prop_map(|(a, b)| DowngradeDepth::DownTo(format!("{a}.{b}"))),
    ]
}

/// An entitlement of Acme Server over `spans` with `quantity` units.
fn ent(id: &str, spans: Vec<(Bound, Bound)>, quantity: u64, rights: Rights) -> Entitlement {
    let set = VersionSet::new(
        spans
            .into_iter()
            .map(|(lo, hi)| {
                VersionSpan::range(VersionRange::new(VersionScheme::MultipartNumeric, lo, hi))
            })
            .collect(),
    )
    .unwrap();
    let mut e = Entitlement::new(
        id,
        ProductScope {
            product: Some("Server".into()),
            versions: set,
            ..ProductScope::default()
        },
        Metric::Device,
        quantity,
    );
    e.rights = rights;
    e
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// With the same entitlements, a depth on their downgrade rights never covers more than
    /// the unlimited right: every pair eligible with the depth is eligible without it, so
    /// Optimal (maximum coverage) never covers more units; each pair the depth alone
    /// rejects says so, with its detail; and the engine agrees with `ProductScope::matches`.
    #[test]
    fn a_depth_never_covers_more_than_unlimited_downgrade(
        versions in prop::collection::vec((0u32..10, 0u32..3), 1..7),
        ents in prop::collection::vec(
            (prop::collection::vec((bound(), bound()), 1..3), depth(), any::<bool>(), 0u64..4),
            1..4,
        ),
    ) {
        let mut installed: Vec<String> = versions.iter().map(|(a, b)| format!("{a}.{b}")).collect();
        installed.sort();
        installed.dedup();
        let refs: Vec<&str> = installed.iter().map(String::as_str).collect();
        let base = estate("*", None, &refs);
        let with = |limited: bool| {
            let mut e = base.clone();
            e.entitlements = ents
                .iter()
                .enumerate()
                .map(|(i, (spans, d, upgrade, q))| {
                    let rights = Rights {
                        downgrade: true,
                        downgrade_depth: if limited { d.clone() } else { DowngradeDepth::Unlimited },
                        upgrade: *upgrade,
                        ..Rights::default()
                    };
                    ent(&format!("E{i}"), spans.clone(), *q, rights)
                })
                .collect();
            e
        };
        let (limited, unlimited) = (with(true), with(false));
        for mode in [Mode::Priority, Mode::Optimal] {
            let policy = policy().with_mode(mode);
            let (pl, pu) = (reconcile(&limited, &policy).unwrap(), reconcile(&unlimited, &policy).unwrap());
            if mode == Mode::Optimal {
                prop_assert!(pl.totals.covered <= pu.totals.covered);
            }
            let du: Vec<PairDecision<'_>> = pu.decisions().collect();
            for d in pl.decisions() {
                let u = du
                    .iter()
                    .find(|x| x.consumer == d.consumer && x.entitlement == d.entitlement)
                    .unwrap();
                let rejected_by_version = |r: Reason| matches!(
                    r,
                    Reason::VersionBelowRange
                        | Reason::VersionAboveRange
                        | Reason::VersionBetweenRanges
                        | Reason::VersionBeyondDowngradeDepth
                );
                // Eligible with the depth ⇒ eligible without it.
                if !rejected_by_version(d.reason) {
                    prop_assert!(!rejected_by_version(u.reason), "{:?} {:?}", d, u);
                }
                if d.reason == Reason::VersionBeyondDowngradeDepth {
                    prop_assert!(!rejected_by_version(u.reason));
                    prop_assert!(d.detail.unwrap().contains("does not reach"));
                }
                if let Some(detail) = d.detail {
                    prop_assert!(detail.starts_with("downgrade right: "));
                }
                prop_assert!(u.detail.is_none());
                // The pair's verdict is the scope's match.
                let i: usize = d.entitlement.trim_start_matches('E').parse().unwrap();
                let x = &limited.entitlements[i];
                let v = d.consumer.trim_start_matches("device:d-");
                let sw = limited.software.iter().find(|s| s.version == v).unwrap();
                prop_assert_eq!(x.scope.matches(sw, &x.rights), !rejected_by_version(d.reason));
            }
        }
    }
}
