//! `ring produce` and `ring consume`: run an end of the ring and show its progress.

use crate::error::{Result, Status};
use crate::render::json;
use crate::ring::{Progress, Summary, consumer, producer};
use crate::signals;
use crate::units;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};

/// Runs longer than this many items show a progress bar on a terminal instead of lines.
const LONG_RUN: u64 = 1000;

enum Display<'a> {
    Lines {
        out: &'a mut dyn Write,
        verb: &'static str,
        noun: &'static str,
        error: Option<std::io::Error>,
    },
    Bar(ProgressBar),
    Quiet,
}

impl Progress for Display<'_> {
    fn item(&mut self, value: i32, count_after: i32) {
        match self {
            Display::Lines {
                out,
                verb,
                noun,
                error,
            } => {
                // Each line is shown as it happens (a student watches the ring move).
                if error.is_none()
                    && let Err(e) = writeln!(out, "{verb}: {value} ({noun} {count_after})")
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

fn display<'a>(out: &'a mut dyn Write, quiet: bool, count: u64, producing: bool) -> Display<'a> {
    if quiet {
        return Display::Quiet;
    }
    if std::io::stdout().is_terminal() && (count == 0 || count > LONG_RUN) {
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
    let (verb, noun) = if producing {
        ("produced", "total")
    } else {
        ("consumed", "left")
    };
    Display::Lines {
        out,
        verb,
        noun,
        error: None,
    }
}

fn report(summary: &Summary, as_json: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if as_json {
        return json::write(out, summary);
    }
    let verb = if summary.role == "producer" {
        "produced"
    } else {
        "consumed"
    };
    writeln!(
        out,
        "{verb} {} items in {:.3} s ({} items/s), checksum {}{}{}{}",
        summary.items,
        summary.elapsed_s,
        units::human_count(summary.items_per_s),
        summary.checksum,
        match summary.verified {
            Some(true) => ", verified",
            _ => "",
        },
        if summary.interrupted {
            ", interrupted"
        } else {
            ""
        },
        if summary.removed {
            format!(", segment {} removed", summary.shmid)
        } else {
            String::new()
        }
    )
}

fn finish(display: Display<'_>) -> std::io::Result<()> {
    match display {
        Display::Bar(bar) => {
            bar.finish_and_clear();
            Ok(())
        }
        Display::Lines { error: Some(e), .. } => Err(e),
        _ => Ok(()),
    }
}

pub fn produce(settings: &producer::Settings, out: &mut dyn Write) -> Result<Status> {
    signals::install()?;
    let mut shown = display(out, settings.quiet, settings.count, true);
    let result = producer::run(settings, &mut shown);
    finish(shown)?;
    let (summary, status) = result?;
    report(&summary, settings.json, out)?;
    Ok(status)
}

pub fn consume(settings: &consumer::Settings, out: &mut dyn Write) -> Result<Status> {
    signals::install()?;
    let mut shown = display(out, settings.quiet, settings.count, false);
    let result = consumer::run(settings, &mut shown);
    finish(shown)?;
    let (summary, status, failure) = result?;
    report(&summary, settings.json, out)?;
    if let Some(e) = failure {
        out.flush()?;
        return Err(e);
    }
    Ok(status)
}
