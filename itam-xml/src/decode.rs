//! Bytes to text: the encodings every XML processor reads (XML 1.0 §4.3.3: UTF-8 and UTF-16),
//! told apart as XML 1.0 Appendix F describes.
//!
//! [`Encoding::sniff`] reads a byte-order mark (UTF-8 `EF BB BF`, UTF-16 `FF FE` / `FE FF`);
//! without one, a document whose first character (after white space) is `<` encoded as one
//! UTF-16 code unit (`3C 00` little-endian, `00 3C` big-endian) is UTF-16 too; anything else
//! is UTF-8. [`decode_text`] decodes accordingly, borrowing UTF-8 input.

use std::borrow::Cow;
use std::fmt;

use itam_core::TextPos;

use crate::pos::LineIndex;

/// The text encodings [`decode_text`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8, with or without the byte-order mark `EF BB BF`.
    Utf8,
    /// UTF-16 little-endian: after the byte-order mark `FF FE`, or starting `3C 00` (`<`).
    Utf16Le,
    /// UTF-16 big-endian: after the byte-order mark `FE FF`, or starting `00 3C` (`<`).
    Utf16Be,
}

impl Encoding {
    /// The encoding's name, lowercase (`utf-8`, `utf-16le`, `utf-16be`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Utf16Le => "utf-16le",
            Self::Utf16Be => "utf-16be",
        }
    }

    /// The encoding of `bytes` and the length of its byte-order mark (0 without one): the
    /// mark decides; without one, UTF-16 when the first non-blank character is a `<` in
    /// UTF-16; else UTF-8.
    ///
    /// ```
    /// use itam_xml::decode::Encoding;
    ///
    /// assert_eq!(Encoding::sniff(b"\xFF\xFE<\0"), (Encoding::Utf16Le, 2));
    /// assert_eq!(Encoding::sniff(b"\0 \0<\0a"), (Encoding::Utf16Be, 0));
    /// assert_eq!(Encoding::sniff(b"\xEF\xBB\xBF<a/>"), (Encoding::Utf8, 3));
    /// assert_eq!(Encoding::sniff(b"<a/>"), (Encoding::Utf8, 0));
    /// ```
    #[must_use]
    pub fn sniff(bytes: &[u8]) -> (Self, usize) {
        match bytes {
            [0xEF, 0xBB, 0xBF, ..] => (Self::Utf8, 3),
            [0xFF, 0xFE, ..] => (Self::Utf16Le, 2),
            [0xFE, 0xFF, ..] => (Self::Utf16Be, 2),
            _ => {
                let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
                let units = bytes.chunks_exact(2);
                // The first code unit that is not white space, in each byte order.
                let mut le = units
                    .clone()
                    .skip_while(|u| matches!(u, [b, 0] if blank(*b)));
                let mut be = units.skip_while(|u| matches!(u, [0, b] if blank(*b)));
                if le.next() == Some(&[b'<', 0][..]) {
                    (Self::Utf16Le, 0)
                } else if be.next() == Some(&[0, b'<'][..]) {
                    (Self::Utf16Be, 0)
                } else {
                    (Self::Utf8, 0)
                }
            }
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bytes that are not text in the encoding [`Encoding::sniff`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not valid {encoding} at byte {offset} (after {pos})")]
pub struct DecodeError {
    /// The encoding the bytes were read as.
    pub encoding: Encoding,
    /// The offset of the first byte that does not decode, in the input (byte-order mark
    /// included).
    pub offset: usize,
    /// The line and column just after the last character that decoded.
    pub pos: TextPos,
}

/// Decodes an input's bytes to text in the encoding [`Encoding::sniff`] finds (the
/// byte-order mark is not part of the text). UTF-8 input is borrowed, UTF-16 decoded into a
/// new string.
///
/// ```
/// use itam_xml::decode::decode_text;
///
/// let be: Vec<u8> = "<a>é</a>".encode_utf16().flat_map(u16::to_be_bytes).collect();
/// assert_eq!(decode_text(&be).as_deref(), Ok("<a>é</a>"));
/// ```
///
/// # Errors
/// [`DecodeError`] at the first byte that does not decode (an invalid UTF-8 sequence, an
/// unpaired UTF-16 surrogate, or a last UTF-16 code unit cut in half).
pub fn decode_text(input: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    let (encoding, mark) = Encoding::sniff(input);
    let body = input.get(mark..).unwrap_or_default();
    let error = |valid: &str, offset: usize| DecodeError {
        encoding,
        offset: mark + offset,
        pos: LineIndex::new(valid).pos(valid.len()),
    };
    let big_endian = match encoding {
        Encoding::Utf16Be => true,
        Encoding::Utf16Le => false,
        Encoding::Utf8 => {
            return std::str::from_utf8(body).map(Cow::Borrowed).map_err(|e| {
                let valid = body.get(..e.valid_up_to()).unwrap_or_default();
                error(std::str::from_utf8(valid).unwrap_or(""), e.valid_up_to())
            });
        }
    };
    let units = body.chunks_exact(2).map(|pair| match *pair {
        [a, b] if big_endian => u16::from_be_bytes([a, b]),
        [a, b] => u16::from_le_bytes([a, b]),
        _ => 0,
    });
    let mut text = String::with_capacity(body.len() / 2);
    // Bytes decoded so far: where an error is.
    let mut offset = 0;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => {
                text.push(c);
                offset += 2 * c.len_utf16();
            }
            Err(_) => return Err(error(&text, offset)),
        }
    }
    if offset != body.len() {
        return Err(error(&text, offset));
    }
    Ok(Cow::Owned(text))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf16_without_a_mark_is_told_from_its_first_character() {
        let text = "\r\n <?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<a>😀</a>";
        for (big_endian, encoding) in [(false, Encoding::Utf16Le), (true, Encoding::Utf16Be)] {
            let bytes = utf16(text, big_endian);
            assert_eq!(Encoding::sniff(&bytes), (encoding, 0));
            assert_eq!(decode_text(&bytes).unwrap(), text);
            // Cut in half: the error says where, in the input.
            let cut = bytes.get(..bytes.len() - 1).unwrap();
            let err = decode_text(cut).unwrap_err();
            assert_eq!((err.encoding, err.offset), (encoding, bytes.len() - 2));
        }
        // Not UTF-16: a NUL after something else, CBOR, plain UTF-8.
        for bytes in [&b"a\0<\0"[..], b"\xa2\x00\x3c", b" <a/>", b"\0", b""] {
            assert_eq!(Encoding::sniff(bytes).0, Encoding::Utf8, "{bytes:?}");
        }
    }
}
