//! Size limits per input kind, checked before an input is read.
//!
//! A caller that reads files checks the length the file system reports with [`check_size`]
//! first, then reads through [`read_bounded`], which stops one byte past the limit: a file
//! that grows while it is read, or whose reported length is wrong, is still refused without
//! being read whole. Buffers handed to [`crate::Intake`] are checked against the same limits.

use std::fmt;
use std::io::Read;

/// The kinds of input, each with its own limit in [`Options`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputKind {
    /// A SWID or CoSWID tag file (XML, CBOR, uSWID, JSON).
    Tag,
    /// An Ent file (XML or JSON), a CycloneDX BOM or an OpTISAM CSV.
    Ent,
    /// The device facts (`devices.json`).
    Devices,
    /// An estate in its JSON form (`estate.json`).
    Estate,
    /// A financial ledger (JSON or CSV) or a CMS in its JSON form.
    Ledger,
    /// Any other CSV input.
    Csv,
    /// A policy or another small JSON settings file.
    Policy,
}

impl InputKind {
    /// The kind's name in messages.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Tag => "tag file",
            Self::Ent => "ent file",
            Self::Devices => "device facts",
            Self::Estate => "estate",
            Self::Ledger => "ledger",
            Self::Csv => "csv file",
            Self::Policy => "policy",
        }
    }
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One mebibyte.
const MIB: u64 = 1024 * 1024;

/// The size limits, in bytes, one per input kind. The defaults are those of the readers
/// behind each kind (a tag: the SWID reader's 64 MiB; an Ent: the Ent reader's 8 MiB); a
/// caller raises one with its field or all with [`Options::with_max_input_bytes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// A tag file: 64 MiB by default.
    pub max_tag_bytes: u64,
    /// An Ent file, CycloneDX BOM or OpTISAM CSV: 8 MiB by default.
    pub max_ent_bytes: u64,
    /// The device facts: 16 MiB by default.
    pub max_devices_bytes: u64,
    /// An `estate.json`: 256 MiB by default.
    pub max_estate_bytes: u64,
    /// A ledger or CMS: 64 MiB by default.
    pub max_ledger_bytes: u64,
    /// Another CSV input: 64 MiB by default.
    pub max_csv_bytes: u64,
    /// A policy: 1 MiB by default.
    pub max_policy_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_tag_bytes: 64 * MIB,
            max_ent_bytes: 8 * MIB,
            max_devices_bytes: 16 * MIB,
            max_estate_bytes: 256 * MIB,
            max_ledger_bytes: 64 * MIB,
            max_csv_bytes: 64 * MIB,
            max_policy_bytes: MIB,
        }
    }
}

impl Options {
    /// Every limit set to `bytes`.
    #[must_use]
    pub const fn with_max_input_bytes(bytes: u64) -> Self {
        Self {
            max_tag_bytes: bytes,
            max_ent_bytes: bytes,
            max_devices_bytes: bytes,
            max_estate_bytes: bytes,
            max_ledger_bytes: bytes,
            max_csv_bytes: bytes,
            max_policy_bytes: bytes,
        }
    }

    /// The limit of one kind of input.
    #[must_use]
    pub const fn limit(&self, kind: InputKind) -> u64 {
        match kind {
            InputKind::Tag => self.max_tag_bytes,
            InputKind::Ent => self.max_ent_bytes,
            InputKind::Devices => self.max_devices_bytes,
            InputKind::Estate => self.max_estate_bytes,
            InputKind::Ledger => self.max_ledger_bytes,
            InputKind::Csv => self.max_csv_bytes,
            InputKind::Policy => self.max_policy_bytes,
        }
    }
}

/// Why an input was not read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The input is larger than its kind's limit. `size` is the length reported before
    /// reading, or, when the input was found too large while reading, the limit plus one
    /// (what was read before stopping).
    #[error("{input}: {size} bytes, over the {kind} limit of {limit} bytes")]
    TooLarge {
        /// The input's name.
        input: String,
        /// Its kind.
        kind: InputKind,
        /// Its size, or as much of it as was read (at most `limit + 1`).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The reader failed.
    #[error("{input}: cannot read: {source}")]
    Io {
        /// The input's name.
        input: String,
        /// The reader's error.
        #[source]
        source: std::io::Error,
    },
}

/// Refuses an input whose known length is over its kind's limit, before it is read.
///
/// # Errors
/// [`InputError::TooLarge`] when `len` is over the limit.
pub fn check_size(
    input: &str,
    kind: InputKind,
    len: u64,
    options: &Options,
) -> Result<(), InputError> {
    let limit = options.limit(kind);
    if len > limit {
        return Err(InputError::TooLarge {
            input: input.to_owned(),
            kind,
            size: len,
            limit,
        });
    }
    Ok(())
}

/// Reads an input to its end through a reader bounded at the kind's limit plus one byte, so
/// that memory never follows an input past its limit, whatever length it claimed.
///
/// # Errors
/// [`InputError::TooLarge`] when more than the limit could be read, [`InputError::Io`] when
/// the reader fails.
pub fn read_bounded(
    input: &str,
    kind: InputKind,
    reader: impl Read,
    options: &Options,
) -> Result<Vec<u8>, InputError> {
    read_bounded_sized(input, kind, reader, 0, options)
}

/// [`read_bounded`] for an input whose length is expected to be `expected` bytes (a file's
/// reported length): the buffer is reserved once at that size (never above the limit), so a
/// large input is not copied while the buffer grows, which would briefly hold up to three
/// times its size.
///
/// # Errors
/// As [`read_bounded`].
pub fn read_bounded_sized(
    input: &str,
    kind: InputKind,
    reader: impl Read,
    expected: u64,
    options: &Options,
) -> Result<Vec<u8>, InputError> {
    let limit = options.limit(kind);
    let reserve = usize::try_from(expected.min(limit).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(reserve);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            input: input.to_owned(),
            source,
        })?;
    check_size(input, kind, bytes.len() as u64, options)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_is_stopped_one_byte_past_the_limit() {
        let options = Options::with_max_input_bytes(4);
        let ok = read_bounded("a", InputKind::Tag, &b"abcd"[..], &options);
        assert_eq!(ok.ok(), Some(b"abcd".to_vec()));
        // An endless reader: refused after limit + 1 bytes.
        let err = read_bounded("b", InputKind::Ent, std::io::repeat(b'x'), &options);
        match err {
            Err(InputError::TooLarge {
                input, size, limit, ..
            }) => {
                assert_eq!((input.as_str(), size, limit), ("b", 5, 4));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lengths_over_the_limit_are_refused_with_name_size_and_limit() {
        let options = Options {
            max_estate_bytes: 10,
            ..Options::default()
        };
        let err = check_size("estate.json", InputKind::Estate, 11, &options);
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("estate.json: 11 bytes, over the estate limit of 10 bytes".into())
        );
        assert!(check_size("estate.json", InputKind::Estate, 10, &options).is_ok());
        assert!(check_size("t", InputKind::Tag, 10 << 20, &options).is_ok());
    }
}
