//! `info`: one segment in full, its holders, and what could not be looked at.

use super::cell::printable;
use super::table::{Grid, write_pairs};
use super::{Render, View, plural};
use crate::model::header::HeaderRead;
use crate::model::{Holder, Liveness, SegmentInfo, Unreadable};
use crate::units;
use std::io::{self, Write};

/// Say which processes could not be looked at, and what would help.
pub fn unreadable_note(u: &Unreadable) -> String {
    let shown: Vec<String> = u.pids.iter().take(5).map(|p| p.to_string()).collect();
    let more = if u.pids.len() > 5 { ", ..." } else { "" };
    let hint = if u.as_root {
        "not even root may read them (another user namespace, or a protected process)"
    } else {
        "run as root to see every holder"
    };
    format!(
        "The maps of {} could not be read (pid {}{more}): {hint}.",
        plural(u.pids.len() as u64, "process", "processes"),
        shown.join(", ")
    )
}

/// `1234 (running)`; a pid of 0 (none) as `0`.
fn pid_and_state(pid: i32, state: Option<Liveness>) -> String {
    match state {
        Some(s) if pid > 0 => format!("{pid} ({})", s.name()),
        _ => pid.to_string(),
    }
}

/// The holders as a table: pid, command, user, attachments, access.
pub fn holders_grid(holders: &[Holder]) -> Grid {
    Grid {
        headings: ["PID", "COMMAND", "USER", "ATTACHMENTS", "ACCESS"]
            .map(String::from)
            .to_vec(),
        right: vec![true, false, false, true, false],
        rows: holders
            .iter()
            .map(|h| {
                vec![
                    h.pid.to_string(),
                    h.comm.clone(),
                    h.user.clone(),
                    h.attachments.to_string(),
                    format!("{}{}", h.access(), if h.hugetlb { ", hugetlb" } else { "" }),
                ]
            })
            .collect(),
    }
}

impl Render for SegmentInfo {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let s = &self.segment;
        let status = if s.status.is_empty() {
            "-".to_string()
        } else {
            s.status.join(", ")
        };
        let key = if self.key_from_maps {
            format!(
                "{} ({}; removed: /proc shows 0, the holders' mappings keep this key)",
                s.key, s.key.0
            )
        } else if s.key.is_private() {
            format!("{} (IPC_PRIVATE, or removed)", s.key)
        } else {
            format!("{} ({})", s.key, s.key.0)
        };
        let bytes = |v: Option<u64>| {
            v.map_or("-".into(), |v| {
                format!(
                    "{} ({})",
                    units::human_size(v),
                    units::bytes_text(u128::from(v))
                )
            })
        };
        let page = if s.is_hugetlb() {
            format!(
                "{} of {}",
                plural(self.pages, "huge page", "huge pages"),
                units::human_size(self.page_size)
            )
        } else {
            format!(
                "{} of {} bytes",
                plural(self.pages, "page", "pages"),
                self.page_size
            )
        };
        let name = |name: &Option<String>, id: u32| name.clone().unwrap_or_else(|| id.to_string());
        let rss = match (s.rss, s.kernel_rss) {
            (Some(rss), Some(kernel)) if rss != kernel && rss > 0 => format!(
                "{}; /proc/sysvipc/shm says {}, counting each huge page {} times over",
                bytes(Some(rss)),
                units::human_size(kernel),
                kernel / rss
            ),
            (rss, _) => bytes(rss),
        };
        let named = match &s.app {
            Some(Some(app)) => app.text(),
            _ => "-".to_string(),
        };
        let app = match self.header_read {
            Some(read @ HeaderRead::Attach) => format!("{named} ({})", read.describe()),
            _ if self.needs_permission.contains(&"app") => format!(
                "{named} (its header needs read permission, or CAP_SYS_ADMIN to read it through a process that maps it)"
            ),
            _ => named,
        };
        let seq = match self.seq {
            Some(seq) => seq.to_string(),
            None => "- (needs read permission: IPC_STAT)".to_string(),
        };
        let pairs = [
            ("shmid", s.shmid.to_string()),
            ("key", key),
            (
                "size",
                format!(
                    "{} ({}, {page})",
                    units::human_size(s.size),
                    units::bytes_text(u128::from(s.size))
                ),
            ),
            (
                "perms",
                format!("{} ({})", s.perms, units::mode_string(s.mode & 0o777)),
            ),
            ("status", status),
            (
                "owner",
                format!(
                    "{} (uid {}), group {} (gid {})",
                    s.owner,
                    s.uid,
                    name(&s.group, s.gid),
                    s.gid
                ),
            ),
            (
                "creator",
                format!(
                    "{} (uid {}), group {} (gid {})",
                    name(&s.cuser, s.cuid),
                    s.cuid,
                    name(&s.cgroup, s.cgid),
                    s.cgid
                ),
            ),
            (
                "command",
                s.command.as_deref().map_or("-".into(), printable),
            ),
            ("app", printable(&app)),
            ("nattch", s.nattch.to_string()),
            ("cpid", pid_and_state(s.cpid, self.cpid_state)),
            ("lpid", pid_and_state(s.lpid, self.lpid_state)),
            ("attached", units::local_time(s.atime)),
            ("detached", units::local_time(s.dtime)),
            ("changed", units::local_time(s.ctime)),
            ("rss", rss),
            ("swap", bytes(s.swap)),
            ("seq", seq),
        ];
        write_pairs(out, &pairs)?;
        if !self.needs_permission.is_empty() {
            writeln!(
                out,
                "\nuid {} may not read this segment (perms {}, owner {}): {} unknown. Every other figure is /proc/sysvipc/shm's, which every user may read.",
                self.viewer_uid,
                s.perms,
                printable(&s.owner),
                self.needs_permission.join(" and ")
            )?;
        }
        let holders = s.attached.as_deref().unwrap_or_default();
        if !holders.is_empty() {
            writeln!(out)?;
            holders_grid(holders).write_table(out, view.width)?;
        }
        if !self.unreadable.is_empty() {
            writeln!(out, "\n{}", unreadable_note(&self.unreadable))?;
        }
        if s.is_dest() {
            writeln!(
                out,
                "\nMarked for destruction: freed when its last attachment is detached ({} left).",
                s.nattch
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{NOW, holder, segment};
    use crate::render::{Format, to_string};

    fn info() -> SegmentInfo {
        let mut s = segment(5, 0, 4096);
        s.key = crate::sys::shm::Key(0x1234);
        s.key_hex = s.key.to_string();
        s.status = vec!["dest"];
        s.nattch = 1;
        s.lpid = 0;
        s.set_holders(vec![holder(42, "app", 2, true)]);
        SegmentInfo {
            segment: s,
            seq: Some(3),
            cpid_state: Some(Liveness::Running),
            lpid_state: None,
            pages: 1,
            page_size: 4096,
            header_read: None,
            needs_permission: Vec::new(),
            viewer_uid: 0,
            unreadable_processes: 1,
            unreadable: Unreadable {
                pids: vec![1],
                as_root: true,
                ..Default::default()
            },
            key_from_maps: true,
        }
    }

    #[test]
    fn every_line_of_info() {
        let text = to_string(Format::Table, &info(), &View::at(NOW));
        for line in [
            "shmid     5",
            "key       0x00001234 (4660; removed: /proc shows 0, the holders' mappings keep this key)",
            "size      4 KiB (4096 bytes, 1 page of 4096 bytes)",
            "perms     600 (rw-------)",
            "status    dest",
            "owner     root (uid 0), group root (gid 0)",
            "creator   root (uid 0), group root (gid 0)",
            "command   -",
            "app       -",
            "cpid      100 (running)",
            "lpid      0",
            "seq       3",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
        }
        assert!(
            text.contains("42  app      root            2  read-only"),
            "{text}"
        );
        assert!(text.contains("The maps of 1 process could not be read (pid 1): not even root"));
        assert!(
            text.ends_with("freed when its last attachment is detached (1 left).\n"),
            "{text}"
        );
    }

    #[test]
    fn page_counts_say_one_byte_and_huge_pages() {
        let mut i = info();
        i.segment.size = 1;
        let text = to_string(Format::Table, &i, &View::at(NOW));
        assert!(
            text.contains("size      1 B (1 byte, 1 page of 4096 bytes)"),
            "{text}"
        );
        i.segment.size = 2 << 20;
        i.segment.status = vec!["hugetlb"];
        i.page_size = 2 << 20;
        i.segment.rss = Some(2 << 20);
        i.segment.kernel_rss = Some(1 << 30);
        let text = to_string(Format::Table, &i, &View::at(NOW));
        assert!(
            text.contains("size      2 MiB (2097152 bytes, 1 huge page of 2 MiB)"),
            "{text}"
        );
        assert!(
            text.contains(
                "rss       2 MiB (2097152 bytes); /proc/sysvipc/shm says 1 GiB, counting each huge page 512 times over"
            ),
            "{text}"
        );
    }

    #[test]
    fn without_read_permission_info_says_what_it_could_not_read() {
        let mut i = info();
        i.seq = None;
        i.needs_permission = vec!["seq", "app"];
        i.viewer_uid = 65534;
        i.segment.command = Some("evil\u{1b}[2J".into());
        let text = to_string(Format::Table, &i, &View::at(NOW));
        assert!(
            text.contains("seq       - (needs read permission: IPC_STAT)"),
            "{text}"
        );
        assert!(
            text.contains("app       - (its header needs read permission"),
            "{text}"
        );
        assert!(text.contains("command   evil\\x1b[2J"), "{text}");
        assert!(
            text.contains(
                "uid 65534 may not read this segment (perms 600, owner root): seq and app unknown."
            ),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &i, &View::at(NOW))).unwrap();
        assert_eq!(json["seq"], serde_json::Value::Null);
        assert_eq!(json["needs_permission"], serde_json::json!(["seq", "app"]));
    }

    #[test]
    fn json_flattens_the_segment_and_keeps_the_counts() {
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &info(), &View::at(NOW))).unwrap();
        assert_eq!(json["shmid"], 5);
        assert_eq!(json["unreadable_processes"], 1);
        assert_eq!(json["key_from_maps"], true);
        assert!(json.get("unreadable").is_none());
    }

    #[test]
    fn the_hint_depends_on_who_looked() {
        let u = Unreadable {
            pids: (1..=7).collect(),
            as_root: false,
            ..Default::default()
        };
        assert_eq!(
            unreadable_note(&u),
            "The maps of 7 processes could not be read (pid 1, 2, 3, 4, 5, ...): run as root to see every holder."
        );
    }
}
