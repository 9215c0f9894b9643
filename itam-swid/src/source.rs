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
use std::fmt::{self, Write as _};
use std::sync::{Arc, OnceLock};

use itam_core::{Location, TextPos};
use itam_xml::pos::LineIndex;

/// The positions of elements and attributes in the source text, by path (see the module
/// docs). Kept beside the model, so the model's `PartialEq` ignores positions.
///
/// The reader records one compact entry per element and attribute (a parent link, the last
/// path step and a byte offset) and keeps a shared copy of the text it read. Lines and
/// columns, and the path-to-position index, are computed on the first lookup, so reading
/// stays fast when nobody asks.
///
/// Two maps are equal when they give the same positions to the same paths.
#[derive(Clone, Default)]
pub struct SourceMap {
    /// Plain data (no drop glue): recording and dropping cost no more than the vector.
    entries: Vec<Entry>,
    /// The text of steps that are not `'static` names (foreign elements, unknown
    /// attributes, whole paths given to [`SourceMap::insert`]).
    strings: Vec<String>,
    /// The text the reader's byte offsets point into, with its line index (one per input,
    /// shared by every tag read from it, so the line starts are computed once).
    lines: Option<Arc<LineIndex>>,
    index: OnceLock<BTreeMap<String, TextPos>>,
    /// The schema the document's root namespace named.
    dialect: Dialect,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    parent: Option<u32>,
    step: Step,
    at: At,
}

/// Where an entry is: a byte offset into the map's text (what the reader records), or a
/// line and column given by the caller ([`SourceMap::insert`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Offset(usize),
    Pos(TextPos),
}

#[derive(Debug, Clone, Copy)]
enum Step {
    /// A whole path, as given to [`SourceMap::insert`].
    Raw(Text),
    /// An element step `name[index]` (no index: the root `/name`).
    Element(Text, Option<u32>),
    /// An attribute step `@text`.
    Attribute(Text),
}

/// A step's text: a name known at compile time, or one of the map's `strings`.
#[derive(Debug, Clone, Copy)]
enum Text {
    Static(&'static str),
    Owned(usize),
}

impl PartialEq for SourceMap {
    fn eq(&self, other: &Self) -> bool {
        self.dialect == other.dialect
            && self.entries.len() == other.entries.len()
            && self.index() == other.index()
    }
}

impl Eq for SourceMap {}

impl fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl SourceMap {
    /// An empty map (for a model that was built, not read).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map over the text `lines` indexes (what the reader's offsets point into),
    /// with room for `entries` elements and attributes.
    pub(crate) fn with_lines(lines: Arc<LineIndex>, entries: usize) -> Self {
        Self {
            entries: Vec::with_capacity(entries),
            strings: Vec::new(),
            lines: Some(lines),
            index: OnceLock::new(),
            dialect: Dialect::Iso2015,
        }
    }

    /// The schema the document's namespace named (for a map that was built, not read:
    /// [`Dialect::Iso2015`]).
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The same map, for a document in `dialect`.
    #[must_use]
    pub fn with_dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// Records a position for a whole path.
    pub fn insert(&mut self, path: impl Into<String>, pos: TextPos) {
        let text = self.text_of(Cow::Owned(path.into()));
        self.push(None, Step::Raw(text), At::Pos(pos));
    }

    fn text_of(&mut self, text: Cow<'static, str>) -> Text {
        match text {
            Cow::Borrowed(name) => Text::Static(name),
            Cow::Owned(text) => {
                self.strings.push(text);
                Text::Owned(self.strings.len() - 1)
            }
        }
    }

    fn str(&self, text: Text) -> &str {
        match text {
            Text::Static(name) => name,
            Text::Owned(i) => self.strings.get(i).map_or("", String::as_str),
        }
    }

    fn render_step(&self, out: &mut String, step: Step) {
        match step {
            Step::Raw(path) => out.push_str(self.str(path)),
            Step::Element(name, None) => {
                out.push('/');
                out.push_str(self.str(name));
            }
            Step::Element(name, Some(index)) => {
                let _ = write!(out, "/{}[{index}]", self.str(name));
            }
            Step::Attribute(text) => {
                out.push_str("/@");
                out.push_str(self.str(text));
            }
        }
    }

    fn push(&mut self, parent: Option<u32>, step: Step, at: At) -> u32 {
        if self.index.get().is_some() {
            self.index = OnceLock::new();
        }
        self.entries.push(Entry { parent, step, at });
        u32::try_from(self.entries.len() - 1).unwrap_or(u32::MAX)
    }

    /// Records an element under `parent` (`None`: the root, written `/name`) at byte
    /// `offset` of the map's text; returns its id.
    pub(crate) fn element(
        &mut self,
        parent: Option<u32>,
        name: Cow<'static, str>,
        index: Option<u32>,
        offset: usize,
    ) -> u32 {
        let name = self.text_of(name);
        self.push(parent, Step::Element(name, index), At::Offset(offset))
    }

    /// Records an attribute step (the text after `@`) of element `parent`, at byte `offset`
    /// of the map's text.
    pub(crate) fn attribute(&mut self, parent: u32, step: Cow<'static, str>, offset: usize) {
        let step = self.text_of(step);
        self.push(Some(parent), Step::Attribute(step), At::Offset(offset));
    }

    /// The path of a recorded entry.
    pub(crate) fn path_of(&self, id: u32) -> String {
        let mut steps = Vec::new();
        let mut current = Some(id);
        while let Some(i) = current {
            let Some(entry) = self.entries.get(i as usize) else {
                break;
            };
            steps.push(entry.step);
            current = entry.parent;
        }
        let mut out = String::new();
        for step in steps.into_iter().rev() {
            self.render_step(&mut out, step);
        }
        out
    }

    fn index(&self) -> &BTreeMap<String, TextPos> {
        self.index.get_or_init(|| {
            let lines = self.lines.as_deref();
            let mut element_paths: Vec<Option<String>> = Vec::with_capacity(self.entries.len());
            let mut out = BTreeMap::new();
            for entry in &self.entries {
                let mut path = entry
                    .parent
                    .and_then(|p| element_paths.get(p as usize).cloned().flatten())
                    .unwrap_or_default();
                self.render_step(&mut path, entry.step);
                element_paths.push(matches!(entry.step, Step::Element(..)).then(|| path.clone()));
                let pos = match entry.at {
                    At::Pos(pos) => Some(pos),
                    At::Offset(offset) => lines.map(|l| l.pos(offset)),
                };
                if let Some(pos) = pos {
                    out.insert(path, pos);
                }
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

/// Which SWID schema the document's root namespace named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// ISO/IEC 19770-2:2015.
    #[default]
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

/// A value read from text, with where its parts were ([`SourceMap`], which also says the
/// [`Dialect`]) and what the reader noticed (`findings`, rule ids `READ-`; see
/// [`mod@crate::read`]) — the same shape as `itam_ent::Parsed`.
pub type Parsed<T> = itam_xml::Parsed<T, SourceMap>;

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

    /// Line (from 0) and column (from 1, in characters) at the end of `text`, one char at a time.
    fn naive(text: &str) -> (usize, usize) {
        text.chars().fold((0, 1), |(line, col), c| {
            if c == '\n' {
                (line + 1, 1)
            } else {
                (line, col + 1)
            }
        })
    }

    /// Line (from 1) and column (from 1, in characters) of byte `offset`, char by char.
    fn naive_pos(text: &str, offset: usize) -> TextPos {
        let (line, col) = naive(text.get(..offset).unwrap_or(""));
        TextPos {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            col: u32::try_from(col).unwrap_or(u32::MAX),
        }
    }

    #[test]
    fn lazy_positions_are_lines_and_columns_in_characters() {
        use crate::read::{ReadOptions, read_all_str, read_str};
        let ns = crate::ns::SWID_2015;
        let tag = format!(
            "<SoftwareIdentity xmlns=\"{ns}\" name=\"Café ☕\" tagId=\"t\">\n \
             <Entity name=\"Zoë\" regid=\"é.example\"\n\t role=\"tagCreator\"/>\
             <Payload><File name=\"😀\" size=\"1\"/></Payload></SoftwareIdentity>"
        );
        let parsed = read_str(&tag, &ReadOptions::STRICT).unwrap_or_else(|e| panic!("{e}"));
        let map = &parsed.source_map;
        let expect = |needle: &str| Some(naive_pos(&tag, tag.find(needle).unwrap_or(0)));
        assert_eq!(map.get("/SoftwareIdentity/Entity[1]"), expect("<Entity"));
        assert_eq!(
            map.get("/SoftwareIdentity/Entity[1]/@regid"),
            expect("regid")
        );
        assert_eq!(map.get("/SoftwareIdentity/Entity[1]/@role"), expect("role"));
        assert_eq!(
            map.get("/SoftwareIdentity/Payload[1]/File[1]/@size"),
            expect("size")
        );
        assert_eq!(
            map.get("/SoftwareIdentity/Entity[1]/@role"),
            Some(TextPos { line: 3, col: 3 })
        );

        // Several documents: offsets count from the start of the whole input.
        let input = format!("<?xml version=\"1.0\"?>\n{tag}\n<?xml version=\"1.0\"?>\n{tag}\n");
        let all = read_all_str(&input, &ReadOptions::STRICT).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 2);
        let second = input.rfind("<Entity").unwrap_or(0);
        assert_eq!(
            all.get(1)
                .and_then(|p| p.source_map.get("/SoftwareIdentity/Entity[1]")),
            Some(naive_pos(&input, second))
        );
        // Equal maps: the same paths at the same positions.
        let again = read_str(&tag, &ReadOptions::STRICT).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&again.source_map, map);
        assert_ne!(all.get(1).map(|p| &p.source_map), Some(map));
    }

    /// `count` tags, one per line after their own declaration, as strongTNC writes them.
    fn many_documents(count: usize) -> String {
        let ns = crate::ns::SWID_2015;
        (0..count)
            .map(|i| {
                format!(
                    "<?xml version=\"1.0\"?>\n<SoftwareIdentity xmlns=\"{ns}\" name=\"Zoë {i}\" \
                     tagId=\"t-{i}\"><Entity name=\"E\" regid=\"e.example\" role=\"tagCreator\"/>\
                     </SoftwareIdentity>\n"
                )
            })
            .collect()
    }

    #[test]
    fn the_first_and_last_of_many_documents_have_their_positions() {
        use crate::read::{ReadOptions, read_all_str};
        let input = many_documents(300);
        let all = read_all_str(&input, &ReadOptions::STRICT).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 300);
        let first = input.find("<Entity").unwrap_or(0);
        let last = input.rfind("<Entity").unwrap_or(0);
        let entity = |p: Option<&Parsed<crate::SoftwareIdentity>>| {
            p.and_then(|p| p.source_map.get("/SoftwareIdentity/Entity[1]"))
        };
        assert_eq!(entity(all.first()), Some(naive_pos(&input, first)));
        assert_eq!(entity(all.last()), Some(naive_pos(&input, last)));
        assert_eq!(
            entity(all.last()).map(|p| p.line),
            Some(600),
            "two lines per document"
        );
        // One line index for the whole input, shared by every tag's source map (built once;
        // the next test shows the work is linear).
        let shared = all.first().and_then(|p| p.source_map.lines.clone());
        for parsed in &all {
            let lines = parsed.source_map.lines.as_ref();
            assert!(
                lines
                    .zip(shared.as_ref())
                    .is_some_and(|(a, b)| Arc::ptr_eq(a, b)),
                "every map shares the input's index"
            );
            assert!(parsed.source_map.get("/SoftwareIdentity").is_some());
        }
        assert!(shared.is_some_and(|l| l.scanned() >= input.len()));

        // An error in the last document is reported at its line in the whole input.
        let broken = format!("{input}<?xml version=\"1.0\"?>\n<SoftwareIdentity name=\"x\"\n<");
        match read_all_str(&broken, &ReadOptions::STRICT) {
            Err(crate::ParseError::Xml(itam_xml::XmlError::NotWellFormed { pos, .. })) => {
                assert_eq!(pos.line, 603, "{pos}");
            }
            other => panic!("{other:?}"),
        }
        let dtd = format!("{input}<?xml version=\"1.0\"?>\n<!DOCTYPE x []>\n<x/>\n");
        match read_all_str(&dtd, &ReadOptions::STRICT) {
            Err(crate::ParseError::Xml(itam_xml::XmlError::Dtd { pos })) => {
                assert_eq!(pos, TextPos { line: 602, col: 1 });
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn positions_of_many_documents_cost_work_linear_in_the_input() {
        use crate::read::{ReadOptions, read_all_str};
        let scanned = |count: usize| {
            let input = many_documents(count);
            let all = read_all_str(&input, &ReadOptions::STRICT).unwrap_or_else(|e| panic!("{e}"));
            for parsed in &all {
                let _ = parsed.source_map.iter().count();
            }
            all.first()
                .and_then(|p| p.source_map.lines.as_ref())
                .map_or(0, |l| l.scanned())
        };
        let (small, large) = (scanned(250), scanned(1_000));
        assert!(small > 0);
        assert!(
            large <= 5 * small,
            "4n scanned {large} bytes, n scanned {small}"
        );
    }
}
