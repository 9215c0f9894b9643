//! The renderings on a position with hostile names (`tests/data/reconcile/hostile.json`):
//! CSV quoting and its parse back, the coloured and escaped table, HTML escaping.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Policy, Position};

use super::html::escape;
use super::*;

fn hostile() -> Position {
    let text = include_str!("../../tests/data/reconcile/hostile.json");
    let estate: Estate = serde_json::from_str(text).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    itam_reconcile::reconcile(&estate, &Policy::new(day)).unwrap()
}

/// A small RFC 4180 reader, independent of the writer: records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR not followed by LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("a bare LF outside quotes"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record ends with CRLF"
    );
    records
}

/// One field as the CSV reports write it.
fn field(text: &str) -> String {
    let mut out = String::new();
    itam_core::finance::csv::write_report_field(&mut out, text);
    out
}

#[test]
fn fields_are_quoted_only_when_needed() {
    assert_eq!(field("plain"), "plain");
    assert_eq!(field("a,b"), "\"a,b\"");
    assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(field("two\nlines"), "\"two\nlines\"");
    assert_eq!(field("cr\r"), "\"cr\r\"");
    assert_eq!(field(""), "");
    assert_eq!(field("-3"), "-3");
    assert_eq!(field("=1+1"), "\"'=1+1\"");
}

#[test]
fn products_csv_parses_back_to_the_position() {
    let position = hostile();
    let rows = parse_csv(&products_csv(&position));
    assert_eq!(
        rows.first().unwrap(),
        &PRODUCT_COLUMNS.map(String::from).to_vec()
    );
    assert_eq!(rows.len(), position.products.len() + 1);
    for (row, p) in rows.iter().skip(1).zip(&position.products) {
        assert_eq!(row.len(), PRODUCT_COLUMNS.len());
        assert_eq!(row[0], p.publisher);
        assert_eq!(row[1], p.product);
        assert_eq!(row[2], p.edition);
        assert_eq!(row[3], p.metric.to_string());
        let n = |i: usize| row[i].parse::<u64>().unwrap();
        assert_eq!(
            [n(4), n(5), n(6), n(7), n(8), n(9)],
            [
                p.consumers,
                p.demand,
                p.exempt,
                p.covered,
                p.shortfall,
                p.unlicensed_consumers
            ]
        );
        assert_eq!(row[10], p.entitled.to_string());
        assert_eq!(row[11], "false");
        assert_eq!(
            row[12],
            p.shortfall_cost
                .map_or_else(String::new, |c| c.normalize().to_string())
        );
    }
    // The names that need quoting came back whole.
    assert!(
        rows.iter()
            .any(|r| r[0] == "Acme, \"Inc.\"" && r[8] == "1" && r[12] == "250.5")
    );
    assert!(rows.iter().any(|r| r[1] == "Calc\nTwo lines"));
}

#[test]
fn decisions_csv_parses_back_to_the_decisions() {
    let position = hostile();
    let rows = parse_csv(&decisions_csv(&position));
    assert_eq!(
        rows.first().unwrap(),
        &DECISION_COLUMNS.map(String::from).to_vec()
    );
    let decisions: Vec<_> = position.decisions().collect();
    assert_eq!(rows.len(), decisions.len() + 1);
    assert!(decisions.len() >= 3);
    for (row, d) in rows.iter().skip(1).zip(&decisions) {
        assert_eq!(
            row,
            &vec![
                d.product.publisher.clone(),
                d.product.product.clone(),
                d.product.edition.clone(),
                d.product.metric.to_string(),
                d.consumer.to_owned(),
                d.entitlement.to_owned(),
                d.decision.as_str().to_owned(),
                d.reason.as_str().to_owned(),
                d.units.to_string(),
                d.product.terms_text(),
            ]
        );
    }
    assert!(
        rows.iter()
            .any(|r| r[4] == "device:pc-<2>" && r[7] == "capacity_exhausted")
    );
}

#[test]
fn the_table_is_the_library_s_without_colour_and_control_characters() {
    let text = include_str!("../../tests/data/reconcile/compliant.json");
    let estate: Estate = serde_json::from_str(text).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let position = itam_reconcile::reconcile(&estate, &Policy::new(day)).unwrap();
    assert_eq!(table(&position, false), position.to_table());
}

#[test]
fn control_characters_are_escaped_and_colour_follows_the_rows() {
    let position = hostile();
    let plain = table(&position, false);
    assert!(plain.contains("Plain & Simple/Calc\\nTwo lines"), "{plain}");
    assert!(!plain.contains('\x1b'));
    let coloured = table(&position, true);
    // Stripping the escapes gives the plain table back.
    let stripped = coloured
        .replace(RED, "")
        .replace(GREEN, "")
        .replace(YELLOW, "")
        .replace(BOLD, "")
        .replace(RESET, "");
    assert_eq!(stripped, plain);
    let lines: Vec<&str> = coloured.lines().collect();
    assert!(lines[0].starts_with(BOLD), "header bold");
    let tool = lines.iter().find(|l| l.contains("<script>")).unwrap();
    assert!(tool.starts_with(RED), "a shortfall is red: {tool:?}");
    let calc = lines.iter().find(|l| l.contains("Calc")).unwrap();
    assert!(
        !calc.starts_with('\x1b'),
        "no shortfall, no colour: {calc:?}"
    );
    assert!(
        lines.last().unwrap().starts_with(RED),
        "the summary has a shortfall"
    );
}

#[test]
fn html_escapes_every_input_string() {
    let position = hostile();
    let page = html(&[("priority", &position)], "<b>estate</b>.json");
    assert!(
        !page.contains("<script>alert"),
        "a product name became markup"
    );
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(page.contains("Acme, &quot;Inc.&quot;"));
    assert!(page.contains("E&lt;&amp;&gt;1"));
    assert!(page.contains("device:pc-&quot;1&#39;"));
    assert!(page.contains("&lt;b&gt;estate&lt;/b&gt;.json"));
    assert!(!page.contains("<b>"));
    // The one script element is the page's own.
    assert_eq!(page.matches("<script").count(), 1);
}

#[test]
fn escape_covers_the_five_characters() {
    assert_eq!(
        escape(r#"<a href="x" title='y'>&</a>"#),
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
    );
}

/// A version set, a fractional quantity and two currencies (the engine's scenario
/// `sets_fractions_currencies`): every rendering shows the exact quantity and keeps the
/// currencies apart.
#[test]
fn fractions_and_currencies_show_in_every_rendering() {
    let text = include_str!(
        "../../../itam-reconcile/tests/data/scenarios/sets_fractions_currencies/estate.json"
    );
    let estate: Estate = serde_json::from_str(text).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let position = itam_reconcile::reconcile(&estate, &Policy::new(day)).unwrap();
    let rows = parse_csv(&products_csv(&position));
    assert_eq!(rows.len(), 2);
    let row: BTreeMap<&str, &str> = rows[0]
        .iter()
        .map(String::as_str)
        .zip(rows[1].iter().map(String::as_str))
        .collect();
    assert_eq!(row["entitled"], "3");
    assert_eq!(row["quantity"], "3.5");
    assert_eq!(row["shortfall_cost"], "");
    assert_eq!(row["shortfall_costs"], "EUR:200,USD:180");
    let plain = table(&position, false);
    assert!(plain.contains("2.5 (2 usable)"), "{plain}");
    assert!(plain.contains("cost EUR:200,USD:90"), "{plain}");
    let page = html(&[("priority", &position)], "currencies.json");
    assert!(
        page.contains("data-total=\"cost\">EUR:200,USD:90</dd>"),
        "{page}"
    );
    assert!(page.contains("<td>2.5 (2 usable)</td>"));
    assert!(page.contains("<td>200 EUR</td>") && page.contains("<td>90 USD</td>"));
    assert!(page.contains("<td>EUR:200,USD:180</td>"));
}

/// A downgrade right with a depth (the engine's scenario `downgrade_depth`): the HTML
/// report's reason cell carries the decision's detail; the CSV of decisions keeps its columns.
#[test]
fn a_downgrade_depth_detail_shows_in_the_html_report() {
    let text =
        include_str!("../../../itam-reconcile/tests/data/scenarios/downgrade_depth/estate.json");
    let estate: Estate = serde_json::from_str(text).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let position = itam_reconcile::reconcile(&estate, &Policy::new(day)).unwrap();
    let page = html(&[("priority", &position)], "downgrade.json");
    assert!(
        page.contains(
            "<td class=\"text\">version_beyond_downgrade_depth — downgrade right: 2 previous \
             major versions of 10 does not reach 7.5</td>"
        ),
        "{page}"
    );
    assert!(page.contains(
        "<td class=\"text\">priority_order — downgrade right: down to 2013 from 2019 covers \
         2016</td>"
    ));
    let rows = parse_csv(&decisions_csv(&position));
    assert!(rows.iter().all(|r| r.len() == rows[0].len()));
}

#[test]
fn a_period_peak_shows_in_the_html_report() {
    let text =
        include_str!("../../../itam-reconcile/tests/data/scenarios/subcapacity_peak/estate.json");
    let estate: Estate = serde_json::from_str(text).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let position = itam_reconcile::reconcile(&estate, &Policy::new(day)).unwrap();
    let page = html(&[("priority", &position)], "peak.json");
    assert!(
        page.contains(
            "ibm_pvu_subcapacity<br><small>peak 2026-10-15 of 2026-10-03…; as of: 700</small>"
        ),
        "{page}"
    );
    // Without samples there is no peak to show.
    let mut flat = estate;
    flat.capacity_samples.clear();
    let position = itam_reconcile::reconcile(&flat, &Policy::new(day)).unwrap();
    assert!(!html(&[("priority", &position)], "flat.json").contains("<small>peak"));
}

#[test]
fn contract_terms_show_in_the_html_report_and_the_csv() {
    let text =
        include_str!("../../../itam-reconcile/tests/data/scenarios/contract_terms/estate.json");
    let estate: Estate = serde_json::from_str(text).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let optimal = Policy::new(day).with_mode(itam_reconcile::Mode::Optimal);
    let position = itam_reconcile::reconcile(&estate, &optimal).unwrap();
    let page = html(&[("optimal", &position)], "terms.json");
    assert!(
        page.contains(
            "installation<br><small>terms installs_per_licence=4, install_rounding=nearest</small>"
        ),
        "{page}"
    );
    // The two Designer lines keep their own decisions in the drill-down.
    assert!(page.contains(
        "Acme/Designer (installation; installs_per_licence=2, install_rounding=up): 2 decisions"
    ));
    assert!(page.contains("Acme/Designer (installation): 2 decisions"));
    let rows = parse_csv(&products_csv(&position));
    let terms = rows[0].iter().position(|c| c == "terms").unwrap();
    let designer: Vec<&str> = rows
        .iter()
        .filter(|r| r[1] == "Designer")
        .map(|r| r[terms].as_str())
        .collect();
    assert_eq!(designer, ["", "installs_per_licence=2;install_rounding=up"]);
    let decisions = parse_csv(&decisions_csv(&position));
    assert!(decisions.iter().any(|r| r[5] == "E-designer-pack"
        && r[7] == "optimal"
        && r[9] == "installs_per_licence=2;install_rounding=up"));
    // Lines the policy's parameters count show no terms.
    let mut plain = estate;
    for e in &mut plain.entitlements {
        e.terms = itam_reconcile::Terms::default();
    }
    let position = itam_reconcile::reconcile(&plain, &optimal).unwrap();
    assert!(!html(&[("optimal", &position)], "plain.json").contains("<small>terms"));
}
