//! [`XmlError`]: why an input is not an XML document a reader will build a model from, in the
//! kinds both format crates share. Each crate's `ParseError` wraps it
//! (`ParseError::Xml(XmlError)`) beside the kinds of its own format (wrong root, a missing
//! required attribute in strict mode…), so a caller matches the XML kinds the same way for
//! SWID tags and Ents.

use itam_core::TextPos;

use crate::decode::{DecodeError, Encoding};

/// Why the input is not XML the readers accept, or is beyond a limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// The bytes are not text in the encoding the input's start names (see
    /// [`decode_text`](crate::decode::decode_text)).
    #[error("not valid {encoding} at byte {offset} (after {pos})")]
    Encoding {
        /// The encoding the bytes were read as.
        encoding: Encoding,
        /// The offset of the first byte that does not decode, in the input (byte-order mark
        /// included).
        offset: usize,
        /// The line and column just after the last character that decoded.
        pos: TextPos,
    },
    /// The text is not well-formed XML.
    #[error("not well-formed xml at {pos}: {message}")]
    NotWellFormed {
        /// What the XML parser said.
        message: String,
        /// Where.
        pos: TextPos,
    },
    /// The input has a document type declaration; DTDs are refused, so no entity is ever
    /// expanded.
    #[error("document type declarations are not allowed (at {pos})")]
    Dtd {
        /// Where the declaration starts.
        pos: TextPos,
    },
    /// A name XML 1.0 accepts but a namespace-well-formed document may not carry, so the
    /// writers could not write it back: a processing-instruction target with a colon
    /// (Namespaces in XML §7). Refused on read so that what is read can be written.
    #[error("{what} `{name}` is not a valid xml name here (at {pos})")]
    InvalidName {
        /// What carries the name (`processing instruction target`).
        what: &'static str,
        /// The name.
        name: String,
        /// Where.
        pos: TextPos,
    },
    /// The input is larger than the reader's byte limit.
    #[error("input is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The input's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Elements are nested deeper than the reader's depth limit.
    #[error("elements nested deeper than {limit} levels at {pos}")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// The first element past the limit.
        pos: TextPos,
    },
    /// More XML nodes than the reader's node limit.
    #[error("more than {limit} xml nodes")]
    TooManyNodes {
        /// The limit.
        limit: usize,
    },
    /// An element has more attributes than the reader's attribute limit.
    #[error("element at {pos} has {count} attributes, more than the limit of {limit}")]
    TooManyAttributes {
        /// How many it has.
        count: usize,
        /// The limit.
        limit: usize,
        /// Where the element starts.
        pos: TextPos,
    },
}

impl XmlError {
    /// The line and column, when the error has one.
    #[must_use]
    pub fn pos(&self) -> Option<TextPos> {
        match self {
            Self::Encoding { pos, .. }
            | Self::NotWellFormed { pos, .. }
            | Self::Dtd { pos }
            | Self::InvalidName { pos, .. }
            | Self::TooDeep { pos, .. }
            | Self::TooManyAttributes { pos, .. } => Some(*pos),
            Self::TooLarge { .. } | Self::TooManyNodes { .. } => None,
        }
    }
}

impl From<DecodeError> for XmlError {
    fn from(e: DecodeError) -> Self {
        Self::Encoding {
            encoding: e.encoding,
            offset: e.offset,
            pos: e.pos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_and_where() {
        let pos = TextPos { line: 3, col: 7 };
        let e = XmlError::TooManyAttributes {
            count: 300,
            limit: 256,
            pos,
        };
        assert_eq!(
            e.to_string(),
            "element at 3:7 has 300 attributes, more than the limit of 256"
        );
        assert_eq!(e.pos(), Some(pos));
        assert_eq!(XmlError::TooManyNodes { limit: 9 }.pos(), None);
        let decoded = crate::decode::decode_text(b"<a>\xff</a>").unwrap_err();
        let e = XmlError::from(decoded);
        assert_eq!(e.to_string(), "not valid utf-8 at byte 3 (after 1:4)");
    }
}
