//! Typed attribute values that keep their lexical form.
//!
//! A tag may write `patch="1"` or `tagVersion="01"`; both are valid and must be written back
//! as they were. These types hold the text and interpret it on demand.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An `xs:boolean` attribute value (`true`, `false`, `1`, `0`), kept as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct XmlBool(String);

impl XmlBool {
    /// Wraps the text as written; nothing is checked.
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value, when the text is a valid `xs:boolean` (surrounding XML whitespace is
    /// allowed, as the XSD collapses it).
    #[must_use]
    pub fn value(&self) -> Option<bool> {
        match self.0.trim_matches(is_xml_space) {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }

    /// Whether the value is a valid `xs:boolean` that means true.
    #[must_use]
    pub fn is_true(&self) -> bool {
        self.value() == Some(true)
    }
}

impl From<bool> for XmlBool {
    fn from(value: bool) -> Self {
        Self(if value { "true" } else { "false" }.to_owned())
    }
}

impl fmt::Display for XmlBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An `xs:integer` attribute value (`tagVersion`, `File/@size`, `Process/@pid`), kept as
/// written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct XmlInt(String);

impl XmlInt {
    /// Wraps the text as written; nothing is checked.
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value, when the text is a valid `xs:integer` that fits in an `i128`.
    #[must_use]
    pub fn value(&self) -> Option<i128> {
        let text = self.0.trim_matches(is_xml_space);
        let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.strip_prefix('+').unwrap_or(text).parse().ok()
    }
}

impl From<i64> for XmlInt {
    fn from(value: i64) -> Self {
        Self(value.to_string())
    }
}

impl From<u64> for XmlInt {
    fn from(value: u64) -> Self {
        Self(value.to_string())
    }
}

impl fmt::Display for XmlInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// XML whitespace (space, tab, CR, LF).
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_follow_xs_boolean() {
        assert_eq!(XmlBool::new("1").value(), Some(true));
        assert_eq!(XmlBool::new(" false ").value(), Some(false));
        assert_eq!(XmlBool::new("True").value(), None);
        assert_eq!(XmlBool::from(true).as_str(), "true");
    }

    #[test]
    fn integers_follow_xs_integer() {
        assert_eq!(XmlInt::new("+01").value(), Some(1));
        assert_eq!(XmlInt::new("-5").value(), Some(-5));
        assert_eq!(XmlInt::new("1.0").value(), None);
        assert_eq!(XmlInt::new("+").value(), None);
        assert_eq!(XmlInt::new("").value(), None);
    }
}
