//! How a ring run shows its items as they move: a line each (a student watches the ring
//! move), a progress bar for long runs on a terminal, or nothing.

use crate::render::ring::item_line;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;

/// Per-item events for whoever displays a run.
pub trait Progress {
    fn item(&mut self, value: i32, count_after: i32);
    /// False when [`Progress::item`] shows nothing, so a run can skip the call per item.
    fn shows_items(&self) -> bool {
        true
    }
}

/// Runs longer than this many items show a progress bar on a terminal instead of lines.
const LONG_RUN: u64 = 1000;

pub enum Display<'a> {
    Lines {
        out: &'a mut dyn Write,
        producing: bool,
        /// The first write that failed; the run stops showing lines after it.
        error: Option<std::io::Error>,
    },
    Bar(ProgressBar),
    Quiet,
}

impl<'a> Display<'a> {
    /// The display for a run of `count` items (0: until stopped) writing to `out`.
    pub fn new(
        out: &'a mut dyn Write,
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
        Display::Lines {
            out,
            producing,
            error: None,
        }
    }

    /// End the display: clear the bar, or give back the first write that failed.
    pub fn finish(self) -> std::io::Result<()> {
        match self {
            Display::Bar(bar) => {
                bar.finish_and_clear();
                Ok(())
            }
            Display::Lines { error: Some(e), .. } => Err(e),
            _ => Ok(()),
        }
    }
}

impl Progress for Display<'_> {
    fn item(&mut self, value: i32, count_after: i32) {
        match self {
            Display::Lines {
                out,
                producing,
                error,
            } => {
                if error.is_none()
                    && let Err(e) = writeln!(out, "{}", item_line(*producing, value, count_after))
                        .and_then(|()| out.flush())
                {
                    *error = Some(e);
                }
            }
            Display::Bar(bar) => bar.inc(1),
            Display::Quiet => {}
        }
    }

    fn shows_items(&self) -> bool {
        !matches!(self, Display::Quiet)
    }
}
