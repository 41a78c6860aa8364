//! The consumer: `sem_wait(filled)`, read at tail, `sem_post(free)`, as the document does,
//! without its `sleep(1)` race, with optional verification and removal when done.

use super::Location;
use super::role::{self, Join};
use super::shared::Acquire;
use super::verify::Squares;
use crate::error::{Error, Result, Status};
use crate::model::ring::Summary;
use crate::output::progress::Progress;
use crate::signals;
use crate::sys::shm;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Settings {
    pub location: Location,
    pub count: u64,
    pub interval: Duration,
    pub verify: bool,
    pub timeout: Option<Duration>,
    pub remove_when_done: bool,
    /// No line per item (the summary only).
    pub quiet: bool,
    pub batch: bool,
}

/// Account for one consumed item (and show it, when the progress shows items); `Err` on
/// the first gap or duplicate under --verify.
fn take(
    summary: &mut Summary,
    squares: &mut Squares,
    verify: bool,
    value: i32,
    left: i32,
    show: bool,
    progress: &mut dyn Progress,
) -> std::result::Result<(), Error> {
    summary.record(value);
    if show {
        progress.item(value, left);
    }
    if verify {
        squares
            .check(value)
            .map_err(|why| Error::new(Status::InvalidRing, why))?;
    }
    Ok(())
}

/// Consume `settings.count` items. A failed verification ends the run with its message.
pub fn run(
    settings: &Settings,
    progress: &mut dyn Progress,
) -> Result<(Summary, Status, Option<Error>)> {
    let joined = role::join(
        settings.location,
        Join::Consumer {
            timeout: settings.timeout,
        },
    )?;
    let ring = joined.ring()?;
    let sys = |e| joined.failed(e);
    let id = joined.id();
    let start = Instant::now();
    let mut summary = Summary::new("consumer", id, joined.key(), settings.verify);
    let mut squares = Squares::default();
    let mut failure = None;
    let mut status = Status::Ok;
    let shows = progress.shows_items();
    while settings.count == 0 || summary.items < settings.count {
        let deadline = settings.timeout.map(|t| Instant::now() + t);
        let got = if settings.batch {
            let max = if settings.count == 0 {
                u64::MAX
            } else {
                settings.count - summary.items
            };
            let mut left = ring.count.load(std::sync::atomic::Ordering::Relaxed);
            ring.pop_batch(max, deadline, |value| {
                // After a failed check the rest of the batch is still accounted and shown.
                left -= 1;
                let verify = settings.verify && failure.is_none();
                if let Err(e) = take(
                    &mut summary,
                    &mut squares,
                    verify,
                    value,
                    left,
                    shows,
                    progress,
                ) {
                    failure = Some(e);
                }
            })
            .map_err(sys)?
        } else {
            match ring.take_filled(deadline).map_err(sys)? {
                Acquire::Got => {
                    let (value, count) = ring.pop().map_err(sys)?;
                    if let Err(e) = take(
                        &mut summary,
                        &mut squares,
                        settings.verify,
                        value,
                        count,
                        shows,
                        progress,
                    ) {
                        failure = Some(e);
                    }
                    1
                }
                Acquire::Stopped | Acquire::TimedOut => 0,
            }
        };
        if got == 0 {
            if signals::stop_requested() {
                summary.interrupted = true;
                status = Status::Interrupted;
            } else {
                status = Status::TimedOut;
                failure = Some(Error::new(
                    Status::TimedOut,
                    format!(
                        "segment {id}: no item for {} after {} items",
                        crate::units::duration_text(settings.timeout.unwrap_or_default()),
                        summary.items
                    ),
                ));
            }
            break;
        }
        if let Some(why) = failure.take() {
            summary.verified = Some(false);
            status = Status::InvalidRing;
            failure = Some(Error::new(
                Status::InvalidRing,
                format!("segment {id}: verification failed: {}", why.message),
            ));
            break;
        }
        if !signals::sleep(settings.interval) {
            summary.interrupted = true;
            status = Status::Interrupted;
            break;
        }
    }
    summary.finish(start);
    if settings.remove_when_done && status == Status::Ok {
        shm::remove(id).map_err(|e| Error::sys(format!("segment {id}"), e))?;
        summary.removed = true;
    }
    Ok((summary, status, failure))
}
