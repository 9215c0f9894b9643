//! The text renderings of a position whose names are hostile: control characters (newline,
//! tab, ESC, a C1 control), a bidirectional override, and East Asian wide characters. The
//! table keeps one line per row with its columns aligned on what a terminal shows; the
//! canonical text keeps one line per fact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Policy, Position, reconcile};

fn hostile() -> Position {
    let estate: Estate = serde_json::from_value(serde_json::json!({
        "devices": [{"id": "pc\n1"}, {"id": "pc\t2"}, {"id": "pc-3"}, {"id": "pc-4"}],
        "software": [
            {"tag_id": "calc-1", "publisher": "Acme\tCorp", "product": "Calc\nTwo lines",
             "version": "1.0"},
            {"tag_id": "wide-1", "publisher": "表計算", "product": "ｗｉｄｅ", "version": "2.0"},
            {"tag_id": "esc-1", "publisher": "E\u{1b}[2JSoft", "product": "\u{202e}txt.exe",
             "version": "3.0"}
        ],
        "installations": [
            {"software": "calc-1", "device": "pc\n1"},
            {"software": "calc-1", "device": "pc\t2"},
            {"software": "wide-1", "device": "pc-3"},
            {"software": "esc-1", "device": "pc-4"}
        ],
        "entitlements": [
            {"id": "E\n1", "scope": {"product": "Calc\nTwo lines"}, "metric": "device",
             "quantity": 1, "unit_cost": "10", "currency": "EUR"},
            {"id": "E-表", "scope": {"product": "ｗｉｄｅ"}, "metric": "device", "quantity": 5},
            {"id": "E\u{1b}]0;pwned\u{7}", "scope": {"product": "\u{202e}txt.exe"},
             "metric": "dev\u{85}ice", "quantity": 1}
        ]
    }))
    .unwrap();
    reconcile(
        &estate,
        &Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
    )
    .unwrap()
}

/// Terminal columns, counted independently of the library for the characters used here:
/// the CJK ideographs and fullwidth letters take two, everything else printed one.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ff60}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The column at which `needle` starts on `line`.
fn column_of(line: &str, needle: &str) -> usize {
    let at = line
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {line:?}"));
    columns(&line[..at])
}

fn assert_no_raw_controls(text: &str) {
    for c in text.chars() {
        assert!(
            c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{c:?} printed raw in {text:?}"
        );
    }
}

#[test]
fn the_table_escapes_names_and_aligns_on_terminal_columns() {
    let position = hostile();
    assert_eq!(position.products.len(), 3);
    assert_eq!(position.entitlements.len(), 3);
    let text = position.to_table();
    assert_no_raw_controls(&text);
    let lines: Vec<&str> = text.split('\n').collect();
    // Header + 3 products, blank, header + 3 entitlements, blank, summary, and the final
    // newline's empty tail.
    assert_eq!(lines.len(), 4 + 1 + 4 + 1 + 1 + 1, "{text}");
    assert_eq!((lines[4], lines[9], lines[11]), ("", "", ""), "{text}");
    let (products, entitlements) = (&lines[0..4], &lines[5..9]);
    assert_eq!(
        products[1],
        "Acme\\tCorp/Calc\\nTwo lines      device             2         1        1          1          10 EUR",
        "{text}"
    );
    assert!(
        products
            .iter()
            .any(|l| l.starts_with("E\\u{1b}[2JSoft/\\u{202e}txt.exe  ")),
        "{text}"
    );
    assert!(
        entitlements
            .iter()
            .any(|l| l.starts_with("E\\u{1b}]0;pwned\\u{7}  dev\\u{85}ice  active")),
        "{text}"
    );
    // Every row of a table is as wide as its header (the last column is right-aligned and
    // never empty), and the second column starts at the same terminal column on every row.
    for (block, second) in [(products, "metric"), (entitlements, "metric")] {
        let width = columns(block[0]);
        let start = column_of(block[0], second);
        for line in block {
            assert_eq!(columns(line), width, "{line:?} in\n{text}");
            let metric = if line.contains("dev\\u{85}ice") {
                "dev\\u{85}ice"
            } else if line == &block[0] {
                second
            } else {
                "  device"
            };
            let offset = if metric.starts_with(' ') { 2 } else { 0 };
            assert_eq!(
                column_of(line, metric) + offset,
                start,
                "{line:?} in\n{text}"
            );
        }
    }
    // The wide name is two columns a character: its row is padded by its width, not its
    // character count.
    let wide = products.iter().find(|l| l.contains("表計算")).unwrap();
    let name = "表計算/ｗｉｄｅ";
    let gap = wide[name.len()..].len() - wide[name.len()..].trim_start().len();
    assert_eq!(columns(name), 15);
    assert_eq!(gap, column_of(products[0], "metric") - 15, "{wide:?}");
}

#[test]
fn the_canonical_text_keeps_one_line_per_fact() {
    let position = hostile();
    let text = position.to_text();
    assert_no_raw_controls(&text);
    let consumers = position.consumers().count();
    let decisions = position.decisions().count();
    assert_eq!(consumers, 4);
    assert!(decisions >= 4, "{text}");
    // position, totals, then one line a product, entitlement, consumer and decision.
    assert_eq!(
        text.lines().count(),
        2 + position.products.len() + position.entitlements.len() + consumers + decisions,
        "{text}"
    );
    for (prefix, count) in [
        ("position ", 1),
        ("totals ", 1),
        ("product ", 3),
        ("entitlement ", 3),
        ("consumer ", 4),
        ("  ", decisions),
    ] {
        assert_eq!(
            text.lines().filter(|l| l.starts_with(prefix)).count(),
            count,
            "{prefix:?} in\n{text}"
        );
    }
    assert!(
        text.contains("consumer device:pc\\n1 product=Acme\\tCorp/Calc\\nTwo lines units=1 "),
        "{text}"
    );
    assert!(
        text.contains("\n  E\\n1 consumed reason=priority_order units=1\n"),
        "{text}"
    );
    assert!(
        text.contains("entitlement E\\u{1b}]0;pwned\\u{7} metric=dev\\u{85}ice "),
        "{text}"
    );
    // Wide characters are printable: kept as they are.
    assert!(
        text.contains("product 表計算/ｗｉｄｅ metric=device "),
        "{text}"
    );
    // Display is the canonical text.
    assert_eq!(position.to_string(), text);
}

#[test]
fn names_without_hidden_characters_are_printed_unchanged() {
    // A combining acute accent (no column of its own), a backslash followed by `n`.
    let name = "Cafe\u{301}/Naïve \\n";
    let estate: Estate = serde_json::from_value(serde_json::json!({
        "devices": [{"id": "CORP\\host"}],
        "software": [{"tag_id": "a", "publisher": "Cafe\u{301}", "product": "Naïve \\n",
                      "version": "1"}],
        "installations": [{"software": "a", "device": "CORP\\host"}],
        "entitlements": [{"id": "E-1", "scope": {"product": "Naïve \\n"}, "metric": "device",
                          "quantity": 1}]
    }))
    .unwrap();
    let position = reconcile(
        &estate,
        &Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
    )
    .unwrap();
    let text = position.to_text();
    assert!(
        text.contains(&format!("product {name} metric=device ")),
        "{text}"
    );
    assert!(text.contains("consumer device:CORP\\host "), "{text}");
    let table = position.to_table();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[1].find("  device"), Some(name.len()), "{table}");
    // The name is 14 characters but 13 columns: the header's second column starts after
    // 13 columns and the two-space gap.
    assert_eq!(lines[0].find("metric"), Some(13 + 2), "{table}");
}
