//! Stage 1: which entitlements may cover which product (scope: tag id, publisher, product,
//! edition), in the documented priority order, and the metrics a product may be counted in.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use itam_core::estate::Entitlement;

use super::{EntInfo, MAX_METRIC_COMBINATIONS};
use crate::model::{Model, NONE, norm};
use crate::position::Status;

fn narrowness(e: &Entitlement) -> u32 {
    let s = &e.scope;
    let mut n = 0;
    if s.versions.tag_ids().is_some() {
        n += 32;
    }
    if s.versions.lower_bounded() {
        n += 8;
    }
    if s.versions.upper_bounded() {
        n += 8;
    }
    if s.edition.is_some() {
        n += 4;
    }
    if e.org.is_some() {
        n += 2;
    }
    if s.product.is_some() {
        n += 1;
    }
    n
}

/// The documented commercial order: manual priority, narrowest scope, earliest expiry,
/// lowest cost, id. (Pinned consumers are served first; true-up overflow comes last.)
fn priority_order(a: &Entitlement, b: &Entitlement) -> Ordering {
    let key = |e: &Entitlement| (e.priority.is_none(), e.priority);
    key(a)
        .cmp(&key(b))
        .then_with(|| narrowness(b).cmp(&narrowness(a)))
        .then_with(|| (a.end.is_none(), a.end).cmp(&(b.end.is_none(), b.end)))
        .then_with(|| {
            (a.unit_cost.is_none(), a.unit_cost).cmp(&(b.unit_cost.is_none(), b.unit_cost))
        })
        .then_with(|| a.id.cmp(&b.id))
}

/// Per product: the entitlements whose scope names it (tag id, publisher, product,
/// edition), in priority order.
pub(crate) fn candidates(m: &Model<'_>) -> Vec<Vec<u32>> {
    let estate = m.estate;
    let mut by_product: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut by_publisher: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (p, k) in m.products.iter().enumerate() {
        by_product.entry(&k.product).or_default().push(p as u32);
        by_publisher.entry(&k.publisher).or_default().push(p as u32);
    }
    let all: Vec<u32> = (0..m.products.len() as u32).collect();
    let mut cands: Vec<Vec<u32>> = vec![Vec::new(); m.products.len()];
    for (i, e) in estate.entitlements.iter().enumerate() {
        let s = &e.scope;
        let (publisher, product, edition) = (
            s.publisher.as_deref().map(norm),
            s.product.as_deref().map(norm),
            s.edition.as_deref().map(norm),
        );
        let mut tag_products: Vec<u32>;
        let pool: &[u32] = if let Some(tags) = s.versions.tag_ids() {
            tag_products = estate
                .software
                .iter()
                .enumerate()
                .filter(|(_, sw)| tags.binary_search(&&sw.tag_id).is_ok())
                .filter_map(|(j, _)| m.software.get(j).map(|x| x.0))
                .collect();
            tag_products.sort_unstable();
            tag_products.dedup();
            &tag_products
        } else if let Some(name) = &product {
            by_product.get(name.as_str()).map_or(&[], Vec::as_slice)
        } else if let Some(name) = &publisher {
            by_publisher.get(name.as_str()).map_or(&[], Vec::as_slice)
        } else {
            &all
        };
        for &p in pool {
            let Some(k) = m.products.get(p as usize) else {
                continue;
            };
            let ok = publisher.as_ref().is_none_or(|x| *x == k.publisher)
                && product.as_ref().is_none_or(|x| *x == k.product)
                && edition.as_ref().is_none_or(|x| *x == k.edition);
            if ok {
                if let Some(c) = cands.get_mut(p as usize) {
                    c.push(i as u32);
                }
            }
        }
    }
    for c in &mut cands {
        c.sort_by(|&a, &b| {
            match (
                estate.entitlements.get(a as usize),
                estate.entitlements.get(b as usize),
            ) {
                (Some(x), Some(y)) => priority_order(x, y),
                _ => a.cmp(&b),
            }
        });
        c.dedup();
    }
    cands
}

/// The counting rules product `p` may be counted in: the Priority rule's `basis` first,
/// then the other rules that can count (catalogue or defined metrics) of its active
/// candidates in candidate order. Alternatives are
/// offered only when every combination over the product's choice units (at most one per
/// host or cluster its installations run on) stays within [`MAX_METRIC_COMBINATIONS`].
pub(super) fn metric_choices(
    m: &Model<'_>,
    ents: &[EntInfo],
    cands: &[u32],
    p: u32,
    basis: u32,
) -> Vec<u32> {
    let mut out = vec![basis];
    for &e in cands {
        let Some(info) = ents.get(e as usize) else {
            continue;
        };
        if info.status == Status::Active && info.counts && !out.contains(&info.rule) {
            out.push(info.rule);
        }
    }
    if out.len() > 1 {
        let k = out.len() as u64;
        let mut keys: Vec<u64> = Vec::new();
        let mut combos = 1u64;
        let mut last = NONE;
        for r in m.installs_of(p) {
            if r[1] == last {
                continue;
            }
            last = r[1];
            let key = unit_key(m, r[1]);
            if !keys.contains(&key) {
                keys.push(key);
                combos = combos.saturating_mul(k);
                if combos > MAX_METRIC_COMBINATIONS {
                    out.truncate(1);
                    break;
                }
            }
        }
    }
    out
}

/// The aggregation unit of device `d`: its host's cluster, else its host.
pub(super) fn unit_key(m: &Model<'_>, d: u32) -> u64 {
    match m.cluster.get(d as usize).copied() {
        Some(c) if c != NONE => (1 << 32) | u64::from(c),
        _ => u64::from(m.phys.get(d as usize).copied().unwrap_or(d)),
    }
}
