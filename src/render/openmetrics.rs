//! The metrics exposition, in the OpenMetrics text format or in the Prometheus text format
//! (0.0.4, what node_exporter's textfile collector parses).
//!
//! Names follow Prometheus' conventions: one prefix (`shmctl_rs_`), base units (`_bytes`,
//! `_seconds`), and one `_info` series per segment (value 1) that carries its descriptive
//! labels (key, owner, app), so the gauges carry only the labels that identify a segment
//! (shmid, and namespace with `--all-namespaces`) and are joined with it in queries.
//! POSIX objects and memfds have series of their own, labelled by name and inode.
//! The two formats differ here only in this: OpenMetrics declares `info` families (named
//! without `_info`) and units (`# UNIT`), escapes `"` in help texts and ends with `# EOF`;
//! the Prometheus text format has no info type (an `_info` gauge), no units and no end
//! marker.

use super::cell::printable;
use super::{Render, View};
use crate::model::metrics::{Exposition, owner_totals};
use crate::model::posix::{Kind, ShmObject};
use crate::model::{LimitsReport, Segment};
use serde::{Serialize, Serializer};
use std::fmt::{Display, Write as _};
use std::io::{self, Write};

/// Which text format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    OpenMetrics,
    /// The Prometheus text format, version 0.0.4.
    Text,
}

impl Dialect {
    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Dialect::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Dialect::Text => "text/plain; version=0.0.4; charset=utf-8",
        }
    }
}

/// A family of series: its name (an info family's with `_info`), the labels of its series
/// (besides `namespace`, which every series has with `--all-namespaces`) and its help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Family {
    pub name: &'static str,
    pub info: bool,
    pub labels: &'static [&'static str],
    pub help: &'static str,
}

impl Family {
    /// The unit, from the name's suffix.
    pub fn unit(&self) -> Option<&'static str> {
        ["bytes", "seconds"]
            .into_iter()
            .find(|u| self.name.ends_with(&format!("_{u}")))
    }
}

const fn gauge(name: &'static str, labels: &'static [&'static str], help: &'static str) -> Family {
    Family {
        name,
        info: false,
        labels,
        help,
    }
}

const SEGMENT: &[&str] = &["shmid"];
const OWNER: &[&str] = &["owner"];

pub const SEGMENT_INFO: Family = Family {
    name: "shmctl_rs_sysv_segment_info",
    info: true,
    labels: &["shmid", "key", "owner", "app"],
    help: "A System V segment: its key, its owner and the application it belongs to (empty when not known); always 1.",
};
pub const SIZE: Family = gauge(
    "shmctl_rs_sysv_segment_size_bytes",
    SEGMENT,
    "Size of the segment.",
);
pub const RSS: Family = gauge(
    "shmctl_rs_sysv_segment_rss_bytes",
    SEGMENT,
    "Bytes of the segment resident in memory.",
);
pub const SWAP: Family = gauge(
    "shmctl_rs_sysv_segment_swap_bytes",
    SEGMENT,
    "Bytes of the segment in swap.",
);
pub const ATTACHMENTS: Family = gauge(
    "shmctl_rs_sysv_segment_attachments",
    SEGMENT,
    "Attachments of the segment (the kernel's nattch: every shmat counts).",
);
pub const PROCESSES: Family = gauge(
    "shmctl_rs_sysv_segment_processes",
    SEGMENT,
    "Processes that map the segment, from /proc/PID/maps (see shmctl_rs_unreadable_processes).",
);
pub const DESTROYED: Family = gauge(
    "shmctl_rs_sysv_segment_marked_for_destruction",
    SEGMENT,
    "1 when the segment is removed and waits for its last detach.",
);
pub const ORPHAN: Family = gauge(
    "shmctl_rs_sysv_segment_orphan",
    SEGMENT,
    "1 when nobody has the segment attached and the process that created it is gone.",
);
pub const OWNER_SEGMENTS: Family = gauge(
    "shmctl_rs_sysv_owner_segments",
    OWNER,
    "Segments of the owner.",
);
pub const OWNER_SIZE: Family = gauge(
    "shmctl_rs_sysv_owner_size_bytes",
    OWNER,
    "Sizes of the owner's segments, added up.",
);
pub const OWNER_RSS: Family = gauge(
    "shmctl_rs_sysv_owner_rss_bytes",
    OWNER,
    "Bytes of the owner's segments resident in memory.",
);
pub const OWNER_SWAP: Family = gauge(
    "shmctl_rs_sysv_owner_swap_bytes",
    OWNER,
    "Bytes of the owner's segments in swap.",
);
pub const OWNER_ORPHANS: Family = gauge(
    "shmctl_rs_sysv_owner_orphans",
    OWNER,
    "Segments of the owner that nobody has attached and whose creator is gone.",
);
pub const NAMESPACE_INFO: Family = Family {
    name: "shmctl_rs_ipc_namespace_info",
    info: true,
    labels: &["namespace", "pid", "comm"],
    help: "An IPC namespace (its inode) and one process in it, with --all-namespaces; always 1.",
};
pub const SEGMENTS: Family = gauge(
    "shmctl_rs_sysv_segments",
    &[],
    "Segments in the IPC namespace.",
);
pub const SEGMENTS_LIMIT: Family = gauge(
    "shmctl_rs_sysv_segments_limit",
    &[],
    "Most segments in the IPC namespace (kernel.shmmni).",
);
pub const PAGES: Family = gauge(
    "shmctl_rs_sysv_pages",
    &[],
    "Pages allocated to segments in the IPC namespace.",
);
pub const PAGES_LIMIT: Family = gauge(
    "shmctl_rs_sysv_pages_limit",
    &[],
    "Most pages in all segments of the IPC namespace (kernel.shmall).",
);
pub const ALLOCATED: Family = gauge(
    "shmctl_rs_sysv_allocated_bytes",
    &[],
    "Bytes allocated to segments in the IPC namespace.",
);
pub const RESIDENT: Family = gauge(
    "shmctl_rs_sysv_resident_bytes",
    &[],
    "Bytes of the IPC namespace's segments resident in memory.",
);
pub const SWAPPED: Family = gauge(
    "shmctl_rs_sysv_swapped_bytes",
    &[],
    "Bytes of the IPC namespace's segments in swap.",
);
pub const SIZE_LIMIT: Family = gauge(
    "shmctl_rs_sysv_segment_size_limit_bytes",
    &[],
    "Largest segment the IPC namespace allows (kernel.shmmax).",
);
pub const UNREADABLE: Family = gauge(
    "shmctl_rs_unreadable_processes",
    &[],
    "Processes whose maps could not be read (needs CAP_SYS_PTRACE or root), so process counts may be low.",
);
pub const DURATION: Family = gauge(
    "shmctl_rs_scrape_duration_seconds",
    &[],
    "How long gathering these metrics took.",
);

pub const POSIX_UP: Family = gauge(
    "shmctl_rs_posix_up",
    &[],
    "1 when /dev/shm could be read; 0 when not (there is none, or no permission to read it), and then the POSIX object series are left out.",
);

/// Every family, in the order they are written.
const OBJECT: &[&str] = &["name", "inode"];

pub const POSIX_INFO: Family = Family {
    name: "shmctl_rs_posix_object_info",
    info: true,
    labels: &["name", "inode", "owner"],
    help: "A POSIX shared-memory object (a file of /dev/shm, or unlinked and still held) and its owner; always 1.",
};
pub const POSIX_SIZE: Family = gauge(
    "shmctl_rs_posix_object_size_bytes",
    OBJECT,
    "Size of the POSIX shared-memory object.",
);
pub const POSIX_ALLOCATED: Family = gauge(
    "shmctl_rs_posix_object_allocated_bytes",
    OBJECT,
    "Bytes the POSIX object occupies in memory and swap (tmpfs blocks).",
);
pub const POSIX_PROCESSES: Family = gauge(
    "shmctl_rs_posix_object_processes",
    OBJECT,
    "Processes that map the POSIX object or hold it open.",
);
pub const POSIX_DELETED: Family = gauge(
    "shmctl_rs_posix_object_deleted",
    OBJECT,
    "1 when the POSIX object is unlinked and lives on while held.",
);
pub const POSIX_OBJECTS: Family = gauge(
    "shmctl_rs_posix_objects",
    &[],
    "POSIX shared-memory objects (those of /dev/shm, and unlinked ones still held).",
);
pub const POSIX_ALLOCATED_TOTAL: Family = gauge(
    "shmctl_rs_posix_allocated_bytes",
    &[],
    "Bytes all POSIX shared-memory objects occupy in memory and swap.",
);
pub const MEMFD_SIZE: Family = gauge("shmctl_rs_memfd_size_bytes", OBJECT, "Size of the memfd.");
pub const MEMFD_ALLOCATED: Family = gauge(
    "shmctl_rs_memfd_allocated_bytes",
    OBJECT,
    "Bytes the memfd occupies in memory and swap.",
);
pub const MEMFD_PROCESSES: Family = gauge(
    "shmctl_rs_memfd_processes",
    OBJECT,
    "Processes that map the memfd or hold it open.",
);
pub const MEMFDS: Family = gauge(
    "shmctl_rs_memfds",
    &[],
    "memfds some process maps or holds open.",
);
pub const MEMFD_ALLOCATED_TOTAL: Family = gauge(
    "shmctl_rs_memfd_total_allocated_bytes",
    &[],
    "Bytes all memfds occupy in memory and swap.",
);

pub const FAMILIES: &[Family] = &[
    SEGMENT_INFO,
    SIZE,
    RSS,
    SWAP,
    ATTACHMENTS,
    PROCESSES,
    DESTROYED,
    ORPHAN,
    OWNER_SEGMENTS,
    OWNER_SIZE,
    OWNER_RSS,
    OWNER_SWAP,
    OWNER_ORPHANS,
    NAMESPACE_INFO,
    SEGMENTS,
    SEGMENTS_LIMIT,
    PAGES,
    PAGES_LIMIT,
    ALLOCATED,
    RESIDENT,
    SWAPPED,
    SIZE_LIMIT,
    POSIX_UP,
    POSIX_INFO,
    POSIX_SIZE,
    POSIX_ALLOCATED,
    POSIX_PROCESSES,
    POSIX_DELETED,
    MEMFD_SIZE,
    MEMFD_ALLOCATED,
    MEMFD_PROCESSES,
    POSIX_OBJECTS,
    POSIX_ALLOCATED_TOTAL,
    MEMFDS,
    MEMFD_ALLOCATED_TOTAL,
    UNREADABLE,
    DURATION,
];

/// A label value, escaped as both formats want it, once made safe to print as every cell
/// is ([`printable`]: a name or a command may hold a terminal escape).
fn escape_label(value: &str) -> String {
    printable(value)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

struct Writer {
    out: String,
    dialect: Dialect,
}

impl Writer {
    fn family(&mut self, f: &Family) {
        let help = f.help.replace('\\', "\\\\").replace('\n', "\\n");
        match self.dialect {
            Dialect::OpenMetrics => {
                let name = if f.info {
                    f.name.strip_suffix("_info").unwrap_or(f.name)
                } else {
                    f.name
                };
                let help = help.replace('"', "\\\"");
                let _ = writeln!(self.out, "# HELP {name} {help}");
                let kind = if f.info { "info" } else { "gauge" };
                let _ = writeln!(self.out, "# TYPE {name} {kind}");
                if let Some(unit) = f.unit() {
                    let _ = writeln!(self.out, "# UNIT {name} {unit}");
                }
            }
            Dialect::Text => {
                let _ = writeln!(self.out, "# HELP {} {help}", f.name);
                let _ = writeln!(self.out, "# TYPE {} gauge", f.name);
            }
        }
    }

    fn sample(&mut self, f: &Family, labels: &[(&str, String)], value: impl Display) {
        self.out.push_str(f.name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (name, v)) in labels.iter().enumerate() {
                let comma = if i == 0 { "" } else { "," };
                let _ = write!(self.out, "{comma}{name}=\"{}\"", escape_label(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {value}");
    }
}

/// The labels that identify a segment's series.
fn segment_labels(s: &Segment) -> Vec<(&'static str, String)> {
    let mut labels = vec![("shmid", s.shmid.to_string())];
    if let Some(ns) = &s.namespace {
        labels.push(("namespace", ns.inode.to_string()));
    }
    labels
}

/// The labels of a namespace's series: none without `--all-namespaces`.
fn namespace_labels(inode: Option<u64>) -> Vec<(&'static str, String)> {
    inode
        .map(|i| vec![("namespace", i.to_string())])
        .unwrap_or_default()
}

/// Render the exposition in `dialect`.
pub fn render(e: &Exposition, dialect: Dialect) -> String {
    let mut w = Writer {
        out: String::with_capacity(256 + e.segments.len() * 640),
        dialect,
    };
    if !e.aggregate {
        w.family(&SEGMENT_INFO);
        for x in &e.segments {
            let s = &x.segment;
            let mut labels = segment_labels(s);
            labels.extend([
                ("key", s.key_hex.clone()),
                ("owner", s.owner.clone()),
                ("app", x.app.clone()),
            ]);
            w.sample(&SEGMENT_INFO, &labels, 1);
        }
        type Value = fn(&Segment) -> Option<u64>;
        let per_segment: [(&Family, Value); 7] = [
            (&SIZE, |s| Some(s.size)),
            (&RSS, |s| s.rss),
            (&SWAP, |s| s.swap),
            (&ATTACHMENTS, |s| Some(s.nattch)),
            (&PROCESSES, |s| s.attached.as_ref().map(|h| h.len() as u64)),
            (&DESTROYED, |s| Some(u64::from(s.is_dest()))),
            (&ORPHAN, |s| s.orphan.map(u64::from)),
        ];
        for (family, value) in per_segment {
            w.family(family);
            for x in &e.segments {
                if let Some(v) = value(&x.segment) {
                    w.sample(family, &segment_labels(&x.segment), v);
                }
            }
        }
    }
    let owners = owner_totals(&e.segments);
    type Total = fn(&crate::model::metrics::OwnerTotals) -> Option<u64>;
    let per_owner: [(&Family, Total); 5] = [
        (&OWNER_SEGMENTS, |t| Some(t.segments)),
        (&OWNER_SIZE, |t| Some(t.size)),
        (&OWNER_RSS, |t| t.rss),
        (&OWNER_SWAP, |t| t.swap),
        (&OWNER_ORPHANS, |t| Some(t.orphans)),
    ];
    for (family, value) in per_owner {
        w.family(family);
        for t in &owners {
            if let Some(v) = value(t) {
                let mut labels = vec![("owner", t.owner.clone())];
                labels.extend(namespace_labels(t.namespace));
                w.sample(family, &labels, v);
            }
        }
    }
    let namespaces: Vec<_> = e
        .namespaces
        .iter()
        .filter_map(|n| n.namespace.as_ref())
        .collect();
    if !namespaces.is_empty() {
        w.family(&NAMESPACE_INFO);
        for ns in namespaces {
            let labels = [
                ("namespace", ns.inode.to_string()),
                ("pid", ns.pid.map(|p| p.to_string()).unwrap_or_default()),
                ("comm", ns.comm.clone().unwrap_or_default()),
            ];
            w.sample(&NAMESPACE_INFO, &labels, 1);
        }
    }
    type Limit = fn(&LimitsReport) -> u64;
    let per_namespace: [(&Family, Limit); 8] = [
        (&SEGMENTS, |l| l.segments),
        (&SEGMENTS_LIMIT, |l| l.shmmni),
        (&PAGES, |l| l.pages),
        (&PAGES_LIMIT, |l| l.shmall),
        (&ALLOCATED, |l| l.bytes),
        (&RESIDENT, |l| l.rss_pages.saturating_mul(l.page_size)),
        (&SWAPPED, |l| l.swap_pages.saturating_mul(l.page_size)),
        (&SIZE_LIMIT, |l| l.shmmax),
    ];
    for (family, value) in per_namespace {
        w.family(family);
        for n in &e.namespaces {
            let labels = namespace_labels(n.namespace.as_ref().map(|ns| ns.inode));
            w.sample(family, &labels, value(&n.limits));
        }
    }
    w.family(&POSIX_UP);
    w.sample(&POSIX_UP, &[], u8::from(e.posix_unreadable.is_none()));
    let kinds: &[Kind] = match e.posix_unreadable {
        Some(_) => &[Kind::Memfd],
        None => &[Kind::Posix, Kind::Memfd],
    };
    write_objects(&mut w, &e.objects, kinds, e.aggregate);
    w.family(&UNREADABLE);
    w.sample(&UNREADABLE, &[], e.unreadable_processes);
    w.family(&DURATION);
    w.sample(&DURATION, &[], e.gather_seconds);
    if dialect == Dialect::OpenMetrics {
        w.out.push_str("# EOF\n");
    }
    w.out
}

/// An exposition shown in one format, whatever the output's format: the metrics are their
/// own format.
pub struct Shown<'a> {
    pub exposition: &'a Exposition,
    pub dialect: Dialect,
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.exposition.serialize(s)
    }
}

impl Render for Shown<'_> {
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render(self.exposition, self.dialect).as_bytes())
    }

    fn openmetrics(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.table(view, out)
    }
}

/// The labels that identify an object's series: its name and inode (a name may be
/// unlinked and made anew: two objects), and its mount namespace with `--all-namespaces`.
fn object_labels(o: &ShmObject) -> Vec<(&'static str, String)> {
    let mut labels = vec![("name", o.name.clone()), ("inode", o.inode.to_string())];
    if let Some(ns) = &o.namespace {
        labels.push(("mount_namespace", ns.inode.to_string()));
    }
    labels
}

/// The families of POSIX objects and memfds of `kinds` (declared even when a kind has no
/// object): per object unless `aggregate`, and each kind's totals.
fn write_objects(w: &mut Writer, objects: &[ShmObject], kinds: &[Kind], aggregate: bool) {
    type Value = fn(&ShmObject) -> Option<u64>;
    let per_object: [(Kind, &Family, Value); 8] = [
        (Kind::Posix, &POSIX_INFO, |_| Some(1)),
        (Kind::Posix, &POSIX_SIZE, |o| o.size),
        (Kind::Posix, &POSIX_ALLOCATED, |o| o.allocated),
        (Kind::Posix, &POSIX_PROCESSES, |o| {
            Some(o.holders.len() as u64)
        }),
        (Kind::Posix, &POSIX_DELETED, |o| {
            Some(u64::from(o.is_deleted()))
        }),
        (Kind::Memfd, &MEMFD_SIZE, |o| o.size),
        (Kind::Memfd, &MEMFD_ALLOCATED, |o| o.allocated),
        (Kind::Memfd, &MEMFD_PROCESSES, |o| {
            Some(o.holders.len() as u64)
        }),
    ];
    if !aggregate {
        for (kind, family, value) in per_object {
            if !kinds.contains(&kind) {
                continue;
            }
            w.family(family);
            for o in objects.iter().filter(|o| o.kind == kind) {
                if let Some(v) = value(o) {
                    let mut labels = object_labels(o);
                    if family.info {
                        labels.push(("owner", o.owner.clone().unwrap_or_default()));
                    }
                    w.sample(family, &labels, v);
                }
            }
        }
    }
    for (kind, count, allocated) in [
        (Kind::Posix, &POSIX_OBJECTS, &POSIX_ALLOCATED_TOTAL),
        (Kind::Memfd, &MEMFDS, &MEMFD_ALLOCATED_TOTAL),
    ] {
        if !kinds.contains(&kind) {
            continue;
        }
        let of_kind = || objects.iter().filter(move |o| o.kind == kind);
        w.family(count);
        w.sample(count, &[], of_kind().count());
        w.family(allocated);
        w.sample(
            allocated,
            &[],
            of_kind().filter_map(|o| o.allocated).sum::<u64>(),
        );
    }
}

/// The series of POSIX objects and memfds alone (`ls --posix --format openmetrics`), in
/// the OpenMetrics format.
pub fn render_objects(objects: &[ShmObject], kinds: &[Kind]) -> String {
    let mut w = Writer {
        out: String::with_capacity(256 + objects.len() * 400),
        dialect: Dialect::OpenMetrics,
    };
    write_objects(&mut w, objects, kinds, false);
    w.out.push_str("# EOF\n");
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Namespace;
    use crate::model::metrics::{Exposed, NamespaceUsage};
    use crate::render::fixtures::{holder, segment};

    fn exposition(aggregate: bool, namespace: Option<Namespace>) -> Exposition {
        let mut a = segment(3, 0x1234, 65536);
        a.owner = "we\"ird\\".into();
        a.status = vec!["dest"];
        a.rss = None;
        a.nattch = 3;
        a.set_holders(vec![
            holder(42, "app", 2, false),
            holder(43, "tool", 1, true),
        ]);
        a.namespace = namespace.clone();
        let mut b = segment(4, 0, 4096);
        b.orphan = Some(true);
        b.namespace = namespace.clone();
        Exposition {
            segments: vec![
                Exposed {
                    segment: a,
                    app: "postgres".into(),
                },
                Exposed {
                    segment: b,
                    app: String::new(),
                },
            ],
            namespaces: vec![NamespaceUsage {
                namespace,
                limits: crate::render::limits::tests::report(),
            }],
            unreadable_processes: 2,
            gather_seconds: 0.0125,
            aggregate,
            objects: Vec::new(),
            posix_unreadable: None,
        }
    }

    #[test]
    fn openmetrics_declares_info_and_units_and_ends_with_eof() {
        let text = render(&exposition(false, None), Dialect::OpenMetrics);
        assert!(
            text.starts_with(
                "# HELP shmctl_rs_sysv_segment A System V segment: its key, its owner and the application it belongs to (empty when not known); always 1.\n# TYPE shmctl_rs_sysv_segment info\n"
            ),
            "{text}"
        );
        assert!(text.contains(
            "\nshmctl_rs_sysv_segment_info{shmid=\"3\",key=\"0x00001234\",owner=\"we\\\"ird\\\\\",app=\"postgres\"} 1\n"
        ), "{text}");
        assert!(text.contains("# TYPE shmctl_rs_sysv_segment_size_bytes gauge\n# UNIT shmctl_rs_sysv_segment_size_bytes bytes\n"));
        assert!(text.contains("\nshmctl_rs_sysv_segment_size_bytes{shmid=\"3\"} 65536\n"));
        assert!(
            !text.contains("shmctl_rs_sysv_segment_rss_bytes{shmid=\"3\"}"),
            "no rss sample without a value"
        );
        assert!(text.contains("\nshmctl_rs_sysv_segment_attachments{shmid=\"3\"} 3\n"));
        assert!(text.contains("\nshmctl_rs_sysv_segment_processes{shmid=\"3\"} 2\n"));
        assert!(
            !text.contains("shmctl_rs_sysv_segment_processes{shmid=\"4\"}"),
            "holders not gathered, no count"
        );
        assert!(text.contains("\nshmctl_rs_sysv_segment_marked_for_destruction{shmid=\"3\"} 1\n"));
        assert!(text.contains("\nshmctl_rs_sysv_segment_orphan{shmid=\"4\"} 1\n"));
        assert!(text.contains("\nshmctl_rs_sysv_owner_segments{owner=\"root\"} 1\n"));
        assert!(text.contains("\nshmctl_rs_sysv_segments_limit 4096\n"));
        assert!(text.contains("\nshmctl_rs_unreadable_processes 2\n"));
        assert!(text.contains("# UNIT shmctl_rs_scrape_duration_seconds seconds\n"));
        assert!(text.ends_with("\nshmctl_rs_scrape_duration_seconds 0.0125\n# EOF\n"));
        assert!(!text.contains("namespace=\""), "no namespaces without -A");
    }

    #[test]
    fn the_text_format_has_no_info_type_units_or_eof() {
        let text = render(&exposition(false, None), Dialect::Text);
        assert!(text.contains(
            "# HELP shmctl_rs_sysv_segment_info A System V segment: its key, its owner and the application it belongs to (empty when not known); always 1.\n# TYPE shmctl_rs_sysv_segment_info gauge\n"
        ), "{text}");
        assert!(!text.contains("# UNIT") && !text.contains("# EOF") && !text.contains(" info\n"));
        assert!(text.ends_with("\nshmctl_rs_scrape_duration_seconds 0.0125\n"));
        // The samples are the same in both.
        let samples = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| !l.starts_with('#'))
                .map(String::from)
                .collect()
        };
        assert_eq!(
            samples(&text),
            samples(&render(&exposition(false, None), Dialect::OpenMetrics))
        );
    }

    #[test]
    fn aggregate_keeps_owners_and_namespaces_only() {
        let ns = Namespace {
            inode: 4026531839,
            pid: Some(1),
            comm: Some("init".into()),
        };
        let text = render(&exposition(true, Some(ns)), Dialect::OpenMetrics);
        assert!(
            !text.contains("shmid=") && !text.contains("shmctl_rs_sysv_segment_info"),
            "{text}"
        );
        assert!(
            text.contains(
                "\nshmctl_rs_sysv_owner_size_bytes{owner=\"root\",namespace=\"4026531839\"} 4096\n"
            ),
            "{text}"
        );
        assert!(text.contains(
            "\nshmctl_rs_ipc_namespace_info{namespace=\"4026531839\",pid=\"1\",comm=\"init\"} 1\n"
        ));
        assert!(text.contains("\nshmctl_rs_sysv_segments{namespace=\"4026531839\"} 3\n"));
        let all = render(&exposition(false, None), Dialect::OpenMetrics);
        let families = |t: &str| t.lines().filter(|l| l.starts_with("# TYPE")).count();
        assert_eq!(
            families(&all),
            FAMILIES.len() - 1,
            "every family but the namespaces'"
        );
    }

    #[test]
    fn without_dev_shm_the_posix_part_is_missing_and_said_so() {
        use crate::render::fixtures::object;
        let mut e = exposition(false, None);
        e.objects = vec![object(Kind::Memfd, "memfd:m", 9, 8192)];
        let read = render(&e, Dialect::OpenMetrics);
        assert!(read.contains("\nshmctl_rs_posix_up 1\n"), "{read}");
        assert!(read.contains("\nshmctl_rs_posix_objects 0\n"), "{read}");
        e.posix_unreadable = Some("/dev/shm: permission denied".into());
        let text = render(&e, Dialect::OpenMetrics);
        assert!(text.contains("\nshmctl_rs_posix_up 0\n"), "{text}");
        assert!(!text.contains("shmctl_rs_posix_object"), "{text}");
        assert!(text.contains("\nshmctl_rs_sysv_segment_size_bytes{shmid=\"3\"} 65536\n"));
        assert!(text.contains("\nshmctl_rs_memfds 1\n"), "{text}");
    }

    #[test]
    fn objects_have_their_own_families() {
        use crate::model::posix::DELETED;
        use crate::render::fixtures::{object, object_holder as holder};
        let mut gone = object(Kind::Posix, "/a\"b", 207, 10000);
        gone.status = vec![DELETED];
        gone.holders = vec![holder(1, "x", 1, 0)];
        let mut memfd = object(Kind::Memfd, "memfd:m", 9, 8192);
        memfd.size = None;
        let text = render_objects(&[gone, memfd], &[Kind::Posix, Kind::Memfd]);
        assert!(
            text.contains(
                "shmctl_rs_posix_object_info{name=\"/a\\\"b\",inode=\"207\",owner=\"root\"} 1\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "shmctl_rs_posix_object_size_bytes{name=\"/a\\\"b\",inode=\"207\"} 10000\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("shmctl_rs_posix_object_deleted{name=\"/a\\\"b\",inode=\"207\"} 1\n")
        );
        assert!(
            text.contains("shmctl_rs_posix_object_processes{name=\"/a\\\"b\",inode=\"207\"} 1\n")
        );
        assert!(
            !text.contains("shmctl_rs_memfd_size_bytes{"),
            "no sample without a value"
        );
        assert!(text.contains("shmctl_rs_memfd_allocated_bytes{name=\"memfd:m\",inode=\"9\"}"));
        assert!(text.contains("\nshmctl_rs_posix_objects 1\n"));
        assert!(text.ends_with("# EOF\n"));
        let posix_only = render_objects(&[], &[Kind::Posix]);
        assert!(posix_only.contains("# TYPE shmctl_rs_posix_object_processes gauge"));
        assert!(!posix_only.contains("memfd"));
    }

    #[test]
    fn control_characters_in_labels_cannot_reach_the_terminal() {
        use crate::render::cell::unsafe_to_print;
        use crate::render::fixtures::{object, object_holder as holder};
        let mut evil = object(Kind::Posix, "/x\u{1b}[2J\u{202e}\n\\\"", 7, 4096);
        evil.owner = Some("ev\u{1b}]0;pwned\u{7}il".into());
        evil.holders = vec![holder(1, "c\u{1b}[31m", 1, 0)];
        let mut memfd = object(Kind::Memfd, "memfd:m\u{9b}2J", 9, 8192);
        memfd.holders = vec![holder(2, "m\u{7}", 1, 0)];
        let text = render_objects(&[evil, memfd], &[Kind::Posix, Kind::Memfd]);
        let unsafe_chars: Vec<char> = text.chars().filter(|c| unsafe_to_print(*c)).collect();
        assert!(
            unsafe_chars.iter().all(|c| *c == '\n'),
            "only line ends: {text:?}"
        );
        // Shown as a table shows it (\xHH), then escaped as OpenMetrics wants (\\, \").
        assert!(
            text.contains(
                "name=\"/x\\\\x1b[2J\\\\xe2\\\\x80\\\\xae\\\\x0a\\\\\\\"\",inode=\"7\",owner=\"ev\\\\x1b]0;pwned\\\\x07il\"}"
            ),
            "{text}"
        );
        assert!(text.contains("name=\"memfd:m\\\\xc2\\\\x9b2J\""), "{text}");
        // A process's name labels its namespace: the same.
        let ns = Namespace {
            inode: 4026531839,
            pid: Some(1),
            comm: Some("in\u{1b}[2Jit".into()),
        };
        for dialect in [Dialect::OpenMetrics, Dialect::Text] {
            let text = render(&exposition(false, Some(ns.clone())), dialect);
            assert!(!text.contains('\u{1b}'), "{text}");
            assert!(text.contains("comm=\"in\\\\x1b[2Jit\""), "{text}");
        }
    }
}
