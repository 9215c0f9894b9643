use chrono::TimeZone;
use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::asset::{HardwareDetails, SoftwareDetails};
use crate::dml::{Checksum, DefinitiveItem, DmlId, LicencePool, Media};
use crate::version::{Version, VersionScheme};

fn t(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0).unwrap()
}

fn editor() -> ConfigurationItem {
    ConfigurationItem::new(
        "SW-1",
        "Acme Editor 3.2",
        SoftwareDetails::executable(
            "Acme",
            "Editor",
            Version::new("3.2", VersionScheme::MultipartNumeric),
        ),
    )
    .in_stage(LifecycleStage::Release)
    .owned_by("IT")
}

fn laptop(id: &str, build: &str) -> ConfigurationItem {
    ConfigurationItem::new(
        id,
        format!("Laptop {id}"),
        HardwareDetails::physical("T14", format!("SN-{id}")).with_build_level(build),
    )
    .in_stage(LifecycleStage::Operation)
    .owned_by("IT")
}

fn definitive(total: u32) -> DefinitiveItem {
    DefinitiveItem {
        id: DmlId::new("DML-1"),
        software: AssetId::new("SW-1"),
        version: Version::new("3.2", VersionScheme::MultipartNumeric),
        media: Media::Electronic,
        checksum: Some(Checksum::sha256("9f86d081")),
        storage_location: "dml://acme/editor/3.2".into(),
        licences: LicencePool::new(total),
    }
}

fn auth(minute: u32) -> Authorization {
    Authorization::under("CHG-1", "carol", t(minute))
}

/// A CMS with CHG-1 authorized, the editor, two laptops and a 2-licence definitive item.
fn seeded() -> Cms {
    let mut cms = Cms::new();
    cms.request_change("CHG-1", "deploy the editor", "alice", t(0))
        .unwrap();
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", t(1))
        .unwrap();
    for (i, item) in [editor(), laptop("HW-1", "gold-1"), laptop("HW-2", "gold-1")]
        .into_iter()
        .enumerate()
    {
        cms.execute(auth(2 + i as u32), Command::record(item))
            .unwrap();
    }
    cms.execute(
        auth(5),
        Command::CheckIn {
            item: definitive(2),
        },
    )
    .unwrap();
    cms
}

/// Runs a command that must be refused, and checks that only the trail changed (by exactly
/// the submission and the refusal).
fn refused(cms: &mut Cms, auth: Authorization, command: Command) -> CmsError {
    let before = cms.clone();
    let err = cms.execute(auth, command.clone()).unwrap_err();
    assert_eq!(cms.trail.len(), before.trail.len() + 2);
    let submitted = &cms.trail[before.trail.len()];
    assert_eq!(
        submitted.event,
        AuditEvent::Submitted {
            command: Box::new(command),
            gated: false
        }
    );
    assert_eq!(
        cms.trail.last().unwrap().event,
        AuditEvent::Refused {
            of: submitted.seq,
            reason: err.clone()
        }
    );
    let mut after = cms.clone();
    after.trail.truncate(before.trail.len());
    assert_eq!(after, before, "a refused command changed the store");
    err
}

#[test]
fn commands_need_an_authorized_change_record() {
    let mut cms = seeded();
    let cmd = || Command::record(laptop("HW-3", "gold-1"));
    assert_eq!(
        refused(
            &mut cms,
            Authorization::without_change("carol", t(9)),
            cmd()
        ),
        CmsError::NoChangeRecord
    );
    assert_eq!(
        refused(&mut cms, Authorization::under("CHG-1", " ", t(9)), cmd()),
        CmsError::NoAuthorizer
    );
    assert_eq!(
        refused(
            &mut cms,
            Authorization::under("CHG-9", "carol", t(9)),
            cmd()
        ),
        CmsError::UnknownChange {
            change: ChangeId::new("CHG-9")
        }
    );
    cms.request_change("CHG-2", "more laptops", "alice", t(10))
        .unwrap();
    assert_eq!(
        refused(
            &mut cms,
            Authorization::under("CHG-2", "carol", t(11)),
            cmd()
        ),
        CmsError::ChangeNotAuthorized {
            change: ChangeId::new("CHG-2"),
            state: ChangeState::Requested
        }
    );
    cms.advance_change("CHG-1", ChangeStep::Implement, "carol", t(12))
        .unwrap();
    let err = refused(&mut cms, auth(13), cmd());
    assert_eq!(
        err.to_string(),
        "change `CHG-1` is implemented, not authorized"
    );
}

#[test]
fn time_runs_forward_through_authorization_and_steps() {
    let mut cms = seeded();
    // CHG-1 was authorized at t(1); a command dated t(0) predates it.
    let err = refused(&mut cms, auth(0), Command::record(laptop("HW-3", "gold-1")));
    assert_eq!(
        err,
        CmsError::BeforeAuthorization {
            change: ChangeId::new("CHG-1"),
            at: t(0),
            authorized_at: t(1)
        }
    );
    let before = cms.change("CHG-1").unwrap().clone();
    let err = cms
        .advance_change("CHG-1", ChangeStep::Implement, "carol", t(0))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a step on change `CHG-1` at 2026-03-02 09:00:00 UTC cannot precede its previous step at 2026-03-02 09:01:00 UTC"
    );
    assert_eq!(cms.change("CHG-1"), Some(&before));
    // The same moment as the authorization is fine.
    cms.execute(auth(1), Command::record(laptop("HW-3", "gold-1")))
        .unwrap();
}

#[test]
fn change_record_steps_are_audited_and_illegal_ones_refused() {
    let mut cms = seeded();
    let before = cms.change("CHG-1").unwrap().clone();
    let err = cms
        .advance_change("CHG-1", ChangeStep::Close, "bob", t(20))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "change `CHG-1` cannot go from authorized to closed"
    );
    assert_eq!(cms.change("CHG-1"), Some(&before));
    assert!(matches!(
        cms.trail().last().unwrap().event,
        AuditEvent::Refused { .. }
    ));
    assert_eq!(
        cms.request_change("CHG-1", "again", "alice", t(21)),
        Err(CmsError::DuplicateChange {
            change: ChangeId::new("CHG-1")
        })
    );
    assert_eq!(
        cms.advance_change("CHG-7", ChangeStep::Authorize, "bob", t(22)),
        Err(CmsError::UnknownChange {
            change: ChangeId::new("CHG-7")
        })
    );
    assert_eq!(cms.changes().count(), 1);
}

#[test]
fn items_are_recorded_updated_and_moved_only_as_allowed() {
    let mut cms = seeded();
    assert_eq!(
        refused(&mut cms, auth(10), Command::record(editor())),
        CmsError::DuplicateItem {
            id: AssetId::new("SW-1")
        }
    );
    assert!(matches!(
        refused(&mut cms, auth(10), Command::record(laptop("", "gold-1"))),
        CmsError::InvalidId { .. }
    ));
    let err = refused(
        &mut cms,
        auth(11),
        Command::move_stage("HW-1", LifecycleStage::Acquisition),
    );
    assert_eq!(
        err.to_string(),
        "configuration item `HW-1`: illegal life-cycle transition from operation to acquisition"
    );
    cms.execute(
        auth(12),
        Command::move_stage("SW-1", LifecycleStage::Deployment),
    )
    .unwrap();
    assert_eq!(cms.item("SW-1").unwrap().stage, LifecycleStage::Deployment);

    let mut renamed = laptop("HW-1", "gold-1");
    renamed.name = "Renamed".into();
    cms.execute(auth(13), Command::UpdateItem { item: renamed })
        .unwrap();
    assert_eq!(cms.item("HW-1").unwrap().name, "Renamed");
    let moved = laptop("HW-1", "gold-1").in_stage(LifecycleStage::Retirement);
    assert!(matches!(
        refused(&mut cms, auth(14), Command::UpdateItem { item: moved }),
        CmsError::StageChangeByUpdate { .. }
    ));
    let mut other_class = editor();
    other_class.id = AssetId::new("HW-1");
    other_class.stage = LifecycleStage::Operation;
    assert!(matches!(
        refused(
            &mut cms,
            auth(15),
            Command::UpdateItem { item: other_class }
        ),
        CmsError::ClassChange { .. }
    ));
    assert_eq!(
        refused(
            &mut cms,
            auth(16),
            Command::UpdateItem {
                item: laptop("HW-9", "x")
            }
        ),
        CmsError::UnknownItem {
            id: AssetId::new("HW-9")
        }
    );
}

#[test]
fn an_update_must_still_fit_the_items_relationships() {
    let mut cms = seeded();
    cms.execute(
        auth(10),
        Command::relate("SW-1", RelationshipKind::InstalledOn, "HW-1"),
    )
    .unwrap();
    let mut now_a_cluster = laptop("HW-1", "gold-1");
    now_a_cluster.kind = HardwareDetails::cluster().into();
    assert!(matches!(
        refused(
            &mut cms,
            auth(11),
            Command::UpdateItem {
                item: now_a_cluster
            }
        ),
        CmsError::KindMismatch { .. }
    ));
}

#[test]
fn relationships_keep_referential_integrity_and_can_be_queried() {
    let mut cms = seeded();
    let err = refused(
        &mut cms,
        auth(10),
        Command::relate("SW-1", RelationshipKind::InstalledOn, "HW-404"),
    );
    assert_eq!(
        err.to_string(),
        "cannot record `SW-1 installed on HW-404`: its target `HW-404` is not recorded"
    );
    assert!(matches!(
        refused(
            &mut cms,
            auth(10),
            Command::relate("HW-1", RelationshipKind::InstalledOn, "HW-2")
        ),
        CmsError::KindMismatch { .. }
    ));
    assert!(matches!(
        refused(
            &mut cms,
            auth(10),
            Command::relate("HW-1", RelationshipKind::DependsOn, "HW-1")
        ),
        CmsError::SelfRelationship { .. }
    ));

    for host in ["HW-1", "HW-2"] {
        cms.execute(
            auth(11),
            Command::relate("SW-1", RelationshipKind::InstalledOn, host),
        )
        .unwrap();
    }
    cms.execute(
        auth(12),
        Command::relate("HW-2", RelationshipKind::DependsOn, "HW-1"),
    )
    .unwrap();
    assert!(matches!(
        refused(
            &mut cms,
            auth(13),
            Command::relate("SW-1", RelationshipKind::InstalledOn, "HW-1")
        ),
        CmsError::DuplicateRelationship { .. }
    ));

    let hosts: Vec<_> = cms
        .related("SW-1", RelationshipKind::InstalledOn, Direction::Outgoing)
        .map(AssetId::as_str)
        .collect();
    assert_eq!(hosts, ["HW-1", "HW-2"]);
    let on_hw1: Vec<_> = cms
        .related("HW-1", RelationshipKind::InstalledOn, Direction::Incoming)
        .map(AssetId::as_str)
        .collect();
    assert_eq!(on_hw1, ["SW-1"]);
    assert_eq!(cms.incoming("HW-1").count(), 2);
    assert_eq!(cms.outgoing("HW-2").count(), 1);
    assert_eq!(cms.relationships().count(), 3);
    assert_eq!(cms.items_of(AssetClass::Hardware).count(), 2);
    assert_eq!(cms.items_in(LifecycleStage::Release).count(), 1);

    let gone = Relationship::new("SW-1", RelationshipKind::InstalledOn, "HW-2");
    cms.execute(
        auth(14),
        Command::Unrelate {
            relationship: gone.clone(),
        },
    )
    .unwrap();
    assert!(!cms.has_relationship(&gone));
    assert_eq!(cms.incoming("HW-2").count(), 0);
    assert!(matches!(
        refused(&mut cms, auth(15), Command::Unrelate { relationship: gone }),
        CmsError::UnknownRelationship { .. }
    ));
}

#[test]
fn release_takes_licences_and_writes_a_record() {
    let mut cms = seeded();
    let seq = cms
        .execute(auth(10), Command::release("DML-1", 1, "HW-1"))
        .unwrap();
    let item = cms.dml().item("DML-1").unwrap();
    assert_eq!(item.licences, LicencePool { total: 2, free: 1 });
    let record = &cms.dml().releases()[0];
    assert_eq!(record.number, 1);
    assert_eq!(record.audit, seq);
    assert_eq!(record.to, AssetId::new("HW-1"));
    assert_eq!(record.change, ChangeId::new("CHG-1"));
    assert_eq!(record.by, "carol");

    let err = refused(&mut cms, auth(11), Command::release("DML-1", 2, "HW-2"));
    assert_eq!(
        err,
        CmsError::LicenceShortfall {
            item: DmlId::new("DML-1"),
            needed: 2,
            free: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "licence shortfall for `DML-1`: 2 needed, 1 free"
    );
    assert_eq!(
        refused(&mut cms, auth(12), Command::release("DML-1", 0, "HW-2")),
        CmsError::ZeroQuantity {
            item: DmlId::new("DML-1")
        }
    );
    assert!(matches!(
        refused(&mut cms, auth(12), Command::release("DML-9", 1, "HW-2")),
        CmsError::UnknownDefinitiveItem { .. }
    ));
    assert!(matches!(
        refused(&mut cms, auth(12), Command::release("DML-1", 1, "SW-1")),
        CmsError::KindMismatch { .. }
    ));
    assert!(matches!(
        refused(&mut cms, auth(12), Command::release("DML-1", 1, "HW-404")),
        CmsError::UnknownItem { .. }
    ));
}

#[test]
fn check_in_needs_a_software_ci_and_a_sane_pool() {
    let mut cms = seeded();
    assert!(matches!(
        refused(
            &mut cms,
            auth(10),
            Command::CheckIn {
                item: definitive(3)
            }
        ),
        CmsError::DuplicateDefinitiveItem { .. }
    ));
    let mut for_hardware = definitive(1);
    for_hardware.id = DmlId::new("DML-2");
    for_hardware.software = AssetId::new("HW-1");
    assert_eq!(
        refused(&mut cms, auth(10), Command::CheckIn { item: for_hardware }),
        CmsError::WrongClass {
            id: AssetId::new("HW-1"),
            expected: AssetClass::Software,
            found: AssetClass::Hardware
        }
    );
    let mut other_version = definitive(1);
    other_version.id = DmlId::new("DML-4");
    other_version.version = Version::new("3.1", VersionScheme::MultipartNumeric);
    assert_eq!(
        refused(
            &mut cms,
            auth(10),
            Command::CheckIn {
                item: other_version
            }
        )
        .to_string(),
        "definitive item `DML-4` holds version 3.1 but `SW-1` is version 3.2"
    );
    // The same version written differently is the same version.
    let mut same_version = definitive(1);
    same_version.id = DmlId::new("DML-5");
    same_version.version = Version::new("3.2.0", VersionScheme::MultipartNumeric);
    cms.execute(auth(10), Command::CheckIn { item: same_version })
        .unwrap();
    let mut broken = definitive(1);
    broken.id = DmlId::new("DML-3");
    broken.licences.free = 4;
    assert!(matches!(
        refused(&mut cms, auth(10), Command::CheckIn { item: broken }),
        CmsError::InvalidPool { .. }
    ));
}

#[test]
fn spares_replace_only_a_matching_item_and_return_to_the_store() {
    let mut cms = seeded();
    let spare = laptop("HW-S", "gold-1").in_stage(LifecycleStage::Release);
    let odd = laptop("HW-O", "silver-2").in_stage(LifecycleStage::Release);
    cms.execute(auth(10), Command::record(spare)).unwrap();
    cms.execute(auth(10), Command::record(odd)).unwrap();
    for id in ["HW-S", "HW-O"] {
        cms.execute(
            auth(11),
            Command::StoreSpare {
                spare: id.into(),
                storage_location: "cage 3".into(),
            },
        )
        .unwrap();
    }
    let err = refused(&mut cms, auth(12), Command::check_out_spare("HW-O", "HW-1"));
    assert_eq!(
        err.to_string(),
        "spare `HW-O` cannot replace `HW-1`: build level is `silver-2` on the spare but `gold-1` on the live item"
    );
    assert!(matches!(
        refused(&mut cms, auth(12), Command::check_out_spare("HW-1", "HW-2")),
        CmsError::UnknownSpare { .. }
    ));
    assert!(matches!(
        refused(&mut cms, auth(12), Command::check_out_spare("HW-S", "HW-S")),
        CmsError::SpareReplacesItself { .. }
    ));

    cms.execute(auth(13), Command::check_out_spare("HW-S", "HW-1"))
        .unwrap();
    assert_eq!(cms.item("HW-S").unwrap().stage, LifecycleStage::Deployment);
    assert_eq!(
        cms.dml().spare("HW-S").unwrap().state,
        SpareState::CheckedOut {
            replaces: AssetId::new("HW-1"),
            change: ChangeId::new("CHG-1")
        }
    );
    assert!(matches!(
        refused(&mut cms, auth(14), Command::check_out_spare("HW-S", "HW-2")),
        CmsError::SpareNotInStore { .. }
    ));

    cms.execute(
        auth(15),
        Command::ReturnSpare {
            spare: "HW-S".into(),
        },
    )
    .unwrap();
    assert!(cms.dml().spare("HW-S").unwrap().is_in_store());
    assert_eq!(cms.item("HW-S").unwrap().stage, LifecycleStage::Release);
    assert!(matches!(
        refused(
            &mut cms,
            auth(16),
            Command::ReturnSpare {
                spare: "HW-S".into()
            }
        ),
        CmsError::SpareNotCheckedOut { .. }
    ));
    assert!(matches!(
        refused(
            &mut cms,
            auth(17),
            Command::StoreSpare {
                spare: "HW-S".into(),
                storage_location: "x".into()
            }
        ),
        CmsError::DuplicateSpare { .. }
    ));
    assert!(matches!(
        refused(
            &mut cms,
            auth(17),
            Command::StoreSpare {
                spare: "SW-1".into(),
                storage_location: "x".into()
            }
        ),
        CmsError::WrongClass { .. }
    ));
}

#[test]
fn a_spare_without_a_known_model_matches_nothing() {
    let mut cms = seeded();
    let mut anonymous = laptop("HW-A", "gold-1").in_stage(LifecycleStage::Release);
    anonymous.kind = HardwareDetails::default().with_build_level("gold-1").into();
    cms.execute(auth(10), Command::record(anonymous)).unwrap();
    cms.execute(
        auth(10),
        Command::StoreSpare {
            spare: "HW-A".into(),
            storage_location: "cage 3".into(),
        },
    )
    .unwrap();
    let err = refused(&mut cms, auth(11), Command::check_out_spare("HW-A", "HW-1"));
    assert_eq!(
        err.to_string(),
        "spare `HW-A` cannot replace `HW-1`: model is unknown on the spare but `T14` on the live item"
    );
}

#[test]
fn json_forms_are_stable() {
    assert_eq!(
        serde_json::to_value(Command::release("DML-1", 1, "HW-1")).unwrap(),
        json!({"command": "release", "item": "DML-1", "quantity": 1, "to": "HW-1"})
    );
    assert_eq!(
        serde_json::to_value(Command::move_stage("HW-1", LifecycleStage::Operation)).unwrap(),
        json!({"command": "move_stage", "id": "HW-1", "to": "operation"})
    );
    assert_eq!(
        serde_json::to_value(auth(3)).unwrap(),
        json!({"by": "carol", "change": "CHG-1", "at": "2026-03-02T09:03:00Z"})
    );
    assert_eq!(
        serde_json::to_value(CmsError::LicenceShortfall {
            item: DmlId::new("DML-1"),
            needed: 3,
            free: 2
        })
        .unwrap(),
        json!({"refusal": "licence_shortfall", "item": "DML-1", "needed": 3, "free": 2})
    );

    let mut cms = seeded();
    let _ = cms.execute(auth(9), Command::release("DML-1", 5, "HW-1"));
    let value = serde_json::to_value(&cms).unwrap();
    // Every entry carries its link in the hash chain: 64 lowercase hex digits, the digest of
    // the previous entry's hash and this entry's content.
    let without_hash = |entry: &serde_json::Value| {
        let mut entry = entry.clone();
        let hash = entry.as_object_mut().unwrap().remove("hash").unwrap();
        let hash = hash.as_str().unwrap().to_owned();
        assert_eq!(hash.len(), 64);
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        entry
    };
    assert_eq!(
        value["trail"][1]["hash"],
        cms.trail()[1].digest(&cms.trail()[0].hash)
    );
    assert_eq!(
        without_hash(&value["trail"][1]),
        json!({"seq": 2, "at": "2026-03-02T09:00:00Z", "by": "alice", "change": "CHG-1",
               "event": {"event": "executed", "of": 1}})
    );
    assert_eq!(
        without_hash(&value["trail"][2]),
        json!({"seq": 3, "at": "2026-03-02T09:01:00Z", "by": "bob", "change": "CHG-1",
               "event": {"event": "change_step", "step": {"step": "authorize"}}})
    );
    let last = cms.trail().len() - 1;
    assert_eq!(
        value["trail"][last]["event"],
        json!({"event": "refused", "of": last, "reason":
               {"refusal": "licence_shortfall", "item": "DML-1", "needed": 5, "free": 2}})
    );
    assert_eq!(
        value["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["HW-1", "HW-2", "SW-1"]
    );
    let back: Cms = serde_json::from_value(value).unwrap();
    assert_eq!(back, cms);
}

#[test]
fn reading_json_refuses_duplicate_ids_instead_of_dropping_one() {
    let item = serde_json::to_value(editor()).unwrap();
    let err = serde_json::from_value::<Cms>(json!({"items": [item.clone(), item]})).unwrap_err();
    assert!(
        err.to_string()
            .contains("configuration item `SW-1` appears twice")
    );
}

#[test]
fn replay_rebuilds_the_store_and_detects_tampering() {
    let mut cms = seeded();
    cms.execute(auth(10), Command::release("DML-1", 1, "HW-1"))
        .unwrap();
    let _ = cms.execute(auth(11), Command::release("DML-1", 9, "HW-1"));
    cms.execute(
        auth(12),
        Command::relate("SW-1", RelationshipKind::InstalledOn, "HW-1"),
    )
    .unwrap();
    assert_eq!(Cms::replay(cms.trail()).unwrap(), cms);

    // Claim the refused release was executed: replay must notice.
    let mut forged = cms.trail().to_vec();
    let refusal = forged
        .iter()
        .position(|e| matches!(e.event, AuditEvent::Refused { .. }))
        .unwrap();
    let of = forged[refusal].seq - 1;
    forged[refusal].event = AuditEvent::Executed { of };
    assert_eq!(
        Cms::replay(&forged),
        Err(ReplayError::Diverged {
            seq: forged[refusal].seq
        })
    );

    // A store edited behind the trail's back is caught by verify_trail.
    assert_eq!(cms.verify_trail(), Ok(()));
    let mut value = serde_json::to_value(&cms).unwrap();
    value["dml"]["items"][0]["licences"]["free"] = json!(2);
    let edited: Cms = serde_json::from_value(value).unwrap();
    assert_eq!(
        edited.verify_trail(),
        Err(ReplayError::StoreDiffers { part: "dml" })
    );

    // Drop the authorization step: everything after it is refused on replay.
    let mut gapped = cms.trail().to_vec();
    gapped.retain(|e| !matches!(e.event, AuditEvent::ChangeStep { .. }));
    assert!(matches!(
        Cms::replay(&gapped),
        Err(ReplayError::Diverged { .. })
    ));
}

/// A small alphabet of commands over a few ids, so random sequences hit both executions and
/// refusals of every kind.
fn arb_action() -> impl Strategy<Value = (u8, u8, u8, u8)> {
    (0u8..12, 0u8..4, 0u8..4, 0u8..4)
}

fn to_action(cms: &mut Cms, (op, a, b, n): (u8, u8, u8, u8), minute: u32) {
    let hw = |i: u8| format!("HW-{i}");
    let change = format!("CHG-{}", a % 2);
    let by = if n == 3 { "" } else { "carol" };
    let auth = Authorization::under(change.clone(), by, t(minute % 60));
    let stage = LifecycleStage::ALL[usize::from(b) + usize::from(n) % 4];
    let _ = match op {
        0 => cms.request_change(change, "c", by, t(minute % 60)),
        1 => cms.advance_change(change, ChangeStep::Authorize, "bob", t(minute % 60)),
        2 => cms.advance_change(change, ChangeStep::Implement, "bob", t(minute % 60)),
        3 => cms
            .execute(
                auth,
                Command::record(laptop(&hw(b), if n % 2 == 0 { "g" } else { "s" }).in_stage(stage)),
            )
            .map(|_| ()),
        4 => cms.execute(auth, Command::record(editor())).map(|_| ()),
        5 => cms
            .execute(
                auth,
                Command::CheckIn {
                    item: definitive(u32::from(n)),
                },
            )
            .map(|_| ()),
        6 => cms
            .execute(auth, Command::release("DML-1", u32::from(n), hw(b)))
            .map(|_| ()),
        7 => cms
            .execute(
                auth,
                Command::relate("SW-1", RelationshipKind::InstalledOn, hw(b)),
            )
            .map(|_| ()),
        8 => cms
            .execute(auth, Command::move_stage(hw(b), stage))
            .map(|_| ()),
        9 => cms
            .execute(
                auth,
                Command::StoreSpare {
                    spare: hw(b).into(),
                    storage_location: "cage".into(),
                },
            )
            .map(|_| ()),
        10 => cms
            .execute(auth, Command::check_out_spare(hw(b), hw(n)))
            .map(|_| ()),
        _ => cms
            .execute(
                auth,
                Command::ReturnSpare {
                    spare: hw(b).into(),
                },
            )
            .map(|_| ()),
    };
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn replaying_any_trail_rebuilds_the_same_store(actions in prop::collection::vec(arb_action(), 0..60)) {
        let mut cms = Cms::new();
        for (i, action) in actions.into_iter().enumerate() {
            to_action(&mut cms, action, i as u32);
        }
        let pairs = cms.trail().len();
        prop_assert_eq!(pairs % 2, 0);
        prop_assert_eq!(Cms::replay(cms.trail()).unwrap(), cms.clone());
        let json = serde_json::to_string(&cms).unwrap();
        prop_assert_eq!(serde_json::from_str::<Cms>(&json).unwrap(), cms.clone());
        for item in cms.dml().items() {
            prop_assert_eq!(
                u64::from(item.licences.free) + cms.dml().released(item.id.as_str()),
                u64::from(item.licences.total)
            );
        }
    }
}
