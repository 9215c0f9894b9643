//! [`Parsed`]: what both readers return — the model, where its parts stood, and what the
//! reader noticed but could read past.

use itam_core::Finding;

/// A value read from text, with its source map and the reader's findings
/// (`itam_swid::Parsed<T>` and `itam_ent::Parsed<T>` are this with each format's
/// source map).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T, M> {
    /// The model.
    pub value: T,
    /// Where the value's elements and attributes stood in the text, by path.
    pub source_map: M,
    /// What the reader noticed but could read past (a draft namespace, a required attribute
    /// missing in lax mode…); rule ids start with `READ-`.
    pub findings: Vec<Finding>,
}

impl<T, M> Parsed<T, M> {
    /// The model alone.
    #[must_use]
    pub fn into_value(self) -> T {
        self.value
    }

    /// The same positions and findings over another value.
    #[must_use]
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Parsed<U, M> {
        Parsed {
            value: f(self.value),
            source_map: self.source_map,
            findings: self.findings,
        }
    }
}
