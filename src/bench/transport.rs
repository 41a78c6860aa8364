//! The code each end of each transport runs. Both ends are separate processes; every
//! consumer sums what it receives so that a fast but wrong transport cannot win. Every
//! loop moves items the way the transport does best: the ring and the spsc ring fill and
//! read their slots in contiguous runs, and the byte streams fill their write buffer in
//! place and sum what they read in one pass, so that no transport is measured against a
//! weak version of another.

use crate::error::{Error, Result};
use crate::model::ring::checksum;
use crate::ring::shared::Ring;
use crate::ring::{fill_squares, square};
use crate::sys::shm::{self, ShmId};
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

/// Items per write for the batched byte-stream transports unless told (4 KiB, a page).
pub const STREAM_BATCH: usize = 1024;
/// Bytes a stream consumer asks for per read.
const READ_BYTES: usize = 64 * 1024;

/// The checksum of items 0..count: the wrapping sum of i*i as unsigned 32-bit values.
pub fn expected_checksum(count: u64) -> u64 {
    (0..count).fold(0u64, |acc, i| acc.wrapping_add(u64::from(square(i) as u32)))
}

/// [`expected_checksum`] of each of `counts`, in one pass up to the largest (each is a
/// prefix of the next), or `None` if a stop is requested meanwhile (it is looked at every
/// million items).
pub fn expected_checksums_unless_stopped(
    counts: &[u64],
) -> Option<std::collections::HashMap<u64, u64>> {
    const STEP: u64 = 1 << 20;
    let mut wanted = counts.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut sums = std::collections::HashMap::new();
    let (mut sum, mut from) = (0u64, 0u64);
    for count in wanted {
        while from < count {
            if crate::signals::stop_requested() {
                return None;
            }
            let to = count.min(from + STEP);
            sum = (from..to).fold(sum, |acc, i| acc.wrapping_add(u64::from(square(i) as u32)));
            from = to;
        }
        sums.insert(count, sum);
    }
    Some(sums)
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

/// Send `count` items, `per_write` items per write, each write's buffer filled in place.
pub fn stream_produce(stream: &mut Stream, count: u64, per_write: usize) -> Result<()> {
    let w = stream.writer();
    let per_write = per_write.max(1);
    let mut buf = vec![0u8; per_write * 4];
    let mut i = 0u64;
    while i < count {
        let n = (count - i).min(per_write as u64) as usize;
        let first = i as u32;
        for (j, bytes) in buf[..n * 4].chunks_exact_mut(4).enumerate() {
            let x = first.wrapping_add(j as u32);
            bytes.copy_from_slice(&x.wrapping_mul(x).to_ne_bytes());
        }
        w.write_all(&buf[..n * 4]).map_err(io("write"))?;
        i += n as u64;
    }
    w.flush().map_err(io("write"))
}

/// The wrapping sum of the whole items in `bytes`, as unsigned 32-bit values.
fn checksum_bytes(bytes: &[u8]) -> u64 {
    bytes.chunks_exact(4).fold(0u64, |sum, b| {
        sum.wrapping_add(u64::from(u32::from_ne_bytes([b[0], b[1], b[2], b[3]])))
    })
}

/// Receive `count` items (reads as much as is there), returning their checksum.
pub fn stream_consume(stream: &mut Stream, count: u64) -> Result<u64> {
    let r = stream.reader();
    // Room for a read plus the 0 to 3 bytes of an item a read may have split.
    let mut buf = vec![0u8; READ_BYTES + 4];
    let (mut carry, mut sum, mut got) = (0usize, 0u64, 0u64);
    while got < count {
        let n = r
            .read(&mut buf[carry..carry + READ_BYTES])
            .map_err(io("read"))?;
        if n == 0 {
            return Err(Error::other(format!(
                "the producer closed after {got} of {count} items"
            )));
        }
        let have = carry + n;
        let whole = have / 4 * 4;
        sum = sum.wrapping_add(checksum_bytes(&buf[..whole]));
        got += (whole / 4) as u64;
        buf.copy_within(whole..have, 0);
        carry = have - whole;
    }
    Ok(sum)
}

/// Attach a benchmark ring.
pub fn ring_attach(id: ShmId) -> Result<shm::Attachment> {
    shm::attach(id, false).map_err(|e| Error::sys(format!("segment {id}"), e))
}

fn sys(e: crate::sys::SysError) -> Error {
    Error::other(e.to_string())
}

/// The ring's producer loop: the same acquire and push `ring produce` runs.
pub fn ring_produce(att: &shm::Attachment, count: u64, batch: bool) -> Result<()> {
    let ring = Ring::new(att).ok_or_else(|| Error::other("not a ring"))?;
    if batch {
        let mut i = 0u64;
        while i < count {
            let mut next = i;
            let n = ring
                .push_batch(count - i, None, |run| {
                    fill_squares(run, next);
                    next += run.len() as u64;
                })
                .map_err(sys)?;
            if n == 0 {
                return Err(Error::interrupted());
            }
            i += n;
        }
        return Ok(());
    }
    for i in 0..count {
        if ring.take_free(None).map_err(sys)? != crate::ring::shared::Acquire::Got {
            return Err(Error::interrupted());
        }
        ring.push(square(i)).map_err(sys)?;
    }
    Ok(())
}

/// The ring's consumer loop, returning the checksum.
pub fn ring_consume(att: &shm::Attachment, count: u64, batch: bool) -> Result<u64> {
    let ring = Ring::new(att).ok_or_else(|| Error::other("not a ring"))?;
    let mut sum = 0u64;
    if batch {
        let mut got = 0u64;
        while got < count {
            let n = ring
                .pop_batch(count - got, None, |run| {
                    sum = sum.wrapping_add(checksum(run))
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
    match ring.pop_counted(None, |v| got = v).map_err(sys)? {
        crate::ring::shared::Acquire::Got => Ok(got),
        _ => Err(Error::interrupted()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_of_several_counts_in_one_pass() {
        let sums = expected_checksums_unless_stopped(&[10, 0, 100_000, 10]).unwrap();
        for n in [0, 10, 100_000] {
            assert_eq!(sums[&n], expected_checksum(n));
        }
    }

    #[test]
    fn a_stream_carries_items_split_anywhere() {
        let (a, b) = UnixStream::pair().unwrap();
        let n = 100_001;
        let writer = std::thread::spawn(move || {
            stream_produce(&mut Stream::Unix(a), n, 777).unwrap();
        });
        assert_eq!(
            stream_consume(&mut Stream::Unix(b), n).unwrap(),
            expected_checksum(n)
        );
        writer.join().unwrap();
    }
}
