//! The in-memory expansion of a large valid SWID tag (issue 12, defect 12): how many bytes of
//! memory reading a tag of N bytes takes, as a factor of N.
//!
//! `cargo run --release -p itam-benches --bin tag_memory [MIB]` (default 64). The tag is a
//! primary tag with a payload of directories of files (name, size, version, SHA-256), as a
//! package manager writes one, generated to about MIB MiB. Linux only: it reads the resident
//! set (`VmRSS`) and its high-water mark (`VmHWM`) from `/proc/self/status`, after resetting
//! the mark (`/proc/self/clear_refs`), so it measures what the process really holds, allocator
//! overhead included. It prints, for the SWID reader (model + source map, what `itam swid
//! validate` holds) and for the intake (the projected facts only, what `itam reconcile` holds):
//! the peak while reading and what is still held after, each as a factor of the input size.

use std::fmt::Write as _;

/// `VmRSS` or `VmHWM` in bytes.
fn status(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let rest = text.lines().find_map(|l| l.strip_prefix(field))?;
    let kib: u64 = rest.split_whitespace().next()?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets the high-water mark to the current resident set.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A valid primary tag of about `target` bytes.
fn tag(target: usize) -> Vec<u8> {
    let mut out = String::with_capacity(target + 4096);
    out.push_str(concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        "\n",
        r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" xmlns:SHA256="http://www.w3.org/2001/04/xmlenc#sha256" name="Synthetic Suite" tagId="0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9" version="12.4.1">"#,
        "\n",
        r#"  <Entity name="Example Corp" regid="example.com" role="tagCreator softwareCreator"/>"#,
        "\n  <Payload>\n"
    ));
    let mut d = 0usize;
    while out.len() < target {
        let _ = writeln!(
            out,
            r#"    <Directory name="module-{d}" root="/usr/lib/synthetic">"#
        );
        for f in 0..50 {
            let _ = writeln!(
                out,
                r#"      <File name="lib{d}_{f}.so.12" size="{}" version="12.4.1" SHA256:hash="{:064x}"/>"#,
                1024 * (f + 1),
                d * 1000 + f
            );
        }
        out.push_str("    </Directory>\n");
        d += 1;
    }
    out.push_str("  </Payload>\n</SoftwareIdentity>\n");
    out.into_bytes()
}

/// Runs `read` on the input and returns (peak, held after) above the resident set before.
fn measure<T>(read: impl FnOnce() -> T) -> Option<(u64, u64, T)> {
    let before = status("VmRSS:")?;
    if !reset_peak() {
        return None;
    }
    let value = read();
    let peak = status("VmHWM:")?.saturating_sub(before);
    let held = status("VmRSS:")?.saturating_sub(before);
    Some((peak, held, value))
}

fn main() {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(64);
    // Below the limit of the readers (64 MiB by default): one directory of margin.
    let bytes = tag((mib * 1024 * 1024).saturating_sub(64 * 1024));
    let size = bytes.len() as f64;
    println!("input: {} bytes ({:.1} MiB)", bytes.len(), size / 1048576.0);
    let factor = |b: u64| b as f64 / size;
    let what = std::env::args().nth(2).unwrap_or_default();
    if what == "write" {
        // The tag itself, for measuring the command (`/usr/bin/time -v itam swid validate`).
        let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), &bytes);
        return;
    }

    if what != "intake" {
        match measure(|| itam_intake::formats::tags::load(&bytes)) {
            Some((peak, held, loaded)) => {
                let tags = match &loaded {
                    Ok(l) => l.tags.len(),
                    Err(e) => {
                        println!("not read: {}", e.located());
                        0
                    }
                };
                println!(
                    "swid reader (model + source map): {tags} tag(s), peak {:.1}x, held {:.1}x",
                    factor(peak),
                    factor(held)
                );
                drop(loaded);
            }
            None => println!("swid reader: no /proc/self/status here; nothing measured"),
        }
        if what == "reader" {
            return;
        }
    }
    let mut intake = itam_intake::Intake::new(itam_intake::Options::default());
    if let Some((peak, held, ())) = measure(|| intake.inventory(Some("d1"), "big.swidtag", &bytes))
    {
        println!(
            "intake (projected facts): peak {:.1}x, held {:.1}x",
            factor(peak),
            factor(held)
        );
    }
    let out = intake.finish();
    for unused in &out.unused {
        println!("unused: {unused}");
    }
}
