//! `itam_swid::generate` on real package databases (tests/data/generate/README.md says where
//! they come from): every generated tag validates without errors and round-trips through
//! SWID XML and CoSWID, tagIds are deterministic and unique; and the readers' errors.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;

use itam_swid::SoftwareIdentity;
use itam_swid::coswid::{self, EncodeOptions};
use itam_swid::generate::{
    self, GenerateErrorKind, Options, Package, parse_dpkg_status, parse_rpm_query,
};
use itam_swid::read::{ReadOptions, read_str};
use itam_swid::validate::{Profile, validate};
use itam_swid::write::write;

const DPKG: &str = include_str!("data/generate/dpkg-status");
const RPM: &str = include_str!("data/generate/rpm-query.txt");

/// No error finding under any profile, the XML round trip (strict read, no findings) gives
/// the same model, and the CoSWID round trip too, with nothing dropped.
fn check_tags(tags: &[SoftwareIdentity]) {
    for tag in tags {
        let id = tag.tag_id.as_str();
        for profile in [Profile::ISO_19770_2_2015, Profile::NIST_XSD] {
            let report = validate(tag, &profile);
            let errors: Vec<_> = report.errors().collect();
            assert!(errors.is_empty(), "{id} under {}: {errors:?}", profile.name);
        }
        // NISTIR 8060 also wants an edition in a primary tag's Meta (PRI-13-5), which a
        // package database does not record, and a revision (PRI-13-4), which a native
        // Debian package (no `-revision` in its version) has not; nothing else.
        let report = validate(tag, &Profile::NISTIR_8060);
        let rules: BTreeSet<&str> = report.errors().map(|f| f.rule.as_str()).collect();
        let mut expected = BTreeSet::from(["PRI-13-5"]);
        if tag.metas().next().is_some_and(|m| m.revision.is_none()) {
            expected.insert("PRI-13-4");
        }
        assert_eq!(rules, expected, "{id}");
        let xml = write(tag).unwrap();
        let back = read_str(&xml, &ReadOptions::STRICT).unwrap();
        assert_eq!(&back.value, tag, "{xml}");
        assert!(back.findings.is_empty(), "{id}: {:?}", back.findings);
        let encoded = coswid::encode(tag, &EncodeOptions::default());
        assert!(encoded.dropped.is_empty(), "{id}: {:?}", encoded.dropped);
        assert_eq!(&coswid::decode(&encoded.bytes).unwrap().tag, tag, "{id}");
    }
}

fn unique_ids(tags: &[SoftwareIdentity]) -> BTreeSet<&str> {
    tags.iter().map(|t| t.tag_id.as_str()).collect()
}

#[test]
fn every_package_of_a_real_dpkg_status_file_gives_a_valid_tag() {
    let packages = parse_dpkg_status(DPKG).unwrap();
    assert_eq!(packages.len(), 250);
    assert!(packages.iter().all(|p| p.installed));
    let options = Options::new("debian_12").with_tag_creator("Example Corp", "example.com");
    let generated = generate::generate(&packages, &options);
    assert_eq!(generated.tags.len(), 250, "{:?}", generated.skipped);
    assert!(generated.skipped.is_empty());
    assert_eq!(unique_ids(&generated.tags).len(), 250);
    check_tags(&generated.tags);

    // Deterministic: the same input gives the same tags.
    assert_eq!(generate::generate(&packages, &options), generated);

    // One package in full: the fields come from its stanza.
    let bash = generated.tags.iter().find(|t| t.name == "bash").unwrap();
    let stanza = DPKG
        .split("\n\n")
        .find(|s| s.starts_with("Package: bash\n"))
        .unwrap();
    let version = stanza
        .lines()
        .find_map(|l| l.strip_prefix("Version: "))
        .unwrap();
    assert_eq!(bash.version.as_deref(), Some(version));
    assert_eq!(
        bash.tag_id.as_str(),
        format!("debian_12-amd64-bash-{version}").replace(['+', ':'], "~")
    );
    let entities: Vec<_> = bash.entities().collect();
    assert_eq!(entities[0].name, "Example Corp");
    assert_eq!(entities[0].role.as_str(), "tagCreator");
    assert_eq!(entities[1].role.as_str(), "distributor");
    assert_eq!(
        entities[1].regid.as_ref().map(|r| r.as_str()),
        Some("debian.org")
    );
    let meta = bash.metas().next().unwrap();
    assert_eq!(meta.summary.as_deref(), Some("GNU Bourne Again SHell"));
    let (upstream, revision) = version.rsplit_once('-').unwrap();
    assert_eq!(meta.colloquial_version.as_deref(), Some(upstream));
    assert_eq!(meta.revision.as_deref(), Some(revision));
    assert_eq!(bash.lang.as_deref(), Some("en"));

    // Architecture `all` is kept as it is.
    let all = packages.iter().find(|p| p.architecture == "all").unwrap();
    let tag = generated.tags.iter().find(|t| t.name == all.name).unwrap();
    assert!(
        tag.tag_id.as_str().starts_with("debian_12-all-"),
        "{}",
        tag.tag_id.as_str()
    );
}

#[test]
fn every_row_of_rpm_query_output_gives_a_valid_tag() {
    let packages = parse_rpm_query(RPM).unwrap();
    assert_eq!(packages.len(), 8);
    let generated = generate::generate(&packages, &Options::new("fedora_40"));
    assert_eq!(generated.tags.len(), 8, "{:?}", generated.skipped);
    assert_eq!(unique_ids(&generated.tags).len(), 8);
    check_tags(&generated.tags);

    let ids = unique_ids(&generated.tags);
    // An epoch is part of the version (`1:`), written `1~` in the tagId.
    assert!(
        ids.contains("fedora_40-x86_64-openssl-libs-1~3.2.2-3.fc40"),
        "{ids:?}"
    );
    // The same package for two architectures: two tags.
    assert!(ids.contains("fedora_40-i686-glibc-2.39-17.fc40"));
    assert!(ids.contains("fedora_40-x86_64-glibc-2.39-17.fc40"));
    let openssl = &packages[5];
    assert_eq!(openssl.name, "openssl-libs");
    assert_eq!(openssl.version, "1:3.2.2-3.fc40");
    assert_eq!(openssl.upstream_version, "3.2.2");
    assert_eq!(openssl.revision.as_deref(), Some("3.fc40"));
    assert_eq!(openssl.vendor.as_deref(), Some("Fedora Project"));
    // `(none)` is no vendor: the tag has the tag creator only.
    let key = generated
        .tags
        .iter()
        .find(|t| t.name == "gpg-pubkey")
        .unwrap();
    assert_eq!(key.entities().count(), 1);
    let chrome = generated
        .tags
        .iter()
        .find(|t| t.name == "google-chrome-stable")
        .unwrap();
    let vendor = chrome.entities().nth(1).unwrap();
    assert_eq!(
        (vendor.name.as_str(), vendor.regid.as_ref()),
        ("Google Inc.", None)
    );
}

fn package(name: &str, version: &str, arch: &str, line: usize) -> Package {
    let text = format!(
        "Package: {name}\nStatus: install ok installed\nArchitecture: {arch}\nVersion: {version}\n"
    );
    let mut p = parse_dpkg_status(&text).unwrap().remove(0);
    p.line = line;
    p
}

#[test]
fn not_installed_and_duplicate_packages_are_skipped_with_their_reason() {
    let text = "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n\n\
                Package: kept\nStatus: install ok installed\nVersion: 2.0\nArchitecture: amd64\n";
    let mut packages = parse_dpkg_status(text).unwrap();
    assert_eq!(packages.len(), 2);
    assert!(!packages[0].installed);
    assert_eq!(packages[1].line, 5);
    packages.push(package("kept", "2.0", "amd64", 9));
    packages.push(package("kept", "2.0", "i386", 12));
    let generated = generate::generate(&packages, &Options::new("debian_12"));
    let names: Vec<_> = generated.tags.iter().map(|t| t.tag_id.as_str()).collect();
    assert_eq!(
        names,
        ["debian_12-amd64-kept-2.0", "debian_12-i386-kept-2.0"]
    );
    assert_eq!(generated.skipped.len(), 2);
    assert_eq!(generated.skipped[0].line, 1);
    assert!(
        generated.skipped[0]
            .why
            .contains("deinstall ok config-files"),
        "{:?}",
        generated.skipped[0]
    );
    assert_eq!(generated.skipped[1].line, 9);
    assert!(
        generated.skipped[1].why.contains("line 5"),
        "{:?}",
        generated.skipped[1]
    );
}

#[test]
fn malformed_input_is_an_error_with_its_line() {
    let e = parse_dpkg_status("Package: a\nVersion: 1\nthis is not a field\n").unwrap_err();
    assert_eq!(e.line, 3);
    assert!(matches!(e.kind, GenerateErrorKind::NotAField(_)), "{e}");
    let e = parse_dpkg_status("Package: a\nVersion: 1\n\n\nPackage: b\nStatus: x\n").unwrap_err();
    assert_eq!(
        (e.line, e.kind),
        (5, GenerateErrorKind::MissingField("Version"))
    );
    let e = parse_dpkg_status(" continuation first\n").unwrap_err();
    assert_eq!(e.line, 1);
    let e = parse_rpm_query("a\t(none)\t1\t1\tx86_64\tV\tS\nb\t1\t2\n").unwrap_err();
    assert_eq!((e.line, e.kind), (2, GenerateErrorKind::Columns(3)));
    let e = parse_rpm_query("\t(none)\t1\t1\tx86_64\tV\tS\n").unwrap_err();
    assert_eq!((e.line, &e.kind), (1, &GenerateErrorKind::Empty("name")));
    assert!(e.to_string().starts_with("line 1: "), "{e}");
}

#[test]
fn tag_ids_replace_uri_reserved_characters_and_vendors_give_name_and_domain() {
    let p = package("libstdc++6", "1:12.2.0-14+deb12u1", "amd64", 1);
    assert_eq!(p.upstream_version, "12.2.0");
    assert_eq!(p.revision.as_deref(), Some("14+deb12u1"));
    let native = package("base-files", "12.4+deb12u12", "amd64", 1);
    assert_eq!(
        (native.upstream_version.as_str(), native.revision),
        ("12.4+deb12u12", None)
    );
    assert_eq!(
        generate::tag_id("debian_12", &p),
        "debian_12-amd64-libstdc~~6-1~12.2.0-14~deb12u1"
    );
    assert_eq!(
        generate::vendor_entity("Debian GCC Maintainers <debian-gcc@lists.debian.org>"),
        (
            "Debian GCC Maintainers".to_owned(),
            Some("lists.debian.org".to_owned())
        )
    );
    assert_eq!(
        generate::vendor_entity("<root@Example.ORG>"),
        (
            "root@Example.ORG".to_owned(),
            Some("example.org".to_owned())
        )
    );
    assert_eq!(
        generate::vendor_entity("Fedora Project"),
        ("Fedora Project".to_owned(), None)
    );
}
