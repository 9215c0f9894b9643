//! Validation against a schema profile, with a catalogue of rules.
//!
//! [`validate`] never stops early and never fails: it returns a [`Report`] of every finding.
//! Structural rules walk the document exactly as the writer would emit it (the tree of
//! [`crate::write::to_tree`]) and check it against the [`Profile`]; the other rules read the
//! typed model. A rule marked *reconstructed* depends on the reconstructed profile, and each of
//! its findings says so (its message ends in `(reconstructed profile)`) while the profile in use
//! is the reconstruction.
//!
//! The catalogue is [`RULES`]; the crate README shows it as a table.

use std::str::FromStr;

use itam_core::version::Bound;
use itam_core::{Decimal, Finding, Location, Report, Severity, Version, VersionScheme};

use crate::model::{Ent, Link, Timestamp};
use crate::profile::{AttrType, ElementDef, Profile, names as n};
use crate::read::SourceMap;
use crate::values::{EntType, Rel, Role, SupplementalEntType};
use crate::xml::{XmlElement, XmlNode};

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable id (`ENT-MIN-2`).
    pub id: &'static str,
    /// Where the rule comes from: a clause heading of ISO/IEC 19770-3:2016 or 19770-2:2015, or
    /// the reconstruction.
    pub reference: &'static str,
    /// What the rule checks, one line.
    pub summary: &'static str,
    /// The severity of its findings.
    pub severity: Severity,
    /// Whether the rule depends on the reconstructed profile.
    pub reconstructed: bool,
}

const fn rule(
    id: &'static str,
    reference: &'static str,
    summary: &'static str,
    severity: Severity,
    reconstructed: bool,
) -> Rule {
    Rule {
        id,
        reference,
        summary,
        severity,
        reconstructed,
    }
}

use Severity::{Error, Info, Warning};

/// The rule catalogue.
pub static RULES: &[Rule] = &[
    rule(
        "ENT-NS-1",
        "19770-3 Annex A namespace (reconstructed); 19770-2:2009 namespace-year precedent",
        "the document is not in the profile's namespace (another year, or none)",
        Warning,
        true,
    ),
    rule(
        "ENT-STRUCT-1",
        "19770-3 data definitions (Annex A, reconstructed)",
        "a required attribute is missing or empty",
        Error,
        true,
    ),
    rule(
        "ENT-STRUCT-2",
        "19770-3 data definitions (Annex A, reconstructed)",
        "an element occurs fewer or more times than its cardinality allows",
        Error,
        true,
    ),
    rule(
        "ENT-STRUCT-3",
        "19770-3 data definitions (Annex A, reconstructed)",
        "an element of the Ent namespace stands where the profile does not allow it",
        Warning,
        true,
    ),
    rule(
        "ENT-STRUCT-4",
        "19770-2:2015 BaseElement anyAttribute ##other (carried over)",
        "an attribute in no namespace is not declared for its element",
        Warning,
        true,
    ),
    rule(
        "ENT-TYPE-1",
        "19770-3 data definitions (Annex A, reconstructed)",
        "a value does not parse as the type of its attribute",
        Error,
        true,
    ),
    rule(
        "ENT-TYPE-2",
        "19770-3 NMTOKEN/NMTOKENS",
        "a value typed NMTOKEN or NMTOKENS is not made of name characters",
        Warning,
        true,
    ),
    rule(
        "ENT-VS-1",
        "19770-3 attribute value sets (reconstructed members)",
        "a value is not a known member of its value set (allowed: the sets are open)",
        Info,
        true,
    ),
    rule(
        "ENT-MIN-1",
        "19770-3 identifiers; minimum Ent data",
        "the Ent id is blank, padded with whitespace or has control characters",
        Error,
        false,
    ),
    rule(
        "ENT-MIN-2",
        "19770-3 minimum Ent data (reconstructed: tagCreator analogue)",
        "no entity has the role entCreator",
        Error,
        true,
    ),
    rule(
        "ENT-MIN-3",
        "19770-3 minimum Ent data (reconstructed)",
        "the Ent creator has no usable regid",
        Error,
        true,
    ),
    rule(
        "ENT-MIN-4",
        "19770-3 minimum Ent data (reconstructed)",
        "a primary Ent grants no Right",
        Error,
        true,
    ),
    rule(
        "ENT-SUP-1",
        "19770-3 Ent types and supplemental Ent types",
        "a supplemental Ent does not say which supplemental type it is",
        Error,
        true,
    ),
    rule(
        "ENT-SUP-2",
        "19770-3 Ent types and supplemental Ent types",
        "a primary Ent carries a supplemental type",
        Warning,
        true,
    ),
    rule(
        "ENT-SUP-3",
        "19770-3 use cases (reconstructed: supplemental Link as in 19770-2)",
        "a supplemental Ent has no link to the Ent(s) it applies to",
        Error,
        true,
    ),
    rule(
        "ENT-SUP-4",
        "19770-3 use cases: allocations, transfers (reconstructed)",
        "an allocation has no allocatee, or a transfer no new licensee",
        Warning,
        true,
    ),
    rule(
        "ENT-ID-1",
        "19770-3 identifiers: regid",
        "an entity's regid is malformed or the placeholder `http://invalid.unavailable`",
        Warning,
        false,
    ),
    rule(
        "ENT-DATE-1",
        "19770-3 Contract, LimitTime",
        "a period ends before it starts",
        Error,
        false,
    ),
    rule(
        "ENT-DUR-1",
        "19770-3 LimitTime, DurationUnit (reconstructed)",
        "a duration has no unit",
        Warning,
        true,
    ),
    rule(
        "ENT-QTY-1",
        "19770-3 Quantification, OrderInfo, LimitTime",
        "a quantity, factor or duration is negative",
        Error,
        false,
    ),
    rule(
        "ENT-QTY-2",
        "19770-3 Quantification (reconstructed)",
        "a quantification gives a quantity and says unlimited",
        Warning,
        true,
    ),
    rule(
        "ENT-MONEY-1",
        "19770-3 InvoiceData",
        "an amount or unit price is negative",
        Warning,
        false,
    ),
    rule(
        "ENT-MONEY-2",
        "19770-3 InvoiceData; ISO 4217",
        "money has no currency, or the currency is not three capital letters",
        Warning,
        false,
    ),
    rule(
        "ENT-LINK-1",
        "19770-2:2015 Link href (carried over)",
        "a link target is not a well-formed URI reference",
        Error,
        false,
    ),
    rule(
        "ENT-LINK-2",
        "19770-3 use cases",
        "an Ent links to itself",
        Error,
        false,
    ),
    rule(
        "ENT-VER-1",
        "19770-3 ValidVersion",
        "a version range contains no version at all",
        Error,
        false,
    ),
    rule(
        "ENT-VER-2",
        "19770-3 ValidVersion (reconstructed attributes)",
        "a ValidVersion gives conflicting bounds",
        Error,
        true,
    ),
    rule(
        "ENT-VER-3",
        "19770-2:2015 versionScheme",
        "a version bound is not well formed for its scheme",
        Warning,
        false,
    ),
];

/// The rule with this id.
#[must_use]
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Validates an Ent against a profile. Never stops early.
#[must_use]
pub fn validate(ent: &Ent, profile: &Profile) -> Report {
    let mut v = Validator {
        profile,
        findings: Vec::new(),
    };
    let tree = crate::write::to_tree(ent, profile.namespace);
    v.structure(&tree, &format!("/{}", tree.name.local), None);
    v.semantics(ent);
    Report::from(v.findings)
}

/// Validates and gives each finding the line and column of what it is about (or of the nearest
/// enclosing element) from the [`SourceMap`] of the read.
#[must_use]
///
/// This also checks what only the read knows: whether the document used the profile's namespace
/// (`ENT-NS-1`).
pub fn validate_with_source(ent: &Ent, profile: &Profile, source: &SourceMap) -> Report {
    let mut findings: Vec<Finding> = validate(ent, profile).findings().to_vec();
    if source.namespace.as_deref() != Some(profile.namespace) {
        let mut v = Validator {
            profile,
            findings: Vec::new(),
        };
        let message = match &source.namespace {
            None => format!("the document has no namespace, not {}", profile.namespace),
            Some(ns) => format!(
                "the document uses namespace {ns}, not {}",
                profile.namespace
            ),
        };
        v.push("ENT-NS-1", "/Ent", message);
        findings.extend(v.findings);
    }
    findings
        .into_iter()
        .map(|mut f| {
            f.location.pos = source.nearest(&f.location.path);
            f
        })
        .collect()
}

struct Validator<'p> {
    profile: &'p Profile,
    findings: Vec<Finding>,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '\u{B7}')
}

fn is_nmtoken(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_name_char)
}

fn type_ok(ty: AttrType, value: &str) -> bool {
    let v = value.trim();
    match ty {
        AttrType::NonNegativeInteger => {
            let d = v.strip_prefix('+').unwrap_or(v);
            !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
        }
        AttrType::Decimal => {
            let body = v.strip_prefix(['+', '-']).unwrap_or(v);
            !body.is_empty()
                && body != "."
                && body.bytes().filter(|&b| b == b'.').count() <= 1
                && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && Decimal::from_str(v.strip_prefix('+').unwrap_or(v)).is_ok()
        }
        AttrType::Boolean => matches!(v, "true" | "false" | "1" | "0"),
        AttrType::Date => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
        AttrType::DateTime => chrono::DateTime::parse_from_rfc3339(v).is_ok(),
        _ => true,
    }
}

impl Validator<'_> {
    fn push(&mut self, id: &str, path: &str, message: String) {
        let Some(rule) = rule_by_id(id) else { return };
        let message = if rule.reconstructed && self.profile.is_reconstructed() {
            format!("{message} (reconstructed profile)")
        } else {
            message
        };
        self.findings.push(Finding::new(
            rule.id,
            rule.severity,
            Location::path(path),
            message,
        ));
    }

    // ---- structure, on the tree ----

    fn structure(&mut self, el: &XmlElement, path: &str, parent: Option<&ElementDef>) {
        let ns = Some(self.profile.namespace);
        if el.name.namespace.as_deref() != ns {
            return; // foreign content: allowed anywhere, not checked
        }
        let def = self.profile.element(&el.name.local);
        let allowed = match parent {
            None => el.name.local == self.profile.root,
            Some(p) => p.child(&el.name.local).is_some(),
        };
        let Some(def) = def.filter(|_| allowed) else {
            let parent_name = parent.map_or("the document", |p| p.name);
            self.push(
                "ENT-STRUCT-3",
                path,
                format!("`{}` is not allowed in {parent_name}", el.name.local),
            );
            return;
        };
        self.attributes(el, def, path);
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for child in &el.children {
            if let XmlNode::Element(c) = child {
                let idx = counts.entry(c.name.local.as_str()).or_insert(0);
                *idx += 1;
                let child_path = format!("{path}/{}[{idx}]", c.name.local);
                self.structure(c, &child_path, Some(def));
            }
        }
        for cd in def.children {
            let count = el
                .children
                .iter()
                .filter(|c| {
                    matches!(c, XmlNode::Element(e)
                        if e.name.local == cd.element && e.name.namespace.as_deref() == ns)
                })
                .count();
            let count = u32::try_from(count).unwrap_or(u32::MAX);
            if count < cd.min {
                self.push(
                    "ENT-STRUCT-2",
                    path,
                    format!(
                        "{} has {count} `{}` element(s), at least {} required",
                        def.name, cd.element, cd.min
                    ),
                );
            }
            if let Some(max) = cd.max.filter(|&m| count > m) {
                self.push(
                    "ENT-STRUCT-2",
                    path,
                    format!(
                        "{} has {count} `{}` elements, at most {max} allowed",
                        def.name, cd.element
                    ),
                );
            }
        }
    }

    fn attributes(&mut self, el: &XmlElement, def: &ElementDef, path: &str) {
        for ad in def.attributes.iter().filter(|a| a.required) {
            let present = el
                .attributes
                .iter()
                .find(|a| a.name.namespace.is_none() && a.name.local == ad.name);
            if present.is_none_or(|a| a.value.trim().is_empty()) {
                self.push(
                    "ENT-STRUCT-1",
                    &format!("{path}/@{}", ad.name),
                    format!("{} requires a non-empty `{}`", def.name, ad.name),
                );
            }
        }
        for a in el.attributes.iter().filter(|a| a.name.namespace.is_none()) {
            let at = format!("{path}/@{}", a.name.local);
            let Some(ad) = def
                .attribute(&a.name.local)
                .filter(|_| !def.open_attributes)
            else {
                if !def.open_attributes {
                    self.push(
                        "ENT-STRUCT-4",
                        &at,
                        format!("`{}` is not an attribute of {}", a.name.local, def.name),
                    );
                }
                continue;
            };
            if !type_ok(ad.ty, &a.value) {
                self.push(
                    "ENT-TYPE-1",
                    &at,
                    format!("{:?} is not a valid {}", a.value, ad.ty.as_str()),
                );
                continue;
            }
            let tokens: Vec<&str> = match ad.ty {
                AttrType::NmTokens => a.value.split_whitespace().collect(),
                _ => vec![a.value.as_str()],
            };
            if matches!(ad.ty, AttrType::NmToken | AttrType::NmTokens)
                && !a.value.trim().is_empty()
                && !tokens.iter().all(|t| is_nmtoken(t))
            {
                self.push(
                    "ENT-TYPE-2",
                    &at,
                    format!("{:?} is not a valid {}", a.value, ad.ty.as_str()),
                );
            }
            if let Some(set) = ad.value_set.and_then(|s| self.profile.value_set(s)) {
                for t in tokens.iter().filter(|t| !t.is_empty() && !set.contains(t)) {
                    self.push(
                        "ENT-VS-1",
                        &at,
                        format!("{t:?} is not a known {} value", set.name),
                    );
                }
            }
        }
        if def.name == n::VALID_VERSION {
            let has = |name: &str| {
                el.attributes
                    .iter()
                    .any(|a| a.name.namespace.is_none() && a.name.local == name)
            };
            let conflicts = [
                (n::VERSION, n::MIN_VERSION),
                (n::VERSION, n::AFTER_VERSION),
                (n::VERSION, n::MAX_VERSION),
                (n::VERSION, n::BEFORE_VERSION),
                (n::MIN_VERSION, n::AFTER_VERSION),
                (n::MAX_VERSION, n::BEFORE_VERSION),
            ];
            for (x, y) in conflicts {
                if has(x) && has(y) {
                    self.push("ENT-VER-2", path, format!("`{x}` and `{y}` are both given"));
                }
            }
        }
    }

    // ---- semantics, on the model ----

    fn semantics(&mut self, ent: &Ent) {
        let root = "/Ent";
        if !ent.ent_id.problems().is_empty() {
            let what: Vec<String> = ent
                .ent_id
                .problems()
                .iter()
                .map(ToString::to_string)
                .collect();
            self.push("ENT-MIN-1", "/Ent/@entId", what.join("; "));
        }
        match ent
            .entities
            .iter()
            .enumerate()
            .find(|(_, e)| e.role.contains(&Role::EntCreator))
        {
            None => self.push(
                "ENT-MIN-2",
                root,
                "no Entity has the role `entCreator`".to_owned(),
            ),
            Some((i, creator)) => {
                let at = format!("/Ent/Entity[{}]/@regid", i + 1);
                match &creator.regid {
                    None => self.push(
                        "ENT-MIN-3",
                        &at,
                        format!("the Ent creator {:?} has no regid", creator.name),
                    ),
                    Some(r) if r.is_unavailable() || r.as_str().trim().is_empty() => self.push(
                        "ENT-MIN-3",
                        &at,
                        format!("the Ent creator's regid {:?} is not usable", r.as_str()),
                    ),
                    Some(_) => {}
                }
            }
        }
        for (i, e) in ent.entities.iter().enumerate() {
            if let Some(r) = &e.regid {
                let problems = r.problems();
                if !problems.is_empty() {
                    let what: Vec<String> = problems.iter().map(ToString::to_string).collect();
                    self.push(
                        "ENT-ID-1",
                        &format!("/Ent/Entity[{}]/@regid", i + 1),
                        format!("{:?}: {}", r.as_str(), what.join("; ")),
                    );
                }
            }
        }
        self.use_case(ent);
        for (i, c) in ent.contracts.iter().enumerate() {
            if let (Some(s), Some(e)) = (c.start_date, c.end_date) {
                if e < s {
                    self.push(
                        "ENT-DATE-1",
                        &format!("/Ent/Contract[{}]", i + 1),
                        format!("the contract ends ({e}) before it starts ({s})"),
                    );
                }
            }
        }
        for (i, o) in ent.order_info.iter().enumerate() {
            self.non_negative(o.quantity, &format!("/Ent/OrderInfo[{}]/@quantity", i + 1));
        }
        for (i, inv) in ent.invoice_data.iter().enumerate() {
            let at = format!("/Ent/InvoiceData[{}]", i + 1);
            for (name, value) in [(n::AMOUNT, inv.amount), (n::UNIT_PRICE, inv.unit_price)] {
                if let Some(v) = value.filter(|v| v.is_sign_negative() && !v.is_zero()) {
                    self.push(
                        "ENT-MONEY-1",
                        &format!("{at}/@{name}"),
                        format!("{name} is {v}"),
                    );
                }
            }
            let has_money = inv.amount.is_some() || inv.unit_price.is_some();
            match &inv.currency {
                None if has_money => self.push(
                    "ENT-MONEY-2",
                    &at,
                    "an amount is given without a currency".to_owned(),
                ),
                Some(c) if !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())) => self
                    .push(
                        "ENT-MONEY-2",
                        &format!("{at}/@currency"),
                        format!("{c:?} is not an ISO 4217 code"),
                    ),
                _ => {}
            }
        }
        for (i, r) in ent.rights.iter().enumerate() {
            let rp = format!("/Ent/Right[{}]", i + 1);
            for (j, m) in r.metrics.iter().enumerate() {
                for (k, q) in m.quantification.iter().enumerate() {
                    let qp = format!("{rp}/Metric[{}]/Quantification[{}]", j + 1, k + 1);
                    self.non_negative(q.quantity, &format!("{qp}/@quantity"));
                    self.non_negative(q.factor, &format!("{qp}/@factor"));
                    if q.unlimited == Some(true) && q.quantity.is_some() {
                        self.push(
                            "ENT-QTY-2",
                            &qp,
                            "both a quantity and unlimited=\"true\" are given".to_owned(),
                        );
                    }
                }
            }
            for (j, l) in r.limits.iter().enumerate() {
                for (k, t) in l.limit_time.iter().enumerate() {
                    let tp = format!("{rp}/Limit[{}]/LimitTime[{}]", j + 1, k + 1);
                    self.period(t.start.as_ref(), t.end.as_ref(), &tp);
                    self.non_negative(t.duration, &format!("{tp}/@duration"));
                    if t.duration.is_some() && t.duration_unit.is_none() {
                        self.push(
                            "ENT-DUR-1",
                            &format!("{tp}/@duration"),
                            "the duration has no durationUnit".to_owned(),
                        );
                    }
                }
            }
            for (j, v) in r.valid_versions.iter().enumerate() {
                let vp = format!("{rp}/ValidVersion[{}]", j + 1);
                if v.range.is_empty() {
                    self.push(
                        "ENT-VER-1",
                        &vp,
                        format!("the range {} contains no version", v.range),
                    );
                }
                let scheme = &v.range.scheme;
                if scheme.is_known() && *scheme != VersionScheme::Unknown {
                    for b in [&v.range.lower, &v.range.upper] {
                        if let Bound::Inclusive(x) | Bound::Exclusive(x) = b {
                            if !Version::new(x.clone(), scheme.clone()).is_well_formed() {
                                self.push(
                                    "ENT-VER-3",
                                    &vp,
                                    format!("{x:?} is not a well-formed {scheme} version"),
                                );
                            }
                        }
                    }
                }
            }
            for (j, l) in r.links.iter().enumerate() {
                self.link(ent, l, &format!("{rp}/Link[{}]", j + 1));
            }
        }
        for (i, l) in ent.links.iter().enumerate() {
            self.link(ent, l, &format!("/Ent/Link[{}]", i + 1));
        }
    }

    fn use_case(&mut self, ent: &Ent) {
        let root = "/Ent";
        let sup = ent.supplemental_ent_type.as_ref();
        match (&ent.ent_type, sup) {
            (EntType::Supplemental, None) => self.push(
                "ENT-SUP-1",
                root,
                "a supplemental Ent has no supplementalEntType".to_owned(),
            ),
            (EntType::Primary, Some(s)) => self.push(
                "ENT-SUP-2",
                "/Ent/@supplementalEntType",
                format!("a primary Ent has supplementalEntType {:?}", s.as_str()),
            ),
            _ => {}
        }
        if ent.ent_type == EntType::Primary && ent.rights.is_empty() {
            self.push(
                "ENT-MIN-4",
                root,
                "a primary Ent grants no Right".to_owned(),
            );
        }
        if ent.ent_type == EntType::Supplemental {
            let rel = if sup == Some(&SupplementalEntType::Consolidation) {
                Rel::Consolidates
            } else {
                Rel::Supplemental
            };
            if ent.linked_ents(&rel).next().is_none() {
                self.push(
                    "ENT-SUP-3",
                    root,
                    format!("no Link rel=\"{rel}\" with href=\"ent:…\""),
                );
            }
            let (role, what) = match sup {
                Some(SupplementalEntType::Allocation) => (Role::Allocatee, "an allocation"),
                Some(SupplementalEntType::Transfer) => (Role::Licensee, "a transfer"),
                _ => return,
            };
            if ent.entities_with_role(&role).next().is_none() {
                self.push(
                    "ENT-SUP-4",
                    root,
                    format!("{what} names no entity with the role `{role}`"),
                );
            }
        }
    }

    fn link(&mut self, ent: &Ent, l: &Link, path: &str) {
        let href = l.href.as_str();
        let at = format!("{path}/@href");
        let bad_chars = href
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '<' | '>' | '"'));
        let empty_target = ["ent:", "swid:"].contains(&href);
        if href.is_empty() || bad_chars || empty_target {
            self.push(
                "ENT-LINK-1",
                &at,
                format!("{href:?} is not a well-formed URI reference"),
            );
        }
        if l.ent_target().as_ref() == Some(&ent.ent_id) {
            self.push(
                "ENT-LINK-2",
                &at,
                format!("the link points at this Ent itself ({href})"),
            );
        }
    }

    fn non_negative(&mut self, v: Option<Decimal>, path: &str) {
        if let Some(v) = v.filter(|v| v.is_sign_negative() && !v.is_zero()) {
            self.push("ENT-QTY-1", path, format!("{v} is negative"));
        }
    }

    fn period(&mut self, start: Option<&Timestamp>, end: Option<&Timestamp>, path: &str) {
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                self.push(
                    "ENT-DATE-1",
                    path,
                    format!("the period ends ({e}) before it starts ({s})"),
                );
            }
        }
    }
}
