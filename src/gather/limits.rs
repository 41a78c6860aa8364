//! The namespace's shared-memory limits (IPC_INFO) and what is in use (SHM_INFO).

use super::listing::{self, Query};
use crate::error::{Error, Result};
use crate::model::LimitsReport;
use crate::proc::sysctl;
use crate::sys::shm;

pub fn gather() -> Result<LimitsReport> {
    let limits = shm::limits().map_err(|e| Error::other(format!("cannot read limits: {e}")))?;
    let usage = shm::usage().map_err(|e| Error::other(format!("cannot read usage: {e}")))?;
    let page_size = shm::page_size();
    // SHM_INFO counts each huge page of a hugetlb segment many times over, as /proc does
    // for each segment: take off what the listing corrected.
    let overcount: u64 = listing::gather(&Query {
        pids: true,
        ..Query::default()
    })
    .map(|l| {
        l.segments
            .iter()
            .filter_map(|s| Some(s.kernel_rss?.saturating_sub(s.rss?)))
            .sum()
    })
    .unwrap_or(0);
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
