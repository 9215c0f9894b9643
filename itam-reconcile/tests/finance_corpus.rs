//! The finance records' CSV reader against a real third-party export: OpTISAM's
//! acquired-rights import file (`corpus-ent/Orange-OpenSource__optisam-backend/
//! products_acquiredRights.csv`, `;`-separated, with a quoted field), read in place.
//!
//! The corpus is found through `ITAM_CORPUS` (a folder holding the `corpus-*` folders) or
//! `<workspace>/../shared` (itam-swid/tests/support/corpus.rs); without either the test says on stderr
//! that it was skipped, or fails when `ITAM_REQUIRE_CORPUS=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../itam-swid/tests/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;

use itam_core::Decimal;
use itam_core::finance::csv::{Limits, read_delimited};

fn corpus() -> Option<PathBuf> {
    corpus::folder("corpus-ent")
}

#[test]
fn optisam_acquired_rights_export_reads_field_for_field() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("Orange-OpenSource__optisam-backend/products_acquiredRights.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let rows = read_delimited(&text, ';', &Limits::default()).unwrap();

    // A header and five rights, each with the header's twelve fields.
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r.len() == 12), "ragged rows");
    let header: Vec<&str> = rows[0].iter().map(|f| f.text.as_str()).collect();
    assert_eq!(header[1], "sku");
    assert_eq!(header[8], "avg_unit_price");

    // The quoted product name is unquoted; its position is the opening quote's.
    let rhel_sm = &rows[3];
    assert_eq!(
        rhel_sm[2].text,
        "Red Hat Enterprise Linux with Smart Virtualization"
    );
    assert_eq!((rhel_sm[2].pos.line, rhel_sm[2].pos.col), (4, 17));

    // Quantities and prices are plain decimals, as the ledger form reads them.
    let total: Decimal = rows[1..]
        .iter()
        .map(|r| {
            let q: Decimal = r[6].text.parse().unwrap();
            let p: Decimal = r[8].text.parse().unwrap();
            q * p
        })
        .sum();
    assert!(total > Decimal::ZERO);

    // Read as comma-separated, the same file is one field per line: the delimiter matters.
    let as_commas = itam_core::finance::csv::read(&text, &Limits::default());
    if let Ok(rows) = as_commas {
        assert!(rows.iter().all(|row| row.len() != 12));
    }
}
