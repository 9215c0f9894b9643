//! uSWID containers: the framing python-uswid, fwupd and coreboot use to embed CoSWID tags
//! in firmware images.
//!
//! Layout (little-endian, as python-uswid and fwupd's `FuStructUswid` define it):
//!
//! | Offset | Size | Field |
//! |---|---|---|
//! | 0 | 16 | magic GUID `53424f4d-d6ba-2eac-a3e6-7a52aaee3baf` (starts with ASCII `SBOM`) |
//! | 16 | 1 | header version (1, 2 or 3) |
//! | 17 | 2 | header size: where the payload starts (23 for v1, 24 for v2, 25 for v3) |
//! | 19 | 4 | payload size in bytes |
//! | 23 | 1 | flags (v2 and later): bit 0 = payload compressed |
//! | 24 | 1 | compression (v3 and later): 0 none, 1 zlib, 2 lzma |
//!
//! The payload is a CBOR sequence of CoSWID tags, one after another. A v2 header with the
//! compressed flag means zlib. This crate has no decompressor (the workspace carries no
//! compression dependency), so a compressed payload is reported as
//! [`UswidError::Compressed`] rather than guessed at.

use super::cbor::{self, DecodeError, Limits, Value};

/// The 16 magic bytes that start a uSWID container.
pub const USWID_MAGIC: [u8; 16] = [
    0x53, 0x42, 0x4f, 0x4d, 0xd6, 0xba, 0x2e, 0xac, 0xa3, 0xe6, 0x7a, 0x52, 0xaa, 0xee, 0x3b, 0xaf,
];

/// How a uSWID payload is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// Not compressed.
    None,
    /// zlib (RFC 1950).
    Zlib,
    /// LZMA (xz container, as Python's `lzma` module writes by default).
    Lzma,
    /// A compression code this crate does not know.
    Other(u8),
}

impl Compression {
    /// The scheme's name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Zlib => "zlib",
            Self::Lzma => "lzma",
            Self::Other(_) => "unknown",
        }
    }
}

/// The header of a uSWID container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UswidHeader {
    /// Header version (1, 2 or 3).
    pub version: u8,
    /// Header size in bytes: the payload starts this far from the magic.
    pub header_size: u16,
    /// Payload size in bytes.
    pub payload_size: u32,
    /// The flags byte (version 2 and later).
    pub flags: Option<u8>,
    /// The compression, from the flags (v2) and compression byte (v3).
    pub compression: Compression,
}

/// A uSWID container found in some bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uswid<'a> {
    /// Offset of the magic in the input.
    pub offset: usize,
    /// The header.
    pub header: UswidHeader,
    /// The payload bytes as stored (compressed when `header.compression` says so).
    pub payload: &'a [u8],
}

/// Why a uSWID container could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UswidError {
    /// The input does not start with the uSWID magic.
    #[error("no uswid magic at byte {0}")]
    NoMagic(usize),
    /// The input ends inside the header or the payload.
    #[error("uswid container at byte {offset} is truncated: needs {needed} bytes, has {available}")]
    Truncated {
        /// Offset of the container.
        offset: usize,
        /// Bytes the header says the container needs.
        needed: usize,
        /// Bytes available from the container's offset.
        available: usize,
    },
    /// Header version 0, or a header size smaller than the version's fields.
    #[error("uswid container at byte {offset} has a bad header (version {version}, size {size})")]
    BadHeader {
        /// Offset of the container.
        offset: usize,
        /// Header version.
        version: u8,
        /// Header size.
        size: u16,
    },
    /// The payload is compressed with a scheme this crate cannot decompress.
    #[error("uswid payload at byte {offset} is compressed with {}, which this crate cannot decompress", .compression.name())]
    Compressed {
        /// Offset of the container.
        offset: usize,
        /// The compression.
        compression: Compression,
    },
    /// The payload is not a sequence of CBOR items.
    #[error("uswid payload of the container at byte {offset}: {source}")]
    Cbor {
        /// Offset of the container.
        offset: usize,
        /// The CBOR error (offset relative to the payload).
        source: DecodeError,
    },
}

impl<'a> Uswid<'a> {
    /// Reads the container that starts at `offset` in `input`.
    ///
    /// # Errors
    /// [`UswidError`] when the magic is missing, the header is invalid or the input is
    /// shorter than the header says.
    pub fn parse_at(input: &'a [u8], offset: usize) -> Result<Self, UswidError> {
        let bytes = input.get(offset..).unwrap_or_default();
        if !bytes.starts_with(&USWID_MAGIC) {
            return Err(UswidError::NoMagic(offset));
        }
        let truncated = |needed: usize| UswidError::Truncated {
            offset,
            needed,
            available: bytes.len(),
        };
        let fixed = bytes.get(16..23).ok_or_else(|| truncated(23))?;
        let [version, s0, s1, p0, p1, p2, p3] =
            <[u8; 7]>::try_from(fixed).map_err(|_| truncated(23))?;
        let header_size = u16::from_le_bytes([s0, s1]);
        let payload_size = u32::from_le_bytes([p0, p1, p2, p3]);
        let min_size: u16 = match version {
            0 => 0,
            1 => 23,
            2 => 24,
            _ => 25,
        };
        if version == 0 || header_size < min_size {
            return Err(UswidError::BadHeader {
                offset,
                version,
                size: header_size,
            });
        }
        let flags = if version >= 2 {
            bytes.get(23).copied()
        } else {
            None
        };
        let compression = match (version, flags) {
            (2, Some(f)) if f & 1 == 1 => Compression::Zlib,
            (v, Some(f)) if v >= 3 && f & 1 == 1 => match bytes.get(24).copied() {
                Some(0) => Compression::None,
                Some(1) => Compression::Zlib,
                Some(2) => Compression::Lzma,
                Some(other) => Compression::Other(other),
                None => Compression::Other(0),
            },
            _ => Compression::None,
        };
        let start = usize::from(header_size);
        let end = usize::try_from(payload_size)
            .ok()
            .and_then(|n| start.checked_add(n))
            .ok_or_else(|| truncated(usize::MAX))?;
        let payload = bytes.get(start..end).ok_or_else(|| truncated(end))?;
        Ok(Self {
            offset,
            header: UswidHeader {
                version,
                header_size,
                payload_size,
                flags,
                compression,
            },
            payload,
        })
    }

    /// Reads the container at the start of `input`.
    ///
    /// # Errors
    /// As [`Uswid::parse_at`].
    pub fn parse(input: &'a [u8]) -> Result<Self, UswidError> {
        Self::parse_at(input, 0)
    }

    /// Every container found by scanning `input` for the magic (as python-uswid does for
    /// firmware images), in order; a container's payload is skipped before scanning on.
    ///
    /// # Errors
    /// The first [`UswidError`] of a container whose magic was found.
    pub fn find_all(input: &'a [u8]) -> Result<Vec<Self>, UswidError> {
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = find(input.get(from..).unwrap_or_default(), &USWID_MAGIC) {
            let container = Self::parse_at(input, from + at)?;
            from = from + at + usize::from(container.header.header_size) + container.payload.len();
            found.push(container);
        }
        Ok(found)
    }

    /// The CBOR items of the payload (one per CoSWID tag).
    ///
    /// # Errors
    /// [`UswidError::Compressed`] for a compressed payload, [`UswidError::Cbor`] when the
    /// payload is not a CBOR sequence.
    pub fn items(&self, limits: Limits) -> Result<Vec<Value>, UswidError> {
        if self.header.compression != Compression::None {
            return Err(UswidError::Compressed {
                offset: self.offset,
                compression: self.header.compression,
            });
        }
        cbor::decode_sequence(self.payload, limits).map_err(|source| UswidError::Cbor {
            offset: self.offset,
            source,
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(version: u8, flags: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut out = USWID_MAGIC.to_vec();
        out.push(version);
        out.extend_from_slice(&(23 + flags.len() as u16).to_le_bytes());
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(flags);
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn headers_of_each_version() {
        let v1 = container(1, &[], &[0xa0, 0x01]);
        let c = Uswid::parse(&v1).unwrap();
        assert_eq!(c.header.header_size, 23);
        assert_eq!(c.header.flags, None);
        assert_eq!(
            c.items(Limits::default()).unwrap(),
            vec![Value::map(vec![]), Value::uint(1)]
        );

        let v2 = container(2, &[1], &[0x78, 0x9c]);
        let c = Uswid::parse(&v2).unwrap();
        assert_eq!(c.header.compression, Compression::Zlib);
        let err = c.items(Limits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "uswid payload at byte 0 is compressed with zlib, which this crate cannot decompress"
        );

        let v3 = container(3, &[1, 2], &[0xfd]);
        assert_eq!(
            Uswid::parse(&v3).unwrap().header.compression,
            Compression::Lzma
        );
        let v3_plain = container(3, &[0, 0], &[0xa0]);
        assert_eq!(
            Uswid::parse(&v3_plain).unwrap().header.compression,
            Compression::None
        );
    }

    #[test]
    fn bad_containers_are_errors() {
        assert_eq!(
            Uswid::parse(b"hello trouble\n"),
            Err(UswidError::NoMagic(0))
        );
        let mut short = container(1, &[], &[0xa0, 0xa0]);
        short.pop();
        assert!(matches!(
            Uswid::parse(&short),
            Err(UswidError::Truncated { needed: 25, .. })
        ));
        assert!(matches!(
            Uswid::parse(&USWID_MAGIC),
            Err(UswidError::Truncated { .. })
        ));
        let zero = container(0, &[], &[]);
        assert!(matches!(
            Uswid::parse(&zero),
            Err(UswidError::BadHeader { version: 0, .. })
        ));
        let bad_cbor = container(1, &[], &[0x1c]);
        let err = Uswid::parse(&bad_cbor)
            .unwrap()
            .items(Limits::default())
            .unwrap_err();
        assert!(matches!(err, UswidError::Cbor { .. }));
    }

    #[test]
    fn containers_are_found_inside_other_bytes() {
        let mut image = b"firmware".to_vec();
        image.extend(container(1, &[], &[0x01]));
        image.extend(b"padding");
        image.extend(container(1, &[], &[0x02]));
        let found = Uswid::find_all(&image).unwrap();
        assert_eq!(
            found.iter().map(|c| c.offset).collect::<Vec<_>>(),
            [8, 8 + 24 + 7]
        );
        assert_eq!(
            found[1].items(Limits::default()).unwrap(),
            vec![Value::uint(2)]
        );
    }
}
