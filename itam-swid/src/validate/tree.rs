//! The document as the validator sees it: a plain element tree with namespaces and positions.
//!
//! Schema rules are about XML (which attributes an element carries, in which namespace, with
//! what lexical form), so the validator works on this neutral tree rather than on a typed
//! model, the way an XSD or a Schematron works on the document itself. A tree is built either
//! from XML text ([`Element::parse`]) or from a typed tag.

use std::borrow::Cow;

use itam_core::diag::TextPos;

/// Largest document [`Element::parse`] accepts, in bytes (64 MiB).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Deepest element nesting [`Element::parse`] accepts.
pub const MAX_DEPTH: usize = 256;
/// Most XML nodes (elements, attributes, text) [`Element::parse`] accepts.
pub const MAX_NODES: u32 = 4_000_000;

/// An attribute: namespace (none for an unqualified attribute), local name, value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The namespace URI, `None` for an unqualified attribute.
    pub namespace: Option<Cow<'a, str>>,
    /// The local name.
    pub name: Cow<'a, str>,
    /// The value, after XML attribute-value normalisation.
    pub value: Cow<'a, str>,
    /// Where the attribute starts in the source text, when known.
    pub pos: Option<TextPos>,
}

impl<'a> Attribute<'a> {
    /// An unqualified attribute without a position.
    pub fn new(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        Self {
            namespace: None,
            name: name.into(),
            value: value.into(),
            pos: None,
        }
    }

    /// A namespace-qualified attribute without a position.
    pub fn qualified(
        namespace: impl Into<Cow<'a, str>>,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'a, str>>,
    ) -> Self {
        Self {
            namespace: Some(namespace.into()),
            ..Self::new(name, value)
        }
    }

    /// Whether the attribute is `{namespace}name`.
    #[must_use]
    pub fn is(&self, namespace: Option<&str>, name: &str) -> bool {
        self.namespace.as_deref() == namespace && self.name == name
    }
}

/// An element: namespace, local name, attributes and child elements in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element<'a> {
    /// The namespace URI, `None` for an element in no namespace.
    pub namespace: Option<Cow<'a, str>>,
    /// The local name.
    pub name: Cow<'a, str>,
    /// Attributes in document order (namespace declarations excluded).
    pub attributes: Vec<Attribute<'a>>,
    /// Child elements in document order.
    pub children: Vec<Self>,
    /// Whether the element has character content other than white space.
    pub has_text: bool,
    /// Where the element starts in the source text, when known.
    pub pos: Option<TextPos>,
}

/// Why [`Element::parse`] could not build a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// The text is not well-formed XML (or declares a DTD, which is refused).
    #[error("not well-formed xml at {pos}: {message}")]
    NotXml {
        /// Where the parser stopped.
        pos: TextPos,
        /// The XML parser's message.
        message: String,
    },
    /// The document is larger than [`MAX_INPUT_BYTES`].
    #[error("document of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The document size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Elements are nested deeper than [`MAX_DEPTH`].
    #[error("elements nested deeper than {limit} levels at {pos}")]
    TooDeep {
        /// The first element beyond the limit.
        pos: TextPos,
        /// The limit.
        limit: usize,
    },
}

impl<'a> Element<'a> {
    /// An element in `namespace` with no attributes or children.
    pub fn new(namespace: Option<&'a str>, name: impl Into<Cow<'a, str>>) -> Self {
        Self {
            namespace: namespace.map(Cow::Borrowed),
            name: name.into(),
            ..Self::default()
        }
    }

    /// Adds an attribute (builder style).
    #[must_use]
    pub fn with_attribute(mut self, attribute: Attribute<'a>) -> Self {
        self.attributes.push(attribute);
        self
    }

    /// Adds a child element (builder style).
    #[must_use]
    pub fn with_child(mut self, child: Self) -> Self {
        self.children.push(child);
        self
    }

    /// Parses XML text into a tree of its root element. DTDs are refused; the size, depth and
    /// node count are limited ([`MAX_INPUT_BYTES`], [`MAX_DEPTH`], [`MAX_NODES`]).
    ///
    /// # Errors
    /// [`TreeError`] when the text is not well-formed XML or exceeds a limit.
    pub fn parse(text: &'a str) -> Result<Self, TreeError> {
        if text.len() > MAX_INPUT_BYTES {
            return Err(TreeError::TooLarge {
                size: text.len(),
                limit: MAX_INPUT_BYTES,
            });
        }
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
            let p = e.pos();
            TreeError::NotXml {
                pos: TextPos {
                    line: p.row,
                    col: p.col,
                },
                message: e.to_string(),
            }
        })?;
        let lines = Lines::new(text);
        convert(&lines, doc.root_element(), 0)
    }

    /// The value of the attribute `{namespace}name`, if present.
    #[must_use]
    pub fn attr(&self, namespace: Option<&str>, name: &str) -> Option<&str> {
        self.attribute(namespace, name).map(|a| a.value.as_ref())
    }

    /// The attribute `{namespace}name`, if present.
    #[must_use]
    pub fn attribute(&self, namespace: Option<&str>, name: &str) -> Option<&Attribute<'a>> {
        self.attributes.iter().find(|a| a.is(namespace, name))
    }

    /// Whether the element is `{namespace}name`; the empty namespace is no namespace.
    #[must_use]
    pub fn is(&self, namespace: &str, name: &str) -> bool {
        self.namespace.as_deref().unwrap_or_default() == namespace && self.name == name
    }

    /// Child elements named `{namespace}name`.
    pub fn children_named<'s>(
        &'s self,
        namespace: &'s str,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Self> + 's {
        self.children.iter().filter(move |c| c.is(namespace, name))
    }
}

/// Line starts of the text, so that a byte offset becomes a line and column in
/// O(log lines + line length) (roxmltree's own `text_pos_at` scans from the start).
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    fn pos(&self, offset: usize) -> TextPos {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |t| t.chars().count());
        TextPos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col + 1).unwrap_or(u32::MAX),
        }
    }
}

/// Namespaces common enough to share instead of copying per element and attribute.
const KNOWN_NAMESPACES: [&str; 8] = [
    crate::ns::SWID_2015,
    crate::ns::N8060,
    crate::ns::XML,
    crate::ns::XSI,
    crate::ns::XMLDSIG,
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmlenc#sha512",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
];

fn namespace<'a>(ns: Option<&str>) -> Option<Cow<'a, str>> {
    let ns = ns?;
    Some(match KNOWN_NAMESPACES.iter().find(|k| **k == ns) {
        Some(known) => Cow::Borrowed(*known),
        None => Cow::Owned(ns.to_owned()),
    })
}

fn convert<'a>(
    lines: &Lines<'_>,
    node: roxmltree::Node<'_, 'a>,
    depth: usize,
) -> Result<Element<'a>, TreeError> {
    let pos = lines.pos(node.range().start);
    if depth >= MAX_DEPTH {
        return Err(TreeError::TooDeep {
            pos,
            limit: MAX_DEPTH,
        });
    }
    let tag = node.tag_name();
    let attributes = node
        .attributes()
        .map(|a| Attribute {
            namespace: namespace(a.namespace()),
            name: Cow::Borrowed(a.name()),
            value: match a.value_storage() {
                roxmltree::StringStorage::Borrowed(s) => Cow::Borrowed(*s),
                roxmltree::StringStorage::Owned(s) => Cow::Owned(s.to_string()),
            },
            pos: Some(lines.pos(a.range().start)),
        })
        .collect();
    let mut children = Vec::new();
    let mut has_text = false;
    for child in node.children() {
        if child.is_element() {
            children.push(convert(lines, child, depth + 1)?);
        } else if child.is_text() && child.text().is_some_and(|t| !t.trim().is_empty()) {
            has_text = true;
        }
    }
    Ok(Element {
        namespace: namespace(tag.namespace()),
        name: Cow::Borrowed(tag.name()),
        attributes,
        children,
        has_text,
        pos: Some(pos),
    })
}
