//! Ctrl-C, SIGTERM and SIGHUP as a stop flag that long-running commands poll.
//!
//! The ctrlc crate installs its handler with SA_RESTART, so a blocking call is not broken
//! off by the signal: every wait in this tool is a loop of short timed waits that checks
//! [`stop_requested`] each time round.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

static STOP: AtomicBool = AtomicBool::new(false);
static WAKE_LOCK: Mutex<()> = Mutex::new(());
static WAKE: Condvar = Condvar::new();

/// Install the handler; call once, from commands that attach or wait.
pub fn install() -> crate::error::Result<()> {
    ctrlc::set_handler(|| {
        STOP.store(true, Ordering::SeqCst);
        let _guard = WAKE_LOCK.lock();
        WAKE.notify_all();
    })
    .map_err(install_failed)
}

/// Why the handler could not be installed, in the tool's words.
fn install_failed(e: ctrlc::Error) -> crate::error::Error {
    use crate::error::{Error, Status};
    match e {
        // The handler runs on a thread of its own; making one fails when memory is short.
        ctrlc::Error::System(io) => Error::new(
            match io.raw_os_error() {
                Some(libc::ENOMEM | libc::EAGAIN) => Status::Limit,
                _ => Status::Failure,
            },
            format!(
                "cannot install the Ctrl-C handler: {io} (is the address space limited, ulimit -v?)"
            ),
        ),
        other => Error::other(format!("cannot install the Ctrl-C handler: {other}")),
    }
}

pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Sleep for `duration`, returning early (false) if a stop was requested.
pub fn sleep(duration: Duration) -> bool {
    if duration.is_zero() {
        return !stop_requested();
    }
    let deadline = Instant::now() + duration;
    let mut guard = WAKE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if stop_requested() {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        guard = WAKE
            .wait_timeout(guard, deadline - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

/// Sleep until a stop is requested or `limit` (if any) passes; true if stopped.
pub fn wait_for_stop(limit: Option<Duration>) -> bool {
    match limit {
        Some(d) => !sleep(d),
        None => {
            while sleep(Duration::from_secs(3600)) {}
            true
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_handler_that_cannot_start_is_a_limit() {
        let e = super::install_failed(ctrlc::Error::System(std::io::Error::from_raw_os_error(
            libc::EAGAIN,
        )));
        assert_eq!(e.status, crate::error::Status::Limit);
        assert!(
            e.message
                .starts_with("cannot install the Ctrl-C handler: Resource temporarily unavailable")
        );
    }
}
