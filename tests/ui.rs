//! UI tests: the real [`App`] driven through egui_kittest (no display, no GPU). Widgets
//! are found by their labels, clicked and typed into; assertions read the app's state
//! and the library's own answers.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use parkplan::analysis::{AnalysisSettings, service_coverage};
use parkplan::crs::FrameKind;
use parkplan::model::{Lang, Role};
use parkplan::render::MapView;
use parkplan::spatial::{ParkIndex, frame_for};
use parkplan::ui::command::Command;
use parkplan::ui::map::pick::pick;
use parkplan::ui::panels::analysis::covered_label;
use parkplan::ui::settings::Settings;
use parkplan::ui::{App, fonts};

use crate::common;

/// A harness on the real app with the given paths and language, after loading.
fn harness(paths: Vec<PathBuf>, lang: Lang) -> Harness<'static, App> {
    let settings = Settings {
        lang: Some(lang),
        ..Settings::default()
    };
    let app = App::with_settings(settings, paths);
    let mut h = Harness::builder()
        .with_size(eframe::egui::vec2(1400.0, 900.0))
        .with_context_setup(fonts::install_bundled)
        .with_max_steps(200)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    wait_until(&mut h, "the load", |a| !a.is_loading());
    h
}

/// Steps frames until `done` holds (background work finishes between frames).
fn wait_until(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h.state()) {
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

/// Whether the map shows its full tile for the current scale, with nothing being drawn.
fn drawn(a: &App) -> bool {
    let m = a.map_state();
    !m.is_drawing()
        && m.tile
            .as_ref()
            .is_some_and(|t| t.key.resolution == m.view.resolution)
}

fn sample_harness() -> Harness<'static, App> {
    let h = harness(vec![common::sample_dir()], Lang::Zh);
    assert!(
        h.state().load_error().is_none(),
        "{:?}",
        h.state().load_error()
    );
    h
}

#[test]
fn opens_the_sample_map_with_its_layers() {
    let h = sample_harness();
    let app = h.state();
    assert_eq!(app.count(Role::BusRoutes), 4);
    assert!(app.count(Role::Enterprises) >= 60);
    let s = app.session().expect("a park is open");
    assert_eq!(s.ws.park.layers.len(), 12);
    // The layer list shows every layer by name, with a visibility check box.
    for layer in &s.ws.park.layers {
        h.get_by_role_and_label(eframe::egui::accesskit::Role::CheckBox, &layer.name);
    }
    // The status bar counts enterprises.
    h.get_by_label_contains(&format!("企业 {}", app.count(Role::Enterprises)));
}

#[test]
fn toggling_a_layer_hides_it_on_the_map() {
    let mut h = sample_harness();
    let (li, pos) = {
        let s = h.state().session().expect("park");
        let li =
            s.ws.park
                .layers
                .iter()
                .position(|l| l.role == Role::Enterprises)
                .expect("enterprise layer");
        let e = &s.ws.park.enterprises[0];
        let ll = e.location.expect("located");
        (li, s.projected.project(ll.x(), ll.y()))
    };
    let pick = |app: &App| {
        let s = app.session().expect("park");
        pick(&s.projected, pos, 2.0, &s.visible_top_first(), &|_| false)
    };
    assert_eq!(pick(h.state()).map(|f| f.layer as usize), Some(li));
    h.get_by_role_and_label(eframe::egui::accesskit::Role::CheckBox, "企业")
        .click();
    h.run();
    let s = h.state().session().expect("park");
    assert!(
        !s.display(li).expect("display").visible,
        "the layer is hidden"
    );
    assert!(!s.visible_top_first().contains(&li));
    // Nothing of that layer can be picked any more.
    assert_ne!(pick(h.state()).map(|f| f.layer as usize), Some(li));
    // And back.
    h.get_by_role_and_label(eframe::egui::accesskit::Role::CheckBox, "企业")
        .click();
    h.run();
    assert!(
        h.state()
            .session()
            .expect("park")
            .display(li)
            .expect("display")
            .visible
    );
}

#[test]
fn search_finds_wufang_and_enter_selects_it() {
    let mut h = sample_harness();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::F);
    h.run();
    assert!(
        h.state().settings.panels.search,
        "Ctrl+F opens the search panel"
    );
    h.get_by_role(eframe::egui::accesskit::Role::TextInput)
        .type_text("五方光电");
    h.run();
    let hit = h
        .state()
        .search_results()
        .first()
        .cloned()
        .expect("a result");
    assert!(hit.name.contains("五方光电"), "{}", hit.name);
    assert_eq!(hit.role, Role::Enterprises);
    // The result is listed in the panel.
    h.get_by_label_contains("荆州五方光电科技有限公司");
    h.key_press(eframe::egui::Key::Enter);
    h.run();
    assert_eq!(h.state().selection(), Some(hit.feature));
    // The inspector shows its original survey properties (the mapped-field table and
    // the original-property table both name the column).
    assert_eq!(h.get_all_by_label("产值_万元").count(), 2);
    assert!(h.get_all_by_label("荆州五方光电科技有限公司").count() >= 1);
}

#[test]
fn switching_language_changes_the_menus() {
    let mut h = sample_harness();
    h.get_by_label("文件");
    h.get_by_label("语言").click();
    h.run();
    h.get_by_label("English").click();
    h.run();
    assert_eq!(h.state().lang(), Lang::En);
    h.get_by_label("File");
    assert!(h.query_by_label("文件").is_none());
    h.get_by_label("Language").click();
    h.run();
    h.get_by_label("中文").click();
    h.run();
    assert_eq!(h.state().lang(), Lang::Zh);
    h.get_by_label("文件");
}

#[test]
fn facility_from_the_list_shows_the_librarys_covered_count() {
    let mut h = sample_harness();
    // The library's answer, computed independently of the UI.
    let (name, expected) = {
        let s = h.state().session().expect("park");
        let park = &s.ws.park;
        let index = ParkIndex::build(park, frame_for(park, FrameKind::Utm)).expect("index");
        let cov = service_coverage(park, &index, &AnalysisSettings::default());
        let fi = park
            .facilities
            .iter()
            .position(|f| f.name.contains("政务服务中心"))
            .expect("the government service hall");
        (
            park.facilities[fi].name.clone(),
            cov.facilities[fi].covered.len(),
        )
    };
    assert!(expected > 0, "the sample has enterprises around the hall");
    h.get_by_label("服务分析").click();
    h.run();
    wait_until(&mut h, "the analysis", |a| {
        a.session().is_some_and(|s| s.ws.studies.is_current())
    });
    h.get_by_label_contains(&name).click();
    h.run();
    h.get_by_label(&covered_label(Lang::Zh, expected));
    wait_until(&mut h, "the overlay", |a| {
        a.session().is_some_and(|s| {
            s.ws.studies.overlay.highlighted.len() == expected
                && s.ws.studies.overlay.areas.len() == 1
        })
    });
}

#[test]
fn escape_clears_the_selection_and_home_zooms_to_all() {
    let mut h = sample_harness();
    let f = h.state().session().expect("park").ws.park.facilities[0].feature;
    let before = h.state().map_state().view;
    h.state_mut().send(Command::SelectAndZoom(f));
    h.run();
    assert_eq!(h.state().selection(), Some(f));
    assert!(
        h.state().map_state().view.resolution < before.resolution,
        "zoomed in"
    );
    h.key_press(eframe::egui::Key::Escape);
    h.run();
    assert_eq!(h.state().selection(), None);
    h.key_press(eframe::egui::Key::Home);
    h.run();
    // Home fits the whole park into the map as it is laid out now.
    let after = h.state().map_state().view;
    let extent = h
        .state()
        .session()
        .expect("park")
        .projected
        .extent()
        .expect("extent");
    let want = MapView::fit(
        &extent,
        after.origin,
        after.size,
        24.0,
        after.units_per_inch,
    );
    assert!((after.resolution - want.resolution).abs() / want.resolution < 1e-9);
    assert!(
        (after.center[0] - want.center[0]).abs() < 1e-6
            && (after.center[1] - want.center[1]).abs() < 1e-6
    );
    assert!((after.resolution - before.resolution).abs() / before.resolution < 0.02);
}

#[test]
fn import_problems_open_the_report_and_zoom_to_their_place() {
    let path = common::data("repair/repeated_points.geojson");
    let mut h = harness(vec![path], Lang::En);
    let (first, loc) = {
        let app = h.state();
        assert!(
            app.settings.panels.report,
            "the report opens when there are problems"
        );
        let s = app.session().expect("something loaded");
        // Two repairs, and the split of the file's polygon and line into two layers.
        assert_eq!(s.ws.report.problems.len(), 3);
        assert_eq!(s.ws.report.problems[2].code(), "split_by_geometry");
        let p = &s.ws.report.problems[0];
        (
            p.message(parkplan::model::Lang::En).clone(),
            p.location.expect("a repaired feature has a place"),
        )
    };
    // Every problem's message is listed, each with a zoom button.
    h.get_by_label(&first);
    let buttons = h.get_all_by_label("Zoom to").count();
    assert_eq!(buttons, 2);
    // The first problem's button centres the map on it.
    h.get_all_by_label("Zoom to")
        .next()
        .expect("a zoom button")
        .click();
    h.run();
    let s = h.state().session().expect("park");
    let c = h.state().map_state().view.center;
    let want = s.projected.project(loc[0], loc[1]);
    assert!(
        (c[0] - want[0]).abs() < 1.0 && (c[1] - want[1]).abs() < 1.0,
        "{c:?} vs {want:?}"
    );
    // Grouped by message: one header per distinct message, with its count.
    h.get_by_label("Group by problem").click();
    h.run();
    h.get_by_label_contains(&format!("{first} (1)"));
}

#[test]
fn ctrl_p_opens_the_export_dialog_and_the_previewed_page_is_written() {
    let mut h = sample_harness();
    // Focus the KW6 route so the page carries its catchment and figures.
    let ri = {
        let park = &h.state().session().expect("park").ws.park;
        park.routes
            .iter()
            .position(|r| r.name == "KW6")
            .expect("KW6") as u32
    };
    h.state_mut()
        .send(Command::Focus(parkplan::workspace::studies::Focus::Route(
            ri,
        )));
    h.run();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::P);
    h.run();
    assert!(
        h.state_mut().export_dialog().open,
        "Ctrl+P opens the dialog"
    );
    h.get_by_label("导出地图");
    wait_until(&mut h, "the preview", |a| {
        a.session()
            .is_some_and(|s| s.ws.studies.is_current() && !s.ws.studies.is_computing())
    });
    // The focus may have changed after the first preview started: let it settle.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        h.step();
        if !h.state_mut().export_dialog().is_busy() && h.state_mut().export_dialog().has_preview() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(h.state_mut().export_dialog().has_preview());
    let out = crate::common::scratch().join("parkplan-ui-export.pdf");
    let ctx = h.ctx.clone();
    h.state_mut()
        .export_dialog()
        .start_export(out.clone(), &ctx, Lang::Zh);

    let start = Instant::now();
    while h.state_mut().export_dialog().last_result.is_none()
        && start.elapsed() < Duration::from_secs(60)
    {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    let result = h
        .state_mut()
        .export_dialog()
        .last_result
        .clone()
        .expect("a result");
    assert!(result.is_ok(), "{result:?}");
    let bytes = std::fs::read(&out).expect("the PDF");
    let _ = std::fs::remove_file(&out);
    let doc = lopdf::Document::load_mem(&bytes).expect("a PDF");
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let page_id = *pages.values().next().expect("page");
    let media = doc
        .get_object(page_id)
        .and_then(|o| o.as_dict().cloned())
        .and_then(|d| d.get(b"MediaBox").cloned())
        .and_then(|m| m.as_array().cloned())
        .expect("MediaBox");
    let nums: Vec<f64> = media
        .iter()
        .filter_map(|o| {
            o.as_float()
                .map(f64::from)
                .or_else(|_| o.as_i64().map(|i| i as f64))
                .ok()
        })
        .collect();
    // A3 landscape (the default) is 1190.55 × 841.89 pt.
    assert!((nums[2] - nums[0] - 1190.55).abs() < 1.0, "{nums:?}");
    assert!((nums[3] - nums[1] - 841.89).abs() < 1.0, "{nums:?}");
}

/// A file dropped onto the window in a test.
#[derive(Debug)]
struct Dropped(PathBuf);

impl eframe::egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_file_dropped_on_the_window_goes_through_intake_and_is_added() {
    let mut h = sample_harness();
    let layers_before = h.state().session().expect("park").ws.park.layers.len();
    let path = common::data("repair/unclosed_ring.geojson");
    // A plain GeoJSON opens the survey intake dialog first.
    drop_through_intake(&mut h, &path, layers_before);
    let app = h.state();
    let s = app.session().expect("the map is still open");
    let added = s.ws.park.layers.last().expect("a layer");
    assert_eq!(added.name, "unclosed_ring");
    assert!(app.settings.panels.report, "its repair is reported");
    assert_eq!(
        app.settings.recent.first(),
        Some(&parkplan::ui::settings::absolute(&path))
    );
    assert!(app.is_dirty(), "an added layer is an unsaved change");
}

#[test]
fn a_dropped_shapefile_goes_through_intake_and_the_map_exports_as_geopackage() {
    let mut h = sample_harness();
    let layers_before = h.state().session().expect("park").ws.park.layers.len();
    let path = common::data("formats/shp/gbk_nocpg/parcels.shp");
    // A single Shapefile is one layer: the intake dialog, as for a GeoJSON file.
    drop_through_intake(&mut h, &path, layers_before);
    let s = h.state().session().expect("the map");
    let added = s.ws.park.layers.last().expect("a layer");
    assert_eq!(
        added.attributes.get(0, "地块名称").as_text().as_deref(),
        Some("荆州经开区一号地块"),
        "the GBK table without .cpg is read right"
    );
    // File > Export map as GeoPackage: every layer in one file, read back whole.
    let out = crate::common::scratch().join("parkplan-ui-gpkg.gpkg");
    let _ = std::fs::remove_file(&out);
    h.state_mut().send(Command::ExportGpkgTo(out.clone()));
    h.run();
    let back = common::load(&[&out]);
    assert_eq!(back.park.layers.len(), layers_before + 1);
    assert_eq!(back.park.layers.last().map(|l| l.len()), Some(3));
    let _ = std::fs::remove_file(&out);
}

/// Drops a file on the window, waits for the intake dialog's preview, adds the layer to
/// the open map and waits until the park has `layers_before + 1` layers.
fn drop_through_intake(
    h: &mut Harness<'static, App>,
    path: &std::path::Path,
    layers_before: usize,
) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.to_path_buf())));
    h.step();
    wait_until_mut(h, "the intake preview", |a| {
        a.intake_mut()
            .is_some_and(|d| d.preview().is_some() && !d.is_reading())
    });
    // Let the dialog's layout settle (it sizes itself over a couple of frames).
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("添加到当前地图").click();
    h.run();
    wait_until(h, "the dropped file", |a| {
        !a.is_busy()
            && a.session()
                .is_some_and(|s| s.ws.park.layers.len() == layers_before + 1)
    });
}

/// Like [`wait_until`], for checks that need the app mutably.
fn wait_until_mut(
    h: &mut Harness<'static, App>,
    what: &str,
    mut done: impl FnMut(&mut App) -> bool,
) {
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

#[test]
fn a_projects_radius_and_styles_reach_the_map_and_the_export_dialog() {
    use crate::workspace::{RADIUS_M, STATION, project_with_radius};
    use parkplan::model::FacilityKind;
    use parkplan::render::Focus;
    let ppath = project_with_radius("ui");
    let mut h = harness(vec![ppath], Lang::Zh);
    wait_until(&mut h, "the analysis", |a| {
        a.session()
            .is_some_and(|s| s.ws.studies.is_current() && !s.ws.studies.is_computing())
    });
    let (fi, covered) = {
        let s = h.state().session().expect("the project is open");
        assert_eq!(
            s.ws.studies
                .settings
                .radius(FacilityKind::CommunityServiceStation),
            RADIUS_M,
            "the map uses the project's radius"
        );
        let water =
            s.ws.park
                .layers
                .iter()
                .position(|l| l.name == "水系")
                .unwrap();
        assert!(
            !s.display(water).unwrap().visible,
            "the project's styles apply"
        );
        let fi = parkplan::workspace::lookup::facility(&s.ws.park, STATION).unwrap();
        let r = s.ws.studies.results.clone().expect("results");
        let fc = &r.analysis.coverage.facilities[fi];
        assert_eq!(fc.radius_m, RADIUS_M);
        (fi, fc.covered.len())
    };
    // The map: the focus highlights the same enterprises.
    h.state_mut()
        .send(Command::Focus(Focus::Facility(fi as u32)));
    wait_until(&mut h, "the overlay", |a| {
        a.session().is_some_and(|s| {
            !s.ws.studies.is_computing() && s.ws.studies.overlay.highlighted.len() == covered
        })
    });
    // The export dialog: its page states the project's radius and the same count.
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::P);
    h.run();
    let start = Instant::now();
    loop {
        h.step();
        let d = h.state_mut().export_dialog();
        if !d.is_busy() && d.has_preview() {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no preview");
        std::thread::sleep(Duration::from_millis(5));
    }
    let page = h
        .state_mut()
        .export_dialog()
        .preview_page()
        .expect("a page");
    let svg = parkplan::export::page_svg(&page);
    assert!(
        svg.contains("服务半径 2.00 km"),
        "the dialog prints the project's radius"
    );
    assert!(!svg.contains("服务半径 500 m"));
    assert!(
        svg.contains(&format!("{covered} 家")),
        "and {covered} enterprises"
    );
}

#[test]
fn a_click_on_a_table_row_selects_and_zooms_and_headers_are_unique() {
    let mut h = sample_harness();
    let (li, name, index) = {
        let s = h.state().session().expect("park");
        let li =
            s.ws.park
                .layers
                .iter()
                .position(|l| l.role == Role::Enterprises)
                .unwrap();
        let e = &s.ws.park.enterprises[0];
        (li, e.name.clone(), e.feature.index)
    };
    h.state_mut().send(Command::OpenTable(li));
    h.run();
    let before = h.state().map_state().view.resolution;
    h.get_by_label(&name).click();
    h.run();
    assert_eq!(
        h.state().selection(),
        Some(parkplan::model::FeatureRef {
            layer: li as u32,
            index
        }),
        "a row click selects its feature"
    );
    assert!(
        (h.state().map_state().view.resolution - before).abs() > 1e-9
            || h.state().map_state().view.resolution < before,
        "and zooms to it"
    );
    assert!(
        h.state().map_state().view.scale_denominator() >= 4_999.0,
        "never closer than 1:5,000 for a point: 1:{:.0}",
        h.state().map_state().view.scale_denominator()
    );
    // The stops table: its original 序号 column does not repeat the row header.
    let stops = h
        .state()
        .session()
        .unwrap()
        .ws
        .park
        .layers
        .iter()
        .position(|l| l.role == Role::BusStops)
        .unwrap();
    h.state_mut().send(Command::OpenTable(stops));
    h.run();
    let found: Vec<String> = h
        .query_all_by_label_contains("序号")
        .map(|n| format!("{n:?}").chars().take(160).collect())
        .collect();
    assert_eq!(found.len(), 1, "one 序号 header: {found:?}");
    assert!(found[0].contains("label: \"序号"), "{found:?}");
    h.get_by_label_contains("行号");
}

#[test]
fn one_focus_at_a_time_switching_panels_clears_the_analysis_layer() {
    use parkplan::render::Focus;
    let mut h = sample_harness();
    let ri = {
        let s = h.state().session().unwrap();
        s.ws.park
            .routes
            .iter()
            .position(|r| r.name == "KW6")
            .unwrap() as u32
    };
    h.state_mut().send(Command::ShowPanel(
        parkplan::ui::command::PanelId::Analysis,
        true,
    ));
    h.state_mut().send(Command::Focus(Focus::Route(ri)));
    h.run();
    assert_eq!(
        h.state().session().unwrap().ws.studies.focus,
        Focus::Route(ri)
    );
    // The clear button removes it.
    h.get_by_label("清除分析图层").click();
    h.run();
    assert_eq!(h.state().session().unwrap().ws.studies.focus, Focus::None);
    // Focus again, then show 项目与用地 in its place: the overlay goes with the panel.
    h.state_mut().send(Command::Focus(Focus::Route(ri)));
    h.run();
    h.get_by_label("项目与用地").click();
    h.run();
    assert_eq!(h.state().session().unwrap().ws.studies.focus, Focus::None);
}

#[test]
fn the_export_preview_zooms_and_lists_every_layer() {
    let mut h = sample_harness();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::P);
    h.run();
    let names: Vec<String> = h
        .state()
        .session()
        .unwrap()
        .ws
        .park
        .layers
        .iter()
        .map(|l| l.name.clone())
        .collect();
    for n in &names {
        h.get_by_role_and_label(eframe::egui::accesskit::Role::CheckBox, &format!("{n} "));
    }
    assert_eq!(
        h.state_mut().export_dialog().preview_zoom,
        None,
        "fits at first"
    );
    h.get_by_label("100%").click();
    h.run();
    assert_eq!(h.state_mut().export_dialog().preview_zoom, Some(1.0));
    h.get_by_label("适合页面").click();
    h.run();
    assert_eq!(h.state_mut().export_dialog().preview_zoom, None);
}

#[test]
fn zoom_to_a_gap_shows_the_enterprise_with_its_nearest_facility() {
    use parkplan::model::FacilityKind;
    let mut h = sample_harness();
    wait_until(&mut h, "the analysis", |a| {
        a.session()
            .is_some_and(|s| s.ws.studies.is_current() && !s.ws.studies.is_computing())
    });
    let (e, f) = {
        let s = h.state().session().unwrap();
        let r = s.ws.studies.results.clone().unwrap();
        let kind = FacilityKind::CommunityServiceStation;
        let kc = r.analysis.coverage.kind(kind).unwrap();
        // The uncovered enterprise farthest from its nearest station.
        let (ei, fi) = kc
            .uncovered
            .iter()
            .filter_map(|&e| {
                let (fi, d) = r.analysis.nearest.get(e as usize, kind)?;
                Some((e, fi, d))
            })
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(e, fi, _)| (e, fi))
            .expect("an uncovered enterprise");
        (
            s.ws.park.enterprises[ei as usize].feature,
            s.ws.park.facilities[fi as usize].feature,
        )
    };
    h.state_mut().send(Command::SelectAndShowWith(e, f));
    h.run();
    let app = h.state();
    let s = app.session().unwrap();
    let bounds = app.map_state().view.world_bounds();
    for x in [e, f] {
        let p = s.projected.feature(x).unwrap().anchor;
        assert!(
            p[0] >= bounds.min[0]
                && p[0] <= bounds.max[0]
                && p[1] >= bounds.min[1]
                && p[1] <= bounds.max[1],
            "both the enterprise and its nearest station are in view"
        );
    }
    assert_eq!(app.selection(), Some(e));
}

#[test]
fn panels_keep_their_width_through_a_language_switch_and_the_map_keeps_half() {
    let mut h = sample_harness();
    h.run();
    let width = |h: &Harness<'static, App>| {
        h.state()
            .map_state()
            .rect
            .expect("the map was drawn")
            .width()
    };
    let zh = width(&h);
    h.state_mut().send(Command::SetLang(Lang::En));
    h.run();
    h.run();
    let en = width(&h);
    h.state_mut().send(Command::SetLang(Lang::Zh));
    h.run();
    h.run();
    let back = width(&h);
    assert!(zh >= 700.0, "the map keeps half of 1400 px: {zh}");
    assert!(
        (en - zh).abs() < 2.0,
        "English keeps the panels' widths: {zh} → {en}"
    );
    assert!(
        (back - zh).abs() < 2.0,
        "and so does switching back: {back}"
    );
}

#[test]
fn help_opens_the_planners_guide() {
    let mut h = sample_harness();
    h.get_by_label("帮助").click();
    h.run();
    h.get_by_label("使用指南").click();
    h.run();
    assert!(h.state().guide.open);
    assert!(h.query_all_by_label_contains("打开数据").count() >= 1);
    assert!(h.query_all_by_label_contains("打印会议用图").count() >= 1);
}

/// The sample in Chinese on a harness that can show the built-in file dialog (always,
/// with `prefer`; else when no system dialog is available, as here without a display).
fn builtin_dialog_harness(prefer: bool) -> Harness<'static, App> {
    let settings = Settings {
        lang: Some(Lang::Zh),
        builtin_file_dialog: prefer,
        ..Settings::default()
    };
    let app = App::with_settings(settings, vec![common::sample_dir()]);
    let mut h = Harness::builder()
        .with_size(eframe::egui::vec2(1400.0, 900.0))
        .with_context_setup(fonts::install_bundled)
        .with_max_steps(200)
        // egui_file draws its folder and file icons as emoji the bundled font lacks, and
        // its path fields carry no accessible name (the crate's, not ours).
        .allow_missing_glyphs()
        .with_accessibility_check(false)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    wait_until(&mut h, "the load", |a| !a.is_loading());
    h
}

#[test]
fn a_file_dialog_always_opens_the_built_in_one_answers_like_the_system_one() {
    let mut h = builtin_dialog_harness(true);
    // 文件 > 导出分析表: the built-in folder dialog opens in the window.
    h.state_mut().send(Command::ExportTables);
    h.run();
    assert!(h.state().builtin_dialog_open(), "a dialog is shown");
    h.get_by_label_contains("选择文件夹");
    // Cancelled: closed, and nothing is exported.
    h.get_by_label("取消").click();
    h.run();
    assert!(!h.state().builtin_dialog_open());
}

#[test]
fn the_ledgers_date_changes_the_map_and_its_legend_and_today_brings_it_back() {
    use parkplan::model::date::Date;
    let mut h = sample_harness();
    wait_until(&mut h, "the analysis", |a| {
        a.session().is_some_and(|s| s.ws.studies.results.is_some())
    });
    h.get_by_label("项目与用地").click();
    h.run();
    h.get_by_label("项目台账");
    let (stalled, drawn_now) = {
        let s = h.state().session().unwrap();
        let l = s.ledger().unwrap();
        let drawn = s.drawn_park();
        let with_geometry = drawn
            .projects
            .iter()
            .filter(|p| drawn.geometry(p.feature).is_some())
            .count();
        (l.stalled().len(), with_geometry)
    };
    assert!(stalled > 0);
    h.get_by_label_contains(&format!("滞后项目（{stalled}）"));
    // The slider's command: the park as of mid-2022 — fewer projects signed, so fewer
    // drawn, and the projects layer's legend counts follow.
    let day = Date::from_ymd(2022, 6, 1).unwrap();
    h.state_mut().send(Command::SetAsOf(Some(day)));
    h.run();
    let s = h.state().session().unwrap();
    assert_eq!(s.as_of, Some(day));
    let drawn = s.drawn_park();
    let drawn_then = drawn
        .projects
        .iter()
        .filter(|p| drawn.geometry(p.feature).is_some())
        .count();
    assert!(drawn_then < drawn_now, "{drawn_then} vs {drawn_now}");
    assert_eq!(s.ledger().unwrap().as_of, day);
    assert!(!std::sync::Arc::ptr_eq(&s.drawn_park(), &s.ws.park));
    // The slider's label shows the day; 今天 brings the data back.
    h.get_by_label("2022-06-01");
    h.get_by_label("今天").click();
    h.run();
    let s = h.state().session().unwrap();
    assert_eq!(s.as_of, None);
    assert!(std::sync::Arc::ptr_eq(&s.drawn_park(), &s.ws.park));
}

#[test]
fn the_import_report_follows_the_ui_language() {
    let path = common::data("repair/repeated_points.geojson");
    let (zh, en) = {
        let h = harness(vec![path.clone()], Lang::Zh);
        let s = h.state().session().expect("something loaded");
        let p = &s.ws.report.problems[0];
        (p.message(Lang::Zh), p.message(Lang::En))
    };
    assert!(zh.contains("重复点"), "{zh}");
    let h = harness(vec![path.clone()], Lang::Zh);
    h.get_by_label(&zh);
    assert!(
        h.query_by_label(&en).is_none(),
        "English words in the Chinese report"
    );
    let h = harness(vec![path], Lang::En);
    h.get_by_label(&en);
    assert!(h.query_by_label(&zh).is_none());
}

#[test]
fn siting_tab_suggests_the_librarys_sites_and_adds_one_as_an_undoable_facility() {
    use parkplan::analysis::siting::Limits;
    use parkplan::model::FacilityKind;
    use parkplan::render::AreaKind;
    use parkplan::workspace::siting::{CandidateSource, SiteTarget, SuggestRequest};
    let mut h = sample_harness();
    h.get_by_label("选址").click();
    h.run();
    wait_until(&mut h, "the analysis", |a| {
        a.session().is_some_and(|s| s.ws.studies.is_current())
    });
    h.get_by_label("计算选址").click();
    h.run();
    wait_until(&mut h, "the suggestion", |a| {
        a.session()
            .is_some_and(|s| s.ws.studies.siting.is_some() && !s.ws.studies.siting_running())
    });
    // The library's answer for the panel's defaults, computed here independently.
    let kind = FacilityKind::ConvenienceServiceCentre;
    let (ids, first_newly, before, facilities) = {
        let s = h.state().session().expect("park");
        let req = SuggestRequest {
            target: SiteTarget::Kind(kind),
            count: 3,
            candidates: Some(CandidateSource::Along(200.0)),
            time_limit: Duration::from_secs(30),
            ..SuggestRequest::default()
        };
        let lib = s.ws.suggest(&req, &Limits::default()).expect("suggestion");
        let shown = s.ws.studies.siting.clone().expect("shown");
        let ids = |x: &parkplan::analysis::siting::Suggestion| -> Vec<String> {
            x.solution
                .chosen
                .iter()
                .map(|&j| x.candidates[j as usize].id.clone())
                .collect()
        };
        assert_eq!(ids(&shown), ids(&lib));
        assert_eq!(shown.solution.covered_after, lib.solution.covered_after);
        // On the map: one star per site, the newly covered enterprises highlighted.
        let o = &s.ws.studies.overlay;
        let stars = o.areas.iter().filter(|a| a.kind == AreaKind::Site).count();
        assert_eq!(stars, lib.solution.chosen.len());
        let newly: usize = lib.solution.newly.iter().map(Vec::len).sum();
        assert_eq!(o.highlighted.len(), newly);
        (
            ids(&lib),
            lib.solution.newly[0].len(),
            lib.solution.covered_before,
            s.ws.park
                .facilities
                .iter()
                .filter(|f| f.kind == kind)
                .count(),
        )
    };
    assert!(!ids.is_empty() && first_newly > 0);
    // The first site as a proposed facility: an edit; the suggestion recomputes with it
    // fixed, so what it newly covered is now covered before.
    h.get_all_by_label("添加为拟建设施")
        .next()
        .expect("a button per site")
        .click();
    h.run();
    wait_until(&mut h, "the suggestion after the edit", |a| {
        a.session().is_some_and(|s| {
            s.ws.park
                .facilities
                .iter()
                .filter(|f| f.kind == kind)
                .count()
                == facilities + 1
                && !s.ws.studies.siting_running()
                && s.ws
                    .studies
                    .siting
                    .as_ref()
                    .is_some_and(|x| x.solution.covered_before == before + first_newly as f64)
        })
    });
    h.state_mut().send(Command::Undo);
    h.run();
    wait_until(&mut h, "the undo", |a| {
        a.session().is_some_and(|s| {
            s.ws.park
                .facilities
                .iter()
                .filter(|f| f.kind == kind)
                .count()
                == facilities
                && !s.ws.studies.siting_running()
                && s.ws
                    .studies
                    .siting
                    .as_ref()
                    .is_some_and(|x| x.solution.covered_before == before)
        })
    });
}

#[test]
fn a_crowded_layer_is_drawn_aggregated_at_the_overview_and_feature_by_feature_zoomed_in() {
    // 30,000 enterprises on a 1 km square, in a folder of their own.
    let dir = crate::common::scratch().join("parkplan-ui-crowded");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..30_000u32 {
        let (x, y) = (i % 173, i / 173);
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"type":"Feature","properties":{{"企业名称":"企业{i}"}},"geometry":{{"type":"Point","coordinates":[{:.6},{:.6}]}}}}"#,
            112.30 + x as f64 * 0.00006,
            30.30 + y as f64 * 0.00005
        ));
    }
    text.push_str("]}");
    std::fs::write(dir.join("企业.geojson"), text).unwrap();
    let mut h = harness(vec![dir.clone()], Lang::Zh);
    assert!(h.state().load_error().is_none());
    wait_until(&mut h, "the overview", drawn);
    let tile = h.state().map_state().tile.clone().unwrap();
    assert_eq!(tile.aggregated, vec![0], "the enterprises are one picture");
    assert_eq!(tile.textures.len(), 1);
    // Zoomed in far enough, fewer than 20,000 are in view: one by one again.
    for _ in 0..4 {
        h.state_mut().send(Command::ZoomBy(2.0));
    }
    wait_until(&mut h, "the zoomed view", drawn);
    let tile = h.state().map_state().tile.clone().unwrap();
    assert!(tile.aggregated.is_empty());
    assert!(tile.textures.is_empty());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn siting_tab_targets_compliance_and_shows_the_service_circle() {
    use parkplan::analysis::siting::{Demand, Goal, Limits};
    use parkplan::model::FacilityKind;
    use parkplan::render::Focus;
    use parkplan::workspace::siting::{CandidateSource, SiteTarget, SuggestRequest};
    let mut h = sample_harness();
    h.get_by_label("选址").click();
    h.run();
    wait_until(&mut h, "the analysis", |a| {
        a.session().is_some_and(|s| s.ws.studies.is_current())
    });
    // The enterprises' service circle: its share and its gap layer on the map.
    h.get_by_label("企业服务圈达标");
    let (compliant, total, missing) = {
        let s = h.state().session().expect("park");
        let sc = &s
            .ws
            .studies
            .results
            .as_ref()
            .expect("results")
            .analysis
            .living
            .service;
        (
            sc.enterprises_compliant,
            sc.enterprises_total,
            sc.missing.len(),
        )
    };
    assert!(missing > 0);
    h.get_by_label_contains(&format!("{compliant}/{total} 企业达标"));
    let gaps = h.get_all_by_label("地图显示缺口").count();
    assert_eq!(gaps, 4, "three tiers and the service circle");
    h.get_all_by_label("地图显示缺口").last().unwrap().click();
    h.run();
    wait_until(&mut h, "the service-circle gap layer", |a| {
        a.session().is_some_and(|s| {
            s.ws.studies.focus == Focus::ServiceGaps
                && s.ws.studies.overlay.highlighted.len() == missing
        })
    });
    // Target: the 5-minute tier, kindergartens at residential parcels.
    // The radio labels the land-use field, so ask for the radio itself.
    h.get(
        egui_kittest::kittest::By::new()
            .label("用地性质地块中心")
            .include_labels()
            .role(eframe::egui::accesskit::Role::RadioButton),
    )
    .click();
    h.run();
    h.get_by_label("选址对象").click();
    h.run();
    // The popup's entry is the last "幼儿园" (the map's legend names the kind too).
    h.get_all_by_label("幼儿园").last().unwrap().click();
    h.run();
    h.get_by_label("目标").click();
    h.run();
    h.get_by_label("生活圈达标 5min").click();
    h.run();
    h.get_by_label("计算选址").click();
    h.run();
    wait_until(&mut h, "the suggestion", |a| {
        a.session()
            .is_some_and(|s| s.ws.studies.siting.is_some() && !s.ws.studies.siting_running())
    });
    let (shown, lib) = {
        let s = h.state().session().expect("park");
        let req = SuggestRequest {
            target: SiteTarget::Kind(FacilityKind::Kindergarten),
            count: 3,
            candidates: Some(CandidateSource::Parcels("R".into())),
            time_limit: Duration::from_secs(30),
            goal: Goal::Compliance("5min".into()),
            ..SuggestRequest::default()
        };
        (
            s.ws.studies.siting.clone().expect("shown"),
            s.ws.suggest(&req, &Limits::default()).expect("suggestion"),
        )
    };
    assert_eq!(
        (
            shown.kind.as_str(),
            shown.candidates_from.as_str(),
            shown.method,
            shown.weight,
            shown.reach
        ),
        (
            lib.kind.as_str(),
            lib.candidates_from.as_str(),
            lib.method,
            lib.weight,
            lib.reach
        )
    );
    assert_eq!(shown.target, "compliance:5min");
    assert_eq!(shown.demand, Demand::Parcels);
    assert_eq!(shown.solution.covered_after, lib.solution.covered_after);
    assert_eq!(shown.solution.chosen, lib.solution.chosen);
    let first = shown.solution.newly[0].len();
    assert!(first > 0);
    h.get_by_label_contains(&format!("新达标 {first}"));
}

#[test]
fn the_gtfs_dialog_exports_the_chosen_route_with_its_settings() {
    // The dialog itself, with egui_kittest's accessibility check (every field labelled).
    let mut h = sample_harness();
    h.state_mut().send(Command::ExportGtfs);
    h.run();
    assert!(h.state_mut().gtfs_dialog().open);
    h.get_by_label("导出 GTFS 公交数据");
    // Only KW6: untick the other routes by their labels.
    for name in ["KW1", "KW3", "12路"] {
        h.get_by_role_and_label(eframe::egui::accesskit::Role::CheckBox, name)
            .click();
        h.run();
    }
    let chosen = h.state_mut().gtfs_dialog().chosen.clone();
    assert_eq!(chosen.iter().filter(|c| **c).count(), 1);
    // A bad time is refused in the dialog, naming the setting.
    h.state_mut().gtfs_dialog().settings.service_end = "7pm".into();
    h.get_by_label("导出…").click();
    h.run();
    assert!(h.state_mut().gtfs_dialog().open);
    h.get_by_label_contains("service_end");
    h.get_by_label("取消").click();
    h.run();
    assert!(!h.state_mut().gtfs_dialog().open);
    assert!(!h.state().is_dirty(), "cancelled: nothing changed");

    // Exporting asks for a file: the built-in file dialog here (no display), whose
    // emoji icons the bundled font lacks and whose path field has no accessible name.
    let mut h = builtin_dialog_harness(false);
    h.state_mut().send(Command::ExportGtfs);
    h.run();
    h.state_mut().gtfs_dialog().chosen = chosen;
    h.state_mut().gtfs_dialog().settings.headway_min = 10.0;
    h.state_mut().gtfs_dialog().settings.service_end = "21:00".into();
    h.get_by_label("导出…").click();
    h.run();
    assert!(!h.state_mut().gtfs_dialog().open, "the dialog closes");
    // The settings are the workspace's now (saved with the project), and unsaved.
    let app = h.state();
    let ws = &app.session().expect("park").ws;
    assert_eq!(ws.gtfs.headway_min, 10.0);
    assert_eq!(ws.gtfs.service_end, "21:00");
    assert!(app.is_dirty());
    assert!(app.builtin_dialog_open(), "a file is asked for");
    // The file chosen: the feed is written.
    let out = crate::common::scratch().join("parkplan-ui-gtfs.zip");
    h.state_mut().send(Command::ExportGtfsTo(out.clone()));
    h.run();
    let g = gtfs_structures::Gtfs::from_path(&out).expect("a feed");
    let _ = std::fs::remove_file(&out);
    assert_eq!(g.routes.len(), 1);
    let trip = g.trips.values().next().expect("a trip");
    assert_eq!(trip.frequencies[0].headway_secs, 600);
    assert_eq!(trip.frequencies[0].end_time, 21 * 3600);
    // The status says what was written.
    h.get_by_label_contains("KW6：83 个站点");
    h.get_by_label("已导出 GTFS");
}

#[test]
fn the_inspector_lists_the_facilities_serving_a_selected_enterprise() {
    let mut h = sample_harness();
    wait_until(&mut h, "the analysis", |a| {
        a.session().is_some_and(|s| s.ws.studies.is_current())
    });
    // The enterprise inside the most service circles, counted from the coverage lists.
    let (f, n) = {
        let s = h.state().session().expect("park");
        let r = s.ws.studies.results.clone().expect("results");
        let mut count = vec![0usize; s.ws.park.enterprises.len()];
        for fc in &r.analysis.coverage.facilities {
            for c in &fc.covered {
                count[c.enterprise as usize] += 1;
            }
        }
        let (e, n) = count
            .iter()
            .enumerate()
            .max_by_key(|(_, n)| **n)
            .expect("enterprises");
        (s.ws.park.enterprises[e].feature, *n)
    };
    assert!(n > 1, "the sample has an enterprise in several circles");
    h.state_mut().send(Command::Select(Some(f)));
    h.run();
    h.get_by_label(&parkplan::ui::i18n::fmt_within_circles(Lang::Zh, n));
    // Another enterprise: the list follows the selection.
    let (g, m) = {
        let s = h.state().session().expect("park");
        let r = s.ws.studies.results.clone().expect("results");
        let e = (0..s.ws.park.enterprises.len())
            .find(|&e| {
                r.analysis
                    .coverage
                    .facilities
                    .iter()
                    .all(|fc| fc.covered.iter().all(|c| c.enterprise as usize != e))
            })
            .expect("an enterprise outside every circle");
        (s.ws.park.enterprises[e].feature, 0)
    };
    h.state_mut().send(Command::Select(Some(g)));
    h.run();
    h.get_by_label(&parkplan::ui::i18n::fmt_within_circles(Lang::Zh, m));
}

#[test]
fn legend_counts_of_a_million_feature_layer_are_shown_whole_and_grouped() {
    use parkplan::render::style::{LegendEntry, LegendGroup, SwatchKind};
    use parkplan::render::style::{MarkerShape, Rgba, Symbol};
    let entry = |label: &str, count: usize| LegendEntry {
        label: label.into(),
        symbol: Symbol::point(
            MarkerShape::Circle,
            4.0,
            Rgba::rgb(0, 100, 120),
            Rgba::WHITE,
            0.5,
        ),
        swatch: SwatchKind::Point,
        count,
    };
    let group = LegendGroup {
        layer: 0,
        title: "enterprises".into(),
        entries: vec![entry("职工 < 50 人", 576_278), entry("≥ 1000 人", 1_750)],
    };
    // As narrow as the layers panel, where long text is elided.
    let h = Harness::builder()
        .with_size(eframe::egui::vec2(230.0, 80.0))
        .with_context_setup(fonts::install_bundled)
        .build_ui(move |ui| {
            ui.style_mut().wrap_mode = Some(eframe::egui::TextWrapMode::Truncate);
            parkplan::ui::styles::legend(ui, &group);
        });
    let count = h.get_by_label("576,278");
    let label = h.get_by_label("职工 < 50 人");
    // The count is not elided: its place is as wide as its whole text, right of the
    // label and inside the panel.
    let font = eframe::egui::TextStyle::Body.resolve(&h.ctx.global_style());
    let whole = h
        .ctx
        .fonts_mut(|f| f.layout_no_wrap("576,278".into(), font, eframe::egui::Color32::WHITE))
        .size()
        .x;
    let (c, l) = (count.rect(), label.rect());
    assert!(c.width() >= whole - 0.5, "{c:?} narrower than {whole}");
    assert!(c.min.x >= l.max.x - 0.5, "{c:?} overlaps {l:?}");
    assert!(c.max.x <= 230.0, "{c:?}");
    h.get_by_label("1,750");
}

/// A park of 160 × 160 parcels about 21 m across (a `land_use` column), as GeoJSON.
fn crowded_parcels_geojson() -> String {
    let d = 0.0003;
    let mut features = Vec::new();
    for r in 0..160 {
        for c in 0..160 {
            let (x, y) = (112.30 + c as f64 * d, 30.30 + r as f64 * d);
            let (x1, y1) = (x + d * 0.7, y + d * 0.7);
            features.push(format!(
                r#"{{"type":"Feature","properties":{{"id":"P{r}-{c}","land_use":"M1"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#
            ));
        }
    }
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

#[test]
fn after_a_zoom_the_view_alone_is_drawn_first_then_the_full_tile_replaces_it() {
    use parkplan::ui::map::canvas::{TILE_MARGIN, Tile, VISIBLE_MARGIN, tile_covers, tile_view};
    use std::sync::Arc;

    let mut h = sample_harness();
    // Settled: the analyses done (their overlay would start another view-only tile).
    let settled = |a: &App| {
        drawn(a)
            && a.session().is_some_and(|s| {
                !s.index_pending() && !s.ws.studies.is_computing() && s.ws.studies.results.is_some()
            })
    };
    wait_until(&mut h, "the first view", settled);
    wait_until(&mut h, "the view of the analyses", drawn);
    let before = h.state().map_state().tile.clone().expect("a tile");
    assert_eq!(
        before.margin, TILE_MARGIN,
        "the settled tile has its margin"
    );
    h.state_mut().send(Command::ZoomBy(2.0));
    // Every tile shown after the zoom, in order, with the backdrop behind it.
    let mut shown: Vec<(Arc<Tile>, Option<Arc<Tile>>)> = Vec::new();
    let start = Instant::now();
    loop {
        h.step();
        let m = h.state().map_state();
        if let Some(t) = &m.tile
            && !Arc::ptr_eq(t, &before)
            && !shown.last().is_some_and(|(s, _)| Arc::ptr_eq(s, t))
        {
            shown.push((t.clone(), m.backdrop.clone()));
        }
        if drawn(h.state()) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "timed out");
        std::thread::sleep(Duration::from_millis(2));
    }
    let view = h.state().map_state().view;
    assert!((view.resolution - before.key.resolution / 2.0).abs() < 1e-9);
    assert_eq!(shown.len(), 2, "{shown:?}");
    // First the view alone at the new scale, over the last full tile...
    let (first, backdrop) = &shown[0];
    assert_eq!(first.margin, VISIBLE_MARGIN);
    assert_eq!(first.key.resolution, view.resolution);
    assert_eq!(first.view.size, view.size);
    assert!(tile_covers(&first.view, &view));
    assert!(backdrop.as_ref().is_some_and(|b| Arc::ptr_eq(b, &before)));
    assert!(first.vertices > 0);
    // ...then the full tile with its margin for panning, alone.
    let (full, backdrop) = &shown[1];
    assert_eq!(full.margin, TILE_MARGIN);
    assert_eq!(full.key.resolution, view.resolution);
    assert_eq!(full.view.size, tile_view(&view).size);
    assert!(backdrop.is_none());
    assert!(h.state().map_state().backdrop.is_none());
    assert!(full.vertices > first.vertices);
    // The labels shown first stay where they were: the full tile keeps them.
    assert!(!first.labels.is_empty(), "labels in the view");
    let on_map = |t: &Tile, l: &parkplan::render::scene::LabelItem| {
        t.view
            .screen_to_world([f64::from(l.pos[0]), f64::from(l.pos[1])])
    };
    for l in &first.labels {
        let w = on_map(first, l);
        assert!(
            full.labels.iter().any(|k| k.text == l.text && {
                let v = on_map(full, k);
                (v[0] - w[0]).abs() < 0.01 * view.resolution
                    && (v[1] - w[1]).abs() < 0.01 * view.resolution
            }),
            "label {} moved when the full tile came",
            l.text
        );
    }
}

/// The inputs of a desktop tile of `park` around `view` (its resolution the key's).
fn tile_input(
    park: &std::sync::Arc<parkplan::model::Park>,
    projected: &std::sync::Arc<parkplan::render::ProjectedPark>,
    styles: &std::sync::Arc<parkplan::render::MapStyles>,
    view: MapView,
    margin: f32,
    ctx: Option<eframe::egui::Context>,
    keep_labels: Vec<parkplan::render::scene::LabelItem>,
) -> parkplan::ui::map::canvas::TileInput {
    parkplan::ui::map::canvas::TileInput {
        park: park.clone(),
        projected: projected.clone(),
        styles: styles.clone(),
        overlays: std::sync::Arc::new(parkplan::render::Overlays::default()),
        key: parkplan::ui::map::canvas::TileKey {
            styles_version: 0,
            overlay_version: 0,
            lang: Lang::Zh,
            resolution: view.resolution,
            pixels_per_point: 1.0,
        },
        view,
        margin,
        disc: None,
        ctx,
        keep_labels,
    }
}

#[test]
fn parcels_a_few_pixels_across_reach_the_screen_as_one_picture_not_meshes() {
    use parkplan::render::{MapStyles, ProjectedPark};
    use parkplan::ui::map::canvas::{TILE_MARGIN, build_tile, build_tile_unless_cancelled};
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    let file = common::write_temp(
        "crowded-parcels",
        "parcels.geojson",
        crowded_parcels_geojson(),
    );
    let park = common::load(&[&file]).park;
    let n = park.layers[0].len();
    assert_eq!(n, 25_600);
    let projected = Arc::new(ProjectedPark::new(&park).expect("projected"));
    let styles = Arc::new(MapStyles::default_for(&park));
    let centre = projected.extent().expect("an extent").center();
    let park = Arc::new(park);
    let ctx = eframe::egui::Context::default();
    // The tile (twice the view each way) holds every parcel at both zooms.
    let input_at = |resolution: f64| {
        let view = MapView::new(centre, resolution, [1600.0, 1400.0]);
        tile_input(
            &park,
            &projected,
            &styles,
            view,
            TILE_MARGIN,
            Some(ctx.clone()),
            Vec::new(),
        )
    };
    let tile_at = |resolution: f64| build_tile(&input_at(resolution));
    // At 4 m a pixel the parcels are about 5 pixels: one picture (a texture and its
    // quad), no parcel tessellated.
    let small = tile_at(4.0);
    assert_eq!(small.textures.len(), 1);
    assert_eq!(small.aggregated, vec![0]);
    assert!(small.vertices < 100, "{} vertices", small.vertices);
    // At 2 m a pixel (about 11 pixels, as crowded) they are shapes again: a fill and
    // an outline each.
    let large = tile_at(2.0);
    assert!(large.textures.is_empty());
    assert!(large.vertices > 8 * n, "{} vertices", large.vertices);
    // A tile cancelled (a newer zoom) gives nothing; one not cancelled, the same tile.
    let stop = Arc::new(AtomicBool::new(true));
    assert!(build_tile_unless_cancelled(&input_at(2.0), &stop).is_none());
    let go = Arc::new(AtomicBool::new(false));
    let same = build_tile_unless_cancelled(&input_at(2.0), &go).expect("a tile");
    assert_eq!(same.vertices, large.vertices);
    assert_eq!(same.chunks.len(), large.chunks.len());
}

#[test]
fn labels_on_screen_keep_their_place_when_the_full_tile_replaces_the_view_only_one() {
    use parkplan::render::{MapStyles, ProjectedPark};
    use parkplan::ui::map::canvas::{
        TILE_MARGIN, Tile, VISIBLE_MARGIN, build_tile, labels_kept_from,
    };
    use std::sync::Arc;

    let sample = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/jingzhou-etdz");
    let park = common::load(&[&sample]).park;
    let projected = Arc::new(ProjectedPark::new(&park).expect("projected"));
    let styles = Arc::new(MapStyles::default_for(&park));
    let centre = projected.extent().expect("an extent").center();
    let park = Arc::new(park);
    let mut kept_somewhere = 0;
    for resolution in [10.0, 5.0, 2.5, 1.25] {
        let view = MapView::new(centre, resolution, [1100.0, 800.0]);
        let input = |margin: f32, keep_labels| {
            tile_input(&park, &projected, &styles, view, margin, None, keep_labels)
        };
        // After a zoom: the view alone, then the full tile keeping its labels.
        let first = build_tile(&input(VISIBLE_MARGIN, Vec::new()));
        let full = build_tile(&input(
            TILE_MARGIN,
            labels_kept_from(&first, &view, TILE_MARGIN),
        ));
        // Every label of the first tile, at the same place on the map, in the second.
        let on_map = |t: &Tile| -> Vec<(String, [f64; 2])> {
            t.labels
                .iter()
                .map(|l| {
                    let w = t.view.screen_to_world([l.pos[0] as f64, l.pos[1] as f64]);
                    (l.text.clone(), w)
                })
                .collect()
        };
        let (a, b) = (on_map(&first), on_map(&full));
        for (text, w) in &a {
            assert!(
                b.iter().any(|(t, v)| t == text
                    && (v[0] - w[0]).abs() < 0.01 * resolution
                    && (v[1] - w[1]).abs() < 0.01 * resolution),
                "{text} moved or went at {resolution} m a pixel"
            );
        }
        kept_somewhere += a.len();
        // The full tile also labels its margin.
        assert!(b.len() >= a.len());
    }
    assert!(kept_somewhere > 20, "{kept_somewhere} labels");
}
