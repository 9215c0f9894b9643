//! The `itam` binary as a user runs it: help, version, the subcommand layout and the demo.
#![allow(clippy::expect_used)] // test support: a binary that cannot be started fails the test

use std::process::{Command, Output};

fn itam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itam"))
        .args(args)
        .output()
        .expect("the itam binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn version_prints_the_package_version() {
    let out = itam(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).trim(),
        format!("itam {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_the_subcommands() {
    let out = itam(&["--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("Usage: itam"), "{text}");
    assert!(text.contains("demo"), "{text}");
}

#[test]
fn an_unknown_subcommand_is_a_usage_error() {
    let out = itam(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("frobnicate"));
}

#[test]
fn demo_walks_through_the_release_flow_and_its_refusals() {
    let first = itam(&["demo", "--cms"]);
    assert!(first.status.success());
    let text = stdout(&first);
    assert!(text.contains("REFUSED"), "{text}");
    assert!(text.contains("licence shortfall"), "{text}");
    // Fixed clock and ordered maps: the demo prints the same bytes every time.
    assert_eq!(stdout(&itam(&["demo", "--cms"])), text);
}

#[test]
fn demo_explains_the_position_of_the_embedded_estate() {
    let first = itam(&["demo"]);
    assert!(first.status.success(), "{first:?}");
    let text = stdout(&first);
    assert!(text.starts_with("itam demo: Northwind Ltd"), "{text}");
    assert!(text.contains("== The effective license position"), "{text}");
    // A shortfall and its reason, the expired subscription, what was not used, what to try next.
    assert!(
        text.contains("nw-office-2024 rejected: capacity_exhausted"),
        "{text}"
    );
    assert!(text.contains("nw-design-2025 rejected: expired"), "{text}");
    assert!(
        text.contains("== Not used, or used only in part, and why"),
        "{text}"
    );
    assert!(
        text.contains("itam swid validate northwind/inventory"),
        "{text}"
    );
    // Fixed as-of date and ordered maps: the same bytes every time.
    assert_eq!(stdout(&itam(&["demo"])), text);
}

/// A fresh folder under the system's temporary folder, removed on drop.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("itam-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        Self(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn demo_export_writes_files_the_other_verbs_accept() {
    let scratch = Scratch::new("demo-export");
    let dir = scratch.0.join("northwind");
    let dir_arg = dir.to_string_lossy().into_owned();
    let out = itam(&["demo", "--export", &dir_arg]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("wrote the demo estate (46 files)"),
        "{out:?}"
    );
    for part in [
        "devices.json",
        "estate.json",
        "inventory/db-vm-1",
        "entitlements/saas",
    ] {
        assert!(dir.join(part).exists(), "{part} missing");
    }
    // The exported tags and Ents are valid under the ISO profile and the Ent profile.
    let tags = itam(&["swid", "validate", &format!("{dir_arg}/inventory")]);
    assert!(tags.status.success(), "{tags:?}");
    assert!(
        stdout(&tags).contains("30 files: 30 conformant"),
        "{tags:?}"
    );
    let nist = itam(&[
        "swid",
        "validate",
        "--profile",
        "nistir-8060",
        &format!("{dir_arg}/inventory"),
    ]);
    assert!(
        stdout(&nist).contains("30 files: 30 conformant"),
        "{nist:?}"
    );
    let ents = itam(&["ent", "validate", &format!("{dir_arg}/entitlements")]);
    assert!(ents.status.success(), "{ents:?}");
    assert!(
        stdout(&ents).contains("10 files: 10 conformant"),
        "{ents:?}"
    );
    // The transfer shows in the resolved chain.
    let show = itam(&["ent", "show", &format!("{dir_arg}/entitlements")]);
    assert!(stdout(&show).contains("former licensee"), "{show:?}");
    // The estate written is the JSON form of the estate.
    let estate = std::fs::read_to_string(dir.join("estate.json")).unwrap_or_default();
    assert!(
        estate.contains("\"nw-office-2024@nw-office-2024-lyon\""),
        "{estate}"
    );

    // `itam reconcile` on the exported estate gives the demo's position: a shortfall (exit 1).
    let position = itam(&[
        "reconcile",
        "--as-of",
        "2026-10-01",
        &format!("{dir_arg}/estate.json"),
    ]);
    assert_eq!(position.status.code(), Some(1), "{position:?}");
    let table = stdout(&position);
    assert!(table.contains("nw-design-2025"), "{table}");
    assert!(table.contains("expired"), "{table}");
    assert!(table.contains("shortfall 3"), "{table}");

    // Exporting again does not overwrite: it fails, saying which file is in the way.
    let again = itam(&["demo", "--export", &dir_arg]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("cannot write"),
        "{again:?}"
    );
}

#[test]
fn demo_cms_and_export_do_not_go_together() {
    let out = itam(&["demo", "--cms", "--export", "x"]);
    assert_eq!(out.status.code(), Some(2));
}
