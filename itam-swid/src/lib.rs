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
pub use model::{
    Attribute, Child, Directory, DirectoryChild, Entity, EntityChild, Evidence, File,
    ForeignElement, ForeignNode, HashAlgorithm, Hashes, Link, LinkTarget, Meta, NamespaceDecl,
    Ownership, PatchEvent, Payload, Process, QName, Rel, Resource, ResourceChild,
    ResourceCollection, Role, Roles, SmallString, SoftwareIdentity, SoftwareMeta, TagType,
    TypeFlags, TypePrecedence, Use, XmlBool, XmlInt,
};
pub use source::{Dialect, Parsed, SourceMap};
