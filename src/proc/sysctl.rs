//! The shared-memory sysctls under `/proc/sys/kernel` (per IPC namespace).

use std::path::Path;

pub const RMID_FORCED: &str = "/proc/sys/kernel/shm_rmid_forced";

/// Parse a sysctl's text as an unsigned 64-bit number (the kernel's defaults are near 2^64).
pub fn parse_u64(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

pub fn read_u64(path: impl AsRef<Path>) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()
        .as_deref()
        .and_then(parse_u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn kernel_defaults_do_not_overflow() {
        assert_eq!(
            super::parse_u64("18446744073709551612\n"),
            Some(18_446_744_073_709_551_612)
        );
        assert_eq!(super::parse_u64("4096\n"), Some(4096));
        assert_eq!(super::parse_u64("x"), None);
    }
}
