//! Criterion benchmarks of the red-line overlay (issue #13): a synthetic park of
//! jittered ~150 m parcels around Jingzhou and seeded random quadrilateral farmland
//! zones of 100–400 m, the same shapes `benches/compare_ledger.py bench` writes for the
//! geopandas peer. Run: `cargo bench --bench ledger --no-default-features`.
// criterion_main! generates an undocumented `main`.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use parkplan::analysis::{build, constraints};
use parkplan::model::{ApprovalStatus, Park};

/// A small linear congruential generator: the same scene on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.next()
    }
}

fn scene(parcels: usize, zones: usize) -> Park {
    let mut rng = Lcg(42);
    let mut park = Park::default();
    let side = (parcels as f64).sqrt().ceil() as usize;
    let (dx, dy) = (0.0016, 0.0014);
    for i in 0..parcels {
        let x0 = 112.0 + (i % side) as f64 * dx;
        let y0 = 30.0 + (i / side) as f64 * dy;
        let mut j = || rng.range(-0.00005, 0.00005);
        let ring = [
            (x0 + j(), y0 + j()),
            (x0 + dx * 0.95 + j(), y0 + j()),
            (x0 + dx * 0.95 + j(), y0 + dy * 0.95 + j()),
            (x0 + j(), y0 + dy * 0.95 + j()),
        ];
        let mut closed = ring.to_vec();
        closed.push(ring[0]);
        build::add_parcel(
            &mut park,
            &format!("P{i}"),
            Some("M1"),
            ApprovalStatus::Pending,
            &closed,
        );
    }
    let (w, h) = (side as f64 * dx, side as f64 * dy);
    for _ in 0..zones {
        let (cx, cy) = (112.0 + rng.range(0.0, w), 30.0 + rng.range(0.0, h));
        let (rx, ry) = (rng.range(0.001, 0.004), rng.range(0.001, 0.004));
        let mut ring: Vec<(f64, f64)> = (0..4)
            .map(|k| {
                let a = k as f64 * std::f64::consts::FRAC_PI_2 + rng.range(-0.3, 0.3);
                (
                    cx + rx * a.cos() * rng.range(0.7, 1.3),
                    cy + ry * a.sin() * rng.range(0.7, 1.3),
                )
            })
            .collect();
        ring.push(ring[0]);
        build::add_constraint(&mut park, "永久基本农田", &ring);
    }
    park
}

fn benches(c: &mut Criterion) {
    for (parcels, zones) in [(10_000usize, 1_000usize), (100_000, 10_000)] {
        let park = scene(parcels, zones);
        let mut g = c.benchmark_group(format!("overlay_{parcels}_parcels_{zones}_zones"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(if parcels >= 100_000 { 20 } else { 5 }));
        g.bench_function("overlay", |b| {
            b.iter(|| constraints::overlay(&park, &constraints::OverlaySettings::default()))
        });
        g.finish();
    }
}

criterion_group!(ledger_benches, benches);
criterion_main!(ledger_benches);
