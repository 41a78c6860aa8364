//! `info`: one segment from /proc and IPC_STAT (which needs read permission), with its
//! holders, whether its creator and last user still run, and its application.

use super::app::{self, Attach};
use super::creators::Creators;
use super::{holders, hugetlb, liveness, peek, table};
use crate::error::{Error, Result, Status};
use crate::model::SegmentInfo;
use crate::proc::processes;
use crate::sys::shm::{self, ShmId};
use crate::users::Names;

pub fn gather(id: ShmId) -> Result<SegmentInfo> {
    let table = table::read()?;
    let record = table::find(&table, id)?;
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
    let mut names = Names::default();
    let mut segment = table::segment(record, &mut names);
    if let Some(stat) = &stat {
        // IPC_STAT is the fresher of the two readings.
        segment.nattch = stat.nattch;
        segment.atime = (stat.atime != 0).then_some(stat.atime);
        segment.dtime = (stat.dtime != 0).then_some(stat.dtime);
        segment.ctime = (stat.ctime != 0).then_some(stat.ctime);
        segment.lpid = stat.lpid;
    }
    segment.cpid_state = liveness::of(segment.cpid);
    segment.lpid_state = liveness::of(segment.lpid);
    let namespace = processes::current_namespace();
    let scan = processes::scan(namespace);
    let mut by_shmid = holders::by_shmid(&scan, namespace, &mut names);
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
    let windows = peek::windows_by_shmid(&scan, namespace)
        .remove(&id.0)
        .unwrap_or_default();
    let found = app::recognise(&segment, &windows, Attach::Always);
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
        page_size,
        header_read,
        needs_permission,
        viewer_uid: nix::unistd::geteuid().as_raw(),
        unreadable_processes: scan.unreadable.len(),
        unreadable: holders::unreadable(&scan),
        key_from_maps,
    })
}
