//! Writing to stdout and stderr so that a stop (Ctrl-C, SIGTERM, SIGHUP) is never held
//! up by a reader that stopped reading (`| less` left open, a stalled pipe).
//!
//! A blocking write to a full pipe would sleep in the kernel until the reader drains it,
//! and the signal handler's flag would go unseen. So each write first waits, in slices,
//! for the descriptor to be writable, checking the stop flag between slices, and then
//! writes at most `PIPE_BUF` bytes, which a writable pipe takes without blocking. Once a
//! stop was requested, a write that would have to wait gives up with [`Stopped`] instead.

use crate::error::Stopped;
use crate::signals;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};

/// How long one wait for a writable descriptor lasts before the stop flag is read again.
const SLICE_MS: u8 = 50;
/// A write a writable pipe always takes whole (`PIPE_BUF`).
const CHUNK: usize = 4096;

/// A stop-aware writer on a file descriptor of this process (stdout or stderr).
pub struct Stream<F: AsFd> {
    fd: F,
}

/// Standard output, unbuffered: put a `BufWriter` in front.
pub fn stdout() -> Stream<io::Stdout> {
    Stream { fd: io::stdout() }
}

/// Standard error, unbuffered.
pub fn stderr() -> Stream<io::Stderr> {
    Stream { fd: io::stderr() }
}

/// Wait until `fd` takes a write: in slices while no stop is requested; after a stop,
/// only if it takes one now.
fn wait_writable(fd: BorrowedFd<'_>) -> io::Result<()> {
    loop {
        let stopping = signals::stop_requested();
        let timeout = if stopping {
            PollTimeout::ZERO
        } else {
            PollTimeout::from(SLICE_MS)
        };
        let mut fds = [PollFd::new(fd, PollFlags::POLLOUT)];
        match poll(&mut fds, timeout) {
            // Writable, or an error or hang-up that the write itself will report.
            Ok(n) if n > 0 => return Ok(()),
            Ok(_) if stopping => return Err(io::Error::other(Stopped)),
            Ok(_) | Err(Errno::EINTR) => {}
            // A descriptor poll cannot watch: write as usual.
            Err(_) => return Ok(()),
        }
    }
}

impl<F: AsFd> Write for Stream<F> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let fd = self.fd.as_fd();
        loop {
            wait_writable(fd)?;
            match nix::unistd::write(fd, &buf[..buf.len().min(CHUNK)]) {
                Ok(n) => return Ok(n),
                Err(Errno::EINTR | Errno::EAGAIN) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_written_arrives_in_order() {
        let (reader, writer) = nix::unistd::pipe().unwrap();
        let mut stream = Stream { fd: writer };
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let reading = std::thread::spawn(move || {
            let mut got = Vec::new();
            io::Read::read_to_end(&mut std::fs::File::from(reader), &mut got).unwrap();
            got
        });
        stream.write_all(&data).unwrap();
        drop(stream);
        assert_eq!(reading.join().unwrap(), expected);
    }
}
