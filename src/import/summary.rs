//! Plain summaries of what was loaded, for `parkplan-cli info`, the layer list and tests.

use serde::Serialize;

use super::{Loaded, Problem, Severity};
use crate::model::{Lang, Layer};

/// One problem, as listed under its layer.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemSummary {
    /// The feature's index in its file, when the problem is about one feature.
    pub feature: Option<usize>,
    /// The feature's id, when it has one.
    pub feature_id: Option<String>,
    /// The stable machine code of the problem (`crs_missing_assumed` …).
    pub code: &'static str,
    /// What was wrong (in the summary's language).
    pub message: String,
    /// What was done (in the summary's language).
    pub action: String,
    /// How serious it is.
    pub severity: Severity,
}

/// What `info` says about one layer.
#[derive(Debug, Clone, Serialize)]
pub struct LayerSummary {
    /// The layer's name.
    pub name: String,
    /// The file it came from.
    pub path: String,
    /// Its role code.
    pub role: String,
    /// Why that role.
    pub role_reason: String,
    /// Number of features loaded.
    pub features: usize,
    /// Features per geometry type.
    pub geometry_types: std::collections::BTreeMap<String, usize>,
    /// The CRS the coordinates were read in (`EPSG:4525`), `null` when unknown.
    pub source_crs: Option<String>,
    /// That CRS in words.
    pub source_crs_name: Option<String>,
    /// How the CRS was decided.
    pub crs_reason: Option<String>,
    /// Whether the CRS was guessed rather than declared.
    pub crs_guessed: bool,
    /// Whether the axes were swapped back.
    pub axis_swapped: bool,
    /// The text encoding used.
    pub encoding: String,
    /// File size in bytes.
    pub bytes: u64,
    /// Extent in lon/lat: [min lon, min lat, max lon, max lat].
    pub bbox: Option<[f64; 4]>,
    /// Model field code → property name.
    pub fields: std::collections::BTreeMap<String, String>,
    /// Every problem of this layer's file.
    pub problems: Vec<ProblemSummary>,
}

/// A file that could not be loaded, or a problem with no layer to attach to.
#[derive(Debug, Clone, Serialize)]
pub struct FileError {
    /// The file or folder.
    pub path: String,
    /// The stable machine code of the problem.
    pub code: &'static str,
    /// What went wrong (in the summary's language).
    pub message: String,
    /// How serious it is.
    pub severity: Severity,
}

/// The whole `info` answer.
#[derive(Debug, Clone, Serialize)]
pub struct LoadSummary {
    /// The park's name.
    pub park: String,
    /// Each loaded layer.
    pub layers: Vec<LayerSummary>,
    /// Files that failed and problems not tied to a loaded layer.
    pub errors: Vec<FileError>,
}

fn layer_label(layer: &Layer) -> String {
    layer
        .source
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| layer.name.clone())
}

fn summarise_problem(p: &Problem, lang: Lang) -> ProblemSummary {
    ProblemSummary {
        feature: p.feature,
        feature_id: p.feature_id.clone(),
        code: p.code(),
        message: p.message(lang),
        action: p.action(lang),
        severity: p.severity,
    }
}

/// Summarises a load, its problems worded in `lang`.
pub fn summarise(loaded: &Loaded, lang: Lang) -> LoadSummary {
    let mut layers = Vec::new();
    let mut attached = vec![false; loaded.report.problems.len()];
    for layer in &loaded.park.layers {
        let path = layer_label(layer);
        let mut problems = Vec::new();
        for (i, p) in loaded.report.problems.iter().enumerate() {
            if p.file == path {
                attached[i] = true;
                problems.push(summarise_problem(p, lang));
            }
        }
        let bbox = layer
            .extent()
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        layers.push(LayerSummary {
            name: layer.name.clone(),
            path,
            role: layer.role.code().to_string(),
            role_reason: layer.role_reason.clone(),
            features: layer.len(),
            geometry_types: layer
                .geometry_type_counts()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            source_crs: layer.source.crs.as_ref().map(|d| d.crs.code()),
            source_crs_name: layer.source.crs.as_ref().map(|d| d.crs.describe()),
            crs_reason: layer.source.crs.as_ref().map(|d| d.reason.clone()),
            crs_guessed: layer.source.crs.as_ref().is_some_and(|d| d.guessed),
            axis_swapped: layer.source.crs.as_ref().is_some_and(|d| d.axis_swapped),
            encoding: layer.source.encoding.name().to_string(),
            bytes: layer.source.bytes,
            bbox,
            fields: layer
                .fields
                .iter()
                .map(|(f, c)| (f.code().to_string(), c.clone()))
                .collect(),
            problems,
        });
    }
    let errors = loaded
        .report
        .problems
        .iter()
        .zip(attached)
        .filter(|(_, a)| !a)
        .map(|(p, _)| FileError {
            path: p.file.clone(),
            code: p.code(),
            message: {
                let (m, a) = (p.message(lang), p.action(lang));
                if a.is_empty() {
                    m
                } else {
                    format!("{m} — {a}")
                }
            },
            severity: p.severity,
        })
        .collect();
    LoadSummary {
        park: loaded.park.name.clone(),
        layers,
        errors,
    }
}
