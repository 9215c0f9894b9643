//! Versions, version schemes and version ranges.
//!
//! ISO/IEC 19770-2:2015 declares how a version string is to be compared with `versionScheme`
//! (8.6.21): `multipartnumeric` (the default), `multipartnumeric+suffix`, `alphanumeric`,
//! `decimal`, `semver` and `unknown`, and tags in the wild use others (`rpm`…). A [`Version`]
//! keeps the text exactly as written plus the declared scheme; each scheme gives a **total
//! order** over *all* strings, so malformed versions still sort somewhere predictable:
//!
//! | scheme | precedence |
//! |---|---|
//! | `multipartnumeric` | dot-separated integers compared numerically (any size), missing parts count as 0 (`1.2` = `1.2.0`) |
//! | `multipartnumeric+suffix` | the numeric part as above, then the suffix: none before any, suffixes in natural order (`1.2a` < `1.2b` < `1.2b10`) |
//! | `alphanumeric` | the text, character by character (Unicode scalar order) |
//! | `decimal` | the value as an exact decimal number (`1.25` < `1.3`, `1.30` = `1.3`) |
//! | `semver` | Semantic Versioning 2.0.0 precedence, as the `semver` crate computes it |
//! | `unknown`, any other | a best-effort natural order: digit runs numerically, the rest as text |
//!
//! Text that does not fit its scheme sorts after every well-formed value of that scheme, in
//! natural order. *Precedence* ([`VersionScheme::compare`]) may call two different texts
//! equal (`1.2` and `1.2.0`); the [`Ord`] on [`Version`] breaks such ties by the text, so it is
//! consistent with `Eq`.
//!
//! ```
//! use itam_core::version::{Version, VersionRange, VersionScheme};
//! use std::cmp::Ordering;
//!
//! let scheme = VersionScheme::MultipartNumeric;
//! assert_eq!(scheme.compare("1.10", "1.9"), Ordering::Greater);
//! assert_eq!(scheme.compare("1.2", "1.2.0"), Ordering::Equal);
//!
//! let range: VersionRange = "[1.0,2.0)".parse().unwrap();
//! assert!(range.contains("1.9.9"));
//! assert!(!range.contains("2.0"));
//!
//! let v = Version::new("2.0.0-rc.1", VersionScheme::Semver);
//! assert!(v < Version::new("2.0.0", VersionScheme::Semver));
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How version strings are to be compared (`versionScheme`; ISO/IEC 19770-2:2015 8.6.21,
/// RFC 9393 §4.1 `version-scheme`). An open vocabulary: unknown names are kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[non_exhaustive]
pub enum VersionScheme {
    /// `multipartnumeric`: integers separated by dots. The schema default.
    #[default]
    MultipartNumeric,
    /// `multipartnumeric+suffix`: integers separated by dots, then a textual suffix.
    MultipartNumericSuffix,
    /// `alphanumeric`: plain text, compared character by character.
    Alphanumeric,
    /// `decimal`: a decimal number.
    Decimal,
    /// `semver`: Semantic Versioning 2.0.0.
    Semver,
    /// `unknown`: the order is not known.
    Unknown,
    /// Any other scheme name, kept as written (e.g. `rpm`).
    Other(String),
}

impl VersionScheme {
    /// Every predefined scheme, in the order of ISO/IEC 19770-2:2015 Table 1.
    pub const KNOWN: &'static [Self] = &[
        Self::MultipartNumeric,
        Self::MultipartNumericSuffix,
        Self::Alphanumeric,
        Self::Decimal,
        Self::Semver,
        Self::Unknown,
    ];

    /// The scheme's name as written in a tag.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::MultipartNumeric => "multipartnumeric",
            Self::MultipartNumericSuffix => "multipartnumeric+suffix",
            Self::Alphanumeric => "alphanumeric",
            Self::Decimal => "decimal",
            Self::Semver => "semver",
            Self::Unknown => "unknown",
            Self::Other(name) => name,
        }
    }

    /// Whether this is one of the six schemes ISO/IEC 19770-2:2015 names.
    #[must_use]
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Other(_))
    }

    /// Whether `text` is well formed for this scheme. `unknown` and other schemes accept
    /// any non-blank text.
    #[must_use]
    pub fn accepts(&self, text: &str) -> bool {
        match self {
            Self::MultipartNumeric => parse_multipart(text).is_some(),
            Self::MultipartNumericSuffix => parse_multipart_suffix(text).is_some(),
            Self::Alphanumeric | Self::Unknown | Self::Other(_) => !text.trim().is_empty(),
            Self::Decimal => parse_decimal(text).is_some(),
            Self::Semver => semver::Version::parse(text).is_ok(),
        }
    }

    /// Compares two version texts by this scheme's precedence. A total preorder: two
    /// different texts may be equal in precedence (`1.2` and `1.2.0`).
    #[must_use]
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        match self {
            Self::MultipartNumeric => {
                well_formed_first(parse_multipart(a), parse_multipart(b), a, b, |x, y| {
                    cmp_numeric_parts(&x, &y)
                })
            }
            Self::MultipartNumericSuffix => well_formed_first(
                parse_multipart_suffix(a),
                parse_multipart_suffix(b),
                a,
                b,
                |(xn, xs), (yn, ys)| {
                    cmp_numeric_parts(&xn, &yn).then_with(|| match (xs, ys) {
                        (None, None) => Ordering::Equal,
                        (None, Some(_)) => Ordering::Less,
                        (Some(_), None) => Ordering::Greater,
                        (Some(x), Some(y)) => natural_cmp(x, y),
                    })
                },
            ),
            Self::Alphanumeric => a.cmp(b),
            Self::Decimal => {
                well_formed_first(parse_decimal(a), parse_decimal(b), a, b, |x, y| x.cmp(&y))
            }
            Self::Semver => well_formed_first(
                semver::Version::parse(a).ok(),
                semver::Version::parse(b).ok(),
                a,
                b,
                |x, y| x.cmp_precedence(&y),
            ),
            Self::Unknown | Self::Other(_) => natural_cmp(a, b),
        }
    }

    /// A total order consistent with text equality: [`compare`](Self::compare), then (for
    /// semver) build metadata as the `semver` crate orders it, then the text itself.
    #[must_use]
    pub fn total_cmp(&self, a: &str, b: &str) -> Ordering {
        let by_scheme = match self {
            Self::Semver => match (semver::Version::parse(a), semver::Version::parse(b)) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                _ => self.compare(a, b),
            },
            _ => self.compare(a, b),
        };
        by_scheme.then_with(|| a.cmp(b))
    }

    /// The major version of `text`: its first numeric component, read by this scheme, as
    /// a downgrade depth of *N previous major versions* counts it
    /// ([`DowngradeDepth`](crate::estate::DowngradeDepth)).
    ///
    /// | scheme | major version |
    /// |---|---|
    /// | `multipartnumeric`, `multipartnumeric+suffix` | the first dot-separated integer (`10` of `10.2.1`, of `10.2b`) |
    /// | `decimal` | the integer part of a value that is not negative (`2` of `2.75`) |
    /// | `semver` | the major number (`3` of `3.1.0-rc.1`) |
    /// | `alphanumeric`, `unknown`, any other | the leading run of digits, when the text starts with one (`2019` of `2019 R2`) |
    ///
    /// None when the text is not well formed for its scheme, has no such component, or the
    /// number exceeds `u64` (leading zeros do not count: `007` is 7).
    ///
    /// ```
    /// use itam_core::VersionScheme;
    /// assert_eq!(VersionScheme::MultipartNumeric.major("10.2.1"), Some(10));
    /// assert_eq!(VersionScheme::Semver.major("3.1.0-rc.1"), Some(3));
    /// assert_eq!(VersionScheme::Unknown.major("2019 R2"), Some(2019));
    /// assert_eq!(VersionScheme::MultipartNumeric.major("beta"), None);
    /// ```
    #[must_use]
    pub fn major(&self, text: &str) -> Option<u64> {
        fn number(digits: &str) -> Option<u64> {
            strip_zeros(digits).parse().ok()
        }
        match self {
            Self::MultipartNumeric => parse_multipart(text)?.first().copied().and_then(number),
            Self::MultipartNumericSuffix => parse_multipart_suffix(text)?
                .0
                .first()
                .copied()
                .and_then(number),
            Self::Decimal => {
                let d = parse_decimal(text)?;
                let zero = d.int == "0" && d.frac.is_empty();
                (!d.negative || zero).then(|| number(d.int)).flatten()
            }
            Self::Semver => semver::Version::parse(text).ok().map(|v| v.major),
            Self::Alphanumeric | Self::Unknown | Self::Other(_) => {
                let end = text
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(text.len());
                text.get(..end).filter(|d| !d.is_empty()).and_then(number)
            }
        }
    }
}

impl fmt::Display for VersionScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VersionScheme {
    type Err = std::convert::Infallible;

    /// Recognises the six ISO names exactly (the schema is case-sensitive); anything else
    /// becomes [`VersionScheme::Other`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "multipartnumeric" => Self::MultipartNumeric,
            "multipartnumeric+suffix" => Self::MultipartNumericSuffix,
            "alphanumeric" => Self::Alphanumeric,
            "decimal" => Self::Decimal,
            "semver" => Self::Semver,
            "unknown" => Self::Unknown,
            other => Self::Other(other.to_owned()),
        })
    }
}

impl From<&str> for VersionScheme {
    fn from(s: &str) -> Self {
        match s.parse() {
            Ok(scheme) => scheme,
            Err(never) => match never {},
        }
    }
}

impl Serialize for VersionScheme {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for VersionScheme {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(Self::from(s.as_str()))
    }
}

/// A version as written, with the scheme that says how to compare it.
///
/// The JSON form is `{"value": "1.2.3", "scheme": "multipartnumeric"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Version {
    /// The version text exactly as the document gives it.
    pub value: String,
    /// The declared scheme ([`VersionScheme::MultipartNumeric`] when none is declared).
    #[serde(default)]
    pub scheme: VersionScheme,
}

impl Version {
    /// A version from its text and scheme.
    pub fn new(value: impl Into<String>, scheme: VersionScheme) -> Self {
        Self {
            value: value.into(),
            scheme,
        }
    }

    /// Whether the text is well formed for its scheme.
    #[must_use]
    pub fn is_well_formed(&self) -> bool {
        self.scheme.accepts(&self.value)
    }

    /// Compares by precedence when both versions declare the same scheme; `None` otherwise,
    /// because versions of different schemes have no common order.
    #[must_use]
    pub fn precedence(&self, other: &Self) -> Option<Ordering> {
        (self.scheme == other.scheme).then(|| self.scheme.compare(&self.value, &other.value))
    }

    /// The version as a `semver::Version`, when the scheme is semver and the text parses.
    #[must_use]
    pub fn semver(&self) -> Option<semver::Version> {
        match self.scheme {
            VersionScheme::Semver => semver::Version::parse(&self.value).ok(),
            _ => None,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    /// Orders by scheme name first (versions of different schemes are not comparable in any
    /// meaningful way, but a total order keeps sorted collections deterministic), then by the
    /// scheme's [`total_cmp`](VersionScheme::total_cmp).
    fn cmp(&self, other: &Self) -> Ordering {
        self.scheme
            .as_str()
            .cmp(other.scheme.as_str())
            .then_with(|| self.scheme.total_cmp(&self.value, &other.value))
    }
}

/// One end of a [`VersionRange`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// No limit on this side.
    Unbounded,
    /// The version itself is in the range.
    Inclusive(String),
    /// The version itself is not in the range.
    Exclusive(String),
}

impl Bound {
    /// The version text of the bound, if it has one.
    #[must_use]
    pub fn value(&self) -> Option<&str> {
        match self {
            Self::Unbounded => None,
            Self::Inclusive(v) | Self::Exclusive(v) => Some(v),
        }
    }
}

/// A set of versions between two bounds, compared by one scheme: the version scopes of
/// entitlements (ISO/IEC 19770-3 `ValidVersion`) and of licence rights (downgrade, upgrade).
///
/// The text form is interval notation: `*` (any version), `[1.0,2.0)`, `(,3]`, `[2.1,)`,
/// `=1.4` (exactly one version, by precedence). Serialised to JSON it is
/// `{"scheme": "…", "lower": …, "upper": …}` with each bound `"unbounded"`,
/// `{"inclusive": "1.0"}` or `{"exclusive": "2.0"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VersionRange {
    /// How versions are compared against the bounds.
    #[serde(default)]
    pub scheme: VersionScheme,
    /// The lower end.
    pub lower: Bound,
    /// The upper end.
    pub upper: Bound,
}

impl VersionRange {
    /// Every version.
    #[must_use]
    pub fn any(scheme: VersionScheme) -> Self {
        Self {
            scheme,
            lower: Bound::Unbounded,
            upper: Bound::Unbounded,
        }
    }

    /// Exactly the versions equal in precedence to `version`.
    pub fn exact(version: impl Into<String>, scheme: VersionScheme) -> Self {
        let v = version.into();
        Self {
            scheme,
            lower: Bound::Inclusive(v.clone()),
            upper: Bound::Inclusive(v),
        }
    }

    /// A range from its scheme and bounds.
    #[must_use]
    pub fn new(scheme: VersionScheme, lower: Bound, upper: Bound) -> Self {
        Self {
            scheme,
            lower,
            upper,
        }
    }

    /// The same bounds compared by another scheme.
    #[must_use]
    pub fn with_scheme(mut self, scheme: VersionScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// Whether the range has no bound at all.
    #[must_use]
    pub fn is_any(&self) -> bool {
        self.lower == Bound::Unbounded && self.upper == Bound::Unbounded
    }

    /// Whether the version text lies in the range, compared by the range's scheme.
    #[must_use]
    pub fn contains(&self, version: &str) -> bool {
        let s = &self.scheme;
        let above = match &self.lower {
            Bound::Unbounded => true,
            Bound::Inclusive(lo) => s.compare(version, lo) != Ordering::Less,
            Bound::Exclusive(lo) => s.compare(version, lo) == Ordering::Greater,
        };
        let below = match &self.upper {
            Bound::Unbounded => true,
            Bound::Inclusive(hi) => s.compare(version, hi) != Ordering::Greater,
            Bound::Exclusive(hi) => s.compare(version, hi) == Ordering::Less,
        };
        above && below
    }

    /// Whether the version text lies below the range's lower end (under an inclusive bound,
    /// or at or under an exclusive one), compared by the range's scheme; never for an open
    /// lower end.
    #[must_use]
    pub fn below_lower(&self, version: &str) -> bool {
        match &self.lower {
            Bound::Unbounded => false,
            Bound::Inclusive(lo) => self.scheme.compare(version, lo) == Ordering::Less,
            Bound::Exclusive(lo) => self.scheme.compare(version, lo) != Ordering::Greater,
        }
    }

    /// Whether the version lies in the range. The version's own scheme is ignored: its text
    /// is compared by the range's scheme.
    #[must_use]
    pub fn contains_version(&self, version: &Version) -> bool {
        self.contains(&version.value)
    }

    /// Whether no version at all can lie in the range (lower above upper, or equal with an
    /// exclusive end).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        match (&self.lower, &self.upper) {
            (Bound::Unbounded, _) | (_, Bound::Unbounded) => false,
            (Bound::Inclusive(lo), Bound::Inclusive(hi)) => {
                self.scheme.compare(lo, hi) == Ordering::Greater
            }
            (
                Bound::Inclusive(lo) | Bound::Exclusive(lo),
                Bound::Inclusive(hi) | Bound::Exclusive(hi),
            ) => self.scheme.compare(lo, hi) != Ordering::Less,
        }
    }
}

impl Default for VersionRange {
    /// Every version, by the default scheme.
    fn default() -> Self {
        Self::any(VersionScheme::default())
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_any() {
            return f.write_str("*");
        }
        if let (Bound::Inclusive(lo), Bound::Inclusive(hi)) = (&self.lower, &self.upper) {
            if lo == hi {
                return write!(f, "={lo}");
            }
        }
        match &self.lower {
            Bound::Unbounded => f.write_str("(")?,
            Bound::Inclusive(v) => write!(f, "[{v}")?,
            Bound::Exclusive(v) => write!(f, "({v}")?,
        }
        f.write_str(",")?;
        match &self.upper {
            Bound::Unbounded => f.write_str(")"),
            Bound::Inclusive(v) => write!(f, "{v}]"),
            Bound::Exclusive(v) => write!(f, "{v})"),
        }
    }
}

/// Why a version range's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RangeParseError {
    /// The text is empty.
    #[error("version range is empty")]
    Empty,
    /// The text does not start with `[`, `(`, `=` or `*`.
    #[error("version range must start with `[`, `(`, `=` or `*`, found {found:?}")]
    BadStart {
        /// The character found.
        found: char,
    },
    /// The text does not end with `]` or `)`.
    #[error("version range must end with `]` or `)`")]
    BadEnd,
    /// There is no comma between the bounds, or more than one.
    #[error("version range must have exactly one comma between its bounds")]
    Comma,
    /// An open end was written inclusive (`[,2]`).
    #[error("an open end of a version range cannot be inclusive")]
    InclusiveOpenEnd,
}

impl FromStr for VersionRange {
    type Err = RangeParseError;

    /// Parses interval notation with the default scheme; use
    /// [`with_scheme`](VersionRange::with_scheme) to set another.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let scheme = VersionScheme::default();
        let first = s.chars().next().ok_or(RangeParseError::Empty)?;
        match first {
            '*' if s == "*" => return Ok(Self::any(scheme)),
            '=' => return Ok(Self::exact(s[1..].trim(), scheme)),
            '[' | '(' => {}
            found => return Err(RangeParseError::BadStart { found }),
        }
        let last = s.chars().last().ok_or(RangeParseError::Empty)?;
        if s.len() < 2 || !matches!(last, ']' | ')') {
            return Err(RangeParseError::BadEnd);
        }
        let inner = &s[1..s.len() - 1];
        let mut parts = inner.split(',');
        let (lo, hi) = match (parts.next(), parts.next(), parts.next()) {
            (Some(lo), Some(hi), None) => (lo.trim(), hi.trim()),
            _ => return Err(RangeParseError::Comma),
        };
        let bound = |text: &str, inclusive: bool| -> Result<Bound, RangeParseError> {
            match (text.is_empty(), inclusive) {
                (true, true) => Err(RangeParseError::InclusiveOpenEnd),
                (true, false) => Ok(Bound::Unbounded),
                (false, true) => Ok(Bound::Inclusive(text.to_owned())),
                (false, false) => Ok(Bound::Exclusive(text.to_owned())),
            }
        };
        Ok(Self {
            scheme,
            lower: bound(lo, first == '[')?,
            upper: bound(hi, last == ']')?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Scheme internals.

/// Applies `cmp` when both sides are well formed; well-formed values sort first; two malformed
/// values are compared in natural order.
fn well_formed_first<T>(
    x: Option<T>,
    y: Option<T>,
    a: &str,
    b: &str,
    cmp: impl FnOnce(T, T) -> Ordering,
) -> Ordering {
    match (x, y) {
        (Some(x), Some(y)) => cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => natural_cmp(a, b),
    }
}

/// Digits with leading zeros removed; compared by length, then lexically, so any size works.
fn strip_zeros(digits: &str) -> &str {
    let s = digits.trim_start_matches('0');
    if s.is_empty() { "0" } else { s }
}

fn cmp_digits(a: &str, b: &str) -> Ordering {
    let (a, b) = (strip_zeros(a), strip_zeros(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compares dot-separated integer lists, padding the shorter with zeros.
fn cmp_numeric_parts(a: &[&str], b: &[&str]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            cmp_digits(
                a.get(i).copied().unwrap_or("0"),
                b.get(i).copied().unwrap_or("0"),
            )
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_multipart(s: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = s.split('.').collect();
    parts.iter().all(|p| is_digits(p)).then_some(parts)
}

fn parse_multipart_suffix(s: &str) -> Option<(Vec<&str>, Option<&str>)> {
    // The numeric part is the longest prefix of digits and dots that ends in a digit.
    let end = s
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i + 1)
        .last()?;
    let (numeric, suffix) = s.split_at(end);
    let parts = parse_multipart(numeric)?;
    Some((parts, (!suffix.is_empty()).then_some(suffix)))
}

/// An exact decimal: sign, integer digits, fraction digits (trailing zeros removed).
#[derive(Debug, PartialEq, Eq)]
struct Dec<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
}

impl Ord for Dec<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = |d: &Dec<'_>| d.int == "0" && d.frac.is_empty();
        let neg = |d: &Dec<'_>| d.negative && !zero(d);
        match (neg(self), neg(other)) {
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let magnitude = cmp_digits(self.int, other.int).then_with(|| {
            let n = self.frac.len().max(other.frac.len());
            let pad = |f: &str| format!("{f:0<n$}");
            pad(self.frac).cmp(&pad(other.frac))
        });
        if neg(self) {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl PartialOrd for Dec<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn parse_decimal(s: &str) -> Option<Dec<'_>> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let int_ok = is_digits(int) || (int.is_empty() && !frac.is_empty());
    let frac_ok = frac.is_empty() || is_digits(frac);
    if !int_ok || !frac_ok || (body.ends_with('.') && !body.is_empty()) {
        return None;
    }
    let int = if int.is_empty() {
        "0"
    } else {
        strip_zeros(int)
    };
    Some(Dec {
        negative,
        int,
        frac: frac.trim_end_matches('0'),
    })
}

/// Natural order: runs of digits compare numerically, other runs as text; a digit run sorts
/// before a text run. Equal in natural order only when the texts are equal or differ only by
/// leading zeros.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut ra, mut rb) = (runs(a), runs(b));
    loop {
        match (ra.next(), rb.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (is_digits(x), is_digits(y)) {
                    (true, true) => cmp_digits(x, y),
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => x.cmp(y),
                };
                if o.is_ne() {
                    return o;
                }
            }
        }
    }
}

/// Splits text into maximal runs of ASCII digits and of everything else.
fn runs(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest
            .find(|c: char| c.is_ascii_digit() != digit)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL: &[VersionScheme] = VersionScheme::KNOWN;

    #[test]
    fn scheme_names_round_trip() {
        for s in ALL
            .iter()
            .cloned()
            .chain([VersionScheme::Other("rpm".into())])
        {
            assert_eq!(VersionScheme::from(s.as_str()), s);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<VersionScheme>(&json).unwrap(), s);
        }
        assert_eq!(
            VersionScheme::from("SemVer"),
            VersionScheme::Other("SemVer".into())
        );
        assert!(!VersionScheme::from("rpm").is_known());
    }

    #[test]
    fn multipartnumeric_order() {
        let s = VersionScheme::MultipartNumeric;
        assert_eq!(s.compare("1.10", "1.9"), Ordering::Greater);
        assert_eq!(s.compare("1.2", "1.2.0.0"), Ordering::Equal);
        assert_eq!(s.compare("01.2", "1.2"), Ordering::Equal);
        assert_eq!(
            s.compare("99999999999999999999999.1", "99999999999999999999998.9"),
            Ordering::Greater
        );
        // malformed after well formed
        assert_eq!(s.compare("1.2a", "900"), Ordering::Greater);
        assert!(!s.accepts("1..2") && !s.accepts("") && s.accepts("0"));
        assert_eq!(s.total_cmp("1.2", "1.2.0"), Ordering::Less);
    }

    #[test]
    fn multipartnumeric_suffix_order() {
        let s = VersionScheme::MultipartNumericSuffix;
        assert_eq!(s.compare("1.2.3", "1.2.3a"), Ordering::Less);
        assert_eq!(s.compare("1.2.3b", "1.2.3a"), Ordering::Greater);
        assert_eq!(s.compare("1.2.3b10", "1.2.3b9"), Ordering::Greater);
        assert_eq!(s.compare("1.2.4", "1.2.3z"), Ordering::Greater);
        assert!(s.accepts("1.2.3-beta") && s.accepts("7") && !s.accepts("beta"));
    }

    #[test]
    fn decimal_order_is_exact() {
        let s = VersionScheme::Decimal;
        assert_eq!(s.compare("1.25", "1.3"), Ordering::Less);
        assert_eq!(s.compare("1.30", "1.3"), Ordering::Equal);
        assert_eq!(s.compare("-1", "0"), Ordering::Less);
        assert_eq!(s.compare("-0", "0"), Ordering::Equal);
        assert_eq!(s.compare("-1.5", "-1.25"), Ordering::Less);
        assert_eq!(s.compare(".5", "0.5"), Ordering::Equal);
        assert_eq!(
            s.compare("0.30000000000000000001", "0.3"),
            Ordering::Greater
        );
        assert!(!s.accepts("1.") && !s.accepts("1.2.3") && !s.accepts("") && !s.accepts("-"));
    }

    #[test]
    fn alphanumeric_and_unknown() {
        assert_eq!(
            VersionScheme::Alphanumeric.compare("b", "a10"),
            Ordering::Greater
        );
        assert_eq!(
            VersionScheme::Unknown.compare("build10", "build9"),
            Ordering::Greater
        );
        assert_eq!(
            VersionScheme::Other("rpm".into()).compare("1.0-2.el8", "1.0-10.el8"),
            Ordering::Less
        );
    }

    #[test]
    fn semver_precedence_and_total_order() {
        let s = VersionScheme::Semver;
        assert_eq!(s.compare("1.0.0-alpha", "1.0.0"), Ordering::Less);
        assert_eq!(s.compare("1.0.0+a", "1.0.0+b"), Ordering::Equal);
        assert_eq!(s.total_cmp("1.0.0+a", "1.0.0+b"), Ordering::Less);
        assert_eq!(
            Version::new("1.2.3", s.clone()).semver(),
            semver::Version::parse("1.2.3").ok()
        );
        assert_eq!(Version::new("1.2", s).semver(), None);
    }

    #[test]
    fn major_versions_per_scheme() {
        use VersionScheme as S;
        assert_eq!(S::MultipartNumeric.major("10.2.1"), Some(10));
        assert_eq!(S::MultipartNumeric.major("007.1"), Some(7));
        assert_eq!(S::MultipartNumeric.major("0"), Some(0));
        assert_eq!(S::MultipartNumeric.major("1..2"), None);
        assert_eq!(S::MultipartNumeric.major("99999999999999999999999.1"), None);
        assert_eq!(S::MultipartNumericSuffix.major("10.2b"), Some(10));
        assert_eq!(S::MultipartNumericSuffix.major("beta"), None);
        assert_eq!(S::Decimal.major("2.75"), Some(2));
        assert_eq!(S::Decimal.major(".5"), Some(0));
        assert_eq!(S::Decimal.major("-1.5"), None);
        assert_eq!(S::Decimal.major("-0"), Some(0));
        assert_eq!(S::Semver.major("3.1.0-rc.1"), Some(3));
        assert_eq!(S::Semver.major("3.1"), None);
        assert_eq!(S::Alphanumeric.major("2019 R2"), Some(2019));
        assert_eq!(S::Unknown.major("v2"), None);
        assert_eq!(S::Other("rpm".into()).major("8.1-2.el8"), Some(8));
    }

    #[test]
    fn below_the_lower_end() {
        let r: VersionRange = "[10,11)".parse().unwrap();
        assert!(r.below_lower("9.9") && !r.below_lower("10") && !r.below_lower("12"));
        let r: VersionRange = "(10,11)".parse().unwrap();
        assert!(r.below_lower("10") && r.below_lower("10.0") && !r.below_lower("10.1"));
        assert!(!VersionRange::default().below_lower("0"));
    }

    #[test]
    fn precedence_needs_the_same_scheme() {
        let a = Version::new("1.0", VersionScheme::MultipartNumeric);
        let b = Version::new("1.0", VersionScheme::Decimal);
        assert_eq!(a.precedence(&b), None);
        assert_eq!(a.precedence(&a.clone()), Some(Ordering::Equal));
    }

    #[test]
    fn ranges() {
        let r: VersionRange = "[1.0,2.0)".parse().unwrap();
        assert!(
            r.contains("1.0")
                && r.contains("1.0.0")
                && r.contains("1.99")
                && !r.contains("2.0")
                && !r.contains("0.9")
        );
        let r: VersionRange = "(1.0,]"
            .parse()
            .map_err(|e: RangeParseError| e.to_string())
            .unwrap_or_else(|e| {
                assert_eq!(e, "an open end of a version range cannot be inclusive");
                VersionRange::any(VersionScheme::default())
            });
        assert!(r.is_any());
        let r: VersionRange = "(1.0,)".parse().unwrap();
        assert!(!r.contains("1.0") && r.contains("1.0.1") && r.contains("100"));
        let r: VersionRange = "=2".parse().unwrap();
        assert!(r.contains("2.0.0") && !r.contains("2.0.1"));
        assert!(VersionRange::any(VersionScheme::Semver).contains("anything"));
        assert!(
            VersionRange::new(
                VersionScheme::Decimal,
                Bound::Inclusive("2".into()),
                Bound::Exclusive("2.0".into())
            )
            .is_empty()
        );
        assert!(!VersionRange::exact("2", VersionScheme::Decimal).is_empty());
        for text in ["*", "[1.0,2.0)", "(,3]", "[2.1,)", "=1.4", "(1,2)"] {
            let r: VersionRange = text.parse().unwrap();
            assert_eq!(r.to_string(), text);
        }
        assert_eq!("".parse::<VersionRange>(), Err(RangeParseError::Empty));
        assert_eq!(
            "1.0".parse::<VersionRange>(),
            Err(RangeParseError::BadStart { found: '1' })
        );
        assert_eq!(
            "[1,2,3]".parse::<VersionRange>(),
            Err(RangeParseError::Comma)
        );
        assert_eq!("[1,2".parse::<VersionRange>(), Err(RangeParseError::BadEnd));
    }

    #[test]
    fn range_json_form() {
        let r = VersionRange::new(
            VersionScheme::Semver,
            Bound::Inclusive("1.0.0".into()),
            Bound::Unbounded,
        );
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"{"scheme":"semver","lower":{"inclusive":"1.0.0"},"upper":"unbounded"}"#
        );
        assert_eq!(serde_json::from_str::<VersionRange>(&json).unwrap(), r);
    }

    fn version_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}",
            "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}[a-z]{0,2}[0-9]?",
            "-?[0-9]{0,3}(\\.[0-9]{0,3})?",
            "(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)(-[a-z0-9]{1,3}(\\.[a-z0-9]{1,3})?)?(\\+[a-z0-9]{1,3})?",
            "\\PC{0,6}",
        ]
    }

    fn scheme() -> impl Strategy<Value = VersionScheme> {
        prop_oneof![
            Just(VersionScheme::MultipartNumeric),
            Just(VersionScheme::MultipartNumericSuffix),
            Just(VersionScheme::Alphanumeric),
            Just(VersionScheme::Decimal),
            Just(VersionScheme::Semver),
            Just(VersionScheme::Unknown),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn order_is_total_and_consistent(s in scheme(), a in version_text(), b in version_text(), c in version_text()) {
            // antisymmetric
            prop_assert_eq!(s.compare(&a, &b), s.compare(&b, &a).reverse());
            prop_assert_eq!(s.total_cmp(&a, &b), s.total_cmp(&b, &a).reverse());
            // reflexive
            prop_assert_eq!(s.compare(&a, &a), Ordering::Equal);
            // the total order refines precedence and agrees with equality
            if s.compare(&a, &b).is_ne() {
                prop_assert_eq!(s.total_cmp(&a, &b), s.compare(&a, &b));
            }
            prop_assert_eq!(s.total_cmp(&a, &b) == Ordering::Equal, a == b);
            // transitive
            for cmp in [VersionScheme::compare, VersionScheme::total_cmp] {
                let (ab, bc, ac) = (cmp(&s, &a, &b), cmp(&s, &b, &c), cmp(&s, &a, &c));
                if ab != Ordering::Greater && bc != Ordering::Greater {
                    prop_assert_ne!(ac, Ordering::Greater);
                }
                if ab == Ordering::Equal && bc == Ordering::Equal {
                    prop_assert_eq!(ac, Ordering::Equal);
                }
            }
        }

        #[test]
        fn version_ord_agrees_with_eq(s in scheme(), a in version_text(), b in version_text()) {
            let (va, vb) = (Version::new(a, s.clone()), Version::new(b, s));
            prop_assert_eq!(va.cmp(&vb) == Ordering::Equal, va == vb);
        }

        #[test]
        fn semver_scheme_agrees_with_the_semver_crate(
            a in "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]?)\\.(0|[1-9])(-(alpha|beta|rc|0|[1-9][0-9]?)(\\.(0|[1-9][0-9]?|x))?)?(\\+[a-z0-9]{1,3})?",
            b in "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]?)\\.(0|[1-9])(-(alpha|beta|rc|0|[1-9][0-9]?)(\\.(0|[1-9][0-9]?|x))?)?(\\+[a-z0-9]{1,3})?",
        ) {
            let (x, y) = (semver::Version::parse(&a).unwrap(), semver::Version::parse(&b).unwrap());
            prop_assert_eq!(VersionScheme::Semver.compare(&a, &b), x.cmp_precedence(&y));
            prop_assert_eq!(VersionScheme::Semver.total_cmp(&a, &b), x.cmp(&y));
        }

        #[test]
        fn range_membership_follows_the_order(s in scheme(), lo in version_text(), hi in version_text(), v in version_text()) {
            let r = VersionRange::new(s.clone(), Bound::Inclusive(lo.clone()), Bound::Exclusive(hi.clone()));
            let expected = s.compare(&v, &lo) != Ordering::Less && s.compare(&v, &hi) == Ordering::Less;
            prop_assert_eq!(r.contains(&v), expected);
            if r.is_empty() { prop_assert!(!r.contains(&v)); }
        }

        #[test]
        fn range_text_round_trips(lo in "[0-9]{1,2}(\\.[0-9]){0,2}", hi in "[0-9]{1,2}(\\.[0-9]){0,2}", li: bool, hi_inc: bool, open_lo: bool, open_hi: bool) {
            let lower = if open_lo { Bound::Unbounded } else if li { Bound::Inclusive(lo) } else { Bound::Exclusive(lo) };
            let upper = if open_hi { Bound::Unbounded } else if hi_inc { Bound::Inclusive(hi) } else { Bound::Exclusive(hi) };
            let r = VersionRange::new(VersionScheme::default(), lower, upper);
            let back: VersionRange = r.to_string().parse().unwrap();
            prop_assert_eq!(back, r);
        }
    }
}
