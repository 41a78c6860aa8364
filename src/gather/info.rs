//! `info`: one segment from /proc and IPC_STAT (which needs read permission), with its
//! holders, whether its creator and last user still run, and its application.

use super::app::{self, Attach};
use super::liveness::Creators;
use super::{holders, hugetlb, liveness, peek, table};
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
    from_readings(
        id,
        &table,
        &scan,
        namespace,
        &mut Names::default(),
        Attach::Always,
    )
}

/// The segment from readings already taken (a view that reads /proc once per refresh):
/// the table of the caller's IPC namespace (`namespace`) and a scan of its processes;
/// `attach` says whether its header may be read with an attach.
pub fn from_readings(
    id: ShmId,
    table: &ShmTable,
    scan: &Scan,
    namespace: Option<u64>,
    names: &mut Names,
    attach: Attach,
) -> Result<SegmentInfo> {
    let record = table::find(table, id)?;
    let mut needs_permission = Vec::new();
    // Without read permission IPC_STAT is refused, but /proc shows every user the same
    // figures but the slot's sequence number.
    let stat = match shm::stat(id) {
        Ok(stat) => Some(stat),
        Err(e) if Status::from_errno(e.errno) == Status::PermissionDenied => {
            needs_permission.push("seq");
            None
        }
        Err(e) => return Err(Error::sys(format!("segment {id}"), e)),
    };
    let mut segment = table::segment(record, names);
    if let Some(stat) = &stat {
        // IPC_STAT is the fresher of the two readings.
        segment.nattch = stat.nattch;
        segment.atime = (stat.atime != 0).then_some(stat.atime);
        segment.dtime = (stat.dtime != 0).then_some(stat.dtime);
        segment.ctime = (stat.ctime != 0).then_some(stat.ctime);
        segment.lpid = stat.lpid;
    }
    let viewer = liveness::Viewer::this_process();
    let cpid_state = Some(liveness::creator(
        segment.cpid,
        segment.cuid,
        segment.ctime,
        &viewer,
    ));
    let lpid_state = liveness::of(segment.lpid, None, &viewer);
    let mut by_shmid = holders::by_shmid(
        scan,
        namespace,
        &peek::identities(std::slice::from_ref(&segment)),
        names,
    );
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
    let rules = hugetlb::Rules::of_this_kernel();
    rules.settle(&mut segment);
    segment.command = Creators::default().command(&segment);
    // Last, as the header may have to be read with an attach: every figure above is the
    // segment's as it was before this command touched it.
    let windows = peek::windows_by_shmid(scan, namespace)
        .remove(&id.0)
        .unwrap_or_default();
    let found = app::recognise(&segment, &windows, attach);
    if found.denied {
        needs_permission.push("app");
    }
    segment.app = Some(found.app);
    let header_read = found.read;
    let page_size = rules.page_of(&segment);
    Ok(SegmentInfo {
        pages: segment.size.div_ceil(page_size),
        segment,
        seq: stat.map(|s| s.seq),
        cpid_state,
        lpid_state,
        page_size,
        header_read,
        needs_permission,
        viewer_uid: nix::unistd::geteuid().as_raw(),
        unreadable_processes: scan.unreadable.len(),
        unreadable: holders::unreadable(scan),
        key_from_maps,
    })
}
