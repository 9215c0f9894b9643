//! The `ent_chain` fuzz target's check, in one place: the target runs it under libFuzzer and
//! `itam-ent/tests/chain_fuzz_replay.rs` replays it on stable over the committed seeds, saved
//! findings and generated programs (both include this file with `#[path]`).
//!
//! The input is a program that builds a chain of Ents with the use cases (issue 12: "targets
//! for … Ent chains"): each step is an opcode byte and its operands (an index into the Ents
//! built so far is two bytes, little endian, taken modulo their number), so an input reaches
//! chains of hundreds of Ents, and steps that relink an Ent build cycles, dangling links,
//! double consolidations and two documents claiming one id. Then:
//!
//! - every Ent built is in exactly one resolution of `resolve_all`, and each key is among them;
//! - `resolve` of a sample of the Ents gives the resolution `resolve_all` files it under;
//! - the resolutions do not depend on the order the Ents arrive in;
//! - what an accepted chain hands out never exceeds what it has: allocations from a base are at
//!   most its quantity, sub-allocations at most their allocation; a refused chain has an error.

use itam_ent::itam_core::{Decimal, EntId};
use itam_ent::ops::{self, Information, Issue, Supplement};
use itam_ent::resolve::{Resolution, resolve, resolve_all};
use itam_ent::values::{MetricType, Rel, RightName, Role};
use itam_ent::{Ent, Entity, Link, Right};

/// Steps per input beyond which the rest is ignored: chains of up to 128 Ents, more than the
/// cycles, twins, double consolidations and dangling links the check is after need (the dense
/// replay programs have 60 steps over 6 Ents), and few enough for a few hundred executions a
/// second under libFuzzer (at 1,024 steps the target ran 15–25: a resolver costs microseconds
/// an Ent, most of it writing twins to XML for `ENT-RES-6`'s tie-break, and the check builds
/// three to six). Chains of thousands are the `scaling` bench's and
/// `itam-ent/tests/chains.rs`'s.
pub const MAX_STEPS: usize = 128;

/// Ents whose `resolve` is compared with `resolve_all` per input, at most (each `resolve`
/// builds the whole index again, so a sample costs as much as the whole `resolve_all`).
const SAMPLED: usize = 4;

/// The Ents sampled per input are about this many divided by the Ents built, between 1 and
/// [`SAMPLED`]: small chains are sampled four times, long ones once, so the check costs a
/// bounded multiple of one `resolve_all`. Which Ents are sampled depends on the whole program
/// (see [`sample_start`]), so across a campaign every position is.
const SAMPLE_BUDGET: usize = 128;

struct Program<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Program<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = self.bytes.get(self.at).copied();
        self.at += 1;
        b
    }

    /// An index below `len` (which is not 0), from two bytes.
    fn index(&mut self, len: usize) -> Option<usize> {
        let lo = usize::from(self.byte()?);
        let hi = usize::from(self.byte()?);
        Some((hi << 8 | lo) % len)
    }
}

fn party(name: &str) -> Entity {
    Entity::new(name, format!("{}.example", name.to_lowercase()), vec![])
}

fn header(n: usize) -> Supplement {
    Supplement::new(format!("e{n}"), party("Buyer"))
}

/// The Ents the program builds.
pub fn build(data: &[u8]) -> Vec<Ent> {
    let mut p = Program { bytes: data, at: 0 };
    let mut ents: Vec<Ent> = Vec::new();
    for step in 0..MAX_STEPS {
        let Some(op) = p.byte() else { break };
        let n = ents.len();
        if n == 0 || op % 11 == 0 {
            let Some(qty) = p.byte() else { break };
            ents.push(ops::issue(
                Issue::new(
                    format!("e{n}"),
                    "Product",
                    Entity::new("Vendor", "vendor.example", vec![Role::Licensor]),
                    party("Buyer"),
                )
                .right(
                    Right::new(RightName::Use)
                        .with_quantity(MetricType::Device, Decimal::from(qty)),
                ),
            ));
            continue;
        }
        let Some(i) = p.index(n) else { break };
        let Some(from) = ents.get(i).cloned() else {
            break;
        };
        let made = match op % 11 {
            1 => {
                let Some(qty) = p.byte() else { break };
                ops::allocate(
                    &from,
                    header(n),
                    party("Unit"),
                    &RightName::Use,
                    &MetricType::Device,
                    Decimal::from(qty),
                )
                .ok()
            }
            2 => {
                let Some(j) = p.index(n) else { break };
                let other = ents.get(j).cloned();
                other.and_then(|o| ops::consolidate(&[&from, &o], header(n), "All").ok())
            }
            3 => Some(ops::revoke(&from, header(n))),
            4 => Some(ops::transfer(&from, header(n), party("New"))),
            5 => Some(ops::archive(&from, header(n))),
            6 => Some(ops::add_information(
                &from,
                header(n),
                Information::default(),
            )),
            7 => {
                // Relink Ent i's base to Ent j: cycles and chains through anything.
                let Some(j) = p.index(n) else { break };
                let to = ents.get(j).map(|e| e.ent_id.clone());
                if let (Some(e), Some(to)) = (ents.get_mut(i), to) {
                    e.links.retain(|l| l.rel != Rel::Supplemental);
                    e.links.insert(0, Link::to_ent(&to, Rel::Supplemental));
                }
                None
            }
            8 => {
                // Ent i also consolidates Ent j (or a missing Ent, when j is its own index).
                let Some(j) = p.index(n) else { break };
                let to = if j == i {
                    EntId::new(format!("missing{step}"))
                } else {
                    ents.get(j)
                        .map_or_else(|| EntId::new("none"), |e| e.ent_id.clone())
                };
                if let Some(e) = ents.get_mut(i) {
                    e.links.push(Link::to_ent(&to, Rel::Consolidates));
                }
                None
            }
            9 => {
                // Another document claiming Ent i's id and revision.
                let mut twin = from;
                twin.name.push_str(" (twin)");
                Some(twin)
            }
            _ => {
                // A re-issue at a higher revision.
                let mut newer = from;
                newer.ent_revision = newer.ent_revision.saturating_add(1);
                newer.name.push_str(" (re-issued)");
                Some(newer)
            }
        };
        ents.extend(made);
    }
    ents
}

fn check_conservation(key: &EntId, res: &Resolution) {
    let Some(eff) = &res.effective else {
        assert!(
            !res.report.is_conformant(),
            "{key}: refused without an error: {}",
            res.report
        );
        return;
    };
    assert!(res.report.is_conformant(), "{key}: accepted with an error");
    for r in &eff.rights {
        if let (Some(q), false) = (r.quantity, r.unlimited) {
            assert!(r.allocated <= q, "{key}: {} allocated of {q}", r.allocated);
        }
    }
    for a in &eff.allocations {
        if a.revoked_by.is_none() {
            assert!(
                a.sub_allocated <= a.quantity,
                "{key}: {} from allocation {} of {}",
                a.sub_allocated,
                a.ent_id,
                a.quantity
            );
        }
    }
}

/// Where the sample of [`check`] starts among `n` Ents: a hash of the program's bytes (FNV-1a
/// over at most the bytes [`MAX_STEPS`] steps can read, five a step), so that it moves with
/// the program.
fn sample_start(data: &[u8], n: usize) -> usize {
    let read = data.get(..MAX_STEPS * 5).unwrap_or(data);
    let h = read.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    usize::try_from(h % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
}

/// Runs the check on one input (panics on a defect); returns how many Ents it built.
pub fn check(data: &[u8]) -> usize {
    let ents = build(data);
    let all = resolve_all(&ents);
    // Every Ent in exactly one resolution.
    let mut filed: std::collections::BTreeMap<&EntId, &EntId> = std::collections::BTreeMap::new();
    for (key, res) in &all {
        assert!(res.ents.contains(key), "{key} is not among its own Ents");
        for e in &res.ents {
            assert!(filed.insert(e, key).is_none(), "{e} is in two resolutions");
        }
        check_conservation(key, res);
    }
    for e in &ents {
        assert!(
            filed.contains_key(&e.ent_id),
            "{} is in no resolution",
            e.ent_id
        );
    }
    // One resolution agrees with all of them.
    let n = ents.len();
    let sampled = (SAMPLE_BUDGET / n.max(1)).clamp(1, SAMPLED);
    let start = sample_start(data, n);
    let stride = (n / sampled).max(1);
    for k in 0..sampled.min(n) {
        let Some(e) = ents.get((start + k * stride) % n) else {
            continue;
        };
        let key = filed.get(&e.ent_id).copied();
        let one = resolve(&e.ent_id, &ents);
        assert_eq!(
            Some(&one),
            key.and_then(|k| all.get(k)),
            "resolve({}) differs from resolve_all",
            e.ent_id
        );
    }
    // Arrival order does not matter (reversed in place, not copied: what `resolve_all` gave
    // owns its ids).
    let mut ents = ents;
    ents.reverse();
    assert!(
        resolve_all(&ents) == all,
        "resolve_all depends on arrival order"
    );
    ents.len()
}
