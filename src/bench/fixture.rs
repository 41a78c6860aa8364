//! What the two ends of a benchmark run meet in: a private ring, a FIFO or a socket in a
//! private directory. Each is removed when dropped.

use crate::error::{Error, Result};
use crate::model::bench::Transport;
use crate::ring::layout;
use crate::ring::shared::Ring;
use crate::sys::shm::{self, CreateFlags, Key, ShmId};
use tempfile::TempDir;

/// A fresh private ring, initialised, attached, and already marked for destruction: the
/// peers attach it by id (Linux allows that), and it is freed when the last of them and
/// this process detach, however they end (SIGKILL included).
pub struct PrivateRing {
    id: ShmId,
    _attachment: shm::Attachment,
}

impl PrivateRing {
    /// The document's ring of `capacity` slots, initialised.
    pub fn new(capacity: usize) -> Result<PrivateRing> {
        let layout = layout::Layout::new(capacity).map_err(Error::usage)?;
        let ring = PrivateRing::zeroed(layout.size())?;
        Ring::new(&ring._attachment)
            .ok_or_else(|| Error::other("benchmark ring: cannot map"))?
            .initialise()
            .map_err(|e| Error::other(format!("benchmark ring: {e}")))?;
        Ok(ring)
    }

    /// A zeroed segment of `size` bytes (an empty spsc ring).
    pub fn zeroed(size: usize) -> Result<PrivateRing> {
        let what = "benchmark ring";
        let id = shm::create(Key::PRIVATE, size, 0o600, CreateFlags::default())
            .map_err(|e| Error::sys(what, e))?;
        let attached = shm::attach(id, false);
        // Marked now: from here on nothing can leak it.
        shm::remove(id).map_err(|e| Error::sys(what, e))?;
        let attachment = attached.map_err(|e| Error::sys(what, e))?;
        Ok(PrivateRing {
            id,
            _attachment: attachment,
        })
    }

    pub fn id(&self) -> ShmId {
        self.id
    }
}

/// A directory only this user may enter (mode 0700), removed with what is in it. The
/// peers open what is in it before they say they are ready, so it goes before a run
/// starts: a `ring bench` killed during a run leaves nothing behind.
pub fn private_dir() -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix("shmctl-rs-bench.")
        .tempdir()
        .map_err(|e| Error::other(format!("cannot make a private directory: {e}")))
}

/// Where a stream transport meets: a FIFO (two for a round trip) or a socket path in `dir`.
pub fn stream_endpoint(dir: &TempDir, transport: Transport, latency: bool) -> Result<String> {
    let path = |name: &str| dir.path().join(name).display().to_string();
    if matches!(transport, Transport::Unix | Transport::UnixBatch) {
        return Ok(path("socket"));
    }
    let names: &[&str] = if latency {
        &["there", "back"]
    } else {
        &["fifo"]
    };
    let mut paths = Vec::new();
    for name in names {
        let fifo = path(name);
        nix::unistd::mkfifo(
            fifo.as_str(),
            nix::sys::stat::Mode::S_IRUSR | nix::sys::stat::Mode::S_IWUSR,
        )
        .map_err(|e| Error::other(format!("mkfifo {fifo}: {}", e.desc())))?;
        paths.push(fifo);
    }
    Ok(paths.join(","))
}
