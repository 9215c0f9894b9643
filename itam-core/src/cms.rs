//! The configuration management system: an in-memory store of configuration items changed only through authorized commands, with an append-only audit trail.
