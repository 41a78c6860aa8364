//! How a ring run shows its items as they move: a line each (a student watches the ring
//! move), a progress bar for long runs on a terminal, or nothing.

use super::stream::Sink;
use crate::render::ring::item_line;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;

/// Per-item events for whoever displays a run.
pub trait Progress {
    /// Show one item; `Err` when it could not be written (the run stops there). `claim`
    /// runs once the item is about to be written and nothing but the write is left to
    /// fail (or at once, when nothing is written): a consumer claims the item there.
    fn item(
        &mut self,
        value: i32,
        count_after: i32,
        claim: &mut dyn FnMut(),
    ) -> std::io::Result<()>;
    /// False when [`Progress::item`] shows nothing, so a run can skip the call per item.
    fn shows_items(&self) -> bool {
        true
    }
    /// True when each item is written out and the write can fail (a line per item), so a
    /// consumer hands items over one at a time and frees each only once it was written.
    fn writes_items(&self) -> bool {
        false
    }

    /// The lines go to a reader that went away: a run waiting for the ring stops, as it
    /// would at its next line.
    fn reader_gone(&self) -> bool {
        false
    }
}

/// Runs longer than this many items show a progress bar on a terminal instead of lines.
const LONG_RUN: u64 = 1000;

pub enum Display<'a> {
    Lines {
        out: &'a mut dyn Sink,
        producing: bool,
    },
    Bar(ProgressBar),
    Quiet,
}

impl<'a> Display<'a> {
    /// The display for a run of `count` items (0: until stopped) writing to `out`.
    pub fn new(
        out: &'a mut dyn Sink,
        terminal: bool,
        quiet: bool,
        count: u64,
        producing: bool,
    ) -> Display<'a> {
        if quiet {
            return Display::Quiet;
        }
        if terminal && (count == 0 || count > LONG_RUN) {
            let bar = if count == 0 {
                ProgressBar::new_spinner()
            } else {
                ProgressBar::new(count)
            };
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} [{bar:40}] {human_pos}/{human_len} items ({percent}%), eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(if producing { "producing" } else { "consuming" });
            return Display::Bar(bar);
        }
        Display::Lines { out, producing }
    }

    /// End the display: clear the bar.
    pub fn finish(self) {
        if let Display::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Display<'_> {
    fn item(
        &mut self,
        value: i32,
        count_after: i32,
        claim: &mut dyn FnMut(),
    ) -> std::io::Result<()> {
        match self {
            Display::Lines { out, producing } => {
                let line = format!("{}\n", item_line(*producing, value, count_after));
                out.ready()?;
                claim();
                out.write_all(line.as_bytes())?;
                out.flush()
            }
            Display::Bar(bar) => {
                claim();
                bar.inc(1);
                Ok(())
            }
            Display::Quiet => {
                claim();
                Ok(())
            }
        }
    }

    fn shows_items(&self) -> bool {
        !matches!(self, Display::Quiet)
    }

    fn writes_items(&self) -> bool {
        matches!(self, Display::Lines { .. })
    }

    fn reader_gone(&self) -> bool {
        matches!(self, Display::Lines { out, .. } if out.reader_gone())
    }
}
