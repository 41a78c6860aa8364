//! What a decoded ring header means: consistent, broken, or no ring at all; how to judge
//! a header that other processes are changing while it is read; and what a repair sets.

use super::layout::{Header, PSHARED_FLAG, PSHARED_SHARED, SemWord};
use crate::model::ring::State;
use std::time::{Duration, Instant};

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

/// Slots a live ring may hold in flight at one instant: one per per-item end. A batched
/// end holds more, for the few hundred nanoseconds of its copy; [`judge_live`] reads
/// again until it sees the ring between two such moments.
const LIVE_IN_FLIGHT: u32 = 2;

/// Whether the header is shaped like a ring at all: process-shared semaphores with values
/// a ring of its capacity can hold, indices inside it. `Err` lists what is not.
fn structure(h: &Header) -> Vec<String> {
    let cap = h.capacity;
    let mut problems = Vec::new();
    for (name, sem) in [("sem_producer", h.producer), ("sem_consumer", h.consumer)] {
        if !sem.is_shared() {
            problems.push(format!(
                "{name} is not process-shared (flag {} at offset {PSHARED_FLAG}, {PSHARED_SHARED} expected)",
                sem.flag
            ));
        }
        if sem.value > cap {
            problems.push(format!(
                "{name} value {} is outside 0..={cap}",
                sem.value as i32
            ));
        }
    }
    for (name, v) in [("head", h.head), ("tail", h.tail)] {
        if !(0..cap as i64).contains(&i64::from(v)) {
            problems.push(format!("{name} {v} is outside 0..{cap}"));
        }
    }
    problems
}

fn all_zero(h: &Header) -> bool {
    let zero = SemWord {
        value: 0,
        waiters: 0,
        flag: 0,
    };
    h.producer == zero && h.consumer == zero && h.head == 0 && h.tail == 0 && h.count == 0
}

/// Judge a header. `nattch` (when known) sharpens the verdict: with nobody attached, no
/// slot can legitimately be in flight and no waiter can be alive.
pub fn assess(h: &Header, nattch: Option<u64>) -> Assessment {
    let cap = h.capacity;
    let mut a = Assessment {
        state: State::Consistent,
        filled: h.consumer.value,
        free: h.producer.value,
        in_flight: 0,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    if all_zero(h) {
        a.state = State::Uninitialised;
        a.problems
            .push("the header is all zero: the semaphores were never initialised".into());
        return a;
    }
    a.problems = structure(h);
    if a.problems.is_empty() && u64::from(a.free) + u64::from(a.filled) > u64::from(cap) {
        a.problems.push(format!(
            "free {} + filled {} = {} exceeds the {cap} slots (`shmctl-rs ring repair` restores the counts from head and tail)",
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
    let between = h.items_between();
    let nobody = nattch == Some(0);
    let allowed_in_flight = if nobody { 0 } else { LIVE_IN_FLIGHT };
    if a.in_flight > allowed_in_flight {
        a.problems.push(format!(
            "{} of {cap} slots are neither free nor filled{}: a producer or consumer was killed (or is stopped) between its two semaphore calls (`shmctl-rs ring repair` gives them back once no producer or consumer runs)",
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
    // Our ends move count after head and before the post, or after tail and before the
    // free post, so it may lead filled by the slots in flight; anything else is drift from
    // the C peer's unsynchronised count++/count--.
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

/// Readings of a live ring, at most, before a verdict of broken stands.
pub const LIVE_READINGS: usize = 100;
/// How long the readings of a ring that other processes may be changing take, at most,
/// before a verdict of broken stands. An end of a healthy ring preempted in the middle of
/// a batch (both CPUs busy elsewhere) can stand still for milliseconds.
const LIVE_BUDGET: Duration = Duration::from_millis(300);

/// Judge a ring that other processes may be changing. Its fields are read one by one
/// (tail, filled, free, head, count: in that order, the items filled counts are always
/// found between tail and head), so one reading can still be torn. Each reading is two
/// such reads back to back. A consistent reading ends the judgement: the ring was seen
/// between two moves. Otherwise it is read again, further and further apart, for up to
/// [`LIVE_BUDGET`]; a broken verdict stands only when every reading was broken, or when
/// nobody else is attached (`nattch` 0) and the two reads agree: then nothing moves, and
/// the reading is the ring's state.
pub fn judge_live(
    read: impl FnMut() -> Option<Header>,
    nattch: Option<u64>,
) -> Option<(Header, Assessment)> {
    judge_live_for(read, nattch, LIVE_BUDGET)
}

/// [`judge_live`] for up to `budget` instead of [`LIVE_BUDGET`].
pub fn judge_live_for(
    mut read: impl FnMut() -> Option<Header>,
    nattch: Option<u64>,
    budget: Duration,
) -> Option<(Header, Assessment)> {
    let start = Instant::now();
    let mut last = None;
    for reading in 0..LIVE_READINGS {
        let first = read()?;
        let second = read()?;
        let verdict = assess(&second, nattch);
        if verdict.state == State::Consistent || (nattch == Some(0) && first == second) {
            return Some((second, verdict));
        }
        last = Some((second, verdict));
        if start.elapsed() >= budget {
            break;
        }
        // Back to back at first (a torn reading is over in nanoseconds), then further
        // apart, so that an end preempted mid-item gets to finish it.
        if reading >= 2 {
            std::thread::sleep(Duration::from_micros((200 * reading as u64).min(5000)));
        }
    }
    last
}

/// What a repair sets: the semaphores, count and waiters that agree with head and tail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Items between tail and head: each was written by a producer before it moved head,
    /// and none was shown by a consumer, which moves tail first; so all are offered again.
    pub filled: u32,
    /// Every other slot.
    pub free: u32,
    pub count: i32,
}

/// The repair of a ring shaped like one (its semaphores process-shared, their values and
/// the indices inside the capacity): head and tail are the truth, the semaphores and count
/// follow from them. The slots in flight are thereby split, without knowing who held them:
///
/// - between tail and head (a consumer that took items but had not moved tail past them,
///   or a producer that moved head but had not posted): never shown, offered again;
/// - outside (a consumer that moved tail but had not posted the free slots, or a producer
///   that took free slots but had not moved head): freed. A consumer moves tail before it
///   shows an item, so an item freed this way may be lost (at most the one a killed
///   consumer was writing) but is never shown twice.
///
/// `Err` says why the header is not a ring that can be repaired.
pub fn plan(h: &Header) -> Result<Plan, String> {
    plan_around(h, Held::default())
}

/// Permits a live end may hold while another end repairs the ring: the one a wake-up
/// gave an end that waits for its awake lock before it uses it (see `lock`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// A consumer's filled permit, for the item at tail (tail not yet moved).
    pub filled: u32,
    /// A producer's free permit, for the slot at head (head not yet moved).
    pub free: u32,
}

/// [`plan`], leaving in flight what a live end may hold: its slots are neither offered
/// again nor freed (if it held none, they stay stranded until the next repair).
pub fn plan_around(h: &Header, held: Held) -> Result<Plan, String> {
    if all_zero(h) {
        return Err("the header is all zero: never initialised, there is nothing to repair (a producer initialises it)".into());
    }
    let problems = structure(h);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let between = h.items_between();
    // Stranded between tail and head, and outside them.
    let inside = between.saturating_sub(h.consumer.value);
    let outside = (h.capacity - between).saturating_sub(h.producer.value);
    let filled = between - held.filled.min(inside);
    Ok(Plan {
        filled,
        free: h.capacity - between - held.free.min(outside),
        count: between as i32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::layout::tests::header;
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
        // A consumer that moved tail past the item it is writing, its slot not yet freed.
        assert_eq!(
            assess(&header(1013, 10, 5, 1019, 11), Some(2)).state,
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
        assert!(plan(&h).unwrap_err().contains("not process-shared"));
        assert!(plan(&decode(&[0u8; SIZE]).unwrap()).is_err());
    }

    #[test]
    fn a_torn_reading_of_a_live_ring_is_read_again() {
        // What a reader saw when a producer finished its first item between two loads.
        let torn = header(1024, 1, 1, 0, 1);
        let settled = header(1023, 1, 1, 0, 1);
        assert_eq!(assess(&torn, None).state, State::Invalid);
        let mut readings = vec![settled, settled, torn, torn].into_iter().rev();
        let (_, verdict) = judge_live(|| readings.next(), None).unwrap();
        assert_eq!(verdict.state, State::Consistent);
        // Garbage that nobody else is attached to is judged after one agreeing reading.
        let mut calls = 0;
        let garbage = header(2000, 0, 0, 0, 0);
        let (_, verdict) = judge_live(
            || {
                calls += 1;
                Some(garbage)
            },
            Some(0),
        )
        .unwrap();
        assert_eq!((verdict.state, calls), (State::Invalid, 2));
        // A ring that keeps moving and is broken in every reading: judged after them all.
        let mut i = 0;
        let (_, verdict) = judge_live(
            || {
                i += 1;
                Some(header(800, 10, i % 1024, 0, 10))
            },
            Some(2),
        )
        .unwrap();
        assert_eq!(verdict.state, State::Inconsistent);
        assert!(i >= 2 * 3, "{i} reads");
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

    #[test]
    fn a_repair_offers_again_what_lies_between_tail_and_head_and_frees_the_rest() {
        // A producer killed after moving head, before posting: its item is offered again.
        let p = plan(&header(1013, 10, 11, 0, 11)).unwrap();
        assert_eq!((p.filled, p.free, p.count), (11, 1013, 11));
        // A batched consumer killed after taking 256 items, before moving tail: the same.
        let p = plan(&header(768, 0, 256, 0, 256)).unwrap();
        assert_eq!((p.filled, p.free), (256, 768));
        // A consumer killed after moving tail, before freeing: the slots are freed.
        let p = plan(&header(700, 100, 400, 300, 150)).unwrap();
        assert_eq!((p.filled, p.free, p.count), (100, 924, 100));
        // Both at once, and a full ring.
        let p = plan(&header(0, 1000, 7, 7, 1000)).unwrap();
        assert_eq!((p.filled, p.free), (1024, 0));
        // Semaphores that a re-initialising C producer left too high.
        let p = plan(&header(1024, 3, 3, 0, 0)).unwrap();
        assert_eq!((p.filled, p.free, p.count), (3, 1021, 3));
        // A wedged ring, both ends alive and waiting, the consumer perhaps holding the
        // permit for the item at tail: that one stays with it.
        let wedged = header(0, 0, 600, 100, 500);
        let p = plan_around(&wedged, Held { filled: 1, free: 0 }).unwrap();
        assert_eq!((p.filled, p.free, p.count), (499, 524, 500));
        let p = plan_around(&wedged, Held { filled: 0, free: 1 }).unwrap();
        assert_eq!((p.filled, p.free), (500, 523));
        // Nothing stranded on that side: nothing is left for the live end either.
        let p = plan_around(&header(524, 0, 600, 100, 500), Held { filled: 0, free: 1 });
        assert_eq!(p.map(|p| (p.filled, p.free)), Ok((500, 524)));
    }
}
