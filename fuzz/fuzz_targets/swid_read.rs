//! Fuzz target: the SWID XML reader, in both modes and through `read_all`, and the writer on
//! whatever the reader accepts. A tag the reader accepts must write (a `WriteError` there is a
//! round-trip defect, not an uninteresting input) and read back to the same model.
#![no_main]

use itam_swid::read::{ReadOptions, read_all, read_str, read_with};
use itam_swid::write::write;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for options in [ReadOptions::STRICT, ReadOptions::LAX] {
        if let Ok(parsed) = read_with(data, &options) {
            let xml = match write(&parsed.value) {
                Ok(xml) => xml,
                Err(e) => panic!("a tag the reader accepted does not write: {e}"),
            };
            match read_str(&xml, &ReadOptions::STRICT) {
                Ok(back) => assert_eq!(back.value, parsed.value, "read(write(m)) != m"),
                Err(e) => panic!("the writer's output does not read back: {e}\n{xml}"),
            }
        }
        let _ = read_all(data, &options);
    }
});
