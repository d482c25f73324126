//! Reports: `parkplan-cli report --csv` with isochrones, and the library call the
//! desktop's "export tables" makes writing the same files.

use std::path::{Path, PathBuf};
use std::process::Command;

use parkplan::analysis::{AreaSettings, isochrone_run};
use parkplan::report::{self, ReportInput};

use crate::common;

fn out_dir(tag: &str) -> PathBuf {
    let d = crate::common::scratch().join(format!("parkplan-report-{tag}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The sample opened as the desktop opens it, and every analysis at default settings.
fn sample_analysed() -> (
    parkplan::workspace::Workspace,
    parkplan::analysis::ParkAnalysis,
) {
    let ws = parkplan::workspace::Workspace::open(
        &[common::sample_dir()],
        None,
        &parkplan::workspace::Overrides::default(),
    )
    .unwrap();
    let r = ws.analyse_with(&AreaSettings::default()).unwrap();
    (ws, r)
}

/// Runs `parkplan-cli report` on the sample map; returns stdout.
fn cli_report(extra: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_parkplan-cli"))
        .arg("report")
        .arg(common::sample_dir())
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The fields of CSV text (RFC 4180 quoting), one vector per record.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CRLF line ends"),
            (false, '\n') => panic!("a bare LF line end"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the last line ends");
    records
}

/// Reads a CSV file: a BOM, then records of the header's width.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let records = parse_csv(text);
    let width = records[0].len();
    for r in &records {
        assert_eq!(r.len(), width, "{}: {r:?}", path.display());
    }
    records
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn cli_report_csv_writes_the_isochrone_tables() {
    let dir = out_dir("cli");
    let stdout = cli_report(&["--csv", dir.to_str().unwrap(), "--isochrone", "walk:15"]);
    let listed: Vec<&str> = stdout.lines().skip(1).map(str::trim).collect();
    let expected: Vec<&str> = report::csv::TABLE_FILES
        .iter()
        .chain(report::csv::ISOCHRONE_FILES)
        .copied()
        .collect();
    assert_eq!(listed, expected);
    for name in &expected {
        read_csv(&dir.join(name));
    }
    let facilities = read_csv(&dir.join("isochrone_facilities.csv"));
    assert_eq!(facilities[0][0], "等时圈 isochrone");
    let park = common::load_sample().park;
    assert_eq!(facilities.len(), 1 + park.facilities.len());
    assert!(facilities[1..].iter().all(|r| r[0] == "walk:15"));
    let pairs = read_csv(&dir.join("isochrone_enterprises.csv"));
    assert!(pairs.iter().any(|r| r[5] == "false_coverage"));
    let components = read_csv(&dir.join("network_components.csv"));
    assert_eq!(components.len(), 3, "the main network and the island road");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_desktop_library_call_writes_the_files_the_cli_writes() {
    // What the desktop's "export tables" does: the park's analysis and isochrones,
    // handed to report::csv::write.
    let (ws, r) = sample_analysed();
    let park = &ws.park;
    let flags = ["walk:15".to_string(), "ebike:10".to_string()];
    let specs = isochrone_run::parse_specs(&flags).unwrap();
    let run = ws.isochrones(&r.coverage, &specs).unwrap();
    let lib = out_dir("lib");
    let input = ReportInput {
        park,
        analysis: &r,
        iso: Some(&run),
    };
    let files = report::csv::write(&lib, input).unwrap();

    let cli = out_dir("cli-same");
    let dir = cli.to_str().unwrap();
    cli_report(&[
        "--csv",
        dir,
        "--isochrone",
        "walk:15",
        "--isochrone",
        "ebike:10",
    ]);
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(file_names(&lib), sorted);
    assert_eq!(file_names(&cli), sorted);
    for name in &files {
        assert!(
            std::fs::read(lib.join(name)).unwrap() == std::fs::read(cli.join(name)).unwrap(),
            "{name} differs"
        );
    }
    let _ = std::fs::remove_dir_all(&lib);
    let _ = std::fs::remove_dir_all(&cli);
}

#[test]
fn json_lists_and_missing_maps_are_the_analysis_in_id_order() {
    // The JSON renders facilities' enterprise lists a batch at a time and writes the
    // missing maps from sorted lists: every one must still be the analysis' answer.
    let (ws, r) = sample_analysed();
    let park = &ws.park;
    let input = ReportInput {
        park,
        analysis: &r,
        iso: None,
    };
    let text = serde_json::to_string(&report::json::build(input, None)).unwrap();
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();

    let facilities = j["facilities"].as_array().unwrap();
    assert_eq!(facilities.len(), r.coverage.facilities.len());
    let mut pairs = 0;
    for (fc, f) in r.coverage.facilities.iter().zip(facilities) {
        assert_eq!(f["id"], park.facilities[fc.facility as usize].id.as_str());
        let mut idx: Vec<u32> = fc.covered.iter().map(|c| c.enterprise).collect();
        idx.sort_unstable();
        let want: Vec<&str> = idx
            .iter()
            .map(|&e| park.enterprises[e as usize].id.as_str())
            .collect();
        let got: Vec<&str> = f["enterprises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(got, want, "facility {}", f["id"]);
        pairs += got.len();
    }
    assert!(pairs > 0, "the sample's facilities cover enterprises");

    // Missing maps: id -> kind codes (the order of keys is checked against a BTreeMap's
    // in report::json's unit test; a Value's map sorts them anyway).
    let check = |json: &serde_json::Value,
                 missing: &parkplan::analysis::living::MissingKinds,
                 id: &dyn Fn(usize) -> String| {
        let map = json.as_object().unwrap();
        let want: std::collections::BTreeMap<String, Vec<&str>> = missing
            .iter()
            .map(|(i, kinds)| (id(*i as usize), kinds.iter().map(|k| k.code()).collect()))
            .collect();
        assert_eq!(map.len(), want.len());
        for ((k, v), (wk, wv)) in map.iter().zip(&want) {
            assert_eq!(k, wk);
            let got: Vec<&str> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect();
            assert_eq!(&got, wv, "{k}");
        }
        map.len()
    };
    let sc = &r.living.service;
    let n = check(&j["service_circle"]["missing"], &sc.missing, &|i| {
        park.enterprises[i].id.to_string()
    });
    let mut tiers = 0;
    for t in &r.living.tiers {
        tiers += check(
            &j["living_circles"][t.name.as_str()]["missing"],
            &t.missing,
            &|i| park.parcels[i].id.to_string(),
        );
    }
    assert!(n + tiers > 0, "the sample misses some kinds somewhere");
}

/// `JsonReport::write_to` (what `parkplan-cli report --json` prints) against
/// `serde_json` on the same report, byte for byte.
fn assert_writer_is_serde(input: ReportInput<'_>, timings: Option<Vec<(String, f64)>>) {
    let want = serde_json::to_vec(&report::json::build(input, timings.clone())).unwrap();
    let mut got = Vec::new();
    report::json::build(input, timings)
        .write_to(&mut got)
        .unwrap();
    assert!(
        got == want,
        "the fast JSON writer differs from serde_json at byte {} of {}",
        got.iter().zip(&want).take_while(|(a, b)| a == b).count(),
        want.len()
    );
}

#[test]
fn the_json_writer_writes_what_serde_json_writes() {
    // The sample: without isochrones, with one travel choice ("isochrone"), with two
    // ("isochrones" too), with timings.
    let (ws, r) = sample_analysed();
    let park = &ws.park;
    let input = ReportInput {
        park,
        analysis: &r,
        iso: None,
    };
    assert_writer_is_serde(input, None);
    assert_writer_is_serde(
        input,
        Some(vec![("load".into(), 1.5), ("index".into(), -0.0)]),
    );
    for flags in [&["walk:15"][..], &["walk:15", "ebike:10"]] {
        let flags: Vec<String> = flags.iter().map(|s| s.to_string()).collect();
        let specs = isochrone_run::parse_specs(&flags).unwrap();
        let run = ws.isochrones(&r.coverage, &specs).unwrap();
        let input = ReportInput {
            park,
            analysis: &r,
            iso: Some(&run),
        };
        assert_writer_is_serde(input, None);
    }

    // A park of ids that need escapes, repeated ids ("#n"), parcel ids out of order
    // (the missing maps sorted by id) and an enterprise without a place.
    let dir = out_dir("tricky-ids");
    std::fs::create_dir_all(&dir).unwrap();
    let ids = [
        "E\\\"1\\\"",
        "荆州-企业",
        "E\\u0001",
        "E\\t2",
        "",
        "😀",
        "E\\u0001",
        "e/3",
    ];
    let mut features = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let geometry = if k == 5 {
            "null".to_string()
        } else {
            format!(
                r#"{{"type":"Point","coordinates":[{},{}]}}"#,
                112.2 + 0.001 * k as f64,
                30.3 + 0.0007 * k as f64
            )
        };
        features.push(format!(
            r#"{{"type":"Feature","properties":{{"id":"{id}","name":"企业{k}","employees":{k}}},"geometry":{geometry}}}"#
        ));
    }
    let collection = |f: &[String]| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            f.join(",")
        )
    };
    std::fs::write(dir.join("enterprises.geojson"), collection(&features)).unwrap();
    let facilities = [
        r#"{"type":"Feature","properties":{"id":"F\"1","kind":"kindergarten","name":"幼儿园"},"geometry":{"type":"Point","coordinates":[112.202,30.301]}}"#.to_string(),
        r#"{"type":"Feature","properties":{"id":"F2","kind":"police_post","name":"警务室"},"geometry":{"type":"Point","coordinates":[112.3,30.4]}}"#.to_string(),
    ];
    std::fs::write(dir.join("facilities.geojson"), collection(&facilities)).unwrap();
    let mut parcels = Vec::new();
    for (k, id) in ["P9", "P\\\"2", "P1", "P9", "地块3"].iter().enumerate() {
        let (x, y) = (112.2 + 0.002 * k as f64, 30.3);
        parcels.push(format!(
            r#"{{"type":"Feature","properties":{{"id":"{id}","land_use":"{use_}","area_mu":1.5}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#,
            x1 = x + 0.001,
            y1 = y + 0.001,
            use_ = if k % 2 == 0 { "R2" } else { "M1" }
        ));
    }
    std::fs::write(dir.join("parcels.geojson"), collection(&parcels)).unwrap();
    let ws = parkplan::workspace::Workspace::open(
        std::slice::from_ref(&dir),
        None,
        &parkplan::workspace::Overrides::default(),
    )
    .unwrap();
    let r = ws.analyse_with(&AreaSettings::default()).unwrap();
    assert_eq!(ws.park.enterprises.len(), ids.len());
    assert!(
        ws.park.enterprises.iter().any(|e| e.id.contains('#')),
        "a repeated id made unique"
    );
    assert!(
        r.coverage.pairs() > 0,
        "the kindergarten covers enterprises"
    );
    assert!(!r.living.service.missing.is_empty());
    assert!(r.living.tiers.iter().any(|t| !t.missing.is_empty()));
    let input = ReportInput {
        park: &ws.park,
        analysis: &r,
        iso: None,
    };
    assert_writer_is_serde(input, None);
    let _ = std::fs::remove_dir_all(&dir);
}
