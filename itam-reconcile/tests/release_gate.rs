//! The CMS feeds the position (issue 13 point 2): the CMS projected into the estate, and a
//! release through the DML admitted by the effective licence position (the Ent entitlements
//! after allocation), not by the DML's own pool; a refusal names the exhausted entitlement and
//! who uses it.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers may fail loudly

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use itam_core::asset::{
    ConfigurationItem, HardwareDetails, LicenceDetails, LicenceForm, SoftwareDetails,
};
use itam_core::change::ChangeStep;
use itam_core::cms::{
    Authorization, Cms, CmsError, Command, Exhausted, PositionShortfall, project,
};
use itam_core::dml::{DefinitiveItem, DmlId, LicencePool, Media};
use itam_core::estate::{Estate, Pin};
use itam_core::lifecycle::LifecycleStage;
use itam_core::relationship::RelationshipKind;
use itam_core::{Version, VersionScheme};
use itam_reconcile::gate::PositionGate;
use itam_reconcile::{Policy, reconcile};

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0).unwrap()
}

fn auth(minute: u32) -> Authorization {
    Authorization::under("CHG-1", "carol", at(minute))
}

/// Office 2024 (tagId `acme-office-2024`) checked into the DML with a pool of 10; three PCs.
fn cms() -> Cms {
    let mut cms = Cms::new();
    cms.request_change("CHG-1", "office roll-out", "alice", at(0))
        .unwrap();
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", at(1))
        .unwrap();
    let version = Version::new("2024", VersionScheme::MultipartNumeric);
    let office = SoftwareDetails::executable("Acme", "Office", version.clone())
        .with_tag_id("acme-office-2024");
    cms.execute(
        auth(2),
        Command::record(
            ConfigurationItem::new("SW-OFFICE", "Office 2024", office)
                .in_stage(LifecycleStage::Release),
        ),
    )
    .unwrap();
    for pc in ["PC-1", "PC-2", "PC-3"] {
        cms.execute(
            auth(2),
            Command::record(
                ConfigurationItem::new(pc, pc, HardwareDetails::physical("T14", pc))
                    .in_stage(LifecycleStage::Operation),
            ),
        )
        .unwrap();
    }
    cms.execute(
        auth(3),
        Command::CheckIn {
            item: DefinitiveItem {
                id: DmlId::new("DML-OFFICE"),
                software: "SW-OFFICE".into(),
                version,
                media: Media::Electronic,
                checksum: None,
                storage_location: "dml://office/2024".into(),
                licences: LicencePool::new(10),
            },
        },
    )
    .unwrap();
    cms
}

/// The Ent side: two device licences of Office.
fn base() -> Estate {
    serde_json::from_value(serde_json::json!({
        "entitlements": [{"id": "ent-office", "scope": {"publisher": "Acme", "product": "Office"},
                          "metric": "device", "quantity": 2}]
    }))
    .unwrap()
}

fn policy() -> Policy {
    Policy::new(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
}

#[test]
fn a_release_is_admitted_by_the_position_and_refused_when_its_entitlement_is_exhausted() {
    let mut cms = cms();
    let (base, policy) = (base(), policy());
    let gate = PositionGate::new(&base, &policy);
    for (m, pc) in [(10, "PC-1"), (11, "PC-2")] {
        cms.execute_gated(auth(m), Command::release("DML-OFFICE", 1, pc), &gate)
            .unwrap();
        cms.execute(
            auth(m),
            Command::relate("SW-OFFICE", RelationshipKind::InstalledOn, pc),
        )
        .unwrap();
    }
    // The position, not the pool: the pool still says 10 free, and the releases say so.
    assert_eq!(cms.dml().item("DML-OFFICE").unwrap().licences.free, 10);
    assert!(cms.dml().releases().iter().all(|r| r.gated));
    assert!(cms.check().by_rule("CMS-POOL-1").next().is_none());

    let before = serde_json::to_value(cms.dml()).unwrap();
    let err = cms
        .execute_gated(auth(12), Command::release("DML-OFFICE", 1, "PC-3"), &gate)
        .unwrap_err();
    assert_eq!(
        err,
        CmsError::PositionShortfall {
            item: DmlId::new("DML-OFFICE"),
            software: "SW-OFFICE".into(),
            to: "PC-3".into(),
            shortfall: Box::new(PositionShortfall {
                units: 1,
                exhausted: vec![Exhausted {
                    entitlement: "ent-office".into(),
                    consumed_by: vec!["device:PC-1".into(), "device:PC-2".into()],
                }],
                error: None,
            }),
        }
    );
    assert_eq!(
        err.to_string(),
        "releasing `DML-OFFICE` to `PC-3` is refused by the licence position: 1 unit(s) would be \
         unlicensed: `ent-office` is exhausted by device:PC-1, device:PC-2"
    );
    assert_eq!(serde_json::to_value(cms.dml()).unwrap(), before);

    // The trail replays the gate's decisions as recorded, and the chain holds.
    assert_eq!(Cms::replay(cms.trail()).unwrap(), cms);
    assert_eq!(cms.verify_trail(), Ok(()));

    // Ungated, the same release would pass on the pool's count: the gate is what refuses.
    let mut ungated = cms.clone();
    ungated
        .execute(auth(13), Command::release("DML-OFFICE", 1, "PC-3"))
        .unwrap();
}

#[test]
fn the_cms_projects_into_the_estate_with_its_allocations() {
    let mut cms = cms();
    cms.execute(
        auth(4),
        Command::record(
            ConfigurationItem::new(
                "LIC-OFFICE",
                "Office proof of licence",
                LicenceDetails {
                    form: LicenceForm::ProofOfLicence,
                    ent_id: Some("ent-office".into()),
                    quantity: Some(2),
                },
            )
            .in_stage(LifecycleStage::Operation),
        ),
    )
    .unwrap();
    for pc in ["PC-1", "PC-3"] {
        cms.execute(
            auth(5),
            Command::relate("SW-OFFICE", RelationshipKind::InstalledOn, pc),
        )
        .unwrap();
    }
    cms.execute(
        auth(5),
        Command::relate("SW-OFFICE", RelationshipKind::LicensedBy, "LIC-OFFICE"),
    )
    .unwrap();
    cms.execute(
        auth(6),
        Command::move_stage("PC-2", LifecycleStage::Retirement),
    )
    .unwrap();

    let projection = project(&cms);
    let devices: Vec<&str> = projection
        .estate
        .devices
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(devices, ["PC-1", "PC-3"]);
    assert_eq!(projection.estate.installations.len(), 2);
    assert_eq!(
        projection.pins,
        [
            ("ent-office".into(), Pin::Device("PC-1".into())),
            ("ent-office".into(), Pin::Device("PC-3".into()))
        ]
    );
    assert_eq!(projection.unused.len(), 1);
    assert_eq!(projection.unused[0].path, "/items/PC-2");

    // Merged into the Ent side, the CMS's installations are counted and its allocations pin.
    let mut estate = base();
    let unused = projection.merge_into(&mut estate);
    assert_eq!(unused.len(), 1);
    assert_eq!(
        estate.entitlements[0].pinned,
        [Pin::Device("PC-1".into()), Pin::Device("PC-3".into())]
    );
    let position = reconcile(&estate, &policy()).unwrap();
    assert_eq!(position.totals.demand, 2);
    assert_eq!(position.totals.covered, 2);
}

#[test]
fn an_allocation_to_an_entitlement_the_estate_lacks_is_reported() {
    let mut cms = cms();
    cms.execute(
        auth(4),
        Command::record(ConfigurationItem::new(
            "LIC-X",
            "a licence of another contract",
            LicenceDetails {
                form: LicenceForm::Entitlement,
                ent_id: Some("ent-missing".into()),
                quantity: None,
            },
        )),
    )
    .unwrap();
    cms.execute(
        auth(5),
        Command::relate("SW-OFFICE", RelationshipKind::InstalledOn, "PC-1"),
    )
    .unwrap();
    cms.execute(
        auth(5),
        Command::relate("SW-OFFICE", RelationshipKind::LicensedBy, "LIC-X"),
    )
    .unwrap();
    let mut estate = base();
    let unused = project(&cms).merge_into(&mut estate);
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0].path, "/entitlements/ent-missing");
    assert!(unused[0].why.contains("does not hold"), "{}", unused[0].why);
}
