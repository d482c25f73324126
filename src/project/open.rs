//! The one way in. Every way ParkPlan opens data goes through this module: the command
//! line (of the desktop app and of `parkplan-cli`), File > Open, recent projects,
//! drag-and-drop, the intake dialog (a new map, or a layer added to the open one) and
//! crash recovery. Paths (GeoJSON files, folders, manifests, `.parkplan` projects)
//! become layer jobs here and are loaded by [`crate::import`]; a project comes back
//! beside the park it describes ([`Opened`], [`OpenedProject`]).
//!
//! Owns what a path is taken for, how a project's layers become jobs
//! ([`plan_project`]), and the rule that a project — or the recovery of a saved one —
//! never follows a layer path outside its folder without asking: such layers are listed
//! in `outside` for the caller to confirm, and only a second open with `allow_outside`
//! loads them. It must not read GeoJSON itself (import's job), nor apply a project to a
//! GUI session; no GUI here.

use std::path::{Path, PathBuf};

use super::{EXTENSION, ProjectError, ProjectFile, is_outside};
use crate::import::{
    self, ImportError, ImportReport, Issue, LayerJob, LayerOptions, Loaded, Problem, Progress,
    Severity,
};
use crate::model::Layer;

/// What paths opened to: the park (with the import report) and the planning project
/// among the paths, when there was one (its analysis and network settings then apply).
#[derive(Debug, Clone, Default)]
pub struct Opened {
    /// The park, the report and how many files failed.
    pub loaded: Loaded,
    /// The first `.parkplan` project among the paths.
    pub project: Option<ProjectFile>,
}

/// What [`plan_paths`] found: the layer jobs of every path, in order, the park name a
/// project or manifest gave, and the first project.
#[derive(Debug, Clone, Default)]
pub struct PathsPlan {
    /// Layers to load, in order.
    pub jobs: Vec<LayerJob>,
    /// The park's name, from the first project or manifest that gave one.
    pub name: Option<String>,
    /// The first `.parkplan` project among the paths.
    pub project: Option<ProjectFile>,
}

/// Expands paths into layer jobs: a `.parkplan` project into its layers (those outside
/// its folder are reported, not followed), anything else (files, folders, manifests)
/// through [`import::plan`]. A project that cannot be read is reported.
pub fn plan_paths(paths: &[PathBuf], report: &mut ImportReport) -> PathsPlan {
    let mut plan = PathsPlan::default();
    for path in paths {
        if path.extension().and_then(|e| e.to_str()) == Some(EXTENSION) {
            match ProjectFile::read(path) {
                Ok(p) => {
                    plan.jobs.extend(plan_project(&p, path, false, report).jobs);
                    plan.name = plan.name.or(Some(p.name.clone()));
                    plan.project = plan.project.or(Some(p));
                }
                Err(e) => report.push(Problem::file_level(
                    &path.display().to_string(),
                    Severity::Error,
                    Issue::ProjectUnreadable {
                        detail: e.to_string(),
                    },
                )),
            }
        } else {
            let (jobs, name) = import::plan(std::slice::from_ref(path), report);
            plan.jobs.extend(jobs);
            plan.name = plan.name.or(name);
        }
    }
    plan
}

/// Opens everything the paths name into one park, with the first project among them.
/// Files that fail are reported and skipped; only cancellation returns an error.
pub fn open_paths(paths: &[PathBuf], progress: Option<&Progress>) -> Result<Opened, ImportError> {
    let mut opened = open_paths_layers_only(paths, progress)?;
    import::build_records(&mut opened.loaded);
    Ok(opened)
}

/// Like [`open_paths`], but the park's typed records (parcels, enterprises …) are not
/// built: only its layers, as read, with the report. For callers that describe layers
/// (`parkplan-cli info`); `park.rebuild_records()` builds the records later.
pub fn open_paths_layers_only(
    paths: &[PathBuf],
    progress: Option<&Progress>,
) -> Result<Opened, ImportError> {
    let mut report = ImportReport::default();
    let (urls, files) = split_db_urls(paths);
    let plan = plan_paths(&files, &mut report);
    #[cfg_attr(not(feature = "db"), allow(unused_mut))]
    let mut loaded = import::load_jobs_layers_only(&plan.jobs, plan.name, report, progress)?;
    #[cfg(feature = "db")]
    for url in urls {
        let (opened, _) = open_database_layers_only(&url)?;
        if loaded.park.layers.is_empty() {
            loaded.park.name = opened.park.name;
        }
        loaded.park.layers.extend(opened.park.layers);
    }
    #[cfg(not(feature = "db"))]
    if let Some(url) = urls.first() {
        return Err(ImportError::Unreadable {
            file: url.clone(),
            format: "PostgreSQL",
            message: "this build of ParkPlan has no team database (cargo feature `db`)".into(),
        });
    }
    Ok(Opened {
        loaded,
        project: plan.project,
    })
}

/// Database URLs (`postgres://…?park=NAME`) among the paths, and the other paths.
fn split_db_urls(paths: &[PathBuf]) -> (Vec<String>, Vec<PathBuf>) {
    let mut urls = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        match p.to_str() {
            Some(s) if is_db_url(s) => urls.push(s.to_string()),
            _ => files.push(p.clone()),
        }
    }
    (urls, files)
}

/// Whether a path given on the command line or in a dialog is a database URL.
pub fn is_db_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

#[cfg(feature = "db")]
fn db_import_error(url: &str, e: crate::db::DbError) -> ImportError {
    ImportError::Unreadable {
        file: crate::db::DbUrl::parse(url)
            .map_or_else(|_| "postgres://…".into(), |u| u.display().to_string()),
        format: "PostgreSQL",
        message: e.to_string(),
    }
}

/// Opens a park from the team database (`postgres://…?park=NAME`) like a folder: its
/// layers as read (records not built), and what was loaded for saving edits back.
#[cfg(feature = "db")]
pub fn open_database_layers_only(url: &str) -> Result<(Loaded, crate::db::DbPark), ImportError> {
    let parsed = crate::db::DbUrl::parse(url).map_err(|e| db_import_error(url, e))?;
    open_database_url(&parsed).map_err(|e| db_import_error(url, e))
}

/// Opens a parsed database URL (with a password the desktop asked for, when needed).
#[cfg(feature = "db")]
pub fn open_database_url(
    url: &crate::db::DbUrl,
) -> Result<(Loaded, crate::db::DbPark), crate::db::DbError> {
    let mut client = crate::db::connect(url)?;
    let (park, db) = crate::db::open_park(&mut client, url)?;
    Ok((
        Loaded {
            park,
            report: ImportReport::default(),
            files_failed: 0,
        },
        db,
    ))
}

/// Opens a park from the team database with its typed records built (the desktop's
/// 文件 ▸ 打开数据库…).
#[cfg(feature = "db")]
pub fn open_database(
    url: &crate::db::DbUrl,
) -> Result<(Loaded, crate::db::DbPark), crate::db::DbError> {
    let (mut loaded, db) = open_database_url(url)?;
    import::build_records(&mut loaded);
    Ok((loaded, db))
}

/// Opens layer jobs the user set up (the intake dialog's role, CRS and field choices)
/// as a new park.
pub fn open_jobs(jobs: &[LayerJob], progress: Option<&Progress>) -> Result<Loaded, ImportError> {
    import::load_jobs(jobs, None, ImportReport::default(), progress)
}

/// Opens one layer job the user set up (the intake dialog's "add to the map"), to be
/// added to the open park: the layer and the problems found.
pub fn open_layer(
    job: &LayerJob,
    progress: Option<&Progress>,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    import::read_layer_file(&job.path, &job.options, progress)
}

/// What [`plan_project`] found: layers to load, and those left out for the caller to
/// confirm (paths outside the project folder).
#[derive(Debug, Clone, Default)]
pub struct ProjectPlan {
    /// Layers to load, in order.
    pub jobs: Vec<LayerJob>,
    /// Index into `jobs` → index into the project's layers.
    pub layer_of_job: Vec<usize>,
    /// Layers whose path leaves the project folder and was not allowed (index, resolved path).
    pub outside: Vec<(usize, PathBuf)>,
}

/// Turns a project's layers into load jobs. Paths outside the project folder are only
/// followed when `allow_outside` is set; otherwise they are listed in `outside`.
pub fn plan_project(
    project: &ProjectFile,
    project_path: &Path,
    allow_outside: bool,
    report: &mut ImportReport,
) -> ProjectPlan {
    let base = project_path.parent().unwrap_or(Path::new("."));
    let label = project_path.display().to_string();
    let mut plan = ProjectPlan::default();
    for (i, l) in project.layers.iter().enumerate() {
        let resolved = base.join(&l.path);
        if is_outside(&l.path) && !allow_outside {
            report.push(Problem::file_level(
                &label,
                Severity::Warning,
                Issue::LayerOutsideProject {
                    layer: l.name.clone(),
                    path: resolved.display().to_string(),
                },
            ));
            plan.outside.push((i, resolved));
            continue;
        }
        let (fields, crs) = import::manifest::layer_choices(
            &label,
            &format!("\"{}\"", l.name),
            &l.fields,
            l.crs.as_deref(),
            report,
        );
        plan.jobs.push(LayerJob {
            path: resolved,
            options: LayerOptions {
                name: Some(l.name.clone()),
                role: Some(l.role),
                role_reason: Some("set in the project".into()),
                fields,
                crs,
                gcj02: l.gcj02,
                table: None,
                datum_shift: import::manifest::shift_choice(
                    &label,
                    &format!("\"{}\"", l.name),
                    l.datum_shift,
                    report,
                ),
                part: l.part,
            },
        });
        plan.layer_of_job.push(i);
    }
    plan
}

/// An opened project: the park, the report, the project file, and which project layer
/// each park layer is (layers that failed to load are missing from the park).
#[derive(Debug, Clone)]
pub struct OpenedProject {
    /// The park and import report.
    pub loaded: Loaded,
    /// The project as read.
    pub project: ProjectFile,
    /// For each park layer, its index in `project.layers`.
    pub layer_of_park_layer: Vec<usize>,
    /// Layers outside the project folder that were not loaded.
    pub outside: Vec<(usize, PathBuf)>,
}

/// Opens a project: reads it, loads its layers (reporting missing or broken ones and
/// loading the rest), applies their roles, mappings and CRS choices.
pub fn open_project(
    path: &Path,
    allow_outside: bool,
    progress: Option<&Progress>,
) -> Result<OpenedProject, ProjectError> {
    let project = ProjectFile::read(path)?;
    let mut report = ImportReport::default();
    let plan = plan_project(&project, path, allow_outside, &mut report);
    let loaded = import::load_jobs(&plan.jobs, Some(project.name.clone()), report, progress)
        .map_err(|e| ProjectError::Invalid {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
    // Match loaded layers back to project layers by their file.
    let mut layer_of_park_layer = Vec::new();
    for layer in &loaded.park.layers {
        let idx = plan
            .jobs
            .iter()
            .position(|j| {
                Some(&j.path) == layer.source.path.as_ref() && j.options.part == layer.source.part
            })
            .map(|j| plan.layer_of_job[j])
            .unwrap_or(usize::MAX);
        layer_of_park_layer.push(idx);
    }
    Ok(OpenedProject {
        loaded,
        project,
        layer_of_park_layer,
        outside: plan.outside,
    })
}

/// Opens a recovery file (an autosave, see [`super::write_recovery`]) the way the
/// project it recovers opens: the recovery of a saved project lies beside that project
/// (`<project>.autosave`) and travels with its folder, so its layer paths outside the
/// folder are listed in `outside`, not followed, unless `allow_outside` — exactly as
/// [`open_project`] does for the project itself. The recovery of a project never saved
/// (`recovers` is `None`) lies in the app's own data folder, written there by ParkPlan
/// from the files the user opened, and has no project folder: its layers are followed.
pub fn open_recovery(
    recovery_file: &Path,
    recovers: Option<&Path>,
    allow_outside: bool,
    progress: Option<&Progress>,
) -> Result<OpenedProject, ProjectError> {
    open_project(recovery_file, allow_outside || recovers.is_none(), progress)
}
