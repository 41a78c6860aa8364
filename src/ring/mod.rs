//! The document's producer/consumer ring: its wire layout (`layout`), what a header
//! means (`health`), finding and joining a ring for one role (`open`, `role`, `lock`),
//! the live view both ends work on (`shared`), and the producer and consumer that
//! interoperate with the document's C program.

pub mod consumer;
pub mod health;
pub mod layout;
pub mod lock;
pub mod open;
pub mod producer;
pub mod repair;
pub mod role;
pub mod shared;
pub mod verify;

use crate::error::{Error, Status};
use crate::model::ring::Summary;
use crate::sys::shm::{Key, ShmId};

/// Where the ring lives: a key (an `ftok` key is resolved before it comes here) or a shmid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Key(Key),
    Id(ShmId),
}

/// The value the document's producer writes for item i: `i*i` as a C int.
pub fn square(i: u64) -> i32 {
    let i = i as u32;
    i.wrapping_mul(i) as i32
}

/// Write items `from, from + 1, …` into `slots` (a loop the compiler vectorises).
pub fn fill_squares(slots: &mut [i32], from: u64) {
    let first = from as u32;
    for (j, slot) in slots.iter_mut().enumerate() {
        let x = first.wrapping_add(j as u32);
        *slot = x.wrapping_mul(x) as i32;
    }
}

/// How a producer or consumer run ended.
#[derive(Debug)]
pub struct Outcome {
    pub summary: Summary,
    pub status: Status,
    /// The error the run ended with, shown after the summary.
    pub failure: Option<Error>,
    /// stdout could not be written: there is no summary to show either.
    pub output_failed: bool,
}

/// The error for a write to stdout that failed during a run: a reader that went away
/// (`| head`) is no error (exit 0), Ctrl-C while nobody reads is an interruption (130),
/// anything else (a full disk) says what the run did about it.
pub fn output_failed(e: std::io::Error, what_then: &str) -> Error {
    let mut err = Error::from(e);
    if err.status == Status::Failure && !err.broken_pipe {
        err.message = format!("stdout: {}: {what_then}", err.message);
    }
    err
}
