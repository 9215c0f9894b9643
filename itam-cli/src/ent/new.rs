//! `itam ent new`: an Ent's JSON form in, its canonical XML out, validated on the way.

use std::path::{Path, PathBuf};

use itam_ent::{Profile, naming, validate, write};
use itam_intake::{InputKind, Options};

use super::NewArgs;
use super::load::{Format, load, warn_ignored};
use crate::files;
use crate::report::{FINDINGS, OK, UNREADABLE, Written, finding_line, warn, write_stdout};

pub(super) fn run(args: &NewArgs) -> u8 {
    let from_stdin = args.input.as_deref().is_none_or(|p| p == Path::new("-"));
    let (name, bytes) = match &args.input {
        Some(path) if !from_stdin => (
            files::display(path),
            files::read_limited(path, InputKind::Ent, &Options::default()),
        ),
        _ => (
            "<stdin>".to_owned(),
            itam_intake::read_bounded(
                "<stdin>",
                InputKind::Ent,
                std::io::stdin().lock(),
                &Options::default(),
            ),
        ),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(e) => {
            warn(&format!("{name}: error: {}", itam_intake::reason(&e)));
            return UNREADABLE;
        }
    };
    let loaded = match load(&bytes) {
        Ok(loaded) if loaded.format == Format::Json => loaded,
        Ok(_) => {
            warn(&format!(
                "{name}: error: this is ent xml; `itam ent new` reads the json form \
                 (`itam ent convert --to xml` canonicalises xml)"
            ));
            return UNREADABLE;
        }
        Err(e) => {
            warn(&format!("{name}: error: {}", e.located()));
            return UNREADABLE;
        }
    };
    let [doc] = loaded.docs.as_slice() else {
        warn(&format!(
            "{name}: error: holds {} ents; `itam ent new` writes one \
             (`itam ent convert --to xml -o FOLDER` writes several)",
            loaded.docs.len()
        ));
        return UNREADABLE;
    };
    let xml = match write(&doc.ent) {
        Ok(xml) => xml,
        Err(e) => {
            warn(&format!("{name}: error: {e}"));
            return UNREADABLE;
        }
    };
    let written = match &args.output {
        None => write_stdout(xml.as_bytes()),
        Some(path) if path == Path::new("-") => write_stdout(xml.as_bytes()),
        Some(path) => {
            let path: PathBuf = if path.is_dir() {
                path.join(naming::file_name_of(&doc.ent))
            } else {
                path.clone()
            };
            Written::default().write(&path, xml.as_bytes())
        }
    };
    if let Err(e) = written {
        warn(&format!("itam: error: {e}"));
        return UNREADABLE;
    }
    let lost = warn_ignored(&name, &loaded);
    let report = validate(&doc.ent, Profile::reconstructed());
    for finding in &report {
        warn(&format!("{name}: {}", finding_line(finding)));
    }
    if report.is_conformant() && !lost {
        OK
    } else {
        FINDINGS
    }
}
