//! The one futex call the batched semaphore post needs.

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
