//! Contract terms: how an entitlement's metric counts, where its contract says so.
//!
//! Every term is optional on an [`Entitlement`](crate::estate::Entitlement): an unset term
//! is the reconciliation policy's. A metric reads only some terms
//! ([`Terms::for_metric`]); two entitlements whose terms agree on those count the same
//! consumers the same way.
//!
//! ```
//! use itam_core::estate::Metric;
//! use itam_core::terms::{InstallRounding, Terms};
//!
//! let t: Terms = serde_json::from_str(
//!     r#"{"installs_per_licence": 2, "install_rounding": "nearest", "windows_stacking": "cluster"}"#,
//! ).unwrap();
//! assert_eq!(t.install_rounding, Some(InstallRounding::Nearest));
//! // `installation` does not read the stacking scope.
//! let read = t.for_metric(&Metric::Installation);
//! assert_eq!(read.installs_per_licence, Some(2));
//! assert_eq!(read.windows_stacking, None);
//! ```

use serde::{Deserialize, Serialize};

use crate::Decimal;
use crate::estate::Metric;

/// Where the units of a processor-based metric are summed before they are counted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Each physical server is its own consumer.
    #[default]
    Host,
    /// The physical servers of one cluster form one consumer (unclustered servers stand alone).
    Cluster,
    /// Servers with the same core factor form one consumer across the estate (BigFix).
    CoreFactorGroup,
    /// The whole estate is one consumer.
    Estate,
}

impl Aggregation {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Cluster => "cluster",
            Self::CoreFactorGroup => "core_factor_group",
            Self::Estate => "estate",
        }
    }
}

/// Where fractional units are rounded up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Sum the fractions over the aggregation scope, round up once (Oracle's wording).
    #[default]
    Aggregate,
    /// Round up per physical server, then sum.
    EachServer,
}

impl Rounding {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aggregate => "aggregate",
            Self::EachServer => "each_server",
        }
    }
}

/// Which VMs count towards Windows Server Standard stacking on a host.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// The VMs running on the host.
    #[default]
    Host,
    /// Every VM of the host's cluster (each could migrate onto it: Snow's rule), and every
    /// host of the cluster is licensed.
    Cluster,
}

impl Stacking {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Cluster => "cluster",
        }
    }
}

/// How `installation` rounds installations ÷ installations per licence on a device. Every
/// device running the product needs at least one unit, whatever the rounding (ServiceNow's
/// *max(1, round(installs / installs per right))*).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum InstallRounding {
    /// Up: 3 installations at 2 per licence need 2.
    #[default]
    Up,
    /// To the nearest, halves up: 3 at 2 need 2, 5 at 4 need 1.
    Nearest,
    /// Down: 3 at 2 need 1.
    Down,
}

impl InstallRounding {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Nearest => "nearest",
            Self::Down => "down",
        }
    }

    /// The units `installs` installations need at `per` a licence (`per` 0 reads as 1), at
    /// least 1 when `installs` > 0.
    #[must_use]
    pub fn units(self, installs: u64, per: u64) -> u64 {
        if installs == 0 {
            return 0;
        }
        let per = per.max(1);
        let (q, r) = (installs / per, installs % per);
        let q = match self {
            Self::Up => q + u64::from(r > 0),
            // 2r ≥ per without overflow: r ≥ per − r.
            Self::Nearest => q + u64::from(r > 0 && r >= per - r),
            Self::Down => q,
        };
        q.max(1)
    }
}

/// What the bands of a `tiered` metric weigh, per device.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TierBasis {
    /// The device's cores.
    #[default]
    Cores,
    /// The device's processors (sockets).
    Processors,
    /// The product's installations on the device.
    Installations,
}

impl TierBasis {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cores => "cores",
            Self::Processors => "processors",
            Self::Installations => "installations",
        }
    }
}

/// One band of a tiered metric: `factor` applies to the units up to `up_to` (inclusive;
/// none = no limit) above the previous band's end.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Upper end of the band in base units; none for the last band.
    #[serde(default)]
    pub up_to: Option<u64>,
    /// Licences per base unit inside the band.
    pub factor: Decimal,
}

/// What one unit of a user-defined metric grants of a resource: `per_unit` of it (a copy
/// grants 64 GB of memory: `{"resource": "memory_gb", "per_unit": 64}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// The resource granted.
    pub resource: Resource,
    /// How much of it one unit grants (more than 0; a whole number or a decimal string).
    #[serde(default = "one", with = "per_unit")]
    pub per_unit: Decimal,
}

fn one() -> Decimal {
    Decimal::ONE
}

/// A resource a use of a product has, that a user-defined metric counts.
///
/// JSON: its name (`"memory_gb"`), or `"attribute:NAME"`, `"measured:NAME"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    /// `installations`: the product's installations.
    Installations,
    /// `nodes`: the devices (operating-system instances) running the product.
    Nodes,
    /// `cores`: the cores of those devices (virtual cores of a VM).
    Cores,
    /// `processors`: their sockets.
    Processors,
    /// `memory_gb`: their memory (`Device::memory_gb`; none counts 0).
    MemoryGb,
    /// `users`: the distinct users of the product's installations.
    Users,
    /// `attribute:NAME`: the device attribute `NAME` (`Device::attributes`; none counts 0).
    Attribute(String),
    /// `measured:NAME`: the product's measurements of resource `NAME` (`Estate::measurements`).
    Measured(String),
}

impl Resource {
    /// The name used in JSON and text.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Self::Installations => "installations".to_owned(),
            Self::Nodes => "nodes".to_owned(),
            Self::Cores => "cores".to_owned(),
            Self::Processors => "processors".to_owned(),
            Self::MemoryGb => "memory_gb".to_owned(),
            Self::Users => "users".to_owned(),
            Self::Attribute(n) => format!("attribute:{n}"),
            Self::Measured(n) => format!("measured:{n}"),
        }
    }

    /// The resource a name stands for, if it stands for one (an `attribute:` or `measured:`
    /// prefix needs a name after it).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let named = |n: &str| (!n.trim().is_empty()).then(|| n.trim().to_owned());
        Some(match s.trim() {
            "installations" => Self::Installations,
            "nodes" => Self::Nodes,
            "cores" => Self::Cores,
            "processors" => Self::Processors,
            "memory_gb" => Self::MemoryGb,
            "users" => Self::Users,
            other => {
                if let Some(n) = other.strip_prefix("attribute:") {
                    Self::Attribute(named(n)?)
                } else if let Some(n) = other.strip_prefix("measured:") {
                    Self::Measured(named(n)?)
                } else {
                    return None;
                }
            }
        })
    }
}

impl Serialize for Resource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "resource {s:?}: one of installations, nodes, cores, processors, memory_gb, \
                 users, attribute:NAME, measured:NAME"
            ))
        })
    }
}

/// Where a user-defined metric pools what its resources need.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum GrantScope {
    /// Each device running the product is its own consumer (a measurement without a device,
    /// its organisation unit).
    #[default]
    Device,
    /// The estate is one pool: every device's needs are added up first.
    Estate,
}

impl GrantScope {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Device => "device",
            Self::Estate => "estate",
        }
    }
}

/// How a user-defined metric counts: one unit grants `per_unit` of each resource, so a
/// consumer needs, over its resources, the most of ⌈need ÷ per unit⌉.
///
/// A right that grants several resources at once — one copy = 64 GB of memory and one node —
/// is a definition with two grants; a consumer with 256 GB on one node needs 4 copies, one
/// with 32 GB on one node 1. With scope `estate` the needs are pooled: those two devices need
/// max(⌈288 ÷ 64⌉, 2) = 5.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDefinition {
    /// What one unit grants, one entry per resource (at least one).
    pub resources: Vec<Grant>,
    /// Each device on its own (default), or the estate pooled.
    #[serde(default)]
    pub scope: GrantScope,
}

impl MetricDefinition {
    /// The canonical text: `memory_gb/64+nodes/1@estate`.
    #[must_use]
    pub fn text(&self) -> String {
        let grants: Vec<String> = self
            .resources
            .iter()
            .map(|g| format!("{}/{}", g.resource.name(), g.per_unit.normalize()))
            .collect();
        format!("{}@{}", grants.join("+"), self.scope.as_str())
    }

    /// Why the definition cannot count, if it cannot: no resource, a resource twice, or a
    /// `per_unit` that is not above 0.
    #[must_use]
    pub fn problem(&self) -> Option<String> {
        if self.resources.is_empty() {
            return Some("resources is empty (at least one)".to_owned());
        }
        for (i, g) in self.resources.iter().enumerate() {
            if g.per_unit <= Decimal::ZERO {
                return Some(format!(
                    "resources/{i}: per_unit {} is not above 0",
                    g.per_unit
                ));
            }
            if self
                .resources
                .get(..i)
                .is_some_and(|b| b.iter().any(|x| x.resource == g.resource))
            {
                return Some(format!(
                    "resources/{i}: {} is granted twice",
                    g.resource.name()
                ));
            }
        }
        None
    }
}

/// `per_unit`: a whole number or a decimal string, as quantities are written.
mod per_unit {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::Decimal;

    pub(super) fn serialize<S: Serializer>(q: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        match u64::try_from(*q) {
            Ok(n) if q.scale() == 0 => s.serialize_u64(n),
            _ => s.serialize_str(&q.to_string()),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Form {
        Whole(u64),
        Text(String),
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        match Form::deserialize(d)? {
            Form::Whole(n) => Ok(Decimal::from(n)),
            Form::Text(t) => Decimal::from_str_exact(t.trim())
                .map_err(|e| serde::de::Error::custom(format!("per_unit {t:?}: {e}"))),
        }
    }
}

/// The contract terms of one entitlement; an unset term is the policy's (see the engine's
/// `MetricParams`, whose fields of the same names hold the defaults).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// `installation`: installations one unit covers on a device; ≥ 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installs_per_licence: Option<u64>,
    /// `installation`: how installations ÷ installations per licence rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_rounding: Option<InstallRounding>,
    /// `core`: minimum cores per physical processor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_min_per_processor: Option<u64>,
    /// `core`: minimum cores per physical server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_min_per_server: Option<u64>,
    /// `core`: minimum cores per VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_min_per_vm: Option<u64>,
    /// `core`: cores are sold in packs of this size (round up); ≥ 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_pack: Option<u64>,
    /// `tiered`: the bands, in order (at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Tier>>,
    /// `tiered`: what the bands weigh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_basis: Option<TierBasis>,
    /// `oracle_nup`: minimum users per processor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oracle_nup_min_per_processor: Option<u64>,
    /// `oracle_processor`, `oracle_nup`: where cores × factor are summed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oracle_aggregation: Option<Aggregation>,
    /// `oracle_processor`, `oracle_nup`: where the fractions are rounded up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oracle_rounding: Option<Rounding>,
    /// `windows_server_standard`, `windows_server_datacenter`: where VMs are counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows_stacking: Option<Stacking>,
    /// `ibm_pvu_subcapacity`: the reporting period in days ending on the as-of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_period_days: Option<u32>,
    /// Windows Server, SQL Server Enterprise on the host, Oracle: the licence follows the VM
    /// (License Mobility through Software Assurance), so a VM that may move is counted only
    /// on the host it runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_mobility: Option<bool>,
    /// A user-defined metric (a name outside the catalogue): how it counts. The policy's
    /// definition of the name when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<MetricDefinition>,
}

/// Which terms a metric reads, as a set of field names.
const INSTALLATION: &[&str] = &["installs_per_licence", "install_rounding"];
const CORE: &[&str] = &[
    "core_min_per_processor",
    "core_min_per_server",
    "core_min_per_vm",
    "core_pack",
];
const TIERED: &[&str] = &["tiers", "tier_basis"];
const ORACLE_PROCESSOR: &[&str] = &["oracle_aggregation", "oracle_rounding", "license_mobility"];
const ORACLE_NUP: &[&str] = &[
    "oracle_aggregation",
    "oracle_rounding",
    "oracle_nup_min_per_processor",
    "license_mobility",
];
const WINDOWS: &[&str] = &["windows_stacking", "license_mobility"];
const MOBILITY: &[&str] = &["license_mobility"];
const SUBCAPACITY: &[&str] = &["peak_period_days"];
const DEFINED: &[&str] = &["definition"];

impl Terms {
    /// No term set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The names of the terms `metric` reads (JSON names, in field order); empty for the
    /// metrics no term changes.
    #[must_use]
    pub fn read_by(metric: &Metric) -> &'static [&'static str] {
        match metric {
            Metric::Installation => INSTALLATION,
            Metric::Core => CORE,
            Metric::Tiered => TIERED,
            Metric::OracleProcessor => ORACLE_PROCESSOR,
            Metric::OracleNup => ORACLE_NUP,
            Metric::WindowsServerStandard | Metric::WindowsServerDatacenter => WINDOWS,
            Metric::SqlServerEnterpriseCore | Metric::OracleSe2 => MOBILITY,
            Metric::IbmPvuSubcapacity => SUBCAPACITY,
            Metric::Other(_) => DEFINED,
            _ => &[],
        }
    }

    /// Only the terms `metric` reads (the others unset).
    #[must_use]
    pub fn for_metric(&self, metric: &Metric) -> Self {
        let read = Self::read_by(metric);
        let keep = |name: &str| read.contains(&name);
        Self {
            installs_per_licence: self
                .installs_per_licence
                .filter(|_| keep("installs_per_licence")),
            install_rounding: self.install_rounding.filter(|_| keep("install_rounding")),
            core_min_per_processor: self
                .core_min_per_processor
                .filter(|_| keep("core_min_per_processor")),
            core_min_per_server: self
                .core_min_per_server
                .filter(|_| keep("core_min_per_server")),
            core_min_per_vm: self.core_min_per_vm.filter(|_| keep("core_min_per_vm")),
            core_pack: self.core_pack.filter(|_| keep("core_pack")),
            tiers: self.tiers.clone().filter(|_| keep("tiers")),
            tier_basis: self.tier_basis.filter(|_| keep("tier_basis")),
            oracle_nup_min_per_processor: self
                .oracle_nup_min_per_processor
                .filter(|_| keep("oracle_nup_min_per_processor")),
            oracle_aggregation: self
                .oracle_aggregation
                .filter(|_| keep("oracle_aggregation")),
            oracle_rounding: self.oracle_rounding.filter(|_| keep("oracle_rounding")),
            windows_stacking: self.windows_stacking.filter(|_| keep("windows_stacking")),
            peak_period_days: self.peak_period_days.filter(|_| keep("peak_period_days")),
            license_mobility: self.license_mobility.filter(|_| keep("license_mobility")),
            definition: self.definition.clone().filter(|_| keep("definition")),
        }
    }

    /// These terms where set, else `defaults`' (field by field).
    #[must_use]
    pub fn over(&self, defaults: &Self) -> Self {
        Self {
            installs_per_licence: self.installs_per_licence.or(defaults.installs_per_licence),
            install_rounding: self.install_rounding.or(defaults.install_rounding),
            core_min_per_processor: self
                .core_min_per_processor
                .or(defaults.core_min_per_processor),
            core_min_per_server: self.core_min_per_server.or(defaults.core_min_per_server),
            core_min_per_vm: self.core_min_per_vm.or(defaults.core_min_per_vm),
            core_pack: self.core_pack.or(defaults.core_pack),
            tiers: self.tiers.clone().or_else(|| defaults.tiers.clone()),
            tier_basis: self.tier_basis.or(defaults.tier_basis),
            oracle_nup_min_per_processor: self
                .oracle_nup_min_per_processor
                .or(defaults.oracle_nup_min_per_processor),
            oracle_aggregation: self.oracle_aggregation.or(defaults.oracle_aggregation),
            oracle_rounding: self.oracle_rounding.or(defaults.oracle_rounding),
            windows_stacking: self.windows_stacking.or(defaults.windows_stacking),
            peak_period_days: self.peak_period_days.or(defaults.peak_period_days),
            license_mobility: self.license_mobility.or(defaults.license_mobility),
            definition: self
                .definition
                .clone()
                .or_else(|| defaults.definition.clone()),
        }
    }

    /// Each set term as `(name, value)` in field order, values as the canonical text
    /// writes them (`tiers` as `8:1,-:0.5`, a band's end `-` when it has none).
    #[must_use]
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut put = |name: &'static str, value: Option<String>| {
            if let Some(v) = value {
                out.push((name, v));
            }
        };
        put(
            "installs_per_licence",
            self.installs_per_licence.map(|v| v.to_string()),
        );
        put(
            "install_rounding",
            self.install_rounding.map(|v| v.as_str().to_owned()),
        );
        put(
            "core_min_per_processor",
            self.core_min_per_processor.map(|v| v.to_string()),
        );
        put(
            "core_min_per_server",
            self.core_min_per_server.map(|v| v.to_string()),
        );
        put(
            "core_min_per_vm",
            self.core_min_per_vm.map(|v| v.to_string()),
        );
        put("core_pack", self.core_pack.map(|v| v.to_string()));
        put(
            "tiers",
            self.tiers.as_ref().map(|ts| {
                ts.iter()
                    .map(|t| {
                        format!(
                            "{}:{}",
                            t.up_to.map_or_else(|| "-".to_owned(), |u| u.to_string()),
                            t.factor.normalize()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            }),
        );
        put("tier_basis", self.tier_basis.map(|v| v.as_str().to_owned()));
        put(
            "oracle_nup_min_per_processor",
            self.oracle_nup_min_per_processor.map(|v| v.to_string()),
        );
        put(
            "oracle_aggregation",
            self.oracle_aggregation.map(|v| v.as_str().to_owned()),
        );
        put(
            "oracle_rounding",
            self.oracle_rounding.map(|v| v.as_str().to_owned()),
        );
        put(
            "windows_stacking",
            self.windows_stacking.map(|v| v.as_str().to_owned()),
        );
        put(
            "peak_period_days",
            self.peak_period_days.map(|v| v.to_string()),
        );
        put(
            "license_mobility",
            self.license_mobility.map(|v| v.to_string()),
        );
        put(
            "definition",
            self.definition.as_ref().map(MetricDefinition::text),
        );
        out
    }

    /// Why these terms cannot count, if they cannot: `installs_per_licence` or `core_pack`
    /// 0, an empty tier table, bands whose ends do not rise, a band without an end before
    /// the last, a negative factor. The message names the term.
    #[must_use]
    pub fn problem(&self) -> Option<String> {
        if self.installs_per_licence == Some(0) {
            return Some("installs_per_licence is 0 (at least 1)".to_owned());
        }
        if self.core_pack == Some(0) {
            return Some("core_pack is 0 (at least 1)".to_owned());
        }
        if let Some(tiers) = &self.tiers {
            if let Some(p) = tier_problem(tiers) {
                return Some(p);
            }
        }
        self.definition
            .as_ref()
            .and_then(MetricDefinition::problem)
            .map(|p| format!("definition/{p}"))
    }
}

/// Why a tier table cannot count, if it cannot (see [`Terms::problem`]).
#[must_use]
pub fn tier_problem(tiers: &[Tier]) -> Option<String> {
    if tiers.is_empty() {
        return Some("tiers is empty (at least one band)".to_owned());
    }
    let mut below = 0u64;
    for (i, t) in tiers.iter().enumerate() {
        if t.factor.is_sign_negative() {
            return Some(format!("tiers/{i}: factor {} is negative", t.factor));
        }
        match t.up_to {
            Some(u) if u <= below && i > 0 => {
                return Some(format!(
                    "tiers/{i}: up_to {u} does not rise above the previous band's {below}"
                ));
            }
            Some(u) => below = u,
            None if i + 1 < tiers.len() => {
                return Some(format!("tiers/{i}: a band without up_to before the last"));
            }
            None => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_rounding_follows_its_name_and_never_gives_zero() {
        use InstallRounding::{Down, Nearest, Up};
        assert_eq!(Up.units(3, 2), 2);
        assert_eq!(Nearest.units(3, 2), 2);
        assert_eq!(Down.units(3, 2), 1);
        assert_eq!(Nearest.units(5, 4), 1);
        assert_eq!(Nearest.units(6, 4), 2);
        assert_eq!(Nearest.units(7, 3), 2);
        assert_eq!(Down.units(1, 5), 1);
        assert_eq!(Nearest.units(1, 5), 1);
        assert_eq!(Up.units(0, 5), 0);
        assert_eq!(Up.units(u64::MAX, 1), u64::MAX);
        assert_eq!(Nearest.units(u64::MAX, u64::MAX - 1), 1);
        assert_eq!(Up.units(4, 0), 4);
    }

    #[test]
    fn a_metric_reads_only_its_terms() {
        let all = Terms {
            installs_per_licence: Some(2),
            core_pack: Some(2),
            windows_stacking: Some(Stacking::Cluster),
            oracle_nup_min_per_processor: Some(10),
            oracle_aggregation: Some(Aggregation::Cluster),
            peak_period_days: Some(30),
            ..Terms::default()
        };
        assert_eq!(
            all.for_metric(&Metric::OracleNup),
            Terms {
                oracle_nup_min_per_processor: Some(10),
                oracle_aggregation: Some(Aggregation::Cluster),
                ..Terms::default()
            }
        );
        assert_eq!(
            all.for_metric(&Metric::OracleProcessor).entries(),
            vec![("oracle_aggregation", "cluster".to_owned())]
        );
        assert!(all.for_metric(&Metric::Device).is_empty());
        assert_eq!(
            all.for_metric(&Metric::WindowsServerDatacenter)
                .windows_stacking,
            Some(Stacking::Cluster)
        );
        for m in Metric::KNOWN {
            let names: Vec<&str> = all.for_metric(&m).entries().iter().map(|e| e.0).collect();
            assert!(names.iter().all(|n| Terms::read_by(&m).contains(n)), "{m}");
        }
    }

    #[test]
    fn set_terms_win_over_defaults() {
        let defaults = Terms {
            installs_per_licence: Some(1),
            install_rounding: Some(InstallRounding::Up),
            ..Terms::default()
        };
        let mine = Terms {
            installs_per_licence: Some(3),
            ..Terms::default()
        };
        let t = mine.over(&defaults);
        assert_eq!(t.installs_per_licence, Some(3));
        assert_eq!(t.install_rounding, Some(InstallRounding::Up));
        assert_eq!(
            t.entries(),
            vec![
                ("installs_per_licence", "3".to_owned()),
                ("install_rounding", "up".to_owned())
            ]
        );
    }

    #[test]
    fn json_names_every_term_and_refuses_unknown_ones() {
        let t: Terms = serde_json::from_str(
            r#"{"tiers": [{"up_to": 8, "factor": "1"}, {"factor": "0.5"}], "tier_basis": "processors",
                "oracle_rounding": "each_server", "core_min_per_vm": 4}"#,
        )
        .unwrap();
        assert_eq!(t.tier_basis, Some(TierBasis::Processors));
        assert_eq!(t.entries()[0], ("core_min_per_vm", "4".to_owned()));
        assert_eq!(t.entries()[1], ("tiers", "8:1,-:0.5".to_owned()));
        assert!(serde_json::from_str::<Terms>(r#"{"installs_per_license": 2}"#).is_err());
        assert_eq!(serde_json::to_string(&Terms::default()).unwrap(), "{}");
    }

    #[test]
    fn terms_that_cannot_count_are_named() {
        let zero = Terms {
            installs_per_licence: Some(0),
            ..Terms::default()
        };
        assert!(zero.problem().unwrap().contains("installs_per_licence"));
        let band = |up_to, f: i64| Tier {
            up_to,
            factor: Decimal::from(f),
        };
        assert_eq!(tier_problem(&[band(Some(8), 1), band(None, 1)]), None);
        assert!(tier_problem(&[]).is_some());
        assert!(
            tier_problem(&[band(Some(8), 1), band(Some(8), 1)])
                .unwrap()
                .contains("tiers/1")
        );
        assert!(
            tier_problem(&[band(None, 1), band(Some(8), 1)])
                .unwrap()
                .contains("tiers/0")
        );
        assert!(
            tier_problem(&[band(Some(4), -1)])
                .unwrap()
                .contains("negative")
        );
    }
}
