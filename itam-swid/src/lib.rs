#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub use itam_core;

pub mod coswid;
pub mod error;
pub mod generate;
pub mod model;
pub mod ns;
pub mod project;
pub mod read;
pub mod source;
pub mod validate;
pub mod write;

pub use error::{ParseError, WriteError};
pub use itam_xml::XmlError;
pub use model::{
    Attribute, Child, Directory, DirectoryChild, Entity, EntityChild, Evidence, File,
    ForeignElement, ForeignNode, HashAlgorithm, Hashes, Link, LinkTarget, Meta, NamespaceDecl,
    Ownership, PatchEvent, Payload, Process, QName, Rel, Resource, ResourceChild,
    ResourceCollection, Role, Roles, SmallString, SoftwareIdentity, SoftwareMeta, TagType,
    TypeFlags, TypePrecedence, Use, XmlBool, XmlInt,
};
pub use read::{ParseMode, ReadOptions, read, read_all, read_all_str, read_str, read_with};
pub use source::{Dialect, Parsed, SourceMap};
pub use write::{WriteOptions, write, write_with};
