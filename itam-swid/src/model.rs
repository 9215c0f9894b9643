//! The typed model of an ISO/IEC 19770-2:2015 SWID tag (the 2015 XSD, `SoftwareIdentity` and
//! everything below it), plus the NISTIR 8060 extension attributes.
//!
//! Conventions:
//! - Field names are the snake_case form of the XML attribute names (`tagId` → `tag_id`);
//!   where that is a Rust keyword the raw identifier is used (`r#type`, `r#use`).
//! - Every attribute value is kept exactly as written. Booleans and integers are [`XmlBool`]
//!   and [`XmlInt`], which keep their text and interpret it on demand; open vocabularies keep
//!   unknown values in their `Other` variant.
//! - Children are ordered lists of enums ([`Child`], [`EntityChild`], [`ResourceChild`],
//!   [`DirectoryChild`]) so that the document order, including where foreign elements sat
//!   among the SWID children, is kept. Accessors such as [`SoftwareIdentity::entities`] give
//!   typed views.
//! - Unknown attributes (`attributes` on every element) and unknown child content (`Other`
//!   variants and `content` on leaf elements) are kept in document order: see
//!   [`ForeignElement`].
//! - Positions are not part of the model: they live in a [`SourceMap`](crate::SourceMap) beside
//!   it, so `PartialEq` compares content only.

mod foreign;
mod hashes;
mod lexical;
mod small;
mod vocab;

use itam_core::{RegId, TagId, Version, VersionScheme};
use serde::{Deserialize, Serialize};

pub use foreign::{Attribute, ForeignElement, ForeignNode, NamespaceDecl, QName};
pub use hashes::{Hashes, HashesIter};
#[allow(unused_imports)]
pub(crate) use lexical::is_xml_space;
pub use lexical::{XmlBool, XmlInt};
pub use small::SmallString;
pub use vocab::{HashAlgorithm, Ownership, PatchEvent, Rel, Role, Roles, Use};

/// A SWID tag: the `SoftwareIdentity` root element (ISO/IEC 19770-2:2015 8.1; RFC 9393
/// `concise-swid-tag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftwareIdentity {
    /// `name` (required): the software's name as users know it.
    pub name: String,
    /// `tagId` (required): the tag's globally unique id.
    pub tag_id: TagId,
    /// `tagVersion` (default 0): the revision of the tag itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_version: Option<XmlInt>,
    /// `version` (default `0.0`): the product version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `versionScheme` (default `multipartnumeric`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_scheme: Option<VersionScheme>,
    /// `corpus` (default false): a pre-installation tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus: Option<XmlBool>,
    /// `patch` (default false): a patch tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patch: Option<XmlBool>,
    /// `supplemental` (default false): a supplemental tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplemental: Option<XmlBool>,
    /// `media`: an applicability expression such as `(windows)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<String>,
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Attributes the schema does not name (other namespaces such as `xsi:schemaLocation`,
    /// and unqualified extras), in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Children in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Child>,
}

/// A child of `SoftwareIdentity`. The 2015 XSD makes the children a repeating choice, so any
/// order and any interleaving is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Child {
    /// `Entity`.
    Entity(Entity),
    /// `Evidence`.
    Evidence(Evidence),
    /// `Link`.
    Link(Link),
    /// `Meta` (type SoftwareMeta).
    Meta(SoftwareMeta),
    /// `Payload`.
    Payload(Payload),
    /// Anything else: a foreign element (`ds:Signature`…), text, a comment, a PI.
    Other(ForeignNode),
}

/// The tag type (ISO/IEC 19770-2:2015 5.2; NISTIR 8060 §3), derived from the `corpus`, `patch`
/// and `supplemental` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagType {
    /// No flag is true.
    Primary,
    /// `corpus` is true: describes installation media before installation.
    Corpus,
    /// `patch` is true: describes a patch.
    Patch,
    /// `supplemental` is true: adds information to another tag.
    Supplemental,
}

impl TagType {
    /// The type's name (`primary`, `corpus`, `patch`, `supplemental`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Corpus => "corpus",
            Self::Patch => "patch",
            Self::Supplemental => "supplemental",
        }
    }
}

/// Which flag wins when a tag sets more than one of `corpus`, `patch`, `supplemental`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum TypePrecedence {
    /// NIST swidval (`SWIDTagCharacteristics`, the Schematron `$type`): patch, then
    /// supplemental, then corpus, then primary. The default, because the NISTIR 8060 rules
    /// are scoped by this classification.
    #[default]
    Swidval,
    /// RFC 9393 §4: supplemental, then corpus, then patch (a patch installer that sets both
    /// `corpus` and `patch` is a corpus tag).
    Rfc9393,
}

/// The three tag-type flags as booleans (`xs:boolean`: `true`/`1` are true; anything absent or
/// not a valid boolean is false).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TypeFlags {
    /// `corpus`.
    pub corpus: bool,
    /// `patch`.
    pub patch: bool,
    /// `supplemental`.
    pub supplemental: bool,
}

impl TypeFlags {
    /// How many flags are true (more than one is a NISTIR 8060 COR-1/PAT-1/SUP-1 violation).
    #[must_use]
    pub fn count(self) -> usize {
        usize::from(self.corpus) + usize::from(self.patch) + usize::from(self.supplemental)
    }

    /// The tag type under a precedence.
    #[must_use]
    pub fn tag_type(self, precedence: TypePrecedence) -> TagType {
        match precedence {
            TypePrecedence::Swidval => {
                if self.patch {
                    TagType::Patch
                } else if self.supplemental {
                    TagType::Supplemental
                } else if self.corpus {
                    TagType::Corpus
                } else {
                    TagType::Primary
                }
            }
            TypePrecedence::Rfc9393 => {
                if self.supplemental {
                    TagType::Supplemental
                } else if self.corpus {
                    TagType::Corpus
                } else if self.patch {
                    TagType::Patch
                } else {
                    TagType::Primary
                }
            }
        }
    }
}

impl SoftwareIdentity {
    /// A tag with a name and a tagId and nothing else.
    pub fn new(name: impl Into<String>, tag_id: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            tag_id: TagId::new(tag_id),
            tag_version: None,
            version: None,
            version_scheme: None,
            corpus: None,
            patch: None,
            supplemental: None,
            media: None,
            lang: None,
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The `Entity` children, in order.
    pub fn entities(&self) -> impl Iterator<Item = &Entity> {
        self.children.iter().filter_map(|c| match c {
            Child::Entity(e) => Some(e),
            _ => None,
        })
    }

    /// The `Link` children, in order.
    pub fn links(&self) -> impl Iterator<Item = &Link> {
        self.children.iter().filter_map(|c| match c {
            Child::Link(l) => Some(l),
            _ => None,
        })
    }

    /// The `Meta` children, in order.
    pub fn metas(&self) -> impl Iterator<Item = &SoftwareMeta> {
        self.children.iter().filter_map(|c| match c {
            Child::Meta(m) => Some(m),
            _ => None,
        })
    }

    /// The `Payload` children (the standard allows one; all are kept).
    pub fn payloads(&self) -> impl Iterator<Item = &Payload> {
        self.children.iter().filter_map(|c| match c {
            Child::Payload(p) => Some(p),
            _ => None,
        })
    }

    /// The `Evidence` children (the standard allows one; all are kept).
    pub fn evidences(&self) -> impl Iterator<Item = &Evidence> {
        self.children.iter().filter_map(|c| match c {
            Child::Evidence(e) => Some(e),
            _ => None,
        })
    }

    /// The first `Payload`.
    #[must_use]
    pub fn payload(&self) -> Option<&Payload> {
        self.payloads().next()
    }

    /// The first `Evidence`.
    #[must_use]
    pub fn evidence(&self) -> Option<&Evidence> {
        self.evidences().next()
    }

    /// Foreign elements directly under `SoftwareIdentity`, in order.
    pub fn foreign_elements(&self) -> impl Iterator<Item = &ForeignElement> {
        self.children.iter().filter_map(|c| match c {
            Child::Other(ForeignNode::Element(e)) => Some(e),
            _ => None,
        })
    }

    /// The enveloped XML-DSig signatures (`ds:Signature` children).
    pub fn signatures(&self) -> impl Iterator<Item = &ForeignElement> {
        self.foreign_elements().filter(|e| e.is_signature())
    }

    /// Adds a child at the end.
    pub fn push(&mut self, child: impl Into<Child>) {
        self.children.push(child.into());
    }

    /// The product version with its scheme, applying the XSD defaults (`0.0`,
    /// `multipartnumeric`) for whichever is absent.
    #[must_use]
    pub fn product_version(&self) -> Version {
        Version::new(
            self.version.clone().unwrap_or_else(|| "0.0".to_owned()),
            self.version_scheme.clone().unwrap_or_default(),
        )
    }

    /// The `tagVersion`, with the XSD default 0; `None` when the text is not an integer.
    #[must_use]
    pub fn tag_version_value(&self) -> Option<i128> {
        match &self.tag_version {
            None => Some(0),
            Some(v) => v.value(),
        }
    }

    /// The three type flags as booleans.
    #[must_use]
    pub fn type_flags(&self) -> TypeFlags {
        let flag = |f: &Option<XmlBool>| f.as_ref().is_some_and(XmlBool::is_true);
        TypeFlags {
            corpus: flag(&self.corpus),
            patch: flag(&self.patch),
            supplemental: flag(&self.supplemental),
        }
    }

    /// The tag type, by the flags (`xs:boolean`, so `"1"` counts as true) under swidval's
    /// precedence: patch, then supplemental, then corpus, then primary. See
    /// [`TypeFlags::tag_type`] for RFC 9393's order.
    #[must_use]
    pub fn tag_type(&self) -> TagType {
        self.type_flags().tag_type(TypePrecedence::Swidval)
    }

    /// Whether the tag is authoritative, i.e. written by the software's producer. The rule
    /// is swidval's auto-detection: some Entity's roles include `tagCreator` **and** one of
    /// `aggregator`, `distributor`, `licensor`, `softwareCreator`. Roles are matched as whole
    /// tokens (swidval's XPath `contains()` matches substrings; this is deliberate).
    #[must_use]
    pub fn is_authoritative(&self) -> bool {
        self.entities().any(Entity::is_authoritative_creator)
    }

    /// The Entities whose roles include `tagCreator`.
    pub fn tag_creators(&self) -> impl Iterator<Item = &Entity> {
        self.entities()
            .filter(|e| e.role.contains(&Role::TagCreator))
    }
}

/// `Entity` (ISO/IEC 19770-2:2015 8.2): an organisation and its roles.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Entity {
    /// `name` (required).
    pub name: String,
    /// `regid` (default `http://invalid.unavailable`): the organisation's registration id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regid: Option<RegId>,
    /// `role` (required): the space-separated roles, kept as written.
    pub role: Roles,
    /// `thumbprint`: hex hash of the signer's certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Attributes the schema does not name, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Children (`Meta` and anything foreign), in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<EntityChild>,
}

impl Entity {
    /// An Entity with a name, a regid and roles.
    pub fn new(name: impl Into<String>, regid: impl Into<String>, roles: &[Role]) -> Self {
        Self {
            name: name.into(),
            regid: Some(RegId::new(regid)),
            role: Roles::from_roles(roles),
            ..Self::default()
        }
    }

    /// The roles, as tokens.
    pub fn roles(&self) -> impl Iterator<Item = Role> + '_ {
        self.role.iter()
    }

    /// Whether the roles include `role`.
    #[must_use]
    pub fn has_role(&self, role: &Role) -> bool {
        self.role.contains(role)
    }

    /// The regid, with the XSD default `http://invalid.unavailable` when absent.
    #[must_use]
    pub fn regid_or_default(&self) -> RegId {
        self.regid.clone().unwrap_or_default()
    }

    /// `tagCreator` plus one of `aggregator`, `distributor`, `licensor`, `softwareCreator`
    /// (swidval's authoritativeness test).
    #[must_use]
    pub fn is_authoritative_creator(&self) -> bool {
        self.has_role(&Role::TagCreator)
            && [
                Role::Aggregator,
                Role::Distributor,
                Role::Licensor,
                Role::SoftwareCreator,
            ]
            .iter()
            .any(|r| self.has_role(r))
    }

    /// The `Meta` children, in order.
    pub fn metas(&self) -> impl Iterator<Item = &Meta> {
        self.children.iter().filter_map(|c| match c {
            EntityChild::Meta(m) => Some(m),
            EntityChild::Other(_) => None,
        })
    }
}

/// A child of `Entity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EntityChild {
    /// `Meta` (generic Meta type).
    Meta(Meta),
    /// Anything else, kept.
    Other(ForeignNode),
}

/// Where a [`Link`]'s `href` points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LinkTarget<'a> {
    /// `swid:<tagId>`: another tag by its tagId.
    Swid(&'a str),
    /// `swidpath:<XPath>`: tags selected by an (ideally percent-encoded) XPath expression.
    SwidPath(&'a str),
    /// Any other URI or relative reference.
    Uri(&'a str),
}

/// `Link` (ISO/IEC 19770-2:2015 8.4), modelled on HTML's `<link>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Link {
    /// `href` (required).
    pub href: String,
    /// `rel` (required).
    pub rel: Rel,
    /// `artifact`: the canonical file name for `installationmedia`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    /// `media`: applicability expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<String>,
    /// `ownership`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<Ownership>,
    /// `type`: the IANA media type of the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// `use`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#use: Option<Use>,
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Attributes the schema does not name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Content the schema does not allow here (e.g. text), kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<ForeignNode>,
}

impl Default for Rel {
    fn default() -> Self {
        Self::Other(String::new())
    }
}

impl Link {
    /// A link with an href and a rel.
    pub fn new(href: impl Into<String>, rel: Rel) -> Self {
        Self {
            href: href.into(),
            rel,
            ..Self::default()
        }
    }

    /// What the href points to, by its scheme (`swid:` / `swidpath:` are matched
    /// case-insensitively, as URI schemes are).
    #[must_use]
    pub fn target(&self) -> LinkTarget<'_> {
        let href = self.href.as_str();
        if let Some(rest) = strip_prefix_ci(href, "swid:") {
            LinkTarget::Swid(rest)
        } else if let Some(rest) = strip_prefix_ci(href, "swidpath:") {
            LinkTarget::SwidPath(rest)
        } else {
            LinkTarget::Uri(href)
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// `Meta` under `SoftwareIdentity` (type SoftwareMeta, ISO/IEC 19770-2:2015 8.5) with every
/// predefined attribute. Other attributes (qualified, and under the ISO XSD unqualified ones
/// too) are kept in `attributes`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct SoftwareMeta {
    /// `activationStatus` (e.g. trial, serialized, licensed, unlicensed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_status: Option<String>,
    /// `channelType` (e.g. volume, retail, OEM, academic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<String>,
    /// `colloquialVersion`: the version as marketed (`2016`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colloquial_version: Option<String>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `edition` (e.g. Professional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// `entitlementDataRequired` (boolean).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement_data_required: Option<XmlBool>,
    /// `entitlementKey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement_key: Option<String>,
    /// `generator`: the tool (or its id) that generated the tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<String>,
    /// `persistentId`: stays the same across versions of the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_id: Option<String>,
    /// `product`: the base product name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// `productFamily`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_family: Option<String>,
    /// `revision`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// `summary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// `unspscCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unspsc_code: Option<String>,
    /// `unspscVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unspsc_version: Option<String>,
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Other attributes, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Content the schema does not allow here, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<ForeignNode>,
}

/// The names of SoftwareMeta's predefined attributes, in schema order.
pub const SOFTWARE_META_ATTRIBUTES: [&str; 15] = [
    "activationStatus",
    "channelType",
    "colloquialVersion",
    "description",
    "edition",
    "entitlementDataRequired",
    "entitlementKey",
    "generator",
    "persistentId",
    "product",
    "productFamily",
    "revision",
    "summary",
    "unspscCode",
    "unspscVersion",
];

impl SoftwareMeta {
    /// The value of a predefined attribute by its XML name (`"colloquialVersion"`), or of
    /// an unqualified extra attribute of that name.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        let predefined = match name {
            "activationStatus" => &self.activation_status,
            "channelType" => &self.channel_type,
            "colloquialVersion" => &self.colloquial_version,
            "description" => &self.description,
            "edition" => &self.edition,
            "entitlementDataRequired" => {
                return self.entitlement_data_required.as_ref().map(XmlBool::as_str);
            }
            "entitlementKey" => &self.entitlement_key,
            "generator" => &self.generator,
            "persistentId" => &self.persistent_id,
            "product" => &self.product,
            "productFamily" => &self.product_family,
            "revision" => &self.revision,
            "summary" => &self.summary,
            "unspscCode" => &self.unspsc_code,
            "unspscVersion" => &self.unspsc_version,
            _ => {
                return self
                    .attributes
                    .iter()
                    .find(|a| a.name.is(None, name))
                    .map(|a| a.value.as_str());
            }
        };
        predefined.as_deref()
    }

    /// The value of a predefined attribute by its XML name (`None` for other names).
    #[must_use]
    pub fn get_predefined(&self, name: &str) -> Option<&str> {
        if SOFTWARE_META_ATTRIBUTES.contains(&name) {
            self.get(name)
        } else {
            None
        }
    }

    /// A mutable reference to a predefined string attribute by XML name
    /// (`entitlementDataRequired` is an [`XmlBool`] and not reachable here).
    pub fn field_mut(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "activationStatus" => &mut self.activation_status,
            "channelType" => &mut self.channel_type,
            "colloquialVersion" => &mut self.colloquial_version,
            "description" => &mut self.description,
            "edition" => &mut self.edition,
            "entitlementKey" => &mut self.entitlement_key,
            "generator" => &mut self.generator,
            "persistentId" => &mut self.persistent_id,
            "product" => &mut self.product,
            "productFamily" => &mut self.product_family,
            "revision" => &mut self.revision,
            "summary" => &mut self.summary,
            "unspscCode" => &mut self.unspsc_code,
            "unspscVersion" => &mut self.unspsc_version,
            _ => return None,
        })
    }
}

/// A generic `Meta` (ISO/IEC 19770-2:2015 8.5, type Meta), as found under `Entity`: no
/// predefined attribute besides `xml:lang`, any other attribute allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Meta {
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The attributes, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Content the schema does not allow here, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<ForeignNode>,
}

/// A resource collection (ISO/IEC 19770-2:2015 8.6): the content of `Payload`, and of
/// `Evidence` besides its own two attributes. Carries the NISTIR 8060 path conventions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResourceCollection {
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// `n8060:pathSeparator` (NISTIR 8060): the separator used in `location`/`root`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_separator: Option<String>,
    /// `n8060:envVarPrefix` (NISTIR 8060): what starts an environment variable (`%`, `$`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var_prefix: Option<String>,
    /// `n8060:envVarSuffix` (NISTIR 8060): what ends one (`%`, or empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var_suffix: Option<String>,
    /// Attributes the schema does not name, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// `Directory`, `File`, `Process`, `Resource` (and foreign content), in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ResourceChild>,
}

/// `Payload` (ISO/IEC 19770-2:2015 8.6): what the software installs.
pub type Payload = ResourceCollection;

/// `Evidence` (ISO/IEC 19770-2:2015 8.3): what a discovery tool found on a device.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Evidence {
    /// `date` (xs:dateTime; xs:date in the 2014 DIS), kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `deviceId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Everything a resource collection has.
    #[serde(flatten)]
    pub resources: ResourceCollection,
}

impl Evidence {
    /// The `date` as a timestamp, when it is an RFC 3339 date-time.
    #[must_use]
    pub fn date_time(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(self.date.as_deref()?.trim()).ok()
    }
}

/// A child of a resource collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResourceChild {
    /// `Directory`.
    Directory(Directory),
    /// `File`.
    File(File),
    /// `Process`.
    Process(Process),
    /// `Resource`.
    Resource(Resource),
    /// Anything else, kept.
    Other(ForeignNode),
}

/// A child of a `Directory`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DirectoryChild {
    /// `Directory`.
    Directory(Directory),
    /// `File`.
    File(File),
    /// Anything else, kept (a `Process` or `Resource` here is not schema-valid and is kept
    /// as foreign content).
    Other(ForeignNode),
}

/// `Directory` (ISO/IEC 19770-2:2015 8.7.5, a FilesystemItem).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Directory {
    /// `name` (required in 2015; the 2014 DIS had none, read as empty in lax mode).
    pub name: SmallString,
    /// `key` (boolean).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<XmlBool>,
    /// `location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `root`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Attributes the schema does not name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Children, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<DirectoryChild>,
}

/// `File` (ISO/IEC 19770-2:2015 8.7.6, a FilesystemItem), with its hashes and the NISTIR
/// 8060 `mutable` and `patchEvent` attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct File {
    /// `name` (required): the file name, without a path.
    pub name: SmallString,
    /// `key` (boolean): the file proves the software is installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<XmlBool>,
    /// `location`: the directory, relative to `root` or to the parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `root`: a system-specific root (`%programdata%`, `/usr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// `size` in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<XmlInt>,
    /// `version`: the file's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The `{algorithm-namespace}hash` attributes, keyed by algorithm (the attribute's
    /// namespace URI; the prefix does not matter). Values are kept as written (hex).
    #[serde(default, skip_serializing_if = "Hashes::is_empty")]
    pub hashes: Hashes,
    /// `n8060:mutable` (NISTIR 8060, boolean, default false): the file may change after
    /// installation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutable: Option<XmlBool>,
    /// `n8060:patchEvent` (NISTIR 8060): what a patch does to the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patch_event: Option<PatchEvent>,
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Attributes the schema does not name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Content the schema does not allow here, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<ForeignNode>,
}

impl File {
    /// A file by name.
    pub fn new(name: impl Into<SmallString>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The hash for an algorithm.
    #[must_use]
    pub fn hash(&self, algorithm: &HashAlgorithm) -> Option<&str> {
        self.hashes.get(algorithm).map(String::as_str)
    }

    /// Whether `n8060:mutable` is true.
    #[must_use]
    pub fn is_mutable(&self) -> bool {
        self.mutable.as_ref().is_some_and(XmlBool::is_true)
    }
}

/// `Process` (ISO/IEC 19770-2:2015 8.7.8).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Process {
    /// `name` (required): the process name.
    pub name: String,
    /// `pid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<XmlInt>,
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Attributes the schema does not name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Content the schema does not allow here, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<ForeignNode>,
}

/// `Resource` (ISO/IEC 19770-2:2015 8.7.9): any other resource (registry key, port…).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Resource {
    /// `type` (required): free text naming the kind of resource.
    pub r#type: String,
    /// `xml:lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Attributes the schema does not name (the resource's details).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Content the schema does not allow here, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<ForeignNode>,
}

/// Counts element names among siblings, for `[n]` path steps.
#[derive(Default)]
struct StepCounter(Vec<(&'static str, usize)>);

impl StepCounter {
    fn next(&mut self, name: &'static str) -> usize {
        if let Some(entry) = self.0.iter_mut().find(|(n, _)| *n == name) {
            entry.1 += 1;
            entry.1
        } else {
            self.0.push((name, 1));
            1
        }
    }
}

impl SoftwareIdentity {
    /// The SWID children with their [`SourceMap`](crate::SourceMap) paths
    /// (`/SoftwareIdentity/Entity[2]`), counted as the reader counts them. Foreign content
    /// is skipped.
    #[must_use]
    pub fn children_with_paths(&self) -> Vec<(String, &Child)> {
        let mut counter = StepCounter::default();
        let mut out = Vec::new();
        for child in &self.children {
            let name = match child {
                Child::Entity(_) => "Entity",
                Child::Evidence(_) => "Evidence",
                Child::Link(_) => "Link",
                Child::Meta(_) => "Meta",
                Child::Payload(_) => "Payload",
                Child::Other(_) => continue,
            };
            let index = counter.next(name);
            out.push((
                crate::source::path::child(crate::source::path::ROOT, name, index),
                child,
            ));
        }
        out
    }
}

impl ResourceCollection {
    /// Every `File` at any depth with its path, given the collection's own path
    /// (`/SoftwareIdentity/Payload[1]`), in document order.
    #[must_use]
    pub fn files_with_paths(&self, collection_path: &str) -> Vec<(String, &File)> {
        let mut out = Vec::new();
        let mut counter = StepCounter::default();
        for child in &self.children {
            match child {
                ResourceChild::File(f) => {
                    let index = counter.next("File");
                    out.push((
                        crate::source::path::child(collection_path, "File", index),
                        f,
                    ));
                }
                ResourceChild::Directory(d) => {
                    let index = counter.next("Directory");
                    let at = crate::source::path::child(collection_path, "Directory", index);
                    d.collect_files_with_paths(&at, &mut out);
                }
                ResourceChild::Process(_) => {
                    counter.next("Process");
                }
                ResourceChild::Resource(_) => {
                    counter.next("Resource");
                }
                ResourceChild::Other(_) => {}
            }
        }
        out
    }

    /// Every `File` at any depth (under Directories too), in document order.
    #[must_use]
    pub fn files(&self) -> Vec<&File> {
        let mut out = Vec::new();
        for child in &self.children {
            match child {
                ResourceChild::File(f) => out.push(f),
                ResourceChild::Directory(d) => d.collect_files(&mut out),
                _ => {}
            }
        }
        out
    }

    /// The `File` children directly under the collection (NISTIR 8060 PAT-4).
    pub fn direct_files(&self) -> impl Iterator<Item = &File> {
        self.children.iter().filter_map(|c| match c {
            ResourceChild::File(f) => Some(f),
            _ => None,
        })
    }
}

impl Directory {
    fn collect_files_with_paths<'a>(&'a self, at: &str, out: &mut Vec<(String, &'a File)>) {
        let mut counter = StepCounter::default();
        for child in &self.children {
            match child {
                DirectoryChild::File(f) => {
                    let index = counter.next("File");
                    out.push((crate::source::path::child(at, "File", index), f));
                }
                DirectoryChild::Directory(d) => {
                    let index = counter.next("Directory");
                    d.collect_files_with_paths(
                        &crate::source::path::child(at, "Directory", index),
                        out,
                    );
                }
                DirectoryChild::Other(_) => {}
            }
        }
    }

    fn collect_files<'a>(&'a self, out: &mut Vec<&'a File>) {
        for child in &self.children {
            match child {
                DirectoryChild::File(f) => out.push(f),
                DirectoryChild::Directory(d) => d.collect_files(out),
                DirectoryChild::Other(_) => {}
            }
        }
    }
}

macro_rules! into_child {
    ($enum:ident: $($variant:ident($ty:ty)),+) => {
        $(impl From<$ty> for $enum {
            fn from(value: $ty) -> Self {
                Self::$variant(value)
            }
        })+
    };
}

into_child!(Child: Entity(Entity), Link(Link), Meta(SoftwareMeta), Payload(Payload), Evidence(Evidence), Other(ForeignNode));
into_child!(EntityChild: Meta(Meta), Other(ForeignNode));
into_child!(ResourceChild: Directory(Directory), File(File), Process(Process), Resource(Resource), Other(ForeignNode));
into_child!(DirectoryChild: Directory(Directory), File(File), Other(ForeignNode));

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_with_flags(corpus: &str, patch: &str, supplemental: &str) -> SoftwareIdentity {
        SoftwareIdentity {
            corpus: Some(XmlBool::new(corpus)),
            patch: Some(XmlBool::new(patch)),
            supplemental: Some(XmlBool::new(supplemental)),
            ..SoftwareIdentity::new("x", "y")
        }
    }

    #[test]
    fn tag_type_follows_swidval_precedence_and_xs_boolean() {
        assert_eq!(SoftwareIdentity::new("x", "y").tag_type(), TagType::Primary);
        assert_eq!(
            tag_with_flags("true", "1", "false").tag_type(),
            TagType::Patch
        );
        assert_eq!(
            tag_with_flags("true", "false", "true").tag_type(),
            TagType::Supplemental
        );
        assert_eq!(
            tag_with_flags("1", "false", "no").tag_type(),
            TagType::Corpus
        );
        let flags = tag_with_flags("true", "true", "false").type_flags();
        assert_eq!(flags.count(), 2);
        assert_eq!(flags.tag_type(TypePrecedence::Rfc9393), TagType::Corpus);
    }

    #[test]
    fn authoritative_needs_tag_creator_and_a_producer_role() {
        let mut tag = SoftwareIdentity::new("x", "y");
        tag.push(Entity::new("A", "a.com", &[Role::TagCreator]));
        assert!(!tag.is_authoritative());
        tag.push(Entity::new("B", "b.com", &[Role::SoftwareCreator]));
        assert!(!tag.is_authoritative());
        tag.push(Entity::new(
            "C",
            "c.com",
            &[Role::TagCreator, Role::Distributor],
        ));
        assert!(tag.is_authoritative());
        assert_eq!(tag.tag_creators().count(), 2);
    }

    #[test]
    fn link_targets_by_scheme() {
        assert_eq!(
            Link::new("swid:abc", Rel::Supplemental).target(),
            LinkTarget::Swid("abc")
        );
        assert_eq!(
            Link::new("SWIDPATH://x", Rel::Requires).target(),
            LinkTarget::SwidPath("//x")
        );
        assert_eq!(
            Link::new("https://e.com", Rel::SeeAlso).target(),
            LinkTarget::Uri("https://e.com")
        );
    }

    #[test]
    fn files_are_collected_at_any_depth() {
        let mut inner = Directory {
            name: "d".into(),
            ..Directory::default()
        };
        inner.children.push(File::new("b").into());
        let payload = Payload {
            children: vec![File::new("a").into(), inner.into()],
            ..Payload::default()
        };
        let names: Vec<&str> = payload.files().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(payload.direct_files().count(), 1);
    }
}
