//! Shapefile, GeoPackage and the land-approval coordinate TXT: each real-file quirk on
//! a small fixture (tests/data/formats/, written by GDAL's ogr2ogr with
//! make_formats.sh, or built here), read through the same checks as GeoJSON; the
//! GeoPackage writer read back by ParkPlan and by GDAL's `ogrinfo`; the TXT writer
//! read back.

use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{Area, BoundingRect, Geometry};
use parkplan::crs::Crs;
use parkplan::import::{LayerOptions, Severity, read_layer_file};
use parkplan::model::{Lang, Layer, PropValue, TextEncoding};
use parkplan::save::{self, WriteCrs};

use crate::common;

fn shp(dir: &str) -> PathBuf {
    common::data(&format!("formats/shp/{dir}/parcels.shp"))
}

fn read(path: &Path) -> (Layer, Vec<parkplan::import::Problem>) {
    read_layer_file(path, &LayerOptions::default(), None).unwrap_or_else(|e| panic!("{e}"))
}

fn text(layer: &Layer, row: usize, col: &str) -> String {
    layer
        .attributes
        .get(row, col)
        .as_text()
        .map(|t| t.into_owned())
        .unwrap_or_default()
}

/// The source parcels (lon/lat) the fixtures were made from.
fn source() -> Layer {
    read(&common::data("formats/source.geojson")).0
}

/// Every vertex of `a` within `tol` degrees of `b`'s (same order).
fn same_place(a: &Layer, b: &Layer, tol: f64) {
    use geo::CoordsIter;
    assert_eq!(a.len(), b.len());
    for (ga, gb) in a.geometries.iter().zip(&b.geometries) {
        let (ga, gb) = (ga.as_ref().unwrap(), gb.as_ref().unwrap());
        let ra = ga.bounding_rect().unwrap();
        let rb = gb.bounding_rect().unwrap();
        for (p, q) in [(ra.min(), rb.min()), (ra.max(), rb.max())] {
            assert!(
                (p.x - q.x).abs() < tol && (p.y - q.y).abs() < tol,
                "{p:?} vs {q:?}"
            );
        }
        assert_eq!(ga.coords_count(), gb.coords_count());
        assert!((ga.unsigned_area() - gb.unsigned_area()).abs() < 1e-9);
    }
}

#[test]
fn shapefile_gbk_without_cpg_is_decoded_on_evidence() {
    let (layer, problems) = read(&shp("gbk_nocpg"));
    assert_eq!(layer.source.encoding, TextEncoding::Gb18030);
    assert_eq!(text(&layer, 0, "地块名称"), "荆州经开区一号地块");
    assert_eq!(text(&layer, 2, "地块名称"), "岑河镇三号地块");
    assert!(
        problems
            .iter()
            .any(|p| p.message(Lang::En).contains("no .cpg")
                && p.action(Lang::En).contains("GB18030"))
    );
    // Parcels with their fields mapped, as for GeoJSON; the hole kept.
    assert_eq!(layer.role, parkplan::model::Role::Parcels);
    assert_eq!(layer.attributes.get(1, "面积_亩"), PropValue::Float(120.25));
    let Some(Geometry::Polygon(p)) = &layer.geometries[1] else {
        panic!()
    };
    assert_eq!(p.interiors().len(), 1);
    same_place(&layer, &source(), 1e-9);
    // The shapefile's clockwise parts are its rule, not a repair to report.
    assert!(
        !problems
            .iter()
            .any(|p| p.message(Lang::En).contains("clockwise")),
        "{problems:?}"
    );
}

#[test]
fn shapefile_utf8_cpg_keeps_valid_text_and_names_truncated_field_names() {
    // GDAL cut the 12-byte UTF-8 field names to DBF's 10 bytes, mid-character: only
    // those bytes are replaced and the fields are named; the values stay intact.
    let (layer, problems) = read(&shp("utf8_cpg"));
    assert_eq!(layer.source.encoding, TextEncoding::Utf8);
    let name_col = layer
        .attributes
        .columns()
        .iter()
        .find(|c| c.name().starts_with("地块名"))
        .unwrap();
    assert_eq!(name_col.get(0).as_text().unwrap(), "荆州经开区一号地块");
    assert!(
        problems
            .iter()
            .any(|p| p.message(Lang::En).contains("undecodable bytes")
                && p.message(Lang::En).contains("地块名"))
    );
}

#[test]
fn shapefile_prj_gauss_kruger_forms_land_in_place() {
    let src = source();
    for (dir, epsg) in [("gk_cm", 4546), ("gk_zone", 4525)] {
        let (layer, _) = read(&shp(dir));
        let d = layer.source.crs.as_ref().unwrap();
        assert_eq!(d.crs.epsg(), epsg, "{dir}");
        assert!(!d.guessed);
        assert!(d.reason.contains(".prj"), "{}", d.reason);
        // GDAL's projection and proj4rs's agree within 1e-7° (about 1 cm).
        let a = layer.geometries[0]
            .as_ref()
            .unwrap()
            .bounding_rect()
            .unwrap();
        let b = src.geometries[0].as_ref().unwrap().bounding_rect().unwrap();
        assert!(
            (a.min().x - b.min().x).abs() < 1e-7 && (a.min().y - b.min().y).abs() < 1e-7,
            "{dir}"
        );
    }
}

#[test]
fn shapefile_missing_sidecars_are_reported_and_the_rest_read() {
    // No .prj: guessed from the zone-prefixed eastings, as a GeoJSON without crs.
    let (layer, problems) = read(&shp("noprj"));
    let d = layer.source.crs.as_ref().unwrap();
    assert_eq!(d.crs.epsg(), 4525);
    assert!(d.guessed);
    assert!(
        problems.iter().any(
            |p| p.message(Lang::En).contains(".prj") && p.message(Lang::En).contains("missing")
        )
    );
    // No .shx: read in file order.
    let (layer, problems) = read(&shp("noshx"));
    assert_eq!(layer.geometries.iter().flatten().count(), 3);
    assert!(
        problems
            .iter()
            .any(|p| p.message(Lang::En).contains(".shx"))
    );
    // No .dbf: shapes without attributes.
    let (layer, problems) = read(&shp("nodbf"));
    assert_eq!(layer.len(), 3);
    assert_eq!(layer.attributes.columns().len(), 0);
    assert!(
        problems
            .iter()
            .any(|p| p.message(Lang::En).contains(".dbf") && p.severity == Severity::Warning)
    );
    // No .shp at all (only a .dbf named .shp): a clear error, not a panic.
    let dir = common::write_temp("formats-bad", "x.shp", b"not a shapefile at all");
    let e = read_layer_file(&dir, &LayerOptions::default(), None).unwrap_err();
    assert!(e.to_string().contains("not a readable Shapefile"), "{e}");
}

#[test]
fn shapefile_in_xian_1980_loads_in_its_zone_with_the_missing_shift_said() {
    // The .prj is ESRI's Xian_1980_3_Degree_GK_CM_111E: EPSG:2382, on the IAG 1975
    // ellipsoid; no shift parameters are given, so the report warns of the error to
    // expect (the datum_shift_missing warning).
    let (layer, problems) = read(&shp("xian80"));
    let d = layer.source.crs.as_ref().unwrap();
    assert_eq!(d.crs.epsg(), 2382);
    assert_eq!(d.crs.old_datum(), Some(parkplan::crs::Datum::Xian1980));
    assert!(layer.geometries.iter().all(Option::is_some));
    assert_eq!(layer.len(), 3, "the attributes are kept");
    assert!(
        problems
            .iter()
            .any(|p| p.code() == "datum_shift_missing" && p.severity == Severity::Warning),
        "{problems:?}"
    );
    assert!(!problems.iter().any(|p| p.severity == Severity::Error));
    // The fixture's numbers are the CGCS2000 zone's, labelled Xi'an 1980: read on the
    // Xi'an ellipsoid they land where PROJ puts EPSG:2382, within metres of the source.
    same_place(&layer, &source(), 1e-4);
    // The same numbers as a GeoJSON in EPSG:2382 (main's Xi'an 1980 support, checked
    // against PROJ in tests/datums.rs) land in exactly the same place.
    let opts = LayerOptions {
        crs: Some(Crs::from_epsg(2382).unwrap()),
        ..LayerOptions::default()
    };
    let (as_chosen, _) = read_layer_file(&shp("gk_cm"), &opts, None).unwrap();
    same_place(&layer, &as_chosen, 1e-9);
    // With the survey's shift the parcels move by it and the report says so.
    let shift = parkplan::crs::DatumShift::from_params(
        &[24.1, -48.3, -15.7, -1.2, 0.8, -2.6, 1.9],
        parkplan::crs::Rotation::PositionVector,
    )
    .unwrap();
    let opts = LayerOptions {
        datum_shift: Some(shift),
        ..LayerOptions::default()
    };
    let (shifted, problems) = read_layer_file(&shp("xian80"), &opts, None).unwrap();
    assert!(problems.iter().any(|p| p.code() == "datum_shifted"));
    assert_eq!(shifted.source.crs.as_ref().unwrap().shift, Some(shift));
}

#[test]
fn a_folder_of_shapefiles_opens_like_a_folder_of_geojson() {
    let loaded = common::load(&[&common::data("formats/shp/gk_cm")]);
    let names: Vec<&str> = loaded.park.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["facilities", "parcels"]);
    assert_eq!(loaded.park.layers[0].len(), 2);
    assert!(loaded.files_failed == 0);
}

#[test]
fn geopackage_tables_load_as_layers_with_their_crs() {
    let path = common::data("formats/gpkg/park.gpkg");
    let loaded = common::load(&[&path]);
    assert_eq!(loaded.park.layers.len(), 2);
    let parcels = &loaded.park.layers[0];
    assert_eq!(parcels.name, "地块");
    assert_eq!(parcels.source.crs.as_ref().unwrap().crs.epsg(), 4546);
    assert_eq!(text(parcels, 0, "地块名称"), "荆州经开区一号地块");
    same_place(parcels, &source(), 1e-7);
    // GDAL's fid is the row id, not an attribute.
    assert!(parcels.attributes.column("fid").is_none());
    let facilities = &loaded.park.layers[1];
    assert_eq!(facilities.name, "服务设施");
    assert_eq!(facilities.source.crs.as_ref().unwrap().crs.epsg(), 4326);
    assert!(!loaded.park.facilities.is_empty());
    // One table by name; an unknown table is a clear error.
    let opts = LayerOptions {
        table: Some("服务设施".into()),
        ..LayerOptions::default()
    };
    assert_eq!(read_layer_file(&path, &opts, None).unwrap().0.len(), 2);
    let opts = LayerOptions {
        table: Some("道路".into()),
        ..LayerOptions::default()
    };
    let e = read_layer_file(&path, &opts, None).unwrap_err().to_string();
    assert!(
        e.contains("no feature table \"道路\"") && e.contains("地块"),
        "{e}"
    );
}

/// `ogrinfo -so -al` of a file, or `None` when GDAL is not installed (then the caller
/// fails unless PARKPLAN_NO_GDAL is set: CI installs gdal-bin).
fn ogrinfo(path: &Path) -> Option<String> {
    match Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(path)
        .output()
    {
        Ok(o) => {
            assert!(
                o.status.success(),
                "ogrinfo failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            Some(String::from_utf8_lossy(&o.stdout).into_owned())
        }
        Err(e) => {
            assert!(
                std::env::var_os("PARKPLAN_NO_GDAL").is_some(),
                "ogrinfo not found ({e}); install gdal-bin"
            );
            None
        }
    }
}

#[test]
fn geopackage_written_reads_back_equal_and_gdal_accepts_it() {
    let sample = common::load_sample();
    let layers: Vec<&Layer> = sample.park.layers.iter().collect();
    let dir = crate::common::scratch().join("parkplan-gpkg");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("park.gpkg");
    let saved = save::save_layers_as(&layers, &out, WriteCrs::Rfc7946, false).unwrap();
    assert_eq!(saved.format, "GeoPackage");
    // Nothing but the file is left in the folder (the temporary file was renamed).
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, [std::ffi::OsString::from("park.gpkg")]);
    let back = common::load(&[&out]);
    assert_eq!(back.park.layers.len(), layers.len());
    for (a, b) in layers.iter().zip(&back.park.layers) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.len(), b.len(), "{}", a.name);
        for (ga, gb) in a.geometries.iter().zip(&b.geometries) {
            assert_eq!(ga, gb, "{}: geometries differ", a.name);
        }
        for col in a.attributes.columns() {
            for row in 0..a.len() {
                let (va, vb) = (col.get(row), b.attributes.get(row, col.name()));
                let same = match (va, vb) {
                    (PropValue::Absent | PropValue::Null, PropValue::Absent | PropValue::Null) => {
                        true
                    }
                    (PropValue::Bool(x), PropValue::Int(y)) => x as i64 == y,
                    (x, y) => x == y || x.as_text() == y.as_text(),
                };
                assert!(
                    same,
                    "{} row {row} {}: {va:?} vs {vb:?}",
                    a.name,
                    col.name()
                );
            }
        }
        // Ids travel in an `id` column.
        if a.attributes.column("id").is_none() && a.ids.iter().any(Option::is_some) {
            let id = a.ids[0].as_ref().unwrap().to_string();
            assert_eq!(text(b, 0, "id"), id);
        }
    }
    if let Some(info) = ogrinfo(&out) {
        for l in &layers {
            assert!(info.contains(&format!("Layer name: {}", l.name)), "{info}");
        }
        assert!(info.contains(&format!("Feature Count: {}", layers[0].len())));
        assert!(info.contains("ID[\"EPSG\",4326]"), "{info}");
    }
    // In a Gauss-Krüger CRS, GDAL sees the EPSG code and the same metres.
    let gk = dir.join("gk.gpkg");
    save::gpkg::save_gpkg(
        &layers[..1],
        &gk,
        WriteCrs::Crs(Crs::from_epsg(4546).unwrap()),
        false,
    )
    .unwrap();
    let back = read(&gk).0;
    assert_eq!(back.source.crs.as_ref().unwrap().crs.epsg(), 4546);
    same_place(&back, layers[0], 1e-9);
    if let Some(info) = ogrinfo(&gk) {
        assert!(info.contains("ID[\"EPSG\",4546]"), "{info}");
    }
    // A layer's own source is not overwritten without consent; a missing folder fails
    // cleanly and leaves nothing behind.
    let e = save::gpkg::save_gpkg(&[&back], &gk, WriteCrs::Source, false).unwrap_err();
    assert!(e.to_string().contains("source file"), "{e}");
    assert!(
        save::gpkg::save_gpkg(
            &layers,
            &dir.join("nope").join("x.gpkg"),
            WriteCrs::Rfc7946,
            false
        )
        .is_err()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- The land-approval coordinate TXT ----

/// A square ring of `size` metres at (easting, northing), as `点号,圈号,X,Y` rows
/// (X northing, Y easting), closed by repeating the first point unless `open`.
fn ring(ring_no: u32, e: f64, n: f64, size: f64, open: bool, first: &mut u32) -> Vec<String> {
    let pts = [(e, n), (e + size, n), (e + size, n + size), (e, n + size)];
    let mut rows = Vec::new();
    let start = *first;
    for (x, y) in pts {
        rows.push(format!("J{},{ring_no},{y:.3},{x:.3}", *first));
        *first += 1;
    }
    if !open {
        rows.push(format!("J{start},{ring_no},{n:.3},{e:.3}"));
    }
    rows
}

fn txt(header: &str, parcels: &[(String, Vec<String>)], eol: &str) -> String {
    let mut s = format!("[属性描述]{eol}格式版本号=1.01版本{eol}{header}[地块坐标]{eol}");
    for (head, rows) in parcels {
        s.push_str(head);
        s.push_str(eol);
        for r in rows {
            s.push_str(r);
            s.push_str(eol);
        }
    }
    s
}

fn cgcs_header(eol: &str) -> String {
    format!(
        "坐标系=2000国家大地坐标系{eol}几度分带=3{eol}投影类型=高斯克吕格{eol}计量单位=米{eol}带号=37{eol}精度=0.001{eol}转换参数=,,,,,,{eol}"
    )
}

fn read_txt(tag: &str, bytes: &[u8]) -> (Layer, Vec<parkplan::import::Problem>) {
    let p = common::write_temp(tag, "界址点.txt", bytes);
    read(&p)
}

#[test]
fn land_txt_rings_become_parts_holes_and_islands_by_containment() {
    // The real file of the issue: rings 1, 2, 3 parts; 4 a hole in 3; 5 and 6 islands in 4.
    let mut n = 1;
    let mut rows = Vec::new();
    rows.extend(ring(1, 37_630_000.0, 3_357_000.0, 100.0, false, &mut n));
    rows.extend(ring(2, 37_630_200.0, 3_357_000.0, 100.0, false, &mut n));
    rows.extend(ring(3, 37_630_400.0, 3_357_000.0, 1000.0, false, &mut n));
    rows.extend(ring(4, 37_630_500.0, 3_357_100.0, 500.0, false, &mut n));
    rows.extend(ring(5, 37_630_550.0, 3_357_150.0, 100.0, false, &mut n));
    rows.extend(ring(6, 37_630_700.0, 3_357_150.0, 100.0, false, &mut n));
    // Parts 1 + 2 + 3 − hole 4 + islands 5, 6 = 2·1e4 + 1e6 − 2.5e5 + 2·1e4 m².
    let area_m2 = 20_000.0 + 1_000_000.0 - 250_000.0 + 20_000.0;
    let head = format!(
        "{},{},JZ-7,七号地块,面,H49G012034,工业用地,0602,@",
        rows.len(),
        area_m2 / 10_000.0
    );
    let t = txt(&cgcs_header("\r\n"), &[(head, rows)], "\r\n");
    let (layer, problems) = read_txt("txt-rings", t.as_bytes());
    let Some(Geometry::MultiPolygon(mp)) = &layer.geometries[0] else {
        panic!("{:?}", layer.geometries[0])
    };
    let rings: Vec<usize> = mp.0.iter().map(|p| 1 + p.interiors().len()).collect();
    assert_eq!(rings, [1, 1, 2, 1, 1]);
    assert_eq!(layer.source.crs.as_ref().unwrap().crs.epsg(), 4525);
    // Declared in hectares and it matches: said so, no warning.
    assert_eq!(text(&layer, 0, "面积单位"), "公顷");
    assert!((layer.attributes.get(0, "面积_平方米").as_f64().unwrap() - area_m2).abs() < 1.0);
    assert_eq!(text(&layer, 0, "地类编码"), "0602");
    assert_eq!(text(&layer, 0, "地块用途"), "工业用地");
    assert!(
        problems.iter().all(|p| p.severity != Severity::Warning),
        "{problems:?}"
    );
    assert_eq!(layer.role, parkplan::model::Role::Parcels);
}

#[test]
fn land_txt_quirks_line_ends_encodings_closing_points_and_area_units() {
    for (eol, gbk) in [("\r\n", true), ("\n", false), ("\r", true), ("\n", true)] {
        let mut n = 1;
        let closed = ring(1, 37_630_000.0, 3_357_000.0, 100.0, false, &mut n);
        let mut n = 1;
        let open = ring(1, 37_631_000.0, 3_357_000.0, 100.0, true, &mut n);
        let mut n = 1;
        let wrong = ring(1, 37_632_000.0, 3_357_000.0, 100.0, false, &mut n);
        let parcels = vec![
            // m² (as real files write it), closing point repeated and counted.
            ("5,10000,JZ-1,一号地块,面,,工业用地,,@".to_string(), closed),
            // Hectares; closing point missing but counted.
            (
                "5,1.0000,JZ-2,二号地块,面,,仓储用地,0801,@".to_string(),
                open,
            ),
            // Neither unit matches.
            ("5,2.5,JZ-3,三号地块,面,,,,@".to_string(), wrong),
        ];
        let t = txt(&cgcs_header(eol), &parcels, eol);
        let bytes = if gbk {
            encoding_rs::GBK.encode(&t).0.into_owned()
        } else {
            t.into_bytes()
        };
        let (layer, problems) = read_txt("txt-quirks", &bytes);
        let label = format!("eol {eol:?}, gbk {gbk}");
        assert_eq!(layer.len(), 3, "{label}");
        assert_eq!(
            layer.source.encoding,
            if gbk {
                TextEncoding::Gb18030
            } else {
                TextEncoding::Utf8
            },
            "{label}"
        );
        assert_eq!(text(&layer, 0, "地块名称"), "一号地块", "{label}");
        assert_eq!(text(&layer, 0, "面积单位"), "平方米", "{label}");
        assert_eq!(text(&layer, 1, "面积单位"), "公顷", "{label}");
        assert_eq!(text(&layer, 2, "面积单位"), "不明", "{label}");
        let about = |i: usize, what: &str| {
            problems
                .iter()
                .any(|p| p.feature == Some(i) && p.message(Lang::En).contains(what))
        };
        assert!(about(0, "in m²"), "{label}: {problems:?}");
        assert!(
            about(1, "closing point") && about(1, "not closed"),
            "{label}: {problems:?}"
        );
        assert!(
            about(2, "neither as hectares nor as m²"),
            "{label}: {problems:?}"
        );
        // The open ring was closed; every parcel is a 100 m square near 112.35°E.
        for g in layer.geometries.iter() {
            let Some(Geometry::Polygon(p)) = g else {
                panic!("{label}")
            };
            assert_eq!(p.exterior().0.len(), 5);
            let c = p.exterior().0[0];
            assert!(
                (c.x - 112.35).abs() < 0.05 && (c.y - 30.33).abs() < 0.05,
                "{label}: {c:?}"
            );
        }
    }
}

/// The Xi'an 1980 fixture of tests/data/datums (PROJ's `cct`): EPSG:2361 (3-degree zone
/// 37, zone-prefixed eastings), its written eastings/northings and the lon/lat expected.
fn xian_2361() -> serde_json::Value {
    let text = std::fs::read_to_string(common::data("datums/expected.json")).unwrap();
    let f: serde_json::Value = serde_json::from_str(&text).unwrap();
    serde_json::json!({
        "shift7": f["shift7"]["Xian 1980"],
        "crs": f["crs"]["2361"],
    })
}

fn xy(v: &serde_json::Value) -> Vec<(f64, f64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect()
}

/// Every vertex of the layer's first geometry within `tol` degrees of one of `want`.
fn vertices_at(layer: &Layer, want: &[(f64, f64)], tol: f64) {
    use geo::CoordsIter;
    let g = layer.geometries[0].as_ref().expect("placed");
    assert!(g.coords_count() >= 4);
    for c in g.coords_iter() {
        assert!(
            want.iter()
                .any(|w| (c.x - w.0).abs() < tol && (c.y - w.1).abs() < tol),
            "{c:?} is not one of PROJ's {want:?}"
        );
    }
}

#[test]
fn land_txt_in_xian_1980_is_placed_with_its_parameters() {
    let f = xian_2361();
    let c = &f["crs"];
    let rows: Vec<String> = xy(&c["written"])
        .iter()
        .enumerate()
        .map(|(i, (e, n))| format!("J{},1,{n},{e}", i + 1))
        .collect();
    let params: Vec<String> = f["shift7"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.to_string())
        .collect();
    let parcel = [(format!("{},1,JZ-1,一号,面,,,,@", rows.len()), rows)];
    let header = format!(
        "坐标系=西安80坐标系\n几度分带=3\n带号=37\n转换参数={}\n",
        params.join(",")
    );
    let t = txt(&header, &parcel, "\n");
    let (layer, problems) = read_txt("txt-xian", t.as_bytes());
    let d = layer.source.crs.as_ref().unwrap();
    assert_eq!(
        d.crs.epsg(),
        2361,
        "Xi'an 1980 3-degree zone 37, zone prefixed"
    );
    assert!(d.shift.is_some(), "the 转换参数 are the datum shift");
    assert!(
        problems.iter().any(|p| p.code() == "datum_shifted"),
        "{problems:?}"
    );
    assert!(!problems.iter().any(|p| p.severity == Severity::Error));
    // Where PROJ puts them through the 7-parameter (position vector) shift: ~1 mm.
    vertices_at(&layer, &xy(&c["expected_shift7_pv"]), 1e-8);
    let kept = layer
        .document_members
        .iter()
        .find(|(k, _)| k == "transform_parameters")
        .map(|(_, v)| v.clone())
        .expect("kept");
    let kept: Vec<f64> = serde_json::from_str(&kept).unwrap();
    assert_eq!(kept, [24.1, -48.3, -15.7, -1.2, 0.8, -2.6, 1.9]);
    // Written back as a TXT only in a CGCS2000 zone: an old datum's zone is refused.
    let out = crate::common::scratch().join("parkplan-xian.txt");
    let target = WriteCrs::Crs(Crs::from_epsg(2361).unwrap());
    assert!(save::save_layers_as(&[&layer], &out, target, false).is_err());
    assert!(!out.exists());
    // Without 转换参数: on the old datum, and the report warns of the error to expect.
    let header = "坐标系=西安80坐标系\n几度分带=3\n带号=37\n转换参数=,,,,,,\n";
    let (layer, problems) = read_txt("txt-xian-noshift", txt(header, &parcel, "\n").as_bytes());
    assert_eq!(layer.source.crs.as_ref().unwrap().crs.epsg(), 2361);
    assert!(
        problems
            .iter()
            .any(|p| p.code() == "datum_shift_missing" && p.severity == Severity::Warning),
        "{problems:?}"
    );
    vertices_at(&layer, &xy(&c["expected_no_shift"]), 1e-8);
    // Parameters that cannot be a shift (a scale factor instead of ppm) are reported and
    // not used.
    let header =
        "坐标系=西安80\n几度分带=3\n带号=37\n转换参数=24.1,-48.3,-15.7,-1.2,0.8,-2.6,1.0000019e3\n";
    let (_, problems) = read_txt("txt-xian-bad", txt(header, &parcel, "\n").as_bytes());
    assert!(
        problems.iter().any(|p| p.code() == "datum_shift_invalid")
            && problems.iter().any(|p| p.code() == "datum_shift_missing"),
        "{problems:?}"
    );
    // Beijing 1954 with no zone given or carried (CM eastings, no 带号): not guessed.
    let rows = ring(1, 630_000.0, 3_357_000.0, 100.0, false, &mut 1);
    let t = txt(
        "坐标系=北京54\n几度分带=3\n",
        &[("5,1,JZ-1,一号,面,,,,@".to_string(), rows)],
        "\n",
    );
    let (layer, problems) = read_txt("txt-bj-nozone", t.as_bytes());
    assert!(layer.geometries.iter().all(Option::is_none));
    assert!(
        problems
            .iter()
            .any(|p| p.code() == "datum_not_placeable" && p.severity == Severity::Error),
        "{problems:?}"
    );
    // Not a coordinate TXT at all: a clear error.
    let p = common::write_temp("txt-not", "notes.txt", "会议纪要\n");
    let e = read_layer_file(&p, &LayerOptions::default(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("[地块坐标]"), "{e}");
}

#[test]
fn land_txt_written_reads_back_with_its_rings_and_area() {
    let (src, _) = read(&shp("gbk_nocpg"));
    let dir = crate::common::scratch().join("parkplan-txt-out");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("报批.txt");
    let saved = save::save_layers_as(&[&src], &out, WriteCrs::Rfc7946, false).unwrap();
    assert_eq!(saved.crs, "EPSG:4525");
    let bytes = std::fs::read(&out).unwrap();
    let t = encoding_rs::GBK.decode(&bytes).0.into_owned();
    assert!(
        t.contains("\r\n带号=37\r\n") && t.contains(",JZ-002,沙市区二号地块,面,"),
        "{t}"
    );
    let (back, problems) = read(&out);
    assert_eq!(back.len(), 3);
    assert_eq!(text(&back, 1, "面积单位"), "公顷", "{problems:?}");
    let Some(Geometry::Polygon(p)) = &back.geometries[1] else {
        panic!()
    };
    assert_eq!(p.interiors().len(), 1);
    same_place(&back, &src, 1e-7);
    let _ = std::fs::remove_dir_all(&dir);
}
