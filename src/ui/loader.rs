//! Loading off the UI thread: a named worker opens the files the one way in
//! ([`crate::project::open`]: paths, projects, the intake's jobs, recoveries) and
//! prepares the map geometry, reporting progress through [`import::Progress`] and
//! honouring its cancel flag. The UI polls [`LoadJob::poll`] each frame. The analysis
//! index is not on this path: the session builds it on a worker once the map can be
//! drawn (see [`crate::ui::session::Session::new`]), so the first view does not wait
//! for it.
//!
//! Owns the worker thread and its channel; knows nothing about panels.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use eframe::egui;

use crate::crs::FrameKind;
use crate::import::{self, ImportError, LayerJob, Loaded, Progress};
use crate::project::{self, OpenedProject, ProjectFile};
use crate::render::ProjectedPark;

/// What a finished load produced.
pub struct Prepared {
    /// The paths that were asked for.
    pub sources: Vec<PathBuf>,
    /// The park and the import report.
    pub loaded: Loaded,
    /// The park's geometry in display metres, with R*-trees.
    pub projected: ProjectedPark,
    /// The family of metric frame the analysis index is to be built in (the project's,
    /// else the one asked for).
    pub frame: FrameKind,
    /// How long reading and preparing took.
    pub seconds: f64,
    /// The project, when a `.parkplan` file was opened.
    pub project: Option<ProjectOpened>,
    /// The team database the park came from (文件 ▸ 打开数据库…).
    pub db: Option<crate::db::DbPark>,
}

/// A project as opened: the file, which project layer each park layer is, and the
/// layers left out (paths outside the project folder, not allowed).
#[derive(Debug, Clone)]
pub struct ProjectOpened {
    /// The `.parkplan` file read.
    pub path: PathBuf,
    /// Its content.
    pub file: ProjectFile,
    /// For each park layer, its index in `file.layers`.
    pub layer_of_park_layer: Vec<usize>,
    /// Layers outside the project folder that were not loaded.
    pub outside: Vec<(usize, PathBuf)>,
}

/// What to load.
#[derive(Debug, Clone)]
pub enum LoadWhat {
    /// Files, folders, manifests (and projects, read the simple way).
    Paths(Vec<PathBuf>),
    /// A `.parkplan` project; paths outside its folder only when allowed.
    Project {
        /// The project file.
        path: PathBuf,
        /// Follow layer paths outside the project folder.
        allow_outside: bool,
    },
    /// Layer jobs with the user's choices (the intake dialog), as a new park.
    Jobs(Vec<LayerJob>),
    /// A recovery file (autosave) after a crash; a saved project's recovery follows
    /// paths outside the project folder only when allowed ([`project::open_recovery`]).
    Recovery {
        /// The recovery file.
        recovery: PathBuf,
        /// The project file it recovers (`None`: never saved).
        recovers: Option<PathBuf>,
        /// Follow layer paths outside the project folder.
        allow_outside: bool,
    },
    /// A park in the team database (password, when asked for, kept in memory only).
    Database(crate::db::DbUrl),
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

/// The first error of a load that gave no layer, in `lang`: why nothing was loaded.
pub fn first_error(loaded: &Loaded, lang: crate::model::Lang) -> Option<String> {
    loaded
        .report
        .problems
        .iter()
        .find(|p| p.severity == import::Severity::Error)
        .map(|p| p.describe(lang))
}

impl LoadJob {
    /// Starts loading `paths` on a worker thread named `parkplan-load`. The worker asks
    /// `ctx` to repaint when it is done.
    pub fn start(paths: Vec<PathBuf>, frame: FrameKind, ctx: egui::Context) -> LoadJob {
        LoadJob::start_what(LoadWhat::Paths(paths), frame, ctx)
    }

    /// Starts loading anything [`LoadWhat`] names on a worker thread.
    pub fn start_what(what: LoadWhat, frame: FrameKind, ctx: egui::Context) -> LoadJob {
        let paths = match &what {
            LoadWhat::Paths(p) => p.clone(),
            LoadWhat::Project { path, .. } => vec![path.clone()],
            LoadWhat::Recovery { recovery, .. } => vec![recovery.clone()],
            LoadWhat::Jobs(j) => j.iter().map(|j| j.path.clone()).collect(),
            LoadWhat::Database(url) => vec![db_source(url)],
        };
        let progress = Arc::new(Progress::new());
        let (tx, rx) = channel();
        let p = progress.clone();
        let spawned = std::thread::Builder::new()
            .name("parkplan-load".into())
            .spawn(move || {
                let outcome = run_what(&what, frame, &p);
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

/// The worker's body: read, then project for display. `frame` is the family of the
/// analysis frame (a project's own setting wins), handed on in [`Prepared::frame`].
pub fn run(paths: &[PathBuf], frame: FrameKind, progress: &Progress) -> Outcome {
    run_what(&LoadWhat::Paths(paths.to_vec()), frame, progress)
}

/// [`run`] for anything [`LoadWhat`] names. A project opens even when none of its
/// layers could be loaded (its file still holds the settings, and the problems say why).
pub fn run_what(what: &LoadWhat, frame: FrameKind, progress: &Progress) -> Outcome {
    let t0 = Instant::now();
    let mut db = None;
    let (loaded, opened, paths) = match what {
        LoadWhat::Database(url) => match project::open_database(url) {
            Ok((l, d)) => {
                db = Some(d);
                (l, None, vec![db_source(url)])
            }
            Err(e) => return Outcome::Failed(e.to_string(), None),
        },
        LoadWhat::Paths(paths) => match project::open_paths(paths, Some(progress)) {
            Ok(o) => (o.loaded, None, paths.clone()),
            Err(ImportError::Cancelled) => return Outcome::Cancelled,
            Err(e) => return Outcome::Failed(e.to_string(), None),
        },
        LoadWhat::Jobs(jobs) => match project::open_jobs(jobs, Some(progress)) {
            Ok(l) => (l, None, jobs.iter().map(|j| j.path.clone()).collect()),
            Err(ImportError::Cancelled) => return Outcome::Cancelled,
            Err(e) => return Outcome::Failed(e.to_string(), None),
        },
        LoadWhat::Project {
            path,
            allow_outside,
        } => match project::open_project(path, *allow_outside, Some(progress)) {
            Ok(o) => project_opened(path, o),
            Err(e) => return Outcome::Failed(e.to_string(), None),
        },
        LoadWhat::Recovery {
            recovery,
            recovers,
            allow_outside,
        } => match project::open_recovery(
            recovery,
            recovers.as_deref(),
            *allow_outside,
            Some(progress),
        ) {
            Ok(o) => project_opened(recovery, o),
            Err(e) => return Outcome::Failed(e.to_string(), None),
        },
    };
    let frame = opened.as_ref().map_or(frame, |o| o.file.analysis.frame);
    if progress.is_cancelled() {
        return Outcome::Cancelled;
    }
    if loaded.park.layers.is_empty() && opened.is_none() {
        // Worded again in the UI's language when shown (`first_error`).
        let why = first_error(&loaded, crate::model::Lang::En)
            .unwrap_or_else(|| "no GeoJSON layer found".to_string());
        return Outcome::Failed(why, Some(Box::new(loaded)));
    }
    let projected = match ProjectedPark::new(&loaded.park) {
        Ok(p) => p,
        Err(e) => {
            return Outcome::Failed(format!("cannot build the display projection: {e}"), None);
        }
    };
    if progress.is_cancelled() {
        return Outcome::Cancelled;
    }
    Outcome::Done(Box::new(Prepared {
        sources: paths,
        loaded,
        projected,
        frame,
        seconds: t0.elapsed().as_secs_f64(),
        project: opened,
        db,
    }))
}

/// The source a database park is listed under (its URL with the park, no password).
fn db_source(url: &crate::db::DbUrl) -> PathBuf {
    PathBuf::from(url.with_park(url.park.as_deref().unwrap_or_default()))
}

/// A project (or recovery) opened from `path`, as [`run_what`] hands it on.
fn project_opened(path: &Path, o: OpenedProject) -> (Loaded, Option<ProjectOpened>, Vec<PathBuf>) {
    (
        o.loaded,
        Some(ProjectOpened {
            path: path.to_path_buf(),
            file: o.project,
            layer_of_park_layer: o.layer_of_park_layer,
            outside: o.outside,
        }),
        vec![path.to_path_buf()],
    )
}
