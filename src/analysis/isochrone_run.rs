//! Isochrones for a report: the road graph built once, then the isochrone lists of every
//! facility for each travel choice asked for (`walk:15`, `ebike:10` …), without the
//! reached-area polygons. What `parkplan-cli report --isochrone` computes and what the
//! desktop hands to [`crate::report`] from the isochrones it already has.

use std::sync::Arc;

use crate::model::Park;
use crate::network::{NetworkError, NetworkSettings, RoadGraph};
use crate::spatial::ParkIndex;

use super::{Coverage, IsochroneAnalysis, IsochroneSpec, isochrone_coverage_with};

/// The road graph and one isochrone analysis per travel choice, in the order asked for.
#[derive(Debug, Clone)]
pub struct IsoRun {
    /// The graph of the park's roads.
    pub graph: Arc<RoadGraph>,
    /// One per travel choice, every one compared with the same circle coverage.
    pub analyses: Vec<Arc<IsochroneAnalysis>>,
}

/// Reads travel choices (`walk:15`, `ebike:10` …), in order, without repeats.
pub fn parse_specs(flags: &[String]) -> Result<Vec<IsochroneSpec>, String> {
    let mut out: Vec<IsochroneSpec> = Vec::new();
    for f in flags {
        let s = IsochroneSpec::parse(f)?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

/// Builds the road graph in the index's frame and computes every choice against the
/// circle coverage `circles` (lists only, no polygons).
pub fn compute(
    park: &Park,
    index: &ParkIndex,
    circles: &Coverage,
    settings: NetworkSettings,
    specs: &[IsochroneSpec],
) -> Result<IsoRun, NetworkError> {
    let graph = RoadGraph::build(park, *index.frame(), settings)?;
    let analyses = specs
        .iter()
        .map(|s| {
            Arc::new(isochrone_coverage_with(
                park, index, &graph, circles, *s, false,
            ))
        })
        .collect();
    Ok(IsoRun {
        graph: Arc::new(graph),
        analyses,
    })
}

impl IsoRun {
    /// The method of the isochrones in words (appended to a report's method).
    pub fn method(&self) -> String {
        let s = &self.graph.settings;
        format!(
            "isochrones: shortest travel times along the road network (roads noded at shared vertices and crossings within {} m), segment lengths geodesic along the roads (WGS84 ellipsoid, Karney); walking {} km/h, e-bike {} km/h capped by each road's speed limit; motorways and expressways closed; the leg from a facility or enterprise to its nearest road (at most {} m, straight in the planar frame) walked; an enterprise is covered when its own access point is reached within the time",
            s.snap_tolerance_m, s.walk_kmh, s.ebike_kmh, s.max_access_m
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_keep_their_order_and_drop_repeats() {
        let flags: Vec<String> = ["ebike:10", "walk", "walk:15"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let specs = parse_specs(&flags).unwrap();
        let labels: Vec<String> = specs.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["ebike:10", "walk:15"]);
        assert!(parse_specs(&["car:5".to_string()]).is_err());
    }
}
