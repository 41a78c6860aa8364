//! One pass over `/proc/*`: which processes of an IPC namespace map which segments, and,
//! when asked, which processes map or hold open files that may be shared memory (POSIX
//! objects, memfds).
//!
//! Each process's maps are read once per command, whatever the number of segments and
//! objects; its IPC namespace is checked only when it maps a System V segment (shmids are
//! per namespace), its mount namespace only when it holds a file; its fds are read only
//! when files are asked for; a process whose maps or fds cannot be read is counted, not
//! dropped silently.
//!
//! A process whose main thread has exited while others run on (`pthread_exit` in `main`)
//! shows its leader as a zombie, whose `maps`, `fd` and `ns` are empty or gone: such a
//! process is running, and is read through a live thread's `/proc/PID/task/TID` ([`dir`]).

use super::fds::{self, SharedFd};
use super::maps::{self, SysvMapping};
use super::shmfiles::{self, FileMapping};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;

/// A process and its System V mappings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessMaps {
    pub pid: i32,
    /// Its IPC namespace's inode.
    pub namespace: Option<u64>,
    pub comm: String,
    pub uid: u32,
    pub mappings: Vec<SysvMapping>,
    /// With [`Options::files`]: its mappings of files that may be shared memory.
    pub file_mappings: Vec<FileMapping>,
    /// With [`Options::files`]: its open fds of such files.
    pub fds: Vec<SharedFd>,
    /// Its mount namespace's inode, read when it holds such a file.
    pub mount_namespace: Option<u64>,
    /// Where /proc shows its memory and files (see [`dir`]): `/proc/PID`, or a live
    /// thread's `/proc/PID/task/TID` when its leader has exited.
    pub dir: String,
}

/// What a scan collects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// System V mappings of this IPC namespace only (all with `None`).
    pub namespace: Option<u64>,
    /// Also the files that may be shared memory, mapped or open, of every process.
    pub files: bool,
}

/// The result of a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Processes of the namespace that map at least one segment (or, with
    /// [`Options::files`], of any namespace that hold a file of interest).
    pub processes: Vec<ProcessMaps>,
    /// Pids whose maps could not be read (permissions).
    pub unreadable: Vec<i32>,
    /// With [`Options::files`]: pids whose maps were read but whose fds could not be
    /// (another user's `/proc/PID/fd` needs CAP_DAC_READ_SEARCH, not only
    /// CAP_SYS_PTRACE): their System V mappings count, their open files are unknown.
    pub unreadable_fds: Vec<i32>,
}

/// The inode of an `ipc` namespace file (`/proc/PID/ns/ipc`, or a bind mount of one).
pub fn namespace_of(path: &str) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.ino())
}

/// The IPC namespace of the calling thread.
pub fn current_namespace() -> Option<u64> {
    namespace_of("/proc/thread-self/ns/ipc")
}

/// Pids of every process on the host.
pub fn pids() -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut pids: Vec<i32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    pids
}

pub fn comm(pid: i32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim_end().to_string())
}

/// Scan every process in IPC namespace `namespace` (every namespace with `None`).
pub fn scan(namespace: Option<u64>) -> Scan {
    scan_with(Options {
        namespace,
        files: false,
    })
}

/// One pass over every process, collecting what `options` asks for.
pub fn scan_with(options: Options) -> Scan {
    let mut result = Scan::default();
    for pid in pids() {
        let dir = format!("/proc/{pid}");
        if let Err(Gone) = scan_one(pid, dir, &options, &mut result) {
            // Empty maps: a kernel thread, or a process whose leader has exited while its
            // other threads run (then a live thread shows what the process maps and holds).
            if let Some(tid) = live_thread(pid) {
                let _ = scan_one(
                    pid,
                    format!("/proc/{pid}/task/{tid}"),
                    &options,
                    &mut result,
                );
            }
        }
    }
    result
}

/// A process that showed no maps at all (not even its program's): no user-space memory.
struct Gone;

/// Scan one process through `dir` (its `/proc/PID`, or a thread's).
fn scan_one(pid: i32, dir: String, options: &Options, result: &mut Scan) -> Result<(), Gone> {
    let file = match std::fs::File::open(format!("{dir}/maps")) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            result.unreadable.push(pid);
            return Ok(());
        }
        Err(_) => return Ok(()), // exited meanwhile
    };
    let mut reader = Counted {
        inner: BufReader::with_capacity(64 * 1024, file),
        read: 0,
    };
    let (mut mappings, file_mappings) = if options.files {
        shmfiles::parse_maps(&mut reader)
    } else {
        (maps::parse(&mut reader), Vec::new())
    };
    if reader.read == 0 {
        return Err(Gone);
    }
    let fds = if options.files {
        match fds::shared_fds(&dir) {
            Ok(fds) => fds,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                result.unreadable_fds.push(pid);
                Vec::new()
            }
            Err(_) => return Ok(()), // exited meanwhile
        }
    } else {
        Vec::new()
    };
    let mut ns = None;
    if !mappings.is_empty() {
        ns = namespace_of(&format!("{dir}/ns/ipc"));
        if options.namespace.is_some() && ns != options.namespace {
            mappings.clear();
        }
    }
    if mappings.is_empty() && file_mappings.is_empty() && fds.is_empty() {
        return Ok(());
    }
    let mount_namespace = (!file_mappings.is_empty() || !fds.is_empty())
        .then(|| namespace_of(&format!("{dir}/ns/mnt")))
        .flatten();
    let uid = std::fs::metadata(format!("/proc/{pid}")).map_or(u32::MAX, |m| m.uid());
    result.processes.push(ProcessMaps {
        pid,
        namespace: ns,
        comm: comm(pid).unwrap_or_default(),
        uid,
        mappings,
        file_mappings,
        fds,
        mount_namespace,
        dir,
    });
    Ok(())
}

/// A reader that counts the bytes it passed on.
struct Counted<R> {
    inner: R,
    read: usize,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amount: usize) {
        self.read += amount;
        self.inner.consume(amount);
    }
}

/// A running thread of `pid` other than its leader, when the leader has exited (a zombie
/// leader whose threads go on), with that thread's state.
fn live_thread_state(pid: i32) -> Option<(i32, char)> {
    let process = procfs::process::Process::new(pid).ok()?;
    if process.stat().ok()?.state != 'Z' {
        return None;
    }
    process.tasks().ok()?.flatten().find_map(|task| {
        let state = task.stat().ok()?.state;
        (task.tid != pid && !matches!(state, 'Z' | 'X')).then_some((task.tid, state))
    })
}

/// A running thread of `pid` when its leader has exited (see [`dir`]).
pub fn live_thread(pid: i32) -> Option<i32> {
    live_thread_state(pid).map(|(tid, _)| tid)
}

/// Where /proc shows `pid`'s memory, files, root and namespaces: `/proc/PID`, or, when
/// its leader has exited while other threads run (the leader's `maps`, `fd`, `root` and
/// `ns` are then empty or gone), `/proc/PID/task/TID` of a live thread.
pub fn dir(pid: i32) -> String {
    match live_thread(pid) {
        Some(tid) => format!("/proc/{pid}/task/{tid}"),
        None => format!("/proc/{pid}"),
    }
}

/// The namespace file of `kind` (`ipc`, `mnt`, …) of `pid` (see [`dir`]).
pub fn ns_path(pid: i32, kind: &str) -> String {
    format!("{}/ns/{kind}", dir(pid))
}

/// `/proc/PID/REST` through a live thread (`/proc/PID/task/TID/REST`) when PID's leader has
/// exited while other threads run; `None` for any other path or process.
pub fn through_live_thread(path: &str) -> Option<String> {
    let (pid, rest) = path.strip_prefix("/proc/")?.split_once('/')?;
    let pid: i32 = pid.parse().ok()?;
    (!rest.starts_with("task/"))
        .then(|| live_thread(pid))
        .flatten()
        .map(|tid| format!("/proc/{pid}/task/{tid}/{rest}"))
}

/// What /proc shows of a pid, as far as this process may look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Seen {
    /// No such entry in /proc (gone, or hidden from this process by `hidepid=`).
    Missing,
    /// The entry is there but its stat cannot be read (`hidepid=1`, another user namespace).
    Unreadable,
    /// Its state letter (`R`, `S`, `Z`, …) and when it started, in Unix seconds.
    Process { state: char, started: Option<f64> },
}

/// Look `pid` up in /proc: its state and start time (`/proc/PID/stat`, read with procfs,
/// which copes with any command name, plus the boot time).
pub fn look(pid: i32) -> Seen {
    if pid <= 0 {
        return Seen::Missing;
    }
    let Ok(process) = procfs::process::Process::new(pid) else {
        return if std::path::Path::new(&format!("/proc/{pid}")).exists() {
            Seen::Unreadable
        } else {
            Seen::Missing
        };
    };
    match process.stat() {
        Ok(stat) => {
            let started = procfs::boot_time_secs().ok().map(|boot| {
                boot as f64 + stat.starttime as f64 / procfs::ticks_per_second() as f64
            });
            // A zombie leader with threads still running is a running process.
            let state = match stat.state {
                'Z' => live_thread_state(pid).map_or('Z', |(_, state)| state),
                state => state,
            };
            Seen::Process { state, started }
        }
        Err(_) if std::path::Path::new(&format!("/proc/{pid}")).exists() => Seen::Unreadable,
        Err(_) => Seen::Missing,
    }
}

/// A segment's holders, by shmid, among the processes of IPC namespace `namespace` (all
/// scanned processes with `None`).
pub fn by_shmid(
    scan: &Scan,
    namespace: Option<u64>,
) -> HashMap<i32, Vec<(&ProcessMaps, Vec<&SysvMapping>)>> {
    let mut map: HashMap<i32, Vec<(&ProcessMaps, Vec<&SysvMapping>)>> = HashMap::new();
    for p in scan
        .processes
        .iter()
        .filter(|p| namespace.is_none() || p.namespace == namespace)
    {
        let mut mine: HashMap<i32, Vec<&SysvMapping>> = HashMap::new();
        for m in &p.mappings {
            mine.entry(m.shmid.0).or_default().push(m);
        }
        for (id, ms) in mine {
            map.entry(id).or_default().push((p, ms));
        }
    }
    map
}
