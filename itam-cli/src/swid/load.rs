//! Reading a file's tags, whatever their format, told by content: the intake's reader
//! ([`itam_intake::formats::tags`]) behind a file read bounded at the tag limit.

use std::path::Path;

#[cfg(test)]
pub(crate) use itam_intake::formats::tags::Format;
pub(crate) use itam_intake::formats::tags::{LoadError, Loaded, Tag, load};
use itam_intake::{InputKind, Options};

/// Reads a file and its tags; a file over the tag limit is refused before it is read.
pub(crate) fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    let bytes =
        crate::files::read_limited(path, InputKind::Tag, &Options::default()).map_err(|e| {
            LoadError {
                message: read_error(&e),
                pos: None,
            }
        })?;
    load(&bytes)
}

/// `cannot read file: …` (as before the limits), or the limit refused.
pub(crate) fn read_error(e: &itam_intake::InputError) -> String {
    match e {
        itam_intake::InputError::Io { source, .. } => format!("cannot read file: {source}"),
        other => itam_intake::reason(other),
    }
}
