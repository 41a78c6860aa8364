//! Readers of `/proc`: pure parsers over any `BufRead`, and the thin functions that feed
//! them the real files.

pub mod cmdline;
pub mod fds;
pub mod kernel;
pub mod locks;
pub mod maps;
pub mod mountinfo;
pub mod processes;
pub mod shmfiles;
pub mod status;
pub mod sysctl;
pub mod sysvipc;
