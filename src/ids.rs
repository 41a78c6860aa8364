//! Naming a segment: by shmid (decimal) or by key (`0x1234`), the same in every command;
//! `ftok` keys; and naming a POSIX object (`/name`, as `shm_open` takes it) or a memfd
//! (`memfd:INODE`).

use crate::error::{Error, Result, Status};
use crate::sys::shm::{self, Key, ShmId};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::str::FromStr;

/// A segment as the user named it on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentRef {
    Id(ShmId),
    Key(Key),
}

impl fmt::Display for SegmentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentRef::Id(id) => write!(f, "segment {id}"),
            SegmentRef::Key(key) => write!(f, "key {key}"),
        }
    }
}

impl FromStr for SegmentRef {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        let t = text.trim();
        if t.starts_with("0x") || t.starts_with("0X") {
            return parse_key(t).map(SegmentRef::Key);
        }
        match t.parse::<i32>() {
            Ok(id) if id >= 0 => Ok(SegmentRef::Id(ShmId(id))),
            _ => Err(format!(
                "'{text}' is neither a shmid (a number from 0 to 2147483647) nor a key (0x1234)"
            )),
        }
    }
}

/// A key written as `0x1234` (hex) or as a decimal number; a negative decimal is taken as the
/// signed form `/proc/sysvipc/shm` prints.
pub fn parse_key(text: &str) -> std::result::Result<Key, String> {
    let t = text.trim();
    let parsed = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).ok()
    } else if let Some(neg) = t.strip_prefix('-') {
        neg.parse::<u32>()
            .ok()
            .filter(|v| *v <= 1 << 31)
            .map(|v| (v as i64).wrapping_neg() as i32 as u32)
    } else {
        t.parse::<u32>().ok()
    };
    parsed.map(Key).ok_or_else(|| {
        format!(
            "key '{text}': a key is 32 bits: 0x0 to 0xffffffff in hex, 0 to 4294967295 in decimal, or -2147483648 to -1 as /proc/sysvipc/shm prints the keys from 0x80000000"
        )
    })
}

impl SegmentRef {
    /// The shmid this names: keys are looked up with `shmget(key, 0, 0)`.
    pub fn resolve(self) -> Result<ShmId> {
        match self {
            SegmentRef::Id(id) => Ok(id),
            SegmentRef::Key(key) if key.is_private() => Err(Error::usage(
                "key 0x00000000 is IPC_PRIVATE and names no segment: use the shmid",
            )),
            SegmentRef::Key(key) => shm::lookup(key).map_err(|e| {
                if Status::from_errno(e.errno) == Status::NoSuchSegment {
                    Error::new(
                        Status::NoSuchSegment,
                        format!("key {key}: no segment has this key"),
                    )
                } else {
                    Error::sys(format!("key {key}"), e)
                }
            }),
        }
    }
}

/// `PATH[:PROJ]` as given to `--ftok`; PROJ defaults to 65 (`'A'`, the document's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FtokSpec {
    pub path: String,
    pub proj: u32,
}

pub const DEFAULT_FTOK_PROJ: u32 = 65;

impl FtokSpec {
    /// The document's ring key: `ftok("/tmp", 65)`.
    pub fn document() -> FtokSpec {
        FtokSpec {
            path: "/tmp".into(),
            proj: DEFAULT_FTOK_PROJ,
        }
    }
}

impl FromStr for FtokSpec {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text.rsplit_once(':') {
            Some((_, "")) => Err(format!("ftok '{text}': expected a project id after ':'")),
            Some((path, proj)) if !path.is_empty() && proj.chars().all(|c| c.is_ascii_digit()) => {
                let proj = proj
                    .parse::<u32>()
                    .map_err(|_| format!("ftok '{text}': project id too large"))?;
                Ok(FtokSpec {
                    path: path.to_string(),
                    proj,
                })
            }
            _ if text.is_empty() => Err("ftok: expected PATH[:PROJ]".to_string()),
            _ => Ok(FtokSpec {
                path: text.to_string(),
                proj: DEFAULT_FTOK_PROJ,
            }),
        }
    }
}

impl FtokSpec {
    /// glibc's `ftok`: `(proj & 0xff) << 24 | (st_dev & 0xff) << 16 | (st_ino & 0xffff)`.
    ///
    /// A missing path is an error (libc's ftok would return key 0xffffffff). Only the low
    /// 8 bits of the project id count; `truncated` says when a larger one lost bits.
    pub fn key(&self) -> Result<(Key, bool)> {
        let meta = std::fs::metadata(&self.path)
            .map_err(|e| Error::new(Status::Failure, format!("ftok {}: {}", self.path, e)))?;
        Ok((
            ftok_from(meta.dev(), meta.ino(), self.proj),
            self.proj > 0xff,
        ))
    }
}

pub fn ftok_from(dev: u64, ino: u64, proj: u32) -> Key {
    Key(((proj & 0xff) << 24) | (((dev & 0xff) as u32) << 16) | ((ino & 0xffff) as u32))
}

/// A POSIX shared-memory object's name, as given to `shm_open`: one slash, then a file
/// name of `/dev/shm` (no other slash, not `.` or `..`, at most NAME_MAX bytes).
///
/// The file name is kept byte for byte, and shown as [`escape_bytes`] writes it: each byte
/// that is not part of UTF-8 text (which a file of `/dev/shm` may have) and each backslash
/// as `\xHH`, so that no two names read the same. A name given as text is read back from
/// that form: `\xHH` is the byte HH, any other backslash is itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PosixName {
    /// `/NAME` as shown.
    shown: String,
    /// `NAME` as the file has it.
    file: OsString,
}

impl PosixName {
    /// glibc keeps `sem_open("/x")` as `/dev/shm/sem.x`; `shm_open("/sem.x")` makes a file
    /// of that name too (see [`is_semaphore`]).
    pub const SEMAPHORE_PREFIX: &'static str = "sem.";
    /// glibc's `sizeof(sem_t)` on a 64-bit machine: the size of the file `sem_open` makes.
    pub const SEMAPHORE_SIZE: u64 = 32;
    /// The longest file name (NAME_MAX).
    pub const MAX_LEN: usize = 255;

    /// `/NAME`, as shown (see [`PosixName`]).
    pub fn as_str(&self) -> &str {
        &self.shown
    }

    /// `NAME`: the file in `/dev/shm`, byte for byte.
    pub fn file(&self) -> &OsStr {
        &self.file
    }

    /// The name of a file of `/dev/shm` (`NAME`, any bytes).
    pub fn from_file(file: &[u8]) -> std::result::Result<PosixName, String> {
        let shown = format!("/{}", escape_bytes(file));
        let shape = "a POSIX object is named as shm_open takes it: one slash, then up to 255 bytes without a slash, e.g. /myapp";
        if file.is_empty() || file.contains(&b'/') || file.contains(&0) {
            return Err(format!("'{shown}': {shape}"));
        }
        if file == b"." || file == b".." {
            return Err(format!("'{shown}': names no object (it is a directory)"));
        }
        if file.len() > Self::MAX_LEN {
            return Err(format!(
                "'{}...': {} bytes, longer than NAME_MAX ({})",
                shown.chars().take(16).collect::<String>(),
                file.len(),
                Self::MAX_LEN
            ));
        }
        Ok(PosixName {
            shown,
            file: OsStr::from_bytes(file).to_os_string(),
        })
    }
}

/// Whether a regular file of `/dev/shm` called `name` (`/NAME`, as shown) of `size` bytes
/// is a POSIX semaphore: glibc's `sem_open("/x")` makes `sem.x` of `sizeof(sem_t)` bytes.
/// A `sem.*` file of another size is shared memory (`shm_open("/sem.cache")` makes one).
pub fn is_semaphore(name: &str, size: u64) -> bool {
    name.strip_prefix('/')
        .is_some_and(|file| file.starts_with(PosixName::SEMAPHORE_PREFIX))
        && size == PosixName::SEMAPHORE_SIZE
}

/// Bytes as text that reads back as exactly these bytes ([`unescape`]): each byte that is
/// not part of UTF-8 text, and each backslash, as `\xHH`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => text.push_str("\\x5c"),
                c => text.push(c),
            }
        }
        for b in chunk.invalid() {
            text.push_str(&format!("\\x{b:02x}"));
        }
    }
    text
}

/// The bytes that [`escape_bytes`] wrote as `text`: `\xHH` (two hex digits) is the byte
/// HH; a backslash not followed by them is itself.
pub fn unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 4) {
            Some([b'\\', b'x', hi, lo]) if hi.is_ascii_hexdigit() && lo.is_ascii_hexdigit() => {
                u8::from_str_radix(&text[i + 2..i + 4], 16).ok()
            }
            _ => None,
        };
        match escaped {
            Some(b) => {
                out.push(b);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

impl fmt::Display for PosixName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl FromStr for PosixName {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text.strip_prefix('/') {
            Some(file) => PosixName::from_file(&unescape(file)),
            None => Err(format!(
                "'{text}': a POSIX object is named as shm_open takes it: one slash, then up to 255 bytes without a slash, e.g. /myapp"
            )),
        }
    }
}

/// What `info` and `rm` name: a segment, a POSIX object or a memfd.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectRef {
    Segment(SegmentRef),
    Posix(PosixName),
    /// `memfd:INODE`.
    Memfd(u64),
}

impl FromStr for ObjectRef {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        // A POSIX name is taken byte for byte: "/x " is another object than "/x" (and
        // " /x" none); only numbers and keys may carry spaces around them.
        if text.trim_start().starts_with('/') {
            return text.parse().map(ObjectRef::Posix);
        }
        let t = text.trim();
        if let Some(inode) = t.strip_prefix("memfd:") {
            return inode.parse().map(ObjectRef::Memfd).map_err(|_| {
                format!("'{text}': a memfd is named by its inode, e.g. memfd:524232")
            });
        }
        t.parse().map(ObjectRef::Segment).map_err(|_| {
            format!(
                "'{text}' is neither a shmid (a number from 0 to 2147483647), a key (0x1234), a POSIX object (/name) nor a memfd (memfd:INODE)"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_keys() {
        assert_eq!("42".parse(), Ok(SegmentRef::Id(ShmId(42))));
        assert_eq!("0x81000001".parse(), Ok(SegmentRef::Key(Key(0x8100_0001))));
        assert_eq!("0XFF".parse(), Ok(SegmentRef::Key(Key(0xff))));
        assert!("-1".parse::<SegmentRef>().is_err());
        assert!("abc".parse::<SegmentRef>().is_err());
        assert!("0x1ffffffff".parse::<SegmentRef>().is_err());
        assert!("2147483648".parse::<SegmentRef>().is_err());
        assert_eq!(parse_key("-2130706431"), Ok(Key(0x8100_0001)));
        assert_eq!(parse_key("4660"), Ok(Key(0x1234)));
        assert_eq!(parse_key("-2147483648"), Ok(Key(0x8000_0000)));
        assert!(parse_key("-2147483649").is_err());
    }

    #[test]
    fn ftok_specs() {
        assert_eq!(
            "/tmp:65".parse(),
            Ok(FtokSpec {
                path: "/tmp".into(),
                proj: 65
            })
        );
        assert_eq!(
            "/tmp".parse(),
            Ok(FtokSpec {
                path: "/tmp".into(),
                proj: 65
            })
        );
        assert_eq!(
            "/a:b".parse(),
            Ok(FtokSpec {
                path: "/a:b".into(),
                proj: 65
            })
        );
        assert!(
            "/tmp:"
                .parse::<FtokSpec>()
                .unwrap_err()
                .contains("expected a project id")
        );
        assert_eq!(ftok_from(0x1c4, 0x1234_a7c4, 65), Key(0x41c4_a7c4));
        assert_eq!(ftok_from(0, 0, 0x141), Key(0x4100_0000));
    }

    #[test]
    fn posix_names_are_checked_as_shm_open_does() {
        assert_eq!("/psm_1f2e".parse::<PosixName>().unwrap().file(), "psm_1f2e");
        assert!("/with space".parse::<PosixName>().is_ok());
        for bad in ["", "/", "noslash", "//x", "/a/b", "/.", "/..", "/a\0b"] {
            assert!(bad.parse::<PosixName>().is_err(), "{bad:?}");
        }
        let long = format!("/{}", "x".repeat(255));
        assert!(long.parse::<PosixName>().is_ok());
        let err = format!("{long}y").parse::<PosixName>().unwrap_err();
        assert!(err.contains("NAME_MAX"), "{err}");
        assert_eq!("/x".parse(), Ok(ObjectRef::Posix("/x".parse().unwrap())));
        let bad = PosixName::from_file(b"bad\xff\xfe.x").unwrap();
        assert_eq!(bad.as_str(), "/bad\\xff\\xfe.x");
        assert_eq!(bad.file().as_bytes(), b"bad\xff\xfe.x");
        assert_eq!(bad.as_str().parse(), Ok(bad.clone()), "read back as shown");
        // A real backslash is escaped too: the look-alike reads otherwise, and back.
        let look_alike = PosixName::from_file(b"bad\\xff\\xfe.x").unwrap();
        assert_eq!(look_alike.as_str(), "/bad\\x5cxff\\x5cxfe.x");
        assert_eq!(look_alike.as_str().parse(), Ok(look_alike.clone()));
        assert_ne!(look_alike, bad);
        // A backslash that starts no \xHH is itself.
        for (text, file) in [
            ("/a\\b", &b"a\\b"[..]),
            ("/a\\x4", b"a\\x4"),
            ("/\\x41\\", b"A\\"),
        ] {
            assert_eq!(text.parse::<PosixName>().unwrap().file().as_bytes(), file);
        }
        assert!(
            "/a\\x2fb".parse::<PosixName>().is_err(),
            "an escaped slash is a slash"
        );
        assert!(
            PosixName::from_file(b"sem.\xff").is_ok(),
            "shm_open takes it"
        );
        assert!(PosixName::from_file(b"a/\xff").is_err());
        let spaced: ObjectRef = "/x ".parse().unwrap();
        assert_eq!(spaced, ObjectRef::Posix("/x ".parse().unwrap()));
        assert_ne!(spaced, "/x".parse().unwrap(), "names are byte-exact");
        assert!(" /x".parse::<ObjectRef>().is_err());
        assert_eq!(
            " 42 ".parse(),
            Ok(ObjectRef::Segment(SegmentRef::Id(ShmId(42))))
        );
        assert_eq!("memfd:42".parse(), Ok(ObjectRef::Memfd(42)));
        assert!("memfd:x".parse::<ObjectRef>().is_err());
        assert_eq!(
            "0x10".parse(),
            Ok(ObjectRef::Segment(SegmentRef::Key(Key(0x10))))
        );
        assert!(
            "abc"
                .parse::<ObjectRef>()
                .unwrap_err()
                .contains("POSIX object (/name)")
        );
    }
}
