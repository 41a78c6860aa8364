//! IPC namespaces: entering one (on a dedicated thread: setns affects only the calling
//! thread) and finding every one on the host through `/proc/*/ns/ipc`; and the mount
//! namespaces, whose `/dev/shm` each may be its own.

use crate::error::{Error, Result, Status};
use crate::model::Namespace;
use crate::proc::processes;
use nix::errno::Errno;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;

/// Move the calling thread into the IPC namespace at `path`. Anything that is not a
/// namespace file (a FIFO, a device, a regular file) is refused without blocking on it.
pub fn enter(path: &str) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let open = |path: &str| {
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY)
            .open(path)
    };
    let file = open(path)
        .or_else(|e| match processes::through_live_thread(path) {
            // A process whose leader has exited: a live thread has its namespaces.
            Some(thread) if e.kind() == std::io::ErrorKind::NotFound => open(&thread),
            _ => Err(e),
        })
        .map_err(|e| {
            let status = match e.kind() {
                // A pid or path that names no namespace is a bad --ns, not a lost segment.
                std::io::ErrorKind::NotFound => Status::Usage,
                std::io::ErrorKind::PermissionDenied => Status::PermissionDenied,
                _ => Status::Failure,
            };
            let what = match e.kind() {
                std::io::ErrorKind::NotFound => {
                    "no such namespace (no such process, or no such file)".to_string()
                }
                _ => e.to_string(),
            };
            Error::new(status, format!("namespace {path}: {what}"))
        })?;
    let is_nsfs = nix::sys::statfs::fstatfs(&file)
        .is_ok_and(|fs| fs.filesystem_type() == nix::sys::statfs::NSFS_MAGIC);
    if !is_nsfs {
        return Err(Error::usage(format!(
            "namespace {path}: not a namespace file (give a pid, or a file such as /proc/PID/ns/ipc or a bind mount of one)"
        )));
    }
    // Already there: nothing to enter (and no CAP_SYS_ADMIN needed to stay).
    if file.metadata().ok().map(|m| m.ino()) == processes::current_namespace() {
        return Ok(());
    }
    nix::sched::setns(&file, nix::sched::CloneFlags::CLONE_NEWIPC).map_err(|e| match e {
        Errno::EINVAL => Error::usage(format!("namespace {path}: not an IPC namespace")),
        Errno::EPERM => Error::new(
            Status::PermissionDenied,
            format!(
                "namespace {path}: permission denied (entering a namespace needs CAP_SYS_ADMIN)"
            ),
        ),
        e => Error::other(format!("namespace {path}: setns: {}", e.desc())),
    })
}

/// Run `f` on a new thread inside the namespace at `path`, and wait for it.
pub fn run_in<T: Send + 'static>(
    path: String,
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    std::thread::Builder::new()
        .name("ipc-namespace".into())
        .spawn(move || {
            enter(&path)?;
            f()
        })
        .map_err(|e| Error::other(format!("cannot start a thread: {e}")))?
        .join()
        .unwrap_or_else(|_| Err(Error::other("the namespace thread failed")))
}

/// Describe the namespace at `path` (its inode, and one process in it).
pub fn describe(inode: u64, members: &[i32]) -> Namespace {
    let pid = members.first().copied();
    Namespace {
        inode,
        pid,
        comm: pid.and_then(processes::comm),
    }
}

/// Every IPC namespace that some process is in, with its processes (lowest pid first),
/// and how many processes' namespaces could not be looked at (another user's, to a
/// process without CAP_SYS_PTRACE).
pub fn all() -> (BTreeMap<u64, Vec<i32>>, usize) {
    all_of("ipc")
}

/// Every mount namespace that some process is in (each may have its own `/dev/shm`),
/// with its processes (lowest pid first), and how many could not be looked at.
pub fn all_mount() -> (BTreeMap<u64, Vec<i32>>, usize) {
    all_of("mnt")
}

fn all_of(kind: &str) -> (BTreeMap<u64, Vec<i32>>, usize) {
    let mut found: BTreeMap<u64, Vec<i32>> = BTreeMap::new();
    let mut hidden = 0;
    for pid in processes::pids() {
        let path = format!("/proc/{pid}/ns/{kind}");
        let meta =
            std::fs::metadata(&path).or_else(|e| match processes::through_live_thread(&path) {
                Some(thread) if e.kind() == std::io::ErrorKind::NotFound => {
                    std::fs::metadata(thread)
                }
                _ => Err(e),
            });
        match meta {
            Ok(m) => found.entry(m.ino()).or_default().push(pid),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => hidden += 1,
            Err(_) => {} // exited meanwhile
        }
    }
    (found, hidden)
}
