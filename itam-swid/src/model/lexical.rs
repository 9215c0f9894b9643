//! Typed attribute values that keep their lexical form.
//!
//! A tag may write `patch="1"` or `tagVersion="01"`; both are valid and must be written back
//! as they were. These types hold the text and interpret it on demand.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The text of a lexical value, stored without a heap allocation when it is short (a tag's
/// booleans and integers almost always are). Private: only [`Text::as_str`] is observable, so
/// equality, order, hashing, `Debug` and serde all go through the text.
#[derive(Clone)]
enum Text {
    /// A literal (`true`, `false`, `1`, `0`).
    Static(&'static str),
    /// Up to [`INLINE`] bytes of UTF-8 (`len` of them are used).
    Inline { len: u8, buf: [u8; INLINE] },
    /// Anything longer.
    Owned(String),
}

/// Bytes kept inline: with the length byte and the variant tag, a `Text` is no larger than
/// a `String`.
const INLINE: usize = 22;

impl Text {
    fn from_text(raw: &str) -> Self {
        match raw {
            "true" => Self::Static("true"),
            "false" => Self::Static("false"),
            "1" => Self::Static("1"),
            "0" => Self::Static("0"),
            _ => {
                let mut buf = [0u8; INLINE];
                match (buf.get_mut(..raw.len()), u8::try_from(raw.len())) {
                    (Some(slot), Ok(len)) => {
                        slot.copy_from_slice(raw.as_bytes());
                        Self::Inline { len, buf }
                    }
                    _ => Self::Owned(raw.to_owned()),
                }
            }
        }
    }

    fn from_string(raw: String) -> Self {
        if raw.len() <= INLINE {
            Self::from_text(&raw)
        } else {
            Self::Owned(raw)
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Self::Static(s) => s,
            // Always valid: the bytes were copied from a `&str`.
            Self::Inline { len, buf } => buf
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Self::Owned(s) => s,
        }
    }
}

/// Equality, order, hashing, `Debug` and serde of a newtype over [`Text`], all by its text
/// (as the derived impls over a `String` did).
macro_rules! text_newtype {
    ($name:ident) => {
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl Eq for $name {}
        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> Ordering {
                self.as_str().cmp(other.as_str())
            }
        }
        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name))
                    .field(&self.as_str())
                    .finish()
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::new)
            }
        }
        impl $name {
            /// As `new`, from borrowed text: short values are stored without allocating.
            pub(crate) fn from_text(raw: &str) -> Self {
                Self(Text::from_text(raw))
            }
        }
    };
}

text_newtype!(XmlBool);
text_newtype!(XmlInt);

/// An `xs:boolean` attribute value (`true`, `false`, `1`, `0`), kept as written.
#[derive(Clone)]
pub struct XmlBool(Text);

impl XmlBool {
    /// Wraps the text as written; nothing is checked.
    pub fn new(raw: impl Into<String>) -> Self {
        Self(Text::from_string(raw.into()))
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The value, when the text is a valid `xs:boolean` (surrounding XML whitespace is
    /// allowed, as the XSD collapses it).
    #[must_use]
    pub fn value(&self) -> Option<bool> {
        match self.as_str().trim_matches(is_xml_space) {
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
        Self(Text::Static(if value { "true" } else { "false" }))
    }
}

impl fmt::Display for XmlBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `xs:integer` attribute value (`tagVersion`, `File/@size`, `Process/@pid`), kept as
/// written.
#[derive(Clone)]
pub struct XmlInt(Text);

impl XmlInt {
    /// Wraps the text as written; nothing is checked.
    pub fn new(raw: impl Into<String>) -> Self {
        Self(Text::from_string(raw.into()))
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The value, when the text is a valid `xs:integer` that fits in an `i128`.
    #[must_use]
    pub fn value(&self) -> Option<i128> {
        let text = self.as_str().trim_matches(is_xml_space);
        let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.strip_prefix('+').unwrap_or(text).parse().ok()
    }
}

impl From<i64> for XmlInt {
    fn from(value: i64) -> Self {
        Self(Text::from_string(value.to_string()))
    }
}

impl From<u64> for XmlInt {
    fn from(value: u64) -> Self {
        Self(Text::from_string(value.to_string()))
    }
}

impl fmt::Display for XmlInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    fn representation_is_invisible() {
        // Borrowed and owned construction, short (inline), boundary and long (heap) texts
        // compare, order, print and serialise by their text alone.
        for raw in [
            "1",
            "true",
            "",
            "0018",
            &"9".repeat(INLINE),
            &"9".repeat(INLINE + 1),
        ] {
            let a = XmlInt::from_text(raw);
            let b = XmlInt::new(raw.to_owned());
            assert_eq!(a, b);
            assert_eq!(a.as_str(), raw);
            assert_eq!(format!("{a:?}"), format!("XmlInt({raw:?})"));
            let json = serde_json::to_string(&a).unwrap_or_default();
            assert_eq!(json, serde_json::to_string(raw).unwrap_or_default());
            assert_eq!(serde_json::from_str::<XmlInt>(&json).ok(), Some(b));
            assert_eq!(XmlBool::from_text(raw).as_str(), raw);
        }
        assert!(XmlInt::from_text("10") < XmlInt::new("9".repeat(30)));
        assert!(XmlBool::from(false) < XmlBool::from_text("true"));
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
