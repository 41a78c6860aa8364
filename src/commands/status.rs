//! `status [ID]`: the ring decoded from /proc plus a live read-only attach; once, or
//! refreshed until Ctrl-C.

use crate::error::{Result, Status};
use crate::gather::ring_status::Inspector;
use crate::ids::SegmentRef;
use crate::model::ring::RingStatus;
use crate::model::ring::State;
use crate::output::Output;
use crate::render::watch::Frame;
use crate::signals;
use crate::units::duration_text;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Settings {
    /// The ring's segment (the document's key when none was named).
    pub target: SegmentRef,
    pub watch: Option<Duration>,
}

fn exit_status(s: &RingStatus) -> Status {
    if s.state == State::Consistent {
        Status::Ok
    } else {
        Status::InvalidRing
    }
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    let id = settings.target.resolve()?;
    // One way in for the whole command: at most one attach, however many refreshes.
    let mut ring = Inspector::open(id)?;
    let Some(period) = settings.watch else {
        let s = ring.gather()?;
        out.show(&s)?;
        return Ok(exit_status(&s));
    };
    signals::install()?;
    loop {
        let s = ring.gather()?;
        out.refresh_clock();
        out.show_now(&Frame {
            heading: format!("every {}; Ctrl-C to stop", duration_text(period)),
            body: &s,
            clear: out.is_terminal(),
        })?;
        if !signals::sleep(period) {
            return Ok(Status::Interrupted);
        }
    }
}
