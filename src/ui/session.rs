//! The session: what is open right now. The park and its import report, the prepared
//! map geometry, and how each layer is shown (visibility, opacity, labels, style, list
//! order). Never persisted (only per-layer display choices are copied into settings).
//!
//! Panels read the session; only `App::apply` changes it, through commands.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use super::loader::Prepared;
use super::map::geometry::PlanarPark;
use super::settings::LayerPrefs;
use super::studies::Studies;
use crate::analysis::AnalysisSettings;
use crate::import::ImportReport;
use crate::model::{FeatureRef, LifecycleStage, Park, Role};
use crate::spatial::ParkIndex;

/// How one layer is shown, plus its counts for the layer list.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerDisplay {
    /// Shown or hidden.
    pub visible: bool,
    /// Opacity 0–1.
    pub opacity: f32,
    /// Labels on or off.
    pub labels: bool,
    /// The chosen style's index among the styles the layer offers.
    pub style: usize,
    /// Features loaded.
    pub features: usize,
    /// Problems the import report lists for the layer's file.
    pub problems: usize,
}

impl LayerDisplay {
    /// The persisted part.
    pub fn prefs(&self) -> LayerPrefs {
        LayerPrefs {
            visible: self.visible,
            opacity: self.opacity,
            labels: self.labels,
            style: self.style,
        }
    }
}

/// Everything about the open park.
#[derive(Debug)]
pub struct Session {
    /// The paths that were opened.
    pub sources: Vec<PathBuf>,
    /// The park (shared with analysis workers).
    pub park: Arc<Park>,
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
    /// The park's geometry in display metres.
    pub planar: PlanarPark,
    /// How each layer is shown, by layer index.
    pub display: Vec<LayerDisplay>,
    /// Layer indices in list order: the first is drawn last (on top), as in QGIS.
    pub order: Vec<usize>,
    /// Seconds the load took.
    pub load_seconds: f64,
    /// Project lifecycle stages hidden on the map (`None`: projects without a stage).
    pub hidden_stages: BTreeSet<Option<LifecycleStage>>,
    /// Features hidden by such filters, by layer (an empty vector hides nothing).
    pub hidden: Vec<Vec<bool>>,
}

/// The default place of a layer in the list: points above lines above polygons; within
/// those, the roles planners look at most stay on top.
fn default_rank(park: &Park, li: usize) -> (u8, u8, usize) {
    let layer = &park.layers[li];
    let counts = layer.geometry_type_counts();
    let polys = counts.get("Polygon").copied().unwrap_or(0)
        + counts.get("MultiPolygon").copied().unwrap_or(0);
    let lines = counts.get("LineString").copied().unwrap_or(0)
        + counts.get("MultiLineString").copied().unwrap_or(0);
    let points =
        counts.get("Point").copied().unwrap_or(0) + counts.get("MultiPoint").copied().unwrap_or(0);
    let family = if points >= lines.max(polys) {
        0
    } else if lines >= polys {
        1
    } else {
        2
    };
    let role = match layer.role {
        Role::Enterprises => 0,
        Role::Facilities => 1,
        Role::BusStops => 2,
        Role::Projects => 3,
        Role::BusRoutes => 4,
        Role::Roads => 5,
        Role::Parcels => 6,
        Role::Other => 7,
    };
    (family, role, li)
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
            planar,
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
        let display = park
            .layers
            .iter()
            .map(|l| {
                let file = l
                    .source
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let pref = prefs.get(&l.name);
                LayerDisplay {
                    visible: pref.is_none_or(|p| p.visible),
                    opacity: pref.map_or(1.0, |p| p.opacity.clamp(0.0, 1.0)),
                    labels: pref.is_none_or(|p| p.labels),
                    style: pref.map_or(0, |p| p.style),
                    features: l.len(),
                    problems: problems_by_file.get(file.as_str()).copied().unwrap_or(0),
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..park.layers.len()).collect();
        order.sort_by_key(|&li| default_rank(&park, li));
        Session {
            sources,
            park: Arc::new(park),
            index,
            index_error,
            studies,
            report: loaded.report,
            files_failed: loaded.files_failed,
            planar,
            display,
            order,
            load_seconds: seconds,
            hidden_stages: BTreeSet::new(),
            hidden: Vec::new(),
        }
    }

    /// Whether a filter hides this feature.
    pub fn is_hidden(&self, f: FeatureRef) -> bool {
        self.hidden
            .get(f.layer as usize)
            .and_then(|v| v.get(f.index as usize))
            .copied()
            .unwrap_or(false)
    }

    /// Shows or hides the projects of a lifecycle stage.
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
    }

    /// Visible layer indices, topmost first.
    pub fn visible_top_first(&self) -> Vec<usize> {
        self.order
            .iter()
            .copied()
            .filter(|&li| self.display.get(li).is_some_and(|d| d.visible))
            .collect()
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

    /// Moves a layer up (`delta < 0`) or down the list.
    pub fn move_layer(&mut self, li: usize, delta: i32) {
        let Some(pos) = self.order.iter().position(|&x| x == li) else {
            return;
        };
        let to = (pos as i64 + delta as i64).clamp(0, self.order.len() as i64 - 1) as usize;
        let v = self.order.remove(pos);
        self.order.insert(to, v);
    }
}
