//! Site suggestion for an open park, once for the command line and the desktop: the
//! request as the faces spell it ([`SuggestRequest`]), the candidates (parcels of a
//! land use, points along roads or a route, a GeoJSON file of points, clicked points),
//! the existing facilities or stops as fixed sites, coverage by circle or isochrone,
//! and the solve ([`crate::analysis::siting`]). Must not name egui, eframe or rfd.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::analysis::AnalysisSettings;
use crate::analysis::siting::{
    self, Candidate, Instance, Limits, Method, SiteReach, Suggestion, Weight,
};
use crate::analysis::{self};
use crate::model::{FacilityKind, Park};
use crate::network::{NetworkSettings, RoadGraph};
use crate::spatial::ParkIndex;

use super::{Workspace, WorkspaceError};

/// Where the candidate sites come from.
#[derive(Debug, Clone, PartialEq)]
pub enum CandidateSource {
    /// The centroids of parcels whose land use starts with this (`R`, `B`, `*`).
    Parcels(String),
    /// Points every so many metres along the roads (or along the route, for stops).
    Along(f64),
    /// The points (or feature centroids) of a GeoJSON file.
    File(PathBuf),
    /// Points given directly (clicked on the map).
    Points(Vec<Candidate>),
}

impl CandidateSource {
    /// Reads `parcels:LANDUSE`, `roads:METRES` or a file path.
    pub fn parse(s: &str) -> Result<CandidateSource, WorkspaceError> {
        let t = s.trim();
        let bad = |m: String| WorkspaceError::Setting {
            flag: "--candidates",
            message: m,
        };
        if let Some(lu) = t
            .strip_prefix("parcels:")
            .or_else(|| t.strip_prefix("地块:"))
        {
            return Ok(CandidateSource::Parcels(lu.trim().to_string()));
        }
        if t == "parcels" || t == "地块" {
            return Ok(CandidateSource::Parcels("*".into()));
        }
        if let Some(m) = t
            .strip_prefix("roads:")
            .or_else(|| t.strip_prefix("道路:"))
            .or_else(|| t.strip_prefix("route:"))
        {
            let step = analysis::parse_metres(m).map_err(|e| bad(e.to_string()))?;
            return Ok(CandidateSource::Along(step));
        }
        if t.is_empty() {
            return Err(bad(
                "empty: use parcels:LANDUSE, roads:METRES or a GeoJSON file".into(),
            ));
        }
        Ok(CandidateSource::File(PathBuf::from(t)))
    }

    /// `parcels:R`, `roads:200`, the file's path, `points:N`.
    pub fn label(&self) -> String {
        match self {
            CandidateSource::Parcels(lu) => format!("parcels:{lu}"),
            CandidateSource::Along(m) => {
                format!("roads:{}", crate::model::attributes::format_float(*m))
            }
            CandidateSource::File(p) => p.display().to_string(),
            CandidateSource::Points(v) => format!("points:{}", v.len()),
        }
    }
}

/// What to site.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteTarget {
    /// New facilities of a kind (its existing ones are fixed).
    Kind(FacilityKind),
    /// New stops of a route (its existing stops are fixed; stop catchment radius).
    Route(String),
}

/// A site suggestion as a face asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestRequest {
    /// A facility kind or a route's stops.
    pub target: SiteTarget,
    /// How many new sites.
    pub count: usize,
    /// The candidates (`None`: points every 200 m along the roads, or every 100 m along
    /// the route for stops).
    pub candidates: Option<CandidateSource>,
    /// What a covered enterprise counts for.
    pub weight: Weight,
    /// Greedy or exact.
    pub method: Method,
    /// Circle or isochrone.
    pub reach: SiteReach,
    /// Time limit of the solve.
    pub time_limit: Duration,
    /// For stops: no two stops (new or existing) closer than this, metres.
    pub min_spacing_m: f64,
    /// Also the fewest new sites covering every enterprise.
    pub set_cover: bool,
}

impl Default for SuggestRequest {
    fn default() -> Self {
        SuggestRequest {
            target: SiteTarget::Kind(FacilityKind::ConvenienceServiceCentre),
            count: 3,
            candidates: None,
            weight: Weight::Enterprises,
            method: Method::Greedy,
            reach: SiteReach::Circle,
            time_limit: Duration::from_secs(60),
            min_spacing_m: 300.0,
            set_cover: false,
        }
    }
}

impl Workspace {
    /// Suggests sites: builds the candidates and the instance with the settings in force
    /// (the kind's radius, the stop catchment, the network settings), then solves it.
    pub fn suggest(
        &self,
        req: &SuggestRequest,
        limits: &Limits<'_>,
    ) -> Result<Suggestion, WorkspaceError> {
        let inputs = SitingInputs {
            park: &self.park,
            index: self.index()?,
            settings: self.settings(),
            network: self.network_settings(),
        };
        suggest(&inputs, req, limits)
    }
}

/// What a suggestion reads: the park, its index and the settings in force (owned by a
/// [`Workspace`], or cloned for a worker thread).
#[derive(Debug, Clone, Copy)]
pub struct SitingInputs<'a> {
    /// The park.
    pub park: &'a Park,
    /// Its analysis index.
    pub index: &'a ParkIndex,
    /// Radii and stop catchment.
    pub settings: &'a AnalysisSettings,
    /// Speeds and tolerances of the road network (for isochrone reach).
    pub network: &'a NetworkSettings,
}

/// [`Workspace::suggest`] on its inputs (what the desktop runs on a worker).
pub fn suggest(
    inputs: &SitingInputs<'_>,
    req: &SuggestRequest,
    limits: &Limits<'_>,
) -> Result<Suggestion, WorkspaceError> {
    {
        let start = Instant::now();
        let SitingInputs {
            park,
            index,
            settings,
            network,
        } = *inputs;
        let setting = |m: String| WorkspaceError::Setting {
            flag: "suggest",
            message: m,
        };
        let (kind, route, radius_m, fixed_ll) = match &req.target {
            SiteTarget::Kind(k) => {
                let fixed: Vec<[f64; 2]> = park
                    .facilities
                    .iter()
                    .filter(|f| f.kind == *k)
                    .filter_map(|f| f.location.map(|p| [p.x(), p.y()]))
                    .collect();
                (k.code().to_string(), None, settings.radius(*k), fixed)
            }
            SiteTarget::Route(name) => {
                let ri = super::lookup::route(park, name)?;
                let rname = &park.routes[ri].name;
                let fixed: Vec<[f64; 2]> = park
                    .stops
                    .iter()
                    .filter(|s| s.route.as_deref() == Some(rname.as_str()))
                    .filter_map(|s| s.location.map(|p| [p.x(), p.y()]))
                    .collect();
                (
                    "bus_stop".to_string(),
                    Some(ri),
                    settings.catchment_m,
                    fixed,
                )
            }
        };
        let source = req.candidates.clone().unwrap_or(match route {
            Some(_) => CandidateSource::Along(100.0),
            None => CandidateSource::Along(200.0),
        });
        limits.progress.inspect(|p| p("candidates", 0.0));
        let candidates: Vec<Candidate> = match &source {
            CandidateSource::Parcels(lu) => siting::parcel_candidates(park, lu),
            CandidateSource::Along(step) => match route {
                Some(ri) => siting::route_candidates(park, index, ri, *step),
                None => siting::road_candidates(park, index, *step),
            },
            CandidateSource::File(path) => read_candidates(path)?,
            CandidateSource::Points(v) => v.clone(),
        };
        if candidates.is_empty() {
            return Err(setting(format!(
                "no candidate sites from {} (no parcel of that land use, no road or route, or no point in the file)",
                source.label()
            )));
        }
        let xy: Vec<[f64; 2]> = candidates
            .iter()
            .map(|c| index.project(c.lon_lat[0], c.lon_lat[1]))
            .collect();
        let fixed_xy: Vec<[f64; 2]> = fixed_ll.iter().map(|p| index.project(p[0], p[1])).collect();
        limits.progress.inspect(|p| p("coverage", 0.0));
        let (cover, fixed) = match req.reach {
            SiteReach::Circle => (
                siting::circle_cover(index, &xy, radius_m),
                siting::circle_fixed(index, &fixed_xy, radius_m),
            ),
            SiteReach::Network(spec) => {
                let graph = RoadGraph::build(park, *index.frame(), network.clone())?;
                if graph.graph.edge_count() == 0 {
                    return Err(WorkspaceError::Network(
                        "the park has no roads layer to travel along".into(),
                    ));
                }
                let snaps = siting::enterprise_snaps(park, &graph);
                let total = (candidates.len() + fixed_ll.len()).max(1) as f32;
                let done = std::sync::atomic::AtomicUsize::new(0);
                let tick = || {
                    let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if d.is_multiple_of(64)
                        && let Some(p) = limits.progress
                    {
                        p("coverage", d as f32 / total);
                    }
                };
                let ll: Vec<[f64; 2]> = candidates.iter().map(|c| c.lon_lat).collect();
                let cover = siting::network_cover(index, &graph, &snaps, &ll, spec, &tick);
                let mut fixed = vec![false; park.enterprises.len()];
                for e in siting::network_cover(index, &graph, &snaps, &fixed_ll, spec, &tick)
                    .into_iter()
                    .flatten()
                {
                    fixed[e as usize] = true;
                }
                (cover, fixed)
            }
        };
        let mut weights = req.weight.of(park);
        let located: Vec<bool> = index
            .enterprise_xy
            .iter()
            .map(|p| p[0].is_finite() && p[1].is_finite())
            .collect();
        for (w, l) in weights.iter_mut().zip(&located) {
            if !l {
                *w = 0.0;
            }
        }
        let mut inst = Instance::new(weights, fixed, cover);
        inst.located = located;
        let min_spacing_m = route.map(|_| req.min_spacing_m);
        if let Some(m) = min_spacing_m {
            let (conflicts, blocked) = siting::spacing(&xy, &fixed_xy, m);
            inst.conflicts = conflicts;
            inst.blocked = blocked;
        }
        let solve_limits = Limits {
            time_limit: req
                .time_limit
                .saturating_sub(start.elapsed())
                .max(Duration::from_secs(1)),
            cancel: limits.cancel,
            progress: limits.progress,
        };
        let solution = siting::solve(&inst, req.count, req.method, &solve_limits)
            .map_err(|e| setting(e.to_string()))?;
        let set_cover = if req.set_cover {
            Some(
                siting::set_cover(&inst, req.method, &solve_limits)
                    .map_err(|e| setting(e.to_string()))?,
            )
        } else {
            None
        };
        let reach_words = match req.reach {
            SiteReach::Circle => format!(
                "covered when the planar distance <= {} m",
                crate::model::attributes::format_float(radius_m)
            ),
            SiteReach::Network(spec) => format!(
                "covered when reached along roads within {} ({})",
                spec.describe(crate::model::Lang::En),
                spec.label()
            ),
        };
        let method_text = format!(
            "{}; {reach_words}; existing {} fixed; {}",
            index.frame().describe(),
            if route.is_some() {
                "stops"
            } else {
                "facilities of the kind"
            },
            siting::method_words(req.method)
        );
        Ok(Suggestion {
            kind,
            route,
            radius_m,
            reach: req.reach,
            count: req.count,
            method: req.method,
            weight: req.weight,
            candidates_from: source.label(),
            candidates,
            min_spacing_m,
            solution,
            set_cover,
            seconds: start.elapsed().as_secs_f64(),
            method_text,
        })
    }
}

/// The candidate points of a GeoJSON file (any CRS the importer reads; polygons and
/// lines give their representative point), ids from the features.
pub fn read_candidates(path: &std::path::Path) -> Result<Vec<Candidate>, WorkspaceError> {
    let (layer, _problems) =
        crate::import::read_layer_file(path, &crate::import::LayerOptions::default(), None)?;
    Ok(layer
        .geometries
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let p = crate::model::records::representative_point(g.as_ref()?)?;
            Some(Candidate {
                id: layer.display_id(i),
                lon_lat: [p.x(), p.y()],
            })
        })
        .collect())
}

/// The edit that adds a suggested site as a proposed facility of `kind` to the park's
/// first facilities layer: a point with the layer's own property names for kind, name
/// and id (the Chinese kind label, `拟建<kind> N`, a new id `P-…`) and `状态 = 拟建`
/// (proposed). `None` when the park has no facilities layer. Applied through the undo
/// history like any edit, after which every analysis updates.
pub fn proposed_facility_edit(
    park: &Park,
    kind: FacilityKind,
    lon_lat: [f64; 2],
) -> Option<crate::model::Edit> {
    use crate::model::{Field, Lang, Role};
    use serde_json::Value;
    let layer = park
        .layers
        .iter()
        .position(|l| l.role == Role::Facilities)?;
    let l = &park.layers[layer];
    let name_of = |f: Field, default: &str| {
        l.fields
            .get(&f)
            .filter(|s| !s.is_empty())
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let label = kind.label(Lang::Zh);
    let taken: std::collections::HashSet<&str> =
        park.facilities.iter().map(|f| f.id.as_str()).collect();
    let n = (1..)
        .find(|n| !taken.contains(format!("P-{n:03}").as_str()))
        .unwrap_or(1);
    let id = format!("P-{n:03}");
    let properties = vec![
        (name_of(Field::Id, "编号"), Value::String(id.clone())),
        (
            name_of(Field::Name, "设施名称"),
            Value::String(format!("拟建{label}{n}")),
        ),
        (
            name_of(Field::Kind, "设施类型"),
            Value::String(label.to_string()),
        ),
        ("状态".to_string(), Value::String("拟建".to_string())),
    ];
    Some(crate::model::Edit::AddFeature {
        layer,
        index: l.len(),
        feature: crate::model::edit::FeatureData {
            id: None,
            geometry: Some(geo::Geometry::Point(geo::Point::new(
                lon_lat[0], lon_lat[1],
            ))),
            properties,
            extras: None,
        },
    })
}
