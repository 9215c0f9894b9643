//! Authority in the CMS (ISO/IEC 19770-1:2017 7.6.2, 7.6.3): nobody authorizes their own
//! change; with a role and authority table in force, every action needs its duty; a command
//! may touch only the items its change record covers; and the audit trail is hash-chained, so
//! that an entry rewritten in the middle is found by `verify_trail`.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers may fail loudly

use chrono::{DateTime, TimeZone, Utc};
use itam_core::asset::{ConfigurationItem, HardwareDetails};
use itam_core::change::{ChangeState, ChangeStep};
use itam_core::cms::{
    AuditEvent, AuthorityTable, Authorization, Cms, CmsError, Command, Duty, ReplayError,
    verify_chain,
};
use itam_core::id::AssetId;
use itam_core::lifecycle::LifecycleStage;

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0).unwrap()
}

fn laptop(id: &str) -> ConfigurationItem {
    ConfigurationItem::new(
        id,
        format!("laptop {id}"),
        HardwareDetails::physical("T14", id),
    )
    .owned_by("Finance")
}

fn ids(list: &[&str]) -> Vec<AssetId> {
    list.iter().map(|&id| AssetId::from(id)).collect()
}

/// The table of a small IT department: alice requests, bob approves, carol implements and
/// releases, dave disposes, root administers.
fn table() -> AuthorityTable {
    AuthorityTable::new()
        .grant("alice", [Duty::Request])
        .grant("bob", [Duty::Approve])
        .grant("carol", [Duty::Implement, Duty::Release])
        .grant("dave", [Duty::Dispose])
        .grant("root", [Duty::Administer])
}

/// A CMS with the table in force and change CHG-1, covering HW-1 and HW-2, authorized.
fn governed() -> Cms {
    let mut cms = Cms::new();
    cms.set_authority(table(), "root", at(0)).unwrap();
    cms.request_change_covering(
        "CHG-1",
        "two laptops",
        ids(&["HW-1", "HW-2"]),
        "alice",
        at(1),
    )
    .unwrap();
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", at(2))
        .unwrap();
    cms
}

/// The outcome entry of the last action is a refusal with `err`, and the store is as before.
fn assert_refused_and_audited(cms: &Cms, before: &Cms, err: &CmsError) {
    match &cms.trail().last().unwrap().event {
        AuditEvent::Refused { reason, .. } => assert_eq!(reason, err),
        other => panic!("expected a refusal entry, found {other:?}"),
    }
    assert_eq!(cms.trail().len(), before.trail().len() + 2);
    let mut rewound = serde_json::to_value(cms).unwrap();
    let mut original = serde_json::to_value(before).unwrap();
    rewound.as_object_mut().unwrap().remove("trail");
    original.as_object_mut().unwrap().remove("trail");
    assert_eq!(rewound, original, "a refusal changed the store");
}

#[test]
fn the_requester_cannot_authorize_their_own_change() {
    // Even without an authority table: separation of duties is not optional.
    let mut cms = Cms::new();
    cms.request_change("CHG-1", "deploy", "alice", at(0))
        .unwrap();
    let before = cms.clone();
    let err = cms
        .advance_change("CHG-1", ChangeStep::Authorize, "alice", at(1))
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::SelfApproval {
            change: "CHG-1".into(),
            by: "alice".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "`alice` requested change `CHG-1` and cannot also authorize it"
    );
    assert_refused_and_audited(&cms, &before, &err);
    assert_eq!(cms.change("CHG-1").unwrap().state, ChangeState::Requested);
    // The requester may still withdraw it; another person may authorize it.
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", at(2))
        .unwrap();
    assert!(cms.change("CHG-1").unwrap().is_authorized());
}

#[test]
fn actors_outside_their_authority_are_refused() {
    let mut cms = Cms::new();
    cms.set_authority(table(), "root", at(0)).unwrap();

    // Someone who is not in the table cannot request a change.
    let before = cms.clone();
    let err = cms
        .request_change_covering("CHG-9", "sneak", ids(&["HW-1"]), "mallory", at(1))
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::NoAuthority {
            by: "mallory".into(),
            duty: Duty::Request
        }
    );
    assert_refused_and_audited(&cms, &before, &err);
    assert!(cms.change("CHG-9").is_none());

    // An implementer cannot approve.
    cms.request_change_covering("CHG-1", "laptops", ids(&["HW-1"]), "alice", at(2))
        .unwrap();
    let before = cms.clone();
    let err = cms
        .advance_change("CHG-1", ChangeStep::Authorize, "carol", at(3))
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::NoAuthority {
            by: "carol".into(),
            duty: Duty::Approve
        }
    );
    assert_refused_and_audited(&cms, &before, &err);
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", at(4))
        .unwrap();

    // Under an authorized change, the requester cannot implement, and the implementer cannot
    // dispose.
    let before = cms.clone();
    let err = cms
        .execute(
            Authorization::under("CHG-1", "alice", at(5)),
            Command::record(laptop("HW-1")),
        )
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::NoAuthority {
            by: "alice".into(),
            duty: Duty::Implement
        }
    );
    assert_refused_and_audited(&cms, &before, &err);
    cms.execute(
        Authorization::under("CHG-1", "carol", at(6)),
        Command::record(laptop("HW-1")),
    )
    .unwrap();
    let before = cms.clone();
    let err = cms
        .execute(
            Authorization::under("CHG-1", "carol", at(7)),
            Command::move_stage("HW-1", LifecycleStage::Retirement),
        )
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::NoAuthority {
            by: "carol".into(),
            duty: Duty::Dispose
        }
    );
    assert_refused_and_audited(&cms, &before, &err);
    cms.execute(
        Authorization::under("CHG-1", "dave", at(8)),
        Command::move_stage("HW-1", LifecycleStage::Retirement),
    )
    .unwrap();
    assert!(cms.item("HW-1").unwrap().stage.is_retired());

    // Only an administrator replaces the table.
    let before = cms.clone();
    let err = cms
        .set_authority(AuthorityTable::new().grant("bob", Duty::ALL), "bob", at(9))
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::NoAuthority {
            by: "bob".into(),
            duty: Duty::Administer
        }
    );
    assert_refused_and_audited(&cms, &before, &err);
    assert_eq!(cms.authority(), Some(&table()));
}

#[test]
fn a_command_may_touch_only_the_items_its_change_covers() {
    let mut cms = governed();
    let carol = |m| Authorization::under("CHG-1", "carol", at(m));
    cms.execute(carol(3), Command::record(laptop("HW-1")))
        .unwrap();
    cms.execute(carol(3), Command::record(laptop("HW-2")))
        .unwrap();

    let before = cms.clone();
    let err = cms
        .execute(carol(4), Command::record(laptop("HW-3")))
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::NotCovered {
            change: "CHG-1".into(),
            id: "HW-3".into()
        }
    );
    assert_eq!(err.to_string(), "change `CHG-1` does not cover `HW-3`");
    assert_refused_and_audited(&cms, &before, &err);
    assert!(cms.item("HW-3").is_none());

    // A relationship needs both ends covered.
    let before = cms.clone();
    let err = cms
        .execute(
            carol(5),
            Command::relate(
                "HW-1",
                itam_core::relationship::RelationshipKind::DependsOn,
                "HW-9",
            ),
        )
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::NotCovered {
            change: "CHG-1".into(),
            id: "HW-9".into()
        }
    );
    assert_refused_and_audited(&cms, &before, &err);
}

#[test]
fn with_a_table_in_force_every_change_lists_what_it_covers() {
    let mut cms = Cms::new();
    cms.set_authority(table(), "root", at(0)).unwrap();
    let before = cms.clone();
    let err = cms
        .request_change("CHG-1", "anything", "alice", at(1))
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::UnscopedChange {
            change: "CHG-1".into()
        }
    );
    assert_refused_and_audited(&cms, &before, &err);
}

#[test]
fn the_trail_replays_with_the_table_and_the_scopes() {
    let mut cms = governed();
    cms.execute(
        Authorization::under("CHG-1", "carol", at(3)),
        Command::record(laptop("HW-1")),
    )
    .unwrap();
    let _refused = cms.execute(
        Authorization::under("CHG-1", "carol", at(4)),
        Command::record(laptop("HW-3")),
    );
    let replayed = Cms::replay(cms.trail()).unwrap();
    assert_eq!(replayed, cms);
    assert_eq!(replayed.authority(), Some(&table()));
    assert!(
        replayed
            .change("CHG-1")
            .unwrap()
            .covers
            .contains(&AssetId::from("HW-2"))
    );
    assert_eq!(cms.verify_trail(), Ok(()));
    // The JSON form keeps the table, the scopes and the chain.
    let back: Cms = serde_json::from_str(&serde_json::to_string(&cms).unwrap()).unwrap();
    assert_eq!(back, cms);
    assert_eq!(back.verify_trail(), Ok(()));
}

/// A trail of ten entries or more, as JSON, with the head it ends in.
fn recorded() -> (Cms, serde_json::Value) {
    let mut cms = governed();
    for (m, id) in [(3, "HW-1"), (4, "HW-2")] {
        cms.execute(
            Authorization::under("CHG-1", "carol", at(m)),
            Command::record(laptop(id)),
        )
        .unwrap();
    }
    let value = serde_json::to_value(&cms).unwrap();
    (cms, value)
}

#[test]
fn a_rewrite_in_the_middle_of_the_trail_is_detected() {
    // Who authorized the change, rewritten: every outcome would come out the same, so only
    // the hashes tell (the replay recomputes them too, and diverges there).
    let mut cms = Cms::new();
    cms.request_change("CHG-1", "laptops", "alice", at(0))
        .unwrap();
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", at(1))
        .unwrap();
    for (m, id) in [(2, "HW-1"), (3, "HW-2")] {
        cms.execute(
            Authorization::under("CHG-1", "carol", at(m)),
            Command::record(laptop(id)),
        )
        .unwrap();
    }
    let mut value = serde_json::to_value(&cms).unwrap();
    assert_eq!(value["trail"][2]["by"], "bob");
    value["trail"][2]["by"] = "eve".into();
    value["changes"][0]["history"][1]["by"] = "eve".into();
    let tampered: Cms = serde_json::from_value(value).unwrap();
    assert_eq!(
        Cms::replay(tampered.trail()),
        Err(ReplayError::Diverged { seq: 3 })
    );
    assert_eq!(
        tampered.verify_trail(),
        Err(ReplayError::BrokenChain { seq: 3 })
    );

    // An entry in the middle, edited without touching the hashes.
    let (cms, mut value) = recorded();
    let middle = cms.trail().len() / 2;
    let seq = cms.trail()[middle].seq;
    value["trail"][middle]["at"] = "2026-03-02T09:59:00Z".into();
    let tampered: Cms = serde_json::from_value(value).unwrap();
    assert_eq!(
        tampered.verify_trail(),
        Err(ReplayError::BrokenChain { seq })
    );
    assert_eq!(verify_chain(&tampered.trail()[..middle]), Ok(()));

    // An entry removed from the middle.
    let mut trail = cms.trail().to_vec();
    trail.remove(middle);
    assert_eq!(
        verify_chain(&trail),
        Err(ReplayError::BrokenChain { seq: seq + 1 })
    );
}

#[test]
fn a_rewrite_that_recomputes_every_later_hash_changes_the_head() {
    let (cms, _) = recorded();
    let head = cms.head().to_owned();
    assert_eq!(head.len(), 64);
    let mut trail = cms.trail().to_vec();
    let middle = trail.len() / 2;
    trail[middle].at = at(59);
    let mut previous = if middle == 0 {
        String::new()
    } else {
        trail[middle - 1].hash.clone()
    };
    for entry in &mut trail[middle..] {
        entry.hash = entry.digest(&previous);
        previous = entry.hash.clone();
    }
    // The chain is consistent again, but its head is not the one kept outside the CMS.
    assert_eq!(verify_chain(&trail), Ok(()));
    assert_ne!(trail.last().unwrap().hash, head);
}
