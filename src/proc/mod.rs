//! Readers of `/proc`: pure parsers over any `BufRead`, and the thin functions that feed
//! them the real files.

pub mod fds;
pub mod maps;
pub mod processes;
pub mod shmfiles;
pub mod sysctl;
pub mod sysvipc;
