//! `itam reconcile ESTATE.json`: the effective license position of an estate, as a readable
//! table or as `position.json`.
//!
//! The one place the as-of date may come from the clock: when neither `--as-of` nor the
//! policy file gives one, today's local date is used, and the header says which it was.
//! Exit codes: 0 no shortfall, 1 a printed position has a shortfall (so scripts can gate on
//! compliance), 2 an input could not be read or parsed, or the engine refused the estate
//! (and clap's usage errors).

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{ArgGroup, Args, ValueEnum};
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Comparison, Mode, Policy};

use crate::report::{print, warn};

/// `itam reconcile`.
///
/// The estate comes from exactly one source, the `source` group; today that is the
/// `ESTATE` file. Building an estate from SWID and Ent folders (`--inventory DIR
/// --entitlements DIR`) joins the same group later without changing this form.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["estate"])))]
pub(crate) struct ReconcileArgs {
    /// The estate (`estate.json`: devices, users, software, installations, usage,
    /// entitlements); `-` reads standard input.
    #[arg(value_name = "ESTATE.json")]
    estate: Option<PathBuf>,
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
    /// {"priority", "optimal", "gap"}.
    #[arg(long)]
    json: bool,
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

fn reconcile(args: &ReconcileArgs) -> Result<u8, String> {
    let Some(estate_path) = &args.estate else {
        return Err("no estate given".into());
    };
    let estate: Estate = parse_json(&read_input(estate_path)?, estate_path)?;
    let (mut policy, source) = policy(args)?;
    let mode = args.mode.unwrap_or(match policy.mode {
        Mode::Priority => ModeArg::Priority,
        Mode::Optimal => ModeArg::Optimal,
    });
    let name = display(estate_path);
    let policy_note = args
        .policy
        .as_deref()
        .map_or_else(String::new, |p| format!(", policy {}", display(p)));
    let header = format!(
        "effective license position of {name} as of {} ({}), mode {}{policy_note}\n\n",
        policy.as_of,
        source.describe(),
        mode.as_str()
    );
    let refused = |e: itam_reconcile::ReconcileError| format!("{name}: {e}");
    let shortfall = match mode.single() {
        Some(single) => {
            policy.mode = single;
            let position = itam_reconcile::reconcile(&estate, &policy).map_err(refused)?;
            if args.json {
                print_json(&position)?;
            } else {
                print(&format!("{header}{}", position.to_table()));
            }
            position.totals.shortfall
        }
        None => {
            let both = itam_reconcile::reconcile_both(&estate, &policy).map_err(refused)?;
            if args.json {
                print_json(&both)?;
            } else {
                print(&format!("{header}{}", both_table(&both)));
            }
            both.priority
                .totals
                .shortfall
                .max(both.optimal.totals.shortfall)
        }
    };
    Ok(if shortfall > 0 { SHORTFALL } else { OK })
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
    let text = read_input(path)?;
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
fn both_table(both: &Comparison) -> String {
    let gap = &both.gap;
    format!(
        "== priority ==\n{}\n== optimal ==\n{}\ngap (optimal - priority): covered {:+}, cost {:+}, shortfall {:+}\n",
        both.priority.to_table(),
        both.optimal.to_table(),
        gap.covered,
        gap.cost.normalize(),
        gap.shortfall
    )
}

/// Reads a file, or standard input for `-`, as UTF-8.
pub(crate) fn read_input(path: &Path) -> Result<String, String> {
    let mut text = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().lock().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    read.map(|_| text)
        .map_err(|e| format!("{}: cannot read: {e}", display(path)))
}

/// Parses JSON; serde_json's message says the line and column.
fn parse_json<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T, String> {
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

/// Streams a value as pretty JSON to standard output (positions can be large).
fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
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
