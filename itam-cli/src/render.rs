//! Reports a person reads, rendered from an itam-reconcile [`Position`]: the terminal table
//! (coloured when asked), CSV for spreadsheets and a self-contained HTML page.
//!
//! Pure functions: text in memory, no I/O; `reconcile.rs` decides where it goes.
//!
//! # CSV (RFC 4180: comma separated, CRLF line ends, a field quoted when it holds a comma, a
//! quote, CR or LF, quotes doubled)
//!
//! Written by [`itam_core::finance::csv::write_report_record`], the writer shared with
//! `finance --csv`: a cell a spreadsheet would take as a formula (starting with `=`, `+`, `-`,
//! `@`, tab or CR, or their full-width forms; a plain negative number such as `-3` excepted) is
//! written behind a single quote and quoted (`"'=HYPERLINK(…)"`), and a field holding `;` or a
//! tab is quoted too.
//!
//! [`products_csv`] (`--csv`): a header, then one row per product × metric line, in the
//! position's order: `publisher,product,edition,metric,consumers,demand,exempt,covered,
//! shortfall,unlicensed_consumers,entitled,unlimited,shortfall_cost,quantity,currency,
//! shortfall_costs` (`entitled`, the whole units, is empty when `unlimited` is `true`;
//! `shortfall_cost` is empty when no entitlement states a cost or when they state several
//! currencies; `quantity` is the exact sum of the quantities when a fraction makes it differ
//! from `entitled`, else empty; `currency` is the currency of `shortfall_cost` when stated;
//! `shortfall_costs` holds the per-currency figures, `EUR:200,USD:180`, when several
//! currencies occur, else empty). The columns match the JSON form's fields of the same name.
//!
//! [`decisions_csv`] (`--csv-decisions`): a header, then one row per consumer × entitlement
//! decision, in the position's order: `publisher,product,edition,metric,consumer,
//! entitlement,decision,reason,units`.
//!
//! # HTML
//!
//! [`html()`]: one page, no network and no external asset (inline CSS, inline SVG bars, one
//! small inline script). Every string from the input is escaped.

mod html;
mod itam;

use std::fmt::Write as _;

// One report record, CRLF-terminated, formula cells neutralised.
use itam_core::finance::csv::write_report_record as record;
use itam_reconcile::Position;

pub(crate) use html::html;
pub(crate) use itam::itam_html;

/// The `--csv` header.
pub(crate) const PRODUCT_COLUMNS: [&str; 17] = [
    "publisher",
    "product",
    "edition",
    "metric",
    "consumers",
    "demand",
    "exempt",
    "covered",
    "shortfall",
    "unlicensed_consumers",
    "entitled",
    "unlimited",
    "shortfall_cost",
    "quantity",
    "currency",
    "shortfall_costs",
    "terms",
];

/// The `--csv-decisions` header.
pub(crate) const DECISION_COLUMNS: [&str; 10] = [
    "publisher",
    "product",
    "edition",
    "metric",
    "consumer",
    "entitlement",
    "decision",
    "reason",
    "units",
    "terms",
];

/// `--csv`: one row per product × metric line.
pub(crate) fn products_csv(position: &Position) -> String {
    let mut out = String::new();
    record(&mut out, &PRODUCT_COLUMNS);
    for p in &position.products {
        record(
            &mut out,
            &[
                p.publisher.clone(),
                p.product.clone(),
                p.edition.clone(),
                p.metric.to_string(),
                p.consumers.to_string(),
                p.demand.to_string(),
                p.exempt.to_string(),
                p.covered.to_string(),
                p.shortfall.to_string(),
                p.unlicensed_consumers.to_string(),
                if p.unlimited {
                    String::new()
                } else {
                    p.entitled.to_string()
                },
                p.unlimited.to_string(),
                p.shortfall_cost
                    .map_or_else(String::new, |c| c.normalize().to_string()),
                if p.quantity == p.entitled.into() {
                    String::new()
                } else {
                    p.quantity.to_string()
                },
                p.currency
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string),
                if p.shortfall_costs.is_empty() {
                    String::new()
                } else {
                    p.shortfall_cost_text()
                },
                p.terms_text(),
            ],
        );
    }
    out
}

/// `--csv-decisions`: one row per consumer × entitlement decision.
pub(crate) fn decisions_csv(position: &Position) -> String {
    let mut out = String::new();
    record(&mut out, &DECISION_COLUMNS);
    for d in position.decisions() {
        record(
            &mut out,
            &[
                d.product.publisher.clone(),
                d.product.product.clone(),
                d.product.edition.clone(),
                d.product.metric.to_string(),
                d.consumer.to_owned(),
                d.entitlement.to_owned(),
                d.decision.as_str().to_owned(),
                d.reason.as_str().to_owned(),
                d.units.to_string(),
                d.product.terms_text(),
            ],
        );
    }
    out
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Whether standard output should get colour: a terminal, and `NO_COLOR` unset or empty
/// (<https://no-color.org>).
pub(crate) fn colour_wanted() -> bool {
    use std::io::IsTerminal as _;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The library's table ([`Position::to_table`], which shows control characters in names
/// escaped: `\n`, `\u{1b}`), coloured when `colour`: table headers bold, product lines with
/// a shortfall red, entitlements not active yellow, the summary line red (shortfall) or
/// green. Without colour it is the library's text unchanged.
pub(crate) fn table(position: &Position, colour: bool) -> String {
    let text = position.to_table();
    if !colour {
        return text;
    }
    let products = position.products.len();
    let mut out = String::with_capacity(text.len() + 64);
    // Blocks: the product table, the entitlement table, the summary; separated by blank lines.
    let mut block = 0usize;
    let mut row = 0usize;
    for line in text.lines() {
        if line.is_empty() {
            block += 1;
            row = 0;
            out.push('\n');
            continue;
        }
        let style = match (block, row) {
            (0 | 1, 0) => Some(BOLD),
            (0, r) if r <= products => position
                .products
                .get(r - 1)
                .filter(|p| p.shortfall > 0)
                .map(|_| RED),
            (1, r) => position
                .entitlements
                .get(r - 1)
                .filter(|e| e.status != itam_reconcile::Status::Active)
                .map(|_| YELLOW),
            _ if position.totals.shortfall > 0 => Some(RED),
            _ => Some(GREEN),
        };
        match style {
            Some(s) => {
                let _ = writeln!(out, "{s}{line}{RESET}");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
        row += 1;
    }
    out
}

#[cfg(test)]
mod tests;
