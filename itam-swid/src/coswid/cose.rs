//! Signed CoSWID (RFC 9393 §7): a CoSWID tag as the payload of a `COSE_Sign1` (CBOR tag
//! 18) or `COSE_Sign` (CBOR tag 98) structure (RFC 9052 §4), the whole optionally inside
//! the CoSWID tag 1398229316 (RFC 9393 §8).
//!
//! The envelope is kept, not checked: this crate has no cryptography, so a signature is
//! neither verified nor computed. [`CoseEnvelope`] holds the structure exactly as it was
//! written (protected header bytes, unprotected header map, signature or signatures, every
//! CBOR encoding choice), so that writing it back around an unchanged payload gives the
//! same bytes and the signature stays valid for whoever verifies it.

use super::cbor::{self, DecodeErrorKind, Len, StrEncoding, Value};
use super::keys::COSWID_TAG;

/// CBOR tag of a `COSE_Sign1` structure (RFC 9052 §4.2).
pub const COSE_SIGN1_TAG: u64 = 18;
/// CBOR tag of a `COSE_Sign` structure (RFC 9052 §4.1).
pub const COSE_SIGN_TAG: u64 = 98;
/// The content type RFC 9393 §7 puts in the protected header (label 3) of a signed CoSWID.
pub const SWID_CBOR_CONTENT_TYPE: &str = "application/swid+cbor";

/// Which COSE signing structure wraps the tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoseStructure {
    /// `COSE_Sign1` (tag 18): one signature, a byte string.
    Sign1,
    /// `COSE_Sign` (tag 98): an array of `COSE_Signature` (one per signer).
    Sign,
}

impl CoseStructure {
    /// The CBOR tag number of the structure.
    #[must_use]
    pub const fn tag(self) -> u64 {
        match self {
            Self::Sign1 => COSE_SIGN1_TAG,
            Self::Sign => COSE_SIGN_TAG,
        }
    }

    /// The structure's name in RFC 9052 (`COSE_Sign1`, `COSE_Sign`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sign1 => "COSE_Sign1",
            Self::Sign => "COSE_Sign",
        }
    }
}

/// The COSE envelope of a signed CoSWID tag, kept verbatim (the signature is kept, not
/// verified).
///
/// Built by [`super::decode`] from a signed tag, or by [`CoseEnvelope::sign1`] /
/// [`CoseEnvelope::sign`] from parts computed elsewhere; written around a payload by
/// [`super::encode_signed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoseEnvelope {
    structure: CoseStructure,
    coswid_tagged: bool,
    /// The tagged structure: `#6.18([protected, unprotected, payload, signature])` or
    /// `#6.98(…)`, with every encoding choice as read.
    value: Value,
    /// The protected header decoded (an empty map for an empty byte string).
    protected_header: Value,
}

/// The parts of a `COSE_Signature` (one signer of a `COSE_Sign`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoseSignature<'a> {
    /// The signer's protected header, as the bytes that were signed.
    pub protected: &'a [u8],
    /// The signer's unprotected header map.
    pub unprotected: &'a Value,
    /// The signature bytes.
    pub signature: &'a [u8],
}

impl CoseSignature<'_> {
    /// The header parameter `label` (an integer label) of this signer, looked up in its
    /// protected header first (decoded; `None` if it is not a CBOR map), then in its
    /// unprotected one.
    #[must_use]
    pub fn header(&self, label: i64) -> Option<Value> {
        let find = |map: &Value| {
            map.as_map()?
                .iter()
                .find(|(k, _)| k.as_i64() == Some(label))
                .map(|(_, v)| v.clone())
        };
        cbor::decode(self.protected)
            .ok()
            .and_then(|p| find(&p))
            .or_else(|| find(self.unprotected))
    }

    /// The signer's algorithm (header label 1), such as -7 (ES256).
    #[must_use]
    pub fn algorithm(&self) -> Option<i64> {
        self.header(1).as_ref().and_then(Value::as_i64)
    }
}

impl CoseEnvelope {
    /// A `COSE_Sign1` envelope from its parts: the protected header's bytes (empty, or a
    /// serialized map), the unprotected header map and the signature. The payload slot is
    /// empty until [`super::encode_signed`] fills it.
    ///
    /// # Errors
    /// [`CoseError`] (offsets into the envelope as it would be written with an empty
    /// payload) when `protected` is not empty and not a CBOR map, or `unprotected` is not
    /// a map.
    pub fn sign1(
        protected: Vec<u8>,
        unprotected: Value,
        signature: Vec<u8>,
    ) -> Result<Self, CoseError> {
        Self::build(
            CoseStructure::Sign1,
            protected,
            unprotected,
            Value::bytes(signature),
        )
    }

    /// A `COSE_Sign` envelope from its parts; `signatures` is the array of
    /// `COSE_Signature` (`[protected bstr, unprotected map, signature bstr]` each).
    ///
    /// # Errors
    /// As [`CoseEnvelope::sign1`], and when `signatures` is not such an array.
    pub fn sign(
        protected: Vec<u8>,
        unprotected: Value,
        signatures: Value,
    ) -> Result<Self, CoseError> {
        Self::build(CoseStructure::Sign, protected, unprotected, signatures)
    }

    fn build(
        structure: CoseStructure,
        protected: Vec<u8>,
        unprotected: Value,
        signature: Value,
    ) -> Result<Self, CoseError> {
        let value = Value::tag(
            structure.tag(),
            Value::array(vec![
                Value::bytes(protected),
                unprotected,
                Value::bytes(Vec::new()),
                signature,
            ]),
        );
        match unwrap(&value)? {
            Some((envelope, _)) => Ok(envelope),
            None => Err(CoseError {
                offset: 0,
                kind: CoseErrorKind::NotAnArray("tag"),
            }),
        }
    }

    /// The structure (`COSE_Sign1` or `COSE_Sign`).
    #[must_use]
    pub const fn structure(&self) -> CoseStructure {
        self.structure
    }

    /// Whether the COSE structure was itself inside the CoSWID tag 1398229316
    /// (`#6.1398229316(#6.18([…]))`, RFC 9393 §8).
    #[must_use]
    pub const fn is_coswid_tagged(&self) -> bool {
        self.coswid_tagged
    }

    /// This envelope inside the CoSWID tag or not.
    #[must_use]
    pub fn with_coswid_tag(mut self, yes: bool) -> Self {
        self.coswid_tagged = yes;
        self
    }

    fn item(&self, index: usize) -> Option<&Value> {
        match &self.value {
            Value::Tag { item, .. } => item.as_array()?.get(index),
            _ => None,
        }
    }

    /// The protected header exactly as signed: empty, or a serialized CBOR map.
    #[must_use]
    pub fn protected(&self) -> &[u8] {
        self.item(0).and_then(Value::as_bytes).unwrap_or_default()
    }

    /// The protected header decoded (an empty map when [`Self::protected`] is empty).
    #[must_use]
    pub const fn protected_header(&self) -> &Value {
        &self.protected_header
    }

    /// The unprotected header map.
    #[must_use]
    pub fn unprotected(&self) -> &Value {
        self.item(1).unwrap_or(&self.protected_header)
    }

    /// The payload as it was signed: the encoded CoSWID tag (empty in an envelope built
    /// from parts).
    #[must_use]
    pub fn payload(&self) -> &[u8] {
        self.item(2).and_then(Value::as_bytes).unwrap_or_default()
    }

    /// The input offset of byte `inner` of the payload, for a payload byte string that
    /// starts at `start`.
    pub(crate) fn payload_offset(&self, start: usize, inner: usize) -> usize {
        self.item(2)
            .map_or(start, |payload| offset_inside(payload, start, inner))
    }

    /// The signature bytes of a `COSE_Sign1` (`None` for a `COSE_Sign`).
    #[must_use]
    pub fn signature(&self) -> Option<&[u8]> {
        match self.structure {
            CoseStructure::Sign1 => self.item(3).and_then(Value::as_bytes),
            CoseStructure::Sign => None,
        }
    }

    /// The signers: one for a `COSE_Sign1` (its protected and unprotected headers are the
    /// structure's), each `COSE_Signature` of a `COSE_Sign`.
    #[must_use]
    pub fn signatures(&self) -> Vec<CoseSignature<'_>> {
        match self.structure {
            CoseStructure::Sign1 => vec![CoseSignature {
                protected: self.protected(),
                unprotected: self.unprotected(),
                signature: self.signature().unwrap_or_default(),
            }],
            CoseStructure::Sign => self
                .item(3)
                .and_then(Value::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(|s| match s.as_array()? {
                    [protected, unprotected, signature] => Some(CoseSignature {
                        protected: protected.as_bytes()?,
                        unprotected,
                        signature: signature.as_bytes()?,
                    }),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The header parameter `label` (an integer label), looked up in the protected header
    /// first, then in the unprotected one.
    #[must_use]
    pub fn header(&self, label: i64) -> Option<&Value> {
        [&self.protected_header, self.unprotected()]
            .into_iter()
            .filter_map(Value::as_map)
            .flat_map(<[_]>::iter)
            .find(|(k, _)| k.as_i64() == Some(label))
            .map(|(_, v)| v)
    }

    /// The signing algorithm (header label 1): a COSE algorithm id such as -7 (ES256).
    #[must_use]
    pub fn algorithm(&self) -> Option<i64> {
        self.header(1).and_then(Value::as_i64)
    }

    /// The content type (header label 3) when it is text; RFC 9393 §7 asks for
    /// [`SWID_CBOR_CONTENT_TYPE`].
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        self.header(3).and_then(Value::as_text)
    }

    /// The envelope written around `payload` (the encoded CoSWID tag). When `payload` is
    /// the one the envelope was read with, the bytes are those read.
    #[must_use]
    pub fn wrap(&self, payload: &[u8]) -> Vec<u8> {
        let mut value = self.value.clone();
        if let Value::Tag { item, .. } = &mut value {
            if let Value::Array { items, .. } = item.as_mut() {
                if let Some(slot) = items.get_mut(2) {
                    if slot.as_bytes() != Some(payload) {
                        *slot = Value::bytes(payload.to_vec());
                    }
                }
            }
        }
        if self.coswid_tagged {
            value = Value::tag(COSWID_TAG, value);
        }
        value.encode()
    }
}

/// Why a COSE envelope around a CoSWID tag is malformed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed cose envelope at byte {offset}: {kind}")]
pub struct CoseError {
    /// Offset of the offending item from the start of the input (for a problem inside the
    /// protected header or the payload, of the byte inside that byte string's content; for
    /// a chunked byte string, of the byte string).
    pub offset: usize,
    /// What is wrong.
    pub kind: CoseErrorKind,
}

/// What is wrong with a COSE envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CoseErrorKind {
    /// The tagged item is not an array.
    #[error("the signing structure is a {0}, not an array")]
    NotAnArray(&'static str),
    /// The array does not have the four items `[protected, unprotected, payload,
    /// signature]`.
    #[error("the signing structure has {0} items, not 4")]
    ItemCount(usize),
    /// The protected header is not a byte string.
    #[error("the protected header is a {0}, not a byte string")]
    ProtectedNotBytes(&'static str),
    /// The protected header's bytes are not one CBOR item ([`CoseError::offset`] points at
    /// the offending byte inside them).
    #[error("the protected header is not cbor: {0}")]
    ProtectedCbor(DecodeErrorKind),
    /// The protected header's bytes hold something other than a map.
    #[error("the protected header holds a {0}, not a map")]
    ProtectedNotMap(&'static str),
    /// The unprotected header is not a map.
    #[error("the unprotected header is a {0}, not a map")]
    UnprotectedNotMap(&'static str),
    /// The payload is `nil`: a detached payload, with no tag to decode.
    #[error("the payload is detached (nil): there is no tag to decode")]
    DetachedPayload,
    /// The payload is not a byte string.
    #[error("the payload is a {0}, not a byte string")]
    PayloadNotBytes(&'static str),
    /// The payload's bytes are not one CBOR item ([`CoseError::offset`] points at the
    /// offending byte inside them).
    #[error("the payload is not cbor: {0}")]
    PayloadCbor(DecodeErrorKind),
    /// The signature of a `COSE_Sign1` is not a byte string.
    #[error("the signature is a {0}, not a byte string")]
    SignatureNotBytes(&'static str),
    /// The signatures of a `COSE_Sign` are not an array.
    #[error("the signatures are a {0}, not an array")]
    SignaturesNotArray(&'static str),
    /// A `COSE_Signature` is not `[protected bstr, unprotected map, signature bstr]`.
    #[error("signature {index} is not [protected bstr, unprotected map, signature bstr]")]
    BadSignature {
        /// Its position among the signatures, from 1.
        index: usize,
    },
}

/// The offset of byte `inner` of a byte string's content, for a byte string that starts at
/// `start`: inside a definite-length string, that byte; in a chunked one (whose content is
/// not contiguous), the string's start.
pub(crate) fn offset_inside(string: &Value, start: usize, inner: usize) -> usize {
    match string {
        Value::Bytes {
            encoding: StrEncoding::Definite(_),
            ..
        } => start + head_len(string) + inner,
        _ => start,
    }
}

/// Length of an item's head (initial byte and argument), for offsets.
fn head_len(value: &Value) -> usize {
    match value {
        Value::Tag { width, .. } => 1 + width.extra_bytes(),
        Value::Array { len, .. } | Value::Map { len, .. } => match len {
            Len::Definite(width) => 1 + width.extra_bytes(),
            Len::Indefinite => 1,
        },
        Value::Bytes { encoding, .. } | Value::Text { encoding, .. } => match encoding {
            StrEncoding::Definite(width) => 1 + width.extra_bytes(),
            // Chunked: offsets inside the content point at the string itself.
            StrEncoding::Indefinite(_) => 0,
        },
        _ => 1,
    }
}

fn encoded_len(value: &Value) -> usize {
    let mut out = Vec::new();
    value.encode_into(&mut out);
    out.len()
}

/// Recognises a signed CoSWID: `#6.18([…])`, `#6.98([…])`, or either inside the CoSWID
/// tag. Returns the envelope and the offset of the payload byte string; `None` when `value`
/// is not a COSE signing structure (an unsigned tag, or anything else).
///
/// # Errors
/// [`CoseError`] when the structure is recognised by its tag but malformed.
pub(crate) fn unwrap(value: &Value) -> Result<Option<(CoseEnvelope, usize)>, CoseError> {
    let (cose, mut offset, coswid_tagged) = match value {
        Value::Tag {
            tag: COSWID_TAG,
            item,
            ..
        } if matches!(
            item.as_ref(),
            Value::Tag {
                tag: COSE_SIGN1_TAG | COSE_SIGN_TAG,
                ..
            }
        ) =>
        {
            (item.as_ref(), head_len(value), true)
        }
        _ => (value, 0, false),
    };
    let (structure, item) = match cose {
        Value::Tag {
            tag: COSE_SIGN1_TAG,
            item,
            ..
        } => (CoseStructure::Sign1, item.as_ref()),
        Value::Tag {
            tag: COSE_SIGN_TAG,
            item,
            ..
        } => (CoseStructure::Sign, item.as_ref()),
        _ => return Ok(None),
    };
    offset += head_len(cose);
    let fail = |offset, kind| Err(CoseError { offset, kind });
    let Value::Array { items, .. } = item else {
        return fail(offset, CoseErrorKind::NotAnArray(item.type_name()));
    };
    let [protected, unprotected, payload, signature] = items.as_slice() else {
        return fail(offset, CoseErrorKind::ItemCount(items.len()));
    };
    offset += head_len(item);

    let Some(protected_bytes) = protected.as_bytes() else {
        return fail(
            offset,
            CoseErrorKind::ProtectedNotBytes(protected.type_name()),
        );
    };
    let protected_header = if protected_bytes.is_empty() {
        Value::map(Vec::new())
    } else {
        match cbor::decode(protected_bytes) {
            Ok(map @ Value::Map { .. }) => map,
            Ok(other) => {
                return fail(
                    offset_inside(protected, offset, 0),
                    CoseErrorKind::ProtectedNotMap(other.type_name()),
                );
            }
            Err(e) => {
                return fail(
                    offset_inside(protected, offset, e.offset),
                    CoseErrorKind::ProtectedCbor(e.kind),
                );
            }
        }
    };
    offset += encoded_len(protected);

    if !matches!(unprotected, Value::Map { .. }) {
        return fail(
            offset,
            CoseErrorKind::UnprotectedNotMap(unprotected.type_name()),
        );
    }
    offset += encoded_len(unprotected);

    let payload_offset = match payload {
        Value::Bytes { .. } => offset,
        Value::Null => return fail(offset, CoseErrorKind::DetachedPayload),
        other => return fail(offset, CoseErrorKind::PayloadNotBytes(other.type_name())),
    };
    offset += encoded_len(payload);

    match structure {
        CoseStructure::Sign1 => {
            if !matches!(signature, Value::Bytes { .. }) {
                return fail(
                    offset,
                    CoseErrorKind::SignatureNotBytes(signature.type_name()),
                );
            }
        }
        CoseStructure::Sign => {
            let Value::Array { items: signers, .. } = signature else {
                return fail(
                    offset,
                    CoseErrorKind::SignaturesNotArray(signature.type_name()),
                );
            };
            let mut at = offset + head_len(signature);
            for (i, signer) in signers.iter().enumerate() {
                let well_formed = matches!(
                    signer.as_array(),
                    Some([Value::Bytes { .. }, Value::Map { .. }, Value::Bytes { .. }])
                );
                if !well_formed {
                    return fail(at, CoseErrorKind::BadSignature { index: i + 1 });
                }
                at += encoded_len(signer);
            }
        }
    }
    Ok(Some((
        CoseEnvelope {
            structure,
            coswid_tagged,
            value: cose.clone(),
            protected_header,
        },
        payload_offset,
    )))
}
