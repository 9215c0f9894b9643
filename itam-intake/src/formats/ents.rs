//! Reading a buffer's Ents, told by content: XML (first non-blank character `<`, after an
//! optional UTF-8 byte-order mark; or UTF-16 with a byte-order mark or starting with `<`) read
//! leniently so the validator can report what is wrong, or the model's JSON form (`{` for one
//! Ent, `[` for an array).

use itam_ent::read::{Encoding, ReadOptions, read_with};
use itam_ent::{Ent, ParseError, SourceMap};
use serde_json::Value;

/// The format a buffer was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Ent XML.
    Xml,
    /// The model's JSON form.
    Json,
}

/// One Ent of a buffer.
#[derive(Debug)]
pub struct Doc {
    /// The Ent.
    pub ent: Ent,
    /// Where its parts were in the text (XML only).
    pub source: Option<SourceMap>,
}

/// A buffer's Ents.
#[derive(Debug)]
pub struct Loaded {
    /// What the file was read as.
    pub format: Format,
    /// Its Ents, in order (at least one).
    pub docs: Vec<Doc>,
    /// JSON members the model has no field for, which reading ignored (`/rights/0/metirc`):
    /// a hand-written JSON form with a misspelt name would otherwise lose it silently.
    pub ignored: Vec<String>,
}

/// Why a buffer could not be read: the message, and a line and column when there is one.
#[derive(Debug)]
pub struct LoadError {
    /// What went wrong (lowercase, says the format tried).
    pub message: String,
    /// Where, for XML and JSON.
    pub pos: Option<(u32, u32)>,
}

impl LoadError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            pos: None,
        }
    }

    /// `line:col: message`, or the message alone.
    pub fn located(&self) -> String {
        match self.pos {
            Some((line, col)) => format!("{line}:{col}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Reads Ents from bytes, telling the format by content.
///
/// # Errors
/// The bytes are empty, neither XML nor JSON, or not readable as the one they look like.
pub fn load(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let (encoding, mark) = Encoding::sniff(bytes);
    let text = bytes.get(mark..).unwrap_or_default();
    let first = if encoding == Encoding::Utf8 {
        text.iter().find(|b| !b.is_ascii_whitespace()).copied()
    } else {
        // UTF-16, with a byte-order mark or starting with `<`: XML, which the reader decodes.
        Some(b'<')
    };
    match first {
        Some(b'<') => {
            let parsed = read_with(bytes, &ReadOptions::LAX).map_err(xml_error)?;
            let (ent, source) = (parsed.value, parsed.source_map);
            Ok(Loaded {
                format: Format::Xml,
                docs: vec![Doc {
                    ent,
                    source: Some(source),
                }],
                ignored: Vec::new(),
            })
        }
        Some(b'{' | b'[') => load_json(text),
        Some(_) => Err(LoadError::new(
            "neither xml nor json (an ent file starts with `<`, its json form with `{` or `[`)",
        )),
        None => Err(LoadError::new("the file is empty")),
    }
}

fn xml_error(e: ParseError) -> LoadError {
    LoadError {
        pos: e.pos().map(|p| (p.line, p.col)),
        message: e.to_string(),
    }
}

fn load_json(text: &[u8]) -> Result<Loaded, LoadError> {
    let json_error = |e: serde_json::Error| LoadError {
        message: format!("not the json form of an ent: {e}"),
        pos: u32::try_from(e.line())
            .ok()
            .zip(u32::try_from(e.column()).ok()),
    };
    // Typed first, for errors with line and column; then as a plain value, to name what the
    // model ignored.
    let ents: Vec<Ent> = if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        serde_json::from_slice(text).map_err(json_error)?
    } else {
        vec![serde_json::from_slice(text).map_err(json_error)?]
    };
    let value: Value = serde_json::from_slice(text).map_err(json_error)?;
    let read_back = if value.is_array() {
        serde_json::to_value(&ents)
    } else {
        serde_json::to_value(ents.first())
    }
    .map_err(json_error)?;
    if ents.is_empty() {
        return Err(LoadError::new("the json array holds no ent"));
    }
    let mut ignored = Vec::new();
    unread(&value, &read_back, &mut String::new(), &mut ignored);
    Ok(Loaded {
        format: Format::Json,
        docs: ents
            .into_iter()
            .map(|ent| Doc { ent, source: None })
            .collect(),
        ignored,
    })
}

/// The members of `input` that are not in `read_back` (the model written back), as JSON
/// pointers. Empty values (`null`, `[]`, `{}`) are not reported: the model leaves them out
/// when it writes.
fn unread(input: &Value, read_back: &Value, path: &mut String, out: &mut Vec<String>) {
    let len = path.len();
    match (input, read_back) {
        (Value::Object(given), Value::Object(kept)) => {
            for (key, value) in given {
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match kept.get(key) {
                    Some(back) => unread(value, back, path, out),
                    None if is_empty(value) => {}
                    None => out.push(path.clone()),
                }
                path.truncate(len);
            }
        }
        (Value::Array(given), Value::Array(kept)) => {
            for (i, (value, back)) in given.iter().zip(kept).enumerate() {
                path.push_str(&format!("/{i}"));
                unread(value, back, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(a) => a.iter().all(is_empty),
        Value::Object(o) => o.values().all(is_empty),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_not_name_tells_the_format() {
        assert!(matches!(load(b"  \n"), Err(e) if e.message == "the file is empty"));
        assert!(load(b"\x00\x01").is_err());
        let err = load(b"{\"name\": 1}").unwrap_err();
        assert!(err.message.starts_with("not the json form of an ent"));
        assert_eq!(err.pos.map(|p| p.0), Some(1));
        let err = load(b"<Ent").unwrap_err();
        assert!(
            err.message.starts_with("not well-formed xml"),
            "{}",
            err.message
        );
    }

    #[test]
    fn json_members_the_model_ignores_are_named() {
        let text = br#"{"name": "x", "ent_id": "e", "colour": "red", "links": [],
            "rights": [{"name": "use", "metirc": [], "limits": [{"limit_type": "time", "vaule": 3}]}],
            "base": {}}"#;
        let loaded = load(text).unwrap();
        assert_eq!(loaded.ignored, ["/colour", "/rights/0/limits/0/vaule"]);
        let arr =
            load(br#"[{"name": "x", "ent_id": "e"}, {"name": "y", "ent_id": "f", "a/b": 1}]"#);
        assert_eq!(arr.unwrap().ignored, ["/1/a~1b"]);
        let clean = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../itam-cli/tests/data/ent/new/server.ent.json"
        ));
        assert_eq!(load(&clean.unwrap()).unwrap().ignored, Vec::<String>::new());
    }
}
