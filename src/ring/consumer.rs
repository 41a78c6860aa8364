//! The consumer: `sem_wait(filled)`, read at tail, `sem_post(free)`, as the document does,
//! without its `sleep(1)` race, with optional verification and removal when done.

use super::lock::{self, Role};
use super::open;
use super::shared::{Acquire, Ring};
use super::verify::Squares;
use super::{Location, Progress, Summary};
use crate::cli::ConsumeArgs;
use crate::error::{Error, Result, Status};
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
    pub quiet: bool,
    pub json: bool,
    pub batch: bool,
}

impl Settings {
    pub fn from_args(a: ConsumeArgs) -> Settings {
        Settings {
            location: Location::from_args(&a.run.location),
            count: a.run.count,
            interval: a.interval,
            verify: a.verify,
            timeout: a.timeout,
            remove_when_done: a.remove_when_done,
            quiet: a.run.quiet || a.run.json,
            json: a.run.json,
            batch: a.run.batch,
        }
    }
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
    let opened = open::for_consumer(&settings.location, settings.timeout)?;
    let _role = lock::take(opened.id, Role::Consumer)?;
    let ring = Ring::new(&opened.attachment).ok_or_else(|| {
        Error::new(
            Status::InvalidRing,
            format!("segment {}: cannot map the ring", opened.id),
        )
    })?;
    let sys = |e: crate::sys::SysError| Error::other(format!("segment {}: {e}", opened.id));
    let start = Instant::now();
    let mut summary = Summary::new("consumer", opened.id, opened.key, settings.verify);
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
                        "segment {}: no item for {:?} after {} items",
                        opened.id,
                        settings.timeout.unwrap_or_default(),
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
                format!(
                    "segment {}: verification failed: {}",
                    opened.id, why.message
                ),
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
        shm::remove(opened.id).map_err(|e| Error::sys(format!("segment {}", opened.id), e))?;
        // A killed producer's lock file goes with the ring (ours is held, so it stays
        // until this run releases it).
        lock::remove_stale(opened.id);
        summary.removed = true;
    }
    Ok((summary, status, failure))
}
