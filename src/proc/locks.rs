//! The record locks a process holds, as `/proc/PID/fdinfo/FD` lists them:
//! `lock:\t1: OFDLCK ADVISORY  WRITE -1 00:06:3 12345 12345`
//! (number, kind, advisory or mandatory, access, pid (-1 for open-file-description locks),
//! major:minor:inode of the file, first and last byte).

/// One lock line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordLock {
    /// `POSIX`, `FLOCK`, `OFDLCK`, `LEASE`, …
    pub kind: String,
    pub write: bool,
    pub device: (u32, u32),
    pub inode: u64,
    pub start: u64,
    /// `None` for a lock to the end of the file (`EOF`).
    pub end: Option<u64>,
}

/// Parse one `lock:` line of an fdinfo file; `None` for any other line.
pub fn parse_line(line: &str) -> Option<RecordLock> {
    let rest = line.strip_prefix("lock:")?;
    let mut f = rest.split_whitespace();
    let _number = f.next()?;
    let kind = f.next()?.to_string();
    // FLOCK and POSIX locks may carry a `->` marker for a blocked waiter; skip them.
    let mut next = f.next()?;
    if next == "->" {
        return None;
    }
    if next == "ADVISORY" || next == "MANDATORY" {
        next = f.next()?;
    }
    let write = match next {
        "WRITE" => true,
        "READ" => false,
        _ => return None,
    };
    let _pid = f.next()?;
    let mut id = f.next()?.split(':');
    let major = u32::from_str_radix(id.next()?, 16).ok()?;
    let minor = u32::from_str_radix(id.next()?, 16).ok()?;
    let inode = id.next()?.parse().ok()?;
    let start = f.next()?.parse().ok()?;
    let end = match f.next()? {
        "EOF" => None,
        n => Some(n.parse().ok()?),
    };
    Some(RecordLock {
        kind,
        write,
        device: (major, minor),
        inode,
        start,
        end,
    })
}

/// Every lock line of an fdinfo file.
pub fn parse(text: &str) -> Vec<RecordLock> {
    text.lines().filter_map(parse_line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_lines_as_the_kernel_prints_them() {
        let text = "pos:\t0\nflags:\t0100001\nmnt_id:\t25\nino:\t3\n\
            lock:\t1: OFDLCK ADVISORY  WRITE -1 00:06:3 12345678901 12345678901\n\
            lock:\t2: POSIX  ADVISORY  READ 4242 fd:01:1234 0 EOF\n\
            lock:\t3: FLOCK  ADVISORY  WRITE 77 00:1b:9 0 EOF\n\
            lock:\t3: -> FLOCK  ADVISORY  WRITE 78 00:1b:9 0 EOF\n\
            lock: garbage\n";
        let locks = parse(text);
        assert_eq!(locks.len(), 3, "{locks:?}");
        assert_eq!(
            locks[0],
            RecordLock {
                kind: "OFDLCK".into(),
                write: true,
                device: (0, 6),
                inode: 3,
                start: 12_345_678_901,
                end: Some(12_345_678_901),
            }
        );
        assert_eq!(locks[1].device, (0xfd, 1));
        assert!(!locks[1].write);
        assert_eq!(locks[1].end, None);
        assert_eq!(locks[2].kind, "FLOCK");
    }
}
