//! `info ID`: everything known about one segment.

use crate::error::{Error, Result, Status};
use crate::ids::SegmentRef;
use crate::model::Segment;
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
    let page_size = shm::page_size();
    Ok(SegmentInfo {
        pages: segment.size.div_ceil(page_size),
        segment,
        seq: stat.seq,
        page_size,
    })
}

fn process_alive(pid: i32) -> &'static str {
    if pid <= 0 {
        return "";
    }
    if std::path::Path::new(&format!("/proc/{pid}")).exists() {
        " (running)"
    } else {
        " (exited)"
    }
}

pub fn render(info: &SegmentInfo, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &info.segment;
    let status = if s.status.is_empty() {
        "-".to_string()
    } else {
        s.status.join(", ")
    };
    let key = if s.key.is_private() {
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
