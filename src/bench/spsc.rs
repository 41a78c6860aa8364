//! The `spsc` transport: a lock-free single-producer single-consumer ring in a SysV
//! segment, written for this benchmark as the ceiling of shared memory on this host. It is
//! not the document's format: no semaphores, only two indices, each on a cache line of
//! its own (128 bytes apart, beyond the adjacent-line prefetcher) and written by one side
//! only, and a power-of-two buffer. The producer waits for a quarter of the ring to be
//! free, fills it in one contiguous copy loop (two where it wraps) and publishes it with
//! one release store; the consumer mirrors it. A waiting side polls (yielding the CPU
//! after a few microseconds) and never sleeps in the kernel: the benchmark's two ends
//! always run flat out.
//!
//! ```text
//! offset 0    u64 head   items published (the producer's)
//! offset 128  u64 tail   items consumed (the consumer's)
//! offset 256  int buffer[N]   N a power of two; a zeroed segment is an empty ring
//! ```

use crate::error::{Error, Result};
use crate::sys::shm::Attachment;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const HEAD: usize = 0;
const TAIL: usize = 128;
const BUFFER: usize = 256;

/// The segment size of an spsc ring of `capacity` slots.
pub fn size(capacity: usize) -> usize {
    BUFFER + 4 * capacity
}

/// The capacity of the spsc ring a segment of `size` bytes holds.
pub fn capacity_of(size: usize) -> Option<usize> {
    let capacity = size.checked_sub(BUFFER)? / 4;
    (size == self::size(capacity) && capacity.is_power_of_two() && capacity >= 2)
        .then_some(capacity)
}

/// Poll for this long before yielding the CPU between polls (two ends on one CPU must
/// let each other run).
const YIELD_AFTER: Duration = Duration::from_micros(5);

struct Queue<'a> {
    att: &'a Attachment,
    head: &'a AtomicU64,
    tail: &'a AtomicU64,
    capacity: u64,
}

impl<'a> Queue<'a> {
    fn new(att: &'a Attachment) -> Result<Queue<'a>> {
        let not = || Error::other("not an spsc ring (256 + 4N bytes, N a power of two)");
        let capacity = capacity_of(att.len()).ok_or_else(not)? as u64;
        Ok(Queue {
            att,
            head: att.atomic_u64(HEAD).ok_or_else(not)?,
            tail: att.atomic_u64(TAIL).ok_or_else(not)?,
            capacity,
        })
    }

    /// The batch: a quarter of the ring.
    fn batch(&self) -> u64 {
        (self.capacity / 4).max(1)
    }

    /// Hand the slots `[at, at + n)` (mod N), which this side owns now, to `f` as plain
    /// memory, one contiguous run at a time.
    fn with_slots(&self, at: u64, n: u64, mut f: impl FnMut(&mut [i32])) -> Result<()> {
        let start = (at & (self.capacity - 1)) as usize;
        let first = (n as usize).min(self.capacity as usize - start);
        for (slot, len) in [(start, first), (0, n as usize - first)] {
            if len > 0 {
                self.att
                    .with_i32s_mut(BUFFER + 4 * slot, len, &mut f)
                    .ok_or_else(|| Error::other("spsc: the buffer is out of the segment"))?;
            }
        }
        Ok(())
    }
}

/// Poll `word` until `ok` holds for its value.
fn wait_until(word: &AtomicU64, mut ok: impl FnMut(u64) -> bool) -> u64 {
    let start = Instant::now();
    loop {
        for _ in 0..64 {
            let v = word.load(Ordering::Acquire);
            if ok(v) {
                return v;
            }
            std::hint::spin_loop();
        }
        if start.elapsed() >= YIELD_AFTER {
            std::thread::yield_now();
        }
    }
}

/// Send items 0..count.
pub fn produce(att: &Attachment, count: u64) -> Result<()> {
    let q = Queue::new(att)?;
    let (cap, batch) = (q.capacity, q.batch());
    let mut head = q.head.load(Ordering::Relaxed);
    let mut tail = q.tail.load(Ordering::Acquire);
    let mut i = 0u64;
    while i < count {
        let want = batch.min(count - i);
        if cap - (head - tail) < want {
            tail = wait_until(q.tail, |t| cap - (head - t) >= want);
        }
        let n = (cap - (head - tail)).min(batch).min(count - i);
        // The consumer is past these slots (tail) and keeps off them until head moves.
        let mut next = i;
        q.with_slots(head, n, |run| {
            crate::ring::fill_squares(run, next);
            next += run.len() as u64;
        })?;
        i += n;
        head += n;
        q.head.store(head, Ordering::Release);
    }
    Ok(())
}

/// Receive `count` items, returning their checksum.
pub fn consume(att: &Attachment, count: u64) -> Result<u64> {
    let q = Queue::new(att)?;
    let batch = q.batch();
    let mut tail = q.tail.load(Ordering::Relaxed);
    let mut head = q.head.load(Ordering::Acquire);
    let mut got = 0u64;
    let mut sum = 0u64;
    while got < count {
        let want = batch.min(count - got);
        if head - tail < want {
            head = wait_until(q.head, |h| h - tail >= want);
        }
        let n = (head - tail).min(batch).min(count - got);
        // The producer published these slots (release store of head, acquire load here)
        // and keeps off them until tail moves.
        q.with_slots(tail, n, |run| {
            sum = sum.wrapping_add(crate::model::ring::checksum(run));
        })?;
        got += n;
        tail += n;
        q.tail.store(tail, Ordering::Release);
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::shm::{self, CreateFlags, Key};

    #[test]
    fn sizes_and_a_run_through_a_small_ring_in_two_threads() {
        assert_eq!(capacity_of(size(1024)), Some(1024));
        assert_eq!(capacity_of(size(1000)), None);
        assert_eq!(capacity_of(100), None);
        assert_eq!(capacity_of(size(2)), Some(2));
        let id = shm::create(Key::PRIVATE, size(16), 0o600, CreateFlags::default()).unwrap();
        let a = shm::attach(id, false).unwrap();
        let b = shm::attach(id, false).unwrap();
        shm::remove(id).unwrap();
        let n = 100_003;
        let sum = std::thread::scope(|s| {
            let producer = s.spawn(|| produce(&a, n));
            let sum = consume(&b, n).unwrap();
            producer.join().unwrap().unwrap();
            sum
        });
        assert_eq!(sum, crate::bench::transport::expected_checksum(n));
    }
}
