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

/// Computes every facility's isochrone coverage and compares it with the circle
/// coverage already computed for the same park (`circles`).
pub fn isochrone_coverage(
    park: &Park,
    index: &ParkIndex,
    graph: &RoadGraph,
    circles: &Coverage,
    spec: IsochroneSpec,
) -> IsochroneAnalysis {
    let budget_s = spec.minutes * 60.0;
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
    // The farthest an enterprise can be (straight line) and still be reached.
    let fastest = graph
        .settings
        .speed_mps(spec.mode)
        .max(graph.settings.speed_mps(TravelMode::Walk));
    let search_r = budget_s * fastest + 1.0;
    let facilities: Vec<FacilityIsochrone> = park
        .facilities
        .par_iter()
        .enumerate()
        .map(|(fi, f)| {
            let circle: Vec<u32> = circles
                .facilities
                .get(fi)
                .map(|c| c.covered.iter().map(|c| c.enterprise).collect())
                .unwrap_or_default();
            let snap = f.location.and_then(|p| graph.snap(p.x(), p.y()));
            let Some(origin) = snap else {
                return FacilityIsochrone {
                    facility: fi as u32,
                    on_network: false,
                    component: usize::MAX,
                    reached: vec![],
                    employees: 0,
                    false_coverage: circle,
                    beyond_circle: vec![],
                    polygon: MultiPolygon(vec![]),
                };
            };
            let reach = graph.reach(&origin, spec.mode, budget_s);
            let mut reached = Vec::new();
            index
                .enterprises
                .for_each_within(index.facility_xy[fi], search_r, |e, _| {
                    if let Some(s) = &snaps[e as usize]
                        && let Some(t) = reach.time_to(graph, s)
                    {
                        reached.push((e, (t / 60.0) as f32));
                    }
                });
            reached.sort_by_key(|(e, _)| *e);
            let is_reached = |e: u32| reached.binary_search_by_key(&e, |(r, _)| *r).is_ok();
            let mut circle_sorted = circle.clone();
            circle_sorted.sort_unstable();
            let false_coverage = circle_sorted
                .iter()
                .copied()
                .filter(|e| !is_reached(*e))
                .collect();
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
            let polygon = graph.reach_polygon(&reach, f.location.map(|p| [p.x(), p.y()]));
            FacilityIsochrone {
                facility: fi as u32,
                on_network: true,
                component: graph.component_of_snap(&origin),
                reached,
                employees,
                false_coverage,
                beyond_circle,
                polygon,
            }
        })
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
    }
}
