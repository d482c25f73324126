//! The analysis studies of an open park, headless: the current settings (service radii
//! per facility kind, stop catchment), the results for them (every analysis of
//! [`crate::analysis`], computed on a worker thread, recomputed when a radius changes),
//! what is in focus (a facility, a route, a kind's gaps) and the map overlay for it
//! (built by [`crate::render::focus`], the same function the printed page uses).
//!
//! Isochrones: each facility kind is shown either by its service circle or by its
//! isochrone along roads ([`ReachChoice`]: walk or e-bike, 5/10/15 minutes). The road
//! graph ([`crate::network::RoadGraph`]) is built once per park on a worker and again
//! only when the roads change (edited geometry, class or speed; see
//! [`Studies::park_changed`]) or the network settings do; the isochrone lists of every
//! facility are computed per travel choice in use ([`crate::analysis::isochrone_coverage_with`],
//! without polygons); the focused facility's reached area is built with the overlay.
//!
//! Background work reports through a plain wake-up callback ([`Waker`]): the desktop
//! passes one that repaints its window; a headless caller polls or waits. Never computes
//! coverage itself: every figure comes from `analysis`. No GUI.

use std::sync::Arc;
use std::time::Instant;

use super::task::{Task, Waker};
pub use crate::analysis::ReachChoice;
use crate::analysis::{
    AnalysisSettings, IsochroneAnalysis, IsochroneSpec, ParkAnalysis, analyse,
    isochrone_coverage_with,
};
use crate::model::{FacilityKind, Park};
use crate::network::{NetworkSettings, RoadGraph};
use crate::render::focus::build_overlay_with;
pub use crate::render::focus::{Focus, IsoInputs};
use crate::render::{Overlays, ProjectedPark};
use crate::spatial::ParkIndex;

/// Every analysis for one set of settings, with each enterprise's links to the
/// facilities and routes serving it (for the inspector).
#[derive(Debug)]
pub struct Results {
    /// Every analysis of the park (the same [`ParkAnalysis`] `parkplan-cli report`
    /// prints).
    pub analysis: ParkAnalysis,
    /// Seconds the computation took.
    pub seconds: f64,
}

impl Results {
    /// The settings the results were computed with.
    pub fn settings(&self) -> &AnalysisSettings {
        &self.analysis.settings
    }
}

/// Computes every result the panels show; compliance walks `along_roads` kinds along
/// the road network built with `network` (see [`super::compliance_along_roads`]).
pub fn compute(
    park: &Park,
    index: &ParkIndex,
    settings: &AnalysisSettings,
    along_roads: &[FacilityKind],
    network: &NetworkSettings,
) -> Results {
    let t0 = Instant::now();
    let mut analysis = analyse(park, index, settings);
    if let Some(l) = super::compliance_along_roads(park, index, settings, along_roads, network) {
        analysis.living = l;
    }
    Results {
        analysis,
        seconds: t0.elapsed().as_secs_f64(),
    }
}

/// The road network of the park and what is wrong with it.
#[derive(Debug)]
pub struct Network {
    /// The routable graph.
    pub graph: Arc<RoadGraph>,
    /// Enterprises farther than `max_access_m` from every road (index, distance m).
    pub unreachable: Vec<(u32, Option<f64>)>,
    /// Facilities farther than `max_access_m` from every road.
    pub facilities_off: Vec<u32>,
    /// Facilities on a piece of road not joined to the main network (index, piece).
    pub facilities_isolated: Vec<(u32, usize)>,
    /// Seconds the build took.
    pub seconds: f64,
    /// Which build this is (isochrones of older builds are dropped).
    pub version: u64,
}

/// Builds the graph and checks which enterprises and facilities it reaches.
fn build_network(
    park: &Park,
    index: &ParkIndex,
    settings: NetworkSettings,
    version: u64,
) -> Result<Network, String> {
    let t0 = Instant::now();
    let graph = RoadGraph::build(park, *index.frame(), settings).map_err(|e| e.to_string())?;
    let unreachable = park
        .enterprises
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let p = e.location?;
            graph
                .snap(p.x(), p.y())
                .is_none()
                .then(|| (i as u32, graph.distance_to_network(p.x(), p.y())))
        })
        .collect();
    let mut facilities_off = Vec::new();
    let mut facilities_isolated = Vec::new();
    for (i, f) in park.facilities.iter().enumerate() {
        let Some(p) = f.location else { continue };
        match graph.snap(p.x(), p.y()) {
            None => facilities_off.push(i as u32),
            Some(s) => {
                let c = graph.component_of_snap(&s);
                if c != 0 {
                    facilities_isolated.push((i as u32, c));
                }
            }
        }
    }
    Ok(Network {
        graph: Arc::new(graph),
        unreachable,
        facilities_off,
        facilities_isolated,
        seconds: t0.elapsed().as_secs_f64(),
        version,
    })
}

/// A fingerprint of what the road graph is built from (geometry, class, speed).
fn roads_fingerprint(park: &Park) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    park.roads.len().hash(&mut h);
    for r in &park.roads {
        r.class.hash(&mut h);
        r.speed_kmh.map(f64::to_bits).hash(&mut h);
        r.name.hash(&mut h);
        for part in &r.line.0 {
            part.0.len().hash(&mut h);
            for c in &part.0 {
                c.x.to_bits().hash(&mut h);
                c.y.to_bits().hash(&mut h);
            }
        }
    }
    h.finish()
}

/// The isochrone lists of every facility for one travel choice.
#[derive(Debug)]
pub struct IsoResult {
    /// What was computed.
    pub spec: IsochroneSpec,
    /// The circle settings compared with.
    pub settings: AnalysisSettings,
    /// The network build used.
    pub network_version: u64,
    /// The park's content generation (edits) it was computed for.
    pub park_generation: u64,
    /// The lists.
    pub analysis: Arc<IsochroneAnalysis>,
    /// Seconds the computation took.
    pub seconds: f64,
}

/// The analysis state of the session.
#[derive(Default)]
pub struct Studies {
    /// The settings in use (the panel edits them through commands).
    pub settings: AnalysisSettings,
    /// The latest results (maybe for older settings while new ones compute).
    pub results: Option<Arc<Results>>,
    /// What is in focus.
    pub focus: Focus,
    /// The overlay for the focus (drawn by the map).
    pub overlay: Arc<Overlays>,
    /// Increases whenever `overlay` changes.
    pub overlay_version: u64,
    /// Circle or isochrone, per facility kind (kinds not listed show their circle).
    pub reach: std::collections::BTreeMap<FacilityKind, ReachChoice>,
    /// Speeds and tolerances of the road network.
    pub network_settings: NetworkSettings,
    /// The road network, once built.
    pub network: Option<Arc<Network>>,
    /// Why the road network could not be built.
    pub network_error: Option<String>,
    /// Isochrone lists computed so far (for the current results and network).
    pub isochrones: Vec<Arc<IsoResult>>,
    /// The site suggestion asked for last (re-run after edits and setting changes).
    pub siting_request: Option<super::siting::SuggestRequest>,
    /// Its answer, drawn on the map while nothing else is in focus.
    pub siting: Option<Arc<crate::analysis::siting::Suggestion>>,
    /// Why the last suggestion failed.
    pub siting_error: Option<String>,
    siting_task: Option<Task<Result<crate::analysis::siting::Suggestion, String>>>,
    siting_stale: bool,
    results_task: Option<Task<Results>>,
    overlay_task: Option<(u64, Task<Overlays>)>,
    network_task: Option<Task<Result<Network, String>>>,
    iso_task: Option<(IsochroneSpec, Task<IsoResult>)>,
    results_stale: bool,
    overlay_stale: bool,
    network_stale: bool,
    /// Increases with every change the overlay depends on.
    overlay_generation: u64,
    network_version: u64,
    roads_seen: Option<(usize, u64)>,
    park_seen: usize,
    network_wanted: bool,
    /// Increases with every change of the park's content (edits).
    park_generation: u64,
}

impl std::fmt::Debug for Studies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Studies")
            .field("settings", &self.settings)
            .field("focus", &self.focus)
            .field("reach", &self.reach)
            .field("computing", &self.is_computing())
            .finish()
    }
}

impl Studies {
    /// State for a newly loaded park: results compute on the first tick.
    pub fn new(settings: AnalysisSettings) -> Studies {
        Studies {
            settings,
            results_stale: true,
            ..Studies::default()
        }
    }

    /// Whether results or an overlay are being computed.
    pub fn is_computing(&self) -> bool {
        self.results_task.is_some()
            || self.siting_task.is_some()
            || self.overlay_task.is_some()
            || self.results_stale
            || self.network_task.is_some()
            || self.iso_task.is_some()
    }

    /// Whether the results shown match the settings.
    pub fn is_current(&self) -> bool {
        self.results
            .as_ref()
            .is_some_and(|r| *r.settings() == self.settings)
    }

    /// Changes the settings; results recompute.
    pub fn set_settings(&mut self, s: AnalysisSettings) {
        if s != self.settings {
            self.settings = s;
            self.results_stale = true;
            self.siting_stale = self.siting_request.is_some();
        }
    }

    /// Asks for a site suggestion (computed on a worker; shown on the map while no
    /// other focus is; re-run after each edit so that it follows the park), or forgets
    /// it with `None`.
    pub fn request_sites(&mut self, req: Option<super::siting::SuggestRequest>) {
        self.siting_stale = req.is_some();
        if req.is_none() {
            self.siting = None;
            self.siting_task = None;
        }
        self.siting_request = req;
        self.siting_error = None;
        self.overlay_stale = true;
        self.overlay_generation += 1;
    }

    /// Whether a site suggestion is being computed.
    pub fn siting_running(&self) -> bool {
        self.siting_task.is_some() || self.siting_stale
    }

    /// Changes the focus; the overlay rebuilds.
    pub fn set_focus(&mut self, f: Focus) {
        if f != self.focus {
            self.focus = f;
            self.overlay_stale = true;
            self.overlay_generation += 1;
        }
    }

    /// How a kind's reach is shown.
    pub fn reach_of(&self, kind: FacilityKind) -> ReachChoice {
        self.reach.get(&kind).copied().unwrap_or_default()
    }

    /// Shows a kind by its circle or its isochrone; the overlay rebuilds.
    pub fn set_reach(&mut self, kind: FacilityKind, choice: ReachChoice) {
        if self.reach_of(kind) != choice {
            // Compliance walks the kinds shown by isochrone along roads.
            if self.reach_of(kind).active() != choice.active() {
                self.results_stale = true;
            }
            self.reach.insert(kind, choice);
            self.overlay_stale = true;
            self.overlay_generation += 1;
        }
    }

    /// Changes speeds and tolerances: the network is rebuilt, isochrones recompute.
    pub fn set_network(&mut self, n: NetworkSettings) {
        if n != self.network_settings {
            self.network_settings = n;
            self.network_stale = true;
            self.results_stale |= self.reach.values().any(|c| c.isochrone);
        }
    }

    /// Call after the park's features were edited (once the analysis index was rebuilt):
    /// every analysis (land and project figures included) and the isochrones recompute,
    /// the road graph is rebuilt only when the roads changed (geometry, class or speed);
    /// focus, settings, circle/isochrone choices and the results shown meanwhile are
    /// kept. (Use this rather than a fresh [`Studies::new`], which forgets the choices
    /// and rebuilds the road graph.)
    pub fn park_changed(&mut self, park: &Park) {
        self.results_stale = true;
        self.siting_stale = self.siting_request.is_some();
        self.park_generation += 1;
        self.overlay_stale = true;
        self.overlay_generation += 1;
        let fp = (park.roads.len(), roads_fingerprint(park));
        if self.roads_seen != Some(fp) {
            self.roads_seen = Some(fp);
            self.network_stale = true;
        }
    }

    /// The isochrone shown for a facility kind, when the kind is in isochrone mode.
    pub fn iso_spec_of(&self, kind: FacilityKind) -> Option<IsochroneSpec> {
        self.reach_of(kind).active()
    }

    /// The computed isochrone lists for a travel choice, when current.
    pub fn isochrone(&self, spec: IsochroneSpec) -> Option<&Arc<IsoResult>> {
        let results = self.results.as_ref()?;
        let net = self.network.as_ref()?;
        self.isochrones.iter().find(|r| {
            r.spec == spec
                && r.settings == *results.settings()
                && r.network_version == net.version
                && r.park_generation == self.park_generation
        })
    }

    /// The isochrone spec for the current focus, when its kind shows one.
    fn focus_spec(&self, park: &Park) -> Option<IsochroneSpec> {
        match self.focus {
            Focus::Facility(fi) => self.iso_spec_of(park.facilities.get(fi as usize)?.kind),
            Focus::Gaps(k) => self.iso_spec_of(k),
            _ => None,
        }
    }

    /// Starts and collects background work; `wake` is called when a piece of it is
    /// done. Call once per frame (or poll). Returns whether work is still pending, so
    /// the caller should tick again soon.
    pub fn tick(
        &mut self,
        wake: &Waker,
        park: &Arc<Park>,
        index: Option<&Arc<ParkIndex>>,
        projected: &Arc<ProjectedPark>,
    ) -> bool {
        let Some(index) = index else { return false };
        // A park seen for the first time, or replaced after an edit: are the results
        // and the road graph still right?
        let ptr = Arc::as_ptr(park) as usize;
        if ptr != self.park_seen {
            if self.park_seen != 0 {
                self.results_stale = true;
                self.siting_stale = self.siting_request.is_some();
                self.park_generation += 1;
            }
            self.park_seen = ptr;
            let fp = (park.roads.len(), roads_fingerprint(park));
            if self.roads_seen != Some(fp) {
                self.roads_seen = Some(fp);
                self.network_stale = true;
            }
        }
        if let Some(t) = &self.results_task
            && let Some(r) = t.poll()
        {
            self.results_task = None;
            if let Some(r) = r {
                self.isochrones.retain(|x| x.settings == *r.settings());
                self.results = Some(Arc::new(r));
                self.overlay_stale = true;
                self.overlay_generation += 1;
            }
        }
        if self.results_stale && self.results_task.is_none() {
            self.results_stale = false;
            let (park, index, settings) = (park.clone(), index.clone(), self.settings.clone());
            let (along, network) = (
                super::along_road_kinds(&self.reach),
                self.network_settings.clone(),
            );
            self.results_task = Some(Task::spawn("parkplan-analysis", wake.clone(), move || {
                compute(&park, &index, &settings, &along, &network)
            }));
        }
        // The site suggestion, when one is asked for.
        if let Some(t) = &self.siting_task
            && let Some(r) = t.poll()
        {
            self.siting_task = None;
            match r {
                Some(Ok(sug)) => {
                    self.siting = Some(Arc::new(sug));
                    self.siting_error = None;
                }
                Some(Err(e)) => self.siting_error = Some(e),
                None => self.siting_error = Some("the siting worker stopped".into()),
            }
            self.overlay_stale = true;
            self.overlay_generation += 1;
        }
        if self.siting_stale
            && self.siting_task.is_none()
            && let Some(req) = self.siting_request.clone()
        {
            self.siting_stale = false;
            let (park, index, settings, network) = (
                park.clone(),
                index.clone(),
                self.settings.clone(),
                self.network_settings.clone(),
            );
            let along = super::along_road_kinds(&self.reach);
            self.siting_task = Some(Task::spawn("parkplan-siting", wake.clone(), move || {
                let inputs = super::siting::SitingInputs {
                    park: &park,
                    index: &index,
                    settings: &settings,
                    network: &network,
                    along_roads: &along,
                };
                super::siting::suggest(
                    &inputs,
                    &req,
                    &crate::analysis::siting::Limits {
                        time_limit: req.time_limit,
                        cancel: None,
                        progress: None,
                    },
                )
                .map_err(|e| e.to_string())
            }));
        }
        // The road network: built when needed (a kind shows isochrones, or the network
        // tab is open), once per park and roads.
        if let Some(t) = &self.network_task
            && let Some(r) = t.poll()
        {
            self.network_task = None;
            match r {
                Some(Ok(n)) => {
                    self.network = Some(Arc::new(n));
                    self.network_error = None;
                    self.isochrones.clear();
                    self.overlay_stale = true;
                    self.overlay_generation += 1;
                }
                Some(Err(e)) => self.network_error = Some(e),
                None => self.network_error = Some("the network worker stopped".into()),
            }
        }
        let wants_network = self.network_wanted || self.reach.values().any(|c| c.isochrone);
        if wants_network && self.network_stale && self.network_task.is_none() {
            self.network_stale = false;
            self.network_version += 1;
            let (park, index, settings, version) = (
                park.clone(),
                index.clone(),
                self.network_settings.clone(),
                self.network_version,
            );
            self.network_task = Some(Task::spawn("parkplan-network", wake.clone(), move || {
                build_network(&park, &index, settings, version)
            }));
        }
        // Isochrone lists for every choice in use.
        if let Some((_, t)) = &self.iso_task
            && let Some(r) = t.poll()
        {
            self.iso_task = None;
            if let Some(r) = r {
                self.isochrones.retain(|x| x.spec != r.spec);
                self.isochrones.push(Arc::new(r));
                self.overlay_stale = true;
                self.overlay_generation += 1;
            }
        }
        if self.iso_task.is_none()
            && self.network_task.is_none()
            && self.results_task.is_none()
            && !self.results_stale
            && let (Some(results), Some(net)) = (self.results.clone(), self.network.clone())
            && *results.settings() == self.settings
        {
            let wanted = self.reach.values().filter_map(|c| c.active());
            if let Some(spec) = wanted.into_iter().find(|s| self.isochrone(*s).is_none()) {
                let park = park.clone();
                let index = index.clone();
                let park_generation = self.park_generation;
                let task = Task::spawn("parkplan-isochrones", wake.clone(), move || {
                    let t0 = Instant::now();
                    let analysis = isochrone_coverage_with(
                        &park,
                        &index,
                        &net.graph,
                        &results.analysis.coverage,
                        spec,
                        false,
                    );
                    IsoResult {
                        spec,
                        settings: results.settings().clone(),
                        network_version: net.version,
                        park_generation,
                        analysis: Arc::new(analysis),
                        seconds: t0.elapsed().as_secs_f64(),
                    }
                });
                self.iso_task = Some((spec, task));
            }
        }
        // The overlay of the focus.
        if let Some((generation, t)) = &self.overlay_task
            && let Some(o) = t.poll()
        {
            if *generation == self.overlay_generation {
                self.overlay = Arc::new(o.unwrap_or_default());
                self.overlay_version += 1;
            } else {
                self.overlay_stale = true;
            }
            self.overlay_task = None;
        }
        if self.overlay_stale && self.overlay_task.is_none() {
            if let Some(results) = self.results.clone() {
                let iso = match self.focus_spec(park) {
                    None => Some(None),
                    // Without a network the circle is shown (the panel says why).
                    Some(_) if self.network_error.is_some() => Some(None),
                    Some(spec) => self.network.as_ref().map(|n| {
                        Some(IsoInputs {
                            graph: n.graph.clone(),
                            spec,
                            analysis: self.isochrone(spec).map(|r| r.analysis.clone()),
                        })
                    }),
                };
                // An isochrone focus waits for its network (and a kind's gaps for the
                // lists); meanwhile the previous overlay stays.
                let waiting = match (&iso, self.focus) {
                    (None, _) => true,
                    (Some(Some(i)), Focus::Gaps(_)) => i.analysis.is_none(),
                    _ => false,
                };
                if !waiting {
                    self.overlay_stale = false;
                    let (park, index, focus, projected) =
                        (park.clone(), index.clone(), self.focus, projected.clone());
                    if focus == Focus::None {
                        // A site suggestion shows while nothing else is in focus.
                        self.overlay = Arc::new(match &self.siting {
                            Some(sug) => crate::render::focus::suggestion_overlay(
                                &park, &index, sug, &projected,
                            ),
                            None => Overlays::default(),
                        });
                        self.overlay_version += 1;
                    } else {
                        let iso = iso.flatten();
                        let task = Task::spawn("parkplan-overlay", wake.clone(), move || {
                            build_overlay_with(
                                &park,
                                &index,
                                &results.analysis,
                                focus,
                                &projected,
                                iso.as_ref(),
                            )
                        });
                        self.overlay_task = Some((self.overlay_generation, task));
                    }
                }
            } else {
                self.overlay_stale = false;
            }
        }
        self.is_computing() || self.overlay_stale
    }

    /// The focus's isochrone choice and the network build it would use, when its kind
    /// shows an isochrone and the network is built (for the export dialog's key).
    pub fn focus_isochrone(&self, park: &Park) -> Option<(IsochroneSpec, u64)> {
        Some((self.focus_spec(park)?, self.network.as_ref()?.version))
    }

    /// The isochrone inputs the focus's overlay is built with (`None`: its circle is
    /// shown), so a printed page shows what the screen shows.
    pub fn focus_iso_inputs(&self, park: &Park) -> Option<IsoInputs> {
        let spec = self.focus_spec(park)?;
        if self.network_error.is_some() {
            return None;
        }
        let n = self.network.as_ref()?;
        Some(IsoInputs {
            graph: n.graph.clone(),
            spec,
            analysis: self.isochrone(spec).map(|r| r.analysis.clone()),
        })
    }

    /// The isochrones computed so far that are current (this park, its road network)
    /// and compared with circles of `settings`, ordered by mode and minutes, for a
    /// report; `None` without any.
    pub fn iso_run(&self, settings: &AnalysisSettings) -> Option<crate::analysis::IsoRun> {
        let network = self.network.as_ref()?;
        let mut current: Vec<_> = self
            .isochrones
            .iter()
            .filter_map(|r| self.isochrone(r.spec))
            .filter(|r| r.settings == *settings)
            .collect();
        current.sort_by(|a, b| {
            (a.spec.mode.code().cmp(b.spec.mode.code()))
                .then(a.spec.minutes.total_cmp(&b.spec.minutes))
        });
        current.dedup_by(|a, b| a.spec == b.spec);
        (!current.is_empty()).then(|| crate::analysis::IsoRun {
            graph: network.graph.clone(),
            analyses: current.iter().map(|r| r.analysis.clone()).collect(),
        })
    }

    /// Asks for the road network even when no kind shows isochrones (the network view
    /// is open).
    pub fn want_network(&mut self) {
        self.network_wanted = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::build;
    use crate::model::Road;

    fn park() -> Park {
        let r = build::route("R", "R", &[(112.29, 30.30), (112.32, 30.30)]);
        Park {
            enterprises: vec![build::enterprise("E", 112.30, 30.301, Some(5))],
            roads: vec![Road {
                feature: r.feature,
                id: "R".into(),
                name: "R".into(),
                class: None,
                speed_kmh: None,
                oneway: false,
                line: r.line,
            }],
            ..Park::default()
        }
    }

    #[test]
    fn only_road_edits_rebuild_the_network() {
        let mut p = park();
        let mut s = Studies::new(AnalysisSettings::default());
        s.park_changed(&p);
        assert!(s.network_stale, "first sight builds the graph");
        s.network_stale = false;
        // An enterprise moves: coverage recomputes, the graph stays.
        p.enterprises[0].location = Some(geo::Point::new(112.305, 30.301));
        s.park_changed(&p);
        assert!(s.results_stale);
        assert!(!s.network_stale);
        // A road vertex moves, or a speed limit changes: the graph is rebuilt.
        p.roads[0].line.0[0].0[1].y += 0.001;
        s.park_changed(&p);
        assert!(s.network_stale);
        s.network_stale = false;
        p.roads[0].speed_kmh = Some(20.0);
        s.park_changed(&p);
        assert!(s.network_stale);
    }

    #[test]
    fn an_edit_keeps_the_choices_and_the_graph_unless_roads_changed() {
        let mut p = park();
        let mut s = Studies::new(AnalysisSettings::default());
        s.park_changed(&p);
        s.network_stale = false;
        let kind = FacilityKind::ComprehensiveServiceCentre;
        let on = ReachChoice {
            isochrone: true,
            ..ReachChoice::default()
        };
        s.set_reach(kind, on);
        let generation = s.park_generation;
        p.enterprises[0].employees = Some(50);
        s.park_changed(&p);
        assert_eq!(
            s.reach_of(kind),
            on,
            "the isochrone choice survives the edit"
        );
        assert!(!s.network_stale, "roads unchanged: the graph stays");
        assert!(s.results_stale);
        assert!(s.park_generation > generation, "isochrone lists recompute");
    }

    #[test]
    fn reach_choices_change_the_overlay_only_when_they_differ() {
        let mut s = Studies::new(AnalysisSettings::default());
        let kind = FacilityKind::ComprehensiveServiceCentre;
        assert_eq!(s.iso_spec_of(kind), None, "circles by default");
        let g = s.overlay_generation;
        s.set_reach(kind, ReachChoice::default());
        assert_eq!(s.overlay_generation, g);
        let on = ReachChoice {
            isochrone: true,
            ..ReachChoice::default()
        };
        s.set_reach(kind, on);
        assert!(s.overlay_generation > g);
        assert_eq!(s.iso_spec_of(kind), Some(on.spec));
        assert_eq!(s.iso_spec_of(FacilityKind::Kindergarten), None);
    }
}
