//! Open files that may be shared memory, from `/proc/PID/fd` and `/proc/PID/fdinfo`.
//!
//! `readlink /proc/PID/fd/N` names the file ([`super::shmfiles::classify`] says whether it
//! may be shared memory); `stat` through the link reaches the file itself (device, inode,
//! size, blocks, owner, mode); `fdinfo` says how it was opened (`flags:` in octal, the
//! access mode in its low bits) and repeats the inode, so that an fd closed and reused
//! between two of these readings is noticed.

use super::shmfiles;
pub use crate::sys::stat::{FileStat, stat, stat_at};
use nix::dir::Dir;
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;
use std::io::{BufRead, Read};
use std::os::fd::AsFd;

/// What `fdinfo` says of an open file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FdInfo {
    /// The open flags (`O_RDONLY`, `O_RDWR`, …).
    pub flags: u32,
    pub inode: Option<u64>,
}

impl FdInfo {
    /// Opened for reading only.
    pub fn readonly(&self) -> bool {
        self.flags & libc::O_ACCMODE as u32 == libc::O_RDONLY as u32
    }
}

/// Parse an fdinfo file (`pos:`, `flags:`, `mnt_id:`, `ino:` lines, then per-type ones);
/// `None` without a `flags:` line.
pub fn parse_fdinfo<R: BufRead>(reader: R) -> Option<FdInfo> {
    let mut flags = None;
    let mut inode = None;
    for line in reader.lines() {
        let Ok(line) = line else { break };
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        match name {
            "flags" => flags = u32::from_str_radix(value.trim(), 8).ok(),
            "ino" => inode = value.trim().parse().ok(),
            _ => {}
        }
    }
    Some(FdInfo {
        flags: flags?,
        inode,
    })
}

/// An open fd of a file that may be shared memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedFd {
    pub fd: i32,
    /// Its link, ` (deleted)` included.
    pub path: String,
    pub readonly: bool,
    pub stat: FileStat,
}

fn open_dir(path: &str) -> std::io::Result<Dir> {
    Dir::open(
        path,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .map_err(std::io::Error::from)
}

/// The open fds, whose files may be shared memory, of the process /proc shows at
/// `proc_dir` (`/proc/PID`, or a thread's `/proc/PID/task/TID`). An error is the fd
/// directory's (`PermissionDenied`: not ours to read); an fd closed meanwhile is left out.
pub fn shared_fds(proc_dir: &str) -> std::io::Result<Vec<SharedFd>> {
    let mut dir = open_dir(&format!("{proc_dir}/fd"))?;
    let mut candidates: Vec<i32> = Vec::new();
    for entry in dir.iter() {
        let Ok(entry) = entry else { break };
        let Some(fd) = entry.file_name().to_str().ok().and_then(|n| n.parse().ok()) else {
            continue;
        };
        candidates.push(fd);
    }
    let mut out = Vec::new();
    let mut info_dir = None;
    for fd in candidates {
        let name = fd.to_string();
        let Ok(link) = nix::fcntl::readlinkat(dir.as_fd(), name.as_str()) else {
            continue;
        };
        let bytes = link.as_encoded_bytes();
        if !shmfiles::may_be_shared(bytes) {
            continue;
        }
        let path = crate::ids::escape_bytes(bytes);
        if shmfiles::classify(&path).is_none() {
            continue;
        }
        let Some(stat) = stat_at(dir.as_fd(), name.as_str(), true) else {
            continue;
        };
        if info_dir.is_none() {
            info_dir = open_dir(&format!("{proc_dir}/fdinfo")).ok();
        }
        let Some(info) = info_dir.as_ref().and_then(|d| fdinfo_at(d, &name)) else {
            continue;
        };
        if info.inode.is_some_and(|i| i != stat.inode) {
            continue; // closed and reused between the readings
        }
        out.push(SharedFd {
            fd,
            path,
            readonly: info.readonly(),
            stat,
        });
    }
    Ok(out)
}

/// A memfd's seals (`F_GET_SEALS`), through a path that reaches it (`/proc/PID/fd/N` or
/// `/proc/PID/map_files/…`): the seals belong to the file, so a new open file description
/// reads them. Opened read-only and non-blocking, and only when `stat` through the same
/// path still shows a regular file with this device and inode (an fd closed and reused for
/// something else meanwhile is not opened, or not read).
pub fn seals(path: &str, device: u64, inode: u64) -> Option<u32> {
    let same = |st: &FileStat| st.device == device && st.inode == inode && st.is_regular();
    if !stat(path).is_some_and(|st| same(&st)) {
        return None;
    }
    let fd = nix::fcntl::open(
        path,
        OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_NOCTTY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    let st = nix::sys::stat::fstat(&fd).ok()?;
    if !same(&FileStat::from(&st)) {
        return None;
    }
    nix::fcntl::fcntl(&fd, nix::fcntl::FcntlArg::F_GET_SEALS)
        .ok()
        .and_then(|bits| u32::try_from(bits).ok())
}

fn fdinfo_at(dir: &Dir, name: &str) -> Option<FdInfo> {
    let fd = nix::fcntl::openat(
        dir.as_fd(),
        name,
        OFlag::O_RDONLY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    let mut text = Vec::with_capacity(256);
    std::fs::File::from(fd).read_to_end(&mut text).ok()?;
    parse_fdinfo(text.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fdinfo_of_a_memfd_and_of_a_read_only_file() {
        let memfd = "pos:\t0\nflags:\t02100002\nmnt_id:\t0\nino:\t524232\n";
        let info = parse_fdinfo(memfd.as_bytes()).unwrap();
        assert_eq!(info.inode, Some(524232));
        assert!(!info.readonly());
        let ro = "pos:\t0\nflags:\t0100000\nmnt_id:\t27\nino:\t207\n";
        assert!(parse_fdinfo(ro.as_bytes()).unwrap().readonly());
        assert_eq!(parse_fdinfo("pos:\t0\n".as_bytes()), None);
        assert_eq!(parse_fdinfo("flags:\tzz\n".as_bytes()), None);
    }

    #[test]
    fn this_process_sees_its_own_memfd() {
        use std::os::fd::AsRawFd;
        let fd = nix::sys::memfd::memfd_create(
            "shmctl-rs-fds-test",
            nix::sys::memfd::MFdFlags::MFD_CLOEXEC,
        )
        .unwrap();
        nix::unistd::ftruncate(&fd, 12345).unwrap();
        let mine = shared_fds(&format!("/proc/{}", std::process::id())).unwrap();
        let found = mine
            .iter()
            .find(|f| f.fd == fd.as_raw_fd())
            .expect("the memfd");
        assert_eq!(found.path, "/memfd:shmctl-rs-fds-test (deleted)");
        assert_eq!(found.stat.size, 12345);
        assert!(!found.readonly && found.stat.is_regular());
    }
}
