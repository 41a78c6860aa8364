//! One refresh of a live view (`top`): every object with its holders, the rings among
//! them read as gently as possible, the namespace's limits and usage, and, when one
//! object is looked at closely, everything `info` says about it. `/proc/sysvipc/shm` and
//! each process's maps and fds are read once per refresh, whatever the number of
//! segments, POSIX objects and memfds: one pass over /proc serves them all.

use super::peek::Window;
use super::posix::Place;
use super::ring_peek::{self as peek, Peek, Via};
use super::{app, info, limits, listing, objects};
use crate::error::Result;
use crate::model::object::{Object, ObjectId};
use crate::model::posix::{ObjectInfo, ShmObject};
use crate::model::ring::{Peer, RingReading};
use crate::model::{LimitsReport, Namespace, Segment, SegmentInfo, Unreadable};
use crate::namespaces;
use crate::proc::processes::{self, Scan};
use crate::ring::lock::{self, Role};
use std::collections::HashMap;

/// What to gather.
#[derive(Clone, Debug)]
pub struct Request {
    /// Every IPC namespace on the host (`-A`), and every mount namespace's `/dev/shm`.
    pub all_namespaces: bool,
    /// Call unheld a POSIX object no process seen holds, although processes may be hidden
    /// (see [`objects::Query::include_unknown`]).
    pub include_unknown: bool,
    /// Whose `/dev/shm` and memfds (`--ns PID`: that process's mount namespace's);
    /// `None` when the view was given no process to find them by (`--ns PATH`).
    pub place: Option<Place>,
    /// The object to gather in full (the detail pane).
    pub detail: Option<ObjectId>,
}

impl Default for Request {
    fn default() -> Request {
        Request {
            all_namespaces: false,
            include_unknown: false,
            place: Some(Place::Here),
            detail: None,
        }
    }
}

/// The full account of one object (what `info` shows), or why it could not be had.
#[derive(Clone, Debug)]
pub enum Detail {
    Sysv(Box<SegmentInfo>),
    /// A POSIX object or memfd, as `info /NAME` or `info memfd:INODE` shows it.
    File(Box<ObjectInfo>),
    Failed(String),
}

/// Whether a refresh has POSIX objects and memfds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Files {
    #[default]
    Gathered,
    /// Not asked for: `--ns PATH` names no mount namespace, so no `/dev/shm`.
    NotAsked,
    /// Memfds only: the `/dev/shm` could not be read, for this reason.
    NoPosix(String),
}

impl Files {
    /// Every process's fds were read.
    pub fn fds(&self) -> bool {
        *self != Files::NotAsked
    }

    /// Objects of `kind` were gathered.
    pub fn has(&self, kind: crate::model::object::Kind) -> bool {
        use crate::model::object::Kind;
        matches!(
            (self, kind),
            (_, Kind::Sysv) | (Files::Gathered, _) | (Files::NoPosix(_), Kind::Memfd)
        )
    }
}

/// One refresh.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    pub objects: Vec<Object>,
    /// The rings among them.
    pub rings: HashMap<ObjectId, RingReading>,
    /// Limits and usage of the namespace the view runs in.
    pub limits: Option<LimitsReport>,
    pub detail: Option<(ObjectId, Detail)>,
    /// Processes whose maps (or, when POSIX objects and memfds were gathered, fds) could
    /// not be read: holders may be missing.
    pub unreadable: Unreadable,
    /// Whether POSIX objects and memfds were gathered.
    pub files: Files,
    /// With `-A`: namespaces that could not be entered.
    pub not_entered: Vec<Namespace>,
    /// Unix seconds when it was taken.
    pub now: i64,
}

/// Gathers refresh after refresh, remembering what makes the next one cheaper and
/// gentler: rings it has read that nobody has attached since.
#[derive(Default)]
pub struct Gatherer {
    memory: listing::Memory,
    /// Readings taken with an attach, kept while the segment stays unattached and its
    /// last attach is still ours.
    attached_readings: HashMap<ObjectId, Peek>,
}

/// A ring's holders as mappings a reader can open (those that can be told to be its).
fn holder_mappings(scan: Option<&Scan>, s: &Segment, namespace: Option<u64>) -> Vec<Window> {
    let Some(scan) = scan else {
        return Vec::new();
    };
    let shm_device = super::holders::shm_device();
    let windows: Vec<Window> = scan
        .processes
        .iter()
        .filter(|p| namespace.is_none() || p.namespace == namespace)
        .flat_map(|p| {
            p.mappings
                .iter()
                .filter(|m| m.shmid == s.shmid)
                .map(|m| Window {
                    pid: p.pid,
                    start: m.start,
                    end: m.start + m.length,
                    key: m.key,
                    hugetlb: shm_device.as_deref().is_some_and(|d| m.device != d),
                })
        })
        .collect();
    super::peek::trusted(&windows, &super::peek::identity(s))
}

/// Whether a pid's command line says it plays `role` (`produce`, `producer`, …): how a
/// peer that takes no role lock (the document's C program) is told apart.
fn says_role(pid: i32, role: Role) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let stem = match role {
        Role::Producer => "produce",
        Role::Consumer => "consume",
    };
    cmdline.split(|b| *b == 0).any(|arg| {
        let arg = String::from_utf8_lossy(arg);
        let word = arg.rsplit('/').next().unwrap_or_default();
        word == stem || word == format!("{stem}r")
    })
}

/// The process running `role` on ring `s`, among its holders.
fn peer(s: &Segment, ns: u64, role: Role) -> Option<Peer> {
    let holders = s.attached.as_deref().unwrap_or_default();
    if let Some((pid, comm)) = lock::role_holder(holders.iter().map(|h| h.pid), ns, s.shmid, role) {
        return Some(Peer {
            pid,
            comm,
            locked: true,
        });
    }
    holders
        .iter()
        .find(|h| says_role(h.pid, role))
        .map(|h| Peer {
            pid: h.pid,
            comm: h.comm.clone(),
            locked: false,
        })
}

fn reading(p: &Peek, s: &Segment, ns: u64, capacity: usize) -> RingReading {
    RingReading {
        capacity,
        state: p.verdict.state,
        filled: p.verdict.filled,
        free: p.verdict.free,
        in_flight: p.verdict.in_flight,
        head: p.header.head,
        tail: p.header.tail,
        count: p.header.count,
        problems: p.verdict.problems.clone(),
        warnings: p.verdict.warnings.clone(),
        producer: peer(s, ns, Role::Producer),
        consumer: peer(s, ns, Role::Consumer),
        attached: p.via == Via::Attach,
    }
}

impl Gatherer {
    pub fn new() -> Gatherer {
        Gatherer::default()
    }

    /// Forget which segments' headers named no application: the next refresh reads every
    /// header again (as it reads each one some seconds after it last did).
    pub fn forget_headers(&mut self) {
        self.memory.forget_headers();
    }

    /// Read the ring `s` may be: through a holder when one can be read, else with a
    /// read-only attach, except when nobody has attached it since our last such read.
    fn peek(
        &mut self,
        s: &Segment,
        namespace: Option<u64>,
        scan: Option<&Scan>,
        here: bool,
    ) -> Option<Peek> {
        let id = ObjectId::Sysv {
            namespace: s.namespace.as_ref().map(|n| n.inode),
            shmid: s.shmid,
        };
        let ours = s.lpid == std::process::id() as i32;
        if s.nattch == 0
            && ours
            && let Some(p) = self.attached_readings.get(&id)
        {
            return Some(p.clone());
        }
        let holders = holder_mappings(scan, s, namespace);
        let read = if here {
            peek::read(s.shmid, s.size, s.nattch, &holders, true)
        } else {
            // A segment of another namespace can be attached only from inside it.
            let (shmid, size, nattch) = (s.shmid, s.size, s.nattch);
            peek::read(shmid, size, nattch, &holders, false).or_else(|| {
                let path = format!("/proc/{}/ns/ipc", s.namespace.as_ref()?.pid?);
                namespaces::run_in(path, move || Ok(peek::read(shmid, size, nattch, &[], true)))
                    .ok()
                    .flatten()
            })
        };
        match &read {
            Some(p) if p.via == Via::Attach => {
                self.attached_readings.insert(id, p.clone());
            }
            _ => {
                self.attached_readings.remove(&id);
            }
        }
        read
    }

    /// Take one refresh.
    pub fn refresh(&mut self, request: &Request) -> Result<Overview> {
        // Applications as the holders' mappings show them: the view never attaches for
        // them (a ring is read below, on its own terms).
        let query = listing::Query {
            pids: true,
            all_namespaces: request.all_namespaces,
            app: true,
            attach: app::Attach::Never,
            files: request.place.is_some(),
            ..Default::default()
        };
        let readings = listing::gather_readings(&query, &mut self.memory)?;
        let here = processes::current_namespace();
        let scan = readings.scan.as_ref();
        // The same pass over /proc serves POSIX objects and memfds. A /dev/shm that cannot
        // be read (none mounted, another's root refused) leaves the segments and memfds.
        let (files, gathered) = match (request.place, scan) {
            (Some(place), Some(scan)) => {
                let mut query = objects::Query {
                    posix: true,
                    memfd: true,
                    place,
                    all_namespaces: request.all_namespaces,
                    names: None,
                    include_unknown: request.include_unknown,
                };
                match objects::gather_from(&query, scan) {
                    Ok(listing) => (Some(listing), Files::Gathered),
                    Err(e) => {
                        query.posix = false;
                        let memfds = objects::gather_from(&query, scan).ok();
                        (memfds, Files::NoPosix(e.message))
                    }
                }
            }
            _ => (None, Files::NotAsked),
        };
        // The usage of the view's namespace, from the segments just listed.
        let ours = readings
            .listing
            .segments
            .iter()
            .filter(|s| s.namespace.as_ref().is_none_or(|n| Some(n.inode) == here));
        let limits = limits::of_listed(ours).ok();
        let mut rings = HashMap::new();
        let mut objects = Vec::with_capacity(readings.listing.segments.len());
        for s in readings.listing.segments {
            let ring = peek::capacity(s.size).and_then(|capacity| {
                let ns = s.namespace.as_ref().map(|n| n.inode).or(here);
                self.peek(&s, ns, scan, ns == here)
                    .filter(peek::is_ring)
                    .map(|p| reading(&p, &s, ns.unwrap_or(0), capacity))
            });
            let o = Object::Sysv(s);
            if let Some(r) = ring {
                rings.insert(o.id(), r);
            }
            objects.push(o);
        }
        // Forget readings of segments that are gone.
        self.attached_readings
            .retain(|id, _| objects.iter().any(|o| o.id() == *id));
        let mut unreadable = readings.listing.unreadable;
        if let Some(listing) = files {
            // Maps or fds: the objects' account covers the segments' too.
            unreadable = listing.unreadable;
            objects.extend(listing.objects.into_iter().map(Object::File));
        }
        let detail = request.detail.map(|id| {
            let detail = match id {
                ObjectId::Sysv { namespace, shmid } => {
                    self.detail(namespace, shmid, &objects, &readings.table, scan, here)
                }
                ObjectId::Posix { .. } | ObjectId::Memfd { .. } => {
                    file_detail(id, &objects, &unreadable)
                }
            };
            (id, detail)
        });
        Ok(Overview {
            objects,
            rings,
            limits,
            detail,
            unreadable,
            files: gathered,
            not_entered: readings.listing.not_entered,
            now: chrono::Utc::now().timestamp(),
        })
    }

    fn detail(
        &mut self,
        namespace: Option<u64>,
        shmid: crate::sys::shm::ShmId,
        objects: &[Object],
        table: &Option<crate::proc::sysvipc::ShmTable>,
        scan: Option<&Scan>,
        here: Option<u64>,
    ) -> Detail {
        let id = ObjectId::Sysv { namespace, shmid };
        let result = match (namespace, table, scan) {
            // The namespace the view runs in: from this refresh's readings.
            (None, Some(table), Some(scan)) => info::from_readings(
                shmid,
                table,
                scan,
                here,
                &mut self.memory.names,
                app::Attach::Never,
            ),
            (Some(ns), Some(table), Some(scan)) if Some(ns) == here => info::from_readings(
                shmid,
                table,
                scan,
                here,
                &mut self.memory.names,
                app::Attach::Never,
            ),
            _ => {
                let Some(pid) = objects
                    .iter()
                    .find(|o| o.id() == id)
                    .and_then(|o| o.namespace()?.pid)
                else {
                    return Detail::Failed(format!(
                        "segment {shmid}: no such segment (it may have been removed)"
                    ));
                };
                namespaces::run_in(format!("/proc/{pid}/ns/ipc"), move || info::gather(shmid))
            }
        };
        match result {
            Ok(info) => Detail::Sysv(Box::new(info)),
            Err(e) => Detail::Failed(e.message),
        }
    }
}

/// What `info` shows of a POSIX object or memfd, from this refresh's listing: its
/// holders came from the same scan.
fn file_detail(id: ObjectId, objects: &[Object], unreadable: &Unreadable) -> Detail {
    let Some(o) = objects.iter().find(|o| o.id() == id).and_then(Object::file) else {
        return Detail::Failed("gone: no name reaches it and no process holds it any more".into());
    };
    // Other unlinked objects of its name, still held.
    let others = objects
        .iter()
        .filter_map(Object::file)
        .filter(|other: &&ShmObject| {
            other.kind == o.kind
                && other.name == o.name
                && other.inode != o.inode
                && other.is_deleted()
        })
        .count();
    Detail::File(Box::new(ObjectInfo::of(
        o.clone(),
        others,
        unreadable.clone(),
    )))
}
