//! Northwind's configuration management system, built through the CMS's own commands on a
//! fixed clock so that its trail is the same, and verifies, on every run.
//!
//! It records what the demo's discovery found (the estate `itam demo` builds) and the CIs of
//! `finance/cms.json`, under an authority table and scoped changes, with a release from the
//! definitive media library for every installation, and three deliberate defects for
//! `itam cms check` and `itam demo --itam` to find:
//!
//! 1. **drift**: the CMS records Office Pro 2021 on `ws-lon-01`, where discovery finds 2024
//!    (`TRUST-DRIFT-1`);
//! 2. **unauthorised software**: the editor on `ws-par-02` is recorded as installed with no
//!    release (`TRUST-RELEASE-1`);
//! 3. **a self-approved change**: `dana` requests change `CHG-NW-2` and then tries to authorize
//!    it herself; the CMS refuses and records the attempt (`TRUST-SOD-1`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use itam_core::asset::{ConfigurationItem, SoftwareDetails};
use itam_core::change::{ChangeId, ChangeStep};
use itam_core::cms::{AuthorityTable, Authorization, Cms, Command, Duty};
use itam_core::dml::{DefinitiveItem, DmlId, LicencePool, Media};
use itam_core::estate::{Estate, Software};
use itam_core::id::AssetId;
use itam_core::lifecycle::LifecycleStage;
use itam_core::relationship::RelationshipKind;
use itam_core::version::{Version, VersionScheme};

/// The device on which the CMS records the older Office Pro (defect 1).
pub(crate) const DRIFT_DEVICE: &str = "ws-lon-01";
/// The device whose editor was installed without a release (defect 2).
pub(crate) const UNRELEASED_DEVICE: &str = "ws-par-02";
/// The change its requester tries to authorize (defect 3).
pub(crate) const SELF_APPROVED: &str = "CHG-NW-2";

/// The CMS's first timestamp: 1 September 2026, 08:00 UTC; every action is a minute later.
fn clock() -> impl FnMut() -> DateTime<Utc> {
    let start = Utc
        .with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mut minutes = 0;
    move || {
        minutes += 1;
        start + Duration::minutes(minutes)
    }
}

fn software_id(tag: &str) -> AssetId {
    AssetId::new(format!("sw:{tag}"))
}

fn software_ci(sw: &Software) -> ConfigurationItem {
    ConfigurationItem::new(
        software_id(sw.tag_id.as_str()).as_str(),
        format!("{} {}", sw.product, sw.version),
        SoftwareDetails::executable(
            sw.publisher.as_str(),
            sw.product.as_str(),
            Version::new(sw.version.as_str(), VersionScheme::Alphanumeric),
        )
        .with_tag_id(sw.tag_id.as_str()),
    )
    .owned_by("northwind/it")
    .in_stage(LifecycleStage::Operation)
}

/// The Office Pro the CMS records on the drift device instead of the one found there.
fn older(sw: &Software) -> Software {
    let mut older = sw.clone();
    older.version = "2021".into();
    older.tag_id = sw.tag_id.as_str().replace("2024", "2021").into();
    older
}

/// Builds the CMS from the demo's discovered `estate` and the CIs of `finance/cms.json`
/// (`finance_cms`).
pub(crate) fn cms(estate: &Estate, finance_cms: &Cms) -> Cms {
    let mut now = clock();
    let mut cms = Cms::new();
    let table = AuthorityTable::new()
        .grant("it-admin", [Duty::Administer])
        .grant("service-desk", [Duty::Request])
        .grant("cab", [Duty::Approve])
        .grant("deploy", [Duty::Implement, Duty::Release])
        .grant("dana", [Duty::Request, Duty::Approve]);
    let _ = cms.set_authority(table, "it-admin", now());

    // What the CMS will record: the finance CIs (each with an owner), a software CI per tag
    // found (and the older Office Pro), the installations (the drift device's Office Pro as
    // the older one).
    let mut items: Vec<ConfigurationItem> = finance_cms
        .items()
        .map(|item| {
            let mut item = item.clone();
            if item.owner.is_none() {
                item.owner = item
                    .org_unit
                    .clone()
                    .or_else(|| Some("northwind/it".into()));
            }
            item
        })
        .collect();
    let by_tag: BTreeMap<&str, &Software> = estate
        .software
        .iter()
        .map(|s| (s.tag_id.as_str(), s))
        .collect();
    let mut installs: Vec<(AssetId, AssetId)> = Vec::new();
    let mut software: BTreeMap<String, Software> = BTreeMap::new();
    for inst in &estate.installations {
        let Some(sw) = by_tag.get(inst.software.as_str()) else {
            continue;
        };
        let recorded = if inst.device.as_str() == DRIFT_DEVICE && sw.product.contains("Office") {
            older(sw)
        } else {
            (*sw).clone()
        };
        installs.push((software_id(recorded.tag_id.as_str()), inst.device.clone()));
        software.insert(recorded.tag_id.as_str().to_owned(), recorded);
    }
    items.extend(software.values().map(software_ci));
    let covers: Vec<AssetId> = items.iter().map(|i| i.id.clone()).collect();

    let change = ChangeId::new("CHG-NW-1");
    let _ = cms.request_change_covering(
        change.clone(),
        "record the Northwind estate and release its software",
        covers,
        "service-desk",
        now(),
    );
    let _ = cms.advance_change(change.clone(), ChangeStep::Authorize, "cab", now());
    let run = |cms: &mut Cms, command: Command, at: DateTime<Utc>| {
        let _ = cms.execute(Authorization::under(change.clone(), "deploy", at), command);
    };
    for item in items {
        run(&mut cms, Command::record(item), now());
    }
    for rel in finance_cms.relationships() {
        run(
            &mut cms,
            Command::relate(rel.source.clone(), rel.kind, rel.target.clone()),
            now(),
        );
    }
    // One definitive item per software CI, with a licence for each of its installations.
    for sw in software.values() {
        let id = software_id(sw.tag_id.as_str());
        let count = installs.iter().filter(|(s, _)| *s == id).count();
        let item = DefinitiveItem {
            id: DmlId::new(format!("dml:{}", sw.tag_id)),
            software: id.clone(),
            version: Version::new(sw.version.as_str(), VersionScheme::Alphanumeric),
            media: Media::Electronic,
            checksum: None,
            storage_location: format!("dml://northwind/{}", sw.tag_id),
            licences: LicencePool::new(u32::try_from(count).unwrap_or(u32::MAX)),
        };
        run(&mut cms, Command::CheckIn { item }, now());
    }
    for (sw, device) in &installs {
        let unreleased = device.as_str() == UNRELEASED_DEVICE && sw.as_str().contains("editor");
        if !unreleased {
            let dml = DmlId::new(format!("dml:{}", sw.as_str().trim_start_matches("sw:")));
            run(&mut cms, Command::release(dml, 1, device.clone()), now());
        }
        run(
            &mut cms,
            Command::relate(sw.clone(), RelationshipKind::InstalledOn, device.clone()),
            now(),
        );
    }
    let _ = cms.advance_change(change.clone(), ChangeStep::Implement, "deploy", now());

    // Dana raises a change and tries to approve it herself.
    let _ = cms.request_change_covering(
        SELF_APPROVED,
        "install the CRM connector on the lab PC",
        [AssetId::new("ws-par-00")],
        "dana",
        now(),
    );
    let _ = cms.advance_change(SELF_APPROVED, ChangeStep::Authorize, "dana", now());
    cms
}

#[cfg(test)]
mod tests {
    use itam_core::diag::Severity;
    use itam_core::trust;

    use super::*;

    fn built() -> Cms {
        let (estate, _) = super::super::estate();
        let finance: Cms = serde_json::from_slice(
            super::super::FILES
                .iter()
                .find(|(p, _)| *p == "finance/cms.json")
                .map(|(_, b)| *b)
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        cms(&estate, &finance)
    }

    #[test]
    fn every_command_but_the_self_approval_is_executed_and_the_trail_verifies() {
        let cms = built();
        cms.verify_trail().unwrap();
        let refused: Vec<String> = cms
            .trail()
            .iter()
            .filter_map(|e| match &e.event {
                itam_core::cms::AuditEvent::Refused { reason, .. } => Some(reason.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(
            refused,
            ["`dana` requested change `CHG-NW-2` and cannot also authorize it"]
        );
    }

    #[test]
    fn the_three_deliberate_defects_are_found_and_nothing_else() {
        let cms = built();
        let (estate, _) = super::super::estate();
        let mut findings: Vec<(String, String)> = trust::compare(&cms, &estate)
            .findings()
            .iter()
            .chain(trust::audit(&cms).findings())
            .chain(cms.check().findings())
            .filter(|f| f.severity != Severity::Info)
            .map(|f| (f.rule.clone(), f.message.clone()))
            .collect();
        findings.sort();
        let rules: Vec<&str> = findings.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(
            rules,
            ["TRUST-DRIFT-1", "TRUST-RELEASE-1", "TRUST-SOD-1"],
            "{findings:#?}"
        );
        assert!(findings[0].1.contains(DRIFT_DEVICE), "{}", findings[0].1);
        assert!(
            findings[1].1.contains(UNRELEASED_DEVICE),
            "{}",
            findings[1].1
        );
        assert!(findings[2].1.contains(SELF_APPROVED), "{}", findings[2].1);
    }
}
