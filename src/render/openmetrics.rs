//! The OpenMetrics / Prometheus text exposition of segments and limits, and of POSIX
//! objects and memfds, for node-exporter's textfile collector (which reads the Prometheus
//! text format: the `# UNIT` and `# EOF` lines are comments there).

use crate::model::posix::{Kind, ShmObject};
use crate::model::{LimitsReport, Segment};
use std::fmt::Write;

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn labels(s: &Segment) -> String {
    let mut l = format!(
        "shmid=\"{}\",key=\"{}\",owner=\"{}\",uid=\"{}\"",
        s.shmid,
        s.key_hex,
        escape(&s.owner),
        s.uid
    );
    if let Some(ns) = &s.namespace {
        let _ = write!(l, ",namespace=\"{}\"", ns.inode);
    }
    l
}

fn family(out: &mut String, name: &str, unit: Option<&str>, help: &str) {
    let _ = writeln!(out, "# TYPE {name} gauge");
    if let Some(u) = unit {
        let _ = writeln!(out, "# UNIT {name} {u}");
    }
    let _ = writeln!(out, "# HELP {name} {help}");
}

/// Render per-segment gauges and, when known, the namespace's totals against its limits.
pub fn render(segments: &[Segment], limits: Option<&LimitsReport>) -> String {
    let mut out = String::new();
    type Value = fn(&Segment) -> Option<u64>;
    let per_segment: [(&str, Option<&str>, &str, Value); 5] = [
        (
            "sysv_shm_segment_size_bytes",
            Some("bytes"),
            "Size of the segment.",
            |s| Some(s.size),
        ),
        (
            "sysv_shm_segment_rss_bytes",
            Some("bytes"),
            "Bytes of the segment resident in memory.",
            |s| s.rss,
        ),
        (
            "sysv_shm_segment_swap_bytes",
            Some("bytes"),
            "Bytes of the segment in swap.",
            |s| s.swap,
        ),
        (
            "sysv_shm_segment_attached",
            None,
            "Processes attached to the segment (nattch).",
            |s| Some(s.nattch),
        ),
        (
            "sysv_shm_segment_marked_for_destruction",
            None,
            "1 when the segment is removed and waits for its last detach.",
            |s| Some(u64::from(s.is_dest())),
        ),
    ];
    for (name, unit, help, value) in per_segment {
        family(&mut out, name, unit, help);
        for s in segments {
            if let Some(v) = value(s) {
                let _ = writeln!(out, "{name}{{{}}} {v}", labels(s));
            }
        }
    }
    if let Some(l) = limits {
        let totals: [(&str, Option<&str>, &str, u64); 6] = [
            (
                "sysv_shm_segments",
                None,
                "Segments in use in this IPC namespace.",
                l.segments,
            ),
            (
                "sysv_shm_segments_limit",
                None,
                "Most segments (kernel.shmmni).",
                l.shmmni,
            ),
            (
                "sysv_shm_pages",
                None,
                "Pages allocated to segments.",
                l.pages,
            ),
            (
                "sysv_shm_pages_limit",
                None,
                "Most pages in all segments (kernel.shmall).",
                l.shmall,
            ),
            (
                "sysv_shm_allocated_bytes",
                Some("bytes"),
                "Bytes allocated to segments.",
                l.bytes,
            ),
            (
                "sysv_shm_segment_size_limit_bytes",
                Some("bytes"),
                "Largest segment (kernel.shmmax).",
                l.shmmax,
            ),
        ];
        for (name, unit, help, v) in totals {
            family(&mut out, name, unit, help);
            let _ = writeln!(out, "{name} {v}");
        }
    }
    out.push_str("# EOF\n");
    out
}

fn object_labels(o: &ShmObject) -> String {
    let mut l = format!("name=\"{}\",inode=\"{}\"", escape(&o.name), o.inode);
    if let Some(owner) = &o.owner {
        let _ = write!(l, ",owner=\"{}\"", escape(owner));
    }
    if let Some(uid) = o.uid {
        let _ = write!(l, ",uid=\"{uid}\"");
    }
    if let Some(ns) = &o.namespace {
        let _ = write!(l, ",namespace=\"{}\"", ns.inode);
    }
    l
}

/// Per-object gauges of POSIX objects and memfds, the families of each kind in `kinds`
/// declared even when it has no object, then `# EOF`.
pub fn render_objects(objects: &[ShmObject], kinds: &[Kind]) -> String {
    let mut out = String::new();
    type Value = fn(&ShmObject) -> Option<u64>;
    let size: Value = |o| o.size;
    let allocated: Value = |o| o.allocated;
    let holders: Value = |o| Some(o.holders.len() as u64);
    let deleted: Value = |o| Some(u64::from(o.is_deleted()));
    let per_object: [(Kind, &str, Option<&str>, &str, Value); 7] = [
        (
            Kind::Posix,
            "posix_shm_object_size_bytes",
            Some("bytes"),
            "Size of the POSIX shared-memory object.",
            size,
        ),
        (
            Kind::Posix,
            "posix_shm_object_allocated_bytes",
            Some("bytes"),
            "Bytes the POSIX object occupies in memory and swap (tmpfs blocks).",
            allocated,
        ),
        (
            Kind::Posix,
            "posix_shm_object_holders",
            None,
            "Processes that map the POSIX object or hold it open.",
            holders,
        ),
        (
            Kind::Posix,
            "posix_shm_object_deleted",
            None,
            "1 when the POSIX object is unlinked and lives on while held.",
            deleted,
        ),
        (
            Kind::Memfd,
            "memfd_object_size_bytes",
            Some("bytes"),
            "Size of the memfd.",
            size,
        ),
        (
            Kind::Memfd,
            "memfd_object_allocated_bytes",
            Some("bytes"),
            "Bytes the memfd occupies in memory and swap.",
            allocated,
        ),
        (
            Kind::Memfd,
            "memfd_object_holders",
            None,
            "Processes that map the memfd or hold it open.",
            holders,
        ),
    ];
    for (kind, name, unit, help, value) in per_object {
        if !kinds.contains(&kind) {
            continue;
        }
        family(&mut out, name, unit, help);
        for o in objects.iter().filter(|o| o.kind == kind) {
            if let Some(v) = value(o) {
                let _ = writeln!(out, "{name}{{{}}} {v}", object_labels(o));
            }
        }
    }
    out.push_str("# EOF\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::segment;

    #[test]
    fn families_then_samples_then_eof() {
        let mut a = segment(3, 0x1234, 65536);
        a.owner = "we\"ird\\".into();
        a.status = vec!["dest"];
        a.rss = None;
        let limits = crate::render::limits::tests::report();
        let text = render(&[a], Some(&limits));
        assert!(text.starts_with("# TYPE sysv_shm_segment_size_bytes gauge\n# UNIT sysv_shm_segment_size_bytes bytes\n# HELP"));
        assert!(text.contains(
            "sysv_shm_segment_size_bytes{shmid=\"3\",key=\"0x00001234\",owner=\"we\\\"ird\\\\\",uid=\"0\"} 65536\n"
        ), "{text}");
        assert!(
            !text.contains("sysv_shm_segment_rss_bytes{"),
            "no rss sample without a value"
        );
        assert!(text.contains("sysv_shm_segment_marked_for_destruction{shmid=\"3\""));
        assert!(text.contains("\nsysv_shm_segments_limit 4096\n"));
        assert!(text.ends_with("# EOF\n"));
        // No segments and no limits: the families are declared and nothing else.
        assert!(render(&[], None).lines().all(|l| l.starts_with('#')));
    }

    #[test]
    fn objects_have_their_own_families() {
        use crate::model::posix::DELETED;
        use crate::render::posix::tests::{holder, object};
        let mut gone = object(Kind::Posix, "/a\"b", 207, 10000);
        gone.status = vec![DELETED];
        gone.holders = vec![holder(1, "x", 1, 0)];
        let mut memfd = object(Kind::Memfd, "memfd:m", 9, 8192);
        memfd.size = None;
        let text = render_objects(&[gone, memfd], &[Kind::Posix, Kind::Memfd]);
        assert!(text.contains(
            "posix_shm_object_size_bytes{name=\"/a\\\"b\",inode=\"207\",owner=\"root\",uid=\"0\"} 10000\n"
        ), "{text}");
        assert!(text.contains(
            "posix_shm_object_deleted{name=\"/a\\\"b\",inode=\"207\",owner=\"root\",uid=\"0\"} 1\n"
        ));
        assert!(text.contains(
            "posix_shm_object_holders{name=\"/a\\\"b\",inode=\"207\",owner=\"root\",uid=\"0\"} 1\n"
        ));
        assert!(
            !text.contains("memfd_object_size_bytes{"),
            "no sample without a value"
        );
        assert!(text.contains("memfd_object_allocated_bytes{name=\"memfd:m\",inode=\"9\""));
        assert!(text.ends_with("# EOF\n"));
        let posix_only = render_objects(&[], &[Kind::Posix]);
        assert!(posix_only.contains("# TYPE posix_shm_object_holders gauge"));
        assert!(!posix_only.contains("memfd"));
    }
}
