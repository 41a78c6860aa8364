//! `create`: a new segment, always with IPC_EXCL.

use crate::error::{Error, Result, Status};
use crate::gather::explain;
use crate::model::Created;
use crate::output::Output;
use crate::sys::shm::{self, CreateFlags, Key};

#[derive(Clone, Debug)]
pub struct Settings {
    pub size: u64,
    /// IPC_PRIVATE, or the key (an `ftok` key already resolved).
    pub key: Key,
    pub mode: u32,
    pub flags: CreateFlags,
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    let key = settings.key;
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
        .map_err(|e| explain::create_refused(key, settings.size, e.errno))?;
    out.show(&Created {
        shmid: id,
        key,
        key_hex: key.to_string(),
        size: settings.size,
        perms: format!("{:o}", settings.mode),
        mode: settings.mode,
    })?;
    Ok(Status::Ok)
}
