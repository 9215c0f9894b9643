//! Stage 2: facts → units per consumer through the metric rules, each consumer placed in its
//! product line, choice unit and eligibility group (stage 3), and named.

use std::collections::BTreeMap;

use itam_core::Decimal;
use itam_core::estate::{Metric, VersionPlace};

use super::candidates::{candidates, metric_choices, unit_key};
use super::eligibility::{
    Class, Group, RangeKey, VersionVerdict, depth_verdict, needs_depth, reject, representatives,
    verdicts,
};
use super::internal;
use super::{EntInfo, Line, Plan, Row, Rule};
use crate::error::ReconcileError;
use crate::metrics::{ConsumerKind, Demand, Outside, Tables, consume};
use crate::model::{Model, NONE};
use crate::policy::{MetricParams, Policy, Terms};
use crate::position::{Reason, Status, Verdict};
use crate::unionfind::UnionFind;

impl<'a> Plan<'a> {
    pub(super) fn new(model: Model<'a>, policy: &'a Policy) -> Result<Self, ReconcileError> {
        let m = &model;
        let estate = m.estate;
        let as_of = policy.as_of;
        for (name, d) in &policy.params.definitions {
            if let Some(why) = d.problem() {
                return Err(ReconcileError::InvalidTerms {
                    at: format!("/params/definitions/{name}"),
                    why,
                });
            }
        }
        let mut rules = Rules::new(&policy.params);
        let mut ents: Vec<EntInfo> = Vec::with_capacity(estate.entitlements.len());
        for (i, e) in estate.entitlements.iter().enumerate() {
            if let Some(why) = e.terms.problem() {
                return Err(ReconcileError::InvalidTerms {
                    at: format!("/entitlements/{i}/terms"),
                    why,
                });
            }
            let rule = rules.of(&e.metric, &e.terms);
            let counts = rules.list.get(rule as usize).is_some_and(Rule::counts);
            ents.push(EntInfo {
                status: if e.end.is_some_and(|end| end < as_of) {
                    Status::Expired
                } else if e.start.is_some_and(|s| s > as_of) {
                    Status::NotYetValid
                } else {
                    Status::Active
                },
                // Whole units only: every metric counts whole units, so a fraction of the
                // quantity can cover no consumer (the position shows it).
                capacity: if e.unlimited {
                    u64::MAX
                } else {
                    e.whole_units()
                },
                true_up: e.true_up,
                cost: e.unit_cost.unwrap_or(Decimal::ZERO),
                rule,
                counts,
            });
        }
        let mut cands = candidates(m);
        if policy.unlimited_first {
            for c in &mut cands {
                c.sort_by_key(|&e| {
                    !estate
                        .entitlements
                        .get(e as usize)
                        .is_some_and(|x| x.unlimited)
                });
            }
        }
        let mut by_id: Vec<(&str, u32)> = estate
            .entitlements
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i as u32))
            .collect();
        by_id.sort_unstable();
        let mut ent_rank = vec![0u32; by_id.len()];
        for (rank, &(_, e)) in by_id.iter().enumerate() {
            if let Some(slot) = ent_rank.get_mut(e as usize) {
                *slot = rank as u32;
            }
        }
        // Entitlements with equal version sets share one set number, so where a version text
        // lies in a set is decided once per (set, tag, text) rather than per candidate. The
        // tag counts only for sets with a tagged span.
        let mut range_ids: BTreeMap<Vec<(Option<&str>, RangeKey<'_>)>, u32> = BTreeMap::new();
        let mut set_tagged: Vec<bool> = Vec::new();
        let ent_range: Vec<u32> = estate
            .entitlements
            .iter()
            .map(|e| {
                let next = range_ids.len() as u32;
                let spans = e.scope.versions.spans();
                *range_ids
                    .entry(
                        spans
                            .iter()
                            .map(|s| {
                                (
                                    s.tag_id.as_ref().map(|t| t.as_str()),
                                    RangeKey::of(&s.range),
                                )
                            })
                            .collect(),
                    )
                    .or_insert_with(|| {
                        set_tagged.push(spans.iter().any(|s| s.tag_id.is_some()));
                        next
                    })
            })
            .collect();
        let mut placement: BTreeMap<(u32, &str, &str), VersionPlace> = BTreeMap::new();
        let mut tables = Tables::default();
        let mut lines: Vec<Line> = Vec::with_capacity(m.products.len());
        let mut peaks = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let mut unit_alts: Vec<u32> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut group_index: GroupIndex = BTreeMap::new();
        // The notes of downgrade rights with a depth, as first met (`Group::notes` index
        // them until they are renumbered in text order below).
        let mut raw_notes: Vec<String> = Vec::new();
        let mut note_ids: BTreeMap<String, u32> = BTreeMap::new();
        for (p, cs) in cands.iter().enumerate() {
            let p32 = p as u32;
            let basis = cs
                .iter()
                .find(|&&e| {
                    ents.get(e as usize)
                        .is_some_and(|i| i.status == Status::Active)
                })
                .or_else(|| cs.first())
                .and_then(|&e| ents.get(e as usize))
                .map_or_else(
                    || rules.of(&policy.default_metric, &Terms::default()),
                    |e| e.rule,
                );
            let metrics = metric_choices(m, &ents, cs, p32, basis);
            let choice_start = rows.len();
            // Devices and users pinned by any candidate: only their consumers carry pins.
            let mut pinned_devs: Vec<u32> = Vec::new();
            let mut pinned_users: Vec<u32> = Vec::new();
            for &e in cs {
                pinned_devs.extend(m.pinned_devices.get(e as usize).into_iter().flatten());
                pinned_users.extend(m.pinned_users.get(e as usize).into_iter().flatten());
            }
            pinned_devs.sort_unstable();
            pinned_devs.dedup();
            pinned_users.sort_unstable();
            pinned_users.dedup();
            // Version verdicts per (variant, candidate), computed once per product; the
            // place of a version text in a range is remembered across products.
            let mut versions: Vec<VersionVerdict> =
                Vec::with_capacity(m.variants.get(p).map_or(0, Vec::len) * cs.len());
            let plain = |reject: Option<Reason>| VersionVerdict { reject, note: NONE };
            for &sw in m.variants.get(p).map_or(&[][..], Vec::as_slice) {
                let Some(software) = estate.software.get(sw as usize) else {
                    versions.extend(
                        cs.iter()
                            .map(|_| plain(Some(Reason::OtherSoftwareIdentity))),
                    );
                    continue;
                };
                let version = software.version.as_str();
                for &e in cs {
                    let Some(x) = estate.entitlements.get(e as usize) else {
                        versions.push(plain(None));
                        continue;
                    };
                    let range = ent_range.get(e as usize).copied().unwrap_or(NONE);
                    let tag = if set_tagged.get(range as usize).copied().unwrap_or(true) {
                        software.tag_id.as_str()
                    } else {
                        ""
                    };
                    let place = *placement
                        .entry((range, tag, version))
                        .or_insert_with(|| x.scope.versions.place(&software.tag_id, version));
                    if !needs_depth(place, x) {
                        versions.push(plain(reject(place, x)));
                        continue;
                    }
                    let (reject, note) = depth_verdict(place, x, software);
                    let note = note.map_or(NONE, |text| {
                        *note_ids.entry(text).or_insert_with_key(|text| {
                            raw_notes.push(text.clone());
                            (raw_notes.len() - 1) as u32
                        })
                    });
                    versions.push(VersionVerdict { reject, note });
                }
            }
            // Orgs (environments) that no candidate tells apart give the same verdicts:
            // classes are keyed by one representative of each, so a verdict vector is
            // computed per distinct case rather than per org × environment.
            let (org_rep, env_rep) = representatives(m, cs);
            let small = |x: u32| if x == NONE { 0 } else { x as usize + 1 };
            let rep = |table: &[u32], x: u32| table.get(small(x)).copied().unwrap_or(x);
            for (alt, &rule) in metrics.iter().enumerate() {
                let line = lines.len() as u32;
                let r = rules
                    .list
                    .get(rule as usize)
                    .ok_or_else(|| internal("consumption", "counting rule out of range"))?;
                let metric = &r.metric;
                let (demands, peak) = consume(
                    m,
                    &r.params,
                    r.terms.definition.as_ref(),
                    as_of,
                    &mut tables,
                    p32,
                    metric,
                );
                lines.push(Line {
                    product: p32,
                    metric: metric.clone(),
                    rule,
                    alt: alt as u32,
                });
                if let Some(peak) = peak {
                    peaks.push((line, peak));
                }
                let mut class_group: BTreeMap<Class, u32> = BTreeMap::new();
                // Fast path for classes without pins inside the metric's rule: a direct table
                // over (variant, org, env); the map above serves the rest.
                let (no, ne) = (m.orgs.len() + 1, m.envs.len() + 1);
                let nv = m.variants.get(p).map_or(0, Vec::len).max(1);
                let fast_len = nv.saturating_mul(no).saturating_mul(ne);
                let mut fast: Vec<u32> = if fast_len <= 1 << 16 {
                    vec![NONE; fast_len]
                } else {
                    Vec::new()
                };
                rows.reserve(demands.len());
                for d in demands {
                    let any_pins = (d.pin_device != NONE
                        && pinned_devs.binary_search(&d.pin_device).is_ok())
                        || (d.pin_user != NONE && pinned_users.binary_search(&d.pin_user).is_ok());
                    let (org, env) = (rep(&org_rep, d.org), rep(&env_rep, d.env));
                    let slot = (!any_pins && d.outside == Outside::No && !fast.is_empty())
                        .then(|| (d.variant as usize * no + small(org)) * ne + small(env));
                    if let Some(g) = slot
                        .and_then(|i| fast.get(i))
                        .copied()
                        .filter(|&g| g != NONE)
                    {
                        rows.push(Row::new(d, line, g));
                        continue;
                    }
                    let pins = if any_pins {
                        cs.iter()
                            .enumerate()
                            .filter(|&(_, &e)| {
                                (d.pin_device != NONE
                                    && m.pinned_devices
                                        .get(e as usize)
                                        .is_some_and(|v| v.binary_search(&d.pin_device).is_ok()))
                                    || (d.pin_user != NONE
                                        && m.pinned_users
                                            .get(e as usize)
                                            .is_some_and(|v| v.binary_search(&d.pin_user).is_ok()))
                            })
                            .map(|(i, _)| i as u32)
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let class = Class {
                        variant: d.variant,
                        org,
                        env,
                        outside: d.outside,
                        pins,
                    };
                    let g = match class_group.get(&class) {
                        Some(&g) => g,
                        None => {
                            let group = verdicts(m, &ents, metric, rule, cs, &versions, &class);
                            // Keyed by entitlement rank (by id), not input position, so
                            // group numbers do not depend on the input order.
                            let rank = |e: u32| ent_rank.get(e as usize).copied().unwrap_or(e);
                            let key = (
                                group.pinned,
                                group.verdicts.iter().map(|&(e, v)| (rank(e), v)).collect(),
                                group
                                    .notes
                                    .iter()
                                    .map(|&(e, n)| {
                                        let text = raw_notes.get(n as usize).cloned();
                                        (rank(e), text.unwrap_or_default())
                                    })
                                    .collect(),
                            );
                            let g = *group_index.entry(key).or_insert_with(|| {
                                groups.push(group);
                                (groups.len() - 1) as u32
                            });
                            class_group.insert(class, g);
                            g
                        }
                    };
                    if let Some(x) = slot.and_then(|i| fast.get_mut(i)) {
                        *x = g;
                    }
                    rows.push(Row::new(d, line, g));
                }
            }
            if metrics.len() > 1 {
                assign_units(
                    m,
                    p32,
                    rows.get_mut(choice_start..).unwrap_or(&mut []),
                    metrics.len() as u32,
                    &mut unit_alts,
                );
            }
        }
        // Groups numbered in the order of their keys, so no index depends on input order.
        let mut renumber = vec![0u32; groups.len()];
        for (rank, &g) in group_index.values().enumerate() {
            if let Some(slot) = renumber.get_mut(g as usize) {
                *slot = rank as u32;
            }
        }
        let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
        let mut groups: Vec<Group> = group_index
            .values()
            .filter_map(|&g| slots.get_mut(g as usize).and_then(Option::take))
            .collect();
        // The notes the groups use, in text order, so that no index depends on input order
        // and a note no consumer's group uses is not kept.
        let mut used: Vec<u32> = groups
            .iter()
            .flat_map(|g| g.notes.iter().map(|&(_, n)| n))
            .collect();
        used.sort_unstable_by(|&a, &b| raw_notes.get(a as usize).cmp(&raw_notes.get(b as usize)));
        used.dedup();
        let mut note_at = vec![NONE; raw_notes.len()];
        for (i, &n) in used.iter().enumerate() {
            if let Some(slot) = note_at.get_mut(n as usize) {
                *slot = i as u32;
            }
        }
        for g in &mut groups {
            for (_, n) in &mut g.notes {
                *n = note_at
                    .get(*n as usize)
                    .copied()
                    .filter(|&x| x != NONE)
                    .ok_or_else(|| internal("consumption", "note number out of range"))?;
            }
        }
        let notes: Vec<String> = used
            .iter()
            .filter_map(|&n| raw_notes.get(n as usize).cloned())
            .collect();
        for r in &mut rows {
            r.group = *renumber
                .get(r.group as usize)
                .ok_or_else(|| internal("consumption", "group number out of range"))?;
        }
        // Names, sorted as strings; consumers sorted by (line, name).
        let (names, index) = name_consumers(m, &tables, &rows)?;
        for (r, name) in rows.iter_mut().zip(index) {
            r.name = name;
        }
        // Consumers of one line are contiguous: sort each run by name, in place.
        let mut a = 0usize;
        while a < rows.len() {
            let run = rows.get_mut(a..).unwrap_or(&mut []);
            let line = run.first().map(|r| r.line);
            let b = run.partition_point(|r| Some(r.line) == line);
            if let Some(run) = run.get_mut(..b) {
                if !run.is_sorted_by_key(|r| r.name) {
                    run.sort_unstable_by_key(|r| r.name);
                }
            }
            a += b.max(1);
        }
        Ok(Self {
            m: model,
            policy,
            ents,
            rules: rules.list,
            cands,
            lines,
            peaks,
            rows,
            unit_alts,
            names,
            groups,
            notes,
        })
    }
}

/// The counting rules met so far, each once.
struct Rules<'p> {
    params: &'p MetricParams,
    /// The policy's terms (every one set).
    defaults: Terms,
    list: Vec<Rule>,
    ids: BTreeMap<(Metric, Terms), u32>,
}

impl<'p> Rules<'p> {
    fn new(params: &'p MetricParams) -> Self {
        Self {
            params,
            defaults: params.terms(),
            list: Vec::new(),
            ids: BTreeMap::new(),
        }
    }

    /// The rule of `metric` counted under `terms` (unset terms the policy's).
    fn of(&mut self, metric: &Metric, terms: &Terms) -> u32 {
        let mut policy = self.defaults.for_metric(metric);
        if let Metric::Other(name) = metric {
            policy.definition = self.params.definitions.get(name).cloned();
        }
        let read = terms.for_metric(metric).over(&policy);
        let next = self.list.len() as u32;
        let key = (metric.clone(), read);
        if let Some(&r) = self.ids.get(&key) {
            return r;
        }
        let (metric, terms) = key;
        let own = terms != policy;
        self.ids.insert((metric.clone(), terms.clone()), next);
        self.list.push(Rule {
            params: self.params.with(&terms),
            metric,
            terms,
            own,
        });
        next
    }
}

/// Groups by (pinned, verdicts by entitlement rank, notes by entitlement rank and text).
type GroupIndex = BTreeMap<(bool, Vec<(u32, Verdict)>, Vec<(u32, String)>), u32>;

/// Numbers the *choice units* of a product counted in several metrics: the consumers of
/// all its metrics (`consumers`), linked when they touch the same aggregation unit (host or
/// cluster; a user touches those of the devices it uses; an estate, organisation or
/// core-factor-group consumer touches all). Each connected set is one unit, counted in one
/// metric; each row gets its unit and `unit_alts` one entry per new unit.
fn assign_units(m: &Model<'_>, p: u32, consumers: &mut [Row], alts: u32, unit_alts: &mut Vec<u32>) {
    const ALL: u64 = u64::MAX;
    let rows = m.installs_of(p);
    let per: Vec<Vec<u64>> = consumers
        .iter()
        .map(|r| &r.demand)
        .map(|d| match d.kind {
            ConsumerKind::Device | ConsumerKind::Host => vec![unit_key(m, d.name)],
            ConsumerKind::Cluster => vec![(1 << 32) | u64::from(d.name)],
            ConsumerKind::User => rows
                .iter()
                .filter(|r| r[3] == d.name)
                .map(|r| unit_key(m, r[1]))
                .collect(),
            _ => vec![ALL],
        })
        .collect();
    let mut keys: Vec<u64> = per
        .iter()
        .flatten()
        .copied()
        .filter(|&k| k != ALL)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut parent = UnionFind::new(keys.len());
    let ids = |list: &[u64]| -> Vec<usize> {
        if list.contains(&ALL) {
            (0..keys.len()).collect()
        } else {
            list.iter()
                .filter_map(|k| keys.binary_search(k).ok())
                .collect()
        }
    };
    for list in &per {
        for w in ids(list).windows(2) {
            let &[a, b] = w else { continue };
            parent.union(a, b);
        }
    }
    let mut unit_of_root: BTreeMap<usize, u32> = BTreeMap::new();
    for (list, slot) in per.iter().zip(consumers.iter_mut().map(|r| &mut r.unit)) {
        let root = ids(list).first().map_or(usize::MAX, |&i| parent.find(i));
        *slot = *unit_of_root.entry(root).or_insert_with(|| {
            unit_alts.push(alts);
            (unit_alts.len() - 1) as u32
        });
    }
}

/// Consumer names (`kind:name`), sorted; and each consumer's index into them.
fn name_consumers(
    m: &Model<'_>,
    tables: &Tables,
    rows: &[Row],
) -> Result<(Vec<String>, Vec<u32>), ReconcileError> {
    const KINDS: [ConsumerKind; 7] = [
        ConsumerKind::Device,
        ConsumerKind::Host,
        ConsumerKind::Cluster,
        ConsumerKind::CoreFactorGroup,
        ConsumerKind::User,
        ConsumerKind::Org,
        ConsumerKind::Estate,
    ];
    let kind_no = |k: ConsumerKind| KINDS.iter().position(|&x| x == k).unwrap_or(0);
    let space = |k: ConsumerKind| match k {
        ConsumerKind::Device | ConsumerKind::Host => m.estate.devices.len(),
        ConsumerKind::Cluster => m.clusters.len(),
        ConsumerKind::CoreFactorGroup => tables.factors.len(),
        ConsumerKind::User => m.users.len(),
        ConsumerKind::Org => m.orgs.len(),
        ConsumerKind::Estate => 0,
    } + 1;
    // Per kind, per name (the last slot stands for NONE): the name's index, once known.
    let mut used: Vec<Vec<u32>> = KINDS.iter().map(|&k| vec![NONE; space(k)]).collect();
    let slot_of = |k: ConsumerKind, name: u32| -> usize {
        let n = space(k) - 1;
        if (name as usize) < n {
            name as usize
        } else {
            n
        }
    };
    let mut named: Vec<(String, ConsumerKind, u32)> = Vec::new();
    for d in rows.iter().map(|r| &r.demand) {
        let Some(slot) = used
            .get_mut(kind_no(d.kind))
            .and_then(|t| t.get_mut(slot_of(d.kind, d.name)))
        else {
            continue;
        };
        if *slot != NONE {
            continue;
        }
        *slot = 0;
        let n = d.name as usize;
        let text = match d.kind {
            ConsumerKind::Device | ConsumerKind::Host => m
                .device(d.name)
                .map(|x| x.id.to_string())
                .unwrap_or_default(),
            ConsumerKind::Cluster => m
                .clusters
                .get(n)
                .map(|s| (*s).to_owned())
                .unwrap_or_default(),
            ConsumerKind::CoreFactorGroup => tables
                .factors
                .get(n)
                .map(ToString::to_string)
                .unwrap_or_default(),
            ConsumerKind::User => m.users.get(n).map(|s| (*s).to_owned()).unwrap_or_default(),
            ConsumerKind::Org => m.orgs.get(n).cloned().unwrap_or_default(),
            ConsumerKind::Estate => String::new(),
        };
        let full = if d.kind == ConsumerKind::Estate {
            "estate".to_owned()
        } else {
            format!("{}:{text}", d.kind.as_str())
        };
        named.push((full, d.kind, d.name));
    }
    named.sort();
    for (i, (_, k, name)) in named.iter().enumerate() {
        if let Some(slot) = used
            .get_mut(kind_no(*k))
            .and_then(|t| t.get_mut(slot_of(*k, *name)))
        {
            *slot = i as u32;
        }
    }
    let index = rows
        .iter()
        .map(|r| &r.demand)
        .map(|d| {
            used.get(kind_no(d.kind))
                .and_then(|t| t.get(slot_of(d.kind, d.name)))
                .copied()
                .filter(|&i| i != NONE)
                .ok_or_else(|| internal("consumption", "consumer without a name"))
        })
        .collect::<Result<_, _>>()?;
    Ok((named.into_iter().map(|x| x.0).collect(), index))
}

impl Row {
    fn new(demand: Demand, line: u32, group: u32) -> Self {
        Self {
            demand,
            line,
            unit: NONE,
            group,
            name: 0,
        }
    }
}
