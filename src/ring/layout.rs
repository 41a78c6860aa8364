//! The wire format of the document's `struct shared_data` on x86-64 glibc, at any
//! capacity N (`int buffer[N]`), and a pure, bounds-checked decoder of it. What a decoded
//! header means is judged in `health`.
//!
//! ```text
//! struct shared_data {          offset     size
//!     sem_t sem_producer;       0          32    free slots
//!     sem_t sem_consumer;       32         32    filled slots
//!     int   buffer[N];          64         4N
//!     int   head;               64 + 4N    4
//!     int   tail;               68 + 4N    4
//!     int   count;              72 + 4N    4
//! };                            sizeof = 76 + 4N, padded to 8
//! ```
//!
//! The tool makes and reads rings whose N is a power of two. The size alone gives N back
//! only for even N (1025 ints fill the 4 bytes of padding that 1024 leave, so both make
//! 4176 bytes), and with every even N allowed, half of all segment sizes — a 4096-byte
//! page among them — would pass for a ring; powers of two keep a ring's size rare.

/// Slots in the document's ring.
pub const CAPACITY: usize = 1024;
pub const SEM_SIZE: usize = 32;
/// Offsets of the fields that do not depend on the capacity.
pub const SEM_PRODUCER: usize = 0;
pub const SEM_CONSUMER: usize = 32;
pub const BUFFER: usize = 64;
/// The document's ring: its field offsets and `sizeof(struct shared_data)`.
pub const HEAD: usize = Layout::DOCUMENT.head();
pub const TAIL: usize = Layout::DOCUMENT.tail();
pub const COUNT: usize = Layout::DOCUMENT.count();
pub const SIZE: usize = Layout::DOCUMENT.size();
/// Offset, inside a glibc `sem_t`, of the int that is 128 for a process-shared semaphore.
pub const PSHARED_FLAG: usize = 8;
pub const PSHARED_SHARED: u32 = 128;
/// The smallest and largest capacity the tool makes or reads: two slots, and 2^28 (a
/// 1 GiB segment; head and tail stay far from `int`'s limit).
pub const MIN_CAPACITY: usize = 2;
pub const MAX_CAPACITY: usize = 1 << 28;

const _: () = assert!(std::mem::size_of::<libc::sem_t>() == SEM_SIZE);
const _: () = assert!(HEAD == 4160 && TAIL == 4164 && COUNT == 4168 && SIZE == 4176);

/// Where the fields of a ring of one capacity are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    capacity: usize,
}

impl Layout {
    pub const DOCUMENT: Layout = Layout { capacity: CAPACITY };

    /// The layout of a ring of `capacity` slots; `Err` says why there is none.
    pub fn new(capacity: usize) -> Result<Layout, String> {
        if !(MIN_CAPACITY..=MAX_CAPACITY).contains(&capacity) {
            return Err(format!(
                "capacity {capacity}: a ring has {MIN_CAPACITY} to {MAX_CAPACITY} slots"
            ));
        }
        if !capacity.is_power_of_two() {
            return Err(format!(
                "capacity {capacity}: the capacity must be a power of two (such as 1024, 16384 or 262144), so that other commands can tell a ring by its size"
            ));
        }
        Ok(Layout { capacity })
    }

    /// The ring a segment of `size` bytes holds, if its size is a ring's.
    pub fn for_size(size: usize) -> Option<Layout> {
        capacity_of(size).map(|capacity| Layout { capacity })
    }

    pub const fn capacity(&self) -> usize {
        self.capacity
    }
    pub const fn head(&self) -> usize {
        BUFFER + 4 * self.capacity
    }
    pub const fn tail(&self) -> usize {
        self.head() + 4
    }
    pub const fn count(&self) -> usize {
        self.head() + 8
    }
    /// `sizeof(struct shared_data)`: the three ints after the buffer, padded to 8.
    pub const fn size(&self) -> usize {
        (self.head() + 12).next_multiple_of(8)
    }
}

/// The capacity of the document's ring held by a segment of `size` bytes: `Some(N)` when
/// `size` is `sizeof(struct shared_data)` with `int buffer[N]` for a power of two N the
/// tool supports (4176 bytes: 1024, the document's). Only the size is judged: whether the
/// bytes are a ring is for [`decode`] and `health::assess`.
pub fn capacity_of(size: usize) -> Option<usize> {
    if size < Layout::new(MIN_CAPACITY).ok()?.size() || !size.is_multiple_of(8) {
        return None;
    }
    // An even N pads 76 + 4N to 80 + 4N.
    let capacity = (size - BUFFER - 16) / 4;
    Layout::new(capacity).ok().filter(|l| l.size() == size)?;
    Some(capacity)
}

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

    /// From the 64-bit word and the flag int.
    pub fn from_parts(word: u64, flag: u32) -> SemWord {
        SemWord {
            value: word as u32,
            waiters: (word >> 32) as u32,
            flag,
        }
    }
}

/// The ring's header fields as raw numbers, and the capacity they belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub capacity: u32,
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

/// Decode the header of the ring that `bytes` (a whole segment) holds; `None` when their
/// length is not a ring's size (see [`capacity_of`]).
pub fn decode(bytes: &[u8]) -> Option<Header> {
    let layout = Layout::for_size(bytes.len())?;
    Some(Header {
        capacity: layout.capacity() as u32,
        producer: sem_at(bytes, SEM_PRODUCER),
        consumer: sem_at(bytes, SEM_CONSUMER),
        head: u32_at(bytes, layout.head()) as i32,
        tail: u32_at(bytes, layout.tail()) as i32,
        count: u32_at(bytes, layout.count()) as i32,
    })
}

impl Header {
    /// Items between tail and head, `(head - tail) mod N`. Where head == tail the ring is
    /// full (N) or empty: every end writes an item and moves head before it posts the
    /// item, and moves tail only after it took the item's permit, so the items the filled
    /// semaphore counts always lie between tail and head, and head == tail with any of
    /// them is a full ring. With none, and no free slot either (every slot in flight, a
    /// ring wedged by killed ends), count decides: a consumer takes an item from count
    /// as it moves tail past it, so items nobody claimed are still counted.
    pub fn items_between(&self) -> u32 {
        let cap = self.capacity;
        let span = (i64::from(self.head) - i64::from(self.tail)).rem_euclid(i64::from(cap)) as u32;
        let full = span == 0
            && (self.consumer.value > 0
                || (self.producer.value == 0 && i64::from(self.count) >= i64::from(cap / 2)));
        if full { cap } else { span }
    }
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
            capacity: CAPACITY as u32,
            producer: sem(free),
            consumer: sem(filled),
            head,
            tail,
            count,
        }
    }

    pub(crate) fn encode(h: &Header) -> Vec<u8> {
        let layout = Layout::new(h.capacity as usize).unwrap();
        let mut b = vec![0u8; layout.size()];
        for (off, s) in [(SEM_PRODUCER, h.producer), (SEM_CONSUMER, h.consumer)] {
            b[off..off + 4].copy_from_slice(&s.value.to_ne_bytes());
            b[off + 4..off + 8].copy_from_slice(&s.waiters.to_ne_bytes());
            b[off + 8..off + 12].copy_from_slice(&s.flag.to_ne_bytes());
        }
        for (off, v) in [
            (layout.head(), h.head),
            (layout.tail(), h.tail),
            (layout.count(), h.count),
        ] {
            b[off..off + 4].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }

    #[test]
    fn round_trip_and_sizes_that_are_no_ring() {
        let h = header(1000, 24, 30, 6, 24);
        assert_eq!(decode(&encode(&h)), Some(h));
        assert_eq!(decode(&[0u8; SIZE - 1]), None);
        assert_eq!(decode(&[]), None);
        let mut big = header(16_000, 384, 400, 16, 384);
        big.capacity = 16_384;
        assert_eq!(decode(&encode(&big)), Some(big));
    }

    #[test]
    fn the_size_gives_the_capacity_back() {
        assert_eq!(capacity_of(4176), Some(1024), "the document's ring");
        assert_eq!(Layout::new(1024).unwrap(), Layout::DOCUMENT);
        for n in [2usize, 4, 1024, 16_384, 262_144, MAX_CAPACITY] {
            let l = Layout::new(n).unwrap();
            assert_eq!(l.size(), (76 + 4 * n).next_multiple_of(8));
            assert_eq!(capacity_of(l.size()), Some(n), "{n}");
            assert!(l.count() + 4 <= l.size());
        }
        for size in [0usize, 4, 64, 87, 4096, 4172, 4177, 4180, 4184, 8192] {
            assert_eq!(capacity_of(size), None, "{size}");
        }
        assert!(Layout::new(1000).unwrap_err().contains("power of two"));
        assert!(Layout::new(0).is_err() && Layout::new(MAX_CAPACITY + 2).is_err());
    }

    #[test]
    fn items_between_tells_full_from_empty() {
        let between = |free, filled, head, tail, count| {
            header(free, filled, head, tail, count).items_between()
        };
        assert_eq!(between(1024, 0, 5, 5, 0), 0);
        assert_eq!(between(0, 1024, 5, 5, 1024), 1024);
        assert_eq!(between(0, 3, 5, 5, 1024), 1024);
        assert_eq!(between(1014, 10, 4, 1018, 10), 10);
        assert_eq!(between(1, 0, -1, 0, 0), 1023);
        // Every slot in flight: killed consumers took the items but never claimed them
        // (count still has them), or claimed them all (count does not).
        assert_eq!(between(0, 0, 7, 7, 1024), 1024);
        assert_eq!(between(0, 0, 7, 7, 0), 0);
    }
}
