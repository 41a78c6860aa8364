//! The namespace's shared-memory limits (IPC_INFO) and what is in use (SHM_INFO).

use super::listing::{self, Query};
use crate::error::{Error, Result};
use crate::model::{LimitsReport, Segment};
use crate::proc::sysctl;
use crate::sys::shm;

pub fn gather() -> Result<LimitsReport> {
    // SHM_INFO counts each huge page of a hugetlb segment many times over, as /proc does
    // for each segment: take off what the listing corrected.
    let segments = listing::gather(&Query {
        pids: true,
        ..Query::default()
    })
    .map(|l| l.segments)
    .unwrap_or_default();
    of_listed(&segments)
}

/// The same, with the segments of this namespace the caller has just listed with their
/// holders (a live view's refresh), rather than listing them again.
pub fn of_listed<'a>(segments: impl IntoIterator<Item = &'a Segment>) -> Result<LimitsReport> {
    let limits = shm::limits().map_err(|e| Error::other(format!("cannot read limits: {e}")))?;
    let usage = shm::usage().map_err(|e| Error::other(format!("cannot read usage: {e}")))?;
    let page_size = shm::page_size();
    let overcount: u64 = segments
        .into_iter()
        .filter_map(|s| Some(s.kernel_rss?.saturating_sub(s.rss?)))
        .sum();
    Ok(LimitsReport {
        shmmax: limits.shmmax,
        shmmin: limits.shmmin,
        shmmni: limits.shmmni,
        shmall: limits.shmall,
        shmall_bytes: u128::from(limits.shmall) * u128::from(page_size),
        page_size,
        segments: usage.segments,
        pages: usage.pages,
        bytes: usage.pages.saturating_mul(page_size),
        rss_pages: usage.rss_pages.saturating_sub(overcount / page_size.max(1)),
        kernel_rss_pages: usage.rss_pages,
        swap_pages: usage.swap_pages,
        rmid_forced: sysctl::read_u64(sysctl::RMID_FORCED).map(|v| v != 0),
    })
}
