//! Turning command-line paths into input files: files as given, folders walked recursively in
//! a deterministic order (entries sorted by name, byte-wise), keeping each file's path
//! relative to the folder it was found under so outputs can mirror the layout.

use std::io;
use std::path::{Path, PathBuf};

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    /// The path to read (as given, or the folder joined with the relative path).
    pub path: PathBuf,
    /// The path relative to the folder given on the command line, or the file name alone
    /// when the file itself was given.
    pub relative: PathBuf,
    /// Whether the file was found by walking a folder (rather than named on the command
    /// line).
    pub from_folder: bool,
}

/// A path that does not exist or could not be listed, with the reason.
pub(crate) type Unlisted = (PathBuf, io::Error);

/// What [`expand`] found, in command-line order (each folder's files sorted): files, and
/// paths that could not be listed, where they were met.
pub(crate) type Expanded = Vec<Result<Input, Unlisted>>;

/// Expands paths: a file is taken as it is (whatever its name); a folder is walked
/// recursively and the files `wanted` accepts are taken, sorted by path. Hidden entries
/// (names starting with `.`) inside folders are skipped. Symbolic links are followed for
/// files, not for folders (no cycles).
pub(crate) fn expand(paths: &[PathBuf], wanted: impl Fn(&Path) -> bool) -> Expanded {
    let mut out = Expanded::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, Path::new(""), &wanted, &mut out),
            Ok(_) => out.push(Ok(Input {
                path: path.clone(),
                relative: path.file_name().map(PathBuf::from).unwrap_or_default(),
                from_folder: false,
            })),
            Err(e) => out.push(Err((path.clone(), e))),
        }
    }
    out
}

fn walk(root: &Path, relative: &Path, wanted: &impl Fn(&Path) -> bool, out: &mut Expanded) {
    let dir = root.join(relative);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => {
            out.push(Err((dir, e)));
            return;
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => names.push(entry),
            Err(e) => out.push(Err((dir.clone(), e))),
        }
    }
    names.sort_by_key(std::fs::DirEntry::file_name);
    for entry in names {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = relative.join(&name);
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            walk(root, &rel, wanted, out);
        } else if wanted(&rel) {
            out.push(Ok(Input {
                path: root.join(&rel),
                relative: rel,
                from_folder: true,
            }));
        }
    }
}

/// Whether a path's extension (case-insensitive) is one of `extensions` (without dots).
pub(crate) fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Shows a path the way a user typed it (lossy for non-UTF-8 names).
pub(crate) fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Reads a file no larger than its kind's limit: the length the file system reports is
/// checked first (a file over the limit is not opened), then the file is read through a
/// reader that stops one byte past the limit, so a file that grows, or whose reported length
/// is wrong, is refused too.
pub(crate) fn read_limited(
    path: &Path,
    kind: itam_intake::InputKind,
    options: &itam_intake::Options,
) -> Result<Vec<u8>, itam_intake::InputError> {
    let shown = display(path);
    let io = |source| itam_intake::InputError::Io {
        input: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let expected = if meta.is_file() {
        itam_intake::check_size(&shown, kind, meta.len(), options)?;
        meta.len()
    } else {
        0
    };
    let file = std::fs::File::open(path).map_err(io)?;
    itam_intake::read_bounded_sized(&shown, kind, file, expected, options)
}
