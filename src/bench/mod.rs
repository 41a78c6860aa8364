//! `ring bench`: the document's ring against pipes and Unix sockets, side by side in one
//! run, each end in its own process, every transport's consumer checking a checksum.

pub mod peer;
pub mod transport;

use crate::error::{Error, Result, Status};
use crate::ring::layout;
use crate::ring::shared::Ring;
use crate::sys::shm::{self, CreateFlags, Key, ShmId};
use peer::Role;
use serde::Serialize;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
pub use transport::Transport;

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

/// One transport's throughput.
#[derive(Clone, Debug, Serialize)]
pub struct Throughput {
    pub transport: Transport,
    pub items: u64,
    /// The median of the runs.
    pub items_per_s: f64,
    pub ns_per_item: f64,
    /// items_per_s divided by the document ring's.
    pub ratio_to_ring: Option<f64>,
    pub checksum: u64,
    pub checksum_ok: bool,
    pub runs_items_per_s: Vec<f64>,
}

/// One transport's round trip of a single item.
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    pub transport: Transport,
    pub round_trips: u64,
    pub median_ns: u64,
    pub p99_ns: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub repeat: u32,
    pub pin: Option<[usize; 2]>,
    pub transports: Vec<Throughput>,
    pub latency: Vec<Latency>,
}

/// A peer process, killed if the run fails half-way.
struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Peer {
    fn spawn(
        transport: Transport,
        role: Role,
        count: u64,
        endpoint: &str,
        cpu: Option<usize>,
        s: &Settings,
    ) -> Result<Peer> {
        let exe = std::env::current_exe()
            .map_err(|e| Error::other(format!("cannot find this program: {e}")))?;
        let mut cmd = Command::new(exe);
        cmd.args(["ring", "bench-peer", "--transport", transport.name()])
            .args(["--role", &format!("{role:?}").to_lowercase()])
            .args(["--count", &count.to_string(), "--endpoint", endpoint]);
        if let Some(cpu) = cpu {
            cmd.args(["--cpu", &cpu.to_string()]);
        }
        if let Some(spin) = s.spin {
            cmd.args(["--spin", &spin.to_string()]);
        }
        if let Some(spin) = s.batch_spin {
            cmd.args(["--batch-spin", &spin.to_string()]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| Error::other(format!("cannot start a benchmark peer: {e}")))?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Ok(Peer {
            child,
            stdin,
            stdout,
        })
    }

    /// The next line the peer prints that starts with `word`.
    fn expect(&mut self, word: &str) -> Result<Vec<String>> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.stdout.read_line(&mut line)? == 0 {
                return Err(Error::other(format!(
                    "a benchmark peer ended before saying '{word}'"
                )));
            }
            let fields: Vec<String> = line.split_whitespace().map(String::from).collect();
            if fields.first().map(String::as_str) == Some(word) {
                return Ok(fields);
            }
        }
    }

    fn go(&mut self) -> Result<()> {
        let stdin = self.stdin.as_mut().expect("piped stdin");
        stdin.write_all(b"go\n")?;
        stdin.flush()?;
        Ok(())
    }
}

/// A fresh private ring, initialised; removed (freed at the last detach) when dropped.
struct PrivateRing(ShmId);

impl PrivateRing {
    fn new() -> Result<PrivateRing> {
        let id = shm::create(Key::PRIVATE, layout::SIZE, 0o600, CreateFlags::default())
            .map_err(|e| Error::sys("benchmark ring", e))?;
        let ring = PrivateRing(id);
        let att = shm::attach(id, false).map_err(|e| Error::sys("benchmark ring", e))?;
        Ring::new(&att)
            .ok_or_else(|| Error::other("benchmark ring: cannot map"))?
            .initialise()
            .map_err(|e| Error::other(format!("benchmark ring: {e}")))?;
        Ok(ring)
    }
}

impl Drop for PrivateRing {
    fn drop(&mut self) {
        let _ = shm::remove(self.0);
    }
}

/// Where a stream transport meets: a FIFO or a socket path in a private directory.
fn stream_endpoint(dir: &tempdir::Dir, transport: Transport, latency: bool) -> Result<String> {
    let unix = matches!(transport, Transport::Unix | Transport::UnixBatch);
    if unix {
        return Ok(dir.path("socket"));
    }
    let names: &[&str] = if latency {
        &["there", "back"]
    } else {
        &["fifo"]
    };
    let mut paths = Vec::new();
    for name in names {
        let path = dir.path(name);
        nix::unistd::mkfifo(
            path.as_str(),
            nix::sys::stat::Mode::S_IRUSR | nix::sys::stat::Mode::S_IWUSR,
        )
        .map_err(|e| Error::other(format!("mkfifo {path}: {}", e.desc())))?;
        paths.push(path);
    }
    Ok(paths.join(","))
}

mod tempdir {
    /// A private directory removed on drop.
    pub struct Dir(std::path::PathBuf);
    impl Dir {
        pub fn new() -> std::io::Result<Dir> {
            use std::os::unix::fs::DirBuilderExt;
            let base = std::env::temp_dir();
            for n in 0..1000u32 {
                let p = base.join(format!("shmctl-rs-bench.{}.{n}", std::process::id()));
                if std::fs::DirBuilder::new().mode(0o700).create(&p).is_ok() {
                    return Ok(Dir(p));
                }
            }
            Err(std::io::Error::other("cannot make a private directory"))
        }
        pub fn path(&self, name: &str) -> String {
            self.0.join(name).display().to_string()
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Start two peers in order (a listening consumer first), and wait until both are ready.
fn start_pair(
    transport: Transport,
    roles: (Role, Role),
    count: u64,
    endpoint: &str,
    s: &Settings,
) -> Result<(Peer, Peer)> {
    let unix = matches!(transport, Transport::Unix | Transport::UnixBatch);
    let pin = s.pin;
    let mut second = Peer::spawn(transport, roles.1, count, endpoint, pin.map(|p| p.1), s)?;
    if unix {
        second.expect("listening")?;
    }
    let mut first = Peer::spawn(transport, roles.0, count, endpoint, pin.map(|p| p.0), s)?;
    if !unix {
        first.expect("ready")?;
    }
    second.expect("ready")?;
    if unix {
        first.expect("ready")?;
    }
    Ok((first, second))
}

/// One throughput run: (seconds, consumer checksum).
fn run_once(transport: Transport, count: u64, s: &Settings) -> Result<(f64, u64)> {
    let dir = tempdir::Dir::new()?;
    let ring = if transport.is_ring() {
        Some(PrivateRing::new()?)
    } else {
        None
    };
    let endpoint = match &ring {
        Some(r) => r.0.to_string(),
        None => stream_endpoint(&dir, transport, false)?,
    };
    let (mut producer, mut consumer) = start_pair(
        transport,
        (Role::Producer, Role::Consumer),
        count,
        &endpoint,
        s,
    )?;
    drop(ring); // both peers are attached: the segment goes when they detach
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
    let dir = tempdir::Dir::new()?;
    let rings = if transport.is_ring() {
        Some((PrivateRing::new()?, PrivateRing::new()?))
    } else {
        None
    };
    let endpoint = match &rings {
        Some((a, b)) => format!("{},{}", a.0, b.0),
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
        let expected = transport::expected_checksum(count);
        let mut rates = Vec::new();
        let mut checksum_ok = true;
        let mut checksum = 0;
        for r in 0..settings.repeat.max(1) {
            progress(&format!(
                "{} run {}/{}: {count} items",
                transport.name(),
                r + 1,
                settings.repeat.max(1)
            ));
            let (secs, sum) = run_once(transport, count, settings)?;
            checksum = sum;
            checksum_ok &= sum == expected;
            rates.push(count as f64 / secs);
        }
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
            if matches!(t, Transport::Ring | Transport::Pipe | Transport::Unix) {
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
