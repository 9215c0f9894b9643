//! Content from outside the SWID schema, kept verbatim: attributes and elements of other
//! namespaces (`ds:Signature`, vendor extensions), unknown attributes without a namespace,
//! comments, processing instructions and text inside SWID elements.

use serde::{Deserialize, Serialize};

/// An expanded XML name plus the prefix the document used for it.
///
/// The namespace and local name identify the name; the prefix is kept so that a written tag
/// looks like the original. The writer uses it unless it is reserved for one of the writer's
/// fixed prefixes or already bound to another namespace in scope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QName {
    /// Namespace URI (`None`: no namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The prefix as written (`None`: unprefixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The local name.
    pub local: String,
}

impl QName {
    /// A name in no namespace, unprefixed.
    pub fn local(local: impl Into<String>) -> Self {
        Self {
            namespace: None,
            prefix: None,
            local: local.into(),
        }
    }

    /// A name in a namespace, with a prefix (`None` for a default-namespace element).
    pub fn qualified(
        namespace: impl Into<String>,
        prefix: Option<&str>,
        local: impl Into<String>,
    ) -> Self {
        Self {
            namespace: Some(namespace.into()),
            prefix: prefix.map(str::to_owned),
            local: local.into(),
        }
    }

    /// Whether the name is `{namespace}local`.
    #[must_use]
    pub fn is(&self, namespace: Option<&str>, local: &str) -> bool {
        self.namespace.as_deref() == namespace && self.local == local
    }

    /// Clark notation: `{namespace}local`, or `local` without a namespace. Used in
    /// [`SourceMap`](crate::SourceMap) paths for foreign content (as `{}local` there, so
    /// that foreign no-namespace names never look like SWID element names).
    #[must_use]
    pub fn clark(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{{{ns}}}{}", self.local),
            None => self.local.clone(),
        }
    }
}

/// An attribute that the SWID model has no field for, kept with its exact value.
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

/// A namespace declaration (`xmlns:prefix="uri"`, or `xmlns="uri"` when `prefix` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NamespaceDecl {
    /// The declared prefix; `None` declares the default namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The namespace URI (empty only for `xmlns=""`, which undeclares the default).
    pub uri: String,
}

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
