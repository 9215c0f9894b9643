//! The rule catalogue: every rule the validator knows, with a stable id, where it comes from,
//! its requirement level, the tags it applies to and a one-line summary.
//!
//! Ids are stable: `XSD-*` for the schema, `ISO-*` and swidval's `SWID-*` for the 2015
//! co-constraints the XSD cannot express, and NISTIR 8060's own derived-requirement ids
//! (`GEN-4-1`, `PRI-13-2`, …) for the guidelines, and `READ-*` for what the lax reader reports
//! when it reads a tag the 2015 schema would refuse ([`crate::read::RULE_NS_DRAFT`] and its
//! siblings are these rules' ids). Statements that no program can check on a
//! single tag (GEN-3, GEN-25, PRI-9, …) are listed with [`Rule::is_automated`] false so that the
//! catalogue covers the whole guideline; they never fire.

use std::fmt;

use itam_core::diag::Severity;

use crate::model::TagType;

/// The rule layer a rule belongs to; a [`Profile`](super::Profile) switches layers on and off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Layer {
    /// XSD-equivalent checks (ISO/IEC 19770-2:2015 Annex schema, in ISO or NIST mode).
    Schema,
    /// Co-constraints of ISO/IEC 19770-2:2015 that the XSD does not enforce.
    Iso,
    /// NISTIR 8060 guidelines as derived into requirements by NIST's swidval.
    Nistir8060,
    /// What the reader reports in lax mode when it reads a tag strict mode refuses (a draft or
    /// missing namespace, a missing required attribute, a draft `uniqueId`). The reader
    /// reports these in [`crate::Parsed::findings`] whatever the profile; no profile runs them.
    Reader,
}

impl Layer {
    /// `schema`, `iso` or `nistir-8060`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Schema => "schema",
            Self::Iso => "iso",
            Self::Nistir8060 => "nistir-8060",
            Self::Reader => "reader",
        }
    }
}

/// The requirement level of a rule as its source states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Level {
    /// MUST / SHALL: a failure is an [`Severity::Error`].
    Must,
    /// MUST NOT / SHALL NOT: a failure is an [`Severity::Error`].
    MustNot,
    /// SHOULD: a failure is a [`Severity::Warning`].
    Should,
    /// Informational report (swidval's INFO-1): [`Severity::Info`].
    Info,
    /// A statement with no level a program could test; listed, never reported.
    Statement,
}

impl Level {
    /// The severity of a finding at this level.
    #[must_use]
    pub const fn severity(self) -> Severity {
        match self {
            Self::Must | Self::MustNot => Severity::Error,
            Self::Should => Severity::Warning,
            Self::Info | Self::Statement => Severity::Info,
        }
    }

    /// `MUST`, `MUST NOT`, `SHOULD`, `INFO` or `—`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Must => "MUST",
            Self::MustNot => "MUST NOT",
            Self::Should => "SHOULD",
            Self::Info => "INFO",
            Self::Statement => "—",
        }
    }
}

const fn type_bit(tag_type: TagType) -> u8 {
    match tag_type {
        TagType::Primary => 1,
        TagType::Corpus => 2,
        TagType::Patch => 4,
        TagType::Supplemental => 8,
    }
}

/// The tag types a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeScope(u8);

impl TypeScope {
    /// Every tag type.
    pub const ALL: Self = Self(15);
    /// Primary tags only.
    pub const PRIMARY: Self = Self(1);
    /// Corpus tags only.
    pub const CORPUS: Self = Self(2);
    /// Patch tags only.
    pub const PATCH: Self = Self(4);
    /// Supplemental tags only.
    pub const SUPPLEMENTAL: Self = Self(8);

    /// Whether the scope includes `tag_type`.
    #[must_use]
    pub const fn contains(self, tag_type: TagType) -> bool {
        self.0 & type_bit(tag_type) != 0
    }

    /// `all`, or the type names joined by `+`.
    #[must_use]
    pub fn describe(self) -> String {
        if self == Self::ALL {
            return "all".to_owned();
        }
        [
            TagType::Primary,
            TagType::Corpus,
            TagType::Patch,
            TagType::Supplemental,
        ]
        .iter()
        .filter(|t| self.contains(**t))
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("+")
    }
}

/// Whether a rule applies to authoritative tags, non-authoritative tags, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum AuthScope {
    /// Both.
    Any,
    /// Tags created by the software's producer (NISTIR 8060 "authoritative").
    Authoritative,
    /// Tags created by a third party, e.g. an inventory tool.
    NonAuthoritative,
}

impl AuthScope {
    /// Whether the scope includes a tag of this authoritativeness.
    #[must_use]
    pub const fn contains(self, authoritative: bool) -> bool {
        match self {
            Self::Any => true,
            Self::Authoritative => authoritative,
            Self::NonAuthoritative => !authoritative,
        }
    }

    /// `all`, `A` or `N` (the legend of spec/swid.md §6).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Any => "all",
            Self::Authoritative => "A",
            Self::NonAuthoritative => "N",
        }
    }
}

macro_rules! catalogue {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $layer:ident, $level:ident, $types:ident, $auth:ident,
        $reference:literal, $summary:literal; )*) => {
        /// A validation rule. The variant names follow the ids (`Gen4_1` is `GEN-4-1`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* #[doc = concat!("`", $id, "`: ", $summary)] $variant, )*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )* ];

            /// The stable id (`GEN-4-1`, `XSD-ATTR-1`, …).
            #[must_use]
            pub const fn id(self) -> &'static str {
                match self { $( Self::$variant => $id, )* }
            }

            /// The layer the rule belongs to.
            #[must_use]
            pub const fn layer(self) -> Layer {
                match self { $( Self::$variant => Layer::$layer, )* }
            }

            /// The requirement level as the source states it.
            #[must_use]
            pub const fn level(self) -> Level {
                match self { $( Self::$variant => Level::$level, )* }
            }

            /// The tag types the rule applies to.
            #[must_use]
            pub const fn types(self) -> TypeScope {
                match self { $( Self::$variant => TypeScope::$types, )* }
            }

            /// Whether it applies to authoritative tags, non-authoritative ones, or both.
            #[must_use]
            pub const fn authority(self) -> AuthScope {
                match self { $( Self::$variant => AuthScope::$auth, )* }
            }

            /// The clause or requirement the rule comes from.
            #[must_use]
            pub const fn reference(self) -> &'static str {
                match self { $( Self::$variant => $reference, )* }
            }

            /// What the rule requires, in one line.
            #[must_use]
            pub const fn summary(self) -> &'static str {
                match self { $( Self::$variant => $summary, )* }
            }
        }
    };
}

catalogue! {
    // ---- schema (XSD-equivalent) ----
    XsdRoot = "XSD-ROOT-1", Schema, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD",
        "the root element is SoftwareIdentity in the 2015 namespace";
    XsdElement = "XSD-ELEMENT-1", Schema, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD",
        "every element is one the schema allows at its place (foreign-namespace elements only directly under SoftwareIdentity)";
    XsdText = "XSD-TEXT-1", Schema, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD",
        "no element has character content (every SWID type is empty or element-only)";
    XsdRequired = "XSD-ATTR-1", Schema, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD",
        "every required attribute is present (SoftwareIdentity name/tagId, Entity name/role, Link href/rel, Directory/File/Process name, Resource type)";
    XsdUndeclared = "XSD-ATTR-2", Schema, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD; NIST fixed XSD 2016-09-08",
        "no undeclared unqualified attribute (the ISO XSD allows them on Meta, Directory, File, Process and Resource; NIST's fixed XSD nowhere)";
    XsdDatatype = "XSD-TYPE-1", Schema, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD",
        "every declared attribute has a value of its XSD datatype (boolean, integer, dateTime, anyURI, NMTOKEN(S), language, Ownership, Use)";
    XsdVersionScheme = "XSD-TYPE-2", Schema, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD (versionScheme is xs:NMTOKEN)",
        "versionScheme is an xs:NMTOKEN (ISO XSD only: `multipartnumeric+suffix` fails; NIST's fixed XSD types it xs:token)";

    // ---- ISO co-constraints the XSD does not enforce ----
    Swid1_1 = "SWID-1-1", Iso, Must, ALL, Any, "ISO/IEC 19770-2:2015 8.2; swidval SWID-1-1",
        "at least one Entity has the role tagCreator";
    Swid2_1 = "SWID-2-1", Iso, Must, ALL, Any, "ISO/IEC 19770-2:2015 8.2; swidval SWID-2-1",
        "all tagCreator Entities have the same regid";
    IsoPayload = "ISO-PAYLOAD-1", Iso, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD (Payload maxOccurs=1, not enforced inside the choice)",
        "at most one Payload";
    IsoEvidence = "ISO-EVIDENCE-1", Iso, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD (Evidence maxOccurs=1, not enforced inside the choice)",
        "at most one Evidence";
    IsoTagType = "ISO-TAGTYPE-1", Iso, Must, ALL, Any, "ISO/IEC 19770-2:2015 5.3",
        "at most one of corpus, patch and supplemental is true (a tag has one type)";
    IsoCase1 = "ISO-CASE-1", Iso, Should, ALL, Any, "ISO/IEC 19770-2:2015 XSD predefined values (an itam check: the values are case-sensitive)",
        "no role, rel, versionScheme or n8060:patchEvent value differs from a predefined value only in case (`tagcreator` is not `tagCreator`)";
    IsoPatchLink = "ISO-PATCH-1", Iso, Must, PATCH, Any, "ISO/IEC 19770-2:2015 5.3.3 (as quoted by swidval)",
        "a patch tag has a Link with rel=\"patches\" to the software it patches";

    // ---- NISTIR 8060 ----
    Info1_1 = "INFO-1-1", Nistir8060, Info, ALL, Any, "swidval INFO-1-1",
        "reports whether the tag is assessed as authoritative";
    Info1_2 = "INFO-1-2", Nistir8060, Info, ALL, Any, "swidval INFO-1-2",
        "reports the tag type it is assessed as";
    Gen1_1 = "GEN-1-1", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-1",
        "the tag is valid against the XSD (reported once when the profile's schema layer found an error; the XSD-* findings say what)";
    Gen2_1 = "GEN-2-1", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-2",
        "SoftwareIdentity has an xml:lang attribute";
    Gen2_2 = "GEN-2-2", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-2",
        "SoftwareIdentity's xml:lang is not empty";
    Gen3 = "GEN-3", Nistir8060, Statement, ALL, NonAuthoritative, "NISTIR 8060 GEN-3",
        "xml:lang is the device's default language (needs the device; not checkable)";
    Gen4_1 = "GEN-4-1", Nistir8060, Must, ALL, Authoritative, "NISTIR 8060 GEN-4",
        "every Entity has a regid";
    Gen4_2 = "GEN-4-2", Nistir8060, Must, ALL, Authoritative, "NISTIR 8060 GEN-4",
        "every Entity has a non-blank regid";
    Gen4_3 = "GEN-4-3", Nistir8060, Must, ALL, Authoritative, "NISTIR 8060 GEN-4",
        "no Entity's regid is the default `http://invalid.unavailable`";
    Gen5_1 = "GEN-5-1", Nistir8060, Must, ALL, NonAuthoritative, "NISTIR 8060 GEN-5",
        "every tagCreator Entity has a regid";
    Gen5_2 = "GEN-5-2", Nistir8060, Must, ALL, NonAuthoritative, "NISTIR 8060 GEN-5",
        "every tagCreator Entity has a non-blank regid";
    Gen5_3 = "GEN-5-3", Nistir8060, Must, ALL, NonAuthoritative, "NISTIR 8060 GEN-5",
        "no tagCreator Entity's regid is `http://invalid.unavailable`";
    Gen6_1 = "GEN-6-1", Nistir8060, Should, ALL, NonAuthoritative, "NISTIR 8060 GEN-6",
        "every Entity has a regid";
    Gen6_2 = "GEN-6-2", Nistir8060, Should, ALL, NonAuthoritative, "NISTIR 8060 GEN-6",
        "every Entity has a non-blank regid";
    Gen6_3 = "GEN-6-3", Nistir8060, Should, ALL, NonAuthoritative, "NISTIR 8060 GEN-6",
        "no Entity's regid is `http://invalid.unavailable`";
    Gen7_1 = "GEN-7-1", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-7",
        "Entities with the same regid have the same set of roles";
    Gen8_1 = "GEN-8-1", Nistir8060, Must, ALL, Authoritative, "NISTIR 8060 GEN-8",
        "an Entity has the role tagCreator and one of aggregator, distributor, licensor, softwareCreator";
    Gen9_1 = "GEN-9-1", Nistir8060, Must, ALL, Authoritative, "NISTIR 8060 GEN-9",
        "an Entity has the role softwareCreator";
    Gen10_1 = "GEN-10-1", Nistir8060, Should, ALL, NonAuthoritative, "NISTIR 8060 GEN-10",
        "an Entity has the role softwareCreator";
    Gen11_1 = "GEN-11-1", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-11",
        "a Link href in the swid: scheme is a valid RFC 3986 URI";
    Gen12_1 = "GEN-12-1", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-12 (not tested by swidval)",
        "a Link href in the swidpath: scheme is percent-encoded (only URI characters)";
    Gen13 = "GEN-13", Nistir8060, Statement, ALL, Any, "NISTIR 8060 GEN-13",
        "a swidpath: expression is an XPath 2.0 filter over swid:-prefixed names (not checkable without an XPath engine)";
    Gen14_1 = "GEN-14-1", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-14",
        "every File not marked n8060:mutable has a size";
    Gen14_2 = "GEN-14-2", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-14",
        "every File not marked n8060:mutable has a non-blank size";
    Gen15_1 = "GEN-15-1", Nistir8060, Should, ALL, Any, "NISTIR 8060 GEN-15 (swidval: MUST; see the deviations)",
        "every File not marked n8060:mutable has a version (the guideline asks for it when the file has one)";
    Gen15_2 = "GEN-15-2", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-15",
        "a File's version, when present, is not blank";
    Gen16_1 = "GEN-16-1", Nistir8060, Must, ALL, Authoritative, "NISTIR 8060 GEN-16",
        "every Payload File not marked n8060:mutable has a hash";
    Gen17_1 = "GEN-17-1", Nistir8060, Should, ALL, NonAuthoritative, "NISTIR 8060 GEN-17",
        "every Evidence File has a hash";
    Gen18_1 = "GEN-18-1", Nistir8060, Should, ALL, Any, "NISTIR 8060 GEN-18",
        "no File hash uses MD5";
    Gen18_2 = "GEN-18-2", Nistir8060, Should, ALL, Any, "NISTIR 8060 GEN-18",
        "no File hash uses SHA-1";
    Gen18_3 = "GEN-18-3", Nistir8060, Should, ALL, Any, "NISTIR 8060 GEN-18",
        "no File hash uses SHA-224";
    Gen18_4 = "GEN-18-4", Nistir8060, Should, ALL, Any, "NISTIR 8060 GEN-18",
        "no File hash uses RIPEMD-160";
    Gen19_1 = "GEN-19-1", Nistir8060, Must, ALL, Authoritative, "NISTIR 8060 GEN-19",
        "every Payload File not marked n8060:mutable has a SHA-256 hash";
    Gen19_2 = "GEN-19-2", Nistir8060, Must, ALL, Authoritative, "NISTIR 8060 GEN-19",
        "every Payload File not marked n8060:mutable has a SHA-256 hash of 64 hex digits";
    Gen20_1 = "GEN-20-1", Nistir8060, Should, ALL, NonAuthoritative, "NISTIR 8060 GEN-20",
        "every Evidence File has a SHA-256 hash";
    Gen21 = "GEN-21", Nistir8060, Statement, ALL, Any, "NISTIR 8060 GEN-21",
        "SHA-384, SHA-512 and SHA-512/256 hashes may be added";
    Gen22_1 = "GEN-22-1", Nistir8060, Should, ALL, Any, "NISTIR 8060 GEN-22",
        "Payload and Evidence have n8060:pathSeparator";
    Gen22_2 = "GEN-22-2", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-22",
        "n8060:pathSeparator, when present, is not empty";
    Gen23_1 = "GEN-23-1", Nistir8060, Should, ALL, Any, "NISTIR 8060 GEN-23",
        "Payload and Evidence have n8060:envVarPrefix";
    Gen23_2 = "GEN-23-2", Nistir8060, Must, ALL, Any, "NISTIR 8060 GEN-23",
        "n8060:envVarPrefix, when present, is not empty";
    Gen24_1 = "GEN-24-1", Nistir8060, Should, ALL, Any, "NISTIR 8060 GEN-24",
        "Payload and Evidence have n8060:envVarSuffix (it may be empty)";
    Gen25 = "GEN-25", Nistir8060, Statement, ALL, Any, "NISTIR 8060 GEN-25",
        "a revised tag keeps its tagId (needs the earlier tag; not checkable)";
    Gen26 = "GEN-26", Nistir8060, Statement, ALL, Any, "NISTIR 8060 GEN-26",
        "a revised tag changes its tagVersion (needs the earlier tag; not checkable)";
    Cor1_1 = "COR-1-1", Nistir8060, Must, CORPUS, Any, "NISTIR 8060 COR-1",
        "corpus is true";
    Cor1_2 = "COR-1-2", Nistir8060, Must, CORPUS, Any, "NISTIR 8060 COR-1",
        "patch is absent or false";
    Cor1_3 = "COR-1-3", Nistir8060, Must, CORPUS, Any, "NISTIR 8060 COR-1",
        "supplemental is absent or false";
    Cor2_1 = "COR-2-1", Nistir8060, Must, CORPUS, Any, "NISTIR 8060 COR-2",
        "SoftwareIdentity has a version";
    Cor2_2 = "COR-2-2", Nistir8060, Must, CORPUS, Any, "NISTIR 8060 COR-2",
        "the version, when present, is not blank";
    Cor3_1 = "COR-3-1", Nistir8060, Must, CORPUS, Any, "NISTIR 8060 COR-3",
        "a tag with a version has a versionScheme";
    Cor3_2 = "COR-3-2", Nistir8060, Must, CORPUS, Any, "NISTIR 8060 COR-3",
        "the versionScheme, when present, is not blank";
    Cor4_1 = "COR-4-1", Nistir8060, Should, CORPUS, Any, "NISTIR 8060 COR-4",
        "a corpus tag has a Payload";
    Cor4_2 = "COR-4-2", Nistir8060, MustNot, CORPUS, Any, "NISTIR 8060 COR-4",
        "a corpus tag has no Evidence";
    Pri1_1 = "PRI-1-1", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-1",
        "corpus is absent or false";
    Pri1_2 = "PRI-1-2", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-1",
        "patch is absent or false";
    Pri1_3 = "PRI-1-3", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-1",
        "supplemental is absent or false";
    Pri2_1 = "PRI-2-1", Nistir8060, Must, PRIMARY, Authoritative, "NISTIR 8060 PRI-2",
        "SoftwareIdentity has a version";
    Pri2_2 = "PRI-2-2", Nistir8060, Must, PRIMARY, Authoritative, "NISTIR 8060 PRI-2",
        "the version, when present, is not blank";
    Pri3_1 = "PRI-3-1", Nistir8060, Must, PRIMARY, Authoritative, "NISTIR 8060 PRI-3",
        "a tag with a version has a versionScheme";
    Pri3_2 = "PRI-3-2", Nistir8060, Must, PRIMARY, Authoritative, "NISTIR 8060 PRI-3",
        "the versionScheme, when present, is not blank";
    Pri4_1 = "PRI-4-1", Nistir8060, Must, PRIMARY, NonAuthoritative, "NISTIR 8060 PRI-4",
        "SoftwareIdentity has a version";
    Pri4_2 = "PRI-4-2", Nistir8060, Must, PRIMARY, NonAuthoritative, "NISTIR 8060 PRI-4",
        "the version, when present, is not blank";
    Pri5_1 = "PRI-5-1", Nistir8060, Must, PRIMARY, NonAuthoritative, "NISTIR 8060 PRI-5",
        "a tag with a version has a versionScheme";
    Pri5_2 = "PRI-5-2", Nistir8060, Must, PRIMARY, NonAuthoritative, "NISTIR 8060 PRI-5",
        "the versionScheme, when present, is not blank";
    Pri6_1 = "PRI-6-1", Nistir8060, Should, PRIMARY, Authoritative, "NISTIR 8060 PRI-6",
        "an authoritative primary tag has a Payload";
    Pri6_2 = "PRI-6-2", Nistir8060, MustNot, PRIMARY, Authoritative, "NISTIR 8060 PRI-6",
        "an authoritative primary tag has no Evidence";
    Pri7_1 = "PRI-7-1", Nistir8060, Should, PRIMARY, NonAuthoritative, "NISTIR 8060 PRI-7",
        "a non-authoritative primary tag has an Evidence";
    Pri7_2 = "PRI-7-2", Nistir8060, MustNot, PRIMARY, NonAuthoritative, "NISTIR 8060 PRI-7",
        "a non-authoritative primary tag has no Payload";
    Pri8_1 = "PRI-8-1", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-8",
        "every Payload and Evidence has at least one File below it";
    Pri9 = "PRI-9", Nistir8060, Statement, PRIMARY, Any, "NISTIR 8060 PRI-9",
        "with PRI-9..12: every file holding machine instructions is listed and files that change are marked n8060:mutable (needs the installed files; not checkable)";
    Pri10 = "PRI-10", Nistir8060, Statement, PRIMARY, Any, "NISTIR 8060 PRI-10",
        "with PRI-9..12: every file holding machine instructions is listed and files that change are marked n8060:mutable (needs the installed files; not checkable)";
    Pri11 = "PRI-11", Nistir8060, Statement, PRIMARY, Any, "NISTIR 8060 PRI-11",
        "with PRI-9..12: every file holding machine instructions is listed and files that change are marked n8060:mutable (needs the installed files; not checkable)";
    Pri12 = "PRI-12", Nistir8060, Statement, PRIMARY, Any, "NISTIR 8060 PRI-12",
        "with PRI-9..12: every file holding machine instructions is listed and files that change are marked n8060:mutable (needs the installed files; not checkable)";
    Pri13_1 = "PRI-13-1", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-13",
        "a primary tag has a Meta";
    Pri13_2 = "PRI-13-2", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-13",
        "every SoftwareIdentity Meta has product";
    Pri13_3 = "PRI-13-3", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-13",
        "every SoftwareIdentity Meta has colloquialVersion";
    Pri13_4 = "PRI-13-4", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-13",
        "every SoftwareIdentity Meta has revision";
    Pri13_5 = "PRI-13-5", Nistir8060, Must, PRIMARY, Any, "NISTIR 8060 PRI-13",
        "every SoftwareIdentity Meta has edition";
    Pat1_1 = "PAT-1-1", Nistir8060, Must, PATCH, Any, "NISTIR 8060 PAT-1",
        "corpus is absent or false";
    Pat1_2 = "PAT-1-2", Nistir8060, Must, PATCH, Any, "NISTIR 8060 PAT-1",
        "patch is true";
    Pat1_3 = "PAT-1-3", Nistir8060, Must, PATCH, Any, "NISTIR 8060 PAT-1",
        "supplemental is absent or false";
    Pat2 = "PAT-2", Nistir8060, Statement, PATCH, Authoritative, "NISTIR 8060 PAT-2",
        "the Payload lists every file the patch adds, modifies or removes (needs the patch)";
    Pat3_1 = "PAT-3-1", Nistir8060, Must, PATCH, Authoritative, "NISTIR 8060 PAT-3",
        "every Payload File has n8060:patchEvent add, modify (or the schema's update) or remove";
    Pat4_1 = "PAT-4-1", Nistir8060, Should, PATCH, NonAuthoritative, "NISTIR 8060 PAT-4",
        "every Evidence has at least one File as a direct child";
    Sup1_1 = "SUP-1-1", Nistir8060, Must, SUPPLEMENTAL, Any, "NISTIR 8060 SUP-1",
        "corpus is absent or false";
    Sup1_2 = "SUP-1-2", Nistir8060, Must, SUPPLEMENTAL, Any, "NISTIR 8060 SUP-1",
        "patch is absent or false";
    Sup1_3 = "SUP-1-3", Nistir8060, Must, SUPPLEMENTAL, Any, "NISTIR 8060 SUP-1",
        "supplemental is true";
    Sup2_1 = "SUP-2-1", Nistir8060, Must, SUPPLEMENTAL, Any, "NISTIR 8060 SUP-2",
        "a supplemental tag has a Link with rel=\"supplemental\"";
    Sup2_2 = "SUP-2-2", Nistir8060, Must, SUPPLEMENTAL, Any, "NISTIR 8060 SUP-2",
        "every rel=\"supplemental\" Link's href starts with swid: or swidpath:";
    Sup3 = "SUP-3", Nistir8060, Statement, SUPPLEMENTAL, Any, "NISTIR 8060 SUP-3",
        "on conflict the supplemented tag's value wins (a resolution rule, not a tag property)";

    // ---- the lax reader (crate::read::RULE_*) ----
    ReadNsDraft = "READ-NS-DRAFT", Reader, Should, ALL, Any, "ISO/IEC 19770-2:2015 namespace; itam lax reader (strict refuses the tag)",
        "the tag is in the 2015 namespace, not a 2014 draft's (lax mode reads a draft as 2015 and reports it; XSD-ROOT-1 is the validator's error)";
    ReadNsMissing = "READ-NS-MISSING", Reader, Should, ALL, Any, "ISO/IEC 19770-2:2015 namespace; itam lax reader (strict refuses the tag)",
        "the tag has a namespace (lax mode reads a tag without one as 2015 and reports it; XSD-ROOT-1 is the validator's error)";
    ReadRequired = "READ-REQUIRED", Reader, Must, ALL, Any, "ISO/IEC 19770-2:2015 XSD required attributes; itam lax reader (strict refuses the tag)",
        "every required attribute is present (lax mode reads a missing one as empty and reports it)";
    ReadUniqueId = "READ-UNIQUEID", Reader, Should, ALL, Any, "ISO/IEC 19770-2 2014 drafts (pre-DIS uniqueId); itam lax reader",
        "the tag's identifier is tagId (lax mode reads a pre-DIS draft's uniqueId as tagId and reports it)";
}

/// The reader's finding ids, defined beside the code that reports them, are these rules' ids:
/// a change on either side fails the build.
const _: () = {
    assert!(same(Rule::ReadNsDraft.id(), crate::read::RULE_NS_DRAFT));
    assert!(same(Rule::ReadNsMissing.id(), crate::read::RULE_NS_MISSING));
    assert!(same(Rule::ReadRequired.id(), crate::read::RULE_REQUIRED));
    assert!(same(Rule::ReadUniqueId.id(), crate::read::RULE_UNIQUE_ID));
};

/// `a == b`, in a const context.
const fn same(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.split_first(), b.split_first()) {
            (None, None) => return true,
            (Some((x, rest_a)), Some((y, rest_b))) if *x == *y => {
                a = rest_a;
                b = rest_b;
            }
            _ => return false,
        }
    }
}

impl Rule {
    /// The rule with this id.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// The severity of a finding of this rule.
    #[must_use]
    pub const fn severity(self) -> Severity {
        self.level().severity()
    }

    /// Whether a program checks the rule; `false` for guideline statements that need more than
    /// the tag (the device, the installed files, an earlier revision), which never fire.
    #[must_use]
    pub const fn is_automated(self) -> bool {
        !matches!(self.level(), Level::Statement)
    }

    /// Whether the rule applies to a tag of this type and authoritativeness.
    #[must_use]
    pub const fn applies_to(self, tag_type: TagType, authoritative: bool) -> bool {
        self.types().contains(tag_type) && self.authority().contains(authoritative)
    }

    /// The catalogue as a Markdown table (id, layer, level, scope, reference, summary), as
    /// printed in the crate README.
    #[must_use]
    pub fn markdown_table() -> String {
        let mut out = String::from(
            "| Rule | Layer | Level | Types | Auth | Reference | Summary |\n|---|---|---|---|---|---|---|\n",
        );
        for rule in Self::ALL {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                rule.id(),
                rule.layer().as_str(),
                rule.level().as_str(),
                rule.types().describe(),
                rule.authority().as_str(),
                rule.reference(),
                rule.summary().replace('|', "\\|"),
            ));
        }
        out
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
