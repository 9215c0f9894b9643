//! Properties of validation over generated tags and mutated text.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

mod support;

use std::collections::BTreeSet;

use itam_swid::itam_core::Report;
use itam_swid::validate::{Profile, validate, validate_xml};
use itam_swid::write::write;
use proptest::prelude::*;

fn keys(report: &Report) -> BTreeSet<(String, String)> {
    report
        .findings()
        .iter()
        .map(|f| (f.rule.clone(), f.location.path.clone()))
        .collect()
}

const BASELINE: &str = include_str!("data/rules/primary-auth.swidtag");

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Validating a typed tag says the same (rules and paths) as validating what the writer
    /// makes of it, under every profile.
    #[test]
    fn model_and_written_text_agree(tag in support::software_identity()) {
        let xml = write(&tag).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for profile in Profile::ALL {
            let from_model = validate(&tag, &profile);
            let from_text = validate_xml(&xml, &profile).unwrap();
            prop_assert_eq!(keys(&from_model), keys(&from_text), "{}\n{}", profile.name, xml);
        }
    }

    /// Arbitrary damage to a tag never panics the validator, and validation is deterministic.
    #[test]
    fn mutated_text_never_panics(
        cut in 0usize..BASELINE.len(),
        len in 0usize..40,
        insert in "[<>/=\"a-zA-Z: ]{0,12}",
    ) {
        let mut text: String = BASELINE.chars().take(cut).collect();
        text.push_str(&insert);
        text.extend(BASELINE.chars().skip(cut + len));
        for profile in Profile::ALL {
            let first = validate_xml(&text, &profile);
            let second = validate_xml(&text, &profile);
            prop_assert_eq!(first, second);
        }
    }
}
