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
    let first = itam(&["demo"]);
    assert!(first.status.success());
    let text = stdout(&first);
    assert!(text.contains("REFUSED"), "{text}");
    assert!(text.contains("licence shortfall"), "{text}");
    // Fixed clock and ordered maps: the demo prints the same bytes every time.
    assert_eq!(stdout(&itam(&["demo"])), text);
}
