//! Joining a ring for one role: the start-up the producer and the consumer share. Find
//! (or, for the producer, create) the ring, attach it, check its header, and take the
//! role's lock, so that one producer and one consumer run at a time.

use super::Location;
use super::lock::{self, AwakeLock, Role, RoleLock};
use super::open::{self, Opened};
use super::repair;
use super::shared::{Owner, Ring};
use crate::error::{Error, Result, Status};
use crate::model::ring::State;
use crate::output;
use crate::sys::SysError;
use crate::sys::shm;
use crate::sys::shm::{Key, ShmId};
use std::time::Duration;

/// How a role comes to the ring.
#[derive(Clone, Copy, Debug)]
pub enum Join {
    /// The producer: create the ring (with these permission bits and this capacity, the
    /// document's by default) or join it (which must then have that capacity, if given).
    Producer { mode: u32, capacity: Option<usize> },
    /// The consumer: wait up to `timeout` (or until Ctrl-C) for a valid ring.
    Consumer { timeout: Option<Duration> },
}

/// A ring joined for a role; the role's lock is held until it is dropped.
pub struct Joined {
    opened: Opened,
    _lock: RoleLock,
    awake: AwakeLock,
    role: Role,
}

/// Join the ring at `location` as `how` says.
pub fn join(location: Location, how: Join) -> Result<Joined> {
    let (opened, role) = match how {
        Join::Producer { mode, capacity } => (
            open::for_producer(location, mode, capacity)?,
            Role::Producer,
        ),
        Join::Consumer { timeout } => (open::for_consumer(location, timeout)?, Role::Consumer),
    };
    let lock = lock::take(opened.id, role)?;
    let awake = AwakeLock::take(opened.id, role)?;
    let joined = Joined {
        opened,
        _lock: lock,
        awake,
        role,
    };
    joined.check_consistency()?;
    Ok(joined)
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
        Ring::new(&self.opened.attachment)
            .map(|r| {
                r.owned_by(Owner {
                    id: self.opened.id,
                    role: self.role,
                    awake: &self.awake,
                    heal: repair::heal_stranded,
                })
            })
            .ok_or_else(|| {
                Error::new(
                    Status::InvalidRing,
                    format!("segment {}: cannot map the ring", self.opened.id),
                )
            })
    }

    /// Say so before starting on an inconsistent ring (slots a killed end stranded), and
    /// give them back when this end has the ring to itself.
    fn check_consistency(&self) -> Result<()> {
        let id = self.opened.id;
        let others = shm::stat(id).ok().map(|s| s.nattch.saturating_sub(1));
        let Some((_, verdict)) = open::read_header(&self.opened.attachment, others) else {
            return Ok(());
        };
        if verdict.state != State::Inconsistent {
            return Ok(());
        }
        let problems = verdict.problems.join("; ");
        let ring = self.ring()?;
        let owner = Owner {
            id,
            role: self.role,
            awake: &self.awake,
            heal: repair::heal_stranded,
        };
        let healed = repair::heal_stranded(&ring, owner);
        if !healed {
            output::warn(format!(
                "segment {id}: the ring is inconsistent: {problems}; this {} starts anyway (`shmctl-rs ring repair {id}` restores it once no producer or consumer runs)",
                self.role.name()
            ));
        }
        Ok(())
    }

    /// A failed semaphore call on this ring, as an error naming the segment. A post that
    /// would overflow a semaphore's value, or a wait on a semaphore that is no longer a
    /// process-shared one, means its header was corrupted under the run.
    pub fn failed(&self, e: SysError) -> Error {
        let id = self.opened.id;
        let what = match e.errno {
            nix::errno::Errno::EOVERFLOW => Some("value"),
            nix::errno::Errno::EINVAL if e.call.starts_with("sem_") => Some("sharing word"),
            _ => None,
        };
        if let Some(what) = what {
            return Error::new(
                Status::InvalidRing,
                format!(
                    "segment {id}: not a valid ring any more ({e}: a semaphore's {what} was overwritten while this run used it)"
                ),
            );
        }
        Error::other(format!("segment {id}: {e}"))
    }
}
