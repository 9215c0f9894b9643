//! The ledger's CSV form: mapping CSV records to and from [`Ledger`] values.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use chrono::NaiveDate;

use super::csv::{self, CsvError, Field, Limits};
use super::{Category, Currency, DocumentKind, Ledger, PurchaseLine, RegisterLine};
use crate::Decimal;
use crate::diag::TextPos;

/// The columns of the CSV form, in the order [`to_csv`] writes them.
const COLUMNS: [&str; 18] = [
    "record",
    "number",
    "line",
    "date",
    "supplier",
    "order_number",
    "invoice_number",
    "serial",
    "sku",
    "description",
    "category",
    "quantity",
    "unit_price",
    "cost",
    "depreciation",
    "disposed",
    "currency",
    "cost_centre",
];

/// Why a CSV text is not a ledger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The text is not CSV.
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// The text has no header row.
    #[error("the ledger has no header row")]
    NoHeader,
    /// The header names a column twice.
    #[error("line {}, column {}: column `{name}` appears twice in the header", .pos.line, .pos.col)]
    DuplicateColumn {
        /// The column name.
        name: String,
        /// Where its second appearance is.
        pos: TextPos,
    },
    /// A column every ledger needs is not in the header.
    #[error("the header has no `{0}` column")]
    MissingColumn(&'static str),
    /// A row has more fields than the header has columns.
    #[error("line {line}: {found} fields, but the header has {expected} columns")]
    TooManyFields {
        /// Where the row starts.
        line: u32,
        /// Fields in the row.
        found: usize,
        /// Columns in the header.
        expected: usize,
    },
    /// A row has fewer fields than the header has columns: a shifted or cut export, whose
    /// cells would otherwise land in the wrong columns or go missing without a word.
    #[error("line {line}: {found} fields, but the header has {expected} columns")]
    TooFewFields {
        /// Where the row starts.
        line: u32,
        /// Fields in the row.
        found: usize,
        /// Columns in the header.
        expected: usize,
    },
    /// The `record` cell is not `register`, `order` or `invoice`.
    #[error("line {}, column {}: record kind `{value}` is not register, order or invoice", .pos.line, .pos.col)]
    UnknownRecord {
        /// What the cell says.
        value: String,
        /// Where the cell is.
        pos: TextPos,
    },
    /// A cell a record of this kind needs is empty or its column is missing.
    #[error("line {line}: a {record} record needs a value in column `{column}`")]
    MissingValue {
        /// Where the row starts.
        line: u32,
        /// `register`, `order` or `invoice`.
        record: &'static str,
        /// The column.
        column: &'static str,
    },
    /// A cell that does not hold what its column needs.
    #[error("line {}, column {}: `{value}` in column `{column}` is not {expected}", .pos.line, .pos.col)]
    BadValue {
        /// The column.
        column: &'static str,
        /// What the cell says.
        value: String,
        /// What it should be.
        expected: &'static str,
        /// Where the cell is.
        pos: TextPos,
    },
}

/// One data row, with the header's column positions to look cells up by name.
struct Row<'a> {
    cells: &'a [Field],
    index: &'a BTreeMap<&'static str, usize>,
    line: u32,
    record: &'static str,
}

impl Row<'_> {
    fn cell(&self, column: &'static str) -> Option<&Field> {
        let i = *self.index.get(column)?;
        self.cells.get(i).filter(|f| !f.text.trim().is_empty())
    }

    fn text(&self, column: &'static str) -> Option<String> {
        self.cell(column).map(|f| f.text.clone())
    }

    fn required_text(&self, column: &'static str) -> Result<String, LedgerError> {
        self.text(column).ok_or(LedgerError::MissingValue {
            line: self.line,
            record: self.record,
            column,
        })
    }

    fn parsed<T: FromStr>(
        &self,
        column: &'static str,
        expected: &'static str,
    ) -> Result<Option<T>, LedgerError> {
        let Some(field) = self.cell(column) else {
            return Ok(None);
        };
        field
            .text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| LedgerError::BadValue {
                column,
                value: field.text.clone(),
                expected,
                pos: field.pos,
            })
    }

    fn date(&self, column: &'static str) -> Result<Option<NaiveDate>, LedgerError> {
        let Some(field) = self.cell(column) else {
            return Ok(None);
        };
        NaiveDate::parse_from_str(field.text.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| LedgerError::BadValue {
                column,
                value: field.text.clone(),
                expected: "a date (YYYY-MM-DD)",
                pos: field.pos,
            })
    }

    fn decimal(&self, column: &'static str) -> Result<Option<Decimal>, LedgerError> {
        let Some(field) = self.cell(column) else {
            return Ok(None);
        };
        let text = field.text.trim();
        // Plain decimals only: `Decimal::from_str` would also take `1_000`.
        let plain = text
            .strip_prefix(['-', '+'])
            .unwrap_or(text)
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.');
        plain
            .then(|| Decimal::from_str(text).ok())
            .flatten()
            .map(Some)
            .ok_or_else(|| LedgerError::BadValue {
                column,
                value: field.text.clone(),
                expected: "a plain decimal number",
                pos: field.pos,
            })
    }

    fn required_decimal(&self, column: &'static str) -> Result<Decimal, LedgerError> {
        self.decimal(column)?.ok_or(LedgerError::MissingValue {
            line: self.line,
            record: self.record,
            column,
        })
    }
}

pub(super) fn from_csv(
    text: &str,
    delimiter: char,
    limits: &Limits,
) -> Result<Ledger, LedgerError> {
    let records = csv::read_delimited(text, delimiter, limits)?;
    let mut rows = records.iter();
    let header = rows.next().ok_or(LedgerError::NoHeader)?;

    let mut index: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut extra_columns: Vec<(usize, String)> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (i, field) in header.iter().enumerate() {
        let name = field.text.trim();
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(LedgerError::DuplicateColumn {
                name: name.to_owned(),
                pos: field.pos,
            });
        }
        match COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(name)) {
            Some(c) => {
                index.insert(c, i);
            }
            None => extra_columns.push((i, name.to_owned())),
        }
    }
    if !index.contains_key("record") {
        return Err(LedgerError::MissingColumn("record"));
    }

    let mut ledger = Ledger::default();
    for cells in rows {
        let line = cells.first().map_or(0, |f| f.pos.line);
        if cells.len() > header.len() {
            return Err(LedgerError::TooManyFields {
                line,
                found: cells.len(),
                expected: header.len(),
            });
        }
        if cells.len() < header.len() {
            return Err(LedgerError::TooFewFields {
                line,
                found: cells.len(),
                expected: header.len(),
            });
        }
        let mut row = Row {
            cells,
            index: &index,
            line,
            record: "",
        };
        let kind = row.cell("record").map(|f| (f.text.trim(), f.pos));
        row.record = match kind {
            Some((k, _)) if k.eq_ignore_ascii_case("register") => "register",
            Some((k, _)) if k.eq_ignore_ascii_case("order") => "order",
            Some((k, _)) if k.eq_ignore_ascii_case("invoice") => "invoice",
            Some((k, pos)) => {
                return Err(LedgerError::UnknownRecord {
                    value: k.to_owned(),
                    pos,
                });
            }
            None => {
                return Err(LedgerError::MissingValue {
                    line,
                    record: "ledger",
                    column: "record",
                });
            }
        };
        let extra: BTreeMap<String, String> = extra_columns
            .iter()
            .filter_map(|(i, name)| {
                let f = cells.get(*i)?;
                (!f.text.is_empty()).then(|| (name.clone(), f.text.clone()))
            })
            .collect();
        let currency = Currency::new(row.required_text("currency")?);
        if row.record == "register" {
            ledger.register.push(RegisterLine {
                asset_number: row.required_text("number")?,
                serial: row.text("serial"),
                description: row.text("description").unwrap_or_default(),
                supplier: row.text("supplier"),
                acquired: row.date("date")?,
                cost: row.required_decimal("cost")?,
                depreciation: row.decimal("depreciation")?.unwrap_or_default(),
                disposed: row.date("disposed")?,
                currency,
                cost_centre: row.text("cost_centre"),
                order_number: row.text("order_number"),
                invoice_number: row.text("invoice_number"),
                extra,
            });
        } else {
            ledger.purchases.push(PurchaseLine {
                document: if row.record == "order" {
                    DocumentKind::Order
                } else {
                    DocumentKind::Invoice
                },
                number: row.required_text("number")?,
                line: row.parsed("line", "a line number")?.unwrap_or(1),
                date: row.date("date")?,
                supplier: row.text("supplier"),
                order_number: row.text("order_number"),
                sku: row.text("sku"),
                description: row.text("description").unwrap_or_default(),
                category: row.text("category").map(Category::from),
                quantity: row.required_decimal("quantity")?,
                unit_price: row.required_decimal("unit_price")?,
                currency,
                cost_centre: row.text("cost_centre"),
                extra,
            });
        }
    }
    Ok(ledger)
}

fn opt(value: Option<&String>) -> String {
    value.cloned().unwrap_or_default()
}

fn opt_date(value: Option<NaiveDate>) -> String {
    value
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub(super) fn to_csv(ledger: &Ledger) -> String {
    let extras: BTreeSet<&String> = ledger
        .register
        .iter()
        .flat_map(|r| r.extra.keys())
        .chain(ledger.purchases.iter().flat_map(|p| p.extra.keys()))
        .filter(|k| !COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(k)))
        .collect();
    let mut out = String::new();
    let mut header: Vec<&str> = COLUMNS.to_vec();
    header.extend(extras.iter().map(|s| s.as_str()));
    csv::write_record(&mut out, &header);

    let extra_cells = |extra: &BTreeMap<String, String>| -> Vec<String> {
        extras.iter().map(|k| opt(extra.get(*k))).collect()
    };
    for r in &ledger.register {
        let mut row = vec![
            "register".to_owned(),
            r.asset_number.clone(),
            String::new(),
            opt_date(r.acquired),
            opt(r.supplier.as_ref()),
            opt(r.order_number.as_ref()),
            opt(r.invoice_number.as_ref()),
            opt(r.serial.as_ref()),
            String::new(),
            r.description.clone(),
            String::new(),
            String::new(),
            String::new(),
            r.cost.to_string(),
            if r.depreciation.is_zero() {
                String::new()
            } else {
                r.depreciation.to_string()
            },
            opt_date(r.disposed),
            r.currency.as_str().to_owned(),
            opt(r.cost_centre.as_ref()),
        ];
        row.extend(extra_cells(&r.extra));
        csv::write_record(&mut out, &row);
    }
    for p in &ledger.purchases {
        let mut row = vec![
            p.document.as_str().to_owned(),
            p.number.clone(),
            p.line.to_string(),
            opt_date(p.date),
            opt(p.supplier.as_ref()),
            opt(p.order_number.as_ref()),
            String::new(),
            String::new(),
            opt(p.sku.as_ref()),
            p.description.clone(),
            p.category
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            p.quantity.to_string(),
            p.unit_price.to_string(),
            String::new(),
            String::new(),
            String::new(),
            p.currency.as_str().to_owned(),
            opt(p.cost_centre.as_ref()),
        ];
        row.extend(extra_cells(&p.extra));
        csv::write_record(&mut out, &row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "record,number,line,date,supplier,order_number,invoice_number,serial,sku,description,category,quantity,unit_price,cost,depreciation,disposed,currency,cost_centre\r\n\
register,FA-0042,,2025-03-01,Contoso,PO-7001,,SN-88231,,Contoso T14 laptop,,,,1450.00,483.33,,EUR,CC-100\r\n\
invoice,INV-9001,1,2025-03-05,Contoso,PO-7001,,,T14-G5,Contoso T14 laptop,hardware,1,1450.00,,,,EUR,CC-100\r\n";

    #[test]
    fn the_documented_sample_reads_and_writes_back_byte_for_byte() {
        let ledger = Ledger::from_csv(SAMPLE).unwrap();
        assert_eq!(ledger.register.len(), 1);
        assert_eq!(ledger.register[0].serial.as_deref(), Some("SN-88231"));
        assert_eq!(ledger.register[0].depreciation, Decimal::new(48333, 2));
        assert_eq!(ledger.purchases[0].document, DocumentKind::Invoice);
        assert_eq!(ledger.purchases[0].order_number.as_deref(), Some("PO-7001"));
        assert_eq!(ledger.to_csv(), SAMPLE);
    }

    #[test]
    fn errors_say_where() {
        let head = "record,number,date,cost,currency\n";
        let err =
            Ledger::from_csv(&format!("{head}register,FA-1,2025-13-01,10,EUR\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2, column 15: `2025-13-01` in column `date` is not a date (YYYY-MM-DD)"
        );
        let err = Ledger::from_csv(&format!("{head}register,FA-1,,1 000,EUR\n")).unwrap_err();
        assert!(matches!(
            err,
            LedgerError::BadValue {
                column: "cost",
                pos: TextPos { line: 2, col: 16 },
                ..
            }
        ));
        let err = Ledger::from_csv(&format!("{head}register,,,10,EUR\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: a register record needs a value in column `number`"
        );
        let err = Ledger::from_csv(&format!("{head}asset,A,,1,EUR\n")).unwrap_err();
        assert!(matches!(err, LedgerError::UnknownRecord { .. }));
        let err = Ledger::from_csv(&format!("{head}register,A,,1,EUR,x\n")).unwrap_err();
        assert!(matches!(
            err,
            LedgerError::TooManyFields {
                line: 2,
                found: 6,
                expected: 5
            }
        ));
        assert_eq!(
            Ledger::from_csv("number,cost\n"),
            Err(LedgerError::MissingColumn("record"))
        );
        assert!(matches!(
            Ledger::from_csv("record,Number,number\n"),
            Err(LedgerError::DuplicateColumn { .. })
        ));
        assert_eq!(Ledger::from_csv(""), Err(LedgerError::NoHeader));
        let err = Ledger::from_csv(&format!("{head}order,PO-1,,,EUR\n")).unwrap_err();
        assert!(matches!(
            err,
            LedgerError::MissingValue {
                record: "order",
                column: "quantity",
                ..
            }
        ));
    }

    #[test]
    fn semicolon_exports_read_the_same() {
        let semi = Ledger::from_csv_with(
            "record;number;cost;currency\nregister;FA-1;\"1450,00\";EUR\nregister;FA-2;990.5;EUR\n",
            ';',
            &Limits::default(),
        );
        // A decimal comma is not a plain decimal: refused with its position, never misread.
        assert!(matches!(
            semi,
            Err(LedgerError::BadValue {
                column: "cost",
                pos: TextPos { line: 2, col: 15 },
                ..
            })
        ));
        let semi = Ledger::from_csv_with(
            "record;number;cost;currency\nregister;FA-2;990.5;EUR\n",
            ';',
            &Limits::default(),
        )
        .unwrap();
        let comma =
            Ledger::from_csv("record,number,cost,currency\nregister,FA-2,990.5,EUR\n").unwrap();
        assert_eq!(semi, comma);
    }

    #[test]
    fn columns_are_found_by_name_in_any_order() {
        let ledger = Ledger::from_csv(
            " Currency ,COST,Record,Number,Note\nUSD,5,register,A-1,\nUSD,6,register,A-2,keep me\n",
        )
        .unwrap();
        assert_eq!(ledger.register[0].cost, Decimal::from(5));
        assert!(ledger.register[0].extra.is_empty());
        assert_eq!(ledger.register[1].extra["Note"], "keep me");
        assert!(ledger.to_csv().contains(",Note\r\n"));
    }

    #[test]
    fn short_rows_are_refused_with_their_line_not_padded() {
        let head = "record,number,cost,currency,cost_centre\n";
        // The last cell missing: once padded to an empty cost centre without a word.
        let err = Ledger::from_csv(&format!(
            "{head}register,A-1,5,EUR,cc\nregister,A-2,6,EUR\n"
        ))
        .unwrap_err();
        assert_eq!(
            err,
            LedgerError::TooFewFields {
                line: 3,
                found: 4,
                expected: 5
            }
        );
        assert_eq!(
            err.to_string(),
            "line 3: 4 fields, but the header has 5 columns"
        );
        // A quoted field spanning lines: the line is where the row starts.
        let err = Ledger::from_csv(&format!("{head}\"register\",\"A\n1\"\n")).unwrap_err();
        assert!(
            matches!(
                err,
                LedgerError::TooFewFields {
                    line: 2,
                    found: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        // `;`-delimited: counted with its delimiter.
        let err = Ledger::from_csv_with(
            "record;number;cost;currency\nregister;A-1;5\n",
            ';',
            &Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            LedgerError::TooFewFields {
                line: 2,
                found: 3,
                expected: 4
            }
        ));
    }

    fn text() -> impl Strategy<Value = String> {
        "[A-Za-z0-9 ,\"\n€-]{0,8}".prop_map(|s| format!("x{s}"))
    }

    fn date() -> impl Strategy<Value = Option<NaiveDate>> {
        proptest::option::of(0i64..20_000).prop_map(|d| {
            d.and_then(|d| {
                NaiveDate::from_ymd_opt(1990, 1, 1)
                    .and_then(|e| e.checked_add_signed(chrono::Duration::days(d)))
            })
        })
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0u32..6).prop_map(|(m, s)| Decimal::new(m, s))
    }

    fn extra() -> impl Strategy<Value = BTreeMap<String, String>> {
        proptest::collection::btree_map(
            prop_oneof![Just("gl".to_owned()), Just("Note".to_owned())],
            text(),
            0..2,
        )
    }

    fn register() -> impl Strategy<Value = RegisterLine> {
        (
            (
                text(),
                proptest::option::of(text()),
                text(),
                proptest::option::of(text()),
            ),
            (date(), decimal(), decimal(), date()),
            (
                proptest::option::of(text()),
                proptest::option::of(text()),
                extra(),
            ),
        )
            .prop_map(
                |((n, s, d, sup), (acq, cost, dep, disp), (cc, po, extra))| RegisterLine {
                    asset_number: n,
                    serial: s,
                    description: d,
                    supplier: sup,
                    acquired: acq,
                    cost,
                    depreciation: dep,
                    disposed: disp,
                    currency: Currency::new("EUR"),
                    cost_centre: cc,
                    order_number: po,
                    invoice_number: None,
                    extra,
                },
            )
    }

    fn purchase() -> impl Strategy<Value = PurchaseLine> {
        (
            (any::<bool>(), text(), 1u32..1000, date()),
            (
                proptest::option::of(text()),
                proptest::option::of(text()),
                text(),
            ),
            (proptest::option::of(text()), decimal(), decimal(), extra()),
        )
            .prop_map(
                |((order, n, line, date), (sku, po, d), (cat, q, p, extra))| PurchaseLine {
                    document: if order {
                        DocumentKind::Order
                    } else {
                        DocumentKind::Invoice
                    },
                    number: n,
                    line,
                    date,
                    supplier: None,
                    order_number: po,
                    sku,
                    description: d,
                    category: cat.map(Category::from),
                    quantity: q,
                    unit_price: p,
                    currency: Currency::new("usd"),
                    cost_centre: None,
                    extra,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_ledger_round_trips_through_csv(
            register in proptest::collection::vec(register(), 0..4),
            purchases in proptest::collection::vec(purchase(), 0..4),
        ) {
            let ledger = Ledger { register, purchases };
            let text = ledger.to_csv();
            let back = Ledger::from_csv(&text).unwrap();
            prop_assert_eq!(back, ledger);
        }

        #[test]
        fn any_text_reads_or_fails_without_panicking(text in "[a-z0-9,;\"\r\n .-]{0,80}") {
            let with_header = format!("record,number,cost,currency,quantity,unit_price\n{text}");
            let _ = Ledger::from_csv(&text);
            let _ = Ledger::from_csv(&with_header);
            let _ = Ledger::from_csv_with(&with_header, ';', &Limits::default());
        }

        #[test]
        fn any_ledger_round_trips_through_json(
            register in proptest::collection::vec(register(), 0..3),
            purchases in proptest::collection::vec(purchase(), 0..3),
        ) {
            let ledger = Ledger { register, purchases };
            let back: Ledger = serde_json::from_str(&serde_json::to_string(&ledger).unwrap()).unwrap();
            prop_assert_eq!(back, ledger);
        }
    }
}
