//! `rm ID…`: IPC_RMID on exactly the segments named, `shm_unlink` of exactly the POSIX
//! objects named (or of every unheld one, with `--posix --unheld`), carrying on past
//! failures.

use super::posix;
use crate::error::{Error, Result, Status};
use crate::gather::posix::Place;
use crate::gather::{liveness, table};
use crate::ids::{ObjectRef, PosixName, SegmentRef};
use crate::model::{Action, Outcome, RmReport};
use crate::output::{self, Output};
use crate::proc::sysvipc::{ShmRecord, ShmTable};
use crate::render::rm::describe;
use crate::sys::shm::{self, Key, ShmId};
use crate::users::Names;
use nix::errno::Errno;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Settings {
    pub targets: Vec<ObjectRef>,
    /// Remove every orphan instead of named segments.
    pub orphans: bool,
    /// Remove every POSIX object no process holds instead of named ones.
    pub unheld: bool,
    pub dry_run: bool,
    /// Whose /dev/shm the POSIX objects are in.
    pub place: Place,
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
        object: None,
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

/// Keep one outcome in the report, saying a failure as it happens.
fn record(report: &mut RmReport, status: &mut Status, target: String, result: Result<Outcome>) {
    match result {
        Ok(outcome) => report.results.push(Outcome { target, ..outcome }),
        // An orphan attached (or an unheld object held) since the listing: said, and not
        // a failure.
        Err(e) if e.status == Status::Ok => output::note(&e.message),
        Err(e) => {
            let failed = Outcome {
                target,
                shmid: None,
                key: None,
                size: None,
                nattch: None,
                action: Action::Failed,
                error: Some(e.message.clone()),
                object: None,
            };
            output::error(describe(&failed));
            if *status == Status::Ok {
                *status = e.status;
            }
            report.results.push(failed);
        }
    }
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    let mut report = RmReport {
        dry_run: settings.dry_run,
        results: Vec::new(),
        freed_bytes: 0,
        orphans: settings.orphans,
        unheld: settings.unheld,
    };
    let mut status = Status::Ok;
    // One look at the POSIX objects named (or at every one, for --unheld): one scan of
    // /proc for all of them.
    let names: Vec<PosixName> = settings
        .targets
        .iter()
        .filter_map(|t| match t {
            ObjectRef::Posix(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let removal = if settings.unheld {
        Some(posix::Removal::prepare(settings.place, None)?)
    } else if !names.is_empty() {
        Some(posix::Removal::prepare(settings.place, Some(names))?)
    } else {
        None
    };
    let mut targets = settings.targets.clone();
    let mut again = None;
    if let Some(r) = removal.as_ref().filter(|_| settings.unheld) {
        targets = r.unheld()?.into_iter().map(ObjectRef::Posix).collect();
        // A second look just before unlinking, so that an object opened since the
        // first is left alone.
        if !settings.dry_run && !targets.is_empty() {
            again = Some(posix::Removal::prepare(settings.place, None)?);
        }
    }
    // One read of the /proc table for the whole command: N targets cost N IPC_STATs, not
    // N reads of a table of every segment.
    let segments = settings.orphans || targets.iter().any(|t| matches!(t, ObjectRef::Segment(_)));
    let table = if segments {
        table::read()?
    } else {
        ShmTable::default()
    };
    let listed: HashMap<ShmId, &ShmRecord> = table.records.iter().map(|r| (r.shmid, r)).collect();
    if settings.orphans {
        targets = orphans(&table.records)
            .into_iter()
            .map(|id| ObjectRef::Segment(SegmentRef::Id(id)))
            .collect();
    }
    // Resolve every segment's name before removing anything, so that one segment named
    // twice (by id and by key) is handled once rather than failing the second time.
    let resolved: Vec<Option<Result<ShmId>>> = targets
        .iter()
        .map(|t| match t {
            ObjectRef::Segment(s) => Some(s.resolve()),
            _ => None,
        })
        .collect();
    let mut seen: Vec<ShmId> = Vec::new();
    let mut seen_names: Vec<&PosixName> = Vec::new();
    for (target, resolved) in targets.iter().zip(resolved) {
        match (target, resolved) {
            (ObjectRef::Segment(segment), Some(resolved)) => {
                if let Ok(id) = resolved {
                    if seen.contains(&id) {
                        continue;
                    }
                    seen.push(id);
                }
                let name = match segment {
                    SegmentRef::Id(id) => id.to_string(),
                    SegmentRef::Key(k) => k.to_string(),
                };
                let result = resolved.and_then(|id| {
                    let record = listed.get(&id).copied();
                    remove_one(id, record, settings.dry_run, settings.orphans)
                });
                record(&mut report, &mut status, name, result);
            }
            (ObjectRef::Posix(name), _) => {
                if seen_names.contains(&name) {
                    continue;
                }
                seen_names.push(name);
                let result = match &removal {
                    Some(r) => r.remove(name, settings.dry_run, again.as_ref()),
                    None => Err(Error::other("POSIX objects were not looked at")),
                };
                record(&mut report, &mut status, name.to_string(), result);
            }
            (ObjectRef::Memfd(inode), _) => {
                let result = Err(posix::memfd_not_removable(*inode));
                record(&mut report, &mut status, format!("memfd:{inode}"), result);
            }
            (ObjectRef::Segment(_), None) => {}
        }
    }
    // A POSIX object frees what it occupies (tmpfs blocks), a segment its size.
    report.freed_bytes = report
        .results
        .iter()
        .filter(|o| matches!(o.action, Action::Removed | Action::WouldRemove))
        .filter_map(|o| o.object.as_ref().map(|r| r.allocated).or(o.size))
        .sum();
    out.show(&report)?;
    Ok(status)
}
