//! A live view of the ring in a writable attachment: the two semaphores, the buffer and
//! the indices, with waits that honour Ctrl-C and a deadline.
//!
//! # What each end does, in order, and what a kill at any instant leaves
//!
//! The producer takes free slots, writes its items, moves head past them, adds them to
//! count and posts them (the document's order). The consumer takes filled slots, reads
//! the items, moves tail past them and subtracts them from count (it *claims* them: a
//! consumer started after it begins after them), shows or counts them, and only then
//! posts the free slots. An item leaves the ring — its slot freed for the producer to overwrite —
//! only after it was shown; when it cannot be shown (the reader is gone, the disk is
//! full, Ctrl-C while nobody reads), the consumer moves tail back and posts the item
//! again, and it stays in the ring for the next consumer.
//!
//! Output and the ring cannot change in one step, so a kill (SIGKILL) can always fall
//! between them. The order above decides which way it falls:
//!
//! - Never twice: tail moves past an item before it is shown, so no consumer reads an
//!   item again once one started to show it.
//! - Lost, at most: the one item a killed consumer was writing (claimed, maybe not
//!   shown). A batched consumer that shows its items goes item by item for that reason;
//!   one that only counts them (`--quiet`, `--json`) counts them in its own memory, which
//!   dies with it.
//! - Stranded: the slots a killed end held between its two semaphore calls (one per
//!   item end, at most a batch — a quarter of the ring — per batched end): neither free
//!   nor filled, so the ring runs with fewer slots. Items a killed consumer had taken but
//!   not claimed, or a killed producer had written and moved head past but not posted,
//!   lie between tail and head and are never lost: a following consumer reads them first.
//!   `ring repair` (see `repair`) gives every stranded slot back once nobody uses the
//!   ring, and an end waiting on a ring that only it is attached to does the same itself.

use super::layout::{self, Layout};
use super::lock::{AwakeLock, Role};
use crate::signals;
use crate::sys::SysResult;
use crate::sys::sem::{Semaphore, Wait};
use crate::sys::shm::{Attachment, ShmId};
use std::cell::Cell;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long one blocking wait lasts before the stop flag is checked again.
const WAIT_SLICE: Duration = Duration::from_millis(50);
/// Attempts to take a permit before a per-item wait sleeps in the kernel. Measured with
/// `ring bench -t ring -n 5000000 --spin N` on a 2-core machine (three runs of three):
/// 64 gives 7.5–10.2 M items/s, against 6.9–7.4 M with none, 7.1–8.5 M with 256 and
/// 6.6–9.0 M with 1000.
static SPINS: AtomicU32 = AtomicU32::new(64);
/// Checks for a full batch before a batched wait takes what is there (or sleeps if
/// nothing is). Measured with `cargo bench` on a 2-core machine, with a quarter of the
/// ring as the batch: 4000 gives 25 M items/s against a per-item C peer and 65 M between
/// two batched ends, against 9 M and 48 M for 1000 checks taking whatever is there at
/// once. Against a slow peer it costs about 0.1 ms of spinning per item before sleeping.
static BATCH_SPINS: AtomicU32 = AtomicU32::new(4000);
/// How often, at most, a waiting end looks whether stranded slots can be given back.
const HEAL_EVERY: Duration = Duration::from_millis(10);

/// Set the spin budgets (per-item and batched) for benchmarking them; `None` keeps one.
pub fn set_spins(per_item: Option<u32>, batched: Option<u32>) {
    if let Some(n) = per_item {
        SPINS.store(n, Ordering::Relaxed);
    }
    if let Some(n) = batched {
        BATCH_SPINS.store(n, Ordering::Relaxed);
    }
}

/// The most slots a batched end takes at once: a quarter of the ring. Letting a quarter
/// build up before taking it moves items in bursts instead of fighting over the
/// semaphores' cache line item by item (half the ring measured the same; 32 slots and the
/// whole ring lose half), and it bounds what a killed batched end strands.
pub fn batch_max(capacity: u32) -> u32 {
    (capacity / 4).max(1)
}

/// The ring this view belongs to, which end holds it, and that end's awake lock, so that
/// a waiting end can give back what a killed end stranded (see `repair::heal_stranded`).
#[derive(Clone, Copy)]
pub struct Owner<'a> {
    pub id: ShmId,
    pub role: Role,
    pub awake: &'a AwakeLock,
}

pub struct Ring<'a> {
    att: &'a Attachment,
    pub free: Semaphore<'a>,
    pub filled: Semaphore<'a>,
    pub buffer: &'a [AtomicI32],
    head: Index<'a>,
    tail: Index<'a>,
    pub count: &'a AtomicI32,
    capacity: u32,
    owner: Option<Owner<'a>>,
    last_heal: Cell<Option<Instant>>,
}

/// One side's index: head for the producer, tail for the consumer. A ring has one of
/// each, the only writer of its index, so the side keeps the index here and only stores
/// it to the header: no read of the line the other side is writing (a cache miss per
/// item). It is read from the header when the view is made, and again after a wait that
/// slept: the document's producer re-runs `sem_init` and zeroes head and tail when it
/// starts, and may have done so meanwhile.
struct Index<'a> {
    header: &'a AtomicI32,
    next: Cell<u32>,
    capacity: u32,
}

impl<'a> Index<'a> {
    fn new(header: &'a AtomicI32, capacity: u32) -> Index<'a> {
        let index = Index {
            header,
            next: Cell::new(0),
            capacity,
        };
        index.reread();
        index
    }

    /// The slot this side uses next.
    fn get(&self) -> u32 {
        self.next.get()
    }

    fn reread(&self) {
        let v = self.header.load(Ordering::Relaxed);
        self.next
            .set(i64::from(v).rem_euclid(i64::from(self.capacity)) as u32);
    }

    /// Move on by `n` slots, in the header too (release: what was written or read in the
    /// slots before is done when another process sees the index move).
    fn advance(&self, n: u32) {
        self.set(((u64::from(self.next.get()) + u64::from(n)) % u64::from(self.capacity)) as u32);
    }

    /// Move back by `n` slots (a claimed item given back).
    fn retreat(&self, n: u32) {
        self.advance(self.capacity - n % self.capacity);
    }

    fn set(&self, slot: u32) {
        self.header.store(slot as i32, Ordering::Release);
        self.next.set(slot);
    }
}

/// How waiting for a permit ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acquire {
    Got,
    Stopped,
    TimedOut,
}

/// What became of one item handed to a consumer's `deliver`.
pub enum Delivery<E> {
    /// Shown: it leaves the ring.
    Shown,
    /// Shown, and the run stops after it (a failed `--verify`).
    ShownThenStop(E),
    /// Not shown (the write failed): it stays in the ring, and the run stops.
    Refused(E),
}

/// How taking items ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Popped<E> {
    /// This many items left the ring.
    Moved(u64),
    Stopped,
    TimedOut,
    /// The run stops: `moved` items left the ring first, and why.
    Ended {
        moved: u64,
        why: E,
    },
}

/// Which end's semaphore and index a wait is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The producer, waiting for free slots.
    Free,
    /// The consumer, waiting for filled slots.
    Filled,
}

impl<'a> Ring<'a> {
    /// The ring held by a writable attachment, its capacity inferred from the segment's
    /// size; `None` when the size is not a ring's.
    pub fn new(att: &'a Attachment) -> Option<Ring<'a>> {
        let layout = Layout::for_size(att.len())?;
        let capacity = layout.capacity() as u32;
        Some(Ring {
            att,
            free: att.semaphore(layout::SEM_PRODUCER)?,
            filled: att.semaphore(layout::SEM_CONSUMER)?,
            buffer: att.atomic_i32_slice(layout::BUFFER, layout.capacity())?,
            head: Index::new(att.atomic_i32(layout.head())?, capacity),
            tail: Index::new(att.atomic_i32(layout.tail())?, capacity),
            count: att.atomic_i32(layout.count())?,
            capacity,
            owner: None,
            last_heal: Cell::new(None),
        })
    }

    /// The same view, for the end `owner` names (see [`Owner`]).
    pub fn owned_by(mut self, owner: Owner<'a>) -> Ring<'a> {
        self.owner = Some(owner);
        self
    }

    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Initialise a ring that no other process can be using yet: the filled semaphore and
    /// indices first, the free semaphore last, so a header that looks valid is complete.
    pub fn initialise(&self) -> SysResult<()> {
        self.filled.init_shared(0)?;
        self.head.set(0);
        self.tail.set(0);
        self.count.store(0, Ordering::Relaxed);
        std::sync::atomic::fence(Ordering::Release);
        self.free.init_shared(self.capacity)
    }

    /// Take one free slot (the producer's wait); see [`Ring::take_filled`].
    pub fn take_free(&self, deadline: Option<Instant>) -> SysResult<Acquire> {
        self.wait_one(Side::Free, deadline)
    }

    /// Take one filled slot (the consumer's wait): spin briefly, then sleep in slices,
    /// checking the stop flag and the deadline between slices.
    pub fn take_filled(&self, deadline: Option<Instant>) -> SysResult<Acquire> {
        self.wait_one(Side::Filled, deadline)
    }

    /// Write one item at head (the caller holds a free permit), then publish it; the
    /// count after it.
    pub fn push(&self, value: i32) -> SysResult<i32> {
        self.buffer[self.head.get() as usize].store(value, Ordering::Relaxed);
        self.head.advance(1);
        let count = self.count.fetch_add(1, Ordering::AcqRel).wrapping_add(1);
        self.filled.post(1)?;
        Ok(count)
    }

    /// Wait for one item and hand it to `deliver` with the count left after it and a
    /// `claim` to call just before the item is written out (tail moves past it then; if
    /// `deliver` never calls it, it is claimed after). The item is freed once shown, and
    /// given back (tail moves back, the item is posted again) when it could not be shown.
    /// See the module's notes.
    pub fn pop_one<E>(
        &self,
        deadline: Option<Instant>,
        deliver: impl FnOnce(i32, i32, &mut dyn FnMut()) -> Delivery<E>,
    ) -> SysResult<Popped<E>> {
        match self.take_filled(deadline)? {
            Acquire::Got => {}
            Acquire::Stopped => return Ok(Popped::Stopped),
            Acquire::TimedOut => return Ok(Popped::TimedOut),
        }
        let value = self.buffer[self.tail.get() as usize].load(Ordering::Relaxed);
        let left = self.count.load(Ordering::Relaxed).wrapping_sub(1);
        let claimed = Cell::new(false);
        let mut claim = || {
            if !claimed.replace(true) {
                self.tail.advance(1);
                self.count.fetch_sub(1, Ordering::AcqRel);
            }
        };
        let stop = match deliver(value, left, &mut claim) {
            Delivery::Shown => None,
            Delivery::ShownThenStop(why) => Some(why),
            Delivery::Refused(why) => {
                if claimed.get() {
                    self.count.fetch_add(1, Ordering::AcqRel);
                    self.tail.retreat(1);
                }
                self.filled.post(1)?;
                return Ok(Popped::Ended { moved: 0, why });
            }
        };
        claim();
        self.free.post(1)?;
        Ok(match stop {
            None => Popped::Moved(1),
            Some(why) => Popped::Ended { moved: 1, why },
        })
    }

    /// Take up to `max` permits (at most [`batch_max`]) on `side`. While the other side is
    /// running, wait (spinning) until a full batch is there, or `max` if fewer, and take
    /// them all; after the spin budget take whatever is there; when nothing is, take one
    /// by a blocking wait (which reads this side's index again) and then whatever came
    /// with it. 0 when stopped or past the deadline.
    fn take_batch(&self, side: Side, max: u64, deadline: Option<Instant>) -> SysResult<u32> {
        let sem = self.sem(side);
        let max = max.min(u64::from(batch_max(self.capacity))) as u32;
        for _ in 0..BATCH_SPINS.load(Ordering::Relaxed) {
            if sem.available() >= max {
                let n = sem.try_take(max);
                if n > 0 {
                    return Ok(n);
                }
            }
            std::hint::spin_loop();
        }
        let n = sem.try_take(max);
        if n > 0 {
            return Ok(n);
        }
        match self.wait_one(side, deadline)? {
            Acquire::Got => Ok(1 + sem.try_take(max - 1)),
            Acquire::Stopped | Acquire::TimedOut => Ok(0),
        }
    }

    /// The slots `[start, start + n)` of the buffer, split where they wrap.
    fn runs(&self, start: u32, n: u32) -> [&[AtomicI32]; 2] {
        let (start, n) = (start as usize, n as usize);
        let first = n.min(self.buffer.len() - start);
        [
            &self.buffer[start..start + first],
            &self.buffer[..n - first],
        ]
    }

    /// Produce up to `max` items from `next` with one semaphore operation on each side:
    /// take free slots, write, advance head and count, post the filled slots. Returns how
    /// many (0 when stopped or past the deadline).
    pub fn push_batch(
        &self,
        max: u64,
        deadline: Option<Instant>,
        mut next: impl FnMut() -> i32,
    ) -> SysResult<u64> {
        let n = self.take_batch(Side::Free, max, deadline)?;
        if n == 0 {
            return Ok(0);
        }
        for run in self.runs(self.head.get(), n) {
            for slot in run {
                slot.store(next(), Ordering::Relaxed);
            }
        }
        self.head.advance(n);
        self.count.fetch_add(n as i32, Ordering::AcqRel);
        self.filled.post(n)?;
        Ok(u64::from(n))
    }

    /// Consume up to `max` items into `sink` with one semaphore operation on each side:
    /// take filled slots, read them into `sink`, move tail past them and post the free
    /// slots. For a sink that only counts (it cannot fail to take an item, and what it
    /// took dies with the process). Returns how many (0 when stopped or past the deadline).
    pub fn pop_batch(
        &self,
        max: u64,
        deadline: Option<Instant>,
        mut sink: impl FnMut(i32),
    ) -> SysResult<u64> {
        let n = self.take_batch(Side::Filled, max, deadline)?;
        if n == 0 {
            return Ok(0);
        }
        for run in self.runs(self.tail.get(), n) {
            for slot in run {
                sink(slot.load(Ordering::Relaxed));
            }
        }
        self.tail.advance(n);
        self.count.fetch_sub(n as i32, Ordering::AcqRel);
        self.free.post(n)?;
        Ok(u64::from(n))
    }

    fn sem(&self, side: Side) -> &Semaphore<'a> {
        match side {
            Side::Free => &self.free,
            Side::Filled => &self.filled,
        }
    }

    /// Take one permit on `side`: spin briefly, then sleep in slices, checking the stop
    /// flag and the deadline between slices. After sleeping, this side's index is read
    /// from the header again. Before sleeping, an end alone on the ring gives back what a
    /// killed end stranded (see [`Owner`]).
    fn wait_one(&self, side: Side, deadline: Option<Instant>) -> SysResult<Acquire> {
        let sem = self.sem(side);
        for _ in 0..SPINS.load(Ordering::Relaxed) {
            if sem.try_take(1) == 1 {
                return Ok(Acquire::Got);
            }
            std::hint::spin_loop();
        }
        let got = self.sleep_one(sem, deadline)?;
        match side {
            Side::Free => self.head.reread(),
            Side::Filled => self.tail.reread(),
        }
        Ok(got)
    }

    /// The sleeping part of a wait: slices of [`WAIT_SLICE`], the stop flag and the
    /// deadline checked between them, and before each a look whether stranded slots can
    /// be given back (so that an end already asleep when the other end was killed gives
    /// them back too). After a whole slice the end lets go of its awake lock for the
    /// slices that follow — it holds no slot while it sleeps — so that the other end can
    /// give back what a killed end stranded even while this one waits (see `lock`); it
    /// has the lock again before it returns, whatever the wait gave it.
    fn sleep_one(&self, sem: &Semaphore<'_>, deadline: Option<Instant>) -> SysResult<Acquire> {
        let mut long = false;
        loop {
            if signals::stop_requested() {
                return Ok(Acquire::Stopped);
            }
            if self.heal() && sem.try_take(1) == 1 {
                return Ok(Acquire::Got);
            }
            let slice = match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Ok(Acquire::TimedOut);
                    }
                    WAIT_SLICE.min(d - now)
                }
                None => WAIT_SLICE,
            };
            let awake = self.owner.map(|o| o.awake);
            if long && let Some(lock) = awake {
                lock.release();
            }
            let waited = sem.wait_for(slice);
            if let Some(lock) = awake {
                lock.hold()?;
            }
            match waited? {
                Wait::Acquired => return Ok(Acquire::Got),
                Wait::TimedOut | Wait::Interrupted => long = true,
            }
        }
    }

    /// Slots neither free nor filled now, as a waiting end (which holds none) sees them.
    pub fn in_flight(&self) -> u32 {
        self.capacity
            .saturating_sub(self.free.available())
            .saturating_sub(self.filled.available())
    }

    /// Give back stranded slots if this end is alone on the ring (at most every
    /// [`HEAL_EVERY`]); true when something changed.
    fn heal(&self) -> bool {
        let Some(owner) = self.owner else {
            return false;
        };
        if self.in_flight() == 0 {
            return false;
        }
        let now = Instant::now();
        if self
            .last_heal
            .get()
            .is_some_and(|t| now.duration_since(t) < HEAL_EVERY)
        {
            return false;
        }
        self.last_heal.set(Some(now));
        super::repair::heal_stranded(self, owner)
    }

    /// The attachment the view is in.
    pub fn attachment(&self) -> &'a Attachment {
        self.att
    }
}
