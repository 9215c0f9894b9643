//! Errors of the reader and the writer.

use itam_core::TextPos;
use thiserror::Error;

/// Why no model could be built from the input (DESIGN §3: not XML, wrong root, a required
/// attribute missing in strict mode, a limit exceeded). Everything readable is reported as a
/// finding instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is not well-formed XML.
    #[error("not well-formed xml at {pos}: {message}")]
    Xml {
        /// What the XML parser said.
        message: String,
        /// Where.
        pos: TextPos,
    },
    /// A name the writer could not write back: a processing-instruction target with a colon
    /// (Namespaces in XML §7) or `xml`. Refused on read so that what is read can be written.
    #[error("{what} `{name}` is not a valid xml name here (at {pos})")]
    InvalidName {
        /// What carries the name (`processing instruction target`).
        what: &'static str,
        /// The name.
        name: String,
        /// Where.
        pos: TextPos,
    },
    /// The input has a document type declaration; DTDs are refused, so no entity is expanded.
    #[error("document type declarations are not allowed (at {pos})")]
    Dtd {
        /// Where.
        pos: TextPos,
    },
    /// The input is larger than [`Limits::max_bytes`](crate::read::Limits::max_bytes).
    #[error("input is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The input's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Elements are nested deeper than [`Limits::max_depth`](crate::read::Limits::max_depth).
    #[error("elements nested deeper than {limit} levels at {pos}")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// The first element past the limit.
        pos: TextPos,
    },
    /// More XML nodes than [`Limits::max_nodes`](crate::read::Limits::max_nodes).
    #[error("more than {limit} xml nodes")]
    TooManyNodes {
        /// The limit.
        limit: usize,
    },
    /// An element has more attributes than
    /// [`Limits::max_attributes`](crate::read::Limits::max_attributes).
    #[error("element at {pos} has {count} attributes, more than the limit of {limit}")]
    TooManyAttributes {
        /// How many it has.
        count: usize,
        /// The limit.
        limit: usize,
        /// Where the element starts.
        pos: TextPos,
    },
    /// The root element is not a SWID `SoftwareIdentity`.
    #[error("root element is `{found}`, not a swid `SoftwareIdentity` (at {pos})")]
    WrongRoot {
        /// The root's name in Clark notation.
        found: String,
        /// Where.
        pos: TextPos,
    },
    /// An ISO/IEC 19770-2:2009 (or 2008) tag. These are refused: the 2009 schema is
    /// element-based and maps to the 2015 model only partly (see the crate docs).
    #[error(
        "iso/iec 19770-2:2009 tag (`{namespace}`) at {pos}: 2009 tags are not read, convert them to the 2015 schema"
    )]
    Iso2009 {
        /// The namespace found.
        namespace: String,
        /// Where the root starts.
        pos: TextPos,
    },
    /// In strict mode, the root's namespace is not the 2015 one (a draft, or none).
    #[error("namespace `{namespace}` is not iso/iec 19770-2:2015 (strict mode) at {pos}")]
    NotIso2015 {
        /// The namespace found (empty for none).
        namespace: String,
        /// Where.
        pos: TextPos,
    },
    /// In strict mode, a required attribute is missing.
    #[error("`{path}` is required but missing (at {pos})")]
    MissingAttribute {
        /// The attribute's path (`/SoftwareIdentity/Entity[1]/@role`).
        path: String,
        /// Where its element starts.
        pos: TextPos,
    },
    /// The input's bytes are not text in the encoding its byte-order mark names (UTF-8
    /// without one); see [`decode_text`](crate::read::decode_text).
    #[error("not valid {encoding} at byte {offset} (after {pos})")]
    Encoding {
        /// The encoding the bytes were read as.
        encoding: crate::read::Encoding,
        /// The offset of the first byte that does not decode, in the input (byte-order
        /// mark included).
        offset: usize,
        /// The line and column just after the last character that decoded.
        pos: TextPos,
    },
    /// A multi-tag input holds no `SoftwareIdentity` at all.
    #[error("no swid `SoftwareIdentity` element found")]
    NoTag,
}

impl ParseError {
    /// The line and column, when the error has one.
    #[must_use]
    pub fn pos(&self) -> Option<TextPos> {
        match self {
            Self::Xml { pos, .. }
            | Self::Dtd { pos }
            | Self::InvalidName { pos, .. }
            | Self::TooDeep { pos, .. }
            | Self::TooManyAttributes { pos, .. }
            | Self::WrongRoot { pos, .. }
            | Self::Iso2009 { pos, .. }
            | Self::NotIso2015 { pos, .. }
            | Self::MissingAttribute { pos, .. }
            | Self::Encoding { pos, .. } => Some(*pos),
            Self::TooLarge { .. } | Self::TooManyNodes { .. } | Self::NoTag => None,
        }
    }
}

/// Why a model could not be written as well-formed XML.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A value holds a character XML 1.0 cannot represent (such as NUL).
    #[error("`{path}` holds a character xml cannot represent (U+{code:04X})")]
    InvalidChar {
        /// Path of the element or attribute.
        path: String,
        /// The character's code point.
        code: u32,
    },
    /// A foreign element, attribute or prefix name is not a valid XML name.
    #[error("`{name}` at `{path}` is not a valid xml name")]
    InvalidName {
        /// The name.
        name: String,
        /// Path of the element.
        path: String,
    },
    /// A comment or processing instruction cannot be written as given (`--` in a comment,
    /// `?>` in a PI, a PI target `xml`).
    #[error("{what} at `{path}` cannot be written as xml")]
    InvalidMarkup {
        /// What it is.
        what: &'static str,
        /// Path of the parent element.
        path: String,
    },
    /// The XML writer failed.
    #[error("xml writer failed: {0}")]
    Writer(String),
}
