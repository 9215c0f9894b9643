//! File names for Ent files: a convention of this library, **not** the standard's.
//!
//! ISO/IEC 19770-3 has a clause on file names, but its content is not public. This crate
//! proposes (and labels as a guess) `<creator regid>__<Ent id>.ent`, each part encoded so that
//! the name uses only portable characters and is the same on case-insensitive file systems:
//!
//! - lowercase ASCII letters, digits, `.` and `-` stand for themselves (except a leading `.` or
//!   `-` of the regid, so no name is hidden or looks like a command option);
//! - every other byte of the UTF-8 text, uppercase letters included, is written `_XX` (two
//!   uppercase hexadecimal digits);
//! - the two parts are joined by `__`, which no encoded part contains.
//!
//! The encoding is reversible ([`parse_file_name`]), so the name says whose Ent it is. The reader
//! never depends on it: an Ent file is read the same under any name.
//!
//! ```
//! use itam_ent::naming::{file_name, parse_file_name};
//! use itam_ent::itam_core::{EntId, RegId};
//!
//! let name = file_name(&RegId::new("example.com"), &EntId::new("PO-17/line 2"));
//! assert_eq!(name, "example.com___50_4F-17_2Fline_202.ent");
//! let (regid, id) = parse_file_name(&name).unwrap();
//! assert_eq!((regid.as_str(), id.as_str()), ("example.com", "PO-17/line 2"));
//! ```

use itam_core::{EntId, RegId};

use crate::model::Ent;

/// The file extension (a guess of this library; the standard's is not public).
pub const EXTENSION: &str = "ent";

/// The separator between the encoded regid and the encoded Ent id.
pub const SEPARATOR: &str = "__";

fn encode(text: &str, guard_leading: bool, out: &mut String) {
    for (i, b) in text.bytes().enumerate() {
        let plain = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-';
        let leading = guard_leading && i == 0 && (b == b'.' || b == b'-');
        if plain && !leading {
            out.push(char::from(b));
        } else {
            out.push('_');
            out.push(hex(b >> 4));
            out.push(hex(b & 0x0F));
        }
    }
}

fn hex(nibble: u8) -> char {
    char::from(match nibble {
        0..=9 => b'0' + nibble,
        _ => b'A' + nibble - 10,
    })
}

fn unhex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'_' {
            let hi = unhex(*bytes.get(i + 1)?)?;
            let lo = unhex(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-' {
            out.push(b);
            i += 1;
        } else {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

/// The file name for the Ent `id` created by `creator`.
#[must_use]
pub fn file_name(creator: &RegId, id: &EntId) -> String {
    let mut out = String::new();
    encode(creator.as_str(), true, &mut out);
    out.push_str(SEPARATOR);
    encode(id.as_str(), false, &mut out);
    out.push('.');
    out.push_str(EXTENSION);
    out
}

/// The file name of an Ent: its creator's regid (`http://invalid.unavailable` when it has no
/// creator or the creator no regid) and its id.
#[must_use]
pub fn file_name_of(ent: &Ent) -> String {
    let regid = ent
        .creator()
        .map(crate::model::Entity::regid_or_default)
        .unwrap_or_default();
    file_name(&regid, &ent.ent_id)
}

/// The creator regid and Ent id a file name encodes; `None` when the name does not follow the
/// convention. Any directory part must be removed first.
#[must_use]
pub fn parse_file_name(name: &str) -> Option<(RegId, EntId)> {
    let stem = name.strip_suffix(EXTENSION)?.strip_suffix('.')?;
    let (regid, id) = stem.split_once(SEPARATOR)?;
    Some((RegId::new(decode(regid)?), EntId::new(decode(id)?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn leading_dot_and_dash_are_encoded() {
        let name = file_name(&RegId::new(".hidden"), &EntId::new("-x"));
        assert_eq!(name, "_2Ehidden__-x.ent");
        assert!(!name.starts_with('.'));
        let name = file_name(&RegId::new("-opt"), &EntId::new("a"));
        assert!(name.starts_with("_2D"));
    }

    #[test]
    fn names_that_do_not_follow_the_convention_are_refused() {
        for bad in [
            "x.xml",
            "nosep.ent",
            "a__b_G1.ent",
            "A__b.ent",
            "a__b_4.ent",
        ] {
            assert_eq!(parse_file_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn case_differences_give_different_names_that_differ_beyond_case() {
        let a = file_name(&RegId::new("x"), &EntId::new("ABC"));
        let b = file_name(&RegId::new("x"), &EntId::new("abc"));
        assert_ne!(a.to_ascii_lowercase(), b.to_ascii_lowercase());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn file_names_round_trip_and_are_portable(regid in ".{0,20}", id in ".{0,30}") {
            let name = file_name(&RegId::new(regid.clone()), &EntId::new(id.clone()));
            prop_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)));
            prop_assert!(!name.starts_with(['.', '-']));
            let (r, i) = parse_file_name(&name).unwrap();
            prop_assert_eq!(r.as_str(), regid.as_str());
            prop_assert_eq!(i.as_str(), id.as_str());
        }
    }
}
