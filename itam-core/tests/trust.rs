//! Trustworthy data (19770-1 tier 1): discovered installations against the CMS, one finding
//! per kind of disagreement, each with its rule, severity and clause.

#![allow(clippy::unwrap_used)] // test helpers may fail loudly

use chrono::{DateTime, TimeZone, Utc};
use itam_core::asset::{ConfigurationItem, HardwareDetails, SoftwareDetails};
use itam_core::change::ChangeStep;
use itam_core::cms::{Authorization, Cms, Command};
use itam_core::diag::Severity;
use itam_core::dml::{DefinitiveItem, DmlId, LicencePool, Media};
use itam_core::estate::{Device, Estate, Installation, Software};
use itam_core::id::AssetId;
use itam_core::lifecycle::LifecycleStage;
use itam_core::relationship::RelationshipKind;
use itam_core::trust::{self, CATALOGUE};
use itam_core::{Version, VersionScheme};

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0).unwrap()
}

fn software_ci(id: &str, product: &str, version: &str, tag: &str) -> ConfigurationItem {
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

fn machine(id: &str) -> ConfigurationItem {
    ConfigurationItem::new(
        id,
        format!("laptop {id}"),
        HardwareDetails::physical("T14", id),
    )
    .owned_by("Finance")
    .in_stage(LifecycleStage::Operation)
}

/// A CMS with change CHG-1 requested by alice and authorised by bob.
fn authorised(title: &str) -> Cms {
    let mut cms = Cms::new();
    cms.request_change("CHG-1", title, "alice", at(0)).unwrap();
    cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", at(1))
        .unwrap();
    cms
}

/// Carol executes `command` under CHG-1.
fn run(cms: &mut Cms, command: Command) {
    cms.execute(Authorization::under("CHG-1", "carol", at(2)), command)
        .unwrap();
}

/// Checks the software CI `sw` at `version` into the DML as `dml`, with a pool of `licences`.
fn check_in(dml: &str, sw: &str, version: Version, licences: u32) -> Command {
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
fn cms() -> Cms {
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

fn sw(tag: &str, product: &str, version: &str) -> Software {
    serde_json::from_value(serde_json::json!({
        "tag_id": tag, "publisher": "Acme", "product": product, "version": version
    }))
    .unwrap()
}

fn installed(tag: &str, device: &str) -> Installation {
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
fn discovered() -> Estate {
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

fn lines(report: &itam_core::diag::Report) -> Vec<String> {
    report.findings().iter().map(ToString::to_string).collect()
}

#[test]
fn each_disagreement_is_one_finding_with_rule_severity_and_clause() {
    let report = trust::compare(&cms(), &discovered());
    let rules: Vec<(&str, &str)> = report
        .findings()
        .iter()
        .map(|f| (f.rule.as_str(), f.location.path.as_str()))
        .collect();
    let mut expected = vec![
        ("TRUST-DRIFT-1", "/installations/1"),
        ("TRUST-FOUND-1", "/installations/2"),
        ("TRUST-MOVED-1", "/installations/3"),
        ("TRUST-MISSING-1", "/relationships/SW-VW/installed_on/HW-3"),
        ("TRUST-RELEASE-1", "/relationships/SW-ED/installed_on/HW-2"),
        ("TRUST-UNSEEN-1", "/items/HW-4"),
        ("TRUST-CUSTODY-1", "/items/HW-5"),
    ];
    let mut got = rules.clone();
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got, expected, "{:#?}", lines(&report));

    let text = lines(&report).join("\n");
    assert!(
        text.contains(
            "`acme-viewer-1.0` is found on `HW-6` but the CMS records it on HW-3 [19770-1 tier 1]"
        ),
        "{text}"
    );
    assert!(text.contains(
        "`Acme` Editor 3.3 found on `HW-2` as version 3.3 (`acme-editor-3.3`), but the CMS records `SW-ED` version 3.2"
    ), "{text}");
    assert!(text.contains(
        "`SW-ED` is recorded on `HW-2` without a release from the definitive media library [19770-1 7.6.3]"
    ), "{text}");
    let release = report.by_rule("TRUST-RELEASE-1").next().unwrap();
    assert_eq!(release.severity, Severity::Error);
}

#[test]
fn data_that_agrees_gives_no_finding() {
    let mut estate = discovered();
    estate.installations.truncate(1); // only HW-1's Editor 3.2, exactly as recorded
    let mut cms = authorised("one");
    run(
        &mut cms,
        Command::record(software_ci("SW-ED", "Editor", "3.2", "acme-editor-3.2")),
    );
    run(&mut cms, Command::record(machine("HW-1")));
    let version = Version::new("3.2", VersionScheme::MultipartNumeric);
    run(&mut cms, check_in("DML-ED", "SW-ED", version, 1));
    run(&mut cms, Command::release("DML-ED", 1, "HW-1"));
    run(
        &mut cms,
        Command::relate("SW-ED", RelationshipKind::InstalledOn, "HW-1"),
    );
    estate.devices.truncate(1);
    let report = trust::compare(&cms, &estate);
    assert!(report.is_empty(), "{:#?}", lines(&report));
}

#[test]
fn software_without_a_tag_id_matches_by_product_and_version() {
    let cms = cms();
    // A CI without a tagId is the discovered software when publisher, product and version
    // agree (case-insensitively for the names).
    let untagged: Cms = {
        let mut value = serde_json::to_value(&cms).unwrap();
        for item in value["items"].as_array_mut().unwrap() {
            if item["id"] == "SW-ED" {
                let removed = item["kind"].as_object_mut().unwrap().remove("tag_id");
                assert_eq!(removed, Some("acme-editor-3.2".into()), "{item}");
                item["kind"]["product"] = "EDITOR".into();
            }
        }
        value.as_object_mut().unwrap().remove("trail");
        serde_json::from_value(value).unwrap()
    };
    let report = trust::compare(&untagged, &discovered());
    // HW-1 still agrees; HW-2 still drifts (3.3 against 3.2).
    assert!(
        report
            .by_rule("TRUST-DRIFT-1")
            .any(|f| f.location.path == "/installations/1")
    );
    assert!(
        !report
            .findings()
            .iter()
            .any(|f| f.location.path == "/installations/0"),
        "{:#?}",
        lines(&report)
    );
}

#[test]
fn the_catalogue_documents_every_rule_once() {
    let ids: Vec<&str> = CATALOGUE.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "the catalogue is in id order without repeats");
    let docs = include_str!("../src/trust.rs");
    for rule in CATALOGUE {
        assert!(
            docs.contains(&format!("| `{}` |", rule.id)),
            "{} is not in the module table",
            rule.id
        );
        assert!(!rule.clause.is_empty());
    }
}
