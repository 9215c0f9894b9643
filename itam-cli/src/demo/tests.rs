use super::*;

#[test]
fn the_demo_estate_reconciles_with_a_shortfall_and_its_reasons() {
    let text = position_text().unwrap_or_default();
    // The office suite: 5 licences (2 allocated to Lyon) for 6 desktops; a Paris desktop is short.
    assert!(text.contains("Example Software Inc./Example Office/Professional  device           6          5        5          1         420 EUR"), "{text}");
    assert!(text.contains("device:ws-par-03 (Example Software Inc./Example Office/Professional): 0 of 1 unit(s) covered\n    nw-office-2024@nw-office-2024-lyon rejected: wrong_organisation\n    nw-office-2024 rejected: capacity_exhausted"), "{text}");
    // The design suite's subscription ended on 2026-06-30.
    assert!(
        text.contains("nw-design-2025                      device      expired"),
        "{text}"
    );
    assert!(text.contains("nw-design-2025 rejected: expired"), "{text}");
    // The chains: the transfer, the allocation, the consolidation, the subscription's end.
    assert!(text.contains("ent:nw-db-cores \"Example Database Enterprise per core\": active, licensee Northwind Ltd (transferred from Northwind Trading SAS)"), "{text}");
    assert!(
        text.contains("2 device allocated to Lyon site by ent:nw-office-2024-lyon"),
        "{text}"
    );
    assert!(
        text.contains("consolidates ent:nw-crm-2025, ent:nw-crm-2025-addon"),
        "{text}"
    );
    assert!(
        text.contains("licensee Northwind Ltd, ended 2026-06-30"),
        "{text}"
    );
    // The consolidation replaced its two orders; the transfer left the database licence whole.
    assert!(
        text.contains(
            "(ent:nw-crm-2025): counts nothing: consolidated into ent:nw-crm-consolidated"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "nw-db-cores                         core         active         16        16"
        ),
        "{text}"
    );
    // The site licence and what the pipeline did not use.
    assert!(
        text.contains("nw-shield-site                      site         active  unlimited"),
        "{text}"
    );
    assert!(text.contains("device \"lab-07\" has no facts"), "{text}");
    assert!(
        text.contains("a patch of tag:example.com-database-19.21"),
        "{text}"
    );
    // The FOSS editor: use is an unlimited site right; the copyleft rights are not counted.
    assert!(
        text.contains(
            "nw-foss-editor                      site         active  unlimited         2"
        ),
        "{text}"
    );
    assert!(
        text.contains("(ent:nw-foss-editor): nw-foss-editor: right `modify` has no metric"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with(
            "itam demo --cms                       the configuration-management walkthrough"
        ),
        "{text}"
    );
}

#[test]
fn the_demo_estate_is_deterministic_and_its_transfer_applies() {
    let (a, unused_a) = estate();
    let (b, unused_b) = estate();
    assert_eq!(a, b);
    assert_eq!(unused_a, unused_b);
    assert_eq!(position_text().ok(), position_text().ok());
    let db = a
        .entitlements
        .iter()
        .find(|e| e.id.as_str() == "nw-db-cores");
    assert_eq!(db.map(|e| e.quantity), Some(itam_core::Decimal::from(16)));
    let lyon = a
        .entitlements
        .iter()
        .find(|e| e.id.as_str() == "nw-office-2024@nw-office-2024-lyon");
    assert_eq!(lyon.and_then(|e| e.org.as_deref()), Some("northwind/lyon"));
}

#[test]
fn the_embedded_list_holds_every_file_of_the_demo_folder() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/demo"));
    let found = crate::files::expand(&[dir.to_path_buf()], |_| true);
    let mut on_disk: Vec<String> = found
        .into_iter()
        .filter_map(Result::ok)
        .map(|i| i.relative.to_string_lossy().replace('\\', "/"))
        .collect();
    on_disk.sort();
    let embedded: Vec<&str> = FILES.iter().map(|(p, _)| *p).collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn the_exported_folder_reads_back_into_the_same_estate() {
    let dir = std::env::temp_dir().join(format!("itam-demo-unit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(export(&dir), Ok(FILES.len() + 2));
    let (from_disk, unused_disk) = pipeline::read(&dir);
    let (embedded, unused_embedded) = estate();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(from_disk, embedded);
    // The same reasons, the files named under the folder read.
    let reasons = |u: &[Unused]| u.iter().map(|u| u.why.clone()).collect::<Vec<_>>();
    assert_eq!(reasons(&unused_disk), reasons(&unused_embedded));
    assert!(
        unused_disk
            .iter()
            .all(|u| u.file.starts_with(&*dir.to_string_lossy())),
        "{unused_disk:?}"
    );
}
