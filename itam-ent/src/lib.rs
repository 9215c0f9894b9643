#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod cyclonedx;
pub mod model;
pub mod naming;
pub mod ops;
pub mod optisam;
pub mod profile;
pub mod project;
pub mod purchase;
pub mod read;
pub mod resolve;
pub mod validate;
pub mod values;
pub mod write;
pub mod xml;

pub use itam_core;
pub use itam_xml::XmlError;
pub use model::{
    Contract, Ent, EntMeta, Entity, InvoiceData, Limit, LimitTime, Link, LinkContent, Meta, Metric,
    OrderInfo, Quantification, Right, TestMethod, ValidVersion,
};
pub use profile::Profile;
pub use read::{Mode, ParseError, Parsed, ReadOptions, SourceMap, read, read_str, read_with};
pub use resolve::{Effective, Resolution, resolve};
pub use validate::{RULES, Rule, validate, validate_with_source};
pub use write::{WriteError, WriteOptions, write, write_with};
