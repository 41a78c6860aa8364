//! `ring produce` and `ring consume`: run an end of the ring and show its progress.

use crate::error::{Result, Status};
use crate::output::Output;
use crate::output::progress::Display;
use crate::ring::{consumer, producer};
use crate::signals;

pub fn produce(settings: &producer::Settings, out: &mut Output) -> Result<Status> {
    signals::install()?;
    let terminal = out.is_terminal();
    let mut shown = Display::new(out.writer(), terminal, settings.quiet, settings.count, true);
    let result = producer::run(settings, &mut shown);
    shown.finish()?;
    let (summary, status) = result?;
    out.show(&summary)?;
    Ok(status)
}

pub fn consume(settings: &consumer::Settings, out: &mut Output) -> Result<Status> {
    signals::install()?;
    let terminal = out.is_terminal();
    let mut shown = Display::new(
        out.writer(),
        terminal,
        settings.quiet,
        settings.count,
        false,
    );
    let result = consumer::run(settings, &mut shown);
    shown.finish()?;
    let (summary, status, failure) = result?;
    out.show(&summary)?;
    if let Some(e) = failure {
        out.flush()?;
        return Err(e);
    }
    Ok(status)
}
