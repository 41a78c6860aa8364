//! A live view of the ring in a writable attachment: the two semaphores, the buffer and
//! the indices, with waits that honour Ctrl-C and a deadline.

use super::layout;
use crate::signals;
use crate::sys::SysResult;
use crate::sys::sem::{Semaphore, Wait};
use crate::sys::shm::Attachment;
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
/// nothing is). Measured with `cargo bench` on a 2-core machine, with [`BATCH_WANT`]:
/// 4000 gives 25 M items/s against a per-item C peer and 65 M between two batched ends,
/// against 9 M and 48 M for 1000 checks taking whatever is there at once. Against a slow
/// peer it costs about 0.1 ms of spinning per item before sleeping (shortening it after a
/// sleep halved the throughput between two batched ends).
static BATCH_SPINS: AtomicU32 = AtomicU32::new(4000);
/// The batch a batched wait waits for while the other side is running: a quarter of the
/// ring. Taking each item the moment it lands keeps both sides fighting over the
/// semaphores' cache line item by item; letting a quarter of the ring build up first
/// moves it in bursts (512 measured the same; 32 and 1024 lose half).
const BATCH_WANT: u32 = layout::CAPACITY as u32 / 4;

/// Set the spin budgets (per-item and batched) for benchmarking them; `None` keeps one.
pub fn set_spins(per_item: Option<u32>, batched: Option<u32>) {
    if let Some(n) = per_item {
        SPINS.store(n, Ordering::Relaxed);
    }
    if let Some(n) = batched {
        BATCH_SPINS.store(n, Ordering::Relaxed);
    }
}

pub struct Ring<'a> {
    pub free: Semaphore<'a>,
    pub filled: Semaphore<'a>,
    pub buffer: &'a [AtomicI32],
    head: Index<'a>,
    tail: Index<'a>,
    pub count: &'a AtomicI32,
}

/// One side's index: head for the producer, tail for the consumer. A ring has one of
/// each, the only writer of its index, so the side keeps the index here and only stores
/// it to the header: no read of the line the other side is writing (a cache miss per
/// item). It is read from the header when the view is made, and again after a wait that
/// slept: the document's producer re-runs `sem_init` and zeroes head and tail when it
/// starts, and may have done so meanwhile.
struct Index<'a> {
    header: &'a AtomicI32,
    next: Cell<i32>,
}

impl<'a> Index<'a> {
    fn new(header: &'a AtomicI32) -> Index<'a> {
        let index = Index {
            header,
            next: Cell::new(0),
        };
        index.reread();
        index
    }

    /// The slot this side uses next.
    fn get(&self) -> i32 {
        self.next.get()
    }

    fn reread(&self) {
        let cap = layout::CAPACITY as i32;
        self.next
            .set(self.header.load(Ordering::Relaxed).rem_euclid(cap));
    }

    /// Move on by `n` slots, in the header too.
    fn advance(&self, n: i32) {
        self.set((self.next.get() + n) % layout::CAPACITY as i32);
    }

    fn set(&self, slot: i32) {
        self.header.store(slot, Ordering::Relaxed);
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

impl<'a> Ring<'a> {
    /// The ring in a writable attachment of at least [`layout::SIZE`] bytes.
    pub fn new(att: &'a Attachment) -> Option<Ring<'a>> {
        Some(Ring {
            free: att.semaphore(layout::SEM_PRODUCER)?,
            filled: att.semaphore(layout::SEM_CONSUMER)?,
            buffer: att.atomic_i32_slice(layout::BUFFER, layout::CAPACITY)?,
            head: Index::new(att.atomic_i32(layout::HEAD)?),
            tail: Index::new(att.atomic_i32(layout::TAIL)?),
            count: att.atomic_i32(layout::COUNT)?,
        })
    }

    /// Initialise a ring that no other process can be using yet: the filled semaphore and
    /// indices first, the free semaphore last, so a header that looks valid is complete.
    pub fn initialise(&self) -> SysResult<()> {
        self.filled.init_shared(0)?;
        self.head.set(0);
        self.tail.set(0);
        self.count.store(0, Ordering::Relaxed);
        std::sync::atomic::fence(Ordering::Release);
        self.free.init_shared(layout::CAPACITY as u32)
    }

    /// Take one free slot (the producer's wait); see [`Ring::take_filled`].
    pub fn take_free(&self, deadline: Option<Instant>) -> SysResult<Acquire> {
        wait_one(&self.free, &self.head, deadline)
    }

    /// Take one filled slot (the consumer's wait): spin briefly, then sleep in slices,
    /// checking the stop flag and the deadline between slices.
    pub fn take_filled(&self, deadline: Option<Instant>) -> SysResult<Acquire> {
        wait_one(&self.filled, &self.tail, deadline)
    }

    /// Write one item at head (the caller holds a free permit), then publish it.
    pub fn push(&self, value: i32) -> SysResult<i32> {
        self.buffer[self.head.get() as usize].store(value, Ordering::Relaxed);
        self.head.advance(1);
        let count = self.count.fetch_add(1, Ordering::AcqRel) + 1;
        self.filled.post(1)?;
        Ok(count)
    }

    /// Take up to `max` permits of `sem` (at most the ring's capacity). While the other
    /// side is running, wait (spinning) until [`BATCH_WANT`] permits are there, or `max` if
    /// fewer, and take them all; after the spin budget take whatever is there; when nothing
    /// is, take one by a blocking wait (which reads `index`, this side's, again) and then
    /// whatever came with it. 0 when stopped or past the deadline.
    fn take_batch(
        sem: &Semaphore<'_>,
        index: &Index<'_>,
        max: u64,
        deadline: Option<Instant>,
    ) -> SysResult<u32> {
        let max = max.min(layout::CAPACITY as u64) as u32;
        let want = BATCH_WANT.min(max);
        for _ in 0..BATCH_SPINS.load(Ordering::Relaxed) {
            if sem.available() >= want {
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
        match wait_one(sem, index, deadline)? {
            Acquire::Got => Ok(1 + sem.try_take(max - 1)),
            Acquire::Stopped | Acquire::TimedOut => Ok(0),
        }
    }

    /// Produce up to `max` items from `next` with one semaphore operation on each side:
    /// take free slots, write, advance head and count, post the filled slots. Returns how
    /// many (0 when stopped or past the deadline); `on_item` sees each with the count after it.
    pub fn push_batch(
        &self,
        max: u64,
        deadline: Option<Instant>,
        mut next: impl FnMut() -> i32,
        mut on_item: impl FnMut(i32, i32),
    ) -> SysResult<u64> {
        let n = Self::take_batch(&self.free, &self.head, max, deadline)?;
        if n == 0 {
            return Ok(0);
        }
        let cap = layout::CAPACITY as i32;
        let head = self.head.get();
        let before = self.count.load(Ordering::Relaxed);
        for j in 0..n as i32 {
            let value = next();
            self.buffer[((head + j) % cap) as usize].store(value, Ordering::Relaxed);
            on_item(value, before.wrapping_add(j + 1));
        }
        self.head.advance(n as i32);
        self.count.fetch_add(n as i32, Ordering::AcqRel);
        self.filled.post(n)?;
        Ok(u64::from(n))
    }

    /// Consume up to `max` items into `sink` with one semaphore operation on each side.
    /// Returns how many (0 when stopped or past the deadline).
    pub fn pop_batch(
        &self,
        max: u64,
        deadline: Option<Instant>,
        mut sink: impl FnMut(i32),
    ) -> SysResult<u64> {
        let n = Self::take_batch(&self.filled, &self.tail, max, deadline)?;
        if n == 0 {
            return Ok(0);
        }
        let cap = layout::CAPACITY as i32;
        let tail = self.tail.get();
        for j in 0..n as i32 {
            sink(self.buffer[((tail + j) % cap) as usize].load(Ordering::Relaxed));
        }
        self.tail.advance(n as i32);
        self.count.fetch_sub(n as i32, Ordering::AcqRel);
        self.free.post(n)?;
        Ok(u64::from(n))
    }

    /// Read one item at tail (the caller holds a filled permit), then free its slot.
    pub fn pop(&self) -> SysResult<(i32, i32)> {
        let value = self.buffer[self.tail.get() as usize].load(Ordering::Relaxed);
        self.tail.advance(1);
        let count = self.count.fetch_sub(1, Ordering::AcqRel) - 1;
        self.free.post(1)?;
        Ok((value, count))
    }
}

/// Take one permit from `sem`: spin briefly, then sleep in slices, checking the stop flag
/// and the deadline between slices. After sleeping, `index` is read from the header again.
fn wait_one(
    sem: &Semaphore<'_>,
    index: &Index<'_>,
    deadline: Option<Instant>,
) -> SysResult<Acquire> {
    for _ in 0..SPINS.load(Ordering::Relaxed) {
        if sem.try_take(1) == 1 {
            return Ok(Acquire::Got);
        }
        std::hint::spin_loop();
    }
    let got = sleep_one(sem, deadline)?;
    index.reread();
    Ok(got)
}

/// The sleeping part of [`wait_one`].
fn sleep_one(sem: &Semaphore<'_>, deadline: Option<Instant>) -> SysResult<Acquire> {
    loop {
        if signals::stop_requested() {
            return Ok(Acquire::Stopped);
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
        match sem.wait_for(slice)? {
            Wait::Acquired => return Ok(Acquire::Got),
            Wait::TimedOut | Wait::Interrupted => {}
        }
    }
}
