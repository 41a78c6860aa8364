//! What the kernel will let this process do to a segment, checked the way it checks
//! (ipc/util.c, `ipcctl_obtain_check`): IPC_RMID and IPC_SET need the caller's effective
//! uid to be the segment's owner or creator, or CAP_SYS_ADMIN.

use crate::proc::status::{CAP_SYS_ADMIN, has_capability};

/// Whether this process may remove or change a segment owned by `uid`, made by `cuid`.
pub fn may_change(uid: u32, cuid: u32) -> bool {
    let euid = nix::unistd::geteuid().as_raw();
    euid == uid || euid == cuid || has_capability(CAP_SYS_ADMIN)
}

/// Why [`may_change`] says no, in the words of the kernel's rule.
pub fn refusal(uid: u32, cuid: u32) -> String {
    format!(
        "permission denied: only its owner (uid {uid}), its creator (uid {cuid}) or CAP_SYS_ADMIN may remove or change it"
    )
}
