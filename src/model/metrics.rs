//! What `metrics` exposes: the segments with the application each belongs to, each IPC
//! namespace's limits and usage, and how the gathering went.

use super::{LimitsReport, Namespace, Segment};
use serde::Serialize;
use std::collections::BTreeMap;

/// One gathering for a scrape, a textfile or stdout.
#[derive(Clone, Debug, Serialize)]
pub struct Exposition {
    pub segments: Vec<Exposed>,
    /// Every IPC namespace looked at (one without `--all-namespaces`).
    pub namespaces: Vec<NamespaceUsage>,
    /// Processes whose maps could not be read, so counts of processes may be low.
    pub unreadable_processes: usize,
    /// How long the gathering took, in seconds.
    pub gather_seconds: f64,
    /// Per-owner and per-namespace totals only: no per-segment series.
    pub aggregate: bool,
    /// POSIX shared-memory objects and memfds, with their holders.
    pub objects: Vec<crate::model::posix::ShmObject>,
    /// Why the POSIX objects are left out (`/dev/shm` could not be read), if they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posix_unreadable: Option<String>,
}

/// A segment and what it is known to belong to.
#[derive(Clone, Debug, Serialize)]
pub struct Exposed {
    #[serde(flatten)]
    pub segment: Segment,
    /// The application the segment is known to belong to; empty when unknown.
    pub app: String,
}

/// A namespace's limits and usage (IPC_INFO and SHM_INFO); `namespace` is set with
/// `--all-namespaces`.
#[derive(Clone, Debug, Serialize)]
pub struct NamespaceUsage {
    pub namespace: Option<Namespace>,
    pub limits: LimitsReport,
}

/// The segments of one owner in one namespace, added up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnerTotals {
    pub namespace: Option<u64>,
    pub owner: String,
    pub segments: u64,
    pub size: u64,
    /// `None` when the kernel reports no rss (or swap) for any of them.
    pub rss: Option<u64>,
    pub swap: Option<u64>,
    /// Segments nobody has attached whose creator is gone.
    pub orphans: u64,
}

fn add(total: &mut Option<u64>, value: Option<u64>) {
    if let Some(v) = value {
        *total = Some(total.unwrap_or(0).saturating_add(v));
    }
}

/// The totals per (namespace, owner), in that order.
pub fn owner_totals(segments: &[Exposed]) -> Vec<OwnerTotals> {
    let mut by: BTreeMap<(Option<u64>, &str), OwnerTotals> = BTreeMap::new();
    for Exposed { segment: s, .. } in segments {
        let namespace = s.namespace.as_ref().map(|n| n.inode);
        let t = by
            .entry((namespace, s.owner.as_str()))
            .or_insert_with(|| OwnerTotals {
                namespace,
                owner: s.owner.clone(),
                ..OwnerTotals::default()
            });
        t.segments += 1;
        t.size = t.size.saturating_add(s.size);
        add(&mut t.rss, s.rss);
        add(&mut t.swap, s.swap);
        t.orphans += u64::from(s.orphan == Some(true));
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::segment;

    fn exposed(shmid: i32, owner: &str, size: u64) -> Exposed {
        let mut s = segment(shmid, 0, size);
        s.owner = owner.into();
        Exposed {
            segment: s,
            app: String::new(),
        }
    }

    #[test]
    fn owners_are_added_up_per_namespace() {
        let mut a = exposed(1, "root", 100);
        a.segment.orphan = Some(true);
        let mut b = exposed(2, "root", 50);
        b.segment.rss = None;
        b.segment.swap = Some(7);
        let c = exposed(3, "app", 10);
        let mut d = exposed(4, "root", 1);
        d.segment.namespace = Some(Namespace {
            inode: 9,
            pid: None,
            comm: None,
        });
        let totals = owner_totals(&[a, b, c, d]);
        let names: Vec<(Option<u64>, &str, u64, u64)> = totals
            .iter()
            .map(|t| (t.namespace, t.owner.as_str(), t.segments, t.size))
            .collect();
        assert_eq!(
            names,
            [
                (None, "app", 1, 10),
                (None, "root", 2, 150),
                (Some(9), "root", 1, 1)
            ]
        );
        assert_eq!(totals[1].rss, Some(0));
        assert_eq!(totals[1].swap, Some(7));
        assert_eq!(totals[1].orphans, 1);
        let mut e = exposed(5, "x", 1);
        e.segment.rss = None;
        assert_eq!(owner_totals(&[e])[0].rss, None);
    }
}
