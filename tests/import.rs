//! Importer tests: known answers for CRS, encodings and repairs; the shared corpus; the
//! bundled sample map; the `info` command's JSON contract.

use std::path::Path;
use std::process::Command;

use geo::{Distance, Geometry, Haversine, Point};
use parkplan::crs::Crs;
use parkplan::import::{LayerOptions, Severity, read_layer_bytes, read_layer_file};
use parkplan::model::{FeatureId, Field, PropValue, Role, TextEncoding};

use crate::common;

fn exterior(g: &Geometry<f64>) -> Vec<(f64, f64)> {
    match g {
        Geometry::Polygon(p) => p.exterior().0.iter().map(|c| (c.x, c.y)).collect(),
        other => panic!("expected a polygon, got {other:?}"),
    }
}

#[test]
fn a_bare_point_loads_as_one_feature() {
    let (layer, problems) = read_layer_bytes(
        br#"{"type":"Point","coordinates":[112.3,30.3]}"#,
        "p.geojson",
        &LayerOptions::default(),
        None,
    )
    .unwrap();
    assert_eq!(layer.len(), 1);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(layer.role, Role::Other);
}

/// A parcel delivered in EPSG:4490, EPSG:4525 (zone-prefixed), EPSG:4546, with swapped
/// axes and without a crs member lands at the same lon/lat as PROJ says, within 1 cm.
#[test]
fn crs_known_answers_agree_with_proj_within_a_centimetre() {
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::data("crs/expected.json")).unwrap())
            .unwrap();
    let files = expected["files"].as_object().unwrap();
    assert!(files.len() >= 6);
    for (name, spec) in files {
        let (layer, problems) = read_layer_file(
            &common::data(&format!("crs/{name}")),
            &LayerOptions::default(),
            None,
        )
        .unwrap();
        let decision = layer.source.crs.clone().unwrap();
        assert_eq!(
            decision.crs.epsg(),
            spec["epsg"].as_u64().unwrap() as u32,
            "{name}"
        );
        let swapped = spec["axis_order_written"]
            .as_str()
            .unwrap()
            .starts_with("northing");
        assert_eq!(
            decision.axis_swapped, swapped,
            "{name}: {}",
            decision.reason
        );
        let has_crs = !spec["crs_member"].is_null();
        assert_eq!(decision.guessed, !has_crs, "{name}");
        if !has_crs {
            // The guess is said out loud.
            assert!(
                problems.iter().any(|p| p
                    .message(parkplan::model::Lang::En)
                    .contains("assumed EPSG:4525")),
                "{name}: {problems:?}"
            );
        }
        let got = exterior(layer.geometries[0].as_ref().unwrap());
        let want: Vec<(f64, f64)> = spec["expected_lon_lat"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect();
        assert_eq!(got.len(), want.len(), "{name}");
        let mut worst: f64 = 0.0;
        for (g, w) in got.iter().zip(&want) {
            let d = Haversine.distance(Point::new(g.0, g.1), Point::new(w.0, w.1));
            assert!(d < 0.01, "{name}: {g:?} vs {w:?} is {d} m apart");
            worst = worst.max(d);
        }
        eprintln!("{name}: worst distance from PROJ {:.6} mm", worst * 1000.0);
        // Original properties survive, Chinese keys included.
        assert_eq!(
            layer.attributes.get(0, "地块编号"),
            PropValue::Str("KA-001"),
            "{name}"
        );
    }
}

#[test]
fn encodings_decode_to_the_same_features() {
    let cases = [
        ("gbk.geojson", TextEncoding::Gb18030),
        ("utf8_bom.geojson", TextEncoding::Utf8Bom),
        ("utf16le_bom.geojson", TextEncoding::Utf16Le),
        ("utf16be_bom.geojson", TextEncoding::Utf16Be),
    ];
    for (file, enc) in cases {
        let (layer, problems) = read_layer_file(
            &common::data(&format!("encoding/{file}")),
            &LayerOptions::default(),
            None,
        )
        .unwrap();
        assert_eq!(layer.source.encoding, enc, "{file}");
        assert_eq!(layer.len(), 2, "{file}");
        assert_eq!(
            layer.role,
            Role::Facilities,
            "{file}: {}",
            layer.role_reason
        );
        assert_eq!(
            layer.field_text(0, Field::Name).as_deref(),
            Some("荆州经开区政务服务中心"),
            "{file}"
        );
        assert_eq!(
            layer.field_text(1, Field::Name).as_deref(),
            Some("观音垱镇便民服务中心"),
            "{file}"
        );
        if enc == TextEncoding::Gb18030 {
            assert!(
                problems
                    .iter()
                    .any(|p| p.action(parkplan::model::Lang::En).contains("GB18030")),
                "{problems:?}"
            );
        }
    }
}

fn load_fixture(rel: &str) -> (parkplan::model::Layer, Vec<parkplan::import::Problem>) {
    read_layer_file(&common::data(rel), &LayerOptions::default(), None).unwrap()
}

#[test]
fn repairs_happen_and_are_reported() {
    let (layer, problems) = load_fixture("repair/unclosed_ring.geojson");
    let ring = exterior(layer.geometries[0].as_ref().unwrap());
    assert_eq!(ring.first(), ring.last());
    assert!(problems.iter().any(
        |p| p.message(parkplan::model::Lang::En).contains("not closed")
            && p.severity == Severity::Repaired
    ));

    let (layer, problems) = load_fixture("repair/repeated_points.geojson");
    assert_eq!(layer.len(), 2);
    assert_eq!(
        problems
            .iter()
            .filter(|p| p
                .message(parkplan::model::Lang::En)
                .contains("repeated point"))
            .count(),
        2
    );
    assert!(
        problems
            .iter()
            .all(|p| p.feature.is_some() && p.feature_id.is_some())
    );

    let (layer, problems) = load_fixture("repair/clockwise_outer.geojson");
    let Some(Geometry::Polygon(p)) = &layer.geometries[0] else {
        panic!()
    };
    use geo::Winding;
    assert!(p.exterior().is_ccw());
    assert!(
        problems
            .iter()
            .any(|p| p.message(parkplan::model::Lang::En).contains("clockwise"))
    );
}

#[test]
fn bad_features_are_skipped_one_by_one_and_named() {
    let (layer, problems) = load_fixture("repair/bad_coords.geojson");
    assert_eq!(layer.len(), 1, "only the valid point stays");
    assert_eq!(layer.source.crs.as_ref().unwrap().crs, Crs::WGS84);
    let skipped: Vec<&str> = problems
        .iter()
        .filter_map(|p| p.feature_id.as_deref())
        .collect();
    for id in [
        "text_coordinate",
        "nan_string",
        "lon_500",
        "empty_point",
        "circle",
    ] {
        assert!(skipped.contains(&id), "{id} not reported: {problems:?}");
    }
    let msg = |id: &str| {
        problems
            .iter()
            .find(|p| p.feature_id.as_deref() == Some(id))
            .unwrap()
            .message(parkplan::model::Lang::En)
    };
    assert!(msg("text_coordinate").contains("abc"));
    assert!(msg("lon_500").contains("out of range"));
    assert!(msg("empty_point").contains("empty"));
    assert!(msg("circle").contains("Circle"));
}

#[test]
fn null_geometry_keeps_the_record_and_z_is_kept() {
    let (layer, _) = load_fixture("repair/null_geometry.geojson");
    assert_eq!(layer.len(), 2);
    assert_eq!(layer.geometries.iter().filter(|g| g.is_none()).count(), 1);
    let none_row = layer.geometries.iter().position(|g| g.is_none()).unwrap();
    assert!(
        layer.attributes.row(none_row).count() > 0,
        "its properties are kept"
    );

    let (layer, problems) = load_fixture("repair/z_coords.geojson");
    assert!(problems.is_empty(), "{problems:?}");
    assert!(layer.extras.values().all(|e| {
        e.z.as_ref()
            .is_some_and(|z| z.iter().all(|v| v.is_finite()))
    }));
    assert_eq!(layer.extras.len(), 2);
}

#[test]
fn bare_geometry_single_feature_and_collections_load() {
    let (layer, _) = load_fixture("repair/bare_geometry.geojson");
    assert!(matches!(
        layer.geometries[0],
        Some(Geometry::MultiPolygon(_))
    ));
    let (layer, _) = load_fixture("repair/single_feature.geojson");
    assert_eq!(layer.ids[0], Some(FeatureId::Int(42)));
    assert_eq!(layer.display_id(0), "42");
    let (layer, _) = load_fixture("repair/geometry_collection.geojson");
    let Some(Geometry::GeometryCollection(gc)) = &layer.geometries[0] else {
        panic!()
    };
    assert_eq!(gc.0.len(), 3);
}

#[test]
fn broken_files_fail_with_file_and_byte_position() {
    for (rel, words) in [
        ("repair/truncated.geojson", "ends too early"),
        ("repair/not_json.geojson", "invalid JSON"),
        ("repair/deep_nesting.geojson", "nests too deep"),
    ] {
        let e = read_layer_file(&common::data(rel), &LayerOptions::default(), None).unwrap_err();
        let m = e.to_string();
        assert!(m.contains(rel.rsplit('/').next().unwrap()), "{m}");
        assert!(m.contains(words) && m.contains("at byte"), "{m}");
    }
}

#[test]
fn a_folder_with_one_broken_file_still_loads_the_rest() {
    let loaded = common::load(&[&common::data("repair")]);
    assert!(loaded.park.layers.len() >= 8);
    assert_eq!(loaded.files_failed, 3);
    let errors = loaded
        .report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    assert_eq!(errors, 3);
}

/// Every file of the shared corpus (of every format the importer reads) loads or fails
/// with a reported error; never a panic.
#[test]
fn corpus_loads_or_fails_cleanly() {
    let Some(dir) = common::corpus_dir() else {
        eprintln!("corpus: skipped (../shared/corpus not present)");
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                parkplan::import::READ_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str())
            }) {
                // GeoJSON, and any Shapefile, GeoPackage or TXT the corpus holds.
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(
        files.len() > 100,
        "corpus looks incomplete: {}",
        files.len()
    );
    let (mut ok, mut failed) = (0, 0);
    for f in &files {
        let loaded = common::load(&[f.as_path()]);
        if loaded.park.layers.is_empty() {
            failed += 1;
            let label = f.display().to_string();
            assert!(
                loaded
                    .report
                    .problems
                    .iter()
                    .any(|p| p.file == label && p.severity == Severity::Error),
                "{label}: not loaded and no error reported"
            );
        } else {
            ok += 1;
        }
    }
    eprintln!("corpus: {ok} files loaded, {failed} failed cleanly");
    assert!(ok > 60);
}

#[test]
fn manifest_overrides_role_fields_and_crs() {
    let dir = crate::common::scratch().join("parkplan-manifest");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        common::data("crs/parcel_4546.geojson"),
        dir.join("a.geojson"),
    )
    .unwrap();
    // Without a crs member, 6-digit eastings cannot be placed; the manifest says which CRS.
    let text = std::fs::read_to_string(common::data("crs/parcel_4546.geojson")).unwrap();
    let stripped = text.replace(
        r#""crs":{"type":"name","properties":{"name":"EPSG:4546"}}"#,
        r#""x":1"#,
    );
    assert_ne!(text, stripped, "fixture layout changed");
    std::fs::write(dir.join("b.geojson"), stripped).unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"parkplan_manifest":1,"name":"测试","layers":[
            {"path":"a.geojson","name":"甲","role":"enterprises"},
            {"path":"b.geojson","name":"乙","role":"parcels","crs":"EPSG:4546","fields":{"land_use":"审批状态"}}]}"#,
    )
    .unwrap();
    let loaded = common::load(&[&dir]);
    assert_eq!(loaded.park.name, "测试");
    let a = &loaded.park.layers[0];
    assert_eq!((a.name.as_str(), a.role), ("甲", Role::Enterprises));
    let b = &loaded.park.layers[1];
    assert_eq!(b.role, Role::Parcels);
    assert_eq!(
        b.fields.get(&Field::LandUse).map(String::as_str),
        Some("审批状态")
    );
    assert_eq!(b.source.crs.as_ref().unwrap().crs.epsg(), 4546);
    let ring = exterior(b.geometries[0].as_ref().unwrap());
    assert!((ring[0].0 - 112.3485).abs() < 1e-7 && (ring[0].1 - 30.3292).abs() < 1e-7);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn info_json_contract_and_exit_codes() {
    let bin = env!("CARGO_BIN_EXE_parkplan-cli");
    let out = Command::new(bin)
        .args(["info", "--json"])
        .arg(common::data("crs/parcel_4525.geojson"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let l = &v["layers"][0];
    for key in [
        "name",
        "path",
        "role",
        "features",
        "source_crs",
        "encoding",
        "bbox",
        "problems",
    ] {
        assert!(!l[key].is_null(), "missing {key}: {l}");
    }
    assert_eq!(l["source_crs"], "EPSG:4525");
    assert_eq!(l["encoding"], "utf-8");
    assert_eq!(l["features"], 1);
    assert_eq!(l["bbox"].as_array().unwrap().len(), 4);

    let out = Command::new(bin)
        .args(["info"])
        .arg(common::data("repair/not_json.geojson"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not_json.geojson") && err.contains("byte"),
        "{err}"
    );
}

#[test]
fn sample_map_loads_clean_with_the_promised_contents() {
    let dir = common::sample_dir();
    assert!(Path::new(&dir).join("manifest.json").is_file());
    let loaded = common::load_sample();
    assert!(
        loaded.report.is_clean(),
        "{:#?}",
        loaded.report.problems.iter().take(5).collect::<Vec<_>>()
    );
    let park = &loaded.park;

    // KW6: exactly 83 stops, 57 km ± 0.5 km geodesic.
    let kw6 = park.route_named("KW6").expect("KW6");
    use geo::{Geodesic, Length};
    let len: f64 = kw6.line.0.iter().map(|l| Geodesic.length(l)).sum();
    assert!((len - 57_000.0).abs() <= 500.0, "KW6 is {len} m");
    let stops: Vec<_> = park.stops_of_route("KW6").collect();
    assert_eq!(stops.len(), 83);
    // At least 60 enterprises within 500 m of a KW6 stop (brute force, geodesic).
    let near = park
        .enterprises
        .iter()
        .filter(|e| {
            let Some(p) = e.location else { return false };
            stops.iter().any(|s| {
                s.location
                    .is_some_and(|sp| geo::Geodesic.distance(p, sp) <= 500.0)
            })
        })
        .count();
    assert!(near >= 60, "{near} enterprises along KW6");

    // Named enterprises and facilities.
    for name in ["金茂源", "美的楼宇", "五方光电", "法雷奥", "菲利华"] {
        assert!(
            park.enterprises.iter().any(|e| e.name.contains(name)),
            "{name} missing"
        );
    }
    use parkplan::model::FacilityKind as K;
    let count = |k: K| park.facilities.iter().filter(|f| f.kind == k).count();
    assert_eq!(count(K::GovernmentServiceHall), 1);
    assert_eq!(count(K::ComprehensiveServiceCentre), 2);
    assert_eq!(count(K::ConvenienceServiceCentre), 4);
    assert_eq!(count(K::CommunityServiceStation), 36);
    for k in [
        K::PrimarySchool,
        K::MiddleSchool,
        K::Kindergarten,
        K::PolicePost,
    ] {
        assert!(count(k) > 0, "{k:?}");
    }
    for n in ["宿驾", "北港"] {
        assert!(
            park.facilities
                .iter()
                .any(|f| f.kind == K::ComprehensiveServiceCentre && f.name.contains(n))
        );
    }

    // Parcels: every approval status present, the ~513 mu Xiandao first phase.
    use parkplan::model::ApprovalStatus as S;
    for s in [S::Approved, S::Pending, S::Supplied, S::Listed, S::Reserved] {
        assert!(park.parcels.iter().any(|p| p.status == s), "{s:?}");
    }
    assert!(park.parcels.iter().all(|p| p.status != S::Unknown));
    assert!(
        park.parcels
            .iter()
            .any(|p| (p.area.to_mu().0 - 513.0).abs() <= 5.0),
        "no 513-mu parcel"
    );

    // Projects in every lifecycle stage, each with a secretary.
    use parkplan::model::LifecycleStage as L;
    for st in L::ALL {
        assert!(park.projects.iter().any(|p| p.stage == Some(*st)), "{st:?}");
    }
    assert!(park.projects.iter().all(|p| p.secretary.is_some()));
    assert!(
        park.projects
            .iter()
            .any(|p| p.name.contains("先导") && p.investment_yi == Some(200.0))
    );

    // Other routes and a road network.
    assert!(park.routes.len() >= 3);
    assert!(park.roads.len() >= 20);
    // Small: well under 2 MB.
    let bytes: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(bytes < 2_000_000, "{bytes} bytes");
}

#[test]
fn gcj02_option_moves_points_back_to_wgs84() {
    let (glon, glat) = parkplan::gcj02::wgs84_to_gcj02(112.35, 30.33);
    let text = format!(r#"{{"type":"Point","coordinates":[{glon},{glat}]}}"#);
    let opts = LayerOptions {
        gcj02: true,
        ..LayerOptions::default()
    };
    let (layer, _) = read_layer_bytes(text.as_bytes(), "amap.geojson", &opts, None).unwrap();
    let Some(Geometry::Point(p)) = layer.geometries[0] else {
        panic!()
    };
    assert!((p.x() - 112.35).abs() < 1e-9 && (p.y() - 30.33).abs() < 1e-9);
}

/// A seeded mutation smoke test: bytes of real files flipped, cut, duplicated and
/// spliced with JSON's special characters, read by the whole-file and the streaming
/// paths; then the same edits on one file of a Shapefile, a GeoPackage or a coordinate
/// TXT, read by their readers. Nothing may panic; each read gives a layer or an error. More rounds with
/// `PARKPLAN_MUTATIONS=N` (CI runs the default few hundred), more seed files (a folder,
/// read recursively) with `PARKPLAN_MUTATION_SEEDS=DIR`.
#[test]
fn mutated_files_never_panic() {
    let rounds: usize = std::env::var("PARKPLAN_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(240);
    let mut seeds: Vec<Vec<u8>> = ["公交站点.geojson", "服务设施.geojson", "项目.geojson"]
        .iter()
        .map(|f| std::fs::read(common::sample_dir().join(f)).unwrap())
        .collect();
    for f in [
        "crs/parcel_4525_nocrs.geojson",
        "crs/parcel_4546.geojson",
        "encoding/gbk.geojson",
        "encoding/utf16le_bom.geojson",
        "repair/bad_coords.geojson",
    ] {
        seeds.push(std::fs::read(common::data(f)).unwrap());
    }
    // More seeds on request, e.g. PARKPLAN_MUTATION_SEEDS=../shared/corpus/geojsonhint.
    if let Some(dir) = std::env::var_os("PARKPLAN_MUTATION_SEEDS") {
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json" || x == "geojson")
                    && e.metadata().is_ok_and(|m| m.len() < 200_000)
                    && let Ok(b) = std::fs::read(&p)
                {
                    seeds.push(b);
                }
            }
        }
    }
    let dir = crate::common::scratch().join("parkplan-mutations");
    std::fs::create_dir_all(&dir).unwrap();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| -> usize {
        // xorshift64*: reproducible across platforms.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    };
    let specials: [&[u8]; 12] = [
        b"\"",
        b"\\",
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"1e999",
        b"null",
        b"\xFF\xFE",
        b"-",
    ];
    for round in 0..rounds {
        let mut bytes = seeds[round % seeds.len()].clone();
        mutate(&mut bytes, &mut next, &specials);
        let name = format!("round-{round}.geojson");
        let path = dir.join(&name);
        std::fs::write(&path, &bytes).unwrap();
        let opts = LayerOptions::default();
        let whole =
            std::panic::catch_unwind(|| read_layer_bytes(&bytes, &name, &opts, None).is_ok());
        assert!(
            whole.is_ok(),
            "whole-file read panicked on {}",
            path.display()
        );
        let streamed = std::panic::catch_unwind(|| read_layer_file(&path, &opts, None).is_ok());
        assert!(streamed.is_ok(), "file read panicked on {}", path.display());
        assert_eq!(
            whole.ok(),
            streamed.ok(),
            "the two paths disagree on {}",
            path.display()
        );
        std::fs::remove_file(&path).unwrap();
    }
    // The other formats' readers: one file of a Shapefile (.shp, .shx, .dbf, .prj), a
    // GeoPackage or a coordinate TXT mutated, the set read as a user would open it.
    let shp_dir = common::data("formats/shp/gk_cm");
    let shp_set: Vec<(&str, Vec<u8>)> = ["shp", "shx", "dbf", "prj", "cpg"]
        .iter()
        .map(|e| {
            (
                *e,
                std::fs::read(shp_dir.join(format!("parcels.{e}"))).unwrap(),
            )
        })
        .collect();
    let gpkg = std::fs::read(common::data("formats/gpkg/park.gpkg")).unwrap();
    let txt = "[属性描述]\r\n坐标系=2000国家大地坐标系\r\n几度分带=3\r\n带号=37\r\n[地块坐标]\r\n\
        5,1.0,JZ-1,一号,面,,工业用地,0602,@\r\nJ1,1,3357000.000,37630000.000\r\n\
        J2,1,3357000.000,37630100.000\r\nJ3,1,3357100.000,37630100.000\r\n\
        J4,1,3357100.000,37630000.000\r\nJ1,1,3357000.000,37630000.000\r\n";
    let txt = encoding_rs::GBK.encode(txt).0.into_owned();
    for round in 0..rounds {
        let case = dir.join(format!("other-{round}"));
        std::fs::create_dir_all(&case).unwrap();
        let path = match round % 3 {
            0 => {
                let which = next(shp_set.len());
                for (i, (ext, bytes)) in shp_set.iter().enumerate() {
                    let mut bytes = bytes.clone();
                    if i == which {
                        mutate(&mut bytes, &mut next, &specials);
                    }
                    std::fs::write(case.join(format!("parcels.{ext}")), bytes).unwrap();
                }
                case.join("parcels.shp")
            }
            1 => {
                let mut bytes = gpkg.clone();
                mutate(&mut bytes, &mut next, &specials);
                std::fs::write(case.join("park.gpkg"), bytes).unwrap();
                case.join("park.gpkg")
            }
            _ => {
                let mut bytes = txt.clone();
                mutate(&mut bytes, &mut next, &specials);
                std::fs::write(case.join("界址点.txt"), bytes).unwrap();
                case.join("界址点.txt")
            }
        };
        let opts = LayerOptions::default();
        let read = std::panic::catch_unwind(|| read_layer_file(&path, &opts, None).is_ok());
        assert!(read.is_ok(), "read panicked on {}", path.display());
        let opened = std::panic::catch_unwind(|| common::load(&[case.as_path()]).park.layers.len());
        assert!(
            opened.is_ok(),
            "opening the folder panicked on {}",
            case.display()
        );
        std::fs::remove_dir_all(&case).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// One to four random edits of `bytes`: a bit flipped, the end cut, a special sequence
/// inserted, a stretch duplicated or removed.
fn mutate(bytes: &mut Vec<u8>, next: &mut impl FnMut(usize) -> usize, specials: &[&[u8]]) {
    for _ in 0..1 + next(4) {
        let at = next(bytes.len());
        match next(5) {
            0 if at < bytes.len() => bytes[at] ^= 1 << next(8),
            0 => {}
            1 => bytes.truncate(at),
            2 => {
                let s = specials[next(specials.len())];
                bytes.splice(at..at, s.iter().copied());
            }
            3 => {
                let end = (at + next(200)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => {
                let end = (at + next(64)).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
}

#[test]
fn a_number_beyond_f64_skips_its_feature_not_the_file() {
    // Valid JSON grammar, beyond f64: GDAL reads all three (one at inf).
    let file = common::write_temp(
        "1e400",
        "big.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[112.3,30.3]}},
{"type":"Feature","properties":{"n":2},"geometry":{"type":"Point","coordinates":[1e400,30.3]}},
{"type":"Feature","properties":{"n":3},"geometry":{"type":"Point","coordinates":[112.31,30.31]}}]}"#,
    );
    let loaded = common::load(&[file.as_path()]);
    assert_eq!(loaded.park.layers.len(), 1, "the file loads");
    let layer = &loaded.park.layers[0];
    let drawn = layer.geometries.iter().flatten().count();
    assert_eq!(drawn, 2, "the other two features keep their geometry");
    let text: Vec<String> = loaded
        .report
        .problems
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p.message(parkplan::model::Lang::En),
                p.action(parkplan::model::Lang::En)
            )
        })
        .collect();
    assert!(
        text.iter()
            .any(|t| t.contains("1e400") && t.contains("line 3")),
        "the problem names the number and its place: {text:?}"
    );
}

#[test]
fn a_declared_crs_the_coordinates_contradict_is_overruled_loudly() {
    // Declared EPSG:3857, but x ≈ 3.844e7 (beyond 3857's ±20,037,508 m) is an 8-digit
    // Gauss-Krüger easting (zone 38, around 114 E): read as GK, with an error-level note.
    let file = common::write_temp(
        "3857gk",
        "gk-as-3857.geojson",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[
{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[38440000.0,3350000.0]}},
{"type":"Feature","properties":{"n":2},"geometry":{"type":"Point","coordinates":[38441000.0,3351000.0]}}]}"#,
    );
    let loaded = common::load(&[file.as_path()]);
    let layer = &loaded.park.layers[0];
    let crs = layer.source.crs.as_ref().expect("a CRS");
    assert_ne!(crs.crs.code(), "EPSG:3857");
    let p = layer.geometries[0]
        .as_ref()
        .and_then(parkplan::model::representative_point);
    let p = p.expect("a location");
    assert!(
        (100.0..125.0).contains(&p.x()) && (20.0..45.0).contains(&p.y()),
        "in China: {p:?}"
    );
    assert!(
        loaded.report.problems.iter().any(|p| p
            .message(parkplan::model::Lang::En)
            .contains("outside its range")),
        "said loudly"
    );
}

#[test]
fn polygons_far_larger_than_a_park_are_not_counted_as_land() {
    // A "地块" file whose polygons span degrees (county boundaries with Shape_Area).
    let file = common::write_temp(
        "county",
        "地块.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"县","Shape_Area":0.5},"geometry":{"type":"Polygon","coordinates":[[[111.0,29.5],[113.5,29.5],[113.5,31.0],[111.0,31.0],[111.0,29.5]]]}}]}"#,
    );
    let loaded = common::load(&[file.as_path()]);
    assert_eq!(loaded.park.layers[0].role, Role::Other);
    assert!(loaded.park.parcels.is_empty(), "no land counted");
    assert!(
        loaded
            .report
            .problems
            .iter()
            .any(|p| p.message(parkplan::model::Lang::En).contains("spans")),
        "said why"
    );
}

#[test]
fn datav_boundaries_hint_at_gcj02() {
    let file = common::write_temp(
        "datav",
        "420000_full.json",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"adcode":421000,"name":"荆州市","center":[112.23,30.33],"acroutes":[100000,420000]},"geometry":{"type":"Polygon","coordinates":[[[111.5,29.5],[113.5,29.5],[113.5,31.0],[111.5,31.0],[111.5,29.5]]]}}]}"#,
    );
    let loaded = common::load(&[file.as_path()]);
    assert_eq!(loaded.park.layers[0].role, Role::Other, "not parcels");
    assert!(
        loaded
            .report
            .problems
            .iter()
            .any(|p| p.message(parkplan::model::Lang::En).contains("GCJ-02")),
        "the GCJ-02 hint"
    );
}

#[test]
fn a_few_bad_bytes_keep_the_chinese_names_and_are_located() {
    // UTF-8 with 3 invalid bytes in one field *name*, repeated in each of 13 features.
    let dir = crate::common::scratch().join("parkplan-badbytes");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = br#"{"type":"FeatureCollection","features":["#.to_vec();
    for i in 0..13 {
        if i > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(
            format!(
                r#"{{"type":"Feature","properties":{{"名称":"武汉市{i}","地址":"湖北省武汉市江岸区沿江大道","#
            )
            .as_bytes(),
        );
        bytes.extend_from_slice(b"\"code");
        bytes.extend_from_slice(&[0xC3, 0x28, 0xFF]);
        bytes.extend_from_slice(
            format!(r#"":{i}}},"geometry":{{"type":"Point","coordinates":[114.3,30.5]}}}}"#)
                .as_bytes(),
        );
    }
    bytes.extend_from_slice(b"]}");
    let file = dir.join("wuhan.geojson");
    std::fs::write(&file, &bytes).unwrap();
    let loaded = common::load(&[file.as_path()]);
    let layer = &loaded.park.layers[0];
    assert_eq!(layer.source.encoding, TextEncoding::Utf8, "not GB18030");
    assert_eq!(
        layer.attributes.get(0, "名称").as_text().as_deref(),
        Some("武汉市0"),
        "the names stay right"
    );
    let messages: Vec<String> = loaded
        .report
        .problems
        .iter()
        .map(|p| p.message(parkplan::model::Lang::En).clone())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("undecodable bytes were in 1 field")),
        "{messages:?}"
    );
}

#[test]
fn declared_areas_in_square_degrees_are_called_out() {
    // Shape_Area in square degrees read as m²: a 0.01° × 0.01° parcel declares 0.0001.
    let dir = crate::common::scratch().join("parkplan-shapearea");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("地块.geojson");
    let parcel = |i: usize| {
        let x = 112.30 + 0.02 * i as f64;
        format!(
            r#"{{"type":"Feature","properties":{{"地块编号":"P{i}","Shape_Area":0.0001}},"geometry":{{"type":"Polygon","coordinates":[[[{x},30.30],[{x2},30.30],[{x2},30.31],[{x},30.31],[{x},30.30]]]}}}}"#,
            x2 = x + 0.01
        )
    };
    let features: Vec<String> = (0..3).map(parcel).collect();
    std::fs::write(
        &file,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    let loaded = common::load(&[file.as_path()]);
    if loaded
        .park
        .parcels
        .iter()
        .all(|p| p.declared_area.is_none())
    {
        return; // Shape_Area not mapped as a declared area: nothing to check.
    }
    let messages: Vec<String> = loaded
        .report
        .problems
        .iter()
        .map(|p| p.message(parkplan::model::Lang::En).clone())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("square degrees")),
        "{messages:?}"
    );
}
