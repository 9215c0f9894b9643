//! `itam cms check`, `itam cms report` and `itam demo --itam` (issue 13 point 6), on the demo's
//! exported Northwind folder: its CMS's three deliberate defects are found exactly, a rewritten
//! trail is detected, and the indicators come out of the same data.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

fn exported(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let out = itam(&["demo", "--export", &dir.arg("nw")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    dir
}

fn rules(findings: &serde_json::Value) -> Vec<String> {
    let mut rules: Vec<String> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    rules.sort();
    rules
}

#[test]
fn check_finds_the_demo_cms_deliberate_defects_and_nothing_else() {
    let dir = exported("cms-check");
    let cms = dir.arg("nw/cms.json");
    let root = dir.arg("nw");
    // With discovery: drift, unauthorised software (an error: exit 1), the self-approval.
    let out = itam(&["cms", "check", &cms, "--discovered", &root, "--json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(
        rules(&report["findings"]),
        ["TRUST-DRIFT-1", "TRUST-RELEASE-1", "TRUST-SOD-1"]
    );
    // The text form says the same, one line each and a count.
    let out = itam(&["cms", "check", &cms, "--discovered", &root]);
    let text = stdout(&out);
    assert!(
        text.contains("error [TRUST-RELEASE-1] /relationships/"),
        "{text}"
    );
    assert!(text.contains("installed_on/ws-par-02"), "{text}");
    assert!(text.contains("warning [TRUST-DRIFT-1]"), "{text}");
    assert!(
        text.contains("1 error(s), 2 warning(s), 0 note(s)"),
        "{text}"
    );
    // The CMS alone: only the self-approval, a warning (exit 0).
    let out = itam(&["cms", "check", &cms, "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(rules(&json(&out)["findings"]), ["TRUST-SOD-1"]);
}

#[test]
fn a_rewritten_trail_is_an_error_and_unreadable_input_exits_2() {
    let dir = exported("cms-tampered");
    let path = dir.join("nw/cms.json");
    let mut cms: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    // Who authorized the Northwind change, rewritten in the middle of the trail.
    let trail = cms["trail"].as_array_mut().unwrap();
    let step = trail
        .iter_mut()
        .find(|e| e["event"]["event"] == "change_step" && e["by"] == "cab")
        .unwrap();
    step["by"] = "service-desk".into();
    std::fs::write(&path, serde_json::to_vec(&cms).unwrap()).unwrap();
    let out = itam(&["cms", "check", &dir.arg("nw/cms.json"), "--json"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let findings = json(&out)["findings"].clone();
    assert_eq!(rules(&findings), ["TRUST-SOD-1", "TRUST-TRAIL-1"]);
    let trail = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "TRUST-TRAIL-1")
        .unwrap();
    assert!(
        trail["message"]
            .as_str()
            .unwrap()
            .contains("hash chain is broken"),
        "{trail}"
    );

    let out = itam(&["cms", "check", &dir.arg("missing.json")]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("missing.json"), "{}", stderr(&out));
    std::fs::write(dir.join("bad.json"), b"{\"items\": [").unwrap();
    let out = itam(&["cms", "check", &dir.arg("bad.json")]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not the json form of a cms"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn report_measures_the_indicators_from_the_cms_discovery_and_position() {
    let dir = exported("cms-report");
    let out = itam(&[
        "cms",
        "report",
        &dir.arg("nw/cms.json"),
        "--discovered",
        &dir.arg("nw"),
        "--as-of",
        "2026-10-01",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);
    let value = |id: &str| {
        report["indicators"]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"))["value"]
            .clone()
    };
    // 25 installations recorded, one (the editor on ws-par-02) without a release.
    assert_eq!(value("IND-AUTHORISED")["numerator"], 24);
    assert_eq!(value("IND-AUTHORISED")["denominator"], 25);
    // Of 25 discovered installations only the Office Pro on ws-lon-01 disagrees.
    assert_eq!(value("IND-AGREEMENT")["numerator"], 24);
    // Every CI has an owner.
    assert_eq!(
        value("IND-OWNED")["numerator"],
        value("IND-OWNED")["denominator"]
    );
    // No finance given: no value, and why.
    assert!(value("IND-PROOF").is_null());
    // No nonconformity was opened in the exported CMS.
    assert_eq!(value("IND-NC-OPEN")["count"], 0);
    assert_eq!(report["open_nonconformities"], serde_json::json!([]));
}

#[test]
fn the_itam_demo_finds_the_defects_and_opens_a_nonconformity_for_each() {
    let out = itam(&["demo", "--itam"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "  NC-1: TRUST-DRIFT-1 at /installations/",
        "  NC-2: TRUST-RELEASE-1 at /relationships/",
        "  NC-3: TRUST-SOD-1 at /trail/",
        "IND-NC-OPEN         open nonconformities",
        "Open nonconformities (3)",
        "it verifies: hash chain, replay and store agree",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    assert!(!text.contains("NC-4"), "{text}");
}

#[test]
fn report_writes_a_self_contained_html_page_with_every_indicator() {
    let dir = exported("cms-html");
    let page = dir.join("itam.html");
    let out = itam(&[
        "cms",
        "report",
        &dir.arg("nw/cms.json"),
        "--discovered",
        &dir.arg("nw"),
        "--as-of",
        "2026-10-01",
        "--html",
        &dir.arg("itam.html"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    for id in [
        "IND-LICENSED",
        "IND-AUTHORISED",
        "IND-OWNED",
        "IND-PROOF",
        "IND-DISCOVERY",
        "IND-AGREEMENT",
        "IND-SHORTFALL-COST",
        "IND-UNUSED-VALUE",
        "IND-NC-OPEN",
        "IND-NC-OLDEST",
    ] {
        assert!(
            html.contains(&format!("<tr id=\"{id}\"")),
            "{id} row missing"
        );
    }
    // 24 of 25 recorded installations released: the share as rendered.
    assert!(
        html.contains("<tr id=\"IND-AUTHORISED\" data-ratio=\"0.9600\">"),
        "{html}"
    );
    assert!(html.contains("<h2>Findings (3)</h2>"), "{html}");
    assert!(html.contains("<h2>Open nonconformities (0)</h2>"), "{html}");
    assert!(!html.contains("<script"), "no script on this page");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external asset"
    );
    // The text report still goes to standard output.
    assert!(stdout(&out).starts_with("ITAM indicators as of 2026-10-01"));
}

#[test]
fn the_html_page_escapes_what_the_cms_says() {
    let dir = TempDir::new("cms-escape");
    std::fs::write(
        dir.join("cms.json"),
        br#"{"items": [{"id": "<img src=x>", "name": "a & b", "kind": {"class": "hardware", "form": "physical"}, "stage": "operation", "responsibility": "organisation"}]}"#,
    )
    .unwrap();
    let out = itam(&[
        "cms",
        "report",
        &dir.arg("cms.json"),
        "--html",
        &dir.arg("page.html"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.join("page.html")).unwrap();
    assert!(html.contains("&lt;img src=x&gt;"), "{html}");
    assert!(!html.contains("<img"), "{html}");
}
