//! `ring bench`: the document's ring against a lock-free ring, pipes and Unix sockets,
//! side by side in one run, each end in its own process, every transport's consumer
//! checking a checksum. Each case (a transport at a capacity or write size) runs about a
//! second; the rounds interleave the cases, so that a load that drifts on a shared machine
//! hits each alike, and every ratio is taken round by round, between runs next to each
//! other in time. This file runs, calibrates and summarises; `process` starts and talks
//! to the peer processes, `fixture` makes what they meet in, `peer`, `transport` and
//! `spsc` are the ends.

mod fixture;
pub mod peer;
mod process;
pub mod spsc;
pub mod transport;

use crate::error::{Error, Result, Status};
use crate::model::bench::{Case, Latency, Ratio, Report, Throughput, Transport};
use fixture::{PrivateRing, stream_endpoint};
use peer::Role;
use process::{Knobs, start_pair};
use std::time::Duration;

/// The most round trips one latency run keeps (8 bytes each, to find the p99).
pub const MAX_ROUND_TRIPS: u64 = 10_000_000;
/// How long one run of a case lasts, about, when its items are not given.
const RUN_SECONDS: f64 = 1.0;
/// A ring end's polling in the latency test unless `--spin` says: long enough to cover
/// the other end's turnaround, so that neither sleeps in the kernel.
pub const LATENCY_SPIN: Duration = Duration::from_micros(100);

/// The transports whose round trip of one item is measured.
pub fn has_latency(t: Transport) -> bool {
    matches!(t, Transport::Ring | Transport::Pipe | Transport::Unix)
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub transports: Vec<Transport>,
    /// Capacities of the shared-memory rings (powers of two).
    pub capacities: Vec<usize>,
    /// Items per write of the batched pipes and sockets.
    pub write_items: Vec<usize>,
    /// Items per run; `None`: calibrated to about a second per case.
    pub count: Option<u64>,
    /// Rounds; the median is reported with the spread.
    pub repeat: u32,
    /// CPUs for the producer and the consumer.
    pub pin: Option<(usize, usize)>,
    /// Round trips per transport for the latency test, if asked for.
    pub latency: Option<u64>,
    /// `--spin`: how long the ring ends poll before they sleep.
    pub spin: Option<Duration>,
    /// Spin budgets of the ring ends in attempts (per item, batched), to measure them.
    pub spin_tries: Option<u32>,
    pub batch_spin: Option<u32>,
}

impl Settings {
    fn knobs(&self, spin: Option<Duration>) -> Knobs {
        Knobs {
            spin,
            spin_tries: self.spin_tries,
            batch_spin: self.batch_spin,
        }
    }

    /// Every case: each shared-memory transport at each capacity, each batched stream at
    /// each write size, the others once.
    pub fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for &transport in &self.transports {
            let one = |capacity, write_items| Case {
                transport,
                capacity,
                write_items,
            };
            if transport.is_shared_memory() {
                cases.extend(self.capacities.iter().map(|&c| one(Some(c), None)));
            } else if transport.writes_batches() {
                cases.extend(self.write_items.iter().map(|&w| one(None, Some(w))));
            } else {
                cases.push(one(None, None));
            }
        }
        cases
    }
}

/// What the two ends of a case meet in: a ring (kept until both attached) or a FIFO or
/// socket path in a private directory (kept until both opened it).
struct Meeting {
    _rings: Vec<PrivateRing>,
    _dir: Option<tempfile::TempDir>,
}

fn meeting(case: Case, latency: bool) -> Result<(Meeting, String)> {
    let capacity = case.capacity.unwrap_or(crate::ring::layout::CAPACITY);
    let rings = match case.transport {
        Transport::Spsc => vec![PrivateRing::zeroed(spsc::size(capacity))?],
        t if t.is_ring() && latency => {
            vec![PrivateRing::new(capacity)?, PrivateRing::new(capacity)?]
        }
        t if t.is_ring() => vec![PrivateRing::new(capacity)?],
        t => {
            let dir = fixture::private_dir()?;
            let endpoint = stream_endpoint(&dir, t, latency)?;
            let meeting = Meeting {
                _rings: Vec::new(),
                _dir: Some(dir),
            };
            return Ok((meeting, endpoint));
        }
    };
    let endpoint = rings
        .iter()
        .map(|r| r.id().to_string())
        .collect::<Vec<_>>()
        .join(",");
    let meeting = Meeting {
        _rings: rings,
        _dir: None,
    };
    Ok((meeting, endpoint))
}

fn field<T: std::str::FromStr + Default>(fields: &[String], i: usize) -> T {
    fields
        .get(i)
        .and_then(|v| v.parse().ok())
        .unwrap_or_default()
}

/// One throughput run: (seconds, consumer checksum).
fn run_once(case: Case, count: u64, s: &Settings) -> Result<(f64, u64)> {
    let (meeting, endpoint) = meeting(case, false)?;
    let (mut producer, mut consumer) = start_pair(
        case,
        (Role::Producer, Role::Consumer),
        count,
        &endpoint,
        s.pin,
        s.knobs(s.spin),
    )?;
    // Both peers are attached and have opened their FIFO or socket: it can go.
    drop(meeting);
    consumer.go()?;
    producer.go()?;
    let p = producer.expect("done")?;
    let c = consumer.expect("done")?;
    let start = field::<u128>(&p, 1).min(field(&c, 1));
    let end = field::<u128>(&p, 2).max(field(&c, 2));
    let secs = (end.saturating_sub(start)) as f64 / 1e9;
    Ok((secs.max(1e-9), field(&c, 3)))
}

fn latency_once(
    transport: Transport,
    spin: Option<Duration>,
    rounds: u64,
    s: &Settings,
) -> Result<Latency> {
    let case = Case {
        transport,
        capacity: transport.is_ring().then_some(crate::ring::layout::CAPACITY),
        write_items: None,
    };
    let (meeting, endpoint) = meeting(case, true)?;
    let (mut pinger, mut ponger) = start_pair(
        case,
        (Role::Pinger, Role::Ponger),
        rounds,
        &endpoint,
        s.pin,
        s.knobs(spin),
    )?;
    drop(meeting);
    ponger.go()?;
    pinger.go()?;
    let l = pinger.expect("latency")?;
    let d = ponger.expect("done")?;
    let cpu = field::<u64>(&l, 3) + field::<u64>(&d, 4);
    let wall = field::<u64>(&l, 5).saturating_sub(field(&l, 4)).max(1);
    Ok(Latency {
        transport,
        spin_ns: spin.map(|d| d.as_nanos() as u64),
        round_trips: rounds,
        median_ns: field(&l, 1),
        p99_ns: field(&l, 2),
        cpu_ns_per_round_trip: cpu / rounds.max(1),
        cpus_busy: cpu as f64 / wall as f64,
    })
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn spread(values: &[f64]) -> (f64, f64) {
    values.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
        (lo.min(v), hi.max(v))
    })
}

/// Items for about [`RUN_SECONDS`]: grow a trial run until it lasts a quarter of a
/// second (start-up then weighs little), then scale.
fn calibrate(case: Case, s: &Settings) -> Result<u64> {
    let mut count = 50_000u64;
    loop {
        let (secs, _) = run_once(case, count, s)?;
        if secs >= 0.25 || count >= 4_000_000_000 {
            return Ok(((count as f64 / secs * RUN_SECONDS) as u64).clamp(10_000, 8_000_000_000));
        }
        count = (count as f64 * (0.3 / secs).clamp(2.0, 20.0)) as u64;
    }
}

/// Each round's ratio of case `a` to case `b` (or to the best of `b`), summarised.
fn ratio(name: String, rounds: &[f64], against: &[f64]) -> Ratio {
    let r: Vec<f64> = rounds
        .iter()
        .zip(against)
        .map(|(x, y)| x / y.max(1e-9))
        .collect();
    let (min, max) = spread(&r);
    Ratio {
        name,
        median: median(&r),
        min,
        max,
    }
}

/// The ratios the benchmark is about, round by round: the document's batched ring
/// against the lock-free ring of the same capacity, and both against the best pipe or
/// socket of the same round.
fn ratios(cases: &[Case], rates: &[Vec<f64>]) -> Vec<Ratio> {
    let find = |t: Transport, c: Option<usize>| {
        cases
            .iter()
            .position(|k| k.transport == t && k.capacity == c)
    };
    let streams: Vec<usize> = (0..cases.len())
        .filter(|&k| !cases[k].transport.is_shared_memory())
        .collect();
    let rounds = rates.first().map_or(0, Vec::len);
    let best_stream: Vec<f64> = (0..rounds)
        .map(|r| streams.iter().map(|&k| rates[k][r]).fold(0.0, f64::max))
        .collect();
    let mut out = Vec::new();
    let capacities: Vec<Option<usize>> = {
        let mut c: Vec<_> = cases.iter().filter_map(|k| k.capacity).collect();
        c.sort_unstable();
        c.dedup();
        c.into_iter().map(Some).collect()
    };
    for c in capacities {
        let batch = find(Transport::RingBatch, c);
        let spsc = find(Transport::Spsc, c);
        let cap = c.unwrap_or(0);
        if let (Some(b), Some(q)) = (batch, spsc) {
            out.push(ratio(
                format!("ring-batch@{cap} / spsc@{cap}"),
                &rates[b],
                &rates[q],
            ));
        }
        if streams.is_empty() {
            continue;
        }
        for (k, name) in [(batch, "ring-batch"), (spsc, "spsc")] {
            if let Some(k) = k {
                out.push(ratio(
                    format!("{name}@{cap} / best pipe or socket"),
                    &rates[k],
                    &best_stream,
                ));
            }
        }
    }
    out
}

pub fn run(settings: &Settings, progress: &mut dyn FnMut(&str)) -> Result<Report> {
    let cases = settings.cases();
    let mut counts = Vec::new();
    for &case in &cases {
        counts.push(match settings.count {
            Some(c) => c,
            None => {
                progress(&format!("calibrating {}", case.label()));
                calibrate(case, settings)?
            }
        });
    }
    let repeat = settings.repeat.max(1);
    let mut rates = vec![Vec::new(); cases.len()];
    // Every run's items and checksum, to check against the expected checksum.
    let mut runs: Vec<Vec<(u64, u64)>> = vec![Vec::new(); cases.len()];
    for round in 0..repeat {
        progress(&format!("round {}/{repeat}", round + 1));
        for (k, &case) in cases.iter().enumerate() {
            let (secs, sum) = run_once(case, counts[k], settings)?;
            rates[k].push(counts[k] as f64 / secs);
            runs[k].push((counts[k], sum));
            // A short trial can misjudge the pace (start-up, a machine busy for a
            // moment): the first round sets the items of the following ones.
            if round == 0 && settings.count.is_none() && !(0.7..1.4).contains(&secs) {
                counts[k] = ((counts[k] as f64 / secs * RUN_SECONDS) as u64).max(10_000);
            }
        }
    }
    // After the runs, so that a stop is never held up by it (a nanosecond an item).
    let all: Vec<u64> = runs.iter().flatten().map(|r| r.0).collect();
    let expected =
        transport::expected_checksums_unless_stopped(&all).ok_or_else(Error::interrupted)?;
    let mut results = Vec::new();
    for (k, &case) in cases.iter().enumerate() {
        let checksum_ok = runs[k]
            .iter()
            .all(|(count, sum)| expected.get(count) == Some(sum));
        let ring = cases
            .iter()
            .position(|c| c.transport == Transport::Ring && c.capacity == case.capacity);
        let rate = median(&rates[k]);
        let (min, max) = spread(&rates[k]);
        results.push(Throughput {
            transport: case.transport,
            capacity: case.capacity,
            write_items: case.write_items,
            label: case.label(),
            items: runs[k].last().map_or(0, |r| r.0),
            items_per_s: rate,
            min_items_per_s: min,
            max_items_per_s: max,
            ns_per_item: 1e9 / rate,
            ratio_to_ring: ring.map(|r| ratio(String::new(), &rates[k], &rates[r]).median),
            checksum: runs[k].last().map_or(0, |r| r.1),
            checksum_ok,
            runs_items_per_s: rates[k].clone(),
        });
    }
    let mut latency = Vec::new();
    if let Some(rounds) = settings.latency {
        for &t in settings.transports.iter().filter(|&&t| has_latency(t)) {
            let spins: &[Option<Duration>] = if t == Transport::Ring {
                &[None, Some(settings.spin.unwrap_or(LATENCY_SPIN))]
            } else {
                &[None]
            };
            for &spin in spins {
                progress(&format!("latency {}: {rounds} round trips", t.name()));
                latency.push(latency_once(t, spin, rounds, settings)?);
            }
        }
    }
    Ok(Report {
        repeat,
        pin: settings.pin.map(|(a, b)| [a, b]),
        ratios: ratios(&cases, &rates),
        transports: results,
        latency,
    })
}

/// Did every consumer receive exactly what was sent?
pub fn verdict(report: &Report) -> Result<Status> {
    match report.transports.iter().find(|t| !t.checksum_ok) {
        Some(t) => Err(Error::other(format!(
            "{}: the consumer's checksum {} is not the expected one: the transport lost or changed items",
            t.label, t.checksum
        ))),
        None => Ok(Status::Ok),
    }
}
