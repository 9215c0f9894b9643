//! Preserved content: what a document holds that a format crate's model has no field for,
//! kept to be written back.
//!
//! Today the attribute ([`Attribute`]) is shared; the element trees are still each crate's
//! (`itam_swid::ForeignElement` keeps namespace declarations and processing instructions,
//! `itam_ent::xml::XmlElement` does not), see DESIGN.md §2.

use serde::{Deserialize, Serialize};

use crate::name::QName;

/// An attribute a model has no field for, kept with its exact value
/// (`itam_swid::Attribute`, `itam_ent::xml::XmlAttribute`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Attribute {
    /// The attribute's name.
    pub name: QName,
    /// The value exactly as the document gave it (after XML entity and character reference
    /// decoding, which is all an XML parser may report).
    pub value: String,
}

impl Attribute {
    /// An attribute from a name and a value.
    pub fn new(name: QName, value: impl Into<String>) -> Self {
        Self {
            name,
            value: value.into(),
        }
    }
}
