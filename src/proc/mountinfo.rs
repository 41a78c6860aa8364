//! `/proc/self/mountinfo`: how /proc itself is mounted (`hidepid=` hides other users'
//! processes from this one).

/// How a proc mount limits what others see of processes (`hidepid=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HidePid {
    /// Everybody sees every process (`hidepid=0`, the default).
    Off,
    /// Others' /proc/PID entries are there but cannot be read (`hidepid=1`, `noaccess`).
    NoAccess,
    /// Others' processes are not there at all (`hidepid=2`, `invisible`, `ptraceable`).
    Invisible,
}

/// The `hidepid=` of the proc filesystem mounted at `/proc`, from mountinfo text.
pub fn proc_hidepid(mountinfo: &str) -> HidePid {
    // `36 25 0:22 / /proc rw,nosuid - proc proc rw,hidepid=invisible`: the mount point is
    // field 5; the options of the filesystem follow the type and source after ` - `.
    let mut found = HidePid::Off;
    for line in mountinfo.lines() {
        let Some((before, after)) = line.split_once(" - ") else {
            continue;
        };
        if before.split_whitespace().nth(4) != Some("/proc") {
            continue;
        }
        let mut fs = after.split_whitespace();
        if fs.next() != Some("proc") {
            continue;
        }
        let options = fs.nth(1).unwrap_or_default();
        // A later mount on /proc hides the earlier ones.
        found = HidePid::Off;
        for option in options.split(',') {
            found = match option.strip_prefix("hidepid=") {
                Some("1" | "noaccess") => HidePid::NoAccess,
                Some("2" | "invisible" | "ptraceable") => HidePid::Invisible,
                _ => continue,
            };
        }
    }
    found
}

/// The `hidepid=` of this process's /proc.
pub fn read_proc_hidepid() -> HidePid {
    std::fs::read_to_string("/proc/self/mountinfo")
        .map(|text| proc_hidepid(&text))
        .unwrap_or(HidePid::Off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidepid_from_the_proc_mount_only() {
        let plain = "22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n\
                     25 28 0:23 / /dev/shm rw - tmpfs tmpfs rw,hidepid=2\n";
        assert_eq!(proc_hidepid(plain), HidePid::Off);
        let hidden =
            format!("{plain}99 28 0:60 / /proc rw,relatime - proc proc rw,hidepid=invisible\n");
        assert_eq!(proc_hidepid(&hidden), HidePid::Invisible);
        let numeric = "1 2 0:5 / /proc rw - proc none rw,gid=4,hidepid=2\n";
        assert_eq!(proc_hidepid(numeric), HidePid::Invisible);
        assert_eq!(
            proc_hidepid("1 2 0:5 / /proc rw - proc proc rw,hidepid=1\n"),
            HidePid::NoAccess
        );
        assert_eq!(proc_hidepid("garbage\n\n - \n"), HidePid::Off);
    }
}
