//! `limits`: the namespace's shared-memory limits next to what is in use.

use crate::error::{Error, Result, Status};
use crate::model::size_text;
use crate::proc::sysctl;
use crate::render::{json, table::Grid};
use crate::sys::shm;
use serde::Serialize;
use std::io::Write;

/// `limits --json`. Byte totals saturate at 2^64 − 1 (SHMALL's default in bytes is larger).
#[derive(Debug, Serialize)]
pub struct LimitsReport {
    /// Largest segment, bytes (kernel.shmmax).
    pub shmmax: u64,
    /// Smallest segment, bytes.
    pub shmmin: u64,
    /// Most segments in this IPC namespace (kernel.shmmni).
    pub shmmni: u64,
    /// Most pages all segments may use together (kernel.shmall).
    pub shmall: u64,
    /// shmall × page_size.
    pub shmall_bytes: u64,
    pub page_size: u64,
    /// Segments in use.
    pub segments: u64,
    /// Pages allocated to segments.
    pub pages: u64,
    /// pages × page_size.
    pub bytes: u64,
    pub rss_pages: u64,
    pub swap_pages: u64,
    /// kernel.shm_rmid_forced: segments are removed when their last process exits.
    pub rmid_forced: Option<bool>,
}

pub fn gather() -> Result<LimitsReport> {
    let limits = shm::limits().map_err(|e| Error::other(format!("cannot read limits: {e}")))?;
    let usage = shm::usage().map_err(|e| Error::other(format!("cannot read usage: {e}")))?;
    let page_size = shm::page_size();
    Ok(LimitsReport {
        shmmax: limits.shmmax,
        shmmin: limits.shmmin,
        shmmni: limits.shmmni,
        shmall: limits.shmall,
        shmall_bytes: limits.shmall.saturating_mul(page_size),
        page_size,
        segments: usage.segments,
        pages: usage.pages,
        bytes: usage.pages.saturating_mul(page_size),
        rss_pages: usage.rss_pages,
        swap_pages: usage.swap_pages,
        rmid_forced: sysctl::read_u64(sysctl::RMID_FORCED).map(|v| v != 0),
    })
}

fn percent(used: u64, limit: u64) -> String {
    if limit == 0 {
        return String::new();
    }
    let p = used as f64 * 100.0 / limit as f64;
    if p > 0.0 && p < 0.1 {
        " (<0.1%)".to_string()
    } else {
        format!(" ({p:.1}%)")
    }
}

pub fn grid(r: &LimitsReport, bytes: bool) -> Grid {
    let sized = |v: u64| {
        if bytes || v < 1024 {
            format!("{v} {}", if v == 1 { "byte" } else { "bytes" })
        } else {
            format!("{} ({v} bytes)", size_text(v, false))
        }
    };
    let rows = vec![
        vec![
            "SHMMAX".into(),
            "largest segment".into(),
            sized(r.shmmax),
            String::new(),
        ],
        vec![
            "SHMMIN".into(),
            "smallest segment".into(),
            sized(r.shmmin),
            String::new(),
        ],
        vec![
            "SHMMNI".into(),
            "segments".into(),
            r.shmmni.to_string(),
            format!("{}{}", r.segments, percent(r.segments, r.shmmni)),
        ],
        vec![
            "SHMALL".into(),
            "pages in all segments".into(),
            format!(
                "{} × {} = {}",
                r.shmall,
                r.page_size,
                size_text(r.shmall_bytes, bytes)
            ),
            format!(
                "{} pages = {}{}",
                r.pages,
                size_text(r.bytes, bytes),
                percent(r.pages, r.shmall)
            ),
        ],
        vec![
            "resident".into(),
            "pages in memory".into(),
            String::new(),
            format!(
                "{} pages = {}",
                r.rss_pages,
                size_text(r.rss_pages.saturating_mul(r.page_size), bytes)
            ),
        ],
        vec![
            "swapped".into(),
            "pages in swap".into(),
            String::new(),
            format!(
                "{} pages = {}",
                r.swap_pages,
                size_text(r.swap_pages.saturating_mul(r.page_size), bytes)
            ),
        ],
    ];
    Grid {
        headings: vec![
            "LIMIT".into(),
            "BOUNDS".into(),
            "VALUE".into(),
            "IN USE".into(),
        ],
        right: vec![false, false, false, false],
        rows,
    }
}

pub fn run(as_json: bool, bytes: bool, out: &mut dyn Write) -> Result<Status> {
    let report = gather()?;
    if as_json {
        json::write(out, &report)?;
    } else {
        grid(&report, bytes).write_table(out)?;
        if let Some(forced) = report.rmid_forced {
            writeln!(
                out,
                "\nkernel.shm_rmid_forced = {}: {}",
                u8::from(forced),
                if forced {
                    "segments are removed when no process has them attached"
                } else {
                    "segments outlive the processes that made them until removed"
                }
            )?;
        }
    }
    Ok(Status::Ok)
}
