//! Shared helpers for the integration tests.

#![allow(dead_code)]

#[cfg(feature = "db")]
pub mod pg;

use std::path::{Path, PathBuf};

use parkplan::import::Loaded;
use parkplan::project::{self, Opened};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample map.
pub fn sample_dir() -> PathBuf {
    root().join("maps").join("jingzhou-etdz")
}

/// A fixture under tests/data.
pub fn data(rel: &str) -> PathBuf {
    root().join("tests").join("data").join(rel)
}

/// Opens paths the one way in (`project::open`), panicking only on cancellation
/// (which tests never ask for).
pub fn open(paths: &[&Path]) -> Opened {
    let v: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
    project::open_paths(&v, None).expect("not cancelled")
}

/// Loads paths (the park and report of [`open`]).
pub fn load(paths: &[&Path]) -> Loaded {
    open(paths).loaded
}

/// Loads the sample map.
pub fn load_sample() -> Loaded {
    load(&[&sample_dir()])
}

/// The shared corpus beside the repository, when it exists.
pub fn corpus_dir() -> Option<PathBuf> {
    let p = root().join("..").join("shared").join("corpus");
    p.is_dir().then_some(p)
}

/// This test process's scratch folder, `<temp>/parkplan-tests/<pid>` (created): tests put
/// their files under it. The first time a process asks, the folders of test processes that
/// have ended are removed (Linux: a process has ended when `/proc/<pid>` is gone), so test
/// runs do not pile folders up in the system's temporary folder.
pub fn scratch() -> PathBuf {
    static ONCE: std::sync::Once = std::sync::Once::new();
    let root = std::env::temp_dir().join("parkplan-tests");
    let me = std::process::id();
    ONCE.call_once(|| {
        let proc_fs = std::path::Path::new("/proc");
        if !proc_fs.join("self").exists() {
            return;
        }
        for e in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            let ended = e
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|pid| pid != me && !proc_fs.join(pid.to_string()).exists());
            if ended {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    });
    let dir = root.join(me.to_string());
    std::fs::create_dir_all(&dir).expect("the test process's scratch folder");
    dir
}

/// Writes `contents` to `name` in a fresh temporary folder for test `tag` (emptied
/// first); returns the file's path.
pub fn write_temp(tag: &str, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let dir = crate::common::scratch().join(format!("parkplan-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join(name);
    std::fs::write(&file, contents).expect("the file written");
    file
}
