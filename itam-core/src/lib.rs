#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod asset;
pub mod change;
pub mod cms;
pub mod diag;
pub mod dml;
pub mod estate;
pub mod finance;
pub mod id;
pub mod lifecycle;
pub mod measure;
pub mod quality;
pub mod relationship;
pub mod terms;
pub mod trust;
pub mod version;

/// Exact decimal numbers for quantities and money (re-exported from `rust_decimal`).
pub use rust_decimal::Decimal;

pub use asset::{AssetClass, AssetKind, ConfigurationItem};
pub use cms::{Authorization, Cms, CmsError, Command};
pub use diag::{Finding, Location, Report, Severity, TextPos};
pub use id::{AssetId, EntId, RegId, TagId};
pub use version::{Version, VersionRange, VersionScheme};
