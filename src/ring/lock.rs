//! One producer and one consumer per ring: an exclusive open-file-description lock
//! (`F_OFD_SETLK`) per role, held for the run and released by the kernel when the run
//! ends, however it ends.
//!
//! Each end also holds an *awake* lock while it works on the ring, and lets go of it only
//! while it sleeps in a long wait (see `shared`): an end that holds the other end's awake
//! lock knows that end holds no slot but, at most, the one permit a wake-up just gave it,
//! which it will not use before it has its awake lock back. That lets an end give back
//! what a killed end stranded while the other end is alive but waiting (a wedged ring).
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

    /// The end on the other side of the ring.
    pub fn other(self) -> Role {
        match self {
            Role::Producer => Role::Consumer,
            Role::Consumer => Role::Producer,
        }
    }
}

/// How long [`take`] keeps trying a lock that is held: a repair, or an end giving back
/// what a killed end on the other side stranded, holds the other role's lock for a few
/// microseconds; a running end holds it for good.
const BRIEF_HOLD: std::time::Duration = std::time::Duration::from_millis(300);

/// Held for as long as the run lasts: the lock lives with this open file description.
pub struct RoleLock {
    _file: File,
}

/// Which byte: an end's role, or its awake lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Role(Role),
    Awake(Role),
}

impl Kind {
    fn bits(self) -> u64 {
        match self {
            Kind::Role(Role::Producer) => 0,
            Kind::Role(Role::Consumer) => 1,
            Kind::Awake(Role::Producer) => 2,
            Kind::Awake(Role::Consumer) => 3,
        }
    }
}

/// An end's awake lock: held while the end works on the ring, let go while it sleeps.
pub struct AwakeLock {
    file: File,
    at: i64,
    held: std::cell::Cell<bool>,
}

/// How long an end waits for its own awake lock, which another end holds only for the
/// microseconds of giving back stranded slots, before it calls the ring broken.
const AWAKE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

impl AwakeLock {
    /// Take `role`'s awake lock on ring `id` (an end joining the ring).
    pub fn take(id: ShmId, role: Role) -> Result<AwakeLock> {
        let lock = AwakeLock {
            file: open_dev_null()?,
            at: offset(ipc_namespace(), id, Kind::Awake(role)),
            held: std::cell::Cell::new(false),
        };
        lock.hold()
            .map_err(|e| Error::other(format!("segment {id}: {e}")))?;
        Ok(lock)
    }

    /// Have it again (after a long wait), waiting while another end gives back stranded
    /// slots with it (EDEADLK if that takes longer than [`AWAKE_PATIENCE`]).
    pub fn hold(&self) -> crate::sys::SysResult<()> {
        if self.held.get() {
            return Ok(());
        }
        let start = std::time::Instant::now();
        loop {
            match nix::fcntl::fcntl(&self.file, FcntlArg::F_OFD_SETLK(&request(self.at))) {
                Ok(_) => {
                    self.held.set(true);
                    return Ok(());
                }
                Err(Errno::EAGAIN | Errno::EACCES) if start.elapsed() < AWAKE_PATIENCE => {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                Err(Errno::EAGAIN | Errno::EACCES) => {
                    return Err(crate::sys::SysError::new(
                        "fcntl(F_OFD_SETLK) of this end's awake lock",
                        Errno::EDEADLK,
                    ));
                }
                Err(e) => {
                    return Err(crate::sys::SysError::new(
                        "fcntl(F_OFD_SETLK) of this end's awake lock",
                        e,
                    ));
                }
            }
        }
    }

    /// Let go of it for a long wait: this end holds no slot now.
    pub fn release(&self) {
        if !self.held.replace(false) {
            return;
        }
        let mut unlock = request(self.at);
        unlock.l_type = libc::F_UNLCK as libc::c_short;
        let _ = nix::fcntl::fcntl(&self.file, FcntlArg::F_OFD_SETLK(&unlock));
    }
}

/// `role`'s awake lock on ring `id` for the moment, if that end is not working on the
/// ring now (asleep in a long wait, or gone).
pub fn try_awake(id: ShmId, role: Role) -> Option<RoleLock> {
    let file = open_dev_null().ok()?;
    let at = offset(ipc_namespace(), id, Kind::Awake(role));
    nix::fcntl::fcntl(&file, FcntlArg::F_OFD_SETLK(&request(at)))
        .ok()
        .map(|_| RoleLock { _file: file })
}

/// The IPC namespace of this thread, as its nsfs inode.
pub fn ipc_namespace() -> u64 {
    processes::current_namespace().unwrap_or(0)
}

/// The byte of `/dev/null` that stands for `kind` on ring `id` of IPC namespace `ns`:
/// 30 bits of the namespace's inode, the shmid (31 bits) and the kind (2), below 2^63.
fn offset(ns: u64, id: ShmId, kind: Kind) -> i64 {
    let id = u64::from(id.0 as u32) & 0x7fff_ffff;
    (((ns & 0x3fff_ffff) << 33) | (id << 2) | kind.bits()) as i64
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

/// Take the role's lock on ring `id`, or say that another process has it (and which),
/// trying again for a moment while it is held (see [`BRIEF_HOLD`]).
pub fn take(id: ShmId, role: Role) -> Result<RoleLock> {
    let start = std::time::Instant::now();
    loop {
        if let Some(lock) = attempt(id, role)? {
            return Ok(lock);
        }
        if start.elapsed() >= BRIEF_HOLD {
            return Err(held(id, role));
        }
        if !crate::signals::sleep(std::time::Duration::from_millis(5)) {
            return Err(Error::interrupted());
        }
    }
}

/// Take the role's lock on ring `id` now, or say that another process has it (and which).
pub fn try_take(id: ShmId, role: Role) -> Result<RoleLock> {
    attempt(id, role)?.ok_or_else(|| held(id, role))
}

/// The role's lock on ring `id` if nobody holds it now; `None` otherwise, without looking
/// for the holder (a scan of every process's open files: for messages, not for polling).
pub fn try_hold(id: ShmId, role: Role) -> Option<RoleLock> {
    attempt(id, role).ok().flatten()
}

/// The lock, `None` while another process holds it.
fn attempt(id: ShmId, role: Role) -> Result<Option<RoleLock>> {
    let file = open_dev_null()?;
    let at = offset(ipc_namespace(), id, Kind::Role(role));
    match nix::fcntl::fcntl(&file, FcntlArg::F_OFD_SETLK(&request(at))) {
        Ok(_) => Ok(Some(RoleLock { _file: file })),
        Err(Errno::EAGAIN | Errno::EACCES) => Ok(None),
        Err(e) => Err(Error::other(format!(
            "segment {id}: cannot take the {} lock: {}",
            role.name(),
            e.desc()
        ))),
    }
}

/// The error for a role another process holds, naming it when it can be found.
fn held(id: ShmId, role: Role) -> Error {
    let who = holder(
        processes::pids(),
        offset(ipc_namespace(), id, Kind::Role(role)),
    )
    .map(|(pid, comm)| naming(pid, &comm))
    .unwrap_or_default();
    Error::new(
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
    )
}

/// A lock holder as an error message names it, ` (pid 12, ring_peer)`: its command is
/// another user's text, written with its control characters escaped.
pub fn naming(pid: i32, comm: &str) -> String {
    format!(" (pid {pid}, {})", crate::render::cell::printable(comm))
}

/// The process holding `role` on ring `id` now, if any can be found.
pub fn holder_of(id: ShmId, role: Role) -> Option<(i32, String)> {
    holder(
        processes::pids(),
        offset(ipc_namespace(), id, Kind::Role(role)),
    )
}

/// Whether some process holds `role` on ring `id` of this IPC namespace now.
pub fn is_held(id: ShmId, role: Role) -> bool {
    let Ok(file) = open_dev_null() else {
        return false;
    };
    let mut probe = request(offset(ipc_namespace(), id, Kind::Role(role)));
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
    holder(pids, offset(ns, id, Kind::Role(role)))
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
        let p = Kind::Role(Role::Producer);
        let a = offset(ns, ShmId(7), p);
        let kinds = [
            Kind::Role(Role::Consumer),
            Kind::Awake(Role::Producer),
            Kind::Awake(Role::Consumer),
        ];
        for k in kinds {
            assert_ne!(a, offset(ns, ShmId(7), k));
            assert_ne!(offset(ns, ShmId(8), p), offset(ns, ShmId(7), k));
        }
        assert_ne!(a, offset(ns, ShmId(8), p));
        assert_ne!(a, offset(ns + 1, ShmId(7), p));
        assert!(offset(u64::MAX, ShmId(i32::MAX), Kind::Awake(Role::Consumer)) > 0);
    }

    #[test]
    fn a_role_is_held_once_and_released_with_its_lock() {
        let id = ShmId(2_000_000_000);
        let held = take(id, Role::Consumer).unwrap();
        assert!(is_held(id, Role::Consumer));
        assert!(!is_held(id, Role::Producer));
        let err = try_take(id, Role::Consumer).err().unwrap();
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
