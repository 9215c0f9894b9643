//! Fuzz target: the Ent XML reader in both modes; on whatever it accepts, the canonical writer
//! (which must write it: a `WriteError` there is a round-trip defect, and whose output must
//! read back to the same model and be a fixed point), the validator and the resolver must not
//! panic.
//!
//! An input may hold several documents separated by NUL bytes (at most [`MAX_DOCS`]): each is
//! read on its own, then every Ent read is resolved against all of them, so the fuzzer reaches
//! allocation chains, consolidations and their sums (ENT-RES-8), not only single Ents.
#![no_main]

use itam_ent::read::{ReadOptions, read_str, read_with};
use itam_ent::resolve::resolve_all;
use itam_ent::{Ent, Profile, resolve, validate, write};
use libfuzzer_sys::fuzz_target;

/// Documents per input beyond which the rest is ignored (keeps each run short).
const MAX_DOCS: usize = 8;

fuzz_target!(|data: &[u8]| {
    let mut chain: Vec<Ent> = Vec::new();
    for doc in data.split(|b| *b == 0).take(MAX_DOCS) {
        for options in [ReadOptions::STRICT, ReadOptions::LAX] {
            let Ok(parsed) = read_with(doc, &options) else {
                continue;
            };
            let ent = parsed.value;
            let xml = write(&ent).expect("an Ent the reader accepted writes");
            let back = read_str(&xml, &options)
                .expect("canonical output reads back")
                .value;
            assert_eq!(back, ent);
            assert_eq!(write(&back).expect("writes again"), xml);
            let _ = validate(&ent, Profile::reconstructed());
            let _ = resolve(&ent.ent_id, std::slice::from_ref(&ent));
            chain.push(ent);
        }
    }
    if chain.len() > 1 {
        for ent in &chain {
            let _ = resolve(&ent.ent_id, &chain);
        }
        let _ = resolve_all(&chain);
    }
});
