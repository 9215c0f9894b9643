//! Every call this crate makes into the format crates' readers and importers, in one place:
//! [`tags::load`] (SWID XML, CoSWID, uSWID, the JSON form), [`ents::load`] (Ent XML, the JSON
//! form), [`cyclonedx`] (a BOM's `licensing` objects), [`optisam`] (acquired-rights CSV) and
//! `sbom` (the software of a CycloneDX or SPDX JSON SBOM, read as inventory).
//!
//! The rest of the crate sees only what these functions return, so a change of the format
//! crates' read signatures is adapted here.

pub mod ents;
pub(crate) mod sbom;
pub mod tags;

use itam_ent::{Ent, Entity};

/// Ents imported from another form, each with what could not be mapped.
pub type Imported = Vec<(Ent, Vec<String>)>;

/// The `licensing` objects of a CycloneDX BOM (JSON or XML, told by content, after an optional
/// UTF-8 byte-order mark) as Ents; `creator` receives the `entCreator` role.
///
/// # Errors
/// The bytes are not UTF-8, not a CycloneDX BOM, or hold no `licensing` object.
pub fn cyclonedx(bytes: &[u8], creator: &Entity) -> Result<Imported, String> {
    let text = utf8(bytes)?;
    let imported = itam_ent::cyclonedx::import(text, creator).map_err(|e| e.to_string())?;
    if imported.is_empty() {
        return Err("the bom holds no licensing object".into());
    }
    Ok(imported.into_iter().map(|i| (i.ent, i.notes)).collect())
}

/// The rows of an OpTISAM acquired-rights CSV as Ents; `creator` receives the `entCreator`
/// role.
///
/// # Errors
/// The bytes are not UTF-8, or the CSV is refused (no header, a required column missing, an
/// unclosed quote).
pub fn optisam(bytes: &[u8], creator: &Entity) -> Result<Imported, String> {
    let text = utf8(bytes)?;
    let imported = itam_ent::optisam::import_csv(text, creator).map_err(|e| e.to_string())?;
    Ok(imported.into_iter().map(|i| (i.ent, i.notes)).collect())
}

/// The text of a buffer, after an optional UTF-8 byte-order mark.
fn utf8(bytes: &[u8]) -> Result<&str, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not utf-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })
}
