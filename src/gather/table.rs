//! `/proc/sysvipc/shm`, read once per command: the segments of the caller's IPC namespace.

use crate::error::{Error, Result, Status};
use crate::model::{IdNames, Segment};
use crate::output;
use crate::proc::sysvipc::{self, ShmRecord, ShmTable};
use crate::sys::shm::ShmId;
use crate::users::Names;

/// Read the table, warning about any line that could not be parsed (it is skipped).
pub fn read() -> Result<ShmTable> {
    let table =
        sysvipc::read().map_err(|e| Error::other(format!("cannot read {}: {e}", sysvipc::PATH)))?;
    for bad in &table.bad_lines {
        output::warn(format!(
            "{} line {} skipped: {}",
            sysvipc::PATH,
            bad.line_number,
            bad.reason
        ));
    }
    Ok(table)
}

/// The record of one segment, or "no such segment".
pub fn find(table: &ShmTable, id: ShmId) -> Result<&ShmRecord> {
    table
        .records
        .iter()
        .find(|r| r.shmid == id)
        .ok_or_else(|| no_such(id))
}

pub fn no_such(id: ShmId) -> Error {
    Error::new(
        Status::NoSuchSegment,
        format!("segment {id}: no such segment (it may have been removed)"),
    )
}

/// A record as a segment, with the names of its owner, creator and their groups.
pub fn segment(r: &ShmRecord, names: &mut Names) -> Segment {
    Segment::from_record(
        r,
        IdNames {
            owner: names.user(r.uid),
            group: names.group_name(r.gid),
            cuser: names.user_name(r.cuid),
            cgroup: names.group_name(r.cgid),
        },
    )
}

/// Every segment of the caller's IPC namespace.
pub fn segments(names: &mut Names) -> Result<Vec<Segment>> {
    Ok(read()?.records.iter().map(|r| segment(r, names)).collect())
}
