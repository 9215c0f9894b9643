//! Where things are in the source text: [`SourceMap`], [`Parsed`], and the path syntax.
//!
//! # Paths
//!
//! A path names an element or attribute of the document, XPath-like, positions from 1 and
//! always written: `/SoftwareIdentity/Entity[2]/@regid`,
//! `/SoftwareIdentity/Payload[1]/Directory[1]/File[3]/@size`. The index counts siblings of
//! the same name. SWID elements use their local name, whatever namespace the document used
//! (2015, a 2014 draft, none). Other steps:
//! - foreign elements: Clark notation, `{http://www.w3.org/2000/09/xmldsig#}Signature[1]`,
//!   and `{}name[1]` for an element in no namespace that is not a SWID element;
//! - `xml:lang`: `@xml:lang`; NISTIR 8060 attributes: `@n8060:mutable`; file hashes:
//!   `@hash[{http://www.w3.org/2001/04/xmlenc#sha256}]`; other qualified attributes:
//!   `@{uri}local`; unqualified ones `@local`.
//!
//! The [`path`] helpers build these strings, so validators and the reader agree.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use itam_core::{Finding, Location, TextPos};

/// The positions of elements and attributes in the source text, by path (see the module
/// docs). Kept beside the model, so the model's `PartialEq` ignores positions.
///
/// The reader records one compact entry per element and attribute (a parent link and the
/// last path step); the path-to-position index is built on the first lookup, so reading
/// stays fast when nobody asks.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    entries: Vec<Entry>,
    index: OnceLock<BTreeMap<String, TextPos>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    parent: Option<u32>,
    step: Step,
    pos: TextPos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// A whole path, as given to [`SourceMap::insert`].
    Raw(String),
    /// An element step `name[index]` (no index: the root `/name`).
    Element(Cow<'static, str>, Option<u32>),
    /// An attribute step `@text`.
    Attribute(Cow<'static, str>),
}

impl PartialEq for SourceMap {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Eq for SourceMap {}

impl SourceMap {
    /// An empty map (for a model that was built, not read).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with room for `entries` elements and attributes.
    pub(crate) fn with_capacity(entries: usize) -> Self {
        Self {
            entries: Vec::with_capacity(entries),
            index: OnceLock::new(),
        }
    }

    /// Records a position for a whole path.
    pub fn insert(&mut self, path: impl Into<String>, pos: TextPos) {
        self.push(None, Step::Raw(path.into()), pos);
    }

    fn push(&mut self, parent: Option<u32>, step: Step, pos: TextPos) -> u32 {
        if self.index.get().is_some() {
            self.index = OnceLock::new();
        }
        self.entries.push(Entry { parent, step, pos });
        u32::try_from(self.entries.len() - 1).unwrap_or(u32::MAX)
    }

    /// Records an element under `parent` (`None`: the root, written `/name`); returns its id.
    pub(crate) fn element(
        &mut self,
        parent: Option<u32>,
        name: Cow<'static, str>,
        index: Option<u32>,
        pos: TextPos,
    ) -> u32 {
        self.push(parent, Step::Element(name, index), pos)
    }

    /// Records an attribute step (the text after `@`) of element `parent`.
    pub(crate) fn attribute(&mut self, parent: u32, step: Cow<'static, str>, pos: TextPos) {
        self.push(Some(parent), Step::Attribute(step), pos);
    }

    /// The path of a recorded entry.
    pub(crate) fn path_of(&self, id: u32) -> String {
        let mut steps = Vec::new();
        let mut current = Some(id);
        while let Some(i) = current {
            let Some(entry) = self.entries.get(i as usize) else {
                break;
            };
            steps.push(&entry.step);
            current = entry.parent;
        }
        let mut out = String::new();
        for step in steps.iter().rev() {
            render_step(&mut out, step);
        }
        out
    }

    fn index(&self) -> &BTreeMap<String, TextPos> {
        self.index.get_or_init(|| {
            let mut element_paths: Vec<Option<String>> = Vec::with_capacity(self.entries.len());
            let mut out = BTreeMap::new();
            for entry in &self.entries {
                let mut path = entry
                    .parent
                    .and_then(|p| element_paths.get(p as usize).cloned().flatten())
                    .unwrap_or_default();
                render_step(&mut path, &entry.step);
                element_paths.push(matches!(entry.step, Step::Element(..)).then(|| path.clone()));
                out.insert(path, entry.pos);
            }
            out
        })
    }

    /// The position of a path. For an attribute that was not written, ask for its element.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<TextPos> {
        self.index().get(path).copied()
    }

    /// The position of `path`, or of its nearest ancestor that has one (so a finding about
    /// a missing attribute points at its element).
    #[must_use]
    pub fn nearest(&self, path: &str) -> Option<TextPos> {
        let index = self.index();
        let mut current = path;
        loop {
            if let Some(pos) = index.get(current) {
                return Some(*pos);
            }
            match current.rfind('/') {
                Some(0) | None => return None,
                Some(i) => current = current.get(..i)?,
            }
        }
    }

    /// A [`Location`] for `path` with the nearest known position.
    #[must_use]
    pub fn location(&self, path: &str) -> Location {
        Location::path(path).with_pos(self.nearest(path))
    }

    /// Every recorded path and position, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, TextPos)> {
        self.index().iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// How many positions are recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no position is recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn render_step(out: &mut String, step: &Step) {
    match step {
        Step::Raw(path) => out.push_str(path),
        Step::Element(name, None) => {
            out.push('/');
            out.push_str(name);
        }
        Step::Element(name, Some(index)) => {
            let _ = write!(out, "/{name}[{index}]");
        }
        Step::Attribute(text) => {
            out.push_str("/@");
            out.push_str(text);
        }
    }
}

/// Which SWID schema the document's root namespace named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// ISO/IEC 19770-2:2015.
    Iso2015,
    /// The 2014 DIS draft namespace.
    Dis2014,
    /// The pre-DIS 2014 draft namespace.
    Draft2014,
    /// No namespace at all.
    NoNamespace,
}

impl Dialect {
    /// The namespace URI (`None` for [`Dialect::NoNamespace`]).
    #[must_use]
    pub const fn namespace(self) -> Option<&'static str> {
        match self {
            Self::Iso2015 => Some(crate::ns::SWID_2015),
            Self::Dis2014 => Some(crate::ns::SWID_2014_DIS),
            Self::Draft2014 => Some(crate::ns::SWID_2014),
            Self::NoNamespace => None,
        }
    }
}

/// A value read from text, with where its parts were and what the reader noticed.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// The model.
    pub tag: T,
    /// Positions of elements and attributes, by path.
    pub source_map: SourceMap,
    /// What the reader noticed but could read past (draft namespace, a required attribute
    /// missing in lax mode…). Rule ids start with `READ-`; see [`crate::read`].
    pub findings: Vec<Finding>,
    /// The schema the document's namespace named.
    pub dialect: Dialect,
}

/// Builders for [`SourceMap`] paths.
pub mod path {
    use crate::model::{HashAlgorithm, QName};

    /// The root element's path.
    pub const ROOT: &str = "/SoftwareIdentity";

    /// A child element step: `child("/SoftwareIdentity", "Entity", 2)` is
    /// `/SoftwareIdentity/Entity[2]`.
    #[must_use]
    pub fn child(parent: &str, name: &str, index: usize) -> String {
        format!("{parent}/{name}[{index}]")
    }

    /// A foreign element step in Clark notation (`{ns}local[n]`, `{}local[n]`).
    #[must_use]
    pub fn foreign_child(parent: &str, name: &QName, index: usize) -> String {
        let ns = name.namespace.as_deref().unwrap_or("");
        format!("{parent}/{{{ns}}}{}[{index}]", name.local)
    }

    /// An unqualified attribute: `attr(p, "regid")` is `p/@regid`.
    #[must_use]
    pub fn attr(element: &str, name: &str) -> String {
        format!("{element}/@{name}")
    }

    /// A qualified or unqualified foreign attribute (`p/@{uri}local` or `p/@local`).
    #[must_use]
    pub fn foreign_attr(element: &str, name: &QName) -> String {
        match &name.namespace {
            Some(ns) => format!("{element}/@{{{ns}}}{}", name.local),
            None => format!("{element}/@{}", name.local),
        }
    }

    /// `xml:lang` on an element.
    #[must_use]
    pub fn lang(element: &str) -> String {
        format!("{element}/@xml:lang")
    }

    /// A NISTIR 8060 attribute (`p/@n8060:mutable`).
    #[must_use]
    pub fn n8060(element: &str, local: &str) -> String {
        format!("{element}/@n8060:{local}")
    }

    /// A file hash attribute (`p/@hash[{uri}]`).
    #[must_use]
    pub fn hash(element: &str, algorithm: &HashAlgorithm) -> String {
        format!("{element}/@hash[{{{}}}]", algorithm.namespace())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_falls_back_to_ancestors() {
        let mut map = SourceMap::new();
        map.insert("/SoftwareIdentity", TextPos { line: 1, col: 1 });
        map.insert("/SoftwareIdentity/Entity[1]", TextPos { line: 2, col: 3 });
        assert_eq!(
            map.nearest("/SoftwareIdentity/Entity[1]/@regid"),
            Some(TextPos { line: 2, col: 3 })
        );
        assert_eq!(
            map.nearest("/SoftwareIdentity/Link[4]"),
            Some(TextPos { line: 1, col: 1 })
        );
        assert_eq!(map.nearest("/Other"), None);
        let loc = map.location("/SoftwareIdentity/Entity[1]/@role");
        assert_eq!(loc.pos, Some(TextPos { line: 2, col: 3 }));
        assert_eq!(
            path::child(path::ROOT, "Entity", 2),
            "/SoftwareIdentity/Entity[2]"
        );
    }
}
