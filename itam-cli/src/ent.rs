//! `itam ent …`: validate, resolve, convert, write and import ISO/IEC 19770-3 entitlements
//! (Ent), following the reconstructed profile of `itam-ent`.
//!
//! Inputs are files or folders (walked recursively, sorted); a file's format is told by its
//! content, not its name ([`load`]). Exit codes: 0 success, 1 a validation found an Error (or
//! a chain was refused), 2 an input could not be read, parsed or written (and clap's usage
//! errors).

mod convert;
mod import;
mod load;
mod new;
mod show;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand, ValueEnum};
use itam_ent::Profile;

/// The `ent` verbs.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Checks Ents against the profile's rules (files, or folders walked recursively).
    ///
    /// In folders, files named *.ent, *.xml and *.ent.json are read; a file named on the
    /// command line is read whatever its name. Exit status: 0 when no finding is an error, 1
    /// when one is, 2 when an input could not be read or parsed.
    Validate(ValidateArgs),
    /// Prints the effective entitlement of each chain among the Ents given.
    ///
    /// All the Ents of all the inputs are resolved together: each base (primary or
    /// consolidation Ent) with its supplementals, in whatever order they were given. A chain
    /// that is refused (allocations exceeding the quantity, a missing base, a cycle…) is
    /// reported with its findings, and the exit status is 1.
    Show(ShowArgs),
    /// Converts Ents between canonical XML and the model's JSON form.
    ///
    /// A folder in gives a folder out, mirroring its layout, one file per Ent named after the
    /// input with the extension .ent (XML) or .ent.json (an input holding several Ents gives
    /// NAME.1.EXT, NAME.2.EXT…). One file in, with -o naming a file that is not a folder,
    /// gives that file; `-o -` writes its one Ent to standard output.
    Convert(ConvertArgs),
    /// Writes an Ent as canonical XML from its JSON form.
    ///
    /// Reads the JSON from FILE, or standard input when FILE is absent or `-`. The Ent is
    /// validated: findings go to standard error, and the exit status is 1 when one is an
    /// error or when a JSON member is not part of the Ent form and was ignored (the file is
    /// written all the same).
    New(NewArgs),
    /// Imports the `licensing` objects of a CycloneDX BOM (JSON or XML) as Ent XML files.
    ///
    /// Each licensing object becomes one primary Ent. What the mapping cannot carry is named
    /// on standard error. The Ent creator is the party running the import (--creator,
    /// --creator-regid).
    ImportCyclonedx(ImportArgs),
}

/// `itam ent validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// The rule profile.
    #[arg(long, value_name = "NAME", default_value = Profile::reconstructed().name,
          value_parser = PossibleValuesParser::new([Profile::reconstructed().name]))]
    profile: String,
    /// Prints a JSON array, one object per input file:
    /// {"file", "error" (when unreadable), "findings": [{"rule", "severity", "location", "message"}]}.
    #[arg(long)]
    json: bool,
    /// Ent files or folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// `itam ent show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Prints a JSON array instead, one object per chain:
    /// {"base", "files", "effective" (unless refused), "findings"}.
    #[arg(long)]
    json: bool,
    /// Ent files or folders: a base and its supplementals, in any order.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// The output format of `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Target {
    /// Canonical Ent XML (`.ent`).
    Xml,
    /// The model's JSON form (`.ent.json`), lossless.
    Json,
}

impl Target {
    /// The file extension the format is written with.
    pub(crate) const fn extension(self) -> &'static str {
        match self {
            Self::Xml => itam_ent::naming::EXTENSION,
            Self::Json => "ent.json",
        }
    }
}

/// `itam ent convert`.
#[derive(Debug, Args)]
pub(crate) struct ConvertArgs {
    /// The format to write.
    #[arg(long, value_enum)]
    to: Target,
    /// Where to write: a folder (created if needed), a file (one input Ent), or `-`.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// Ent files or folders (XML or JSON, told apart by content).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// `itam ent new`.
#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The Ent's JSON form (as `convert --to json` writes it); `-` or absent: standard input.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
    /// Where to write: a file, an existing folder (the file is then named by the itam-ent
    /// naming convention, `<creator regid>__<entId>.ent`), or `-` (standard output, the
    /// default).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
}

/// `itam ent import-cyclonedx`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// A CycloneDX BOM, JSON or XML (1.5 to 1.7).
    #[arg(value_name = "FILE")]
    input: PathBuf,
    /// Where to write: a file (a BOM with one licensing object), a folder (created if needed;
    /// files named `<creator regid>__<entId>.ent`), or `-` (one licensing object).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// The name of the party running the import, recorded as the Ents' creator.
    #[arg(long, value_name = "NAME", default_value = "CycloneDX import")]
    creator: String,
    /// The creator's regid (a domain it controls, such as `example.com`). Without it the
    /// Ents have a creator without regid, which validation reports (ENT-MIN-3).
    #[arg(long, value_name = "REGID")]
    creator_regid: Option<String>,
}

/// Runs an `ent` verb.
pub(crate) fn run(command: Command) -> ExitCode {
    let code = match command {
        Command::Validate(args) => validate::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::New(args) => new::run(&args),
        Command::ImportCyclonedx(args) => import::run(&args),
    };
    ExitCode::from(code)
}
