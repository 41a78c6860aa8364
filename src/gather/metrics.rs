//! One gathering for `metrics`: the segments with their holders, orphans and applications,
//! and the limits and usage of each IPC namespace, timed.

use super::liveness::Creators;
use super::posix::Place;
use super::{app, limits, listing, objects};
use crate::error::Result;
use crate::model::metrics::{Exposed, Exposition, NamespaceUsage};
use crate::namespaces;
use crate::output;
use crate::proc::processes;
use std::time::Instant;

/// Gather what `query` selects (its holders always: the process counts need them).
pub fn gather(query: &listing::Query, aggregate: bool) -> Result<Exposition> {
    let started = Instant::now();
    // Applications only as their holders' mappings show them: a scrape every few seconds
    // must not attach to what it watches.
    let query = listing::Query {
        pids: true,
        app: true,
        attach: app::Attach::Never,
        files: true,
        ..query.clone()
    };
    let readings = listing::gather_readings(&query, &mut listing::Memory::default())?;
    // The same pass over /proc serves POSIX objects and memfds: this process's /dev/shm
    // (or every mount namespace's, with -A) and every memfd someone holds.
    let mut posix_unreadable = None;
    let objects = match &readings.scan {
        Some(scan) => {
            let mut objects = objects::Query {
                posix: true,
                memfd: true,
                place: Place::Here,
                all_namespaces: query.all_namespaces,
                names: None,
                include_unknown: false,
            };
            match objects::gather_from(&objects, scan) {
                Ok(found) => found.objects,
                // No /dev/shm here (a chroot, a minimal container) or not ours to read:
                // the System V series and the memfds are still served, and the POSIX
                // part is said to be missing.
                Err(e) => {
                    output::warn(format!(
                        "{e}: POSIX objects are left out of the metrics (shmctl_rs_posix_up 0)"
                    ));
                    posix_unreadable = Some(e.message);
                    objects.posix = false;
                    objects::gather_from(&objects, scan)?.objects
                }
            }
        }
        None => Vec::new(),
    };
    let listing = readings.listing;
    let mut creators = Creators::default();
    let segments = listing
        .segments
        .into_iter()
        .map(|mut segment| {
            if segment.orphan.is_none() {
                segment.orphan = Some(creators.is_orphan(&segment));
            }
            Exposed {
                app: segment
                    .app
                    .clone()
                    .flatten()
                    .map(|a| a.label())
                    .unwrap_or_default(),
                segment,
            }
        })
        .collect();
    let namespaces = if query.all_namespaces {
        let mut entered = Vec::new();
        let mut refused = None;
        for (inode, members) in namespaces::all().0 {
            // A namespace whose last process exits meanwhile is gone with its segments.
            let path = processes::ns_path(members[0], "ipc");
            match namespaces::run_in(path, limits::gather) {
                Ok(limits) => entered.push(NamespaceUsage {
                    namespace: Some(namespaces::describe(inode, &members)),
                    limits,
                }),
                Err(e) => refused = refused.or(Some(e)),
            }
        }
        // Metrics that leave namespaces out would say "no segments" where they mean "not
        // allowed": without the right to enter every namespace, none are exported.
        match refused {
            Some(e) if e.status == crate::error::Status::PermissionDenied => return Err(e),
            _ => entered,
        }
    } else {
        vec![NamespaceUsage {
            namespace: None,
            limits: limits::gather()?,
        }]
    };
    Ok(Exposition {
        segments,
        namespaces,
        unreadable_processes: listing.unreadable.pids.len(),
        gather_seconds: started.elapsed().as_secs_f64(),
        aggregate,
        objects,
        posix_unreadable,
    })
}
