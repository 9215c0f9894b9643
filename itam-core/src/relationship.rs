//! Typed relationships between configuration items.
