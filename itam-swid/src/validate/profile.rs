//! Validation profiles: which rule layers run, in which schema mode, and as which tag type.

use super::rules::Layer;
use crate::model::TagType;

/// Which copy of the 2015 XSD the schema layer follows. The two differ on two points
/// (spec/swid.md §1): unqualified attributes the schema does not declare, and the type of
/// `versionScheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum SchemaMode {
    /// The XSD as ISO published it (2015-10-06): `Meta` and `FilesystemItem` accept any
    /// attribute (`##any`), so unqualified extras are allowed on `Meta`, `Directory`, `File`,
    /// `Process` and `Resource`; `versionScheme` is an `xs:NMTOKEN`, which rejects the ISO's own
    /// `multipartnumeric+suffix`.
    Iso2015,
    /// NIST's corrected copy (2016-09-08), the one swidval loads: only other-namespace
    /// attributes are allowed anywhere, and `versionScheme` is an `xs:token`.
    NistFixed,
}

impl SchemaMode {
    /// `iso-2015` or `nist-fixed`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Iso2015 => "iso-2015",
            Self::NistFixed => "nist-fixed",
        }
    }
}

/// What to check. Plain data: start from one of the named constants and adjust with the
/// `with_*` methods.
///
/// ```
/// use itam_swid::validate::{Profile, TagType};
/// let p = Profile::NISTIR_8060.with_tag_type(TagType::Patch).with_authoritative(false);
/// assert_eq!(p.tag_type, Some(TagType::Patch));
/// assert_eq!(Profile::by_name("iso-19770-2-2015"), Some(Profile::ISO_19770_2_2015));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Profile {
    /// The profile's name (`iso-19770-2-2015`, `nist-xsd`, `nistir-8060`).
    pub name: &'static str,
    /// The schema layer's mode, or `None` to skip the schema layer.
    pub schema: Option<SchemaMode>,
    /// Whether the ISO co-constraints run (`SWID-*`, `ISO-*`).
    pub iso: bool,
    /// Whether the NISTIR 8060 rules run.
    pub nistir: bool,
    /// The tag type to assess the tag as; `None` detects it from the flags.
    pub tag_type: Option<TagType>,
    /// Whether to assess the tag as authoritative; `None` detects it from the Entity roles.
    pub authoritative: Option<bool>,
    /// Whether to report the informational findings INFO-1-1 and INFO-1-2.
    pub info: bool,
}

impl Profile {
    /// ISO/IEC 19770-2:2015: the XSD as published plus the co-constraints it cannot express.
    pub const ISO_19770_2_2015: Self = Self {
        name: "iso-19770-2-2015",
        schema: Some(SchemaMode::Iso2015),
        iso: true,
        nistir: false,
        tag_type: None,
        authoritative: None,
        info: false,
    };

    /// The same, with NIST's corrected XSD instead of the published one.
    pub const NIST_XSD: Self = Self {
        name: "nist-xsd",
        schema: Some(SchemaMode::NistFixed),
        ..Self::ISO_19770_2_2015
    };

    /// What swidval checks: NIST's corrected XSD (its GEN-1-1), the ISO co-constraints and the
    /// NISTIR 8060 rules of the phase for the tag's type and authoritativeness, both detected
    /// from the tag unless set with [`with_tag_type`](Self::with_tag_type) and
    /// [`with_authoritative`](Self::with_authoritative).
    pub const NISTIR_8060: Self = Self {
        name: "nistir-8060",
        schema: Some(SchemaMode::NistFixed),
        iso: true,
        nistir: true,
        tag_type: None,
        authoritative: None,
        info: false,
    };

    /// Every named profile.
    pub const ALL: [Self; 3] = [Self::ISO_19770_2_2015, Self::NIST_XSD, Self::NISTIR_8060];

    /// The named profile with this name (`iso-19770-2-2015`, `nist-xsd`, `nistir-8060`).
    #[must_use]
    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name == name)
    }

    /// The same profile, assessing the tag as this type.
    #[must_use]
    pub const fn with_tag_type(mut self, tag_type: TagType) -> Self {
        self.tag_type = Some(tag_type);
        self
    }

    /// The same profile, assessing the tag as authoritative or not.
    #[must_use]
    pub const fn with_authoritative(mut self, authoritative: bool) -> Self {
        self.authoritative = Some(authoritative);
        self
    }

    /// The same profile with another schema mode (`None` skips the schema layer).
    #[must_use]
    pub const fn with_schema(mut self, schema: Option<SchemaMode>) -> Self {
        self.schema = schema;
        self
    }

    /// The same profile, reporting INFO-1-1 and INFO-1-2 or not.
    #[must_use]
    pub const fn with_info(mut self, info: bool) -> Self {
        self.info = info;
        self
    }

    /// Whether the profile runs this layer. Never [`Layer::Reader`]: the reader reports those
    /// rules itself, whatever the profile.
    #[must_use]
    pub const fn runs(&self, layer: Layer) -> bool {
        match layer {
            Layer::Schema => self.schema.is_some(),
            Layer::Iso => self.iso,
            Layer::Nistir8060 => self.nistir,
            Layer::Reader => false,
        }
    }
}

impl Default for Profile {
    /// [`Profile::ISO_19770_2_2015`].
    fn default() -> Self {
        Self::ISO_19770_2_2015
    }
}
