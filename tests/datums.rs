//! Xi'an 1980 and Beijing 1954 Gauss-Krüger: the projection and ellipsoid as PROJ
//! defines them (fixtures from `projinfo`/`proj`/`cct`, `tests/data/datums/`), the
//! survey's 3- or 7-parameter shift to CGCS2000 in both rotation conventions, stored in
//! manifests and projects, and the warning when no parameters are given.

use std::process::Command;

use geo::Geometry;
use parkplan::crs::{Crs, DatumShift, Rotation};
use parkplan::import::{self, LayerOptions, Severity};
use parkplan::model::Lang;
use serde_json::Value;

use crate::common;

/// Projection and ellipsoid alone: PROJ's inverse within 1e-9° (0.1 mm).
const TOL_PROJECTION: f64 = 1e-9;
/// Through the Helmert shift (geocentric round trip): within 1e-8° (about 1 mm).
const TOL_SHIFT: f64 = 1e-8;

fn fixtures() -> Value {
    let text = std::fs::read_to_string(common::data("datums/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn pairs(v: &Value) -> Vec<(f64, f64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect()
}

fn shift_of(f: &Value, datum: &str, key: &str, rotation: Rotation) -> DatumShift {
    let p: Vec<f64> = f[key][datum]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    DatumShift::from_params(&p, rotation).unwrap()
}

fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64, what: &str) {
    assert!(
        (got.0 - want.0).abs() < tol && (got.1 - want.1).abs() < tol,
        "{what}: got {got:?}, PROJ {want:?}"
    );
}

#[test]
fn every_family_matches_proj_with_and_without_a_shift() {
    let f = fixtures();
    let crs = f["crs"].as_object().unwrap();
    assert!(crs.len() >= 9);
    for (code, c) in crs {
        let code: u32 = code.parse().unwrap();
        let datum = c["datum"].as_str().unwrap();
        let g = Crs::from_epsg(code).unwrap_or_else(|| panic!("EPSG:{code} unsupported"));
        // The definition is PROJ's own, parameter for parameter.
        assert_eq!(g.proj_string(), c["proj"].as_str().unwrap(), "EPSG:{code}");
        assert_eq!(g.old_datum().map(|d| d.name()), Some(datum));
        assert!(g.describe().starts_with(datum), "{}", g.describe());
        let written = pairs(&c["written"]);
        let cases = [
            (None, "expected_no_shift", TOL_PROJECTION),
            (
                Some(shift_of(&f, datum, "shift7", Rotation::PositionVector)),
                "expected_shift7_pv",
                TOL_SHIFT,
            ),
            (
                Some(shift_of(&f, datum, "shift7", Rotation::CoordinateFrame)),
                "expected_shift7_cf",
                TOL_SHIFT,
            ),
            (
                Some(shift_of(&f, datum, "shift3", Rotation::PositionVector)),
                "expected_shift3",
                TOL_SHIFT,
            ),
        ];
        for (shift, key, tol) in cases {
            let p = g.projector_shifted(shift.as_ref()).unwrap();
            for (xy, want) in written.iter().zip(pairs(&c[key])) {
                let got = p.to_lon_lat(xy.0, xy.1).unwrap();
                assert_close(got, want, tol, &format!("EPSG:{code} {key}"));
            }
        }
    }
}

#[test]
fn the_shift_moves_the_data_by_tens_of_metres_and_the_conventions_differ() {
    use geo::{Distance, Haversine, Point};
    let f = fixtures();
    let c = &f["crs"]["2436"];
    let d = |a: &str, b: &str| {
        let (p, q) = (pairs(&c[a])[0], pairs(&c[b])[0]);
        Haversine.distance(Point::new(p.0, p.1), Point::new(q.0, q.1))
    };
    // What the no-parameters warning promises: tens of metres to over 100 m.
    let off = d("expected_no_shift", "expected_shift7_pv");
    assert!((10.0..300.0).contains(&off), "{off} m");
    // Taking the wrong rotation convention is itself an error of many metres.
    assert!(d("expected_shift7_pv", "expected_shift7_cf") > 5.0);
}

#[test]
fn shift_parameters_are_checked() {
    let pv = Rotation::PositionVector;
    assert!(
        DatumShift::from_params(&[1.0, 2.0, 3.0], pv)
            .unwrap()
            .is_translation()
    );
    assert!(DatumShift::from_params(&[1.0, 2.0, 3.0, 4.0], pv).is_err());
    // Radians or a scale factor instead of arc-seconds and ppm are refused.
    assert!(DatumShift::from_params(&[1.0, 2.0, 3.0, 0.0, 0.0, 90.0, 0.0], pv).is_err());
    assert!(DatumShift::from_params(&[1.0, 2.0, 3.0, 0.1, 0.1, 0.1, 1.000002e6], pv).is_err());
    assert!(DatumShift::from_params(&[f64::NAN, 2.0, 3.0], pv).is_err());
    let s = DatumShift::parse(
        "-12.5，134.2 61.3; 0.35 -2.1 1.8 -3.2",
        Rotation::CoordinateFrame,
    )
    .unwrap();
    assert_eq!(s.params(), vec![-12.5, 134.2, 61.3, 0.35, -2.1, 1.8, -3.2]);
    // Coordinate frame is handed to PROJ as position vector: rotations negated.
    assert_eq!(s.towgs84(), "-12.5,134.2,61.3,-0.35,2.1,-1.8,-3.2");
    assert!(DatumShift::parse("1, 2, x", pv).is_err());
}

fn first_vertex(layer: &parkplan::model::Layer) -> (f64, f64) {
    let Some(Geometry::Polygon(p)) = &layer.geometries[0] else {
        panic!("a polygon: {:?}", layer.geometries[0])
    };
    let c = p.exterior().0[0];
    (c.x, c.y)
}

#[test]
fn beijing_1954_cm_117e_loads_with_a_warning_or_shifted_with_parameters() {
    let f = fixtures();
    let c = &f["crs"]["2436"];
    let path = common::data("datums/parcel_2436.geojson");
    // Without parameters: geometry loads (it used to be dropped), with a warning that
    // names the error to expect.
    let (layer, problems) = import::read_layer_file(&path, &LayerOptions::default(), None).unwrap();
    assert_eq!(layer.len(), 1);
    assert_close(
        first_vertex(&layer),
        pairs(&c["expected_no_shift"])[0],
        TOL_PROJECTION,
        "no shift",
    );
    let w = problems
        .iter()
        .find(|p| p.code() == "datum_shift_missing")
        .expect("the no-parameters warning");
    assert_eq!(w.severity, Severity::Warning);
    assert!(
        w.message(Lang::En).contains("100 m"),
        "{}",
        w.message(Lang::En)
    );
    assert!(
        w.message(Lang::Zh).contains("北京 1954"),
        "{}",
        w.message(Lang::Zh)
    );
    // With the survey's 7 parameters (coordinate frame).
    let shift = shift_of(&f, "Beijing 1954", "shift7", Rotation::CoordinateFrame);
    let opts = LayerOptions {
        datum_shift: Some(shift),
        ..LayerOptions::default()
    };
    let (layer, problems) = import::read_layer_file(&path, &opts, None).unwrap();
    assert_close(
        first_vertex(&layer),
        pairs(&c["expected_shift7_cf"])[0],
        TOL_SHIFT,
        "shifted",
    );
    assert!(problems.iter().all(|p| p.code() != "datum_shift_missing"));
    assert!(problems.iter().any(|p| p.code() == "datum_shifted"));
    assert_eq!(layer.source.crs.as_ref().unwrap().shift, Some(shift));
    // Parameters for a CGCS2000 file are not used, and said so.
    let (_, problems) =
        import::read_layer_file(&common::data("crs/parcel_4525.geojson"), &opts, None).unwrap();
    assert!(problems.iter().any(|p| p.code() == "datum_shift_unused"));
}

#[test]
fn the_shift_is_stored_in_manifests_and_projects() {
    let f = fixtures();
    let c = &f["crs"]["2361"];
    let dir = crate::common::scratch().join("parkplan-datums");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        common::data("datums/parcel_2361.geojson"),
        dir.join("西安80地块.geojson"),
    )
    .unwrap();
    let shift = serde_json::json!({"dx": 24.1, "dy": -48.3, "dz": -15.7, "rx": -1.2,
        "ry": 0.8, "rz": -2.6, "scale_ppm": 1.9, "rotation": "position_vector"});
    let manifest = serde_json::json!({"parkplan_manifest": 1, "layers": [
        {"path": "西安80地块.geojson", "role": "parcels", "datum_shift": shift}]});
    let mpath = dir.join("manifest.json");
    std::fs::write(&mpath, manifest.to_string()).unwrap();
    let opened = common::open(&[&mpath]);
    let layer = &opened.loaded.park.layers[0];
    let want = pairs(&c["expected_shift7_pv"])[0];
    assert_close(first_vertex(layer), want, TOL_SHIFT, "manifest");
    // Saved into a project and reopened: the same shift, the same place.
    let ppath = dir.join("p.parkplan");
    let pf = parkplan::project::ProjectFile {
        parkplan_project: parkplan::project::PROJECT_VERSION,
        gtfs: Default::default(),
        name: "西安80".into(),
        layers: parkplan::project::describe_layers(&opened.loaded.park, &ppath, &[(0, true, None)]),
        analysis: Default::default(),
        network: Default::default(),
        reach: Default::default(),
        view: None,
        print: Value::Null,
    };
    assert!(pf.layers[0].datum_shift.is_some());
    pf.write(&ppath).unwrap();
    let text = std::fs::read_to_string(&ppath).unwrap();
    assert!(text.contains("\"datum_shift\"") && text.contains("position_vector"));
    let reopened = parkplan::project::open_project(&ppath, false, None).unwrap();
    assert_close(
        first_vertex(&reopened.loaded.park.layers[0]),
        want,
        TOL_SHIFT,
        "project",
    );
    // An implausible stored shift is reported and not used.
    let bad = text.replace("\"dx\": 24.1", "\"dx\": 24100.0");
    assert_ne!(bad, text);
    std::fs::write(&ppath, bad).unwrap();
    let reopened = parkplan::project::open_project(&ppath, false, None).unwrap();
    let codes: Vec<&str> = reopened
        .loaded
        .report
        .problems
        .iter()
        .map(|p| p.code())
        .collect();
    assert!(codes.contains(&"datum_shift_invalid") && codes.contains(&"datum_shift_missing"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_info_shows_the_old_datum_and_its_warning() {
    let o = Command::new(env!("CARGO_BIN_EXE_parkplan-cli"))
        .args(["info", "--json", "--lang", "en"])
        .arg(common::data("datums/parcel_2436.geojson"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let l = &v["layers"][0];
    assert_eq!(l["source_crs"], "EPSG:2436");
    assert!(l["bbox"].is_array(), "geometry loaded: {l}");
    assert!(
        l["source_crs_name"]
            .as_str()
            .unwrap()
            .starts_with("Beijing 1954")
    );
    assert!(
        l["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "datum_shift_missing")
    );
}
