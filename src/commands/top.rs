//! `top`: the live view, for a person at a terminal (`ls --watch` is for anything else).

use crate::error::{Error, Result, Status};
use crate::gather::posix::Place;
use std::io::IsTerminal;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Refresh every this long.
    pub interval: Duration,
    /// Every IPC namespace on the host (and every mount namespace's `/dev/shm`).
    pub all_namespaces: bool,
    /// Whose `/dev/shm` and memfds: the view's, or with `--ns PID` that process's mount
    /// namespace's; `None` with `--ns PATH`, which names no mount namespace.
    pub place: Option<Place>,
    /// Colours (off with `NO_COLOR`).
    pub color: bool,
}

pub fn run(settings: &Settings) -> Result<Status> {
    if !std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "top draws a live view and needs a terminal on stdout; for a listing that refreshes into a pipe or a file, use `shmctl-rs ls --watch 1s`",
        ));
    }
    crate::top::run(settings)
}
