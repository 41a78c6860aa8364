//! The kernel boundary: every `unsafe` block of the crate lives below this module (and the
//! calls that change POSIX objects, through nix's safe API).
//!
//! Neither nix nor rustix wraps System V shared memory, so this module does it in their
//! style: libc's own types and constants, newtypes for keys and ids, `Errno::result` on
//! every return, and an RAII [`shm::Attachment`] that detaches on drop.

pub mod futex;
pub mod posix;
pub mod sem;
pub mod shm;
pub mod stat;
pub mod stdio;

use nix::errno::Errno;
use std::fmt;

/// A failed system call: which call, and the errno it returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SysError {
    pub call: &'static str,
    pub errno: Errno,
}

impl SysError {
    pub fn new(call: &'static str, errno: Errno) -> Self {
        SysError { call, errno }
    }
}

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.call, self.errno.desc())
    }
}

impl std::error::Error for SysError {}

pub type SysResult<T> = Result<T, SysError>;
