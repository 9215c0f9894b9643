//! Partitioning for scale-out: split an estate into independent parts whose positions
//! merge into the position of the whole.
//!
//! Two products are *linked* when one entitlement's scope names both (a publisher-wide
//! agreement, say); linked products share capacity and must be reconciled together. The
//! connected components of that relation are independent: no entitlement and no consumer
//! crosses them. [`partition`] packs the components into at most `parts` estates, each with
//! the whole hardware and user inventory (metrics such as soft partitioning look at hosts and
//! clusters the product does not run on) and only its own software, installations, peaks
//! and entitlements. Reconcile each part anywhere, then [`Position::merge`] the results.
//!
//! [`Position::merge`]: crate::Position::merge

use std::collections::BTreeMap;

use itam_core::estate::Estate;

use crate::engine::candidates;
use crate::error::ReconcileError;
use crate::model::Model;

/// Splits `estate` into at most `parts` (≥ 1) independent estates, balanced by installation
/// count; deterministic. Entitlements that name no product go to the first part.
///
/// # Errors
/// When the estate's references do not resolve.
pub fn partition(estate: &Estate, parts: usize) -> Result<Vec<Estate>, ReconcileError> {
    let m = Model::new(estate)?;
    let cands = candidates(&m);
    let np = m.products.len();
    let mut parent: Vec<usize> = (0..np).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while let Some(&p) = parent.get(x) {
            if p == x {
                break;
            }
            x = p;
        }
        x
    }
    let mut ent_product: BTreeMap<u32, usize> = BTreeMap::new();
    for (p, cs) in cands.iter().enumerate() {
        for &e in cs {
            match ent_product.get(&e) {
                Some(&q) => {
                    let (a, b) = (find(&mut parent, p), find(&mut parent, q));
                    if a != b {
                        if let Some(slot) = parent.get_mut(a.max(b)) {
                            *slot = a.min(b);
                        }
                    }
                }
                None => {
                    ent_product.insert(e, p);
                }
            }
        }
    }
    // Component sizes (installations + 1), then greedy packing: largest first, into the
    // lightest part (ties by index).
    let mut size: BTreeMap<usize, u64> = BTreeMap::new();
    for p in 0..np {
        let root = find(&mut parent, p);
        let n = m.installs_of(p as u32).len() as u64 + 1;
        *size.entry(root).or_default() += n;
    }
    let mut comps: Vec<(u64, usize)> = size.iter().map(|(&r, &s)| (s, r)).collect();
    comps.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let parts = parts.max(1);
    let mut load = vec![0u64; parts];
    let mut part_of_root: BTreeMap<usize, usize> = BTreeMap::new();
    for (s, r) in comps {
        let (i, _) = load
            .iter()
            .enumerate()
            .min_by_key(|&(i, l)| (*l, i))
            .unwrap_or((0, &0));
        if let Some(l) = load.get_mut(i) {
            *l += s;
        }
        part_of_root.insert(r, i);
    }
    let part_of_product: Vec<usize> = (0..np)
        .map(|p| {
            let r = find(&mut parent, p);
            part_of_root.get(&r).copied().unwrap_or(0)
        })
        .collect();
    let mut out: Vec<Estate> = (0..parts)
        .map(|_| Estate {
            devices: estate.devices.clone(),
            users: estate.users.clone(),
            ..Estate::default()
        })
        .collect();
    let part_of_sw = |s: usize| {
        m.software
            .get(s)
            .and_then(|&(p, _)| part_of_product.get(p as usize))
            .copied()
            .unwrap_or(0)
    };
    let mut tag_part: BTreeMap<&str, usize> = BTreeMap::new();
    for (s, sw) in estate.software.iter().enumerate() {
        let part = part_of_sw(s);
        tag_part.insert(sw.tag_id.as_str(), part);
        if let Some(o) = out.get_mut(part) {
            o.software.push(sw.clone());
        }
    }
    for inst in &estate.installations {
        let part = tag_part.get(inst.software.as_str()).copied().unwrap_or(0);
        if let Some(o) = out.get_mut(part) {
            o.installations.push(inst.clone());
        }
    }
    for pk in &estate.usage_peaks {
        let part = tag_part.get(pk.software.as_str()).copied().unwrap_or(0);
        if let Some(o) = out.get_mut(part) {
            o.usage_peaks.push(pk.clone());
        }
    }
    for (e, ent) in estate.entitlements.iter().enumerate() {
        let part = ent_product
            .get(&(e as u32))
            .and_then(|&p| part_of_product.get(p))
            .copied()
            .unwrap_or(0);
        if let Some(o) = out.get_mut(part) {
            o.entitlements.push(ent.clone());
        }
    }
    Ok(out)
}
