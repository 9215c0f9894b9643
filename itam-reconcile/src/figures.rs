//! The position's and the finance reconciliation's figures for the ITAM indicators
//! ([`itam_core::measure`]), which `itam-core` computes without knowing the engine.

use std::collections::BTreeMap;

use itam_core::Decimal;
use itam_core::estate::Estate;
use itam_core::finance::Currency;
use itam_core::measure::{FinanceFigures, PositionFigures};

use crate::engine::{dec_add, dec_mul};
use crate::finance::Summary;
use crate::position::{Position, Status};

/// The key a currency's amounts are kept under: its code, `unknown` when none is stated.
fn key(currency: Option<&Currency>) -> String {
    currency.map_or_else(|| "unknown".to_owned(), Currency::code)
}

impl Position {
    /// The figures the ITAM indicators use: consumers counted and licensed (fully covered or
    /// exempt), the shortfall cost per currency, and the unused-entitlement value (each active,
    /// priced entitlement's surplus units × its unit cost in `estate`, the estate this
    /// position was reconciled from), per currency.
    #[must_use]
    pub fn figures(&self, estate: &Estate) -> PositionFigures {
        let t = &self.totals;
        let mut shortfall_cost = BTreeMap::new();
        if t.by_currency.is_empty() {
            if !t.shortfall_cost.is_zero() {
                shortfall_cost.insert(key(t.currency.as_ref()), t.shortfall_cost);
            }
        } else {
            for c in &t.by_currency {
                if !c.shortfall_cost.is_zero() {
                    shortfall_cost.insert(key(c.currency.as_ref()), c.shortfall_cost);
                }
            }
        }
        let unit_costs: BTreeMap<&str, (Decimal, Option<&Currency>)> = estate
            .entitlements
            .iter()
            .filter_map(|e| Some((e.id.as_str(), (e.unit_cost?, e.currency.as_ref()))))
            .collect();
        let mut unused_value: BTreeMap<String, Decimal> = BTreeMap::new();
        for line in &self.entitlements {
            if line.surplus == 0 || line.status != Status::Active {
                continue;
            }
            if let Some((cost, currency)) = unit_costs.get(line.id.as_str()) {
                let value = dec_mul(*cost, Decimal::from(line.surplus));
                let sum = unused_value.entry(key(*currency)).or_default();
                *sum = dec_add(*sum, value);
            }
        }
        PositionFigures {
            consumers: t.consumers,
            licensed: t.consumers.saturating_sub(t.unlicensed_consumers),
            shortfall_cost,
            unused_value,
        }
    }
}

impl Summary {
    /// The figures the ITAM indicators use: entitlements reconciled and those with a proof of
    /// purchase.
    #[must_use]
    pub const fn figures(&self) -> FinanceFigures {
        FinanceFigures {
            entitlements: self.entitlements.total,
            with_proof: self.entitlements.matched,
        }
    }
}
