//! Property tests: `read_str(write(m).unwrap(), &ReadOptions::STRICT).map(Parsed::into_value) == m` and `write(read_str(write(m), &ReadOptions::STRICT).map(Parsed::into_value)).unwrap() == write(m).unwrap()` for generated
//! models, including kept foreign attributes, extension elements, comments and signatures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use itam_core::version::Bound;
use itam_core::{Decimal, EntId, RegId, TagId, VersionRange, VersionScheme};
use itam_ent::model::*;
use itam_ent::profile::DEFAULT_NAMESPACE;
use itam_ent::values::*;
use itam_ent::xml::{BaseElement, Extension, QName, XmlAttribute, XmlElement, XmlNode};
use itam_ent::{Parsed, ReadOptions, read_str, write};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    "[ -~éß\t\n]{0,10}"
}

fn token() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9-]{0,8}"
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..6).prop_map(|(m, s)| Decimal::new(m, s))
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1i32..3_652_000).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap_or_default())
}

fn timestamp() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (
        -2_000_000_000i64..20_000_000_000,
        -14i32 * 4..=14 * 4,
        prop_oneof![Just(0u32), 0u32..1_000_000_000],
    )
        .prop_map(|(secs, quarter_hours, nanos)| {
            let off = FixedOffset::east_opt(quarter_hours * 900).unwrap();
            off.timestamp_opt(secs, nanos).single().unwrap()
        })
}

macro_rules! open {
    ($t:ty) => {
        prop_oneof![
            proptest::sample::select(<$t>::KNOWN),
            text().prop_map(|s| <$t>::from(s.as_str())),
        ]
    };
}

fn foreign_attrs() -> impl Strategy<Value = Vec<XmlAttribute>> {
    btree_map("[a-z]{1,4}", text(), 0..2).prop_map(|m| {
        m.into_iter()
            .map(|(k, v)| XmlAttribute::new(QName::prefixed("urn:x", "x", k), v))
            .collect()
    })
}

fn foreign_element() -> impl Strategy<Value = XmlElement> {
    let leaf = ("[a-z]{1,4}", foreign_attrs(), option::of("[a-z]{1,5}")).prop_map(
        |(name, attributes, t)| XmlElement {
            name: QName::prefixed("urn:x", "x", name),
            namespaces: Vec::new(),
            attributes,
            children: t.into_iter().map(XmlNode::Text).collect(),
        },
    );
    leaf.prop_recursive(2, 6, 3, |inner| {
        ("[a-z]{1,4}", foreign_attrs(), vec(inner, 0..3)).prop_map(|(name, attributes, kids)| {
            XmlElement {
                name: QName::prefixed("urn:x", "x", name),
                namespaces: Vec::new(),
                attributes,
                children: kids.into_iter().map(XmlNode::Element).collect(),
            }
        })
    })
}

fn signature() -> XmlElement {
    let ds = "http://www.w3.org/2000/09/xmldsig#";
    XmlElement {
        name: QName::prefixed(ds, "ds", "Signature"),
        namespaces: Vec::new(),
        attributes: Vec::new(),
        children: vec![XmlNode::Element(XmlElement {
            name: QName::prefixed(ds, "ds", "SignatureValue"),
            namespaces: Vec::new(),
            attributes: Vec::new(),
            children: vec![XmlNode::Text("c2ln".into())],
        })],
    }
}

/// Unknown content for an element with `known` known children: sorted positions in range.
fn extensions(known: usize) -> impl Strategy<Value = Vec<Extension>> {
    vec(
        (
            0..=known,
            prop_oneof![
                foreign_element().prop_map(XmlNode::Element),
                "[a-z ]{0,6}".prop_map(XmlNode::Comment),
            ],
        ),
        0..3,
    )
    .prop_map(|mut v| {
        v.sort_by_key(|(p, _)| *p);
        v.into_iter()
            .map(|(position, node)| Extension { position, node })
            .collect()
    })
}

fn base() -> impl Strategy<Value = BaseElement> {
    (option::of("[a-z]{2}(-[A-Z]{2})?"), foreign_attrs()).prop_map(|(lang, attributes)| {
        BaseElement {
            lang,
            attributes,
            extensions: Vec::new(),
        }
    })
}

fn meta() -> impl Strategy<Value = Meta> {
    (base(), btree_map("[a-z]{1,6}", text(), 0..3)).prop_map(|(mut base, plain)| {
        for (k, v) in plain {
            base.attributes.push(XmlAttribute::new(QName::local(k), v));
        }
        Meta { base }
    })
}

fn metas() -> impl Strategy<Value = Vec<Meta>> {
    vec(meta(), 0..2)
}

fn entity() -> impl Strategy<Value = Entity> {
    (
        text(),
        option::of(text().prop_map(RegId::new)),
        vec(token().prop_map(|t| Role::from(t.as_str())), 0..3),
        option::of(text()),
        metas(),
        base(),
    )
        .prop_flat_map(|(name, regid, role, thumbprint, meta, base)| {
            let n = meta.len();
            (
                Just(Entity {
                    name,
                    regid,
                    role,
                    thumbprint,
                    meta,
                    base,
                }),
                extensions(n),
            )
        })
        .prop_map(|(mut e, ext)| {
            e.base.extensions = ext;
            e
        })
}

fn range() -> impl Strategy<Value = VersionRange> {
    let bound = prop_oneof![
        Just(Bound::Unbounded),
        text().prop_map(Bound::Inclusive),
        text().prop_map(Bound::Exclusive),
    ];
    (
        text().prop_map(|s| VersionScheme::from(s.as_str())),
        bound.clone(),
        bound,
    )
        .prop_map(|(s, lo, hi)| VersionRange::new(s, lo, hi))
}

fn right() -> impl Strategy<Value = Right> {
    let quant = (
        option::of(decimal()),
        option::of(text()),
        option::of(decimal()),
        option::of(any::<bool>()),
        base(),
    )
        .prop_map(|(quantity, unit, factor, unlimited, base)| Quantification {
            quantity,
            unit,
            factor,
            unlimited,
            base,
        });
    let test = (
        option::of(text()),
        option::of(text()),
        option::of(text()),
        base(),
    )
        .prop_map(|(name, description, href, base)| TestMethod {
            name,
            description,
            href,
            base,
        });
    let metric = (
        open!(MetricType),
        vec(quant, 0..2),
        vec(test, 0..2),
        metas(),
        base(),
    )
        .prop_map(
            |(metric_type, quantification, test_methods, meta, base)| Metric {
                metric_type,
                quantification,
                test_methods,
                meta,
                base,
            },
        );
    let time = (
        option::of(timestamp()),
        option::of(timestamp()),
        option::of(decimal()),
        option::of(open!(DurationUnit)),
        base(),
    )
        .prop_map(|(start, end, duration, duration_unit, base)| LimitTime {
            start,
            end,
            duration,
            duration_unit,
            base,
        });
    let limit = (
        open!(LimitType),
        option::of(text()),
        vec(time, 0..2),
        metas(),
        base(),
    )
        .prop_map(|(limit_type, value, limit_time, meta, base)| Limit {
            limit_type,
            value,
            limit_time,
            meta,
            base,
        });
    let vv = (
        range(),
        option::of(text().prop_map(TagId::new)),
        option::of(text()),
        base(),
    )
        .prop_map(|(range, tag_id, persistent_id, base)| ValidVersion {
            range,
            tag_id,
            persistent_id,
            base,
        });
    (
        open!(RightName),
        vec(metric, 0..2),
        vec(limit, 0..2),
        vec(vv, 0..2),
        vec(link(), 0..2),
        metas(),
        base(),
    )
        .prop_flat_map(
            |(name, metrics, limits, valid_versions, links, meta, base)| {
                let n =
                    metrics.len() + limits.len() + valid_versions.len() + links.len() + meta.len();
                (
                    Just(Right {
                        name,
                        metrics,
                        limits,
                        valid_versions,
                        links,
                        meta,
                        base,
                    }),
                    extensions(n),
                )
            },
        )
        .prop_map(|(mut r, ext)| {
            r.base.extensions = ext;
            r
        })
}

fn link() -> impl Strategy<Value = Link> {
    let content = (
        option::of(text()),
        option::of(text()),
        option::of(text()),
        text(),
        base(),
    )
        .prop_map(
            |(media_type, digest, digest_algorithm, text, base)| LinkContent {
                media_type,
                digest,
                digest_algorithm,
                text,
                base,
            },
        );
    (
        text(),
        open!(Rel),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        vec(content, 0..2),
        base(),
    )
        .prop_map(
            |(href, rel, artifact, media, media_type, use_, content, base)| Link {
                href,
                rel,
                artifact,
                media,
                ownership: None,
                media_type,
                use_,
                content,
                base,
            },
        )
}

fn ent() -> impl Strategy<Value = Ent> {
    let head = (
        text(),
        text().prop_map(EntId::new),
        any::<u64>(),
        open!(EntType),
        option::of(open!(SupplementalEntType)),
        option::of(open!(EntitlementType)),
        option::of(timestamp()),
        base(),
    );
    let ent_meta = (
        option::of(text()),
        option::of(open!(ChannelType)),
        option::of(open!(TrustLevel)),
        option::of(open!(FossCopyleft)),
        option::of(text()),
        option::of(text()),
        base(),
    )
        .prop_map(
            |(description, channel_type, trust_level, foss_copyleft, product, edition, base)| {
                EntMeta {
                    description,
                    channel_type,
                    trust_level,
                    foss_copyleft,
                    product,
                    edition,
                    base,
                    ..EntMeta::default()
                }
            },
        );
    let contract = (
        option::of(text()),
        option::of(date()),
        option::of(date()),
        metas(),
        base(),
    )
        .prop_map(|(contract_id, start_date, end_date, meta, base)| Contract {
            contract_id,
            start_date,
            end_date,
            meta,
            base,
            ..Contract::default()
        });
    let order = (
        option::of(text()),
        option::of(date()),
        option::of(decimal()),
        base(),
    )
        .prop_map(|(order_id, order_date, quantity, base)| OrderInfo {
            order_id,
            order_date,
            quantity,
            base,
            ..OrderInfo::default()
        });
    let invoice = (
        option::of(date()),
        option::of(decimal()),
        option::of(decimal()),
        option::of("[A-Z]{3}"),
        base(),
    )
        .prop_map(
            |(invoice_date, amount, unit_price, currency, base)| InvoiceData {
                invoice_date,
                amount,
                unit_price,
                currency,
                base,
                ..InvoiceData::default()
            },
        );
    let body = (
        vec(ent_meta, 0..2),
        vec(entity(), 1..3),
        vec(contract, 0..2),
        vec(order, 0..2),
        vec(invoice, 0..2),
        vec(right(), 0..3),
        vec(link(), 0..2),
        metas(),
        any::<bool>(),
    );
    (head, body)
        .prop_flat_map(|(head, body)| {
            let n = body.0.len()
                + body.1.len()
                + body.2.len()
                + body.3.len()
                + body.4.len()
                + body.5.len()
                + body.6.len()
                + body.7.len();
            (Just((head, body)), extensions(n), Just(n))
        })
        .prop_map(|((head, body), mut ext, n)| {
            let (name, ent_id, rev, ent_type, sup, kind, issued, mut base) = head;
            let (ent_meta, entities, contracts, order_info, invoice_data, rights, links, meta, sig) =
                body;
            if sig {
                ext.push(Extension::element(n, signature()));
            }
            base.extensions = ext;
            Ent {
                name,
                ent_id,
                ent_revision: rev,
                ent_type,
                supplemental_ent_type: sup,
                entitlement_type: kind,
                issued,
                ent_meta,
                entities,
                contracts,
                order_info,
                invoice_data,
                rights,
                links,
                meta,
                base,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn read_of_write_is_identity(m in ent()) {
        let text = write(&m).unwrap();
        let back = read_str(&text, &ReadOptions::STRICT).map(Parsed::into_value);
        prop_assert!(back.is_ok(), "{:?}\n{}", back, text);
        let back = back.unwrap();
        prop_assert_eq!(&back, &m, "{}", text);
        prop_assert_eq!(write(&back).unwrap(), text);
    }
}

fn known_children(e: &Ent) -> usize {
    e.ent_meta.len()
        + e.entities.len()
        + e.contracts.len()
        + e.order_info.len()
        + e.invoice_data.len()
        + e.rights.len()
        + e.links.len()
        + e.meta.len()
}

/// Inserts `ext` into sorted extensions, keeping them sorted by position.
fn insert(exts: &mut Vec<Extension>, ext: Extension) {
    let at = exts.partition_point(|e| e.position <= ext.position);
    exts.insert(at, ext);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// What only a lax read keeps (stray text, unknown elements in the Ent namespace) also
    /// round-trips.
    #[test]
    fn lax_content_round_trips(
        m in ent(),
        text_at in 0usize..10,
        text in "[a-z]{1,5}",
        unknown_at in 0usize..10,
        unknown in "Zz[a-z]{1,4}",
    ) {
        let mut m = m;
        let n = known_children(&m);
        insert(&mut m.base.extensions, Extension { position: text_at.min(n), node: XmlNode::Text(text) });
        let el = XmlElement {
            name: QName { namespace: Some(DEFAULT_NAMESPACE.to_owned()), prefix: None, local: unknown },
            namespaces: Vec::new(),
            attributes: vec![XmlAttribute::new(QName::local("a"), "1")],
            children: Vec::new(),
        };
        insert(&mut m.base.extensions, Extension::element(unknown_at.min(n), el));
        let out = write(&m).unwrap();
        prop_assert!(read_str(&out, &ReadOptions::STRICT).map(Parsed::into_value).is_err(), "strict must refuse stray text");
        let back = read_str(&out, &ReadOptions::LAX).map(Parsed::into_value);
        prop_assert!(back.is_ok(), "{:?}\n{}", back, out);
        let back = back.unwrap();
        prop_assert_eq!(&back, &m, "{}", out);
        prop_assert_eq!(write(&back).unwrap(), out);
    }
}
