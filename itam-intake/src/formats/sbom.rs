//! SBOMs as inventory: the software components of a CycloneDX 1.5/1.6 JSON BOM and the
//! packages of an SPDX 2.3 JSON document become installations on the device whose folder the
//! file is in, like the tags found there.
//!
//! The narrow subset of both formats is read here with serde rather than through a crate's
//! full models: the intake needs five fields of a component (name, version, publisher,
//! purl, type) and must accept every BOM a tool writes, also one a strict model would refuse
//! for a field the intake does not read (a newer spec version, a vendor extension); and the
//! CycloneDX `licensing` block is already read by `itam-ent`'s importer.
//!
//! | CycloneDX component / SPDX package | software identity |
//! |---|---|
//! | `purl` / the `purl` external reference | the tagId; else `bom-ref` / `SPDXID` prefixed with the document, else `publisher/name@version` |
//! | `publisher`, else `supplier.name`, `manufacturer.name`, `author`, `group` / `supplier`, else `originator` (`Organization: ` or `Person: ` dropped), else the purl's namespace | the publisher |
//! | `name` / `name` | the product |
//! | `version` / `versionInfo` | the version |
//!
//! Components of type `file`, `data`, `device`, `machine-learning-model` and
//! `cryptographic-asset`, and packages whose primary purpose is `FILE`, `SOURCE`, `ARCHIVE` or
//! `DEVICE`, are not installed software: each is noted and left out, as is a component
//! without a name. Nested components are read at any depth (serde_json's recursion limit
//! bounds it). Licensing objects in a BOM read as inventory are noted: hand the BOM to the
//! entitlements to read them.

use itam_core::estate::Software;
use itam_swid::project::SoftwareFact;
use serde::Deserialize;

/// What an SBOM gave: the facts of its software, and a note per part left out (item, why).
#[derive(Debug, Default)]
pub(crate) struct Sbom {
    pub facts: Vec<SoftwareFact>,
    pub notes: Vec<(Option<String>, String)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CdxBom {
    #[serde(default)]
    serial_number: Option<String>,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxOrg {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct CdxComponent {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    supplier: Option<CdxOrg>,
    #[serde(default)]
    manufacturer: Option<CdxOrg>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(rename = "bom-ref", default)]
    bom_ref: Option<String>,
    #[serde(default)]
    licenses: Vec<serde_json::Value>,
    #[serde(default)]
    components: Vec<Self>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxDocument {
    #[serde(default)]
    document_namespace: Option<String>,
    #[serde(default)]
    packages: Vec<SpdxPackage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    #[serde(rename = "SPDXID", default)]
    spdx_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version_info: Option<String>,
    #[serde(default)]
    supplier: Option<String>,
    #[serde(default)]
    originator: Option<String>,
    #[serde(default)]
    external_refs: Vec<SpdxRef>,
    #[serde(default)]
    primary_package_purpose: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxRef {
    #[serde(default)]
    reference_type: String,
    #[serde(default)]
    reference_locator: String,
}

/// Which SBOM format a JSON input is, from its top-level markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    CycloneDx,
    Spdx,
}

/// The format of `bytes` when they are a JSON SBOM: `"bomFormat": "CycloneDX"` or an
/// `spdxVersion` member at the top level. Anything else (a SWID tag in any form) is `None`.
fn kind(bytes: &[u8]) -> Option<Kind> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with('{') {
        return None;
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Markers {
        #[serde(default)]
        bom_format: Option<String>,
        #[serde(default)]
        spdx_version: Option<String>,
    }
    let markers: Markers = serde_json::from_str(text).ok()?;
    if markers
        .bom_format
        .is_some_and(|f| f.eq_ignore_ascii_case("cyclonedx"))
    {
        Some(Kind::CycloneDx)
    } else if markers.spdx_version.is_some_and(|v| v.starts_with("SPDX-")) {
        Some(Kind::Spdx)
    } else {
        None
    }
}

/// Reads `bytes` as an SBOM: `None` when they are not one, else its software or why it could
/// not be read (serde's message, with line and column).
pub(crate) fn read(bytes: &[u8]) -> Option<Result<Sbom, String>> {
    let kind = kind(bytes)?;
    let text = std::str::from_utf8(bytes)
        .ok()?
        .trim_start_matches('\u{feff}');
    Some(match kind {
        Kind::CycloneDx => serde_json::from_str::<CdxBom>(text)
            .map(cyclonedx)
            .map_err(|e| format!("not a CycloneDX BOM: {e}")),
        Kind::Spdx => serde_json::from_str::<SpdxDocument>(text)
            .map(spdx)
            .map_err(|e| format!("not an SPDX document: {e}")),
    })
}

fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("NOASSERTION"))
        .map(str::to_owned)
}

/// The namespace of a purl (`pkg:deb/debian/bash@5.2` → `debian`).
fn purl_namespace(purl: &str) -> Option<String> {
    let path = purl.strip_prefix("pkg:")?;
    let path = path.split(['@', '?', '#']).next()?;
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 3 {
        return None;
    }
    parts.pop(); // the name
    clean(parts.get(1..).map(|p| p.join("/")).as_deref())
}

fn software(
    tag_id: String,
    publisher: Option<String>,
    name: String,
    version: Option<String>,
) -> SoftwareFact {
    SoftwareFact::primary(Software {
        tag_id: tag_id.into(),
        publisher: publisher.unwrap_or_default(),
        product: name,
        edition: None,
        version: version.unwrap_or_default(),
        version_scheme: itam_core::VersionScheme::Unknown,
    })
}

const NOT_SOFTWARE_CDX: &[&str] = &[
    "file",
    "data",
    "device",
    "machine-learning-model",
    "cryptographic-asset",
];

fn cyclonedx(bom: CdxBom) -> Sbom {
    let mut out = Sbom::default();
    let mut stack: Vec<(String, CdxComponent)> = bom
        .components
        .into_iter()
        .enumerate()
        .map(|(i, c)| (format!("/components/{i}"), c))
        .rev()
        .collect();
    let document = bom.serial_number.unwrap_or_default();
    while let Some((path, c)) = stack.pop() {
        for (i, child) in c.components.into_iter().enumerate().rev() {
            stack.push((format!("{path}/components/{i}"), child));
        }
        let kind = c.kind.unwrap_or_default().to_ascii_lowercase();
        let Some(name) = clean(c.name.as_deref()) else {
            out.notes
                .push((Some(path), "a component without a name; left out".into()));
            continue;
        };
        let item = Some(format!("component:{name}"));
        if NOT_SOFTWARE_CDX.contains(&kind.as_str()) {
            out.notes.push((
                item,
                format!("{path}: a component of type `{kind}` is not installed software; left out"),
            ));
            continue;
        }
        let with_licensing = c
            .licenses
            .iter()
            .any(|l| l.get("license").and_then(|x| x.get("licensing")).is_some());
        if with_licensing {
            out.notes.push((
                item.clone(),
                format!("{path}: its licensing objects are entitlements; hand the BOM to the entitlements to read them"),
            ));
        }
        let purl = clean(c.purl.as_deref());
        let publisher = clean(c.publisher.as_deref())
            .or_else(|| clean(c.supplier.and_then(|s| s.name).as_deref()))
            .or_else(|| clean(c.manufacturer.and_then(|s| s.name).as_deref()))
            .or_else(|| clean(c.author.as_deref()))
            .or_else(|| clean(c.group.as_deref()))
            .or_else(|| purl.as_deref().and_then(purl_namespace));
        let version = clean(c.version.as_deref());
        let tag_id = purl
            .or_else(|| clean(c.bom_ref.as_deref()).map(|r| format!("{document}#{r}")))
            .unwrap_or_else(|| fallback_id(publisher.as_deref(), &name, version.as_deref()));
        out.facts.push(software(tag_id, publisher, name, version));
    }
    out
}

const NOT_SOFTWARE_SPDX: &[&str] = &["FILE", "SOURCE", "ARCHIVE", "DEVICE"];

fn spdx(doc: SpdxDocument) -> Sbom {
    let mut out = Sbom::default();
    let document = doc.document_namespace.unwrap_or_default();
    for (i, p) in doc.packages.into_iter().enumerate() {
        let path = format!("/packages/{i}");
        let Some(name) = clean(p.name.as_deref()) else {
            out.notes
                .push((Some(path), "a package without a name; left out".into()));
            continue;
        };
        let item = Some(format!("package:{name}"));
        if let Some(purpose) = p
            .primary_package_purpose
            .as_deref()
            .filter(|p| NOT_SOFTWARE_SPDX.contains(&p.to_ascii_uppercase().as_str()))
        {
            out.notes.push((
                item,
                format!("{path}: a package whose purpose is {purpose} is not installed software; left out"),
            ));
            continue;
        }
        let purl = p
            .external_refs
            .iter()
            .find(|r| r.reference_type.eq_ignore_ascii_case("purl"))
            .and_then(|r| clean(Some(&r.reference_locator)));
        let party = |text: Option<&str>| {
            clean(text).map(|t| {
                t.strip_prefix("Organization:")
                    .or_else(|| t.strip_prefix("Person:"))
                    .unwrap_or(&t)
                    .trim()
                    .to_owned()
            })
        };
        let publisher = party(p.supplier.as_deref())
            .or_else(|| party(p.originator.as_deref()))
            .or_else(|| purl.as_deref().and_then(purl_namespace));
        let version = clean(p.version_info.as_deref());
        let tag_id = purl
            .or_else(|| clean(p.spdx_id.as_deref()).map(|r| format!("{document}#{r}")))
            .unwrap_or_else(|| fallback_id(publisher.as_deref(), &name, version.as_deref()));
        out.facts.push(software(tag_id, publisher, name, version));
    }
    out
}

fn fallback_id(publisher: Option<&str>, name: &str, version: Option<&str>) -> String {
    format!(
        "{}/{name}@{}",
        publisher.unwrap_or("unknown"),
        version.unwrap_or("unknown")
    )
}
