//! `itam ent …` as a user runs it: what only `ent validate` does (the rule vectors, JSON arrays,
//! its profile), `show` on a chain in any order and on a refused chain, folder conversion and its
//! round trip, `new` from the JSON form, and `import-cyclonedx` of the CycloneDX examples read in
//! place from the shared corpus. The exit codes, text and JSON shapes and progress that
//! `ent validate` shares with `swid validate` are tested once for both in `validate_cli.rs`.
//!
//! Fixtures: `tests/data/ent/` (written for these tests), and the itam-ent samples read in place
//! from `../itam-ent/tests/data/`.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

#[path = "../../itam-swid/tests/support/corpus.rs"]
mod corpus;
mod support;
use support::*;

use std::path::{Path, PathBuf};
use std::process::Output;

use itam_ent::resolve::resolve_all;
use itam_ent::{Ent, Parsed, ReadOptions, naming, read_str, write};

fn data(rel: &str) -> String {
    format!("{}/tests/data/ent/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn samples(rel: &str) -> String {
    format!(
        "{}/../itam-ent/tests/data/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

const CHAIN: [&str; 4] = [
    "chain/base.ent.xml",
    "chain/alloc-ops.ent.xml",
    "chain/alloc-lab.ent.xml",
    "chain/addition.ent.xml",
];

// ---- validate ----------------------------------------------------------------------------

#[test]
fn validate_fires_each_rule_of_the_itam_ent_vectors_through_the_cli() {
    let out = itam(&["ent", "validate", "--json", &samples("rules")]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let files = v.as_array().unwrap();
    assert!(files.len() >= 20, "{} vectors", files.len());
    for file in files {
        let name = file["file"].as_str().unwrap();
        let rule = Path::new(name)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".ent.xml")
            .to_owned();
        let rules: Vec<&str> = file["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&rule.as_str()), "{name}: {rules:?}");
    }
}

#[test]
fn validate_numbers_the_ents_of_a_json_array_and_checks_the_json_form() {
    let dir = TempDir::new("array");
    let good: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data("new/server.ent.json")).unwrap())
            .unwrap();
    let mut orphan = good.clone();
    orphan["ent_id"] = "cli-new-2".into();
    orphan["entities"][0]["role"] = serde_json::json!(["licensor"]);
    std::fs::write(
        dir.join("two.json"),
        serde_json::to_vec(&serde_json::json!([good, orphan])).unwrap(),
    )
    .unwrap();
    let out = itam(&["ent", "validate", "--json", &dir.arg("two.json")]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let v = json(&out);
    let findings = v[0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "ENT-MIN-2");
    assert_eq!(findings[0]["location"]["path"], "/Ent[2]");
    // The JSON form has no text positions.
    assert!(findings[0]["location"].get("pos").is_none());
}

#[test]
fn validate_accepts_the_reconstructed_profile_by_name() {
    let out = itam(&[
        "ent",
        "validate",
        "--profile",
        itam_ent::Profile::reconstructed().name,
        &data("chain"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

// ---- show --------------------------------------------------------------------------------

#[test]
fn show_resolves_a_chain_the_same_in_any_order() {
    let args = |order: &[usize], json: bool| -> Output {
        let mut args = vec!["ent".to_owned(), "show".to_owned()];
        if json {
            args.push("--json".to_owned());
        }
        args.extend(order.iter().map(|&i| data(CHAIN[i])));
        itam(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let orders: [&[usize]; 4] = [&[0, 1, 2, 3], &[3, 2, 1, 0], &[2, 0, 3, 1], &[1, 3, 0, 2]];
    for json in [false, true] {
        let first = args(orders[0], json);
        assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
        for order in &orders[1..] {
            let other = args(order, json);
            assert_eq!(other.status.code(), Some(0));
            assert_eq!(
                stdout(&other),
                stdout(&first),
                "order {order:?}, json {json}"
            );
        }
    }
    // And the same as the folder.
    let folder = itam(&["ent", "show", &data("chain")]);
    assert_eq!(stdout(&folder), stdout(&args(orders[1], false)));

    let text = stdout(&folder);
    assert!(
        text.starts_with("Example Server Standard (ent:cli-base-1)\n"),
        "{text}"
    );
    assert!(text.contains("  status:          active\n"), "{text}");
    assert!(
        text.contains("    use, core: 20 (allocated 8, available 12); versions [8.0,)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "    ent:cli-alloc-ops from ent:cli-base-1: use 8 core to Operations [buyer.example], 3 allocated on\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  order:           PO-4711, quantity 20, 2025-01-05\n"),
        "{text}"
    );
    assert!(text.contains("  files (4):\n"), "{text}");
}

#[test]
fn show_json_is_the_library_effective_entitlement() {
    let paths: Vec<String> = CHAIN.iter().map(|p| data(p)).collect();
    let mut args = vec!["ent", "show", "--json"];
    args.extend(paths.iter().map(String::as_str));
    let out = itam(&args);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let chains = v.as_array().unwrap();
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0]["base"], "cli-base-1");
    assert_eq!(chains[0]["findings"], serde_json::json!([]));
    assert_eq!(chains[0]["files"].as_array().unwrap().len(), 4);

    let ents: Vec<Ent> = paths
        .iter()
        .map(|p| {
            read_str(&std::fs::read_to_string(p).unwrap(), &ReadOptions::STRICT)
                .unwrap()
                .value
        })
        .collect();
    let resolved = resolve_all(&ents);
    let effective = resolved
        .values()
        .next()
        .unwrap()
        .effective
        .as_ref()
        .unwrap();
    assert_eq!(
        chains[0]["effective"],
        serde_json::to_value(effective).unwrap()
    );
    assert_eq!(chains[0]["effective"]["rights"][0]["allocated"], "8");
}

#[test]
fn show_reads_the_json_form_to_the_same_effective_entitlement() {
    let dir = TempDir::new("show-json");
    let out = itam(&[
        "ent",
        "convert",
        "--to",
        "json",
        &data("chain"),
        "-o",
        &dir.arg("j"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let from_xml = json(&itam(&["ent", "show", "--json", &data("chain")]));
    let out = itam(&["ent", "show", "--json", &dir.arg("j")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let from_json = json(&out);
    assert_eq!(from_json[0]["effective"], from_xml[0]["effective"]);
    assert_eq!(from_json[0]["files"].as_array().unwrap().len(), 4);
}

#[test]
fn show_lists_the_reseller_and_distributor_through_a_transfer() {
    // The bundle names a reseller and a distributor beside licensor and licensee.
    let out = itam(&["ent", "show", &samples("reseller-bundle.ent.xml")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("  party:           Shop and Co [shop.example] (reseller)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  party:           Wholesale Distribution AG [wholesale.example] (distributor)\n"
        ),
        "{text}"
    );
    // The site licence's reseller stays after the transfer to a new licensee.
    let out = itam(&[
        "ent",
        "show",
        "--json",
        &samples("site-licence.ent.xml"),
        &samples("transfer.ent.xml"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let eff = &v[0]["effective"];
    assert_eq!(eff["licensees"][0]["name"], "Example United University");
    let others: Vec<&str> = eff["other_entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(others, ["Example Analytics AB", "Campus Reseller"]);
    assert_eq!(
        eff["other_entities"][1]["role"],
        serde_json::json!(["entCreator", "reseller"])
    );
}

#[test]
fn show_reports_a_refused_chain_as_findings_and_exits_1() {
    let out = itam(&["ent", "show", &data("overallocated"), &data("chain")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("ent:cli-small-1: refused\n"), "{text}");
    assert!(
        text.contains("    error [ENT-RES-3] ent:cli-small-1: allocations of `use` total 12, more than the 10 granted"),
        "{text}"
    );
    // The files named are the base's and the offending allocation's.
    assert!(
        text.contains("  files (2):\n")
            && text.contains("overallocated/alloc-too-many.ent.xml\n")
            && text.contains("overallocated/base-small.ent.xml\n"),
        "{text}"
    );
    // The consistent chain beside it is still shown.
    assert!(
        text.contains("Example Server Standard (ent:cli-base-1)"),
        "{text}"
    );

    let out = itam(&["ent", "show", "--json", &data("overallocated")]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v[0]["base"], "cli-small-1");
    assert!(v[0].get("effective").is_none(), "{v}");
    assert_eq!(v[0]["findings"][0]["rule"], "ENT-RES-3");
    assert_eq!(v[0]["findings"][0]["severity"], "error");

    // Without its base, an allocation is refused too (ENT-RES-1).
    let out = itam(&["ent", "show", &data("chain/alloc-ops.ent.xml")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("[ENT-RES-1]"), "{}", stdout(&out));
}

#[test]
fn show_reports_a_cycle_of_supplementals_with_its_ents_and_exits_1() {
    // The allocation of the sample chain, twice, each naming the other as its base.
    let alloc = read_str(
        &std::fs::read_to_string(data("chain/alloc-ops.ent.xml")).unwrap(),
        &ReadOptions::STRICT,
    )
    .unwrap()
    .value;
    let dir = TempDir::new("ent-cycle");
    for (me, other) in [("cyc-a", "cyc-b"), ("cyc-b", "cyc-a")] {
        let mut e = alloc.clone();
        e.ent_id = itam_core::EntId::new(me);
        e.links = vec![itam_ent::Link::to_ent(
            &itam_core::EntId::new(other),
            itam_ent::values::Rel::Supplemental,
        )];
        std::fs::write(dir.join(&format!("{me}.ent.xml")), write(&e).unwrap()).unwrap();
    }
    let out = itam(&["ent", "show", &dir.arg("")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("ent:cyc-a: refused\n"), "{text}");
    assert!(
        text.contains(
            "[ENT-RES-2] ent:cyc-a: supplemental links form a cycle: cyc-a → cyc-b → cyc-a"
        ),
        "{text}"
    );
    assert!(
        text.contains("  files (2):\n")
            && text.contains("cyc-a.ent.xml\n")
            && text.contains("cyc-b.ent.xml\n"),
        "{text}"
    );
    let out = itam(&["ent", "show", "--json", &dir.arg("")]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["base"], "cyc-a");
    assert_eq!(v[0]["findings"][0]["rule"], "ENT-RES-2");
}

#[test]
fn show_exits_2_on_an_unreadable_input_and_shows_the_rest() {
    let out = itam(&[
        "ent",
        "show",
        &data("broken/unclosed.ent.xml"),
        &data("chain"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unclosed.ent.xml: error: 5:1: not well-formed xml"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("(ent:cli-base-1)"));
}

// ---- convert -----------------------------------------------------------------------------

/// The canonical XML of an Ent file: the library's writer over a lax read.
fn canonical(path: &Path) -> String {
    write(
        &read_str(&std::fs::read_to_string(path).unwrap(), &ReadOptions::LAX)
            .unwrap()
            .value,
    )
    .unwrap()
}

#[test]
fn convert_a_folder_to_json_and_back_gives_the_canonical_xml() {
    let dir = TempDir::new("roundtrip");
    let src = PathBuf::from(samples(""));
    let out = itam(&[
        "ent",
        "convert",
        "--to",
        "json",
        &samples(""),
        "-o",
        &dir.arg("json"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "nothing ignored, nothing lost");
    let out = itam(&[
        "ent",
        "convert",
        "--to",
        "xml",
        &dir.arg("json"),
        "-o",
        &dir.arg("xml"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "nothing ignored, nothing lost");

    let inputs: Vec<(String, Vec<u8>)> = tree(&src)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".ent.xml"))
        .collect();
    let json = tree(&dir.join("json"));
    let xml = tree(&dir.join("xml"));
    assert!(inputs.len() >= 40, "{} inputs", inputs.len());
    assert_eq!(json.len(), inputs.len());
    assert_eq!(xml.len(), inputs.len());
    for (name, _) in &inputs {
        let stem = name.trim_end_matches(".ent.xml");
        // Names mirror the layout: sub/x.ent.xml → sub/x.ent.json → sub/x.ent.
        assert!(
            json.iter().any(|(n, _)| n == &format!("{stem}.ent.json")),
            "{name}"
        );
        let (_, bytes) = xml
            .iter()
            .find(|(n, _)| n == &format!("{stem}.ent"))
            .unwrap_or_else(|| panic!("no {stem}.ent"));
        assert_eq!(
            String::from_utf8_lossy(bytes),
            canonical(&src.join(name)),
            "{name}: xml → json → xml is not the canonical xml"
        );
    }
}

#[test]
fn convert_one_file_to_a_file_or_stdout() {
    let dir = TempDir::new("single");
    let base = data("chain/base.ent.xml");
    let out = itam(&["ent", "convert", "--to", "xml", &base, "-o", "-"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), canonical(Path::new(&base)));

    let target = dir.arg("server.json");
    let out = itam(&["ent", "convert", "--to", "json", &base, "-o", &target]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let back: Ent = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(write(&back).unwrap(), canonical(Path::new(&base)));

    // `-o -` takes one file only.
    let out = itam(&["ent", "convert", "--to", "xml", &data("chain"), "-o", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
}

#[test]
fn convert_refuses_to_write_two_inputs_onto_one_name() {
    let dir = TempDir::new("clash");
    std::fs::create_dir_all(dir.join("other")).unwrap();
    std::fs::copy(data("chain/base.ent.xml"), dir.join("other/base.ent")).unwrap();
    let out = itam(&[
        "ent",
        "convert",
        "--to",
        "json",
        &data("chain/base.ent.xml"),
        &dir.arg("other/base.ent"),
        "-o",
        &dir.arg("out"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("was already written from another input; not overwritten"),
        "{}",
        stderr(&out)
    );
    // The first one was written, from the first input.
    let written = std::fs::read_to_string(dir.join("out/base.ent.json")).unwrap();
    let ent: Ent = serde_json::from_str(&written).unwrap();
    assert_eq!(ent.ent_id.as_str(), "cli-base-1");
}

#[test]
fn convert_exits_2_on_an_unreadable_input_and_converts_the_rest() {
    let dir = TempDir::new("broken");
    let out = itam(&[
        "ent",
        "convert",
        "--to",
        "json",
        &data(""),
        "-o",
        &dir.arg("out"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unclosed.ent.xml: error: 5:1: not well-formed xml"),
        "{}",
        stderr(&out)
    );
    let written: Vec<String> = tree(&dir.join("out")).into_iter().map(|(n, _)| n).collect();
    assert!(
        written.contains(&"chain/base.ent.json".to_owned()),
        "{written:?}"
    );
    assert!(
        !written.iter().any(|n| n.contains("unclosed")),
        "{written:?}"
    );
}

// ---- new ---------------------------------------------------------------------------------

#[test]
fn new_writes_the_canonical_xml_of_the_json_form() {
    let file = data("new/server.ent.json");
    let expected: Ent = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let out = itam(&["ent", "new", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let xml = stdout(&out);
    assert_eq!(xml, write(&expected).unwrap());
    // It reads back strictly to the same Ent.
    assert_eq!(
        read_str(&xml, &ReadOptions::STRICT).unwrap().value,
        expected
    );
    assert!(xml.contains(r#"<Quantification quantity="32"/>"#), "{xml}");

    // From standard input, the same.
    let bytes = std::fs::read(&file).unwrap();
    let out = itam_stdin(&["ent", "new"], &bytes);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), xml);

    // Into a folder: named by the naming convention.
    let dir = TempDir::new("new");
    let out = itam(&["ent", "new", &file, "-o", &dir.arg("")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let name = naming::file_name_of(&expected);
    assert_eq!(name, "example.com__cli-new-1.ent");
    assert_eq!(std::fs::read_to_string(dir.join(&name)).unwrap(), xml);
}

#[test]
fn new_reports_findings_and_refuses_what_is_not_one_json_ent() {
    let text = std::fs::read_to_string(data("new/server.ent.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["entities"][0]["role"] = serde_json::json!(["licensor"]);
    let dir = TempDir::new("new-bad");
    let out = itam_stdin(
        &["ent", "new", "-o", &dir.arg("orphan.ent")],
        &serde_json::to_vec(&v).unwrap(),
    );
    // Written all the same, with the error finding on stderr and exit 1.
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("<stdin>: error [ENT-MIN-2] /Ent: "),
        "{}",
        stderr(&out)
    );
    assert!(dir.join("orphan.ent").is_file());

    // A misspelt member would be lost: named, and exit 1.
    let mut typo = serde_json::from_str::<serde_json::Value>(&text).unwrap();
    typo["entitlement_typ"] = "subscription".into();
    let out = itam_stdin(&["ent", "new"], &serde_json::to_vec(&typo).unwrap());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "<stdin>: warning: /entitlement_typ: not a member of the ent json form; ignored"
        ),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).starts_with("<?xml"));

    // XML is not the JSON form.
    let out = itam(&["ent", "new", &data("chain/base.ent.xml")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("reads the json form"),
        "{}",
        stderr(&out)
    );
    // Malformed JSON says where.
    let out = itam_stdin(&["ent", "new"], b"{\"name\": \"x\",\n \"ent_id\": 3}");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("<stdin>: error: 2:"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    // Two Ents are for convert.
    let two = serde_json::to_vec(&serde_json::json!([v.clone(), v])).unwrap();
    let out = itam_stdin(&["ent", "new"], &two);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("holds 2 ents"), "{}", stderr(&out));
}

// ---- import-cyclonedx ---------------------------------------------------------------------

fn cyclonedx_corpus() -> Option<PathBuf> {
    corpus::folder("corpus-ent/CycloneDX__specification")
}

#[test]
fn import_cyclonedx_examples_give_valid_ent_files() {
    let Some(corpus) = cyclonedx_corpus() else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("licensing"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "{files:?}");
    let dir = TempDir::new("cdx");
    for file in &files {
        let stem = file.file_name().unwrap().to_string_lossy().into_owned();
        let out_dir = dir.join(&stem);
        std::fs::create_dir_all(&out_dir).unwrap();
        let out = itam(&[
            "ent",
            "import-cyclonedx",
            &file.to_string_lossy(),
            "-o",
            &out_dir.to_string_lossy(),
            "--creator",
            "Importer Ltd",
            "--creator-regid",
            "importer.example",
        ]);
        assert_eq!(out.status.code(), Some(0), "{stem}: {}", stderr(&out));
        // Into an existing folder: one file per licensing object, named by the convention.
        let written = tree(&out_dir);
        assert_eq!(written.len(), 1, "{stem}");
        let (name, bytes) = &written[0];
        let xml = String::from_utf8(bytes.clone()).unwrap();
        let ent = read_str(&xml, &ReadOptions::STRICT)
            .map(Parsed::into_value)
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert_eq!(name, &naming::file_name_of(&ent), "{stem}");
        assert_eq!(ent.name, "cryptographic-provider", "{stem}");
        assert_eq!(ent.creator().unwrap().name, "Importer Ltd");
        // Canonical and valid.
        assert_eq!(write(&ent).unwrap(), xml, "{stem}");
        let out = itam(&["ent", "validate", &out_dir.join(name).to_string_lossy()]);
        assert_eq!(out.status.code(), Some(0), "{stem}: {}", stdout(&out));
        assert!(
            stdout(&out).starts_with("1 file: 1 conformant"),
            "{stem}: {}",
            stdout(&out)
        );
    }
    // JSON and XML of the same BOM import to the same Ent.
    let same = |name: &str| {
        let out = itam(&[
            "ent",
            "import-cyclonedx",
            &corpus.join(name).to_string_lossy(),
            "-o",
            "-",
            "--creator-regid",
            "importer.example",
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(
        same("valid-license-licensing-1.6.json"),
        same("valid-license-licensing-1.6.xml")
    );
}

#[test]
fn import_cyclonedx_without_a_creator_regid_warns_and_ent_min_3_fires() {
    let Some(corpus) = cyclonedx_corpus() else {
        return;
    };
    let dir = TempDir::new("cdx-noregid");
    let out = itam(&[
        "ent",
        "import-cyclonedx",
        &corpus
            .join("valid-license-licensing-1.5.json")
            .to_string_lossy(),
        "-o",
        &dir.arg("one.ent"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no --creator-regid"),
        "{}",
        stderr(&out)
    );
    // A mapping note names what the BOM could not say.
    assert!(
        stderr(&out).contains(": note: urn:cdx:"),
        "{}",
        stderr(&out)
    );
    let out = itam(&["ent", "validate", &dir.arg("one.ent")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("[ENT-MIN-3]"), "{}", stdout(&out));
}

#[test]
fn import_cyclonedx_writes_one_file_per_licensing_object_into_a_folder() {
    let bom = data("cyclonedx/two-licences.cdx.json");
    let dir = TempDir::new("cdx-two");
    let out = itam(&[
        "ent",
        "import-cyclonedx",
        &bom,
        "-o",
        &dir.arg("out"),
        "--creator",
        "Buyer Ltd",
        "--creator-regid",
        "buyer.example",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // What CycloneDX cannot say is named, per Ent.
    assert!(
        stderr(&out)
            .contains(": note: urn:cdx:7d5a6c2e-1b3f-4e8a-9c0d-2f4e6a8b0c1d/1#viewer-licence: "),
        "{}",
        stderr(&out)
    );
    let written = tree(&dir.join("out"));
    let names: Vec<&str> = written.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "buyer.example__urn_3Acdx_3A7d5a6c2e-1b3f-4e8a-9c0d-2f4e6a8b0c1d_2F1_23analyser-sub.ent",
            "buyer.example__urn_3Acdx_3A7d5a6c2e-1b3f-4e8a-9c0d-2f4e6a8b0c1d_2F1_23viewer-licence.ent",
        ]
    );
    for (name, bytes) in &written {
        let ent = read_str(std::str::from_utf8(bytes).unwrap(), &ReadOptions::STRICT)
            .unwrap()
            .value;
        let (regid, id) = naming::parse_file_name(name).unwrap();
        assert_eq!((regid.as_str(), &id), ("buyer.example", &ent.ent_id));
    }
    let out = itam(&["ent", "validate", &dir.arg("out")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // Two Ents do not go to standard output.
    let out = itam(&["ent", "import-cyclonedx", &bom, "-o", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("2 licensing objects"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn import_cyclonedx_refuses_what_is_not_a_bom() {
    let dir = TempDir::new("cdx-bad");
    let out = itam(&[
        "ent",
        "import-cyclonedx",
        &data("new/server.ent.json"),
        "-o",
        &dir.arg("x.ent"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a cyclonedx bom"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("x.ent").exists());
}
