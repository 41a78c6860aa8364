//! The namespace's shared-memory limits (IPC_INFO) and what is in use (SHM_INFO).

use crate::error::{Error, Result};
use crate::model::LimitsReport;
use crate::proc::sysctl;
use crate::sys::shm;

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
