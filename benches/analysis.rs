//! Criterion benchmarks of loading, indexing and analysis on gen_park.py scenes.
//!
//! Scenes are read from `$PARKPLAN_SCENES/<N>/` (N = 10000, 100000, 1000000), made with
//! `python3 ../shared/bench/gen_park.py --enterprises N --seed 42 --out $PARKPLAN_SCENES/N`.
//! Missing scenes are skipped with a note. Run:
//! `PARKPLAN_SCENES=/work/scratch/analysis cargo bench --bench analysis --no-default-features`.
// criterion_main! generates an undocumented `main`.
#![allow(missing_docs)]

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Geometry, InteriorPoint, Polygon};
use parkplan::analysis::living::{self, LivingSettings};
use parkplan::analysis::{self, AnalysisSettings, AreaSettings};
use parkplan::model::interior_point;
use parkplan::project;
use parkplan::spatial::{ParcelIndex, ParkIndex};

fn scene(n: usize) -> Option<PathBuf> {
    let base = std::env::var_os("PARKPLAN_SCENES")?;
    let dir = PathBuf::from(base).join(n.to_string());
    dir.join("enterprises.geojson").is_file().then_some(dir)
}

fn benches(c: &mut Criterion) {
    if std::env::var_os("PARKPLAN_SCENES").is_none() {
        eprintln!("PARKPLAN_SCENES is not set: no scenes to benchmark");
    }
    for n in [10_000usize, 100_000, 1_000_000] {
        let Some(dir) = scene(n) else {
            eprintln!("scene {n} missing: skipped");
            continue;
        };
        let mut g = c.benchmark_group(format!("n{n}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(if n >= 1_000_000 { 20 } else { 5 }));
        let ent = vec![dir.join("enterprises.geojson")];
        g.bench_function("load_enterprises", |b| {
            b.iter(|| project::open_paths(&ent, None).map(|o| o.loaded.park.enterprises.len()))
        });
        let Ok(loaded) = project::open_paths(std::slice::from_ref(&dir), None) else {
            continue;
        };
        let park = loaded.loaded.park;
        // The typed records alone (ids, names, parcels' geodesic areas), from the layers.
        let mut rebuilt = park.clone();
        g.bench_function("rebuild_records", |b| {
            b.iter(|| {
                rebuilt.rebuild_records();
                rebuilt.enterprises.len() + rebuilt.parcels.len()
            })
        });
        drop(rebuilt);
        g.bench_function("index_build", |b| {
            b.iter(|| ParkIndex::build_default(&park).map(|i| i.enterprises.len()))
        });
        // The parcels' tree, built on first use (`ParkIndex::parcels`), not by the index.
        g.bench_function("parcel_tree_build", |b| {
            b.iter(|| ParcelIndex::build(&park).len())
        });
        let Ok(index) = ParkIndex::build_default(&park) else {
            continue;
        };
        let mut s1000 = AnalysisSettings::default();
        let _ = s1000.set_radius("all=1000");
        g.bench_function("cover_1000_all_facilities", |b| {
            b.iter(|| analysis::service_coverage(&park, &index, &s1000).pairs())
        });
        if let Some(kw6) = park.routes.iter().position(|r| r.name == "KW6") {
            g.bench_function("kw6_catchment_500", |b| {
                b.iter(|| {
                    analysis::route_stats(&park, &index, kw6, 500.0)
                        .enterprises
                        .len()
                })
            });
        }
        // Every entry of the nearest-facility table (it answers on demand: this is what
        // a full listing, e.g. the CSV, costs).
        g.bench_function("nearest_facility_each_kind", |b| {
            b.iter(|| {
                let n = analysis::nearest_facilities(&park, &index);
                (0..n.len())
                    .flat_map(|e| n.kinds.iter().map(move |&k| (e, k)))
                    .filter(|&(e, k)| n.get(e, k).is_some())
                    .count()
            })
        });
        // The point index's nearest neighbour: each enterprise's nearest stop.
        g.bench_function("nearest_stop_each_enterprise", |b| {
            b.iter(|| {
                index
                    .enterprise_xy
                    .iter()
                    .filter_map(|p| index.stops.nearest(*p))
                    .count()
            })
        });
        g.bench_function("union_1000_32seg", |b| {
            b.iter(|| {
                analysis::service_areas(&park, &index, &s1000, &AreaSettings { segments: 32 })
                    .all
                    .union_km2
            })
        });
        // Interior points of the first 20,000 parcels: geo's `InteriorPoint` beside the
        // same points computed by `model::interior_point` (bit for bit, tested).
        let polygons: Vec<&Polygon<f64>> = park
            .parcels
            .iter()
            .filter_map(|p| match park.geometry(p.feature)? {
                Geometry::Polygon(poly) => Some(poly),
                _ => None,
            })
            .take(20_000)
            .collect();
        g.bench_function("interior_points_20k_geo", |b| {
            b.iter(|| polygons.iter().filter_map(|p| p.interior_point()).count())
        });
        g.bench_function("interior_points_20k_parkplan", |b| {
            b.iter(|| {
                polygons
                    .iter()
                    .filter_map(|p| interior_point::polygon_interior_point(p))
                    .count()
            })
        });
        g.bench_function("living_circles_defaults", |b| {
            b.iter(|| {
                living::living_circles(&park, &index, &LivingSettings::default())
                    .tiers
                    .len()
            })
        });
        let defaults = AnalysisSettings::default();
        g.bench_function("analyse_all_defaults", |b| {
            b.iter(|| analysis::analyse(&park, &index, &defaults).coverage.pairs())
        });
        g.finish();
    }
}

criterion_group!(analysis_benches, benches);
criterion_main!(analysis_benches);
