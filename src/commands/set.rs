//! `chmod` and `chown`: IPC_SET on one segment. Only its owner, its creator or a process
//! with CAP_SYS_ADMIN may; anyone else gets EPERM and the segment is unchanged.

use crate::error::{Error, Result, Status};
use crate::ids::SegmentRef;
use crate::model::OwnerAndMode;
use crate::output::Output;
use crate::sys::shm;
use crate::users::Names;

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

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    let id = settings.id.resolve()?;
    let what = format!("segment {id}");
    let before = shm::stat(id).map_err(|e| Error::sys(&what, e))?;
    let (uid, gid, mode) = match settings.change {
        Change::Mode(m) => (before.uid, before.gid, m),
        Change::Owner { uid, gid } => (
            uid.unwrap_or(before.uid),
            gid.unwrap_or(before.gid),
            before.mode & 0o777,
        ),
    };
    shm::set(id, uid, gid, mode).map_err(|e| {
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
