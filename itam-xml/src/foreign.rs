//! Preserved content: what a document holds that a format crate's model has no field for,
//! kept to be written back — one tree for both crates (`itam_swid::ForeignElement` /
//! `ForeignNode`, `itam_ent::xml::XmlElement` / `XmlNode` are these types).

use serde::{Deserialize, Serialize};

use crate::name::{NamespaceDecl, QName, XMLDSIG_NAMESPACE};

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

/// An element a model has no type for (an extension, `ds:Signature`), with its whole subtree.
///
/// **Namespace declarations.** `namespaces` lists the declarations to write on the element, in
/// order. The SWID reader makes each foreign subtree *self-contained*: the declarations it
/// relies on that were made on an ancestor (typically `xmlns:ds` on `SoftwareIdentity`) are
/// added to the subtree root's list, so the subtree can be moved and written on its own. The
/// Ent reader leaves the list empty. Both writers write the declarations listed and add any
/// binding a name needs that is not in scope.
///
/// **Text** is kept exactly, whitespace included, so an enveloped `ds:Signature` keeps its
/// canonical form (XML-DSig c14n keeps whitespace text nodes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Element {
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
    pub children: Vec<Node>,
}

impl Element {
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
        self.children.iter().filter_map(Node::as_element)
    }

    /// The concatenated text of the element's direct text children.
    #[must_use]
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|child| match child {
                Node::Text(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Whether this is an XML-DSig `Signature` element.
    #[must_use]
    pub fn is_signature(&self) -> bool {
        self.name.is(Some(XMLDSIG_NAMESPACE), "Signature")
    }
}

/// A node of preserved content.
///
/// The JSON form of a processing instruction is `{"processing_instruction": {"target": …,
/// "value": …}}`; the form the Ent crate wrote before the two trees became one (`{"pi":
/// {"target": …, "data": …}}`) is read too.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Node {
    /// An element with its subtree.
    Element(Element),
    /// Character data, exactly as read (CDATA sections become text).
    Text(String),
    /// A comment's content.
    Comment(String),
    /// A processing instruction (`<?target value?>`).
    #[serde(alias = "pi")]
    ProcessingInstruction {
        /// The target.
        target: String,
        /// What follows the target and its white space, if anything.
        #[serde(default, alias = "data", skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
}

impl Node {
    /// The element, if this node is one.
    #[must_use]
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Self::Element(element) => Some(element),
            _ => None,
        }
    }
}

impl From<Element> for Node {
    fn from(element: Element) -> Self {
        Self::Element(element)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_processing_instruction_reads_in_both_json_forms() {
        let pi = Node::ProcessingInstruction {
            target: "t".to_owned(),
            value: Some("d".to_owned()),
        };
        let json = serde_json::to_string(&pi).unwrap();
        assert_eq!(
            json,
            r#"{"processing_instruction":{"target":"t","value":"d"}}"#
        );
        let old: Node = serde_json::from_str(r#"{"pi":{"target":"t","data":"d"}}"#).unwrap();
        assert_eq!(old, pi);
        let element = Element::new(QName::local("x"));
        assert_eq!(
            serde_json::to_string(&element).unwrap(),
            r#"{"name":{"local":"x"}}"#
        );
    }
}
