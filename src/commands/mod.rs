//! One module per command: each turns checked settings into gathered data and hands it
//! to a renderer.

pub mod attach;
pub mod bench;
pub mod create;
pub mod info;
pub mod limits;
pub mod ls;
pub mod ring;
pub mod rm;
pub mod set;
pub mod status;

use crate::error::{Error, Result, Status};
use crate::proc::sysvipc::{self, ShmRecord, ShmTable};
use crate::sys::shm::ShmId;

/// Read `/proc/sysvipc/shm`, reporting on stderr any line that could not be parsed.
pub fn read_segments() -> Result<ShmTable> {
    let table =
        sysvipc::read().map_err(|e| Error::other(format!("cannot read {}: {e}", sysvipc::PATH)))?;
    for bad in &table.bad_lines {
        eprintln!(
            "shmctl-rs: warning: {} line {} skipped: {}",
            sysvipc::PATH,
            bad.line_number,
            bad.reason
        );
    }
    Ok(table)
}

/// The /proc record of one segment, or "no such segment".
pub fn find_record(table: &ShmTable, id: ShmId) -> Result<&ShmRecord> {
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

/// `1 process` / `2 processes`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
