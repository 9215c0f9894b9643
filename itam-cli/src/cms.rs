//! `itam cms`: the configuration management system checked against itself and against what
//! discovery found, and the ITAM report (ISO/IEC 19770-1 tier 1, 7.6, 9.1, 10.1).
//!
//! - `check` runs the CMS's data-quality rules (`CMS-*`, [`itam_core::quality`]), verifies its
//!   audit trail and reports refused attempts at self-approval ([`itam_core::trust::audit`]),
//!   and, with `--discovered`, compares the CMS with the estate discovery found
//!   ([`itam_core::trust::compare`]). Exit status as `validate`: 0 when no finding is an
//!   error, 1 when one is, 2 when an input could not be read.
//! - `report` measures the ITAM indicators ([`itam_core::measure`]) from the CMS, those
//!   findings and, with `--discovered`, the licence position of the discovered estate, and
//!   lists the open nonconformities.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use itam_core::cms::{Cms, Nonconformity};
use itam_core::diag::{Finding, Report, Severity};
use itam_core::estate::Estate;
use itam_core::measure::{self, Measurements, Sources};
use itam_core::trust;
use itam_intake::Options;
use itam_reconcile::{Policy, reconcile};
use serde::Serialize;

use crate::pipeline::{self, Unused};
use crate::report::{FINDINGS, OK, UNREADABLE, finding_line, print, print_json, warn};

/// `itam cms` verbs.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Checks a CMS: its data quality (CMS-*), its audit trail (TRUST-TRAIL-1, TRUST-SOD-1)
    /// and, with --discovered, what discovery found against what it records (TRUST-*).
    ///
    /// Exit status: 0 when no finding is an error, 1 when one is, 2 when an input could not
    /// be read or parsed.
    Check(CheckArgs),
    /// The ITAM report: the indicators (IND-*) and the open nonconformities.
    Report(ReportArgs),
}

/// The inputs both verbs take.
#[derive(Debug, Args)]
pub(crate) struct Inputs {
    /// The CMS in its JSON form ({"items", "relationships", "changes", "dml", "trail", ...}).
    #[arg(value_name = "CMS.json")]
    cms: PathBuf,
    /// A folder laid out as `itam reconcile` reads it (`devices.json`, `inventory/<device>/`,
    /// `entitlements/`): what discovery found, compared with the CMS.
    #[arg(long, value_name = "DIR")]
    discovered: Option<PathBuf>,
    /// Raises (or lowers) every input's size limit to this many bytes.
    #[arg(long, value_name = "BYTES")]
    max_input_bytes: Option<u64>,
    /// Writes JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `itam cms check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    inputs: Inputs,
}

/// `itam cms report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// The day the indicators are measured for (ages are counted to its start, the licence
    /// position is taken on it). Default: the day of the trail's latest entry.
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
    /// Also writes the report as a self-contained HTML page to FILE (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// Runs an `itam cms` verb.
pub(crate) fn run(command: Command) -> ExitCode {
    let status = match command {
        Command::Check(args) => check_command(&args.inputs),
        Command::Report(args) => report_command(&args.inputs, args.as_of, args.html.as_deref()),
    };
    ExitCode::from(status)
}

/// The CMS and, when asked for, the discovered estate with what in it was not used.
struct Loaded {
    cms: Cms,
    discovered: Option<(Estate, Vec<Unused>)>,
}

fn load(inputs: &Inputs) -> Result<Loaded, String> {
    let options = inputs
        .max_input_bytes
        .map_or_else(Options::default, Options::with_max_input_bytes);
    let cms = crate::finance::read_cms(&inputs.cms, &options)
        .map_err(|e| format!("{}: {e}", crate::files::display(&inputs.cms)))?;
    let discovered = inputs
        .discovered
        .as_deref()
        .map(|dir| discover(dir, &options))
        .transpose()?;
    Ok(Loaded { cms, discovered })
}

fn discover(dir: &Path, options: &Options) -> Result<(Estate, Vec<Unused>), String> {
    if !dir.is_dir() {
        return Err(format!(
            "{}: not a folder (devices.json, inventory/, entitlements/)",
            crate::files::display(dir)
        ));
    }
    Ok(pipeline::read_with(dir, options))
}

/// Every finding of `check`: quality, trail, then discovery against the CMS.
pub(crate) fn findings(cms: &Cms, discovered: Option<&Estate>) -> Report {
    let mut report = cms.check();
    for f in trust::audit(cms).findings() {
        report.push(f.clone());
    }
    if let Some(estate) = discovered {
        for f in trust::compare(cms, estate).findings() {
            report.push(f.clone());
        }
    }
    report
}

/// The `--json` form of `check`.
#[derive(Serialize)]
struct CheckJson<'a> {
    cms: String,
    findings: &'a [Finding],
    #[serde(skip_serializing_if = "<[Unused]>::is_empty")]
    unused: &'a [Unused],
}

fn check_command(inputs: &Inputs) -> u8 {
    let loaded = match load(inputs) {
        Ok(loaded) => loaded,
        Err(e) => {
            warn(&format!("itam: {e}"));
            return UNREADABLE;
        }
    };
    let discovered = loaded.discovered.as_ref().map(|(e, _)| e);
    let unused = loaded.discovered.as_ref().map_or(&[][..], |(_, u)| u);
    let report = findings(&loaded.cms, discovered);
    let shown = crate::files::display(&inputs.cms);
    if inputs.json {
        let json = CheckJson {
            cms: shown,
            findings: report.findings(),
            unused,
        };
        if !print_json(&json) {
            return UNREADABLE;
        }
    } else {
        print(&check_text(&shown, &report, unused));
    }
    if report
        .findings()
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        FINDINGS
    } else {
        OK
    }
}

/// One line per finding, then what discovery reported that was not used, then a summary.
pub(crate) fn check_text(shown: &str, report: &Report, unused: &[Unused]) -> String {
    let mut out = String::new();
    for f in report.findings() {
        let _ = writeln!(out, "{shown}: {}", finding_line(f));
    }
    for u in unused {
        let _ = writeln!(out, "not used: {u}");
    }
    let count = |s| report.findings().iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        out,
        "{shown}: {} error(s), {} warning(s), {} note(s)",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    out
}

/// The `--json` form of `report`.
#[derive(Serialize)]
struct ReportJson<'a> {
    indicators: &'a Measurements,
    open_nonconformities: Vec<&'a Nonconformity>,
}

fn report_command(inputs: &Inputs, as_of: Option<NaiveDate>, html: Option<&Path>) -> u8 {
    let loaded = match load(inputs) {
        Ok(loaded) => loaded,
        Err(e) => {
            warn(&format!("itam: {e}"));
            return UNREADABLE;
        }
    };
    let discovered = loaded.discovered.as_ref().map(|(e, _)| e);
    let as_of = as_of.map_or_else(|| latest(&loaded.cms), start_of);
    let measured = match indicators(&loaded.cms, discovered, as_of) {
        Ok(m) => m,
        Err(e) => {
            warn(&format!(
                "itam: the discovered estate does not reconcile: {e}"
            ));
            return UNREADABLE;
        }
    };
    if let Some(file) = html {
        let report = findings(&loaded.cms, discovered);
        let open: Vec<&Nonconformity> = open(&loaded.cms).collect();
        let page = crate::render::itam_html(
            &measured,
            &report,
            &open,
            &crate::files::display(&inputs.cms),
        );
        if let Err(e) = write_page(file, page.as_bytes()) {
            warn(&format!("itam: {e}"));
            return UNREADABLE;
        }
    }
    if inputs.json {
        let json = ReportJson {
            indicators: &measured,
            open_nonconformities: open(&loaded.cms).collect(),
        };
        if !print_json(&json) {
            return UNREADABLE;
        }
    } else {
        print(&report_text(&loaded.cms, &measured));
    }
    OK
}

/// Writes the HTML page; an existing file is replaced (it is a report, written again on each
/// run, as `reconcile --html` does).
fn write_page(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes)
        .map_err(|e| format!("{}: cannot write: {e}", crate::files::display(path)))
}

/// Midnight UTC at the start of `day`.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The time of the trail's latest entry (the epoch for an empty trail).
fn latest(cms: &Cms) -> DateTime<Utc> {
    cms.trail()
        .last()
        .map_or(DateTime::UNIX_EPOCH, |entry| entry.at)
}

fn open(cms: &Cms) -> impl Iterator<Item = &Nonconformity> {
    cms.nonconformities().filter(|n| n.state.is_open())
}

/// The indicators from the CMS, its findings and, with a discovered estate, its position on
/// `as_of`'s day.
pub(crate) fn indicators(
    cms: &Cms,
    discovered: Option<&Estate>,
    as_of: DateTime<Utc>,
) -> Result<Measurements, itam_reconcile::ReconcileError> {
    let report = findings(cms, discovered);
    let figures = discovered
        .map(|estate| {
            reconcile(estate, &Policy::new(as_of.date_naive())).map(|p| p.figures(estate))
        })
        .transpose()?;
    let mut sources = Sources::new(as_of).cms(cms).trust(&report);
    if let Some(estate) = discovered {
        sources = sources.discovered(estate);
    }
    if let Some(figures) = &figures {
        sources = sources.position(figures);
    }
    Ok(measure::measure(&sources))
}

/// The indicators, then the open nonconformities with their ages.
pub(crate) fn report_text(cms: &Cms, measured: &Measurements) -> String {
    let mut out = format!("ITAM indicators as of {}\n\n", measured.as_of.date_naive());
    out.push_str(&measured.to_text());
    let open: Vec<&Nonconformity> = open(cms).collect();
    let _ = writeln!(out, "\nOpen nonconformities ({})\n", open.len());
    for n in open {
        let days = n.open_for(measured.as_of).map_or(0, |d| d.num_days());
        let _ = writeln!(
            out,
            "  {} {} [{}] {}: {} (opened {} by {}, {days} days)",
            n.id,
            n.state,
            n.rule,
            n.subject,
            n.summary,
            n.opened_at.date_naive(),
            n.opened_by
        );
    }
    out
}
