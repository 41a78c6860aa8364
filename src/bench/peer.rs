//! One end of a benchmark run, in its own process (`ring bench-peer`, hidden). It sets up
//! its end, prints `ready`, waits for `go` on stdin, runs, and prints
//! `done START_NS END_NS CHECKSUM` (CLOCK_MONOTONIC, shared by all processes) or, for a
//! latency run, `latency MEDIAN_NS P99_NS`.

use super::transport::{self, Stream};
use crate::error::{Error, Result, Status};
use crate::model::bench::Transport;
use crate::ring::shared::{Acquire, Ring};
use crate::sys::shm::{self, ShmId};
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Producer,
    Consumer,
    /// Latency: sends an item and waits for it to come back.
    Pinger,
    /// Latency: sends every item back.
    Ponger,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Producer, Role::Consumer, Role::Pinger, Role::Ponger];

    /// The name `--role` takes.
    pub fn name(self) -> &'static str {
        match self {
            Role::Producer => "producer",
            Role::Consumer => "consumer",
            Role::Pinger => "pinger",
            Role::Ponger => "ponger",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

#[derive(Clone, Debug)]
pub struct PeerSettings {
    pub transport: Transport,
    pub role: Role,
    pub count: u64,
    /// A shmid (two, comma-separated, for ring latency) or a path (two for pipe latency).
    pub endpoint: String,
    pub cpu: Option<usize>,
    pub spin: Option<u32>,
    pub batch_spin: Option<u32>,
}

pub fn now_ns() -> u128 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as u128 * 1_000_000_000 + t.tv_nsec() as u128)
        .unwrap_or(0)
}

fn pin(cpu: usize) -> Result<()> {
    let mut set = nix::sched::CpuSet::new();
    set.set(cpu)
        .map_err(|e| Error::usage(format!("cpu {cpu}: {e}")))?;
    nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), &set)
        .map_err(|e| Error::usage(format!("cannot pin to cpu {cpu}: {}", e.desc())))
}

fn ready_then_go(out: &mut dyn Write) -> Result<()> {
    writeln!(out, "ready")?;
    out.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    if line.trim() != "go" {
        return Err(Error::other("the benchmark was called off"));
    }
    Ok(())
}

fn ids(endpoint: &str) -> Result<Vec<ShmId>> {
    endpoint
        .split(',')
        .map(|s| {
            s.parse()
                .map(ShmId)
                .map_err(|_| Error::usage(format!("bad shmid '{s}'")))
        })
        .collect()
}

fn paths(endpoint: &str) -> Vec<PathBuf> {
    endpoint.split(',').map(PathBuf::from).collect()
}

pub fn run(s: &PeerSettings, out: &mut dyn Write) -> Result<Status> {
    if let Some(cpu) = s.cpu {
        pin(cpu)?;
    }
    if s.spin.is_some() || s.batch_spin.is_some() {
        crate::ring::shared::set_spins(s.spin, s.batch_spin);
    }
    match s.role {
        Role::Producer | Role::Consumer => throughput(s, out),
        Role::Pinger | Role::Ponger => latency(s, out),
    }
}

fn throughput(s: &PeerSettings, out: &mut dyn Write) -> Result<Status> {
    let producing = s.role == Role::Producer;
    let batch = matches!(
        s.transport,
        Transport::RingBatch | Transport::PipeBatch | Transport::UnixBatch
    );
    let mut checksum = 0;
    let (start, end);
    if s.transport.is_ring() {
        let att = transport::ring_attach(ids(&s.endpoint)?[0])?;
        ready_then_go(out)?;
        start = now_ns();
        if producing {
            transport::ring_produce(&att, s.count, batch)?;
        } else {
            checksum = transport::ring_consume(&att, s.count, batch)?;
        }
        end = now_ns();
    } else {
        let path = &paths(&s.endpoint)[0];
        let unix = matches!(s.transport, Transport::Unix | Transport::UnixBatch);
        let mut stream = match (unix, producing) {
            (false, false) => transport::pipe_stream(transport::open_fifo_reader(path)?),
            (false, true) => transport::pipe_stream(transport::open_fifo_writer(path)?),
            (true, true) => transport::connect(path)?,
            (true, false) => {
                let listener = transport::listen(path)?;
                writeln!(out, "listening")?;
                out.flush()?;
                transport::accept(&listener)?
            }
        };
        ready_then_go(out)?;
        start = now_ns();
        if producing {
            let per_write = if batch { transport::STREAM_BATCH } else { 1 };
            transport::stream_produce(&mut stream, s.count, per_write)?;
        } else {
            checksum = transport::stream_consume(&mut stream, s.count)?;
        }
        end = now_ns();
    }
    writeln!(out, "done {start} {end} {checksum}")?;
    Ok(Status::Ok)
}

/// Round trips of one item: the pinger times each.
fn latency(s: &PeerSettings, out: &mut dyn Write) -> Result<Status> {
    let pinger = s.role == Role::Pinger;
    let mut samples = Vec::with_capacity(s.count as usize);
    let sys = |e: crate::sys::SysError| Error::other(e.to_string());
    if s.transport.is_ring() {
        let ids = ids(&s.endpoint)?;
        let (there, back) = (
            shm::attach(ids[0], false).map_err(sys)?,
            shm::attach(ids[1], false).map_err(sys)?,
        );
        let (out_ring, in_ring) = if pinger {
            (&there, &back)
        } else {
            (&back, &there)
        };
        let (out_ring, in_ring) = (
            Ring::new(out_ring).ok_or_else(|| Error::other("not a ring"))?,
            Ring::new(in_ring).ok_or_else(|| Error::other("not a ring"))?,
        );
        ready_then_go(out)?;
        for i in 0..s.count {
            let t0 = now_ns();
            if pinger {
                if out_ring.take_free(None).map_err(sys)? != Acquire::Got {
                    return Err(Error::interrupted());
                }
                out_ring.push(i as i32).map_err(sys)?;
            }
            if in_ring.take_filled(None).map_err(sys)? != Acquire::Got {
                return Err(Error::interrupted());
            }
            let (v, _) = in_ring.pop().map_err(sys)?;
            if !pinger {
                if out_ring.take_free(None).map_err(sys)? != Acquire::Got {
                    return Err(Error::interrupted());
                }
                out_ring.push(v).map_err(sys)?;
            } else {
                samples.push(now_ns() - t0);
            }
        }
    } else {
        let unix = s.transport == Transport::Unix;
        let paths = paths(&s.endpoint);
        let (mut tx, mut rx): (Box<dyn Write>, Box<dyn std::io::Read>) = if unix {
            let stream = if pinger {
                match transport::connect(&paths[0])? {
                    Stream::Unix(u) => u,
                    Stream::Pipe(_) => unreachable!("connect makes a socket"),
                }
            } else {
                let listener = transport::listen(&paths[0])?;
                writeln!(out, "listening")?;
                out.flush()?;
                match transport::accept(&listener)? {
                    Stream::Unix(u) => u,
                    Stream::Pipe(_) => unreachable!("accept makes a socket"),
                }
            };
            (Box::new(stream.try_clone()?), Box::new(stream))
        } else if pinger {
            let rx = transport::open_fifo_reader(&paths[1])?;
            (
                Box::new(transport::open_fifo_writer(&paths[0])?),
                Box::new(rx),
            )
        } else {
            let rx = transport::open_fifo_reader(&paths[0])?;
            (
                Box::new(transport::open_fifo_writer(&paths[1])?),
                Box::new(rx),
            )
        };
        ready_then_go(out)?;
        let mut buf = [0u8; 4];
        for i in 0..s.count {
            let t0 = now_ns();
            if pinger {
                tx.write_all(&(i as u32).to_ne_bytes())?;
            }
            rx.read_exact(&mut buf)?;
            if pinger {
                samples.push(now_ns() - t0);
            } else {
                tx.write_all(&buf)?;
            }
        }
    }
    if pinger {
        samples.sort_unstable();
        let at = |q: f64| {
            samples
                .get(((samples.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(0)
        };
        writeln!(out, "latency {} {}", at(0.5), at(0.99))?;
    } else {
        writeln!(out, "done 0 0 0")?;
    }
    Ok(Status::Ok)
}
