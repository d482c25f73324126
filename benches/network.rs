//! Criterion benchmarks of the road network: building the graph and 15-minute walking
//! isochrones of every facility, on the sample map and on a synthetic grid network of
//! about 100 000 segments (made here, so no scene file is needed).
//!
//! Run: `cargo bench --bench network --no-default-features`.
// criterion_main! generates an undocumented `main`.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Coord, LineString, MultiLineString};
use parkplan::analysis::{
    AnalysisSettings, IsochroneSpec, facility_isochrone, isochrone_coverage,
    isochrone_coverage_with, service_coverage,
};
use parkplan::crs::{FrameKind, MetricFrame};
use parkplan::model::{FeatureRef, Park, Road};
use parkplan::network::{NetworkSettings, RoadGraph, TravelMode};
use parkplan::spatial::ParkIndex;

fn sample() -> Option<Park> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/jingzhou-etdz");
    parkplan::project::open_paths(&[dir], None)
        .ok()
        .map(|o| o.loaded.park)
}

/// A grid of `n`+1 roads each way over `n * step` metres, each road split into segments
/// by the crossings: 2·(n+1)·n segments.
fn grid_roads(n: usize, step: f64) -> (Vec<Road>, MetricFrame) {
    let frame = MetricFrame::for_longitude(FrameKind::Local, 112.3);
    let p = frame.projector().expect("frame");
    let [x0, y0] = p.forward(112.2, 30.2);
    let ll = |x: f64, y: f64| {
        let [lon, lat] = p.inverse(x0 + x, y0 + y);
        Coord { x: lon, y: lat }
    };
    let mut roads = Vec::new();
    for i in 0..=n {
        let c = i as f64 * step;
        // Vertices at every crossing, as digitised road networks have them.
        let h: Vec<Coord<f64>> = (0..=n).map(|j| ll(j as f64 * step, c)).collect();
        let v: Vec<Coord<f64>> = (0..=n).map(|j| ll(c, j as f64 * step)).collect();
        for line in [h, v] {
            roads.push(Road {
                feature: FeatureRef {
                    layer: 0,
                    index: roads.len() as u32,
                },
                id: format!("R{}", roads.len()).into(),
                name: format!("路{}", roads.len()).into(),
                class: None,
                speed_kmh: None,
                oneway: false,
                line: MultiLineString(vec![LineString(line)]),
            });
        }
    }
    (roads, frame)
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("network");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(5));
    if let Some(park) = sample() {
        let index = ParkIndex::build_default(&park).expect("index");
        let frame = *index.frame();
        g.bench_function("sample_graph_build", |b| {
            b.iter(|| {
                RoadGraph::build(&park, frame, NetworkSettings::default())
                    .map(|g| g.graph.edge_count())
            })
        });
        let graph = RoadGraph::build(&park, frame, NetworkSettings::default()).expect("graph");
        let circles = service_coverage(&park, &index, &AnalysisSettings::default());
        let spec = IsochroneSpec {
            mode: TravelMode::Walk,
            minutes: 15.0,
        };
        g.bench_function("sample_walk15_all_facilities_with_polygons", |b| {
            b.iter(|| {
                isochrone_coverage(&park, &index, &graph, &circles, spec)
                    .facilities
                    .len()
            })
        });
        // What `report --isochrone walk:15` and the UI's lists compute (no polygons).
        g.bench_function("sample_walk15_all_facilities_lists_only", |b| {
            b.iter(|| {
                isochrone_coverage_with(&park, &index, &graph, &circles, spec, false)
                    .facilities
                    .len()
            })
        });
        let ebike = IsochroneSpec {
            mode: TravelMode::Ebike,
            minutes: 15.0,
        };
        g.bench_function("sample_ebike15_all_facilities_with_polygons", |b| {
            b.iter(|| {
                isochrone_coverage(&park, &index, &graph, &circles, ebike)
                    .facilities
                    .len()
            })
        });
        // One facility's overlay (the map and the export page): SS-003.
        let fi = park
            .facilities
            .iter()
            .position(|f| f.id == "SS-003")
            .unwrap_or(0);
        g.bench_function("sample_walk15_one_facility_with_polygon", |b| {
            b.iter(|| {
                facility_isochrone(&park, &index, &graph, &circles, spec, fi)
                    .map(|f| f.polygon.0.len())
            })
        });
    }
    // ~100k segments: 2·224·223 = 99 904.
    let (roads, frame) = grid_roads(223, 80.0);
    g.bench_function("grid100k_graph_build", |b| {
        b.iter(|| {
            RoadGraph::from_roads(&roads, frame, NetworkSettings::default())
                .map(|g| g.graph.edge_count())
        })
    });
    let graph = RoadGraph::from_roads(&roads, frame, NetworkSettings::default()).expect("graph");
    eprintln!(
        "grid network: {} nodes, {} edges, {:.0} km",
        graph.graph.node_count(),
        graph.graph.edge_count(),
        graph.total_length_m() / 1000.0
    );
    let p = frame.projector().expect("frame");
    let [x0, y0] = p.forward(112.2, 30.2);
    let [lon, lat] = p.inverse(x0 + 8_000.0, y0 + 8_000.0);
    let origin = graph.snap(lon, lat).expect("snap");
    g.bench_function("grid100k_walk15_reach_one_origin", |b| {
        b.iter(|| {
            graph
                .reach(&origin, TravelMode::Walk, 900.0)
                .time
                .iter()
                .filter(|t| t.is_finite())
                .count()
        })
    });
    g.bench_function("grid100k_walk15_reach_and_polygon", |b| {
        b.iter(|| {
            let r = graph.reach(&origin, TravelMode::Walk, 900.0);
            graph.reach_polygon(&r, Some([lon, lat])).0.len()
        })
    });
    g.bench_function("grid100k_ebike15_reach_and_polygon", |b| {
        b.iter(|| {
            let r = graph.reach(&origin, TravelMode::Ebike, 900.0);
            graph.reach_polygon(&r, Some([lon, lat])).0.len()
        })
    });
    g.bench_function("grid100k_ebike15_reach_one_origin", |b| {
        b.iter(|| {
            graph
                .reach(&origin, TravelMode::Ebike, 900.0)
                .time
                .iter()
                .filter(|t| t.is_finite())
                .count()
        })
    });
    g.finish();
}

criterion_group!(network, benches);
criterion_main!(network);
