//! Open vocabularies of ISO/IEC 19770-2:2015 (§3 of the project's SWID notes): entity roles,
//! link relations, ownership, use, patch events and file-hash algorithms.
//!
//! Every vocabulary is a `#[non_exhaustive]` enum of the values the standard (or RFC 9393, or
//! NISTIR 8060) names, plus `Other(String)` that keeps any other value exactly as written.
//! Parsing is infallible and case-sensitive, as XML NMTOKEN values are: `tagcreator` is
//! `Role::Other("tagcreator")`, which a validator may report.

use std::fmt;

use serde::{Deserialize, Serialize};

use itam_xml::open_vocab;

open_vocab! {
    /// An `Entity/@role` token (ISO/IEC 19770-2:2015 8.2, RFC 9393 §4.2 `$role`).
    Role {
        /// `tagCreator`: the organisation that created the tag.
        TagCreator => "tagCreator",
        /// `softwareCreator`: the organisation that created the software.
        SoftwareCreator => "softwareCreator",
        /// `aggregator`: bundles software from several creators.
        Aggregator => "aggregator",
        /// `distributor`: distributes the software.
        Distributor => "distributor",
        /// `licensor`: licenses the software.
        Licensor => "licensor",
        /// `maintainer` (RFC 9393 only): maintains the software when that is not its creator.
        Maintainer => "maintainer",
    }
}

open_vocab! {
    /// A `Link/@rel` value (ISO/IEC 19770-2:2015 8.4; RFC 9393 §4.4 `$rel`). Values from the
    /// IANA link-relation registry (e.g. `license`) are kept as [`Rel::Other`].
    Rel {
        /// `ancestor`: an earlier release of this software.
        Ancestor => "ancestor",
        /// `component`: the target is a component of this software.
        Component => "component",
        /// `feature`: the target is an optional feature.
        Feature => "feature",
        /// `installationmedia`: the installation media (see `artifact`).
        InstallationMedia => "installationmedia",
        /// `packageinstaller`: the tool that installs this package.
        PackageInstaller => "packageinstaller",
        /// `parent`: the target is this software's parent.
        Parent => "parent",
        /// `patches`: this tag (a patch) patches the target.
        Patches => "patches",
        /// `requires`: the target is required.
        Requires => "requires",
        /// `see-also`: related information.
        SeeAlso => "see-also",
        /// `supersedes`: this software replaces the target.
        Supersedes => "supersedes",
        /// `supplemental`: this (supplemental) tag supplements the target.
        Supplemental => "supplemental",
    }
}

open_vocab! {
    /// A `Link/@ownership` value (ISO/IEC 19770-2:2015 8.4): what happens to the linked
    /// software when this software is uninstalled. The XSD enumerates three values; others are
    /// kept so that nothing read is lost.
    Ownership {
        /// `abandon`: keep the linked software.
        Abandon => "abandon",
        /// `private`: remove it together with this software.
        Private => "private",
        /// `shared`: remove it only when nothing else uses it.
        Shared => "shared",
    }
}

open_vocab! {
    /// A `Link/@use` value (ISO/IEC 19770-2:2015 8.4): how strongly the target is needed.
    Use {
        /// `required`.
        Required => "required",
        /// `recommended`.
        Recommended => "recommended",
        /// `optional`.
        Optional => "optional",
    }
}

open_vocab! {
    /// The NISTIR 8060 `n8060:patchEvent` of a File in a patch tag. The extension XSD lists
    /// `add`/`remove`/`update`; swidval's PAT-3-1 checks `add`/`modify`/`remove`; all four are
    /// known here.
    PatchEvent {
        /// `add`: the patch adds the file.
        Add => "add",
        /// `remove`: the patch removes the file.
        Remove => "remove",
        /// `update`: the patch changes the file (extension XSD).
        Update => "update",
        /// `modify`: the patch changes the file (swidval PAT-3-1).
        Modify => "modify",
    }
}

open_vocab! {
    /// A file-hash algorithm, identified by the **namespace URI** of the `hash` attribute
    /// (ISO/IEC 19770-2:2015 8.7.7; the prefix is irrelevant). `as_str()` is the namespace URI.
    HashAlgorithm {
        /// SHA-256, `http://www.w3.org/2001/04/xmlenc#sha256`.
        Sha256 => "http://www.w3.org/2001/04/xmlenc#sha256",
        /// SHA-384, `http://www.w3.org/2001/04/xmldsig-more#sha384`.
        Sha384 => "http://www.w3.org/2001/04/xmldsig-more#sha384",
        /// SHA-512, `http://www.w3.org/2001/04/xmlenc#sha512`.
        Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
        /// SHA3-224, `http://www.w3.org/2007/05/xmldsig-more#sha3-224`.
        Sha3_224 => "http://www.w3.org/2007/05/xmldsig-more#sha3-224",
        /// SHA3-256, `http://www.w3.org/2007/05/xmldsig-more#sha3-256`.
        Sha3_256 => "http://www.w3.org/2007/05/xmldsig-more#sha3-256",
        /// SHA3-384, `http://www.w3.org/2007/05/xmldsig-more#sha3-384`.
        Sha3_384 => "http://www.w3.org/2007/05/xmldsig-more#sha3-384",
        /// SHA3-512, `http://www.w3.org/2007/05/xmldsig-more#sha3-512`.
        Sha3_512 => "http://www.w3.org/2007/05/xmldsig-more#sha3-512",
        /// MD5 (deprecated), `http://www.w3.org/2001/04/xmldsig-more#md5`.
        Md5 => "http://www.w3.org/2001/04/xmldsig-more#md5",
        /// SHA-1 (deprecated), `http://www.w3.org/2000/09/xmldsig#sha1`.
        Sha1 => "http://www.w3.org/2000/09/xmldsig#sha1",
        /// SHA-224 (deprecated), `http://www.w3.org/2001/04/xmldsig-more#sha224`.
        Sha224 => "http://www.w3.org/2001/04/xmldsig-more#sha224",
        /// RIPEMD-160 (deprecated), `http://www.w3.org/2001/04/xmlenc#ripemd160`.
        Ripemd160 => "http://www.w3.org/2001/04/xmlenc#ripemd160",
    }
}

impl HashAlgorithm {
    /// The namespace URI that identifies the algorithm (same as [`Self::as_str`]).
    #[must_use]
    pub fn namespace(&self) -> &str {
        self.as_str()
    }

    /// The algorithm for a namespace URI (an unknown URI becomes [`Self::Other`]).
    #[must_use]
    pub fn from_namespace(uri: &str) -> Self {
        Self::from(uri)
    }

    /// The prefix the writer binds to this namespace (`sha256`, `sha3-256`, …; `hash` for
    /// others, made unique by the writer).
    #[must_use]
    pub fn preferred_prefix(&self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
            Self::Sha3_224 => "sha3-224",
            Self::Sha3_256 => "sha3-256",
            Self::Sha3_384 => "sha3-384",
            Self::Sha3_512 => "sha3-512",
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Ripemd160 => "ripemd160",
            Self::Other(_) => "hash",
        }
    }

    /// Whether NISTIR 8060 (GEN-18) discourages the algorithm: MD5, SHA-1, SHA-224, RIPEMD-160.
    #[must_use]
    pub fn is_deprecated(&self) -> bool {
        matches!(
            self,
            Self::Md5 | Self::Sha1 | Self::Sha224 | Self::Ripemd160
        )
    }

    /// The number of hex digits a value of this algorithm has, when known.
    #[must_use]
    pub fn hex_len(&self) -> Option<usize> {
        match self {
            Self::Md5 => Some(32),
            Self::Sha1 | Self::Ripemd160 => Some(40),
            Self::Sha224 | Self::Sha3_224 => Some(56),
            Self::Sha256 | Self::Sha3_256 => Some(64),
            Self::Sha384 | Self::Sha3_384 => Some(96),
            Self::Sha512 | Self::Sha3_512 => Some(128),
            Self::Other(_) => None,
        }
    }
}

/// The space-separated `Entity/@role` list (XSD `NMTOKENS`), kept exactly as written.
///
/// The raw text is kept because validators compare it (NIST GEN-7-1 compares whole role
/// strings); [`Roles::iter`] gives the tokens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Roles(String);

impl Roles {
    /// The list exactly as written (`"tagCreator softwareCreator"`).
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// A list joined by single spaces.
    pub fn from_roles<'a>(roles: impl IntoIterator<Item = &'a Role>) -> Self {
        let mut out = String::new();
        for role in roles {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(role.as_str());
        }
        Self(out)
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The roles, split on XML whitespace.
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.split_ascii_whitespace().map(Role::from)
    }

    /// Whether the list holds `role` as a whole token.
    #[must_use]
    pub fn contains(&self, role: &Role) -> bool {
        self.0
            .split_ascii_whitespace()
            .any(|token| token == role.as_str())
    }

    /// Whether the list has no token.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.split_ascii_whitespace().next().is_none()
    }
}

impl From<&str> for Roles {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        let roles: Vec<Role> = iter.into_iter().collect();
        Self::from_roles(&roles)
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_keep_unknown_values() {
        assert_eq!(Role::from("tagCreator"), Role::TagCreator);
        assert_eq!(Role::from("tagcreator"), Role::Other("tagcreator".into()));
        assert_eq!(Rel::from("see-also").as_str(), "see-also");
        assert_eq!(Rel::from("license"), Rel::Other("license".into()));
        for rel in Rel::KNOWN {
            assert_eq!(&Rel::from(rel.as_str()), rel);
        }
        assert_eq!(
            HashAlgorithm::from_namespace("http://www.w3.org/2001/04/xmlenc#sha256"),
            HashAlgorithm::Sha256
        );
        assert!(HashAlgorithm::Sha1.is_deprecated());
    }

    #[test]
    fn roles_keep_raw_text_and_split_tokens() {
        let roles = Roles::new("tagCreator  softwareCreator");
        assert_eq!(roles.as_str(), "tagCreator  softwareCreator");
        assert_eq!(
            roles.iter().collect::<Vec<_>>(),
            vec![Role::TagCreator, Role::SoftwareCreator]
        );
        assert!(roles.contains(&Role::SoftwareCreator));
        assert!(!Roles::new("tagCreatorX").contains(&Role::TagCreator));
        assert!(Roles::new("  ").is_empty());
        let joined: Roles = [Role::TagCreator, Role::Licensor].into_iter().collect();
        assert_eq!(joined.as_str(), "tagCreator licensor");
    }
}
