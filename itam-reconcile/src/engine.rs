//! The pipeline: interning, candidate entitlements, consumption, eligibility, allocation and
//! the position.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::Days;
use itam_core::Decimal;
use itam_core::estate::{Entitlement, Estate, Metric, VersionPlace};
use itam_core::version::Bound;

use crate::error::ReconcileError;
use crate::flow::Network;
use crate::metrics::{ConsumerKind, Demand, Tables, consume, env_value};
use crate::model::{Model, NONE, norm};
use crate::policy::{Mode, Policy};
use crate::position::{
    Alloc, Comparison, ConsumerLine, CurrencyAmount, EntitlementLine, Gap, GroupLine, Position,
    ProductLine, Reason, Status, Totals, Verdict, bucket, price_totals,
};
use itam_core::finance::Currency;

/// Reconciles `estate` under `policy`.
///
/// # Errors
/// When the estate's references do not resolve, or (Optimal mode) when a unit cost is beyond
/// the optimiser's exact range (see [`ReconcileError`]).
pub fn reconcile(estate: &Estate, policy: &Policy) -> Result<Position, ReconcileError> {
    prepare(estate, policy)?.allocate(policy.mode)
}

/// Reconciles `estate` in both modes (the policy's mode is ignored) and reports the gap.
///
/// # Errors
/// As [`reconcile`].
pub fn reconcile_both(estate: &Estate, policy: &Policy) -> Result<Comparison, ReconcileError> {
    prepare(estate, policy)?.both()
}

/// Runs the consumption layer: interns the estate, finds each product's candidate
/// entitlements, computes every consumer's units and groups consumers by eligibility. The
/// result can then be allocated in either mode, or both, without recomputing — and the two
/// phases can be timed apart (`itam bench reconcile`).
///
/// # Errors
/// When the estate's references do not resolve.
pub fn prepare<'a>(estate: &'a Estate, policy: &'a Policy) -> Result<Prepared<'a>, ReconcileError> {
    let m = Model::new(estate)?;
    Ok(Prepared(Plan::new(m, policy)))
}

/// An estate after the consumption layer, ready for allocation (see [`prepare`]).
#[derive(Debug)]
pub struct Prepared<'a>(Plan<'a>);

impl Prepared<'_> {
    /// Consumers found (every product, every metric).
    #[must_use]
    pub fn consumers(&self) -> usize {
        self.0.consumers.len()
    }

    /// Consumer groups (consumers sharing every eligibility verdict).
    #[must_use]
    pub fn groups(&self) -> usize {
        self.0.groups.len()
    }

    /// Allocates in `mode` and builds the position.
    ///
    /// # Errors
    /// In Optimal mode, when a unit cost is beyond the optimiser's exact range; in either
    /// mode, [`ReconcileError::CostOverflow`] when a cost reaches the largest decimal.
    pub fn allocate(&self, mode: Mode) -> Result<Position, ReconcileError> {
        self.0.position(mode)?.checked_costs()
    }

    /// Allocates in both modes and reports the gap.
    ///
    /// # Errors
    /// As [`allocate`](Self::allocate).
    pub fn both(&self) -> Result<Comparison, ReconcileError> {
        let priority = self.0.position(Mode::Priority)?;
        let optimal = self.0.position(Mode::Optimal)?.checked_costs()?;
        let priority = priority.checked_costs()?;
        let gap = Gap::between(&priority, &optimal);
        Ok(Comparison {
            priority,
            optimal,
            gap,
        })
    }
}

/// How good one combination of metric choices is: lower is better, field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    /// Units counted but not covered.
    short: u64,
    /// Σ units × unit cost, fixed point (10⁹).
    cost: i128,
    /// Units beyond true-up quantities.
    overflow: u64,
}

/// Static facts about one entitlement.
#[derive(Debug)]
struct EntInfo {
    status: Status,
    /// Units available; `u64::MAX` when unlimited.
    capacity: u64,
    true_up: bool,
    cost: Decimal,
}

/// Everything computed before allocation; shared by both modes.
#[derive(Debug)]
struct Plan<'a> {
    m: Model<'a>,
    policy: &'a Policy,
    ents: Vec<EntInfo>,
    /// Per product: candidate entitlements in priority order.
    cands: Vec<Vec<u32>>,
    /// Product lines (product × metric), by product, the Priority rule's metric first
    /// (`alt` 0), then the metrics the optimiser may choose instead.
    lines: Vec<Line>,
    /// Consumers, sorted by (line, name).
    consumers: Vec<Demand>,
    /// Per consumer: its line.
    consumer_line: Vec<u32>,
    /// Per consumer: its choice unit (see `assign_units`), NONE when its product has a
    /// single metric.
    consumer_unit: Vec<u32>,
    /// Per choice unit: how many metrics it may be counted in.
    unit_alts: Vec<u32>,
    /// Per consumer: group.
    consumer_group: Vec<u32>,
    /// Per consumer: index into `names`.
    consumer_name: Vec<u32>,
    names: Vec<String>,
    groups: Vec<Group>,
}

/// One product counted in one metric.
#[derive(Debug, Clone)]
struct Line {
    product: u32,
    metric: Metric,
    /// 0 for the metric of the Priority rule; 1.. for the alternatives.
    alt: u32,
}

/// The most metric combinations the optimiser enumerates in one component; beyond it the
/// component keeps the Priority rule's metric (see the manual's *Limits*).
pub const MAX_METRIC_COMBINATIONS: u64 = 4096;

/// Combinations × consumer groups of a component beyond which it keeps the Priority
/// metrics too (each combination is one flow over the component's groups).
const MAX_CHOICE_WORK: u64 = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    pinned: bool,
    verdicts: Vec<(u32, Verdict)>,
    /// Eligible entitlements in priority order.
    eligible: Vec<u32>,
    /// The first exempting entitlement, if any.
    exempt_by: Option<u32>,
}

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

/// An attribute class of consumers: everything eligibility depends on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Class {
    variant: u32,
    org: u32,
    env: u32,
    not_applicable: bool,
    /// Candidate positions pinning the consumer.
    pins: Vec<u32>,
}

impl<'a> Plan<'a> {
    fn new(model: Model<'a>, policy: &'a Policy) -> Self {
        let m = &model;
        let estate = m.estate;
        let as_of = policy.as_of;
        let ents: Vec<EntInfo> = estate
            .entitlements
            .iter()
            .map(|e| EntInfo {
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
            })
            .collect();
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
        let mut consumers: Vec<Demand> = Vec::new();
        let mut consumer_line: Vec<u32> = Vec::new();
        let mut consumer_unit: Vec<u32> = Vec::new();
        let mut unit_alts: Vec<u32> = Vec::new();
        let mut consumer_group = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut group_index: BTreeMap<(bool, Vec<(u32, Verdict)>), u32> = BTreeMap::new();
        for (p, cs) in cands.iter().enumerate() {
            let p32 = p as u32;
            let basis = cs
                .iter()
                .find(|&&e| {
                    ents.get(e as usize)
                        .is_some_and(|i| i.status == Status::Active)
                })
                .or_else(|| cs.first())
                .and_then(|&e| estate.entitlements.get(e as usize))
                .map_or_else(|| policy.default_metric.clone(), |e| e.metric.clone());
            let metrics = metric_choices(m, &ents, cs, p32, basis);
            let choice_start = consumers.len();
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
            let mut versions: Vec<Option<Reason>> =
                Vec::with_capacity(m.variants.get(p).map_or(0, Vec::len) * cs.len());
            for &sw in m.variants.get(p).map_or(&[][..], Vec::as_slice) {
                let Some(software) = estate.software.get(sw as usize) else {
                    versions.extend(cs.iter().map(|_| Some(Reason::OtherSoftwareIdentity)));
                    continue;
                };
                let version = software.version.as_str();
                for &e in cs {
                    let Some(x) = estate.entitlements.get(e as usize) else {
                        versions.push(None);
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
                    versions.push(reject(place, x));
                }
            }
            // Orgs (environments) that no candidate tells apart give the same verdicts:
            // classes are keyed by one representative of each, so a verdict vector is
            // computed per distinct case rather than per org × environment.
            let (org_rep, env_rep) = representatives(m, cs);
            let small = |x: u32| if x == NONE { 0 } else { x as usize + 1 };
            let rep = |table: &[u32], x: u32| table.get(small(x)).copied().unwrap_or(x);
            for (alt, metric) in metrics.iter().enumerate() {
                let line = lines.len() as u32;
                lines.push(Line {
                    product: p32,
                    metric: metric.clone(),
                    alt: alt as u32,
                });
                let demands = consume(m, &policy.params, &mut tables, p32, metric);
                let mut class_group: BTreeMap<Class, u32> = BTreeMap::new();
                // Fast path for classes without pins: a direct table over (variant, org, env,
                // not applicable); the map above serves the rest.
                let (no, ne) = (m.orgs.len() + 1, m.envs.len() + 1);
                let nv = m.variants.get(p).map_or(0, Vec::len).max(1);
                let fast_len = nv.saturating_mul(no).saturating_mul(ne).saturating_mul(2);
                let mut fast: Vec<u32> = if fast_len <= 1 << 16 {
                    vec![NONE; fast_len]
                } else {
                    Vec::new()
                };
                consumers.reserve(demands.len());
                consumer_line.reserve(demands.len());
                consumer_unit.reserve(demands.len());
                consumer_group.reserve(demands.len());
                for d in demands {
                    let any_pins = (d.pin_device != NONE
                        && pinned_devs.binary_search(&d.pin_device).is_ok())
                        || (d.pin_user != NONE && pinned_users.binary_search(&d.pin_user).is_ok());
                    let (org, env) = (rep(&org_rep, d.org), rep(&env_rep, d.env));
                    let slot = (!any_pins && !fast.is_empty()).then(|| {
                        ((d.variant as usize * no + small(org)) * ne + small(env)) * 2
                            + usize::from(d.not_applicable)
                    });
                    if let Some(g) = slot
                        .and_then(|i| fast.get(i))
                        .copied()
                        .filter(|&g| g != NONE)
                    {
                        consumers.push(d);
                        consumer_line.push(line);
                        consumer_unit.push(NONE);
                        consumer_group.push(g);
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
                        not_applicable: d.not_applicable,
                        pins,
                    };
                    let g = match class_group.get(&class) {
                        Some(&g) => g,
                        None => {
                            let group = verdicts(m, &ents, metric, cs, &versions, &class);
                            // Keyed by entitlement rank (by id), not input position, so
                            // group numbers do not depend on the input order.
                            let key = (
                                group.pinned,
                                group
                                    .verdicts
                                    .iter()
                                    .map(|&(e, v)| {
                                        (ent_rank.get(e as usize).copied().unwrap_or(e), v)
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
                    consumers.push(d);
                    consumer_line.push(line);
                    consumer_unit.push(NONE);
                    consumer_group.push(g);
                }
            }
            if metrics.len() > 1 {
                assign_units(
                    m,
                    p32,
                    consumers.get(choice_start..).unwrap_or(&[]),
                    consumer_unit.get_mut(choice_start..).unwrap_or(&mut []),
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
        let groups: Vec<Group> = group_index
            .values()
            .filter_map(|&g| slots.get_mut(g as usize).and_then(Option::take))
            .collect();
        for g in &mut consumer_group {
            *g = renumber.get(*g as usize).copied().unwrap_or(0);
        }
        // Names, sorted as strings; consumers sorted by (line, name).
        let (names, consumer_name) = name_consumers(m, &tables, &consumers);
        // Consumers of one line are contiguous: sort each run by name, in place.
        let mut consumer_name = consumer_name;
        let mut a = 0usize;
        while a < consumers.len() {
            let p = consumer_line.get(a).copied();
            let b = a + consumer_line
                .get(a..)
                .map_or(0, |r| r.partition_point(|&x| Some(x) == p));
            let sorted = consumer_name.get(a..b).is_some_and(|r| r.is_sorted());
            if !sorted {
                let mut rows: Vec<(u32, u32, u32, Demand)> = (a..b)
                    .filter_map(|i| {
                        Some((
                            *consumer_name.get(i)?,
                            *consumer_group.get(i)?,
                            *consumer_unit.get(i)?,
                            consumers.get(i)?.clone(),
                        ))
                    })
                    .collect();
                rows.sort_unstable_by_key(|r| r.0);
                for (k, (name, group, unit, demand)) in rows.into_iter().enumerate() {
                    if let Some(x) = consumer_unit.get_mut(a + k) {
                        *x = unit;
                    }
                    if let Some(x) = consumer_name.get_mut(a + k) {
                        *x = name;
                    }
                    if let Some(x) = consumer_group.get_mut(a + k) {
                        *x = group;
                    }
                    if let Some(x) = consumers.get_mut(a + k) {
                        *x = demand;
                    }
                }
            }
            a = b.max(a + 1);
        }
        Self {
            m: model,
            policy,
            ents,
            cands,
            lines,
            consumers,
            consumer_line,
            consumer_unit,
            unit_alts,
            consumer_group,
            consumer_name,
            names,
            groups,
        }
    }

    fn position(&self, mode: Mode) -> Result<Position, ReconcileError> {
        let (allocs, active) = match mode {
            Mode::Priority => {
                let active = self.priority_lines();
                (self.priority(&active), active)
            }
            Mode::Optimal => self.optimal()?,
        };
        Ok(self.build(mode, allocs, &active))
    }

    /// Priority mode counts every product in the metric of its first active candidate
    /// (the lines with `alt` 0).
    fn priority_lines(&self) -> Vec<bool> {
        if self.unit_alts.is_empty() {
            // No product has a metric choice: every consumer is on its product's only line.
            return vec![true; self.consumers.len()];
        }
        self.consumer_line
            .iter()
            .map(|&l| self.lines.get(l as usize).is_some_and(|l| l.alt == 0))
            .collect()
    }

    /// Greedy allocation in the documented commercial order.
    fn priority(&self, active: &[bool]) -> Vec<(u32, Alloc)> {
        let mut left: Vec<u64> = self.ents.iter().map(|e| e.capacity).collect();
        let mut need: Vec<u64> = self
            .consumers
            .iter()
            .zip(&self.consumer_group)
            .zip(active)
            .map(|((d, &g), &counted)| {
                let exempt = self
                    .groups
                    .get(g as usize)
                    .is_some_and(|g| g.exempt_by.is_some());
                if exempt || !counted { 0 } else { d.units }
            })
            .collect();
        let mut out = Vec::with_capacity(self.consumers.len());
        // Per group: how many of its eligible entitlements, from the front, are used up.
        // Capacity only falls, so they can be skipped for good (a short consumer would
        // otherwise walk the whole list of exhausted entitlements).
        let mut spent: Vec<usize> = vec![0; self.groups.len()];
        for pinned_pass in [true, false] {
            for (c, &g) in self.consumer_group.iter().enumerate() {
                let Some(group) = self.groups.get(g as usize) else {
                    continue;
                };
                if group.pinned != pinned_pass {
                    continue;
                }
                let Some(n) = need.get_mut(c) else { continue };
                if *n == 0 {
                    continue;
                }
                let Some(skip) = spent.get_mut(g as usize) else {
                    continue;
                };
                while group
                    .eligible
                    .get(*skip)
                    .is_some_and(|&e| left.get(e as usize).is_none_or(|&l| l == 0))
                {
                    *skip += 1;
                }
                for &e in group.eligible.get(*skip..).unwrap_or(&[]) {
                    if *n == 0 {
                        break;
                    }
                    let Some(l) = left.get_mut(e as usize) else {
                        continue;
                    };
                    let take = (*l).min(*n);
                    if take > 0 {
                        *l -= take;
                        *n -= take;
                        out.push((
                            c as u32,
                            Alloc {
                                ent: e,
                                units: take,
                                overflow: false,
                            },
                        ));
                    }
                }
            }
        }
        // True-up entitlements take the overflow: each group's first one, found once per
        // group rather than per short consumer.
        let true_ups: Vec<Option<u32>> = self
            .groups
            .iter()
            .map(|group| {
                group
                    .eligible
                    .iter()
                    .find(|&&e| self.ents.get(e as usize).is_some_and(|i| i.true_up))
                    .copied()
            })
            .collect();
        for (c, &g) in self.consumer_group.iter().enumerate() {
            let Some(n) = need.get_mut(c) else { continue };
            if *n == 0 {
                continue;
            }
            if let Some(e) = true_ups.get(g as usize).copied().flatten() {
                out.push((
                    c as u32,
                    Alloc {
                        ent: e,
                        units: *n,
                        overflow: true,
                    },
                ));
                *n = 0;
            }
        }
        out
    }

    /// Maximum coverage, then minimum cost: min-cost max-flow per connected component of
    /// product lines and entitlements, over consumer groups; where a product may be counted
    /// in several metrics, every combination of metric choices over its choice units is
    /// solved and the best kept (fewest units short, then lowest cost, then fewest true-up
    /// units; ties keep the earlier combination, the Priority rule's metrics first). Returns
    /// the allocations and which consumers are counted.
    #[allow(clippy::type_complexity)]
    fn optimal(&self) -> Result<(Vec<(u32, Alloc)>, Vec<bool>), ReconcileError> {
        let nl = self.lines.len();
        let mut parent: Vec<usize> = (0..nl).collect();
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while let Some(&p) = parent.get(x) {
                if p == x {
                    break;
                }
                let gp = parent.get(p).copied().unwrap_or(p);
                if let Some(slot) = parent.get_mut(x) {
                    *slot = gp;
                }
                x = gp;
            }
            x
        }
        fn union(parent: &mut [usize], a: usize, b: usize) {
            let (a, b) = (find(parent, a), find(parent, b));
            if let Some(slot) = parent.get_mut(a) {
                *slot = b;
            }
        }
        // Per line: the consumers of each usable group (non-exempt, some eligible
        // entitlement, units > 0), and — on lines with a metric choice — the consumers that
        // no entitlement can cover (their units count as short whatever is chosen).
        let mut line_groups: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
        let mut dead: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut run: Vec<(u32, u32)> = Vec::new();
        let mut c = 0usize;
        while c < self.consumers.len() {
            let l = self.consumer_line.get(c).copied().unwrap_or(0);
            run.clear();
            while c < self.consumers.len() && self.consumer_line.get(c).copied() == Some(l) {
                let g = self.consumer_group.get(c).copied().unwrap_or(0);
                let units = self.consumers.get(c).map_or(0, |d| d.units);
                let group = self.groups.get(g as usize);
                let exempt = group.is_some_and(|x| x.exempt_by.is_some());
                let usable = group.is_some_and(|x| !x.eligible.is_empty());
                if !exempt && units > 0 {
                    if usable {
                        run.push((g, c as u32));
                    } else if self.consumer_unit.get(c).is_some_and(|&u| u != NONE) {
                        dead.entry(l).or_default().push(c as u32);
                    }
                }
                c += 1;
            }
            run.sort_unstable();
            for chunk in run.chunk_by(|a, b| a.0 == b.0) {
                let g = chunk.first().map_or(0, |x| x.0);
                line_groups.insert((l, g), chunk.iter().map(|x| x.1).collect());
            }
        }
        // Components: lines linked by a shared eligible entitlement, and the lines of one
        // product (its metric alternatives).
        let mut ent_owner: BTreeMap<u32, usize> = BTreeMap::new();
        for &(l, g) in line_groups.keys() {
            for &e in self
                .groups
                .get(g as usize)
                .map_or(&[][..], |g| g.eligible.as_slice())
            {
                match ent_owner.get(&e) {
                    Some(&q) => union(&mut parent, l as usize, q),
                    None => {
                        ent_owner.insert(e, l as usize);
                    }
                }
            }
        }
        for l in 1..nl {
            let same = match (self.lines.get(l - 1), self.lines.get(l)) {
                (Some(a), Some(b)) => a.product == b.product,
                _ => false,
            };
            if same {
                union(&mut parent, l - 1, l);
            }
        }
        let mut components: BTreeMap<usize, (Vec<(u32, u32)>, Vec<u32>)> = BTreeMap::new();
        for &(l, g) in line_groups.keys() {
            components
                .entry(find(&mut parent, l as usize))
                .or_default()
                .0
                .push((l, g));
        }
        for (&l, cons) in &dead {
            components
                .entry(find(&mut parent, l as usize))
                .or_default()
                .1
                .extend(cons.iter().copied());
        }
        // Choice units in a canonical order: (product, smallest consumer name).
        let mut unit_order: Vec<(u32, u32)> = vec![(NONE, NONE); self.unit_alts.len()];
        for (c, &u) in self.consumer_unit.iter().enumerate() {
            if let Some(slot) = unit_order.get_mut(u as usize) {
                let p = self
                    .consumer_line
                    .get(c)
                    .and_then(|&l| self.lines.get(l as usize))
                    .map_or(NONE, |l| l.product);
                let n = self.consumer_name.get(c).copied().unwrap_or(NONE);
                *slot = (*slot).min((p, n));
            }
        }
        let mut choice: Vec<u32> = vec![0; self.unit_alts.len()];
        let mut fixed: BTreeMap<u32, i128> = BTreeMap::new();
        let mut out = Vec::new();
        for (members, dead_cons) in components.values() {
            let mut units: Vec<u32> = members
                .iter()
                .filter_map(|k| line_groups.get(k))
                .flatten()
                .chain(dead_cons)
                .filter_map(|&c| self.consumer_unit.get(c as usize).copied())
                .filter(|&u| u != NONE)
                .collect();
            units.sort_unstable_by_key(|&u| (unit_order.get(u as usize).copied(), u));
            units.dedup();
            let combos = units
                .iter()
                .map(|&u| u64::from(self.unit_alts.get(u as usize).copied().unwrap_or(1)))
                .try_fold(1u64, |a, k| a.checked_mul(k))
                .filter(|&n| n <= MAX_METRIC_COMBINATIONS)
                // One flow per combination: a large component (many groups linked by shared
                // entitlements) is not solved thousands of times.
                .filter(|&n| n.saturating_mul(members.len() as u64 + 1) <= MAX_CHOICE_WORK)
                .unwrap_or(1);
            let mut best: Option<(Score, Vec<u32>, Vec<Vec<(u32, u64)>>)> = None;
            for index in 0..combos {
                // Mixed radix, the first unit most significant: index 0 is all Priority.
                let mut rest = index;
                for &u in units.iter().rev() {
                    let k = u64::from(self.unit_alts.get(u as usize).copied().unwrap_or(1)).max(1);
                    if let Some(slot) = choice.get_mut(u as usize) {
                        *slot = if combos > 1 { (rest % k) as u32 } else { 0 };
                    }
                    rest /= k;
                }
                let (score, flows) =
                    self.solve_component(members, dead_cons, &line_groups, &choice, &mut fixed)?;
                if best.as_ref().is_none_or(|b| score < b.0) {
                    let picked = units
                        .iter()
                        .map(|&u| choice.get(u as usize).copied().unwrap_or(0))
                        .collect();
                    best = Some((score, picked, flows));
                }
            }
            let Some((_, picked, flows)) = best else {
                continue;
            };
            for (&u, &k) in units.iter().zip(&picked) {
                if let Some(slot) = choice.get_mut(u as usize) {
                    *slot = k;
                }
            }
            // Hand each group's flow to its counted consumers in canonical order.
            for (key, mut flows) in members.iter().zip(flows) {
                let Some(cons) = line_groups.get(key) else {
                    continue;
                };
                let mut fi = 0;
                for &c in cons {
                    if !self.counted(c as usize, &choice) {
                        continue;
                    }
                    let mut n = self.consumers.get(c as usize).map_or(0, |d| d.units);
                    while n > 0 {
                        let Some((e, f)) = flows.get_mut(fi) else {
                            break;
                        };
                        if *f == 0 {
                            fi += 1;
                            continue;
                        }
                        let take = (*f).min(n);
                        *f -= take;
                        n -= take;
                        out.push((
                            c,
                            Alloc {
                                ent: *e,
                                units: take,
                                overflow: false,
                            },
                        ));
                    }
                }
            }
        }
        let active = (0..self.consumers.len())
            .map(|c| self.counted(c, &choice))
            .collect();
        // Mark units beyond a true-up entitlement's quantity as overflow, in consumer order.
        out.sort_by_key(|(c, _)| *c);
        let mut used: Vec<u64> = vec![0; self.ents.len()];
        let mut marked = Vec::with_capacity(out.len());
        for (c, a) in out {
            let cap = self.ents.get(a.ent as usize).map_or(0, |i| i.capacity);
            let mut scratch = 0;
            let u = used.get_mut(a.ent as usize).unwrap_or(&mut scratch);
            let within = cap.saturating_sub(*u).min(a.units);
            *u = u.saturating_add(a.units);
            if within > 0 {
                marked.push((c, Alloc { units: within, ..a }));
            }
            if a.units > within {
                marked.push((
                    c,
                    Alloc {
                        units: a.units - within,
                        overflow: true,
                        ..a
                    },
                ));
            }
        }
        Ok((marked, active))
    }

    /// Whether consumer `c` is counted under the metric `choice` gives its unit (consumers
    /// of single-metric products: always; of the others: when their line is the chosen one).
    fn counted(&self, c: usize, choice: &[u32]) -> bool {
        let alt = self
            .consumer_line
            .get(c)
            .and_then(|&l| self.lines.get(l as usize))
            .map_or(0, |l| l.alt);
        match self.consumer_unit.get(c).copied() {
            Some(u) if u != NONE => choice.get(u as usize).copied().unwrap_or(0) == alt,
            _ => alt == 0,
        }
    }

    /// Solves one component's flow for the consumers counted under `choice`: per member
    /// group, the units each eligible entitlement gives, and the score.
    #[allow(clippy::type_complexity)]
    fn solve_component(
        &self,
        members: &[(u32, u32)],
        dead: &[u32],
        line_groups: &BTreeMap<(u32, u32), Vec<u32>>,
        choice: &[u32],
        fixed: &mut BTreeMap<u32, i128>,
    ) -> Result<(Score, Vec<Vec<(u32, u64)>>), ReconcileError> {
        let units_of = |c: u32| self.consumers.get(c as usize).map_or(0, |d| d.units);
        let demand: Vec<u64> = members
            .iter()
            .map(|k| {
                line_groups
                    .get(k)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .filter(|&&c| self.counted(c as usize, choice))
                    .map(|&c| units_of(c))
                    .fold(0u64, u64::saturating_add)
            })
            .collect();
        let uncoverable = dead
            .iter()
            .filter(|&&c| self.counted(c as usize, choice))
            .map(|&c| units_of(c))
            .fold(0u64, u64::saturating_add);
        let total: u64 = demand.iter().fold(0u64, |a, &b| a.saturating_add(b));
        let eligible = |g: u32| {
            self.groups
                .get(g as usize)
                .map_or(&[][..], |g| g.eligible.as_slice())
        };
        let mut ent_nodes: BTreeMap<u32, usize> = BTreeMap::new();
        for ((_, g), &d) in members.iter().zip(&demand) {
            if d == 0 {
                continue;
            }
            for &e in eligible(*g) {
                let next = ent_nodes.len();
                ent_nodes.entry(e).or_insert(next);
            }
        }
        let (s, t) = (0usize, 1usize);
        let gbase = 2;
        let ebase = gbase + members.len();
        let mut net = Network::new(ebase + ent_nodes.len());
        let scale = i128::from(total) + 1;
        let mut group_arcs: Vec<Vec<(u32, usize)>> = Vec::with_capacity(members.len());
        for (i, ((_, g), &units)) in members.iter().zip(&demand).enumerate() {
            let mut arcs = Vec::new();
            if units > 0 {
                net.add(s, gbase + i, units, 0);
                for &e in eligible(*g) {
                    let c = match fixed.get(&e) {
                        Some(&c) => c,
                        None => {
                            let c = self.fixed_cost(e)?;
                            fixed.insert(e, c);
                            c
                        }
                    };
                    let node = ebase + ent_nodes.get(&e).copied().unwrap_or(0);
                    arcs.push((e, net.add(gbase + i, node, units, c.saturating_mul(scale))));
                }
            }
            group_arcs.push(arcs);
        }
        let mut by_node: Vec<(usize, u32)> = ent_nodes.iter().map(|(&e, &j)| (j, e)).collect();
        by_node.sort_unstable();
        for &(j, e) in &by_node {
            let Some(info) = self.ents.get(e as usize) else {
                continue;
            };
            net.add(ebase + j, t, info.capacity.min(total), 0);
            if info.true_up && info.capacity < total {
                // Overflow: allowed, and dearer than any use within the quantity by less
                // than one unit of the scaled cost, so cost stays the first criterion.
                net.add(ebase + j, t, total - info.capacity, 1);
            }
        }
        net.solve(s, t);
        let flows: Vec<Vec<(u32, u64)>> = group_arcs
            .iter()
            .map(|a| a.iter().map(|&(e, arc)| (e, net.flow(arc))).collect())
            .collect();
        let mut used: BTreeMap<u32, u64> = BTreeMap::new();
        let (mut covered, mut cost) = (0u64, 0i128);
        for &(e, f) in flows.iter().flatten() {
            covered = covered.saturating_add(f);
            *used.entry(e).or_default() += f;
            let c = fixed.get(&e).copied().unwrap_or(0);
            cost = cost.saturating_add(c.saturating_mul(i128::from(f)));
        }
        let overflow = used
            .iter()
            .map(|(&e, &u)| u.saturating_sub(self.ents.get(e as usize).map_or(0, |i| i.capacity)))
            .fold(0u64, u64::saturating_add);
        let score = Score {
            short: total.saturating_sub(covered).saturating_add(uncoverable),
            cost,
            overflow,
        };
        Ok((score, flows))
    }

    fn fixed_cost(&self, e: u32) -> Result<i128, ReconcileError> {
        let cost = self.ents.get(e as usize).map_or(Decimal::ZERO, |i| i.cost);
        let err = || ReconcileError::CostOutOfRange {
            id: self
                .m
                .estate
                .entitlements
                .get(e as usize)
                .map(|x| x.id.to_string())
                .unwrap_or_default(),
        };
        if cost.is_sign_negative() && !cost.is_zero() {
            return Err(err());
        }
        let mut scaled = cost;
        scaled.rescale(9);
        if scaled.scale() != 9 || scaled != cost.round_dp(9) || cost.round_dp(9) != cost {
            return Err(err());
        }
        let v = scaled.mantissa();
        if v > 1_000_000_000_000_000_000_000_000_000 {
            return Err(err());
        }
        Ok(v)
    }

    fn build(&self, mode: Mode, mut allocs: Vec<(u32, Alloc)>, active: &[bool]) -> Position {
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
        let mut consumers = Vec::with_capacity(self.consumers.len());
        let mut allocations = Vec::with_capacity(allocs.len());
        let mut ai = 0usize;
        let mut lines: Vec<ProductAcc> = vec![ProductAcc::default(); self.lines.len()];
        for (c, d) in self.consumers.iter().enumerate() {
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
                    ent: ent_pos.get(a.ent as usize).copied().unwrap_or(0),
                    ..*a
                });
                ai += 1;
            }
            let g = self.consumer_group.get(c).copied().unwrap_or(0);
            let group = self.groups.get(g as usize);
            let exempt = group.is_some_and(|g| g.exempt_by.is_some());
            let p = self.consumer_line.get(c).copied().unwrap_or(0);
            if let Some(acc) = lines.get_mut(p as usize) {
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
                name: self.consumer_name.get(c).copied().unwrap_or(0),
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
                if x.metric != metric || info.status != Status::Active {
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
            });
        }
        for c in &mut consumers {
            c.product = product_pos.get(c.product as usize).copied().unwrap_or(0);
        }
        price_totals(&mut totals, &products, &entitlements);
        let groups = if self.policy.explain {
            self.groups
                .iter()
                .map(|g| GroupLine {
                    verdicts: g
                        .verdicts
                        .iter()
                        .map(|&(e, v)| (ent_pos.get(e as usize).copied().unwrap_or(0), v))
                        .collect(),
                })
                .collect()
        } else {
            Vec::new()
        };
        Position {
            mode,
            as_of: self.policy.as_of,
            totals,
            products,
            entitlements,
            names: self.names.clone(),
            consumers,
            allocations,
            groups,
            explained: self.policy.explain,
        }
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

/// The metrics product `p` may be counted in: the Priority rule's `basis` first, then the
/// other catalogue metrics of its active candidates in candidate order. Alternatives are
/// offered only when every combination over the product's choice units (at most one per
/// host or cluster its installations run on) stays within [`MAX_METRIC_COMBINATIONS`].
fn metric_choices(
    m: &Model<'_>,
    ents: &[EntInfo],
    cands: &[u32],
    p: u32,
    basis: Metric,
) -> Vec<Metric> {
    let mut out = vec![basis];
    for &e in cands {
        let (Some(x), Some(info)) = (m.estate.entitlements.get(e as usize), ents.get(e as usize))
        else {
            continue;
        };
        if info.status == Status::Active
            && !matches!(x.metric, Metric::Other(_))
            && !out.contains(&x.metric)
        {
            out.push(x.metric.clone());
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
fn unit_key(m: &Model<'_>, d: u32) -> u64 {
    match m.cluster.get(d as usize).copied() {
        Some(c) if c != NONE => (1 << 32) | u64::from(c),
        _ => u64::from(m.phys.get(d as usize).copied().unwrap_or(d)),
    }
}

/// Numbers the *choice units* of a product counted in several metrics: the consumers of
/// all its metrics (`demands`), linked when they touch the same aggregation unit (host or
/// cluster; a user touches those of the devices it uses; an estate, organisation or
/// core-factor-group consumer touches all). Each connected set is one unit, counted in one
/// metric; `out` gets each consumer's unit and `unit_alts` one entry per new unit.
fn assign_units(
    m: &Model<'_>,
    p: u32,
    demands: &[Demand],
    out: &mut [u32],
    alts: u32,
    unit_alts: &mut Vec<u32>,
) {
    const ALL: u64 = u64::MAX;
    let rows = m.installs_of(p);
    let per: Vec<Vec<u64>> = demands
        .iter()
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
    let mut parent: Vec<usize> = (0..keys.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while let Some(&p) = parent.get(x) {
            if p == x {
                break;
            }
            x = p;
        }
        x
    }
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
            let (a, b) = (find(&mut parent, a), find(&mut parent, b));
            if a != b {
                if let Some(slot) = parent.get_mut(a.max(b)) {
                    *slot = a.min(b);
                }
            }
        }
    }
    let mut unit_of_root: BTreeMap<usize, u32> = BTreeMap::new();
    for (list, slot) in per.iter().zip(out.iter_mut()) {
        let root = ids(list)
            .first()
            .map_or(usize::MAX, |&i| find(&mut parent, i));
        *slot = *unit_of_root.entry(root).or_insert_with(|| {
            unit_alts.push(alts);
            (unit_alts.len() - 1) as u32
        });
    }
}

/// Per org and per environment (index `0` = none, `i + 1` = index `i`): a representative
/// with the same verdict for every candidate in `cands` — the same organisation checks
/// (within the same org-scoped candidates) and the same exemptions.
fn representatives(m: &Model<'_>, cands: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let scoped: Vec<u32> = cands
        .iter()
        .filter_map(|&e| m.ent_org.get(e as usize).copied())
        .filter(|&o| o != NONE)
        .collect();
    let mut seen: BTreeMap<Vec<bool>, u32> = BTreeMap::new();
    let orgs = std::iter::once(NONE).chain(0..m.orgs.len() as u32);
    let org_rep = orgs
        .map(|o| {
            // NONE lies within nothing, like an org outside every scope.
            let sig = scoped
                .iter()
                .map(|&s| o != NONE && m.org_within(o, s))
                .collect();
            *seen.entry(sig).or_insert(o)
        })
        .collect();
    let rights: Vec<&itam_core::estate::Rights> = cands
        .iter()
        .filter_map(|&e| m.estate.entitlements.get(e as usize))
        .map(|x| &x.rights)
        .collect();
    let mut seen: BTreeMap<Vec<bool>, u32> = BTreeMap::new();
    let envs = std::iter::once(NONE).chain(0..m.envs.len() as u32);
    let env_rep = envs
        .map(|v| {
            let env = env_value(&m.envs, v);
            let sig = rights.iter().map(|r| r.exempts(env)).collect();
            *seen.entry(sig).or_insert(v)
        })
        .collect();
    (org_rep, env_rep)
}

/// The verdict of every candidate entitlement for one class of consumers.
fn verdicts(
    m: &Model<'_>,
    ents: &[EntInfo],
    metric: &Metric,
    cands: &[u32],
    versions: &[Option<Reason>],
    class: &Class,
) -> Group {
    let estate = m.estate;
    let env = env_value(&m.envs, class.env);
    let mut out: Vec<(u32, Verdict)> = Vec::with_capacity(cands.len());
    for (ci, &e) in cands.iter().enumerate() {
        let (Some(x), Some(info)) = (estate.entitlements.get(e as usize), ents.get(e as usize))
        else {
            continue;
        };
        let reject = if let Metric::Other(_) = x.metric {
            Some(Reason::UnknownMetric)
        } else if x.metric != *metric {
            Some(Reason::MetricDiffers)
        } else if info.status == Status::Expired {
            Some(Reason::Expired)
        } else if info.status == Status::NotYetValid {
            Some(Reason::NotYetValid)
        } else if class.not_applicable {
            Some(Reason::MetricNotApplicable)
        } else if let Some(r) = versions
            .get(class.variant as usize * cands.len() + ci)
            .copied()
            .flatten()
        {
            Some(r)
        } else if !m.org_within(
            class.org,
            m.ent_org.get(e as usize).copied().unwrap_or(NONE),
        ) || (x.org.is_some() && class.org == NONE)
        {
            Some(Reason::WrongOrganisation)
        } else {
            None
        };
        out.push((
            e,
            match reject {
                Some(r) => Verdict::Rejected(r),
                None if x.rights.exempts(env) => Verdict::Exempt,
                None => Verdict::Eligible,
            },
        ));
    }
    // Pins bind only to entitlements that could serve the class.
    let pinned: Vec<u32> = class
        .pins
        .iter()
        .filter_map(|&i| out.get(i as usize))
        .filter(|(_, v)| {
            *v != Verdict::Rejected(Reason::Expired) && !matches!(v, Verdict::Rejected(_))
        })
        .map(|(e, _)| *e)
        .collect();
    if !pinned.is_empty() {
        for (e, v) in &mut out {
            if !matches!(v, Verdict::Rejected(_)) && !pinned.contains(e) {
                *v = Verdict::Rejected(Reason::PinnedElsewhere);
            }
        }
    }
    Group {
        pinned: !pinned.is_empty(),
        eligible: out
            .iter()
            .filter(|(_, v)| *v == Verdict::Eligible)
            .map(|(e, _)| *e)
            .collect(),
        exempt_by: out
            .iter()
            .find(|(_, v)| *v == Verdict::Exempt)
            .map(|(e, _)| *e),
        verdicts: out,
    }
}

/// A version range as an ordered key: scheme, then each bound as (kind, text).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct RangeKey<'a> {
    scheme: &'a itam_core::version::VersionScheme,
    lower: (u8, &'a str),
    upper: (u8, &'a str),
}

impl<'a> RangeKey<'a> {
    fn of(r: &'a itam_core::version::VersionRange) -> Self {
        fn bound(b: &Bound) -> (u8, &str) {
            match b {
                Bound::Unbounded => (0, ""),
                Bound::Inclusive(v) => (1, v),
                Bound::Exclusive(v) => (2, v),
            }
        }
        Self {
            scheme: &r.scheme,
            lower: bound(&r.lower),
            upper: bound(&r.upper),
        }
    }
}

/// The rejection a software's place in an entitlement's version set gives under its
/// downgrade and upgrade rights ([`itam_core::estate::Rights::covers`]).
fn reject(place: VersionPlace, e: &Entitlement) -> Option<Reason> {
    if e.rights.covers(place) {
        return None;
    }
    Some(match place {
        VersionPlace::OtherIdentity => Reason::OtherSoftwareIdentity,
        VersionPlace::Below => Reason::VersionBelowRange,
        VersionPlace::Above => Reason::VersionAboveRange,
        VersionPlace::Between | VersionPlace::Inside => Reason::VersionBetweenRanges,
    })
}

/// Consumer names (`kind:name`), sorted; and each consumer's index into them.
fn name_consumers(m: &Model<'_>, tables: &Tables, consumers: &[Demand]) -> (Vec<String>, Vec<u32>) {
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
    for d in consumers {
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
    let index = consumers
        .iter()
        .map(|d| {
            used.get(kind_no(d.kind))
                .and_then(|t| t.get(slot_of(d.kind, d.name)))
                .copied()
                .unwrap_or(0)
        })
        .collect();
    (named.into_iter().map(|x| x.0).collect(), index)
}

/// Decimal product, saturating at the largest decimal (costs of absurd inputs must not panic).
pub(crate) fn dec_mul(a: Decimal, b: Decimal) -> Decimal {
    a.checked_mul(b).unwrap_or(Decimal::MAX)
}

/// Decimal difference, saturating at the smallest decimal.
pub(crate) fn dec_sub(a: Decimal, b: Decimal) -> Decimal {
    a.checked_sub(b).unwrap_or(Decimal::MIN)
}

/// Decimal sum, saturating at the largest decimal.
pub(crate) fn dec_add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(Decimal::MAX)
}
