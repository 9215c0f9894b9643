//! Trustworthy data: what discovery found, compared with what the CMS records.
//!
//! The first tier of ISO/IEC 19770-1 asks that the recorded data agree with reality. [`compare`]
//! takes the CMS and a discovered [`Estate`] (the installations read from SWID tags on each
//! device, see `itam-intake`) and reports each disagreement as a [`Finding`] with a stable
//! rule id, a severity, and the 19770-1 clause it rests on at the end of the message
//! (`[19770-1 7.6.3]`). The clause references are the ones the project's issues name: tier 1
//! (trustworthy data) for what is found against what is recorded, 7.6.3 (execution of
//! changes controlled and recorded) for software without a release, 7.6.2 (traceability of
//! ownership) for custody.
//!
//! Devices are matched by id (a discovered [`Device::id`](crate::estate::Device::id) is the
//! hardware CI's id). Software is matched by tagId where the CI records one, else by
//! publisher, product and version text.
//!
//! | rule | severity | clause | what it finds |
//! |---|---|---|---|
//! | `TRUST-FOUND-1` | warning | tier 1 | software discovered on a device that the CMS does not record anywhere |
//! | `TRUST-MOVED-1` | warning | tier 1 | software discovered on one device that the CMS records on another |
//! | `TRUST-DRIFT-1` | warning | tier 1 | the CMS records another version (or tag) of the discovered product on the device |
//! | `TRUST-MISSING-1` | warning | tier 1 | an installation the CMS records on a discovered device that discovery did not find |
//! | `TRUST-UNSEEN-1` | info | tier 1 | a hardware CI with recorded installations that discovery did not report at all |
//! | `TRUST-RELEASE-1` | error | 7.6.3 | a recorded installation with no release record: unauthorised software |
//! | `TRUST-CUSTODY-1` | warning | 7.6.2 | a hardware CI in service with neither owner nor custodian |
//! | `TRUST-TRAIL-1` | error | 7.6.3 | an audit trail that does not verify (hash chain, replay, store) |
//! | `TRUST-SOD-1` | warning | 7.6.2 | an attempt, refused and recorded in the trail, to authorize one's own change or verify one's own corrective action |
//!
//! The first seven compare the CMS with discovery ([`compare`]); the last two read the CMS
//! alone ([`audit`]).
//!
//! ```
//! use itam_core::cms::Cms;
//! use itam_core::estate::{Estate, Installation, Software};
//!
//! let discovered: Estate = serde_json::from_value(serde_json::json!({
//!     "software": [{"tag_id": "acme-editor-3.2", "publisher": "Acme", "product": "Editor",
//!                   "version": "3.2"}],
//!     "installations": [{"software": "acme-editor-3.2", "device": "HW-1"}]
//! })).unwrap();
//! let report = itam_core::trust::compare(&Cms::new(), &discovered);
//! assert_eq!(report.by_rule("TRUST-FOUND-1").count(), 1);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use crate::asset::{ConfigurationItem, SoftwareDetails};
use crate::cms::{AuditEvent, Cms, CmsError};
use crate::diag::{Finding, Location, Report, Severity};
use crate::estate::{Estate, Software};
use crate::id::AssetId;
use crate::relationship::RelationshipKind;

/// One trustworthy-data rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable id (`TRUST-FOUND-1`).
    pub id: &'static str,
    /// How serious a finding of this rule is.
    pub severity: Severity,
    /// The ISO/IEC 19770-1 clause it rests on.
    pub clause: &'static str,
    /// What the rule finds, in one line.
    pub summary: &'static str,
}

/// Discovered, not recorded anywhere.
pub const FOUND: Rule = Rule {
    id: "TRUST-FOUND-1",
    severity: Severity::Warning,
    clause: "tier 1",
    summary: "software found by discovery shall be recorded in the CMS",
};

/// Discovered on one device, recorded on another.
pub const MOVED: Rule = Rule {
    id: "TRUST-MOVED-1",
    severity: Severity::Warning,
    clause: "tier 1",
    summary: "software shall be recorded on the device it is found on",
};

/// Another version of the discovered product recorded on the device.
pub const DRIFT: Rule = Rule {
    id: "TRUST-DRIFT-1",
    severity: Severity::Warning,
    clause: "tier 1",
    summary: "the recorded version shall be the version found",
};

/// Recorded on a discovered device, not found there.
pub const MISSING: Rule = Rule {
    id: "TRUST-MISSING-1",
    severity: Severity::Warning,
    clause: "tier 1",
    summary: "software recorded on a device shall be found there",
};

/// A device with recorded installations that discovery did not report.
pub const UNSEEN: Rule = Rule {
    id: "TRUST-UNSEEN-1",
    severity: Severity::Info,
    clause: "tier 1",
    summary: "every device with recorded software should be covered by discovery",
};

/// A recorded installation without a release record.
pub const RELEASE: Rule = Rule {
    id: "TRUST-RELEASE-1",
    severity: Severity::Error,
    clause: "7.6.3",
    summary: "every installation shall come from a release under an authorized change",
};

/// A hardware CI in service with neither owner nor custodian.
pub const CUSTODY: Rule = Rule {
    id: "TRUST-CUSTODY-1",
    severity: Severity::Warning,
    clause: "7.6.2",
    summary: "every hardware item in service shall have an owner or a custodian",
};

/// An audit trail that does not verify.
pub const TRAIL: Rule = Rule {
    id: "TRUST-TRAIL-1",
    severity: Severity::Error,
    clause: "7.6.3",
    summary: "the audit trail shall verify: its hash chain, its replay and the store agree",
};

/// An attempted self-approval or self-verification, refused and recorded.
pub const DUTIES: Rule = Rule {
    id: "TRUST-SOD-1",
    severity: Severity::Warning,
    clause: "7.6.2",
    summary: "no one shall authorize their own change or verify their own corrective action",
};

/// Every rule [`compare`] and [`audit`] run, in id order.
pub const CATALOGUE: &[Rule] = &[
    CUSTODY, DRIFT, FOUND, MISSING, MOVED, RELEASE, DUTIES, TRAIL, UNSEEN,
];

/// Checks the CMS's own record of its changes: the audit trail verifies
/// ([`Cms::verify_trail`]: hash chain, replay, store; `TRUST-TRAIL-1`), and every attempt to
/// authorize one's own change or verify one's own corrective action, which the CMS refused
/// and recorded, is reported (`TRUST-SOD-1`, at the trail entry that recorded the refusal).
#[must_use]
pub fn audit(cms: &Cms) -> Report {
    let mut report = Report::new();
    if let Err(e) = cms.verify_trail() {
        report.push(finding(TRAIL, "/trail".to_owned(), &e.to_string()));
    }
    for (index, entry) in cms.trail().iter().enumerate() {
        let AuditEvent::Refused { of, reason } = &entry.event else {
            continue;
        };
        let what = match reason {
            CmsError::SelfApproval { change, by } => {
                format!("`{by}` tried to authorize change `{change}`, which they requested")
            }
            CmsError::SelfVerification { nonconformity, by } => format!(
                "`{by}` tried to verify the corrective action they took on nonconformity `{nonconformity}`"
            ),
            _ => continue,
        };
        report.push(finding(
            DUTIES,
            format!("/trail/{index}"),
            &format!("{what} (entry #{of}, refused)"),
        ));
    }
    report
}

fn finding(rule: Rule, path: String, message: &str) -> Finding {
    Finding::new(
        rule.id,
        rule.severity,
        Location::path(path),
        format!("{message} [19770-1 {}]", rule.clause),
    )
}

/// A software CI recorded as installed on a device.
struct Recorded<'a> {
    ci: &'a ConfigurationItem,
    details: &'a SoftwareDetails,
    device: &'a AssetId,
}

impl Recorded<'_> {
    /// Whether this CI is the discovered software: the same tagId where the CI has one, else
    /// the same publisher, product and version text.
    fn is(&self, sw: &Software) -> bool {
        match &self.details.tag_id {
            Some(tag) => *tag == sw.tag_id,
            None => self.same_product(sw) && self.details.version.value == sw.version,
        }
    }

    fn same_product(&self, sw: &Software) -> bool {
        self.details.publisher.eq_ignore_ascii_case(&sw.publisher)
            && self.details.product.eq_ignore_ascii_case(&sw.product)
    }

    fn path(&self) -> String {
        format!("/relationships/{}/installed_on/{}", self.ci.id, self.device)
    }
}

/// Compares what discovery found with what the CMS records; one finding per disagreement,
/// rules as in the [module table](self). Linear in the sizes of both, but for the software
/// recorded on one device, which is compared with what was found on it.
#[must_use]
pub fn compare(cms: &Cms, discovered: &Estate) -> Report {
    let mut report = Report::new();

    // What the CMS records, by device.
    let mut recorded: BTreeMap<&AssetId, Vec<Recorded<'_>>> = BTreeMap::new();
    for rel in cms
        .relationships()
        .filter(|r| r.kind == RelationshipKind::InstalledOn)
    {
        if let Some(ci) = cms.item(rel.source.as_str()) {
            if let Some(details) = ci.software() {
                recorded.entry(&rel.target).or_default().push(Recorded {
                    ci,
                    details,
                    device: &rel.target,
                });
            }
        }
    }
    let released: BTreeSet<(&AssetId, &AssetId)> = cms
        .dml()
        .releases()
        .iter()
        .map(|r| (&r.software, &r.to))
        .collect();
    let software: BTreeMap<_, &Software> =
        discovered.software.iter().map(|s| (&s.tag_id, s)).collect();
    let devices: BTreeSet<&AssetId> = discovered
        .devices
        .iter()
        .map(|d| &d.id)
        .chain(discovered.installations.iter().map(|i| &i.device))
        .collect();

    // Where each tagId is recorded, for MOVED.
    let mut recorded_tags: BTreeMap<&str, Vec<&AssetId>> = BTreeMap::new();
    for rec in recorded.values().flatten() {
        if let Some(tag) = &rec.details.tag_id {
            recorded_tags
                .entry(tag.as_str())
                .or_default()
                .push(rec.device);
        }
    }

    // Each discovered installation against the device's records.
    let mut accounted: BTreeSet<(&AssetId, &AssetId)> = BTreeSet::new();
    for (index, inst) in discovered.installations.iter().enumerate() {
        let path = format!("/installations/{index}");
        let Some(sw) = software.get(&inst.software) else {
            continue; // the estate's own validation reports an unknown tagId
        };
        let on_device = recorded.get(&inst.device).map_or(&[][..], Vec::as_slice);
        if let Some(rec) = on_device.iter().find(|r| r.is(sw)) {
            accounted.insert((&rec.ci.id, rec.device));
            continue;
        }
        if let Some(rec) = on_device.iter().find(|r| r.same_product(sw)) {
            accounted.insert((&rec.ci.id, rec.device));
            report.push(finding(
                DRIFT,
                path,
                &format!(
                    "`{}` {} {} found on `{}` as version {} (`{}`), but the CMS records `{}` version {}",
                    sw.publisher,
                    sw.product,
                    sw.version,
                    inst.device,
                    sw.version,
                    sw.tag_id,
                    rec.ci.id,
                    rec.details.version.value
                ),
            ));
            continue;
        }
        match recorded_tags.get(sw.tag_id.as_str()) {
            Some(elsewhere) => {
                let list: Vec<&str> = elsewhere.iter().map(|d| d.as_str()).collect();
                report.push(finding(
                    MOVED,
                    path,
                    &format!(
                        "`{}` is found on `{}` but the CMS records it on {}",
                        sw.tag_id,
                        inst.device,
                        list.join(", ")
                    ),
                ));
            }
            None => report.push(finding(
                FOUND,
                path,
                &format!(
                    "`{}` ({} {} {}) is found on `{}` but is not recorded in the CMS",
                    sw.tag_id, sw.publisher, sw.product, sw.version, inst.device
                ),
            )),
        }
    }

    // Each recorded installation: found, or not; released, or not.
    for (device, list) in &recorded {
        let seen = devices.contains(device);
        if !seen {
            report.push(finding(
                UNSEEN,
                format!("/items/{device}"),
                &format!(
                    "`{device}` has {} recorded installation(s) but discovery did not report it",
                    list.len()
                ),
            ));
        }
        for rec in list {
            if seen && !accounted.contains(&(&rec.ci.id, rec.device)) {
                report.push(finding(
                    MISSING,
                    rec.path(),
                    &format!(
                        "`{}` ({} {} {}) is recorded on `{device}` but discovery did not find it there",
                        rec.ci.id,
                        rec.details.publisher,
                        rec.details.product,
                        rec.details.version.value
                    ),
                ));
            }
            if !released.contains(&(&rec.ci.id, rec.device)) {
                report.push(finding(
                    RELEASE,
                    rec.path(),
                    &format!(
                        "`{}` is recorded on `{device}` without a release from the definitive media library",
                        rec.ci.id
                    ),
                ));
            }
        }
    }

    for item in cms.items() {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if item.hardware().is_some()
            && !item.stage.is_retired()
            && blank(&item.owner)
            && blank(&item.custodian)
        {
            report.push(finding(
                CUSTODY,
                format!("/items/{}", item.id),
                &format!(
                    "hardware item `{}` ({}) has neither an owner nor a custodian",
                    item.id, item.name
                ),
            ));
        }
    }

    report
}
