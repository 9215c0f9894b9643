//! Partitioning for scale-out: split an estate into independent parts whose positions
//! merge into the position of the whole.
//!
//! Two products are *linked* when one entitlement's scope names both (a publisher-wide
//! agreement, say); linked products share capacity and must be reconciled together. The
//! connected components of that relation are independent: no entitlement and no consumer
//! crosses them. A component whose entitlements are all scoped to organisations (and count
//! one metric) splits further by top-level organisation unit, linked where one consumer
//! spans units (see the [manual](crate::manual#partitioning)). [`partition`] packs the
//! pieces into at most `parts` estates, each with the whole hardware and user inventory
//! (metrics such as soft partitioning look at hosts and clusters the product does not run
//! on), its own installations and peaks, and the software and entitlements of its
//! components. Reconcile each part anywhere, then [`Position::merge`] the results.
//!
//! [`Position::merge`]: crate::Position::merge

use std::collections::BTreeMap;

use itam_core::estate::{Estate, Metric};

use crate::engine::candidates;
use crate::error::ReconcileError;
use crate::metrics::{self, Reach};
use crate::model::Model;
use crate::unionfind::UnionFind;

/// Splits `estate` into at most `parts` (≥ 1) independent estates, balanced by installation
/// count; deterministic. Entitlements that name no product go to the first part.
///
/// # Errors
/// When the estate's references do not resolve.
pub fn partition(estate: &Estate, parts: usize) -> Result<Vec<Estate>, ReconcileError> {
    let m = Model::new(estate)?;
    let cands = candidates(&m);
    let np = m.products.len();
    let mut parent = UnionFind::new(np);
    let mut ent_product: BTreeMap<u32, usize> = BTreeMap::new();
    for (p, cs) in cands.iter().enumerate() {
        for &e in cs {
            match ent_product.get(&e) {
                Some(&q) => {
                    parent.union(p, q);
                }
                None => {
                    ent_product.insert(e, p);
                }
            }
        }
    }
    // Organisation cells of each splittable component (see `org_cells`); a piece is a
    // (component, cell) pair, the whole component when it does not split.
    let mut comp_ents: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (p, cs) in cands.iter().enumerate() {
        let root = parent.find(p);
        comp_ents
            .entry(root)
            .or_default()
            .extend(cs.iter().copied());
    }
    let splittable: BTreeMap<usize, bool> = comp_ents
        .iter()
        .map(|(&r, es)| (r, org_splittable(estate, es)))
        .collect();
    let root_of: Vec<usize> = (0..np).map(|p| parent.find(p)).collect();
    let split_of = |p: u32| {
        root_of
            .get(p as usize)
            .is_some_and(|r| splittable.get(r).copied().unwrap_or(false))
    };
    // The one metric of each splittable component's products.
    let metric_of = |p: u32| -> Option<&Metric> {
        let root = root_of.get(p as usize)?;
        if !splittable.get(root).copied().unwrap_or(false) {
            return None;
        }
        let e = *comp_ents.get(root)?.first()?;
        estate.entitlements.get(e as usize).map(|x| &x.metric)
    };
    let cell_of = org_cells(&m, estate, &metric_of, &root_of);
    let piece_of_install = |i: usize, p: u32| -> (usize, String) {
        let root = root_of.get(p as usize).copied().unwrap_or(0);
        let cell = if split_of(p) {
            cell_of.installs.get(i).cloned().unwrap_or_default()
        } else {
            String::new()
        };
        (root, cell)
    };
    let mut tag_product: BTreeMap<&str, u32> = BTreeMap::new();
    for (s, sw) in estate.software.iter().enumerate() {
        if let Some(&(p, _)) = m.software.get(s) {
            tag_product.insert(sw.tag_id.as_str(), p);
        }
    }
    // Pieces: sizes (installations + 1), then greedy packing, largest first, into the
    // lightest part (ties by index).
    let mut size: BTreeMap<(usize, String), u64> = BTreeMap::new();
    for p in 0..np {
        let root = root_of.get(p).copied().unwrap_or(0);
        if !split_of(p as u32) {
            *size.entry((root, String::new())).or_default() += 1;
        }
    }
    let mut install_piece: Vec<(usize, String)> = Vec::with_capacity(estate.installations.len());
    for (i, inst) in estate.installations.iter().enumerate() {
        let p = tag_product
            .get(inst.software.as_str())
            .copied()
            .unwrap_or(0);
        let piece = piece_of_install(i, p);
        *size.entry(piece.clone()).or_default() += 1;
        install_piece.push(piece);
    }
    let mut peak_piece: Vec<(usize, String)> = Vec::with_capacity(estate.usage_peaks.len());
    for (i, pk) in estate.usage_peaks.iter().enumerate() {
        let p = tag_product.get(pk.software.as_str()).copied().unwrap_or(0);
        let root = root_of.get(p as usize).copied().unwrap_or(0);
        let cell = if split_of(p) {
            cell_of.peaks.get(i).cloned().unwrap_or_default()
        } else {
            String::new()
        };
        let piece = (root, cell);
        *size.entry(piece.clone()).or_default() += 1;
        peak_piece.push(piece);
    }
    // A split component without any installation or peak still needs one piece.
    for p in 0..np {
        let root = root_of.get(p).copied().unwrap_or(0);
        if split_of(p as u32) && !size.keys().any(|k| k.0 == root) {
            size.insert((root, String::new()), 1);
        }
    }
    let mut pieces: Vec<(u64, &(usize, String))> = size.iter().map(|(k, &s)| (s, k)).collect();
    pieces.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let parts = parts.max(1);
    let mut load = vec![0u64; parts];
    let mut part_of_piece: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for (s, key) in pieces {
        let (i, _) = load
            .iter()
            .enumerate()
            .min_by_key(|&(i, l)| (*l, i))
            .unwrap_or((0, &0));
        if let Some(l) = load.get_mut(i) {
            *l += s;
        }
        part_of_piece.insert(key.clone(), i);
    }
    // Per component: the parts holding its pieces (each gets its software and every one of
    // its entitlements: those scoped to other cells reject the part's consumers as
    // `wrong_organisation`, exactly as in the single run).
    let mut parts_of_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for ((root, _), &part) in &part_of_piece {
        let v = parts_of_root.entry(*root).or_default();
        if !v.contains(&part) {
            v.push(part);
        }
    }
    let no_parts: Vec<usize> = Vec::new();
    let parts_of_product = |p: u32| -> &[usize] {
        root_of
            .get(p as usize)
            .and_then(|r| parts_of_root.get(r))
            .unwrap_or(&no_parts)
    };
    let mut out: Vec<Estate> = (0..parts)
        .map(|_| Estate {
            devices: estate.devices.clone(),
            users: estate.users.clone(),
            capacity_samples: estate.capacity_samples.clone(),
            ..Estate::default()
        })
        .collect();
    for (s, sw) in estate.software.iter().enumerate() {
        let p = m.software.get(s).map_or(0, |x| x.0);
        for &part in parts_of_product(p) {
            if let Some(o) = out.get_mut(part) {
                o.software.push(sw.clone());
            }
        }
    }
    for (inst, piece) in estate.installations.iter().zip(&install_piece) {
        let part = part_of_piece.get(piece).copied().unwrap_or(0);
        if let Some(o) = out.get_mut(part) {
            o.installations.push(inst.clone());
        }
    }
    for (pk, piece) in estate.usage_peaks.iter().zip(&peak_piece) {
        let part = part_of_piece.get(piece).copied().unwrap_or(0);
        if let Some(o) = out.get_mut(part) {
            o.usage_peaks.push(pk.clone());
        }
    }
    // A measurement goes with its product's first part: the metrics that read measurements
    // pool the estate ([`Reach::Pool`]), so such a product is never split.
    for x in &estate.measurements {
        let p = tag_product.get(x.software.as_str()).copied().unwrap_or(0);
        let part = parts_of_product(p).first().copied().unwrap_or(0);
        if let Some(o) = out.get_mut(part) {
            o.measurements.push(x.clone());
        }
    }
    for (e, ent) in estate.entitlements.iter().enumerate() {
        let targets = ent_product
            .get(&(e as u32))
            .map_or(&[0usize][..], |&p| parts_of_product(p as u32));
        for &part in targets {
            if let Some(o) = out.get_mut(part) {
                o.entitlements.push(ent.clone());
            }
        }
    }
    Ok(out)
}

/// Whether a component of products may be split by organisation: every candidate
/// entitlement is scoped to an organisation (an unrestricted one links every org), they all
/// count one metric under the same terms (so every piece counts its products in the same
/// metric, and the optimiser has no metric choice to make across pieces), and that metric's
/// consumers do not pool the estate ([`Reach::Pool`]: Oracle Processor and NUP, whose
/// aggregation may span the estate or a core-factor group), nor is it counted at the period's
/// peak when the estate has capacity samples (IBM sub-capacity: its peak day is the product's).
fn org_splittable(estate: &Estate, ents: &[u32]) -> bool {
    let mut metric = None;
    for &e in ents {
        let Some(x) = estate.entitlements.get(e as usize) else {
            return false;
        };
        let counting = metrics::rule(&x.metric);
        if x.org.is_none() || counting.reach() == Reach::Pool {
            return false;
        }
        // The period's peak is one day for the whole product: every org's hosts at once.
        if counting.over_period() && !estate.capacity_samples.is_empty() {
            return false;
        }
        // One counting rule: the same metric under the same terms (those it reads).
        let rule = (&x.metric, x.terms.for_metric(&x.metric));
        match &metric {
            None => metric = Some(rule),
            Some(r) if *r == rule => {}
            Some(_) => return false,
        }
    }
    metric.is_some()
}

/// The organisation cell of every installation and peak of splittable products.
#[derive(Debug, Default)]
struct Cells {
    installs: Vec<String>,
    peaks: Vec<String>,
}

/// The top-level organisation unit of a path (`emea` for `emea/fr`); "" for none. An
/// entitlement scoped to an org only admits consumers within it, hence within its top-level
/// unit.
fn top(org: Option<&str>) -> &str {
    org.map_or("", |o| o.split('/').next().unwrap_or(""))
}

/// Cells: top-level organisation units, linked where one consumer may span them — the
/// devices of one host or cluster (host, cluster and soft-partitioning metrics aggregate
/// them), and the devices and org of one user (named-user metrics). Each installation or
/// peak of a splittable product gets the smallest top-level unit of its linked set.
fn org_cells<'e>(
    m: &Model<'_>,
    estate: &'e Estate,
    metric_of: &dyn Fn(u32) -> Option<&'e Metric>,
    root_of: &[usize],
) -> Cells {
    let mut tokens: BTreeMap<String, usize> = BTreeMap::new();
    let mut parent = UnionFind::default();
    let node = |tokens: &mut BTreeMap<String, usize>, parent: &mut UnionFind, t: String| {
        *tokens.entry(t).or_insert_with(|| parent.push())
    };
    let dev_top = |d: usize| -> String {
        format!(
            "o:{}",
            top(estate.devices.get(d).and_then(|x| x.org.as_deref()))
        )
    };
    let dev_index: BTreeMap<&str, usize> = estate
        .devices
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let user_org: BTreeMap<&str, Option<&str>> = estate
        .users
        .iter()
        .map(|u| (u.id.as_str(), u.org.as_deref()))
        .collect();
    let mut product_of: BTreeMap<&str, u32> = BTreeMap::new();
    for (s, sw) in estate.software.iter().enumerate() {
        if let Some(&(p, _)) = m.software.get(s) {
            product_of.insert(sw.tag_id.as_str(), p);
        }
    }
    // Per installation of a splittable product: its tokens, linked together.
    let mut inst_node: Vec<Option<usize>> = Vec::with_capacity(estate.installations.len());
    for inst in &estate.installations {
        let p = product_of.get(inst.software.as_str()).copied().unwrap_or(0);
        let Some(&d) = dev_index.get(inst.device.as_str()) else {
            inst_node.push(None);
            continue;
        };
        let Some(metric) = metric_of(p) else {
            inst_node.push(None);
            continue;
        };
        let mut ts = vec![dev_top(d)];
        let reach = metrics::rule(metric).reach();
        let per_device = reach == Reach::Device;
        if reach == Reach::User {
            // A user is one consumer over all its devices, in its own org if it has one.
            if let Some(u) = inst.user.as_deref() {
                ts.push(format!("u:{u}"));
                ts.push(format!("o:{}", top(user_org.get(u).copied().flatten())));
            }
        } else if !per_device {
            // Host metrics: the host and its VMs; a clustered host with every host of the
            // cluster (cluster-wide stacking, soft partitioning), hence their VMs.
            let h = m.phys.get(d).copied().unwrap_or(0) as usize;
            ts.push(dev_top(h));
            ts.push(format!("h:{h}"));
            if let Some(&c) = m.cluster.get(d).filter(|&&c| c != crate::model::NONE) {
                let hosts = m
                    .cluster_hosts
                    .get(c as usize)
                    .map_or(&[][..], Vec::as_slice);
                ts.extend(hosts.iter().map(|&x| dev_top(x as usize)));
                ts.push(format!("c:{c}"));
            }
        }
        // Tokens are per component: other components' links do not bind this one.
        let root = root_of.get(p as usize).copied().unwrap_or(0);
        let ids: Vec<usize> = ts
            .into_iter()
            .map(|t| node(&mut tokens, &mut parent, format!("{root}/{t}")))
            .collect();
        for w in ids.windows(2) {
            if let [a, b] = *w {
                parent.union(a, b);
            }
        }
        inst_node.push(ids.first().copied());
    }
    let peak_node: Vec<Option<usize>> = estate
        .usage_peaks
        .iter()
        .map(|pk| {
            let p = product_of.get(pk.software.as_str()).copied().unwrap_or(0);
            let root = root_of.get(p as usize).copied().unwrap_or(0);
            metric_of(p).map(|_| {
                node(
                    &mut tokens,
                    &mut parent,
                    format!("{root}/o:{}", top(pk.org.as_deref())),
                )
            })
        })
        .collect();
    // Name each linked set by its smallest token (input-order independent).
    let mut name: BTreeMap<usize, String> = BTreeMap::new();
    for (t, &i) in &tokens {
        let r = parent.find(i);
        name.entry(r).or_insert_with(|| t.clone());
    }
    let mut label = |n: Option<usize>| -> String {
        n.map(|i| parent.find(i))
            .and_then(|r| name.get(&r).cloned())
            .unwrap_or_default()
    };
    Cells {
        installs: inst_node.into_iter().map(&mut label).collect(),
        peaks: peak_node.into_iter().map(&mut label).collect(),
    }
}
