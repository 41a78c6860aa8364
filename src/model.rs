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
        }
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
