//! [`SmallString`]: an immutable string kept in place when short.

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest text kept in place (the rest of the value's 24 bytes hold its length and
/// which form it has).
const INLINE: usize = 22;

/// An immutable string that keeps up to 22 bytes in place and longer text on the heap:
/// the type of [`File::name`](super::File::name) and
/// [`Directory::name`](super::Directory::name), so that reading a tag's thousands of file
/// names allocates nothing for them.
///
/// It reads as a `&str` ([`Deref`], [`AsRef`], [`Borrow`], [`SmallString::as_str`]);
/// compares, orders and hashes as its text; displays and serialises as a plain string;
/// converts from `&str`, `String`, `Box<str>` and `Cow<str>`, and into `String`. To change
/// one, assign a new value.
///
/// The crate forbids `unsafe` code, so reading text kept in place checks that it is UTF-8
/// (it always is): a few instructions per byte on each [`SmallString::as_str`] of a short
/// value. Equality and ordering compare bytes and check nothing, and so does the XML writer,
/// which copies a name through [`SmallString::as_bytes`].
#[derive(Clone)]
pub struct SmallString(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl SmallString {
    /// The empty string.
    pub const EMPTY: Self = Self(Repr::Inline {
        len: 0,
        bytes: [0; INLINE],
    });

    /// A copy of `text` (in place when it is 22 bytes or fewer).
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut bytes = [0; INLINE];
        match (bytes.get_mut(..text.len()), u8::try_from(text.len())) {
            (Some(slot), Ok(len)) => {
                slot.copy_from_slice(text.as_bytes());
                Self(Repr::Inline { len, bytes })
            }
            _ => Self(Repr::Heap(Box::from(text))),
        }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid: the bytes were copied from a `str` (see `new`).
            Repr::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            Repr::Heap(text) => text,
        }
    }

    /// The text's bytes (without the UTF-8 check of [`SmallString::as_str`]).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Heap(text) => text.as_bytes(),
        }
    }

    /// Whether the text is kept in place (22 bytes or fewer).
    #[must_use]
    pub const fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    /// The text as a `String`.
    #[must_use]
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Inline { .. } => self.as_str().to_owned(),
            Repr::Heap(text) => text.into_string(),
        }
    }
}

impl Default for SmallString {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl Deref for SmallString {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SmallString {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SmallString {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SmallString {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<&String> for SmallString {
    fn from(text: &String) -> Self {
        Self::new(text)
    }
}

impl From<String> for SmallString {
    fn from(text: String) -> Self {
        if text.len() <= INLINE {
            Self::new(&text)
        } else {
            Self(Repr::Heap(text.into_boxed_str()))
        }
    }
}

impl From<Box<str>> for SmallString {
    fn from(text: Box<str>) -> Self {
        if text.len() <= INLINE {
            Self::new(&text)
        } else {
            Self(Repr::Heap(text))
        }
    }
}

impl From<Cow<'_, str>> for SmallString {
    fn from(text: Cow<'_, str>) -> Self {
        match text {
            Cow::Borrowed(text) => Self::new(text),
            Cow::Owned(text) => Self::from(text),
        }
    }
}

impl From<SmallString> for String {
    fn from(text: SmallString) -> Self {
        text.into_string()
    }
}

impl PartialEq for SmallString {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SmallString {}

impl PartialOrd for SmallString {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The order of `str` (byte-wise, which is code point order).
impl Ord for SmallString {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

/// Hashes as `str`, as [`Borrow<str>`] requires.
impl Hash for SmallString {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for SmallString {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for SmallString {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<String> for SmallString {
    fn eq(&self, other: &String) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<SmallString> for str {
    fn eq(&self, other: &SmallString) -> bool {
        other == self
    }
}

impl PartialEq<SmallString> for &str {
    fn eq(&self, other: &SmallString) -> bool {
        other == self
    }
}

impl PartialEq<SmallString> for String {
    fn eq(&self, other: &SmallString) -> bool {
        other == self
    }
}

impl fmt::Display for SmallString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SmallString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for SmallString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SmallString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Cow::<'de, str>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_in_place_long_text_on_the_heap() {
        assert_eq!(size_of::<SmallString>(), 24);
        assert_eq!(size_of::<Option<SmallString>>(), 24);
        for text in [
            "",
            "a",
            ".bash_logout",
            "exactly-22-bytes-long!",
            "exactly-23-bytes-long!!",
            "é😀 non-ASCII, in place",
            "libsomething-with-a-long-name.so.12.4.1",
        ] {
            let from_str = SmallString::from(text);
            let from_string = SmallString::from(text.to_owned());
            let from_box = SmallString::from(Box::<str>::from(text));
            assert_eq!(from_str.is_inline(), text.len() <= INLINE, "{text}");
            for s in [&from_str, &from_string, &from_box] {
                assert_eq!(s.as_str(), text);
                assert_eq!(s.is_inline(), text.len() <= INLINE, "{text}");
                assert_eq!(*s, text);
                assert_eq!(text, *s);
                assert_eq!(s.to_string(), text);
                assert_eq!(format!("{s:?}"), format!("{text:?}"));
                assert_eq!(s.clone().into_string(), text);
            }
        }
    }

    #[test]
    fn orders_and_hashes_as_str() {
        use std::collections::hash_map::DefaultHasher;
        let texts = [
            "",
            "B",
            "a",
            "ab",
            "abc-very-long-text-on-the-heap",
            "é",
            "z",
        ];
        for a in texts {
            for b in texts {
                let (sa, sb) = (SmallString::from(a), SmallString::from(b));
                assert_eq!(sa.cmp(&sb), a.cmp(b), "{a} {b}");
                assert_eq!(sa == sb, a == b);
            }
            let hash = |h: &dyn Fn(&mut DefaultHasher)| {
                let mut state = DefaultHasher::new();
                h(&mut state);
                state.finish()
            };
            let s = SmallString::from(a);
            assert_eq!(hash(&|st| s.hash(st)), hash(&|st| a.hash(st)));
        }
    }

    #[test]
    fn json_form_is_a_string() -> Result<(), serde_json::Error> {
        for text in ["x", "a \"quoted\" name that is long enough for the heap"] {
            let s = SmallString::from(text);
            let json = serde_json::to_string(&s)?;
            assert_eq!(json, serde_json::to_string(text)?);
            assert_eq!(serde_json::from_str::<SmallString>(&json)?, s);
        }
        Ok(())
    }
}
