//! `itam reconcile --html FILE`: the page is self-contained (no URL, no external asset), escapes
//! every string of the input, holds every product line and every consumer × entitlement
//! decision of the position, and — opened in headless Chromium — renders the position's
//! numbers.
//!
//! The browser test finds Chromium at `ITAM_CHROMIUM` or `/usr/bin/chromium` (CI installs
//! Debian's `chromium` in `.ci/run`); without it, it prints one line saying it was skipped.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use std::io::Write as _;
use support::*;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn data(rel: &str) -> String {
    format!("{}/tests/data/reconcile/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `itam reconcile SOURCE… --html PAGE --json` and returns the page and the position.
fn report(dir: &TempDir, source: &[&str], extra: &[&str]) -> (String, serde_json::Value) {
    let page = dir.arg("report.html");
    let args = [
        &["reconcile"][..],
        source,
        &["--as-of", "2026-10-01", "--json", "--html", &page],
        extra,
    ]
    .concat();
    let out = itam(&args);
    assert!(code(&out) < 2, "{args:?}: {}", stderr(&out));
    (
        std::fs::read_to_string(&page).expect("the page"),
        json(&out),
    )
}

/// The demo's files, exported.
fn demo(dir: &TempDir) -> String {
    let root = dir.arg("demo");
    let out = itam(&["demo", "--export", &root]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    root
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn hostile_names_are_escaped() {
    let dir = TempDir::new("html-hostile");
    let (page, _) = report(&dir, &[&data("hostile.json")], &[]);
    assert!(
        !page.contains("<script>alert"),
        "a product name became markup"
    );
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(page.contains("E&lt;&amp;&gt;1"));
    assert!(page.contains("device:pc-&lt;2&gt;"));
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
}

#[test]
fn the_page_is_self_contained() {
    let dir = TempDir::new("html-offline");
    let root = demo(&dir);
    let (page, _) = report(&dir, &[&root], &["--mode", "both"]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    for needle in [
        "http:", "https:", "//", "src=", "href=", "<link", "@import", "url(",
    ] {
        // `//` only as part of a URL: the inline script and CSS have no comments.
        assert!(!page.contains(needle), "the page holds {needle:?}");
    }
    // Both positions, each with its sums output.
    assert_eq!(page.matches("<section class=\"position\"").count(), 2);
}

#[test]
fn every_product_and_decision_is_on_the_page() {
    let dir = TempDir::new("html-complete");
    let root = demo(&dir);
    let (page, position) = report(&dir, &[&root], &[]);
    let products = position["products"].as_array().unwrap();
    assert!(products.len() >= 5);
    for p in products {
        let key = [&p["publisher"], &p["product"], &p["edition"]]
            .iter()
            .filter_map(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        let row = format!(
            "data-demand=\"{}\" data-covered=\"{}\" data-shortfall=\"{}\"><td>{}</td>",
            p["demand"],
            p["covered"].as_u64().unwrap() + p["exempt"].as_u64().unwrap(),
            p["shortfall"],
            html_escape(&key)
        );
        assert!(page.contains(&row), "no row {row}");
        assert!(
            page.contains(&format!("<summary>{} (", html_escape(&key))),
            "no drill-down for {key}"
        );
    }
    let decisions = position["decisions"].as_array().unwrap();
    assert!(!decisions.is_empty());
    assert_eq!(
        page.matches("<tr class=\"decision\">").count(),
        decisions.len()
    );
    for d in decisions {
        let row = format!(
            "<tr class=\"decision\"><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td></tr>",
            html_escape(d["consumer"].as_str().unwrap()),
            html_escape(d["entitlement"].as_str().unwrap()),
            d["decision"].as_str().unwrap(),
            d["reason"].as_str().unwrap(),
            d["units"]
        );
        assert!(page.contains(&row), "no decision {row}");
    }
    // The totals and the shortfall cost.
    let t = &position["totals"];
    for (key, value) in [
        ("demand", t["demand"].to_string()),
        ("covered", t["covered"].to_string()),
        ("shortfall", t["shortfall"].to_string()),
    ] {
        assert!(
            page.contains(&format!("data-total=\"{key}\">{value}</dd>")),
            "{key} {value}"
        );
    }
    let cost: f64 = t["shortfall_cost"].as_str().unwrap().parse().unwrap();
    assert_eq!(cost, 420.0, "the demo's office shortfall");
    // The demo's Ents state their unit prices in euros: the currency shows.
    assert_eq!(t["currency"], "EUR");
    assert!(page.contains("data-total=\"shortfall-cost\">420 EUR</dd>"));
}

/// Chromium, when installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("ITAM_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    path.is_file().then_some(path)
}

/// The DOM after the page's script ran, as headless Chromium dumps it.
fn rendered_dom(browser: &Path, page: &Path, dir: &TempDir) -> String {
    let profile = dir.join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium starts");
    // Never hang the suite: 25 s at most.
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(25) {
            let _ = child.kill();
            panic!("chromium did not finish in 25 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("chromium output");
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn chromium_renders_the_numbers_of_the_position() {
    let Some(browser) = chromium() else {
        // Written to the stderr handle, past libtest's capture, so a skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "report_html: chromium browser test skipped: no /usr/bin/chromium (set ITAM_CHROMIUM)"
        );
        return;
    };
    let dir = TempDir::new("html-chromium");
    let root = demo(&dir);
    let (page, both) = report(&dir, &[&root], &["--mode", "both"]);
    // The sums are written by the page's script: absent from the file, present once rendered.
    assert_eq!(page.matches("<output class=\"sums\"></output>").count(), 2);
    let dom = rendered_dom(&browser, &dir.join("report.html"), &dir);
    for (n, mode) in ["priority", "optimal"].iter().enumerate() {
        let position = &both[*mode];
        let t = &position["totals"];
        let lines = position["products"].as_array().unwrap().len();
        let sums = format!(
            "<output class=\"sums\">rendered: {lines} product lines, demand {}, covered {}, shortfall {}</output>",
            t["demand"],
            t["covered"].as_u64().unwrap() + t["exempt"].as_u64().unwrap(),
            t["shortfall"]
        );
        let section = dom
            .split("<section class=\"position\"")
            .nth(n + 1)
            .unwrap_or_else(|| panic!("no section {n} in the rendered DOM"));
        assert!(section.contains(&sums), "{mode}: {sums} not rendered");
        assert!(section.contains(&format!("data-total=\"shortfall\">{}</dd>", t["shortfall"])));
    }
    assert!(dom.contains("shortfall 3"), "the demo's office shortfall");
}

#[test]
fn a_page_that_cannot_be_written_is_an_error_before_any_output() {
    let dir = TempDir::new("html-unwritable");
    let page = dir.arg("no-such-folder/report.html");
    let out = itam(&[
        "reconcile",
        &data("compliant.json"),
        "--as-of",
        "2026-01-01",
        "--html",
        &page,
    ]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
}

#[test]
fn the_table_is_printed_beside_the_page() {
    let dir = TempDir::new("html-and-table");
    let page = dir.arg("report.html");
    let out = itam(&[
        "reconcile",
        &data("compliant.json"),
        "--as-of",
        "2026-01-01",
        "--html",
        &page,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("priority mode, as of 2026-01-01"));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("data-total=\"shortfall\">0</dd>"));
}
