//! Gathering: the kernel's and /proc's readings (`sys`, `proc`) composed into model data.
//! Everything here reads; nothing here prints (messages go through `output`).

pub mod app;
pub mod holders;
pub mod hugetlb;
pub mod info;
pub mod limits;
pub mod listing;
pub mod liveness;
pub mod metrics;
pub mod objects;
pub mod overview;
pub mod peek;
pub mod permission;
pub mod posix;
pub mod postgres;
pub mod ring_peek;
pub mod ring_status;
pub mod table;
