//! IPC namespaces: entering one (on a dedicated thread: setns affects only the calling
//! thread) and finding every one on the host through `/proc/*/ns/ipc`; and the mount
//! namespaces, whose `/dev/shm` each may be its own.

use crate::error::{Error, Result, Status};
use crate::model::Namespace;
use crate::proc::processes;
use nix::errno::Errno;
use std::collections::BTreeMap;

/// Move the calling thread into the IPC namespace at `path`.
pub fn enter(path: &str) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| {
        let status = match e.kind() {
            std::io::ErrorKind::NotFound => Status::NoSuchSegment,
            std::io::ErrorKind::PermissionDenied => Status::PermissionDenied,
            _ => Status::Failure,
        };
        Error::new(status, format!("namespace {path}: {e}"))
    })?;
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

/// Every IPC namespace that some process is in, with its processes (lowest pid first).
pub fn all() -> BTreeMap<u64, Vec<i32>> {
    all_of("ipc")
}

/// Every mount namespace that some process is in (each may have its own `/dev/shm`),
/// with its processes (lowest pid first).
pub fn all_mount() -> BTreeMap<u64, Vec<i32>> {
    all_of("mnt")
}

fn all_of(kind: &str) -> BTreeMap<u64, Vec<i32>> {
    let mut found: BTreeMap<u64, Vec<i32>> = BTreeMap::new();
    for pid in processes::pids() {
        if let Some(ns) = processes::namespace_of(&format!("/proc/{pid}/ns/{kind}")) {
            found.entry(ns).or_default().push(pid);
        }
    }
    found
}
