//! Python bindings of the itam crates: read, validate and write SWID, CoSWID and Ent, and
//! reconcile an estate in both modes. No file I/O: bytes and JSON text in, JSON text out; the
//! Python package `itam` (python/itam/__init__.py) turns the JSON into plain dicts and lists,
//! and the decisions into a pandas DataFrame or a pyarrow Table where those are installed.
//!
//! Every error is a Python `ValueError` whose message is the Rust typed error, with its
//! position.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use itam_reconcile::generate::{GenParams, Size, generate};
use itam_reconcile::itam_core::estate::Estate;
use itam_reconcile::{Mode, Policy, reconcile, reconcile_both};
use itam_swid::SoftwareIdentity;
use itam_swid::coswid::{self, EncodeOptions};
use itam_swid::read::{ReadOptions, read_all};

fn err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn json(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(err)
}

/// The SWID tags of an XML input (one or several documents), as the JSON form of the model.
#[pyfunction]
#[pyo3(signature = (data, lax = false))]
fn swid_read(data: &[u8], lax: bool) -> PyResult<String> {
    let options = if lax {
        ReadOptions::LAX
    } else {
        ReadOptions::STRICT
    };
    let tags: Vec<SoftwareIdentity> = read_all(data, &options)
        .map_err(err)?
        .into_iter()
        .map(|p| p.value)
        .collect();
    json(&tags)
}

/// The CoSWID tags of a CBOR input (untagged, tagged, COSE_Sign1, a uSWID container, an array
/// or a sequence of tags), as the JSON form of the model.
#[pyfunction]
fn coswid_read(data: &[u8]) -> PyResult<String> {
    let all = coswid::decode_all(data).map_err(err)?;
    let tags: Vec<&SoftwareIdentity> = all.tags.iter().map(|d| &d.tag).collect();
    json(&tags)
}

fn swid_profile(name: &str) -> PyResult<itam_swid::validate::Profile> {
    itam_swid::validate::Profile::ALL
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| err(format!("no SWID profile named {name:?}")))
}

/// The findings of a tag (the JSON form of one tag) under a profile, as a JSON report.
#[pyfunction]
#[pyo3(signature = (tag_json, profile = "iso-19770-2-2015"))]
fn swid_validate(tag_json: &str, profile: &str) -> PyResult<String> {
    let tag: SoftwareIdentity = serde_json::from_str(tag_json).map_err(err)?;
    json(&itam_swid::validate::validate(
        &tag,
        &swid_profile(profile)?,
    ))
}

/// The canonical SWID XML of a tag (its JSON form).
#[pyfunction]
fn swid_write(tag_json: &str) -> PyResult<String> {
    let tag: SoftwareIdentity = serde_json::from_str(tag_json).map_err(err)?;
    itam_swid::write::write(&tag).map_err(err)
}

/// The CoSWID (untagged CBOR, as the field's tools read it) of a tag (its JSON form).
#[pyfunction]
fn coswid_write<'py>(py: Python<'py>, tag_json: &str) -> PyResult<Bound<'py, PyBytes>> {
    let tag: SoftwareIdentity = serde_json::from_str(tag_json).map_err(err)?;
    let encoded = coswid::encode(&tag, &EncodeOptions::default());
    if let Some(d) = encoded.dropped.first() {
        return Err(err(format!("coswid cannot carry {} at {}", d.what, d.path)));
    }
    Ok(PyBytes::new(py, &encoded.bytes))
}

/// The Ent of an XML input, as the JSON form of the model.
#[pyfunction]
#[pyo3(signature = (data, lax = false))]
fn ent_read(data: &[u8], lax: bool) -> PyResult<String> {
    let options = if lax {
        itam_ent::ReadOptions::LAX
    } else {
        itam_ent::ReadOptions::STRICT
    };
    let parsed = itam_ent::read_with(data, &options).map_err(err)?;
    json(&parsed.value)
}

/// The findings of an Ent (its JSON form) under the reconstructed profile, as a JSON report.
#[pyfunction]
fn ent_validate(ent_json: &str) -> PyResult<String> {
    let ent: itam_ent::Ent = serde_json::from_str(ent_json).map_err(err)?;
    json(&itam_ent::validate(
        &ent,
        itam_ent::Profile::reconstructed(),
    ))
}

/// The canonical XML of an Ent (its JSON form).
#[pyfunction]
fn ent_write(ent_json: &str) -> PyResult<String> {
    let ent: itam_ent::Ent = serde_json::from_str(ent_json).map_err(err)?;
    itam_ent::write(&ent).map_err(err)
}

/// The effective license position of an estate (`estate.json` text) on `as_of`
/// (`YYYY-MM-DD`): `mode` `priority` or `optimal` gives `position.json`; `both` gives
/// `{"priority", "optimal", "gap"}`.
#[pyfunction]
#[pyo3(signature = (estate_json, as_of, mode = "both"))]
fn reconcile_estate(estate_json: &str, as_of: &str, mode: &str) -> PyResult<String> {
    let estate: Estate = serde_json::from_str(estate_json).map_err(err)?;
    let date = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d").map_err(err)?;
    let mut policy = Policy::new(date);
    match mode {
        "both" => json(&reconcile_both(&estate, &policy).map_err(err)?),
        "priority" | "optimal" => {
            policy.mode = if mode == "priority" {
                Mode::Priority
            } else {
                Mode::Optimal
            };
            json(&reconcile(&estate, &policy).map_err(err)?)
        }
        other => Err(err(format!("mode {other:?}: priority, optimal or both"))),
    }
}

/// A deterministic synthetic estate (`estate.json` text) of a named size (`S`, `M`, `L`,
/// `XL`), or with `devices` devices, from `seed`.
#[pyfunction]
#[pyo3(signature = (size = "S", seed = 42, devices = None))]
fn generate_estate(size: &str, seed: u64, devices: Option<usize>) -> PyResult<String> {
    let size = match size {
        "S" => Size::S,
        "M" => Size::M,
        "L" => Size::L,
        "XL" => Size::XL,
        other => return Err(err(format!("size {other:?}: S, M, L or XL"))),
    };
    let mut params = GenParams::size(size, seed);
    if let Some(n) = devices {
        params.devices = n;
        params.users = n / 2;
    }
    json(&generate(&params))
}

/// The native module `itam._itam`.
#[pymodule]
fn _itam(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(swid_read, m)?)?;
    m.add_function(wrap_pyfunction!(coswid_read, m)?)?;
    m.add_function(wrap_pyfunction!(swid_validate, m)?)?;
    m.add_function(wrap_pyfunction!(swid_write, m)?)?;
    m.add_function(wrap_pyfunction!(coswid_write, m)?)?;
    m.add_function(wrap_pyfunction!(ent_read, m)?)?;
    m.add_function(wrap_pyfunction!(ent_validate, m)?)?;
    m.add_function(wrap_pyfunction!(ent_write, m)?)?;
    m.add_function(wrap_pyfunction!(reconcile_estate, m)?)?;
    m.add_function(wrap_pyfunction!(generate_estate, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
