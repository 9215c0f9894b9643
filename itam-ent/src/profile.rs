//! The Ent schema profile: every element, attribute, cardinality and value set, as data.
//!
//! **This profile is reconstructed.** ISO/IEC 19770-3:2016 Annex A (the normative XSD) is not
//! public. The 16 element names and the 13 value-set names are the standard's own (they appear in
//! its table of contents); the attribute names, types, cardinalities and most value-set members
//! below are inferred from the sibling ISO/IEC 19770-2:2015 SWID schema (whose `Entity`, `Link`
//! and `Meta` shapes are reused as they are) and from the standard's stated principle of
//! "maximum alignment with 19770-2". Each entry says how sure it is ([`Confidence`]).
//!
//! Everything that knows a name of the Ent format takes it from this module: the reader and the
//! writer use the [`names`] constants, the validator walks [`Profile::elements`] and
//! [`Profile::value_sets`]. When the real Annex A becomes available, this module is the one place
//! to change; the model's users and the reader's callers do not change.
//!
//! ```
//! use itam_ent::profile::{Profile, ProfileStatus};
//!
//! let p = Profile::reconstructed();
//! assert_eq!(p.status, ProfileStatus::Reconstructed);
//! assert_eq!(p.elements.len(), 16);
//! assert_eq!(p.value_sets.len(), 13);
//! let entity = p.element("Entity").unwrap();
//! assert!(entity.attribute("name").unwrap().required);
//! assert!(p.value_set("SupplementalEntType").unwrap().contains("allocation"));
//! ```

use std::fmt;

/// The namespace the writer emits by default (reconstructed from the 19770-2 pattern
/// `http://standards.iso.org/iso/19770/-2/2015/schema.xsd`; the year of part 3 is not confirmed).
pub const DEFAULT_NAMESPACE: &str = "http://standards.iso.org/iso/19770/-3/2016/schema.xsd";

/// The namespace prefix every accepted Ent namespace starts with; any four-digit year may follow,
/// then [`NAMESPACE_SUFFIX`] (the 19770-2:2009 schema shows the year in the namespace may differ
/// from the year of publication).
pub const NAMESPACE_PREFIX: &str = "http://standards.iso.org/iso/19770/-3/";

/// What follows the year in an Ent namespace.
pub const NAMESPACE_SUFFIX: &str = "/schema.xsd";

/// The W3C XML Signature namespace (`ds:Signature`), admitted like in 19770-2 through the root's
/// `xs:any namespace="##other"`.
pub const XMLDSIG_NAMESPACE: &str = "http://www.w3.org/2000/09/xmldsig#";

/// The `xml:` namespace (for `xml:lang`).
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Whether `ns` is an Ent namespace: `http(s)://standards.iso.org/iso/19770/-3/<4 digits>/schema.xsd`.
#[must_use]
pub fn is_ent_namespace(ns: &str) -> bool {
    let rest = ns
        .strip_prefix("http://")
        .or_else(|| ns.strip_prefix("https://"));
    let Some(rest) = rest else { return false };
    let Some(rest) = rest.strip_prefix("standards.iso.org/iso/19770/-3/") else {
        return false;
    };
    let Some(year) = rest.strip_suffix(NAMESPACE_SUFFIX) else {
        return false;
    };
    year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())
}

/// Element and attribute names of the Ent format, used by the reader and the writer.
///
/// Element names are confirmed (the standard's table of contents); attribute names are
/// reconstructed unless the same name exists on the 19770-2:2015 element of the same shape.
#[allow(missing_docs)]
pub mod names {
    pub const CONTRACT: &str = "Contract";
    pub const ENT: &str = "Ent";
    pub const ENT_META: &str = "EntMeta";
    pub const ENTITY: &str = "Entity";
    pub const INVOICE_DATA: &str = "InvoiceData";
    pub const LIMIT: &str = "Limit";
    pub const LIMIT_TIME: &str = "LimitTime";
    pub const LINK: &str = "Link";
    pub const LINK_CONTENT: &str = "LinkContent";
    pub const META: &str = "Meta";
    pub const METRIC: &str = "Metric";
    pub const ORDER_INFO: &str = "OrderInfo";
    pub const QUANTIFICATION: &str = "Quantification";
    pub const RIGHT: &str = "Right";
    pub const TEST_METHOD: &str = "TestMethod";
    pub const VALID_VERSION: &str = "ValidVersion";

    /// `xml:lang`, written with the `xml` prefix.
    pub const LANG: &str = "lang";

    // Ent
    pub const NAME: &str = "name";
    pub const ENT_ID: &str = "entId";
    pub const ENT_REVISION: &str = "entRevision";
    pub const ENT_TYPE: &str = "entType";
    pub const SUPPLEMENTAL_ENT_TYPE: &str = "supplementalEntType";
    pub const ENTITLEMENT_TYPE: &str = "entitlementType";
    pub const ISSUED: &str = "issued";
    // EntMeta
    pub const DESCRIPTION: &str = "description";
    pub const CHANNEL_TYPE: &str = "channelType";
    pub const TRUST_LEVEL: &str = "trustLevel";
    pub const FOSS_COPYLEFT: &str = "fossCopyleft";
    pub const GENERATOR: &str = "generator";
    pub const PRODUCT: &str = "product";
    pub const PRODUCT_FAMILY: &str = "productFamily";
    pub const EDITION: &str = "edition";
    pub const COLLOQUIAL_VERSION: &str = "colloquialVersion";
    pub const ENTITLEMENT_KEY: &str = "entitlementKey";
    pub const LICENSE_EXPRESSION: &str = "licenseExpression";
    // Entity
    pub const REGID: &str = "regid";
    pub const ROLE: &str = "role";
    pub const THUMBPRINT: &str = "thumbprint";
    // Contract
    pub const CONTRACT_ID: &str = "contractId";
    pub const CONTRACT_TYPE: &str = "contractType";
    pub const START_DATE: &str = "startDate";
    pub const END_DATE: &str = "endDate";
    // OrderInfo
    pub const ORDER_ID: &str = "orderId";
    pub const ORDER_LINE: &str = "orderLine";
    pub const ORDER_DATE: &str = "orderDate";
    pub const PART_NUMBER: &str = "partNumber";
    pub const QUANTITY: &str = "quantity";
    // InvoiceData
    pub const INVOICE_ID: &str = "invoiceId";
    pub const INVOICE_DATE: &str = "invoiceDate";
    pub const AMOUNT: &str = "amount";
    pub const UNIT_PRICE: &str = "unitPrice";
    pub const CURRENCY: &str = "currency";
    // Limit
    pub const TYPE: &str = "type";
    pub const VALUE: &str = "value";
    // LimitTime
    pub const START: &str = "start";
    pub const END: &str = "end";
    pub const DURATION: &str = "duration";
    pub const DURATION_UNIT: &str = "durationUnit";
    // Quantification
    pub const UNIT: &str = "unit";
    pub const FACTOR: &str = "factor";
    pub const UNLIMITED: &str = "unlimited";
    // TestMethod, Link
    pub const HREF: &str = "href";
    // ValidVersion
    pub const VERSION_SCHEME: &str = "versionScheme";
    pub const VERSION: &str = "version";
    pub const MIN_VERSION: &str = "minVersion";
    pub const AFTER_VERSION: &str = "afterVersion";
    pub const MAX_VERSION: &str = "maxVersion";
    pub const BEFORE_VERSION: &str = "beforeVersion";
    pub const TAG_ID: &str = "tagId";
    pub const PERSISTENT_ID: &str = "persistentId";
    // Link
    pub const REL: &str = "rel";
    pub const ARTIFACT: &str = "artifact";
    pub const MEDIA: &str = "media";
    pub const OWNERSHIP: &str = "ownership";
    pub const USE: &str = "use";
    // LinkContent
    pub const DIGEST: &str = "digest";
    pub const DIGEST_ALGORITHM: &str = "digestAlgorithm";
}

/// Whether a profile is the standard's own text or a reconstruction of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProfileStatus {
    /// Inferred from public material; unverified against Annex A.
    Reconstructed,
    /// Taken from the normative schema.
    Normative,
}

impl ProfileStatus {
    /// `reconstructed` or `normative`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Reconstructed => "reconstructed",
            Self::Normative => "normative",
        }
    }
}

impl fmt::Display for ProfileStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure an entry of the profile is (the tags of the project's `spec/ent.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Confirmed for 19770-3 by a public source.
    Confirmed,
    /// Confirmed for 19770-2:2015 (public XSD), carried over by the alignment principle.
    FromSwid,
    /// Inferred: plausible, unverified.
    Inferred,
    /// Unknown: a placeholder chosen for this library.
    Placeholder,
}

impl Confidence {
    /// `confirmed`, `from-19770-2`, `inferred` or `placeholder`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::FromSwid => "from-19770-2",
            Self::Inferred => "inferred",
            Self::Placeholder => "placeholder",
        }
    }
}

/// The XML Schema type of an attribute, as far as the validator checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttrType {
    /// `xs:string`: anything.
    String,
    /// `xs:token`: no leading, trailing or doubled whitespace (not checked beyond that).
    Token,
    /// `xs:anyURI`.
    AnyUri,
    /// `xs:NMTOKEN`: name characters only, no spaces.
    NmToken,
    /// `xs:NMTOKENS`: a space-separated list of NMTOKENs.
    NmTokens,
    /// `xs:nonNegativeInteger`.
    NonNegativeInteger,
    /// `xs:decimal`.
    Decimal,
    /// `xs:boolean`.
    Boolean,
    /// `xs:date` (`2024-01-31`).
    Date,
    /// `xs:dateTime` with a time-zone offset (`2024-01-31T00:00:00Z`).
    DateTime,
    /// `xs:language`.
    Language,
}

impl AttrType {
    /// The XML Schema name of the type.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::String => "xs:string",
            Self::Token => "xs:token",
            Self::AnyUri => "xs:anyURI",
            Self::NmToken => "xs:NMTOKEN",
            Self::NmTokens => "xs:NMTOKENS",
            Self::NonNegativeInteger => "xs:nonNegativeInteger",
            Self::Decimal => "xs:decimal",
            Self::Boolean => "xs:boolean",
            Self::Date => "xs:date",
            Self::DateTime => "xs:dateTime",
            Self::Language => "xs:language",
        }
    }
}

/// One attribute of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeDef {
    /// The local name (no namespace; `lang` stands for `xml:lang`).
    pub name: &'static str,
    /// Its type.
    pub ty: AttrType,
    /// Whether the attribute must be present.
    pub required: bool,
    /// The value set its values come from, if any (a name in [`Profile::value_sets`]).
    pub value_set: Option<&'static str>,
    /// How sure this entry is.
    pub confidence: Confidence,
}

/// One kind of child element with its cardinality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildDef {
    /// The child element's name.
    pub element: &'static str,
    /// The least number of occurrences.
    pub min: u32,
    /// The most occurrences; `None` is unbounded.
    pub max: Option<u32>,
    /// How sure this entry is.
    pub confidence: Confidence,
}

/// One element of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementDef {
    /// The element's local name.
    pub name: &'static str,
    /// What it is for, one line.
    pub summary: &'static str,
    /// Its declared attributes (attributes in other namespaces are always allowed, as on
    /// 19770-2's `BaseElement`).
    pub attributes: &'static [AttributeDef],
    /// Its child elements, which may appear in any order (an `xs:choice` as in 19770-2).
    pub children: &'static [ChildDef],
    /// Whether undeclared attributes in no namespace are expected (true for `Meta`, the open
    /// key/value bag).
    pub open_attributes: bool,
    /// Whether the element carries text content (`LinkContent`).
    pub text_content: bool,
    /// Whether elements from other namespaces may appear as children (`ds:Signature` on the
    /// root, extensions anywhere).
    pub foreign_children: bool,
}

impl ElementDef {
    /// The declared attribute of this name.
    #[must_use]
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeDef> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The declared child kind of this name.
    #[must_use]
    pub fn child(&self, name: &str) -> Option<&'static ChildDef> {
        self.children.iter().find(|c| c.element == name)
    }
}

/// One attribute value set and its known members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueSetDef {
    /// The value set's name (confirmed: the standard's table of contents).
    pub name: &'static str,
    /// Its known members, as written in documents.
    pub members: &'static [&'static str],
    /// How sure the members are.
    pub confidence: Confidence,
    /// Whether values outside the list are allowed (every set is open, as in 19770-2).
    pub open: bool,
}

impl ValueSetDef {
    /// Whether `value` is a known member.
    #[must_use]
    pub fn contains(&self, value: &str) -> bool {
        self.members.contains(&value)
    }
}

/// A whole schema profile: elements and value sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// A name for reports (`iso-19770-3-2016-reconstructed`).
    pub name: &'static str,
    /// Reconstructed or normative.
    pub status: ProfileStatus,
    /// The namespace the writer emits.
    pub namespace: &'static str,
    /// The root element's name.
    pub root: &'static str,
    /// Every element.
    pub elements: &'static [ElementDef],
    /// Every attribute value set.
    pub value_sets: &'static [ValueSetDef],
}

impl Profile {
    /// The reconstructed ISO/IEC 19770-3:2016 profile this crate ships.
    #[must_use]
    pub fn reconstructed() -> &'static Self {
        &RECONSTRUCTED
    }

    /// The element of this name.
    #[must_use]
    pub fn element(&self, name: &str) -> Option<&'static ElementDef> {
        self.elements.iter().find(|e| e.name == name)
    }

    /// The value set of this name.
    #[must_use]
    pub fn value_set(&self, name: &str) -> Option<&'static ValueSetDef> {
        self.value_sets.iter().find(|v| v.name == name)
    }

    /// Whether findings based on this profile must say they depend on a reconstruction.
    #[must_use]
    pub fn is_reconstructed(&self) -> bool {
        self.status == ProfileStatus::Reconstructed
    }
}

use AttrType as T;
use Confidence::{FromSwid as C2, Inferred as I, Placeholder as U};

const fn a(name: &'static str, ty: AttrType, required: bool, conf: Confidence) -> AttributeDef {
    AttributeDef {
        name,
        ty,
        required,
        value_set: None,
        confidence: conf,
    }
}

const fn v(
    name: &'static str,
    ty: AttrType,
    required: bool,
    set: &'static str,
    conf: Confidence,
) -> AttributeDef {
    AttributeDef {
        name,
        ty,
        required,
        value_set: Some(set),
        confidence: conf,
    }
}

const fn c(element: &'static str, min: u32, max: Option<u32>, conf: Confidence) -> ChildDef {
    ChildDef {
        element,
        min,
        max,
        confidence: conf,
    }
}

const fn e(
    name: &'static str,
    summary: &'static str,
    attributes: &'static [AttributeDef],
    children: &'static [ChildDef],
) -> ElementDef {
    ElementDef {
        name,
        summary,
        attributes,
        children,
        open_attributes: false,
        text_content: false,
        foreign_children: true,
    }
}

const LANG: AttributeDef = a(names::LANG, T::Language, false, C2);
const META_ANY: ChildDef = c(names::META, 0, None, C2);

static RECONSTRUCTED: Profile = Profile {
    name: "iso-19770-3-2016-reconstructed",
    status: ProfileStatus::Reconstructed,
    namespace: DEFAULT_NAMESPACE,
    root: names::ENT,
    elements: &[
        e(
            names::CONTRACT,
            "the agreement the entitlement is granted under",
            &[
                LANG,
                a(names::CONTRACT_ID, T::String, false, U),
                a(names::NAME, T::String, false, U),
                a(names::CONTRACT_TYPE, T::String, false, U),
                a(names::START_DATE, T::Date, false, U),
                a(names::END_DATE, T::Date, false, U),
            ],
            &[META_ANY],
        ),
        e(
            names::ENT,
            "the root: one entitlement, primary or supplemental",
            &[
                LANG,
                a(names::NAME, T::String, true, I),
                a(names::ENT_ID, T::String, true, I),
                a(names::ENT_REVISION, T::NonNegativeInteger, false, I),
                v(names::ENT_TYPE, T::NmToken, false, "EntType", I),
                v(
                    names::SUPPLEMENTAL_ENT_TYPE,
                    T::NmToken,
                    false,
                    "SupplementalEntType",
                    I,
                ),
                v(
                    names::ENTITLEMENT_TYPE,
                    T::NmToken,
                    false,
                    "EntitlementType",
                    I,
                ),
                a(names::ISSUED, T::DateTime, false, U),
            ],
            &[
                c(names::ENT_META, 0, None, I),
                c(names::ENTITY, 1, None, I),
                c(names::CONTRACT, 0, None, I),
                c(names::ORDER_INFO, 0, None, I),
                c(names::INVOICE_DATA, 0, None, I),
                c(names::RIGHT, 0, None, I),
                c(names::LINK, 0, None, I),
                c(names::META, 0, None, I),
            ],
        ),
        e(
            names::ENT_META,
            "predefined descriptive data about the Ent (the counterpart of SoftwareMeta)",
            &[
                LANG,
                a(names::DESCRIPTION, T::String, false, U),
                v(names::CHANNEL_TYPE, T::NmToken, false, "ChannelType", I),
                v(names::TRUST_LEVEL, T::NmToken, false, "TrustLevel", I),
                v(names::FOSS_COPYLEFT, T::NmToken, false, "FossCopyleft", I),
                a(names::GENERATOR, T::String, false, U),
                a(names::PRODUCT, T::String, false, U),
                a(names::PRODUCT_FAMILY, T::String, false, U),
                a(names::EDITION, T::String, false, U),
                a(names::COLLOQUIAL_VERSION, T::String, false, U),
                a(names::PERSISTENT_ID, T::String, false, U),
                a(names::ENTITLEMENT_KEY, T::String, false, U),
                a(names::LICENSE_EXPRESSION, T::String, false, U),
            ],
            &[],
        ),
        e(
            names::ENTITY,
            "a party and its roles (the 19770-2 Entity shape)",
            &[
                LANG,
                a(names::NAME, T::String, true, C2),
                a(names::REGID, T::AnyUri, false, C2),
                v(names::ROLE, T::NmTokens, true, "Role", C2),
                a(names::THUMBPRINT, T::String, false, C2),
            ],
            &[META_ANY],
        ),
        e(
            names::INVOICE_DATA,
            "an invoice that proves the purchase",
            &[
                LANG,
                a(names::INVOICE_ID, T::String, false, U),
                a(names::INVOICE_DATE, T::Date, false, U),
                a(names::AMOUNT, T::Decimal, false, U),
                a(names::UNIT_PRICE, T::Decimal, false, U),
                a(names::CURRENCY, T::Token, false, U),
            ],
            &[META_ANY],
        ),
        e(
            names::LIMIT,
            "a restriction on a right",
            &[
                LANG,
                v(names::TYPE, T::NmToken, true, "LimitType", I),
                a(names::VALUE, T::String, false, U),
            ],
            &[c(names::LIMIT_TIME, 0, None, I), META_ANY],
        ),
        e(
            names::LIMIT_TIME,
            "a period: start and end, or a duration in a unit",
            &[
                LANG,
                a(names::START, T::DateTime, false, U),
                a(names::END, T::DateTime, false, U),
                a(names::DURATION, T::Decimal, false, U),
                v(names::DURATION_UNIT, T::NmToken, false, "DurationUnit", I),
            ],
            &[],
        ),
        e(
            names::LINK,
            "a reference to a SWID tag, another Ent, licence text or a contract (19770-2 Link)",
            &[
                LANG,
                a(names::HREF, T::AnyUri, true, C2),
                v(names::REL, T::NmToken, true, "Rel", C2),
                a(names::ARTIFACT, T::String, false, C2),
                a(names::MEDIA, T::String, false, C2),
                a(names::OWNERSHIP, T::NmToken, false, C2),
                a(names::TYPE, T::String, false, C2),
                a(names::USE, T::NmToken, false, C2),
            ],
            &[c(names::LINK_CONTENT, 0, None, U)],
        ),
        ElementDef {
            text_content: true,
            ..e(
                names::LINK_CONTENT,
                "content carried with a link: a digest and/or an embedded copy",
                &[
                    LANG,
                    a(names::TYPE, T::String, false, U),
                    a(names::DIGEST, T::String, false, U),
                    a(names::DIGEST_ALGORITHM, T::String, false, U),
                ],
                &[],
            )
        },
        ElementDef {
            open_attributes: true,
            ..e(
                names::META,
                "an open bag of attributes (19770-2 Meta)",
                &[LANG],
                &[],
            )
        },
        e(
            names::METRIC,
            "how use of a right is counted",
            &[LANG, v(names::TYPE, T::NmToken, true, "MetricType", I)],
            &[
                c(names::QUANTIFICATION, 0, Some(1), I),
                c(names::TEST_METHOD, 0, None, I),
                META_ANY,
            ],
        ),
        e(
            names::ORDER_INFO,
            "purchase-order data: order, line, date, part number, quantity",
            &[
                LANG,
                a(names::ORDER_ID, T::String, false, U),
                a(names::ORDER_LINE, T::String, false, U),
                a(names::ORDER_DATE, T::Date, false, U),
                a(names::PART_NUMBER, T::String, false, U),
                a(names::QUANTITY, T::Decimal, false, U),
            ],
            &[META_ANY],
        ),
        e(
            names::QUANTIFICATION,
            "how much of a metric is granted",
            &[
                LANG,
                a(names::QUANTITY, T::Decimal, false, I),
                a(names::UNIT, T::String, false, U),
                a(names::FACTOR, T::Decimal, false, U),
                a(names::UNLIMITED, T::Boolean, false, U),
            ],
            &[],
        ),
        e(
            names::RIGHT,
            "one granted usage right",
            &[LANG, v(names::NAME, T::NmToken, true, "RightName", I)],
            &[
                c(names::METRIC, 0, None, I),
                c(names::LIMIT, 0, None, I),
                c(names::VALID_VERSION, 0, None, I),
                c(names::LINK, 0, None, I),
                META_ANY,
            ],
        ),
        e(
            names::TEST_METHOD,
            "how compliance with a metric is measured",
            &[
                LANG,
                a(names::NAME, T::String, false, U),
                a(names::DESCRIPTION, T::String, false, U),
                a(names::HREF, T::AnyUri, false, U),
            ],
            &[],
        ),
        e(
            names::VALID_VERSION,
            "the software versions a right applies to",
            &[
                LANG,
                v(names::VERSION_SCHEME, T::Token, false, "VersionScheme", C2),
                a(names::VERSION, T::String, false, U),
                a(names::MIN_VERSION, T::String, false, U),
                a(names::AFTER_VERSION, T::String, false, U),
                a(names::MAX_VERSION, T::String, false, U),
                a(names::BEFORE_VERSION, T::String, false, U),
                a(names::TAG_ID, T::String, false, U),
                a(names::PERSISTENT_ID, T::String, false, U),
            ],
            &[],
        ),
    ],
    value_sets: &[
        ValueSetDef {
            name: "ChannelType",
            members: &[
                "academic",
                "evaluation",
                "government",
                "notForResale",
                "oem",
                "retail",
                "volume",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "DurationUnit",
            members: &[
                "second", "minute", "hour", "day", "week", "month", "quarter", "year",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "EntType",
            members: &["primary", "supplemental"],
            confidence: I,
            open: true,
        },
        ValueSetDef {
            name: "EntitlementType",
            members: &[
                "evaluation",
                "license",
                "maintenance",
                "subscription",
                "support",
                "upgrade",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "FossCopyleft",
            members: &["none", "weak", "strong", "network"],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "RightName",
            members: &[
                "access",
                "backup",
                "copy",
                "disasterRecovery",
                "distribute",
                "downgrade",
                "failover",
                "install",
                "modify",
                "secondaryUse",
                "transfer",
                "upgrade",
                "use",
                "virtualize",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "LimitType",
            members: &[
                "environment",
                "geography",
                "hardware",
                "organization",
                "platform",
                "purpose",
                "time",
                "userType",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "MetricType",
            members: &[
                "capacity",
                "concurrentUser",
                "core",
                "device",
                "enterprise",
                "instance",
                "namedUser",
                "processor",
                "site",
                "socket",
                "transaction",
                "user",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "Rel",
            members: &[
                "ancestor",
                "component",
                "feature",
                "installationmedia",
                "packageinstaller",
                "parent",
                "patches",
                "requires",
                "see-also",
                "supersedes",
                "supplemental",
                "consolidates",
                "entitles",
                "license",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "Role",
            members: &[
                "tagCreator",
                "softwareCreator",
                "aggregator",
                "distributor",
                "licensor",
                "entCreator",
                "licensee",
                "purchaser",
                "reseller",
                "allocatee",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "SupplementalEntType",
            members: &[
                "addition",
                "allocation",
                "transfer",
                "consolidation",
                "revocation",
                "archive",
            ],
            confidence: I,
            open: true,
        },
        ValueSetDef {
            name: "TrustLevel",
            members: &[
                "publisherSigned",
                "publisher",
                "reseller",
                "customer",
                "unverified",
            ],
            confidence: U,
            open: true,
        },
        ValueSetDef {
            name: "VersionScheme",
            members: &[
                "multipartnumeric",
                "multipartnumeric+suffix",
                "alphanumeric",
                "decimal",
                "semver",
                "unknown",
            ],
            confidence: C2,
            open: true,
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const ELEMENTS: [&str; 16] = [
        "Contract",
        "Ent",
        "EntMeta",
        "Entity",
        "InvoiceData",
        "Limit",
        "LimitTime",
        "Link",
        "LinkContent",
        "Meta",
        "Metric",
        "OrderInfo",
        "Quantification",
        "Right",
        "TestMethod",
        "ValidVersion",
    ];

    #[test]
    fn has_exactly_the_sixteen_confirmed_elements() {
        let p = Profile::reconstructed();
        let got: Vec<_> = p.elements.iter().map(|e| e.name).collect();
        assert_eq!(got, ELEMENTS);
    }

    #[test]
    fn has_exactly_the_thirteen_confirmed_value_sets() {
        let p = Profile::reconstructed();
        let got: BTreeSet<_> = p.value_sets.iter().map(|v| v.name).collect();
        let want: BTreeSet<_> = [
            "ChannelType",
            "DurationUnit",
            "EntType",
            "EntitlementType",
            "FossCopyleft",
            "RightName",
            "LimitType",
            "MetricType",
            "Rel",
            "Role",
            "SupplementalEntType",
            "TrustLevel",
            "VersionScheme",
        ]
        .into_iter()
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn every_reference_resolves() {
        let p = Profile::reconstructed();
        for el in p.elements {
            let mut seen = BTreeSet::new();
            for at in el.attributes {
                assert!(seen.insert(at.name), "{}/@{} twice", el.name, at.name);
                if let Some(set) = at.value_set {
                    assert!(
                        p.value_set(set).is_some(),
                        "{}/@{}: {set}",
                        el.name,
                        at.name
                    );
                }
            }
            for ch in el.children {
                assert!(
                    p.element(ch.element).is_some(),
                    "{} > {}",
                    el.name,
                    ch.element
                );
                assert!(ch.max.is_none_or(|m| m >= ch.min));
            }
        }
        for vs in p.value_sets {
            let unique: BTreeSet<_> = vs.members.iter().collect();
            assert_eq!(unique.len(), vs.members.len(), "{} has duplicates", vs.name);
        }
        assert!(p.element(p.root).is_some());
    }

    #[test]
    fn swid_shapes_are_reused() {
        let p = Profile::reconstructed();
        let entity = p.element("Entity").unwrap();
        let names: Vec<_> = entity.attributes.iter().map(|a| a.name).collect();
        assert_eq!(names, ["lang", "name", "regid", "role", "thumbprint"]);
        assert!(entity.attribute("role").unwrap().required);
        assert_eq!(entity.attribute("role").unwrap().ty, AttrType::NmTokens);
        let link = p.element("Link").unwrap();
        assert!(link.attribute("href").unwrap().required);
        assert!(link.attribute("rel").unwrap().required);
        assert!(p.element("Meta").unwrap().open_attributes);
        // The Ent root has an id and a revision like tagId/tagVersion.
        let ent = p.element("Ent").unwrap();
        assert!(ent.attribute("entId").unwrap().required);
        assert_eq!(
            ent.attribute("entRevision").unwrap().ty,
            AttrType::NonNegativeInteger
        );
        assert_eq!(ent.child("Entity").unwrap().min, 1);
    }

    #[test]
    fn namespaces_of_any_year_are_accepted() {
        assert!(is_ent_namespace(DEFAULT_NAMESPACE));
        assert!(is_ent_namespace(
            "http://standards.iso.org/iso/19770/-3/2015/schema.xsd"
        ));
        assert!(is_ent_namespace(
            "https://standards.iso.org/iso/19770/-3/2021/schema.xsd"
        ));
        assert!(!is_ent_namespace(
            "http://standards.iso.org/iso/19770/-2/2015/schema.xsd"
        ));
        assert!(!is_ent_namespace(
            "http://standards.iso.org/iso/19770/-3/16/schema.xsd"
        ));
        assert!(!is_ent_namespace(""));
        assert_eq!(Profile::reconstructed().status.as_str(), "reconstructed");
    }
}
