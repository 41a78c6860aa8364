//! `rm ID…`: IPC_RMID on exactly the segments named, `shm_unlink` of exactly the POSIX
//! objects named (or of every unheld one, with `--posix --unheld`), carrying on past
//! failures.

use super::posix;
use crate::error::{Error, Result, Status};
use crate::gather::listing::creator_unknown;
use crate::gather::posix::Place;
use crate::gather::{liveness, permission, table};
use crate::ids::{ObjectRef, PosixName, SegmentRef};
use crate::model::{Action, Outcome, RmReport};
use crate::output::{self, Output};
use crate::proc::sysvipc::{ShmRecord, ShmTable};
use crate::render::plural;
use crate::render::rm::{describe, unknown_creators_note};
use crate::sys::shm::{self, Key, ShmId};
use crate::users::Names;
use nix::errno::Errno;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Settings {
    pub targets: Vec<ObjectRef>,
    /// Remove every orphan instead of named segments.
    pub orphans: bool,
    /// With `orphans`, also unattached segments whose creator cannot be seen.
    pub include_unknown: bool,
    /// Remove every segment the caller may remove (ipcrm -a shm).
    pub all: bool,
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
    uid: u32,
    cuid: u32,
}

fn current(id: ShmId, listed: Option<&ShmRecord>) -> Result<Current> {
    match (shm::stat(id), listed) {
        (Ok(st), _) => Ok(Current {
            key: st.key,
            size: st.size,
            nattch: st.nattch,
            uid: st.uid,
            cuid: st.cuid,
        }),
        (Err(e), Some(r)) if matches!(e.errno, Errno::EACCES | Errno::EPERM) => Ok(Current {
            key: r.key,
            size: r.size,
            nattch: r.nattch,
            uid: r.uid,
            cuid: r.cuid,
        }),
        (Err(e), _) => Err(Error::sys(format!("segment {id}"), e)),
    }
}

/// How a segment came to be removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Picked {
    /// Named by the caller (or confirmed in `top`): one that is gone is a failure.
    Named,
    /// From the listing (`--all`): one removed by another process since is already gone,
    /// not a failure.
    Listed,
    /// An orphan from the listing: as `Listed`, and one attached again is left alone.
    Orphan,
}

fn remove_one(
    id: ShmId,
    listed: Option<&ShmRecord>,
    dry_run: bool,
    picked: Picked,
) -> Result<Outcome> {
    // What the caller asked for is done either way: said, and not a failure.
    let gone_since = |e: Error| match picked {
        Picked::Listed | Picked::Orphan if e.status == Status::NoSuchSegment => Error::new(
            Status::Ok,
            format!("segment {id} is already gone (removed since it was listed)"),
        ),
        _ => e,
    };
    let record = current(id, listed).map_err(gone_since)?;
    let attached = record.nattch > 0;
    if picked == Picked::Orphan && attached {
        return Err(Error::new(
            Status::Ok,
            format!(
                "segment {id} is attached again (nattch {}): left alone",
                record.nattch
            ),
        ));
    }
    // A dry run says what the real one would do, refusal included.
    let refused = dry_run && !permission::may_change(record.uid, record.cuid);
    let action = match (dry_run, attached) {
        _ if refused => Action::WouldFail,
        (true, false) => Action::WouldRemove,
        (true, true) => Action::WouldMark,
        (false, false) => Action::Removed,
        (false, true) => Action::Marked,
    };
    if !dry_run {
        shm::remove(id).map_err(|e| gone_since(Error::sys(format!("segment {id}"), e)))?;
    }
    Ok(Outcome {
        target: String::new(),
        shmid: Some(id),
        key: Some(record.key),
        size: Some(record.size),
        nattch: Some(record.nattch),
        action,
        error: refused.then(|| permission::refusal(record.uid, record.cuid)),
        object: None,
    })
}

/// The segment a person confirmed removing (`top`'s `d`), as it was shown to them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmed {
    pub id: ShmId,
    pub key: Key,
    pub size: u64,
    pub cpid: i32,
    /// The inode of the IPC namespace it lives in, when not the caller's (`top -A`).
    pub namespace: Option<u64>,
}

/// Remove exactly the segment a person confirmed, the way `rm` removes one, provided its
/// slot still holds that segment (same size and creator, and the same key unless a
/// removal has since set it to 0): nothing else is ever removed.
pub fn remove_confirmed(confirmed: &Confirmed) -> Result<Outcome> {
    let id = confirmed.id;
    // A shmid names a segment only within its namespace: never one of another.
    if let Some(ns) = confirmed.namespace
        && crate::proc::processes::current_namespace() != Some(ns)
    {
        return Err(Error::other(format!(
            "segment {id}: not in IPC namespace {ns}, where it was confirmed: left alone"
        )));
    }
    let table = table::read()?;
    let record = table::find(&table, id)?;
    let same = record.size == confirmed.size
        && record.cpid == confirmed.cpid
        && (record.key == confirmed.key || record.key.is_private());
    if !same {
        return Err(Error::new(
            Status::NoSuchSegment,
            format!(
                "segment {id}: not the segment confirmed (key {}, {} bytes, created by pid {}): left alone",
                confirmed.key, confirmed.size, confirmed.cpid
            ),
        ));
    }
    let outcome = remove_one(id, Some(record), false, Picked::Named)?;
    Ok(Outcome {
        target: id.to_string(),
        ..outcome
    })
}

/// Segments nobody has attached whose creator is known to be gone (and, with
/// `include_unknown`, those whose creator cannot be seen). Unattached segments with an
/// unknown creator that are left alone are said.
fn orphans(records: &[ShmRecord], include_unknown: bool) -> Vec<ShmId> {
    let mut names = Names::default();
    let viewer = liveness::Viewer::this_process();
    let mut chosen = Vec::new();
    let mut unknown = Vec::new();
    for r in records {
        let mut s = table::segment(r, &mut names);
        liveness::judge_orphan(&mut s, &viewer);
        if s.orphan == Some(true) {
            chosen.push(s.shmid);
        } else if creator_unknown(&s) {
            if include_unknown {
                chosen.push(s.shmid);
            } else {
                unknown.push(s.shmid);
            }
        }
    }
    if !unknown.is_empty() {
        output::note(unknown_creators_note(&unknown));
    }
    chosen
}

/// Keep one outcome in the report, saying a failure as it happens.
fn record(report: &mut RmReport, status: &mut Status, target: String, result: Result<Outcome>) {
    match result {
        Ok(outcome) => {
            // A dry run the kernel would refuse fails as the real one would.
            if outcome.action == Action::WouldFail && *status == Status::Ok {
                *status = Status::PermissionDenied;
            }
            report.results.push(Outcome { target, ..outcome });
        }
        // An orphan attached (or an unheld object held) since the listing, or a listed
        // segment already gone: said, and not a failure.
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
        Some(posix::Removal::prepare(
            settings.place,
            None,
            settings.include_unknown,
        )?)
    } else if !names.is_empty() {
        Some(posix::Removal::prepare(
            settings.place,
            Some(names),
            settings.include_unknown,
        )?)
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
            again = Some(posix::Removal::prepare(
                settings.place,
                None,
                settings.include_unknown,
            )?);
        }
    }
    // One read of the /proc table for the whole command: N targets cost N IPC_STATs, not
    // N reads of a table of every segment.
    let segments = settings.orphans
        || settings.all
        || targets.iter().any(|t| matches!(t, ObjectRef::Segment(_)));
    let table = if segments {
        table::read()?
    } else {
        ShmTable::default()
    };
    let listed: HashMap<ShmId, &ShmRecord> = table.records.iter().map(|r| (r.shmid, r)).collect();
    let segment = |id| ObjectRef::Segment(SegmentRef::Id(id));
    if settings.orphans {
        targets = orphans(&table.records, settings.include_unknown)
            .into_iter()
            .map(segment)
            .collect();
    } else if settings.all {
        targets = table.records.iter().map(|r| segment(r.shmid)).collect();
    }
    let picked = match (settings.orphans, settings.all) {
        (true, _) => Picked::Orphan,
        (false, true) => Picked::Listed,
        (false, false) => Picked::Named,
    };
    // With --all or --orphans, the segments of others are left alone, and said once.
    let mut refused = 0;
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
                    remove_one(id, record, settings.dry_run, picked)
                });
                // --all and --orphans leave others' segments alone (the kernel's rule:
                // owner, creator or CAP_SYS_ADMIN), in a dry run as in the real one.
                let refused_here = match &result {
                    Ok(o) => o.action == Action::WouldFail,
                    Err(e) => e.status == Status::PermissionDenied,
                };
                if picked != Picked::Named && refused_here {
                    refused += 1;
                    continue;
                }
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
    if refused > 0 {
        output::note(format!(
            "left alone {} the caller may not remove (permission denied)",
            plural(refused, "segment", "segments")
        ));
    }
    report.freed_bytes = report
        .results
        .iter()
        .filter(|o| matches!(o.action, Action::Removed | Action::WouldRemove))
        .filter_map(|o| o.object.as_ref().map(|r| r.allocated).or(o.size))
        .sum();
    // Every removal is done before anything is shown: a stdout that fails cannot stop
    // them half-way, and then the count of what was done is said where it can be read.
    if let Err(e) = out.show_now(&report) {
        if e.broken_pipe || e.status == Status::Interrupted {
            return Err(e);
        }
        let done = report
            .results
            .iter()
            .filter(|o| matches!(o.action, Action::Removed | Action::Marked))
            .count() as u64;
        return Err(Error::other(format!(
            "cannot write the report ({e}); {} removed or marked for destruction, of {} named",
            plural(done, "segment", "segments"),
            report.results.len()
        )));
    }
    Ok(status)
}
