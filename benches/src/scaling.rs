//! The inputs of the `scaling` bench group: each shape that was once quadratic, built at a
//! size n and at 4n, and what is done with it. The bench measures [`Shape::run`]; the tests
//! below check that every input is what it claims to be (read, refused or resolved as its
//! shape says), so that the bench measures the path it names.

use itam_core::estate::Estate;
use itam_core::finance::Ledger;
use itam_core::{Decimal, EntId};
use itam_ent::ops::{self, Issue, Supplement};
use itam_ent::values::{MetricType, Rel, RightName, Role};
use itam_ent::{Ent, Entity, Link, Right};
use itam_reconcile::generate::{GenParams, Size, generate};

/// What a shape exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Many SWID tags in one input (`itam_swid::read::read_all`).
    SwidDocuments,
    /// One SWID element with many attributes, within the limit.
    SwidAttributes,
    /// One SWID element with far more attributes than the limit: refused before parsing.
    SwidAttributesOverLimit,
    /// Many SWID elements, each with as many attributes as the limit allows.
    SwidElementsAtLimit,
    /// One Ent element with many attributes, within the limit.
    EntAttributes,
    /// Many Ent elements, each with as many attributes as the limit allows.
    EntElementsAtLimit,
    /// An Ent on one line with thousands of rights.
    EntOneLine,
    /// A chain of consolidations, each of the one before (`resolve_all`).
    ConsolidationChain,
    /// A chain of allocations, each from the one before (`resolve_all`).
    AllocationChain,
    /// A cycle of supplemental links (`resolve_all`).
    SupplementalCycle,
    /// A generated estate in its JSON form.
    EstateJson,
    /// A finance ledger in its CSV form.
    LedgerCsv,
    /// A finance ledger in its JSON form.
    LedgerJson,
    /// IBM sub-capacity at the reporting period's peak: n VMs running the product and n
    /// capacity samples on n days (`itam_reconcile::reconcile`).
    SubcapacityPeak,
}

/// An input of a shape.
#[derive(Debug, Clone)]
pub enum Input {
    /// Text to read.
    Text(String),
    /// Ents to resolve.
    Ents(Vec<Ent>),
    /// An estate to reconcile.
    Estate(Box<Estate>),
}

/// One shape and its size n.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Its name in the bench (`scaling/<name>/n` and `…/4n`).
    pub name: &'static str,
    /// What it exercises.
    pub kind: Kind,
    /// Its size n: documents, attributes, rights, Ents, devices or ledger lines.
    pub size: usize,
}

/// Every shape, at the sizes the bench uses.
#[must_use]
pub fn shapes() -> Vec<Shape> {
    use Kind::*;
    // Sizes large enough that n and 4n both leave the processor's caches: below that, 4n
    // falling out of a cache that n fits in adds up to a third to the ratio of a linear
    // shape (measured: 4.3 here against 5.7 at an eighth of the size). The attribute shapes
    // inside one element are bounded by the readers' limit of 256 and keep their size.
    [
        ("swid documents", SwidDocuments, 8_000),
        // 4n attributes and the Meta's own one: within the limit of 256.
        ("swid attributes", SwidAttributes, 63),
        (
            "swid attributes over the limit",
            SwidAttributesOverLimit,
            25_000,
        ),
        (
            "swid elements at the attribute limit",
            SwidElementsAtLimit,
            400,
        ),
        ("ent attributes", EntAttributes, 63),
        (
            "ent elements at the attribute limit",
            EntElementsAtLimit,
            400,
        ),
        ("ent rights on one line", EntOneLine, 4_000),
        ("ent consolidation chain", ConsolidationChain, 4_000),
        ("ent allocation chain", AllocationChain, 32_000),
        ("ent supplemental cycle", SupplementalCycle, 32_000),
        ("estate json", EstateJson, 8_000),
        ("ledger csv", LedgerCsv, 40_000),
        ("ledger json", LedgerJson, 40_000),
        (
            "sub-capacity peak over sampled days",
            SubcapacityPeak,
            4_000,
        ),
    ]
    .into_iter()
    .map(|(name, kind, size)| Shape {
        name,
        kind,
        size: match kind {
            SwidAttributes | EntAttributes => size,
            _ => size * factor(),
        },
    })
    .collect()
}

/// `ITAM_SCALING_FACTOR` (default 1): every n multiplied, to see a shape at other sizes.
fn factor() -> usize {
    std::env::var("ITAM_SCALING_FACTOR")
        .ok()
        .and_then(|f| f.parse().ok())
        .filter(|f| *f > 0)
        .unwrap_or(1)
}

impl Shape {
    /// The input at size n.
    #[must_use]
    pub fn n(&self) -> Input {
        input(self.kind, self.size)
    }

    /// The input at size 4n.
    #[must_use]
    pub fn four_n(&self) -> Input {
        input(self.kind, 4 * self.size)
    }

    /// Does with `input` what the shape measures; returns a count of what came out (tags
    /// read, rights, resolutions, installations, ledger lines), or 0 for a refusal.
    #[must_use]
    pub fn run(kind: Kind, input: &Input) -> usize {
        match input {
            Input::Ents(ents) => itam_ent::resolve::resolve_all(ents).len(),
            Input::Text(text) => run_text(kind, text),
            Input::Estate(estate) => {
                let mut policy = itam_reconcile::Policy::new(
                    chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
                );
                // Every sample is in the period, however far back.
                policy.params.peak_period_days = u32::MAX;
                itam_reconcile::reconcile(estate, &policy)
                    .map_or(0, |p| p.products.first().map_or(0, |l| l.demand as usize))
            }
        }
    }
}

fn run_text(kind: Kind, text: &str) -> usize {
    use Kind::*;
    const STRICT: itam_ent::ReadOptions = itam_ent::ReadOptions::STRICT;
    match kind {
        SwidDocuments | SwidAttributes | SwidAttributesOverLimit | SwidElementsAtLimit => {
            itam_swid::read::read_all_str(text, &itam_swid::read::ReadOptions::STRICT)
                .map_or(0, |tags| tags.len())
        }
        EntAttributes | EntOneLine => {
            itam_ent::read_str(text, &STRICT).map_or(0, |e| e.value.rights.len().max(1))
        }
        EntElementsAtLimit => {
            itam_ent::read_str(text, &STRICT).map_or(0, |e| e.value.ent_meta.len())
        }
        EstateJson => {
            serde_json::from_str::<Estate>(text).map_or(0, |e: Estate| e.installations.len())
        }
        LedgerCsv => Ledger::from_csv(text).map_or(0, |l| l.register.len() + l.purchases.len()),
        LedgerJson => serde_json::from_str::<Ledger>(text)
            .map_or(0, |l: Ledger| l.register.len() + l.purchases.len()),
        ConsolidationChain | AllocationChain | SupplementalCycle | SubcapacityPeak => 0,
    }
}

/// Eight 64-core Xeon hosts, `n` two-vCPU VMs running one product, and `n` capacity samples
/// on `n` days before 2026-01-01 (each a VM resized and moved to another host).
fn subcapacity_estate(n: usize) -> Estate {
    use itam_core::estate::{CapacitySample, Device, Installation, Software};
    let mut estate = Estate::default();
    for h in 0..8 {
        let mut d = Device::physical(format!("esx-{h}"));
        d.cores = 64;
        d.processor = Some("Intel Xeon".into());
        estate.devices.push(d);
    }
    estate.software.push(Software {
        tag_id: "was".into(),
        publisher: "IBM".into(),
        product: "WebSphere".into(),
        edition: None,
        version: "9".into(),
        version_scheme: Default::default(),
    });
    let last = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default();
    for k in 0..n {
        let mut vm = Device::virtual_on(format!("vm-{k}"), format!("esx-{}", k % 8));
        vm.cores = 2;
        estate.devices.push(vm);
        estate.installations.push(Installation {
            software: "was".into(),
            device: format!("vm-{k}").into(),
            user: None,
            last_used: None,
        });
        estate.capacity_samples.push(CapacitySample {
            at: last - chrono::Days::new(k as u64),
            device: format!("vm-{k}").into(),
            cores: Some(1 + (k % 8) as u32),
            host: Some(format!("esx-{}", (k * 3) % 8).into()),
        });
    }
    estate
        .entitlements
        .push(itam_core::estate::Entitlement::new(
            "E",
            itam_core::estate::ProductScope {
                product: Some("WebSphere".into()),
                ..Default::default()
            },
            itam_core::estate::Metric::IbmPvuSubcapacity,
            1_000,
        ));
    estate
}

/// The readers' default attribute limits.
const SWID_ATTRIBUTE_LIMIT: usize = 256;
const ENT_ATTRIBUTE_LIMIT: usize = 256;

const SWID_NS: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
const ENT_NS: &str = "http://standards.iso.org/iso/19770/-3/2016/schema.xsd";

fn swid_tag(i: usize, extra: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SoftwareIdentity xmlns=\"{SWID_NS}\" name=\"Tool {i}\" tagId=\"acme-tool-{i}\" version=\"1.{i}\">\n  \
         <Entity name=\"Acme\" regid=\"acme.example\" role=\"tagCreator softwareCreator\"/>\n  \
         <Meta product=\"Tool\"{extra}/>\n</SoftwareIdentity>\n"
    )
}

fn attributes(n: usize) -> String {
    (0..n).map(|i| format!(" x{i}=\"{i}\"")).collect()
}

fn ent_text(meta_extra: &str, rights: &str) -> String {
    format!(
        "<Ent xmlns=\"{ENT_NS}\" name=\"Tool\" entId=\"E-1\" entType=\"primary\" entitlementType=\"license\">\
         <EntMeta product=\"Tool\"{meta_extra}/>\
         <Entity name=\"Acme\" regid=\"acme.example\" role=\"entCreator licensor\"/>\
         <Entity name=\"Buyer\" regid=\"buyer.example\" role=\"licensee\"/>{rights}</Ent>"
    )
}

fn buyer() -> Entity {
    Entity::new("Buyer", "buyer.example", vec![])
}

fn primary(name: &str, qty: usize) -> Ent {
    ops::issue(
        Issue::new(
            name,
            "Product",
            Entity::new("Vendor", "vendor.example", vec![Role::Licensor]),
            buyer(),
        )
        .right(Right::new(RightName::Use).with_quantity(MetricType::Device, Decimal::from(qty))),
    )
}

fn allocation(from: &Ent, name: &str, qty: usize) -> Option<Ent> {
    ops::allocate(
        from,
        Supplement::new(name, buyer()),
        buyer(),
        &RightName::Use,
        &MetricType::Device,
        Decimal::from(qty),
    )
    .ok()
}

fn ledger(n: usize) -> Ledger {
    let mut csv = String::from(
        "record,number,line,date,supplier,serial,description,category,quantity,unit_price,cost,depreciation,currency,cost_centre\n",
    );
    for i in 0..n {
        if i % 2 == 0 {
            csv.push_str(&format!(
                "register,FA-{i},,2025-01-10,Contoso Ltd,s{i:06},Contoso R660 server,,,,9000.00,1500.00,EUR,cc-eng\n"
            ));
        } else {
            csv.push_str(&format!(
                "invoice,INV-{i},1,2025-02-01,Editor Co,,Editor subscription,software,10,120.50,,,EUR,cc-eng\n"
            ));
        }
    }
    Ledger::from_csv(&csv).unwrap_or_default()
}

fn input(kind: Kind, n: usize) -> Input {
    use Kind::*;
    match kind {
        SwidDocuments => Input::Text((0..n).map(|i| swid_tag(i, "")).collect()),
        SwidAttributes | SwidAttributesOverLimit => Input::Text(swid_tag(0, &attributes(n))),
        SwidElementsAtLimit => {
            // The root has its own attributes: each Meta has the rest of the limit.
            let meta = format!("<Meta{}/>", attributes(SWID_ATTRIBUTE_LIMIT - 4));
            Input::Text(swid_tag(0, "").replace(
                "</SoftwareIdentity>",
                &format!("{}</SoftwareIdentity>", meta.repeat(n)),
            ))
        }
        EntAttributes => Input::Text(ent_text(&attributes(n), "")),
        EntElementsAtLimit => {
            let meta = format!("<EntMeta{}/>", attributes(ENT_ATTRIBUTE_LIMIT - 1));
            Input::Text(
                ent_text("", "").replace("</Ent>", &format!("{}</Ent>", meta.repeat(n))),
            )
        }
        EntOneLine => Input::Text(ent_text(
            "",
            &(0..n)
                .map(|i| {
                    format!(
                        "<Right name=\"use\"><Metric type=\"device\"><Quantification quantity=\"{}\"/></Metric></Right>",
                        i + 1
                    )
                })
                .collect::<String>(),
        )),
        ConsolidationChain => {
            let mut ents = vec![primary("p0", 1)];
            let mut prev = ents.first().cloned();
            for k in 1..=n {
                let p = primary(&format!("p{k}"), 1);
                let Some(before) = prev.take() else { break };
                let c = ops::consolidate(
                    &[&before, &p],
                    Supplement::new(format!("c{k}"), buyer()),
                    "All",
                )
                .ok();
                ents.push(p);
                ents.extend(c.clone());
                prev = c;
            }
            Input::Ents(ents)
        }
        AllocationChain => {
            let mut ents = vec![primary("base", n + 1)];
            for k in 1..=n {
                let next = ents
                    .last()
                    .and_then(|from| allocation(from, &format!("a{k:06}"), n + 1 - k));
                ents.extend(next);
            }
            ents.reverse();
            Input::Ents(ents)
        }
        SupplementalCycle => {
            let base = primary("base", 1);
            let Some(like) = allocation(&base, "a", 1) else {
                return Input::Ents(Vec::new());
            };
            Input::Ents(
                (0..n)
                    .map(|k| {
                        let mut e = like.clone();
                        e.ent_id = EntId::new(format!("s{k:06}"));
                        e.links = vec![Link::to_ent(
                            &EntId::new(format!("s{:06}", (k + 1) % n)),
                            Rel::Supplemental,
                        )];
                        e
                    })
                    .collect(),
            )
        }
        EstateJson => {
            let mut p = GenParams::size(Size::S, 7);
            p.devices = n;
            p.users = n / 2;
            p.installs_per_device = 10;
            p.entitlements = n / 2;
            Input::Text(serde_json::to_string(&generate(&p)).unwrap_or_default())
        }
        LedgerCsv => Input::Text(ledger(n).to_csv()),
        LedgerJson => Input::Text(serde_json::to_string(&ledger(n)).unwrap_or_default()),
        SubcapacityPeak => Input::Estate(Box::new(subcapacity_estate(n))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// What `run` gives for each shape at size n, as the shape says it should.
    fn expected(shape: &Shape) -> usize {
        use Kind::*;
        let n = shape.size;
        match shape.kind {
            SwidDocuments => n,
            SwidAttributes | SwidElementsAtLimit => 1,
            // Refused: more attributes than the limit.
            SwidAttributesOverLimit => 0,
            EntAttributes => 1,
            // The one the header has, and n more.
            EntElementsAtLimit => n + 1,
            EntOneLine => n,
            // p0, c1…cn and p1…pn are bases.
            ConsolidationChain => 2 * n + 1,
            AllocationChain => 1,
            // One resolution for the whole cycle.
            SupplementalCycle => 1,
            EstateJson | LedgerCsv | LedgerJson | SubcapacityPeak => usize::MAX,
        }
    }

    #[test]
    fn every_input_takes_the_path_its_shape_names() {
        for shape in shapes() {
            // The small size keeps the test quick; the shapes are the same.
            let small = Shape {
                size: shape.size / 10,
                ..shape
            };
            let got = Shape::run(small.kind, &small.n());
            match expected(&small) {
                usize::MAX => assert!(got > 0, "{}: read nothing", small.name),
                want => assert_eq!(got, want, "{}", small.name),
            }
        }
    }

    #[test]
    fn four_n_is_four_times_n() {
        for shape in shapes() {
            let small = Shape {
                size: shape.size / 10,
                ..shape
            };
            let count = |i: &Input| match i {
                Input::Text(t) => t.len(),
                // What is read: the Ents' XML (a chain whose documents grew with their
                // depth would be quadratic input, not a quadratic resolution).
                Input::Ents(e) => e
                    .iter()
                    .map(|e| itam_ent::write(e).map_or(0, |xml| xml.len()))
                    .sum(),
                // The VMs and their samples.
                Input::Estate(e) => e.installations.len() + e.capacity_samples.len(),
            };
            // What grows with n, without what every input has whatever its size.
            let fixed = count(&input(small.kind, 0));
            let (a, b) = (count(&small.n()) - fixed, count(&small.four_n()) - fixed);
            assert!((3 * a..=5 * a).contains(&b), "{}: {a} then {b}", small.name);
        }
    }
}
