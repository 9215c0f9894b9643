//! Projection of a SWID tag into the reconciliation engine's facts (`itam_core::estate`).
//!
//! [`project`] turns a [`SoftwareIdentity`] into a [`SoftwareFact`]: the engine's
//! [`Software`] (tag id, publisher, product, edition, version and scheme) plus what a tag
//! says beyond it and the engine does not (yet) hold: the publisher's regid, `persistentId`,
//! `entitlementKey`, the payload's files with their hashes, the tag type, and the tags a
//! patch or supplemental tag refers to.
//!
//! ```
//! use itam_swid::project::project;
//! use itam_swid::read::{read_str, ReadOptions};
//!
//! let xml = r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"
//!     name="ACME Roadrunner Pro 2016" tagId="acme.com-rr-16.2" version="16.2.1"
//!     versionScheme="multipartnumeric">
//!   <Entity name="ACME Tags" regid="tags.acme.com" role="tagCreator"/>
//!   <Entity name=" ACME   Corp " regid="acme.com" role="softwareCreator licensor"/>
//!   <Meta product="Roadrunner" edition="Pro" colloquialVersion="2016"
//!         persistentId="acme.com-rr" entitlementKey="RR-PRO"/>
//!   <Payload><File name="rr.exe" location="bin" root="%programfiles%" size="42"/></Payload>
//! </SoftwareIdentity>"#;
//! let fact = project(&read_str(xml, &ReadOptions::STRICT)?.value);
//! assert_eq!(fact.software.publisher, "ACME Corp"); // softwareCreator, spaces collapsed
//! assert_eq!(fact.software.product, "Roadrunner");   // Meta/@product before @name
//! assert_eq!(fact.software.edition.as_deref(), Some("Pro"));
//! assert_eq!(fact.software.version, "16.2.1");
//! assert_eq!(fact.publisher_regid.as_ref().map(|r| r.as_str()), Some("acme.com"));
//! assert_eq!(fact.entitlement_key.as_deref(), Some("RR-PRO"));
//! assert_eq!(fact.files[0].path, "%programfiles%/bin/rr.exe");
//! assert!(fact.creates_installation());
//! # Ok::<(), itam_swid::ParseError>(())
//! ```
//!
//! # The rules
//!
//! - **Publisher**: the first Entity (in document order) whose roles include
//!   `softwareCreator`; else the first with `licensor`; else `distributor`; else
//!   `aggregator`; else the first `tagCreator`. The software's creator is what licence
//!   scopes name as the publisher; a licensor, distributor or aggregator is the next best
//!   statement of whose software it is; a tag creator alone (a discovery tool writing a
//!   non-authoritative tag) says only who wrote the tag, which is recorded in
//!   [`SoftwareFact::publisher_role`] so a consumer can tell. The name is trimmed and its
//!   inner white space collapsed to one space (the engine compares names
//!   case-insensitively); the regid is [`SoftwareFact::publisher_regid`]. No Entity at all
//!   gives an empty publisher and no role.
//! - **Meta values**: `product`, `edition`, `colloquialVersion`, `persistentId`,
//!   `entitlementKey`, `productFamily` and `revision` are each the first non-blank value
//!   (trimmed) among the tag's `Meta` elements in document order; when no Meta has the
//!   attribute, the same name in the NISTIR 8060 namespace (`n8060:product`…) is taken, as
//!   TCG reference integrity manifests (HIRS) write them. `Entity/Meta` is not looked at.
//! - **Product**: the Meta `product`, else `SoftwareIdentity/@name`; **edition**: the Meta
//!   `edition`. Both have inner white space collapsed, as the publisher has.
//! - **Version**: `SoftwareIdentity/@version` and `@versionScheme` with the XSD defaults
//!   (`0.0`, `multipartnumeric`) for whichever is absent, as
//!   [`SoftwareIdentity::product_version`] gives them. `colloquialVersion` (`2016`) is kept
//!   beside it, never in place of it.
//! - **Files**: every `File` of every `Payload`, at any depth, in document order. The path
//!   joins the nearest `root` (a File's or Directory's own root restarts the path), each
//!   enclosing Directory's `location` and `name`, the File's `location` and `name`, with the
//!   Payload's `n8060:pathSeparator` (default `/`); empty parts are skipped and separators
//!   are not doubled. `size` is kept when it is a non-negative integer. Evidence files are not payload
//!   and are not listed; `Evidence/@deviceId` is kept as [`SoftwareFact::evidence_device`].
//! - **Tag type** ([`SoftwareIdentity::tag_type`]):
//!   - *primary*: describes installed software; it is the one type that creates an
//!     installation ([`SoftwareFact::creates_installation`], [`SoftwareFact::installation`]);
//!   - *corpus*: describes installation media before installation: a software identity that
//!     is not installed anywhere;
//!   - *patch*: describes a patch; it does not create an installation of its own, and the tags
//!     it patches (`Link rel="patches" href="swid:…"`) are [`SoftwareFact::patches`];
//!   - *supplemental*: adds to other tags (`Link rel="supplemental" href="swid:…"`,
//!     [`SoftwareFact::supplements`]); it never creates an installation on its own.
//!     [`SoftwareFact::supplement_with`] fills a fact's missing edition, persistentId,
//!     entitlementKey, colloquialVersion, productFamily, revision and (when it only had a
//!     tagCreator) publisher from it; [`apply_supplements`] does so across a set of facts.
//!
//!   Only `swid:` hrefs name a target: a `swidpath:` href selects tags by an XPath over a tag
//!   collection, and a relative URI names a file, neither of which a single tag can resolve.

use std::collections::BTreeMap;

use itam_core::estate::{Installation, Software};
use itam_core::{AssetId, RegId, TagId};
use serde::{Deserialize, Serialize};

use crate::model::{
    Directory, DirectoryChild, Entity, File, HashAlgorithm, LinkTarget, Rel, ResourceChild,
    ResourceCollection, Role, SoftwareIdentity, SoftwareMeta, TagType,
};
use crate::ns::N8060;

/// A SWID tag as a software identity fact: the engine's [`Software`] plus what the tag says
/// beyond it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SoftwareFact {
    /// What the engine consumes: tag id, publisher, product, edition, version and scheme.
    pub software: Software,
    /// The tag type (primary, corpus, patch, supplemental).
    pub tag_type: TagType,
    /// Whether the tag was written by the software's producer (see
    /// [`SoftwareIdentity::is_authoritative`]).
    pub authoritative: bool,
    /// The publisher Entity's regid, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher_regid: Option<RegId>,
    /// The role the publisher Entity was chosen by (`softwareCreator`, `licensor`,
    /// `distributor`, `aggregator` or `tagCreator`), `None` when there is no such Entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher_role: Option<Role>,
    /// `Meta/@persistentId`: the id that stays the same across versions of the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_id: Option<String>,
    /// `Meta/@entitlementKey`: the key to match the software to an entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement_key: Option<String>,
    /// `Meta/@colloquialVersion`: the version as marketed (`2016`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colloquial_version: Option<String>,
    /// `Meta/@productFamily`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_family: Option<String>,
    /// `Meta/@revision`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The tagIds a patch tag patches (`Link rel="patches"` with a `swid:` href).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<TagId>,
    /// The tagIds a tag supplements (`Link rel="supplemental"` with a `swid:` href).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supplements: Vec<TagId>,
    /// `Evidence/@deviceId` of the first Evidence: the device a discovery tool found it on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_device: Option<String>,
    /// The payload's files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileFact>,
}

/// One payload file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileFact {
    /// The file's path (see the module docs for how it is joined).
    pub path: String,
    /// `size` in bytes, when it is a non-negative integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The file's own `version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `key`: the file proves the software is installed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key: bool,
    /// `n8060:mutable`: the file may change after installation (its hashes then prove
    /// nothing).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mutable: bool,
    /// Hashes by algorithm (the namespace URI), hex as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<HashAlgorithm, String>,
}

/// Projects a tag into a [`SoftwareFact`] (the rules are in the module docs).
#[must_use]
pub fn project(tag: &SoftwareIdentity) -> SoftwareFact {
    let (publisher_entity, publisher_role) = match publisher(tag) {
        Some((e, r)) => (Some(e), Some(r)),
        None => (None, None),
    };
    let metas: Vec<&SoftwareMeta> = tag.metas().collect();
    let first = |values: &mut dyn Iterator<Item = &str>| {
        values
            .map(str::trim)
            .find(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let meta = |name: &str| {
        first(&mut metas.iter().filter_map(|m| m.get_predefined(name))).or_else(|| {
            first(&mut metas.iter().flat_map(|m| {
                m.attributes
                    .iter()
                    .filter(|a| a.name.is(Some(N8060), name))
                    .map(|a| a.value.as_str())
            }))
        })
    };
    let version = tag.product_version();
    let product = normalise(&meta("product").unwrap_or_else(|| tag.name.clone()));
    let software = Software {
        tag_id: tag.tag_id.clone(),
        publisher: publisher_entity
            .map(|e| normalise(&e.name))
            .unwrap_or_default(),
        product,
        edition: meta("edition").map(|e| normalise(&e)),
        version: version.value,
        version_scheme: version.scheme,
    };
    let linked = |rel: Rel| -> Vec<TagId> {
        tag.links()
            .filter(|l| l.rel == rel)
            .filter_map(|l| match l.target() {
                LinkTarget::Swid(id) => Some(TagId::new(id.trim())),
                _ => None,
            })
            .collect()
    };
    let mut files = Vec::new();
    for payload in tag.payloads() {
        collect_payload(payload, &mut files);
    }
    SoftwareFact {
        software,
        tag_type: tag.tag_type(),
        authoritative: tag.is_authoritative(),
        publisher_regid: publisher_entity.and_then(|e| e.regid.clone()),
        publisher_role,
        persistent_id: meta("persistentId"),
        entitlement_key: meta("entitlementKey"),
        colloquial_version: meta("colloquialVersion"),
        product_family: meta("productFamily"),
        revision: meta("revision"),
        patches: linked(Rel::Patches),
        supplements: linked(Rel::Supplemental),
        evidence_device: tag
            .evidence()
            .and_then(|e| e.device_id.as_deref())
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
        files,
    }
}

/// The roles that make an Entity the publisher, best first.
const PUBLISHER_ROLES: [Role; 5] = [
    Role::SoftwareCreator,
    Role::Licensor,
    Role::Distributor,
    Role::Aggregator,
    Role::TagCreator,
];

fn publisher(tag: &SoftwareIdentity) -> Option<(&Entity, Role)> {
    PUBLISHER_ROLES.iter().find_map(|role| {
        tag.entities()
            .find(|e| e.has_role(role))
            .map(|e| (e, role.clone()))
    })
}

/// Trims and collapses inner white space to single spaces.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl SoftwareFact {
    /// The fact of software known from elsewhere than a SWID tag (an SBOM component, a package
    /// database): a primary, non-authoritative fact that says nothing beyond `software`.
    #[must_use]
    pub fn primary(software: Software) -> Self {
        Self {
            software,
            tag_type: TagType::Primary,
            authoritative: false,
            publisher_regid: None,
            publisher_role: None,
            persistent_id: None,
            entitlement_key: None,
            colloquial_version: None,
            product_family: None,
            revision: None,
            patches: Vec::new(),
            supplements: Vec::new(),
            evidence_device: None,
            files: Vec::new(),
        }
    }

    /// Whether the tag, found on a device, means the software is installed there: only a
    /// primary tag does (a corpus tag describes media, a patch tag a patch of another tag's
    /// software, a supplemental tag adds to another tag).
    #[must_use]
    pub fn creates_installation(&self) -> bool {
        self.tag_type == TagType::Primary
    }

    /// The installation of this software on a device, when the tag creates one
    /// ([`Self::creates_installation`]).
    #[must_use]
    pub fn installation(&self, device: AssetId) -> Option<Installation> {
        self.creates_installation().then(|| Installation {
            software: self.software.tag_id.clone(),
            device,
            user: None,
            last_used: None,
        })
    }

    /// Fills what this fact lacks from a supplemental tag's fact that supplements it (its
    /// [`supplements`](Self::supplements) names this fact's tagId): edition, persistentId,
    /// entitlementKey, colloquialVersion, productFamily, revision and, when this fact's
    /// publisher came from a tagCreator only or there was none, the publisher. Nothing this
    /// fact already has is overwritten. Returns whether `other` applied (it names this tag
    /// and is supplemental).
    pub fn supplement_with(&mut self, other: &Self) -> bool {
        if other.tag_type != TagType::Supplemental
            || !other.supplements.contains(&self.software.tag_id)
        {
            return false;
        }
        fill(&mut self.software.edition, &other.software.edition);
        fill(&mut self.persistent_id, &other.persistent_id);
        fill(&mut self.entitlement_key, &other.entitlement_key);
        fill(&mut self.colloquial_version, &other.colloquial_version);
        fill(&mut self.product_family, &other.product_family);
        fill(&mut self.revision, &other.revision);
        let weak = |r: &Option<Role>| matches!(r, None | Some(Role::TagCreator));
        if weak(&self.publisher_role) && !weak(&other.publisher_role) {
            self.software
                .publisher
                .clone_from(&other.software.publisher);
            self.publisher_regid.clone_from(&other.publisher_regid);
            self.publisher_role.clone_from(&other.publisher_role);
        }
        true
    }
}

/// Applies every supplemental fact in `facts` to each non-supplemental fact it names (see
/// [`SoftwareFact::supplement_with`]), supplemental facts in slice order, so the first to
/// supply a value wins. Returns how many (supplemental, target) pairs applied.
pub fn apply_supplements(facts: &mut [SoftwareFact]) -> usize {
    let supplements: Vec<SoftwareFact> = facts
        .iter()
        .filter(|f| f.tag_type == TagType::Supplemental && !f.supplements.is_empty())
        .cloned()
        .collect();
    let mut applied = 0;
    for fact in facts.iter_mut() {
        if fact.tag_type == TagType::Supplemental {
            continue;
        }
        for supplement in &supplements {
            if fact.supplement_with(supplement) {
                applied += 1;
            }
        }
    }
    applied
}

fn fill(target: &mut Option<String>, source: &Option<String>) {
    if target.is_none() {
        target.clone_from(source);
    }
}

/// Builds paths with one separator.
struct PathJoin<'a> {
    separator: &'a str,
}

impl PathJoin<'_> {
    fn push(&self, path: &mut String, part: &str) {
        let part = part.trim();
        if part.is_empty() {
            return;
        }
        if path.is_empty() {
            path.push_str(part);
            return;
        }
        let sep = self.separator;
        let ends = !sep.is_empty() && path.ends_with(sep);
        let starts = !sep.is_empty() && part.starts_with(sep);
        match (ends, starts) {
            (true, true) => path.push_str(part.get(sep.len()..).unwrap_or("")),
            (false, false) => {
                path.push_str(sep);
                path.push_str(part);
            }
            _ => path.push_str(part),
        }
    }

    /// The base for an item: its own `root` restarts the path, else the parent's path.
    fn base(&self, parent: &str, root: Option<&str>) -> String {
        match root.map(str::trim).filter(|r| !r.is_empty()) {
            Some(root) => root.to_owned(),
            None => parent.to_owned(),
        }
    }
}

fn collect_payload(payload: &ResourceCollection, out: &mut Vec<FileFact>) {
    let join = PathJoin {
        separator: payload.path_separator.as_deref().unwrap_or("/"),
    };
    for child in &payload.children {
        match child {
            ResourceChild::File(f) => out.push(file_fact(&join, "", f)),
            ResourceChild::Directory(d) => collect_directory(&join, "", d, out),
            _ => {}
        }
    }
}

fn collect_directory(join: &PathJoin<'_>, parent: &str, dir: &Directory, out: &mut Vec<FileFact>) {
    let mut path = join.base(parent, dir.root.as_deref());
    if let Some(location) = &dir.location {
        join.push(&mut path, location);
    }
    join.push(&mut path, &dir.name);
    for child in &dir.children {
        match child {
            DirectoryChild::File(f) => out.push(file_fact(join, &path, f)),
            DirectoryChild::Directory(d) => collect_directory(join, &path, d, out),
            DirectoryChild::Other(_) => {}
        }
    }
}

fn file_fact(join: &PathJoin<'_>, parent: &str, file: &File) -> FileFact {
    let mut path = join.base(parent, file.root.as_deref());
    if let Some(location) = &file.location {
        join.push(&mut path, location);
    }
    join.push(&mut path, &file.name);
    FileFact {
        path,
        size: file
            .size
            .as_ref()
            .and_then(|s| s.value())
            .and_then(|v| u64::try_from(v).ok()),
        version: file.version.clone(),
        key: file.key.as_ref().is_some_and(|k| k.is_true()),
        mutable: file.is_mutable(),
        hashes: file.hashes.clone().into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    use crate::read::{ReadOptions, read_str};

    const NS: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";

    fn fact(body: &str, attrs: &str) -> SoftwareFact {
        let xml = format!(
            r#"<SoftwareIdentity xmlns="{NS}" xmlns:n8060="http://csrc.nist.gov/ns/swid/2015-extensions/1.0" xmlns:sha256="http://www.w3.org/2001/04/xmlenc#sha256" name="  Road  Runner " tagId="t-1" {attrs}>{body}</SoftwareIdentity>"#
        );
        match read_str(&xml, &ReadOptions::STRICT) {
            Ok(parsed) => project(&parsed.value),
            Err(e) => panic!("vector does not read: {e}"),
        }
    }

    #[test]
    fn publisher_prefers_software_creator_then_licensor_then_tag_creator() {
        let f = fact(
            r#"<Entity name="Tagger" regid="tagger.com" role="tagCreator"/>
               <Entity name="Seller" regid="seller.com" role="licensor"/>
               <Entity name="Maker" regid="maker.com" role="softwareCreator"/>"#,
            "",
        );
        assert_eq!(f.software.publisher, "Maker");
        assert_eq!(f.publisher_role, Some(Role::SoftwareCreator));
        assert_eq!(f.publisher_regid, Some(RegId::new("maker.com")));

        let f = fact(
            r#"<Entity name="Tagger" regid="tagger.com" role="tagCreator"/>
               <Entity name="Dist" role="distributor"/>
               <Entity name="Seller" regid="seller.com" role="licensor"/>"#,
            "",
        );
        assert_eq!(f.software.publisher, "Seller");
        assert_eq!(f.publisher_role, Some(Role::Licensor));

        let f = fact(r#"<Entity name="Tagger" role="tagCreator"/>"#, "");
        assert_eq!(f.software.publisher, "Tagger");
        assert_eq!(f.publisher_role, Some(Role::TagCreator));
        assert_eq!(f.publisher_regid, None);
        assert!(!f.authoritative);

        let f = fact("", "");
        assert_eq!(f.software.publisher, "");
        assert_eq!(f.publisher_role, None);
    }

    #[test]
    fn product_edition_and_version_come_from_identity_and_meta() {
        let f = fact(
            r#"<Entity name="M" role="tagCreator softwareCreator"/>"#,
            "",
        );
        // No Meta/@product: the name, normalised. No version: the XSD defaults.
        assert_eq!(f.software.product, "Road Runner");
        assert_eq!(f.software.edition, None);
        assert_eq!(f.software.version, "0.0");
        assert_eq!(
            f.software.version_scheme,
            itam_core::VersionScheme::MultipartNumeric
        );
        assert!(f.authoritative);

        let f = fact(
            r#"<Meta product=" " edition="" description="x"/>
               <Meta product="RR" edition="Pro" colloquialVersion="2016" persistentId="p-1"
                     entitlementKey=" K-1 " productFamily="Looney" revision="r2"/>
               <Meta product="Ignored" entitlementKey="K-2"/>"#,
            r#"version="1.2.3-beta" versionScheme="semver""#,
        );
        assert_eq!(f.software.product, "RR");
        assert_eq!(f.software.edition.as_deref(), Some("Pro"));
        assert_eq!(f.software.version, "1.2.3-beta");
        assert_eq!(f.software.version_scheme, itam_core::VersionScheme::Semver);
        assert_eq!(f.colloquial_version.as_deref(), Some("2016"));
        assert_eq!(f.persistent_id.as_deref(), Some("p-1"));
        assert_eq!(f.entitlement_key.as_deref(), Some("K-1"));
        assert_eq!(f.product_family.as_deref(), Some("Looney"));
        assert_eq!(f.revision.as_deref(), Some("r2"));
        assert_eq!(f.software.tag_id, TagId::new("t-1"));
    }

    #[test]
    fn n8060_qualified_meta_values_are_a_fallback() {
        let f = fact(
            r#"<Meta n8060:product="Board  BIOS" n8060:edition="12" n8060:revision="r2"
                     n8060:colloquialVersion="Firmware_2019" revision="r1"/>"#,
            "",
        );
        assert_eq!(f.software.product, "Board BIOS");
        assert_eq!(f.software.edition.as_deref(), Some("12"));
        assert_eq!(f.colloquial_version.as_deref(), Some("Firmware_2019"));
        assert_eq!(f.revision.as_deref(), Some("r1")); // the unqualified one wins
    }

    #[test]
    fn files_are_joined_with_roots_locations_and_the_payload_separator() {
        let f = fact(
            r#"<Payload n8060:pathSeparator="\" n8060:envVarPrefix="%" n8060:envVarSuffix="%">
                 <Directory root="%programfiles%" name="ACME">
                   <File name="rr.exe" size="1024" key="true" version="1.0"
                         sha256:hash="ab"/>
                   <Directory name="data">
                     <File name="db.bin" location="cache\" n8060:mutable="1" size="-3"/>
                   </Directory>
                   <File name="x.dll" root="%windir%" location="system32"/>
                 </Directory>
                 <File name="loose.txt"/>
               </Payload>
               <Payload><File name="ls" location="/usr/bin/"/></Payload>"#,
            "",
        );
        let paths: Vec<&str> = f.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "%programfiles%\\ACME\\rr.exe",
                "%programfiles%\\ACME\\data\\cache\\db.bin",
                "%windir%\\system32\\x.dll",
                "loose.txt",
                "/usr/bin/ls",
            ]
        );
        let rr = &f.files[0];
        assert_eq!(rr.size, Some(1024));
        assert!(rr.key && !rr.mutable);
        assert_eq!(rr.version.as_deref(), Some("1.0"));
        assert_eq!(
            rr.hashes.get(&HashAlgorithm::Sha256).map(String::as_str),
            Some("ab")
        );
        let db = &f.files[1];
        assert_eq!(db.size, None); // a negative size is not a size
        assert!(db.mutable && !db.key);
    }

    #[test]
    fn only_primary_tags_create_installations() {
        let primary = fact("", "");
        assert!(primary.creates_installation());
        let at = primary.installation(AssetId::new("pc-1"));
        assert_eq!(at.map(|i| i.software), Some(TagId::new("t-1")));

        for flag in ["corpus", "patch", "supplemental"] {
            let f = fact("", &format!(r#"{flag}="true""#));
            assert!(!f.creates_installation(), "{flag}");
            assert_eq!(f.installation(AssetId::new("pc-1")), None, "{flag}");
        }
        assert_eq!(fact("", r#"corpus="1""#).tag_type, TagType::Corpus);
    }

    #[test]
    fn patch_and_supplemental_links_name_their_targets() {
        let patch = fact(
            r#"<Link rel="patches" href="swid:base-1"/>
               <Link rel="patches" href="https://example.com/not-a-tag"/>
               <Link rel="supplemental" href="SWID:other"/>"#,
            r#"patch="true""#,
        );
        assert_eq!(patch.tag_type, TagType::Patch);
        assert_eq!(patch.patches, [TagId::new("base-1")]);
        assert_eq!(patch.supplements, [TagId::new("other")]);
    }

    #[test]
    fn a_supplemental_tag_fills_only_what_the_primary_lacks() {
        let mut primary = fact(
            r#"<Entity name="Scanner" role="tagCreator"/><Meta edition="Std"/>"#,
            "",
        );
        let supp = fact(
            r#"<Entity name="Maker" regid="maker.com" role="tagCreator softwareCreator"/>
               <Link rel="supplemental" href="swid:t-1"/>
               <Meta edition="Pro" entitlementKey="K-9" persistentId="p"/>"#,
            r#"supplemental="true""#,
        );
        let unrelated = fact(
            r#"<Link rel="supplemental" href="swid:someone-else"/><Meta revision="9"/>"#,
            r#"supplemental="true""#,
        );
        assert!(!primary.supplement_with(&unrelated));
        assert_eq!(primary.revision, None);
        assert!(!primary.clone().supplement_with(&primary.clone()));

        assert!(primary.supplement_with(&supp));
        assert_eq!(primary.software.edition.as_deref(), Some("Std")); // kept
        assert_eq!(primary.entitlement_key.as_deref(), Some("K-9"));
        assert_eq!(primary.persistent_id.as_deref(), Some("p"));
        assert_eq!(primary.software.publisher, "Maker"); // tagCreator-only publisher replaced
        assert_eq!(primary.publisher_regid, Some(RegId::new("maker.com")));
        assert_eq!(primary.software.tag_id, TagId::new("t-1"));
    }

    #[test]
    fn apply_supplements_folds_every_supplemental_into_its_targets() {
        let primary = fact("", "");
        let first = fact(
            r#"<Link rel="supplemental" href="swid:t-1"/><Meta entitlementKey="K-1"/>"#,
            r#"supplemental="true""#,
        );
        let second = fact(
            r#"<Link rel="supplemental" href="swid:t-1"/><Meta entitlementKey="K-2" revision="7"/>"#,
            r#"supplemental="true""#,
        );
        let mut facts = vec![first, primary, second];
        assert_eq!(apply_supplements(&mut facts), 2);
        let target = &facts[1];
        assert_eq!(target.entitlement_key.as_deref(), Some("K-1")); // first wins
        assert_eq!(target.revision.as_deref(), Some("7"));
        // Supplemental facts are not supplemented themselves.
        assert_eq!(facts[0].revision, None);
    }

    #[test]
    fn evidence_device_is_kept_and_evidence_files_are_not_payload() {
        let f = fact(
            r#"<Evidence date="2020-01-01T00:00:00Z" deviceId=" host-7 "><File name="e"/></Evidence>"#,
            "",
        );
        assert_eq!(f.evidence_device.as_deref(), Some("host-7"));
        assert!(f.files.is_empty());
    }

    #[test]
    fn the_fact_round_trips_through_json() {
        let f = fact(
            r#"<Entity name="M" regid="m.com" role="softwareCreator"/>
               <Payload><File name="a" sha256:hash="00"/></Payload>"#,
            r#"version="2""#,
        );
        let json = match serde_json::to_string(&f) {
            Ok(j) => j,
            Err(e) => panic!("{e}"),
        };
        assert!(
            json.contains(r#""http://www.w3.org/2001/04/xmlenc#sha256":"00""#),
            "{json}"
        );
        let back: SoftwareFact = match serde_json::from_str(&json) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(back, f);
    }

    mod props {
        use super::*;
        use crate::model::{Directory, Entity, Link, Payload, SoftwareMeta, XmlBool};
        use proptest::option::of;
        use proptest::prelude::*;

        fn word() -> impl Strategy<Value = String> {
            "[ a-zA-Z0-9/\\.-]{0,6}"
        }

        fn role() -> impl Strategy<Value = Role> {
            proptest::sample::select(vec![
                Role::TagCreator,
                Role::SoftwareCreator,
                Role::Licensor,
                Role::Distributor,
                Role::Aggregator,
                Role::Maintainer,
                Role::Other("x".into()),
            ])
        }

        prop_compose! {
            fn meta()(product in of(word()), edition in of(word()), key in of(word()),
                      persistent in of(word()), revision in of(word())) -> SoftwareMeta {
                SoftwareMeta {
                    product,
                    edition,
                    entitlement_key: key,
                    persistent_id: persistent,
                    revision,
                    ..SoftwareMeta::default()
                }
            }
        }

        prop_compose! {
            fn tag()(name in word(),
                     flags in (any::<bool>(), any::<bool>(), any::<bool>()),
                     entities in proptest::collection::vec((word(), proptest::collection::vec(role(), 0..3)), 0..4),
                     metas in proptest::collection::vec(meta(), 0..3),
                     targets in proptest::collection::vec("[a-z]{1,4}", 0..3),
                     files in proptest::collection::vec((word(), of(word()), any::<bool>()), 0..5),
            ) -> SoftwareIdentity {
                let mut tag = SoftwareIdentity::new(name, "t-1");
                let flag = |b: bool| b.then(|| XmlBool::new("true"));
                tag.corpus = flag(flags.0);
                tag.patch = flag(flags.1);
                tag.supplemental = flag(flags.2);
                for (name, roles) in entities {
                    tag.push(Entity::new(name, "e.example", &roles));
                }
                for m in metas {
                    tag.push(m);
                }
                for t in targets {
                    tag.push(Link::new(format!("swid:{t}"), Rel::Supplemental));
                }
                let mut dir = Directory { name: "d".into(), ..Directory::default() };
                let mut payload = Payload::default();
                for (name, location, nested) in files {
                    let file = File { name: name.into(), location, ..File::default() };
                    if nested {
                        dir.children.push(file.into());
                    } else {
                        payload.children.push(file.into());
                    }
                }
                payload.children.push(dir.into());
                tag.push(payload);
                tag
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            #[test]
            fn projection_invariants(tag in tag()) {
                let fact = project(&tag);
                prop_assert_eq!(fact.creates_installation(), tag.tag_type() == TagType::Primary);
                prop_assert_eq!(fact.files.len(), tag.payload().map_or(0, |p| p.files().len()));
                prop_assert_eq!(&fact.software.tag_id, &tag.tag_id);
                // Names are normalised: no outer or doubled white space.
                for name in [&fact.software.publisher, &fact.software.product] {
                    prop_assert_eq!(name.split_whitespace().collect::<Vec<_>>().join(" "), name.clone());
                }
                // The publisher has a role exactly when some Entity has one of the roles.
                let any = tag.entities().any(|e| PUBLISHER_ROLES.iter().any(|r| e.has_role(r)));
                prop_assert_eq!(fact.publisher_role.is_some(), any);
            }

            #[test]
            fn supplementing_never_overwrites_and_is_idempotent(a in tag(), b in tag()) {
                let mut target = project(&a);
                let mut supplement = project(&b);
                supplement.tag_type = TagType::Supplemental;
                supplement.supplements.push(target.software.tag_id.clone());
                let before = target.clone();
                prop_assert!(target.supplement_with(&supplement));
                let once = target.clone();
                prop_assert!(target.supplement_with(&supplement));
                prop_assert_eq!(&target, &once);
                for (old, new) in [
                    (&before.software.edition, &once.software.edition),
                    (&before.entitlement_key, &once.entitlement_key),
                    (&before.persistent_id, &once.persistent_id),
                    (&before.revision, &once.revision),
                ] {
                    if old.is_some() {
                        prop_assert_eq!(old, new);
                    }
                }
                prop_assert_eq!(&once.software.product, &before.software.product);
                prop_assert_eq!(&once.software.version, &before.software.version);
                prop_assert_eq!(&once.files, &before.files);
            }
        }
    }

    #[test]
    fn path_join_does_not_double_separators() {
        let join = PathJoin { separator: "/" };
        let mut p = String::from("/usr/");
        join.push(&mut p, "/bin");
        join.push(&mut p, " ");
        join.push(&mut p, "ls");
        assert_eq!(p, "/usr/bin/ls");
        let win = PathJoin { separator: "\\" };
        let mut p = String::from("%programfiles%");
        win.push(&mut p, "ACME\\");
        win.push(&mut p, "rr.exe");
        assert_eq!(p, "%programfiles%\\ACME\\rr.exe");
    }

    #[test]
    fn normalise_collapses_white_space() {
        assert_eq!(normalise("  a \t b\nc "), "a b c");
        assert_eq!(normalise(""), "");
    }
}
