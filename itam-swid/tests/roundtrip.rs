//! Round-trip properties of the reader and writer over generated models.

mod support;

use itam_swid::read::{ReadOptions, read_all_str, read_str};
use itam_swid::write::{WriteOptions, write, write_all, write_with};
use proptest::prelude::*;

/// 96 cases by default, so the suite stays fast; `PROPTEST_CASES` overrides it.
fn config() -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(96)
    }
}

proptest! {
    #![proptest_config(config())]

    /// `read_str(write(m)) == m` in strict mode (the writer always produces a 2015 tag).
    #[test]
    fn read_of_write_is_identity(tag in support::software_identity()) {
        let xml = write(&tag).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = read_str(&xml, &ReadOptions::STRICT)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(&back.value, &tag, "{}", xml);
        prop_assert!(back.findings.is_empty());
    }

    /// `write(read_str(write(m))) == write(m)`, with and without indentation.
    #[test]
    fn write_is_a_fixed_point(tag in support::software_identity(), indent in any::<bool>()) {
        let options = WriteOptions { indent, ..WriteOptions::default() };
        let first = write_with(&tag, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = read_str(&first, &ReadOptions::STRICT).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let second = write_with(&back.value, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(first, second);
    }

    /// Several tags written with `write_all` read back with `read_all`, in order.
    #[test]
    fn multi_tag_round_trip(tags in proptest::collection::vec(support::software_identity(), 1..4)) {
        let text = write_all(&tags, &WriteOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = read_all_str(&text, &ReadOptions::STRICT).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Vec<_> = back.into_iter().map(|p| p.value).collect();
        prop_assert_eq!(back, tags);
    }
}

proptest! {
    #![proptest_config(config())]

    /// The serde (JSON) form round-trips too: the CLI's `convert --to json` relies on it.
    #[test]
    fn json_round_trip(tag in support::software_identity()) {
        let json = serde_json::to_string(&tag).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: itam_swid::SoftwareIdentity = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert_eq!(back, tag);
    }
}
