//! Criterion benchmarks of site suggestion (issue #15) on gen_park.py scenes: the
//! candidates' coverage, greedy with swaps, and the exact integer programme, at 1k and
//! 10k candidate points (uniform in the enterprises' extent, fixed seed) for new
//! kindergartens (300 m; the scene's kindergartens fixed).
//!
//! Scenes are read from `$PARKPLAN_SCENES/<N>/` (see benches/analysis.rs). Run:
//! `PARKPLAN_SCENES=/work/scratch/analysis cargo bench --bench siting --no-default-features`.
//! The side-by-side with PySAL spopt is `benches/siting_peer.py`.
// criterion_main! generates an undocumented `main`.
#![allow(missing_docs)]

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use parkplan::analysis::siting::{self, Instance, Limits, Method, Weight};
use parkplan::model::FacilityKind;
use parkplan::project;
use parkplan::spatial::ParkIndex;

fn scene(n: usize) -> Option<PathBuf> {
    let base = std::env::var_os("PARKPLAN_SCENES")?;
    let dir = PathBuf::from(base).join(n.to_string());
    dir.join("enterprises.geojson").is_file().then_some(dir)
}

/// `n` points uniform in the extent of the enterprises (xorshift, fixed seed).
fn candidates(index: &ParkIndex, n: usize) -> Vec<[f64; 2]> {
    let pts: Vec<&[f64; 2]> = index
        .enterprise_xy
        .iter()
        .filter(|p| p[0].is_finite())
        .collect();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in pts {
        x0 = x0.min(p[0]);
        y0 = y0.min(p[1]);
        x1 = x1.max(p[0]);
        y1 = y1.max(p[1]);
    }
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| [x0 + (x1 - x0) * next(), y0 + (y1 - y0) * next()])
        .collect()
}

fn benches(c: &mut Criterion) {
    for n in [100_000usize, 10_000] {
        let Some(dir) = scene(n) else {
            eprintln!("scene {n} missing: skipped");
            continue;
        };
        let Ok(opened) = project::open_paths(std::slice::from_ref(&dir), None) else {
            continue;
        };
        let park = opened.loaded.park;
        let Ok(index) = ParkIndex::build_default(&park) else {
            continue;
        };
        let kind = FacilityKind::Kindergarten;
        let r = 300.0;
        let fixed_xy: Vec<[f64; 2]> = park
            .facilities
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == kind)
            .map(|(i, _)| index.facility_xy[i])
            .collect();
        let mut g = c.benchmark_group(format!("siting_n{n}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(10));
        for m in [1_000usize, 10_000] {
            let xy = candidates(&index, m);
            g.bench_function(format!("cover_{m}"), |b| {
                b.iter(|| siting::circle_cover(&index, &xy, r).len())
            });
            let inst = Instance::new(
                Weight::Enterprises.of(&park),
                siting::circle_fixed(&index, &fixed_xy, r),
                siting::circle_cover(&index, &xy, r),
            );
            for method in [Method::Greedy, Method::Exact] {
                g.bench_function(format!("{}_{m}_p5", method.code()), |b| {
                    b.iter(|| {
                        siting::solve(&inst, 5, method, &Limits::default()).map(|s| s.covered_after)
                    })
                });
            }
        }
        g.finish();
    }
}

criterion_group!(siting_benches, benches);
criterion_main!(siting_benches);
