//! Renderer benchmarks on a generated 100k-enterprise park (never in the repository).
//!
//! Make the scene first:
//! `python3 ../shared/bench/gen_park.py --enterprises 100000 --seed 42 --out /work/scratch/100000`
//! (or point `PARKPLAN_BENCH_SCENE` at another folder). Without it the benchmarks are
//! skipped. Run: `cargo bench --bench render`.

use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use parkplan::render::{BuildOptions, MapStyles, MapView, Overlays, ProjectedPark, build_scene};

fn scene_dir() -> Option<PathBuf> {
    let p = std::env::var_os("PARKPLAN_BENCH_SCENE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/scratch/100000"));
    p.is_dir().then_some(p)
}

fn bench_render(c: &mut Criterion) {
    let Some(dir) = scene_dir() else {
        eprintln!("render bench skipped: no scene (see benches/render.rs)");
        return;
    };
    let t = Instant::now();
    let Ok(loaded) = parkplan::import::load_paths(&[dir], None) else {
        eprintln!("render bench skipped: the scene did not load");
        return;
    };
    let park = loaded.park;
    eprintln!("loaded {} layers in {:.2?}", park.layers.len(), t.elapsed());
    let t = Instant::now();
    let Ok(projected) = ProjectedPark::new(&park) else {
        eprintln!("render bench skipped: no display frame");
        return;
    };
    eprintln!("projected once in {:.2?}", t.elapsed());
    let t = Instant::now();
    let mesh_tris: usize = projected
        .layers
        .iter()
        .map(|l| l.mesh().indices.len() / 3)
        .sum();
    eprintln!(
        "triangulated {mesh_tris} triangles once in {:.2?}",
        t.elapsed()
    );
    let styles = MapStyles::default_for(&park);
    let Some(extent) = projected.extent() else {
        return;
    };
    let mut full = MapView::new(extent.center(), 1.0, [1600.0, 1000.0]);
    full.fit_bbox(&extent, 10.0);
    let mut city = full;
    city.set_scale(10_000.0);
    let mut street = full;
    street.set_scale(2_000.0);
    let opts = BuildOptions::default();
    for (name, view) in [("full", &full), ("1:10000", &city), ("1:2000", &street)] {
        let s = build_scene(
            &park,
            &projected,
            view,
            &styles,
            &Overlays::default(),
            &opts,
        );
        eprintln!(
            "view {name}: scale 1:{:.0}, items [polygons, lines, markers, labels] = {:?}",
            view.scale_denominator(),
            s.counts()
        );
    }
    let mut g = c.benchmark_group("build_scene_100k");
    g.sample_size(10);
    g.bench_function("full_extent_1600x1000", |b| {
        b.iter(|| {
            build_scene(
                &park,
                &projected,
                &full,
                &styles,
                &Overlays::default(),
                &opts,
            )
        })
    });
    g.bench_function("city_1to10000", |b| {
        b.iter(|| {
            build_scene(
                &park,
                &projected,
                &city,
                &styles,
                &Overlays::default(),
                &opts,
            )
        })
    });
    g.bench_function("street_1to2000_labels", |b| {
        b.iter(|| {
            build_scene(
                &park,
                &projected,
                &street,
                &styles,
                &Overlays::default(),
                &opts,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
