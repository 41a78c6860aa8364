//! A file's metadata as `stat(2)` reports it (through nix), for the POSIX objects this
//! module makes and for the readers of `/proc` that find them.

use nix::fcntl::AtFlags;
use std::os::fd::AsFd;

/// A file's metadata, as `stat` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileStat {
    pub device: u64,
    pub inode: u64,
    pub size: u64,
    /// `st_blocks` × 512: what the file really occupies (in memory or swap, on tmpfs).
    pub allocated: u64,
    pub uid: u32,
    pub gid: u32,
    /// `st_mode`: type and permission bits.
    pub mode: u32,
    pub mtime: i64,
}

impl FileStat {
    pub fn is_regular(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFREG
    }
}

impl From<&libc::stat> for FileStat {
    fn from(st: &libc::stat) -> FileStat {
        FileStat {
            device: st.st_dev,
            inode: st.st_ino,
            size: u64::try_from(st.st_size).unwrap_or(0),
            allocated: u64::try_from(st.st_blocks).unwrap_or(0) * 512,
            uid: st.st_uid,
            gid: st.st_gid,
            mode: st.st_mode,
            mtime: st.st_mtime,
        }
    }
}

/// `stat` of `name` in the directory `dir`, following a link (`/proc/PID/fd/N`,
/// `/proc/PID/map_files/…` lead to the file itself) or not.
pub fn stat_at<P: ?Sized + nix::NixPath>(
    dir: impl AsFd,
    name: &P,
    follow: bool,
) -> Option<FileStat> {
    let flags = if follow {
        AtFlags::empty()
    } else {
        AtFlags::AT_SYMLINK_NOFOLLOW
    };
    nix::sys::stat::fstatat(dir, name, flags)
        .ok()
        .map(|st| FileStat::from(&st))
}

/// `stat` of a path, following links.
pub fn stat(path: &str) -> Option<FileStat> {
    nix::sys::stat::stat(path)
        .ok()
        .map(|st| FileStat::from(&st))
}
