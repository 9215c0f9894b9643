//! What both writers need to emit well-formed XML 1.0: escaping with the character check, and
//! the checks of comments and processing instructions, with one [`WriteError`].
//!
//! ```
//! use itam_xml::write::{Context, escape, check_comment, check_pi};
//!
//! assert_eq!(escape("a < b & \"c\"", Context::Attribute).unwrap(), "a &lt; b &amp; &quot;c&quot;");
//! assert_eq!(escape("tab\there", Context::Text).unwrap(), "tab\there");
//! assert_eq!(escape("nul\0", Context::Text).unwrap_err(), '\0');
//! assert!(check_comment(" fine ").is_ok() && check_comment("a--b").is_err());
//! assert!(check_pi("xml-stylesheet", Some("href=\"a\"")).is_ok());
//! assert!(check_pi("a:b", None).is_err() && check_pi("xml", None).is_err());
//! ```

use std::borrow::Cow;

use crate::name::is_pi_target;

/// Why a model could not be written as well-formed XML (`itam_swid::WriteError`,
/// `itam_ent::WriteError`). `path` names the element or attribute in the format crate's path
/// syntax (`/SoftwareIdentity/Entity[1]/@name`, `/Ent/Right[2]`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A value holds a character XML 1.0 cannot represent (such as NUL).
    #[error("`{path}` holds a character xml cannot represent (U+{code:04X})")]
    InvalidChar {
        /// Path of the element or attribute.
        path: String,
        /// The character's code point.
        code: u32,
    },
    /// An element, attribute or prefix name is not a valid XML name.
    #[error("`{name}` at `{path}` is not a valid xml name")]
    InvalidName {
        /// The name.
        name: String,
        /// Path of the element.
        path: String,
    },
    /// A comment or processing instruction cannot be written as given (`--` in a comment,
    /// `?>` in a PI, a PI target `xml` or with a colon).
    #[error("{what} at `{path}` cannot be written as xml")]
    InvalidMarkup {
        /// What it is (`comment`, `processing instruction`).
        what: &'static str,
        /// Path of the parent element.
        path: String,
    },
    /// The XML writer failed.
    #[error("xml writer failed: {0}")]
    Writer(String),
}

/// Whether a character may appear in an XML 1.0 document (§2.2 `Char`).
#[must_use]
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Where an escaped value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// An attribute value in double quotes: `"`, tab and newline are escaped too, so that
    /// attribute-value normalisation gives the value back.
    Attribute,
    /// Character data.
    Text,
}

/// Bytes that make a value leave the escaping fast path: a control character, a markup
/// character, or 0xEF, the lead byte of U+FFFE and U+FFFF.
const NEEDS_CARE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[0xEF] = true;
    table
};

/// Whether `bytes` may need escaping or hold a character XML cannot represent (a markup or
/// control character, or a lead byte of U+FFFE/U+FFFF): when not, they are written as they are.
#[must_use]
pub fn needs_care(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| NEEDS_CARE[usize::from(b)])
}

fn escaped(c: char, context: Context) -> Option<&'static str> {
    let attribute = context == Context::Attribute;
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' if attribute => "&quot;",
        '\t' if attribute => "&#9;",
        '\n' if attribute => "&#10;",
        '\r' => "&#13;",
        _ => return None,
    })
}

/// Appends `value` to `out`, escaped for `context`.
///
/// # Errors
/// The first character XML 1.0 cannot represent (what came before it has been appended:
/// callers discard `out` on error).
pub fn escape_into(out: &mut Vec<u8>, value: &str, context: Context) -> Result<(), char> {
    if !needs_care(value.as_bytes()) {
        out.extend_from_slice(value.as_bytes());
        return Ok(());
    }
    let mut utf8 = [0; 4];
    for c in value.chars() {
        match escaped(c, context) {
            Some(e) => out.extend_from_slice(e.as_bytes()),
            None if is_xml_char(c) => out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes()),
            None => return Err(c),
        }
    }
    Ok(())
}

/// `value` escaped for `context` (borrowed when nothing needs escaping).
///
/// # Errors
/// The first character XML 1.0 cannot represent.
pub fn escape(value: &str, context: Context) -> Result<Cow<'_, str>, char> {
    if !needs_care(value.as_bytes()) {
        return Ok(Cow::Borrowed(value));
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match escaped(c, context) {
            Some(e) => out.push_str(e),
            None if is_xml_char(c) => out.push(c),
            None => return Err(c),
        }
    }
    Ok(Cow::Owned(out))
}

/// Why a comment or processing instruction cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkupError {
    /// A character XML 1.0 cannot represent.
    Char(char),
    /// `--` inside or `-` at the end of a comment; `?>` in a PI's data; a PI target that is
    /// not an NCName or is `xml`.
    Markup,
}

/// Checks a comment's text (XML 1.0 §2.5: no `--`, not ending in `-`, only `Char`s).
///
/// # Errors
/// What makes it unwritable.
pub fn check_comment(text: &str) -> Result<(), MarkupError> {
    if text.contains("--") || text.ends_with('-') {
        return Err(MarkupError::Markup);
    }
    match text.chars().find(|&c| !is_xml_char(c)) {
        Some(c) => Err(MarkupError::Char(c)),
        None => Ok(()),
    }
}

/// Checks a processing instruction: the target is a namespace-well-formed one
/// ([`is_pi_target`]: an NCName other than `xml`; both readers refuse any other, so what is
/// read can be written) and the data has no `?>` and only `Char`s.
///
/// # Errors
/// What makes it unwritable.
pub fn check_pi(target: &str, data: Option<&str>) -> Result<(), MarkupError> {
    if !is_pi_target(target) || data.is_some_and(|d| d.contains("?>")) {
        return Err(MarkupError::Markup);
    }
    match data.and_then(|d| d.chars().find(|&c| !is_xml_char(c))) {
        Some(c) => Err(MarkupError::Char(c)),
        None => Ok(()),
    }
}

impl WriteError {
    /// The error for a comment (`what` = `"comment"`) or PI that [`check_comment`] or
    /// [`check_pi`] refused, at `path`.
    #[must_use]
    pub fn markup(what: &'static str, error: MarkupError, path: &str) -> Self {
        match error {
            MarkupError::Char(c) => Self::InvalidChar {
                path: path.to_owned(),
                code: u32::from(c),
            },
            MarkupError::Markup => Self::InvalidMarkup {
                what,
                path: path.to_owned(),
            },
        }
    }

    /// The error for a character [`escape`] refused, at `path`.
    #[must_use]
    pub fn char(c: char, path: &str) -> Self {
        Self::InvalidChar {
            path: path.to_owned(),
            code: u32::from(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_escapes_agree_on_every_interesting_character() {
        let samples = [
            "",
            "plain",
            "a&b",
            "<>",
            "\"q\"",
            "t\tn\nr\r",
            "é\u{FFFD}",
            "\u{FFFE}",
            "\u{FFFF}",
            "x\u{1}y",
            "\u{EFFF}ok",
        ];
        for s in samples {
            for context in [Context::Attribute, Context::Text] {
                let mut bytes = Vec::new();
                let into = escape_into(&mut bytes, s, context);
                let cow = escape(s, context);
                match (into, cow) {
                    (Ok(()), Ok(text)) => assert_eq!(String::from_utf8(bytes).unwrap(), text),
                    (Err(a), Err(b)) => assert_eq!(a, b),
                    (a, b) => panic!("{s:?}: {a:?} vs {b:?}"),
                }
            }
        }
        assert_eq!(escape("\u{EFFF}ok", Context::Text).unwrap(), "\u{EFFF}ok");
        assert_eq!(escape("t\tn\n", Context::Attribute).unwrap(), "t&#9;n&#10;");
        assert_eq!(escape("t\tn\n", Context::Text).unwrap(), "t\tn\n");
    }

    #[test]
    fn markup_checks() {
        assert_eq!(check_comment("end-"), Err(MarkupError::Markup));
        assert_eq!(check_comment("a\u{0}"), Err(MarkupError::Char('\0')));
        assert_eq!(check_pi("t", Some("a ?> b")), Err(MarkupError::Markup));
        assert_eq!(
            check_pi("t", Some("\u{FFFF}")),
            Err(MarkupError::Char('\u{FFFF}'))
        );
        assert_eq!(check_pi("XmL", None), Err(MarkupError::Markup));
        assert!(check_pi("xml-model", Some("href='x'")).is_ok());
    }
}
