//! Process-shared POSIX semaphores (glibc's `sem_t`) living inside a shared segment.
//!
//! These are the real libc calls, so a C program on the other side of the ring and this
//! tool sleep and wake on the same futex word.
//!
//! The batched operations ([`Semaphore::try_take`], [`Semaphore::post_many`]) work on
//! glibc's x86-64 layout directly: one 64-bit word, the value in the low 32 bits and the
//! number of sleeping waiters in the high 32, waiters sleeping on a shared futex on the
//! value. They do what `sem_trywait` and `sem_post` do, k permits at a time, so a peer
//! that uses the libc calls one permit at a time interoperates with them.

use super::{SysError, SysResult};
use nix::errno::Errno;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[cfg(not(all(target_arch = "x86_64", target_env = "gnu")))]
compile_error!("the ring's wire format is glibc's x86-64 sem_t");

const VALUE_MASK: u64 = 0xffff_ffff;
const WAITERS_SHIFT: u32 = 32;

unsafe extern "C" {
    /// glibc ≥ 2.30: like `sem_timedwait`, with a chosen clock (we use CLOCK_MONOTONIC, so
    /// a wall-clock jump cannot stretch a wait).
    fn sem_clockwait(
        sem: *mut libc::sem_t,
        clock: libc::clockid_t,
        abstime: *const libc::timespec,
    ) -> libc::c_int;
}

/// A semaphore inside a writable attachment; it cannot outlive the attachment.
#[derive(Clone, Copy, Debug)]
pub struct Semaphore<'a> {
    ptr: *mut libc::sem_t,
    _mapping: PhantomData<&'a super::shm::Attachment>,
}

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

    /// `sem_post`: one more permit, waking one sleeper if any is counted.
    pub fn post(&self) -> SysResult<()> {
        // SAFETY: ptr is valid for 'a; glibc's sem_post tolerates concurrent users.
        let rc = unsafe { libc::sem_post(self.ptr) };
        Errno::result(rc)
            .map(drop)
            .map_err(|e| SysError::new("sem_post", e))
    }

    /// `sem_trywait`: take a permit if one is there, without sleeping.
    pub fn try_wait(&self) -> bool {
        // SAFETY: ptr is valid for 'a; sem_trywait never blocks.
        unsafe { libc::sem_trywait(self.ptr) == 0 }
    }

    /// `sem_clockwait` on CLOCK_MONOTONIC, for at most `timeout`.
    pub fn wait_for(&self, timeout: Duration) -> SysResult<Wait> {
        let now = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
            .map_err(|e| SysError::new("clock_gettime", e))?;
        let deadline = Duration::new(now.tv_sec() as u64, now.tv_nsec() as u32) + timeout;
        let ts = libc::timespec {
            tv_sec: deadline.as_secs() as libc::time_t,
            tv_nsec: deadline.subsec_nanos() as libc::c_long,
        };
        // SAFETY: ptr is valid for 'a and ts is a valid timespec that outlives the call.
        let rc = unsafe { sem_clockwait(self.ptr, libc::CLOCK_MONOTONIC, &ts) };
        match Errno::result(rc) {
            Ok(_) => Ok(Wait::Acquired),
            Err(Errno::ETIMEDOUT) => Ok(Wait::TimedOut),
            Err(Errno::EINTR) => Ok(Wait::Interrupted),
            Err(e) => Err(SysError::new("sem_clockwait", e)),
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
    /// add publishes (release) what was written before, and a wake is needed only when
    /// the word counts waiters.
    pub fn post_many(&self, n: u32) -> SysResult<()> {
        if n == 0 {
            return Ok(());
        }
        let before = self.word().fetch_add(u64::from(n), Ordering::Release);
        if before >> WAITERS_SHIFT > 0 {
            super::futex::wake_shared(self.ptr.cast::<u32>(), n)?;
        }
        Ok(())
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
