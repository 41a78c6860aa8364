//! `ls`: every segment, filtered, sorted, as a table, JSON, raw rows or OpenMetrics; once
//! or refreshed in place.

use crate::error::{Result, Status};
use crate::gather::{limits, listing};
use crate::model::{Listing, Segment};
use crate::output::{self, Output};
use crate::render::Format;
use crate::render::columns::Column;
use crate::render::info::unreadable_note;
use crate::render::ls::{Look, Ls, Watched, attach_note, marks};
use crate::render::watch::Frame;
use crate::signals;
use crate::units::duration_text;
use std::collections::HashMap;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Settings {
    pub columns: Vec<Column>,
    pub look: Look,
    pub query: listing::Query,
    pub sort: Option<Column>,
    pub reverse: bool,
    /// Refresh every this long until Ctrl-C.
    pub watch: Option<Duration>,
}

/// The listing, in the order asked for.
fn gather(settings: &Settings) -> Result<Listing> {
    let mut listing = listing::gather(&settings.query)?;
    if let Some(column) = settings.sort {
        listing.segments.sort_by(|a, b| column.compare(a, b));
    }
    if settings.reverse {
        listing.segments.reverse();
    }
    Ok(listing)
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    if let Some(period) = settings.watch {
        return watch(settings, period, out);
    }
    let listing = gather(settings)?;
    let limits = if out.format() == Format::OpenMetrics {
        limits::gather().ok()
    } else {
        None
    };
    out.show(&Ls {
        listing: &listing,
        columns: &settings.columns,
        limits: limits.as_ref(),
        look: settings.look,
    })?;
    if out.format() == Format::Table {
        if !listing.unreadable.is_empty() {
            output::note(unreadable_note(&listing.unreadable));
        }
        if !listing.attached.is_empty() {
            output::note(attach_note(&listing.attached));
        }
    }
    Ok(Status::Ok)
}

fn watch(settings: &Settings, period: Duration, out: &mut Output) -> Result<Status> {
    signals::install()?;
    let mut previous: Option<HashMap<i32, Segment>> = None;
    loop {
        let listing = gather(settings)?;
        let (marks, vanished) = match &previous {
            Some(p) => marks(p, &listing.segments),
            None => (Vec::new(), Vec::new()),
        };
        out.show_now(&Frame {
            heading: format!(
                "{} segments, every {}; + appeared, - vanished, ~ nattch changed; Ctrl-C to stop",
                listing.segments.len(),
                duration_text(period)
            ),
            body: &Watched {
                listing: &listing,
                columns: &settings.columns,
                look: settings.look,
                marks: &marks,
                vanished: &vanished,
            },
        })?;
        previous = Some(
            listing
                .segments
                .into_iter()
                .map(|s| (s.shmid.0, s))
                .collect(),
        );
        if !signals::sleep(period) {
            return Ok(Status::Interrupted);
        }
    }
}
