//! Process-shared POSIX semaphores (glibc's `sem_t`) living inside a shared segment.
//!
//! A C program on the other side of the ring and this tool sleep and wake on the same
//! futex word. Waiting, taking and posting ([`Semaphore::wait_for`],
//! [`Semaphore::try_take`], [`Semaphore::post`]) work on glibc's x86-64 layout directly:
//! one 64-bit word, the value in the low 32 bits and the number of sleeping waiters in the
//! high 32, waiters sleeping on a shared futex on the value, then the `private` int that
//! says which futexes (128: shared, for a process-shared semaphore). They do what
//! `sem_clockwait`, `sem_trywait` and `sem_post` do, one or k permits at a time, so a
//! peer that uses the libc calls one permit at a time interoperates with them. The wait
//! is not glibc's because glibc's aborts the process when the futex call fails in a way
//! it does not expect, which another process that can write the segment can bring about
//! (a `private` int overwritten); here that is an error (EINVAL) the caller reports.

use super::{SysError, SysResult};
use nix::errno::Errno;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[cfg(not(all(target_arch = "x86_64", target_env = "gnu")))]
compile_error!("the ring's wire format is glibc's x86-64 sem_t");

const VALUE_MASK: u64 = 0xffff_ffff;
const WAITERS_SHIFT: u32 = 32;

/// Where glibc's x86-64 `sem_t` keeps its `private` int, and what it holds for a
/// process-shared semaphore (FUTEX_SHARED: the flag that takes FUTEX_PRIVATE_FLAG off
/// its futex calls).
const PRIVATE_OFFSET: usize = 8;
const FUTEX_SHARED: i32 = libc::FUTEX_PRIVATE_FLAG;

/// A semaphore inside a writable attachment; it cannot outlive the attachment.
#[derive(Clone, Copy, Debug)]
pub struct Semaphore<'a> {
    ptr: *mut libc::sem_t,
    /// Borrowed from the attachment that maps it ([`super::shm::Attachment::semaphore`]).
    _mapping: PhantomData<&'a ()>,
}

// SAFETY: a process-shared semaphore is made for concurrent use: every operation on it
// is a libc semaphore call or an atomic operation on its word, and the lifetime keeps the
// mapping attached while any copy exists.
unsafe impl Send for Semaphore<'_> {}
// SAFETY: as for Send; no operation needs exclusive access.
unsafe impl Sync for Semaphore<'_> {}

/// How a bounded wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    Acquired,
    TimedOut,
    /// A signal handler ran (EINTR); the caller checks its stop flag and decides.
    Interrupted,
}

impl<'a> Semaphore<'a> {
    /// # Safety
    /// `ptr` must point to 32 writable, 8-aligned bytes of a mapping that stays attached for 'a.
    pub(super) unsafe fn from_raw(ptr: *mut libc::sem_t) -> Self {
        Semaphore {
            ptr,
            _mapping: PhantomData,
        }
    }

    /// `sem_init(sem, pshared = 1, value)`. Only for a semaphore no process can be using yet.
    pub fn init_shared(&self, value: u32) -> SysResult<()> {
        // SAFETY: ptr is valid for 'a (see from_raw); sem_init only writes the 32 bytes.
        let rc = unsafe { libc::sem_init(self.ptr, 1, value) };
        Errno::result(rc)
            .map(drop)
            .map_err(|e| SysError::new("sem_init", e))
    }

    /// Wait for a permit for at most `timeout` (on CLOCK_MONOTONIC, so a wall-clock jump
    /// cannot stretch it), as glibc's `sem_clockwait` does: take one if there is one;
    /// else count this waiter in the word, sleep on the value while it is 0, take one
    /// when it is not, and stop being counted. EINVAL when the semaphore is not a
    /// process-shared one (its `private` int was overwritten).
    pub fn wait_for(&self, timeout: Duration) -> SysResult<Wait> {
        let invalid = || SysError::new("sem_clockwait", Errno::EINVAL);
        if self.private() != FUTEX_SHARED {
            return Err(invalid());
        }
        if self.try_take(1) == 1 {
            return Ok(Wait::Acquired);
        }
        let now = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
            .map_err(|e| SysError::new("clock_gettime", e))?;
        let deadline = Duration::new(now.tv_sec() as u64, now.tv_nsec() as u32) + timeout;
        let ts = libc::timespec {
            tv_sec: deadline.as_secs() as libc::time_t,
            tv_nsec: deadline.subsec_nanos() as libc::c_long,
        };
        let word = self.word();
        let one_waiter = 1u64 << WAITERS_SHIFT;
        let mut current = word.fetch_add(one_waiter, Ordering::Relaxed) + one_waiter;
        let ended = loop {
            if current & VALUE_MASK == 0 {
                match super::futex::wait_shared_until(self.ptr.cast::<u32>(), 0, &ts) {
                    Ok(()) => {}
                    Err(e) if e.errno == Errno::EAGAIN => {}
                    Err(e) if e.errno == Errno::ETIMEDOUT => break Ok(Wait::TimedOut),
                    Err(e) if e.errno == Errno::EINTR => break Ok(Wait::Interrupted),
                    Err(e) => break Err(e),
                }
                current = word.load(Ordering::Relaxed);
                continue;
            }
            // Take a permit and stop being counted, in one step.
            match word.compare_exchange_weak(
                current,
                current.wrapping_sub(1 + one_waiter),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(Wait::Acquired),
                Err(seen) => current = seen,
            }
        };
        word.fetch_sub(one_waiter, Ordering::Relaxed);
        ended
    }

    /// glibc's `private` int: which futexes the semaphore's users call.
    fn private(&self) -> i32 {
        // SAFETY: ptr is valid, 8-aligned and writable for 'a (see from_raw), so the int at
        // offset 8 of its 32 bytes is valid and aligned; other processes may write it, so
        // it is read atomically.
        unsafe {
            (*self
                .ptr
                .cast::<u8>()
                .add(PRIVATE_OFFSET)
                .cast::<std::sync::atomic::AtomicI32>())
            .load(Ordering::Relaxed)
        }
    }

    fn word(&self) -> &AtomicU64 {
        // SAFETY: ptr is valid, 8-aligned and writable for 'a (see from_raw); glibc's x86-64
        // sem_t begins with its 64-bit data word, which every user updates atomically.
        unsafe { &*self.ptr.cast::<AtomicU64>() }
    }

    /// Take up to `max` permits at once if any are there, without sleeping: one
    /// compare-and-swap on the value, as `sem_trywait` does for one.
    pub fn try_take(&self, max: u32) -> u32 {
        let word = self.word();
        let mut current = word.load(Ordering::Relaxed);
        loop {
            let value = (current & VALUE_MASK) as u32;
            let n = value.min(max);
            if n == 0 {
                return 0;
            }
            match word.compare_exchange_weak(
                current,
                current - u64::from(n),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return n,
                Err(seen) => current = seen,
            }
        }
    }

    /// Add `n` permits at once and wake sleepers, as `n` calls of `sem_post` would: the
    /// add publishes (release) what was written before, and it fails with EOVERFLOW
    /// rather than carry into the waiter count.
    ///
    /// `sem_post` wakes one sleeper whenever the word counts waiters. A wake is skipped
    /// here when it cannot be needed: one waiter is counted and the value was already
    /// above zero. A waiter sleeps only while the value is 0 (the kernel checks the word
    /// as it queues it), so one asleep now saw the value rise from 0 since, and the post
    /// that raised it, which is never skipped, woke a sleeper: this one, or another that
    /// was counted too. That other one stops being counted only by taking a permit; for
    /// the value to be above zero after it did, another post came while both were
    /// counted, and with two or more counted every post wakes, as glibc's does. A waiter
    /// killed while counted only keeps the count higher, so wakes happen more often,
    /// never less. This spares the syscall per item that `sem_post` makes while a
    /// woken peer is on its way back from the kernel.
    pub fn post(&self, n: u32) -> SysResult<()> {
        if n == 0 {
            return Ok(());
        }
        let word = self.word();
        let mut current = word.load(Ordering::Relaxed);
        loop {
            let value = current & VALUE_MASK;
            if value + u64::from(n) > i32::MAX as u64 {
                return Err(SysError::new("sem_post", Errno::EOVERFLOW));
            }
            match word.compare_exchange_weak(
                current,
                current + u64::from(n),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(seen) => current = seen,
            }
        }
        let waiters = current >> WAITERS_SHIFT;
        let value = current & VALUE_MASK;
        if waiters > 1 || (waiters == 1 && value == 0) {
            super::futex::wake_shared(self.ptr.cast::<u32>(), n)?;
        }
        Ok(())
    }

    /// Forget the sleepers the word counts, returning how many it counted: for a repair of
    /// a ring nobody is attached to, where every counted waiter was killed while it slept
    /// (a stale count only costs wake-ups; a live sleeper forgotten would never be woken).
    pub fn reset_waiters(&self) -> u32 {
        (self.word().fetch_and(VALUE_MASK, Ordering::AcqRel) >> WAITERS_SHIFT) as u32
    }

    /// The value now (a relaxed read of the word): how many permits a take would find.
    pub fn available(&self) -> u32 {
        (self.word().load(Ordering::Relaxed) & VALUE_MASK) as u32
    }

    /// `sem_getvalue`.
    pub fn value(&self) -> SysResult<i32> {
        let mut v: libc::c_int = 0;
        // SAFETY: ptr is valid for 'a and v is a writable int.
        let rc = unsafe { libc::sem_getvalue(self.ptr, &mut v) };
        Errno::result(rc)
            .map(|_| v)
            .map_err(|e| SysError::new("sem_getvalue", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::shm::{self, CreateFlags, Key};
    use std::time::Instant;

    /// Rounds in which several threads are all counted as sleepers in `sem_clockwait` on
    /// one process-shared semaphore, then get one permit each: posted one at a time back
    /// to back (the later posts meet a woken sleeper still on its way, the case where a
    /// wake is tempting to skip), or all in one post. A needed wake that was skipped
    /// leaves a sleeper asleep with a permit there: its wait times out and the test fails.
    #[test]
    fn posts_wake_every_counted_sleeper() {
        const SLEEPERS: u64 = 3;
        const ROUNDS: u32 = 200;
        let id = shm::create(Key::PRIVATE, 64, 0o600, CreateFlags::default()).unwrap();
        let att = shm::attach(id, false).unwrap();
        shm::remove(id).unwrap();
        let sem = att.semaphore(0).unwrap();
        sem.init_shared(0).unwrap();
        let round_done = std::sync::Barrier::new(SLEEPERS as usize + 1);
        let missed = std::sync::atomic::AtomicU32::new(0);
        std::thread::scope(|s| {
            for _ in 0..SLEEPERS {
                s.spawn(|| {
                    for _ in 0..ROUNDS {
                        loop {
                            match sem.wait_for(Duration::from_secs(5)).unwrap() {
                                Wait::Acquired => break,
                                Wait::Interrupted => continue,
                                Wait::TimedOut => {
                                    missed.fetch_add(1, Ordering::Relaxed);
                                    break;
                                }
                            }
                        }
                        round_done.wait();
                        if missed.load(Ordering::Relaxed) > 0 {
                            return;
                        }
                    }
                });
            }
            for round in 0..ROUNDS {
                let start = Instant::now();
                while sem.word().load(Ordering::Relaxed) >> WAITERS_SHIFT < SLEEPERS {
                    if start.elapsed() > Duration::from_secs(10) {
                        // Let the sleepers go before failing, or the scope never ends.
                        sem.post(SLEEPERS as u32 * (ROUNDS - round)).unwrap();
                        missed.fetch_add(1, Ordering::Relaxed);
                        round_done.wait();
                        panic!("round {round}: the sleepers never slept");
                    }
                    std::thread::yield_now();
                }
                if round % 2 == 0 {
                    for _ in 0..SLEEPERS {
                        sem.post(1).unwrap();
                    }
                } else {
                    sem.post(SLEEPERS as u32).unwrap();
                }
                round_done.wait();
                if missed.load(Ordering::Relaxed) > 0 {
                    panic!("round {round}: a sleeper was never woken");
                }
            }
        });
        assert_eq!(sem.value().unwrap(), 0);
    }

    #[test]
    fn a_post_that_would_overflow_the_value_is_refused() {
        let id = shm::create(Key::PRIVATE, 64, 0o600, CreateFlags::default()).unwrap();
        let att = shm::attach(id, false).unwrap();
        shm::remove(id).unwrap();
        let sem = att.semaphore(0).unwrap();
        sem.init_shared(i32::MAX as u32 - 1).unwrap();
        sem.post(1).unwrap();
        assert_eq!(sem.post(1).unwrap_err().errno, Errno::EOVERFLOW);
        assert_eq!(sem.value().unwrap(), i32::MAX);
        assert_eq!(sem.try_take(5), 5);
    }
}
