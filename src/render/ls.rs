//! `ls`: the segment table, raw rows and JSON, and the frames of `ls --watch`.

use super::columns::{Column, Style};
use super::table::{Fit, Grid};
use super::{Render, View};
use crate::model::{Listing, Segment};
use crate::sys::shm::ShmId;
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::io::{self, Write};

/// How a listing is laid out, beyond its columns (lsipc's table options).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    pub style: Style,
    /// The heading row (`--noheadings` leaves it out).
    pub headings: bool,
    /// Fit the table to the terminal (`--notruncate`: one line per segment, however wide).
    pub fit: bool,
    /// Segments' columns asked for by name (`-o LIST`, `-o +LIST`, `--pids`, `--app`),
    /// which a narrow terminal cuts free text of but never leaves out, as bits of their
    /// place in [`Column::EVERY`]: see [`Look::keep`].
    pub kept: u64,
    /// `--export` with `--newline`: one pair per line.
    pub newline: bool,
}

impl Default for Look {
    fn default() -> Look {
        Look {
            style: Style::default(),
            headings: true,
            fit: true,
            kept: 0,
            newline: false,
        }
    }
}

impl Look {
    /// The bit of `column` in [`Look::kept`].
    fn bit(column: Column) -> u64 {
        Column::EVERY
            .iter()
            .position(|c| *c == column)
            .map_or(0, |i| 1 << i)
    }

    /// Keep `column` on a narrow terminal: it was asked for by name.
    pub fn keep(&mut self, column: Column) {
        self.kept |= Look::bit(column);
    }

    /// Whether `column` was asked for by name.
    fn asked_for(&self, column: Column) -> bool {
        self.kept & Look::bit(column) != 0
    }

    /// The width to fit a table to: the terminal's, unless `--notruncate`.
    pub fn width(&self, view: &View) -> Option<u16> {
        if self.fit { view.width } else { None }
    }
}

/// A listing with the columns chosen for it.
pub struct Ls<'a> {
    pub listing: &'a Listing,
    pub columns: &'a [Column],
    pub look: Look,
}

impl Serialize for Ls<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.listing.serialize(s)
    }
}

/// The segments as a grid of `columns`: cells for people, or exact values with `raw`.
pub fn grid(
    segments: &[Segment],
    columns: &[Column],
    view: &View,
    style: &Style,
    raw: bool,
) -> Grid {
    Grid {
        headings: columns.iter().map(|c| c.heading().to_string()).collect(),
        right: columns.iter().map(|c| c.is_numeric()).collect(),
        rows: segments
            .iter()
            .map(|s| {
                columns
                    .iter()
                    .map(|c| {
                        if raw {
                            c.raw(s)
                        } else {
                            c.cell(s, view, style)
                        }
                    })
                    .collect()
            })
            .collect(),
    }
}

fn export_names(columns: &[Column]) -> Vec<String> {
    columns.iter().map(|c| c.export_name()).collect()
}

/// How each of `columns` gives way on a narrow terminal (columns named with `-o` are
/// never left out).
fn fits(columns: &[Column], look: Look) -> Vec<Fit> {
    columns
        .iter()
        .map(|c| match c.fit() {
            fit if look.asked_for(*c) => Fit { drop: None, ..fit },
            fit => fit,
        })
        .collect()
}

/// The headings of the columns that a table of `columns` leaves out at `view`'s width
/// (none when it fits, or with `--notruncate`, or to a pipe).
fn left_out(
    grid: &Grid,
    columns: &[Column],
    look: Look,
    view: &View,
    marks: usize,
) -> Vec<&'static str> {
    let Some(width) = look.width(view) else {
        return Vec::new();
    };
    let mut all = vec![Fit::default(); marks];
    all.extend(fits(columns, look));
    let (_, dropped) = grid.fitted(width, look.headings, &all);
    dropped
        .into_iter()
        .filter_map(|i| i.checked_sub(marks))
        .filter_map(|i| columns.get(i).map(|c| c.heading()))
        .collect()
}

/// The note that says which columns a narrow terminal left out, and how to see them.
pub fn left_out_note(headings: &[&str], view: &View) -> String {
    format!(
        "{} left out to fit {} columns: {} (--notruncate shows every column; -o chooses them)",
        if headings.len() == 1 {
            "a column"
        } else {
            "columns"
        },
        view.width.unwrap_or_default(),
        headings.join(", ")
    )
}

impl Ls<'_> {
    fn grid(&self, view: &View, raw: bool) -> Grid {
        grid(
            &self.listing.segments,
            self.columns,
            view,
            &self.look.style,
            raw,
        )
    }

    /// The headings of the columns the table leaves out at `view`'s width.
    pub fn left_out(&self, view: &View) -> Vec<&'static str> {
        if self.look.width(view).is_none() {
            return Vec::new();
        }
        left_out(&self.grid(view, false), self.columns, self.look, view, 0)
    }
}

impl Render for Ls<'_> {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let table = self.grid(view, false).to_fitted_table(
            self.look.width(view),
            self.look.headings,
            &fits(self.columns, self.look),
        );
        out.write_all(table.as_bytes())
    }

    fn raw(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.grid(view, true).write_raw(out)
    }

    fn export(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.grid(view, false)
            .write_export(out, &export_names(self.columns), self.look.newline)
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

/// Say which segments were read with a read-only attach, and what that changed.
pub fn attach_note(ids: &[ShmId]) -> String {
    const SHOWN: usize = 10;
    let mut list: Vec<String> = ids.iter().take(SHOWN).map(|id| id.to_string()).collect();
    if ids.len() > SHOWN {
        list.push(format!("and {} more", ids.len() - SHOWN));
    }
    format!(
        "app: read the header of {} {} with a read-only attach, which the kernel records as the last attach and detach (lpid, atime, dtime)",
        if ids.len() == 1 {
            "segment"
        } else {
            "segments"
        },
        list.join(", ")
    )
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
    pub look: Look,
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
        let mut table = grid(&rows, self.columns, view, &self.look.style, raw);
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

impl Watched<'_> {
    /// The headings of the columns the table leaves out at `view`'s width.
    pub fn left_out(&self, view: &View) -> Vec<&'static str> {
        if self.look.width(view).is_none() {
            return Vec::new();
        }
        left_out(&self.grid(view, false), self.columns, self.look, view, 1)
    }
}

impl Render for Watched<'_> {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let mut all = vec![Fit::default()];
        all.extend(fits(self.columns, self.look));
        let table = self.grid(view, false);
        out.write_all(
            table
                .to_fitted_table(self.look.width(view), self.look.headings, &all)
                .as_bytes(),
        )
    }

    fn raw(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.grid(view, true).write_raw(out)
    }

    fn export(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let mut names = export_names(self.columns);
        names.insert(0, "CHANGE".to_string());
        self.grid(view, false)
            .write_export(out, &names, self.look.newline)
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
            look: Look::default(),
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
            look: Look::default(),
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
    fn the_attach_note_stays_one_short_line() {
        assert_eq!(
            attach_note(&[ShmId(3)]),
            "app: read the header of segment 3 with a read-only attach, which the kernel records as the last attach and detach (lpid, atime, dtime)"
        );
        let many: Vec<ShmId> = (0..300).map(ShmId).collect();
        assert!(
            attach_note(&many).contains("segments 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, and 290 more with")
        );
    }

    #[test]
    fn lsipc_options_shape_table_export_and_times() {
        let l = listing();
        let columns = [Column::Key, Column::Perms, Column::Ctime];
        let look = Look {
            style: Style {
                time_format: crate::units::TimeFormat::Iso,
                numeric_perms: true,
            },
            headings: false,
            fit: false,
            kept: 0,
            newline: false,
        };
        let ls = Ls {
            listing: &l,
            columns: &columns,
            look,
        };
        let view = View {
            width: Some(10),
            ..View::at(NOW)
        };
        let text = to_string(Format::Table, &ls, &view);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.len(),
            2,
            "no heading, not fitted to 10 columns: {text}"
        );
        assert!(lines[0].starts_with("0x00001234  600  20"), "{text}");
        let export = to_string(Format::Export, &ls, &view);
        assert!(
            export.starts_with("KEY=\"0x00001234\" PERMS=\"600\" CTIME=\"20"),
            "{export}"
        );
        let newline = Ls {
            look: Look {
                newline: true,
                ..look
            },
            ..ls
        };
        assert_eq!(
            to_string(Format::Export, &newline, &view).lines().count(),
            6
        );
    }

    #[test]
    fn columns_named_with_o_are_never_left_out() {
        let l = listing();
        let columns = [Column::Key, Column::Shmid, Column::Owner, Column::Lpid];
        let view = View {
            width: Some(12),
            ..View::at(NOW)
        };
        let default = Ls {
            listing: &l,
            columns: &columns,
            look: Look::default(),
        };
        assert_eq!(default.left_out(&view), ["OWNER", "LPID"]);
        let mut look = Look::default();
        for c in columns {
            look.keep(c);
        }
        let named = Ls { look, ..default };
        assert!(named.left_out(&view).is_empty());
        let text = to_string(Format::Table, &named, &view);
        assert!(text.starts_with("KEY ") && text.contains("OWNER") && text.contains("LPID"));
        assert_eq!(text.lines().count(), 1 + l.segments.len(), "{text}");
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
            look: Look::default(),
            marks: &marks,
            vanished: &vanished,
        };
        let text = to_string(Format::Raw, &frame, &View::at(NOW));
        assert_eq!(text, "~\t0\n+\t7\n-\t1\n");
    }
}
