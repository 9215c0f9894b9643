//! `itam swid validate`.

use std::io::IsTerminal as _;

use itam_core::diag::{Finding, Report, Severity};
use itam_swid::validate::{Profile, validate_parsed};
use serde::Serialize;

use super::load::{LoadError, Loaded, load_file};
use super::{FINDINGS, OK, UNREADABLE, ValidateArgs, print, warn};
use crate::files::{self, Input};

/// The extensions read when walking a folder.
pub(super) const FOLDER_EXTENSIONS: [&str; 5] = ["swidtag", "xml", "coswid", "cbor", "uswid"];

/// From this many files on, progress is reported on standard error.
const PROGRESS_FROM: usize = 200;

/// One input file's result, in the `--json` shape.
#[derive(Debug, Serialize)]
struct FileReport {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    findings: Vec<Finding>,
    /// Line and column of the error (text output only).
    #[serde(skip)]
    error_pos: Option<(u32, u32)>,
}

pub(super) fn run(args: &ValidateArgs) -> u8 {
    let Some(profile) = Profile::by_name(&args.profile) else {
        // clap only lets the names of Profile::ALL through.
        warn(&format!("itam: unknown profile `{}`", args.profile));
        return UNREADABLE;
    };
    let expanded = files::expand(&args.paths, |p| files::has_extension(p, &FOLDER_EXTENSIONS));
    let total = expanded.len();
    let progress = Progress::new(total);
    let mut reports = Vec::with_capacity(total);
    for (done, entry) in expanded.iter().enumerate() {
        reports.push(match entry {
            Ok(input) => check(input, &profile),
            Err((path, e)) => FileReport {
                file: files::display(path),
                error: Some(format!("cannot read: {e}")),
                findings: Vec::new(),
                error_pos: None,
            },
        });
        progress.tick(done + 1);
    }
    progress.finish();

    if args.json {
        match serde_json::to_string_pretty(&reports) {
            Ok(json) => print(&format!("{json}\n")),
            Err(e) => {
                warn(&format!("itam: cannot write json: {e}"));
                return UNREADABLE;
            }
        }
    } else {
        print(&text(&reports));
    }
    if reports.iter().any(|r| r.error.is_some()) {
        UNREADABLE
    } else if reports
        .iter()
        .any(|r| r.findings.iter().any(|f| f.severity == Severity::Error))
    {
        FINDINGS
    } else {
        OK
    }
}

fn check(input: &Input, profile: &Profile) -> FileReport {
    let file = files::display(&input.path);
    match load_file(&input.path) {
        Ok(loaded) => FileReport {
            file,
            error: None,
            findings: findings(&loaded, profile),
            error_pos: None,
        },
        Err(LoadError { message, pos }) => FileReport {
            file,
            error: Some(message),
            findings: Vec::new(),
            error_pos: pos,
        },
    }
}

/// The reader's findings and the profile's, for every tag of a file. In a file holding
/// several tags, paths name the tag: `/SoftwareIdentity[2]/Entity[1]`.
fn findings(loaded: &Loaded, profile: &Profile) -> Vec<Finding> {
    let several = loaded.tags.len() > 1;
    let mut out = Vec::new();
    for (i, tag) in loaded.tags.iter().enumerate() {
        let mut report: Report = tag.parsed.findings.iter().cloned().collect();
        report.merge(validate_parsed(&tag.parsed, profile));
        for mut finding in Vec::from(report) {
            if several {
                finding.location.path = number_root(&finding.location.path, i + 1);
            }
            out.push(finding);
        }
    }
    out
}

fn number_root(path: &str, n: usize) -> String {
    const ROOT: &str = "/SoftwareIdentity";
    match path.strip_prefix(ROOT) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{ROOT}[{n}]{rest}"),
        _ => format!("{ROOT}[{n}]{path}"),
    }
}

/// The text form: one line per finding, `file:line:col: severity [rule] path: message`,
/// then a summary line.
fn text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings, mut infos, mut unreadable, mut conformant) = (0, 0, 0, 0, 0);
    for report in reports {
        if let Some(error) = &report.error {
            unreadable += 1;
            out.push_str(&at(&report.file, report.error_pos));
            out.push_str(&format!("error: {error}\n"));
            continue;
        }
        if !report
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error)
        {
            conformant += 1;
        }
        for f in &report.findings {
            match f.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => infos += 1,
            }
            out.push_str(&at(&report.file, f.location.pos.map(|p| (p.line, p.col))));
            let path = if f.location.path.is_empty() {
                "/"
            } else {
                &f.location.path
            };
            out.push_str(&format!(
                "{} [{}] {}: {}\n",
                f.severity, f.rule, path, f.message
            ));
        }
    }
    let files = reports.len();
    out.push_str(&format!(
        "{files} {}: {conformant} conformant, {} with errors, {unreadable} unreadable; \
         {errors} {}, {warnings} {}, {infos} {}\n",
        plural(files, "file", "files"),
        files - conformant - unreadable,
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        plural(infos, "info", "infos"),
    ));
    out
}

fn at(file: &str, pos: Option<(u32, u32)>) -> String {
    match pos {
        Some((line, col)) => format!("{file}:{line}:{col}: "),
        None => format!("{file}: "),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Progress on standard error for large inputs: a line that rewrites itself on a terminal,
/// a line every [`PROGRESS_FROM`] files otherwise.
struct Progress {
    total: usize,
    on: bool,
    terminal: bool,
}

impl Progress {
    fn new(total: usize) -> Self {
        Self {
            total,
            on: total >= PROGRESS_FROM,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn tick(&self, done: usize) {
        if !self.on {
            return;
        }
        if self.terminal {
            if done % 10 == 0 || done == self.total {
                eprint!("\rvalidated {done}/{} files", self.total);
            }
        } else if done % PROGRESS_FROM == 0 {
            warn(&format!("validated {done}/{} files", self.total));
        }
    }

    fn finish(&self) {
        if self.on && self.terminal {
            eprintln!();
        }
    }
}
