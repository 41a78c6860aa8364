//! The producer: `sem_wait(free)`, write `i*i` at head, `sem_post(filled)`, as the document
//! does, with an atomic count and a clean stop on Ctrl-C.

use super::lock::{self, Role};
use super::open;
use super::shared::{Acquire, Ring};
use super::{Location, Progress, Summary, square};
use crate::cli::ProduceArgs;
use crate::error::{Error, Result, Status};
use crate::signals;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Settings {
    pub location: Location,
    /// 0: until Ctrl-C.
    pub count: u64,
    pub interval: Duration,
    pub mode: u32,
    pub quiet: bool,
    pub json: bool,
    pub batch: bool,
}

impl Settings {
    pub fn from_args(a: ProduceArgs) -> Settings {
        Settings {
            location: Location::from_args(&a.run.location),
            count: a.run.count,
            interval: a.interval,
            mode: a.mode,
            quiet: a.run.quiet || a.run.json,
            json: a.run.json,
            batch: a.run.batch,
        }
    }
}

/// Produce `settings.count` items; the summary says whether Ctrl-C cut the run short.
pub fn run(settings: &Settings, progress: &mut dyn Progress) -> Result<(Summary, Status)> {
    let opened = open::for_producer(&settings.location, settings.mode)?;
    let _role = lock::take(opened.id, Role::Producer)?;
    let ring = Ring::new(&opened.attachment).ok_or_else(|| {
        Error::new(
            Status::InvalidRing,
            format!("segment {}: cannot map the ring", opened.id),
        )
    })?;
    let sys = |e: crate::sys::SysError| Error::other(format!("segment {}: {e}", opened.id));
    let start = Instant::now();
    let mut summary = Summary::new("producer", opened.id, opened.key, false);
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
