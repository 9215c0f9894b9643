//! A small, strict CBOR codec (RFC 8949) that remembers how each item was written.
//!
//! [`decode`] turns bytes into a [`Value`] tree and [`Value::encode`] turns the tree back
//! into bytes. The tree keeps every encoding choice RFC 8949 leaves to the writer, so that
//! `encode(decode(bytes)) == bytes` for every well-formed input:
//!
//! - the width of every argument (integer value, string/array/map length, tag number),
//!   as a [`Width`]: a value of 5 may be written in the initial byte or in 1, 2, 4 or 8
//!   following bytes (RFC 8949 §3);
//! - definite or indefinite length for strings, arrays and maps, and the chunk boundaries
//!   of indefinite-length strings (§3.2);
//! - the order of map entries (a map is a list of pairs, never re-sorted);
//! - the exact bits of floating-point numbers and their precision (half, single, double).
//!
//! The decoder is strict about well-formedness (§3, Appendix F): reserved additional
//! information values (28–30), a `break` outside an indefinite-length item,
//! indefinite-length integers or tags, indefinite-length string chunks of the wrong type,
//! the two-byte form of simple values below 32, and invalid UTF-8 in text strings are all
//! errors. It does not judge validity beyond that (duplicate map keys, tag content types):
//! those belong to the layer that knows what the data means.
//!
//! Every error carries the byte offset where the problem starts. Untrusted input is
//! bounded by [`Limits`] (nesting depth, number of items, input size); the decoder never
//! allocates more than the input could hold and never panics.

use std::fmt;

/// How an argument (an integer value, a length or a tag number) is written after the
/// initial byte (RFC 8949 §3).
///
/// When a width is too narrow for the value it carries, encoding widens it to the
/// narrowest width that fits, so a [`Value`] always encodes to well-formed CBOR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Width {
    /// In the low five bits of the initial byte (values 0–23).
    #[default]
    Immediate,
    /// In one following byte (additional information 24).
    U8,
    /// In two following bytes (additional information 25).
    U16,
    /// In four following bytes (additional information 26).
    U32,
    /// In eight following bytes (additional information 27).
    U64,
}

impl Width {
    /// The preferred (shortest) width for `value` (RFC 8949 §4.1).
    #[must_use]
    pub const fn preferred(value: u64) -> Self {
        if value < 24 {
            Self::Immediate
        } else if value <= 0xff {
            Self::U8
        } else if value <= 0xffff {
            Self::U16
        } else if value <= 0xffff_ffff {
            Self::U32
        } else {
            Self::U64
        }
    }

    /// Whether `value` can be written in this width.
    #[must_use]
    pub const fn fits(self, value: u64) -> bool {
        match self {
            Self::Immediate => value < 24,
            Self::U8 => value <= 0xff,
            Self::U16 => value <= 0xffff,
            Self::U32 => value <= 0xffff_ffff,
            Self::U64 => true,
        }
    }

    /// This width if `value` fits in it, else the preferred width for `value`.
    #[must_use]
    pub const fn at_least_for(self, value: u64) -> Self {
        if self.fits(value) {
            self
        } else {
            Self::preferred(value)
        }
    }

    /// Number of bytes following the initial byte.
    #[must_use]
    pub const fn extra_bytes(self) -> usize {
        match self {
            Self::Immediate => 0,
            Self::U8 => 1,
            Self::U16 => 2,
            Self::U32 => 4,
            Self::U64 => 8,
        }
    }
}

/// Whether a string, array or map is written with a definite length (and in which width)
/// or with an indefinite length terminated by a `break` byte (RFC 8949 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Len {
    /// Definite length, written in the given width (widened if too narrow).
    Definite(Width),
    /// Indefinite length (`0x9f`/`0xbf`… then `0xff`).
    #[default]
    Indefinite,
}

impl Len {
    /// A definite length written in its preferred width.
    #[must_use]
    pub const fn preferred(len: usize) -> Self {
        Self::Definite(Width::preferred(len as u64))
    }
}

/// How a byte or text string is written (RFC 8949 §3.1, §3.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StrEncoding {
    /// One definite-length string whose length is written in the given width.
    Definite(Width),
    /// An indefinite-length string made of definite-length chunks, each given by its
    /// length in bytes and the width its length is written in.
    ///
    /// If the chunk lengths do not add up to the string's length (or, for text, split a
    /// character), the string is written as one indefinite-length string holding a single
    /// chunk of preferred width.
    Indefinite(Vec<Chunk>),
}

impl StrEncoding {
    /// A definite-length string of `len` bytes in its preferred width.
    #[must_use]
    pub const fn preferred(len: usize) -> Self {
        Self::Definite(Width::preferred(len as u64))
    }
}

/// One chunk of an indefinite-length string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chunk {
    /// Length of the chunk in bytes.
    pub len: usize,
    /// Width the chunk's length is written in.
    pub width: Width,
}

/// A floating-point number, kept as the exact bits of the precision it was written in
/// (RFC 8949 §3.3), so NaN payloads and negative zero survive a round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Float {
    /// IEEE 754 binary16 (`0xf9`).
    Half(u16),
    /// IEEE 754 binary32 (`0xfa`).
    Single(u32),
    /// IEEE 754 binary64 (`0xfb`).
    Double(u64),
}

impl Float {
    /// The number as an `f64` (exact: every half and single value is a double value).
    #[must_use]
    pub fn to_f64(self) -> f64 {
        match self {
            Self::Half(bits) => half_to_f64(bits),
            Self::Single(bits) => f64::from(f32::from_bits(bits)),
            Self::Double(bits) => f64::from_bits(bits),
        }
    }
}

fn half_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 == 0 { 1.0 } else { -1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let mant = f64::from(bits & 0x3ff);
    let magnitude = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + mant / 1024.0) * 2f64.powi(exp - 15),
    };
    sign * magnitude
}

/// A simple value other than `false`, `true`, `null` and `undefined` (RFC 8949 §3.3):
/// 0–19 (written in the initial byte) or 32–255 (written in one following byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Simple(u8);

impl Simple {
    /// The simple value `value`, or `None` for 20–23 (use [`Value::Bool`], [`Value::Null`]
    /// and [`Value::Undefined`]) and 24–31 (reserved, not well-formed).
    #[must_use]
    pub const fn new(value: u8) -> Option<Self> {
        if value < 20 || value >= 32 {
            Some(Self(value))
        } else {
            None
        }
    }

    /// The number of the simple value.
    #[must_use]
    pub const fn value(self) -> u8 {
        self.0
    }
}

/// One CBOR data item, with the encoding details needed to write it back byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// An unsigned integer (major type 0).
    Unsigned {
        /// The value.
        value: u64,
        /// How the value is written.
        width: Width,
    },
    /// A negative integer (major type 1): the number is `-1 - arg`.
    Negative {
        /// The argument: the number is `-1 - arg`.
        arg: u64,
        /// How the argument is written.
        width: Width,
    },
    /// A byte string (major type 2).
    Bytes {
        /// The content (all chunks joined).
        value: Vec<u8>,
        /// How the string is written.
        encoding: StrEncoding,
    },
    /// A UTF-8 text string (major type 3).
    Text {
        /// The content (all chunks joined).
        value: String,
        /// How the string is written.
        encoding: StrEncoding,
    },
    /// An array (major type 4).
    Array {
        /// The items, in order.
        items: Vec<Self>,
        /// How the length is written.
        len: Len,
    },
    /// A map (major type 5), as its entries in the order written.
    Map {
        /// The entries (key, value), in order.
        entries: Vec<(Self, Self)>,
        /// How the length is written.
        len: Len,
    },
    /// A tagged item (major type 6).
    Tag {
        /// The tag number.
        tag: u64,
        /// How the tag number is written.
        width: Width,
        /// The tagged item.
        item: Box<Self>,
    },
    /// `false` (`0xf4`) or `true` (`0xf5`).
    Bool(bool),
    /// `null` (`0xf6`).
    Null,
    /// `undefined` (`0xf7`).
    Undefined,
    /// Any other simple value.
    Simple(Simple),
    /// A floating-point number.
    Float(Float),
}

impl Value {
    /// An integer in its preferred encoding (unsigned or negative).
    #[must_use]
    pub const fn int(value: i64) -> Self {
        if value >= 0 {
            let value = value.unsigned_abs();
            Self::Unsigned {
                value,
                width: Width::preferred(value),
            }
        } else {
            // -1 - value, computed without overflow for i64::MIN.
            let arg = (value + 1).unsigned_abs();
            Self::Negative {
                arg,
                width: Width::preferred(arg),
            }
        }
    }

    /// An unsigned integer in its preferred encoding.
    #[must_use]
    pub const fn uint(value: u64) -> Self {
        Self::Unsigned {
            value,
            width: Width::preferred(value),
        }
    }

    /// A definite-length text string in its preferred encoding.
    #[must_use]
    pub fn text(value: impl Into<String>) -> Self {
        let value = value.into();
        let encoding = StrEncoding::preferred(value.len());
        Self::Text { value, encoding }
    }

    /// A definite-length byte string in its preferred encoding.
    #[must_use]
    pub fn bytes(value: impl Into<Vec<u8>>) -> Self {
        let value = value.into();
        let encoding = StrEncoding::preferred(value.len());
        Self::Bytes { value, encoding }
    }

    /// A definite-length array in its preferred encoding.
    #[must_use]
    pub fn array(items: Vec<Self>) -> Self {
        let len = Len::preferred(items.len());
        Self::Array { items, len }
    }

    /// A definite-length map in its preferred encoding, entries in the order given.
    #[must_use]
    pub fn map(entries: Vec<(Self, Self)>) -> Self {
        let len = Len::preferred(entries.len());
        Self::Map { entries, len }
    }

    /// A tagged item with the tag number in its preferred encoding.
    #[must_use]
    pub fn tag(tag: u64, item: Self) -> Self {
        Self::Tag {
            tag,
            width: Width::preferred(tag),
            item: Box::new(item),
        }
    }

    /// The integer value, if this is an integer that fits in an `i128` (all CBOR integers do).
    #[must_use]
    pub const fn as_int(&self) -> Option<i128> {
        match self {
            Self::Unsigned { value, .. } => Some(*value as i128),
            Self::Negative { arg, .. } => Some(-1 - *arg as i128),
            _ => None,
        }
    }

    /// The integer value, if this is an integer that fits in an `i64`.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        self.as_int().and_then(|v| i64::try_from(v).ok())
    }

    /// The text, if this is a text string.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The bytes, if this is a byte string.
    #[must_use]
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Bytes { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The boolean, if this is `true` or `false`.
    #[must_use]
    pub const fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, if this is an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Self]> {
        match self {
            Self::Array { items, .. } => Some(items),
            _ => None,
        }
    }

    /// The entries, if this is a map.
    #[must_use]
    pub fn as_map(&self) -> Option<&[(Self, Self)]> {
        match self {
            Self::Map { entries, .. } => Some(entries),
            _ => None,
        }
    }

    /// The first map key found twice in one map, anywhere in this item (arrays, maps and
    /// tags are searched, byte strings are not decoded), comparing keys in the CBOR data
    /// model (`1` and `0x1801` are the same key). RFC 8949 §5.6 makes such a map invalid;
    /// the CoSWID encoder never writes one.
    ///
    /// Linear in the size of the item (one ordered set per map: O(n log n)), iterative, so any depth is
    /// safe.
    #[must_use]
    pub fn repeated_key(&self) -> Option<&Self> {
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        enum Id<'v> {
            Int(i128),
            Text(&'v str),
            Other(Vec<u8>),
        }
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            match v {
                Self::Array { items, .. } => stack.extend(items),
                Self::Map { entries, .. } => {
                    let mut seen = std::collections::BTreeSet::new();
                    for (k, item) in entries {
                        let id = match (k.as_int(), k.as_text()) {
                            (Some(n), _) => Id::Int(n),
                            (_, Some(t)) => Id::Text(t),
                            _ => Id::Other(k.encode()),
                        };
                        if !seen.insert(id) {
                            return Some(k);
                        }
                        stack.push(k);
                        stack.push(item);
                    }
                }
                Self::Tag { item, .. } => stack.push(item),
                _ => {}
            }
        }
        None
    }

    /// A short name of the item's type, for messages (`"unsigned integer"`, `"map"`…).
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self {
            Self::Unsigned { .. } => "unsigned integer",
            Self::Negative { .. } => "negative integer",
            Self::Bytes { .. } => "byte string",
            Self::Text { .. } => "text string",
            Self::Array { .. } => "array",
            Self::Map { .. } => "map",
            Self::Tag { .. } => "tag",
            Self::Bool(_) => "boolean",
            Self::Null => "null",
            Self::Undefined => "undefined",
            Self::Simple(_) => "simple value",
            Self::Float(_) => "float",
        }
    }

    /// Whether this item and everything in it is written in preferred serialization with
    /// definite lengths (RFC 8949 §4.1, §4.2.1 except for map key order and floats).
    #[must_use]
    pub fn is_preferred(&self) -> bool {
        match self {
            Self::Unsigned { value, width } => *width == Width::preferred(*value),
            Self::Negative { arg, width } => *width == Width::preferred(*arg),
            Self::Bytes { value, encoding } => *encoding == StrEncoding::preferred(value.len()),
            Self::Text { value, encoding } => *encoding == StrEncoding::preferred(value.len()),
            Self::Array { items, len } => {
                *len == Len::preferred(items.len()) && items.iter().all(Self::is_preferred)
            }
            Self::Map { entries, len } => {
                *len == Len::preferred(entries.len())
                    && entries
                        .iter()
                        .all(|(k, v)| k.is_preferred() && v.is_preferred())
            }
            Self::Tag { tag, width, item } => {
                *width == Width::preferred(*tag) && item.is_preferred()
            }
            Self::Bool(_) | Self::Null | Self::Undefined | Self::Simple(_) | Self::Float(_) => true,
        }
    }

    /// The item's encoding. Encoding recurses once per nesting level (any value the
    /// decoder returns is within its [`Limits::max_depth`]).
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Appends the item's encoding to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Self::Unsigned { value, width } => head(out, 0, *value, *width),
            Self::Negative { arg, width } => head(out, 1, *arg, *width),
            Self::Bytes { value, encoding } => string(out, 2, value, encoding, |_| true),
            Self::Text { value, encoding } => {
                string(out, 3, value.as_bytes(), encoding, |at| {
                    value.is_char_boundary(at)
                });
            }
            Self::Array { items, len } => {
                container_head(out, 4, items.len(), *len);
                for item in items {
                    item.encode_into(out);
                }
                if *len == Len::Indefinite {
                    out.push(BREAK);
                }
            }
            Self::Map { entries, len } => {
                container_head(out, 5, entries.len(), *len);
                for (key, value) in entries {
                    key.encode_into(out);
                    value.encode_into(out);
                }
                if *len == Len::Indefinite {
                    out.push(BREAK);
                }
            }
            Self::Tag { tag, width, item } => {
                head(out, 6, *tag, *width);
                item.encode_into(out);
            }
            Self::Bool(false) => out.push(0xf4),
            Self::Bool(true) => out.push(0xf5),
            Self::Null => out.push(0xf6),
            Self::Undefined => out.push(0xf7),
            Self::Simple(simple) => {
                if simple.0 < 24 {
                    out.push(0xe0 | simple.0);
                } else {
                    out.extend_from_slice(&[0xf8, simple.0]);
                }
            }
            Self::Float(Float::Half(bits)) => {
                out.push(0xf9);
                out.extend_from_slice(&bits.to_be_bytes());
            }
            Self::Float(Float::Single(bits)) => {
                out.push(0xfa);
                out.extend_from_slice(&bits.to_be_bytes());
            }
            Self::Float(Float::Double(bits)) => {
                out.push(0xfb);
                out.extend_from_slice(&bits.to_be_bytes());
            }
        }
    }
}

const BREAK: u8 = 0xff;

fn head(out: &mut Vec<u8>, major: u8, value: u64, width: Width) {
    let mt = major << 5;
    match width.at_least_for(value) {
        // The casts below cannot truncate: `at_least_for` guarantees the value fits.
        Width::Immediate => out.push(mt | value as u8),
        Width::U8 => out.extend_from_slice(&[mt | 24, value as u8]),
        Width::U16 => {
            out.push(mt | 25);
            out.extend_from_slice(&(value as u16).to_be_bytes());
        }
        Width::U32 => {
            out.push(mt | 26);
            out.extend_from_slice(&(value as u32).to_be_bytes());
        }
        Width::U64 => {
            out.push(mt | 27);
            out.extend_from_slice(&value.to_be_bytes());
        }
    }
}

fn container_head(out: &mut Vec<u8>, major: u8, count: usize, len: Len) {
    match len {
        Len::Definite(width) => head(out, major, count as u64, width),
        Len::Indefinite => out.push((major << 5) | 31),
    }
}

fn string(
    out: &mut Vec<u8>,
    major: u8,
    content: &[u8],
    encoding: &StrEncoding,
    boundary_ok: impl Fn(usize) -> bool,
) {
    match encoding {
        StrEncoding::Definite(width) => {
            head(out, major, content.len() as u64, *width);
            out.extend_from_slice(content);
        }
        StrEncoding::Indefinite(chunks) => {
            out.push((major << 5) | 31);
            let total: Option<usize> = chunks
                .iter()
                .try_fold(0usize, |acc, c| acc.checked_add(c.len));
            let mut at = 0usize;
            let consistent = total == Some(content.len())
                && chunks.iter().all(|c| {
                    at += c.len;
                    boundary_ok(at)
                });
            if consistent {
                let mut start = 0usize;
                for chunk in chunks {
                    let end = start + chunk.len;
                    head(out, major, chunk.len as u64, chunk.width);
                    out.extend_from_slice(content.get(start..end).unwrap_or_default());
                    start = end;
                }
            } else if !content.is_empty() {
                head(
                    out,
                    major,
                    content.len() as u64,
                    Width::preferred(content.len() as u64),
                );
                out.extend_from_slice(content);
            }
            out.push(BREAK);
        }
    }
}

/// Bounds on what the decoder accepts from untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum nesting depth of arrays, maps and tags (the top-level item is depth 1).
    /// The decoder recurses once per level, so keep this within what the stack allows.
    pub max_depth: usize,
    /// Maximum number of data items in total (every key, value, array item, tag and
    /// string chunk counts one).
    pub max_items: usize,
    /// Maximum input size in bytes.
    pub max_input: usize,
}

impl Default for Limits {
    /// Depth 64, one million items, 16 MiB.
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_items: 1_000_000,
            max_input: 16 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// These limits with a different maximum depth.
    #[must_use]
    pub const fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// These limits with a different maximum item count.
    #[must_use]
    pub const fn with_max_items(mut self, max_items: usize) -> Self {
        self.max_items = max_items;
        self
    }

    /// These limits with a different maximum input size.
    #[must_use]
    pub const fn with_max_input(mut self, max_input: usize) -> Self {
        self.max_input = max_input;
        self
    }
}

/// Why bytes could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct DecodeError {
    /// Offset of the first byte of the offending item (or of the end of input).
    pub offset: usize,
    /// What went wrong.
    pub kind: DecodeErrorKind,
}

/// What went wrong while decoding CBOR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended inside an item.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// Additional information 28, 29 or 30 (reserved, not well-formed).
    #[error("reserved additional information {0} in initial byte")]
    ReservedAdditionalInfo(u8),
    /// Indefinite length for a major type that does not allow it (0, 1, 6) or a
    /// `break` byte (`0xff`) where no indefinite-length item is open.
    #[error("indefinite length or break not allowed for major type {0}")]
    IndefiniteNotAllowed(u8),
    /// A chunk of an indefinite-length string is not a definite-length string of the
    /// same major type.
    #[error(
        "chunk of an indefinite-length string of major type {0} is not a definite-length string of that type"
    )]
    BadChunk(u8),
    /// A text string is not valid UTF-8.
    #[error("text string is not valid utf-8")]
    InvalidUtf8,
    /// A simple value below 32 written in the two-byte form.
    #[error("simple value {0} in two-byte form")]
    BadSimple(u8),
    /// A length does not fit in memory or exceeds the remaining input.
    #[error("length {0} exceeds the remaining input")]
    LengthTooLarge(u64),
    /// Nesting deeper than [`Limits::max_depth`].
    #[error("nesting deeper than {0}")]
    TooDeep(usize),
    /// More items than [`Limits::max_items`].
    #[error("more than {0} data items")]
    TooManyItems(usize),
    /// Input larger than [`Limits::max_input`].
    #[error("input of {len} bytes exceeds the limit of {limit}")]
    InputTooLarge {
        /// Input size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Bytes left over after the single expected item.
    #[error("{0} trailing bytes after the data item")]
    TrailingBytes(usize),
}

/// Decodes exactly one data item from `input` with the default [`Limits`]; bytes after
/// it are an error.
///
/// # Errors
/// A [`DecodeError`] when the input is not one well-formed CBOR item or exceeds a limit.
pub fn decode(input: &[u8]) -> Result<Value, DecodeError> {
    decode_with(input, Limits::default())
}

/// Decodes exactly one data item from `input` with the given limits.
///
/// # Errors
/// A [`DecodeError`] when the input is not one well-formed CBOR item or exceeds a limit.
pub fn decode_with(input: &[u8], limits: Limits) -> Result<Value, DecodeError> {
    let (value, used) = decode_prefix_with(input, limits)?;
    if used < input.len() {
        return Err(DecodeError {
            offset: used,
            kind: DecodeErrorKind::TrailingBytes(input.len() - used),
        });
    }
    Ok(value)
}

/// Decodes the first data item of `input` and returns it with the number of bytes it
/// used, for CBOR sequences (RFC 8742) and containers holding several items.
///
/// # Errors
/// A [`DecodeError`] when the input does not start with a well-formed CBOR item or a
/// limit is exceeded.
pub fn decode_prefix_with(input: &[u8], limits: Limits) -> Result<(Value, usize), DecodeError> {
    if input.len() > limits.max_input {
        return Err(DecodeError {
            offset: 0,
            kind: DecodeErrorKind::InputTooLarge {
                len: input.len(),
                limit: limits.max_input,
            },
        });
    }
    let mut decoder = Decoder {
        input,
        pos: 0,
        items: 0,
        limits,
    };
    let value = decoder.item(1)?;
    Ok((value, decoder.pos))
}

/// Decodes every item of a CBOR sequence (RFC 8742): items one after another, no framing.
///
/// # Errors
/// The first [`DecodeError`]; its offset is relative to the whole input.
pub fn decode_sequence(input: &[u8], limits: Limits) -> Result<Vec<Value>, DecodeError> {
    let mut values = Vec::new();
    let mut pos = 0;
    while let Some(rest) = input.get(pos..).filter(|r| !r.is_empty()) {
        let (value, used) = decode_prefix_with(rest, limits).map_err(|e| DecodeError {
            offset: e.offset + pos,
            kind: e.kind,
        })?;
        values.push(value);
        pos += used;
    }
    Ok(values)
}

struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    items: usize,
    limits: Limits,
}

/// An initial byte and its argument.
enum Head {
    /// Definite argument with the width it was written in.
    Arg(u64, Width),
    /// Additional information 31 (indefinite length or break).
    Indefinite,
}

impl Decoder<'_> {
    fn err(&self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
        let _ = self;
        DecodeError { offset, kind }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.input.len());
        match end.and_then(|end| self.input.get(self.pos..end).map(|s| (s, end))) {
            Some((slice, end)) => {
                self.pos = end;
                Ok(slice)
            }
            None => Err(DecodeError {
                offset: self.input.len(),
                kind: DecodeErrorKind::UnexpectedEnd,
            }),
        }
    }

    fn remaining(&self) -> usize {
        self.input.len().saturating_sub(self.pos)
    }

    fn count_item(&mut self, offset: usize) -> Result<(), DecodeError> {
        self.items += 1;
        if self.items > self.limits.max_items {
            return Err(self.err(offset, DecodeErrorKind::TooManyItems(self.limits.max_items)));
        }
        Ok(())
    }

    /// Reads an initial byte and its argument; returns (major type, head, offset).
    fn head(&mut self) -> Result<(u8, u8, Head, usize), DecodeError> {
        let start = self.pos;
        let ib = *self.take(1)?.first().unwrap_or(&0);
        let major = ib >> 5;
        let ai = ib & 0x1f;
        let head = match ai {
            0..=23 => Head::Arg(u64::from(ai), Width::Immediate),
            24 => Head::Arg(self.be::<1>()?, Width::U8),
            25 => Head::Arg(self.be::<2>()?, Width::U16),
            26 => Head::Arg(self.be::<4>()?, Width::U32),
            27 => Head::Arg(self.be::<8>()?, Width::U64),
            28..=30 => return Err(self.err(start, DecodeErrorKind::ReservedAdditionalInfo(ai))),
            _ => Head::Indefinite,
        };
        Ok((major, ai, head, start))
    }

    fn be<const N: usize>(&mut self) -> Result<u64, DecodeError> {
        let bytes = self.take(N)?;
        Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn length(&self, len: u64, offset: usize, min_item_size: usize) -> Result<usize, DecodeError> {
        usize::try_from(len)
            .ok()
            .filter(|&n| {
                n.checked_mul(min_item_size)
                    .is_some_and(|b| b <= self.remaining())
            })
            .ok_or_else(|| self.err(offset, DecodeErrorKind::LengthTooLarge(len)))
    }

    fn item(&mut self, depth: usize) -> Result<Value, DecodeError> {
        let (major, ai, head, start) = self.head()?;
        self.count_item(start)?;
        match (major, head) {
            (0, Head::Arg(value, width)) => Ok(Value::Unsigned { value, width }),
            (1, Head::Arg(arg, width)) => Ok(Value::Negative { arg, width }),
            (2, head) => {
                let (value, encoding) = self.string(2, head, start)?;
                Ok(Value::Bytes { value, encoding })
            }
            (3, head) => {
                let (bytes, encoding) = self.string(3, head, start)?;
                let value = String::from_utf8(bytes)
                    .map_err(|_| self.err(start, DecodeErrorKind::InvalidUtf8))?;
                Ok(Value::Text { value, encoding })
            }
            (4, head) => {
                let depth = self.enter(depth, start)?;
                match head {
                    Head::Arg(n, width) => {
                        let n = self.length(n, start, 1)?;
                        let mut items = Vec::with_capacity(n);
                        for _ in 0..n {
                            items.push(self.item(depth)?);
                        }
                        Ok(Value::Array {
                            items,
                            len: Len::Definite(width),
                        })
                    }
                    Head::Indefinite => {
                        let mut items = Vec::new();
                        while !self.at_break()? {
                            items.push(self.item(depth)?);
                        }
                        Ok(Value::Array {
                            items,
                            len: Len::Indefinite,
                        })
                    }
                }
            }
            (5, head) => {
                let depth = self.enter(depth, start)?;
                match head {
                    Head::Arg(n, width) => {
                        let n = self.length(n, start, 2)?;
                        let mut entries = Vec::with_capacity(n);
                        for _ in 0..n {
                            let key = self.item(depth)?;
                            let value = self.item(depth)?;
                            entries.push((key, value));
                        }
                        Ok(Value::Map {
                            entries,
                            len: Len::Definite(width),
                        })
                    }
                    Head::Indefinite => {
                        let mut entries = Vec::new();
                        while !self.at_break()? {
                            let key = self.item(depth)?;
                            let value = self.item(depth)?;
                            entries.push((key, value));
                        }
                        Ok(Value::Map {
                            entries,
                            len: Len::Indefinite,
                        })
                    }
                }
            }
            (6, Head::Arg(tag, width)) => {
                let depth = self.enter(depth, start)?;
                let item = Box::new(self.item(depth)?);
                Ok(Value::Tag { tag, width, item })
            }
            (7, Head::Arg(value, width)) => self.simple(ai, value, width, start),
            (major, _) => Err(self.err(start, DecodeErrorKind::IndefiniteNotAllowed(major))),
        }
    }

    fn enter(&self, depth: usize, offset: usize) -> Result<usize, DecodeError> {
        if depth >= self.limits.max_depth {
            Err(self.err(offset, DecodeErrorKind::TooDeep(self.limits.max_depth)))
        } else {
            Ok(depth + 1)
        }
    }

    /// Consumes a `break` byte if one is next.
    fn at_break(&mut self) -> Result<bool, DecodeError> {
        match self.input.get(self.pos) {
            Some(&BREAK) => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
            None => Err(self.err(self.input.len(), DecodeErrorKind::UnexpectedEnd)),
        }
    }

    fn string(
        &mut self,
        major: u8,
        head: Head,
        start: usize,
    ) -> Result<(Vec<u8>, StrEncoding), DecodeError> {
        match head {
            Head::Arg(n, width) => {
                let n = self.length(n, start, 1)?;
                Ok((self.take(n)?.to_vec(), StrEncoding::Definite(width)))
            }
            Head::Indefinite => {
                let mut content = Vec::new();
                let mut chunks = Vec::new();
                while !self.at_break()? {
                    let (chunk_major, _, chunk_head, chunk_start) = self.head()?;
                    self.count_item(chunk_start)?;
                    let Head::Arg(n, width) = chunk_head else {
                        return Err(self.err(chunk_start, DecodeErrorKind::BadChunk(major)));
                    };
                    if chunk_major != major {
                        return Err(self.err(chunk_start, DecodeErrorKind::BadChunk(major)));
                    }
                    let n = self.length(n, chunk_start, 1)?;
                    let bytes = self.take(n)?;
                    if major == 3 && std::str::from_utf8(bytes).is_err() {
                        return Err(self.err(chunk_start, DecodeErrorKind::InvalidUtf8));
                    }
                    content.extend_from_slice(bytes);
                    chunks.push(Chunk { len: n, width });
                }
                Ok((content, StrEncoding::Indefinite(chunks)))
            }
        }
    }

    fn simple(&self, ai: u8, value: u64, width: Width, start: usize) -> Result<Value, DecodeError> {
        match (ai, width) {
            (20, _) => Ok(Value::Bool(false)),
            (21, _) => Ok(Value::Bool(true)),
            (22, _) => Ok(Value::Null),
            (23, _) => Ok(Value::Undefined),
            (_, Width::Immediate) => {
                // 0..=19: `Simple::new` accepts them.
                Simple::new(ai)
                    .map(Value::Simple)
                    .ok_or_else(|| self.err(start, DecodeErrorKind::BadSimple(ai)))
            }
            (_, Width::U8) => {
                let v = u8::try_from(value).unwrap_or(0);
                if v < 32 {
                    Err(self.err(start, DecodeErrorKind::BadSimple(v)))
                } else {
                    Simple::new(v)
                        .map(Value::Simple)
                        .ok_or_else(|| self.err(start, DecodeErrorKind::BadSimple(v)))
                }
            }
            // The casts keep exactly the bits read: `value` came from 2, 4 or 8 bytes.
            (_, Width::U16) => Ok(Value::Float(Float::Half(value as u16))),
            (_, Width::U32) => Ok(Value::Float(Float::Single(value as u32))),
            (_, Width::U64) => Ok(Value::Float(Float::Double(value))),
        }
    }
}

/// Writes the item in RFC 8949 §8 diagnostic notation (with encoding indicators `_0`…`_3`
/// for non-preferred widths and `_` for indefinite lengths, as in RFC 8610 Appendix G).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn ind(width: Width, preferred: Width) -> &'static str {
            if width == preferred {
                return "";
            }
            match width {
                Width::Immediate => "",
                Width::U8 => "_0",
                Width::U16 => "_1",
                Width::U32 => "_2",
                Width::U64 => "_3",
            }
        }
        fn len_ind(len: Len, n: usize) -> &'static str {
            match len {
                Len::Indefinite => "_ ",
                Len::Definite(w) => match ind(w.at_least_for(n as u64), Width::preferred(n as u64))
                {
                    "" => "",
                    "_0" => "_0 ",
                    "_1" => "_1 ",
                    "_2" => "_2 ",
                    _ => "_3 ",
                },
            }
        }
        match self {
            Self::Unsigned { value, width } => {
                write!(
                    f,
                    "{value}{}",
                    ind(width.at_least_for(*value), Width::preferred(*value))
                )
            }
            Self::Negative { arg, width } => write!(
                f,
                "{}{}",
                -1 - i128::from(*arg),
                ind(width.at_least_for(*arg), Width::preferred(*arg))
            ),
            Self::Bytes { value, encoding } => {
                if matches!(encoding, StrEncoding::Indefinite(_)) {
                    f.write_str("(_ ")?;
                }
                f.write_str("h'")?;
                for b in value {
                    write!(f, "{b:02x}")?;
                }
                f.write_str("'")?;
                if matches!(encoding, StrEncoding::Indefinite(_)) {
                    f.write_str(")")?;
                }
                Ok(())
            }
            Self::Text { value, encoding } => {
                if matches!(encoding, StrEncoding::Indefinite(_)) {
                    f.write_str("(_ ")?;
                }
                write!(f, "{value:?}")?;
                if matches!(encoding, StrEncoding::Indefinite(_)) {
                    f.write_str(")")?;
                }
                Ok(())
            }
            Self::Array { items, len } => {
                write!(f, "[{}", len_ind(*len, items.len()))?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Self::Map { entries, len } => {
                write!(f, "{{{}", len_ind(*len, entries.len()))?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Self::Tag { tag, item, .. } => write!(f, "{tag}({item})"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Null => f.write_str("null"),
            Self::Undefined => f.write_str("undefined"),
            Self::Simple(s) => write!(f, "simple({})", s.0),
            Self::Float(x) => {
                let v = x.to_f64();
                let suffix = match x {
                    Float::Half(_) => "_1",
                    Float::Single(_) => "_2",
                    Float::Double(_) => "_3",
                };
                if v.is_nan() {
                    write!(f, "NaN{suffix}")
                } else if v.is_infinite() {
                    write!(f, "{}Infinity{suffix}", if v < 0.0 { "-" } else { "" })
                } else {
                    write!(f, "{v:?}{suffix}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn roundtrip(h: &str) -> Value {
        let bytes = hex(h);
        let value = decode(&bytes).unwrap();
        assert_eq!(value.encode(), bytes, "re-encoding {h}");
        value
    }

    #[test]
    fn rfc8949_appendix_a_examples_round_trip() {
        // A selection of RFC 8949 Appendix A, including non-preferred and indefinite forms.
        assert_eq!(roundtrip("00"), Value::uint(0));
        assert_eq!(roundtrip("17"), Value::uint(23));
        assert_eq!(roundtrip("1818"), Value::uint(24));
        assert_eq!(roundtrip("1903e8"), Value::uint(1000));
        assert_eq!(roundtrip("1a000f4240"), Value::uint(1_000_000));
        assert_eq!(roundtrip("1bffffffffffffffff"), Value::uint(u64::MAX));
        assert_eq!(roundtrip("20").as_int(), Some(-1));
        assert_eq!(roundtrip("3863").as_int(), Some(-100));
        assert_eq!(
            roundtrip("3bffffffffffffffff").as_int(),
            Some(-18_446_744_073_709_551_616)
        );
        assert_eq!(roundtrip("f90000"), Value::Float(Float::Half(0)));
        assert_eq!(Float::Half(0x3c00).to_f64(), 1.0);
        assert_eq!(Float::Half(0x7bff).to_f64(), 65504.0);
        assert_eq!(Float::Half(0x0001).to_f64(), 5.960_464_477_539_063e-8);
        assert!(Float::Half(0x7e00).to_f64().is_nan());
        assert_eq!(roundtrip("fb3ff199999999999a").to_string(), "1.1_3");
        assert_eq!(roundtrip("f4"), Value::Bool(false));
        assert_eq!(roundtrip("f6"), Value::Null);
        assert_eq!(roundtrip("f0"), Value::Simple(Simple::new(16).unwrap()));
        assert_eq!(roundtrip("f8ff"), Value::Simple(Simple::new(255).unwrap()));
        assert_eq!(
            roundtrip("c074323031332d30332d32315432303a30343a30305a").to_string(),
            "0(\"2013-03-21T20:04:00Z\")"
        );
        assert_eq!(roundtrip("4401020304"), Value::bytes(vec![1, 2, 3, 4]));
        assert_eq!(roundtrip("62c3bc"), Value::text("ü"));
        assert_eq!(
            roundtrip("826161a161626163").to_string(),
            "[\"a\", {\"b\": \"c\"}]"
        );
        assert_eq!(
            roundtrip("5f42010243030405ff").as_bytes(),
            Some(&[1, 2, 3, 4, 5][..])
        );
        assert_eq!(
            roundtrip("7f657374726561646d696e67ff").as_text(),
            Some("streaming")
        );
        assert_eq!(
            roundtrip("9f018202039f0405ffff").to_string(),
            "[_ 1, [2, 3], [_ 4, 5]]"
        );
        assert_eq!(
            roundtrip("bf61610161629f0203ffff").to_string(),
            "{_ \"a\": 1, \"b\": [_ 2, 3]}"
        );
        // Non-preferred widths survive.
        assert_eq!(roundtrip("1b0000000000000001").to_string(), "1_3");
        assert_eq!(roundtrip("9800").to_string(), "[_0 ]");
        assert_eq!(roundtrip("d8186100").to_string(), "24(\"\\0\")");
        assert!(!roundtrip("190001").is_preferred());
        assert!(roundtrip("a10102").is_preferred());
    }

    #[test]
    fn malformed_inputs_are_typed_errors_with_offsets() {
        let cases: &[(&str, usize, DecodeErrorKind)] = &[
            ("", 0, DecodeErrorKind::UnexpectedEnd),
            ("18", 1, DecodeErrorKind::UnexpectedEnd),
            ("1c", 0, DecodeErrorKind::ReservedAdditionalInfo(28)),
            ("821f00", 1, DecodeErrorKind::IndefiniteNotAllowed(0)),
            ("ff", 0, DecodeErrorKind::IndefiniteNotAllowed(7)),
            ("df00", 0, DecodeErrorKind::IndefiniteNotAllowed(6)),
            ("5f6161ff", 1, DecodeErrorKind::BadChunk(2)),
            ("7f7f6161ffff", 1, DecodeErrorKind::BadChunk(3)),
            ("62c328", 0, DecodeErrorKind::InvalidUtf8),
            ("7f61c3ff", 1, DecodeErrorKind::InvalidUtf8),
            ("f818", 0, DecodeErrorKind::BadSimple(24)),
            ("f801", 0, DecodeErrorKind::BadSimple(1)),
            (
                "5a7fffffff",
                0,
                DecodeErrorKind::LengthTooLarge(0x7fff_ffff),
            ),
            (
                "9b7fffffffffffffff",
                0,
                DecodeErrorKind::LengthTooLarge(0x7fff_ffff_ffff_ffff),
            ),
            ("a20102", 0, DecodeErrorKind::LengthTooLarge(2)),
            ("0000", 1, DecodeErrorKind::TrailingBytes(1)),
            ("9f01", 2, DecodeErrorKind::UnexpectedEnd),
        ];
        for (h, offset, kind) in cases {
            let err = decode(&hex(h)).unwrap_err();
            assert_eq!((err.offset, &err.kind), (*offset, kind), "input {h}");
        }
        assert_eq!(
            decode(&hex("62c328")).unwrap_err().to_string(),
            "text string is not valid utf-8 at byte 0"
        );
    }

    #[test]
    fn limits_are_enforced() {
        let deep = [0x81u8; 10]
            .iter()
            .copied()
            .chain([0x00])
            .collect::<Vec<_>>();
        assert!(decode_with(&deep, Limits::default().with_max_depth(11)).is_ok());
        let err = decode_with(&deep, Limits::default().with_max_depth(10)).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::TooDeep(10));
        assert_eq!(err.offset, 9);
        let err = decode_with(&hex("83010203"), Limits::default().with_max_items(3)).unwrap_err();
        assert_eq!(
            (err.offset, err.kind),
            (3, DecodeErrorKind::TooManyItems(3))
        );
        let err = decode_with(&hex("83010203"), Limits::default().with_max_input(3)).unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::InputTooLarge { len: 4, limit: 3 }
        );
        // A deeply nested input with the default limits fails cleanly, without overflowing
        // the stack.
        let very_deep = vec![0x81u8; 100_000];
        assert_eq!(
            decode(&very_deep).unwrap_err().kind,
            DecodeErrorKind::TooDeep(64)
        );
    }

    #[test]
    fn sequences_decode_item_by_item() {
        let values = decode_sequence(&hex("01a0 6161"), Limits::default()).unwrap();
        assert_eq!(
            values,
            vec![Value::uint(1), Value::map(vec![]), Value::text("a")]
        );
        let err = decode_sequence(&hex("01 18"), Limits::default()).unwrap_err();
        assert_eq!(err.offset, 2);
    }

    #[test]
    fn inconsistent_hints_still_encode_well_formed() {
        // A width too narrow for the value is widened.
        let v = Value::Unsigned {
            value: 1000,
            width: Width::Immediate,
        };
        assert_eq!(v.encode(), hex("1903e8"));
        // Chunks that do not add up become one chunk.
        let v = Value::Text {
            value: "abc".into(),
            encoding: StrEncoding::Indefinite(vec![Chunk {
                len: 1,
                width: Width::Immediate,
            }]),
        };
        assert_eq!(v.encode(), hex("7f63616263ff"));
        assert_eq!(decode(&v.encode()).unwrap().as_text(), Some("abc"));
        // A chunk boundary inside a character is not kept.
        let v = Value::Text {
            value: "ü".into(),
            encoding: StrEncoding::Indefinite(vec![
                Chunk {
                    len: 1,
                    width: Width::Immediate,
                },
                Chunk {
                    len: 1,
                    width: Width::Immediate,
                },
            ]),
        };
        assert_eq!(v.encode(), hex("7f62c3bcff"));
        assert_eq!(Value::int(i64::MIN).as_int(), Some(i128::from(i64::MIN)));
        assert_eq!(Value::int(-1).encode(), hex("20"));
        assert!(Simple::new(22).is_none());
        assert!(Simple::new(31).is_none());
    }
}
