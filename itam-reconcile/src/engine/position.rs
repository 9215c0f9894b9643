//! Stage 5: an allocation → the Position, every number explained.

use std::collections::BTreeMap;

use chrono::Days;
use itam_core::Decimal;
use itam_core::finance::Currency;

use super::{Plan, dec_add, dec_mul, internal};
use crate::error::ReconcileError;
use crate::model::NONE;
use crate::policy::Mode;
use crate::position::{
    Alloc, ConsumerLine, CurrencyAmount, EntitlementLine, GroupLine, Position, ProductLine, Status,
    Totals, bucket, price_totals,
};

impl Plan<'_> {
    pub(super) fn build(
        &self,
        mode: Mode,
        mut allocs: Vec<(u32, Alloc)>,
        active: &[bool],
    ) -> Result<Position, ReconcileError> {
        let estate = self.m.estate;
        if !allocs.is_sorted_by_key(|(c, _)| *c) {
            allocs.sort_by_key(|(c, _)| *c);
        }
        let mut consumed = vec![0u64; self.ents.len()];
        let mut overflow = vec![0u64; self.ents.len()];
        for (_, a) in &allocs {
            if let Some(x) = consumed.get_mut(a.ent as usize) {
                *x = x.saturating_add(a.units);
            }
            if a.overflow {
                if let Some(x) = overflow.get_mut(a.ent as usize) {
                    *x = x.saturating_add(a.units);
                }
            }
        }
        // Entitlement lines, sorted by id.
        let mut ent_order: Vec<u32> = (0..self.ents.len() as u32).collect();
        ent_order.sort_by(|&a, &b| {
            let id = |i: u32| estate.entitlements.get(i as usize).map(|e| e.id.as_str());
            id(a).cmp(&id(b))
        });
        let mut ent_pos = vec![0u32; self.ents.len()];
        for (pos, &e) in ent_order.iter().enumerate() {
            if let Some(slot) = ent_pos.get_mut(e as usize) {
                *slot = pos as u32;
            }
        }
        let window_end = self
            .policy
            .as_of
            .checked_add_days(Days::new(u64::from(self.policy.expiry_window_days)));
        let mut totals = Totals::default();
        let entitlements: Vec<EntitlementLine> = ent_order
            .iter()
            .filter_map(|&e| {
                let (x, info) = (
                    estate.entitlements.get(e as usize)?,
                    self.ents.get(e as usize)?,
                );
                let used = consumed.get(e as usize).copied().unwrap_or(0);
                let over = overflow.get(e as usize).copied().unwrap_or(0);
                let cost = dec_mul(Decimal::from(used), info.cost);
                totals.true_up = totals.true_up.saturating_add(over);
                let whole = x.whole_units();
                Some(EntitlementLine {
                    id: x.id.to_string(),
                    metric: x.metric.clone(),
                    status: info.status,
                    entitled: whole,
                    quantity: x.quantity,
                    unlimited: x.unlimited,
                    consumed: used,
                    surplus: if x.unlimited || info.status != Status::Active {
                        0
                    } else {
                        whole.saturating_sub(used)
                    },
                    true_up: over,
                    cost,
                    currency: bucket(x.currency.as_ref()),
                    priced: x.unit_cost.is_some(),
                    expiring: info.status == Status::Active
                        && x.end
                            .is_some_and(|end| window_end.is_some_and(|w| end <= w)),
                    end: x.end,
                })
            })
            .collect();
        // Consumers.
        let mut consumers = Vec::with_capacity(self.rows.len());
        let mut allocations = Vec::with_capacity(allocs.len());
        let mut ai = 0usize;
        let mut lines: Vec<ProductAcc> = vec![ProductAcc::default(); self.lines.len()];
        for (c, r) in self.rows.iter().enumerate() {
            let d = &r.demand;
            if !active.get(c).copied().unwrap_or(false) {
                // Counted in another metric in this mode (no allocation names it).
                continue;
            }
            let start = allocations.len() as u32;
            let mut covered = 0u64;
            while let Some((cc, a)) = allocs.get(ai) {
                if (*cc as usize) < c {
                    ai += 1;
                    continue;
                }
                if *cc as usize != c {
                    break;
                }
                covered = covered.saturating_add(a.units);
                allocations.push(Alloc {
                    ent: *ent_pos.get(a.ent as usize).ok_or_else(|| {
                        internal("position", "allocated entitlement out of range")
                    })?,
                    ..*a
                });
                ai += 1;
            }
            let g = r.group;
            let group = self.groups.get(g as usize);
            let exempt = group.is_some_and(|g| g.exempt_by.is_some());
            let p = r.line;
            let acc = lines
                .get_mut(p as usize)
                .ok_or_else(|| internal("position", "consumer line out of range"))?;
            {
                acc.consumers += 1;
                acc.demand = acc.demand.saturating_add(d.units);
                if exempt {
                    acc.exempt = acc.exempt.saturating_add(d.units);
                } else {
                    acc.covered = acc.covered.saturating_add(covered.min(d.units));
                    if covered < d.units {
                        acc.shortfall = acc.shortfall.saturating_add(d.units - covered);
                        acc.unlicensed += 1;
                    }
                }
            }
            consumers.push(ConsumerLine {
                kind: d.kind,
                name: r.name,
                product: p,
                units: d.units,
                covered,
                exempt,
                allocs: (start, allocations.len() as u32 - start),
                group: g,
                pinned: group.is_some_and(|g| g.pinned),
            });
        }
        // Product lines (products with neither consumers nor candidates are left out).
        // Lines of metrics the optimiser may choose appear when it chose them somewhere.
        let mut product_pos = vec![NONE; self.lines.len()];
        let mut products = Vec::new();
        for (l, acc) in lines.iter().enumerate() {
            let Some(line) = self.lines.get(l) else {
                continue;
            };
            let p = line.product as usize;
            let cs = self.cands.get(p).map_or(&[][..], Vec::as_slice);
            if acc.consumers == 0 && (cs.is_empty() || line.alt > 0) {
                continue;
            }
            let metric = line.metric.clone();
            let (mut entitled, mut quantity, mut unlimited) = (0u64, Decimal::ZERO, false);
            // Lowest unit cost per currency (never compared across currencies).
            let mut min_cost: BTreeMap<Option<Currency>, Decimal> = BTreeMap::new();
            for &e in cs {
                let (Some(x), Some(info)) = (
                    estate.entitlements.get(e as usize),
                    self.ents.get(e as usize),
                ) else {
                    continue;
                };
                if info.rule != line.rule || info.status != Status::Active {
                    continue;
                }
                entitled = entitled.saturating_add(x.whole_units());
                quantity = dec_add(quantity, x.quantity);
                unlimited |= x.unlimited;
                if let Some(c) = x.unit_cost {
                    min_cost
                        .entry(bucket(x.currency.as_ref()))
                        .and_modify(|m| *m = (*m).min(c))
                        .or_insert(c);
                }
            }
            let short = Decimal::from(acc.shortfall);
            let (shortfall_cost, currency, shortfall_costs) = if min_cost.len() <= 1 {
                let one = min_cost.into_iter().next();
                let currency = one.as_ref().and_then(|(c, _)| c.clone());
                (one.map(|(_, c)| dec_mul(c, short)), currency, Vec::new())
            } else {
                let each = min_cost
                    .into_iter()
                    .map(|(currency, c)| CurrencyAmount {
                        currency,
                        amount: dec_mul(c, short),
                    })
                    .collect();
                (None, None, each)
            };
            let first = self
                .m
                .variants
                .get(p)
                .and_then(|v| v.first())
                .and_then(|&s| estate.software.get(s as usize));
            if let Some(slot) = product_pos.get_mut(l) {
                *slot = products.len() as u32;
            }
            totals.consumers += acc.consumers;
            totals.demand = totals.demand.saturating_add(acc.demand);
            totals.exempt = totals.exempt.saturating_add(acc.exempt);
            totals.covered = totals.covered.saturating_add(acc.covered);
            totals.shortfall = totals.shortfall.saturating_add(acc.shortfall);
            totals.unlicensed_consumers += acc.unlicensed;
            products.push(ProductLine {
                publisher: first
                    .map(|s| s.publisher.trim().to_owned())
                    .unwrap_or_default(),
                product: first
                    .map(|s| s.product.trim().to_owned())
                    .unwrap_or_default(),
                edition: first
                    .and_then(|s| s.edition.as_deref())
                    .map(|e| e.trim().to_owned())
                    .unwrap_or_default(),
                metric,
                terms: self
                    .rules
                    .get(line.rule as usize)
                    .filter(|r| r.own)
                    .map(|r| r.terms.clone()),
                consumers: acc.consumers,
                demand: acc.demand,
                exempt: acc.exempt,
                covered: acc.covered,
                shortfall: acc.shortfall,
                unlicensed_consumers: acc.unlicensed,
                entitled,
                quantity,
                unlimited,
                shortfall_cost,
                currency,
                shortfall_costs,
                peak: self
                    .peaks
                    .binary_search_by_key(&(l as u32), |(line, _)| *line)
                    .ok()
                    .and_then(|i| self.peaks.get(i))
                    .map(|(_, peak)| peak.clone()),
            });
        }
        for c in &mut consumers {
            c.product = product_pos
                .get(c.product as usize)
                .copied()
                .filter(|&p| p != NONE)
                .ok_or_else(|| internal("position", "consumer of an unlisted product line"))?;
        }
        price_totals(&mut totals, &products, &entitlements);
        let groups = if self.policy.explain {
            self.groups
                .iter()
                .map(|g| {
                    Ok(GroupLine {
                        verdicts: g
                            .verdicts
                            .iter()
                            .map(|&(e, v)| {
                                let pos = ent_pos.get(e as usize).copied().ok_or_else(|| {
                                    internal("position", "verdict entitlement out of range")
                                })?;
                                Ok((pos, v))
                            })
                            .collect::<Result<_, ReconcileError>>()?,
                        notes: g
                            .notes
                            .iter()
                            .map(|&(e, n)| {
                                let pos = ent_pos.get(e as usize).copied().ok_or_else(|| {
                                    internal("position", "note entitlement out of range")
                                })?;
                                Ok((pos, n))
                            })
                            .collect::<Result<_, ReconcileError>>()?,
                    })
                })
                .collect::<Result<_, ReconcileError>>()?
        } else {
            Vec::new()
        };
        Ok(Position {
            mode,
            as_of: self.policy.as_of,
            totals,
            products,
            entitlements,
            names: self.names.clone(),
            consumers,
            allocations,
            groups,
            notes: if self.policy.explain {
                self.notes.clone()
            } else {
                Vec::new()
            },
            explained: self.policy.explain,
        })
    }
}

#[derive(Debug, Clone, Default)]
struct ProductAcc {
    consumers: u64,
    demand: u64,
    exempt: u64,
    covered: u64,
    shortfall: u64,
    unlicensed: u64,
}
