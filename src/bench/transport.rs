//! The transports `ring bench` compares, and the code each end of each one runs. Both
//! ends are separate processes; every consumer sums what it receives so that a fast but
//! wrong transport cannot win.

use crate::error::{Error, Result};
use crate::ring::shared::{Acquire, Delivery, Popped, Ring};
use crate::ring::square;
use crate::sys::shm::{self, ShmId};
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

/// Items per write for the batched byte-stream transports (4 KiB).
pub const STREAM_BATCH: usize = 1024;

/// The checksum of items 0..count: the wrapping sum of i*i as unsigned 32-bit values.
pub fn expected_checksum(count: u64) -> u64 {
    (0..count).fold(0u64, |acc, i| acc.wrapping_add(u64::from(square(i) as u32)))
}

/// [`expected_checksum`], or `None` if a stop is requested meanwhile (it is looked at
/// every million items).
pub fn expected_checksum_unless_stopped(count: u64) -> Option<u64> {
    const STEP: u64 = 1 << 20;
    let mut sum = 0u64;
    let mut from = 0;
    while from < count {
        if crate::signals::stop_requested() {
            return None;
        }
        let to = count.min(from + STEP);
        sum = (from..to).fold(sum, |acc, i| acc.wrapping_add(u64::from(square(i) as u32)));
        from = to;
    }
    Some(sum)
}

fn io(what: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::other(format!("{what}: {e}"))
}

/// One end of a byte stream, opened but not yet used.
pub enum Stream {
    Pipe(std::fs::File),
    Unix(UnixStream),
}

impl Stream {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Stream::Pipe(f) => f,
            Stream::Unix(s) => s,
        }
    }
    fn reader(&mut self) -> &mut dyn Read {
        match self {
            Stream::Pipe(f) => f,
            Stream::Unix(s) => s,
        }
    }
}

/// Open a FIFO for reading without waiting for a writer (then block as usual).
pub fn open_fifo_reader(path: &Path) -> Result<std::fs::File> {
    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(io("fifo"))?;
    fcntl(&file, FcntlArg::F_SETFL(OFlag::empty()))
        .map_err(|e| Error::other(format!("fifo: {e}")))?;
    Ok(file)
}

pub fn open_fifo_writer(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io("fifo"))
}

/// The consumer's side of a Unix socket: bound now, accepted by [`accept`].
pub fn listen(path: &Path) -> Result<UnixListener> {
    UnixListener::bind(path).map_err(io("unix socket"))
}

pub fn accept(listener: &UnixListener) -> Result<Stream> {
    Ok(Stream::Unix(
        listener.accept().map_err(io("unix socket"))?.0,
    ))
}

pub fn connect(path: &Path) -> Result<Stream> {
    Ok(Stream::Unix(
        UnixStream::connect(path).map_err(io("unix socket"))?,
    ))
}

pub fn pipe_stream(file: std::fs::File) -> Stream {
    Stream::Pipe(file)
}

/// Send `count` items, `batch` per write.
pub fn stream_produce(stream: &mut Stream, count: u64, batch: usize) -> Result<()> {
    let w = stream.writer();
    let mut buf = Vec::with_capacity(batch * 4);
    for i in 0..count {
        buf.extend_from_slice(&square(i).to_ne_bytes());
        if buf.len() == batch * 4 {
            w.write_all(&buf).map_err(io("write"))?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        w.write_all(&buf).map_err(io("write"))?;
    }
    w.flush().map_err(io("write"))
}

/// Receive `count` items (reads as much as is there), returning their checksum.
pub fn stream_consume(stream: &mut Stream, count: u64) -> Result<u64> {
    let r = stream.reader();
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry: Vec<u8> = Vec::with_capacity(4);
    let mut sum = 0u64;
    let mut got = 0u64;
    while got < count {
        let n = r.read(&mut buf).map_err(io("read"))?;
        if n == 0 {
            return Err(Error::other(format!(
                "the producer closed after {got} of {count} items"
            )));
        }
        let mut bytes = &buf[..n];
        if !carry.is_empty() {
            let need = 4 - carry.len();
            let take = need.min(bytes.len());
            carry.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if carry.len() == 4 {
                sum = sum.wrapping_add(u64::from(u32::from_ne_bytes(
                    carry[..4].try_into().unwrap_or([0; 4]),
                )));
                got += 1;
                carry.clear();
            }
        }
        let whole = bytes.len() / 4 * 4;
        for chunk in bytes[..whole].chunks_exact(4) {
            sum = sum.wrapping_add(u64::from(u32::from_ne_bytes([
                chunk[0], chunk[1], chunk[2], chunk[3],
            ])));
        }
        got += (whole / 4) as u64;
        carry.extend_from_slice(&bytes[whole..]);
    }
    Ok(sum)
}

/// Attach a benchmark ring.
pub fn ring_attach(id: ShmId) -> Result<shm::Attachment> {
    shm::attach(id, false).map_err(|e| Error::sys(format!("segment {id}"), e))
}

/// The ring's producer loop: the same acquire and push `ring produce` runs.
pub fn ring_produce(att: &shm::Attachment, count: u64, batch: bool) -> Result<()> {
    let ring = Ring::new(att).ok_or_else(|| Error::other("not a ring"))?;
    let sys = |e: crate::sys::SysError| Error::other(e.to_string());
    if batch {
        let mut i = 0u64;
        let mut next = 0u64;
        while i < count {
            let values = || {
                let v = square(next);
                next += 1;
                v
            };
            let n = ring.push_batch(count - i, None, values).map_err(sys)?;
            if n == 0 {
                return Err(Error::interrupted());
            }
            i += n;
        }
        return Ok(());
    }
    for i in 0..count {
        if ring.take_free(None).map_err(sys)? != Acquire::Got {
            return Err(Error::interrupted());
        }
        ring.push(square(i)).map_err(sys)?;
    }
    Ok(())
}

/// The ring's consumer loop, returning the checksum.
pub fn ring_consume(att: &shm::Attachment, count: u64, batch: bool) -> Result<u64> {
    let ring = Ring::new(att).ok_or_else(|| Error::other("not a ring"))?;
    let sys = |e: crate::sys::SysError| Error::other(e.to_string());
    let mut sum = 0u64;
    if batch {
        let mut got = 0u64;
        while got < count {
            let n = ring
                .pop_batch(count - got, None, |v| {
                    sum = sum.wrapping_add(u64::from(v as u32))
                })
                .map_err(sys)?;
            if n == 0 {
                return Err(Error::interrupted());
            }
            got += n;
        }
        return Ok(sum);
    }
    for _ in 0..count {
        let v = ring_pop(&ring)?;
        sum = sum.wrapping_add(u64::from(v as u32));
    }
    Ok(sum)
}

/// Take one item off a benchmark ring, waiting for it.
pub fn ring_pop(ring: &Ring<'_>) -> Result<i32> {
    let mut got = 0;
    let popped = ring
        .pop_one(None, |v, _, _| {
            got = v;
            Delivery::<()>::Shown
        })
        .map_err(|e| Error::other(e.to_string()))?;
    match popped {
        Popped::Moved(_) => Ok(got),
        _ => Err(Error::interrupted()),
    }
}
