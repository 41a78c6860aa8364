//! Every kind of shared-memory object a live view lists, behind one face: what a row of
//! `top` shows of an object, whatever its kind. A new kind is a variant of [`Kind`],
//! [`ObjectId`] and [`Object`], and an arm in each accessor.

use super::posix::{self, ObjectHolder, ShmObject};
use super::{Holder, Namespace, Segment};
use crate::sys::shm::ShmId;

/// The kinds of object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A System V segment (`shmget`).
    Sysv,
    /// A POSIX shared-memory object (`shm_open`: a file of a `/dev/shm`).
    Posix,
    /// A memfd (`memfd_create`).
    Memfd,
}

impl Kind {
    /// Every kind, in the order the view cycles through them.
    pub const ALL: &'static [Kind] = &[Kind::Sysv, Kind::Posix, Kind::Memfd];

    /// Its short name in headings.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sysv => "SysV",
            Kind::Posix => "POSIX",
            Kind::Memfd => "memfd",
        }
    }

    /// What one object of the kind is called.
    pub fn noun(self, n: u64) -> &'static str {
        match (self, n) {
            (Kind::Sysv, 1) => "segment",
            (Kind::Sysv, _) => "segments",
            (Kind::Posix, 1) => "object",
            (Kind::Posix, _) => "objects",
            (Kind::Memfd, 1) => "memfd",
            (Kind::Memfd, _) => "memfds",
        }
    }
}

/// What names one object for as long as it exists, across refreshes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectId {
    /// A shmid is unique within its IPC namespace (`None`: the one the view runs in).
    Sysv {
        namespace: Option<u64>,
        shmid: ShmId,
    },
    /// A file is its device and inode, whichever name reaches it (or none).
    Posix {
        device: u64,
        inode: u64,
    },
    Memfd {
        device: u64,
        inode: u64,
    },
}

/// One object, as gathered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Object {
    Sysv(Segment),
    /// A POSIX object or a memfd (its `kind` says which).
    File(ShmObject),
}

/// The processes that hold an object: a segment's attach it, a file's map it or hold it
/// open.
#[derive(Clone, Copy, Debug)]
pub enum Holders<'a> {
    Sysv(&'a [Holder]),
    File(&'a [ObjectHolder]),
}

impl<'a> Holders<'a> {
    pub fn len(self) -> usize {
        match self {
            Holders::Sysv(h) => h.len(),
            Holders::File(h) => h.len(),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Their commands, in order, each once.
    pub fn commands(self) -> Vec<&'a str> {
        let all: Vec<&str> = match self {
            Holders::Sysv(h) => h.iter().map(|h| h.comm.as_str()).collect(),
            Holders::File(h) => h.iter().map(|h| h.command.as_str()).collect(),
        };
        let mut once: Vec<&str> = Vec::new();
        for c in all {
            if !once.contains(&c) {
                once.push(c);
            }
        }
        once
    }

    /// The first `n`, each as pid, command and how it holds the object
    /// (`42 app ro`, `43 python3 (2 fds, map)`).
    pub fn first(self, n: usize) -> Vec<String> {
        match self {
            Holders::Sysv(h) => h.iter().take(n).map(Holder::short).collect(),
            Holders::File(h) => h.iter().take(n).map(ObjectHolder::short).collect(),
        }
    }
}

const NO_HOLDERS: &[Holder] = &[];

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Sysv(_) => Kind::Sysv,
            Object::File(o) => match o.kind {
                posix::Kind::Posix => Kind::Posix,
                posix::Kind::Memfd => Kind::Memfd,
            },
        }
    }

    pub fn id(&self) -> ObjectId {
        match self {
            Object::Sysv(s) => ObjectId::Sysv {
                namespace: s.namespace.as_ref().map(|n| n.inode),
                shmid: s.shmid,
            },
            Object::File(o) => {
                let (device, inode) = (o.device, o.inode);
                match o.kind {
                    posix::Kind::Posix => ObjectId::Posix { device, inode },
                    posix::Kind::Memfd => ObjectId::Memfd { device, inode },
                }
            }
        }
    }

    /// What people call it: a segment's key, a POSIX object's `/NAME`, `memfd:NAME`.
    pub fn name(&self) -> &str {
        match self {
            Object::Sysv(s) => &s.key_hex,
            Object::File(o) => &o.name,
        }
    }

    /// Its number: a segment's shmid, a file's inode.
    pub fn number(&self) -> String {
        match self {
            Object::Sysv(s) => s.shmid.to_string(),
            Object::File(o) => o.inode.to_string(),
        }
    }

    /// Its owner's name (`-` when no reading of the file was allowed).
    pub fn owner(&self) -> &str {
        match self {
            Object::Sysv(s) => &s.owner,
            Object::File(o) => o.owner.as_deref().unwrap_or("-"),
        }
    }

    /// Its size, when known.
    pub fn size(&self) -> Option<u64> {
        match self {
            Object::Sysv(s) => Some(s.size),
            Object::File(o) => o.size,
        }
    }

    /// What it costs in memory, when the kernel says: a segment's resident bytes, a
    /// file's allocated bytes (tmpfs blocks, in memory or swap).
    pub fn rss(&self) -> Option<u64> {
        match self {
            Object::Sysv(s) => s.rss,
            Object::File(o) => o.allocated,
        }
    }

    /// Attachments the kernel counts (System V only).
    pub fn nattch(&self) -> Option<u64> {
        match self {
            Object::Sysv(s) => Some(s.nattch),
            Object::File(_) => None,
        }
    }

    /// The processes that hold it.
    pub fn holders(&self) -> Holders<'_> {
        match self {
            Object::Sysv(s) => Holders::Sysv(s.attached.as_deref().unwrap_or(NO_HOLDERS)),
            Object::File(o) => Holders::File(&o.holders),
        }
    }

    /// Status flags (`dest`, `locked`, `hugetlb`; `deleted`, `unheld`).
    pub fn status(&self) -> &[&'static str] {
        match self {
            Object::Sysv(s) => &s.status,
            Object::File(o) => &o.status,
        }
    }

    /// What it is: a database's data directory, the document's ring, or the command of
    /// the process that made it (see `gather::app`); segments only.
    pub fn app(&self) -> Option<String> {
        match self {
            Object::Sysv(s) => s.app.as_ref()?.as_ref().map(|a| a.text()),
            Object::File(_) => None,
        }
    }

    /// A segment's IPC namespace; a file's mount namespace (with `-A`).
    pub fn namespace(&self) -> Option<&Namespace> {
        match self {
            Object::Sysv(s) => s.namespace.as_ref(),
            Object::File(o) => o.namespace.as_ref(),
        }
    }

    pub fn segment(&self) -> Option<&Segment> {
        match self {
            Object::Sysv(s) => Some(s),
            Object::File(_) => None,
        }
    }

    pub fn file(&self) -> Option<&ShmObject> {
        match self {
            Object::Sysv(_) => None,
            Object::File(o) => Some(o),
        }
    }

    /// Whether `needle` (lower case) is part of its owner, key, name, number, app or
    /// one of its holders' commands.
    pub fn matches(&self, needle: &str) -> bool {
        if needle.is_empty() {
            return true;
        }
        let has = |text: &str| text.to_lowercase().contains(needle);
        has(self.name())
            || has(self.owner())
            || has(&self.number())
            || self.app().is_some_and(|a| has(&a))
            || self.holders().commands().into_iter().any(has)
    }

    /// Changed in a way worth marking since `before`: attachments, holders or status.
    pub fn changed_from(&self, before: &Object) -> bool {
        self.nattch() != before.nattch()
            || self.status() != before.status()
            || self.size() != before.size()
            || self.holders().len() != before.holders().len()
    }
}
