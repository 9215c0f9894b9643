//! The matching engine: ordered rules over two prepared, canonically sorted sides.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::normalise;
use super::{FinancePolicy, MatchRule, PerMille};

/// What a key identifies. Keys only match keys of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum KeyKind {
    /// An asset tag or fixed-asset number.
    AssetTag,
    /// A serial number.
    Serial,
    /// A purchase-order number.
    Order,
    /// An invoice number.
    Invoice,
}

/// One record prepared for matching. Exact keys and description parts borrow from the
/// input; normalised keys and description tokens are computed by [`run`] only for the
/// records that are still unmatched when a rule needs them.
#[derive(Debug, Clone, Default)]
pub(super) struct Prepared<'a> {
    /// Exact keys, as written (trimmed), sorted.
    pub exact: Vec<(KeyKind, &'a str)>,
    /// Normalised supplier.
    pub supplier: Option<String>,
    /// The date the description rule windows on.
    pub date: Option<NaiveDate>,
    /// The parts of the description.
    pub text: Vec<&'a str>,
    /// Normalised SKU.
    pub sku: Option<String>,
}

impl<'a> Prepared<'a> {
    /// Adds a key (blank keys are ignored).
    pub fn key(&mut self, kind: KeyKind, raw: Option<&'a str>) {
        if let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) {
            self.exact.push((kind, raw));
        }
    }

    /// Sorts and de-duplicates the keys (so the order they were added in does not matter).
    pub fn finish(mut self) -> Self {
        self.exact.sort_unstable();
        self.exact.dedup();
        self
    }

    fn normalised(&self) -> Vec<(KeyKind, String)> {
        let mut keys: Vec<(KeyKind, String)> = self
            .exact
            .iter()
            .filter_map(|(k, v)| Some((*k, normalise::key(v)?)))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// The kinds of key a rule compares, and whether it compares them normalised.
fn kinds(rule: MatchRule) -> (&'static [KeyKind], bool) {
    match rule {
        MatchRule::AssetTag => (&[KeyKind::AssetTag], false),
        MatchRule::Serial => (&[KeyKind::Serial], false),
        MatchRule::Document => (&[KeyKind::Order, KeyKind::Invoice], false),
        MatchRule::AssetTagNormalised => (&[KeyKind::AssetTag], true),
        MatchRule::SerialNormalised => (&[KeyKind::Serial], true),
        MatchRule::DocumentNormalised => (&[KeyKind::Order, KeyKind::Invoice], true),
        MatchRule::Description => (&[], false),
    }
}

/// The normalised keys of one side's records, computed once, for the records still unmatched
/// when the first normalised rule runs.
#[derive(Default)]
struct Normalised(Vec<Vec<(KeyKind, String)>>);

impl Normalised {
    fn compute(records: &[Prepared<'_>], done: &[bool]) -> Self {
        Self(
            records
                .iter()
                .zip(done)
                .map(|(r, &d)| if d { Vec::new() } else { r.normalised() })
                .collect(),
        )
    }
}

/// Appends the keys of record `i` that `rule` compares to `out`.
fn keys_of<'k>(
    records: &'k [Prepared<'_>],
    normalised: &'k Normalised,
    i: usize,
    rule: MatchRule,
    out: &mut Vec<(KeyKind, &'k str)>,
) {
    out.clear();
    let (kinds, normal) = kinds(rule);
    if normal {
        if let Some(keys) = normalised.0.get(i) {
            out.extend(
                keys.iter()
                    .filter(|(k, _)| kinds.contains(k))
                    .map(|(k, v)| (*k, v.as_str())),
            );
        }
    } else if let Some(r) = records.get(i) {
        out.extend(r.exact.iter().filter(|(k, _)| kinds.contains(k)).copied());
    }
}

/// One side's matched flags and description tokens, computed on demand.
struct Side<'s, 'a> {
    records: &'s [Prepared<'a>],
    done: Vec<bool>,
    tokens: Vec<Option<Vec<String>>>,
}

impl<'s, 'a> Side<'s, 'a> {
    fn new(records: &'s [Prepared<'a>]) -> Self {
        Self {
            records,
            done: vec![false; records.len()],
            tokens: vec![None; records.len()],
        }
    }

    fn is_done(&self, i: usize) -> bool {
        self.done.get(i).copied().unwrap_or(true)
    }

    fn mark(&mut self, i: usize) {
        if let Some(d) = self.done.get_mut(i) {
            *d = true;
        }
    }

    fn tokens(&mut self, i: usize) -> &[String] {
        let Some(slot) = self.tokens.get_mut(i) else {
            return &[];
        };
        if slot.is_none() {
            let text = self
                .records
                .get(i)
                .map(|r| r.text.clone())
                .unwrap_or_default();
            *slot = Some(normalise::tokens(text));
        }
        slot.as_deref().unwrap_or(&[])
    }
}

/// One pair found: indexes into the two sides, the rule, the confidence and the key or score
/// that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pair {
    pub left: usize,
    pub right: usize,
    pub rule: MatchRule,
    pub confidence: PerMille,
    pub evidence: String,
}

/// The similarity of record `i` of the left side and `j` of the right: Jaccard of their
/// description tokens in per-mille, or 1000 when both have the same normalised SKU.
fn similarity(left: &mut Side<'_, '_>, i: usize, right: &mut Side<'_, '_>, j: usize) -> u16 {
    let (Some(a), Some(b)) = (left.records.get(i), right.records.get(j)) else {
        return 0;
    };
    if a.sku.is_some() && a.sku == b.sku {
        return 1000;
    }
    let a = left.tokens(i);
    let b = right.tokens(j);
    normalise::jaccard(a, b)
}

/// At most this many unmatched candidates sharing one key are compared for the tie-break.
const KEY_CANDIDATES: usize = 64;

/// Runs the rules in order. Both sides must be in canonical order: the result then depends
/// only on the records, not on the order they were given in. Every index appears in at most
/// one pair.
pub(super) fn run(
    left: &[Prepared<'_>],
    right: &[Prepared<'_>],
    rules: &[MatchRule],
    policy: &FinancePolicy,
) -> Vec<Pair> {
    let mut left = Side::new(left);
    let mut right = Side::new(right);
    let mut normalised: Option<(Normalised, Normalised)> = None;
    let exact = (Normalised::default(), Normalised::default());
    let mut pairs = Vec::new();
    for &rule in rules {
        if rule == MatchRule::Description {
            by_description(&mut left, &mut right, policy, &mut pairs);
            continue;
        }
        let keys = if kinds(rule).1 {
            &*normalised.get_or_insert_with(|| {
                (
                    Normalised::compute(left.records, &left.done),
                    Normalised::compute(right.records, &right.done),
                )
            })
        } else {
            &exact
        };
        by_key(&mut left, &mut right, keys, rule, &mut pairs);
    }
    pairs
}

fn by_key(
    left: &mut Side<'_, '_>,
    right: &mut Side<'_, '_>,
    (left_norm, right_norm): &(Normalised, Normalised),
    rule: MatchRule,
    pairs: &mut Vec<Pair>,
) {
    // The unmatched right records' keys, sorted: each key's records form one ascending run.
    let mut index: Vec<(KeyKind, &str, usize)> = Vec::new();
    let mut buf = Vec::new();
    for j in 0..right.records.len() {
        if right.is_done(j) {
            continue;
        }
        keys_of(right.records, right_norm, j, rule, &mut buf);
        index.extend(buf.iter().map(|&(k, v)| (k, v, j)));
    }
    if index.is_empty() {
        return;
    }
    index.sort_unstable();
    // Per run start: how far the prefix already matched reaches.
    let mut cursor: Vec<usize> = vec![0; index.len()];
    let mut candidates: Vec<(usize, &str)> = Vec::new();
    for i in 0..left.records.len() {
        if left.is_done(i) {
            continue;
        }
        // Every unmatched candidate under any of the record's keys, with the key.
        candidates.clear();
        keys_of(left.records, left_norm, i, rule, &mut buf);
        for &(kind, value) in &buf {
            let start = index.partition_point(|&(k, v, _)| k < kind || (k == kind && v < value));
            // Runs are short (usually one record): scan to the end of this one.
            let end = start
                + index
                    .get(start..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|&&(k, v, _)| k == kind && v == value)
                    .count();
            let Some(skip) = cursor.get_mut(start) else {
                continue;
            };
            while start + *skip < end
                && index
                    .get(start + *skip)
                    .is_some_and(|(_, _, j)| right.is_done(*j))
            {
                *skip += 1;
            }
            let from = start + *skip;
            candidates.extend(
                index
                    .get(from..end)
                    .unwrap_or(&[])
                    .iter()
                    .map(|&(_, _, j)| j)
                    .filter(|&j| !right.is_done(j))
                    .take(KEY_CANDIDATES)
                    .map(|j| (j, value)),
            );
        }
        candidates.sort_unstable();
        candidates.dedup_by_key(|(j, _)| *j);
        // Best candidate: highest similarity, then lowest index; one candidate needs no
        // comparison.
        let best = if let [(j, value)] = candidates.as_slice() {
            Some((*j, *value))
        } else {
            let mut best: Option<(u16, usize, &str)> = None;
            for &(j, value) in &candidates {
                let score = similarity(left, i, right, j);
                if best.is_none_or(|(s, _, _)| score > s) {
                    best = Some((score, j, value));
                }
            }
            best.map(|(_, j, v)| (j, v))
        };
        if let Some((j, value)) = best {
            left.mark(i);
            right.mark(j);
            pairs.push(Pair {
                left: i,
                right: j,
                rule,
                confidence: rule.base_confidence(),
                evidence: value.to_owned(),
            });
        }
    }
}

fn by_description(
    left: &mut Side<'_, '_>,
    right: &mut Side<'_, '_>,
    policy: &FinancePolicy,
    pairs: &mut Vec<Pair>,
) {
    // Block the unmatched right records by supplier, each block sorted by date.
    let mut blocks: BTreeMap<&str, Vec<(NaiveDate, usize)>> = BTreeMap::new();
    let records = right.records;
    for (j, r) in records.iter().enumerate() {
        if right.is_done(j) {
            continue;
        }
        if let (Some(s), Some(d)) = (r.supplier.as_deref(), r.date) {
            blocks.entry(s).or_default().push((d, j));
        }
    }
    for block in blocks.values_mut() {
        block.sort_unstable();
    }
    let window = chrono::Days::new(u64::from(policy.date_window_days));
    let mut candidates: Vec<(u16, usize, usize)> = Vec::new();
    for i in 0..left.records.len() {
        if left.is_done(i) {
            continue;
        }
        let Some(l) = left.records.get(i) else {
            continue;
        };
        let (Some(s), Some(d)) = (l.supplier.as_deref(), l.date) else {
            continue;
        };
        let Some(block) = blocks.get(s) else { continue };
        let from = d.checked_sub_days(window).unwrap_or(NaiveDate::MIN);
        let to = d.checked_add_days(window).unwrap_or(NaiveDate::MAX);
        let start = block.partition_point(|(bd, _)| *bd < from);
        let in_window = block
            .iter()
            .skip(start)
            .take_while(|(bd, _)| *bd <= to)
            .take(policy.max_candidates);
        for &(_, j) in in_window {
            let score = similarity(left, i, right, j);
            if score >= policy.similarity_threshold.get() {
                candidates.push((score, i, j));
            }
        }
    }
    // Best pairs first; ties by the canonical order of the records.
    candidates.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (score, i, j) in candidates {
        if left.is_done(i) || right.is_done(j) {
            continue;
        }
        left.mark(i);
        right.mark(j);
        pairs.push(Pair {
            left: i,
            right: j,
            rule: MatchRule::Description,
            confidence: PerMille::description(score),
            evidence: format!("similarity {score}‰"),
        });
    }
}
