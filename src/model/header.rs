//! How a segment's header was read: whether reading it changed the segment.

use serde::Serialize;

/// How a segment's header was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeaderRead {
    /// Through `/proc/PID/map_files/…` of a process that maps it: nothing about the
    /// segment changes.
    MapFiles,
    /// With a read-only `shmat` of this command: the kernel records it as the last
    /// attach and detach (lpid, atime, dtime).
    Attach,
}

impl HeaderRead {
    pub fn describe(self) -> &'static str {
        match self {
            HeaderRead::MapFiles => {
                "header read through /proc/PID/map_files, which changes nothing"
            }
            HeaderRead::Attach => {
                "header read with a read-only attach, which the kernel records: lpid, atime and dtime now name this command"
            }
        }
    }
}
