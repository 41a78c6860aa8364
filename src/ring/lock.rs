//! One producer and one consumer per ring: an advisory `flock` per role, held for the run.
//!
//! The lock file is named after the IPC namespace and the shmid, so rings in different
//! containers never collide. A lock dies with its process, so a killed producer never
//! blocks the next one. The files live in /dev/shm (or /tmp), are created mode 0666,
//! opened without following links, and removed by the holder when it is done; a taker
//! re-checks after locking that the path still names the file it locked. A run killed
//! with SIGKILL leaves its file behind: the next run on the ring takes it over, and `rm`
//! of the segment removes it ([`remove_stale`]).

use crate::error::{Error, Result, Status};
use crate::sys::shm::ShmId;
use nix::fcntl::{Flock, FlockArg, OFlag};
use nix::sys::stat::Mode;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Which end of the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Producer,
    Consumer,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Producer => "producer",
            Role::Consumer => "consumer",
        }
    }
}

/// Held for as long as the run lasts; released on drop (or by the kernel at exit).
pub struct RoleLock {
    _lock: Flock<File>,
    path: PathBuf,
}

impl Drop for RoleLock {
    fn drop(&mut self) {
        // Unlink while still holding the lock; a process that opened the old file sees
        // that the path no longer names it and starts over.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The IPC namespace of this thread, as its nsfs inode.
pub fn ipc_namespace() -> u64 {
    std::fs::metadata("/proc/thread-self/ns/ipc")
        .map(|m| m.ino())
        .unwrap_or(0)
}

fn lock_path(id: ShmId, role: Role) -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        "/dev/shm"
    } else {
        "/tmp"
    };
    PathBuf::from(format!(
        "{dir}/shmctl-rs-ring.{}.{}.{}.lock",
        ipc_namespace(),
        id.0,
        role.name()
    ))
}

/// Take the role's lock on ring `id`, or say that another process has it.
pub fn take(id: ShmId, role: Role) -> Result<RoleLock> {
    let path = lock_path(id, role);
    let failed =
        |e: nix::errno::Errno| Error::other(format!("lock file {}: {}", path.display(), e.desc()));
    for _ in 0..5 {
        let fd = nix::fcntl::open(
            &path,
            OFlag::O_RDONLY | OFlag::O_CREAT | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
            Mode::from_bits_truncate(0o666),
        )
        .map_err(failed)?;
        let file = File::from(fd);
        // umask may have narrowed the mode; other users' runs need to open it too.
        let _ = nix::sys::stat::fchmod(&file, Mode::from_bits_truncate(0o666));
        let lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
                return Err(Error::new(
                    Status::Failure,
                    format!(
                        "segment {id}: another {} is already running on this ring (one {} at a time: two would race on {} and lose items)",
                        role.name(),
                        role.name(),
                        if role == Role::Producer {
                            "head"
                        } else {
                            "tail"
                        }
                    ),
                ));
            }
            Err((_, e)) => return Err(failed(e)),
        };
        if names_the_locked_file(&path, &lock) {
            return Ok(RoleLock { _lock: lock, path });
        }
    }
    Err(Error::other(format!(
        "lock file {}: kept changing while being locked",
        path.display()
    )))
}

/// Whether `path` still names the file `lock` holds: the holder that was done may have
/// unlinked it between our open and our lock.
fn names_the_locked_file(path: &Path, lock: &Flock<File>) -> bool {
    match (lock.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(locked), Ok(named)) => locked.ino() == named.ino() && locked.dev() == named.dev(),
        _ => false,
    }
}

/// Remove the lock files of ring `id` that no running process holds (left by a run
/// killed with SIGKILL); a held one is left alone.
pub fn remove_stale(id: ShmId) {
    for role in [Role::Producer, Role::Consumer] {
        let path = lock_path(id, role);
        let Ok(fd) = nix::fcntl::open(
            &path,
            OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
            Mode::empty(),
        ) else {
            continue;
        };
        let Ok(lock) = Flock::lock(File::from(fd), FlockArg::LockExclusiveNonblock) else {
            continue;
        };
        // Unlinked while locked, as a holder does when it is done.
        if names_the_locked_file(&path, &lock) {
            let _ = std::fs::remove_file(&path);
        }
    }
}
