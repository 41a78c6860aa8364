//! `ls`: the segments that pass a filter, with their holders, creators' commands,
//! applications and namespaces when asked, in the kernel's order.

use super::app::{self, Attach};
use super::liveness::Creators;
use super::peek::{self, Window};
use super::{holders, hugetlb, liveness, table};
use crate::error::{Result, Status};
use crate::model::{Holder, Listing, Segment};
use crate::namespaces;
use crate::proc::processes;
use crate::proc::sysvipc::ShmTable;
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
    /// The creators' command lines.
    pub commands: bool,
    /// The application of each segment (reads headers; see `app`).
    pub app: bool,
    /// When reading a header for `app` may attach.
    pub attach: Attach,
    /// The scan also reads every process's open files (for the holders of POSIX objects
    /// and memfds, from the same pass).
    pub files: bool,
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
    plain: &mut app::Plain,
) {
    if query.commands || query.app {
        Creators::default().fill(segments);
    }
    if !query.app {
        return;
    }
    plain.keep_only(segments);
    for s in segments {
        let found = plain.recognise(
            s,
            windows.get(&s.shmid.0).map_or(&[][..], Vec::as_slice),
            query.attach,
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
    Ok(gather_readings(query, &mut Memory::default())?.listing)
}

/// What a caller that gathers again and again (a view, a scraped endpoint) keeps from one
/// gathering to the next: user and group names, and the segments whose header named no
/// application (per IPC namespace), which need not be read at every refresh.
#[derive(Default)]
pub struct Memory {
    pub names: Names,
    plain: HashMap<Option<u64>, app::Plain>,
}

impl Memory {
    /// Forget the segments whose header named no application: all are read again.
    pub fn forget_headers(&mut self) {
        self.plain.clear();
    }
}

/// A listing and the readings it was made of, for a view that also needs them (one
/// read of each file per refresh).
pub struct Readings {
    pub listing: Listing,
    /// The scan of every process's maps (with `pids` or `app`).
    pub scan: Option<processes::Scan>,
    /// The table of the caller's own IPC namespace, when it was read.
    pub table: Option<ShmTable>,
}

/// The segments of the caller's own namespace, from one read of its table kept in `own`.
fn here(names: &mut Names, own: &mut Option<ShmTable>) -> Result<Vec<Segment>> {
    let t = table::read()?;
    let found = t.records.iter().map(|r| table::segment(r, names)).collect();
    *own = Some(t);
    Ok(found)
}

/// [`gather`], keeping the readings.
pub fn gather_readings(query: &Query, memory: &mut Memory) -> Result<Readings> {
    let names = &mut memory.names;
    let rules = hugetlb::Rules::of_this_kernel();
    let mut own_table = None;
    // One pass over /proc serves every segment (and every namespace).
    let scan = (query.pids || query.app).then(|| {
        processes::scan_with(processes::Options {
            namespace: if query.all_namespaces {
                None
            } else {
                processes::current_namespace()
            },
            files: query.files,
        })
    });
    let mut segments = Vec::new();
    let mut attached = Vec::new();
    let mut not_entered = Vec::new();
    let mut hidden_processes = 0;
    let here_ns = processes::current_namespace();
    if query.all_namespaces {
        let (all, hidden) = namespaces::all();
        hidden_processes = hidden;
        // What is remembered of namespaces gone since is forgotten.
        let mut remembered = std::mem::take(&mut memory.plain);
        for (inode, members) in all {
            let namespace = namespaces::describe(inode, &members);
            let path = processes::ns_path(members[0], "ipc");
            let windows = scan
                .as_ref()
                .filter(|_| query.app)
                .map(|s| peek::windows_by_shmid(s, Some(inode)))
                .unwrap_or_default();
            // This thread's own namespace needs no entering (nor the right to enter).
            // Attaching to read a header works only from inside the namespace.
            let mut plain = remembered.remove(&Some(inode)).unwrap_or_default();
            let found = if Some(inode) == here_ns {
                here(names, &mut own_table).map(|mut found| {
                    let mut seen = Vec::new();
                    identify(&mut found, query, &windows, &mut seen, &mut plain);
                    (found, seen, plain)
                })
            } else {
                let q = query.clone();
                namespaces::run_in(path, move || {
                    let mut found = table::segments(&mut Names::default())?;
                    let mut seen = Vec::new();
                    identify(&mut found, &q, &windows, &mut seen, &mut plain);
                    Ok((found, seen, plain))
                })
            };
            let (mut found, seen) = match found {
                Ok((found, seen, plain)) => {
                    memory.plain.insert(Some(inode), plain);
                    (found, seen)
                }
                Err(e) if e.status == Status::PermissionDenied => {
                    not_entered.push(namespace);
                    continue;
                }
                // A namespace whose only process exits meanwhile is gone with its segments.
                Err(_) => continue,
            };
            attached.extend(seen);
            if let Some(scan) = &scan {
                let held = holders::by_shmid(scan, Some(inode), &peek::identities(&found), names);
                hold(&mut found, held, query.pids);
            }
            for s in &mut found {
                s.namespace = Some(namespace.clone());
            }
            segments.extend(found);
        }
    } else {
        segments = here(names, &mut own_table)?;
        let windows = scan
            .as_ref()
            .filter(|_| query.app)
            .map(|s| peek::windows_by_shmid(s, here_ns))
            .unwrap_or_default();
        let plain = memory.plain.entry(here_ns).or_default();
        identify(&mut segments, query, &windows, &mut attached, plain);
        if let Some(scan) = &scan {
            let held = holders::by_shmid(scan, here_ns, &peek::identities(&segments), names);
            hold(&mut segments, held, query.pids);
        }
        if query.in_namespace
            && let Some(inode) = here_ns
        {
            let members = namespaces::all().0.remove(&inode).unwrap_or_default();
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
    attached.retain(|id| segments.iter().any(|s| s.shmid == *id));
    Ok(Readings {
        listing: Listing {
            segments,
            unreadable: scan.as_ref().map(holders::unreadable).unwrap_or_default(),
            attached,
            unknown_creators,
            not_entered,
            hidden_processes,
        },
        scan,
        table: own_table,
    })
}
