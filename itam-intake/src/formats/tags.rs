//! Reading a buffer's tags, whatever their format, told by content: XML (first non-blank
//! character `<`; UTF-8, or UTF-16 with a byte-order mark or, without one, starting with `<`), the model's JSON (`{` or `[`), a
//! uSWID container (its magic), else CoSWID.

use itam_swid::coswid::uswid::USWID_MAGIC;
use itam_swid::coswid::{self, CoseEnvelope, EncodeOptions};
use itam_swid::read::{Encoding, ReadOptions, read_all};
use itam_swid::source::{Parsed, SourceMap};
use itam_swid::{ParseError, SoftwareIdentity};

/// The format a buffer was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SWID XML.
    Xml,
    /// A CoSWID tag.
    Coswid,
    /// A uSWID container of CoSWID tags.
    Uswid,
    /// The model's JSON form.
    Json,
}

impl Format {
    /// The format's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Xml => "swid xml",
            Self::Coswid => "coswid",
            Self::Uswid => "uswid",
            Self::Json => "json",
        }
    }
}

/// One tag of a buffer.
#[derive(Debug)]
pub struct Tag {
    /// The tag with its source map and reader findings (empty for formats without text
    /// positions).
    pub parsed: Parsed<SoftwareIdentity>,
    /// For a CoSWID input: the options that write it back as it came.
    pub coswid: Option<EncodeOptions>,
    /// For a signed CoSWID input: its COSE envelope (kept, not verified).
    pub signed: Option<CoseEnvelope>,
}

/// A buffer's tags.
#[derive(Debug)]
pub struct Loaded {
    /// What the file was read as.
    pub format: Format,
    /// Its tags, in order (at least one).
    pub tags: Vec<Tag>,
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
    /// `line:col: message`, or the message alone.
    #[must_use]
    pub fn located(&self) -> String {
        match self.pos {
            Some((line, col)) => format!("{line}:{col}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Reads tags from bytes, telling the format by content.
///
/// # Errors
/// The bytes are empty, or not readable as the format their content names; the message says
/// which format was tried.
pub fn load(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let (encoding, mark) = Encoding::sniff(bytes);
    if encoding != Encoding::Utf8 {
        // UTF-16 with a byte-order mark (as some Windows tools write tags), or without one
        // starting with `<` (before, its NUL bytes sent it to the CoSWID decoder, which said
        // "invalid cbor"): the reader decodes it.
        return load_xml(bytes);
    }
    let text = bytes.get(mark..).unwrap_or_default();
    let first = text.iter().find(|b| !b.is_ascii_whitespace()).copied();
    match first {
        Some(b'<') => load_xml(bytes),
        Some(b'{' | b'[') => load_json(text),
        _ if bytes.starts_with(&USWID_MAGIC) => {
            let decoded = coswid::decode_uswid(bytes).map_err(|e| LoadError {
                message: format!("not a readable uswid container: {e}"),
                pos: None,
            })?;
            if decoded.is_empty() {
                return Err(LoadError {
                    message: "the uswid container holds no tag".into(),
                    pos: None,
                });
            }
            Ok(Loaded {
                format: Format::Uswid,
                tags: decoded
                    .into_iter()
                    .map(|d| {
                        let mut tag = plain(d.tag, Some(d.options));
                        tag.signed = d.signed;
                        tag
                    })
                    .collect(),
            })
        }
        None => Err(LoadError {
            message: "the file is empty".into(),
            pos: None,
        }),
        _ => {
            let decoded = coswid::decode(bytes).map_err(|e| LoadError {
                message: format!("neither xml nor json, and not coswid: {e}"),
                pos: None,
            })?;
            let mut tag = plain(decoded.tag, Some(decoded.options));
            tag.signed = decoded.signed;
            Ok(Loaded {
                format: Format::Coswid,
                tags: vec![tag],
            })
        }
    }
}

fn load_xml(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let parsed = read_all(bytes, &ReadOptions::LAX).map_err(xml_error)?;
    xml_loaded(parsed)
}

fn xml_error(e: ParseError) -> LoadError {
    LoadError {
        pos: e.pos().map(|p| (p.line, p.col)),
        message: e.to_string(),
    }
}

fn xml_loaded(parsed: Vec<Parsed<SoftwareIdentity>>) -> Result<Loaded, LoadError> {
    Ok(Loaded {
        format: Format::Xml,
        tags: parsed
            .into_iter()
            .map(|parsed| Tag {
                parsed,
                coswid: None,
                signed: None,
            })
            .collect(),
    })
}

fn load_json(text: &[u8]) -> Result<Loaded, LoadError> {
    let json_error = |e: serde_json::Error| LoadError {
        message: format!("not the json form of a swid tag: {e}"),
        pos: u32::try_from(e.line())
            .ok()
            .zip(u32::try_from(e.column()).ok()),
    };
    let tags: Vec<SoftwareIdentity> =
        if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            serde_json::from_slice(text).map_err(json_error)?
        } else {
            vec![serde_json::from_slice(text).map_err(json_error)?]
        };
    if tags.is_empty() {
        return Err(LoadError {
            message: "the json array holds no tag".into(),
            pos: None,
        });
    }
    Ok(Loaded {
        format: Format::Json,
        tags: tags.into_iter().map(|t| plain(t, None)).collect(),
    })
}

/// A tag without text positions or reader findings, validated as 2015 SWID.
fn plain(tag: SoftwareIdentity, coswid: Option<EncodeOptions>) -> Tag {
    Tag {
        parsed: Parsed {
            value: tag,
            source_map: SourceMap::new(),
            findings: Vec::new(),
        },
        coswid,
        signed: None,
    }
}
