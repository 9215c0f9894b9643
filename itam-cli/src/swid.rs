//! `itam swid …`: validate, convert and show ISO/IEC 19770-2 SWID tags and RFC 9393 CoSWID
//! tags, and generate them from a Linux package database.
//!
//! Inputs are files or folders (walked recursively, sorted); a file's format is told by its
//! content, not its name ([`load`]). Exit codes: 0 success, 1 a validation found an Error,
//! 2 an input could not be read, parsed or written (and clap's usage errors).

mod convert;
mod generate;
pub(crate) mod load;
mod show;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand, ValueEnum};
use itam_swid::validate::Profile;

use crate::report::{OK, UNREADABLE, print, warn};

/// The `swid` verbs.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Checks tags against a profile's rules (files, or folders walked recursively).
    ///
    /// In folders, files named *.swidtag, *.xml, *.coswid, *.cbor and *.uswid are read; a
    /// file named on the command line is read whatever its name. Exit status: 0 when no
    /// finding is an error, 1 when one is, 2 when an input could not be read or parsed.
    Validate(ValidateArgs),
    /// Converts tags between SWID XML, CoSWID (CBOR) and the model's JSON form.
    ///
    /// A folder in gives a folder out, mirroring its layout, one file per tag named after
    /// the input with the extension .swidtag, .coswid or .json (an input holding several
    /// tags gives NAME.1.EXT, NAME.2.EXT…). One file in, with -o naming a file that is not a
    /// folder, gives that file; `-o -` writes its one tag to standard output.
    Convert(ConvertArgs),
    /// Prints a readable summary of each tag: name, version, type, entities, links, payload.
    ///
    /// With --json, prints each tag's projection into the reconciliation engine's software
    /// fact (publisher, product, edition, version, persistentId, entitlementKey, files…).
    Show(ShowArgs),
    /// Builds one SWID tag per installed package of a Linux package database.
    ///
    /// Reads a dpkg status file (/var/lib/dpkg/status) or the output of
    /// `rpm -qa --queryformat '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{SUMMARY}\n'`.
    /// TagIds follow strongSwan's swidGenerator (`<os>-<arch>-<name>-<version>`), so the same
    /// input gives the same tags. Writes one file per tag, named after its tagId, into the
    /// folder -o names (.swidtag, or .coswid with --coswid); `-o -` writes the SWID XML tags
    /// to standard output one document after another. Packages that give no tag (not
    /// installed, a repeated tagId) are listed on standard error with their line. Exit status:
    /// 0, or 2 when the input cannot be read or a tag cannot be written.
    Generate(GenerateArgs),
}

/// `itam swid validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// The rule profile.
    #[arg(long, value_name = "NAME", default_value = Profile::ISO_19770_2_2015.name,
          value_parser = PossibleValuesParser::new(Profile::ALL.map(|p| p.name)))]
    profile: String,
    /// Prints a JSON array, one object per input file:
    /// {"file", "error" (when unreadable), "findings": [{"rule", "severity", "location", "message"}]}.
    #[arg(long)]
    json: bool,
    /// Tag files or folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// The output format of `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Target {
    /// Canonical SWID XML (`.swidtag`).
    Xml,
    /// CoSWID, tagged CBOR (`.coswid`).
    Coswid,
    /// The model's JSON form (`.json`), lossless.
    Json,
}

impl Target {
    /// The file extension the format is written with.
    pub(crate) const fn extension(self) -> &'static str {
        match self {
            Self::Xml => "swidtag",
            Self::Coswid => "coswid",
            Self::Json => "json",
        }
    }
}

/// `itam swid convert`.
#[derive(Debug, Args)]
pub(crate) struct ConvertArgs {
    /// The format to write.
    #[arg(long, value_enum)]
    to: Target,
    /// Where to write: a folder (created if needed), a file (one input tag), or `-`.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// Tag files or folders (XML, CoSWID, uSWID or JSON, told apart by content).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// `itam swid show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Prints a JSON array instead, one object per input file:
    /// {"file", "error" (when unreadable), "facts": [the projection of each tag]}.
    #[arg(long)]
    json: bool,
    /// Tag files or folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// `itam swid generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// A dpkg status file.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "rpm",
        required_unless_present = "rpm"
    )]
    dpkg: Option<PathBuf>,
    /// The output of `rpm -qa --queryformat` with the format above.
    #[arg(long, value_name = "FILE")]
    rpm: Option<PathBuf>,
    /// The distribution and release, the first part of every tagId (debian_13, fedora_40).
    #[arg(long, value_name = "OS")]
    os: String,
    /// Who vouches for the tags: the tagCreator's name and regid (default itam, itam.invalid).
    #[arg(long, num_args = 2, value_names = ["NAME", "REGID"])]
    tag_creator: Vec<String>,
    /// Writes CoSWID (RFC 9393, untagged as the field's tools read it) instead of SWID XML.
    #[arg(long)]
    coswid: bool,
    /// The folder to write into (created if needed), or `-` for standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
}

/// Runs a `swid` verb.
pub(crate) fn run(command: Command) -> ExitCode {
    let code = match command {
        Command::Validate(args) => validate::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Generate(args) => generate::run(&args),
    };
    ExitCode::from(code)
}
