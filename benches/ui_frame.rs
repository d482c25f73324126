//! Headless frame benchmark of the desktop (issue #4): the real `ui::App` on a
//! generated 100k-enterprise / 33k-parcel park, one egui frame (`Context::run_ui`)
//! plus its tessellation (`Context::tessellate`), no GPU, while the map is dragged.
//!
//! Make the scene first (never in the repository):
//! `python3 ../shared/bench/gen_park.py --enterprises 100000 --seed 42 --out /work/scratch/100000`
//! (or point `PARKPLAN_BENCH_SCENE` at another folder). Without it the benchmark is
//! skipped. Run: `cargo bench --bench ui_frame`.
// criterion_main! generates an undocumented `main`.
#![allow(missing_docs)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui::{self, Event, PointerButton, Pos2, RawInput, Rect, pos2, vec2};
use parkplan::ui::command::Command;
use parkplan::ui::settings::Settings;
use parkplan::ui::{App, fonts};
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

/// The window: 1600 × 1000 points at 1 pixel per point.
const SCREEN: [f32; 2] = [1600.0, 1000.0];

struct Rig {
    ctx: egui::Context,
    app: App,
    events: Vec<Event>,
    t: f64,
}

impl Rig {
    /// One frame: the app's UI, then tessellation. Returns the vertex count.
    fn frame(&mut self) -> usize {
        self.t += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(SCREEN[0], SCREEN[1]))),
            time: Some(self.t),
            events: std::mem::take(&mut self.events),
            ..RawInput::default()
        };
        let app = &mut self.app;
        let mut out = self.ctx.run_ui(input, |ui| app.show(ui));
        let prims = self
            .ctx
            .tessellate(std::mem::take(&mut out.shapes), out.pixels_per_point);
        out.textures_delta.clear();
        prims
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                _ => 0,
            })
            .sum()
    }

    /// Runs frames until the map shows its first tile (the first full view); the
    /// analyses may still be running.
    fn first_view(&mut self) {
        let start = Instant::now();
        loop {
            self.frame();
            let s = &self.app;
            if !s.is_loading() && s.map_state().tile.is_some() {
                break;
            }
            if start.elapsed() > Duration::from_secs(300) {
                panic!("the scene never showed a map");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Runs frames until the view is covered by a tile at its resolution (after a zoom:
    /// the view-only tile drawn first). Returns that tile's build time on the worker (s)
    /// and whether it was the view-only one.
    fn view_covered(&mut self) -> (f64, bool) {
        let start = Instant::now();
        loop {
            self.frame();
            let m = self.app.map_state();
            if let Some(t) = m.tile.as_ref().filter(|t| {
                t.key.resolution == m.view.resolution
                    && parkplan::ui::map::canvas::tile_covers(&t.view, &m.view)
            }) {
                return (t.seconds, t.margin < parkplan::ui::map::canvas::TILE_MARGIN);
            }
            if start.elapsed() > Duration::from_secs(300) {
                panic!("the zoomed view was never drawn");
            }
            // About the desktop's pace while a tile is drawn (it repaints every 30 ms, and
            // at once when the tile is done): frames back to back would take a core from
            // the worker.
            std::thread::sleep(Duration::from_millis(16));
        }
    }

    /// Runs frames until the park is loaded, analysed and drawn.
    fn settle(&mut self) {
        let start = Instant::now();
        loop {
            self.frame();
            let s = &self.app;
            let m = s.map_state();
            let ready = !s.is_loading()
                && m.tile
                    .as_ref()
                    .is_some_and(|t| t.key.resolution == m.view.resolution)
                && !m.is_drawing()
                && s.session()
                    .is_some_and(|x| !x.index_pending() && !x.ws.studies.is_computing())
                && s.session().is_some_and(|x| x.ws.studies.results.is_some());
            if ready {
                break;
            }
            if start.elapsed() > Duration::from_secs(300) {
                panic!("the scene never finished loading");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // A few more frames so layout settles.
        for _ in 0..3 {
            self.frame();
        }
    }
}

fn bench_frames(c: &mut Criterion) {
    let Some(dir) = scene_dir() else {
        eprintln!("ui_frame bench skipped: no scene (see benches/ui_frame.rs)");
        return;
    };
    let ctx = egui::Context::default();
    fonts::install_bundled(&ctx);
    let settings = Settings {
        lang: Some(parkplan::model::Lang::Zh),
        ..Settings::default()
    };
    let mut rig = Rig {
        ctx,
        app: App::with_settings(settings, vec![dir.clone()]),
        events: Vec::new(),
        t: 0.0,
    };
    let scene = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let t0 = Instant::now();
    rig.first_view();
    eprintln!(
        "{scene}: first full view drawn {:.2?} after opening; {}",
        t0.elapsed(),
        memory()
    );
    rig.settle();
    eprintln!(
        "{scene}: loaded, analysed and drawn in {:.2?}; {}",
        t0.elapsed(),
        memory()
    );

    // The zoom sequence a planner takes with the wheel: whole park → ×2 four times
    // (1:50,000 … 1:6,500 on the 1M scene) → back out, twice: for each step, the worker's
    // time until the new view's detail is drawn, the wall time, and the resident size
    // (which should not grow with the zooms visited).
    for round in 0..2 {
        rig.app.send(Command::ZoomAll);
        rig.settle();
        for factor in [2.0, 2.0, 2.0, 2.0, 0.5, 0.5, 0.5, 0.5] {
            let t = Instant::now();
            let cpu = process::cpu_seconds().unwrap_or_default();
            rig.app.send(Command::ZoomBy(factor));
            let (first, visible_only) = rig.view_covered();
            let (first_wall, first_cpu) = (
                t.elapsed(),
                process::cpu_seconds().unwrap_or_default() - cpu,
            );
            rig.settle();
            let m = rig.app.map_state();
            eprintln!(
                "{scene}: zoom sequence round {round}: 1:{:.0}, view covered at the new scale {:.0?} after the zoom ({:.2} s of CPU), by a {} tile built in {:.0} ms on the worker",
                m.view.scale_denominator(),
                first_wall,
                first_cpu,
                if visible_only { "view-only" } else { "full" },
                first * 1000.0,
            );
            eprintln!(
                "{scene}: zoom sequence round {round}: 1:{:.0}, detail drawn {:.0?} after the zoom, tile built in {:.0} ms on the worker ({:.2} s of CPU); {}",
                m.view.scale_denominator(),
                t.elapsed(),
                m.tile.as_ref().map_or(0.0, |t| t.seconds * 1000.0),
                process::cpu_seconds().unwrap_or_default() - cpu,
                memory()
            );
        }
    }

    // Zooming on while the last zoom's full tile is still being drawn (a planner turning
    // the wheel in steps): each step is taken as soon as the view-only tile of the one
    // before covers the view; the time until the new view is covered at its scale.
    for round in 0..2 {
        rig.app.send(Command::ZoomAll);
        rig.settle();
        rig.app.send(Command::ZoomBy(2.0));
        rig.view_covered();
        for _ in 0..3 {
            let drawing = rig.app.map_state().is_drawing();
            let t = Instant::now();
            let cpu = process::cpu_seconds().unwrap_or_default();
            rig.app.send(Command::ZoomBy(2.0));
            let (first, visible_only) = rig.view_covered();
            eprintln!(
                "{scene}: zoom on while drawing round {round}: 1:{:.0}, view covered at the new scale {:.0?} after the zoom ({:.2} s of CPU; a tile was being drawn at the zoom: {drawing}), by a {} tile built in {:.0} ms on the worker",
                rig.app.map_state().view.scale_denominator(),
                t.elapsed(),
                process::cpu_seconds().unwrap_or_default() - cpu,
                if visible_only { "view-only" } else { "full" },
                first * 1000.0,
            );
        }
        rig.settle();
    }

    // Until 1:13,000 or closer (each wheel step halves the scale), timing how long each
    // zoomed view takes until its detail is drawn (the tile built on the worker).
    for (name, closer_than) in [("full view", f64::INFINITY), ("1:13000", 13_000.0)] {
        rig.app.send(Command::ZoomAll);
        rig.settle();
        while rig.app.map_state().view.scale_denominator() > closer_than {
            let t = Instant::now();
            rig.app.send(Command::ZoomBy(2.0));
            rig.settle();
            eprintln!(
                "{scene}: zoomed to 1:{:.0}, detail drawn {:.0?} after the zoom (tile built in {:.0} ms on the worker); {}",
                rig.app.map_state().view.scale_denominator(),
                t.elapsed(),
                rig.app
                    .map_state()
                    .tile
                    .as_ref()
                    .map_or(0.0, |t| t.seconds * 1000.0),
                memory()
            );
        }
        rig.settle();
        let tile = rig.app.map_state().tile.clone();
        if let Some(t) = &tile {
            eprintln!(
                "{name}: scale 1:{:.0}; tile {} vertices, {} labels, built in {:.0} ms on a worker",
                rig.app.map_state().view.scale_denominator(),
                t.vertices,
                t.labels.len(),
                t.seconds * 1000.0
            );
        }
        // Grab the map in its middle and drag it back and forth by 3 points a frame.
        let rect = rig
            .app
            .map_state()
            .rect
            .unwrap_or(Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)));
        let mut p = rect.center();
        rig.events.push(Event::PointerMoved(p));
        rig.frame();
        rig.events.push(Event::PointerButton {
            pos: p,
            button: PointerButton::Primary,
            pressed: true,
            modifiers: Default::default(),
        });
        rig.frame();
        let mut dir = 1.0;
        let mut n = 0u32;
        let mut vertices = 0;
        c.bench_function(
            &format!("ui frame while panning, scene {scene}, {name}"),
            |b| {
                b.iter(|| {
                    n += 1;
                    if n.is_multiple_of(40) {
                        dir = -dir;
                    }
                    p = pos2(p.x + 3.0 * dir, p.y + 1.0 * dir);
                    rig.events.push(Event::PointerMoved(p));
                    vertices = rig.frame();
                })
            },
        );
        eprintln!(
            "{scene} {name}: {vertices} vertices tessellated per frame; {}",
            memory()
        );
        rig.events.push(Event::PointerButton {
            pos: p,
            button: PointerButton::Primary,
            pressed: false,
            modifiers: Default::default(),
        });
        rig.frame();
    }
}

/// The process's resident set and its peak so far, and the CPU time it has used (all
/// threads: on a machine shared with other work, a steadier measure of the work done
/// than the wall clock), in words (Linux; 0 elsewhere).
fn memory() -> String {
    format!(
        "resident {} MB (peak {} MB), {:.1} s of CPU",
        process::resident_mb().unwrap_or_default(),
        process::peak_resident_mb().unwrap_or_default(),
        process::cpu_seconds().unwrap_or_default()
    )
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(8));
    targets = bench_frames
}
criterion_main!(benches);
