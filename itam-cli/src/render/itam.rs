//! The `cms report --html` page: the ITAM indicators, the findings they rest on and the open
//! nonconformities, self-contained (inline CSS, no script, no external asset; every string
//! from the input escaped).

use std::fmt::Write as _;

use itam_core::cms::Nonconformity;
use itam_core::diag::Report;
use itam_core::measure::{Measurements, Value};

use super::html::{STYLE, escape};

/// The page; `source` names the CMS it was measured from.
pub(crate) fn itam_html(
    measured: &Measurements,
    findings: &Report,
    open: &[&Nonconformity],
    source: &str,
) -> String {
    let date = measured.as_of.date_naive();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>ITAM report as of {date}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>ITAM report</h1>\n<p class=\"meta\">of {} as of <time>{date}</time></p>\n\
         <h2>Indicators</h2>\n<table class=\"indicators\">\n\
         <tr><th class=\"text\">id</th><th class=\"text\">indicator</th><th>value</th>\
         <th class=\"text\">formula</th></tr>\n",
        escape(source)
    );
    for m in &measured.indicators {
        let value = match (&m.value, &m.absent) {
            (Some(v), _) => escape(&v.to_string()),
            (None, why) => format!(
                "<span class=\"meta\">{}</span>",
                escape(why.as_deref().unwrap_or("no value"))
            ),
        };
        let ratio = m
            .value
            .as_ref()
            .and_then(Value::ratio)
            .map_or_else(String::new, |r| format!(" data-ratio=\"{r:.4}\""));
        let _ = writeln!(
            out,
            "<tr id=\"{id}\"{ratio}><td class=\"text\"><code>{id}</code></td>\
             <td class=\"text\">{}<br><small class=\"meta\">{}</small></td>\
             <td>{value}</td><td class=\"text\">{}</td></tr>",
            escape(m.indicator.name),
            escape(m.indicator.definition),
            escape(m.indicator.formula),
            id = escape(m.indicator.id),
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<h2>Findings ({})</h2>\n<table class=\"findings\">\n\
         <tr><th class=\"text\">severity</th><th class=\"text\">rule</th><th class=\"text\">where</th>\
         <th class=\"text\">what</th></tr>",
        findings.findings().len()
    );
    for f in findings.findings() {
        let _ = writeln!(
            out,
            "<tr><td class=\"text\">{}</td><td class=\"text\"><code>{}</code></td>\
             <td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
            escape(&f.severity.to_string()),
            escape(&f.rule),
            escape(&f.location.path),
            escape(&f.message)
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<h2>Open nonconformities ({})</h2>\n<table class=\"nonconformities\">\n\
         <tr><th class=\"text\">id</th><th class=\"text\">state</th><th class=\"text\">rule</th>\
         <th class=\"text\">what</th><th>open for (days)</th></tr>",
        open.len()
    );
    for n in open {
        let days = n.open_for(measured.as_of).map_or(0, |d| d.num_days());
        let _ = writeln!(
            out,
            "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\"><code>{}</code></td>\
             <td class=\"text\">{}</td><td>{days}</td></tr>",
            escape(n.id.as_str()),
            n.state,
            escape(&n.rule),
            escape(&n.summary)
        );
    }
    let _ = write!(
        out,
        "</table>\n<p class=\"meta\">Written by itam {}.</p>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}
