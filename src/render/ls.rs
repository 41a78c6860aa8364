//! `ls`: the segment table, raw rows and JSON, and the frames of `ls --watch`.

use super::columns::Column;
use super::table::Grid;
use super::{Render, View};
use crate::model::{Listing, Segment};
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::io::{self, Write};

/// A listing with the columns chosen for it.
pub struct Ls<'a> {
    pub listing: &'a Listing,
    pub columns: &'a [Column],
}

impl Serialize for Ls<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.listing.serialize(s)
    }
}

/// The segments as a grid of `columns`: cells for people, or exact values with `raw`.
pub fn grid(segments: &[Segment], columns: &[Column], view: &View, raw: bool) -> Grid {
    Grid {
        headings: columns.iter().map(|c| c.heading().to_string()).collect(),
        right: columns.iter().map(|c| c.is_numeric()).collect(),
        rows: segments
            .iter()
            .map(|s| {
                columns
                    .iter()
                    .map(|c| if raw { c.raw(s) } else { c.cell(s, view) })
                    .collect()
            })
            .collect(),
    }
}

impl Render for Ls<'_> {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        grid(&self.listing.segments, self.columns, view, false).write_table(out, view.width)
    }

    fn raw(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        grid(&self.listing.segments, self.columns, view, true).write_raw(out)
    }
}

/// The namespaces `--all-namespaces` could not list, and why.
pub fn not_entered_note(namespaces: &[crate::model::Namespace], hidden_processes: usize) -> String {
    let shown: Vec<String> = namespaces
        .iter()
        .take(5)
        .map(|n| match (n.pid, &n.comm) {
            (Some(pid), Some(comm)) => format!("{} ({pid} {comm})", n.inode),
            _ => n.inode.to_string(),
        })
        .collect();
    let mut parts = Vec::new();
    if !namespaces.is_empty() {
        parts.push(format!(
            "{} not listed: entering one needs CAP_SYS_ADMIN ({}{})",
            super::plural(namespaces.len() as u64, "IPC namespace", "IPC namespaces"),
            shown.join(", "),
            if namespaces.len() > 5 { ", ..." } else { "" }
        ));
    }
    if hidden_processes > 0 {
        parts.push(format!(
            "the IPC namespace of {} could not be looked at (another user's: run as root to see every namespace)",
            super::plural(hidden_processes as u64, "process", "processes")
        ));
    }
    parts.join("; ")
}

/// Changes since the last refresh: `+` appeared, `~` nattch changed, `-` vanished. The
/// marks of `now`, then the segments that vanished (by shmid).
pub fn marks(
    previous: &HashMap<i32, Segment>,
    now: &[Segment],
) -> (Vec<&'static str>, Vec<Segment>) {
    let marks = now
        .iter()
        .map(|s| match previous.get(&s.shmid.0) {
            None => "+",
            Some(p) if p.nattch != s.nattch => "~",
            Some(_) => "",
        })
        .collect();
    let mut vanished: Vec<Segment> = previous
        .values()
        .filter(|p| !now.iter().any(|s| s.shmid == p.shmid))
        .cloned()
        .collect();
    vanished.sort_by_key(|s| s.shmid);
    (marks, vanished)
}

/// One refresh of `ls --watch`: the listing now, marked against the one before, and the
/// segments that vanished since (marked `-`).
pub struct Watched<'a> {
    pub listing: &'a Listing,
    pub columns: &'a [Column],
    /// One mark per segment of the listing (empty on the first refresh).
    pub marks: &'a [&'static str],
    pub vanished: &'a [Segment],
}

impl Serialize for Watched<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.listing.serialize(s)
    }
}

impl Watched<'_> {
    fn grid(&self, view: &View, raw: bool) -> Grid {
        let rows: Vec<Segment> = self
            .listing
            .segments
            .iter()
            .chain(self.vanished)
            .cloned()
            .collect();
        let mut table = grid(&rows, self.columns, view, raw);
        table.headings.insert(0, String::new());
        table.right.insert(0, false);
        let marks = (0..self.listing.segments.len())
            .map(|i| self.marks.get(i).copied().unwrap_or(""))
            .chain(self.vanished.iter().map(|_| "-"));
        for (row, mark) in table.rows.iter_mut().zip(marks) {
            row.insert(0, mark.to_string());
        }
        table
    }
}

impl Render for Watched<'_> {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.grid(view, false).write_table(out, view.width)
    }

    fn raw(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.grid(view, true).write_raw(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{NOW, holder, segment};
    use crate::render::{Format, to_string};

    fn listing() -> Listing {
        let mut a = segment(0, 0x1234, 65536);
        a.nattch = 2;
        a.set_holders(vec![
            holder(42, "app", 2, false),
            holder(43, "tool", 1, true),
        ]);
        let b = segment(1, 0x8100_0001, 4176);
        Listing {
            segments: vec![a, b],
            ..Default::default()
        }
    }

    #[test]
    fn the_table_shows_people_sizes_and_holders() {
        let l = listing();
        let columns = [
            Column::Key,
            Column::Shmid,
            Column::Size,
            Column::Ctime,
            Column::Processes,
        ];
        let ls = Ls {
            listing: &l,
            columns: &columns,
        };
        let text = to_string(Format::Table, &ls, &View::at(NOW));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("KEY") && lines[0].ends_with("PROCESSES"),
            "{text}"
        );
        assert!(
            lines[1].contains("64 KiB") && lines[1].ends_with("42 app x2, 43 tool ro"),
            "{text}"
        );
        assert!(
            lines[2].starts_with("0x81000001") && lines[2].contains("4.1 KiB"),
            "{text}"
        );
        let bytes = View {
            bytes: true,
            ..View::at(NOW)
        };
        assert!(to_string(Format::Table, &ls, &bytes).contains("65536"));
    }

    #[test]
    fn raw_rows_are_exact_and_json_is_the_listing() {
        let l = listing();
        let columns = [Column::Key, Column::Size, Column::Ctime, Column::Processes];
        let ls = Ls {
            listing: &l,
            columns: &columns,
        };
        assert_eq!(
            to_string(Format::Raw, &ls, &View::at(NOW)),
            format!(
                "0x00001234\t65536\t{}\t42,43\n0x81000001\t4176\t{}\t-\n",
                NOW - 60,
                NOW - 60
            )
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &ls, &View::at(NOW))).unwrap();
        assert_eq!(json["segments"][1]["key_hex"], "0x81000001");
        assert_eq!(json["segments"][0]["attached"][1]["readonly"], true);
        assert!(json["segments"][1].get("attached").is_none());
    }

    #[test]
    fn watch_frames_mark_what_changed() {
        let before = listing();
        let previous: HashMap<i32, Segment> = before
            .segments
            .iter()
            .map(|s| (s.shmid.0, s.clone()))
            .collect();
        let mut now = listing();
        now.segments[0].nattch = 1;
        now.segments.remove(1);
        now.segments.push(segment(7, 0x77, 4096));
        let (marks, vanished) = marks(&previous, &now.segments);
        assert_eq!(marks, ["~", "+"]);
        assert_eq!(vanished.len(), 1);
        let frame = Watched {
            listing: &now,
            columns: &[Column::Shmid],
            marks: &marks,
            vanished: &vanished,
        };
        let text = to_string(Format::Raw, &frame, &View::at(NOW));
        assert_eq!(text, "~\t0\n+\t7\n-\t1\n");
    }
}
