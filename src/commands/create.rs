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
    let shown = out.show_now(&Created {
        shmid: id,
        key,
        key_hex: key.to_string(),
        size: settings.size,
        perms: format!("{:o}", settings.mode),
        mode: settings.mode,
    });
    match shown {
        // A reader that went away (`| head -0`) has what it wanted.
        Err(e) if !e.broken_pipe => {
            // Nobody learnt the new shmid: a private segment would be lost for good, so
            // the command takes back what it did.
            let _ = shm::remove(id);
            Err(Error::new(
                e.status,
                format!(
                    "cannot write to stdout ({}); the new segment (shmid {id}) was removed again",
                    e.message
                ),
            ))
        }
        _ => Ok(Status::Ok),
    }
}
