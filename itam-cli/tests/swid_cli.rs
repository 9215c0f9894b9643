//! `itam swid …` as a user runs it, on the fixtures in `tests/data/swid/` (see its README):
//! what only `swid validate` does (profiles, several tags in a file, CoSWID, UTF-16), folder
//! conversion and its round trips, and `show`. The exit codes, text and JSON shapes and progress
//! that `swid validate` shares with `ent validate` are tested once for both in `validate_cli.rs`.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

fn data(rel: &str) -> String {
    format!("{}/tests/data/swid/{rel}", env!("CARGO_MANIFEST_DIR"))
}

// ---- validate ----------------------------------------------------------------------------

#[test]
fn validate_profile_selects_the_rules() {
    let good = data("tags/roadrunner.swidtag");
    let iso = json(&itam(&["swid", "validate", "--json", &good]));
    assert_eq!(iso[0]["findings"], serde_json::json!([]));

    let out = itam(&[
        "swid",
        "validate",
        "--json",
        "--profile",
        "nistir-8060",
        &good,
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "NISTIR 8060 wants a hash on every file"
    );
    let rules: Vec<String> = json(&out)[0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_owned())
        .collect();
    for rule in ["GEN-16-1", "GEN-22-1", "PRI-13-4"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} in {rules:?}");
    }
}

#[test]
fn validate_numbers_the_tags_of_a_file_holding_several() {
    let out = itam(&["swid", "validate", "--json", &data("multi")]);
    assert_eq!(out.status.code(), Some(1));
    let value = json(&out);
    let finding = &value[0]["findings"][0];
    assert_eq!(finding["rule"], "SWID-1-1");
    assert_eq!(finding["location"]["path"], "/SoftwareIdentity[2]");
    assert_eq!(finding["location"]["pos"]["line"], 4);
}

#[test]
fn validate_reads_coswid_by_content_whatever_the_name() {
    let tmp = TempDir::new("validate-coswid");
    let out = itam(&[
        "swid",
        "convert",
        "--to",
        "coswid",
        &data("bad/no-tag-creator.swidtag"),
        "-o",
        &tmp.arg("renamed.xml"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = itam(&["swid", "validate", "--json", &tmp.arg("renamed.xml")]);
    assert_eq!(out.status.code(), Some(1));
    let value = json(&out);
    assert_eq!(value[0]["findings"][0]["rule"], "SWID-1-1");
    // CoSWID has no text positions.
    assert!(value[0]["findings"][0]["location"].get("pos").is_none());
}

// ---- convert -----------------------------------------------------------------------------

#[test]
fn convert_a_folder_to_coswid_and_back_gives_the_canonical_xml() {
    let tmp = TempDir::new("roundtrip");
    let run = |to: &str, input: &str, output: &str| {
        let out = itam(&["swid", "convert", "--to", to, input, "-o", output]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stderr(&out), "", "nothing dropped, nothing noted");
    };
    run("coswid", &data("tags"), &tmp.arg("cbor"));
    run("xml", &tmp.arg("cbor"), &tmp.arg("back"));
    run("xml", &data("tags"), &tmp.arg("canonical"));

    let cbor = tree(&tmp.join("cbor"));
    let names: Vec<&str> = cbor.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["roadrunner.coswid", "sub/roadrunner-patch.coswid"]);
    // Untagged CoSWID by default (issue 16: the field's readers expect a bare map): the
    // first byte is a CBOR map (major type 5), not tag 1398229316.
    assert!(
        cbor.iter()
            .all(|(_, b)| b.first().is_some_and(|&m| m >> 5 == 5)),
        "every file starts with a CBOR map"
    );

    let back = tree(&tmp.join("back"));
    let canonical = tree(&tmp.join("canonical"));
    let names: Vec<&str> = canonical.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["roadrunner.swidtag", "sub/roadrunner-patch.swidtag"]
    );
    assert_eq!(back, canonical);
    // The canonical form is not the fixture's bytes (comments and layout go), but it is a
    // fixed point: converting it again changes nothing.
    run("xml", &tmp.arg("canonical"), &tmp.arg("again"));
    assert_eq!(tree(&tmp.join("again")), canonical);
}

#[test]
fn convert_to_json_and_back_is_lossless() {
    let tmp = TempDir::new("json");
    for (to, input, output) in [
        ("json", data("tags"), tmp.arg("json")),
        ("xml", tmp.arg("json"), tmp.arg("back")),
        ("xml", data("tags"), tmp.arg("canonical")),
    ] {
        let out = itam(&["swid", "convert", "--to", to, &input, "-o", &output]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let json_files = tree(&tmp.join("json"));
    assert_eq!(json_files[0].0, "roadrunner.json");
    let value: serde_json::Value = serde_json::from_slice(&json_files[0].1).expect("json");
    assert_eq!(value["tag_id"], "acme.example-roadrunner-16.2.1");
    assert_eq!(tree(&tmp.join("back")), tree(&tmp.join("canonical")));
}

#[test]
fn convert_one_file_writes_that_file_or_stdout() {
    let tmp = TempDir::new("single");
    let input = data("tags/roadrunner.swidtag");
    let out = itam(&[
        "swid",
        "convert",
        "--to",
        "xml",
        &input,
        "-o",
        &tmp.arg("out.xml"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(tmp.join("out.xml")).expect("written");
    assert!(
        written.contains(r#"tagId="acme.example-roadrunner-16.2.1""#),
        "{written}"
    );

    let piped = itam(&["swid", "convert", "--to", "xml", &input, "-o", "-"]);
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(stdout(&piped), written);

    // Standard output takes one tag: several inputs, or a file holding several, are refused.
    let two = itam(&["swid", "convert", "--to", "xml", &input, &input, "-o", "-"]);
    assert_eq!(two.status.code(), Some(2));
    assert_eq!(stdout(&two), "");
    let pair = itam(&[
        "swid",
        "convert",
        "--to",
        "json",
        &data("multi/pair.swidtag"),
        "-o",
        "-",
    ]);
    assert_eq!(pair.status.code(), Some(2));
    assert!(stderr(&pair).contains("holds 2 tags"), "{}", stderr(&pair));
}

#[test]
fn convert_splits_a_multi_tag_file_and_reports_unreadable_inputs() {
    let tmp = TempDir::new("multi");
    let out = itam(&[
        "swid",
        "convert",
        "--to",
        "json",
        &data("multi"),
        &data("broken"),
        "-o",
        &tmp.arg("out"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unclosed.swidtag: error: 5:1: not well-formed xml"),
        "{}",
        stderr(&out)
    );
    let names: Vec<String> = tree(&tmp.join("out")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["pair.1.json", "pair.2.json"]);
}

#[test]
fn convert_refuses_to_write_two_inputs_to_one_name() {
    let tmp = TempDir::new("clash");
    let a = data("tags/roadrunner.swidtag");
    let out = itam(&[
        "swid",
        "convert",
        "--to",
        "xml",
        &a,
        &a,
        "-o",
        &tmp.arg("out"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already written"), "{}", stderr(&out));
    assert_eq!(tree(&tmp.join("out")).len(), 1);
}

// ---- show --------------------------------------------------------------------------------

#[test]
fn show_summarises_a_tag() {
    let file = data("tags/roadrunner.swidtag");
    let out = itam(&["swid", "show", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        format!("{file} (swid xml)"),
        "  name:           ACME Roadrunner Pro".into(),
        "  version:        16.2.1 (multipartnumeric)".into(),
        "  tag type:       primary".into(),
        "  authoritative:  yes".into(),
        "  publisher:      ACME Corp (acme.example) as softwareCreator".into(),
        "  product:        Roadrunner".into(),
        "  edition:        Pro".into(),
        "  entitlementKey: RR-PRO-2016".into(),
        "    ACME Corp [acme.example]: tagCreator softwareCreator licensor".into(),
        "    license https://acme.example/eula".into(),
        "  payload:        2 files, 4224 bytes, 1 hashed".into(),
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in:\n{text}"
        );
    }
}

#[test]
fn show_tells_patch_tags_and_coswid_inputs_apart() {
    let tmp = TempDir::new("show");
    let patch = data("tags/sub/roadrunner-patch.swidtag");
    let out = itam(&[
        "swid",
        "convert",
        "--to",
        "coswid",
        &patch,
        "-o",
        &tmp.arg("p.coswid"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = itam(&["swid", "show", &tmp.arg("p.coswid")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("(coswid)"), "{text}");
    assert!(text.contains("  tag type:       patch\n"), "{text}");
    assert!(
        text.contains("    patches swid:acme.example-roadrunner-16.2.1\n"),
        "{text}"
    );

    let broken = itam(&["swid", "show", &data("broken/unclosed.swidtag")]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains("unclosed.swidtag:5:1: error: not well-formed xml"),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn help_lists_the_swid_verbs() {
    let out = itam(&["swid", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for verb in ["validate", "convert", "show"] {
        assert!(text.contains(verb), "{text}");
    }
}

#[test]
fn show_json_prints_the_projection_of_each_tag() {
    let out = itam(&["swid", "show", "--json", &data("tags"), &data("broken")]);
    assert_eq!(out.status.code(), Some(2), "the broken file");
    let value = json(&out);
    let files = value.as_array().expect("array");
    assert_eq!(files.len(), 3);
    let fact = &files[0]["facts"][0];
    assert_eq!(files[0]["file"], data("tags/roadrunner.swidtag"));
    assert_eq!(
        fact["software"],
        serde_json::json!({
            "tag_id": "acme.example-roadrunner-16.2.1",
            "publisher": "ACME Corp",
            "product": "Roadrunner",
            "edition": "Pro",
            "version": "16.2.1",
            "version_scheme": "multipartnumeric"
        })
    );
    assert_eq!(fact["publisher_regid"], "acme.example");
    assert_eq!(fact["entitlement_key"], "RR-PRO-2016");
    assert_eq!(fact["persistent_id"], "acme.example-roadrunner");
    assert_eq!(fact["files"][0]["path"], "/opt/roadrunner/rr");
    assert_eq!(fact["files"][0]["key"], true);
    let patch = &files[1]["facts"][0];
    assert_eq!(patch["tag_type"], "patch");
    assert_eq!(
        patch["patches"],
        serde_json::json!(["acme.example-roadrunner-16.2.1"])
    );
    assert!(files[2]["error"].is_string());
    assert_eq!(files[2]["facts"], serde_json::json!([]));
}

#[test]
fn validate_reads_utf16_xml_with_a_byte_order_mark() {
    let tmp = TempDir::new("utf16");
    let text = std::fs::read_to_string(data("bad/no-tag-creator.swidtag")).expect("fixture");
    for (name, bom, encode) in [
        (
            "le.swidtag",
            [0xff, 0xfe],
            u16::to_le_bytes as fn(u16) -> [u8; 2],
        ),
        ("be.swidtag", [0xfe, 0xff], u16::to_be_bytes),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(encode));
        std::fs::write(tmp.join(name), bytes).expect("write");
    }
    std::fs::write(tmp.join("odd.swidtag"), [0xff, 0xfe, b'<']).expect("write");
    let out = itam(&["swid", "validate", "--json", &tmp.arg("")]);
    assert_eq!(out.status.code(), Some(2), "the odd one");
    let value = json(&out);
    assert_eq!(value[0]["findings"][0]["rule"], "SWID-1-1"); // be.swidtag
    assert_eq!(value[0]["findings"][0]["location"]["pos"]["line"], 3);
    assert_eq!(value[1]["findings"][0]["rule"], "SWID-1-1"); // le.swidtag
    assert!(
        value[2]["error"]
            .as_str()
            .expect("odd.swidtag")
            .contains("utf-16")
    );
}
