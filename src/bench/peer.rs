//! One end of a benchmark run, in its own process (`ring bench-peer`, hidden). It sets up
//! its end, prints `ready`, waits for `go` on stdin, runs, and prints
//! `done START_NS END_NS CHECKSUM CPU_NS` (CLOCK_MONOTONIC, shared by all processes; the
//! CPU time this process spent in the run) or, for the pinger of a latency run,
//! `latency MEDIAN_NS P99_NS CPU_NS`.

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
    /// Items per write of a batched pipe or socket.
    pub write_items: usize,
    /// How long a waiting ring end polls before it sleeps (`--spin`).
    pub spin: Option<std::time::Duration>,
    /// Attempts a per-item ring wait makes, and checks for a full batch a batched one
    /// makes (to measure them).
    pub spin_tries: Option<u32>,
    pub batch_spin: Option<u32>,
}

/// CPU time this process has used, in ns.
fn cpu_ns() -> u128 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map(|t| t.tv_sec() as u128 * 1_000_000_000 + t.tv_nsec() as u128)
        .unwrap_or(0)
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

/// How many endpoints a run needs: one for throughput, two (there and back) for a round
/// trip, except over a socket, which goes both ways.
fn endpoints_needed(transport: Transport, role: Role) -> usize {
    match role {
        Role::Producer | Role::Consumer => 1,
        Role::Pinger | Role::Ponger if transport == Transport::Unix => 1,
        Role::Pinger | Role::Ponger => 2,
    }
}

fn split(s: &PeerSettings) -> Result<Vec<&str>> {
    let parts: Vec<&str> = s.endpoint.split(',').collect();
    let needed = endpoints_needed(s.transport, s.role);
    if parts.len() != needed || parts.iter().any(|p| p.is_empty()) {
        return Err(Error::usage(format!(
            "--endpoint '{}': a {} of {} needs {needed} endpoint(s), comma-separated",
            s.endpoint,
            s.role.name(),
            s.transport.name()
        )));
    }
    Ok(parts)
}

fn ids(s: &PeerSettings) -> Result<Vec<ShmId>> {
    split(s)?
        .into_iter()
        .map(|p| {
            p.parse()
                .map(ShmId)
                .map_err(|_| Error::usage(format!("--endpoint: '{p}' is not a shmid")))
        })
        .collect()
}

fn paths(s: &PeerSettings) -> Result<Vec<PathBuf>> {
    Ok(split(s)?.into_iter().map(PathBuf::from).collect())
}

/// Attach a benchmark ring and check that it is one: a ring's size, initialised and
/// consistent (what `ring bench` makes), so that no index can fall outside it.
fn ring_attached(id: ShmId) -> Result<shm::Attachment> {
    let att = transport::ring_attach(id)?;
    match crate::ring::open::check_header(&att, None) {
        Ok(verdict) if verdict.state == crate::model::ring::State::Consistent => Ok(att),
        Ok(verdict) => Err(Error::new(
            Status::InvalidRing,
            format!(
                "segment {id}: not a fresh benchmark ring: {}",
                verdict.problems.join("; ")
            ),
        )),
        Err((_, why)) => Err(Error::new(
            Status::InvalidRing,
            format!("segment {id}: not a ring: {why}"),
        )),
    }
}

/// The arguments make sense together (the peer is hidden, but it is still a command).
fn check(s: &PeerSettings) -> Result<()> {
    let latency = matches!(s.role, Role::Pinger | Role::Ponger);
    if latency && !super::has_latency(s.transport) {
        return Err(Error::usage(format!(
            "--transport {}: round trips are measured on ring, pipe and unix only",
            s.transport.name()
        )));
    }
    if latency && s.count > super::MAX_ROUND_TRIPS {
        return Err(Error::usage(format!(
            "--count {}: at most {} round trips (each one is kept to find the p99)",
            s.count,
            super::MAX_ROUND_TRIPS
        )));
    }
    split(s).map(drop)
}

pub fn run(s: &PeerSettings, out: &mut dyn Write) -> Result<Status> {
    // Die with `ring bench`, even when it is killed with SIGKILL (its stdin, which this
    // process reads "go" from, closes then too: a peer started just before it died
    // ends there).
    nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
        .map_err(|e| Error::other(format!("prctl(PR_SET_PDEATHSIG): {}", e.desc())))?;
    check(s)?;
    if let Some(cpu) = s.cpu {
        pin(cpu)?;
    }
    crate::ring::shared::set_spins(s.spin_tries, s.batch_spin);
    if let Some(spin) = s.spin {
        crate::ring::shared::set_spin(spin);
    }
    match s.role {
        Role::Producer | Role::Consumer => throughput(s, out),
        Role::Pinger | Role::Ponger => latency(s, out),
    }
}

fn throughput(s: &PeerSettings, out: &mut dyn Write) -> Result<Status> {
    let producing = s.role == Role::Producer;
    let batch = matches!(s.transport, Transport::RingBatch) || s.transport.writes_batches();
    let mut checksum = 0;
    let (start, end, cpu);
    if s.transport == Transport::Spsc {
        let id = ids(s)?[0];
        let att = transport::ring_attach(id)?;
        if super::spsc::capacity_of(att.len()).is_none() {
            return Err(Error::new(
                Status::InvalidRing,
                format!("segment {id}: not an spsc ring (256 + 4N bytes, N a power of two)"),
            ));
        }
        ready_then_go(out)?;
        (start, cpu) = (now_ns(), cpu_ns());
        if producing {
            super::spsc::produce(&att, s.count)?;
        } else {
            checksum = super::spsc::consume(&att, s.count)?;
        }
        end = now_ns();
    } else if s.transport.is_ring() {
        let att = ring_attached(ids(s)?[0])?;
        ready_then_go(out)?;
        (start, cpu) = (now_ns(), cpu_ns());
        if producing {
            transport::ring_produce(&att, s.count, batch)?;
        } else {
            checksum = transport::ring_consume(&att, s.count, batch)?;
        }
        end = now_ns();
    } else {
        let path = &paths(s)?[0];
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
        (start, cpu) = (now_ns(), cpu_ns());
        if producing {
            let per_write = if batch { s.write_items } else { 1 };
            transport::stream_produce(&mut stream, s.count, per_write)?;
        } else {
            checksum = transport::stream_consume(&mut stream, s.count)?;
        }
        end = now_ns();
    }
    writeln!(out, "done {start} {end} {checksum} {}", cpu_ns() - cpu)?;
    Ok(Status::Ok)
}

/// Round trips of one item: the pinger times each.
fn latency(s: &PeerSettings, out: &mut dyn Write) -> Result<Status> {
    let pinger = s.role == Role::Pinger;
    let mut samples = Vec::with_capacity(if pinger { s.count as usize } else { 0 });
    let (cpu, start);
    let sys = |e: crate::sys::SysError| Error::other(e.to_string());
    if s.transport.is_ring() {
        let ids = ids(s)?;
        let (there, back) = (ring_attached(ids[0])?, ring_attached(ids[1])?);
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
        (cpu, start) = (cpu_ns(), now_ns());
        for i in 0..s.count {
            let t0 = now_ns();
            if pinger {
                if out_ring.take_free(None).map_err(sys)? != Acquire::Got {
                    return Err(Error::interrupted());
                }
                out_ring.push(i as i32).map_err(sys)?;
            }
            let v = transport::ring_pop(&in_ring)?;
            if !pinger {
                if out_ring.take_free(None).map_err(sys)? != Acquire::Got {
                    return Err(Error::interrupted());
                }
                out_ring.push(v).map_err(sys)?;
            } else {
                samples.push((now_ns() - t0) as u64);
            }
        }
    } else {
        let unix = s.transport == Transport::Unix;
        let paths = paths(s)?;
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
        (cpu, start) = (cpu_ns(), now_ns());
        let mut buf = [0u8; 4];
        for i in 0..s.count {
            let t0 = now_ns();
            if pinger {
                tx.write_all(&(i as u32).to_ne_bytes())?;
            }
            rx.read_exact(&mut buf)?;
            if pinger {
                samples.push((now_ns() - t0) as u64);
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
        writeln!(
            out,
            "latency {} {} {} {start} {}",
            at(0.5),
            at(0.99),
            cpu_ns() - cpu,
            now_ns()
        )?;
    } else {
        writeln!(out, "done 0 0 0 {}", cpu_ns() - cpu)?;
    }
    Ok(Status::Ok)
}
