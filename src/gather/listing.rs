//! `ls`: the segments that pass a filter, with their holders and namespaces when asked,
//! in the kernel's order.

use super::{holders, liveness, table};
use crate::error::Result;
use crate::model::{Listing, Segment};
use crate::namespaces;
use crate::proc::processes;
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
    pub orphans: bool,
}

impl Filter {
    pub fn matches(&self, s: &Segment) -> bool {
        self.owner.is_none_or(|uid| s.uid == uid)
            && self.key.is_none_or(|k| s.key == k)
            && self.min_size.is_none_or(|m| s.size >= m)
            && self.attached.is_none_or(|a| (s.nattch > 0) == a)
            && (!self.orphans || s.orphan == Some(true))
    }
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
    let mut names = Names::default();
    // One pass over /proc serves every segment (and every namespace).
    let scan = query.pids.then(|| {
        processes::scan(if query.all_namespaces {
            None
        } else {
            processes::current_namespace()
        })
    });
    let mut segments = Vec::new();
    if query.all_namespaces {
        for (inode, members) in namespaces::all() {
            let namespace = namespaces::describe(inode, &members);
            let path = format!("/proc/{}/ns/ipc", members[0]);
            // A namespace whose only process exits meanwhile is gone with its segments.
            let Ok(mut found) = namespaces::run_in(path, || table::segments(&mut Names::default()))
            else {
                continue;
            };
            let mut holders = scan
                .as_ref()
                .map(|s| holders::by_shmid(s, Some(inode), &mut names));
            for s in &mut found {
                s.namespace = Some(namespace.clone());
                if let Some(h) = holders.as_mut() {
                    s.set_holders(h.remove(&s.shmid.0).unwrap_or_default());
                }
            }
            segments.extend(found);
        }
    } else {
        segments = table::segments(&mut names)?;
        if let Some(scan) = &scan {
            let mut holders = holders::by_shmid(scan, processes::current_namespace(), &mut names);
            for s in &mut segments {
                s.set_holders(holders.remove(&s.shmid.0).unwrap_or_default());
            }
        }
    }
    if query.filter.orphans {
        for s in &mut segments {
            s.orphan = Some(liveness::is_orphan(s));
        }
    }
    segments.retain(|s| query.filter.matches(s));
    Ok(Listing {
        segments,
        unreadable: scan.as_ref().map(holders::unreadable).unwrap_or_default(),
    })
}
