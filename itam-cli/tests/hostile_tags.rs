//! The hostile-input suite for tags and Ents (issue 12, "make it stay fixed"): one case per
//! class — entity expansion, external entities, deep nesting, too many attributes, huge
//! attribute values, bad encodings, control characters, truncation at every tenth, CBOR bombs
//! (huge declared lengths, deep nesting) — each run through the `itam` binary under an address
//! space limit of 1 GiB (`ulimit -v`), asserting the typed error the user reads, its position
//! and the exit code. The CSV, ledger and estate classes (formula cells, extreme numbers, 10⁶
//! element arrays, truncations) are in `hostile.rs`.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

use std::process::{Command, Output};

const SWID_NS: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
const ENT_NS: &str = "http://standards.iso.org/iso/19770/-3/2016/schema.xsd";

/// `itam ARGS` with at most 1 GiB of address space: a reader that followed the file's claims
/// instead of its limits would be killed, and the test would see no exit code.
fn itam_bounded(args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_itam"))
        .args(args)
        .output()
        .expect("runs")
}

fn tag(inner: &str) -> String {
    format!(
        "<SoftwareIdentity xmlns=\"{SWID_NS}\" name=\"n\" tagId=\"t\" version=\"1\">\n  \
         <Entity name=\"A\" regid=\"a.example\" role=\"tagCreator\"/>{inner}\n</SoftwareIdentity>\n"
    )
}

const LAUGHS: &str = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n \
    <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n";

/// Runs `itam <verb> validate FILE` on `bytes`; the exit code and what it printed (the report
/// on standard output, notes on standard error).
fn validate(verb: &str, name: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let dir = TempDir::new("hostile-tags");
    std::fs::write(dir.join(name), bytes).unwrap();
    let out = itam_bounded(&[verb, "validate", &dir.arg(name)]);
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!err.contains("panicked"), "{name}: {err}");
    (out.status.code(), err)
}

/// Refused (exit 2) with `message` at `file:position`.
fn refused(verb: &str, name: &str, bytes: &[u8], at: &str, message: &str) {
    let (code, err) = validate(verb, name, bytes);
    assert_eq!(code, Some(2), "{name}: {err}");
    assert!(
        err.contains(&format!("{name}{at}: error: ")),
        "{name}: {err}"
    );
    assert!(err.contains(message), "{name}: {err}");
}

#[test]
fn entity_expansion_and_external_entities_are_refused_at_the_doctype() {
    let laughs = format!(
        "{LAUGHS}{}",
        tag("").replace("name=\"n\"", "name=\"&lol2;\"")
    );
    refused(
        "swid",
        "laughs.swidtag",
        laughs.as_bytes(),
        ":2:1",
        "document type declarations are not allowed",
    );
    let ent = format!(
        "{LAUGHS}<Ent xmlns=\"{ENT_NS}\" name=\"&lol2;\" entId=\"e\" entType=\"primary\"/>\n"
    );
    refused(
        "ent",
        "laughs.ent.xml",
        ent.as_bytes(),
        ":2:1",
        "document type declarations are not allowed",
    );
    let xxe = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n{}",
        tag("").replace("name=\"n\"", "name=\"&e;\"")
    );
    let (_, err) = validate("swid", "xxe.swidtag", xxe.as_bytes());
    assert!(!err.contains("root:"), "the external file was read: {err}");
    refused(
        "swid",
        "xxe.swidtag",
        xxe.as_bytes(),
        ":2:1",
        "document type declarations are not allowed",
    );
}

#[test]
fn deep_nesting_and_crowded_elements_are_refused_with_their_position() {
    let deep = tag(&format!(
        "<Payload>{}{}</Payload>",
        "<Directory name=\"d\">".repeat(10_000),
        "</Directory>".repeat(10_000)
    ));
    refused(
        "swid",
        "deep.swidtag",
        deep.as_bytes(),
        ":2:1306",
        "elements nested deeper than 64 levels",
    );
    let attributes: String = (0..300).map(|i| format!(" a{i}=\"v\"")).collect();
    let crowded = tag(&format!("<Meta{attributes}/>"));
    refused(
        "swid",
        "crowded.swidtag",
        crowded.as_bytes(),
        ":2:57",
        "has 300 attributes, more than the limit of 256",
    );
    let ent = format!(
        "<Ent xmlns=\"{ENT_NS}\" name=\"n\" entId=\"e\" entType=\"primary\">\n<EntMeta{attributes}/></Ent>\n"
    );
    refused(
        "ent",
        "crowded.ent.xml",
        ent.as_bytes(),
        ":2:1",
        "has 300 attributes, more than the limit of 256",
    );
}

#[test]
fn a_huge_attribute_value_within_the_size_limit_is_read_in_bounded_memory() {
    let huge = tag(&format!("<Meta product=\"{}\"/>", "x".repeat(8 << 20)));
    let (code, err) = validate("swid", "huge.swidtag", huge.as_bytes());
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn bad_encodings_and_control_characters_say_where() {
    let mut bytes = tag("").into_bytes();
    bytes.splice(60..60, [0xff, 0xfe]);
    refused(
        "swid",
        "bad.swidtag",
        &bytes,
        ":1:61",
        "not valid utf-8 at byte 60",
    );
    let ctrl = tag("").replace("name=\"n\"", "name=\"a\u{1}b\"");
    refused(
        "swid",
        "ctrl.swidtag",
        ctrl.as_bytes(),
        ":1:88",
        "a non-XML character '\\u{1}'",
    );
}

#[test]
fn truncation_at_every_tenth_is_an_error_with_a_position_never_a_panic() {
    let swid = std::fs::read(format!(
        "{}/../itam-swid/tests/data/full-2015.swidtag",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let ent = std::fs::read(format!(
        "{}/../itam-ent/tests/data/perpetual-device.ent.xml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    for (verb, name, whole) in [("swid", "cut.swidtag", &swid), ("ent", "cut.ent.xml", &ent)] {
        for tenth in 1..10 {
            let cut = &whole[..whole.len() * tenth / 10];
            let (code, err) = validate(verb, name, cut);
            assert_eq!(code, Some(2), "{name} at {tenth}/10: {err}");
            // `name:LINE:COL: error: …`
            let rest = err.split_once(&format!("{name}:")).map(|(_, r)| r);
            let position = rest
                .and_then(|r| r.split_once(": error: "))
                .is_some_and(|(at, _)| {
                    at.split(':').all(|n| n.parse::<u32>().is_ok()) && at.contains(':')
                });
            assert!(position, "{name} at {tenth}/10 has no line:column: {err}");
        }
    }
}

#[test]
fn cbor_bombs_are_refused_from_their_header_without_allocating() {
    // An array, a byte string and a map claiming 2³², 2³²-1 and 2⁶⁴-1 entries in a few bytes.
    for (name, bytes) in [
        ("array.coswid", vec![0x9b, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3]),
        (
            "bytes.coswid",
            vec![0x5a, 0xff, 0xff, 0xff, 0xff, b'a', b'b'],
        ),
        (
            "map.coswid",
            vec![0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0],
        ),
    ] {
        let (code, err) = validate("swid", name, &bytes);
        assert_eq!(code, Some(2), "{name}: {err}");
        assert!(
            err.contains("exceeds the remaining input at byte 0"),
            "{name}: {err}"
        );
    }
    // 10⁵ nested arrays: refused at the depth limit, where it is passed.
    let mut deep = vec![0x81; 100_000];
    deep.push(0);
    let (code, err) = validate("swid", "deep.coswid", &deep);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("nesting deeper than 64 at byte 63"), "{err}");
}
