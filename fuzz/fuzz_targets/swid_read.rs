//! Fuzz target: the SWID XML reader, in both modes and through `read_all`, and the writer on
//! whatever the reader accepts. A tag the reader accepts must write (a `WriteError` there is a
//! round-trip defect, not an uninteresting input) and read back to the same model.
#![no_main]

use itam_swid::read::{ReadOptions, read, read_all_bytes, read_bytes};
use itam_swid::write::write;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for options in [ReadOptions::STRICT, ReadOptions::LAX] {
        if let Ok(parsed) = read_bytes(data, &options) {
            let xml = match write(&parsed.tag) {
                Ok(xml) => xml,
                Err(e) => panic!("a tag the reader accepted does not write: {e}"),
            };
            match read(&xml, &ReadOptions::STRICT) {
                Ok(back) => assert_eq!(back.tag, parsed.tag, "read(write(m)) != m"),
                Err(e) => panic!("the writer's output does not read back: {e}\n{xml}"),
            }
        }
        let _ = read_all_bytes(data, &options);
    }
});
