//! The collector thread: one refresh every interval (or at once when asked), sent to the
//! main loop as an event. It owns everything that reads the kernel, so the screen stays
//! responsive to keys while a refresh runs.

use super::Event;
use crate::gather::overview::{Gatherer, Request};
use crate::model::object::ObjectId;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// What the main loop asks of the collector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Control {
    /// Refresh now (after a removal, say).
    Refresh,
    /// Stop refreshing on the interval (`true`) or go on.
    Pause(bool),
    /// Gather this object in full from now on (`None`: stop), and refresh now.
    Detail(Option<ObjectId>),
}

/// Run the collector until the main loop goes away (its end of either channel closes).
pub fn run(
    mut request: Request,
    interval: Duration,
    control: Receiver<Control>,
    events: Sender<Event>,
) {
    let mut gatherer = Gatherer::new();
    let mut paused = false;
    let mut due = true;
    loop {
        if due {
            let started = Instant::now();
            let event = match gatherer.refresh(&request) {
                Ok(overview) => Event::Refreshed(Box::new(overview), started),
                Err(e) => Event::RefreshFailed(e.message),
            };
            if events.send(event).is_err() {
                return;
            }
        }
        let next = Instant::now() + interval;
        due = false;
        while !due {
            let wait = if paused {
                Duration::from_secs(3600)
            } else {
                next.saturating_duration_since(Instant::now())
            };
            match control.recv_timeout(wait) {
                Ok(Control::Refresh) => due = true,
                Ok(Control::Pause(p)) => paused = p,
                Ok(Control::Detail(d)) => {
                    request.detail = d;
                    due = true;
                }
                Err(RecvTimeoutError::Timeout) => due = !paused,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}
