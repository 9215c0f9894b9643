//! XML names: [`QName`] and [`NamespaceDecl`], and the checks of the one way every reader and writer of the project uses, so that what
//! is read can be written and what is written can be read (issue 12 point 6).
//!
//! The productions are XML 1.0 (fifth edition) §2.3 `Name` and Namespaces in XML 1.0 §3
//! `NCName` (a `Name` without a colon), the ones the parser the readers use applies. Note
//! that U+FEFF (the byte-order mark, as a character inside a name) is a `NameChar` there:
//! it is read and written like any other name character.
//!
//! ```
//! use itam_xml::name::{is_name, is_ncname, is_pi_target};
//!
//! assert!(is_ncname("Signature") && is_ncname("a\u{FEFF}b") && is_ncname("é.1-x"));
//! assert!(!is_ncname("ds:Signature") && is_name("ds:Signature"));
//! assert!(!is_ncname("1a") && !is_ncname("") && !is_ncname("a b"));
//! assert!(is_pi_target("xml-stylesheet") && !is_pi_target("xml") && !is_pi_target("a:b"));
//! ```

use serde::{Deserialize, Serialize};

/// The `xml:` namespace (`xml:lang`), bound to the prefix `xml` in every document.
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
/// XML-DSig (prefix `ds`): the enveloped `Signature` both formats may carry.
pub const XMLDSIG_NAMESPACE: &str = "http://www.w3.org/2000/09/xmldsig#";

/// An expanded XML name plus the prefix the document used for it.
///
/// The namespace and local name identify the name; the prefix is kept so that a written
/// document looks like the original. The one name type of both format crates
/// (`itam_swid::QName`, `itam_ent::xml::QName`).
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

    /// Whether the name is `{namespace}local`.
    #[must_use]
    pub fn is(&self, namespace: Option<&str>, local: &str) -> bool {
        self.namespace.as_deref() == namespace && self.local == local
    }

    /// Clark notation: `{namespace}local`, or `local` without a namespace.
    #[must_use]
    pub fn clark(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{{{ns}}}{}", self.local),
            None => self.local.clone(),
        }
    }

    /// The name as written: `prefix:local`, or `local`.
    #[must_use]
    pub fn prefixed_name(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.clone(),
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

/// XML 1.0 §2.3 `NameStartChar`, with the colon.
#[must_use]
pub fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 §2.3 `NameChar`, with the colon.
#[must_use]
pub fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c,
            '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// An XML 1.0 `Name` (colons allowed anywhere a name character may be).
#[must_use]
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// A Namespaces in XML `NCName`: a [`Name`](is_name) without a colon. Local names and
/// prefixes are NCNames.
#[must_use]
pub fn is_ncname(s: &str) -> bool {
    !s.contains(':') && is_name(s)
}

/// A Namespaces in XML `QName`: an NCName, or two NCNames joined by one colon (a prefix and a
/// local name). Element and attribute names of a namespace-well-formed document are QNames;
/// XML 1.0 alone also allows `:n` or `a:b:c`, which no writer of the project can write back.
#[must_use]
pub fn is_qname(s: &str) -> bool {
    match s.split_once(':') {
        Some((prefix, local)) => is_ncname(prefix) && is_ncname(local),
        None => is_ncname(s),
    }
}

/// A processing-instruction target a namespace-aware document may carry: an NCName
/// (Namespaces in XML §7: no colon) other than `xml` in any case (XML 1.0 §2.6, reserved).
#[must_use]
pub fn is_pi_target(s: &str) -> bool {
    is_ncname(s) && !s.eq_ignore_ascii_case("xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ranges_edges() {
        for c in [
            '\u{C0}',
            '\u{D6}',
            '\u{F8}',
            '\u{2FF}',
            '\u{37F}',
            '\u{FEFF}',
            '\u{10000}',
        ] {
            assert!(is_name_start_char(c), "{c:?}");
        }
        for c in [
            '\u{D7}',
            '\u{F7}',
            '\u{37E}',
            '\u{2000}',
            '\u{FFFE}',
            '\u{F0000}',
            '-',
            '7',
        ] {
            assert!(!is_name_start_char(c), "{c:?}");
        }
        for c in ['-', '.', '7', '\u{B7}', '\u{300}', '\u{203F}'] {
            assert!(is_name_char(c) && !is_name_start_char(c), "{c:?}");
        }
        assert!(!is_name_char(' ') && !is_name_char('\u{2041}'));
        assert!(is_name(":a") && !is_ncname(":a"));
        assert!(is_ncname("a\u{300}") && !is_ncname("\u{300}a"));
        assert!(is_pi_target("XmL-x") && !is_pi_target("XML"));
        assert!(is_qname("a") && is_qname("ds:Signature"));
        assert!(!is_qname(":n") && !is_qname("a:") && !is_qname("a:b:c") && !is_qname(""));
    }
}
