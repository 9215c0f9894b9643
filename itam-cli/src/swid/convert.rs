//! `itam swid convert`.

use std::path::{Path, PathBuf};

use itam_swid::SoftwareIdentity;
use itam_swid::coswid;
use itam_swid::write::write;

use super::load::{Tag, load_file};
use super::validate::FOLDER_EXTENSIONS;
use super::{ConvertArgs, OK, Target, UNREADABLE, warn};
use crate::files::{self, Input};
use crate::progress::Progress;
use crate::report::{Sink, Written, write_stdout};

pub(super) fn run(args: &ConvertArgs) -> u8 {
    let expanded = files::expand(&args.paths, |p| {
        files::has_extension(p, &FOLDER_EXTENSIONS) || files::has_extension(p, &["json"])
    });
    let mut status = OK;
    let Some(sink) = Sink::for_output(&args.output, &expanded) else {
        warn("itam: `-o -` writes one input file's tag; give a folder for several");
        return UNREADABLE;
    };
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
    let loaded = load_file(&input.path).map_err(|e| match e.pos {
        Some((line, col)) => format!("{line}:{col}: {}", e.message),
        None => e.message,
    })?;
    let file = files::display(&input.path);
    let several = loaded.tags.len() > 1;
    // One tag to a named file, or several to a folder named after that file.
    let sink = match sink {
        Sink::Stdout if several => {
            return Err(format!(
                "holds {} tags; `-o -` writes one, give a folder",
                loaded.tags.len()
            ));
        }
        Sink::File(path) if several => Sink::Folder(path.clone()),
        other => other.clone(),
    };
    for (i, tag) in loaded.tags.iter().enumerate() {
        for finding in &tag.parsed.findings {
            warn(&format!("{file}: note: {finding}"));
        }
        let bytes = encode(tag, to, &file)?;
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

/// The tag in the target format. What CoSWID cannot carry is reported on standard error.
fn encode(tag: &Tag, to: Target, file: &str) -> Result<Vec<u8>, String> {
    let model: &SoftwareIdentity = &tag.parsed.value;
    if let (Some(envelope), Target::Xml | Target::Json) = (&tag.signed, to) {
        warn(&format!(
            "{file}: warning: the {} signature of this coswid has no {} form; left out",
            envelope.structure().name(),
            to.extension()
        ));
    }
    match to {
        Target::Xml => write(model)
            .map(String::into_bytes)
            .map_err(|e| format!("cannot write swid xml: {e}")),
        Target::Json => serde_json::to_string_pretty(model)
            .map(|json| format!("{json}\n").into_bytes())
            .map_err(|e| format!("cannot write json: {e}")),
        Target::Coswid => {
            let options = tag.coswid.unwrap_or_default();
            // A signed CoSWID stays in its COSE envelope (byte for byte when unchanged).
            let encoded = match &tag.signed {
                Some(envelope) => coswid::encode_signed(model, &options, envelope),
                None => coswid::encode(model, &options),
            };
            for dropped in &encoded.dropped {
                warn(&format!(
                    "{file}: warning: coswid cannot carry {} at {}; left out",
                    dropped.what, dropped.path
                ));
            }
            Ok(encoded.bytes)
        }
    }
}

/// `dir/name.ext` → `dir/name.<extension>`, or `dir/name.<n>.<extension>` for the n-th of
/// several tags.
fn out_name(relative: &Path, extension: &str, index: Option<usize>) -> PathBuf {
    let stem = relative
        .file_stem()
        .map_or_else(|| "tag".to_owned(), |s| s.to_string_lossy().into_owned());
    let name = match index {
        Some(n) => format!("{stem}.{n}.{extension}"),
        None => format!("{stem}.{extension}"),
    };
    relative.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `COSE_Sign1`-signed CoSWID, the `coswid_decode` fuzz seed built from RFC 9393 §7.
    const SIGNED: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/corpus/coswid_decode/signed-sign1"
    ));

    #[test]
    fn a_signed_coswid_is_read_shown_and_converted_with_its_envelope() {
        let loaded = super::super::load::load(SIGNED).unwrap();
        assert_eq!(loaded.format, super::super::load::Format::Coswid);
        let tag = &loaded.tags[0];
        assert!(tag.signed.is_some());
        assert_eq!(tag.parsed.value.name, "Signed Example");

        let summary = super::super::show::summary("signed.coswid", &loaded);
        assert!(
            summary.contains(
                "signed:         yes (COSE_Sign1, 1 signature(s), algorithm -7; not verified)"
            ),
            "{summary}"
        );

        // To CoSWID: the same bytes, signature and all; to XML: the payload's tag.
        assert_eq!(
            encode(tag, Target::Coswid, "signed.coswid").unwrap(),
            SIGNED
        );
        let xml = String::from_utf8(encode(tag, Target::Xml, "signed.coswid").unwrap()).unwrap();
        assert!(xml.contains(r#"name="Signed Example""#), "{xml}");
    }

    #[test]
    fn output_names_keep_the_folder_and_replace_the_extension() {
        assert_eq!(
            out_name(Path::new("a/b/cowsay.full.swidtag"), "coswid", None),
            Path::new("a/b/cowsay.full.coswid")
        );
        assert_eq!(
            out_name(Path::new("many.txt"), "swidtag", Some(2)),
            Path::new("many.2.swidtag")
        );
        assert_eq!(out_name(Path::new("x"), "json", None), Path::new("x.json"));
    }
}
