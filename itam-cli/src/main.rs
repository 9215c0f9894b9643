//! `itam`: the command-line front end of the itam crates. The only crate that touches files.
//!
//! Each command group lives in its own module with a `Command` enum of its verbs and a
//! `run(command) -> ExitCode`; this file only wires them into clap.
#![deny(missing_docs)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod cms;
mod demo;
mod ent;
mod estate;
mod files;
mod finance;
mod pipeline;
mod progress;
mod purchase;
mod reconcile;
mod render;
mod report;
mod swid;

/// ISO/IEC 19770 IT asset management: SWID tags, entitlements, reconciliation.
#[derive(Debug, Parser)]
#[command(name = "itam", version, about, long_about = None)]
struct Cli {
    /// Draws no progress bar. Bars are drawn on standard error, and only when it is a
    /// terminal, for long work (folders of files, large estates); standard output and every
    /// message are the same with or without this flag.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Reconciles an embedded demo estate and explains its license position.
    Demo(demo::DemoArgs),
    /// SWID and CoSWID tags (ISO/IEC 19770-2, RFC 9393): validate, convert, show.
    #[command(subcommand)]
    Swid(swid::Command),
    /// Entitlements (ISO/IEC 19770-3, reconstructed profile): validate, show, convert, new, import-cyclonedx.
    #[command(subcommand)]
    Ent(ent::Command),
    /// The effective license position of an estate (estate.json, or SWID and Ent folders): a
    /// readable table, position.json, CSV or an HTML report.
    ///
    /// Exit status: 0 when no position printed has a shortfall, 1 when one has (scripts can
    /// gate on compliance), 2 when an input could not be read or parsed or the engine
    /// refused the estate.
    Reconcile(reconcile::ReconcileArgs),
    /// The cheapest purchase that closes an estate's shortfall, from a price list (packs,
    /// minimums, volume tiers), every line explained; with --renewal, the entitlements a
    /// renewal can drop.
    ///
    /// Exit status: 0 when the purchase covers every shortfall, 1 when something no SKU
    /// covers stays short, 2 when an input could not be read or parsed.
    Purchase(purchase::PurchaseArgs),
    /// Financial records: reconcile the CMS and the entitlements with the ledger (fixed-asset
    /// register, purchase orders, invoices).
    ///
    /// Exit status of `reconcile`: 0 when no discrepancy is an error, 1 when one is, 2 when
    /// an input could not be read or parsed.
    #[command(subcommand)]
    Finance(finance::Command),
    /// The configuration management system (ISO/IEC 19770-1): check its data and its audit
    /// trail against itself and against discovery, and report the ITAM indicators.
    ///
    /// Exit status of `check`: 0 when no finding is an error, 1 when one is, 2 when an input
    /// could not be read or parsed.
    #[command(subcommand)]
    Cms(cms::Command),
    /// Synthetic estates for benchmarks and research.
    #[command(subcommand)]
    Estate(estate::Command),
    /// Timings of the reconciliation engine on generated estates.
    #[command(subcommand)]
    Bench(bench::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    progress::set_quiet(cli.quiet);
    match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Swid(command) => swid::run(command),
        Command::Ent(command) => ent::run(command),
        Command::Reconcile(args) => reconcile::run(&args),
        Command::Finance(command) => finance::run(command),
        Command::Cms(command) => cms::run(command),
        Command::Purchase(args) => purchase::run(&args),
        Command::Estate(command) => estate::run(command),
        Command::Bench(command) => bench::run(command),
    }
}
