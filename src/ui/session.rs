//! The session: what is open right now. The park and its import report, its planar copy
//! for drawing ([`ProjectedPark`]), the analysis index, and how each layer is drawn
//! ([`MapStyles`]: order, visibility, style, opacity, labels) plus the filters the
//! projects panel sets. Never persisted (per-layer display choices are copied into
//! settings by name).
//!
//! Panels read the session; only `App::apply` changes it, through commands.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use super::loader::Prepared;
use super::settings::LayerPrefs;
use super::studies::Studies;
use super::styles;
use crate::analysis::AnalysisSettings;
use crate::import::ImportReport;
use crate::model::{FeatureRef, LifecycleStage, Park};
use crate::render::style::{Classifier, Symbology};
use crate::render::{LayerDisplay, MapStyles, ProjectedPark};
use crate::spatial::ParkIndex;

/// Counts shown in the layer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LayerInfo {
    /// Features loaded.
    pub features: usize,
    /// Problems the import report lists for the layer's file.
    pub problems: usize,
}

/// Everything about the open park.
#[derive(Debug)]
pub struct Session {
    /// The paths that were opened.
    pub sources: Vec<PathBuf>,
    /// The park (shared with workers).
    pub park: Arc<Park>,
    /// The park in planar display metres with R*-trees (shared with workers).
    pub projected: Arc<ProjectedPark>,
    /// The analysis index, shared with workers; `None` when it could not be built.
    pub index: Option<Arc<ParkIndex>>,
    /// Why the index could not be built.
    pub index_error: Option<String>,
    /// Analysis settings, results, focus and overlay.
    pub studies: Studies,
    /// Every problem the import found.
    pub report: ImportReport,
    /// Files that could not be loaded at all.
    pub files_failed: usize,
    /// Layer order (first drawn first) and styles as the user set them.
    pub styles: MapStyles,
    /// The style option chosen per layer (index into `styles::options`), by layer.
    pub style_choice: Vec<usize>,
    /// Counts per layer.
    pub info: Vec<LayerInfo>,
    /// Increases with every change of `styles` or the filters (the map rebuilds).
    pub styles_version: u64,
    /// The styles as drawn (filters applied), rebuilt when the version changes.
    drawn: Arc<MapStyles>,
    /// Seconds the load took.
    pub load_seconds: f64,
    /// Project lifecycle stages hidden on the map (`None`: projects without a stage).
    pub hidden_stages: BTreeSet<Option<LifecycleStage>>,
    /// Features hidden by such filters, by layer (an empty vector hides nothing).
    hidden: Vec<Vec<bool>>,
}

impl Session {
    /// A session from a finished load, applying remembered display choices by layer
    /// name.
    pub fn new(
        p: Prepared,
        prefs: &std::collections::BTreeMap<String, LayerPrefs>,
        analysis: AnalysisSettings,
    ) -> Session {
        let Prepared {
            sources,
            loaded,
            projected,
            index,
            seconds,
        } = p;
        let (index, index_error) = match index {
            Ok(i) => (Some(Arc::new(i)), None),
            Err(e) => (None, Some(e)),
        };
        let studies = Studies::new(&loaded.park, index.as_deref(), analysis);
        let park = loaded.park;
        let mut problems_by_file: HashMap<&str, usize> = HashMap::new();
        for pr in &loaded.report.problems {
            *problems_by_file.entry(pr.file.as_str()).or_default() += 1;
        }
        let info = park
            .layers
            .iter()
            .map(|l| {
                let file = l
                    .source
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                LayerInfo {
                    features: l.len(),
                    problems: problems_by_file.get(file.as_str()).copied().unwrap_or(0),
                }
            })
            .collect();
        let mut map_styles = MapStyles::default_for(&park);
        let mut style_choice = vec![0; park.layers.len()];
        for d in &mut map_styles.layers {
            let Some(layer) = park.layers.get(d.layer) else {
                continue;
            };
            if let Some(p) = prefs.get(&layer.name) {
                let options = styles::options(layer);
                if let Some((_, style)) = options.get(p.style) {
                    d.style = style.clone();
                    style_choice[d.layer] = p.style;
                }
                d.visible = p.visible;
                d.style.opacity = p.opacity.clamp(0.0, 1.0);
                d.style.labels_visible = p.labels;
            }
        }
        let mut s = Session {
            sources,
            park: Arc::new(park),
            projected: Arc::new(projected),
            index,
            index_error,
            studies,
            report: loaded.report,
            files_failed: loaded.files_failed,
            drawn: Arc::new(map_styles.clone()),
            styles: map_styles,
            style_choice,
            info,
            styles_version: 0,
            load_seconds: seconds,
            hidden_stages: BTreeSet::new(),
            hidden: Vec::new(),
        };
        s.styles_changed();
        s
    }

    /// Call after changing `styles` or the filters: bumps the version and rebuilds the
    /// drawn styles.
    pub fn styles_changed(&mut self) {
        self.styles_version += 1;
        let mut drawn = self.styles.clone();
        for d in &mut drawn.layers {
            if let Some(rule) = &mut d.style.label {
                rule.size *= super::theme::SCREEN_LABEL_SCALE;
            }
        }
        if !self.hidden_stages.is_empty() {
            for d in &mut drawn.layers {
                if let Symbology::Categorized {
                    classifier: Classifier::LifecycleStage,
                    categories,
                    other,
                } = &mut d.style.symbology
                {
                    categories.retain(|c| {
                        !self
                            .hidden_stages
                            .contains(&LifecycleStage::parse(&c.value))
                    });
                    if self.hidden_stages.contains(&None) {
                        *other = None;
                    }
                }
            }
        }
        self.drawn = Arc::new(drawn);
    }

    /// The styles as drawn, with filters applied.
    pub fn drawn_styles(&self) -> Arc<MapStyles> {
        self.drawn.clone()
    }

    /// How a layer is drawn.
    pub fn display(&self, li: usize) -> Option<&LayerDisplay> {
        self.styles.display_of(li)
    }

    /// How a layer is drawn, to change it (call [`Session::styles_changed`] after).
    pub fn display_mut(&mut self, li: usize) -> Option<&mut LayerDisplay> {
        self.styles.display_of_mut(li)
    }

    /// Layer indices in list order: the first is drawn last (on top), as in QGIS.
    pub fn list_order(&self) -> Vec<usize> {
        self.styles.layers.iter().rev().map(|d| d.layer).collect()
    }

    /// Visible layer indices, topmost first.
    pub fn visible_top_first(&self) -> Vec<usize> {
        self.styles
            .layers
            .iter()
            .rev()
            .filter(|d| d.visible)
            .map(|d| d.layer)
            .collect()
    }

    /// Whether a filter hides this feature.
    pub fn is_hidden(&self, f: FeatureRef) -> bool {
        self.hidden
            .get(f.layer as usize)
            .and_then(|v| v.get(f.index as usize))
            .copied()
            .unwrap_or(false)
    }

    /// Shows or hides the projects of a lifecycle stage (on the map and to picking).
    pub fn set_stage_visible(&mut self, stage: Option<LifecycleStage>, shown: bool) {
        if shown {
            self.hidden_stages.remove(&stage);
        } else {
            self.hidden_stages.insert(stage);
        }
        let mut hidden: Vec<Vec<bool>> = vec![Vec::new(); self.park.layers.len()];
        for p in &self.park.projects {
            if self.hidden_stages.contains(&p.stage) {
                let li = p.feature.layer as usize;
                if let Some(v) = hidden.get_mut(li) {
                    if v.is_empty() {
                        v.resize(self.park.layers[li].len(), false);
                    }
                    if let Some(slot) = v.get_mut(p.feature.index as usize) {
                        *slot = true;
                    }
                }
            }
        }
        self.hidden = hidden;
        self.styles_changed();
    }

    /// A feature's display name: its record name when it has one, else its id.
    pub fn feature_name(&self, f: FeatureRef) -> String {
        let Some(layer) = self.park.layer_of(f) else {
            return String::new();
        };
        let i = f.index as usize;
        layer
            .field_text(i, crate::model::Field::Name)
            .unwrap_or_else(|| layer.display_id(i))
    }

    /// The lon/lat of a representative point of a feature.
    pub fn feature_lon_lat(&self, f: FeatureRef) -> Option<[f64; 2]> {
        let g = self.park.geometry(f)?;
        crate::model::representative_point(g).map(|p| [p.x(), p.y()])
    }

    /// Moves a layer up (`delta < 0`, towards the top of the list, drawn later) or
    /// down the list.
    pub fn move_layer(&mut self, li: usize, delta: i32) {
        let v = &mut self.styles.layers;
        let Some(pos) = v.iter().position(|d| d.layer == li) else {
            return;
        };
        // The list is the drawing order reversed.
        let to = (pos as i64 - delta as i64).clamp(0, v.len() as i64 - 1) as usize;
        let d = v.remove(pos);
        v.insert(to, d);
        self.styles_changed();
    }
}
