//! The producer: `sem_wait(free)`, write `i*i` at head, `sem_post(filled)`, as the document
//! does, with an atomic count and a clean stop on Ctrl-C. Each item is shown after it
//! was published; the run stops at the first line it cannot write.

use super::role::{self, Join};
use super::shared::Acquire;
use super::{Location, Outcome, fill_squares, output_failed, square};
use crate::error::{Result, Status};
use crate::model::ring::Summary;
use crate::output::{self, progress::Progress};
use crate::signals;
use crate::sys::shm::{self, ShmId};
use std::time::{Duration, Instant};

/// How long one wait for free slots lasts, and how often at most the producer looks
/// whether its ring was removed under it.
const ROUND: Duration = Duration::from_millis(250);

#[derive(Clone, Debug)]
pub struct Settings {
    pub location: Location,
    /// 0: until Ctrl-C.
    pub count: u64,
    pub interval: Duration,
    pub mode: u32,
    /// Slots of a ring this creates (`None`: the document's 1024, or what exists).
    pub capacity: Option<usize>,
    /// No line per item (the summary only).
    pub quiet: bool,
    pub batch: bool,
    /// How long a waiting end polls before it sleeps (`--spin`).
    pub spin: Option<Duration>,
}

/// Looks, about every [`ROUND`], whether the ring was removed under the producer, and
/// warns once if it was.
struct RemovalWatch {
    id: ShmId,
    /// Items come with a pause between them: reading the clock after each costs nothing.
    paced: bool,
    warned: bool,
    checked: Instant,
    items: u64,
}

impl RemovalWatch {
    fn new(id: ShmId, paced: bool) -> RemovalWatch {
        RemovalWatch {
            id,
            paced,
            warned: false,
            checked: Instant::now(),
            items: 0,
        }
    }

    /// After `n` more items (at full speed the clock is read every 1024 items only), or
    /// a wait that timed out (`n` = 0).
    fn tick(&mut self, n: u64) {
        let before = self.items;
        self.items += n;
        let crossed = before / 1024 != self.items / 1024;
        if self.warned || (n > 0 && !self.paced && !crossed) {
            return;
        }
        if n > 0 && self.checked.elapsed() < ROUND {
            return;
        }
        self.checked = Instant::now();
        if shm::stat(self.id).is_ok_and(|s| s.is_destroyed()) {
            self.warned = true;
            output::warn(format!(
                "segment {} was removed (rm) while this producer runs: it is only marked for destruction, no new consumer can find it by its key, and it goes when the last process detaches",
                self.id
            ));
        }
    }
}

/// Produce `settings.count` items; the outcome says whether Ctrl-C cut the run short or
/// stdout failed.
pub fn run(settings: &Settings, progress: &mut dyn Progress) -> Result<Outcome> {
    let joined = role::join(
        settings.location,
        Join::Producer {
            mode: settings.mode,
            capacity: settings.capacity,
        },
    )?;
    if let Some(spin) = settings.spin {
        super::shared::set_spin(spin);
    }
    let ring = joined.ring()?;
    let sys = |e| joined.failed(e);
    let id = joined.id();
    let start = Instant::now();
    let mut summary = Summary::new("producer", id, joined.key(), false);
    let mut failure = None;
    let mut removal = RemovalWatch::new(id, !settings.interval.is_zero());
    let mut i: u64 = 0;
    let shows = progress.shows_items();
    'run: while settings.count == 0 || i < settings.count {
        let round = Some(ROUND);
        let n = if settings.batch {
            let max = if settings.count == 0 {
                u64::MAX
            } else {
                settings.count - i
            };
            let mut next = i;
            ring.push_batch(max, round, |run| {
                fill_squares(run, next);
                summary.record_run(run);
                next += run.len() as u64;
            })
            .map_err(sys)?
        } else {
            match ring.take_free(round).map_err(sys)? {
                Acquire::Got => {
                    ring.push(square(i)).map_err(sys)?;
                    summary.record(square(i));
                    1
                }
                Acquire::Stopped | Acquire::TimedOut => 0,
            }
        };
        if n == 0 {
            if signals::stop_requested() {
                summary.interrupted = true;
                break;
            }
            if progress.reader_gone() {
                let gone = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
                failure = Some(output_failed(gone, &format!("stopped after {i} items")));
                break;
            }
            removal.tick(0);
            continue;
        }
        removal.tick(n);
        let first = i;
        i += n;
        // The count after each item, for its line (read only when lines are shown: it is
        // on the line the consumer writes).
        let after = if shows {
            ring.count.load(std::sync::atomic::Ordering::Relaxed)
        } else {
            0
        };
        for j in 0..if shows { n } else { 0 } {
            let count = after.wrapping_sub((n - 1 - j) as i32);
            if let Err(e) = progress.item(square(first + j), count, &mut || {}) {
                summary.interrupted = signals::stop_requested();
                failure = Some(output_failed(e, &format!("stopped after {i} items")));
                break 'run;
            }
        }
        if !signals::sleep(settings.interval) {
            summary.interrupted = true;
            break;
        }
    }
    summary.finish(start);
    let status = match &failure {
        Some(e) => e.status,
        None if summary.interrupted => Status::Interrupted,
        None => Status::Ok,
    };
    Ok(Outcome {
        summary,
        status,
        output_failed: failure.is_some(),
        failure,
    })
}
