//! Property tests of the CBOR layer (`itam_swid::coswid::cbor`).

#![allow(clippy::unwrap_used, clippy::panic)] // helpers of a test file

use itam_swid::coswid::cbor::{
    Chunk, Float, Len, Limits, Simple, StrEncoding, Value, Width, decode, decode_with,
};
use proptest::prelude::*;

fn width_for(value: u64) -> impl Strategy<Value = Width> {
    let all = [
        Width::Immediate,
        Width::U8,
        Width::U16,
        Width::U32,
        Width::U64,
    ];
    let fitting: Vec<Width> = all.into_iter().filter(|w| w.fits(value)).collect();
    proptest::sample::select(fitting)
}

fn uint() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..30, 0u64..300, 0u64..70_000, any::<u64>()]
}

/// A string encoding for `len` bytes whose chunk boundaries fall on the given allowed
/// split points.
fn str_encoding(len: usize, splits: Vec<usize>) -> BoxedStrategy<StrEncoding> {
    let definite = width_for(len as u64).prop_map(StrEncoding::Definite);
    let chunked = proptest::collection::vec(any::<bool>(), splits.len())
        .prop_flat_map(move |keep| {
            let mut bounds: Vec<usize> = splits
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(s, _)| *s)
                .collect();
            bounds.push(len);
            let mut lens = Vec::new();
            let mut at = 0;
            for b in bounds {
                if b > at || (b == len && lens.is_empty()) {
                    lens.push(b - at);
                    at = b;
                }
            }
            lens.into_iter()
                .map(|l| width_for(l as u64).prop_map(move |width| Chunk { len: l, width }))
                .collect::<Vec<_>>()
        })
        .prop_map(StrEncoding::Indefinite);
    if len == 0 {
        prop_oneof![definite, chunked, Just(StrEncoding::Indefinite(vec![]))].boxed()
    } else {
        prop_oneof![3 => definite, 1 => chunked].boxed()
    }
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        uint().prop_flat_map(
            |v| width_for(v).prop_map(move |width| Value::Unsigned { value: v, width })
        ),
        uint().prop_flat_map(
            |v| width_for(v).prop_map(move |width| Value::Negative { arg: v, width })
        ),
        proptest::collection::vec(any::<u8>(), 0..40).prop_flat_map(|bytes| {
            let splits: Vec<usize> = (1..bytes.len()).collect();
            str_encoding(bytes.len(), splits).prop_map(move |encoding| Value::Bytes {
                value: bytes.clone(),
                encoding,
            })
        }),
        "\\PC{0,20}".prop_flat_map(|text: String| {
            let splits: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .filter(|&i| i > 0)
                .collect();
            str_encoding(text.len(), splits).prop_map(move |encoding| Value::Text {
                value: text.clone(),
                encoding,
            })
        }),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        Just(Value::Undefined),
        any::<u8>().prop_filter_map("reserved", |v| Simple::new(v).map(Value::Simple)),
        any::<u16>().prop_map(|b| Value::Float(Float::Half(b))),
        any::<u32>().prop_map(|b| Value::Float(Float::Single(b))),
        any::<u64>().prop_map(|b| Value::Float(Float::Double(b))),
    ]
}

fn len_for(n: usize) -> impl Strategy<Value = Len> {
    prop_oneof![
        width_for(n as u64).prop_map(Len::Definite),
        Just(Len::Indefinite)
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_flat_map(|items| {
                len_for(items.len()).prop_map(move |len| Value::Array {
                    items: items.clone(),
                    len,
                })
            }),
            proptest::collection::vec((inner.clone(), inner.clone()), 0..5).prop_flat_map(
                |entries| {
                    len_for(entries.len()).prop_map(move |len| Value::Map {
                        entries: entries.clone(),
                        len,
                    })
                }
            ),
            (uint(), inner).prop_flat_map(|(tag, item)| {
                width_for(tag).prop_map(move |width| Value::Tag {
                    tag,
                    width,
                    item: Box::new(item.clone()),
                })
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_of_encode_is_identity(v in value()) {
        let bytes = v.encode();
        prop_assert_eq!(decode(&bytes).unwrap(), v);
    }

    #[test]
    fn encode_of_decode_reproduces_the_bytes(v in value()) {
        // Every well-formed encoding (preferred or not) is reproduced byte for byte.
        let bytes = v.encode();
        prop_assert_eq!(decode(&bytes).unwrap().encode(), bytes);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(v) = decode_with(&bytes, Limits::default().with_max_depth(16)) {
            prop_assert_eq!(v.encode(), bytes);
        }
    }

    #[test]
    fn mutated_encodings_never_panic_and_reencode_exactly(
        v in value(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = v.encode();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(decoded) = decode(&bytes) {
            prop_assert_eq!(decoded.encode(), bytes.clone());
        }
        let truncated = &bytes[..cut.index(bytes.len())];
        if let Ok(decoded) = decode(truncated) {
            prop_assert_eq!(decoded.encode(), truncated.to_vec());
        }
    }
}
