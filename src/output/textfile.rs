//! A file that readers see whole or not at all (node_exporter's textfile collector reads
//! it at any moment): a temporary file in the same directory is written, flushed to disk
//! and given mode 0644, then renamed over the target, and the directory is flushed. A
//! symbolic link planted at the target is replaced, never followed.

use crate::error::{Error, Result, Status};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn failed(path: &Path, e: std::io::Error) -> Error {
    let status = if e.kind() == std::io::ErrorKind::PermissionDenied {
        Status::PermissionDenied
    } else {
        Status::Failure
    };
    // tempfile adds ` at path "…"` (the temporary file's name, not the user's business).
    let reason = e.to_string();
    let reason = reason.split(" at path \"").next().unwrap_or_default();
    Error::new(status, format!("textfile {}: {reason}", path.display()))
}

/// Replace `path` with `bytes` in one step.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::usage(format!("textfile {}: not a file name", path.display())))?;
    // Not ending in .prom, so that the collector never reads it half-written.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| failed(path, e))?;
    temp.write_all(bytes).map_err(|e| failed(path, e))?;
    let file = temp.as_file();
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
        .and_then(|()| file.sync_all())
        .map_err(|e| failed(path, e))?;
    temp.persist(path).map_err(|e| failed(path, e.error))?;
    // The rename itself is on disk once the directory is.
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| failed(path, e))
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
    fn a_planted_link_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let path = dir.path().join("shm.prom");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        replace(&path, b"metrics\n").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(!std::fs::symlink_metadata(&path).unwrap().is_symlink());
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
