//! Renderer benchmarks on a generated 100k-enterprise park (never in the repository).
//!
//! Make the scene first:
//! `python3 ../shared/bench/gen_park.py --enterprises 100000 --seed 42 --out /work/scratch/100000`
//! (or point `PARKPLAN_BENCH_SCENE` at another folder). Without it the benchmarks are
//! skipped. Run: `cargo bench --bench render`.
// criterion_main! generates an undocumented `main`.
#![allow(missing_docs)]

use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use parkplan::analysis::AnalysisSettings;
use parkplan::export::{self, Format, MapFocus, PageSpec, compose_page};
use parkplan::model::Lang;
use parkplan::render::{BuildOptions, MapStyles, MapView, Overlays, ProjectedPark, build_scene};
use parkplan::spatial::ParkIndex;
use parkplan::workspace::process;

/// The desktop's allocator, so resident sizes are the desktop's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let Ok(loaded) = parkplan::project::open_paths(std::slice::from_ref(&dir), None) else {
        eprintln!("render bench skipped: the scene did not load");
        return;
    };
    let park = loaded.loaded.park;
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
    // Every feature drawn one by one (as before issue #14), for comparison.
    let one_by_one = BuildOptions {
        aggregate_above: usize::MAX,
        ..BuildOptions::default()
    };
    let mut at13k = full;
    at13k.set_scale(13_000.0);
    for (name, view) in [
        ("full", &full),
        ("1:13000", &at13k),
        ("1:10000", &city),
        ("1:2000", &street),
    ] {
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
    zoom_sequence(&park, &projected, &styles, &full);
    if std::env::var_os("PARKPLAN_BENCH_ZOOM_ONLY").is_some() {
        return;
    }
    let mut g = c.benchmark_group(format!(
        "build_scene_{}",
        dir.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    g.sample_size(10);
    // What the desktop's worker does for a new view: the scene of a tile (the view plus
    // half a view of margin each side), then its tessellation into meshes (and the
    // pictures' textures uploaded), aggregated and one by one.
    let ctx = eframe::egui::Context::default();
    // Markers as textured quads, as on screen.
    let disc = ctx.load_texture(
        "disc",
        parkplan::ui::map::canvas::disc_image(),
        eframe::egui::TextureOptions::LINEAR,
    );
    for (name, view) in [("full", &full), ("1:13000", &at13k)] {
        for (how, o) in [("aggregated", &opts), ("one by one", &one_by_one)] {
            let tile = parkplan::ui::map::canvas::tile_view(view);
            let o = BuildOptions {
                background: false,
                ..o.clone()
            };
            let mut best = f64::INFINITY;
            let mut vertices = 0;
            for _ in 0..3 {
                let t = Instant::now();
                let scene =
                    build_scene(&park, &projected, &tile, &styles, &Overlays::default(), &o);
                let (chunks, _, _) = parkplan::ui::map::canvas::tessellate_scene(
                    &scene,
                    &tile,
                    1.0,
                    Some(disc.id()),
                    Some(&ctx),
                );
                best = best.min(t.elapsed().as_secs_f64());
                vertices = chunks
                    .iter()
                    .flat_map(|(_, m)| m.iter().map(|m| m.vertices.len()))
                    .sum();
            }
            eprintln!(
                "desktop tile {name} ({how}): scene + tessellation {:.0} ms (best of 3), {vertices} vertices",
                best * 1000.0
            );
        }
    }
    for (name, view) in [("full_extent", &full), ("1to13000", &at13k)] {
        g.bench_function(format!("{name}_one_by_one"), |b| {
            b.iter(|| {
                build_scene(
                    &park,
                    &projected,
                    view,
                    &styles,
                    &Overlays::default(),
                    &one_by_one,
                )
            })
        });
    }
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

/// The desktop's zoom steps, as the wheel takes them: whole park → 1:50,000 → 1:25,897 →
/// 1:13,000 → 1:6,500 → back out, twice. For each, the worker's tile (scene, then
/// tessellation with the marker disc texture) and the resident size after it: what a
/// planner waits for after a zoom, and whether memory grows with the zooms visited.
/// `PARKPLAN_BENCH_ZOOM_ONLY=1` stops the bench after this.
fn zoom_sequence(
    park: &parkplan::model::Park,
    projected: &ProjectedPark,
    styles: &MapStyles,
    full: &MapView,
) {
    // What building a crowded point layer's levels costs (once per layer and style).
    for pl in projected.layers.iter().filter(|l| l.len() > 100_000) {
        let t = Instant::now();
        let levels = parkplan::render::aggregate::PointLevels::new(pl.len(), |i| pl.point(i));
        if !levels.is_empty() {
            eprintln!(
                "levels of {} points built in {:.0} ms: {} levels kept besides the points, {:.1} MB",
                levels.len(),
                t.elapsed().as_secs_f64() * 1000.0,
                levels.kept_levels(),
                levels.bytes() as f64 / 1e6
            );
        }
    }
    let ctx = eframe::egui::Context::default();
    let disc = ctx.load_texture(
        "disc",
        parkplan::ui::map::canvas::disc_image(),
        eframe::egui::TextureOptions::LINEAR,
    );
    let o = BuildOptions {
        background: false,
        ..BuildOptions::default()
    };
    let scales = [
        50_000.0, 25_897.0, 13_000.0, 6_500.0, 13_000.0, 25_897.0, 50_000.0,
    ];
    let mut steps = vec![("whole park".to_string(), *full)];
    for s in scales {
        let mut v = *full;
        v.set_scale(s);
        steps.push((format!("1:{s:.0}"), v));
    }
    steps.push(("whole park".to_string(), *full));
    for round in 0..2 {
        for (name, view) in &steps {
            let tile = parkplan::ui::map::canvas::tile_view(view);
            let cpu = process::cpu_seconds().unwrap_or_default();
            let t = Instant::now();
            let scene = build_scene(park, projected, &tile, styles, &Overlays::default(), &o);
            let t_scene = t.elapsed();
            let (chunks, _, textures) = parkplan::ui::map::canvas::tessellate_scene(
                &scene,
                &tile,
                1.0,
                Some(disc.id()),
                Some(&ctx),
            );
            let t_all = t.elapsed();
            let cpu = process::cpu_seconds().unwrap_or_default() - cpu;
            let vertices: usize = chunks
                .iter()
                .flat_map(|(_, m)| m.iter().map(|m| m.vertices.len()))
                .sum();
            let [polygons, lines, markers, labels] = scene.counts();
            drop((chunks, textures, scene));
            // A frame takes the pictures' textures (and frees them), as on screen.
            drop(ctx.run_ui(eframe::egui::RawInput::default(), |_| {}));
            eprintln!(
                "zoom round {round}, {name}: tile {:.0} ms (scene {:.0} ms, tessellation {:.0} ms; {:.0} ms of CPU), {vertices} vertices, {polygons} polygons, {lines} lines, {markers} markers, {labels} labels; resident {} MB",
                t_all.as_secs_f64() * 1000.0,
                t_scene.as_secs_f64() * 1000.0,
                (t_all - t_scene).as_secs_f64() * 1000.0,
                cpu * 1000.0,
                process::resident_mb().unwrap_or_default()
            );
        }
    }
}

/// The budget: the sample map's KW6 page at A3 as a PDF in under 0.5 s.
fn bench_export_sample(c: &mut Criterion) {
    if std::env::var_os("PARKPLAN_BENCH_ZOOM_ONLY").is_some() {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/jingzhou-etdz");
    if !dir.is_dir() {
        eprintln!("export bench skipped: no sample map");
        return;
    }
    let spec = PageSpec {
        title: "KW6公交微循环线路覆盖图".into(),
        ..PageSpec::default()
    };
    // The whole command once: load, project, analyse, lay out, render, write.
    let t = Instant::now();
    let Ok(loaded) = parkplan::project::open_paths(std::slice::from_ref(&dir), None) else {
        return;
    };
    let park = loaded.loaded.park;
    let t_load = t.elapsed();
    let (Ok(projected), Ok(index)) = (ProjectedPark::new(&park), ParkIndex::build_default(&park))
    else {
        return;
    };
    let styles = MapStyles::default_for(&park);
    let analysis = parkplan::analysis::analyse(&park, &index, &AnalysisSettings::default());
    let Ok(ri) = parkplan::workspace::lookup::route(&park, "KW6") else {
        return;
    };
    let cx = export::FocusContext {
        park: &park,
        projected: &projected,
        index: &index,
        analysis: &analysis,
        styles: &styles,
    };
    let Ok(focus) = export::route_focus(&cx, ri, Lang::Zh) else {
        return;
    };
    let page = compose_page(&park, &projected, &styles, &focus, &spec);
    let out = std::env::temp_dir().join("parkplan-bench-kw6.pdf");
    let Ok(o) = export::export_page(&page, &out, 300.0) else {
        return;
    };
    eprintln!(
        "sample KW6 A3 PDF end to end: {:.0?} (load {:.0?}), {} bytes",
        t.elapsed(),
        t_load,
        o.bytes
    );
    let mut g = c.benchmark_group("export_sample_a3");
    g.sample_size(10);
    g.bench_function("kw6_compose_and_pdf", |b| {
        b.iter(|| {
            let page = compose_page(&park, &projected, &styles, &focus, &spec);
            export::render_page(&page, Format::Pdf, 300.0)
        })
    });
    g.bench_function("kw6_focus_compose_and_pdf", |b| {
        b.iter(|| {
            let focus = export::route_focus(&cx, ri, Lang::Zh);
            let page = compose_page(
                &park,
                &projected,
                &styles,
                &focus.unwrap_or_default(),
                &spec,
            );
            export::render_page(&page, Format::Pdf, 300.0)
        })
    });
    g.bench_function("kw6_png_150dpi", |b| {
        b.iter(|| export::render_page(&page, Format::Png, 150.0))
    });
    g.finish();
}

/// The 100k-enterprise scene printed at A3 (fitted: every parcel and enterprise on
/// the page), timed once per stage: too slow for many criterion samples.
fn bench_export_100k(_c: &mut Criterion) {
    if std::env::var_os("PARKPLAN_BENCH_ZOOM_ONLY").is_some() {
        return;
    }
    let Some(dir) = scene_dir() else {
        return;
    };
    let Ok(loaded) = parkplan::project::open_paths(std::slice::from_ref(&dir), None) else {
        return;
    };
    let park = loaded.loaded.park;
    let Ok(projected) = ProjectedPark::new(&park) else {
        return;
    };
    let styles = MapStyles::default_for(&park);
    for paper in [export::Paper::A3, export::Paper::A1] {
        let spec = PageSpec {
            title: "园区企业分布图（100k）".into(),
            paper,
            ..PageSpec::default()
        };
        for round in 0..2 {
            let t = Instant::now();
            let page = compose_page(&park, &projected, &styles, &MapFocus::default(), &spec);
            let t_page = t.elapsed();
            let Ok(pdf) = export::pdf::pages_to_pdf(&[(&page.scenes, page.size)], &page.title)
            else {
                return;
            };
            let t_pdf = t.elapsed();
            let svg = export::page_svg(&page);
            let t_svg = t.elapsed();
            let Ok(tree) = export::output::parse_svg(&svg) else {
                return;
            };
            let t_tree = t.elapsed();
            let png = export::output::tree_to_png(
                &tree,
                [
                    export::output::pixels(page.size[0], 150.0),
                    export::output::pixels(page.size[1], 150.0),
                ],
                150.0,
            );
            let t_png = t.elapsed();
            let mib = |n: usize| n as f64 / (1024.0 * 1024.0);
            eprintln!(
                "{} {paper:?} (round {round}, 1:{:.0}, {:?} items, {} pictures): compose {:.0?}, pdf {:.0?} ({:.1} MiB), PDF total {:.0?}; svg {:.0?} ({:.1} MiB), usvg {:.0?}, png150 {:.0?} ({:.1} MiB)",
                dir.display(),
                page.scale,
                page.scenes[0].counts(),
                page.scenes[0].rasters().count(),
                t_page,
                t_pdf - t_page,
                mib(pdf.len()),
                t_pdf,
                t_svg - t_pdf,
                mib(svg.len()),
                t_tree - t_svg,
                t_png - t_tree,
                png.map(|p| mib(p.len())).unwrap_or(0.0),
            );
        }
    }
}

criterion_group!(
    benches,
    bench_render,
    bench_export_sample,
    bench_export_100k
);
criterion_main!(benches);
