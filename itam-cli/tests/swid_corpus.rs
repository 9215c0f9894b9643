//! The projection and the `itam swid` verbs over the real corpus of third-party tags, read in
//! place (never copied): every tag projects without panicking, a few named files give the
//! facts they state, and `validate`/`convert`/`show` get through the whole corpus.
//!
//! The corpus is found through `ITAM_CORPUS` (a folder holding `corpus-swid/`) or
//! `<workspace>/../shared` (itam-swid/tests/support/corpus.rs); when neither has it each test says on
//! stderr that it was skipped, or fails when `ITAM_REQUIRE_CORPUS=1`.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

#[path = "../../itam-swid/tests/support/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use itam_swid::coswid;
use itam_swid::itam_core::{RegId, TagId, VersionScheme};
use itam_swid::project::{SoftwareFact, project};
use itam_swid::read::{ReadOptions, read_all};
use itam_swid::{Role, SoftwareIdentity, TagType};

fn corpus_dir() -> Option<PathBuf> {
    corpus::folder("corpus-swid")
}

/// Every file of the corpus (sorted), except its README and SOURCES.
fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("README.md" | "SOURCES.tsv")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every tag a file holds, reading it as XML, CoSWID or uSWID (whichever works); `None` when
/// it is none of them.
fn tags(path: &Path) -> Option<Vec<SoftwareIdentity>> {
    let bytes = std::fs::read(path).expect("read");
    if let Ok(parsed) = read_all(&bytes, &ReadOptions::LAX) {
        return Some(parsed.into_iter().map(|p| p.value).collect());
    }
    if let Ok(decoded) = coswid::decode(&bytes) {
        return Some(vec![decoded.tag]);
    }
    coswid::decode_uswid(&bytes)
        .ok()
        .map(|all| all.into_iter().map(|d| d.tag).collect())
}

/// The facts of every tag a file holds.
fn facts(path: &Path) -> Option<Vec<SoftwareFact>> {
    tags(path).map(|all| all.iter().map(project).collect())
}

fn one(dir: &Path, rel: &str) -> SoftwareFact {
    let mut all = facts(&dir.join(rel)).unwrap_or_else(|| panic!("{rel} does not read"));
    assert_eq!(all.len(), 1, "{rel}");
    all.remove(0)
}

#[test]
fn every_corpus_tag_projects_and_only_primary_tags_install() {
    let Some(dir) = corpus_dir() else { return };
    let (mut files, mut tags) = (0, 0);
    let mut by_type = std::collections::BTreeMap::<TagType, usize>::new();
    for path in corpus_files(&dir) {
        let Some(all) = facts(&path) else { continue };
        files += 1;
        for fact in all {
            tags += 1;
            *by_type.entry(fact.tag_type).or_default() += 1;
            assert_eq!(
                fact.creates_installation(),
                fact.tag_type == TagType::Primary,
                "{}",
                path.display()
            );
            // The product is never blank when the tag has a name.
            if !fact.software.product.trim().is_empty() {
                assert_eq!(fact.software.product, fact.software.product.trim());
            }
            // Every payload file has a path (a File's name is required).
            for file in &fact.files {
                assert!(!file.path.is_empty(), "{}", path.display());
            }
        }
    }
    println!("projected {tags} tags from {files} corpus files: {by_type:?}");
    assert!(files > 100, "only {files} corpus files read");
    for t in [
        TagType::Primary,
        TagType::Corpus,
        TagType::Patch,
        TagType::Supplemental,
    ] {
        assert!(by_type.get(&t).copied().unwrap_or(0) > 0, "no {t:?} tag");
    }
}

#[test]
fn named_corpus_files_give_the_facts_they_state() {
    let Some(dir) = corpus_dir() else { return };

    // NIST's own authoritative example: publisher = the softwareCreator.
    let f = one(&dir, "usnistgov__swid-tools/authoritative.swidtag");
    assert_eq!(
        f.software.tag_id,
        TagId::new("gov.nist.decima-swidval-0.5.0.1")
    );
    assert_eq!(
        f.software.publisher,
        "National Institute of Standards and Technology"
    );
    assert_eq!(f.publisher_regid, Some(RegId::new("nist.gov")));
    assert_eq!(f.publisher_role, Some(Role::SoftwareCreator));
    assert_eq!(f.software.product, "swidval");
    assert_eq!(f.software.version, "0.5.0.1");
    assert!(f.authoritative && f.creates_installation());
    assert_eq!(f.files.len(), 1);
    assert_eq!(f.files[0].size, Some(9842));
    assert_eq!(f.files[0].path, "../NOTICE.txt");
    assert_eq!(f.files[0].hashes.len(), 2); // SHA-256 and SHA-512

    // strongTNC: a 2014-draft tag whose `tagcreator` is not the 2015 `tagCreator`; the
    // licensor is the publisher.
    let f = one(&dir, "strongswan__strongTNC/cowsay.full.swidtag");
    assert_eq!(f.software.publisher, "strongSwan");
    assert_eq!(f.publisher_role, Some(Role::Licensor));
    assert_eq!(f.software.version, "3.03+dfsg1-4");
    assert_eq!(f.software.version_scheme, VersionScheme::Alphanumeric);
    assert_eq!(f.files.len(), 61);
    assert!(
        f.files.iter().all(|file| file.path.starts_with('/')),
        "{:?}",
        f.files[0]
    );

    // rpm2swidtag: a supplemental tag names its swid: target, and does not install.
    let f = one(&dir, "swidtags__rpm2swidtag/swiddata1__sup__s2.swidtag");
    assert_eq!(f.tag_type, TagType::Supplemental);
    assert_eq!(f.supplements, [TagId::new("test.m.p2")]); // the relative href is no tagId
    assert!(!f.creates_installation());
    assert_eq!(f.software.version, "0.0"); // the XSD default
    assert_eq!(f.software.version_scheme.as_str(), "scheme-from-s2");

    // HIRS (TCG reference integrity manifest): product, edition and colloquialVersion
    // written in the n8060 namespace on Meta.
    let f = one(&dir, "nsacyber__HIRS/generated_user_cert.swidtag");
    assert_eq!(f.software.product, "ProductA");
    assert_eq!(f.software.edition.as_deref(), Some("12"));
    assert_eq!(f.colloquial_version.as_deref(), Some("Firmware_2019"));
    assert_eq!(f.revision.as_deref(), Some("r2"));
    assert_eq!(f.software.version, "01");

    // CoSWID (coswid-rs): the same projection from CBOR.
    let f = one(&dir, "puiterwijk__coswid-rs/firmware-coswid.cbor");
    assert_eq!(f.software.product, "acme firmware");
    assert_eq!(f.software.publisher, "Acme Software");
    assert_eq!(f.software.version, "1.0.0");

    // uSWID (python-uswid): firmware components are corpus tags; Meta gives the product and
    // edition; the distributor/licensor Dell is not the publisher, the creator Intel is.
    let all = facts(&dir.join("hughsie__python-uswid/dell-xps13.bin")).expect("uswid reads");
    assert_eq!(all.len(), 3);
    let f = &all[0];
    assert_eq!(f.tag_type, TagType::Corpus);
    assert!(!f.creates_installation());
    assert_eq!(f.software.publisher, "Intel");
    assert_eq!(f.software.product, "ACHI Recovery DXE");
    assert_eq!(f.software.edition.as_deref(), Some("stable202308"));
    assert_eq!(f.evidence_device.as_deref(), Some("hughsie-work"));
}

#[test]
fn the_json_form_is_lossless_on_every_corpus_tag() {
    let Some(dir) = corpus_dir() else { return };
    let mut count = 0;
    for path in corpus_files(&dir) {
        for tag in tags(&path).unwrap_or_default() {
            let json = serde_json::to_string(&tag).expect("serialises");
            let back: SoftwareIdentity =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(back, tag, "{}", path.display());
            count += 1;
        }
    }
    assert!(count > 150, "{count}");
}

fn itam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itam"))
        .args(args)
        .output()
        .expect("the itam binary runs")
}

#[test]
fn the_cli_gets_through_the_whole_corpus() {
    let Some(dir) = corpus_dir() else { return };
    let root = dir.to_string_lossy().into_owned();

    // validate: the corpus holds non-tags (Decima test specs, a 2009 tag, a text
    // placeholder), so some inputs are unreadable: exit 2, and every file has an object.
    let out = itam(&[
        "swid",
        "validate",
        "--json",
        "--profile",
        "nistir-8060",
        &root,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let files = value.as_array().expect("array");
    assert!(files.len() > 150, "{}", files.len());
    let named = |suffix: &str| {
        files
            .iter()
            .find(|f| f["file"].as_str().is_some_and(|n| n.ends_with(suffix)))
            .unwrap_or_else(|| panic!("{suffix} missing"))
    };
    assert!(
        named("README.example-2009.swidtag")["error"]
            .as_str()
            .expect("2009 tags are refused")
            .contains("2009")
    );
    assert!(named("nsacyber__HIRS/Mfg.Model.1.swidtag")["error"].is_string());
    let rules: Vec<&str> = named("GEN-4-1-authoritative-entity-no-regid.swidtag")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"GEN-4-1"), "{rules:?}");

    // convert: every readable file gives an output, unreadable ones are reported.
    let tmp = std::env::temp_dir().join(format!("itam-swid-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let out = itam(&[
        "swid",
        "convert",
        "--to",
        "coswid",
        &root,
        "-o",
        &tmp.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let written = corpus_files(&tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(written.len() > 100, "{}", written.len());

    // show: readable summaries of a signed tag.
    let signed = dir.join("strongswan__swidGenerator");
    if signed.is_dir() {
        let out = itam(&["swid", "show", &signed.to_string_lossy()]);
        assert!(out.status.code().is_some(), "no crash");
        assert!(!out.stdout.is_empty());
    }
}
