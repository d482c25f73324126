//! The land and project ledger (issue #13) on the sample map and on hand-made files:
//! the red-line overlay in mu, the arable quota of the 先导 first phase, stalled
//! projects on a day, the JSON contract of `report` and `dispatch`, the dispatch PDF
//! read back, and a constraint layer recognised from its name and its land classes.

use std::path::Path;
use std::process::Command;

use parkplan::analysis::{AnalysisSettings, analyse};
use parkplan::model::date::Date;
use parkplan::model::{ConstraintKind, Role};
use parkplan::spatial::ParkIndex;

use crate::common;

fn cli() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_parkplan-cli"))
}

fn sample_analysis(day: &str) -> (parkplan::model::Park, parkplan::analysis::ParkAnalysis) {
    let park = common::load_sample().park;
    let settings = AnalysisSettings {
        as_of: Date::parse(day),
        ..AnalysisSettings::default()
    };
    let index = ParkIndex::build(&park, parkplan::spatial::frame_for(&park, settings.frame))
        .expect("index");
    let r = analyse(&park, &index, &settings);
    (park, r)
}

#[test]
fn the_sample_has_its_constraint_layers_and_the_xiandao_quota() {
    let (park, r) = sample_analysis("2026-12-05");
    let kinds: Vec<Option<ConstraintKind>> = r.constraints.layers.iter().map(|l| l.kind).collect();
    for k in [
        ConstraintKind::ArableLand,
        ConstraintKind::PermanentFarmland,
        ConstraintKind::EcologicalRedline,
        ConstraintKind::UrbanBoundary,
    ] {
        assert!(kinds.contains(&Some(k)), "{k:?} missing from {kinds:?}");
    }
    // The orchard (地类编码 0201) in the land-survey layer is not arable land.
    let gd = r
        .constraints
        .layers
        .iter()
        .find(|l| l.kind == Some(ConstraintKind::ArableLand))
        .unwrap();
    let gd_layer = &park.layers[gd.layer as usize];
    assert_eq!(gd.features + 1, gd_layer.len(), "the orchard is left out");
    let xd = park
        .projects
        .iter()
        .position(|p| p.id == "XM-2023-001")
        .unwrap();
    let s = &r.ledger.projects[xd];
    let q = s.arable_quota_mu.unwrap();
    assert!(
        (q - 313.0).abs() < 3.0,
        "先导 first phase arable quota {q} mu"
    );
    // Its land is supplied by now: the quota is settled; before its approval it was not.
    assert!(!s.quota_outstanding);
    let (_, early) = sample_analysis("2024-06-01");
    assert!(early.ledger.projects[xd].quota_outstanding || !early.ledger.projects[xd].signed);
    // A few parcels touch a red line.
    let touching = r
        .constraints
        .parcels
        .iter()
        .filter(|p| p.redline_conflict_m2() > 1.0)
        .count();
    assert!(
        (1..=20).contains(&touching),
        "{touching} parcels on a red line"
    );
}

#[test]
fn the_date_changes_stages_stalled_projects_and_land_status() {
    let (_, now) = sample_analysis("2026-12-05");
    let (_, then) = sample_analysis("2022-01-01");
    let signed_now = now.ledger.projects.iter().filter(|p| p.signed).count();
    let signed_then = then.ledger.projects.iter().filter(|p| p.signed).count();
    assert_eq!(signed_now, 27);
    assert!(signed_then < signed_now, "{signed_then} signed in 2022");
    assert!(!now.ledger.stalled().is_empty());
    // Every stalled project is longer in its stage than the stage's limit.
    for p in now.ledger.stalled() {
        assert!(p.days_in_stage.unwrap() > p.limit_days.unwrap() as i32);
    }
    let supplied = |r: &parkplan::analysis::ParkAnalysis| {
        r.ledger
            .parcel_status
            .iter()
            .filter(|s| **s == parkplan::model::ApprovalStatus::Supplied)
            .count()
    };
    assert!(supplied(&then) < supplied(&now));
}

fn run_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(cli())
        .args(args)
        .output()
        .expect("run the CLI");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn report_and_dispatch_json_share_the_ledger_keys() {
    let sample = common::sample_dir();
    let s = sample.to_str().unwrap();
    let report = run_json(&["report", s, "--json", "--as-of", "2026-12-05"]);
    let dispatch = run_json(&[
        "dispatch",
        s,
        "--json",
        "--as-of",
        "2026-12-05",
        "--since",
        "2026-09-01",
    ]);
    for key in ["layers", "parcels", "tolerance_m2"] {
        assert!(
            report["constraints"][key] != serde_json::Value::Null,
            "{key}"
        );
    }
    let parcel = &report["constraints"]["parcels"][0];
    for key in [
        "id",
        "permanent_farmland_mu",
        "ecological_redline_mu",
        "outside_urban_boundary_mu",
        "arable_land_mu",
    ] {
        assert!(parcel.get(key).is_some(), "constraints.parcels[].{key}");
    }
    let item = &report["projects"]["items"][0];
    for key in [
        "id",
        "name",
        "stage",
        "stage_since",
        "days_in_stage",
        "stalled",
        "responsible",
        "documents",
        "missing_documents",
        "parcels",
        "arable_quota_needed_mu",
        "redline_conflict_mu",
    ] {
        assert!(item.get(key).is_some(), "projects.items[].{key}");
    }
    // The existing keys stay.
    for key in ["by_stage", "sites", "mismatches"] {
        assert!(report["projects"].get(key).is_some(), "projects.{key}");
    }
    let years = report["land"]["approval_by_year"].as_object().unwrap();
    assert!(!years.is_empty());
    assert!(years.values().all(|y| y.get("submitted_mu").is_some()
        && y.get("approved_mu").is_some()
        && y.get("supplied_mu").is_some()));
    // dispatch prints the same ledger.
    assert_eq!(report["constraints"], dispatch["constraints"]);
    assert_eq!(report["projects"]["items"], dispatch["projects"]["items"]);
    assert_eq!(
        report["land"]["approval_by_year"],
        dispatch["land"]["approval_by_year"]
    );
    assert!(dispatch["moved_since"].as_array().is_some());
    assert_eq!(dispatch["funnel"].as_array().unwrap().len(), 6);
}

#[test]
fn the_dispatch_pdf_names_every_stalled_project_and_its_responsible_person() {
    let dir = crate::common::scratch().join("parkplan-dispatch");
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("周调度.pdf");
    let sample = common::sample_dir();
    let out = Command::new(cli())
        .args([
            "dispatch",
            sample.to_str().unwrap(),
            "--as-of",
            "2026-12-05",
            "--out",
        ])
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = lopdf::Document::load(&pdf).expect("a PDF that reads back");
    assert!(
        doc.get_pages().len() >= 3,
        "{} pages",
        doc.get_pages().len()
    );
    let (park, r) = sample_analysis("2026-12-05");
    let stalled = r.ledger.stalled();
    assert!(!stalled.is_empty());
    if Command::new("pdftotext").arg("-v").output().is_ok() {
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        // Table cells may be shortened with "…"; names are compared without spaces.
        let text: String = String::from_utf8_lossy(&text.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for s in &stalled {
            let p = &park.projects[s.project as usize];
            let name: String = p.name.chars().take(8).collect();
            assert!(text.contains(&name), "{} not in the PDF", p.name);
            let (_, person) = s.responsible.as_ref().unwrap();
            assert!(text.contains(person.as_str()), "{person} not in the PDF");
        }
        assert!(text.contains("滞后项目"));
    }
    // CSV: the project ledger, stalled first.
    let csv = dir.join("台账.csv");
    let out = Command::new(cli())
        .args([
            "dispatch",
            sample.to_str().unwrap(),
            "--as-of",
            "2026-12-05",
            "--out",
        ])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert_eq!(text.lines().count(), 1 + park.projects.len());
    let first = &park.projects[stalled[0].project as usize];
    assert!(text.lines().nth(1).unwrap().contains(&*first.id));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_dates_are_refused_or_listed_never_used() {
    let sample = common::sample_dir();
    let out = Command::new(cli())
        .args([
            "dispatch",
            sample.to_str().unwrap(),
            "--as-of",
            "2026-13-01",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as-of"));
    // A project file with an impossible date: listed as doubtful, the project kept.
    let file = common::write_temp(
        "ledger-dates",
        "项目.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"项目编号":"X1","项目名称":"甲","项目阶段":"开工","签约日期":"2024-02-30","开工日期":"2024-05-01"},"geometry":{"type":"Point","coordinates":[112.3,30.3]}}]}"#,
    );
    let v = run_json(&[
        "report",
        file.to_str().unwrap(),
        "--json",
        "--as-of",
        "2024-06-01",
    ]);
    let doubtful = v["projects"]["doubtful_dates"].as_array().unwrap();
    assert_eq!(doubtful.len(), 1, "{doubtful:?}");
    assert_eq!(doubtful[0]["field"], "签约日期");
    assert_eq!(v["projects"]["items"][0]["stage"], "started");
}

#[test]
fn a_constraint_layer_is_recognised_from_its_name_and_land_classes() {
    let file = common::write_temp(
        "ledger-gd",
        "三调耕地.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"DLBM":"0103","TBBH":"1"},"geometry":{"type":"Polygon","coordinates":[[[112.30,30.30],[112.31,30.30],[112.31,30.31],[112.30,30.31],[112.30,30.30]]]}},
          {"type":"Feature","properties":{"DLBM":"0602","TBBH":"2"},"geometry":{"type":"Polygon","coordinates":[[[112.32,30.30],[112.33,30.30],[112.33,30.31],[112.32,30.31],[112.32,30.30]]]}}]}"#,
    );
    let loaded = common::load(&[file.as_path()]);
    let layer = &loaded.park.layers[0];
    assert_eq!(layer.role, Role::Constraints, "{}", layer.role_reason);
    assert_eq!(
        loaded.park.constraints.len(),
        1,
        "only the 0103 feature is arable"
    );
    assert_eq!(
        loaded.park.constraints[0].kind,
        Some(ConstraintKind::ArableLand)
    );
}

#[test]
fn a_projects_parcels_go_out_as_a_coordinate_txt_for_submission() {
    let dir = crate::common::scratch().join("parkplan-ledger-txt");
    std::fs::create_dir_all(&dir).unwrap();
    let txt = dir.join("先导报批.txt");
    let parcels = common::sample_dir().join("地块.geojson");
    let out = Command::new(cli())
        .arg("convert")
        .arg(&parcels)
        .arg("--out")
        .arg(&txt)
        .args(["--only", "JZ-2023-019,JZ-2024-024"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Read back: the two parcels, with the areas the sample declares.
    let loaded = common::load(&[txt.as_path()]);
    let layer = &loaded.park.layers[0];
    assert_eq!(layer.len(), 2, "{:?}", loaded.report.problems);
    let mut mu: Vec<f64> = loaded
        .park
        .parcels
        .iter()
        .map(|p| p.area.to_mu().0)
        .collect();
    mu.sort_by(f64::total_cmp);
    assert!((mu[0] - 513.06).abs() < 0.5, "{mu:?}");
    assert!((mu[1] - 606.96).abs() < 0.5, "{mu:?}");
    // An id that is not there is named, and nothing is written.
    let missing = dir.join("none.txt");
    let out = Command::new(cli())
        .arg("convert")
        .arg(&parcels)
        .arg("--out")
        .arg(&missing)
        .args(["--only", "JZ-9999-999"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("JZ-9999-999"));
    assert!(!missing.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
