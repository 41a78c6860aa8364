//! The columns `ls` can show, how each is printed for people and for scripts, and how
//! each sorts.

use super::View;
use super::cell::{joined, namespace_cell, namespace_inode, or_dash, printable};
use super::table::Fit;
use crate::model::Segment;
use crate::units::{self, TimeFormat, size_text};
use std::cmp::Ordering;

/// How cells are written for people, besides the [`View`] (lsipc's `--time-format` and
/// `--numeric-perms`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub time_format: TimeFormat,
    /// Permission bits in octal (`640`) instead of `rw-r-----`.
    pub numeric_perms: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Key,
    Shmid,
    Owner,
    Group,
    Uid,
    Gid,
    Perms,
    Size,
    Nattch,
    Status,
    Cuid,
    Cuser,
    Cgid,
    Cgroup,
    Cpid,
    Lpid,
    Atime,
    Dtime,
    Ctime,
    Rss,
    Swap,
    Command,
    App,
    Processes,
    Namespace,
}

impl Column {
    pub const DEFAULT: &'static [Column] = &[
        Column::Key,
        Column::Shmid,
        Column::Owner,
        Column::Perms,
        Column::Size,
        Column::Nattch,
        Column::Status,
        Column::Cpid,
        Column::Lpid,
        Column::Ctime,
        Column::Rss,
    ];

    /// `--output-all`: every column that needs no gathering beyond /proc's table (all but
    /// the last three of [`Column::EVERY`]: app, processes and namespace).
    pub const ALL: &'static [Column] = Self::EVERY.split_at(Self::EVERY.len() - 3).0;

    /// `--creator`: who made it and who owns it (ipcs -m -c, with the creator's command).
    pub const CREATOR: &'static [Column] = &[
        Column::Key,
        Column::Shmid,
        Column::Perms,
        Column::Cuser,
        Column::Cgroup,
        Column::Owner,
        Column::Group,
        Column::Cpid,
        Column::Command,
    ];

    /// `--time`: attach, detach and change times (ipcs -m -t).
    pub const TIME: &'static [Column] = &[
        Column::Key,
        Column::Shmid,
        Column::Owner,
        Column::Atime,
        Column::Dtime,
        Column::Ctime,
    ];

    /// Every column, in the order the command line lists them.
    pub const EVERY: &'static [Column] = &[
        Column::Key,
        Column::Shmid,
        Column::Owner,
        Column::Group,
        Column::Uid,
        Column::Gid,
        Column::Perms,
        Column::Size,
        Column::Nattch,
        Column::Status,
        Column::Cuid,
        Column::Cuser,
        Column::Cgid,
        Column::Cgroup,
        Column::Cpid,
        Column::Lpid,
        Column::Atime,
        Column::Dtime,
        Column::Ctime,
        Column::Rss,
        Column::Swap,
        Column::Command,
        Column::App,
        Column::Processes,
        Column::Namespace,
    ];

    /// How the column gives way on a narrow terminal: what `ipcs -m` shows (key, id,
    /// owner, perms, size, nattch, status) stays longest; the key and the id never go;
    /// free text is cut before what ipcs shows is left out.
    pub fn fit(self) -> Fit {
        let drop = |rank| Fit {
            drop: Some(rank),
            shrink: None,
        };
        match self {
            Column::Key | Column::Shmid => Fit::default(),
            Column::Lpid => drop(95),
            Column::Dtime => drop(93),
            Column::Atime => drop(92),
            Column::Swap => drop(90),
            Column::Cgid => drop(88),
            Column::Cuid => drop(87),
            Column::Gid => drop(86),
            Column::Uid => drop(85),
            Column::Cgroup => drop(84),
            Column::Group => drop(83),
            Column::Cuser => drop(82),
            Column::Ctime => drop(80),
            Column::Rss => drop(75),
            Column::Cpid => drop(70),
            Column::App => Fit {
                drop: Some(55),
                shrink: Some(65),
            },
            Column::Command => Fit {
                drop: Some(50),
                shrink: Some(65),
            },
            Column::Status => drop(45),
            // Asked for (-A, --ns): cut to its inode before it goes.
            Column::Namespace => Fit {
                drop: Some(28),
                shrink: Some(65),
            },
            Column::Processes => Fit {
                drop: Some(35),
                shrink: Some(65),
            },
            Column::Nattch => drop(30),
            Column::Perms => drop(25),
            Column::Size => drop(20),
            Column::Owner => drop(15),
        }
    }

    /// The name `-o` and `--sort` take.
    pub fn name(self) -> &'static str {
        match self {
            Column::Key => "key",
            Column::Shmid => "shmid",
            Column::Owner => "owner",
            Column::Group => "group",
            Column::Uid => "uid",
            Column::Gid => "gid",
            Column::Perms => "perms",
            Column::Size => "size",
            Column::Nattch => "nattch",
            Column::Status => "status",
            Column::Cuid => "cuid",
            Column::Cuser => "cuser",
            Column::Cgid => "cgid",
            Column::Cgroup => "cgroup",
            Column::Cpid => "cpid",
            Column::Lpid => "lpid",
            Column::Atime => "atime",
            Column::Dtime => "dtime",
            Column::Ctime => "ctime",
            Column::Rss => "rss",
            Column::Swap => "swap",
            Column::Command => "command",
            Column::App => "app",
            Column::Processes => "processes",
            Column::Namespace => "namespace",
        }
    }

    /// Other names it answers to: lsipc's column names among them (ID, USER, ATTACH,
    /// DETACH), so that `-o KEY,ID,SIZE` means what it means to lsipc.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Shmid => &["id"],
            Column::Owner => &["user"],
            Column::Atime => &["attach"],
            Column::Dtime => &["detach"],
            Column::Processes => &["pids"],
            Column::Namespace => &["ns"],
            _ => &[],
        }
    }

    /// What it shows.
    pub fn help(self) -> &'static str {
        match self {
            Column::Key => "The key (0x followed by 8 hex digits)",
            Column::Shmid => "The segment's id",
            Column::Owner => "The owner's name (its uid when it has none)",
            Column::Group => "The owner's group (its gid when it has none)",
            Column::Uid => "The owner's uid",
            Column::Gid => "The owner's gid",
            Column::Perms => "Permission bits",
            Column::Size => "Size",
            Column::Nattch => "Number of attachments",
            Column::Status => "dest (marked for destruction), locked, hugetlb",
            Column::Cuid => "The creator's uid",
            Column::Cuser => "The creator's name (its uid when it has none)",
            Column::Cgid => "The creator's gid",
            Column::Cgroup => "The creator's group (its gid when it has none)",
            Column::Cpid => "The creating process's pid",
            Column::Lpid => "The pid of the last shmat or shmdt",
            Column::Atime => "Time of the last attach",
            Column::Dtime => "Time of the last detach",
            Column::Ctime => "Time of the last change",
            Column::Rss => "Resident in memory",
            Column::Swap => "In swap",
            Column::Command => "The creator's command line, while it runs",
            Column::App => "The application it belongs to (gathered with --app)",
            Column::Processes => "The processes that map it (gathered with --pids)",
            Column::Namespace => "Its IPC namespace (with --all-namespaces or --ns)",
        }
    }

    /// The column a name or alias stands for, in any case (`KEY` as lsipc writes it).
    pub fn from_name(name: &str) -> Option<Column> {
        let name = name.to_ascii_lowercase();
        Column::EVERY
            .iter()
            .copied()
            .find(|c| c.name() == name || c.aliases().contains(&name.as_str()))
    }

    /// The name `--export` gives it: `KEY`, `SHMID`, …
    pub fn export_name(self) -> String {
        self.name().to_ascii_uppercase()
    }

    pub fn heading(self) -> &'static str {
        match self {
            Column::Key => "KEY",
            Column::Shmid => "SHMID",
            Column::Owner => "OWNER",
            Column::Group => "GROUP",
            Column::Uid => "UID",
            Column::Gid => "GID",
            Column::Perms => "PERMS",
            Column::Size => "SIZE",
            Column::Nattch => "NATTCH",
            Column::Status => "STATUS",
            Column::Cuid => "CUID",
            Column::Cuser => "CUSER",
            Column::Cgid => "CGID",
            Column::Cgroup => "CGROUP",
            Column::Cpid => "CPID",
            Column::Lpid => "LPID",
            Column::Atime => "ATTACHED",
            Column::Dtime => "DETACHED",
            Column::Ctime => "CHANGED",
            Column::Rss => "RSS",
            Column::Swap => "SWAP",
            Column::Command => "COMMAND",
            Column::App => "APP",
            Column::Processes => "PROCESSES",
            Column::Namespace => "NAMESPACE",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Column::Shmid
                | Column::Uid
                | Column::Gid
                | Column::Size
                | Column::Nattch
                | Column::Cuid
                | Column::Cgid
                | Column::Cpid
                | Column::Lpid
                | Column::Rss
                | Column::Swap
        )
    }

    /// The cell for people: human sizes (unless `view.bytes`), local times, `-` for nothing.
    pub fn cell(self, s: &Segment, view: &View, style: &Style) -> String {
        let size = |v: Option<u64>| v.map_or("-".to_string(), |v| size_text(v, view.bytes));
        let time = |t: Option<i64>| units::time_text(t, view.now, style.time_format);
        match self {
            Column::Perms if style.numeric_perms => s.perms.clone(),
            Column::Perms => units::mode_string(s.mode & 0o777),
            Column::Size => size_text(s.size, view.bytes),
            Column::Atime => time(s.atime),
            Column::Dtime => time(s.dtime),
            Column::Ctime => time(s.ctime),
            Column::Rss => size(s.rss),
            Column::Swap => size(s.swap),
            Column::Processes => joined(
                s.attached.iter().flatten().map(|h| printable(&h.short())),
                ", ",
            ),
            Column::Namespace => namespace_cell(s.namespace.as_ref()),
            _ => self.raw(s),
        }
    }

    /// The cell for scripts: exact numbers, Unix seconds, octal perms, `-` for nothing.
    pub fn raw(self, s: &Segment) -> String {
        let name = |name: &Option<String>, id: u32| name.clone().unwrap_or_else(|| id.to_string());
        match self {
            Column::Key => s.key_hex.clone(),
            Column::Shmid => s.shmid.to_string(),
            Column::Owner => s.owner.clone(),
            Column::Group => name(&s.group, s.gid),
            Column::Uid => s.uid.to_string(),
            Column::Gid => s.gid.to_string(),
            Column::Perms => s.perms.clone(),
            Column::Size => s.size.to_string(),
            Column::Nattch => s.nattch.to_string(),
            Column::Status => joined(&s.status, ","),
            Column::Cuid => s.cuid.to_string(),
            Column::Cuser => name(&s.cuser, s.cuid),
            Column::Cgid => s.cgid.to_string(),
            Column::Cgroup => name(&s.cgroup, s.cgid),
            Column::Cpid => s.cpid.to_string(),
            Column::Lpid => s.lpid.to_string(),
            Column::Atime => or_dash(s.atime),
            Column::Dtime => or_dash(s.dtime),
            Column::Ctime => or_dash(s.ctime),
            Column::Rss => or_dash(s.rss),
            Column::Swap => or_dash(s.swap),
            Column::Command => s.command.as_deref().map_or("-".into(), printable),
            Column::App => match &s.app {
                Some(Some(app)) => printable(&app.text()),
                _ => "-".to_string(),
            },
            Column::Processes => joined(s.attached.iter().flatten().map(|h| h.pid), ","),
            Column::Namespace => namespace_inode(s.namespace.as_ref()),
        }
    }

    /// Order two segments by this column (numbers as numbers, times with never first).
    pub fn compare(self, a: &Segment, b: &Segment) -> Ordering {
        match self {
            Column::Key => a.key.cmp(&b.key),
            Column::Shmid => a.shmid.cmp(&b.shmid),
            Column::Owner => a.owner.cmp(&b.owner),
            Column::Group => self.raw(a).cmp(&self.raw(b)),
            Column::Uid => a.uid.cmp(&b.uid),
            Column::Gid => a.gid.cmp(&b.gid),
            Column::Perms => a.mode.cmp(&b.mode),
            Column::Size => a.size.cmp(&b.size),
            Column::Nattch => a.nattch.cmp(&b.nattch),
            Column::Status => a.status.cmp(&b.status),
            Column::Cuid => a.cuid.cmp(&b.cuid),
            Column::Cuser | Column::Cgroup | Column::Command | Column::App => {
                self.raw(a).cmp(&self.raw(b))
            }
            Column::Cgid => a.cgid.cmp(&b.cgid),
            Column::Cpid => a.cpid.cmp(&b.cpid),
            Column::Lpid => a.lpid.cmp(&b.lpid),
            Column::Atime => a.atime.cmp(&b.atime),
            Column::Dtime => a.dtime.cmp(&b.dtime),
            Column::Ctime => a.ctime.cmp(&b.ctime),
            Column::Rss => a.rss.cmp(&b.rss),
            Column::Swap => a.swap.cmp(&b.swap),
            Column::Processes => a
                .attached
                .as_ref()
                .map(Vec::len)
                .cmp(&b.attached.as_ref().map(Vec::len)),
            Column::Namespace => a
                .namespace
                .as_ref()
                .map(|n| n.inode)
                .cmp(&b.namespace.as_ref().map(|n| n.inode)),
        }
        .then(a.shmid.cmp(&b.shmid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_named_once_and_found_by_its_names() {
        for (i, c) in Column::EVERY.iter().enumerate() {
            assert_eq!(Column::from_name(c.name()), Some(*c));
            for alias in c.aliases() {
                assert_eq!(Column::from_name(alias), Some(*c));
            }
            assert!(!Column::EVERY[..i].contains(c), "{c:?} twice");
        }
        assert_eq!(Column::from_name("id"), Some(Column::Shmid));
        assert_eq!(Column::from_name("bogus"), None);
        // lsipc's names, in lsipc's case.
        for (lsipc, ours) in [
            ("KEY", Column::Key),
            ("ID", Column::Shmid),
            ("OWNER", Column::Owner),
            ("PERMS", Column::Perms),
            ("CUID", Column::Cuid),
            ("CUSER", Column::Cuser),
            ("CGID", Column::Cgid),
            ("CGROUP", Column::Cgroup),
            ("UID", Column::Uid),
            ("USER", Column::Owner),
            ("GID", Column::Gid),
            ("GROUP", Column::Group),
            ("CTIME", Column::Ctime),
            ("SIZE", Column::Size),
            ("NATTCH", Column::Nattch),
            ("STATUS", Column::Status),
            ("ATTACH", Column::Atime),
            ("DETACH", Column::Dtime),
            ("COMMAND", Column::Command),
            ("CPID", Column::Cpid),
            ("LPID", Column::Lpid),
        ] {
            assert_eq!(Column::from_name(lsipc), Some(ours), "{lsipc}");
        }
        assert!(
            Column::ALL
                .iter()
                .chain(Column::DEFAULT)
                .chain(Column::CREATOR)
                .chain(Column::TIME)
                .all(|c| Column::EVERY.contains(c))
        );
        // --output-all leaves out just the columns that need more than /proc's table.
        let left_out: Vec<_> = Column::EVERY
            .iter()
            .filter(|c| !Column::ALL.contains(c))
            .collect();
        assert_eq!(
            left_out,
            [&Column::App, &Column::Processes, &Column::Namespace]
        );
    }
}
