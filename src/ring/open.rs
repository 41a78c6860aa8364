//! Finding, creating and attaching a ring, without ever re-initialising a live one.

use super::Location;
use super::health;
use super::layout::{self, Layout};
use super::shared::Ring;
use crate::error::{Error, Result, Status};
use crate::explain;
use crate::ids::SegmentRef;
use crate::model::ring::State;
use crate::output;
use crate::signals;
use crate::sys::shm::{self, Attachment, CreateFlags, Key, ShmId};
use crate::units::duration_text;
use std::time::{Duration, Instant};

/// How long a consumer waits for an all-zero header to be initialised before it decides
/// that nobody is going to (a producer initialises within microseconds of creating).
const INIT_GRACE: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(20);

/// An attached ring and how it was found.
pub struct Opened {
    pub attachment: Attachment,
    pub id: ShmId,
    pub key: Key,
    pub created: bool,
}

/// Where a ring's header words are read from: this process's attachment (atomic loads),
/// or a holder's mapping read through `/proc/PID/map_files` (which changes nothing about
/// the segment). `None` from a load: out of bounds, or the source stopped answering.
pub trait Words {
    /// The segment's size in bytes.
    fn size(&self) -> usize;
    fn load_u32(&self, offset: usize) -> Option<u32>;
    fn load_u64(&self, offset: usize) -> Option<u64>;

    /// The words at `at` (offset, 4 or 8 bytes), read in that order and as close together
    /// in time as the source allows; by default one load after the other.
    fn load_fields(&self, at: &[(usize, usize)]) -> Option<Vec<u64>> {
        one_by_one(self, at)
    }
}

/// The words at `at`, one load after the other (the default of [`Words::load_fields`]).
pub fn one_by_one(words: &(impl Words + ?Sized), at: &[(usize, usize)]) -> Option<Vec<u64>> {
    at.iter()
        .map(|&(offset, len)| match len {
            4 => words.load_u32(offset).map(u64::from),
            _ => words.load_u64(offset),
        })
        .collect()
}

impl Words for Attachment {
    fn size(&self) -> usize {
        self.len()
    }
    fn load_u32(&self, offset: usize) -> Option<u32> {
        Attachment::load_u32(self, offset)
    }
    fn load_u64(&self, offset: usize) -> Option<u64> {
        Attachment::load_u64(self, offset)
    }
}

/// One reading of a ring's header fields, in the order [`health::judge_live`] relies on:
/// tail, then filled and free back to back (the two semaphores share a cache line, so
/// their sum is one moment's), then head and count. Every item filled counts is then found
/// between the tail and the head read. `None` when the segment's size is not a ring's.
pub fn read_fields(words: &impl Words) -> Option<layout::Header> {
    let l = Layout::for_size(words.size())?;
    let (consumer, producer) = (layout::SEM_CONSUMER, layout::SEM_PRODUCER);
    let flag = layout::PSHARED_FLAG;
    let v = words.load_fields(&[
        (l.tail(), 4),
        (consumer, 8),
        (producer, 8),
        (consumer + flag, 4),
        (producer + flag, 4),
        (l.head(), 4),
        (l.count(), 4),
    ])?;
    let [
        tail,
        consumer,
        producer,
        consumer_flag,
        producer_flag,
        head,
        count,
    ] = v[..]
    else {
        return None;
    };
    Some(layout::Header {
        capacity: l.capacity() as u32,
        producer: layout::SemWord::from_parts(producer, producer_flag as u32),
        consumer: layout::SemWord::from_parts(consumer, consumer_flag as u32),
        head: head as u32 as i32,
        tail: tail as u32 as i32,
        count: count as u32 as i32,
    })
}

/// Read and judge a live ring's header, reading again while a reading looks broken (see
/// [`health::judge_live`]). `None` when the segment's size is not a ring's.
pub fn read_header(
    words: &impl Words,
    nattch: Option<u64>,
) -> Option<(layout::Header, health::Assessment)> {
    health::judge_live(|| read_fields(words), nattch)
}

/// [`read_header`] for up to `budget`: for a source whose readings are slow to take (a
/// mapping's file), where a reader with a faster way in tries that next.
pub fn read_header_for(
    words: &impl Words,
    nattch: Option<u64>,
    budget: Duration,
) -> Option<(layout::Header, health::Assessment)> {
    health::judge_live_for(|| read_fields(words), nattch, budget)
}

/// Why a segment of `size` bytes holds no ring.
pub fn wrong_size(size: usize) -> String {
    format!(
        "{size} bytes is not the size of a ring (64 + 4N + 12 bytes, padded to 8, for a capacity N that is a power of two: {} for the document's 1024)",
        layout::SIZE
    )
}

/// Check a joined segment is a ring: its size a ring's and its header valid. The
/// verdict, which may still be inconsistent (a ring that can be drained).
pub fn check_header(
    att: &Attachment,
    nattch: Option<u64>,
) -> std::result::Result<health::Assessment, (State, String)> {
    let Some((_, verdict)) = read_header(att, nattch) else {
        return Err((State::WrongSize, wrong_size(att.len())));
    };
    if verdict.state.joinable() {
        Ok(verdict)
    } else {
        Err((verdict.state, verdict.problems.join("; ")))
    }
}

fn not_a_ring(id: ShmId, reason: &str) -> Error {
    Error::new(
        Status::InvalidRing,
        format!(
            "segment {id}: not a valid ring ({reason}); it is left untouched: remove it with `shmctl-rs rm {id}` to start afresh"
        ),
    )
}

fn warn_if_open_to_others(id: ShmId) {
    if let Ok(stat) = shm::stat(id)
        && stat.mode & 0o022 != 0
    {
        output::warn(format!(
            "ring segment {id} has perms {:o}: other users can write to it",
            stat.mode & 0o777
        ));
    }
}

/// A producer joining a segment that `rm` already marked for destruction: it goes when
/// the last process detaches, and only a consumer that names it by --id can still join.
fn warn_if_destroyed(id: ShmId) {
    if shm::stat(id).is_ok_and(|s| s.is_destroyed()) {
        output::warn(format!(
            "segment {id} is marked for destruction (removed with rm while attached): its key no longer finds it, only a consumer started with --id {id} can join, and it goes when the last process detaches"
        ));
    }
}

fn attach_rw(id: ShmId) -> Result<Attachment> {
    shm::attach(id, false).map_err(|e| Error::sys(format!("segment {id}"), e))
}

/// A ring that exists: attached read-write, its header checked.
fn join_existing(id: ShmId) -> Result<Opened> {
    let attachment = attach_rw(id)?;
    check_header(&attachment, None).map_err(|(_, why)| not_a_ring(id, &why))?;
    warn_if_destroyed(id);
    Ok(existing(attachment, id))
}

fn existing(attachment: Attachment, id: ShmId) -> Opened {
    warn_if_open_to_others(id);
    let key = shm::stat(id).map(|s| s.key).unwrap_or(Key::PRIVATE);
    Opened {
        attachment,
        id,
        key,
        created: false,
    }
}

/// Create and initialise a ring at `key` (IPC_EXCL); `None` when one exists already.
fn create(key: Key, mode: u32, layout: Layout) -> Result<Option<Opened>> {
    let size = layout.size();
    let id = match shm::create(key, size, 0o600, CreateFlags::default()) {
        Ok(id) => id,
        Err(e) if e.errno == nix::errno::Errno::EEXIST => return Ok(None),
        Err(e) => {
            return Err(explain::create_refused(
                key,
                size as u64,
                CreateFlags::default(),
                e.errno,
            ));
        }
    };
    let attachment = attach_rw(id)?;
    let ring = Ring::new(&attachment).ok_or_else(|| not_a_ring(id, "cannot map the header"))?;
    ring.initialise()
        .map_err(|e| Error::other(format!("segment {id}: {e}")))?;
    if mode != 0o600 {
        let st = shm::stat(id).map_err(|e| Error::sys(format!("segment {id}"), e))?;
        shm::set(id, st.uid, st.gid, mode).map_err(|e| Error::sys(format!("segment {id}"), e))?;
    }
    warn_if_open_to_others(id);
    Ok(Some(Opened {
        attachment,
        id,
        key,
        created: true,
    }))
}

/// The producer's open: create and initialise a new ring (IPC_EXCL) of `capacity` slots
/// (the document's 1024 by default), or join a valid one — which must have `capacity`
/// slots, when one is asked for.
pub fn for_producer(location: Location, mode: u32, capacity: Option<usize>) -> Result<Opened> {
    let layout = match capacity {
        Some(c) => Layout::new(c).map_err(Error::usage)?,
        None => Layout::DOCUMENT,
    };
    let opened = match location {
        Location::Key(key) => match create(key, mode, layout)? {
            Some(opened) => return Ok(opened),
            None => join_existing(SegmentRef::Key(key).resolve()?)?,
        },
        Location::Id(id) => join_existing(id)?,
    };
    let has = layout::capacity_of(opened.attachment.len()).unwrap_or(0);
    match capacity {
        Some(asked) if asked != has => Err(Error::new(
            Status::AlreadyExists,
            format!(
                "segment {}: the ring exists with {has} slots, not {asked} (--capacity is for a ring this creates: leave it out to join this one, or remove it first)",
                opened.id
            ),
        )),
        _ => Ok(opened),
    }
}

/// The consumer's open: wait (up to `timeout`, or until Ctrl-C) for the segment to exist
/// and for its header to be valid. Never initialises anything.
pub fn for_consumer(location: Location, timeout: Option<Duration>) -> Result<Opened> {
    let start = Instant::now();
    let deadline = timeout.map(|t| start + t);
    let timed_out = |what: &str| {
        Error::new(
            Status::TimedOut,
            format!("{what} after {:.1} s", start.elapsed().as_secs_f64()),
        )
    };
    let id = match location {
        Location::Id(id) => id,
        Location::Key(key) => {
            let mut announced = false;
            loop {
                match SegmentRef::Key(key).resolve() {
                    Ok(id) => break id,
                    Err(e) if e.status == Status::NoSuchSegment => {
                        if !announced {
                            output::note(format!(
                                "waiting for a producer to create the ring (key {key}){}",
                                timeout.map_or(String::from("; Ctrl-C to stop"), |t| format!(
                                    " for up to {}",
                                    duration_text(t)
                                ))
                            ));
                            announced = true;
                        }
                    }
                    Err(e) => return Err(e),
                }
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(timed_out("no ring appeared"));
                }
                if !signals::sleep(POLL) {
                    return Err(Error::interrupted());
                }
            }
        }
    };
    let attachment = attach_rw(id)?;
    let grace_end = Instant::now() + INIT_GRACE;
    loop {
        match check_header(&attachment, None) {
            Ok(_) => break,
            Err((State::Uninitialised, _)) if Instant::now() < grace_end => {}
            Err((_, why)) => return Err(not_a_ring(id, &why)),
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(timed_out("the ring was never initialised"));
        }
        if !signals::sleep(POLL) {
            return Err(Error::interrupted());
        }
    }
    Ok(existing(attachment, id))
}
