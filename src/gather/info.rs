//! `info`: one segment from /proc and IPC_STAT (which needs read permission), with its
//! holders and whether its creator and last user still run.

use super::{holders, liveness, table};
use crate::error::{Error, Result, Status};
use crate::model::SegmentInfo;
use crate::proc::processes::{self, Scan};
use crate::proc::sysvipc::ShmTable;
use crate::sys::shm::{self, ShmId};
use crate::users::Names;

pub fn gather(id: ShmId) -> Result<SegmentInfo> {
    let table = table::read()?;
    let namespace = processes::current_namespace();
    let scan = processes::scan(namespace);
    from_readings(id, &table, &scan, namespace, &mut Names::default())
}

/// The segment from readings already taken (a view that reads /proc once per refresh):
/// the table of the caller's IPC namespace (`namespace`) and a scan of its processes.
pub fn from_readings(
    id: ShmId,
    table: &ShmTable,
    scan: &Scan,
    namespace: Option<u64>,
    names: &mut Names,
) -> Result<SegmentInfo> {
    let record = table::find(table, id)?;
    let stat = shm::stat(id).map_err(|e| {
        let mut err = Error::sys(format!("segment {id}"), e);
        if err.status == Status::PermissionDenied {
            err.message.push_str(&format!(
                "; IPC_STAT needs read permission (perms {:o}, owner uid {}); `shmctl-rs ls --key {}` shows what /proc tells every user",
                record.perms(),
                record.uid,
                record.key
            ));
        }
        err
    })?;
    let mut segment = table::segment(record, names);
    // IPC_STAT is the fresher of the two readings.
    segment.nattch = stat.nattch;
    segment.atime = (stat.atime != 0).then_some(stat.atime);
    segment.dtime = (stat.dtime != 0).then_some(stat.dtime);
    segment.ctime = (stat.ctime != 0).then_some(stat.ctime);
    segment.lpid = stat.lpid;
    let viewer = liveness::Viewer::this_process();
    let cpid_state = Some(liveness::creator(
        segment.cpid,
        segment.cuid,
        segment.ctime,
        &viewer,
    ));
    let lpid_state = liveness::of(segment.lpid, None, &viewer);
    let mut by_shmid = holders::by_shmid(scan, namespace, names);
    // After IPC_RMID the key reads 0, but the mappings keep the name they were made with.
    let mut key_from_maps = false;
    if segment.key.is_private() {
        let named = scan
            .processes
            .iter()
            .flat_map(|p| &p.mappings)
            .find(|m| m.shmid == id && !m.key.is_private());
        if let Some(m) = named {
            segment.key = m.key;
            segment.key_hex = m.key.to_string();
            key_from_maps = true;
        }
    }
    segment.set_holders(by_shmid.remove(&id.0).unwrap_or_default());
    let page_size = shm::page_size();
    Ok(SegmentInfo {
        pages: segment.size.div_ceil(page_size),
        segment,
        seq: stat.seq,
        cpid_state,
        lpid_state,
        page_size,
        unreadable_processes: scan.unreadable.len(),
        unreadable: holders::unreadable(scan),
        key_from_maps,
    })
}
