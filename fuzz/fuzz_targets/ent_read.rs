//! Fuzz target: the Ent XML reader in both modes; on whatever it accepts, the canonical writer
//! (whose output must read back to the same model and be a fixed point), the validator and the
//! resolver must not panic.
#![no_main]

use itam_ent::read::{ReadOptions, read_bytes, read_with};
use itam_ent::{Profile, resolve, validate, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for options in [ReadOptions::strict(), ReadOptions::lax()] {
        let Ok((ent, _)) = read_bytes(data, &options) else {
            continue;
        };
        let xml = write(&ent);
        let (back, _) = read_with(&xml, &options).expect("canonical output reads back");
        assert_eq!(back, ent);
        assert_eq!(write(&back), xml);
        let _ = validate(&ent, Profile::reconstructed());
        let _ = resolve(&ent.ent_id, std::slice::from_ref(&ent));
    }
});
