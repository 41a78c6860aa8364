//! Inspecting a ring for `status`: its state from /proc plus a read of its header. It
//! never calls a semaphore function: it only reads.
//!
//! The header is read through `/proc/PID/map_files` of a process that maps the ring
//! when the caller may (CAP_SYS_ADMIN), which changes nothing; otherwise with one
//! read-only attach, held for as long as the command runs (`--watch` included), which
//! the kernel records as the ring's last attach (lpid, atime) and, when it ends, detach.

use super::peek::{self, Peek};
use super::{liveness, table};
use crate::error::{Error, Result};
use crate::model::Liveness;
use crate::model::ring::RingStatus;
use crate::model::ring::State;
use crate::proc::processes;
use crate::proc::sysvipc::ShmRecord;
use crate::ring::layout;
use crate::ring::open::{self, Words};
use crate::sys::shm::ShmId;
use crate::users::Names;
use std::time::Duration;

/// How long readings through a mapping's file are taken before an attach is tried.
const FILE_BUDGET: Duration = Duration::from_millis(20);

/// A ring being inspected, and the way its header is read.
pub struct Inspector {
    id: ShmId,
    peek: Peek,
    /// The ring's last pid before this command attached (when it did).
    lpid_before: Option<i32>,
}

impl Inspector {
    /// Find a way to read the ring's header: a holder's mapping, or an attach.
    pub fn open(id: ShmId) -> Result<Inspector> {
        let table = table::read()?;
        let record = table::find(&table, id)?;
        let namespace = processes::current_namespace();
        let windows = peek::windows_by_shmid(&processes::scan(namespace), namespace)
            .remove(&id.0)
            .unwrap_or_default();
        let windows = peek::trusted(&windows, &peek::identity_of_record(record));
        if let Some(peek) = Peek::through(&windows, record.size) {
            return Ok(Inspector {
                id,
                peek,
                lpid_before: None,
            });
        }
        Inspector::attach(id, record)
    }

    /// Read the header with a read-only attach of this process.
    fn attach(id: ShmId, record: &ShmRecord) -> Result<Inspector> {
        let swapped = record.swap.is_some_and(|b| b > 0);
        let peek = Peek::attach(id, swapped).map_err(|e| Error::sys(format!("segment {id}"), e))?;
        Ok(Inspector {
            id,
            peek,
            lpid_before: Some(record.lpid),
        })
    }

    /// Read the ring's state now (a torn reading of a live ring is retaken; see
    /// [`health::judge_live`]). Should the mapping's file stop answering, another way in
    /// is found.
    ///
    /// Through a mapping's file each word is a system call away from the next, and a ring
    /// in full flow moves by tens of items between them: a reading there that is not
    /// consistent is taken again with an attach, whose loads are nanoseconds apart (and
    /// the attach is kept, so that a `--watch` attaches once).
    pub fn gather(&mut self) -> Result<RingStatus> {
        if !self.peek.is_attached() && self.peek.read(0, 4).is_none() {
            *self = Inspector::open(self.id)?;
        }
        let status = self.read()?;
        if self.peek.is_attached() || status.state == State::Consistent || status.capacity == 0 {
            return Ok(status);
        }
        let table = table::read()?;
        *self = Inspector::attach(self.id, table::find(&table, self.id)?)?;
        self.read()
    }

    fn read(&self) -> Result<RingStatus> {
        let id = self.id;
        let table = table::read()?;
        let record = table::find(&table, id)?;
        let mut names = Names::default();
        let me = std::process::id() as i32;
        let attached = self.peek.is_attached();
        // Our own read-only attach counts in nattch; judge as if we were not here.
        let others = if attached {
            record.nattch.saturating_sub(1)
        } else {
            record.nattch
        };
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
            nattch: others,
            cpid: record.cpid,
            cpid_alive: running(cpid_state),
            cpid_state,
            lpid: record.lpid,
            lpid_alive: running(lpid_state),
            lpid_state,
            lpid_is_status: attached && record.lpid == me,
            lpid_before_status: self.lpid_before,
            header_read: self.peek.how(),
            atime: record.atime,
            dtime: record.dtime,
            ctime: record.ctime,
            capacity: usize::try_from(record.size)
                .ok()
                .and_then(layout::capacity_of)
                .unwrap_or(0),
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
            status.problems.push(open::wrong_size(self.peek.size()));
            return Ok(status);
        }
        // Through a mapping's file a verdict that is not consistent is soon taken again
        // with an attach (see [`Inspector::gather`]).
        let reading = if attached {
            open::read_header(&self.peek, Some(others))
        } else {
            open::read_header_for(&self.peek, Some(others), FILE_BUDGET)
        };
        let (header, verdict) =
            reading.ok_or_else(|| Error::other(format!("segment {id}: cannot read the header")))?;
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
}
