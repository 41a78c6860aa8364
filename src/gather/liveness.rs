//! Whether the processes a segment names still run: its creator, its last user.
//!
//! Unknown is not dead: a pid this process cannot see (another PID namespace shows the
//! creator as pid 0; `hidepid=` hides other users' processes; a /proc entry that cannot
//! be read) is `unknown`, never `exited`, so that nothing is called an orphan on a guess.
//! A zombie has exited: its parent only has not reaped it yet.

use crate::model::{Liveness, Segment};
use crate::proc::cmdline;
use crate::proc::mountinfo::{self, HidePid};
use crate::proc::processes::{self, Seen};
use std::collections::{HashMap, HashSet};

/// What this process can see of others in /proc.
#[derive(Clone, Copy, Debug)]
pub struct Viewer {
    pub euid: u32,
    /// Root sees every process whatever `hidepid=` says.
    pub root: bool,
    pub hidepid: HidePid,
    /// In the host's PID namespace, whose /proc shows every process; a process in
    /// another (a container's) cannot see those outside it.
    pub initial_pid_namespace: bool,
}

/// The inode of the host's PID namespace (the kernel's `PROC_PID_INIT_INO`).
const INITIAL_PID_NAMESPACE: u64 = 0xEFFF_FFFC;

impl Viewer {
    pub fn this_process() -> Viewer {
        let euid = nix::unistd::geteuid();
        Viewer {
            euid: euid.as_raw(),
            root: euid.is_root(),
            hidepid: mountinfo::read_proc_hidepid(),
            initial_pid_namespace: processes::namespace_of("/proc/self/ns/pid")
                == Some(INITIAL_PID_NAMESPACE),
        }
    }

    /// Why some processes may be invisible from here, whoever they are: nothing can be
    /// said to be held by nobody then (a POSIX object "unheld"). `None`: every process
    /// is seen.
    pub fn hidden(&self) -> Option<&'static str> {
        if !self.initial_pid_namespace {
            Some("processes outside this PID namespace cannot be seen from here")
        } else if !self.root && self.hidepid == HidePid::Invisible {
            Some(
                "other users' processes cannot be seen from here (/proc is mounted hidepid=invisible)",
            )
        } else {
            None
        }
    }

    /// Whether a missing /proc entry of a process of user `uid` means it is gone.
    fn would_see(&self, uid: Option<u32>) -> bool {
        self.root || self.hidepid != HidePid::Invisible || uid == Some(self.euid)
    }
}

/// The state of `pid`, a process of user `uid` when known; `None` for no pid (0, which
/// the kernel also shows for a process outside this PID namespace: see [`creator`]).
pub fn of(pid: i32, uid: Option<u32>, viewer: &Viewer) -> Option<Liveness> {
    if pid <= 0 {
        return None;
    }
    Some(match processes::look(pid) {
        Seen::Process {
            state: 'Z' | 'X', ..
        } => Liveness::Zombie,
        Seen::Process { .. } => Liveness::Running,
        Seen::Unreadable => Liveness::Unknown,
        Seen::Missing if viewer.would_see(uid) => Liveness::Exited,
        Seen::Missing => Liveness::Unknown,
    })
}

/// How much later than a segment's ctime its creator may seem to have started and still
/// be taken for the creator. Start times are boot-relative, shown in wall-clock time from
/// today's boot time: a clock stepped forward since (NTP's first sync) makes a live
/// creator look younger than its segment. Ten minutes cover such steps; a pid reused
/// within ten minutes of its creator's exit (millions of forks) is only kept as alive,
/// the safe side.
const CREATOR_SLACK_S: f64 = 600.0;

/// Whether the process that created a segment at `ctime` still runs. Its pid is 0 to a
/// reader in a PID namespace that cannot see it (a container sharing the host's IPC
/// namespace): unknown. A pid reused by a process that started later is not the
/// creator: exited.
pub fn creator(cpid: i32, cuid: u32, ctime: Option<i64>, viewer: &Viewer) -> Liveness {
    creator_seen(processes::look(cpid), cpid, cuid, ctime, viewer)
}

/// [`creator`], from what /proc showed of `cpid`.
fn creator_seen(seen: Seen, cpid: i32, cuid: u32, ctime: Option<i64>, viewer: &Viewer) -> Liveness {
    if cpid <= 0 {
        return Liveness::Unknown;
    }
    match seen {
        Seen::Process {
            state: 'Z' | 'X', ..
        } => Liveness::Zombie,
        Seen::Process {
            started: Some(started),
            ..
        } if ctime.is_some_and(|c| started > c as f64 + CREATOR_SLACK_S) => Liveness::Exited,
        Seen::Process { .. } => Liveness::Running,
        Seen::Unreadable => Liveness::Unknown,
        Seen::Missing if viewer.would_see(Some(cuid)) => Liveness::Exited,
        Seen::Missing => Liveness::Unknown,
    }
}

/// Record whether the creator of `s` still runs, and whether that makes it an orphan:
/// nobody attached and the creator known to be gone.
pub fn judge_orphan(s: &mut Segment, viewer: &Viewer) {
    let state = creator(s.cpid, s.cuid, s.ctime, viewer);
    s.cpid_state = Some(state);
    s.orphan = Some(s.nattch == 0 && state.is_gone());
}

/// The creators of many segments, each pid looked up once (an application's segments
/// share their creator), with their command lines.
pub struct Creators {
    viewer: Viewer,
    /// The pids in /proc, read once: most creators are long gone, and one read of the
    /// directory is cheaper than a failed look at each.
    running: Option<HashSet<i32>>,
    seen: HashMap<i32, Seen>,
    commands: HashMap<i32, Option<String>>,
}

impl Default for Creators {
    fn default() -> Creators {
        Creators {
            viewer: Viewer::this_process(),
            running: None,
            seen: HashMap::new(),
            commands: HashMap::new(),
        }
    }
}

impl Creators {
    /// What /proc shows of `pid`.
    fn seen(&mut self, pid: i32) -> Seen {
        let running = self
            .running
            .get_or_insert_with(|| processes::pids().into_iter().collect());
        if !running.contains(&pid) {
            return Seen::Missing;
        }
        *self.seen.entry(pid).or_insert_with(|| processes::look(pid))
    }

    /// Whether the process that created `s` still runs (see [`creator`]).
    pub fn state(&mut self, s: &Segment) -> Liveness {
        let seen = self.seen(s.cpid);
        creator_seen(seen, s.cpid, s.cuid, s.ctime, &self.viewer)
    }

    /// The command line of the process that created `s`, while it runs (a pid reused by
    /// a process that started later is not its creator).
    pub fn command(&mut self, s: &Segment) -> Option<String> {
        if self.state(s) != Liveness::Running {
            return None;
        }
        self.commands
            .entry(s.cpid)
            .or_insert_with(|| cmdline::read(s.cpid))
            .clone()
    }

    /// Fill in the creator's command line of each segment.
    pub fn fill(&mut self, segments: &mut [Segment]) {
        for s in segments {
            s.command = self.command(s);
        }
    }

    /// Nobody has it attached and its creator is known to be gone (see [`judge_orphan`]).
    pub fn is_orphan(&mut self, s: &Segment) -> bool {
        s.nattch == 0 && self.state(s).is_gone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_be_hidden_from_a_viewer() {
        let host = Viewer {
            euid: 1000,
            root: false,
            hidepid: HidePid::Off,
            initial_pid_namespace: true,
        };
        assert_eq!(host.hidden(), None);
        let noaccess = Viewer {
            hidepid: HidePid::NoAccess,
            ..host
        };
        assert_eq!(
            noaccess.hidden(),
            None,
            "seen, only not read: counted as unreadable"
        );
        let invisible = Viewer {
            hidepid: HidePid::Invisible,
            ..host
        };
        assert!(invisible.hidden().unwrap().contains("hidepid=invisible"));
        let root = Viewer {
            root: true,
            euid: 0,
            ..invisible
        };
        assert_eq!(root.hidden(), None);
        let container = Viewer {
            initial_pid_namespace: false,
            ..root
        };
        assert!(container.hidden().unwrap().contains("PID namespace"));
    }
}
