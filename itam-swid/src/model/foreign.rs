//! Content from outside the SWID schema, kept verbatim: attributes and elements of other
//! namespaces (`ds:Signature`, vendor extensions), unknown attributes without a namespace,
//! comments, processing instructions and text inside SWID elements.

/// An expanded XML name plus the prefix the document used for it (the one type of
/// [`itam_xml::name::QName`], shared with `itam-ent`). In
/// [`SourceMap`](crate::SourceMap) paths, foreign no-namespace names are written `{}local`,
/// so that they never look like SWID element names.
pub use itam_xml::name::QName;

/// A namespace declaration ([`itam_xml::name::NamespaceDecl`]).
pub use itam_xml::name::NamespaceDecl;

/// An attribute that the SWID model has no field for ([`itam_xml::foreign::Attribute`]).
pub use itam_xml::foreign::Attribute;

/// An element from outside the SWID schema, with its whole subtree
/// ([`itam_xml::foreign::Element`], the one tree of both format crates). The reader makes each
/// foreign subtree self-contained: the namespace declarations it relies on that were made on
/// a SWID ancestor are added to its root's `namespaces`.
pub use itam_xml::foreign::Element as ForeignElement;

/// A node of foreign content, or a non-element node inside a SWID element
/// ([`itam_xml::foreign::Node`]).
pub use itam_xml::foreign::Node as ForeignNode;
