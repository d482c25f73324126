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

#[test]
fn isochrone_coverage_compares_with_circles_on_the_sample() {
    use parkplan::analysis::{
        AnalysisSettings, IsochroneSpec, isochrone_coverage, service_coverage,
    };
    use parkplan::spatial::ParkIndex;
    let park = common::load_sample().park;
    let index = ParkIndex::build_default(&park).unwrap();
    let circles = service_coverage(&park, &index, &AnalysisSettings::default());
    let g = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
    let iso = isochrone_coverage(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("walk:15").unwrap(),
    );
    assert_eq!(iso.facilities.len(), park.facilities.len());
    assert_eq!(iso.disconnected.len(), 1);
    for (f, c) in iso.facilities.iter().zip(&circles.facilities) {
        let circle: std::collections::BTreeSet<u32> =
            c.covered.iter().map(|c| c.enterprise).collect();
        let reached: std::collections::BTreeSet<u32> = f.reached.iter().map(|r| r.0).collect();
        // false coverage = circle − reached; beyond = reached − circle.
        let fc: std::collections::BTreeSet<u32> = circle.difference(&reached).copied().collect();
        let bc: std::collections::BTreeSet<u32> = reached.difference(&circle).copied().collect();
        assert_eq!(
            f.false_coverage
                .iter()
                .copied()
                .collect::<std::collections::BTreeSet<_>>(),
            fc
        );
        assert_eq!(
            f.beyond_circle
                .iter()
                .copied()
                .collect::<std::collections::BTreeSet<_>>(),
            bc
        );
        // Nothing is reached in 15 minutes of walking beyond 1250 m plus walked legs.
        assert!(f.reached.iter().all(|(_, t)| *t <= 15.0 + 1e-3));
    }
    // Along roads a 1000 m circle claims more than 15 minutes of walking reach somewhere.
    let claimed: usize = iso.facilities.iter().map(|f| f.false_coverage.len()).sum();
    eprintln!("false coverage pairs at walk:15: {claimed}");
}

#[test]
fn an_enterprise_far_from_roads_is_unreachable_not_dropped() {
    use parkplan::analysis::{
        AnalysisSettings, IsochroneSpec, build, isochrone_coverage, service_coverage,
    };
    use parkplan::model::{FacilityKind, Park};
    use parkplan::spatial::ParkIndex;
    let road = |id: &str, pts: &[(f64, f64)]| {
        let r = build::route(id, id, pts);
        parkplan::model::Road {
            feature: r.feature,
            id: id.into(),
            name: id.into(),
            class: None,
            speed_kmh: None,
            oneway: false,
            line: r.line,
        }
    };
    let park = Park {
        enterprises: vec![
            build::enterprise("near", 112.3050, 30.3003, Some(10)),
            build::enterprise("far", 112.3050, 30.3200, Some(10)),
        ],
        facilities: vec![build::facility(
            "F",
            FacilityKind::ComprehensiveServiceCentre,
            112.3000,
            30.3002,
        )],
        roads: vec![road("R", &[(112.29, 30.30), (112.32, 30.30)])],
        ..Park::default()
    };
    let index = ParkIndex::build_default(&park).unwrap();
    let circles = service_coverage(&park, &index, &AnalysisSettings::default());
    let g = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
    let iso = isochrone_coverage(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("walk:15").unwrap(),
    );
    assert_eq!(iso.unreachable.len(), 1);
    assert_eq!(iso.unreachable[0].0, 1);
    assert!(iso.unreachable[0].1.unwrap() > 2000.0);
    assert_eq!(iso.facilities[0].reached.len(), 1);
}
