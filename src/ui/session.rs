//! The session: what is open right now. The park and its import report, its planar copy
//! for drawing ([`ProjectedPark`]), the analysis index, and how each layer is drawn
//! ([`MapStyles`]: order, visibility, style, opacity, labels) plus the filters the
//! projects panel sets. Never persisted (per-layer display choices are copied into
//! settings by name).
//!
//! Panels read the session; only `App::apply` changes it, through commands. Edits go
//! through the session's [`History`] ([`Session::apply_edit`], undo, redo): the park's
//! records are rebuilt, the edited layer re-projected for drawing at once, and the
//! analysis index rebuilt on a worker, after which the analysis recomputes.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use super::loader::Prepared;
use super::settings::LayerPrefs;
use super::styles;
use crate::analysis::AnalysisSettings;
use crate::crs::Crs;
use crate::import::Problem;
use crate::model::{Edit, EditError, FeatureRef, Field, History, Layer, LifecycleStage};
use crate::render::style::{Classifier, Symbology};
use crate::render::{LayerDisplay, MapStyles, ProjectedPark};
use crate::workspace::Task;
use crate::workspace::Workspace;

/// Counts shown in the layer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LayerInfo {
    /// Features loaded.
    pub features: usize,
    /// Problems the import report lists for the layer's file.
    pub problems: usize,
}

/// What the project remembers about a layer beyond the layer itself: the reading
/// choices made in the intake dialog or the project file, and the survey file a copy
/// was made from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerMeta {
    /// The CRS the user chose (or the project set) for reading the file.
    pub crs: Option<Crs>,
    /// GCJ-02 → WGS84 correction was applied when reading.
    pub gcj02: bool,
    /// The datum shift (Xi'an 1980 / Beijing 1954 → CGCS2000) applied when reading.
    pub datum_shift: Option<crate::crs::DatumShift>,
    /// The survey file the layer was first read from, when its file is now a copy.
    pub original: Option<PathBuf>,
    /// Fields the user said no column holds (kept unmapped when reopened).
    pub unmapped: BTreeSet<Field>,
}

/// Everything about the open park.
#[derive(Debug)]
pub struct Session {
    /// The open park, its import report, analysis index, studies (settings, results,
    /// focus, overlay) and layer styles: the headless workspace the command line uses
    /// too.
    pub ws: Workspace,
    /// The park in planar display metres with R*-trees (shared with workers).
    pub projected: Arc<ProjectedPark>,
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
    /// Undo/redo of every edit, and whether the edits are saved.
    pub history: History,
    /// The team database the park came from: edits save there (Ctrl+S).
    pub team: Option<super::teamdb::TeamDb>,
    /// Per park layer: reading choices and origin, for the project file.
    pub meta: Vec<LayerMeta>,
    /// Layers that must be written on the next save although the history does not
    /// name them (recovered or copied from another project's data folder).
    pub force_write: BTreeSet<usize>,
    /// Increases with every change of the park's content (edits, added layers).
    pub park_version: u64,
    /// The analysis index being rebuilt after a change of the park.
    index_task: Option<Task<Result<crate::spatial::ParkIndex, String>>>,
    /// The day the map and the projects panel show the park as of (`None`: the data
    /// as it is, with the ledger for today).
    pub as_of: Option<crate::model::date::Date>,
    /// The park as of that day, with its ledger, built from the current results.
    as_of_view: Option<AsOfView>,
}

/// The park as it stood on a day: what the map draws and the projects panel lists
/// while the date slider is set.
#[derive(Debug)]
struct AsOfView {
    day: crate::model::date::Date,
    park: Arc<crate::model::Park>,
    projected: Arc<ProjectedPark>,
    ledger: crate::analysis::ledger::Ledger,
    /// The results it was built from (identity), to notice new results.
    results: usize,
}

impl Session {
    /// A session from a finished load, applying remembered display choices by layer
    /// name. The analysis index is built on a worker (`wake` is called when it is
    /// done): the map draws at once, the analyses start when the index is there.
    pub fn new(
        p: Prepared,
        prefs: &std::collections::BTreeMap<String, LayerPrefs>,
        analysis: AnalysisSettings,
        wake: crate::workspace::Waker,
    ) -> Session {
        let Prepared {
            sources,
            loaded,
            projected,
            frame,
            seconds,
            project,
            db,
        } = p;
        let park = &loaded.park;
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
        let mut map_styles = MapStyles::default_for(park);
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
        let drawn = Arc::new(map_styles.clone());
        let project = project.map(|o| o.file);
        let index = if loaded.park.layers.is_empty() {
            Some(Err("nothing was loaded".to_string()))
        } else {
            None
        };
        let ws = Workspace::assemble(sources, loaded, project, analysis, index, map_styles);
        let mut s = Session {
            ws,
            projected: Arc::new(projected),
            drawn,
            style_choice,
            info,
            styles_version: 0,
            load_seconds: seconds,
            hidden_stages: BTreeSet::new(),
            hidden: Vec::new(),
            history: History::new(),
            team: db.map(super::teamdb::TeamDb::new),
            meta: Vec::new(),
            force_write: BTreeSet::new(),
            park_version: 0,
            index_task: None,
            as_of: None,
            as_of_view: None,
        };
        s.meta = vec![LayerMeta::default(); s.ws.park.layers.len()];
        s.styles_changed();
        if s.ws.index.is_none() && s.ws.index_error.is_none() {
            s.start_index(wake, crate::spatial::frame_for(&s.ws.park, frame));
        }
        s
    }

    /// Builds the analysis index of the park as it is now on a worker; the analysis
    /// waits for it ([`Session::index_for_analysis`]).
    fn start_index(&mut self, wake: crate::workspace::Waker, frame: crate::crs::MetricFrame) {
        let park = self.ws.park.clone();
        self.index_task = Some(Task::spawn("parkplan-index", wake, move || {
            crate::spatial::ParkIndex::build(&park, frame).map_err(|e| e.to_string())
        }));
    }

    /// Call after changing `styles` or the filters: bumps the version and rebuilds the
    /// drawn styles.
    pub fn styles_changed(&mut self) {
        self.styles_version += 1;
        let mut drawn = self.ws.styles.clone();
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

    /// Shows the park as of `day` on the map and in the projects panel (`None`: as the
    /// data is).
    pub fn set_as_of(&mut self, day: Option<crate::model::date::Date>) {
        if self.as_of == day {
            return;
        }
        self.as_of = day;
        self.as_of_view = None;
        self.refresh_as_of();
    }

    /// Rebuilds the as-of view when the day is set and the results changed since it
    /// was built (after an edit or new settings). Cheap: the ledger reuses the
    /// results' sites and red-line overlay.
    pub fn refresh_as_of(&mut self) {
        let Some(day) = self.as_of else {
            if self.as_of_view.take().is_some() {
                self.styles_changed();
            }
            return;
        };
        let Some(results) = self.ws.studies.results.clone() else {
            return;
        };
        let id = Arc::as_ptr(&results) as usize;
        if self
            .as_of_view
            .as_ref()
            .is_some_and(|v| v.day == day && v.results == id)
        {
            return;
        }
        let a = &results.analysis;
        let ledger = crate::analysis::ledger::ledger(
            &self.ws.park,
            &a.sites,
            &a.constraints,
            &a.settings.ledger,
            day,
        );
        let park = crate::analysis::ledger::park_as_of(&self.ws.park, &ledger);
        // The same frame as the data's projection: it cannot fail where that one did
        // not; if it does, the map keeps drawing the data as it is.
        let Ok(projected) = ProjectedPark::with_frame(&park, *self.projected.frame()) else {
            return;
        };
        self.as_of_view = Some(AsOfView {
            day,
            park: Arc::new(park),
            projected: Arc::new(projected),
            ledger,
            results: id,
        });
        self.styles_changed();
    }

    /// The park the map draws: as of the slider's day, else the data.
    pub fn drawn_park(&self) -> Arc<crate::model::Park> {
        match &self.as_of_view {
            Some(v) => v.park.clone(),
            None => self.ws.park.clone(),
        }
    }

    /// The projection the map draws from (see [`Session::drawn_park`]).
    pub fn drawn_projected(&self) -> Arc<ProjectedPark> {
        match &self.as_of_view {
            Some(v) => v.projected.clone(),
            None => self.projected.clone(),
        }
    }

    /// The ledger shown: as of the slider's day, else the results' (today).
    pub fn ledger(&self) -> Option<&crate::analysis::ledger::Ledger> {
        match &self.as_of_view {
            Some(v) => Some(&v.ledger),
            None => self
                .ws
                .studies
                .results
                .as_deref()
                .map(|r| &r.analysis.ledger),
        }
    }

    /// The styles as drawn, with filters applied.
    pub fn drawn_styles(&self) -> Arc<MapStyles> {
        self.drawn.clone()
    }

    /// How a layer is drawn.
    pub fn display(&self, li: usize) -> Option<&LayerDisplay> {
        self.ws.styles.display_of(li)
    }

    /// How a layer is drawn, to change it (call [`Session::styles_changed`] after).
    pub fn display_mut(&mut self, li: usize) -> Option<&mut LayerDisplay> {
        self.ws.styles.display_of_mut(li)
    }

    /// Layer indices in list order: the first is drawn last (on top), as in QGIS.
    pub fn list_order(&self) -> Vec<usize> {
        self.ws
            .styles
            .layers
            .iter()
            .rev()
            .map(|d| d.layer)
            .collect()
    }

    /// Visible layer indices, topmost first.
    pub fn visible_top_first(&self) -> Vec<usize> {
        self.ws
            .styles
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
        let mut hidden: Vec<Vec<bool>> = vec![Vec::new(); self.ws.park.layers.len()];
        for p in &self.ws.park.projects {
            if self.hidden_stages.contains(&p.stage) {
                let li = p.feature.layer as usize;
                if let Some(v) = hidden.get_mut(li) {
                    if v.is_empty() {
                        v.resize(self.ws.park.layers[li].len(), false);
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
        let Some(layer) = self.ws.park.layer_of(f) else {
            return String::new();
        };
        let i = f.index as usize;
        layer
            .field_text(i, crate::model::Field::Name)
            .unwrap_or_else(|| layer.display_id(i))
    }

    /// The lon/lat of a representative point of a feature.
    pub fn feature_lon_lat(&self, f: FeatureRef) -> Option<[f64; 2]> {
        let g = self.ws.park.geometry(f)?;
        crate::model::representative_point(g).map(|p| [p.x(), p.y()])
    }

    /// Moves a layer up (`delta < 0`, towards the top of the list, drawn later) or
    /// down the list.
    pub fn move_layer(&mut self, li: usize, delta: i32) {
        let v = &mut self.ws.styles.layers;
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

impl Session {
    /// Whether the analysis index is being built (after the load or an edit; the
    /// analysis waits).
    pub fn index_pending(&self) -> bool {
        self.index_task.is_some()
    }

    /// The index to run analysis with: none while it is being rebuilt, so nothing mixes
    /// the edited park with the index of the park before the edit.
    pub fn index_for_analysis(&self) -> Option<&Arc<crate::spatial::ParkIndex>> {
        if self.index_task.is_some() {
            None
        } else {
            self.ws.index.as_ref()
        }
    }

    /// Applies an edit through the history and refreshes what depends on the layer.
    pub fn apply_edit(&mut self, ctx: &egui::Context, edit: Edit) -> Result<(), EditError> {
        let layers = edit.layers();
        let in_place = edit.features_in_place();
        self.history.apply(Arc::make_mut(&mut self.ws.park), edit)?;
        self.edited(ctx, &layers, in_place.as_deref());
        Ok(())
    }

    /// Undoes the last edit; returns it (for remapping selections), `None` when there
    /// was nothing to undo.
    pub fn undo(&mut self, ctx: &egui::Context) -> Result<Option<Edit>, EditError> {
        let Some(edit) = self.history.done().last().cloned() else {
            return Ok(None);
        };
        if !self.history.undo(Arc::make_mut(&mut self.ws.park))? {
            return Ok(None);
        }
        self.edited(ctx, &edit.layers(), edit.features_in_place().as_deref());
        Ok(Some(edit))
    }

    /// Redoes the last undone edit; returns it, `None` when there was none.
    pub fn redo(&mut self, ctx: &egui::Context) -> Result<Option<Edit>, EditError> {
        if !self.history.can_redo() {
            return Ok(None);
        }
        if !self.history.redo(Arc::make_mut(&mut self.ws.park))? {
            return Ok(None);
        }
        let edit = self.history.done().last().cloned();
        if let Some(e) = &edit {
            self.edited(ctx, &e.layers(), e.features_in_place().as_deref());
        }
        Ok(edit)
    }

    /// Adds a layer read from a file (the intake dialog's "add"), drawn on top of the
    /// layers of its kind, with its problems appended to the report.
    pub fn add_layer(
        &mut self,
        ctx: &egui::Context,
        layer: Layer,
        problems: Vec<Problem>,
        meta: LayerMeta,
    ) -> usize {
        let park = Arc::make_mut(&mut self.ws.park);
        park.layers.push(layer);
        park.rebuild_records();
        let li = park.layers.len() - 1;
        let n = problems.len();
        for p in problems {
            self.ws.report.push(p);
        }
        self.meta.resize(li, LayerMeta::default());
        self.meta.push(meta);
        self.style_choice.resize(li + 1, 0);
        // Draw it just above the topmost layer of the same role (a new parcel layer stays
        // under the stops and facilities), else on top.
        let display = crate::render::LayerDisplay {
            layer: li,
            visible: true,
            style: crate::render::style::LayerStyle::default_for(&self.ws.park.layers[li]),
        };
        let role = self.ws.park.layers[li].role;
        let at = self
            .ws
            .styles
            .layers
            .iter()
            .rposition(|d| {
                self.ws
                    .park
                    .layers
                    .get(d.layer)
                    .is_some_and(|l| l.role == role)
            })
            .map(|p| p + 1)
            .unwrap_or(self.ws.styles.layers.len());
        self.ws.styles.layers.insert(at, display);
        self.info.resize(li + 1, LayerInfo::default());
        self.info[li].problems = n;
        self.park_changed(ctx, &[li]);
        li
    }

    /// After an edit, undo or redo: only the features it changed in place are
    /// re-projected (`in_place`), else its whole layers.
    fn edited(
        &mut self,
        ctx: &egui::Context,
        layers: &[usize],
        in_place: Option<&[(usize, usize)]>,
    ) {
        match in_place {
            Some(features) => {
                self.park_version += 1;
                if let Some(pp) = projected_mut(&mut self.projected) {
                    for &li in layers {
                        let indices: Vec<usize> = features
                            .iter()
                            .filter(|(l, _)| *l == li)
                            .map(|(_, i)| *i)
                            .collect();
                        pp.update_features(&self.ws.park, li, &indices);
                    }
                }
                self.after_park_change(ctx);
            }
            None => self.park_changed(ctx, layers),
        }
    }

    /// After the park's content changed: re-project the changed layers, refresh counts
    /// and filters, redraw, and rebuild the analysis index on a worker.
    pub fn park_changed(&mut self, ctx: &egui::Context, layers: &[usize]) {
        self.park_version += 1;
        if let Some(pp) = projected_mut(&mut self.projected) {
            for &li in layers {
                pp.update_layer(&self.ws.park, li);
            }
            pp.truncate(self.ws.park.layers.len());
        }
        self.after_park_change(ctx);
    }

    /// What follows any change of the park's content: counts, filters, the drawing and
    /// the analysis index (rebuilt on a worker).
    fn after_park_change(&mut self, ctx: &egui::Context) {
        for (li, l) in self.ws.park.layers.iter().enumerate() {
            if let Some(info) = self.info.get_mut(li) {
                info.features = l.len();
            }
        }
        let stages: Vec<Option<LifecycleStage>> = self.hidden_stages.iter().copied().collect();
        if let Some(first) = stages.first() {
            // Recompute the hidden features (indices may have shifted).
            self.set_stage_visible(*first, false);
        } else {
            self.styles_changed();
        }
        let frame = self
            .ws
            .index
            .as_ref()
            .map(|i| *i.frame())
            .unwrap_or_else(|| {
                crate::spatial::frame_for(&self.ws.park, self.ws.studies.settings.frame)
            });
        self.start_index(crate::ui::waker(ctx), frame);
    }

    /// Collects a rebuilt index; the analysis then recomputes for the edited park (the
    /// previous results stay shown until the new ones arrive). Call once per frame.
    pub fn poll_index(&mut self) {
        let Some(t) = &self.index_task else { return };
        let Some(done) = t.poll() else { return };
        self.index_task = None;
        match done {
            Some(Ok(i)) => {
                self.ws.index = Some(Arc::new(i));
                self.ws.index_error = None;
            }
            Some(Err(e)) => {
                self.ws.index = None;
                self.ws.index_error = Some(e);
            }
            None => {
                self.ws.index = None;
                self.ws.index_error = Some("the index worker stopped".into());
            }
        }
        // Every analysis recomputes; isochrones and the overlay follow (the road graph
        // only when roads changed); focus, choices and the figures shown are kept until
        // the new ones arrive.
        self.ws.studies.park_changed(&self.ws.park);
    }

    /// Whether the park has edits that are not saved.
    pub fn has_unsaved_edits(&self) -> bool {
        self.history.is_dirty()
    }

    /// Layers to write on the next save: those the history edited plus those forced.
    pub fn layers_to_write(&self) -> BTreeSet<usize> {
        let mut s = self.history.edited_layers();
        s.extend(self.force_write.iter().copied());
        s.retain(|&li| li < self.ws.park.layers.len());
        s
    }
}

/// Where a feature is after an edit was applied (`undone`: reverted): indices after an
/// inserted feature move up, after a deleted one down; the deleted feature is gone.
pub fn remap_feature(f: FeatureRef, edit: &Edit, undone: bool) -> Option<FeatureRef> {
    if let Edit::Group { edits } = edit {
        // Through each edit in the order it was applied (reverted: backwards).
        return if undone {
            edits
                .iter()
                .rev()
                .try_fold(f, |f, e| remap_feature(f, e, true))
        } else {
            edits.iter().try_fold(f, |f, e| remap_feature(f, e, false))
        };
    }
    let (layer, index, inserted) = match edit {
        Edit::AddFeature { layer, index, .. } => (*layer, *index, !undone),
        Edit::DeleteFeature { layer, index, .. } => (*layer, *index, undone),
        _ => return Some(f),
    };
    if f.layer as usize != layer {
        return Some(f);
    }
    let i = f.index as usize;
    let moved = if inserted {
        if i >= index { i + 1 } else { i }
    } else if i == index {
        return None;
    } else if i > index {
        i - 1
    } else {
        i
    };
    Some(FeatureRef {
        layer: f.layer,
        index: moved as u32,
    })
}

/// The projected park to change in place: when a worker still draws from it, a copy
/// sharing its layers (the caller then replaces the changed ones); `None` only when even
/// that copy cannot be made.
fn projected_mut(projected: &mut Arc<ProjectedPark>) -> Option<&mut ProjectedPark> {
    if Arc::get_mut(projected).is_none()
        && let Ok(pp) = projected.shared_copy()
    {
        *projected = Arc::new(pp);
    }
    Arc::get_mut(projected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FeatureData;

    #[test]
    fn features_follow_insertions_and_deletions() {
        let f = |i| FeatureRef { layer: 2, index: i };
        let add = Edit::AddFeature {
            layer: 2,
            index: 3,
            feature: FeatureData::default(),
        };
        assert_eq!(remap_feature(f(2), &add, false), Some(f(2)));
        assert_eq!(remap_feature(f(3), &add, false), Some(f(4)));
        assert_eq!(remap_feature(f(3), &add, true), None, "undoing the add");
        assert_eq!(remap_feature(f(5), &add, true), Some(f(4)));
        let del = Edit::DeleteFeature {
            layer: 2,
            index: 3,
            feature: FeatureData::default(),
        };
        assert_eq!(remap_feature(f(3), &del, false), None);
        assert_eq!(remap_feature(f(4), &del, false), Some(f(3)));
        assert_eq!(remap_feature(f(3), &del, true), Some(f(4)));
        let other = FeatureRef { layer: 1, index: 9 };
        assert_eq!(remap_feature(other, &del, false), Some(other));
    }
}
