//! Runs every example with no arguments and checks that it exits 0 and prints what it is
//! there to show: the key lines of its output, not only that it ran.

#![allow(clippy::panic)] // test code: a panic is a failure

use std::process::Command;

/// Runs `exe` with `args`, asserts success, and returns its standard output.
fn run(exe: &str, args: &[&str]) -> String {
    let out = Command::new(exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{exe} did not start: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{exe} exited with {}\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Asserts that `output` has a line containing every one of `parts`, in order.
#[track_caller]
fn has_line(output: &str, parts: &[&str]) {
    let found = output.lines().any(|line| {
        let mut rest = line;
        parts.iter().all(|part| match rest.find(part) {
            Some(i) => {
                rest = &rest[i + part.len()..];
                true
            }
            None => false,
        })
    });
    assert!(found, "no line with {parts:?} in:\n{output}");
}

#[test]
fn swid_validate_finds_the_planted_problems_with_positions() {
    let out = run(env!("CARGO_BIN_EXE_swid_validate"), &[]);
    // The ISO profile sees the missing tagCreator; NISTIR 8060 also the blank regid (line 9
    // of the demo tag) and the consequences of the tag not being authoritative.
    has_line(
        &out,
        &["profile iso-19770-2-2015: not conformant (1 finding(s))"],
    );
    has_line(&out, &["3:1", "error", "SWID-1-1", "tagCreator"]);
    has_line(&out, &["profile nistir-8060: not conformant"]);
    has_line(
        &out,
        &[
            "9:41",
            "warning",
            "GEN-6-2",
            "blank regid",
            "Entity[1]/@regid",
        ],
    );
    has_line(&out, &["PRI-7-2", "Payload"]);
}

#[test]
fn swid_validate_passes_a_good_tag() {
    let good = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../itam-cli/demo/inventory/ws-lon-01/example-editor-3.swidtag"
    );
    let out = run(env!("CARGO_BIN_EXE_swid_validate"), &[good]);
    has_line(
        &out,
        &["profile iso-19770-2-2015: conformant (0 finding(s))"],
    );
    has_line(&out, &["profile nistir-8060: conformant"]);
}

#[test]
fn swid_coswid_round_trips_and_names_what_did_not_map() {
    let out = run(env!("CARGO_BIN_EXE_swid_coswid"), &[]);
    has_line(&out, &["CoSWID, ", " bytes (the XML has ", "):"]);
    // Untagged by default (issue 16): the dump starts with the bare map, nine entries.
    has_line(&out, &["  a900"]);
    has_line(&out, &["not carried by CoSWID: 1"]);
    has_line(
        &out,
        &["/SoftwareIdentity: element {urn:example:vendor}Asset"],
    );
    has_line(
        &out,
        &[
            "tagId=\"example.com-office-pro-2024.1-media\"",
            "corpus=\"true\"",
        ],
    );
    has_line(&out, &["sha256:hash=\"dca08d5de397"]);
    has_line(
        &out,
        &["re-encoding the XML written back gives the same bytes: true"],
    );
    assert!(!out.contains("vendor:Asset") && !out.contains("cost centre CC-100"));
}

#[test]
fn ent_resolve_applies_transfer_allocation_and_consolidation() {
    let out = run(env!("CARGO_BIN_EXE_ent_resolve"), &[]);
    has_line(&out, &["read 8 Ent(s)"]);
    // Transfer: the database licences changed hands.
    has_line(&out, &["nw-db-cores \"", "\": active"]);
    has_line(&out, &["formerly: Northwind Trading SAS"]);
    has_line(&out, &["right use 16 core"]);
    has_line(&out, &["applied: nw-db-cores-transfer"]);
    // Allocation: two of the five office seats went to Lyon.
    has_line(&out, &["right use 5 device (2 allocated, 3 left)"]);
    has_line(
        &out,
        &["allocation nw-office-2024-lyon: 2 device to Lyon site"],
    );
    // Consolidation: two subscriptions merged into one of six users.
    has_line(
        &out,
        &["nw-crm-2025 \"", "consolidated into nw-crm-consolidated"],
    );
    has_line(
        &out,
        &[
            "nw-crm-2025-addon \"",
            "consolidated into nw-crm-consolidated",
        ],
    );
    has_line(&out, &["right access 6 namedUser"]);
    has_line(&out, &["merges: nw-crm-2025, nw-crm-2025-addon"]);
    has_line(&out, &["right use unlimited site"]);
    assert!(!out.contains("refused") && !out.contains("not read"));
}

#[test]
fn ent_chain_resolves_and_refuses_an_over_allocation() {
    let out = run(env!("CARGO_BIN_EXE_ent_chain"), &[]);
    has_line(&out, &["--- buyer.example__ent-100-finance.ent ---"]);
    has_line(&out, &["\"ent_id\": \"ent-100\""]);
    has_line(&out, &["\"name\": \"Buyer Group plc\""]);
    has_line(&out, &["--- engine facts ---"]);
    has_line(&out, &["--- refused ---"]);
    has_line(
        &out,
        &["error [ENT-RES-3]", "total 30, more than the 25 granted"],
    );
}

#[test]
fn ent_roundtrip_writes_the_sample_canonically() {
    let out = run(env!("CARGO_BIN_EXE_ent_roundtrip"), &[]);
    has_line(
        &out,
        &["<Ent ", "entId=\"8d0c7a52-1f3e-4b7a-9a52-6c1d2e3f4a5b\""],
    );
    has_line(&out, &["<Quantification quantity=\"16\" unit=\"core\""]);
    has_line(&out, &["<vnd:Item>kept</vnd:Item>"]);
}

#[test]
fn swid_roundtrip_describes_and_writes_the_sample() {
    let out = run(env!("CARGO_BIN_EXE_swid_roundtrip"), &[]);
    has_line(
        &out,
        &["version 4.2.1 [multipartnumeric], tag type primary, authoritative"],
    );
    has_line(
        &out,
        &["/SoftwareIdentity/Entity[1]/@regid is at line 12, column 36"],
    );
    has_line(
        &out,
        &["<acme:Note", "kept <acme:b>in</acme:b> place</acme:Note>"],
    );
}

#[test]
fn cms_walkthrough_releases_once_and_refuses_twice() {
    let out = run(env!("CARGO_BIN_EXE_cms_walkthrough"), &[]);
    has_line(
        &out,
        &["release without a change record: refused: no change record"],
    );
    has_line(&out, &["release under CHG-1:", "executed (audit #13)"]);
    has_line(
        &out,
        &[
            "a second release:",
            "refused: licence shortfall for `DML-1`",
        ],
    );
    has_line(&out, &["DML-1 licences: 0 of 1 free"]);
    has_line(&out, &["mallory => REFUSED #11"]);
    has_line(&out, &["Replaying the trail rebuilds the same CMS: true"]);
}

#[test]
fn finance_walkthrough_finds_the_four_discrepancies() {
    let out = run(env!("CARGO_BIN_EXE_finance_walkthrough"), &[]);
    has_line(&out, &["matches 4"]);
    has_line(&out, &["discrepancies 4"]);
    for rule in [
        "FIN-GHOST-1",
        "FIN-NOENT-1",
        "FIN-QUANTITY-1",
        "FIN-RETIRED-1",
    ] {
        has_line(&out, &[rule, "warning"]);
    }
    has_line(&out, &["\"rule\": \"asset_tag\""]);
}

#[test]
fn reconcile_walkthrough_prints_both_modes_and_the_gap() {
    let out = run(env!("CARGO_BIN_EXE_reconcile_walkthrough"), &[]);
    // Priority follows the manual priority and leaves a laptop uncovered; Optimal does not.
    has_line(&out, &["Acme/Visio-like", "device", "2", "1 / 2", "1 / 0"]);
    has_line(
        &out,
        &[
            "Oracle/Database/Enterprise",
            "oracle_processor",
            "16",
            "12 / 12",
            "4 / 4",
        ],
    );
    has_line(
        &out,
        &["gap (Optimal - Priority): covered +1, shortfall -1, cost 300"],
    );
    has_line(
        &out,
        &["device:laptop-2 cannot use VIZ-ANY: capacity_exhausted"],
    );
    has_line(
        &out,
        &["device:laptop-2 cannot use VIZ-EMEA: wrong_organisation"],
    );
}

#[test]
fn estate_generate_is_deterministic_and_times_each_phase() {
    let exe = env!("CARGO_BIN_EXE_estate_generate");
    let out = run(exe, &[]);
    has_line(
        &out,
        &[
            "estate S seed 42: 1000 devices, ",
            "installations, 500 entitlements",
        ],
    );
    has_line(&out, &["gap (Optimal - Priority): covered +"]);
    for phase in ["generate", "prepare", "priority", "optimal"] {
        has_line(&out, &["  ", phase, " ms"]);
    }
    // Everything above the times is data, and the same on every run.
    let data = |s: &str| s.split("times (").next().unwrap_or_default().to_owned();
    assert_eq!(data(&out), data(&run(exe, &["S", "42"])));
    // Optimal never covers less than Priority.
    let covered = |mode: &str| -> u64 {
        let line = out
            .lines()
            .find(|l| l.starts_with(mode))
            .unwrap_or_default();
        line.split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert!(covered("Optimal") >= covered("Priority") && covered("Priority") > 0);
}

#[test]
fn estate_generate_refuses_an_unknown_size() {
    let out = Command::new(env!("CARGO_BIN_EXE_estate_generate"))
        .arg("XXL")
        .output()
        .unwrap_or_else(|e| panic!("did not start: {e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown size `XXL`"));
}

#[test]
fn allocator_compare_runs_a_third_allocator_beside_the_built_ins() {
    let out = run(env!("CARGO_BIN_EXE_allocator_compare"), &[]);
    has_line(&out, &["estate: 300 devices", "240 entitlements; seed 42"]);
    // Each run's totals: one line per allocator, in the order given.
    let covered: Vec<(String, u64)> = out
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let name = words.next()?.to_owned();
            let rest: Vec<&str> = words.collect();
            rest.first().filter(|w| **w == "demand")?;
            let i = rest.iter().position(|w| *w == "covered")?;
            Some((name, rest.get(i + 1)?.parse().ok()?))
        })
        .collect();
    let names: Vec<&str> = covered.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["priority", "optimal", "cheapest_first", "random_order"],
        "{out}"
    );
    // Here every allocator counts the same metrics: Optimal covers at least as much.
    let optimal = covered[1].1;
    assert!(covered.iter().all(|(_, c)| *c <= optimal), "{out}");
    has_line(&out, &["gap to priority per metric:"]);
}

#[test]
fn intake_embed_builds_the_estate_from_buffers_and_reconciles_it() {
    let out = run(env!("CARGO_BIN_EXE_intake_embed"), &[]);
    // Two of the three tags are on devices the facts know; both Ents are active.
    has_line(&out, &["estate:", "installations", "2", "entitlements"]);
    has_line(
        &out,
        &["estate: 10 devices, 2 installations, 2 entitlements"],
    );
    has_line(
        &out,
        &[
            "unused: kiosk-9/office.swidtag",
            "no facts",
            "[no_device_facts]",
        ],
    );
    has_line(
        &out,
        &["Example Office", "demand 2, covered 2, shortfall 0"],
    );
    assert_eq!(out.matches("unused:").count(), 1, "{out}");
}
