//! `rm ID…`: IPC_RMID on exactly the segments named, carrying on past failures.

use crate::error::{Error, Result, Status};
use crate::gather::{liveness, table};
use crate::ids::SegmentRef;
use crate::model::{Action, Outcome, RmReport};
use crate::output::{self, Output};
use crate::proc::sysvipc::ShmRecord;
use crate::render::rm::describe;
use crate::sys::shm::{self, Key, ShmId};
use crate::users::Names;
use nix::errno::Errno;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Settings {
    pub targets: Vec<SegmentRef>,
    /// Remove every orphan instead of named segments.
    pub orphans: bool,
    /// Remove every segment the caller may remove (ipcrm -a shm).
    pub all: bool,
    pub dry_run: bool,
}

/// What is known of a segment just before it is removed: its IPC_STAT now, or, without
/// read permission on it (IPC_RMID needs ownership, not read permission), its line of
/// the /proc table read when the command began.
struct Current {
    key: Key,
    size: u64,
    nattch: u64,
}

fn current(id: ShmId, listed: Option<&ShmRecord>) -> Result<Current> {
    match (shm::stat(id), listed) {
        (Ok(st), _) => Ok(Current {
            key: st.key,
            size: st.size,
            nattch: st.nattch,
        }),
        (Err(e), Some(r)) if matches!(e.errno, Errno::EACCES | Errno::EPERM) => Ok(Current {
            key: r.key,
            size: r.size,
            nattch: r.nattch,
        }),
        (Err(e), _) => Err(Error::sys(format!("segment {id}"), e)),
    }
}

fn remove_one(
    id: ShmId,
    listed: Option<&ShmRecord>,
    dry_run: bool,
    only_unattached: bool,
) -> Result<Outcome> {
    let record = current(id, listed)?;
    let attached = record.nattch > 0;
    if only_unattached && attached {
        return Err(Error::new(
            Status::Ok,
            format!(
                "segment {id} is attached again (nattch {}): left alone",
                record.nattch
            ),
        ));
    }
    let action = match (dry_run, attached) {
        (true, false) => Action::WouldRemove,
        (true, true) => Action::WouldMark,
        (false, false) => Action::Removed,
        (false, true) => Action::Marked,
    };
    if !dry_run {
        shm::remove(id).map_err(|e| Error::sys(format!("segment {id}"), e))?;
        // A ring run killed with SIGKILL leaves its role's lock file; the segment's end
        // is its end too (one still held by a running process is left alone).
        crate::ring::lock::remove_stale(id);
    }
    Ok(Outcome {
        target: String::new(),
        shmid: Some(id),
        key: Some(record.key),
        size: Some(record.size),
        nattch: Some(record.nattch),
        action,
        error: None,
    })
}

/// Segments nobody has attached whose creator is gone.
fn orphans(records: &[ShmRecord]) -> Vec<ShmId> {
    let mut names = Names::default();
    records
        .iter()
        .map(|r| table::segment(r, &mut names))
        .filter(liveness::is_orphan)
        .map(|s| s.shmid)
        .collect()
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    let mut report = RmReport {
        dry_run: settings.dry_run,
        results: Vec::new(),
        freed_bytes: 0,
        orphans: settings.orphans,
    };
    let mut status = Status::Ok;
    let mut seen: Vec<ShmId> = Vec::new();
    // One read of the /proc table for the whole command: N targets cost N IPC_STATs, not
    // N reads of a table of every segment.
    let table = table::read()?;
    let listed: HashMap<ShmId, &ShmRecord> = table.records.iter().map(|r| (r.shmid, r)).collect();
    let targets = if settings.orphans {
        orphans(&table.records)
            .into_iter()
            .map(SegmentRef::Id)
            .collect()
    } else if settings.all {
        table
            .records
            .iter()
            .map(|r| SegmentRef::Id(r.shmid))
            .collect()
    } else {
        settings.targets.clone()
    };
    // With --all, the segments of others are left alone, and said once.
    let mut refused = 0;
    // Resolve every name before removing anything, so that one segment named twice (by id
    // and by key) is handled once rather than failing the second time.
    let resolved: Vec<(SegmentRef, Result<ShmId>)> =
        targets.iter().map(|t| (*t, t.resolve())).collect();
    for (target, resolved) in resolved {
        if let Ok(id) = resolved {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
        }
        let target = match target {
            SegmentRef::Id(id) => id.to_string(),
            SegmentRef::Key(k) => k.to_string(),
        };
        match resolved.and_then(|id| {
            let record = listed.get(&id).copied();
            remove_one(id, record, settings.dry_run, settings.orphans)
        }) {
            Ok(outcome) => report.results.push(Outcome { target, ..outcome }),
            // An orphan that got attached since the listing: said, and not a failure.
            Err(e) if e.status == Status::Ok => output::note(&e.message),
            Err(e) if settings.all && e.status == Status::PermissionDenied => refused += 1,
            Err(e) => {
                let failed = Outcome {
                    target,
                    shmid: None,
                    key: None,
                    size: None,
                    nattch: None,
                    action: Action::Failed,
                    error: Some(e.message.clone()),
                };
                output::error(describe(&failed));
                if status == Status::Ok {
                    status = e.status;
                }
                report.results.push(failed);
            }
        }
    }
    if refused > 0 {
        output::note(format!(
            "left alone {} the caller may not remove (permission denied)",
            crate::render::plural(refused, "segment", "segments")
        ));
    }
    report.freed_bytes = report
        .results
        .iter()
        .filter(|o| matches!(o.action, Action::Removed | Action::WouldRemove))
        .filter_map(|o| o.size)
        .sum();
    out.show(&report)?;
    Ok(status)
}
