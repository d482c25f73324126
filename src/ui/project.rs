//! The desktop's side of planning projects (`*.parkplan`): which project is open (its
//! file, name, layers that could not be loaded), turning the session into a
//! [`ProjectFile`] to save (layer order, visibility, styles, reading choices, analysis
//! and network settings, the view, the export dialog's page) and applying an opened
//! project to a new session.
//!
//! Reading, writing and the file format are `crate::project`'s; this module only maps
//! between it and the session. No egui here.

use std::path::{Path, PathBuf};

use super::loader::ProjectOpened;
use super::session::{LayerMeta, Session};
use super::styles;
use crate::analysis::AnalysisSettings;
use crate::crs::Crs;
use crate::export::PageSpec;
use crate::model::Field;
use crate::network::NetworkSettings;
use crate::project::{self, PROJECT_VERSION, ProjectFile, ProjectLayer, SavedView};

/// The open project.
#[derive(Debug, Clone, Default)]
pub struct ProjectState {
    /// Its file; `None` until saved.
    pub path: Option<PathBuf>,
    /// Its name (the park's name for a new project).
    pub name: String,
    /// Layers of the project file that are not loaded (missing, broken, or outside the
    /// folder and not allowed), with their resolved files: kept so saving loses none.
    pub unloaded: Vec<(ProjectLayer, PathBuf)>,
    /// Network-analysis settings (speeds, tolerances) of a project with no map open (with
    /// a map, the session's studies hold them).
    pub network: NetworkSettings,
    /// Changes besides edits since the last save (styles, order, settings, layers).
    pub changed: bool,
    /// The export page settings as last saved or opened.
    pub saved_export: Option<PageSpec>,
}

impl ProjectState {
    /// A new project for a park.
    pub fn new(name: &str) -> ProjectState {
        ProjectState {
            name: name.to_string(),
            ..ProjectState::default()
        }
    }

    /// The name shown in the title bar: the file's name without extension, else the
    /// project's name.
    pub fn display_name(&self) -> String {
        self.path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.name.clone())
    }
}

/// A stored path (relative to `from_dir`, or absolute) made relative to `to_dir` when
/// the file is under it, else absolute.
fn rebase(abs: &Path, to_dir: &Path) -> String {
    project::relative_path(to_dir, abs).unwrap_or_else(|| abs.display().to_string())
}

/// Builds the project file to save at `path` from the session: layers in drawing order
/// with visibility, style and reading choices, then the layers that are not loaded.
/// Returns it with, for each park layer, its index in the file's layers.
pub fn build(
    session: &Session,
    state: &ProjectState,
    analysis: &AnalysisSettings,
    export: &PageSpec,
    view: Option<SavedView>,
    path: &Path,
) -> (ProjectFile, Vec<usize>) {
    let order: Vec<(usize, bool, Option<crate::render::style::LayerStyle>)> = session
        .ws
        .styles
        .layers
        .iter()
        .filter(|d| d.layer < session.ws.park.layers.len())
        .map(|d| (d.layer, d.visible, Some(d.style.clone())))
        .collect();
    let mut layers = project::describe_layers(&session.ws.park, path, &order);
    let base = path.parent().unwrap_or(Path::new("."));
    let mut layer_of = vec![usize::MAX; session.ws.park.layers.len()];
    for (pos, (li, _, _)) in order.iter().enumerate() {
        layer_of[*li] = pos;
        let meta = session.meta.get(*li).cloned().unwrap_or_default();
        let pl = &mut layers[pos];
        if let Some(c) = meta.crs {
            pl.crs = Some(c.code());
        }
        pl.gcj02 = meta.gcj02;
        if meta.datum_shift.is_some() {
            pl.datum_shift = meta.datum_shift;
        }
        if let Some(o) = &meta.original {
            pl.original = Some(rebase(o, base));
        }
        for f in &meta.unmapped {
            pl.fields.entry(f.code().to_string()).or_default();
        }
    }
    // A layer the list does not draw (should not happen) is still saved.
    for (li, slot) in layer_of.iter_mut().enumerate() {
        if *slot == usize::MAX {
            let mut extra = project::describe_layers(&session.ws.park, path, &[(li, true, None)]);
            *slot = layers.len();
            layers.append(&mut extra);
        }
    }
    for (pl, abs) in &state.unloaded {
        let mut pl = pl.clone();
        pl.path = rebase(abs, base);
        layers.push(pl);
    }
    let name = if state.name.trim().is_empty() {
        session.ws.park.name.clone()
    } else {
        state.name.clone()
    };
    (
        ProjectFile {
            parkplan_project: PROJECT_VERSION,
            gtfs: session.ws.gtfs.clone(),
            name,
            layers,
            analysis: analysis.clone(),
            network: session.ws.studies.network_settings.clone(),
            reach: session
                .ws
                .studies
                .reach
                .iter()
                .filter(|(_, c)| **c != crate::analysis::ReachChoice::default())
                .map(|(k, c)| (k.code().to_string(), *c))
                .collect(),
            view,
            print: serde_json::to_value(export).unwrap_or(serde_json::Value::Null),
        },
        layer_of,
    )
}

/// After a save: the reading choices the file now records (edited layers were written
/// as copies that declare their CRS, so their overrides are gone).
pub fn meta_after_save(session: &mut Session, file: &ProjectFile, layer_of: &[usize], path: &Path) {
    let base = path.parent().unwrap_or(Path::new("."));
    for (li, &pi) in layer_of.iter().enumerate() {
        let (Some(pl), Some(m)) = (file.layers.get(pi), session.meta.get_mut(li)) else {
            continue;
        };
        m.crs = pl.crs.as_deref().and_then(|c| Crs::parse(c).ok());
        m.gcj02 = pl.gcj02;
        m.datum_shift = pl.datum_shift;
        m.original = pl.original.as_ref().map(|o| base.join(o));
    }
}

/// Applies an opened project to its new session: the file's layer order (park layers
/// come in the file's order), visibility, styles and style choices, and the reading
/// choices per layer. Returns the project state (layers not loaded included).
pub fn apply_to_session(session: &mut Session, opened: &ProjectOpened) -> ProjectState {
    let file = &opened.file;
    let base = opened.path.parent().unwrap_or(Path::new("."));
    let mut displays = Vec::new();
    for (li, &pi) in opened.layer_of_park_layer.iter().enumerate() {
        let Some(layer) = session.ws.park.layers.get(li) else {
            continue;
        };
        let mut d = session
            .ws
            .styles
            .display_of(li)
            .cloned()
            .unwrap_or_else(|| crate::render::LayerDisplay {
                layer: li,
                visible: true,
                style: crate::render::style::LayerStyle::default_for(layer),
            });
        if let Some(pl) = file.layers.get(pi) {
            d.visible = pl.visible;
            if let Some(st) = &pl.style {
                d.style = st.clone();
                let options = styles::options(layer);
                if let Some(i) = options
                    .iter()
                    .position(|(_, o)| o.symbology == st.symbology)
                    && let Some(c) = session.style_choice.get_mut(li)
                {
                    *c = i;
                }
            }
            if let Some(m) = session.meta.get_mut(li) {
                *m = LayerMeta {
                    crs: pl.crs.as_deref().and_then(|c| Crs::parse(c).ok()),
                    gcj02: pl.gcj02,
                    datum_shift: pl.datum_shift,
                    original: pl.original.as_ref().map(|o| base.join(o)),
                    unmapped: pl
                        .fields
                        .iter()
                        .filter(|(_, col)| col.is_empty())
                        .filter_map(|(code, _)| Field::from_code(code))
                        .collect(),
                };
            }
        }
        displays.push((pi, d));
    }
    // Drawing order: the file's order.
    displays.sort_by_key(|(pi, _)| *pi);
    session.ws.styles.layers = displays.into_iter().map(|(_, d)| d).collect();
    session.styles_changed();
    let loaded: std::collections::BTreeSet<usize> =
        opened.layer_of_park_layer.iter().copied().collect();
    let unloaded = file
        .layers
        .iter()
        .enumerate()
        .filter(|(i, _)| !loaded.contains(i))
        .map(|(_, pl)| (pl.clone(), base.join(&pl.path)))
        .collect();
    ProjectState {
        path: Some(opened.path.clone()),
        name: file.name.clone(),
        unloaded,
        network: file.network.clone(),
        changed: false,
        saved_export: serde_json::from_value(file.print.clone()).ok(),
    }
}
