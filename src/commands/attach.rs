//! `attach ID`: hold a segment attached until a signal or a timeout, then detach.

use crate::cli::AttachArgs;
use crate::error::{Error, Result, Status};
use crate::ids::SegmentRef;
use crate::render::json;
use crate::signals;
use crate::sys::shm::{self, Key, ShmId};
use crate::units;
use serde::Serialize;
use std::io::Write;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Settings {
    pub id: SegmentRef,
    pub readonly: bool,
    pub timeout: Option<Duration>,
    pub force: bool,
    pub json: bool,
}

impl Settings {
    pub fn from_args(a: AttachArgs) -> Settings {
        Settings {
            id: a.id,
            readonly: a.readonly,
            timeout: a.timeout,
            force: a.force,
            json: a.json,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Attached {
    pub shmid: ShmId,
    pub key: Key,
    pub address: String,
    pub size: u64,
    pub readonly: bool,
    pub nattch: u64,
    pub pid: u32,
}

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<Status> {
    signals::install()?;
    let id = settings.id.resolve()?;
    let what = format!("segment {id}");
    if !settings.force {
        let table = super::read_segments()?;
        let record = super::find_record(&table, id)?;
        if record.is_dest() {
            return Err(Error::usage(format!(
                "{what}: marked for destruction (freed when its {} detach); use --force to attach anyway",
                super::plural(record.nattch, "attacher", "attachers")
            )));
        }
    }
    let attachment = shm::attach(id, settings.readonly).map_err(|e| Error::sys(&what, e))?;
    let stat = shm::stat(id).map_err(|e| Error::sys(&what, e))?;
    let attached = Attached {
        shmid: id,
        key: stat.key,
        address: format!("{:#x}", attachment.address()),
        size: stat.size,
        readonly: settings.readonly,
        nattch: stat.nattch,
        pid: std::process::id(),
    };
    if settings.json {
        json::write(out, &attached)?;
    } else {
        let until = match settings.timeout {
            Some(t) => format!("for {t:?} or until Ctrl-C"),
            None => "until Ctrl-C".to_string(),
        };
        writeln!(
            out,
            "attached shmid {id} (key {}) {} at {}, {} ({} bytes); nattch now {}; holding {until}",
            stat.key,
            if settings.readonly {
                "read-only"
            } else {
                "read-write"
            },
            attached.address,
            units::human_size(stat.size),
            stat.size,
            stat.nattch
        )?;
    }
    out.flush()?;
    let interrupted = signals::wait_for_stop(settings.timeout);
    drop(attachment);
    if !settings.json {
        writeln!(out, "detached shmid {id}")?;
    }
    Ok(if interrupted {
        Status::Interrupted
    } else {
        Status::Ok
    })
}
