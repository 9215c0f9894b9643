//! The estate interned into indices: what the consumption and allocation layers work on.

use itam_core::Decimal;
use itam_core::estate::{DeviceKind, Environment, Estate, Pin, Software, org_within};

use crate::error::ReconcileError;

/// "None" for optional indices.
pub(crate) const NONE: u32 = u32::MAX;

/// A product: publisher, product and edition, compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ProductKey {
    pub publisher: String,
    pub product: String,
    pub edition: String,
}

/// A device's capacity on one day (an [`itam_core::estate::CapacitySample`] resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Sample {
    pub device: u32,
    pub at: chrono::NaiveDate,
    /// Cores that day (the record's when the sample gives none).
    pub cores: u64,
    /// The physical server it ran on that day (itself when physical).
    pub phys: u32,
}

/// A measurement with its references resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Measure {
    pub product: u32,
    /// Index into `Model::resources`.
    pub resource: u32,
    /// The device measured (NONE = none).
    pub device: u32,
    /// Org index (NONE = none).
    pub org: u32,
    /// Variant rank of the software measured.
    pub variant: u32,
    pub value: Decimal,
}

/// The estate with every reference resolved to an index.
#[derive(Debug)]
pub(crate) struct Model<'a> {
    pub estate: &'a Estate,
    /// Per device: the physical server it runs on (itself when physical).
    pub phys: Vec<u32>,
    /// Per device: cluster index of its physical server, or NONE.
    pub cluster: Vec<u32>,
    /// Cluster names, sorted.
    pub clusters: Vec<&'a str>,
    /// Per cluster: its physical hosts, ascending.
    pub cluster_hosts: Vec<Vec<u32>>,
    /// Organisation units, sorted; index NONE = none.
    pub orgs: Vec<String>,
    /// Per org: which orgs it lies within (itself included), as a sorted list.
    pub org_ancestors: Vec<Vec<u32>>,
    /// Per device: org index.
    pub dev_org: Vec<u32>,
    /// Per device: environment index into `envs`.
    pub dev_env: Vec<u32>,
    /// Environments, sorted.
    pub envs: Vec<Environment>,
    /// User ids: declared users first, then those only named by installations.
    pub users: Vec<&'a str>,
    /// Per user: org index.
    pub user_org: Vec<u32>,
    /// Products, sorted by key.
    pub products: Vec<ProductKey>,
    /// Per product: software indices by ascending version (the variant order).
    pub variants: Vec<Vec<u32>>,
    /// Per software: (product, variant rank).
    pub software: Vec<(u32, u32)>,
    /// Installations as (product, device, variant, user), grouped by product, then device.
    pub installs: Vec<[u32; 4]>,
    /// Per product: the range of `installs` holding it.
    pub install_range: Vec<(usize, usize)>,
    /// Peaks as (product, org, variant, peak).
    pub peaks: Vec<(u32, u32, u32, u64)>,
    /// Capacity samples, sorted by device, then day (at most one per device and day).
    pub samples: Vec<Sample>,
    /// Measurements, sorted by (product, resource, device, org, variant).
    pub measures: Vec<Measure>,
    /// Resource names of the measurements, sorted (a [`Measure::resource`] indexes it).
    pub resources: Vec<&'a str>,
    /// Entitlement pins resolved: per entitlement, devices and users pinned.
    pub pinned_devices: Vec<Vec<u32>>,
    /// Per entitlement: users pinned.
    pub pinned_users: Vec<Vec<u32>>,
    /// Per entitlement: org index of its org scope (NONE = any); an org named only by an
    /// entitlement is interned too.
    pub ent_org: Vec<u32>,
}

pub(crate) fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

fn index_of(sorted: &[&str], s: &str) -> u32 {
    sorted
        .binary_search(&s)
        .ok()
        .and_then(|i| u32::try_from(i).ok())
        .unwrap_or(NONE)
}

fn idx(i: usize) -> Result<u32, ReconcileError> {
    u32::try_from(i)
        .ok()
        .filter(|&i| i != NONE)
        .ok_or(ReconcileError::TooLarge)
}

impl<'a> Model<'a> {
    pub fn new(estate: &'a Estate) -> Result<Self, ReconcileError> {
        // Devices.
        if estate.devices.len() >= NONE as usize {
            return Err(ReconcileError::TooLarge);
        }
        let (dev_index, dup) =
            StrIndex::new(estate.devices.iter().map(|d| d.id.as_str()).collect());
        if let Some(id) = dup {
            return Err(ReconcileError::DuplicateId {
                kind: "device",
                id: id.to_owned(),
            });
        }
        let find_dev = |id: &str| dev_index.get(id);
        let n = estate.devices.len();
        let mut phys = Vec::with_capacity(n);
        for (i, d) in estate.devices.iter().enumerate() {
            let me = idx(i)?;
            if let (DeviceKind::Physical, Some(placement)) = (d.kind, d.placement) {
                return Err(ReconcileError::InvalidPlacement {
                    at: format!("/devices/{i}/placement"),
                    device: d.id.to_string(),
                    placement: serde_json::to_value(placement)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                });
            }
            phys.push(match (d.kind, &d.host) {
                (DeviceKind::Physical, _) => me,
                (DeviceKind::Virtual, None) => {
                    return Err(ReconcileError::VmWithoutHost {
                        device: d.id.to_string(),
                    });
                }
                (DeviceKind::Virtual, Some(h)) => {
                    let h_i =
                        find_dev(h.as_str()).ok_or_else(|| ReconcileError::UnknownReference {
                            what: "host",
                            at: format!("/devices/{i}/host"),
                            id: h.to_string(),
                        })?;
                    let host = estate.devices.get(h_i as usize);
                    if host.map(|h| h.kind) != Some(DeviceKind::Physical) {
                        return Err(ReconcileError::HostNotPhysical {
                            device: d.id.to_string(),
                            host: h.to_string(),
                        });
                    }
                    h_i
                }
            });
        }
        // Clusters (of physical hosts).
        let mut clusters: Vec<&str> = estate
            .devices
            .iter()
            .filter(|d| d.kind == DeviceKind::Physical)
            .filter_map(|d| d.cluster.as_deref())
            .collect();
        clusters.sort_unstable();
        clusters.dedup();
        let mut cluster_hosts = vec![Vec::new(); clusters.len()];
        for (i, d) in estate.devices.iter().enumerate() {
            if d.kind == DeviceKind::Physical {
                if let Some(c) = d.cluster.as_deref() {
                    let ci = index_of(&clusters, c);
                    if let Some(h) = cluster_hosts.get_mut(ci as usize) {
                        h.push(idx(i)?);
                    }
                }
            }
        }
        // Per device: the cluster of its physical host.
        let cluster: Vec<u32> = phys
            .iter()
            .map(|&p| {
                estate
                    .devices
                    .get(p as usize)
                    .and_then(|d| d.cluster.as_deref())
                    .map_or(NONE, |c| index_of(&clusters, c))
            })
            .collect();
        // Orgs.
        let mut org_names: Vec<&str> = Vec::new();
        org_names.extend(estate.devices.iter().filter_map(|d| d.org.as_deref()));
        org_names.extend(estate.users.iter().filter_map(|u| u.org.as_deref()));
        org_names.extend(estate.usage_peaks.iter().filter_map(|u| u.org.as_deref()));
        org_names.extend(estate.measurements.iter().filter_map(|u| u.org.as_deref()));
        org_names.extend(estate.entitlements.iter().filter_map(|e| e.org.as_deref()));
        org_names.sort_unstable();
        org_names.dedup();
        let org_ancestors = org_names
            .iter()
            .map(|inner| {
                org_names
                    .iter()
                    .enumerate()
                    .filter(|(_, outer)| org_within(inner, outer))
                    .filter_map(|(j, _)| u32::try_from(j).ok())
                    .collect()
            })
            .collect();
        let org_of = |o: Option<&str>| o.map_or(NONE, |o| index_of(&org_names, o));
        let dev_org = estate
            .devices
            .iter()
            .map(|d| org_of(d.org.as_deref()))
            .collect();
        let mut envs: Vec<Environment> = estate
            .devices
            .iter()
            .map(|d| d.environment.clone())
            .collect();
        envs.sort();
        envs.dedup();
        let dev_env = estate
            .devices
            .iter()
            .map(|d| {
                envs.binary_search(&d.environment)
                    .ok()
                    .and_then(|i| u32::try_from(i).ok())
                    .unwrap_or(NONE)
            })
            .collect();
        // Users: declared ones first, then those only named by installations.
        let (mut user_index, dup) =
            StrIndex::new(estate.users.iter().map(|u| u.id.as_str()).collect());
        if let Some(id) = dup {
            return Err(ReconcileError::DuplicateId {
                kind: "user",
                id: id.to_owned(),
            });
        }
        // Software and products.
        if estate.software.len() >= NONE as usize {
            return Err(ReconcileError::TooLarge);
        }
        let (tag_index, dup) =
            StrIndex::new(estate.software.iter().map(|s| s.tag_id.as_str()).collect());
        if let Some(id) = dup {
            return Err(ReconcileError::DuplicateId {
                kind: "software",
                id: id.to_owned(),
            });
        }
        let keys: Vec<ProductKey> = estate
            .software
            .iter()
            .map(|s| ProductKey {
                publisher: norm(&s.publisher),
                product: norm(&s.product),
                edition: s.edition.as_deref().map(norm).unwrap_or_default(),
            })
            .collect();
        let mut products: Vec<ProductKey> = keys.clone();
        products.sort();
        products.dedup();
        // Per product: its software (index and entry, so that sorting needs no lookup) by
        // ascending version. Versions of different schemes do not compare: the scheme comes
        // first, so the order is total (a comparison by either side's scheme alone is not
        // antisymmetric, which leaves the order to the input's and lets `sort_by` panic).
        let mut by_product: Vec<Vec<(u32, &Software)>> = vec![Vec::new(); products.len()];
        let mut software = vec![(0u32, 0u32); estate.software.len()];
        for (i, (k, s)) in keys.iter().zip(&estate.software).enumerate() {
            let p = products.binary_search(k).unwrap_or(0);
            if let Some(v) = by_product.get_mut(p) {
                v.push((idx(i)?, s));
            }
        }
        let mut variants: Vec<Vec<u32>> = Vec::with_capacity(by_product.len());
        for (p, mut list) in by_product.into_iter().enumerate() {
            list.sort_by(|(_, sa), (_, sb)| {
                sa.version_scheme
                    .cmp(&sb.version_scheme)
                    .then_with(|| sa.version_scheme.total_cmp(&sa.version, &sb.version))
                    .then_with(|| sa.tag_id.cmp(&sb.tag_id))
            });
            for (rank, &(s, _)) in list.iter().enumerate() {
                if let Some(slot) = software.get_mut(s as usize) {
                    *slot = (idx(p)?, idx(rank)?);
                }
            }
            variants.push(list.into_iter().map(|(s, _)| s).collect());
        }
        let find_sw = |id: &str| tag_index.get(id);
        // Installations. Consecutive installations usually share a device: remember the last.
        let mut installs = Vec::with_capacity(estate.installations.len());
        let mut last_dev: (&str, u32) = ("", NONE);
        let mut last_sw: (&str, u32) = ("", NONE);
        for (i, inst) in estate.installations.iter().enumerate() {
            let d = if last_dev.1 != NONE && last_dev.0 == inst.device.as_str() {
                last_dev.1
            } else {
                let d = find_dev(inst.device.as_str()).ok_or_else(|| {
                    ReconcileError::UnknownReference {
                        what: "device",
                        at: format!("/installations/{i}/device"),
                        id: inst.device.to_string(),
                    }
                })?;
                last_dev = (inst.device.as_str(), d);
                d
            };
            let s = if last_sw.1 != NONE && last_sw.0 == inst.software.as_str() {
                last_sw.1
            } else {
                let s = find_sw(inst.software.as_str()).ok_or_else(|| {
                    ReconcileError::UnknownReference {
                        what: "software",
                        at: format!("/installations/{i}/software"),
                        id: inst.software.to_string(),
                    }
                })?;
                last_sw = (inst.software.as_str(), s);
                s
            };
            let (p, v) = software.get(s as usize).copied().unwrap_or((0, 0));
            let u = inst.user.as_deref().map_or(NONE, |u| user_index.intern(u));
            installs.push([p, d, v, u]);
        }
        let users: Vec<&str> = user_index.keys().to_vec();
        let mut user_org = vec![NONE; users.len()];
        for (u, slot) in estate.users.iter().zip(user_org.iter_mut()) {
            *slot = org_of(u.org.as_deref());
        }
        // Counting sort by product (stable), then each product's rows by device when they
        // are not already (consumption only needs a device's rows to be adjacent).
        let mut install_range = vec![(0usize, 0usize); products.len()];
        for r in &installs {
            if let Some(slot) = install_range.get_mut(r[0] as usize) {
                slot.1 += 1;
            }
        }
        let mut next = 0usize;
        for slot in &mut install_range {
            let n = slot.1;
            *slot = (next, next + n);
            next += n;
        }
        let mut fill: Vec<usize> = install_range.iter().map(|r| r.0).collect();
        let mut sorted = vec![[0u32; 4]; installs.len()];
        for r in &installs {
            if let Some(at) = fill.get_mut(r[0] as usize) {
                if let Some(slot) = sorted.get_mut(*at) {
                    *slot = *r;
                }
                *at += 1;
            }
        }
        drop(installs);
        let mut installs = sorted;
        for &(a, b) in &install_range {
            if let Some(rows) = installs.get_mut(a..b) {
                if !rows.is_sorted_by_key(|r| r[1]) {
                    rows.sort_unstable_by_key(|r| r[1]);
                }
            }
        }
        let mut peaks = Vec::with_capacity(estate.usage_peaks.len());
        for (i, pk) in estate.usage_peaks.iter().enumerate() {
            let s =
                find_sw(pk.software.as_str()).ok_or_else(|| ReconcileError::UnknownReference {
                    what: "software",
                    at: format!("/usage_peaks/{i}/software"),
                    id: pk.software.to_string(),
                })?;
            let (p, v) = software.get(s as usize).copied().unwrap_or((0, 0));
            peaks.push((p, org_of(pk.org.as_deref()), v, pk.peak));
        }
        peaks.sort_unstable();
        let mut samples = Vec::with_capacity(estate.capacity_samples.len());
        for (i, cs) in estate.capacity_samples.iter().enumerate() {
            let unknown = |what: &'static str, id: &str| ReconcileError::UnknownReference {
                what,
                at: format!("/capacity_samples/{i}/{what}"),
                id: id.to_owned(),
            };
            let device = find_dev(cs.device.as_str())
                .ok_or_else(|| unknown("device", cs.device.as_str()))?;
            let record = estate.devices.get(device as usize);
            let mut on = phys.get(device as usize).copied().unwrap_or(device);
            if let Some(h) = &cs.host {
                let invalid = |why: String| ReconcileError::InvalidSample {
                    at: format!("/capacity_samples/{i}/host"),
                    why,
                };
                if record.is_some_and(|d| d.kind == DeviceKind::Physical) {
                    return Err(invalid(format!(
                        "{:?} is physical: only a virtual device runs on a host",
                        cs.device.as_str()
                    )));
                }
                on = find_dev(h.as_str()).ok_or_else(|| unknown("host", h.as_str()))?;
                if estate.devices.get(on as usize).map(|d| d.kind) != Some(DeviceKind::Physical) {
                    return Err(invalid(format!("host {:?} is not physical", h.as_str())));
                }
            }
            let cores = cs
                .cores
                .or_else(|| record.map(|d| d.cores))
                .map_or(0, u64::from);
            samples.push((
                Sample {
                    device,
                    at: cs.at,
                    cores,
                    phys: on,
                },
                i,
            ));
        }
        samples.sort_unstable();
        for w in samples.windows(2) {
            if let [(a, _), (b, j)] = w {
                if (a.device, a.at) == (b.device, b.at) {
                    let id = estate
                        .devices
                        .get(a.device as usize)
                        .map_or("", |d| d.id.as_str());
                    return Err(ReconcileError::InvalidSample {
                        at: format!("/capacity_samples/{j}"),
                        why: format!(
                            "a second sample of device {id:?} on {}: at most one per device and day",
                            a.at
                        ),
                    });
                }
            }
        }
        let samples: Vec<Sample> = samples.into_iter().map(|(s, _)| s).collect();
        let mut resources: Vec<&str> = estate
            .measurements
            .iter()
            .map(|x| x.resource.as_str())
            .collect();
        resources.sort_unstable();
        resources.dedup();
        let mut measures = Vec::with_capacity(estate.measurements.len());
        for (i, x) in estate.measurements.iter().enumerate() {
            let unknown = |what: &'static str, id: &str| ReconcileError::UnknownReference {
                what,
                at: format!("/measurements/{i}/{what}"),
                id: id.to_owned(),
            };
            let s = find_sw(x.software.as_str())
                .ok_or_else(|| unknown("software", x.software.as_str()))?;
            let device = match &x.device {
                Some(d) => find_dev(d.as_str()).ok_or_else(|| unknown("device", d.as_str()))?,
                None => NONE,
            };
            let (product, variant) = software.get(s as usize).copied().unwrap_or((0, 0));
            measures.push(Measure {
                product,
                resource: index_of(&resources, x.resource.as_str()),
                device,
                org: org_of(x.org.as_deref()),
                variant,
                value: x.value,
            });
        }
        measures.sort_unstable();
        // Entitlements.
        let mut ent_ids: Vec<&str> = estate.entitlements.iter().map(|e| e.id.as_str()).collect();
        ent_ids.sort_unstable();
        if let Some(&[id, _]) = ent_ids.windows(2).find(|w| matches!(w, [a, b] if a == b)) {
            return Err(ReconcileError::DuplicateId {
                kind: "entitlement",
                id: id.to_owned(),
            });
        }
        let mut pinned_devices = Vec::with_capacity(estate.entitlements.len());
        let mut pinned_users = Vec::with_capacity(estate.entitlements.len());
        for (i, e) in estate.entitlements.iter().enumerate() {
            if let Some(cost) = e.unit_cost.filter(|c| c.is_sign_negative() && !c.is_zero()) {
                return Err(ReconcileError::NegativeCost {
                    id: e.id.to_string(),
                    at: format!("/entitlements/{i}/unit_cost"),
                    cost,
                });
            }
            let mut ds = Vec::new();
            let mut us = Vec::new();
            for p in &e.pinned {
                match p {
                    Pin::Device(d) => ds.extend(find_dev(d.as_str())),
                    Pin::User(u) => us.extend(user_index.get(u)),
                }
            }
            ds.sort_unstable();
            ds.dedup();
            us.sort_unstable();
            us.dedup();
            pinned_devices.push(ds);
            pinned_users.push(us);
        }
        let ent_org = estate
            .entitlements
            .iter()
            .map(|e| org_of(e.org.as_deref()))
            .collect();
        Ok(Self {
            estate,
            phys,
            cluster,
            clusters,
            cluster_hosts,
            orgs: org_names.into_iter().map(str::to_owned).collect(),
            org_ancestors,
            dev_org,
            dev_env,
            envs,
            users,
            user_org,
            products,
            variants,
            software,
            installs,
            install_range,
            peaks,
            samples,
            measures,
            resources,
            pinned_devices,
            pinned_users,
            ent_org,
        })
    }

    /// Whether org `inner` lies within org `outer` (NONE outer = anything).
    pub fn org_within(&self, inner: u32, outer: u32) -> bool {
        outer == NONE
            || self
                .org_ancestors
                .get(inner as usize)
                .is_some_and(|a| a.binary_search(&outer).is_ok())
    }

    /// The installations of product `p`, sorted by device.
    pub fn installs_of(&self, p: u32) -> &[[u32; 4]] {
        self.install_range
            .get(p as usize)
            .and_then(|&(a, b)| self.installs.get(a..b))
            .unwrap_or(&[])
    }

    /// The measurements of product `p` of resource `name`, sorted by device, then org.
    pub fn measures_of(&self, p: u32, name: &str) -> &[Measure] {
        let r = index_of(&self.resources, name);
        if r == NONE {
            return &[];
        }
        let a = self
            .measures
            .partition_point(|x| (x.product, x.resource) < (p, r));
        let b = self
            .measures
            .partition_point(|x| (x.product, x.resource) <= (p, r));
        self.measures.get(a..b.max(a)).unwrap_or(&[])
    }

    /// Device `d`.
    pub fn device(&self, d: u32) -> Option<&'a itam_core::estate::Device> {
        self.estate.devices.get(d as usize)
    }
}

/// A string → index table: open addressing with linear probing over FNV-1a hashes.
/// (`HashMap` is banned for its unordered iteration; this table is never iterated.)
#[derive(Debug)]
pub(crate) struct StrIndex<'a> {
    slots: Vec<u32>,
    keys: Vec<&'a str>,
    mask: usize,
}

fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl<'a> StrIndex<'a> {
    /// Indexes `keys` by position; the first of equal keys wins. Returns the table and the
    /// first duplicate found, if any.
    pub fn new(keys: Vec<&'a str>) -> (Self, Option<&'a str>) {
        let cap = (keys.len() * 2).next_power_of_two().max(2);
        let mut t = Self {
            slots: vec![NONE; cap],
            keys,
            mask: cap - 1,
        };
        let mut dup = None;
        for i in 0..t.keys.len() {
            let Some(&k) = t.keys.get(i) else { break };
            let mut s = (fnv1a(k) as usize) & t.mask;
            loop {
                match t.slots.get(s).copied() {
                    Some(NONE) => {
                        if let Some(slot) = t.slots.get_mut(s) {
                            *slot = i as u32;
                        }
                        break;
                    }
                    Some(j) if t.keys.get(j as usize) == Some(&k) => {
                        dup = dup.or(Some(k));
                        break;
                    }
                    Some(_) => s = (s + 1) & t.mask,
                    None => break,
                }
            }
        }
        (t, dup)
    }

    /// The index of `key`, adding it at the end when absent.
    pub fn intern(&mut self, key: &'a str) -> u32 {
        if let Some(i) = self.get(key) {
            return i;
        }
        if (self.keys.len() + 1) * 2 > self.slots.len() {
            let keys = std::mem::take(&mut self.keys);
            *self = Self::new_with_capacity(keys, self.slots.len() * 2);
        }
        let i = self.keys.len() as u32;
        self.keys.push(key);
        let mut s = (fnv1a(key) as usize) & self.mask;
        while let Some(slot) = self.slots.get_mut(s) {
            if *slot == NONE {
                *slot = i;
                break;
            }
            s = (s + 1) & self.mask;
        }
        i
    }

    fn new_with_capacity(keys: Vec<&'a str>, cap: usize) -> Self {
        let mut t = Self {
            slots: vec![NONE; cap.next_power_of_two().max(2)],
            keys: Vec::new(),
            mask: 0,
        };
        t.mask = t.slots.len() - 1;
        for k in keys {
            t.intern(k);
        }
        t
    }

    /// The keys, by index.
    pub fn keys(&self) -> &[&'a str] {
        &self.keys
    }

    /// The index of `key`.
    pub fn get(&self, key: &str) -> Option<u32> {
        let mut s = (fnv1a(key) as usize) & self.mask;
        loop {
            match self.slots.get(s).copied() {
                Some(NONE) | None => return None,
                Some(j) if self.keys.get(j as usize) == Some(&key) => return Some(j),
                Some(_) => s = (s + 1) & self.mask,
            }
        }
    }
}
