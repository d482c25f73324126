//! The workspace: one open park with everything resolved once, headless, for both
//! faces. It sits between the library and its faces (the `parkplan-cli` commands and
//! the desktop):
//!
//! - settings are resolved once, in one order: defaults → the `.parkplan` project's
//!   (`analysis`, `network`, `reach`, layer styles) → the caller's [`Overrides`]
//!   (command-line flags; the desktop's panel edits go through [`Studies`]);
//! - it owns the park, its analysis index, the studies (circles, isochrones, road
//!   network) and their results, and the map styles;
//! - it answers what a face asks: every analysis ([`Workspace::analyse_with`]), the
//!   road graph, the printed focus of a facility or route by index
//!   ([`Workspace::map_focus`], drawn by the same [`crate::render::focus`] as the
//!   screen), and lookups by id or name that refuse ambiguous keys ([`lookup`]).
//!
//! Background work ([`task`]) reports through a plain wake-up callback, never an
//! `egui::Context`. Must not name egui, eframe or rfd.

pub mod lookup;
pub mod process;
pub mod siting;
pub mod studies;
pub mod task;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{self, AnalysisSettings, AreaSettings, IsochroneSpec, ParkAnalysis};
use crate::crs::FrameKind;
use crate::export::{self, ExportError, MapFocus};
use crate::import::{ImportError, ImportReport, Loaded, Progress};
use crate::model::gtfs::GtfsSettings;
use crate::model::{FacilityKind, Lang, Park};
use crate::network::{NetworkError, NetworkSettings, RoadGraph};
use crate::project::ProjectFile;
use crate::render::focus::{Focus, IsoInputs};
use crate::render::{LayerDisplay, MapStyles, ProjectedPark};
use crate::spatial::{ParkIndex, SpatialError, frame_for};

pub use lookup::LookupError;
pub use studies::{Results, Studies};
pub use task::{Task, Waker, no_wake};

/// What can go wrong opening or using a workspace.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// The paths could not be read at all.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// A setting given by the caller is wrong.
    #[error("{flag}: {message}")]
    Setting {
        /// Which setting (`--radius`, `--catchment`).
        flag: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The analysis index could not be built.
    #[error("spatial index: {0}")]
    Index(#[from] SpatialError),
    /// The display projection could not be set up.
    #[error("display projection: {0}")]
    Display(String),
    /// There is no analysis index (nothing loaded, or it could not be built).
    #[error("no analysis index: {0}")]
    NoIndex(String),
    /// The road network could not be built, or holds no road.
    #[error("road network: {0}")]
    Network(String),
    /// A facility or route key does not name exactly one.
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// The printed focus could not be made.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A GTFS feed could not be made or written.
    #[error(transparent)]
    Gtfs(#[from] crate::export::gtfs::GtfsError),
}

impl From<NetworkError> for WorkspaceError {
    fn from(e: NetworkError) -> WorkspaceError {
        WorkspaceError::Network(e.to_string())
    }
}

/// Settings a face gives over the project's: the command line's `--radius KIND=M`,
/// `--catchment M` and `--frame`. Applied after the project's settings.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `KIND=METRES` settings, in order.
    pub radius: Vec<String>,
    /// Bus-stop catchment radius ("500", "0.5km").
    pub catchment: Option<String>,
    /// The metric frame family.
    pub frame: Option<FrameKind>,
    /// The ledger's day (`--as-of`, "2026-12-05"); `None`: today.
    pub as_of: Option<String>,
}

impl Overrides {
    /// Applies the overrides to `settings`.
    pub fn apply(&self, settings: &mut AnalysisSettings) -> Result<(), WorkspaceError> {
        if let Some(f) = self.frame {
            settings.frame = f;
        }
        for spec in &self.radius {
            settings
                .set_radius(spec)
                .map_err(|e| WorkspaceError::Setting {
                    flag: "--radius",
                    message: e.to_string(),
                })?;
        }
        if let Some(d) = &self.as_of {
            settings.as_of = Some(crate::model::date::Date::parse(d).ok_or_else(|| {
                WorkspaceError::Setting {
                    flag: "--as-of",
                    message: format!("\"{d}\" is not a date (use YYYY-MM-DD, e.g. 2026-12-05)"),
                }
            })?);
        }
        if let Some(c) = &self.catchment {
            settings.catchment_m =
                analysis::parse_metres(c).map_err(|e| WorkspaceError::Setting {
                    flag: "--catchment",
                    message: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// Checks the overrides without a park (before a long load).
    pub fn check(&self) -> Result<(), WorkspaceError> {
        self.apply(&mut AnalysisSettings::default())
    }
}

/// One open park with its settings resolved, its index, studies and styles.
#[derive(Debug)]
pub struct Workspace {
    /// The paths that were opened.
    pub sources: Vec<PathBuf>,
    /// The park (shared with workers).
    pub park: Arc<Park>,
    /// Every problem the import found.
    pub report: ImportReport,
    /// Files that could not be loaded at all.
    pub files_failed: usize,
    /// The planning project, when one was opened.
    pub project: Option<ProjectFile>,
    /// The analysis index; `None` when it could not be built (see `index_error`).
    pub index: Option<Arc<ParkIndex>>,
    /// Why the index could not be built.
    pub index_error: Option<String>,
    /// Settings, results, focus and overlay of the analyses.
    pub studies: Studies,
    /// Layer order and styles: the defaults, with the project's applied.
    pub styles: MapStyles,
    /// GTFS export settings: the defaults, or the project's (edited in the desktop's
    /// 导出 GTFS dialog and saved with the project).
    pub gtfs: GtfsSettings,
}

impl Workspace {
    /// Opens GeoJSON files, folders, manifests and `.parkplan` projects, resolves the
    /// settings (project, then `overrides`) and builds the analysis index.
    pub fn open(
        paths: &[PathBuf],
        progress: Option<&Progress>,
        overrides: &Overrides,
    ) -> Result<Workspace, WorkspaceError> {
        overrides.check()?;
        let opened = crate::project::open_paths(paths, progress)?;
        Workspace::from_loaded(paths.to_vec(), opened.loaded, opened.project, overrides)
    }

    /// A workspace from a finished load and the project it came with: the project's
    /// analysis, network and reach settings and layer styles apply, then `overrides`;
    /// the analysis index is built in the resolved frame.
    pub fn from_loaded(
        sources: Vec<PathBuf>,
        loaded: Loaded,
        project: Option<ProjectFile>,
        overrides: &Overrides,
    ) -> Result<Workspace, WorkspaceError> {
        let park = loaded.park;
        let mut settings = project
            .as_ref()
            .map(|p| p.analysis.clone())
            .unwrap_or_default();
        overrides.apply(&mut settings)?;
        let (index, index_error) = if park.layers.is_empty() {
            (None, Some("nothing was loaded".to_string()))
        } else {
            match ParkIndex::build(&park, frame_for(&park, settings.frame)) {
                Ok(i) => (Some(Arc::new(i)), None),
                Err(e) => (None, Some(e.to_string())),
            }
        };
        let studies = Studies::new(settings.clone());
        let mut report = loaded.report;
        push_frame_warning(&mut report, &park);
        let styles = match &project {
            Some(p) => {
                let file = sources.iter().find(|s| {
                    s.extension().and_then(|e| e.to_str()) == Some(crate::project::EXTENSION)
                });
                project_styles(&park, p, file.map(PathBuf::as_path))
            }
            None => MapStyles::default_for(&park),
        };
        let mut ws = Workspace {
            sources,
            park: Arc::new(park),
            report,
            files_failed: loaded.files_failed,
            project: None,
            index,
            index_error,
            studies,
            styles,
            gtfs: GtfsSettings::default(),
        };
        if let Some(p) = project {
            ws.apply_project(p);
            // The caller's overrides stay over the project's settings.
            ws.studies.set_settings(settings);
        }
        Ok(ws)
    }

    /// Makes `project` the workspace's project: its analysis settings, road network
    /// settings and circle/isochrone choice per kind apply (the one place a project's
    /// settings are read, for the command line and the desktop alike). Layer styles are
    /// applied by the caller that knows which project layer each park layer is
    /// ([`project_styles`] when only paths and names are known).
    pub fn apply_project(&mut self, project: ProjectFile) {
        self.studies.set_settings(project.analysis.clone());
        self.studies.set_network(project.network.clone());
        self.gtfs = project.gtfs.clone();
        for (kind, choice) in reach_of(&project) {
            self.studies.set_reach(kind, choice);
        }
        self.project = Some(project);
    }

    /// A workspace from parts prepared elsewhere (the desktop loads and builds the
    /// index on its own workers, with progress): the park, its import report, the
    /// settings in force, the index or why it failed (`None`: not built yet, the caller
    /// builds it and sets [`Workspace::index`]), and the map styles.
    pub fn assemble(
        sources: Vec<PathBuf>,
        loaded: Loaded,
        project: Option<ProjectFile>,
        settings: AnalysisSettings,
        index: Option<Result<ParkIndex, String>>,
        styles: MapStyles,
    ) -> Workspace {
        let (index, index_error) = match index {
            Some(Ok(i)) => (Some(Arc::new(i)), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        let studies = Studies::new(settings);
        let mut report = loaded.report;
        push_frame_warning(&mut report, &loaded.park);
        Workspace {
            sources,
            park: Arc::new(loaded.park),
            report,
            files_failed: loaded.files_failed,
            gtfs: project.as_ref().map(|p| p.gtfs.clone()).unwrap_or_default(),
            project,
            index,
            index_error,
            studies,
            styles,
        }
    }

    /// The analysis settings in force.
    pub fn settings(&self) -> &AnalysisSettings {
        &self.studies.settings
    }

    /// The road network settings in force.
    pub fn network_settings(&self) -> &NetworkSettings {
        &self.studies.network_settings
    }

    /// The analysis index, or why there is none.
    pub fn index(&self) -> Result<&Arc<ParkIndex>, WorkspaceError> {
        self.index.as_ref().ok_or_else(|| {
            WorkspaceError::NoIndex(
                self.index_error
                    .clone()
                    .unwrap_or_else(|| "no analysis index".into()),
            )
        })
    }

    /// Runs every analysis now, with the settings in force and `area` (segments per
    /// circle).
    pub fn analyse_with(&self, area: &AreaSettings) -> Result<ParkAnalysis, WorkspaceError> {
        let index = self.index()?;
        let mut a = analysis::analyse_with(&self.park, index, self.settings(), area);
        self.measure_compliance(&mut a)?;
        Ok(a)
    }

    /// The kinds whose living-circle and service-circle compliance is walked along
    /// roads: those the project (or the desktop) shows by isochrone.
    pub fn along_road_kinds(&self) -> Vec<FacilityKind> {
        along_road_kinds(&self.studies.reach)
    }

    /// Re-measures the compliance of `analysis` with the kinds shown by isochrone
    /// walked along roads (nothing changes when no required kind is, or the park has
    /// no road: the circles stay, and the results say so per kind).
    pub fn measure_compliance(&self, analysis: &mut ParkAnalysis) -> Result<(), WorkspaceError> {
        if let Some(l) = compliance_along_roads(
            &self.park,
            self.index()?,
            self.settings(),
            &self.along_road_kinds(),
            self.network_settings(),
        ) {
            analysis.living = l;
        }
        Ok(())
    }

    /// Builds the road graph with the network settings in force; an error when the
    /// park has no road to travel along.
    pub fn road_graph(&self) -> Result<RoadGraph, WorkspaceError> {
        let index = self.index()?;
        let graph = RoadGraph::build(&self.park, *index.frame(), self.network_settings().clone())?;
        if graph.graph.edge_count() == 0 {
            return Err(WorkspaceError::Network(
                "the park has no roads layer to travel along".into(),
            ));
        }
        Ok(graph)
    }

    /// Every facility's isochrone lists for each travel choice in `specs` (no polygons),
    /// compared with the circles of `circles`, on the road graph built with the
    /// network settings in force.
    pub fn isochrones(
        &self,
        circles: &analysis::Coverage,
        specs: &[IsochroneSpec],
    ) -> Result<analysis::IsoRun, WorkspaceError> {
        let index = self.index()?;
        Ok(analysis::isochrone_run::compute(
            &self.park,
            index,
            circles,
            self.network_settings().clone(),
            specs,
        )?)
    }

    /// The index of the facility `key` names (refused when ambiguous).
    pub fn facility(&self, key: &str) -> Result<usize, WorkspaceError> {
        Ok(lookup::facility(&self.park, key)?)
    }

    /// Writes the bus routes `routes` (indices into `park.routes`; all when empty) as a
    /// GTFS feed zip at `path`, with `settings` (the workspace's [`Workspace::gtfs`] as
    /// a face edited or overrode them); `today` starts the calendar when the settings
    /// give no start date. Returns what the feed holds.
    pub fn export_gtfs(
        &self,
        routes: &[usize],
        settings: &GtfsSettings,
        today: crate::model::date::Date,
        path: &Path,
    ) -> Result<crate::export::gtfs::GtfsSummary, WorkspaceError> {
        let service =
            settings
                .service(&self.park.name, today)
                .map_err(|e| WorkspaceError::Setting {
                    flag: e.setting,
                    message: e.message,
                })?;
        let index = self.index()?;
        Ok(crate::export::gtfs::write_feed(
            &self.park, index, routes, &service, path,
        )?)
    }

    /// The index of the route `key` names (refused when ambiguous).
    pub fn route(&self, key: &str) -> Result<usize, WorkspaceError> {
        Ok(lookup::route(&self.park, key)?)
    }

    /// How a facility kind's reach is shown (circle, or an isochrone along roads), as
    /// the project says or the desktop set it.
    pub fn reach_spec(&self, kind: FacilityKind) -> Option<IsochroneSpec> {
        self.studies.iso_spec_of(kind)
    }

    /// The printed focus on a facility, route or gaps (by index), computed now: the
    /// analysis with the settings in force, the overlays the map shows, figures, legend
    /// and subtitle. `iso`: the travel choice of an isochrone to show beside the circle
    /// (the road graph is built for it).
    pub fn map_focus(
        &self,
        projected: &ProjectedPark,
        focus: Focus,
        iso: Option<IsochroneSpec>,
        lang: Lang,
    ) -> Result<MapFocus, WorkspaceError> {
        if focus == Focus::None {
            return Ok(MapFocus::default());
        }
        let index = self.index()?;
        let analysis = self.analyse_with(&AreaSettings::default())?;
        let iso = match iso {
            Some(spec) => Some(IsoInputs {
                graph: Arc::new(self.road_graph()?),
                spec,
                analysis: None,
            }),
            None => None,
        };
        let cx = export::FocusContext {
            park: &self.park,
            projected,
            index,
            analysis: &analysis,
            styles: &self.styles,
        };
        Ok(export::map_focus(&cx, focus, iso.as_ref(), lang)?)
    }

    /// The pages of the weekly dispatch document (周调度) for the day of `analysis`'
    /// ledger, drawn with the workspace's styles (see [`dispatch_pages`]).
    pub fn dispatch_pages(
        &self,
        analysis: &ParkAnalysis,
        spec: &export::dispatch::DispatchSpec,
    ) -> Result<Vec<export::Page>, WorkspaceError> {
        dispatch_pages(&self.park, &self.styles, analysis, spec)
    }

    /// The park projected for drawing.
    pub fn projected(&self) -> Result<ProjectedPark, WorkspaceError> {
        ProjectedPark::new(&self.park).map_err(|e| WorkspaceError::Display(e.to_string()))
    }
}

/// The pages of the weekly dispatch document (周调度) for the day of `analysis`' ledger:
/// the park as it stood that day ([`analysis::ledger::park_as_of`]), drawn with
/// `styles`. What `parkplan-cli dispatch` and the desktop's 导出周调度 both call.
pub fn dispatch_pages(
    park: &Park,
    styles: &MapStyles,
    analysis: &ParkAnalysis,
    spec: &export::dispatch::DispatchSpec,
) -> Result<Vec<export::Page>, WorkspaceError> {
    let as_of = analysis::ledger::park_as_of(park, &analysis.ledger);
    let projected =
        ProjectedPark::new(&as_of).map_err(|e| WorkspaceError::Display(e.to_string()))?;
    let input = export::dispatch::DispatchInput {
        park: &as_of,
        projected: &projected,
        styles,
        analysis,
    };
    Ok(export::dispatch::dispatch_pages(&input, spec))
}

/// Longitude span beyond which one planar frame distorts distances too much for the
/// analyses (three UTM zones).
const MAX_FRAME_SPAN_DEG: f64 = 18.0;

/// A warning when the park's data spans more longitude than one planar frame can
/// measure in (a China-wide layer: 61.6° across): distances, circles and coverage far
/// from the frame's centre are wrong.
pub fn frame_warning(park: &Park) -> Option<crate::import::Issue> {
    let e = park.extent()?;
    let span = e.width();
    (span > MAX_FRAME_SPAN_DEG).then(|| crate::import::Issue::SpansUtmZones {
        span,
        zones: (span / 6.0).ceil(),
    })
}

/// Adds [`frame_warning`] to an import report as an error of the park, when it applies.
fn push_frame_warning(report: &mut ImportReport, park: &Park) {
    if let Some(w) = frame_warning(park) {
        report.push(crate::import::Problem::file_level(
            &park.name,
            crate::import::Severity::Error,
            w,
        ));
    }
}

/// The kinds shown by isochrone in a circle/isochrone choice table.
pub fn along_road_kinds(
    reach: &std::collections::BTreeMap<FacilityKind, analysis::ReachChoice>,
) -> Vec<FacilityKind> {
    reach
        .iter()
        .filter(|(_, c)| c.isochrone)
        .map(|(k, _)| *k)
        .collect()
}

/// Living-circle and service-circle compliance with `kinds` walked along the road
/// network built with `network` — `None` when no required kind is among them or the
/// park has no road (the circle results stand). What both faces use, so the report,
/// the panel and the printed gap layer agree.
pub fn compliance_along_roads(
    park: &Park,
    index: &ParkIndex,
    settings: &AnalysisSettings,
    kinds: &[FacilityKind],
    network: &NetworkSettings,
) -> Option<analysis::living::LivingCircles> {
    let l = &settings.living;
    let required = l
        .tiers
        .iter()
        .chain(std::iter::once(&l.service))
        .flat_map(|t| t.required.iter());
    let used: Vec<FacilityKind> = kinds
        .iter()
        .copied()
        .filter(|k| required.clone().any(|r| r == k))
        .collect();
    if used.is_empty() {
        return None;
    }
    let graph = RoadGraph::build(park, *index.frame(), network.clone()).ok()?;
    if graph.graph.edge_count() == 0 {
        return None;
    }
    let reach = analysis::living::ComplianceReach {
        graph: Some(&graph),
        along_roads: &used,
    };
    Some(analysis::living::living_circles_with(
        park, index, l, &reach,
    ))
}

/// The project's circle/isochrone choice per facility kind.
pub fn reach_of(
    project: &ProjectFile,
) -> std::collections::BTreeMap<FacilityKind, analysis::ReachChoice> {
    project
        .reach
        .iter()
        .filter_map(|(code, c)| Some((FacilityKind::parse(code)?, *c)))
        .collect()
}

/// The map styles a project gives its layers: its drawing order, visibility and
/// styles, matched to the park's layers by file path (relative to the project file),
/// else by name. Layers the project does not list keep their defaults, after its own.
pub fn project_styles(
    park: &Park,
    project: &ProjectFile,
    project_path: Option<&Path>,
) -> MapStyles {
    let defaults = MapStyles::default_for(park);
    let base = project_path.and_then(Path::parent);
    let mut used = vec![false; park.layers.len()];
    let mut layers: Vec<LayerDisplay> = Vec::new();
    for pl in &project.layers {
        let by_path = base.and_then(|b| {
            let want = b.join(&pl.path);
            park.layers.iter().enumerate().position(|(i, l)| {
                !used[i] && l.source.path.as_ref().is_some_and(|p| same_file(p, &want))
            })
        });
        let found = by_path.or_else(|| {
            park.layers
                .iter()
                .enumerate()
                .position(|(i, l)| !used[i] && l.name == pl.name)
        });
        let Some(li) = found else { continue };
        used[li] = true;
        let mut d = defaults
            .display_of(li)
            .cloned()
            .unwrap_or_else(|| LayerDisplay {
                layer: li,
                visible: true,
                style: crate::render::LayerStyle::default_for(&park.layers[li]),
            });
        d.visible = pl.visible;
        if let Some(st) = &pl.style {
            d.style = st.clone();
        }
        layers.push(d);
    }
    layers.extend(
        defaults
            .layers
            .iter()
            .filter(|d| !used.get(d.layer).copied().unwrap_or(true))
            .cloned(),
    );
    MapStyles {
        layers,
        theme: defaults.theme,
    }
}

/// Whether two paths name the same file (compared canonically when both exist).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
