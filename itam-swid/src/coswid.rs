//! CoSWID (RFC 9393): Concise Software Identification tags in CBOR.

pub mod cbor;
