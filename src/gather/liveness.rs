//! Whether the processes a segment names still run: its creator, its last user.

use crate::model::{Liveness, Segment};
use crate::proc::processes;
use std::collections::HashMap;

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

/// The creators of many segments, each pid looked up once (an application's segments
/// share their creator).
#[derive(Default)]
pub struct Creators {
    seen: HashMap<i32, (Option<f64>, Option<String>)>,
}

impl Creators {
    /// When `pid` started, and its command.
    fn lookup(&mut self, pid: i32) -> &(Option<f64>, Option<String>) {
        self.seen.entry(pid).or_insert_with(|| {
            let started = processes::start_time(pid);
            (started, started.and_then(|_| processes::comm(pid)))
        })
    }

    /// The process that created `s` still runs (a pid reused by a process that started
    /// later is not its creator).
    pub fn alive(&mut self, s: &Segment) -> bool {
        s.cpid > 0 && processes::started_in_time(self.lookup(s.cpid).0, s.ctime)
    }

    /// The command of the process that created `s`, while it runs.
    pub fn command(&mut self, s: &Segment) -> Option<String> {
        if !self.alive(s) {
            return None;
        }
        self.lookup(s.cpid).1.clone()
    }

    /// Nobody has it attached and its creator is gone (as [`is_orphan`]).
    pub fn is_orphan(&mut self, s: &Segment) -> bool {
        s.nattch == 0 && !self.alive(s)
    }
}
