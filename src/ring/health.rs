//! What a decoded ring header means: consistent, broken, or no ring at all; and how to
//! judge a header that other processes are changing while it is read.

use super::layout::{CAPACITY, Header, PSHARED_FLAG, PSHARED_SHARED, SemWord, decode};
use crate::model::ring::State;

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
    use crate::ring::layout::tests::{encode, header};
    use crate::ring::layout::{SIZE, decode};

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
