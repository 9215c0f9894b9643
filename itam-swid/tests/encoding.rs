//! Reading bytes: UTF-8 with or without a byte-order mark, UTF-16 after its byte-order mark
//! (`read::decode_text`), and typed errors with the byte offset when they do not decode.

// Test helpers may panic: a panic is how a test reports a failure.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use itam_swid::itam_core::TextPos;
use itam_swid::read::{Encoding, ReadOptions, decode_text, read_all, read_str, read_with};
use itam_swid::{ParseError, XmlError};

/// The project's UTF-16LE vector (byte-order mark `FF FE`, CRLF line ends, non-ASCII text
/// and a character outside the BMP).
const LE: &[u8] = include_bytes!("data/utf16le.swidtag");

/// The vector's text, decoded here independently of the reader.
fn text() -> String {
    let units: Vec<u16> = LE
        .get(2..)
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16(&units).expect("the vector is UTF-16LE")
}

fn big_endian() -> Vec<u8> {
    LE.chunks_exact(2).flat_map(|p| [p[1], p[0]]).collect()
}

fn pos(line: u32, col: u32) -> TextPos {
    TextPos { line, col }
}

#[test]
fn utf16_with_a_byte_order_mark_reads_like_its_utf8_text() {
    assert_eq!(LE.get(..2), Some(&[0xFF, 0xFE][..]));
    assert_eq!(Encoding::sniff(LE), (Encoding::Utf16Le, 2));
    let expected = read_str(&text(), &ReadOptions::STRICT).expect("utf-8 text");
    assert_eq!(expected.value.name, "Bücherei Ω");

    let le = read_with(LE, &ReadOptions::STRICT).expect("utf-16le");
    let be_bytes = big_endian();
    assert_eq!(Encoding::sniff(&be_bytes), (Encoding::Utf16Be, 2));
    let be = read_with(&be_bytes, &ReadOptions::STRICT).expect("utf-16be");
    let mut bom8 = b"\xEF\xBB\xBF".to_vec();
    bom8.extend_from_slice(text().as_bytes());
    let utf8 = read_with(&bom8, &ReadOptions::STRICT).expect("utf-8 with a bom");
    for parsed in [&le, &be, &utf8] {
        assert_eq!(parsed, &expected);
    }
    // Positions are lines and columns of the text (characters, whatever the encoding):
    // line 7 is `  <Meta product="Bücherei 📚" …`, `colloquialVersion` after the emoji.
    let colloquial = "/SoftwareIdentity/Meta[1]/@colloquialVersion";
    assert_eq!(le.source_map.get(colloquial), Some(pos(7, 30)));
    assert_eq!(
        le.source_map
            .get("/SoftwareIdentity/Payload[1]/Directory[1]/File[2]/@size"),
        Some(pos(11, 27))
    );

    let all = read_all(&be_bytes, &ReadOptions::STRICT).expect("read_all");
    assert_eq!(all.len(), 1);
    assert_eq!(all.first(), Some(&expected));
}

#[test]
fn bytes_that_do_not_decode_are_typed_errors_with_the_offset() {
    let options = ReadOptions::STRICT;
    // A UTF-16 input cut inside its last code unit.
    let cut = LE.get(..LE.len() - 1).unwrap_or_default();
    match read_with(cut, &options) {
        Err(ParseError::Xml(XmlError::Encoding {
            encoding, offset, ..
        })) => {
            assert_eq!(encoding, Encoding::Utf16Le);
            assert_eq!(offset, LE.len() - 2);
        }
        other => panic!("{other:?}"),
    }
    // An unpaired high surrogate after `<a` on the second line, big-endian.
    let mut units: Vec<u16> = "<\n<a".encode_utf16().collect();
    units.push(0xD800);
    units.extend("/>".encode_utf16());
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(units.iter().flat_map(|u| u.to_be_bytes()));
    let error = decode_text(&bytes, &options.limits).expect_err("unpaired surrogate");
    assert_eq!(
        error,
        ParseError::Xml(XmlError::Encoding {
            encoding: Encoding::Utf16Be,
            offset: 10,
            pos: pos(2, 3),
        })
    );
    assert_eq!(
        error.to_string(),
        "not valid utf-16be at byte 10 (after 2:3)"
    );
    // Invalid UTF-8 (no byte-order mark): the offset of the first bad byte.
    let error = read_with(b"<a>\n\xC3\xA9\xFF</a>", &options).expect_err("invalid utf-8");
    assert_eq!(
        error,
        ParseError::Xml(XmlError::Encoding {
            encoding: Encoding::Utf8,
            offset: 6,
            pos: pos(2, 2),
        })
    );
    assert_eq!(error.pos(), Some(pos(2, 2)));
    // UTF-8 input is borrowed, not copied.
    assert!(matches!(
        decode_text(b"\xEF\xBB\xBF<a/>", &options.limits),
        Ok(std::borrow::Cow::Borrowed("<a/>"))
    ));
}

/// UTF-16 without a byte-order mark (XML 1.0 Appendix F: told from the first `<`) reads like
/// its text in both byte orders, with the same positions.
#[test]
fn utf16_without_a_byte_order_mark_reads_like_its_utf8_text() {
    let expected = read_str(&text(), &ReadOptions::STRICT).expect("utf-8 text");
    let le = LE.get(2..).unwrap_or_default();
    let be_bytes = big_endian();
    let be = be_bytes.get(2..).unwrap_or_default();
    assert_eq!(Encoding::sniff(le), (Encoding::Utf16Le, 0));
    assert_eq!(Encoding::sniff(be), (Encoding::Utf16Be, 0));
    for bytes in [le, be] {
        let parsed = read_with(bytes, &ReadOptions::STRICT).expect("utf-16 without a mark");
        assert_eq!(parsed, expected);
        let colloquial = "/SoftwareIdentity/Meta[1]/@colloquialVersion";
        assert_eq!(parsed.source_map.get(colloquial), Some(pos(7, 30)));
    }
    // Cut inside its last code unit: the offset counts from the start (no mark).
    let cut = be.get(..be.len() - 1).unwrap_or_default();
    match read_with(cut, &ReadOptions::STRICT) {
        Err(ParseError::Xml(XmlError::Encoding {
            encoding, offset, ..
        })) => assert_eq!((encoding, offset), (Encoding::Utf16Be, be.len() - 2)),
        other => panic!("{other:?}"),
    }
}
