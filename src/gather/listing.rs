//! `ls`: the segments that pass a filter, with their holders and namespaces when asked,
//! in the kernel's order.

use super::{holders, liveness, table};
use crate::error::{Result, Status};
use crate::model::{Listing, Segment};
use crate::namespaces;
use crate::proc::processes;
use crate::proc::sysvipc::ShmTable;
use crate::sys::shm::Key;
use crate::users::Names;

/// Which segments.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub owner: Option<u32>,
    pub key: Option<Key>,
    pub min_size: Option<u64>,
    /// Some(true): only attached; Some(false): only unattached.
    pub attached: Option<bool>,
    /// Only orphans: nobody attached and the creator known to be gone.
    pub orphans: bool,
    /// With `orphans`, also unattached segments whose creator cannot be seen.
    pub include_unknown: bool,
}

impl Filter {
    pub fn matches(&self, s: &Segment) -> bool {
        self.owner.is_none_or(|uid| s.uid == uid)
            && self.key.is_none_or(|k| s.key == k)
            && self.min_size.is_none_or(|m| s.size >= m)
            && self.attached.is_none_or(|a| (s.nattch > 0) == a)
            && (!self.orphans
                || s.orphan == Some(true)
                || self.include_unknown && creator_unknown(s))
    }
}

/// Nobody attached, and whether its creator runs cannot be seen from here.
pub fn creator_unknown(s: &Segment) -> bool {
    s.nattch == 0 && s.cpid_state == Some(crate::model::Liveness::Unknown)
}

/// What to gather.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub filter: Filter,
    /// Scan every process's maps for the holders of each segment.
    pub pids: bool,
    /// Every IPC namespace on the host, each segment with its namespace.
    pub all_namespaces: bool,
}

/// Gather the segments that pass the filter.
pub fn gather(query: &Query) -> Result<Listing> {
    Ok(gather_readings(query, &mut Names::default())?.listing)
}

/// A listing and the readings it was made of, for a view that also needs them (one
/// read of each file per refresh).
pub struct Readings {
    pub listing: Listing,
    /// The scan of every process's maps (with `pids`).
    pub scan: Option<processes::Scan>,
    /// The table of the caller's own IPC namespace, when it was read.
    pub table: Option<ShmTable>,
}

/// [`gather`], keeping the readings.
pub fn gather_readings(query: &Query, names: &mut Names) -> Result<Readings> {
    let mut own_table = None;
    // One pass over /proc serves every segment (and every namespace).
    let scan = query.pids.then(|| {
        processes::scan(if query.all_namespaces {
            None
        } else {
            processes::current_namespace()
        })
    });
    let mut segments = Vec::new();
    let mut not_entered = Vec::new();
    let mut hidden_processes = 0;
    if query.all_namespaces {
        let here = processes::current_namespace();
        let (all, hidden) = namespaces::all();
        hidden_processes = hidden;
        for (inode, members) in all {
            let namespace = namespaces::describe(inode, &members);
            let path = format!("/proc/{}/ns/ipc", members[0]);
            // This thread's own namespace needs no entering (nor the right to enter).
            let found = if Some(inode) == here {
                table::read().map(|t| {
                    let found = t.records.iter().map(|r| table::segment(r, names)).collect();
                    own_table = Some(t);
                    found
                })
            } else {
                namespaces::run_in(path, || table::segments(&mut Names::default()))
            };
            let mut found = match found {
                Ok(found) => found,
                Err(e) if e.status == Status::PermissionDenied => {
                    not_entered.push(namespace);
                    continue;
                }
                // A namespace whose only process exits meanwhile is gone with its segments.
                Err(_) => continue,
            };
            let mut holders = scan
                .as_ref()
                .map(|s| holders::by_shmid(s, Some(inode), names));
            for s in &mut found {
                s.namespace = Some(namespace.clone());
                if let Some(h) = holders.as_mut() {
                    s.set_holders(h.remove(&s.shmid.0).unwrap_or_default());
                }
            }
            segments.extend(found);
        }
    } else {
        let t = table::read()?;
        segments = t.records.iter().map(|r| table::segment(r, names)).collect();
        own_table = Some(t);
        if let Some(scan) = &scan {
            let mut holders = holders::by_shmid(scan, processes::current_namespace(), names);
            for s in &mut segments {
                s.set_holders(holders.remove(&s.shmid.0).unwrap_or_default());
            }
        }
    }
    if query.filter.orphans {
        let viewer = liveness::Viewer::this_process();
        for s in &mut segments {
            liveness::judge_orphan(s, &viewer);
        }
    }
    let mut unknown_creators = Vec::new();
    if query.filter.orphans && !query.filter.include_unknown {
        let but_orphans = Filter {
            orphans: false,
            ..query.filter.clone()
        };
        unknown_creators = segments
            .iter()
            .filter(|s| creator_unknown(s) && but_orphans.matches(s))
            .map(|s| s.shmid)
            .collect();
    }
    segments.retain(|s| query.filter.matches(s));
    Ok(Readings {
        listing: Listing {
            segments,
            unreadable: scan.as_ref().map(holders::unreadable).unwrap_or_default(),
            unknown_creators,
            not_entered,
            hidden_processes,
        },
        scan,
        table: own_table,
    })
}
