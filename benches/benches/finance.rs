//! Benchmarks of the finance reconciliation: 10⁵ hardware CIs against 10⁵ register lines
//! (budget: ≤ 1 s on one core), and 10⁴ entitlements against 2·10⁴ software purchase lines.
//!
//! The generated ledgers mix every rule: most lines carry the asset tag, some only a serial
//! written differently, some only a description (same supplier, a few days apart), some are
//! ghosts; some CIs are unrecorded. `ITAM_BENCH_FINANCE_N` overrides the 10⁵.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use itam_core::Decimal;
use itam_core::asset::{
    AssetDates, ConfigurationItem, ContractDetails, ContractForm, HardwareDetails,
};
use itam_core::change::ChangeStep;
use itam_core::cms::{Authorization, Cms, Command};
use itam_core::estate::{Entitlement, Metric, ProductScope};
use itam_core::finance::{
    Category, DocumentKind, EntitlementPurchase, Ledger, PurchaseLine, RegisterLine,
};
use itam_core::lifecycle::LifecycleStage;
use itam_core::relationship::RelationshipKind;
use itam_reconcile::finance::{FinanceInput, FinancePolicy, reconcile_finance};

const SUPPLIERS: usize = 200;
const MODELS: [&str; 8] = [
    "Contoso T14 laptop",
    "Contoso X1 laptop",
    "Fabrikam R750 server",
    "Fabrikam R650 server",
    "Northwind 27in monitor",
    "Northwind dock",
    "Litware P9 phone",
    "Litware tablet",
];

/// A small deterministic generator (an LCG): benches must not depend on a random source.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn day(base: NaiveDate, d: u64) -> NaiveDate {
    base.checked_add_days(Days::new(d)).unwrap_or(base)
}

fn hardware_world(n: usize) -> (Cms, Ledger) {
    let base = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    let t = Utc
        .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let mut cms = Cms::new();
    let _ = cms.request_change("CHG-1", "load the estate", "bench", t);
    let _ = cms.advance_change("CHG-1", ChangeStep::Authorize, "approver", t);
    let auth = || Authorization::under("CHG-1", "bench", t);
    // One framework agreement per supplier: it gives every CI related to it its supplier.
    for s in 0..SUPPLIERS {
        let contract = ContractDetails {
            form: ContractForm::Agreement,
            reference: Some(format!("FRAME-{s}")),
            counterparty: Some(format!("Supplier {s}")),
        };
        let item = ConfigurationItem::new(format!("CT-{s}"), "framework agreement", contract)
            .in_stage(LifecycleStage::Operation);
        let _ = cms.execute(auth(), Command::record(item));
    }
    let mut rng = Lcg(7);
    let mut ledger = Ledger::default();
    for i in 0..n {
        let model = MODELS[i % MODELS.len()];
        let supplier = format!("Supplier {}", i % SUPPLIERS);
        let acquired = day(base, rng.next(1000));
        let serial = format!("SN-{i:07}");
        let id = format!("HW-{i:06}");
        let item = ConfigurationItem::new(
            id.as_str(),
            format!("{model} {}", i % 97),
            HardwareDetails::physical(model, serial.as_str()),
        )
        .in_stage(LifecycleStage::Operation)
        .in_unit(format!("CC-{}", i % 50))
        .with_dates(AssetDates {
            acquired: Some(acquired),
            ..AssetDates::default()
        });
        let _ = cms.execute(auth(), Command::record(item));
        let _ = cms.execute(
            auth(),
            Command::relate(
                id.as_str(),
                RelationshipKind::PartOf,
                format!("CT-{}", i % SUPPLIERS),
            ),
        );
        // 60 % by asset tag, 20 % by a serial written differently, 10 % by description only,
        // 5 % unrecorded (no line), 5 % of lines are ghosts.
        let mut line = RegisterLine::new(
            format!("FA-{i:07}"),
            Decimal::new(100_000 + i64::try_from(i % 5000).unwrap_or(0), 2),
            "EUR",
        );
        line.description = format!("{model} {}", i % 97);
        line.cost_centre = Some(format!("CC-{}", i % 50));
        line.supplier = Some(supplier);
        line.acquired = Some(day(acquired, rng.next(5)));
        match i % 20 {
            0..12 => line.asset_number = id,
            12..16 => line.serial = Some(format!("sn{i}")),
            16..18 => {}
            18 => continue,
            _ => line.serial = Some(format!("GHOST-{i}")),
        }
        ledger.register.push(line);
    }
    (cms, ledger)
}

fn software_world(n: usize) -> (Vec<Entitlement>, Vec<EntitlementPurchase>, Ledger) {
    let base = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    let mut rng = Lcg(11);
    let mut ents = Vec::with_capacity(n);
    let mut purchases = Vec::with_capacity(n);
    let mut ledger = Ledger::default();
    for i in 0..n {
        let scope = ProductScope {
            publisher: Some(format!("Publisher {}", i % 40)),
            product: Some(format!("Product {}", i % 300)),
            ..ProductScope::default()
        };
        let quantity = 1 + rng.next(50);
        let mut e = Entitlement::new(format!("E-{i}"), scope, Metric::Device, quantity);
        e.unit_cost = Some(Decimal::from(10 + rng.next(500)));
        let date = day(base, rng.next(1000));
        let mut p = EntitlementPurchase::new(format!("E-{i}"));
        p.supplier = Some(format!("Publisher {}", i % 40));
        p.date = Some(date);
        if i % 4 != 3 {
            p.invoice_number = Some(format!("INV-{i:06}"));
            p.order_number = Some(format!("PO-{i:06}"));
        }
        for (document, number) in [
            (DocumentKind::Invoice, format!("inv {i:08}")),
            (DocumentKind::Order, format!("PO-{i:06}")),
        ] {
            let mut l = PurchaseLine::new(
                document,
                number,
                Decimal::from(quantity),
                e.unit_cost.unwrap_or_default(),
                "EUR",
            );
            l.category = Some(Category::Software);
            l.supplier = p.supplier.clone();
            l.date = Some(day(date, rng.next(10)));
            l.description = format!("Publisher {} Product {}", i % 40, i % 300);
            ledger.purchases.push(l);
        }
        ents.push(e);
        purchases.push(p);
    }
    (ents, purchases, ledger)
}

/// Prints what the generated world matches, rule by rule, so a reader sees every rule works.
fn report(input: &FinanceInput<'_>) {
    let result = reconcile_finance(input, &FinancePolicy::default());
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &result.matches {
        *by_rule.entry(m.rule.as_str()).or_default() += 1;
    }
    let mut by_finding: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &result.discrepancies {
        *by_finding.entry(d.finding.rule.as_str()).or_default() += 1;
    }
    eprintln!("finance bench world: matches {by_rule:?}; discrepancies {by_finding:?}");
}

fn bench(c: &mut Criterion) {
    let n = std::env::var("ITAM_BENCH_FINANCE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let policy = FinancePolicy::default();
    let mut group = c.benchmark_group("finance");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));

    let (cms, ledger) = hardware_world(n);
    report(&FinanceInput {
        cms: &cms,
        entitlements: &[],
        purchases: &[],
        ledger: &ledger,
    });
    group.throughput(Throughput::Elements(n as u64));
    group.bench_with_input(
        BenchmarkId::new("hardware", n),
        &(cms, ledger),
        |b, (cms, ledger)| {
            let input = FinanceInput {
                cms,
                entitlements: &[],
                purchases: &[],
                ledger,
            };
            b.iter(|| black_box(reconcile_finance(&input, &policy).matches.len()));
        },
    );

    let m = n / 10;
    let (ents, purchases, ledger) = software_world(m);
    let empty = Cms::new();
    report(&FinanceInput {
        cms: &empty,
        entitlements: &ents,
        purchases: &purchases,
        ledger: &ledger,
    });
    group.throughput(Throughput::Elements(m as u64));
    group.bench_with_input(
        BenchmarkId::new("software", m),
        &(ents, purchases, ledger),
        |b, (ents, purchases, ledger)| {
            let input = FinanceInput {
                cms: &empty,
                entitlements: ents,
                purchases,
                ledger,
            };
            b.iter(|| black_box(reconcile_finance(&input, &policy).matches.len()));
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
