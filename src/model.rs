//! Plain data, gathered from the kernel, ready to render as a table, JSON or raw text.
//! Field names here are the stable JSON names documented in shmctl-rs(1). Nothing here
//! reads the kernel or /proc: gathering lives in `gather` (and `ring`, `bench`).
//! Segments are here; POSIX objects and memfds in `posix`; a ring's state and a run's
//! summary in `ring`; benchmark results in `bench`.

pub mod bench;
pub mod posix;
pub mod ring;

use crate::proc::sysvipc::ShmRecord;
use crate::sys::shm::{Key, ShmId};
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
    /// Whether cpid and lpid still run, where a command looked (`info`).
    #[serde(skip)]
    pub cpid_state: Option<Liveness>,
    #[serde(skip)]
    pub lpid_state: Option<Liveness>,
}

/// Whether a process named by a pid still runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Liveness {
    Running,
    Exited,
}

impl Liveness {
    pub fn name(self) -> &'static str {
        match self {
            Liveness::Running => "running",
            Liveness::Exited => "exited",
        }
    }
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

/// An IPC namespace, and one process in it so a person can tell which container it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Namespace {
    /// The namespace's inode, as in `ipc:[4026531839]`.
    pub inode: u64,
    pub pid: Option<i32>,
    pub comm: Option<String>,
}

/// Processes whose maps could not be read, so a list of holders may miss some.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unreadable {
    pub pids: Vec<i32>,
    /// Whether the reader was root (then not even root may read them).
    pub as_root: bool,
}

impl Unreadable {
    pub fn is_empty(&self) -> bool {
        self.pids.is_empty()
    }
}

impl Segment {
    /// The segment as its /proc line states it; user and group names come from `names`.
    pub fn from_record(r: &ShmRecord, owner: String, group: String) -> Segment {
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
            owner,
            group,
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
            cpid_state: None,
            lpid_state: None,
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

    pub fn is_dest(&self) -> bool {
        self.status.contains(&"dest")
    }
}

/// The listing `ls --json` prints.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Listing {
    pub segments: Vec<Segment>,
    /// With `--pids`: processes whose maps could not be read.
    #[serde(skip)]
    pub unreadable: Unreadable,
}

/// `info --json`: the `ls --json` object plus what only IPC_STAT and the page size tell.
#[derive(Debug, Serialize)]
pub struct SegmentInfo {
    #[serde(flatten)]
    pub segment: Segment,
    /// The IPC slot sequence number (IPC_STAT's `__seq`).
    pub seq: u16,
    /// The size rounded up to whole pages, as the kernel allocates it.
    pub pages: u64,
    pub page_size: u64,
    /// Processes whose maps could not be read (permission), so `attached` may miss some.
    pub unreadable_processes: usize,
    #[serde(skip)]
    pub unreadable: Unreadable,
    /// The segment was removed (key 0 in /proc) and `key` is the one its holders'
    /// mappings still name.
    pub key_from_maps: bool,
}

/// `limits --json`. Byte totals saturate at 2^64 − 1 (SHMALL's default in bytes is larger).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LimitsReport {
    /// Largest segment, bytes (kernel.shmmax).
    pub shmmax: u64,
    /// Smallest segment, bytes.
    pub shmmin: u64,
    /// Most segments in this IPC namespace (kernel.shmmni).
    pub shmmni: u64,
    /// Most pages all segments may use together (kernel.shmall).
    pub shmall: u64,
    /// shmall × page_size.
    pub shmall_bytes: u64,
    pub page_size: u64,
    /// Segments in use.
    pub segments: u64,
    /// Pages allocated to segments.
    pub pages: u64,
    /// pages × page_size.
    pub bytes: u64,
    pub rss_pages: u64,
    pub swap_pages: u64,
    /// kernel.shm_rmid_forced: segments are removed when their last process exits.
    pub rmid_forced: Option<bool>,
}

/// A segment `create` made.
#[derive(Debug, Serialize)]
pub struct Created {
    pub shmid: ShmId,
    pub key: Key,
    pub key_hex: String,
    pub size: u64,
    pub perms: String,
    /// The raw permission bits, for the sentence people read.
    #[serde(skip)]
    pub mode: u32,
}

/// The attachment `attach` holds.
#[derive(Debug, Serialize)]
pub struct Attached {
    pub shmid: ShmId,
    pub key: Key,
    pub address: String,
    pub size: u64,
    pub readonly: bool,
    pub nattch: u64,
    pub pid: u32,
    /// How long it is held: `None` until a signal.
    #[serde(skip)]
    pub timeout: Option<std::time::Duration>,
}

/// The end of an `attach`: said to people, silent in JSON (one document per run).
#[derive(Debug, Serialize)]
pub struct Detached {
    pub shmid: ShmId,
}

/// What `chmod` or `chown` left a segment with.
#[derive(Debug, Serialize)]
pub struct OwnerAndMode {
    pub shmid: ShmId,
    pub owner: String,
    pub group: String,
    pub mode: u32,
}

/// What happened to one named segment in `rm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Gone at once: nobody had it attached (or held it).
    Removed,
    /// Still attached: marked for destruction, freed at the last detach. A POSIX object
    /// still held is unlinked: its name is gone, its memory freed when the last holder
    /// lets go.
    Marked,
    WouldRemove,
    WouldMark,
    Failed,
}

#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// As named on the command line.
    pub target: String,
    pub shmid: Option<ShmId>,
    pub key: Option<Key>,
    pub size: Option<u64>,
    pub nattch: Option<u64>,
    pub action: Action,
    pub error: Option<String>,
    /// A POSIX object's name, inode, allocated bytes and holders (segments have none).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub object: Option<posix::RemovedObject>,
}

/// `rm --json`: every outcome, and what was freed at once.
#[derive(Debug, Serialize)]
pub struct RmReport {
    pub dry_run: bool,
    pub results: Vec<Outcome>,
    /// Bytes freed at once (segments still attached are freed later).
    pub freed_bytes: u64,
    /// `rm --orphans`: a total line follows the outcomes.
    #[serde(skip)]
    pub orphans: bool,
    /// `rm --posix --unheld`: a total line follows the outcomes.
    #[serde(skip)]
    pub unheld: bool,
}
