//! `itam`: the command-line front end of the itam crates. The only crate that touches files.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod demo;

/// ISO/IEC 19770 IT asset management: SWID tags, entitlements, reconciliation.
#[derive(Debug, Parser)]
#[command(name = "itam", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the walkthrough on embedded demo data.
    Demo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo => {
            print!("{}", demo::run());
            ExitCode::SUCCESS
        }
    }
}
