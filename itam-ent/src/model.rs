//! The typed model of an Ent document: one struct per element of ISO/IEC 19770-3:2016.
//!
//! The element names are the standard's; the fields (attributes) are those of the
//! **reconstructed** profile ([`crate::profile`]). Each field is the snake_case form of its XML
//! attribute name. Quantities and money are exact decimals ([`Decimal`]), dates are chrono
//! values, versions and ranges come from `itam_core`. Content the model has no field for is kept
//! in each element's [`BaseElement`] and written back.

use chrono::{DateTime, FixedOffset, NaiveDate};
use itam_core::{Decimal, EntId, RegId, TagId, VersionRange};
use serde::{Deserialize, Serialize};

use crate::values::{
    ChannelType, DurationUnit, EntType, EntitlementType, FossCopyleft, LimitType, MetricType, Rel,
    RightName, Role, SupplementalEntType, TrustLevel,
};
use crate::xml::BaseElement;

/// A date-time with its offset, as `xs:dateTime` with a time zone.
pub type Timestamp = DateTime<FixedOffset>;

/// `Ent`: the root of an entitlement document, primary or supplemental.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ent {
    /// `@name`: the name of the entitled product or offer.
    pub name: String,
    /// `@entId`: the Ent's identifier, globally unique (a UUID recommended, as for SWID tagId).
    pub ent_id: EntId,
    /// `@entRevision`: bumped when the same Ent is re-issued (as SWID tagVersion); 0 by default.
    #[serde(default)]
    pub ent_revision: u64,
    /// `@entType`: primary (initial issuance) or supplemental.
    #[serde(default)]
    pub ent_type: EntType,
    /// `@supplementalEntType`: the use case of a supplemental Ent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplemental_ent_type: Option<SupplementalEntType>,
    /// `@entitlementType`: licence, subscription, maintenance…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement_type: Option<EntitlementType>,
    /// `@issued`: when the Ent was issued; orders supplementals during resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<Timestamp>,
    /// `EntMeta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ent_meta: Vec<EntMeta>,
    /// `Entity` children (at least one: the Ent creator).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Entity>,
    /// `Contract` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
    /// `OrderInfo` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order_info: Vec<OrderInfo>,
    /// `InvoiceData` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invoice_data: Vec<InvoiceData>,
    /// `Right` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rights: Vec<Right>,
    /// `Link` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// `Meta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Meta>,
    /// `xml:lang`, other-namespace attributes, unknown children (`ds:Signature`).
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

impl Ent {
    /// A primary Ent with a name and an id and nothing else.
    pub fn new(ent_id: impl Into<EntId>, name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ent_id: ent_id.into(),
            ent_revision: 0,
            ent_type: EntType::Primary,
            supplemental_ent_type: None,
            entitlement_type: None,
            issued: None,
            ent_meta: Vec::new(),
            entities: Vec::new(),
            contracts: Vec::new(),
            order_info: Vec::new(),
            invoice_data: Vec::new(),
            rights: Vec::new(),
            links: Vec::new(),
            meta: Vec::new(),
            base: BaseElement::default(),
        }
    }

    /// Whether this Ent is supplemental.
    #[must_use]
    pub fn is_supplemental(&self) -> bool {
        self.ent_type == EntType::Supplemental
    }

    /// The entities having `role`.
    pub fn entities_with_role<'a>(&'a self, role: &'a Role) -> impl Iterator<Item = &'a Entity> {
        self.entities.iter().filter(move |e| e.role.contains(role))
    }

    /// The first entity with the `entCreator` role.
    #[must_use]
    pub fn creator(&self) -> Option<&Entity> {
        self.entities_with_role(&Role::EntCreator).next()
    }

    /// The Ent ids this Ent's links of relation `rel` point at (`ent:<id>` hrefs).
    pub fn linked_ents<'a>(&'a self, rel: &'a Rel) -> impl Iterator<Item = EntId> + 'a {
        self.links
            .iter()
            .filter(move |l| &l.rel == rel)
            .filter_map(|l| l.ent_target())
    }

    /// The base Ent this supplemental points at (its first `rel="supplemental"` link to an Ent).
    #[must_use]
    pub fn base_ent(&self) -> Option<EntId> {
        self.linked_ents(&Rel::Supplemental).next()
    }
}

/// `EntMeta`: predefined descriptive data about the Ent (the counterpart of SWID's
/// `SoftwareMeta`). All attributes reconstructed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EntMeta {
    /// `@description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `@channelType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<ChannelType>,
    /// `@trustLevel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_level: Option<TrustLevel>,
    /// `@fossCopyleft`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foss_copyleft: Option<FossCopyleft>,
    /// `@generator`: the tool that wrote the Ent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<String>,
    /// `@product`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// `@productFamily`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_family: Option<String>,
    /// `@edition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// `@colloquialVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colloquial_version: Option<String>,
    /// `@persistentId`: the product's SWID persistentId.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_id: Option<String>,
    /// `@entitlementKey`: the key SWID's `entitlementKey` points back at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement_key: Option<String>,
    /// `@licenseExpression`: an SPDX licence expression (FOSS Ents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_expression: Option<String>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `Entity`: a party and its roles (the 19770-2:2015 Entity shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// `@name` (required).
    pub name: String,
    /// `@regid`; absent means `http://invalid.unavailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regid: Option<RegId>,
    /// `@role` (NMTOKENS, required): one or more roles.
    pub role: Vec<Role>,
    /// `@thumbprint`: hex hash of the signer's certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    /// `Meta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Meta>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

impl Entity {
    /// An entity with a name, a regid and roles.
    pub fn new(name: impl Into<String>, regid: impl Into<RegId>, role: Vec<Role>) -> Self {
        Self {
            name: name.into(),
            regid: Some(regid.into()),
            role,
            thumbprint: None,
            meta: Vec::new(),
            base: BaseElement::default(),
        }
    }

    /// The regid, or the schema default `http://invalid.unavailable`.
    #[must_use]
    pub fn regid_or_default(&self) -> RegId {
        self.regid.clone().unwrap_or_default()
    }
}

/// `Contract`: the agreement the entitlement is granted under. Attributes reconstructed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contract {
    /// `@contractId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<String>,
    /// `@name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@contractType` (free text: enterprise agreement, ELA…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_type: Option<String>,
    /// `@startDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// `@endDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// `Meta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Meta>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `OrderInfo`: purchase-order data. Attributes reconstructed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderInfo {
    /// `@orderId`: the purchase-order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `@orderLine`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_line: Option<String>,
    /// `@orderDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_date: Option<NaiveDate>,
    /// `@partNumber`: the SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_number: Option<String>,
    /// `@quantity` ordered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    /// `Meta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Meta>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `InvoiceData`: the invoice that proves the purchase. Attributes reconstructed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvoiceData {
    /// `@invoiceId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<String>,
    /// `@invoiceDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_date: Option<NaiveDate>,
    /// `@amount`: the total, exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// `@unitPrice`: the price of one unit, exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Decimal>,
    /// `@currency`: an ISO 4217 code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `Meta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Meta>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `Right`: one granted usage right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Right {
    /// `@name` (required).
    pub name: RightName,
    /// `Metric` children: how use is counted (measurability is not mandatory).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    /// `Limit` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<Limit>,
    /// `ValidVersion` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub valid_versions: Vec<ValidVersion>,
    /// `Link` children (to SWID tags, licence text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// `Meta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Meta>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

impl Right {
    /// A right with a name and nothing else.
    #[must_use]
    pub fn new(name: RightName) -> Self {
        Self {
            name,
            metrics: Vec::new(),
            limits: Vec::new(),
            valid_versions: Vec::new(),
            links: Vec::new(),
            meta: Vec::new(),
            base: BaseElement::default(),
        }
    }

    /// The same right with a metric counting `quantity` units.
    #[must_use]
    pub fn with_quantity(mut self, metric: MetricType, quantity: Decimal) -> Self {
        self.metrics.push(Metric {
            metric_type: metric,
            quantification: vec![Quantification {
                quantity: Some(quantity),
                ..Quantification::default()
            }],
            test_methods: Vec::new(),
            meta: Vec::new(),
            base: BaseElement::default(),
        });
        self
    }
}

/// `Limit`: a restriction on a right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// `@type` (required).
    pub limit_type: LimitType,
    /// `@value`: the restriction's value (a country list, a platform, an environment…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `LimitTime` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limit_time: Vec<LimitTime>,
    /// `Meta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Meta>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `LimitTime`: a period, by start and end or by a duration in a unit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LimitTime {
    /// `@start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Timestamp>,
    /// `@end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    /// `@duration`, in `duration_unit`s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Decimal>,
    /// `@durationUnit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_unit: Option<DurationUnit>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `Metric`: how consumption of a right is counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metric {
    /// `@type` (required).
    pub metric_type: MetricType,
    /// `Quantification` children (at most one in the profile).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quantification: Vec<Quantification>,
    /// `TestMethod` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_methods: Vec<TestMethod>,
    /// `Meta` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Meta>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

impl Metric {
    /// The quantity of the first quantification, if any.
    #[must_use]
    pub fn quantity(&self) -> Option<Decimal> {
        self.quantification.first().and_then(|q| q.quantity)
    }

    /// Whether the first quantification says `unlimited="true"`.
    #[must_use]
    pub fn is_unlimited(&self) -> bool {
        self.quantification
            .first()
            .is_some_and(|q| q.unlimited == Some(true))
    }
}

/// `Quantification`: how much of a metric is granted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quantification {
    /// `@quantity`, exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    /// `@unit`: free text for the counted unit (`core`, `PVU`, `GB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `@factor`: a multiplier (a core factor), exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<Decimal>,
    /// `@unlimited`: an explicit "no limit" statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlimited: Option<bool>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `TestMethod`: how compliance with a metric is measured.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TestMethod {
    /// `@name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `@href`: a reference to the method (a 19770-4 RUM measure, a vendor document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `ValidVersion`: the software versions a right applies to.
///
/// In XML (reconstructed): `versionScheme`, then either `version` (exactly one version) or the
/// bounds `minVersion` (inclusive) / `afterVersion` (exclusive) and `maxVersion` (inclusive) /
/// `beforeVersion` (exclusive); `tagId` and `persistentId` name the software.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ValidVersion {
    /// The versions, with the scheme that compares them.
    pub range: VersionRange,
    /// `@tagId`: the SWID tag of the software.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_id: Option<TagId>,
    /// `@persistentId`: the SWID persistentId of the product line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_id: Option<String>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `Link`: a reference (the 19770-2:2015 Link shape). Ents are referenced as `ent:<entId>`,
/// SWID tags as `swid:<tagId>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// `@href` (required).
    pub href: String,
    /// `@rel` (required).
    pub rel: Rel,
    /// `@artifact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    /// `@media`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<String>,
    /// `@ownership` (`abandon`, `private`, `shared` in 19770-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<String>,
    /// `@type`: a media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// `@use` (`optional`, `required`, `recommended` in 19770-2); `use` in JSON.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// `LinkContent` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<LinkContent>,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// The URI scheme of links to Ents (reconstructed, after SWID's `swid:`).
pub const ENT_SCHEME: &str = "ent:";

/// The URI scheme of links to SWID tags (19770-2:2015).
pub const SWID_SCHEME: &str = "swid:";

impl Link {
    /// A link with an href and a relation.
    pub fn new(href: impl Into<String>, rel: Rel) -> Self {
        Self {
            href: href.into(),
            rel,
            artifact: None,
            media: None,
            ownership: None,
            media_type: None,
            use_: None,
            content: Vec::new(),
            base: BaseElement::default(),
        }
    }

    /// A link to an Ent: `ent:<id>`.
    #[must_use]
    pub fn to_ent(id: &EntId, rel: Rel) -> Self {
        Self::new(format!("{ENT_SCHEME}{id}"), rel)
    }

    /// The Ent id, when the href is `ent:<id>` with a non-empty id.
    #[must_use]
    pub fn ent_target(&self) -> Option<EntId> {
        self.href
            .strip_prefix(ENT_SCHEME)
            .filter(|s| !s.is_empty())
            .map(EntId::new)
    }

    /// The tag id, when the href is `swid:<tagId>` with a non-empty id.
    #[must_use]
    pub fn swid_target(&self) -> Option<TagId> {
        self.href
            .strip_prefix(SWID_SCHEME)
            .filter(|s| !s.is_empty())
            .map(TagId::new)
    }
}

/// `LinkContent`: content carried with a link (a digest of the target, an embedded copy).
/// Entirely reconstructed: the standard's text gives no clue beyond the name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LinkContent {
    /// `@type`: the media type of the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// `@digest`: a hash of the link target, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// `@digestAlgorithm`: the hash's name (`sha-256`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest_algorithm: Option<String>,
    /// The element's text, exactly.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Other content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

/// `Meta`: an open bag of attributes (the 19770-2 Meta shape). All attributes, in any
/// namespace, are in `base.attributes`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Meta {
    /// The attributes and any unknown content.
    #[serde(default, skip_serializing_if = "BaseElement::is_empty")]
    pub base: BaseElement,
}

impl Meta {
    /// The value of the unqualified attribute `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.base
            .attributes
            .iter()
            .find(|a| a.name.namespace.is_none() && a.name.local == name)
            .map(|a| a.value.as_str())
    }

    /// Sets the unqualified attribute `name`, replacing an earlier value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if let Some(a) = self
            .base
            .attributes
            .iter_mut()
            .find(|a| a.name.namespace.is_none() && a.name.local == name)
        {
            a.value = value;
        } else {
            self.base.attributes.push(crate::xml::XmlAttribute::new(
                crate::xml::QName::local(name),
                value,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itam_core::VersionScheme;
    use itam_core::version::Bound;

    fn sample() -> Ent {
        let mut ent = Ent::new("e-1", "Example Server");
        ent.entities.push(Entity::new(
            "Example Corp",
            "example.com",
            vec![Role::EntCreator, Role::Licensor],
        ));
        let mut right =
            Right::new(RightName::Use).with_quantity(MetricType::Core, Decimal::new(1600, 2));
        right.valid_versions.push(ValidVersion {
            range: VersionRange::new(
                VersionScheme::MultipartNumeric,
                Bound::Inclusive("1.0".into()),
                Bound::Exclusive("2.0".into()),
            ),
            ..ValidVersion::default()
        });
        ent.rights.push(right);
        ent.links
            .push(Link::to_ent(&EntId::new("base-1"), Rel::Supplemental));
        ent
    }

    #[test]
    fn helpers_find_creator_and_links() {
        let ent = sample();
        assert_eq!(ent.creator().map(|e| e.name.as_str()), Some("Example Corp"));
        assert_eq!(ent.base_ent(), Some(EntId::new("base-1")));
        assert_eq!(
            ent.rights[0].metrics[0].quantity(),
            Some(Decimal::new(16, 0))
        );
        assert!(!ent.rights[0].metrics[0].is_unlimited());
        assert_eq!(Link::new("ent:", Rel::Supplemental).ent_target(), None);
        assert_eq!(
            Link::new("swid:abc", Rel::Entitles).swid_target(),
            Some(TagId::new("abc"))
        );
    }

    #[test]
    fn meta_is_an_open_bag() {
        let mut m = Meta::default();
        m.set("colour", "red");
        m.set("colour", "blue");
        assert_eq!(m.get("colour"), Some("blue"));
        assert_eq!(m.base.attributes.len(), 1);
        assert_eq!(m.get("size"), None);
    }

    #[test]
    fn json_form_round_trips_and_keeps_decimals_exact() {
        let mut ent = sample();
        ent.links[0].use_ = Some("required".into());
        let json = serde_json::to_string(&ent).unwrap();
        assert!(json.contains("\"use\":\"required\""), "{json}");
        assert!(json.contains("\"quantity\":\"16.00\""), "{json}");
        let back: Ent = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ent);
    }
}
