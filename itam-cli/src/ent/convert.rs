//! `itam ent convert`: canonical XML and the model's JSON form, through the typed model.

use std::path::{Path, PathBuf};

use itam_ent::{Ent, write};

use super::load::{load_file, wanted, warn_ignored};
use super::{ConvertArgs, Target};
use crate::files::{self, Input};
use crate::progress::Progress;
use crate::report::{OK, Sink, UNREADABLE, Written, warn, write_stdout};

pub(super) fn run(args: &ConvertArgs) -> u8 {
    let expanded = files::expand(&args.paths, |p| wanted(p, true));
    let Some(sink) = Sink::for_output(&args.output, &expanded) else {
        warn("itam: `-o -` writes one input file's ent; give a folder for several");
        return UNREADABLE;
    };
    let mut status = OK;
    let mut written = Written::default();
    let progress = Progress::new(expanded.len(), "converting");
    for entry in &expanded {
        let result = match entry {
            Ok(input) => convert(input, args.to, &sink, &mut written)
                .map_err(|message| (files::display(&input.path), message)),
            Err((path, e)) => Err((files::display(path), format!("cannot read: {e}"))),
        };
        if let Err((file, message)) = result {
            warn(&format!("{file}: error: {message}"));
            status = UNREADABLE;
        }
        progress.inc();
    }
    progress.finish();
    status
}

fn convert(input: &Input, to: Target, sink: &Sink, written: &mut Written) -> Result<(), String> {
    let loaded = load_file(&input.path).map_err(|e| e.located())?;
    warn_ignored(&files::display(&input.path), &loaded);
    let count = loaded.docs.len();
    let several = count > 1;
    // One Ent to a named file, or several to a folder named after that file.
    let sink = match sink {
        Sink::Stdout if several => {
            return Err(format!(
                "holds {count} ents; `-o -` writes one, give a folder"
            ));
        }
        Sink::File(path) if several => Sink::Folder(path.clone()),
        other => other.clone(),
    };
    for (i, doc) in loaded.docs.iter().enumerate() {
        let bytes = encode(&doc.ent, to)?;
        match &sink {
            Sink::Stdout => write_stdout(&bytes)?,
            Sink::File(path) => written.write(path, &bytes)?,
            Sink::Folder(folder) => {
                let name = out_name(&input.relative, to.extension(), several.then_some(i + 1));
                written.write(&folder.join(name), &bytes)?;
            }
        }
    }
    Ok(())
}

/// The Ent in the target format.
pub(super) fn encode(ent: &Ent, to: Target) -> Result<Vec<u8>, String> {
    match to {
        Target::Xml => write(ent)
            .map(String::into_bytes)
            .map_err(|e| format!("cannot write xml: {e}")),
        Target::Json => serde_json::to_string_pretty(ent)
            .map(|json| format!("{json}\n").into_bytes())
            .map_err(|e| format!("cannot write json: {e}")),
    }
}

/// The suffixes an input's name loses before the new extension is put on, longest first.
const INPUT_SUFFIXES: [&str; 5] = [".ent.xml", ".ent.json", ".ent", ".xml", ".json"];

/// `dir/name.ent.xml` → `dir/name.<extension>`, or `dir/name.<n>.<extension>` for the n-th of
/// several Ents; the input's Ent suffix (any of [`INPUT_SUFFIXES`], case-insensitive) is
/// dropped so that names do not pile up extensions over round trips.
fn out_name(relative: &Path, extension: &str, index: Option<usize>) -> PathBuf {
    let name = relative
        .file_name()
        .map_or_else(|| "ent".to_owned(), |s| s.to_string_lossy().into_owned());
    let lower = name.to_ascii_lowercase();
    let stem = INPUT_SUFFIXES
        .iter()
        .find(|s| lower.len() > s.len() && lower.ends_with(*s))
        .and_then(|s| name.get(..name.len() - s.len()))
        .unwrap_or(&name);
    let name = match index {
        Some(n) => format!("{stem}.{n}.{extension}"),
        None => format!("{stem}.{extension}"),
    };
    relative.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_drop_the_ent_suffix_and_keep_the_folder() {
        assert_eq!(
            out_name(Path::new("a/b/office.ent.xml"), "ent.json", None),
            Path::new("a/b/office.ent.json")
        );
        assert_eq!(
            out_name(Path::new("office.ent.json"), "ent", None),
            Path::new("office.ent")
        );
        assert_eq!(
            out_name(Path::new("Office.ENT"), "ent.json", Some(2)),
            Path::new("Office.2.ent.json")
        );
        assert_eq!(out_name(Path::new("x"), "ent", None), Path::new("x.ent"));
        assert_eq!(
            out_name(Path::new(".xml"), "ent", None),
            Path::new(".xml.ent")
        );
    }
}
