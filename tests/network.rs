//! Road-network tests on the sample map: noding, components, reach of every facility.

use parkplan::crs::{FrameKind, MetricFrame};
use parkplan::network::{NetworkSettings, RoadGraph, TravelMode};

use crate::common;

#[test]
fn sample_roads_form_one_network_and_one_reported_island() {
    let park = common::load_sample().park;
    let centre = park.extent().unwrap().center();
    let frame = MetricFrame::for_longitude(FrameKind::Utm, centre.x);
    let g = RoadGraph::build(&park, frame, NetworkSettings::default()).unwrap();
    assert_eq!(g.components.len(), 2, "{:?}", g.components);
    assert!(g.components[1].roads.iter().any(|r| r.contains("三八洲")));
    // Every facility snaps to the main network and reaches something in 15 minutes.
    let t0 = std::time::Instant::now();
    let mut reached_polygons = 0;
    for f in &park.facilities {
        let p = f.location.unwrap();
        let s = g
            .snap(p.x(), p.y())
            .unwrap_or_else(|| panic!("{} is far from every road", f.name));
        // Only the island's own station sits on the isolated road.
        assert_eq!(
            g.component_of_snap(&s) != 0,
            f.name.contains("三八洲"),
            "{}",
            f.name
        );
        let r = g.reach(&s, TravelMode::Walk, 15.0 * 60.0);
        if !g.reach_polygon(&r, Some([p.x(), p.y()])).0.is_empty() {
            reached_polygons += 1;
        }
    }
    assert_eq!(reached_polygons, park.facilities.len());
    eprintln!(
        "{} nodes, {} edges, {:.1} km; 15-min walking reach of {} facilities in {:?} (debug build)",
        g.graph.node_count(),
        g.graph.edge_count(),
        g.total_length_m() / 1000.0,
        park.facilities.len(),
        t0.elapsed()
    );
}

#[test]
fn isochrone_coverage_compares_with_circles_on_the_sample() {
    use parkplan::analysis::{
        AnalysisSettings, IsochroneSpec, isochrone_coverage, service_coverage,
    };
    use parkplan::spatial::ParkIndex;
    let park = common::load_sample().park;
    let index = ParkIndex::build_default(&park).unwrap();
    let circles = service_coverage(&park, &index, &AnalysisSettings::default());
    let g = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
    let iso = isochrone_coverage(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("walk:15").unwrap(),
    );
    assert_eq!(iso.facilities.len(), park.facilities.len());
    assert_eq!(iso.disconnected.len(), 1);
    for (f, c) in iso.facilities.iter().zip(&circles.facilities) {
        let circle: std::collections::BTreeSet<u32> =
            c.covered.iter().map(|c| c.enterprise).collect();
        let reached: std::collections::BTreeSet<u32> = f.reached.iter().map(|r| r.0).collect();
        // false coverage = circle − reached; beyond = reached − circle.
        let fc: std::collections::BTreeSet<u32> = circle.difference(&reached).copied().collect();
        let bc: std::collections::BTreeSet<u32> = reached.difference(&circle).copied().collect();
        assert_eq!(
            f.false_coverage
                .iter()
                .copied()
                .collect::<std::collections::BTreeSet<_>>(),
            fc
        );
        assert_eq!(
            f.beyond_circle
                .iter()
                .copied()
                .collect::<std::collections::BTreeSet<_>>(),
            bc
        );
        // Nothing is reached in 15 minutes of walking beyond 1250 m plus walked legs.
        assert!(f.reached.iter().all(|(_, t)| *t <= 15.0 + 1e-3));
    }
    // Along roads a 1000 m circle claims more than 15 minutes of walking reach somewhere.
    let claimed: usize = iso.facilities.iter().map(|f| f.false_coverage.len()).sum();
    eprintln!("false coverage pairs at walk:15: {claimed}");
}

#[test]
fn an_enterprise_far_from_roads_is_unreachable_not_dropped() {
    use parkplan::analysis::{
        AnalysisSettings, IsochroneSpec, build, isochrone_coverage, service_coverage,
    };
    use parkplan::model::{FacilityKind, Park};
    use parkplan::spatial::ParkIndex;
    let road = |id: &str, pts: &[(f64, f64)]| {
        let r = build::route(id, id, pts);
        parkplan::model::Road {
            feature: r.feature,
            id: id.into(),
            name: id.into(),
            class: None,
            speed_kmh: None,
            oneway: false,
            line: r.line,
        }
    };
    let park = Park {
        enterprises: vec![
            build::enterprise("near", 112.3050, 30.3003, Some(10)),
            build::enterprise("far", 112.3050, 30.3200, Some(10)),
        ],
        facilities: vec![build::facility(
            "F",
            FacilityKind::ComprehensiveServiceCentre,
            112.3000,
            30.3002,
        )],
        roads: vec![road("R", &[(112.29, 30.30), (112.32, 30.30)])],
        ..Park::default()
    };
    let index = ParkIndex::build_default(&park).unwrap();
    let circles = service_coverage(&park, &index, &AnalysisSettings::default());
    let g = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
    let iso = isochrone_coverage(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("walk:15").unwrap(),
    );
    assert_eq!(iso.unreachable.len(), 1);
    assert_eq!(iso.unreachable[0].0, 1);
    assert!(iso.unreachable[0].1.unwrap() > 2000.0);
    assert_eq!(iso.facilities[0].reached.len(), 1);
}

/// The library's isochrone of one sample facility (by id), beside its circle.
fn sample_isochrone(
    park: &parkplan::model::Park,
    id: &str,
    spec: &str,
) -> (
    parkplan::analysis::FacilityCoverage,
    parkplan::analysis::FacilityIsochrone,
) {
    use parkplan::analysis::{
        AnalysisSettings, IsochroneSpec, facility_isochrone, service_coverage,
    };
    use parkplan::spatial::ParkIndex;
    let index = ParkIndex::build_default(park).unwrap();
    let circles = service_coverage(park, &index, &AnalysisSettings::default());
    let g = RoadGraph::build(park, *index.frame(), NetworkSettings::default()).unwrap();
    let fi = park.facilities.iter().position(|f| f.id == id).unwrap();
    let iso = facility_isochrone(
        park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse(spec).unwrap(),
        fi,
    )
    .unwrap();
    (circles.facilities[fi].clone(), iso)
}

#[test]
fn cli_export_prints_the_isochrone_beside_the_circle() {
    use std::process::Command;
    let park = common::load_sample().park;
    let (circle, iso) = sample_isochrone(&park, "SS-003", "walk:15");
    assert!(!iso.false_coverage.is_empty() && !iso.reached.is_empty());
    let dir = crate::common::scratch().join("parkplan-iso-export");
    std::fs::create_dir_all(&dir).unwrap();
    let cli = env!("CARGO_BIN_EXE_parkplan-cli");
    let run = |out: &std::path::Path| {
        let o = Command::new(cli)
            .arg("export")
            .arg(common::sample_dir())
            .arg("--out")
            .arg(out)
            .args([
                "--facility",
                "SS-003",
                "--isochrone",
                "walk:15",
                "--paper",
                "A3",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    // PDF: one A3 page whose text carries the library's figures and both legend rows.
    let pdf = dir.join("ss003.pdf");
    run(&pdf);
    let bytes = std::fs::read(&pdf).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    if Command::new("pdftotext").arg("-v").output().is_ok() {
        let o = Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        let row = |key: &str| -> String {
            text.lines()
                .find(|l| l.contains(key))
                .unwrap_or_else(|| panic!("no row {key} in\n{text}"))
                .to_string()
        };
        let count_in = |line: &str, key: &str| -> usize {
            let after = &line[line.find(key).unwrap() + key.len()..];
            let digits: String = after
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',')
                .filter(|c| *c != ',')
                .collect();
            digits
                .parse()
                .unwrap_or_else(|_| panic!("no count after {key} in {line}"))
        };
        assert_eq!(count_in(&row("圆内企业"), "圆内企业"), circle.covered.len());
        assert_eq!(
            count_in(&row("步行15分钟可达企业"), "步行15分钟可达企业"),
            iso.reached.len()
        );
        assert_eq!(
            count_in(&row("误覆盖（圆内不可达）"), "误覆盖（圆内不可达）"),
            iso.false_coverage.len()
        );
        assert_eq!(
            count_in(&row("圆外可达"), "圆外可达"),
            iso.beyond_circle.len()
        );
        assert!(text.contains("步行15分钟可达范围（沿道路）"), "{text}");
        assert!(text.contains("服务半径 1.00 km（圆形）"), "{text}");
        // The nearest wrongly claimed enterprise is named with its real time.
        let (first, minutes) = iso
            .false_coverage
            .iter()
            .zip(&iso.false_coverage_minutes)
            .min_by(|a, b| {
                a.1.unwrap_or(f32::INFINITY)
                    .total_cmp(&b.1.unwrap_or(f32::INFINITY))
            })
            .unwrap();
        let name = &park.enterprises[*first as usize].name;
        let line = row(name);
        assert!(
            line.contains(&format!("{:.1} 分钟", minutes.unwrap())),
            "{line}"
        );
        assert!(minutes.unwrap() > 15.0);
    }
    // SVG: the isochrone is filled in its theme colour, the circle is an unfilled
    // outline, and every falsely covered enterprise is drawn in the flagged colour.
    let svg_path = dir.join("ss003.svg");
    run(&svg_path);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    let theme = parkplan::render::Theme::default();
    assert!(svg.contains(&format!("fill=\"{}\"", theme.isochrone_fill.hex_rgb())));
    // Markers are symbols defined once and placed with <use>: count the placements of
    // the symbols filled in the flagged colour (and any shape drawn in it directly).
    let fill = format!("fill=\"{}\"", theme.flagged_fill.hex_rgb());
    let flagged = svg
        .lines()
        .map(|l| {
            if l.starts_with("<defs>") && l.contains(&fill) {
                let id = l.split("id=\"").nth(1).and_then(|r| r.split('"').next());
                id.map_or(0, |id| svg.matches(&format!("href=\"#{id}\"")).count())
            } else {
                l.matches(&fill).count()
            }
        })
        .sum::<usize>();
    // One marker per falsely covered enterprise plus the legend swatch.
    assert_eq!(flagged, iso.false_coverage.len() + 1, "flagged markers");
    // --isochrone needs --facility; a bad spec fails with a message.
    let bad = Command::new(cli)
        .arg("export")
        .arg(common::sample_dir())
        .arg("--out")
        .arg(dir.join("bad.pdf"))
        .args(["--facility", "SS-003", "--isochrone", "car:15"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("walk or ebike"));
    assert!(!dir.join("bad.pdf").exists());
    std::fs::remove_dir_all(dir).ok();
}

/// The analysis panel, driven through egui_kittest: a facility switched to its 15-minute
/// walking isochrone shows the library's counts, and its map overlay holds the reached
/// enterprises and the flagged false coverage.
#[cfg(feature = "gui")]
#[test]
fn ui_isochrone_of_a_facility_shows_the_librarys_counts() {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;
    use parkplan::analysis::IsochroneSpec;
    use parkplan::model::Lang;
    use parkplan::network::TravelMode;
    use parkplan::ui::i18n;
    use parkplan::ui::settings::Settings;
    use parkplan::ui::{App, fonts};
    use std::time::{Duration, Instant};

    fn wait_until(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
        let start = Instant::now();
        loop {
            h.step();
            if done(h.state()) {
                h.run();
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    // The library's answer, computed independently of the UI.
    let park = common::load_sample().park;
    let (circle, iso) = sample_isochrone(&park, "SS-003", "walk:15");
    let name = park
        .facilities
        .iter()
        .find(|f| f.id == "SS-003")
        .unwrap()
        .name
        .clone();
    assert!(!iso.false_coverage.is_empty());

    let settings = Settings {
        lang: Some(Lang::Zh),
        ..Settings::default()
    };
    let app = App::with_settings(settings, vec![common::sample_dir()]);
    let mut h = Harness::builder()
        .with_size(eframe::egui::vec2(1400.0, 1000.0))
        .with_context_setup(fonts::install_bundled)
        .with_max_steps(200)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    wait_until(&mut h, "the load", |a| !a.is_loading());
    h.get_by_label("服务分析").click();
    h.run();
    wait_until(&mut h, "the analysis", |a| {
        a.session().is_some_and(|s| s.ws.studies.is_current())
    });
    h.get_by_label_contains(&name).click();
    h.run();
    // Circle first: the circle's count.
    h.get_by_label(&parkplan::ui::panels::analysis::covered_label(
        Lang::Zh,
        circle.covered.len(),
    ));
    // Switch the kind to its isochrone, walking, 15 minutes.
    // (A spinner shows while the network builds: step frames instead of settling.)
    h.get_by_label("等时圈（沿道路）").click();
    h.run_steps(3);
    h.get_by_label("步行").click();
    h.run_steps(3);
    h.get_by_label(&i18n::fmt_minutes(Lang::Zh, 15.0)).click();
    h.run_steps(3);
    let spec = IsochroneSpec {
        mode: TravelMode::Walk,
        minutes: 15.0,
    };
    wait_until(&mut h, "the isochrones", |a| {
        a.session().is_some_and(|s| {
            s.ws.studies.isochrone(spec).is_some()
                && !s.ws.studies.is_computing()
                && s.ws.studies.overlay.flagged.len() == iso.false_coverage.len()
        })
    });
    let what = spec.describe(Lang::Zh);
    h.get_by_label(&i18n::fmt_in_circle(Lang::Zh, circle.covered.len()));
    h.get_by_label(&i18n::fmt_reached(Lang::Zh, &what, iso.reached.len()));
    h.get_by_label(&i18n::fmt_false_coverage(
        Lang::Zh,
        iso.false_coverage.len(),
    ));
    h.get_by_label(&i18n::fmt_beyond_circle(Lang::Zh, iso.beyond_circle.len()));
    {
        let s = h.state().session().unwrap();
        let o = &s.ws.studies.overlay;
        assert_eq!(o.highlighted.len(), iso.reached.len());
        assert_eq!(o.areas.len(), 2, "isochrone band and circle outline");
        assert_eq!(o.areas[0].kind, parkplan::render::AreaKind::Isochrone);
        assert_eq!(o.areas[1].kind, parkplan::render::AreaKind::CircleOutline);
        let want: Vec<_> = iso
            .false_coverage
            .iter()
            .map(|&e| park.enterprises[e as usize].feature)
            .collect();
        assert_eq!(o.flagged, want);
    }
    // A falsely covered enterprise in the list: a click selects it (and zooms).
    let nearest = iso
        .false_coverage
        .iter()
        .zip(&iso.false_coverage_minutes)
        .min_by(|a, b| {
            a.1.unwrap_or(f32::INFINITY)
                .total_cmp(&b.1.unwrap_or(f32::INFINITY))
        })
        .map(|(e, _)| *e)
        .unwrap();
    let e = &park.enterprises[nearest as usize];
    h.get_all_by_label(&e.name).next().unwrap().click();
    h.run();
    assert_eq!(h.state().selection(), Some(e.feature));
    // The network tab names the isolated island road.
    h.get_by_label("路网").click();
    h.run();
    h.get_by_label_contains("三八洲岛内路");
}

#[test]
fn cli_report_adds_isochrones_to_every_output_form() {
    use parkplan::analysis::{
        AnalysisSettings, IsochroneSpec, isochrone_coverage_with, service_coverage,
    };
    use parkplan::spatial::ParkIndex;
    use std::process::Command;
    let park = common::load_sample().park;
    // The library's answers (the report uses the UTM frame, as ParkIndex::build_default).
    let index = ParkIndex::build_default(&park).unwrap();
    let circles = service_coverage(&park, &index, &AnalysisSettings::default());
    let g = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
    let walk = isochrone_coverage_with(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("walk:15").unwrap(),
        false,
    );
    let ebike = isochrone_coverage_with(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("ebike:15").unwrap(),
        false,
    );
    let cli = env!("CARGO_BIN_EXE_parkplan-cli");
    let run = |extra: &[&str]| {
        let o = Command::new(cli)
            .arg("report")
            .arg(common::sample_dir())
            .args(["--isochrone", "walk:15", "--isochrone", "ebike:15"])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    // JSON: the contract keys, equal to the library's lists.
    let j: serde_json::Value = serde_json::from_str(&run(&["--json"])).unwrap();
    let ids = |v: &[u32]| -> Vec<String> {
        v.iter()
            .map(|&e| park.enterprises[e as usize].id.to_string())
            .collect()
    };
    let as_ids = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    let facilities = j["facilities"].as_array().unwrap();
    assert_eq!(facilities.len(), park.facilities.len());
    for (fi, f) in facilities.iter().enumerate() {
        assert_eq!(f["id"], park.facilities[fi].id.as_str());
        let iso = &f["isochrone"];
        assert_eq!(iso["mode"], "walk");
        assert!(iso["minutes"].is_u64() && iso["minutes"] == 15, "{iso}");
        let w = &walk.facilities[fi];
        let reached: Vec<u32> = w.reached.iter().map(|r| r.0).collect();
        assert_eq!(as_ids(&iso["enterprises"]), ids(&reached));
        assert_eq!(as_ids(&iso["false_coverage"]), ids(&w.false_coverage));
        assert_eq!(as_ids(&iso["beyond_circle"]), ids(&w.beyond_circle));
        // Several flags: "isochrones" has them all, the first equal to "isochrone".
        let all = f["isochrones"].as_array().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(&all[0], iso);
        assert_eq!(all[1]["mode"], "ebike");
        let e = &ebike.facilities[fi];
        let reached: Vec<u32> = e.reached.iter().map(|r| r.0).collect();
        assert_eq!(as_ids(&all[1]["enterprises"]), ids(&reached));
    }
    let ss003 = facilities.iter().find(|f| f["id"] == "SS-003").unwrap();
    assert!(
        !ss003["isochrone"]["false_coverage"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let net = &j["network"];
    assert_eq!(net["nodes"], g.graph.node_count());
    assert_eq!(net["edges"], g.graph.edge_count());
    assert_eq!(net["components"].as_array().unwrap().len(), 2);
    assert!(as_ids(&net["components"][1]["roads"])[0].contains("三八洲"));
    assert_eq!(as_ids(&net["unreachable"]), ids(&[]));
    assert_eq!(
        as_ids(&net["facilities_on_isolated_pieces"]),
        vec!["SS-041"]
    );
    let method = j["method"].as_str().unwrap();
    assert!(method.contains("walking 5 km/h") && method.contains("e-bike 15 km/h"));
    assert!(method.contains("geodesic along the roads"));
    let (kind, uncovered) = &walk.uncovered[0];
    assert_eq!(
        as_ids(&j["isochrone_uncovered"]["walk:15"][kind.code()]),
        ids(uncovered)
    );
    // Tables: a row per facility with circle, isochrone, false coverage, beyond.
    let text = run(&[]);
    let fi = park
        .facilities
        .iter()
        .position(|f| f.id == "SS-003")
        .unwrap();
    let w = &walk.facilities[fi];
    let row = text
        .lines()
        .skip_while(|l| !l.starts_with("等时圈覆盖 Isochrone coverage walk:15"))
        .find(|l| l.starts_with("SS-003"))
        .unwrap();
    let nums: Vec<usize> = row
        .split_whitespace()
        .filter_map(|c| c.parse().ok())
        .collect();
    assert_eq!(
        nums,
        vec![
            1000,
            circles.facilities[fi].covered.len(),
            w.reached.len(),
            w.false_coverage.len(),
            w.beyond_circle.len(),
            w.employees as usize
        ],
        "{row}"
    );
    assert!(text.contains("误覆盖企业 False coverage walk:15"));
    assert!(text.contains("等时圈未覆盖企业"));
    assert!(text.contains("孤立路段 isolated #1"));
    // CSV: UTF-8 with BOM, one row per false-coverage pair among others.
    let dir = crate::common::scratch().join("parkplan-iso-csv");
    let _ = std::fs::remove_dir_all(&dir);
    run(&["--csv", dir.to_str().unwrap()]);
    for f in [
        "isochrone_facilities.csv",
        "isochrone_enterprises.csv",
        "isochrone_uncovered.csv",
        "network_components.csv",
        "network_unreachable.csv",
    ] {
        let b = std::fs::read(dir.join(f)).unwrap();
        assert!(b.starts_with(b"\xEF\xBB\xBF"), "{f}");
    }
    let pairs = std::fs::read_to_string(dir.join("isochrone_enterprises.csv")).unwrap();
    let false_pairs = pairs
        .lines()
        .filter(|l| l.starts_with("walk:15,") && l.contains(",false_coverage,"))
        .count();
    let want: usize = walk.facilities.iter().map(|f| f.false_coverage.len()).sum();
    assert_eq!(false_pairs, want);
    std::fs::remove_dir_all(dir).ok();
}

/// A river between two roads joined by one bridge 800 m downstream: the 1000 m circle
/// claims the enterprise on the far bank, 380 m away as the crow flies but 2 km along
/// roads. Every figure is checked against the hand-computed answer.
#[test]
fn a_river_with_one_bridge_makes_false_coverage_that_an_ebike_recovers() {
    use parkplan::analysis::{
        AnalysisSettings, IsochroneSpec, build, isochrone_coverage, service_coverage,
    };
    use parkplan::crs::FrameKind;
    use parkplan::model::{FacilityKind, Park, Road};
    use parkplan::spatial::ParkIndex;
    let frame = MetricFrame::for_longitude(FrameKind::Local, 112.3);
    let p = frame.projector().unwrap();
    let [x0, y0] = p.forward(112.3, 30.3);
    let ll = |x: f64, y: f64| {
        let [lon, lat] = p.inverse(x0 + x, y0 + y);
        (lon, lat)
    };
    let road = |id: &str, pts: &[(f64, f64)], speed: Option<f64>| {
        let pts: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| ll(x, y)).collect();
        let r = build::route(id, id, &pts);
        Road {
            feature: r.feature,
            id: id.into(),
            name: id.into(),
            class: None,
            speed_kmh: speed,
            oneway: false,
            line: r.line,
        }
    };
    let at = |x: f64, y: f64| ll(x, y);
    let (fx, fy) = at(10.0, 0.0);
    let e = |id: &str, x: f64, y: f64| {
        let (lon, lat) = at(x, y);
        build::enterprise(id, lon, lat, Some(10))
    };
    let park = Park {
        facilities: vec![build::facility(
            "F",
            FacilityKind::ComprehensiveServiceCentre,
            fx,
            fy,
        )],
        enterprises: vec![
            e("across", 390.0, 0.0),   // far bank: 380 m straight, 2020 m along roads
            e("upriver", 10.0, 900.0), // same bank, in the circle: 920 m
            e("south", 10.0, -1100.0), // same bank, beyond the circle: 1120 m
            e("field", 3000.0, 0.0),   // 2.6 km from every road
        ],
        roads: vec![
            road("west", &[(0.0, -1150.0), (0.0, 1000.0)], None),
            road("east", &[(400.0, -1000.0), (400.0, 1000.0)], None),
            // The bridge (10 km/h limit) at y = -800 joins the banks.
            road("bridge", &[(0.0, -800.0), (400.0, -800.0)], Some(10.0)),
        ],
        ..Park::default()
    };
    let index = ParkIndex::build_default(&park).unwrap();
    let circles = service_coverage(&park, &index, &AnalysisSettings::default());
    assert_eq!(circles.facilities[0].covered.len(), 2, "across and upriver");
    let g = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
    assert_eq!(g.components.len(), 1);
    let walk = isochrone_coverage(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("walk:15").unwrap(),
    );
    let f = &walk.facilities[0];
    // Walking 5 km/h = 83.33 m/min.
    let v = 5000.0 / 60.0;
    assert_eq!(
        f.reached.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let minutes = |e: u32| f.reached.iter().find(|r| r.0 == e).unwrap().1 as f64;
    assert!((minutes(1) - 920.0 / v).abs() < 0.02, "{}", minutes(1));
    assert!((minutes(2) - 1120.0 / v).abs() < 0.02, "{}", minutes(2));
    assert_eq!(f.false_coverage, vec![0], "the far bank is claimed wrongly");
    assert_eq!(f.beyond_circle, vec![2]);
    // Its real time: 800 + 400 + 800 m along roads and two 10 m legs.
    let real = f.false_coverage_minutes[0].unwrap() as f64;
    assert!((real - 2020.0 / v).abs() < 0.02, "{real}");
    assert_eq!(walk.unreachable.len(), 1);
    assert_eq!(walk.unreachable[0].0, 3);
    assert!((walk.unreachable[0].1.unwrap() - 2600.0).abs() < 1.0);
    // By e-bike (15 km/h, 10 km/h on the bridge, legs walked) the far bank is reached:
    // 1600 m at 250 m/min + 400 m at 166.7 m/min + 20 m at 83.3 m/min = 9.04 min.
    let ebike = isochrone_coverage(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("ebike:15").unwrap(),
    );
    let f = &ebike.facilities[0];
    let t = f.reached.iter().find(|r| r.0 == 0).unwrap().1 as f64;
    let want = 1600.0 / 250.0 + 400.0 / (10000.0 / 60.0) + 20.0 / v;
    assert!((t - want).abs() < 0.02, "{t} vs {want}");
    assert!(f.false_coverage.is_empty());
    // ...but not in 5 minutes (upriver is: 900 m at 250 m/min + 20 m walked = 3.8 min).
    let ebike5 = isochrone_coverage(
        &park,
        &index,
        &g,
        &circles,
        IsochroneSpec::parse("ebike:5").unwrap(),
    );
    assert_eq!(ebike5.facilities[0].false_coverage, vec![0]);
    let t = ebike5.facilities[0].reached[0];
    assert_eq!(t.0, 1);
    assert!(
        (t.1 as f64 - (900.0 / 250.0 + 20.0 / v)).abs() < 0.02,
        "{t:?}"
    );
    // The polygon covers the near bank around the facility and not the far bank.
    use geo::Contains;
    let poly = &walk.facilities[0].polygon;
    let (lon, lat) = at(10.0, 100.0);
    assert!(poly.contains(&geo::Point::new(lon, lat)));
    let (lon, lat) = at(390.0, 0.0);
    assert!(!poly.contains(&geo::Point::new(lon, lat)));
}

#[test]
fn one_facility_isochrone_equals_its_entry_in_the_full_analysis() {
    use parkplan::analysis::{
        AnalysisSettings, IsochroneSpec, facility_isochrone, isochrone_coverage, service_coverage,
    };
    use parkplan::spatial::ParkIndex;
    let park = common::load_sample().park;
    let index = ParkIndex::build_default(&park).unwrap();
    let circles = service_coverage(&park, &index, &AnalysisSettings::default());
    let g = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
    for spec in ["walk:10", "ebike:15"] {
        let spec = IsochroneSpec::parse(spec).unwrap();
        let all = isochrone_coverage(&park, &index, &g, &circles, spec);
        for fi in (0..park.facilities.len()).step_by(5) {
            let one = facility_isochrone(&park, &index, &g, &circles, spec, fi).unwrap();
            assert_eq!(one, all.facilities[fi], "facility {fi} at {}", spec.label());
        }
    }
}
