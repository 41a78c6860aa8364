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

use super::{health, layout};
use crate::model::ring::State;
use crate::sys::shm::{self, ShmId};
use std::os::unix::fs::FileExt;
use std::time::Duration;

/// The slots a segment of `size` bytes holds if it is a ring: the one place that tells
/// a ring's capacity from its size.
pub fn capacity(size: u64) -> Option<usize> {
    (size == layout::SIZE as u64).then_some(layout::CAPACITY)
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

/// Where a holder maps the segment: its pid, and the range of the mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HolderMapping {
    pub pid: i32,
    pub start: u64,
    pub end: u64,
}

fn read_map_file(m: &HolderMapping) -> Option<Vec<u8>> {
    let path = format!("/proc/{}/map_files/{:x}-{:x}", m.pid, m.start, m.end);
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = vec![0u8; layout::SIZE];
    file.read_exact_at(&mut bytes, 0).ok()?;
    Some(bytes)
}

const PAUSE: Duration = Duration::from_millis(2);

/// Read the header of segment `id` (`nattch` processes attached) through one of
/// `holders`, else, when `may_attach`, with a read-only attach. `None` when it cannot be
/// read at all, or is too small to hold a header.
pub fn read(id: ShmId, nattch: u64, holders: &[HolderMapping], may_attach: bool) -> Option<Peek> {
    for m in holders {
        // The mapping may be shorter than a header (a partial mapping): skip it.
        if m.end.saturating_sub(m.start) < layout::SIZE as u64 || read_map_file(m).is_none() {
            continue;
        }
        if let Some((header, verdict)) =
            health::judge_live(|| read_map_file(m), Some(nattch), PAUSE)
        {
            return Some(Peek {
                header,
                verdict,
                via: Via::Holder(m.pid),
            });
        }
    }
    if !may_attach {
        return None;
    }
    let attachment = shm::attach(id, true).ok()?;
    // Our own attach counts in nattch; judge as if we were not here.
    let (header, verdict) = super::open::read_header(&attachment, Some(nattch))?;
    Some(Peek {
        header,
        verdict,
        via: Via::Attach,
    })
}

/// Whether a reading says it is a ring at all (rather than a segment of the same size
/// holding something else).
pub fn is_ring(p: &Peek) -> bool {
    !matches!(p.verdict.state, State::Invalid | State::TooSmall)
}
