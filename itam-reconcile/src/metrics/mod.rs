//! The consumption layer: the metric catalogue.
//!
//! Each metric turns the installations (or peaks) of one product into *demands*: a consumer
//! (device, physical host, cluster, core-factor group, user, organisation unit or the
//! estate) and the whole units it needs. Aggregation scope and rounding point come from
//! [`MetricParams`](crate::MetricParams). The rules, with hand-worked numbers, are in the
//! [manual](crate::manual#the-metric-catalogue).
//!
//! One metric is one [`MetricRule`]; [`rule`] finds it. The rules live one module per
//! vendor family, each with the parameters it reads listed in its documentation:
//!
//! | module | metrics |
//! |---|---|
//! | [`common`] | `installation`, `device`, `site`, `node`, `named_user`, `concurrent_user`, `core`, `processor`, `tiered` |
//! | [`microsoft`] | `windows_server_standard`, `windows_server_datacenter`, `sql_server_core`, `sql_server_enterprise_core` |
//! | [`oracle`] | `oracle_processor`, `oracle_nup`, `oracle_se2` |
//! | [`ibm`] | `ibm_pvu`, `ibm_pvu_subcapacity` |
//! | [`red_hat`] | `red_hat_socket_pair` |
//! | [`resources`] | `memory`, `capacity`, `transaction`, `enterprise`, and user-defined metrics (a name with a [`MetricDefinition`]): one unit grants some of each resource |
//!
//! A new metric is a variant of [`Metric`] (in `itam-core`, with the contract terms it reads
//! in [`Terms::read_by`](itam_core::terms::Terms::read_by)), a rule in the module of its
//! family, its arm in [`rule`], and its row in the manual. What the rules share — where a use
//! counts ([`Cx::hosts`]), the consumers' organisation and environment — is here.

mod common;
mod ibm;
mod microsoft;
mod oracle;
mod red_hat;
mod resources;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use itam_core::estate::{Environment, Metric, Placement};
use serde::Serialize;

use crate::model::{Model, NONE};
use crate::policy::{MetricDefinition, MetricParams};
use crate::position::{PeriodPeak, Reason};

/// What a consumer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerKind {
    /// A device (physical or virtual), by device id.
    Device,
    /// A physical server licensed as a whole, by device id.
    Host,
    /// A cluster licensed as a whole, by cluster name.
    Cluster,
    /// The servers of one core factor across the estate, by the factor.
    CoreFactorGroup,
    /// A named user, by user id.
    User,
    /// An organisation unit (concurrent-use peaks), by its path.
    Org,
    /// The whole estate.
    Estate,
}

impl ConsumerKind {
    /// The prefix used in consumer names (`device:srv-1`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Device => "device",
            Self::Host => "host",
            Self::Cluster => "cluster",
            Self::CoreFactorGroup => "core_factor",
            Self::User => "user",
            Self::Org => "org",
            Self::Estate => "estate",
        }
    }
}

/// One consumer's need under one metric, before allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Demand {
    pub kind: ConsumerKind,
    /// Index of the name: device, cluster, user, org, or core-factor table entry.
    pub name: u32,
    /// Highest variant (version rank) of the product used by the consumer.
    pub variant: u32,
    /// Organisation unit (NONE = none).
    pub org: u32,
    /// Environment index (NONE = production).
    pub env: u32,
    /// Whole units needed.
    pub units: u64,
    /// Device a device pin must name to apply (NONE = none).
    pub pin_device: u32,
    /// User a user pin must name to apply (NONE = none).
    pub pin_user: u32,
    /// Whether the metric's rule cannot count this consumer, and why.
    pub outside: Outside,
}

/// Why a metric's rule cannot count a consumer: every pair is then rejected with the reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Outside {
    /// It can.
    #[default]
    No,
    /// The rule does not allow the consumer (Oracle SE2 above its socket limit).
    NotApplicable,
    /// The consumer lacks a fact the rule counts (a device's memory or attribute).
    FactMissing,
}

impl Outside {
    /// The rejection reason, if the consumer is outside the rule.
    pub fn reason(self) -> Option<Reason> {
        match self {
            Self::No => None,
            Self::NotApplicable => Some(Reason::MetricNotApplicable),
            Self::FactMissing => Some(Reason::FactMissing),
        }
    }
}

/// Per-run tables the consumers refer to.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    /// Core factors of core-factor-group consumers.
    pub factors: Vec<itam_core::Decimal>,
}

impl Tables {
    fn factor_index(&mut self, f: itam_core::Decimal) -> u32 {
        let f = f.normalize();
        if let Some(i) = self.factors.iter().position(|&x| x == f) {
            return u32::try_from(i).unwrap_or(NONE);
        }
        self.factors.push(f);
        u32::try_from(self.factors.len() - 1).unwrap_or(NONE)
    }
}

/// Which consumers a metric's demands stand for, as far as splitting the estate by
/// organisation is concerned (`partition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Each device on its own.
    Device,
    /// A physical host with its VMs (and, clustered, the hosts of its cluster).
    Host,
    /// A named user over every device it works on.
    User,
    /// Consumers that may span the estate (Oracle's aggregation scopes): never split.
    Pool,
}

/// How one metric counts: the demands of one product's uses.
pub(crate) trait MetricRule: Sync {
    /// Which consumers the demands stand for.
    fn reach(&self) -> Reach;

    /// The [`MetricParams`] fields the rule reads (JSON names): the family's parameters,
    /// declared beside its arithmetic. Every contract term the metric reads is among them, and
    /// every parameter belongs to some rule (unit tests).
    // A declaration the tests hold the code to; the engine reads the parameters themselves.
    #[cfg_attr(not(test), allow(dead_code))]
    fn params(&self) -> &'static [&'static str] {
        &[]
    }

    /// The demands of the product's uses `us` in the as-of state.
    fn demands(&self, cx: &Cx<'_, '_>, us: &[Use], tables: &mut Tables) -> Vec<Demand>;

    /// Whether the metric is counted at the reporting period's peak (its peak day is the
    /// whole product's, so the product is not split by organisation when there are samples).
    fn over_period(&self) -> bool {
        false
    }

    /// The demands counted, and for a metric counted at the period's peak, where the peak
    /// was. The as-of state unless the rule says otherwise.
    fn counted(
        &self,
        cx: &Cx<'_, '_>,
        us: &[Use],
        tables: &mut Tables,
    ) -> (Vec<Demand>, Option<PeriodPeak>) {
        (self.demands(cx, us, tables), None)
    }
}

/// The rule of `metric`.
pub(crate) fn rule(metric: &Metric) -> &'static dyn MetricRule {
    use microsoft::{SqlServerCore, SqlServerEnterpriseCore, WindowsServer};
    match metric {
        Metric::Installation => &common::Installation,
        Metric::NamedUser => &common::NamedUser,
        Metric::ConcurrentUser => &common::ConcurrentUser,
        Metric::Core => &common::Core,
        Metric::Processor => &common::Processor,
        Metric::Tiered => &common::Tiered,
        Metric::OracleProcessor => &oracle::OracleProcessor { nup: false },
        Metric::OracleNup => &oracle::OracleProcessor { nup: true },
        Metric::OracleSe2 => &oracle::OracleSe2,
        Metric::IbmPvu => &ibm::IbmPvu,
        Metric::IbmPvuSubcapacity => &ibm::IbmPvuSubcapacity,
        Metric::WindowsServerStandard => &WindowsServer { standard: true },
        Metric::WindowsServerDatacenter => &WindowsServer { standard: false },
        Metric::SqlServerCore => &SqlServerCore,
        Metric::SqlServerEnterpriseCore => &SqlServerEnterpriseCore,
        Metric::RedHatSocketPair => &red_hat::SocketPair,
        Metric::Memory => &resources::Memory,
        Metric::Capacity => &resources::Measured("capacity"),
        Metric::Transaction => &resources::Measured("transaction"),
        Metric::Enterprise => &resources::Enterprise,
        Metric::Other(_) => &resources::Defined,
        // `device`, `site`, `node`.
        _ => &common::PerDevice,
    }
}

/// Computes the demands of product `p` under `metric` on `as_of`, and for a metric counted at
/// the reporting period's peak, where the peak was.
pub(crate) fn consume(
    m: &Model<'_>,
    params: &MetricParams,
    definition: Option<&MetricDefinition>,
    as_of: NaiveDate,
    tables: &mut Tables,
    p: u32,
    metric: &Metric,
) -> (Vec<Demand>, Option<PeriodPeak>) {
    let rows = m.installs_of(p);
    let us = uses(rows);
    let cx = Cx {
        m,
        params,
        rows,
        product: p,
        as_of,
        definition,
    };
    rule(metric).counted(&cx, &us, tables)
}

/// One device's use of the product.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Use {
    pub device: u32,
    pub variant: u32,
    pub installs: u64,
    /// Range of the product's installation rows on this device.
    pub rows: (usize, usize),
}

fn uses(rows: &[[u32; 4]]) -> Vec<Use> {
    let mut out: Vec<Use> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        match out.last_mut() {
            Some(u) if u.device == r[1] => {
                u.variant = u.variant.max(r[2]);
                u.installs += 1;
                u.rows.1 = i + 1;
            }
            _ => out.push(Use {
                device: r[1],
                variant: r[2],
                installs: 1,
                rows: (i, i + 1),
            }),
        }
    }
    out
}

/// Rounds up to a whole unit: negative values count 0, values beyond `u64` saturate.
fn ceil(d: itam_core::Decimal) -> u64 {
    if d.is_sign_negative() {
        return 0;
    }
    u64::try_from(d.ceil()).unwrap_or(u64::MAX)
}

fn round_up_to(x: u64, pack: u64) -> u64 {
    if pack <= 1 {
        x
    } else {
        x.div_ceil(pack).saturating_mul(pack)
    }
}

/// What a rule counts with: the prepared estate, the rule's parameters (the policy's with
/// the contract's terms in place), and the product's installation rows.
pub(crate) struct Cx<'m, 'a> {
    m: &'m Model<'a>,
    params: &'m MetricParams,
    rows: &'m [[u32; 4]],
    product: u32,
    as_of: NaiveDate,
    /// A user-defined metric's definition (the rule's `definition` term).
    definition: Option<&'m MetricDefinition>,
}

impl Cx<'_, '_> {
    /// (cores, sockets) of device `d`.
    fn dev(&self, d: u32) -> (u64, u64) {
        self.m
            .device(d)
            .map_or((0, 0), |d| (u64::from(d.cores), u64::from(d.sockets)))
    }

    fn is_vm(&self, d: u32) -> bool {
        self.m.phys.get(d as usize).is_some_and(|&p| p != d)
    }

    fn env_of(&self, d: u32) -> u32 {
        self.m.dev_env.get(d as usize).copied().unwrap_or(NONE)
    }

    fn org_of(&self, d: u32) -> u32 {
        self.m.dev_org.get(d as usize).copied().unwrap_or(NONE)
    }

    /// A device consumer.
    fn device(&self, u: &Use, units: u64) -> Demand {
        Demand {
            kind: ConsumerKind::Device,
            name: u.device,
            variant: u.variant,
            org: self.org_of(u.device),
            env: self.env_of(u.device),
            units,
            pin_device: u.device,
            pin_user: NONE,
            outside: Outside::No,
        }
    }

    /// Common environment of the contributors: theirs when they agree, else production.
    fn common_env(&self, devices: impl Iterator<Item = u32>) -> u32 {
        let mut env = None;
        for d in devices {
            let e = self.env_of(d);
            match env {
                None => env = Some(e),
                Some(x) if x == e => {}
                Some(_) => return NONE,
            }
        }
        env.unwrap_or(NONE)
    }

    /// Deepest organisation unit all contributors lie within (NONE when one has none).
    fn common_org(&self, orgs: impl Iterator<Item = u32>) -> u32 {
        let mut cur: Option<u32> = None;
        for o in orgs {
            cur = Some(match cur {
                None => o,
                Some(c) if c == o => c,
                Some(c) if c == NONE || o == NONE => NONE,
                Some(c) => {
                    // Ancestors of both, deepest first: the longest name wins.
                    let (a, b) = (
                        self.m
                            .org_ancestors
                            .get(c as usize)
                            .map_or(&[][..], Vec::as_slice),
                        self.m
                            .org_ancestors
                            .get(o as usize)
                            .map_or(&[][..], Vec::as_slice),
                    );
                    a.iter()
                        .filter(|x| b.binary_search(x).is_ok())
                        .max_by_key(|&&x| self.m.orgs.get(x as usize).map_or(0, String::len))
                        .copied()
                        .unwrap_or(NONE)
                }
            });
        }
        cur.unwrap_or(NONE)
    }

    /// A consumer of `kind` standing for the uses `c`: their highest variant, deepest common
    /// organisation unit and common environment.
    fn aggregate(&self, kind: ConsumerKind, name: u32, c: &[Use], units: u64) -> Demand {
        Demand {
            kind,
            name,
            variant: c.iter().map(|u| u.variant).max().unwrap_or(0),
            org: self.common_org(c.iter().map(|u| self.org_of(u.device))),
            env: self.common_env(c.iter().map(|u| u.device)),
            units,
            pin_device: if kind == ConsumerKind::Host {
                name
            } else {
                NONE
            },
            pin_user: NONE,
            outside: Outside::No,
        }
    }

    /// The consumer of organisation unit `org` (the estate when none) for uses measured
    /// there without a device (concurrent-use peaks, measurements).
    fn org_demand(org: u32, variant: u32, units: u64, outside: Outside) -> Demand {
        Demand {
            kind: if org == NONE {
                ConsumerKind::Estate
            } else {
                ConsumerKind::Org
            },
            name: org,
            variant,
            org,
            env: NONE,
            units,
            pin_device: NONE,
            pin_user: NONE,
            outside,
        }
    }

    fn host(&self, h: u32, c: &[Use], units: u64) -> Demand {
        self.aggregate(ConsumerKind::Host, h, c, units)
    }

    /// The product's uses by the physical host they count on: each on its own host, or on
    /// every host of its cluster when it may run there — a VM placed `cluster` when
    /// `placed`, every use of a clustered device when `all` (Windows Server stacking over the
    /// cluster, Oracle soft partitioning; hard partitions excepted) — unless the licence
    /// follows the VM (`license_mobility`).
    fn hosts(&self, us: &[Use], all: bool, placed: bool) -> BTreeMap<u32, Vec<Use>> {
        let follows = self.params.license_mobility;
        let mut by_host: BTreeMap<u32, Vec<Use>> = BTreeMap::new();
        let mut by_cluster: BTreeMap<u32, Vec<Use>> = BTreeMap::new();
        for u in us {
            let h = self
                .m
                .phys
                .get(u.device as usize)
                .copied()
                .unwrap_or(u.device);
            let c = self
                .m
                .cluster
                .get(u.device as usize)
                .copied()
                .unwrap_or(NONE);
            // Only a use of a clustered device may count beyond its host.
            let moves = c != NONE && !follows && (placed || all) && {
                let placement = self.m.device(u.device).and_then(|d| d.placement);
                let vm = self.is_vm(u.device);
                (placed && vm && placement == Some(Placement::Cluster))
                    || (all && !(vm && placement == Some(Placement::HardPartition)))
            };
            if moves {
                by_cluster.entry(c).or_default().push(*u);
            } else {
                by_host.entry(h).or_default().push(*u);
            }
        }
        for (c, list) in by_cluster {
            for &h in self
                .m
                .cluster_hosts
                .get(c as usize)
                .map_or(&[][..], Vec::as_slice)
            {
                by_host.entry(h).or_default().extend(list.iter().copied());
            }
        }
        by_host
    }
}

/// The environment a demand's env index stands for.
pub(crate) fn env_value(envs: &[Environment], env: u32) -> &Environment {
    static PRODUCTION: Environment = Environment::Production;
    envs.get(env as usize).unwrap_or(&PRODUCTION)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use itam_core::estate::Metric;
    use itam_core::terms::Terms;

    use super::rule;
    use crate::policy::MetricParams;

    fn every_metric() -> Vec<Metric> {
        let mut all = Metric::KNOWN.to_vec();
        all.push(Metric::Other("user_defined".into()));
        all
    }

    /// The JSON names of the policy's metric parameters.
    fn parameters() -> BTreeSet<String> {
        let mut p = MetricParams::default();
        p.definitions.insert(
            "x".into(),
            serde_json::from_str(r#"{"resources": [{"resource": "nodes"}]}"#).unwrap(),
        );
        match serde_json::to_value(p).unwrap() {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn every_parameter_belongs_to_a_rule_and_every_rule_names_parameters_that_exist() {
        let known = parameters();
        let mut claimed = BTreeSet::new();
        for m in every_metric() {
            for p in rule(&m).params() {
                assert!(known.contains(*p), "{m}: {p} is no parameter");
                claimed.insert((*p).to_owned());
            }
        }
        assert_eq!(claimed, known, "parameters no rule reads");
    }

    #[test]
    fn a_metric_reads_every_term_it_takes_from_its_rules_parameters() {
        for m in every_metric() {
            let params = rule(&m).params();
            for term in Terms::read_by(&m) {
                let param = if *term == "definition" {
                    "definitions"
                } else {
                    term
                };
                assert!(
                    params.contains(&param),
                    "{m}: term {term} is not a parameter of its rule"
                );
            }
        }
    }
}
