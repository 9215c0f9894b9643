//! Golden canonical output: each sample, read and written, must equal its checked-in canonical
//! form in `tests/golden/`. `ITAM_BLESS=1 cargo test -p itam-ent --test golden` rewrites them.
//! Also: the JSON form of every sample round-trips.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};

use itam_ent::{Ent, ReadOptions, read_str, write};

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".ent.xml"))
        .collect();
    v.sort();
    v
}

#[test]
fn canonical_output_matches_the_golden_files() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var_os("ITAM_BLESS").is_some();
    for path in samples() {
        let ent = read_str(
            &std::fs::read_to_string(&path).unwrap(),
            &ReadOptions::STRICT,
        )
        .unwrap()
        .value;
        let out = write(&ent).unwrap();
        let name = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".ent.xml", ".canonical.xml");
        let file = golden.join(&name);
        if bless {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&file, &out).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{}: {e} (run with ITAM_BLESS=1)", file.display()));
        assert_eq!(out, want, "{name} differs from its golden file");
        assert_eq!(read_str(&want, &ReadOptions::STRICT).unwrap().value, ent);
    }
}

#[test]
fn json_form_of_every_sample_round_trips() {
    for path in samples() {
        let ent = read_str(
            &std::fs::read_to_string(&path).unwrap(),
            &ReadOptions::STRICT,
        )
        .unwrap()
        .value;
        let json = serde_json::to_string_pretty(&ent).unwrap();
        let back: Ent = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ent, "{}", path.display());
    }
}

#[test]
fn every_sample_is_described_in_the_readme() {
    let readme = include_str!("../README.md");
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            readme.contains(&format!("`{name}`")),
            "README does not describe {name}"
        );
    }
}
