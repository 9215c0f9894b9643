//! The reconciliation inputs: devices, users, installations, usage and entitlements.
//!
//! An [`Estate`] is everything a reconciliation engine needs to know about an organisation's
//! software use and rights, in one value: the hardware it runs on ([`Device`]), the people who
//! use it ([`User`]), the software identities found ([`Software`]), where they are installed
//! ([`Installation`]), measured peaks of concurrent use ([`UsagePeak`]) and the rights bought
//! ([`Entitlement`]). Format crates project into these types (a SWID tag becomes a
//! [`Software`] plus [`Installation`]s, an Ent becomes an [`Entitlement`]); the engine never
//! sees a file format. *How* to reconcile (allocation mode, rounding points, metric
//! parameters, the as-of date) is not part of the estate: it is the engine's policy.
//!
//! # The JSON form, `estate.json`
//!
//! The serde form is the documented interchange format. Fields with defaults may be left out;
//! unknown fields are rejected so a misspelt field never silently changes a position.
//!
//! ```json
//! {
//!   "devices": [
//!     {"id": "esx-1", "kind": "physical", "cluster": "prod-a", "sockets": 2, "cores": 32,
//!      "processor": "Intel Xeon Gold 6338", "environment": "production", "org": "emea/fr"},
//!     {"id": "vm-1", "kind": "virtual", "host": "esx-1", "cores": 4}
//!   ],
//!   "users": [{"id": "alice", "org": "emea/fr"}],
//!   "software": [
//!     {"tag_id": "oracle-db-19", "publisher": "Oracle", "product": "Database",
//!      "edition": "Enterprise", "version": "19.3"}
//!   ],
//!   "installations": [{"software": "oracle-db-19", "device": "vm-1", "user": "alice"}],
//!   "usage_peaks": [{"software": "oracle-db-19", "peak": 12}],
//!   "entitlements": [
//!     {"id": "E-1", "scope": {"publisher": "Oracle", "product": "Database",
//!      "versions": "[12,)"}, "metric": "oracle_processor", "quantity": 16,
//!      "end": "2027-12-31", "unit_cost": "47500", "rights": {"downgrade": true}}
//!   ]
//! }
//! ```
//!
//! | object | field | type | default | meaning |
//! |---|---|---|---|---|
//! | device | `id` | string | required | unique device id ([`AssetId`]) |
//! | | `kind` | `"physical"` \| `"virtual"` | `"physical"` | a VM must name its `host` |
//! | | `host` | string | none | the physical host a VM runs on |
//! | | `cluster` | string | none | the cluster a physical host belongs to (VMs inherit their host's) |
//! | | `sockets` | integer | 1 | populated processor sockets (physical) |
//! | | `cores` | integer | 1 | physical cores in total (physical) or virtual cores (VM) |
//! | | `threads` | integer | none | hardware threads (informative; no metric counts them) |
//! | | `processor` | string | none | processor model, looked up in the policy's core-factor and PVU tables |
//! | | `core_factor` | decimal string | none | Oracle core factor, overrides the table |
//! | | `pvu_per_core` | integer | none | IBM PVU per core, overrides the table |
//! | | `cloud` | bool | false | an authorised public-cloud instance (Oracle: 4 vCPU = 1 socket) |
//! | | `environment` | see [`Environment`] | `"production"` | what the device is used for |
//! | | `org` | string | none | organisation unit, a `/`-separated path (`emea/fr`) |
//! | user | `id`, `org` | string | | a person who can consume named-user rights |
//! | software | `tag_id` | string | required | the software identity ([`TagId`]) |
//! | | `publisher`, `product` | string | required | normalised names (compared case-insensitively) |
//! | | `edition` | string | none | edition (compared case-insensitively) |
//! | | `version`, `version_scheme` | string | `""`, `"multipartnumeric"` | the version and how to compare it |
//! | installation | `software`, `device` | string | required | which software, where |
//! | | `user` | string | none | who uses it (named-user metrics) |
//! | | `last_used` | date | none | last use seen (informative) |
//! | usage peak | `software`, `peak` | string, integer | required | peak concurrent users of that software's product |
//! | | `org` | string | none | the organisation unit the peak was measured in |
//! | entitlement | `id` | string | required | unique id ([`EntId`]) |
//! | | `scope` | [`ProductScope`] | required | which software it covers |
//! | | `metric` | see [`Metric`] | required | the unit the quantity counts |
//! | | `quantity` | integer | 0 | units bought |
//! | | `unlimited` | bool | false | no limit on units (site / unlimited agreements) |
//! | | `start`, `end` | date | none | validity (inclusive); none = open |
//! | | `rights` | [`Rights`] | all false | downgrade, upgrade, secondary use, exempt environments |
//! | | `pinned` | list of `{"device": id}` / `{"user": id}` | empty | allocations: these consumers use this entitlement only |
//! | | `org` | string | none | only consumers in this organisation unit (or below it) may consume |
//! | | `unit_cost` | decimal string | none | price of one unit |
//! | | `priority` | integer | none | manual order: lower first, before unordered ones |
//! | | `true_up` | bool | false | consumption beyond the quantity is allowed and reported as true-up |
//!
//! A [`ProductScope`] is `{"tag_id", "publisher", "product", "edition", "versions",
//! "version_scheme"}`; every part is optional, a missing part matches anything, and
//! `versions` is interval notation (`"*"`, `"[12,19]"`, `"(,3)"`, `"=2019"`; see
//! [`VersionRange`]).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Decimal;
use crate::id::{AssetId, EntId, TagId};
use crate::version::{VersionRange, VersionScheme};

/// Everything a reconciliation needs to know about an organisation's software use and rights.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estate {
    /// Physical servers, workstations and virtual machines.
    #[serde(default)]
    pub devices: Vec<Device>,
    /// People who may hold named-user rights.
    #[serde(default)]
    pub users: Vec<User>,
    /// The software identities referred to by installations and peaks.
    #[serde(default)]
    pub software: Vec<Software>,
    /// Which software is installed on which device, and used by whom.
    #[serde(default)]
    pub installations: Vec<Installation>,
    /// Measured peaks of concurrent use, for concurrent-user metrics.
    #[serde(default)]
    pub usage_peaks: Vec<UsagePeak>,
    /// The rights held.
    #[serde(default)]
    pub entitlements: Vec<Entitlement>,
}

/// Whether a device is a physical machine or a virtual one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A physical machine: its sockets and cores are real.
    #[default]
    Physical,
    /// A virtual machine: its cores are virtual cores, and it runs on a physical `host`.
    Virtual,
}

/// What a device is used for. Licence rights often exempt some of these (Flexera's device
/// roles: backup, cold standby / DR, development, test and training).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `production`: consumes licences.
    #[default]
    Production,
    /// `test`.
    Test,
    /// `development`.
    Development,
    /// `training`.
    Training,
    /// `disaster_recovery`: a cold standby.
    DisasterRecovery,
    /// `backup`: a backup or archive system.
    Backup,
    /// Any other label, kept as written.
    Other(String),
}

impl Environment {
    /// The name used in JSON.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Production => "production",
            Self::Test => "test",
            Self::Development => "development",
            Self::Training => "training",
            Self::DisasterRecovery => "disaster_recovery",
            Self::Backup => "backup",
            Self::Other(s) => s,
        }
    }
}

impl FromStr for Environment {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "production" => Self::Production,
            "test" => Self::Test,
            "development" => Self::Development,
            "training" => Self::Training,
            "disaster_recovery" => Self::DisasterRecovery,
            "backup" => Self::Backup,
            other => Self::Other(other.to_owned()),
        })
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A physical machine or a virtual machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// Unique id.
    pub id: AssetId,
    /// Physical or virtual.
    #[serde(default)]
    pub kind: DeviceKind,
    /// For a VM: the physical host it runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<AssetId>,
    /// For a physical host: the cluster it belongs to. A VM's cluster is its host's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// Populated processor sockets (physical machines).
    #[serde(default = "one")]
    pub sockets: u32,
    /// Physical cores in total (physical) or virtual cores (VM).
    #[serde(default = "one")]
    pub cores: u32,
    /// Hardware threads; informative, no metric counts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<u32>,
    /// Processor model, looked up in the policy's core-factor and PVU tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor: Option<String>,
    /// Oracle core factor; overrides the policy's table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_factor: Option<Decimal>,
    /// IBM processor value units per core; overrides the policy's table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pvu_per_core: Option<u32>,
    /// An authorised public-cloud instance (Oracle counts 4 vCPUs as one socket).
    #[serde(default, skip_serializing_if = "is_false")]
    pub cloud: bool,
    /// What the device is used for.
    #[serde(default, with = "text")]
    pub environment: Environment,
    /// Organisation unit, a `/`-separated path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

impl Device {
    /// A physical device with one socket and one core in production.
    pub fn physical(id: impl Into<AssetId>) -> Self {
        Self {
            id: id.into(),
            kind: DeviceKind::Physical,
            host: None,
            cluster: None,
            sockets: 1,
            cores: 1,
            threads: None,
            processor: None,
            core_factor: None,
            pvu_per_core: None,
            cloud: false,
            environment: Environment::Production,
            org: None,
        }
    }

    /// A virtual machine on `host` with one virtual core.
    pub fn virtual_on(id: impl Into<AssetId>, host: impl Into<AssetId>) -> Self {
        Self {
            kind: DeviceKind::Virtual,
            host: Some(host.into()),
            ..Self::physical(id)
        }
    }
}

/// A person who can hold named-user rights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Unique id (a login, an e-mail address).
    pub id: String,
    /// Organisation unit, a `/`-separated path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// A software identity as discovered (a SWID tag's `SoftwareIdentity`, normalised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Software {
    /// The tag id; installations and peaks refer to it.
    pub tag_id: TagId,
    /// Normalised publisher name.
    pub publisher: String,
    /// Normalised product name.
    pub product: String,
    /// Edition, when the product has several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// Version text.
    #[serde(default)]
    pub version: String,
    /// How the version compares.
    #[serde(default)]
    pub version_scheme: VersionScheme,
}

/// One software identity installed on one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Installation {
    /// The [`Software::tag_id`] installed.
    pub software: TagId,
    /// The [`Device::id`] it is installed on.
    pub device: AssetId,
    /// The [`User::id`] using it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Last use seen, when known (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<NaiveDate>,
}

/// The measured peak of concurrent use of a software's product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsagePeak {
    /// A [`Software::tag_id`] of the product measured.
    pub software: TagId,
    /// The highest number of simultaneous users in the period.
    pub peak: u64,
    /// The organisation unit the peak was measured in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// The unit an entitlement's quantity counts, and how consumption is computed.
///
/// The exact rules, parameters and hand-worked numbers are in `itam-reconcile`'s manual;
/// the JSON name of each variant is given in its doc. An open vocabulary: unknown names are
/// kept as [`Metric::Other`] (and the engine rejects their pairs with a reason).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// `installation`: installations, `installs_per_licence` per unit, per device.
    Installation,
    /// `device`: one unit per device running the product.
    Device,
    /// `named_user`: one unit per distinct user.
    NamedUser,
    /// `concurrent_user`: the measured peak of simultaneous users.
    ConcurrentUser,
    /// `core`: cores per device, with per-processor / per-server / per-VM minimums.
    Core,
    /// `processor`: sockets of the physical server.
    Processor,
    /// `oracle_processor`: Oracle Processor, cores × core factor, rounded up.
    OracleProcessor,
    /// `oracle_nup`: Oracle Named User Plus, with the minimum per processor.
    OracleNup,
    /// `oracle_se2`: Oracle Standard Edition 2, per socket on servers of at most 2 sockets.
    OracleSe2,
    /// `ibm_pvu`: IBM PVU at full capacity.
    IbmPvu,
    /// `ibm_pvu_subcapacity`: IBM PVU at sub-capacity, capped at the host's physical cores.
    IbmPvuSubcapacity,
    /// `windows_server_standard`: per core, with stacking for VMs.
    WindowsServerStandard,
    /// `windows_server_datacenter`: per core, unlimited VMs on the licensed host.
    WindowsServerDatacenter,
    /// `sql_server_core`: SQL Server per core (physical, or per VM).
    SqlServerCore,
    /// `sql_server_enterprise_core`: SQL Server Enterprise per core, host or VMs, cheaper layer.
    SqlServerEnterpriseCore,
    /// `red_hat_socket_pair`: Red Hat per socket pair, or per 2 VMs.
    RedHatSocketPair,
    /// `tiered`: cores weighted by tier factors, rounded up once.
    Tiered,
    /// `site`: a site licence; every device in scope is covered.
    Site,
    /// Any other name, kept as written.
    Other(String),
}

impl Metric {
    /// Every known metric, in catalogue order.
    pub const KNOWN: [Self; 18] = [
        Self::Installation,
        Self::Device,
        Self::NamedUser,
        Self::ConcurrentUser,
        Self::Core,
        Self::Processor,
        Self::OracleProcessor,
        Self::OracleNup,
        Self::OracleSe2,
        Self::IbmPvu,
        Self::IbmPvuSubcapacity,
        Self::WindowsServerStandard,
        Self::WindowsServerDatacenter,
        Self::SqlServerCore,
        Self::SqlServerEnterpriseCore,
        Self::RedHatSocketPair,
        Self::Tiered,
        Self::Site,
    ];

    /// The name used in JSON.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Installation => "installation",
            Self::Device => "device",
            Self::NamedUser => "named_user",
            Self::ConcurrentUser => "concurrent_user",
            Self::Core => "core",
            Self::Processor => "processor",
            Self::OracleProcessor => "oracle_processor",
            Self::OracleNup => "oracle_nup",
            Self::OracleSe2 => "oracle_se2",
            Self::IbmPvu => "ibm_pvu",
            Self::IbmPvuSubcapacity => "ibm_pvu_subcapacity",
            Self::WindowsServerStandard => "windows_server_standard",
            Self::WindowsServerDatacenter => "windows_server_datacenter",
            Self::SqlServerCore => "sql_server_core",
            Self::SqlServerEnterpriseCore => "sql_server_enterprise_core",
            Self::RedHatSocketPair => "red_hat_socket_pair",
            Self::Tiered => "tiered",
            Self::Site => "site",
            Self::Other(s) => s,
        }
    }
}

impl FromStr for Metric {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::KNOWN
            .iter()
            .find(|m| m.as_str() == s)
            .cloned()
            .unwrap_or_else(|| Self::Other(s.to_owned())))
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(s.parse().unwrap_or(Self::Other(s)))
    }
}

impl Serialize for Environment {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Environment {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(s.parse().unwrap_or(Self::Other(s)))
    }
}

/// Which software an entitlement covers. Every part is optional; a missing part matches
/// anything. Names compare case-insensitively after trimming.
///
/// JSON: `{"tag_id", "publisher", "product", "edition", "versions", "version_scheme"}` with
/// `versions` in interval notation (`"*"`, `"[12,19]"`, `"(,3)"`, `"=2019"`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "ScopeRepr", into = "ScopeRepr")]
pub struct ProductScope {
    /// Exactly this software identity.
    pub tag_id: Option<TagId>,
    /// The publisher.
    pub publisher: Option<String>,
    /// The product.
    pub product: Option<String>,
    /// The edition.
    pub edition: Option<String>,
    /// The versions covered (before downgrade and upgrade rights).
    pub versions: VersionRange,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tag_id: Option<TagId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    versions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version_scheme: Option<VersionScheme>,
}

impl TryFrom<ScopeRepr> for ProductScope {
    type Error = String;
    fn try_from(r: ScopeRepr) -> Result<Self, Self::Error> {
        let scheme = r.version_scheme.unwrap_or_default();
        let versions = match r.versions {
            None => VersionRange::any(scheme),
            Some(text) => text
                .parse::<VersionRange>()
                .map_err(|e| format!("scope.versions {text:?}: {e}"))?
                .with_scheme(scheme),
        };
        Ok(Self {
            tag_id: r.tag_id,
            publisher: r.publisher,
            product: r.product,
            edition: r.edition,
            versions,
        })
    }
}

impl From<ProductScope> for ScopeRepr {
    fn from(s: ProductScope) -> Self {
        let scheme = s.versions.scheme.clone();
        Self {
            tag_id: s.tag_id,
            publisher: s.publisher,
            product: s.product,
            edition: s.edition,
            versions: (!s.versions.is_any()).then(|| s.versions.to_string()),
            version_scheme: (scheme != VersionScheme::default()).then_some(scheme),
        }
    }
}

/// The use rights an entitlement grants beyond its plain scope.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rights {
    /// Covers versions below the scope's range (downgrade right).
    #[serde(default, skip_serializing_if = "is_false")]
    pub downgrade: bool,
    /// Covers versions above the scope's range (upgrade right, e.g. under maintenance).
    #[serde(default, skip_serializing_if = "is_false")]
    pub upgrade: bool,
    /// Secondary use: disaster-recovery and backup devices are exempt.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secondary_use: bool,
    /// Devices in these environments are exempt (covered without consuming).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exempt_environments: Vec<Environment>,
}

impl Rights {
    /// Whether a device in `env` is exempt under these rights.
    #[must_use]
    pub fn exempts(&self, env: &Environment) -> bool {
        (self.secondary_use && matches!(env, Environment::DisasterRecovery | Environment::Backup))
            || self.exempt_environments.contains(env)
    }
}

/// An allocation: this consumer uses the entitlement, and only it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pin {
    /// A device (or physical host, or VM) by [`Device::id`].
    Device(AssetId),
    /// A user by [`User::id`].
    User(String),
}

/// A right to use software: how much of which product, under which metric, when and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entitlement {
    /// Unique id.
    pub id: EntId,
    /// Which software it covers.
    pub scope: ProductScope,
    /// The unit its quantity counts.
    pub metric: Metric,
    /// Units bought.
    #[serde(default)]
    pub quantity: u64,
    /// No limit on units.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlimited: bool,
    /// First day of validity (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// Last day of validity (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Downgrade, upgrade, secondary use, exemptions.
    #[serde(default)]
    pub rights: Rights,
    /// Allocations: consumers that use this entitlement and only it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pinned: Vec<Pin>,
    /// Only consumers in this organisation unit or below it may consume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// Price of one unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_cost: Option<Decimal>,
    /// Manual order: lower first, before entitlements without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Consumption beyond the quantity is allowed and reported as true-up.
    #[serde(default, skip_serializing_if = "is_false")]
    pub true_up: bool,
}

impl Entitlement {
    /// An entitlement with the given id, scope, metric and quantity, and nothing else.
    pub fn new(id: impl Into<EntId>, scope: ProductScope, metric: Metric, quantity: u64) -> Self {
        Self {
            id: id.into(),
            scope,
            metric,
            quantity,
            unlimited: false,
            start: None,
            end: None,
            rights: Rights::default(),
            pinned: Vec::new(),
            org: None,
            unit_cost: None,
            priority: None,
            true_up: false,
        }
    }
}

/// Whether organisation unit `inner` is `outer` or lies below it (`emea/fr` is in `emea`).
#[must_use]
pub fn org_within(inner: &str, outer: &str) -> bool {
    inner == outer
        || (inner.len() > outer.len()
            && inner.starts_with(outer)
            && inner.as_bytes().get(outer.len()) == Some(&b'/'))
}

fn one() -> u32 {
    1
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Environment as its plain name.
mod text {
    use super::Environment;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(e: &Environment, s: S) -> Result<S::Ok, S::Error> {
        e.serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Environment, D::Error> {
        Environment::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "devices": [
        {"id": "esx-1", "kind": "physical", "cluster": "prod-a", "sockets": 2, "cores": 32,
         "processor": "Intel Xeon Gold 6338", "environment": "production", "org": "emea/fr"},
        {"id": "vm-1", "kind": "virtual", "host": "esx-1", "cores": 4, "environment": "disaster_recovery"}
      ],
      "users": [{"id": "alice", "org": "emea/fr"}],
      "software": [
        {"tag_id": "oracle-db-19", "publisher": "Oracle", "product": "Database",
         "edition": "Enterprise", "version": "19.3"}
      ],
      "installations": [{"software": "oracle-db-19", "device": "vm-1", "user": "alice",
                         "last_used": "2026-01-02"}],
      "usage_peaks": [{"software": "oracle-db-19", "peak": 12}],
      "entitlements": [
        {"id": "E-1", "scope": {"publisher": "Oracle", "product": "Database",
         "versions": "[12,)"}, "metric": "oracle_processor", "quantity": 16,
         "end": "2027-12-31", "unit_cost": "47500", "rights": {"downgrade": true},
         "pinned": [{"device": "esx-1"}, {"user": "alice"}]}
      ]
    }"#;

    #[test]
    fn sample_reads_with_documented_defaults() {
        let e: Estate = serde_json::from_str(SAMPLE).unwrap();
        assert_eq!(e.devices.len(), 2);
        let vm = &e.devices[1];
        assert_eq!(vm.kind, DeviceKind::Virtual);
        assert_eq!(vm.host.as_ref().unwrap().as_str(), "esx-1");
        assert_eq!(vm.sockets, 1);
        assert_eq!(vm.environment, Environment::DisasterRecovery);
        assert_eq!(e.devices[0].environment, Environment::Production);
        let ent = &e.entitlements[0];
        assert_eq!(ent.metric, Metric::OracleProcessor);
        assert_eq!(ent.unit_cost, Some(Decimal::new(47500, 0)));
        assert!(ent.scope.versions.contains("19.3"));
        assert!(!ent.scope.versions.contains("11.2"));
        assert!(ent.rights.downgrade && !ent.rights.upgrade);
        assert_eq!(
            ent.pinned,
            vec![
                Pin::Device(AssetId::new("esx-1")),
                Pin::User("alice".into())
            ]
        );
        assert_eq!(ent.end, NaiveDate::from_ymd_opt(2027, 12, 31));
        assert_eq!(
            e.installations[0].last_used,
            NaiveDate::from_ymd_opt(2026, 1, 2)
        );
    }

    #[test]
    fn json_round_trip_is_stable() {
        let e: Estate = serde_json::from_str(SAMPLE).unwrap();
        let text = serde_json::to_string(&e).unwrap();
        let back: Estate = serde_json::from_str(&text).unwrap();
        assert_eq!(back, e);
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }

    #[test]
    fn json_shape_of_an_entitlement() {
        let mut ent = Entitlement::new(
            "E-2",
            ProductScope {
                product: Some("Windows Server".into()),
                versions: "[2019,2022]".parse().unwrap(),
                ..ProductScope::default()
            },
            Metric::WindowsServerStandard,
            16,
        );
        ent.true_up = true;
        ent.rights.exempt_environments = vec![Environment::Test];
        let v = serde_json::to_value(&ent).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "id": "E-2",
                "scope": {"product": "Windows Server", "versions": "[2019,2022]"},
                "metric": "windows_server_standard",
                "quantity": 16,
                "rights": {"exempt_environments": ["test"]},
                "true_up": true
            })
        );
    }

    #[test]
    fn unknown_fields_and_bad_ranges_are_refused() {
        let bad = r#"{"devices": [{"id": "a", "sokets": 2}]}"#;
        assert!(serde_json::from_str::<Estate>(bad).is_err());
        let bad =
            r#"{"entitlements": [{"id": "e", "scope": {"versions": "[1,"}, "metric": "device"}]}"#;
        let err = serde_json::from_str::<Estate>(bad).unwrap_err().to_string();
        assert!(err.contains("scope.versions"), "{err}");
    }

    #[test]
    fn open_vocabularies_keep_unknown_names() {
        assert_eq!(
            "vmware_core".parse::<Metric>().unwrap(),
            Metric::Other("vmware_core".into())
        );
        for m in Metric::KNOWN {
            assert_eq!(m.as_str().parse::<Metric>().unwrap(), m);
        }
        let e: Environment = "staging".parse().unwrap();
        assert_eq!(e.as_str(), "staging");
        assert_eq!(
            serde_json::to_string(&Environment::DisasterRecovery).unwrap(),
            "\"disaster_recovery\""
        );
    }

    #[test]
    fn scheme_applies_to_the_range() {
        let s: ProductScope =
            serde_json::from_str(r#"{"versions": "[1.0.0,2.0.0)", "version_scheme": "semver"}"#)
                .unwrap();
        assert_eq!(s.versions.scheme, VersionScheme::Semver);
        assert!(!s.versions.contains("2.0.0"));
        assert!(s.versions.contains("2.0.0-rc.1"));
    }

    #[test]
    fn rights_and_orgs() {
        let r = Rights {
            secondary_use: true,
            ..Rights::default()
        };
        assert!(r.exempts(&Environment::Backup));
        assert!(!r.exempts(&Environment::Test));
        assert!(org_within("emea/fr", "emea"));
        assert!(org_within("emea", "emea"));
        assert!(!org_within("emeax", "emea"));
        assert!(!org_within("emea", "emea/fr"));
    }
}
