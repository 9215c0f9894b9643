//! How CoSWID map entries without a typed home in the SWID model are kept as model
//! attributes, and back (see the module docs of [`crate::coswid`], "Extensions").

use super::cbor::{self, Limits, StrEncoding, Value};
use crate::model::{Attribute, QName};
use crate::ns;

/// Namespace of the attributes that carry CoSWID entries the SWID model has no field for.
/// The host `.invalid` (RFC 6761) never resolves; it names this crate's convention only.
pub const EXTENSION_NS: &str = "http://itam.invalid/ns/coswid";

/// The prefix used for [`EXTENSION_NS`].
pub const EXTENSION_PREFIX: &str = "coswid";

/// Whether `s` is a conservative XML NCName (ASCII letters, digits, `.`, `-`, `_`, not
/// starting with a digit, `.` or `-`).
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The local name that stands for a map key in [`EXTENSION_NS`]:
/// `_<n>` for an integer in preferred encoding, the text itself for an NCName text label
/// (in preferred encoding, not starting with `_`), and `_k<hex of the exact key bytes>`
/// for anything else.
pub(crate) fn key_to_local(key: &Value) -> String {
    match key {
        Value::Unsigned { .. } | Value::Negative { .. } if key.is_preferred() => {
            format!("_{}", key.as_int().unwrap_or_default())
        }
        Value::Text { value, encoding }
            if is_ncname(value)
                && !value.starts_with('_')
                && *encoding == StrEncoding::preferred(value.len()) =>
        {
            value.clone()
        }
        _ => format!("_k{}", hex(&key.encode())),
    }
}

/// The map key a local name in [`EXTENSION_NS`] stands for (the inverse of
/// [`key_to_local`]); `None` when the name follows none of its forms.
pub(crate) fn local_to_key(local: &str) -> Option<Value> {
    if let Some(h) = local.strip_prefix("_k") {
        // A repeated key carries `.<n>` after the hex.
        let h = match h.split_once('.') {
            Some((h, n)) if n.parse::<usize>().is_ok_and(|n| n >= 2) => h,
            Some(_) => return None,
            None => h,
        };
        return cbor::decode_with(&unhex(h)?, Limits::default()).ok();
    }
    if let Some(n) = local.strip_prefix('_') {
        let n: i128 = n.parse().ok()?;
        return int_value(n).filter(|v| format!("_{}", v.as_int().unwrap_or_default()) == local);
    }
    is_ncname(local).then(|| Value::text(local))
}

/// An integer as a CBOR value in preferred encoding, if CBOR can hold it.
pub(crate) fn int_value(n: i128) -> Option<Value> {
    if n >= 0 {
        u64::try_from(n).ok().map(Value::uint)
    } else {
        u64::try_from(-1 - n).ok().map(|arg| Value::Negative {
            arg,
            width: cbor::Width::preferred(arg),
        })
    }
}

/// The attribute that keeps a whole entry: `{EXTENSION_NS}<local for key>="<hex of value>"`.
pub(crate) fn raw_attribute(key: &Value, value: &Value) -> Attribute {
    Attribute::new(
        QName::qualified(EXTENSION_NS, Some(EXTENSION_PREFIX), key_to_local(key)),
        hex(&value.encode()),
    )
}

/// The attribute that keeps the `n`-th occurrence (n ≥ 2) of a repeated key:
/// `{EXTENSION_NS}_k<hex of key>.<n>`.
pub(crate) fn repeated_attribute(key: &Value, value: &Value, n: usize) -> Attribute {
    Attribute::new(
        QName::qualified(
            EXTENSION_NS,
            Some(EXTENSION_PREFIX),
            format!("_k{}.{n}", hex(&key.encode())),
        ),
        hex(&value.encode()),
    )
}

/// Whether `a` keeps a repeat of a map key (see [`repeated_attribute`]).
pub(crate) fn is_repeat(a: &Attribute) -> bool {
    a.name.namespace.as_deref() == Some(EXTENSION_NS)
        && a.name
            .local
            .strip_prefix("_k")
            .and_then(|h| h.split_once('.'))
            .is_some_and(|(_, n)| n.parse::<usize>().is_ok_and(|n| n >= 2))
}

/// The absence marker for required item `key`: an empty `{EXTENSION_NS}_<key>`.
pub(crate) fn absent_attribute(key: i64) -> Attribute {
    Attribute::new(
        QName::qualified(EXTENSION_NS, Some(EXTENSION_PREFIX), format!("_{key}")),
        "",
    )
}

/// The key an absence marker stands for.
pub(crate) fn absent_key(a: &Attribute) -> Option<i128> {
    if a.name.namespace.as_deref() != Some(EXTENSION_NS) || !a.value.is_empty() {
        return None;
    }
    local_to_key(&a.name.local)?.as_int()
}

/// The entry an [`EXTENSION_NS`] attribute keeps, when its name and value are well formed.
pub(crate) fn raw_entry(local: &str, value: &str) -> Option<(Value, Value)> {
    let key = local_to_key(local)?;
    let value = cbor::decode_with(&unhex(value)?, Limits::default()).ok()?;
    Some((key, value))
}

/// The prefix a decoded namespaced attribute gets: the usual one for namespaces this
/// crate knows, else none (the XML writer binds one).
pub(crate) fn known_prefix(namespace: &str) -> Option<&'static str> {
    match namespace {
        ns::N8060 => Some("n8060"),
        ns::XSI => Some("xsi"),
        ns::XMLDSIG => Some("ds"),
        ns::XML => Some("xml"),
        EXTENSION_NS => Some(EXTENSION_PREFIX),
        other => super::keys::hash_by_xml_namespace(other)
            .map(|_| crate::model::HashAlgorithm::from_namespace(other).preferred_prefix()),
    }
}

/// Splits a Clark-notation label `{namespace}local` (namespace not empty, local an NCName).
pub(crate) fn split_clark(label: &str) -> Option<(&str, &str)> {
    let rest = label.strip_prefix('{')?;
    let (namespace, local) = rest.split_once('}')?;
    (!namespace.is_empty() && is_ncname(local)).then_some((namespace, local))
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    out
}

/// Bytes from hex (either case); `None` when not an even number of hex digits.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 2 != 0 {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_local_names_are_inverse() {
        let cases = [
            (Value::uint(58), "_58"),
            (Value::int(-5), "_-5"),
            (Value::text("arch"), "arch"),
            (Value::text("_private"), "_k685f70726976617465"),
            (Value::text("has space"), "_k69686173207370616365"),
            (Value::text("{urn:x}y"), "_k687b75726e3a787d79"),
            (
                Value::Unsigned {
                    value: 3,
                    width: cbor::Width::U16,
                },
                "_k190003",
            ),
            (Value::bytes(vec![1, 2]), "_k420102"),
        ];
        for (key, local) in cases {
            assert_eq!(key_to_local(&key), local);
            assert!(is_ncname(local), "{local}");
            assert_eq!(local_to_key(local), Some(key), "{local}");
        }
        assert_eq!(local_to_key("_k09.2"), Some(Value::uint(9)));
        assert_eq!(
            local_to_key("_k09.1"),
            None,
            "a repeat is the second occurrence or later"
        );
        assert_eq!(local_to_key("_05"), None);
        assert_eq!(local_to_key("_kzz"), None);
        assert_eq!(unhex("0aFf"), Some(vec![0x0a, 0xff]));
        assert_eq!(unhex("0a f"), None);
        assert_eq!(hex(&[0x0a, 0xff]), "0aff");
        assert_eq!(split_clark("{urn:a}b"), Some(("urn:a", "b")));
        assert_eq!(split_clark("{}b"), None);
        assert_eq!(split_clark("{urn:a}1b"), None);
    }
}
