//! Whether stdout was closed when the process started (`command >&-`).
//!
//! Rust's runtime opens /dev/null on a closed stdin, stdout or stderr before `main`, so
//! that a write to a closed stdout would go nowhere and succeed: a new segment's id
//! printed into nothing. A constructor run before that (from `.init_array`, as the
//! standard library itself reads `argv` on glibc) notes whether descriptor 1 was open.

use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

extern "C" fn note_closed_stdout() {
    // SAFETY: fcntl(F_GETFD) only reads the descriptor's flags; it fails with EBADF when
    // descriptor 1 is not open, and touches no memory of this process.
    let closed = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1;
    STDOUT_CLOSED.store(closed, Ordering::Relaxed);
}

// SAFETY: `.init_array` holds pointers to functions the C runtime calls before `main`
// with no arguments; `note_closed_stdout` is such a function, and it only stores a flag.
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

/// stdout was not open when the process started (what Rust's runtime put there is
/// /dev/null, not the caller's).
pub fn stdout_was_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}
