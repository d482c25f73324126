//! Planning projects: save → open gives the same model, styles and settings; edits
//! survive through the project's data folder; source files are never written over.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use geo::{Geometry, Point};
use parkplan::model::{Edit, FeatureData, FeatureId, History, Role};
use parkplan::project::{self, ProjectFile, SavedView};
use parkplan::render::style::LayerStyle;

use crate::common;

fn copy_sample(tag: &str) -> PathBuf {
    let dir = crate::common::scratch().join(format!("parkplan-project-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(common::sample_dir()).unwrap().flatten() {
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

fn hash_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn project_round_trip_with_an_edit_keeps_everything() {
    let dir = copy_sample("rt");
    let before_sources = hash_dir(&dir);
    let loaded = common::load(&[&dir]);
    let mut park = loaded.park;
    let ppath = dir.join("规划.parkplan");

    // Styles: the default for each layer, with one changed.
    let mut styles: Vec<(usize, bool, Option<LayerStyle>)> = park
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| (i, true, Some(LayerStyle::default_for(l))))
        .collect();
    styles[0].1 = false;
    if let Some(s) = &mut styles[1].2 {
        s.opacity = 0.42;
    }
    let mut settings = parkplan::analysis::AnalysisSettings::default();
    settings.set_radius("kindergarten=350").unwrap();
    settings.catchment_m = 600.0;
    let mut pf = ProjectFile {
        parkplan_project: project::PROJECT_VERSION,
        gtfs: Default::default(),
        name: "荆州经开区规划".into(),
        layers: project::describe_layers(&park, &ppath, &styles),
        analysis: settings.clone(),
        network: Default::default(),
        reach: [(
            "kindergarten".to_string(),
            parkplan::analysis::ReachChoice {
                isochrone: true,
                spec: parkplan::analysis::IsochroneSpec {
                    mode: parkplan::network::TravelMode::Walk,
                    minutes: 5.0,
                },
            },
        )]
        .into(),
        view: Some(SavedView {
            centre_lon_lat: [112.35, 30.32],
            metres_per_pixel: 6.0,
        }),
        print: serde_json::json!({"paper": "A3", "title": "KW6公交微循环线路覆盖图"}),
    };
    assert!(
        pf.layers.iter().all(|l| !project::is_outside(&l.path)),
        "paths are relative"
    );

    // Add a proposed stop to KW6.
    let stops = park
        .layers
        .iter()
        .position(|l| l.role == Role::BusStops)
        .unwrap();
    let kw6_before = park.stops_of_route("KW6").count();
    let mut history = History::new();
    let n = park.layers[stops].len();
    history
        .apply(
            &mut park,
            Edit::AddFeature {
                layer: stops,
                index: n,
                feature: FeatureData {
                    id: Some(FeatureId::Str("ZD-KW6-NEW".into())),
                    geometry: Some(Geometry::Point(Point::new(112.3300, 30.3100))),
                    properties: vec![
                        ("站点名称".into(), serde_json::json!("拟建经开大道站")),
                        ("线路".into(), serde_json::json!("KW6")),
                        ("序号".into(), serde_json::json!(84)),
                    ],
                    extras: None,
                },
            },
        )
        .unwrap();
    let edited: BTreeSet<usize> = history.edited_layers();
    let map: Vec<usize> = (0..park.layers.len()).collect();
    project::save_project(&mut pf, &mut park, &map, &edited, &ppath).unwrap();
    history.mark_saved();
    assert!(!history.is_dirty());

    // The survey files are untouched; the edit lives in the data folder.
    assert_eq!(hash_dir(&dir), {
        let mut v = before_sources.clone();
        v.push(("规划.parkplan".into(), std::fs::read(&ppath).unwrap()));
        v.sort();
        v
    });
    assert!(project::data_dir(&ppath).is_dir());

    // Reopen.
    let opened = project::open_project(&ppath, false, None).unwrap();
    assert!(opened.outside.is_empty());
    assert_eq!(opened.loaded.files_failed, 0);
    let p2 = &opened.loaded.park;
    assert_eq!(p2.stops_of_route("KW6").count(), kw6_before + 1);
    assert!(
        p2.stops
            .iter()
            .any(|s| s.name == "拟建经开大道站" && s.seq == Some(84))
    );
    assert_eq!(opened.project.analysis, settings);
    assert_eq!(opened.project.reach, pf.reach);
    assert_eq!(opened.project.view, pf.view);
    assert_eq!(opened.project.print["title"], "KW6公交微循环线路覆盖图");
    assert!(!opened.project.layers[0].visible);
    assert_eq!(
        opened.project.layers[1].style.as_ref().unwrap().opacity,
        0.42
    );
    assert_eq!(opened.project.layers.len(), park.layers.len());
    for (a, b) in park.layers.iter().zip(&p2.layers) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.len(), b.len(), "{}", a.name);
        assert_eq!(a.role, b.role);
    }
    assert_eq!(p2.enterprises.len(), park.enterprises.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_layer_is_reported_and_the_rest_opens() {
    let dir = copy_sample("missing");
    let loaded = common::load(&[&dir]);
    let ppath = dir.join("p.parkplan");
    let mut pf = ProjectFile {
        parkplan_project: 1,
        gtfs: Default::default(),
        name: "p".into(),
        layers: project::describe_layers(&loaded.park, &ppath, &[]),
        analysis: Default::default(),
        network: Default::default(),
        reach: Default::default(),
        view: None,
        print: serde_json::Value::Null,
    };
    pf.layers.push(project::ProjectLayer {
        path: "../elsewhere/外部.geojson".into(),
        original: None,
        name: "外部".into(),
        role: Role::Other,
        fields: Default::default(),
        crs: None,
        gcj02: false,
        datum_shift: None,
        part: None,
        visible: true,
        style: None,
    });
    pf.write(&ppath).unwrap();
    std::fs::remove_file(dir.join("企业.geojson")).unwrap();
    let opened = project::open_project(&ppath, false, None).unwrap();
    assert_eq!(opened.loaded.files_failed, 1);
    assert!(
        opened
            .loaded
            .report
            .problems
            .iter()
            .any(|p| p.file.ends_with("企业.geojson"))
    );
    assert_eq!(
        opened.loaded.park.layers.len(),
        loaded.park.layers.len() - 1
    );
    assert_eq!(
        opened.outside.len(),
        1,
        "the outside path is listed, not followed"
    );
    // The CLI accepts the project too, with the same result.
    let via_paths = common::open(&[&ppath]);
    assert_eq!(
        via_paths.loaded.park.layers.len(),
        opened.loaded.park.layers.len()
    );
    assert!(via_paths.project.is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

fn stops_layer(park: &parkplan::model::Park) -> usize {
    park.layers
        .iter()
        .position(|l| l.role == Role::BusStops)
        .unwrap()
}

fn project_for(park: &parkplan::model::Park, ppath: &Path) -> ProjectFile {
    ProjectFile {
        parkplan_project: project::PROJECT_VERSION,
        gtfs: Default::default(),
        name: "p".into(),
        layers: project::describe_layers(park, ppath, &[]),
        analysis: Default::default(),
        network: Default::default(),
        reach: Default::default(),
        view: None,
        print: serde_json::Value::Null,
    }
}

fn move_first(park: &mut parkplan::model::Park, h: &mut History, layer: usize, to: (f64, f64)) {
    let before = park.layers[layer].geometries[0].clone();
    h.apply(
        park,
        Edit::SetGeometry {
            layer,
            index: 0,
            before,
            after: Some(Geometry::Point(Point::new(to.0, to.1))),
        },
    )
    .unwrap();
}

#[test]
fn saving_twice_writes_over_the_projects_own_copy_not_the_survey() {
    let dir = copy_sample("twice");
    let survey = std::fs::read(dir.join("公交站点.geojson")).unwrap();
    let mut park = common::load(&[&dir]).park;
    let ppath = dir.join("两次.parkplan");
    let mut pf = project_for(&park, &ppath);
    let map: Vec<usize> = (0..park.layers.len()).collect();
    let li = stops_layer(&park);
    let mut h = History::new();
    move_first(&mut park, &mut h, li, (112.3301, 30.3101));
    project::save_project(&mut pf, &mut park, &map, &h.edited_layers(), &ppath).unwrap();
    h.mark_saved();
    let copy = park.layers[li].source.path.clone().unwrap();
    assert!(copy.starts_with(project::data_dir(&ppath)), "{copy:?}");
    // A second edit and save: the copy is rewritten (it is ParkPlan's own file).
    move_first(&mut park, &mut h, li, (112.3302, 30.3102));
    project::save_project(&mut pf, &mut park, &map, &h.edited_layers(), &ppath).unwrap();
    assert_eq!(park.layers[li].source.path.as_ref(), Some(&copy));
    assert_eq!(
        pf.layers[li].original.as_deref(),
        Some("公交站点.geojson"),
        "the survey file stays recorded as the original"
    );
    assert!(parkplan::save::backup_path(&ppath).is_file());
    assert_eq!(std::fs::read(dir.join("公交站点.geojson")).unwrap(), survey);
    let opened = project::open_project(&ppath, false, None).unwrap();
    let g = opened.loaded.park.layers[li].geometries[0].clone().unwrap();
    let Geometry::Point(p) = g else {
        panic!("a point")
    };
    assert!((p.x() - 112.3302).abs() < 1e-9 && (p.y() - 30.3102).abs() < 1e-9);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn layers_with_the_same_name_get_their_own_copies() {
    let dir = copy_sample("samename");
    let mut park = common::load(&[&dir]).park;
    let li = stops_layer(&park);
    let mut twin = park.layers[li].clone();
    twin.source.path = Some(dir.join("elsewhere.geojson"));
    park.layers.push(twin);
    park.rebuild_records();
    let ppath = dir.join("p.parkplan");
    let mut pf = project_for(&park, &ppath);
    let map: Vec<usize> = (0..park.layers.len()).collect();
    let mut h = History::new();
    let last = park.layers.len() - 1;
    move_first(&mut park, &mut h, li, (112.31, 30.31));
    move_first(&mut park, &mut h, last, (112.32, 30.32));
    project::save_project(&mut pf, &mut park, &map, &h.edited_layers(), &ppath).unwrap();
    let a = park.layers[li].source.path.clone().unwrap();
    let b = park.layers[last].source.path.clone().unwrap();
    assert_ne!(a, b, "two layers named alike must not share one file");
    assert!(a.is_file() && b.is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Crash recovery is one more way in: the recovery of a saved project lies beside it and
/// travels with its folder, so its layer paths outside that folder wait for consent
/// exactly as opening the project does.
#[test]
fn a_saved_projects_recovery_asks_about_outside_layers_like_the_project() {
    let dir = copy_sample("recout");
    let elsewhere = copy_sample("recout-elsewhere");
    let mut park = common::load(&[&dir]).park;
    let ppath = dir.join("p.parkplan");
    let mut pf = project_for(&park, &ppath);
    let mut outside = pf.layers[0].clone();
    outside.name = "外部".into();
    outside.path = elsewhere.join(&pf.layers[0].path).display().to_string();
    pf.layers.push(outside);
    let map: Vec<usize> = (0..park.layers.len()).collect();
    project::save_project(&mut pf, &mut park, &map, &Default::default(), &ppath).unwrap();
    let rec = project::recovery_path(&ppath);
    project::write_recovery(&pf, &park, &map, &Default::default(), &dir, &rec).unwrap();

    let as_project = project::open_project(&ppath, false, None).unwrap();
    let as_recovery = project::open_recovery(&rec, Some(&ppath), false, None).unwrap();
    assert_eq!(as_project.outside.len(), 1);
    assert_eq!(
        as_recovery.outside, as_project.outside,
        "the recovery lists what the project lists"
    );
    assert_eq!(
        as_recovery.loaded.park.layers.len(),
        as_project.loaded.park.layers.len()
    );
    // With consent the outside layer loads.
    let allowed = project::open_recovery(&rec, Some(&ppath), true, None).unwrap();
    assert!(allowed.outside.is_empty());
    assert_eq!(allowed.loaded.park.layers.len(), park.layers.len() + 1);
    // A never-saved project's recovery (in the app's own folder) has no project folder:
    // its layers, all opened by the user, are followed.
    let storage = dir.join("storage");
    std::fs::create_dir_all(&storage).unwrap();
    let unsaved = storage.join("unsaved.parkplan.autosave");
    project::write_recovery(&pf, &park, &map, &Default::default(), &dir, &unsaved).unwrap();
    let own = project::open_recovery(&unsaved, None, false, None).unwrap();
    assert!(own.outside.is_empty());
    assert_eq!(own.loaded.park.layers.len(), park.layers.len() + 1);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[test]
fn a_recovery_copy_leaves_the_saved_project_alone_and_reopens() {
    let dir = copy_sample("recovery");
    let storage = dir.join("storage");
    std::fs::create_dir_all(&storage).unwrap();
    let mut park = common::load(&[&dir]).park;
    let ppath = dir.join("p.parkplan");
    let mut pf = project_for(&park, &ppath);
    let map: Vec<usize> = (0..park.layers.len()).collect();
    project::save_project(&mut pf, &mut park, &map, &Default::default(), &ppath).unwrap();
    let saved = std::fs::read(&ppath).unwrap();
    let sources = hash_dir(&dir);
    let li = stops_layer(&park);
    let mut h = History::new();
    move_first(&mut park, &mut h, li, (112.3333, 30.3333));
    let rec = storage.join("unsaved.parkplan.autosave");
    project::write_recovery(&pf, &park, &map, &h.edited_layers(), &dir, &rec).unwrap();
    // Nothing the user saved changed, and the park still reads from the survey file.
    assert_eq!(std::fs::read(&ppath).unwrap(), saved);
    assert_eq!(hash_dir(&dir), sources);
    assert_eq!(
        park.layers[li].source.path.as_deref(),
        Some(dir.join("公交站点.geojson").as_path())
    );
    assert!(project::recovery_data_dir(&rec).is_dir());
    // Its layer paths leave the storage folder (they are absolute), so opening it needs
    // the caller's consent; with it, the edit is there.
    let refused = project::open_project(&rec, false, None).unwrap();
    assert_eq!(refused.outside.len(), park.layers.len() - 1);
    let opened = project::open_project(&rec, true, None).unwrap();
    assert_eq!(opened.loaded.park.layers.len(), park.layers.len());
    let Some(Geometry::Point(p)) = &opened.loaded.park.layers[li].geometries[0] else {
        panic!("a point")
    };
    assert!((p.x() - 112.3333).abs() < 1e-9);
    project::remove_recovery(&rec);
    assert!(!rec.exists() && !project::recovery_data_dir(&rec).exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unmapped_field_stays_unmapped_through_a_project() {
    let dir = copy_sample("unmapped");
    let park = common::load(&[&dir]).park;
    let ppath = dir.join("p.parkplan");
    let mut pf = project_for(&park, &ppath);
    let li = stops_layer(&park);
    // The guess maps 序号 to seq; the user said no column holds it.
    pf.layers[li].fields.insert("seq".into(), String::new());
    pf.write(&ppath).unwrap();
    let opened = project::open_project(&ppath, false, None).unwrap();
    let l = &opened.loaded.park.layers[li];
    assert!(
        !l.fields.contains_key(&parkplan::model::Field::Seq),
        "{:?}",
        l.fields
    );
    assert!(l.fields.contains_key(&parkplan::model::Field::Route));
    assert!(
        !opened.loaded.report.problems.iter().any(|p| p
            .message(parkplan::model::Lang::En)
            .contains("mapping names")),
        "no warning about an empty column"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
