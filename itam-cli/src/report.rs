//! What the verbs hand back, shared by the command groups so they behave alike: exit statuses,
//! standard output and error (written around the progress bar, if one is drawn), the per-file
//! report of a validation (text and JSON, with a progress bar on a terminal), and output files
//! that never overwrite one another.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use itam_core::diag::{Finding, Severity};
use serde::Serialize;

use crate::files::{self, Expanded, Input};
use crate::progress::{self, Progress};

/// Exit status: success.
pub(crate) const OK: u8 = 0;
/// Exit status: a validation found an error (or a chain was refused).
pub(crate) const FINDINGS: u8 = 1;
/// Exit status: an input could not be read, parsed or written.
pub(crate) const UNREADABLE: u8 = 2;

/// Writes to standard output; a closed pipe (`| head`) is not an error worth a panic.
pub(crate) fn print(text: &str) {
    progress::suspend(|| {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    });
}

/// Writes one line to standard error.
pub(crate) fn warn(text: &str) {
    progress::suspend(|| {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    });
}

/// Prints a value as pretty JSON with a final newline; `false` (after saying so on standard
/// error) when it cannot be serialised.
pub(crate) fn print_json(value: &impl Serialize) -> bool {
    match serde_json::to_string_pretty(value) {
        Ok(json) => {
            print(&format!("{json}\n"));
            true
        }
        Err(e) => {
            warn(&format!("itam: cannot write json: {e}"));
            false
        }
    }
}

/// One input file's validation result, in the `--json` shape:
/// `{"file", "error" (when unreadable), "findings": [...]}`.
#[derive(Debug, Serialize)]
pub(crate) struct FileReport {
    /// The file as the user named it (or as found in a folder).
    pub file: String,
    /// Why the file could not be read or parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The findings, in the validator's order.
    pub findings: Vec<Finding>,
    /// Line and column of the error (text output only).
    #[serde(skip)]
    pub error_pos: Option<(u32, u32)>,
}

impl FileReport {
    /// A file that was read and checked.
    pub(crate) fn checked(file: String, findings: Vec<Finding>) -> Self {
        Self {
            file,
            error: None,
            findings,
            error_pos: None,
        }
    }

    /// A file that could not be read or parsed.
    pub(crate) fn unreadable(file: String, error: String, error_pos: Option<(u32, u32)>) -> Self {
        Self {
            file,
            error: Some(error),
            findings: Vec::new(),
            error_pos,
        }
    }
}

/// Validates every expanded input with `check` (a path that could not be listed becomes an
/// unreadable report in its place), prints the reports as text or JSON, and returns the exit
/// status: [`UNREADABLE`] when an input could not be read, else [`FINDINGS`] when a finding is an
/// error, else [`OK`].
pub(crate) fn validate_inputs(
    expanded: &Expanded,
    json: bool,
    check: impl Fn(&Input) -> FileReport,
) -> u8 {
    let progress = Progress::new(expanded.len(), "validating");
    let mut reports = Vec::with_capacity(expanded.len());
    for entry in expanded {
        reports.push(match entry {
            Ok(input) => check(input),
            Err((path, e)) => {
                FileReport::unreadable(files::display(path), format!("cannot read: {e}"), None)
            }
        });
        progress.inc();
    }
    progress.finish();

    if json {
        if !print_json(&reports) {
            return UNREADABLE;
        }
    } else {
        print(&text(&reports));
    }
    exit_status(&reports)
}

/// The exit status of a validation.
pub(crate) fn exit_status(reports: &[FileReport]) -> u8 {
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

/// In a file holding several documents, the path of a finding in the `n`-th names it:
/// `/Root/Child` → `/Root[n]/Child`.
pub(crate) fn number_root(path: &str, root: &str, n: usize) -> String {
    match path.strip_prefix(root) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{root}[{n}]{rest}"),
        _ => format!("{root}[{n}]{path}"),
    }
}

/// The text form: one line per finding, `file:line:col: severity [rule] path: message`,
/// then a summary line.
pub(crate) fn text(reports: &[FileReport]) -> String {
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
            out.push_str(&finding_line(f));
            out.push('\n');
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

/// `severity [rule] path: message` (`/` for an empty path).
pub(crate) fn finding_line(f: &Finding) -> String {
    itam_intake::finding_line(f)
}

/// `file:line:col: ` or `file: `.
pub(crate) fn at(file: &str, pos: Option<(u32, u32)>) -> String {
    match pos {
        Some((line, col)) => format!("{file}:{line}:{col}: "),
        None => format!("{file}: "),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Where a conversion's output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sink {
    /// Standard output (`-o -`).
    Stdout,
    /// This one file.
    File(PathBuf),
    /// A folder, one file per document.
    Folder(PathBuf),
}

impl Sink {
    /// The sink `-o OUTPUT` names for these inputs: `-` is standard output (one input file
    /// only, else `None`); one file given on the command line writes to `OUTPUT` unless it is
    /// an existing folder; anything else writes into the folder `OUTPUT`.
    pub(crate) fn for_output(output: &Path, expanded: &Expanded) -> Option<Self> {
        let single_file = matches!(expanded.as_slice(), [Ok(input)] if !input.from_folder);
        if output == Path::new("-") {
            single_file.then_some(Self::Stdout)
        } else if single_file && !output.is_dir() {
            Some(Self::File(output.to_path_buf()))
        } else {
            Some(Self::Folder(output.to_path_buf()))
        }
    }
}

/// The files written so far by one command: a second write to the same path is refused, so two
/// inputs never silently overwrite each other's output.
#[derive(Debug, Default)]
pub(crate) struct Written(BTreeSet<PathBuf>);

impl Written {
    /// Writes `bytes` to `path`, creating its folder; refuses a path already written.
    pub(crate) fn write(&mut self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        if !self.0.insert(path.to_path_buf()) {
            return Err(format!(
                "{} was already written from another input; not overwritten",
                files::display(path)
            ));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", files::display(parent)))?;
        }
        std::fs::write(path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", files::display(path)))
    }
}

/// Writes bytes to standard output and flushes.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    progress::suspend(|| {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write to standard output: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_numbered_only_at_the_root() {
        assert_eq!(number_root("/Ent/Right[1]", "/Ent", 2), "/Ent[2]/Right[1]");
        assert_eq!(number_root("/Ent", "/Ent", 3), "/Ent[3]");
        assert_eq!(number_root("/Entity", "/Ent", 1), "/Ent[1]/Entity");
    }

    #[test]
    fn exit_status_prefers_unreadable_over_errors() {
        let error = Finding::new(
            "X-1",
            Severity::Error,
            itam_core::diag::Location::root(),
            "bad",
        );
        let warning = Finding {
            severity: Severity::Warning,
            ..error.clone()
        };
        let checked = |f: &Finding| FileReport::checked("a".into(), vec![f.clone()]);
        assert_eq!(exit_status(&[checked(&warning)]), OK);
        assert_eq!(exit_status(&[checked(&warning), checked(&error)]), FINDINGS);
        let unreadable = FileReport::unreadable("b".into(), "no".into(), None);
        assert_eq!(exit_status(&[checked(&error), unreadable]), UNREADABLE);
    }
}
