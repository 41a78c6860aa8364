//! The wire format of the document's `struct shared_data` on x86-64 glibc, and a pure,
//! bounds-checked decoder of it for `status`.

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

/// How a ring stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Valid, and every invariant holds.
    Consistent,
    /// Valid structure, but an invariant is broken (lost slots, indices disagree).
    Inconsistent,
    /// All zero: created, never initialised.
    Uninitialised,
    /// Not a ring: values no ring can hold.
    Invalid,
    /// Smaller than the 4176 bytes a ring needs.
    TooSmall,
}

impl State {
    /// The name `status` prints, as in its JSON.
    pub fn name(self) -> &'static str {
        match self {
            State::Consistent => "consistent",
            State::Inconsistent => "inconsistent",
            State::Uninitialised => "uninitialised",
            State::Invalid => "invalid",
            State::TooSmall => "too-small",
        }
    }

    /// A ring a producer or consumer may join (a broken invariant can still be drained).
    pub fn joinable(self) -> bool {
        matches!(self, State::Consistent | State::Inconsistent)
    }
}

/// The verdict on a header: structure first, then invariants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub state: State,
    /// Items the filled semaphore says are ready.
    pub filled: u32,
    pub free: u32,
    /// Slots held between a wait and a post (at most one per side when healthy).
    pub in_flight: u32,
    /// What is broken; non-empty exactly when the state is not consistent.
    pub problems: Vec<String>,
    /// Worth knowing, not broken.
    pub warnings: Vec<String>,
}

/// Judge a header. `nattch` (when known) sharpens the verdict: with nobody attached, no
/// slot can legitimately be in flight and no waiter can be alive.
pub fn assess(h: &Header, nattch: Option<u64>) -> Assessment {
    let cap = CAPACITY as u32;
    let mut a = Assessment {
        state: State::Consistent,
        filled: h.consumer.value,
        free: h.producer.value,
        in_flight: 0,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let zero = SemWord {
        value: 0,
        waiters: 0,
        flag: 0,
    };
    if h.producer == zero && h.consumer == zero && h.head == 0 && h.tail == 0 && h.count == 0 {
        a.state = State::Uninitialised;
        a.problems
            .push("the header is all zero: the semaphores were never initialised".into());
        return a;
    }
    for (name, sem) in [("sem_producer", h.producer), ("sem_consumer", h.consumer)] {
        if !sem.is_shared() {
            a.problems.push(format!(
                "{name} is not process-shared (flag {} at offset {PSHARED_FLAG}, {PSHARED_SHARED} expected)",
                sem.flag
            ));
        }
        if sem.value as i32 > cap as i32 || (sem.value as i32) < 0 {
            a.problems.push(format!(
                "{name} value {} is outside 0..={cap}",
                sem.value as i32
            ));
        }
    }
    for (name, v) in [("head", h.head), ("tail", h.tail)] {
        if !(0..cap as i32).contains(&v) {
            a.problems.push(format!("{name} {v} is outside 0..{cap}"));
        }
    }
    if a.problems.is_empty() && a.free + a.filled > cap {
        a.problems.push(format!(
            "free {} + filled {} = {} exceeds the {cap} slots",
            a.free,
            a.filled,
            a.free + a.filled
        ));
    }
    if !a.problems.is_empty() {
        a.state = State::Invalid;
        return a;
    }

    a.in_flight = cap - a.free - a.filled;
    // Items between tail and head; when head == tail the ring is empty or full.
    let span = (h.head - h.tail).rem_euclid(cap as i32) as u32;
    let between = if span == 0 && a.filled + a.in_flight >= cap / 2 {
        cap
    } else {
        span
    };
    let nobody = nattch == Some(0);
    let allowed_in_flight = if nobody { 0 } else { 2 };
    if a.in_flight > allowed_in_flight {
        a.problems.push(format!(
            "{} of {cap} slots are neither free nor filled{}: a producer or consumer died between its two semaphore calls",
            a.in_flight,
            if nobody { " and nobody is attached" } else { "" }
        ));
    }
    if between < a.filled || between > a.filled + a.in_flight {
        a.problems.push(format!(
            "(head {} - tail {}) mod {cap} = {between}, but filled = {} (with {} in flight)",
            h.head, h.tail, a.filled, a.in_flight
        ));
    }
    // Our side moves count right after head or tail, so it may lead filled by the slots in
    // flight; anything else is drift from the C peer's unsynchronised count++/count--.
    let count = i64::from(h.count);
    let filled = i64::from(a.filled);
    if count < filled || count > filled + i64::from(a.in_flight) {
        a.warnings.push(format!(
            "count is {count} but {filled} items are ready (drift {:+}): the document's count++/count-- is not atomic",
            count - filled
        ));
    }
    for (name, sem) in [("sem_producer", h.producer), ("sem_consumer", h.consumer)] {
        if sem.waiters > 0 {
            a.warnings.push(if nobody {
                format!(
                    "{name} counts {} waiter(s) but nobody is attached: a killed waiter stays counted",
                    sem.waiters
                )
            } else {
                format!("{name} has {} waiter(s) (may include dead processes)", sem.waiters)
            });
        }
    }
    if !a.problems.is_empty() {
        a.state = State::Inconsistent;
    }
    a
}

/// Readings of a live ring before a verdict of broken stands.
pub const LIVE_READINGS: usize = 5;

/// Judge a ring that other processes are changing. Its header is copied word by word, so
/// one copy can be torn (`free` read before a producer's take, `filled` after the post
/// that follows it: 1024 + 1 slots); anything short of consistent is read again, up to
/// [`LIVE_READINGS`] times, `pause` apart, and the last reading stands.
pub fn judge_live(
    mut read: impl FnMut() -> Option<Vec<u8>>,
    nattch: Option<u64>,
    pause: std::time::Duration,
) -> Option<(Header, Assessment)> {
    let mut last = None;
    for attempt in 0..LIVE_READINGS {
        if attempt > 0 {
            std::thread::sleep(pause);
        }
        let header = decode(&read()?)?;
        let verdict = assess(&header, nattch);
        let done = verdict.state == State::Consistent;
        last = Some((header, verdict));
        if done {
            break;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(free: u32, filled: u32, head: i32, tail: i32, count: i32) -> Header {
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

    fn encode(h: &Header) -> Vec<u8> {
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
    }

    #[test]
    fn healthy_rings() {
        assert_eq!(
            assess(&header(1024, 0, 0, 0, 0), Some(0)).state,
            State::Consistent
        );
        assert_eq!(
            assess(&header(1000, 24, 30, 6, 24), Some(2)).state,
            State::Consistent
        );
        // Full: head == tail with every slot filled.
        assert_eq!(
            assess(&header(0, 1024, 5, 5, 1024), Some(0)).state,
            State::Consistent
        );
        // Wrapped indices.
        assert_eq!(
            assess(&header(1014, 10, 4, 1018, 10), None).state,
            State::Consistent
        );
        // A producer between its wait and its post, with head already advanced.
        assert_eq!(
            assess(&header(1013, 10, 5, 1018, 11), Some(2)).state,
            State::Consistent
        );
    }

    #[test]
    fn garbage_is_invalid_not_a_panic() {
        assert_eq!(
            assess(&decode(&[0u8; SIZE]).unwrap(), None).state,
            State::Uninitialised
        );
        let random: Vec<u8> = (0..SIZE).map(|i| (i * 7919 % 251) as u8).collect();
        assert_eq!(
            assess(&decode(&random).unwrap(), None).state,
            State::Invalid
        );
        let mut h = header(1024, 0, 0, 0, 0);
        h.head = 5000;
        assert_eq!(assess(&h, None).state, State::Invalid);
        let mut h = header(1024, 0, 0, 0, 0);
        h.consumer.value = u32::MAX; // -1
        assert_eq!(assess(&h, None).state, State::Invalid);
        let mut h = header(1024, 0, 0, 0, 0);
        h.producer.flag = 0;
        let a = assess(&h, None);
        assert_eq!(a.state, State::Invalid);
        assert!(
            a.problems[0].contains("not process-shared"),
            "{:?}",
            a.problems
        );
    }

    #[test]
    fn a_torn_reading_of_a_live_ring_is_read_again() {
        // What a reader saw when a producer finished its first item between the two loads.
        let torn = encode(&header(1024, 1, 1, 0, 1));
        let settled = encode(&header(1023, 1, 1, 0, 1));
        assert_eq!(assess(&decode(&torn).unwrap(), None).state, State::Invalid);
        let mut readings = vec![settled, torn].into_iter().rev();
        let (_, verdict) = judge_live(|| readings.next(), None, std::time::Duration::ZERO).unwrap();
        assert_eq!(verdict.state, State::Consistent);
        // Garbage stays garbage after every reading.
        let mut calls = 0;
        let garbage = encode(&header(2000, 0, 0, 0, 0));
        let (_, verdict) = judge_live(
            || {
                calls += 1;
                Some(garbage.clone())
            },
            None,
            std::time::Duration::ZERO,
        )
        .unwrap();
        assert_eq!((verdict.state, calls), (State::Invalid, LIVE_READINGS));
    }

    #[test]
    fn broken_invariants_are_named() {
        // A producer killed between sem_wait(free) and sem_post(filled): one slot lost.
        let a = assess(&header(1013, 10, 11, 0, 11), Some(0));
        assert_eq!(a.state, State::Inconsistent);
        assert!(
            a.problems[0].contains("neither free nor filled"),
            "{:?}",
            a.problems
        );
        // Indices that disagree with the semaphores.
        let a = assess(&header(1014, 10, 50, 0, 10), Some(1));
        assert_eq!(a.state, State::Inconsistent);
        // Count drift is a warning only.
        let a = assess(&header(1014, 10, 10, 0, 17), Some(1));
        assert_eq!(a.state, State::Consistent);
        assert!(a.warnings[0].contains("drift +7"), "{:?}", a.warnings);
        // A killed waiter stays counted.
        let mut h = header(1024, 0, 0, 0, 0);
        h.consumer.waiters = 1;
        let a = assess(&h, Some(0));
        assert!(a.warnings[0].contains("killed waiter"), "{:?}", a.warnings);
    }
}
