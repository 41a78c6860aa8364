//! The columns `ls` can show, how each is printed for people and for scripts, and how
//! each sorts.

use super::View;
use crate::model::{Namespace, Segment};
use crate::units::{self, size_text};
use std::cmp::Ordering;

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
    Cgid,
    Cpid,
    Lpid,
    Atime,
    Dtime,
    Ctime,
    Rss,
    Swap,
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

    pub const ALL: &'static [Column] = &[
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
        Column::Cgid,
        Column::Cpid,
        Column::Lpid,
        Column::Atime,
        Column::Dtime,
        Column::Ctime,
        Column::Rss,
        Column::Swap,
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
        Column::Cgid,
        Column::Cpid,
        Column::Lpid,
        Column::Atime,
        Column::Dtime,
        Column::Ctime,
        Column::Rss,
        Column::Swap,
        Column::Processes,
        Column::Namespace,
    ];

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
            Column::Cgid => "cgid",
            Column::Cpid => "cpid",
            Column::Lpid => "lpid",
            Column::Atime => "atime",
            Column::Dtime => "dtime",
            Column::Ctime => "ctime",
            Column::Rss => "rss",
            Column::Swap => "swap",
            Column::Processes => "processes",
            Column::Namespace => "namespace",
        }
    }

    /// Other names it answers to.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Shmid => &["id"],
            Column::Processes => &["pids"],
            Column::Namespace => &["ns"],
            _ => &[],
        }
    }

    /// What it shows, where the heading alone does not say.
    pub fn help(self) -> Option<&'static str> {
        match self {
            Column::Processes => Some("The processes that map it (gathered with --pids)"),
            Column::Namespace => Some("Its IPC namespace (with --all-namespaces)"),
            _ => None,
        }
    }

    /// The column a name or alias stands for.
    pub fn from_name(name: &str) -> Option<Column> {
        Column::EVERY
            .iter()
            .copied()
            .find(|c| c.name() == name || c.aliases().contains(&name))
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
            Column::Cgid => "CGID",
            Column::Cpid => "CPID",
            Column::Lpid => "LPID",
            Column::Atime => "ATTACHED",
            Column::Dtime => "DETACHED",
            Column::Ctime => "CHANGED",
            Column::Rss => "RSS",
            Column::Swap => "SWAP",
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
    pub fn cell(self, s: &Segment, view: &View) -> String {
        let size = |v: Option<u64>| v.map_or("-".to_string(), |v| size_text(v, view.bytes));
        match self {
            Column::Perms => units::mode_string(s.mode & 0o777),
            Column::Size => size_text(s.size, view.bytes),
            Column::Atime => units::short_time(s.atime, view.now),
            Column::Dtime => units::short_time(s.dtime, view.now),
            Column::Ctime => units::short_time(s.ctime, view.now),
            Column::Rss => size(s.rss),
            Column::Swap => size(s.swap),
            Column::Processes => match s.attached.as_deref() {
                Some([]) | None => "-".to_string(),
                Some(holders) => holders
                    .iter()
                    .map(|h| h.short())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            Column::Namespace => namespace_cell(s.namespace.as_ref()),
            _ => self.raw(s),
        }
    }

    /// The cell for scripts: exact numbers, Unix seconds, octal perms, `-` for nothing.
    pub fn raw(self, s: &Segment) -> String {
        let opt = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
        let optu = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
        match self {
            Column::Key => s.key_hex.clone(),
            Column::Shmid => s.shmid.to_string(),
            Column::Owner => s.owner.clone(),
            Column::Group => s.group.clone(),
            Column::Uid => s.uid.to_string(),
            Column::Gid => s.gid.to_string(),
            Column::Perms => s.perms.clone(),
            Column::Size => s.size.to_string(),
            Column::Nattch => s.nattch.to_string(),
            Column::Status => {
                if s.status.is_empty() {
                    "-".to_string()
                } else {
                    s.status.join(",")
                }
            }
            Column::Cuid => s.cuid.to_string(),
            Column::Cgid => s.cgid.to_string(),
            Column::Cpid => s.cpid.to_string(),
            Column::Lpid => s.lpid.to_string(),
            Column::Atime => opt(s.atime),
            Column::Dtime => opt(s.dtime),
            Column::Ctime => opt(s.ctime),
            Column::Rss => optu(s.rss),
            Column::Swap => optu(s.swap),
            Column::Processes => match s.attached.as_deref() {
                Some([]) | None => "-".to_string(),
                Some(holders) => holders
                    .iter()
                    .map(|h| h.pid.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            },
            Column::Namespace => s
                .namespace
                .as_ref()
                .map_or("-".to_string(), |n| n.inode.to_string()),
        }
    }

    /// Order two segments by this column (numbers as numbers, times with never first).
    pub fn compare(self, a: &Segment, b: &Segment) -> Ordering {
        match self {
            Column::Key => a.key.cmp(&b.key),
            Column::Shmid => a.shmid.cmp(&b.shmid),
            Column::Owner => a.owner.cmp(&b.owner),
            Column::Group => a.group.cmp(&b.group),
            Column::Uid => a.uid.cmp(&b.uid),
            Column::Gid => a.gid.cmp(&b.gid),
            Column::Perms => a.mode.cmp(&b.mode),
            Column::Size => a.size.cmp(&b.size),
            Column::Nattch => a.nattch.cmp(&b.nattch),
            Column::Status => a.status.cmp(&b.status),
            Column::Cuid => a.cuid.cmp(&b.cuid),
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

/// A namespace for people: `4026532178 (4242 sleep)`, its inode and one process in it.
pub fn namespace_cell(namespace: Option<&Namespace>) -> String {
    match namespace {
        Some(ns) => match (ns.pid, &ns.comm) {
            (Some(pid), Some(comm)) => format!("{} ({pid} {comm})", ns.inode),
            _ => ns.inode.to_string(),
        },
        None => "-".to_string(),
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
        assert!(
            Column::ALL
                .iter()
                .chain(Column::DEFAULT)
                .all(|c| Column::EVERY.contains(c))
        );
    }
}
