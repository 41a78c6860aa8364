//! Gathering: the kernel's and /proc's readings (`sys`, `proc`) composed into model data.
//! Everything here reads; nothing here prints (messages go through `output`).

pub mod explain;
pub mod holders;
pub mod info;
pub mod limits;
pub mod listing;
pub mod liveness;
pub mod objects;
pub mod posix;
pub mod table;
