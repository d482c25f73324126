//! Criterion benchmarks of reading GeoJSON (issue #14, Load): the hand-written feature
//! parser against serde alone, per feature (one thread) and for a whole file (streamed,
//! parallel, through to the layer).
//!
//! Beside the whole-file read, `sonic_rs_dom` parses the same file into sonic-rs's
//! document tree (a SIMD JSON parser, one thread; the file read included, as ours): what
//! the fastest general parser costs before any column, geometry or check is built — a
//! floor for the reader. Run with `RAYON_NUM_THREADS=1` to set it against our reader on
//! one core.
//!
//! Scenes are read from `$PARKPLAN_SCENES/<N>/` (made with `python3
//! ../shared/bench/gen_park.py --enterprises N --seed 42 --out $PARKPLAN_SCENES/N`); without
//! them the bundled sample map is used. Run:
//! `PARKPLAN_SCENES=/work/scratch/analysis cargo bench --bench load --no-default-features`.
// criterion_main! generates an undocumented `main`.
#![allow(missing_docs)]

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use parkplan::import::json::{self, FeatureEntry, FeatureList, JsonParser};
use parkplan::import::{LayerOptions, read_layer_file_with};
use sonic_rs::{JsonContainerTrait, JsonValueTrait};

/// The files to read: the 100k scene's enterprises and parcels, else the sample map's.
fn files() -> Vec<(String, PathBuf)> {
    let scene = std::env::var_os("PARKPLAN_SCENES")
        .map(|b| PathBuf::from(b).join("100000"))
        .filter(|d| d.join("enterprises.geojson").is_file());
    let (dir, names) = match scene {
        Some(d) => (d, ["enterprises.geojson", "parcels.geojson"]),
        None => {
            eprintln!("PARKPLAN_SCENES/100000 missing: the sample map is read instead");
            (
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/jingzhou-etdz"),
                ["企业.geojson", "地块.geojson"],
            )
        }
    };
    ["enterprises", "parcels"]
        .iter()
        .zip(names)
        .map(|(n, f)| (n.to_string(), dir.join(f)))
        .filter(|(_, p)| p.is_file())
        .collect()
}

fn benches(c: &mut Criterion) {
    for (name, path) in files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(top) = json::parse_top_level(&text) else {
            continue;
        };
        let Some(FeatureList::Array(features)) = top.features else {
            continue;
        };
        let raws: Vec<&str> = features.iter().map(|f| f.get()).collect();
        let bytes: usize = raws.iter().map(|r| r.len()).sum();
        let fast = raws.iter().filter(|r| json::takes_fast_path(r)).count();
        eprintln!(
            "{name}: {} features, {fast} on the fast path, {bytes} bytes",
            raws.len()
        );

        // The root scanner that splits the features (serial, in the streaming reader).
        let mut g = c.benchmark_group(format!("scan_{name}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(5))
            .throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function("root_scanner", |b| {
            b.iter(|| {
                let mut sc = json::RootScanner::new();
                let (mut pos, mut n) = (0usize, 0usize);
                loop {
                    match sc.next(text.as_bytes(), &mut pos, true) {
                        json::ScanEvent::Feature(_) => n += 1,
                        json::ScanEvent::Member { .. } => {}
                        _ => break n,
                    }
                }
            })
        });
        g.finish();

        let mut g = c.benchmark_group(format!("parse_{name}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(5))
            .throughput(Throughput::Bytes(bytes as u64));
        for (label, parser) in [("fast", JsonParser::Fast), ("serde", JsonParser::Serde)] {
            g.bench_function(label, |b| {
                b.iter(|| {
                    raws.iter()
                        .filter(|r| {
                            matches!(
                                json::parse_feature_with(r, parser),
                                Ok(FeatureEntry::Feature(_))
                            )
                        })
                        .count()
                })
            });
        }
        g.finish();

        let mut g = c.benchmark_group(format!("read_{name}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(8));
        let opts = LayerOptions::default();
        for (label, parser) in [("fast", JsonParser::Fast), ("serde", JsonParser::Serde)] {
            g.bench_function(label, |b| {
                b.iter(|| read_layer_file_with(&path, &opts, None, parser).map(|(l, _)| l.len()))
            });
        }
        g.bench_function("sonic_rs_dom", |b| {
            b.iter(|| {
                let bytes = std::fs::read(&path).ok()?;
                let doc: sonic_rs::Value = sonic_rs::from_slice(&bytes).ok()?;
                doc.get("features")
                    .and_then(|f| f.as_array().map(|a| a.len()))
            })
        });
        g.finish();
    }
}

criterion_group!(load, benches);
criterion_main!(load);
