//! The one error type, and the exit codes every command shares.

use crate::sys::SysError;
use nix::errno::Errno;
use std::fmt;

/// Exit codes, the same in every command (documented in shmctl-rs(1)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok = 0,
    Failure = 1,
    Usage = 2,
    NoSuchSegment = 3,
    PermissionDenied = 4,
    AlreadyExists = 5,
    Limit = 6,
    InvalidRing = 7,
    TimedOut = 8,
    Interrupted = 130,
}

impl Status {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The status an errno from a segment operation stands for.
    pub fn from_errno(errno: Errno) -> Status {
        match errno {
            // EINVAL from an id lookup and EIDRM both mean the segment is gone.
            Errno::ENOENT | Errno::EINVAL | Errno::EIDRM => Status::NoSuchSegment,
            Errno::EACCES | Errno::EPERM => Status::PermissionDenied,
            Errno::EEXIST => Status::AlreadyExists,
            Errno::ENOSPC | Errno::ENOMEM | Errno::EFBIG | Errno::EMFILE => Status::Limit,
            Errno::ETIMEDOUT => Status::TimedOut,
            _ => Status::Failure,
        }
    }
}

/// The error a write to stdout or stderr gives up with when the command was asked to stop
/// and the reader is not reading (see `output::stream`): the command ends as interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted while the output was not being read")
    }
}

impl std::error::Error for Stopped {}

/// An error: what went wrong, said in one line, and the exit status it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub status: Status,
    pub message: String,
    /// Writing to stdout failed because the reader went away (`| head`): not an error.
    pub broken_pipe: bool,
}

impl Error {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Error {
            status,
            message: message.into(),
            broken_pipe: false,
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(Status::Usage, message)
    }
    pub fn other(message: impl Into<String>) -> Self {
        Error::new(Status::Failure, message)
    }
    pub fn interrupted() -> Self {
        Error::new(Status::Interrupted, "interrupted")
    }

    /// A failed call on one named object: `segment 42: no such segment (…)`, with the
    /// errno's usual meaning for shared memory spelled out.
    pub fn sys(what: impl fmt::Display, err: SysError) -> Self {
        let status = Status::from_errno(err.errno);
        let reason = match (status, err.errno) {
            (Status::NoSuchSegment, _) => "no such segment (it may have been removed)".to_string(),
            (Status::PermissionDenied, e) => format!("permission denied ({}: {})", err.call, e),
            _ => err.to_string(),
        };
        Error::new(status, format!("{what}: {reason}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        if e.get_ref().is_some_and(|inner| inner.is::<Stopped>()) {
            return Error::new(Status::Interrupted, e.to_string());
        }
        let mut err = Error::other(e.to_string());
        err.broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        err
    }
}

pub type Result<T> = std::result::Result<T, Error>;
