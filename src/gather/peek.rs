//! Reading a segment's first bytes without changing it where the kernel allows.
//!
//! Every `shmat` is recorded in the segment (lpid, atime; shmdt sets dtime), read-only or
//! not. A process that maps the segment offers another way in: `/proc/PID/map_files/`
//! names each of its mappings, and opening one opens the segment's file itself, which
//! changes nothing (this needs CAP_SYS_ADMIN). A read-only attach is the last resort.

use crate::model::Segment;
use crate::model::header::HeaderRead;
use crate::proc::maps::Identity;
use crate::proc::processes::{self, Scan};
use crate::proc::sysvipc::ShmRecord;
use crate::ring::open::{self, Words};
use crate::sys::SysResult;
use crate::sys::shm::{self, Attachment, Key, ShmId};
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;

/// One mapping of a segment by a process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub pid: i32,
    pub start: u64,
    pub end: u64,
    /// The key its maps line names.
    pub key: Key,
    /// On hugetlbfs.
    pub hugetlb: bool,
}

impl Window {
    pub fn path(&self) -> String {
        format!(
            "/proc/{}/map_files/{:x}-{:x}",
            self.pid, self.start, self.end
        )
    }
}

/// The mappings of every segment a scan found, by shmid (each still to be told to be of
/// the segment of this namespace with that shmid: see [`trusted`]).
pub fn windows_by_shmid(scan: &Scan, namespace: Option<u64>) -> HashMap<i32, Vec<Window>> {
    let shm_device = super::holders::shm_device();
    let mut found: HashMap<i32, Vec<Window>> = HashMap::new();
    for (id, procs) in processes::by_shmid(scan, namespace) {
        let list = found.entry(id).or_default();
        for (p, maps) in procs {
            list.extend(maps.iter().map(|m| Window {
                pid: p.pid,
                start: m.start,
                end: m.start + m.length,
                key: m.key,
                hugetlb: shm_device.as_deref().is_some_and(|d| m.device != d),
            }));
        }
    }
    found
}

/// What the table says of a segment, to tell its mappings by.
pub fn identity(s: &Segment) -> Identity {
    Identity {
        key: s.key,
        removed: s.mode & shm::SHM_DEST != 0,
        size: s.size,
        nattch: s.nattch,
    }
}

/// The identities of `segments`, by shmid.
pub fn identities(segments: &[Segment]) -> HashMap<i32, Identity> {
    segments.iter().map(|s| (s.shmid.0, identity(s))).collect()
}

/// As [`identity`], from a line of `/proc/sysvipc/shm`.
pub fn identity_of_record(r: &ShmRecord) -> Identity {
    Identity {
        key: r.key,
        removed: r.is_dest(),
        size: r.size,
        nattch: r.nattch,
    }
}

/// The mappings among `windows` (of segment `s`'s shmid) that a header may be read
/// through: those that can be `s`'s (its key, no longer than it), and none at all when
/// they cannot be told to be `s`'s: nobody is attached to `s`, or more of them could be
/// `s`'s than it has attachments (some map another namespace's segment with the same
/// shmid, key and size). Reading through one of those would show another segment's bytes.
pub fn trusted(windows: &[Window], s: &Identity) -> Vec<Window> {
    let page = shm::page_size();
    let fitting: Vec<Window> = windows
        .iter()
        .filter(|w| s.admits(w.key, w.end - w.start, w.hugetlb, page))
        .copied()
        .collect();
    if s.nattch == 0 || fitting.len() as u64 > s.nattch {
        return Vec::new();
    }
    fitting
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
    /// The segment's size (a mapping's file has the segment's size).
    size: usize,
}

impl Peek {
    /// Through the first of `windows` that may be opened (none without CAP_SYS_ADMIN), of
    /// a segment of `size` bytes.
    pub fn through(windows: &[Window], size: u64) -> Option<Peek> {
        let size = usize::try_from(size).ok()?;
        windows.iter().find_map(|w| {
            File::open(w.path()).ok().map(|f| Peek {
                source: Source::File(f),
                pid: Some(w.pid),
                size,
            })
        })
    }

    /// A read-only attach of this process (recorded by the kernel: lpid, atime, dtime).
    /// `swapped`: the segment has pages in swap (then a page not in memory may still
    /// hold data, and is read in).
    pub fn attach(id: ShmId, swapped: bool) -> SysResult<Peek> {
        let attachment = shm::attach(id, true)?;
        Ok(Peek {
            size: attachment.len(),
            source: Source::Attached {
                attachment,
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

    /// Whether a load of `len` bytes at `offset` through the attach reads memory the
    /// segment has: a page never touched is in no memory, and reading it would allocate
    /// it (its bytes are zero). A segment with pages in swap is always read.
    fn touches(&self, offset: usize, len: usize) -> Option<bool> {
        match &self.source {
            Source::Attached {
                attachment,
                swapped,
            } => Some(*swapped || attachment.resident_pages(offset, len)?.iter().all(|r| *r)),
            Source::File(_) => Some(true),
        }
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

/// A ring's header words: atomic loads through an attach, a read of each word through a
/// mapping's file (the kernel copies an aligned word whole).
impl Words for Peek {
    fn size(&self) -> usize {
        self.size
    }

    fn load_u32(&self, offset: usize) -> Option<u32> {
        match &self.source {
            Source::Attached { attachment, .. } if self.touches(offset, 4)? => {
                attachment.load_u32(offset)
            }
            Source::Attached { .. } => Some(0),
            Source::File(_) => Some(u32::from_ne_bytes(self.read(offset, 4)?.try_into().ok()?)),
        }
    }

    fn load_u64(&self, offset: usize) -> Option<u64> {
        match &self.source {
            Source::Attached { attachment, .. } if self.touches(offset, 8)? => {
                attachment.load_u64(offset)
            }
            Source::Attached { .. } => Some(0),
            Source::File(_) => Some(u64::from_ne_bytes(self.read(offset, 8)?.try_into().ok()?)),
        }
    }

    /// Through a mapping's file every read is a system call: the words are read in as few
    /// of them as can be (the fields near each other in one copy: the two semaphores of a
    /// ring share a cache line, so free and filled are always seen at one moment).
    fn load_fields(&self, at: &[(usize, usize)]) -> Option<Vec<u64>> {
        if let Source::Attached { attachment, .. } = &self.source {
            // Which pages hold memory is asked once, before the loads, which then follow
            // each other within nanoseconds.
            let start = at.iter().map(|f| f.0).min()?;
            let end = at.iter().map(|f| f.0 + f.1).max()?;
            if !self.touches(start, end - start)? {
                return open::one_by_one(self, at);
            }
            return open::one_by_one(attachment, at);
        }
        // Regions of the file to read, each the span of fields less than a few pages apart.
        const GAP: usize = 16 * 1024;
        let mut spans: Vec<(usize, usize)> = at.iter().map(|&(o, l)| (o, o + l)).collect();
        spans.sort_unstable();
        let mut regions: Vec<(usize, usize)> = Vec::new();
        for (start, end) in spans {
            match regions.last_mut() {
                Some(r) if start <= r.1 + GAP => r.1 = r.1.max(end),
                _ => regions.push((start, end)),
            }
        }
        let bytes: Vec<(usize, Vec<u8>)> = regions
            .iter()
            .map(|&(start, end)| Some((start, self.read(start, end - start)?)))
            .collect::<Option<_>>()?;
        at.iter()
            .map(|&(offset, len)| {
                let (start, b) = bytes
                    .iter()
                    .find(|(s, b)| offset >= *s && offset + len <= s + b.len())?;
                let word = &b[offset - start..offset - start + len];
                Some(match len {
                    4 => u64::from(u32::from_ne_bytes(word.try_into().ok()?)),
                    _ => u64::from_ne_bytes(word.try_into().ok()?),
                })
            })
            .collect()
    }
}
