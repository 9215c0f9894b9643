//! Convert a SWID tag to CoSWID (RFC 9393) and back, and show what did not map.
//!
//! `cargo run -p itam-examples --bin swid_coswid [PATH]` — without a path, the demo's office
//! media tag is used, with a vendor element added: CoSWID has no place for foreign XML
//! elements, so the conversion lists it as dropped. Everything else survives the trip: the
//! XML written back from the CBOR encodes to the very same bytes.

use itam_swid::coswid::{EncodeOptions, coswid_to_xml, encode, xml_to_coswid};
use itam_swid::read::{ReadOptions, read_str};

/// A corpus tag (installation media) from the CLI's embedded demo estate.
const MEDIA: &str = include_str!(
    "../../../itam-cli/demo/inventory/ws-par-01/example-office-pro-2024-media.swidtag"
);

/// Lowercase hex, 32 bytes to a line.
fn hex_lines(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(32)
        .map(|row| row.iter().map(|b| format!("{b:02x}")).collect())
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let xml = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => MEDIA.replace(
            "</SoftwareIdentity>",
            "  <v:Asset xmlns:v=\"urn:example:vendor\">cost centre CC-100</v:Asset>\n</SoftwareIdentity>",
        ),
    };

    // XML -> model -> CBOR. The default form is untagged (a bare map), as the readers in the
    // field expect; `EncodeOptions::envelope` selects the tagged form (CBOR tag 1398229316).
    let encoded = xml_to_coswid(&xml, &ReadOptions::LAX, &EncodeOptions::default())?;
    println!(
        "CoSWID, {} bytes (the XML has {}):",
        encoded.bytes.len(),
        xml.len()
    );
    for line in hex_lines(&encoded.bytes) {
        println!("  {line}");
    }

    println!("\nnot carried by CoSWID: {}", encoded.dropped.len());
    for dropped in &encoded.dropped {
        println!("  {}: {}", dropped.path, dropped.what);
    }

    // CBOR -> model -> canonical XML.
    let back = coswid_to_xml(&encoded.bytes)?;
    println!("\nback to XML:\n{back}");

    // Nothing more is lost on a second trip: the XML written back encodes to the same bytes.
    let again = encode(
        &read_str(&back, &ReadOptions::STRICT)?.value,
        &EncodeOptions::default(),
    );
    println!(
        "re-encoding the XML written back gives the same bytes: {}",
        again.bytes == encoded.bytes
    );
    Ok(())
}
