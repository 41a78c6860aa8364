//! `chmod` and `chown`: IPC_SET on one segment. Only its owner, its creator or a process
//! with CAP_SYS_ADMIN may; anyone else gets EPERM and the segment is unchanged.

use crate::error::{Error, Result, Status};
use crate::ids::SegmentRef;
use crate::sys::shm;
use crate::units;
use crate::users::Names;
use std::io::Write;

/// What to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Mode(u32),
    Owner { uid: Option<u32>, gid: Option<u32> },
}

/// `USER`, `USER:GROUP` or `:GROUP`.
pub fn parse_owner(text: &str) -> Result<Change> {
    let (user, group) = match text.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (text, None),
    };
    let uid = (!user.is_empty())
        .then(|| Names::parse_user(user))
        .transpose()
        .map_err(Error::usage)?;
    let gid = group
        .filter(|g| !g.is_empty())
        .map(Names::parse_group)
        .transpose()
        .map_err(Error::usage)?;
    if uid.is_none() && gid.is_none() {
        return Err(Error::usage(format!(
            "owner '{text}': expected USER, USER:GROUP or :GROUP"
        )));
    }
    Ok(Change::Owner { uid, gid })
}

pub fn run(id: SegmentRef, change: Change, out: &mut dyn Write) -> Result<Status> {
    let id = id.resolve()?;
    let what = format!("segment {id}");
    let before = shm::stat(id).map_err(|e| Error::sys(&what, e))?;
    let (uid, gid, mode) = match change {
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
    writeln!(
        out,
        "segment {id}: owner {}:{}, perms {:o} ({})",
        names.user(uid),
        names.group(gid),
        mode,
        units::mode_string(mode)
    )?;
    Ok(Status::Ok)
}
