//! The CMS and the discovered estate the trustworthy-data and indicator tests share.
//!
//! The CMS: Editor 3.2 and Viewer 1.0 recorded (owned by IT); HW-1 to HW-4 recorded and in
//! operation (owned by Finance), HW-5 in operation with no owner and no custodian. Discovery:
//! see [`discovered`].
#![allow(dead_code, clippy::unwrap_used)] // each test file uses part of it

use chrono::{DateTime, TimeZone, Utc};
use itam_core::asset::{ConfigurationItem, HardwareDetails, SoftwareDetails};
use itam_core::change::ChangeStep;
use itam_core::cms::{Authorization, Cms, Command};
use itam_core::dml::{DefinitiveItem, DmlId, LicencePool, Media};
use itam_core::estate::{Device, Estate, Installation, Software};
use itam_core::id::AssetId;
use itam_core::lifecycle::LifecycleStage;
use itam_core::relationship::RelationshipKind;
use itam_core::{Version, VersionScheme};

pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0).unwrap()
}

pub fn software_ci(id: &str, product: &str, version: &str, tag: &str) -> ConfigurationItem {
    ConfigurationItem::new(
        id,
        format!("{product} {version}"),
        SoftwareDetails::executable(
            "Acme",
            product,
            Version::new(version, VersionScheme::MultipartNumeric),
        )
        .with_tag_id(tag),
    )
    .owned_by("IT")
    .in_stage(LifecycleStage::Release)
}

pub fn machine(id: &str) -> ConfigurationItem {
    ConfigurationItem::new(
        id,
        format!("laptop {id}"),
        HardwareDetails::physical("T14", id),
    )
    .owned_by("Finance")
    .in_stage(LifecycleStage::Operation)
}

/// A CMS with change CHG-1 requested by alice and authorised by bob.
pub fn authorised(title: &str) -> Cms {
    let mut cms = Cms::new();
    cms.request_change("CHG-1", title, "alice", at(0)).unwrap();
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", at(1))
        .unwrap();
    cms
}

/// Carol executes `command` under CHG-1.
pub fn run(cms: &mut Cms, command: Command) {
    cms.execute(Authorization::under("CHG-1", "carol", at(2)), command)
        .unwrap();
}

/// Checks the software CI `sw` at `version` into the DML as `dml`, with a pool of `licences`.
pub fn check_in(dml: &str, sw: &str, version: Version, licences: u32) -> Command {
    Command::CheckIn {
        item: DefinitiveItem {
            id: DmlId::new(dml),
            software: AssetId::new(sw),
            version,
            media: Media::Electronic,
            checksum: None,
            storage_location: format!("dml://{dml}"),
            licences: LicencePool::new(licences),
        },
    }
}

/// The CMS: Editor 3.2 released to and installed on HW-1; Editor 3.2 also installed on HW-2
/// without a release; Viewer 1.0 released to and installed on HW-3; HW-4 records Editor and
/// was never discovered; HW-5 has no owner and no custodian.
pub fn cms() -> Cms {
    let mut cms = authorised("editor roll-out");
    run(
        &mut cms,
        Command::record(software_ci("SW-ED", "Editor", "3.2", "acme-editor-3.2")),
    );
    run(
        &mut cms,
        Command::record(software_ci("SW-VW", "Viewer", "1.0", "acme-viewer-1.0")),
    );
    for id in ["HW-1", "HW-2", "HW-3", "HW-4"] {
        run(&mut cms, Command::record(machine(id)));
    }
    let mut orphan = machine("HW-5");
    orphan.owner = None;
    run(&mut cms, Command::record(orphan));
    for (dml, sw) in [("DML-ED", "SW-ED"), ("DML-VW", "SW-VW")] {
        let version = cms.item(sw).unwrap().software().unwrap().version.clone();
        run(&mut cms, check_in(dml, sw, version, 10));
    }
    run(&mut cms, Command::release("DML-ED", 1, "HW-1"));
    run(&mut cms, Command::release("DML-VW", 1, "HW-3"));
    run(&mut cms, Command::release("DML-ED", 1, "HW-4"));
    for (sw, hw) in [
        ("SW-ED", "HW-1"),
        ("SW-ED", "HW-2"),
        ("SW-VW", "HW-3"),
        ("SW-ED", "HW-4"),
    ] {
        run(
            &mut cms,
            Command::relate(sw, RelationshipKind::InstalledOn, hw),
        );
    }
    cms
}

pub fn sw(tag: &str, product: &str, version: &str) -> Software {
    serde_json::from_value(serde_json::json!({
        "tag_id": tag, "publisher": "Acme", "product": product, "version": version
    }))
    .unwrap()
}

pub fn installed(tag: &str, device: &str) -> Installation {
    Installation {
        software: tag.into(),
        device: device.into(),
        user: None,
        last_used: None,
    }
}

/// Discovery: HW-1 has Editor 3.2 (as recorded); HW-2 has Editor 3.3 (drift); HW-3 has Paint
/// 2.0 (found, not recorded) but not the Viewer recorded there (missing); HW-6, not in the
/// CMS, has Viewer 1.0, which the CMS records on HW-3 (moved); HW-4 is not discovered.
pub fn discovered() -> Estate {
    Estate {
        devices: ["HW-1", "HW-2", "HW-3", "HW-6"]
            .into_iter()
            .map(Device::physical)
            .collect(),
        software: vec![
            sw("acme-editor-3.2", "Editor", "3.2"),
            sw("acme-editor-3.3", "Editor", "3.3"),
            sw("acme-paint-2.0", "Paint", "2.0"),
            sw("acme-viewer-1.0", "Viewer", "1.0"),
        ],
        installations: vec![
            installed("acme-editor-3.2", "HW-1"),
            installed("acme-editor-3.3", "HW-2"),
            installed("acme-paint-2.0", "HW-3"),
            installed("acme-viewer-1.0", "HW-6"),
        ],
        ..Estate::default()
    }
}
