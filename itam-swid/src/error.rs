//! Errors of the reader and the writer.

use itam_core::TextPos;
use itam_xml::XmlError;
use thiserror::Error;

/// Why no model could be built from the input (DESIGN §3: not XML, wrong root, a required
/// attribute missing in strict mode, a limit exceeded). Everything readable is reported as a
/// finding instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not XML the reader accepts, or beyond a [`Limits`](crate::read::Limits) bound: the
    /// kinds both format crates share ([`XmlError`]; the same as `itam_ent::ParseError::Xml`).
    #[error(transparent)]
    Xml(#[from] XmlError),
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
    /// A multi-tag input holds no `SoftwareIdentity` at all.
    #[error("no swid `SoftwareIdentity` element found")]
    NoTag,
}

impl ParseError {
    /// The line and column, when the error has one.
    #[must_use]
    pub fn pos(&self) -> Option<TextPos> {
        match self {
            Self::Xml(e) => e.pos(),
            Self::WrongRoot { pos, .. }
            | Self::Iso2009 { pos, .. }
            | Self::NotIso2015 { pos, .. }
            | Self::MissingAttribute { pos, .. } => Some(*pos),
            Self::NoTag => None,
        }
    }
}

/// Why a model could not be written as well-formed XML ([`itam_xml::WriteError`], the one
/// write error of both format crates).
pub use itam_xml::WriteError;
