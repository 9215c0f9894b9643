//! The cheapest purchase (issue 15 point 3): a golden scenario worked out by hand, exactness
//! against brute force on small random instances, the bound when the node budget runs out,
//! the same optimum as an independent MIP solver (microlp) on generated estates, and the
//! entitlements a renewal can drop.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use chrono::NaiveDate;
use itam_reconcile::generate::{GenParams, SplitMix64, generate};
use itam_reconcile::itam_core::Decimal;
use itam_reconcile::itam_core::estate::{Estate, Metric};
use itam_reconcile::itam_core::finance::Currency;
use itam_reconcile::purchase::{
    self, Instance, Offer, Options, PriceList, PurchaseError, Sku, SkuScope, Tier,
};
use itam_reconcile::{Mode, Policy, reconcile};
use proptest::prelude::*;

fn policy(mode: Mode) -> Policy {
    let mut p = Policy::new(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
    p.mode = mode;
    p
}

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

/// vm-12 and vm-13 run SQL Server Standard (8 cores each, per-core metric: 8 core units
/// each, 16 in all) with no entitlement; four workstations run Office with one device
/// licence (three short); one runs Paint, which no SKU sells.
fn estate() -> Estate {
    serde_json::from_value(serde_json::json!({
        "devices": [
            {"id": "vm-12", "cores": 8}, {"id": "vm-13", "cores": 8},
            {"id": "ws-1"}, {"id": "ws-2"}, {"id": "ws-3"}, {"id": "ws-4"}
        ],
        "software": [
            {"tag_id": "sql", "publisher": "Microsoft", "product": "SQL Server", "edition": "Standard", "version": "2022"},
            {"tag_id": "office", "publisher": "Microsoft", "product": "Office", "version": "2024"},
            {"tag_id": "paint", "publisher": "Acme", "product": "Paint", "version": "1"}
        ],
        "installations": [
            {"software": "sql", "device": "vm-12"}, {"software": "sql", "device": "vm-13"},
            {"software": "office", "device": "ws-1"}, {"software": "office", "device": "ws-2"},
            {"software": "office", "device": "ws-3"}, {"software": "office", "device": "ws-4"},
            {"software": "paint", "device": "ws-1"}
        ],
        "entitlements": [
            {"id": "office-1", "scope": {"product": "Office"}, "metric": "device", "quantity": 1},
            {"id": "sql-cores", "scope": {"product": "SQL Server"}, "metric": "core", "quantity": 0}
        ]
    }))
    .unwrap()
}

fn sku(id: &str, product: &str, metric: Metric, units: u64, price: i64) -> Sku {
    Sku {
        id: id.into(),
        scope: SkuScope {
            product: Some(product.into()),
            ..SkuScope::default()
        },
        metric,
        units_per_pack: units,
        price: d(price),
        currency: Some(Currency::new("EUR")),
        minimum_packs: 0,
        tiers: Vec::new(),
    }
}

fn prices() -> PriceList {
    let mut office = sku("OFFICE-1", "Office", Metric::Device, 1, 100);
    office.tiers = vec![Tier {
        from_packs: 5,
        price: d(70),
    }];
    PriceList {
        skus: vec![
            sku("SQL-STD-2C", "SQL Server", Metric::Core, 2, 1000),
            sku("SQL-STD-4C", "SQL Server", Metric::Core, 4, 1900),
            office,
        ],
    }
}

#[test]
fn the_cheapest_purchase_worked_out_by_hand() {
    let position = reconcile(&estate(), &policy(Mode::Optimal)).unwrap();
    let sql = position
        .products
        .iter()
        .find(|p| p.product == "SQL Server")
        .unwrap();
    // 2 VMs × 8 cores = 16 core units short.
    assert_eq!(sql.shortfall, 16, "{}", position.to_table());
    let bought = purchase::cheapest(&position, &prices(), &Options::default()).unwrap();
    // SQL: 16 cores. 4-core packs cost 1900/4 = 475 a core, 2-core packs 500 a core:
    // 4 × 4-core = 7600 (8 × 2-core = 8000; 3 × 4-core + 2 × 2-core = 7700).
    // Office: 3 devices short. 3 × 100 = 300 beats 5 × 70 = 350 at the volume tier.
    // Total 7900.
    let lines: Vec<(&str, u64, Decimal)> = bought
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.packs, l.cost))
        .collect();
    assert_eq!(
        lines,
        [("SQL-STD-4C", 4, d(7600)), ("OFFICE-1", 3, d(300))],
        "{}",
        bought.to_text()
    );
    assert_eq!(bought.cost, d(7900));
    assert!(bought.exact);
    assert_eq!(bought.lower_bound, d(7900));
    // Each line says which consumers its units cover.
    let sql_line = &bought.lines[0];
    let covered: Vec<(&str, u64)> = sql_line
        .covers
        .iter()
        .map(|c| (c.consumer.as_str(), c.units))
        .collect();
    assert_eq!(covered.iter().map(|c| c.1).sum::<u64>(), 16);
    assert_eq!(covered.len(), 2, "{covered:?}");
    let text = bought.to_text();
    assert!(
        text.contains("buy 4 × 4-core packs of SQL Server (SKU SQL-STD-4C) for vm-12, vm-13: covers 16 core units, cost 7600"),
        "{text}"
    );
    // Paint (no SKU) stays short, said so.
    assert_eq!(bought.uncovered.len(), 1, "{:?}", bought.uncovered);
    assert!(bought.uncovered[0].product.ends_with("Paint"));
    assert!(text.contains("no SKU covers"), "{text}");
}

#[test]
fn a_volume_tier_is_taken_when_it_is_cheaper_and_a_minimum_is_respected() {
    // 4 devices short: 4 × 100 = 400 against 5 × 70 = 350: the tier wins, one spare.
    let instance = Instance {
        demand: vec![4],
        offers: vec![Offer {
            tiers: vec![(5, d(70))],
            ..Offer::new(vec![0], 1, d(100))
        }],
    };
    let best = instance.solve(10_000);
    assert_eq!((best.packs.clone(), best.cost), (vec![5], d(350)));
    // A minimum of 10 packs on the cheap offer makes the dear one cheaper for 4 units.
    let instance = Instance {
        demand: vec![4],
        offers: vec![
            Offer {
                minimum_packs: 10,
                ..Offer::new(vec![0], 1, d(50))
            },
            Offer::new(vec![0], 2, d(150)),
        ],
    };
    let best = instance.solve(10_000);
    assert_eq!((best.packs, best.cost), (vec![0, 2], d(300)));
}

#[test]
fn a_bad_price_list_is_refused_with_its_path() {
    let mut list = prices();
    list.skus[1].units_per_pack = 0;
    let position = reconcile(&estate(), &policy(Mode::Optimal)).unwrap();
    let err = purchase::cheapest(&position, &list, &Options::default()).unwrap_err();
    assert_eq!(
        err,
        PurchaseError::NoUnits {
            index: 1,
            sku: "SQL-STD-4C".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "/skus/1/units_per_pack: SKU `SQL-STD-4C` has no units per pack"
    );
    let mut list = prices();
    list.skus[2].currency = Some(Currency::new("usd"));
    assert!(matches!(
        purchase::check(&list),
        Err(PurchaseError::MixedCurrencies { index: 2, .. })
    ));
    let mut list = prices();
    list.skus[2].tiers.push(Tier {
        from_packs: 3,
        price: d(80),
    });
    assert!(matches!(
        purchase::check(&list),
        Err(PurchaseError::BadTiers { index: 2, .. })
    ));
    let json = r#"{"skus": [{"id": "X", "metric": "device", "units_per_pack": 1, "price": "1", "colour": "red"}]}"#;
    assert!(serde_json::from_str::<PriceList>(json).is_err());
}

/// Every purchase vector within each offer's useful range, the cheapest that covers every
/// coverable line.
fn brute_force(instance: &Instance) -> Option<Decimal> {
    let most: Vec<u64> = instance
        .offers
        .iter()
        .map(|o| {
            let demand: u64 = o.lines.iter().map(|&l| instance.demand[l]).sum();
            let tier = o.tiers.iter().map(|t| t.0).max().unwrap_or(0);
            demand
                .div_ceil(o.units_per_pack)
                .max(tier)
                .max(o.minimum_packs)
        })
        .collect();
    let mut packs = vec![0u64; most.len()];
    let mut best: Option<Decimal> = None;
    loop {
        if let Some(cost) = instance.cost(&packs) {
            if instance.deficit(&packs) == 0 && best.is_none_or(|b| cost < b) {
                best = Some(cost);
            }
        }
        // Next vector, like an odometer.
        let mut i = 0;
        loop {
            if i == packs.len() {
                return best;
            }
            if packs[i] < most[i] {
                packs[i] += 1;
                break;
            }
            packs[i] = 0;
            i += 1;
        }
    }
}

fn arb_instance() -> impl Strategy<Value = Instance> {
    (1usize..=3, 1usize..=3).prop_flat_map(|(lines, offers)| {
        let demand = proptest::collection::vec(0u64..=6, lines);
        let offer = (
            proptest::collection::btree_set(0..lines, 1..=lines),
            1u64..=3,
            0u64..=3,
            1i64..=20,
            proptest::option::of((2u64..=4, 1i64..=20)),
        )
            .prop_map(|(covers, units, minimum, price, tier)| Offer {
                lines: covers.into_iter().collect(),
                units_per_pack: units,
                minimum_packs: minimum,
                price: Decimal::from(price),
                tiers: tier
                    .map(|(from, p)| vec![(from, Decimal::from(p))])
                    .unwrap_or_default(),
            });
        (demand, proptest::collection::vec(offer, offers))
            .prop_map(|(demand, offers)| Instance { demand, offers })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_search_finds_the_brute_force_optimum(instance in arb_instance()) {
        let best = instance.solve(1_000_000);
        prop_assert!(best.exact);
        prop_assert_eq!(instance.deficit(&best.packs), 0, "{:?}", best);
        prop_assert_eq!(instance.cost(&best.packs), Some(best.cost));
        let brute = brute_force(&instance).unwrap_or(Decimal::ZERO);
        prop_assert_eq!(best.cost, brute, "{:?}", instance);
        prop_assert_eq!(best.lower_bound, best.cost);
    }

    #[test]
    fn out_of_budget_the_purchase_still_covers_and_the_bound_holds(instance in arb_instance()) {
        let exact = instance.solve(1_000_000);
        let rushed = instance.solve(1);
        prop_assert_eq!(instance.deficit(&rushed.packs), 0);
        prop_assert!(rushed.lower_bound <= exact.cost, "{:?} {:?}", rushed, exact);
        prop_assert!(rushed.cost >= exact.cost);
        if !rushed.exact {
            prop_assert!(rushed.gap() >= Decimal::ZERO);
        }
    }
}

/// The instance as a MIP for microlp: per offer and price step an integer number of packs
/// and a binary saying the step is taken (at most one per offer); per offer and line a
/// continuous number of units given; every line's demand met.
fn mip_optimum(instance: &Instance) -> f64 {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let mut line_terms: Vec<Vec<(microlp::Variable, f64)>> =
        vec![Vec::new(); instance.demand.len()];
    for offer in &instance.offers {
        let demand: u64 = offer.lines.iter().map(|&l| instance.demand[l]).sum();
        let tier_top = offer.tiers.iter().map(|t| t.0).max().unwrap_or(0);
        let most = demand
            .div_ceil(offer.units_per_pack)
            .max(tier_top)
            .max(offer.minimum_packs);
        // Price steps: [from, next from - 1] at its price, the first from the minimum.
        let mut steps = vec![(offer.minimum_packs.max(1), offer.price)];
        steps.extend(
            offer
                .tiers
                .iter()
                .map(|&(from, p)| (from.max(offer.minimum_packs), p)),
        );
        let mut packs_terms = Vec::new();
        let mut chosen = Vec::new();
        for (s, &(lo, price)) in steps.iter().enumerate() {
            let hi = steps
                .get(s + 1)
                .map_or(most, |&(next, _)| next.saturating_sub(1));
            if lo > hi {
                continue;
            }
            let price: f64 = price.to_string().parse().unwrap();
            let y = problem.add_integer_var(price, (0, i32::try_from(hi).unwrap()));
            let b = problem.add_binary_var(0.0);
            problem.add_constraint([(y, 1.0), (b, -(lo as f64))], ComparisonOp::Ge, 0.0);
            problem.add_constraint([(y, 1.0), (b, -(hi as f64))], ComparisonOp::Le, 0.0);
            packs_terms.push((y, offer.units_per_pack as f64));
            chosen.push((b, 1.0));
        }
        if !chosen.is_empty() {
            problem.add_constraint(chosen, ComparisonOp::Le, 1.0);
        }
        let mut give = Vec::new();
        for &l in &offer.lines {
            let z = problem.add_var(0.0, (0.0, f64::INFINITY));
            give.push((z, 1.0));
            line_terms[l].push((z, 1.0));
        }
        let mut supply: Vec<(microlp::Variable, f64)> = give;
        supply.extend(packs_terms.into_iter().map(|(y, u)| (y, -u)));
        problem.add_constraint(supply, ComparisonOp::Le, 0.0);
    }
    for (l, terms) in line_terms.into_iter().enumerate() {
        if !terms.is_empty() && instance.demand[l] > 0 {
            problem.add_constraint(terms, ComparisonOp::Ge, instance.demand[l] as f64);
        }
    }
    problem.solve().unwrap().objective()
}

#[test]
fn generated_estates_give_the_same_optimum_as_an_independent_mip_solver() {
    let mut compared = 0;
    for seed in 1..=4u64 {
        let mut g = GenParams::size(itam_reconcile::generate::Size::S, seed);
        g.devices = 120;
        g.products = 6;
        g.entitlements = 8;
        g.users = 40;
        let estate = generate(&g);
        let mut p = Policy::new(g.as_of);
        p.mode = Mode::Optimal;
        let position = reconcile(&estate, &p).unwrap();
        // A price list: per product line short, two pack sizes at seeded prices, and one
        // publisher-wide SKU per publisher for the device metric (a suite).
        let mut rng = SplitMix64::new(seed);
        let mut skus = Vec::new();
        for (i, line) in position
            .products
            .iter()
            .filter(|l| l.shortfall > 0)
            .enumerate()
        {
            for units in [1 + rng.below(3), 4 + rng.below(5)] {
                let per_unit = 10 + rng.below(40);
                let discount = 100 - rng.below(20);
                skus.push(Sku {
                    id: format!("L{i}-{units}"),
                    scope: SkuScope {
                        publisher: Some(line.publisher.clone()),
                        product: Some(line.product.clone()),
                        edition: (!line.edition.is_empty()).then(|| line.edition.clone()),
                    },
                    metric: line.metric.clone(),
                    units_per_pack: units,
                    price: Decimal::from(per_unit * units * discount / 100),
                    currency: None,
                    minimum_packs: rng.below(2),
                    tiers: Vec::new(),
                });
            }
        }
        let prices = PriceList { skus };
        let bought = purchase::cheapest(&position, &prices, &Options::default()).unwrap();
        assert!(bought.exact, "seed {seed}: {}", bought.to_text());
        // The same instance the module builds, rebuilt here for the MIP.
        let demand: Vec<u64> = position
            .products
            .iter()
            .map(|l| {
                position
                    .unlicensed_consumers()
                    .filter(|c| std::ptr::eq(c.product, l))
                    .map(|c| c.units - c.covered)
                    .sum()
            })
            .collect();
        let instance = Instance {
            demand,
            offers: prices
                .skus
                .iter()
                .map(|s| Offer {
                    lines: position
                        .products
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| l.metric == s.metric && s.scope.covers(l))
                        .map(|(i, _)| i)
                        .collect(),
                    units_per_pack: s.units_per_pack,
                    minimum_packs: s.minimum_packs,
                    price: s.price,
                    tiers: Vec::new(),
                })
                .collect(),
        };
        if instance.demand.iter().all(|&d| d == 0) {
            continue;
        }
        let mip = mip_optimum(&instance);
        let ours: f64 = bought.cost.to_string().parse().unwrap();
        assert!(
            (mip - ours).abs() < 1e-6,
            "seed {seed}: MIP {mip}, ours {ours}\n{}",
            bought.to_text()
        );
        compared += 1;
    }
    assert!(
        compared >= 3,
        "only {compared} generated estates had a shortfall"
    );
}

#[test]
fn a_renewal_drops_what_is_not_needed_and_keeps_what_is() {
    // Two devices run the editor; `big` covers 10 devices at 50 each (500), `spare` 5 at 30
    // (150), `small` 2 at 40 (80). Dearest first: without `big` the other two still cover both
    // devices, so it goes; without `spare` too, `small` still covers them, so it goes; without
    // `small` as well nothing would, so it stays.
    let estate: Estate = serde_json::from_value(serde_json::json!({
        "devices": [{"id": "d1"}, {"id": "d2"}],
        "software": [{"tag_id": "ed", "publisher": "Acme", "product": "Editor", "version": "1"}],
        "installations": [{"software": "ed", "device": "d1"}, {"software": "ed", "device": "d2"}],
        "entitlements": [
            {"id": "big", "scope": {"product": "Editor"}, "metric": "device", "quantity": 10, "unit_cost": "50"},
            {"id": "small", "scope": {"product": "Editor"}, "metric": "device", "quantity": 2, "unit_cost": "40"},
            {"id": "spare", "scope": {"product": "Editor"}, "metric": "device", "quantity": 5, "unit_cost": "30"}
        ]
    }))
    .unwrap();
    let dropped = purchase::droppable(&estate, &policy(Mode::Optimal)).unwrap();
    let got: Vec<(&str, Decimal)> = dropped
        .iter()
        .map(|d| (d.entitlement.as_str(), d.saving))
        .collect();
    assert_eq!(got, [("big", d(500)), ("spare", d(150))]);
    // And what is left still covers everything.
    let mut kept = estate;
    kept.entitlements.retain(|e| e.id.as_str() == "small");
    assert_eq!(
        reconcile(&kept, &policy(Mode::Optimal))
            .unwrap()
            .totals
            .shortfall,
        0
    );
}

/// A proptest case of CI (2026-12-07): 5 units short on a line a 3-unit pack at 5 covers,
/// searched with one node, gave the lower bound 6 × (5 / 3) rounded up in the 28th digit,
/// 10.000…001, above the optimum 10. The bound's unit prices are rounded down now.
#[test]
fn a_rounded_unit_price_never_lifts_the_bound_above_the_optimum() {
    let dec = Decimal::from;
    let mut tiered = Offer::new(vec![1], 1, dec(20));
    tiered.tiers = vec![(3, dec(2))];
    let instance = Instance {
        demand: vec![0, 5, 1],
        offers: vec![
            Offer::new(vec![1, 2], 3, dec(5)),
            tiered,
            Offer::new(vec![0], 1, dec(1)),
        ],
    };
    let exact = instance.solve(1_000_000);
    assert!(exact.exact);
    assert_eq!(exact.cost, dec(10));
    let rushed = instance.solve(1);
    assert!(!rushed.exact);
    assert!(rushed.lower_bound <= exact.cost, "{rushed:?}");
    assert!(rushed.lower_bound > Decimal::new(99_999, 4), "{rushed:?}");
}
