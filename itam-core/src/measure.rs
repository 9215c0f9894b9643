//! ITAM indicators (ISO/IEC 19770-1:2017 9.1, monitoring and measurement): a named catalogue,
//! each indicator with an id, a name, a definition (in [`CATALOGUE`]), a formula and a unit,
//! computed from the CMS, the trustworthy-data findings ([`crate::trust`]), the discovered
//! estate, and summary figures of the licence position and of the finance reconciliation.
//!
//! `itam-core` does not know the engine, so the position and finance enter as plain figures
//! ([`PositionFigures`], [`FinanceFigures`]); `itam-reconcile` builds them
//! (`Position::figures`, `finance::Summary::figures`). Every source is optional: an indicator
//! whose source is missing, or whose share has nothing to count, is reported without a value
//! and with the reason, never as 0.
//!
//! # The catalogue
//!
//! | id | indicator | formula | unit | from |
//! |---|---|---|---|---|
//! | `IND-LICENSED` | share of consumers licensed | consumers fully covered or exempt ÷ consumers counted | share | position |
//! | `IND-AUTHORISED` | share of recorded installations authorised | (`installed_on` relationships − `TRUST-RELEASE-1` findings) ÷ `installed_on` relationships | share | CMS, trust |
//! | `IND-OWNED` | share of CIs with an owner | CIs with an owner ÷ CIs | share | CMS |
//! | `IND-PROOF` | share of entitlements with proof of purchase | entitlements matched to an invoice line (or proven by a shared one) ÷ entitlements | share | finance |
//! | `IND-DISCOVERY` | discovery coverage | hardware CIs in operation that discovery reported ÷ hardware CIs in operation | share | CMS, discovery |
//! | `IND-AGREEMENT` | discovered installations that agree with the CMS | (discovered installations − `TRUST-FOUND-1`, `TRUST-MOVED-1`, `TRUST-DRIFT-1` findings) ÷ discovered installations | share | discovery, trust |
//! | `IND-SHORTFALL-COST` | shortfall cost | Σ product lines' shortfall units × their lowest unit cost, per currency | money | position |
//! | `IND-UNUSED-VALUE` | unused-entitlement value | Σ active entitlements' surplus units × unit cost, per currency | money | position |
//! | `IND-NC-OPEN` | open nonconformities | nonconformity records not closed | count | CMS |
//! | `IND-NC-OLDEST` | age of the oldest open nonconformity | as-of − opening time of the oldest open record, in whole days | days | CMS |
//!
//! Amounts in different currencies are never added: a money value is kept per currency code
//! (`unknown` for amounts that state none).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use itam_core::cms::Cms;
//! use itam_core::measure::{self, Sources, Value};
//!
//! let cms = Cms::new();
//! let sources = Sources::new(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()).cms(&cms);
//! let m = measure::measure(&sources);
//! assert_eq!(m.get("IND-NC-OPEN").unwrap().value, Some(Value::Count { count: 0 }));
//! // An empty CMS has no CI to count: the share has no value, and says why.
//! assert_eq!(m.get("IND-OWNED").unwrap().absent.as_deref(), Some("no configuration items"));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::asset::AssetClass;
use crate::cms::Cms;
use crate::diag::Report;
use crate::estate::Estate;
use crate::lifecycle::LifecycleStage;
use crate::relationship::RelationshipKind;

/// What an indicator's value is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share: a numerator over a denominator (shown as a percentage).
    Share,
    /// An amount of money, per currency.
    Money,
    /// A number of things.
    Count,
    /// Whole days.
    Days,
}

/// Where an indicator's inputs come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The configuration management system.
    Cms,
    /// The trustworthy-data comparison ([`crate::trust::compare`]).
    Trust,
    /// The discovered estate.
    Discovery,
    /// The licence position.
    Position,
    /// The finance reconciliation.
    Finance,
}

impl Source {
    /// The name used in texts and JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cms => "cms",
            Self::Trust => "trust",
            Self::Discovery => "discovery",
            Self::Position => "position",
            Self::Finance => "finance",
        }
    }
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// The stable id (`IND-LICENSED`).
    pub id: &'static str,
    /// What it measures, in a few words.
    pub name: &'static str,
    /// What it measures, in a sentence.
    pub definition: &'static str,
    /// How it is computed.
    pub formula: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// The sources it needs, all of them.
    pub needs: &'static [Source],
}

/// The catalogue, in the order of the table in the module docs.
pub const CATALOGUE: &[Indicator] = &[
    Indicator {
        id: "IND-LICENSED",
        name: "share of consumers licensed",
        definition: "Of the consumers the licence position counts (devices, users, cores… per product), those whose demand is fully covered by an entitlement or exempt.",
        formula: "consumers fully covered or exempt / consumers counted",
        unit: Unit::Share,
        needs: &[Source::Position],
    },
    Indicator {
        id: "IND-AUTHORISED",
        name: "share of recorded installations authorised",
        definition: "Of the installations the CMS records, those that came from a release of the definitive media library; the rest is unauthorised software (7.6.3).",
        formula: "(installed_on relationships - TRUST-RELEASE-1 findings) / installed_on relationships",
        unit: Unit::Share,
        needs: &[Source::Cms, Source::Trust],
    },
    Indicator {
        id: "IND-OWNED",
        name: "share of CIs with an owner",
        definition: "Of the configuration items the CMS records, those with an owner (traceability of ownership, 7.6.2).",
        formula: "CIs with an owner / CIs",
        unit: Unit::Share,
        needs: &[Source::Cms],
    },
    Indicator {
        id: "IND-PROOF",
        name: "share of entitlements with proof of purchase",
        definition: "Of the entitlements the finance reconciliation considered, those whose purchase is proven by a ledger line.",
        formula: "entitlements matched to an invoice line or proven by a shared one / entitlements",
        unit: Unit::Share,
        needs: &[Source::Finance],
    },
    Indicator {
        id: "IND-DISCOVERY",
        name: "discovery coverage",
        definition: "Of the hardware items the CMS records in operation, those that discovery reported: how much of the estate discovery sees.",
        formula: "hardware CIs in operation reported by discovery / hardware CIs in operation",
        unit: Unit::Share,
        needs: &[Source::Cms, Source::Discovery],
    },
    Indicator {
        id: "IND-AGREEMENT",
        name: "discovered installations that agree with the CMS",
        definition: "Of the installations discovery found, those the CMS records on the same device at the same version (trustworthy data, tier 1).",
        formula: "(discovered installations - TRUST-FOUND-1, TRUST-MOVED-1, TRUST-DRIFT-1 findings) / discovered installations",
        unit: Unit::Share,
        needs: &[Source::Discovery, Source::Trust],
    },
    Indicator {
        id: "IND-SHORTFALL-COST",
        name: "shortfall cost",
        definition: "What covering the shortfall would cost at the lowest unit cost of each product line's entitlements.",
        formula: "sum of product lines' shortfall units x their lowest unit cost, per currency",
        unit: Unit::Money,
        needs: &[Source::Position],
    },
    Indicator {
        id: "IND-UNUSED-VALUE",
        name: "unused-entitlement value",
        definition: "The value of the units bought and not consumed: what could be harvested or dropped at renewal.",
        formula: "sum of active entitlements' surplus units x unit cost, per currency",
        unit: Unit::Money,
        needs: &[Source::Position],
    },
    Indicator {
        id: "IND-NC-OPEN",
        name: "open nonconformities",
        definition: "Nonconformity records not yet closed (10.1).",
        formula: "nonconformity records not closed",
        unit: Unit::Count,
        needs: &[Source::Cms],
    },
    Indicator {
        id: "IND-NC-OLDEST",
        name: "age of the oldest open nonconformity",
        definition: "How long the oldest open nonconformity has been waiting for corrective action and its review (10.1).",
        formula: "as-of - opening time of the oldest open record, in whole days",
        unit: Unit::Days,
        needs: &[Source::Cms],
    },
];

/// The licence position's figures the indicators use (built by `itam-reconcile`'s
/// `Position::figures`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PositionFigures {
    /// Consumers counted (of every product).
    pub consumers: u64,
    /// Consumers fully covered or exempt.
    pub licensed: u64,
    /// Shortfall cost per currency code (`unknown` when none is stated); the amounts of
    /// different currencies are alternatives, not parts of one sum.
    pub shortfall_cost: BTreeMap<String, Decimal>,
    /// Surplus units × unit cost of the active, priced entitlements, per currency code.
    pub unused_value: BTreeMap<String, Decimal>,
}

/// The finance reconciliation's figures the indicators use (built by `itam-reconcile`'s
/// `finance::Summary::figures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FinanceFigures {
    /// Entitlements reconciled.
    pub entitlements: u64,
    /// Of them, those with a proof of purchase.
    pub with_proof: u64,
}

/// The inputs of a measurement; any of them may be missing.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The day the measurement is for (ages are counted to it).
    pub as_of: DateTime<Utc>,
    /// The CMS.
    pub cms: Option<&'a Cms>,
    /// The trustworthy-data findings of that CMS against the discovered estate.
    pub trust: Option<&'a Report>,
    /// The discovered estate (devices and installations that discovery reported).
    pub discovered: Option<&'a Estate>,
    /// The licence position's figures.
    pub position: Option<&'a PositionFigures>,
    /// The finance reconciliation's figures.
    pub finance: Option<&'a FinanceFigures>,
}

impl<'a> Sources<'a> {
    /// No source yet, measured as of `as_of`.
    #[must_use]
    pub const fn new(as_of: DateTime<Utc>) -> Self {
        Self {
            as_of,
            cms: None,
            trust: None,
            discovered: None,
            position: None,
            finance: None,
        }
    }

    /// With the CMS.
    #[must_use]
    pub const fn cms(mut self, cms: &'a Cms) -> Self {
        self.cms = Some(cms);
        self
    }

    /// With the trustworthy-data findings.
    #[must_use]
    pub const fn trust(mut self, report: &'a Report) -> Self {
        self.trust = Some(report);
        self
    }

    /// With the discovered estate.
    #[must_use]
    pub const fn discovered(mut self, estate: &'a Estate) -> Self {
        self.discovered = Some(estate);
        self
    }

    /// With the position's figures.
    #[must_use]
    pub const fn position(mut self, figures: &'a PositionFigures) -> Self {
        self.position = Some(figures);
        self
    }

    /// With the finance figures.
    #[must_use]
    pub const fn finance(mut self, figures: &'a FinanceFigures) -> Self {
        self.finance = Some(figures);
        self
    }

    fn has(&self, source: Source) -> bool {
        match source {
            Source::Cms => self.cms.is_some(),
            Source::Trust => self.trust.is_some(),
            Source::Discovery => self.discovered.is_some(),
            Source::Position => self.position.is_some(),
            Source::Finance => self.finance.is_some(),
        }
    }
}

/// An indicator's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", rename_all = "snake_case")]
pub enum Value {
    /// `numerator` of `denominator` (never 0).
    Share {
        /// What meets the indicator.
        numerator: u64,
        /// What is counted.
        denominator: u64,
    },
    /// An amount per currency code.
    Money {
        /// The amounts.
        amounts: BTreeMap<String, Decimal>,
    },
    /// A number of things.
    Count {
        /// How many.
        count: u64,
    },
    /// Whole days.
    Days {
        /// How many.
        days: i64,
    },
}

impl Value {
    /// A share as a fraction between 0 and 1 (`None` for the other units).
    #[must_use]
    pub fn ratio(&self) -> Option<f64> {
        match *self {
            #[allow(clippy::cast_precision_loss)] // a display figure
            Self::Share {
                numerator,
                denominator,
            } => Some(numerator as f64 / denominator as f64),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// `87.5% (7/8)`, `1200 EUR`, `3`, `12 days`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Share {
                numerator,
                denominator,
            } => {
                let percent = self.ratio().unwrap_or_default() * 100.0;
                write!(f, "{percent:.1}% ({numerator}/{denominator})")
            }
            Self::Money { amounts } if amounts.is_empty() => f.write_str("0"),
            Self::Money { amounts } => {
                let parts: Vec<String> = amounts
                    .iter()
                    .map(|(currency, amount)| format!("{amount} {currency}"))
                    .collect();
                f.write_str(&parts.join(", "))
            }
            Self::Count { count } => write!(f, "{count}"),
            Self::Days { days } => write!(f, "{days} days"),
        }
    }
}

/// One indicator measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measurement {
    /// The indicator.
    #[serde(flatten)]
    pub indicator: Indicator,
    /// Its value, when it has one.
    pub value: Option<Value>,
    /// Why it has none (a source missing, nothing to count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absent: Option<String>,
}

/// Every indicator of the catalogue, measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measurements {
    /// When.
    pub as_of: DateTime<Utc>,
    /// In catalogue order.
    pub indicators: Vec<Measurement>,
}

impl Measurements {
    /// The measurement of the indicator with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Measurement> {
        self.indicators.iter().find(|m| m.indicator.id == id)
    }

    /// One line per indicator: `IND-OWNED  share of CIs with an owner  87.5% (7/8)`, or the
    /// reason in brackets when there is no value.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for m in &self.indicators {
            let value = match (&m.value, &m.absent) {
                (Some(v), _) => v.to_string(),
                (None, why) => format!("({})", why.as_deref().unwrap_or("no value")),
            };
            out.push_str(&format!(
                "{:<19} {:<50} {value}\n",
                m.indicator.id, m.indicator.name
            ));
        }
        out
    }
}

/// Measures every indicator of the [`CATALOGUE`] from `sources`.
#[must_use]
pub fn measure(sources: &Sources<'_>) -> Measurements {
    let indicators = CATALOGUE
        .iter()
        .map(|indicator| {
            let missing: Vec<&str> = indicator
                .needs
                .iter()
                .filter(|s| !sources.has(**s))
                .map(|s| s.as_str())
                .collect();
            let result = if missing.is_empty() {
                compute(indicator.id, sources)
            } else {
                Err(format!("needs {}", missing.join(" and ")))
            };
            let (value, absent) = match result {
                Ok(v) => (Some(v), None),
                Err(why) => (None, Some(why)),
            };
            Measurement {
                indicator: *indicator,
                value,
                absent,
            }
        })
        .collect();
    Measurements {
        as_of: sources.as_of,
        indicators,
    }
}

/// A share, or why there is none.
fn share(numerator: u64, denominator: u64, nothing: &str) -> Result<Value, String> {
    if denominator == 0 {
        Err(nothing.to_owned())
    } else {
        Ok(Value::Share {
            numerator: numerator.min(denominator),
            denominator,
        })
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// One indicator's value; the sources it needs are present.
fn compute(id: &str, s: &Sources<'_>) -> Result<Value, String> {
    let gone = || "a source is missing".to_owned();
    match id {
        "IND-LICENSED" => {
            let p = s.position.ok_or_else(gone)?;
            share(p.licensed, p.consumers, "no consumers counted")
        }
        "IND-AUTHORISED" => {
            let (cms, trust) = (s.cms.ok_or_else(gone)?, s.trust.ok_or_else(gone)?);
            let recorded = count(
                cms.relationships()
                    .filter(|r| r.kind == RelationshipKind::InstalledOn)
                    .count(),
            );
            let unauthorised = count(trust.by_rule("TRUST-RELEASE-1").count());
            share(
                recorded.saturating_sub(unauthorised),
                recorded,
                "no recorded installations",
            )
        }
        "IND-OWNED" => {
            let cms = s.cms.ok_or_else(gone)?;
            let owned = count(cms.items().filter(|i| i.owner.is_some()).count());
            share(owned, count(cms.items().count()), "no configuration items")
        }
        "IND-PROOF" => {
            let f = s.finance.ok_or_else(gone)?;
            share(f.with_proof, f.entitlements, "no entitlements reconciled")
        }
        "IND-DISCOVERY" => {
            let (cms, estate) = (s.cms.ok_or_else(gone)?, s.discovered.ok_or_else(gone)?);
            let reported: BTreeSet<&str> = estate.devices.iter().map(|d| d.id.as_str()).collect();
            let in_service: Vec<&str> = cms
                .items_of(AssetClass::Hardware)
                .filter(|i| i.stage == LifecycleStage::Operation)
                .map(|i| i.id.as_str())
                .collect();
            let seen = count(
                in_service
                    .iter()
                    .filter(|id| reported.contains(*id))
                    .count(),
            );
            share(
                seen,
                count(in_service.len()),
                "no hardware CIs in operation",
            )
        }
        "IND-AGREEMENT" => {
            let (estate, trust) = (s.discovered.ok_or_else(gone)?, s.trust.ok_or_else(gone)?);
            let found = count(estate.installations.len());
            let disagree = count(
                ["TRUST-FOUND-1", "TRUST-MOVED-1", "TRUST-DRIFT-1"]
                    .iter()
                    .map(|rule| trust.by_rule(rule).count())
                    .sum(),
            );
            share(
                found.saturating_sub(disagree),
                found,
                "no discovered installations",
            )
        }
        "IND-SHORTFALL-COST" => Ok(Value::Money {
            amounts: s.position.ok_or_else(gone)?.shortfall_cost.clone(),
        }),
        "IND-UNUSED-VALUE" => Ok(Value::Money {
            amounts: s.position.ok_or_else(gone)?.unused_value.clone(),
        }),
        "IND-NC-OPEN" => {
            let cms = s.cms.ok_or_else(gone)?;
            Ok(Value::Count {
                count: count(cms.nonconformities().filter(|n| n.state.is_open()).count()),
            })
        }
        "IND-NC-OLDEST" => {
            let cms = s.cms.ok_or_else(gone)?;
            cms.nonconformities()
                .filter_map(|n| n.open_for(s.as_of))
                .max()
                .map(|age| Value::Days {
                    days: age.num_days(),
                })
                .ok_or_else(|| "no open nonconformity".to_owned())
        }
        _ => Err(format!("unknown indicator {id}")),
    }
}
