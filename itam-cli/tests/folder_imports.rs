//! `itam reconcile DIR` hands a CycloneDX BOM and an OpTISAM acquired-rights CSV found among
//! the entitlements to the library intake (issue 13 point 1), routed by file name, and lists
//! one it cannot read with its reason.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

#[test]
fn cyclonedx_and_optisam_files_in_the_entitlements_folder_become_entitlements() {
    let dir = TempDir::new("folder-imports");
    std::fs::create_dir_all(dir.join("inventory/pc-1")).unwrap();
    std::fs::create_dir_all(dir.join("entitlements/boms")).unwrap();
    std::fs::write(
        dir.join("devices.json"),
        br#"{"devices": [{"id": "pc-1"}]}"#,
    )
    .unwrap();
    std::fs::copy(
        format!(
            "{}/tests/data/ent/cyclonedx/two-licences.cdx.json",
            env!("CARGO_MANIFEST_DIR")
        ),
        dir.join("entitlements/boms/two-licences.cdx.json"),
    )
    .unwrap();
    std::fs::write(
        dir.join("entitlements/rights.csv"),
        "sku;product;editor;metric;acquired_licenses;swidtag\n\
         SKU-1;Tool;Acme;INSTANCE;5;acme-tool\n",
    )
    .unwrap();
    std::fs::write(dir.join("entitlements/bom.json"), br#"{"x": 1}"#).unwrap();
    let out = itam(&["reconcile", "--as-of", "2026-10-01", "--json", &dir.arg("")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let position = json(&out);
    let ids: Vec<&str> = position["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    // The BOM's two licensing objects and the CSV's row.
    assert_eq!(ids.len(), 3, "{ids:?}\n{position}");
    let unused = position["unused"].as_array().unwrap();
    let unreadable: Vec<&str> = unused
        .iter()
        .filter(|u| u["kind"] == "unreadable")
        .map(|u| u["file"].as_str().unwrap())
        .collect();
    assert_eq!(unreadable.len(), 1, "{unused:?}");
    assert!(unreadable[0].ends_with("bom.json"), "{unreadable:?}");
}

#[test]
fn an_sbom_in_a_device_folder_is_that_device_s_inventory() {
    let dir = TempDir::new("folder-sbom");
    std::fs::create_dir_all(dir.join("inventory/pc-1")).unwrap();
    std::fs::create_dir_all(dir.join("entitlements")).unwrap();
    std::fs::write(
        dir.join("devices.json"),
        br#"{"devices": [{"id": "pc-1"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("inventory/pc-1/bom.cdx.json"),
        br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
              {"type": "application", "name": "Editor", "version": "3", "publisher": "Acme"},
              {"type": "file", "name": "notes.txt"}]}"#,
    )
    .unwrap();
    let out = itam(&["reconcile", "--as-of", "2026-10-01", "--json", &dir.arg("")]);
    // The editor is installed and has no entitlement: a shortfall, exit 1.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let position = json(&out);
    assert_eq!(position["totals"]["consumers"], 1, "{position}");
    let unused = position["unused"].as_array().unwrap();
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert!(
        unused[0]["reason"]
            .as_str()
            .unwrap()
            .contains("is not installed software"),
        "{unused:?}"
    );
}
