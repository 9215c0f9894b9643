//! The release gate over the effective licence position: a release through the CMS's
//! definitive media library is admitted only when the entitlements, after allocation, cover
//! the use it adds (ISO/IEC 19770-1 tier 2: release management consults licence management).
//!
//! [`PositionGate`] implements `itam_core::cms::ReleaseGate`. For each release it projects the
//! CMS into the base estate (the Ent entitlements and the device facts), reconciles it with and
//! without the new installation, and refuses when the shortfall grows, naming each entitlement
//! in scope that is exhausted and the consumers that use it.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use itam_core::asset::{ConfigurationItem, HardwareDetails, SoftwareDetails};
//! use itam_core::change::ChangeStep;
//! use itam_core::cms::{Authorization, Cms, CmsError, Command};
//! use itam_core::dml::{DefinitiveItem, DmlId, LicencePool, Media};
//! use itam_core::{Version, VersionScheme};
//! use itam_reconcile::{Policy, gate::PositionGate};
//!
//! let t = |m| Utc.with_ymd_and_hms(2026, 3, 2, 9, m, 0).unwrap();
//! let mut cms = Cms::new();
//! cms.request_change("CHG-1", "editor", "alice", t(0)).unwrap();
//! cms.advance_change("CHG-1", ChangeStep::Authorize, "bob", t(1)).unwrap();
//! let auth = || Authorization::under("CHG-1", "carol", t(2));
//! let editor = SoftwareDetails::executable("Acme", "Editor", Version::new("3", VersionScheme::MultipartNumeric));
//! cms.execute(auth(), Command::record(ConfigurationItem::new("SW-1", "Editor", editor))).unwrap();
//! cms.execute(auth(), Command::record(ConfigurationItem::new("PC-1", "pc", HardwareDetails::physical("T14", "1")))).unwrap();
//! cms.execute(auth(), Command::CheckIn { item: DefinitiveItem {
//!     id: DmlId::new("DML-1"), software: "SW-1".into(),
//!     version: Version::new("3", VersionScheme::MultipartNumeric), media: Media::Electronic,
//!     checksum: None, storage_location: "dml://1".into(), licences: LicencePool::new(5) } }).unwrap();
//!
//! // No entitlement for the editor: the position refuses, whatever the DML pool says.
//! let base = itam_core::estate::Estate::default();
//! let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
//! let gate = PositionGate::new(&base, &policy);
//! let err = cms.execute_gated(auth(), Command::release("DML-1", 1, "PC-1"), &gate).unwrap_err();
//! assert!(matches!(err, CmsError::PositionShortfall { .. }));
//! ```

use itam_core::cms::{Cms, Exhausted, PositionShortfall, ReleaseGate, ReleaseRequest, project};
use itam_core::estate::{Device, Estate, Installation};
use itam_core::id::TagId;

use crate::{Decision, Policy, Position, Reason, reconcile};

/// A [`ReleaseGate`] that asks the effective licence position (see the [module docs](self)).
#[derive(Debug, Clone, Copy)]
pub struct PositionGate<'a> {
    base: &'a Estate,
    policy: &'a Policy,
}

impl<'a> PositionGate<'a> {
    /// A gate over `base` (the entitlements, and device facts where known), reconciled under
    /// `policy` (its mode and as-of date).
    #[must_use]
    pub const fn new(base: &'a Estate, policy: &'a Policy) -> Self {
        Self { base, policy }
    }

    /// The estate the gate reconciles: `base` with the CMS projected into it.
    #[must_use]
    pub fn estate(&self, cms: &Cms) -> Estate {
        let mut estate = self.base.clone();
        let _unused = project(cms).merge_into(&mut estate);
        estate
    }
}

impl ReleaseGate for PositionGate<'_> {
    fn check_release(
        &self,
        cms: &Cms,
        request: ReleaseRequest<'_>,
    ) -> Result<(), PositionShortfall> {
        let before = self.estate(cms);
        let tag = request
            .software
            .software()
            .and_then(|s| s.tag_id.clone())
            .unwrap_or_else(|| TagId::new(request.software.id.as_str()));
        let mut after = before.clone();
        if !after.devices.iter().any(|d| d.id == *request.to) {
            after.devices.push(Device::physical(request.to.clone()));
        }
        if !after
            .installations
            .iter()
            .any(|i| i.software == tag && i.device == *request.to)
        {
            after.installations.push(Installation {
                software: tag,
                device: request.to.clone(),
                user: None,
                last_used: None,
            });
        }
        let refused = |e: crate::ReconcileError| PositionShortfall {
            units: 0,
            exhausted: Vec::new(),
            error: Some(e.to_string()),
        };
        let was = reconcile(&before, self.policy).map_err(refused)?;
        let will = reconcile(&after, self.policy).map_err(refused)?;
        let units = will.totals.shortfall.saturating_sub(was.totals.shortfall);
        if units == 0 {
            return Ok(());
        }
        let (publisher, product) = request
            .software
            .software()
            .map_or(("", ""), |s| (s.publisher.as_str(), s.product.as_str()));
        Err(PositionShortfall {
            units,
            exhausted: exhausted(&will, publisher, product),
            error: None,
        })
    }
}

/// The entitlements of the product that some consumer could not use because they were used
/// up, each with the consumers it covers.
fn exhausted(position: &Position, publisher: &str, product: &str) -> Vec<Exhausted> {
    let of_product = |line: &crate::ProductLine| {
        line.publisher.eq_ignore_ascii_case(publisher) && line.product.eq_ignore_ascii_case(product)
    };
    let mut ids: Vec<&str> = position
        .decisions()
        .filter(|d| of_product(d.product) && d.reason == Reason::CapacityExhausted)
        .map(|d| d.entitlement)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let mut consumed_by: Vec<String> = position
                .decisions()
                .filter(|d| d.entitlement == id && d.decision == Decision::Consumed)
                .map(|d| d.consumer.to_owned())
                .collect();
            consumed_by.sort_unstable();
            consumed_by.dedup();
            Exhausted {
                entitlement: id.to_owned(),
                consumed_by,
            }
        })
        .collect()
}
