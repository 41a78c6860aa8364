//! The document's producer/consumer ring: its wire layout, the decoding `status` uses,
//! and the producer and consumer that interoperate with the document's C program.

pub mod consumer;
pub mod layout;
pub mod lock;
pub mod open;
pub mod producer;
pub mod shared;
pub mod verify;

use crate::ids::FtokSpec;
use crate::sys::shm::{Key, ShmId};
use serde::Serialize;

/// Where the ring lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Key(Key),
    Ftok(FtokSpec),
    Id(ShmId),
}

impl Location {
    /// The document's ring: `ftok("/tmp", 65)`.
    pub fn document() -> Location {
        Location::Ftok(FtokSpec {
            path: "/tmp".into(),
            proj: crate::ids::DEFAULT_FTOK_PROJ,
        })
    }

    pub fn from_args(l: &crate::cli::RingLocation) -> Location {
        match (l.key, &l.ftok, l.id) {
            (Some(k), _, _) => Location::Key(k),
            (_, Some(f), _) => Location::Ftok(f.clone()),
            (_, _, Some(id)) => Location::Id(ShmId(id)),
            _ => Location::document(),
        }
    }
}

/// What a producer or consumer run did, printed at the end (`--json` for scripts).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub role: &'static str,
    pub shmid: ShmId,
    pub key: Key,
    pub items: u64,
    pub elapsed_s: f64,
    pub items_per_s: f64,
    /// Wrapping sum of the items as unsigned 32-bit values; equal on both ends of a run.
    pub checksum: u64,
    pub first: Option<i32>,
    pub last: Option<i32>,
    pub interrupted: bool,
    /// Consumer with --verify: every item was the next square.
    pub verified: Option<bool>,
    /// Consumer with --remove-when-done: the segment was removed.
    pub removed: bool,
}

impl Summary {
    pub fn new(role: &'static str, shmid: ShmId, key: Key, verify: bool) -> Summary {
        Summary {
            role,
            shmid,
            key,
            items: 0,
            elapsed_s: 0.0,
            items_per_s: 0.0,
            checksum: 0,
            first: None,
            last: None,
            interrupted: false,
            verified: verify.then_some(true),
            removed: false,
        }
    }

    /// Count one item moved.
    pub fn record(&mut self, value: i32) {
        self.items += 1;
        self.checksum = self.checksum.wrapping_add(u64::from(value as u32));
        self.first.get_or_insert(value);
        self.last = Some(value);
    }

    /// Close the run that began at `start`.
    pub fn finish(&mut self, start: std::time::Instant) {
        self.elapsed_s = start.elapsed().as_secs_f64();
        self.items_per_s = if self.elapsed_s > 0.0 {
            self.items as f64 / self.elapsed_s
        } else {
            0.0
        };
    }
}

/// Per-item events for whoever displays a run.
pub trait Progress {
    fn item(&mut self, value: i32, count_after: i32);
    /// False when [`Progress::item`] shows nothing, so a run can skip the call per item.
    fn shows_items(&self) -> bool {
        true
    }
}

/// The value the document's producer writes for item i: `i*i` as a C int.
pub fn square(i: u64) -> i32 {
    let i = i as u32;
    i.wrapping_mul(i) as i32
}
