//! One pass over `/proc/*`: which processes of an IPC namespace map which segments.
//!
//! Each process's maps are read once per command, whatever the number of segments; its
//! IPC namespace is checked only when it maps a System V segment (shmids are per
//! namespace); a process whose maps cannot be read is counted, not dropped silently.

use super::maps::{self, SysvMapping};
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
}

/// The result of a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Processes of the namespace that map at least one segment.
    pub processes: Vec<ProcessMaps>,
    /// Pids whose maps could not be read (permissions).
    pub unreadable: Vec<i32>,
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
        let mappings = maps::parse(BufReader::with_capacity(64 * 1024, file));
        if mappings.is_empty() {
            continue;
        }
        let ns = namespace_of(&format!("/proc/{pid}/ns/ipc"));
        if namespace.is_some() && ns != namespace {
            continue;
        }
        let uid = std::fs::metadata(format!("/proc/{pid}")).map_or(u32::MAX, |m| m.uid());
        result.processes.push(ProcessMaps {
            pid,
            namespace: ns,
            comm: comm(pid).unwrap_or_default(),
            uid,
            mappings,
        });
    }
    result
}

/// When a process started, in Unix seconds: `/proc/PID/stat`'s start time (in clock ticks
/// since boot, read with procfs, which copes with any command name) plus the boot time.
pub fn start_time(pid: i32) -> Option<f64> {
    let ticks = procfs::process::Process::new(pid)
        .ok()?
        .stat()
        .ok()?
        .starttime;
    let boot = procfs::boot_time_secs().ok()?;
    Some(boot as f64 + ticks as f64 / procfs::ticks_per_second() as f64)
}

/// Is a process with this pid running (in our view of /proc)?
pub fn is_running(pid: i32) -> bool {
    pid > 0 && std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Is `pid` alive, and can it be the process that created something at `ctime`?
/// A pid reused by a process that started later is not the creator.
pub fn creator_alive(pid: i32, ctime: Option<i64>) -> bool {
    pid > 0 && started_in_time(start_time(pid), ctime)
}

/// Can a process that started at `started` (`None`: not running) have created something
/// at `ctime`?
pub fn started_in_time(started: Option<f64>, ctime: Option<i64>) -> bool {
    match (started, ctime) {
        (Some(started), Some(ctime)) => started <= ctime as f64 + 1.0,
        (Some(_), None) => true,
        (None, _) => false,
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
