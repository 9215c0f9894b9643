//! Normalisation of keys, supplier names and descriptions, and the description similarity.

/// A key normalised for the `*_normalised` rules: letters upper-cased, everything but ASCII
/// letters and digits dropped, and leading zeros of every run of digits dropped (a run of
/// zeros keeps one). `sn-0042/a` and `SN42A` both become `SN42A`. `None` when nothing is left.
pub fn key(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    // Inside a run of digits; and whether only zeros have been seen in it so far.
    let mut in_digits = false;
    let mut only_zeros = false;
    for c in raw.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                in_digits = true;
                only_zeros = true;
            }
            if only_zeros && c == '0' {
                continue;
            }
            only_zeros = false;
            out.push(c);
            continue;
        }
        if in_digits && only_zeros {
            out.push('0');
        }
        in_digits = false;
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        }
    }
    if in_digits && only_zeros {
        out.push('0');
    }
    (!out.is_empty()).then_some(out)
}

/// Words that say what legal form a company has, dropped from the end of a supplier name
/// when supplier names are compared.
const LEGAL_FORMS: [&str; 16] = [
    "ag",
    "bv",
    "co",
    "corp",
    "corporation",
    "gmbh",
    "inc",
    "incorporated",
    "kg",
    "limited",
    "llc",
    "ltd",
    "nv",
    "plc",
    "sa",
    "sarl",
];

/// A supplier name normalised for blocking: lower-case words of letters and digits (`&`
/// read as `and`) joined by one space, with the legal forms at its end dropped
/// (`Contoso Co., Ltd.` and `CONTOSO` are the same supplier). A legal-form word elsewhere
/// is part of the name (`Co-op Ltd` is `co op`), and so is one after `and` (`Shop & Co` is
/// `shop and co`: a partnership's name, not its legal form); the first word is never
/// dropped (`Inc.` is `inc`). `None` when the name has no letter or digit.
pub fn supplier(raw: &str) -> Option<String> {
    let mut words: Vec<String> = raw
        .replace('&', " and ")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    while let [.., before, last] = words.as_slice() {
        if before == "and" || !LEGAL_FORMS.contains(&last.as_str()) {
            break;
        }
        words.pop();
    }
    (!words.is_empty()).then(|| words.join(" "))
}

fn words(raw: &str) -> impl Iterator<Item = String> + '_ {
    raw.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The tokens of a description: its lower-case words, numbers without leading zeros, sorted
/// and without repeats.
pub fn tokens<'a>(parts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = parts
        .into_iter()
        .flat_map(words)
        .map(|w| {
            if w.bytes().all(|b| b.is_ascii_digit()) {
                let t = w.trim_start_matches('0');
                if t.is_empty() {
                    "0".to_owned()
                } else {
                    t.to_owned()
                }
            } else {
                w
            }
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Jaccard similarity of two sorted token lists in per-mille, rounded down:
/// `1000 × |a ∩ b| / |a ∪ b|`; 0 when both are empty.
pub fn jaccard(a: &[String], b: &[String]) -> u16 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        return 0;
    }
    u16::try_from(common * 1000 / union).unwrap_or(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_punctuation_and_leading_zeros() {
        assert_eq!(key("sn-0042/a").as_deref(), Some("SN42A"));
        assert_eq!(key("SN42A").as_deref(), Some("SN42A"));
        assert_eq!(key("000").as_deref(), Some("0"));
        assert_eq!(key("PO 0100-007").as_deref(), Some("PO1007"));
        assert_eq!(key("a0b").as_deref(), Some("A0B"));
        assert_eq!(key("x100").as_deref(), Some("X100"));
        assert_eq!(key(" -/ "), None);
    }

    #[test]
    fn suppliers_lose_legal_forms_at_their_end() {
        assert_eq!(supplier("Contoso, Ltd.").as_deref(), Some("contoso"));
        assert_eq!(supplier("CONTOSO").as_deref(), Some("contoso"));
        assert_eq!(
            supplier("Fabrikam Europe GmbH").as_deref(),
            Some("fabrikam europe")
        );
        // Several forms at the end all go; the same words elsewhere stay.
        assert_eq!(supplier("Contoso Co., Ltd.").as_deref(), Some("contoso"));
        assert_eq!(supplier("Co-op Ltd").as_deref(), Some("co op"));
        assert_eq!(supplier("SA Systems Inc").as_deref(), Some("sa systems"));
        assert_eq!(supplier("Editor Co").as_deref(), Some("editor"));
        // `and Co` is the name of a partnership, `&` the same as `and`.
        assert_eq!(supplier("Shop and Co").as_deref(), Some("shop and co"));
        assert_eq!(supplier("Shop & Co.").as_deref(), Some("shop and co"));
        assert_eq!(supplier("Shop and Co Ltd").as_deref(), Some("shop and co"));
        // A legal form alone is the name.
        assert_eq!(supplier("Inc.").as_deref(), Some("inc"));
        assert_eq!(supplier("Ltd Ltd").as_deref(), Some("ltd"));
        assert_eq!(supplier(" -/ "), None);
    }

    #[test]
    fn jaccard_counts_shared_words() {
        let a = tokens(["Contoso T14 laptop", "Gen 05"]);
        assert_eq!(a, ["5", "contoso", "gen", "laptop", "t14"]);
        let b = tokens(["Laptop T14 (Contoso)"]);
        assert_eq!(jaccard(&a, &b), 600);
        assert_eq!(jaccard(&a, &a), 1000);
        assert_eq!(jaccard(&[], &[]), 0);
    }
}
