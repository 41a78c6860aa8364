//! The wire format of the document's `struct shared_data` on x86-64 glibc, and a pure,
//! bounds-checked decoder of it. What a decoded header means is judged in `health`.

/// Slots in the ring.
pub const CAPACITY: usize = 1024;
pub const SEM_SIZE: usize = 32;
/// Offsets of the fields.
pub const SEM_PRODUCER: usize = 0;
pub const SEM_CONSUMER: usize = 32;
pub const BUFFER: usize = 64;
pub const HEAD: usize = 4160;
pub const TAIL: usize = 4164;
pub const COUNT: usize = 4168;
/// `sizeof(struct shared_data)`, padded to 8.
pub const SIZE: usize = 4176;
/// Offset, inside a glibc `sem_t`, of the int that is 128 for a process-shared semaphore.
pub const PSHARED_FLAG: usize = 8;
pub const PSHARED_SHARED: u32 = 128;

/// Whether a segment of `size` bytes can hold a ring, and of how many slots. Today only
/// the document's `struct shared_data` (4176 bytes, 1024 slots).
pub fn capacity_for_size(size: u64) -> Option<usize> {
    (size == SIZE as u64).then_some(CAPACITY)
}

const _: () = assert!(std::mem::size_of::<libc::sem_t>() == SEM_SIZE);
const _: () = assert!(BUFFER + 4 * CAPACITY == HEAD);

/// A glibc semaphore as stored: one 64-bit word (value low, waiters high) and the flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemWord {
    pub value: u32,
    pub waiters: u32,
    pub flag: u32,
}

impl SemWord {
    pub fn is_shared(&self) -> bool {
        self.flag == PSHARED_SHARED
    }
}

/// The ring's header fields as raw numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub producer: SemWord,
    pub consumer: SemWord,
    pub head: i32,
    pub tail: i32,
    pub count: i32,
}

fn u32_at(bytes: &[u8], offset: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[offset..offset + 4]);
    u32::from_ne_bytes(b)
}

fn sem_at(bytes: &[u8], offset: usize) -> SemWord {
    SemWord {
        value: u32_at(bytes, offset),
        waiters: u32_at(bytes, offset + 4),
        flag: u32_at(bytes, offset + PSHARED_FLAG),
    }
}

/// Decode the header; `None` when fewer than [`SIZE`] bytes are given.
pub fn decode(bytes: &[u8]) -> Option<Header> {
    if bytes.len() < SIZE {
        return None;
    }
    Some(Header {
        producer: sem_at(bytes, SEM_PRODUCER),
        consumer: sem_at(bytes, SEM_CONSUMER),
        head: u32_at(bytes, HEAD) as i32,
        tail: u32_at(bytes, TAIL) as i32,
        count: u32_at(bytes, COUNT) as i32,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn header(free: u32, filled: u32, head: i32, tail: i32, count: i32) -> Header {
        let sem = |value| SemWord {
            value,
            waiters: 0,
            flag: PSHARED_SHARED,
        };
        Header {
            producer: sem(free),
            consumer: sem(filled),
            head,
            tail,
            count,
        }
    }

    pub(crate) fn encode(h: &Header) -> Vec<u8> {
        let mut b = vec![0u8; SIZE];
        for (off, s) in [(SEM_PRODUCER, h.producer), (SEM_CONSUMER, h.consumer)] {
            b[off..off + 4].copy_from_slice(&s.value.to_ne_bytes());
            b[off + 4..off + 8].copy_from_slice(&s.waiters.to_ne_bytes());
            b[off + 8..off + 12].copy_from_slice(&s.flag.to_ne_bytes());
        }
        b[HEAD..HEAD + 4].copy_from_slice(&h.head.to_ne_bytes());
        b[TAIL..TAIL + 4].copy_from_slice(&h.tail.to_ne_bytes());
        b[COUNT..COUNT + 4].copy_from_slice(&h.count.to_ne_bytes());
        b
    }

    #[test]
    fn round_trip_and_short_input() {
        let h = header(1000, 24, 30, 6, 24);
        assert_eq!(decode(&encode(&h)), Some(h));
        assert_eq!(decode(&[0u8; SIZE - 1]), None);
        assert_eq!(decode(&[]), None);
        assert_eq!(capacity_for_size(4176), Some(1024));
        assert_eq!(capacity_for_size(4096), None);
    }
}
