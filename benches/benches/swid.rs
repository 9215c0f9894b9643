//! Benchmarks of `itam-swid`: reading and writing SWID tags, reported as bytes per second.
//!
//! Inputs: the crate's own full test vector, a synthetic large primary tag (2 000 files with
//! SHA-256 hashes in nested directories, built here), and, when the shared corpus is present
//! (`ITAM_CORPUS` or `../shared`), its largest real signed tag and its rpm repodata bundle.
//!
//! Two reference groups show the ceiling under the reader: `xml parse roxmltree` is
//! roxmltree's own parse of the same inputs (with the reader's options), the floor of what
//! reading into the model costs; `xml tokenize quick-xml` is an experiment, not library code:
//! a quick-xml namespace-resolving pull reader that visits every event and attribute
//! (resolving each attribute's namespace and unescaping its value) but builds nothing, an
//! estimate of what a quick-xml-based reader could reach.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use itam_swid::model::{Directory, DirectoryChild, Entity, File, HashAlgorithm, Payload, Role};
use itam_swid::read::{ReadOptions, read_all_str, read_str};
use itam_swid::write::write;
use itam_swid::{SoftwareIdentity, XmlInt};

/// A large primary tag, as a package manager's generator would write it.
fn synthetic_tag() -> String {
    let mut tag = SoftwareIdentity::new("Synthetic Suite", "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");
    tag.version = Some("12.4.1".into());
    tag.lang = Some("en-US".into());
    tag.push(Entity::new(
        "Example Corp",
        "example.com",
        &[Role::TagCreator, Role::SoftwareCreator],
    ));
    let mut payload = Payload {
        path_separator: Some("/".into()),
        env_var_prefix: Some("$".into()),
        env_var_suffix: Some(String::new()),
        ..Payload::default()
    };
    for d in 0..40 {
        let mut dir = Directory {
            name: format!("module-{d}").into(),
            root: Some("/usr/lib/synthetic".into()),
            ..Directory::default()
        };
        for f in 0..50 {
            let mut file = File::new(format!("lib{d}_{f}.so.12"));
            file.size = Some(XmlInt::from(1024 * (f as i64 + 1)));
            file.version = Some("12.4.1".into());
            file.hashes
                .insert(HashAlgorithm::Sha256, format!("{:064x}", d * 1000 + f));
            dir.children.push(DirectoryChild::File(file));
        }
        payload.children.push(dir.into());
    }
    tag.push(payload);
    write(&tag).unwrap_or_default()
}

fn corpus_file(relative: &str) -> Option<(String, String)> {
    let base = std::env::var_os("ITAM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")));
    let text = std::fs::read_to_string(base.join("corpus-swid").join(relative)).ok()?;
    let name = relative.rsplit('/').next().unwrap_or(relative).to_owned();
    Some((name, text))
}

fn inputs() -> Vec<(String, String)> {
    let own = include_str!("../../itam-swid/tests/data/full-2015.swidtag");
    let mut out = vec![
        ("own full-2015".to_owned(), own.to_owned()),
        ("synthetic 2000 files".to_owned(), synthetic_tag()),
    ];
    out.extend(corpus_file(
        "strongswan__swidGenerator/command_package-file__docker_rpm_signed_SWID-Template.xml",
    ));
    out.extend(corpus_file(
        "swidtags__rpm2swidtag/swid_generator__swid_generator_hierarchic_bash.swidtag",
    ));
    if out.len() == 2 {
        println!("swid benches: corpus not found, benchmarking own inputs only");
    }
    out
}

fn read_bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("swid read");
    for (name, text) in inputs() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(&name, |b| {
            b.iter(|| read_str(black_box(&text), &ReadOptions::LAX).map(|p| p.value));
        });
    }
    if let Some((name, text)) =
        corpus_file("swidtags__rpm2swidtag/repodata-swidtags-xmlsec-1.2.xml")
    {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("read_all {name}"), |b| {
            b.iter(|| read_all_str(black_box(&text), &ReadOptions::LAX).map(|v| v.len()));
        });
    }
    group.finish();
}

fn write_bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("swid write");
    for (name, text) in inputs() {
        let Ok(parsed) = read_str(&text, &ReadOptions::LAX) else {
            continue;
        };
        let size = write(&parsed.value).map_or(0, |s| s.len());
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(&name, |b| {
            b.iter(|| write(black_box(&parsed.value)).map(|s| s.len()));
        });
    }
    group.finish();
}

/// roxmltree's parse with the reader's options (no DTD, the default node limit).
fn roxmltree_parse(text: &str) -> Option<usize> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 4_000_000,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .ok()
        .map(|d| d.root_element().id().get_usize())
}

fn xml_parse_roxmltree(c: &mut Criterion) {
    let mut group = c.benchmark_group("xml parse roxmltree");
    for (name, text) in inputs() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(&name, |b| {
            b.iter(|| roxmltree_parse(black_box(&text)));
        });
    }
    group.finish();
}

/// Visits every event of `text` with quick-xml's namespace-resolving reader; returns a
/// checksum so nothing is optimised away.
fn quick_xml_tokenize(text: &str) -> usize {
    use quick_xml::events::Event;
    let mut reader = quick_xml::NsReader::from_str(text);
    let mut sum = 0usize;
    loop {
        match reader.read_resolved_event() {
            Ok((_, Event::Eof)) | Err(_) => break,
            Ok((ns, Event::Start(e) | Event::Empty(e))) => {
                sum += usize::from(matches!(ns, quick_xml::name::ResolveResult::Bound(_)));
                for attr in e.attributes().flatten() {
                    let (ns, _) = reader.resolver().resolve_attribute(attr.key);
                    sum += usize::from(matches!(ns, quick_xml::name::ResolveResult::Bound(_)));
                    sum += attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_or(0, |v| v.len());
                }
            }
            Ok((_, Event::Text(t))) => sum += t.len(),
            Ok(_) => sum += 1,
        }
    }
    sum
}

fn xml_tokenize_quick_xml(c: &mut Criterion) {
    let mut group = c.benchmark_group("xml tokenize quick-xml");
    for (name, text) in inputs() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(&name, |b| {
            b.iter(|| quick_xml_tokenize(black_box(&text)));
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    read_bench,
    write_bench,
    xml_parse_roxmltree,
    xml_tokenize_quick_xml
);
criterion_main!(benches);
