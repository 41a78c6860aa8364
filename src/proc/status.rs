//! `/proc/self/status`: the capabilities this process holds.

/// `CAP_SYS_ADMIN`: may change and remove any IPC object of its namespace.
pub const CAP_SYS_ADMIN: u32 = 21;

/// The effective capability set (`CapEff:`, hex) of a status file's text.
pub fn effective_caps(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
}

/// Whether this process holds capability `cap` (false when its status cannot be read).
pub fn has_capability(cap: u32) -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .as_deref()
        .and_then(effective_caps)
        .is_some_and(|caps| caps & (1 << cap) != 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn effective_capabilities() {
        let text = "Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\nCapBnd:\t0\n";
        assert_eq!(super::effective_caps(text), Some(0x1ff_ffff_ffff));
        assert_eq!(
            super::effective_caps("CapEff:\t0000000000000000\n"),
            Some(0)
        );
        assert_eq!(super::effective_caps("nothing"), None);
    }
}
