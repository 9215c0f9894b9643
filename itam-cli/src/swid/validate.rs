//! `itam swid validate`.

use itam_core::diag::{Finding, Report};
use itam_swid::validate::{Profile, validate_parsed};

use super::load::{LoadError, Loaded, load_file};
use super::{UNREADABLE, ValidateArgs, warn};
use crate::files::{self, Input};
use crate::report::{self, FileReport};

/// The extensions read when walking a folder.
pub(super) const FOLDER_EXTENSIONS: [&str; 5] = ["swidtag", "xml", "coswid", "cbor", "uswid"];

pub(super) fn run(args: &ValidateArgs) -> u8 {
    let Some(profile) = Profile::by_name(&args.profile) else {
        // clap only lets the names of Profile::ALL through.
        warn(&format!("itam: unknown profile `{}`", args.profile));
        return UNREADABLE;
    };
    let expanded = files::expand(&args.paths, |p| files::has_extension(p, &FOLDER_EXTENSIONS));
    report::validate_inputs(&expanded, args.json, |input| check(input, &profile))
}

fn check(input: &Input, profile: &Profile) -> FileReport {
    let file = files::display(&input.path);
    match load_file(&input.path) {
        Ok(loaded) => FileReport::checked(file, findings(&loaded, profile)),
        Err(LoadError { message, pos }) => FileReport::unreadable(file, message, pos),
    }
}

/// The reader's findings and the profile's, for every tag of a file. In a file holding
/// several tags, paths name the tag: `/SoftwareIdentity[2]/Entity[1]`.
fn findings(loaded: &Loaded, profile: &Profile) -> Vec<Finding> {
    let several = loaded.tags.len() > 1;
    let mut out = Vec::new();
    for (i, tag) in loaded.tags.iter().enumerate() {
        let mut all: Report = tag.parsed.findings.iter().cloned().collect();
        all.merge(validate_parsed(&tag.parsed, profile));
        for mut finding in Vec::from(all) {
            if several {
                finding.location.path =
                    report::number_root(&finding.location.path, "/SoftwareIdentity", i + 1);
            }
            out.push(finding);
        }
    }
    out
}
