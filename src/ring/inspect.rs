//! Inspecting a ring for `status`: its state from /proc plus a live read-only attach. It
//! never calls a semaphore function: it only reads.

use super::{layout, open};
use crate::error::{Error, Result};
use crate::gather::{liveness, table};
use crate::model::Liveness;
use crate::model::ring::RingStatus;
use crate::model::ring::State;
use crate::sys::shm::{self, ShmId};
use crate::users::Names;

/// Read a ring's state once (a torn reading of a live ring is retaken; see
/// [`open::read_header`]).
pub fn gather(id: ShmId) -> Result<RingStatus> {
    let table = table::read()?;
    let record = table::find(&table, id)?;
    let what = format!("segment {id}");
    let attachment = shm::attach(id, true).map_err(|e| Error::sys(&what, e))?;
    let mut names = Names::default();
    let viewer = liveness::Viewer::this_process();
    let cpid_state = Some(liveness::creator(
        record.cpid,
        record.cuid,
        record.ctime,
        &viewer,
    ));
    let lpid_state = liveness::of(record.lpid, None, &viewer);
    let running = |s: Option<Liveness>| s == Some(Liveness::Running);
    let mut status = RingStatus {
        shmid: id,
        key: record.key,
        key_hex: record.key.to_string(),
        size: record.size,
        perms: format!("{:o}", record.perms()),
        owner: names.user(record.uid),
        nattch: record.nattch,
        cpid: record.cpid,
        cpid_alive: running(cpid_state),
        cpid_state,
        lpid: record.lpid,
        lpid_alive: running(lpid_state),
        lpid_state,
        atime: record.atime,
        dtime: record.dtime,
        ctime: record.ctime,
        capacity: layout::capacity_of(record.size as usize).unwrap_or(0),
        state: State::WrongSize,
        head: None,
        tail: None,
        count: None,
        free_slots: None,
        filled_slots: None,
        in_flight: None,
        producer_waiters: None,
        consumer_waiters: None,
        producer_pshared: None,
        consumer_pshared: None,
        fill_percent: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    if status.capacity == 0 {
        status.problems.push(open::wrong_size(attachment.len()));
        return Ok(status);
    }
    // Our own read-only attach counts in nattch; judge as if we were not here.
    let others = shm::stat(id).map(|s| s.nattch.saturating_sub(1)).ok();
    let (header, verdict) = open::read_header(&attachment, others)
        .ok_or_else(|| Error::other(format!("{what}: cannot read the header")))?;
    drop(attachment);
    status.state = verdict.state;
    status.problems = verdict.problems;
    status.warnings = verdict.warnings;
    status.producer_pshared = Some(header.producer.is_shared());
    status.consumer_pshared = Some(header.consumer.is_shared());
    status.producer_waiters = Some(header.producer.waiters);
    status.consumer_waiters = Some(header.consumer.waiters);
    status.head = Some(header.head);
    status.tail = Some(header.tail);
    status.count = Some(header.count);
    if verdict.state.joinable() {
        status.free_slots = Some(verdict.free);
        status.filled_slots = Some(verdict.filled);
        status.in_flight = Some(verdict.in_flight);
        status.fill_percent = Some(f64::from(verdict.filled) * 100.0 / status.capacity as f64);
    }
    Ok(status)
}
