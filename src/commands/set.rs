//! `chmod` and `chown`: IPC_SET on one segment. Only its owner, its creator or a process
//! with CAP_SYS_ADMIN may; anyone else gets EPERM and the segment is unchanged.

use crate::error::{Error, Result, Status};
use crate::gather::table;
use crate::ids::SegmentRef;
use crate::model::OwnerAndMode;
use crate::output::Output;
use crate::sys::shm::{self, ShmId};
use crate::users::Names;
use nix::errno::Errno;

/// What to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Mode(u32),
    Owner { uid: Option<u32>, gid: Option<u32> },
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub id: SegmentRef,
    pub change: Change,
}

/// The owner, group and permission bits a segment has now: from IPC_STAT, or, when that
/// is refused (it needs read permission, which the owner of a mode-000 segment lacks),
/// from the /proc table, which every user may read.
fn current(id: ShmId) -> Result<(u32, u32, u32)> {
    match shm::stat(id) {
        Ok(st) => Ok((st.uid, st.gid, st.mode & 0o777)),
        Err(e) if matches!(e.errno, Errno::EACCES | Errno::EPERM) => {
            let table = table::read()?;
            let r = table::find(&table, id)?;
            Ok((r.uid, r.gid, r.perms()))
        }
        Err(e) => Err(Error::sys(format!("segment {id}"), e)),
    }
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    let id = settings.id.resolve()?;
    let what = format!("segment {id}");
    let (old_uid, old_gid, old_mode) = current(id)?;
    let (uid, gid, mode) = match settings.change {
        Change::Mode(m) => (old_uid, old_gid, m),
        Change::Owner { uid, gid } => (uid.unwrap_or(old_uid), gid.unwrap_or(old_gid), old_mode),
    };
    shm::set(id, uid, gid, mode).map_err(|e| {
        // EINVAL from IPC_SET on a segment that is there: a uid or gid that means nobody
        // in this user namespace (4294967295 is "no id").
        let still_there = || table::read().is_ok_and(|t| table::find(&t, id).is_ok());
        if e.errno == Errno::EINVAL && still_there() {
            return Error::usage(format!(
                "{what}: uid {uid} or gid {gid} is not a valid id in this user namespace"
            ));
        }
        let mut err = Error::sys(&what, e);
        if err.status == Status::PermissionDenied {
            err.message
                .push_str(" (only the owner, the creator or CAP_SYS_ADMIN may change it)");
        }
        err
    })?;
    let mut names = Names::default();
    out.show(&OwnerAndMode {
        shmid: id,
        owner: names.user(uid),
        group: names.group(gid),
        mode,
    })?;
    Ok(Status::Ok)
}
