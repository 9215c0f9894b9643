//! Validation throughput (MB/s of tag text) over the corpus's largest real tags, under the
//! NISTIR 8060 profile (schema + ISO + guideline layers): from text (`validate_xml`) and from a
//! typed tag already read (`validate`). Without the corpus the project's own baseline tag is
//! used.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use itam_swid::read::{ReadOptions, read_str};
use itam_swid::validate::{Profile, validate, validate_xml};

const LARGEST: [&str; 3] = [
    "strongswan__swidGenerator/command_package-file__docker_rpm_signed_SWID-Template.xml",
    "swidtags__rpm2swidtag/swid_generator__swid_generator_hierarchic_bash.swidtag",
    "swidtags__rpm2swidtag/swid_generator__rpm2swidtag_bash.swidtag",
];

fn inputs() -> Vec<(String, String)> {
    let base = std::env::var_os("ITAM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")));
    let found: Vec<(String, String)> = LARGEST
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(base.join("corpus-swid").join(p)).ok()?;
            let name = p.rsplit('/').next().unwrap_or(p).to_owned();
            Some((name, text))
        })
        .collect();
    if found.is_empty() {
        println!(
            "corpus not found under {}: benchmarking the baseline tag",
            base.display()
        );
        vec![(
            "primary-auth".to_owned(),
            include_str!("../../itam-swid/tests/data/rules/primary-auth.swidtag").to_owned(),
        )]
    } else {
        found
    }
}

fn validation(c: &mut Criterion) {
    let profile = Profile::NISTIR_8060;
    let mut group = c.benchmark_group("swid validate");
    for (name, text) in inputs() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("text {name}"), |b| {
            b.iter(|| validate_xml(black_box(&text), &profile));
        });
        if let Ok(parsed) = read_str(&text, &ReadOptions::LAX) {
            group.bench_function(format!("model {name}"), |b| {
                b.iter(|| validate(black_box(&parsed.value), &profile));
            });
            let iso = Profile::ISO_19770_2_2015;
            group.bench_function(format!("model iso {name}"), |b| {
                b.iter(|| validate(black_box(&parsed.value), &iso));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, validation);
criterion_main!(benches);
