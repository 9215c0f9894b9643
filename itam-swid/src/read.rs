//! Reading SWID tags from XML (roxmltree).

/// How forgiving the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ParseMode {
    /// Only the 2015 namespace; a missing required attribute is a [`ParseError`](crate::ParseError).
    #[default]
    Strict,
    /// Also 2014 drafts and no namespace; missing required attributes are read as empty.
    /// Every such deviation is reported as a finding.
    Lax,
}

/// Limits that bound the work and memory a hostile input can cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The largest input, in bytes (default 64 MiB).
    pub max_bytes: usize,
    /// The deepest element nesting (default 64).
    pub max_depth: usize,
    /// The most XML nodes (elements, attributes, text…) in one input (default 4 000 000).
    pub max_nodes: usize,
    /// The most attributes on one element (default 1024).
    pub max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 4_000_000,
            max_attributes: 1024,
        }
    }
}

/// Reader options: a mode and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReadOptions {
    /// Strict or lax.
    pub mode: ParseMode,
    /// Resource limits.
    pub limits: Limits,
}

impl ReadOptions {
    /// Strict mode, default limits.
    pub const STRICT: Self = Self {
        mode: ParseMode::Strict,
        limits: Limits {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 4_000_000,
            max_attributes: 1024,
        },
    };
    /// Lax mode, default limits.
    pub const LAX: Self = Self {
        mode: ParseMode::Lax,
        limits: Self::STRICT.limits,
    };
}
