//! `/proc/sysvipc/shm`, parsed so that no line the kernel prints can break a listing.
//!
//! The kernel prints (ipc/shm.c, `sysvipc_shm_proc_show`):
//! `key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss swap`
//! with the key as a *signed* decimal, perms in octal including the SHM_DEST (01000) and
//! SHM_LOCKED (02000) bits, 32-bit uids and 64-bit sizes and times. Kernels before 2.6.31
//! print no rss and swap. The procfs crate's parser reads uids as u16 and perms as decimal,
//! and fails the whole listing on one bad line, so this module parses by itself.

use crate::sys::shm::{Key, SHM_DEST, SHM_LOCKED, ShmId};
use std::io::BufRead;

pub const PATH: &str = "/proc/sysvipc/shm";

/// One line of `/proc/sysvipc/shm`, as the kernel stated it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShmRecord {
    pub key: Key,
    pub shmid: ShmId,
    /// Permission bits plus status bits (SHM_DEST, SHM_LOCKED).
    pub mode: u32,
    pub size: u64,
    pub cpid: i32,
    pub lpid: i32,
    pub nattch: u64,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    /// Unix seconds; 0 (never) is kept as `None`.
    pub atime: Option<i64>,
    pub dtime: Option<i64>,
    pub ctime: Option<i64>,
    /// Bytes resident and swapped (absent on very old kernels).
    pub rss: Option<u64>,
    pub swap: Option<u64>,
}

impl ShmRecord {
    pub fn perms(&self) -> u32 {
        self.mode & 0o777
    }
    pub fn is_dest(&self) -> bool {
        self.mode & SHM_DEST != 0
    }
    pub fn is_locked(&self) -> bool {
        self.mode & SHM_LOCKED != 0
    }
}

/// A line that could not be parsed, kept so that it can be reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line_number: usize,
    pub reason: String,
}

/// Everything read from the file: the segments, and the lines that were not understood.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShmTable {
    pub records: Vec<ShmRecord>,
    pub bad_lines: Vec<BadLine>,
}

fn field<T: std::str::FromStr>(fields: &[&str], i: usize, name: &str) -> Result<T, String> {
    let text = fields
        .get(i)
        .ok_or_else(|| format!("missing field {name}"))?;
    text.parse()
        .map_err(|_| format!("field {name} '{text}' is not a valid number"))
}

fn time(fields: &[&str], i: usize, name: &str) -> Result<Option<i64>, String> {
    let t: i64 = field(fields, i, name)?;
    Ok((t != 0).then_some(t))
}

/// Parse one data line (not the heading).
pub fn parse_line(line: &str) -> Result<ShmRecord, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() != 14 && fields.len() != 16 {
        return Err(format!("expected 16 fields, found {}", fields.len()));
    }
    // The key is printed with %d; accept the unsigned form too, in case a kernel changes.
    let key_raw: i64 = field(&fields, 0, "key")?;
    if key_raw < i64::from(i32::MIN) || key_raw > i64::from(u32::MAX) {
        return Err(format!("field key '{}' is out of range", fields[0]));
    }
    let shmid: i32 = field(&fields, 1, "shmid")?;
    if shmid < 0 {
        return Err(format!("field shmid '{shmid}' is negative"));
    }
    let mode = u32::from_str_radix(fields[2], 8)
        .map_err(|_| format!("field perms '{}' is not octal", fields[2]))?;
    Ok(ShmRecord {
        key: Key(key_raw as u32),
        shmid: ShmId(shmid),
        mode,
        size: field(&fields, 3, "size")?,
        cpid: field(&fields, 4, "cpid")?,
        lpid: field(&fields, 5, "lpid")?,
        nattch: field(&fields, 6, "nattch")?,
        uid: field(&fields, 7, "uid")?,
        gid: field(&fields, 8, "gid")?,
        cuid: field(&fields, 9, "cuid")?,
        cgid: field(&fields, 10, "cgid")?,
        atime: time(&fields, 11, "atime")?,
        dtime: time(&fields, 12, "dtime")?,
        ctime: time(&fields, 13, "ctime")?,
        rss: fields
            .get(14)
            .map(|_| field(&fields, 14, "rss"))
            .transpose()?,
        swap: fields
            .get(15)
            .map(|_| field(&fields, 15, "swap"))
            .transpose()?,
    })
}

/// Parse the whole file; a line that does not parse is set aside, never fatal.
pub fn parse<R: BufRead>(reader: R) -> std::io::Result<ShmTable> {
    let mut table = ShmTable::default();
    for (index, line) in reader.split(b'\n').enumerate() {
        let bytes = line?;
        let text = String::from_utf8_lossy(&bytes);
        let trimmed = text.trim();
        if trimmed.is_empty() || (index == 0 && trimmed.starts_with("key")) {
            continue;
        }
        match parse_line(trimmed) {
            Ok(record) => table.records.push(record),
            Err(reason) => table.bad_lines.push(BadLine {
                line_number: index + 1,
                reason,
            }),
        }
    }
    Ok(table)
}

/// Read `/proc/sysvipc/shm`: the kernel shows the IPC namespace of the thread that opens it.
pub fn read() -> std::io::Result<ShmTable> {
    let file = std::fs::File::open(PATH)?;
    parse(std::io::BufReader::with_capacity(64 * 1024, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADING: &str = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n";

    #[test]
    fn negative_keys_octal_perms_and_big_uids() {
        let text = format!(
            "{HEADING}-2130706431          0   1640                  4096  2132     0      0 100000 100000     0     0          0          0 1795750094                     0                     0\n"
        );
        let table = parse(text.as_bytes()).unwrap();
        assert!(table.bad_lines.is_empty());
        let r = &table.records[0];
        assert_eq!(r.key, Key(0x8100_0001));
        assert_eq!(r.perms(), 0o640);
        assert!(r.is_dest());
        assert!(!r.is_locked());
        assert_eq!(r.uid, 100_000);
        assert_eq!(r.atime, None);
        assert_eq!(r.ctime, Some(1_795_750_094));
    }

    #[test]
    fn sixty_four_bit_sizes_and_old_kernels() {
        let line = "4660 32769 2600 18446744073709551615 1 2 3 4294967294 5 6 7 1 2 3";
        let r = parse_line(line).unwrap();
        assert_eq!(r.size, u64::MAX);
        assert_eq!(r.uid, 4_294_967_294);
        assert!(r.is_locked());
        assert_eq!(r.rss, None);
    }

    #[test]
    fn one_odd_line_never_breaks_the_listing() {
        let text = format!(
            "{HEADING}1 1 600 4096 1 1 0 0 0 0 0 0 0 0 0 0\ngarbage here\n\u{fffd}\u{fffd}\n2 2 600 4096 1 1 0 0 0 0 0 0 0 0 0 0\n1 1 999 4096 1 1 0 0 0 0 0 0 0 0 0 0\n"
        );
        let table = parse(text.as_bytes()).unwrap();
        assert_eq!(table.records.len(), 2);
        assert_eq!(table.bad_lines.len(), 3);
        assert_eq!(table.bad_lines[0].line_number, 3);
        assert!(table.bad_lines[2].reason.contains("octal"));
    }

    #[test]
    fn procfs_crate_parser_rejects_lines_the_kernel_prints() {
        // Why this module exists: procfs 0.18 reads uids as u16, so a container's segment
        // (uid 100000) fails the entire listing. If procfs is fixed, reconsider using it.
        use procfs::FromBufRead;
        let text = format!("{HEADING}1 1 600 4096 1 1 0 100000 0 0 0 0 0 0 0 0\n");
        assert!(procfs::SharedMemorySegments::from_buf_read(text.as_bytes()).is_err());
        assert_eq!(parse(text.as_bytes()).unwrap().records[0].uid, 100_000);
    }
}
