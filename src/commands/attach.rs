//! `attach ID`: hold a segment attached until a signal or a timeout, then detach.

use crate::error::{Error, Result, Status};
use crate::gather::table;
use crate::ids::SegmentRef;
use crate::model::{Attached, Detached};
use crate::output::Output;
use crate::render::plural;
use crate::signals;
use crate::sys::shm;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Settings {
    pub id: SegmentRef,
    pub readonly: bool,
    pub timeout: Option<Duration>,
    pub force: bool,
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    signals::install()?;
    let id = settings.id.resolve()?;
    let what = format!("segment {id}");
    if !settings.force {
        let table = table::read()?;
        let record = table::find(&table, id)?;
        if record.is_dest() {
            // Removed already (IPC_RMID), only not freed yet: "no such segment" to anyone
            // who looks it up by its key, and so here.
            return Err(Error::new(
                Status::NoSuchSegment,
                format!(
                    "{what}: removed (marked for destruction: freed when the last of its {} detaches); use --force to attach anyway",
                    plural(record.nattch, "attacher", "attachers")
                ),
            ));
        }
    }
    let attachment = shm::attach(id, settings.readonly).map_err(|e| Error::sys(&what, e))?;
    let stat = shm::stat(id).map_err(|e| Error::sys(&what, e))?;
    out.show_now(&Attached {
        shmid: id,
        key: stat.key,
        address: format!("{:#x}", attachment.address()),
        size: stat.size,
        readonly: settings.readonly,
        nattch: stat.nattch,
        pid: std::process::id(),
        timeout: settings.timeout,
    })?;
    let interrupted = signals::wait_for_stop(settings.timeout);
    drop(attachment);
    out.show(&Detached { shmid: id })?;
    Ok(if interrupted {
        Status::Interrupted
    } else {
        Status::Ok
    })
}
