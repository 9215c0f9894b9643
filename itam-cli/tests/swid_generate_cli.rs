//! `itam swid generate` as a user runs it (issue 16 point 2): one tag per installed package of
//! the real dpkg status file and rpm query output in itam-swid's test data, every written tag
//! valid and round-tripping, deterministic, as SWID XML, CoSWID or one stream on standard
//! output; skipped packages and unreadable databases said with their line.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

use std::collections::BTreeSet;

use itam_swid::coswid;
use itam_swid::read::{ReadOptions, read_all_str, read_str};
use itam_swid::validate::{Profile, validate};
use itam_swid::write::write;

fn data(rel: &str) -> String {
    format!(
        "{}/../itam-swid/tests/data/generate/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `itam swid generate --DB FILE --os OS REST…`.
fn generate(db: &str, file: &str, os: &str, rest: &[&str]) -> std::process::Output {
    let flag = format!("--{db}");
    itam(&[&["swid", "generate", &flag, file, "--os", os][..], rest].concat())
}

#[test]
fn a_dpkg_status_file_gives_one_valid_tag_per_package_and_the_same_twice() {
    let dir = TempDir::new("gen-dpkg");
    let dpkg = data("dpkg-status");
    let run = |out: &str| {
        generate(
            "dpkg",
            &dpkg,
            "debian_12",
            &["--tag-creator", "Example Corp", "example.com", "-o", out],
        )
    };
    let out = run(&dir.arg("a"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "",
        "piped: no bar, no notes for a clean database"
    );
    let written = tree(&dir.join("a"));
    assert_eq!(written.len(), 250);
    let mut ids = BTreeSet::new();
    for (name, bytes) in &written {
        let text = std::str::from_utf8(bytes).unwrap();
        let parsed = read_str(text, &ReadOptions::STRICT).unwrap();
        let tag = parsed.value;
        assert!(parsed.findings.is_empty(), "{name}: {:?}", parsed.findings);
        // Named after its tagId, which is unique.
        assert_eq!(name, &format!("{}.swidtag", tag.tag_id));
        assert!(ids.insert(tag.tag_id.as_str().to_owned()));
        assert!(tag.tag_id.as_str().starts_with("debian_12-"), "{name}");
        let creator = tag.entities().next().unwrap();
        assert_eq!(creator.name, "Example Corp");
        let report = validate(&tag, &Profile::ISO_19770_2_2015);
        assert_eq!(report.errors().count(), 0, "{name}: {report}");
        // What is written is what the writer writes of what was read: the round trip.
        assert_eq!(write(&tag).unwrap(), text, "{name}");
    }
    // Deterministic: a second run writes the same bytes.
    let out = run(&dir.arg("b"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(tree(&dir.join("b")), written);
}

#[test]
fn rpm_query_output_gives_coswid_that_decodes_to_the_xml_tags() {
    let dir = TempDir::new("gen-rpm");
    let rpm = data("rpm-query.txt");
    let out = generate("rpm", &rpm, "fedora_40", &["-o", &dir.arg("xml")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = generate(
        "rpm",
        &rpm,
        "fedora_40",
        &["--coswid", "-o", &dir.arg("cbor")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let xml = tree(&dir.join("xml"));
    let cbor = tree(&dir.join("cbor"));
    assert!(!xml.is_empty());
    assert_eq!(xml.len(), cbor.len());
    for ((xml_name, xml_bytes), (cbor_name, cbor_bytes)) in xml.iter().zip(&cbor) {
        assert_eq!(
            xml_name.trim_end_matches(".swidtag"),
            cbor_name.trim_end_matches(".coswid")
        );
        // Untagged, as uswid and goswid read it: a bare map (major type 5).
        assert_eq!(cbor_bytes[0] >> 5, 5, "{cbor_name}");
        let from_xml = read_str(
            std::str::from_utf8(xml_bytes).unwrap(),
            &ReadOptions::STRICT,
        )
        .unwrap()
        .value;
        assert_eq!(
            coswid::decode(cbor_bytes).unwrap().tag,
            from_xml,
            "{cbor_name}"
        );
    }
}

#[test]
fn standard_output_holds_every_tag_one_document_after_another() {
    let out = generate("dpkg", &data("dpkg-status"), "debian_12", &["-o", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tags = read_all_str(&stdout(&out), &ReadOptions::STRICT).unwrap();
    assert_eq!(tags.len(), 250);
    // CoSWID is written to files only.
    let out = generate(
        "dpkg",
        &data("dpkg-status"),
        "debian_12",
        &["--coswid", "-o", "-"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("give a folder for --coswid"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn skipped_packages_and_unreadable_databases_are_said_with_their_line() {
    let dir = TempDir::new("gen-bad");
    let status = "Package: kept\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n\
                  Package: removed\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 2.0-1\n";
    std::fs::write(dir.join("status"), status).unwrap();
    let out = generate(
        "dpkg",
        &dir.arg("status"),
        "debian_12",
        &["-o", &dir.arg("out")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("status:6: note: package removed: not installed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tree(&dir.join("out")).len(), 1);

    std::fs::write(dir.join("broken"), "Package: x\nthis is not a field\n").unwrap();
    let out = generate(
        "dpkg",
        &dir.arg("broken"),
        "debian_12",
        &["-o", &dir.arg("none")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("broken:2: error:"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("none").exists());

    // Neither database named: a usage error.
    let out = itam(&["swid", "generate", "--os", "debian_12", "-o", &dir.arg("x")]);
    assert_eq!(out.status.code(), Some(2));
}
