//! Reading a ring's header without joining it, for a view that looks at rings over and
//! over (`top`): as much as possible without changing the segment.
//!
//! Through a process that has it mapped, `/proc/PID/map_files/START-END` is the segment
//! itself: reading it is a plain file read that changes nothing (opening it needs
//! CAP_SYS_ADMIN, so root). Otherwise the only way in is a read-only `shmat`, which sets
//! the segment's lpid and its attach and detach times to the reader's: that is done only
//! when no holder can be read, and a ring nobody has attached since this process last
//! read it is not attached again (its contents cannot have changed: every writer
//! attaches, and an attach moves lpid).

use super::peek::{self, Window};
use crate::model::ring::State;
use crate::ring::{health, layout, open};
use crate::sys::shm::ShmId;

/// The slots a segment of `size` bytes holds if it is a ring: the one place that tells
/// a ring's capacity from its size.
pub fn capacity(size: u64) -> Option<usize> {
    usize::try_from(size).ok().and_then(layout::capacity_of)
}

/// How a reading was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// A holder's `/proc/PID/map_files` entry: nothing about the segment changed.
    Holder(i32),
    /// A read-only attach: lpid, atime and dtime now name this process.
    Attach,
}

/// One look at a ring.
#[derive(Clone, Debug, PartialEq)]
pub struct Peek {
    pub header: layout::Header,
    pub verdict: health::Assessment,
    pub via: Via,
}

/// Read the header of segment `id` (of `size` bytes, `nattch` processes attached)
/// through one of `holders`' mappings, else, when `may_attach`, with a read-only attach.
/// `None` when it cannot be read at all, or its size is not a ring's.
pub fn read(
    id: ShmId,
    size: u64,
    nattch: u64,
    holders: &[Window],
    may_attach: bool,
) -> Option<Peek> {
    for w in holders {
        let Some(file) = peek::Peek::through(std::slice::from_ref(w), size) else {
            continue;
        };
        if let Some((header, verdict)) = open::read_header(&file, Some(nattch)) {
            return Some(Peek {
                header,
                verdict,
                via: Via::Holder(w.pid),
            });
        }
    }
    if !may_attach {
        return None;
    }
    // Pages never touched stay untouched (a segment of zeros is no ring).
    let attached = peek::Peek::attach(id, false).ok()?;
    // Our own attach counts in nattch; judge as if we were not here.
    let (header, verdict) = open::read_header(&attached, Some(nattch))?;
    Some(Peek {
        header,
        verdict,
        via: Via::Attach,
    })
}

/// Whether a reading says it is a ring at all (rather than a segment of the same size
/// holding something else).
pub fn is_ring(p: &Peek) -> bool {
    !matches!(p.verdict.state, State::Invalid | State::WrongSize)
}
