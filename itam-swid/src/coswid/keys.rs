//! The CoSWID integer key map and value codes (RFC 9393 §2.3–§4, §6 IANA registries), as
//! data.
//!
//! Every table pairs an integer index with its name. Key names are the CDDL names
//! (`software-name`); value names are the SWID XML names (`tagCreator`, `see-also`), which
//! is what the typed model holds. Integer labels outside the tables (including negative,
//! private-use ones) and text labels are not errors: the decoder keeps them.

/// The CBOR tag number of a CoSWID tag (RFC 9393 §8: 1398229316 = `0x53574944`, "SWID").
pub const COSWID_TAG: u64 = 1_398_229_316;

/// The integer keys of CoSWID maps (RFC 9393 §2.3, "CoSWID Items" registry).
pub mod key {
    /// `tag-id` (concise-swid-tag).
    pub const TAG_ID: i64 = 0;
    /// `software-name` (concise-swid-tag).
    pub const SOFTWARE_NAME: i64 = 1;
    /// `entity` (concise-swid-tag).
    pub const ENTITY: i64 = 2;
    /// `evidence` (concise-swid-tag).
    pub const EVIDENCE: i64 = 3;
    /// `link` (concise-swid-tag).
    pub const LINK: i64 = 4;
    /// `software-meta` (concise-swid-tag).
    pub const SOFTWARE_META: i64 = 5;
    /// `payload` (concise-swid-tag).
    pub const PAYLOAD: i64 = 6;
    /// `hash` (file-entry).
    pub const HASH: i64 = 7;
    /// `corpus` (concise-swid-tag).
    pub const CORPUS: i64 = 8;
    /// `patch` (concise-swid-tag).
    pub const PATCH: i64 = 9;
    /// `media` (concise-swid-tag, link-entry).
    pub const MEDIA: i64 = 10;
    /// `supplemental` (concise-swid-tag).
    pub const SUPPLEMENTAL: i64 = 11;
    /// `tag-version` (concise-swid-tag).
    pub const TAG_VERSION: i64 = 12;
    /// `software-version` (concise-swid-tag).
    pub const SOFTWARE_VERSION: i64 = 13;
    /// `version-scheme` (concise-swid-tag).
    pub const VERSION_SCHEME: i64 = 14;
    /// `lang` (global attribute of every map).
    pub const LANG: i64 = 15;
    /// `directory` (resource collection, path-elements).
    pub const DIRECTORY: i64 = 16;
    /// `file` (resource collection, path-elements).
    pub const FILE: i64 = 17;
    /// `process` (resource collection).
    pub const PROCESS: i64 = 18;
    /// `resource` (resource collection).
    pub const RESOURCE: i64 = 19;
    /// `size` (file-entry).
    pub const SIZE: i64 = 20;
    /// `file-version` (file-entry).
    pub const FILE_VERSION: i64 = 21;
    /// `key` (filesystem-item).
    pub const KEY: i64 = 22;
    /// `location` (filesystem-item, evidence-entry).
    pub const LOCATION: i64 = 23;
    /// `fs-name` (filesystem-item).
    pub const FS_NAME: i64 = 24;
    /// `root` (filesystem-item).
    pub const ROOT: i64 = 25;
    /// `path-elements` (directory-entry).
    pub const PATH_ELEMENTS: i64 = 26;
    /// `process-name` (process-entry).
    pub const PROCESS_NAME: i64 = 27;
    /// `pid` (process-entry).
    pub const PID: i64 = 28;
    /// `type` (resource-entry).
    pub const TYPE: i64 = 29;
    /// `entity-name` (entity-entry).
    pub const ENTITY_NAME: i64 = 31;
    /// `reg-id` (entity-entry).
    pub const REG_ID: i64 = 32;
    /// `role` (entity-entry).
    pub const ROLE: i64 = 33;
    /// `thumbprint` (entity-entry).
    pub const THUMBPRINT: i64 = 34;
    /// `date` (evidence-entry).
    pub const DATE: i64 = 35;
    /// `device-id` (evidence-entry).
    pub const DEVICE_ID: i64 = 36;
    /// `artifact` (link-entry).
    pub const ARTIFACT: i64 = 37;
    /// `href` (link-entry).
    pub const HREF: i64 = 38;
    /// `ownership` (link-entry).
    pub const OWNERSHIP: i64 = 39;
    /// `rel` (link-entry).
    pub const REL: i64 = 40;
    /// `media-type` (link-entry; XML `Link/@type`).
    pub const MEDIA_TYPE: i64 = 41;
    /// `use` (link-entry).
    pub const USE: i64 = 42;
    /// `activation-status` (software-meta-entry).
    pub const ACTIVATION_STATUS: i64 = 43;
    /// `channel-type` (software-meta-entry).
    pub const CHANNEL_TYPE: i64 = 44;
    /// `colloquial-version` (software-meta-entry).
    pub const COLLOQUIAL_VERSION: i64 = 45;
    /// `description` (software-meta-entry).
    pub const DESCRIPTION: i64 = 46;
    /// `edition` (software-meta-entry).
    pub const EDITION: i64 = 47;
    /// `entitlement-data-required` (software-meta-entry).
    pub const ENTITLEMENT_DATA_REQUIRED: i64 = 48;
    /// `entitlement-key` (software-meta-entry).
    pub const ENTITLEMENT_KEY: i64 = 49;
    /// `generator` (software-meta-entry).
    pub const GENERATOR: i64 = 50;
    /// `persistent-id` (software-meta-entry).
    pub const PERSISTENT_ID: i64 = 51;
    /// `product` (software-meta-entry).
    pub const PRODUCT: i64 = 52;
    /// `product-family` (software-meta-entry).
    pub const PRODUCT_FAMILY: i64 = 53;
    /// `revision` (software-meta-entry).
    pub const REVISION: i64 = 54;
    /// `summary` (software-meta-entry).
    pub const SUMMARY: i64 = 55;
    /// `unspsc-code` (software-meta-entry).
    pub const UNSPSC_CODE: i64 = 56;
    /// `unspsc-version` (software-meta-entry).
    pub const UNSPSC_VERSION: i64 = 57;
}

/// Every key RFC 9393 assigns, with its CDDL name, in index order (30 is unassigned).
pub const KEYS: &[(i64, &str)] = &[
    (0, "tag-id"),
    (1, "software-name"),
    (2, "entity"),
    (3, "evidence"),
    (4, "link"),
    (5, "software-meta"),
    (6, "payload"),
    (7, "hash"),
    (8, "corpus"),
    (9, "patch"),
    (10, "media"),
    (11, "supplemental"),
    (12, "tag-version"),
    (13, "software-version"),
    (14, "version-scheme"),
    (15, "lang"),
    (16, "directory"),
    (17, "file"),
    (18, "process"),
    (19, "resource"),
    (20, "size"),
    (21, "file-version"),
    (22, "key"),
    (23, "location"),
    (24, "fs-name"),
    (25, "root"),
    (26, "path-elements"),
    (27, "process-name"),
    (28, "pid"),
    (29, "type"),
    (31, "entity-name"),
    (32, "reg-id"),
    (33, "role"),
    (34, "thumbprint"),
    (35, "date"),
    (36, "device-id"),
    (37, "artifact"),
    (38, "href"),
    (39, "ownership"),
    (40, "rel"),
    (41, "media-type"),
    (42, "use"),
    (43, "activation-status"),
    (44, "channel-type"),
    (45, "colloquial-version"),
    (46, "description"),
    (47, "edition"),
    (48, "entitlement-data-required"),
    (49, "entitlement-key"),
    (50, "generator"),
    (51, "persistent-id"),
    (52, "product"),
    (53, "product-family"),
    (54, "revision"),
    (55, "summary"),
    (56, "unspsc-code"),
    (57, "unspsc-version"),
];

/// `software-meta` keys with the SWID `Meta` attribute each maps to.
pub const SOFTWARE_META_KEYS: &[(i64, &str)] = &[
    (43, "activationStatus"),
    (44, "channelType"),
    (45, "colloquialVersion"),
    (46, "description"),
    (47, "edition"),
    (48, "entitlementDataRequired"),
    (49, "entitlementKey"),
    (50, "generator"),
    (51, "persistentId"),
    (52, "product"),
    (53, "productFamily"),
    (54, "revision"),
    (55, "summary"),
    (56, "unspscCode"),
    (57, "unspscVersion"),
];

/// `$role` codes (RFC 9393 §4.2, "Software Tag Entity Role Values" registry).
pub const ROLES: &[(i64, &str)] = &[
    (1, "tagCreator"),
    (2, "softwareCreator"),
    (3, "aggregator"),
    (4, "distributor"),
    (5, "licensor"),
    (6, "maintainer"),
];

/// `$rel` codes (RFC 9393 §4.3, "Software Tag Link Relationship Values" registry).
pub const RELS: &[(i64, &str)] = &[
    (1, "ancestor"),
    (2, "component"),
    (3, "feature"),
    (4, "installationmedia"),
    (5, "packageinstaller"),
    (6, "parent"),
    (7, "patches"),
    (8, "requires"),
    (9, "see-also"),
    (10, "supersedes"),
    (11, "supplemental"),
];

/// `$ownership` codes (RFC 9393 §4.3, "Software Tag Link Ownership Values" registry).
pub const OWNERSHIPS: &[(i64, &str)] = &[(1, "abandon"), (2, "private"), (3, "shared")];

/// `$use` codes (RFC 9393 §4.3, "Software Tag Link Use Values" registry).
pub const USES: &[(i64, &str)] = &[(1, "optional"), (2, "required"), (3, "recommended")];

/// `$version-scheme` codes (RFC 9393 §4.1, "Software Tag Version Scheme Values" registry).
/// The ISO scheme `unknown` has no code.
pub const VERSION_SCHEMES: &[(i64, &str)] = &[
    (1, "multipartnumeric"),
    (2, "multipartnumeric+suffix"),
    (3, "alphanumeric"),
    (4, "decimal"),
    (16384, "semver"),
];

/// A hash algorithm of the IANA "Named Information Hash Algorithm Registry" (used by
/// CoSWID `hash-entry`), with the XML namespace ISO/IEC 19770-2 uses for it, when any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashAlgorithmId {
    /// The registry's integer id (`hash-alg-id`).
    pub id: i64,
    /// The registry's name (`sha-256`).
    pub name: &'static str,
    /// Length of the hash value in bytes.
    pub len: usize,
    /// The XML namespace URI of the matching `hash` attribute, if SWID XML has one.
    pub xml_namespace: Option<&'static str>,
}

/// The Named Information hash algorithms (RFC 6920 §9.4 registry). Id 0 means "unknown
/// algorithm" in CoSWID (RFC 9393 §2.9.1), used when converting from SWID XML without one.
pub const HASH_ALGORITHMS: &[HashAlgorithmId] = &[
    hash(
        1,
        "sha-256",
        32,
        Some("http://www.w3.org/2001/04/xmlenc#sha256"),
    ),
    hash(2, "sha-256-128", 16, None),
    hash(3, "sha-256-120", 15, None),
    hash(4, "sha-256-96", 12, None),
    hash(5, "sha-256-64", 8, None),
    hash(6, "sha-256-32", 4, None),
    hash(
        7,
        "sha-384",
        48,
        Some("http://www.w3.org/2001/04/xmldsig-more#sha384"),
    ),
    hash(
        8,
        "sha-512",
        64,
        Some("http://www.w3.org/2001/04/xmlenc#sha512"),
    ),
    hash(
        9,
        "sha3-224",
        28,
        Some("http://www.w3.org/2007/05/xmldsig-more#sha3-224"),
    ),
    hash(
        10,
        "sha3-256",
        32,
        Some("http://www.w3.org/2007/05/xmldsig-more#sha3-256"),
    ),
    hash(
        11,
        "sha3-384",
        48,
        Some("http://www.w3.org/2007/05/xmldsig-more#sha3-384"),
    ),
    hash(
        12,
        "sha3-512",
        64,
        Some("http://www.w3.org/2007/05/xmldsig-more#sha3-512"),
    ),
];

const fn hash(
    id: i64,
    name: &'static str,
    len: usize,
    xml_namespace: Option<&'static str>,
) -> HashAlgorithmId {
    HashAlgorithmId {
        id,
        name,
        len,
        xml_namespace,
    }
}

/// The name of `code` in `table`.
#[must_use]
pub fn name_of(table: &[(i64, &'static str)], code: i64) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The code of `name` in `table` (exact, case-sensitive match).
#[must_use]
pub fn code_of(table: &[(i64, &str)], name: &str) -> Option<i64> {
    table.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
}

/// The hash algorithm with registry id `id`.
#[must_use]
pub fn hash_by_id(id: i64) -> Option<&'static HashAlgorithmId> {
    HASH_ALGORITHMS.iter().find(|h| h.id == id)
}

/// The hash algorithm whose SWID XML namespace is `namespace`.
#[must_use]
pub fn hash_by_xml_namespace(namespace: &str) -> Option<&'static HashAlgorithmId> {
    HASH_ALGORITHMS
        .iter()
        .find(|h| h.xml_namespace == Some(namespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_consistent() {
        assert_eq!(COSWID_TAG, 0x5357_4944);
        assert_eq!(&COSWID_TAG.to_be_bytes()[4..], b"SWID");
        // Keys are unique and increasing, 30 is unassigned.
        assert!(KEYS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(KEYS.len(), 57);
        assert_eq!(name_of(KEYS, 30), None);
        assert_eq!(name_of(KEYS, key::MEDIA_TYPE), Some("media-type"));
        for table in [
            ROLES,
            RELS,
            OWNERSHIPS,
            USES,
            VERSION_SCHEMES,
            SOFTWARE_META_KEYS,
        ] {
            for (code, name) in table {
                assert_eq!(code_of(table, name), Some(*code));
                assert_eq!(name_of(table, *code), Some(*name));
            }
        }
        for (code, _) in SOFTWARE_META_KEYS {
            assert!(name_of(KEYS, *code).is_some());
        }
        assert_eq!(code_of(RELS, "see-also"), Some(9));
        assert_eq!(code_of(OWNERSHIPS, "shared"), Some(3));
        assert_eq!(code_of(USES, "required"), Some(2));
        assert_eq!(code_of(VERSION_SCHEMES, "semver"), Some(16384));
        assert_eq!(code_of(VERSION_SCHEMES, "unknown"), None);
        assert_eq!(hash_by_id(1).map(|h| h.len), Some(32));
        assert_eq!(
            hash_by_xml_namespace("http://www.w3.org/2007/05/xmldsig-more#sha3-256").map(|h| h.id),
            Some(10)
        );
        assert!(hash_by_id(0).is_none());
    }
}
