//! Never losing work: the autosave timer and the recovery index.
//!
//! Every few minutes, while there are unsaved changes, the app writes the project as it
//! stands to a recovery file (`project::write_recovery`): beside a saved project as
//! `<project>.autosave` (`project::recovery_path`), or for a project never saved into
//! the app's data folder as `unsaved.parkplan.autosave`; edited layers go into the
//! recovery file's own `.data` folder, never over anything the user saved. The index
//! `recovery.json` in the app's data folder names the recovery file and the project it
//! belongs to, so the next start finds it after a crash and offers to recover. A clean
//! exit, a save, or "discard" removes the files.
//!
//! This module owns the index file and the timer; writing the project is `project`'s,
//! and so is reading it back ([`crate::project::open_recovery`], the same way in as
//! opening the project: a saved project's layers outside its folder are asked about).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::workspace::Task;

/// The index file's name in the recovery folder.
pub const INDEX_FILE: &str = "recovery.json";

/// The recovery file of a project never saved, in the recovery folder.
pub const UNSAVED_FILE: &str = "unsaved.parkplan.autosave";

/// How often the project is autosaved by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(180);

/// What the index says: the recovery file and the project it recovers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryIndex {
    /// The recovery file (a `.parkplan` JSON).
    pub recovery: PathBuf,
    /// The project file it belongs to (`None`: never saved).
    pub project: Option<PathBuf>,
    /// When it was written, seconds since 1970.
    pub written: u64,
}

/// Reads the index in `dir`, when it names a recovery file that still exists.
pub fn read_index(dir: &Path) -> Option<RecoveryIndex> {
    let text = std::fs::read_to_string(dir.join(INDEX_FILE)).ok()?;
    let idx: RecoveryIndex = serde_json::from_str(&text).ok()?;
    idx.recovery.is_file().then_some(idx)
}

/// Writes the index atomically.
pub fn write_index(dir: &Path, idx: &RecoveryIndex) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let text = serde_json::to_string_pretty(idx).unwrap_or_default();
    crate::save::write_atomic(&dir.join(INDEX_FILE), text.as_bytes(), false)
}

/// Removes a recovery: its file, its data folder, and the index when it names it.
pub fn discard(dir: Option<&Path>, recovery_file: &Path) {
    crate::project::remove_recovery(recovery_file);
    if let Some(dir) = dir
        && let Ok(text) = std::fs::read_to_string(dir.join(INDEX_FILE))
        && let Ok(idx) = serde_json::from_str::<RecoveryIndex>(&text)
        && idx.recovery == recovery_file
    {
        let _ = std::fs::remove_file(dir.join(INDEX_FILE));
    }
}

/// The recovery file for a project at `project` (or never saved), given the recovery
/// folder.
pub fn recovery_file_for(dir: &Path, project: Option<&Path>) -> PathBuf {
    match project {
        Some(p) => crate::project::recovery_path(p),
        None => dir.join(UNSAVED_FILE),
    }
}

/// Seconds since 1970, for the index.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The autosave timer and the write in flight.
pub struct Autosave {
    /// The app's recovery folder (`None`: autosave off, e.g. in tests that do not ask).
    pub dir: Option<PathBuf>,
    /// Time between autosaves while there are unsaved changes.
    pub interval: Duration,
    /// When the state last became dirty or was last autosaved.
    pub since: Instant,
    /// The recovery file last written, when any.
    pub written: Option<PathBuf>,
    /// The write in progress: the recovery file, or why it failed.
    pub task: Option<Task<Result<PathBuf, String>>>,
    /// The last autosave error.
    pub error: Option<String>,
}

impl std::fmt::Debug for Autosave {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Autosave")
            .field("dir", &self.dir)
            .field("interval", &self.interval)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl Default for Autosave {
    fn default() -> Self {
        Autosave {
            dir: None,
            interval: DEFAULT_INTERVAL,
            since: Instant::now(),
            written: None,
            task: None,
            error: None,
        }
    }
}

impl Autosave {
    /// Whether an autosave is due now.
    pub fn due(&self) -> bool {
        self.dir.is_some() && self.task.is_none() && self.since.elapsed() >= self.interval
    }

    /// Time left until the next autosave (for scheduling a repaint).
    pub fn remaining(&self) -> Duration {
        self.interval.saturating_sub(self.since.elapsed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_names_an_existing_recovery_only() {
        let dir = std::env::temp_dir().join(format!("parkplan-rec-idx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let rec = dir.join(UNSAVED_FILE);
        let idx = RecoveryIndex {
            recovery: rec.clone(),
            project: None,
            written: now_secs(),
        };
        write_index(&dir, &idx).unwrap();
        assert_eq!(read_index(&dir), None, "no recovery file yet");
        std::fs::write(&rec, "{}").unwrap();
        assert_eq!(read_index(&dir), Some(idx));
        discard(Some(&dir), &rec);
        assert!(!rec.exists() && !dir.join(INDEX_FILE).exists());
        assert_eq!(
            recovery_file_for(&dir, Some(Path::new("/x/规划.parkplan"))),
            PathBuf::from("/x/规划.parkplan.autosave")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
