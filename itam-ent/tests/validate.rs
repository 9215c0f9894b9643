//! The rule catalogue: every rule has a vector that fires it, the samples are the baseline that
//! fires nothing, and the samples cover every element, value set and use case.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::BTreeSet;
use std::path::PathBuf;

use itam_core::Severity;
use itam_ent::profile::Profile;
use itam_ent::read::{ReadOptions, read_str};
use itam_ent::validate::{RULES, rule_by_id, validate, validate_with_source};
use itam_ent::xml::{XmlElement, XmlNode};
use itam_ent::{Ent, Parsed};

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

fn files(sub: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".ent.xml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn samples() -> Vec<(String, Ent)> {
    files("")
        .into_iter()
        .map(|(name, text)| {
            let ent = read_str(&text, &ReadOptions::STRICT)
                .map(Parsed::into_value)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, ent)
        })
        .collect()
}

#[test]
fn every_rule_has_a_vector_that_fires_it() {
    let vectors = files("rules");
    let names: BTreeSet<String> = vectors.iter().map(|(n, _)| n.clone()).collect();
    for rule in RULES {
        let file = format!("{}.ent.xml", rule.id);
        assert!(
            names.contains(&file),
            "rule {} has no test vector {file}",
            rule.id
        );
    }
    for (name, text) in &vectors {
        let id = name.trim_end_matches(".ent.xml");
        let rule = rule_by_id(id).unwrap_or_else(|| panic!("{name} names no rule"));
        let Parsed {
            value: ent,
            source_map: map,
            ..
        } = read_str(text, &ReadOptions::LAX).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = validate_with_source(&ent, Profile::reconstructed(), &map);
        let hits: Vec<_> = report.by_rule(id).collect();
        assert!(!hits.is_empty(), "{name} does not fire {id}:\n{report}");
        for f in hits {
            assert_eq!(f.severity, rule.severity);
            assert_eq!(
                f.message.ends_with("(reconstructed profile)"),
                rule.reconstructed,
                "{f}"
            );
        }
    }
}

#[test]
fn the_samples_are_a_baseline_that_fires_no_rule() {
    let samples = samples();
    assert!(samples.len() >= 10);
    for (name, ent) in &samples {
        let text = std::fs::read_to_string(dir("").join(name)).unwrap();
        let Parsed {
            value: _,
            source_map: map,
            ..
        } = read_str(&text, &ReadOptions::STRICT).unwrap();
        let report = validate_with_source(ent, Profile::reconstructed(), &map);
        assert!(report.is_empty(), "{name}:\n{report}");
    }
}

#[test]
fn rule_ids_are_unique_and_documented_in_the_readme() {
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), RULES.len());
    let readme = include_str!("../README.md");
    for r in RULES {
        let row = format!(
            "| `{}` | {} | {} | {} | {} |",
            r.id,
            r.severity,
            if r.reconstructed { "yes" } else { "no" },
            r.summary,
            r.reference
        );
        assert!(readme.contains(&row), "README lacks a row for {}", r.id);
    }
}

#[test]
fn validation_never_stops_early() {
    let text = r#"<Ent xmlns="http://standards.iso.org/iso/19770/-3/2016/schema.xsd" name="" entId=" "
        entType="supplemental"><Right name="use"><Metric type="core"><Quantification quantity="-1"
        unlimited="true"/></Metric></Right><InvoiceData amount="-1"/></Ent>"#;
    let ent = read_str(text, &ReadOptions::LAX).unwrap().value;
    let report = validate(&ent, Profile::reconstructed());
    let rules = report.rules();
    for id in [
        "ENT-STRUCT-1",
        "ENT-STRUCT-2",
        "ENT-MIN-1",
        "ENT-MIN-2",
        "ENT-SUP-1",
        "ENT-SUP-3",
        "ENT-QTY-1",
        "ENT-QTY-2",
        "ENT-MONEY-1",
        "ENT-MONEY-2",
    ] {
        assert!(rules.contains(id), "{id} missing from:\n{report}");
    }
    assert!(!report.is_conformant());
}

#[test]
fn findings_carry_paths_and_positions() {
    let text = std::fs::read_to_string(dir("rules").join("ENT-QTY-1.ent.xml")).unwrap();
    let Parsed {
        value: ent,
        source_map: map,
        ..
    } = read_str(&text, &ReadOptions::LAX).unwrap();
    let report = validate_with_source(&ent, Profile::reconstructed(), &map);
    let f = report.by_rule("ENT-QTY-1").next().unwrap();
    assert_eq!(
        f.location.path,
        "/Ent/Right[1]/Metric[1]/Quantification[1]/@quantity"
    );
    assert_eq!(f.location.pos.unwrap().line, 5);
}

#[test]
fn unknown_values_are_info_not_errors() {
    let text = std::fs::read_to_string(dir("rules").join("ENT-VS-1.ent.xml")).unwrap();
    let ent = read_str(&text, &ReadOptions::STRICT).unwrap().value;
    let report = validate(&ent, Profile::reconstructed());
    assert!(report.is_conformant(), "{report}");
    assert_eq!(report.len(), 1);
    assert_eq!(report.findings()[0].severity, Severity::Info);
}

fn walk<'a>(el: &'a XmlElement, out: &mut Vec<&'a XmlElement>) {
    out.push(el);
    for c in &el.children {
        if let XmlNode::Element(e) = c {
            walk(e, out);
        }
    }
}

#[test]
fn the_samples_cover_every_element_value_set_and_use_case() {
    let profile = Profile::reconstructed();
    let mut elements = BTreeSet::new();
    let mut sets = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for (_, ent) in samples() {
        kinds.insert(
            ent.supplemental_ent_type
                .as_ref()
                .map_or_else(|| ent.ent_type.to_string(), ToString::to_string),
        );
        let tree = itam_ent::write::to_tree(&ent, profile.namespace);
        let mut all = Vec::new();
        walk(&tree, &mut all);
        for el in all {
            let Some(def) = profile.element(&el.name.local) else {
                continue;
            };
            elements.insert(def.name);
            for a in &el.attributes {
                if let Some(set) = def.attribute(&a.name.local).and_then(|d| d.value_set) {
                    sets.insert(set);
                }
            }
        }
    }
    let all_elements: BTreeSet<_> = profile.elements.iter().map(|e| e.name).collect();
    assert_eq!(elements, all_elements);
    let all_sets: BTreeSet<_> = profile.value_sets.iter().map(|v| v.name).collect();
    assert_eq!(sets, all_sets);
    let want: BTreeSet<String> = [
        "primary",
        "addition",
        "allocation",
        "transfer",
        "consolidation",
        "revocation",
        "archive",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(kinds, want);
}
