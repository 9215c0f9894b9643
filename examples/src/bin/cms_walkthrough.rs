//! A short walkthrough of the itam-core CMS and definitive media library.
//!
//! Run it with `cargo run -p itam-examples --bin cms_walkthrough`. It records a software CI and
//! a laptop under an authorized change, checks the definitive media into the library with one
//! licence, releases it, and shows the two refusals that follow: a release with no change
//! record, and a release with no free licence. Then it prints the audit trail.
//! (`cargo run -p itam-cli -- demo` is the long version.)

use chrono::{DateTime, TimeZone, Utc};
use itam_core::asset::{ConfigurationItem, HardwareDetails, SoftwareDetails};
use itam_core::change::ChangeStep;
use itam_core::cms::{Authorization, Cms, CmsError, Command};
use itam_core::dml::{DefinitiveItem, DmlId, LicencePool, Media};
use itam_core::lifecycle::LifecycleStage;
use itam_core::relationship::RelationshipKind;
use itam_core::{AssetId, Version, VersionScheme};

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

fn main() -> Result<(), CmsError> {
    let mut cms = Cms::new();

    // 19770-1 7.6.2: the change is requested and authorized before anything is changed.
    cms.request_change("CHG-1", "deploy Acme Editor to HW-1", "alice", at(0))?;
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", at(1))?;
    let carol = |minute| Authorization::under("CHG-1", "carol", at(minute));

    cms.execute(
        carol(2),
        Command::record(
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
            .owned_by("IT"),
        ),
    )?;
    cms.execute(
        carol(3),
        Command::record(
            ConfigurationItem::new("HW-1", "Laptop", HardwareDetails::physical("T14", "S-1"))
                .in_stage(LifecycleStage::Operation)
                .owned_by("Finance"),
        ),
    )?;
    cms.execute(
        carol(4),
        Command::CheckIn {
            item: DefinitiveItem {
                id: DmlId::new("DML-1"),
                software: AssetId::new("SW-1"),
                version: Version::new("3.2", VersionScheme::MultipartNumeric),
                media: Media::Electronic,
                checksum: None,
                storage_location: "dml://acme/editor/3.2".into(),
                licences: LicencePool::new(1),
            },
        },
    )?;

    // A release with no change record is refused, and the refusal is audited.
    let refused = cms.execute(
        Authorization::without_change("mallory", at(5)),
        Command::release("DML-1", 1, "HW-1"),
    );
    println!("release without a change record: {}", outcome(&refused));

    // Under the change, the release takes the one licence; the next finds none free.
    let released = cms.execute(carol(6), Command::release("DML-1", 1, "HW-1"));
    println!("release under CHG-1:              {}", outcome(&released));
    let again = cms.execute(carol(7), Command::release("DML-1", 1, "HW-1"));
    println!("a second release:                 {}", outcome(&again));

    // Deployment is recorded in the CMS (7.6.3), and the change is finished.
    cms.execute(
        carol(8),
        Command::relate("SW-1", RelationshipKind::InstalledOn, "HW-1"),
    )?;
    cms.execute(
        carol(9),
        Command::move_stage("SW-1", LifecycleStage::Deployment),
    )?;
    cms.advance_change("CHG-1", ChangeStep::Implement, "carol", at(10))?;
    cms.advance_change(
        "CHG-1",
        ChangeStep::Evaluate {
            successful: true,
            note: "editor runs".into(),
        },
        "bob",
        at(11),
    )?;
    cms.advance_change("CHG-1", ChangeStep::Close, "bob", at(12))?;

    if let Some(item) = cms.dml().item("DML-1") {
        println!(
            "\nDML-1 licences: {} of {} free",
            item.licences.free, item.licences.total
        );
    }
    println!("\nAudit trail:");
    for entry in cms.trail() {
        println!("  {entry}");
    }
    let rebuilt = Cms::replay(cms.trail()).is_ok_and(|c| c == cms);
    println!("\nReplaying the trail rebuilds the same CMS: {rebuilt}");
    println!("Data-quality findings: {}", cms.check().len());
    Ok(())
}

fn outcome(result: &Result<u64, CmsError>) -> String {
    match result {
        Ok(seq) => format!("executed (audit #{seq})"),
        Err(reason) => format!("refused: {reason}"),
    }
}
