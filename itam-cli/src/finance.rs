//! `itam finance reconcile`: does what the CMS and the entitlements say agree with what the
//! financial system recorded (ISO/IEC 19770-1: reconciling IT asset data "in particular with
//! financial information systems recording assets and expenses")?
//!
//! Reads the CMS (`cms.json`), the ledger (`ledger.csv` or `ledger.json`, told apart by
//! content) and optionally Ent files, and runs `itam_reconcile::finance::reconcile_finance`.
//! Exit codes: 0 no discrepancy of severity error, 1 at least one (a disposed asset still
//! active, a currency mismatch), 2 an input could not be read or parsed (and clap's usage
//! errors).

mod ents;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Args, Subcommand};
use itam_core::cms::Cms;
use itam_core::diag::Severity;
use itam_core::finance::{Ledger, csv::Limits};
use itam_reconcile::finance::{FinanceInput, FinancePolicy, reconcile_finance};

use itam_intake::{InputKind, Options};

use crate::files;
use crate::report::{FINDINGS, OK, UNREADABLE, print, print_json, warn};

/// The `finance` verbs.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Matches the CMS and the entitlements against the ledger and lists the discrepancies.
    ///
    /// Hardware CIs are matched to fixed-asset register lines, entitlements to software
    /// invoice and order lines, by the ordered rules of itam-reconcile's FINANCE.md (asset
    /// tag, serial, document number, each exactly then normalised, then description).
    ///
    /// Output: the readable reconciliation (matches, entitlements proven by an invoice line
    /// they share with another right of the same Ent, discrepancies with the records
    /// involved, summary figures by cost centre and supplier); --json its JSON form; --csv
    /// three CSV tables separated by one empty line each, the matches
    /// (itam,ledger,rule,confidence,evidence), the shared proofs (entitlement,invoice,via),
    /// then the discrepancies (rule,severity,path,records,message).
    ///
    /// Exit status: 0 when no discrepancy is an error, 1 when one is (FIN-DISPOSED-1,
    /// FIN-CURRENCY-1), 2 when an input could not be read or parsed.
    Reconcile(ReconcileArgs),
}

/// `itam finance reconcile`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("format").args(["json", "csv"])))]
pub(crate) struct ReconcileArgs {
    /// The CMS in its JSON form ({"items", "relationships", ...}): hardware CIs with serials,
    /// contract CIs (purchase orders, invoices) and licence CIs naming their Ent.
    #[arg(long, value_name = "CMS.json")]
    cms: PathBuf,
    /// The ledger: the CSV form a ledger exports (a `record` column: register, order,
    /// invoice) or the JSON form ({"register", "purchases"}); told apart by content.
    #[arg(long, value_name = "LEDGER.csv|json")]
    ledger: PathBuf,
    /// Ent files or folders (walked recursively: *.ent, *.xml, *.ent.json); repeatable. Their
    /// chains are resolved and projected, and their OrderInfo and InvoiceData become the
    /// entitlements' purchase data.
    #[arg(long, value_name = "PATH")]
    entitlements: Vec<PathBuf>,
    /// The field delimiter of a CSV ledger: `,` (the default), `;` as many European ledgers
    /// export, or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = parse_delimiter)]
    delimiter: char,
    /// The description rule pairs records dated at most this many days apart.
    #[arg(long, value_name = "DAYS")]
    date_window: Option<u32>,
    /// Prints the reconciliation as JSON: {"matches", "proven_by_shared", "discrepancies",
    /// "summary"}.
    #[arg(long)]
    json: bool,
    /// Prints the matches, the shared proofs and the discrepancies as three CSV tables (RFC
    /// 4180, CRLF), each separated from the next by one empty line.
    #[arg(long)]
    csv: bool,
    /// Raises (or lowers) the size limit of the CMS and the ledger (64 MiB each by default)
    /// and of each Ent file (8 MiB) to BYTES; a file over its limit is refused before it is
    /// read.
    #[arg(long, value_name = "BYTES")]
    max_input_bytes: Option<u64>,
}

fn parse_delimiter(s: &str) -> Result<char, String> {
    if s.eq_ignore_ascii_case("tab") || s == "\\t" {
        return Ok('\t');
    }
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c != '"' && c != '\r' && c != '\n' => Ok(c),
        _ => Err(format!(
            "`{s}` is not one character (other than a quote or a line end), nor `tab`"
        )),
    }
}

/// Runs a `finance` verb.
pub(crate) fn run(command: Command) -> ExitCode {
    ExitCode::from(match command {
        Command::Reconcile(args) => reconcile(&args),
    })
}

/// An input that could not be read: `FILE: error: MESSAGE` on standard error.
fn unreadable(path: &Path, message: &str) -> u8 {
    warn(&format!("{}: error: {message}", files::display(path)));
    UNREADABLE
}

fn reconcile(args: &ReconcileArgs) -> u8 {
    let limits = args
        .max_input_bytes
        .map_or_else(Options::default, Options::with_max_input_bytes);
    let cms = match read_cms(&args.cms, &limits) {
        Ok(cms) => cms,
        Err(e) => return unreadable(&args.cms, &e),
    };
    let ledger = match read_ledger(&args.ledger, args.delimiter, &limits) {
        Ok(ledger) => ledger,
        Err(e) => return unreadable(&args.ledger, &e),
    };
    let ents = if args.entitlements.is_empty() {
        ents::EntInput::default()
    } else {
        match ents::read(&args.entitlements, &limits) {
            Some(ents) => ents,
            None => return UNREADABLE,
        }
    };
    let mut policy = FinancePolicy::default();
    if let Some(days) = args.date_window {
        policy.date_window_days = days;
    }
    let input = FinanceInput {
        cms: &cms,
        entitlements: &ents.entitlements,
        purchases: &ents.purchases,
        ledger: &ledger,
    };
    let result = reconcile_finance(&input, &policy);

    if args.json {
        if !print_json(&result) {
            return UNREADABLE;
        }
    } else if args.csv {
        print(&format!(
            "{}\r\n{}\r\n{}",
            result.matches_csv(),
            result.shared_proofs_csv(),
            result.discrepancies_csv()
        ));
    } else {
        print(&result.to_text());
    }
    if result
        .discrepancies
        .iter()
        .any(|d| d.finding.severity == Severity::Error)
    {
        FINDINGS
    } else {
        OK
    }
}

/// Reads a text file no larger than the ledger limit (checked before reading), after an
/// optional UTF-8 byte-order mark.
fn read_text(path: &Path, limits: &Options) -> Result<String, String> {
    let bytes = files::read_limited(path, InputKind::Ledger, limits)
        .map_err(|e| crate::swid::load::read_error(&e))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "not utf-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads the CMS's JSON form; serde's message carries the line and column.
pub(crate) fn read_cms(path: &Path, limits: &Options) -> Result<Cms, String> {
    let text = read_text(path, limits)?;
    serde_json::from_str(&text).map_err(|e| format!("not the json form of a cms: {e}"))
}

/// Reads a ledger, JSON when its first non-blank character is `{`, else CSV with `delimiter`.
fn read_ledger(path: &Path, delimiter: char, limits: &Options) -> Result<Ledger, String> {
    let text = read_text(path, limits)?;
    if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| format!("not the json form of a ledger: {e}"))
    } else {
        Ledger::from_csv_with(&text, delimiter, &Limits::default())
            .map_err(|e| format!("not a ledger csv: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_one_character_or_tab() {
        assert_eq!(parse_delimiter(";"), Ok(';'));
        assert_eq!(parse_delimiter("tab"), Ok('\t'));
        assert_eq!(parse_delimiter("\\t"), Ok('\t'));
        assert!(parse_delimiter(";;").is_err());
        assert!(parse_delimiter("\"").is_err());
        assert!(parse_delimiter("").is_err());
    }
}
