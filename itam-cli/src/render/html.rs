//! The `--html` page: a self-contained report of one or two positions.
//!
//! Per position: the totals; per product × metric line a row with an inline SVG bar (entitled
//! units against the demand, split into covered, exempt and shortfall), the shortfall and its
//! cost; the entitlements; and per product line a `<details>` drill-down to every consumer ×
//! entitlement decision and its reason. A small inline script adds up the product rows and
//! writes the sums into an `<output>` per position, so a browser test can see the page's
//! numbers as rendered.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use itam_reconcile::{PairDecision, Position, ProductLine, Status};

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) const STYLE: &str = "
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2430}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}
.meta{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{padding:.25rem .5rem;border-bottom:1px solid #e3e6ea;text-align:right;vertical-align:middle}
th:first-child,td:first-child,td.text,th.text{text-align:left}
tr.short td{background:#fff3f2}
dl.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.5rem}
dl.totals div{background:#f4f6f8;border-radius:6px;padding:.5rem .75rem}
dl.totals dt{font-size:.8rem;color:#555}dl.totals dd{margin:0;font-size:1.3rem;font-variant-numeric:tabular-nums}
.bad{color:#b3261e}.good{color:#1b7f3b}
details{margin:.3rem 0;border:1px solid #e3e6ea;border-radius:6px;padding:.3rem .6rem}
summary{cursor:pointer}
svg.bar{display:block}
.legend span{display:inline-block;margin-right:1rem}
.sw{display:inline-block;width:.8rem;height:.8rem;vertical-align:-.1rem;margin-right:.3rem}
output{display:block;color:#555;font-size:.85rem;margin-top:.5rem}
";

/// The script: per position, the sums of the product rows, written into its `<output>`.
const SCRIPT: &str = "
for (const section of document.querySelectorAll('section.position')) {
  let demand = 0, covered = 0, shortfall = 0, lines = 0;
  for (const row of section.querySelectorAll('tr[data-demand]')) {
    lines += 1;
    demand += Number(row.dataset.demand);
    covered += Number(row.dataset.covered);
    shortfall += Number(row.dataset.shortfall);
  }
  const out = section.querySelector('output.sums');
  out.textContent = 'rendered: ' + lines + ' product lines, demand ' + demand +
    ', covered ' + covered + ', shortfall ' + shortfall;
}
";

const BAR_WIDTH: u64 = 220;

/// The page for these positions, each with a heading (`priority`, `optimal`…); `source`
/// names where the estate came from.
pub(crate) fn html(positions: &[(&str, &Position)], source: &str) -> String {
    let mut out = String::new();
    let date = positions
        .first()
        .map_or_else(String::new, |(_, p)| p.as_of.to_string());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Effective license position as of {date}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Effective license position</h1>\n\
         <p class=\"meta\">of {} as of <time>{date}</time></p>\n",
        escape(source)
    );
    for (n, (label, position)) in positions.iter().enumerate() {
        section(&mut out, n, label, position);
    }
    let _ = write!(
        out,
        "<p class=\"meta\">Written by itam {}.</p>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}

fn section(out: &mut String, n: usize, label: &str, position: &Position) {
    let t = &position.totals;
    let _ = write!(
        out,
        "<section class=\"position\" id=\"position-{n}\" data-mode=\"{mode}\">\n<h2>{label} mode</h2>\n\
         <dl class=\"totals\">\n",
        mode = position.mode.as_str(),
        label = escape(label),
    );
    let shortfall_class = if t.shortfall > 0 { "bad" } else { "good" };
    for (key, name, value, class) in [
        ("demand", "demand", t.demand.to_string(), ""),
        ("covered", "covered", t.covered.to_string(), ""),
        ("exempt", "exempt", t.exempt.to_string(), ""),
        (
            "shortfall",
            "shortfall",
            t.shortfall.to_string(),
            shortfall_class,
        ),
        (
            "unlicensed",
            "unlicensed consumers",
            t.unlicensed_consumers.to_string(),
            shortfall_class,
        ),
        ("cost", "cost", escape(&t.cost_text()), ""),
        (
            "shortfall-cost",
            "shortfall cost",
            escape(&t.shortfall_cost_text()),
            shortfall_class,
        ),
    ] {
        let _ = writeln!(
            out,
            "<div><dt>{name}</dt><dd class=\"{class}\" data-total=\"{key}\">{value}</dd></div>"
        );
    }
    out.push_str("</dl>\n");

    out.push_str(
        "<h3>Products</h3>\n<p class=\"legend\"><span><i class=\"sw\" style=\"background:#8aa4c8\"></i>entitled</span>\
         <span><i class=\"sw\" style=\"background:#2e9b57\"></i>covered</span>\
         <span><i class=\"sw\" style=\"background:#9c7fd1\"></i>exempt</span>\
         <span><i class=\"sw\" style=\"background:#d9453b\"></i>shortfall</span></p>\n\
         <table class=\"products\">\n<thead><tr><th>product</th><th class=\"text\">metric</th><th class=\"text\">entitled vs consumed</th>\
         <th>demand</th><th>entitled</th><th>covered</th><th>exempt</th><th>shortfall</th><th>shortfall cost</th></tr></thead>\n<tbody>\n",
    );
    for p in &position.products {
        product_row(out, p);
    }
    out.push_str("</tbody>\n</table>\n");

    out.push_str(
        "<h3>Entitlements</h3>\n<table class=\"entitlements\">\n<thead><tr><th>entitlement</th><th class=\"text\">metric</th>\
         <th class=\"text\">status</th><th class=\"text\">end</th><th>entitled</th><th>consumed</th><th>surplus</th><th>true-up</th><th>cost</th></tr></thead>\n<tbody>\n",
    );
    for e in &position.entitlements {
        let status = if e.expiring {
            "expiring"
        } else {
            e.status.as_str()
        };
        let class = if e.status == Status::Active {
            ""
        } else {
            "bad"
        };
        let _ = writeln!(
            out,
            "<tr><td>{id}</td><td class=\"text\">{metric}</td><td class=\"text {class}\">{status}</td><td class=\"text\">{end}</td>\
             <td>{entitled}</td><td>{consumed}</td><td>{surplus}</td><td>{true_up}</td><td>{cost}</td></tr>",
            id = escape(&e.id),
            metric = escape(&e.metric.to_string()),
            end = e.end.map_or_else(String::new, |d| d.to_string()),
            entitled = escape(&e.entitled_text()),
            consumed = e.consumed,
            surplus = e.surplus,
            true_up = e.true_up,
            cost = escape(&e.cost_text()),
        );
    }
    out.push_str("</tbody>\n</table>\n");

    decisions(out, position);
    out.push_str("<output class=\"sums\"></output>\n</section>\n");
}

fn product_row(out: &mut String, p: &ProductLine) {
    let consumed = p.covered + p.exempt;
    let scale = p
        .demand
        .max(if p.unlimited { 0 } else { p.entitled })
        .max(1);
    let px = |units: u64| units.saturating_mul(BAR_WIDTH) / scale;
    let entitled_px = if p.unlimited {
        BAR_WIDTH
    } else {
        px(p.entitled)
    };
    let (covered_px, exempt_px, short_px) = (px(p.covered), px(p.exempt), px(p.shortfall));
    let entitled_text = if p.unlimited {
        "unlimited".to_owned()
    } else {
        p.entitled.to_string()
    };
    let name = escape(&p.key());
    let mut metric = escape(&p.metric.to_string());
    if p.terms.is_some() {
        // The contract's terms the line counts under (the policy's are not repeated).
        let _ = write!(
            metric,
            "<br><small>terms {}</small>",
            escape(&p.terms_text().replace(';', ", "))
        );
    }
    if let Some(k) = &p.peak {
        // The period's peak: the day counted, and what the as-of day alone would give.
        let _ = write!(
            metric,
            "<br><small>peak {} of {}…; as of: {}</small>",
            k.at, k.from, k.as_of_units
        );
    }
    let class = if p.shortfall > 0 {
        " class=\"short\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<tr{class} data-demand=\"{demand}\" data-covered=\"{consumed}\" data-shortfall=\"{shortfall}\">\
         <td>{name}</td><td class=\"text\">{metric}</td><td class=\"text\">\
         <svg class=\"bar\" width=\"{BAR_WIDTH}\" height=\"22\" role=\"img\" aria-label=\"entitled {entitled_text}, consumed {consumed} of {demand}\">\
         <title>entitled {entitled_text}; covered {covered}, exempt {exempt}, shortfall {shortfall}</title>\
         <rect x=\"0\" y=\"1\" width=\"{entitled_px}\" height=\"8\" fill=\"#8aa4c8\"/>\
         <rect x=\"0\" y=\"12\" width=\"{covered_px}\" height=\"8\" fill=\"#2e9b57\"/>\
         <rect x=\"{covered_px}\" y=\"12\" width=\"{exempt_px}\" height=\"8\" fill=\"#9c7fd1\"/>\
         <rect x=\"{short_x}\" y=\"12\" width=\"{short_px}\" height=\"8\" fill=\"#d9453b\"/></svg></td>\
         <td>{demand}</td><td>{entitled_text}</td><td>{covered}</td><td>{exempt}</td><td class=\"{short_class}\">{shortfall}</td><td>{cost}</td></tr>",
        demand = p.demand,
        shortfall = p.shortfall,
        covered = p.covered,
        exempt = p.exempt,
        short_x = covered_px + exempt_px,
        short_class = if p.shortfall > 0 { "bad" } else { "" },
        cost = escape(&p.shortfall_cost_text().replace(" currency=", " ")),
    );
}

/// The drill-down: per product line, its decisions.
fn decisions(out: &mut String, position: &Position) {
    let index: BTreeMap<(String, String, String), usize> = position
        .products
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.key(), p.metric.to_string(), p.terms_text()), i))
        .collect();
    let mut by_product: Vec<Vec<PairDecision<'_>>> = vec![Vec::new(); position.products.len()];
    for d in position.decisions() {
        let key = (
            d.product.key(),
            d.product.metric.to_string(),
            d.product.terms_text(),
        );
        if let Some(list) = index.get(&key).and_then(|&i| by_product.get_mut(i)) {
            list.push(d);
        }
    }
    out.push_str("<h3>Decisions: each consumer × entitlement</h3>\n");
    for (p, list) in position.products.iter().zip(&by_product) {
        let _ = writeln!(
            out,
            "<details class=\"decisions\"{open}><summary>{name} ({metric}): {n} decisions, shortfall {shortfall}</summary>",
            open = if p.shortfall > 0 { " open" } else { "" },
            name = escape(&p.key()),
            metric = escape(&if p.terms.is_some() {
                format!("{}; {}", p.metric, p.terms_text().replace(';', ", "))
            } else {
                p.metric.to_string()
            }),
            n = list.len(),
            shortfall = p.shortfall,
        );
        if list.is_empty() {
            out.push_str(
                "<p>No decision recorded (no entitlement was considered, or the policy leaves explanations out).</p>\n",
            );
        } else {
            out.push_str(
                "<table>\n<thead><tr><th>consumer</th><th class=\"text\">entitlement</th><th class=\"text\">decision</th>\
                 <th class=\"text\">reason</th><th>units</th></tr></thead>\n<tbody>\n",
            );
            for d in list {
                let _ = writeln!(
                    out,
                    "<tr class=\"decision\"><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td></tr>",
                    escape(d.consumer),
                    escape(d.entitlement),
                    d.decision.as_str(),
                    match d.detail {
                        Some(detail) => format!("{} — {}", d.reason.as_str(), escape(detail)),
                        None => d.reason.as_str().to_owned(),
                    },
                    d.units
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str("</details>\n");
    }
}
