//! Benchmarks of `itam-core`: version comparison and range membership, and the CMS — executing
//! authorized commands, replaying the audit trail, and the data-quality checks — on a store of
//! a few thousand items.

use std::hint::black_box;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use itam_core::asset::{ConfigurationItem, HardwareDetails, SoftwareDetails};
use itam_core::change::ChangeStep;
use itam_core::cms::{Authorization, Cms, Command};
use itam_core::lifecycle::LifecycleStage;
use itam_core::relationship::RelationshipKind;
use itam_core::{Version, VersionRange, VersionScheme, quality};

fn versions(c: &mut Criterion) {
    let texts: Vec<String> = (0..1000)
        .map(|i| format!("{}.{}.{}", i % 7, i % 13, i))
        .collect();
    c.bench_function("multipartnumeric sort 1000", |b| {
        b.iter(|| {
            let mut v = texts.clone();
            v.sort_by(|a, b| VersionScheme::MultipartNumeric.compare(a, b));
            black_box(v)
        });
    });
    let range: VersionRange = "[2.0,5.10)".parse().unwrap_or_default();
    c.bench_function("range contains 1000", |b| {
        b.iter(|| texts.iter().filter(|t| range.contains(t)).count());
    });
}

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
        + chrono::Duration::seconds(i64::from(second))
}

/// The commands that record `machines` laptops, `products` software CIs, and each product
/// installed on every fourth machine.
fn commands(machines: u32, products: u32) -> Vec<Command> {
    let mut out = Vec::new();
    for m in 0..machines {
        let hw = HardwareDetails::physical("Latitude 7450", format!("SN{m:06}"));
        let item = ConfigurationItem::new(format!("HW-{m}"), format!("Laptop {m}"), hw)
            .in_stage(LifecycleStage::Operation)
            .owned_by("IT");
        out.push(Command::record(item));
    }
    for p in 0..products {
        let sw = SoftwareDetails::executable(
            "Acme",
            format!("Tool {p}"),
            Version::new("1.0", VersionScheme::MultipartNumeric),
        );
        let item = ConfigurationItem::new(format!("SW-{p}"), format!("Acme Tool {p}"), sw)
            .in_stage(LifecycleStage::Operation)
            .owned_by("IT");
        out.push(Command::record(item));
        for m in (p % 4..machines).step_by(4) {
            out.push(Command::relate(
                format!("SW-{p}"),
                RelationshipKind::InstalledOn,
                format!("HW-{m}"),
            ));
        }
    }
    out
}

fn build(commands: &[Command]) -> Cms {
    let mut cms = Cms::new();
    let _ = cms.request_change("CHG-1", "load the estate", "bench", at(0));
    let _ = cms.advance_change("CHG-1", ChangeStep::Authorize, "approver", at(1));
    for command in commands {
        let _ = cms.execute(
            Authorization::under("CHG-1", "bench", at(2)),
            command.clone(),
        );
    }
    cms
}

fn cms(c: &mut Criterion) {
    let commands = commands(2_000, 20);
    let mut group = c.benchmark_group("cms (2000 machines, 20 products, 10000 installations)");
    group.sample_size(10);
    group.bench_function("execute every command", |b| {
        b.iter_batched(
            || commands.clone(),
            |cmds| build(black_box(&cmds)),
            BatchSize::LargeInput,
        );
    });
    let store = build(&commands);
    group.bench_function("replay the audit trail", |b| {
        b.iter(|| Cms::replay(black_box(store.trail())));
    });
    group.bench_function("data-quality checks", |b| {
        b.iter(|| quality::check(black_box(&store)));
    });
    group.finish();
}

criterion_group!(benches, versions, cms);
criterion_main!(benches);
