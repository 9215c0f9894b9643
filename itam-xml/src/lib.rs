//! The XML layer the itam format crates share (`itam-swid` for ISO/IEC 19770-2 tags,
//! `itam-ent` for ISO/IEC 19770-3 entitlements), so that both read and report the same way.
//!
//! - [`pos`]: byte offsets to lines and columns, built once per input ([`pos::LineIndex`]).
//! - [`decode`]: bytes to text (UTF-8, UTF-16 with or without a byte-order mark).
//! - [`name`]: [`name::QName`], [`name::NamespaceDecl`] and the XML `Name` / `NCName` checks
//!   readers and writers share.
//! - [`foreign`]: preserved content, one tree for both crates ([`foreign::Element`],
//!   [`foreign::Node`], [`foreign::Attribute`]).
//! - [`limits`]: limits checked on the raw text before a parser builds anything
//!   ([`limits::check_attribute_count`]).
//! - [`error`]: [`XmlError`], the parse-error kinds both readers share; [`mod@write`]:
//!   escaping, the markup checks and [`WriteError`], shared by both writers.
//! - [`parsed`]: [`Parsed`], what both readers return.
//! - [`vocab`]: [`open_vocab!`], the open vocabularies of both models.
//!
//! ```
//! use itam_xml::pos::LineIndex;
//!
//! let text = "<Ent>\n  <Right/>\n</Ent>";
//! let index = LineIndex::new(text);
//! let right = text.find("<Right").unwrap_or(0);
//! assert_eq!(index.pos(right).to_string(), "2:3");
//! ```
#![deny(missing_docs)]

pub use itam_core::TextPos;

pub mod decode;
pub mod error;
pub mod foreign;
pub mod limits;
pub mod name;
pub mod parsed;
pub mod pos;
pub mod vocab;
pub mod write;

pub use error::XmlError;
pub use parsed::Parsed;
pub use write::WriteError;

/// What [`open_vocab!`] expands to refers to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
