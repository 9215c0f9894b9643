//! Interop with the Python `uswid` package (hughsie/python-uswid, the CoSWID tool firmware
//! projects use), pinned and installed into a cache by `scripts/python-env.sh`:
//!
//! 1. every SWID XML tag of `corpus-swid` that we read (lax mode, every tag of a multi-tag
//!    file) is written as our default CoSWID and read by uswid (`scripts/uswid_read.py`),
//!    which must give back the same tag-id, name, version and entities;
//! 2. uswid writes its own CoSWID and uSWID from the corpus tags its SWID reader takes
//!    (`scripts/uswid_write.py`), and we must decode both to what uswid says it wrote.
//!
//! Where the script prints no python (no python3, no venv module, no network for pip) the
//! tests write the script's reason to stderr and pass; `.ci/run` runs the script first so
//! that CI does install it. `ITAM_REQUIRE_USWID=1` turns the skip into a failure.

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

#[path = "support/corpus.rs"]
mod corpus;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use itam_swid::coswid::{self, EncodeOptions, Framing, keys};
use itam_swid::read::{ReadOptions, read_all};
use itam_swid::{
    Child, Directory, DirectoryChild, File, ResourceChild, ResourceCollection, Roles,
    SoftwareIdentity,
};
use serde_json::Value as Json;

/// The workspace root (the scripts live in `scripts/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The venv python with the pinned uswid, or `None` after writing why it is missing.
/// The script runs once per test binary.
fn python() -> Option<PathBuf> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = PYTHON.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join("scripts/python-env.sh"))
            .output()
            .map_err(|e| format!("cannot run bash scripts/python-env.sh: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        match stdout.lines().last().map(str::trim) {
            Some(path) if !path.is_empty() && out.status.success() => Ok(PathBuf::from(path)),
            _ => Err(format!(
                "scripts/python-env.sh printed no python ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )),
        }
    });
    match found {
        Ok(path) => Some(path.clone()),
        Err(why) => {
            let required = std::env::var_os("ITAM_REQUIRE_USWID").is_some_and(|v| v != "0");
            assert!(!required, "ITAM_REQUIRE_USWID is set: {why}");
            let thread = std::thread::current();
            let test = thread.name().unwrap_or("uswid interop");
            let _ = writeln!(std::io::stderr(), "{test}: uswid test skipped: {why}");
            None
        }
    }
}

/// Runs one of the helper scripts with the venv python; its stdout is one JSON array.
fn run_helper(python: &Path, script: &str, args: &[PathBuf]) -> Vec<Json> {
    let out = Command::new(python)
        .arg(root().join("scripts").join(script))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).unwrap() {
        Json::Array(items) => items,
        other => panic!("{script} printed {other} instead of an array"),
    }
}

/// A fresh scratch folder under cargo's per-target temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file of the corpus that may hold SWID XML (not the CBOR, JSON and notes).
fn xml_candidates(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            xml_candidates(&path, out);
        } else if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("cbor" | "coswid" | "bin" | "uswid" | "json" | "md" | "tsv" | "txt")
        ) {
            out.push(path);
        }
    }
}

/// One entity as uswid models it: name, regid, role codes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UEntity {
    name: String,
    regid: Option<String>,
    roles: Vec<i64>,
}

/// The fields compared, as uswid models a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UTag {
    tag_id: String,
    name: String,
    version: Option<String>,
    entities: Vec<UEntity>,
}

fn text(v: &Json) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn from_json(component: &Json) -> UTag {
    let entities = component["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| UEntity {
            name: text(&e["name"]).unwrap_or_default(),
            regid: text(&e["regid"]),
            roles: e["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_i64().unwrap())
                .collect(),
        })
        .collect();
    UTag {
        tag_id: text(&component["tag_id"]).unwrap_or_default(),
        name: text(&component["software_name"]).unwrap_or_default(),
        version: text(&component["software_version"]),
        entities,
    }
}

/// Our tag seen through uswid's model: entities merged by name (uswid keys them by name,
/// uniting the roles in first-seen order), each role as its registry code, entities
/// without a registered role left out (uswid skips an entity with no role).
fn as_uswid_sees(tag: &SoftwareIdentity) -> UTag {
    let mut entities: Vec<UEntity> = Vec::new();
    for entity in tag.entities() {
        let roles: Vec<i64> = entity
            .roles()
            .filter_map(|r| keys::code_of(keys::ROLES, r.as_str()))
            .collect();
        if roles.is_empty() {
            continue;
        }
        if let Some(seen) = entities.iter_mut().find(|e| e.name == entity.name) {
            for role in roles {
                if !seen.roles.contains(&role) {
                    seen.roles.push(role);
                }
            }
            continue;
        }
        let mut unique = Vec::new();
        for role in roles {
            if !unique.contains(&role) {
                unique.push(role);
            }
        }
        entities.push(UEntity {
            name: entity.name.clone(),
            regid: entity.regid.as_ref().map(|r| r.as_str().to_owned()),
            roles: unique,
        });
    }
    UTag {
        tag_id: tag.tag_id.as_str().to_owned(),
        name: tag.name.clone(),
        version: tag.version.clone(),
        entities,
    }
}

/// Every tag of the corpus that we read, with the file it came from.
fn corpus_tags(dir: &Path) -> Vec<(PathBuf, SoftwareIdentity)> {
    let mut files = Vec::new();
    xml_candidates(dir, &mut files);
    let mut tags = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(parsed) = read_all(&bytes, &ReadOptions::LAX) else {
            continue;
        };
        tags.extend(parsed.into_iter().map(|p| (path.clone(), p.value)));
    }
    tags
}

/// Why uswid 0.6.0 cannot read a tag we wrote, when its error is one of its known
/// limitations *and* the tag has the feature that triggers it; `None` for anything else.
/// Each is RFC 9393-valid CoSWID that no other encoding could carry without losing data:
/// - `date` is `integer-time`, `#6.1(int)`: cbor2 turns the tag into a `datetime`, which
///   uswid hands to `utcfromtimestamp` (it writes a bare float itself); a date that is not
///   RFC 3339 travels as text, with the same result;
/// - a `file` without a hash: uswid refuses a payload file without one (RFC 9393 makes
///   `hash` optional);
/// - a role outside the registry travels as text (`$role /= text`): uswid calls `int()` on
///   it (or on each of its characters when it is the only role);
/// - a rel outside the registry travels as text (`$rel /= text`): uswid looks it up in its
///   own list of names and fails with a `KeyError`;
/// - an empty `entity-name` (only in tags read in lax mode): uswid refuses an unnamed entity.
fn uswid_limitation(tag: &SoftwareIdentity, error: &str) -> Option<&'static str> {
    let dated = tag.evidences().any(|e| e.date.is_some());
    let files = || {
        tag.payloads()
            .chain(tag.evidences().map(|e| &e.resources))
            .flat_map(|c| c.files())
    };
    let unhashed = files().any(|f| {
        !f.hashes
            .keys()
            .any(|a| keys::hash_by_xml_namespace(a.as_str()).is_some())
    });
    let text_role = tag
        .entities()
        .flat_map(|e| e.roles())
        .any(|r| keys::code_of(keys::ROLES, r.as_str()).is_none());
    let text_rel = |rel: &str| {
        tag.links()
            .any(|l| l.rel.as_str() == rel && keys::code_of(keys::RELS, rel).is_none())
    };
    if dated
        && (error.contains("'datetime.datetime' object cannot be interpreted as an integer")
            || error.contains("'str' object cannot be interpreted as an integer"))
    {
        Some("evidence date")
    } else if unhashed && error.contains("the hash value MUST be provided") {
        Some("file without hash")
    } else if text_role && error.contains("invalid literal for int() with base 10") {
        Some("unregistered role")
    } else if error
        .strip_prefix("KeyError: '")
        .and_then(|rest| rest.strip_suffix('\''))
        .is_some_and(text_rel)
    {
        Some("unregistered rel")
    } else if tag.entities().any(|e| e.name.is_empty())
        && error.contains("the entity name MUST be provided")
    {
        Some("unnamed entity")
    } else {
        None
    }
}

/// Drops from a collection every file without a hash CoSWID's `hash` can carry.
fn drop_unhashed(collection: &mut ResourceCollection) {
    fn hashed(f: &File) -> bool {
        f.hashes
            .keys()
            .any(|a| keys::hash_by_xml_namespace(a.as_str()).is_some())
    }
    fn directory(d: &mut Directory) {
        d.children
            .retain(|c| !matches!(c, DirectoryChild::File(f) if !hashed(f)));
        for c in &mut d.children {
            if let DirectoryChild::Directory(d) = c {
                directory(d);
            }
        }
    }
    collection
        .children
        .retain(|c| !matches!(c, ResourceChild::File(f) if !hashed(f)));
    for c in &mut collection.children {
        if let ResourceChild::Directory(d) = c {
            directory(d);
        }
    }
}

/// The tag without what [`uswid_limitation`] names (evidence dates, unhashed files,
/// unregistered roles and rels, unnamed entities): what uswid must then read in full.
fn without_limitations(tag: &SoftwareIdentity) -> SoftwareIdentity {
    let mut tag = tag.clone();
    tag.children.retain(|c| match c {
        Child::Entity(e) => !e.name.is_empty(),
        Child::Link(l) => keys::code_of(keys::RELS, l.rel.as_str()).is_some(),
        _ => true,
    });
    for child in &mut tag.children {
        match child {
            Child::Entity(e) => {
                let registered: Vec<String> = e
                    .roles()
                    .filter(|r| keys::code_of(keys::ROLES, r.as_str()).is_some())
                    .map(|r| r.as_str().to_owned())
                    .collect();
                e.role = Roles::new(registered.join(" "));
            }
            Child::Payload(p) => drop_unhashed(p),
            Child::Evidence(e) => {
                e.date = None;
                drop_unhashed(&mut e.resources);
            }
            _ => {}
        }
    }
    tag
}

/// uswid reads every tag we write from the corpus with the same tag-id, name, version and
/// entities, except where a documented uswid limitation ([`uswid_limitation`]) stops it.
#[test]
fn uswid_reads_every_corpus_tag_we_write() {
    let Some(python) = python() else { return };
    let Some(dir) = corpus::folder("corpus-swid") else {
        return;
    };
    let tags = corpus_tags(&dir);
    assert!(tags.len() >= 100, "only {} corpus tags read", tags.len());
    let out = scratch("uswid_reads_ours");
    let mut files = Vec::new();
    for (i, (_, tag)) in tags.iter().enumerate() {
        let encoded = coswid::encode(tag, &EncodeOptions::default());
        let file = out.join(format!("{}.coswid", i + 1));
        std::fs::write(&file, &encoded.bytes).unwrap();
        files.push(file);
    }
    let results = run_helper(&python, "uswid_read.py", &files);
    assert_eq!(results.len(), tags.len());
    let (mut failures, mut matched, mut stripped) = (Vec::new(), 0, Vec::new());
    let mut limited: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for ((source, tag), result) in tags.iter().zip(&results) {
        let what = format!("{} (tagId {:?})", source.display(), tag.tag_id.as_str());
        if let Some(error) = result.get("error") {
            let error = error.as_str().unwrap_or_default();
            match uswid_limitation(tag, error) {
                Some(why) => {
                    *limited.entry(why).or_default() += 1;
                    stripped.push((what, without_limitations(tag)));
                }
                None => failures.push(format!("{what}: uswid failed: {error}")),
            }
            continue;
        }
        let components = result["components"].as_array().unwrap();
        if components.len() != 1 {
            failures.push(format!("{what}: uswid read {} tags", components.len()));
            continue;
        }
        let mut theirs = from_json(&components[0]);
        let ours = as_uswid_sees(tag);
        // uswid makes up a tag-id (a UUID v5 of the name) when the tag-id is empty.
        if ours.tag_id.is_empty() && uuid::Uuid::parse_str(&theirs.tag_id).is_ok() {
            theirs.tag_id.clear();
        }
        if theirs == ours {
            matched += 1;
        } else {
            failures.push(format!("{what}:\n  ours   {ours:?}\n  uswid  {theirs:?}"));
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "uswid read {matched} of {} corpus tags as we wrote them; uswid limitations: {limited:?}",
        tags.len()
    );
    assert!(matched >= 70, "uswid read only {matched} tags back");

    // The tags uswid could not read, without the features it cannot read: the rest must
    // then read back in full.
    let mut files = Vec::new();
    for (i, (_, tag)) in stripped.iter().enumerate() {
        let file = out.join(format!("stripped-{}.coswid", i + 1));
        std::fs::write(&file, coswid::encode(tag, &EncodeOptions::default()).bytes).unwrap();
        files.push(file);
    }
    let results = run_helper(&python, "uswid_read.py", &files);
    for ((what, tag), result) in stripped.iter().zip(&results) {
        let ours = as_uswid_sees(tag);
        match result["components"].as_array().map(Vec::as_slice) {
            Some([one]) => {
                let mut theirs = from_json(one);
                if ours.tag_id.is_empty() && uuid::Uuid::parse_str(&theirs.tag_id).is_ok() {
                    theirs.tag_id.clear();
                }
                if theirs != ours {
                    failures.push(format!(
                        "{what} (stripped):\n  ours   {ours:?}\n  uswid  {theirs:?}"
                    ));
                }
            }
            _ => failures.push(format!("{what} (stripped): uswid gave {result}")),
        }
    }
    assert!(
        failures.is_empty(),
        "uswid disagrees on {} of {} tags:\n{}",
        failures.len(),
        tags.len(),
        failures.join("\n")
    );
}

/// uswid writes a tag-id that parses as a UUID as 16 bytes, which we decode to the
/// canonical lowercase text; anything else travels as text.
fn same_tag_id(ours: &str, theirs: &str) -> bool {
    match (uuid::Uuid::parse_str(ours), uuid::Uuid::parse_str(theirs)) {
        (Ok(a), Ok(b)) => a == b,
        _ => ours == theirs,
    }
}

/// We read uswid's own CoSWID and uSWID output (written from the corpus tags its SWID
/// reader takes) to what uswid says it wrote.
#[test]
fn we_read_uswid_coswid_and_uswid_output() {
    let Some(python) = python() else { return };
    let Some(dir) = corpus::folder("corpus-swid") else {
        return;
    };
    let mut files = Vec::new();
    xml_candidates(&dir, &mut files);
    let out = scratch("we_read_uswid");
    let mut args = vec![out];
    args.extend(files.iter().cloned());
    let results = run_helper(&python, "uswid_write.py", &args);
    assert_eq!(results.len(), files.len());
    let (mut written, mut failures) = (0, Vec::new());
    for result in &results {
        if result.get("error").is_some() {
            continue; // uswid's SWID reader or writer refused the file: nothing to read
        }
        let what = result["file"].as_str().unwrap().to_owned();
        // uswid's CoSWID writer leaves out an empty regid (`if entity.regid:`).
        let expected: Vec<UTag> = result["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(from_json)
            .map(|mut t| {
                for e in &mut t.entities {
                    e.regid = e.regid.take().filter(|r| !r.is_empty());
                }
                t
            })
            .collect();
        for (key, framing) in [("coswid", Framing::Single), ("uswid", Framing::Uswid)] {
            let bytes = std::fs::read(result[key].as_str().unwrap()).unwrap();
            let decoded = match coswid::decode_all(&bytes) {
                Ok(d) => d,
                Err(e) => {
                    failures.push(format!("{what} ({key}): {e}"));
                    continue;
                }
            };
            let framing_ok = decoded.framing == framing
                || (framing == Framing::Single && decoded.framing == Framing::Sequence);
            if !framing_ok {
                failures.push(format!("{what} ({key}): framing {:?}", decoded.framing));
            }
            let ours: Vec<UTag> = decoded.tags.iter().map(|d| as_uswid_sees(&d.tag)).collect();
            let agree = ours.len() == expected.len()
                && ours.iter().zip(&expected).all(|(o, e)| {
                    same_tag_id(&o.tag_id, &e.tag_id)
                        && o.name == e.name
                        && o.version == e.version
                        && o.entities == e.entities
                });
            if !agree {
                failures.push(format!(
                    "{what} ({key}):\n  ours   {ours:?}\n  uswid  {expected:?}"
                ));
            }
            written += 1;
        }
    }
    assert!(written >= 100, "uswid wrote only {written} files");
    assert!(
        failures.is_empty(),
        "we disagree with uswid on {} of {written} files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
