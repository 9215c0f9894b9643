//! The release gate: a release through the definitive media library asks the *effective*
//! licence position, not the DML's own pool (ISO/IEC 19770-1 tier 2, life-cycle integration:
//! release management consults licence management).
//!
//! `itam-core` does not compute positions: the engine (`itam-reconcile`) implements
//! [`ReleaseGate`] over the estate the CMS projects into ([`super::project`]), and
//! [`Cms::execute_gated`](super::Cms::execute_gated) calls it for every release. A refused
//! release names the entitlements that are exhausted and the consumers using them.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Cms;
use crate::asset::ConfigurationItem;
use crate::id::AssetId;

/// What a gated release asks for.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseRequest<'a> {
    /// The software CI being released.
    pub software: &'a ConfigurationItem,
    /// The machine it is released for.
    pub to: &'a AssetId,
    /// The licences the release asks for (the DML's count).
    pub quantity: u32,
}

/// Decides whether a release fits the effective licence position.
pub trait ReleaseGate {
    /// `Ok` when installing `request.software` on `request.to` leaves the position with no
    /// more unlicensed use than before; otherwise why not.
    ///
    /// # Errors
    /// The [`PositionShortfall`] the release would cause.
    fn check_release(
        &self,
        cms: &Cms,
        request: ReleaseRequest<'_>,
    ) -> Result<(), PositionShortfall>;
}

/// An entitlement that could have covered the release but is used up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Exhausted {
    /// The entitlement's id.
    pub entitlement: String,
    /// The consumers it covers (`device:pc-1`, `user:alice`), in canonical order.
    pub consumed_by: Vec<String>,
}

/// Why the position refuses a release: the units it would leave unlicensed and the
/// entitlements that are exhausted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionShortfall {
    /// The units of use the release would add that no entitlement covers.
    pub units: u64,
    /// The entitlements in scope that are used up, by id (empty: none is in scope).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exhausted: Vec<Exhausted>,
    /// Why the position could not be computed, when it could not (the release is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl fmt::Display for PositionShortfall {
    /// `2 unit(s) would be unlicensed: `ent-1` is exhausted by device:pc-1, device:pc-2`, or
    /// `… : no entitlement covers it`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(error) = &self.error {
            return write!(f, "the position could not be computed: {error}");
        }
        write!(f, "{} unit(s) would be unlicensed: ", self.units)?;
        if self.exhausted.is_empty() {
            return f.write_str("no entitlement covers it");
        }
        for (i, e) in self.exhausted.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(
                f,
                "`{}` is exhausted by {}",
                e.entitlement,
                e.consumed_by.join(", ")
            )?;
        }
        Ok(())
    }
}

/// A gate that lets every release through: [`Cms::execute`](super::Cms::execute) behaves as
/// if its releases were gated by this one, but counts the DML pool instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct Open;

impl ReleaseGate for Open {
    fn check_release(&self, _: &Cms, _: ReleaseRequest<'_>) -> Result<(), PositionShortfall> {
        Ok(())
    }
}

/// Replays a recorded gate decision (used by [`Cms::replay`](super::Cms::replay)).
#[derive(Debug)]
pub(super) struct Recorded(pub Option<PositionShortfall>);

impl ReleaseGate for Recorded {
    fn check_release(&self, _: &Cms, _: ReleaseRequest<'_>) -> Result<(), PositionShortfall> {
        self.0.clone().map_or(Ok(()), Err)
    }
}
