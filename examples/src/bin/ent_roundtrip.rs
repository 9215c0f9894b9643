//! Reads an Ent file (lax), prints its canonical form. `cargo run -p itam-examples --bin
//! ent_roundtrip -- FILE`; with no file, a built-in sample is used.

use itam_ent::Parsed;
use itam_ent::read::{ReadOptions, read_with};

const SAMPLE: &str = include_str!("../../../itam-ent/tests/data/per-core-subscription.ent.xml");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => SAMPLE.to_owned(),
    };
    let Parsed {
        value: ent,
        source_map: map,
        ..
    } = read_with(text.as_bytes(), &ReadOptions::LAX)?;
    eprintln!(
        "read Ent {} (namespace {:?}, {} positions)",
        ent.ent_id,
        map.namespace,
        map.len()
    );
    print!("{}", itam_ent::write(&ent)?);
    Ok(())
}
