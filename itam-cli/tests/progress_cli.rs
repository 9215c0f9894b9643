//! Progress bars: drawn on standard error only when it is a terminal and `--quiet` was not given.
//! Piped (as here, and in every script), a long run prints on standard error what it printed
//! before bars existed, and `--quiet` changes no byte of either stream; on a terminal
//! (util-linux `script`), the bar is drawn on standard error and `--quiet` takes it away.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

use std::io::Write as _;
use std::path::Path;

/// The labels the bars are drawn with (`LABEL [===>   ] 3/10 …`).
const LABELS: [&str; 7] = [
    "validating",
    "reading",
    "converting",
    "reconciling",
    "generating",
    "writing",
    "bench",
];

/// How many copies of a tag and of an Ent the large folders hold.
const COPIES: usize = 250;

/// No bar, no terminal control: no escape sequence, no carriage return, no bar drawn under
/// any of the labels.
fn assert_no_bar(what: &str, err: &str) {
    assert!(!err.contains('\x1b'), "{what}: an escape sequence: {err:?}");
    assert!(!err.contains('\r'), "{what}: a carriage return: {err:?}");
    assert!(!err.contains("=>"), "{what}: bar characters: {err:?}");
    for label in LABELS {
        assert!(
            !err.contains(&format!("{label} [")),
            "{what}: a `{label}` bar: {err:?}"
        );
    }
    // Nor the line-per-200-files progress that came before the bars.
    assert!(!err.contains("validated "), "{what}: {err:?}");
}

/// The demo's files, with a device folder and an Ent folder of many files added.
fn large_folder() -> TempDir {
    let tmp = TempDir::new("progress");
    let out = itam(&["demo", "--export", &tmp.arg("demo")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let tag = std::fs::read(tmp.join("demo/inventory/ws-par-01/example-office-pro-2024.swidtag"))
        .expect("a demo tag");
    let ent = std::fs::read(tmp.join("demo/entitlements/office-2024.ent")).expect("a demo ent");
    std::fs::create_dir_all(tmp.join("demo/inventory/ws-par-01/copies")).unwrap();
    std::fs::create_dir_all(tmp.join("ents")).unwrap();
    for i in 0..COPIES {
        std::fs::write(
            tmp.join(&format!("demo/inventory/ws-par-01/copies/{i:03}.swidtag")),
            &tag,
        )
        .unwrap();
        std::fs::write(tmp.join(&format!("ents/{i:03}.ent")), &ent).unwrap();
    }
    tmp
}

/// `bench` prints wall-clock times and memory, which differ from run to run: they are masked.
fn without_timings(line: &str) -> String {
    line.split(' ')
        .map(|field| match field.split_once('=') {
            Some((key, value))
                if key == "peak_memory"
                    || value
                        .strip_suffix('s')
                        .is_some_and(|v| v.parse::<f64>().is_ok()) =>
            {
                format!("{key}=…")
            }
            _ => field.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn piped_runs_draw_no_bar_and_quiet_changes_no_byte() {
    let tmp = large_folder();
    let demo = tmp.arg("demo");
    let inventory = tmp.arg("demo/inventory");
    let entitlements = tmp.arg("demo/entitlements");
    let ents = tmp.arg("ents");
    let cms = tmp.arg("demo/cms.json");
    let finance_cms = tmp.arg("demo/finance/cms.json");
    let ledger = tmp.arg("demo/finance/ledger.csv");
    let runs: Vec<Vec<&str>> = vec![
        vec!["swid", "validate", &inventory],
        vec!["swid", "validate", "--json", &inventory],
        vec!["swid", "show", &inventory],
        vec!["ent", "validate", &ents],
        vec!["ent", "show", &ents],
        vec!["reconcile", &demo, "--as-of", "2026-10-01"],
        vec!["reconcile", &demo, "--as-of", "2026-10-01", "--json"],
        vec![
            "reconcile",
            "--inventory",
            &inventory,
            "--entitlements",
            &entitlements,
            "--as-of",
            "2026-10-01",
            "--mode",
            "both",
        ],
        vec!["cms", "check", &cms, "--discovered", &demo],
        vec![
            "finance",
            "reconcile",
            "--cms",
            &finance_cms,
            "--ledger",
            &ledger,
            "--entitlements",
            &entitlements,
        ],
        vec!["estate", "generate", "--size", "S", "--seed", "3"],
    ];
    for args in &runs {
        let what = args.join(" ");
        let plain = itam(args);
        let mut quiet_args = vec!["--quiet"];
        quiet_args.extend(args.iter().copied());
        let quiet = itam(&quiet_args);
        assert_no_bar(&what, &stderr(&plain));
        assert_no_bar(&what, &stderr(&quiet));
        assert!(!plain.stdout.is_empty(), "{what}: {}", stderr(&plain));
        assert!(plain.stdout == quiet.stdout, "{what}: stdout differs");
        assert_eq!(stderr(&plain), stderr(&quiet), "{what}");
        assert_eq!(plain.status.code(), quiet.status.code(), "{what}");
    }

    // The large folders were read in full.
    let out = itam(&["swid", "validate", &inventory]);
    assert!(
        stdout(&out).contains(&format!("{} files:", COPIES + 30)),
        "{}",
        stdout(&out)
    );
    // Validation prints nothing on stderr when all is well: not a progress line either.
    let out = itam(&["ent", "validate", &ents]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stderr(&out), "");

    // Conversions write the same files, and `-q` after the verb is the same flag.
    for (group, input) in [("swid", &inventory), ("ent", &ents)] {
        let (a, b) = (
            tmp.join(&format!("{group}-a")),
            tmp.join(&format!("{group}-b")),
        );
        let plain = itam(&[
            group,
            "convert",
            "--to",
            "json",
            "-o",
            &a.to_string_lossy(),
            input,
        ]);
        let quiet = itam(&[
            group,
            "convert",
            "-q",
            "--to",
            "json",
            "-o",
            &b.to_string_lossy(),
            input,
        ]);
        assert_eq!(code(&plain), 0, "{group}: {}", stderr(&plain));
        assert_no_bar(group, &stderr(&plain));
        assert_eq!(stderr(&plain), stderr(&quiet), "{group}");
        assert_eq!(tree(&a), tree(&b), "{group}");
        assert!(tree(&a).len() >= COPIES, "{group}");
    }

    // The bench's line: the same keys and counts, only its timings differ.
    let plain = itam(&[
        "bench",
        "reconcile",
        "--size",
        "S",
        "--seed",
        "2",
        "--mode",
        "both",
    ]);
    let quiet = itam(&[
        "bench",
        "reconcile",
        "--size",
        "S",
        "--seed",
        "2",
        "--mode",
        "both",
        "--quiet",
    ]);
    assert_eq!(code(&plain), 0, "{}", stderr(&plain));
    assert_no_bar("bench", &stderr(&plain));
    assert_eq!(stderr(&plain), "");
    assert_eq!(stderr(&quiet), "");
    assert_eq!(
        without_timings(&stdout(&plain)),
        without_timings(&stdout(&quiet))
    );
    assert!(
        without_timings(&stdout(&plain)).contains("generate=… consumption=… allocation_priority=…"),
        "{}",
        stdout(&plain)
    );
}

/// What `itam ARGS` writes to a pseudo-terminal (util-linux `script`), its standard output sent
/// to `stdout_to` (so the terminal shows standard error alone), with `TERM` as given; none when
/// `script` is not installed. Its exit status is not looked at (`reconcile` exits 1 on a
/// shortfall).
fn stderr_on_a_terminal(args: &[&str], stdout_to: &Path, term: &str) -> Option<String> {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let command = std::iter::once(env!("CARGO_BIN_EXE_itam"))
        .chain(args.iter().copied())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ");
    let command = format!("{command} > {}", quote(&stdout_to.to_string_lossy()));
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", term)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What a terminal shows of `text`, as lines: split at line ends and carriage returns, the
/// line erase taken out.
fn terminal_lines(text: &str) -> Vec<String> {
    text.split(['\n', '\r'])
        .map(|l| l.replace("\x1b[2K", ""))
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn a_terminal_gets_a_bar_on_stderr_unless_quiet() {
    let tmp = large_folder();
    let inventory = tmp.arg("demo/inventory");
    let demo = tmp.arg("demo");
    let out = tmp.join("stdout.txt");
    let validate = ["swid", "validate", inventory.as_str()];
    let Some(drawn) = stderr_on_a_terminal(&validate, &out, "xterm") else {
        // Written to the stderr handle, past libtest's capture, so a skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "progress_cli: terminal progress test skipped: no `script` (util-linux) to make a terminal"
        );
        return;
    };
    let total = COPIES + 30;
    assert!(drawn.contains("validating ["), "{drawn:?}");
    assert!(drawn.contains(&format!("/{total} (")), "{drawn:?}");
    // Cleared when done: the last thing on the line is the erase, not the bar.
    assert!(drawn.trim_end().ends_with("\x1b[2K"), "{drawn:?}");
    // Standard output is the report, with no trace of the bar.
    let report = std::fs::read_to_string(&out).unwrap();
    assert!(report.contains(&format!("{total} files:")), "{report}");
    assert!(
        !report.contains('\x1b') && !report.contains('\r'),
        "{report:?}"
    );

    // `--quiet` (before or after the verb): nothing on the terminal, the same report.
    for args in [
        &["--quiet", "swid", "validate", inventory.as_str()][..],
        &["swid", "validate", "-q", inventory.as_str()][..],
    ] {
        let quiet = stderr_on_a_terminal(args, &out, "xterm").unwrap();
        assert_eq!(quiet, "", "{args:?}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), report, "{args:?}");
    }
    // A terminal that cannot draw one (`TERM=dumb`) gets none either.
    assert_eq!(stderr_on_a_terminal(&validate, &out, "dumb").unwrap(), "");

    // A warning printed in the middle of the work takes the bar off its line first, so it
    // stands on a line of its own: Ents in their JSON form with a member the form does not
    // have, each named on standard error while the folder is validated.
    let json = tmp.join("office.ent.json");
    let out_json = itam(&[
        "ent",
        "convert",
        "--to",
        "json",
        "-o",
        &json.to_string_lossy(),
        &tmp.arg("demo/entitlements/office-2024.ent"),
    ]);
    assert_eq!(code(&out_json), 0, "{}", stderr(&out_json));
    let mut ent: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    ent["colour"] = "red".into();
    std::fs::create_dir_all(tmp.join("noted")).unwrap();
    for i in 0..COPIES {
        std::fs::write(
            tmp.join(&format!("noted/{i:03}.ent.json")),
            serde_json::to_vec(&ent).unwrap(),
        )
        .unwrap();
    }
    let noted = tmp.arg("noted");
    let drawn = stderr_on_a_terminal(&["ent", "validate", noted.as_str()], &out, "xterm").unwrap();
    assert!(drawn.contains("validating ["), "{drawn:?}");
    let lines = terminal_lines(&drawn);
    let warnings: Vec<&String> = lines.iter().filter(|l| l.contains("/colour:")).collect();
    assert_eq!(warnings.len(), COPIES, "{drawn:?}");
    for line in warnings {
        assert!(line.starts_with(&noted), "torn by the bar: {line:?}");
    }

    // The folder read of `reconcile DIR`, then the engine; the pipeline's notes are printed
    // around the bar, each on a whole line.
    let reconcile = ["reconcile", demo.as_str(), "--as-of", "2026-10-01"];
    let drawn = stderr_on_a_terminal(&reconcile, &out, "xterm").unwrap();
    assert!(drawn.contains("reading ["), "{drawn:?}");
    assert!(drawn.contains("reconciling ["), "{drawn:?}");
    let mut quiet_args = vec!["-q"];
    quiet_args.extend(reconcile);
    let quiet = stderr_on_a_terminal(&quiet_args, &out, "xterm").unwrap();
    assert!(!quiet.contains('\x1b'), "{quiet:?}");
    assert!(quiet.contains("pipeline: "), "{quiet:?}");
    // Without the bar's drawing, the terminal shows the same notes as with `--quiet`.
    let notes = |text: &str| -> Vec<String> {
        terminal_lines(text)
            .into_iter()
            .filter(|l| l.contains("pipeline: "))
            .collect()
    };
    assert_eq!(notes(&drawn), notes(&quiet));
    assert!(notes(&quiet).len() >= COPIES, "{quiet:?}");
}
