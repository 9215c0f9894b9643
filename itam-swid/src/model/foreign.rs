//! Content from outside the SWID schema, kept verbatim: attributes and elements of other
//! namespaces (`ds:Signature`, vendor extensions), unknown attributes without a namespace,
//! comments, processing instructions and text inside SWID elements.

use serde::{Deserialize, Serialize};

/// An expanded XML name plus the prefix the document used for it (the one type of
/// [`itam_xml::name::QName`], shared with `itam-ent`). In
/// [`SourceMap`](crate::SourceMap) paths, foreign no-namespace names are written `{}local`,
/// so that they never look like SWID element names.
pub use itam_xml::name::QName;

/// A namespace declaration ([`itam_xml::name::NamespaceDecl`]).
pub use itam_xml::name::NamespaceDecl;

/// An attribute that the SWID model has no field for ([`itam_xml::foreign::Attribute`]).
pub use itam_xml::foreign::Attribute;

/// An element from outside the SWID schema, with its whole subtree (an owned XML tree).
///
/// **Namespace declarations.** `namespaces` lists the declarations written on the element, in
/// document order. The reader makes each foreign subtree *self-contained*: declarations the
/// subtree relies on but that were made on a SWID ancestor (typically `xmlns:ds` on
/// `SoftwareIdentity`) are appended to the subtree root's list, so the subtree can be moved
/// and written on its own. The writer emits the declarations as listed and adds any binding
/// that a hand-built subtree lacks.
///
/// **Text** is kept exactly, whitespace included, so an enveloped `ds:Signature` keeps its
/// canonical form (XML-DSig c14n keeps whitespace text nodes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ForeignElement {
    /// The element's name.
    pub name: QName,
    /// Namespace declarations written on the element (see the type's docs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<NamespaceDecl>,
    /// Attributes in document order (namespace declarations excluded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Child nodes in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ForeignNode>,
}

impl ForeignElement {
    /// An empty element.
    #[must_use]
    pub fn new(name: QName) -> Self {
        Self {
            name,
            namespaces: Vec::new(),
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The value of the attribute `{namespace}local`.
    #[must_use]
    pub fn attribute(&self, namespace: Option<&str>, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name.is(namespace, local))
            .map(|a| a.value.as_str())
    }

    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Self> {
        self.children.iter().filter_map(|child| match child {
            ForeignNode::Element(element) => Some(element),
            _ => None,
        })
    }

    /// The concatenated text of the element's direct text children.
    #[must_use]
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|child| match child {
                ForeignNode::Text(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Whether this is an XML-DSig `Signature` element.
    #[must_use]
    pub fn is_signature(&self) -> bool {
        self.name.is(Some(crate::ns::XMLDSIG), "Signature")
    }
}

/// A node of foreign content, or a non-element node inside a SWID element.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ForeignNode {
    /// An element with its subtree.
    Element(ForeignElement),
    /// Character data, exactly as read (CDATA sections become text).
    Text(String),
    /// A comment's content.
    Comment(String),
    /// A processing instruction.
    ProcessingInstruction {
        /// The target.
        target: String,
        /// The content after the target, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
}

impl ForeignNode {
    /// The element, if this node is one.
    #[must_use]
    pub fn as_element(&self) -> Option<&ForeignElement> {
        match self {
            Self::Element(element) => Some(element),
            _ => None,
        }
    }
}

impl From<ForeignElement> for ForeignNode {
    fn from(element: ForeignElement) -> Self {
        Self::Element(element)
    }
}
