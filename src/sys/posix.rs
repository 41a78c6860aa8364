//! POSIX shared-memory objects made and removed as glibc's `shm_open` and `shm_unlink` do
//! (`open(O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC)` and `unlink` of `/dev/shm/NAME`), through a
//! descriptor of the directory (opened by the caller), so that another mount namespace's
//! `/dev/shm` works alike and the directory looked at is the one changed. Everything here
//! is nix's safe API: no `unsafe`.

use super::stat::{FileStat, stat_at};
use super::{SysError, SysResult};
use nix::errno::Errno;
use nix::fcntl::{OFlag, openat};
use nix::sys::stat::Mode;
use nix::unistd::UnlinkatFlags;
use std::os::fd::AsFd;

/// A new object `file` in `dir`, `size` bytes long, with exactly the permission bits
/// `mode` (the umask does not apply: the mode is set again after the open, as shmget
/// takes its mode). Never reuses an existing file; on a failure after the open, the new
/// file is removed again.
pub fn create<P: ?Sized + nix::NixPath>(
    dir: impl AsFd,
    file: &P,
    size: u64,
    mode: u32,
) -> SysResult<FileStat> {
    let bits = Mode::from_bits_truncate(mode & 0o777);
    let fd = openat(
        dir.as_fd(),
        file,
        OFlag::O_RDWR | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
        bits,
    )
    .map_err(|e| SysError::new("open", e))?;
    let finish = || -> SysResult<FileStat> {
        nix::sys::stat::fchmod(&fd, bits).map_err(|e| SysError::new("fchmod", e))?;
        let len = i64::try_from(size).map_err(|_| SysError::new("ftruncate", Errno::EFBIG))?;
        nix::unistd::ftruncate(&fd, len).map_err(|e| SysError::new("ftruncate", e))?;
        nix::sys::stat::fstat(&fd)
            .map(|st| FileStat::from(&st))
            .map_err(|e| SysError::new("fstat", e))
    };
    finish().inspect_err(|_| {
        let _ = nix::unistd::unlinkat(dir.as_fd(), file, UnlinkatFlags::NoRemoveDir);
    })
}

/// Unlink `file` in `dir`, if it is still the object with this inode: a name unlinked and
/// made again since it was looked at is left alone (`ESTALE`).
pub fn unlink<P: ?Sized + nix::NixPath>(dir: impl AsFd, file: &P, inode: u64) -> SysResult<()> {
    match stat_at(dir.as_fd(), file, false) {
        None => return Err(SysError::new("unlink", Errno::ENOENT)),
        Some(st) if st.inode != inode => return Err(SysError::new("unlink", Errno::ESTALE)),
        Some(_) => {}
    }
    nix::unistd::unlinkat(dir.as_fd(), file, UnlinkatFlags::NoRemoveDir)
        .map_err(|e| SysError::new("unlink", e))
}

/// The device of a memfd this process makes (the kernel's internal shm mount, or its
/// hugetlbfs mount with MFD_HUGETLB): every memfd of that kind lives there.
pub fn memfd_device(hugetlb: bool) -> Option<u64> {
    use nix::sys::memfd::{MFdFlags, memfd_create};
    let mut flags = MFdFlags::MFD_CLOEXEC;
    if hugetlb {
        flags |= MFdFlags::MFD_HUGETLB;
    }
    let fd = memfd_create("shmctl-rs-probe", flags).ok()?;
    nix::sys::stat::fstat(&fd).ok().map(|st| st.st_dev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_made_again_under_its_name_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let fd = nix::fcntl::open(
            dir.path(),
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
        .unwrap();
        let made = create(&fd, "obj", 4096, 0o640).unwrap();
        assert_eq!((made.size, made.mode & 0o777), (4096, 0o640));
        assert_eq!(
            create(&fd, "obj", 1, 0o600).unwrap_err().errno,
            Errno::EEXIST
        );
        let err = unlink(&fd, "obj", made.inode + 1).unwrap_err();
        assert_eq!(err.errno, Errno::ESTALE);
        assert!(dir.path().join("obj").exists());
        unlink(&fd, "obj", made.inode).unwrap();
        assert!(!dir.path().join("obj").exists());
        assert_eq!(
            unlink(&fd, "obj", made.inode).unwrap_err().errno,
            Errno::ENOENT
        );
        // A size no file may have: nothing is left behind.
        let err = create(&fd, "huge", u64::MAX, 0o600).unwrap_err();
        assert_eq!((err.call, err.errno), ("ftruncate", Errno::EFBIG));
        assert!(!dir.path().join("huge").exists());
    }
}
