//! Size limits (issue 12, defect 12) and the byte-order mark on `itam reconcile`'s JSON inputs,
//! as a user meets them: a file over its kind's limit is refused before it is read, with its
//! name, size and the limit; sparse files (large reported length, no data on disk) show that
//! the refusal comes from the length, not from reading: a read would stop at limit + 1 bytes.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

mod support;
use support::*;

fn data(rel: &str) -> String {
    format!("{}/tests/data/reconcile/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn demo(rel: &str) -> String {
    format!("{}/demo/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// A sparse file of `len` bytes: nothing is written, so reading it whole would take `len` bytes
/// of memory.
fn sparse(path: &std::path::Path, len: u64) {
    let file = std::fs::File::create(path).expect("create");
    file.set_len(len).expect("set_len");
}

const GIB: u64 = 1024 * 1024 * 1024;

/// The demo's editor tag.
const EDITOR: &str = "inventory/ws-lon-01/example-editor-3.swidtag";

/// A folder layout with one device, `pc-1`, on which the demo's editor tag was found, and no
/// entitlements.
fn one_device_with_the_editor(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    std::fs::create_dir_all(dir.join("inventory/pc-1")).unwrap();
    std::fs::create_dir_all(dir.join("entitlements")).unwrap();
    std::fs::write(
        dir.join("devices.json"),
        br#"{"devices": [{"id": "pc-1"}]}"#,
    )
    .unwrap();
    std::fs::copy(demo(EDITOR), dir.join("inventory/pc-1/editor.swidtag")).unwrap();
    dir
}

#[test]
fn a_sparse_tag_file_over_the_limit_is_listed_by_its_length_not_read() {
    let dir = one_device_with_the_editor("sparse-tag");
    sparse(&dir.join("inventory/pc-1/huge.swidtag"), 3 * GIB);
    let out = itam(&["reconcile", "--as-of", "2026-10-01", "--json", &dir.arg("")]);
    // 1: the editor found on pc-1 has no entitlement.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let position = json(&out);
    let unused = position["unused"].as_array().expect("unused");
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert!(
        unused[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("huge.swidtag")
    );
    assert_eq!(unused[0]["kind"], "unreadable");
    // The reported length (3 GiB), not the limit + 1 that a bounded read would have stopped at.
    assert_eq!(
        unused[0]["reason"],
        "unreadable: 3221225472 bytes, over the tag file limit of 67108864 bytes"
    );
    assert!(stderr(&out).contains("huge.swidtag: unreadable: 3221225472 bytes"));
    // The other tag on the device is still read: one installation, counted as unlicensed.
    assert_eq!(position["totals"]["consumers"], 1, "{position}");
}

#[test]
fn the_limit_can_be_raised_or_lowered_on_the_command_line() {
    let dir = one_device_with_the_editor("lowered");
    let tag = demo(EDITOR);
    let len = std::fs::metadata(&tag).unwrap().len();
    let at = |limit: u64| {
        let out = itam(&[
            "reconcile",
            "--as-of",
            "2026-10-01",
            "--json",
            "--max-input-bytes",
            &limit.to_string(),
            &dir.arg(""),
        ]);
        (code(&out), json(&out)["unused"].as_array().unwrap().clone())
    };
    // At the limit the tag is read: an unlicensed installation, exit 1.
    assert_eq!(
        at(len),
        (1, Vec::new()),
        "a file exactly at the limit is read"
    );
    let (status, refused) = at(len - 1);
    assert_eq!(status, 0, "nothing installed, nothing short");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(
        refused[0]["reason"],
        format!(
            "unreadable: {len} bytes, over the tag file limit of {} bytes",
            len - 1
        )
    );
}

#[test]
fn an_estate_over_its_limit_is_refused_with_its_name_size_and_limit() {
    let estate = data("compliant.json");
    let len = std::fs::metadata(&estate).unwrap().len();
    let out = itam(&["reconcile", "--max-input-bytes", "64", &estate]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "compliant.json: {len} bytes, over the estate limit of 64 bytes"
        )),
        "{err}"
    );

    // The default estate limit (256 MiB), on a sparse file of 300 MiB: refused by its length.
    let dir = TempDir::new("sparse-estate");
    let big = dir.join("estate.json");
    sparse(&big, 300 * 1024 * 1024);
    let out = itam(&[
        "reconcile",
        "--as-of",
        "2026-10-01",
        &dir.arg("estate.json"),
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out)
            .contains("estate.json: 314572800 bytes, over the estate limit of 268435456 bytes"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_estate_on_standard_input_is_read_through_the_bounded_reader() {
    let text = std::fs::read(data("compliant.json")).unwrap();
    let out = itam_stdin(&["reconcile", "--max-input-bytes", "64", "-"], &text);
    assert_eq!(code(&out), 2);
    // Read stops one byte past the limit.
    assert!(
        stderr(&out).contains("standard input: 65 bytes, over the estate limit of 64 bytes"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn reconcile_accepts_a_utf8_byte_order_mark_on_the_estate_and_the_policy() {
    let dir = TempDir::new("bom");
    let plain = std::fs::read(data("compliant.json")).unwrap();
    let mut marked = b"\xef\xbb\xbf".to_vec();
    marked.extend_from_slice(&plain);
    std::fs::write(dir.join("estate.json"), &marked).unwrap();
    let policy = std::fs::read(data("dated-policy.json")).unwrap();
    let mut marked_policy = b"\xef\xbb\xbf".to_vec();
    marked_policy.extend_from_slice(&policy);
    std::fs::write(dir.join("policy.json"), &marked_policy).unwrap();

    let expected = itam(&[
        "reconcile",
        "--json",
        "--policy",
        &data("dated-policy.json"),
        &data("compliant.json"),
    ]);
    assert_ne!(code(&expected), 2, "{}", stderr(&expected));
    let got = itam(&[
        "reconcile",
        "--json",
        "--policy",
        &dir.arg("policy.json"),
        &dir.arg("estate.json"),
    ]);
    assert_eq!(code(&got), code(&expected), "{}", stderr(&got));
    assert_eq!(stdout(&got), stdout(&expected));
    // From standard input too.
    let piped = itam_stdin(
        &[
            "reconcile",
            "--json",
            "--policy",
            &data("dated-policy.json"),
            "-",
        ],
        &marked,
    );
    assert_eq!(code(&piped), code(&expected), "{}", stderr(&piped));
    assert_eq!(stdout(&piped), stdout(&expected));
}

#[test]
fn an_ent_file_and_a_ledger_over_their_limits_are_refused_before_reading() {
    let dir = TempDir::new("sparse-ent");
    sparse(&dir.join("big.ent"), GIB);
    let out = itam(&["ent", "validate", &dir.arg("big.ent")]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        said.contains("big.ent: error: 1073741824 bytes, over the ent file limit of 8388608 bytes"),
        "{said}"
    );

    // The CMS and the ledger share the ledger limit; the CMS is read first.
    let cms = demo("finance/cms.json");
    let len = std::fs::metadata(&cms).unwrap().len();
    let out = itam(&[
        "finance",
        "reconcile",
        "--cms",
        &cms,
        "--ledger",
        &demo("finance/ledger.csv"),
        "--max-input-bytes",
        &(len - 1).to_string(),
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "cms.json: error: {len} bytes, over the ledger limit of {} bytes",
            len - 1
        )),
        "{err}"
    );
}
