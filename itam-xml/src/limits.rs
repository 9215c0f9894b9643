//! Limits checked on the raw text, before an XML parser builds anything.
//!
//! An XML parser checks each attribute of an element against the ones before it (duplicates
//! are an error), so an element with n attributes costs n² before a limit on its attributes
//! could be applied to the parsed tree. [`check_attribute_count`] counts the attributes of
//! every start tag in one pass over the text, so a reader refuses 10⁵ attributes in linear
//! time, with where the crowded element starts (issue 12 point 2).

/// An element with more attributes than the limit: where its start tag begins (a byte offset
/// into the text checked) and how many attributes it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crowded {
    /// Byte offset of the element's `<`.
    pub offset: usize,
    /// How many attributes the start tag has (namespace declarations not counted); when the
    /// tag is cut short, how many were counted before the text stopped making sense.
    pub count: usize,
}

/// Checks that no start tag in `text` has more than `max` attributes, in one pass.
///
/// Namespace declarations (`xmlns`, `xmlns:p`) are not counted, as XML parsers report them
/// apart from attributes. Comments, CDATA sections and processing instructions are skipped;
/// the scan stops at a document type declaration (the readers refuse DTDs anyway) or where
/// the text is not well formed, leaving the error to the parser.
///
/// ```
/// use itam_xml::limits::{check_attribute_count, Crowded};
///
/// let text = r#"<a xmlns="urn:x"><!-- <b c='1' d='2'> --><b c="1" d='2'/></a>"#;
/// assert_eq!(check_attribute_count(text, 2), Ok(()));
/// let at = text.find("<b c=\"").unwrap_or(0);
/// assert_eq!(check_attribute_count(text, 1), Err(Crowded { offset: at, count: 2 }));
/// ```
///
/// # Errors
/// [`Crowded`] for the first start tag with more than `max` attributes.
pub fn check_attribute_count(text: &str, max: usize) -> Result<(), Crowded> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = find_byte(bytes, i, b'<') {
        let rest = bytes.get(found..).unwrap_or_default();
        let skip_to = |end: &[u8]| find_seq(bytes, found + 1, end).map(|at| at + end.len());
        let next = if rest.starts_with(b"<!--") {
            skip_to(b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            skip_to(b"]]>")
        } else if rest.starts_with(b"<?") {
            skip_to(b"?>")
        } else if rest.starts_with(b"<!") {
            // A DTD (refused by the readers) or something not well formed.
            return Ok(());
        } else if rest.starts_with(b"</") {
            skip_to(b">")
        } else {
            match start_tag(bytes, found + 1) {
                Tag::End { end, count } if count <= max => Some(end),
                Tag::End { count, .. } | Tag::Broken { count } if count > max => {
                    return Err(Crowded {
                        offset: found,
                        count,
                    });
                }
                _ => None,
            }
        };
        match next {
            Some(next) => i = next,
            None => return Ok(()),
        }
    }
    Ok(())
}

enum Tag {
    /// A start tag that ends (after its `>`) with `count` attributes.
    End { end: usize, count: usize },
    /// Not a start tag the scan understands; `count` attributes before that.
    Broken { count: usize },
}

/// Reads a start tag from just after its `<`.
fn start_tag(bytes: &[u8], from: usize) -> Tag {
    let at = |i: usize| bytes.get(i).copied();
    let mut i = skip_name(bytes, from);
    let mut count = 0;
    loop {
        let spaced = i;
        i = skip_space(bytes, i);
        match at(i) {
            Some(b'>') => return Tag::End { end: i + 1, count },
            Some(b'/') if at(i + 1) == Some(b'>') => return Tag::End { end: i + 2, count },
            // Attributes are separated by white space.
            Some(_) if i > spaced => {}
            _ => return Tag::Broken { count },
        }
        let name_start = i;
        i = skip_name(bytes, i);
        let name = bytes.get(name_start..i).unwrap_or_default();
        i = skip_space(bytes, i);
        if name.is_empty() || at(i) != Some(b'=') {
            return Tag::Broken { count };
        }
        i = skip_space(bytes, i + 1);
        let Some(quote @ (b'"' | b'\'')) = at(i) else {
            return Tag::Broken { count };
        };
        match find_byte(bytes, i + 1, quote) {
            Some(close) => i = close + 1,
            None => return Tag::Broken { count },
        }
        if name != b"xmlns" && !name.starts_with(b"xmlns:") {
            count += 1;
        }
    }
}

/// The end of a name starting at `from`: everything up to white space, `=`, `/`, `>`, `<`,
/// or a quote (the parser checks the name itself).
fn skip_name(bytes: &[u8], from: usize) -> usize {
    let len = bytes.get(from..).unwrap_or_default().iter().position(|b| {
        matches!(
            b,
            b' ' | b'\t' | b'\r' | b'\n' | b'=' | b'/' | b'>' | b'<' | b'"' | b'\''
        )
    });
    len.map_or(bytes.len(), |len| from + len)
}

fn skip_space(bytes: &[u8], from: usize) -> usize {
    let len = bytes
        .get(from..)
        .unwrap_or_default()
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    len.map_or(bytes.len(), |len| from + len)
}

fn find_byte(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    let len = bytes.get(from..)?.iter().position(|&b| b == byte)?;
    Some(from + len)
}

fn find_seq(bytes: &[u8], from: usize, seq: &[u8]) -> Option<usize> {
    let len = bytes
        .get(from..)?
        .windows(seq.len())
        .position(|w| w == seq)?;
    Some(from + len)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn counts_attributes_not_declarations_nor_markup_in_comments_or_values() {
        let text = "<?xml version=\"1.0\"?><!-- <x a='1' b='2'/> --><r xmlns='u' xmlns:p='v' \
                    p:a = \"1>\" b='</x c=\"2\">'><![CDATA[<y a='1' b='2' c='3'/>]]>\
                    <?pi a='1' b='2' c='3'?></r>";
        assert_eq!(check_attribute_count(text, 2), Ok(()));
        assert_eq!(
            check_attribute_count(text, 1),
            Err(Crowded {
                offset: text.find("<r ").unwrap(),
                count: 2
            })
        );
    }

    #[test]
    fn a_hundred_thousand_attributes_are_counted_in_one_pass() {
        let attributes: String = (0..100_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
        let text = format!("<?xml version=\"1.0\"?>\n<root><e{attributes}/></root>");
        assert_eq!(
            check_attribute_count(&text, 1024),
            Err(Crowded {
                offset: text.find("<e ").unwrap(),
                count: 100_000
            })
        );
        // Cut short inside the tag: what was counted so far, still over the limit.
        let cut = text.get(..text.len() / 2).unwrap();
        assert!(matches!(
            check_attribute_count(cut, 1024),
            Err(Crowded { count, .. }) if count > 1024
        ));
    }

    #[test]
    fn stops_at_a_dtd_or_broken_markup() {
        assert_eq!(
            check_attribute_count("<!DOCTYPE r [<!ENTITY e '<x a=\"1\" b=\"2\">'>]><r/>", 1),
            Ok(())
        );
        assert_eq!(check_attribute_count("<r a='1'b='2' c='3'/>", 1), Ok(()));
        assert_eq!(check_attribute_count("<r a='1", 0), Ok(()));
        assert_eq!(
            check_attribute_count("<r a='1' b", 0),
            Err(Crowded {
                offset: 0,
                count: 1
            })
        );
    }
}
