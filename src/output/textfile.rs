//! A file that readers see whole or not at all (node_exporter's textfile collector reads
//! it at any moment): a temporary file in the same directory is written, flushed to disk
//! and given mode 0644, then renamed over the target, and the directory is flushed. Only
//! a regular file is replaced: a symbolic link, a device (`/dev/null`), a FIFO or a
//! directory at the target is refused, never followed or replaced. A run killed with
//! SIGKILL leaves its temporary file; the next run removes such files of its own once
//! they are [`STALE`].

use crate::error::{Error, Result, Status};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

/// How old a temporary file of a killed run must be before a later run removes it (one
/// being written now is far younger).
pub const STALE: Duration = Duration::from_secs(600);

/// The temporary files' names: `.NAME.` + 6 random characters + `.tmp`.
const RANDOM: usize = 6;

fn temporary_prefix(name: &str) -> String {
    format!(".{name}.")
}

fn failed(what: &str, path: &Path, e: std::io::Error) -> Error {
    let status = if e.kind() == std::io::ErrorKind::PermissionDenied {
        Status::PermissionDenied
    } else {
        Status::Failure
    };
    // tempfile adds ` at path "…"` (the temporary file's name, not the user's business).
    let reason = e.to_string();
    let reason = reason.split(" at path \"").next().unwrap_or_default();
    Error::new(status, format!("{what}{}: {reason}", path.display()))
}

/// Replace `path` with `bytes` in one step (errors say `textfile PATH: …`).
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(
        "textfile ",
        "a textfile replaces a regular file or makes a new one (name a path in node_exporter's textfile directory)",
        path,
        bytes,
    )
}

/// Replace `path` with `bytes` in one step; errors say `{what}PATH: …`, and `hint`
/// when the target is not a regular file.
pub fn replace_file(what: &str, hint: &str, path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::usage(format!("{what}{}: not a file name", path.display())))?;
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => {
            return Err(Error::usage(format!(
                "{what}{}: {}, not a regular file: {hint}",
                path.display(),
                kind_of(&meta.file_type())
            )));
        }
        _ => {}
    }
    // Not ending in .prom, so that the collector never reads it half-written.
    let name = name.to_string_lossy();
    let mut temp = tempfile::Builder::new()
        .prefix(&temporary_prefix(&name))
        .rand_bytes(RANDOM)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| failed(what, path, e))?;
    temp.write_all(bytes).map_err(|e| failed(what, path, e))?;
    let file = temp.as_file();
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
        .and_then(|()| file.sync_all())
        .map_err(|e| failed(what, path, e))?;
    temp.persist(path)
        .map_err(|e| failed(what, path, e.error))?;
    // The rename itself is on disk once the directory is.
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| failed(what, path, e))?;
    remove_stale(dir, &name);
    Ok(())
}

pub fn kind_of(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a directory"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

/// Remove the temporary files that killed runs left for `name` in `dir`: regular files of
/// this user, named as this module names them, older than [`STALE`].
fn remove_stale(dir: &Path, name: &str) {
    use std::os::unix::fs::MetadataExt;
    let prefix = temporary_prefix(name);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = nix::unistd::geteuid().as_raw();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let ours = n.len() == prefix.len() + RANDOM + ".tmp".len()
            && n.starts_with(&prefix)
            && n.ends_with(".tmp");
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE);
        if ours && meta.file_type().is_file() && meta.uid() == me && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shm.prom");
        replace(&path, b"one\n").unwrap();
        replace(&path, b"two\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["shm.prom"]);
    }

    #[test]
    fn what_a_killed_run_left_goes_once_it_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str, age: Duration| {
            let p = dir.path().join(name);
            std::fs::write(&p, b"x").unwrap();
            let f = std::fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(std::time::SystemTime::now() - age).unwrap();
            p
        };
        let stale = at(".shm.prom.a1B2c3.tmp", STALE * 2);
        let young = at(".shm.prom.d4E5f6.tmp", Duration::from_secs(5));
        let other = at(".other.prom.a1B2c3.tmp", STALE * 2);
        let longer = at(".shm.prom.a1B2c3x.tmp", STALE * 2);
        // Another user's file of that name is not ours to remove (root can make one).
        let planted = at(".shm.prom.g7H8i9.tmp", STALE * 2);
        let other_user = nix::unistd::geteuid().is_root()
            && nix::unistd::chown(&planted, Some(nix::unistd::Uid::from_raw(65534)), None).is_ok();
        let theirs = dir.path().join(".shm.prom.zzzzzz.tmp");
        std::os::unix::fs::symlink(&other, &theirs).unwrap();
        let long_ago = nix::sys::time::TimeSpec::new(1_000_000_000, 0);
        nix::sys::stat::utimensat(
            nix::fcntl::AT_FDCWD,
            &theirs,
            &long_ago,
            &long_ago,
            nix::sys::stat::UtimensatFlags::NoFollowSymlink,
        )
        .unwrap();
        replace(&dir.path().join("shm.prom"), b"metrics\n").unwrap();
        assert!(!stale.exists());
        for kept in [&young, &other, &longer] {
            assert!(kept.exists(), "{}", kept.display());
        }
        assert!(
            theirs.symlink_metadata().is_ok(),
            "an old link is not ours either"
        );
        assert_eq!(planted.exists(), other_user, "another user's file stays");
    }

    #[test]
    fn only_a_regular_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let path = dir.path().join("shm.prom");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        let e = replace(&path, b"metrics\n").unwrap_err();
        assert_eq!(e.status, Status::Usage);
        assert!(
            e.message.contains("a symbolic link, not a regular file"),
            "{e}"
        );
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(std::fs::symlink_metadata(&path).unwrap().is_symlink());
        let fifo = dir.path().join("fifo.prom");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let e = replace(&fifo, b"metrics\n").unwrap_err();
        assert!(e.message.contains("a FIFO"), "{e}");
        // A device node like /dev/null (made here, where only root may).
        let null = dir.path().join("null");
        let made = nix::sys::stat::mknod(
            &null,
            nix::sys::stat::SFlag::S_IFCHR,
            nix::sys::stat::Mode::from_bits_truncate(0o666),
            nix::sys::stat::makedev(1, 3),
        )
        .is_ok();
        if made {
            let e = replace(&null, b"metrics\n").unwrap_err();
            assert!(e.message.contains("a device"), "{e}");
            use std::os::unix::fs::FileTypeExt;
            assert!(
                std::fs::symlink_metadata(&null)
                    .unwrap()
                    .file_type()
                    .is_char_device()
            );
        }
        let e = replace(dir.path(), b"x").unwrap_err();
        assert!(e.message.contains("a directory"), "{e}");
        // No temporary file was made for any of them.
        let names = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(names, 3 + usize::from(made));
    }

    #[test]
    fn a_missing_directory_or_a_directory_target_is_one_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = replace(&dir.path().join("no/such/shm.prom"), b"x").unwrap_err();
        assert!(e.message.starts_with("textfile "), "{e}");
        let e = replace(dir.path(), b"x").unwrap_err();
        assert!(e.message.contains("textfile"), "{e}");
    }
}
