//! Site suggestion: where to put the next facilities (or bus stops) so that they cover
//! the most enterprises or employees not yet covered — the maximal covering location
//! problem (MCLP, Church & ReVelle 1974) — and the reverse question, the fewest new
//! sites that cover every enterprise (set covering, Toregas et al. 1971).
//!
//! An [`Instance`] is plain data: per enterprise a weight and whether an existing
//! facility already covers it; per candidate site the enterprises it would cover (by
//! circle or along the road network, computed here by [`circle_cover`] and
//! [`network_cover`]) and the candidates it may not be chosen with (a minimum spacing,
//! for bus stops). Two methods solve it:
//!
//! - **greedy with swap improvement** ([`Method::Greedy`]): pick the site with the
//!   largest newly covered weight, p times (lazily re-evaluated), then swap a chosen site
//!   for an unchosen one while that improves the objective. Coverage is monotone
//!   submodular, so greedy alone is within `1 − 1/e` (≈ 63 %) of the optimum (Nemhauser,
//!   Wolsey & Fisher 1978); swaps only improve it.
//! - **exact** ([`Method::Exact`]): the integer programme
//!   `max Σ w_g y_g  s.t.  y_g ≤ Σ_{j ∈ N_g} x_j,  Σ x_j ≤ p,  x_i + x_j ≤ 1 (too close),
//!   x ∈ {0,1}, 0 ≤ y ≤ 1`, solved by `good_lp` with the pure-Rust `microlp`
//!   branch-and-bound (builds from crates.io on Linux and Windows-gnu without a C++
//!   toolchain), warm-started from the greedy answer and bounded by a time limit.
//!   Enterprises already covered, and those no candidate covers, are left out, and
//!   enterprises covered by the same candidates are merged into one demand `g` (the
//!   optimum is unchanged).
//!
//! Either way an upper bound on the optimum is reported: the LP relaxation's optimum
//! when it finishes within the time limit, else (and also, whichever is lower) the
//! greedy online bound `f(S) + Σ top-p marginal gains` (valid for any submodular
//! coverage), and the gap `(bound − found) / bound`.
//!
//! No I/O, no GUI.

use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::Park;
use crate::network::{RoadGraph, Snap};
use crate::spatial::{ParkIndex, PointIndex};

use super::IsochroneSpec;

/// Errors of a site suggestion.
#[derive(Debug, thiserror::Error)]
pub enum SitingError {
    /// A setting could not be read.
    #[error("{0}")]
    Setting(String),
    /// The solver failed (not a time limit: that returns the best answer found).
    #[error("the integer programme could not be solved: {0}")]
    Solver(String),
    /// The run was cancelled.
    #[error("cancelled")]
    Cancelled,
}

/// What a covered enterprise counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    /// Each enterprise counts 1.
    #[default]
    Enterprises,
    /// Each enterprise counts its employees (0 when it states none).
    Employees,
}

impl Weight {
    /// `enterprises` or `employees`.
    pub fn code(self) -> &'static str {
        match self {
            Weight::Enterprises => "enterprises",
            Weight::Employees => "employees",
        }
    }

    /// Reads `enterprises`/`企业` or `employees`/`职工`.
    pub fn parse(s: &str) -> Result<Weight, SitingError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "enterprises" | "enterprise" | "count" | "企业" | "企业数" => {
                Ok(Weight::Enterprises)
            }
            "employees" | "employee" | "staff" | "职工" | "职工人数" => Ok(Weight::Employees),
            other => Err(SitingError::Setting(format!(
                "weight \"{other}\" must be enterprises or employees"
            ))),
        }
    }

    /// The weight of each enterprise of `park`.
    pub fn of(self, park: &Park) -> Vec<f64> {
        park.enterprises
            .iter()
            .map(|e| match self {
                Weight::Enterprises => 1.0,
                Weight::Employees => f64::from(e.employees.unwrap_or(0)),
            })
            .collect()
    }
}

/// How the sites are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Greedy with swap improvement (within 1 − 1/e of the optimum; usually at it).
    #[default]
    Greedy,
    /// The integer programme, solved exactly (within the time limit).
    Exact,
}

impl Method {
    /// `greedy` or `exact`.
    pub fn code(self) -> &'static str {
        match self {
            Method::Greedy => "greedy",
            Method::Exact => "exact",
        }
    }

    /// Reads `greedy`/`贪心` or `exact`/`ilp`/`精确`.
    pub fn parse(s: &str) -> Result<Method, SitingError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "greedy" | "贪心" | "heuristic" => Ok(Method::Greedy),
            "exact" | "ilp" | "mip" | "精确" => Ok(Method::Exact),
            other => Err(SitingError::Setting(format!(
                "method \"{other}\" must be greedy or exact"
            ))),
        }
    }
}

/// What "covers" means for a new site: its kind's circle, or an isochrone along roads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub enum SiteReach {
    /// Within the kind's service radius (planar distance ≤ radius).
    #[default]
    Circle,
    /// Reached along the road network within the time budget.
    Network(IsochroneSpec),
}

impl SiteReach {
    /// Reads `circle`, `walk:15`, `ebike:15`.
    pub fn parse(s: &str) -> Result<SiteReach, SitingError> {
        let t = s.trim();
        if matches!(t.to_ascii_lowercase().as_str(), "circle" | "radius" | "圆") {
            return Ok(SiteReach::Circle);
        }
        IsochroneSpec::parse(t)
            .map(SiteReach::Network)
            .map_err(|e| SitingError::Setting(format!("reach {e} (or circle)")))
    }

    /// `circle`, `walk:15`.
    pub fn label(&self) -> String {
        match self {
            SiteReach::Circle => "circle".into(),
            SiteReach::Network(s) => s.label(),
        }
    }
}

/// A possible new site.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Its id (the parcel's, `road:ID:K`, the file's feature id, `route:NAME:K`,
    /// `detour:ROAD_ID:K`).
    pub id: String,
    /// Where it is, lon/lat.
    pub lon_lat: [f64; 2],
    /// For a bus stop: the extra metres a bus drives to serve it (0 on the route; out
    /// and back along roads for a stop on a detour). `None` for facilities.
    pub detour_m: Option<f64>,
}

impl Candidate {
    /// A candidate at `lon_lat` with no detour.
    pub fn at(id: impl Into<String>, lon_lat: [f64; 2]) -> Candidate {
        Candidate {
            id: id.into(),
            lon_lat,
            detour_m: None,
        }
    }
}

/// What a suggestion maximises.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Goal {
    /// The enterprises (or employees) newly covered by the kind.
    #[default]
    Coverage,
    /// The non-compliant places made compliant: residential parcels for a living-circle
    /// tier (`5min`, `10min`, `15min`), enterprises for the park's service circle
    /// (`service`). A place counts only when the new site gives it its last missing
    /// kind.
    Compliance(String),
}

impl Goal {
    /// Reads `coverage`, `compliance:15min`, `compliance:service` (`达标:15min`).
    pub fn parse(s: &str) -> Result<Goal, SitingError> {
        let t = s.trim();
        if matches!(
            t.to_ascii_lowercase().as_str(),
            "coverage" | "cover" | "覆盖"
        ) {
            return Ok(Goal::Coverage);
        }
        match t
            .strip_prefix("compliance:")
            .or_else(|| t.strip_prefix("达标:"))
        {
            Some(tier) if !tier.trim().is_empty() => Ok(Goal::Compliance(tier.trim().to_string())),
            _ => Err(SitingError::Setting(format!(
                "target \"{t}\" must be coverage, compliance:TIER (e.g. compliance:15min) or compliance:service"
            ))),
        }
    }

    /// `coverage` or `compliance:TIER`.
    pub fn label(&self) -> String {
        match self {
            Goal::Coverage => "coverage".into(),
            Goal::Compliance(t) => format!("compliance:{t}"),
        }
    }

    /// Whether the tier named is the enterprises' service circle.
    pub fn is_service(tier: &str) -> bool {
        matches!(
            tier.trim().to_ascii_lowercase().as_str(),
            "service" | "enterprises" | "企业" | "服务圈"
        )
    }
}

/// What the solution's lists index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Demand {
    /// `park.enterprises`.
    #[default]
    Enterprises,
    /// `park.parcels` (residential parcels made compliant).
    Parcels,
}

/// The centroids (interior points) of the parcels whose land use starts with
/// `land_use` (case-insensitive: `R` takes R1, R2 …; `*` or empty takes every parcel).
pub fn parcel_candidates(park: &Park, land_use: &str) -> Vec<Candidate> {
    let want = land_use.trim().to_ascii_uppercase();
    park.parcels
        .iter()
        .filter(|p| {
            want.is_empty()
                || want == "*"
                || p.land_use
                    .as_deref()
                    .is_some_and(|u| u.trim().to_ascii_uppercase().starts_with(&want))
        })
        .filter_map(|p| {
            let g = park.geometry(p.feature)?;
            let pt = crate::model::records::representative_point(g)?;
            Some(Candidate::at(p.id.clone(), [pt.x(), pt.y()]))
        })
        .collect()
}

/// Points every `step_m` metres (planar, in the index's frame) along each line of
/// `lines` (lon/lat), the first at each part's start; ids `PREFIX:KEY:K`.
fn points_along<'a>(
    index: &ParkIndex,
    lines: impl Iterator<Item = (&'a str, &'a geo::MultiLineString<f64>)>,
    prefix: &str,
    step_m: f64,
) -> Vec<Candidate> {
    let step = step_m.max(1.0);
    let mut out = Vec::new();
    for (key, ml) in lines {
        let mut k = 0usize;
        for part in &ml.0 {
            let pts: Vec<[f64; 2]> = part
                .0
                .iter()
                .map(|c| index.project(c.x, c.y))
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                .collect();
            // Distance still to go before the next point.
            let mut to_next = 0.0f64;
            for w in pts.windows(2) {
                let (a, b) = (w[0], w[1]);
                let len = (b[0] - a[0]).hypot(b[1] - a[1]);
                let mut at = to_next;
                while at <= len {
                    let t = if len > 0.0 { at / len } else { 0.0 };
                    let xy = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
                    let ll = index.unproject(xy);
                    out.push(Candidate::at(format!("{prefix}:{key}:{k}"), ll));
                    k += 1;
                    at += step;
                }
                to_next = at - len;
            }
        }
    }
    out
}

/// Points every `step_m` metres along every road (ids `road:ROAD_ID:K`).
pub fn road_candidates(park: &Park, index: &ParkIndex, step_m: f64) -> Vec<Candidate> {
    points_along(
        index,
        park.roads.iter().map(|r| (r.id.as_str(), &r.line)),
        "road",
        step_m,
    )
}

/// Points every `step_m` metres along one bus route (ids `route:NAME:K`, detour 0).
pub fn route_candidates(
    park: &Park,
    index: &ParkIndex,
    route: usize,
    step_m: f64,
) -> Vec<Candidate> {
    let mut v = points_along(
        index,
        park.routes
            .get(route)
            .map(|r| (r.name.as_str(), &r.line))
            .into_iter(),
        "route",
        step_m,
    );
    for c in &mut v {
        c.detour_m = Some(0.0);
    }
    v
}

/// A road node counts as on the route when it is this close to the route's line.
pub const ON_ROUTE_M: f64 = 25.0;

/// Stop positions on a short detour from a bus route: points every `step_m` metres
/// along the roads (ids `detour:ROAD_ID:K`) that are off the route (farther than
/// [`ON_ROUTE_M`] from its line) yet within `max_off_route_m` of it along roads. Each
/// carries its detour: twice the shortest distance along roads from a road node on the
/// route to the point (the bus leaves the route, serves the stop and comes back; walked
/// distances on the graph, one-way rules not applied), so at most `2 × max_off_route_m`.
/// Points no route node reaches within `max_off_route_m` are left out.
pub fn detour_candidates(
    park: &Park,
    index: &ParkIndex,
    graph: &RoadGraph,
    route: usize,
    step_m: f64,
    max_off_route_m: f64,
) -> Vec<Candidate> {
    let Some(r) = park.routes.get(route) else {
        return Vec::new();
    };
    // The route's line as planar segments.
    let segs: Vec<[[f64; 2]; 2]> = r
        .line
        .0
        .iter()
        .flat_map(|part| {
            let pts: Vec<[f64; 2]> = part.0.iter().map(|c| index.project(c.x, c.y)).collect();
            pts.windows(2).map(|w| [w[0], w[1]]).collect::<Vec<_>>()
        })
        .filter(|s| s.iter().all(|p| p[0].is_finite() && p[1].is_finite()))
        .collect();
    if segs.is_empty() {
        return Vec::new();
    }
    let tree = rstar::RTree::bulk_load(
        segs.iter()
            .map(|s| rstar::primitives::Line::new(s[0], s[1]))
            .collect::<Vec<_>>(),
    );
    let to_route = |p: [f64; 2]| {
        tree.nearest_neighbor(&p)
            .map(|l| rstar::PointDistance::distance_2(l, &p).sqrt())
            .unwrap_or(f64::INFINITY)
    };
    let on_route: Vec<bool> = graph
        .graph
        .node_weights()
        .map(|p| to_route(*p) <= ON_ROUTE_M)
        .collect();
    let walk = graph.settings.speed_mps(crate::network::TravelMode::Walk);
    let budget_s = max_off_route_m / walk;
    road_candidates(park, index, step_m)
        .into_par_iter()
        .filter_map(|mut c| {
            let xy = index.project(c.lon_lat[0], c.lon_lat[1]);
            let d = to_route(xy);
            if d <= ON_ROUTE_M || d > max_off_route_m {
                return None;
            }
            let snap = graph.snap(c.lon_lat[0], c.lon_lat[1])?;
            let reach = graph.reach(&snap, crate::network::TravelMode::Walk, budget_s);
            let t = reach
                .time
                .iter()
                .zip(&on_route)
                .filter(|(t, on)| **on && t.is_finite())
                .map(|(t, _)| *t)
                .fold(f64::INFINITY, f64::min);
            if !t.is_finite() {
                return None;
            }
            // The origin's own off-network leg is not part of the drive.
            let one_way = ((t - reach.origin_time_s) * walk).max(0.0);
            c.detour_m = Some((2.0 * one_way * 10.0).round() / 10.0);
            c.id = c.id.replacen("road:", "detour:", 1);
            Some(c)
        })
        .collect()
}

/// One siting problem, as plain data.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    /// Per enterprise: its weight (0 for enterprises without a location).
    pub weights: Vec<f64>,
    /// Per enterprise: already covered by an existing (fixed) facility.
    pub fixed: Vec<bool>,
    /// Per candidate: the enterprises it covers, ascending.
    pub cover: Vec<Vec<u32>>,
    /// Per candidate: the candidates it may not be chosen with, ascending.
    pub conflicts: Vec<Vec<u32>>,
    /// Per candidate: it may not be chosen at all (too close to an existing site).
    pub blocked: Vec<bool>,
    /// Per enterprise: it has a location (set covering must cover those).
    pub located: Vec<bool>,
}

impl Instance {
    /// An instance without spacing rules.
    pub fn new(weights: Vec<f64>, fixed: Vec<bool>, cover: Vec<Vec<u32>>) -> Instance {
        let n = cover.len();
        Instance {
            located: vec![true; weights.len()],
            weights,
            fixed,
            cover,
            conflicts: vec![Vec::new(); n],
            blocked: vec![false; n],
        }
    }

    /// The weight already covered by the fixed facilities.
    pub fn covered_before(&self) -> f64 {
        self.weights
            .iter()
            .zip(&self.fixed)
            .filter(|(_, f)| **f)
            .map(|(w, _)| *w)
            .sum::<f64>()
            + 0.0 // an empty sum is -0.0
    }

    /// The weight covered by the fixed facilities and the chosen candidates.
    pub fn covered_with(&self, chosen: &[u32]) -> f64 {
        let mut covered = self.fixed.clone();
        for &j in chosen {
            for &e in &self.cover[j as usize] {
                covered[e as usize] = true;
            }
        }
        self.weights
            .iter()
            .zip(&covered)
            .filter(|(_, c)| **c)
            .map(|(w, _)| *w)
            .sum::<f64>()
            + 0.0 // an empty sum is -0.0
    }

    /// Whether `chosen` keeps the spacing rule (no blocked candidate, no two in
    /// conflict).
    pub fn feasible(&self, chosen: &[u32]) -> bool {
        chosen.iter().all(|&j| !self.blocked[j as usize])
            && chosen.iter().all(|&i| {
                chosen
                    .iter()
                    .all(|&j| i == j || self.conflicts[i as usize].binary_search(&j).is_err())
            })
    }

    /// Candidates that may be chosen and cover some weight not yet covered.
    fn useful(&self) -> Vec<u32> {
        (0..self.cover.len() as u32)
            .filter(|&j| {
                !self.blocked[j as usize]
                    && self.cover[j as usize]
                        .iter()
                        .any(|&e| !self.fixed[e as usize] && self.weights[e as usize] > 0.0)
            })
            .collect()
    }

    /// Demands not yet covered that some usable candidate covers, merged by the set of
    /// candidates covering them: (weight, candidates ascending, enterprises).
    fn groups(&self, usable: &[u32], with_zero_weight: bool) -> Vec<Group> {
        let mut by_enterprise: Vec<Vec<u32>> = vec![Vec::new(); self.weights.len()];
        for &j in usable {
            for &e in &self.cover[j as usize] {
                if !self.fixed[e as usize] && (with_zero_weight || self.weights[e as usize] > 0.0) {
                    by_enterprise[e as usize].push(j);
                }
            }
        }
        let mut at: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        for (e, mut cands) in by_enterprise.into_iter().enumerate() {
            if cands.is_empty() {
                continue;
            }
            cands.sort_unstable();
            let w = self.weights[e];
            match at.get(&cands) {
                Some(&g) => {
                    groups[g].weight += w;
                    groups[g].enterprises.push(e as u32);
                }
                None => {
                    at.insert(cands.clone(), groups.len());
                    groups.push(Group {
                        weight: w,
                        candidates: cands,
                        enterprises: vec![e as u32],
                    });
                }
            }
        }
        groups
    }
}

#[derive(Debug, Clone)]
struct Group {
    weight: f64,
    candidates: Vec<u32>,
    enterprises: Vec<u32>,
}

/// For each candidate (planar position), the enterprises within `radius_m`.
pub fn circle_cover(index: &ParkIndex, xy: &[[f64; 2]], radius_m: f64) -> Vec<Vec<u32>> {
    xy.par_iter()
        .map(|&p| {
            let mut v = Vec::new();
            if p[0].is_finite() && p[1].is_finite() {
                index
                    .enterprises
                    .for_each_within(p, radius_m, |e, _| v.push(e));
            }
            v.sort_unstable();
            v
        })
        .collect()
}

/// Per enterprise: covered by a circle of `radius_m` around one of `xy`.
pub fn circle_fixed(index: &ParkIndex, xy: &[[f64; 2]], radius_m: f64) -> Vec<bool> {
    let mut fixed = vec![false; index.enterprise_xy.len()];
    for e in circle_cover(index, xy, radius_m).into_iter().flatten() {
        fixed[e as usize] = true;
    }
    fixed
}

/// How enterprises are placed on the network, once per graph (`None`: too far from
/// every road).
pub fn enterprise_snaps(park: &Park, graph: &RoadGraph) -> Vec<Option<Snap>> {
    park.enterprises
        .par_iter()
        .map(|e| e.location.and_then(|p| graph.snap(p.x(), p.y())))
        .collect()
}

/// For each site (lon/lat), the enterprises reached along the network within the
/// budget (the same rule as the facilities' isochrones: the enterprise's own access
/// point reached, both off-network legs walked). `done` is called after each site.
pub fn network_cover(
    index: &ParkIndex,
    graph: &RoadGraph,
    snaps: &[Option<Snap>],
    sites: &[[f64; 2]],
    spec: IsochroneSpec,
    done: &(dyn Fn() + Sync),
) -> Vec<Vec<u32>> {
    let budget_s = spec.minutes * 60.0;
    let fastest = graph
        .settings
        .speed_mps(spec.mode)
        .max(graph.settings.speed_mps(crate::network::TravelMode::Walk));
    let search = budget_s * fastest + 1.0;
    sites
        .par_iter()
        .map(|ll| {
            let mut v = Vec::new();
            if let Some(origin) = graph.snap(ll[0], ll[1]) {
                let reach = graph.reach(&origin, spec.mode, budget_s);
                let xy = index.project(ll[0], ll[1]);
                index.enterprises.for_each_within(xy, search, |e, _| {
                    if let Some(Some(s)) = snaps.get(e as usize)
                        && reach.time_to(graph, s).is_some()
                    {
                        v.push(e);
                    }
                });
            }
            v.sort_unstable();
            done();
            v
        })
        .collect()
}

/// The spacing rule for stops: per candidate the candidates closer than
/// `min_spacing_m`, and whether it is closer than that to an existing site.
pub fn spacing(
    xy: &[[f64; 2]],
    existing_xy: &[[f64; 2]],
    min_spacing_m: f64,
) -> (Vec<Vec<u32>>, Vec<bool>) {
    let tree = PointIndex::from_positions(xy);
    let existing = PointIndex::from_positions(existing_xy);
    // Strictly closer than the minimum conflicts; exactly at it is allowed.
    let r = (min_spacing_m - 1e-6).max(0.0);
    xy.par_iter()
        .enumerate()
        .map(|(i, &p)| {
            let mut v = Vec::new();
            let mut blocked = false;
            if p[0].is_finite() && p[1].is_finite() && r > 0.0 {
                tree.for_each_within(p, r, |j, _| {
                    if j as usize != i {
                        v.push(j)
                    }
                });
                existing.for_each_within(p, r, |_, _| blocked = true);
            }
            v.sort_unstable();
            (v, blocked)
        })
        .unzip()
}

/// How long a run may take, how to report progress and how to cancel it.
pub struct Limits<'a> {
    /// Stop improving (and stop the solver) after this long; the best answer found is
    /// returned with its bound.
    pub time_limit: Duration,
    /// Set to cancel.
    pub cancel: Option<&'a AtomicBool>,
    /// Called with a phase and a fraction done (0..=1).
    pub progress: Option<&'a ProgressFn<'a>>,
}

/// A progress callback: a phase (`candidates`, `coverage`, `greedy`, `swap`, `lp`,
/// `exact`, `done`) and the fraction of it done.
pub type ProgressFn<'a> = dyn Fn(&str, f32) + Sync + 'a;

impl Default for Limits<'_> {
    fn default() -> Self {
        Limits {
            time_limit: Duration::from_secs(60),
            cancel: None,
            progress: None,
        }
    }
}

impl Limits<'_> {
    fn report(&self, phase: &str, f: f32) {
        if let Some(p) = self.progress {
            p(phase, f);
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(AtomicOrdering::Relaxed))
    }
}

/// Where the upper bound comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundKind {
    /// The integer programme was solved to optimality: the bound is the optimum.
    Optimal,
    /// The LP relaxation's optimum.
    Lp,
    /// The greedy online bound (the solution plus the p largest marginal gains).
    Greedy,
}

impl BoundKind {
    /// `optimal`, `lp`, `greedy_online`.
    pub fn code(self) -> &'static str {
        match self {
            BoundKind::Optimal => "optimal",
            BoundKind::Lp => "lp",
            BoundKind::Greedy => "greedy_online",
        }
    }
}

/// The chosen sites and how good they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Chosen candidates (indices into the instance), ranked: each newly covers the
    /// most weight given the ones before it.
    pub chosen: Vec<u32>,
    /// Per ranked site: the enterprises it newly covers (not covered before, nor by a
    /// site ranked above it), ascending.
    pub newly: Vec<Vec<u32>>,
    /// Weight covered by the existing facilities.
    pub covered_before: f64,
    /// Weight covered with the chosen sites added.
    pub covered_after: f64,
    /// An upper bound on the best `covered_after` any choice could reach.
    pub upper_bound: f64,
    /// Where the bound comes from.
    pub bound: BoundKind,
    /// Whether the method proved its answer optimal.
    pub optimal: bool,
    /// Whether the time limit stopped the run before it finished.
    pub timed_out: bool,
}

impl Solution {
    /// `(upper_bound − covered_after) / upper_bound` (0 when the bound is 0).
    pub fn gap(&self) -> f64 {
        if self.upper_bound > 0.0 {
            ((self.upper_bound - self.covered_after) / self.upper_bound).max(0.0)
        } else {
            0.0
        }
    }
}

/// Chooses up to `p` candidates maximising the covered weight. See the module.
///
/// ```
/// use parkplan::analysis::siting::{Instance, Limits, Method, solve};
/// // Four enterprises in a row; candidate 0 covers 0,1; 1 covers 1,2; 2 covers 2,3.
/// let inst = Instance::new(vec![1.0; 4], vec![false; 4],
///     vec![vec![0, 1], vec![1, 2], vec![2, 3]]);
/// let s = solve(&inst, 2, Method::Exact, &Limits::default()).unwrap();
/// assert_eq!(s.covered_after, 4.0);
/// let mut chosen = s.chosen.clone();
/// chosen.sort();
/// assert_eq!(chosen, vec![0, 2]);
/// assert!(s.optimal && s.gap() == 0.0);
/// ```
pub fn solve(
    inst: &Instance,
    p: usize,
    method: Method,
    limits: &Limits<'_>,
) -> Result<Solution, SitingError> {
    let start = Instant::now();
    let deadline = start + limits.time_limit;
    let greedy = greedy_swap(inst, p, deadline, limits)?;
    let online = online_bound(inst, &greedy.0, p);
    let usable = inst.useful();
    let groups = inst.groups(&usable, false);
    let before = inst.covered_before();
    let remaining = |share: f64| {
        deadline
            .saturating_duration_since(Instant::now())
            .mul_f64(share)
            .as_secs_f64()
            .max(0.5)
    };
    limits.report("lp", 0.0);
    let lp = if limits.cancelled() {
        return Err(SitingError::Cancelled);
    } else if usable.is_empty() || p == 0 {
        Some(0.0)
    } else {
        solve_mclp(inst, &usable, &groups, p, false, remaining(0.4), None)
            .ok()
            .filter(|r| r.finished)
            .map(|r| r.objective)
    };
    let (mut chosen, mut optimal, mut timed_out) = (greedy.0, false, greedy.1);
    if method == Method::Exact && p > 0 && !usable.is_empty() {
        limits.report("exact", 0.0);
        let r = solve_mclp(
            inst,
            &usable,
            &groups,
            p,
            true,
            remaining(1.0),
            Some(&chosen),
        )?;
        let found: Vec<u32> = r.chosen;
        if inst.covered_with(&found) >= inst.covered_with(&chosen) - 1e-9 {
            chosen = found;
        }
        optimal = r.finished;
        timed_out = !r.finished;
    }
    let covered_after = inst.covered_with(&chosen);
    let mut upper = before + online;
    let mut bound = BoundKind::Greedy;
    if let Some(lp) = lp
        && before + lp < upper
    {
        upper = before + lp;
        bound = BoundKind::Lp;
    }
    if optimal || (upper - covered_after).abs() <= 1e-6 * upper.max(1.0) {
        if optimal {
            bound = BoundKind::Optimal;
        }
        optimal = true;
        upper = covered_after;
    }
    let (chosen, newly) = rank(inst, &chosen);
    limits.report("done", 1.0);
    Ok(Solution {
        chosen,
        newly,
        covered_before: before,
        covered_after,
        upper_bound: upper.max(covered_after),
        bound,
        optimal,
        timed_out,
    })
}

/// Greedy (lazy) then swaps; returns the chosen set and whether time ran out.
fn greedy_swap(
    inst: &Instance,
    p: usize,
    deadline: Instant,
    limits: &Limits<'_>,
) -> Result<(Vec<u32>, bool), SitingError> {
    let n = inst.cover.len();
    let mut covered = inst.fixed.clone();
    let mut excluded = inst.blocked.clone();
    let gain = |j: usize, covered: &[bool]| -> f64 {
        inst.cover[j]
            .iter()
            .filter(|&&e| !covered[e as usize])
            .map(|&e| inst.weights[e as usize])
            .sum()
    };
    let mut heap: BinaryHeap<(OrdF64, std::cmp::Reverse<u32>)> = (0..n)
        .filter(|&j| !excluded[j])
        .map(|j| (OrdF64(gain(j, &covered)), std::cmp::Reverse(j as u32)))
        .collect();
    let mut chosen: Vec<u32> = Vec::new();
    limits.report("greedy", 0.0);
    while chosen.len() < p {
        let Some((OrdF64(g), std::cmp::Reverse(j))) = heap.pop() else {
            break;
        };
        if excluded[j as usize] {
            continue;
        }
        let now = gain(j as usize, &covered);
        if now + 1e-12 < g {
            heap.push((OrdF64(now), std::cmp::Reverse(j)));
            continue;
        }
        if now <= 0.0 {
            break;
        }
        chosen.push(j);
        excluded[j as usize] = true;
        for &c in &inst.conflicts[j as usize] {
            excluded[c as usize] = true;
        }
        for &e in &inst.cover[j as usize] {
            covered[e as usize] = true;
        }
        limits.report("greedy", chosen.len() as f32 / p.max(1) as f32);
    }
    // Swap improvement: counts of chosen sites covering each enterprise.
    let mut count = vec![0u32; inst.weights.len()];
    for &j in &chosen {
        for &e in &inst.cover[j as usize] {
            count[e as usize] += 1;
        }
    }
    let mut is_chosen = vec![false; n];
    for &j in &chosen {
        is_chosen[j as usize] = true;
    }
    let mut timed_out = false;
    let mut improved = true;
    let mut pass = 0;
    while improved && !chosen.is_empty() {
        improved = false;
        pass += 1;
        for k in 0..chosen.len() {
            if Instant::now() >= deadline {
                timed_out = true;
                break;
            }
            if limits.cancelled() {
                return Err(SitingError::Cancelled);
            }
            limits.report("swap", k as f32 / chosen.len() as f32);
            let s = chosen[k] as usize;
            for &e in &inst.cover[s] {
                count[e as usize] -= 1;
            }
            let open = |e: u32| count[e as usize] == 0 && !inst.fixed[e as usize];
            let loss: f64 = inst.cover[s]
                .iter()
                .filter(|&&e| open(e))
                .map(|&e| inst.weights[e as usize])
                .sum();
            let allowed = |j: usize| {
                !inst.blocked[j]
                    && !is_chosen[j]
                    && inst.conflicts[j]
                        .iter()
                        .all(|&c| c as usize == s || !is_chosen[c as usize])
            };
            let best = (0..n)
                .into_par_iter()
                .filter(|&j| j != s && allowed(j))
                .map(|j| {
                    let g: f64 = inst.cover[j]
                        .iter()
                        .filter(|&&e| open(e))
                        .map(|&e| inst.weights[e as usize])
                        .sum();
                    (OrdF64(g), std::cmp::Reverse(j as u32))
                })
                .max();
            let swap_to = match best {
                Some((OrdF64(g), std::cmp::Reverse(j))) if g > loss + 1e-9 => Some(j),
                _ => None,
            };
            let keep = swap_to.unwrap_or(s as u32);
            if let Some(j) = swap_to {
                is_chosen[s] = false;
                is_chosen[j as usize] = true;
                chosen[k] = j;
                improved = true;
            }
            for &e in &inst.cover[keep as usize] {
                count[e as usize] += 1;
            }
        }
        if timed_out || pass > 100 {
            break;
        }
    }
    Ok((chosen, timed_out))
}

/// The sum of the `p` largest marginal gains with respect to `chosen` (ignoring
/// spacing): `covered_with(chosen) − covered_before + this` bounds the optimum's gain.
fn online_bound(inst: &Instance, chosen: &[u32], p: usize) -> f64 {
    let mut covered = inst.fixed.clone();
    for &j in chosen {
        for &e in &inst.cover[j as usize] {
            covered[e as usize] = true;
        }
    }
    let base: f64 = inst.covered_with(chosen) - inst.covered_before();
    let mut gains: Vec<f64> = (0..inst.cover.len())
        .into_par_iter()
        .filter(|&j| !inst.blocked[j])
        .map(|j| {
            inst.cover[j]
                .iter()
                .filter(|&&e| !covered[e as usize])
                .map(|&e| inst.weights[e as usize])
                .sum()
        })
        .collect();
    gains.sort_by(|a, b| b.total_cmp(a));
    base + gains.iter().take(p).sum::<f64>()
}

/// Orders `chosen` by sequential marginal gain and lists what each newly covers.
fn rank(inst: &Instance, chosen: &[u32]) -> (Vec<u32>, Vec<Vec<u32>>) {
    let mut covered = inst.fixed.clone();
    let mut left: Vec<u32> = chosen.to_vec();
    let mut order = Vec::new();
    let mut newly = Vec::new();
    while !left.is_empty() {
        let (k, _) = left
            .iter()
            .enumerate()
            .map(|(k, &j)| {
                let g: f64 = inst.cover[j as usize]
                    .iter()
                    .filter(|&&e| !covered[e as usize])
                    .map(|&e| inst.weights[e as usize])
                    .sum();
                (k, g)
            })
            .fold(
                (0, f64::NEG_INFINITY),
                |best, x| {
                    if x.1 > best.1 { x } else { best }
                },
            );
        let j = left.remove(k);
        let mut mine = Vec::new();
        for &e in &inst.cover[j as usize] {
            if !covered[e as usize] {
                covered[e as usize] = true;
                mine.push(e);
            }
        }
        order.push(j);
        newly.push(mine);
    }
    (order, newly)
}

/// One 0–1 variable per usable candidate (integer, or relaxed for the LP bound).
fn site_vars(
    vars: &mut good_lp::ProblemVariables,
    usable: &[u32],
    integer: bool,
) -> Vec<good_lp::Variable> {
    usable
        .iter()
        .map(|_| {
            let v = good_lp::variable().min(0.0).max(1.0);
            vars.add(if integer { v.integer() } else { v })
        })
        .collect()
}

/// The site variables' starting values: 1 for the candidates in `chosen`.
fn site_start(
    usable: &[u32],
    x: &[good_lp::Variable],
    chosen: &std::collections::HashSet<u32>,
) -> Vec<(good_lp::Variable, f64)> {
    usable
        .iter()
        .zip(x)
        .map(|(j, &v)| (v, if chosen.contains(j) { 1.0 } else { 0.0 }))
        .collect()
}

/// The candidates whose variable is set in a solution.
fn sites_picked(usable: &[u32], x: &[good_lp::Variable], sol: &impl good_lp::Solution) -> Vec<u32> {
    usable
        .iter()
        .zip(x)
        .filter(|(_, v)| sol.value(**v) > 0.5)
        .map(|(j, _)| *j)
        .collect()
}

struct MclpResult {
    objective: f64,
    chosen: Vec<u32>,
    finished: bool,
}

/// The MCLP as a (mixed-)integer or linear programme over the usable candidates and
/// merged demands; `objective` is the newly covered weight.
fn solve_mclp(
    inst: &Instance,
    usable: &[u32],
    groups: &[Group],
    p: usize,
    integer: bool,
    seconds: f64,
    warm: Option<&[u32]>,
) -> Result<MclpResult, SitingError> {
    use good_lp::{
        Expression, ProblemVariables, Solution as _, SolutionStatus, SolverModel, Variable,
        WithInitialSolution, WithTimeLimit, constraint, microlp, variable,
    };
    let mut vars = ProblemVariables::new();
    let x = site_vars(&mut vars, usable, integer);
    let y: Vec<Variable> = groups
        .iter()
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let pos: HashMap<u32, usize> = usable.iter().enumerate().map(|(k, &j)| (j, k)).collect();
    let objective: Expression = groups.iter().zip(&y).map(|(g, &v)| g.weight * v).sum();
    let mut model = vars
        .maximise(objective)
        .using(microlp)
        .with_time_limit(seconds);
    if let Some(w) = warm.filter(|_| integer) {
        let set: std::collections::HashSet<u32> = w.iter().copied().collect();
        let init = site_start(usable, &x, &set)
            .into_iter()
            .chain(groups.iter().zip(&y).map(|(g, &v)| {
                let c = g.candidates.iter().any(|j| set.contains(j));
                (v, if c { 1.0 } else { 0.0 })
            }))
            .collect::<Vec<_>>();
        model = model.with_initial_solution(init);
    }
    for (g, &v) in groups.iter().zip(&y) {
        let sum: Expression = g.candidates.iter().map(|j| x[pos[j]]).sum();
        model.add_constraint(constraint!(v - sum <= 0.0));
    }
    let total: Expression = x.iter().copied().sum();
    model.add_constraint(constraint!(total <= p as f64));
    for (k, &j) in usable.iter().enumerate() {
        for c in &inst.conflicts[j as usize] {
            if let Some(&kc) = pos.get(c)
                && kc > k
            {
                model.add_constraint(constraint!(x[k] + x[kc] <= 1.0));
            }
        }
    }
    let sol = model
        .solve()
        .map_err(|e| SitingError::Solver(e.to_string()))?;
    let finished = matches!(sol.status(), SolutionStatus::Optimal);
    let objective = groups
        .iter()
        .zip(&y)
        .map(|(g, &v)| g.weight * sol.value(v))
        .sum();
    let chosen = sites_picked(usable, &x, &sol);
    Ok(MclpResult {
        objective,
        chosen,
        finished,
    })
}

/// The fewest candidates covering every enterprise not yet covered.
#[derive(Debug, Clone, PartialEq)]
pub struct SetCover {
    /// Chosen candidates (indices into the instance), ranked as in [`Solution`].
    pub chosen: Vec<u32>,
    /// Per ranked site, the enterprises it newly covers.
    pub newly: Vec<Vec<u32>>,
    /// Enterprises no candidate covers (the set covering then covers the others).
    pub uncoverable: Vec<u32>,
    /// A lower bound on the fewest sites (the LP relaxation rounded up, else 1 when any
    /// is needed).
    pub lower_bound: usize,
    /// Whether the count is proved the fewest.
    pub optimal: bool,
}

/// The fewest candidates (ignoring weights; spacing: blocked candidates are left out)
/// such that every located enterprise not covered by a fixed facility is covered, when
/// a candidate covers it. Greedy (within `ln n + 1` of the fewest) or exact.
///
/// ```
/// use parkplan::analysis::siting::{Instance, Limits, Method, set_cover};
/// let inst = Instance::new(vec![1.0; 5], vec![false; 5],
///     vec![vec![0, 1], vec![1, 2], vec![2, 3], vec![0]]);
/// let s = set_cover(&inst, Method::Exact, &Limits::default()).unwrap();
/// assert_eq!(s.chosen.len(), 2);
/// assert_eq!(s.uncoverable, vec![4]);
/// ```
pub fn set_cover(
    inst: &Instance,
    method: Method,
    limits: &Limits<'_>,
) -> Result<SetCover, SitingError> {
    use good_lp::{
        Expression, ProblemVariables, Solution as _, SolutionStatus, SolverModel,
        WithInitialSolution, WithTimeLimit, constraint, microlp,
    };
    let usable: Vec<u32> = (0..inst.cover.len() as u32)
        .filter(|&j| !inst.blocked[j as usize])
        .collect();
    // Every located enterprise counts, whatever its weight.
    let located = &inst.located;
    let mut coverable = vec![false; inst.weights.len()];
    for &j in &usable {
        for &e in &inst.cover[j as usize] {
            coverable[e as usize] = true;
        }
    }
    let uncoverable: Vec<u32> = (0..inst.weights.len() as u32)
        .filter(|&e| located[e as usize] && !inst.fixed[e as usize] && !coverable[e as usize])
        .collect();
    let groups = inst.groups(&usable, true);
    // Greedy: most uncovered enterprises first.
    let mut covered = inst.fixed.clone();
    let mut chosen: Vec<u32> = Vec::new();
    loop {
        let best = usable
            .par_iter()
            .map(|&j| {
                let g = inst.cover[j as usize]
                    .iter()
                    .filter(|&&e| !covered[e as usize])
                    .count();
                (g, std::cmp::Reverse(j))
            })
            .max();
        match best {
            Some((g, std::cmp::Reverse(j))) if g > 0 => {
                chosen.push(j);
                for &e in &inst.cover[j as usize] {
                    covered[e as usize] = true;
                }
            }
            _ => break,
        }
    }
    let mut optimal = chosen.len() <= 1;
    let mut lower = usize::from(!chosen.is_empty());
    if !groups.is_empty() && chosen.len() > 1 {
        let pos: HashMap<u32, usize> = usable.iter().enumerate().map(|(k, &j)| (j, k)).collect();
        let run = |integer: bool, seconds: f64| -> Result<(f64, Vec<u32>, bool), SitingError> {
            let mut vars = ProblemVariables::new();
            let x = site_vars(&mut vars, &usable, integer);
            let objective: Expression = x.iter().copied().sum();
            let mut model = vars
                .minimise(objective)
                .using(microlp)
                .with_time_limit(seconds);
            if integer {
                let set: std::collections::HashSet<u32> = chosen.iter().copied().collect();
                model = model.with_initial_solution(site_start(&usable, &x, &set));
            }
            for g in &groups {
                let sum: Expression = g.candidates.iter().map(|j| x[pos[j]]).sum();
                model.add_constraint(constraint!(sum >= 1.0));
            }
            let sol = model
                .solve()
                .map_err(|e| SitingError::Solver(e.to_string()))?;
            let value: f64 = x.iter().map(|&v| sol.value(v)).sum();
            let picked = sites_picked(&usable, &x, &sol);
            Ok((
                value,
                picked,
                matches!(sol.status(), SolutionStatus::Optimal),
            ))
        };
        let secs = limits.time_limit.as_secs_f64().max(1.0);
        limits.report("lp", 0.0);
        if let Ok((lp, _, true)) = run(false, secs * 0.4) {
            lower = lower.max((lp - 1e-6).ceil() as usize);
        }
        if method == Method::Exact {
            limits.report("exact", 0.0);
            let (_, picked, done) = run(true, secs * 0.6)?;
            let mut check = inst.fixed.clone();
            for &j in &picked {
                for &e in &inst.cover[j as usize] {
                    check[e as usize] = true;
                }
            }
            let complete = groups
                .iter()
                .all(|g| g.enterprises.iter().all(|&e| check[e as usize]));
            if complete && picked.len() <= chosen.len() {
                chosen = picked;
            }
            if done && complete {
                lower = chosen.len();
            }
        }
        optimal = chosen.len() == lower;
    }
    let (chosen, newly) = rank(
        &Instance {
            weights: vec![1.0; inst.weights.len()],
            ..inst.clone()
        },
        &chosen,
    );
    Ok(SetCover {
        chosen,
        newly,
        uncoverable,
        lower_bound: lower,
        optimal,
    })
}

/// A site suggestion with everything a face prints: what was asked, the candidates,
/// the answer and its bound.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The facility kind's code (`kindergarten` …), or `bus_stop` for a route's stops.
    pub kind: String,
    /// What was maximised (`coverage`, `compliance:15min`).
    pub target: String,
    /// What `solution.newly` (and the set cover's `uncoverable`) index.
    pub demand: Demand,
    /// The route (index into `park.routes`) whose stops are sited, when stops are.
    pub route: Option<usize>,
    /// The radius of the circle (the kind's, or the stop catchment), metres.
    pub radius_m: f64,
    /// Circle or isochrone.
    pub reach: SiteReach,
    /// How many sites were asked for.
    pub count: usize,
    /// The method.
    pub method: Method,
    /// The weight.
    pub weight: Weight,
    /// Where the candidates came from (`parcels:R`, `roads:200`, a file name).
    pub candidates_from: String,
    /// The candidates (the solution's indices point here).
    pub candidates: Vec<Candidate>,
    /// The minimum spacing between stops, when one applies.
    pub min_spacing_m: Option<f64>,
    /// The answer.
    pub solution: Solution,
    /// The fewest new sites covering every enterprise, when asked.
    pub set_cover: Option<SetCover>,
    /// Wall-clock seconds of the whole run (coverage and solving).
    pub seconds: f64,
    /// The method in words (frame, distance rule, algorithm and its guarantee).
    pub method_text: String,
}

/// The approximation each method states.
pub fn method_words(method: Method) -> &'static str {
    match method {
        Method::Greedy => {
            "greedy with swap improvement (monotone submodular coverage: greedy alone is within 1-1/e = 63% of the optimum); upper bound from the LP relaxation (microlp) or the greedy online bound"
        }
        Method::Exact => {
            "exact integer programme (good_lp + microlp branch and bound, warm-started from greedy; optimal unless the time limit stopped it); upper bound from the LP relaxation"
        }
    }
}

/// An f64 ordered by `total_cmp`, for heaps and maxima.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrdF64(f64);

impl Eq for OrdF64 {}

impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Geodesic, Point};

    /// Every subset of size ≤ p, best covered weight (the oracle).
    fn brute_force(inst: &Instance, p: usize) -> f64 {
        let n = inst.cover.len();
        let mut best = inst.covered_before();
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize > p {
                continue;
            }
            let chosen: Vec<u32> = (0..n as u32).filter(|j| mask & (1 << j) != 0).collect();
            if inst.feasible(&chosen) {
                best = best.max(inst.covered_with(&chosen));
            }
        }
        best
    }

    /// A small pseudo-random instance (xorshift), with some fixed coverage.
    fn random_instance(seed: u64, n: usize, m: usize) -> Instance {
        let mut s = seed.max(1);
        let mut next = move || crate::model::xorshift(&mut s);
        let weights: Vec<f64> = (0..m).map(|_| (next() % 50) as f64).collect();
        let fixed: Vec<bool> = (0..m).map(|_| next() % 7 == 0).collect();
        let cover: Vec<Vec<u32>> = (0..n)
            .map(|_| {
                let mut v: Vec<u32> = (0..m as u32).filter(|_| next() % 4 == 0).collect();
                v.sort_unstable();
                v
            })
            .collect();
        Instance::new(weights, fixed, cover)
    }

    #[test]
    fn exact_equals_brute_force_and_greedy_is_within_its_bound() {
        for seed in 1..25u64 {
            let inst = random_instance(seed * 7919, 10, 30);
            for p in 1..4 {
                let oracle = brute_force(&inst, p);
                let exact = solve(&inst, p, Method::Exact, &Limits::default()).unwrap();
                assert!(
                    (exact.covered_after - oracle).abs() < 1e-6,
                    "seed {seed} p {p}: {} vs {oracle}",
                    exact.covered_after
                );
                assert!(exact.optimal);
                let greedy = solve(&inst, p, Method::Greedy, &Limits::default()).unwrap();
                assert!(greedy.covered_after <= oracle + 1e-9);
                assert!(greedy.upper_bound >= oracle - 1e-6, "bound below optimum");
                let gain = greedy.covered_after - greedy.covered_before;
                let best_gain = oracle - greedy.covered_before;
                assert!(gain >= (1.0 - 1.0 / std::f64::consts::E) * best_gain - 1e-9);
                // The ranked lists add up to the gain and never repeat an enterprise.
                let listed: f64 = greedy
                    .newly
                    .iter()
                    .flatten()
                    .map(|&e| inst.weights[e as usize])
                    .sum();
                assert!((listed - gain).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn spacing_is_respected_by_both_methods() {
        // Candidates 0 and 1 are the two best but too close to each other.
        let mut inst = Instance::new(
            vec![1.0; 6],
            vec![false; 6],
            vec![vec![0, 1, 2], vec![1, 2, 3], vec![4], vec![5]],
        );
        inst.conflicts = vec![vec![1], vec![0], vec![], vec![]];
        inst.blocked = vec![false, false, false, true];
        for m in [Method::Greedy, Method::Exact] {
            let s = solve(&inst, 2, m, &Limits::default()).unwrap();
            assert!(inst.feasible(&s.chosen), "{m:?}: {:?}", s.chosen);
            assert_eq!(s.covered_after, 4.0, "{m:?}");
        }
        assert_eq!(brute_force(&inst, 2), 4.0);
    }

    #[test]
    fn swaps_improve_a_greedy_trap() {
        // Greedy takes 0 (covers 4) first; the best pair is 1 and 2 (covers 6).
        let inst = Instance::new(
            vec![1.0; 6],
            vec![false; 6],
            vec![vec![1, 2, 3, 4], vec![0, 1, 2], vec![3, 4, 5]],
        );
        let s = solve(&inst, 2, Method::Greedy, &Limits::default()).unwrap();
        assert_eq!(s.covered_after, 6.0);
    }

    #[test]
    fn set_cover_finds_the_fewest() {
        for seed in 1..10u64 {
            let inst = random_instance(seed * 104_729, 9, 20);
            let s = set_cover(&inst, Method::Exact, &Limits::default()).unwrap();
            // Brute force: the smallest subset covering every coverable enterprise.
            let n = inst.cover.len();
            let mut target = inst.fixed.clone();
            for c in &inst.cover {
                for &e in c {
                    target[e as usize] = true;
                }
            }
            let mut fewest = usize::MAX;
            for mask in 0u32..(1 << n) {
                let mut cov = inst.fixed.clone();
                for j in 0..n {
                    if mask & (1 << j) != 0 {
                        for &e in &inst.cover[j] {
                            cov[e as usize] = true;
                        }
                    }
                }
                if cov == target {
                    fewest = fewest.min(mask.count_ones() as usize);
                }
            }
            assert_eq!(s.chosen.len(), fewest, "seed {seed}");
            assert!(s.optimal);
        }
    }

    #[test]
    fn detours_are_out_and_back_along_the_side_road() {
        use crate::analysis::build::road;
        let mut park = Park::default();
        // The route runs east along a 2 km main road; a side road leaves it at
        // 112.01 and runs 0.0036° (≈ 400 m) north.
        park.roads
            .push(road(0, &[(112.0, 30.0), (112.01, 30.0), (112.02, 30.0)]));
        park.roads
            .push(road(1, &[(112.01, 30.0), (112.01, 30.0036)]));
        park.routes.push(super::super::build::route(
            "B1",
            "B1",
            &[(112.0, 30.0), (112.02, 30.0)],
        ));
        let index = ParkIndex::build_default(&park).unwrap();
        let graph = RoadGraph::build(&park, *index.frame(), Default::default()).unwrap();
        let side = Geodesic.distance(Point::new(112.01, 30.0), Point::new(112.01, 30.0036));
        let c = detour_candidates(&park, &index, &graph, 0, 100.0, 1000.0);
        // Only the side road's points (the main road is the route), each with twice
        // its distance from the junction.
        assert!(!c.is_empty());
        assert!(c.iter().all(|c| c.id.starts_with("detour:R1:")), "{c:?}");
        for x in &c {
            let from_junction = Geodesic.distance(
                Point::new(112.01, 30.0),
                Point::new(x.lon_lat[0], x.lon_lat[1]),
            );
            let d = x.detour_m.unwrap();
            assert!(
                (d - 2.0 * from_junction).abs() < 2.0,
                "{} {d} {from_junction}",
                x.id
            );
        }
        let far = c.iter().map(|x| x.detour_m.unwrap()).fold(0.0, f64::max);
        assert!(far <= 2.0 * side + 1.0 && far > 2.0 * (side - 100.0));
        // A 200 m limit keeps the first 200 m of the side road only.
        let near = detour_candidates(&park, &index, &graph, 0, 100.0, 200.0);
        assert!(!near.is_empty() && near.len() < c.len());
        assert!(near.iter().all(|x| x.detour_m.unwrap() <= 400.0 + 1e-6));
    }

    #[test]
    fn reading_settings() {
        assert_eq!(Goal::parse("coverage").unwrap(), Goal::Coverage);
        assert_eq!(
            Goal::parse("compliance:15min").unwrap(),
            Goal::Compliance("15min".into())
        );
        assert_eq!(
            Goal::parse("达标:service").unwrap().label(),
            "compliance:service"
        );
        assert!(Goal::parse("compliance:").is_err());
        assert!(Goal::parse("most").is_err());
        assert_eq!(Weight::parse("职工").unwrap(), Weight::Employees);
        assert!(Weight::parse("area").is_err());
        assert_eq!(Method::parse("exact").unwrap(), Method::Exact);
        assert_eq!(SiteReach::parse("circle").unwrap(), SiteReach::Circle);
        assert_eq!(SiteReach::parse("ebike:15").unwrap().label(), "ebike:15");
        assert!(SiteReach::parse("car:15").is_err());
    }
}
