//! `rm ID…`: IPC_RMID on exactly the segments named, carrying on past failures.

use crate::cli::RmArgs;
use crate::error::{Error, Result, Status};
use crate::ids::SegmentRef;
use crate::proc::sysvipc::{ShmRecord, ShmTable};
use crate::render::json;
use crate::sys::shm::{self, Key, ShmId};
use crate::units;
use nix::errno::Errno;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

#[derive(Clone, Debug)]
pub struct Settings {
    pub targets: Vec<SegmentRef>,
    /// Remove every orphan instead of named segments.
    pub orphans: bool,
    pub dry_run: bool,
    pub json: bool,
}

impl Settings {
    pub fn from_args(a: RmArgs) -> Settings {
        let mut targets = a.ids;
        targets.extend(a.key.into_iter().map(SegmentRef::Key));
        Settings {
            targets,
            orphans: a.orphans,
            dry_run: a.dry_run,
            json: a.json,
        }
    }
}

/// What happened to one named segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Gone at once: nobody had it attached.
    Removed,
    /// Still attached: marked for destruction, freed at the last detach.
    Marked,
    WouldRemove,
    WouldMark,
    Failed,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    /// As named on the command line.
    pub target: String,
    pub shmid: Option<ShmId>,
    pub key: Option<Key>,
    pub size: Option<u64>,
    pub nattch: Option<u64>,
    pub action: Action,
    pub error: Option<String>,
    #[serde(skip)]
    pub status: Status,
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
) -> std::result::Result<Outcome, Error> {
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
        status: Status::Ok,
    })
}

/// Segments nobody has attached whose creator is gone.
fn orphans(table: &ShmTable) -> Vec<ShmId> {
    let mut names = crate::users::Names::default();
    table
        .records
        .iter()
        .map(|r| crate::model::Segment::from_record(r, &mut names))
        .filter(|s| s.is_orphan())
        .map(|s| s.shmid)
        .collect()
}

fn describe(o: &Outcome) -> String {
    let id = o.shmid.map(|i| i.to_string()).unwrap_or_default();
    let key = o.key.map(|k| k.to_string()).unwrap_or_default();
    let size = o.size.map(units::human_size).unwrap_or_default();
    let held = o
        .nattch
        .map(|n| super::plural(n, "process", "processes"))
        .unwrap_or_default();
    match o.action {
        Action::Removed => format!("removed shmid {id} (key {key}, {size})"),
        Action::WouldRemove => format!("would remove shmid {id} (key {key}, {size})"),
        Action::Marked => format!(
            "marked shmid {id} (key {key}, {size}) for destruction: still attached by {held}, freed when the last one detaches"
        ),
        Action::WouldMark => format!(
            "would mark shmid {id} (key {key}, {size}) for destruction: attached by {held}, freed when the last one detaches"
        ),
        Action::Failed => o.error.clone().unwrap_or_default(),
    }
}

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<Status> {
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut seen: Vec<ShmId> = Vec::new();
    // One read of the /proc table for the whole command: N targets cost N IPC_STATs, not
    // N reads of a table of every segment.
    let table = super::read_segments()?;
    let listed: HashMap<ShmId, &ShmRecord> = table.records.iter().map(|r| (r.shmid, r)).collect();
    let mut targets = settings.targets.clone();
    if settings.orphans {
        targets = orphans(&table).into_iter().map(SegmentRef::Id).collect();
    }
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
        let mut outcome = match resolved.and_then(|id| {
            let record = listed.get(&id).copied();
            remove_one(id, record, settings.dry_run, settings.orphans)
        }) {
            Ok(o) => o,
            Err(e) => Outcome {
                target: String::new(),
                shmid: None,
                key: None,
                size: None,
                nattch: None,
                action: Action::Failed,
                error: Some(e.message.clone()),
                status: e.status,
            },
        };
        outcome.target = match target {
            SegmentRef::Id(id) => id.to_string(),
            SegmentRef::Key(k) => k.to_string(),
        };
        if outcome.action == Action::Failed && outcome.status == Status::Ok {
            // An orphan that got attached since the listing: said, and not a failure.
            eprintln!("shmctl-rs: {}", describe(&outcome));
            continue;
        }
        if outcome.action == Action::Failed {
            eprintln!("shmctl-rs: {}", describe(&outcome));
        } else if !settings.json {
            writeln!(out, "{}", describe(&outcome))?;
        }
        outcomes.push(outcome);
    }
    let freed: u64 = outcomes
        .iter()
        .filter(|o| matches!(o.action, Action::Removed | Action::WouldRemove))
        .filter_map(|o| o.size)
        .sum();
    if settings.json {
        #[derive(Serialize)]
        struct Report<'a> {
            dry_run: bool,
            results: &'a [Outcome],
            /// Bytes freed at once (segments still attached are freed later).
            freed_bytes: u64,
        }
        json::write(
            out,
            &Report {
                dry_run: settings.dry_run,
                results: &outcomes,
                freed_bytes: freed,
            },
        )?;
    } else if settings.orphans {
        let done = outcomes
            .iter()
            .filter(|o| o.action != Action::Failed)
            .count() as u64;
        writeln!(
            out,
            "{} {}, {} freed",
            if settings.dry_run {
                "would remove"
            } else {
                "removed"
            },
            super::plural(done, "orphaned segment", "orphaned segments"),
            units::human_size(freed)
        )?;
    }
    Ok(outcomes
        .iter()
        .map(|o| o.status)
        .find(|s| *s != Status::Ok)
        .unwrap_or(Status::Ok))
}
