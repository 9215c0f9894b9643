//! Reconciliation of IT asset data with financial records (ISO/IEC 19770-1: "in particular
//! with financial information systems recording assets and expenses").
//!
//! [`reconcile_finance`] takes the CMS (hardware, contract and licence configuration items),
//! the entitlements with their purchase data, and the [`Ledger`] (fixed-asset register and
//! purchase lines), and returns a [`FinanceReconciliation`]: every [`Match`] with the rule
//! that made it and a confidence, every [`Discrepancy`] as an [`itam_core::Finding`] with
//! the records involved, and a [`Summary`] for a manager. Pure: no I/O, no clock; the same
//! inputs in any order give the same result.
//!
//! Two matchings are made, each one-to-one (a record is matched at most once):
//!
//! - **hardware ↔ register**: physical hardware CIs against fixed-asset register lines;
//! - **entitlements ↔ software purchases**: each entitlement's purchase records (one per
//!   order or invoice it was bought in) against invoice lines, and separately against
//!   purchase-order lines, of category `software` or without a category. An entitlement is
//!   proven when any of its records is matched; each record's figures are compared with its
//!   own line, and the lines of several records must add up to the entitlement's quantity.
//!
//! The rules, in the order they run, are [`MatchRule`]s; `FINANCE.md` beside the crate's
//! README documents them (it is included below), the keys each side offers, and the discrepancy [`CATALOGUE`].
//!
//! ```
//! use itam_core::cms::Cms;
//! use itam_core::finance::Ledger;
//! use itam_reconcile::finance::{FinanceInput, FinancePolicy, reconcile_finance};
//!
//! let cms: Cms = serde_json::from_value(serde_json::json!({"items": [
//!     {"id": "HW-0042", "name": "Finance laptop", "stage": "operation",
//!      "responsibility": "organisation",
//!      "kind": {"class": "hardware", "form": "physical", "serial": "SN-88231"}},
//!     {"id": "HW-0043", "name": "Spare laptop", "stage": "operation",
//!      "responsibility": "organisation",
//!      "kind": {"class": "hardware", "form": "physical", "serial": "SN-88232"}}
//! ]})).unwrap();
//! let ledger = Ledger::from_csv(
//!     "record,number,serial,cost,currency\n\
//!      register,FA-1,sn 88231,1450.00,EUR\n\
//!      register,FA-2,SN-99999,990.00,EUR\n",
//! ).unwrap();
//! let input = FinanceInput { cms: &cms, entitlements: &[], purchases: &[], ledger: &ledger };
//! let result = reconcile_finance(&input, &FinancePolicy::default());
//!
//! assert_eq!(result.matches[0].rule.as_str(), "serial_normalised");
//! assert_eq!(result.matches[0].confidence.get(), 950);
//! let rules: Vec<_> = result.discrepancies.iter().map(|d| d.finding.rule.as_str()).collect();
//! assert_eq!(rules, ["FIN-GHOST-1", "FIN-UNRECORDED-1"]);
//! assert_eq!(result.summary.unmatched_ledger_value["EUR"].to_string(), "990.00");
//! ```
#![doc = include_str!("../FINANCE.md")]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use itam_core::Decimal;
use itam_core::asset::{AssetClass, AssetKind, ConfigurationItem, ContractForm, HardwareForm};
use itam_core::asset::{LicenceForm, Responsibility};
use itam_core::cms::Cms;
use itam_core::diag::{Finding, Location, Severity};
use itam_core::estate::Entitlement;
use itam_core::finance::csv::write_report_record;
use itam_core::finance::{
    Category, Currency, DocumentKind, EntitlementPurchase, Ledger, PurchaseLine, RegisterLine,
};
use itam_core::id::{AssetId, EntId};
use itam_core::lifecycle::LifecycleStage;
use rust_decimal::RoundingStrategy;
use serde::Serialize;

mod matcher;
mod normalise;

use matcher::{KeyKind, Prepared};

/// A confidence or a similarity in per-mille (0–1000): exact integers, no floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PerMille(u16);

impl PerMille {
    /// A value, capped at 1000.
    #[must_use]
    pub const fn new(value: u16) -> Self {
        Self(if value > 1000 { 1000 } else { value })
    }

    /// The value, 0–1000.
    #[must_use]
    pub const fn get(self) -> u16 {
        self.0
    }

    /// The confidence of a description match with this similarity: 8/10 of it, rounded
    /// down, so a description match (at most 800) never outranks a key match.
    #[must_use]
    pub const fn description(similarity: u16) -> Self {
        Self::new(similarity.saturating_mul(4) / 5)
    }
}

impl fmt::Display for PerMille {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A matching rule. The rules run in the order of [`MatchRule::ALL`]; each pairs only
/// records the rules before it left unmatched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchRule {
    /// `asset_tag`: the register line's asset number is the CI's id, exactly. Confidence 1000.
    AssetTag,
    /// `serial`: the same serial number, exactly. Confidence 1000.
    Serial,
    /// `document`: the same purchase-order or invoice number, exactly (an order number only
    /// matches an order number, an invoice number an invoice number). Confidence 900: a
    /// document may cover several items.
    Document,
    /// `asset_tag_normalised`: asset tags equal after normalisation (case, punctuation,
    /// leading zeros). Confidence 950.
    AssetTagNormalised,
    /// `serial_normalised`: serial numbers equal after normalisation. Confidence 950.
    SerialNormalised,
    /// `document_normalised`: document numbers equal after normalisation. Confidence 850.
    DocumentNormalised,
    /// `description`: same normalised supplier, dates within the window, description
    /// similarity at or above the threshold. Confidence 8/10 of the similarity (≤ 800).
    Description,
}

impl MatchRule {
    /// Every rule, in the order they run.
    pub const ALL: [Self; 7] = [
        Self::AssetTag,
        Self::Serial,
        Self::Document,
        Self::AssetTagNormalised,
        Self::SerialNormalised,
        Self::DocumentNormalised,
        Self::Description,
    ];

    /// The rule's name in text and JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AssetTag => "asset_tag",
            Self::Serial => "serial",
            Self::Document => "document",
            Self::AssetTagNormalised => "asset_tag_normalised",
            Self::SerialNormalised => "serial_normalised",
            Self::DocumentNormalised => "document_normalised",
            Self::Description => "description",
        }
    }

    /// The confidence of a match by this rule (for [`Description`](Self::Description), the
    /// largest it can be).
    #[must_use]
    pub const fn base_confidence(self) -> PerMille {
        PerMille::new(match self {
            Self::AssetTag | Self::Serial => 1000,
            Self::AssetTagNormalised | Self::SerialNormalised => 950,
            Self::Document => 900,
            Self::DocumentNormalised => 850,
            Self::Description => 800,
        })
    }
}

impl fmt::Display for MatchRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the finance reconciliation reads.
#[derive(Debug, Clone, Copy)]
pub struct FinanceInput<'a> {
    /// The CMS: physical hardware CIs are matched to register lines; contract CIs (purchase
    /// orders, invoices) related to a hardware or licence CI give it document numbers and a
    /// supplier; licence CIs with an `ent_id` pass their contracts on to that entitlement.
    pub cms: &'a Cms,
    /// The entitlements held.
    pub entitlements: &'a [Entitlement],
    /// The entitlements' order and invoice data.
    pub purchases: &'a [EntitlementPurchase],
    /// The financial records.
    pub ledger: &'a Ledger,
}

/// How to match and what counts as a difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinancePolicy {
    /// The description rule pairs records dated at most this many days apart. Default 31.
    pub date_window_days: u32,
    /// The description rule pairs records at least this similar. Default 600‰.
    pub similarity_threshold: PerMille,
    /// The description rule compares one record with at most this many records of the same
    /// supplier in the window (the earliest first). Default 256.
    pub max_candidates: usize,
    /// Unit prices differing by at most this much are equal. Default 0.01.
    pub cost_tolerance: Decimal,
    /// …or by at most this share of the ledger's price, whichever is larger. Default 10‰.
    pub cost_tolerance_ratio: PerMille,
}

impl Default for FinancePolicy {
    fn default() -> Self {
        Self {
            date_window_days: 31,
            similarity_threshold: PerMille::new(600),
            max_candidates: 256,
            cost_tolerance: Decimal::new(1, 2),
            cost_tolerance_ratio: PerMille::new(10),
        }
    }
}

/// A record taking part in the reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum RecordRef {
    /// A configuration item, by id: `item:HW-1`.
    Item(AssetId),
    /// An entitlement, by id: `entitlement:E-1`.
    Entitlement(EntId),
    /// A register line, by asset number: `register:FA-1`.
    Register(String),
    /// A purchase line: `order:PO-1/2`, `invoice:INV-1/1`.
    Purchase {
        /// Order or invoice.
        document: DocumentKind,
        /// The document number.
        number: String,
        /// The line number.
        line: u32,
    },
}

impl RecordRef {
    fn purchase(p: &PurchaseLine) -> Self {
        Self::Purchase {
            document: p.document,
            number: p.number.clone(),
            line: p.line,
        }
    }

    /// The path of the record in a finding's location: `/cms/items/HW-1`,
    /// `/entitlements/E-1`, `/ledger/register/FA-1`, `/ledger/purchases/invoice/INV-1/1`.
    #[must_use]
    pub fn path(&self) -> String {
        match self {
            Self::Item(id) => format!("/cms/items/{id}"),
            Self::Entitlement(id) => format!("/entitlements/{id}"),
            Self::Register(n) => format!("/ledger/register/{n}"),
            Self::Purchase {
                document,
                number,
                line,
            } => format!("/ledger/purchases/{document}/{number}/{line}"),
        }
    }
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Item(id) => write!(f, "item:{id}"),
            Self::Entitlement(id) => write!(f, "entitlement:{id}"),
            Self::Register(n) => write!(f, "register:{n}"),
            Self::Purchase {
                document,
                number,
                line,
            } => write!(f, "{document}:{number}/{line}"),
        }
    }
}

impl Serialize for RecordRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A pair of records found to be the same asset or purchase.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Match {
    /// The ITAM side: a configuration item or an entitlement (an entitlement bought in
    /// several invoices has a match per purchase record matched).
    pub itam: RecordRef,
    /// The ledger side: a register line or a purchase line.
    pub ledger: RecordRef,
    /// The rule that paired them.
    pub rule: MatchRule,
    /// How sure the pairing is.
    pub confidence: PerMille,
    /// The key both share, or the similarity that paired them.
    pub evidence: String,
}

/// A discrepancy rule: a stable id, its severity and a one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable id (`FIN-GHOST-1`).
    pub id: &'static str,
    /// How serious a finding of this rule is.
    pub severity: Severity,
    /// What the rule finds, in one line.
    pub summary: &'static str,
}

/// Hardware in the CMS with no register line.
pub const UNRECORDED: Rule = Rule {
    id: "FIN-UNRECORDED-1",
    severity: Severity::Warning,
    summary: "physical hardware the organisation owns and has released, deployed or in operation should be on the fixed-asset register",
};
/// A register line on the books with no CI.
pub const GHOST: Rule = Rule {
    id: "FIN-GHOST-1",
    severity: Severity::Warning,
    summary: "every fixed asset on the books should be a configuration item (otherwise a ghost asset)",
};
/// Disposed of in finance, not retired in the CMS.
pub const DISPOSED: Rule = Rule {
    id: "FIN-DISPOSED-1",
    severity: Severity::Error,
    summary: "an asset disposed of in the register shall be retired in the CMS",
};
/// Retired in the CMS, still on the books.
pub const RETIRED: Rule = Rule {
    id: "FIN-RETIRED-1",
    severity: Severity::Warning,
    summary: "a retired configuration item should be disposed of in the register",
};
/// Entitlement quantity differs from the invoiced quantity.
pub const QUANTITY: Rule = Rule {
    id: "FIN-QUANTITY-1",
    severity: Severity::Warning,
    summary: "an entitlement's quantity should equal the quantity invoiced (or ordered) for it",
};
/// A software invoice line with no entitlement.
pub const NO_ENTITLEMENT: Rule = Rule {
    id: "FIN-NOENT-1",
    severity: Severity::Warning,
    summary: "every software invoice line should be recorded as an entitlement",
};
/// An entitlement with no invoice line.
pub const NO_PROOF: Rule = Rule {
    id: "FIN-NOPROOF-1",
    severity: Severity::Warning,
    summary: "every entitlement should have a proof of purchase (an invoice line)",
};
/// Unit prices differing beyond the tolerance.
pub const COST: Rule = Rule {
    id: "FIN-COST-1",
    severity: Severity::Warning,
    summary: "an entitlement's unit cost should equal the unit price invoiced, within the tolerance",
};
/// Different currencies on the two sides.
pub const CURRENCY: Rule = Rule {
    id: "FIN-CURRENCY-1",
    severity: Severity::Error,
    summary: "an entitlement's currency (its purchase's, else its unit cost's) shall be the currency of the line it matches",
};

/// Every discrepancy rule, in id order.
pub const CATALOGUE: &[Rule] = &[
    COST,
    CURRENCY,
    DISPOSED,
    GHOST,
    NO_ENTITLEMENT,
    NO_PROOF,
    QUANTITY,
    RETIRED,
    UNRECORDED,
];

/// A discrepancy: a finding and the records it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Discrepancy {
    /// Rule id, severity, the location of the first record, and a message.
    pub finding: Finding,
    /// Every record involved, ITAM side first.
    pub records: Vec<RecordRef>,
}

fn discrepancy(rule: Rule, records: Vec<RecordRef>, message: String) -> Discrepancy {
    let path = records.first().map(RecordRef::path).unwrap_or_default();
    Discrepancy {
        finding: Finding::new(rule.id, rule.severity, Location::path(path), message),
        records,
    }
}

/// How many records of one side there are and how many were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Coverage {
    /// Records considered.
    pub total: u64,
    /// Records matched.
    pub matched: u64,
}

impl Coverage {
    /// Matched records as a percentage of all, rounded half away from zero to two places;
    /// `None` when there are none.
    #[must_use]
    pub fn percent(&self) -> Option<Decimal> {
        (self.total > 0).then(|| {
            let mut p = (Decimal::from(self.matched) * Decimal::ONE_HUNDRED
                / Decimal::from(self.total))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            p.rescale(2);
            p
        })
    }

    fn add(&mut self, matched: bool) {
        self.total += 1;
        if matched {
            self.matched += 1;
        }
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.percent() {
            Some(p) => write!(f, "{}/{} ({p}%)", self.matched, self.total),
            None => write!(f, "0/0 (n/a)"),
        }
    }
}

/// Figures for one cost centre or one supplier.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Breakdown {
    /// Records on the ITAM side (hardware CIs, entitlements).
    pub itam: Coverage,
    /// Records on the ledger side (register lines, software purchase lines).
    pub ledger: Coverage,
    /// Value of unmatched ITAM records, by currency (entitlements: quantity × unit cost).
    pub unmatched_itam_value: BTreeMap<String, Decimal>,
    /// Value of unmatched ledger records, by currency (register lines on the books: net book
    /// value; software invoice lines: amount).
    pub unmatched_ledger_value: BTreeMap<String, Decimal>,
    /// Entitlements without proof of purchase.
    pub without_proof: u64,
}

/// Summary figures for a manager. Amounts are exact decimals, kept per currency (nothing is
/// converted); records without a currency count under `unknown`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    /// Physical hardware CIs matched to a register line.
    pub hardware: Coverage,
    /// Register lines matched to a CI.
    pub register: Coverage,
    /// Entitlements with a proof of purchase: matched to an invoice line, or proven by one
    /// shared with another entitlement ([`SharedProof`]).
    pub entitlements: Coverage,
    /// Software invoice lines (category `software`) matched to an entitlement.
    pub software_invoices: Coverage,
    /// Value of unmatched ITAM records, by currency.
    pub unmatched_itam_value: BTreeMap<String, Decimal>,
    /// Value of unmatched ledger records, by currency.
    pub unmatched_ledger_value: BTreeMap<String, Decimal>,
    /// Entitlements without proof of purchase.
    pub without_proof: u64,
    /// The same figures by cost centre (CI organisation unit, entitlement `org`, ledger
    /// `cost_centre`; `(none)` when there is none).
    pub by_cost_centre: BTreeMap<String, Breakdown>,
    /// The same figures by supplier, by normalised name (lower case, punctuation and the
    /// legal forms at the end such as `Ltd` or `GmbH` dropped: `Contoso, Ltd.` counts as
    /// `contoso`, `Shop & Co` as `shop and co`; `(none)` when there is none).
    pub by_supplier: BTreeMap<String, Breakdown>,
}

/// An entitlement proven by the invoice line of another entitlement it was bought with: its
/// purchase data names that entitlement in [`shared_by`](EntitlementPurchase::shared_by)
/// (one invoice line paid for several rights of one Ent), and that entitlement is matched to
/// the line. Not a [`Match`]: the line stays matched once, to `via`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SharedProof {
    /// The entitlement proven, which no invoice line matched itself.
    pub entitlement: RecordRef,
    /// The invoice line that proves it.
    pub invoice: RecordRef,
    /// The entitlement the line is matched to.
    pub via: RecordRef,
}

/// The result: matches, discrepancies and summary, each sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinanceReconciliation {
    /// Every pair found, sorted by ITAM record, then ledger record.
    pub matches: Vec<Match>,
    /// Entitlements proven by an invoice line shared with another entitlement (see
    /// [`SharedProof`]), sorted by entitlement. They raise no `FIN-NOPROOF-1` and count as
    /// proven in the summary.
    pub proven_by_shared: Vec<SharedProof>,
    /// Every discrepancy, sorted by finding (rule, severity, location, message).
    pub discrepancies: Vec<Discrepancy>,
    /// Figures for a manager.
    pub summary: Summary,
}

const NONE: &str = "(none)";
const UNKNOWN: &str = "unknown";

/// The entitlement side, gathered per entitlement.
struct EntSide<'a> {
    ent: &'a Entitlement,
    purchase: Option<&'a EntitlementPurchase>,
    supplier: Option<String>,
    /// The other entitlements its purchase records name in `shared_by`, sorted, each once.
    sharers: Vec<&'a str>,
    /// Its units (indices into the units list): one per purchase record, or one without a
    /// record when it has none.
    units: std::ops::Range<usize>,
}

/// One purchase record of an entitlement (or the entitlement itself when it has none): what
/// is paired with a ledger line and compared with it.
struct Unit<'a> {
    /// Index of its entitlement in the entitlement sides.
    side: usize,
    record: Option<&'a EntitlementPurchase>,
}

impl Unit<'_> {
    /// The record's unit price, else the entitlement's unit cost.
    fn unit_price(&self, side: &EntSide<'_>) -> Option<Decimal> {
        self.record
            .and_then(|p| p.unit_price)
            .or(side.ent.unit_cost)
    }

    /// The record's currency, else the currency of the entitlement's unit cost.
    fn currency<'s>(&'s self, side: &'s EntSide<'_>) -> Option<&'s Currency> {
        self.record
            .and_then(|p| p.currency.as_ref())
            .or(side.ent.currency.as_ref())
    }

    /// The quantity compared with the record's own line: the record's quantity; without one,
    /// the entitlement's when this is its only unit, it is not unlimited and it does not share
    /// its purchase (a shared line counts the bundle, not each right).
    fn compared_quantity(&self, side: &EntSide<'_>) -> Option<Decimal> {
        match self.record.and_then(|p| p.quantity) {
            Some(q) => Some(q),
            None if side.units.len() == 1 && side.sharers.is_empty() && !side.ent.unlimited => {
                Some(side.ent.quantity)
            }
            None => None,
        }
    }

    /// The record's document number, for messages: its invoice number, else its order number
    /// (none for a record without either, matched by description).
    fn number(&self) -> Option<&str> {
        self.record
            .and_then(|p| p.invoice_number.as_deref().or(p.order_number.as_deref()))
            .map(str::trim_ascii)
            .filter(|n| !n.is_empty())
    }
}

impl EntSide<'_> {
    fn unit_price(&self) -> Option<Decimal> {
        self.purchase
            .and_then(|p| p.unit_price)
            .or(self.ent.unit_cost)
    }

    /// The purchase record's currency, else the currency of the entitlement's unit cost.
    fn currency(&self) -> Option<&Currency> {
        self.purchase
            .and_then(|p| p.currency.as_ref())
            .or(self.ent.currency.as_ref())
    }

    /// The quantity bought: the purchase's, else the entitlement's (none for an unlimited one).
    fn quantity(&self) -> Option<Decimal> {
        match self.purchase.and_then(|p| p.quantity) {
            Some(q) => Some(q),
            None if self.ent.unlimited => None,
            None => Some(self.ent.quantity),
        }
    }
}

/// Contract CIs related to an item (either direction): (form, reference, counterparty).
fn contracts<'a>(
    cms: &'a Cms,
    item: &'a ConfigurationItem,
) -> impl Iterator<Item = &'a itam_core::asset::ContractDetails> + 'a {
    let id = item.id.as_str();
    cms.outgoing(id)
        .map(|r| r.target.as_str())
        .chain(cms.incoming(id).map(|r| r.source.as_str()))
        .filter_map(|other| match &cms.item(other)?.kind {
            AssetKind::Contract(c) => Some(c),
            _ => None,
        })
}

fn document_key<'a>(p: &mut Prepared<'a>, form: ContractForm, reference: Option<&'a str>) {
    match form {
        ContractForm::PurchaseOrder => p.key(KeyKind::Order, reference),
        ContractForm::Invoice => p.key(KeyKind::Invoice, reference),
        _ => {}
    }
}

fn key_text(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str)
}

fn add_value(map: &mut BTreeMap<String, Decimal>, currency: Option<&Currency>, value: Decimal) {
    let key = currency.map_or_else(|| UNKNOWN.to_owned(), Currency::code);
    let slot = map.entry(key).or_default();
    *slot = slot.saturating_add(value);
}

/// Normalised supplier names, each raw name normalised once.
#[derive(Default)]
struct SupplierNames<'a>(BTreeMap<&'a str, Option<String>>);

impl<'a> SupplierNames<'a> {
    fn get(&mut self, raw: &'a str) -> Option<String> {
        self.0
            .entry(raw)
            .or_insert_with(|| normalise::supplier(raw))
            .clone()
    }
}

fn supplier_label(normalised: Option<&String>) -> &str {
    normalised.map_or(NONE, String::as_str)
}

fn label(s: Option<&str>) -> &str {
    s.map(str::trim_ascii)
        .filter(|s| !s.is_empty())
        .unwrap_or(NONE)
}

fn prepare_line<'a>(l: &'a PurchaseLine, names: &mut SupplierNames<'a>) -> Prepared<'a> {
    let mut p = Prepared::default();
    match l.document {
        DocumentKind::Order => p.key(KeyKind::Order, Some(l.number.as_str())),
        DocumentKind::Invoice => {
            p.key(KeyKind::Invoice, Some(l.number.as_str()));
            p.key(KeyKind::Order, key_text(l.order_number.as_ref()));
        }
    }
    p.supplier = l.supplier.as_deref().and_then(|s| names.get(s));
    p.date = l.date;
    p.sku = l.sku.as_deref().and_then(normalise::key);
    p.text = vec![l.description.as_str()];
    p.finish()
}

/// A record's document keys, normalised, sorted, each once.
fn normalised_keys(p: &Prepared<'_>) -> Vec<(KeyKind, String)> {
    let mut keys: Vec<(KeyKind, String)> = p
        .exact
        .iter()
        .filter(|(k, _)| matches!(k, KeyKind::Order | KeyKind::Invoice))
        .filter_map(|(k, v)| Some((*k, normalise::key(v)?)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// For each entitlement without an invoice line of its own, the invoice line (index into the
/// canonical invoice lines) and the entitlement (index into `sides`) that prove it through
/// `shared_by`: among the lines matched to the entitlements it names, the first in canonical
/// order that carries one of its own document numbers (compared normalised, as rule
/// `document_normalised` would), or any of them when it has no document number.
fn shared_proofs(
    sides: &[EntSide<'_>],
    prepared: &[Prepared<'_>],
    lines: &[Prepared<'_>],
    unit_invoice: &[Option<usize>],
) -> Vec<Option<(usize, usize)>> {
    let invoices_of = |k: usize| {
        sides
            .get(k)
            .map(|s| s.units.clone())
            .unwrap_or_default()
            .filter_map(|u| unit_invoice.get(u).copied().flatten())
    };
    let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, side) in sides.iter().enumerate() {
        by_id.entry(side.ent.id.as_str()).or_default().push(k);
    }
    sides
        .iter()
        .enumerate()
        .map(|(i, side)| {
            if side.sharers.is_empty() || invoices_of(i).next().is_some() {
                return None;
            }
            let mut own: Vec<(KeyKind, String)> = side
                .units
                .clone()
                .filter_map(|u| prepared.get(u))
                .flat_map(normalised_keys)
                .collect();
            own.sort_unstable();
            own.dedup();
            let carries_own = |j: usize| {
                own.is_empty()
                    || lines
                        .get(j)
                        .is_some_and(|l| normalised_keys(l).iter().any(|k| own.contains(k)))
            };
            side.sharers
                .iter()
                .filter_map(|s| by_id.get(s))
                .flatten()
                .flat_map(|&k| invoices_of(k).map(move |j| (j, k)))
                .filter(|&(j, _)| carries_own(j))
                .min()
        })
        .collect()
}

/// `FIN-QUANTITY-1` when an entitlement's records are matched to two or more lines of one
/// kind (`invoice` or `order`) whose quantities do not add up to the entitlement's.
fn parts_differ(
    ent_ref: &RecordRef,
    e: &Entitlement,
    kind: &str,
    parts: &[&PurchaseLine],
) -> Option<Discrepancy> {
    if parts.len() < 2 {
        return None;
    }
    let total = parts
        .iter()
        .fold(Decimal::ZERO, |t, l| t.saturating_add(l.quantity));
    if total == e.quantity {
        return None;
    }
    let names: Vec<String> = parts
        .iter()
        .map(|l| RecordRef::purchase(l).to_string())
        .collect();
    let figures: Vec<String> = parts.iter().map(|l| l.quantity.to_string()).collect();
    let mut records = vec![ent_ref.clone()];
    records.extend(parts.iter().map(|l| RecordRef::purchase(l)));
    Some(discrepancy(
        QUANTITY,
        records,
        format!(
            "entitlement `{}` is for {}, but its {kind} lines ({}) are for {} = {total}",
            e.id,
            e.quantity,
            names.join(", "),
            figures.join(" + ")
        ),
    ))
}

/// Reconciles the ITAM records with the financial ones (see the [module documentation](self)).
#[must_use]
pub fn reconcile_finance(
    input: &FinanceInput<'_>,
    policy: &FinancePolicy,
) -> FinanceReconciliation {
    let cms = input.cms;
    let mut names = SupplierNames::default();

    // ----- hardware ↔ register -----
    let hardware: Vec<&ConfigurationItem> = cms
        .items_of(AssetClass::Hardware)
        .filter(|i| {
            i.hardware()
                .is_some_and(|h| h.form == HardwareForm::Physical)
        })
        .collect();
    let hw_prepared: Vec<Prepared<'_>> = hardware
        .iter()
        .map(|item| {
            let mut p = Prepared::default();
            p.key(KeyKind::AssetTag, Some(item.id.as_str()));
            let model = item.hardware().and_then(|h| h.model.as_deref());
            p.key(
                KeyKind::Serial,
                item.hardware().and_then(|h| h.serial.as_deref()),
            );
            // The supplier is the first counterparty in name order.
            let mut supplier: Option<&str> = None;
            for c in contracts(cms, item) {
                document_key(&mut p, c.form, c.reference.as_deref());
                if let Some(name) = c.counterparty.as_deref() {
                    if supplier.is_none_or(|s| name < s) {
                        supplier = Some(name);
                    }
                }
            }
            p.supplier = supplier.and_then(|s| names.get(s));
            p.date = item.dates.acquired;
            p.text = vec![item.name.as_str(), model.unwrap_or("")];
            p.finish()
        })
        .collect();

    let mut register: Vec<&RegisterLine> = input.ledger.register.iter().collect();
    register.sort_unstable();
    let reg_prepared: Vec<Prepared<'_>> = register
        .iter()
        .map(|r| {
            let mut p = Prepared::default();
            p.key(KeyKind::AssetTag, Some(r.asset_number.as_str()));
            p.key(KeyKind::Serial, key_text(r.serial.as_ref()));
            p.key(KeyKind::Order, key_text(r.order_number.as_ref()));
            p.key(KeyKind::Invoice, key_text(r.invoice_number.as_ref()));
            p.supplier = r.supplier.as_deref().and_then(|s| names.get(s));
            p.date = r.acquired;
            p.text = vec![r.description.as_str()];
            p.finish()
        })
        .collect();
    let hw_pairs = matcher::run(&hw_prepared, &reg_prepared, &MatchRule::ALL, policy);

    // ----- entitlements ↔ software purchase lines -----
    let mut purchases_by_ent: BTreeMap<&str, Vec<&EntitlementPurchase>> = BTreeMap::new();
    for p in input.purchases {
        purchases_by_ent.entry(p.ent.as_str()).or_default().push(p);
    }
    for list in purchases_by_ent.values_mut() {
        list.sort_unstable();
    }
    let mut licence_contracts: BTreeMap<&str, Vec<&itam_core::asset::ContractDetails>> =
        BTreeMap::new();
    for item in cms.items_of(AssetClass::Licence) {
        if let AssetKind::Licence(l) = &item.kind {
            if let (LicenceForm::Entitlement, Some(ent)) = (l.form, l.ent_id.as_ref()) {
                licence_contracts
                    .entry(ent.as_str())
                    .or_default()
                    .extend(contracts(cms, item));
            }
        }
    }
    let mut ents: Vec<&Entitlement> = input.entitlements.iter().collect();
    // By id; entitlements sharing an id (a broken input) by their whole content.
    ents.sort_by(|a, b| {
        a.id.cmp(&b.id).then_with(|| {
            let json = |e: &Entitlement| serde_json::to_string(e).unwrap_or_default();
            json(a).cmp(&json(b))
        })
    });
    let mut units: Vec<Unit<'_>> = Vec::new();
    let ent_sides: Vec<EntSide<'_>> = ents
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let list = purchases_by_ent.get(e.id.as_str());
            let purchase = list.and_then(|l| l.first().copied());
            let mut counterparties: Vec<&str> = licence_contracts
                .get(e.id.as_str())
                .into_iter()
                .flatten()
                .filter_map(|c| c.counterparty.as_deref())
                .collect();
            counterparties.sort_unstable();
            let supplier = purchase
                .and_then(|p| p.supplier.clone())
                .or_else(|| counterparties.first().map(|s| (*s).to_owned()))
                .or_else(|| e.scope.publisher.clone());
            let mut sharers: Vec<&str> = list
                .into_iter()
                .flatten()
                .flat_map(|p| &p.shared_by)
                .map(EntId::as_str)
                .filter(|s| *s != e.id.as_str())
                .collect();
            sharers.sort_unstable();
            sharers.dedup();
            let start = units.len();
            match list {
                Some(list) if !list.is_empty() => units.extend(list.iter().map(|r| Unit {
                    side: i,
                    record: Some(*r),
                })),
                _ => units.push(Unit {
                    side: i,
                    record: None,
                }),
            }
            EntSide {
                ent: e,
                purchase,
                supplier,
                sharers,
                units: start..units.len(),
            }
        })
        .collect();
    // Each unit (purchase record) offers its own document numbers, its licence CI's contract
    // numbers, and its own supplier, date and SKU (else the entitlement's).
    let unit_prepared: Vec<Prepared<'_>> = units
        .iter()
        .filter_map(|unit| Some((unit, ent_sides.get(unit.side)?)))
        .map(|(unit, side)| {
            let mut p = Prepared::default();
            let e = side.ent;
            if let Some(pur) = unit.record {
                p.key(KeyKind::Order, key_text(pur.order_number.as_ref()));
                p.key(KeyKind::Invoice, key_text(pur.invoice_number.as_ref()));
            }
            for c in licence_contracts.get(e.id.as_str()).into_iter().flatten() {
                document_key(&mut p, c.form, c.reference.as_deref());
            }
            let supplier = unit
                .record
                .and_then(|r| r.supplier.as_deref())
                .or(side.supplier.as_deref());
            p.supplier = supplier.and_then(|s| names.get(s));
            p.date = unit.record.and_then(|p| p.date).or(e.start);
            p.sku = unit
                .record
                .and_then(|p| p.sku.as_deref())
                .and_then(normalise::key);
            p.text = [&e.scope.publisher, &e.scope.product, &e.scope.edition]
                .into_iter()
                .filter_map(|s| s.as_deref())
                .collect();
            p.finish()
        })
        .collect();

    let mut software_lines: Vec<&PurchaseLine> = input
        .ledger
        .purchases
        .iter()
        .filter(|p| matches!(p.category, None | Some(Category::Software)))
        .collect();
    software_lines.sort_unstable();
    let (invoices, orders): (Vec<&PurchaseLine>, Vec<&PurchaseLine>) = software_lines
        .iter()
        .partition(|l| l.document == DocumentKind::Invoice);
    let inv_prepared: Vec<Prepared<'_>> = invoices
        .iter()
        .map(|l| prepare_line(l, &mut names))
        .collect();
    let ord_prepared: Vec<Prepared<'_>> =
        orders.iter().map(|l| prepare_line(l, &mut names)).collect();
    let document_rules = [
        MatchRule::Document,
        MatchRule::DocumentNormalised,
        MatchRule::Description,
    ];
    let inv_pairs = matcher::run(&unit_prepared, &inv_prepared, &document_rules, policy);
    let ord_pairs = matcher::run(&unit_prepared, &ord_prepared, &document_rules, policy);

    // ----- matches -----
    // Listed in the canonical order of the ITAM side (CIs by id, then entitlements by id,
    // each entitlement's order line before its invoice line): already sorted.
    fn slots(pairs: &[matcher::Pair], len: usize) -> Vec<Option<&matcher::Pair>> {
        let mut out = vec![None; len];
        for p in pairs {
            if let Some(slot) = out.get_mut(p.left) {
                *slot = Some(p);
            }
        }
        out
    }
    fn taken(pairs: &[matcher::Pair], len: usize) -> Vec<Option<usize>> {
        let mut out = vec![None; len];
        for p in pairs {
            if let Some(slot) = out.get_mut(p.right) {
                *slot = Some(p.left);
            }
        }
        out
    }
    let hw_slots = slots(&hw_pairs, hardware.len());
    let inv_slots = slots(&inv_pairs, units.len());
    let ord_slots = slots(&ord_pairs, units.len());
    let reg_match = taken(&hw_pairs, register.len());
    let inv_matched: Vec<bool> = taken(&inv_pairs, invoices.len())
        .iter()
        .map(Option::is_some)
        .collect();
    let hw_match: Vec<Option<usize>> = hw_slots.iter().map(|p| p.map(|p| p.right)).collect();
    let unit_invoice: Vec<Option<usize>> = inv_slots.iter().map(|p| p.map(|p| p.right)).collect();
    let unit_order: Vec<Option<usize>> = ord_slots.iter().map(|p| p.map(|p| p.right)).collect();
    let ent_shared = shared_proofs(&ent_sides, &unit_prepared, &inv_prepared, &unit_invoice);
    let mut matches = Vec::with_capacity(hw_pairs.len() + inv_pairs.len() + ord_pairs.len());
    let to_match = |itam: RecordRef, ledger: RecordRef, p: &matcher::Pair| Match {
        itam,
        ledger,
        rule: p.rule,
        confidence: p.confidence,
        evidence: p.evidence.clone(),
    };
    for (item, p) in hardware.iter().zip(&hw_slots) {
        if let Some(p) = p {
            if let Some(line) = register.get(p.right) {
                let ledger = RecordRef::Register(line.asset_number.clone());
                matches.push(to_match(RecordRef::Item(item.id.clone()), ledger, p));
            }
        }
    }
    // A row per matched unit (purchase record): its order line, then its invoice line.
    for (u, unit) in units.iter().enumerate() {
        let Some(side) = ent_sides.get(unit.side) else {
            continue;
        };
        let lines = [
            (ord_slots.get(u).copied().flatten(), &orders),
            (inv_slots.get(u).copied().flatten(), &invoices),
        ];
        for (p, lines) in lines {
            if let Some((p, line)) = p.and_then(|p| Some((p, lines.get(p.right)?))) {
                let itam = RecordRef::Entitlement(side.ent.id.clone());
                matches.push(to_match(itam, RecordRef::purchase(line), p));
            }
        }
    }
    // Stable: an entitlement's rows by ledger record (its order lines before its invoices).
    matches.sort_by(|a, b| (&a.itam, &a.ledger).cmp(&(&b.itam, &b.ledger)));

    // ----- discrepancies and summary -----
    let mut out = Vec::new();
    let mut proven_by_shared = Vec::new();
    let mut summary = Summary::default();
    let mut by_cc: BTreeMap<String, Breakdown> = BTreeMap::new();
    let mut by_sup: BTreeMap<String, Breakdown> = BTreeMap::new();
    let mut both = |cc: &str, sup: &str, f: &dyn Fn(&mut Breakdown)| {
        for (map, key) in [(&mut by_cc, cc), (&mut by_sup, sup)] {
            if !map.contains_key(key) {
                map.insert(key.to_owned(), Breakdown::default());
            }
            if let Some(b) = map.get_mut(key) {
                f(b);
            }
        }
    };

    for (i, item) in hardware.iter().enumerate() {
        let matched = hw_match.get(i).copied().flatten();
        summary.hardware.add(matched.is_some());
        both(
            label(item.org_unit.as_deref()),
            supplier_label(hw_prepared.get(i).and_then(|p| p.supplier.as_ref())),
            &|b| {
                b.itam.add(matched.is_some());
            },
        );
        let item_ref = RecordRef::Item(item.id.clone());
        match matched.and_then(|j| register.get(j)) {
            None => {
                let expected = item.responsibility == Responsibility::Organisation
                    && matches!(
                        item.stage,
                        LifecycleStage::Release
                            | LifecycleStage::Deployment
                            | LifecycleStage::Operation
                    );
                if expected {
                    out.push(discrepancy(
                        UNRECORDED,
                        vec![item_ref],
                        format!(
                            "hardware `{}` ({}, {}) is not on the fixed-asset register",
                            item.id, item.name, item.stage
                        ),
                    ));
                }
            }
            Some(line) => {
                let line_ref = RecordRef::Register(line.asset_number.clone());
                if let Some(disposed) = line.disposed {
                    if !item.stage.is_retired() {
                        out.push(discrepancy(
                            DISPOSED,
                            vec![item_ref, line_ref],
                            format!(
                                "register line `{}` was disposed of on {disposed}, but `{}` is in {} in the CMS",
                                line.asset_number, item.id, item.stage
                            ),
                        ));
                    }
                } else if item.stage.is_retired() {
                    out.push(discrepancy(
                        RETIRED,
                        vec![item_ref, line_ref],
                        format!(
                            "`{}` is retired in the CMS, but register line `{}` is still on the books at {} {}",
                            item.id,
                            line.asset_number,
                            line.net_book_value(),
                            line.currency
                        ),
                    ));
                }
            }
        }
    }
    for (j, line) in register.iter().enumerate() {
        let matched = reg_match.get(j).copied().flatten().is_some();
        summary.register.add(matched);
        let ghost = !matched && line.on_books();
        let nbv = line.net_book_value();
        both(
            label(line.cost_centre.as_deref()),
            supplier_label(reg_prepared.get(j).and_then(|p| p.supplier.as_ref())),
            &|b| {
                b.ledger.add(matched);
                if ghost {
                    add_value(&mut b.unmatched_ledger_value, Some(&line.currency), nbv);
                }
            },
        );
        if ghost {
            add_value(
                &mut summary.unmatched_ledger_value,
                Some(&line.currency),
                nbv,
            );
            out.push(discrepancy(
                GHOST,
                vec![RecordRef::Register(line.asset_number.clone())],
                format!(
                    "register line `{}` ({}) is on the books at {nbv} {} but matches no configuration item",
                    line.asset_number, line.description, line.currency
                ),
            ));
        }
    }

    for (i, side) in ent_sides.iter().enumerate() {
        let e = side.ent;
        // Each unit's own invoice line and order line.
        let own: Vec<(&Unit<'_>, Option<&PurchaseLine>, Option<&PurchaseLine>)> = side
            .units
            .clone()
            .filter_map(|u| {
                let inv = unit_invoice.get(u).copied().flatten();
                let ord = unit_order.get(u).copied().flatten();
                Some((
                    units.get(u)?,
                    inv.and_then(|j| invoices.get(j).copied()),
                    ord.and_then(|j| orders.get(j).copied()),
                ))
            })
            .collect();
        let invoice = own.iter().find_map(|(_, inv, _)| *inv);
        let order = own.iter().find_map(|(_, _, ord)| *ord);
        let shared = ent_shared
            .get(i)
            .copied()
            .flatten()
            .and_then(|(j, k)| Some((invoices.get(j)?, ent_sides.get(k)?.ent)));
        if let Some((line, via)) = shared {
            proven_by_shared.push(SharedProof {
                entitlement: RecordRef::Entitlement(e.id.clone()),
                invoice: RecordRef::purchase(line),
                via: RecordRef::Entitlement(via.id.clone()),
            });
        }
        let has_proof = invoice.is_some() || shared.is_some();
        summary.entitlements.add(has_proof);
        let unmatched_value = (!has_proof && order.is_none())
            .then(|| {
                let unit = side.unit_price()?;
                Some(side.quantity()?.saturating_mul(unit))
            })
            .flatten();
        if let Some(v) = unmatched_value {
            add_value(&mut summary.unmatched_itam_value, side.currency(), v);
        }
        if !has_proof {
            summary.without_proof += 1;
        }
        both(
            label(e.org.as_deref()),
            supplier_label(
                unit_prepared
                    .get(side.units.start)
                    .and_then(|p| p.supplier.as_ref()),
            ),
            &|b| {
                b.itam.add(has_proof);
                if !has_proof {
                    b.without_proof += 1;
                }
                if let Some(v) = unmatched_value {
                    add_value(&mut b.unmatched_itam_value, side.currency(), v);
                }
            },
        );
        let ent_ref = RecordRef::Entitlement(e.id.clone());
        if !has_proof {
            let mut records = vec![ent_ref.clone()];
            let why = match order {
                Some(o) => {
                    records.push(RecordRef::purchase(o));
                    format!(
                        "entitlement `{}` has no invoice line, only purchase-order line {}",
                        e.id,
                        RecordRef::purchase(o)
                    )
                }
                None => format!(
                    "entitlement `{}` has no proof of purchase: no invoice line matches it",
                    e.id
                ),
            };
            // Bought together with others: say why their lines prove nothing for it.
            let why = if side.sharers.is_empty() {
                why
            } else {
                format!(
                    "{why}; no invoice line carrying its document numbers is matched to an entitlement it was bought with ({})",
                    side.sharers.join(", ")
                )
            };
            out.push(discrepancy(NO_PROOF, records, why));
        }
        // Quantity, currency and cost of each unit against its own invoice line, else its
        // own order line (never against a line shared with another entitlement: that line's
        // figures are the bundle's, compared on the entitlement it is matched to).
        let several = side.units.len() > 1;
        // With several invoice lines, their quantities are also checked together against the
        // entitlement's (below), and a record's own quantity meets its order line when it has
        // one (an ordered quantity billed in parts), else its own invoice line.
        let invoiced_lines = own.iter().filter(|(_, i, _)| i.is_some()).count();
        for &(unit, invoice, order) in &own {
            let Some(line) = invoice.or(order) else {
                continue;
            };
            let records = vec![ent_ref.clone(), RecordRef::purchase(line)];
            let what = match unit.number() {
                Some(number) if several => {
                    format!("the purchase of entitlement `{}` on {number}", e.id)
                }
                _ if several => format!("a purchase of entitlement `{}`", e.id),
                _ => format!("entitlement `{}`", e.id),
            };
            let quantity_line = if invoiced_lines > 1 {
                order.or(invoice)
            } else {
                Some(line)
            };
            if let (Some(q), Some(ql)) = (unit.compared_quantity(side), quantity_line) {
                if q != ql.quantity {
                    out.push(discrepancy(
                        QUANTITY,
                        vec![ent_ref.clone(), RecordRef::purchase(ql)],
                        format!(
                            "{what} is for {q}, but {} is for {}",
                            RecordRef::purchase(ql),
                            ql.quantity
                        ),
                    ));
                }
            }
            let currency = unit.currency(side);
            let currency_differs = currency.is_some_and(|c| !c.same_as(&line.currency));
            if currency_differs {
                out.push(discrepancy(
                    CURRENCY,
                    records.clone(),
                    format!(
                        "{what} was bought in {}, but {} is in {}",
                        currency.map_or("", Currency::as_str),
                        RecordRef::purchase(line),
                        line.currency
                    ),
                ));
            } else if let Some(unit) = unit.unit_price(side) {
                let diff = (unit - line.unit_price).abs();
                let ratio =
                    Decimal::from(policy.cost_tolerance_ratio.get()) / Decimal::ONE_THOUSAND;
                let tolerance = policy
                    .cost_tolerance
                    .max(line.unit_price.abs().saturating_mul(ratio));
                if diff > tolerance {
                    out.push(discrepancy(
                        COST,
                        records,
                        format!(
                            "{what} costs {unit} a unit, but {} says {} {} (difference {diff}, tolerance {})",
                            RecordRef::purchase(line),
                            line.unit_price,
                            line.currency,
                            tolerance.normalize()
                        ),
                    ));
                }
            }
        }
        // Bought in several lines: the invoice lines of its records together should be for
        // the entitlement's quantity, and so should their order lines (each kind on its own:
        // an order and the invoice that bills it are one purchase, not two).
        if side.sharers.is_empty() && !e.unlimited {
            let invoiced: Vec<&PurchaseLine> = own.iter().filter_map(|(_, i, _)| *i).collect();
            let ordered: Vec<&PurchaseLine> = own.iter().filter_map(|(_, _, o)| *o).collect();
            for (kind, parts) in [("invoice", invoiced), ("order", ordered)] {
                if let Some(d) = parts_differ(&ent_ref, e, kind, &parts) {
                    out.push(d);
                }
            }
        }
    }
    for (j, line) in invoices.iter().enumerate() {
        let matched = inv_matched.get(j).copied().unwrap_or(false);
        if line.category != Some(Category::Software) {
            continue;
        }
        summary.software_invoices.add(matched);
        let amount = line.amount();
        both(
            label(line.cost_centre.as_deref()),
            supplier_label(inv_prepared.get(j).and_then(|p| p.supplier.as_ref())),
            &|b| {
                b.ledger.add(matched);
                if !matched {
                    add_value(&mut b.unmatched_ledger_value, Some(&line.currency), amount);
                }
            },
        );
        if !matched {
            add_value(
                &mut summary.unmatched_ledger_value,
                Some(&line.currency),
                amount,
            );
            out.push(discrepancy(
                NO_ENTITLEMENT,
                vec![RecordRef::purchase(line)],
                format!(
                    "software invoice line {} ({}, {} × {} {}) matches no entitlement",
                    RecordRef::purchase(line),
                    line.description,
                    line.quantity,
                    line.unit_price,
                    line.currency
                ),
            ));
        }
    }
    out.sort();
    summary.by_cost_centre = by_cc;
    summary.by_supplier = by_sup;

    FinanceReconciliation {
        matches,
        proven_by_shared,
        discrepancies: out,
        summary,
    }
}

fn values(map: &BTreeMap<String, Decimal>) -> String {
    if map.is_empty() {
        return "0".to_owned();
    }
    map.iter()
        .map(|(c, v)| format!("{v} {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl FinanceReconciliation {
    /// The canonical text rendering: matches, shared proofs, discrepancies, then the summary,
    /// one fact per line, in a fixed order (what golden tests compare). Control characters
    /// in names and messages are shown escaped (`\n`, `\u{1b}`), so none adds a line.
    #[must_use]
    pub fn to_text(&self) -> String {
        use fmt::Write as _;
        let mut s = String::new();
        let mut out = crate::position::Lines::new(&mut s);
        let _ = write!(out, "matches {}", self.matches.len());
        out.end();
        for m in &self.matches {
            let _ = write!(
                out,
                "  {} = {} rule={} confidence={} evidence={}",
                m.itam, m.ledger, m.rule, m.confidence, m.evidence
            );
            out.end();
        }
        let _ = write!(out, "shared proofs {}", self.proven_by_shared.len());
        out.end();
        for p in &self.proven_by_shared {
            let _ = write!(out, "  {} = {} via {}", p.entitlement, p.invoice, p.via);
            out.end();
        }
        let _ = write!(out, "discrepancies {}", self.discrepancies.len());
        out.end();
        for d in &self.discrepancies {
            let records: Vec<String> = d.records.iter().map(ToString::to_string).collect();
            let _ = write!(
                out,
                "  {} {} [{}] {}",
                d.finding.rule,
                d.finding.severity,
                records.join(" "),
                d.finding.message
            );
            out.end();
        }
        let m = &self.summary;
        let _ = write!(out, "summary");
        out.end();
        let _ = write!(out, "  hardware matched {}", m.hardware);
        out.end();
        let _ = write!(out, "  register matched {}", m.register);
        out.end();
        let _ = write!(out, "  entitlements with proof {}", m.entitlements);
        out.end();
        let _ = write!(out, "  software invoices matched {}", m.software_invoices);
        out.end();
        let _ = write!(
            out,
            "  unmatched itam value {}",
            values(&m.unmatched_itam_value)
        );
        out.end();
        let _ = write!(
            out,
            "  unmatched ledger value {}",
            values(&m.unmatched_ledger_value)
        );
        out.end();
        let _ = write!(out, "  without proof {}", m.without_proof);
        out.end();
        for (title, map) in [
            ("cost centre", &m.by_cost_centre),
            ("supplier", &m.by_supplier),
        ] {
            for (name, b) in map {
                let _ = write!(
                    out,
                    "  {title} {name}: itam {} ledger {} unmatched itam {} unmatched ledger {} without proof {}",
                    b.itam,
                    b.ledger,
                    values(&b.unmatched_itam_value),
                    values(&b.unmatched_ledger_value),
                    b.without_proof
                );
                out.end();
            }
        }
        s
    }

    /// The matches as CSV (RFC 4180, CRLF; formula cells neutralised by
    /// [`write_report_record`]): `itam,ledger,rule,confidence,evidence`, in the
    /// order of [`matches`](Self::matches).
    #[must_use]
    pub fn matches_csv(&self) -> String {
        let mut out = String::new();
        write_report_record(
            &mut out,
            &["itam", "ledger", "rule", "confidence", "evidence"],
        );
        for m in &self.matches {
            write_report_record(
                &mut out,
                &[
                    m.itam.to_string(),
                    m.ledger.to_string(),
                    m.rule.as_str().to_owned(),
                    m.confidence.to_string(),
                    m.evidence.clone(),
                ],
            );
        }
        out
    }

    /// The entitlements proven by a shared invoice line as CSV (RFC 4180, CRLF; formula cells
    /// neutralised by [`write_report_record`]):
    /// `entitlement,invoice,via`, in the order of [`proven_by_shared`](Self::proven_by_shared).
    #[must_use]
    pub fn shared_proofs_csv(&self) -> String {
        let mut out = String::new();
        write_report_record(&mut out, &["entitlement", "invoice", "via"]);
        for p in &self.proven_by_shared {
            write_report_record(
                &mut out,
                &[
                    p.entitlement.to_string(),
                    p.invoice.to_string(),
                    p.via.to_string(),
                ],
            );
        }
        out
    }

    /// The discrepancies as CSV (RFC 4180, CRLF; formula cells neutralised by
    /// [`write_report_record`]): `rule,severity,path,records,message`, the
    /// records separated by spaces, in the order of [`discrepancies`](Self::discrepancies).
    #[must_use]
    pub fn discrepancies_csv(&self) -> String {
        let mut out = String::new();
        write_report_record(
            &mut out,
            &["rule", "severity", "path", "records", "message"],
        );
        for d in &self.discrepancies {
            let records: Vec<String> = d.records.iter().map(ToString::to_string).collect();
            write_report_record(
                &mut out,
                &[
                    d.finding.rule.clone(),
                    d.finding.severity.as_str().to_owned(),
                    d.finding.location.path.clone(),
                    records.join(" "),
                    d.finding.message.clone(),
                ],
            );
        }
        out
    }

    /// The discrepancies' rule ids, each once, sorted.
    #[must_use]
    pub fn rules(&self) -> BTreeSet<&str> {
        self.discrepancies
            .iter()
            .map(|d| d.finding.rule.as_str())
            .collect()
    }
}
