//! Plain data, gathered from the kernel, ready to render as a table, JSON or raw text.
//! Field names here are the stable JSON names documented in shmctl-rs(1).

use crate::proc::sysvipc::ShmRecord;
use crate::sys::shm::{Key, ShmId};
use crate::units;
use crate::users::Names;
use serde::Serialize;

/// One segment, as `ls --json` and `info --json` print it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub shmid: ShmId,
    /// The key as an unsigned 32-bit number (0 for IPC_PRIVATE or after IPC_RMID).
    pub key: Key,
    /// The key as people write it, `0x81000001`.
    pub key_hex: String,
    pub size: u64,
    pub nattch: u64,
    /// Permission bits in octal, e.g. `"640"`.
    pub perms: String,
    pub uid: u32,
    pub gid: u32,
    pub owner: String,
    pub group: String,
    pub cuid: u32,
    pub cgid: u32,
    pub cpid: i32,
    pub lpid: i32,
    /// Unix seconds of the last attach, detach and change; null when never.
    pub atime: Option<i64>,
    pub dtime: Option<i64>,
    pub ctime: Option<i64>,
    /// Bytes resident in memory and in swap.
    pub rss: Option<u64>,
    pub swap: Option<u64>,
    /// `dest` (marked for destruction), `locked` (SHM_LOCK).
    pub status: Vec<&'static str>,
    /// The raw mode (permission and status bits), for raw output.
    #[serde(skip)]
    pub mode: u32,
    /// With `--pids` (and in `info`): the processes that have it mapped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attached: Option<Vec<Holder>>,
    /// With `--all-namespaces`: the IPC namespace it lives in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Namespace>,
    /// With `--orphans`: nobody attached and its creator is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orphan: Option<bool>,
}

/// A process that has a segment mapped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holder {
    pub pid: i32,
    pub comm: String,
    pub uid: u32,
    pub user: String,
    /// How many times it maps the segment (each shmat is a mapping).
    pub attachments: usize,
    /// Every one of its mappings is read-only (SHM_RDONLY).
    pub readonly: bool,
    /// Mapped from hugetlbfs (the segment was made with SHM_HUGETLB).
    pub hugetlb: bool,
}

/// An IPC namespace, and one process in it so a person can tell which container it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Namespace {
    /// The namespace's inode, as in `ipc:[4026531839]`.
    pub inode: u64,
    pub pid: Option<i32>,
    pub comm: Option<String>,
}

impl Holder {
    /// `1234 app`, `1234 app x2`, `1234 app ro`.
    pub fn short(&self) -> String {
        let mut s = format!("{} {}", self.pid, self.comm);
        if self.attachments > 1 {
            s.push_str(&format!(" x{}", self.attachments));
        }
        if self.readonly {
            s.push_str(" ro");
        }
        s
    }
}

/// Holders of every segment of IPC namespace `namespace` from one scan of /proc, by shmid.
pub fn holders(
    scan: &crate::proc::processes::Scan,
    namespace: Option<u64>,
    names: &mut Names,
) -> std::collections::HashMap<i32, Vec<Holder>> {
    let shm_device = crate::proc::maps::shm_device();
    crate::proc::processes::by_shmid(scan, namespace)
        .into_iter()
        .map(|(id, procs)| {
            let mut list: Vec<Holder> = procs
                .into_iter()
                .map(|(p, maps)| Holder {
                    pid: p.pid,
                    comm: p.comm.clone(),
                    uid: p.uid,
                    user: names.user(p.uid),
                    attachments: maps.len(),
                    readonly: maps.iter().all(|m| !m.writable),
                    hugetlb: shm_device
                        .as_deref()
                        .is_some_and(|d| maps.iter().any(|m| m.device != d)),
                })
                .collect();
            list.sort_by_key(|h| h.pid);
            (id, list)
        })
        .collect()
}

impl Segment {
    pub fn from_record(r: &ShmRecord, names: &mut Names) -> Segment {
        let mut status = Vec::new();
        if r.is_dest() {
            status.push("dest");
        }
        if r.is_locked() {
            status.push("locked");
        }
        Segment {
            shmid: r.shmid,
            key: r.key,
            key_hex: r.key.to_string(),
            size: r.size,
            nattch: r.nattch,
            perms: format!("{:o}", r.perms()),
            uid: r.uid,
            gid: r.gid,
            owner: names.user(r.uid),
            group: names.group(r.gid),
            cuid: r.cuid,
            cgid: r.cgid,
            cpid: r.cpid,
            lpid: r.lpid,
            atime: r.atime,
            dtime: r.dtime,
            ctime: r.ctime,
            rss: r.rss,
            swap: r.swap,
            status,
            mode: r.mode,
            attached: None,
            namespace: None,
            orphan: None,
        }
    }

    /// Record its holders; a holder mapping it from hugetlbfs shows it was made with
    /// SHM_HUGETLB (the kernel keeps that flag nowhere else).
    pub fn set_holders(&mut self, holders: Vec<Holder>) {
        if holders.iter().any(|h| h.hugetlb) && !self.status.contains(&"hugetlb") {
            self.status.push("hugetlb");
        }
        self.attached = Some(holders);
    }

    /// Nobody has it attached and the process that created it is gone (a pid reused by a
    /// process that started later does not count as the creator).
    pub fn is_orphan(&self) -> bool {
        self.nattch == 0 && !crate::proc::processes::creator_alive(self.cpid, self.ctime)
    }

    pub fn is_dest(&self) -> bool {
        self.status.contains(&"dest")
    }

    /// `4 KiB` by default, `4096` with exact bytes.
    pub fn size_text(&self, bytes: bool) -> String {
        size_text(self.size, bytes)
    }
}

pub fn size_text(size: u64, bytes: bool) -> String {
    if bytes {
        size.to_string()
    } else {
        units::human_size(size)
    }
}

/// The listing `ls --json` prints.
#[derive(Debug, Serialize)]
pub struct Listing<'a> {
    pub segments: &'a [Segment],
}
