//! `itam swid generate`: SWID tags from a Linux package database ([`itam_swid::generate`]).

use std::path::Path;

use itam_swid::coswid::{self, EncodeOptions};
use itam_swid::generate::{self, Options, Package};
use itam_swid::write::write;

use super::{GenerateArgs, OK, UNREADABLE, warn};
use crate::files;
use crate::progress::Progress;
use crate::report::{Written, write_stdout};

/// A package database reader of [`itam_swid::generate`].
type Parser = fn(&str) -> Result<Vec<Package>, generate::GenerateError>;

pub(super) fn run(args: &GenerateArgs) -> u8 {
    let (path, parse): (&Path, Parser) = match (&args.dpkg, &args.rpm) {
        (Some(path), _) => (path, generate::parse_dpkg_status),
        (None, Some(path)) => (path, generate::parse_rpm_query),
        (None, None) => {
            warn("itam: give --dpkg FILE or --rpm FILE");
            return UNREADABLE;
        }
    };
    let file = files::display(path);
    let stdout = args.output == Path::new("-");
    if stdout && args.coswid {
        warn("itam: `-o -` writes SWID XML; give a folder for --coswid (one file per tag)");
        return UNREADABLE;
    }
    let text = match files::read_limited(
        path,
        itam_intake::InputKind::Tag,
        &itam_intake::Options::default(),
    ) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                warn(&format!(
                    "{file}: error: not UTF-8 at byte {at}; a package database is UTF-8 text"
                ));
                return UNREADABLE;
            }
        },
        Err(e) => {
            warn(&format!("{file}: error: {e}"));
            return UNREADABLE;
        }
    };
    let packages = match parse(&text) {
        Ok(packages) => packages,
        Err(e) => {
            warn(&format!("{file}:{}: error: {}", e.line, e.kind));
            return UNREADABLE;
        }
    };
    let mut options = Options::new(&args.os);
    if let [name, regid] = args.tag_creator.as_slice() {
        options = options.with_tag_creator(name, regid);
    }
    let generated = generate::generate(&packages, &options);
    for skipped in &generated.skipped {
        warn(&format!(
            "{file}:{}: note: package {}: {}; no tag",
            skipped.line, skipped.name, skipped.why
        ));
    }
    let mut written = Written::default();
    let mut status = OK;
    let progress = Progress::new(generated.tags.len(), "writing tags");
    for tag in &generated.tags {
        let result = if args.coswid {
            let encoded = coswid::encode(tag, &EncodeOptions::default());
            for dropped in &encoded.dropped {
                warn(&format!(
                    "{file}: warning: tag {}: coswid cannot carry {} at {}; left out",
                    tag.tag_id, dropped.what, dropped.path
                ));
            }
            Ok(encoded.bytes)
        } else {
            write(tag)
                .map(String::into_bytes)
                .map_err(|e| format!("cannot write swid xml: {e}"))
        };
        let result = result.and_then(|bytes| {
            if stdout {
                write_stdout(&bytes)
            } else {
                let extension = if args.coswid { "coswid" } else { "swidtag" };
                let name = format!("{}.{extension}", tag.tag_id);
                written.write(&args.output.join(name), &bytes)
            }
        });
        if let Err(message) = result {
            warn(&format!("{file}: error: tag {}: {message}", tag.tag_id));
            status = UNREADABLE;
        }
        progress.inc();
    }
    progress.finish();
    status
}
