//! CoSWID (RFC 9393): Concise Software Identification tags in CBOR, read into and written
//! from the same [`SoftwareIdentity`] model as SWID XML.
//!
//! ```
//! use itam_swid::coswid::{self, EncodeOptions, Envelope};
//! use itam_swid::{Entity, Role, SoftwareIdentity};
//!
//! let mut tag = SoftwareIdentity::new("Roadrunner", "example.acme.roadrunner-1-0-0");
//! tag.tag_version = Some(0i64.into());
//! tag.push(Entity::new("ACME Ltd", "acme.example", &[Role::TagCreator]));
//!
//! // The default is a bare map (what python-uswid and fwupd read) …
//! let encoded = coswid::encode(&tag, &EncodeOptions::default());
//! assert!(encoded.dropped.is_empty());
//! assert_eq!(encoded.bytes[0] & 0xe0, 0xa0); // a map
//! let decoded = coswid::decode(&encoded.bytes)?;
//! assert_eq!(decoded.tag, tag);
//! assert_eq!(decoded.options.envelope, Envelope::Untagged);
//!
//! // … and RFC 9393's tagged form is one option away.
//! let tagged = coswid::encode(&tag, &EncodeOptions::default().with_envelope(Envelope::Tagged));
//! assert_eq!(&tagged.bytes[..5], [0xda, 0x53, 0x57, 0x49, 0x44]); // tag 1398229316
//! assert_eq!(coswid::decode(&tagged.bytes)?.options.envelope, Envelope::Tagged);
//! # Ok::<(), itam_swid::coswid::CoswidError>(())
//! ```
//!
//! # Layers
//!
//! - [`cbor`]: a strict CBOR codec (RFC 8949) whose value tree keeps every encoding
//!   choice, so bytes re-encode exactly.
//! - [`keys`]: the integer key map and value codes (roles, rels, ownership, use, version
//!   schemes, hash algorithms) as data tables.
//! - [`uswid`]: the uSWID container that firmware tools wrap CoSWID tags in.
//! - [`cose`]: the COSE envelope of a signed CoSWID tag, kept verbatim.
//! - This module: CoSWID ↔ model ([`decode`], [`encode`]) and SWID XML ↔ CoSWID through the
//!   model (read the XML with [`crate::read()`], encode the model; decode, then write XML).
//!
//! # Signed CoSWID
//!
//! RFC 9393 §7 signs a CoSWID tag by making its encoding the payload (`bstr .cbor`) of a
//! `COSE_Sign1` (CBOR tag 18) or `COSE_Sign` (CBOR tag 98) structure of RFC 9052; §8 allows
//! the whole inside the CoSWID tag (`#6.1398229316(#6.18([…]))`). [`decode`] reads all of
//! these: [`Decoded::tag`] is the payload's tag, [`Decoded::options`] how the payload was
//! wrapped, and [`Decoded::signed`] the [`CoseEnvelope`] exactly as written (protected
//! header bytes, unprotected header map, signature or `COSE_Signature`s, every encoding
//! choice). **The signature is kept, not checked**: this crate has no cryptography, so
//! verify [`CoseEnvelope::payload`] with a COSE library before trusting the tag.
//!
//! [`Decoded::encode`] (or [`encode_signed`]) writes a signed tag back byte for byte when
//! the tag is unchanged, even when its payload was not in this crate's canonical form; a
//! changed tag is written as a new payload inside the same envelope, which its old
//! signature then no longer covers. A malformed envelope is a [`CoswidErrorKind::Cose`]
//! error with the byte offset of the offending item; a detached (`nil`) payload and a
//! payload that is itself signed are refused.
//!
//! ```
//! use itam_swid::coswid::{self, cbor::Value, CoseEnvelope, EncodeOptions};
//! use itam_swid::{Entity, Role, SoftwareIdentity};
//!
//! let mut tag = SoftwareIdentity::new("Roadrunner", "example.acme.roadrunner-1-0-0");
//! tag.push(Entity::new("ACME Ltd", "acme.example", &[Role::TagCreator]));
//! // {1: -7 (ES256)} as the protected header, a signature computed elsewhere.
//! let envelope = CoseEnvelope::sign1(vec![0xa1, 0x01, 0x26], Value::map(vec![]), vec![0; 64])?;
//! let signed = coswid::encode_signed(&tag, &EncodeOptions::default(), &envelope);
//! assert_eq!(signed.bytes[0], 0xd2); // tag 18
//!
//! let decoded = coswid::decode(&signed.bytes)?;
//! assert_eq!(decoded.tag, tag);
//! assert_eq!(decoded.signed.as_ref().map(|e| e.algorithm()), Some(Some(-7)));
//! assert_eq!(decoded.encode().bytes, signed.bytes);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The mapping
//!
//! Each CoSWID item goes to the model field RFC 9393 maps it to (`software-name` →
//! `name`, `media-type` → `Link/@type`, `fs-name` → `File/@name`, …). Value codes become
//! their SWID names (`role` 1 → `tagCreator`, `rel` 9 → `see-also`, `version-scheme`
//! 16384 → `semver`); an integer code the registry does not assign becomes its decimal
//! digits (`42`), and writes back as that integer. A 16-byte `tag-id` (or `generator`)
//! becomes the canonical lowercase UUID text; [`Decoded::options`] records the byte form
//! so that [`encode`] writes it back as 16 bytes (XML-born tags are written as text
//! unless [`EncodeOptions`] asks for bytes).
//! `date` (`#6.1(int)`) becomes an RFC 3339 UTC date-time (`2020-01-01T00:00:00Z`). File
//! hashes `[alg-id, bytes]` become `File::hashes` under the algorithm's XML namespace
//! (sha-256, sha-384, sha-512 and the four SHA-3; the value in lowercase hex), and an entity
//! `thumbprint` with alg-id 0 ("unknown", which RFC 9393 reserves for SWID conversion)
//! becomes the hex `thumbprint`.
//!
//! Written CoSWID uses preferred serialization, definite lengths, integer codes where the
//! registries have one, a bare map for one item and an array for several
//! (`one-or-more`), and the key order of the RFC's CDDL (`tag-id`, `tag-version`,
//! `corpus`, `patch`, `supplemental`, `software-name`, `software-version`,
//! `version-scheme`, `media`, `software-meta`, `entity`, `link`, `payload`, `evidence`, then
//! `lang`, then extensions; an extension that keeps an entry of a known key is written in
//! that key's place). This is also veraison/swid's order, so its test vectors re-encode
//! byte for byte, and encoding a decoded tag is a fixed point.
//!
//! ## Extensions: nothing is lost on decode
//!
//! A CoSWID entry without a typed home is kept as a model [`Attribute`], so that decoding
//! then encoding gives the same entries:
//!
//! - A text label with a text value becomes an attribute: an NCName label (`arch`) an
//!   unqualified one, a Clark-notation label (`{http://…}name`) a namespaced one. This is
//!   also how XML attributes the model has no field for (`xsi:schemaLocation`,
//!   `Meta/@arch`, TCG RIM attributes) travel to CoSWID and back.
//! - Everything else (integer labels such as the TCG RIM keys 58–72, private negative keys,
//!   values of an unexpected type such as HIRS's text `tag-version`, `evidence`'s
//!   `location`, hashes whose algorithm SWID XML has no namespace for) is kept whole as an
//!   attribute in [`EXTENSION_NS`] (prefix `coswid`): the local name is `_<n>` for integer
//!   label *n*, the label itself for an NCName text label, or `_k<hex>` for any other key
//!   (the hex of its exact CBOR encoding), and the value is the hex of the exact CBOR
//!   encoding of the entry's value.
//!
//! Decoding is lenient beyond that: a missing required item (HIRS writes an entity without
//! `entity-name`) leaves the model's field empty and adds an *absence marker*, an empty
//! [`EXTENSION_NS`] attribute `_<key>` (`coswid:_31=""`), so that writing leaves the item
//! out again (without a marker, required items are always written, empty if need be); a
//! repeated map key (HIRS writes `patch` twice; RFC 8949 §5.6 makes such a
//! map invalid) keeps its first occurrence in the typed field and every repeat as an
//! [`EXTENSION_NS`] attribute `_k<hex of key>.<n>`. Decoding fails only when the input is
//! not CBOR or not a map (inside the optional CoSWID tag, itself optionally around a byte
//! string).
//!
//! ## What cannot map
//!
//! SWID XML → CoSWID (each is reported in [`Encoded::dropped`] with its path, never
//! silently lost):
//! - foreign elements (`ds:Signature` and other namespaces), comments, processing
//!   instructions and text inside SWID elements: CoSWID has no element content (a signed
//!   CoSWID uses COSE instead of XML-DSig);
//! - `Meta` elements under `Entity`: a CoSWID entity has no meta;
//! - a second `Payload` or `Evidence` (CoSWID has at most one of each).
//!
//! SWID XML → CoSWID → SWID XML keeps the content but normalises (not reported):
//! - child order: `SoftwareIdentity` children come back grouped as Meta, Entity, Link,
//!   Payload, Evidence; resource collections as Directory, File, Process, Resource; a
//!   Directory's children as Directory, File (CoSWID groups items by key);
//! - lexical forms: booleans become `true`/`false`, integers lose leading zeros and `+`,
//!   a hash or thumbprint in hex comes back lowercase, `Evidence/@date` comes back as a UTC
//!   date-time without fractional seconds, and a vocabulary value made only of digits
//!   travels as an integer (`rel="42"`) unless the integer is a registered code
//!   (`role="1"` stays the text `"1"`, or it would come back as `tagCreator`);
//! - values CoSWID cannot type (a boolean that is not `xs:boolean`, an integer that is not
//!   `xs:integer`, a thumbprint that is not hex, a date with fractional seconds or not in
//!   RFC 3339) are written as text under their key and come back as [`EXTENSION_NS`]
//!   attributes, not in their field;
//! - namespace prefixes of extra attributes (CoSWID keeps the namespace only; known
//!   namespaces get their usual prefix back);
//! - of several file hashes, the first (by algorithm) with a CoSWID algorithm id travels as
//!   the `hash` entry, the others as text-labelled `{namespace}hash` entries.
//!
//! CoSWID → SWID XML: the COSE envelope of a signed tag ([`Decoded::signed`]) is outside the
//! model, so [`coswid_to_xml`] writes the payload's tag without it (XML-DSig would need a
//! new signature).
//!
//! CoSWID → model → CoSWID keeps every entry but normalises (not reported): key order
//! (as above), integer and length widths, indefinite lengths, a one-item array for a
//! `one-or-more` (written as the bare item), text names of registered codes (written as
//! codes), and the items of `path-elements`/resource collections regrouped by key.
//! Items SWID XML has no place for (`evidence`'s `location`, a `directory`'s
//! `path-elements` holding anything but directories and files, a non-zero thumbprint
//! algorithm) are the [`EXTENSION_NS`] attributes above: present in the model, and
//! written to XML as `coswid:` attributes.

pub mod cbor;
pub mod cose;
mod decode;
mod encode;
mod ext;
pub mod keys;
pub mod uswid;

pub use cose::{CoseEnvelope, CoseError, CoseErrorKind, CoseStructure};
pub use ext::{EXTENSION_NS, EXTENSION_PREFIX};
pub use keys::COSWID_TAG;

use crate::model::{Attribute, SoftwareIdentity};
use cbor::{DecodeError, Limits, Value};

/// How a CoSWID tag is wrapped (RFC 9393 §8; the byte-string form is HIRS's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Envelope {
    /// A bare `concise-swid-tag` map: the default, the form the tools of the field
    /// (python-uswid, fwupd, goswid) read and write.
    #[default]
    Untagged,
    /// `#6.1398229316(concise-swid-tag)`, the tagged form (starts `da 53 57 49 44`).
    Tagged,
    /// `#6.1398229316(bstr .cbor concise-swid-tag)`: the map encoded inside a byte string,
    /// as nsacyber/HIRS writes.
    TaggedBytes,
}

/// Choices for writing CoSWID that the model does not record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct EncodeOptions {
    /// How the tag is wrapped.
    pub envelope: Envelope,
    /// Write a `tag-id` that is a canonical lowercase UUID as a 16-byte string (RFC 9393
    /// allows either form; the default writes text, as SWID XML has it).
    pub tag_id_as_bytes: bool,
    /// Write a `generator` that is a canonical lowercase UUID as a 16-byte string.
    pub generator_as_bytes: bool,
}

impl EncodeOptions {
    /// These options with another envelope.
    #[must_use]
    pub const fn with_envelope(mut self, envelope: Envelope) -> Self {
        self.envelope = envelope;
        self
    }

    /// These options writing UUID tag-ids as 16 bytes or not.
    #[must_use]
    pub const fn with_tag_id_as_bytes(mut self, yes: bool) -> Self {
        self.tag_id_as_bytes = yes;
        self
    }

    /// These options writing UUID generators as 16 bytes or not.
    #[must_use]
    pub const fn with_generator_as_bytes(mut self, yes: bool) -> Self {
        self.generator_as_bytes = yes;
        self
    }
}

/// A decoded CoSWID tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The tag, in the SWID model.
    pub tag: SoftwareIdentity,
    /// The options that write the tag back the way it came: its envelope, and whether its
    /// `tag-id` and `generator` were 16-byte strings. For a signed tag, the envelope is the
    /// payload's (inside the COSE structure).
    pub options: EncodeOptions,
    /// For a signed tag (RFC 9393 §7), its COSE envelope, kept verbatim and **not
    /// verified**; [`encode_signed`] writes the tag back inside it.
    pub signed: Option<CoseEnvelope>,
}

/// The result of [`encode`]: the bytes, and what the model held that CoSWID cannot carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The CoSWID bytes.
    pub bytes: Vec<u8>,
    /// Content left out, with where it was. Empty for any model decoded from CoSWID.
    pub dropped: Vec<Dropped>,
}

/// Content of a model that CoSWID has no representation for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Where it was, as an XPath-like path (`/SoftwareIdentity/Entity[1]/Meta[2]`).
    pub path: String,
    /// What it was (`element {http://www.w3.org/2000/09/xmldsig#}Signature`).
    pub what: String,
}

/// Why bytes could not be decoded as a CoSWID tag, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at {path}")]
pub struct CoswidError {
    /// Where: `/` for the tag (nested maps never fail: what does not fit is kept as an
    /// extension), prefixed by the tag's position in a uSWID container (`/[2]`).
    pub path: String,
    /// What went wrong.
    pub kind: CoswidErrorKind,
}

/// What went wrong while decoding a CoSWID tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CoswidErrorKind {
    /// The bytes are not well-formed CBOR.
    #[error("invalid cbor: {0}")]
    Cbor(DecodeError),
    /// A map was expected.
    #[error("expected a map, found a {0}")]
    NotAMap(&'static str),
    /// The top level is tagged with a tag other than the CoSWID tag and the COSE signing
    /// tags 18 and 98 (or the payload of a signed tag is itself signed).
    #[error("cbor tag {0} is not the coswid tag 1398229316")]
    UnexpectedTag(u64),
    /// A COSE signing structure (tag 18 or 98) around the tag is malformed.
    #[error("{0}")]
    Cose(CoseError),
    /// The uSWID container could not be read.
    #[error("{0}")]
    Uswid(uswid::UswidError),
}

/// Decodes one CoSWID tag (untagged, tagged, or tagged around a byte string), signed or
/// not, with the default CBOR [`Limits`].
///
/// A signed tag (RFC 9393 §7: `#6.18` `COSE_Sign1` or `#6.98` `COSE_Sign`, optionally
/// inside the CoSWID tag) decodes to its payload's tag, with the envelope in
/// [`Decoded::signed`]. The signature is kept, not verified.
///
/// # Errors
/// [`CoswidError`] when the bytes are not one well-formed CBOR item holding a CoSWID map;
/// [`CoswidErrorKind::Cose`] (with the byte offset) when a COSE envelope is malformed.
pub fn decode(bytes: &[u8]) -> Result<Decoded, CoswidError> {
    decode_with(bytes, Limits::default())
}

/// Decodes one CoSWID tag with the given CBOR limits.
///
/// # Errors
/// As [`decode`].
pub fn decode_with(bytes: &[u8], limits: Limits) -> Result<Decoded, CoswidError> {
    let value = cbor::decode_with(bytes, limits).map_err(cbor_error)?;
    from_value_with(&value, limits)
}

/// Builds the model from a decoded CBOR value.
///
/// # Errors
/// As [`decode`].
pub fn from_value(value: &Value) -> Result<Decoded, CoswidError> {
    from_value_with(value, Limits::default())
}

fn from_value_with(value: &Value, limits: Limits) -> Result<Decoded, CoswidError> {
    let cose_error = |e| CoswidError {
        path: "/".into(),
        kind: CoswidErrorKind::Cose(e),
    };
    let Some((envelope, at)) = cose::unwrap(value).map_err(cose_error)? else {
        return unsigned(value, limits);
    };
    let payload = cbor::decode_with(envelope.payload(), limits).map_err(|e| {
        cose_error(CoseError {
            offset: envelope.payload_offset(at, e.offset),
            kind: CoseErrorKind::PayloadCbor(e.kind),
        })
    })?;
    let mut decoded = unsigned(&payload, limits)?;
    decoded.signed = Some(envelope);
    Ok(decoded)
}

/// An unsigned tag: a map, tagged or not, or a byte string holding one inside the tag.
fn unsigned(value: &Value, limits: Limits) -> Result<Decoded, CoswidError> {
    let inner;
    let (map, envelope) = match value {
        Value::Tag {
            tag: COSWID_TAG,
            item,
            ..
        } => match item.as_ref() {
            Value::Bytes { value: bytes, .. } => {
                inner = cbor::decode_with(bytes, limits).map_err(cbor_error)?;
                (&inner, Envelope::TaggedBytes)
            }
            map => (map, Envelope::Tagged),
        },
        Value::Tag { tag, .. } => {
            return Err(CoswidError {
                path: "/".into(),
                kind: CoswidErrorKind::UnexpectedTag(*tag),
            });
        }
        map => (map, Envelope::Untagged),
    };
    let tag = decode::identity(map)?;
    let (tag_id_as_bytes, generator_as_bytes) = decode::byte_forms(map);
    Ok(Decoded {
        tag,
        options: EncodeOptions {
            envelope,
            tag_id_as_bytes,
            generator_as_bytes,
        },
        signed: None,
    })
}

fn cbor_error(e: DecodeError) -> CoswidError {
    CoswidError {
        path: "/".into(),
        kind: CoswidErrorKind::Cbor(e),
    }
}

/// Decodes every CoSWID tag of a uSWID container (python-uswid, fwupd) that starts at the
/// first byte.
///
/// # Errors
/// [`CoswidErrorKind::Uswid`] when the container cannot be read (including a compressed
/// payload, which this crate cannot decompress), else as [`decode`] for the first tag that
/// fails (its path starts with its index, `/[2]`).
pub fn decode_uswid(bytes: &[u8]) -> Result<Vec<Decoded>, CoswidError> {
    let uswid_error = |e| CoswidError {
        path: "/".into(),
        kind: CoswidErrorKind::Uswid(e),
    };
    let container = uswid::Uswid::parse(bytes).map_err(uswid_error)?;
    let items = container.items(Limits::default()).map_err(uswid_error)?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            from_value(item).map_err(|e| CoswidError {
                path: format!("/[{}]{}", i + 1, e.path.trim_end_matches('/')),
                kind: e.kind,
            })
        })
        .collect()
}

/// How the tags of a [`decode_all`] input were put together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Framing {
    /// One CBOR item: one tag (untagged, tagged or signed).
    Single,
    /// A uSWID container (python-uswid, fwupd) holding a CBOR sequence of tags.
    Uswid,
    /// A CBOR array whose items are tags.
    Array,
    /// Several tags one after another (a CBOR sequence, RFC 8742), as python-uswid writes
    /// a `.cbor` file of several components.
    Sequence,
}

/// Every tag of an input that may hold several, with how they were framed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedAll {
    /// How the tags were put together.
    pub framing: Framing,
    /// The tags, in order.
    pub tags: Vec<Decoded>,
}

/// Decodes every CoSWID tag of `bytes`, whichever way the field frames several: a uSWID
/// container (starting at the first byte), a CBOR array of tags, tags concatenated as a
/// CBOR sequence, or a single tag. Each tag may be untagged, tagged or signed, as for
/// [`decode`]. The default CBOR [`Limits`] apply to the whole input and to each item.
///
/// A top-level CBOR array is read as a list of tags because a `concise-swid-tag` is a map,
/// never an array.
///
/// # Errors
/// As [`decode_uswid`] for a container; [`CoswidErrorKind::Cbor`] when the bytes are not a
/// CBOR sequence; else as [`decode`] for the first tag that fails, its path prefixed by its
/// position (`/[2]`) when there are several.
pub fn decode_all(bytes: &[u8]) -> Result<DecodedAll, CoswidError> {
    decode_all_with(bytes, Limits::default())
}

/// [`decode_all`] with the given CBOR limits (for the items; a uSWID container uses the
/// defaults, as [`decode_uswid`] does).
///
/// # Errors
/// As [`decode_all`].
pub fn decode_all_with(bytes: &[u8], limits: Limits) -> Result<DecodedAll, CoswidError> {
    if bytes.starts_with(&uswid::USWID_MAGIC) {
        return Ok(DecodedAll {
            framing: Framing::Uswid,
            tags: decode_uswid(bytes)?,
        });
    }
    let items = cbor::decode_sequence(bytes, limits).map_err(cbor_error)?;
    let (framing, items): (Framing, Vec<&Value>) = match items.as_slice() {
        [] => return Err(cbor_error(empty_input())),
        [Value::Array { items, .. }] => (Framing::Array, items.iter().collect()),
        [one] => (Framing::Single, vec![one]),
        several => (Framing::Sequence, several.iter().collect()),
    };
    let numbered = framing != Framing::Single;
    let tags = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            from_value_with(item, limits).map_err(|e| {
                if numbered {
                    CoswidError {
                        path: format!("/[{}]{}", i + 1, e.path.trim_end_matches('/')),
                        kind: e.kind,
                    }
                } else {
                    e
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DecodedAll { framing, tags })
}

/// The error for an empty input: it ends before its first item.
fn empty_input() -> DecodeError {
    DecodeError {
        offset: 0,
        kind: cbor::DecodeErrorKind::UnexpectedEnd,
    }
}

/// Encodes a tag as CoSWID.
#[must_use]
pub fn encode(tag: &SoftwareIdentity, options: &EncodeOptions) -> Encoded {
    let (value, dropped) = to_value(tag, options);
    let bytes = match options.envelope {
        Envelope::Untagged => value.encode(),
        Envelope::Tagged => Value::tag(COSWID_TAG, value).encode(),
        Envelope::TaggedBytes => Value::tag(COSWID_TAG, Value::bytes(value.encode())).encode(),
    };
    Encoded { bytes, dropped }
}

/// Encodes a tag as a signed CoSWID: the tag encoded as [`encode`] does, as the payload of
/// `envelope` (which keeps its headers and signature as they are: nothing is signed here).
///
/// When the tag and options are those decoded from the envelope's payload, the payload is
/// written exactly as it was read, so `encode_signed` of a [`decode`]d signed tag gives
/// back the input bytes and the signature still holds. A changed tag gets a new payload,
/// which the kept signature no longer covers: sign the new payload elsewhere and build an
/// envelope with [`CoseEnvelope::sign1`] or [`CoseEnvelope::sign`].
#[must_use]
pub fn encode_signed(
    tag: &SoftwareIdentity,
    options: &EncodeOptions,
    envelope: &CoseEnvelope,
) -> Encoded {
    let original = envelope.payload();
    let unchanged = !original.is_empty()
        && decode(original).is_ok_and(|d| d.tag == *tag && d.options == *options);
    if unchanged {
        return Encoded {
            bytes: envelope.wrap(original),
            dropped: Vec::new(),
        };
    }
    let encoded = encode(tag, options);
    Encoded {
        bytes: envelope.wrap(&encoded.bytes),
        dropped: encoded.dropped,
    }
}

impl Decoded {
    /// Writes the tag back as it came: inside its COSE envelope when it was signed
    /// ([`encode_signed`]), else as [`encode`] does.
    #[must_use]
    pub fn encode(&self) -> Encoded {
        match &self.signed {
            Some(envelope) => encode_signed(&self.tag, &self.options, envelope),
            None => encode(&self.tag, &self.options),
        }
    }
}

/// The tag as a CoSWID map value (the envelope in `options` is not applied), and what
/// could not be carried.
#[must_use]
pub fn to_value(tag: &SoftwareIdentity, options: &EncodeOptions) -> (Value, Vec<Dropped>) {
    let mut encoder = encode::Encoder::new(*options);
    let value = encoder.identity(tag);
    (value, encoder.dropped)
}

/// Why a SWID XML ↔ CoSWID conversion failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The XML could not be read.
    #[error("reading swid xml: {0}")]
    Read(crate::ParseError),
    /// The CoSWID could not be decoded.
    #[error("decoding coswid: {0}")]
    Decode(CoswidError),
    /// The model could not be written as XML.
    #[error("writing swid xml: {0}")]
    Write(crate::WriteError),
}

/// Converts one SWID XML tag to CoSWID through the model: [`crate::read::read`], then
/// [`encode`]. What CoSWID cannot carry is listed in [`Encoded::dropped`]; the reader's
/// findings (lax mode) are not returned: read the XML yourself to see them.
///
/// # Errors
/// [`ConvertError::Read`] when the XML cannot be read.
pub fn xml_to_coswid(
    xml: &str,
    read_options: &crate::read::ReadOptions,
    options: &EncodeOptions,
) -> Result<Encoded, ConvertError> {
    let parsed = crate::read::read_str(xml, read_options).map_err(ConvertError::Read)?;
    Ok(encode(&parsed.value, options))
}

/// Converts one CoSWID tag to SWID XML through the model: [`decode`], then
/// [`crate::write::write`]. CoSWID entries without an XML counterpart appear as
/// [`EXTENSION_NS`] attributes (prefix `coswid`); a signed tag's COSE envelope is left out.
///
/// # Errors
/// [`ConvertError::Decode`] when the bytes are not a CoSWID tag, [`ConvertError::Write`]
/// when the model cannot be written (text XML cannot carry, such as control characters).
pub fn coswid_to_xml(bytes: &[u8]) -> Result<String, ConvertError> {
    let decoded = decode(bytes).map_err(ConvertError::Decode)?;
    crate::write::write(&decoded.tag).map_err(ConvertError::Write)
}

/// The prefix a decoded attribute in `namespace` gets (CoSWID keeps namespaces, not
/// prefixes): the usual one for the namespaces this crate knows (`n8060`, `xsi`, `ds`,
/// `xml`, `coswid`, the hash algorithms' `sha256`…), else `None` (the XML writer binds one).
#[must_use]
pub fn attribute_prefix(namespace: &str) -> Option<&'static str> {
    ext::known_prefix(namespace)
}

/// Whether an attribute is one this module made to keep a CoSWID entry ([`EXTENSION_NS`]).
#[must_use]
pub fn is_extension(attribute: &Attribute) -> bool {
    attribute.name.namespace.as_deref() == Some(EXTENSION_NS)
}
