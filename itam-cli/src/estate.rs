//! `itam estate generate`: a deterministic synthetic `estate.json` (itam-reconcile's
//! generator) on standard output.
//!
//! The same size and seed give the same bytes on every run and machine. The JSON is written
//! one item per line (each top-level key on its own line, each element of its arrays on its
//! own line): valid JSON, still streamable for the largest sizes, and readable with `grep`,
//! `head` and `diff`. On a terminal, a progress bar on standard error shows the generation, then
//! the items written (unless the JSON goes to that terminal too). Exit codes: 0 success, 2
//! standard output could not be written.

use std::io::{self, IsTerminal as _, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use itam_core::estate::Estate;
use itam_reconcile::generate::{GenParams, Size, generate};

use crate::progress::Progress;
use crate::reconcile::{FAILED, OK, quiet_pipe};
use crate::report::warn;

/// The `estate` verbs.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Writes a synthetic estate.json to standard output (same size and seed, same bytes).
    ///
    /// Devices (hosts, VMs in clusters, workstations), users, software, installations and
    /// entitlements with overlapping scopes, spread expiry dates and every processor metric,
    /// around the as-of date 2026-01-01.
    Generate(GenerateArgs),
}

/// `itam estate generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// S: 10³ devices, 5·10⁴ installations, 500 entitlements; M: 10⁴, 5·10⁵, 5·10³;
    /// L: 10⁵, 5·10⁶, 5·10⁴; XL: 10⁶, 10⁷, 10⁵.
    #[arg(long, value_enum, ignore_case = true)]
    pub size: SizeArg,
    /// Seed of the generator.
    #[arg(long)]
    pub seed: u64,
}

/// The `--size` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SizeArg {
    /// 10³ devices.
    #[value(name = "S")]
    S,
    /// 10⁴ devices.
    #[value(name = "M")]
    M,
    /// 10⁵ devices.
    #[value(name = "L")]
    L,
    /// 10⁶ devices.
    #[value(name = "XL")]
    Xl,
}

impl SizeArg {
    /// The generator's size.
    pub(crate) const fn size(self) -> Size {
        match self {
            Self::S => Size::S,
            Self::M => Size::M,
            Self::L => Size::L,
            Self::Xl => Size::XL,
        }
    }

    /// The name on the command line.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::S => "S",
            Self::M => "M",
            Self::L => "L",
            Self::Xl => "XL",
        }
    }
}

/// Runs an `estate` verb.
pub(crate) fn run(command: Command) -> ExitCode {
    let Command::Generate(args) = command;
    let generating = Progress::new(1, "generating");
    let estate = generate(&GenParams::size(args.size.size(), args.seed));
    generating.finish();
    // Not over the JSON itself when standard output is the same terminal.
    let progress = if io::stdout().is_terminal() {
        Progress::hidden()
    } else {
        Progress::new(items(&estate), "writing")
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, LineFormatter::new(&progress));
    let written = serde::Serialize::serialize(&estate, &mut ser)
        .map_err(io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    progress.finish();
    match quiet_pipe(written) {
        Ok(()) => ExitCode::from(OK),
        Err(message) => {
            warn(&format!("itam estate generate: {message}"));
            ExitCode::from(FAILED)
        }
    }
}

/// The estate's items, each written on its own line: the elements of its lists.
fn items(estate: &Estate) -> usize {
    // Every field, so that a new list cannot be left out of the count.
    let Estate {
        devices,
        users,
        software,
        installations,
        usage_peaks,
        capacity_samples,
        measurements,
        entitlements,
    } = estate;
    devices.len()
        + users.len()
        + software.len()
        + installations.len()
        + usage_peaks.len()
        + capacity_samples.len()
        + measurements.len()
        + entitlements.len()
}

/// Compact JSON with a line break before each key of the outermost object and before each
/// element of the arrays directly under it: one estate item per line, each counted on the
/// progress bar.
#[derive(Debug)]
struct LineFormatter<'a> {
    /// Objects and arrays currently open.
    depth: usize,
    /// Counts the items written.
    progress: &'a Progress,
}

impl<'a> LineFormatter<'a> {
    /// At the start of the document, counting items on `progress`.
    const fn new(progress: &'a Progress) -> Self {
        Self { depth: 0, progress }
    }

    /// Inside an array that is a value of the outermost object.
    const fn in_top_array(&self) -> bool {
        self.depth == 2
    }
}

impl serde_json::ser::Formatter for LineFormatter<'_> {
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            w.write_all(b"\n}")
        } else {
            w.write_all(b"}")
        }
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth == 1 {
            w.write_all(b"\n")?;
        }
        Ok(())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let top = self.in_top_array();
        self.depth = self.depth.saturating_sub(1);
        if top {
            w.write_all(b"\n]")
        } else {
            w.write_all(b"]")
        }
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.in_top_array() {
            self.progress.inc();
            w.write_all(b"\n")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        let hidden = Progress::hidden();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, LineFormatter::new(&hidden));
        serde::Serialize::serialize(value, &mut ser).unwrap_or_default();
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn one_top_level_item_per_line_and_the_same_json() {
        let value = serde_json::json!({
            "devices": [{"id": "a", "tags": [1, 2]}, {"id": "b"}],
            "empty": [],
            "policy": {"x": [1]},
            "n": 3
        });
        let text = lines(&value);
        assert_eq!(
            text,
            "{\n\"devices\":[\n{\"id\":\"a\",\"tags\":[1,2]},\n{\"id\":\"b\"}\n],\n\"empty\":[\n],\n\"n\":3,\n\"policy\":{\"x\":[1]}\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value);
    }

    #[test]
    fn the_bar_counts_every_item_written() {
        let estate = generate(&GenParams::size(Size::S, 7));
        let progress = Progress::counting(items(&estate));
        let mut out = Vec::new();
        let mut ser =
            serde_json::Serializer::with_formatter(&mut out, LineFormatter::new(&progress));
        assert!(serde::Serialize::serialize(&estate, &mut ser).is_ok());
        let lines = String::from_utf8_lossy(&out)
            .lines()
            .filter(|l| l.starts_with('{'))
            .count();
        // One item per line (the first line is the document's own `{`).
        assert_eq!(progress.position(), (lines - 1) as u64);
        assert_eq!(progress.position(), items(&estate) as u64);
        assert!(progress.position() > 50_000);
    }
}
