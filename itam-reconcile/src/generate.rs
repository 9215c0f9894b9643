//! Deterministic synthetic estates for benchmarks and research (cargo feature `generate`).
//!
//! The same [`GenParams`] always give the same estate, hence the same `estate.json` bytes:
//! the only randomness is [`SplitMix64`], seeded from `seed`, and every collection is
//! filled in a fixed order. No clock, no OS randomness.
//!
//! ```
//! use itam_reconcile::generate::{GenParams, Size, generate};
//! let p = GenParams { devices: 60, products: 8, ..GenParams::size(Size::S, 7) };
//! let a = generate(&p);
//! assert_eq!(a, generate(&p));
//! assert_eq!(a.devices.len(), 60);
//! ```

use chrono::{Days, NaiveDate};
use itam_core::estate::{
    Device, Entitlement, Environment, Estate, Installation, Metric, Pin, ProductScope, Rights,
    Software, User,
};
use itam_core::version::{Bound, VersionRange, VersionScheme};
use itam_core::{AssetId, Decimal, TagId};

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, well-distributed 64-bit generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), by Lemire's multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// A number in `0..n` skewed towards 0 (the square of a uniform draw): a few popular
    /// products, a long tail.
    pub fn skewed(&mut self, n: u64) -> u64 {
        let u = self.below(1 << 20);
        ((u * u) >> 20).saturating_mul(n) >> 20
    }
}

/// The named sizes of the issue: S, M, L and XL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Size {
    /// 10³ devices, 5·10⁴ installations, 500 entitlements.
    S,
    /// 10⁴ devices, 5·10⁵ installations, 5·10³ entitlements.
    M,
    /// 10⁵ devices, 5·10⁶ installations, 5·10⁴ entitlements.
    L,
    /// 10⁶ devices, 10⁷ installations, 10⁵ entitlements.
    XL,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenParams {
    /// Seed of the generator.
    pub seed: u64,
    /// Devices in total (physical hosts, VMs and workstations).
    pub devices: usize,
    /// Share of devices that are servers (hosts plus their VMs), per mille.
    pub server_share: u64,
    /// VMs per physical host.
    pub vms_per_host: usize,
    /// Physical hosts per cluster (0 = no clusters).
    pub hosts_per_cluster: usize,
    /// Products.
    pub products: usize,
    /// Versions per product.
    pub versions: usize,
    /// Installations per device, on average.
    pub installs_per_device: usize,
    /// Users.
    pub users: usize,
    /// Organisation units.
    pub orgs: usize,
    /// Entitlements.
    pub entitlements: usize,
    /// Share of entitlements scoped to a whole publisher (overlapping scopes), per mille.
    pub overlap: u64,
    /// Entitlement end dates spread over ± this many days around `as_of`.
    pub expiry_spread_days: u64,
    /// The reference date end dates are spread around.
    pub as_of: NaiveDate,
}

impl GenParams {
    /// The parameters of a named size.
    #[must_use]
    pub fn size(size: Size, seed: u64) -> Self {
        let (devices, products, installs, ents) = match size {
            Size::S => (1_000, 100, 50, 500),
            Size::M => (10_000, 300, 50, 5_000),
            Size::L => (100_000, 1_000, 50, 50_000),
            Size::XL => (1_000_000, 2_000, 10, 100_000),
        };
        Self {
            seed,
            devices,
            server_share: 300,
            vms_per_host: 8,
            hosts_per_cluster: 8,
            products,
            versions: 4,
            installs_per_device: installs,
            users: devices / 2,
            orgs: 8,
            entitlements: ents,
            overlap: 50,
            expiry_spread_days: 730,
            as_of: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        }
    }
}

/// The metric a generated product is counted in, by product number: mostly seat metrics,
/// with every processor metric represented.
fn metric_of(p: usize) -> Metric {
    const SERVER: [Metric; 11] = [
        Metric::Core,
        Metric::OracleProcessor,
        Metric::OracleNup,
        Metric::IbmPvu,
        Metric::IbmPvuSubcapacity,
        Metric::WindowsServerStandard,
        Metric::WindowsServerDatacenter,
        Metric::SqlServerCore,
        Metric::SqlServerEnterpriseCore,
        Metric::RedHatSocketPair,
        Metric::Processor,
    ];
    match p % 10 {
        0..=3 => Metric::Device,
        4 | 5 => Metric::Installation,
        6 | 7 => Metric::NamedUser,
        _ => SERVER
            .get((p / 10) % SERVER.len())
            .cloned()
            .unwrap_or(Metric::Core),
    }
}

/// One of `items`, drawn with one [`SplitMix64::below`]; 1 only if `items` is empty (never
/// here: every call passes a non-empty list).
fn pick(rng: &mut SplitMix64, items: &[u32]) -> u32 {
    items
        .get(rng.below(items.len() as u64) as usize)
        .copied()
        .unwrap_or(1)
}

/// Generates an estate.
#[must_use]
pub fn generate(g: &GenParams) -> Estate {
    let mut rng = SplitMix64::new(g.seed);
    let orgs: Vec<String> = (0..g.orgs.max(1))
        .map(|i| format!("region{}/unit{}", i % 3, i))
        .collect();
    let env = |rng: &mut SplitMix64| match rng.below(20) {
        0 => Environment::Test,
        1 => Environment::Development,
        2 => Environment::DisasterRecovery,
        _ => Environment::Production,
    };
    // Devices: servers (host + VMs) first, then workstations.
    let servers = g.devices.saturating_mul(g.server_share as usize) / 1000;
    let per_host = g.vms_per_host + 1;
    let mut devices = Vec::with_capacity(g.devices);
    let mut host = String::new();
    let mut host_index = 0usize;
    for i in 0..g.devices {
        let id = format!("d{i:07}");
        let org = orgs.get(rng.below(orgs.len() as u64) as usize).cloned();
        let d = if i < servers && i % per_host == 0 {
            host.clone_from(&id);
            host_index += 1;
            let sockets = pick(&mut rng, &[1, 2, 2, 2, 4]);
            let processor = if rng.chance(100) {
                "IBM POWER9"
            } else {
                "Intel Xeon Gold"
            };
            Device {
                sockets,
                cores: sockets * pick(&mut rng, &[4, 8, 12, 16]),
                processor: Some(processor.to_owned()),
                cluster: (g.hosts_per_cluster > 0)
                    .then(|| format!("c{:05}", (host_index - 1) / g.hosts_per_cluster)),
                environment: env(&mut rng),
                org,
                ..Device::physical(id)
            }
        } else if i < servers {
            Device {
                cores: pick(&mut rng, &[2, 4, 8]),
                environment: env(&mut rng),
                org,
                ..Device::virtual_on(id, host.as_str())
            }
        } else {
            Device {
                cores: 4,
                org,
                ..Device::physical(id)
            }
        };
        devices.push(d);
    }
    let users: Vec<User> = (0..g.users)
        .map(|i| User {
            id: format!("u{i:07}"),
            org: orgs.get(i % orgs.len()).cloned(),
        })
        .collect();
    let publishers = (g.products / 10).max(1);
    let mut software = Vec::with_capacity(g.products * g.versions);
    for p in 0..g.products {
        for v in 0..g.versions.max(1) {
            software.push(Software {
                tag_id: TagId::new(format!("p{p:05}-v{v}")),
                publisher: format!("Publisher {}", p % publishers),
                product: format!("Product {p}"),
                edition: None,
                version: format!("{}.0", 10 + v),
                version_scheme: VersionScheme::MultipartNumeric,
            });
        }
    }
    // Installations: seat products anywhere, server products on servers.
    let nv = g.versions.max(1);
    let mut installations = Vec::with_capacity(g.devices * g.installs_per_device);
    for (i, d) in devices.iter().enumerate() {
        let n = g.installs_per_device;
        for _ in 0..n {
            let mut p = rng.skewed(g.products as u64) as usize;
            let server_metric = !matches!(
                metric_of(p),
                Metric::Device | Metric::Installation | Metric::NamedUser
            );
            if server_metric && i >= servers {
                p -= p % 10; // a seat product of the same decade
            }
            let v = (nv - 1).saturating_sub(rng.skewed(nv as u64) as usize);
            let user = (metric_of(p) == Metric::NamedUser && !users.is_empty())
                .then(|| format!("u{:07}", rng.below(users.len() as u64)));
            installations.push(Installation {
                software: TagId::new(format!("p{p:05}-v{v}")),
                device: d.id.clone(),
                user,
                last_used: None,
            });
        }
    }
    // Entitlements: fragmented over the products in proportion to their popularity.
    let per_ent = (g.devices * g.installs_per_device / g.entitlements.max(1)).max(1) as u64;
    let mut entitlements = Vec::with_capacity(g.entitlements);
    for e in 0..g.entitlements {
        let p = rng.skewed(g.products as u64) as usize;
        let metric = metric_of(p);
        let wide = rng.chance(g.overlap);
        let versions = if rng.chance(500) {
            VersionRange::any(VersionScheme::MultipartNumeric)
        } else {
            let lo = 10 + rng.below(nv as u64);
            VersionRange::new(
                VersionScheme::MultipartNumeric,
                Bound::Inclusive(format!("{lo}.0")),
                Bound::Exclusive(format!("{}.0", lo + 1 + rng.below(2))),
            )
        };
        let scope = ProductScope {
            publisher: Some(format!("Publisher {}", p % publishers)),
            product: (!wide).then(|| format!("Product {p}")),
            versions: versions.into(),
            ..ProductScope::default()
        };
        let units = match metric {
            Metric::Device | Metric::Installation | Metric::NamedUser => per_ent,
            _ => per_ent * 16,
        };
        let quantity = units / 2 + rng.below(units + 1);
        let spread = g.expiry_spread_days.max(1);
        let offset = rng.below(2 * spread);
        let end = if rng.chance(300) {
            None
        } else if offset >= spread {
            g.as_of.checked_add_days(Days::new(offset - spread))
        } else {
            g.as_of.checked_sub_days(Days::new(spread - offset))
        };
        let mut ent = Entitlement::new(format!("E{e:07}"), scope, metric, quantity);
        ent.end = end;
        ent.unit_cost = Some(Decimal::from(10 + rng.below(990)));
        ent.rights = Rights {
            downgrade: rng.chance(400),
            secondary_use: rng.chance(200),
            ..Rights::default()
        };
        if rng.chance(100) {
            ent.org = orgs.get(rng.below(orgs.len() as u64) as usize).cloned();
        }
        ent.true_up = rng.chance(20);
        if rng.chance(10) && !devices.is_empty() {
            let d = rng.below(devices.len() as u64) as usize;
            if let Some(dev) = devices.get(d) {
                ent.pinned.push(Pin::Device(AssetId::new(dev.id.as_str())));
            }
        }
        entitlements.push(ent);
    }
    Estate {
        devices,
        users,
        software,
        installations,
        usage_peaks: Vec::new(),
        measurements: Vec::new(),
        capacity_samples: Vec::new(),
        entitlements,
    }
}
