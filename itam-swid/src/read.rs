//! Reading SWID tags from XML (roxmltree).
//!
//! - [`read`] / [`read_with`] (bytes; options) and [`read_str`] (decoded text): one tag (root
//!   `SoftwareIdentity`). The same shape as `itam_ent::read`, `read_with` and `read_str`.
//! - [`read_all`] (bytes) / [`read_all_str`]: inputs holding several tags (one document per
//!   line, documents separated by `---`, or tags wrapped in another root such as an rpm
//!   repodata bundle).
//!
//! **Namespaces.** [`ParseMode::Strict`] accepts only
//! `http://standards.iso.org/iso/19770/-2/2015/schema.xsd`. [`ParseMode::Lax`] also reads the
//! 2014 DIS and pre-DIS 2014 draft namespaces (finding [`RULE_NS_DRAFT`]) and a document without
//! namespace (finding [`RULE_NS_MISSING`]) into the same model; the [`Dialect`] read is in
//! [`SourceMap::dialect`]. **2009 tags** (`software_identification_tag`, 2009 or 2008
//! namespace) are refused in both modes with [`ParseError::Iso2009`]: their element-based
//! schema maps to the 2015 model only in part (no tagId/tagVersion semantics, three fixed
//! entity elements, package_footprint instead of Payload), and a partial silent mapping would
//! lose data.
//!
//! **Required attributes** (`SoftwareIdentity/@name`, `@tagId`, `Entity/@name`, `@role`,
//! `Link/@href`, `@rel`, `Directory|File|Process/@name`, `Resource/@type`): missing in strict
//! mode is [`ParseError::MissingAttribute`]; in lax mode the value is read as empty and a
//! [`RULE_REQUIRED`] finding (Error) is reported. In lax mode a pre-DIS `uniqueId` stands in
//! for a missing `tagId` ([`RULE_UNIQUE_ID`]).
//!
//! **What is kept.** Every attribute value and text exactly; unknown attributes and elements
//! (other namespaces, SWID-namespace elements where the schema does not allow them, comments,
//! processing instructions, non-whitespace text) in document order and in place; whitespace-only
//! text between SWID elements is layout and is not kept (inside foreign elements it is).
//! Comments and processing instructions outside the root element are not kept.
//!
//! **Safety.** Document type declarations are refused ([`XmlError::Dtd`]), so no entity is
//! ever expanded; [`Limits`] bound input size, nesting depth, node count and attributes per
//! element, and are checked before any model is built.

/// How forgiving the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ParseMode {
    /// Only the 2015 namespace; a missing required attribute is a [`ParseError`].
    #[default]
    Strict,
    /// Also 2014 drafts and no namespace; missing required attributes are read as empty.
    /// Every such deviation is reported as a finding.
    Lax,
}

/// Limits that bound the work and memory a hostile input can cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The largest input, in bytes (default 64 MiB).
    pub max_bytes: usize,
    /// The deepest element nesting (default 64).
    pub max_depth: usize,
    /// The most XML nodes (elements, attributes, text…) in one input (default 4 000 000).
    pub max_nodes: usize,
    /// The most attributes on one element (default 256; the most in the shared corpus of real
    /// tags is 17). It is checked in one linear pass before the parser runs; within it the
    /// parser's duplicate-attribute check costs time quadratic in the attributes of one element,
    /// so the limit also bounds that (see the README's scaling table).
    pub max_attributes: usize,
}

impl Limits {
    /// The default limits (also [`Limits::default`]).
    pub const DEFAULT: Self = Self {
        max_bytes: 64 * 1024 * 1024,
        max_depth: 64,
        max_nodes: 4_000_000,
        max_attributes: 256,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Reader options: a mode and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReadOptions {
    /// Strict or lax.
    pub mode: ParseMode,
    /// Resource limits.
    pub limits: Limits,
}

impl ReadOptions {
    /// Strict mode, default limits.
    pub const STRICT: Self = Self {
        mode: ParseMode::Strict,
        limits: Limits::DEFAULT,
    };
    /// Lax mode, default limits.
    pub const LAX: Self = Self {
        mode: ParseMode::Lax,
        limits: Limits::DEFAULT,
    };

    /// The same options with other limits.
    #[must_use]
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

use itam_core::{Finding, Location, RegId, Severity, TextPos};
use roxmltree::{Document, Node, NodeType, ParsingOptions};

use crate::error::ParseError;
use crate::model::{
    Attribute, Child, Directory, DirectoryChild, Entity, EntityChild, Evidence, File,
    ForeignElement, ForeignNode, HashAlgorithm, Link, Meta, NamespaceDecl, PatchEvent, Process,
    QName, Rel, Resource, ResourceChild, ResourceCollection, Roles, SmallString, SoftwareIdentity,
    SoftwareMeta, XmlBool, XmlInt,
};
use crate::ns;
use crate::source::{Dialect, Parsed, SourceMap, path};
use itam_xml::XmlError;
use itam_xml::limits::check_attribute_count;
use itam_xml::name::is_pi_target;
use itam_xml::pos::LineIndex;
use std::borrow::Cow;
use std::sync::Arc;

/// Finding rule: the document uses a 2014 draft namespace (lax mode).
pub const RULE_NS_DRAFT: &str = "READ-NS-DRAFT";
/// Finding rule: the document has no namespace (lax mode).
pub const RULE_NS_MISSING: &str = "READ-NS-MISSING";
/// Finding rule: a required attribute is missing and was read as empty (lax mode).
pub const RULE_REQUIRED: &str = "READ-REQUIRED";
/// Finding rule: a pre-DIS `uniqueId` was read as `tagId` (lax mode).
pub const RULE_UNIQUE_ID: &str = "READ-UNIQUEID";

/// Reads one SWID tag from bytes with the default options ([`ReadOptions::STRICT`]), as
/// [`read_with`] does.
///
/// # Errors
/// As [`read_with`].
pub fn read(input: &[u8]) -> Result<Parsed<SoftwareIdentity>, ParseError> {
    read_with(input, &ReadOptions::STRICT)
}

/// Reads one SWID tag from XML text already decoded.
///
/// The root must be `SoftwareIdentity`. In [`ParseMode::Strict`] its namespace must be the
/// 2015 one and required attributes must be present; in [`ParseMode::Lax`] the 2014 drafts
/// and no namespace are read too, and missing required attributes become empty strings,
/// each reported in [`Parsed::findings`].
///
/// # Errors
/// [`ParseError`] when the text is not well-formed XML, has a DTD, exceeds a limit, is a
/// 2009 tag, has another root, or (strict) breaks a rule above.
pub fn read_str(
    input: &str,
    options: &ReadOptions,
) -> Result<Parsed<SoftwareIdentity>, ParseError> {
    check_size(input, &options.limits)?;
    let source = Source {
        lines: Arc::new(LineIndex::detached(input)),
        base: 0,
    };
    let doc = parse_document(input, &options.limits, &source)?;
    let entries = check_structure(&doc, &options.limits, &source)?;
    let root = doc.root_element();
    read_element(root, options, &source, entries)
}

/// Reads one SWID tag from bytes, decoded by [`decode_text`]: UTF-8 with or without a
/// byte-order mark, or UTF-16 (little- or big-endian) with a byte-order mark or, without one,
/// told from its first character `<`.
///
/// Positions in the result are lines and columns of the decoded text (the same in any
/// encoding).
///
/// # Errors
/// As [`read_str`]; also [`XmlError::TooLarge`] before anything is decoded and
/// [`XmlError::Encoding`] when the bytes do not decode.
pub fn read_with(
    input: &[u8],
    options: &ReadOptions,
) -> Result<Parsed<SoftwareIdentity>, ParseError> {
    read_str(&decode_text(input, &options.limits)?, options)
}

/// Reads every SWID tag in an input that holds several:
/// - several XML documents one after the other, each starting with its own `<?xml …?>`
///   declaration at the start of a line (strongTNC writes one tag per line), optionally
///   separated by a line `---` (rpm2swidtag's swidq output);
/// - or one document whose root is `SoftwareIdentity` (one tag);
/// - or one document that wraps tags in other elements (an rpm `repodata` swidtags bundle):
///   every outermost `SoftwareIdentity` in a SWID namespace, in document order.
///
/// Each tag gets its own [`SourceMap`] (paths from `/SoftwareIdentity`, positions in the
/// whole input) and findings. Limits apply to the whole input and to each document.
///
/// # Errors
/// The first tag's error, in document order, or [`ParseError::NoTag`] when there is none.
pub fn read_all_str(
    input: &str,
    options: &ReadOptions,
) -> Result<Vec<Parsed<SoftwareIdentity>>, ParseError> {
    check_size(input, &options.limits)?;
    let chunks = split_documents(input);
    // One index for the whole input, shared by every document's positions and source map.
    let lines = Arc::new(LineIndex::detached(input));
    let mut out = Vec::new();
    if chunks.len() > 1 {
        for (start, chunk) in chunks {
            let source = Source {
                lines: Arc::clone(&lines),
                base: start,
            };
            let doc = parse_document(chunk, &options.limits, &source)?;
            check_structure(&doc, &options.limits, &source)?;
            collect_tags(doc.root_element(), options, &source, &mut out)?;
        }
    } else {
        let source = Source { lines, base: 0 };
        let doc = parse_document(input, &options.limits, &source)?;
        check_structure(&doc, &options.limits, &source)?;
        collect_tags(doc.root_element(), options, &source, &mut out)?;
    }
    if out.is_empty() {
        return Err(ParseError::NoTag);
    }
    Ok(out)
}

/// As [`read_all_str`], from bytes (decoded by [`decode_text`]).
///
/// # Errors
/// As [`read_all_str`]; also [`XmlError::TooLarge`] before anything is decoded and
/// [`XmlError::Encoding`] when the bytes do not decode.
pub fn read_all(
    input: &[u8],
    options: &ReadOptions,
) -> Result<Vec<Parsed<SoftwareIdentity>>, ParseError> {
    read_all_str(&decode_text(input, &options.limits)?, options)
}

pub use itam_xml::decode::Encoding;

/// Decodes an input's bytes to text as [`read_with`] does ([`itam_xml::decode::decode_text`]):
/// [`Encoding::sniff`] decides (a byte-order mark; without one UTF-16 little- or big-endian
/// when the text starts with `<` in UTF-16, else UTF-8; the mark is not part of the text).
/// UTF-8 input is borrowed, UTF-16 decoded into a new string.
///
/// # Errors
/// [`XmlError::TooLarge`] past [`Limits::max_bytes`]; [`XmlError::Encoding`] at the
/// first byte that does not decode (an invalid UTF-8 sequence, an unpaired UTF-16
/// surrogate, or a last UTF-16 code unit cut in half), with its offset in `input` and the
/// line and column after the text decoded so far.
pub fn decode_text<'a>(input: &'a [u8], limits: &Limits) -> Result<Cow<'a, str>, ParseError> {
    if input.len() > limits.max_bytes {
        return Err(ParseError::Xml(XmlError::TooLarge {
            size: input.len(),
            limit: limits.max_bytes,
        }));
    }
    itam_xml::decode::decode_text(input).map_err(|e| ParseError::Xml(e.into()))
}

fn check_size(input: &str, limits: &Limits) -> Result<(), ParseError> {
    if input.len() > limits.max_bytes {
        return Err(ParseError::Xml(XmlError::TooLarge {
            size: input.len(),
            limit: limits.max_bytes,
        }));
    }
    Ok(())
}

/// Splits an input at XML declarations that start a line (after the first one).
fn split_documents(input: &str) -> Vec<(usize, &str)> {
    let mut starts = vec![0];
    let mut search = 0;
    while let Some(found) = input.get(search..).and_then(|s| s.find("\n<?xml")) {
        let at = search + found + 1;
        // `<?xml-stylesheet …?>` and other PIs starting with `xml` are not declarations.
        let is_declaration = input
            .as_bytes()
            .get(at + 5)
            .is_some_and(|b| b.is_ascii_whitespace());
        if is_declaration
            && input
                .get(..at)
                .is_some_and(|before| !before.trim().is_empty())
        {
            starts.push(at);
        }
        search = at;
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(input.len());
        if let Some(chunk) = input.get(start..end) {
            // A line of `---` between documents (YAML-style, as rpm2swidtag's swidq writes)
            // is a separator, not content.
            let trimmed = chunk.trim_end();
            let chunk = match trimmed.strip_suffix("---") {
                Some(rest) if rest.ends_with('\n') => rest,
                _ => chunk,
            };
            if !chunk.trim().is_empty() {
                out.push((start, chunk));
            }
        }
    }
    out
}

/// Parses one document, `input`, which starts at `source.base` in the source's text.
fn parse_document<'i>(
    input: &'i str,
    limits: &Limits,
    source: &Source,
) -> Result<Document<'i>, ParseError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::try_from(limits.max_nodes).unwrap_or(u32::MAX),
        ..ParsingOptions::default()
    };
    // Before the parser, whose duplicate check is quadratic in the attributes of an element.
    check_attribute_count(input, limits.max_attributes).map_err(|crowded| {
        ParseError::Xml(XmlError::TooManyAttributes {
            count: crowded.count,
            limit: limits.max_attributes,
            pos: source.pos(crowded.offset),
        })
    })?;
    Document::parse_with_options(input, options).map_err(|e| {
        // roxmltree's rows count from the document's start, which is at a line start.
        let line_offset = source.lines.line(source.base).saturating_sub(1);
        match e {
            roxmltree::Error::DtdDetected => ParseError::Xml(XmlError::Dtd {
                pos: source.pos(input.find("<!DOCTYPE").unwrap_or(0)),
            }),
            roxmltree::Error::NodesLimitReached => ParseError::Xml(XmlError::TooManyNodes {
                limit: limits.max_nodes,
            }),
            other => {
                let p = other.pos();
                ParseError::Xml(XmlError::NotWellFormed {
                    message: other.to_string(),
                    pos: TextPos {
                        line: p.row.saturating_add(line_offset),
                        col: p.col,
                    },
                })
            }
        }
    })
}

/// Depth and attribute-count limits and processing-instruction targets (an NCName, so the
/// writer can write them back), checked before any model is built (so the builder's
/// recursion is bounded). Returns how many elements and attributes the document has (the
/// source map's size).
fn check_structure(
    doc: &Document<'_>,
    limits: &Limits,
    source: &Source,
) -> Result<usize, ParseError> {
    // The chain of open elements (ids), root first: the root element is at depth 1.
    let mut open: Vec<roxmltree::NodeId> = Vec::with_capacity(limits.max_depth.min(64) + 1);
    let mut entries = 0usize;
    for node in doc.descendants() {
        if let Some(pi) = node.pi() {
            if !is_pi_target(pi.target) {
                return Err(ParseError::Xml(XmlError::InvalidName {
                    what: "processing instruction target",
                    name: pi.target.to_owned(),
                    pos: source.pos(node.range().start),
                }));
            }
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let parent = node.parent().map(|p| p.id());
        while !open.is_empty() && open.last().copied() != parent {
            open.pop();
        }
        open.push(node.id());
        if open.len() > limits.max_depth {
            return Err(ParseError::Xml(XmlError::TooDeep {
                limit: limits.max_depth,
                pos: source.pos(node.range().start),
            }));
        }
        let count = node.attributes().len();
        if count > limits.max_attributes {
            return Err(ParseError::Xml(XmlError::TooManyAttributes {
                count,
                limit: limits.max_attributes,
                pos: source.pos(node.range().start),
            }));
        }
        entries += 1 + count;
    }
    Ok(entries)
}

fn is_swid_namespace(ns: Option<&str>) -> bool {
    matches!(ns, Some(ns::SWID_2015 | ns::SWID_2014_DIS | ns::SWID_2014))
}

fn is_2009(node: Node<'_, '_>) -> bool {
    matches!(
        node.tag_name().namespace(),
        Some(ns::SWID_2009 | ns::SWID_2008)
    ) || node.tag_name().name() == "software_identification_tag"
}

/// The text being read: the whole input with its line index (shared by the source maps of
/// its tags), and where the document being read starts in it.
struct Source {
    lines: Arc<LineIndex>,
    base: usize,
}

impl Source {
    /// Line and column of a byte offset in the document being read.
    fn pos(&self, offset: usize) -> TextPos {
        self.lines.pos(self.base + offset)
    }
}

fn collect_tags(
    node: Node<'_, '_>,
    options: &ReadOptions,
    source: &Source,
    out: &mut Vec<Parsed<SoftwareIdentity>>,
) -> Result<(), ParseError> {
    if node.tag_name().name() == "SoftwareIdentity"
        && (is_swid_namespace(node.tag_name().namespace())
            || (element_ns(node).is_none() && options.mode == ParseMode::Lax)
            || node.parent_element().is_none())
    {
        out.push(read_element(node, options, source, 0)?);
        return Ok(());
    }
    if is_2009(node) && node.parent_element().is_none() {
        return Err(ParseError::Iso2009 {
            namespace: node.tag_name().namespace().unwrap_or("").to_owned(),
            pos: source.pos(node.range().start),
        });
    }
    for child in node.children().filter(Node::is_element) {
        collect_tags(child, options, source, out)?;
    }
    Ok(())
}

/// Reads the tag rooted at `root`; `entries` sizes its source map (0: unknown).
fn read_element(
    root: Node<'_, '_>,
    options: &ReadOptions,
    source: &Source,
    entries: usize,
) -> Result<Parsed<SoftwareIdentity>, ParseError> {
    let pos = source.pos(root.range().start);
    let name = root.tag_name();
    if is_2009(root) {
        return Err(ParseError::Iso2009 {
            namespace: name.namespace().unwrap_or("").to_owned(),
            pos,
        });
    }
    let clark = match name.namespace() {
        Some(ns) => format!("{{{ns}}}{}", name.name()),
        None => name.name().to_owned(),
    };
    if name.name() != "SoftwareIdentity" {
        return Err(ParseError::WrongRoot { found: clark, pos });
    }
    let dialect = match element_ns(root) {
        Some(ns::SWID_2015) => Dialect::Iso2015,
        Some(ns::SWID_2014_DIS) => Dialect::Dis2014,
        Some(ns::SWID_2014) => Dialect::Draft2014,
        None => Dialect::NoNamespace,
        Some(_) => return Err(ParseError::WrongRoot { found: clark, pos }),
    };
    let mut reader = Reader {
        swid_ns: element_ns(root),
        options,
        source,
        map: SourceMap::with_lines(Arc::clone(&source.lines), entries),
        findings: Vec::new(),
    };
    match dialect {
        Dialect::Iso2015 => {}
        _ if options.mode == ParseMode::Strict => {
            return Err(ParseError::NotIso2015 {
                namespace: name.namespace().unwrap_or("").to_owned(),
                pos,
            });
        }
        Dialect::NoNamespace => reader.finding(
            RULE_NS_MISSING,
            Severity::Warning,
            path::ROOT,
            pos,
            "SoftwareIdentity has no namespace; read as iso/iec 19770-2:2015".to_owned(),
        ),
        _ => reader.finding(
            RULE_NS_DRAFT,
            Severity::Warning,
            path::ROOT,
            pos,
            format!(
                "namespace `{}` is a 2014 draft; read as iso/iec 19770-2:2015",
                name.namespace().unwrap_or("")
            ),
        ),
    }
    let tag = reader.software_identity(root)?;
    Ok(Parsed {
        value: tag,
        source_map: reader.map.with_dialect(dialect),
        findings: reader.findings,
    })
}

struct Reader<'o, 'l, 'i> {
    swid_ns: Option<&'i str>,
    options: &'o ReadOptions,
    /// The input and where the document starts in it.
    source: &'l Source,
    map: SourceMap,
    findings: Vec<Finding>,
}

/// Counts siblings by name, for `[n]` path steps. The first few borrowed names (an element
/// has few distinct SWID child names) are counted in place, without allocating.
#[derive(Default)]
struct Counter<'i> {
    few: [(&'i str, usize); 4],
    used: usize,
    rest: Vec<(Cow<'i, str>, usize)>,
}

impl<'i> Counter<'i> {
    fn next(&mut self, key: impl Into<Cow<'i, str>> + AsRef<str>) -> usize {
        let name = key.as_ref();
        let few = self.few.get_mut(..self.used).unwrap_or_default();
        if let Some(entry) = few.iter_mut().find(|(k, _)| *k == name) {
            entry.1 += 1;
            return entry.1;
        }
        if let Some(entry) = self.rest.iter_mut().find(|(k, _)| k == name) {
            entry.1 += 1;
            return entry.1;
        }
        match (key.into(), self.few.get_mut(self.used)) {
            (Cow::Borrowed(name), Some(slot)) => {
                *slot = (name, 1);
                self.used += 1;
            }
            (key, _) => self.rest.push((key, 1)),
        }
        1
    }
}

impl<'o, 'l, 'i> Reader<'o, 'l, 'i> {
    fn finding(&mut self, rule: &str, severity: Severity, at: &str, pos: TextPos, message: String) {
        self.findings.push(Finding::new(
            rule,
            severity,
            Location::path(at).with_pos(Some(pos)),
            message,
        ));
    }

    fn is_swid(&self, node: Node<'_, '_>) -> bool {
        match (element_ns(node), self.swid_ns) {
            // roxmltree stores each namespace URI once per document, so elements in the
            // root's namespace usually share its text: compare addresses before bytes.
            (Some(a), Some(b)) => std::ptr::eq(a, b) || a == b,
            (a, b) => a == b,
        }
    }

    /// Line and column of a byte offset in the document (for findings).
    fn pos(&self, offset: usize) -> TextPos {
        self.source.pos(offset)
    }

    /// The source map's offset of a byte offset in the document.
    fn at(&self, offset: usize) -> usize {
        self.source.base + offset
    }

    /// Records the element's position and reads its attributes through `known`, which
    /// returns `true` when it consumed an attribute. Everything else is returned as
    /// [`Attribute`]s (and `xml:lang` is returned separately).
    fn attributes(
        &mut self,
        node: Node<'_, 'i>,
        at: u32,
        mut known: impl FnMut(&mut Self, Option<&str>, &str, &str) -> bool,
    ) -> (Option<String>, Vec<Attribute>) {
        let mut lang = None;
        let mut extra = Vec::new();
        for attr in node.attributes() {
            let ns_uri = attr.namespace();
            let local = attr.name();
            let value = attr.value();
            let pos = self.at(attr.range().start);
            if ns_uri == Some(ns::XML) && local == "lang" {
                self.map.attribute(at, Cow::Borrowed("xml:lang"), pos);
                lang = Some(value.to_owned());
                continue;
            }
            if known(self, ns_uri, local, value) {
                let step = match ns_uri {
                    None => static_name(local)
                        .map_or_else(|| Cow::Owned(local.to_owned()), Cow::Borrowed),
                    Some(ns::N8060) => match local {
                        "pathSeparator" => Cow::Borrowed("n8060:pathSeparator"),
                        "envVarPrefix" => Cow::Borrowed("n8060:envVarPrefix"),
                        "envVarSuffix" => Cow::Borrowed("n8060:envVarSuffix"),
                        "mutable" => Cow::Borrowed("n8060:mutable"),
                        "patchEvent" => Cow::Borrowed("n8060:patchEvent"),
                        _ => Cow::Owned(format!("n8060:{local}")),
                    },
                    Some(uri) if local == "hash" => match HashAlgorithm::from_namespace(uri) {
                        HashAlgorithm::Sha256 => {
                            Cow::Borrowed("hash[{http://www.w3.org/2001/04/xmlenc#sha256}]")
                        }
                        _ => Cow::Owned(format!("hash[{{{uri}}}]")),
                    },
                    Some(_) => Cow::Owned(local.to_owned()),
                };
                self.map.attribute(at, step, pos);
                continue;
            }
            let name = QName {
                namespace: ns_uri.map(str::to_owned),
                prefix: attr_prefix(node, &attr),
                local: local.to_owned(),
            };
            let step = match &name.namespace {
                Some(uri) => format!("{{{uri}}}{}", name.local),
                None => name.local.clone(),
            };
            self.map.attribute(at, Cow::Owned(step), pos);
            extra.push(Attribute::new(name, value));
        }
        (lang, extra)
    }

    fn required(&mut self, node: Node<'_, '_>, at: u32, attr: &str) -> Result<String, ParseError> {
        let value = node.attribute(attr).map(str::to_owned);
        self.require(node, at, attr, value)
    }

    /// A required attribute's value found while reading the attributes, or (when `value` is
    /// `None`) the strict-mode error or the lax-mode finding, as [`Self::required`].
    fn require<T: Default>(
        &mut self,
        node: Node<'_, '_>,
        at: u32,
        attr: &str,
        value: Option<T>,
    ) -> Result<T, ParseError> {
        match value {
            Some(v) => Ok(v),
            None => {
                let p = path::attr(&self.map.path_of(at), attr);
                let pos = self.pos(node.range().start);
                if self.options.mode == ParseMode::Strict {
                    return Err(ParseError::MissingAttribute { path: p, pos });
                }
                self.finding(
                    RULE_REQUIRED,
                    Severity::Error,
                    &p,
                    pos,
                    format!("required attribute `{attr}` is missing; read as empty"),
                );
                Ok(T::default())
            }
        }
    }

    fn software_identity(&mut self, node: Node<'_, 'i>) -> Result<SoftwareIdentity, ParseError> {
        let at = self.map.element(
            None,
            Cow::Borrowed("SoftwareIdentity"),
            None,
            self.at(node.range().start),
        );
        let name = self.required(node, at, "name")?;
        let tag_id = if node.has_attribute("tagId")
            || self.options.mode == ParseMode::Strict
            || !node.has_attribute("uniqueId")
        {
            self.required(node, at, "tagId")?
        } else {
            let value = node.attribute("uniqueId").unwrap_or("").to_owned();
            let pos = self.pos(node.range().start);
            self.finding(
                RULE_UNIQUE_ID,
                Severity::Warning,
                &path::attr(path::ROOT, "uniqueId"),
                pos,
                "draft attribute `uniqueId` read as `tagId`".to_owned(),
            );
            value
        };
        let mut tag = SoftwareIdentity::new(name, tag_id);
        tag.children.reserve_exact(element_children(node));
        let consumed_unique_id = !node.has_attribute("tagId")
            && node.has_attribute("uniqueId")
            && self.options.mode == ParseMode::Lax;
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, value| {
            if ns_uri.is_some() {
                return false;
            }
            let v = || Some(value.to_owned());
            match local {
                "name" | "tagId" => {}
                "uniqueId" if consumed_unique_id => {}
                "tagVersion" => tag.tag_version = Some(XmlInt::from_text(value)),
                "version" => tag.version = v(),
                "versionScheme" => tag.version_scheme = Some(value.into()),
                "corpus" => tag.corpus = Some(XmlBool::from_text(value)),
                "patch" => tag.patch = Some(XmlBool::from_text(value)),
                "supplemental" => tag.supplemental = Some(XmlBool::from_text(value)),
                "media" => tag.media = v(),
                _ => return false,
            }
            true
        });
        tag.lang = lang;
        tag.attributes = attributes;
        let mut counter = Counter::default();
        for child in node.children() {
            let item = match self.content_node(child, at, &mut counter) {
                Content::Skip => continue,
                Content::Other(other) => Child::Other(other),
                Content::Swid(local) => {
                    let idx = counter.next(local);
                    let cp = self.child_element(at, local, idx, child);
                    match local {
                        "Entity" => Child::Entity(self.entity(child, cp)?),
                        "Link" => Child::Link(self.link(child, cp)?),
                        "Meta" => Child::Meta(self.software_meta(child, cp)),
                        "Payload" => Child::Payload(self.collection(child, cp, None)?),
                        "Evidence" => {
                            let mut date = None;
                            let mut device_id = None;
                            let resources =
                                self.collection(child, cp, Some((&mut date, &mut device_id)))?;
                            Child::Evidence(Evidence {
                                date,
                                device_id,
                                resources,
                            })
                        }
                        _ => Child::Other(self.foreign_swid(child)),
                    }
                }
            };
            tag.children.push(item);
        }
        Ok(tag)
    }

    /// Classifies a child node: a SWID element name to read, foreign content (read here), or
    /// whitespace to skip.
    fn content_node(
        &mut self,
        node: Node<'_, 'i>,
        parent: u32,
        counter: &mut Counter<'i>,
    ) -> Content<'i> {
        match node.node_type() {
            NodeType::Element if self.is_swid(node) => Content::Swid(node.tag_name().name()),
            NodeType::Element => {
                let step = format!(
                    "{{{}}}{}",
                    element_ns(node).unwrap_or(""),
                    node.tag_name().name()
                );
                let idx = counter.next(step.clone());
                let pos = self.at(node.range().start);
                self.map
                    .element(Some(parent), Cow::Owned(step), u32::try_from(idx).ok(), pos);
                Content::Other(ForeignNode::Element(self.foreign_root(node)))
            }
            NodeType::Text => match node.text() {
                Some(text)
                    if !text
                        .bytes()
                        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) =>
                {
                    Content::Other(ForeignNode::Text(text.to_owned()))
                }
                _ => Content::Skip,
            },
            NodeType::Comment => {
                Content::Other(ForeignNode::Comment(node.text().unwrap_or("").to_owned()))
            }
            NodeType::PI => match node.pi() {
                Some(pi) => Content::Other(ForeignNode::ProcessingInstruction {
                    target: pi.target.to_owned(),
                    value: pi.value.map(str::to_owned),
                }),
                None => Content::Skip,
            },
            NodeType::Root => Content::Skip,
        }
    }

    /// A SWID-namespace element where the schema does not allow it (a nested
    /// `SoftwareIdentity`, a `Process` inside a `Directory`…): kept as foreign content. The
    /// caller records its path, the plain SWID step (`…/Directory[1]/Process[1]`).
    fn foreign_swid(&mut self, node: Node<'_, 'i>) -> ForeignNode {
        ForeignNode::Element(self.foreign_root(node))
    }

    /// Records a SWID child element and returns its source-map id.
    fn child_element(&mut self, parent: u32, local: &str, index: usize, node: Node<'_, '_>) -> u32 {
        let name = static_name(local).map_or_else(|| Cow::Owned(local.to_owned()), Cow::Borrowed);
        let pos = self.at(node.range().start);
        self.map.element(
            Some(parent),
            name,
            Some(u32::try_from(index).unwrap_or(u32::MAX)),
            pos,
        )
    }

    fn entity(&mut self, node: Node<'_, 'i>, at: u32) -> Result<Entity, ParseError> {
        let mut entity = Entity {
            name: self.required(node, at, "name")?,
            role: Roles::new(self.required(node, at, "role")?),
            ..Entity::default()
        };
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, value| {
            if ns_uri.is_some() {
                return false;
            }
            match local {
                "name" | "role" => {}
                "regid" => entity.regid = Some(RegId::new(value)),
                "thumbprint" => entity.thumbprint = Some(value.to_owned()),
                _ => return false,
            }
            true
        });
        entity.lang = lang;
        entity.attributes = attributes;
        let mut counter = Counter::default();
        for child in node.children() {
            let item = match self.content_node(child, at, &mut counter) {
                Content::Skip => continue,
                Content::Other(other) => EntityChild::Other(other),
                Content::Swid("Meta") => {
                    let idx = counter.next("Meta");
                    {
                        let id = self.child_element(at, "Meta", idx, child);
                        EntityChild::Meta(self.meta(child, id))
                    }
                }
                Content::Swid(local) => {
                    let idx = counter.next(local);
                    {
                        self.child_element(at, local, idx, child);
                        EntityChild::Other(self.foreign_swid(child))
                    }
                }
            };
            entity.children.push(item);
        }
        Ok(entity)
    }

    fn link(&mut self, node: Node<'_, 'i>, at: u32) -> Result<Link, ParseError> {
        let mut link = Link {
            href: self.required(node, at, "href")?,
            rel: Rel::from(self.required(node, at, "rel")?.as_str()),
            ..Link::default()
        };
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, value| {
            if ns_uri.is_some() {
                return false;
            }
            let v = || Some(value.to_owned());
            match local {
                "href" | "rel" => {}
                "artifact" => link.artifact = v(),
                "media" => link.media = v(),
                "ownership" => link.ownership = Some(value.into()),
                "type" => link.r#type = v(),
                "use" => link.r#use = Some(value.into()),
                _ => return false,
            }
            true
        });
        link.lang = lang;
        link.attributes = attributes;
        link.content = self.leaf_content(node, at);
        Ok(link)
    }

    /// Children of an element the schema declares empty: everything is kept as foreign
    /// content (SWID-named elements too).
    fn leaf_content(&mut self, node: Node<'_, 'i>, at: u32) -> Vec<ForeignNode> {
        let mut counter = Counter::default();
        let mut out = Vec::new();
        for child in node.children() {
            match self.content_node(child, at, &mut counter) {
                Content::Skip => {}
                Content::Other(other) => out.push(other),
                Content::Swid(local) => {
                    let idx = counter.next(local);
                    self.child_element(at, local, idx, child);
                    out.push(self.foreign_swid(child));
                }
            }
        }
        out
    }

    fn software_meta(&mut self, node: Node<'_, 'i>, at: u32) -> SoftwareMeta {
        let mut meta = SoftwareMeta::default();
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, value| {
            if ns_uri.is_some() {
                return false;
            }
            if local == "entitlementDataRequired" {
                meta.entitlement_data_required = Some(XmlBool::from_text(value));
                return true;
            }
            match meta.field_mut(local) {
                Some(field) => {
                    *field = Some(value.to_owned());
                    true
                }
                None => false,
            }
        });
        meta.lang = lang;
        meta.attributes = attributes;
        meta.content = self.leaf_content(node, at);
        meta
    }

    fn meta(&mut self, node: Node<'_, 'i>, at: u32) -> Meta {
        let (lang, attributes) = self.attributes(node, at, |_, _, _, _| false);
        Meta {
            lang,
            attributes,
            content: self.leaf_content(node, at),
        }
    }

    fn collection(
        &mut self,
        node: Node<'_, 'i>,
        at: u32,
        mut evidence: Option<(&mut Option<String>, &mut Option<String>)>,
    ) -> Result<ResourceCollection, ParseError> {
        let mut coll = ResourceCollection::default();
        coll.children.reserve_exact(element_children(node));
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, value| {
            let v = || Some(value.to_owned());
            match (ns_uri, local) {
                (Some(ns::N8060), "pathSeparator") => coll.path_separator = v(),
                (Some(ns::N8060), "envVarPrefix") => coll.env_var_prefix = v(),
                (Some(ns::N8060), "envVarSuffix") => coll.env_var_suffix = v(),
                (None, "date") if evidence.is_some() => {
                    if let Some((date, _)) = evidence.as_mut() {
                        **date = v();
                    }
                }
                (None, "deviceId") if evidence.is_some() => {
                    if let Some((_, device)) = evidence.as_mut() {
                        **device = v();
                    }
                }
                _ => return false,
            }
            true
        });
        coll.lang = lang;
        coll.attributes = attributes;
        let mut counter = Counter::default();
        for child in node.children() {
            let item = match self.content_node(child, at, &mut counter) {
                Content::Skip => continue,
                Content::Other(other) => ResourceChild::Other(other),
                Content::Swid(local) => {
                    let idx = counter.next(local);
                    let cp = self.child_element(at, local, idx, child);
                    match local {
                        "Directory" => ResourceChild::Directory(self.directory(child, cp)?),
                        "File" => {
                            coll.children.push(ResourceChild::File(File::default()));
                            if let Some(ResourceChild::File(file)) = coll.children.last_mut() {
                                self.file(child, cp, file)?;
                            }
                            continue;
                        }
                        "Process" => ResourceChild::Process(self.process(child, cp)?),
                        "Resource" => ResourceChild::Resource(self.resource(child, cp)?),
                        _ => ResourceChild::Other(self.foreign_swid(child)),
                    }
                }
            };
            coll.children.push(item);
        }
        Ok(coll)
    }

    fn directory(&mut self, node: Node<'_, 'i>, at: u32) -> Result<Directory, ParseError> {
        let mut dir = Directory {
            children: Vec::with_capacity(element_children(node)),
            ..Directory::default()
        };
        let mut name = None;
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, value| {
            if ns_uri.is_some() {
                return false;
            }
            let v = || Some(value.to_owned());
            match local {
                "name" => name = Some(SmallString::new(value)),
                "key" => dir.key = Some(XmlBool::from_text(value)),
                "location" => dir.location = v(),
                "root" => dir.root = v(),
                _ => return false,
            }
            true
        });
        dir.name = self.require(node, at, "name", name)?;
        dir.lang = lang;
        dir.attributes = attributes;
        let mut counter = Counter::default();
        for child in node.children() {
            let item = match self.content_node(child, at, &mut counter) {
                Content::Skip => continue,
                Content::Other(other) => DirectoryChild::Other(other),
                Content::Swid(local) => {
                    let idx = counter.next(local);
                    let cp = self.child_element(at, local, idx, child);
                    match local {
                        "Directory" => DirectoryChild::Directory(self.directory(child, cp)?),
                        "File" => {
                            // Built where it is stored: a `File` is a few hundred bytes.
                            dir.children.push(DirectoryChild::File(File::default()));
                            if let Some(DirectoryChild::File(file)) = dir.children.last_mut() {
                                self.file(child, cp, file)?;
                            }
                            continue;
                        }
                        _ => DirectoryChild::Other(self.foreign_swid(child)),
                    }
                }
            };
            dir.children.push(item);
        }
        Ok(dir)
    }

    /// Reads a `File` into `file` (a default one, already in its parent's list).
    fn file(&mut self, node: Node<'_, 'i>, at: u32, file: &mut File) -> Result<(), ParseError> {
        let mut name = None;
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, value| {
            let v = || Some(value.to_owned());
            match (ns_uri, local) {
                (None, "name") => name = Some(SmallString::new(value)),
                (None, "key") => file.key = Some(XmlBool::from_text(value)),
                (None, "location") => file.location = v(),
                (None, "root") => file.root = v(),
                (None, "size") => file.size = Some(XmlInt::from_text(value)),
                (None, "version") => file.version = v(),
                (Some(ns::N8060), "mutable") => file.mutable = Some(XmlBool::from_text(value)),
                (Some(ns::N8060), "patchEvent") => file.patch_event = Some(PatchEvent::from(value)),
                (Some(uri), "hash") if uri != ns::N8060 => {
                    file.hashes
                        .insert(HashAlgorithm::from_namespace(uri), value.to_owned());
                }
                _ => return false,
            }
            true
        });
        file.name = self.require(node, at, "name", name)?;
        file.lang = lang;
        file.attributes = attributes;
        file.content = self.leaf_content(node, at);
        Ok(())
    }

    fn process(&mut self, node: Node<'_, 'i>, at: u32) -> Result<Process, ParseError> {
        let mut process = Process {
            name: self.required(node, at, "name")?,
            ..Process::default()
        };
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, value| {
            match (ns_uri, local) {
                (None, "name") => {}
                (None, "pid") => process.pid = Some(XmlInt::from_text(value)),
                _ => return false,
            }
            true
        });
        process.lang = lang;
        process.attributes = attributes;
        process.content = self.leaf_content(node, at);
        Ok(process)
    }

    fn resource(&mut self, node: Node<'_, 'i>, at: u32) -> Result<Resource, ParseError> {
        let r#type = self.required(node, at, "type")?;
        let (lang, attributes) = self.attributes(node, at, |_, ns_uri, local, _| {
            ns_uri.is_none() && local == "type"
        });
        Ok(Resource {
            r#type,
            lang,
            attributes,
            content: self.leaf_content(node, at),
        })
    }

    /// Reads a foreign subtree and makes it self-contained: bindings it uses that were
    /// declared on an ancestor outside it are added to its root's declarations.
    fn foreign_root(&mut self, node: Node<'_, 'i>) -> ForeignElement {
        let mut scope: Vec<Option<String>> = Vec::new();
        let mut needed: Vec<NamespaceDecl> = Vec::new();
        let mut element = foreign_element(node, &mut scope, &mut needed);
        for decl in needed {
            if !element.namespaces.iter().any(|d| d.prefix == decl.prefix) {
                element.namespaces.push(decl);
            }
        }
        element
    }
}

enum Content<'i> {
    Skip,
    Swid(&'i str),
    Other(ForeignNode),
}

/// Reads a foreign element. `scope` holds the prefixes declared inside the subtree on the
/// way down; bindings used but not in it are collected in `needed`.
fn foreign_element(
    node: Node<'_, '_>,
    scope: &mut Vec<Option<String>>,
    needed: &mut Vec<NamespaceDecl>,
) -> ForeignElement {
    let declared = declared_namespaces(node);
    let mark = scope.len();
    scope.extend(declared.iter().map(|d| d.prefix.clone()));
    let name = element_qname(node);
    // Borrowed until a binding has to be added (most are in scope already).
    let mut need = |prefix: Option<&str>, uri: &str, scope: &Vec<Option<String>>| {
        if prefix == Some("xml") || scope.iter().any(|p| p.as_deref() == prefix) {
            return;
        }
        if !needed.iter().any(|d| d.prefix.as_deref() == prefix) {
            needed.push(NamespaceDecl {
                prefix: prefix.map(str::to_owned),
                uri: uri.to_owned(),
            });
        }
    };
    need(
        name.prefix.as_deref(),
        name.namespace.as_deref().unwrap_or(""),
        scope,
    );
    let mut attributes = Vec::with_capacity(node.attributes().len());
    for attr in node.attributes() {
        let name = QName {
            namespace: attr.namespace().map(str::to_owned),
            prefix: attr_prefix(node, &attr),
            local: attr.name().to_owned(),
        };
        if let (Some(prefix), Some(uri)) = (&name.prefix, &name.namespace) {
            need(Some(prefix), uri, scope);
        }
        attributes.push(Attribute::new(name, attr.value()));
    }
    let mut children = Vec::new();
    for child in node.children() {
        match child.node_type() {
            NodeType::Element => {
                children.push(ForeignNode::Element(foreign_element(child, scope, needed)));
            }
            NodeType::Text => {
                children.push(ForeignNode::Text(child.text().unwrap_or("").to_owned()));
            }
            NodeType::Comment => {
                children.push(ForeignNode::Comment(child.text().unwrap_or("").to_owned()));
            }
            NodeType::PI => {
                if let Some(pi) = child.pi() {
                    children.push(ForeignNode::ProcessingInstruction {
                        target: pi.target.to_owned(),
                        value: pi.value.map(str::to_owned),
                    });
                }
            }
            NodeType::Root => {}
        }
    }
    scope.truncate(mark);
    ForeignElement {
        name,
        namespaces: declared,
        attributes,
        children,
    }
}

/// How many child elements a node has: the usual size of its model's child list (text and
/// comments are rare), so the list is allocated once.
fn element_children(node: Node<'_, '_>) -> usize {
    node.children().filter(Node::is_element).count()
}

/// The raw text of an element's start tag, from `<`.
fn start_tag<'i>(node: Node<'_, 'i>) -> &'i str {
    node.document()
        .input_text()
        .get(node.range().start..)
        .unwrap_or("")
}

/// The element's namespace; `xmlns=""` (which roxmltree reports as `Some("")`) is none.
fn element_ns<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.tag_name().namespace().filter(|ns| !ns.is_empty())
}

fn element_qname(node: Node<'_, '_>) -> QName {
    let raw = start_tag(node);
    let qname = raw
        .get(1..)
        .unwrap_or("")
        .split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .next()
        .unwrap_or("");
    QName {
        namespace: element_ns(node).map(str::to_owned),
        prefix: qname
            .split_once(':')
            .map(|(p, _)| p)
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
        local: node.tag_name().name().to_owned(),
    }
}

fn attr_prefix(node: Node<'_, '_>, attr: &roxmltree::Attribute<'_, '_>) -> Option<String> {
    let qname = node.document().input_text().get(attr.range_qname())?;
    let (prefix, _) = qname.split_once(':')?;
    (!prefix.is_empty()).then(|| prefix.to_owned())
}

/// The namespace declarations written on an element, in document order, found by scanning
/// its start tag (roxmltree reports only the in-scope set).
fn declared_namespaces(node: Node<'_, '_>) -> Vec<NamespaceDecl> {
    let raw = start_tag(node);
    let mut out = Vec::new();
    let bytes = raw.as_bytes();
    // Skip `<` and the element name.
    let mut i = 1;
    while i < bytes.len()
        && !matches!(
            bytes.get(i),
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>')
        )
    {
        i += 1;
    }
    loop {
        while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            i += 1;
        }
        match bytes.get(i) {
            None | Some(b'/' | b'>') => break,
            _ => {}
        }
        let name_start = i;
        while i < bytes.len() && !matches!(bytes.get(i), Some(b'=' | b' ' | b'\t' | b'\r' | b'\n'))
        {
            i += 1;
        }
        let name = raw.get(name_start..i).unwrap_or("");
        while matches!(bytes.get(i), Some(b'=' | b' ' | b'\t' | b'\r' | b'\n')) {
            i += 1;
        }
        let Some(&quote) = bytes.get(i) else { break };
        i += 1;
        while i < bytes.len() && bytes.get(i) != Some(&quote) {
            i += 1;
        }
        i += 1;
        let prefix = if name == "xmlns" {
            None
        } else if let Some(p) = name.strip_prefix("xmlns:") {
            Some(p)
        } else {
            continue;
        };
        let uri = node
            .namespaces()
            .find(|n| n.name() == prefix)
            .map_or("", |n| n.uri());
        out.push(NamespaceDecl {
            prefix: prefix.map(str::to_owned),
            uri: uri.to_owned(),
        });
    }
    out
}

/// The `'static` form of a SWID element or attribute name, so the source map does not
/// allocate for them.
fn static_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "SoftwareIdentity" => "SoftwareIdentity",
        "Entity" => "Entity",
        "Link" => "Link",
        "Meta" => "Meta",
        "Payload" => "Payload",
        "Evidence" => "Evidence",
        "Directory" => "Directory",
        "File" => "File",
        "Process" => "Process",
        "Resource" => "Resource",
        "name" => "name",
        "tagId" => "tagId",
        "tagVersion" => "tagVersion",
        "version" => "version",
        "versionScheme" => "versionScheme",
        "corpus" => "corpus",
        "patch" => "patch",
        "supplemental" => "supplemental",
        "media" => "media",
        "regid" => "regid",
        "role" => "role",
        "thumbprint" => "thumbprint",
        "href" => "href",
        "rel" => "rel",
        "artifact" => "artifact",
        "ownership" => "ownership",
        "type" => "type",
        "use" => "use",
        "activationStatus" => "activationStatus",
        "channelType" => "channelType",
        "colloquialVersion" => "colloquialVersion",
        "description" => "description",
        "edition" => "edition",
        "entitlementDataRequired" => "entitlementDataRequired",
        "entitlementKey" => "entitlementKey",
        "generator" => "generator",
        "persistentId" => "persistentId",
        "product" => "product",
        "productFamily" => "productFamily",
        "revision" => "revision",
        "summary" => "summary",
        "unspscCode" => "unspscCode",
        "unspscVersion" => "unspscVersion",
        "date" => "date",
        "deviceId" => "deviceId",
        "key" => "key",
        "location" => "location",
        "root" => "root",
        "size" => "size",
        "pid" => "pid",
        _ => return None,
    })
}
