//! One project, one answer: a `.parkplan` with a non-default radius and its own layer
//! styles gives the same radius, coverage and styles in `parkplan-cli report`,
//! `parkplan-cli export` (PDF, SVG, PNG), the workspace the desktop runs on, and the
//! printed focus (what the export dialog composes). The desktop's own window is checked
//! in `tests/ui.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use parkplan::analysis::AreaSettings;
use parkplan::model::{FacilityKind, Lang, Role};
use parkplan::project::{self, ProjectFile};
use parkplan::render::Focus;
use parkplan::workspace::{Overrides, Workspace, no_wake};

use crate::common;

/// The station the issue names, and the radius the project gives its kind.
pub const STATION: &str = "SS-008";
/// The project's radius for community service stations (the default is 500 m).
pub const RADIUS_M: f64 = 2000.0;

/// A copy of the sample with a project that sets the community service stations'
/// radius to 2 km and hides the water layer. Returns the project file's path.
pub fn project_with_radius(tag: &str) -> PathBuf {
    let dir = crate::common::scratch().join(format!("parkplan-ws-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(common::sample_dir()).unwrap().flatten() {
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let loaded = parkplan::project::open_paths(std::slice::from_ref(&dir), None)
        .unwrap()
        .loaded;
    let ppath = dir.join("园区.parkplan");
    let mut layers = project::describe_layers(&loaded.park, &ppath, &[]);
    for l in &mut layers {
        if l.name == WATER {
            l.visible = false;
        }
    }
    let mut analysis = parkplan::analysis::AnalysisSettings::default();
    analysis
        .radii
        .insert(FacilityKind::CommunityServiceStation, RADIUS_M);
    let file = ProjectFile {
        parkplan_project: project::PROJECT_VERSION,
        gtfs: Default::default(),
        name: "半径 2 km".into(),
        layers,
        analysis,
        network: Default::default(),
        reach: BTreeMap::new(),
        view: None,
        print: serde_json::Value::Null,
    };
    file.write(&ppath).unwrap();
    ppath
}

fn cli() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_parkplan-cli"))
}

/// `parkplan-cli export PATH --facility STATION --out FILE` (low DPI: a PNG is quick).
fn export_station(path: &Path, file: &Path) {
    let out = Command::new(cli())
        .arg("export")
        .arg(path)
        .args(["--facility", STATION, "--dpi", "50", "--out"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The sample's water layer, which the project hides.
const WATER: &str = "水系";

#[test]
fn a_projects_radius_and_styles_reach_report_export_and_the_workspace() {
    let ppath = project_with_radius("all");
    let ws = Workspace::open(std::slice::from_ref(&ppath), None, &Overrides::default())
        .expect("the project opens");

    // The workspace: settings resolved from the project.
    assert_eq!(
        ws.settings().radius(FacilityKind::CommunityServiceStation),
        RADIUS_M
    );
    let fi = ws.facility(STATION).expect("the station is there");
    let analysis = ws.analyse_with(&AreaSettings::default()).unwrap();
    let fc = &analysis.coverage.facilities[fi];
    assert_eq!(fc.radius_m, RADIUS_M);
    let covered = fc.covered.len();
    assert!(covered > 0);
    // Styles: the project hid the water layer.
    let water = WATER;
    let water_li = ws.park.layers.iter().position(|l| l.name == water).unwrap();
    assert_eq!(ws.park.layers[water_li].role, Role::Other);
    assert!(!ws.styles.display_of(water_li).unwrap().visible);

    // The map: the studies compute the same coverage and the overlay highlights it.
    let mut ws = ws;
    let projected = std::sync::Arc::new(ws.projected().unwrap());
    ws.studies.set_focus(Focus::Facility(fi as u32));
    let wake = no_wake();
    let start = std::time::Instant::now();
    let park = ws.park.clone();
    let index = ws.index.clone();
    while ws.studies.tick(&wake, &park, index.as_ref(), &projected) {
        assert!(start.elapsed().as_secs() < 60, "the studies never finished");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let results = ws.studies.results.clone().expect("results");
    assert_eq!(results.analysis.coverage.facilities[fi].radius_m, RADIUS_M);
    assert_eq!(ws.studies.overlay.highlighted.len(), covered);

    // The printed focus (what the export dialog composes): same radius, same count.
    let focus = ws
        .map_focus(&projected, Focus::Facility(fi as u32), None, Lang::Zh)
        .unwrap();
    assert_eq!(focus.overlays.highlighted.len(), covered);
    let stats = focus.stats.expect("a statistics table");
    let radius_row = stats
        .rows
        .iter()
        .find(|(k, _)| k == "服务半径")
        .expect("a radius row");
    assert_eq!(radius_row.1, "2.00 km");

    // report --json: the same radius and count for the station.
    let out = Command::new(cli())
        .args(["report", "--json"])
        .arg(&ppath)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let station = j["facilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == STATION)
        .expect("the station in the report");
    assert_eq!(station["radius_m"].as_f64(), Some(RADIUS_M));
    assert_eq!(station["enterprises"].as_array().unwrap().len(), covered);

    // export: SVG, PDF and PNG print the project's radius, and not the hidden layer.
    let dir = ppath.parent().unwrap();
    for ext in ["svg", "pdf", "png"] {
        let file = dir.join(format!("map.{ext}"));
        export_station(&ppath, &file);
        assert!(std::fs::metadata(&file).unwrap().len() > 0);
        if ext == "svg" {
            let svg = std::fs::read_to_string(&file).unwrap();
            assert!(
                svg.contains("服务半径 2.00 km"),
                "the SVG states the project's radius"
            );
            assert!(!svg.contains("服务半径 500 m"));
            assert!(
                svg.contains(&format!(">{covered}<")) || svg.contains(&format!("{covered} 家")),
                "the SVG counts {covered} covered enterprises"
            );
            assert!(
                !svg.contains(&format!(">{water}<")),
                "the hidden layer {water} is not in the legend"
            );
        }
        if ext == "pdf"
            && let Ok(text) = Command::new("pdftotext").arg(&file).arg("-").output()
        {
            // Read back from the PDF itself (poppler-utils; CI installs it).
            let text = String::from_utf8_lossy(&text.stdout);
            assert!(text.contains("2.00 km"), "{text}");
        }
    }
    // Without the project, the defaults: 500 m, and the water layer in the legend.
    let file = dir.join("plain.svg");
    export_station(&common::sample_dir(), &file);
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(svg.contains("服务半径 500 m"));
    assert!(svg.contains(&format!(">{water}<")));
}

#[test]
fn command_line_flags_override_the_project() {
    let ppath = project_with_radius("flags");
    let ws = Workspace::open(
        std::slice::from_ref(&ppath),
        None,
        &Overrides {
            radius: vec!["community_service_station=700".into()],
            catchment: Some("300".into()),
            frame: None,
            as_of: None,
        },
    )
    .unwrap();
    assert_eq!(
        ws.settings().radius(FacilityKind::CommunityServiceStation),
        700.0
    );
    assert_eq!(ws.settings().catchment_m, 300.0);
    // A bad flag is refused before anything loads.
    let bad = Workspace::open(
        &[ppath],
        None,
        &Overrides {
            radius: vec!["pool=3".into()],
            ..Overrides::default()
        },
    );
    assert!(bad.is_err());
}

#[test]
fn paths_with_chinese_characters_and_spaces_work_everywhere() {
    // A copy of the sample in "荆州 经开区 样例/测绘 数据", a project beside it.
    let root = crate::common::scratch().join("荆州 经开区 样例");
    let data = root.join("测绘 数据");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&data).unwrap();
    for e in std::fs::read_dir(common::sample_dir()).unwrap().flatten() {
        std::fs::copy(e.path(), data.join(e.file_name())).unwrap();
    }
    let run = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(cli()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{:?}: {}",
            args,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let info = run(&["info".as_ref(), data.as_os_str()]);
    assert!(info.contains("企业"), "{info}");
    let report = run(&["report".as_ref(), "--json".as_ref(), data.as_os_str()]);
    let j: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(j["facilities"].as_array().map(Vec::len), Some(58));
    let pdf = root.join("输出 地图.pdf");
    run(&[
        "export".as_ref(),
        data.as_os_str(),
        "--route".as_ref(),
        "KW6".as_ref(),
        "--out".as_ref(),
        pdf.as_os_str(),
    ]);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let out = root.join("转换 结果.geojson");
    run(&[
        "convert".as_ref(),
        data.join("企业.geojson").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(std::fs::metadata(&out).unwrap().len() > 0);
    // A project in a Chinese folder opens with its layers.
    let opened = parkplan::project::open_paths(std::slice::from_ref(&data), None).unwrap();
    let ppath = root.join("规划 工程.parkplan");
    let file = ProjectFile {
        parkplan_project: project::PROJECT_VERSION,
        gtfs: Default::default(),
        name: "中文 路径".into(),
        layers: project::describe_layers(&opened.loaded.park, &ppath, &[]),
        analysis: Default::default(),
        network: Default::default(),
        reach: BTreeMap::new(),
        view: None,
        print: serde_json::Value::Null,
    };
    file.write(&ppath).unwrap();
    let ws = Workspace::open(&[ppath], None, &Overrides::default()).unwrap();
    assert_eq!(ws.park.layers.len(), opened.loaded.park.layers.len());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn shared_ids_are_reported_made_unique_and_never_picked_silently() {
    // A GIS export's fid = 0 on every facility.
    let dir = crate::common::scratch().join("parkplan-fid0");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("服务设施.geojson");
    let features: Vec<String> = (0..3)
        .map(|i| {
            format!(
                r#"{{"type":"Feature","properties":{{"fid":0,"名称":"便民服务站{i}","类型":"便民服务站"}},"geometry":{{"type":"Point","coordinates":[112.3{i},30.3]}}}}"#
            )
        })
        .collect();
    std::fs::write(
        &file,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    let ws = Workspace::open(std::slice::from_ref(&file), None, &Overrides::default()).unwrap();
    let ids: Vec<&str> = ws.park.facilities.iter().map(|f| f.id.as_str()).collect();
    if ids.iter().all(|id| !id.starts_with('0')) {
        // The guess did not take `fid` as the id: nothing is shared then.
        return;
    }
    assert_eq!(ids, vec!["0#1", "0#2", "0#3"], "unique and stable");
    assert!(
        ws.report.problems.iter().any(|p| p
            .message(parkplan::model::Lang::En)
            .contains("share their ids")),
        "reported"
    );
    assert!(matches!(
        ws.facility("0"),
        Err(parkplan::workspace::WorkspaceError::Lookup(
            parkplan::workspace::LookupError::Ambiguous { .. }
        ))
    ));
    assert_eq!(ws.facility("0#2").unwrap(), 1);
    // The command line refuses too, listing the candidates.
    let out = Command::new(cli())
        .arg("export")
        .arg(&file)
        .args(["--facility", "0", "--out"])
        .arg(dir.join("x.svg"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("0#1") && err.contains("0#3"), "{err}");
}

#[test]
fn data_spanning_many_utm_zones_is_warned_about() {
    let file = common::write_temp(
        "china",
        "企业.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"名称":"甲"},"geometry":{"type":"Point","coordinates":[73.5,39.4]}},
{"type":"Feature","properties":{"名称":"乙"},"geometry":{"type":"Point","coordinates":[135.1,48.4]}}]}"#,
    );
    let ws = Workspace::open(std::slice::from_ref(&file), None, &Overrides::default()).unwrap();
    assert!(
        ws.report
            .problems
            .iter()
            .any(|p| p.message(parkplan::model::Lang::En).contains("UTM zones")),
        "the analyses' distortion is said"
    );
    let out = Command::new(cli())
        .arg("report")
        .arg(&file)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: the data spans"));
}
