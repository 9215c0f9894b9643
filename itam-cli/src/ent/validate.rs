//! `itam ent validate`: the same report shape and exit statuses as `itam swid validate`.

use itam_core::diag::Finding;
use itam_ent::{Profile, validate, validate_with_source};

use super::ValidateArgs;
use super::load::{LoadError, Loaded, load_file, wanted, warn_ignored};
use crate::files::{self, Input};
use crate::report::{self, FileReport, UNREADABLE, warn};

pub(super) fn run(args: &ValidateArgs) -> u8 {
    let profile = Profile::reconstructed();
    if args.profile != profile.name {
        // clap only lets the profile's name through.
        warn(&format!("itam: unknown profile `{}`", args.profile));
        return UNREADABLE;
    }
    let expanded = files::expand(&args.paths, |p| wanted(p, false));
    report::validate_inputs(&expanded, args.json, |input| check(input, profile))
}

fn check(input: &Input, profile: &Profile) -> FileReport {
    let file = files::display(&input.path);
    match load_file(&input.path) {
        Ok(loaded) => {
            warn_ignored(&file, &loaded);
            FileReport::checked(file, findings(&loaded, profile))
        }
        Err(LoadError { message, pos }) => FileReport::unreadable(file, message, pos),
    }
}

/// The profile's findings for every Ent of a file, with line and column for XML. In a file
/// holding several Ents (a JSON array), paths name the Ent: `/Ent[2]/Right[1]`.
pub(super) fn findings(loaded: &Loaded, profile: &Profile) -> Vec<Finding> {
    let several = loaded.docs.len() > 1;
    let mut out = Vec::new();
    for (i, doc) in loaded.docs.iter().enumerate() {
        let checked = match &doc.source {
            Some(source) => validate_with_source(&doc.ent, profile, source),
            None => validate(&doc.ent, profile),
        };
        for mut finding in Vec::from(checked) {
            if several {
                finding.location.path = report::number_root(&finding.location.path, "/Ent", i + 1);
            }
            out.push(finding);
        }
    }
    out
}
