//! Content the model does not know, kept as a small XML tree so it is written back unchanged:
//! attributes in other namespaces, extension elements, `ds:Signature`, comments, stray text.
//!
//! The names and attributes are `itam-xml`'s, shared with `itam-swid`; no XML library's type
//! appears in a public signature.

use serde::{Deserialize, Serialize};

/// A qualified name: namespace URI, the prefix the document used, and the local name (the
/// one type of [`itam_xml::name::QName`], shared with `itam-swid`).
pub use itam_xml::name::QName;

/// A namespace declaration on preserved content ([`itam_xml::name::NamespaceDecl`]).
pub use itam_xml::name::NamespaceDecl;

/// An attribute the model has no field for ([`itam_xml::foreign::Attribute`], shared with
/// `itam-swid`).
pub use itam_xml::foreign::Attribute as XmlAttribute;

/// An element the model has no type for (an extension, `ds:Signature`), with all its content
/// ([`itam_xml::foreign::Element`], the one tree of both format crates; its `namespaces` are
/// empty when read, and written when a caller sets them).
pub use itam_xml::foreign::Element as XmlElement;

/// A node of unknown content ([`itam_xml::foreign::Node`]): an element, text (inside known
/// elements only non-blank text is kept; inside unknown elements all text is kept as it is),
/// a comment, or a processing instruction.
pub use itam_xml::foreign::Node as XmlNode;

/// Unknown content found among a known element's children, with where it stood.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Extension {
    /// How many known child elements came before it in its parent. The canonical writer puts it
    /// back after that many known children, so content that stood after all known children
    /// (an enveloped `ds:Signature`) stays last.
    pub position: usize,
    /// The content.
    pub node: XmlNode,
}

impl Extension {
    /// An extension element placed after `position` known children.
    #[must_use]
    pub fn element(position: usize, element: XmlElement) -> Self {
        Self {
            position,
            node: XmlNode::Element(element),
        }
    }
}

/// What every Ent element shares (19770-2's `BaseElement`): `xml:lang`, attributes in other
/// namespaces, and unknown child content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct BaseElement {
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Attributes the model has no field for (other namespaces, or values a lax read could not
    /// type), in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<XmlAttribute>,
    /// Unknown child content, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

impl BaseElement {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lang.is_none() && self.attributes.is_empty() && self.extensions.is_empty()
    }
}
