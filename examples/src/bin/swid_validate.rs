//! Validate a SWID tag under two profiles and print each finding with its line and column.
//!
//! `cargo run -p itam-examples --bin swid_validate [PATH]` — without a path, the demo's editor
//! tag is used with two deliberate problems: its Entity's `regid` is blanked and its
//! `tagCreator` role is removed. The ISO profile checks the 19770-2:2015 schema and its
//! co-constraints; NISTIR 8060 adds NIST's guidelines, so it finds more.

use std::process::ExitCode;

use itam_swid::read::{ReadOptions, read_str};
use itam_swid::validate::{Profile, validate_parsed};

/// A well-formed demo tag, read from the CLI's embedded estate.
const EDITOR: &str =
    include_str!("../../../itam-cli/demo/inventory/ws-lon-01/example-editor-3.swidtag");

fn main() -> ExitCode {
    let text = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        },
        // Break the demo tag on purpose: blank the regid, and drop tagCreator so that no
        // Entity says who made the tag. Without a tag creator the tag is not authoritative,
        // and NISTIR 8060 expects a non-authoritative primary tag to carry Evidence (what was
        // seen on a device), not a Payload (what the publisher installs): one change, two
        // findings.
        None => EDITOR
            .replace(r#"regid="editor.example.org""#, r#"regid="""#)
            .replace("tagCreator softwareCreator", "softwareCreator"),
    };

    // Lax reading accepts anything well formed and leaves the judging to the validator.
    let parsed = match read_str(&text, &ReadOptions::LAX) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("not read: {e}");
            return ExitCode::from(1);
        }
    };
    println!("{} (tagId {})", parsed.value.name, parsed.value.tag_id);

    for profile in [Profile::ISO_19770_2_2015, Profile::NISTIR_8060] {
        // `validate_parsed` adds line and column from the reader's source map.
        let report = validate_parsed(&parsed, &profile);
        let conformant = report.is_conformant();
        println!(
            "\nprofile {}: {} ({} finding(s))",
            profile.name,
            if conformant {
                "conformant"
            } else {
                "not conformant"
            },
            report.len()
        );
        for f in report.findings() {
            // `line:col` first, as compilers print it, so editors can jump to it.
            let at = f
                .location
                .pos
                .map_or_else(|| "-".to_owned(), |p| p.to_string());
            println!(
                "  {at:<6} {:<7} {:<12} {}  [{}]",
                f.severity.as_str(),
                f.rule,
                f.message,
                f.location.path
            );
        }
    }
    ExitCode::SUCCESS
}
