//! Content the model does not know, kept as a small XML tree so it is written back unchanged:
//! attributes in other namespaces, extension elements, `ds:Signature`, comments, stray text.
//!
//! These types belong to this crate; no XML library's type appears in a public signature.

use serde::{Deserialize, Serialize};

/// A qualified name: namespace URI, the prefix the document used, and the local name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QName {
    /// The namespace URI, `None` for no namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The prefix written in the document (`ds` in `ds:Signature`), `None` for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The local name.
    pub local: String,
}

impl QName {
    /// A name in no namespace.
    pub fn local(local: impl Into<String>) -> Self {
        Self {
            namespace: None,
            prefix: None,
            local: local.into(),
        }
    }

    /// A name in a namespace, written with a prefix.
    pub fn prefixed(
        namespace: impl Into<String>,
        prefix: impl Into<String>,
        local: impl Into<String>,
    ) -> Self {
        Self {
            namespace: Some(namespace.into()),
            prefix: Some(prefix.into()),
            local: local.into(),
        }
    }

    /// `prefix:local` or `local`.
    #[must_use]
    pub fn qualified(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.clone(),
        }
    }
}

/// An attribute the model has no field for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct XmlAttribute {
    /// Its name.
    pub name: QName,
    /// Its value, unescaped.
    pub value: String,
}

impl XmlAttribute {
    /// An attribute from its name and value.
    pub fn new(name: QName, value: impl Into<String>) -> Self {
        Self {
            name,
            value: value.into(),
        }
    }
}

/// An element the model has no type for (an extension, `ds:Signature`), with all its content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct XmlElement {
    /// Its name.
    pub name: QName,
    /// Its attributes, in document order (namespace declarations excluded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<XmlAttribute>,
    /// Its content, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<XmlNode>,
}

/// A node of unknown content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum XmlNode {
    /// An element.
    Element(XmlElement),
    /// Text (unescaped). Inside known elements only non-blank text is kept; inside unknown
    /// elements all text is kept as it is.
    Text(String),
    /// A comment's text.
    Comment(String),
}

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
