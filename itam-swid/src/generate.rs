//! SWID tags from Linux package databases: a dpkg status file (`/var/lib/dpkg/status`) or the
//! output of `rpm -qa --queryformat` with [`RPM_QUERY_FORMAT`], one tag per installed package.
//!
//! The tagId follows strongSwan's swidGenerator, the generator TNC servers expect:
//! `<os>-<arch>-<name>-<version>`, with the characters URI syntax reserves
//! (`:/?#[]@!$&'()*+,;=`) replaced by `~`. It depends only on the input, so generating twice
//! gives the same tags. Unlike swidGenerator the architecture is the package's own (dpkg's
//! `all` stays `all`), so the packages of a multi-arch system (`libc6` for `amd64` and
//! `i386`) get distinct tagIds.
//!
//! Each tag has the [`Options`] entity as `tagCreator` and, when the package names one, its
//! vendor (dpkg `Maintainer`, rpm `Vendor`) as `distributor`, with the domain of its e-mail
//! address as regid. No I/O: the caller reads the file and passes its text.
//!
//! ```
//! use itam_swid::generate::{self, Options};
//!
//! let status = "Package: hello\nStatus: install ok installed\nArchitecture: amd64\n\
//!               Version: 2.10-3\nMaintainer: Santiago Vila <sanvila@debian.org>\n\
//!               Description: example package based on GNU hello\n";
//! let packages = generate::parse_dpkg_status(status)?;
//! let generated = generate::generate(&packages, &Options::new("debian_13"));
//! let tag = &generated.tags[0];
//! assert_eq!(tag.tag_id.as_str(), "debian_13-amd64-hello-2.10-3");
//! assert_eq!(tag.version.as_deref(), Some("2.10-3"));
//! let vendor = tag.entities().nth(1).unwrap();
//! assert_eq!(vendor.regid.as_ref().map(|r| r.as_str()), Some("debian.org"));
//! # Ok::<(), itam_swid::generate::GenerateError>(())
//! ```

use std::collections::BTreeMap;

use itam_core::VersionScheme;

use crate::model::{Child, Entity, Role, SoftwareIdentity, SoftwareMeta};

/// The `--queryformat` whose output [`parse_rpm_query`] reads: one line per package, seven
/// tab-separated columns (name, epoch, version, release, arch, vendor, summary); rpm prints
/// `(none)` for an unset tag.
pub const RPM_QUERY_FORMAT: &str =
    r"%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{SUMMARY}\n";

/// One package read from a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package name (`Package`, `%{NAME}`).
    pub name: String,
    /// The full version as the package manager compares it: dpkg's
    /// `[epoch:]upstream[-revision]`, rpm's `[epoch:]version-release`.
    pub version: String,
    /// The upstream version alone, without epoch and revision (dpkg's `upstream`, rpm's
    /// `%{VERSION}`): the tag's `Meta/@colloquialVersion`.
    pub upstream_version: String,
    /// The packaging revision (dpkg's `revision`, rpm's `%{RELEASE}`): `Meta/@revision`.
    pub revision: Option<String>,
    /// The architecture (`Architecture`, `%{ARCH}`), empty when not given.
    pub architecture: String,
    /// Who distributes the package (`Maintainer`, `%{VENDOR}`), as written.
    pub vendor: Option<String>,
    /// The one-line summary (first line of `Description`, `%{SUMMARY}`).
    pub summary: Option<String>,
    /// Whether the package is installed (dpkg: status `install ok installed`; rpm: every
    /// queried package is).
    pub installed: bool,
    /// The status as written (dpkg `Status`), for the reason of a skip.
    pub status: Option<String>,
    /// The 1-based line where the package's stanza or row starts.
    pub line: usize,
}

/// Why a package database could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct GenerateError {
    /// The 1-based line.
    pub line: usize,
    /// What was wrong.
    pub kind: GenerateErrorKind,
}

/// What was wrong in a package database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateErrorKind {
    /// A dpkg line that is neither `Field: value` nor a continuation (starting with a space
    /// or tab), or a continuation before any field.
    #[error("not a dpkg field or continuation line: {0:?}")]
    NotAField(String),
    /// A dpkg stanza without a required field.
    #[error("package stanza without a {0} field")]
    MissingField(&'static str),
    /// An rpm row without the seven columns of [`RPM_QUERY_FORMAT`].
    #[error("expected 7 tab-separated columns (RPM_QUERY_FORMAT), found {0}")]
    Columns(usize),
    /// An rpm row with an empty name or version.
    #[error("empty {0}")]
    Empty(&'static str),
}

/// Who generates the tags, and for which system.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The distribution and release, as swidGenerator writes it (`debian_13`, `fedora_40`):
    /// the first part of every tagId.
    pub os: String,
    /// The tag creator's name.
    pub tag_creator: String,
    /// The tags' `xml:lang` (the language of the package summaries): `en` by default, as
    /// Debian's and Fedora's package descriptions are.
    pub lang: Option<String>,
    /// The tag creator's regid.
    pub tag_creator_regid: String,
}

impl Options {
    /// Options for a system, with the placeholder tag creator `itam` / `itam.invalid` (set
    /// your own: the tag creator is who vouches for the tags).
    pub fn new(os: impl Into<String>) -> Self {
        Self {
            os: os.into(),
            tag_creator: "itam".into(),
            tag_creator_regid: "itam.invalid".into(),
            lang: Some("en".into()),
        }
    }

    /// These options with another tag creator.
    #[must_use]
    pub fn with_tag_creator(mut self, name: impl Into<String>, regid: impl Into<String>) -> Self {
        self.tag_creator = name.into();
        self.tag_creator_regid = regid.into();
        self
    }
}

/// A package that gave no tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The package name.
    pub name: String,
    /// The line where its stanza or row starts.
    pub line: usize,
    /// Why (`not installed (status "deinstall ok config-files")`, `same tagId as line 12`).
    pub why: String,
}

/// The tags of [`generate`] and the packages that gave none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Generated {
    /// One tag per installed package, in input order.
    pub tags: Vec<SoftwareIdentity>,
    /// Every package without a tag, with the reason.
    pub skipped: Vec<Skipped>,
}

/// Reads a dpkg status file (deb822 stanzas separated by blank lines; `Field: value`, with
/// continuation lines starting with a space or tab). Every stanza is returned, installed or
/// not ([`Package::installed`]).
///
/// # Errors
/// [`GenerateError`] with the line of a line that is not a field, or of a stanza without
/// `Package` or `Version`.
pub fn parse_dpkg_status(text: &str) -> Result<Vec<Package>, GenerateError> {
    let mut packages = Vec::new();
    let mut stanza: Option<Stanza> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            if let Some(done) = stanza.take() {
                packages.push(done.finish()?);
            }
            continue;
        }
        let current = stanza.get_or_insert_with(|| Stanza::new(line));
        if raw.starts_with([' ', '\t']) {
            if current.last.is_none() {
                return Err(GenerateError {
                    line,
                    kind: GenerateErrorKind::NotAField(raw.to_owned()),
                });
            }
            continue; // continuation: only the first line of a multi-line field is kept
        }
        let Some((field, value)) = raw.split_once(':').filter(|(f, _)| is_field_name(f)) else {
            return Err(GenerateError {
                line,
                kind: GenerateErrorKind::NotAField(raw.to_owned()),
            });
        };
        current.set(field, value.trim());
    }
    if let Some(done) = stanza.take() {
        packages.push(done.finish()?);
    }
    Ok(packages)
}

/// A deb822 field name: printable ASCII without spaces, not starting with `#` or `-`.
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['#', '-'])
        && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
}

/// The fields of one dpkg stanza being read.
struct Stanza {
    line: usize,
    last: Option<()>,
    package: Option<String>,
    version: Option<String>,
    architecture: Option<String>,
    maintainer: Option<String>,
    description: Option<String>,
    status: Option<String>,
}

impl Stanza {
    const fn new(line: usize) -> Self {
        Self {
            line,
            last: None,
            package: None,
            version: None,
            architecture: None,
            maintainer: None,
            description: None,
            status: None,
        }
    }

    fn set(&mut self, field: &str, value: &str) {
        self.last = Some(());
        let slot = match field.to_ascii_lowercase().as_str() {
            "package" => &mut self.package,
            "version" => &mut self.version,
            "architecture" => &mut self.architecture,
            "maintainer" => &mut self.maintainer,
            "description" => &mut self.description,
            "status" => &mut self.status,
            _ => return,
        };
        *slot = Some(value.to_owned());
    }

    fn finish(self) -> Result<Package, GenerateError> {
        let missing = |field| GenerateError {
            line: self.line,
            kind: GenerateErrorKind::MissingField(field),
        };
        let name = self
            .package
            .clone()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| missing("Package"))?;
        let version = self
            .version
            .clone()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("Version"))?;
        let installed = self
            .status
            .as_deref()
            .is_some_and(|s| s.split_whitespace().eq(["install", "ok", "installed"]));
        // [epoch:]upstream[-revision] (deb-version(7)).
        let unepoched = version.split_once(':').map_or(version.as_str(), |(_, v)| v);
        let (upstream, revision) = match unepoched.rsplit_once('-') {
            Some((u, r)) if !u.is_empty() && !r.is_empty() => (u, Some(r.to_owned())),
            _ => (unepoched, None),
        };
        Ok(Package {
            name,
            upstream_version: upstream.to_owned(),
            revision,
            version,
            architecture: self.architecture.unwrap_or_default(),
            vendor: self.maintainer.filter(|m| !m.is_empty()),
            summary: self.description.filter(|d| !d.is_empty()),
            installed,
            status: self.status,
            line: self.line,
        })
    }
}

/// Reads the output of `rpm -qa --queryformat` with [`RPM_QUERY_FORMAT`]: one package per
/// non-empty line, `(none)` for an unset column.
///
/// # Errors
/// [`GenerateError`] with the line of a row without seven columns or with an empty name or
/// version.
pub fn parse_rpm_query(text: &str) -> Result<Vec<Package>, GenerateError> {
    let mut packages = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let columns: Vec<&str> = raw.split('\t').collect();
        let [name, epoch, version, release, arch, vendor, summary] = columns.as_slice() else {
            return Err(GenerateError {
                line,
                kind: GenerateErrorKind::Columns(columns.len()),
            });
        };
        let set = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty() && v != "(none)");
        let empty = |what| GenerateError {
            line,
            kind: GenerateErrorKind::Empty(what),
        };
        let name = set(name).ok_or_else(|| empty("name"))?;
        let version = set(version).ok_or_else(|| empty("version"))?;
        let mut evr = match set(epoch) {
            Some(epoch) => format!("{epoch}:{version}"),
            None => version.clone(),
        };
        let release = set(release);
        if let Some(release) = &release {
            evr = format!("{evr}-{release}");
        }
        packages.push(Package {
            name,
            version: evr,
            upstream_version: version,
            revision: release,
            architecture: set(arch).unwrap_or_default(),
            vendor: set(vendor),
            summary: set(summary),
            installed: true,
            status: None,
            line,
        });
    }
    Ok(packages)
}

/// The tagId of a package: `<os>-<arch>-<name>-<version>` with URI-reserved characters
/// replaced by `~` (swidGenerator's unique id).
#[must_use]
pub fn tag_id(os: &str, package: &Package) -> String {
    format!(
        "{os}-{}-{}-{}",
        package.architecture, package.name, package.version
    )
    .chars()
    .map(|c| {
        if ":/?#[]@!$&'()*+,;=".contains(c) {
            '~'
        } else {
            c
        }
    })
    .collect()
}

/// The name and regid of a vendor written `Name <user@domain>`: the name without the
/// address, and the address's domain (lowercase) as regid.
#[must_use]
pub fn vendor_entity(vendor: &str) -> (String, Option<String>) {
    let Some((name, rest)) = vendor.split_once('<') else {
        return (vendor.trim().to_owned(), None);
    };
    let address = rest.split('>').next().unwrap_or_default();
    let domain = address
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_ascii_lowercase())
        .filter(|d| {
            !d.is_empty()
                && d.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
        });
    let name = name.trim();
    let name = if name.is_empty() {
        address.trim()
    } else {
        name
    };
    (name.to_owned(), domain)
}

/// The tag of one package.
#[must_use]
pub fn tag(package: &Package, options: &Options) -> SoftwareIdentity {
    let mut tag = SoftwareIdentity::new(package.name.clone(), tag_id(&options.os, package));
    tag.version = Some(package.version.clone());
    tag.version_scheme = Some(VersionScheme::Alphanumeric);
    tag.lang.clone_from(&options.lang);
    // Meta first, where CoSWID puts it (so the CoSWID round trip keeps the order). The
    // architecture is in the tagId only: an unqualified `Meta/@arch` (as some
    // generators write) is an error under NIST's corrected XSD.
    tag.children.push(Child::Meta(SoftwareMeta {
        product: Some(package.name.clone()),
        colloquial_version: Some(package.upstream_version.clone()),
        revision: package.revision.clone(),
        summary: package.summary.clone(),
        ..SoftwareMeta::default()
    }));
    tag.push(Entity::new(
        options.tag_creator.clone(),
        options.tag_creator_regid.clone(),
        &[Role::TagCreator],
    ));
    if let Some(vendor) = &package.vendor {
        let (name, regid) = vendor_entity(vendor);
        let mut entity = Entity::new(name, regid.unwrap_or_default(), &[Role::Distributor]);
        if entity.regid.as_ref().is_some_and(|r| r.as_str().is_empty()) {
            entity.regid = None;
        }
        tag.push(entity);
    }
    tag
}

/// One tag per installed package, in input order. A package that is not installed, or
/// whose tagId an earlier package already has, is listed in [`Generated::skipped`].
#[must_use]
pub fn generate(packages: &[Package], options: &Options) -> Generated {
    let mut out = Generated::default();
    // tagId → the line of the package that has it.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for package in packages {
        if !package.installed {
            out.skipped.push(Skipped {
                name: package.name.clone(),
                line: package.line,
                why: format!(
                    "not installed (status {:?})",
                    package.status.as_deref().unwrap_or("")
                ),
            });
            continue;
        }
        let id = tag_id(&options.os, package);
        if let Some(earlier) = seen.get(&id) {
            out.skipped.push(Skipped {
                name: package.name.clone(),
                line: package.line,
                why: format!("same tagId {id:?} as the package at line {earlier}"),
            });
            continue;
        }
        seen.insert(id, package.line);
        out.tags.push(tag(package, options));
    }
    out
}
