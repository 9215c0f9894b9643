//! The reconciliation inputs: devices, users, installations, usage and entitlements.
//!
//! An [`Estate`] is everything a reconciliation engine needs to know about an organisation's
//! software use and rights, in one value: the hardware it runs on ([`Device`]), the people who
//! use it ([`User`]), the software identities found ([`Software`]), where they are installed
//! ([`Installation`]), measured peaks of concurrent use ([`UsagePeak`]), capacity observed
//! during the reporting period ([`CapacitySample`]) and the rights bought
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
//!   "capacity_samples": [{"at": "2026-11-03", "device": "vm-1", "cores": 8}],
//!   "entitlements": [
//!     {"id": "E-1", "scope": {"publisher": "Oracle", "product": "Database",
//!      "versions": "[12,)"}, "metric": "oracle_processor", "quantity": 16,
//!      "end": "2027-12-31", "unit_cost": "47500", "currency": "USD",
//!      "rights": {"downgrade": true}}
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
//! | | `memory_gb` | integer or decimal string | none | memory in GB (physical: installed; VM: allocated); `memory` metric |
//! | | `attributes` | object of integers or decimal strings | empty | further numeric facts by name (`{"storage_tb": 12}`) for user-defined metrics |
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
//! | capacity sample | `at`, `device` | date, string | required | a day of the reporting period and the device observed ([`CapacitySample`]) |
//! | | `cores` | integer | the record's | cores that day (virtual cores for a VM) |
//! | | `host` | string | the record's | the physical host a VM ran on that day |
//! | measurement | `software`, `resource`, `value` | string, string, integer or decimal string | required | measured use of a resource by that software's product in the period ([`Measurement`]): `transaction`, `capacity`, or a user-defined name |
//! | | `device`, `org` | string | none | where it was measured (a device's measurement counts on it; else per org unit) |
//! | entitlement | `id` | string | required | unique id ([`EntId`]) |
//! | | `scope` | [`ProductScope`] | required | which software it covers |
//! | | `metric` | see [`Metric`] | required | the unit the quantity counts |
//! | | `quantity` | integer or decimal string | 0 | units bought, exact (`16`, `"2.5"`); a fraction must be a string; only whole units cover consumers |
//! | | `unlimited` | bool | false | no limit on units (site / unlimited agreements) |
//! | | `start`, `end` | date | none | validity (inclusive); none = open |
//! | | `rights` | [`Rights`] | all false | downgrade (with an optional `downgrade_depth`: `{"previous_majors": 2}`, `{"down_to": "8"}`; see [`DowngradeDepth`]), upgrade, secondary use, exempt environments |
//! | | `pinned` | list of `{"device": id}` / `{"user": id}` | empty | allocations: these consumers use this entitlement only |
//! | | `org` | string | none | only consumers in this organisation unit (or below it) may consume |
//! | | `unit_cost` | decimal string | none | price of one unit, zero or more (itam-reconcile refuses a negative one, `ReconcileError::NegativeCost`, and a cost that reaches the largest decimal, `ReconcileError::CostOverflow`) |
//! | | `currency` | string | none | ISO 4217 code of `unit_cost` (`"EUR"`); amounts in different currencies are never added |
//! | | `priority` | integer | none | manual order: lower first, before unordered ones |
//! | | `true_up` | bool | false | consumption beyond the quantity is allowed and reported as true-up |
//!
//! A [`ProductScope`] is `{"tag_id", "publisher", "product", "edition", "versions",
//! "version_scheme"}`; every part is optional and a missing part matches anything.
//!
//! | scope field | type | default | meaning |
//! |---|---|---|---|
//! | `publisher`, `product`, `edition` | string | any | names, compared case-insensitively |
//! | `tag_id` | string | any | only this software identity (for every span without its own) |
//! | `versions` | range string, or list | every version | one range in interval notation (`"*"`, `"[12,19]"`, `"(,3)"`, `"=2019"`; see [`VersionRange`]), or a list of spans — their union — each a range string or `{"tag_id", "versions", "version_scheme"}` |
//! | `version_scheme` | string | `"multipartnumeric"` | how versions compare (for every span without its own) |
//!
//! `"versions": ["[1,2]", {"tag_id": "acme-office-4", "versions": "[4,5)"}]` covers versions
//! 1 to 2 of any identity the names match, and 4 up to 5 of `acme-office-4` only. Downgrade
//! and upgrade rights over such a set are defined in [`VersionSet`] and [`Rights::covers`];
//! how far back a downgrade right reaches, in [`DowngradeDepth`] and [`Rights::coverage`].

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Decimal;
use crate::finance::Currency;
use crate::id::{AssetId, EntId, TagId};
pub use crate::terms::Terms;
use crate::version::{Bound, VersionRange, VersionScheme};

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
    /// Dated observations of a device's cores and (for a VM) host during the reporting
    /// period, for metrics counted at the period's peak (IBM sub-capacity).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_samples: Vec<CapacitySample>,
    /// Measured use of a resource by a software's product in the reporting period
    /// (transactions, capacity), for the metrics that count measurements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measurements: Vec<Measurement>,
    /// The rights held.
    #[serde(default)]
    pub entitlements: Vec<Entitlement>,
}

/// Where a VM may run, for the metrics that license hosts (Windows Server, SQL Server
/// Enterprise on the host, Oracle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// It stays on its host (no live migration, or a rule that keeps it there). Oracle's soft
    /// partitioning does not recognise such rules: under it the VM still counts its cluster.
    Fixed,
    /// It may run on any host of its host's cluster (DRS, live migration): every host of the
    /// cluster needs coverage for it, unless the licence follows the VM (licence mobility).
    Cluster,
    /// An Oracle-approved hard partition: it stays on its host, and its own cores are the
    /// capacity Oracle Processor and NUP count.
    HardPartition,
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
    /// A VM's placement: whether it may move between the hosts of its host's cluster, or is
    /// a hard partition; none = the metric's assumption (see [`Placement`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// What the device is used for.
    #[serde(default, with = "text")]
    pub environment: Environment,
    /// Organisation unit, a `/`-separated path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// Memory in GB (physical: installed; VM: allocated), for the `memory` metric and the
    /// `memory_gb` resource of user-defined metrics.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "quantity::option"
    )]
    pub memory_gb: Option<Decimal>,
    /// Further numeric facts by name (`{"storage_tb": 12}`), for user-defined metrics
    /// (resource `attribute:NAME`; see [`MetricDefinition`](crate::terms::MetricDefinition)).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "quantity::map"
    )]
    pub attributes: BTreeMap<String, Decimal>,
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
            placement: None,
            environment: Environment::Production,
            org: None,
            memory_gb: None,
            attributes: BTreeMap::new(),
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

/// A measured use of one resource by a software's product in the reporting period: the
/// transactions it processed, the capacity it manages (terabytes protected by a backup
/// product), or any resource a user-defined metric names (`measured:NAME`).
///
/// The metrics `transaction` and `capacity` count the resources of those names. A
/// measurement naming a device counts on that device; one without counts for its
/// organisation unit (the estate when none), as concurrent-use peaks do. Values add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// The [`Software::tag_id`] measured (its product is what is counted).
    pub software: TagId,
    /// What was measured: `transaction`, `capacity`, or a user-defined resource name.
    pub resource: String,
    /// How much, in the resource's unit (a whole number or a decimal string).
    #[serde(with = "quantity")]
    pub value: Decimal,
    /// The device it was measured on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<AssetId>,
    /// The organisation unit it was measured in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
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

/// A device's capacity as observed on one day of the reporting period: its cores and, for a
/// VM, the host it ran on (a VM moved by live migration has one sample per host it ran on,
/// on the days it did).
///
/// The [`Device`] record is the state on the policy's as-of day; a sample is the device's
/// whole state from its day until its next sample (or the as-of day): a field it leaves out
/// is the record's, not an earlier sample's. Metrics counted at the
/// period's peak (IBM sub-capacity PVU) take the highest total the product reached on any
/// sampled day, as IBM's License Metric Tool reports it. At most one sample per device and
/// day: pre-aggregate a day's scans to its highest capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacitySample {
    /// The day observed.
    pub at: NaiveDate,
    /// The [`Device::id`] observed.
    pub device: AssetId,
    /// Physical cores (physical) or virtual cores (VM) that day; none = as in the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cores: Option<u32>,
    /// For a VM: the physical host it ran on that day; none = as in the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<AssetId>,
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
    /// `memory`: GB of memory of each device running the product, rounded up.
    Memory,
    /// `node`: one unit per node (operating-system instance, physical or virtual) running the
    /// product.
    Node,
    /// `capacity`: the measured `capacity` resource (terabytes protected, managed capacity),
    /// per device, else per organisation unit; rounded up.
    Capacity,
    /// `transaction`: the measured `transaction` resource, per device, else per organisation
    /// unit; rounded up.
    Transaction,
    /// `enterprise`: one unit for the whole estate (an enterprise-wide licence).
    Enterprise,
    /// Any other name, kept as written: a user-defined metric when a
    /// [`MetricDefinition`](crate::terms::MetricDefinition) says how it counts (the
    /// entitlement's `definition` term, or the policy's definitions), else refused.
    Other(String),
}

impl Metric {
    /// Every known metric, in catalogue order.
    pub const KNOWN: [Self; 23] = [
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
        Self::Memory,
        Self::Node,
        Self::Capacity,
        Self::Transaction,
        Self::Enterprise,
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
            Self::Memory => "memory",
            Self::Node => "node",
            Self::Capacity => "capacity",
            Self::Transaction => "transaction",
            Self::Enterprise => "enterprise",
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
/// The versions are a [`VersionSet`]: a union of ranges, each optionally limited to one
/// software identity (tag id), so an Ent right with several `ValidVersion` elements projects
/// exactly.
///
/// JSON: `{"tag_id", "publisher", "product", "edition", "versions", "version_scheme"}`.
/// `versions` is either one range in interval notation (`"*"`, `"[12,19]"`, `"(,3)"`,
/// `"=2019"`), read together with the top-level `tag_id`, or a list whose entries are a range
/// (`"[1,2]"`) or an object `{"tag_id", "versions", "version_scheme"}` (every field optional;
/// `versions` missing = every version). The top-level `version_scheme` applies to every entry
/// without its own, the top-level `tag_id` to every entry without its own. A scope with one
/// span is written in the single form, so files written before the list form existed read and
/// write unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "ScopeRepr", into = "ScopeRepr")]
pub struct ProductScope {
    /// The publisher.
    pub publisher: Option<String>,
    /// The product.
    pub product: Option<String>,
    /// The edition.
    pub edition: Option<String>,
    /// The versions (and software identities) covered, before downgrade and upgrade rights.
    pub versions: VersionSet,
}

impl ProductScope {
    /// Whether the publisher, product and edition named by the scope are those of `sw`
    /// (a part the scope leaves out matches anything).
    #[must_use]
    pub fn names_match(&self, sw: &Software) -> bool {
        fn same(a: &str, b: &str) -> bool {
            a.trim().to_lowercase() == b.trim().to_lowercase()
        }
        self.publisher
            .as_deref()
            .is_none_or(|p| same(p, &sw.publisher))
            && self.product.as_deref().is_none_or(|p| same(p, &sw.product))
            && self
                .edition
                .as_deref()
                .is_none_or(|e| sw.edition.as_deref().is_some_and(|x| same(e, x)))
    }

    /// Whether the scope, under `rights` (downgrade with its depth, upgrade), covers `sw`: its
    /// names match and [`Rights::coverage`] covers its version.
    #[must_use]
    pub fn matches(&self, sw: &Software, rights: &Rights) -> bool {
        self.names_match(sw)
            && rights
                .coverage(&self.versions, &sw.tag_id, &sw.version)
                .is_covered()
    }
}

/// One part of a [`VersionSet`]: a version range, optionally of one software identity only
/// (an ISO/IEC 19770-3 `ValidVersion`: its `tagId`, range and scheme).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionSpan {
    /// Only software with this tag id; none = any software the scope's names match.
    pub tag_id: Option<TagId>,
    /// The versions, compared by the range's scheme.
    pub range: VersionRange,
}

impl VersionSpan {
    /// A span of `range` for any software identity.
    #[must_use]
    pub fn range(range: VersionRange) -> Self {
        Self {
            tag_id: None,
            range,
        }
    }

    /// A span of `range` for the software identity `tag_id` only.
    pub fn tagged(tag_id: impl Into<TagId>, range: VersionRange) -> Self {
        Self {
            tag_id: Some(tag_id.into()),
            range,
        }
    }

    /// Whether the span applies to software with this tag id.
    #[must_use]
    pub fn applies_to(&self, tag: &TagId) -> bool {
        self.tag_id.as_ref().is_none_or(|t| t == tag)
    }
}

/// Where a software's version lies relative to a [`VersionSet`].
///
/// Only the spans that apply to the software's tag id count ([`VersionSpan::applies_to`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VersionPlace {
    /// In one of the spans.
    Inside,
    /// Below every span (under the lowest lower bound).
    Below,
    /// In a gap: above at least one span and below at least one other.
    Between,
    /// Above every span (over the highest upper bound).
    Above,
    /// No span applies: every span names another tag id.
    OtherIdentity,
}

/// The versions a [`ProductScope`] covers: a union of [`VersionSpan`]s, never empty.
///
/// Downgrade and upgrade rights over a set (see [`Rights::covers`]): a **downgrade** right
/// covers every version below the highest upper bound of the spans that apply (a version in
/// a gap lies below a later span, so downgrading from it covers the gap); an **upgrade** right
/// covers every version above the lowest lower bound. With one span this is the classic
/// meaning: downgrade covers below the range, upgrade above it.
///
/// [`VersionSet::default`] is every version of any identity, by the default scheme. It parses
/// from one range (`"[12,19]".parse::<VersionSet>()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSet {
    spans: Vec<VersionSpan>,
}

impl Default for VersionSet {
    fn default() -> Self {
        Self::any(VersionScheme::default())
    }
}

impl From<VersionRange> for VersionSet {
    fn from(range: VersionRange) -> Self {
        Self {
            spans: vec![VersionSpan::range(range)],
        }
    }
}

impl From<VersionSpan> for VersionSet {
    fn from(span: VersionSpan) -> Self {
        Self { spans: vec![span] }
    }
}

impl FromStr for VersionSet {
    type Err = crate::version::RangeParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse::<VersionRange>().map(Self::from)
    }
}

impl VersionSet {
    /// Every version of any identity, compared by `scheme`.
    #[must_use]
    pub fn any(scheme: VersionScheme) -> Self {
        Self::from(VersionRange::any(scheme))
    }

    /// The union of `spans`; none when `spans` is empty (a scope covering no version is
    /// refused rather than silently meaning "every version").
    #[must_use]
    pub fn new(spans: Vec<VersionSpan>) -> Option<Self> {
        (!spans.is_empty()).then_some(Self { spans })
    }

    /// The spans, in the order given.
    #[must_use]
    pub fn spans(&self) -> &[VersionSpan] {
        &self.spans
    }

    /// Adds a span to the union.
    pub fn push(&mut self, span: VersionSpan) {
        self.spans.push(span);
    }

    /// Whether the set is one span covering every version of any identity.
    #[must_use]
    pub fn is_any(&self) -> bool {
        matches!(self.spans.as_slice(), [s] if s.tag_id.is_none() && s.range.is_any())
    }

    /// When every span names a tag id: those tag ids (sorted, without repeats). None when a
    /// span applies to any identity.
    #[must_use]
    pub fn tag_ids(&self) -> Option<Vec<&TagId>> {
        let mut tags: Vec<&TagId> = self
            .spans
            .iter()
            .map(|s| s.tag_id.as_ref())
            .collect::<Option<_>>()?;
        tags.sort_unstable();
        tags.dedup();
        Some(tags)
    }

    /// Whether every span has a lower bound (the set starts somewhere).
    #[must_use]
    pub fn lower_bounded(&self) -> bool {
        self.spans.iter().all(|s| s.range.lower != Bound::Unbounded)
    }

    /// Whether every span has an upper bound (the set ends somewhere).
    #[must_use]
    pub fn upper_bounded(&self) -> bool {
        self.spans.iter().all(|s| s.range.upper != Bound::Unbounded)
    }

    /// Where `version` of the software identity `tag` lies in the set.
    #[must_use]
    pub fn place(&self, tag: &TagId, version: &str) -> VersionPlace {
        let mut applies = false;
        let (mut below_some, mut above_some) = (false, false);
        for s in self.spans.iter().filter(|s| s.applies_to(tag)) {
            applies = true;
            let r = &s.range;
            if r.contains(version) {
                return VersionPlace::Inside;
            }
            if r.below_lower(version) {
                below_some = true;
            } else {
                above_some = true;
            }
        }
        match (applies, below_some, above_some) {
            (false, _, _) => VersionPlace::OtherIdentity,
            (true, true, true) => VersionPlace::Between,
            (true, true, false) => VersionPlace::Below,
            (true, false, _) => VersionPlace::Above,
        }
    }

    /// Whether `version` of `tag` lies in one of the spans (no rights applied).
    #[must_use]
    pub fn contains(&self, tag: &TagId, version: &str) -> bool {
        self.place(tag, version) == VersionPlace::Inside
    }
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
    versions: Option<VersionsRepr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version_scheme: Option<VersionScheme>,
}

/// `versions`: one range, or a list of spans.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum VersionsRepr {
    One(String),
    Many(Vec<SpanRepr>),
}

/// One entry of the list form: a range, or an object.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum SpanRepr {
    Range(String),
    Object(SpanObject),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpanObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tag_id: Option<TagId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    versions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version_scheme: Option<VersionScheme>,
}

fn parse_range(
    text: Option<String>,
    scheme: VersionScheme,
    at: &str,
) -> Result<VersionRange, String> {
    match text {
        None => Ok(VersionRange::any(scheme)),
        Some(text) => Ok(text
            .parse::<VersionRange>()
            .map_err(|e| format!("{at} {text:?}: {e}"))?
            .with_scheme(scheme)),
    }
}

impl TryFrom<ScopeRepr> for ProductScope {
    type Error = String;
    fn try_from(r: ScopeRepr) -> Result<Self, Self::Error> {
        let scheme = r.version_scheme.unwrap_or_default();
        let versions = match r.versions {
            None => VersionSet::from(VersionSpan {
                tag_id: r.tag_id,
                range: VersionRange::any(scheme),
            }),
            Some(VersionsRepr::One(text)) => VersionSet::from(VersionSpan {
                tag_id: r.tag_id,
                range: parse_range(Some(text), scheme, "scope.versions")?,
            }),
            Some(VersionsRepr::Many(list)) => {
                let mut spans = Vec::with_capacity(list.len());
                for (i, entry) in list.into_iter().enumerate() {
                    let at = format!("scope.versions[{i}]");
                    spans.push(match entry {
                        SpanRepr::Range(text) => VersionSpan {
                            tag_id: r.tag_id.clone(),
                            range: parse_range(Some(text), scheme.clone(), &at)?,
                        },
                        SpanRepr::Object(o) => VersionSpan {
                            tag_id: o.tag_id.or_else(|| r.tag_id.clone()),
                            range: parse_range(
                                o.versions,
                                o.version_scheme.unwrap_or_else(|| scheme.clone()),
                                &at,
                            )?,
                        },
                    });
                }
                VersionSet::new(spans).ok_or_else(|| {
                    "scope.versions: an empty list covers no version; leave the field out to \
                     cover every version"
                        .to_owned()
                })?
            }
        };
        Ok(Self {
            publisher: r.publisher,
            product: r.product,
            edition: r.edition,
            versions,
        })
    }
}

impl From<ProductScope> for ScopeRepr {
    fn from(s: ProductScope) -> Self {
        let text = |r: &VersionRange| (!r.is_any()).then(|| r.to_string());
        let mut spans = s.versions.spans;
        let (tag_id, versions, scheme) = if spans.len() == 1 {
            let span = spans.pop().unwrap_or_default();
            let v = text(&span.range).map(VersionsRepr::One);
            (span.tag_id, v, span.range.scheme)
        } else {
            // One scheme for the list when all spans share it; else each entry names its own.
            let common = spans
                .first()
                .map(|x| x.range.scheme.clone())
                .filter(|c| spans.iter().all(|x| x.range.scheme == *c))
                .unwrap_or_default();
            let list = spans
                .iter()
                .map(|x| {
                    let own = (x.range.scheme != common).then(|| x.range.scheme.clone());
                    match (&x.tag_id, &own) {
                        (None, None) => SpanRepr::Range(x.range.to_string()),
                        _ => SpanRepr::Object(SpanObject {
                            tag_id: x.tag_id.clone(),
                            versions: text(&x.range),
                            version_scheme: own,
                        }),
                    }
                })
                .collect();
            (None, Some(VersionsRepr::Many(list)), common)
        };
        Self {
            tag_id,
            publisher: s.publisher,
            product: s.product,
            edition: s.edition,
            versions,
            version_scheme: (scheme != VersionScheme::default()).then_some(scheme),
        }
    }
}

/// The use rights an entitlement grants beyond its plain scope.
///
/// JSON: `{"downgrade", "downgrade_depth", "upgrade", "secondary_use", "exempt_environments"}`,
/// every field optional. `downgrade_depth` limits the downgrade right and needs
/// `"downgrade": true` (a depth without the right is refused when read, rather than silently
/// meaning nothing); left out, the downgrade right reaches every older version, as in every
/// estate written before depths existed.
///
/// ```
/// use itam_core::estate::{DowngradeDepth, Rights};
///
/// // "Version 10 and two previous versions".
/// let r: Rights =
///     serde_json::from_str(r#"{"downgrade": true, "downgrade_depth": {"previous_majors": 2}}"#)
///         .unwrap();
/// assert_eq!(r.downgrade_depth, DowngradeDepth::PreviousMajors(2));
/// // Down to a named version, when versions are not numbered by majors (2019, 2016, 2012).
/// let r: Rights =
///     serde_json::from_str(r#"{"downgrade": true, "downgrade_depth": {"down_to": "2012"}}"#)
///         .unwrap();
/// assert_eq!(r.downgrade_depth, DowngradeDepth::DownTo("2012".into()));
/// assert!(serde_json::from_str::<Rights>(r#"{"downgrade_depth": {"previous_majors": 2}}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "RightsRepr")]
pub struct Rights {
    /// Covers versions below the scope's range (downgrade right), as far as
    /// `downgrade_depth` reaches.
    #[serde(default, skip_serializing_if = "is_false")]
    pub downgrade: bool,
    /// How far back the downgrade right reaches; [`DowngradeDepth::Unlimited`] (the default)
    /// is every older version. Without `downgrade` it has no effect.
    #[serde(default, skip_serializing_if = "DowngradeDepth::is_unlimited")]
    pub downgrade_depth: DowngradeDepth,
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

/// The JSON form of [`Rights`], checked before it becomes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RightsRepr {
    #[serde(default)]
    downgrade: bool,
    #[serde(default)]
    downgrade_depth: DowngradeDepth,
    #[serde(default)]
    upgrade: bool,
    #[serde(default)]
    secondary_use: bool,
    #[serde(default)]
    exempt_environments: Vec<Environment>,
}

impl TryFrom<RightsRepr> for Rights {
    type Error = String;
    fn try_from(r: RightsRepr) -> Result<Self, Self::Error> {
        if !r.downgrade && !r.downgrade_depth.is_unlimited() {
            return Err(format!(
                "rights.downgrade_depth ({}) limits a downgrade right, and rights.downgrade is \
                 not true: add \"downgrade\": true, or leave the depth out",
                r.downgrade_depth
            ));
        }
        if let DowngradeDepth::DownTo(v) = &r.downgrade_depth {
            if v.trim().is_empty() {
                return Err(
                    "rights.downgrade_depth.down_to: the version to downgrade to is empty".into(),
                );
            }
        }
        Ok(Self {
            downgrade: r.downgrade,
            downgrade_depth: r.downgrade_depth,
            upgrade: r.upgrade,
            secondary_use: r.secondary_use,
            exempt_environments: r.exempt_environments,
        })
    }
}

/// How far back a downgrade right reaches ([`Rights::downgrade_depth`]).
///
/// The depth is counted from each span of the scope's [`VersionSet`] that the installed
/// version lies below: from the span's lower bound (`10` of `[10,11)` or of `=10`), and
/// compared by the span's scheme.
///
/// JSON: `"unlimited"`, `{"previous_majors": N}` or `{"down_to": "VERSION"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DowngradeDepth {
    /// Every older version: the classic downgrade right, and the default.
    #[default]
    Unlimited,
    /// Versions whose major version ([`VersionScheme::major`]) is at most this many below
    /// the major version of the span's lower bound: 2 from `10` covers `9.x` and `8.x` (and
    /// older `10.x`), not `7.x`. A version (or a lower bound) without a major version is
    /// not reached. For versions that are not numbered by majors (`2012`, `2016`, `2019`),
    /// name the oldest version instead ([`DownTo`](Self::DownTo)).
    PreviousMajors(u32),
    /// Versions down to this one, inclusive (by precedence in the span's scheme): `"8"`
    /// from `10` covers `8`, `8.1` and `9.x`, not `7.9`.
    DownTo(String),
}

impl DowngradeDepth {
    /// Whether the right reaches every older version.
    #[must_use]
    pub fn is_unlimited(&self) -> bool {
        *self == Self::Unlimited
    }

    /// Whether a downgrade right of this depth, counted from `from` (a span's lower bound,
    /// compared by `scheme`), reaches `version`. Only the depth is checked: that `version`
    /// is older than `from` is the caller's to know.
    #[must_use]
    pub fn reaches(&self, scheme: &VersionScheme, from: &str, version: &str) -> bool {
        match self {
            Self::Unlimited => true,
            Self::PreviousMajors(n) => match (scheme.major(from), scheme.major(version)) {
                (Some(f), Some(v)) => v.saturating_add(u64::from(*n)) >= f,
                _ => false,
            },
            Self::DownTo(floor) => scheme.compare(version, floor) != Ordering::Less,
        }
    }
}

impl fmt::Display for DowngradeDepth {
    /// `unlimited`, `2 previous major versions`, `1 previous major version`, `down to 8`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unlimited => f.write_str("unlimited"),
            Self::PreviousMajors(1) => f.write_str("1 previous major version"),
            Self::PreviousMajors(n) => write!(f, "{n} previous major versions"),
            Self::DownTo(v) => write!(f, "down to {v}"),
        }
    }
}

/// How a software version is covered by a [`VersionSet`] under [`Rights`]
/// ([`Rights::coverage`]): in a span, or by which right, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage<'a> {
    /// In one of the spans that apply.
    Inside,
    /// Older than a span (below every span, or in a gap below one), covered by the
    /// downgrade right. `from`: the span the right's depth was counted from, when it has one
    /// (the one with the lowest lower bound among those that reach the version); none for
    /// an unlimited downgrade right.
    Downgrade {
        /// The span the depth was counted from.
        from: Option<&'a VersionSpan>,
    },
    /// Newer than a span (above every span, or in a gap above one), covered by the upgrade
    /// right.
    Upgrade,
    /// Not covered.
    NotCovered {
        /// Where the version lies in the set.
        place: VersionPlace,
        /// When the version is older than a span and a downgrade right with a depth would
        /// cover it but for that depth: the span the depth was counted from (the nearest
        /// above the version, the one with the lowest lower bound).
        beyond_depth: Option<&'a VersionSpan>,
    },
}

impl Coverage<'_> {
    /// Whether the version is covered (inside, or by a right).
    #[must_use]
    pub fn is_covered(&self) -> bool {
        !matches!(self, Self::NotCovered { .. })
    }
}

impl Rights {
    /// Whether a version at `place` in the scope's [`VersionSet`] is covered: inside a span
    /// always; below every span with a downgrade right; above every span with an upgrade
    /// right; in a gap between spans with either (it lies below the highest upper bound and
    /// above the lowest lower bound); another identity never.
    ///
    /// The place alone does not tell how old a version is, so this is the downgrade right
    /// at its widest reach, without [`downgrade_depth`](Self::downgrade_depth); with an
    /// unlimited depth (the default) it is exactly [`coverage`](Self::coverage)`.is_covered()`.
    #[must_use]
    pub fn covers(&self, place: VersionPlace) -> bool {
        match place {
            VersionPlace::Inside => true,
            VersionPlace::Below => self.downgrade,
            VersionPlace::Above => self.upgrade,
            VersionPlace::Between => self.downgrade || self.upgrade,
            VersionPlace::OtherIdentity => false,
        }
    }

    /// How `version` of the software identity `tag` is covered by `set` under these rights,
    /// the downgrade depth applied: inside a span; by the downgrade right when the version
    /// lies below a span that applies and the depth, counted from that span's lower bound,
    /// reaches it; else by the upgrade right when it lies above a span; else not covered. A
    /// downgrade right never covers more with a depth than without one, so what this covers
    /// [`covers`](Self::covers) covers too.
    #[must_use]
    pub fn coverage<'s>(&self, set: &'s VersionSet, tag: &TagId, version: &str) -> Coverage<'s> {
        let place = set.place(tag, version);
        let older = matches!(place, VersionPlace::Below | VersionPlace::Between);
        if older && self.downgrade {
            if self.downgrade_depth.is_unlimited() {
                return Coverage::Downgrade { from: None };
            }
            // The spans the version is older than: the nearest of them, and the nearest
            // whose depth reaches the version.
            let (mut nearest, mut reaching): (Option<&VersionSpan>, Option<&VersionSpan>) =
                (None, None);
            let lower_than = |a: &VersionSpan, b: Option<&VersionSpan>| match (
                a.range.lower.value(),
                b.and_then(|b| b.range.lower.value()),
            ) {
                (Some(x), Some(y)) => a.range.scheme.compare(x, y) == Ordering::Less,
                (Some(_), None) => true,
                (None, _) => false,
            };
            for s in set.spans().iter().filter(|s| s.applies_to(tag)) {
                let Some(from) = s.range.lower.value() else {
                    continue;
                };
                if !s.range.below_lower(version) {
                    continue;
                }
                if lower_than(s, nearest) {
                    nearest = Some(s);
                }
                if self.downgrade_depth.reaches(&s.range.scheme, from, version)
                    && lower_than(s, reaching)
                {
                    reaching = Some(s);
                }
            }
            if let Some(from) = reaching {
                return Coverage::Downgrade { from: Some(from) };
            }
            if place == VersionPlace::Between && self.upgrade {
                return Coverage::Upgrade;
            }
            return Coverage::NotCovered {
                place,
                beyond_depth: nearest,
            };
        }
        match place {
            VersionPlace::Inside => Coverage::Inside,
            VersionPlace::Above | VersionPlace::Between if self.upgrade => Coverage::Upgrade,
            _ => Coverage::NotCovered {
                place,
                beyond_depth: None,
            },
        }
    }

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
    /// Units bought, exact and non-negative. Consumers need whole units, so only
    /// [`whole_units`](Self::whole_units) can cover them; the fraction stays visible.
    #[serde(default, with = "quantity")]
    pub quantity: Decimal,
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
    /// The currency of `unit_cost` (ISO 4217 code); none = not stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Manual order: lower first, before entitlements without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Consumption beyond the quantity is allowed and reported as true-up.
    #[serde(default, skip_serializing_if = "is_false")]
    pub true_up: bool,
    /// The contract's terms for counting the metric (installations per licence, tiers,
    /// minimums, aggregation and rounding scopes); an unset term is the policy's.
    #[serde(default, skip_serializing_if = "Terms::is_empty")]
    pub terms: Terms,
}

impl Entitlement {
    /// An entitlement with the given id, scope, metric and quantity, and nothing else.
    pub fn new(
        id: impl Into<EntId>,
        scope: ProductScope,
        metric: Metric,
        quantity: impl Into<Decimal>,
    ) -> Self {
        Self {
            id: id.into(),
            scope,
            metric,
            quantity: quantity.into(),
            unlimited: false,
            start: None,
            end: None,
            rights: Rights::default(),
            pinned: Vec::new(),
            org: None,
            unit_cost: None,
            currency: None,
            priority: None,
            true_up: false,
            terms: Terms::default(),
        }
    }
}

impl Entitlement {
    /// The whole units the quantity holds (rounded down; 0 when negative, `u64::MAX` beyond
    /// it): what can cover consumers, since every metric counts whole units.
    #[must_use]
    pub fn whole_units(&self) -> u64 {
        whole_units(self.quantity)
    }

    /// The part of the quantity that is not a whole unit (`0.5` of `2.5`); zero for a whole
    /// quantity. No consumer can use it.
    #[must_use]
    pub fn fraction(&self) -> Decimal {
        if self.quantity <= Decimal::ZERO {
            Decimal::ZERO
        } else {
            self.quantity.fract()
        }
    }
}

/// The whole units in `q`: rounded down, 0 when negative, `u64::MAX` beyond it.
#[must_use]
pub fn whole_units(q: Decimal) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    if q <= Decimal::ZERO {
        0
    } else {
        q.trunc().to_u64().unwrap_or(u64::MAX)
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

/// A quantity: a JSON number when whole (as every estate written before exact quantities),
/// else a string (`"2.5"`). Reads a whole number or a decimal string, never a JSON number with
/// a fraction (it would have passed through binary floating point); refuses negatives.
mod quantity {
    use std::fmt;

    use rust_decimal::prelude::ToPrimitive;
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    use crate::Decimal;

    pub(super) fn serialize<S: Serializer>(q: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        match q.is_integer().then(|| q.to_u64()).flatten() {
            Some(n) if q.scale() == 0 => s.serialize_u64(n),
            _ => s.serialize_str(&q.to_string()),
        }
    }

    struct Quantity;

    impl Visitor<'_> for Quantity {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative whole number or a decimal string such as \"2.5\"")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            if v < 0 {
                Err(E::custom(format!("quantity {v} is negative")))
            } else {
                Ok(Decimal::from(v))
            }
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            Err(E::custom(format!(
                "quantity {v}: write a quantity that is not a whole number within 0..2^64 as a \
                 string (\"2.5\"), so it is read exactly"
            )))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            let q = Decimal::from_str_exact(v.trim())
                .map_err(|e| E::custom(format!("quantity {v:?}: {e}")))?;
            if q.is_sign_negative() && !q.is_zero() {
                return Err(E::custom(format!("quantity {v:?} is negative")));
            }
            Ok(q)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(Quantity)
    }

    /// One quantity, for a container of them.
    struct Q(Decimal);

    impl serde::Serialize for Q {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(&self.0, s)
        }
    }

    impl<'de> serde::Deserialize<'de> for Q {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Quantity).map(Q)
        }
    }

    /// An optional quantity.
    pub(super) mod option {
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        use super::Q;
        use crate::Decimal;

        pub(in super::super) fn serialize<S: Serializer>(
            q: &Option<Decimal>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            q.map(Q).serialize(s)
        }

        pub(in super::super) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Decimal>, D::Error> {
            Ok(Option::<Q>::deserialize(d)?.map(|q| q.0))
        }
    }

    /// Quantities by name.
    pub(super) mod map {
        use std::collections::BTreeMap;

        use serde::{Deserialize, Deserializer, Serializer};

        use super::Q;
        use crate::Decimal;

        pub(in super::super) fn serialize<S: Serializer>(
            m: &BTreeMap<String, Decimal>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.collect_map(m.iter().map(|(k, v)| (k, Q(*v))))
        }

        pub(in super::super) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<BTreeMap<String, Decimal>, D::Error> {
            Ok(BTreeMap::<String, Q>::deserialize(d)?
                .into_iter()
                .map(|(k, q)| (k, q.0))
                .collect())
        }
    }
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
        let tag = TagId::new("oracle-db-19");
        assert!(ent.scope.versions.contains(&tag, "19.3"));
        assert!(!ent.scope.versions.contains(&tag, "11.2"));
        assert_eq!(ent.quantity, Decimal::from(16));
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
        let span = &s.versions.spans()[0];
        assert_eq!(span.range.scheme, VersionScheme::Semver);
        let tag = TagId::new("t");
        assert!(!s.versions.contains(&tag, "2.0.0"));
        assert!(s.versions.contains(&tag, "2.0.0-rc.1"));
    }

    fn sw(tag: &str, version: &str) -> Software {
        Software {
            tag_id: TagId::new(tag),
            publisher: "Acme".into(),
            product: "Office".into(),
            edition: Some("Pro".into()),
            version: version.into(),
            version_scheme: VersionScheme::default(),
        }
    }

    #[test]
    fn legacy_single_form_reads_and_writes_unchanged() {
        for text in [
            r#"{"tag_id":"t-1","versions":"[12,19]"}"#,
            r#"{"tag_id":"t-1"}"#,
            r#"{"product":"Office","versions":"[1.0.0,2.0.0)","version_scheme":"semver"}"#,
            r#"{"version_scheme":"semver"}"#,
            r#"{}"#,
        ] {
            let s: ProductScope = serde_json::from_str(text).unwrap();
            assert_eq!(s.versions.spans().len(), 1, "{text}");
            assert_eq!(serde_json::to_string(&s).unwrap(), text);
        }
        let s: ProductScope =
            serde_json::from_str(r#"{"tag_id":"t-1","versions":"[12,19]"}"#).unwrap();
        assert_eq!(
            s.versions.spans()[0],
            VersionSpan::tagged("t-1", "[12,19]".parse().unwrap())
        );
    }

    #[test]
    fn list_form_reads_every_span_and_round_trips() {
        let text = r#"{"product":"Office","versions":["[1,2]",{"tag_id":"o-4","versions":"[4,5)"},{"tag_id":"o-9"},{"versions":"[7,8]","version_scheme":"semver"}]}"#;
        let s: ProductScope = serde_json::from_str(text).unwrap();
        let spans = s.versions.spans();
        assert_eq!(spans.len(), 4);
        assert_eq!(spans[0], VersionSpan::range("[1,2]".parse().unwrap()));
        assert_eq!(
            spans[1],
            VersionSpan::tagged("o-4", "[4,5)".parse().unwrap())
        );
        assert_eq!(
            spans[2],
            VersionSpan::tagged("o-9", VersionRange::default())
        );
        assert_eq!(spans[3].range.scheme, VersionScheme::Semver);
        assert_eq!(serde_json::to_string(&s).unwrap(), text);
        // The top-level tag id and scheme apply to entries without their own.
        let s: ProductScope = serde_json::from_str(
            r#"{"tag_id":"t","version_scheme":"semver","versions":["[1.0.0,2.0.0)",{"tag_id":"u"}]}"#,
        )
        .unwrap();
        assert_eq!(s.versions.spans()[0].tag_id, Some(TagId::new("t")));
        assert_eq!(s.versions.spans()[0].range.scheme, VersionScheme::Semver);
        assert_eq!(s.versions.spans()[1].tag_id, Some(TagId::new("u")));
        let back: ProductScope = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn bad_list_forms_are_refused_with_their_place() {
        let err = serde_json::from_str::<ProductScope>(r#"{"versions": []}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("empty list"), "{err}");
        let err = serde_json::from_str::<ProductScope>(r#"{"versions": ["[1,2]", "[3,"]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("scope.versions[1]"), "{err}");
        assert!(serde_json::from_str::<ProductScope>(r#"{"versions": [{"tag": "x"}]}"#).is_err());
    }

    #[test]
    fn a_set_matches_each_span_and_not_between() {
        let set = VersionSet::new(vec![
            VersionSpan::tagged("o-1", "[1,2]".parse().unwrap()),
            VersionSpan::tagged("o-4", "[4,5)".parse().unwrap()),
        ])
        .unwrap();
        let scope = ProductScope {
            publisher: Some(" acme ".into()),
            product: Some("OFFICE".into()),
            edition: Some("pro".into()),
            versions: set,
        };
        let none = Rights::default();
        assert!(scope.matches(&sw("o-1", "1.5"), &none));
        assert!(scope.matches(&sw("o-4", "4.2"), &none));
        // Each span holds for its own tag only.
        assert!(!scope.matches(&sw("o-1", "4.2"), &none));
        assert!(!scope.matches(&sw("o-4", "1.5"), &none));
        assert!(!scope.matches(&sw("o-9", "1.5"), &none));
        assert_eq!(
            scope.versions.place(&TagId::new("o-9"), "1.5"),
            VersionPlace::OtherIdentity
        );
        let mut other = sw("o-1", "1.5");
        other.edition = Some("Home".into());
        assert!(!scope.matches(&other, &none));
    }

    #[test]
    fn rights_over_a_set() {
        let set = VersionSet::new(vec![
            VersionSpan::range("[1,2]".parse().unwrap()),
            VersionSpan::range("[4,5)".parse().unwrap()),
        ])
        .unwrap();
        let t = TagId::new("x");
        assert_eq!(set.place(&t, "0.5"), VersionPlace::Below);
        assert_eq!(set.place(&t, "1.5"), VersionPlace::Inside);
        assert_eq!(set.place(&t, "3"), VersionPlace::Between);
        assert_eq!(set.place(&t, "4"), VersionPlace::Inside);
        assert_eq!(set.place(&t, "5"), VersionPlace::Above);
        let down = Rights {
            downgrade: true,
            ..Rights::default()
        };
        let up = Rights {
            upgrade: true,
            ..Rights::default()
        };
        let none = Rights::default();
        // Downgrade: everything below the highest upper bound (5, exclusive).
        assert!(down.covers(set.place(&t, "0.5")) && down.covers(set.place(&t, "3")));
        assert!(!down.covers(set.place(&t, "5")));
        // Upgrade: everything above the lowest lower bound (1).
        assert!(up.covers(set.place(&t, "3")) && up.covers(set.place(&t, "9")));
        assert!(!up.covers(set.place(&t, "0.5")));
        // Neither: the spans only.
        assert!(!none.covers(set.place(&t, "3")));
        assert!(none.covers(set.place(&t, "4.9")));
    }

    #[test]
    fn downgrade_depth_reads_with_a_default_and_writes_only_when_limited() {
        // An estate written before depths existed: unlimited, and written back unchanged.
        let old = r#"{"downgrade":true}"#;
        let r: Rights = serde_json::from_str(old).unwrap();
        assert_eq!(r.downgrade_depth, DowngradeDepth::Unlimited);
        assert_eq!(serde_json::to_string(&r).unwrap(), old);
        for text in [
            r#"{"downgrade":true,"downgrade_depth":{"previous_majors":2}}"#,
            r#"{"downgrade":true,"downgrade_depth":{"down_to":"2013"}}"#,
        ] {
            let r: Rights = serde_json::from_str(text).unwrap();
            assert!(!r.downgrade_depth.is_unlimited());
            assert_eq!(serde_json::to_string(&r).unwrap(), text);
        }
        let r: Rights =
            serde_json::from_str(r#"{"downgrade":true,"downgrade_depth":"unlimited"}"#).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"downgrade":true}"#);
        // A depth without the right, an empty floor, an unknown form or field: refused.
        let err = serde_json::from_str::<Rights>(r#"{"downgrade_depth":{"previous_majors":2}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"downgrade\": true"), "{err}");
        assert!(
            serde_json::from_str::<Rights>(
                r#"{"downgrade":true,"downgrade_depth":{"down_to":" "}}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<Rights>(r#"{"downgrade":true,"downgrade_depth":{"majors":2}}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<Rights>(r#"{"downgrade":true,"depth":2}"#).is_err());
        assert!(serde_json::from_str::<Rights>(r#"{"exempt_environments":["test"]}"#).is_ok());
    }

    fn depth(d: DowngradeDepth) -> Rights {
        Rights {
            downgrade: true,
            downgrade_depth: d,
            ..Rights::default()
        }
    }

    #[test]
    fn a_depth_of_previous_majors_counts_from_the_lower_bound() {
        let set: VersionSet = "[10,11)".parse().unwrap();
        let t = TagId::new("x");
        let r = depth(DowngradeDepth::PreviousMajors(2));
        let span = set.spans().first();
        assert_eq!(r.coverage(&set, &t, "10.4"), Coverage::Inside);
        for v in ["9.2", "8", "8.1", "8.99"] {
            assert_eq!(
                r.coverage(&set, &t, v),
                Coverage::Downgrade { from: span },
                "{v}"
            );
        }
        for v in ["7.99", "7", "0.1", "beta"] {
            let c = r.coverage(&set, &t, v);
            assert!(!c.is_covered(), "{v}");
            if v != "beta" {
                assert_eq!(
                    c,
                    Coverage::NotCovered {
                        place: VersionPlace::Below,
                        beyond_depth: span
                    }
                );
            }
        }
        // A malformed version sorts above every well-formed one: not older, no depth.
        assert_eq!(
            r.coverage(&set, &t, "beta"),
            Coverage::NotCovered {
                place: VersionPlace::Above,
                beyond_depth: None
            }
        );
        // Unlimited is the classic right; none covers nothing older.
        let unlimited = depth(DowngradeDepth::Unlimited);
        assert_eq!(
            unlimited.coverage(&set, &t, "1"),
            Coverage::Downgrade { from: None }
        );
        assert!(!Rights::default().coverage(&set, &t, "9").is_covered());
        // Zero previous majors: only older versions of the same major.
        let same = depth(DowngradeDepth::PreviousMajors(0));
        let set_10_2: VersionSet = "[10.2,11)".parse().unwrap();
        assert!(same.coverage(&set_10_2, &t, "10.1").is_covered());
        assert!(!same.coverage(&set_10_2, &t, "9.9").is_covered());
        // Without the downgrade right the depth means nothing.
        let idle = Rights {
            downgrade_depth: DowngradeDepth::PreviousMajors(5),
            ..Rights::default()
        };
        assert!(!idle.coverage(&set, &t, "9").is_covered());
    }

    #[test]
    fn a_named_floor_is_inclusive_and_compared_by_the_span_scheme() {
        let set: VersionSet = "=2019".parse().unwrap();
        let t = TagId::new("x");
        let r = depth(DowngradeDepth::DownTo("2013".into()));
        assert!(r.coverage(&set, &t, "2016").is_covered());
        assert!(r.coverage(&set, &t, "2013").is_covered());
        assert!(r.coverage(&set, &t, "2013.0").is_covered());
        assert!(!r.coverage(&set, &t, "2012.9").is_covered());
        assert!(!r.coverage(&set, &t, "2020").is_covered());
        // Two previous majors of 2019 would be 2017: the floor is for calendar versions.
        let majors = depth(DowngradeDepth::PreviousMajors(2));
        assert!(!majors.coverage(&set, &t, "2016").is_covered());
        assert_eq!(r.downgrade_depth.to_string(), "down to 2013");
        assert_eq!(
            majors.downgrade_depth.to_string(),
            "2 previous major versions"
        );
        assert_eq!(
            DowngradeDepth::PreviousMajors(1).to_string(),
            "1 previous major version"
        );
    }

    #[test]
    fn over_a_set_the_nearest_reaching_span_counts_and_upgrade_fills_gaps() {
        let set = VersionSet::new(vec![
            VersionSpan::range("[12,13)".parse().unwrap()),
            VersionSpan::range("[5,6)".parse().unwrap()),
            VersionSpan::range("[10,11)".parse().unwrap()),
        ])
        .unwrap();
        let spans = set.spans();
        let t = TagId::new("x");
        let r = depth(DowngradeDepth::PreviousMajors(2));
        // 9 is below 12 and 10: both reach it, the lower (10) is named.
        assert_eq!(
            r.coverage(&set, &t, "9"),
            Coverage::Downgrade { from: spans.get(2) }
        );
        // 11.5 is in a gap below 12: two majors of 12 reach it.
        assert_eq!(
            r.coverage(&set, &t, "11.5"),
            Coverage::Downgrade {
                from: spans.first()
            }
        );
        // 7 lies in a gap above 5, beyond the depth of 10: not covered, 10 named ...
        assert_eq!(
            r.coverage(&set, &t, "7"),
            Coverage::NotCovered {
                place: VersionPlace::Between,
                beyond_depth: spans.get(2)
            }
        );
        // ... unless an upgrade right covers it from 5.
        let both = Rights {
            upgrade: true,
            ..r.clone()
        };
        assert_eq!(both.coverage(&set, &t, "7"), Coverage::Upgrade);
        assert_eq!(both.coverage(&set, &t, "20"), Coverage::Upgrade);
        assert!(r.coverage(&set, &t, "3").is_covered());
        assert!(!r.coverage(&set, &t, "2.9").is_covered());
        // A tagged span counts for its own identity only.
        let tagged = VersionSet::from(VersionSpan::tagged("y", "[10,11)".parse().unwrap()));
        assert_eq!(
            r.coverage(&tagged, &t, "9"),
            Coverage::NotCovered {
                place: VersionPlace::OtherIdentity,
                beyond_depth: None
            }
        );
        // And the scope applies the depth.
        let scope = ProductScope {
            versions: "[10,11)".parse().unwrap(),
            ..ProductScope::default()
        };
        assert!(scope.matches(&sw("o-1", "8.5"), &r));
        assert!(!scope.matches(&sw("o-1", "7.5"), &r));
        assert!(scope.matches(&sw("o-1", "7.5"), &depth(DowngradeDepth::Unlimited)));
    }

    #[test]
    fn quantities_are_exact_and_read_as_number_or_string() {
        let read = |q: &str| {
            serde_json::from_str::<Entitlement>(&format!(
                r#"{{"id":"e","scope":{{}},"metric":"device","quantity":{q}}}"#
            ))
            .map(|e| e.quantity)
        };
        assert_eq!(read("10").unwrap(), Decimal::from(10));
        assert_eq!(read("\"2.5\"").unwrap(), Decimal::new(25, 1));
        assert_eq!(
            read("\"0.1000000000000000055511151231\"")
                .unwrap()
                .to_string(),
            "0.1000000000000000055511151231"
        );
        // Beyond 28 digits a quantity would be rounded: refused rather than changed.
        assert!(read("\"0.1000000000000000055511151231257827\"").is_err());
        let err = read("2.5").unwrap_err().to_string();
        assert!(err.contains("as a string"), "{err}");
        assert!(read("-1").is_err());
        assert!(read("\"-0.5\"").is_err());
        assert!(read("\"lots\"").is_err());
        // Whole quantities write as numbers (as before), fractions as strings.
        let mut e = Entitlement::new("e", ProductScope::default(), Metric::Device, 7u64);
        assert_eq!(serde_json::to_value(&e).unwrap()["quantity"], 7);
        e.quantity = Decimal::new(25, 1);
        e.currency = Some(Currency::new("EUR"));
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["quantity"], "2.5");
        assert_eq!(v["currency"], "EUR");
        let back: Entitlement = serde_json::from_value(v).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.whole_units(), 2);
        assert_eq!(back.fraction(), Decimal::new(5, 1));
        assert_eq!(whole_units(Decimal::MAX), u64::MAX);
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
