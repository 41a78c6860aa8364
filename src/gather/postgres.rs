//! A PostgreSQL server's main System V segment, told by its header, and the data
//! directory and `postmaster.pid` that confirm it.
//!
//! PostgreSQL (src/include/storage/pg_shmem.h) begins the segment with a `PGShmemHeader`;
//! on x86-64 Linux: `int32 magic` (679834894) at 0, `pid_t creatorPID` at 4, `Size
//! totalsize` at 8 (the segment's size), `Size freeoffset` at 16, `dsm_handle
//! dsm_control` at 24, a pointer at 32, `dev_t device` at 40 and `ino_t inode` at 48
//! (the data directory's, from stat). `postmaster.pid` in the data directory names the
//! postmaster's pid on its first line and the segment's key and shmid on its seventh.

/// `PGShmemMagic`.
pub const MAGIC: i32 = 679_834_894;
/// `sizeof(PGShmemHeader)` on 64-bit Linux.
pub const HEADER_SIZE: usize = 56;

/// The fields of a `PGShmemHeader` that say whose a segment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub creator_pid: i32,
    pub total_size: u64,
    pub device: u64,
    pub inode: u64,
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_ne_bytes(w)
}

fn i32_at(b: &[u8], at: usize) -> i32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    i32::from_ne_bytes(w)
}

/// Decode a header: `None` unless the bytes carry the magic and the size of the
/// segment they came from (`segment_size`).
pub fn decode(bytes: &[u8], segment_size: u64) -> Option<Header> {
    if bytes.len() < HEADER_SIZE || i32_at(bytes, 0) != MAGIC {
        return None;
    }
    let header = Header {
        creator_pid: i32_at(bytes, 4),
        total_size: u64_at(bytes, 8),
        device: u64_at(bytes, 40),
        inode: u64_at(bytes, 48),
    };
    (header.total_size == segment_size && header.creator_pid > 0).then_some(header)
}

/// What `postmaster.pid` says about the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PidFile {
    pub pid: i32,
    pub data_directory: String,
    /// The segment's key and shmid (line 7, `%9lu %9lu`).
    pub key: Option<u32>,
    pub shmid: Option<i32>,
}

/// Parse `postmaster.pid`; `None` when its first line is no pid.
pub fn parse_pid_file(text: &str) -> Option<PidFile> {
    let lines: Vec<&str> = text.lines().collect();
    let pid = lines.first()?.trim().parse().ok()?;
    let mut ids = lines
        .get(6)
        .map(|l| l.split_whitespace())
        .into_iter()
        .flatten();
    // The key is a key_t printed as unsigned long: a negative key comes out sign-extended.
    let key = ids
        .next()
        .and_then(|k| k.parse::<u64>().ok())
        .map(|k| k as u32);
    let shmid = ids.next().and_then(|s| s.parse().ok());
    Some(PidFile {
        pid,
        data_directory: lines.get(1).map_or(String::new(), |d| d.to_string()),
        key,
        shmid,
    })
}

/// `major:minor` of a `dev_t` as stat gives it.
pub fn device_text(dev: u64) -> String {
    format!(
        "{}:{}",
        nix::sys::stat::major(dev),
        nix::sys::stat::minor(dev)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_bytes(magic: i32, pid: i32, size: u64, dev: u64, ino: u64) -> Vec<u8> {
        let mut b = vec![0u8; 64];
        b[0..4].copy_from_slice(&magic.to_ne_bytes());
        b[4..8].copy_from_slice(&pid.to_ne_bytes());
        b[8..16].copy_from_slice(&size.to_ne_bytes());
        b[40..48].copy_from_slice(&dev.to_ne_bytes());
        b[48..56].copy_from_slice(&ino.to_ne_bytes());
        b
    }

    #[test]
    fn the_header_must_carry_the_magic_and_the_segment_size() {
        let b = header_bytes(MAGIC, 4242, 4_194_304, 0xfe01, 1_337);
        assert_eq!(
            decode(&b, 4_194_304),
            Some(Header {
                creator_pid: 4242,
                total_size: 4_194_304,
                device: 0xfe01,
                inode: 1_337
            })
        );
        assert_eq!(decode(&b, 4096), None, "another segment's size");
        assert_eq!(decode(&header_bytes(MAGIC + 1, 1, 64, 0, 0), 64), None);
        assert_eq!(decode(&header_bytes(MAGIC, 0, 64, 0, 0), 64), None);
        assert_eq!(decode(&b[..55], 4_194_304), None);
        assert_eq!(device_text(nix::sys::stat::makedev(254, 1)), "254:1");
    }

    #[test]
    fn postmaster_pid_files() {
        let text = "4242\n/srv/pg/data\n1795750153\n5432\n/tmp\n\n  5325097   3\nready   \n";
        assert_eq!(
            parse_pid_file(text),
            Some(PidFile {
                pid: 4242,
                data_directory: "/srv/pg/data".into(),
                key: Some(5_325_097),
                shmid: Some(3)
            })
        );
        // A negative key_t, as %lu prints it.
        let text = "1\n/d\n0\n0\n\n\n18446744071562067968         0\n";
        assert_eq!(parse_pid_file(text).unwrap().key, Some(0x8000_0000));
        // Still starting: no line 7 yet.
        assert_eq!(parse_pid_file("7\n/d\n").unwrap().shmid, None);
        assert_eq!(parse_pid_file("not a pid\n"), None);
        assert_eq!(parse_pid_file(""), None);
    }
}
