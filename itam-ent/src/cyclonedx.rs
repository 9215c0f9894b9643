//! Import of CycloneDX `licensing` objects (CycloneDX 1.5, 1.6, 1.7; JSON and XML) into Ents.
//!
//! Every `licensing` object of a BOM (on a `license` entry, or in 1.7 on an SPDX-expression
//! entry) becomes one primary Ent. What maps:
//!
//! | CycloneDX | Ent |
//! |---|---|
//! | the licence's BOM-Link `urn:cdx:<serial>/<version>#<bom-ref>` (or a path when there is no bom-ref) | `Ent/@entId`, and a `Link rel="see-also"` back to the BOM |
//! | component `name`, `version`, `publisher`, `group` | `Ent/@name`, `EntMeta/@product`, an exact `ValidVersion` (scheme `unknown`), an `Entity` with role `softwareCreator` |
//! | licence `id` or `expression` | `EntMeta/@licenseExpression` |
//! | licence `name` | `EntMeta/@description` |
//! | licence `url` | `Link rel="license"` |
//! | `licensor`, `licensee`, `purchaser` (organisation or individual) | `Entity` with role `licensor`, `licensee`, `purchaser` (one entity when they are the same party); a URL of an organisation gives the regid; contacts go to the entity's `Meta` |
//! | `purchaseOrder` | `OrderInfo/@orderId` |
//! | `licenseTypes` `perpetual`, `subscription`, `evaluation` | `Ent/@entitlementType` `license`, `subscription`, `evaluation` |
//! | `licenseTypes` `academic`, `oem`, `evaluation` | `EntMeta/@channelType` |
//! | `licenseTypes` `device`, `named-user`, `user`, `concurrent-user`, `core-points`, `processor-points`, `node-locked`, `client-access` | a `Metric` of the `use` right (`device`, `namedUser`, `user`, `concurrentUser`, `core`, `processor`, `device`, `user`), with the points kept as the unit, and a `hardware` limit for `node-locked` |
//! | `licenseTypes` `appliance` | a `Limit` of type `hardware`, value `appliance` |
//! | `lastRenewal`, `expiration` | `Limit type="time"` with `LimitTime` start and end |
//! | `altIds` | one `Meta altId="…"` each |
//!
//! What cannot map: CycloneDX states **no quantity** (every metric comes without
//! `Quantification`), no right other than use, no version range, no allocation, and no regid
//! unless an organisation gives a URL; `custom-metric` and `other` licence types, and dates that
//! are not RFC 3339, are kept in `Meta` and listed in the import's notes. The Ent creator is the
//! party running the import, passed in by the caller.

use std::collections::BTreeMap;

use chrono::DateTime;
use itam_core::{EntId, RegId, VersionRange, VersionScheme};
use serde_json::Value;

use crate::model::{
    Ent, EntMeta, Entity, Limit, LimitTime, Link, Meta, Metric, OrderInfo, Right, ValidVersion,
};
use crate::values::{ChannelType, EntitlementType, LimitType, MetricType, Rel, RightName, Role};
use crate::xml::BaseElement;

/// Why a document could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CdxError {
    /// The JSON does not parse.
    #[error("not json: {0}")]
    Json(String),
    /// The XML does not parse (DTDs are refused).
    #[error("not xml: {0}")]
    Xml(String),
    /// The document is not a CycloneDX BOM.
    #[error("not a cyclonedx bom: {0}")]
    NotCycloneDx(&'static str),
}

/// A party of a `licensing` object: an organisation or an individual.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    /// Its name.
    pub name: String,
    /// An organisation's URLs.
    pub urls: Vec<String>,
    /// Contacts (name, email, phone), or for an individual its own details.
    pub contacts: Vec<BTreeMap<String, String>>,
}

/// One `licensing` object with its context in the BOM, independent of JSON or XML.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Licensing {
    /// The BOM's serial number.
    pub serial_number: Option<String>,
    /// The BOM's version.
    pub bom_version: Option<String>,
    /// Where the licence is in the BOM (`/components/0/licenses/1`).
    pub path: String,
    /// The component's name, version, publisher, group.
    pub component_name: Option<String>,
    /// The component's version.
    pub component_version: Option<String>,
    /// The component's publisher.
    pub publisher: Option<String>,
    /// The component's group.
    pub group: Option<String>,
    /// The licence entry's bom-ref.
    pub bom_ref: Option<String>,
    /// SPDX licence id.
    pub license_id: Option<String>,
    /// Licence name.
    pub license_name: Option<String>,
    /// SPDX expression (1.7).
    pub expression: Option<String>,
    /// Licence URL.
    pub url: Option<String>,
    /// `altIds`.
    pub alt_ids: Vec<String>,
    /// `licensor`.
    pub licensor: Option<Party>,
    /// `licensee`.
    pub licensee: Option<Party>,
    /// `purchaser`.
    pub purchaser: Option<Party>,
    /// `purchaseOrder`.
    pub purchase_order: Option<String>,
    /// `licenseTypes`.
    pub license_types: Vec<String>,
    /// `lastRenewal`.
    pub last_renewal: Option<String>,
    /// `expiration`.
    pub expiration: Option<String>,
}

/// One imported Ent and what could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The Ent.
    pub ent: Ent,
    /// What was kept only in `Meta` or dropped, one line each.
    pub notes: Vec<String>,
}

fn s(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

fn party_json(v: Option<&Value>) -> Option<Party> {
    let v = v?;
    if let Some(org) = v.get("organization") {
        let contacts = org
            .get("contact")
            .and_then(Value::as_array)
            .map(|cs| cs.iter().map(contact_json).collect())
            .unwrap_or_default();
        let urls = org
            .get("url")
            .and_then(Value::as_array)
            .map(|us| {
                us.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        return Some(Party {
            name: s(org.get("name")).unwrap_or_default(),
            urls,
            contacts,
        });
    }
    let ind = v.get("individual")?;
    Some(Party {
        name: s(ind.get("name")).unwrap_or_default(),
        urls: Vec::new(),
        contacts: vec![contact_json(ind)],
    })
}

fn contact_json(v: &Value) -> BTreeMap<String, String> {
    ["name", "email", "phone"]
        .iter()
        .filter_map(|k| s(v.get(*k)).map(|x| ((*k).to_owned(), x)))
        .collect()
}

/// Finds every `licensing` object of a CycloneDX JSON BOM.
///
/// # Errors
/// When the text is not JSON or not a CycloneDX BOM.
pub fn licensing_from_json(text: &str) -> Result<Vec<Licensing>, CdxError> {
    let bom: Value = serde_json::from_str(text).map_err(|e| CdxError::Json(e.to_string()))?;
    if bom.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
        return Err(CdxError::NotCycloneDx("bomFormat is not \"CycloneDX\""));
    }
    let serial = s(bom.get("serialNumber"));
    let version = bom.get("version").map(|v| match v {
        Value::String(x) => x.clone(),
        other => other.to_string(),
    });
    let mut out = Vec::new();
    let components = bom
        .get("components")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (ci, c) in components.iter().enumerate() {
        let licenses = c
            .get("licenses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (li, entry) in licenses.iter().enumerate() {
            // 1.5/1.6: {"license": {..., "licensing": {...}}}; 1.7 also {"expression", "licensing"}.
            let (holder, expression) = match entry.get("license") {
                Some(l) => (l, None),
                None => (entry, s(entry.get("expression"))),
            };
            let Some(lic) = holder.get("licensing") else {
                continue;
            };
            out.push(Licensing {
                serial_number: serial.clone(),
                bom_version: version.clone(),
                path: format!("/components/{ci}/licenses/{li}"),
                component_name: s(c.get("name")),
                component_version: s(c.get("version")),
                publisher: s(c.get("publisher")),
                group: s(c.get("group")),
                bom_ref: s(holder.get("bom-ref")),
                license_id: s(holder.get("id")),
                license_name: s(holder.get("name")),
                expression,
                url: s(holder.get("url")),
                alt_ids: lic
                    .get("altIds")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
                licensor: party_json(lic.get("licensor")),
                licensee: party_json(lic.get("licensee")),
                purchaser: party_json(lic.get("purchaser")),
                purchase_order: s(lic.get("purchaseOrder")),
                license_types: lic
                    .get("licenseTypes")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
                last_renewal: s(lic.get("lastRenewal")),
                expiration: s(lic.get("expiration")),
            });
        }
    }
    Ok(out)
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(
    n: roxmltree::Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn text(n: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name).map(|c| c.text().unwrap_or_default().trim().to_owned())
}

fn contact_xml(n: roxmltree::Node<'_, '_>) -> BTreeMap<String, String> {
    ["name", "email", "phone"]
        .iter()
        .filter_map(|k| text(n, k).map(|x| ((*k).to_owned(), x)))
        .collect()
}

fn party_xml(n: Option<roxmltree::Node<'_, '_>>) -> Option<Party> {
    let n = n?;
    if let Some(org) = child(n, "organization") {
        return Some(Party {
            name: text(org, "name").unwrap_or_default(),
            urls: children(org, "url")
                .map(|u| u.text().unwrap_or_default().trim().to_owned())
                .collect(),
            contacts: children(org, "contact").map(contact_xml).collect(),
        });
    }
    let ind = child(n, "individual")?;
    Some(Party {
        name: text(ind, "name").unwrap_or_default(),
        urls: Vec::new(),
        contacts: vec![contact_xml(ind)],
    })
}

/// Finds every `licensing` object of a CycloneDX XML BOM.
///
/// # Errors
/// When the text is not XML (or has a DTD) or not a CycloneDX BOM.
pub fn licensing_from_xml(text_in: &str) -> Result<Vec<Licensing>, CdxError> {
    let doc = roxmltree::Document::parse(text_in).map_err(|e| CdxError::Xml(e.to_string()))?;
    let bom = doc.root_element();
    let is_cdx = bom.tag_name().name() == "bom"
        && bom
            .tag_name()
            .namespace()
            .is_some_and(|ns| ns.starts_with("http://cyclonedx.org/schema/bom/"));
    if !is_cdx {
        return Err(CdxError::NotCycloneDx(
            "the root is not a bom in a cyclonedx namespace",
        ));
    }
    let mut out = Vec::new();
    let Some(components) = child(bom, "components") else {
        return Ok(out);
    };
    for (ci, c) in children(components, "component").enumerate() {
        let Some(licenses) = child(c, "licenses") else {
            continue;
        };
        for (li, entry) in licenses.children().filter(|e| e.is_element()).enumerate() {
            let Some(lic) = child(entry, "licensing") else {
                continue;
            };
            let is_expr = entry.tag_name().name().starts_with("expression");
            out.push(Licensing {
                serial_number: bom.attribute("serialNumber").map(str::to_owned),
                bom_version: bom.attribute("version").map(str::to_owned),
                path: format!("/components/{ci}/licenses/{li}"),
                component_name: text(c, "name"),
                component_version: text(c, "version"),
                publisher: text(c, "publisher"),
                group: text(c, "group"),
                bom_ref: entry.attribute("bom-ref").map(str::to_owned),
                license_id: text(entry, "id"),
                license_name: text(entry, "name"),
                expression: if is_expr {
                    entry
                        .attribute("expression")
                        .map(str::to_owned)
                        .or_else(|| entry.text().map(|t| t.trim().to_owned()))
                } else {
                    None
                },
                url: text(entry, "url"),
                alt_ids: child(lic, "altIds")
                    .map(|a| {
                        children(a, "altId")
                            .map(|x| x.text().unwrap_or_default().trim().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
                licensor: party_xml(child(lic, "licensor")),
                licensee: party_xml(child(lic, "licensee")),
                purchaser: party_xml(child(lic, "purchaser")),
                purchase_order: text(lic, "purchaseOrder"),
                license_types: child(lic, "licenseTypes")
                    .map(|a| {
                        children(a, "licenseType")
                            .map(|x| x.text().unwrap_or_default().trim().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
                last_renewal: text(lic, "lastRenewal"),
                expiration: text(lic, "expiration"),
            });
        }
    }
    Ok(out)
}

/// The Ent id of an imported licence: its CycloneDX BOM-Link.
#[must_use]
pub fn ent_id_of(l: &Licensing) -> EntId {
    let serial = l
        .serial_number
        .as_deref()
        .map(|s| s.strip_prefix("urn:uuid:").unwrap_or(s))
        .unwrap_or("unknown");
    let version = l.bom_version.as_deref().unwrap_or("1");
    let fragment = l.bom_ref.clone().unwrap_or_else(|| l.path.clone());
    EntId::new(format!("urn:cdx:{serial}/{version}#{fragment}"))
}

fn host_of(url: &str) -> Option<String> {
    let after = url.split_once("://")?.1;
    let host = after.split(['/', '?', '#', ':']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn entity_of(p: &Party, role: Role) -> Entity {
    let mut e = Entity {
        name: p.name.clone(),
        regid: p.urls.iter().find_map(|u| host_of(u)).map(RegId::new),
        role: vec![role],
        thumbprint: None,
        meta: Vec::new(),
        base: BaseElement::default(),
    };
    for c in &p.contacts {
        let mut m = Meta::default();
        for (k, v) in c {
            m.set(&format!("contact{}", capitalise(k)), v.clone());
        }
        e.meta.push(m);
    }
    e
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Builds the Ent of one `licensing` object; `creator` is the party running the import (it
/// receives the `entCreator` role).
#[must_use]
pub fn to_ent(l: &Licensing, creator: &Entity) -> Imported {
    let mut notes = Vec::new();
    let name = l
        .component_name
        .clone()
        .or_else(|| l.license_name.clone())
        .unwrap_or_else(|| "CycloneDX licence".to_owned());
    let mut ent = Ent::new(ent_id_of(l), name);
    let mut creator = creator.clone();
    if !creator.role.contains(&Role::EntCreator) {
        creator.role.push(Role::EntCreator);
    }
    ent.entities.push(creator);
    let mut add_party = |p: &Option<Party>, role: Role| {
        let Some(p) = p else { return };
        if let Some(e) = ent
            .entities
            .iter_mut()
            .find(|e| e.name == p.name && !p.name.is_empty())
        {
            if !e.role.contains(&role) {
                e.role.push(role);
            }
        } else {
            ent.entities.push(entity_of(p, role));
        }
    };
    add_party(&l.licensor, Role::Licensor);
    add_party(&l.licensee, Role::Licensee);
    add_party(&l.purchaser, Role::Purchaser);
    if let Some(publisher) = &l.publisher {
        add_party(
            &Some(Party {
                name: publisher.clone(),
                ..Party::default()
            }),
            Role::SoftwareCreator,
        );
    }
    let mut meta = EntMeta {
        product: l.component_name.clone(),
        product_family: l.group.clone(),
        description: l.license_name.clone(),
        license_expression: l.expression.clone().or_else(|| l.license_id.clone()),
        ..EntMeta::default()
    };
    let mut right = Right::new(RightName::Use);
    for t in &l.license_types {
        let metric = |m: MetricType| Metric {
            metric_type: m,
            quantification: Vec::new(),
            test_methods: Vec::new(),
            meta: Vec::new(),
            base: BaseElement::default(),
        };
        let hardware = |v: &str| Limit {
            limit_type: LimitType::Hardware,
            value: Some(v.to_owned()),
            limit_time: Vec::new(),
            meta: Vec::new(),
            base: BaseElement::default(),
        };
        match t.as_str() {
            "perpetual" => ent.entitlement_type = Some(EntitlementType::License),
            "subscription" => ent.entitlement_type = Some(EntitlementType::Subscription),
            "evaluation" => {
                ent.entitlement_type = Some(EntitlementType::Evaluation);
                meta.channel_type = Some(ChannelType::Evaluation);
            }
            "academic" => meta.channel_type = Some(ChannelType::Academic),
            "oem" => meta.channel_type = Some(ChannelType::Oem),
            "device" => right.metrics.push(metric(MetricType::Device)),
            "named-user" => right.metrics.push(metric(MetricType::NamedUser)),
            "user" | "client-access" => right.metrics.push(metric(MetricType::User)),
            "concurrent-user" => right.metrics.push(metric(MetricType::ConcurrentUser)),
            "core-points" => right.metrics.push(metric(MetricType::Core)),
            "processor-points" => right.metrics.push(metric(MetricType::Processor)),
            "node-locked" => {
                right.metrics.push(metric(MetricType::Device));
                right.limits.push(hardware("node-locked"));
            }
            "appliance" => right.limits.push(hardware("appliance")),
            other => {
                let mut m = Meta::default();
                m.set("cyclonedxLicenseType", other);
                ent.meta.push(m);
                notes.push(format!(
                    "licence type {other:?} has no Ent counterpart; kept in Meta"
                ));
            }
        }
    }
    if right.metrics.is_empty() && !l.license_types.is_empty() {
        notes.push("no licence type names a metric; the use right is unmeasured".to_owned());
    }
    if !right.metrics.is_empty() {
        notes.push("cyclonedx states no quantity; metrics have no Quantification".to_owned());
    }
    let mut time = LimitTime::default();
    for (label, value, slot) in [
        ("lastRenewal", &l.last_renewal, &mut time.start),
        ("expiration", &l.expiration, &mut time.end),
    ] {
        let Some(v) = value else { continue };
        match DateTime::parse_from_rfc3339(v) {
            Ok(t) => *slot = Some(t),
            Err(_) => {
                let mut m = Meta::default();
                m.set(label, v.clone());
                ent.meta.push(m);
                notes.push(format!(
                    "{label} {v:?} is not an RFC 3339 date-time; kept in Meta"
                ));
            }
        }
    }
    if time.start.is_some() || time.end.is_some() {
        right.limits.push(Limit {
            limit_type: LimitType::Time,
            value: None,
            limit_time: vec![time],
            meta: Vec::new(),
            base: BaseElement::default(),
        });
    }
    if let Some(v) = &l.component_version {
        right.valid_versions.push(ValidVersion {
            range: VersionRange::exact(v.clone(), VersionScheme::Unknown),
            ..ValidVersion::default()
        });
    }
    ent.rights.push(right);
    if let Some(po) = &l.purchase_order {
        ent.order_info.push(OrderInfo {
            order_id: Some(po.clone()),
            ..OrderInfo::default()
        });
    }
    for alt in &l.alt_ids {
        let mut m = Meta::default();
        m.set("altId", alt.clone());
        ent.meta.push(m);
    }
    if let Some(url) = &l.url {
        ent.links.push(Link::new(url.clone(), Rel::License));
    }
    ent.links
        .push(Link::new(ent.ent_id.to_string(), Rel::SeeAlso));
    ent.ent_meta.push(meta);
    if !ent
        .entities
        .iter()
        .any(|e| e.role.contains(&Role::Licensee))
    {
        notes.push("no licensee is named".to_owned());
    }
    Imported { ent, notes }
}

/// Imports every `licensing` object of a CycloneDX BOM, JSON or XML (told apart by the first
/// non-blank character).
///
/// # Errors
/// When the text is neither a JSON nor an XML CycloneDX BOM.
pub fn import(text: &str, creator: &Entity) -> Result<Vec<Imported>, CdxError> {
    let found = if text.trim_start().starts_with('<') {
        licensing_from_xml(text)?
    } else {
        licensing_from_json(text)?
    };
    Ok(found.iter().map(|l| to_ent(l, creator)).collect())
}
