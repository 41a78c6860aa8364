//! `ring produce`, `ring consume` and `ring repair`: run an end of the ring and show its
//! progress, or give back what killed ends stranded.

use crate::error::{Result, Status};
use crate::gather::holders;
use crate::output::Output;
use crate::output::progress::Display;
use crate::ring::{Outcome, consumer, producer, repair};
use crate::signals;

/// Show how a run ended: its summary (unless stdout is what failed), then its error.
fn finish(outcome: Outcome, out: &mut Output) -> Result<Status> {
    if outcome.output_failed {
        return Err(outcome
            .failure
            .unwrap_or_else(crate::error::Error::interrupted));
    }
    out.show(&outcome.summary)?;
    if let Some(e) = outcome.failure {
        out.flush()?;
        return Err(e);
    }
    Ok(outcome.status)
}

pub fn produce(settings: &producer::Settings, out: &mut Output) -> Result<Status> {
    signals::install()?;
    let terminal = out.is_terminal();
    let mut shown = Display::new(out.writer(), terminal, settings.quiet, settings.count, true);
    let result = producer::run(settings, &mut shown);
    shown.finish();
    finish(result?, out)
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
    shown.finish();
    finish(result?, out)
}

/// `ring repair ID`.
pub fn repair(settings: &RepairSettings, out: &mut Output) -> Result<Status> {
    let id = settings.target.resolve()?;
    let report = repair::run(
        &repair::Settings {
            id,
            force: settings.force,
            dry_run: settings.dry_run,
        },
        holders::others_attached,
    )?;
    out.show(&report)?;
    Ok(Status::Ok)
}

/// `ring repair`'s checked settings.
#[derive(Clone, Debug)]
pub struct RepairSettings {
    /// The ring's segment (the document's key when none was named).
    pub target: crate::ids::SegmentRef,
    pub force: bool,
    pub dry_run: bool,
}
