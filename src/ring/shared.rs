//! A live view of the ring in a writable attachment: the two semaphores, the buffer and
//! the indices, with waits that honour Ctrl-C and a timeout. A wait's timeout counts from
//! when it starts to sleep (after its short poll): the clock is read only then, since
//! reading it costs more than moving an item on a virtual machine.
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
//!   item end, at most a batch — half the ring — per batched end): neither free
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
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long one blocking wait lasts before the stop flag is checked again.
const WAIT_SLICE: Duration = Duration::from_millis(50);
/// Attempts to take a permit before a per-item wait sleeps in the kernel. Measured with
/// `ring bench -t ring -n 5000000 --spin N` on a 2-core machine (three runs of three):
/// 64 gives 7.5–10.2 M items/s, against 6.9–7.4 M with none, 7.1–8.5 M with 256 and
/// 6.6–9.0 M with 1000.
static SPINS: AtomicU32 = AtomicU32::new(64);
/// How long, in microseconds, a batched wait polls for a full batch (a quarter of the
/// ring) before it takes what is there, or sleeps if nothing is. The poll yields the CPU
/// after [`YIELD_AFTER`]: the scheduler of a 2-core machine often puts both ends on one
/// CPU, where a pure spin keeps the other end from filling the batch it waits for (the
/// spin of 4000 checks this replaced dropped two batched ends from 2.2 G to 30-160 M
/// items/s in such runs). Measured with `ring bench -t ring-batch,spsc`: see README.
static BATCH_SPIN_US: AtomicU32 = AtomicU32::new(100);

/// How long a waiting end polls before it sleeps in the kernel (`--spin`), in
/// nanoseconds; 0: [`SPINS`] attempts (a microsecond or two).
static SPIN_NS: AtomicU64 = AtomicU64::new(0);
/// A long spin yields the CPU after this much: with both ends on one CPU (the scheduler
/// packs them so when unpinned) pure spinning would keep the other end from running.
const YIELD_AFTER: Duration = Duration::from_micros(5);

/// Set the spin budgets (per-item attempts, batched microseconds) for benchmarking them;
/// `None` keeps one.
pub fn set_spins(per_item: Option<u32>, batched_us: Option<u32>) {
    if let Some(n) = per_item {
        SPINS.store(n, Ordering::Relaxed);
    }
    if let Some(n) = batched_us {
        BATCH_SPIN_US.store(n, Ordering::Relaxed);
    }
}

/// Poll for `spin` before sleeping in the kernel (`--spin DURATION`): a shorter round
/// trip for a CPU kept busy meanwhile. A sleeper is still counted and woken as glibc
/// does: polling only reads the word and takes a permit with a compare-and-swap.
pub fn set_spin(spin: Duration) {
    SPIN_NS.store(
        u64::try_from(spin.as_nanos()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

/// How many slots a batched end waits (spinning) to see before it takes them: a quarter
/// of the ring. Letting a quarter build up before taking it moves items in bursts instead
/// of fighting over the semaphores' cache line item by item (32 slots lose half).
pub fn batch_want(capacity: u32) -> u32 {
    (capacity / 4).max(1)
}

/// The most slots a batched end takes at once: what is there, up to half the ring. The
/// whole ring makes the two ends take turns instead of overlapping; measured against the
/// `spsc` ring of `ring bench` at capacity 1024 (three runs of three rounds), half the
/// ring gave 0.79-0.82x of it, a quarter 0.55-0.64x. It bounds what a killed batched end
/// strands.
pub fn batch_max(capacity: u32) -> u32 {
    (capacity / 2).max(1)
}

/// The ring this view belongs to, which end holds it, and that end's awake lock, so that
/// a waiting end can give back what a killed end stranded: `heal` does that
/// (`repair::heal_stranded`), true when something changed.
#[derive(Clone, Copy)]
pub struct Owner<'a> {
    pub id: ShmId,
    pub role: Role,
    pub awake: &'a AwakeLock,
    pub heal: fn(&Ring<'_>, Owner<'_>) -> bool,
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
    /// slots before is done when another process sees the index move). The capacity is a
    /// power of two (see `layout`): a mask, not a division, per item.
    fn advance(&self, n: u32) {
        self.set(self.next.get().wrapping_add(n) & (self.capacity - 1));
    }

    /// Move back by `n` slots (a claimed item given back).
    fn retreat(&self, n: u32) {
        self.set(self.next.get().wrapping_sub(n) & (self.capacity - 1));
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
    pub fn take_free(&self, timeout: Option<Duration>) -> SysResult<Acquire> {
        self.wait_one(Side::Free, timeout)
    }

    /// Take one filled slot (the consumer's wait): spin briefly, then sleep in slices,
    /// checking the stop flag and the timeout between slices.
    pub fn take_filled(&self, timeout: Option<Duration>) -> SysResult<Acquire> {
        self.wait_one(Side::Filled, timeout)
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
    ///
    /// `left` is the count after the item when `count_left` is set (a line shows it),
    /// else 0: reading the count before moving tail costs a cache line's round trip.
    pub fn pop_one<E>(
        &self,
        timeout: Option<Duration>,
        count_left: bool,
        deliver: impl FnOnce(i32, i32, &mut dyn FnMut()) -> Delivery<E>,
    ) -> SysResult<Popped<E>> {
        match self.take_filled(timeout)? {
            Acquire::Got => {}
            Acquire::Stopped => return Ok(Popped::Stopped),
            Acquire::TimedOut => return Ok(Popped::TimedOut),
        }
        let value = self.buffer[self.tail.get() as usize].load(Ordering::Relaxed);
        let left = if count_left {
            self.count.load(Ordering::Relaxed).wrapping_sub(1)
        } else {
            0
        };
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

    /// Wait for one item for a consumer that only counts it (no line to write): take it,
    /// move tail past it, free its slot, then hand it to `sink` — what it took dies with
    /// the process either way, so nothing is held while `sink` runs. `None` when stopped
    /// or timed out (as the [`Acquire`] says).
    pub fn pop_counted(
        &self,
        timeout: Option<Duration>,
        sink: impl FnOnce(i32),
    ) -> SysResult<Acquire> {
        let got = self.take_filled(timeout)?;
        if got == Acquire::Got {
            let value = self.buffer[self.tail.get() as usize].load(Ordering::Relaxed);
            self.tail.advance(1);
            self.count.fetch_sub(1, Ordering::AcqRel);
            self.free.post(1)?;
            sink(value);
        }
        Ok(got)
    }

    /// Take up to `max` permits (at most [`batch_max`]) on `side`. While the other side is
    /// running, wait (spinning) until a full batch is there, or `max` if fewer, and take
    /// them all; after the spin budget take whatever is there; when nothing is, take one
    /// by a blocking wait (which reads this side's index again) and then whatever came
    /// with it. 0 when stopped or timed out.
    fn take_batch(&self, side: Side, max: u64, timeout: Option<Duration>) -> SysResult<u32> {
        let sem = self.sem(side);
        let want = max.min(u64::from(batch_want(self.capacity))) as u32;
        let max = max.min(u64::from(batch_max(self.capacity))) as u32;
        let budget = Duration::from_micros(u64::from(BATCH_SPIN_US.load(Ordering::Relaxed)));
        let mut start = None;
        loop {
            for _ in 0..64 {
                if sem.available() >= want {
                    let n = sem.try_take(max);
                    if n > 0 {
                        return Ok(n);
                    }
                }
                std::hint::spin_loop();
            }
            let spent = start.get_or_insert_with(Instant::now).elapsed();
            if spent >= budget {
                break;
            }
            if spent >= YIELD_AFTER {
                std::thread::yield_now();
            }
        }
        let n = sem.try_take(max);
        if n > 0 {
            return Ok(n);
        }
        match self.wait_one(side, timeout)? {
            Acquire::Got => Ok(1 + sem.try_take(max - 1)),
            Acquire::Stopped | Acquire::TimedOut => Ok(0),
        }
    }

    /// The slots `[start, start + n)` of the buffer as (first slot, length) runs, split
    /// where they wrap.
    fn runs(&self, start: u32, n: u32) -> [(u32, u32); 2] {
        let first = n.min(self.capacity - start);
        [(start, first), (0, n - first)]
    }

    /// Hand the slots `[start, start + n)`, which this end holds, to `f` as plain memory,
    /// one contiguous run at a time (two where they wrap).
    fn with_slots(&self, start: u32, n: u32, mut f: impl FnMut(&mut [i32])) -> SysResult<()> {
        for (at, len) in self.runs(start, n) {
            if len > 0 {
                self.att
                    .with_i32s_mut(layout::BUFFER + 4 * at as usize, len as usize, &mut f)
                    .ok_or(crate::sys::SysError::new(
                        "the ring's buffer",
                        nix::errno::Errno::EFAULT,
                    ))?;
            }
        }
        Ok(())
    }

    /// Produce up to `max` items with one semaphore operation on each side: take free
    /// slots, let `fill` write them (one contiguous run at a time, in order), advance head
    /// and count, post the filled slots. Returns how many (0 when stopped or timed out).
    pub fn push_batch(
        &self,
        max: u64,
        timeout: Option<Duration>,
        fill: impl FnMut(&mut [i32]),
    ) -> SysResult<u64> {
        let n = self.take_batch(Side::Free, max, timeout)?;
        if n == 0 {
            return Ok(0);
        }
        self.with_slots(self.head.get(), n, fill)?;
        self.head.advance(n);
        self.count.fetch_add(n as i32, Ordering::AcqRel);
        self.filled.post(n)?;
        Ok(u64::from(n))
    }

    /// Consume up to `max` items with one semaphore operation on each side: take filled
    /// slots, hand them to `sink` (one contiguous run at a time, in order), move tail past
    /// them and post the free slots. For a sink that only counts (it cannot fail to take
    /// an item, and what it took dies with the process). Returns how many (0 when stopped
    /// or timed out).
    pub fn pop_batch(
        &self,
        max: u64,
        timeout: Option<Duration>,
        mut sink: impl FnMut(&[i32]),
    ) -> SysResult<u64> {
        let n = self.take_batch(Side::Filled, max, timeout)?;
        if n == 0 {
            return Ok(0);
        }
        self.with_slots(self.tail.get(), n, |run| sink(run))?;
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
    /// flag and the timeout between slices. After sleeping, this side's index is read
    /// from the header again. Before sleeping, an end alone on the ring gives back what a
    /// killed end stranded (see [`Owner`]).
    fn wait_one(&self, side: Side, timeout: Option<Duration>) -> SysResult<Acquire> {
        let sem = self.sem(side);
        if spin_take(sem) {
            return Ok(Acquire::Got);
        }
        let got = self.sleep_one(sem, timeout)?;
        match side {
            Side::Free => self.head.reread(),
            Side::Filled => self.tail.reread(),
        }
        Ok(got)
    }

    /// The sleeping part of a wait: slices of [`WAIT_SLICE`], the stop flag and the
    /// timeout checked between them (the timeout counts the slices slept, so that no clock
    /// is read on the way to sleep: on a virtual machine a read costs more than an item).
    /// A wait that outlasts a slice is a long one: the other end is not moving. Then this
    /// end looks, before each further slice, whether stranded slots can be given back (see
    /// [`Owner`]), and lets go of its awake lock while it sleeps — it holds no slot — so
    /// that the other end can do the same (see `lock`); it has the lock again before it
    /// returns, whatever the wait gave it.
    fn sleep_one(&self, sem: &Semaphore<'_>, timeout: Option<Duration>) -> SysResult<Acquire> {
        let mut left = timeout;
        let mut long = false;
        loop {
            if signals::stop_requested() {
                return Ok(Acquire::Stopped);
            }
            if long && self.heal() && sem.try_take(1) == 1 {
                return Ok(Acquire::Got);
            }
            let slice = match left {
                Some(l) if l.is_zero() => return Ok(Acquire::TimedOut),
                Some(l) => WAIT_SLICE.min(l),
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
                Wait::TimedOut => {
                    left = left.map(|l| l.saturating_sub(slice));
                    long = true;
                }
                Wait::Interrupted => {}
            }
        }
    }

    /// Slots neither free nor filled now, as a waiting end (which holds none) sees them.
    pub fn in_flight(&self) -> u32 {
        self.capacity
            .saturating_sub(self.free.available())
            .saturating_sub(self.filled.available())
    }

    /// Give back stranded slots if this end can be sure of every slot (see
    /// [`Owner::heal`]); true when something changed.
    fn heal(&self) -> bool {
        match self.owner {
            Some(owner) if self.in_flight() > 0 => (owner.heal)(self, owner),
            _ => false,
        }
    }

    /// The attachment the view is in.
    pub fn attachment(&self) -> &'a Attachment {
        self.att
    }
}

/// Poll `sem` for a permit before a wait sleeps: [`SPINS`] attempts, or for the
/// `--spin` duration (yielding the CPU after [`YIELD_AFTER`]). True when one was taken.
fn spin_take(sem: &Semaphore<'_>) -> bool {
    let budget = SPIN_NS.load(Ordering::Relaxed);
    if budget == 0 {
        for _ in 0..SPINS.load(Ordering::Relaxed) {
            if sem.try_take(1) == 1 {
                return true;
            }
            std::hint::spin_loop();
        }
        return false;
    }
    let budget = Duration::from_nanos(budget);
    let start = Instant::now();
    loop {
        for _ in 0..32 {
            // Read first: a compare-and-swap that cannot succeed would only take the
            // cache line away from the other end.
            if sem.available() > 0 && sem.try_take(1) == 1 {
                return true;
            }
            std::hint::spin_loop();
        }
        let spent = start.elapsed();
        if spent >= budget {
            return false;
        }
        if spent >= YIELD_AFTER {
            std::thread::yield_now();
        }
    }
}
