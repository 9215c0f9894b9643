//! Read a SWID tag, inspect it, and write it back canonically.
//!
//! `cargo run -p itam-examples --bin swid_roundtrip [PATH]` — without a path, a built-in
//! sample tag is used. Lax mode is used so that draft and namespace-less tags are read too;
//! what the reader noticed is printed as findings.

use std::process::ExitCode;

use itam_swid::read::{ReadOptions, read_all_str};
use itam_swid::write::write;
use itam_swid::{HashAlgorithm, SoftwareIdentity};

const SAMPLE: &str = include_str!("../../../itam-swid/tests/data/full-2015.swidtag");

fn describe(tag: &SoftwareIdentity) {
    println!("{} (tagId {})", tag.name, tag.tag_id);
    println!(
        "  version {} [{}], tag type {}, {}",
        tag.product_version().value,
        tag.product_version().scheme,
        tag.tag_type().as_str(),
        if tag.is_authoritative() {
            "authoritative"
        } else {
            "not authoritative"
        }
    );
    for entity in tag.entities() {
        let regid = entity.regid_or_default();
        println!("  entity {:?} ({regid}): {}", entity.name, entity.role);
    }
    for link in tag.links() {
        println!("  link {} -> {:?}", link.rel, link.target());
    }
    for payload in tag.payloads() {
        let files = payload.files();
        let hashed = files
            .iter()
            .filter(|f| f.hash(&HashAlgorithm::Sha256).is_some())
            .count();
        println!(
            "  payload: {} files, {hashed} with a SHA-256 hash",
            files.len()
        );
    }
    let foreign = tag.foreign_elements().count();
    let signed = tag.signatures().count();
    println!("  {foreign} foreign element(s), {signed} signature(s)");
}

fn main() -> ExitCode {
    let text = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => SAMPLE.to_owned(),
    };
    let tags = match read_all_str(&text, &ReadOptions::LAX) {
        Ok(tags) => tags,
        Err(e) => {
            eprintln!("not read: {e}");
            return ExitCode::from(1);
        }
    };
    for parsed in &tags {
        describe(&parsed.value);
        for finding in &parsed.findings {
            println!("  finding: {finding}");
        }
        let regid = "/SoftwareIdentity/Entity[1]/@regid";
        if let Some(pos) = parsed.source_map.get(regid) {
            println!("  {regid} is at line {}, column {}", pos.line, pos.col);
        }
        match write(&parsed.value) {
            Ok(xml) => println!("\n{xml}"),
            Err(e) => eprintln!("not written: {e}"),
        }
    }
    ExitCode::SUCCESS
}
