//! POSIX shared-memory objects (files of a `/dev/shm` tmpfs, as `shm_open` makes them) and
//! memfds, each with the processes that hold it. Field names are the stable JSON names of
//! `ls --posix --json` and `ls --memfd --json`.

use super::{Namespace, Unreadable};
use crate::ids::PosixName;
use serde::Serialize;

/// Which kind of object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A file of a `/dev/shm` tmpfs (`shm_open`), linked or unlinked but still held.
    Posix,
    /// An anonymous file of `memfd_create`, alive while some process holds it.
    Memfd,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Posix => "posix",
            Kind::Memfd => "memfd",
        }
    }
}

/// A process that maps an object or holds it open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectHolder {
    pub pid: i32,
    /// Its command name (`/proc/PID/comm`).
    pub command: String,
    pub uid: u32,
    pub user: String,
    /// Open file descriptors of the object.
    pub fds: usize,
    /// Mappings of it (lines of `/proc/PID/maps`).
    pub mappings: usize,
    /// Every mapping is read-only and every fd was opened for reading only.
    pub readonly: bool,
}

impl ObjectHolder {
    /// `4242 python3 (2 fds, map)`, `17 app (map, ro)`.
    pub fn short(&self) -> String {
        let mut how = Vec::new();
        match self.fds {
            0 => {}
            1 => how.push("fd".to_string()),
            n => how.push(format!("{n} fds")),
        }
        match self.mappings {
            0 => {}
            1 => how.push("map".to_string()),
            n => how.push(format!("{n} maps")),
        }
        if self.readonly {
            how.push("ro".to_string());
        }
        format!("{} {} ({})", self.pid, self.command, how.join(", "))
    }
}

/// Status words of an object.
pub const DELETED: &str = "deleted";
pub const UNHELD: &str = "unheld";
pub const HUGETLB: &str = "hugetlb";

/// One object, as `ls --posix --json` and `ls --memfd --json` print it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShmObject {
    pub kind: Kind,
    /// `/NAME` as given to `shm_open`, or `memfd:NAME` as given to `memfd_create`.
    pub name: String,
    pub inode: u64,
    /// Size and allocated bytes (tmpfs blocks: what it costs in memory and swap); null
    /// when no reading of it was allowed (an unlinked object or memfd only mapped, read by
    /// a user without CAP_SYS_ADMIN).
    pub size: Option<u64>,
    pub allocated: Option<u64>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub owner: Option<String>,
    pub group: Option<String>,
    /// Permission bits in octal, e.g. `"600"`.
    pub perms: Option<String>,
    /// Last modification (a write or ftruncate), Unix seconds.
    pub mtime: Option<i64>,
    /// `deleted` (unlinked, alive while held), `unheld` (no process maps or holds it, and
    /// every process could be read), `hugetlb` (a memfd of huge pages).
    pub status: Vec<&'static str>,
    pub holders: Vec<ObjectHolder>,
    /// A memfd's seals (`F_GET_SEALS`): `seal`, `shrink`, `grow`, `write`, `future-write`,
    /// `exec`; null for a POSIX object, or when no holder's file could be opened.
    pub seals: Option<Vec<&'static str>>,
    /// With `--all-namespaces`: the mount namespace whose `/dev/shm` holds it (for a
    /// memfd: that of its first holder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Namespace>,
    /// The mode (type and permission bits), for tables and sorting.
    #[serde(skip)]
    pub mode: Option<u32>,
    /// The file's path (`/dev/shm/NAME`, through `/proc/PID/root` for another mount
    /// namespace), for a POSIX object still linked.
    #[serde(skip)]
    pub path: Option<String>,
    /// The backing filesystem's device.
    #[serde(skip)]
    pub device: u64,
    /// A linked POSIX object's name, byte for byte (`name` shows it escaped when it is
    /// not UTF-8).
    #[serde(skip)]
    pub file: Option<PosixName>,
}

impl ShmObject {
    pub fn is_deleted(&self) -> bool {
        self.status.contains(&DELETED)
    }
    pub fn is_unheld(&self) -> bool {
        self.status.contains(&UNHELD)
    }
}

/// `F_GET_SEALS` bits, by name.
pub fn seal_names(bits: u32) -> Vec<&'static str> {
    const NAMES: [(u32, &str); 6] = [
        (libc::F_SEAL_SEAL as u32, "seal"),
        (libc::F_SEAL_SHRINK as u32, "shrink"),
        (libc::F_SEAL_GROW as u32, "grow"),
        (libc::F_SEAL_WRITE as u32, "write"),
        (libc::F_SEAL_FUTURE_WRITE as u32, "future-write"),
        (0x20, "exec"), // F_SEAL_EXEC (Linux 6.3)
    ];
    NAMES
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

/// `ls --posix --json`, `ls --memfd --json`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ObjectListing {
    pub objects: Vec<ShmObject>,
    /// Processes whose maps or fds could not be read: their holds are missing, and no
    /// object is called unheld.
    #[serde(skip)]
    pub unreadable: Unreadable,
}

/// `info /NAME --json`, `info memfd:INODE --json`: the object and what its listing adds.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectInfo {
    #[serde(flatten)]
    pub object: ShmObject,
    /// The file's path, for a POSIX object still linked.
    pub path: Option<String>,
    /// Processes whose maps or fds could not be read; holders may miss them.
    pub unreadable_processes: usize,
    #[serde(skip)]
    pub unreadable: Unreadable,
    /// Other unlinked objects of the same name still held (`info` shows the first).
    #[serde(skip)]
    pub others: usize,
}

impl ObjectInfo {
    /// `object` as its listing found it, beside `others` unlinked ones of its name, from
    /// a scan that could not read `unreadable`.
    pub fn of(object: ShmObject, others: usize, unreadable: Unreadable) -> ObjectInfo {
        ObjectInfo {
            path: object.path.clone(),
            object,
            unreadable_processes: unreadable.pids.len(),
            unreadable,
            others,
        }
    }
}

/// A POSIX object `create --posix` made.
#[derive(Debug, Serialize)]
pub struct CreatedObject {
    pub name: String,
    pub path: String,
    pub inode: u64,
    pub size: u64,
    /// Permission bits as the file has them, octal.
    pub perms: String,
    #[serde(skip)]
    pub mode: u32,
}

/// What `rm` says of a POSIX object, beside what it says of any target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RemovedObject {
    pub name: String,
    pub inode: u64,
    /// Bytes it occupied, freed when its last holder lets go (at once when unheld).
    pub allocated: u64,
    /// The processes that still hold it.
    pub holders: Vec<ObjectHolder>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_by_name_and_holders_in_short() {
        assert_eq!(seal_names(1), ["seal"]);
        assert_eq!(seal_names(0b1110), ["shrink", "grow", "write"]);
        assert!(seal_names(0).is_empty());
        let h = ObjectHolder {
            pid: 42,
            command: "python3".into(),
            uid: 0,
            user: "root".into(),
            fds: 2,
            mappings: 1,
            readonly: false,
        };
        assert_eq!(h.short(), "42 python3 (2 fds, map)");
        let ro = ObjectHolder {
            fds: 0,
            mappings: 3,
            readonly: true,
            ..h
        };
        assert_eq!(ro.short(), "42 python3 (3 maps, ro)");
    }
}
