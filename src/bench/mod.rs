//! `ring bench`: the document's ring against pipes and Unix sockets, side by side in one
//! run, each end in its own process, every transport's consumer checking a checksum.
//! This file runs, calibrates and summarises; `process` starts and talks to the peer
//! processes, `fixture` makes what they meet in, `peer` and `transport` are the ends.

mod fixture;
pub mod peer;
mod process;
pub mod transport;

use crate::error::{Error, Result, Status};
use crate::model::bench::{Latency, Report, Throughput, Transport};
use fixture::{PrivateRing, stream_endpoint};
use peer::Role;
use process::start_pair;

/// The most round trips one latency run keeps (8 bytes each, to find the p99).
pub const MAX_ROUND_TRIPS: u64 = 10_000_000;

/// The transports whose round trip of one item is measured.
pub fn has_latency(t: Transport) -> bool {
    matches!(t, Transport::Ring | Transport::Pipe | Transport::Unix)
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub transports: Vec<Transport>,
    /// Items per run; `None`: calibrated to about a second per transport.
    pub count: Option<u64>,
    /// Runs per transport; the median is reported.
    pub repeat: u32,
    /// CPUs for the producer and the consumer.
    pub pin: Option<(usize, usize)>,
    /// Round trips per transport for the latency test, if asked for.
    pub latency: Option<u64>,
    /// Spin budgets of the ring ends (per item, batched), to measure them.
    pub spin: Option<u32>,
    pub batch_spin: Option<u32>,
}

/// One throughput run: (seconds, consumer checksum).
fn run_once(transport: Transport, count: u64, s: &Settings) -> Result<(f64, u64)> {
    let dir = fixture::private_dir()?;
    let ring = if transport.is_ring() {
        Some(PrivateRing::new()?)
    } else {
        None
    };
    let endpoint = match &ring {
        Some(r) => r.id().to_string(),
        None => stream_endpoint(&dir, transport, false)?,
    };
    let (mut producer, mut consumer) = start_pair(
        transport,
        (Role::Producer, Role::Consumer),
        count,
        &endpoint,
        s,
    )?;
    // Both peers are attached and have opened their FIFO or socket: what they met in can go.
    drop(ring);
    drop(dir);
    consumer.go()?;
    producer.go()?;
    let p = producer.expect("done")?;
    let c = consumer.expect("done")?;
    let num = |f: &[String], i: usize| f.get(i).and_then(|v| v.parse::<u128>().ok()).unwrap_or(0);
    let start = num(&p, 1).min(num(&c, 1));
    let end = num(&p, 2).max(num(&c, 2));
    let secs = (end.saturating_sub(start)) as f64 / 1e9;
    Ok((secs.max(1e-9), num(&c, 3) as u64))
}

fn latency_once(transport: Transport, rounds: u64, s: &Settings) -> Result<Latency> {
    let dir = fixture::private_dir()?;
    let rings = if transport.is_ring() {
        Some((PrivateRing::new()?, PrivateRing::new()?))
    } else {
        None
    };
    let endpoint = match &rings {
        Some((a, b)) => format!("{},{}", a.id(), b.id()),
        None => stream_endpoint(&dir, transport, true)?,
    };
    let (mut pinger, mut ponger) = start_pair(
        transport,
        (Role::Pinger, Role::Ponger),
        rounds,
        &endpoint,
        s,
    )?;
    drop(rings);
    drop(dir);
    ponger.go()?;
    pinger.go()?;
    let l = pinger.expect("latency")?;
    let num = |i: usize| l.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    Ok(Latency {
        transport,
        round_trips: rounds,
        median_ns: num(1),
        p99_ns: num(2),
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// Items for about a second: grow a trial run until it lasts 100 ms, then scale.
fn calibrate(transport: Transport, s: &Settings) -> Result<u64> {
    let mut count = 50_000u64;
    loop {
        let (secs, _) = run_once(transport, count, s)?;
        if secs >= 0.1 || count >= 500_000_000 {
            return Ok(((count as f64 / secs) as u64).clamp(10_000, 2_000_000_000));
        }
        count = (count as f64 * (0.15 / secs).clamp(2.0, 20.0)) as u64;
    }
}

pub fn run(settings: &Settings, progress: &mut dyn FnMut(&str)) -> Result<Report> {
    let mut results: Vec<Throughput> = Vec::new();
    for &transport in &settings.transports {
        let count = match settings.count {
            Some(c) => c,
            None => {
                progress(&format!("calibrating {}", transport.name()));
                calibrate(transport, settings)?
            }
        };
        let mut rates = Vec::new();
        let mut sums = Vec::new();
        for r in 0..settings.repeat.max(1) {
            progress(&format!(
                "{} run {}/{}: {count} items",
                transport.name(),
                r + 1,
                settings.repeat.max(1)
            ));
            let (secs, sum) = run_once(transport, count, settings)?;
            sums.push(sum);
            rates.push(count as f64 / secs);
        }
        // After the runs, so that a stop is never held up by it (it takes about a
        // nanosecond per item).
        let expected =
            transport::expected_checksum_unless_stopped(count).ok_or_else(Error::interrupted)?;
        let checksum = sums.last().copied().unwrap_or(0);
        let checksum_ok = sums.iter().all(|&s| s == expected);
        let rate = median(&mut rates.clone());
        results.push(Throughput {
            transport,
            items: count,
            items_per_s: rate,
            ns_per_item: 1e9 / rate,
            ratio_to_ring: None,
            checksum,
            checksum_ok,
            runs_items_per_s: rates,
        });
    }
    if let Some(ring) = results
        .iter()
        .find(|r| r.transport == Transport::Ring)
        .map(|r| r.items_per_s)
    {
        for r in &mut results {
            r.ratio_to_ring = Some(r.items_per_s / ring);
        }
    }
    let mut latency = Vec::new();
    if let Some(rounds) = settings.latency {
        for &t in &settings.transports {
            if has_latency(t) {
                progress(&format!("latency {}: {rounds} round trips", t.name()));
                latency.push(latency_once(t, rounds, settings)?);
            }
        }
    }
    Ok(Report {
        repeat: settings.repeat.max(1),
        pin: settings.pin.map(|(a, b)| [a, b]),
        transports: results,
        latency,
    })
}

/// Did every consumer receive exactly what was sent?
pub fn verdict(report: &Report) -> Result<Status> {
    match report.transports.iter().find(|t| !t.checksum_ok) {
        Some(t) => Err(Error::other(format!(
            "{}: the consumer's checksum {} is not the expected one: the transport lost or changed items",
            t.transport.name(),
            t.checksum
        ))),
        None => Ok(Status::Ok),
    }
}
