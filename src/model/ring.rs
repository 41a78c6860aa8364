//! A ring's state as `status` reads it, and what one producer or consumer run did.

use super::header::HeaderRead;
use crate::model::Liveness;
use crate::sys::shm::{Key, ShmId};
use serde::Serialize;

/// How a ring stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Valid, and every invariant holds.
    Consistent,
    /// Valid structure, but an invariant is broken (lost slots, indices disagree).
    Inconsistent,
    /// All zero: created, never initialised.
    Uninitialised,
    /// Not a ring: values no ring can hold.
    Invalid,
    /// Its size is not a ring's (64 + 4N + 12 bytes padded to 8, for an even N).
    WrongSize,
}

impl State {
    /// The name `status` prints, as in its JSON.
    pub fn name(self) -> &'static str {
        match self {
            State::Consistent => "consistent",
            State::Inconsistent => "inconsistent",
            State::Uninitialised => "uninitialised",
            State::Invalid => "invalid",
            State::WrongSize => "wrong-size",
        }
    }

    /// A ring a producer or consumer may join (a broken invariant can still be drained).
    pub fn joinable(self) -> bool {
        matches!(self, State::Consistent | State::Inconsistent)
    }
}

/// `status --json`.
#[derive(Clone, Debug, Serialize)]
pub struct RingStatus {
    pub shmid: ShmId,
    pub key: Key,
    pub key_hex: String,
    pub size: u64,
    pub perms: String,
    pub owner: String,
    /// Processes attached, not counting this status command's own read-only attach.
    pub nattch: u64,
    pub cpid: i32,
    pub cpid_alive: bool,
    /// `running`, `zombie`, `exited` or `unknown` (cannot be seen from here); null for none.
    pub cpid_state: Option<Liveness>,
    pub lpid: i32,
    pub lpid_alive: bool,
    pub lpid_state: Option<Liveness>,
    /// The last pid is this status command's own read-only attach.
    pub lpid_is_status: bool,
    /// The last pid before this command attached; null when it read without attaching.
    pub lpid_before_status: Option<i32>,
    /// How the header was read: "map-files" (through a process that maps the ring,
    /// changing nothing) or "attach" (a read-only attach the kernel records).
    pub header_read: HeaderRead,
    pub atime: Option<i64>,
    pub dtime: Option<i64>,
    pub ctime: Option<i64>,
    pub capacity: usize,
    pub state: State,
    pub head: Option<i32>,
    pub tail: Option<i32>,
    pub count: Option<i32>,
    pub free_slots: Option<u32>,
    pub filled_slots: Option<u32>,
    pub in_flight: Option<u32>,
    pub producer_waiters: Option<u32>,
    pub consumer_waiters: Option<u32>,
    pub producer_pshared: Option<bool>,
    pub consumer_pshared: Option<bool>,
    pub fill_percent: Option<f64>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
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

    /// Count a run of items moved at once.
    pub fn record_run(&mut self, items: &[i32]) {
        let (Some(&first), Some(&last)) = (items.first(), items.last()) else {
            return;
        };
        self.items += items.len() as u64;
        self.checksum = self.checksum.wrapping_add(checksum(items));
        self.first.get_or_insert(first);
        self.last = Some(last);
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

/// One look at a ring in a live view (`top`): its fill, its indices, its verdict, and
/// which processes run its two ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RingReading {
    pub capacity: usize,
    pub state: State,
    /// Items ready (sem_consumer) and free slots (sem_producer).
    pub filled: u32,
    pub free: u32,
    pub in_flight: u32,
    pub head: i32,
    pub tail: i32,
    pub count: i32,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
    pub producer: Option<Peer>,
    pub consumer: Option<Peer>,
    /// Read with a read-only attach (which set the segment's lpid and times to the
    /// reader's), rather than through a holder's mapping.
    pub attached: bool,
}

/// A process running one end of a ring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Peer {
    pub pid: i32,
    pub comm: String,
    /// Known from the role lock it holds; otherwise guessed from its command line
    /// (`produce`, `consumer`, …), as the document's C program takes no lock.
    pub locked: bool,
}

/// One header field as `ring repair` found it and left it.
#[derive(Clone, Debug, Serialize)]
pub struct FieldRepair {
    pub field: &'static str,
    pub before: i64,
    pub after: i64,
}

/// What `ring repair` found and changed (`--json`).
#[derive(Clone, Debug, Serialize)]
pub struct RepairReport {
    pub shmid: ShmId,
    pub key: Key,
    pub key_hex: String,
    pub capacity: usize,
    /// Nothing was written (`--dry-run`): `fields[].after` is what a repair would set.
    pub dry_run: bool,
    /// Other processes were attached and `--force` repaired anyway.
    pub forced: bool,
    /// Processes attached besides this command.
    pub attached: u64,
    pub state_before: State,
    pub problems_before: Vec<String>,
    pub fields: Vec<FieldRepair>,
    /// Some field changed (or would, with `--dry-run`).
    pub changed: bool,
    pub items_offered_again: u32,
    pub slots_freed: u32,
    pub permits_withdrawn: u32,
    pub state_after: State,
}

/// The wrapping sum of items as unsigned 32-bit values (a loop the compiler vectorises):
/// what a run's summary checks its items by.
pub fn checksum(items: &[i32]) -> u64 {
    items
        .iter()
        .fold(0u64, |sum, &v| sum.wrapping_add(u64::from(v as u32)))
}
