//! True 15-minute circles: what each facility reaches along the road network within a
//! time budget, compared with its service circle.
//!
//! Each enterprise is placed on the network once (its nearest road, the off-network leg
//! walked); each facility runs a bounded Dijkstra ([`RoadGraph::reach`]). An enterprise
//! is covered by the isochrone when its own access point is reached within the budget.
//! Beside the circle's coverage this lists the enterprises the circle wrongly claims
//! (inside the circle, not reached: "false coverage") and those reached beyond the circle.
//! Enterprises farther than `max_access_m` from every road are unreachable and listed.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use geo::MultiPolygon;

use crate::model::{FacilityKind, Park};
use crate::network::{NetworkSettings, RoadGraph, Snap, TravelMode};
use crate::spatial::ParkIndex;

use super::Coverage;

/// Which isochrone to compute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IsochroneSpec {
    /// Walk or e-bike.
    pub mode: TravelMode,
    /// The time budget in minutes (5, 10, 15 …).
    pub minutes: f64,
}

/// How a facility kind's reach is shown: its service circle, or its isochrone along
/// roads for a travel mode and time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReachChoice {
    /// Show the isochrone (`true`) or the circle (`false`).
    pub isochrone: bool,
    /// The mode and minutes of the isochrone (kept while the circle is shown, so that
    /// switching back restores it).
    pub spec: IsochroneSpec,
}

impl Default for ReachChoice {
    fn default() -> ReachChoice {
        ReachChoice {
            isochrone: false,
            spec: IsochroneSpec {
                mode: TravelMode::Walk,
                minutes: 15.0,
            },
        }
    }
}

impl ReachChoice {
    /// The isochrone to compute, when one is shown.
    pub fn active(&self) -> Option<IsochroneSpec> {
        self.isochrone.then_some(self.spec)
    }
}

impl IsochroneSpec {
    /// Reads `walk:15`, `ebike:10`, `步行:15` (minutes default to 15: `walk`).
    pub fn parse(s: &str) -> Result<IsochroneSpec, String> {
        let (mode, minutes) = match s.split_once([':', '=']) {
            Some((m, t)) => (m, t.trim()),
            None => (s, "15"),
        };
        let mode = TravelMode::parse(mode)
            .ok_or_else(|| format!("\"{s}\": mode must be walk or ebike (e.g. walk:15)"))?;
        let minutes: f64 = minutes
            .trim_end_matches("min")
            .trim()
            .parse()
            .map_err(|_| format!("\"{s}\": minutes must be a number (e.g. walk:15)"))?;
        if minutes.is_nan() || minutes <= 0.0 || minutes > 240.0 {
            return Err(format!("\"{s}\": minutes must be between 0 and 240"));
        }
        Ok(IsochroneSpec { mode, minutes })
    }

    /// "步行15分钟" / "15-minute walk", "电动车10分钟" / "10 minutes by e-bike".
    pub fn describe(&self, lang: crate::model::Lang) -> String {
        let m = crate::model::attributes::format_float(self.minutes);
        match (lang, self.mode) {
            (crate::model::Lang::Zh, TravelMode::Walk) => format!("步行{m}分钟"),
            (crate::model::Lang::Zh, TravelMode::Ebike) => format!("电动车{m}分钟"),
            (crate::model::Lang::En, TravelMode::Walk) => format!("{m}-minute walk"),
            (crate::model::Lang::En, TravelMode::Ebike) => format!("{m} minutes by e-bike"),
        }
    }

    /// `walk:15`.
    pub fn label(&self) -> String {
        format!(
            "{}:{}",
            self.mode.code(),
            crate::model::attributes::format_float(self.minutes)
        )
    }
}

/// One facility's isochrone and how it compares with its circle.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityIsochrone {
    /// Index into `park.facilities`.
    pub facility: u32,
    /// Whether the facility could be placed on the network (within `max_access_m`).
    pub on_network: bool,
    /// The network component it is on (0 = the main network).
    pub component: usize,
    /// Enterprises reached within the budget, with their travel time in minutes.
    pub reached: Vec<(u32, f32)>,
    /// Their employees.
    pub employees: u64,
    /// Inside the circle but not reached within the budget.
    pub false_coverage: Vec<u32>,
    /// For each of `false_coverage`: the real travel time along roads in minutes, when
    /// it is within four times the budget (`None`: farther, or not connected at all).
    pub false_coverage_minutes: Vec<Option<f32>>,
    /// Reached within the budget but outside the circle.
    pub beyond_circle: Vec<u32>,
    /// The reached area (a band around the reached roads), lon/lat.
    pub polygon: MultiPolygon<f64>,
}

/// Isochrone coverage of every facility.
#[derive(Debug, Clone)]
pub struct IsochroneAnalysis {
    /// What was computed.
    pub spec: IsochroneSpec,
    /// The network settings used.
    pub network: NetworkSettings,
    /// One entry per facility, in `park.facilities` order.
    pub facilities: Vec<FacilityIsochrone>,
    /// Enterprises farther than `max_access_m` from every road (index, distance in m;
    /// `None` when the park has no roads).
    pub unreachable: Vec<(u32, Option<f64>)>,
    /// Per kind: enterprises no facility of the kind reaches within the budget.
    pub uncovered: Vec<(FacilityKind, Vec<u32>)>,
    /// Road-network pieces other than the main one (names and lengths), to report.
    pub disconnected: Vec<crate::network::Component>,
}

impl IsochroneAnalysis {
    /// The isochrone of one facility.
    pub fn facility(&self, i: usize) -> Option<&FacilityIsochrone> {
        self.facilities.get(i)
    }
}

/// Computes every facility's isochrone coverage (with its reached-area polygon) and
/// compares it with the circle coverage already computed for the same park
/// (`circles`). See [`isochrone_coverage_with`] to skip the polygons.
///
/// ```
/// use parkplan::analysis::{AnalysisSettings, IsochroneSpec, build, isochrone_coverage,
///     service_coverage};
/// use parkplan::model::{FacilityKind, Park, Road};
/// use parkplan::network::{NetworkSettings, RoadGraph};
/// use parkplan::spatial::ParkIndex;
/// // One straight road; a facility beside it, one enterprise 960 m along it.
/// let r = build::route("R", "R", &[(112.29, 30.30), (112.32, 30.30)]);
/// let road = Road { feature: r.feature, id: "R".into(), name: "R".into(), class: None,
///     speed_kmh: None, oneway: false, line: r.line };
/// let park = Park {
///     facilities: vec![build::facility("F", FacilityKind::ComprehensiveServiceCentre,
///         112.3000, 30.3001)],
///     enterprises: vec![build::enterprise("E", 112.3100, 30.3001, Some(50))],
///     roads: vec![road],
///     ..Park::default()
/// };
/// let index = ParkIndex::build_default(&park).unwrap();
/// let circles = service_coverage(&park, &index, &AnalysisSettings::default());
/// let graph = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
/// // 960 m at 5 km/h is 11.5 minutes: reached in 15, not in 10.
/// let walk15 = isochrone_coverage(&park, &index, &graph, &circles,
///     IsochroneSpec::parse("walk:15").unwrap());
/// assert_eq!(walk15.facilities[0].reached.len(), 1);
/// let walk10 = isochrone_coverage(&park, &index, &graph, &circles,
///     IsochroneSpec::parse("walk:10").unwrap());
/// assert!(walk10.facilities[0].reached.is_empty());
/// // The 1000 m circle claims it: false coverage at 10 minutes.
/// assert_eq!(walk10.facilities[0].false_coverage, vec![0]);
/// // It is really 11.8 minutes away: 961 m along the road plus two 11 m legs.
/// let minutes = walk10.facilities[0].false_coverage_minutes[0].unwrap();
/// assert!((minutes - 11.8).abs() < 0.1, "{minutes}");
/// ```
pub fn isochrone_coverage(
    park: &Park,
    index: &ParkIndex,
    graph: &RoadGraph,
    circles: &Coverage,
    spec: IsochroneSpec,
) -> IsochroneAnalysis {
    isochrone_coverage_with(park, index, graph, circles, spec, true)
}

/// The farthest (straight line, metres) an enterprise can be and still be reached.
fn search_radius(graph: &RoadGraph, spec: IsochroneSpec) -> f64 {
    let fastest = graph
        .settings
        .speed_mps(spec.mode)
        .max(graph.settings.speed_mps(TravelMode::Walk));
    spec.minutes * 60.0 * fastest + 1.0
}

/// One facility's isochrone, given how enterprises are placed on the network.
#[allow(clippy::too_many_arguments)]
fn one_facility(
    park: &Park,
    index: &ParkIndex,
    graph: &RoadGraph,
    circles: &Coverage,
    spec: IsochroneSpec,
    fi: usize,
    snap_of: &(dyn Fn(u32) -> Option<Snap> + Sync),
    polygon: bool,
) -> FacilityIsochrone {
    let budget_s = spec.minutes * 60.0;
    let f = &park.facilities[fi];
    let circle: Vec<u32> = circles
        .facilities
        .get(fi)
        .map(|c| c.covered.iter().map(|c| c.enterprise).collect())
        .unwrap_or_default();
    let snap = f.location.and_then(|p| graph.snap(p.x(), p.y()));
    let Some(origin) = snap else {
        let mut false_coverage = circle;
        false_coverage.sort_unstable();
        return FacilityIsochrone {
            facility: fi as u32,
            on_network: false,
            component: usize::MAX,
            reached: vec![],
            employees: 0,
            false_coverage_minutes: vec![None; false_coverage.len()],
            false_coverage,
            beyond_circle: vec![],
            polygon: MultiPolygon(vec![]),
        };
    };
    let reach = graph.reach(&origin, spec.mode, budget_s);
    let mut reached = Vec::new();
    if let Some(&xy) = index.facility_xy.get(fi) {
        index
            .enterprises
            .for_each_within(xy, search_radius(graph, spec), |e, _| {
                if let Some(s) = snap_of(e)
                    && let Some(t) = reach.time_to(graph, &s)
                {
                    reached.push((e, (t / 60.0) as f32));
                }
            });
    }
    reached.sort_by_key(|(e, _)| *e);
    let is_reached = |e: u32| reached.binary_search_by_key(&e, |(r, _)| *r).is_ok();
    let mut circle_sorted = circle;
    circle_sorted.sort_unstable();
    let false_coverage: Vec<u32> = circle_sorted
        .iter()
        .copied()
        .filter(|e| !is_reached(*e))
        .collect();
    // How far the wrongly claimed enterprises really are (within four budgets).
    let false_coverage_minutes = if false_coverage.is_empty() {
        Vec::new()
    } else {
        let longer = graph.reach(&origin, spec.mode, budget_s * 4.0);
        false_coverage
            .iter()
            .map(|&e| {
                let s = snap_of(e)?;
                longer.time_to(graph, &s).map(|t| (t / 60.0) as f32)
            })
            .collect()
    };
    let beyond_circle = reached
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| circle_sorted.binary_search(e).is_err())
        .collect();
    let employees = reached
        .iter()
        .filter_map(|(e, _)| park.enterprises[*e as usize].employees)
        .map(u64::from)
        .sum();
    let polygon = if polygon {
        graph.reach_polygon(&reach, f.location.map(|p| [p.x(), p.y()]))
    } else {
        MultiPolygon(vec![])
    };
    FacilityIsochrone {
        facility: fi as u32,
        on_network: true,
        component: graph.component_of_snap(&origin),
        reached,
        employees,
        false_coverage,
        false_coverage_minutes,
        beyond_circle,
        polygon,
    }
}

/// The isochrone of one facility (index into `park.facilities`) with its polygon,
/// compared with its circle in `circles`: what the map and a printed page of one
/// facility need, without computing every facility. `None` when there is no such
/// facility. Equal to the facility's entry in [`isochrone_coverage`].
pub fn facility_isochrone(
    park: &Park,
    index: &ParkIndex,
    graph: &RoadGraph,
    circles: &Coverage,
    spec: IsochroneSpec,
    fi: usize,
) -> Option<FacilityIsochrone> {
    park.facilities.get(fi)?;
    let snap_of = |e: u32| {
        park.enterprises
            .get(e as usize)?
            .location
            .and_then(|p| graph.snap(p.x(), p.y()))
    };
    Some(one_facility(
        park, index, graph, circles, spec, fi, &snap_of, true,
    ))
}

/// [`isochrone_coverage`], with or without the reached-area polygons (the report
/// needs only the lists; drawing needs the polygons, which cost most of the time).
pub fn isochrone_coverage_with(
    park: &Park,
    index: &ParkIndex,
    graph: &RoadGraph,
    circles: &Coverage,
    spec: IsochroneSpec,
    polygons: bool,
) -> IsochroneAnalysis {
    // Every enterprise placed on the network once.
    let snaps: Vec<Option<Snap>> = park
        .enterprises
        .par_iter()
        .map(|e| e.location.and_then(|p| graph.snap(p.x(), p.y())))
        .collect();
    let unreachable: Vec<(u32, Option<f64>)> = park
        .enterprises
        .iter()
        .enumerate()
        .filter(|(i, e)| e.location.is_some() && snaps[*i].is_none())
        .map(|(i, e)| {
            let p = e.location.map(|p| graph.distance_to_network(p.x(), p.y()));
            (i as u32, p.flatten())
        })
        .collect();
    let snap_of = |e: u32| snaps.get(e as usize).copied().flatten();
    let facilities: Vec<FacilityIsochrone> = (0..park.facilities.len())
        .into_par_iter()
        .map(|fi| one_facility(park, index, graph, circles, spec, fi, &snap_of, polygons))
        .collect();
    // Per kind: enterprises none of the kind's facilities reaches.
    let mut kinds: Vec<FacilityKind> = park.facilities.iter().map(|f| f.kind).collect();
    kinds.sort();
    kinds.dedup();
    let uncovered = kinds
        .into_iter()
        .map(|k| {
            let mut hit = vec![false; park.enterprises.len()];
            for fi in facilities
                .iter()
                .filter(|f| park.facilities[f.facility as usize].kind == k)
            {
                for (e, _) in &fi.reached {
                    hit[*e as usize] = true;
                }
            }
            let list = (0..park.enterprises.len() as u32)
                .filter(|e| park.enterprises[*e as usize].location.is_some() && !hit[*e as usize])
                .collect();
            (k, list)
        })
        .collect();
    IsochroneAnalysis {
        spec,
        network: graph.settings.clone(),
        facilities,
        unreachable,
        uncovered,
        disconnected: graph.components.iter().skip(1).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        let s = IsochroneSpec::parse("walk:15").unwrap();
        assert_eq!((s.mode, s.minutes), (TravelMode::Walk, 15.0));
        assert_eq!(
            IsochroneSpec::parse("ebike:10").unwrap().mode,
            TravelMode::Ebike
        );
        assert_eq!(IsochroneSpec::parse("walk").unwrap().minutes, 15.0);
        assert_eq!(IsochroneSpec::parse("walk:15").unwrap().label(), "walk:15");
        assert!(IsochroneSpec::parse("car:15").is_err());
        assert!(IsochroneSpec::parse("walk:x").is_err());
        assert!(IsochroneSpec::parse("walk:0").is_err());
        assert_eq!(
            IsochroneSpec::parse("ebike:10")
                .unwrap()
                .describe(crate::model::Lang::Zh),
            "电动车10分钟"
        );
        assert_eq!(
            IsochroneSpec::parse("步行:15")
                .unwrap()
                .describe(crate::model::Lang::En),
            "15-minute walk"
        );
    }
}
