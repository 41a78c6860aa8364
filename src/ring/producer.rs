//! The producer: `sem_wait(free)`, write `i*i` at head, `sem_post(filled)`, as the document
//! does, with an atomic count and a clean stop on Ctrl-C.

use super::role::{self, Join};
use super::shared::Acquire;
use super::{Location, square};
use crate::error::{Result, Status};
use crate::model::ring::Summary;
use crate::output::progress::Progress;
use crate::signals;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Settings {
    pub location: Location,
    /// 0: until Ctrl-C.
    pub count: u64,
    pub interval: Duration,
    pub mode: u32,
    /// No line per item (the summary only).
    pub quiet: bool,
    pub batch: bool,
}

/// Produce `settings.count` items; the summary says whether Ctrl-C cut the run short.
pub fn run(settings: &Settings, progress: &mut dyn Progress) -> Result<(Summary, Status)> {
    let joined = role::join(
        settings.location,
        Join::Producer {
            mode: settings.mode,
        },
    )?;
    let ring = joined.ring()?;
    let sys = |e| joined.failed(e);
    let start = Instant::now();
    let mut summary = Summary::new("producer", joined.id(), joined.key(), false);
    let mut i: u64 = 0;
    let shows = progress.shows_items();
    while settings.count == 0 || i < settings.count {
        if settings.batch {
            let max = if settings.count == 0 {
                u64::MAX
            } else {
                settings.count - i
            };
            let mut next = i;
            let n = ring
                .push_batch(
                    max,
                    None,
                    || {
                        let v = square(next);
                        next += 1;
                        v
                    },
                    |value, count| {
                        summary.record(value);
                        if shows {
                            progress.item(value, count);
                        }
                    },
                )
                .map_err(sys)?;
            if n == 0 {
                summary.interrupted = true;
                break;
            }
            i += n;
        } else {
            match ring.take_free(None).map_err(sys)? {
                Acquire::Got => {}
                Acquire::Stopped | Acquire::TimedOut => {
                    summary.interrupted = true;
                    break;
                }
            }
            let value = square(i);
            let count = ring.push(value).map_err(sys)?;
            summary.record(value);
            if shows {
                progress.item(value, count);
            }
            i += 1;
        }
        if !signals::sleep(settings.interval) {
            summary.interrupted = true;
            break;
        }
    }
    summary.finish(start);
    let status = if summary.interrupted {
        Status::Interrupted
    } else {
        Status::Ok
    };
    Ok((summary, status))
}
