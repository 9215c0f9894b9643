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

/// One record prepared for matching.
#[derive(Debug, Clone, Default)]
pub(super) struct Prepared {
    /// Exact keys, as written (trimmed).
    pub exact: Vec<(KeyKind, String)>,
    /// The same keys normalised.
    pub normalised: Vec<(KeyKind, String)>,
    /// Normalised supplier.
    pub supplier: Option<String>,
    /// The date the description rule windows on.
    pub date: Option<NaiveDate>,
    /// Description tokens, sorted.
    pub tokens: Vec<String>,
    /// Normalised SKU.
    pub sku: Option<String>,
}

impl Prepared {
    /// Adds a key (blank keys are ignored).
    pub fn key(&mut self, kind: KeyKind, raw: Option<&str>) {
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
            return;
        };
        self.exact.push((kind, raw.to_owned()));
        if let Some(n) = normalise::key(raw) {
            self.normalised.push((kind, n));
        }
    }

    /// Sorts and de-duplicates the keys (so the order they were added in does not matter).
    pub fn finish(mut self) -> Self {
        self.exact.sort();
        self.exact.dedup();
        self.normalised.sort();
        self.normalised.dedup();
        self
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

/// The similarity of two records: Jaccard of their description tokens in per-mille, or 1000
/// when both have the same normalised SKU.
fn similarity(a: &Prepared, b: &Prepared) -> u16 {
    if a.sku.is_some() && a.sku == b.sku {
        return 1000;
    }
    normalise::jaccard(&a.tokens, &b.tokens)
}

/// At most this many unmatched candidates sharing one key are compared for the tie-break.
const KEY_CANDIDATES: usize = 64;

/// Runs the rules in order. Both sides must be in canonical order: the result then depends
/// only on the records, not on the order they were given in. Every index appears in at most
/// one pair.
pub(super) fn run(
    left: &[Prepared],
    right: &[Prepared],
    rules: &[MatchRule],
    policy: &FinancePolicy,
) -> Vec<Pair> {
    let mut left_done = vec![false; left.len()];
    let mut right_done = vec![false; right.len()];
    let mut pairs = Vec::new();
    for &rule in rules {
        if rule == MatchRule::Description {
            by_description(
                left,
                right,
                policy,
                &mut left_done,
                &mut right_done,
                &mut pairs,
            );
        } else {
            by_key(
                left,
                right,
                rule,
                &mut left_done,
                &mut right_done,
                &mut pairs,
            );
        }
    }
    pairs
}

fn keys_for(p: &Prepared, rule: MatchRule) -> impl Iterator<Item = &(KeyKind, String)> {
    let (list, kinds): (&[(KeyKind, String)], &[KeyKind]) = match rule {
        MatchRule::AssetTag => (&p.exact, &[KeyKind::AssetTag]),
        MatchRule::Serial => (&p.exact, &[KeyKind::Serial]),
        MatchRule::Document => (&p.exact, &[KeyKind::Order, KeyKind::Invoice]),
        MatchRule::AssetTagNormalised => (&p.normalised, &[KeyKind::AssetTag]),
        MatchRule::SerialNormalised => (&p.normalised, &[KeyKind::Serial]),
        MatchRule::DocumentNormalised => (&p.normalised, &[KeyKind::Order, KeyKind::Invoice]),
        MatchRule::Description => (&[], &[]),
    };
    list.iter().filter(move |(k, _)| kinds.contains(k))
}

fn by_key(
    left: &[Prepared],
    right: &[Prepared],
    rule: MatchRule,
    left_done: &mut [bool],
    right_done: &mut [bool],
    pairs: &mut Vec<Pair>,
) {
    // Index of the unmatched right records by key; each list ascending, with a cursor past
    // the prefix already matched.
    let mut index: BTreeMap<(KeyKind, &str), (usize, Vec<usize>)> = BTreeMap::new();
    for (j, r) in right.iter().enumerate() {
        if right_done.get(j).copied().unwrap_or(true) {
            continue;
        }
        for (kind, value) in keys_for(r, rule) {
            index.entry((*kind, value.as_str())).or_default().1.push(j);
        }
    }
    if index.is_empty() {
        return;
    }
    for (i, l) in left.iter().enumerate() {
        if left_done.get(i).copied().unwrap_or(true) {
            continue;
        }
        // Best candidate: highest similarity, then lowest index.
        let mut best: Option<(u16, usize, &str)> = None;
        for (kind, value) in keys_for(l, rule) {
            let Some((cursor, list)) = index.get_mut(&(*kind, value.as_str())) else {
                continue;
            };
            while list
                .get(*cursor)
                .is_some_and(|&j| right_done.get(j).copied().unwrap_or(true))
            {
                *cursor += 1;
            }
            let candidates = list
                .iter()
                .skip(*cursor)
                .filter(|&&j| !right_done.get(j).copied().unwrap_or(true))
                .take(KEY_CANDIDATES);
            for &j in candidates {
                let Some(r) = right.get(j) else { continue };
                let score = similarity(l, r);
                let better = match best {
                    None => true,
                    Some((s, bj, _)) => score > s || (score == s && j < bj),
                };
                if better {
                    best = Some((score, j, value.as_str()));
                }
            }
        }
        if let Some((_, j, value)) = best {
            if let (Some(ld), Some(rd)) = (left_done.get_mut(i), right_done.get_mut(j)) {
                *ld = true;
                *rd = true;
            }
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
    left: &[Prepared],
    right: &[Prepared],
    policy: &FinancePolicy,
    left_done: &mut [bool],
    right_done: &mut [bool],
    pairs: &mut Vec<Pair>,
) {
    // Block the unmatched right records by supplier, each block sorted by date.
    let mut blocks: BTreeMap<&str, Vec<(NaiveDate, usize)>> = BTreeMap::new();
    for (j, r) in right.iter().enumerate() {
        if right_done.get(j).copied().unwrap_or(true) {
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
    for (i, l) in left.iter().enumerate() {
        if left_done.get(i).copied().unwrap_or(true) {
            continue;
        }
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
            let Some(r) = right.get(j) else { continue };
            let score = similarity(l, r);
            if score >= policy.similarity_threshold.get() {
                candidates.push((score, i, j));
            }
        }
    }
    // Best pairs first; ties by the canonical order of the records.
    candidates.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (score, i, j) in candidates {
        let free = !left_done.get(i).copied().unwrap_or(true)
            && !right_done.get(j).copied().unwrap_or(true);
        if !free {
            continue;
        }
        if let (Some(ld), Some(rd)) = (left_done.get_mut(i), right_done.get_mut(j)) {
            *ld = true;
            *rd = true;
        }
        pairs.push(Pair {
            left: i,
            right: j,
            rule: MatchRule::Description,
            confidence: PerMille::description(score),
            evidence: format!("similarity {score}‰"),
        });
    }
}
