//! The reader and the profile against the real files of `corpus-ent` (read in place): no public
//! Ent exists, so these check (1) that the reader refuses the real SWID tag and schemas with a
//! precise error and never panics, and (2) that the shapes the reconstructed profile borrows from
//! ISO/IEC 19770-2:2015 (Entity, Link) match the public 2015 XSD.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[path = "../../itam-swid/tests/support/corpus.rs"]
mod corpus;

use std::collections::BTreeSet;
use std::path::PathBuf;

use itam_ent::profile::Profile;
use itam_ent::{ParseError, Parsed, ReadOptions, read_str};

fn corpus() -> Option<PathBuf> {
    corpus::folder("corpus-ent")
}

#[test]
fn real_non_ent_files_are_refused_with_their_root_name() {
    let Some(dir) = corpus() else { return };
    let cases = [
        (
            "usnistgov__swid-tools/authoritative.swidtag",
            "SoftwareIdentity",
        ),
        ("usnistgov__swid-tools/swid-schema-20151006.xsd", "schema"),
        (
            "usnistgov__swid-tools/swid-schema-fixed-20160908.xsd",
            "schema",
        ),
        (
            "CycloneDX__specification/valid-license-licensing-1.5.xml",
            "bom",
        ),
        (
            "CycloneDX__specification/valid-license-licensing-1.6.xml",
            "bom",
        ),
        (
            "CycloneDX__specification/valid-license-expression-with-licensing-1.7.xml",
            "bom",
        ),
    ];
    for (file, root) in cases {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for result in [
            read_str(&text, &ReadOptions::STRICT).map(Parsed::into_value),
            read_str(&text, &ReadOptions::LAX).map(Parsed::into_value),
        ] {
            match result {
                Err(ParseError::WrongRoot { found, pos }) => {
                    assert_eq!(found, root, "{file}");
                    assert!(pos.line >= 1, "{file}");
                }
                other => panic!("{file}: {other:?}"),
            }
        }
    }
}

/// The attributes (name, required) declared in the XSD complexType `name`.
fn xsd_attributes(xsd: &str, name: &str) -> BTreeSet<(String, bool)> {
    let doc = roxmltree::Document::parse(xsd).unwrap();
    let ty = doc
        .descendants()
        .find(|n| n.has_tag_name("complexType") && n.attribute("name") == Some(name))
        .unwrap();
    ty.descendants()
        .filter(|n| n.has_tag_name("attribute"))
        .filter_map(|n| {
            let name = n.attribute("name").or(n.attribute("ref"))?;
            Some((
                name.trim_start_matches("xml:").to_owned(),
                n.attribute("use") == Some("required"),
            ))
        })
        .collect()
}

#[test]
fn borrowed_swid_shapes_match_the_public_2015_xsd() {
    let Some(dir) = corpus() else { return };
    let profile = Profile::reconstructed();
    for file in [
        "usnistgov__swid-tools/swid-schema-20151006.xsd",
        "usnistgov__swid-tools/swid-schema-fixed-20160908.xsd",
    ] {
        let xsd = std::fs::read_to_string(dir.join(file)).unwrap();
        for element in ["Entity", "Link"] {
            let want = xsd_attributes(&xsd, element);
            let got: BTreeSet<(String, bool)> = profile
                .element(element)
                .unwrap()
                .attributes
                .iter()
                .filter(|a| a.name != "lang") // xml:lang comes from BaseElement
                .map(|a| (a.name.to_owned(), a.required))
                .collect();
            assert_eq!(got, want, "{file}: {element}");
        }
    }
}
