//! Identifiers: registration ids, tag ids, entitlement ids and asset ids.
//!
//! Every identifier is a string newtype that holds exactly what the document says, so a leniently
//! read document round-trips unchanged. Nothing is checked on construction; each type has a
//! `problems()` method that lists what is wrong with the value, for validators to report.
//!
//! ```
//! use itam_core::id::{RegId, RegIdForm, TagId};
//!
//! let old = RegId::new("regid.1991-06.com.microsoft");
//! assert!(matches!(old.form(), RegIdForm::Regid2009 { year: 1991, month: 6, .. }));
//! assert_eq!(RegId::new("example.com").form(), RegIdForm::Domain);
//! assert!(RegId::default().is_unavailable());
//!
//! let tag = TagId::new("5a0e1d2c-93f4-4c5b-9f6b-6c1d3e5f7a80");
//! assert!(tag.as_uuid().is_some());
//! ```

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Something wrong with an identifier's text.
///
/// These are not errors: identifiers keep whatever the document says, and validators turn
/// problems into [`Finding`](crate::diag::Finding)s with the severity their rule gives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum IdProblem {
    /// The value is empty or only whitespace.
    Blank,
    /// The value starts or ends with whitespace.
    SurroundingWhitespace,
    /// The value contains a control character (such as a newline or NUL).
    ControlCharacter {
        /// Byte offset of the first control character.
        at: usize,
    },
    /// A regid is the placeholder `http://invalid.unavailable` (the schema default).
    Unavailable,
    /// A regid starts with `regid.` but is not `regid.YYYY-MM.reversed.domain[,suffix]`.
    MalformedRegid2009 {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A regid is neither a URI nor a domain name.
    NotDomainOrUri,
}

impl fmt::Display for IdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Blank => f.write_str("identifier is blank"),
            Self::SurroundingWhitespace => {
                f.write_str("identifier has leading or trailing whitespace")
            }
            Self::ControlCharacter { at } => {
                write!(f, "identifier has a control character at byte {at}")
            }
            Self::Unavailable => write!(f, "regid is the placeholder `{UNAVAILABLE_REGID}`"),
            Self::MalformedRegid2009 { reason } => {
                write!(
                    f,
                    "regid is not of the form `regid.YYYY-MM.reversed.domain`: {reason}"
                )
            }
            Self::NotDomainOrUri => f.write_str("regid is neither a domain name nor a URI"),
        }
    }
}

/// Problems every identifier kind shares: blank, surrounding whitespace, control characters.
fn text_problems(s: &str) -> Vec<IdProblem> {
    let mut out = Vec::new();
    if s.trim().is_empty() {
        out.push(IdProblem::Blank);
        return out;
    }
    if s.trim() != s {
        out.push(IdProblem::SurroundingWhitespace);
    }
    if let Some((at, _)) = s.char_indices().find(|(_, c)| c.is_control()) {
        out.push(IdProblem::ControlCharacter { at });
    }
    out
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps the text as it is; nothing is checked.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The text as the document gave it.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the text.
            #[must_use]
            pub fn into_string(self) -> String {
                self.0
            }

            /// The value as a UUID, when it is one (hyphenated, simple, braced or URN form).
            #[must_use]
            pub fn as_uuid(&self) -> Option<uuid::Uuid> {
                uuid::Uuid::try_parse(self.0.trim()).ok()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_id! {
    /// A software tag's identifier (`SoftwareIdentity/@tagId`, ISO/IEC 19770-2:2015 8.6.17).
    ///
    /// Globally unique; a UUID is recommended, otherwise the creator's regid followed by product
    /// and version text.
    TagId
}

string_id! {
    /// An entitlement's identifier (ISO/IEC 19770-3:2016, the Ent's id).
    EntId
}

string_id! {
    /// An organisation's identifier for a configuration item (ISO/IEC 19770-1): an asset tag,
    /// a CMDB key, a serial-derived id. Unique within one CMS.
    AssetId
}

string_id! {
    /// A registration id naming an organisation (`Entity/@regid`).
    ///
    /// Two forms exist: ISO/IEC 19770-2:2009 wrote `regid.YYYY-MM.reversed.domain[,suffix]`
    /// (the month the domain was first registered, then the domain reversed); the 2015 edition
    /// uses a URI or a plain domain name, defaulting to `http://invalid.unavailable`.
    RegId
}

impl TagId {
    /// What is wrong with this tag id: blank, whitespace around it, control characters.
    #[must_use]
    pub fn problems(&self) -> Vec<IdProblem> {
        text_problems(&self.0)
    }
}

impl EntId {
    /// What is wrong with this entitlement id: blank, whitespace around it, control characters.
    #[must_use]
    pub fn problems(&self) -> Vec<IdProblem> {
        text_problems(&self.0)
    }
}

impl AssetId {
    /// What is wrong with this asset id: blank, whitespace around it, control characters.
    #[must_use]
    pub fn problems(&self) -> Vec<IdProblem> {
        text_problems(&self.0)
    }
}

/// The regid the 2015 schema uses when none is given.
pub const UNAVAILABLE_REGID: &str = "http://invalid.unavailable";

impl Default for RegId {
    /// `http://invalid.unavailable`, the schema default (ISO/IEC 19770-2:2015 8.2).
    fn default() -> Self {
        Self(UNAVAILABLE_REGID.to_owned())
    }
}

/// Which form a [`RegId`] is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegIdForm {
    /// The 2009 form `regid.YYYY-MM.reversed.domain[,suffix]`.
    Regid2009 {
        /// Year the domain was first registered.
        year: u16,
        /// Month the domain was first registered, 1 to 12.
        month: u8,
        /// The domain, reversed, as written (`com.microsoft`).
        reversed_domain: String,
        /// Text after a comma (an organisational sub-unit), if any.
        suffix: Option<String>,
    },
    /// A URI with a scheme (`http://example.com`, `urn:…`).
    Uri {
        /// The scheme, lowercased.
        scheme: String,
    },
    /// A plain domain name (`example.com`).
    Domain,
    /// None of the above; [`RegId::problems`] says why.
    Invalid,
}

impl RegId {
    /// Classifies the text into one of the [`RegIdForm`]s.
    #[must_use]
    pub fn form(&self) -> RegIdForm {
        let s = self.0.trim();
        if let Some(rest) = s.strip_prefix("regid.") {
            return match parse_regid_2009(rest) {
                Ok(form) => form,
                Err(_) => RegIdForm::Invalid,
            };
        }
        if let Some(scheme) = uri_scheme(s) {
            return RegIdForm::Uri {
                scheme: scheme.to_ascii_lowercase(),
            };
        }
        if is_domain(s) {
            return RegIdForm::Domain;
        }
        RegIdForm::Invalid
    }

    /// Whether this is the placeholder `http://invalid.unavailable`.
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        self.0.trim().eq_ignore_ascii_case(UNAVAILABLE_REGID)
    }

    /// The domain the regid names, in normal (not reversed) order and lowercase, whatever the
    /// form: `regid.1991-06.com.microsoft` and `http://microsoft.com/` both give `microsoft.com`.
    ///
    /// Useful to compare a 2009 tag's creator with a 2015 tag's. `None` for non-domain URIs.
    #[must_use]
    pub fn domain(&self) -> Option<String> {
        match self.form() {
            RegIdForm::Regid2009 {
                reversed_domain, ..
            } => {
                let mut labels: Vec<&str> = reversed_domain.split('.').collect();
                labels.reverse();
                Some(labels.join(".").to_ascii_lowercase())
            }
            RegIdForm::Domain => Some(self.0.trim().to_ascii_lowercase()),
            RegIdForm::Uri { .. } => {
                let s = self.0.trim();
                let after = s.split_once("://")?.1;
                let host = after.split(['/', '?', '#', ':']).next()?;
                let host = host.rsplit('@').next()?;
                is_domain(host).then(|| host.to_ascii_lowercase())
            }
            RegIdForm::Invalid => None,
        }
    }

    /// What is wrong with this regid, if anything.
    #[must_use]
    pub fn problems(&self) -> Vec<IdProblem> {
        let mut out = text_problems(&self.0);
        if out.contains(&IdProblem::Blank) {
            return out;
        }
        if self.is_unavailable() {
            out.push(IdProblem::Unavailable);
            return out;
        }
        let s = self.0.trim();
        if let Some(rest) = s.strip_prefix("regid.") {
            if let Err(reason) = parse_regid_2009(rest) {
                out.push(IdProblem::MalformedRegid2009 { reason });
            }
        } else if matches!(self.form(), RegIdForm::Invalid) {
            out.push(IdProblem::NotDomainOrUri);
        }
        out
    }
}

fn parse_regid_2009(rest: &str) -> Result<RegIdForm, &'static str> {
    let (main, suffix) = match rest.split_once(',') {
        Some((m, s)) => (m, Some(s.to_owned())),
        None => (rest, None),
    };
    let (date, domain) = main.split_once('.').ok_or("no domain after the date")?;
    let (y, m) = date.split_once('-').ok_or("the date is not YYYY-MM")?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err("the date is not YYYY-MM");
    }
    let year: u16 = y.parse().map_err(|_| "the year is not a number")?;
    let month: u8 = m.parse().map_err(|_| "the month is not a number")?;
    if !(1..=12).contains(&month) {
        return Err("the month is not between 01 and 12");
    }
    if !is_domain(domain) {
        return Err("the reversed domain is not a domain name");
    }
    Ok(RegIdForm::Regid2009 {
        year,
        month,
        reversed_domain: domain.to_owned(),
        suffix,
    })
}

/// The scheme of `s` if it looks like `scheme:rest` (RFC 3986 3.1) with something after the colon.
fn uri_scheme(s: &str) -> Option<&str> {
    let (scheme, rest) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let scheme_ok = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (scheme_ok && !rest.is_empty() && !rest.chars().any(char::is_whitespace)).then_some(scheme)
}

/// A dotted name of LDH labels (letters, digits, hyphens; no label starts or ends with a hyphen).
fn is_domain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regid_2009_form_is_parsed() {
        let r = RegId::new("regid.1991-06.com.microsoft,sub-unit");
        assert_eq!(
            r.form(),
            RegIdForm::Regid2009 {
                year: 1991,
                month: 6,
                reversed_domain: "com.microsoft".into(),
                suffix: Some("sub-unit".into()),
            }
        );
        assert_eq!(r.domain().as_deref(), Some("microsoft.com"));
        assert!(r.problems().is_empty());
    }

    #[test]
    fn regid_2009_malformed_dates_are_problems() {
        for bad in [
            "regid.1991-13.com.x",
            "regid.91-06.com.x",
            "regid.1991-06",
            "regid.1991-06.-bad-",
        ] {
            let problems = RegId::new(bad).problems();
            assert!(
                matches!(problems.as_slice(), [IdProblem::MalformedRegid2009 { .. }]),
                "{bad}: {problems:?}"
            );
            assert_eq!(RegId::new(bad).form(), RegIdForm::Invalid);
        }
    }

    #[test]
    fn regid_2015_forms() {
        assert_eq!(RegId::new("example.com").form(), RegIdForm::Domain);
        assert_eq!(
            RegId::new("http://Example.com/x").form(),
            RegIdForm::Uri {
                scheme: "http".into()
            }
        );
        assert_eq!(
            RegId::new("http://Example.com:80/x").domain().as_deref(),
            Some("example.com")
        );
        assert_eq!(
            RegId::new("urn:isbn:123").form(),
            RegIdForm::Uri {
                scheme: "urn".into()
            }
        );
        assert_eq!(RegId::new("urn:isbn:123").domain(), None);
        assert_eq!(
            RegId::new("not a regid").problems(),
            vec![IdProblem::NotDomainOrUri]
        );
    }

    #[test]
    fn default_regid_is_the_unavailable_placeholder() {
        let r = RegId::default();
        assert_eq!(r.as_str(), "http://invalid.unavailable");
        assert_eq!(r.problems(), vec![IdProblem::Unavailable]);
        assert!(RegId::new("HTTP://invalid.unavailable").is_unavailable());
    }

    #[test]
    fn text_problems_are_reported_not_fixed() {
        let t = TagId::new(" abc\n");
        assert_eq!(t.as_str(), " abc\n");
        assert_eq!(
            t.problems(),
            vec![
                IdProblem::SurroundingWhitespace,
                IdProblem::ControlCharacter { at: 4 }
            ]
        );
        assert_eq!(EntId::new("  ").problems(), vec![IdProblem::Blank]);
        assert!(AssetId::new("A-1").problems().is_empty());
    }

    #[test]
    fn uuid_forms_are_recognised() {
        let u = "5a0e1d2c-93f4-4c5b-9f6b-6c1d3e5f7a80";
        assert!(TagId::new(u).as_uuid().is_some());
        assert!(TagId::new(format!("{{{u}}}")).as_uuid().is_some());
        assert!(TagId::new("com.example.product-1.0").as_uuid().is_none());
    }

    #[test]
    fn json_form_is_a_plain_string() {
        let json = serde_json::to_string(&RegId::new("example.com")).unwrap();
        assert_eq!(json, "\"example.com\"");
        let back: RegId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, "example.com");
    }
}
