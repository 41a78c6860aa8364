//! `status [ID]`: the ring decoded from /proc plus a live read-only attach. It never calls
//! a semaphore function: it only reads.

use crate::cli::StatusArgs;
use crate::error::{Error, Result, Status};
use crate::ids::{FtokSpec, SegmentRef};
use crate::render::json;
use crate::ring::Location;
use crate::ring::layout::{self, State};
use crate::signals;
use crate::sys::shm::{self, Key, ShmId};
use crate::units;
use crate::users::Names;
use serde::Serialize;
use std::io::Write;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Settings {
    pub target: Option<SegmentRef>,
    pub ftok: Option<FtokSpec>,
    pub json: bool,
    pub watch: Option<Duration>,
}

impl Settings {
    pub fn from_args(a: StatusArgs) -> Settings {
        Settings {
            target: a.id,
            ftok: a.ftok,
            json: a.json,
            watch: a.watch,
        }
    }
}

/// `status --json`.
#[derive(Clone, Debug, Serialize)]
pub struct RingStatus {
    pub shmid: ShmId,
    pub key: Key,
    pub key_hex: String,
    pub size: u64,
    pub perms: String,
    pub owner: String,
    /// Processes attached, not counting this status command's own read-only attach.
    pub nattch: u64,
    pub cpid: i32,
    pub cpid_alive: bool,
    pub lpid: i32,
    pub lpid_alive: bool,
    pub atime: Option<i64>,
    pub dtime: Option<i64>,
    pub ctime: Option<i64>,
    pub capacity: usize,
    pub state: State,
    pub head: Option<i32>,
    pub tail: Option<i32>,
    pub count: Option<i32>,
    pub free_slots: Option<u32>,
    pub filled_slots: Option<u32>,
    pub in_flight: Option<u32>,
    pub producer_waiters: Option<u32>,
    pub consumer_waiters: Option<u32>,
    pub producer_pshared: Option<bool>,
    pub consumer_pshared: Option<bool>,
    pub fill_percent: Option<f64>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

fn resolve(settings: &Settings) -> Result<ShmId> {
    match (&settings.target, &settings.ftok) {
        (Some(t), _) => t.resolve(),
        (None, ftok) => {
            let location = ftok.clone().map_or_else(Location::document, Location::Ftok);
            let key = crate::ring::open::key_of(&location)?.unwrap_or(Key::PRIVATE);
            SegmentRef::Key(key).resolve()
        }
    }
}

/// Read a ring's state once (a torn reading of a live ring is retaken; see
/// [`crate::ring::open::read_header`]).
pub fn gather(id: ShmId) -> Result<RingStatus> {
    let table = super::read_segments()?;
    let record = super::find_record(&table, id)?;
    let what = format!("segment {id}");
    let attachment = shm::attach(id, true).map_err(|e| Error::sys(&what, e))?;
    let mut names = Names::default();
    let mut status = RingStatus {
        shmid: id,
        key: record.key,
        key_hex: record.key.to_string(),
        size: record.size,
        perms: format!("{:o}", record.perms()),
        owner: names.user(record.uid),
        nattch: record.nattch,
        cpid: record.cpid,
        cpid_alive: crate::proc::processes::is_running(record.cpid),
        lpid: record.lpid,
        lpid_alive: crate::proc::processes::is_running(record.lpid),
        atime: record.atime,
        dtime: record.dtime,
        ctime: record.ctime,
        capacity: layout::CAPACITY,
        state: State::TooSmall,
        head: None,
        tail: None,
        count: None,
        free_slots: None,
        filled_slots: None,
        in_flight: None,
        producer_waiters: None,
        consumer_waiters: None,
        producer_pshared: None,
        consumer_pshared: None,
        fill_percent: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    if attachment.len() < layout::SIZE {
        status.problems.push(format!(
            "the segment has {} bytes; a ring needs {}",
            attachment.len(),
            layout::SIZE
        ));
        return Ok(status);
    }
    // Our own read-only attach counts in nattch; judge as if we were not here.
    let others = shm::stat(id).map(|s| s.nattch.saturating_sub(1)).ok();
    let (header, verdict) = crate::ring::open::read_header(&attachment, others)
        .ok_or_else(|| Error::other(format!("{what}: cannot read the header")))?;
    drop(attachment);
    status.state = verdict.state;
    status.problems = verdict.problems;
    status.warnings = verdict.warnings;
    status.producer_pshared = Some(header.producer.is_shared());
    status.consumer_pshared = Some(header.consumer.is_shared());
    status.producer_waiters = Some(header.producer.waiters);
    status.consumer_waiters = Some(header.consumer.waiters);
    status.head = Some(header.head);
    status.tail = Some(header.tail);
    status.count = Some(header.count);
    if verdict.state.joinable() {
        status.free_slots = Some(verdict.free);
        status.filled_slots = Some(verdict.filled);
        status.in_flight = Some(verdict.in_flight);
        status.fill_percent = Some(f64::from(verdict.filled) * 100.0 / layout::CAPACITY as f64);
    }
    Ok(status)
}

fn bar(filled: u32, width: usize) -> String {
    let n = (filled as usize * width)
        .div_ceil(layout::CAPACITY)
        .min(width);
    format!("[{}{}]", "#".repeat(n), ".".repeat(width - n))
}

pub fn render(s: &RingStatus, out: &mut dyn Write) -> std::io::Result<()> {
    let pid = |p: i32, a: bool| {
        if p <= 0 {
            "-".to_string()
        } else {
            format!("{p} ({})", if a { "running" } else { "exited" })
        }
    };
    let opt = |v: Option<i32>| v.map_or("-".to_string(), |v| v.to_string());
    let optu = |v: Option<u32>| v.map_or("-".to_string(), |v| v.to_string());
    let mut pairs = vec![
        (
            "ring",
            format!(
                "shmid {}, key {}, {} ({} bytes), perms {}, owner {}",
                s.shmid,
                s.key,
                units::human_size(s.size),
                s.size,
                s.perms,
                s.owner
            ),
        ),
        ("attached", super::plural(s.nattch, "process", "processes")),
        ("creator", pid(s.cpid, s.cpid_alive)),
        ("last pid", pid(s.lpid, s.lpid_alive)),
        ("changed", units::local_time(s.ctime)),
        ("state", s.state.name().to_string()),
    ];
    if s.head.is_some() {
        pairs.push(("head", opt(s.head)));
        pairs.push(("tail", opt(s.tail)));
        pairs.push(("count", opt(s.count)));
        pairs.push((
            "free slots",
            format!(
                "{} (sem_producer; {} waiting{})",
                optu(s.free_slots),
                optu(s.producer_waiters),
                if s.producer_pshared == Some(true) {
                    ""
                } else {
                    "; not process-shared"
                }
            ),
        ));
        pairs.push((
            "filled slots",
            format!(
                "{} (sem_consumer; {} waiting{})",
                optu(s.filled_slots),
                optu(s.consumer_waiters),
                if s.consumer_pshared == Some(true) {
                    ""
                } else {
                    "; not process-shared"
                }
            ),
        ));
        if let Some(f) = s.in_flight {
            pairs.push(("in flight", f.to_string()));
        }
        if let (Some(filled), Some(p)) = (s.filled_slots, s.fill_percent) {
            pairs.push((
                "fill",
                format!("{} {filled}/{} ({p:.1}%)", bar(filled, 32), s.capacity),
            ));
        }
    }
    crate::render::table::write_pairs(out, &pairs)?;
    for p in &s.problems {
        writeln!(out, "problem: {p}")?;
    }
    for w in &s.warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(())
}

fn exit_status(s: &RingStatus) -> Status {
    if s.state == State::Consistent {
        Status::Ok
    } else {
        Status::InvalidRing
    }
}

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<Status> {
    let id = resolve(settings)?;
    let Some(period) = settings.watch else {
        let s = gather(id)?;
        if settings.json {
            json::write(out, &s)?;
        } else {
            render(&s, out)?;
        }
        return Ok(exit_status(&s));
    };
    signals::install()?;
    loop {
        let s = gather(id)?;
        if settings.json {
            json::write(out, &s)?;
        } else {
            write!(out, "\x1b[H\x1b[2J")?;
            writeln!(out, "every {period:?}; Ctrl-C to stop\n")?;
            render(&s, out)?;
        }
        out.flush()?;
        if !signals::sleep(period) {
            return Ok(Status::Interrupted);
        }
    }
}
