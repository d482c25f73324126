//! The team database against a real PostgreSQL/PostGIS server: a throwaway cluster per
//! test (tests/common/pg.rs). Skipped, saying why, only when the PostgreSQL binaries
//! are not installed.

use std::collections::BTreeSet;

use parkplan::db::{self, DbPark, DbUrl, Resolution, Resolutions};
use parkplan::model::{Edit, Park};
use serde_json::json;

use crate::common::pg::Cluster;
use crate::common::sample_dir;

/// A cluster with the ParkPlan schema in database `gis`, the logins `adm` (admin),
/// `ann` and `bob` (editors) and `vic` (viewer), and the sample map pushed by `adm`
/// as park 荆州.
fn setup() -> Option<Cluster> {
    let c = Cluster::start()?;
    let mut su =
        postgres::Client::connect(&c.url("postgres", "postgres"), postgres::NoTls).unwrap();
    su.batch_execute("CREATE DATABASE gis").unwrap();
    let mut gis = db::connect(&DbUrl::parse(&c.url("postgres", "gis")).unwrap()).unwrap();
    db::init(&mut gis).unwrap();
    // Safe to run twice.
    db::init(&mut gis).unwrap();
    gis.batch_execute(
        "CREATE ROLE adm LOGIN IN ROLE parkplan_admin; CREATE ROLE ann LOGIN IN ROLE parkplan_editor;
         CREATE ROLE bob LOGIN IN ROLE parkplan_editor; CREATE ROLE vic LOGIN IN ROLE parkplan_viewer;",
    )
    .unwrap();
    let park = parkplan::project::open_paths(&[sample_dir()], None)
        .unwrap()
        .loaded
        .park;
    let mut adm = db::connect(&DbUrl::parse(&c.url("adm", "gis")).unwrap()).unwrap();
    let stats = db::push_park(&mut adm, "荆州", &park, false).unwrap();
    assert_eq!(stats.layers, park.layers.len());
    // A second push of the same name is refused unless replacing.
    assert!(matches!(
        db::push_park(&mut adm, "荆州", &park, false),
        Err(db::DbError::ParkExists { .. })
    ));
    Some(c)
}

fn park_url(c: &Cluster, user: &str) -> String {
    format!("{}&park=%E8%8D%86%E5%B7%9E", c.url(user, "gis"))
}

/// A planner's session: connection, park, what was loaded.
struct Planner {
    client: postgres::Client,
    park: Park,
    db: DbPark,
}

fn open(c: &Cluster, user: &str) -> Planner {
    let url = DbUrl::parse(&park_url(c, user)).unwrap();
    let (loaded, db) = parkplan::project::open_database(&url).unwrap();
    Planner {
        client: db::connect(&url).unwrap(),
        park: loaded.park,
        db,
    }
}

/// The enterprise layer (index) and the name of its first attribute.
fn target(p: &Park) -> (usize, String) {
    let li = p
        .layers
        .iter()
        .position(|l| l.role == parkplan::model::Role::Enterprises && l.len() >= 2)
        .expect("the sample has enterprises");
    let key = p.layers[li].attributes.columns()[0].name().to_string();
    (li, key)
}

fn set(p: &mut Planner, layer: usize, index: usize, key: &str, value: serde_json::Value) {
    let before = p.park.layers[layer]
        .attributes
        .get(index, key)
        .to_json_value();
    p.park
        .apply_edit(&mut Edit::SetAttribute {
            layer,
            index,
            key: key.into(),
            before,
            after: Some(value),
        })
        .unwrap();
}

fn value(p: &Park, layer: usize, index: usize, key: &str) -> Option<serde_json::Value> {
    p.layers[layer].attributes.get(index, key).to_json_value()
}

fn log_ops(client: &mut postgres::Client) -> Vec<(String, String, Option<i64>)> {
    db::change_log(client, "荆州", 100)
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| (e.who, e.op, e.fid))
        .collect()
}

/// Every layer, feature by feature: ids, geometries, and each property's JSON text.
fn assert_same_park(a: &Park, b: &Park) {
    assert_eq!(a.layers.len(), b.layers.len());
    for (x, y) in a.layers.iter().zip(&b.layers) {
        assert_eq!(x.name, y.name);
        assert_eq!(x.role, y.role);
        assert_eq!(x.fields, y.fields, "layer {}", x.name);
        assert_eq!(x.len(), y.len(), "layer {}", x.name);
        assert_eq!(x.ids, y.ids, "layer {}", x.name);
        assert_eq!(x.geometries, y.geometries, "layer {}", x.name);
        let cols = |l: &parkplan::model::Layer| -> Vec<String> {
            l.attributes
                .columns()
                .iter()
                .map(|c| c.name().to_string())
                .collect()
        };
        assert_eq!(cols(x), cols(y), "layer {}", x.name);
        for i in 0..x.len() {
            let row = |l: &parkplan::model::Layer| -> Vec<(String, Option<String>)> {
                l.attributes
                    .row(i)
                    .map(|(k, v)| (k.to_string(), v.to_json_text()))
                    .collect()
            };
            assert_eq!(row(x), row(y), "layer {} feature {i}", x.name);
        }
    }
    assert_eq!(a.enterprises.len(), b.enterprises.len());
    assert_eq!(a.parcels.len(), b.parcels.len());
}

#[test]
fn push_then_open_equals_the_folder() {
    let Some(c) = setup() else { return };
    let folder = parkplan::project::open_paths(&[sample_dir()], None)
        .unwrap()
        .loaded
        .park;
    // The same way every CLI PATH opens.
    let url = std::path::PathBuf::from(park_url(&c, "vic"));
    let from_db = parkplan::project::open_paths(&[url], None)
        .unwrap()
        .loaded
        .park;
    assert_eq!(from_db.name, "荆州");
    assert_same_park(&folder, &from_db);
    // Typed columns for mapped fields, kept by the server itself.
    let mut adm = db::connect(&DbUrl::parse(&c.url("adm", "gis")).unwrap()).unwrap();
    let row = adm
        .query_one(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'parkplan' AND column_name LIKE 'f\\_%'",
            &[],
        )
        .unwrap();
    assert!(row.get::<_, i64>(0) > 0);
    // A park that is not there is named with the ones that are.
    let bad = std::path::PathBuf::from(format!("{}&park=nope", c.url("vic", "gis")));
    let e = parkplan::project::open_paths(&[bad], None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("nope") && e.contains("荆州"), "{e}");
}

#[test]
fn same_feature_edited_twice_is_a_conflict_and_nothing_is_lost() {
    let Some(c) = setup() else { return };
    let mut ann = open(&c, "ann");
    let mut bob = open(&c, "bob");
    let (li, key) = target(&ann.park);
    set(&mut ann, li, 0, &key, json!("ann's name"));
    set(&mut bob, li, 0, &key, json!("bob's name"));
    set(&mut bob, li, 0, "备注", json!("bob's note"));
    let out = db::save_edits(
        &mut ann.client,
        &mut ann.db,
        &mut ann.park,
        &Resolutions::new(),
    )
    .unwrap();
    assert_eq!((out.written, out.conflicts.len()), (1, 0));
    let out = db::save_edits(
        &mut bob.client,
        &mut bob.db,
        &mut bob.park,
        &Resolutions::new(),
    )
    .unwrap();
    assert_eq!(out.written, 0);
    assert_eq!(out.conflicts.len(), 1);
    let k = &out.conflicts[0];
    let attrs = k.attributes();
    let row = attrs.iter().find(|(n, _, _)| *n == key).unwrap();
    assert_eq!(row.1, Some(json!("bob's name")));
    assert_eq!(row.2, Some(json!("ann's name")));
    assert_eq!(k.their_author, "ann");
    // Nothing of bob's was written: a fresh look sees ann's version.
    let fresh = open(&c, "vic");
    assert_eq!(value(&fresh.park, li, 0, &key), Some(json!("ann's name")));
    assert_eq!(value(&fresh.park, li, 0, "备注"), None);
    // Bob merges: ann's name, his note.
    let mut res = Resolutions::new();
    res.insert(
        (li, k.fid),
        (
            Resolution::Merge {
                theirs_keys: BTreeSet::from([key.clone()]),
                theirs_geometry: false,
            },
            k.their_version,
        ),
    );
    let out = db::save_edits(&mut bob.client, &mut bob.db, &mut bob.park, &res).unwrap();
    assert_eq!((out.written, out.conflicts.len()), (1, 0));
    assert_eq!(value(&bob.park, li, 0, &key), Some(json!("ann's name")));
    let fresh = open(&c, "vic");
    assert_eq!(value(&fresh.park, li, 0, &key), Some(json!("ann's name")));
    assert_eq!(value(&fresh.park, li, 0, "备注"), Some(json!("bob's note")));
    // The log has both saves, each with its author, before and after.
    let mut su = db::connect(&DbUrl::parse(&c.url("postgres", "gis")).unwrap()).unwrap();
    let ops = log_ops(&mut su);
    let fid = k.fid;
    assert_eq!(
        ops.iter()
            .filter(|o| o.1 == "update" && o.2 == Some(fid))
            .map(|o| o.0.as_str())
            .collect::<Vec<_>>(),
        vec!["ann", "bob"]
    );
    let log = db::change_log(&mut su, "荆州", 10).unwrap();
    assert_eq!(
        log[0].before.as_ref().unwrap()["properties"][&key],
        json!("ann's name")
    );
    assert!(db::describe_change(&log[0]).contains("备注"));
    // Ann, now behind, keeps hers over bob's: written against bob's version.
    set(&mut ann, li, 0, "备注", json!("ann's note"));
    let out = db::save_edits(
        &mut ann.client,
        &mut ann.db,
        &mut ann.park,
        &Resolutions::new(),
    )
    .unwrap();
    assert_eq!(out.conflicts.len(), 1);
    let k = &out.conflicts[0];
    let mut res = Resolutions::new();
    res.insert((li, k.fid), (Resolution::KeepMine, k.their_version));
    let out = db::save_edits(&mut ann.client, &mut ann.db, &mut ann.park, &res).unwrap();
    assert_eq!(out.written, 1);
    let fresh = open(&c, "vic");
    assert_eq!(value(&fresh.park, li, 0, "备注"), Some(json!("ann's note")));
}

#[test]
fn different_features_both_land_and_pull_brings_them() {
    let Some(c) = setup() else { return };
    let mut ann = open(&c, "ann");
    let mut bob = open(&c, "bob");
    let (li, key) = target(&ann.park);
    set(&mut ann, li, 0, &key, json!("A"));
    set(&mut bob, li, 1, &key, json!("B"));
    // Bob also adds a feature and deletes none.
    let mut add = parkplan::model::FeatureData {
        geometry: bob.park.layers[li].geometries[1].clone(),
        properties: vec![(key.clone(), json!("new"))],
        ..Default::default()
    };
    add.id = None;
    let n = bob.park.layers[li].len();
    bob.park
        .apply_edit(&mut Edit::AddFeature {
            layer: li,
            index: n,
            feature: add,
        })
        .unwrap();
    let a = db::save_edits(
        &mut ann.client,
        &mut ann.db,
        &mut ann.park,
        &Resolutions::new(),
    )
    .unwrap();
    let b = db::save_edits(
        &mut bob.client,
        &mut bob.db,
        &mut bob.park,
        &Resolutions::new(),
    )
    .unwrap();
    assert_eq!((a.written, a.conflicts.len()), (1, 0));
    assert_eq!((b.written, b.conflicts.len()), (2, 0));
    // Nothing pending after a save.
    assert!(db::pending_changes(&bob.park, &bob.db).is_empty());
    // Ann pulls (刷新): bob's change and his new feature arrive; hers stays.
    let pulled = db::pull(&mut ann.client, &mut ann.db, &mut ann.park).unwrap();
    assert_eq!((pulled.updated, pulled.added, pulled.kept_local), (1, 1, 0));
    assert_eq!(value(&ann.park, li, 0, &key), Some(json!("A")));
    assert_eq!(value(&ann.park, li, 1, &key), Some(json!("B")));
    assert_eq!(value(&ann.park, li, n, &key), Some(json!("new")));
    assert!(db::pending_changes(&ann.park, &ann.db).is_empty());
    // Deleting goes through the same check.
    let mut del = Edit::DeleteFeature {
        layer: li,
        index: n,
        feature: Default::default(),
    };
    ann.park.apply_edit(&mut del).unwrap();
    let out = db::save_edits(
        &mut ann.client,
        &mut ann.db,
        &mut ann.park,
        &Resolutions::new(),
    )
    .unwrap();
    assert_eq!(out.written, 1);
    let pulled = db::pull(&mut bob.client, &mut bob.db, &mut bob.park).unwrap();
    assert_eq!(pulled.removed, 1);
    assert_eq!(bob.park.layers[li].len(), n);
}

#[test]
fn a_viewer_gets_a_read_only_map_and_the_server_refuses_its_writes() {
    let Some(c) = setup() else { return };
    let mut vic = open(&c, "vic");
    let why = vic.db.read_only.clone().expect("a viewer is read-only");
    assert!(why.contains("只读") && why.contains("viewer"), "{why}");
    assert!(open(&c, "ann").db.read_only.is_none());
    let (li, key) = target(&vic.park);
    set(&mut vic, li, 0, &key, json!("x"));
    let e = db::save_edits(
        &mut vic.client,
        &mut vic.db,
        &mut vic.park,
        &Resolutions::new(),
    )
    .unwrap_err();
    assert!(e.is_permission_denied(), "{e}");
    // Not only the client's word: the server refuses too.
    vic.db.read_only = None;
    let e = db::save_edits(
        &mut vic.client,
        &mut vic.db,
        &mut vic.park,
        &Resolutions::new(),
    )
    .unwrap_err();
    assert!(e.is_permission_denied(), "{e}");
    // And viewers may not push.
    let park = vic.park.clone();
    assert!(db::push_park(&mut vic.client, "other", &park, false).is_err());
}

#[test]
fn a_connection_killed_during_a_save_leaves_nothing_half_written() {
    let Some(c) = setup() else { return };
    let mut ann = open(&c, "ann");
    let (li, key) = target(&ann.park);
    let table = ann.db.layers[li].table.clone();
    let mut su = db::connect(&DbUrl::parse(&c.url("postgres", "gis")).unwrap()).unwrap();
    // A slow trigger: the second row's update waits, and is killed while it waits.
    su.batch_execute(&format!(
        "CREATE FUNCTION parkplan.slow() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.properties ? 'slow' THEN PERFORM pg_sleep(30); END IF; RETURN NEW; END $$;
         CREATE TRIGGER slow BEFORE UPDATE ON parkplan.\"{table}\" FOR EACH ROW EXECUTE FUNCTION parkplan.slow();"
    ))
    .unwrap();
    let before_log = log_ops(&mut su).len();
    set(&mut ann, li, 0, &key, json!("first"));
    set(&mut ann, li, 1, "slow", json!(true));
    let pid: i32 = ann
        .client
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let saver = std::thread::spawn(move || {
        let r = db::save_edits(
            &mut ann.client,
            &mut ann.db,
            &mut ann.park,
            &Resolutions::new(),
        );
        (r.map(|o| o.written).map_err(|e| e.to_string()), ann)
    });
    // Wait until the save sits in the sleep, then cut it off.
    let mut waited = 0;
    loop {
        let sleeping: bool = su
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'PgSleep')",
                &[&pid],
            )
            .unwrap()
            .get(0);
        if sleeping {
            break;
        }
        waited += 1;
        assert!(waited < 200, "the save never reached the slow row");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    su.execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let (result, ann) = saver.join().unwrap();
    assert!(result.is_err(), "the save must fail: {result:?}");
    // Nothing half-written: the first row is as pushed, the log unchanged.
    let fresh = open(&c, "vic");
    let pushed = parkplan::project::open_paths(&[sample_dir()], None)
        .unwrap()
        .loaded
        .park;
    assert_eq!(value(&fresh.park, li, 0, &key), value(&pushed, li, 0, &key));
    assert_eq!(log_ops(&mut su).len(), before_log);
    // The planner's edits are still there to save again.
    assert_eq!(value(&ann.park, li, 0, &key), Some(json!("first")));
    assert_eq!(db::pending_changes(&ann.park, &ann.db).len(), 2);
}

/// The real desktop app on the park, as `user`, after loading (a window of its own).
#[cfg(feature = "gui")]
fn desktop(c: &Cluster, user: &str) -> egui_kittest::Harness<'static, parkplan::ui::App> {
    use parkplan::ui::settings::Settings;
    use parkplan::ui::{App, fonts};
    let settings = Settings {
        lang: Some(parkplan::model::Lang::Zh),
        ..Settings::default()
    };
    let app = App::with_settings(settings, vec![std::path::PathBuf::from(park_url(c, user))]);
    let mut h = egui_kittest::Harness::builder()
        .with_size(eframe::egui::vec2(1400.0, 900.0))
        .with_context_setup(fonts::install_bundled)
        .with_max_steps(200)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    let start = std::time::Instant::now();
    while h.state().is_loading() {
        h.step();
        assert!(start.elapsed().as_secs() < 60, "load timed out");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run();
    assert!(
        h.state().load_error().is_none(),
        "{:?}",
        h.state().load_error()
    );
    h
}

/// The done-when of issue #17 on the real desktop app, twice (two windows): different
/// features both land; the same feature shows the conflict dialog; the change log
/// lists both planners.
#[cfg(feature = "gui")]
#[test]
fn two_desktop_windows_on_one_park() {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;
    use parkplan::ui::App;
    use parkplan::ui::command::Command;

    let Some(c) = setup() else { return };
    let window = |user: &str| desktop(&c, user);
    let mut ann = window("ann");
    let mut bob = window("bob");
    let park = |h: &Harness<'static, App>| h.state().session().unwrap().ws.park.clone();
    let (li, key) = target(&park(&ann));
    let edit = |h: &mut Harness<'static, App>, index: usize, v: &str| {
        let before = park(h).layers[li]
            .attributes
            .get(index, &key)
            .to_json_value();
        h.state_mut().send(Command::Edit(Edit::SetAttribute {
            layer: li,
            index,
            key: key.clone(),
            before,
            after: Some(json!(v)),
        }));
        h.run();
    };
    // Different features: both saves land (Ctrl+S is SaveProject).
    edit(&mut ann, 0, "ann-0");
    edit(&mut bob, 1, "bob-1");
    for h in [&mut ann, &mut bob] {
        h.state_mut().send(Command::SaveProject);
        h.run();
        assert!(h.query_by_label("保存冲突").is_none());
    }
    let fresh = open(&c, "vic");
    assert_eq!(value(&fresh.park, li, 0, &key), Some(json!("ann-0")));
    assert_eq!(value(&fresh.park, li, 1, &key), Some(json!("bob-1")));
    // 刷新 in ann's window brings bob's feature.
    ann.state_mut().send(Command::DbPull);
    ann.run();
    assert_eq!(value(&park(&ann), li, 1, &key), Some(json!("bob-1")));
    // The same feature: bob's save shows the conflict dialog, mine and theirs side by side.
    edit(&mut ann, 0, "ann-again");
    edit(&mut bob, 0, "bob-0");
    ann.state_mut().send(Command::SaveProject);
    ann.run();
    bob.state_mut().send(Command::SaveProject);
    bob.run();
    bob.get_by_label("保存冲突");
    bob.get_by_label("ann-again");
    bob.get_by_label("bob-0");
    let fresh = open(&c, "vic");
    assert_eq!(
        value(&fresh.park, li, 0, &key),
        Some(json!("ann-again")),
        "nothing of bob's written yet"
    );
    // Take theirs: bob's window now shows ann's value, nothing more is written.
    bob.get_by_label("采用他人的").click();
    bob.run();
    assert!(bob.query_by_label("保存冲突").is_none());
    assert_eq!(value(&park(&bob), li, 0, &key), Some(json!("ann-again")));
    // The change log lists both planners.
    bob.state_mut().send(Command::DbLog);
    bob.run();
    assert!(
        bob.query_all_by_label_contains(" ann update")
            .next()
            .is_some()
    );
    assert!(
        bob.query_all_by_label_contains(" bob update")
            .next()
            .is_some()
    );
}

/// A viewer's window: the reason it is read-only is shown, and editing is refused.
#[cfg(feature = "gui")]
#[test]
fn a_viewer_window_shows_why_it_is_read_only() {
    use egui_kittest::kittest::Queryable as _;
    use parkplan::ui::command::Command;

    let Some(c) = setup() else { return };
    let mut h = desktop(&c, "vic");
    h.get_by_label_contains("只读：数据库角色 viewer 无写权限");
    h.state_mut().send(Command::SetEditLayer(0));
    h.run();
    assert!(h.state().team_read_only().is_some());
}

/// A fresh folder for an offline test's GeoPackage.
fn offline_dir(tag: &str) -> std::path::PathBuf {
    let dir = crate::common::scratch().join(format!("parkplan-offline-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The GeoPackage table holding a layer, as the checkout recorded it.
fn gpkg_table(conn: &rusqlite::Connection, layer: &str) -> String {
    conn.query_row(
        "SELECT table_name FROM parkplan_layers WHERE layer = ?1",
        [layer],
        |r| r.get(0),
    )
    .unwrap()
}

/// Sets a text attribute of the row with this key in a checked-out GeoPackage, as an
/// outside tool (QGIS) would: one SQL UPDATE.
fn gpkg_set(gpkg: &std::path::Path, layer: &str, key: &str, text: &str, fid: i64) {
    let conn = rusqlite::Connection::open(gpkg).unwrap();
    let t = gpkg_table(&conn, layer);
    let n = conn
        .execute(
            &format!(
                "UPDATE \"{}\" SET \"{}\" = ?1 WHERE parkplan_fid = ?2",
                t.replace('"', "\"\""),
                key.replace('"', "\"\"")
            ),
            rusqlite::params![text, fid],
        )
        .unwrap();
    assert_eq!(n, 1);
}

/// The feature of a layer with this database key (index), if there.
fn by_fid(p: &Park, layer: usize, fid: i64) -> Option<usize> {
    p.layers[layer]
        .extras
        .iter()
        .find(|(_, e)| e.row.is_some_and(|r| r.fid == fid))
        .map(|(i, _)| *i)
}

fn fid_of(p: &Park, layer: usize, index: usize) -> i64 {
    p.layers[layer].extras[&index].row.unwrap().fid
}

/// An offline test's start: its folder, the GeoPackage path, ann's URL and connection,
/// and the park as ann opens it before anything happens.
fn offline_start(
    c: &Cluster,
    tag: &str,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    DbUrl,
    postgres::Client,
    Planner,
) {
    let dir = offline_dir(tag);
    let gpkg = dir.join(format!("{tag}.gpkg"));
    let url = DbUrl::parse(&park_url(c, "ann")).unwrap();
    let client = db::connect(&url).unwrap();
    (dir, gpkg, url, client, open(c, "ann"))
}

#[test]
fn offline_edits_come_back_through_the_conflict_check() {
    let Some(c) = setup() else { return };
    let (dir, gpkg, ann_url, mut ann, before) = offline_start(&c, "conflict");
    let (li, key) = target(&before.park);
    let lname = before.park.layers[li].name.clone();
    let total = before.park.layers[li].len();
    let (f0, f1) = (fid_of(&before.park, li, 0), fid_of(&before.park, li, 1));
    let stats = db::checkout(&mut ann, &ann_url, &gpkg, None).unwrap();
    assert_eq!(stats.park, "荆州");
    let info = db::offline_info(&gpkg).unwrap();
    assert_eq!(info.park, "荆州");
    assert!(!info.url.contains("park="), "{}", info.url);
    // The file is a GeoPackage ParkPlan itself opens, with the layer's features.
    let tables = parkplan::import::gpkg::feature_tables(&gpkg).unwrap();
    assert_eq!(tables.len(), before.park.layers.len());
    // Offline, as an outside tool would: change, add (no key), delete.
    gpkg_set(&gpkg, &lname, &key, "offline name", f0);
    {
        let conn = rusqlite::Connection::open(&gpkg).unwrap();
        let t = gpkg_table(&conn, &lname);
        let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        conn.execute(
            &format!(
                "INSERT INTO {t} (geom, {k}) SELECT geom, 'added offline' FROM {t} WHERE parkplan_fid = ?1",
                t = q(&t),
                k = q(&key)
            ),
            [f1],
        )
        .unwrap();
        conn.execute(
            &format!("DELETE FROM {} WHERE parkplan_fid = ?1", q(&t)),
            [f1],
        )
        .unwrap();
    }
    // Meanwhile bob changes the same feature online.
    let mut bob = open(&c, "bob");
    let i0 = by_fid(&bob.park, li, f0).unwrap();
    set(&mut bob, li, i0, &key, json!("bob online"));
    let out = db::save_edits(
        &mut bob.client,
        &mut bob.db,
        &mut bob.park,
        &Resolutions::new(),
    )
    .unwrap();
    assert_eq!(out.written, 1);
    // The check-in sees the conflict, with both versions, and writes nothing.
    let o = db::checkin(&mut ann, &gpkg, &ann_url, None).unwrap();
    assert_eq!((o.changed, o.added, o.deleted), (1, 1, 1));
    assert_eq!(o.written, 0);
    assert_eq!(o.conflicts.len(), 1);
    let k = &o.conflicts[0];
    assert_eq!((k.fid, k.their_author.as_str()), (f0, "bob"));
    let attrs = k.attributes();
    let row = attrs.iter().find(|(n, _, _)| *n == key).unwrap();
    assert_eq!(row.1, Some(json!("offline name")));
    assert_eq!(row.2, Some(json!("bob online")));
    let text = db::offline::describe_conflict(k);
    assert!(
        text.contains("offline name") && text.contains("bob online"),
        "{text}"
    );
    let now = open(&c, "ann");
    assert_eq!(now.park.layers[li].len(), total);
    assert!(by_fid(&now.park, li, f1).is_some());
    assert_eq!(
        value(&now.park, li, by_fid(&now.park, li, f0).unwrap(), &key),
        Some(json!("bob online"))
    );
    // Keeping mine lands all three, each in the change log.
    let o = db::checkin(&mut ann, &gpkg, &ann_url, Some(db::Keep::Mine)).unwrap();
    assert!(o.conflicts.is_empty());
    assert_eq!(o.written, 3);
    let now = open(&c, "ann");
    assert_eq!(now.park.layers[li].len(), total);
    assert!(by_fid(&now.park, li, f1).is_none());
    let i0 = by_fid(&now.park, li, f0).unwrap();
    assert_eq!(value(&now.park, li, i0, &key), Some(json!("offline name")));
    // Only the edited column changed; the others keep their database values.
    let b0 = by_fid(&before.park, li, f0).unwrap();
    for col in before.park.layers[li].attributes.columns() {
        let n = col.name();
        if n != key {
            assert_eq!(
                value(&now.park, li, i0, n),
                value(&before.park, li, b0, n),
                "{n}"
            );
        }
    }
    assert_eq!(
        now.park.layers[li].geometries[i0],
        before.park.layers[li].geometries[b0]
    );
    let added = (0..now.park.layers[li].len())
        .find(|&i| value(&now.park, li, i, &key) == Some(json!("added offline")))
        .expect("the feature added offline");
    assert!(now.park.layers[li].geometries[added].is_some());
    let ops = log_ops(&mut ann);
    let ann_ops: Vec<&(String, String, Option<i64>)> =
        ops.iter().filter(|(who, _, _)| who == "ann").collect();
    assert!(
        ann_ops
            .iter()
            .any(|(_, op, f)| op == "update" && *f == Some(f0)),
        "{ops:?}"
    );
    assert!(
        ann_ops
            .iter()
            .any(|(_, op, f)| op == "delete" && *f == Some(f1)),
        "{ops:?}"
    );
    assert!(ann_ops.iter().any(|(_, op, _)| op == "insert"), "{ops:?}");
    // The same file cannot be brought back twice.
    let e = db::checkin(&mut ann, &gpkg, &ann_url, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("already brought back"), "{e}");
    // Not a checkout at all: said so, naming the file.
    let plain = dir.join("plain.gpkg");
    parkplan::save::gpkg::save_gpkg(
        &[&now.park.layers[li]],
        &plain,
        parkplan::save::WriteCrs::Source,
        false,
    )
    .unwrap();
    let e = db::checkin(&mut ann, &plain, &ann_url, None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("plain.gpkg") && e.contains("not a ParkPlan checkout"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_area_checkout_holds_its_features_and_checkin_leaves_the_others() {
    use geo::{BoundingRect, Intersects};
    let Some(c) = setup() else { return };
    let (dir, gpkg, url, mut ann, before) = offline_start(&c, "bbox");
    let (li, key) = target(&before.park);
    let layer = &before.park.layers[li];
    // A small box around the first feature.
    let r = layer.geometries[0]
        .as_ref()
        .unwrap()
        .bounding_rect()
        .unwrap();
    let pad = 0.002;
    let area = geo::Rect::new(
        geo::Coord {
            x: r.min().x - pad,
            y: r.min().y - pad,
        },
        geo::Coord {
            x: r.max().x + pad,
            y: r.max().y + pad,
        },
    );
    let inside: Vec<i64> = (0..layer.len())
        .filter(|&i| {
            layer.geometries[i]
                .as_ref()
                .is_some_and(|g| g.intersects(&area))
        })
        .map(|i| fid_of(&before.park, li, i))
        .collect();
    assert!(
        !inside.is_empty() && inside.len() < layer.len(),
        "{} of {}",
        inside.len(),
        layer.len()
    );
    let bbox = format!(
        "{},{},{},{}",
        area.min().x,
        area.min().y,
        area.max().x,
        area.max().y
    );
    let stats = db::checkout(
        &mut ann,
        &url,
        &gpkg,
        Some(db::offline::parse_bbox(&bbox).unwrap()),
    )
    .unwrap();
    let total: usize = before.park.layers.iter().map(|l| l.len()).sum();
    assert!(stats.features < total);
    let conn = rusqlite::Connection::open(&gpkg).unwrap();
    let t = gpkg_table(&conn, &layer.name);
    let mut got: Vec<i64> = conn
        .prepare(&format!(
            "SELECT parkplan_fid FROM \"{}\" ORDER BY parkplan_fid",
            t.replace('"', "\"\"")
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut want = inside.clone();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
    // One edit inside the box; the features outside it are not deleted.
    drop(conn);
    gpkg_set(&gpkg, &layer.name, &key, "edited in the area", inside[0]);
    let o = db::checkin(&mut ann, &gpkg, &url, None).unwrap();
    assert_eq!((o.changed, o.added, o.deleted, o.written), (1, 0, 0, 1));
    let now = open(&c, "ann");
    for (a, b) in before.park.layers.iter().zip(&now.park.layers) {
        assert_eq!(a.len(), b.len(), "layer {}", a.name);
    }
    let i = by_fid(&now.park, li, inside[0]).unwrap();
    assert_eq!(
        value(&now.park, li, i, &key),
        Some(json!("edited in the area"))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_cli_checks_in_with_exit_code_3_on_a_conflict_and_keep_mine_lands() {
    let Some(c) = setup() else { return };
    let dir = offline_dir("cli");
    let gpkg = dir.join("cli.gpkg");
    let cli = env!("CARGO_BIN_EXE_parkplan-cli");
    let run = |args: &[&str]| std::process::Command::new(cli).args(args).output().unwrap();
    let url = park_url(&c, "ann");
    let o = run(&["db", "checkout", &url, "--out", gpkg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = open(&c, "ann");
    let (li, key) = target(&before.park);
    let f0 = fid_of(&before.park, li, 0);
    gpkg_set(&gpkg, &before.park.layers[li].name, &key, "cli offline", f0);
    let mut bob = open(&c, "bob");
    let i0 = by_fid(&bob.park, li, f0).unwrap();
    set(&mut bob, li, i0, &key, json!("bob meanwhile"));
    db::save_edits(
        &mut bob.client,
        &mut bob.db,
        &mut bob.park,
        &Resolutions::new(),
    )
    .unwrap();
    // The checkout's URL (without password) is used when --url is not given.
    let o = run(&["db", "checkin", gpkg.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("cli offline") && err.contains("bob meanwhile"),
        "{err}"
    );
    let o = run(&["db", "checkin", gpkg.to_str().unwrap(), "--keep", "mine"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let now = open(&c, "ann");
    let i = by_fid(&now.park, li, f0).unwrap();
    assert_eq!(value(&now.park, li, i, &key), Some(json!("cli offline")));
    let _ = std::fs::remove_dir_all(dir);
}
