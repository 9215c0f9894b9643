//! `itam reconcile`, `itam estate generate` and `itam bench reconcile` as a user runs them:
//! the table on a scenario, `--json` equal to the library's position for the same input, the
//! gap in `both` mode, the as-of date and policy, exit codes, generator determinism and the
//! shape of the bench line. Fixtures: `tests/data/reconcile/` (see its README) and the
//! library's scenarios, read in place.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use std::io::Write as _;
use support::*;

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Mode, Policy};

fn data(rel: &str) -> String {
    format!("{}/tests/data/reconcile/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn scenario(name: &str) -> String {
    format!(
        "{}/../itam-reconcile/tests/data/scenarios/{name}/estate.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn estate(path: &str) -> Estate {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read estate")).expect("estate")
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

#[test]
fn table_on_a_scenario_names_the_date_mode_and_numbers() {
    let out = itam(&[
        "reconcile",
        &scenario("greedy_gap"),
        "--as-of",
        "2026-01-01",
    ]);
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("effective license position of "),
        "{first}"
    );
    assert!(
        first.ends_with("estate.json as of 2026-01-01 (given by --as-of), mode priority"),
        "{first}"
    );
    // The library's table follows the header, unchanged.
    let library = itam_reconcile::reconcile(
        &estate(&scenario("greedy_gap")),
        &Policy::new(day("2026-01-01")),
    )
    .unwrap();
    assert!(text.ends_with(&library.to_table()), "{text}");
    assert!(text.contains("Acme/App  device       2         2        1          1"));
    assert!(text.contains("E-v2         device  active         1         0        1"));
    // Priority leaves d2 uncovered: a shortfall, exit 1.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).is_empty());
}

#[test]
fn json_is_the_library_position_for_the_same_input() {
    for (name, mode) in [
        ("greedy_gap", Mode::Priority),
        ("reasons", Mode::Priority),
        ("cheapest_first", Mode::Optimal),
        ("true_up_and_pins", Mode::Optimal),
    ] {
        let out = itam(&[
            "reconcile",
            &scenario(name),
            "--as-of",
            "2026-01-01",
            "--mode",
            mode.as_str(),
            "--json",
        ]);
        assert!(matches!(code(&out), 0 | 1), "{name}: {}", stderr(&out));
        let policy = Policy::new(day("2026-01-01")).with_mode(mode);
        let position = itam_reconcile::reconcile(&estate(&scenario(name)), &policy).unwrap();
        assert_eq!(
            json(&out),
            serde_json::to_value(&position).unwrap(),
            "{name} {mode:?}"
        );
        let shortfall = position.totals.shortfall > 0;
        assert_eq!(
            code(&out),
            i32::from(shortfall),
            "{name}: exit follows shortfall"
        );
    }
}

#[test]
fn policy_file_is_applied_and_flags_override_it() {
    let path = scenario("oracle_cluster");
    let policy_path = path.replace("estate.json", "policy.json");
    let out = itam(&["reconcile", &path, "--policy", &policy_path, "--json"]);
    let policy: Policy =
        serde_json::from_str(&std::fs::read_to_string(&policy_path).unwrap()).unwrap();
    let expected = itam_reconcile::reconcile(&estate(&path), &policy).unwrap();
    assert_eq!(json(&out), serde_json::to_value(&expected).unwrap());
    // Cluster aggregation differs from the default (host) here, so the file was used.
    let default = itam_reconcile::reconcile(&estate(&path), &Policy::new(policy.as_of)).unwrap();
    assert_ne!(expected.totals, default.totals);

    // A policy without as_of: its mode (optimal) and 30-day expiry window hold, the date
    // comes from --as-of. E-editor ends 2026-06-30: expiring within 90 days of 2026-05-01,
    // not within 30.
    let compliant = data("compliant.json");
    let out = itam(&["reconcile", &compliant, "--as-of", "2026-05-01"]);
    assert!(
        stdout(&out).contains("E-editor     device  expiring"),
        "{}",
        stdout(&out)
    );
    let out = itam(&[
        "reconcile",
        &compliant,
        "--as-of",
        "2026-05-01",
        "--policy",
        &data("optimal-policy.json"),
    ]);
    let text = stdout(&out);
    assert!(
        text.lines().next().unwrap().ends_with(&format!(
            "mode optimal, policy {}",
            data("optimal-policy.json")
        )),
        "{text}"
    );
    assert!(text.contains("E-editor     device  active"), "{text}");
    assert!(text.contains("optimal mode, as of 2026-05-01"), "{text}");
    // --mode overrides the policy's mode.
    let out = itam(&[
        "reconcile",
        &compliant,
        "--as-of",
        "2026-05-01",
        "--policy",
        &data("optimal-policy.json"),
        "--mode",
        "priority",
        "--json",
    ]);
    assert_eq!(json(&out)["mode"], "priority");

    // A policy's own as_of is used and said to be; --as-of overrides it.
    let out = itam(&[
        "reconcile",
        &compliant,
        "--policy",
        &data("dated-policy.json"),
    ]);
    assert!(
        stdout(&out).contains("as of 2027-01-01 (from the policy)"),
        "{}",
        stdout(&out)
    );
    let out = itam(&[
        "reconcile",
        &compliant,
        "--policy",
        &data("dated-policy.json"),
        "--as-of",
        "2026-01-01",
        "--json",
    ]);
    assert_eq!(json(&out)["as_of"], "2026-01-01");
}

#[test]
fn both_mode_shows_both_positions_and_the_gap() {
    let path = scenario("greedy_gap");
    let out = itam(&[
        "reconcile",
        &path,
        "--mode",
        "both",
        "--as-of",
        "2026-01-01",
    ]);
    let text = stdout(&out);
    assert!(text.contains("== priority =="), "{text}");
    assert!(text.contains("== optimal =="), "{text}");
    assert!(text.contains("priority mode, as of 2026-01-01: demand 2, covered 1"));
    assert!(text.contains("optimal mode, as of 2026-01-01: demand 2, covered 2"));
    assert!(
        text.ends_with("gap (optimal - priority): covered +1, cost +100, shortfall -1\n"),
        "{text}"
    );
    // Priority has a shortfall; a printed position with a shortfall gives exit 1.
    assert_eq!(code(&out), 1);

    let out = itam(&[
        "reconcile",
        &path,
        "--mode",
        "both",
        "--as-of",
        "2026-01-01",
        "--json",
    ]);
    let both =
        itam_reconcile::reconcile_both(&estate(&path), &Policy::new(day("2026-01-01"))).unwrap();
    let value = json(&out);
    assert_eq!(value, serde_json::to_value(&both).unwrap());
    assert_eq!(value["gap"]["covered"], 1);
    assert_eq!(value["gap"]["shortfall"], -1);
    assert_eq!(value["priority"]["mode"], "priority");
    assert_eq!(value["optimal"]["mode"], "optimal");
}

#[test]
fn both_mode_gives_the_gap_per_metric_when_units_of_two_metrics_occur() {
    let out = itam(&[
        "reconcile",
        &data("two-metrics.json"),
        "--mode",
        "both",
        "--as-of",
        "2026-01-01",
    ]);
    let text = stdout(&out);
    // Not `covered -2`: named users and devices are different units.
    assert!(
        text.ends_with(
            "gap (optimal - priority): cost -20, per metric:\n  \
             device: demand +1, covered +1, shortfall +0\n  \
             named_user: demand -3, covered -3, shortfall +0\n  \
             (optimal counts some product in another metric than priority: its units moved between metrics)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("covered -2"), "{text}");
    assert_eq!(code(&out), 0);
}

#[test]
fn exit_status_is_0_when_compliant_and_1_on_a_shortfall() {
    let compliant = data("compliant.json");
    for mode in ["priority", "optimal", "both"] {
        let out = itam(&[
            "reconcile",
            &compliant,
            "--as-of",
            "2026-06-30",
            "--mode",
            mode,
        ]);
        assert_eq!(code(&out), 0, "{mode}: {}", stdout(&out));
        assert!(stdout(&out).contains("shortfall 0"));
        // The day after the entitlement ends, both devices are unlicensed.
        let out = itam(&[
            "reconcile",
            &compliant,
            "--as-of",
            "2026-07-01",
            "--mode",
            mode,
        ]);
        assert_eq!(code(&out), 1, "{mode}: {}", stdout(&out));
        assert!(stdout(&out).contains("shortfall 2 (2 unlicensed consumers)"));
    }
    // --json does not change the status.
    let out = itam(&["reconcile", &compliant, "--as-of", "2026-07-01", "--json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)["totals"]["shortfall"], 2);
}

#[test]
fn as_of_defaults_to_today() {
    let before = chrono::Local::now().date_naive();
    let out = itam(&["reconcile", &data("compliant.json")]);
    let after = chrono::Local::now().date_naive();
    let first = stdout(&out).lines().next().unwrap().to_owned();
    assert!(
        first.contains(&format!("as of {before} (today)"))
            || first.contains(&format!("as of {after} (today)")),
        "{first}"
    );
}

#[test]
fn errors_go_to_stderr_with_exit_2() {
    // Unreadable file.
    let out = itam(&["reconcile", &data("missing.json")]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("missing.json: cannot read"),
        "{}",
        stderr(&out)
    );

    // Bad JSON: serde_json's line and column.
    let out = itam(&["reconcile", &data("malformed.json")]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("malformed.json: expected `,` or `}` at line 4 column 26"),
        "{}",
        stderr(&out)
    );

    // Not UTF-8: the offset, line and column of the first bad byte (after a byte-order mark,
    // which counts in the offset, not in the column), for the estate and the policy alike.
    let tmp = TempDir::new("reconcile-latin1");
    std::fs::write(
        tmp.join("latin1.json"),
        b"\xef\xbb\xbf{\n  \"devices\": [],\n  \"users\": [{\"id\": \"Soci\xe9t\xe9\"}]\n}\n",
    )
    .unwrap();
    let out = itam(&["reconcile", &tmp.arg("latin1.json")]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    let expected = format!(
        "{}: not utf-8 text (invalid byte at offset 46, line 3, column 25)",
        tmp.arg("latin1.json")
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    let out = itam(&[
        "reconcile",
        &data("compliant.json"),
        "--policy",
        &tmp.arg("latin1.json"),
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));

    // The engine refuses the estate.
    let out = itam(&["reconcile", &data("duplicate.json"), "--json"]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("duplicate.json: duplicate device id \"ws-1\""),
        "{}",
        stderr(&out)
    );

    // A bad policy, with its line.
    let out = itam(&[
        "reconcile",
        &data("compliant.json"),
        "--policy",
        &data("bad-policy.json"),
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("unknown field `colour`"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("at line 2"), "{}", stderr(&out));

    // Usage errors: no estate, a bad date, a bad mode.
    for args in [
        &["reconcile"][..],
        &[
            "reconcile",
            &data("compliant.json"),
            "--as-of",
            "2026-13-01",
        ],
        &["reconcile", &data("compliant.json"), "--mode", "fastest"],
    ] {
        let out = itam(args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        assert!(!stderr(&out).is_empty(), "{args:?}");
    }
}

#[test]
fn generate_is_deterministic_and_reconciles_from_a_pipe() {
    let a = itam(&["estate", "generate", "--size", "S", "--seed", "7"]);
    let b = itam(&["estate", "generate", "--size", "s", "--seed", "7"]);
    let c = itam(&["estate", "generate", "--size", "S", "--seed", "8"]);
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
    assert_ne!(a.stdout, c.stdout, "another seed, another estate");

    // It is the library's generated estate, one item per line.
    let generated: Estate = serde_json::from_slice(&a.stdout).expect("estate.json");
    let expected = itam_reconcile::generate::generate(&itam_reconcile::generate::GenParams::size(
        itam_reconcile::generate::Size::S,
        7,
    ));
    assert_eq!(generated, expected);
    let text = stdout(&a);
    assert!(
        text.starts_with("{\n\"devices\":[\n{\"id\":"),
        "{}",
        &text[..40]
    );
    let items = expected.devices.len()
        + expected.users.len()
        + expected.software.len()
        + expected.installations.len()
        + expected.entitlements.len();
    assert!(text.lines().count() > items, "one line per item");

    // `-` reads the estate from standard input.
    let out = itam_stdin(
        &["reconcile", "-", "--as-of", "2026-01-01", "--json"],
        &a.stdout,
    );
    assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    let position = itam_reconcile::reconcile(&expected, &Policy::new(day("2026-01-01"))).unwrap();
    assert_eq!(
        json(&out)["totals"],
        serde_json::to_value(&position.totals).unwrap()
    );
}

#[test]
fn bench_prints_one_line_of_phases_and_memory() {
    for (mode, allocation) in [
        ("priority", &["allocation"][..]),
        ("both", &["allocation_priority", "allocation_optimal"][..]),
    ] {
        let out = itam(&[
            "bench",
            "reconcile",
            "--size",
            "S",
            "--seed",
            "42",
            "--mode",
            mode,
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), 1, "{text}");
        let line = text.trim_end();
        let rest = line.strip_prefix("itam bench reconcile ").expect(line);
        let pairs: Vec<(&str, &str)> = rest
            .split(' ')
            .map(|kv| kv.split_once('=').expect(kv))
            .collect();
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
        let mut expected = vec![
            "size",
            "seed",
            "mode",
            "build",
            "explain",
            "devices",
            "installations",
            "entitlements",
            "consumers",
            "groups",
            "generate",
            "consumption",
        ];
        expected.extend(allocation);
        expected.push("peak_memory");
        assert_eq!(keys, expected, "{line}");
        let get = |k: &str| pairs.iter().find(|(key, _)| *key == k).unwrap().1;
        assert_eq!(get("size"), "S");
        assert_eq!(get("seed"), "42");
        assert_eq!(get("mode"), mode);
        assert!(["debug", "release"].contains(&get("build")), "{line}");
        assert_eq!(get("devices"), "1000");
        assert_eq!(get("entitlements"), "500");
        assert!(get("consumers").parse::<u64>().unwrap() > 0);
        for phase in ["generate", "consumption"].iter().chain(allocation) {
            let seconds = get(phase).strip_suffix('s').expect(phase);
            let (whole, millis) = seconds.split_once('.').expect(seconds);
            assert!(
                whole.parse::<u64>().is_ok() && millis.len() == 3,
                "{phase}={seconds}"
            );
        }
        let memory = get("peak_memory");
        if cfg!(target_os = "linux") {
            let mib = memory.strip_suffix("MiB").expect(memory);
            assert!(mib.parse::<f64>().unwrap() > 1.0, "{memory}");
        } else {
            assert!(memory == "unknown" || memory.ends_with("MiB"), "{memory}");
        }
    }
}

// ---- the pipeline as a source: --inventory/--entitlements/--devices, or a layout folder ----

fn pipeline_data(rel: &str) -> String {
    format!("{}/tests/data/pipeline/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn summary_line(text: &str) -> String {
    text.lines()
        .find(|l| l.contains(" mode, as of "))
        .unwrap_or_else(|| panic!("no summary line in {text}"))
        .to_owned()
}

#[test]
fn inventory_and_entitlements_build_the_estate_and_name_what_was_not_used() {
    let parts = itam(&[
        "reconcile",
        "--inventory",
        &pipeline_data("inventory"),
        "--entitlements",
        &pipeline_data("entitlements"),
        "--devices",
        &pipeline_data("devices.json"),
        "--as-of",
        "2026-10-01",
    ]);
    let text = stdout(&parts);
    assert!(
        text.contains("Fixture Inc./Fixture Tool  device       2         1        1          1"),
        "{text}"
    );
    // The device without facts and the file that is no Ent are named, with their reasons.
    let err = stderr(&parts);
    assert!(
        err.lines().any(|l| l.starts_with("pipeline: ")
            && l.contains("spare/tool.swidtag")
            && l.contains("has no facts")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.contains("notes.txt") && l.contains("unreadable")),
        "{err}"
    );
    assert_eq!(code(&parts), 1, "a shortfall of 1");

    // `--devices` defaults to devices.json beside the inventory; the root folder works too.
    let default_devices = itam(&[
        "reconcile",
        "--inventory",
        &pipeline_data("inventory"),
        "--entitlements",
        &pipeline_data("entitlements"),
        "--as-of",
        "2026-10-01",
    ]);
    let root = itam(&["reconcile", &pipeline_data(""), "--as-of", "2026-10-01"]);
    for other in [&default_devices, &root] {
        assert_eq!(summary_line(&stdout(other)), summary_line(&text));
        assert_eq!(stderr(other), err);
        assert_eq!(code(other), 1);
    }
}

#[test]
fn json_from_the_pipeline_carries_the_unused_list() {
    let out = itam(&[
        "reconcile",
        &pipeline_data(""),
        "--as-of",
        "2026-10-01",
        "--json",
    ]);
    let v = json(&out);
    assert_eq!(v["totals"]["shortfall"], 1);
    let unused = v["unused"].as_array().expect("an unused array");
    let stderr_lines = stderr(&out).lines().count();
    assert_eq!(unused.len(), stderr_lines, "{}", stderr(&out));
    assert!(unused.iter().any(|u| u["kind"] == "no_device_facts"
        && u["file"].as_str().unwrap().ends_with("spare/tool.swidtag")));
    assert!(unused.iter().any(|u| u["kind"] == "unreadable"
        && u["file"].as_str().unwrap().ends_with("notes.txt")
        && u["reason"].as_str().unwrap().starts_with("unreadable:")));
    // `both` too.
    let both = json(&itam(&[
        "reconcile",
        &pipeline_data(""),
        "--as-of",
        "2026-10-01",
        "--json",
        "--mode",
        "both",
    ]));
    assert_eq!(both["unused"], v["unused"]);
    assert!(both["gap"].is_object());
    // An estate.json has no pipeline and no "unused" member.
    let plain = json(&itam(&[
        "reconcile",
        &data("compliant.json"),
        "--as-of",
        "2026-01-01",
        "--json",
    ]));
    assert!(plain.get("unused").is_none());
}

#[test]
fn the_exported_demo_reconciles_to_the_demo_s_shortfall() {
    let dir = TempDir::new("demo-export");
    let root = dir.arg("demo");
    let export = itam(&["demo", "--export", &root]);
    assert_eq!(code(&export), 0, "{}", stderr(&export));
    let demo = stdout(&itam(&["demo"]));
    let out = itam(&[
        "reconcile",
        "--inventory",
        &format!("{root}/inventory"),
        "--entitlements",
        &format!("{root}/entitlements"),
        "--devices",
        &format!("{root}/devices.json"),
        "--as-of",
        "2026-10-01",
    ]);
    let summary = summary_line(&stdout(&out));
    assert!(summary.contains("shortfall 3 "), "{summary}");
    assert!(
        demo.lines().any(|l| l == summary),
        "{summary}\nnot in\n{demo}"
    );
    assert_eq!(code(&out), 1);
    // The same position as from the exported estate.json.
    let from_files = json(&itam(&[
        "reconcile",
        &root,
        "--as-of",
        "2026-10-01",
        "--json",
    ]));
    let from_estate = json(&itam(&[
        "reconcile",
        &format!("{root}/estate.json"),
        "--as-of",
        "2026-10-01",
        "--json",
    ]));
    for key in ["totals", "products", "entitlements", "decisions"] {
        assert_eq!(from_files[key], from_estate[key], "{key}");
    }
}

#[test]
fn source_forms_exclude_each_other_and_need_their_partner() {
    for args in [
        vec!["reconcile", "--inventory", "x"],
        vec!["reconcile", "--entitlements", "x"],
        vec![
            "reconcile",
            "est.json",
            "--inventory",
            "x",
            "--entitlements",
            "y",
        ],
        vec!["reconcile"],
    ] {
        let out = itam(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
}

// ---- reports: the terminal table, CSV ----

#[test]
fn no_colour_when_standard_output_is_not_a_terminal() {
    let out = itam(&["reconcile", &data("hostile.json"), "--as-of", "2026-01-01"]);
    let text = stdout(&out);
    assert!(!text.contains('\x1b'), "{text:?}");
    // A newline inside a product name does not break the table's lines.
    let calc = text
        .lines()
        .find(|l| l.starts_with("Plain & Simple/Calc\\nTwo lines "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(calc.contains(" device ") && calc.ends_with(" -"), "{calc}");
}

/// An RFC 4180 reader for the tests (quoted fields, doubled quotes, CRLF records).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'));
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => {
                assert_ne!(c, '\n', "bare LF");
                field.push(c);
            }
        }
    }
    assert!(field.is_empty() && record.is_empty());
    records
}

#[test]
fn csv_is_the_json_position_row_for_row() {
    let base = ["reconcile", "--as-of", "2026-01-01"];
    let file = data("hostile.json");
    let position = json(&itam(&[&base[..], &[&file, "--json"]].concat()));
    let out = itam(&[&base[..], &[&file, "--csv"]].concat());
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = parse_csv(&stdout(&out));
    assert_eq!(rows[0][0], "publisher");
    assert_eq!(rows[0][12], "shortfall_cost");
    let products = position["products"].as_array().unwrap();
    assert_eq!(rows.len(), products.len() + 1);
    for (row, p) in rows.iter().skip(1).zip(products) {
        for (i, name) in rows[0].iter().enumerate() {
            let want = match &p[name.as_str()] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            if name == "shortfall_cost" && !want.is_empty() {
                let a: f64 = row[i].parse().unwrap();
                assert_eq!(a, want.parse::<f64>().unwrap());
            } else {
                assert_eq!(row[i], want, "column {name}");
            }
        }
    }

    let out = itam(&[&base[..], &[&file, "--csv-decisions"]].concat());
    let rows = parse_csv(&stdout(&out));
    let decisions = position["decisions"].as_array().unwrap();
    assert_eq!(rows.len(), decisions.len() + 1);
    assert_eq!(
        rows[0],
        [
            "publisher",
            "product",
            "edition",
            "metric",
            "consumer",
            "entitlement",
            "decision",
            "reason",
            "units",
            "terms"
        ]
    );
    for (row, d) in rows.iter().skip(1).zip(decisions) {
        let key = if row[2].is_empty() {
            format!("{}/{}", row[0], row[1])
        } else {
            format!("{}/{}/{}", row[0], row[1], row[2])
        };
        assert_eq!(key, d["product"].as_str().unwrap());
        assert_eq!(row[4], d["consumer"].as_str().unwrap());
        assert_eq!(row[5], d["entitlement"].as_str().unwrap());
        assert_eq!(row[6], d["decision"].as_str().unwrap());
        assert_eq!(row[7], d["reason"].as_str().unwrap());
        assert_eq!(row[8], d["units"].to_string());
    }
}

#[test]
fn csv_wants_one_position_and_one_format() {
    let file = data("hostile.json");
    for extra in [
        &["--csv", "--mode", "both"][..],
        &["--csv-decisions", "--mode", "both"],
        &["--csv", "--json"],
        &["--csv", "--csv-decisions"],
    ] {
        let out = itam(
            &[
                &["reconcile", file.as_str(), "--as-of", "2026-01-01"][..],
                extra,
            ]
            .concat(),
        );
        assert_eq!(code(&out), 2, "{extra:?}");
        assert!(stdout(&out).is_empty(), "{extra:?}");
    }
}

/// Runs `itam` with standard output on a pseudo-terminal (util-linux `script`), `NO_COLOR` set
/// or removed; none when `script` is not installed.
fn itam_on_a_terminal(args: &[&str], no_colour: Option<&str>) -> Option<String> {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let command = std::iter::once(env!("CARGO_BIN_EXE_itam"))
        .chain(args.iter().copied())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut script = std::process::Command::new("script");
    script.args(["-qec", &command, "/dev/null"]);
    match no_colour {
        Some(value) => script.env("NO_COLOR", value),
        None => script.env_remove("NO_COLOR"),
    };
    let out = script.output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"))
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let file = data("hostile.json");
    // `--quiet`: standard error is on the terminal too, and its progress bar is not what this
    // test is about (`progress_cli.rs` is).
    let args = [
        "--quiet",
        "reconcile",
        file.as_str(),
        "--as-of",
        "2026-01-01",
    ];
    let Some(coloured) = itam_on_a_terminal(&args, None) else {
        // Written to the stderr handle, past libtest's capture, so a skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "reconcile_cli: terminal colour test skipped: no `script` (util-linux) to make a terminal"
        );
        return;
    };
    let red_line = coloured
        .lines()
        .find(|l| l.contains("<script>alert"))
        .unwrap_or_else(|| panic!("{coloured}"));
    assert!(red_line.starts_with("\x1b[31m"), "{red_line:?}");
    assert!(coloured.contains("\x1b[1mproduct "), "{coloured:?}");
    // NO_COLOR set (and not empty): the plain table; set but empty: colour.
    let plain = itam_on_a_terminal(&args, Some("1")).unwrap();
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert!(plain.contains("<script>alert"));
    let empty = itam_on_a_terminal(&args, Some("")).unwrap();
    assert!(empty.contains("\x1b[31m"), "{empty:?}");
}
