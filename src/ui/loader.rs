//! Loading off the UI thread: a named worker reads the files ([`crate::import`]) and
//! prepares the map geometry, reporting progress through [`import::Progress`] and
//! honouring its cancel flag. The UI polls [`LoadJob::poll`] each frame.
//!
//! Owns the worker thread and its channel; knows nothing about panels.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use eframe::egui;

use crate::crs::FrameKind;
use crate::import::{self, ImportError, Loaded, Progress};
use crate::render::ProjectedPark;
use crate::spatial::{ParkIndex, frame_for};

/// What a finished load produced.
pub struct Prepared {
    /// The paths that were asked for.
    pub sources: Vec<PathBuf>,
    /// The park and the import report.
    pub loaded: Loaded,
    /// The park's geometry in display metres, with R*-trees.
    pub projected: ProjectedPark,
    /// The analysis index (R*-trees in the analysis frame), or why it failed.
    pub index: Result<ParkIndex, String>,
    /// How long reading and preparing took.
    pub seconds: f64,
}

/// How a load ended.
pub enum Outcome {
    /// Something loaded (maybe with problems).
    Done(Box<Prepared>),
    /// The user cancelled.
    Cancelled,
    /// Nothing could be loaded; the message says why (and the report, when any).
    Failed(String, Option<Box<Loaded>>),
}

/// A load in progress.
pub struct LoadJob {
    /// The paths being loaded.
    pub paths: Vec<PathBuf>,
    /// Shared with the worker: fraction, current file, cancel.
    pub progress: Arc<Progress>,
    rx: Receiver<Outcome>,
    /// When it started.
    pub started: Instant,
}

impl LoadJob {
    /// Starts loading `paths` on a worker thread named `parkplan-load`. The worker asks
    /// `ctx` to repaint when it is done.
    pub fn start(paths: Vec<PathBuf>, frame: FrameKind, ctx: egui::Context) -> LoadJob {
        let progress = Arc::new(Progress::new());
        let (tx, rx) = channel();
        let job_paths = paths.clone();
        let p = progress.clone();
        let spawned = std::thread::Builder::new()
            .name("parkplan-load".into())
            .spawn(move || {
                let outcome = run(&job_paths, frame, &p);
                // The receiver may be gone if the app closed; nothing to do then.
                let _ = tx.send(outcome);
                ctx.request_repaint();
            });
        let (tx2, rx2) = channel();
        let rx = match spawned {
            Ok(_) => rx,
            Err(e) => {
                let _ = tx2.send(Outcome::Failed(
                    format!("cannot start the loading thread: {e}"),
                    None,
                ));
                rx2
            }
        };
        LoadJob {
            paths,
            progress,
            rx,
            started: Instant::now(),
        }
    }

    /// The outcome, once the worker has finished.
    pub fn poll(&self) -> Option<Outcome> {
        match self.rx.try_recv() {
            Ok(o) => Some(o),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Outcome::Failed(
                "the loading thread stopped unexpectedly".into(),
                None,
            )),
        }
    }

    /// Asks the worker to stop.
    pub fn cancel(&self) {
        self.progress.cancel();
    }
}

/// The worker's body: read, then project for display and build the analysis index in
/// a frame of the given family.
pub fn run(paths: &[PathBuf], frame: FrameKind, progress: &Progress) -> Outcome {
    let t0 = Instant::now();
    let loaded = match import::load_paths(paths, Some(progress)) {
        Ok(l) => l,
        Err(ImportError::Cancelled) => return Outcome::Cancelled,
        Err(e) => return Outcome::Failed(e.to_string(), None),
    };
    if progress.is_cancelled() {
        return Outcome::Cancelled;
    }
    if loaded.park.layers.is_empty() {
        let why = loaded
            .report
            .problems
            .iter()
            .find(|p| p.severity == import::Severity::Error)
            .map(|p| p.describe())
            .unwrap_or_else(|| "no GeoJSON layer found".to_string());
        return Outcome::Failed(why, Some(Box::new(loaded)));
    }
    let (projected, index) = rayon::join(
        || ProjectedPark::new(&loaded.park),
        || {
            ParkIndex::build(&loaded.park, frame_for(&loaded.park, frame))
                .map_err(|e| e.to_string())
        },
    );
    let projected = match projected {
        Ok(p) => p,
        Err(e) => {
            return Outcome::Failed(format!("cannot build the display projection: {e}"), None);
        }
    };
    if progress.is_cancelled() {
        return Outcome::Cancelled;
    }
    Outcome::Done(Box::new(Prepared {
        sources: paths.to_vec(),
        loaded,
        projected,
        index,
        seconds: t0.elapsed().as_secs_f64(),
    }))
}
