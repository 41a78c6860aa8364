//! One refresh of a live view (`top`): every object with its holders, the rings among
//! them read as gently as possible, the namespace's limits and usage, and, when one
//! object is looked at closely, everything `info` says about it. `/proc/sysvipc/shm` and
//! each process's maps are read once per refresh, whatever the number of segments.

use super::peek::Window;
use super::{app, info, limits, listing};
use crate::error::Result;
use crate::model::object::{Object, ObjectId};
use crate::model::ring::{Peer, RingReading};
use crate::model::{LimitsReport, Namespace, Segment, SegmentInfo, Unreadable};
use crate::namespaces;
use crate::proc::processes::{self, Scan};
use crate::ring::lock::{self, Role};
use crate::ring::peek::{self, Peek, Via};
use crate::users::Names;
use std::collections::HashMap;

/// What to gather.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Every IPC namespace on the host (`-A`).
    pub all_namespaces: bool,
    /// The object to gather in full (the detail pane).
    pub detail: Option<ObjectId>,
}

/// The full account of one object (what `info` shows), or why it could not be had.
#[derive(Clone, Debug)]
pub enum Detail {
    Sysv(Box<SegmentInfo>),
    Failed(String),
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
    /// Processes whose maps could not be read (holders may be missing).
    pub unreadable: Unreadable,
    /// With `-A`: namespaces that could not be entered.
    pub not_entered: Vec<Namespace>,
    /// Unix seconds when it was taken.
    pub now: i64,
}

/// Gathers refresh after refresh, remembering what makes the next one cheaper and
/// gentler: rings it has read that nobody has attached since.
#[derive(Default)]
pub struct Gatherer {
    names: Names,
    /// Readings taken with an attach, kept while the segment stays unattached and its
    /// last attach is still ours.
    attached_readings: HashMap<ObjectId, Peek>,
}

/// A ring's holders as mappings a reader can open.
fn holder_mappings(scan: Option<&Scan>, s: &Segment, namespace: Option<u64>) -> Vec<Window> {
    let Some(scan) = scan else {
        return Vec::new();
    };
    scan.processes
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
                })
        })
        .collect()
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
            peek::read(s.shmid, s.nattch, &holders, true)
        } else {
            // A segment of another namespace can be attached only from inside it.
            let (shmid, nattch) = (s.shmid, s.nattch);
            peek::read(shmid, nattch, &holders, false).or_else(|| {
                let path = format!("/proc/{}/ns/ipc", s.namespace.as_ref()?.pid?);
                namespaces::run_in(path, move || Ok(peek::read(shmid, nattch, &[], true)))
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
            ..Default::default()
        };
        let readings = listing::gather_readings(&query, &mut self.names)?;
        let here = processes::current_namespace();
        let scan = readings.scan.as_ref();
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
        let detail = request
            .detail
            .map(|id| (id, self.detail(id, &objects, &readings.table, scan, here)));
        Ok(Overview {
            objects,
            rings,
            limits: limits::gather().ok(),
            detail,
            unreadable: readings.listing.unreadable,
            not_entered: readings.listing.not_entered,
            now: chrono::Utc::now().timestamp(),
        })
    }

    fn detail(
        &mut self,
        id: ObjectId,
        objects: &[Object],
        table: &Option<crate::proc::sysvipc::ShmTable>,
        scan: Option<&Scan>,
        here: Option<u64>,
    ) -> Detail {
        let ObjectId::Sysv { namespace, shmid } = id;
        let result = match (namespace, table, scan) {
            // The namespace the view runs in: from this refresh's readings.
            (None, Some(table), Some(scan)) => info::from_readings(
                shmid,
                table,
                scan,
                here,
                &mut self.names,
                app::Attach::Never,
            ),
            (Some(ns), Some(table), Some(scan)) if Some(ns) == here => info::from_readings(
                shmid,
                table,
                scan,
                here,
                &mut self.names,
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
