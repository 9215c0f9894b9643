//! CycloneDX `licensing` and OpTISAM acquired-rights imports, tested against the real files,
//! read in place from the shared corpus.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[path = "../../itam-swid/tests/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;

use itam_ent::cyclonedx::{CdxError, import};
use itam_ent::values::{LimitType, Role};
use itam_ent::{Entity, Profile, ReadOptions, read_str, validate, write};

fn corpus() -> Option<PathBuf> {
    corpus::folder("corpus-ent/CycloneDX__specification")
}

fn importer() -> Entity {
    Entity::new("Importer Ltd", "importer.example", vec![])
}

const FILES: [&str; 7] = [
    "valid-license-licensing-1.5.json",
    "valid-license-licensing-1.5.xml",
    "valid-license-licensing-1.6.json",
    "valid-license-licensing-1.6.xml",
    "valid-license-expression-with-licensing-1.7.json",
    "valid-license-expression-with-licensing-1.7.xml",
    "valid-license-name-with-licensing-1.7.json",
];

#[test]
fn every_corpus_example_imports_to_a_valid_ent() {
    let Some(dir) = corpus() else { return };
    for file in FILES {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let imported = import(&text, &importer()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(imported.len(), 1, "{file}");
        let ent = &imported[0].ent;
        let report = validate(ent, Profile::reconstructed());
        assert!(report.is_empty(), "{file}:\n{report}");
        assert_eq!(
            &read_str(&write(ent).unwrap(), &ReadOptions::STRICT)
                .unwrap()
                .value,
            ent,
            "{file}"
        );
        // What the example says, mapped.
        assert_eq!(ent.name, "cryptographic-provider", "{file}");
        let role_of = |name: &str| {
            ent.entities
                .iter()
                .find(|e| e.name == name)
                .map(|e| e.role.clone())
                .unwrap_or_default()
        };
        assert!(role_of("Acme Inc").contains(&Role::Licensor), "{file}");
        assert!(
            role_of("Acme Inc").contains(&Role::SoftwareCreator),
            "{file}"
        );
        assert_eq!(role_of("Example Co."), [Role::Licensee], "{file}");
        assert_eq!(role_of("Samantha Wright"), [Role::Purchaser], "{file}");
        let samantha = ent
            .entities
            .iter()
            .find(|e| e.name == "Samantha Wright")
            .unwrap();
        assert_eq!(samantha.meta[0].get("contactPhone"), Some("800-555-1212"));
        assert_eq!(ent.order_info[0].order_id.as_deref(), Some("PO-12345"));
        let right = &ent.rights[0];
        assert!(right.limits.iter().any(
            |l| l.limit_type == LimitType::Hardware && l.value.as_deref() == Some("appliance")
        ));
        let time = right
            .limits
            .iter()
            .find(|l| l.limit_type == LimitType::Time)
            .unwrap();
        assert_eq!(
            time.limit_time[0].start.unwrap().to_rfc3339(),
            "2022-04-13T20:20:39+00:00"
        );
        assert!(time.limit_time[0].end > time.limit_time[0].start);
        assert!(right.valid_versions[0].range.contains("2.2.0"));
        let alt: Vec<_> = ent.meta.iter().filter_map(|m| m.get("altId")).collect();
        assert_eq!(alt, ["acme", "acme-license"], "{file}");
        assert!(ent.ent_id.as_str().starts_with("urn:cdx:"), "{file}");
        assert!(ent.ent_id.as_str().ends_with("#acme-license-1"), "{file}");
        let notes = &imported[0].notes;
        assert!(
            notes.iter().any(|n| n.contains("unmeasured")),
            "{file}: {notes:?}"
        );
    }
}

#[test]
fn json_and_xml_forms_import_to_the_same_ent() {
    let Some(dir) = corpus() else { return };
    for (json, xml) in [
        (
            "valid-license-licensing-1.5.json",
            "valid-license-licensing-1.5.xml",
        ),
        (
            "valid-license-licensing-1.6.json",
            "valid-license-licensing-1.6.xml",
        ),
        (
            "valid-license-expression-with-licensing-1.7.json",
            "valid-license-expression-with-licensing-1.7.xml",
        ),
    ] {
        let a = import(
            &std::fs::read_to_string(dir.join(json)).unwrap(),
            &importer(),
        )
        .unwrap();
        let b = import(
            &std::fs::read_to_string(dir.join(xml)).unwrap(),
            &importer(),
        )
        .unwrap();
        assert_eq!(a, b, "{json} vs {xml}");
    }
    let expr = import(
        &std::fs::read_to_string(dir.join("valid-license-expression-with-licensing-1.7.json"))
            .unwrap(),
        &importer(),
    )
    .unwrap();
    assert_eq!(
        expr[0].ent.ent_meta[0].license_expression.as_deref(),
        Some("LicenseRef-AcmeCommercialLicense")
    );
}

#[test]
fn metrics_unknown_types_and_bad_dates_are_reported() {
    let text = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
      "components":[{"name":"db","licenses":[{"license":{"id":"MIT","url":"https://x.example/l",
      "licensing":{"licenseTypes":["subscription","core-points","other"],"expiration":"soon",
      "licensee":{"organization":{"name":"B","url":["https://b.example/about"]}}}}}]}]}"#;
    let out = import(text, &importer()).unwrap();
    let ent = &out[0].ent;
    assert_eq!(ent.rights[0].metrics[0].metric_type.as_str(), "core");
    assert_eq!(
        ent.entities[1].regid.as_ref().unwrap().as_str(),
        "b.example"
    );
    assert_eq!(ent.links[0].href, "https://x.example/l");
    assert!(ent.meta.iter().any(|m| m.get("expiration") == Some("soon")));
    assert!(
        ent.meta
            .iter()
            .any(|m| m.get("cyclonedxLicenseType") == Some("other"))
    );
    assert_eq!(out[0].notes.len(), 3, "{:?}", out[0].notes);
    assert!(ent.ent_id.as_str().ends_with("#/components/0/licenses/0"));
}

#[test]
fn non_cyclonedx_input_is_refused() {
    assert!(matches!(
        import("{}", &importer()),
        Err(CdxError::NotCycloneDx(_))
    ));
    assert!(matches!(import("{", &importer()), Err(CdxError::Json(_))));
    assert!(matches!(
        import("<bom/>", &importer()),
        Err(CdxError::NotCycloneDx(_))
    ));
    assert!(matches!(import("<bom", &importer()), Err(CdxError::Xml(_))));
}

#[test]
fn optisam_acquired_rights_csv_imports_to_valid_ents() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("../Orange-OpenSource__optisam-backend/products_acquiredRights.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let out = itam_ent::optisam::import_csv(&text, &importer()).unwrap();
    assert_eq!(out.len(), 5);
    let first = &out[0].ent;
    assert_eq!(first.ent_id.as_str(), "optisam:MCT2885");
    assert_eq!(first.name, "Red Hat OpenStack Platform");
    assert_eq!(first.ent_meta[0].edition.as_deref(), Some("Standard"));
    assert_eq!(
        first.rights[0].metrics[0].quantity(),
        Some(itam_core::Decimal::from(388))
    );
    assert_eq!(first.rights[0].metrics[0].metric_type.as_str(), "instance");
    assert_eq!(
        first.rights[0].valid_versions[0]
            .tag_id
            .as_ref()
            .unwrap()
            .as_str(),
        "RHOSP"
    );
    assert_eq!(
        first.invoice_data[0].unit_price,
        Some(itam_core::Decimal::from(430))
    );
    assert_eq!(
        first.meta[0].get("maintenance_end"),
        Some("2021-05-31T10:58:56.0260078Z")
    );
    // The quoted product name keeps no quotes; the unknown metric is kept and noted.
    assert_eq!(
        out[2].ent.name,
        "Red Hat Enterprise Linux with Smart Virtualization"
    );
    assert_eq!(
        out[3].ent.rights[0].metrics[0].metric_type.as_str(),
        "ceph-1-node"
    );
    assert_eq!(out[3].notes.len(), 1);
    for imported in &out {
        let report = validate(&imported.ent, Profile::reconstructed());
        assert!(report.is_conformant(), "{}:\n{report}", imported.ent.ent_id);
        assert_eq!(
            &read_str(&write(&imported.ent).unwrap(), &ReadOptions::STRICT)
                .unwrap()
                .value,
            &imported.ent
        );
    }
}
