//! Configuration items for every IT asset kind of ISO/IEC 19770-1, with their common attributes.
//!
//! ISO/IEC 19770-1:2017 (Figure 1, the IT asset types) counts as IT assets: hardware; software, both
//! executable and non-executable (fonts, configuration, dictionaries…); IT services (IaaS,
//! PaaS, SaaS); data and information assets; digital content; contracts and agreements
//! (purchase orders, invoices); and licences and entitlements (proof of licence, keys).
//!
//! A [`ConfigurationItem`] holds the attributes every asset shares (identity, life-cycle stage,
//! owner, custodian, user, who is responsible, organisation unit, location, dates) and an
//! [`AssetKind`] that says which kind of asset it is and carries the attributes that matter for
//! that kind (a model and build level for hardware, publisher, product, version and tagId for
//! software…).
//!
//! ```
//! use itam_core::asset::{AssetClass, ConfigurationItem, HardwareDetails};
//! use itam_core::lifecycle::LifecycleStage;
//!
//! let laptop = ConfigurationItem::new(
//!     "HW-0042",
//!     "Finance laptop",
//!     HardwareDetails::physical("Contoso T14", "SN-88231").with_build_level("gold-2026.1"),
//! )
//! .in_stage(LifecycleStage::Operation)
//! .owned_by("Finance");
//! assert_eq!(laptop.kind.class(), AssetClass::Hardware);
//! assert_eq!(laptop.owner.as_deref(), Some("Finance"));
//! ```

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::id::{AssetId, EntId, TagId};
use crate::lifecycle::LifecycleStage;
use crate::version::Version;

/// A configuration item: one IT asset as the configuration management system records it
/// (ISO/IEC 19770-1:2017: an IT asset, recorded as a configuration item).
///
/// The JSON form is an object with the fields below; `kind` is an object whose `class` says
/// which [`AssetKind`] it is. Optional fields that are absent are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigurationItem {
    /// The organisation's identifier for the item, unique within one CMS.
    pub id: AssetId,
    /// A name a person recognises.
    pub name: String,
    /// Which kind of asset this is, with the attributes of that kind.
    pub kind: AssetKind,
    /// Where the item is in its life cycle.
    pub stage: LifecycleStage,
    /// Who is accountable for the item (a person, role or organisation unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Who looks after the item day to day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custodian: Option<String>,
    /// Who uses the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Who bears responsibility for the item: the organisation, its personnel (BYOD) or an
    /// external provider (the mixed responsibility of ISO/IEC 19770-1:2017).
    pub responsibility: Responsibility,
    /// The organisation unit the item belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit: Option<String>,
    /// Where the item is: a site, room, rack, data centre or cloud region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Dates in the item's life.
    #[serde(default, skip_serializing_if = "AssetDates::is_empty")]
    pub dates: AssetDates,
}

impl ConfigurationItem {
    /// A new item in the [`Specification`](LifecycleStage::Specification) stage, the
    /// organisation's responsibility, with no owner, custodian, user, unit, location or dates.
    pub fn new(
        id: impl Into<AssetId>,
        name: impl Into<String>,
        kind: impl Into<AssetKind>,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind: kind.into(),
            stage: LifecycleStage::Specification,
            owner: None,
            custodian: None,
            user: None,
            responsibility: Responsibility::Organisation,
            org_unit: None,
            location: None,
            dates: AssetDates::default(),
        }
    }

    /// The same item in another stage (for recording an item that already exists; a recorded
    /// item changes stage through the CMS, which checks the transition).
    #[must_use]
    pub fn in_stage(mut self, stage: LifecycleStage) -> Self {
        self.stage = stage;
        self
    }

    /// The same item with an owner.
    #[must_use]
    pub fn owned_by(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// The same item with a custodian.
    #[must_use]
    pub fn kept_by(mut self, custodian: impl Into<String>) -> Self {
        self.custodian = Some(custodian.into());
        self
    }

    /// The same item with a user.
    #[must_use]
    pub fn used_by(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// The same item with another responsibility.
    #[must_use]
    pub fn responsibility(mut self, responsibility: Responsibility) -> Self {
        self.responsibility = responsibility;
        self
    }

    /// The same item in an organisation unit.
    #[must_use]
    pub fn in_unit(mut self, org_unit: impl Into<String>) -> Self {
        self.org_unit = Some(org_unit.into());
        self
    }

    /// The same item at a location.
    #[must_use]
    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// The same item with these dates.
    #[must_use]
    pub fn with_dates(mut self, dates: AssetDates) -> Self {
        self.dates = dates;
        self
    }

    /// The hardware attributes, when the item is hardware.
    #[must_use]
    pub fn hardware(&self) -> Option<&HardwareDetails> {
        match &self.kind {
            AssetKind::Hardware(h) => Some(h),
            _ => None,
        }
    }

    /// The software attributes, when the item is software.
    #[must_use]
    pub fn software(&self) -> Option<&SoftwareDetails> {
        match &self.kind {
            AssetKind::Software(s) => Some(s),
            _ => None,
        }
    }
}

/// Who bears responsibility for an asset (ISO/IEC 19770-1:2017, mixed responsibility: assets may be the
/// organisation's, its personnel's, or an external provider's).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Responsibility {
    /// The organisation owns and manages the asset.
    #[default]
    Organisation,
    /// A member of staff owns it and uses it for work ("bring your own device").
    Personnel,
    /// An external provider (a cloud or managed-service provider, a lessor) owns or runs it.
    ExternalProvider,
}

impl Responsibility {
    /// The name used in the JSON form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::Personnel => "personnel",
            Self::ExternalProvider => "external_provider",
        }
    }
}

/// Dates in an asset's life, as the caller knows them (the library never reads a clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AssetDates {
    /// When the asset was acquired (bought, leased, subscribed, built).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquired: Option<NaiveDate>,
    /// When it was deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed: Option<NaiveDate>,
    /// When support, warranty, lease or subscription ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
    /// When it was retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<NaiveDate>,
}

impl AssetDates {
    /// Whether no date is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Which kind of IT asset an item is (ISO/IEC 19770-1:2017 Figure 1), with the attributes of
/// that kind. The JSON form is an object tagged by `class`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "class", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AssetKind {
    /// Physical or virtual hardware.
    Hardware(HardwareDetails),
    /// Software, executable or not.
    Software(SoftwareDetails),
    /// An IT service consumed by the organisation.
    Service(ServiceDetails),
    /// A data or information asset.
    Data(DataDetails),
    /// Digital content: media, documents, e-books, images.
    DigitalContent(ContentDetails),
    /// A contract or agreement, a purchase order, an invoice.
    Contract(ContractDetails),
    /// A licence or entitlement: proof of licence, a licence key.
    Licence(LicenceDetails),
}

impl AssetKind {
    /// The kind without its attributes.
    #[must_use]
    pub const fn class(&self) -> AssetClass {
        match self {
            Self::Hardware(_) => AssetClass::Hardware,
            Self::Software(_) => AssetClass::Software,
            Self::Service(_) => AssetClass::Service,
            Self::Data(_) => AssetClass::Data,
            Self::DigitalContent(_) => AssetClass::DigitalContent,
            Self::Contract(_) => AssetClass::Contract,
            Self::Licence(_) => AssetClass::Licence,
        }
    }
}

/// The asset kinds of ISO/IEC 19770-1:2017 Figure 1, without attributes: what queries by kind
/// take, and what relationship checks name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AssetClass {
    /// Physical or virtual hardware.
    Hardware,
    /// Software, executable or not.
    Software,
    /// An IT service (IaaS, PaaS, SaaS).
    Service,
    /// A data or information asset.
    Data,
    /// Digital content.
    DigitalContent,
    /// A contract, agreement, purchase order or invoice.
    Contract,
    /// A licence or entitlement.
    Licence,
}

impl AssetClass {
    /// Every class, in order.
    pub const ALL: [Self; 7] = [
        Self::Hardware,
        Self::Software,
        Self::Service,
        Self::Data,
        Self::DigitalContent,
        Self::Contract,
        Self::Licence,
    ];

    /// The name used in the JSON form (`hardware`, `software`, `service`, `data`,
    /// `digital_content`, `contract`, `licence`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hardware => "hardware",
            Self::Software => "software",
            Self::Service => "service",
            Self::Data => "data",
            Self::DigitalContent => "digital_content",
            Self::Contract => "contract",
            Self::Licence => "licence",
        }
    }
}

impl fmt::Display for AssetClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether hardware is a physical machine, a virtual one, or a cluster of machines.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HardwareForm {
    /// A physical device.
    #[default]
    Physical,
    /// A virtual machine.
    VirtualMachine,
    /// A cluster (of hosts), which other hardware is a member of.
    Cluster,
}

/// Hardware attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HardwareDetails {
    /// Physical machine, virtual machine or cluster.
    pub form: HardwareForm,
    /// The manufacturer's model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// The standard build (image, firmware and configuration baseline) the item carries; a
    /// hardware spare may replace a live item only when model and build level match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_level: Option<String>,
}

impl HardwareDetails {
    /// A physical device of a model, with its serial number.
    pub fn physical(model: impl Into<String>, serial: impl Into<String>) -> Self {
        Self {
            form: HardwareForm::Physical,
            model: Some(model.into()),
            serial: Some(serial.into()),
            build_level: None,
        }
    }

    /// A virtual machine.
    #[must_use]
    pub fn virtual_machine() -> Self {
        Self {
            form: HardwareForm::VirtualMachine,
            ..Self::default()
        }
    }

    /// A cluster.
    #[must_use]
    pub fn cluster() -> Self {
        Self {
            form: HardwareForm::Cluster,
            ..Self::default()
        }
    }

    /// The same hardware with a build level.
    #[must_use]
    pub fn with_build_level(mut self, build_level: impl Into<String>) -> Self {
        self.build_level = Some(build_level.into());
        self
    }
}

impl From<HardwareDetails> for AssetKind {
    fn from(value: HardwareDetails) -> Self {
        Self::Hardware(value)
    }
}

/// Whether software is executable, and if not, what it is (ISO/IEC 19770-1:2017 Figure 1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SoftwareForm {
    /// Executable software: applications, operating systems, libraries, firmware.
    #[default]
    Executable,
    /// Fonts.
    Font,
    /// Configuration data.
    Configuration,
    /// Dictionaries and other reference data software uses.
    Dictionary,
    /// Any other non-executable software.
    OtherNonExecutable,
}

impl SoftwareForm {
    /// Whether the software is executable.
    #[must_use]
    pub const fn is_executable(self) -> bool {
        matches!(self, Self::Executable)
    }
}

/// Software attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftwareDetails {
    /// Executable, or which kind of non-executable software.
    pub form: SoftwareForm,
    /// The publisher (software creator).
    pub publisher: String,
    /// The product name.
    pub product: String,
    /// The version, with its scheme.
    pub version: Version,
    /// The `tagId` of the product's SWID tag (ISO/IEC 19770-2), linking the CI to discovered
    /// installations and to entitlements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_id: Option<TagId>,
}

impl SoftwareDetails {
    /// Executable software from publisher, product and version.
    pub fn executable(
        publisher: impl Into<String>,
        product: impl Into<String>,
        version: Version,
    ) -> Self {
        Self {
            form: SoftwareForm::Executable,
            publisher: publisher.into(),
            product: product.into(),
            version,
            tag_id: None,
        }
    }

    /// The same software in another form (a font, configuration, a dictionary…).
    #[must_use]
    pub fn with_form(mut self, form: SoftwareForm) -> Self {
        self.form = form;
        self
    }

    /// The same software linked to its SWID tag.
    #[must_use]
    pub fn with_tag_id(mut self, tag_id: impl Into<TagId>) -> Self {
        self.tag_id = Some(tag_id.into());
        self
    }
}

impl From<SoftwareDetails> for AssetKind {
    fn from(value: SoftwareDetails) -> Self {
        Self::Software(value)
    }
}

/// The delivery model of an IT service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ServiceModel {
    /// Infrastructure as a service.
    Iaas,
    /// Platform as a service.
    Paas,
    /// Software as a service.
    Saas,
    /// Another kind of managed service.
    Other,
}

/// IT service attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDetails {
    /// IaaS, PaaS or SaaS.
    pub model: ServiceModel,
    /// Who provides the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

impl ServiceDetails {
    /// A service of a delivery model from a provider.
    pub fn new(model: ServiceModel, provider: impl Into<String>) -> Self {
        Self {
            model,
            provider: Some(provider.into()),
        }
    }
}

impl From<ServiceDetails> for AssetKind {
    fn from(value: ServiceDetails) -> Self {
        Self::Service(value)
    }
}

/// Data and information asset attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DataDetails {
    /// The organisation's classification (public, internal, confidential…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
}

impl From<DataDetails> for AssetKind {
    fn from(value: DataDetails) -> Self {
        Self::Data(value)
    }
}

/// Digital content attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContentDetails {
    /// The media type (`video/mp4`, `application/pdf`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Who holds the rights to the content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights_holder: Option<String>,
}

impl From<ContentDetails> for AssetKind {
    fn from(value: ContentDetails) -> Self {
        Self::DigitalContent(value)
    }
}

/// Which kind of contract document an item is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ContractForm {
    /// A contract or agreement (a licence agreement, a support or service contract).
    #[default]
    Agreement,
    /// A purchase order.
    PurchaseOrder,
    /// An invoice.
    Invoice,
}

/// Contract and agreement attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContractDetails {
    /// Agreement, purchase order or invoice.
    pub form: ContractForm,
    /// The document's own reference (contract or order number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The other party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
}

impl From<ContractDetails> for AssetKind {
    fn from(value: ContractDetails) -> Self {
        Self::Contract(value)
    }
}

/// Which kind of licence asset an item is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LicenceForm {
    /// An entitlement: the right to use, as a licence agreement grants it.
    #[default]
    Entitlement,
    /// A proof of licence (a certificate, a licence confirmation).
    ProofOfLicence,
    /// A licence key.
    Key,
}

/// Licence and entitlement attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LicenceDetails {
    /// Entitlement, proof of licence or key.
    pub form: LicenceForm,
    /// The entitlement's id, when it is described by an ISO/IEC 19770-3 Ent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ent_id: Option<EntId>,
    /// How many licences it grants, when that is a count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
}

impl From<LicenceDetails> for AssetKind {
    fn from(value: LicenceDetails) -> Self {
        Self::Licence(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::VersionScheme;
    use serde_json::json;

    fn one_of_each() -> Vec<ConfigurationItem> {
        vec![
            ConfigurationItem::new("HW-1", "Server", HardwareDetails::physical("R750", "S1")),
            ConfigurationItem::new(
                "SW-1",
                "Editor",
                SoftwareDetails::executable(
                    "Acme",
                    "Editor",
                    Version::new("3.2", VersionScheme::MultipartNumeric),
                ),
            ),
            ConfigurationItem::new(
                "SW-2",
                "Corporate font",
                SoftwareDetails::executable(
                    "Type Co",
                    "Sans",
                    Version::new("1", VersionScheme::Unknown),
                )
                .with_form(SoftwareForm::Font),
            ),
            ConfigurationItem::new(
                "SV-1",
                "Mail",
                ServiceDetails::new(ServiceModel::Saas, "Mail Inc"),
            ),
            ConfigurationItem::new("DA-1", "Customer records", DataDetails::default()),
            ConfigurationItem::new("DC-1", "Training video", ContentDetails::default()),
            ConfigurationItem::new(
                "CO-1",
                "PO 4711",
                ContractDetails {
                    form: ContractForm::PurchaseOrder,
                    ..ContractDetails::default()
                },
            ),
            ConfigurationItem::new(
                "LI-1",
                "Editor key",
                LicenceDetails {
                    form: LicenceForm::Key,
                    ..LicenceDetails::default()
                },
            ),
        ]
    }

    #[test]
    fn every_asset_kind_of_figure_1_has_a_class() {
        let classes: Vec<_> = one_of_each()
            .iter()
            .map(|ci| ci.kind.class())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(classes, AssetClass::ALL);
        assert!(!SoftwareForm::Font.is_executable());
        assert!(SoftwareForm::Executable.is_executable());
    }

    #[test]
    fn json_form_is_stable() {
        let ci = ConfigurationItem::new(
            "SW-1",
            "Acme Editor 3.2",
            SoftwareDetails::executable(
                "Acme",
                "Editor",
                Version::new("3.2", VersionScheme::MultipartNumeric),
            )
            .with_tag_id("acme-editor-3.2"),
        )
        .in_stage(LifecycleStage::Release)
        .owned_by("IT")
        .responsibility(Responsibility::ExternalProvider)
        .with_dates(AssetDates {
            acquired: NaiveDate::from_ymd_opt(2026, 1, 15),
            ..AssetDates::default()
        });
        let value = serde_json::to_value(&ci).unwrap();
        assert_eq!(
            value,
            json!({
                "id": "SW-1",
                "name": "Acme Editor 3.2",
                "kind": {
                    "class": "software",
                    "form": "executable",
                    "publisher": "Acme",
                    "product": "Editor",
                    "version": {"value": "3.2", "scheme": "multipartnumeric"},
                    "tag_id": "acme-editor-3.2"
                },
                "stage": "release",
                "owner": "IT",
                "responsibility": "external_provider",
                "dates": {"acquired": "2026-01-15"}
            })
        );
        let back: ConfigurationItem = serde_json::from_value(value).unwrap();
        assert_eq!(back, ci);
    }

    #[test]
    fn every_kind_round_trips_through_json() {
        for ci in one_of_each() {
            let text = serde_json::to_string(&ci).unwrap();
            assert!(text.contains(&format!("\"class\":\"{}\"", ci.kind.class())));
            let back: ConfigurationItem = serde_json::from_str(&text).unwrap();
            assert_eq!(back, ci);
        }
    }

    fn arb_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[ -~äß€\\n\"]{0,12}").unwrap()
    }

    fn arb_item() -> impl proptest::strategy::Strategy<Value = ConfigurationItem> {
        use proptest::prelude::*;
        let kind = prop_oneof![
            (arb_text(), arb_text(), proptest::option::of(arb_text())).prop_map(|(m, s, b)| {
                let h = HardwareDetails::physical(m, s);
                AssetKind::from(match b {
                    Some(b) => h.with_build_level(b),
                    None => h,
                })
            }),
            (arb_text(), arb_text(), arb_text()).prop_map(|(p, n, v)| {
                SoftwareDetails::executable(p, n, Version::new(v, VersionScheme::Semver))
                    .with_form(SoftwareForm::Dictionary)
                    .into()
            }),
            arb_text().prop_map(|p| ServiceDetails::new(ServiceModel::Paas, p).into()),
            proptest::option::of(arb_text()).prop_map(|c| DataDetails { classification: c }.into()),
            proptest::option::of(0u32..100).prop_map(|q| LicenceDetails {
                quantity: q,
                ..LicenceDetails::default()
            }
            .into()),
        ];
        (
            arb_text(),
            arb_text(),
            kind,
            0usize..7,
            proptest::option::of(arb_text()),
            proptest::option::of(arb_text()),
            proptest::option::of(0i64..40_000),
        )
            .prop_map(|(id, name, kind, stage, owner, location, day)| {
                let mut ci = ConfigurationItem::new(id, name, kind)
                    .in_stage(LifecycleStage::ALL[stage])
                    .responsibility(Responsibility::Personnel);
                ci.owner = owner;
                ci.location = location;
                ci.dates.expires = day.and_then(|d| {
                    NaiveDate::from_ymd_opt(1970, 1, 1)
                        .and_then(|e| e.checked_add_signed(chrono::Duration::days(d)))
                });
                ci
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        #[test]
        fn any_item_round_trips_through_json(ci in arb_item()) {
            let text = serde_json::to_string(&ci).unwrap();
            let back: ConfigurationItem = serde_json::from_str(&text).unwrap();
            proptest::prop_assert_eq!(back, ci);
        }
    }

    #[test]
    fn builders_set_the_common_attributes() {
        let ci = ConfigurationItem::new("HW-2", "Phone", HardwareDetails::physical("P9", "X"))
            .owned_by("Alice")
            .kept_by("Service desk")
            .used_by("Alice")
            .responsibility(Responsibility::Personnel)
            .in_unit("Sales")
            .at("Berlin");
        assert_eq!(ci.custodian.as_deref(), Some("Service desk"));
        assert_eq!(ci.user.as_deref(), Some("Alice"));
        assert_eq!(ci.responsibility, Responsibility::Personnel);
        assert_eq!(ci.org_unit.as_deref(), Some("Sales"));
        assert_eq!(ci.location.as_deref(), Some("Berlin"));
        assert_eq!(ci.stage, LifecycleStage::Specification);
        assert!(ci.hardware().is_some() && ci.software().is_none());
    }
}
