//! Data-quality checks over the CMS, reported as [`Finding`]s.
//!
//! The first tier of ISO/IEC 19770-1 conformance is "trustworthy data": the organisation knows
//! what it has, and its records are accurate and complete. [`check`] runs every rule of
//! [`CATALOGUE`] over a [`Cms`] and returns a sorted [`Report`]; each finding names its rule by
//! a stable id and its location by a path into the CMS's JSON form, with items, definitive
//! items and relationships named by their ids (`/items/HW-1/owner`,
//! `/relationships/SW-1/installed_on/HW-1`, `/dml/items/DML-1/licences`).
//!
//! | rule | severity | what it finds |
//! |---|---|---|
//! | `CMS-OWNER-1` | warning | a configuration item that has no owner |
//! | `CMS-INSTALL-1` | error | an installation (`installed_on`) whose software has no CI |
//! | `CMS-DML-1` | error | a definitive item whose software has no CI |
//! | `CMS-REF-1` | error | a relationship to or from an item that is not recorded |
//! | `CMS-POOL-1` | error | a licence pool that accounts for more licences than it holds |
//! | `CMS-RETIRED-1` | warning | a retired item still in use |
//!
//! Most of these cannot arise through [`Cms::execute`], which refuses them; they arise when a
//! CMS is loaded from JSON written elsewhere, or (owner, retired) through ordinary commands.
//!
//! ```
//! use itam_core::asset::{ConfigurationItem, DataDetails};
//! use itam_core::cms::Cms;
//!
//! let cms: Cms = serde_json::from_value(serde_json::json!({
//!     "items": [{"id": "DA-1", "name": "Customer records", "kind": {"class": "data"},
//!                "stage": "operation", "responsibility": "organisation"}]
//! })).unwrap();
//! let report = itam_core::quality::check(&cms);
//! assert_eq!(report.by_rule("CMS-OWNER-1").count(), 1);
//! ```

use std::collections::BTreeMap;

use crate::asset::AssetClass;
use crate::cms::Cms;
use crate::diag::{Finding, Location, Report, Severity};
use crate::relationship::RelationshipKind;

/// One data-quality rule: a stable id, its severity and a one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable id (`CMS-OWNER-1`).
    pub id: &'static str,
    /// How serious a finding of this rule is.
    pub severity: Severity,
    /// What the rule checks, in one line.
    pub summary: &'static str,
}

/// A configuration item has no owner (19770-1: every asset has an accountable owner).
pub const OWNER: Rule = Rule {
    id: "CMS-OWNER-1",
    severity: Severity::Warning,
    summary: "every configuration item should have an owner",
};

/// An `installed_on` relationship whose source is not a recorded software CI.
pub const INSTALL: Rule = Rule {
    id: "CMS-INSTALL-1",
    severity: Severity::Error,
    summary: "every installation shall be of software recorded as a configuration item",
};

/// A definitive item whose software CI is not recorded.
pub const DML: Rule = Rule {
    id: "CMS-DML-1",
    severity: Severity::Error,
    summary: "every definitive item shall have a software configuration item",
};

/// A relationship with an end that is not recorded (other than an installation's software,
/// which [`INSTALL`] reports).
pub const REF: Rule = Rule {
    id: "CMS-REF-1",
    severity: Severity::Error,
    summary: "both ends of every relationship shall be recorded configuration items",
};

/// A licence pool whose free licences plus released licences exceed its total.
pub const POOL: Rule = Rule {
    id: "CMS-POOL-1",
    severity: Severity::Error,
    summary: "a licence pool shall not account for more licences than it holds",
};

/// A retired item that is still installed, hosted, clustered, or depended on by an item in
/// service.
pub const RETIRED: Rule = Rule {
    id: "CMS-RETIRED-1",
    severity: Severity::Warning,
    summary: "a retired configuration item should not still be in use",
};

/// Every rule [`check`] runs, in id order.
pub const CATALOGUE: &[Rule] = &[DML, INSTALL, OWNER, POOL, REF, RETIRED];

fn finding(rule: Rule, path: String, message: String) -> Finding {
    Finding::new(rule.id, rule.severity, Location::path(path), message)
}

/// Runs every rule of [`CATALOGUE`] over the CMS.
#[must_use]
pub fn check(cms: &Cms) -> Report {
    let mut report = Report::new();

    for item in cms.items() {
        if item.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
            report.push(finding(
                OWNER,
                format!("/items/{}/owner", item.id),
                format!(
                    "configuration item `{}` ({}) has no owner",
                    item.id, item.name
                ),
            ));
        }
    }

    for rel in cms.relationships() {
        let path = format!("/relationships/{}/{}/{}", rel.source, rel.kind, rel.target);
        let source = cms.item(rel.source.as_str());
        if rel.kind == RelationshipKind::InstalledOn
            && source.is_none_or(|s| s.kind.class() != AssetClass::Software)
        {
            report.push(finding(
                INSTALL,
                path.clone(),
                format!(
                    "`{}` is installed on `{}` but is not recorded as a software configuration item",
                    rel.source, rel.target
                ),
            ));
        } else if source.is_none() {
            report.push(finding(
                REF,
                path.clone(),
                format!("`{rel}`: the source `{}` is not recorded", rel.source),
            ));
        }
        if cms.item(rel.target.as_str()).is_none() {
            report.push(finding(
                REF,
                path,
                format!("`{rel}`: the target `{}` is not recorded", rel.target),
            ));
        }
    }

    let mut released: BTreeMap<&str, u64> = BTreeMap::new();
    for release in cms.dml().releases().iter().filter(|r| !r.gated) {
        *released.entry(release.item.as_str()).or_default() += u64::from(release.quantity);
    }
    for item in cms.dml().items() {
        let path = format!("/dml/items/{}", item.id);
        if cms
            .item(item.software.as_str())
            .is_none_or(|s| s.kind.class() != AssetClass::Software)
        {
            report.push(finding(
                DML,
                path.clone(),
                format!(
                    "definitive item `{}` is for `{}`, which is not recorded as a software configuration item",
                    item.id, item.software
                ),
            ));
        }
        let released = released.get(item.id.as_str()).copied().unwrap_or(0);
        if let Some(over) = item.licences.over_allocation(released) {
            report.push(finding(
                POOL,
                format!("{path}/licences"),
                format!(
                    "licence pool of `{}` is over-allocated by {over}: {} total, {} free, {released} released",
                    item.id, item.licences.total, item.licences.free
                ),
            ));
        }
    }

    for item in cms.items().filter(|i| i.stage.is_retired()) {
        let still_deployed = cms.outgoing(item.id.as_str()).find(|r| {
            matches!(
                r.kind,
                RelationshipKind::InstalledOn
                    | RelationshipKind::HostedBy
                    | RelationshipKind::MemberOfCluster
            )
        });
        let used_by = cms.incoming(item.id.as_str()).find(|r| {
            matches!(
                r.kind,
                RelationshipKind::InstalledOn
                    | RelationshipKind::HostedBy
                    | RelationshipKind::MemberOfCluster
                    | RelationshipKind::DependsOn
            ) && cms
                .item(r.source.as_str())
                .is_some_and(|s| !s.stage.is_retired())
        });
        if let Some(rel) = still_deployed.or(used_by) {
            report.push(finding(
                RETIRED,
                format!("/items/{}", item.id),
                format!("`{}` is retired but still in use: {rel}", item.id),
            ));
        }
    }

    report
}

#[cfg(test)]
mod tests;
