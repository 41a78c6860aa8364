//! The consumer: `sem_wait(filled)`, read at tail, `sem_post(free)`, as the document does,
//! without its `sleep(1)` race, with optional verification and removal when done. An
//! item leaves the ring only once it was shown (see `shared`'s notes on the protocol).

use super::role::{self, Join};
use super::shared::{Acquire, Delivery, Popped};
use super::verify::Squares;
use super::{Location, Outcome, output_failed};
use crate::error::{Error, Result, Status};
use crate::model::ring::Summary;
use crate::output::progress::Progress;
use crate::signals;
use crate::sys::shm::{self, ShmId};
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
    /// How long a waiting end polls before it sleeps (`--spin`).
    pub spin: Option<Duration>,
}

/// How long one wait for an item lasts before the consumer looks whether its reader left.
const ROUND: Duration = Duration::from_millis(250);

/// Why a run stopped before its count.
enum Stop {
    /// The item could not be written to stdout.
    Output(std::io::Error),
    /// `--verify` found a gap or a duplicate.
    Verify(String),
}

/// The error for a wait that timed out: the ring was removed under the consumer (3), or
/// no item came (8).
fn timed_out(id: ShmId, timeout: Duration, items: u64) -> Error {
    let waited = crate::units::duration_text(timeout);
    match shm::stat(id) {
        Ok(s) if !s.is_destroyed() => Error::new(
            Status::TimedOut,
            format!("segment {id}: no item for {waited} after {items} items"),
        ),
        _ => Error::new(
            Status::NoSuchSegment,
            format!(
                "segment {id}: no item for {waited} after {items} items, and the segment was removed (rm) meanwhile: no producer can find it any more"
            ),
        ),
    }
}

/// Consume `settings.count` items. A failed verification, a failed write or a wait that
/// timed out ends the run with its error.
pub fn run(settings: &Settings, progress: &mut dyn Progress) -> Result<Outcome> {
    let joined = role::join(
        settings.location,
        Join::Consumer {
            timeout: settings.timeout,
        },
    )?;
    if let Some(spin) = settings.spin {
        super::shared::set_spin(spin);
    }
    let ring = joined.ring()?;
    let sys = |e| joined.failed(e);
    let id = joined.id();
    let start = Instant::now();
    let mut summary = Summary::new("consumer", id, joined.key(), settings.verify);
    let mut squares = Squares::default();
    let mut status = Status::Ok;
    let mut failure = None;
    let mut output_error = false;
    let shows = progress.shows_items();
    // Items that are written out go one at a time, each freed once written; items that
    // are only counted (or drawn as a bar) go in batches.
    let one_by_one = !settings.batch || progress.writes_items();
    // How long the current wait for an item has lasted, in rounds.
    let mut waited = Duration::ZERO;
    while settings.count == 0 || summary.items < settings.count {
        // Waits go in rounds, so that a run learns between them whether its reader left.
        let round = match settings.timeout {
            Some(t) => t.saturating_sub(waited).min(ROUND),
            None => ROUND,
        };
        let timeout = Some(round);
        let popped = if !shows && !settings.batch {
            let mut verdict = None;
            let got = ring
                .pop_counted(timeout, |value| {
                    summary.record(value);
                    if settings.verify
                        && let Err(why) = squares.check(value)
                    {
                        verdict = Some(Stop::Verify(why));
                    }
                })
                .map_err(sys)?;
            match (got, verdict) {
                (Acquire::Got, Some(why)) => Popped::Ended { moved: 1, why },
                (Acquire::Got, None) => Popped::Moved(1),
                (Acquire::Stopped, _) => Popped::Stopped,
                (Acquire::TimedOut, _) => Popped::TimedOut,
            }
        } else if one_by_one {
            ring.pop_one(timeout, shows, |value, left, claim| {
                if let Err(e) = progress.item(value, left, claim) {
                    return Delivery::Refused(Stop::Output(e));
                }
                summary.record(value);
                match settings.verify.then(|| squares.check(value)) {
                    Some(Err(why)) => Delivery::ShownThenStop(Stop::Verify(why)),
                    _ => Delivery::Shown,
                }
            })
            .map_err(sys)?
        } else {
            let max = if settings.count == 0 {
                u64::MAX
            } else {
                settings.count - summary.items
            };
            let mut left = ring.count.load(std::sync::atomic::Ordering::Relaxed);
            let mut stop = None;
            let n = ring
                .pop_batch(max, timeout, |run| {
                    summary.record_run(run);
                    // After a failed check the rest of the batch is still accounted.
                    if settings.verify && stop.is_none() {
                        for &value in run {
                            if let Err(why) = squares.check(value) {
                                stop = Some(Stop::Verify(why));
                                break;
                            }
                        }
                    }
                    if shows {
                        for &value in run {
                            left = left.wrapping_sub(1);
                            if let Err(e) = progress.item(value, left, &mut || {}) {
                                stop.get_or_insert(Stop::Output(e));
                            }
                        }
                    }
                })
                .map_err(sys)?;
            match (n, stop) {
                (0, _) if signals::stop_requested() => Popped::Stopped,
                (0, _) => Popped::TimedOut,
                (moved, Some(why)) => Popped::Ended { moved, why },
                (moved, None) => Popped::Moved(moved),
            }
        };
        match popped {
            Popped::Moved(_) => waited = Duration::ZERO,
            Popped::Stopped => {
                summary.interrupted = true;
                status = Status::Interrupted;
                break;
            }
            Popped::TimedOut => {
                waited += round;
                if settings.timeout.is_some_and(|t| waited >= t) {
                    let e = timed_out(id, settings.timeout.unwrap_or_default(), summary.items);
                    status = e.status;
                    failure = Some(e);
                    break;
                }
                if progress.reader_gone() {
                    let gone = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
                    let e = output_failed(gone, "");
                    (status, output_error) = (e.status, true);
                    failure = Some(e);
                    break;
                }
                continue;
            }
            Popped::Ended { why, .. } => {
                let e = match why {
                    Stop::Verify(why) => {
                        summary.verified = Some(false);
                        Error::new(
                            Status::InvalidRing,
                            format!("segment {id}: verification failed: {why}"),
                        )
                    }
                    Stop::Output(e) => {
                        output_error = true;
                        summary.interrupted = signals::stop_requested();
                        output_failed(
                            e,
                            &format!(
                                "stopped after {} items; the item it could not write stays in the ring",
                                summary.items
                            ),
                        )
                    }
                };
                status = e.status;
                failure = Some(e);
                break;
            }
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
    Ok(Outcome {
        summary,
        status,
        failure,
        output_failed: output_error,
    })
}
