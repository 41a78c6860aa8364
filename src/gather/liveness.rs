//! Whether the processes a segment names still run: its creator, its last user.

use crate::model::{Liveness, Segment};
use crate::proc::processes;

/// The state of `pid`; `None` for no process (pid 0).
pub fn of(pid: i32) -> Option<Liveness> {
    (pid > 0).then(|| {
        if processes::is_running(pid) {
            Liveness::Running
        } else {
            Liveness::Exited
        }
    })
}

/// Nobody has it attached and the process that created it is gone (a pid reused by a
/// process that started later does not count as the creator).
pub fn is_orphan(s: &Segment) -> bool {
    s.nattch == 0 && !processes::creator_alive(s.cpid, s.ctime)
}
