//! The desktop's view of the analysis library: the current settings (service radii per
//! facility kind, stop catchment), the results for them (computed by
//! [`crate::analysis`] on a worker thread, recomputed when a radius changes), what the
//! analysis panel has in focus (a facility, a route, a kind's gaps) and the map overlay
//! for it.
//!
//! Never computes coverage itself: every figure comes from `analysis`.

use std::sync::Arc;
use std::time::Instant;

use eframe::egui;

use super::task::Task;
use crate::analysis::{
    AnalysisSettings, AreaSettings, Coverage, LandStats, NearestFacilities, ProjectSite,
    RouteAnalysis, StageTally, catchment_band, circles_union, facility_circle, land_statistics,
    nearest_facilities, project_sites, project_statistics, route_catchments, service_coverage,
};
use crate::model::{FacilityKind, FeatureRef, Park};
use crate::render::{AreaKind, OverlayArea, Overlays, ProjectedPark};
use crate::spatial::{ParkIndex, unproject_polygons};

/// Coverage and route results for one set of settings.
#[derive(Debug)]
pub struct Results {
    /// The settings they were computed with.
    pub settings: AnalysisSettings,
    /// Per facility and per kind.
    pub coverage: Coverage,
    /// Each enterprise's nearest facility of each kind.
    pub nearest: NearestFacilities,
    /// Per route.
    pub routes: RouteAnalysis,
    /// For each enterprise, the facilities covering it (facility index, distance m),
    /// nearest first.
    pub served_by: Vec<Vec<(u32, f32)>>,
    /// For each enterprise, the routes whose stop catchment holds it.
    pub routes_of: Vec<Vec<u32>>,
    /// Seconds the computation took.
    pub seconds: f64,
}

/// Computes every result the panels show.
pub fn compute(park: &Park, index: &ParkIndex, settings: &AnalysisSettings) -> Results {
    let t0 = Instant::now();
    let (coverage, (nearest, routes)) = rayon::join(
        || service_coverage(park, index, settings),
        || {
            rayon::join(
                || nearest_facilities(park, index),
                || route_catchments(park, index, settings.catchment_m),
            )
        },
    );
    let mut served_by = vec![Vec::new(); park.enterprises.len()];
    for fc in &coverage.facilities {
        for c in &fc.covered {
            if let Some(v) = served_by.get_mut(c.enterprise as usize) {
                v.push((fc.facility, c.distance_m));
            }
        }
    }
    for v in &mut served_by {
        v.sort_by(|a, b| a.1.total_cmp(&b.1));
    }
    let mut routes_of = vec![Vec::new(); park.enterprises.len()];
    for r in &routes.routes {
        for &e in &r.enterprises {
            if let Some(v) = routes_of.get_mut(e as usize) {
                v.push(r.route);
            }
        }
    }
    Results {
        settings: settings.clone(),
        coverage,
        nearest,
        routes,
        served_by,
        routes_of,
        seconds: t0.elapsed().as_secs_f64(),
    }
}

/// What the analysis panel looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// Nothing.
    #[default]
    None,
    /// A facility (index into `park.facilities`): its circle and covered enterprises.
    Facility(u32),
    /// A bus route (index into `park.routes`): its stops, catchment band, enterprises.
    Route(u32),
    /// The enterprises no facility of this kind covers.
    Gaps(FacilityKind),
    /// The enterprises beyond the stop catchment of every bus route.
    BusGaps,
}

/// Builds the map overlay for a focus: the service circle or catchment band (or a
/// kind's circles for the gaps view) as areas, the facility / route / stops in focus as
/// selected, the enterprises it covers (or that nobody covers) as highlighted.
pub fn build_overlay(
    park: &Park,
    index: &ParkIndex,
    results: &Results,
    focus: Focus,
    projected: &ProjectedPark,
) -> Overlays {
    let area = AreaSettings::default();
    let enterprise = |e: u32| park.enterprises.get(e as usize).map(|x| x.feature);
    let areas = |mp: &geo::MultiPolygon<f64>, kind| -> Vec<OverlayArea> {
        OverlayArea::from_lon_lat(mp, kind, projected)
            .into_iter()
            .collect()
    };
    match focus {
        Focus::None => Overlays::default(),
        Focus::Facility(fi) => {
            let circle = facility_circle(park, index, &results.settings, fi as usize, &area)
                .map(|p| geo::MultiPolygon(vec![p]))
                .unwrap_or(geo::MultiPolygon(vec![]));
            Overlays {
                areas: areas(&circle, AreaKind::ServiceCircle),
                selected: park
                    .facilities
                    .get(fi as usize)
                    .map(|f| f.feature)
                    .into_iter()
                    .collect(),
                highlighted: results
                    .coverage
                    .facilities
                    .get(fi as usize)
                    .map(|fc| {
                        fc.covered
                            .iter()
                            .filter_map(|c| enterprise(c.enterprise))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        }
        Focus::Route(ri) => {
            let band = catchment_band(
                park,
                index,
                ri as usize,
                results.settings.catchment_m,
                &area,
            );
            let stats = results.routes.routes.iter().find(|r| r.route == ri);
            let mut selected: Vec<FeatureRef> = park
                .routes
                .get(ri as usize)
                .map(|r| r.feature)
                .into_iter()
                .collect();
            if let Some(s) = stats {
                selected.extend(
                    s.stops
                        .iter()
                        .filter_map(|&si| park.stops.get(si as usize).map(|s| s.feature)),
                );
            }
            Overlays {
                areas: areas(&band, AreaKind::Catchment),
                selected,
                highlighted: stats
                    .map(|s| {
                        s.enterprises
                            .iter()
                            .filter_map(|&e| enterprise(e))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        }
        Focus::Gaps(kind) => {
            let Some(kc) = results.coverage.kind(kind) else {
                return Overlays::default();
            };
            let pts: Vec<[f64; 2]> = kc
                .facilities
                .iter()
                .filter_map(|&f| index.facility_xy.get(f as usize).copied())
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                .collect();
            let union = unproject_polygons(
                index.projector(),
                &circles_union(&pts, kc.radius_m, area.segments),
            );
            Overlays {
                areas: areas(&union, AreaKind::ServiceCircle),
                selected: kc
                    .facilities
                    .iter()
                    .filter_map(|&f| park.facilities.get(f as usize).map(|x| x.feature))
                    .collect(),
                highlighted: kc.uncovered.iter().filter_map(|&e| enterprise(e)).collect(),
            }
        }
        Focus::BusGaps => {
            let pts: Vec<[f64; 2]> = index
                .stop_xy
                .iter()
                .copied()
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                .collect();
            let union = unproject_polygons(
                index.projector(),
                &circles_union(&pts, results.settings.catchment_m, area.segments),
            );
            Overlays {
                areas: areas(&union, AreaKind::Catchment),
                selected: Vec::new(),
                highlighted: results
                    .routes
                    .beyond_all
                    .iter()
                    .filter_map(|&e| enterprise(e))
                    .collect(),
            }
        }
    }
}

/// Land and project statistics (independent of the radii).
#[derive(Debug, Default)]
pub struct Statistics {
    /// Parcels by status and land use.
    pub land: LandStats,
    /// Projects by lifecycle stage.
    pub projects: Vec<StageTally>,
    /// Which parcel each project sits on.
    pub sites: Vec<ProjectSite>,
}

/// The analysis state of the session.
#[derive(Default)]
pub struct Studies {
    /// The settings in use (the panel edits them through commands).
    pub settings: AnalysisSettings,
    /// The latest results (maybe for older settings while new ones compute).
    pub results: Option<Arc<Results>>,
    /// Land and projects.
    pub stats: Statistics,
    /// What is in focus.
    pub focus: Focus,
    /// The overlay for the focus (drawn by the map).
    pub overlay: Arc<Overlays>,
    /// Increases whenever `overlay` changes.
    pub overlay_version: u64,
    results_task: Option<Task<Results>>,
    overlay_task: Option<(Focus, Task<Overlays>)>,
    results_stale: bool,
    overlay_stale: bool,
}

impl std::fmt::Debug for Studies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Studies")
            .field("settings", &self.settings)
            .field("focus", &self.focus)
            .field("computing", &self.is_computing())
            .finish()
    }
}

impl Studies {
    /// State for a newly loaded park.
    pub fn new(park: &Park, index: Option<&ParkIndex>, settings: AnalysisSettings) -> Studies {
        let stats = Statistics {
            land: land_statistics(park),
            projects: project_statistics(park),
            sites: index.map(|i| project_sites(park, i)).unwrap_or_default(),
        };
        Studies {
            settings,
            stats,
            results_stale: true,
            ..Studies::default()
        }
    }

    /// Whether results or an overlay are being computed.
    pub fn is_computing(&self) -> bool {
        self.results_task.is_some() || self.overlay_task.is_some() || self.results_stale
    }

    /// Whether the results shown match the settings.
    pub fn is_current(&self) -> bool {
        self.results
            .as_ref()
            .is_some_and(|r| r.settings == self.settings)
    }

    /// Changes the settings; results recompute.
    pub fn set_settings(&mut self, s: AnalysisSettings) {
        if s != self.settings {
            self.settings = s;
            self.results_stale = true;
        }
    }

    /// Changes the focus; the overlay rebuilds.
    pub fn set_focus(&mut self, f: Focus) {
        if f != self.focus {
            self.focus = f;
            self.overlay_stale = true;
        }
    }

    /// Starts and collects background work. Call once per frame.
    pub fn tick(
        &mut self,
        ctx: &egui::Context,
        park: &Arc<Park>,
        index: Option<&Arc<ParkIndex>>,
        projected: &Arc<ProjectedPark>,
    ) {
        let Some(index) = index else { return };
        if let Some(t) = &self.results_task
            && let Some(r) = t.poll()
        {
            self.results_task = None;
            if let Some(r) = r {
                self.results = Some(Arc::new(r));
                self.overlay_stale = true;
            }
        }
        if self.results_stale && self.results_task.is_none() {
            self.results_stale = false;
            let (park, index, settings) = (park.clone(), index.clone(), self.settings.clone());
            self.results_task = Some(Task::spawn("parkplan-analysis", ctx, move || {
                compute(&park, &index, &settings)
            }));
        }
        if let Some((focus, t)) = &self.overlay_task
            && let Some(o) = t.poll()
        {
            if *focus == self.focus {
                self.overlay = Arc::new(o.unwrap_or_default());
                self.overlay_version += 1;
            }
            self.overlay_task = None;
        }
        if self.overlay_stale && self.overlay_task.is_none() {
            self.overlay_stale = false;
            if let Some(results) = self.results.clone() {
                let (park, index, focus, projected) =
                    (park.clone(), index.clone(), self.focus, projected.clone());
                if focus == Focus::None {
                    self.overlay = Arc::new(Overlays::default());
                    self.overlay_version += 1;
                } else {
                    let task = Task::spawn("parkplan-overlay", ctx, move || {
                        build_overlay(&park, &index, &results, focus, &projected)
                    });
                    self.overlay_task = Some((focus, task));
                }
            }
        }
        if self.is_computing() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }
}
