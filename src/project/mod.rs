//! Planning projects (`*.parkplan`): a versioned, human-readable JSON file that keeps a
//! planning map between sittings — its layers (paths relative to the project file,
//! roles, field mappings, CRS choices, GCJ-02 correction), their styles, visibility and
//! order, the analysis settings, the view and the print settings.
//!
//! Saving is atomic and keeps the previous version as `.bak`. Edited layers are written
//! beside the project (in `<name>.data/`), never over the survey files they came from.
//! Opening never follows a path outside the project's folder silently: such layers are
//! listed for the caller to confirm. A layer whose file is missing or broken is reported
//! and the rest opens. A file written by a newer ParkPlan is refused with a clear message.
//! No GUI here.
//!
//! [`open`] is the one way in: every way ParkPlan opens data — paths on the command
//! line, File > Open, recent projects, drag-and-drop, the intake dialog, crash recovery
//! — goes through it (its items are re-exported here). This module owns the project
//! file itself (reading, saving, recovery copies); [`crate::import`] reads the GeoJSON
//! and never names projects.

pub mod open;

pub use open::{
    Opened, OpenedProject, PathsPlan, ProjectPlan, open_jobs, open_layer, open_paths,
    open_paths_layers_only, open_project, open_recovery, plan_paths, plan_project,
};
#[cfg(feature = "db")]
pub use open::{open_database, open_database_layers_only, open_database_url};

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::AnalysisSettings;
use crate::import;
use crate::model::{Park, Role};
use crate::network::NetworkSettings;
use crate::render::style::LayerStyle;
use crate::save::{self, WriteCrs};

/// The project format version this build writes and reads.
pub const PROJECT_VERSION: u32 = 1;

/// The file extension of projects.
pub const EXTENSION: &str = "parkplan";

/// One layer of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectLayer {
    /// The GeoJSON file, relative to the project file (forward slashes).
    pub path: String,
    /// The file the layer was first read from, when `path` is an edited copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// The name shown.
    pub name: String,
    /// The role code.
    pub role: Role,
    /// Model field code → property name.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
    /// The CRS chosen for the file (when it was not declared or guessed right).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crs: Option<String>,
    /// Whether GCJ-02 correction applies.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gcj02: bool,
    /// The survey's shift from an older datum (Xi'an 1980, Beijing 1954) to CGCS2000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datum_shift: Option<crate::crs::DatumShift>,
    /// Which part of a file holding several kinds of geometry the layer is (`lines`,
    /// `points`, `polygons`); absent for the whole file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<crate::model::GeomFamily>,
    /// Drawn or not.
    #[serde(default = "yes")]
    pub visible: bool,
    /// Its style (the default for its role when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<LayerStyle>,
}

fn yes() -> bool {
    true
}

/// The saved view: centre and zoom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    /// Centre, [lon, lat].
    pub centre_lon_lat: [f64; 2],
    /// Metres per screen pixel.
    pub metres_per_pixel: f64,
}

/// A planning project as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectFile {
    /// Format version.
    pub parkplan_project: u32,
    /// The project's name.
    pub name: String,
    /// Layers in drawing order (first drawn first).
    pub layers: Vec<ProjectLayer>,
    /// Analysis settings (radii per facility kind, catchment, frame).
    #[serde(default)]
    pub analysis: AnalysisSettings,
    /// Network settings (speeds, tolerances) for isochrones.
    #[serde(default)]
    pub network: NetworkSettings,
    /// Per facility kind (by its code, e.g. `service_centre`): shown and counted by its
    /// circle or by an isochrone along roads. Kinds not listed use their circle; codes
    /// this version does not know are ignored when the project is applied.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub reach: std::collections::BTreeMap<String, crate::analysis::ReachChoice>,
    /// The last view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<SavedView>,
    /// Print settings (paper, scale, title …) as the export dialog keeps them.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub print: serde_json::Value,
    /// GTFS export settings (headway, service hours and days, speed, agency); absent
    /// in older projects, which get the defaults (an added member: the format version
    /// stays 1).
    #[serde(default, skip_serializing_if = "is_default_gtfs")]
    pub gtfs: crate::model::gtfs::GtfsSettings,
}

fn is_default_gtfs(g: &crate::model::gtfs::GtfsSettings) -> bool {
    *g == crate::model::gtfs::GtfsSettings::default()
}

/// Errors opening or saving a project.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Not a project file.
    #[error("{path}: not a ParkPlan project: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// Written by a newer ParkPlan.
    #[error(
        "{path}: this project was saved by a newer ParkPlan (format {found}; this version reads up to {PROJECT_VERSION}). Please update ParkPlan to open it."
    )]
    TooNew {
        /// The file.
        path: String,
        /// Its version.
        found: u32,
    },
    /// A layer could not be saved.
    #[error(transparent)]
    Save(#[from] save::SaveError),
}

impl ProjectFile {
    /// Reads a project file's text.
    pub fn parse(text: &str, path: &str) -> Result<ProjectFile, ProjectError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ProjectError::Invalid {
                path: path.into(),
                message: e.to_string(),
            })?;
        let version = v
            .get("parkplan_project")
            .and_then(|x| x.as_u64())
            .ok_or_else(|| ProjectError::Invalid {
                path: path.into(),
                message: "no \"parkplan_project\" version member".into(),
            })?;
        if version > PROJECT_VERSION as u64 {
            return Err(ProjectError::TooNew {
                path: path.into(),
                found: version.min(u32::MAX as u64) as u32,
            });
        }
        serde_json::from_value(v).map_err(|e| ProjectError::Invalid {
            path: path.into(),
            message: e.to_string(),
        })
    }

    /// Reads a project file.
    pub fn read(path: &Path) -> Result<ProjectFile, ProjectError> {
        let label = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ProjectError::Io {
            path: label.clone(),
            source,
        })?;
        let text = import::text::decode(&bytes).text.into_owned();
        ProjectFile::parse(&text, &label)
    }

    /// The project as pretty JSON (what [`ProjectFile::write`] saves).
    pub fn to_json(&self) -> String {
        // Which ParkPlan wrote the file ("ParkPlan 0.1.0"): for people and support; the
        // format itself is versioned by `parkplan_project`. Ignored when read.
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        match text.strip_prefix("{\n") {
            Some(rest) => format!(
                "{{\n  \"written_by\": \"ParkPlan {}\",\n{rest}",
                env!("CARGO_PKG_VERSION")
            ),
            None => text,
        }
    }

    /// Saves atomically, keeping the previous version as `.bak`.
    pub fn write(&self, path: &Path) -> Result<(), ProjectError> {
        save::write_atomic(path, self.to_json().as_bytes(), true).map_err(|source| {
            ProjectError::Io {
                path: path.display().to_string(),
                source,
            }
        })
    }
}

/// The folder edited layers of a project are written to: `<project stem>.data/`.
pub fn data_dir(project_path: &Path) -> PathBuf {
    let stem = project_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    project_path.with_file_name(format!("{stem}.data"))
}

/// The recovery file autosave writes for a project: `<project>.autosave`.
pub fn recovery_path(project_path: &Path) -> PathBuf {
    let mut name = project_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".autosave");
    project_path.with_file_name(name)
}

/// `to` relative to folder `base`, with forward slashes; `None` when `to` is not under
/// `base` (the path is then stored absolute).
pub fn relative_path(base: &Path, to: &Path) -> Option<String> {
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    let to_c = std::fs::canonicalize(to).unwrap_or_else(|_| to.to_path_buf());
    let rel = to_c.strip_prefix(&base).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Whether a stored layer path leaves the project folder (absolute, or climbing `..`).
pub fn is_outside(stored: &str) -> bool {
    let p = Path::new(stored);
    p.is_absolute()
        || p.has_root()
        || p.components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
}

/// Describes the park's layers as project layers (paths relative to the project when
/// under its folder, absolute otherwise), with the given styles and visibility.
pub fn describe_layers(
    park: &Park,
    project_path: &Path,
    display: &[(usize, bool, Option<LayerStyle>)],
) -> Vec<ProjectLayer> {
    let base = project_path.parent().unwrap_or(Path::new("."));
    let entry = |i: usize, visible: bool, style: Option<LayerStyle>| {
        let l = &park.layers[i];
        let path = l
            .source
            .path
            .as_ref()
            .map(|p| relative_path(base, p).unwrap_or_else(|| p.display().to_string()))
            .unwrap_or_default();
        ProjectLayer {
            path,
            original: None,
            name: l.name.clone(),
            role: l.role,
            fields: l
                .fields
                .iter()
                .map(|(f, c)| (f.code().to_string(), c.clone()))
                .collect(),
            crs: l
                .source
                .crs
                .as_ref()
                .filter(|d| d.guessed)
                .map(|d| d.crs.code()),
            gcj02: false,
            datum_shift: l.source.crs.as_ref().and_then(|d| d.shift),
            part: l.source.part,
            visible,
            style,
        }
    };
    if display.is_empty() {
        (0..park.layers.len())
            .map(|i| entry(i, true, None))
            .collect()
    } else {
        display
            .iter()
            .filter(|(i, _, _)| *i < park.layers.len())
            .map(|(i, v, s)| entry(*i, *v, s.clone()))
            .collect()
    }
}

/// Saves a project: edited layers (`edited`, park layer indices) are written as GeoJSON
/// into the project's data folder (in their source CRS, never over the source file) and
/// the project then points at those copies; finally the project file is written
/// atomically with a `.bak` of the previous version.
///
/// A layer whose file already is a copy in the data folder (from an earlier save) is
/// written over that copy; a new copy gets a file name no other layer of the park uses.
pub fn save_project(
    project: &mut ProjectFile,
    park: &mut Park,
    layer_of_park_layer: &[usize],
    edited: &std::collections::BTreeSet<usize>,
    path: &Path,
) -> Result<(), ProjectError> {
    if !edited.is_empty() {
        let dir = data_dir(path);
        let targets = write_layer_copies(park, edited, &dir)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for (li, target) in targets {
            let Some(layer) = park.layers.get_mut(li) else {
                continue;
            };
            let original = layer.source.path.replace(target.clone());
            // The copy declares its CRS: nothing is guessed any more.
            if let Some(d) = &mut layer.source.crs {
                d.guessed = false;
                d.axis_swapped = false;
            }
            if let Some(&pi) = layer_of_park_layer.get(li)
                && let Some(pl) = project.layers.get_mut(pi)
            {
                if pl.original.is_none() && original.as_ref() != Some(&target) {
                    pl.original = original.map(|o| {
                        relative_path(base, &o).unwrap_or_else(|| o.display().to_string())
                    });
                }
                pl.path =
                    relative_path(base, &target).unwrap_or_else(|| target.display().to_string());
                // The copy declares its CRS; no override is needed any more.
                pl.crs = None;
                pl.gcj02 = false;
                pl.datum_shift = None;
                pl.part = None;
            }
        }
    }
    project.parkplan_project = PROJECT_VERSION;
    project.write(path)
}

/// Writes the `edited` layers of a park into `dir` (created when missing), each in its
/// source CRS, and returns where each went. A layer already read from a file in `dir`
/// is written over that file (it is ParkPlan's own copy); otherwise the file is named
/// after the layer, made unique against every other layer's file. Never writes over a
/// layer's source file outside `dir`.
pub fn write_layer_copies(
    park: &Park,
    edited: &std::collections::BTreeSet<usize>,
    dir: &Path,
) -> Result<Vec<(usize, PathBuf)>, ProjectError> {
    std::fs::create_dir_all(dir).map_err(|source| ProjectError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let dir_c = canon(dir);
    let in_dir = |p: &Path| canon(p).starts_with(&dir_c);
    // Files other layers read from: never reuse their names.
    let sources: Vec<PathBuf> = park
        .layers
        .iter()
        .filter_map(|l| l.source.path.as_deref().map(canon))
        .collect();
    let mut taken: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &li in edited {
        let Some(layer) = park.layers.get(li) else {
            continue;
        };
        // A part of a file holding several kinds of geometry is never written over that
        // file (the other parts would be lost): it gets a copy of its own.
        let own = layer
            .source
            .path
            .as_deref()
            .filter(|p| in_dir(p) && layer.source.part.is_none());
        let target = match own {
            Some(p) if !taken.contains(&canon(p)) => p.to_path_buf(),
            _ => {
                let stem = sanitize(&layer.name, li);
                let mut k = 1;
                loop {
                    let name = if k == 1 {
                        format!("{stem}.geojson")
                    } else {
                        format!("{stem}_{k}.geojson")
                    };
                    let t = dir.join(name);
                    let tc = canon(&t);
                    if !taken.contains(&tc) && !sources.contains(&tc) {
                        break t;
                    }
                    k += 1;
                }
            }
        };
        let overwrite = own.is_some_and(|p| canon(p) == canon(&target));
        save::save_layer(layer, &target, WriteCrs::Source, overwrite)?;
        taken.insert(canon(&target));
        out.push((li, target));
    }
    Ok(out)
}

/// The folder a recovery file keeps its edited layers in: `<recovery file name>.data/`.
pub fn recovery_data_dir(recovery_file: &Path) -> PathBuf {
    let mut name = recovery_file
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".data");
    recovery_file.with_file_name(name)
}

/// Writes a recovery copy of a project (autosave): the project JSON to `recovery_file`
/// and the `edited` layers into [`recovery_data_dir`], never over anything the user
/// saved. Nothing in `park` or `project` changes. `project`'s layer paths are relative
/// to `project_dir`; they are rewritten relative to the recovery file's folder (or
/// absolute when they are not under it). `layer_of_park_layer` maps park layers to
/// `project.layers`.
pub fn write_recovery(
    project: &ProjectFile,
    park: &Park,
    layer_of_park_layer: &[usize],
    edited: &std::collections::BTreeSet<usize>,
    project_dir: &Path,
    recovery_file: &Path,
) -> Result<(), ProjectError> {
    let mut copy = project.clone();
    let to_dir = recovery_file.parent().unwrap_or(Path::new("."));
    let rebase = |stored: &str| -> String {
        let abs = if Path::new(stored).is_absolute() {
            PathBuf::from(stored)
        } else {
            project_dir.join(stored)
        };
        relative_path(to_dir, &abs).unwrap_or_else(|| abs.display().to_string())
    };
    for pl in &mut copy.layers {
        pl.path = rebase(&pl.path);
        if let Some(o) = &pl.original {
            pl.original = Some(rebase(o));
        }
    }
    if !edited.is_empty() {
        let dir = recovery_data_dir(recovery_file);
        for (li, target) in write_layer_copies(park, edited, &dir)? {
            if let Some(&pi) = layer_of_park_layer.get(li)
                && let Some(pl) = copy.layers.get_mut(pi)
            {
                if pl.original.is_none()
                    && let Some(src) = &park.layers[li].source.path
                {
                    pl.original = Some(
                        relative_path(to_dir, src).unwrap_or_else(|| src.display().to_string()),
                    );
                }
                pl.path =
                    relative_path(to_dir, &target).unwrap_or_else(|| target.display().to_string());
                pl.crs = None;
                pl.gcj02 = false;
                pl.datum_shift = None;
                pl.part = None;
            }
        }
    }
    copy.parkplan_project = PROJECT_VERSION;
    save::write_atomic(recovery_file, copy.to_json().as_bytes(), false).map_err(|source| {
        ProjectError::Io {
            path: recovery_file.display().to_string(),
            source,
        }
    })
}

/// Removes a recovery file and its data folder (after a clean exit or a save).
pub fn remove_recovery(recovery_file: &Path) {
    let _ = std::fs::remove_file(recovery_file);
    let _ = std::fs::remove_dir_all(recovery_data_dir(recovery_file));
}

fn sanitize(name: &str, i: usize) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.trim_matches('_').is_empty() {
        format!("layer{i}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_versions_are_refused_clearly() {
        let e = ProjectFile::parse(
            r#"{"parkplan_project": 7, "name": "x", "layers": []}"#,
            "a.parkplan",
        )
        .unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("newer ParkPlan") && m.contains("a.parkplan"),
            "{m}"
        );
        assert!(ProjectFile::parse("{}", "b.parkplan").is_err());
        assert!(ProjectFile::parse("not json", "c.parkplan").is_err());
    }

    #[test]
    fn outside_paths_are_recognised() {
        assert!(is_outside("../secret/x.geojson"));
        assert!(is_outside("/etc/x.geojson"));
        assert!(is_outside("a/../../x.geojson"));
        assert!(!is_outside("地块.geojson"));
        assert!(!is_outside("sub/地块.geojson"));
    }

    #[test]
    fn round_trips_through_json() {
        let p = ProjectFile {
            parkplan_project: PROJECT_VERSION,
            gtfs: Default::default(),
            name: "荆州".into(),
            layers: vec![ProjectLayer {
                path: "地块.geojson".into(),
                original: None,
                name: "地块".into(),
                role: Role::Parcels,
                fields: [("status".to_string(), "审批状态".to_string())]
                    .into_iter()
                    .collect(),
                crs: Some("EPSG:2436".into()),
                gcj02: true,
                datum_shift: Some(
                    crate::crs::DatumShift::from_params(
                        &[-12.5, 134.2, 61.3, 0.35, -2.1, 1.8, -3.2],
                        crate::crs::Rotation::CoordinateFrame,
                    )
                    .unwrap(),
                ),
                part: Some(crate::model::GeomFamily::Lines),
                visible: false,
                style: None,
            }],
            analysis: AnalysisSettings::default(),
            network: NetworkSettings::default(),
            reach: Default::default(),
            view: Some(SavedView {
                centre_lon_lat: [112.35, 30.32],
                metres_per_pixel: 7.5,
            }),
            print: serde_json::json!({"paper": "A3"}),
        };
        let text = p.to_json();
        assert!(text.contains(&format!(
            "\"written_by\": \"ParkPlan {}\"",
            env!("CARGO_PKG_VERSION")
        )));
        let back = ProjectFile::parse(&text, "x").unwrap();
        assert_eq!(back, p);
    }
}
