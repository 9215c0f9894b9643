//! The intake through its public API: buffers in, estate and every unused input out, in the
//! documented order; size limits on buffers and readers; CycloneDX and OpTISAM inputs.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test code: a panic is a failure

use itam_ent::Entity;
use itam_intake::{InputKind, Intake, Options, Why};

const NS: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";

fn tag(tag_id: &str, extra: &str, links: &str) -> Vec<u8> {
    format!(
        r#"<SoftwareIdentity xmlns="{NS}" name="Tool" tagId="{tag_id}" version="2.1"{extra}>
  <Meta product="Tool"/>
  <Entity name="Acme" regid="acme.example" role="tagCreator softwareCreator"/>{links}
</SoftwareIdentity>"#
    )
    .into_bytes()
}

fn ent(id: &str, quantity: u32) -> Vec<u8> {
    format!(
        r#"<Ent xmlns="http://standards.iso.org/iso/19770/-3/2016/schema.xsd" name="Tool" entId="{id}"
     entType="primary" entitlementType="license">
  <EntMeta product="Tool"/>
  <Entity name="Acme" regid="acme.example" role="entCreator licensor"/>
  <Entity name="Buyer" regid="buyer.example" role="licensee"/>
  <Right name="use"><Metric type="device"><Quantification quantity="{quantity}"/></Metric></Right>
</Ent>"#
    )
    .into_bytes()
}

const DEVICES: &[u8] = br#"{"devices": [{"id": "d1"}, {"id": "d2"}], "users": [{"id": "ann"}],
    "device_users": {"d1": "ann", "d9": "ann"}}"#;

fn creator() -> Entity {
    Entity::new("Importer", "importer.example", Vec::new())
}

#[test]
fn inputs_in_any_order_give_the_estate_and_the_unused_in_the_documented_order() {
    let mut intake = Intake::new(Options::default());
    // Ents and tags before the device facts: the order handed over does not matter.
    intake.entitlement("ents/bad.ent", b"not an ent");
    intake.entitlement("ents/tool.ent", &ent("E-tool", 1));
    intake.inventory(Some("d1"), "inv/d1/tool.swidtag", &tag("acme-tool", "", ""));
    intake.inventory(Some("d2"), "inv/d2/tool.swidtag", &tag("acme-tool", "", ""));
    intake.inventory(
        Some("d2"),
        "inv/d2/again.swidtag",
        &tag("acme-tool", "", ""),
    );
    intake.inventory(None, "inv/loose.swidtag", &tag("x", "", ""));
    intake.inventory(
        Some("lab"),
        "inv/lab/tool.swidtag",
        &tag("acme-tool", "", ""),
    );
    intake.inventory(Some("d1"), "inv/d1/broken.swidtag", b"<SoftwareIdentity");
    intake.unreadable("inv/d1/locked.swidtag", "cannot read: permission denied");
    intake.devices("devices.json", DEVICES);
    let out = intake.finish();

    assert_eq!(out.estate.devices.len(), 2);
    assert_eq!(out.estate.software.len(), 1);
    assert_eq!(out.estate.installations.len(), 2);
    assert_eq!(out.estate.installations[0].user.as_deref(), Some("ann"));
    assert_eq!(out.estate.entitlements.len(), 1);

    let seen: Vec<(&str, &str)> = out
        .unused
        .iter()
        .map(|u| (u.input.as_str(), u.why.kind()))
        .collect();
    assert_eq!(
        seen,
        [
            ("inv/d1/locked.swidtag", "unreadable"),
            ("devices.json", "device_facts"),
            ("inv/loose.swidtag", "not_in_device_folder"),
            ("inv/lab/tool.swidtag", "no_device_facts"),
            ("inv/d1/broken.swidtag", "unreadable"),
            ("inv/d2/again.swidtag", "duplicate_tag"),
            ("ents/bad.ent", "unreadable"),
        ]
    );
    assert_eq!(
        out.unused[5].why,
        Why::DuplicateTag("inv/d2/tool.swidtag".into())
    );
    assert_eq!(out.unused[5].item.as_deref(), Some("tag:acme-tool"));
    assert!(out.unused[1].to_string().contains("unknown device \"d9\""));
}

#[test]
fn no_device_facts_is_said_once_and_an_unreadable_facts_file_replaces_it() {
    let out = Intake::new(Options::default()).finish();
    assert_eq!(out.unused.len(), 1);
    assert_eq!(out.unused[0].input, itam_intake::DEVICES_FILE);
    assert!(
        matches!(&out.unused[0].why, Why::DeviceFacts(m) if m.starts_with("no device facts file"))
    );

    let mut intake = Intake::new(Options::default());
    intake.devices_unreadable("site/devices.json", "cannot read: gone");
    let out = intake.finish();
    assert_eq!(out.unused.len(), 1);
    assert_eq!(
        out.unused[0].to_string(),
        "site/devices.json: device facts: cannot read: gone"
    );
}

#[test]
fn buffers_over_their_limit_are_not_parsed_and_say_size_and_limit() {
    let bytes = tag("acme-tool", "", "");
    let options = Options {
        max_tag_bytes: bytes.len() as u64 - 1,
        max_ent_bytes: 10,
        max_devices_bytes: 5,
        ..Options::default()
    };
    let mut intake = Intake::new(options);
    intake.devices("devices.json", DEVICES);
    intake.inventory(Some("d1"), "d1/t.swidtag", &bytes);
    intake.entitlement("e.ent", &ent("E", 1));
    let out = intake.finish();
    assert_eq!(out.estate, itam_core::estate::Estate::default());
    let texts: Vec<String> = out.unused.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            format!(
                "devices.json: device facts: {} bytes, over the device facts limit of 5 bytes",
                DEVICES.len()
            ),
            // No facts, so the device is unknown: the tag is not counted either way.
            "d1/t.swidtag: device \"d1\" has no facts in devices.json: its tags are not counted"
                .into(),
            format!(
                "e.ent: unreadable: {} bytes, over the ent file limit of 10 bytes",
                ent("E", 1).len()
            ),
        ]
    );

    // With facts, the same tag over its limit is unreadable.
    let mut intake = Intake::new(Options {
        max_tag_bytes: bytes.len() as u64 - 1,
        ..Options::default()
    });
    intake.devices("devices.json", br#"{"devices": [{"id": "d1"}]}"#);
    intake.inventory(Some("d1"), "d1/t.swidtag", &bytes);
    let out = intake.finish();
    assert_eq!(
        out.unused[0].why,
        Why::Unreadable(format!(
            "{} bytes, over the tag file limit of {} bytes",
            bytes.len(),
            bytes.len() - 1
        ))
    );
}

#[test]
fn readers_are_read_through_a_bounded_reader() {
    let options = Options::with_max_input_bytes(1000);
    assert_eq!(options.limit(InputKind::Estate), 1000);
    let mut intake = Intake::new(options);
    intake.devices_from("devices.json", &br#"{"devices": [{"id": "d1"}]}"#[..]);
    // An endless input stops one byte past the limit.
    intake.inventory_from(Some("d1"), "d1/endless.swidtag", std::io::repeat(b' '));
    intake.inventory_from(Some("d1"), "d1/t.swidtag", &tag("acme-tool", "", "")[..]);
    intake.entitlement_from("e.ent", &ent("E", 2)[..]);
    let out = intake.finish();
    assert_eq!(out.estate.installations.len(), 1);
    assert_eq!(out.estate.entitlements.len(), 1);
    assert_eq!(out.unused.len(), 1, "{:?}", out.unused);
    assert_eq!(
        out.unused[0].to_string(),
        "d1/endless.swidtag: unreadable: 1001 bytes, over the tag file limit of 1000 bytes"
    );
}

#[test]
fn cyclonedx_licensing_and_optisam_rows_become_entitlements() {
    let bom = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../itam-cli/tests/data/ent/cyclonedx/two-licences.cdx.json"
    ))
    .unwrap();
    let csv = b"sku;product;editor;metric;acquired_licenses;swidtag\n\
                SKU-1;Tool;Acme;INSTANCE;5;acme-tool\n";
    let mut intake = Intake::new(Options::default());
    intake.devices("devices.json", br#"{"devices": [{"id": "d1"}]}"#);
    intake.cyclonedx("bom.cdx.json", &bom, &creator());
    intake.optisam("rights.csv", csv, &creator());
    intake.optisam("empty.csv", b"", &creator());
    intake.cyclonedx("not-a-bom.json", b"{\"x\": 1}", &creator());
    let out = intake.finish();
    let from_csv: Vec<_> = out
        .estate
        .entitlements
        .iter()
        .filter(|e| e.quantity == 5.into())
        .collect();
    assert_eq!(from_csv.len(), 1, "{:?}", out.estate.entitlements);
    assert!(
        out.estate.entitlements.len() >= 2,
        "the BOM's licences too: {:?}",
        out.estate.entitlements
    );
    let unreadable: Vec<&str> = out
        .unused
        .iter()
        .filter(|u| u.why.kind() == "unreadable")
        .map(|u| u.input.as_str())
        .collect();
    assert_eq!(unreadable, ["empty.csv", "not-a-bom.json"]);
}

#[test]
fn an_entitlement_input_is_routed_by_its_name() {
    use itam_intake::EntFormat;
    for (name, format) in [
        ("entitlements/bom.json", EntFormat::CycloneDx),
        ("BOM.XML", EntFormat::CycloneDx),
        ("a/b/licences.cdx.json", EntFormat::CycloneDx),
        ("c:\\rights\\q3.cdx.xml", EntFormat::CycloneDx),
        ("rights/acquired.CSV", EntFormat::OpTisam),
        ("office.ent", EntFormat::Ent),
        ("office.ent.json", EntFormat::Ent),
        ("bom.json/office.ent", EntFormat::Ent),
        ("notbom.json", EntFormat::Ent),
    ] {
        assert_eq!(EntFormat::of(name), format, "{name}");
    }
    let bom = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../itam-cli/tests/data/ent/cyclonedx/two-licences.cdx.json"
    ))
    .unwrap();
    let csv = b"sku;product;editor;metric;acquired_licenses;swidtag\n\
                SKU-1;Tool;Acme;INSTANCE;5;acme-tool\n";
    let mut by_name = Intake::new(Options::default());
    by_name.entitlement_named("x/two.cdx.json", &bom, &creator());
    by_name.entitlement_named("x/rights.csv", csv, &creator());
    by_name.entitlement_named("x/tool.ent", &ent("E-tool", 2), &creator());
    let mut direct = Intake::new(Options::default());
    direct.cyclonedx("x/two.cdx.json", &bom, &creator());
    direct.optisam("x/rights.csv", csv, &creator());
    direct.entitlement("x/tool.ent", &ent("E-tool", 2));
    let (by_name, direct) = (by_name.finish(), direct.finish());
    assert_eq!(by_name.estate, direct.estate);
    assert_eq!(by_name.unused, direct.unused);
    assert!(
        by_name.estate.entitlements.len() >= 4,
        "{:?}",
        by_name.estate.entitlements
    );
}

/// UTF-16 (either byte order) with or without a byte-order mark, as Windows tools write tags
/// and Ents, is read as XML; without a mark, UTF-16 BE was sent to the CoSWID decoder and
/// reported as "invalid cbor" (issue 12, "Also").
#[test]
fn utf16_tags_and_ents_without_a_byte_order_mark_are_read_as_xml() {
    use itam_intake::formats::{ents, tags};
    let utf16 = |text: &[u8], big_endian: bool, mark: bool| -> Vec<u8> {
        let text = std::str::from_utf8(text).unwrap();
        let units = mark.then_some('\u{FEFF}').into_iter().chain(text.chars());
        units
            .flat_map(|c| {
                let mut buf = [0u16; 2];
                c.encode_utf16(&mut buf).to_vec()
            })
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    for big_endian in [true, false] {
        for mark in [true, false] {
            let bytes = utf16(&tag("t-16", "", ""), big_endian, mark);
            let loaded = tags::load(&bytes).unwrap_or_else(|e| panic!("{}", e.located()));
            assert_eq!(loaded.format, tags::Format::Xml);
            let parsed = &loaded.tags.first().unwrap().parsed;
            assert_eq!(parsed.value.tag_id.as_str(), "t-16");

            let bytes = utf16(&ent("e-16", 3), big_endian, mark);
            let loaded = ents::load(&bytes).unwrap_or_else(|e| panic!("{}", e.located()));
            assert_eq!(loaded.format, ents::Format::Xml);
            assert_eq!(loaded.docs.first().unwrap().ent.ent_id.as_str(), "e-16");
            // Positions are lines and columns of the text.
            let source = loaded.docs.first().unwrap().source.as_ref().unwrap();
            assert_eq!(source.get("/Ent/Right[1]").map(|p| p.line), Some(6));
        }
    }
    // A cut UTF-16 BE tag is an encoding error, not "invalid cbor".
    let bytes = utf16(&tag("t-16", "", ""), true, false);
    let cut = bytes.get(..bytes.len() - 1).unwrap();
    let err = tags::load(cut).unwrap_err();
    assert!(err.message.contains("utf-16be"), "{}", err.message);
}

/// Two allocations whose supplemental links point at each other, written as Ent files.
fn cyclic_allocations() -> Vec<(String, Vec<u8>)> {
    use itam_core::{Decimal, EntId};
    use itam_ent::ops::{self, Issue, Supplement};
    use itam_ent::values::{MetricType, Rel, RightName};
    use itam_ent::{Link, Right};
    let buyer = Entity::new("Buyer", "buyer.example", Vec::new());
    let base = ops::issue(
        Issue::new("E-base", "Tool", creator(), buyer.clone())
            .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(4))),
    );
    let alloc = ops::allocate(
        &base,
        Supplement::new("E-x", buyer.clone()),
        buyer,
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(1),
    )
    .unwrap();
    let mut x = alloc.clone();
    x.links = vec![Link::to_ent(&EntId::new("E-y"), Rel::Supplemental)];
    let mut y = alloc;
    y.ent_id = EntId::new("E-y");
    y.links = vec![Link::to_ent(&EntId::new("E-x"), Rel::Supplemental)];
    [x, y]
        .iter()
        .map(|e| {
            (
                format!("ents/{}.ent", e.ent_id),
                itam_ent::write(e).expect("writes").into_bytes(),
            )
        })
        .collect()
}

#[test]
fn cyclic_supplementals_are_listed_with_the_cycle_not_dropped() {
    let mut intake = Intake::new(Options::default());
    intake.devices("devices.json", DEVICES);
    for (name, bytes) in cyclic_allocations() {
        intake.entitlement(&name, &bytes);
    }
    let out = intake.finish();
    assert!(out.estate.entitlements.is_empty());
    let cycle: Vec<_> = out
        .unused
        .iter()
        .filter(|u| u.item.as_deref() == Some("ent:E-x"))
        .collect();
    assert_eq!(cycle.len(), 1, "{:?}", out.unused);
    assert_eq!(cycle[0].input, "ents/E-x.ent");
    let Why::Refused(lines) = &cycle[0].why else {
        panic!("{:?}", cycle[0].why)
    };
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ENT-RES-2") && l.contains("E-x → E-y → E-x")),
        "{lines:?}"
    );
}

#[test]
fn capacity_samples_of_the_device_facts_reach_the_estate() {
    let mut intake = Intake::new(Options::default());
    intake.devices(
        "devices.json",
        br#"{"devices": [{"id": "esx-1", "cores": 16}, {"id": "vm-1", "kind": "virtual", "host": "esx-1"}],
            "capacity_samples": [{"at": "2026-11-03", "device": "vm-1", "cores": 8}]}"#,
    );
    let out = intake.finish();
    assert_eq!(out.estate.capacity_samples.len(), 1);
    assert_eq!(out.estate.capacity_samples[0].cores, Some(8));
    assert_eq!(out.estate.capacity_samples[0].device.as_str(), "vm-1");
}

#[test]
fn an_ents_contract_terms_reach_the_estate_and_a_bad_one_is_said() {
    let ent = br#"<Ent xmlns="http://standards.iso.org/iso/19770/-3/2016/schema.xsd" name="Tool" entId="E-tool"
     entType="primary" entitlementType="license">
  <EntMeta product="Tool"/>
  <Entity name="Acme" regid="acme.example" role="entCreator licensor"/>
  <Entity name="Buyer" regid="buyer.example" role="licensee"/>
  <Right name="use"><Metric type="instance"><Quantification quantity="4"/>
    <Meta installsPerLicence="3" installRounding="nearest" corePack="none"/></Metric></Right>
</Ent>"#;
    let mut intake = Intake::new(Options::default());
    intake.entitlement("ents/tool.ent", ent);
    let out = intake.finish();
    let e = &out.estate.entitlements[0];
    assert_eq!(e.terms.installs_per_licence, Some(3));
    assert_eq!(
        e.terms.install_rounding,
        Some(itam_core::terms::InstallRounding::Nearest)
    );
    assert_eq!(e.terms.core_pack, None);
    let said: Vec<String> = out.unused.iter().map(ToString::to_string).collect();
    assert!(
        said.iter().any(|s| s.contains("ents/tool.ent")
            && s.contains("corePack")
            && s.contains("\"none\"")),
        "{said:?}"
    );
}
