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
    /// [`Sink::ready`] just saw the descriptor writable: the next write skips the wait.
    ready: bool,
    /// The descriptor was closed when the process started (`>&-`): every write fails
    /// with EBADF, as it would have, rather than go to the /dev/null put in its place.
    closed: bool,
}

/// Standard output, unbuffered: put a [`Buffered`] in front.
pub fn stdout() -> Stream<io::Stdout> {
    Stream {
        fd: io::stdout(),
        ready: false,
        closed: crate::sys::stdio::stdout_was_closed(),
    }
}

/// Standard error, unbuffered.
pub fn stderr() -> Stream<io::Stderr> {
    Stream {
        fd: io::stderr(),
        ready: false,
        closed: false,
    }
}

/// Where results go: a writer that can also wait, stop-aware, until a write would go
/// through at once. A ring consumer waits first and claims its item only then, so that
/// a kill between the claim and the write is as unlikely as it can be.
pub trait Sink: Write {
    /// Write out what is buffered, then wait until the next write would not block (or
    /// fail with [`Stopped`] after a stop, as a write would).
    fn ready(&mut self) -> io::Result<()> {
        self.flush()
    }

    /// Whether the reader is gone (a pipe whose other end was closed): a run that is
    /// waiting, with nothing to write, learns it from this rather than from its next write.
    fn reader_gone(&self) -> bool {
        false
    }
}

impl Sink for Vec<u8> {}

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

impl<F: AsFd> Sink for Stream<F> {
    fn ready(&mut self) -> io::Result<()> {
        wait_writable(self.fd.as_fd())?;
        self.ready = true;
        Ok(())
    }

    fn reader_gone(&self) -> bool {
        let mut fds = [PollFd::new(self.fd.as_fd(), PollFlags::POLLOUT)];
        poll(&mut fds, PollTimeout::ZERO).is_ok()
            && fds[0]
                .revents()
                .is_some_and(|r| r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP))
    }
}

impl<F: AsFd> Write for Stream<F> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.closed {
            return Err(Errno::EBADF.into());
        }
        let fd = self.fd.as_fd();
        loop {
            if !std::mem::take(&mut self.ready) {
                wait_writable(fd)?;
            }
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

/// A buffer in front of a stream that keeps nothing after a write fails: what could not
/// be written is dropped, never written later (by a retry or on drop). A line that a ring
/// consumer could not show was given back to the ring; it must not appear afterwards.
pub struct Buffered<W: Write> {
    inner: W,
    buf: Vec<u8>,
    capacity: usize,
}

impl<W: Write> Buffered<W> {
    pub fn new(capacity: usize, inner: W) -> Buffered<W> {
        Buffered {
            inner,
            buf: Vec::with_capacity(capacity),
            capacity,
        }
    }

    fn write_out(&mut self) -> io::Result<()> {
        let result = self.inner.write_all(&self.buf);
        self.buf.clear();
        result
    }
}

impl<W: Write> Write for Buffered<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() + data.len() > self.capacity {
            self.write_out()?;
        }
        if data.len() >= self.capacity {
            self.inner.write_all(data)?;
        } else {
            self.buf.extend_from_slice(data);
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_out()?;
        self.inner.flush()
    }
}

impl<W: Sink> Sink for Buffered<W> {
    fn ready(&mut self) -> io::Result<()> {
        self.write_out()?;
        self.inner.ready()
    }

    fn reader_gone(&self) -> bool {
        self.inner.reader_gone()
    }
}

impl<W: Write> Drop for Buffered<W> {
    fn drop(&mut self) {
        let _ = self.write_out();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_reader_is_seen_without_writing() {
        let (reader, writer) = nix::unistd::pipe().unwrap();
        let stream = Stream {
            fd: writer,
            ready: false,
            closed: false,
        };
        assert!(!stream.reader_gone());
        drop(reader);
        assert!(stream.reader_gone());
    }

    #[test]
    fn everything_written_arrives_in_order() {
        let (reader, writer) = nix::unistd::pipe().unwrap();
        let mut stream = Stream {
            fd: writer,
            ready: false,
            closed: false,
        };
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

    /// Fails every write until told otherwise, then keeps what it is given.
    struct Flaky {
        failing: bool,
        got: Vec<u8>,
    }

    impl Write for Flaky {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.failing {
                return Err(io::Error::from_raw_os_error(libc::ENOSPC));
            }
            self.got.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn what_failed_to_go_out_never_goes_out_later() {
        let mut b = Buffered::new(
            64,
            Flaky {
                failing: true,
                got: Vec::new(),
            },
        );
        b.write_all(b"consumed: 1\n").unwrap();
        assert!(b.flush().is_err());
        b.inner.failing = false;
        b.write_all(b"summary\n").unwrap();
        b.flush().unwrap();
        assert_eq!(b.inner.got, b"summary\n");
        b.write_all(&[b'x'; 100]).unwrap();
        assert_eq!(
            b.inner.got.len(),
            108,
            "a write bigger than the buffer goes straight out"
        );
    }
}
