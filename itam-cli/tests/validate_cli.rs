//! `itam swid validate` and `itam ent validate` share their contract: exit codes 0/1/2, the text
//! lines `file:line:col: severity [RULE] path: message` and the summary line, the JSON shape
//! `[{"file", "error"?, "findings": [{"rule", "severity", "location", "message"}]}]` in input
//! order, and nothing on stderr but diagnostics when it is not a terminal, however large the
//! folder. One test per point, run over a table with a row per group; what only one group
//! does (profiles, CoSWID, UTF-16, JSON arrays, the rule vectors) stays in `swid_cli.rs` and
//! `ent_cli.rs`.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

use serde_json::{Value, json as j};

/// One command group and its fixtures under `tests/data/<dir>/`.
struct Group {
    /// The sub-command: `itam <verb> validate`.
    verb: &'static str,
    /// The fixture folder under `tests/data/`.
    dir: &'static str,
    /// Folders of conformant files (one holds a sub-folder or a second format), and how many
    /// files they hold in all.
    good_folders: &'static [&'static str],
    good_count: usize,
    /// One conformant file.
    good: &'static str,
    /// A folder holding exactly one file, `bad`, with one error finding `rule` at `root`, 3:1.
    bad_folder: &'static str,
    bad: &'static str,
    rule: &'static str,
    root: &'static str,
    /// A file that is not well-formed at 5:1.
    broken: &'static str,
    /// A path that does not exist.
    missing: &'static str,
    /// The ending of the copies written for the progress test (one the folder walk picks up).
    ending: &'static str,
    /// The name of a profile this group does not have.
    unknown_profile: &'static str,
}

const GROUPS: [Group; 2] = [
    Group {
        verb: "swid",
        dir: "swid",
        good_folders: &["tags"],
        good_count: 2,
        good: "tags/roadrunner.swidtag",
        bad_folder: "bad",
        bad: "bad/no-tag-creator.swidtag",
        rule: "SWID-1-1",
        root: "/SoftwareIdentity",
        broken: "broken/unclosed.swidtag",
        missing: "no-such-file.swidtag",
        ending: "swidtag",
        unknown_profile: "iso-2099",
    },
    Group {
        verb: "ent",
        dir: "ent",
        // The four XML files of the chain and the JSON form in new/ (*.ent.json).
        good_folders: &["chain", "new"],
        good_count: 5,
        good: "chain/base.ent.xml",
        bad_folder: "bad",
        bad: "bad/no-creator.ent.xml",
        rule: "ENT-MIN-2",
        root: "/Ent",
        broken: "broken/unclosed.ent.xml",
        missing: "no-such-file.ent.xml",
        ending: "ent",
        unknown_profile: "nope",
    },
];

impl Group {
    /// A fixture path of this group.
    fn data(&self, rel: &str) -> String {
        format!(
            "{}/tests/data/{}/{rel}",
            env!("CARGO_MANIFEST_DIR"),
            self.dir
        )
    }

    /// Runs `itam <verb> validate` with these arguments.
    fn validate(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec![self.verb, "validate"];
        all.extend_from_slice(args);
        itam(&all)
    }
}

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn validate_exits_0_on_conformant_files_and_walks_folders() {
    for g in &GROUPS {
        let folders: Vec<String> = g.good_folders.iter().map(|f| g.data(f)).collect();
        let args: Vec<&str> = folders.iter().map(String::as_str).collect();
        let out = g.validate(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}{}",
            g.verb,
            stdout(&out),
            stderr(&out)
        );
        // Every file, including those in sub-folders and in the other format, is counted.
        let n = g.good_count;
        assert_eq!(
            stdout(&out),
            format!(
                "{n} files: {n} conformant, 0 with errors, 0 unreadable; 0 errors, 0 warnings, 0 infos\n"
            ),
            "{}",
            g.verb
        );
    }
}

#[test]
fn validate_exits_1_on_an_error_finding_and_names_file_line_and_column() {
    for g in &GROUPS {
        let file = g.data(g.bad);
        let out = g.validate(&[&file]);
        assert_eq!(out.status.code(), Some(1), "{}: {}", g.verb, stdout(&out));
        let text = stdout(&out);
        assert!(
            text.starts_with(&format!("{file}:3:1: error [{}] {}: ", g.rule, g.root)),
            "{text}"
        );
        assert!(
            text.ends_with(
                "1 file: 0 conformant, 1 with errors, 0 unreadable; 1 error, 0 warnings, 0 infos\n"
            ),
            "{text}"
        );
    }
}

#[test]
fn validate_exits_2_when_an_input_cannot_be_parsed_and_still_checks_the_rest() {
    for g in &GROUPS {
        let broken = g.data(g.broken);
        let missing = g.data(g.missing);
        let bad_folder = g.data(g.bad_folder);
        let out = g.validate(&[&broken, &bad_folder, &missing]);
        assert_eq!(out.status.code(), Some(2), "{}: {}", g.verb, stdout(&out));
        let text = stdout(&out);
        assert!(
            text.contains(&format!("{broken}:5:1: error: not well-formed xml")),
            "{text}"
        );
        assert!(
            text.contains(&format!("[{}]", g.rule)),
            "the other input was still validated: {text}"
        );
        assert!(
            text.contains(&format!("{missing}: error: cannot read")),
            "{text}"
        );
        assert!(
            text.contains("3 files: 0 conformant, 1 with errors, 2 unreadable"),
            "{text}"
        );

        // A missing path keeps its place among the inputs.
        let out = g.validate(&["--json", &bad_folder, &missing, &broken]);
        assert_eq!(out.status.code(), Some(2), "{}", g.verb);
        let value = json(&out);
        let files: Vec<&str> = value
            .as_array()
            .expect("array")
            .iter()
            .map(|f| f["file"].as_str().expect("file"))
            .collect();
        assert_eq!(files, [g.data(g.bad), missing, broken], "{}", g.verb);
        assert!(
            value[1]["error"]
                .as_str()
                .expect("error")
                .starts_with("cannot read: "),
            "{}",
            value[1]
        );
    }
}

#[test]
fn validate_json_has_one_object_per_file_with_the_documented_keys() {
    for g in &GROUPS {
        let good = g.data(g.good);
        let bad = g.data(g.bad);
        let broken = g.data(g.broken);
        // Two orders: the output follows the input, whichever it is.
        for order in [[&good, &bad, &broken], [&bad, &broken, &good]] {
            let out = g.validate(&["--json", order[0], order[1], order[2]]);
            assert_eq!(out.status.code(), Some(2), "{}", g.verb);
            let value = json(&out);
            let files = value.as_array().expect("an array");
            assert_eq!(files.len(), 3, "{}", g.verb);
            for (file, name) in files.iter().zip(order) {
                assert_eq!(file["file"], name.as_str());
                if name == &good {
                    assert_eq!(keys(file), ["file", "findings"]);
                    assert_eq!(file["findings"], j!([]));
                } else if name == &bad {
                    // `error` only when unreadable.
                    assert_eq!(keys(file), ["file", "findings"]);
                    let finding = &file["findings"][0];
                    assert_eq!(keys(finding), ["location", "message", "rule", "severity"]);
                    assert_eq!(finding["rule"], g.rule);
                    assert_eq!(finding["severity"], "error");
                    assert!(
                        !finding["message"].as_str().expect("message").is_empty(),
                        "{finding}"
                    );
                    assert_eq!(finding["location"]["path"], g.root);
                    assert_eq!(finding["location"]["pos"]["line"], 3);
                    assert_eq!(finding["location"]["pos"]["col"], 1);
                } else {
                    assert_eq!(keys(file), ["error", "file", "findings"]);
                    assert!(
                        file["error"]
                            .as_str()
                            .expect("error text")
                            .starts_with("not well-formed xml at 5:1"),
                        "{}",
                        file["error"]
                    );
                    assert_eq!(file["findings"], j!([]));
                }
            }
        }
    }
}

#[test]
fn validate_keeps_stderr_clean_when_piped_even_for_large_folders() {
    for g in &GROUPS {
        let tmp = TempDir::new(&format!("progress-{}", g.verb));
        let bytes = std::fs::read(g.data(g.good)).expect("fixture");
        for i in 0..200 {
            std::fs::write(tmp.join(&format!("f{i:03}.{}", g.ending)), &bytes).expect("write");
        }
        let out = g.validate(&[&tmp.arg("")]);
        assert_eq!(out.status.code(), Some(0), "{}: {}", g.verb, stdout(&out));
        // The progress bar is drawn only on a terminal (`progress_cli.rs`): none here.
        assert_eq!(stderr(&out), "", "{}", g.verb);
        assert!(
            stdout(&out).starts_with("200 files: 200 conformant"),
            "{}",
            stdout(&out)
        );

        // Small inputs stay quiet.
        let out = g.validate(&[&g.data(g.good_folders[0])]);
        assert_eq!(out.status.code(), Some(0), "{}", g.verb);
        assert_eq!(stderr(&out), "", "{}", g.verb);
    }
}

#[test]
fn validate_rejects_an_unknown_profile_by_name() {
    for g in &GROUPS {
        let out = g.validate(&["--profile", g.unknown_profile, &g.data(g.good)]);
        assert_eq!(out.status.code(), Some(2), "{}", g.verb);
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
        assert!(stderr(&out).contains(g.unknown_profile), "{}", stderr(&out));
    }
}
