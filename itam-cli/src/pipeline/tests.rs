use std::path::PathBuf;

use itam_core::estate::Metric;

use super::*;

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

fn devices(json: &str) -> Option<Content> {
    Some((PathBuf::from("devices.json"), json.as_bytes().to_vec()))
}

fn file(path: &str, bytes: Vec<u8>) -> Content {
    (PathBuf::from(path), bytes)
}

fn contents() -> Contents {
    Contents {
        devices: devices(
            r#"{"devices": [{"id": "d1"}, {"id": "d2"}], "users": [{"id": "ann"}],
                "device_users": {"d1": "ann"}}"#,
        ),
        inventory_root: PathBuf::from("inv"),
        inventory: vec![
            file("d1/tool.swidtag", tag("acme-tool-2.1", "", "")),
            file("d2/tool.swidtag", tag("acme-tool-2.1", "", "")),
        ],
        entitlements: vec![file("ents/tool.ent", ent("E-tool", 1))],
    }
}

fn whys(unused: &[Unused]) -> Vec<&Why> {
    unused.iter().map(|u| &u.why).collect()
}

#[test]
fn primary_tags_become_installations_and_ents_entitlements() {
    let (estate, unused) = build(&contents());
    assert!(unused.is_empty(), "{unused:?}");
    assert_eq!(estate.devices.len(), 2);
    assert_eq!(estate.users.len(), 1);
    assert_eq!(estate.software.len(), 1, "one identity for both devices");
    assert_eq!(estate.software[0].product, "Tool");
    let on: Vec<(&str, Option<&str>)> = estate
        .installations
        .iter()
        .map(|i| (i.device.as_str(), i.user.as_deref()))
        .collect();
    assert_eq!(on, [("d1", Some("ann")), ("d2", None)]);
    assert_eq!(estate.entitlements.len(), 1);
    assert_eq!(estate.entitlements[0].id.as_str(), "E-tool");
    assert_eq!(estate.entitlements[0].metric, Metric::Device);
    assert_eq!(estate.entitlements[0].quantity, itam_core::Decimal::ONE);
}

#[test]
fn a_device_folder_without_facts_and_a_loose_file_are_listed() {
    let mut c = contents();
    c.inventory
        .push(file("lab/tool.swidtag", tag("acme-tool-2.1", "", "")));
    c.inventory.push(file("README.txt", b"notes".to_vec()));
    let (estate, unused) = build(&c);
    assert_eq!(estate.installations.len(), 2);
    assert_eq!(
        whys(&unused),
        [&Why::NoDeviceFacts("lab".into()), &Why::NotInDeviceFolder]
    );
    assert_eq!(unused[0].file, "inv/lab/tool.swidtag");
}

#[test]
fn unreadable_files_are_listed_with_their_reason() {
    let mut c = contents();
    c.inventory
        .push(file("d1/broken.swidtag", b"<SoftwareIdentity".to_vec()));
    c.inventory.push(file("d1/empty.swidtag", Vec::new()));
    c.entitlements
        .push(file("ents/notes.txt", b"hello".to_vec()));
    let (estate, unused) = build(&c);
    assert_eq!(estate.installations.len(), 2);
    assert_eq!(unused.len(), 3, "{unused:?}");
    assert!(unused.iter().all(|u| matches!(u.why, Why::Unreadable(_))));
    assert_eq!(
        unused[1].to_string(),
        "inv/d1/empty.swidtag: unreadable: the file is empty"
    );
    assert_eq!(unused[2].file, "ents/notes.txt");
}

#[test]
fn non_primary_tags_say_how_they_were_used() {
    let mut c = contents();
    c.inventory.push(file(
        "d1/patch.swidtag",
        tag(
            "acme-tool-2.1.1",
            r#" patch="true""#,
            r#"<Link rel="patches" href="swid:acme-tool-2.1"/>"#,
        ),
    ));
    c.inventory.push(file(
        "d1/media.swidtag",
        tag("acme-tool-media", r#" corpus="true""#, ""),
    ));
    c.inventory.push(file(
        "d2/extra.swidtag",
        tag(
            "acme-tool-extra",
            r#" supplemental="true""#,
            r#"<Link rel="supplemental" href="swid:acme-tool-2.1"/><Link rel="supplemental" href="swid:elsewhere"/>"#,
        ),
    ));
    let (estate, unused) = build(&c);
    assert_eq!(
        estate.installations.len(),
        2,
        "only the primary tags install"
    );
    let texts: Vec<String> = unused.iter().map(ToString::to_string).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts[0].contains("(tag:acme-tool-2.1.1): not a primary tag: a patch of tag:acme-tool-2.1"),
        "{texts:?}"
    );
    assert!(
        texts[1].contains("a corpus tag describes installation media"),
        "{texts:?}"
    );
    assert!(
        texts[2].contains("applied to tag:acme-tool-2.1; tag:elsewhere not found on this device"),
        "{texts:?}"
    );
}

#[test]
fn duplicates_and_conflicting_identities_are_listed() {
    let mut c = contents();
    c.inventory
        .push(file("d1/again.swidtag", tag("acme-tool-2.1", "", "")));
    let other = String::from_utf8(tag("acme-tool-2.1", "", ""))
        .unwrap_or_default()
        .replace(r#"version="2.1""#, r#"version="9.9""#);
    c.inventory
        .push(file("d2/z-other.swidtag", other.into_bytes()));
    let (estate, unused) = build(&c);
    assert_eq!(estate.software.len(), 1);
    assert_eq!(
        estate.software[0].version, "2.1",
        "the first facts are kept"
    );
    assert_eq!(
        whys(&unused),
        [
            &Why::DuplicateTag("inv/d1/tool.swidtag".into()),
            &Why::DuplicateTag("inv/d2/tool.swidtag".into())
        ]
    );
    // A conflicting identity on a device where it is the first of its tag id.
    let mut c = contents();
    c.inventory[1] = file(
        "d2/tool.swidtag",
        String::from_utf8(tag("acme-tool-2.1", "", ""))
            .unwrap_or_default()
            .replace(r#"version="2.1""#, r#"version="9.9""#)
            .into_bytes(),
    );
    let (estate, unused) = build(&c);
    assert_eq!(estate.installations.len(), 2, "still installed there");
    assert_eq!(
        whys(&unused),
        [&Why::ConflictingIdentity("inv/d1/tool.swidtag".into())]
    );
}

#[test]
fn device_facts_problems_are_listed() {
    let mut c = contents();
    c.devices = None;
    let (estate, unused) = build(&c);
    assert!(estate.devices.is_empty() && estate.installations.is_empty());
    assert!(matches!(unused[0].why, Why::DeviceFacts(_)));
    assert_eq!(
        whys(&unused[1..]),
        [
            &Why::NoDeviceFacts("d1".into()),
            &Why::NoDeviceFacts("d2".into())
        ]
    );

    c.devices = devices(r#"{"devices": [{"id": "d1", "corse": 4}]}"#);
    let (_, unused) = build(&c);
    assert!(
        unused[0].to_string().contains("unknown field `corse`"),
        "{unused:?}"
    );

    c.devices =
        devices(r#"{"devices": [{"id": "d1"}], "device_users": {"d1": "bob", "d9": "ann"}}"#);
    let (estate, unused) = build(&c);
    assert_eq!(estate.installations[0].user, None, "unknown user left out");
    let texts: Vec<String> = unused.iter().map(ToString::to_string).collect();
    assert!(texts[0].contains("unknown user \"bob\""), "{texts:?}");
    assert!(texts[1].contains("unknown device \"d9\""), "{texts:?}");
}

#[test]
fn refused_and_inactive_chains_are_listed() {
    let mut c = contents();
    // An allocation of more than the base holds: the chain is refused.
    c.entitlements.push(file(
        "ents/alloc.ent",
        br#"<Ent xmlns="http://standards.iso.org/iso/19770/-3/2016/schema.xsd" name="Tool (ops)" entId="E-alloc"
     entType="supplemental" supplementalEntType="allocation">
  <Entity name="Buyer" regid="buyer.example" role="entCreator"/>
  <Entity name="Ops" regid="buyer.example" role="allocatee"/>
  <Right name="use"><Metric type="device"><Quantification quantity="5"/></Metric></Right>
  <Link href="ent:E-tool" rel="supplemental"/>
</Ent>"#
            .to_vec(),
    ));
    c.entitlements.push(file("ents/more.ent", ent("E-more", 2)));
    c.entitlements.push(file(
        "ents/merge.ent",
        br#"<Ent xmlns="http://standards.iso.org/iso/19770/-3/2016/schema.xsd" name="Tool" entId="E-merged"
     entType="supplemental" supplementalEntType="consolidation" entitlementType="license">
  <EntMeta product="Tool"/>
  <Entity name="Acme" regid="acme.example" role="entCreator licensor"/>
  <Entity name="Buyer" regid="buyer.example" role="licensee"/>
  <Right name="use"><Metric type="device"><Quantification quantity="2"/></Metric></Right>
  <Link href="ent:E-more" rel="consolidates"/>
</Ent>"#
            .to_vec(),
    ));
    let (estate, unused) = build(&c);
    let ids: Vec<&str> = estate.entitlements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["E-merged"]);
    let by_item: Vec<(Option<&str>, &Why)> =
        unused.iter().map(|u| (u.item.as_deref(), &u.why)).collect();
    assert_eq!(by_item.len(), 2, "{unused:#?}");
    assert_eq!(by_item[0].0, Some("ent:E-more"));
    assert_eq!(
        by_item[0].1,
        &Why::NotActive("consolidated into ent:E-merged".into())
    );
    assert_eq!(by_item[1].0, Some("ent:E-tool"));
    assert!(
        matches!(by_item[1].1, Why::Refused(f) if !f.is_empty()),
        "{unused:#?}"
    );
    assert_eq!(unused[1].file, "ents/tool.ent");
}

#[test]
fn read_takes_a_folder_and_lists_what_it_cannot_read() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pipeline"));
    let (estate, unused) = read(&root);
    assert_eq!(estate.devices.len(), 2);
    assert_eq!(estate.installations.len(), 2);
    assert_eq!(estate.entitlements.len(), 1);
    let texts: Vec<String> = unused.iter().map(ToString::to_string).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].ends_with("inventory/spare/tool.swidtag: device \"spare\" has no facts in devices.json: its tags are not counted"), "{texts:?}");
    assert!(
        texts[1].contains("entitlements/notes.txt: unreadable: neither xml nor json"),
        "{texts:?}"
    );

    let (estate, unused) = read(&root.join("missing"));
    assert_eq!(estate, Estate::default());
    assert_eq!(
        unused.len(),
        3,
        "the facts file and both folders: {unused:?}"
    );
}

#[test]
fn coswid_tags_and_the_ent_json_form_are_read_too() {
    let xml = tag("acme-tool-2.1", "", "");
    let parsed = itam_swid::read::read_with(&xml, &itam_swid::read::ReadOptions::STRICT);
    let Ok(parsed) = parsed else {
        panic!("the test tag reads: {parsed:?}");
    };
    let coswid = itam_swid::coswid::encode(&parsed.value, &Default::default()).bytes;
    let mut c = contents();
    c.inventory[1] = file("d2/tool.coswid", coswid);
    // The same Ent in its JSON form, under another id.
    let ents = crate::ent::load::load(&ent("E-json", 3));
    let Ok(ents) = ents else {
        panic!("the test ent reads: {ents:?}");
    };
    let mut json_ent = ents.docs.into_iter().map(|d| d.ent).next();
    if let Some(e) = json_ent.as_mut() {
        e.ent_id = itam_core::EntId::new("E-json");
    }
    let json = serde_json::to_vec(&json_ent).unwrap_or_default();
    c.entitlements.push(file("ents/tool.ent.json", json));
    let (estate, unused) = build(&c);
    assert!(unused.is_empty(), "{unused:?}");
    let devices: Vec<&str> = estate
        .installations
        .iter()
        .map(|i| i.device.as_str())
        .collect();
    assert_eq!(devices, ["d1", "d2"]);
    assert_eq!(
        estate.software.len(),
        1,
        "CoSWID and XML give the same identity"
    );
    let ids: Vec<(&str, u64)> = estate
        .entitlements
        .iter()
        .map(|e| (e.id.as_str(), e.whole_units()))
        .collect();
    assert_eq!(ids, [("E-json", 3), ("E-tool", 1)]);
}

#[test]
fn unused_has_a_json_form_with_a_stable_kind() {
    let unused = Unused {
        file: "inv/lab/a.swidtag".into(),
        item: None,
        why: Why::NoDeviceFacts("lab".into()),
    };
    let json = serde_json::to_value(&unused).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!({"file": "inv/lab/a.swidtag", "kind": "no_device_facts",
            "reason": "device \"lab\" has no facts in devices.json: its tags are not counted"})
    );
    let with_item = Unused {
        item: Some("ent:E".into()),
        why: Why::Refused(vec!["error [ENT-RES-3] /: too much".into()]),
        ..unused
    };
    let json = serde_json::to_value(&with_item).unwrap_or_default();
    assert_eq!(json["item"], "ent:E");
    assert_eq!(json["kind"], "refused");
    assert_eq!(
        json["reason"],
        "chain refused; error [ENT-RES-3] /: too much"
    );
}

#[test]
fn usage_peaks_of_tags_found_are_kept_and_others_listed() {
    let mut c = contents();
    c.devices = devices(
        r#"{"devices": [{"id": "d1"}, {"id": "d2"}],
            "usage_peaks": [{"software": "acme-tool-2.1", "peak": 7, "org": "hq"},
                            {"software": "nowhere-1", "peak": 2}]}"#,
    );
    let (estate, unused) = build(&c);
    assert_eq!(estate.usage_peaks.len(), 1);
    assert_eq!(estate.usage_peaks[0].peak, 7);
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0].item.as_deref(), Some("tag:nowhere-1"));
    assert!(matches!(unused[0].why, Why::DeviceFacts(_)));
}

#[test]
fn json_members_an_ent_form_ignores_are_listed() {
    let ents = crate::ent::load::load(&ent("E-json", 3));
    let Ok(ents) = ents else {
        panic!("the test ent reads: {ents:?}");
    };
    let json_ent = ents.docs.into_iter().map(|d| d.ent).next();
    let mut value = serde_json::to_value(&json_ent).unwrap_or_default();
    value["quantitty"] = serde_json::json!(9);
    let mut c = contents();
    c.entitlements = vec![file(
        "ents/typo.ent.json",
        serde_json::to_vec(&value).unwrap_or_default(),
    )];
    let (estate, unused) = build(&c);
    assert_eq!(estate.entitlements.len(), 1, "the Ent is still used");
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0].file, "ents/typo.ent.json");
    assert!(
        unused[0]
            .to_string()
            .contains("/quantitty: not a member of the ent json form; ignored"),
        "{unused:?}"
    );
}

#[test]
fn measurements_of_tags_found_are_kept_and_others_listed() {
    let mut c = contents();
    c.devices = devices(
        r#"{"devices": [{"id": "d1"}, {"id": "d2"}],
            "measurements": [{"software": "acme-tool-2.1", "resource": "transaction", "value": 900},
                             {"software": "nowhere-1", "resource": "capacity", "value": 2}]}"#,
    );
    let (estate, unused) = build(&c);
    assert_eq!(estate.measurements.len(), 1);
    assert_eq!(estate.measurements[0].resource, "transaction");
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0].item.as_deref(), Some("tag:nowhere-1"));
}

/// From the files to the position: an Ent whose user-defined metric grants 64 GB of memory
/// and one node per copy, on devices with their memory: d1 (256 GB) needs 4 copies, d2
/// (32 GB) 1.
#[test]
fn an_ent_granting_several_resources_counts_from_the_files() {
    let mut c = contents();
    c.devices =
        devices(r#"{"devices": [{"id": "d1", "memory_gb": 256}, {"id": "d2", "memory_gb": 32}]}"#);
    let ent = br#"<Ent xmlns="http://standards.iso.org/iso/19770/-3/2016/schema.xsd" name="Tool" entId="E-tool"
     entType="primary" entitlementType="license">
  <EntMeta product="Tool"/>
  <Entity name="Acme" regid="acme.example" role="entCreator licensor"/>
  <Entity name="Buyer" regid="buyer.example" role="licensee"/>
  <Right name="use"><Metric type="memoryNodeCopy"><Quantification quantity="4"/>
    <Meta resource="memory_gb" perUnit="64"/><Meta resource="nodes"/></Metric></Right>
</Ent>"#;
    c.entitlements = vec![file("ents/tool.ent", ent.to_vec())];
    let (estate, unused) = build(&c);
    assert!(unused.is_empty(), "{unused:?}");
    let policy = itam_reconcile::Policy::new(chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    let p = itam_reconcile::reconcile(&estate, &policy).unwrap();
    let units: Vec<(String, u64, u64)> = p
        .consumers()
        .map(|c| (c.name.to_owned(), c.units, c.covered))
        .collect();
    assert_eq!(
        units,
        [
            ("device:d1".to_owned(), 4, 4),
            ("device:d2".to_owned(), 1, 0)
        ]
    );
    assert_eq!(
        p.products[0].terms_text(),
        "definition=memory_gb/64+nodes/1@device"
    );
}
