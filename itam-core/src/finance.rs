//! Financial records: the fixed-asset register, purchase orders and invoices, as the
//! organisation's financial system exports them, and the purchase data recorded for an
//! entitlement.
//!
//! ISO/IEC 19770-1 asks that IT asset data be reconciled with other information systems, "in
//! particular with financial information systems recording assets and expenses". These types
//! are that other side: a [`Ledger`] holds [`RegisterLine`]s (capitalised assets) and
//! [`PurchaseLine`]s (purchase-order and invoice lines). [`EntitlementPurchase`] is the order
//! and invoice data an entitlement carries on the ITAM side (an ISO/IEC 19770-3 Ent's
//! `OrderInfo` and `InvoiceData`, projected). `itam-reconcile`'s `finance` module matches them
//! against the CMS and the entitlements.
//!
//! Money is an exact [`Decimal`] with a [`Currency`] code beside it; nothing is converted.
//!
//! # The JSON form, `ledger.json`
//!
//! ```json
//! {
//!   "register": [
//!     {"asset_number": "FA-0042", "serial": "SN-88231", "description": "Contoso T14 laptop",
//!      "supplier": "Contoso", "acquired": "2025-03-01", "cost": "1450.00",
//!      "depreciation": "483.33", "currency": "EUR", "cost_centre": "CC-100",
//!      "order_number": "PO-7001"}
//!   ],
//!   "purchases": [
//!     {"document": "invoice", "number": "INV-9001", "line": 1, "date": "2025-03-05",
//!      "supplier": "Contoso", "order_number": "PO-7001", "sku": "T14-G5",
//!      "description": "Contoso T14 laptop", "category": "hardware", "quantity": "1",
//!      "unit_price": "1450.00", "currency": "EUR", "cost_centre": "CC-100"}
//!   ]
//! }
//! ```
//!
//! | record | field | type | default | meaning |
//! |---|---|---|---|---|
//! | register line | `asset_number` | string | required | the fixed-asset number (often the asset tag) |
//! | | `serial` | string | none | the serial number |
//! | | `description` | string | `""` | what was bought |
//! | | `supplier` | string | none | who sold it |
//! | | `acquired` | date | none | acquisition (capitalisation) date |
//! | | `cost` | decimal string | required | acquisition cost |
//! | | `depreciation` | decimal string | `"0"` | depreciation accumulated so far |
//! | | `disposed` | date | none | when the asset was disposed of (written off, sold, scrapped) |
//! | | `currency` | string | required | ISO 4217 code of `cost` and `depreciation` |
//! | | `cost_centre` | string | none | the cost centre carrying the asset |
//! | | `order_number`, `invoice_number` | string | none | the purchase order and invoice it was bought on |
//! | | `extra` | object of strings | `{}` | any other column, kept and written back |
//! | purchase line | `document` | `"order"` \| `"invoice"` | required | purchase-order line or invoice line |
//! | | `number` | string | required | the order or invoice number |
//! | | `line` | integer | 1 | the line number within the document |
//! | | `date` | date | none | the document date |
//! | | `supplier` | string | none | who sells |
//! | | `order_number` | string | none | for an invoice line: the purchase order it invoices |
//! | | `sku` | string | none | the supplier's SKU or part number |
//! | | `description` | string | `""` | what was bought |
//! | | `category` | see [`Category`] | none | hardware, software, service or another spend category |
//! | | `quantity` | decimal string | required | how many |
//! | | `unit_price` | decimal string | required | the price of one |
//! | | `currency` | string | required | ISO 4217 code of `unit_price` |
//! | | `cost_centre` | string | none | the cost centre charged |
//! | | `extra` | object of strings | `{}` | any other column, kept and written back |
//!
//! Unknown fields are refused in the JSON form (put them under `extra`), so a misspelt field
//! never silently changes a reconciliation.
//!
//! # The CSV form, `ledger.csv`
//!
//! One RFC 4180 file (see [`csv`]) with a header row. Columns are found by name (case and
//! surrounding spaces ignored, any order); a column the form does not know becomes an `extra`
//! entry of every record, so nothing in the export is lost. The column `record` says what a row
//! is: `register`, `order` or `invoice`. The other columns are the JSON fields, except that
//! `number` is also the asset number of a register line and `date` also its acquisition date:
//!
//! ```text
//! record,number,line,date,supplier,order_number,invoice_number,serial,sku,description,category,quantity,unit_price,cost,depreciation,disposed,currency,cost_centre
//! register,FA-0042,,2025-03-01,Contoso,PO-7001,,SN-88231,,Contoso T14 laptop,,,,1450.00,483.33,,EUR,CC-100
//! invoice,INV-9001,1,2025-03-05,Contoso,PO-7001,,,T14-G5,Contoso T14 laptop,hardware,1,1450.00,,,,EUR,CC-100
//! ```
//!
//! Every row has exactly as many fields as the header has columns: a row with more or fewer
//! (a shifted or truncated export) is refused with its line (`LedgerError::TooManyFields`,
//! `LedgerError::TooFewFields`) rather than padded or cut. Empty cells are absent values. Dates are `YYYY-MM-DD`; decimals are plain (`1450.00`,
//! `-3.5`), without thousands separators or currency signs. [`Ledger::from_csv`] reports the
//! line and column of anything it cannot read; [`Ledger::to_csv`] writes the same layout (the
//! columns above, then the extra columns in name order), and reading it back gives the same
//! ledger.
//!
//! ```
//! use itam_core::finance::{Category, Ledger};
//!
//! let ledger = Ledger::from_csv(
//!     "record,number,date,description,cost,currency,quantity,unit_price,category,gl_account\n\
//!      register,FA-1,2025-01-10,Server,9000,EUR,,,,1500\n\
//!      invoice,INV-7,2025-02-01,Editor subscription,,EUR,10,120.50,software,6100\n",
//! )
//! .unwrap();
//! assert_eq!(ledger.register[0].asset_number, "FA-1");
//! assert_eq!(ledger.purchases[0].category, Some(Category::Software));
//! assert_eq!(ledger.purchases[0].amount().to_string(), "1205.00");
//! assert_eq!(ledger.register[0].extra["gl_account"], "1500");
//! assert_eq!(Ledger::from_csv(&ledger.to_csv()).unwrap(), ledger);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Decimal;
use crate::id::EntId;

pub mod csv;
mod form;

pub use form::LedgerError;

/// An ISO 4217 currency code (`EUR`, `USD`), as written. Compare with [`Currency::same_as`],
/// which ignores case and surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(String);

impl Currency {
    /// A currency code, kept as written.
    pub fn new(code: impl Into<String>) -> Self {
        Self(code.into())
    }

    /// The code as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code trimmed and in upper case.
    #[must_use]
    pub fn code(&self) -> String {
        self.0.trim().to_ascii_uppercase()
    }

    /// Whether two codes name the same currency (case and surrounding spaces ignored).
    #[must_use]
    pub fn same_as(&self, other: &Self) -> bool {
        self.0.trim().eq_ignore_ascii_case(other.0.trim())
    }

    /// Whether the code has the ISO 4217 shape: three ASCII letters.
    #[must_use]
    pub fn is_well_formed(&self) -> bool {
        let c = self.0.trim();
        c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Currency {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

/// The spend category of a purchase line: what kind of asset or expense it buys. An open
/// vocabulary: other names are kept as [`Category::Other`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
#[non_exhaustive]
pub enum Category {
    /// `hardware`: devices and components.
    Hardware,
    /// `software`: licences, subscriptions and maintenance of software (what entitlements
    /// are bought on).
    Software,
    /// `service`: IT services (cloud, managed services, support).
    Service,
    /// Any other category, kept as written.
    Other(String),
}

impl Category {
    /// The name used in JSON and CSV.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Hardware => "hardware",
            Self::Software => "software",
            Self::Service => "service",
            Self::Other(s) => s,
        }
    }
}

impl FromStr for Category {
    type Err = std::convert::Infallible;
    /// Known names are matched ignoring case and surrounding spaces; anything else is kept.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "hardware" => Self::Hardware,
            "software" => Self::Software,
            "service" => Self::Service,
            _ => Self::Other(s.to_owned()),
        })
    }
}

impl From<String> for Category {
    fn from(value: String) -> Self {
        match value.parse() {
            Ok(c) => c,
            Err(never) => match never {},
        }
    }
}

impl From<Category> for String {
    fn from(value: Category) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the fixed-asset register: a capitalised asset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterLine {
    /// The fixed-asset number (often the asset tag on the device).
    pub asset_number: String,
    /// The serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// What was bought.
    #[serde(default)]
    pub description: String,
    /// Who sold it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// Acquisition (capitalisation) date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquired: Option<NaiveDate>,
    /// Acquisition cost.
    pub cost: Decimal,
    /// Depreciation accumulated so far.
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    pub depreciation: Decimal,
    /// When the asset was disposed of; `None` while it is on the books.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposed: Option<NaiveDate>,
    /// The currency of `cost` and `depreciation`.
    pub currency: Currency,
    /// The cost centre carrying the asset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_centre: Option<String>,
    /// The purchase order it was bought on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// The invoice it was bought on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    /// Columns the form does not know, kept as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl RegisterLine {
    /// A line on the books with an asset number, cost and currency, and nothing else.
    pub fn new(
        asset_number: impl Into<String>,
        cost: Decimal,
        currency: impl Into<Currency>,
    ) -> Self {
        Self {
            asset_number: asset_number.into(),
            serial: None,
            description: String::new(),
            supplier: None,
            acquired: None,
            cost,
            depreciation: Decimal::ZERO,
            disposed: None,
            currency: currency.into(),
            cost_centre: None,
            order_number: None,
            invoice_number: None,
            extra: BTreeMap::new(),
        }
    }

    /// Net book value: cost less accumulated depreciation.
    #[must_use]
    pub fn net_book_value(&self) -> Decimal {
        self.cost.saturating_sub(self.depreciation)
    }

    /// Whether the asset is still on the books (not disposed of).
    #[must_use]
    pub fn on_books(&self) -> bool {
        self.disposed.is_none()
    }
}

/// Whether a purchase line is on a purchase order or an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// `order`: a purchase-order line (a commitment to buy).
    Order,
    /// `invoice`: an invoice line (proof of purchase).
    Invoice,
}

impl DocumentKind {
    /// `order` or `invoice`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Invoice => "invoice",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a purchase order or an invoice.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseLine {
    /// Purchase order or invoice.
    pub document: DocumentKind,
    /// The order or invoice number.
    pub number: String,
    /// The line number within the document.
    #[serde(default = "one")]
    pub line: u32,
    /// The document date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Who sells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// For an invoice line: the purchase order it invoices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// The supplier's SKU or part number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// What was bought.
    #[serde(default)]
    pub description: String,
    /// The spend category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// How many.
    pub quantity: Decimal,
    /// The price of one.
    pub unit_price: Decimal,
    /// The currency of `unit_price`.
    pub currency: Currency,
    /// The cost centre charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_centre: Option<String>,
    /// Columns the form does not know, kept as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

const fn one() -> u32 {
    1
}

impl PurchaseLine {
    /// Line 1 of a document, with quantity, unit price and currency, and nothing else.
    pub fn new(
        document: DocumentKind,
        number: impl Into<String>,
        quantity: Decimal,
        unit_price: Decimal,
        currency: impl Into<Currency>,
    ) -> Self {
        Self {
            document,
            number: number.into(),
            line: 1,
            date: None,
            supplier: None,
            order_number: None,
            sku: None,
            description: String::new(),
            category: None,
            quantity,
            unit_price,
            currency: currency.into(),
            cost_centre: None,
            extra: BTreeMap::new(),
        }
    }

    /// Quantity × unit price (saturating at the largest decimal).
    #[must_use]
    pub fn amount(&self) -> Decimal {
        self.quantity.saturating_mul(self.unit_price)
    }
}

/// What the financial system recorded: the fixed-asset register and the purchase lines.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// Fixed-asset register lines.
    #[serde(default)]
    pub register: Vec<RegisterLine>,
    /// Purchase-order and invoice lines.
    #[serde(default)]
    pub purchases: Vec<PurchaseLine>,
}

impl Ledger {
    /// Reads the CSV form (see the [module documentation](self)) with the default
    /// [`csv::Limits`].
    ///
    /// # Errors
    /// [`LedgerError`] with the line and column of the first thing that cannot be read.
    pub fn from_csv(text: &str) -> Result<Self, LedgerError> {
        form::from_csv(text, ',', &csv::Limits::default())
    }

    /// Reads the CSV form with another field delimiter (`;` as many European ledgers export,
    /// a tab) and explicit limits.
    ///
    /// # Errors
    /// [`LedgerError`] with the line and column of the first thing that cannot be read.
    pub fn from_csv_with(
        text: &str,
        delimiter: char,
        limits: &csv::Limits,
    ) -> Result<Self, LedgerError> {
        form::from_csv(text, delimiter, limits)
    }

    /// Writes the CSV form: the header, the register lines, then the purchase lines, each
    /// record ended by CRLF.
    #[must_use]
    pub fn to_csv(&self) -> String {
        form::to_csv(self)
    }
}

/// The order and invoice data an entitlement carries on the ITAM side: a projection of an
/// ISO/IEC 19770-3 Ent's `OrderInfo` (order number, date, SKU, quantity, reseller) and
/// `InvoiceData` (invoice number, date, amount, currency), or what a SAM tool's "financial"
/// tab records. Every part but the entitlement id is optional.
///
/// JSON: `{"ent": "E-1", "order_number": "PO-1", "invoice_number": "INV-1", "supplier":
/// "Reseller Ltd", "sku": "EDT-1Y", "date": "2025-01-15", "quantity": "10", "unit_price":
/// "120.50", "currency": "EUR"}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntitlementPurchase {
    /// The entitlement this purchase data belongs to.
    pub ent: EntId,
    /// The purchase-order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// The invoice number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    /// The supplier (reseller or publisher) it was bought from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// The SKU or part number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// The order or invoice date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The quantity ordered, when it differs from what the entitlement grants (a bundle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    /// The price of one unit as invoiced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Decimal>,
    /// The currency of `unit_price` (and of the entitlement's unit cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// The entitlements bought together on this purchase, `ent` included, when one order or
    /// invoice line bought several of them (an Ent counting several rights whose invoice data
    /// does not tell them apart); empty when the purchase is `ent`'s alone. A ledger line
    /// matched to any of them that carries one of their document numbers is the proof of
    /// purchase of all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_by: Vec<EntId>,
}

impl EntitlementPurchase {
    /// Purchase data for an entitlement, with nothing recorded yet.
    pub fn new(ent: impl Into<EntId>) -> Self {
        Self {
            ent: ent.into(),
            order_number: None,
            invoice_number: None,
            supplier: None,
            sku: None,
            date: None,
            quantity: None,
            unit_price: None,
            currency: None,
            shared_by: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_purchase_shared_by_several_entitlements_names_them_all() {
        // Without `shared_by` the JSON form is unchanged; with it, it round-trips.
        let alone = EntitlementPurchase::new("E-1");
        assert_eq!(serde_json::to_value(&alone).unwrap(), json!({"ent": "E-1"}));
        let value = json!({"ent": "E-1#use-device", "invoice_number": "INV-1",
                           "shared_by": ["E-1#use-device", "E-1#access-namedUser"]});
        let shared: EntitlementPurchase = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(shared.shared_by.len(), 2);
        assert_eq!(shared.shared_by[1].as_str(), "E-1#access-namedUser");
        assert_eq!(serde_json::to_value(&shared).unwrap(), value);
    }

    #[test]
    fn json_form_is_the_documented_one() {
        let value = json!({
            "register": [
                {"asset_number": "FA-0042", "serial": "SN-88231", "description": "Contoso T14 laptop",
                 "supplier": "Contoso", "acquired": "2025-03-01", "cost": "1450.00",
                 "depreciation": "483.33", "currency": "EUR", "cost_centre": "CC-100",
                 "order_number": "PO-7001"}
            ],
            "purchases": [
                {"document": "invoice", "number": "INV-9001", "line": 1, "date": "2025-03-05",
                 "supplier": "Contoso", "order_number": "PO-7001", "sku": "T14-G5",
                 "description": "Contoso T14 laptop", "category": "hardware", "quantity": "1",
                 "unit_price": "1450.00", "currency": "EUR", "cost_centre": "CC-100"}
            ]
        });
        let ledger: Ledger = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(ledger.register[0].net_book_value().to_string(), "966.67");
        assert_eq!(ledger.purchases[0].category, Some(Category::Hardware));
        assert_eq!(serde_json::to_value(&ledger).unwrap(), value);
    }

    #[test]
    fn misspelt_fields_are_refused() {
        let err = serde_json::from_value::<Ledger>(json!({
            "register": [{"asset_number": "A", "cost": "1", "currency": "EUR", "cots_centre": "X"}]
        }))
        .unwrap_err();
        assert!(err.to_string().contains("cots_centre"), "{err}");
    }

    #[test]
    fn categories_and_currencies_are_open_and_case_blind() {
        assert_eq!(
            " Software ".parse::<Category>().unwrap(),
            Category::Software
        );
        assert_eq!(
            "licences".parse::<Category>().unwrap(),
            Category::Other("licences".into())
        );
        assert!(Currency::new("eur ").same_as(&Currency::new("EUR")));
        assert!(Currency::new("EUR").is_well_formed());
        assert!(!Currency::new("EURO").is_well_formed());
    }

    #[test]
    fn entitlement_purchase_json() {
        let p: EntitlementPurchase = serde_json::from_value(json!({
            "ent": "E-1", "order_number": "PO-1", "unit_price": "120.50", "currency": "EUR"
        }))
        .unwrap();
        assert_eq!(p.unit_price, Some(Decimal::new(12050, 2)));
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"ent": "E-1", "order_number": "PO-1", "unit_price": "120.50", "currency": "EUR"})
        );
    }
}
