//! Where POSIX shared memory lives: the `/dev/shm` of a mount namespace, and its files.
//!
//! glibc's `shm_open("/NAME")` opens `/dev/shm/NAME`, so an object belongs to the mount
//! namespace whose `/dev/shm` holds it: a container's are reached through
//! `/proc/PID/root/dev/shm` of one of its processes, opened with `RESOLVE_IN_ROOT` so that
//! a symlink there (a container's `/dev/shm -> /run/shm`, or a hostile `-> /etc`) resolves
//! inside that process's root, never in ours. POSIX semaphores (`sem_open`), files of
//! the same directory, are not shared memory and are left out ([`is_semaphore`]); so are
//! anything but regular files (shm_open opens with O_NOFOLLOW: a symlink is no object).

use crate::error::{Error, Result, Status};
use crate::ids::{self, PosixName};
use crate::model::Namespace;
use crate::namespaces;
use crate::proc::fds::{self, FileStat};
use crate::proc::processes;
use nix::dir::Dir;
use nix::fcntl::{OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::Mode;
use std::collections::BTreeMap;
use std::os::fd::{AsFd, OwnedFd};

/// Whose `/dev/shm`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Place {
    /// The caller's.
    #[default]
    Here,
    /// That of process PID's mount namespace, through `/proc/PID/root` (`--ns PID`).
    Process(i32),
}

impl Place {
    /// The directory's path as this process reaches it.
    pub fn dir(self) -> String {
        match self {
            Place::Here => "/dev/shm".to_string(),
            Place::Process(pid) => format!("/proc/{pid}/root/dev/shm"),
        }
    }

    /// The directory, opened as this place's processes see it: through another process's
    /// root, a symlink resolves within that root.
    pub fn open_dir(self) -> Result<OwnedFd> {
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let opened = match self {
            Place::Here => nix::fcntl::open("/dev/shm", flags, Mode::empty()),
            Place::Process(pid) => nix::fcntl::open(
                format!("{}/root", processes::dir(pid)).as_str(),
                OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
                Mode::empty(),
            )
            .and_then(|root| {
                nix::fcntl::openat2(
                    root,
                    "dev/shm",
                    OpenHow::new()
                        .flags(flags)
                        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS),
                )
            }),
        };
        opened.map_err(|e| unreadable(&self.dir(), std::io::Error::from(e)))
    }

    /// Its mount namespace's inode.
    pub fn mount_namespace(self) -> Option<u64> {
        processes::namespace_of(&match self {
            Place::Here => "/proc/thread-self/ns/mnt".to_string(),
            Place::Process(pid) => processes::ns_path(pid, "mnt"),
        })
    }
}

/// A `/dev/shm` directory: how this process reaches it, its filesystem, and (with
/// `--all-namespaces`) the mount namespace it is listed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShmDir {
    pub place: Place,
    /// How a person reaches it (`/dev/shm`, `/proc/PID/root/dev/shm`).
    pub path: String,
    pub device: u64,
    pub namespace: Option<Namespace>,
}

/// A directory that cannot be read, said as the kernel said it.
fn unreadable(path: &str, e: std::io::Error) -> Error {
    let status = match e.kind() {
        std::io::ErrorKind::NotFound => Status::NoSuchSegment,
        std::io::ErrorKind::PermissionDenied => Status::PermissionDenied,
        _ => Status::Failure,
    };
    let hint = if path.starts_with("/proc/") && status == Status::PermissionDenied {
        " (another process's /dev/shm is reached through /proc/PID/root, which needs ptrace access to it: run as root)"
    } else if status == Status::NoSuchSegment {
        " (POSIX shared memory needs a tmpfs mounted there)"
    } else {
        ""
    };
    Error::new(status, format!("{path}: {e}{hint}"))
}

/// The `/dev/shm` of `place`.
pub fn open(place: Place) -> Result<ShmDir> {
    if let Place::Process(pid) = place
        && processes::look(pid) == processes::Seen::Missing
    {
        return Err(Error::new(
            Status::NoSuchSegment,
            format!("process {pid}: no such process"),
        ));
    }
    let fd = place.open_dir()?;
    let device = fds::stat_at(&fd, ".", false)
        .ok_or_else(|| Error::other(format!("{}: cannot stat it", place.dir())))?
        .device;
    Ok(ShmDir {
        place,
        path: place.dir(),
        device,
        namespace: None,
    })
}

/// Every distinct `/dev/shm` of the host, each once with the first mount namespace that
/// sees it (the caller's first): mount namespaces that share one tmpfs share its objects.
/// `mounts` is every mount namespace with its processes.
pub fn all(mounts: &BTreeMap<u64, Vec<i32>>) -> Vec<ShmDir> {
    let ours = Place::Here.mount_namespace();
    let mut dirs: Vec<ShmDir> = Vec::new();
    let mut consider = |place: Place, inode: u64, members: &[i32]| {
        // No /dev/shm there, or its only process exited meanwhile.
        let Ok(mut dir) = open(place) else {
            return;
        };
        if dirs.iter().any(|d| d.device == dir.device) {
            return;
        }
        dir.namespace = Some(namespaces::describe(inode, members));
        dirs.push(dir);
    };
    if let Some(inode) = ours {
        let members = mounts.get(&inode).cloned().unwrap_or_default();
        consider(Place::Here, inode, &members);
    }
    for (inode, members) in mounts {
        if Some(*inode) != ours && !members.is_empty() {
            consider(Place::Process(members[0]), *inode, members);
        }
    }
    dirs
}

/// A file of a `/dev/shm`, by its name there (any bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveFile {
    pub name: PosixName,
    pub stat: FileStat,
}

fn open_dir(dir: &ShmDir) -> Result<Dir> {
    Dir::from_fd(dir.place.open_dir()?).map_err(|e| unreadable(&dir.path, std::io::Error::from(e)))
}

/// Whether the file of `/dev/shm` called `name` (`/NAME`, as shown) is a POSIX semaphore
/// ([`ids::is_semaphore`]).
pub fn is_semaphore(name: &str, stat: &FileStat) -> bool {
    stat.is_regular() && ids::is_semaphore(name, stat.size)
}

/// What the file `name` of `place`'s `/dev/shm` is when it is there but is not a
/// shared-memory object (shm_open makes regular files): "a FIFO", "a symbolic link",
/// "a POSIX semaphore (sem_open)"…; `None` when there is no such file, or it is an object.
pub fn not_an_object(place: Place, name: &PosixName) -> Option<&'static str> {
    let dir = place.open_dir().ok()?;
    let stat = fds::stat_at(&dir, name.file(), false)?;
    Some(match stat.mode & libc::S_IFMT {
        libc::S_IFREG if is_semaphore(name.as_str(), &stat) => "a POSIX semaphore (sem_open)",
        libc::S_IFREG => return None,
        libc::S_IFDIR => "a directory",
        libc::S_IFLNK => "a symbolic link",
        libc::S_IFIFO => "a FIFO",
        libc::S_IFSOCK => "a socket",
        libc::S_IFCHR => "a character device",
        libc::S_IFBLK => "a block device",
        _ => "not a regular file",
    })
}

/// Every object in `dir`, in the directory's order: each regular file, whatever bytes
/// its name has (a name that is not UTF-8 is listed, shown escaped), but semaphores.
pub fn files(dir: &ShmDir) -> Result<Vec<LiveFile>> {
    let mut handle = open_dir(dir)?;
    let mut names = Vec::new();
    for entry in handle.iter() {
        let Ok(entry) = entry else { break };
        // `.` and `..` are refused as names.
        if let Ok(name) = PosixName::from_file(entry.file_name().to_bytes()) {
            names.push(name);
        }
    }
    Ok(names
        .into_iter()
        .filter_map(|name| {
            // A file removed since the directory was read is simply not there.
            let stat = fds::stat_at(handle.as_fd(), name.file(), false)?;
            (stat.is_regular() && !is_semaphore(name.as_str(), &stat))
                .then_some(LiveFile { name, stat })
        })
        .collect())
}

/// The object called `name` in `dir`, if there is one.
pub fn lookup(dir: &ShmDir, name: &PosixName) -> Result<Option<LiveFile>> {
    let handle = open_dir(dir)?;
    Ok(fds::stat_at(handle.as_fd(), name.file(), false)
        .filter(|stat| stat.is_regular() && !is_semaphore(name.as_str(), stat))
        .map(|stat| LiveFile {
            name: name.clone(),
            stat,
        }))
}
