//! Progress bars for long work (many files, large estates), drawn with `indicatif` on standard
//! error, and only there: standard output is the command's result and never carries a bar.
//!
//! A bar is drawn only when standard error is a terminal and `--quiet` was not given; otherwise
//! a [`Progress`] is hidden and every call on it does nothing, so a piped or redirected run
//! prints exactly what it printed before bars existed. A visible bar is cleared when it is
//! finished (or dropped, on an early return), so what stays on the terminal is the command's
//! own output.
//!
//! One bar is drawn at a time. While it is, [`suspend`] hides it around a write to the terminal
//! ([`crate::report::print`] and [`crate::report::warn`] go through it), so a line printed in
//! the middle of the work is not torn by the bar.

use std::borrow::Cow;
use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Set once from `--quiet`, before any bar is made.
static QUIET: AtomicBool = AtomicBool::new(false);

/// The bar being drawn, with the id of the [`Progress`] that owns it.
static ACTIVE: Mutex<Option<(u64, ProgressBar)>> = Mutex::new(None);

/// Ids of visible bars, so that a finished bar never clears a later one from [`ACTIVE`].
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// The bar's layout: label, bar, count, estimated time left, and the current step's message.
const TEMPLATE: &str = "{prefix} [{bar:30}] {pos}/{len} ({eta}) {msg}";

/// Records the global `--quiet` flag: no bar is drawn after `set_quiet(true)`.
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether a bar is drawn: on a terminal, unless the user asked for quiet.
const fn visible(quiet: bool, terminal: bool) -> bool {
    !quiet && terminal
}

/// Runs `f` (a write to standard output or error) with the bar being drawn, if any, taken off
/// the terminal meanwhile and drawn again after; with no bar, just runs `f`.
pub(crate) fn suspend<R>(f: impl FnOnce() -> R) -> R {
    let bar = ACTIVE
        .lock()
        .ok()
        .and_then(|active| active.as_ref().map(|(_, bar)| bar.clone()));
    match bar {
        Some(bar) => bar.suspend(f),
        None => f(),
    }
}

/// A progress bar over a known number of steps (files, estate items, phases), or nothing.
///
/// Hidden (every call does nothing) when standard error is not a terminal or `--quiet` was
/// given; see the module docs.
#[derive(Debug)]
pub(crate) struct Progress {
    /// The bar and its id in [`ACTIVE`]; `None` when hidden.
    bar: Option<(u64, ProgressBar)>,
}

impl Progress {
    /// A bar of `len` steps labelled `label` (`validating`, `reading`…) on standard error, or a
    /// hidden one (see the type's docs). A visible bar is drawn at once, at 0.
    pub(crate) fn new(len: usize, label: &'static str) -> Self {
        if !visible(
            QUIET.load(Ordering::Relaxed),
            std::io::stderr().is_terminal(),
        ) {
            return Self::hidden();
        }
        // indicatif hides it again where the terminal cannot draw it (`TERM` unset or dumb).
        let progress = Self::to(len, label, ProgressDrawTarget::stderr());
        if let (Some((id, bar)), Ok(mut active)) = (&progress.bar, ACTIVE.lock()) {
            *active = Some((*id, bar.clone()));
        }
        progress
    }

    /// A progress that draws nothing and counts nothing.
    pub(crate) const fn hidden() -> Self {
        Self { bar: None }
    }

    /// A bar that counts but draws nothing, for tests of what drives a bar.
    #[cfg(test)]
    pub(crate) fn counting(len: usize) -> Self {
        Self::to(len, "counting", ProgressDrawTarget::hidden())
    }

    /// A bar drawn to `target` (not made the one [`suspend`] knows of).
    fn to(len: usize, label: &'static str, target: ProgressDrawTarget) -> Self {
        let style = ProgressStyle::with_template(TEMPLATE).map_or_else(
            |_| ProgressStyle::default_bar(),
            |s| s.progress_chars("=> "),
        );
        let bar =
            ProgressBar::with_draw_target(Some(u64::try_from(len).unwrap_or(u64::MAX)), target)
                .with_style(style)
                .with_prefix(label);
        bar.tick();
        Self {
            bar: Some((NEXT_ID.fetch_add(1, Ordering::Relaxed), bar)),
        }
    }

    /// One step done.
    pub(crate) fn inc(&self) {
        if let Some((_, bar)) = &self.bar {
            bar.inc(1);
        }
    }

    /// Names the step under way (a phase: `generating`, `allocating`…), shown after the count.
    pub(crate) fn set_message(&self, message: impl Into<Cow<'static, str>>) {
        if let Some((_, bar)) = &self.bar {
            bar.set_message(message);
        }
    }

    /// The steps done so far (0 for a hidden progress, which counts nothing).
    #[cfg(test)]
    pub(crate) fn position(&self) -> u64 {
        self.bar.as_ref().map_or(0, |(_, bar)| bar.position())
    }

    /// Whether nothing is drawn or counted.
    #[cfg(test)]
    const fn is_hidden(&self) -> bool {
        self.bar.is_none()
    }

    /// The work is done: the bar is cleared from the terminal (dropping it does the same).
    pub(crate) fn finish(self) {
        drop(self);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        let Some((id, bar)) = self.bar.take() else {
            return;
        };
        if let Ok(mut active) = ACTIVE.lock() {
            if active.as_ref().is_some_and(|(current, _)| *current == id) {
                *active = None;
            }
        }
        bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use indicatif::TermLike;

    use super::*;

    /// A terminal that keeps what is drawn on it: the text written, and how often a line was
    /// cleared.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<(String, usize)>>);

    impl Screen {
        fn text(&self) -> String {
            self.0.lock().map(|s| s.0.clone()).unwrap_or_default()
        }

        fn clears(&self) -> usize {
            self.0.lock().map(|s| s.1).unwrap_or_default()
        }

        fn write(&self, text: &str) {
            if let Ok(mut s) = self.0.lock() {
                s.0.push_str(text);
            }
        }
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write(s);
            self.write("\n");
            Ok(())
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.write(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            if let Ok(mut s) = self.0.lock() {
                s.1 += 1;
            }
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_bar_is_drawn_only_on_a_terminal_and_without_quiet() {
        assert!(visible(false, true));
        assert!(!visible(true, true));
        assert!(!visible(false, false));
        assert!(!visible(true, false));
    }

    #[test]
    fn a_hidden_progress_does_nothing() {
        let progress = Progress::hidden();
        assert!(progress.is_hidden());
        for _ in 0..5 {
            progress.inc();
        }
        progress.set_message("anything");
        assert_eq!(progress.position(), 0);
        progress.finish();
        // With no bar being drawn, suspend only runs the write.
        assert_eq!(suspend(|| 42), 42);
    }

    #[test]
    fn a_visible_bar_counts_draws_its_label_and_count_and_is_cleared() {
        let screen = Screen::default();
        // No rate limit: every step is drawn, so the test sees each one.
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let progress = Progress::to(10, "validating", target);
        assert!(!progress.is_hidden());
        assert!(screen.text().contains("validating ["), "{}", screen.text());
        assert!(screen.text().contains("0/10"), "{}", screen.text());
        for _ in 0..3 {
            progress.inc();
        }
        assert_eq!(progress.position(), 3);
        progress.set_message("step four");
        let drawn = screen.text();
        assert!(drawn.contains("3/10"), "{drawn}");
        assert!(drawn.contains("step four"), "{drawn}");
        assert!(!drawn.contains("4/10"), "{drawn}");

        let clears = screen.clears();
        progress.finish();
        assert!(screen.clears() > clears, "finishing clears the bar");
    }

    #[test]
    fn a_bar_made_by_new_in_a_test_is_hidden() {
        // The test harness's standard error is captured, not a terminal, unless run with
        // --nocapture on one; either way a quiet progress is hidden.
        set_quiet(true);
        let progress = Progress::new(3, "reading");
        assert!(progress.is_hidden());
        progress.inc();
        assert_eq!(progress.position(), 0);
        set_quiet(false);
    }
}
