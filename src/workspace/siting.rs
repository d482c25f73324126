//! Site suggestion for an open park, once for the command line and the desktop: the
//! request as the faces spell it ([`SuggestRequest`]), the candidates (parcels of a
//! land use, points along roads or a route, a GeoJSON file of points, clicked points),
//! the existing facilities or stops as fixed sites, coverage by circle or isochrone,
//! and the solve ([`crate::analysis::siting`]). Must not name egui, eframe or rfd.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::analysis::AnalysisSettings;
use crate::analysis::living::{self, Place};
use crate::analysis::siting::{
    self, Candidate, Demand, Goal, Instance, Limits, Method, SiteReach, Suggestion, Weight,
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
    /// What to maximise: coverage, or the places made compliant for a tier.
    pub goal: Goal,
    /// For stops: also candidates on roads off the route, up to this many metres from
    /// it along roads (each with its detour).
    pub detour_m: Option<f64>,
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
            goal: Goal::Coverage,
            detour_m: None,
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
            along_roads: &self.along_road_kinds(),
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
    /// The kinds whose compliance is walked along roads (shown by isochrone).
    pub along_roads: &'a [FacilityKind],
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
            along_roads: _,
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
        // The road graph, built once when something needs it.
        let graph_cell: std::cell::OnceCell<Result<RoadGraph, WorkspaceError>> =
            std::cell::OnceCell::new();
        let graph = || -> Result<&RoadGraph, WorkspaceError> {
            match graph_cell.get_or_init(|| {
                let g = RoadGraph::build(park, *index.frame(), network.clone())?;
                if g.graph.edge_count() == 0 {
                    return Err(WorkspaceError::Network(
                        "the park has no roads layer to travel along".into(),
                    ));
                }
                Ok(g)
            }) {
                Ok(g) => Ok(g),
                Err(e) => Err(WorkspaceError::Network(e.to_string())),
            }
        };
        let mut candidates: Vec<Candidate> = match &source {
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
        if let (Some(ri), Some(d)) = (route, req.detour_m) {
            let step = match &source {
                CandidateSource::Along(s) => *s,
                _ => 100.0,
            };
            candidates.extend(siting::detour_candidates(
                park,
                index,
                graph()?,
                ri,
                step,
                d,
            ));
        }
        if route.is_some() {
            for c in &mut candidates {
                c.detour_m.get_or_insert(0.0);
            }
        }
        let xy: Vec<[f64; 2]> = candidates
            .iter()
            .map(|c| index.project(c.lon_lat[0], c.lon_lat[1]))
            .collect();
        let fixed_xy: Vec<[f64; 2]> = fixed_ll.iter().map(|p| index.project(p[0], p[1])).collect();
        limits.progress.inspect(|p| p("coverage", 0.0));
        if let Goal::Compliance(tier) = &req.goal {
            let SiteTarget::Kind(k) = req.target else {
                return Err(setting(
                    "a compliance target sites facilities of a kind (--kind), not stops".into(),
                ));
            };
            let c = ComplianceDemand::new(inputs, k, tier, req, &graph)?;
            let ll: Vec<[f64; 2]> = candidates.iter().map(|c| c.lon_lat).collect();
            let mut cover = if c.walk {
                let origins: Vec<([f64; 2], [f64; 2])> =
                    xy.iter().copied().zip(ll.iter().copied()).collect();
                living::walked_from(graph()?, &origins, &c.places, c.radius_m)
            } else {
                living::within_circle(&xy, &c.places, c.radius_m)
            };
            // A place missing another kind too is not made compliant by this one.
            for v in &mut cover {
                v.retain(|&i| c.eligible[i as usize]);
            }
            let mut inst = Instance::new(c.weights.clone(), c.fixed.clone(), cover);
            inst.located = c.eligible.clone();
            return finish(
                inputs,
                req,
                limits,
                start,
                Finish {
                    kind: k.code().to_string(),
                    route: None,
                    radius_m: c.radius_m,
                    source: &source,
                    candidates,
                    inst,
                    demand: c.demand,
                    place_index: Some(c.places.iter().map(|p| p.index).collect()),
                    reach_words: c.words.clone(),
                    fixed_words: format!(
                        "places already compliant fixed; a place counts only when the new site gives it its last missing kind ({} of {} non-compliant places miss only {})",
                        c.only_this,
                        c.places.len() - c.compliant,
                        k.code()
                    ),
                },
            );
        }
        let (cover, fixed) = match req.reach {
            SiteReach::Circle => (
                siting::circle_cover(index, &xy, radius_m),
                siting::circle_fixed(index, &fixed_xy, radius_m),
            ),
            SiteReach::Network(spec) => {
                let graph = graph()?;
                let snaps = siting::enterprise_snaps(park, graph);
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
                let cover = siting::network_cover(index, graph, &snaps, &ll, spec, &tick);
                let mut fixed = vec![false; park.enterprises.len()];
                for e in siting::network_cover(index, graph, &snaps, &fixed_ll, spec, &tick)
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
        if let Some(m) = route.map(|_| req.min_spacing_m) {
            let (conflicts, blocked) = siting::spacing(&xy, &fixed_xy, m);
            inst.conflicts = conflicts;
            inst.blocked = blocked;
        }
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
        let fixed_words = match (route, req.detour_m) {
            (Some(_), Some(d)) => format!(
                "existing stops fixed; candidates also on roads up to {} m off the route along roads (detour_m: the extra driving out and back, from the nearest road node within {} m of the route; walked distances on the graph, one-way rules not applied)",
                crate::model::attributes::format_float(d),
                crate::model::attributes::format_float(siting::ON_ROUTE_M)
            ),
            (Some(_), None) => "existing stops fixed".to_string(),
            (None, _) => "existing facilities of the kind fixed".to_string(),
        };
        finish(
            inputs,
            req,
            limits,
            start,
            Finish {
                kind,
                route,
                radius_m,
                source: &source,
                candidates,
                inst,
                demand: Demand::Enterprises,
                place_index: None,
                reach_words,
                fixed_words,
            },
        )
    }
}

/// What [`finish`] needs of a built instance.
struct Finish<'a> {
    kind: String,
    route: Option<usize>,
    radius_m: f64,
    source: &'a CandidateSource,
    candidates: Vec<Candidate>,
    inst: Instance,
    demand: Demand,
    /// Instance position → index into the park's enterprises or parcels (`None`: the
    /// instance indexes the enterprises directly).
    place_index: Option<Vec<u32>>,
    reach_words: String,
    fixed_words: String,
}

/// Solves a built instance and assembles the suggestion.
fn finish(
    inputs: &SitingInputs<'_>,
    req: &SuggestRequest,
    limits: &Limits<'_>,
    start: Instant,
    f: Finish<'_>,
) -> Result<Suggestion, WorkspaceError> {
    let setting = |m: String| WorkspaceError::Setting {
        flag: "suggest",
        message: m,
    };
    let solve_limits = Limits {
        time_limit: req
            .time_limit
            .saturating_sub(start.elapsed())
            .max(Duration::from_secs(1)),
        cancel: limits.cancel,
        progress: limits.progress,
    };
    let mut solution = siting::solve(&f.inst, req.count, req.method, &solve_limits)
        .map_err(|e| setting(e.to_string()))?;
    let mut set_cover = if req.set_cover {
        Some(
            siting::set_cover(&f.inst, req.method, &solve_limits)
                .map_err(|e| setting(e.to_string()))?,
        )
    } else {
        None
    };
    if let Some(map) = &f.place_index {
        let remap = |v: &mut Vec<u32>| {
            for e in v.iter_mut() {
                *e = map.get(*e as usize).copied().unwrap_or(u32::MAX);
            }
            v.retain(|e| *e != u32::MAX);
            v.sort_unstable();
        };
        solution.newly.iter_mut().for_each(remap);
        if let Some(sc) = &mut set_cover {
            sc.newly.iter_mut().for_each(remap);
            remap(&mut sc.uncoverable);
        }
    }
    let method_text = format!(
        "{}; target {}; {}; {}; {}",
        inputs.index.frame().describe(),
        req.goal.label(),
        f.reach_words,
        f.fixed_words,
        siting::method_words(req.method)
    );
    Ok(Suggestion {
        kind: f.kind,
        target: req.goal.label(),
        demand: f.demand,
        route: f.route,
        radius_m: f.radius_m,
        reach: req.reach,
        count: req.count,
        method: req.method,
        weight: req.weight,
        candidates_from: f.source.label(),
        candidates: f.candidates,
        min_spacing_m: f.route.map(|_| req.min_spacing_m),
        solution,
        set_cover,
        seconds: start.elapsed().as_secs_f64(),
        method_text,
    })
}

/// The places a compliance target counts: the residential parcels of a living-circle
/// tier (or the enterprises, for the service circle), which are compliant already
/// (fixed), and which miss only the kind being sited (the only ones a new site can make
/// compliant).
struct ComplianceDemand {
    places: Vec<Place>,
    demand: Demand,
    /// The radius the tier checks the kind within.
    radius_m: f64,
    /// Whether the kind is walked along roads (shown by isochrone, or `--reach` along
    /// roads) rather than measured by its circle.
    walk: bool,
    weights: Vec<f64>,
    fixed: Vec<bool>,
    /// Compliant already, or missing only the kind.
    eligible: Vec<bool>,
    compliant: usize,
    only_this: usize,
    words: String,
}

impl ComplianceDemand {
    fn new<'g>(
        inputs: &SitingInputs<'_>,
        kind: FacilityKind,
        tier: &str,
        req: &SuggestRequest,
        graph: &dyn Fn() -> Result<&'g RoadGraph, WorkspaceError>,
    ) -> Result<ComplianceDemand, WorkspaceError> {
        let SitingInputs {
            park,
            index,
            settings,
            along_roads,
            ..
        } = *inputs;
        let setting = |m: String| WorkspaceError::Setting {
            flag: "--target",
            message: m,
        };
        // The kind is walked along roads when shown by isochrone, or asked for.
        let mut walked: Vec<FacilityKind> = along_roads.to_vec();
        if matches!(req.reach, SiteReach::Network(_)) && !walked.contains(&kind) {
            walked.push(kind);
        }
        let needs_graph = settings
            .living
            .tiers
            .iter()
            .chain(std::iter::once(&settings.living.service))
            .any(|t| t.required.iter().any(|k| walked.contains(k)));
        let g = if needs_graph { Some(graph()?) } else { None };
        let reach = living::ComplianceReach {
            graph: g,
            along_roads: &walked,
        };
        let lc = living::living_circles_with(park, index, &settings.living, &reach);
        let (places, demand, required, missing, reach_of) = if Goal::is_service(tier) {
            (
                living::enterprise_places(park, index),
                Demand::Enterprises,
                lc.service.required.clone(),
                lc.service.missing.clone(),
                lc.service.reach.clone(),
            )
        } else {
            let ti = lc.tier(tier).ok_or_else(|| {
                setting(format!(
                    "no living-circle tier \"{tier}\" (tiers: {}; or service for the enterprises' service circle)",
                    lc.tiers
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            let t = &lc.tiers[ti];
            (
                living::residential_places(park, index, &settings.living),
                Demand::Parcels,
                t.required.clone(),
                t.missing.clone(),
                t.reach.clone(),
            )
        };
        let Some(pos) = required.iter().position(|(k, _)| *k == kind) else {
            return Err(setting(format!(
                "tier \"{tier}\" does not require {} (it requires: {})",
                kind.code(),
                required
                    .iter()
                    .map(|(k, _)| k.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        let radius_m = required[pos].1;
        let walk = reach_of[pos] == living::KindReach::Walk;
        let missing: std::collections::HashMap<u32, &[FacilityKind]> =
            missing.iter().map(|(i, m)| (*i, m)).collect();
        let base = match demand {
            Demand::Enterprises => req.weight.of(park),
            Demand::Parcels => Vec::new(),
        };
        let mut weights = Vec::with_capacity(places.len());
        let mut fixed = Vec::with_capacity(places.len());
        let mut eligible = Vec::with_capacity(places.len());
        let (mut compliant, mut only_this) = (0, 0);
        for p in &places {
            let w = base.get(p.index as usize).copied().unwrap_or(1.0);
            match missing.get(&p.index) {
                None => {
                    compliant += 1;
                    weights.push(w);
                    fixed.push(true);
                    eligible.push(true);
                }
                Some(m) if m[..] == [kind] => {
                    only_this += 1;
                    weights.push(w);
                    fixed.push(false);
                    eligible.push(true);
                }
                Some(_) => {
                    weights.push(0.0);
                    fixed.push(false);
                    eligible.push(false);
                }
            }
        }
        let what = match demand {
            Demand::Parcels => "residential parcels",
            Demand::Enterprises => "enterprises",
        };
        let words = format!(
            "{what} made compliant with the {} circle: {} within {} m{}",
            if Goal::is_service(tier) {
                "service"
            } else {
                tier
            },
            kind.code(),
            crate::model::attributes::format_float(radius_m),
            if walk {
                " walked along roads"
            } else {
                " (planar distance)"
            }
        );
        Ok(ComplianceDemand {
            places,
            demand,
            radius_m,
            walk,
            weights,
            fixed,
            eligible,
            compliant,
            only_this,
            words,
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
            Some(Candidate::at(layer.display_id(i), [p.x(), p.y()]))
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
