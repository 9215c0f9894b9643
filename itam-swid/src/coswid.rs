//! CoSWID (RFC 9393): Concise Software Identification tags in CBOR.

pub mod cbor;
pub mod keys;
pub mod uswid;

pub use keys::COSWID_TAG;
