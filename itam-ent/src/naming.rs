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
//! **Length bound.** File systems refuse names longer than 255 bytes, and the encoding can triple
//! a part's length (an Ent id of 100 capital letters is 300 bytes encoded). A name is therefore
//! at most [`MAX_NAME_BYTES`] bytes: when the full name would be longer, the encoded text is cut
//! to at most its first 233 bytes (whole encoded characters only), followed by `_Z`, the 64-bit FNV-1a hash
//! of the full encoded text (the name without `.ent`) in 16 lowercase hexadecimal digits, and
//! `.ent`. Such a name is stable (the same regid and id always give it) and two different Ents
//! get different names unless their hashes collide, but it is **one-way**: `_Z` is not an
//! escape, so [`parse_file_name`] returns `None` for it, and the regid and id must be read from
//! the file itself.
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

/// The longest file name given, in bytes (the common file-system limit).
pub const MAX_NAME_BYTES: usize = 255;

/// Marks a shortened name: `_Z` is not an `_XX` escape, so such names do not parse.
const SHORTENED: &str = "_Z";

/// 64-bit FNV-1a (offset basis and prime from the published FNV parameters).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The shortened name of the full encoded `stem` of `creator` and `id`: whole encoded characters
/// of the stem up to the budget, `_Z`, the stem's hash and the extension.
fn shortened(creator: &str, id: &str, stem: &str) -> String {
    let budget = MAX_NAME_BYTES - (SHORTENED.len() + 16 + 1 + EXTENSION.len());
    let mut prefix = String::new();
    let mut piece = String::new();
    'parts: for (part, guard, sep) in [(creator, true, SEPARATOR), (id, false, "")] {
        for (i, ch) in part.char_indices() {
            piece.clear();
            encode(ch.encode_utf8(&mut [0; 4]), guard && i == 0, &mut piece);
            if prefix.len() + piece.len() > budget {
                break 'parts;
            }
            prefix.push_str(&piece);
        }
        if prefix.len() + sep.len() > budget {
            break;
        }
        prefix.push_str(sep);
    }
    format!(
        "{prefix}{SHORTENED}{:016x}.{EXTENSION}",
        fnv1a64(stem.as_bytes())
    )
}

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

/// The file name for the Ent `id` created by `creator`: at most [`MAX_NAME_BYTES`] bytes,
/// shortened (one-way) beyond that as the module docs say.
#[must_use]
pub fn file_name(creator: &RegId, id: &EntId) -> String {
    let mut stem = String::new();
    encode(creator.as_str(), true, &mut stem);
    stem.push_str(SEPARATOR);
    encode(id.as_str(), false, &mut stem);
    if stem.len() + 1 + EXTENSION.len() <= MAX_NAME_BYTES {
        stem.push('.');
        stem.push_str(EXTENSION);
        return stem;
    }
    shortened(creator.as_str(), id.as_str(), &stem)
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
/// convention, or is a shortened name (see the module docs: those are one-way). Any directory
/// part must be removed first.
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

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn an_id_of_100_capitals_gives_a_bounded_stable_one_way_name() {
        let regid = RegId::new("example.com");
        let long = EntId::new("A".repeat(100));
        let name = file_name(&regid, &long);
        assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
        assert!(name.starts_with("example.com___41_41"), "{name}");
        assert!(name.ends_with(".ent"));
        assert_eq!(name, file_name(&regid, &long));
        assert_eq!(parse_file_name(&name), None);
        // One more capital: another name.
        let longer = file_name(&regid, &EntId::new("A".repeat(101)));
        assert_ne!(name, longer);
        assert_eq!(name.len(), longer.len());
        // Names at the bound are left alone and still parse.
        let at_bound = "a".repeat(MAX_NAME_BYTES - "x__.ent".len());
        let name = file_name(&RegId::new("x"), &EntId::new(at_bound.clone()));
        assert_eq!(name.len(), MAX_NAME_BYTES);
        assert_eq!(parse_file_name(&name).unwrap().1.as_str(), at_bound);
        // One byte more is shortened.
        let over = file_name(&RegId::new("x"), &EntId::new(format!("{at_bound}a")));
        assert!(
            over.contains("_Z") && over.len() <= MAX_NAME_BYTES,
            "{over}"
        );
    }

    #[test]
    fn shortening_never_cuts_an_escape() {
        for pad in 0..4 {
            let id = format!("{}{}", "a".repeat(pad), "Ä".repeat(120));
            let name = file_name(&RegId::new("r"), &EntId::new(id.clone()));
            let (prefix, _) = name.split_once("_Z").unwrap();
            // The prefix is whole encoded characters: it decodes to a prefix of the id.
            let kept = decode(prefix.split_once(SEPARATOR).unwrap().1).unwrap();
            assert!(
                kept.chars().count() >= 35 && id.starts_with(&kept),
                "{name}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn every_name_is_bounded_and_portable_and_round_trips_within_the_bound(
            regid in ".{0,100}",
            id in ".{0,200}",
        ) {
            let name = file_name(&RegId::new(regid.clone()), &EntId::new(id.clone()));
            prop_assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
            prop_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)));
            prop_assert!(!name.starts_with(['.', '-']));
            prop_assert!(name.ends_with(".ent"));
            let mut full = String::new();
            encode(&regid, true, &mut full);
            full.push_str(SEPARATOR);
            encode(&id, false, &mut full);
            if full.len() + ".ent".len() <= MAX_NAME_BYTES {
                let (r, i) = parse_file_name(&name).unwrap();
                prop_assert_eq!(r.as_str(), regid.as_str());
                prop_assert_eq!(i.as_str(), id.as_str());
            } else {
                prop_assert_eq!(parse_file_name(&name), None);
            }
        }

    }
}
