//! The document's producer/consumer ring: its wire layout (`layout`), what a header
//! means (`health`), finding and joining a ring for one role (`open`, `role`, `lock`),
//! the live view both ends work on (`shared`), and the producer and consumer that
//! interoperate with the document's C program.

pub mod consumer;
pub mod health;
pub mod inspect;
pub mod layout;
pub mod lock;
pub mod open;
pub mod peek;
pub mod producer;
pub mod role;
pub mod shared;
pub mod verify;

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
