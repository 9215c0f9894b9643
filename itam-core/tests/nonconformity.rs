//! Nonconformity and corrective action (19770-1:2017 10.1, issue 13 point 5): a record follows a
//! finding through action, review and closure; each step is audited, refused when it does not
//! follow, replayed from the trail, and covered by the hash chain.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use chrono::{DateTime, TimeZone, Utc};
use itam_core::cms::{
    AuditEvent, AuthorityTable, Cms, CmsError, Duty, NcState, NcStep, ReplayError,
};
use itam_core::diag::{Finding, Location, Severity};

/// Nine o'clock, `day` days after the last day of February 2026.
fn at(day: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 28, 9, 0, 0).unwrap() + chrono::Duration::days(day)
}

fn unauthorised() -> Finding {
    Finding::new(
        "TRUST-RELEASE-1",
        Severity::Error,
        Location::path("/items/HW-2"),
        "editor 3.2 is recorded on hw-2 with no release record",
    )
}

fn act(action: &str) -> NcStep {
    NcStep::Act {
        action: action.into(),
    }
}

fn verify(effective: bool, note: &str) -> NcStep {
    NcStep::Verify {
        effective,
        note: note.into(),
    }
}

#[test]
fn a_finding_goes_through_action_review_and_closure_and_the_trail_replays_it() {
    let mut cms = Cms::new();
    cms.open_nonconformity("NC-1", &unauthorised(), "auditor", at(1))
        .unwrap();
    let nc = cms.nonconformity("NC-1").unwrap();
    assert_eq!(nc.state, NcState::Open);
    assert_eq!(
        (nc.rule.as_str(), nc.subject.as_str()),
        ("TRUST-RELEASE-1", "/items/HW-2")
    );
    assert_eq!(nc.open_for(at(4)), Some(chrono::Duration::days(3)));

    cms.advance_nonconformity("NC-1", act("uninstalled the editor"), "carol", at(2))
        .unwrap();
    // Whoever acted does not review their own action.
    assert_eq!(
        cms.advance_nonconformity("NC-1", verify(true, "gone"), "carol", at(3)),
        Err(CmsError::SelfVerification {
            nonconformity: "NC-1".into(),
            by: "carol".into()
        })
    );
    // A review that finds the action ineffective opens the record again.
    cms.advance_nonconformity(
        "NC-1",
        verify(false, "reinstalled by a script"),
        "bob",
        at(3),
    )
    .unwrap();
    assert_eq!(cms.nonconformity("NC-1").unwrap().state, NcState::Open);
    // The second action is by dave, so carol may now review it.
    cms.advance_nonconformity("NC-1", act("removed the script"), "dave", at(4))
        .unwrap();
    cms.advance_nonconformity("NC-1", verify(true, "not found again"), "carol", at(5))
        .unwrap();
    assert_eq!(cms.nonconformity("NC-1").unwrap().state, NcState::Verified);
    cms.advance_nonconformity("NC-1", NcStep::Close, "bob", at(6))
        .unwrap();
    let nc = cms.nonconformity("NC-1").unwrap();
    assert_eq!(nc.state, NcState::Closed);
    assert_eq!(nc.history.len(), 5);
    assert_eq!(nc.open_for(at(9)), None);

    // Every step and refusal is in the trail, which replays and verifies.
    let refused = cms
        .trail()
        .iter()
        .filter(|e| matches!(e.event, AuditEvent::Refused { .. }))
        .count();
    assert_eq!((cms.trail().len(), refused), (14, 1));
    assert_eq!(Cms::replay(cms.trail()).unwrap(), cms);
    cms.verify_trail().unwrap();
    let shown = cms.trail()[0].event.to_string();
    assert_eq!(
        shown,
        "opens nonconformity NC-1 for TRUST-RELEASE-1 at /items/HW-2: \
         editor 3.2 is recorded on hw-2 with no release record"
    );

    // The JSON form keeps the records and reads back the same.
    let json = serde_json::to_value(&cms).unwrap();
    assert_eq!(json["nonconformities"][0]["state"], "closed");
    assert_eq!(json["nonconformities"][0]["history"][0]["step"], "act");
    let back: Cms = serde_json::from_value(json).unwrap();
    assert_eq!(back, cms);
}

#[test]
fn steps_that_do_not_follow_are_refused_and_change_nothing() {
    let mut cms = Cms::new();
    cms.open_nonconformity("NC-1", &unauthorised(), "auditor", at(1))
        .unwrap();
    let refused = |cms: &mut Cms, step: NcStep, day| {
        let before = cms.nonconformity("NC-1").cloned();
        let err = cms.advance_nonconformity("NC-1", step, "bob", at(day));
        assert_eq!(cms.nonconformity("NC-1").cloned(), before, "{err:?}");
        err.unwrap_err()
    };
    let step_refusal = |state, step: &str| CmsError::NonconformityStep {
        nonconformity: "NC-1".into(),
        state,
        step: step.into(),
    };
    assert_eq!(
        refused(&mut cms, verify(true, "?"), 2),
        step_refusal(NcState::Open, "verify")
    );
    assert_eq!(
        refused(&mut cms, NcStep::Close, 2),
        step_refusal(NcState::Open, "close")
    );
    assert_eq!(
        refused(&mut cms, act("  "), 2),
        CmsError::NonconformityUnexplained {
            nonconformity: "NC-1".into()
        }
    );
    assert_eq!(
        refused(&mut cms, act("fixed"), 0),
        CmsError::NonconformityStepBeforePrevious {
            nonconformity: "NC-1".into(),
            at: at(0),
            previous_at: at(1)
        }
    );
    cms.advance_nonconformity("NC-1", act("fixed"), "carol", at(2))
        .unwrap();
    assert_eq!(
        refused(&mut cms, act("again"), 3),
        step_refusal(NcState::ActionTaken, "act")
    );
    assert_eq!(
        refused(&mut cms, verify(true, ""), 3),
        CmsError::NonconformityUnexplained {
            nonconformity: "NC-1".into()
        }
    );
    assert_eq!(
        cms.advance_nonconformity("NC-9", NcStep::Close, "bob", at(3)),
        Err(CmsError::UnknownNonconformity {
            nonconformity: "NC-9".into()
        })
    );
    assert_eq!(
        cms.open_nonconformity("NC-1", &unauthorised(), "auditor", at(3)),
        Err(CmsError::DuplicateNonconformity {
            nonconformity: "NC-1".into()
        })
    );
    // The refusals are audited and replay as recorded.
    assert_eq!(Cms::replay(cms.trail()).unwrap(), cms);
}

#[test]
fn the_authority_table_decides_who_opens_acts_and_reviews() {
    let mut cms = Cms::new();
    let table = AuthorityTable::new()
        .grant("admin", [Duty::Administer])
        .grant("auditor", [Duty::Request, Duty::Approve])
        .grant("carol", [Duty::Implement]);
    cms.set_authority(table, "admin", at(1)).unwrap();
    let no = |by: &str, duty| CmsError::NoAuthority {
        by: by.into(),
        duty,
    };
    assert_eq!(
        cms.open_nonconformity("NC-1", &unauthorised(), "carol", at(2)),
        Err(no("carol", Duty::Request))
    );
    cms.open_nonconformity("NC-1", &unauthorised(), "auditor", at(2))
        .unwrap();
    assert_eq!(
        cms.advance_nonconformity("NC-1", act("fixed"), "auditor", at(3)),
        Err(no("auditor", Duty::Implement))
    );
    cms.advance_nonconformity("NC-1", act("fixed"), "carol", at(3))
        .unwrap();
    assert_eq!(
        cms.advance_nonconformity("NC-1", verify(true, "ok"), "carol", at(4)),
        Err(no("carol", Duty::Approve))
    );
    cms.advance_nonconformity("NC-1", verify(true, "ok"), "auditor", at(4))
        .unwrap();
    cms.advance_nonconformity("NC-1", NcStep::Close, "auditor", at(5))
        .unwrap();
    cms.verify_trail().unwrap();
}

#[test]
fn a_record_edited_outside_the_trail_or_a_rewritten_step_is_detected() {
    let mut cms = Cms::new();
    cms.open_nonconformity("NC-1", &unauthorised(), "auditor", at(1))
        .unwrap();
    cms.advance_nonconformity("NC-1", act("fixed"), "carol", at(2))
        .unwrap();

    // The store says closed, the trail says action taken.
    let mut json = serde_json::to_value(&cms).unwrap();
    json["nonconformities"][0]["state"] = "closed".into();
    let edited: Cms = serde_json::from_value(json).unwrap();
    assert_eq!(
        edited.verify_trail(),
        Err(ReplayError::StoreDiffers {
            part: "nonconformities"
        })
    );

    // The action's text rewritten in the trail breaks the chain at that entry.
    let mut json = serde_json::to_value(&cms).unwrap();
    assert_eq!(json["trail"][2]["event"]["step"]["action"], "fixed");
    json["trail"][2]["event"]["step"]["action"] = "nothing".into();
    let rewritten: Cms = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(
        rewritten.verify_trail(),
        Err(ReplayError::BrokenChain { seq: 3 }),
        "{}",
        json["trail"][2]
    );
}

#[test]
fn a_cms_without_nonconformities_keeps_its_json_form() {
    let cms = Cms::new();
    let json = serde_json::to_value(&cms).unwrap();
    assert!(json.get("nonconformities").is_none(), "{json}");
}
