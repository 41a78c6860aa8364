//! Reading a segment's first bytes without changing it where the kernel allows.
//!
//! Every `shmat` is recorded in the segment (lpid, atime; shmdt sets dtime), read-only or
//! not. A process that maps the segment offers another way in: `/proc/PID/map_files/`
//! names each of its mappings, and opening one opens the segment's file itself, which
//! changes nothing (this needs CAP_SYS_ADMIN). A read-only attach is the last resort.

use crate::model::app::HeaderRead;
use crate::proc::processes::{self, Scan};
use crate::sys::SysResult;
use crate::sys::shm::{self, Attachment, ShmId};
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;

/// One mapping of a segment by a process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub pid: i32,
    pub start: u64,
    pub end: u64,
}

impl Window {
    pub fn path(&self) -> String {
        format!(
            "/proc/{}/map_files/{:x}-{:x}",
            self.pid, self.start, self.end
        )
    }
}

/// The mappings of every segment a scan found, by shmid.
pub fn windows_by_shmid(scan: &Scan, namespace: Option<u64>) -> HashMap<i32, Vec<Window>> {
    let mut found: HashMap<i32, Vec<Window>> = HashMap::new();
    for (id, procs) in processes::by_shmid(scan, namespace) {
        let list = found.entry(id).or_default();
        for (p, maps) in procs {
            list.extend(maps.iter().map(|m| Window {
                pid: p.pid,
                start: m.start,
                end: m.start + m.length,
            }));
        }
    }
    found
}

enum Source {
    File(File),
    /// A read-only attach; `swapped`: the segment has pages in swap.
    Attached {
        attachment: Attachment,
        swapped: bool,
    },
}

/// An open way to read a segment's bytes.
pub struct Peek {
    source: Source,
    pid: Option<i32>,
}

impl Peek {
    /// Through the first of `windows` that may be opened (none without CAP_SYS_ADMIN).
    pub fn through(windows: &[Window]) -> Option<Peek> {
        windows.iter().find_map(|w| {
            File::open(w.path()).ok().map(|f| Peek {
                source: Source::File(f),
                pid: Some(w.pid),
            })
        })
    }

    /// A read-only attach of this process (recorded by the kernel: lpid, atime, dtime).
    /// `swapped`: the segment has pages in swap (then a page not in memory may still
    /// hold data, and is read in).
    pub fn attach(id: ShmId, swapped: bool) -> SysResult<Peek> {
        Ok(Peek {
            source: Source::Attached {
                attachment: shm::attach(id, true)?,
                swapped,
            },
            pid: None,
        })
    }

    pub fn how(&self) -> HeaderRead {
        match self.source {
            Source::File(_) => HeaderRead::MapFiles,
            Source::Attached { .. } => HeaderRead::Attach,
        }
    }

    /// The process whose mapping it reads through, for map_files.
    pub fn holder(&self) -> Option<i32> {
        self.pid
    }

    /// Whether this process is attached to read (and so counts in nattch).
    pub fn is_attached(&self) -> bool {
        matches!(self.source, Source::Attached { .. })
    }

    /// `len` bytes at `offset`; `None` when the segment is shorter or the read fails.
    /// Through an attach, pages never touched are not read (which would allocate them):
    /// their bytes are zero.
    pub fn read(&self, offset: usize, len: usize) -> Option<Vec<u8>> {
        match &self.source {
            Source::Attached {
                attachment,
                swapped,
            } => {
                if *swapped {
                    return attachment.snapshot(offset, len);
                }
                let page = shm::page_size() as usize;
                let resident = attachment.resident_pages(offset, len)?;
                let mut out = Vec::with_capacity(len);
                let first = offset / page * page;
                for (i, here) in resident.into_iter().enumerate() {
                    let from = (first + i * page).max(offset);
                    let to = (first + (i + 1) * page).min(offset + len);
                    if here {
                        out.extend(attachment.snapshot(from, to - from)?);
                    } else {
                        out.resize(out.len() + (to - from), 0);
                    }
                }
                Some(out)
            }
            Source::File(f) => {
                let mut buf = vec![0u8; len];
                let mut done = 0;
                while done < len {
                    match f.read_at(&mut buf[done..], (offset + done) as u64) {
                        Ok(0) => return None,
                        Ok(n) => done += n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => return None,
                    }
                }
                Some(buf)
            }
        }
    }
}
