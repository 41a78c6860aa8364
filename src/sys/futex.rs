//! The futex calls a process-shared semaphore needs: the wake of the batched post, and the
//! sleep of a wait (made here rather than in libc, whose wait aborts the process on an
//! error it does not expect, as a semaphore overwritten by another process gives).

use super::{SysError, SysResult};
use nix::errno::Errno;

/// `FUTEX_WAKE` (shared, as for a process-shared semaphore) on the 32-bit word at `addr`,
/// waking up to `n` sleepers.
pub(super) fn wake_shared(addr: *mut u32, n: u32) -> SysResult<()> {
    let n = libc::c_int::try_from(n).unwrap_or(libc::c_int::MAX);
    // SAFETY: FUTEX_WAKE only uses addr as a key to find sleepers; it neither reads nor
    // writes through it, and the caller's word lives in a mapping that is attached.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_futex,
            addr,
            libc::FUTEX_WAKE,
            n,
            0usize,
            0usize,
            0u32,
        )
    };
    Errno::result(rc)
        .map(drop)
        .map_err(|e| SysError::new("futex(FUTEX_WAKE)", e))
}

/// `FUTEX_WAIT_BITSET` (shared) on the 32-bit word at `addr` while it holds `expected`,
/// until the CLOCK_MONOTONIC time `deadline`. Ok when woken (or on a spurious wake-up);
/// EAGAIN when the word no longer held `expected`, ETIMEDOUT, EINTR.
pub(super) fn wait_shared_until(
    addr: *mut u32,
    expected: u32,
    deadline: &libc::timespec,
) -> SysResult<()> {
    // SAFETY: the caller's word lives in a mapping that is attached for the call, and is
    // 4-aligned; the kernel reads it (it never writes it) and reads the timespec, which
    // outlives the call. An absolute bitset wait with every bit is a plain wait.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_futex,
            addr,
            libc::FUTEX_WAIT_BITSET,
            expected,
            std::ptr::from_ref(deadline),
            0usize,
            libc::FUTEX_BITSET_MATCH_ANY,
        )
    };
    Errno::result(rc)
        .map(drop)
        .map_err(|e| SysError::new("futex(FUTEX_WAIT)", e))
}
