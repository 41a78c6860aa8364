//! System V mappings in `/proc/PID/maps`.
//!
//! An attached segment shows as
//! `7fba6d36d000-7fba6d36f000 rw-s 00000000 00:01 SHMID   /SYSV00001234 (deleted)`:
//! the inode column is the shmid (unique per IPC namespace), the name keeps the key the
//! segment had when it was attached (even after IPC_RMID sets it to 0 in /proc/sysvipc),
//! `r--s` means read-only, and the device tells the shm filesystem from hugetlbfs.

use crate::sys::shm::{Key, ShmId};
use std::io::BufRead;

/// One `shmat` mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SysvMapping {
    pub shmid: ShmId,
    /// The key in the mapping's name (the key at attach time).
    pub key: Key,
    pub writable: bool,
    /// `major:minor` of the backing filesystem.
    pub device: String,
    /// Where it is mapped: `/proc/PID/map_files/{start:x}-{end:x}` opens the segment.
    pub start: u64,
    pub length: u64,
}

/// What a namespace's `/proc/sysvipc/shm` says of one segment: what tells whether a
/// mapping with its shmid is of it. A shmid is unique only within an IPC namespace, and a
/// process may map a segment of another one (a thread that entered another namespace to
/// attach, or a process that attached and then entered this one): its maps line shows
/// the same shmid as a segment of here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub key: Key,
    /// Marked for destruction (its key then reads 0, while mappings keep theirs).
    pub removed: bool,
    pub size: u64,
    pub nattch: u64,
}

/// The largest page a hugetlb segment can be mapped with (x86-64's gigantic page).
const LARGEST_HUGE_PAGE: u64 = 1 << 30;

impl Identity {
    /// Whether a mapping named with key `key`, `length` bytes long (`hugetlb`: on
    /// hugetlbfs), can be one of this segment on a system of `page`-byte pages: its name
    /// carries the segment's key (or the segment was removed, when any key may), and it is
    /// no longer than the segment rounded up to the page it is mapped with.
    pub fn admits(&self, key: Key, length: u64, hugetlb: bool, page: u64) -> bool {
        let granule = if hugetlb {
            LARGEST_HUGE_PAGE
        } else {
            page.max(1)
        };
        let key_matches = key == self.key || (self.removed && self.key.is_private());
        key_matches && length <= self.size.div_ceil(granule).saturating_mul(granule)
    }
}

/// Parse one maps line; `None` for anything that is not a System V mapping.
pub fn parse_line(line: &str) -> Option<SysvMapping> {
    let mut fields = line.split_ascii_whitespace();
    let range = fields.next()?;
    let perms = fields.next()?;
    let _offset = fields.next()?;
    let device = fields.next()?;
    let inode = fields.next()?;
    let name = fields.next()?;
    let hex = name.strip_prefix("/SYSV")?;
    if hex.len() != 8 {
        return None;
    }
    let key = u32::from_str_radix(hex, 16).ok()?;
    let shmid: i32 = inode.parse().ok()?;
    let (start, end) = range.split_once('-')?;
    let start = u64::from_str_radix(start, 16).ok()?;
    let end = u64::from_str_radix(end, 16).ok()?;
    Some(SysvMapping {
        shmid: ShmId(shmid),
        key: Key(key),
        writable: perms.as_bytes().get(1) == Some(&b'w'),
        device: device.to_string(),
        start,
        length: end.saturating_sub(start),
    })
}

/// Every System V mapping in a maps file; lines that are not are skipped, never fatal.
pub fn parse<R: BufRead>(reader: R) -> Vec<SysvMapping> {
    let mut out = Vec::new();
    for line in reader.split(b'\n') {
        let Ok(line) = line else { break };
        // Cheap test first: most lines of most processes are not System V mappings.
        if line.windows(5).any(|w| w == b"/SYSV")
            && let Some(m) = parse_line(&String::from_utf8_lossy(&line))
        {
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_is_a_segments_only_with_its_key_and_no_longer_than_it() {
        let s = Identity {
            key: Key(0x1234),
            removed: false,
            size: 4176,
            nattch: 1,
        };
        assert!(s.admits(Key(0x1234), 8192, false, 4096));
        assert!(!s.admits(Key(0x1235), 8192, false, 4096), "another key");
        assert!(!s.admits(Key(0x1234), 12288, false, 4096), "longer than it");
        assert!(s.admits(Key(0x1234), 2 << 20, true, 4096), "a huge page");
        let removed = Identity {
            key: Key(0),
            removed: true,
            ..s
        };
        assert!(
            removed.admits(Key(0x1234), 8192, false, 4096),
            "removed: key reads 0"
        );
        let private = Identity { key: Key(0), ..s };
        assert!(!private.admits(Key(0x1234), 8192, false, 4096));
    }

    #[test]
    fn real_lines() {
        let text = "\
55d0c1a00000-55d0c1a02000 r--p 00000000 fd:01 1234567                    /usr/bin/sleep
7fba6d36d000-7fba6d36f000 r--s 00000000 00:01 0                          /SYSV00001234 (deleted)
7fba6d370000-7fba6d372000 rw-s 00000000 00:01 32769                      /SYSV81000001 (deleted)
7fba6d400000-7fba6d600000 rw-s 00000000 00:0f 5                          /SYSV00000000 (deleted)
7fff0000-7fff1000 rw-p 00000000 00:00 0                                  [stack]
garbage /SYSV
7fba-7fbb rw-s 0 00:01 x /SYSV00001234
";
        let maps = parse(text.as_bytes());
        assert_eq!(maps.len(), 3);
        assert_eq!(maps[0].shmid, ShmId(0));
        assert_eq!(maps[0].key, Key(0x1234));
        assert!(!maps[0].writable);
        assert_eq!(maps[0].length, 8192);
        assert_eq!(maps[0].start, 0x7fba_6d36_d000);
        assert_eq!(maps[1].shmid, ShmId(32769));
        assert_eq!(maps[1].key, Key(0x8100_0001));
        assert!(maps[1].writable);
        assert_eq!(maps[2].device, "00:0f");
        assert_eq!(maps[2].length, 2 << 20);
    }
}
