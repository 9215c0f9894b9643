//! Benchmarks of `itam_swid::coswid`: the CBOR codec and CoSWID decode (bytes → model) and
//! encode (model → bytes), in MB/s, over the largest real CoSWID tags of the corpus (when
//! `ITAM_CORPUS` or `../shared` holds `corpus-swid`), the project's own `full.coswid`
//! vector, and a synthetic tag with a 2,000-file payload.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use itam_swid::coswid::{self, EncodeOptions, cbor};
use itam_swid::{Entity, File, Payload, ResourceChild, Role, SoftwareIdentity};

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let corpus = std::env::var_os("ITAM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")))
        .join("corpus-swid");
    for name in [
        "puiterwijk__coswid-rs/firmware-coswid.cbor",
        "nsacyber__HIRS/coswid_rim_1.coswid",
        "veraison__swid/softwareidentity_test.RoundtripPSABundle.cbor",
    ] {
        match std::fs::read(corpus.join(name)) {
            Ok(bytes) => out.push((name.to_owned(), bytes)),
            Err(_) => println!("coswid bench: corpus file {name} not found, skipped"),
        }
    }
    let own = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../itam-swid/tests/data/coswid/full.coswid"
    );
    if let Ok(bytes) = std::fs::read(own) {
        out.push(("full.coswid".to_owned(), bytes));
    }
    out.push(("synthetic 2000 files".to_owned(), synthetic()));
    out
}

fn synthetic() -> Vec<u8> {
    let mut tag = SoftwareIdentity::new("Synthetic", "4f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f");
    tag.version = Some("1.0.0".to_owned());
    tag.push(Entity::new(
        "ACME",
        "acme.example",
        &[Role::TagCreator, Role::SoftwareCreator],
    ));
    let mut payload = Payload::default();
    for i in 0..2000 {
        let mut file = File::new(format!("file-{i:04}.dll"));
        file.location = Some(format!("lib/part{}", i % 17));
        file.size = Some((i as i64 * 4096).into());
        file.hashes
            .insert(itam_swid::HashAlgorithm::Sha256, format!("{i:064x}"));
        payload.children.push(ResourceChild::File(file));
    }
    tag.push(payload);
    coswid::encode(&tag, &EncodeOptions::default()).bytes
}

fn coswid_benches(c: &mut Criterion) {
    for (name, bytes) in inputs() {
        let mut group = c.benchmark_group(format!("coswid {name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("cbor decode", |b| {
            b.iter(|| cbor::decode(black_box(&bytes)));
        });
        if let Ok(value) = cbor::decode(&bytes) {
            group.bench_function("cbor encode", |b| b.iter(|| black_box(&value).encode()));
        }
        group.bench_function("coswid decode", |b| {
            b.iter(|| coswid::decode(black_box(&bytes)));
        });
        if let Ok(decoded) = coswid::decode(&bytes) {
            group.bench_function("coswid encode", |b| {
                b.iter(|| coswid::encode(black_box(&decoded.tag), &decoded.options));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, coswid_benches);
criterion_main!(benches);
