//! Reading a file's Ents, told by content: the intake's reader
//! ([`itam_intake::formats::ents`]) behind a file read bounded at the Ent limit.

use std::path::Path;

pub(crate) use itam_intake::formats::ents::{Format, LoadError, Loaded, load};
use itam_intake::{InputKind, Options};

/// Names on standard error each JSON member of `file` the model ignored; true when there was one.
pub(crate) fn warn_ignored(file: &str, loaded: &Loaded) -> bool {
    for path in &loaded.ignored {
        crate::report::warn(&format!(
            "{file}: warning: {path}: not a member of the ent json form; ignored"
        ));
    }
    !loaded.ignored.is_empty()
}

/// Whether a file found in a folder is read: `*.ent`, `*.xml` and `*.ent.json`, or also any
/// `*.json` when `any_json`.
pub(crate) fn wanted(path: &Path, any_json: bool) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".ent")
        || name.ends_with(".xml")
        || name.ends_with(".ent.json")
        || (any_json && name.ends_with(".json"))
}

/// Reads a file and its Ents; a file over the Ent limit is refused before it is read.
pub(crate) fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    load_file_with(path, &Options::default())
}

/// Reads a file and its Ents, with the size limits of `options`.
pub(crate) fn load_file_with(path: &Path, options: &Options) -> Result<Loaded, LoadError> {
    let bytes =
        crate::files::read_limited(path, InputKind::Ent, options).map_err(|e| LoadError {
            message: crate::swid::load::read_error(&e),
            pos: None,
        })?;
    load(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_yield_ent_xml_and_ent_json_files() {
        for name in ["a.ent", "a.ent.xml", "A.XML", "a.ent.json", "d/a.Ent.Json"] {
            assert!(wanted(Path::new(name), false), "{name}");
        }
        assert!(!wanted(Path::new("bom.json"), false));
        assert!(wanted(Path::new("bom.json"), true));
        assert!(!wanted(Path::new("notes.txt"), true));
    }
}
