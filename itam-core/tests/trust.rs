//! Trustworthy data (19770-1 tier 1): discovered installations against the CMS, one finding
//! per kind of disagreement, each with its rule, severity and clause.

#![allow(clippy::unwrap_used)] // test helpers may fail loudly

use itam_core::change::ChangeStep;
use itam_core::cms::{Cms, Command};
use itam_core::diag::Severity;
use itam_core::relationship::RelationshipKind;
use itam_core::trust::{self, CATALOGUE};
use itam_core::{Version, VersionScheme};

mod support;
use support::*;

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

#[test]
fn audit_reports_refused_self_approvals_and_a_trail_that_does_not_verify() {
    let mut cms = cms();
    assert!(
        trust::audit(&cms).is_empty(),
        "{:#?}",
        lines(&trust::audit(&cms))
    );
    cms.request_change("CHG-2", "add a laptop", "dana", at(5))
        .unwrap();
    let refused = cms.advance_change("CHG-2", ChangeStep::Authorize, "dana", at(6));
    assert!(refused.is_err());
    let report = trust::audit(&cms);
    let found: Vec<(&str, &str)> = report
        .findings()
        .iter()
        .map(|f| (f.rule.as_str(), f.location.path.as_str()))
        .collect();
    let refusal = cms.trail().len() - 1;
    let path = format!("/trail/{refusal}");
    assert_eq!(found, [("TRUST-SOD-1", path.as_str())]);
    assert!(
        report.findings()[0]
            .message
            .starts_with("`dana` tried to authorize change `CHG-2`, which they requested"),
        "{}",
        report.findings()[0].message
    );

    // The change record's summary rewritten in the stored trail: the chain breaks there.
    let mut json = serde_json::to_value(&cms).unwrap();
    let request = refusal - 3; // request, its outcome, the authorization, its refusal
    assert_eq!(json["trail"][request]["event"]["summary"], "add a laptop");
    json["trail"][request]["event"]["summary"] = "something else".into();
    let edited: Cms = serde_json::from_value(json).unwrap();
    let report = trust::audit(&edited);
    let trail: Vec<&str> = report
        .by_rule("TRUST-TRAIL-1")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(trail.len(), 1, "{:#?}", lines(&report));
    assert!(trail[0].contains("hash chain is broken"), "{}", trail[0]);
}
