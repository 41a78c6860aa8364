//! Joining a ring for one role: the start-up the producer and the consumer share. Find
//! (or, for the producer, create) the ring, attach it, check its header, and take the
//! role's lock, so that one producer and one consumer run at a time.

use super::Location;
use super::lock::{self, Role, RoleLock};
use super::open::{self, Opened};
use super::shared::Ring;
use crate::error::{Error, Result, Status};
use crate::sys::SysError;
use crate::sys::shm::{Key, ShmId};
use std::time::Duration;

/// How a role comes to the ring.
#[derive(Clone, Copy, Debug)]
pub enum Join {
    /// The producer: create the ring (with these permission bits) or join it.
    Producer { mode: u32 },
    /// The consumer: wait up to `timeout` (or until Ctrl-C) for a valid ring.
    Consumer { timeout: Option<Duration> },
}

/// A ring joined for a role; the role's lock is held until it is dropped.
pub struct Joined {
    opened: Opened,
    _lock: RoleLock,
}

/// Join the ring at `location` as `how` says.
pub fn join(location: Location, how: Join) -> Result<Joined> {
    let (opened, role) = match how {
        Join::Producer { mode } => (open::for_producer(location, mode)?, Role::Producer),
        Join::Consumer { timeout } => (open::for_consumer(location, timeout)?, Role::Consumer),
    };
    let lock = lock::take(opened.id, role)?;
    Ok(Joined {
        opened,
        _lock: lock,
    })
}

impl Joined {
    pub fn id(&self) -> ShmId {
        self.opened.id
    }

    pub fn key(&self) -> Key {
        self.opened.key
    }

    /// The live view of the ring both ends work on.
    pub fn ring(&self) -> Result<Ring<'_>> {
        Ring::new(&self.opened.attachment).ok_or_else(|| {
            Error::new(
                Status::InvalidRing,
                format!("segment {}: cannot map the ring", self.opened.id),
            )
        })
    }

    /// A failed semaphore call on this ring, as an error naming the segment. A post that
    /// would overflow a semaphore's value means its header was corrupted under the run.
    pub fn failed(&self, e: SysError) -> Error {
        let id = self.opened.id;
        if e.errno == nix::errno::Errno::EOVERFLOW {
            return Error::new(
                Status::InvalidRing,
                format!(
                    "segment {id}: not a valid ring any more ({e}: a semaphore's value was overwritten while this run used it)"
                ),
            );
        }
        Error::other(format!("segment {id}: {e}"))
    }
}
