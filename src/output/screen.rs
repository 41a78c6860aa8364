//! The terminal a live view draws on: raw mode, the alternate screen, mouse reporting and
//! a hidden cursor while it runs, and all of it undone on every way out — a normal end,
//! an error, a signal, a panic on any thread (through the panic hook), a terminal that
//! went away (writes then fail, and the undoing gives up rather than hang).
//!
//! Frames are written through the stop-aware stdout stream (`output::stream`), buffered
//! per frame. After a panic has restored the terminal, whatever a frame still had to say
//! is dropped, so nothing is drawn over the shell the person is back at.

use super::stream::{self, Stream};
use crossterm::{cursor, event, execute, terminal};
use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// The terminal is in the view's state and must be restored.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Restored by the panic hook: frames are no longer written.
static SILENT: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Stdout for frames: buffered, and silent once the terminal was restored under it.
pub struct Screen {
    out: io::BufWriter<Stream<io::Stdout>>,
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if SILENT.load(Ordering::SeqCst) {
            return Ok(buf.len());
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if SILENT.load(Ordering::SeqCst) {
            // What is buffered is thrown away by the next writes' silence; nothing to do.
            return Ok(());
        }
        self.out.flush()
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        if SILENT.load(Ordering::SeqCst) {
            // Empty the buffer without writing it (BufWriter flushes on drop).
            let old = std::mem::replace(
                &mut self.out,
                io::BufWriter::with_capacity(0, stream::stdout()),
            );
            let _ = old.into_parts();
        }
    }
}

/// The terminal, in the view's state until dropped.
pub struct Session {
    _private: (),
}

/// Undo everything [`enter`] did; safe to call more than once, from any thread.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = terminal::disable_raw_mode();
    let mut out = stream::stdout();
    let _ = execute!(
        out,
        event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
}

impl Drop for Session {
    fn drop(&mut self) {
        restore();
    }
}

/// Put the terminal in the view's state (and, once per process, install the panic hook
/// that restores it before the panic is reported), returning the guard and the writer
/// frames go to.
pub fn enter() -> io::Result<(Session, Screen)> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Ordering::SeqCst) {
                SILENT.store(true, Ordering::SeqCst);
                restore();
            }
            previous(info);
        }));
    });
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let session = Session { _private: () };
    let mut screen = Screen {
        out: io::BufWriter::with_capacity(256 * 1024, stream::stdout()),
    };
    execute!(
        screen,
        terminal::EnterAlternateScreen,
        event::EnableMouseCapture,
        cursor::Hide
    )?;
    Ok((session, screen))
}
