//! `ring bench`: run the comparison and show it.

use crate::bench;
use crate::error::{Result, Status};
use crate::output::{self, Output};
use crate::render::Format;
use crate::signals;

pub fn run(settings: &bench::Settings, out: &mut Output) -> Result<Status> {
    signals::install()?;
    let quiet = out.format() == Format::Json;
    let report = bench::run(settings, &mut |msg| {
        if !quiet {
            output::note(msg);
        }
    });
    // Ctrl-C reaches the peers too (one process group): they end, and so does the run.
    let report = match report {
        Err(e) if e.status == Status::Interrupted || signals::stop_requested() => {
            return Ok(Status::Interrupted);
        }
        other => other?,
    };
    out.show_now(&report)?;
    bench::verdict(&report)
}

/// `ring bench-peer`: one end of a run, started by `ring bench`.
pub fn peer(settings: &bench::peer::PeerSettings, out: &mut Output) -> Result<Status> {
    bench::peer::run(settings, out.writer())
}
