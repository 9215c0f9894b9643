use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

use super::*;
use crate::asset::{ConfigurationItem, HardwareDetails, SoftwareDetails};
use crate::change::ChangeStep;
use crate::cms::{Authorization, Command};
use crate::dml::{DefinitiveItem, DmlId, LicencePool, Media};
use crate::id::AssetId;
use crate::lifecycle::LifecycleStage;
use crate::version::{Version, VersionScheme};

fn t(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, minute, 0).unwrap()
}

/// A clean CMS built through commands: software installed on a laptop, its definitive item
/// with one licence released.
fn baseline() -> Cms {
    let mut cms = Cms::new();
    cms.request_change("CHG-1", "deploy", "alice", t(0))
        .unwrap();
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", t(1))
        .unwrap();
    let auth = || Authorization::under("CHG-1", "carol", t(2));
    let commands = [
        Command::record(
            ConfigurationItem::new(
                "SW-1",
                "Editor",
                SoftwareDetails::executable(
                    "Acme",
                    "Editor",
                    Version::new("3.2", VersionScheme::MultipartNumeric),
                ),
            )
            .in_stage(LifecycleStage::Deployment)
            .owned_by("IT"),
        ),
        Command::record(
            ConfigurationItem::new("HW-1", "Laptop", HardwareDetails::physical("T14", "S1"))
                .in_stage(LifecycleStage::Operation)
                .owned_by("IT"),
        ),
        Command::CheckIn {
            item: DefinitiveItem {
                id: DmlId::new("DML-1"),
                software: AssetId::new("SW-1"),
                version: Version::new("3.2", VersionScheme::MultipartNumeric),
                media: Media::Electronic,
                checksum: None,
                storage_location: "dml://acme".into(),
                licences: LicencePool::new(2),
            },
        },
        Command::release("DML-1", 1, "HW-1"),
        Command::relate("SW-1", RelationshipKind::InstalledOn, "HW-1"),
    ];
    for command in commands {
        cms.execute(auth(), command).unwrap();
    }
    cms
}

/// The baseline's JSON form, edited, read back (as a CMS written elsewhere would be).
fn edited(edit: impl FnOnce(&mut Value)) -> Cms {
    let mut value = serde_json::to_value(baseline()).unwrap();
    edit(&mut value);
    serde_json::from_value(value).unwrap()
}

fn rules(cms: &Cms) -> Vec<String> {
    check(cms)
        .findings()
        .iter()
        .map(|f| f.rule.clone())
        .collect()
}

#[test]
fn the_baseline_is_clean() {
    let report = baseline().check();
    assert!(report.is_empty(), "{report:?}");
}

#[test]
fn the_catalogue_is_sorted_and_lists_every_rule_once() {
    assert!(CATALOGUE.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(CATALOGUE.len(), 6);
    for rule in CATALOGUE {
        assert!(rule.id.starts_with("CMS-"));
        assert!(!rule.summary.is_empty());
    }
}

#[test]
fn owner_rule_fires_on_an_item_without_owner() {
    let cms = edited(|v| {
        v["items"][0].as_object_mut().unwrap().remove("owner");
    });
    let report = check(&cms);
    assert_eq!(rules(&cms), ["CMS-OWNER-1"]);
    let f = &report.findings()[0];
    assert_eq!(f.location.path, "/items/HW-1/owner");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.message, "configuration item `HW-1` (Laptop) has no owner");
}

#[test]
fn install_rule_fires_on_an_installation_of_unrecorded_software() {
    let cms = edited(|v| {
        v["relationships"]
            .as_array_mut()
            .unwrap()
            .push(json!({"source": "SW-404", "kind": "installed_on", "target": "HW-1"}));
    });
    let report = check(&cms);
    assert_eq!(rules(&cms), ["CMS-INSTALL-1"]);
    assert_eq!(
        report.findings()[0].location.path,
        "/relationships/SW-404/installed_on/HW-1"
    );
}

#[test]
fn dml_rule_fires_on_a_definitive_item_without_ci() {
    let cms = edited(|v| {
        v["dml"]["items"][0]["software"] = json!("SW-404");
    });
    assert_eq!(rules(&cms), ["CMS-DML-1"]);
}

#[test]
fn ref_rule_fires_on_a_relationship_to_a_missing_item() {
    let cms = edited(|v| {
        v["relationships"]
            .as_array_mut()
            .unwrap()
            .push(json!({"source": "HW-1", "kind": "depends_on", "target": "HW-404"}));
        v["relationships"]
            .as_array_mut()
            .unwrap()
            .push(json!({"source": "HW-405", "kind": "depends_on", "target": "HW-1"}));
    });
    let report = check(&cms);
    assert_eq!(rules(&cms), ["CMS-REF-1", "CMS-REF-1"]);
    assert!(
        report.findings()[0]
            .message
            .contains("`HW-404` is not recorded")
    );
}

#[test]
fn pool_rule_fires_when_releases_exceed_the_pool() {
    // One licence released, but the pool claims both are still free.
    let cms = edited(|v| {
        v["dml"]["items"][0]["licences"]["free"] = json!(2);
    });
    let report = check(&cms);
    assert_eq!(rules(&cms), ["CMS-POOL-1"]);
    assert_eq!(
        report.findings()[0].message,
        "licence pool of `DML-1` is over-allocated by 1: 2 total, 2 free, 1 released"
    );
}

#[test]
fn retired_rule_fires_on_a_retired_item_still_in_use() {
    let mut cms = baseline();
    cms.execute(
        Authorization::under("CHG-1", "carol", t(5)),
        Command::move_stage("HW-1", LifecycleStage::Retirement),
    )
    .unwrap();
    let report = check(&cms);
    assert_eq!(rules(&cms), ["CMS-RETIRED-1"]);
    assert_eq!(
        report.findings()[0].message,
        "`HW-1` is retired but still in use: SW-1 installed on HW-1"
    );

    // Once the installation is removed, the retired laptop is no longer in use.
    cms.execute(
        Authorization::under("CHG-1", "carol", t(6)),
        Command::Unrelate {
            relationship: crate::relationship::Relationship::new(
                "SW-1",
                RelationshipKind::InstalledOn,
                "HW-1",
            ),
        },
    )
    .unwrap();
    assert!(check(&cms).is_empty());
}

#[test]
fn retired_software_still_installed_is_in_use_too() {
    let mut cms = baseline();
    cms.execute(
        Authorization::under("CHG-1", "carol", t(5)),
        Command::move_stage("SW-1", LifecycleStage::Retirement),
    )
    .unwrap();
    assert_eq!(rules(&cms), ["CMS-RETIRED-1"]);
}
