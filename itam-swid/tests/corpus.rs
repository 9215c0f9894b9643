//! Conformance against the shared corpus of real tags (`corpus-swid`): for every file, the
//! outcome its source project intended (as recorded in `SOURCES.tsv`) for parsing in strict
//! and lax mode, multi-tag reading, and the round trip (`write(read_str(x))` re-reads to an equal
//! model, writing is a fixed point, and `ds:Signature` subtrees survive, compared structurally
//! against an independent reading of the original file).
//!
//! The corpus is found through `ITAM_CORPUS` (a folder holding `corpus-swid/`) or
//! `<workspace>/../shared` (tests/support/corpus.rs); when neither has it the test says on
//! stderr that it was skipped, or fails when `ITAM_REQUIRE_CORPUS=1`.
//! CBOR files belong to the CoSWID tests and are counted as skipped here.
//! Files where we knowingly disagree with the source project are listed in
//! `tests/data/README.md` and in [`DISAGREEMENTS`].

// Test helpers may panic: a panic is how a test reports a failure.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;

#[path = "support/corpus.rs"]
mod corpus;

use itam_swid::read::{
    RULE_NS_DRAFT, RULE_NS_MISSING, RULE_REQUIRED, RULE_UNIQUE_ID, ReadOptions, read_all_str,
    read_str,
};
use itam_swid::write::write;
use itam_swid::{ParseError, XmlError};

/// What the source project intended, derived from the file's `SOURCES.tsv` note.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// CBOR (CoSWID / uSWID): not this test's business.
    Cbor,
    /// Not XML at all (JSON renderings, a placeholder file).
    NotXml,
    /// XML, but not a tag: Decima unit-test specs and templates, a wrong root element or a
    /// root in an unknown namespace.
    NotATag,
    /// An ISO/IEC 19770-2:2009 tag: refused by design (see the crate docs).
    Iso2009,
    /// Several tags in one file.
    Multi,
    /// A tag in a 2014 draft namespace: strict refuses, lax reads with a finding.
    Draft,
    /// A tag with no namespace: strict refuses, lax reads with a finding.
    NoNamespace,
    /// A 2015 tag missing a required attribute: strict refuses, lax reads with a finding.
    MissingRequired,
    /// A 2015 tag that reads in both modes without reader findings.
    Tag,
}

fn expect(path: &str, note: &str) -> Expect {
    let ext = path.rsplit('.').next().unwrap_or("");
    if matches!(ext, "cbor" | "coswid" | "bin" | "uswid") {
        Expect::Cbor
    } else if ext == "json" || note.contains("that is NOT XML") || note.contains("is NOT XML") {
        Expect::NotXml
    } else if note.contains("NOT a single tag") {
        Expect::Multi
    } else if note.contains("Decima content-unit-test spec")
        || note.contains("Decima template source")
        || note.contains("root element is")
        || note.contains("wrong namespace")
    {
        Expect::NotATag
    } else if note.contains("iso2009=") {
        Expect::Iso2009
    } else if note.contains("dis2014=")
        || note.contains("2014 DRAFT namespace")
        || note.contains("/-2/2014/schema.xsd")
    {
        Expect::Draft
    } else if note.contains("NO namespace") {
        Expect::NoNamespace
    } else if note.contains("required but missing") || note.contains("(no tagId)") {
        Expect::MissingRequired
    } else {
        Expect::Tag
    }
}

/// Files where our outcome differs from what [`expect`] derives from the source project's
/// intent, with the reason (kept in sync with `tests/data/README.md`).
const DISAGREEMENTS: &[(&str, &str)] = &[];

fn classify_error(e: &ParseError) -> &'static str {
    match e {
        ParseError::Xml(XmlError::NotWellFormed { .. }) => "xml",
        ParseError::WrongRoot { .. } => "wrong-root",
        ParseError::Iso2009 { .. } => "iso2009",
        ParseError::NotIso2015 { .. } => "not-2015",
        ParseError::MissingAttribute { .. } => "missing-attribute",
        _ => "other",
    }
}

/// Checks one file; returns a description of what went differently from `want`, if anything.
fn check(text: &str, want: &Expect) -> Result<usize, String> {
    let strict = read_str(text, &ReadOptions::STRICT);
    let lax = read_str(text, &ReadOptions::LAX);
    let err = |r: &Result<_, ParseError>| r.as_ref().err().map(classify_error);
    let rules = |r: &Result<itam_swid::Parsed<_>, ParseError>| -> Vec<String> {
        r.as_ref()
            .map(|p| p.findings.iter().map(|f| f.rule.clone()).collect())
            .unwrap_or_default()
    };
    let ok = match want {
        Expect::Cbor => true,
        Expect::NotXml => err(&strict) == Some("xml") && err(&lax) == Some("xml"),
        Expect::NotATag => err(&strict) == Some("wrong-root") && err(&lax) == Some("wrong-root"),
        Expect::Iso2009 => err(&strict) == Some("iso2009") && err(&lax) == Some("iso2009"),
        Expect::Multi => {
            let all =
                read_all_str(text, &ReadOptions::LAX).map_err(|e| format!("read_all: {e}"))?;
            all.len() >= 2 && lax.is_err()
        }
        Expect::Draft => {
            err(&strict) == Some("not-2015") && rules(&lax).iter().any(|r| r == RULE_NS_DRAFT)
        }
        Expect::NoNamespace => {
            err(&strict) == Some("not-2015") && rules(&lax).iter().any(|r| r == RULE_NS_MISSING)
        }
        Expect::MissingRequired => {
            err(&strict) == Some("missing-attribute")
                && rules(&lax)
                    .iter()
                    .any(|r| r == RULE_REQUIRED || r == RULE_UNIQUE_ID)
        }
        Expect::Tag => strict.is_ok() && lax.is_ok() && rules(&lax).is_empty(),
    };
    if !ok {
        return Err(format!(
            "strict: {:?}, lax: {:?} / findings {:?}",
            strict.as_ref().err().map(ToString::to_string),
            lax.as_ref().err().map(ToString::to_string),
            rules(&lax)
        ));
    }
    // Round trip for everything that reads.
    let tags: Vec<_> = match read_all_str(text, &ReadOptions::LAX) {
        Ok(all) => all.into_iter().map(|p| p.value).collect(),
        Err(_) => Vec::new(),
    };
    for tag in &tags {
        let written = write(tag).map_err(|e| format!("write: {e}"))?;
        let back = read_str(&written, &ReadOptions::STRICT).map_err(|e| format!("re-read: {e}"))?;
        if &back.value != tag {
            return Err("re-read model differs".to_owned());
        }
        let again = write(&back.value).map_err(|e| format!("write: {e}"))?;
        if again != written {
            return Err("write is not a fixed point".to_owned());
        }
    }
    // Signatures: the same subtrees, structurally, as in the original text.
    let mut signed = 0;
    if !tags.is_empty() {
        let original = signatures(text);
        let mut rewritten = Vec::new();
        for tag in &tags {
            rewritten.extend(signatures(&write(tag).map_err(|e| e.to_string())?));
        }
        if original != rewritten {
            return Err(format!(
                "ds:Signature subtrees differ ({} before, {} after)",
                original.len(),
                rewritten.len()
            ));
        }
        signed = original.len();
    }
    Ok(signed)
}

/// Every `ds:Signature` in a text (read with roxmltree directly, independently of the crate's
/// model), each as a structural rendering: expanded names, attributes sorted by expanded
/// name, children in order with text exactly.
fn signatures(text: &str) -> Vec<String> {
    let docs: Vec<String> = if text.matches("<?xml").count() > 1 {
        text.split("\n<?xml").map(|s| s.to_owned()).collect()
    } else {
        vec![text.to_owned()]
    };
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let d = if i == 0 {
            d.clone()
        } else {
            format!("<?xml{d}")
        };
        let d = d.trim_end().trim_end_matches("---").to_owned();
        let Ok(doc) = roxmltree::Document::parse(&d) else {
            continue;
        };
        for node in doc.descendants() {
            if node.is_element()
                && node.tag_name().name() == "Signature"
                && node.tag_name().namespace() == Some(itam_swid::ns::XMLDSIG)
            {
                let mut s = String::new();
                render(node, &mut s);
                out.push(s);
            }
        }
    }
    out
}

fn render(node: roxmltree::Node<'_, '_>, out: &mut String) {
    if node.is_text() {
        let _ = write!(out, "T{:?}", node.text().unwrap_or(""));
        return;
    }
    if !node.is_element() {
        return;
    }
    let name = node.tag_name();
    let _ = write!(
        out,
        "<{{{}}}{}",
        name.namespace().unwrap_or(""),
        name.name()
    );
    let mut attrs: Vec<String> = node
        .attributes()
        .map(|a| {
            format!(
                "{{{}}}{}={:?}",
                a.namespace().unwrap_or(""),
                a.name(),
                a.value()
            )
        })
        .collect();
    attrs.sort();
    for a in attrs {
        out.push(' ');
        out.push_str(&a);
    }
    out.push('>');
    for child in node.children() {
        render(child, out);
    }
    out.push_str("</>");
}

#[test]
fn corpus_conformance() {
    let Some(dir) = corpus::folder("corpus-swid") else {
        return;
    };
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv")).expect("SOURCES.tsv");
    let mut seen = std::collections::BTreeSet::new();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    let mut disagreements_seen = Vec::new();
    let mut signatures_compared = 0;
    for line in sources.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(path), Some(note)) = (cols.first(), cols.get(4)) else {
            continue;
        };
        if !seen.insert(path.to_string()) {
            continue;
        }
        let want = expect(path, note);
        *counts.entry(format!("{want:?}")).or_default() += 1;
        if want == Expect::Cbor {
            continue;
        }
        let bytes = std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let result = match std::str::from_utf8(&bytes) {
            Ok(text) => check(text, &want),
            Err(_) => Err("not utf-8".to_owned()),
        };
        let known = DISAGREEMENTS.iter().find(|(p, _)| p == path);
        match (result, known) {
            (Ok(n), None) => signatures_compared += n,
            (Err(_), Some(_)) => disagreements_seen.push(path.to_string()),
            (Ok(_), Some(_)) => {
                failures.push(format!("{path}: listed as a disagreement but now agrees"));
            }
            (Err(why), None) => failures.push(format!("{path} (expected {want:?}): {why}")),
        }
    }
    println!("corpus-swid outcomes by intended verdict: {counts:?}");
    println!(
        "skipped {} CBOR files (CoSWID tests cover them)",
        counts.get("Cbor").copied().unwrap_or(0)
    );
    assert!(
        failures.is_empty(),
        "{} corpus files disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(disagreements_seen.len(), DISAGREEMENTS.len());
    println!("{signatures_compared} ds:Signature subtrees survived the round trip");
    assert!(
        signatures_compared >= 10,
        "signed tags not found or not compared"
    );
    assert!(
        counts.get("Tag").copied().unwrap_or(0) >= 100,
        "too few tags found: {counts:?}"
    );
}
