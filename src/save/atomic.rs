//! Atomic file writes: write a temporary file in the same folder, flush it to disk, then
//! rename it over the target. A failed write never touches the existing file; with
//! `keep_backup` the previous version is kept as `<name>.bak`.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The `.bak` path kept beside a file.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

/// A fresh temporary name beside `path`: process id plus a per-process counter, so
/// concurrent writes (threads or processes) never share a temporary file.
fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}-{n}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Writes `bytes` to `path` atomically. The existing file (if any) is replaced only when
/// the new content was completely written; with `keep_backup` it is kept as `.bak`.
pub fn write_atomic(path: &Path, bytes: &[u8], keep_backup: bool) -> io::Result<()> {
    write_atomic_with(path, keep_backup, |f| f.write_all(bytes))
}

/// Like [`write_atomic`], with the content produced by a writer callback (so large
/// outputs stream to disk). An error from the callback leaves the target untouched.
pub fn write_atomic_with(
    path: &Path,
    keep_backup: bool,
    write: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    write_atomic_path(path, keep_backup, |tmp| {
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)?;
        let mut w = io::BufWriter::new(file);
        write(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    })
}

/// Like [`write_atomic`], for writers that need a path rather than a stream (a SQLite
/// database such as a GeoPackage): `write` creates the file at the temporary path it is
/// given (beside `path`), which then replaces `path`. An error leaves the target
/// untouched and removes the temporary file.
pub fn write_atomic_path(
    path: &Path,
    keep_backup: bool,
    write: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        ));
    }
    let tmp = temp_path(path);
    // Flushed to disk before the rename. Windows flushes only through a handle opened
    // for writing (a read-only one gives "Access denied", os error 5).
    let result =
        write(&tmp).and_then(|()| fs::OpenOptions::new().write(true).open(&tmp)?.sync_all());
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    replace_with(&tmp, path, keep_backup)
}

/// Moves the finished temporary file over `path`, keeping a `.bak` when asked.
fn replace_with(tmp: &Path, path: &Path, keep_backup: bool) -> io::Result<()> {
    if keep_backup && path.exists() {
        let bak = backup_path(path);
        if let Err(e) = fs::copy(path, &bak) {
            let _ = fs::remove_file(tmp);
            return Err(io::Error::new(
                e.kind(),
                format!("cannot keep a backup {}: {e}", bak.display()),
            ));
        }
    }
    if let Err(e) = fs::rename(tmp, path) {
        let _ = fs::remove_file(tmp);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "parkplan-atomic-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn replaces_and_keeps_a_backup() {
        let d = dir();
        let p = d.join("a.txt");
        write_atomic(&p, b"one", true).unwrap();
        assert!(!backup_path(&p).exists());
        write_atomic(&p, b"two", true).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read(backup_path(&p)).unwrap(), b"one");
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn an_interrupted_write_leaves_the_old_file_intact() {
        let d = dir();
        let p = d.join("b.txt");
        write_atomic(&p, b"old", false).unwrap();
        let e = write_atomic_with(&p, true, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("disk full"))
        });
        assert!(e.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"old");
        // No temporary file is left behind.
        let left: Vec<_> = fs::read_dir(&d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn a_target_that_cannot_be_replaced_is_an_error_and_leaves_no_temp() {
        let d = dir();
        let blocked = d.join("blocked");
        fs::create_dir_all(blocked.join("inner")).unwrap();
        assert!(write_atomic(&blocked, b"x", false).is_err());
        assert!(blocked.join("inner").is_dir());
        let temps = fs::read_dir(&d)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(temps, 0);
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        assert!(write_atomic(Path::new("/nonexistent-parkplan/x.txt"), b"x", false).is_err());
    }
}
