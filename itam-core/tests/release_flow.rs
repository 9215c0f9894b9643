//! The release flow of ISO/IEC 19770-1 end to end, through the CMS and the definitive media
//! library: software CI recorded, definitive item checked in, change authorized, release
//! taking a licence, deployment, CMS updated, change evaluated and closed; and every refusal on
//! the way (no authorization, no free licence, mismatched spare) leaves the store unchanged.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers may fail loudly

use chrono::{DateTime, TimeZone, Utc};
use itam_core::asset::{
    ConfigurationItem, HardwareDetails, LicenceDetails, LicenceForm, SoftwareDetails,
};
use itam_core::change::{ChangeState, ChangeStep};
use itam_core::cms::{AuditEvent, Authorization, Cms, CmsError, Command};
use itam_core::dml::{Checksum, DefinitiveItem, DmlId, LicencePool, Media, SpareState};
use itam_core::id::AssetId;
use itam_core::lifecycle::LifecycleStage;
use itam_core::relationship::{Direction, RelationshipKind};
use itam_core::{Version, VersionScheme};
use serde_json::Value;

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0).unwrap()
}

/// Everything in the CMS except the audit trail, as JSON.
fn store(cms: &Cms) -> Value {
    let mut value = serde_json::to_value(cms).unwrap();
    value.as_object_mut().unwrap().remove("trail");
    value
}

/// Executes a command that must be refused; checks the store did not change and the trail
/// gained exactly the submission and the refusal.
fn expect_refusal(cms: &mut Cms, auth: Authorization, command: Command) -> CmsError {
    let before = store(cms);
    let trail_before = cms.trail().len();
    let err = cms.execute(auth, command).unwrap_err();
    assert_eq!(store(cms), before, "refusal `{err}` changed the store");
    assert_eq!(cms.trail().len(), trail_before + 2);
    match &cms.trail()[trail_before + 1].event {
        AuditEvent::Refused { of, reason } => {
            assert_eq!(*of, cms.trail()[trail_before].seq);
            assert_eq!(reason, &err);
        }
        other => panic!("expected a refusal entry, found {other:?}"),
    }
    err
}

fn laptop(id: &str, build: &str) -> ConfigurationItem {
    ConfigurationItem::new(
        id,
        format!("Finance laptop {id}"),
        HardwareDetails::physical("Contoso T14", format!("SN-{id}")).with_build_level(build),
    )
    .owned_by("Finance")
    .in_unit("Finance")
}

#[test]
fn release_flow_end_to_end() {
    let mut cms = Cms::new();
    let chg = |h, m| Authorization::under("CHG-1042", "carol", at(h, m));

    // The change is requested and authorized (7.6.2).
    cms.request_change(
        "CHG-1042",
        "roll out Acme Editor 3.2 to finance",
        "alice",
        at(9, 0),
    )
    .unwrap();

    // Before authorization, nothing can be recorded under it.
    let editor = ConfigurationItem::new(
        "SW-EDITOR-32",
        "Acme Editor 3.2",
        SoftwareDetails::executable(
            "Acme",
            "Editor",
            Version::new("3.2.0", VersionScheme::MultipartNumeric),
        )
        .with_tag_id("acme.com-editor-3.2.0"),
    )
    .in_stage(LifecycleStage::Acquisition)
    .owned_by("IT");
    let err = expect_refusal(&mut cms, chg(9, 1), Command::record(editor.clone()));
    assert_eq!(
        err,
        CmsError::ChangeNotAuthorized {
            change: "CHG-1042".into(),
            state: ChangeState::Requested
        }
    );
    cms.advance_change("CHG-1042", ChangeStep::Authorize, "bob", at(9, 5))
        .unwrap();

    // The software CI, the machines and the licence are recorded.
    cms.execute(chg(9, 10), Command::record(editor)).unwrap();
    cms.execute(
        chg(9, 10),
        Command::move_stage("SW-EDITOR-32", LifecycleStage::Release),
    )
    .unwrap();
    for id in ["HW-FIN-01", "HW-FIN-02"] {
        cms.execute(
            chg(9, 11),
            Command::record(laptop(id, "gold-2026.1").in_stage(LifecycleStage::Operation)),
        )
        .unwrap();
    }
    cms.execute(
        chg(9, 12),
        Command::record(
            ConfigurationItem::new(
                "LIC-EDITOR",
                "Acme Editor proof of licence",
                LicenceDetails {
                    form: LicenceForm::ProofOfLicence,
                    ent_id: None,
                    quantity: Some(2),
                },
            )
            .in_stage(LifecycleStage::Operation)
            .owned_by("Procurement"),
        ),
    )
    .unwrap();
    cms.execute(
        chg(9, 12),
        Command::relate("SW-EDITOR-32", RelationshipKind::LicensedBy, "LIC-EDITOR"),
    )
    .unwrap();

    // The definitive item is checked into the DML.
    cms.execute(
        chg(9, 15),
        Command::CheckIn {
            item: DefinitiveItem {
                id: DmlId::new("DML-EDITOR-32"),
                software: AssetId::new("SW-EDITOR-32"),
                version: Version::new("3.2.0", VersionScheme::MultipartNumeric),
                media: Media::Electronic,
                checksum: Some(Checksum::sha256(
                    "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                )),
                storage_location: "dml://software/acme/editor/3.2.0".into(),
                licences: LicencePool::new(2),
            },
        },
    )
    .unwrap();

    // Refusal: a release with no change record.
    let err = expect_refusal(
        &mut cms,
        Authorization::without_change("mallory", at(9, 20)),
        Command::release("DML-EDITOR-32", 1, "HW-FIN-01"),
    );
    assert_eq!(err, CmsError::NoChangeRecord);
    assert_eq!(
        cms.dml().item("DML-EDITOR-32").unwrap().licences.free,
        2,
        "the refused release took no licence"
    );

    // The release under the authorized change takes one licence and writes a record.
    let seq = cms
        .execute(
            chg(9, 30),
            Command::release("DML-EDITOR-32", 1, "HW-FIN-01"),
        )
        .unwrap();
    let pool = cms.dml().item("DML-EDITOR-32").unwrap().licences;
    assert_eq!(pool, LicencePool { total: 2, free: 1 });
    let release = &cms.dml().releases()[0];
    assert_eq!(
        (release.number, release.quantity, release.audit),
        (1, 1, seq)
    );
    assert_eq!(release.to, AssetId::new("HW-FIN-01"));
    assert_eq!(release.change.as_str(), "CHG-1042");

    // Refusal: not enough free licences.
    let err = expect_refusal(
        &mut cms,
        chg(9, 35),
        Command::release("DML-EDITOR-32", 2, "HW-FIN-02"),
    );
    assert_eq!(
        err,
        CmsError::LicenceShortfall {
            item: DmlId::new("DML-EDITOR-32"),
            needed: 2,
            free: 1
        }
    );

    // Deployment, and the CMS updated: installed on the laptop, in operation.
    cms.execute(
        chg(9, 40),
        Command::relate("SW-EDITOR-32", RelationshipKind::InstalledOn, "HW-FIN-01"),
    )
    .unwrap();
    for stage in [LifecycleStage::Deployment, LifecycleStage::Operation] {
        cms.execute(chg(9, 45), Command::move_stage("SW-EDITOR-32", stage))
            .unwrap();
    }
    assert_eq!(
        cms.item("SW-EDITOR-32").unwrap().stage,
        LifecycleStage::Operation
    );
    let installed: Vec<_> = cms
        .related(
            "HW-FIN-01",
            RelationshipKind::InstalledOn,
            Direction::Incoming,
        )
        .collect();
    assert_eq!(installed, [&AssetId::new("SW-EDITOR-32")]);

    // A failed laptop is replaced from the definitive spares, under its own change.
    cms.request_change(
        "CHG-1043",
        "replace failed laptop HW-FIN-02",
        "carol",
        at(10, 0),
    )
    .unwrap();
    cms.advance_change("CHG-1043", ChangeStep::Authorize, "bob", at(10, 2))
        .unwrap();
    let spare_chg = |m| Authorization::under("CHG-1043", "carol", at(10, m));
    for (id, build) in [("HW-SPARE-A", "gold-2025.4"), ("HW-SPARE-B", "gold-2026.1")] {
        cms.execute(
            spare_chg(3),
            Command::record(laptop(id, build).in_stage(LifecycleStage::Release)),
        )
        .unwrap();
        cms.execute(
            spare_chg(3),
            Command::StoreSpare {
                spare: id.into(),
                storage_location: "spares cage 3".into(),
            },
        )
        .unwrap();
    }

    // Refusal: the spare's build level does not match.
    let err = expect_refusal(
        &mut cms,
        spare_chg(5),
        Command::check_out_spare("HW-SPARE-A", "HW-FIN-02"),
    );
    assert_eq!(
        err,
        CmsError::SpareMismatch {
            spare: "HW-SPARE-A".into(),
            live: "HW-FIN-02".into(),
            attribute: "build level".into(),
            spare_value: Some("gold-2025.4".into()),
            live_value: Some("gold-2026.1".into()),
        }
    );

    cms.execute(
        spare_chg(6),
        Command::check_out_spare("HW-SPARE-B", "HW-FIN-02"),
    )
    .unwrap();
    cms.execute(
        spare_chg(7),
        Command::move_stage("HW-FIN-02", LifecycleStage::Retirement),
    )
    .unwrap();
    cms.execute(
        spare_chg(7),
        Command::relate("HW-SPARE-B", RelationshipKind::Supersedes, "HW-FIN-02"),
    )
    .unwrap();
    assert_eq!(
        cms.dml().spare("HW-SPARE-B").unwrap().state,
        SpareState::CheckedOut {
            replaces: "HW-FIN-02".into(),
            change: "CHG-1043".into()
        }
    );
    assert!(cms.dml().spare("HW-SPARE-A").unwrap().is_in_store());

    // Both changes are implemented, evaluated and closed.
    for (change, hour) in [("CHG-1042", 11), ("CHG-1043", 12)] {
        cms.advance_change(change, ChangeStep::Implement, "carol", at(hour, 0))
            .unwrap();
        cms.advance_change(
            change,
            ChangeStep::Evaluate {
                successful: true,
                note: "works as intended".into(),
            },
            "bob",
            at(hour, 30),
        )
        .unwrap();
        cms.advance_change(change, ChangeStep::Close, "bob", at(hour, 45))
            .unwrap();
        let record = cms.change(change).unwrap();
        assert_eq!(record.state, ChangeState::Closed);
        assert_eq!(record.successful, Some(true));
        assert_eq!(record.history.len(), 5);
    }

    // A closed change authorizes nothing more.
    let err = expect_refusal(
        &mut cms,
        chg(13, 0),
        Command::release("DML-EDITOR-32", 1, "HW-FIN-01"),
    );
    assert_eq!(
        err,
        CmsError::ChangeNotAuthorized {
            change: "CHG-1042".into(),
            state: ChangeState::Closed
        }
    );

    // The result: clean data, a consistent trail, and the same store when it is replayed.
    let report = cms.check();
    assert!(report.is_empty(), "{:#?}", report.findings());
    let refusals = cms
        .trail()
        .iter()
        .filter(|e| matches!(e.event, AuditEvent::Refused { .. }))
        .count();
    assert_eq!(refusals, 5);
    assert!(
        cms.trail()
            .iter()
            .enumerate()
            .all(|(i, e)| e.seq == i as u64 + 1)
    );
    assert_eq!(Cms::replay(cms.trail()).unwrap(), cms);
    let json = serde_json::to_string(&cms).unwrap();
    let read_back = serde_json::from_str::<Cms>(&json).unwrap();
    assert_eq!(read_back, cms);
    assert_eq!(read_back.verify_trail(), Ok(()));
}
