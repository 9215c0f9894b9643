//! Import of OpTISAM "acquired rights" CSV files (Orange's open-source SAM tool) into Ents.
//!
//! The import sheet is `;`-separated with a header row; each row becomes one primary Ent:
//!
//! | column | Ent |
//! |---|---|
//! | `sku` | `Ent/@entId` (`optisam:<sku>`), `OrderInfo/@partNumber` |
//! | `product`, `version` (an edition such as `Standard`) | `Ent/@name`, `EntMeta/@product`, `EntMeta/@edition` |
//! | `editor` | an `Entity` with roles `licensor` and `softwareCreator` |
//! | `swidtag` | `ValidVersion/@tagId` of the `use` right, and a `Link rel="entitles" href="swid:…"` |
//! | `metric` | `Metric/@type` (`INSTANCE` → `instance`, others kept lowercased as unknown values) |
//! | `acquired_licenses` | `Quantification/@quantity` |
//! | `avg_unit_price` | `InvoiceData/@unitPrice` (no currency is given) |
//! | `licenses_under_maintenance`, `avg_maintenance_unit_price`, `maintenance_start`, `maintenance_end` | a `Meta` (maintenance is not the licence's validity, so no `LimitTime`) |
//!
//! Columns are found by name, so their order does not matter; unknown columns go to a `Meta`.

use itam_core::{Decimal, EntId, TagId, VersionRange};

use crate::model::{Ent, EntMeta, Entity, InvoiceData, Link, Meta, OrderInfo, Right, ValidVersion};
use crate::values::{EntitlementType, MetricType, Rel, RightName, Role};

/// Why a CSV could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// The file has no header row.
    #[error("the file is empty")]
    Empty,
    /// A required column is missing from the header.
    #[error("the header has no `{0}` column")]
    MissingColumn(&'static str),
    /// A quoted field is not closed.
    #[error("line {line}: a quoted field is not closed")]
    Unclosed {
        /// The line, from 1.
        line: usize,
    },
}

/// Splits one line of a `;`-separated file, with `"` quoting and `""` as an escaped quote.
fn split(line: &str, number: usize) -> Result<Vec<String>, CsvError> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) if field.is_empty() => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            (';', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err(CsvError::Unclosed { line: number });
    }
    out.push(field);
    Ok(out)
}

/// One imported Ent and what could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The Ent.
    pub ent: Ent,
    /// What was approximated or kept only in `Meta`, one line each.
    pub notes: Vec<String>,
}

/// Imports every row of an OpTISAM acquired-rights CSV; `creator` is the party running the
/// import (it receives the `entCreator` role).
///
/// # Errors
/// An empty file, a header without `sku`, `product` or `acquired_licenses`, or an unclosed
/// quote.
pub fn import_csv(text: &str, creator: &Entity) -> Result<Vec<Imported>, CsvError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(CsvError::Empty)?;
    let header = split(header.trim_start_matches('\u{feff}'), 1)?;
    let col = |name: &'static str| header.iter().position(|h| h.trim() == name);
    let need = |name: &'static str| col(name).ok_or(CsvError::MissingColumn(name));
    let (sku, product, acquired) = (need("sku")?, need("product")?, need("acquired_licenses")?);
    let mut out = Vec::new();
    for (i, line) in lines {
        let cells = split(line, i + 1)?;
        let get = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let mut notes = Vec::new();
        let sku_v = get(Some(sku)).unwrap_or_default();
        let name = get(Some(product)).unwrap_or_default();
        let mut ent = Ent::new(EntId::new(format!("optisam:{sku_v}")), name.clone());
        ent.entitlement_type = Some(EntitlementType::License);
        let mut creator = creator.clone();
        if !creator.role.contains(&Role::EntCreator) {
            creator.role.push(Role::EntCreator);
        }
        ent.entities.push(creator);
        if let Some(editor) = get(col("editor")) {
            ent.entities.push(Entity {
                name: editor,
                regid: None,
                role: vec![Role::Licensor, Role::SoftwareCreator],
                thumbprint: None,
                meta: Vec::new(),
                base: crate::xml::BaseElement::default(),
            });
        }
        ent.ent_meta.push(EntMeta {
            product: Some(name),
            edition: get(col("version")),
            ..EntMeta::default()
        });
        let metric = get(col("metric")).map_or(MetricType::Instance, |m| {
            MetricType::from(m.to_ascii_lowercase().as_str())
        });
        if !metric.is_known() {
            notes.push(format!(
                "metric {:?} is not a known MetricType",
                metric.as_str()
            ));
        }
        let quantity = match get(Some(acquired)).map(|q| q.parse::<Decimal>()) {
            Some(Ok(q)) => q,
            Some(Err(_)) | None => {
                notes.push("acquired_licenses is not a number; 0 used".to_owned());
                Decimal::ZERO
            }
        };
        let mut right = Right::new(RightName::Use).with_quantity(metric, quantity);
        if let Some(tag) = get(col("swidtag")) {
            right.valid_versions.push(ValidVersion {
                range: VersionRange::default(),
                tag_id: Some(TagId::new(tag.clone())),
                ..ValidVersion::default()
            });
            ent.links
                .push(Link::new(format!("swid:{tag}"), Rel::Entitles));
        }
        ent.rights.push(right);
        ent.order_info.push(OrderInfo {
            part_number: Some(sku_v),
            ..OrderInfo::default()
        });
        if let Some(price) = get(col("avg_unit_price")) {
            match price.parse::<Decimal>() {
                Ok(p) => ent.invoice_data.push(InvoiceData {
                    unit_price: Some(p),
                    ..InvoiceData::default()
                }),
                Err(_) => notes.push(format!("avg_unit_price {price:?} is not a number")),
            }
        }
        let known = [
            "sku",
            "product",
            "acquired_licenses",
            "editor",
            "version",
            "metric",
            "swidtag",
            "avg_unit_price",
        ];
        let mut meta = Meta::default();
        for (c, h) in header.iter().enumerate() {
            if known.contains(&h.trim()) {
                continue;
            }
            if let Some(v) = get(Some(c)) {
                meta.set(h.trim(), v);
            }
        }
        if !meta.base.attributes.is_empty() {
            ent.meta.push(meta);
        }
        out.push(Imported { ent, notes });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_escaped_quotes() {
        assert_eq!(
            split(r#"a;"b;c";"say ""hi""";"#, 1).unwrap(),
            ["a", "b;c", "say \"hi\"", ""]
        );
        assert_eq!(split(r#""open"#, 3), Err(CsvError::Unclosed { line: 3 }));
    }

    #[test]
    fn missing_columns_and_empty_files_are_errors() {
        let me = Entity::new("Me", "me.example", vec![]);
        assert_eq!(import_csv("", &me), Err(CsvError::Empty));
        assert_eq!(
            import_csv("sku;product\nA;B", &me),
            Err(CsvError::MissingColumn("acquired_licenses"))
        );
    }
}
