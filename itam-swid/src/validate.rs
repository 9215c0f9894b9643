//! Validation of SWID tags: the rule catalogue ([`Rule`]), the profiles ([`Profile`]) and the
//! checks, reported as an [`itam_core::diag::Report`].
//!
//! Three layers of rules, each switched on by the profile:
//! - **schema** (`XSD-*`): what the 2015 XSD checks, in the published ISO form or in NIST's
//!   corrected form ([`SchemaMode`]);
//! - **iso** (`SWID-*`, `ISO-*`): the 2015 co-constraints the XSD cannot express (a tagCreator
//!   Entity, at most one Payload and one Evidence, one tag type, a patch's `patches` Link);
//! - **nistir-8060** (`GEN-*`, `COR-*`, `PRI-*`, `PAT-*`, `SUP-*`): NISTIR 8060's guidelines with
//!   swidval's derived-requirement ids, scoped by tag type and authoritativeness.
//!
//! The catalogue also lists the lax reader's findings (`READ-*`, layer `reader`): the reader
//! reports them in [`Parsed::findings`] when it reads a tag strict mode refuses, and
//! [`validate_parsed`] takes them into account without repeating them.
//!
//! Validation never stops at the first problem and never fails; a document that is not XML
//! at all is the only error ([`validate_xml`]). Each finding names its rule id, has the rule's
//! severity (MUST/MUST NOT → Error, SHOULD → Warning, INFO → Info) and a location: a path in
//! the reader's syntax ([`crate::source::path`], e.g. `/SoftwareIdentity/Entity[2]/@regid`)
//! plus line and column when the tag came from text.
//!
//! Entry points: [`validate`] (a typed tag), [`validate_parsed`] (a tag from the reader, with
//! positions from its [`SourceMap`]), [`validate_xml`] (XML text, checked as written — the only
//! way to see what the typed model cannot hold, such as a missing required attribute in a
//! strict document) and [`validate_tree`].
//!
//! ```
//! use itam_swid::validate::{validate_xml, Profile};
//!
//! let tag = r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"
//!     name="Roadrunner" tagId="com.acme.rr-1.0" version="1.0">
//!   <Entity name="ACME" regid="acme.com" role="tagCreator softwareCreator"/>
//! </SoftwareIdentity>"#;
//! let report = validate_xml(tag, &Profile::ISO_19770_2_2015).unwrap();
//! assert!(report.is_empty());
//!
//! let report = validate_xml(tag, &Profile::NISTIR_8060).unwrap();
//! assert!(report.rules().contains("GEN-2-1")); // no xml:lang
//! assert!(report.rules().contains("PRI-3-1")); // a version without a versionScheme
//! let finding = report.by_rule("GEN-2-1").next().unwrap();
//! assert_eq!(finding.location.path, "/SoftwareIdentity");
//! assert_eq!(finding.location.pos.map(|p| p.line), Some(1));
//! ```
//!
//! ## Profiles
//!
//! | Profile | Schema | ISO co-constraints | NISTIR 8060 |
//! |---|---|---|---|
//! | [`Profile::ISO_19770_2_2015`] (`iso-19770-2-2015`, the default) | published ISO XSD | yes | no |
//! | [`Profile::NIST_XSD`] (`nist-xsd`) | NIST's corrected XSD | yes | no |
//! | [`Profile::NISTIR_8060`] (`nistir-8060`) | NIST's corrected XSD (swidval's GEN-1-1) | yes | the phase for the tag's type × authoritativeness |
//!
//! The two schema modes differ exactly where the XSDs do: the published XSD lets
//! unqualified extra attributes through on `Meta`, `Directory`, `File`, `Process` and
//! `Resource` (its `##any` wildcards) and types `versionScheme` as `xs:NMTOKEN` (so the
//! standard's own `multipartnumeric+suffix` fails, `XSD-TYPE-2`); NIST's copy allows only
//! other-namespace attributes (`XSD-ATTR-2`) and types `versionScheme` as `xs:token`.
//!
//! The NISTIR 8060 phase is detected as swidval does — type by `patch` > `supplemental` >
//! `corpus` > primary, authoritative when an Entity is tagCreator and one of aggregator,
//! distributor, licensor, softwareCreator — unless [`Profile::with_tag_type`] /
//! [`Profile::with_authoritative`] set it (swidval's `-usecase` and `-A`/`-a`). swidval's
//! GEN-1-1 (a validating parse against the XSD) is reported once, at the root, when the
//! NISTIR 8060 profile's schema layer found an error; the `XSD-*` findings say what.
//!
//! ## Where we differ from swidval
//!
//! spec/swid.md §6 lists where swidval's Schematron does not do what its requirement text
//! says. This validator follows the text; each point has a test vector
//! (tests/data/rules/vectors.txt) that shows it.
//! - **Roles are whole tokens.** swidval matches roles with XPath `contains()`, so a role
//!   `notatagCreator` counts as tagCreator. Here a role is one of the whitespace-separated
//!   NMTOKENS (authoritativeness, SWID-1-1, SWID-2-1, GEN-5, GEN-8..10).
//! - **GEN-7-1 compares sets of roles**, not the `role` strings: `"softwareCreator
//!   tagCreator"` and `"tagCreator softwareCreator"` are the same roles.
//! - **Flags are `xs:boolean`.** swidval's type detection compares the literal `'true'`, so
//!   `patch="1"` is assessed as primary; here `1` is true for the tag type and for
//!   `n8060:mutable` alike.
//! - **Blank means empty or white space** for the "non-blank" checks (GEN-4-2, GEN-5-2,
//!   GEN-6-2, GEN-14-2, GEN-15-2, COR-/PRI-x-2); swidval tests `string-length() != 0`, so
//!   `regid=" "` passes there.
//! - **GEN-15-1 is a Warning.** NISTIR 8060 asks for `File/@version` only if the file has one,
//!   which no validator can know; swidval fails every File without one (disputed in
//!   strongSwan PR #42). GEN-15-2 (a present version is not blank) stays an Error.
//! - **GEN-18-4 checks RIPEMD-160**, as swidval's test does: its statement says SHA-224, which
//!   would duplicate GEN-18-3 and leave RIPEMD-160, which GEN-18 deprecates, unchecked.
//! - **PAT-3-1 accepts `update`** beside `add`, `modify` and `remove`: the NISTIR 8060
//!   extension XSD declares `add`/`remove`/`update` for `n8060:patchEvent`, swidval tests
//!   `add`/`modify`/`remove`.
//! - **PRI-13-2..5 look at the tag's `Meta`** (children of SoftwareIdentity), not at
//!   `Entity/Meta`, which swidval's context `swid:Meta` also matches.
//! - **GEN-11-1 is RFC 3986** in either case (swidval's regex wants a lowercase scheme and
//!   uppercase `%HH`); **GEN-12-1** (a `swidpath:` href is percent-encoded) is checked,
//!   swidval has no test for it. GEN-24-2 (non-empty `envVarSuffix`) is not a rule: swidval
//!   drops it and `""` is a legitimate suffix.
//! - **Hashes are namespaced `hash` attributes** (GEN-16, GEN-17, GEN-19, GEN-20); XPath's
//!   `@*:hash` would also count an unqualified `hash`.
//! - **More ISO rules**: ISO-PAYLOAD-1, ISO-EVIDENCE-1, ISO-TAGTYPE-1 and ISO-PATCH-1 (which
//!   swidval lists, as SWID-1/SWID-2 of its ISO requirements, without a test), and
//!   ISO-CASE-1 (a Warning, ours): a `role`, `rel`, `versionScheme` or `n8060:patchEvent`
//!   value that differs from a predefined value only in case, such as strongTNC's
//!   `role="tagcreator"`. Values are case-sensitive, so such a tag still has no tagCreator
//!   (SWID-1-1); the warning says which value was probably meant.
//!
//! INFO-1-1 and INFO-1-2 (the assessed authoritativeness and type) are reported only with
//! [`Profile::with_info`].
//!
#![doc = include_str!("validate/RULES.md")]

mod from_model;
mod iso;
mod nistir;
mod profile;
mod rules;
mod schema;
pub mod tree;
mod vocab;

use std::collections::BTreeMap;

use itam_core::diag::{Finding, Location, Report};

pub use profile::{Profile, SchemaMode};
pub use rules::{AuthScope, Layer, Level, Rule, TypeScope};
pub use tree::{Element, TreeError};

use crate::model::SoftwareIdentity;
pub use crate::model::TagType;
use crate::ns::{N8060 as N8060_NS, SWID_2015 as SWID_NS, XML as XML_NS};
use crate::source::{Parsed, SourceMap};

/// Validates a typed tag against a profile. Findings carry paths but no line and column; use
/// [`validate_parsed`] for a tag that was read from text.
///
/// The model cannot say that a required attribute was missing (the reader reports that, and
/// refuses it in strict mode): such a value is validated as written, e.g. an empty `rel`.
#[must_use]
pub fn validate(tag: &SoftwareIdentity, profile: &Profile) -> Report {
    validate_tree(&from_model::tree(tag, Some(SWID_NS)), profile)
}

/// Validates a tag the reader produced, taking line and column for each finding from its
/// [`SourceMap`] (the nearest recorded element or attribute on the finding's path). The
/// reader's own findings are not repeated here, but what they say is used: a tag read from a
/// draft namespace or none is validated in that namespace (so `XSD-ROOT-1` fires), a
/// required attribute the lax reader found missing is validated as missing (`XSD-ATTR-1`),
/// not as an empty value, and a draft `uniqueId` read as `tagId` is validated as `uniqueId`.
#[must_use]
pub fn validate_parsed(parsed: &Parsed<SoftwareIdentity>, profile: &Profile) -> Report {
    let ns = parsed.source_map.dialect().namespace();
    let mut root = from_model::tree(&parsed.value, ns);
    for finding in &parsed.findings {
        if finding.rule == crate::read::RULE_REQUIRED {
            remove_attribute_at(&mut root, ns.unwrap_or_default(), &finding.location.path);
        } else if finding.rule == crate::read::RULE_UNIQUE_ID {
            // The draft's `uniqueId` stood in for `tagId`: validate what was written.
            for attr in &mut root.attributes {
                if attr.is(None, "tagId") {
                    attr.name = "uniqueId".into();
                }
            }
        }
    }
    with_positions(validate_tree(&root, profile), &parsed.source_map)
}

/// Removes the unqualified attribute a path such as `/SoftwareIdentity/Link[2]/@rel` names.
fn remove_attribute_at(root: &mut Element<'_>, swid_ns: &str, path: &str) {
    let mut steps = path.trim_start_matches('/').split('/');
    if steps.next() != Some(root.name.as_ref()) {
        return;
    }
    let mut el = root;
    for step in steps {
        if let Some(attr) = step.strip_prefix('@') {
            el.attributes.retain(|a| !a.is(None, attr));
            return;
        }
        let Some(i) = child_steps(el, swid_ns).iter().position(|s| s == step) else {
            return;
        };
        let Some(next) = el.children.get_mut(i) else {
            return;
        };
        el = next;
    }
}

/// Fills in the text position of every finding that has none from a source map.
#[must_use]
pub fn with_positions(report: Report, source_map: &SourceMap) -> Report {
    Vec::from(report)
        .into_iter()
        .map(|mut f| {
            if f.location.pos.is_none() {
                f.location.pos = source_map.nearest(&f.location.path);
            }
            f
        })
        .collect()
}

/// Validates XML text against a profile.
///
/// # Errors
/// [`TreeError`] when the text is not well-formed XML or exceeds a size limit; every other
/// problem is a finding in the report.
pub fn validate_xml(text: &str, profile: &Profile) -> Result<Report, TreeError> {
    Ok(validate_tree(&Element::parse(text)?, profile))
}

/// Validates a document tree (its root element) against a profile.
#[must_use]
pub fn validate_tree(root: &Element<'_>, profile: &Profile) -> Report {
    let tag_type = profile.tag_type.unwrap_or_else(|| detect_tag_type(root));
    let authoritative = profile
        .authoritative
        .unwrap_or_else(|| detect_authoritative(root));
    // Rules other than the schema's look at the root's namespace, so that a draft-namespace
    // tag still gets its guideline findings beside XSD-ROOT-1.
    let swid_ns = if root.name == "SoftwareIdentity" {
        root.namespace.as_deref().unwrap_or_default()
    } else {
        SWID_NS
    };
    let mut ctx = Ctx {
        profile,
        tag_type,
        authoritative,
        swid_ns,
        findings: Vec::new(),
    };
    let path = format!("/{}", root.name);
    if let Some(mode) = profile.schema {
        schema::check(&mut ctx, root, mode);
        let schema_errors = ctx
            .findings
            .iter()
            .filter(|f| f.severity == itam_core::Severity::Error)
            .count();
        if schema_errors > 0 {
            ctx.fire(
                Rule::Gen1_1,
                Location::path(path.clone()).with_pos(root.pos),
                format!(
                    "the tag is not valid against the {} XSD ({schema_errors} schema error(s))",
                    mode.as_str()
                ),
            );
        }
    }
    if root.name == "SoftwareIdentity" {
        if profile.iso {
            iso::check(&mut ctx, root, &path);
            vocab::check(&mut ctx, root, &path);
        }
        if profile.nistir {
            nistir::check(&mut ctx, root, &path);
        }
    }
    Report::from(ctx.findings)
}

/// The tag type by swidval's precedence: `patch` over `supplemental` over `corpus`, primary
/// when none is true. Flags are read as `xs:boolean`, so `"1"` counts as true (swidval compares
/// the literal `'true'` here; see the README).
#[must_use]
pub fn detect_tag_type(root: &Element<'_>) -> TagType {
    if flag(root, "patch") {
        TagType::Patch
    } else if flag(root, "supplemental") {
        TagType::Supplemental
    } else if flag(root, "corpus") {
        TagType::Corpus
    } else {
        TagType::Primary
    }
}

/// Whether the tag is authoritative: some Entity has the role `tagCreator` and one of
/// `aggregator`, `distributor`, `licensor`, `softwareCreator` (whole role tokens, where
/// swidval matches substrings).
#[must_use]
pub fn detect_authoritative(root: &Element<'_>) -> bool {
    let ns = root.namespace.as_deref().unwrap_or(SWID_NS);
    root.children_named(ns, "Entity")
        .any(nistir::is_authoritative_entity)
}

/// Validation state: the profile, the phase (type × authoritativeness) and the findings.
struct Ctx<'p> {
    profile: &'p Profile,
    tag_type: TagType,
    authoritative: bool,
    /// The namespace the tag's SWID elements are in (the root's).
    swid_ns: &'p str,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    /// Whether the profile runs `rule`'s layer and the rule applies to the phase.
    fn on(&self, rule: Rule) -> bool {
        self.profile.runs(rule.layer())
            && rule.applies_to(self.tag_type, self.authoritative)
            && (rule.level() != Level::Info || self.profile.info)
    }

    /// Reports `rule` if it is [`on`](Self::on).
    fn fire(&mut self, rule: Rule, location: Location, message: impl Into<String>) {
        if !self.on(rule) {
            return;
        }
        self.findings
            .push(Finding::new(rule.id(), rule.severity(), location, message));
    }
}

fn at_elem(path: &str, el: &Element<'_>) -> Location {
    Location::path(path).with_pos(el.pos)
}

/// The location of an attribute; the step syntax is the reader's ([`crate::source::path`]):
/// `@name`, `@xml:lang`, `@n8060:name`, `@hash[{algorithm-uri}]`, `@{uri}name`.
fn at_attr(path: &str, attr: &tree::Attribute<'_>) -> Location {
    let step = match attr.namespace.as_deref() {
        Some(XML_NS) => format!("@xml:{}", attr.name),
        Some(N8060_NS) => format!("@n8060:{}", attr.name),
        Some(ns) if attr.name == "hash" => format!("@hash[{{{ns}}}]"),
        Some(ns) => format!("@{{{ns}}}{}", attr.name),
        None => format!("@{}", attr.name),
    };
    Location::path(format!("{path}/{step}")).with_pos(attr.pos)
}

/// The path steps of `parent`'s children, in the reader's syntax: each child's position among
/// the siblings of the same name (`Entity[2]`); an element outside the tag's namespace is
/// written in Clark notation (`{http://www.w3.org/2000/09/xmldsig#}Signature[1]`,
/// `{}Directory[1]`). One pass, so wide elements stay linear.
fn child_steps(parent: &Element<'_>, swid_ns: &str) -> Vec<String> {
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    parent
        .children
        .iter()
        .map(|child| {
            let ns = child.namespace.as_deref().unwrap_or_default();
            let n = seen.entry((ns, child.name.as_ref())).or_default();
            *n += 1;
            if ns == swid_ns {
                format!("{}[{n}]", child.name)
            } else {
                format!("{{{ns}}}{}[{n}]", child.name)
            }
        })
        .collect()
}

/// The step at `i` of [`child_steps`]' result.
fn step(steps: &[String], i: usize) -> &str {
    steps.get(i).map_or("", String::as_str)
}

/// `xs:boolean` truth: `true` or `1`, surrounding white space ignored.
fn is_true(value: &str) -> bool {
    matches!(value.trim(), "true" | "1")
}

fn flag(el: &Element<'_>, name: &str) -> bool {
    el.attr(None, name).is_some_and(is_true)
}

fn roles<'e>(entity: &'e Element<'_>) -> impl Iterator<Item = &'e str> + 'e {
    entity
        .attr(None, "role")
        .unwrap_or_default()
        .split_ascii_whitespace()
}

fn has_role(entity: &Element<'_>, role: &str) -> bool {
    roles(entity).any(|r| r == role)
}

/// The regid as the XSD reads it (the default when absent).
fn regid<'e>(entity: &'e Element<'_>) -> &'e str {
    entity
        .attr(None, "regid")
        .map_or("http://invalid.unavailable", str::trim)
}
