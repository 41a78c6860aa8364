//! What the kernel says about itself: its release, and the default huge page size.

use std::io::BufRead;

/// `6.18.44-fc-v1045` → `(6, 18)`.
pub fn parse_release(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().split(['.', '-']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The running kernel's release (`/proc/sys/kernel/osrelease`).
pub fn release() -> Option<(u32, u32)> {
    parse_release(&std::fs::read_to_string("/proc/sys/kernel/osrelease").ok()?)
}

/// `Hugepagesize:       2048 kB` in `/proc/meminfo`, in bytes.
pub fn parse_huge_page_size<R: BufRead>(reader: R) -> Option<u64> {
    reader.lines().map_while(Result::ok).find_map(|line| {
        let kib = line
            .strip_prefix("Hugepagesize:")?
            .trim()
            .strip_suffix("kB")?;
        kib.trim().parse::<u64>().ok()?.checked_mul(1024)
    })
}

/// The default huge page size, `None` on kernels without hugetlbfs.
pub fn huge_page_size() -> Option<u64> {
    let file = std::fs::File::open("/proc/meminfo").ok()?;
    parse_huge_page_size(std::io::BufReader::new(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_and_huge_pages() {
        assert_eq!(parse_release("6.18.44-fc-v1045\n"), Some((6, 18)));
        assert_eq!(parse_release("5.10.0-28-amd64"), Some((5, 10)));
        assert_eq!(parse_release("6.7"), Some((6, 7)));
        assert_eq!(parse_release("garbage"), None);
        let meminfo = "MemTotal: 100 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\nHugetlb: 0 kB\n";
        assert_eq!(parse_huge_page_size(meminfo.as_bytes()), Some(2 << 20));
        assert_eq!(parse_huge_page_size("MemTotal: 1 kB\n".as_bytes()), None);
        assert!(release().is_some());
    }
}
