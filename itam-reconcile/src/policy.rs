//! How to reconcile: allocation mode, as-of date, metric parameters and rounding points.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use itam_core::Decimal;
use itam_core::estate::Metric;
use serde::{Deserialize, Serialize};

/// How consumers are matched to entitlements.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The documented commercial order (pinned, manual priority, narrowest scope, earliest
    /// expiry, lowest cost, id; true-up entitlements take the overflow). Greedy.
    #[default]
    Priority,
    /// Maximum coverage first, then minimum cost; exact (min-cost max-flow).
    Optimal,
}

impl Mode {
    /// The name used in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Priority => "priority",
            Self::Optimal => "optimal",
        }
    }
}

pub use itam_core::terms::{
    Aggregation, Grant, GrantScope, InstallRounding, MetricDefinition, Resource, Rounding,
    Stacking, Terms, Tier, TierBasis,
};

/// A processor-model rule: devices whose `processor` contains `contains`
/// (case-insensitively) get `value`. The longest matching `contains` wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessorRule<T> {
    /// A substring of the processor model, lower case.
    pub contains: String,
    /// The value for matching processors.
    pub value: T,
}

/// Parameters of the metric catalogue. Every rounding point and aggregation scope on which
/// the tools disagree is one of these; the defaults follow the vendors' own rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricParams {
    /// `installation`: installations one unit covers on a device; ≥ 1.
    pub installs_per_licence: u64,
    /// `installation`: how installations ÷ `installs_per_licence` rounds (up; at least one
    /// unit per device whatever the rounding).
    pub install_rounding: InstallRounding,
    /// `core`: minimum cores per physical processor.
    pub core_min_per_processor: u64,
    /// `core`: minimum cores per physical server.
    pub core_min_per_server: u64,
    /// `core`: minimum cores per VM.
    pub core_min_per_vm: u64,
    /// `core`: cores are sold in packs of this size (round up); ≥ 1.
    pub core_pack: u64,
    /// Oracle: license every host of a cluster a VM could run on (soft partitioning).
    pub oracle_soft_partitioning: bool,
    /// Oracle Processor / NUP: where cores × factor are summed.
    pub oracle_aggregation: Aggregation,
    /// Oracle Processor / NUP: where the fractions are rounded up.
    pub oracle_rounding: Rounding,
    /// Oracle NUP: minimum users per processor (25 for EE).
    pub oracle_nup_min_per_processor: u64,
    /// Oracle SE2: minimum NUP per server (informative for `oracle_se2` consumers: 10).
    pub oracle_se2_max_sockets: u64,
    /// Core factor when no rule matches and the device gives none (Oracle: 1.0).
    pub default_core_factor: Decimal,
    /// Core-factor table (Oracle).
    pub core_factors: Vec<ProcessorRule<Decimal>>,
    /// PVU per core when no rule matches and the device gives none (ILMT 9.2.11+: 120).
    pub default_pvu_per_core: u64,
    /// PVU table (IBM).
    pub pvu_per_core: Vec<ProcessorRule<u64>>,
    /// Windows Server: where VMs are counted for Standard stacking (and which hosts are
    /// licensed for Datacenter).
    pub windows_stacking: Stacking,
    /// `tiered`: the bands, applied to `tier_basis` per device.
    pub tiers: Vec<Tier>,
    /// `tiered`: what the bands weigh (a device's cores).
    pub tier_basis: TierBasis,
    /// `ibm_pvu_subcapacity`: the reporting period, in days ending on the as-of day
    /// (inclusive), whose highest total is counted: the as-of state and every day of it with
    /// a [capacity sample](itam_core::estate::CapacitySample) are compared. IBM's
    /// sub-capacity reports cover at most a quarter: 90. 0 counts the as-of state only.
    pub peak_period_days: u32,
    /// Windows Server, SQL Server Enterprise on the host, Oracle: every licence follows its
    /// VM (License Mobility), so a VM that may move is counted where it runs. An entitlement's
    /// `license_mobility` term overrides it.
    pub license_mobility: bool,
    /// User-defined metrics by name (a name outside the catalogue): how each counts. An
    /// entitlement's `definition` term overrides its name's. A name without a definition is
    /// refused (`unknown_metric`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub definitions: BTreeMap<String, MetricDefinition>,
}

impl Default for MetricParams {
    fn default() -> Self {
        fn rule<T>(contains: &str, value: T) -> ProcessorRule<T> {
            ProcessorRule {
                contains: contains.to_owned(),
                value,
            }
        }
        Self {
            installs_per_licence: 1,
            install_rounding: InstallRounding::Up,
            core_min_per_processor: 0,
            core_min_per_server: 0,
            core_min_per_vm: 0,
            core_pack: 1,
            oracle_soft_partitioning: true,
            oracle_aggregation: Aggregation::Host,
            oracle_rounding: Rounding::Aggregate,
            oracle_nup_min_per_processor: 25,
            oracle_se2_max_sockets: 2,
            default_core_factor: Decimal::ONE,
            core_factors: vec![
                rule("intel", Decimal::new(5, 1)),
                rule("xeon", Decimal::new(5, 1)),
                rule("amd", Decimal::new(5, 1)),
                rule("epyc", Decimal::new(5, 1)),
                rule("power", Decimal::ONE),
                rule("sparc t4", Decimal::new(5, 1)),
                rule("sparc t5", Decimal::new(5, 1)),
                rule("sparc m", Decimal::new(5, 1)),
                rule("sparc64 x", Decimal::new(5, 1)),
            ],
            default_pvu_per_core: 120,
            pvu_per_core: vec![rule("power", 70), rule("xeon", 70), rule("intel", 70)],
            windows_stacking: Stacking::Host,
            tiers: vec![Tier {
                up_to: None,
                factor: Decimal::ONE,
            }],
            tier_basis: TierBasis::Cores,
            peak_period_days: 90,
            license_mobility: false,
            definitions: BTreeMap::new(),
        }
    }
}

impl MetricParams {
    /// The parameters an entitlement's contract may set, as [`Terms`] with every term set:
    /// the defaults the terms of each entitlement are filled from.
    #[must_use]
    pub fn terms(&self) -> Terms {
        Terms {
            installs_per_licence: Some(self.installs_per_licence),
            install_rounding: Some(self.install_rounding),
            core_min_per_processor: Some(self.core_min_per_processor),
            core_min_per_server: Some(self.core_min_per_server),
            core_min_per_vm: Some(self.core_min_per_vm),
            core_pack: Some(self.core_pack),
            tiers: Some(self.tiers.clone()),
            tier_basis: Some(self.tier_basis),
            oracle_nup_min_per_processor: Some(self.oracle_nup_min_per_processor),
            oracle_aggregation: Some(self.oracle_aggregation),
            oracle_rounding: Some(self.oracle_rounding),
            windows_stacking: Some(self.windows_stacking),
            peak_period_days: Some(self.peak_period_days),
            license_mobility: Some(self.license_mobility),
            definition: None,
        }
    }

    /// These parameters with every term `terms` sets in place of the default.
    #[must_use]
    pub fn with(&self, terms: &Terms) -> Self {
        let mut p = self.clone();
        let t = terms;
        p.installs_per_licence = t.installs_per_licence.unwrap_or(p.installs_per_licence);
        p.install_rounding = t.install_rounding.unwrap_or(p.install_rounding);
        p.core_min_per_processor = t.core_min_per_processor.unwrap_or(p.core_min_per_processor);
        p.core_min_per_server = t.core_min_per_server.unwrap_or(p.core_min_per_server);
        p.core_min_per_vm = t.core_min_per_vm.unwrap_or(p.core_min_per_vm);
        p.core_pack = t.core_pack.unwrap_or(p.core_pack);
        if let Some(tiers) = &t.tiers {
            p.tiers.clone_from(tiers);
        }
        p.tier_basis = t.tier_basis.unwrap_or(p.tier_basis);
        p.oracle_nup_min_per_processor = t
            .oracle_nup_min_per_processor
            .unwrap_or(p.oracle_nup_min_per_processor);
        p.oracle_aggregation = t.oracle_aggregation.unwrap_or(p.oracle_aggregation);
        p.oracle_rounding = t.oracle_rounding.unwrap_or(p.oracle_rounding);
        p.windows_stacking = t.windows_stacking.unwrap_or(p.windows_stacking);
        p.peak_period_days = t.peak_period_days.unwrap_or(p.peak_period_days);
        p.license_mobility = t.license_mobility.unwrap_or(p.license_mobility);
        p
    }
}

/// How to reconcile. The estate says what is; the policy says how to count it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Allocation mode.
    #[serde(default)]
    pub mode: Mode,
    /// The day the position is computed for (validity dates are compared with it).
    pub as_of: NaiveDate,
    /// Entitlements ending within this many days of `as_of` are flagged as expiring.
    #[serde(default = "ninety")]
    pub expiry_window_days: u32,
    /// The metric a product is counted in when no entitlement names it.
    #[serde(default = "device")]
    pub default_metric: Metric,
    /// Metric parameters.
    #[serde(default)]
    pub params: MetricParams,
    /// Record per-consumer × entitlement decisions (turn off for the largest benchmarks).
    #[serde(default = "yes")]
    pub explain: bool,
    /// Priority mode: unlimited entitlements go before all others (Flexera's automatic
    /// priorities), so limited ones below them are only used where the unlimited do not
    /// apply.
    #[serde(default)]
    pub unlimited_first: bool,
}

impl Policy {
    /// Priority mode on `as_of` with default parameters.
    #[must_use]
    pub fn new(as_of: NaiveDate) -> Self {
        Self {
            mode: Mode::Priority,
            as_of,
            expiry_window_days: 90,
            default_metric: Metric::Device,
            params: MetricParams::default(),
            explain: true,
            unlimited_first: false,
        }
    }

    /// The same policy in another mode.
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }
}

fn ninety() -> u32 {
    90
}
fn device() -> Metric {
    Metric::Device
}
fn yes() -> bool {
    true
}

/// The value of the longest rule whose `contains` is in `model` (lower-cased).
pub(crate) fn lookup<T: Clone>(rules: &[ProcessorRule<T>], model: &str) -> Option<T> {
    let model = model.to_lowercase();
    rules
        .iter()
        .filter(|r| model.contains(&r.contains))
        .max_by_key(|r| r.contains.len())
        .map(|r| r.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_policy_json_reads() {
        let text = r#"{"mode": "optimal", "as_of": "2026-01-01", "expiry_window_days": 30,
            "default_metric": "installation", "explain": false,
            "params": {"oracle_aggregation": "core_factor_group", "oracle_rounding": "each_server",
                       "windows_stacking": "cluster", "core_pack": 2,
                       "core_factors": [{"contains": "xeon", "value": "0.5"}],
                       "tiers": [{"up_to": 8, "factor": "1"}, {"factor": "0.5"}]}}"#;
        let p: Policy = serde_json::from_str(text).unwrap();
        assert_eq!(p.mode, Mode::Optimal);
        assert_eq!(p.default_metric, Metric::Installation);
        assert_eq!(p.params.oracle_aggregation, Aggregation::CoreFactorGroup);
        assert_eq!(p.params.oracle_rounding, Rounding::EachServer);
        assert_eq!(p.params.windows_stacking, Stacking::Cluster);
        assert_eq!(p.params.core_pack, 2);
        // Unset parameters keep their defaults.
        assert_eq!(p.params.oracle_nup_min_per_processor, 25);
        assert_eq!(p.params.tiers.len(), 2);
        assert!(!p.explain);
        let minimal: Policy = serde_json::from_str(r#"{"as_of": "2026-01-01"}"#).unwrap();
        assert_eq!(
            minimal,
            Policy::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        );
        assert!(
            serde_json::from_str::<Policy>(r#"{"as_of": "2026-01-01", "mdoe": "optimal"}"#)
                .is_err()
        );
    }

    #[test]
    fn processor_lookup_takes_the_longest_match() {
        let rules = MetricParams::default().core_factors;
        assert_eq!(lookup(&rules, "Intel Xeon Gold"), Some(Decimal::new(5, 1)));
        assert_eq!(lookup(&rules, "IBM POWER9"), Some(Decimal::ONE));
        assert_eq!(lookup(&rules, "Mystery CPU"), None);
    }
}
