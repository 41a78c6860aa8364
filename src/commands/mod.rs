//! One module per command: each takes its checked settings, gathers, and hands the
//! result to the output.

pub mod attach;
pub mod bench;
pub mod create;
pub mod info;
pub mod limits;
pub mod ls;
pub mod metrics;
pub mod posix;
pub mod ring;
pub mod rm;
pub mod set;
pub mod status;
