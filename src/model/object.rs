//! Every kind of shared-memory object a live view lists, behind one face: what a row of
//! `top` shows of an object, whatever its kind. A new kind is a variant of [`Kind`],
//! [`ObjectId`] and [`Object`], and an arm in each accessor.

use super::{Holder, Namespace, Segment};
use crate::sys::shm::ShmId;

/// The kinds of object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A System V segment (`shmget`).
    Sysv,
}

impl Kind {
    /// Every kind, in the order the view cycles through them.
    pub const ALL: &'static [Kind] = &[Kind::Sysv];

    /// Its short name in headings.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sysv => "SysV",
        }
    }

    /// What one object of the kind is called.
    pub fn noun(self, n: u64) -> &'static str {
        match (self, n) {
            (Kind::Sysv, 1) => "segment",
            (Kind::Sysv, _) => "segments",
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
}

/// One object, as gathered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Object {
    Sysv(Segment),
}

const NO_HOLDERS: &[Holder] = &[];

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Sysv(_) => Kind::Sysv,
        }
    }

    pub fn id(&self) -> ObjectId {
        match self {
            Object::Sysv(s) => ObjectId::Sysv {
                namespace: s.namespace.as_ref().map(|n| n.inode),
                shmid: s.shmid,
            },
        }
    }

    /// What people call it: a segment's key.
    pub fn name(&self) -> &str {
        match self {
            Object::Sysv(s) => &s.key_hex,
        }
    }

    /// Its number: a segment's shmid.
    pub fn number(&self) -> String {
        match self {
            Object::Sysv(s) => s.shmid.to_string(),
        }
    }

    pub fn owner(&self) -> &str {
        match self {
            Object::Sysv(s) => &s.owner,
        }
    }

    pub fn size(&self) -> u64 {
        match self {
            Object::Sysv(s) => s.size,
        }
    }

    /// Bytes resident in memory, when the kernel says.
    pub fn rss(&self) -> Option<u64> {
        match self {
            Object::Sysv(s) => s.rss,
        }
    }

    /// Attachments the kernel counts (System V only).
    pub fn nattch(&self) -> Option<u64> {
        match self {
            Object::Sysv(s) => Some(s.nattch),
        }
    }

    /// The processes that hold it.
    pub fn holders(&self) -> &[Holder] {
        match self {
            Object::Sysv(s) => s.attached.as_deref().unwrap_or(NO_HOLDERS),
        }
    }

    /// Status flags (`dest`, `locked`, `hugetlb`).
    pub fn status(&self) -> &[&'static str] {
        match self {
            Object::Sysv(s) => &s.status,
        }
    }

    /// What it is: a database's data directory, the document's ring, or the command of
    /// the process that made it (see `gather::app`).
    pub fn app(&self) -> Option<String> {
        match self {
            Object::Sysv(s) => s.app.as_ref()?.as_ref().map(|a| a.text()),
        }
    }

    pub fn namespace(&self) -> Option<&Namespace> {
        match self {
            Object::Sysv(s) => s.namespace.as_ref(),
        }
    }

    pub fn segment(&self) -> Option<&Segment> {
        match self {
            Object::Sysv(s) => Some(s),
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
            || self.holders().iter().any(|h| has(&h.comm))
    }

    /// Changed in a way worth marking since `before`: attachments, holders or status.
    pub fn changed_from(&self, before: &Object) -> bool {
        self.nattch() != before.nattch()
            || self.status() != before.status()
            || self.size() != before.size()
            || self.holders().len() != before.holders().len()
    }
}
