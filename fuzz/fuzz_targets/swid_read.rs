//! Fuzz target: the SWID XML reader, in both modes and through `read_all`, and the writer on
//! whatever the reader accepts (which must read back to the same model).
#![no_main]

use itam_swid::read::{ReadOptions, read, read_all_bytes, read_bytes};
use itam_swid::write::write;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for options in [ReadOptions::STRICT, ReadOptions::LAX] {
        if let Ok(parsed) = read_bytes(data, &options) {
            if let Ok(xml) = write(&parsed.tag) {
                let back = read(&xml, &ReadOptions::STRICT);
                assert_eq!(back.map(|p| p.tag).ok(), Some(parsed.tag));
            }
        }
        let _ = read_all_bytes(data, &options);
    }
});
