//! POSIX objects and memfds: the columns `ls --posix` and `ls --memfd` show, the listing
//! as a table, raw rows, JSON and OpenMetrics, one object in full (`info /NAME`), and what
//! `create --posix` made.

use super::cell::{joined, namespace_cell, namespace_inode, or_dash, printable};
use super::columns::Style;
use super::info::unreadable_note;
use super::ls::Look;
use super::table::{Grid, write_pairs};
use super::{Render, View, openmetrics, plural};
use crate::model::posix::{
    CreatedObject, Kind, ObjectHolder, ObjectInfo, ObjectListing, RemovedObject, ShmObject,
};
use crate::model::{Action, Outcome, Unreadable};
use crate::units::{self, size_text};
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectColumn {
    Kind,
    Name,
    Inode,
    Owner,
    Group,
    Uid,
    Gid,
    Perms,
    Size,
    Allocated,
    Mtime,
    Status,
    Seals,
    Holders,
    Namespace,
}

impl ObjectColumn {
    pub const POSIX: &'static [ObjectColumn] = &[
        ObjectColumn::Name,
        ObjectColumn::Owner,
        ObjectColumn::Perms,
        ObjectColumn::Size,
        ObjectColumn::Allocated,
        ObjectColumn::Status,
        ObjectColumn::Mtime,
        ObjectColumn::Holders,
    ];

    pub const MEMFD: &'static [ObjectColumn] = &[
        ObjectColumn::Name,
        ObjectColumn::Inode,
        ObjectColumn::Owner,
        ObjectColumn::Size,
        ObjectColumn::Allocated,
        ObjectColumn::Seals,
        ObjectColumn::Holders,
    ];

    pub const BOTH: &'static [ObjectColumn] = &[
        ObjectColumn::Kind,
        ObjectColumn::Name,
        ObjectColumn::Inode,
        ObjectColumn::Owner,
        ObjectColumn::Perms,
        ObjectColumn::Size,
        ObjectColumn::Allocated,
        ObjectColumn::Status,
        ObjectColumn::Seals,
        ObjectColumn::Holders,
    ];

    /// What `--output-all` shows: every column but the namespace (the last, which
    /// `--all-namespaces` adds).
    pub const ALL: &'static [ObjectColumn] = Self::EVERY.split_at(Self::EVERY.len() - 1).0;

    /// Every column, in the order the command line lists them.
    pub const EVERY: &'static [ObjectColumn] = &[
        ObjectColumn::Kind,
        ObjectColumn::Name,
        ObjectColumn::Inode,
        ObjectColumn::Owner,
        ObjectColumn::Group,
        ObjectColumn::Uid,
        ObjectColumn::Gid,
        ObjectColumn::Perms,
        ObjectColumn::Size,
        ObjectColumn::Allocated,
        ObjectColumn::Mtime,
        ObjectColumn::Status,
        ObjectColumn::Seals,
        ObjectColumn::Holders,
        ObjectColumn::Namespace,
    ];

    /// The default columns for the kinds listed.
    pub fn defaults(posix: bool, memfd: bool) -> &'static [ObjectColumn] {
        match (posix, memfd) {
            (true, true) => Self::BOTH,
            (false, true) => Self::MEMFD,
            _ => Self::POSIX,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ObjectColumn::Kind => "kind",
            ObjectColumn::Name => "name",
            ObjectColumn::Inode => "inode",
            ObjectColumn::Owner => "owner",
            ObjectColumn::Group => "group",
            ObjectColumn::Uid => "uid",
            ObjectColumn::Gid => "gid",
            ObjectColumn::Perms => "perms",
            ObjectColumn::Size => "size",
            ObjectColumn::Allocated => "allocated",
            ObjectColumn::Mtime => "mtime",
            ObjectColumn::Status => "status",
            ObjectColumn::Seals => "seals",
            ObjectColumn::Holders => "holders",
            ObjectColumn::Namespace => "namespace",
        }
    }

    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            ObjectColumn::Holders => &["processes", "pids"],
            ObjectColumn::Namespace => &["ns"],
            ObjectColumn::Allocated => &["blocks"],
            _ => &[],
        }
    }

    pub fn help(self) -> Option<&'static str> {
        match self {
            ObjectColumn::Kind => Some("(--posix, --memfd) posix or memfd"),
            ObjectColumn::Name => Some("(--posix, --memfd) /NAME as given to shm_open, memfd:NAME"),
            ObjectColumn::Inode => Some("(--posix, --memfd) the file's inode"),
            ObjectColumn::Allocated => Some(
                "(--posix, --memfd) bytes the object occupies in memory and swap (tmpfs blocks)",
            ),
            ObjectColumn::Mtime => Some("(--posix, --memfd) last modification"),
            ObjectColumn::Seals => Some("(--memfd) the memfd's seals (F_GET_SEALS)"),
            ObjectColumn::Holders => Some(
                "(--posix, --memfd) the processes that map it or hold it open, with their fds and mappings",
            ),
            _ => None,
        }
    }

    pub fn from_name(name: &str) -> Option<ObjectColumn> {
        Self::EVERY
            .iter()
            .copied()
            .find(|c| c.name() == name || c.aliases().contains(&name))
    }

    pub fn heading(self) -> &'static str {
        match self {
            ObjectColumn::Kind => "KIND",
            ObjectColumn::Name => "NAME",
            ObjectColumn::Inode => "INODE",
            ObjectColumn::Owner => "OWNER",
            ObjectColumn::Group => "GROUP",
            ObjectColumn::Uid => "UID",
            ObjectColumn::Gid => "GID",
            ObjectColumn::Perms => "PERMS",
            ObjectColumn::Size => "SIZE",
            ObjectColumn::Allocated => "ALLOCATED",
            ObjectColumn::Mtime => "MODIFIED",
            ObjectColumn::Status => "STATUS",
            ObjectColumn::Seals => "SEALS",
            ObjectColumn::Holders => "HOLDERS",
            ObjectColumn::Namespace => "NAMESPACE",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ObjectColumn::Inode
                | ObjectColumn::Uid
                | ObjectColumn::Gid
                | ObjectColumn::Size
                | ObjectColumn::Allocated
        )
    }

    /// The cell for people: human sizes (unless `view.bytes`), local times, `-` for nothing.
    pub fn cell(self, o: &ShmObject, view: &View, style: &Style) -> String {
        let size = |v: Option<u64>| v.map_or("-".to_string(), |v| size_text(v, view.bytes));
        match self {
            ObjectColumn::Perms if style.numeric_perms => self.raw(o),
            ObjectColumn::Perms => o
                .mode
                .map_or("-".to_string(), |m| units::mode_string(m & 0o777)),
            ObjectColumn::Size => size(o.size),
            ObjectColumn::Allocated => size(o.allocated),
            ObjectColumn::Mtime => units::time_text(o.mtime, view.now, style.time_format),
            ObjectColumn::Holders => joined(o.holders.iter().map(|h| printable(&h.short())), ", "),
            ObjectColumn::Namespace => namespace_cell(o.namespace.as_ref()),
            _ => self.raw(o),
        }
    }

    /// The cell for scripts: exact numbers, Unix seconds, octal perms, `-` for nothing;
    /// control characters in names escaped, so that a row stays one line.
    pub fn raw(self, o: &ShmObject) -> String {
        match self {
            ObjectColumn::Kind => o.kind.name().to_string(),
            ObjectColumn::Name => printable(&o.name),
            ObjectColumn::Inode => o.inode.to_string(),
            ObjectColumn::Owner => or_dash(o.owner.as_deref().map(printable)),
            ObjectColumn::Group => or_dash(o.group.as_deref().map(printable)),
            ObjectColumn::Uid => or_dash(o.uid),
            ObjectColumn::Gid => or_dash(o.gid),
            ObjectColumn::Perms => or_dash(o.perms.as_deref()),
            ObjectColumn::Size => or_dash(o.size),
            ObjectColumn::Allocated => or_dash(o.allocated),
            ObjectColumn::Mtime => or_dash(o.mtime),
            ObjectColumn::Status => joined(&o.status, ","),
            ObjectColumn::Seals => match &o.seals {
                None => "-".to_string(),
                Some(s) if s.is_empty() => "none".to_string(),
                Some(s) => s.join(","),
            },
            ObjectColumn::Holders => joined(o.holders.iter().map(|h| h.pid), ","),
            ObjectColumn::Namespace => namespace_inode(o.namespace.as_ref()),
        }
    }

    /// Order two objects by this column (unknown values first), then by name and inode.
    pub fn compare(self, a: &ShmObject, b: &ShmObject) -> Ordering {
        match self {
            ObjectColumn::Kind => a.kind.cmp(&b.kind),
            ObjectColumn::Name => a.name.cmp(&b.name),
            ObjectColumn::Inode => a.inode.cmp(&b.inode),
            ObjectColumn::Owner => a.owner.cmp(&b.owner),
            ObjectColumn::Group => a.group.cmp(&b.group),
            ObjectColumn::Uid => a.uid.cmp(&b.uid),
            ObjectColumn::Gid => a.gid.cmp(&b.gid),
            ObjectColumn::Perms => a.mode.map(|m| m & 0o777).cmp(&b.mode.map(|m| m & 0o777)),
            ObjectColumn::Size => a.size.cmp(&b.size),
            ObjectColumn::Allocated => a.allocated.cmp(&b.allocated),
            ObjectColumn::Mtime => a.mtime.cmp(&b.mtime),
            ObjectColumn::Status => a.status.cmp(&b.status),
            ObjectColumn::Seals => a.seals.cmp(&b.seals),
            ObjectColumn::Holders => a.holders.len().cmp(&b.holders.len()),
            ObjectColumn::Namespace => a
                .namespace
                .as_ref()
                .map(|n| n.inode)
                .cmp(&b.namespace.as_ref().map(|n| n.inode)),
        }
        .then_with(|| a.name.cmp(&b.name))
        .then(a.inode.cmp(&b.inode))
    }
}

/// Say which processes could not be looked at: for objects, their maps or their fds, and
/// those that may not even be seen.
pub fn unreadable_objects_note(u: &Unreadable) -> String {
    let mut note = Vec::new();
    if !u.pids.is_empty() {
        note.push(unreadable_note(u).replacen("The maps", "The maps or fds", 1));
    }
    if let Some(why) = u.hidden {
        let mut chars = why.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        note.push(format!("{}{}.", first.unwrap_or_default(), chars.as_str()));
    }
    note.join(" ")
}

/// What `--include-unknown` does when processes may be hidden, said where it is refused.
pub const HIDDEN_HINT: &str = "--include-unknown if none of them can reach this /dev/shm";

/// The listing with the columns chosen for it, and the kinds it holds (for OpenMetrics,
/// which declares the families of each kind asked for, even empty).
pub struct Objects<'a> {
    pub listing: &'a ObjectListing,
    pub columns: &'a [ObjectColumn],
    pub kinds: &'a [Kind],
    /// Headings, fitting, time format and perms, as for segments.
    pub look: &'a Look,
}

impl Serialize for Objects<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.listing.serialize(s)
    }
}

impl Objects<'_> {
    fn grid(&self, view: &View, raw: bool) -> Grid {
        let style = &self.look.style;
        Grid {
            headings: self
                .columns
                .iter()
                .map(|c| c.heading().to_string())
                .collect(),
            right: self.columns.iter().map(|c| c.is_numeric()).collect(),
            rows: self
                .listing
                .objects
                .iter()
                .map(|o| {
                    self.columns
                        .iter()
                        .map(|c| {
                            if raw {
                                c.raw(o)
                            } else {
                                c.cell(o, view, style)
                            }
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

impl Render for Objects<'_> {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let table = self
            .grid(view, false)
            .to_table_with(self.look.width(view), self.look.headings);
        out.write_all(table.as_bytes())
    }

    fn raw(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.grid(view, true).write_raw(out)
    }

    /// `NAME="/psm_1" SIZE="4 KiB" …`, as `ls --export` writes segments.
    fn export(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let names: Vec<String> = self
            .columns
            .iter()
            .map(|c| c.name().to_ascii_uppercase())
            .collect();
        self.grid(view, false)
            .write_export(out, &names, self.look.newline)
    }

    fn openmetrics(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(openmetrics::render_objects(&self.listing.objects, self.kinds).as_bytes())
    }
}

/// The holders as a table: pid, command, user, fds, mappings, access.
pub fn holders_grid(holders: &[ObjectHolder]) -> Grid {
    Grid {
        headings: ["PID", "COMMAND", "USER", "FDS", "MAPPINGS", "ACCESS"]
            .map(String::from)
            .to_vec(),
        right: vec![true, false, false, true, true, false],
        rows: holders
            .iter()
            .map(|h| {
                vec![
                    h.pid.to_string(),
                    printable(&h.command),
                    printable(&h.user),
                    h.fds.to_string(),
                    h.mappings.to_string(),
                    if h.readonly {
                        "read-only"
                    } else {
                        "read-write"
                    }
                    .to_string(),
                ]
            })
            .collect(),
    }
}

fn bytes(v: Option<u64>) -> String {
    v.map_or("-".into(), |v| {
        format!("{} ({v} bytes)", units::human_size(v))
    })
}

impl Render for ObjectInfo {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let o = &self.object;
        let status = if o.status.is_empty() {
            "-".to_string()
        } else {
            o.status.join(", ")
        };
        let mut pairs = vec![
            ("name", printable(&o.name)),
            (
                "kind",
                match o.kind {
                    Kind::Posix => "POSIX shared memory (shm_open)",
                    Kind::Memfd => "memfd (memfd_create)",
                }
                .to_string(),
            ),
        ];
        if let Some(path) = &self.path {
            pairs.push(("path", printable(path)));
        }
        pairs.extend([
            ("inode", o.inode.to_string()),
            ("size", bytes(o.size)),
            ("allocated", bytes(o.allocated)),
            (
                "perms",
                match (&o.perms, o.mode) {
                    (Some(p), Some(m)) => format!("{p} ({})", units::mode_string(m & 0o777)),
                    _ => "-".to_string(),
                },
            ),
            (
                "owner",
                match (&o.owner, o.uid, &o.group, o.gid) {
                    (Some(u), Some(uid), Some(g), Some(gid)) => format!(
                        "{} (uid {uid}), group {} (gid {gid})",
                        printable(u),
                        printable(g)
                    ),
                    _ => "-".to_string(),
                },
            ),
            ("modified", units::local_time(o.mtime)),
            ("status", status),
        ]);
        if o.kind == Kind::Memfd {
            pairs.push((
                "seals",
                match &o.seals {
                    None => "unknown (no holder's file could be opened)".to_string(),
                    Some(s) if s.is_empty() => "none".to_string(),
                    Some(s) => s.join(", "),
                },
            ));
        }
        if o.namespace.is_some() {
            pairs.push(("namespace", namespace_cell(o.namespace.as_ref())));
        }
        pairs.push((
            "holders",
            plural(o.holders.len() as u64, "process", "processes"),
        ));
        write_pairs(out, &pairs)?;
        if !o.holders.is_empty() {
            writeln!(out)?;
            holders_grid(&o.holders).write_table(out, view.width)?;
        }
        if !self.unreadable.is_empty() {
            writeln!(out, "\n{}", unreadable_objects_note(&self.unreadable))?;
        }
        let allocated = o.allocated.map(units::human_size);
        if o.is_deleted() {
            writeln!(
                out,
                "\nUnlinked: no name reaches it any more; its memory{} is freed when the last of {} lets go.",
                allocated.map(|a| format!(" ({a})")).unwrap_or_default(),
                plural(o.holders.len() as u64, "process", "processes")
            )?;
        } else if o.is_unheld() {
            writeln!(
                out,
                "\nNo process maps it or holds it open: removing it frees {}.",
                allocated.unwrap_or_else(|| "its memory".to_string())
            )?;
        }
        if self.others > 0 {
            writeln!(
                out,
                "\n{} more unlinked {} of this name still held: see ls --posix.",
                self.others,
                if self.others == 1 {
                    "object"
                } else {
                    "objects"
                }
            )?;
        }
        Ok(())
    }
}

impl Render for CreatedObject {
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "created POSIX object {} ({}), {} ({} bytes), perms {:o} ({})",
            printable(&self.name),
            printable(&self.path),
            units::human_size(self.size),
            self.size,
            self.mode,
            units::mode_string(self.mode)
        )
    }

    fn raw(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", printable(&self.name))
    }
}

/// The sentence `rm` says for a POSIX object.
pub fn describe_removal(o: &Outcome, r: &RemovedObject) -> String {
    let size = o.size.map(units::human_size).unwrap_or_default();
    let what = format!(
        "POSIX object {} ({size}, {} allocated)",
        printable(&r.name),
        units::human_size(r.allocated)
    );
    let held = || {
        let shown: Vec<String> = r
            .holders
            .iter()
            .take(5)
            .map(|h| format!("{} {}", h.pid, printable(&h.command)))
            .collect();
        let more = if r.holders.len() > 5 { ", ..." } else { "" };
        format!(
            "{} ({}{more})",
            plural(r.holders.len() as u64, "process", "processes"),
            shown.join(", ")
        )
    };
    // Unlinked but not known to be freed, with no holder seen: some process could not be
    // read.
    let unknown = "no holder seen, but some processes could not be seen or read: freed when the last process that may hold it lets go";
    match o.action {
        Action::Removed => format!("removed {what}"),
        Action::WouldRemove => format!("would remove {what}"),
        Action::Marked if r.holders.is_empty() => format!("unlinked {what}: {unknown}"),
        Action::WouldMark if r.holders.is_empty() => format!("would unlink {what}: {unknown}"),
        Action::Marked => format!(
            "unlinked {what}: still held by {}, freed when the last one lets go",
            held()
        ),
        Action::WouldMark => format!(
            "would unlink {what}: held by {}, freed when the last one lets go",
            held()
        ),
        Action::WouldFail => format!(
            "would fail: {what}: {}",
            o.error.as_deref().unwrap_or("permission denied")
        ),
        Action::Failed => o.error.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Namespace;
    use crate::model::posix::{DELETED, UNHELD};
    use crate::render::column_names::ColumnName;
    use crate::render::columns::Column;
    use crate::render::fixtures::{NOW, object, object_holder as holder};
    use crate::render::{Format, to_string};

    fn listing() -> ObjectListing {
        let mut held = object(Kind::Posix, "/psm_1f2e", 207, 10000);
        held.holders = vec![holder(42, "python3", 2, 1), holder(43, "reader", 0, 1)];
        held.holders[1].readonly = true;
        let mut gone = object(Kind::Posix, "/gone\nname", 208, 4096);
        gone.status = vec![DELETED];
        gone.holders = vec![holder(44, "app", 0, 1)];
        let mut idle = object(Kind::Posix, "/idle", 209, 1 << 20);
        idle.allocated = Some(0);
        idle.status = vec![UNHELD];
        let mut memfd = object(Kind::Memfd, "memfd:wayland-shm", 524232, 8192);
        memfd.seals = Some(vec!["shrink", "grow"]);
        memfd.holders = vec![holder(45, "weston", 1, 0)];
        memfd.perms = Some("777".into());
        memfd.mode = Some(0o100777);
        ObjectListing {
            objects: vec![held, gone, idle, memfd],
            unreadable: Default::default(),
        }
    }

    #[test]
    fn the_table_shows_names_sizes_status_and_holders() {
        let l = listing();
        let objects = Objects {
            listing: &l,
            columns: ObjectColumn::BOTH,
            kinds: &[Kind::Posix, Kind::Memfd],
            look: &Look::default(),
        };
        let text = to_string(Format::Table, &objects, &View::at(NOW));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.len(),
            5,
            "one line per object, the newline escaped:\n{text}"
        );
        assert!(lines[0].starts_with("KIND   NAME"), "{text}");
        assert!(
            lines[1].contains("/psm_1f2e")
                && lines[1].contains("9.8 KiB")
                && lines[1].ends_with("42 python3 (2 fds, map), 43 reader (map, ro)"),
            "{text}"
        );
        assert!(lines[2].contains("/gone\\x0aname") && lines[2].contains("deleted"));
        assert!(lines[3].contains("unheld") && lines[3].contains("1 MiB"));
        assert!(lines[4].starts_with("memfd") && lines[4].contains("shrink,grow"));
    }

    #[test]
    fn raw_rows_are_exact_and_json_is_the_listing() {
        let l = listing();
        let columns = [
            ObjectColumn::Name,
            ObjectColumn::Size,
            ObjectColumn::Allocated,
            ObjectColumn::Mtime,
            ObjectColumn::Holders,
        ];
        let objects = Objects {
            listing: &l,
            columns: &columns,
            kinds: &[Kind::Posix],
            look: &Look::default(),
        };
        let raw = to_string(Format::Raw, &objects, &View::at(NOW));
        assert_eq!(
            raw.lines().next(),
            Some(format!("/psm_1f2e\t10000\t12288\t{}\t42,43", NOW - 60).as_str())
        );
        assert_eq!(raw.lines().count(), 4);
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &objects, &View::at(NOW))).unwrap();
        let first = &json["objects"][0];
        assert_eq!(first["kind"], "posix");
        assert_eq!(first["holders"][1]["readonly"], true);
        assert_eq!(first["holders"][0]["command"], "python3");
        assert_eq!(first["seals"], serde_json::Value::Null);
        assert_eq!(json["objects"][1]["name"], "/gone\nname");
        assert_eq!(
            json["objects"][3]["seals"],
            serde_json::json!(["shrink", "grow"])
        );
        assert!(first.get("mode").is_none() && first.get("namespace").is_none());
    }

    /// lsipc's options apply to objects as to segments; `--export` is safe to `eval`
    /// whatever a file is called.
    #[test]
    fn lsipc_options_shape_objects_too() {
        let mut l = listing();
        l.objects[0].name = "/x$(touch pwned)`id`\"".into();
        let columns = [ObjectColumn::Name, ObjectColumn::Perms, ObjectColumn::Mtime];
        let look = Look {
            style: Style {
                time_format: units::TimeFormat::Iso,
                numeric_perms: true,
            },
            headings: false,
            fit: true,
            kept: 0,
            newline: false,
        };
        let objects = Objects {
            listing: &l,
            columns: &columns,
            kinds: &[Kind::Posix],
            look: &look,
        };
        let text = to_string(Format::Table, &objects, &View::at(NOW));
        assert!(!text.contains("NAME"), "no headings:\n{text}");
        let first = text.lines().next().unwrap();
        assert!(first.contains("  600  "), "numeric perms: {first}");
        assert!(
            first.contains('T') && first.contains(':'),
            "ISO time: {first}"
        );
        let export = to_string(Format::Export, &objects, &View::at(NOW));
        let first = export.lines().next().unwrap();
        assert!(
            first.starts_with(
                "NAME=\"/x\\x24(touch pwned)\\x60id\\x60\\x22\" PERMS=\"600\" MTIME=\""
            ),
            "{first}"
        );
        assert_eq!(export.lines().count(), l.objects.len());
        let newline = Look {
            newline: true,
            ..look
        };
        let objects = Objects {
            look: &newline,
            ..objects
        };
        let pairs = to_string(Format::Export, &objects, &View::at(NOW));
        assert_eq!(pairs.lines().count(), 3 * l.objects.len());
    }

    #[test]
    fn sorting_by_a_column_then_by_name() {
        let mut l = listing();
        l.objects
            .sort_by(|a, b| ObjectColumn::Size.compare(a, b).reverse());
        assert_eq!(l.objects[0].name, "/idle");
        l.objects
            .sort_by(|a, b| ObjectColumn::Holders.compare(a, b));
        assert_eq!(l.objects[0].name, "/idle");
        assert_eq!(l.objects[3].name, "/psm_1f2e");
    }

    #[test]
    fn column_names_of_both_kinds_resolve_once() {
        let all = ColumnName::every();
        for (i, c) in all.iter().enumerate() {
            assert!(
                !all[..i].iter().any(|o| o.name == c.name),
                "{} twice",
                c.name
            );
            assert!(c.segment.is_some() || c.object.is_some());
        }
        let size = ColumnName::from_name("size").unwrap();
        assert_eq!(
            (size.segment, size.object),
            (Some(Column::Size), Some(ObjectColumn::Size))
        );
        let name = ColumnName::from_name("name").unwrap();
        assert_eq!(
            (name.segment, name.object),
            (None, Some(ObjectColumn::Name))
        );
        let pids = ColumnName::from_name("pids").unwrap();
        assert_eq!(
            (pids.segment, pids.object),
            (Some(Column::Processes), Some(ObjectColumn::Holders))
        );
        assert!(pids.alias);
        for c in ObjectColumn::EVERY {
            assert_eq!(ObjectColumn::from_name(c.name()), Some(*c));
        }
    }

    #[test]
    fn info_says_what_it_is_and_what_removing_it_does() {
        let l = listing();
        let mut held = l.objects[1].clone();
        held.namespace = Some(Namespace {
            inode: 4026532178,
            pid: Some(7),
            comm: Some("sleep".into()),
        });
        let info = ObjectInfo {
            object: held,
            path: None,
            unreadable_processes: 0,
            unreadable: Default::default(),
            others: 1,
        };
        let text = to_string(Format::Table, &info, &View::at(NOW));
        for line in [
            "name       /gone\\x0aname",
            "status     deleted",
            "allocated  4 KiB (4096 bytes)",
            "namespace  4026532178 (7 sleep)",
            "holders    1 process",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
        }
        assert!(
            text.contains("is freed when the last of 1 process lets go"),
            "{text}"
        );
        assert!(
            text.contains("1 more unlinked object of this name"),
            "{text}"
        );
        let idle = ObjectInfo {
            object: l.objects[2].clone(),
            path: Some("/dev/shm/idle".into()),
            unreadable_processes: 0,
            unreadable: Default::default(),
            others: 0,
        };
        let text = to_string(Format::Table, &idle, &View::at(NOW));
        assert!(text.contains("path       /dev/shm/idle"), "{text}");
        assert!(text.ends_with("removing it frees 0 B.\n"), "{text}");
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &idle, &View::at(NOW))).unwrap();
        assert_eq!(json["path"], "/dev/shm/idle");
        assert_eq!(json["unreadable_processes"], 0);
        assert_eq!(json["name"], "/idle");
        let memfd = ObjectInfo {
            object: l.objects[3].clone(),
            path: None,
            unreadable_processes: 0,
            unreadable: Default::default(),
            others: 0,
        };
        let text = to_string(Format::Table, &memfd, &View::at(NOW));
        assert!(text.contains("seals      shrink, grow"), "{text}");
        assert!(text.contains("45  weston"), "{text}");
    }

    #[test]
    fn created_and_removed_sentences() {
        let c = CreatedObject {
            name: "/app".into(),
            path: "/dev/shm/app".into(),
            inode: 9,
            size: 65536,
            perms: "640".into(),
            mode: 0o640,
        };
        assert_eq!(
            to_string(Format::Table, &c, &View::at(0)),
            "created POSIX object /app (/dev/shm/app), 64 KiB (65536 bytes), perms 640 (rw-r-----)\n"
        );
        assert_eq!(to_string(Format::Raw, &c, &View::at(0)), "/app\n");
        let r = RemovedObject {
            name: "/app".into(),
            inode: 9,
            allocated: 8192,
            holders: vec![holder(42, "python3", 2, 1)],
        };
        let o = Outcome {
            target: "/app".into(),
            shmid: None,
            key: None,
            size: Some(65536),
            nattch: None,
            action: Action::Marked,
            error: None,
            object: Some(r.clone()),
        };
        assert_eq!(
            describe_removal(&o, &r),
            "unlinked POSIX object /app (64 KiB, 8 KiB allocated): still held by 1 process (42 python3), freed when the last one lets go"
        );
        let unknown = RemovedObject {
            holders: Vec::new(),
            ..r.clone()
        };
        assert_eq!(
            describe_removal(&o, &unknown),
            "unlinked POSIX object /app (64 KiB, 8 KiB allocated): no holder seen, but some processes could not be seen or read: freed when the last process that may hold it lets go"
        );
        let dry = Outcome {
            action: Action::WouldRemove,
            ..o
        };
        assert_eq!(
            describe_removal(&dry, &r),
            "would remove POSIX object /app (64 KiB, 8 KiB allocated)"
        );
    }

    #[test]
    fn hidden_processes_are_said_after_unreadable_ones() {
        let hidden = Unreadable {
            hidden: Some("processes outside this PID namespace cannot be seen from here"),
            ..Default::default()
        };
        assert_eq!(
            unreadable_objects_note(&hidden),
            "Processes outside this PID namespace cannot be seen from here."
        );
        let both = Unreadable {
            pids: vec![7],
            as_root: true,
            ..hidden
        };
        let note = unreadable_objects_note(&both);
        assert!(
            note.starts_with("The maps or fds of 1 process could not be read (pid 7)")
                && note
                    .ends_with(" Processes outside this PID namespace cannot be seen from here."),
            "{note}"
        );
    }
}
