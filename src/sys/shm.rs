//! Safe wrappers over `shmget`, `shmat`, `shmdt` and `shmctl`.

use super::{SysError, SysResult};
use libc::c_int;
use nix::errno::Errno;
use serde::Serialize;
use std::fmt;
use std::mem::MaybeUninit;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};

/// The `shmctl` command and mode bits that libc does not export.
pub const SHM_INFO: c_int = 14;
/// Mode bit: the segment is marked for destruction (IPC_RMID while attached).
pub const SHM_DEST: u32 = 0o1000;
/// Mode bit: the segment is locked in memory (SHM_LOCK).
pub const SHM_LOCKED: u32 = 0o2000;

/// A System V IPC key, kept as the unsigned 32-bit value people write as `0x…`.
///
/// The kernel's `key_t` is a signed int and `/proc/sysvipc/shm` prints it signed, so a key
/// of 0x80000000 or above shows there as a negative number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Key(pub u32);

impl Key {
    /// `IPC_PRIVATE`: no key; a new segment reachable only through its shmid.
    pub const PRIVATE: Key = Key(0);

    pub fn from_raw(raw: libc::key_t) -> Key {
        Key(raw as u32)
    }

    pub fn as_raw(self) -> libc::key_t {
        self.0 as libc::key_t
    }

    pub fn is_private(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08x}", self.0)
    }
}

/// A shared-memory segment identifier as returned by `shmget` (unique per IPC namespace).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ShmId(pub i32);

impl fmt::Display for ShmId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Flags for creating a segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CreateFlags {
    pub hugetlb: bool,
    pub noreserve: bool,
}

/// `shmget(key, size, IPC_CREAT | IPC_EXCL | mode …)`: always a new segment, never a reuse.
pub fn create(key: Key, size: usize, mode: u32, flags: CreateFlags) -> SysResult<ShmId> {
    let mut shmflg = libc::IPC_CREAT | libc::IPC_EXCL | (mode & 0o777) as c_int;
    if flags.hugetlb {
        shmflg |= libc::SHM_HUGETLB;
    }
    if flags.noreserve {
        shmflg |= libc::SHM_NORESERVE;
    }
    // SAFETY: shmget takes plain integers and touches no memory of ours.
    let id = unsafe { libc::shmget(key.as_raw(), size, shmflg) };
    Errno::result(id)
        .map(ShmId)
        .map_err(|e| SysError::new("shmget", e))
}

/// `shmget(key, 0, 0)`: the id of the existing segment with this key.
///
/// Asking for no permission bits means any user can look a key up, as `/proc` shows it anyway.
pub fn lookup(key: Key) -> SysResult<ShmId> {
    // SAFETY: shmget takes plain integers and touches no memory of ours.
    let id = unsafe { libc::shmget(key.as_raw(), 0, 0) };
    Errno::result(id)
        .map(ShmId)
        .map_err(|e| SysError::new("shmget", e))
}

/// What `IPC_STAT` returns, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    pub key: Key,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    /// Permission bits plus the SHM_DEST / SHM_LOCKED status bits.
    pub mode: u32,
    pub seq: u16,
    pub size: u64,
    pub atime: i64,
    pub dtime: i64,
    pub ctime: i64,
    pub cpid: i32,
    pub lpid: i32,
    pub nattch: u64,
}

impl Stat {
    /// Marked for destruction: removed while attached, it goes at the last detach.
    pub fn is_destroyed(&self) -> bool {
        self.mode & SHM_DEST != 0
    }

    fn from_ds(ds: &libc::shmid_ds) -> Stat {
        Stat {
            key: Key::from_raw(ds.shm_perm.__key),
            uid: ds.shm_perm.uid,
            gid: ds.shm_perm.gid,
            cuid: ds.shm_perm.cuid,
            cgid: ds.shm_perm.cgid,
            mode: u32::from(ds.shm_perm.mode),
            seq: ds.shm_perm.__seq,
            size: ds.shm_segsz as u64,
            atime: ds.shm_atime,
            dtime: ds.shm_dtime,
            ctime: ds.shm_ctime,
            cpid: ds.shm_cpid,
            lpid: ds.shm_lpid,
            nattch: ds.shm_nattch,
        }
    }
}

/// `shmctl(id, IPC_STAT)`: needs read permission on the segment.
pub fn stat(id: ShmId) -> SysResult<Stat> {
    let mut ds = MaybeUninit::<libc::shmid_ds>::zeroed();
    // SAFETY: ds points to writable memory the size of shmid_ds, which IPC_STAT fills.
    let rc = unsafe { libc::shmctl(id.0, libc::IPC_STAT, ds.as_mut_ptr()) };
    Errno::result(rc).map_err(|e| SysError::new("shmctl(IPC_STAT)", e))?;
    // SAFETY: the call succeeded, so the kernel initialised the whole struct (and it was
    // zeroed before, so padding is defined too).
    let ds = unsafe { ds.assume_init() };
    Ok(Stat::from_ds(&ds))
}

/// `shmctl(id, IPC_SET)`: change owner uid, gid and permission bits (owner, creator or
/// CAP_SYS_ADMIN only). The kernel reads only these three fields, so no IPC_STAT (which
/// needs read permission the owner of a mode-000 segment lacks) is needed first.
pub fn set(id: ShmId, uid: u32, gid: u32, mode: u32) -> SysResult<()> {
    // SAFETY: shmid_ds is plain integers; all zero is a valid value of it.
    let mut ds: libc::shmid_ds = unsafe { MaybeUninit::zeroed().assume_init() };
    ds.shm_perm.uid = uid;
    ds.shm_perm.gid = gid;
    ds.shm_perm.mode = (mode & 0o777) as libc::c_ushort;
    // SAFETY: ds is a valid, initialised shmid_ds that IPC_SET only reads.
    let rc = unsafe { libc::shmctl(id.0, libc::IPC_SET, &mut ds) };
    Errno::result(rc)
        .map(drop)
        .map_err(|e| SysError::new("shmctl(IPC_SET)", e))
}

/// `shmctl(id, IPC_RMID)`: remove now, or mark for destruction while still attached.
pub fn remove(id: ShmId) -> SysResult<()> {
    // SAFETY: IPC_RMID ignores the buffer argument; a null pointer is allowed.
    let rc = unsafe { libc::shmctl(id.0, libc::IPC_RMID, std::ptr::null_mut()) };
    Errno::result(rc)
        .map(drop)
        .map_err(|e| SysError::new("shmctl(IPC_RMID)", e))
}

/// The kernel's `struct shminfo`, returned by `IPC_INFO`.
#[repr(C)]
#[derive(Default, Clone, Copy)]
struct RawShmInfo {
    shmmax: libc::c_ulong,
    shmmin: libc::c_ulong,
    shmmni: libc::c_ulong,
    shmseg: libc::c_ulong,
    shmall: libc::c_ulong,
    unused: [libc::c_ulong; 4],
}

/// The kernel's `struct shm_info`, returned by `SHM_INFO`.
#[repr(C)]
#[derive(Default, Clone, Copy)]
struct RawShmUsage {
    used_ids: c_int,
    shm_tot: libc::c_ulong,
    shm_rss: libc::c_ulong,
    shm_swp: libc::c_ulong,
    swap_attempts: libc::c_ulong,
    swap_successes: libc::c_ulong,
}

/// The limits `IPC_INFO` reports for this IPC namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub shmmax: u64,
    pub shmmin: u64,
    pub shmmni: u64,
    pub shmseg: u64,
    /// In pages.
    pub shmall: u64,
}

/// What `SHM_INFO` reports as in use in this IPC namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub segments: u64,
    /// Pages allocated to all segments.
    pub pages: u64,
    pub rss_pages: u64,
    pub swap_pages: u64,
}

/// Both structs are larger than `shmid_ds` on no Linux ABI, but IPC_INFO and SHM_INFO write
/// through a `shmid_ds *`; the buffer is sized for the larger of the two to stay in bounds.
#[repr(C)]
union InfoBuf<T: Copy> {
    ds: libc::shmid_ds,
    info: T,
}

fn ipc_info_call<T: Default + Copy>(cmd: c_int, call: &'static str) -> SysResult<T> {
    let mut buf = InfoBuf::<T> { info: T::default() };
    // SAFETY: buf is at least as large as both shmid_ds and T; the kernel writes a T into it.
    let rc = unsafe { libc::shmctl(0, cmd, std::ptr::addr_of_mut!(buf.ds)) };
    Errno::result(rc).map_err(|e| SysError::new(call, e))?;
    // SAFETY: the call succeeded and wrote a T; T was fully initialised before as well.
    Ok(unsafe { buf.info })
}

/// `shmctl(0, IPC_INFO)`: the namespace's limits.
pub fn limits() -> SysResult<Limits> {
    let raw: RawShmInfo = ipc_info_call(libc::IPC_INFO, "shmctl(IPC_INFO)")?;
    Ok(Limits {
        shmmax: raw.shmmax,
        shmmin: raw.shmmin,
        shmmni: raw.shmmni,
        shmseg: raw.shmseg,
        shmall: raw.shmall,
    })
}

/// `shmctl(0, SHM_INFO)`: segments and pages in use in the namespace.
pub fn usage() -> SysResult<Usage> {
    let raw: RawShmUsage = ipc_info_call(SHM_INFO, "shmctl(SHM_INFO)")?;
    Ok(Usage {
        segments: raw.used_ids.max(0) as u64,
        pages: raw.shm_tot,
        rss_pages: raw.shm_rss,
        swap_pages: raw.shm_swp,
    })
}

/// The system page size.
pub fn page_size() -> u64 {
    nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .map_or(4096, |v| v as u64)
}

/// A live `shmat` mapping; dropping it calls `shmdt`.
#[derive(Debug)]
pub struct Attachment {
    addr: NonNull<u8>,
    len: usize,
    readonly: bool,
}

// The mapping is process-wide memory; the handle itself carries no thread affinity.
// SAFETY: Attachment only exposes atomics and libc semaphores over the mapping, both of
// which are made for concurrent access.
unsafe impl Send for Attachment {}
// SAFETY: as above: every accessor hands out atomics or semaphore handles, never plain refs.
unsafe impl Sync for Attachment {}

/// `shmat(id, NULL, readonly ? SHM_RDONLY : 0)` and `IPC_STAT` for the segment's size.
pub fn attach(id: ShmId, readonly: bool) -> SysResult<Attachment> {
    let flags = if readonly { libc::SHM_RDONLY } else { 0 };
    // SAFETY: a null address lets the kernel choose where to map; no memory of ours is touched.
    let addr = unsafe { libc::shmat(id.0, std::ptr::null(), flags) };
    if addr as isize == -1 {
        return Err(SysError::new("shmat", Errno::last()));
    }
    let addr = NonNull::new(addr.cast::<u8>()).ok_or(SysError::new("shmat", Errno::EFAULT))?;
    let mut att = Attachment {
        addr,
        len: 0,
        readonly,
    };
    // Attached, so we hold read permission: IPC_STAT cannot be refused, and the segment
    // cannot vanish while we are attached.
    att.len = usize::try_from(stat(id)?.size).map_err(|_| SysError::new("shmat", Errno::EFBIG))?;
    Ok(att)
}

impl Attachment {
    /// The segment's size in bytes (the mapping may be longer, rounded to pages).
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn address(&self) -> usize {
        self.addr.as_ptr() as usize
    }

    fn checked_ptr(&self, offset: usize, size: usize, align: usize) -> Option<*mut u8> {
        let end = offset.checked_add(size)?;
        if end > self.len || !offset.is_multiple_of(align) {
            return None;
        }
        // SAFETY: offset + size is within the mapping's len bytes, checked above.
        Some(unsafe { self.addr.as_ptr().add(offset) })
    }

    /// Copy `len` bytes at `offset` out of the segment with 32-bit atomic loads, so that a
    /// concurrent writer in another process is no data race. `None` when out of bounds.
    pub fn snapshot(&self, offset: usize, len: usize) -> Option<Vec<u8>> {
        let ptr = self.checked_ptr(offset, len, 4)?;
        let mut out = Vec::with_capacity(len);
        let words = len / 4;
        for i in 0..words {
            // SAFETY: ptr + 4*i + 4 <= ptr + len is in bounds and 4-aligned (the mapping is
            // page-aligned and offset is 4-aligned); AtomicU32 has u32's layout, and an atomic
            // load is valid on read-only memory.
            let word = unsafe { (*ptr.add(4 * i).cast::<AtomicU32>()).load(Ordering::Acquire) };
            out.extend_from_slice(&word.to_ne_bytes());
        }
        for i in words * 4..len {
            // SAFETY: ptr + i < ptr + len is in bounds; a volatile byte read of shared memory.
            out.push(unsafe { ptr.add(i).read_volatile() });
        }
        Some(out)
    }

    /// Which pages of the mapping, from the one holding `offset` to the one holding
    /// `offset + len - 1`, are in memory (mincore(2)). A page of a segment that was never
    /// touched is in no memory at all: reading it through the mapping would allocate it,
    /// where its bytes read as zero anyway. `None` when out of bounds or mincore fails.
    pub fn resident_pages(&self, offset: usize, len: usize) -> Option<Vec<bool>> {
        let end = offset.checked_add(len)?;
        if end > self.len || len == 0 {
            return None;
        }
        let page = usize::try_from(page_size()).ok()?;
        let first = offset / page * page;
        let mut vec = vec![0u8; (end - first).div_ceil(page)];
        // SAFETY: addr + first is page-aligned and inside this live mapping (first < len,
        // and the mapping spans whole pages); vec has one byte per page of the range.
        let rc = unsafe {
            libc::mincore(
                self.addr.as_ptr().add(first).cast(),
                end - first,
                vec.as_mut_ptr(),
            )
        };
        Errno::result(rc).ok()?;
        Some(vec.iter().map(|b| b & 1 == 1).collect())
    }

    /// One 32-bit word of the segment, read atomically (acquire): a field another process
    /// may be writing. Works on a read-only attachment. `None` when out of bounds.
    pub fn load_u32(&self, offset: usize) -> Option<u32> {
        let ptr = self.checked_ptr(offset, 4, 4)?;
        // SAFETY: in bounds and 4-aligned (checked); AtomicU32 has u32's layout, and an
        // atomic load is valid on read-only memory.
        Some(unsafe { (*ptr.cast::<AtomicU32>()).load(Ordering::Acquire) })
    }

    /// One 64-bit word of the segment, read atomically (acquire), as [`Self::load_u32`].
    pub fn load_u64(&self, offset: usize) -> Option<u64> {
        let ptr = self.checked_ptr(offset, 8, 8)?;
        // SAFETY: in bounds and 8-aligned (checked); AtomicU64 has u64's layout, and an
        // atomic load is valid on read-only memory.
        Some(unsafe { (*ptr.cast::<AtomicU64>()).load(Ordering::Acquire) })
    }

    /// An `i32` in the segment that this and other processes may update concurrently.
    /// `None` when out of bounds, misaligned, or the attachment is read-only.
    pub fn atomic_i32(&self, offset: usize) -> Option<&AtomicI32> {
        if self.readonly {
            return None;
        }
        let ptr = self.checked_ptr(offset, 4, 4)?;
        // SAFETY: in bounds, aligned, writable, and valid for as long as &self (shmdt only
        // runs on drop); AtomicI32 has i32's layout and tolerates concurrent writers.
        Some(unsafe { &*ptr.cast::<AtomicI32>() })
    }

    /// A `u64` in the segment that this and other processes may update concurrently.
    /// `None` when out of bounds, misaligned, or the attachment is read-only.
    pub fn atomic_u64(&self, offset: usize) -> Option<&AtomicU64> {
        if self.readonly {
            return None;
        }
        let ptr = self.checked_ptr(offset, 8, 8)?;
        // SAFETY: in bounds, 8-aligned, writable, and valid for as long as &self (shmdt
        // only runs on drop); AtomicU64 has u64's layout and tolerates concurrent writers.
        Some(unsafe { &*ptr.cast::<AtomicU64>() })
    }

    /// `len` consecutive shared `i32`s starting at `offset` (see [`Self::atomic_i32`]).
    pub fn atomic_i32_slice(&self, offset: usize, len: usize) -> Option<&[AtomicI32]> {
        if self.readonly {
            return None;
        }
        let ptr = self.checked_ptr(offset, len.checked_mul(4)?, 4)?;
        // SAFETY: as in atomic_i32, for each of the len elements, all in bounds.
        Some(unsafe { std::slice::from_raw_parts(ptr.cast::<AtomicI32>(), len) })
    }

    /// Hand `f` the `len` i32s of the segment at `offset` as plain memory, to write.
    /// Plain loads and stores (which the compiler can vectorise) rather than one atomic
    /// access per item: for slots the caller holds for itself alone — a ring end holding
    /// their semaphore permits, which no other process and no other code of this one
    /// touches until it posts them (the post publishes the stores with release order).
    /// `None` when out of bounds, misaligned or the attachment is read-only.
    pub fn with_i32s_mut<R>(
        &self,
        offset: usize,
        len: usize,
        f: impl FnOnce(&mut [i32]) -> R,
    ) -> Option<R> {
        if self.readonly {
            return None;
        }
        let ptr = self.checked_ptr(offset, len.checked_mul(4)?, 4)?;
        // SAFETY: in bounds, aligned and writable (checked), valid while &self lives (shmdt
        // runs on drop only). The slice lives only for the call of f, and the caller holds
        // these slots for itself alone (see above), so nothing else reads or writes them
        // meanwhile.
        let slots = unsafe { std::slice::from_raw_parts_mut(ptr.cast::<i32>(), len) };
        Some(f(slots))
    }

    /// Hand `f` the `len` i32s of the segment at `offset` as plain memory, to read: slots
    /// the caller holds for itself alone, as for [`Self::with_i32s_mut`] (a ring consumer
    /// holding their filled permits, taken with acquire order after the producer's release).
    pub fn with_i32s<R>(
        &self,
        offset: usize,
        len: usize,
        f: impl FnOnce(&[i32]) -> R,
    ) -> Option<R> {
        let ptr = self.checked_ptr(offset, len.checked_mul(4)?, 4)?;
        // SAFETY: in bounds and aligned (checked), valid while &self lives; the slice lives
        // only for the call of f, and nobody writes these slots meanwhile (see above).
        let slots = unsafe { std::slice::from_raw_parts(ptr.cast::<i32>(), len) };
        Some(f(slots))
    }

    /// A process-shared POSIX semaphore living in the segment at `offset`.
    pub fn semaphore(&self, offset: usize) -> Option<super::sem::Semaphore<'_>> {
        if self.readonly {
            return None;
        }
        let ptr = self.checked_ptr(offset, std::mem::size_of::<libc::sem_t>(), 8)?;
        // SAFETY: in bounds, aligned for sem_t, writable, and alive for the borrow of self.
        Some(unsafe { super::sem::Semaphore::from_raw(ptr.cast::<libc::sem_t>()) })
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        // SAFETY: addr came from a successful shmat and is detached exactly once, here.
        // Nothing borrowed from self outlives it (every accessor borrows &self).
        unsafe {
            libc::shmdt(self.addr.as_ptr().cast());
        }
    }
}
