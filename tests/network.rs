//! Road-network tests on the sample map: noding, components, reach of every facility.

use parkplan::crs::{FrameKind, MetricFrame};
use parkplan::network::{NetworkSettings, RoadGraph, TravelMode};

use crate::common;

#[test]
fn sample_roads_form_one_network_and_one_reported_island() {
    let park = common::load_sample().park;
    let centre = park.extent().unwrap().center();
    let frame = MetricFrame::for_longitude(FrameKind::Utm, centre.x);
    let g = RoadGraph::build(&park, frame, NetworkSettings::default()).unwrap();
    assert_eq!(g.components.len(), 2, "{:?}", g.components);
    assert!(g.components[1].roads.iter().any(|r| r.contains("三八洲")));
    // Every facility snaps to the main network and reaches something in 15 minutes.
    let t0 = std::time::Instant::now();
    let mut reached_polygons = 0;
    for f in &park.facilities {
        let p = f.location.unwrap();
        let s = g
            .snap(p.x(), p.y())
            .unwrap_or_else(|| panic!("{} is far from every road", f.name));
        // Only the island's own station sits on the isolated road.
        assert_eq!(
            g.component_of_snap(&s) != 0,
            f.name.contains("三八洲"),
            "{}",
            f.name
        );
        let r = g.reach(&s, TravelMode::Walk, 15.0 * 60.0);
        if !g.reach_polygon(&r, Some([p.x(), p.y()])).0.is_empty() {
            reached_polygons += 1;
        }
    }
    assert_eq!(reached_polygons, park.facilities.len());
    eprintln!(
        "{} nodes, {} edges, {:.1} km; 15-min walking reach of {} facilities in {:?} (debug build)",
        g.graph.node_count(),
        g.graph.edge_count(),
        g.total_length_m() / 1000.0,
        park.facilities.len(),
        t0.elapsed()
    );
}
