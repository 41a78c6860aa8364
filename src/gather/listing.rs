//! `ls`: the segments that pass a filter, with their holders, creators' commands,
//! applications and namespaces when asked, in the kernel's order.

use super::app::{self, Attach};
use super::creators::Creators;
use super::peek::{self, Window};
use super::{holders, hugetlb, liveness, table};
use crate::error::Result;
use crate::model::{Holder, Listing, Segment};
use crate::namespaces;
use crate::proc::processes;
use crate::sys::shm::{Key, ShmId};
use crate::users::Names;
use std::collections::HashMap;

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
    /// The creators' command lines.
    pub commands: bool,
    /// The application of each segment (reads headers; see `app`).
    pub app: bool,
    /// The command runs in another namespace (`--ns`): say which, on every segment.
    pub in_namespace: bool,
}

/// Creators' commands and applications of `segments`: headers are read through their
/// holders' mappings (`windows`), or with a read-only attach for a segment nobody maps
/// whose size is a header's (see [`Attach::Plausible`]); the segments this attached to
/// are added to `attached`.
fn identify(
    segments: &mut [Segment],
    query: &Query,
    windows: &HashMap<i32, Vec<Window>>,
    attached: &mut Vec<ShmId>,
) {
    if query.commands || query.app {
        Creators::default().fill(segments);
    }
    if !query.app {
        return;
    }
    for s in segments {
        let found = app::recognise(
            s,
            windows.get(&s.shmid.0).map_or(&[][..], Vec::as_slice),
            Attach::Plausible,
        );
        if found.attached {
            attached.push(s.shmid);
        }
        s.app = Some(found.app);
    }
}

/// Record the holders a scan found: as the segment's holders with `--pids`; in any case
/// as the sign of a hugetlb segment.
fn hold(segments: &mut [Segment], mut holders: HashMap<i32, Vec<Holder>>, pids: bool) {
    for s in segments {
        let found = holders.remove(&s.shmid.0).unwrap_or_default();
        if pids {
            s.set_holders(found);
        } else if found.iter().any(|h| h.hugetlb) {
            s.mark_hugetlb();
        }
    }
}

/// Gather the segments that pass the filter.
pub fn gather(query: &Query) -> Result<Listing> {
    let mut names = Names::default();
    let rules = hugetlb::Rules::of_this_kernel();
    // One pass over /proc serves every segment (and every namespace).
    let scan = (query.pids || query.app).then(|| {
        processes::scan(if query.all_namespaces {
            None
        } else {
            processes::current_namespace()
        })
    });
    let mut segments = Vec::new();
    let mut attached = Vec::new();
    if query.all_namespaces {
        for (inode, members) in namespaces::all() {
            let namespace = namespaces::describe(inode, &members);
            let path = format!("/proc/{}/ns/ipc", members[0]);
            let windows = scan
                .as_ref()
                .filter(|_| query.app)
                .map(|s| peek::windows_by_shmid(s, Some(inode)))
                .unwrap_or_default();
            let q = query.clone();
            // A namespace whose only process exits meanwhile is gone with its segments.
            // Attaching to read a header works only from inside the namespace.
            let Ok((mut found, seen)) = namespaces::run_in(path, move || {
                let mut found = table::segments(&mut Names::default())?;
                let mut seen = Vec::new();
                identify(&mut found, &q, &windows, &mut seen);
                Ok((found, seen))
            }) else {
                continue;
            };
            attached.extend(seen);
            if let Some(scan) = &scan {
                hold(
                    &mut found,
                    holders::by_shmid(scan, Some(inode), &mut names),
                    query.pids,
                );
            }
            for s in &mut found {
                s.namespace = Some(namespace.clone());
            }
            segments.extend(found);
        }
    } else {
        segments = table::segments(&mut names)?;
        let here = processes::current_namespace();
        let windows = scan
            .as_ref()
            .filter(|_| query.app)
            .map(|s| peek::windows_by_shmid(s, here))
            .unwrap_or_default();
        identify(&mut segments, query, &windows, &mut attached);
        if let Some(scan) = &scan {
            hold(
                &mut segments,
                holders::by_shmid(scan, here, &mut names),
                query.pids,
            );
        }
        if query.in_namespace
            && let Some(inode) = here
        {
            let members = namespaces::all().remove(&inode).unwrap_or_default();
            let namespace = namespaces::describe(inode, &members);
            for s in &mut segments {
                s.namespace = Some(namespace.clone());
            }
        }
    }
    for s in &mut segments {
        rules.settle(s);
    }
    if query.filter.orphans {
        for s in &mut segments {
            s.orphan = Some(liveness::is_orphan(s));
        }
    }
    segments.retain(|s| query.filter.matches(s));
    attached.retain(|id| segments.iter().any(|s| s.shmid == *id));
    Ok(Listing {
        segments,
        unreadable: scan.as_ref().map(holders::unreadable).unwrap_or_default(),
        attached,
    })
}
