//! Who maps which segment: one scan of every process's maps, grouped by shmid.

use crate::model::{Holder, Unreadable};
use crate::proc::maps::{Identity, SysvMapping};
use crate::proc::processes::{self, Scan};
use crate::sys::shm::{self, ShmId};
use crate::users::Names;
use std::collections::HashMap;

/// Holders of every segment of IPC namespace `namespace` from one scan of /proc, by shmid:
/// of the segments `segments` (that namespace's table) says are there, the processes
/// whose mappings can be theirs (see [`Identity::admits`]), and none of a segment nobody
/// is attached to (a process that maps another namespace's segment with that shmid is no
/// holder of this one).
pub fn by_shmid(
    scan: &Scan,
    namespace: Option<u64>,
    segments: &HashMap<i32, Identity>,
    names: &mut Names,
) -> HashMap<i32, Vec<Holder>> {
    let shm_device = shm_device();
    let hugetlb = |m: &SysvMapping| shm_device.as_deref().is_some_and(|d| m.device != d);
    let page = shm::page_size();
    processes::by_shmid(scan, namespace)
        .into_iter()
        .filter_map(|(id, procs)| {
            let s = segments.get(&id).filter(|s| s.nattch > 0)?;
            let mut list: Vec<Holder> = procs
                .into_iter()
                .filter_map(|(p, maps)| {
                    let maps: Vec<&SysvMapping> = maps
                        .into_iter()
                        .filter(|m| s.admits(m.key, m.length, hugetlb(m), page))
                        .collect();
                    (!maps.is_empty()).then(|| Holder {
                        pid: p.pid,
                        comm: p.comm.clone(),
                        uid: p.uid,
                        user: names.user(p.uid),
                        attachments: maps.len(),
                        readonly: maps.iter().all(|m| !m.writable),
                        readonly_attachments: maps.iter().filter(|m| !m.writable).count(),
                        hugetlb: maps.iter().any(|m| hugetlb(m)),
                    })
                })
                .collect();
            list.sort_by_key(|h| h.pid);
            Some((id, list))
        })
        .collect()
}

/// The processes a scan could not read, and whether the reader was root.
pub fn unreadable(scan: &Scan) -> Unreadable {
    Unreadable {
        pids: scan.unreadable.clone(),
        as_root: nix::unistd::geteuid().is_root(),
        hidden: None,
    }
}

/// The processes whose maps or open files a scan could not read (for objects, which
/// either can hold), and whether the reader was root.
pub fn unreadable_files(scan: &Scan) -> Unreadable {
    let mut pids: Vec<i32> = scan
        .unreadable
        .iter()
        .chain(&scan.unreadable_fds)
        .copied()
        .collect();
    pids.sort_unstable();
    pids.dedup();
    Unreadable {
        pids,
        as_root: nix::unistd::geteuid().is_root(),
        hidden: None,
    }
}

/// The device of the kernel's internal shm mount as maps prints it (`00:01`): System V
/// segments live there unless made with SHM_HUGETLB (then on hugetlbfs). A memfd lives on
/// the same mount, so its `st_dev` tells the device without guessing.
pub(super) fn shm_device() -> Option<String> {
    static DEVICE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    DEVICE
        .get_or_init(|| {
            let dev = crate::sys::posix::memfd_device(false)?;
            Some(format!(
                "{:02x}:{:02x}",
                nix::sys::stat::major(dev),
                nix::sys::stat::minor(dev)
            ))
        })
        .clone()
}

/// The processes other than this one attached to `id`, as `pid 12 (ring_peer)` (a
/// command's control characters escaped: it is another user's text).
pub fn others_attached(id: ShmId) -> Vec<String> {
    let namespace = processes::current_namespace();
    let scan = processes::scan(namespace);
    let segments: HashMap<i32, Identity> = crate::proc::sysvipc::read()
        .map(|t| {
            t.records
                .iter()
                .filter(|r| r.shmid == id)
                .map(|r| (id.0, super::peek::identity_of_record(r)))
                .collect()
        })
        .unwrap_or_default();
    let me = std::process::id() as i32;
    by_shmid(&scan, namespace, &segments, &mut Names::default())
        .remove(&id.0)
        .unwrap_or_default()
        .into_iter()
        .filter(|h| h.pid != me)
        .map(|h| {
            format!(
                "pid {} ({})",
                h.pid,
                crate::render::cell::printable(&h.comm)
            )
        })
        .collect()
}
