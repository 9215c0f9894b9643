//! `itam ent` at the limits of what a document can hold.
//!
//! - `new -o DIR` and `import-cyclonedx -o DIR` with an Ent id whose encoded file name would pass
//!   the 255-byte limit of file systems (100 capital letters encode to 300 bytes): the file is
//!   written under the bounded name of `itam_ent::naming` and reads back.
//! - `show` on a chain whose quantities sum beyond the decimal range: refused with `ENT-RES-8`
//!   and exit 1, not a panic (exit 101).
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

use itam_ent::itam_core::EntId;
use itam_ent::{Ent, ReadOptions, naming, read_str};

fn long_id() -> String {
    "A".repeat(100)
}

#[test]
fn new_writes_an_ent_with_a_100_capital_id_into_a_folder() {
    let file = format!(
        "{}/tests/data/ent/new/server.ent.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut ent: Ent = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    ent.ent_id = EntId::new(long_id());
    let dir = TempDir::new("long-new");
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let json = dir.join("long.json");
    std::fs::write(&json, serde_json::to_vec(&ent).unwrap()).unwrap();
    let out = itam(&["ent", "new", json.to_str().unwrap(), "-o", &dir.arg("out")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = tree(&dir.join("out"));
    assert_eq!(written.len(), 1);
    let (name, bytes) = &written[0];
    assert_eq!(name, &naming::file_name_of(&ent));
    assert!(name.len() <= naming::MAX_NAME_BYTES, "{name}");
    assert_eq!(
        read_str(std::str::from_utf8(bytes).unwrap(), &ReadOptions::STRICT)
            .unwrap()
            .value,
        ent
    );
}

#[test]
fn import_cyclonedx_writes_a_licence_with_a_100_capital_bom_ref_into_a_folder() {
    let bom = format!(
        "{}/tests/data/ent/cyclonedx/two-licences.cdx.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&bom).unwrap();
    assert!(text.contains("\"viewer-licence\""));
    let text = text.replace("\"viewer-licence\"", &format!("\"{}\"", long_id()));
    let dir = TempDir::new("long-cdx");
    let input = dir.join("long.cdx.json");
    std::fs::write(&input, text).unwrap();
    let out = itam(&[
        "ent",
        "import-cyclonedx",
        input.to_str().unwrap(),
        "-o",
        &dir.arg("out"),
        "--creator",
        "Buyer Ltd",
        "--creator-regid",
        "buyer.example",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = tree(&dir.join("out"));
    assert_eq!(written.len(), 2);
    let mut long = 0;
    for (name, bytes) in &written {
        assert!(name.len() <= naming::MAX_NAME_BYTES, "{name}");
        let ent = read_str(std::str::from_utf8(bytes).unwrap(), &ReadOptions::STRICT)
            .unwrap()
            .value;
        assert_eq!(name, &naming::file_name_of(&ent));
        if ent.ent_id.as_str().ends_with(&long_id()) {
            long += 1;
            assert_eq!(
                naming::parse_file_name(name),
                None,
                "shortened names are one-way"
            );
        }
    }
    assert_eq!(long, 1);
}

#[test]
fn show_refuses_allocations_summing_beyond_the_decimal_range() {
    let samples = format!("{}/../itam-ent/tests/data", env!("CARGO_MANIFEST_DIR"));
    let alloc = std::fs::read_to_string(format!("{samples}/allocation-finance.ent.xml")).unwrap();
    let huge = alloc.replace(
        r#"quantity="10""#,
        r#"quantity="79228162514264337593543950335""#,
    );
    assert_ne!(huge, alloc);
    let dir = TempDir::new("huge");
    std::fs::write(dir.join("a1.ent"), &huge).unwrap();
    std::fs::write(
        dir.join("a2.ent"),
        huge.replace(
            r#"entId="alloc-3b6f-finance""#,
            r#"entId="alloc-3b6f-finance-2""#,
        ),
    )
    .unwrap();
    let out = itam(&[
        "ent",
        "show",
        &format!("{samples}/perpetual-device.ent.xml"),
        &dir.arg("a1.ent"),
        &dir.arg("a2.ent"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("refused") && text.contains("[ENT-RES-8]"),
        "{text}"
    );
}
