//! SBOMs as inventory (issue 16 point 3): the software of a CycloneDX JSON BOM (the
//! CycloneDX specification's own licensing examples, read in place, and a BOM written here
//! with nested components and parts that are not software) and of an SPDX 2.3 JSON document
//! becomes installations on the device whose folder the file is in; what is left out is
//! listed with its reason; a BOM's licensing objects are still read as entitlements.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use itam_ent::Entity;
use itam_intake::{Intake, Options, Outcome};

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../shared/corpus-ent/CycloneDX__specification/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn intake() -> Intake {
    let mut intake = Intake::new(Options::default());
    intake.devices(
        "devices.json",
        br#"{"devices": [{"id": "d1"}, {"id": "d2"}]}"#,
    );
    intake
}

fn notes_of(out: &Outcome) -> Vec<String> {
    out.unused
        .iter()
        .map(|u| format!("{} {:?} {}", u.input, u.item, u.why))
        .collect()
}

fn notes(out: &Outcome) -> Vec<(String, String)> {
    out.unused
        .iter()
        .map(|u| (u.item.clone().unwrap_or_default(), u.why.to_string()))
        .collect()
}

#[test]
fn the_cyclonedx_specification_examples_give_their_component_as_an_installation() {
    for name in [
        "valid-license-licensing-1.5.json",
        "valid-license-licensing-1.6.json",
    ] {
        let bom = corpus(name);
        let mut intake = intake();
        intake.inventory(Some("d1"), name, &bom);
        let out = intake.finish();
        let software: Vec<(&str, &str, &str)> = out
            .estate
            .software
            .iter()
            .map(|s| (s.publisher.as_str(), s.product.as_str(), s.version.as_str()))
            .collect();
        assert_eq!(
            software,
            [("Acme Inc", "cryptographic-provider", "2.2.0")],
            "{name}"
        );
        assert_eq!(out.estate.installations.len(), 1);
        assert_eq!(out.estate.installations[0].device.as_str(), "d1");
        // The licensing object is noted: it is read when the BOM is handed to the entitlements.
        let notes = notes(&out);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].1.contains("licensing objects are entitlements"),
            "{notes:?}"
        );

        // Handed to the entitlements as well, the same BOM gives its Ent: an `appliance` licence
        // names no metric, so the Ent is listed with that reason rather than counted.
        let mut both = self::intake();
        both.inventory(Some("d1"), name, &bom);
        both.entitlement_named(
            "bom.cdx.json",
            &bom,
            &Entity::new("Importer", "importer.example", Vec::new()),
        );
        let both = both.finish();
        let ent = notes_of(&both);
        assert!(
            ent.iter()
                .any(|n| n.starts_with("bom.cdx.json Some(\"ent:urn:cdx:")
                    && n.ends_with("no counted right: nothing to reconcile")),
            "{name}: {ent:#?}"
        );
    }
}

const CDX: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": "urn:uuid:0b6d-test", "version": 1,
  "components": [
    {"type": "application", "name": "editor", "version": "3.4",
     "purl": "pkg:deb/debian/editor@3.4-1?arch=amd64",
     "components": [
       {"type": "library", "name": "libspell", "version": "1.2", "supplier": {"name": "Spell Org"},
        "bom-ref": "libspell"}
     ]},
    {"type": "file", "name": "readme.txt"},
    {"type": "library", "version": "9"},
    {"type": "operating-system", "name": "Debian", "version": "12", "publisher": "Debian Project"}
  ]
}"#;

#[test]
fn a_cyclonedx_bom_gives_every_software_component_at_any_depth_and_lists_the_rest() {
    let mut intake = intake();
    intake.inventory(Some("d2"), "d2/bom.cdx.json", CDX.as_bytes());
    let out = intake.finish();
    let mut software: Vec<(&str, &str, &str, &str)> = out
        .estate
        .software
        .iter()
        .map(|s| {
            (
                s.tag_id.as_str(),
                s.publisher.as_str(),
                s.product.as_str(),
                s.version.as_str(),
            )
        })
        .collect();
    software.sort_unstable();
    assert_eq!(
        software,
        [
            ("Debian Project/Debian@12", "Debian Project", "Debian", "12"),
            // The publisher from the purl's namespace.
            (
                "pkg:deb/debian/editor@3.4-1?arch=amd64",
                "debian",
                "editor",
                "3.4"
            ),
            (
                "urn:uuid:0b6d-test#libspell",
                "Spell Org",
                "libspell",
                "1.2"
            ),
        ]
    );
    assert_eq!(out.estate.installations.len(), 3);
    let notes = notes(&out);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|(item, why)| item == "component:readme.txt"
                && why.contains("of type `file` is not installed software"))
    );
    assert!(
        notes
            .iter()
            .any(|(item, why)| item == "/components/2" && why.contains("without a name"))
    );
}

const SPDX: &str = r#"{
  "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
  "name": "ws-01", "documentNamespace": "https://example.com/spdx/ws-01",
  "creationInfo": {"created": "2026-11-30T10:00:00Z", "creators": ["Tool: hand"]},
  "packages": [
    {"SPDXID": "SPDXRef-bash", "name": "bash", "versionInfo": "5.2.15-2+b2",
     "supplier": "Organization: Debian", "licenseConcluded": "GPL-3.0-or-later",
     "downloadLocation": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                       "referenceLocator": "pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64"}]},
    {"SPDXID": "SPDXRef-office", "name": "Office", "versionInfo": "2024",
     "supplier": "NOASSERTION", "originator": "Organization: Example Software Inc.",
     "downloadLocation": "NOASSERTION", "primaryPackagePurpose": "APPLICATION"},
    {"SPDXID": "SPDXRef-src", "name": "office-src", "downloadLocation": "NOASSERTION",
     "primaryPackagePurpose": "SOURCE"}
  ]
}"#;

#[test]
fn an_spdx_document_gives_its_packages_and_lists_what_is_not_installed_software() {
    let mut intake = intake();
    intake.inventory(Some("d1"), "d1/ws-01.spdx.json", SPDX.as_bytes());
    let out = intake.finish();
    let software: Vec<(&str, &str, &str, &str)> = out
        .estate
        .software
        .iter()
        .map(|s| {
            (
                s.tag_id.as_str(),
                s.publisher.as_str(),
                s.product.as_str(),
                s.version.as_str(),
            )
        })
        .collect();
    assert_eq!(
        software,
        [
            (
                "https://example.com/spdx/ws-01#SPDXRef-office",
                "Example Software Inc.",
                "Office",
                "2024"
            ),
            (
                "pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64",
                "Debian",
                "bash",
                "5.2.15-2+b2"
            ),
        ]
    );
    let notes = notes(&out);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, "package:office-src");
    assert!(notes[0].1.contains("purpose is SOURCE"), "{notes:?}");
}

#[test]
fn a_broken_sbom_is_unreadable_with_its_position() {
    let mut intake = intake();
    intake.inventory(
        Some("d1"),
        "d1/bad.cdx.json",
        br#"{"bomFormat": "CycloneDX", "components": {"name": "x"}}"#,
    );
    let out = intake.finish();
    assert_eq!(out.unused.len(), 1);
    let why = out.unused[0].why.to_string();
    assert!(why.starts_with("unreadable: not a CycloneDX BOM:"), "{why}");
    assert!(why.contains("line 1 column"), "{why}");
}

#[test]
fn every_truncation_of_an_sbom_is_read_or_refused_never_lost() {
    for text in [CDX, SPDX] {
        for cut in 0..text.len() {
            let Some(part) = text.get(..cut) else {
                continue;
            };
            let mut intake = intake();
            intake.inventory(Some("d1"), "d1/cut.json", part.as_bytes());
            let out = intake.finish();
            // Either something was read, or the input is listed with its reason.
            assert!(
                !out.estate.installations.is_empty()
                    || out.unused.iter().any(|u| u.input == "d1/cut.json"),
                "cut at {cut}: nothing read and nothing said"
            );
        }
    }
}
