//! `info ID`: everything known about one segment.

use crate::error::{Error, Result, Status};
use crate::ids::SegmentRef;
use crate::model::{self, Segment};
use crate::proc::processes;
use crate::render::{json, table::write_pairs};
use crate::sys::shm::{self, ShmId};
use crate::units;
use crate::users::Names;
use serde::Serialize;
use std::io::Write;

/// `info --json`: the `ls --json` object plus what only IPC_STAT and the page size tell.
#[derive(Debug, Serialize)]
pub struct SegmentInfo {
    #[serde(flatten)]
    pub segment: Segment,
    /// The IPC slot sequence number (IPC_STAT's `__seq`).
    pub seq: u16,
    /// The size rounded up to whole pages, as the kernel allocates it.
    pub pages: u64,
    pub page_size: u64,
    /// Processes whose maps could not be read (permission), so `attached` may miss some.
    pub unreadable_processes: usize,
    #[serde(skip)]
    pub unreadable_pids: Vec<i32>,
    /// The segment was removed (key 0 in /proc) and `key` is the one its holders'
    /// mappings still name.
    pub key_from_maps: bool,
}

/// Gather one segment from /proc and IPC_STAT (which needs read permission).
pub fn gather(id: ShmId) -> Result<SegmentInfo> {
    let table = super::read_segments()?;
    let record = super::find_record(&table, id)?;
    let stat = shm::stat(id).map_err(|e| {
        let mut err = Error::sys(format!("segment {id}"), e);
        if err.status == Status::PermissionDenied {
            err.message.push_str(&format!(
                "; IPC_STAT needs read permission (perms {:o}, owner uid {}); `shmctl-rs ls --key {}` shows what /proc tells every user",
                record.perms(),
                record.uid,
                record.key
            ));
        }
        err
    })?;
    let mut names = Names::default();
    let mut segment = Segment::from_record(record, &mut names);
    // IPC_STAT is the fresher of the two readings.
    segment.nattch = stat.nattch;
    segment.atime = (stat.atime != 0).then_some(stat.atime);
    segment.dtime = (stat.dtime != 0).then_some(stat.dtime);
    segment.ctime = (stat.ctime != 0).then_some(stat.ctime);
    segment.lpid = stat.lpid;
    let namespace = processes::current_namespace();
    let scan = processes::scan(namespace);
    let mut holders = model::holders(&scan, namespace, &mut names);
    // After IPC_RMID the key reads 0, but the mappings keep the name they were made with.
    let mut key_from_maps = false;
    if segment.key.is_private() {
        let named = scan
            .processes
            .iter()
            .flat_map(|p| &p.mappings)
            .find(|m| m.shmid == id && !m.key.is_private());
        if let Some(m) = named {
            segment.key = m.key;
            segment.key_hex = m.key.to_string();
            key_from_maps = true;
        }
    }
    segment.set_holders(holders.remove(&id.0).unwrap_or_default());
    let page_size = shm::page_size();
    Ok(SegmentInfo {
        pages: segment.size.div_ceil(page_size),
        segment,
        seq: stat.seq,
        page_size,
        unreadable_processes: scan.unreadable.len(),
        unreadable_pids: scan.unreadable.clone(),
        key_from_maps,
    })
}

fn process_alive(pid: i32) -> &'static str {
    if pid <= 0 {
        return "";
    }
    if processes::is_running(pid) {
        " (running)"
    } else {
        " (exited)"
    }
}

/// Say which processes could not be looked at, and what would help.
pub fn unreadable_note(pids: &[i32]) -> String {
    let shown: Vec<String> = pids.iter().take(5).map(|p| p.to_string()).collect();
    let more = if pids.len() > 5 { ", ..." } else { "" };
    let hint = if nix::unistd::geteuid().is_root() {
        "not even root may read them (another user namespace, or a protected process)"
    } else {
        "run as root to see every holder"
    };
    format!(
        "The maps of {} could not be read (pid {}{more}): {hint}.",
        super::plural(pids.len() as u64, "process", "processes"),
        shown.join(", ")
    )
}

pub fn render(info: &SegmentInfo, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &info.segment;
    let status = if s.status.is_empty() {
        "-".to_string()
    } else {
        s.status.join(", ")
    };
    let key = if info.key_from_maps {
        format!(
            "{} ({}; removed: /proc shows 0, the holders' mappings keep this key)",
            s.key, s.key.0
        )
    } else if s.key.is_private() {
        format!("{} (IPC_PRIVATE, or removed)", s.key)
    } else {
        format!("{} ({})", s.key, s.key.0)
    };
    let pairs = [
        ("shmid", s.shmid.to_string()),
        ("key", key),
        (
            "size",
            format!(
                "{} ({} bytes, {} of {} bytes)",
                units::human_size(s.size),
                s.size,
                super::plural(info.pages, "page", "pages"),
                info.page_size
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
                s.owner, s.uid, s.group, s.gid
            ),
        ),
        ("creator", format!("uid {}, gid {}", s.cuid, s.cgid)),
        ("nattch", s.nattch.to_string()),
        ("cpid", format!("{}{}", s.cpid, process_alive(s.cpid))),
        ("lpid", format!("{}{}", s.lpid, process_alive(s.lpid))),
        ("attached", units::local_time(s.atime)),
        ("detached", units::local_time(s.dtime)),
        ("changed", units::local_time(s.ctime)),
        (
            "rss",
            s.rss.map_or("-".into(), |v| {
                format!("{} ({v} bytes)", units::human_size(v))
            }),
        ),
        (
            "swap",
            s.swap.map_or("-".into(), |v| {
                format!("{} ({v} bytes)", units::human_size(v))
            }),
        ),
        ("seq", info.seq.to_string()),
    ];
    write_pairs(out, &pairs)?;
    let holders = s.attached.as_deref().unwrap_or_default();
    if !holders.is_empty() {
        writeln!(out)?;
        let grid = crate::render::table::Grid {
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
                        format!(
                            "{}{}",
                            if h.readonly {
                                "read-only"
                            } else {
                                "read-write"
                            },
                            if h.hugetlb { ", hugetlb" } else { "" }
                        ),
                    ]
                })
                .collect(),
        };
        grid.write_table(out)?;
    }
    if info.unreadable_processes > 0 {
        writeln!(out, "\n{}", unreadable_note(&info.unreadable_pids))?;
    }
    if s.is_dest() {
        writeln!(
            out,
            "\nMarked for destruction: freed when the last of {} detaches.",
            super::plural(s.nattch, "process", "processes")
        )?;
    }
    Ok(())
}

pub fn run(id: SegmentRef, as_json: bool, out: &mut dyn Write) -> Result<Status> {
    let info = gather(id.resolve()?)?;
    if as_json {
        json::write(out, &info)?;
    } else {
        render(&info, out)?;
    }
    Ok(Status::Ok)
}
