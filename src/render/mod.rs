//! Rendering: pure functions from model data to text. Nothing here reads the kernel, /proc,
//! the clock or the terminal: what a renderer needs beyond its data comes in a [`View`].
//!
//! Every result a command shows implements [`Render`]; [`render`] is the one place that
//! picks table, JSON, raw or OpenMetrics for it.

pub mod attach;
pub mod bench;
pub mod cell;
pub mod chart;
pub mod column_names;
pub mod columns;
pub mod create;
pub mod info;
pub mod json;
pub mod limits;
pub mod ls;
pub mod openmetrics;
pub mod posix;
pub mod repair;
pub mod ring;
pub mod rm;
pub mod set;
pub mod status;
pub mod table;
pub mod watch;

use serde::Serialize;
use std::io::{self, Write};

/// How results are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// For people: tables and `name  value` lines.
    #[default]
    Table,
    /// One JSON document with the stable field names of the man pages.
    Json,
    /// For scripts: tab-separated rows, exact numbers, Unix times (or the bare value).
    Raw,
    /// The OpenMetrics text exposition.
    OpenMetrics,
    /// `NAME="value"` pairs, as lsipc's `--export` (raw where a result has no such form).
    Export,
}

/// What a renderer may know besides its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    /// Sizes in bytes instead of KiB, MiB, …
    pub bytes: bool,
    /// The terminal's width when stdout is one; `None` when piped (no wrapping).
    pub width: Option<u16>,
    /// Now, in Unix seconds, for times shown relative to today.
    pub now: i64,
}

impl View {
    /// A view for data printed to a pipe at time `now`.
    pub fn at(now: i64) -> View {
        View {
            bytes: false,
            width: None,
            now,
        }
    }
}

/// A result that can be shown in every format. JSON is the value's `Serialize` form; raw
/// and OpenMetrics fall back to the table where a result has no form of its own.
pub trait Render: Serialize {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()>;

    fn raw(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.table(view, out)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::write(out, self)
    }

    fn openmetrics(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.table(view, out)
    }

    fn export(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.raw(view, out)
    }
}

/// Show `value` in `format`.
pub fn render<T: Render + ?Sized>(
    format: Format,
    value: &T,
    view: &View,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => value.table(view, out),
        Format::Json => value.json(out),
        Format::Raw => value.raw(view, out),
        Format::OpenMetrics => value.openmetrics(view, out),
        Format::Export => value.export(view, out),
    }
}

/// Render to a string (for tests and for renderers that compose others).
pub fn to_string<T: Render + ?Sized>(format: Format, value: &T, view: &View) -> String {
    let mut out = Vec::new();
    render(format, value, view, &mut out).expect("rendering to memory cannot fail");
    String::from_utf8(out).expect("renderers write UTF-8")
}

/// `1 process` / `2 processes`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Hand-made model data for the renderer tests.
    use crate::model::posix::{Kind, ObjectHolder, ShmObject};
    use crate::model::{Holder, Segment};
    use crate::sys::shm::{Key, ShmId};

    /// 2026-11-27 03:49:13 UTC.
    pub const NOW: i64 = 1_795_750_153;

    pub fn segment(shmid: i32, key: u32, size: u64) -> Segment {
        Segment {
            shmid: ShmId(shmid),
            key: Key(key),
            key_hex: Key(key).to_string(),
            size,
            nattch: 0,
            perms: "600".into(),
            uid: 0,
            gid: 0,
            owner: "root".into(),
            group: Some("root".into()),
            cuid: 0,
            cuser: Some("root".into()),
            cgid: 0,
            cgroup: Some("root".into()),
            cpid: 100,
            command: None,
            lpid: 0,
            atime: None,
            dtime: None,
            ctime: Some(NOW - 60),
            rss: Some(0),
            swap: Some(0),
            kernel_rss: Some(0),
            status: Vec::new(),
            mode: 0o600,
            attached: None,
            namespace: None,
            orphan: None,
            app: None,
            cpid_state: None,
        }
    }

    pub fn holder(pid: i32, comm: &str, attachments: usize, readonly: bool) -> Holder {
        Holder {
            pid,
            comm: comm.into(),
            uid: 0,
            user: "root".into(),
            attachments,
            readonly,
            readonly_attachments: if readonly { attachments } else { 0 },
            hugetlb: false,
        }
    }

    pub fn object_holder(pid: i32, command: &str, fds: usize, mappings: usize) -> ObjectHolder {
        ObjectHolder {
            pid,
            command: command.into(),
            uid: 0,
            user: "root".into(),
            fds,
            mappings,
            readonly: false,
        }
    }

    pub fn object(kind: Kind, name: &str, inode: u64, size: u64) -> ShmObject {
        ShmObject {
            kind,
            name: name.into(),
            inode,
            size: Some(size),
            allocated: Some(size.div_ceil(4096) * 4096),
            uid: Some(0),
            gid: Some(0),
            owner: Some("root".into()),
            group: Some("root".into()),
            perms: Some("600".into()),
            mtime: Some(NOW - 60),
            status: Vec::new(),
            holders: Vec::new(),
            seals: None,
            namespace: None,
            mode: Some(0o100600),
            path: None,
            device: 27,
            file: (kind == Kind::Posix).then(|| name.parse().ok()).flatten(),
        }
    }
}
