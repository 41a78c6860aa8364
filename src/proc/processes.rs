//! One pass over `/proc/*`: which processes of an IPC namespace map which segments, and,
//! when asked, which processes map or hold open files that may be shared memory (POSIX
//! objects, memfds).
//!
//! Each process's maps are read once per command, whatever the number of segments and
//! objects; its IPC namespace is checked only when it maps a System V segment (shmids are
//! per namespace), its mount namespace only when it holds a file; its fds are read only
//! when files are asked for; a process whose maps or fds cannot be read is counted, not
//! dropped silently.

use super::fds::{self, SharedFd};
use super::maps::{self, SysvMapping};
use super::shmfiles::{self, FileMapping};
use std::collections::HashMap;
use std::io::BufReader;
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
        let file = match std::fs::File::open(format!("/proc/{pid}/maps")) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                result.unreadable.push(pid);
                continue;
            }
            Err(_) => continue, // exited meanwhile
        };
        let reader = BufReader::with_capacity(64 * 1024, file);
        let (mut mappings, file_mappings) = if options.files {
            shmfiles::parse_maps(reader)
        } else {
            (maps::parse(reader), Vec::new())
        };
        let fds = if options.files {
            match fds::shared_fds(pid) {
                Ok(fds) => fds,
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                    result.unreadable_fds.push(pid);
                    Vec::new()
                }
                Err(_) => continue, // exited meanwhile
            }
        } else {
            Vec::new()
        };
        let mut ns = None;
        if !mappings.is_empty() {
            ns = namespace_of(&format!("/proc/{pid}/ns/ipc"));
            if options.namespace.is_some() && ns != options.namespace {
                mappings.clear();
            }
        }
        if mappings.is_empty() && file_mappings.is_empty() && fds.is_empty() {
            continue;
        }
        let mount_namespace = (!file_mappings.is_empty() || !fds.is_empty())
            .then(|| namespace_of(&format!("/proc/{pid}/ns/mnt")))
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
        });
    }
    result
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
            Seen::Process {
                state: stat.state,
                started,
            }
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
