//! `/proc/PID/cmdline`: a process's arguments, NUL-separated.

use std::io::Read;

/// The arguments joined with spaces, as ps and lsipc show them (their NULs become
/// spaces, the final one dropped); `None` when there are none (a kernel thread, a
/// zombie).
pub fn parse(bytes: &[u8]) -> Option<String> {
    let trimmed = bytes.strip_suffix(b"\0").unwrap_or(bytes);
    if trimmed.is_empty() {
        return None;
    }
    let text: Vec<u8> = trimmed
        .iter()
        .map(|&b| if b == 0 { b' ' } else { b })
        .collect();
    Some(String::from_utf8_lossy(&text).into_owned())
}

/// The command line of `pid`, if it runs and has one (at most 64 KiB of it).
pub fn read(pid: i32) -> Option<String> {
    if pid <= 0 {
        return None;
    }
    let file = std::fs::File::open(format!("/proc/{pid}/cmdline")).ok()?;
    let mut bytes = Vec::new();
    file.take(64 * 1024).read_to_end(&mut bytes).ok()?;
    parse(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_become_one_line() {
        assert_eq!(
            parse(b"postgres\0-D\0/srv/pg data\0").as_deref(),
            Some("postgres -D /srv/pg data")
        );
        // A process that rewrote its arguments (PostgreSQL's backends do) has no NULs.
        assert_eq!(
            parse(b"postgres: checkpointer ").as_deref(),
            Some("postgres: checkpointer ")
        );
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"\0"), None);
        assert_eq!(parse(b"a\xff\0").as_deref(), Some("a\u{fffd}"));
    }

    #[test]
    fn this_process_has_a_command_line() {
        let mine = read(std::process::id() as i32).unwrap();
        assert!(!mine.is_empty());
        assert_eq!(read(0), None);
        assert_eq!(read(-1), None);
    }
}
