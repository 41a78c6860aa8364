//! POSIX objects and memfds with their holders: the files of each `/dev/shm`, and one pass
//! over every process's maps and fds.
//!
//! A holder's mapping or fd is matched to an object by device and inode, never by path:
//! paths of another mount namespace read the same as ours, and a name may have been
//! unlinked and made again. A mapping or fd of a `/dev/shm` file whose inode is no longer
//! in the directory is an object unlinked but still held (`deleted`), listed once per inode.
//! A memfd exists only while held, so memfds come from the scan alone: those held by a
//! process of the mount namespace looked at (every one with `--all-namespaces`).

use super::holders;
use super::liveness::Viewer;
use super::posix::{self, LiveFile, Place, ShmDir};
use crate::error::Result;
use crate::ids::PosixName;
use crate::model::posix::{
    DELETED, HUGETLB, Kind, ObjectHolder, ObjectListing, ShmObject, UNHELD, seal_names,
};
use crate::namespaces;
use crate::proc::fds::{self, FileStat};
use crate::proc::processes::{self, Options, ProcessMaps, Scan};
use crate::proc::shmfiles::{self, SharedPath};
use crate::sys;
use crate::users::Names;
use std::collections::{BTreeMap, HashMap};

/// What to gather.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub posix: bool,
    pub memfd: bool,
    /// Whose `/dev/shm`, and whose mount namespace's memfds.
    pub place: Place,
    /// Every mount namespace's `/dev/shm` and every process's memfds.
    pub all_namespaces: bool,
    /// Only these POSIX objects (looked up by name rather than reading the directory).
    pub names: Option<Vec<PosixName>>,
    /// Call an object unheld when no process seen holds it, even when processes may be
    /// hidden from here (another PID namespace, hidepid=): for a /dev/shm no hidden
    /// process can reach, as a container's own.
    pub include_unknown: bool,
}

/// Which objects.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub owner: Option<u32>,
    pub min_size: Option<u64>,
    /// Some(true): only objects some process holds; Some(false): only unheld ones.
    pub held: Option<bool>,
}

impl Filter {
    pub fn matches(&self, o: &ShmObject) -> bool {
        self.owner.is_none_or(|uid| o.uid == Some(uid))
            && self.min_size.is_none_or(|m| o.size.is_some_and(|s| s >= m))
            && self.held.is_none_or(|held| {
                if held {
                    !o.holders.is_empty()
                } else {
                    o.is_unheld()
                }
            })
    }
}

/// How one process holds one object.
#[derive(Clone, Copy, Debug, Default)]
struct Holds {
    fds: usize,
    mappings: usize,
    writable: bool,
}

/// An object being put together from the directory and the scan.
struct Found {
    kind: Kind,
    name: String,
    device: u64,
    inode: u64,
    /// Index of its `/dev/shm` in the list of directories (POSIX objects).
    dir: Option<usize>,
    linked: bool,
    stat: Option<FileStat>,
    holds: BTreeMap<i32, Holds>,
    /// A path that reaches the file through a holder: an fd's, or failing that a mapping's.
    via_fd: Option<String>,
    via_map: Option<String>,
    /// The mount namespace of its first holder (memfds).
    first_mount: Option<u64>,
    in_scope: bool,
    /// The name of a POSIX object still linked, byte for byte.
    file: Option<PosixName>,
}

impl Found {
    fn new(kind: Kind, name: String, device: u64, inode: u64, dir: Option<usize>) -> Found {
        Found {
            kind,
            name,
            device,
            inode,
            dir,
            linked: false,
            stat: None,
            holds: BTreeMap::new(),
            via_fd: None,
            via_map: None,
            first_mount: None,
            in_scope: false,
            file: None,
        }
    }
}

/// How a process holds a file, for [`Objects::hold`].
enum Hold<'a> {
    Mapping {
        start: u64,
        end: u64,
        writable: bool,
    },
    Fd {
        fd: i32,
        readonly: bool,
        stat: &'a FileStat,
    },
}

/// Objects by device and inode, in the order found.
struct Objects<'a> {
    query: &'a Query,
    dirs: &'a [ShmDir],
    found: Vec<Found>,
    index: HashMap<(u64, u64), usize>,
    memfd_devices: [Option<u64>; 2],
    /// The mount namespace whose memfds are listed (`None`: every one).
    mount_scope: Option<u64>,
}

impl Objects<'_> {
    fn add_live(&mut self, dir: usize, file: LiveFile) {
        let key = (file.stat.device, file.stat.inode);
        let mut f = Found::new(Kind::Posix, file.name.to_string(), key.0, key.1, Some(dir));
        f.file = Some(file.name);
        f.linked = true;
        f.stat = Some(file.stat);
        f.in_scope = true;
        self.index.insert(key, self.found.len());
        self.found.push(f);
    }

    /// The object a held file is, creating it when it is one not seen yet.
    fn object_of(&mut self, device: u64, inode: u64, path: &str) -> Option<usize> {
        if let Some(&i) = self.index.get(&(device, inode)) {
            return Some(i);
        }
        let found = match shmfiles::classify(path)? {
            SharedPath::Memfd { name }
                if self.query.memfd && self.memfd_devices.contains(&Some(device)) =>
            {
                Found::new(Kind::Memfd, format!("memfd:{name}"), device, inode, None)
            }
            SharedPath::InShm {
                name,
                deleted: true,
            } if self.query.posix => {
                let dir = self.dirs.iter().position(|d| d.device == device)?;
                if let Some(names) = &self.query.names
                    && !names.iter().any(|n| n.as_str().get(1..) == Some(name))
                {
                    return None;
                }
                let mut f = Found::new(Kind::Posix, format!("/{name}"), device, inode, Some(dir));
                f.in_scope = true;
                f
            }
            _ => return None,
        };
        self.index.insert((device, inode), self.found.len());
        self.found.push(found);
        Some(self.found.len() - 1)
    }

    fn hold(&mut self, p: &ProcessMaps, device: u64, inode: u64, path: &str, how: Hold) {
        let Some(i) = self.object_of(device, inode, path) else {
            return;
        };
        let in_scope = self.mount_scope.is_none() || p.mount_namespace == self.mount_scope;
        let f = &mut self.found[i];
        f.in_scope |= in_scope;
        f.first_mount = f.first_mount.or(p.mount_namespace);
        let holds = f.holds.entry(p.pid).or_default();
        match how {
            Hold::Mapping {
                start,
                end,
                writable,
            } => {
                holds.mappings += 1;
                holds.writable |= writable;
                f.via_map
                    .get_or_insert_with(|| format!("{}/map_files/{start:x}-{end:x}", p.dir));
            }
            Hold::Fd { fd, readonly, stat } => {
                holds.fds += 1;
                holds.writable |= !readonly;
                if f.stat.is_none() {
                    f.stat = Some(*stat);
                }
                f.via_fd.get_or_insert_with(|| format!("{}/fd/{fd}", p.dir));
            }
        }
    }
}

/// The `/dev/shm` directories a query looks at, and their objects.
fn directories(
    query: &Query,
    mounts: Option<&BTreeMap<u64, Vec<i32>>>,
) -> Result<Vec<(ShmDir, Vec<LiveFile>)>> {
    if !query.posix {
        return Ok(Vec::new());
    }
    let dirs = match mounts {
        Some(m) => posix::all(m),
        None => vec![posix::open(query.place)?],
    };
    dirs.into_iter()
        .map(|d| {
            let files = match &query.names {
                Some(names) => names
                    .iter()
                    .filter_map(|n| posix::lookup(&d, n).transpose())
                    .collect::<Result<Vec<_>>>()?,
                None => match posix::files(&d) {
                    Ok(f) => f,
                    // With every namespace, one that vanished meanwhile is not an error.
                    Err(_) if mounts.is_some() => Vec::new(),
                    Err(e) => return Err(e),
                },
            };
            Ok((d, files))
        })
        .collect()
}

/// Gather the objects a query asks for, with their holders, from one scan of /proc.
pub fn gather(query: &Query) -> Result<ObjectListing> {
    let scan = processes::scan_with(Options {
        namespace: processes::current_namespace(),
        files: true,
    });
    gather_from(query, &scan)
}

/// The same from a scan made with [`Options::files`]: one pass over /proc that also
/// serves the holders of System V segments ([`holders::by_shmid`]).
pub fn gather_from(query: &Query, scan: &Scan) -> Result<ObjectListing> {
    let mounts = query.all_namespaces.then(|| namespaces::all_mount().0);
    let with_files = directories(query, mounts.as_ref())?;
    Ok(compose(query, with_files, scan, mounts.as_ref()))
}

/// Put the objects together from the directories' files and the scan.
fn compose(
    query: &Query,
    with_files: Vec<(ShmDir, Vec<LiveFile>)>,
    scan: &Scan,
    mounts: Option<&BTreeMap<u64, Vec<i32>>>,
) -> ObjectListing {
    let (dirs, files): (Vec<ShmDir>, Vec<Vec<LiveFile>>) = with_files.into_iter().unzip();
    let mut objects = Objects {
        query,
        dirs: &dirs,
        found: Vec::new(),
        index: HashMap::new(),
        memfd_devices: [
            sys::posix::memfd_device(false),
            sys::posix::memfd_device(true),
        ],
        mount_scope: if query.all_namespaces {
            None
        } else {
            query.place.mount_namespace()
        },
    };
    for (i, list) in files.into_iter().enumerate() {
        for file in list {
            objects.add_live(i, file);
        }
    }
    for p in &scan.processes {
        for m in &p.file_mappings {
            let how = Hold::Mapping {
                start: m.start,
                end: m.end,
                writable: m.writable,
            };
            objects.hold(p, m.device, m.inode, &m.path, how);
        }
        for f in &p.fds {
            let how = Hold::Fd {
                fd: f.fd,
                readonly: f.readonly,
                stat: &f.stat,
            };
            objects.hold(p, f.stat.device, f.stat.inode, &f.path, how);
        }
    }
    let mut unreadable = holders::unreadable_files(scan);
    if query.posix && !query.include_unknown {
        unreadable.hidden = Viewer::this_process().hidden();
    }
    let complete = unreadable.is_empty();
    let by_pid: HashMap<i32, &ProcessMaps> = scan.processes.iter().map(|p| (p.pid, p)).collect();
    let mut names = Names::default();
    let hugetlb = objects.memfd_devices[1];
    let found = std::mem::take(&mut objects.found);
    let mut list: Vec<(Option<usize>, ShmObject)> = found
        .into_iter()
        .filter(|f| f.in_scope)
        .filter_map(|f| {
            let order = f.dir;
            let namespace = match f.dir {
                Some(d) => dirs[d].namespace.clone(),
                None => mounts.and_then(|m| {
                    let inode = f.first_mount?;
                    Some(namespaces::describe(inode, m.get(&inode)?))
                }),
            };
            let path = (f.linked)
                .then(|| f.dir.map(|d| format!("{}/{}", dirs[d].path, &f.name[1..])))
                .flatten();
            let object = finish(f, complete, hugetlb, &by_pid, &mut names)?;
            Some((
                order,
                ShmObject {
                    namespace,
                    path,
                    ..object
                },
            ))
        })
        .collect();
    list.sort_by(|(da, a), (db, b)| {
        (a.kind, da, &a.name, a.inode).cmp(&(b.kind, db, &b.name, b.inode))
    });
    ObjectListing {
        objects: list.into_iter().map(|(_, o)| o).collect(),
        unreadable,
    }
}

/// The object as shown: its file's metadata (read through a holder when it has no name
/// left), its holders and its status; `None` for a file found not to be a regular one
/// (a FIFO or a device node of /dev/shm is no shared memory), or for a semaphore.
fn finish(
    f: Found,
    complete: bool,
    hugetlb: Option<u64>,
    by_pid: &HashMap<i32, &ProcessMaps>,
    names: &mut Names,
) -> Option<ShmObject> {
    let same = |st: &FileStat| st.device == f.device && st.inode == f.inode;
    let stat = f.stat.or_else(|| {
        // Only mapped: map_files reaches the file (with CAP_SYS_ADMIN).
        f.via_map
            .as_deref()
            .and_then(fds::stat)
            .filter(|st| same(st))
    });
    if stat.is_some_and(|st| !st.is_regular()) {
        return None;
    }
    // A semaphore unlinked while open is still no shared memory.
    if f.kind == Kind::Posix && stat.is_some_and(|st| posix::is_semaphore(&f.name, &st)) {
        return None;
    }
    let seals = (f.kind == Kind::Memfd)
        .then(|| {
            f.via_fd
                .iter()
                .chain(&f.via_map)
                .find_map(|path| fds::seals(path, f.device, f.inode))
                .map(seal_names)
        })
        .flatten();
    let holders: Vec<ObjectHolder> = f
        .holds
        .iter()
        .map(|(pid, h)| {
            let p = by_pid.get(pid);
            let uid = p.map_or(u32::MAX, |p| p.uid);
            ObjectHolder {
                pid: *pid,
                command: p.map(|p| p.comm.clone()).unwrap_or_default(),
                uid,
                user: names.user(uid),
                fds: h.fds,
                mappings: h.mappings,
                readonly: !h.writable,
            }
        })
        .collect();
    let mut status = Vec::new();
    if f.kind == Kind::Posix && !f.linked {
        status.push(DELETED);
    }
    if f.kind == Kind::Posix && f.linked && holders.is_empty() && complete {
        status.push(UNHELD);
    }
    if f.kind == Kind::Memfd && hugetlb == Some(f.device) {
        status.push(HUGETLB);
    }
    Some(ShmObject {
        kind: f.kind,
        name: f.name,
        file: f.file,
        inode: f.inode,
        size: stat.map(|s| s.size),
        allocated: stat.map(|s| s.allocated),
        uid: stat.map(|s| s.uid),
        gid: stat.map(|s| s.gid),
        owner: stat.map(|s| names.user(s.uid)),
        group: stat.map(|s| names.group(s.gid)),
        perms: stat.map(|s| format!("{:o}", s.mode & 0o777)),
        mtime: stat.map(|s| s.mtime),
        status,
        holders,
        seals,
        namespace: None,
        mode: stat.map(|s| s.mode),
        path: None,
        device: f.device,
    })
}
