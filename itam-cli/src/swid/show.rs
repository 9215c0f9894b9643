//! `itam swid show`: a readable summary of each tag.

use std::fmt::Write as _;

use itam_swid::coswid::CoseEnvelope;
use itam_swid::project::{SoftwareFact, project};
use itam_swid::{ResourceChild, ResourceCollection, SoftwareIdentity, SoftwareMeta};
use serde::Serialize;

use super::load::{LoadError, Loaded, load_file};
use super::validate::FOLDER_EXTENSIONS;
use super::{OK, ShowArgs, UNREADABLE, print, warn};
use crate::files;
use crate::progress::Progress;

/// One input file in the `--json` shape.
#[derive(Debug, Serialize)]
struct FileFacts {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    facts: Vec<SoftwareFact>,
}

pub(super) fn run(args: &ShowArgs) -> u8 {
    let expanded = files::expand(&args.paths, |p| files::has_extension(p, &FOLDER_EXTENSIONS));
    let mut status = OK;
    let mut first = true;
    let mut json = Vec::new();
    let progress = Progress::new(expanded.len(), "reading");
    for entry in &expanded {
        let (file, loaded) = match entry {
            Ok(input) => (files::display(&input.path), load_file(&input.path)),
            Err((path, e)) => (
                files::display(path),
                Err(LoadError {
                    message: format!("cannot read: {e}"),
                    pos: None,
                }),
            ),
        };
        match loaded {
            Ok(loaded) if args.json => json.push(FileFacts {
                file,
                error: None,
                facts: loaded
                    .tags
                    .iter()
                    .map(|t| project(&t.parsed.value))
                    .collect(),
            }),
            Ok(loaded) => {
                if !first {
                    print("\n");
                }
                first = false;
                print(&summary(&file, &loaded));
            }
            Err(e) => {
                status = UNREADABLE;
                let at = e.pos.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default();
                if args.json {
                    json.push(FileFacts {
                        file,
                        error: Some(e.message),
                        facts: Vec::new(),
                    });
                } else {
                    warn(&format!("{file}{at}: error: {}", e.message));
                }
            }
        }
        progress.inc();
    }
    progress.finish();
    if args.json {
        match serde_json::to_string_pretty(&json) {
            Ok(text) => print(&format!("{text}\n")),
            Err(e) => {
                warn(&format!("itam: cannot write json: {e}"));
                return UNREADABLE;
            }
        }
    }
    status
}

/// The summary of a file's tags.
pub(super) fn summary(file: &str, loaded: &Loaded) -> String {
    let mut out = String::new();
    let count = loaded.tags.len();
    for (i, tag) in loaded.tags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = if count > 1 {
            writeln!(
                out,
                "{file} ({}, tag {} of {count})",
                loaded.format.as_str(),
                i + 1
            )
        } else {
            writeln!(out, "{file} ({})", loaded.format.as_str())
        };
        tag_summary(&mut out, &tag.parsed.value, tag.signed.as_ref());
    }
    out
}

fn tag_summary(out: &mut String, tag: &SoftwareIdentity, cose: Option<&CoseEnvelope>) {
    let fact = project(tag);
    let mut line = |name: &str, value: &str| field(out, name, value);
    line("name", &tag.name);
    line("tagId", tag.tag_id.as_str());
    line(
        "tagVersion",
        tag.tag_version
            .as_ref()
            .map_or("0 (default)", |v| v.as_str()),
    );
    let version = tag.product_version();
    line(
        "version",
        &format!(
            "{} ({}{})",
            version.value,
            version.scheme.as_str(),
            if tag.version.is_none() {
                ", default"
            } else {
                ""
            }
        ),
    );
    line("tag type", tag.tag_type().as_str());
    line(
        "authoritative",
        if fact.authoritative { "yes" } else { "no" },
    );
    if let Some(lang) = &tag.lang {
        line("xml:lang", lang);
    }
    if let Some(media) = &tag.media {
        line("media", media);
    }
    let mut publisher = fact.software.publisher.clone();
    if let Some(regid) = &fact.publisher_regid {
        let _ = write!(publisher, " ({regid})");
    }
    if let Some(role) = &fact.publisher_role {
        let _ = write!(publisher, " as {role}");
    }
    line("publisher", &publisher);
    line("product", &fact.software.product);
    if let Some(edition) = &fact.software.edition {
        line("edition", edition);
    }
    for (name, value) in [
        ("colloquial", &fact.colloquial_version),
        ("persistentId", &fact.persistent_id),
        ("entitlementKey", &fact.entitlement_key),
    ] {
        if let Some(value) = value {
            line(name, value);
        }
    }
    let signatures = tag.signatures().count();
    line(
        "signed",
        &match (cose, signatures) {
            (Some(envelope), _) => {
                let signers = envelope.signatures();
                let algorithms: Vec<String> = signers
                    .iter()
                    .map(|s| {
                        s.algorithm()
                            .map_or_else(|| "?".to_owned(), |a| a.to_string())
                    })
                    .collect();
                format!(
                    "yes ({}, {} signature(s), algorithm {}; not verified)",
                    envelope.structure().name(),
                    signers.len(),
                    algorithms.join(", ")
                )
            }
            (None, 0) => "no".to_owned(),
            (None, n) => format!("yes ({n} ds:Signature)"),
        },
    );

    let entities: Vec<_> = tag.entities().collect();
    let _ = writeln!(out, "  entities ({}):", entities.len());
    for e in entities {
        let regid = e
            .regid
            .as_ref()
            .map_or_else(String::new, |r| format!(" [{r}]"));
        let _ = writeln!(out, "    {}{regid}: {}", e.name, e.role.as_str());
    }
    let links: Vec<_> = tag.links().collect();
    if !links.is_empty() {
        let _ = writeln!(out, "  links ({}):", links.len());
        for l in links {
            let _ = writeln!(out, "    {} {}", l.rel.as_str(), l.href);
        }
    }
    for meta in tag.metas() {
        field(out, "meta", &meta_line(meta));
    }
    for payload in tag.payloads() {
        field(out, "payload", &collection_line(payload));
    }
    for evidence in tag.evidences() {
        let mut line = collection_line(&evidence.resources);
        if let Some(device) = &evidence.device_id {
            let _ = write!(line, ", device {device}");
        }
        if let Some(date) = &evidence.date {
            let _ = write!(line, ", {date}");
        }
        field(out, "evidence", &line);
    }
}

/// One `  name:  value` line, values aligned.
fn field(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "  {:<16}{value}", format!("{name}:"));
}

fn meta_line(meta: &SoftwareMeta) -> String {
    let mut parts: Vec<String> = itam_swid::model::SOFTWARE_META_ATTRIBUTES
        .iter()
        .filter_map(|name| meta.get_predefined(name).map(|v| format!("{name}={v:?}")))
        .collect();
    parts.extend(
        meta.attributes
            .iter()
            .map(|a| format!("{}={:?}", a.name.clark(), a.value)),
    );
    if parts.is_empty() {
        "(empty)".to_owned()
    } else {
        parts.join(" ")
    }
}

fn collection_line(collection: &ResourceCollection) -> String {
    let files = collection.files();
    let bytes: i128 = files
        .iter()
        .filter_map(|f| f.size.as_ref().and_then(|s| s.value()))
        .sum();
    let hashed = files.iter().filter(|f| !f.hashes.is_empty()).count();
    let (mut processes, mut resources) = (0, 0);
    for child in &collection.children {
        match child {
            ResourceChild::Process(_) => processes += 1,
            ResourceChild::Resource(_) => resources += 1,
            _ => {}
        }
    }
    let mut line = format!(
        "{} {}, {bytes} bytes, {hashed} hashed",
        files.len(),
        if files.len() == 1 { "file" } else { "files" }
    );
    if processes > 0 {
        let _ = write!(line, ", {processes} processes");
    }
    if resources > 0 {
        let _ = write!(line, ", {resources} resources");
    }
    line
}
