//! Contract terms projected from `Metric/Meta` attributes (DESIGN.md §10), and the metric
//! types in the catalogue's names.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use itam_core::estate::{Entitlement, Metric};
use itam_core::terms::{Aggregation, InstallRounding, Rounding, Stacking, Terms, Tier, TierBasis};
use itam_core::{Decimal, EntId};
use itam_ent::project::{Projection, project};
use itam_ent::{Ent, ReadOptions, read_str, resolve};

const NS: &str = "http://standards.iso.org/iso/19770/-3/2016/schema.xsd";

fn read(xml: &str) -> Ent {
    read_str(xml, &ReadOptions::STRICT).unwrap().value
}

/// A base Ent `t-1` with one `use` right of 10, counted by `metric`, whose `Metric` holds
/// `metas` (`Meta` elements, as XML).
fn base(metric: &str, metas: &str) -> Ent {
    read(&format!(
        r#"<Ent xmlns="{NS}" name="Acme DB" entId="t-1" entType="primary" entitlementType="license">
  <Entity name="Acme" regid="acme.example" role="entCreator licensor"/>
  <Entity name="Buyer" regid="buyer.example" role="licensee"/>
  <Right name="use">
    <Metric type="{metric}"><Quantification quantity="10"/>{metas}</Metric>
  </Right>
</Ent>"#
    ))
}

fn projected(ents: &[Ent]) -> Projection {
    let eff = resolve(&EntId::new("t-1"), ents).effective.unwrap();
    project(&eff)
}

/// The one fact of `t-1` counted by `metric` with `metas`, and the notes.
fn one(metric: &str, metas: &str) -> (Entitlement, Vec<String>) {
    let p = projected(&[base(metric, metas)]);
    assert_eq!(p.entitlements.len(), 1, "{:?}", p.notes);
    (p.entitlements.into_iter().next().unwrap(), p.notes)
}

fn has(notes: &[String], words: &[&str]) -> bool {
    notes.iter().any(|n| words.iter().all(|w| n.contains(w)))
}

#[test]
fn every_term_reads_from_metric_meta() {
    let (f, notes) = one(
        "installation",
        r#"<Meta installsPerLicence="2" installRounding="nearest"/>"#,
    );
    assert_eq!(f.metric, Metric::Installation);
    assert_eq!(f.terms.installs_per_licence, Some(2));
    assert_eq!(f.terms.install_rounding, Some(InstallRounding::Nearest));
    assert!(notes.is_empty(), "{notes:?}");

    let (f, notes) = one(
        "core",
        r#"<Meta coreMinPerProcessor="8" coreMinPerServer="16" coreMinPerVm="4" corePack="2"/>"#,
    );
    assert_eq!(
        f.terms,
        Terms {
            core_min_per_processor: Some(8),
            core_min_per_server: Some(16),
            core_min_per_vm: Some(4),
            core_pack: Some(2),
            ..Terms::default()
        }
    );
    assert!(notes.is_empty(), "{notes:?}");

    let (f, notes) = one(
        "oracleNup",
        r#"<Meta minimumPerProcessor="25" aggregation="coreFactorGroup"/><Meta rounding="eachServer"/>"#,
    );
    assert_eq!(f.metric, Metric::OracleNup);
    assert_eq!(f.terms.oracle_nup_min_per_processor, Some(25));
    assert_eq!(
        f.terms.oracle_aggregation,
        Some(Aggregation::CoreFactorGroup)
    );
    assert_eq!(f.terms.oracle_rounding, Some(Rounding::EachServer));
    assert!(notes.is_empty(), "{notes:?}");

    let (f, notes) = one("windowsServerStandard", r#"<Meta stacking="cluster"/>"#);
    assert_eq!(f.metric, Metric::WindowsServerStandard);
    assert_eq!(f.terms.windows_stacking, Some(Stacking::Cluster));
    assert!(notes.is_empty(), "{notes:?}");

    let (f, notes) = one(
        "sqlServerEnterpriseCore",
        r#"<Meta licenseMobility="true"/>"#,
    );
    assert_eq!(f.metric, Metric::SqlServerEnterpriseCore);
    assert_eq!(f.terms.license_mobility, Some(true));
    assert!(notes.is_empty(), "{notes:?}");
    let p = projected(&[base("oracleProcessor", r#"<Meta licenseMobility="yes"/>"#)]);
    assert_eq!(p.entitlements[0].terms.license_mobility, None);
    assert!(
        has(&p.notes, &["licenseMobility", "\"yes\"", "true, false"]),
        "{:?}",
        p.notes
    );

    let (f, notes) = one("ibmPvuSubcapacity", r#"<Meta peakPeriodDays="90"/>"#);
    assert_eq!(f.metric, Metric::IbmPvuSubcapacity);
    assert_eq!(f.terms.peak_period_days, Some(90));
    assert!(notes.is_empty(), "{notes:?}");

    for (word, basis) in [
        ("cores", TierBasis::Cores),
        ("processors", TierBasis::Processors),
        ("installations", TierBasis::Installations),
    ] {
        let (f, notes) = one("tiered", &format!(r#"<Meta tierBasis="{word}"/>"#));
        assert_eq!(f.terms.tier_basis, Some(basis));
        assert!(notes.is_empty(), "{notes:?}");
    }
    // The other words of each vocabulary.
    for (metas, want) in [
        (
            r#"<Meta installRounding="up"/>"#,
            Terms {
                install_rounding: Some(InstallRounding::Up),
                ..Terms::default()
            },
        ),
        (
            r#"<Meta installRounding="down"/>"#,
            Terms {
                install_rounding: Some(InstallRounding::Down),
                ..Terms::default()
            },
        ),
    ] {
        assert_eq!(one("installation", metas).0.terms, want);
    }
    for (word, agg) in [
        ("host", Aggregation::Host),
        ("cluster", Aggregation::Cluster),
        ("estate", Aggregation::Estate),
    ] {
        let (f, _) = one(
            "oracle_processor",
            &format!(r#"<Meta aggregation="{word}" rounding="aggregate"/>"#),
        );
        assert_eq!(f.terms.oracle_aggregation, Some(agg));
        assert_eq!(f.terms.oracle_rounding, Some(Rounding::Aggregate));
    }
    assert_eq!(
        one("windows_server_datacenter", r#"<Meta stacking="host"/>"#)
            .0
            .terms
            .windows_stacking,
        Some(Stacking::Host)
    );
}

#[test]
fn tier_bands_keep_document_order() {
    let (f, notes) = one(
        "tiered",
        r#"<Meta tierUpTo="8" tierFactor="1"/><Meta tierBasis="processors"/><Meta tierUpTo="32" tierFactor="0.5"/><Meta tierFactor="0.25"/>"#,
    );
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        f.terms.tiers,
        Some(vec![
            Tier {
                up_to: Some(8),
                factor: Decimal::ONE
            },
            Tier {
                up_to: Some(32),
                factor: Decimal::new(5, 1)
            },
            Tier {
                up_to: None,
                factor: Decimal::new(25, 2)
            },
        ])
    );
    assert_eq!(f.terms.tier_basis, Some(TierBasis::Processors));
    assert!(f.terms.problem().is_none());
}

#[test]
fn a_value_that_does_not_read_is_noted_and_not_projected() {
    for (metric, metas, words) in [
        (
            "installation",
            r#"<Meta installsPerLicence="abc"/>"#,
            &[
                r#"t-1: Metric Meta installsPerLicence "abc" is not a whole number ≥ 1; not projected"#,
            ][..],
        ),
        (
            "installation",
            r#"<Meta installsPerLicence="0"/>"#,
            &[
                "installsPerLicence \"0\" cannot count",
                "installs_per_licence is 0",
            ][..],
        ),
        (
            "installation",
            r#"<Meta installsPerLicence="-1"/>"#,
            &["installsPerLicence \"-1\" is not a whole number ≥ 1"][..],
        ),
        (
            "installation",
            r#"<Meta installRounding="ceiling"/>"#,
            &["installRounding \"ceiling\" is not one of up, nearest, down; not projected"][..],
        ),
        (
            "core",
            r#"<Meta corePack="0"/>"#,
            &["corePack \"0\" cannot count", "core_pack is 0"][..],
        ),
        (
            "core",
            r#"<Meta coreMinPerVm="4.5"/>"#,
            &["coreMinPerVm \"4.5\" is not a whole number; not projected"][..],
        ),
        (
            "core",
            r#"<Meta coreMinPerProcessor=""/>"#,
            &["coreMinPerProcessor \"\" is not a whole number"][..],
        ),
        (
            "core",
            r#"<Meta coreMinPerServer="many"/>"#,
            &["coreMinPerServer \"many\" is not a whole number"][..],
        ),
        (
            "oracle_nup",
            r#"<Meta minimumPerProcessor="x"/>"#,
            &["minimumPerProcessor \"x\" is not a whole number"][..],
        ),
        (
            "oracle_nup",
            r#"<Meta aggregation="core_factor_group"/>"#,
            &[
                "aggregation \"core_factor_group\" is not one of host, cluster, coreFactorGroup, estate",
            ][..],
        ),
        (
            "oracle_nup",
            r#"<Meta rounding="each_server"/>"#,
            &["rounding \"each_server\" is not one of aggregate, eachServer"][..],
        ),
        (
            "windows_server_standard",
            r#"<Meta stacking="vm"/>"#,
            &["stacking \"vm\" is not one of host, cluster"][..],
        ),
        (
            "ibm_pvu_subcapacity",
            r#"<Meta peakPeriodDays="99999999999"/>"#,
            &["peakPeriodDays \"99999999999\" is not a whole number of days"][..],
        ),
        (
            "tiered",
            r#"<Meta tierBasis="sockets"/>"#,
            &["tierBasis \"sockets\" is not one of cores, processors, installations"][..],
        ),
    ] {
        let (f, notes) = one(metric, metas);
        assert!(f.terms.is_empty(), "{metas}: {:?}", f.terms);
        assert!(has(&notes, words), "{metas}: {notes:?}");
        assert_eq!(notes.len(), 1, "{metas}: {notes:?}");
    }
}

#[test]
fn bad_tier_bands_are_noted_and_leave_every_band_out() {
    for (metas, words) in [
        (
            r#"<Meta tierUpTo="8" tierFactor="one"/><Meta tierFactor="0.5"/>"#,
            &["tierFactor \"one\" is not a decimal ≥ 0; tiers not projected"][..],
        ),
        (
            r#"<Meta tierUpTo="8" tierFactor="-1"/><Meta tierFactor="0.5"/>"#,
            &["tierFactor \"-1\" is not a decimal ≥ 0"][..],
        ),
        (
            r#"<Meta tierUpTo="eight" tierFactor="1"/><Meta tierFactor="0.5"/>"#,
            &["tierUpTo \"eight\" is not a whole number; tiers not projected"][..],
        ),
        (
            r#"<Meta tierUpTo="8"/><Meta tierFactor="0.5"/>"#,
            &["tierUpTo \"8\" has no tierFactor beside it; tiers not projected"][..],
        ),
        // Read, but refused by `tier_problem`: ends that do not rise, an open band first.
        (
            r#"<Meta tierUpTo="8" tierFactor="1"/><Meta tierUpTo="8" tierFactor="0.5"/>"#,
            &["bands cannot count", "tiers/1", "tiers not projected"][..],
        ),
        (
            r#"<Meta tierFactor="1"/><Meta tierUpTo="8" tierFactor="0.5"/>"#,
            &["bands cannot count", "tiers/0"][..],
        ),
    ] {
        let (f, notes) = one("tiered", metas);
        assert_eq!(f.terms.tiers, None, "{metas}");
        assert!(has(&notes, words), "{metas}: {notes:?}");
        assert_eq!(notes.len(), 1, "{metas}: {notes:?}");
    }
    // A bad band leaves the other terms as read.
    let (f, _) = one("tiered", r#"<Meta tierBasis="cores" tierFactor="x"/>"#);
    assert_eq!(f.terms.tier_basis, Some(TierBasis::Cores));
    assert_eq!(f.terms.tiers, None);
}

#[test]
fn an_attribute_that_is_no_term_is_noted() {
    let (f, notes) = one(
        "installation",
        r#"<Meta installsPerLicense="2" installsPerLicence="3" xmlns:v="urn:v" v:note="x"/>"#,
    );
    assert_eq!(f.terms.installs_per_licence, Some(3));
    assert!(
        has(
            &notes,
            &[
                r#"t-1: Metric Meta attribute installsPerLicense="2" is not a contract term; not projected"#
            ]
        ),
        "{notes:?}"
    );
    assert!(
        has(
            &notes,
            &[r#"attribute {urn:v}note="x" is not a contract term"#]
        ),
        "{notes:?}"
    );
    assert_eq!(notes.len(), 2, "{notes:?}");
}

#[test]
fn a_later_differing_value_is_noted_and_the_first_kept() {
    let (f, notes) = one(
        "installation",
        r#"<Meta installsPerLicence="2"/><Meta installsPerLicence="2"/><Meta installsPerLicence="4"/>"#,
    );
    assert_eq!(f.terms.installs_per_licence, Some(2));
    assert_eq!(
        notes,
        [r#"t-1: Metric Meta installsPerLicence "4" is not projected; the first, "2", is"#]
    );
}

#[test]
fn a_term_the_metric_does_not_read_is_projected_and_noted() {
    let (f, notes) = one("device", r#"<Meta stacking="cluster" tierFactor="1"/>"#);
    assert_eq!(f.metric, Metric::Device);
    assert_eq!(f.terms.windows_stacking, Some(Stacking::Cluster));
    assert_eq!(f.terms.tiers.as_ref().map(Vec::len), Some(1));
    assert!(f.terms.for_metric(&Metric::Device).is_empty());
    assert!(
        has(
            &notes,
            &[
                "t-1: Metric Meta stacking is projected as windows_stacking, but metric `device` does not read it"
            ]
        ),
        "{notes:?}"
    );
    assert!(
        has(
            &notes,
            &[
                "Metric Meta tierUpTo/tierFactor is projected as tiers, but metric `device` does not read it"
            ]
        ),
        "{notes:?}"
    );
    assert_eq!(notes.len(), 2, "{notes:?}");
    // `installation` reads installsPerLicence but not corePack.
    let (_, notes) = one(
        "installation",
        r#"<Meta installsPerLicence="2" corePack="4"/>"#,
    );
    assert_eq!(
        notes,
        [
            "t-1: Metric Meta corePack is projected as core_pack, but metric `installation` does not read it"
        ]
    );
}

#[test]
fn catalogue_metric_types_in_snake_and_camel_case() {
    for m in Metric::KNOWN {
        let snake = m.as_str().to_owned();
        let camel: String = snake
            .split('_')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.to_owned()
                } else {
                    let mut c = part.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                }
            })
            .collect();
        for name in [snake.as_str(), camel.as_str()] {
            let (f, notes) = one(name, "");
            assert_eq!(f.metric, m, "{name}");
            assert!(notes.is_empty(), "{name}: {notes:?}");
        }
    }
    for (name, want) in [
        ("oracleNup", Metric::OracleNup),
        ("ibmPvuSubcapacity", Metric::IbmPvuSubcapacity),
        ("windowsServerStandard", Metric::WindowsServerStandard),
        ("oracleSe2", Metric::OracleSe2),
        ("redHatSocketPair", Metric::RedHatSocketPair),
        // The Ent's own types keep their mappings.
        ("namedUser", Metric::NamedUser),
        ("instance", Metric::Installation),
        ("socket", Metric::Processor),
        // Neither: kept as it is.
        ("OracleNup", Metric::Other("OracleNup".into())),
        ("pvu", Metric::Other("pvu".into())),
        ("oracle-nup", Metric::Other("oracle-nup".into())),
    ] {
        assert_eq!(one(name, "").0.metric, want, "{name}");
    }
}

#[test]
fn allocation_facts_carry_the_terms_of_their_fact() {
    let ents = vec![
        base(
            "oracleNup",
            r#"<Meta minimumPerProcessor="25" aggregation="cluster"/>"#,
        ),
        read(&format!(
            r#"<Ent xmlns="{NS}" name="Acme DB (Finance)" entId="t-1-fin" entType="supplemental"
     supplementalEntType="allocation" issued="2025-04-01T09:00:00Z">
  <Entity name="Buyer" regid="buyer.example" role="entCreator"/>
  <Entity name="Finance" regid="buyer.example" role="allocatee"/>
  <Right name="use"><Metric type="oracleNup"><Quantification quantity="4"/></Metric></Right>
  <Link href="ent:t-1" rel="supplemental"/>
</Ent>"#
        )),
    ];
    let p = projected(&ents);
    let ids: Vec<&str> = p.entitlements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["t-1", "t-1@t-1-fin"], "{:?}", p.notes);
    let want = Terms {
        oracle_nup_min_per_processor: Some(25),
        oracle_aggregation: Some(Aggregation::Cluster),
        ..Terms::default()
    };
    for f in &p.entitlements {
        assert_eq!(f.metric, Metric::OracleNup);
        assert_eq!(f.terms, want, "{}", f.id);
    }
    assert_eq!(
        p.entitlements
            .iter()
            .map(|e| e.quantity)
            .collect::<Vec<_>>(),
        [Decimal::from(6), Decimal::from(4)]
    );
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn a_right_an_addition_grants_reads_the_additions_metric() {
    let addition = read(&format!(
        r#"<Ent xmlns="{NS}" name="Acme DB (more)" entId="t-1-add" entType="supplemental"
     supplementalEntType="addition" issued="2025-05-01T09:00:00Z">
  <Entity name="Buyer" regid="buyer.example" role="entCreator"/>
  <Right name="install">
    <Metric type="installation"><Quantification quantity="5"/><Meta installsPerLicence="3"/></Metric>
  </Right>
  <Link href="ent:t-1" rel="supplemental"/>
</Ent>"#
    ));
    let ents = vec![base("core", r#"<Meta corePack="2"/>"#), addition];
    let p = projected(&ents);
    assert_eq!(p.entitlements.len(), 2, "{:?}", p.notes);
    let by = |m: Metric| p.entitlements.iter().find(|e| e.metric == m).unwrap();
    assert_eq!(by(Metric::Core).terms.core_pack, Some(2));
    assert_eq!(by(Metric::Core).terms.installs_per_licence, None);
    assert_eq!(by(Metric::Installation).terms.installs_per_licence, Some(3));
    assert_eq!(by(Metric::Installation).terms.core_pack, None);
}

#[test]
fn without_metric_meta_the_terms_are_the_default() {
    let plain = base("core", "");
    let p = projected(std::slice::from_ref(&plain));
    assert_eq!(p.entitlements[0].terms, Terms::default());
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    // The fact's JSON has no `terms`, as before.
    let json = serde_json::to_string(&p.entitlements[0]).unwrap();
    assert!(!json.contains("terms"), "{json}");
    // The sample Ents project no terms either.
    let dir = format!("{}/tests/data", env!("CARGO_MANIFEST_DIR"));
    let ents: Vec<Ent> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            path.to_str()
                .is_some_and(|p| p.ends_with(".ent.xml"))
                .then(|| read(&std::fs::read_to_string(&path).unwrap()))
        })
        .collect();
    assert!(ents.len() > 5);
    for ent in &ents {
        if let Some(eff) = resolve(&ent.ent_id, &ents).effective {
            let p = project(&eff);
            assert!(
                p.entitlements.iter().all(|e| e.terms.is_empty()),
                "{}",
                ent.ent_id
            );
        }
    }
}

#[test]
fn a_consolidation_keeps_its_sources_terms() {
    use itam_ent::ops::{Supplement, consolidate};
    let with = |id: &str, metas: &str| {
        let mut e = base("installation", metas);
        e.ent_id = EntId::new(id);
        e
    };
    let buyer = || itam_ent::Entity::new("Buyer", "buyer.example", vec![]);
    // Two contracts with the same terms: the consolidation carries them once.
    let a = with("t-a", r#"<Meta installsPerLicence="2"/>"#);
    let b = with("t-b", r#"<Meta installsPerLicence="2"/>"#);
    let c = consolidate(&[&a, &b], Supplement::new("t-c", buyer()), "All").unwrap();
    assert_eq!(c.rights[0].metrics[0].meta.len(), 1);
    let ents = vec![a.clone(), b, c];
    let eff = resolve(&EntId::new("t-c"), &ents).effective.unwrap();
    let p = project(&eff);
    assert_eq!(p.entitlements.len(), 1, "{:?}", p.notes);
    assert_eq!(p.entitlements[0].quantity, Decimal::from(20));
    assert_eq!(p.entitlements[0].terms.installs_per_licence, Some(2));
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    // Different terms: the first source's are projected, the other's noted.
    let b = with("t-b", r#"<Meta installsPerLicence="3"/>"#);
    let c = consolidate(&[&a, &b], Supplement::new("t-c", buyer()), "All").unwrap();
    let ents = vec![a, b, c];
    let eff = resolve(&EntId::new("t-c"), &ents).effective.unwrap();
    assert_eq!(eff.rights[0].metric_meta.len(), 2);
    let p = project(&eff);
    assert_eq!(p.entitlements[0].terms.installs_per_licence, Some(2));
    assert!(
        has(
            &p.notes,
            &["installsPerLicence", "\"3\"", "the first", "\"2\""]
        ),
        "{:?}",
        p.notes
    );
    // The effective entitlement's JSON keeps the Metas.
    let back: resolve::Effective =
        serde_json::from_str(&serde_json::to_string(&eff).unwrap()).unwrap();
    assert_eq!(back, eff);
}

#[test]
fn the_ent_metric_types_of_resources_project_to_the_catalogue() {
    for (ty, metric) in [
        ("capacity", Metric::Capacity),
        ("transaction", Metric::Transaction),
        ("enterprise", Metric::Enterprise),
        ("memory", Metric::Memory),
        ("node", Metric::Node),
    ] {
        let (f, notes) = one(ty, "");
        assert_eq!(f.metric, metric, "{ty}");
        assert!(notes.is_empty(), "{notes:?}");
    }
}

#[test]
fn a_user_defined_metric_reads_its_grants_from_metric_meta() {
    use itam_core::terms::{Grant, GrantScope, MetricDefinition, Resource};
    // One copy = 64 GB of memory + 1 node, pooled over the estate.
    let (f, notes) = one(
        "hanaCopy",
        r#"<Meta resource="memory_gb" perUnit="64"/><Meta resource="nodes"/><Meta resourceScope="estate"/>"#,
    );
    assert_eq!(f.metric, Metric::Other("hanaCopy".into()));
    assert_eq!(
        f.terms.definition,
        Some(MetricDefinition {
            resources: vec![
                Grant {
                    resource: Resource::MemoryGb,
                    per_unit: Decimal::from(64),
                },
                Grant {
                    resource: Resource::Nodes,
                    per_unit: Decimal::ONE,
                },
            ],
            scope: GrantScope::Estate,
        })
    );
    assert!(notes.is_empty(), "{notes:?}");
    // A measured resource and a device attribute, per device (the default).
    let (f, notes) = one(
        "apiMillion",
        r#"<Meta resource="measured:api_calls" perUnit="1000000"/><Meta resource="attribute:storage_tb"/>"#,
    );
    let d = f.terms.definition.unwrap();
    assert_eq!(d.scope, GrantScope::Device);
    assert_eq!(
        d.text(),
        "measured:api_calls/1000000+attribute:storage_tb/1@device"
    );
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn grants_that_do_not_read_or_cannot_count_are_noted_and_left_out() {
    let cases = [
        (
            r#"<Meta resource="memory"/>"#,
            vec!["resource \"memory\"", "not projected"],
        ),
        (
            r#"<Meta resource="nodes" perUnit="0"/>"#,
            vec!["perUnit \"0\"", "not projected"],
        ),
        (
            r#"<Meta perUnit="64"/>"#,
            vec!["perUnit \"64\" has no resource"],
        ),
        (
            r#"<Meta resource="nodes"/><Meta resource="nodes" perUnit="2"/>"#,
            vec!["granted twice"],
        ),
        (
            r#"<Meta resourceScope="estate"/>"#,
            vec!["resourceScope without any resource"],
        ),
        (
            r#"<Meta resource="nodes" resourceScope="site"/>"#,
            vec!["resourceScope \"site\"", "device, estate"],
        ),
    ];
    for (metas, words) in cases {
        let (f, notes) = one("custom", metas);
        if !words.iter().any(|w| w.contains("resourceScope \"site\"")) {
            assert_eq!(f.terms.definition, None, "{metas}");
        }
        assert!(has(&notes, &words), "{metas}: {notes:?}");
    }
    // A definition on a catalogue metric is projected as written, and noted.
    let (f, notes) = one("core", r#"<Meta resource="nodes"/>"#);
    assert!(f.terms.definition.is_some());
    assert!(
        has(&notes, &["resource/perUnit", "does not read"]),
        "{notes:?}"
    );
}
