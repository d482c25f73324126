//! Reading a list of planned [`LayerJob`]s into one park ([`load_jobs`]), files
//! concurrently, with every problem in one [`ImportReport`]; the [`Loaded`] outcome.
//!
//! Owns the job loop and the report's file-level errors. It must not plan paths or know
//! about projects: `project::open` is the way in that turns paths and projects
//! into jobs and calls this.

use rayon::prelude::*;

use super::error::error_message;
use super::{ImportError, ImportReport, LayerJob, Problem, Progress, Severity, read_layer_file};
use crate::model::{Layer, Park};

/// A load's outcome: the park, the report, and how many files failed.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The park built from every layer that could be read.
    pub park: Park,
    /// Every problem found.
    pub report: ImportReport,
    /// Files that could not be loaded at all.
    pub files_failed: usize,
}

/// Loads planned layer jobs into one park (see [`super::plan()`]), its typed records
/// (parcels, enterprises …) built. Files that fail are reported and skipped; only
/// cancellation returns an error. `park_name` names the park (else the first file's
/// folder does).
pub fn load_jobs(
    jobs: &[LayerJob],
    park_name: Option<String>,
    report: ImportReport,
    progress: Option<&Progress>,
) -> Result<Loaded, ImportError> {
    let mut loaded = load_jobs_layers_only(jobs, park_name, report, progress)?;
    loaded.park.rebuild_records();
    Ok(loaded)
}

/// Like [`load_jobs`], but the park's typed records are not built: only its layers, as
/// read, with the report. For callers that describe layers (`parkplan-cli info`);
/// `park.rebuild_records()` builds the records later.
pub fn load_jobs_layers_only(
    jobs: &[LayerJob],
    park_name: Option<String>,
    mut report: ImportReport,
    progress: Option<&Progress>,
) -> Result<Loaded, ImportError> {
    if let Some(p) = progress {
        let total: u64 = jobs
            .iter()
            .map(|j| std::fs::metadata(&j.path).map(|m| m.len()).unwrap_or(0))
            .sum();
        p.add_total(total.max(1));
    }
    let mut layers = Vec::new();
    let mut files_failed = 0;
    // Files are read concurrently (each also parses in parallel inside), so one file's
    // serial steps overlap another's parsing; results are taken in job order.
    let results: Vec<Result<(Layer, Vec<Problem>), ImportError>> = jobs
        .par_iter()
        .with_max_len(1)
        .map(|job| {
            if progress.is_some_and(|p| p.is_cancelled()) {
                return Err(ImportError::Cancelled);
            }
            if let Some(p) = progress {
                p.set_current(&job.path.display().to_string());
            }
            read_layer_file(&job.path, &job.options, progress)
        })
        .collect();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((layer, problems)) => {
                for p in problems {
                    report.push(p);
                }
                layers.push(layer);
            }
            Err(ImportError::Cancelled) => return Err(ImportError::Cancelled),
            Err(e) => {
                files_failed += 1;
                report.push(Problem::file_level(
                    &job.path.display().to_string(),
                    Severity::Error,
                    error_message(&e),
                    "the file was not loaded",
                ));
            }
        }
    }
    let name = park_name.unwrap_or_else(|| {
        jobs.first()
            .and_then(|j| j.path.parent())
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ParkPlan".to_string())
    });
    Ok(Loaded {
        park: Park {
            name,
            layers,
            ..Park::default()
        },
        report,
        files_failed,
    })
}
