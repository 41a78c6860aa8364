//! Whose a segment is, by application: only what can be proved. A header is read through
//! a holder's `/proc/PID/map_files` (nothing changes), or with a read-only attach where
//! the caller allows it (the kernel records that attach); otherwise only the creator's
//! command line, when it still runs, is said.

use super::peek::{Peek, Window};
use super::postgres;
use crate::model::Segment;
use crate::model::app::{App, Presence};
use crate::model::header::HeaderRead;
use crate::ring::{layout, open};
use nix::errno::Errno;
use std::os::unix::fs::MetadataExt;

/// When a header may be read with a read-only attach, if no holder's mapping can be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Attach {
    /// Only segments of a size that is a header of its own: a ring's, or PostgreSQL's
    /// header-only segment (`shared_memory_type = mmap`, its default). A listing
    /// attaches as little as it can.
    #[default]
    Plausible,
    /// Any segment (`info`, asked about one segment).
    Always,
    /// Never: only through a holder's mapping, which changes nothing (`metrics`, scraped
    /// every few seconds, must not touch what it watches).
    Never,
}

/// What was found, and what stood in the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub app: Option<App>,
    /// A header could not be read for want of permission (attach refused).
    pub denied: bool,
    /// This command attached to read the header.
    pub attached: bool,
    /// How the header was read, when it was.
    pub read: Option<HeaderRead>,
}

/// Recognise the application of `s`, whose mappings by processes are `windows`.
pub fn recognise(s: &Segment, windows: &[Window], attach: Attach) -> Found {
    let ring_capacity = usize::try_from(s.size).ok().and_then(layout::capacity_of);
    let mut found = Found::default();
    let peek = Peek::through(windows, s.size).or_else(|| {
        let allowed = match attach {
            Attach::Plausible => ring_capacity.is_some() || s.size == postgres::HEADER_SIZE as u64,
            Attach::Always => true,
            Attach::Never => false,
        };
        if !allowed {
            return None;
        }
        match Peek::attach(s.shmid, s.swap.is_some_and(|b| b > 0)) {
            Ok(p) => {
                found.attached = true;
                Some(p)
            }
            Err(e) => {
                found.denied = matches!(e.errno, Errno::EACCES | Errno::EPERM);
                None
            }
        }
    });
    if let Some(peek) = &peek {
        found.read = Some(peek.how());
        found.app = postgresql(s, peek, windows)
            .or_else(|| ring_capacity.and_then(|capacity| ring(s, peek, capacity)));
    }
    if found.app.is_none() {
        found.app = s.command.clone().map(|command| App::Command { command });
    }
    found
}

/// Whether a process works in the data directory the header names: its cwd (a
/// PostgreSQL server's processes work in it) has the header's device and inode, and
/// belongs to the segment's creator (so that another user's segment cannot borrow a
/// server's data directory by copying its device and inode).
fn cwd_is(pid: i32, device: u64, inode: u64, owner: u32) -> Result<bool, std::io::ErrorKind> {
    let meta = std::fs::metadata(format!("/proc/{pid}/cwd")).map_err(|e| e.kind())?;
    Ok(meta.dev() == device && meta.ino() == inode && meta.uid() == owner)
}

/// `postmaster.pid` in the working directory of `pid`: a regular file, its first 4 KiB.
/// Whoever owns the directory may have put a FIFO or a device there instead, which is
/// neither waited on nor read.
fn read_pid_file(pid: i32) -> Option<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(format!("/proc/{pid}/cwd/postmaster.pid"))
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    file.take(4096).read_to_string(&mut text).ok()?;
    Some(text)
}

fn postgresql(s: &Segment, peek: &Peek, windows: &[Window]) -> Option<App> {
    let header = postgres::decode(&peek.read(0, postgres::HEADER_SIZE)?, s.size)?;
    let mut candidates = vec![header.creator_pid];
    candidates.extend(windows.iter().map(|w| w.pid));
    candidates.dedup();
    let home = candidates
        .into_iter()
        .find(|&pid| cwd_is(pid, header.device, header.inode, s.cuid) == Ok(true));
    let (data_directory, pid_file_names_it) = match home {
        Some(pid) => {
            let dir = std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .map(|p| p.to_string_lossy().into_owned());
            let named = read_pid_file(pid)
                .and_then(|t| postgres::parse_pid_file(&t))
                .is_some_and(|f| {
                    f.shmid == Some(s.shmid.0) && (s.key.is_private() || f.key == Some(s.key.0))
                });
            (dir, Some(named))
        }
        None => (None, None),
    };
    // The postmaster works in the data directory (and its postmaster.pid names this
    // segment); a zombie has no working directory, and a pid reused by another process
    // works elsewhere.
    let running = match cwd_is(header.creator_pid, header.device, header.inode, s.cuid) {
        Ok(same) => same && pid_file_names_it != Some(false),
        Err(std::io::ErrorKind::PermissionDenied) => {
            let viewer = super::liveness::Viewer::this_process();
            super::liveness::creator(header.creator_pid, s.cuid, s.ctime, &viewer)
                == crate::model::Liveness::Running
        }
        Err(_) => false,
    };
    Some(App::Postgresql {
        data_directory,
        device: postgres::device_text(header.device),
        inode: header.inode,
        postmaster_pid: header.creator_pid,
        postmaster: if running {
            Presence::Running
        } else {
            Presence::Gone
        },
        pid_file_names_it,
        read: peek.how(),
    })
}

fn ring(s: &Segment, peek: &Peek, capacity: usize) -> Option<App> {
    // nattch was read from /proc before any attach of this command: it counts the others.
    let (_, verdict) = open::read_header(peek, Some(s.nattch))?;
    verdict.state.joinable().then(|| App::Ring {
        state: verdict.state,
        filled: Some(verdict.filled),
        capacity,
        read: peek.how(),
    })
}
