//! `create`: a new segment, always with IPC_EXCL; without a key given, at a random unused
//! key, as ipcmk does.

use crate::error::{Error, Result, Status};
use crate::explain;
use crate::model::Created;
use crate::output::Output;
use crate::sys::shm::{self, CreateFlags, Key, ShmId};
use nix::errno::Errno;
use std::io::Read;

/// Where the new segment's key comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyChoice {
    /// `--key`, `--ftok` (resolved) or `--private` (IPC_PRIVATE).
    Given(Key),
    /// An unused key picked at random.
    Random,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub size: u64,
    pub key: KeyChoice,
    pub mode: u32,
    pub flags: CreateFlags,
}

/// Keys tried before giving up on finding an unused one (4 billion keys, SHMMNI segments).
const RANDOM_TRIES: usize = 64;

/// A random key, never IPC_PRIVATE (0) nor 0xffffffff (ftok's failure value, which C
/// programs may mistake for an error).
fn random_key() -> Result<Key> {
    let mut bytes = [0u8; 4];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| Error::other(format!("cannot pick a random key: /dev/urandom: {e}")))?;
    let key = u32::from_ne_bytes(bytes);
    Ok(Key(if key == 0 || key == u32::MAX { 1 } else { key }))
}

/// Create at a random key, trying again while the key is taken.
fn create_random(size: usize, settings: &Settings) -> Result<(ShmId, Key)> {
    for _ in 0..RANDOM_TRIES {
        let key = random_key()?;
        match shm::create(key, size, settings.mode, settings.flags) {
            Ok(id) => return Ok((id, key)),
            Err(e) if e.errno == Errno::EEXIST => continue,
            Err(e) => {
                return Err(explain::create_refused(
                    key,
                    settings.size,
                    settings.flags,
                    e.errno,
                ));
            }
        }
    }
    Err(Error::new(
        Status::AlreadyExists,
        format!("no unused key found in {RANDOM_TRIES} random tries; give one with --key"),
    ))
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
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
    let (id, key, key_random) = match settings.key {
        KeyChoice::Given(key) => {
            let id = shm::create(key, size, settings.mode, settings.flags).map_err(|e| {
                explain::create_refused(key, settings.size, settings.flags, e.errno)
            })?;
            (id, key, false)
        }
        KeyChoice::Random => {
            let (id, key) = create_random(size, settings)?;
            (id, key, true)
        }
    };
    let shown = out.show_now(&Created {
        shmid: id,
        key,
        key_hex: key.to_string(),
        key_random,
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
