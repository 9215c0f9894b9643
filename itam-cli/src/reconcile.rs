//! `itam reconcile`: the effective license position of an estate, as a readable table,
//! `position.json`, CSV or an HTML page.
//!
//! The estate comes from an `estate.json`, from a folder in the pipeline's layout, or from
//! `--inventory DIR --entitlements DIR [--devices FILE]` (the pipeline, [`crate::pipeline`]);
//! what the pipeline could not use is listed on standard error (and in `--json` output). On a
//! terminal, a progress bar on standard error counts the files read and then shows the
//! engine at work.
//!
//! The one place the as-of date may come from the clock: when neither `--as-of` nor the
//! policy file gives one, today's local date is used, and the header says which it was.
//! Exit codes: 0 no shortfall, 1 a printed position has a shortfall (so scripts can gate on
//! compliance), 2 an input could not be read or parsed, or the engine refused the estate
//! (and clap's usage errors).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{ArgGroup, Args, ValueEnum};
use itam_intake::{InputKind, Options};
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Comparison, Mode, Policy};

use crate::pipeline::{self, Unused};
use crate::progress::Progress;
use crate::render;
use crate::report::{print, warn};

/// `itam reconcile`.
///
/// The estate comes from exactly one source, the `source` group: the `ESTATE` file (or a
/// folder in the pipeline's layout), or `--inventory` with `--entitlements`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["estate", "inventory"])))]
#[command(group(ArgGroup::new("format").args(["json", "csv", "csv_decisions"])))]
pub(crate) struct ReconcileArgs {
    /// The estate (`estate.json`: devices, users, software, installations, usage,
    /// entitlements), or a folder holding `devices.json`, `inventory/` and `entitlements/`;
    /// `-` reads standard input.
    #[arg(value_name = "ESTATE.json|DIR")]
    estate: Option<PathBuf>,
    /// SWID tags found on each device: `DIR/<device-id>/**` (with `--entitlements`).
    #[arg(long, value_name = "DIR", requires = "entitlements")]
    inventory: Option<PathBuf>,
    /// Ent files (XML or JSON), any depth (with `--inventory`).
    #[arg(long, value_name = "DIR", requires = "inventory")]
    entitlements: Option<PathBuf>,
    /// Device facts (`devices.json`) [default: devices.json beside the inventory folder].
    #[arg(long, value_name = "FILE", requires = "inventory")]
    devices: Option<PathBuf>,
    /// Allocation mode: the documented greedy `priority` order, the exact `optimal` one, or
    /// `both` side by side with the gap [default: the policy's, else priority].
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// The day the position is computed for, YYYY-MM-DD [default: the policy's, else today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// A policy (the itam-reconcile `Policy` in JSON: metric parameters, expiry window…);
    /// its `as_of` may be left out. `--mode` and `--as-of` override its own.
    #[arg(long, value_name = "POLICY.json")]
    policy: Option<PathBuf>,
    /// Prints `position.json` instead of the table; with `--mode both`,
    /// {"priority", "optimal", "gap"}; from SWID tags and Ents, with an "unused" list.
    #[arg(long)]
    json: bool,
    /// Prints CSV instead of the table: one row per product × metric line (RFC 4180).
    #[arg(long)]
    csv: bool,
    /// Prints CSV instead of the table: one row per consumer × entitlement decision.
    #[arg(long)]
    csv_decisions: bool,
    /// Also writes a self-contained HTML report (bars, costs, every decision) to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Raises (or lowers) every input size limit to BYTES: tag files (64 MiB by default),
    /// Ent files (8 MiB), device facts (16 MiB), the estate (256 MiB), the policy (1 MiB). A
    /// file over its limit is refused before it is read.
    #[arg(long, value_name = "BYTES")]
    max_input_bytes: Option<u64>,
}

impl ReconcileArgs {
    /// The intake's size limits: the defaults, or all set by `--max-input-bytes`.
    fn limits(&self) -> Options {
        self.max_input_bytes
            .map_or_else(Options::default, Options::with_max_input_bytes)
    }
}

/// The `--mode` values: the library's two modes, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModeArg {
    /// The documented commercial order (greedy).
    Priority,
    /// Maximum coverage, then minimum cost (exact).
    Optimal,
    /// Both, and the gap between them.
    Both,
}

impl ModeArg {
    /// The library mode, or none for `both`.
    pub(crate) const fn single(self) -> Option<Mode> {
        match self {
            Self::Priority => Some(Mode::Priority),
            Self::Optimal => Some(Mode::Optimal),
            Self::Both => None,
        }
    }

    /// The name on the command line.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Priority => "priority",
            Self::Optimal => "optimal",
            Self::Both => "both",
        }
    }
}

/// Exit status: success, no shortfall.
pub(crate) const OK: u8 = 0;
/// Exit status: a printed position has a shortfall.
pub(crate) const SHORTFALL: u8 = 1;
/// Exit status: an input could not be read or parsed, or the estate was refused.
pub(crate) const FAILED: u8 = 2;

/// Runs `itam reconcile`.
pub(crate) fn run(args: &ReconcileArgs) -> ExitCode {
    match reconcile(args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            warn(&format!("itam reconcile: {message}"));
            ExitCode::from(FAILED)
        }
    }
}

/// Where the as-of date came from, for the header.
#[derive(Debug, Clone, Copy)]
enum DateSource {
    Flag,
    Policy,
    Today,
}

impl DateSource {
    const fn describe(self) -> &'static str {
        match self {
            Self::Flag => "given by --as-of",
            Self::Policy => "from the policy",
            Self::Today => "today",
        }
    }
}

/// An estate, what names it in messages, and what the pipeline did not use (none for an
/// `estate.json`).
struct Source {
    estate: Estate,
    name: String,
    unused: Option<Vec<Unused>>,
}

fn source(args: &ReconcileArgs) -> Result<Source, String> {
    let (estate, name, unused) = match (&args.estate, &args.inventory, &args.entitlements) {
        (_, Some(inventory), Some(entitlements)) => {
            let devices = args.devices.clone().unwrap_or_else(|| {
                inventory
                    .parent()
                    .unwrap_or_else(|| Path::new(""))
                    .join(pipeline::DEVICES_FILE)
            });
            let (estate, unused) =
                pipeline::read_parts(inventory, entitlements, &devices, &args.limits());
            (estate, display(inventory), unused)
        }
        (Some(path), _, _) if path.is_dir() => {
            let (estate, unused) = pipeline::read_with(path, &args.limits());
            (estate, display(path), unused)
        }
        (Some(path), _, _) => {
            let text = read_input(path, InputKind::Estate, &args.limits())?;
            let estate: Estate = parse_json(&text, path)?;
            return Ok(Source {
                estate,
                name: display(path),
                unused: None,
            });
        }
        _ => return Err("no estate given".into()),
    };
    for u in &unused {
        warn(&format!("pipeline: {u}"));
    }
    Ok(Source {
        estate,
        name,
        unused: Some(unused),
    })
}

fn reconcile(args: &ReconcileArgs) -> Result<u8, String> {
    let Source {
        estate,
        name,
        unused,
    } = source(args)?;
    let (mut policy, date_source) = policy(args)?;
    let mode = args.mode.unwrap_or(match policy.mode {
        Mode::Priority => ModeArg::Priority,
        Mode::Optimal => ModeArg::Optimal,
    });
    if mode == ModeArg::Both && (args.csv || args.csv_decisions) {
        return Err(
            "--csv and --csv-decisions print one position: give --mode priority or optimal".into(),
        );
    }
    let policy_note = args
        .policy
        .as_deref()
        .map_or_else(String::new, |p| format!(", policy {}", display(p)));
    let header = format!(
        "effective license position of {name} as of {} ({}), mode {}{policy_note}\n\n",
        policy.as_of,
        date_source.describe(),
        mode.as_str()
    );
    let refused = |e: itam_reconcile::ReconcileError| format!("{name}: {e}");
    let colour = render::colour_wanted();
    let shortfall = match mode.single() {
        Some(single) => {
            policy.mode = single;
            let engine = Progress::new(1, "reconciling");
            let position = itam_reconcile::reconcile(&estate, &policy).map_err(refused)?;
            engine.finish();
            if let Some(file) = &args.html {
                write_html(file, &render::html(&[(single.as_str(), &position)], &name))?;
            }
            if args.json {
                print_json(&position, unused.as_deref())?;
            } else if args.csv {
                write_out(&render::products_csv(&position))?;
            } else if args.csv_decisions {
                write_out(&render::decisions_csv(&position))?;
            } else {
                print(&format!("{header}{}", render::table(&position, colour)));
            }
            position.totals.shortfall
        }
        None => {
            let engine = Progress::new(1, "reconciling");
            let both = itam_reconcile::reconcile_both(&estate, &policy).map_err(refused)?;
            engine.finish();
            if let Some(file) = &args.html {
                let page = render::html(
                    &[("priority", &both.priority), ("optimal", &both.optimal)],
                    &name,
                );
                write_html(file, &page)?;
            }
            if args.json {
                print_json(&both, unused.as_deref())?;
            } else {
                print(&format!("{header}{}", both_table(&both, colour)));
            }
            both.priority
                .totals
                .shortfall
                .max(both.optimal.totals.shortfall)
        }
    };
    Ok(if shortfall > 0 { SHORTFALL } else { OK })
}

/// Writes the HTML page; an existing file is replaced (it is a report, written again on each
/// run).
fn write_html(path: &Path, page: &str) -> Result<(), String> {
    std::fs::write(path, page).map_err(|e| format!("{}: cannot write: {e}", display(path)))
}

/// Writes text to standard output.
fn write_out(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    quiet_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// The policy: the file's (with `as_of` filled in when it has none) or the defaults, with
/// `--as-of` laid over it; and where the date came from.
fn policy(args: &ReconcileArgs) -> Result<(Policy, DateSource), String> {
    let today = || chrono::Local::now().date_naive();
    let Some(path) = &args.policy else {
        return Ok(match args.as_of {
            Some(date) => (Policy::new(date), DateSource::Flag),
            None => (Policy::new(today()), DateSource::Today),
        });
    };
    let text = read_input(path, InputKind::Policy, &args.limits())?;
    let mut value: serde_json::Value = parse_json(&text, path)?;
    let Some(object) = value.as_object_mut() else {
        return Err(format!("{}: a policy is a JSON object", display(path)));
    };
    let (policy, source) = if object.contains_key("as_of") {
        // Parsed from the text, so that errors keep their line and column.
        (parse_json::<Policy>(&text, path)?, DateSource::Policy)
    } else {
        let date = args.as_of.unwrap_or_else(today);
        object.insert("as_of".into(), serde_json::Value::String(date.to_string()));
        let policy =
            serde_json::from_value(value).map_err(|e| format!("{}: {e}", display(path)))?;
        let source = if args.as_of.is_some() {
            DateSource::Flag
        } else {
            DateSource::Today
        };
        (policy, source)
    };
    Ok(match args.as_of {
        Some(date) => (
            Policy {
                as_of: date,
                ..policy
            },
            DateSource::Flag,
        ),
        None => (policy, source),
    })
}

/// Both tables and the gap.
fn both_table(both: &Comparison, colour: bool) -> String {
    let gap = &both.gap;
    let cost = if gap.by_currency.is_empty() {
        format!("{:+}", gap.cost.normalize())
    } else {
        // Per currency: amounts in different currencies are never added.
        gap.cost_text()
    };
    let tables = format!(
        "== priority ==\n{}\n== optimal ==\n{}\n",
        render::table(&both.priority, colour),
        render::table(&both.optimal, colour),
    );
    if gap.by_metric.len() < 2 {
        return format!(
            "{tables}gap (optimal - priority): covered {:+}, cost {}, shortfall {:+}\n",
            gap.covered, cost, gap.shortfall
        );
    }
    // Several metrics: units of one metric are not units of another, so no sum of units.
    let mut out = format!("{tables}gap (optimal - priority): cost {cost}, per metric:\n");
    for m in &gap.by_metric {
        out.push_str(&format!(
            "  {}: demand {:+}, covered {:+}, shortfall {:+}\n",
            m.metric, m.demand, m.covered, m.shortfall
        ));
    }
    if gap.metrics_differ {
        out.push_str(
            "  (optimal counts some product in another metric than priority: its units moved between metrics)\n",
        );
    }
    out
}

/// Reads a file, or standard input for `-`, as UTF-8 (after an optional byte-order mark, as
/// the other readers accept), no larger than the kind's limit: a file's length is checked
/// before it is opened, and the file or standard input is read through a bounded reader. Text
/// that is not UTF-8 is refused with the offset, line and column of its first bad byte.
pub(crate) fn read_input(
    path: &Path,
    kind: InputKind,
    options: &Options,
) -> Result<String, String> {
    let read = if path == Path::new("-") {
        itam_intake::read_bounded(&display(path), kind, std::io::stdin().lock(), options)
    } else {
        crate::files::read_limited(path, kind, options)
    };
    let bytes = read.map_err(|e| match e {
        itam_intake::InputError::Io { source, .. } => {
            format!("{}: cannot read: {source}", display(path))
        }
        other => other.to_string(),
    })?;
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    String::from_utf8(text.to_vec()).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let (line, column) = text
            .get(..offset)
            .and_then(|valid| std::str::from_utf8(valid).ok())
            .map_or((0, 0), line_column);
        // The offset in the file: a skipped byte-order mark counts.
        let offset = offset + (bytes.len() - text.len());
        format!(
            "{}: not utf-8 text (invalid byte at offset {offset}, line {line}, column {column})",
            display(path)
        )
    })
}

/// The line and column (1-based, in characters) just past `before`, the valid text in front
/// of a position.
fn line_column(before: &str) -> (usize, usize) {
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before.get(start..).map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Parses JSON; serde_json's message says the line and column. A UTF-8 byte-order mark at the
/// start is skipped, as the other readers (ledger, CMS, SWID, Ent) skip it.
fn parse_json<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| format!("{}: {e}", display(path)))
}

fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".into()
    } else {
        path.display().to_string()
    }
}

/// `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("{e} (expected a date as YYYY-MM-DD)"))
}

/// Streams a value as pretty JSON to standard output (positions can be large); with the
/// pipeline's `unused` list, that list is added to the object as `"unused"`.
fn print_json<T: serde::Serialize>(value: &T, unused: Option<&[Unused]>) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match unused {
        None => serde_json::to_writer_pretty(&mut out, value),
        Some(unused) => serde_json::to_value(value).and_then(|mut v| {
            if let Some(object) = v.as_object_mut() {
                object.insert("unused".into(), serde_json::to_value(unused)?);
            }
            serde_json::to_writer_pretty(&mut out, &v)
        }),
    };
    let written = written
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    quiet_pipe(written)
}

/// A closed pipe (`| head`) is not an error; anything else is.
pub(crate) fn quiet_pipe(result: std::io::Result<()>) -> Result<(), String> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write standard output: {e}"))
        }
        _ => Ok(()),
    }
}
