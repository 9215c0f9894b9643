//! Diagnostics shared by every validator: [`Finding`], [`Severity`], [`Location`], [`Report`].
//!
//! A finding names the rule that produced it by a stable id (`GEN-4-1`, `SWID-ENTITY-1`,
//! `CMS-OWNER-1`…), says how serious it is, where in the document it is, and what is wrong.
//!
//! ```
//! use itam_core::diag::{Finding, Location, Report, Severity};
//!
//! let mut report = Report::new();
//! report.push(Finding::new(
//!     "GEN-4-1",
//!     Severity::Error,
//!     Location::path("/SoftwareIdentity/Entity[1]/@regid").at(3, 5),
//!     "the regid is blank",
//! ));
//! report.push(Finding::new("GEN-13-1", Severity::Warning, Location::root(), "no version"));
//! assert!(!report.is_conformant());
//! assert_eq!(report.errors().count(), 1);
//! assert_eq!(report.by_rule("GEN-13-1").count(), 1);
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a finding is, from the requirement level of the rule that produced it.
///
/// Ordered from most to least serious, so sorting puts errors first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A "shall" / MUST requirement is not met: the document does not conform.
    Error,
    /// A "should" / SHOULD recommendation is not followed.
    Warning,
    /// A "may" / informational remark: nothing is wrong, but a reader may want to know.
    Info,
}

impl Severity {
    /// The severity for a requirement keyword: `shall`/`must`/`required` → Error,
    /// `should`/`recommended` → Warning, anything else (`may`, `optional`) → Info.
    /// Case and a trailing ` not` are ignored (`SHALL NOT` is still a shall).
    #[must_use]
    pub fn from_keyword(keyword: &str) -> Self {
        let k = keyword.trim().to_ascii_lowercase();
        let k = k.strip_suffix(" not").unwrap_or(&k);
        match k {
            "shall" | "must" | "required" => Self::Error,
            "should" | "recommended" => Self::Warning,
            _ => Self::Info,
        }
    }

    /// `error`, `warning` or `info`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A line and column in a text, both counted from 1 (columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TextPos {
    /// Line number, from 1.
    pub line: u32,
    /// Column number, from 1.
    pub col: u32,
}

impl fmt::Display for TextPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Where a finding is: a path into the document, and the text position when it is known.
///
/// Paths are XPath-like for XML (`/SoftwareIdentity/Entity[2]/@regid`, positions from 1) and
/// JSON-pointer-like for other data (`/items/A-1/owner`). The empty path is the whole document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Location {
    /// The path into the document.
    pub path: String,
    /// Line and column, when the finding came from parsed text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<TextPos>,
}

impl Location {
    /// The whole document.
    #[must_use]
    pub fn root() -> Self {
        Self::default()
    }

    /// A location by path alone.
    pub fn path(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            pos: None,
        }
    }

    /// The same location with a line and column.
    #[must_use]
    pub fn at(mut self, line: u32, col: u32) -> Self {
        self.pos = Some(TextPos { line, col });
        self
    }

    /// The same location with an optional text position.
    #[must_use]
    pub fn with_pos(mut self, pos: Option<TextPos>) -> Self {
        self.pos = pos;
        self
    }

    /// A location one step further down: `child("Entity[2]")` of `/SoftwareIdentity` is
    /// `/SoftwareIdentity/Entity[2]`. The text position is dropped.
    #[must_use]
    pub fn child(&self, step: &str) -> Self {
        let mut path = self.path.trim_end_matches('/').to_owned();
        path.push('/');
        path.push_str(step.trim_start_matches('/'));
        Self { path, pos: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        match self.pos {
            Some(pos) => write!(f, "{path} (line {}, column {})", pos.line, pos.col),
            None => f.write_str(path),
        }
    }
}

/// One thing a validator has to say about a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// The stable id of the rule (`GEN-4-1`, `ENT-RIGHT-1`, …); see each crate's catalogue.
    pub rule: String,
    /// How serious it is.
    pub severity: Severity,
    /// Where it is.
    pub location: Location,
    /// What is wrong, in one sentence, lowercase, naming the values involved.
    pub message: String,
}

impl Finding {
    /// A finding from its four parts.
    pub fn new(
        rule: impl Into<String>,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule: rule.into(),
            severity,
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: {}",
            self.severity, self.rule, self.location, self.message
        )
    }
}

/// The findings of one validation, kept sorted by location, then severity, then rule, then
/// message, so that equal inputs give equal reports whatever order the checks ran in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "Vec<Finding>", into = "Vec<Finding>")]
pub struct Report {
    findings: Vec<Finding>,
}

impl Report {
    /// An empty report.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a finding, keeping the order.
    pub fn push(&mut self, finding: Finding) {
        let at = self
            .findings
            .partition_point(|f| sort_key(f) <= sort_key(&finding));
        self.findings.insert(at, finding);
    }

    /// Adds every finding of `other`.
    pub fn merge(&mut self, other: Self) {
        self.findings.extend(other.findings);
        self.findings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    }

    /// All findings, in order.
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The number of findings.
    #[must_use]
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// Whether there are no findings at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// Findings of severity [`Severity::Error`].
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.with_severity(Severity::Error)
    }

    /// Findings of severity [`Severity::Warning`].
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.with_severity(Severity::Warning)
    }

    /// Findings of the given severity.
    pub fn with_severity(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.severity == severity)
    }

    /// Findings of the rule with this id.
    pub fn by_rule<'a>(&'a self, rule: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.rule == rule)
    }

    /// The distinct rule ids that fired, in order.
    #[must_use]
    pub fn rules(&self) -> std::collections::BTreeSet<&str> {
        self.findings.iter().map(|f| f.rule.as_str()).collect()
    }

    /// True when there is no [`Severity::Error`] finding.
    #[must_use]
    pub fn is_conformant(&self) -> bool {
        self.errors().next().is_none()
    }
}

fn sort_key(f: &Finding) -> (&Location, Severity, &str, &str) {
    (&f.location, f.severity, &f.rule, &f.message)
}

impl From<Vec<Finding>> for Report {
    fn from(mut findings: Vec<Finding>) -> Self {
        findings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        Self { findings }
    }
}

impl From<Report> for Vec<Finding> {
    fn from(report: Report) -> Self {
        report.findings
    }
}

impl FromIterator<Finding> for Report {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Self {
        iter.into_iter().collect::<Vec<_>>().into()
    }
}

impl Extend<Finding> for Report {
    fn extend<I: IntoIterator<Item = Finding>>(&mut self, iter: I) {
        self.findings.extend(iter);
        self.findings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    }
}

impl<'a> IntoIterator for &'a Report {
    type Item = &'a Finding;
    type IntoIter = std::slice::Iter<'a, Finding>;

    fn into_iter(self) -> Self::IntoIter {
        self.findings.iter()
    }
}

impl fmt::Display for Report {
    /// One finding per line, in order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn finding(rule: &str, sev: Severity, path: &str) -> Finding {
        Finding::new(rule, sev, Location::path(path), format!("{rule} at {path}"))
    }

    #[test]
    fn severity_from_requirement_keywords() {
        assert_eq!(Severity::from_keyword("SHALL"), Severity::Error);
        assert_eq!(Severity::from_keyword("shall not"), Severity::Error);
        assert_eq!(Severity::from_keyword("MUST"), Severity::Error);
        assert_eq!(Severity::from_keyword("should"), Severity::Warning);
        assert_eq!(Severity::from_keyword("SHOULD NOT"), Severity::Warning);
        assert_eq!(Severity::from_keyword("may"), Severity::Info);
        assert!(Severity::Error < Severity::Warning && Severity::Warning < Severity::Info);
    }

    #[test]
    fn report_queries() {
        let report: Report = vec![
            finding("B", Severity::Warning, "/a"),
            finding("A", Severity::Error, "/b"),
            finding("A", Severity::Info, "/a"),
        ]
        .into_iter()
        .collect();
        assert!(!report.is_conformant());
        assert_eq!(report.errors().count(), 1);
        assert_eq!(report.by_rule("A").count(), 2);
        assert_eq!(
            report.rules().into_iter().collect::<Vec<_>>(),
            vec!["A", "B"]
        );
        let paths: Vec<_> = report
            .findings()
            .iter()
            .map(|f| f.location.path.as_str())
            .collect();
        assert_eq!(paths, ["/a", "/a", "/b"]);
        assert_eq!(report.findings()[0].severity, Severity::Warning);
    }

    #[test]
    fn warnings_alone_are_conformant() {
        let mut r = Report::new();
        r.push(finding("W", Severity::Warning, "/"));
        assert!(r.is_conformant());
        r.push(finding("E", Severity::Error, "/"));
        assert!(!r.is_conformant());
    }

    #[test]
    fn location_display_and_child() {
        let loc = Location::path("/SoftwareIdentity")
            .child("Entity[2]")
            .child("@regid")
            .at(4, 7);
        assert_eq!(
            loc.to_string(),
            "/SoftwareIdentity/Entity[2]/@regid (line 4, column 7)"
        );
        assert_eq!(Location::root().to_string(), "/");
    }

    #[test]
    fn json_form_is_stable() {
        let f = Finding::new("R-1", Severity::Error, Location::path("/x").at(1, 2), "bad");
        let r = Report::from(vec![f]);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"[{"rule":"R-1","severity":"error","location":{"path":"/x","pos":{"line":1,"col":2}},"message":"bad"}]"#
        );
        assert_eq!(serde_json::from_str::<Report>(&json).unwrap(), r);
    }

    proptest! {
        #[test]
        fn report_order_does_not_depend_on_push_order(
            items in prop::collection::vec((0u8..4, 0u8..3, 0u8..4), 0..20),
        ) {
            let sev = |s: u8| [Severity::Error, Severity::Warning, Severity::Info][usize::from(s)];
            let make = |(r, s, p): (u8, u8, u8)| finding(&format!("R{r}"), sev(s), &format!("/p{p}"));
            let mut forward = Report::new();
            for &i in &items { forward.push(make(i)); }
            let mut backward = Report::new();
            for &i in items.iter().rev() { backward.push(make(i)); }
            prop_assert_eq!(&forward, &backward);
            let collected: Report = items.iter().copied().map(make).collect();
            prop_assert_eq!(forward, collected);
        }
    }
}
