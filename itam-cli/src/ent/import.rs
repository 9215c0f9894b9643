//! `itam ent import-cyclonedx`: the `licensing` objects of a CycloneDX BOM as Ent XML files.

use itam_core::RegId;
use itam_ent::cyclonedx::import;
use itam_ent::{Entity, naming, write};
use itam_intake::{InputKind, Options};

use super::ImportArgs;
use crate::files;
use crate::report::{OK, Sink, UNREADABLE, Written, warn, write_stdout};

pub(super) fn run(args: &ImportArgs) -> u8 {
    let file = files::display(&args.input);
    let text = match files::read_limited(&args.input, InputKind::Ent, &Options::default()) {
        Ok(bytes) => {
            let bytes = bytes
                .strip_prefix(b"\xef\xbb\xbf")
                .unwrap_or(&bytes)
                .to_vec();
            match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    warn(&format!("{file}: error: not utf-8: {e}"));
                    return UNREADABLE;
                }
            }
        }
        Err(e) => {
            warn(&format!("{file}: error: {}", itam_intake::reason(&e)));
            return UNREADABLE;
        }
    };
    let creator = Entity {
        regid: args.creator_regid.clone().map(RegId::new),
        ..Entity::new(args.creator.clone(), RegId::default(), Vec::new())
    };
    if creator.regid.is_none() {
        warn(&format!(
            "{file}: warning: no --creator-regid; the Ents' creator has no regid (ENT-MIN-3)"
        ));
    }
    let imported = match import(&text, &creator) {
        Ok(imported) => imported,
        Err(e) => {
            warn(&format!("{file}: error: {e}"));
            return UNREADABLE;
        }
    };
    if imported.is_empty() {
        warn(&format!("{file}: error: the bom holds no licensing object"));
        return UNREADABLE;
    }
    let one = imported.len() == 1;
    let sink = if args.output == std::path::Path::new("-") {
        if !one {
            warn(&format!(
                "{file}: error: {} licensing objects; `-o -` writes one, give a folder",
                imported.len()
            ));
            return UNREADABLE;
        }
        Sink::Stdout
    } else if one && !args.output.is_dir() {
        Sink::File(args.output.clone())
    } else {
        Sink::Folder(args.output.clone())
    };
    let mut status = OK;
    let mut written = Written::default();
    for item in &imported {
        for note in &item.notes {
            warn(&format!("{file}: note: {}: {note}", item.ent.ent_id));
        }
        let xml = match write(&item.ent) {
            Ok(xml) => xml,
            Err(e) => {
                warn(&format!("{file}: error: {}: {e}", item.ent.ent_id));
                status = UNREADABLE;
                continue;
            }
        };
        let result = match &sink {
            Sink::Stdout => write_stdout(xml.as_bytes()),
            Sink::File(path) => written.write(path, xml.as_bytes()),
            Sink::Folder(folder) => written.write(
                &folder.join(naming::file_name_of(&item.ent)),
                xml.as_bytes(),
            ),
        };
        if let Err(e) = result {
            warn(&format!("{file}: error: {e}"));
            status = UNREADABLE;
        }
    }
    status
}
