//! UI tests of issue #6 on the real [`App`] through egui_kittest: editing on the map
//! (drag a KW6 stop, see the catchment change, Ctrl+Z), deleting with confirmation,
//! adding a proposed stop through the form, saving a project and reopening it, the
//! survey intake dialog's choices, layer write-back and CSV export, and recovery after a
//! simulated crash. Figures are checked against the analysis library on the same park.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui::{self, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use geo::{Geometry, Point};
use parkplan::analysis::route_catchments;
use parkplan::model::{Edit, FeatureRef, Lang, Park, Role};
use parkplan::spatial::ParkIndex;
use parkplan::ui::command::{Command, LayerChange, Tool};
use parkplan::ui::settings::Settings;
use parkplan::ui::{App, fonts};
use parkplan::workspace::studies::Focus;

use crate::common;

fn build(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(fonts::install_bundled)
        .with_max_steps(200)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

fn settings() -> Settings {
    Settings {
        lang: Some(Lang::Zh),
        ..Settings::default()
    }
}

/// Steps frames until `done` holds (background work finishes between frames).
fn wait(h: &mut Harness<'static, App>, what: &str, mut done: impl FnMut(&mut App) -> bool) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h.state_mut()) {
            h.run();
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn steps(h: &mut Harness<'static, App>, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

/// Waits until nothing loads or computes any more.
fn settle(h: &mut Harness<'static, App>) {
    wait(h, "the app to settle", |a| {
        !a.is_loading() && !a.is_busy() && a.session().is_none_or(|s| s.ws.studies.is_current())
    });
}

fn open(paths: Vec<PathBuf>) -> Harness<'static, App> {
    let mut h = build(App::with_settings(settings(), paths));
    settle(&mut h);
    assert!(
        h.state().load_error().is_none(),
        "{:?}",
        h.state().load_error()
    );
    h
}

/// A private copy of the sample map (tests write beside it).
fn sample_copy(tag: &str) -> PathBuf {
    let dir = crate::common::scratch().join(format!("parkplan-uiedit-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(common::sample_dir()).unwrap().flatten() {
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

fn kw6(app: &App) -> u32 {
    let s = app.session().expect("park");
    s.ws.park
        .routes
        .iter()
        .position(|r| r.name == "KW6")
        .expect("KW6") as u32
}

/// The KW6 catchment's enterprises as the app shows them.
fn kw6_enterprises(app: &App) -> Vec<u32> {
    let ri = kw6(app);
    let s = app.session().expect("park");
    let r = s.ws.studies.results.as_ref().expect("results");
    let mut v = r
        .analysis
        .routes
        .routes
        .iter()
        .find(|x| x.route == ri)
        .expect("KW6 stats")
        .enterprises
        .clone();
    v.sort();
    v
}

/// The library's answer on a park: KW6's catchment enterprises.
fn library_kw6(park: &Park, catchment: f64) -> Vec<u32> {
    let index = ParkIndex::build_default(park).expect("index");
    let ri = park.routes.iter().position(|r| r.name == "KW6").unwrap() as u32;
    let mut v = route_catchments(park, &index, catchment)
        .routes
        .into_iter()
        .find(|r| r.route == ri)
        .expect("KW6")
        .enterprises;
    v.sort();
    v
}

fn screen_of(app: &App, lon_lat: [f64; 2]) -> egui::Pos2 {
    let s = app.session().expect("park");
    let p = s.projected.project(lon_lat[0], lon_lat[1]);
    let q = app.map_state().view.world_to_screen(p);
    egui::pos2(q[0] as f32, q[1] as f32)
}

fn lon_lat_of(app: &App, f: FeatureRef) -> [f64; 2] {
    match app.session().unwrap().ws.park.geometry(f) {
        Some(Geometry::Point(p)) => [p.x(), p.y()],
        g => panic!("not a point: {g:?}"),
    }
}

fn click_at(h: &mut Harness<'static, App>, p: egui::Pos2) {
    h.hover_at(p);
    h.step();
    h.drag_at(p);
    h.step();
    h.drop_at(p);
    h.step();
    h.run();
}

fn drag(h: &mut Harness<'static, App>, from: egui::Pos2, to: egui::Pos2) {
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=6 {
        let t = k as f32 / 6.0;
        h.hover_at(from + (to - from) * t);
        h.step();
    }
    h.drop_at(to);
    h.step();
    h.run();
}

/// A KW6 stop whose move onto an enterprise no route serves changes KW6's catchment
/// (found with the library), and that enterprise's location.
fn stop_and_target(app: &App) -> (FeatureRef, [f64; 2], Vec<u32>) {
    let s = app.session().unwrap();
    let park = &s.ws.park;
    let catchment = s.ws.studies.settings.catchment_m;
    let r = s.ws.studies.results.as_ref().unwrap();
    let targets: Vec<[f64; 2]> = r
        .analysis
        .routes
        .beyond_all
        .iter()
        .filter_map(|&e| park.enterprises[e as usize].location)
        .map(|p| [p.x(), p.y()])
        .collect();
    let before = library_kw6(park, catchment);
    for stop in park.stops_of_route("KW6").take(6) {
        for t in targets.iter().take(5) {
            let mut p2: Park = (**park).clone();
            let (l, i) = (stop.feature.layer as usize, stop.feature.index as usize);
            p2.layers[l].geometries[i] = Some(Geometry::Point(Point::new(t[0], t[1])));
            p2.rebuild_records();
            let after = library_kw6(&p2, catchment);
            if after != before {
                return (stop.feature, *t, after);
            }
        }
    }
    panic!("no KW6 stop move changes the catchment");
}

#[test]
fn dragging_a_kw6_stop_changes_its_catchment_and_ctrl_z_restores_it() {
    let mut h = open(vec![common::sample_dir()]);
    let ri = kw6(h.state());
    h.state_mut().send(Command::Focus(Focus::Route(ri)));
    settle(&mut h);
    let before = kw6_enterprises(h.state());
    let catchment = h.state().session().unwrap().ws.studies.settings.catchment_m;
    assert_eq!(
        before,
        library_kw6(&h.state().session().unwrap().ws.park, catchment)
    );
    assert!(!h.state().is_dirty());
    assert!(!h.state().window_title().starts_with('*'));

    let (stop, target, expected) = stop_and_target(h.state());
    let start_ll = lon_lat_of(h.state(), stop);
    let d = {
        use geo::Distance;
        geo::Haversine.distance(
            Point::new(start_ll[0], start_ll[1]),
            Point::new(target[0], target[1]),
        )
    };
    h.state_mut().send(Command::ZoomAround(stop, d * 1.3));
    settle(&mut h);

    // The edit tool, from the tool bar; a click on the stop selects it.
    h.get_by_label("编辑要素").click();
    h.run();
    assert_eq!(h.state().map_state().tool, Tool::Edit);
    let from = screen_of(h.state(), start_ll);
    click_at(&mut h, from);
    assert_eq!(
        h.state().selection(),
        Some(stop),
        "the click selected the stop"
    );

    // Drag it onto the enterprise.
    let to = screen_of(h.state(), target);
    drag(&mut h, from, to);
    settle(&mut h);
    let moved = lon_lat_of(h.state(), stop);
    let res = h.state().map_state().view.resolution;
    let off = {
        use geo::Distance;
        geo::Haversine.distance(
            Point::new(moved[0], moved[1]),
            Point::new(target[0], target[1]),
        )
    };
    assert!(
        off < 2.0 * res + 0.5,
        "moved to within {off:.2} m of the target"
    );
    // The catchment figures follow at once, as the library computes them.
    let after = kw6_enterprises(h.state());
    let park = h.state().session().unwrap().ws.park.clone();
    assert_eq!(after, library_kw6(&park, catchment));
    assert_eq!(
        after, expected,
        "the same as moving it exactly onto the target"
    );
    assert_ne!(after, before, "the catchment changed");
    assert!(h.state().is_dirty());
    assert!(
        h.state().window_title().starts_with('*'),
        "{}",
        h.state().window_title()
    );

    // Ctrl+Z puts it back exactly; the figures and the title follow.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    settle(&mut h);
    assert_eq!(lon_lat_of(h.state(), stop), start_ll);
    assert_eq!(kw6_enterprises(h.state()), before);
    assert!(!h.state().is_dirty(), "back to the saved state");
    assert!(!h.state().window_title().starts_with('*'));
    // Ctrl+Y redoes it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    settle(&mut h);
    assert_eq!(lon_lat_of(h.state(), stop), moved);
    assert_eq!(kw6_enterprises(h.state()), after);
}

#[test]
fn delete_asks_first_and_undo_brings_the_stop_back() {
    let mut h = open(vec![common::sample_dir()]);
    let (stop, n, name) = {
        let s = h.state().session().unwrap();
        let st = s.ws.park.stops_of_route("KW6").nth(3).unwrap();
        (st.feature, s.ws.park.stops.len(), st.id.clone())
    };
    h.state_mut().send(Command::Select(Some(stop)));
    h.run();
    h.key_press(Key::Delete);
    h.run();
    assert_eq!(h.state().modal_kind(), Some("delete"), "Delete asks first");
    h.get_by_label("删除").click();
    h.run();
    settle(&mut h);
    let s = h.state().session().unwrap();
    assert_eq!(s.ws.park.stops.len(), n - 1);
    assert!(!s.ws.park.stops.iter().any(|x| x.id == name));
    assert_eq!(h.state().selection(), None, "the deleted feature is let go");
    // The Edit menu's undo, then everything is back.
    h.get_by_label("编辑").click();
    h.run();
    h.get_by_label("撤销").click();
    h.run();
    settle(&mut h);
    let s = h.state().session().unwrap();
    assert_eq!(s.ws.park.stops.len(), n);
    assert!(
        s.ws.park
            .stops
            .iter()
            .any(|x| x.id == name && x.feature == stop)
    );
    assert!(!h.state().is_dirty());
}

#[test]
fn a_proposed_kw6_stop_is_added_through_the_form() {
    let mut h = open(vec![common::sample_dir()]);
    let ri = kw6(h.state());
    h.state_mut().send(Command::Focus(Focus::Route(ri)));
    settle(&mut h);
    let (template, n_kw6) = {
        let s = h.state().session().unwrap();
        (
            s.ws.park.stops_of_route("KW6").nth(10).unwrap().feature,
            s.ws.park.stops_of_route("KW6").count(),
        )
    };
    h.state_mut().send(Command::Select(Some(template)));
    h.run();
    h.get_by_label("添加点").click();
    h.run();
    let stops_layer = h.state().session().unwrap().ws.park.layers[template.layer as usize]
        .name
        .clone();
    assert_eq!(
        h.state().edit_layer(),
        Some(template.layer as usize),
        "{stops_layer}"
    );
    // Click on the map a little off the template stop.
    let ll = lon_lat_of(h.state(), template);
    let p = screen_of(h.state(), ll) + egui::vec2(60.0, 40.0);
    click_at(&mut h, p);
    {
        let form = h.state_mut().feature_form_mut().expect("the form opens");
        let route = form.rows.iter().find(|r| r.key == "线路").unwrap();
        assert_eq!(route.value, "KW6", "the route comes from the selected stop");
        assert!(form.id.starts_with("ZD-KW6-"), "{}", form.id);
    }
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "站点名称")
        .focus();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "站点名称")
        .type_text("拟建经开大道站");
    h.run();
    h.get_by_label("添加").click();
    h.run();
    settle(&mut h);
    assert!(
        h.state_mut().feature_form_mut().is_none(),
        "the form closed"
    );
    let app = h.state();
    let s = app.session().unwrap();
    assert_eq!(s.ws.park.stops_of_route("KW6").count(), n_kw6 + 1);
    let new =
        s.ws.park
            .stops
            .iter()
            .find(|x| x.name == "拟建经开大道站")
            .expect("the new stop");
    assert_eq!(app.selection(), Some(new.feature));
    assert_eq!(
        kw6_enterprises(app),
        library_kw6(&s.ws.park, s.ws.studies.settings.catchment_m)
    );
    assert!(app.is_dirty());
    // Numbered into the middle of KW6 next to the stop it was added near (the 11th),
    // the later stops moved one place up: the sequence stays 1..=n+1.
    let seq = new.seq.expect("a sequence number");
    assert!((10..=13).contains(&seq), "new stop numbered {seq}");
    let seqs: Vec<u32> =
        s.ws.park
            .stops_of_route("KW6")
            .filter_map(|x| x.seq)
            .collect();
    assert_eq!(seqs, (1..=n_kw6 as u32 + 1).collect::<Vec<_>>());
    // One undo takes back the stop and the renumbering.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    settle(&mut h);
    let s = h.state().session().unwrap();
    let seqs: Vec<u32> =
        s.ws.park
            .stops_of_route("KW6")
            .filter_map(|x| x.seq)
            .collect();
    assert_eq!(seqs, (1..=n_kw6 as u32).collect::<Vec<_>>());
    assert!(s.ws.park.stops.iter().all(|x| x.name != "拟建经开大道站"));
}

#[test]
fn a_saved_project_reopens_as_it_was_left() {
    let dir = sample_copy("save");
    let survey = std::fs::read(dir.join("公交站点.geojson")).unwrap();
    let mut h = open(vec![dir.clone()]);
    // A style change, a radius, an edit.
    let (water, stop) = {
        let s = h.state().session().unwrap();
        (
            s.ws.park
                .layers
                .iter()
                .position(|l| l.name == "水系")
                .unwrap(),
            s.ws.park.stops_of_route("KW6").next().unwrap().feature,
        )
    };
    h.state_mut()
        .send(Command::Layer(water, LayerChange::Visible(false)));
    let mut a = h.state().settings.analysis.clone();
    a.catchment_m = 650.0;
    h.state_mut().send(Command::SetAnalysis(a));
    let before = h.state().session().unwrap().ws.park.geometry(stop).cloned();
    let after = Geometry::Point(Point::new(112.3301, 30.3102));
    h.state_mut().send(Command::Edit(Edit::SetGeometry {
        layer: stop.layer as usize,
        index: stop.index as usize,
        before,
        after: Some(after.clone()),
    }));
    let mut net = h
        .state()
        .session()
        .unwrap()
        .ws
        .studies
        .network_settings
        .clone();
    net.walk_kmh = 4.5;
    h.state_mut().send(Command::SetNetwork(net));
    // Service centres shown by their 10-minute e-bike isochrone.
    let reach = parkplan::analysis::ReachChoice {
        isochrone: true,
        spec: parkplan::analysis::IsochroneSpec {
            mode: parkplan::network::TravelMode::Ebike,
            minutes: 10.0,
        },
    };
    let centre = parkplan::model::FacilityKind::ComprehensiveServiceCentre;
    h.state_mut().send(Command::SetReach(centre, reach));
    h.state_mut().settings.export.title = "KW6 覆盖图".into();
    settle(&mut h);
    assert!(h.state().is_dirty());
    let ppath = dir.join("规划.parkplan");
    h.state_mut().send(Command::SaveProjectTo(ppath.clone()));
    h.run();
    settle(&mut h);
    let app = h.state();
    assert!(!app.is_dirty(), "saved");
    assert_eq!(app.window_title(), "规划 — ParkPlan");
    assert_eq!(app.project().path.as_deref(), Some(ppath.as_path()));
    assert_eq!(app.settings.recent_projects.first(), Some(&ppath));
    assert_eq!(
        std::fs::read(dir.join("公交站点.geojson")).unwrap(),
        survey,
        "the survey file is untouched"
    );
    let view = app.map_state().view;

    // A fresh app opens the project: everything as it was left.
    let mut h2 = open(vec![ppath.clone()]);
    let app2 = h2.state();
    let s2 = app2.session().expect("opened");
    // Park layers come in the project's (drawing) order: find them by name.
    let by_name = |s: &parkplan::ui::session::Session, name: &str| {
        s.ws.park
            .layers
            .iter()
            .position(|l| l.name == name)
            .unwrap()
    };
    let stops_name = h.state().session().unwrap().ws.park.layers[stop.layer as usize]
        .name
        .clone();
    let stop2 = FeatureRef {
        layer: by_name(s2, &stops_name) as u32,
        index: stop.index,
    };
    assert_eq!(s2.ws.park.geometry(stop2), Some(&after));
    assert!(
        !s2.display(by_name(s2, "水系")).unwrap().visible,
        "the hidden layer stays hidden"
    );
    assert_eq!(app2.settings.analysis.catchment_m, 650.0);
    assert_eq!(s2.ws.studies.settings.catchment_m, 650.0);
    assert_eq!(app2.settings.export.title, "KW6 覆盖图");
    assert_eq!(
        s2.ws.studies.network_settings.walk_kmh, 4.5,
        "network settings come back"
    );
    assert_eq!(
        s2.ws.studies.reach_of(centre),
        reach,
        "circle or isochrone per kind"
    );
    assert!((app2.map_state().view.resolution - view.resolution).abs() < 1e-9);
    assert!(!app2.is_dirty());
    assert_eq!(app2.project().path.as_deref(), Some(ppath.as_path()));
    let order: Vec<String> = s2
        .list_order()
        .iter()
        .map(|&i| s2.ws.park.layers[i].name.clone())
        .collect();
    let s1 = h.state().session().unwrap();
    let order1: Vec<String> = s1
        .list_order()
        .iter()
        .map(|&i| s1.ws.park.layers[i].name.clone())
        .collect();
    assert_eq!(order, order1, "the layer order is kept");
    // Ctrl+S with nothing changed just saves again; the project can also be reopened
    // from the File menu's recent projects through a new project.
    h2.state_mut().send(Command::NewProject);
    h2.run();
    assert!(h2.state().session().is_none());
    h2.state_mut().send(Command::OpenProject(ppath.clone()));
    settle(&mut h2);
    assert_eq!(
        h2.state().session().unwrap().ws.park.geometry(stop2),
        Some(&after)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_intake_dialog_applies_role_crs_and_field_mapping() {
    let dir = sample_copy("intake");
    let fixture = dir.join("parcel_4525_nocrs.geojson");
    std::fs::copy(common::data("crs/parcel_4525_nocrs.geojson"), &fixture).unwrap();
    let mut h = open(vec![dir.clone()]);
    let n = h.state().session().unwrap().ws.park.layers.len();
    h.state_mut().send(Command::Open(vec![fixture.clone()]));
    wait(&mut h, "the intake preview", |a| {
        a.intake_mut()
            .is_some_and(|d| d.preview().is_some() && !d.is_reading())
    });
    {
        let d = h.state_mut().intake_mut().unwrap();
        let dec = d.decision().expect("a CRS decision");
        assert_eq!(
            dec.crs.epsg(),
            4525,
            "guessed from the zone-prefixed eastings"
        );
        assert!(dec.guessed, "and flagged as a guess");
        assert_eq!(d.role, Role::Parcels);
    }
    // The dialog shows the guess, the Chinese field labels and the first row.
    assert!(h.get_all_by_label_contains("EPSG:4525").next().is_some());
    assert!(
        h.get_all_by_label("用地性质").count() >= 2,
        "field label and column"
    );
    assert!(h.get_all_by_label("KA-001").next().is_some());
    // Pick the CRS explicitly from the list, and unmap the land use (the dialog sizes
    // itself over a few frames; click once it stands still).
    steps(&mut h, 3);
    h.get_by_label("选择坐标系").click();
    steps(&mut h, 3);
    let label = "EPSG:4525  CGCS2000 / 3-degree Gauss-Kruger zone 37";
    h.get_by_label(label).scroll_to_me();
    steps(&mut h, 3);
    h.get_by_label(label).click();
    steps(&mut h, 3);
    // Choosing a CRS re-reads the file on a worker; the mapping is usable after that.
    wait(&mut h, "the re-read after the CRS choice", |a| {
        a.intake_mut().is_some_and(|d| !d.is_reading())
    });
    steps(&mut h, 3);
    // Open the mapping's drop-down (retrying while the dialog still settles its size).
    let mut opened = false;
    for _ in 0..10 {
        h.get_by_label("字段映射 用地性质").scroll_to_me();
        steps(&mut h, 2);
        h.get_by_label("字段映射 用地性质").click();
        steps(&mut h, 3);
        if h.query_by_label("（不映射）").is_some() {
            opened = true;
            break;
        }
    }
    assert!(opened, "the field mapping drop-down opens");
    h.get_by_label("（不映射）").click();
    steps(&mut h, 3);
    wait(&mut h, "the re-read", |a| {
        a.intake_mut().is_some_and(|d| !d.is_reading())
    });
    {
        let d = h.state_mut().intake_mut().unwrap();
        assert_eq!(d.crs.map(|c| c.epsg()), Some(4525));
        assert!(!d.fields.contains_key(&parkplan::model::Field::LandUse));
    }
    steps(&mut h, 3);
    h.get_by_label("添加到当前地图").click();
    h.run();
    wait(&mut h, "the added layer", |a| {
        a.session().is_some_and(|s| s.ws.park.layers.len() == n + 1) && !a.is_busy()
    });
    let s = h.state().session().unwrap();
    let l = s.ws.park.layers.last().unwrap();
    assert_eq!(l.role, Role::Parcels);
    assert!(!l.fields.contains_key(&parkplan::model::Field::LandUse));
    let Some(Geometry::Polygon(poly)) = &l.geometries[0] else {
        panic!("a polygon")
    };
    let first = poly.exterior().0[0];
    assert!((first.x - 112.3484999998).abs() < 1e-8 && (first.y - 30.3292).abs() < 1e-8);
    assert_eq!(
        s.ws.park
            .parcels
            .iter()
            .filter(|p| p.id == "KA-001")
            .count(),
        1
    );
    // The choices are stored in the project.
    let ppath = dir.join("带调查.parkplan");
    h.state_mut().send(Command::SaveProjectTo(ppath.clone()));
    h.run();
    settle(&mut h);
    let pf = parkplan::project::ProjectFile::read(&ppath).unwrap();
    let pl = pf
        .layers
        .iter()
        .find(|l| l.path == "parcel_4525_nocrs.geojson")
        .expect("the survey layer");
    assert_eq!(pl.crs.as_deref(), Some("EPSG:4525"));
    assert_eq!(pl.role, Role::Parcels);
    assert_eq!(pl.fields.get("land_use").map(String::as_str), Some(""));
    let reopened = parkplan::project::open_project(&ppath, false, None).unwrap();
    let l2 = reopened
        .loaded
        .park
        .layers
        .iter()
        .find(|l| l.name == pl.name)
        .unwrap();
    assert!(!l2.fields.contains_key(&parkplan::model::Field::LandUse));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn layers_write_back_and_tables_export_as_csv() {
    let dir = sample_copy("write");
    let mut h = open(vec![dir.clone()]);
    let li = {
        let s = h.state().session().unwrap();
        s.ws.park
            .layers
            .iter()
            .position(|l| l.role == Role::BusStops)
            .unwrap()
    };
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let target = out.join("站点.geojson");
    h.state_mut().send(Command::SaveLayerTo {
        layer: li,
        path: target.clone(),
        source_crs: false,
    });
    h.run();
    let back = common::load(&[&target]).park;
    let orig = &h.state().session().unwrap().ws.park.layers[li];
    assert_eq!(back.layers[0].len(), orig.len());
    assert_eq!(
        back.layers[0].attributes.row_json(0),
        orig.attributes.row_json(0)
    );
    // Over the source file only after asking; the old one is kept as .bak.
    let source = dir.join("公交站点.geojson");
    h.state_mut().send(Command::SaveLayerTo {
        layer: li,
        path: source.clone(),
        source_crs: false,
    });
    h.run();
    assert_eq!(h.state().modal_kind(), Some("overwrite"));
    h.get_by_label("覆盖（保留 .bak）").click();
    h.run();
    assert!(parkplan::save::backup_path(&source).is_file());

    // CSV tables: the same files and bytes the library (and the CLI) writes, the
    // isochrone tables included once the desktop has computed an isochrone.
    let reach = parkplan::analysis::ReachChoice {
        isochrone: true,
        spec: parkplan::analysis::IsochroneSpec::parse("walk:15").unwrap(),
    };
    let kind = parkplan::model::FacilityKind::Kindergarten;
    h.state_mut().send(Command::SetReach(kind, reach));
    wait(&mut h, "the isochrone lists", |a| {
        a.session()
            .is_some_and(|s| s.ws.studies.isochrone(reach.spec).is_some())
    });
    settle(&mut h);
    let csv = dir.join("csv");
    h.state_mut().send(Command::ExportTablesTo(csv.clone()));
    settle(&mut h);
    let reference = dir.join("csv-ref");
    let files = {
        let s = h.state().session().unwrap();
        let index = s.ws.index.as_ref().unwrap();
        let r = parkplan::analysis::analyse(&s.ws.park, index, &s.ws.studies.settings);
        let run = parkplan::analysis::isochrone_run::compute(
            &s.ws.park,
            index,
            &r.coverage,
            s.ws.studies.network_settings.clone(),
            &[reach.spec],
        )
        .unwrap();
        let input = parkplan::report::ReportInput {
            park: &s.ws.park,
            analysis: &r,
            iso: Some(&run),
        };
        parkplan::report::csv::write(&reference, input).unwrap()
    };
    assert!(files.iter().any(|f| f == "isochrone_facilities.csv"));
    for name in &files {
        let a = std::fs::read(csv.join(name)).unwrap_or_else(|_| panic!("{name}"));
        assert!(a.starts_with(b"\xEF\xBB\xBF"), "{name} has a BOM");
        assert_eq!(a, std::fs::read(reference.join(name)).unwrap(), "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn recovery_dir(tag: &str) -> PathBuf {
    let d = crate::common::scratch().join(format!("parkplan-uiedit-rec-{tag}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn crash_with_an_edit(dir: &Path) -> (FeatureRef, String, Geometry<f64>) {
    let app = App::with_settings(settings(), vec![common::sample_dir()])
        .with_recovery(dir.to_path_buf(), Duration::from_millis(50));
    let mut h = build(app);
    settle(&mut h);
    let stop = h.state().session().unwrap().ws.park.stops[0].feature;
    let stop_id = h.state().session().unwrap().ws.park.stops[0].id.clone();
    let before = h.state().session().unwrap().ws.park.geometry(stop).cloned();
    let after = Geometry::Point(Point::new(112.3401, 30.3301));
    h.state_mut().send(Command::Edit(Edit::SetGeometry {
        layer: stop.layer as usize,
        index: stop.index as usize,
        before,
        after: Some(after.clone()),
    }));
    let index = dir.join(parkplan::ui::recovery::INDEX_FILE);
    wait(&mut h, "the autosave", |a| {
        !a.is_busy() && index.is_file() && a.is_dirty()
    });
    // The harness is dropped without a clean exit: a crash.
    (stop, stop_id.to_string(), after)
}

#[test]
fn recovery_is_offered_after_a_crash() {
    let dir = recovery_dir("yes");
    let (_, stop_id, after) = crash_with_an_edit(&dir);
    let idx = parkplan::ui::recovery::read_index(&dir).expect("a recovery index");
    assert!(idx.project.is_none(), "the work was never saved");

    let app = App::with_settings(settings(), vec![common::sample_dir()])
        .with_recovery(dir.clone(), Duration::from_millis(50));
    let mut h = build(app);
    h.run();
    assert_eq!(h.state().modal_kind(), Some("recovery"));
    assert!(
        h.state().session().is_none(),
        "nothing loads before the answer"
    );
    h.get_by_label("恢复").click();
    settle(&mut h);
    let app = h.state();
    // The recovered park's layers come in drawing order: find the stop by its id.
    let s = app.session().unwrap();
    let st =
        s.ws.park
            .stops
            .iter()
            .find(|x| x.id == stop_id)
            .expect("the stop");
    assert_eq!(s.ws.park.geometry(st.feature), Some(&after));
    assert!(app.is_dirty(), "recovered work is unsaved");
    assert!(app.window_title().starts_with('*'));
    // Closing asks; "don't save" removes the recovery.
    let ctx = h.ctx.clone();
    assert!(!h.state_mut().on_close_requested(&ctx));
    assert_eq!(h.state().modal_kind(), Some("unsaved"));
    h.run();
    h.get_by_label("不保存").click();
    h.run();
    assert!(parkplan::ui::recovery::read_index(&dir).is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_discarded_recovery_is_gone_and_the_map_opens_as_asked() {
    let dir = recovery_dir("no");
    let (stop, _, after) = crash_with_an_edit(&dir);
    let app = App::with_settings(settings(), vec![common::sample_dir()])
        .with_recovery(dir.clone(), Duration::from_secs(600));
    let mut h = build(app);
    h.run();
    h.get_by_label("丢弃").click();
    settle(&mut h);
    let s = h.state().session().expect("the sample opened");
    assert_ne!(s.ws.park.geometry(stop), Some(&after));
    assert!(parkplan::ui::recovery::read_index(&dir).is_none());
    assert!(!dir.join(parkplan::ui::recovery::UNSAVED_FILE).exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Recovering a saved project asks about its layers outside the project folder exactly as
/// opening the project does (the recovery lies beside the project and travels with it).
#[test]
fn recovering_a_project_asks_about_layers_outside_its_folder() {
    let dir = sample_copy("rec-outside");
    let elsewhere = sample_copy("rec-outside-elsewhere");
    let mut h = open(vec![dir.clone()]);
    let inside = h.state().session().unwrap().ws.park.layers.len();
    let ppath = dir.join("规划.parkplan");
    h.state_mut().send(Command::SaveProjectTo(ppath.clone()));
    h.run();
    settle(&mut h);
    drop(h);
    // A recovery beside the project whose extra layer points outside the folder.
    let mut rec = parkplan::project::ProjectFile::read(&ppath).unwrap();
    let mut outside = rec.layers[0].clone();
    outside.name = "外部".into();
    outside.path = elsewhere.join(&rec.layers[0].path).display().to_string();
    rec.layers.push(outside);
    let rec_path = parkplan::project::recovery_path(&ppath);
    rec.write(&rec_path).unwrap();

    let mut h = open(vec![ppath.clone()]);
    assert_eq!(h.state().modal_kind(), Some("recovery"));
    h.get_by_label("恢复").click();
    settle(&mut h);
    assert_eq!(
        h.state().modal_kind(),
        Some("outside"),
        "the recovery asks before following a path outside the project folder"
    );
    assert_eq!(h.state().session().unwrap().ws.park.layers.len(), inside);
    assert!(h.state().is_dirty(), "recovered work is unsaved");
    // "Load them too" reloads the recovery with the outside layer.
    h.state_mut().answer_modal(true);
    settle(&mut h);
    assert_eq!(h.state().modal_kind(), None);
    let s = h.state().session().unwrap();
    assert_eq!(s.ws.park.layers.len(), inside + 1);
    assert!(s.ws.park.layers.iter().any(|l| l.name == "外部"));
    assert!(h.state().is_dirty());
    assert_eq!(h.state().project().path.as_deref(), Some(ppath.as_path()));
    assert!(
        rec_path.is_file(),
        "the recovery is kept until saved or discarded"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

/// The sample's parcel layer and the screen position of a lon/lat there.
fn parcels_layer(app: &App) -> usize {
    let s = app.session().unwrap();
    s.ws.park
        .layers
        .iter()
        .position(|l| l.role == Role::Parcels)
        .unwrap()
}

#[test]
fn a_parcel_is_drawn_measured_and_added() {
    let mut h = open(vec![common::sample_dir()]);
    let li = parcels_layer(h.state());
    let n = h.state().session().unwrap().ws.park.parcels.len();
    // Somewhere inside the park, zoomed so 200 m are many pixels.
    let centre = {
        let s = h.state().session().unwrap();
        let e = s.ws.park.extent().unwrap();
        [(e.min().x + e.max().x) / 2.0, (e.min().y + e.max().y) / 2.0]
    };
    h.state_mut().send(Command::ZoomLonLat(centre));
    settle(&mut h);
    h.get_by_label("绘制地块").click();
    h.run();
    assert_eq!(
        h.state().edit_layer(),
        Some(li),
        "parcels are drawn into the parcel layer"
    );
    // A 100 m × 100 m square (1 ha = 15 mu) from its corners.
    let (dlat, dlon) = (100.0 / 110_857.0, 100.0 / 96_203.0);
    let corners = [
        [centre[0], centre[1]],
        [centre[0] + dlon, centre[1]],
        [centre[0] + dlon, centre[1] + dlat],
        [centre[0], centre[1] + dlat],
    ];
    for c in corners {
        let p = screen_of(h.state(), c);
        click_at(&mut h, p);
    }
    assert_eq!(h.state().map_state().edit.drawing.len(), 4);
    // The live readout shows the area in m², ha and mu.
    assert!(h.query_all_by_label_contains(" ha / ").next().is_some());
    // Esc would cancel; Enter finishes and opens the form with the area.
    h.key_press(Key::Enter);
    h.run();
    let area = {
        let form = h.state_mut().feature_form_mut().expect("the form");
        form.set("地块编号", "KA-NEW-01");
        form.set("审批状态", "报批中");
        match &form.geometry {
            Geometry::Polygon(p) => {
                use geo::GeodesicArea;
                p.geodesic_area_unsigned()
            }
            g => panic!("{g:?}"),
        }
    };
    // Clicked points land within a screen pixel of the corners.
    let res = h.state().map_state().view.resolution;
    assert!((area - 10_000.0).abs() < 4.0 * 100.0 * res, "{area} m²");
    assert!(h.query_all_by_label_contains("亩").next().is_some());
    h.get_by_label("添加").click();
    h.run();
    settle(&mut h);
    let s = h.state().session().unwrap();
    assert_eq!(s.ws.park.parcels.len(), n + 1);
    let p =
        s.ws.park
            .parcels
            .iter()
            .find(|p| p.id == "KA-NEW-01")
            .expect("the new parcel");
    assert!((p.area.0 - area).abs() < 1e-6);
    assert_eq!(p.status, parkplan::model::ApprovalStatus::Pending);
    assert!(h.state().map_state().edit.drawing.is_empty());

    // Esc cancels a drawing in progress.
    let p = screen_of(h.state(), corners[0]);
    click_at(&mut h, p);
    assert_eq!(h.state().map_state().edit.drawing.len(), 1);
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().map_state().edit.drawing.is_empty());
}

#[test]
fn polygon_vertices_are_dragged_inserted_and_deleted() {
    let mut h = open(vec![common::sample_dir()]);
    let li = parcels_layer(h.state());
    let f = FeatureRef {
        layer: li as u32,
        index: 0,
    };
    h.state_mut().send(Command::SelectAndZoom(f));
    settle(&mut h);
    h.get_by_label("编辑要素").click();
    h.run();
    let g0 = h
        .state()
        .session()
        .unwrap()
        .ws
        .park
        .geometry(f)
        .cloned()
        .unwrap();
    let verts = parkplan::model::vertex::vertices(&g0);
    let n0 = verts.len();
    let (v, c) = verts[1];
    // Drag vertex 1 by 30 points to the right.
    let from = screen_of(h.state(), [c.x, c.y]);
    drag(&mut h, from, from + egui::vec2(30.0, 0.0));
    settle(&mut h);
    let g1 = h
        .state()
        .session()
        .unwrap()
        .ws
        .park
        .geometry(f)
        .cloned()
        .unwrap();
    let moved = parkplan::model::vertex::vertices(&g1)
        .into_iter()
        .find(|(id, _)| *id == v)
        .unwrap()
        .1;
    let want = {
        let app = h.state();
        let s = app.session().unwrap();
        let w = app
            .map_state()
            .view
            .screen_to_world([(from.x + 30.0) as f64, from.y as f64]);
        s.projected.unproject(w)
    };
    assert!((moved.x - want[0]).abs() < 1e-6 && (moved.y - want[1]).abs() < 1e-6);
    assert_eq!(parkplan::model::vertex::vertices(&g1).len(), n0);
    // A click on an edge midpoint inserts a vertex there.
    let (_, mid) = parkplan::model::vertex::edge_midpoints(&g1)[2];
    let p = screen_of(h.state(), [mid.x, mid.y]);
    click_at(&mut h, p);
    settle(&mut h);
    let g2 = h
        .state()
        .session()
        .unwrap()
        .ws
        .park
        .geometry(f)
        .cloned()
        .unwrap();
    assert_eq!(parkplan::model::vertex::vertices(&g2).len(), n0 + 1);
    // A right-click on a vertex deletes it.
    let (_, c3) = parkplan::model::vertex::vertices(&g2)[3];
    let p = screen_of(h.state(), [c3.x, c3.y]);
    h.hover_at(p);
    h.step();
    h.event(egui::Event::PointerButton {
        pos: p,
        button: egui::PointerButton::Secondary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: p,
        button: egui::PointerButton::Secondary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.step();
    settle(&mut h);
    let g3 = h
        .state()
        .session()
        .unwrap()
        .ws
        .park
        .geometry(f)
        .cloned()
        .unwrap();
    assert_eq!(parkplan::model::vertex::vertices(&g3).len(), n0);
    // The parcel's area in the park follows; three undos give the original back.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
    }
    settle(&mut h);
    assert_eq!(h.state().session().unwrap().ws.park.geometry(f), Some(&g0));
}

#[test]
fn attributes_are_edited_and_added_in_the_inspector() {
    let mut h = open(vec![common::sample_dir()]);
    let (f, name_key, old) = {
        let s = h.state().session().unwrap();
        let e = &s.ws.park.enterprises[0];
        let l = &s.ws.park.layers[e.feature.layer as usize];
        let key = l.fields[&parkplan::model::Field::Employees].clone();
        (e.feature, key, e.employees)
    };
    h.state_mut().send(Command::Select(Some(f)));
    h.run();
    h.get_by_label("编辑属性").click();
    h.run();
    // Replace the employees with 1234 and press Enter.
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, &name_key);
    field.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, &name_key)
        .type_text("1234");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    settle(&mut h);
    let s = h.state().session().unwrap();
    let e =
        s.ws.park
            .enterprises
            .iter()
            .find(|e| e.feature == f)
            .unwrap();
    assert_eq!(e.employees, Some(1234), "a number stays a number");
    assert_eq!(
        s.ws.park.layers[f.layer as usize]
            .attributes
            .get(f.index as usize, &name_key),
        parkplan::model::PropValue::Int(1234)
    );
    // A new property.
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "新属性")
        .focus();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "新属性")
        .type_text("备注");
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "值")
        .focus();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "值")
        .type_text("拟搬迁");
    h.run();
    h.get_by_label("添加属性").click();
    h.run();
    settle(&mut h);
    let s = h.state().session().unwrap();
    assert_eq!(
        s.ws.park.layers[f.layer as usize]
            .attributes
            .get(f.index as usize, "备注"),
        parkplan::model::PropValue::Str("拟搬迁")
    );
    // Undo twice: both gone.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    settle(&mut h);
    let s = h.state().session().unwrap();
    let e =
        s.ws.park
            .enterprises
            .iter()
            .find(|e| e.feature == f)
            .unwrap();
    assert_eq!(e.employees, old);
    assert_eq!(
        s.ws.park.layers[f.layer as usize]
            .attributes
            .get(f.index as usize, "备注"),
        parkplan::model::PropValue::Absent
    );
}

#[test]
fn a_missing_layer_survives_saving_the_project() {
    let dir = sample_copy("missing");
    let park = common::load(&[&dir]).park;
    let ppath = dir.join("p.parkplan");
    let pf = parkplan::project::ProjectFile {
        parkplan_project: parkplan::project::PROJECT_VERSION,
        gtfs: Default::default(),
        name: "p".into(),
        layers: parkplan::project::describe_layers(&park, &ppath, &[]),
        analysis: Default::default(),
        network: Default::default(),
        reach: Default::default(),
        view: None,
        print: serde_json::Value::Null,
    };
    pf.write(&ppath).unwrap();
    std::fs::remove_file(dir.join("水系.geojson")).unwrap();
    let mut h = open(vec![ppath.clone()]);
    assert_eq!(
        h.state().session().unwrap().ws.park.layers.len(),
        park.layers.len() - 1
    );
    assert!(
        h.state().has_import_errors(),
        "the missing file is reported"
    );
    h.state_mut().send(Command::SaveProjectTo(ppath.clone()));
    h.run();
    let back = parkplan::project::ProjectFile::read(&ppath).unwrap();
    assert_eq!(
        back.layers.len(),
        park.layers.len(),
        "the missing layer keeps its entry"
    );
    assert!(back.layers.iter().any(|l| l.path == "水系.geojson"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of the sample map open, and `fixture` (from tests/data) copied beside it as
/// `name` and opened into the survey intake dialog, its preview read. Returns the
/// harness, the folder, the copied file and the park's layer count before.
fn into_intake(
    tag: &str,
    fixture: &str,
    name: &str,
) -> (Harness<'static, App>, PathBuf, PathBuf, usize) {
    let dir = sample_copy(tag);
    let file = dir.join(name);
    std::fs::copy(common::data(fixture), &file).unwrap();
    let mut h = open(vec![dir.clone()]);
    let n = h.state().session().unwrap().ws.park.layers.len();
    h.state_mut().send(Command::Open(vec![file.clone()]));
    wait(&mut h, "the intake preview", |a| {
        a.intake_mut()
            .is_some_and(|d| d.preview().is_some() && !d.is_reading())
    });
    steps(&mut h, 3);
    (h, dir, file, n)
}

/// The first exterior vertex of the layer named `name` when the project is reopened.
fn first_vertex_reopened(ppath: &Path, name: &str) -> geo::Coord<f64> {
    let reopened = parkplan::project::open_project(ppath, false, None).unwrap();
    let l2 = reopened
        .loaded
        .park
        .layers
        .iter()
        .find(|l| l.name == name)
        .unwrap();
    let Some(Geometry::Polygon(p2)) = &l2.geometries[0] else {
        panic!()
    };
    p2.exterior().0[0]
}

#[test]
fn gcj02_correction_chosen_in_the_intake_is_applied_and_saved() {
    let (mut h, dir, _, n) = into_intake("gcj", "crs/parcel_4490.geojson", "高德采集_地块.geojson");
    h.get_by_label("GCJ-02 转 WGS84（高德/腾讯地图采集的数据）")
        .click();
    steps(&mut h, 3);
    wait(&mut h, "the re-read", |a| {
        a.intake_mut().is_some_and(|d| d.gcj02 && !d.is_reading())
    });
    steps(&mut h, 3);
    h.get_by_label("添加到当前地图").click();
    h.run();
    wait(&mut h, "the added layer", |a| {
        a.session().is_some_and(|s| s.ws.park.layers.len() == n + 1) && !a.is_busy()
    });
    let s = h.state().session().unwrap();
    let Some(Geometry::Polygon(p)) = &s.ws.park.layers.last().unwrap().geometries[0] else {
        panic!("a polygon")
    };
    // The first vertex was written as 112.3485, 30.3292 on a GCJ-02 map.
    let want = parkplan::gcj02::gcj02_to_wgs84(112.3485, 30.3292);
    let got = p.exterior().0[0];
    assert!(
        (got.x - want.0).abs() < 1e-9 && (got.y - want.1).abs() < 1e-9,
        "{got:?}"
    );
    assert!(
        (got.x - 112.3485).abs() > 1e-4,
        "the correction moved it (hundreds of metres)"
    );
    let ppath = dir.join("p.parkplan");
    h.state_mut().send(Command::SaveProjectTo(ppath.clone()));
    h.run();
    let pf = parkplan::project::ProjectFile::read(&ppath).unwrap();
    let pl = pf
        .layers
        .iter()
        .find(|l| l.path == "高德采集_地块.geojson")
        .unwrap();
    assert!(pl.gcj02, "the choice is stored in the project");
    assert_eq!(
        first_vertex_reopened(&ppath, &pl.name),
        got,
        "reopened with the same correction"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_intake_dialog_takes_the_surveys_datum_shift_and_the_project_keeps_it() {
    let (mut h, dir, _, n) =
        into_intake("datum", "datums/parcel_2436.geojson", "北京54地块.geojson");
    // Beijing 1954 without parameters: the dialog warns of the error to expect.
    h.get_by_label_contains("没有转换参数");
    let text_input = egui::accesskit::Role::TextInput;
    h.get_by_role_and_label(text_input, "转换参数（3 或 7 个）")
        .focus();
    h.run();
    h.get_by_role_and_label(text_input, "转换参数（3 或 7 个）")
        .type_text("-12.5, 134.2, 61.3, 0.35, -2.1, 1.8, -3.2");
    h.run();
    h.get_by_label("坐标框架（旋转符号相反，ArcGIS）").click();
    steps(&mut h, 3);
    wait(&mut h, "the re-read with the shift", |a| {
        a.intake_mut().is_some_and(|d| {
            !d.is_reading()
                && d.decision().and_then(|c| c.shift).is_some_and(|s| {
                    s.rotation == parkplan::crs::Rotation::CoordinateFrame && s.rz == 1.8
                })
        })
    });
    steps(&mut h, 3);
    assert!(
        h.query_by_label_contains("没有转换参数").is_none(),
        "the warning goes once parameters are given"
    );
    h.get_by_label("添加到当前地图").click();
    h.run();
    wait(&mut h, "the added layer", |a| {
        a.session().is_some_and(|s| s.ws.park.layers.len() == n + 1) && !a.is_busy()
    });
    let want = {
        let text = std::fs::read_to_string(common::data("datums/expected.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let p = &v["crs"]["2436"]["expected_shift7_cf"][0];
        (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())
    };
    let got = {
        let s = h.state().session().unwrap();
        let Some(Geometry::Polygon(p)) = &s.ws.park.layers.last().unwrap().geometries[0] else {
            panic!("a polygon")
        };
        p.exterior().0[0]
    };
    assert!(
        (got.x - want.0).abs() < 1e-8 && (got.y - want.1).abs() < 1e-8,
        "{got:?} vs PROJ {want:?}"
    );
    let ppath = dir.join("p.parkplan");
    h.state_mut().send(Command::SaveProjectTo(ppath.clone()));
    h.run();
    let pf = parkplan::project::ProjectFile::read(&ppath).unwrap();
    let pl = pf
        .layers
        .iter()
        .find(|l| l.path == "北京54地块.geojson")
        .unwrap();
    let s = pl.datum_shift.expect("the shift is stored in the project");
    assert_eq!(s.rotation, parkplan::crs::Rotation::CoordinateFrame);
    assert_eq!(
        first_vertex_reopened(&ppath, &pl.name),
        got,
        "reopened with the same shift"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_intake_dialog_splits_routes_and_stops_and_each_parts_role_can_change() {
    let (mut h, dir, _, n) =
        into_intake("split", "split/gtfs_export.geojson", "gtfs_export.geojson");
    // The parts with their guessed roles, split by default.
    h.get_by_label("按几何类型拆分为多个图层");
    h.get_by_label("线 12 个");
    h.get_by_label("点 50 个");
    assert!(h.state_mut().intake_mut().unwrap().splitting());
    // The points are facilities, not stops, says the planner.
    h.get_by_label("类型 点 50 个").click();
    h.run();
    // The option in the open list (the layer panel may also show the word).
    h.get_all_by_label("服务设施")
        .last()
        .expect("the role list")
        .click();
    steps(&mut h, 3);
    h.get_by_label("添加到当前地图").click();
    h.run();
    wait(&mut h, "the added layers", |a| {
        a.session().is_some_and(|s| s.ws.park.layers.len() == n + 2) && !a.is_busy()
    });
    let got: Vec<(Option<parkplan::model::GeomFamily>, Role, usize)> = {
        let s = h.state().session().unwrap();
        s.ws.park.layers[n..]
            .iter()
            .map(|l| (l.source.part, l.role, l.len()))
            .collect()
    };
    use parkplan::model::GeomFamily::{Lines, Points};
    assert_eq!(
        got,
        vec![
            (Some(Lines), Role::BusRoutes, 12),
            (Some(Points), Role::Facilities, 50)
        ]
    );
    // Saved and reopened: the same two layers from the one file.
    let ppath = dir.join("p.parkplan");
    h.state_mut().send(Command::SaveProjectTo(ppath.clone()));
    h.run();
    let reopened = parkplan::project::open_project(&ppath, false, None).unwrap();
    let again: Vec<_> = reopened
        .loaded
        .park
        .layers
        .iter()
        .filter(|l| l.source.part.is_some())
        .map(|l| (l.source.part, l.role, l.len()))
        .collect();
    assert_eq!(again, got);
    let _ = std::fs::remove_dir_all(&dir);
}
