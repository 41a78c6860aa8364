//! Files that may be shared memory, as `/proc/PID/maps` and `/proc/PID/fd` name them: a
//! POSIX object (a file of a `/dev/shm` tmpfs) or a memfd.
//!
//! A mapping shows as
//! `7f0a9deb0000-7f0a9deb2000 rw-s 00000000 00:28 2      /dev/shm/psm_1f2e (deleted)`:
//! the device and inode identify the file (paths of another mount namespace are printed
//! from that namespace's root, so only the device tells two `/dev/shm`s apart), the path
//! keeps the name it had, with ` (deleted)` once it was unlinked. A memfd is
//! `/memfd:NAME (deleted)` on the kernel's internal shm mount (`00:01`), hugetlbfs for
//! MFD_HUGETLB. An fd's link (`readlink /proc/PID/fd/N`) names files the same way.

use super::maps::{self, SysvMapping};
use std::io::BufRead;

const DELETED: &str = " (deleted)";

/// What a path names, if it may be shared memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SharedPath<'a> {
    /// A memfd and its name (what `memfd_create` was given).
    Memfd { name: &'a str },
    /// A file directly in a directory called `/dev/shm`, by its name there (no slash).
    InShm { name: &'a str, deleted: bool },
}

/// Classify a path from maps or an fd link; `None` for anything else.
pub fn classify(path: &str) -> Option<SharedPath<'_>> {
    let (bare, deleted) = match path.strip_suffix(DELETED) {
        Some(p) => (p, true),
        None => (path, false),
    };
    if let Some(name) = bare.strip_prefix("/memfd:") {
        // memfds are never linked: one that is not "(deleted)" is a real file of that name.
        return deleted.then_some(SharedPath::Memfd { name });
    }
    let (dir, name) = bare.rsplit_once('/')?;
    (!name.is_empty() && (dir == "/dev/shm" || dir.ends_with("/dev/shm")))
        .then_some(SharedPath::InShm { name, deleted })
}

/// A file mapping that may be shared memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMapping {
    pub start: u64,
    pub end: u64,
    pub writable: bool,
    /// MAP_SHARED (`s`) rather than a private copy (`p`).
    pub shared: bool,
    /// The backing file's device (`st_dev`) and inode.
    pub device: u64,
    pub inode: u64,
    /// As maps prints it, ` (deleted)` included.
    pub path: String,
}

/// `MAJOR:MINOR` in hex, as maps prints a device, to a `dev_t`.
pub fn parse_device(text: &str) -> Option<u64> {
    let (major, minor) = text.split_once(':')?;
    Some(nix::sys::stat::makedev(
        u64::from_str_radix(major, 16).ok()?,
        u64::from_str_radix(minor, 16).ok()?,
    ))
}

/// Parse one maps line; `None` unless it maps a file that [`classify`] accepts.
pub fn parse_line(line: &str) -> Option<FileMapping> {
    let mut rest = line;
    let mut field = || {
        let t = rest.trim_start_matches(' ');
        let end = t.find(' ').unwrap_or(t.len());
        let (f, r) = t.split_at(end);
        rest = r;
        f
    };
    let range = field();
    let perms = field();
    let _offset = field();
    let device = field();
    let inode = field();
    // The path is the rest after the padding; it may itself contain spaces.
    let path = rest.trim_start_matches(' ');
    classify(path)?;
    let (start, end) = range.split_once('-')?;
    let perms = perms.as_bytes();
    Some(FileMapping {
        start: u64::from_str_radix(start, 16).ok()?,
        end: u64::from_str_radix(end, 16).ok()?,
        writable: perms.get(1) == Some(&b'w'),
        shared: perms.get(3) == Some(&b's'),
        device: parse_device(device)?,
        inode: inode.parse().ok()?,
        path: path.to_string(),
    })
}

/// Is this text worth a closer look (a cheap test before parsing)?
pub fn may_be_shared(bytes: &[u8]) -> bool {
    bytes.windows(9).any(|w| w == b"/dev/shm/") || bytes.windows(7).any(|w| w == b"/memfd:")
}

/// Every System V mapping and every file mapping that may be shared memory, in one read
/// of a maps file; lines that are neither are skipped, never fatal.
pub fn parse_maps<R: BufRead>(reader: R) -> (Vec<SysvMapping>, Vec<FileMapping>) {
    let mut sysv = Vec::new();
    let mut files = Vec::new();
    for line in reader.split(b'\n') {
        let Ok(line) = line else { break };
        if line.windows(5).any(|w| w == b"/SYSV")
            && let Some(m) = maps::parse_line(&String::from_utf8_lossy(&line))
        {
            sysv.push(m);
            continue;
        }
        // A name that is not UTF-8 is shown as a linked one is (`\xHH`).
        if may_be_shared(&line)
            && let Some(m) = parse_line(&crate::ids::escape_bytes(&line))
        {
            files.push(m);
        }
    }
    (sysv, files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::stat::makedev;

    #[test]
    fn paths_are_classified() {
        assert_eq!(
            classify("/memfd:wayland-shm (deleted)"),
            Some(SharedPath::Memfd {
                name: "wayland-shm"
            })
        );
        assert_eq!(
            classify("/memfd:with (deleted) inside (deleted)"),
            Some(SharedPath::Memfd {
                name: "with (deleted) inside"
            })
        );
        assert_eq!(classify("/memfd:not-deleted"), None);
        assert_eq!(
            classify("/dev/shm/PostgreSQL.1804289383"),
            Some(SharedPath::InShm {
                name: "PostgreSQL.1804289383",
                deleted: false
            })
        );
        assert_eq!(
            classify("/dev/shm/psm_1 2 (deleted)"),
            Some(SharedPath::InShm {
                name: "psm_1 2",
                deleted: true
            })
        );
        assert_eq!(
            classify("/srv/jail/dev/shm/x"),
            Some(SharedPath::InShm {
                name: "x",
                deleted: false
            })
        );
        assert_eq!(classify("/dev/shm/dir/file"), None);
        assert_eq!(classify("/dev/shm/"), None);
        assert_eq!(classify("/usr/lib/libc.so.6 (deleted)"), None);
        assert_eq!(classify("/dev/shmx/y"), None);
    }

    #[test]
    fn real_lines() {
        let text = "\
55d0c1a00000-55d0c1a02000 r--p 00000000 fd:01 1234567                    /usr/bin/python3
7f0a9deb0000-7f0a9deb2000 rw-s 00000000 00:1b 207                        /dev/shm/psm_ab12
7f0a9deb2000-7f0a9deb3000 r--s 00001000 00:1b 208                        /dev/shm/gone name (deleted)
7ff1607ab000-7ff1607ae000 rw-s 00000000 00:01 524232                     /memfd:plain (deleted)
7ff1607ae000-7ff1607af000 r-xp 00000000 00:11a 9                         /memfd:exe (deleted)
7fba6d370000-7fba6d372000 rw-s 00000000 00:01 32769                      /SYSV81000001 (deleted)
7fff0000-7fff1000 rw-p 00000000 00:00 0                                  [stack]
garbage /dev/shm/x
7fba-7fbb rw-s 0 00:01 x /dev/shm/x
";
        let (sysv, files) = parse_maps(text.as_bytes());
        assert_eq!(sysv.len(), 1);
        assert_eq!(files.len(), 4, "{files:?}");
        assert_eq!(files[0].device, makedev(0, 0x1b));
        assert_eq!(files[0].inode, 207);
        assert!(files[0].writable && files[0].shared);
        assert_eq!(files[0].end - files[0].start, 8192);
        assert_eq!(files[1].path, "/dev/shm/gone name (deleted)");
        assert!(!files[1].writable);
        assert_eq!(files[2].device, makedev(0, 1));
        assert_eq!(files[3].device, makedev(0, 0x11a));
        assert!(!files[3].shared);
    }
}
