//! The definitive media library and the definitive hardware spares.
