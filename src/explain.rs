//! Explaining a refusal of the kernel in terms of the limit or the segment at fault.

use crate::error::{Error, Status};
use crate::proc::sysvipc;
use crate::sys::shm::{self, Key};
use crate::units;
use crate::users::Names;
use nix::errno::Errno;

/// A failed `shmget(IPC_CREAT|IPC_EXCL)` of `size` bytes at `key`, made with `flags`.
pub fn create_refused(key: Key, size: u64, flags: shm::CreateFlags, errno: Errno) -> Error {
    let limits = shm::limits().ok();
    let usage = shm::usage().ok();
    let page = shm::page_size();
    match errno {
        Errno::EEXIST => {
            let mut names = Names::default();
            let existing = shm::lookup(key).ok().and_then(|id| {
                sysvipc::read()
                    .ok()?
                    .records
                    .into_iter()
                    .find(|r| r.shmid == id)
            });
            let what = match existing {
                Some(r) => format!(
                    "as shmid {} ({}, owner {}, nattch {})",
                    r.shmid,
                    units::human_size(r.size),
                    names.user(r.uid),
                    r.nattch
                ),
                None => "already".to_string(),
            };
            Error::new(
                Status::AlreadyExists,
                format!(
                    "key {key}: a segment exists {what}; choose another key, or remove it with `shmctl-rs rm {key}`"
                ),
            )
        }
        Errno::EINVAL => match limits {
            Some(l) if size < l.shmmin => Error::new(
                Status::Limit,
                format!("size {size}: smaller than SHMMIN ({} bytes)", l.shmmin),
            ),
            Some(l) if size > l.shmmax => Error::new(
                Status::Limit,
                format!(
                    "size {} ({size} bytes): larger than SHMMAX ({} bytes, kernel.shmmax)",
                    units::human_size(size),
                    l.shmmax
                ),
            ),
            _ => Error::new(
                Status::Limit,
                format!("size {size}: refused by the kernel (EINVAL)"),
            ),
        },
        Errno::ENOSPC => match (limits, usage) {
            (Some(l), Some(u)) if u.segments >= l.shmmni => Error::new(
                Status::Limit,
                format!(
                    "all {} segment ids are in use (SHMMNI, kernel.shmmni)",
                    l.shmmni
                ),
            ),
            (Some(l), Some(u)) => Error::new(
                Status::Limit,
                format!(
                    "size {}: would exceed SHMALL ({} pages of {page} bytes, kernel.shmall; {} pages in use)",
                    units::human_size(size),
                    l.shmall,
                    u.pages
                ),
            ),
            _ => Error::new(Status::Limit, "no space left: SHMMNI or SHMALL reached"),
        },
        // SHMALL is ENOSPC above; ENOMEM is memory itself: free huge pages for a hugetlb
        // segment, else the kernel's commit accounting (a segment reserves its size).
        Errno::ENOMEM if flags.hugetlb => Error::new(
            Status::Limit,
            format!(
                "size {}: not enough free huge pages (HugePages_Free in /proc/meminfo; vm.nr_hugepages)",
                units::human_size(size)
            ),
        ),
        Errno::ENOMEM => Error::new(
            Status::Limit,
            format!(
                "size {}: not enough memory: the kernel will not commit that much (more than memory and swap can back: CommitLimit and Committed_AS in /proc/meminfo, vm.overcommit_memory){}",
                units::human_size(size),
                if flags.noreserve {
                    ""
                } else {
                    "; --noreserve makes it without reserving its size"
                }
            ),
        ),
        Errno::EPERM => Error::new(
            Status::PermissionDenied,
            "permission denied: SHM_HUGETLB needs CAP_IPC_LOCK or membership in the group vm.hugetlb_shm_group names",
        ),
        e => Error::sys(format!("key {key}"), crate::sys::SysError::new("shmget", e)),
    }
}
