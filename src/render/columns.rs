//! The columns `ls` can show, how each is printed for people and for scripts, and how
//! each sorts.

use crate::model::Segment;
use crate::units;
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Column {
    Key,
    #[value(alias = "id")]
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
    /// The processes that map it (gathered with --pids).
    #[value(alias = "pids")]
    Processes,
    /// Its IPC namespace (with --all-namespaces).
    #[value(alias = "ns")]
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

    /// The cell for people: human sizes (unless `bytes`), local times, `-` for nothing.
    pub fn cell(self, s: &Segment, bytes: bool) -> String {
        let size =
            |v: Option<u64>| v.map_or("-".to_string(), |v| crate::model::size_text(v, bytes));
        match self {
            Column::Perms => units::mode_string(s.mode & 0o777),
            Column::Size => crate::model::size_text(s.size, bytes),
            Column::Atime => units::short_time(s.atime),
            Column::Dtime => units::short_time(s.dtime),
            Column::Ctime => units::short_time(s.ctime),
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
            Column::Namespace => match &s.namespace {
                Some(ns) => match (ns.pid, &ns.comm) {
                    (Some(pid), Some(comm)) => format!("{} ({pid} {comm})", ns.inode),
                    _ => ns.inode.to_string(),
                },
                None => "-".to_string(),
            },
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
