//! Whose a segment is, by application: only what can be proved. A header is read through
//! a holder's `/proc/PID/map_files` (nothing changes), or with a read-only attach where
//! the caller allows it (the kernel records that attach); otherwise only the creator's
//! command line, when it still runs, is said.

use super::peek::{self, Peek, Window};
use super::postgres;
use crate::model::Segment;
use crate::model::app::{App, Presence};
use crate::model::header::HeaderRead;
use crate::ring::{layout, open};
use nix::errno::Errno;
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

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
    let windows = &peek::trusted(windows, &peek::identity(s))[..];
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
        found.app = by_command(s);
    }
    found
}

/// What is said of a segment whose header names no application: its creator's command.
fn by_command(s: &Segment) -> Option<App> {
    s.command.clone().map(|command| App::Command { command })
}

/// The segments of one IPC namespace whose header, read through a holder's mapping,
/// named no application, as a view that refreshes remembers them: such a segment is read
/// again only when its size or ctime changed, or some seconds later (spread over
/// [`Plain::AGAIN`], so that they are not all read again in the same refresh). A
/// segment of a ring's size, or of PostgreSQL's header-only size, is read every time: a
/// ring's header is written just after the segment is made.
#[derive(Clone, Debug, Default)]
pub struct Plain {
    /// shmid → (size, ctime, when it expires).
    segments: HashMap<i32, (u64, Option<i64>, Instant)>,
}

impl Plain {
    /// The longest a plain segment goes unread.
    pub const AGAIN: Duration = Duration::from_secs(10);

    /// [`recognise`], but without reading a segment known to be plain.
    pub fn recognise(&mut self, s: &Segment, windows: &[Window], attach: Attach) -> Found {
        let now = Instant::now();
        if let Some(&(size, ctime, until)) = self.segments.get(&s.shmid.0)
            && size == s.size
            && ctime == s.ctime
            && now < until
        {
            return Found {
                app: by_command(s),
                ..Found::default()
            };
        }
        let found = recognise(s, windows, attach);
        let header_sized = usize::try_from(s.size)
            .ok()
            .and_then(layout::capacity_of)
            .is_some()
            || s.size == postgres::HEADER_SIZE as u64;
        let plain = found.read == Some(HeaderRead::MapFiles)
            && !header_sized
            && !matches!(found.app, Some(App::Postgresql { .. } | App::Ring { .. }));
        if plain {
            // Between half of AGAIN and AGAIN, by shmid.
            let half = Self::AGAIN / 2;
            let spread = half.mul_f64(f64::from(s.shmid.0.rem_euclid(1000)) / 1000.0);
            self.segments
                .insert(s.shmid.0, (s.size, s.ctime, now + half + spread));
        } else {
            self.segments.remove(&s.shmid.0);
        }
        found
    }

    /// Forget the segments that are no longer listed.
    pub fn keep_only(&mut self, segments: &[Segment]) {
        let listed: std::collections::HashSet<i32> = segments.iter().map(|s| s.shmid.0).collect();
        self.segments.retain(|id, _| listed.contains(id));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::peek::windows_by_shmid;
    use crate::gather::table;
    use crate::proc::processes;
    use crate::sys::shm::{self, CreateFlags, Key, ShmId};
    use crate::users::Names;

    /// A private segment of `size` bytes this process maps, removed however the test ends.
    struct Held {
        id: ShmId,
        _attachment: shm::Attachment,
    }

    impl Held {
        fn new(size: usize) -> Held {
            let id =
                shm::create(Key::PRIVATE, size, 0o600, CreateFlags::default()).expect("shmget");
            let _attachment = shm::attach(id, false).expect("shmat");
            Held { id, _attachment }
        }

        /// The segment as listed, and the mappings of it that can be read.
        fn listed(&self) -> (Segment, Vec<Window>) {
            let segment = table::segments(&mut Names::default())
                .expect("the table")
                .into_iter()
                .find(|s| s.shmid == self.id)
                .expect("listed");
            let ns = processes::current_namespace();
            let windows = windows_by_shmid(&processes::scan(ns), ns)
                .remove(&self.id.0)
                .unwrap_or_default();
            (segment, windows)
        }
    }

    impl Drop for Held {
        fn drop(&mut self) {
            let _ = shm::remove(self.id);
        }
    }

    #[test]
    fn a_plain_segment_is_read_once_and_a_header_sized_one_every_time() {
        if !nix::unistd::geteuid().is_root() {
            return; // map_files can be read only with CAP_SYS_ADMIN
        }
        let plain_one = Held::new(8192);
        let (s, windows) = plain_one.listed();
        assert!(!windows.is_empty(), "this process maps it");
        let mut plain = Plain::default();
        let first = plain.recognise(&s, &windows, Attach::Never);
        assert_eq!(
            first.read,
            Some(HeaderRead::MapFiles),
            "read the first time"
        );
        let again = plain.recognise(&s, &windows, Attach::Never);
        assert_eq!(again.read, None, "not read again");
        assert_eq!(again.app, first.app);
        // A changed segment (here, its ctime) is read at once.
        let changed = Segment {
            ctime: s.ctime.map(|t| t + 1),
            ..s.clone()
        };
        let read = plain.recognise(&changed, &windows, Attach::Never);
        assert_eq!(read.read, Some(HeaderRead::MapFiles));
        // A ring's size: read at every refresh, its header may be written yet.
        let ring_sized = Held::new(layout::Layout::new(1024).expect("a ring").size());
        let (r, windows) = ring_sized.listed();
        for _ in 0..2 {
            let found = plain.recognise(&r, &windows, Attach::Never);
            assert_eq!(found.read, Some(HeaderRead::MapFiles));
        }
        // What is no longer listed is forgotten.
        assert!(plain.segments.contains_key(&s.shmid.0));
        plain.keep_only(std::slice::from_ref(&r));
        assert!(plain.segments.is_empty(), "{:?}", plain.segments);
    }
}
