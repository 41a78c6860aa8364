//! One producer and one consumer per ring: an exclusive open-file-description lock
//! (`F_OFD_SETLK`) per role, held for the run and released by the kernel when the run
//! ends, however it ends.
//!
//! The lock is one byte of `/dev/null`, at an offset that names the ring (its IPC
//! namespace and shmid) and the role. Every user can open `/dev/null` for writing and
//! nobody but root can replace it, so there is no file another user could plant (a FIFO
//! that blocks the opener, a link that leads elsewhere), nothing to wait for when taking
//! a lock, and nothing left behind by a run killed with SIGKILL.

use crate::error::{Error, Result, Status};
use crate::proc::{locks, processes};
use crate::sys::shm::ShmId;
use nix::errno::Errno;
use nix::fcntl::FcntlArg;
use std::fs::File;
use std::os::unix::fs::{FileTypeExt, MetadataExt};

const DEV_NULL: &str = "/dev/null";

/// Which end of the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Producer,
    Consumer,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Producer => "producer",
            Role::Consumer => "consumer",
        }
    }
}

/// Held for as long as the run lasts: the lock lives with this open file description.
pub struct RoleLock {
    _file: File,
}

/// The IPC namespace of this thread, as its nsfs inode.
pub fn ipc_namespace() -> u64 {
    processes::current_namespace().unwrap_or(0)
}

/// The byte of `/dev/null` that stands for `role` on ring `id` of IPC namespace `ns`:
/// 31 bits of the namespace's inode, the shmid, and the role, below 2^63.
fn offset(ns: u64, id: ShmId, role: Role) -> i64 {
    let role_bit = u64::from(role == Role::Consumer);
    (((ns & 0x7fff_ffff) << 32) | (u64::from(id.0 as u32) << 1) | role_bit) as i64
}

fn open_dev_null() -> Result<File> {
    let failed = |why: String| Error::other(format!("{DEV_NULL}: {why} (role locks live there)"));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(DEV_NULL)
        .map_err(|e| failed(e.to_string()))?;
    let meta = file.metadata().map_err(|e| failed(e.to_string()))?;
    if !meta.file_type().is_char_device() || meta.rdev() != nix::sys::stat::makedev(1, 3) {
        return Err(failed("is not the null device".into()));
    }
    Ok(file)
}

fn request(start: i64) -> libc::flock {
    libc::flock {
        l_type: libc::F_WRLCK as libc::c_short,
        l_whence: libc::SEEK_SET as libc::c_short,
        l_start: start,
        l_len: 1,
        l_pid: 0,
    }
}

/// Take the role's lock on ring `id`, or say that another process has it (and which).
pub fn take(id: ShmId, role: Role) -> Result<RoleLock> {
    let file = open_dev_null()?;
    let at = offset(ipc_namespace(), id, role);
    match nix::fcntl::fcntl(&file, FcntlArg::F_OFD_SETLK(&request(at))) {
        Ok(_) => Ok(RoleLock { _file: file }),
        Err(Errno::EAGAIN | Errno::EACCES) => {
            let who = holder(processes::pids(), at)
                .map(|(pid, comm)| format!(" (pid {pid}, {comm})"))
                .unwrap_or_default();
            Err(Error::new(
                Status::Failure,
                format!(
                    "segment {id}: another {} is already running on this ring{who} (one {} at a time: two would race on {} and lose items)",
                    role.name(),
                    role.name(),
                    if role == Role::Producer {
                        "head"
                    } else {
                        "tail"
                    }
                ),
            ))
        }
        Err(e) => Err(Error::other(format!(
            "segment {id}: cannot take the {} lock: {}",
            role.name(),
            e.desc()
        ))),
    }
}

/// Whether some process holds `role` on ring `id` of this IPC namespace now.
pub fn is_held(id: ShmId, role: Role) -> bool {
    let Ok(file) = open_dev_null() else {
        return false;
    };
    let mut probe = request(offset(ipc_namespace(), id, role));
    nix::fcntl::fcntl(&file, FcntlArg::F_OFD_GETLK(&mut probe)).is_ok()
        && probe.l_type != libc::F_UNLCK as libc::c_short
}

/// Which of `pids` (a ring's holders, say) runs `role` on ring `id` of the IPC namespace
/// whose inode is `ns`, by the lock it holds.
pub fn role_holder(
    pids: impl IntoIterator<Item = i32>,
    ns: u64,
    id: ShmId,
    role: Role,
) -> Option<(i32, String)> {
    holder(pids, offset(ns, id, role))
}

/// The process among `pids` holding the lock at `offset` of `/dev/null`, from the
/// `lock:` lines of their fdinfo (open-file-description locks carry no pid of their own).
fn holder(pids: impl IntoIterator<Item = i32>, offset: i64) -> Option<(i32, String)> {
    let null = std::fs::metadata(DEV_NULL).ok()?;
    let device = (
        nix::sys::stat::major(null.dev()) as u32,
        nix::sys::stat::minor(null.dev()) as u32,
    );
    for pid in pids {
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).ok().as_deref() != Some(DEV_NULL.as_ref()) {
                continue;
            }
            let info = format!("/proc/{pid}/fdinfo/{}", fd.file_name().to_string_lossy());
            let Ok(text) = std::fs::read_to_string(info) else {
                continue;
            };
            if locks::parse(&text).iter().any(|l| {
                l.write && l.device == device && l.inode == null.ino() && l.start == offset as u64
            }) {
                return Some((pid, processes::comm(pid).unwrap_or_default()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_tell_rings_and_roles_apart() {
        let ns = 4_026_531_839;
        let a = offset(ns, ShmId(7), Role::Producer);
        assert_ne!(a, offset(ns, ShmId(7), Role::Consumer));
        assert_ne!(a, offset(ns, ShmId(8), Role::Producer));
        assert_ne!(a, offset(ns + 1, ShmId(7), Role::Producer));
        assert!(offset(u64::MAX, ShmId(i32::MAX), Role::Consumer) > 0);
    }

    #[test]
    fn a_role_is_held_once_and_released_with_its_lock() {
        let id = ShmId(2_000_000_000);
        let held = take(id, Role::Consumer).unwrap();
        assert!(is_held(id, Role::Consumer));
        assert!(!is_held(id, Role::Producer));
        let err = take(id, Role::Consumer).err().unwrap();
        assert!(err.message.contains("another consumer is already running"));
        assert!(
            err.message
                .contains(&format!("(pid {}", std::process::id())),
            "{}",
            err.message
        );
        drop(held);
        assert!(!is_held(id, Role::Consumer));
        drop(take(id, Role::Consumer).unwrap());
    }
}
