//! The rule catalogue's test vectors (tests/data/rules/): each vector is a baseline tag that
//! passes every profile plus a textual mutation, and names the EXACT set of rules it fires.
//! Every automated rule in the catalogue must be fired by at least one vector.
//!
//! Manifest syntax (tests/data/rules/vectors.txt): blocks starting with `[name]`, then
//! `key: value` lines:
//! - `base:` a baseline file stem (`primary-auth` → `primary-auth.swidtag`);
//! - `profile:` a profile name (default `nistir-8060`); `schema:` `iso-2015`, `nist-fixed` or
//!   `none` to override its schema mode; `type:` and `auth:` to force the phase; `info: true`;
//! - `replace: OLD => NEW` (repeatable; OLD must occur in the text, its first occurrence is
//!   replaced; `\n` in NEW is a newline);
//! - `expect:` the rule ids that must fire, space-separated, or `none`;
//! - `reader: true` for the reader's own rules (`READ-*`): the text is read in lax mode and
//!   `expect` lists the rules of the reader's findings instead of the validator's.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use itam_swid::itam_core::diag::{Finding, Report, Severity};
use itam_swid::validate::{Layer, Profile, Rule, SchemaMode, TagType, validate_xml};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rules")
}

#[derive(Debug, Default)]
struct Vector {
    name: String,
    base: String,
    profile: String,
    schema: Option<String>,
    tag_type: Option<String>,
    auth: Option<bool>,
    info: bool,
    reader: bool,
    replace: Vec<(String, String)>,
    expect: BTreeSet<String>,
}

fn vectors() -> Vec<Vector> {
    let text = std::fs::read_to_string(data_dir().join("vectors.txt")).expect("vectors.txt");
    let mut out: Vec<Vector> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push(Vector {
                name: name.to_owned(),
                profile: "nistir-8060".to_owned(),
                ..Vector::default()
            });
            continue;
        }
        let v = out
            .last_mut()
            .unwrap_or_else(|| panic!("line {}: no [name] yet", n + 1));
        let (key, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("line {}: expected key: value", n + 1));
        let value = value.trim();
        match key.trim() {
            "base" => v.base = value.to_owned(),
            "profile" => v.profile = value.to_owned(),
            "schema" => v.schema = Some(value.to_owned()),
            "type" => v.tag_type = Some(value.to_owned()),
            "auth" => v.auth = Some(value == "true"),
            "info" => v.info = value == "true",
            "reader" => v.reader = value == "true",
            "replace" => {
                let (old, new) = value
                    .split_once(" =>")
                    .unwrap_or_else(|| panic!("line {}: replace needs OLD => NEW", n + 1));
                let new = new.strip_prefix(' ').unwrap_or(new);
                v.replace.push((old.to_owned(), new.replace("\\n", "\n")));
            }
            "expect" => {
                v.expect = value
                    .split_whitespace()
                    .filter(|r| *r != "none")
                    .map(str::to_owned)
                    .collect();
            }
            other => panic!("line {}: unknown key {other}", n + 1),
        }
    }
    out
}

fn baseline(stem: &str) -> String {
    std::fs::read_to_string(data_dir().join(format!("{stem}.swidtag")))
        .unwrap_or_else(|e| panic!("baseline {stem}: {e}"))
}

fn profile_of(v: &Vector) -> Profile {
    let mut p = Profile::by_name(&v.profile)
        .unwrap_or_else(|| panic!("{}: unknown profile {}", v.name, v.profile));
    if let Some(s) = &v.schema {
        p = p.with_schema(match s.as_str() {
            "iso-2015" => Some(SchemaMode::Iso2015),
            "nist-fixed" => Some(SchemaMode::NistFixed),
            "none" => None,
            other => panic!("{}: unknown schema {other}", v.name),
        });
    }
    if let Some(t) = &v.tag_type {
        p = p.with_tag_type(match t.as_str() {
            "primary" => TagType::Primary,
            "corpus" => TagType::Corpus,
            "patch" => TagType::Patch,
            "supplemental" => TagType::Supplemental,
            other => panic!("{}: unknown type {other}", v.name),
        });
    }
    if let Some(a) = v.auth {
        p = p.with_authoritative(a);
    }
    p.with_info(v.info)
}

fn mutate(v: &Vector) -> String {
    let mut text = baseline(&v.base);
    for (old, new) in &v.replace {
        assert!(
            text.contains(old.as_str()),
            "{}: the baseline {} has no {old:?}, so the mutation would not apply",
            v.name,
            v.base
        );
        text = text.replacen(old.as_str(), new, 1);
    }
    text
}

/// The findings of the lax reader on a `reader: true` vector.
fn read_lax(v: &Vector) -> Report {
    use itam_swid::read::{ReadOptions, read_str};
    let parsed = read_str(&mutate(v), &ReadOptions::LAX)
        .unwrap_or_else(|e| panic!("{}: the lax reader refused it: {e}", v.name));
    parsed.findings.into_iter().collect()
}

const BASELINES: [&str; 6] = [
    "primary-auth",
    "primary-nonauth",
    "corpus",
    "patch-auth",
    "patch-nonauth",
    "supplemental",
];

#[test]
fn every_baseline_passes_every_profile() {
    for stem in BASELINES {
        let text = baseline(stem);
        for profile in Profile::ALL {
            let report = validate_xml(&text, &profile).unwrap();
            assert!(
                report.is_empty(),
                "{stem} under {}:\n{report}",
                profile.name
            );
        }
    }
}

#[test]
fn every_vector_fires_exactly_its_rules() {
    let vectors = vectors();
    assert!(vectors.len() > 80, "only {} vectors", vectors.len());
    let mut failures = Vec::new();
    let mut names = BTreeSet::new();
    for v in &vectors {
        assert!(
            names.insert(v.name.clone()),
            "duplicate vector name {}",
            v.name
        );
        for id in &v.expect {
            assert!(Rule::from_id(id).is_some(), "{}: unknown rule {id}", v.name);
        }
        let report = if v.reader {
            read_lax(v)
        } else {
            validate_xml(&mutate(v), &profile_of(v)).unwrap()
        };
        let fired: BTreeSet<String> = report.rules().into_iter().map(str::to_owned).collect();
        if fired != v.expect {
            failures.push(format!(
                "[{}] expected {:?}, fired {:?}\n{report}",
                v.name, v.expect, fired
            ));
        }
        for f in &report {
            let rule = Rule::from_id(&f.rule).unwrap();
            assert_eq!(f.severity, rule.severity(), "{}: {f}", v.name);
            assert!(
                f.location.path.starts_with("/SoftwareIdentity"),
                "{}: {f}",
                v.name
            );
            assert!(f.location.pos.is_some(), "{}: no position for {f}", v.name);
            assert!(!f.message.is_empty());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_automated_rule_has_a_vector() {
    let mut covered: BTreeMap<&str, usize> = BTreeMap::new();
    let vectors = vectors();
    for v in &vectors {
        for id in &v.expect {
            *covered.entry(Rule::from_id(id).unwrap().id()).or_default() += 1;
        }
    }
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| r.is_automated() && !covered.contains_key(r.id()))
        .map(|r| r.id())
        .collect();
    assert!(missing.is_empty(), "rules without a vector: {missing:?}");
    // The reader's rules are fired by the reader, the others by the validator.
    for v in &vectors {
        for id in &v.expect {
            let reader_rule = Rule::from_id(id).unwrap().layer() == Layer::Reader;
            assert_eq!(
                reader_rule, v.reader,
                "[{}]: {id} is checked through the wrong path",
                v.name
            );
        }
    }
    let reader_rules = Rule::ALL.iter().filter(|r| r.layer() == Layer::Reader);
    assert_eq!(
        reader_rules.count(),
        4,
        "READ-NS-DRAFT, READ-NS-MISSING, READ-REQUIRED, READ-UNIQUEID"
    );
    // Statements are listed for completeness and never fire.
    for r in Rule::ALL.iter().filter(|r| !r.is_automated()) {
        assert!(!covered.contains_key(r.id()), "statement {} fired", r.id());
    }
}

#[test]
fn catalogue_ids_are_unique_and_levels_map_to_severities() {
    let ids: BTreeSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(ids.len(), Rule::ALL.len());
    for r in Rule::ALL {
        assert_eq!(Rule::from_id(r.id()), Some(*r));
        assert!(!r.summary().is_empty() && !r.reference().is_empty());
    }
    assert_eq!(Rule::Gen4_1.severity(), Severity::Error);
    assert_eq!(Rule::Gen6_1.severity(), Severity::Warning);
    assert_eq!(Rule::Cor4_2.severity(), Severity::Error);
    assert_eq!(Rule::Info1_1.severity(), Severity::Info);
    let table = Rule::markdown_table();
    assert_eq!(table.lines().count(), Rule::ALL.len() + 2);
}

/// Validating the typed model the reader builds gives the same rules, with positions, as
/// validating the XML text, for every baseline and every vector the lax reader accepts.
#[test]
fn the_model_path_agrees_with_the_text_path() {
    use itam_swid::read::{ReadOptions, read_str};
    use itam_swid::validate::validate_parsed;
    let mut compared = 0;
    let mut differences = Vec::new();
    for v in vectors() {
        let text = mutate(&v);
        let Ok(parsed) = read_str(&text, &ReadOptions::LAX) else {
            continue;
        };
        let profile = profile_of(&v);
        let from_text = validate_xml(&text, &profile).unwrap();
        let from_model = validate_parsed(&parsed, &profile);
        compared += 1;
        let key = |f: &Finding| (f.rule.clone(), f.location.path.clone(), f.location.pos);
        let a: BTreeSet<_> = from_text.findings().iter().map(key).collect();
        let b: BTreeSet<_> = from_model.findings().iter().map(key).collect();
        if a != b {
            differences.push(format!("[{}]\n text: {a:?}\nmodel: {b:?}", v.name));
        }
        for f in &from_model {
            assert!(f.location.pos.is_some(), "[{}] no position: {f}", v.name);
        }
    }
    assert!(compared > 80, "only {compared} vectors read");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// src/validate/RULES.md (included in the `validate` module's documentation) is the catalogue
/// as rendered by `Rule::markdown_table`; `ITAM_BLESS=1` rewrites it.
#[test]
fn rules_table_in_the_docs_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/validate/RULES.md");
    let expected = format!(
        "## Rule catalogue\n\n\
         Generated from [`Rule`] by `Rule::markdown_table()` (the test \
         `rules_table_in_the_docs_is_current` keeps it in step; `ITAM_BLESS=1` rewrites it). \
         Types: the tag types a rule applies to; Auth: `A` authoritative tags only, `N` \
         non-authoritative only. Level `—`: a guideline statement no program can check on one \
         tag; listed for completeness, never reported.\n\n{}",
        Rule::markdown_table()
    );
    if std::env::var_os("ITAM_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{} is out of date; run with ITAM_BLESS=1",
        path.display()
    );
}

/// The crate README holds the catalogue too (the "Done when"), between two markers;
/// `ITAM_BLESS=1` rewrites that part.
#[test]
fn readme_rule_catalogue_is_current() {
    const BEGIN: &str = "<!-- rule-catalogue:begin -->\n";
    const END: &str = "<!-- rule-catalogue:end -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README has no rule-catalogue:begin marker")
        + BEGIN.len();
    let end = readme
        .find(END)
        .expect("README has no rule-catalogue:end marker");
    assert!(
        start <= end,
        "README's rule-catalogue markers are out of order"
    );
    let expected = Rule::markdown_table();
    if std::env::var_os("ITAM_BLESS").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
    } else {
        assert!(
            readme[start..end] == expected,
            "the rule catalogue in {} is out of date; run with ITAM_BLESS=1",
            path.display()
        );
    }
}

/// Locations are XPath-like paths in the reader's syntax, with the line and column of the
/// attribute (or element) they name.
#[test]
fn findings_point_at_the_attribute() {
    let text = baseline("primary-auth").replace(
        "regid=\"dist.example.com\"",
        "regid=\"http://invalid.unavailable\"",
    );
    let report = validate_xml(&text, &Profile::NISTIR_8060).unwrap();
    let f = report.by_rule("GEN-4-3").next().expect("GEN-4-3");
    assert_eq!(f.location.path, "/SoftwareIdentity/Entity[2]/@regid");
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("regid=\"http").map(|c| (i + 1, c + 1)))
        .unwrap();
    let pos = f.location.pos.unwrap();
    assert_eq!((pos.line as usize, pos.col as usize), (line, col));

    let text = baseline("primary-auth").replace("sha256:hash=\"a314", "sha256:hash=\"zz14");
    let report = validate_xml(&text, &Profile::NISTIR_8060).unwrap();
    let f = report.by_rule("GEN-19-2").next().expect("GEN-19-2");
    assert_eq!(
        f.location.path,
        "/SoftwareIdentity/Payload[1]/Directory[1]/File[1]/@hash[{http://www.w3.org/2001/04/xmlenc#sha256}]"
    );
}

/// Tag type and authoritativeness are detected as the guideline text says: flags are
/// xs:boolean ("1" is true), roles are whole tokens.
#[test]
fn phase_detection() {
    use itam_swid::validate::{Element, detect_authoritative, detect_tag_type};
    let with = |from: &str, to: &str| baseline("primary-auth").replace(from, to);
    let detect = |text: &str| {
        let root = Element::parse(text).unwrap();
        (detect_tag_type(&root), detect_authoritative(&root))
    };
    assert_eq!(detect(&baseline("primary-auth")), (TagType::Primary, true));
    assert_eq!(
        detect(&baseline("primary-nonauth")),
        (TagType::Primary, false)
    );
    assert_eq!(
        detect(&with("tagVersion=\"1\"", "tagVersion=\"1\" patch=\"1\"")),
        (TagType::Patch, true)
    );
    assert_eq!(
        detect(&with(
            "tagVersion=\"1\"",
            "tagVersion=\"1\" corpus=\"true\" supplemental=\" true \""
        )),
        (TagType::Supplemental, true)
    );
    assert_eq!(
        detect(&with(
            "role=\"tagCreator softwareCreator\"",
            "role=\"tagCreators softwareCreator\""
        )),
        (TagType::Primary, false)
    );
}
