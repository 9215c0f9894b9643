//! The reader: XML text to the typed model, with positions kept in a [`SourceMap`].
//!
//! Two modes. [`Mode::Strict`] refuses what the (reconstructed) schema forbids: a root outside
//! an Ent namespace, a required attribute missing, a value that does not parse as its type,
//! an unknown element in the Ent namespace, stray text. [`Mode::Lax`] builds a model from
//! anything well formed whose root is `Ent`: values that do not parse are kept as unknown
//! attributes (the validator reports them), unknown elements and stray text are kept as
//! extensions, a missing required attribute becomes empty. Neither mode drops content, except
//! processing instructions and the whitespace used for indentation.
//!
//! Any namespace `http(s)://standards.iso.org/iso/19770/-3/<year>/schema.xsd` is accepted.
//! DTDs are refused (no entity expansion), and the [`Limits`] bound size, depth and counts.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate};
use itam_core::version::Bound;
use itam_core::{Decimal, EntId, RegId, TagId, TextPos, VersionRange, VersionScheme};
use itam_xml::XmlError;
pub use itam_xml::decode::Encoding;
use itam_xml::decode::decode_text;
use itam_xml::limits::check_attribute_count;
use itam_xml::name::{is_pi_target, is_qname};
use itam_xml::pos::LineIndex;
use roxmltree::{Document, Node, NodeType, ParsingOptions};

use crate::model::{
    Contract, Ent, EntMeta, Entity, InvoiceData, Limit, LimitTime, Link, LinkContent, Meta, Metric,
    OrderInfo, Quantification, Right, TestMethod, Timestamp, ValidVersion,
};
use crate::profile::{
    DEFAULT_NAMESPACE, ElementDef, Profile, XML_NAMESPACE, is_ent_namespace, names as n,
};
use crate::values::Role;
use crate::xml::{BaseElement, Extension, QName, XmlAttribute, XmlElement, XmlNode};

/// How forgiving the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Refuse what the reconstructed schema forbids.
    #[default]
    Strict,
    /// Keep everything well formed, for the validator to report on.
    Lax,
}

/// Bounds on the input, so hostile documents cannot exhaust memory or the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The most bytes of input (default 8 MiB).
    pub max_bytes: usize,
    /// The deepest element nesting (default 64).
    pub max_depth: usize,
    /// The most nodes of any kind (default 200 000).
    pub max_nodes: usize,
    /// The most attributes on one element (default 256).
    pub max_attributes: usize,
}

impl Limits {
    /// The default limits (also [`Limits::default`]).
    pub const DEFAULT: Self = Self {
        max_bytes: 8 * 1024 * 1024,
        max_depth: 64,
        max_nodes: 200_000,
        max_attributes: 256,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Options of a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Strict or lax.
    pub mode: Mode,
    /// The bounds.
    pub limits: Limits,
}

impl ReadOptions {
    /// Strict mode, default limits (also [`ReadOptions::default`]); the same name as
    /// `itam_swid::ReadOptions::STRICT`.
    pub const STRICT: Self = Self {
        mode: Mode::Strict,
        limits: Limits::DEFAULT,
    };
    /// Lax mode, default limits.
    pub const LAX: Self = Self {
        mode: Mode::Lax,
        limits: Limits::DEFAULT,
    };

    /// The same options with other limits.
    #[must_use]
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// Why no model could be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not XML the reader accepts, or beyond a [`Limits`] bound: the kinds both format crates
    /// share ([`XmlError`]; the same as `itam_swid::ParseError::Xml`).
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// The root element is not `Ent`.
    #[error("root element is `{found}`, not `Ent`, at {pos}")]
    WrongRoot {
        /// The root's name.
        found: String,
        /// Where.
        pos: TextPos,
    },
    /// Strict mode: the root is not in an Ent namespace.
    #[error("root element is in namespace {found:?}, not an iso 19770-3 namespace, at {pos}")]
    WrongNamespace {
        /// The namespace found (`None`: no namespace).
        found: Option<String>,
        /// Where.
        pos: TextPos,
    },
    /// Strict mode: a required attribute is missing.
    #[error("{path} has no `{attribute}` attribute (required), at {pos}")]
    MissingAttribute {
        /// The element's path.
        path: String,
        /// The attribute's name.
        attribute: &'static str,
        /// Where the element starts.
        pos: TextPos,
    },
    /// Strict mode: a value does not parse as its type.
    #[error("{path}/@{attribute} is {value:?}, not a valid {expected}, at {pos}")]
    InvalidValue {
        /// The element's path.
        path: String,
        /// The attribute's name.
        attribute: &'static str,
        /// The value.
        value: String,
        /// The expected type.
        expected: &'static str,
        /// Where the attribute is.
        pos: TextPos,
    },
    /// Strict mode: two attributes say conflicting things (`version` and `minVersion`).
    #[error("{path}/@{attribute} conflicts with @{with}, at {pos}")]
    Conflict {
        /// The element's path.
        path: String,
        /// The attribute kept out.
        attribute: &'static str,
        /// The attribute it conflicts with.
        with: &'static str,
        /// Where the attribute is.
        pos: TextPos,
    },
    /// Strict mode: an element in the Ent namespace that is not allowed here.
    #[error("element `{name}` is not allowed in {path}, at {pos}")]
    UnexpectedElement {
        /// The element's name.
        name: String,
        /// The parent's path.
        path: String,
        /// Where.
        pos: TextPos,
    },
    /// Strict mode: text where only elements are allowed.
    #[error("unexpected text in {path}, at {pos}")]
    UnexpectedText {
        /// The element's path.
        path: String,
        /// Where.
        pos: TextPos,
    },
}

impl ParseError {
    /// The line and column, when the error has one.
    #[must_use]
    pub fn pos(&self) -> Option<TextPos> {
        match self {
            Self::Xml(e) => e.pos(),
            Self::WrongRoot { pos, .. }
            | Self::WrongNamespace { pos, .. }
            | Self::MissingAttribute { pos, .. }
            | Self::InvalidValue { pos, .. }
            | Self::Conflict { pos, .. }
            | Self::UnexpectedElement { pos, .. }
            | Self::UnexpectedText { pos, .. } => Some(*pos),
        }
    }
}

/// Where each element and attribute of a read document stood, by path
/// (`/Ent/Right[1]/Metric[1]/@type`), and the namespace the document used. Kept outside the
/// model so that models compare equal whatever text they came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMap {
    /// The root's namespace as written (`None`: no namespace).
    pub namespace: Option<String>,
    positions: BTreeMap<String, TextPos>,
}

impl SourceMap {
    /// The position of the element or attribute at `path`.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<TextPos> {
        self.positions.get(path).copied()
    }

    /// The position at `path`, or failing that at the nearest enclosing element.
    #[must_use]
    pub fn nearest(&self, path: &str) -> Option<TextPos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.get(p) {
                return Some(pos);
            }
            let (head, _) = p.rsplit_once('/')?;
            if head.is_empty() {
                return None;
            }
            p = head;
        }
    }

    /// How many positions are recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// Whether nothing is recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }
}

/// An Ent read from text, with where its parts stood ([`SourceMap`]) and what the reader
/// noticed (`findings`, rule ids `READ-`; see the module docs) — the same shape as
/// `itam_swid::Parsed`.
pub type Parsed<T = Ent> = itam_xml::Parsed<T, SourceMap>;

/// Reads an Ent from bytes with the default options (strict, default [`Limits`]).
///
/// # Errors
/// A [`ParseError`] saying what and where, as [`read_with`].
pub fn read(bytes: &[u8]) -> Result<Parsed, ParseError> {
    read_with(bytes, &ReadOptions::STRICT)
}

/// Reads an Ent from bytes: UTF-8 with or without a byte-order mark, or UTF-16 (little- or
/// big-endian) with a byte-order mark or, without one, told from its first character `<`
/// ([`itam_xml::decode::decode_text`]). Positions are lines and columns of the decoded text.
/// The size limit is checked before anything is decoded.
///
/// # Errors
/// A [`ParseError`] saying what and where: [`XmlError::TooLarge`] past
/// [`Limits::max_bytes`], [`XmlError::Encoding`] for bytes that do not decode, the other
/// [`XmlError`] kinds for what is not XML the reader accepts, and the Ent kinds
/// ([`ParseError::WrongRoot`], and in strict mode the schema's rules).
pub fn read_with(bytes: &[u8], options: &ReadOptions) -> Result<Parsed, ParseError> {
    if bytes.len() > options.limits.max_bytes {
        return Err(XmlError::TooLarge {
            size: bytes.len(),
            limit: options.limits.max_bytes,
        }
        .into());
    }
    let text = decode_text(bytes).map_err(XmlError::from)?;
    read_str(&text, options)
}

/// Reads an Ent from text already decoded.
///
/// # Errors
/// As [`read_with`] (except the encoding error).
pub fn read_str(text: &str, options: &ReadOptions) -> Result<Parsed, ParseError> {
    read_indexed(text, &LineIndex::new(text), options)
}

/// [`read_with`] over a line index of the text (which the tests ask how much it scanned).
fn read_indexed<'i>(
    text: &'i str,
    lines: &LineIndex<&'i str>,
    options: &ReadOptions,
) -> Result<Parsed, ParseError> {
    let limits = options.limits;
    if text.len() > limits.max_bytes {
        return Err(XmlError::TooLarge {
            size: text.len(),
            limit: limits.max_bytes,
        }
        .into());
    }
    let parse_options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::try_from(limits.max_nodes).unwrap_or(u32::MAX),
        ..ParsingOptions::default()
    };
    // Before the parser, whose duplicate check is quadratic in the attributes of an element.
    check_attribute_count(text, limits.max_attributes).map_err(|crowded| {
        XmlError::TooManyAttributes {
            pos: lines.pos(crowded.offset),
            count: crowded.count,
            limit: limits.max_attributes,
        }
    })?;
    let doc = Document::parse_with_options(text, parse_options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => XmlError::Dtd {
            pos: lines.pos(text.find("<!DOCTYPE").unwrap_or(0)),
        },
        roxmltree::Error::NodesLimitReached => XmlError::TooManyNodes {
            limit: limits.max_nodes,
        },
        other => {
            let p = other.pos();
            XmlError::NotWellFormed {
                pos: TextPos {
                    line: p.row,
                    col: p.col,
                },
                message: other.to_string(),
            }
        }
    })?;
    // Names a namespace-well-formed document may not carry (a PI target with a colon or
    // `xml`, an element or attribute name with an empty prefix or two colons) are refused, as
    // the SWID reader refuses them: the writers could not write them back.
    check_names(&doc, text, lines)?;
    let root = doc.root_element();
    let mut r = Reader {
        text,
        options,
        profile: Profile::reconstructed(),
        map: SourceMap::default(),
        ent_ns: namespace_of(root).map(str::to_owned),
        lines,
    };
    let pos = r.pos(root.range().start);
    if root.tag_name().name() != n::ENT {
        return Err(ParseError::WrongRoot {
            found: root.tag_name().name().to_owned(),
            pos,
        });
    }
    let ns_ok = r.ent_ns.as_deref().is_some_and(is_ent_namespace);
    if !ns_ok && options.mode == Mode::Strict {
        return Err(ParseError::WrongNamespace {
            found: r.ent_ns.clone(),
            pos,
        });
    }
    r.map.namespace = r.ent_ns.clone();
    let ent = r.ent(root)?;
    Ok(Parsed {
        value: ent,
        source_map: r.map,
        findings: Vec::new(),
    })
}

fn check_names(doc: &Document<'_>, text: &str, lines: &LineIndex<&str>) -> Result<(), XmlError> {
    let invalid = |what, name: &str, at: usize| XmlError::InvalidName {
        what,
        name: name.to_owned(),
        pos: lines.pos(at),
    };
    for node in doc.descendants() {
        if let Some(pi) = node.pi() {
            if !is_pi_target(pi.target) {
                return Err(invalid(
                    "processing instruction target",
                    pi.target,
                    node.range().start,
                ));
            }
        } else if node.is_element() {
            let start = node.range().start + 1;
            let raw = text.get(start..).unwrap_or_default();
            let end = raw
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(raw.len());
            let name = raw.get(..end).unwrap_or_default();
            if !is_qname(name) {
                return Err(invalid("element name", name, node.range().start));
            }
            for a in node.attributes() {
                let name = text.get(a.range_qname()).unwrap_or_default();
                if !is_qname(name) {
                    return Err(invalid("attribute name", name, a.range_qname().start));
                }
            }
        }
    }
    Ok(())
}

/// An element's namespace; `xmlns=""` (which roxmltree reports as an empty one) is none.
fn namespace_of<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.tag_name().namespace().filter(|ns| !ns.is_empty())
}

struct Reader<'d, 'i> {
    text: &'i str,
    options: &'d ReadOptions,
    profile: &'static Profile,
    map: SourceMap,
    ent_ns: Option<String>,
    /// Line starts computed once; a column costs a bounded count, not a rescan of its line.
    lines: &'d LineIndex<&'i str>,
}

/// The attributes of one known element, split into declared ones (by local name) and the rest.
struct Attrs {
    path: String,
    pos: TextPos,
    declared: BTreeMap<&'static str, (String, TextPos)>,
    base: BaseElement,
}

impl<'i> Reader<'_, 'i> {
    /// Line and column (from 1, columns in characters) of a byte offset.
    fn pos(&self, offset: usize) -> TextPos {
        self.lines.pos(offset)
    }

    fn strict(&self) -> bool {
        self.options.mode == Mode::Strict
    }

    fn in_ent_ns(&self, node: Node<'_, '_>) -> bool {
        namespace_of(node) == self.ent_ns.as_deref()
    }

    fn depth_of(path: &str) -> usize {
        path.matches('/').count()
    }

    /// Reads the attributes of a known element.
    fn attrs(&mut self, node: Node<'_, 'i>, path: &str) -> Result<Attrs, ParseError> {
        let def: Option<&ElementDef> = self.profile.element(node.tag_name().name());
        let pos = self.pos(node.range().start);
        if Self::depth_of(path) > self.options.limits.max_depth {
            return Err(XmlError::TooDeep {
                pos,
                limit: self.options.limits.max_depth,
            }
            .into());
        }
        self.map.positions.insert(path.to_owned(), pos);
        let mut out = Attrs {
            path: path.to_owned(),
            pos,
            declared: BTreeMap::new(),
            base: BaseElement::default(),
        };
        let mut count = 0usize;
        for a in node.attributes() {
            count += 1;
            if count > self.options.limits.max_attributes {
                return Err(XmlError::TooManyAttributes {
                    pos,
                    count: node.attributes().len(),
                    limit: self.options.limits.max_attributes,
                }
                .into());
            }
            let apos = self.pos(a.range().start);
            match a.namespace() {
                Some(XML_NAMESPACE) if a.name() == n::LANG => {
                    self.map.positions.insert(format!("{path}/@xml:lang"), apos);
                    out.base.lang = Some(a.value().to_owned());
                }
                None => {
                    let known = def
                        .filter(|d| !d.open_attributes)
                        .and_then(|d| d.attribute(a.name()))
                        .filter(|ad| ad.name != n::LANG);
                    self.map
                        .positions
                        .insert(format!("{path}/@{}", a.name()), apos);
                    match known {
                        Some(ad) => {
                            out.declared.insert(ad.name, (a.value().to_owned(), apos));
                        }
                        None => out
                            .base
                            .attributes
                            .push(XmlAttribute::new(QName::local(a.name()), a.value())),
                    }
                }
                Some(ns) => {
                    let qname = self.text.get(a.range_qname()).unwrap_or_default();
                    let prefix = qname.split_once(':').map(|(p, _)| p.to_owned());
                    self.map.positions.insert(format!("{path}/@{qname}"), apos);
                    out.base.attributes.push(XmlAttribute {
                        name: QName {
                            namespace: Some(ns.to_owned()),
                            prefix,
                            local: a.name().to_owned(),
                        },
                        value: a.value().to_owned(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Reads the children of a known element: `known` is called for each child element in the
    /// Ent namespace that the profile allows here and returns `Ok(())` once it has consumed it.
    fn children(
        &mut self,
        node: Node<'_, 'i>,
        attrs: &mut Attrs,
        mut known: impl FnMut(&mut Self, Node<'_, 'i>, String) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        Self::keep_leftovers(attrs);
        let def = self.profile.element(node.tag_name().name());
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut seen_known = 0usize;
        for child in node.children() {
            match child.node_type() {
                NodeType::Element => {
                    let local = child.tag_name().name();
                    let idx = counts.entry(local.to_owned()).or_insert(0);
                    *idx += 1;
                    let child_path = format!("{}/{local}[{idx}]", attrs.path);
                    let allowed =
                        self.in_ent_ns(child) && def.and_then(|d| d.child(local)).is_some();
                    if allowed {
                        known(self, child, child_path)?;
                        seen_known += 1;
                    } else {
                        let pos = self.pos(child.range().start);
                        if self.strict() && self.in_ent_ns(child) {
                            return Err(ParseError::UnexpectedElement {
                                name: local.to_owned(),
                                path: attrs.path.clone(),
                                pos,
                            });
                        }
                        self.map.positions.insert(child_path.clone(), pos);
                        let el = self.foreign(child, Self::depth_of(&child_path))?;
                        attrs.base.extensions.push(Extension {
                            position: seen_known,
                            node: XmlNode::Element(el),
                        });
                    }
                }
                NodeType::Text => {
                    let t = child.text().unwrap_or_default();
                    if t.trim().is_empty() {
                        continue;
                    }
                    if self.strict() {
                        return Err(ParseError::UnexpectedText {
                            path: attrs.path.clone(),
                            pos: self.pos(child.range().start),
                        });
                    }
                    attrs.base.extensions.push(Extension {
                        position: seen_known,
                        node: XmlNode::Text(t.to_owned()),
                    });
                }
                NodeType::Comment => attrs.base.extensions.push(Extension {
                    position: seen_known,
                    node: XmlNode::Comment(child.text().unwrap_or_default().to_owned()),
                }),
                NodeType::PI => attrs
                    .base
                    .extensions
                    .extend(pi(child).map(|node| Extension {
                        position: seen_known,
                        node,
                    })),
                NodeType::Root => {}
            }
        }
        Ok(())
    }

    /// Declared attributes the element's reader did not take are kept as unknown attributes.
    fn keep_leftovers(attrs: &mut Attrs) {
        for (name, (value, _)) in std::mem::take(&mut attrs.declared) {
            attrs
                .base
                .attributes
                .push(XmlAttribute::new(QName::local(name), value));
        }
    }

    /// Copies an unknown element and its content.
    fn foreign(&self, node: Node<'_, 'i>, depth: usize) -> Result<XmlElement, ParseError> {
        let pos = self.pos(node.range().start);
        if depth > self.options.limits.max_depth {
            return Err(XmlError::TooDeep {
                pos,
                limit: self.options.limits.max_depth,
            }
            .into());
        }
        let mut attributes = Vec::new();
        for (i, a) in node.attributes().enumerate() {
            if i >= self.options.limits.max_attributes {
                return Err(XmlError::TooManyAttributes {
                    pos,
                    count: node.attributes().len(),
                    limit: self.options.limits.max_attributes,
                }
                .into());
            }
            let qname = self.text.get(a.range_qname()).unwrap_or_default();
            let prefix = match a.namespace() {
                Some(_) => qname.split_once(':').map(|(p, _)| p.to_owned()),
                None => None,
            };
            attributes.push(XmlAttribute {
                name: QName {
                    namespace: a.namespace().map(str::to_owned),
                    prefix,
                    local: a.name().to_owned(),
                },
                value: a.value().to_owned(),
            });
        }
        let mixed = node
            .children()
            .any(|c| c.is_text() && !c.text().unwrap_or_default().trim().is_empty());
        let mut children = Vec::new();
        for child in node.children() {
            match child.node_type() {
                NodeType::Element => {
                    children.push(XmlNode::Element(self.foreign(child, depth + 1)?));
                }
                NodeType::Text => {
                    let t = child.text().unwrap_or_default();
                    if mixed || !t.trim().is_empty() {
                        children.push(XmlNode::Text(t.to_owned()));
                    }
                }
                NodeType::Comment => {
                    children.push(XmlNode::Comment(
                        child.text().unwrap_or_default().to_owned(),
                    ));
                }
                NodeType::PI => children.extend(pi(child)),
                NodeType::Root => {}
            }
        }
        Ok(XmlElement {
            name: self.element_qname(node),
            namespaces: Vec::new(),
            attributes,
            children,
        })
    }

    fn element_qname(&self, node: Node<'_, '_>) -> QName {
        let start = node.range().start + 1;
        let raw = self.text.get(start..).unwrap_or_default();
        let end = raw
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(raw.len());
        let qname = raw.get(..end).unwrap_or_default();
        // A namespace-less Ent is read as the default profile's (as the writer writes it), so
        // its unknown elements, in the Ent's (no) namespace, are kept in that namespace and
        // are written without `xmlns=""` (issue 12 point 7).
        let namespace = match (namespace_of(node), &self.ent_ns) {
            (None, None) => Some(DEFAULT_NAMESPACE),
            (ns, _) => ns,
        };
        QName {
            namespace: namespace.map(str::to_owned),
            prefix: qname.split_once(':').map(|(p, _)| p.to_owned()),
            local: node.tag_name().name().to_owned(),
        }
    }

    // ---- typed attribute access ----

    fn take_str(&self, a: &mut Attrs, name: &'static str) -> Option<String> {
        a.declared.remove(name).map(|(v, _)| v)
    }

    fn take_required(&self, a: &mut Attrs, name: &'static str) -> Result<String, ParseError> {
        match a.declared.remove(name) {
            Some((v, _)) => Ok(v),
            None if self.strict() => Err(ParseError::MissingAttribute {
                path: a.path.clone(),
                attribute: name,
                pos: a.pos,
            }),
            None => Ok(String::new()),
        }
    }

    fn take_parsed<T>(
        &self,
        a: &mut Attrs,
        name: &'static str,
        expected: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ParseError> {
        let Some((v, pos)) = a.declared.remove(name) else {
            return Ok(None);
        };
        match parse(v.trim()) {
            Some(t) => Ok(Some(t)),
            None if self.strict() => Err(ParseError::InvalidValue {
                path: a.path.clone(),
                attribute: name,
                value: v,
                expected,
                pos,
            }),
            None => {
                a.base
                    .attributes
                    .push(XmlAttribute::new(QName::local(name), v));
                Ok(None)
            }
        }
    }

    fn take_decimal(
        &self,
        a: &mut Attrs,
        name: &'static str,
    ) -> Result<Option<Decimal>, ParseError> {
        self.take_parsed(a, name, "xs:decimal", parse_decimal)
    }

    fn take_date(
        &self,
        a: &mut Attrs,
        name: &'static str,
    ) -> Result<Option<NaiveDate>, ParseError> {
        self.take_parsed(a, name, "xs:date", |s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
        })
    }

    fn take_time(
        &self,
        a: &mut Attrs,
        name: &'static str,
    ) -> Result<Option<Timestamp>, ParseError> {
        self.take_parsed(a, name, "xs:dateTime with a time zone", |s| {
            DateTime::parse_from_rfc3339(s).ok()
        })
    }

    /// Puts an attribute that conflicts with another out of the typed model.
    fn conflict(
        &self,
        a: &mut Attrs,
        name: &'static str,
        with: &'static str,
    ) -> Result<(), ParseError> {
        if let Some((v, pos)) = a.declared.remove(name) {
            if self.strict() {
                return Err(ParseError::Conflict {
                    path: a.path.clone(),
                    attribute: name,
                    with,
                    pos,
                });
            }
            a.base
                .attributes
                .push(XmlAttribute::new(QName::local(name), v));
        }
        Ok(())
    }

    // ---- elements ----

    fn ent(&mut self, node: Node<'_, 'i>) -> Result<Ent, ParseError> {
        let path = format!("/{}", n::ENT);
        let mut a = self.attrs(node, &path)?;
        let mut ent = Ent::new(
            EntId::new(self.take_required(&mut a, n::ENT_ID)?),
            self.take_required(&mut a, n::NAME)?,
        );
        ent.ent_revision = self
            .take_parsed(&mut a, n::ENT_REVISION, "xs:nonNegativeInteger", |s| {
                u64::from_str(s.strip_prefix('+').unwrap_or(s)).ok()
            })?
            .unwrap_or(0);
        if let Some(t) = self.take_str(&mut a, n::ENT_TYPE) {
            ent.ent_type = t.as_str().into();
        }
        ent.supplemental_ent_type = self
            .take_str(&mut a, n::SUPPLEMENTAL_ENT_TYPE)
            .map(|s| s.as_str().into());
        ent.entitlement_type = self
            .take_str(&mut a, n::ENTITLEMENT_TYPE)
            .map(|s| s.as_str().into());
        ent.issued = self.take_time(&mut a, n::ISSUED)?;
        self.children(node, &mut a, |r, c, p| {
            match c.tag_name().name() {
                n::ENT_META => ent.ent_meta.push(r.ent_meta(c, &p)?),
                n::ENTITY => ent.entities.push(r.entity(c, &p)?),
                n::CONTRACT => ent.contracts.push(r.contract(c, &p)?),
                n::ORDER_INFO => ent.order_info.push(r.order_info(c, &p)?),
                n::INVOICE_DATA => ent.invoice_data.push(r.invoice_data(c, &p)?),
                n::RIGHT => ent.rights.push(r.right(c, &p)?),
                n::LINK => ent.links.push(r.link(c, &p)?),
                _ => ent.meta.push(r.meta(c, &p)?),
            }
            Ok(())
        })?;
        ent.base = a.base;
        Ok(ent)
    }

    fn ent_meta(&mut self, node: Node<'_, 'i>, path: &str) -> Result<EntMeta, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut m = EntMeta {
            description: self.take_str(&mut a, n::DESCRIPTION),
            channel_type: self
                .take_str(&mut a, n::CHANNEL_TYPE)
                .map(|s| s.as_str().into()),
            trust_level: self
                .take_str(&mut a, n::TRUST_LEVEL)
                .map(|s| s.as_str().into()),
            foss_copyleft: self
                .take_str(&mut a, n::FOSS_COPYLEFT)
                .map(|s| s.as_str().into()),
            generator: self.take_str(&mut a, n::GENERATOR),
            product: self.take_str(&mut a, n::PRODUCT),
            product_family: self.take_str(&mut a, n::PRODUCT_FAMILY),
            edition: self.take_str(&mut a, n::EDITION),
            colloquial_version: self.take_str(&mut a, n::COLLOQUIAL_VERSION),
            persistent_id: self.take_str(&mut a, n::PERSISTENT_ID),
            entitlement_key: self.take_str(&mut a, n::ENTITLEMENT_KEY),
            license_expression: self.take_str(&mut a, n::LICENSE_EXPRESSION),
            base: BaseElement::default(),
        };
        self.children(node, &mut a, |_, _, _| Ok(()))?;
        m.base = a.base;
        Ok(m)
    }

    fn entity(&mut self, node: Node<'_, 'i>, path: &str) -> Result<Entity, ParseError> {
        let mut a = self.attrs(node, path)?;
        let name = self.take_required(&mut a, n::NAME)?;
        let regid = self.take_str(&mut a, n::REGID).map(RegId::new);
        let role: Vec<Role> = self
            .take_required(&mut a, n::ROLE)?
            .split_whitespace()
            .map(Role::from)
            .collect();
        let thumbprint = self.take_str(&mut a, n::THUMBPRINT);
        let mut meta = Vec::new();
        self.children(node, &mut a, |r, c, p| {
            meta.push(r.meta(c, &p)?);
            Ok(())
        })?;
        Ok(Entity {
            name,
            regid,
            role,
            thumbprint,
            meta,
            base: a.base,
        })
    }

    fn metas(&mut self, node: Node<'_, 'i>, a: &mut Attrs) -> Result<Vec<Meta>, ParseError> {
        let mut meta = Vec::new();
        self.children(node, a, |r, c, p| {
            meta.push(r.meta(c, &p)?);
            Ok(())
        })?;
        Ok(meta)
    }

    fn contract(&mut self, node: Node<'_, 'i>, path: &str) -> Result<Contract, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut c = Contract {
            contract_id: self.take_str(&mut a, n::CONTRACT_ID),
            name: self.take_str(&mut a, n::NAME),
            contract_type: self.take_str(&mut a, n::CONTRACT_TYPE),
            start_date: self.take_date(&mut a, n::START_DATE)?,
            end_date: self.take_date(&mut a, n::END_DATE)?,
            ..Contract::default()
        };
        c.meta = self.metas(node, &mut a)?;
        c.base = a.base;
        Ok(c)
    }

    fn order_info(&mut self, node: Node<'_, 'i>, path: &str) -> Result<OrderInfo, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut o = OrderInfo {
            order_id: self.take_str(&mut a, n::ORDER_ID),
            order_line: self.take_str(&mut a, n::ORDER_LINE),
            order_date: self.take_date(&mut a, n::ORDER_DATE)?,
            part_number: self.take_str(&mut a, n::PART_NUMBER),
            quantity: self.take_decimal(&mut a, n::QUANTITY)?,
            ..OrderInfo::default()
        };
        o.meta = self.metas(node, &mut a)?;
        o.base = a.base;
        Ok(o)
    }

    fn invoice_data(&mut self, node: Node<'_, 'i>, path: &str) -> Result<InvoiceData, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut i = InvoiceData {
            invoice_id: self.take_str(&mut a, n::INVOICE_ID),
            invoice_date: self.take_date(&mut a, n::INVOICE_DATE)?,
            amount: self.take_decimal(&mut a, n::AMOUNT)?,
            unit_price: self.take_decimal(&mut a, n::UNIT_PRICE)?,
            currency: self.take_str(&mut a, n::CURRENCY),
            ..InvoiceData::default()
        };
        i.meta = self.metas(node, &mut a)?;
        i.base = a.base;
        Ok(i)
    }

    fn right(&mut self, node: Node<'_, 'i>, path: &str) -> Result<Right, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut right = Right::new(self.take_required(&mut a, n::NAME)?.as_str().into());
        self.children(node, &mut a, |r, c, p| {
            match c.tag_name().name() {
                n::METRIC => right.metrics.push(r.metric(c, &p)?),
                n::LIMIT => right.limits.push(r.limit(c, &p)?),
                n::VALID_VERSION => right.valid_versions.push(r.valid_version(c, &p)?),
                n::LINK => right.links.push(r.link(c, &p)?),
                _ => right.meta.push(r.meta(c, &p)?),
            }
            Ok(())
        })?;
        right.base = a.base;
        Ok(right)
    }

    fn limit(&mut self, node: Node<'_, 'i>, path: &str) -> Result<Limit, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut limit = Limit {
            limit_type: self.take_required(&mut a, n::TYPE)?.as_str().into(),
            value: self.take_str(&mut a, n::VALUE),
            limit_time: Vec::new(),
            meta: Vec::new(),
            base: BaseElement::default(),
        };
        self.children(node, &mut a, |r, c, p| {
            match c.tag_name().name() {
                n::LIMIT_TIME => limit.limit_time.push(r.limit_time(c, &p)?),
                _ => limit.meta.push(r.meta(c, &p)?),
            }
            Ok(())
        })?;
        limit.base = a.base;
        Ok(limit)
    }

    fn limit_time(&mut self, node: Node<'_, 'i>, path: &str) -> Result<LimitTime, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut t = LimitTime {
            start: self.take_time(&mut a, n::START)?,
            end: self.take_time(&mut a, n::END)?,
            duration: self.take_decimal(&mut a, n::DURATION)?,
            duration_unit: self
                .take_str(&mut a, n::DURATION_UNIT)
                .map(|s| s.as_str().into()),
            base: BaseElement::default(),
        };
        self.children(node, &mut a, |_, _, _| Ok(()))?;
        t.base = a.base;
        Ok(t)
    }

    fn metric(&mut self, node: Node<'_, 'i>, path: &str) -> Result<Metric, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut m = Metric {
            metric_type: self.take_required(&mut a, n::TYPE)?.as_str().into(),
            quantification: Vec::new(),
            test_methods: Vec::new(),
            meta: Vec::new(),
            base: BaseElement::default(),
        };
        self.children(node, &mut a, |r, c, p| {
            match c.tag_name().name() {
                n::QUANTIFICATION => m.quantification.push(r.quantification(c, &p)?),
                n::TEST_METHOD => m.test_methods.push(r.test_method(c, &p)?),
                _ => m.meta.push(r.meta(c, &p)?),
            }
            Ok(())
        })?;
        m.base = a.base;
        Ok(m)
    }

    fn quantification(
        &mut self,
        node: Node<'_, 'i>,
        path: &str,
    ) -> Result<Quantification, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut q = Quantification {
            quantity: self.take_decimal(&mut a, n::QUANTITY)?,
            unit: self.take_str(&mut a, n::UNIT),
            factor: self.take_decimal(&mut a, n::FACTOR)?,
            unlimited: self.take_parsed(&mut a, n::UNLIMITED, "xs:boolean", parse_bool)?,
            base: BaseElement::default(),
        };
        self.children(node, &mut a, |_, _, _| Ok(()))?;
        q.base = a.base;
        Ok(q)
    }

    fn test_method(&mut self, node: Node<'_, 'i>, path: &str) -> Result<TestMethod, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut t = TestMethod {
            name: self.take_str(&mut a, n::NAME),
            description: self.take_str(&mut a, n::DESCRIPTION),
            href: self.take_str(&mut a, n::HREF),
            base: BaseElement::default(),
        };
        self.children(node, &mut a, |_, _, _| Ok(()))?;
        t.base = a.base;
        Ok(t)
    }

    fn valid_version(
        &mut self,
        node: Node<'_, 'i>,
        path: &str,
    ) -> Result<ValidVersion, ParseError> {
        let mut a = self.attrs(node, path)?;
        let scheme = self
            .take_str(&mut a, n::VERSION_SCHEME)
            .map(|s| VersionScheme::from(s.as_str()))
            .unwrap_or_default();
        let range = if let Some(v) = self.take_str(&mut a, n::VERSION) {
            for other in [
                n::MIN_VERSION,
                n::AFTER_VERSION,
                n::MAX_VERSION,
                n::BEFORE_VERSION,
            ] {
                self.conflict(&mut a, other, n::VERSION)?;
            }
            VersionRange::exact(v, scheme)
        } else {
            let lower = match self.take_str(&mut a, n::MIN_VERSION) {
                Some(v) => {
                    self.conflict(&mut a, n::AFTER_VERSION, n::MIN_VERSION)?;
                    Bound::Inclusive(v)
                }
                None => self
                    .take_str(&mut a, n::AFTER_VERSION)
                    .map_or(Bound::Unbounded, Bound::Exclusive),
            };
            let upper = match self.take_str(&mut a, n::MAX_VERSION) {
                Some(v) => {
                    self.conflict(&mut a, n::BEFORE_VERSION, n::MAX_VERSION)?;
                    Bound::Inclusive(v)
                }
                None => self
                    .take_str(&mut a, n::BEFORE_VERSION)
                    .map_or(Bound::Unbounded, Bound::Exclusive),
            };
            VersionRange::new(scheme, lower, upper)
        };
        let mut v = ValidVersion {
            range,
            tag_id: self.take_str(&mut a, n::TAG_ID).map(TagId::new),
            persistent_id: self.take_str(&mut a, n::PERSISTENT_ID),
            base: BaseElement::default(),
        };
        self.children(node, &mut a, |_, _, _| Ok(()))?;
        v.base = a.base;
        Ok(v)
    }

    fn link(&mut self, node: Node<'_, 'i>, path: &str) -> Result<Link, ParseError> {
        let mut a = self.attrs(node, path)?;
        let href = self.take_required(&mut a, n::HREF)?;
        let rel = self.take_required(&mut a, n::REL)?;
        let mut link = Link::new(href, rel.as_str().into());
        link.artifact = self.take_str(&mut a, n::ARTIFACT);
        link.media = self.take_str(&mut a, n::MEDIA);
        link.ownership = self.take_str(&mut a, n::OWNERSHIP);
        link.media_type = self.take_str(&mut a, n::TYPE);
        link.use_ = self.take_str(&mut a, n::USE);
        self.children(node, &mut a, |r, c, p| {
            link.content.push(r.link_content(c, &p)?);
            Ok(())
        })?;
        link.base = a.base;
        Ok(link)
    }

    fn link_content(&mut self, node: Node<'_, 'i>, path: &str) -> Result<LinkContent, ParseError> {
        let mut a = self.attrs(node, path)?;
        let mut c = LinkContent {
            media_type: self.take_str(&mut a, n::TYPE),
            digest: self.take_str(&mut a, n::DIGEST),
            digest_algorithm: self.take_str(&mut a, n::DIGEST_ALGORITHM),
            text: String::new(),
            base: BaseElement::default(),
        };
        Self::keep_leftovers(&mut a);
        // The text is content here: all of it, whitespace included.
        for child in node.children() {
            match child.node_type() {
                NodeType::Text => c.text.push_str(child.text().unwrap_or_default()),
                NodeType::Element => {
                    let depth = Self::depth_of(path) + 1;
                    if self.strict() && self.in_ent_ns(child) {
                        return Err(ParseError::UnexpectedElement {
                            name: child.tag_name().name().to_owned(),
                            path: path.to_owned(),
                            pos: self.pos(child.range().start),
                        });
                    }
                    let el = self.foreign(child, depth)?;
                    a.base.extensions.push(Extension::element(0, el));
                }
                NodeType::Comment => a.base.extensions.push(Extension {
                    position: 0,
                    node: XmlNode::Comment(child.text().unwrap_or_default().to_owned()),
                }),
                NodeType::PI => a
                    .base
                    .extensions
                    .extend(pi(child).map(|node| Extension { position: 0, node })),
                NodeType::Root => {}
            }
        }
        c.base = a.base;
        Ok(c)
    }

    fn meta(&mut self, node: Node<'_, 'i>, path: &str) -> Result<Meta, ParseError> {
        let mut a = self.attrs(node, path)?;
        self.children(node, &mut a, |_, _, _| Ok(()))?;
        Ok(Meta { base: a.base })
    }
}

fn parse_decimal(s: &str) -> Option<Decimal> {
    // xs:decimal: optional sign, digits, optional fraction; no exponent, no spaces.
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = !body.is_empty()
        && body != "."
        && body.bytes().filter(|&b| b == b'.').count() <= 1
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if !ok {
        return None;
    }
    Decimal::from_str_exact(s.strip_prefix('+').unwrap_or(s)).ok()
}

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A processing instruction node as unknown content (kept, as comments are).
fn pi(node: Node<'_, '_>) -> Option<XmlNode> {
    node.pi().map(|pi| XmlNode::ProcessingInstruction {
        target: pi.target.to_owned(),
        value: pi.value.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    const NS: &str = "http://standards.iso.org/iso/19770/-3/2016/schema.xsd";

    /// An Ent on one line with `rights` Rights (`name` in each), and the offset of the last.
    fn one_line(rights: usize, name: &str) -> (String, usize) {
        let mut text = format!(
            r#"<Ent xmlns="{NS}" name="N" entId="e-1"><Entity name="C" regid="c.example" role="entCreator"/>"#
        );
        let mut last = 0;
        for _ in 0..rights {
            last = text.len();
            text.push_str(&format!(r#"<Right name="{name}"/>"#));
        }
        text.push_str("</Ent>");
        (text, last)
    }

    /// Reads `text` and returns how many bytes its line index scanned.
    fn scanned(text: &str) -> usize {
        let lines = LineIndex::new(text);
        read_indexed(text, &lines, &ReadOptions::STRICT).unwrap_or_else(|e| panic!("{e}"));
        lines.scanned()
    }

    #[test]
    fn a_node_far_along_a_one_line_file_has_its_column() {
        for name in ["use", "nutzungsrecht-für-büro"] {
            let (text, last) = one_line(5_000, name);
            let map = read_str(&text, &ReadOptions::STRICT).unwrap().source_map;
            let col = text.get(..last).unwrap().chars().count() + 1;
            assert_eq!(
                map.get("/Ent/Right[5000]"),
                Some(TextPos {
                    line: 1,
                    col: u32::try_from(col).unwrap()
                }),
                "{name}"
            );
        }
    }

    #[test]
    fn positions_on_one_line_cost_work_linear_in_the_input() {
        // ASCII and not: the index counts characters for columns only in bounded blocks.
        for name in ["use", "nutzungsrecht-für-büro"] {
            let (small, _) = one_line(1_000, name);
            let (large, _) = one_line(4_000, name);
            let (s, l) = (scanned(&small), scanned(&large));
            assert!(s >= small.len(), "the index reads the text once: {s}");
            assert!(l <= 5 * s, "{name}: 4n scanned {l} bytes, n scanned {s}");
            // Far below what a count from the line start per node would scan (n²/2).
            assert!(
                l < 40 * large.len(),
                "{name}: {l} bytes for {}",
                large.len()
            );
        }
    }
}
