//! Byte offsets to lines and columns: [`LineIndex`].
//!
//! A reader knows where a node starts as a byte offset; people want a line and a column. The
//! index is built once per input (one pass over the text, on the first question), and every
//! question after that costs a binary search over the line starts plus a bounded count of
//! characters, never a rescan from the start of the input or of the line. So the positions of
//! every document of a multi-document input, or of every node of a one-line file, cost time
//! linear in the input (issue 12, points 1 and 3).
//!
//! Lines are counted at `\n` (XML 1.0 §2.11 normalises `\r\n` and `\r` to `\n`, and a `\r\n`
//! file still has one `\n` per line). Lines and columns count from 1; a column counts
//! characters (Unicode scalar values), not bytes.

use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use itam_core::TextPos;

/// Bytes per block of the character-count table: a column costs at most two counts of this
/// many bytes, wherever the offset is on its line.
const BLOCK: usize = 256;

/// Byte offset → [`TextPos`] over one input text.
///
/// `T` is how the text is held: `&str` for a reader that borrows its input, `Arc<str>` for a
/// source map that outlives the read (one index shared by every document of the input).
///
/// ```
/// use itam_xml::pos::LineIndex;
/// use itam_core::TextPos;
///
/// let index = LineIndex::new("<a>\n  <é/><b/>\n</a>");
/// assert_eq!(index.pos(0), TextPos { line: 1, col: 1 });
/// // `<b/>` is after `  <é/>`: six characters, seven bytes.
/// assert_eq!(index.pos(11), TextPos { line: 2, col: 7 });
/// ```
pub struct LineIndex<T = std::sync::Arc<str>> {
    /// The text, or an empty one for an ASCII text indexed by [`LineIndex::detached`].
    text: T,
    /// The length of the text indexed.
    len: usize,
    tables: OnceLock<Tables>,
    /// Bytes looked at so far (building the tables and counting characters).
    scanned: AtomicUsize,
}

struct Tables {
    /// The byte offset where each line starts; the first is 0.
    line_starts: Vec<usize>,
    /// The number of characters before each block of [`BLOCK`] bytes; empty when the text is
    /// ASCII (a column is then a byte difference).
    block_chars: Vec<usize>,
    /// The characters of the whole text (what is before an offset at the end, when the text
    /// is a whole number of blocks and no block starts there).
    total_chars: usize,
}

impl<T: AsRef<str>> fmt::Debug for LineIndex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineIndex")
            .field("len", &self.len)
            .field("lines", &self.tables.get().map(|t| t.line_starts.len()))
            .finish_non_exhaustive()
    }
}

impl<T: AsRef<str>> LineIndex<T> {
    /// An index over `text`. Nothing is computed until the first position is asked for.
    pub fn new(text: T) -> Self {
        Self {
            len: text.as_ref().len(),
            text,
            tables: OnceLock::new(),
            scanned: AtomicUsize::new(0),
        }
    }

    /// The text the offsets point into (empty for an index made by [`LineIndex::detached`]
    /// of an ASCII text, which does not keep it).
    pub fn text(&self) -> &str {
        self.text.as_ref()
    }

    /// How many bytes the index has looked at so far: the text once when its tables are
    /// built, and at most two blocks of a few hundred bytes per non-ASCII column. Tests use it
    /// to show that positions cost work linear in the input, without timing anything.
    pub fn scanned(&self) -> usize {
        self.scanned.load(Ordering::Relaxed)
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| {
            let bytes = self.text.as_ref().as_bytes();
            self.scanned.fetch_add(bytes.len(), Ordering::Relaxed);
            build_tables(bytes)
        })
    }
}

/// The tables of `bytes`.
fn build_tables(bytes: &[u8]) -> Tables {
    let mut line_starts = vec![0];
    line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    let mut total_chars = 0;
    let block_chars = if bytes.is_ascii() {
        total_chars = bytes.len();
        Vec::new()
    } else {
        bytes
            .chunks(BLOCK)
            .map(|block| {
                let at = total_chars;
                total_chars += chars_in(block);
                at
            })
            .collect()
    };
    Tables {
        line_starts,
        block_chars,
        total_chars,
    }
}

impl LineIndex<std::sync::Arc<str>> {
    /// An index that outlives `text` without copying it when it is ASCII (a column is then a
    /// byte difference, so the line starts are all it needs; they are computed now, in one
    /// pass). Other text is copied and indexed as [`LineIndex::new`] does. This is how a
    /// source map keeps its positions without holding a second copy of a large ASCII input.
    ///
    /// ```
    /// use itam_xml::pos::LineIndex;
    /// use itam_core::TextPos;
    ///
    /// let index = LineIndex::detached("<a>\n  <b/>\n</a>");
    /// assert_eq!(index.pos(6), TextPos { line: 2, col: 3 });
    /// assert_eq!(index.text(), "");
    /// ```
    pub fn detached(text: &str) -> Self {
        if !text.is_ascii() {
            return Self::new(std::sync::Arc::from(text));
        }
        let tables = OnceLock::new();
        let _ = tables.set(build_tables(text.as_bytes()));
        Self {
            text: std::sync::Arc::from(""),
            len: text.len(),
            tables,
            scanned: AtomicUsize::new(text.len()),
        }
    }
}

impl<T: AsRef<str>> LineIndex<T> {
    /// The line (from 1) that byte `offset` is on (offsets past the end are on the last line).
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len);
        let line = self
            .tables()
            .line_starts
            .partition_point(|&start| start <= offset);
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// The line and column of byte `offset`. An offset inside a character is the character's
    /// position; an offset past the end is the end's.
    pub fn pos(&self, offset: usize) -> TextPos {
        let text = self.text.as_ref();
        let mut offset = offset.min(self.len);
        // A detached ASCII text is all boundaries (and is not kept).
        if text.len() == self.len {
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
        }
        let tables = self.tables();
        let line = tables.line_starts.partition_point(|&start| start <= offset);
        let start = line
            .checked_sub(1)
            .and_then(|i| tables.line_starts.get(i))
            .copied()
            .unwrap_or(0);
        let chars = if tables.block_chars.is_empty() {
            offset - start
        } else {
            self.chars_between(tables, start, offset)
        };
        TextPos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(chars + 1).unwrap_or(u32::MAX),
        }
    }

    /// Characters in `text[from..to]` (both character boundaries, `from <= to`).
    fn chars_between(&self, tables: &Tables, from: usize, to: usize) -> usize {
        if to.saturating_sub(from) <= BLOCK {
            return self.count(from, to);
        }
        self.chars_before(tables, to)
            .saturating_sub(self.chars_before(tables, from))
    }

    /// Characters (non-continuation bytes) before byte `offset` (at most the text's length).
    fn chars_before(&self, tables: &Tables, offset: usize) -> usize {
        let block = offset / BLOCK;
        match tables.block_chars.get(block) {
            Some(before) => before + self.count(block * BLOCK, offset),
            // Only the end of a text of whole blocks has no block of its own.
            None => tables.total_chars,
        }
    }

    fn count(&self, from: usize, to: usize) -> usize {
        let bytes = self.text.as_ref().as_bytes().get(from..to).unwrap_or(&[]);
        self.scanned.fetch_add(bytes.len(), Ordering::Relaxed);
        chars_in(bytes)
    }
}

/// Characters starting in `bytes`: the bytes that are not UTF-8 continuation bytes.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    /// Line and column of `offset`, counted char by char from the start.
    fn naive(text: &str, offset: usize) -> TextPos {
        let (line, col) = text
            .get(..offset)
            .unwrap()
            .chars()
            .fold((1, 1), |(line, col), c| {
                if c == '\n' {
                    (line + 1, 1)
                } else {
                    (line, col + 1)
                }
            });
        TextPos { line, col }
    }

    #[test]
    fn every_offset_matches_a_char_by_char_count() {
        let piece = "ab\né😀\r\n<x a='ü'/>";
        // Long lines (more than a block) and short ones, ASCII and not.
        let texts = [
            String::new(),
            "plain ascii\nlines\n".repeat(40),
            piece.repeat(60),
            format!("{}{}", "x".repeat(3 * BLOCK + 7), "é".repeat(2 * BLOCK)),
        ];
        for text in &texts {
            let index = LineIndex::new(text.as_str());
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                assert_eq!(index.pos(offset), naive(text, offset), "offset {offset}");
                assert_eq!(index.line(offset), naive(text, offset).line);
            }
        }
    }

    /// The `swid_read` fuzz finding: the end of a non-ASCII text of a whole number of blocks,
    /// on a line longer than a block, subtracted with overflow (the end has no block).
    #[test]
    fn the_end_of_a_text_of_whole_blocks_is_after_its_last_character() {
        for len in [2 * BLOCK - 1, 2 * BLOCK, 2 * BLOCK + 1, 3 * BLOCK] {
            for lead in ["", "line\n"] {
                let text = format!("{lead}é{}", "x".repeat(len - 2 - lead.len()));
                let index = LineIndex::new(text.as_str());
                for offset in [text.len(), text.len() - 1, BLOCK, BLOCK + 1] {
                    assert_eq!(index.pos(offset), naive(&text, offset), "{len} at {offset}");
                }
            }
        }
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end() {
        let index = LineIndex::new("é\nb");
        assert_eq!(index.pos(1), TextPos { line: 1, col: 1 });
        assert_eq!(index.pos(99), TextPos { line: 2, col: 2 });
    }

    #[test]
    fn nothing_is_scanned_until_asked() {
        let index = LineIndex::new("<a/>\n".repeat(10));
        assert_eq!(index.scanned(), 0);
        let _ = index.pos(7);
        assert_eq!(index.scanned(), 50);
    }
}
