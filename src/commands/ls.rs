//! `ls`: every segment, filtered, sorted, as a table, JSON, raw rows or OpenMetrics (as
//! `metrics` prints it); once or refreshed in place.

use crate::commands::metrics;
use crate::error::{Result, Status};
use crate::gather::listing;
use crate::model::{Listing, Segment};
use crate::output::{self, Output};
use crate::render::Format;
use crate::render::columns::Column;
use crate::render::info::unreadable_note;
use crate::render::ls::{Look, Ls, Watched, attach_note, left_out_note, marks, not_entered_note};
use crate::render::openmetrics::Dialect;
use crate::render::rm::unknown_creators_note;
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
    if out.format() == Format::OpenMetrics {
        // What `metrics` prints, for the segments chosen here.
        return metrics::run(
            &metrics::Settings {
                query: settings.query.clone(),
                aggregate: false,
                target: metrics::Target::Stdout,
                dialect: Dialect::OpenMetrics,
            },
            out,
        );
    }
    let listing = gather(settings)?;
    let ls = Ls {
        listing: &listing,
        columns: &settings.columns,
        look: settings.look,
    };
    out.show(&ls)?;
    if out.format() == Format::Table {
        let left_out = ls.left_out(out.view());
        if !left_out.is_empty() {
            output::note(left_out_note(&left_out, out.view()));
        }
        if !listing.unreadable.is_empty() {
            output::note(unreadable_note(&listing.unreadable));
        }
        if !listing.attached.is_empty() {
            output::note(attach_note(&listing.attached));
        }
    }
    if !listing.not_entered.is_empty() || listing.hidden_processes > 0 {
        output::note(not_entered_note(
            &listing.not_entered,
            listing.hidden_processes,
        ));
    }
    if !listing.unknown_creators.is_empty() {
        output::note(unknown_creators_note(&listing.unknown_creators));
    }
    Ok(Status::Ok)
}

fn watch(settings: &Settings, period: Duration, out: &mut Output) -> Result<Status> {
    signals::install()?;
    let mut previous: Option<HashMap<i32, Segment>> = None;
    let mut said_left_out = false;
    loop {
        let listing = gather(settings)?;
        let (marks, vanished) = match &previous {
            Some(p) => marks(p, &listing.segments),
            None => (Vec::new(), Vec::new()),
        };
        out.refresh_clock();
        let watched = Watched {
            listing: &listing,
            columns: &settings.columns,
            look: settings.look,
            marks: &marks,
            vanished: &vanished,
        };
        out.show_now(&Frame {
            heading: format!(
                "{} segments, every {}; + appeared, - vanished, ~ nattch changed; Ctrl-C to stop",
                listing.segments.len(),
                duration_text(period)
            ),
            body: &watched,
            clear: out.is_terminal(),
        })?;
        if !said_left_out && out.format() == Format::Table {
            let left_out = watched.left_out(out.view());
            if !left_out.is_empty() {
                output::note(left_out_note(&left_out, out.view()));
                said_left_out = true;
            }
        }
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
