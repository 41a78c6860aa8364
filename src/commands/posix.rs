//! POSIX objects and memfds: `ls --posix` / `ls --memfd`, `info /NAME`, `info memfd:INODE`,
//! `create --posix`, and what `rm` does with POSIX names and `--posix --unheld`.

use crate::error::{Error, Result, Status};
use crate::gather::objects::{self, Filter, Query};
use crate::gather::posix::{self, Place};
use crate::ids::PosixName;
use crate::model::posix::{
    CreatedObject, Kind, ObjectInfo, ObjectListing, RemovedObject, ShmObject,
};
use crate::model::{Action, Outcome, Unreadable};
use crate::output::{self, Output};
use crate::render::Format;
use crate::render::ls::Look;
use crate::render::posix::{HIDDEN_HINT, ObjectColumn, Objects, unreadable_objects_note};
use crate::sys;
use nix::errno::Errno;

#[derive(Clone, Debug)]
pub struct LsSettings {
    pub query: Query,
    pub filter: Filter,
    pub columns: Vec<ObjectColumn>,
    pub sort: Option<ObjectColumn>,
    pub reverse: bool,
    pub look: Look,
}

/// Nothing is called unheld while some process could not be looked at.
fn complete(unreadable: &Unreadable) -> Result<()> {
    if unreadable.is_empty() {
        return Ok(());
    }
    let note = unreadable_objects_note(unreadable);
    let note = note.trim_end_matches('.');
    let mut chars = note.chars();
    let first = chars.next().map(|c| c.to_lowercase().to_string());
    let hint = if unreadable.hidden.is_some() {
        format!(" ({HIDDEN_HINT})")
    } else {
        String::new()
    };
    Err(Error::new(
        Status::PermissionDenied,
        format!(
            "cannot tell which POSIX objects are unheld: {}{}{hint}",
            first.unwrap_or_default(),
            chars.as_str()
        ),
    ))
}

pub fn ls(settings: &LsSettings, out: &mut Output) -> Result<Status> {
    let mut listing = objects::gather(&settings.query)?;
    if settings.filter.held == Some(false) {
        complete(&listing.unreadable)?;
    }
    listing.objects.retain(|o| settings.filter.matches(o));
    if let Some(column) = settings.sort {
        listing.objects.sort_by(|a, b| column.compare(a, b));
    }
    if settings.reverse {
        listing.objects.reverse();
    }
    let mut kinds = Vec::new();
    if settings.query.posix {
        kinds.push(Kind::Posix);
    }
    if settings.query.memfd {
        kinds.push(Kind::Memfd);
    }
    out.show(&Objects {
        listing: &listing,
        columns: &settings.columns,
        kinds: &kinds,
        look: &settings.look,
    })?;
    if !listing.unreadable.is_empty() && out.format() == Format::Table {
        let hint = if listing.unreadable.hidden.is_some() {
            format!(" ({HIDDEN_HINT})")
        } else {
            String::new()
        };
        output::note(format!(
            "{} Their holds are not counted, and no object is called unheld{hint}.",
            unreadable_objects_note(&listing.unreadable)
        ));
    }
    Ok(Status::Ok)
}

/// What `info` names.
#[derive(Clone, Debug)]
pub enum Target {
    Posix(PosixName),
    Memfd(u64),
}

#[derive(Clone, Debug)]
pub struct InfoSettings {
    pub target: Target,
    pub place: Place,
}

fn no_such_object(name: &PosixName, place: Place) -> Error {
    if let Some(kind) = posix::not_an_object(place, name) {
        return Error::new(
            Status::NoSuchSegment,
            format!(
                "POSIX object {name}: {}/{} is {kind}, not a shared-memory object",
                place.dir(),
                &name.as_str()[1..]
            ),
        );
    }
    Error::new(
        Status::NoSuchSegment,
        format!(
            "POSIX object {name}: no such object in {} (it may have been removed)",
            place.dir()
        ),
    )
}

pub fn info(settings: &InfoSettings, out: &mut Output) -> Result<Status> {
    let (object, others, unreadable) = match &settings.target {
        Target::Posix(name) => {
            let listing = objects::gather(&Query {
                posix: true,
                place: settings.place,
                names: Some(vec![name.clone()]),
                ..Query::default()
            })?;
            let mut found: Vec<ShmObject> = listing
                .objects
                .into_iter()
                .filter(|o| o.name == name.as_str())
                .collect();
            // The linked one first, then unlinked ones still held.
            found.sort_by_key(|o| (o.is_deleted(), o.inode));
            let mut found = found.into_iter();
            let first = found
                .next()
                .ok_or_else(|| no_such_object(name, settings.place))?;
            (first, found.count(), listing.unreadable)
        }
        Target::Memfd(inode) => {
            let listing = objects::gather(&Query {
                memfd: true,
                all_namespaces: true,
                ..Query::default()
            })?;
            let object = listing
                .objects
                .into_iter()
                .find(|o| o.inode == *inode)
                .ok_or_else(|| {
                    Error::new(
                        Status::NoSuchSegment,
                        format!(
                            "memfd:{inode}: no process holds a memfd with this inode (see ls --memfd -A)"
                        ),
                    )
                })?;
            (object, 0, listing.unreadable)
        }
    };
    out.show(&ObjectInfo::of(object, others, unreadable))?;
    Ok(Status::Ok)
}

#[derive(Clone, Debug)]
pub struct CreateSettings {
    pub name: PosixName,
    pub size: u64,
    pub mode: u32,
    pub place: Place,
}

/// A failed call on a POSIX object, said for what it means there.
fn refused(name: &PosixName, place: Place, err: sys::SysError) -> Error {
    let dir = place.dir();
    let (status, reason) = match err.errno {
        Errno::EEXIST => match posix::not_an_object(place, name) {
            Some(kind) => (
                Status::AlreadyExists,
                format!(
                    "already exists in {dir} and is {kind}, not a shared-memory object; choose another name"
                ),
            ),
            None => (
                Status::AlreadyExists,
                format!(
                    "already exists in {dir}; choose another name, or remove it with `shmctl-rs rm {name}`"
                ),
            ),
        },
        Errno::ENOENT => (
            Status::NoSuchSegment,
            format!("no such object in {dir} (it may have been removed)"),
        ),
        Errno::ESTALE => (
            Status::NoSuchSegment,
            "unlinked and made again since it was looked at: the new one is left alone".into(),
        ),
        Errno::EACCES | Errno::EPERM if err.call == "unlink" => (
            Status::PermissionDenied,
            format!(
                "permission denied ({err}): {dir} is sticky, so only the object's owner or root may remove it"
            ),
        ),
        Errno::EACCES | Errno::EPERM => (
            Status::PermissionDenied,
            format!("permission denied ({err})"),
        ),
        Errno::ENOSPC => (
            Status::Limit,
            format!("{dir} is full (its tmpfs is out of space or inodes: see df -i {dir})"),
        ),
        Errno::EFBIG | Errno::EINVAL if err.call == "ftruncate" => (
            Status::Limit,
            format!("the size is larger than a file of {dir} may be ({err})"),
        ),
        Errno::EMFILE | Errno::ENFILE | Errno::ENOMEM => (Status::Limit, err.to_string()),
        _ => (Status::Failure, err.to_string()),
    };
    Error::new(status, format!("POSIX object {name}: {reason}"))
}

pub fn create(settings: &CreateSettings, out: &mut Output) -> Result<Status> {
    let dir = posix::open(settings.place)?;
    let st = sys::posix::create(
        settings.place.open_dir()?,
        settings.name.file(),
        settings.size,
        settings.mode,
    )
    .map_err(|e| refused(&settings.name, settings.place, e))?;
    let path = format!("{}/{}", dir.path, &settings.name.as_str()[1..]);
    let shown = out.show_now(&CreatedObject {
        name: settings.name.to_string(),
        path: path.clone(),
        inode: st.inode,
        size: st.size,
        perms: format!("{:o}", st.mode & 0o777),
        mode: st.mode & 0o777,
    });
    match shown {
        // A reader that went away (`| head -0`) has what it wanted.
        Err(e) if !e.broken_pipe => {
            // As `create` does for a segment: nobody learnt that it was made, so the
            // command takes back what it did, and only that (this inode, not one made
            // again under the name since).
            let undone = settings
                .place
                .open_dir()
                .map_err(|e| e.message)
                .and_then(|d| {
                    sys::posix::unlink(d, settings.name.file(), st.inode).map_err(|e| e.to_string())
                });
            let what = match undone {
                Ok(()) => format!("the new object {path} was removed again"),
                Err(why) => format!("the new object {path} is left ({why})"),
            };
            Err(Error::new(
                e.status,
                format!("cannot write to stdout ({}); {what}", e.message),
            ))
        }
        _ => Ok(Status::Ok),
    }
}

/// The POSIX objects `rm` names, with their holders, from one scan.
pub struct Removal {
    place: Place,
    listing: ObjectListing,
}

impl Removal {
    /// Look at the named objects of `place` (or at every object, for `--unheld`);
    /// `include_unknown`: see [`Query::include_unknown`].
    pub fn prepare(
        place: Place,
        names: Option<Vec<PosixName>>,
        include_unknown: bool,
    ) -> Result<Removal> {
        let listing = objects::gather(&Query {
            posix: true,
            place,
            names,
            include_unknown,
            ..Query::default()
        })?;
        Ok(Removal { place, listing })
    }

    /// Every object no process holds (refused when some process could not be read).
    pub fn unheld(&self) -> Result<Vec<PosixName>> {
        complete(&self.listing.unreadable)?;
        Ok(self
            .listing
            .objects
            .iter()
            .filter(|o| o.is_unheld())
            .filter_map(|o| o.file.clone())
            .collect())
    }

    fn linked(&self, name: &PosixName) -> Option<&ShmObject> {
        self.listing
            .objects
            .iter()
            .find(|o| !o.is_deleted() && o.file.as_ref() == Some(name))
    }

    /// Unlink one object (or say what would happen), as `shm_unlink` does: a held one
    /// lives on, nameless, until its last holder lets go. With `only_unheld`, one held
    /// again since [`Removal::unheld`] looked is left alone (said, not a failure).
    pub fn remove(
        &self,
        name: &PosixName,
        dry_run: bool,
        only_unheld: Option<&Removal>,
    ) -> Result<Outcome> {
        let Some(o) = self.linked(name) else {
            let held: Vec<&ShmObject> = self
                .listing
                .objects
                .iter()
                .filter(|o| o.is_deleted() && o.name == name.as_str())
                .collect();
            let mut err = no_such_object(name, self.place);
            if let Some(first) = held.first() {
                err.message = format!(
                    "POSIX object {name}: no such object in {} (one of this name was unlinked and is still held by {})",
                    self.place.dir(),
                    first
                        .holders
                        .iter()
                        .map(|h| format!("{} {}", h.pid, h.command))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            return Err(err);
        };
        if let Some(again) = only_unheld {
            match again.linked(name) {
                Some(now) if now.inode == o.inode && now.is_unheld() => {}
                Some(now) if now.inode == o.inode => {
                    return Err(Error::new(
                        Status::Ok,
                        format!(
                            "POSIX object {name} is held again (by {}): left alone",
                            now.holders
                                .iter()
                                .map(|h| format!("{} {}", h.pid, h.command))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                _ => {
                    return Err(Error::new(
                        Status::Ok,
                        format!("POSIX object {name} changed since it was listed: left alone"),
                    ));
                }
            }
        }
        // Freed at once only when no process holds it and every process could be read.
        let free_now = o.holders.is_empty() && self.listing.unreadable.is_empty();
        let action = match (dry_run, free_now) {
            (true, true) => Action::WouldRemove,
            (true, false) => Action::WouldMark,
            (false, true) => Action::Removed,
            (false, false) => Action::Marked,
        };
        if !dry_run {
            sys::posix::unlink(self.place.open_dir()?, name.file(), o.inode)
                .map_err(|e| refused(name, self.place, e))?;
        }
        Ok(Outcome {
            target: name.to_string(),
            shmid: None,
            key: None,
            size: o.size,
            nattch: None,
            action,
            error: None,
            object: Some(RemovedObject {
                name: name.to_string(),
                inode: o.inode,
                allocated: o.allocated.unwrap_or(0),
                holders: o.holders.clone(),
            }),
        })
    }
}

/// Why a memfd cannot be removed.
pub const MEMFD_NOT_REMOVABLE: &str =
    "a memfd has no name to remove; it goes when the last process holding it lets go";

/// `rm memfd:INODE`: a memfd has no name to remove.
pub fn memfd_not_removable(inode: u64) -> Error {
    Error::usage(format!(
        "memfd:{inode}: {MEMFD_NOT_REMOVABLE} (see info memfd:{inode})"
    ))
}

/// The POSIX object a person confirmed removing (`top`'s `d`), as it was shown to them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfirmedObject {
    pub name: PosixName,
    /// The file it was: the device of its `/dev/shm` and its inode.
    pub device: u64,
    pub inode: u64,
    /// The mount namespace whose `/dev/shm` held it, and a process in it, when the view
    /// listed every namespace's (`top -A`).
    pub mount_namespace: Option<u64>,
    pub namespace_pid: Option<i32>,
}

/// Where a confirmed object is: in `place` (the view's), or with `top -A` in the
/// `/dev/shm` of the mount namespace it was confirmed in, reached through a process
/// still in that namespace.
fn confirmed_place(confirmed: &ConfirmedObject, place: Place) -> Result<Place> {
    let Some(ns) = confirmed.mount_namespace else {
        return Ok(place);
    };
    if Place::Here.mount_namespace() == Some(ns) {
        return Ok(Place::Here);
    }
    let moved = || {
        Error::new(
            Status::NoSuchSegment,
            format!(
                "POSIX object {}: no process is left in mount namespace {ns}, where it was confirmed: left alone",
                confirmed.name
            ),
        )
    };
    let pid = confirmed.namespace_pid.ok_or_else(moved)?;
    // The pid may have exited, or been reused by a process of another namespace.
    if Place::Process(pid).mount_namespace() != Some(ns) {
        return Err(moved());
    }
    Ok(Place::Process(pid))
}

/// Unlink exactly the object a person confirmed, the way `rm /NAME` unlinks one,
/// provided its name still reaches the same file (same device and inode): one unlinked
/// and made again since is left alone, and nothing else is ever unlinked. `include_unknown`:
/// see [`Query::include_unknown`].
pub fn remove_confirmed(
    confirmed: &ConfirmedObject,
    place: Place,
    include_unknown: bool,
) -> Result<Outcome> {
    let place = confirmed_place(confirmed, place)?;
    let name = &confirmed.name;
    let removal = Removal::prepare(place, Some(vec![name.clone()]), include_unknown)?;
    if let Some(now) = removal.linked(name)
        && (now.device, now.inode) != (confirmed.device, confirmed.inode)
    {
        return Err(Error::new(
            Status::NoSuchSegment,
            format!(
                "POSIX object {name}: the name now reaches another file (inode {}) than the one confirmed (inode {}): left alone",
                now.inode, confirmed.inode
            ),
        ));
    }
    removal.remove(name, false, None)
}
