//! Plain data, gathered from the kernel, ready to render as a table, JSON or raw text.
//! Field names here are the stable JSON names documented in shmctl-rs(1). Nothing here
//! reads the kernel or /proc: gathering lives in `gather` (and `ring`, `bench`).
//! Segments are here; POSIX objects and memfds in `posix`; a ring's state and a run's
//! summary in `ring`; benchmark results in `bench`.

pub mod app;
pub mod bench;
pub mod header;
pub mod metrics;
pub mod object;
pub mod posix;
pub mod ring;

use crate::proc::sysvipc::ShmRecord;
use crate::sys::shm::{Key, ShmId};
use app::App;
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
    /// The owner's name, or the uid as a string when it has none (lsipc's OWNER).
    pub owner: String,
    /// The names of the owner's group, the creator and the creator's group; null when
    /// the id has no name (as lsipc prints them).
    pub group: Option<String>,
    pub cuid: u32,
    pub cuser: Option<String>,
    pub cgid: u32,
    pub cgroup: Option<String>,
    pub cpid: i32,
    /// The creator's command line (`/proc/CPID/cmdline`) while it runs; null once it is
    /// gone (a pid reused by a later process is not the creator).
    pub command: Option<String>,
    pub lpid: i32,
    /// Unix seconds of the last attach, detach and change; null when never.
    pub atime: Option<i64>,
    pub dtime: Option<i64>,
    pub ctime: Option<i64>,
    /// Bytes resident in memory and in swap. For a hugetlb segment `rss` is corrected
    /// where the kernel counts each huge page as many small ones.
    pub rss: Option<u64>,
    pub swap: Option<u64>,
    /// rss as `/proc/sysvipc/shm` states it.
    pub kernel_rss: Option<u64>,
    /// `dest` (marked for destruction), `locked` (SHM_LOCK), `hugetlb` (SHM_HUGETLB,
    /// where that can be told).
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
    /// With `--orphans`: nobody attached and its creator is known to be gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orphan: Option<bool>,
    /// With `--app` (always in `info`): the application it belongs to, null when
    /// nothing tells.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<Option<App>>,
    /// With `--orphans`: whether the creator still runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpid_state: Option<Liveness>,
}

/// Whether a process named by a pid still runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Liveness {
    Running,
    /// Exited; its parent has not reaped it yet.
    Zombie,
    Exited,
    /// This process cannot see it (another PID namespace, `hidepid=`, permissions).
    Unknown,
}

impl Liveness {
    pub fn name(self) -> &'static str {
        match self {
            Liveness::Running => "running",
            Liveness::Zombie => "zombie",
            Liveness::Exited => "exited",
            Liveness::Unknown => "unknown",
        }
    }

    /// Known to have exited (a zombie has).
    pub fn is_gone(self) -> bool {
        matches!(self, Liveness::Exited | Liveness::Zombie)
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
    /// How many of its mappings are read-only (a process may attach once read-write and
    /// once SHM_RDONLY).
    pub readonly_attachments: usize,
    /// Mapped from hugetlbfs (the segment was made with SHM_HUGETLB).
    pub hugetlb: bool,
}

impl Holder {
    /// `1234 app`, `1234 app x2`, `1234 app ro`, `1234 app x2 rw+ro` (attached read-write
    /// and read-only).
    pub fn short(&self) -> String {
        let mut s = format!("{} {}", self.pid, self.comm);
        if self.attachments > 1 {
            s.push_str(&format!(" x{}", self.attachments));
        }
        if self.readonly {
            s.push_str(" ro");
        } else if self.readonly_attachments > 0 {
            s.push_str(" rw+ro");
        }
        s
    }

    /// `read-write`, `read-only`, or both when it maps the segment both ways.
    pub fn access(&self) -> &'static str {
        if self.readonly {
            "read-only"
        } else if self.readonly_attachments > 0 {
            "read-write+read-only"
        } else {
            "read-write"
        }
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
    /// Why processes may be there that this process cannot even see (another PID
    /// namespace, `hidepid=`): then, too, nobody can tell that nothing holds a file.
    pub hidden: Option<&'static str>,
}

impl Unreadable {
    pub fn is_empty(&self) -> bool {
        self.pids.is_empty() && self.hidden.is_none()
    }
}

/// The names of a segment's ids, looked up by whoever gathers it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdNames {
    pub owner: String,
    pub group: Option<String>,
    pub cuser: Option<String>,
    pub cgroup: Option<String>,
}

impl Segment {
    /// The segment as its /proc line states it, with the names of its ids.
    pub fn from_record(r: &ShmRecord, names: IdNames) -> Segment {
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
            owner: names.owner,
            group: names.group,
            cuid: r.cuid,
            cuser: names.cuser,
            cgid: r.cgid,
            cgroup: names.cgroup,
            cpid: r.cpid,
            command: None,
            lpid: r.lpid,
            atime: r.atime,
            dtime: r.dtime,
            ctime: r.ctime,
            rss: r.rss,
            swap: r.swap,
            kernel_rss: r.rss,
            status,
            mode: r.mode,
            attached: None,
            namespace: None,
            orphan: None,
            app: None,
            cpid_state: None,
        }
    }

    /// Record its holders; a holder mapping it from hugetlbfs shows it was made with
    /// SHM_HUGETLB (the kernel keeps that flag nowhere else).
    pub fn set_holders(&mut self, holders: Vec<Holder>) {
        if holders.iter().any(|h| h.hugetlb) {
            self.mark_hugetlb();
        }
        self.attached = Some(holders);
    }

    pub fn is_dest(&self) -> bool {
        self.status.contains(&"dest")
    }

    pub fn is_hugetlb(&self) -> bool {
        self.status.contains(&"hugetlb")
    }

    /// Mark it as made with SHM_HUGETLB.
    pub fn mark_hugetlb(&mut self) {
        if !self.is_hugetlb() {
            self.status.push("hugetlb");
        }
    }
}

/// The listing `ls --json` prints.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Listing {
    pub segments: Vec<Segment>,
    /// With `--pids`: processes whose maps could not be read.
    #[serde(skip)]
    pub unreadable: Unreadable,
    /// With `--app`: segments whose header this command read with a read-only attach.
    #[serde(skip)]
    pub attached: Vec<ShmId>,
    /// With `--orphans`: segments left out because nobody can tell whether their creator
    /// runs (see `--include-unknown`).
    #[serde(skip)]
    pub unknown_creators: Vec<ShmId>,
    /// With `--all-namespaces`: namespaces this process may not enter.
    #[serde(skip)]
    pub not_entered: Vec<Namespace>,
    /// With `--all-namespaces`: processes whose namespace could not be looked at.
    #[serde(skip)]
    pub hidden_processes: usize,
}

/// `info --json`: the `ls --json` object plus what only IPC_STAT and the page size tell.
#[derive(Clone, Debug, Serialize)]
pub struct SegmentInfo {
    #[serde(flatten)]
    pub segment: Segment,
    /// The IPC slot sequence number (IPC_STAT's `__seq`); null without read permission.
    pub seq: Option<u16>,
    /// Whether the creator and the last user still run; null for no pid.
    pub cpid_state: Option<Liveness>,
    pub lpid_state: Option<Liveness>,
    /// The size rounded up to whole pages, as the kernel allocates it (huge pages for a
    /// hugetlb segment).
    pub pages: u64,
    pub page_size: u64,
    /// How the header was read to tell the application: "map-files" (changing
    /// nothing), "attach" (recorded by the kernel), or null when it was not read.
    pub header_read: Option<header::HeaderRead>,
    /// What could not be read for want of permission: `seq` (IPC_STAT needs read
    /// permission), `app` (the header). Everything else comes from /proc, which every
    /// user may read.
    pub needs_permission: Vec<&'static str>,
    /// The reader's uid, to say who lacked permission.
    #[serde(skip)]
    pub viewer_uid: u32,
    /// Processes whose maps could not be read (permission), so `attached` may miss some.
    pub unreadable_processes: usize,
    #[serde(skip)]
    pub unreadable: Unreadable,
    /// The segment was removed (key 0 in /proc) and `key` is the one its holders'
    /// mappings still name.
    pub key_from_maps: bool,
}

/// `limits --json`.
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
    /// shmall × page_size, exactly (SHMALL's default in bytes is larger than 2^64).
    pub shmall_bytes: u128,
    pub page_size: u64,
    /// Segments in use.
    pub segments: u64,
    /// Pages allocated to segments.
    pub pages: u64,
    /// pages × page_size.
    pub bytes: u64,
    /// Pages resident, each huge page of a hugetlb segment counted once per small page
    /// it holds (the kernel's own figure counts it that many times over again).
    pub rss_pages: u64,
    /// The resident pages as SHM_INFO states them.
    pub kernel_rss_pages: u64,
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
    /// The key was picked at random (no --key, --ftok or --private given), as ipcmk does.
    pub key_random: bool,
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
    /// A dry run that the kernel would refuse (no permission to remove it).
    WouldFail,
    Failed,
}

impl Action {
    /// Done, or would be done: not a failure.
    pub fn succeeded(self) -> bool {
        !matches!(self, Action::Failed | Action::WouldFail)
    }
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
