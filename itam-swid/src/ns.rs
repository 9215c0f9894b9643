//! Namespace URIs the reader and writer know.

/// ISO/IEC 19770-2:2015 (final): the namespace the writer always uses.
pub const SWID_2015: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
/// The 2014 DIS draft (e.g. Labs64 swid-generator); read in lax mode.
pub const SWID_2014_DIS: &str = "http://standards.iso.org/iso/19770/-2/2014-DIS/schema.xsd";
/// The pre-DIS 2014 draft (`uniqueId` instead of `tagId`); read in lax mode.
pub const SWID_2014: &str = "http://standards.iso.org/iso/19770/-2/2014/schema.xsd";
/// ISO/IEC 19770-2:2009 (`software_identification_tag`); refused with a typed error.
pub const SWID_2009: &str = "http://standards.iso.org/iso/19770/-2/2009/schema.xsd";
/// The 2008 namespace seen in old readers; refused like 2009.
pub const SWID_2008: &str = "http://standards.iso.org/iso/19770/-2/2008/schema.xsd";
/// NISTIR 8060 extension attributes (prefix `n8060`).
pub const N8060: &str = "http://csrc.nist.gov/ns/swid/2015-extensions/1.0";
/// XML-DSig (prefix `ds`).
pub const XMLDSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The `xml:` namespace.
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
/// XML Schema instance (prefix `xsi`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
