//! `create`: a new segment, always with IPC_EXCL.

use crate::cli::CreateArgs;
use crate::error::{Error, Result, Status};
use crate::ids::FtokSpec;
use crate::render::json;
use crate::sys::shm::{self, CreateFlags, Key, ShmId};
use crate::units;
use crate::users::Names;
use nix::errno::Errno;
use serde::Serialize;
use std::io::Write;

#[derive(Clone, Debug)]
pub enum KeySource {
    Private,
    Key(Key),
    Ftok(FtokSpec),
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub size: u64,
    pub key: KeySource,
    pub mode: u32,
    pub flags: CreateFlags,
    pub json: bool,
    pub quiet: bool,
}

impl Settings {
    pub fn from_args(args: CreateArgs) -> Settings {
        let key = match (args.key, args.ftok) {
            (Some(k), _) => KeySource::Key(k),
            (_, Some(f)) => KeySource::Ftok(f),
            _ => KeySource::Private,
        };
        Settings {
            size: args.size,
            key,
            mode: args.mode,
            flags: CreateFlags {
                hugetlb: args.hugetlb,
                noreserve: args.noreserve,
            },
            json: args.json,
            quiet: args.quiet,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Created {
    pub shmid: ShmId,
    pub key: Key,
    pub key_hex: String,
    pub size: u64,
    pub perms: String,
}

/// The key a create or ring command should use; warns when ftok drops project-id bits.
pub fn resolve_key(source: &KeySource) -> Result<Key> {
    match source {
        KeySource::Private => Ok(Key::PRIVATE),
        KeySource::Key(k) => Ok(*k),
        KeySource::Ftok(spec) => {
            let (key, truncated) = spec.key()?;
            if truncated {
                eprintln!(
                    "shmctl-rs: warning: ftok uses only the low 8 bits of the project id: {} counts as {}",
                    spec.proj,
                    spec.proj & 0xff
                );
            }
            Ok(key)
        }
    }
}

/// Explain a failed `shmget(IPC_CREAT|IPC_EXCL)` in terms of the limit or segment at fault.
pub fn explain_create_error(key: Key, size: u64, errno: Errno) -> Error {
    let limits = shm::limits().ok();
    let usage = shm::usage().ok();
    let page = shm::page_size();
    match errno {
        Errno::EEXIST => {
            let mut names = Names::default();
            let existing = shm::lookup(key).ok().and_then(|id| {
                crate::proc::sysvipc::read()
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
        Errno::ENOMEM => Error::new(
            Status::Limit,
            format!(
                "size {}: not enough memory (for --hugetlb, see HugePages_Free in /proc/meminfo)",
                units::human_size(size)
            ),
        ),
        Errno::EPERM => Error::new(
            Status::PermissionDenied,
            "permission denied: SHM_HUGETLB needs CAP_IPC_LOCK or membership in the group vm.hugetlb_shm_group names",
        ),
        e => Error::sys(format!("key {key}"), crate::sys::SysError::new("shmget", e)),
    }
}

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<Status> {
    let key = resolve_key(&settings.key)?;
    if settings.size == 0 {
        return Err(Error::new(
            Status::Limit,
            "size 0: a segment needs at least SHMMIN (1) byte",
        ));
    }
    let size = usize::try_from(settings.size).map_err(|_| {
        Error::new(
            Status::Limit,
            format!(
                "size {}: larger than this machine's address space",
                settings.size
            ),
        )
    })?;
    let id = shm::create(key, size, settings.mode, settings.flags)
        .map_err(|e| explain_create_error(key, settings.size, e.errno))?;
    let created = Created {
        shmid: id,
        key,
        key_hex: key.to_string(),
        size: settings.size,
        perms: format!("{:o}", settings.mode),
    };
    if settings.json {
        json::write(out, &created)?;
    } else if settings.quiet {
        writeln!(out, "{id}")?;
    } else {
        writeln!(
            out,
            "created shmid {id}, key {key}, {} ({} bytes), perms {:o} ({})",
            units::human_size(settings.size),
            settings.size,
            settings.mode,
            units::mode_string(settings.mode)
        )?;
    }
    Ok(Status::Ok)
}
