//! A live view of the ring in a writable attachment: the two semaphores, the buffer and
//! the indices, with waits that honour Ctrl-C and a deadline.

use super::layout;
use crate::signals;
use crate::sys::SysResult;
use crate::sys::sem::{Semaphore, Wait};
use crate::sys::shm::Attachment;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// How long one blocking wait lasts before the stop flag is checked again.
const WAIT_SLICE: Duration = Duration::from_millis(50);
/// `sem_trywait` attempts before sleeping in the kernel.
const SPINS: u32 = 64;

pub struct Ring<'a> {
    pub free: Semaphore<'a>,
    pub filled: Semaphore<'a>,
    pub buffer: &'a [AtomicI32],
    pub head: &'a AtomicI32,
    pub tail: &'a AtomicI32,
    pub count: &'a AtomicI32,
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
            head: att.atomic_i32(layout::HEAD)?,
            tail: att.atomic_i32(layout::TAIL)?,
            count: att.atomic_i32(layout::COUNT)?,
        })
    }

    /// Initialise a ring that no other process can be using yet: the filled semaphore and
    /// indices first, the free semaphore last, so a header that looks valid is complete.
    pub fn initialise(&self) -> SysResult<()> {
        self.filled.init_shared(0)?;
        self.head.store(0, Ordering::Relaxed);
        self.tail.store(0, Ordering::Relaxed);
        self.count.store(0, Ordering::Relaxed);
        std::sync::atomic::fence(Ordering::Release);
        self.free.init_shared(layout::CAPACITY as u32)
    }

    /// Take one permit from `sem`: spin briefly, then sleep in slices, checking the stop
    /// flag and the deadline between slices.
    pub fn acquire(sem: &Semaphore<'_>, deadline: Option<Instant>) -> SysResult<Acquire> {
        for _ in 0..SPINS {
            if sem.try_wait() {
                return Ok(Acquire::Got);
            }
            std::hint::spin_loop();
        }
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

    /// Write one item at head (the caller holds a free permit), then publish it.
    pub fn push(&self, value: i32) -> SysResult<i32> {
        let head = self
            .head
            .load(Ordering::Relaxed)
            .rem_euclid(layout::CAPACITY as i32);
        self.buffer[head as usize].store(value, Ordering::Relaxed);
        self.head
            .store((head + 1) % layout::CAPACITY as i32, Ordering::Relaxed);
        let count = self.count.fetch_add(1, Ordering::AcqRel) + 1;
        self.filled.post()?;
        Ok(count)
    }

    /// Read one item at tail (the caller holds a filled permit), then free its slot.
    pub fn pop(&self) -> SysResult<(i32, i32)> {
        let tail = self
            .tail
            .load(Ordering::Relaxed)
            .rem_euclid(layout::CAPACITY as i32);
        let value = self.buffer[tail as usize].load(Ordering::Relaxed);
        self.tail
            .store((tail + 1) % layout::CAPACITY as i32, Ordering::Relaxed);
        let count = self.count.fetch_sub(1, Ordering::AcqRel) - 1;
        self.free.post()?;
        Ok((value, count))
    }
}
