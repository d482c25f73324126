//! Criterion benchmarks of editing and saving a big park (issue #6): what one edit costs
//! on the UI thread (apply through the history, which rebuilds the records; re-project
//! the edited layer for drawing), what saving and autosaving an edited layer cost, and
//! what the attribute table's filter and sort cost.
//!
//! Scenes are read from `$PARKPLAN_SCENES/<N>/` (gen_park.py output, as for the analysis
//! benchmarks); missing scenes are skipped with a note. Run:
//! `PARKPLAN_SCENES=/work/scratch cargo bench --bench edit --no-default-features`.
// criterion_main! generates an undocumented `main`.
#![allow(missing_docs)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Geometry, Point};
use parkplan::model::rows::{SortKey, row_order};
use parkplan::model::{Edit, History, Role};
use parkplan::project::{self, ProjectFile};
use parkplan::render::ProjectedPark;

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
        let Ok(loaded) = project::open_paths(std::slice::from_ref(&dir), None) else {
            continue;
        };
        let mut park = loaded.loaded.park;
        let Some(li) = park.layers.iter().position(|l| l.role == Role::Enterprises) else {
            continue;
        };
        let mut g = c.benchmark_group(format!("edit_n{n}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(4));

        // Moving one enterprise: apply and undo (each rebuilds the records).
        let before = park.layers[li].geometries[0].clone();
        let mut history = History::new();
        g.bench_function("move_point_apply_and_undo", |b| {
            b.iter(|| {
                let e = Edit::SetGeometry {
                    layer: li,
                    index: 0,
                    before: before.clone(),
                    after: Some(Geometry::Point(Point::new(112.33, 30.31))),
                };
                let _ = history.apply(&mut park, e);
                let _ = history.undo(&mut park);
                park.enterprises.len()
            })
        });

        // Renaming one enterprise and undoing it (the attribute form): one cell of the
        // name column replaced (the column is not copied) and its record refreshed.
        if let Some(col) = park.layers[li]
            .fields
            .get(&parkplan::model::Field::Name)
            .cloned()
        {
            let old = park.layers[li].attributes.get(0, &col).to_json_value();
            g.bench_function("rename_enterprise_apply_and_undo", |b| {
                b.iter(|| {
                    let e = Edit::SetAttribute {
                        layer: li,
                        index: 0,
                        key: col.clone(),
                        before: old.clone(),
                        after: Some(serde_json::json!("荆州新名称有限公司")),
                    };
                    let _ = history.apply(&mut park, e);
                    let _ = history.undo(&mut park);
                    park.enterprises.len()
                })
            });
        }

        // Moving one bus stop: only the stop records are rebuilt.
        if let Some(si) = park.layers.iter().position(|l| l.role == Role::BusStops) {
            let before = park.layers[si].geometries[0].clone();
            g.bench_function("move_stop_apply_and_undo", |b| {
                b.iter(|| {
                    let e = Edit::SetGeometry {
                        layer: si,
                        index: 0,
                        before: before.clone(),
                        after: Some(Geometry::Point(Point::new(112.33, 30.31))),
                    };
                    let _ = history.apply(&mut park, e);
                    let _ = history.undo(&mut park);
                    park.stops.len()
                })
            });
        }

        // Re-projecting the edited layer for drawing.
        let Ok(mut projected) = ProjectedPark::new(&park) else {
            continue;
        };
        // What the desktop does on the UI thread for one moved enterprise (issue #14):
        // the edit through the history (its record refreshed in place), its planar copy
        // and tree entry replaced; then the same for the undo.
        let move_and_back =
            |park: &mut parkplan::model::Park, history: &mut History, pp: &mut ProjectedPark| {
                let e = Edit::SetGeometry {
                    layer: li,
                    index: 0,
                    before: before.clone(),
                    after: Some(Geometry::Point(Point::new(112.33, 30.31))),
                };
                let _ = history.apply(park, e);
                pp.update_features(park, li, &[0]);
                let _ = history.undo(park);
                pp.update_features(park, li, &[0]);
            };
        g.bench_function("move_point_apply_undo_and_redraw_data", |b| {
            b.iter(|| {
                move_and_back(&mut park, &mut history, &mut projected);
                park.enterprises.len()
            })
        });
        // The same while a worker still draws from the planar copy: the edited layer is
        // copied first (what `Arc::make_mut` does then).
        g.bench_function("move_point_while_a_worker_draws", |b| {
            b.iter(|| {
                let Ok(mut shared) = projected.shared_copy() else {
                    return 0;
                };
                move_and_back(&mut park, &mut history, &mut shared);
                shared.layers.len()
            })
        });
        g.bench_function("reproject_edited_layer", |b| {
            b.iter(|| {
                projected.update_layer(&park, li);
                projected.layers.len()
            })
        });

        // The attribute table's row order (on the UI thread when the filter or sort
        // changes): a name filter, and a sort by the name column.
        let layer = &park.layers[li];
        g.bench_function("table_filter_name", |b| {
            b.iter(|| row_order(layer, "荆州", SortKey::Row, true).len())
        });
        g.bench_function("table_filter_no_match", |b| {
            b.iter(|| row_order(layer, "no such enterprise", SortKey::Row, true).len())
        });
        if let Some(c) = layer.attributes.column_index("name") {
            g.bench_function("table_sort_by_name", |b| {
                b.iter(|| row_order(layer, "", SortKey::Attr(c), true).len())
            });
        }

        // A copy of the park (what an edit costs when a worker still holds the park).
        g.bench_function("clone_park", |b| b.iter(|| park.clone().layers.len()));

        // Saving the project with the edited layer, and the autosave of it.
        let out = std::env::temp_dir().join(format!("parkplan-bench-edit-{n}"));
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::create_dir_all(&out);
        let ppath = out.join("p.parkplan");
        let pf = ProjectFile {
            parkplan_project: project::PROJECT_VERSION,
            gtfs: Default::default(),
            name: "bench".into(),
            layers: project::describe_layers(&park, &ppath, &[]),
            analysis: Default::default(),
            network: Default::default(),
            reach: Default::default(),
            view: None,
            print: serde_json::Value::Null,
        };
        let map: Vec<usize> = (0..park.layers.len()).collect();
        let edited: BTreeSet<usize> = [li].into_iter().collect();
        g.bench_function("write_recovery_edited_layer", |b| {
            let rec = out.join("p.parkplan.autosave");
            b.iter(|| project::write_recovery(&pf, &park, &map, &edited, &out, &rec).is_ok())
        });
        g.bench_function("save_project_edited_layer", |b| {
            b.iter(|| {
                let mut pf = pf.clone();
                let mut p = park.clone();
                project::save_project(&mut pf, &mut p, &map, &edited, &ppath).is_ok()
            })
        });
        let _ = std::fs::remove_dir_all(&out);
        g.finish();
    }
}

criterion_group!(edit, benches);
criterion_main!(edit);
