//! [`Progress`]: a load's fraction done, current file and cancel flag, shared between
//! the loading thread and whoever watches it (the GUI's progress bar).
//!
//! Owns the counters only; it never reads files. The readers in this module add to it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Progress of a load, shared between the loading thread and whoever watches it.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
    current: Mutex<String>,
}

impl Progress {
    /// A fresh progress tracker.
    pub fn new() -> Progress {
        Progress::default()
    }
    /// Asks the load to stop at the next chunk.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
    /// Whether cancellation was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
    /// Fraction done, 0–1.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            0.0
        } else {
            (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32
        }
    }
    /// The file being read.
    pub fn current(&self) -> String {
        self.current.lock().map(|s| s.clone()).unwrap_or_default()
    }
    pub(super) fn add_total(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }
    pub(super) fn add_done(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }
    pub(super) fn set_current(&self, s: &str) {
        if let Ok(mut c) = self.current.lock() {
            *c = s.to_string();
        }
    }
}
