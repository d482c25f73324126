//! Class 4 of issue #12: a file holding several kinds of geometry (a GTFS-to-GeoJSON
//! export: 12 route MultiLineStrings and 50 stop Points) is split by geometry into the
//! roles they fit, the split is reported, and a project remembers which part of the
//! file each layer is.

use std::process::Command;

use parkplan::model::{GeomFamily, Lang, Role};
use serde_json::Value;

use crate::common;

fn gtfs() -> std::path::PathBuf {
    common::data("split/gtfs_export.geojson")
}

#[test]
fn routes_and_stops_in_one_file_become_two_layers_with_their_roles() {
    let opened = common::open(&[&gtfs()]);
    let park = &opened.loaded.park;
    assert_eq!(park.layers.len(), 2, "{:?}", opened.loaded.report);
    let lines = park
        .layers
        .iter()
        .find(|l| l.source.part == Some(GeomFamily::Lines))
        .unwrap();
    let points = park
        .layers
        .iter()
        .find(|l| l.source.part == Some(GeomFamily::Points))
        .unwrap();
    assert_eq!((lines.len(), points.len()), (12, 50));
    assert_eq!(lines.role, Role::BusRoutes, "{}", lines.role_reason);
    assert_eq!(points.role, Role::BusStops, "{}", points.role_reason);
    // Was: 62 stops and 0 routes.
    assert_eq!(park.routes.len(), 12);
    assert_eq!(park.stops.len(), 50);
    // Each part keeps its own columns.
    assert!(lines.attributes.column("stop_name").is_none());
    assert!(points.attributes.column("route_short_name").is_none());
    let split = opened
        .loaded
        .report
        .problems
        .iter()
        .find(|p| p.code() == "split_by_geometry")
        .expect("the split is reported");
    let zh = split.message(Lang::Zh);
    assert!(
        zh.contains("线 12 个 → 公交线路") && zh.contains("点 50 个 → 公交站点"),
        "{zh}"
    );
}

#[test]
fn a_project_reopens_the_same_parts_and_a_manifest_can_name_them() {
    let dir = crate::common::scratch().join("parkplan-split");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("gtfs_export.geojson");
    std::fs::copy(gtfs(), &file).unwrap();
    let opened = common::open(&[&file]);
    let ppath = dir.join("p.parkplan");
    let pf = parkplan::project::ProjectFile {
        parkplan_project: parkplan::project::PROJECT_VERSION,
        gtfs: Default::default(),
        name: "gtfs".into(),
        layers: parkplan::project::describe_layers(
            &opened.loaded.park,
            &ppath,
            &[(0, true, None), (1, true, None)],
        ),
        analysis: Default::default(),
        network: Default::default(),
        reach: Default::default(),
        view: None,
        print: Value::Null,
    };
    pf.write(&ppath).unwrap();
    let text = std::fs::read_to_string(&ppath).unwrap();
    assert!(text.contains("\"part\": \"lines\"") && text.contains("\"part\": \"points\""));
    let re = parkplan::project::open_project(&ppath, false, None).unwrap();
    let parts: Vec<_> = re
        .loaded
        .park
        .layers
        .iter()
        .map(|l| (l.source.part, l.role, l.len()))
        .collect();
    let before: Vec<_> = opened
        .loaded
        .park
        .layers
        .iter()
        .map(|l| (l.source.part, l.role, l.len()))
        .collect();
    assert_eq!(parts, before);
    // Each park layer maps back to its own project layer.
    assert_eq!(re.layer_of_park_layer, vec![0, 1]);
    // The file's own problems are listed once, not once per part.
    let n = |r: &parkplan::import::ImportReport| {
        r.problems.iter().filter(|p| p.feature.is_none()).count()
    };
    assert!(n(&re.loaded.report) <= n(&opened.loaded.report));
    // A part is never written over the file it shares with another part.
    let err = parkplan::save::save_layer(
        &re.loaded.park.layers[0],
        &file,
        parkplan::save::WriteCrs::Source,
        true,
    )
    .unwrap_err();
    assert!(err.to_string().contains("holds other layers too"), "{err}");
    // A manifest naming one part (as stops, whatever the guess).
    let m = serde_json::json!({"parkplan_manifest": 1, "layers": [
        {"path": "gtfs_export.geojson", "part": "points", "role": "bus_stops", "name": "站点"}]});
    let mpath = dir.join("m.json");
    std::fs::write(&mpath, m.to_string()).unwrap();
    let o = common::open(&[&mpath]);
    assert_eq!(o.loaded.park.layers.len(), 1);
    assert_eq!(o.loaded.park.layers[0].len(), 50);
    assert_eq!(o.loaded.park.layers[0].name, "站点");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_info_lists_both_parts() {
    let o = Command::new(env!("CARGO_BIN_EXE_parkplan-cli"))
        .args(["info", "--json", "--lang", "en"])
        .arg(gtfs())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let roles: Vec<(&str, u64)> = v["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["role"].as_str().unwrap(), l["features"].as_u64().unwrap()))
        .collect();
    assert_eq!(roles, vec![("bus_routes", 12), ("bus_stops", 50)]);
}
