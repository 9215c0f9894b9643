//! `itam purchase` on the demo estate (issue 15 point 3): the design suite's two devices and
//! one Office device are short; a price list with packs and a volume tier gives the cheapest
//! purchase, worked out by hand below, and `--renewal` what can be dropped.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

const PRICES: &str = r#"{"skus": [
  {"id": "DS-TEAM-1", "scope": {"product": "Example Design Suite"}, "metric": "device",
   "units_per_pack": 1, "price": "900", "currency": "EUR"},
  {"id": "DS-TEAM-5", "scope": {"product": "Example Design Suite"}, "metric": "device",
   "units_per_pack": 5, "price": "1500", "currency": "EUR"},
  {"id": "OFFICE-PRO", "scope": {"publisher": "Example Software Inc.", "product": "Example Office"},
   "metric": "device", "units_per_pack": 1, "price": "420", "currency": "EUR",
   "tiers": [{"from_packs": 10, "price": "380"}]}
]}"#;

#[test]
fn the_demo_estate_s_cheapest_purchase_and_what_a_renewal_drops() {
    let dir = TempDir::new("purchase");
    assert_eq!(code(&itam(&["demo", "--export", &dir.arg("nw")])), 0);
    std::fs::write(dir.join("prices.json"), PRICES).unwrap();
    let args = [
        "purchase",
        &dir.arg("nw/estate.json"),
        "--prices",
        &dir.arg("prices.json"),
        "--as-of",
        "2026-10-01",
        "--renewal",
    ];
    let out = itam(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    // Design Suite: 2 devices; 2 × 900 = 1800 against one 5-pack at 1500: the pack, 3 spare.
    // Office: 1 device at 420 (the tier starts at 10). Total 1920.
    assert!(
        text.contains("buy 1 × 5-device packs of Example Design Suite (SKU DS-TEAM-5)"),
        "{text}"
    );
    assert!(
        text.contains("covers 2 device units, cost 1500 (3 spare)"),
        "{text}"
    );
    assert!(text.contains("(SKU OFFICE-PRO)"), "{text}");
    assert!(text.contains("total 1920 EUR (optimal)"), "{text}");
    assert!(text.contains("Entitlements a renewal can drop"), "{text}");

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = itam(&json_args);
    let report = json(&out);
    assert_eq!(report["purchase"]["cost"], "1920");
    assert_eq!(report["purchase"]["exact"], true);
    assert_eq!(report["purchase"]["lines"].as_array().unwrap().len(), 2);
    assert!(report["droppable"].is_array());

    // A price list that is not one: exit 2 with the file named.
    std::fs::write(dir.join("bad.json"), br#"{"skus": [{"id": "X"}]}"#).unwrap();
    let out = itam(&[
        "purchase",
        &dir.arg("nw/estate.json"),
        "--prices",
        &dir.arg("bad.json"),
        "--as-of",
        "2026-10-01",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("bad.json: not a price list"),
        "{}",
        stderr(&out)
    );
}
