//! GTFS (issue #15): a KW6 feed written from the sample map reads back equal through
//! our importer and is accepted by an independent reader (`gtfs-structures`' full
//! `Gtfs`, which checks references between files); hand-made feeds without shapes and
//! broken feeds; the CLI end to end, with the project's settings and flags over them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use parkplan::model::date::Date;
use parkplan::model::gtfs::GtfsSettings;
use parkplan::model::{BusStop, Park, Role};
use parkplan::workspace::{Overrides, Workspace};

use crate::common;

fn temp_dir(tag: &str) -> PathBuf {
    let d = crate::common::scratch().join(format!("parkplan-gtfs-{tag}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> Workspace {
    Workspace::open(&[common::sample_dir()], None, &Overrides::default()).unwrap()
}

fn today() -> Date {
    Date::from_ymd(2026, 12, 5).unwrap()
}

/// The stops of a route, in sequence.
fn stops_of<'a>(park: &'a Park, route: &'a str) -> Vec<&'a BusStop> {
    let mut v: Vec<&BusStop> = park.stops_of_route(route).collect();
    v.sort_by_key(|s| s.seq);
    v
}

/// Writes KW6 of the sample with the default settings; returns the feed's path.
fn kw6_feed(tag: &str) -> PathBuf {
    let ws = sample();
    let kw6 = ws.route("KW6").unwrap();
    let out = temp_dir(tag).join("kw6.zip");
    let s = ws
        .export_gtfs(&[kw6], &GtfsSettings::default(), today(), &out)
        .unwrap();
    assert_eq!(s.routes.len(), 1);
    out
}

#[test]
fn kw6_round_trips_through_our_importer() {
    let ws = sample();
    let feed = kw6_feed("roundtrip");
    let back = common::load(&[&feed]);
    assert!(
        back.report.problems.is_empty(),
        "{:?}",
        back.report.problems
    );
    let park = &back.park;
    let roles: Vec<Role> = park.layers.iter().map(|l| l.role).collect();
    assert_eq!(roles, vec![Role::BusRoutes, Role::BusStops]);
    // Same route: name, id and geometry.
    assert_eq!(park.routes.len(), 1);
    let (a, b) = (ws.park.route_named("KW6").unwrap(), &park.routes[0]);
    assert_eq!((b.name.as_str(), b.id.as_str()), ("KW6", a.id.as_str()));
    let (pa, pb): (Vec<_>, Vec<_>) = (
        a.line.0.iter().flat_map(|l| l.0.iter()).collect(),
        b.line.0.iter().flat_map(|l| l.0.iter()).collect(),
    );
    assert_eq!(pa.len(), pb.len());
    assert_eq!(pa.len(), 1074);
    for (p, q) in pa.iter().zip(&pb) {
        assert!(
            (p.x - q.x).abs() < 1e-7 && (p.y - q.y).abs() < 1e-7,
            "{p:?} {q:?}"
        );
    }
    // Same stops, same order, same names and ids; the loop's return to the first stop
    // is not an 84th stop.
    let (sa, sb) = (stops_of(&ws.park, "KW6"), stops_of(park, "KW6"));
    assert_eq!(sa.len(), 83);
    assert_eq!(sb.len(), 83);
    for (x, y) in sa.iter().zip(&sb) {
        assert_eq!((&x.id, &x.name, x.seq), (&y.id, &y.name, y.seq));
        let (p, q) = (x.location.unwrap(), y.location.unwrap());
        assert!((p.x() - q.x()).abs() < 1e-7 && (p.y() - q.y()).abs() < 1e-7);
    }
}

#[test]
fn kw6_feed_is_accepted_by_gtfs_structures() {
    let feed = kw6_feed("independent");
    // The full reader resolves every reference (trip → route, stop_times → stops,
    // frequencies → trip) and fails on any it cannot.
    let g = gtfs_structures::Gtfs::from_path(&feed).unwrap();
    assert_eq!(g.routes.len(), 1);
    assert_eq!(g.stops.len(), 83);
    assert_eq!(g.trips.len(), 1);
    assert_eq!(g.agencies.len(), 1);
    assert_eq!(g.agencies[0].timezone, "Asia/Shanghai");
    let route = g.routes.values().next().unwrap();
    assert_eq!(route.short_name.as_deref(), Some("KW6"));
    assert_eq!(route.route_type, gtfs_structures::RouteType::Bus);
    let trip = g.trips.values().next().unwrap();
    // 83 stops and the return to the first: a loop.
    assert_eq!(trip.stop_times.len(), 84);
    let (first, last) = (&trip.stop_times[0], &trip.stop_times[83]);
    assert_eq!(first.stop.id, last.stop.id);
    assert_eq!(first.departure_time, Some(6 * 3600 + 30 * 60));
    // Times and distances increase along the trip; the last distance is the shape's.
    for w in trip.stop_times.windows(2) {
        assert!(
            w[1].arrival_time > w[0].departure_time,
            "{:?}",
            w[1].stop.id
        );
        assert!(w[1].shape_dist_traveled > w[0].shape_dist_traveled);
    }
    let shape = &g.shapes[trip.shape_id.as_deref().unwrap()];
    assert_eq!(shape.len(), 1074);
    let shape_len = shape.last().unwrap().dist_traveled.unwrap();
    assert!((last.shape_dist_traveled.unwrap() - shape_len).abs() < 0.5);
    // Running time: length at 20 km/h plus 30 s at each of the 82 intermediate stops.
    let run = last.arrival_time.unwrap() - first.departure_time.unwrap();
    let expect = f64::from(shape_len) / (20.0 / 3.6) + 82.0 * 30.0;
    assert!((f64::from(run) - expect).abs() <= 2.0, "{run} vs {expect}");
    // Frequency-based service over the service hours, and a daily calendar.
    assert_eq!(trip.frequencies.len(), 1);
    let f = &trip.frequencies[0];
    assert_eq!((f.start_time, f.end_time), (23_400, 68_400));
    assert_eq!(f.headway_secs, 1200);
    assert_eq!(
        f.exact_times,
        Some(gtfs_structures::ExactTimes::FrequencyBased)
    );
    let c = &g.calendar[&trip.service_id];
    assert!(c.monday && c.wednesday && c.saturday && c.sunday);
    assert_eq!(c.start_date.to_string(), "2026-12-05");
}

/// A zip of the given files.
fn zip_of(path: &Path, files: &[(&str, &str)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

const AGENCY: &str = "agency_id,agency_name,agency_url,agency_timezone\nA,荆州公交,https://example.invalid,Asia/Shanghai\n";
const ROUTES: &str = "route_id,agency_id,route_short_name,route_long_name,route_type\nR1,A,KW9,,3\nR2,A,,经开区专线,3\n";
const STOPS: &str = "stop_id,stop_name,stop_lat,stop_lon\nS1,一号站,30.30,112.30\nS2,二号站,30.31,112.30\nS3,三号站,30.31,112.31\nS4,四号站,30.32,112.31\n";
const TRIPS: &str = "route_id,service_id,trip_id\nR1,D,T1\nR1,D,T2\nR1,D,T3\nR2,D,T4\n";
const TIMES: &str = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
T1,07:00:00,07:00:00,S1,1\nT1,07:05:00,07:05:00,S2,2\nT1,07:09:00,07:09:00,S3,3\n\
T2,08:00:00,08:00:00,S1,1\nT2,08:05:00,08:05:00,S2,2\nT2,08:09:00,08:09:00,S3,3\n\
T3,09:00:00,09:00:00,S2,1\nT3,09:05:00,09:05:00,S1,2\n\
T4,07:00:00,07:00:00,S4,2\nT4,07:05:00,07:05:00,S3,1\n";

#[test]
fn a_feed_without_shapes_gives_lines_through_the_stops() {
    let dir = temp_dir("noshapes");
    let feed = dir.join("hand.zip");
    zip_of(
        &feed,
        &[
            ("agency.txt", AGENCY),
            ("routes.txt", ROUTES),
            ("stops.txt", STOPS),
            ("trips.txt", TRIPS),
            ("stop_times.txt", TIMES),
        ],
    );
    let loaded = common::load(&[&feed]);
    assert!(
        loaded.report.problems.is_empty(),
        "{:?}",
        loaded.report.problems
    );
    let park = &loaded.park;
    // KW9: its most common pattern S1 S2 S3 (two trips against one S2 S1).
    let kw9 = park.route_named("KW9").unwrap();
    assert_eq!(kw9.id, "R1");
    let coords: Vec<(f64, f64)> = kw9.line.0[0].0.iter().map(|c| (c.x, c.y)).collect();
    assert_eq!(
        coords,
        vec![(112.30, 30.30), (112.30, 30.31), (112.31, 30.31)]
    );
    let names: Vec<&str> = stops_of(park, "KW9")
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["一号站", "二号站", "三号站"]);
    // R2 has no short name: its long name names it; stops by stop_sequence (S3 first).
    let r2 = park.route_named("经开区专线").unwrap();
    assert_eq!(r2.line.0[0].0[0].y, 30.31);
    let s: Vec<(&str, Option<u32>)> = stops_of(park, "经开区专线")
        .iter()
        .map(|s| (s.id.as_str(), s.seq))
        .collect();
    // S3 serves both routes: one stop feature per route, each with its own id.
    assert_eq!(s, [("S3@经开区专线", Some(1)), ("S4", Some(2))]);
    assert!(park.stops.iter().any(|s| s.id == "S3@KW9"));
    // The routes' operator is kept.
    let l = &park.layers[0];
    assert_eq!(l.role, Role::BusRoutes);
    let col = l.attributes.column("运营单位").unwrap();
    assert_eq!(col.get(0).as_text().as_deref(), Some("荆州公交"));
}

/// The problem codes a load reported.
fn codes(paths: &[&Path]) -> Vec<String> {
    let l = common::load(paths);
    l.report
        .problems
        .iter()
        .map(|p| format!("{}:{}", p.code(), p.feature_id.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn broken_feeds_report_and_load_what_they_can() {
    let dir = temp_dir("broken");
    // No stops.txt: the routes still load from... nothing (no located stop, no
    // shape): each route says it has no line; the stops layer is empty.
    let nostops = dir.join("nostops.zip");
    zip_of(
        &nostops,
        &[
            ("agency.txt", AGENCY),
            ("routes.txt", ROUTES),
            ("trips.txt", TRIPS),
            ("stop_times.txt", TIMES),
        ],
    );
    let c = codes(&[&nostops]);
    assert!(c.contains(&"gtfs_file_missing:".to_string()), "{c:?}");
    assert!(c.contains(&"gtfs_route_no_line:R1".to_string()), "{c:?}");
    // Each problem once, although both layers read the whole feed.
    assert_eq!(
        c.iter()
            .filter(|x| x.starts_with("gtfs_file_missing"))
            .count(),
        1
    );
    let l = common::load(&[&nostops]);
    let missing = l
        .report
        .problems
        .iter()
        .find(|p| p.code() == "gtfs_file_missing")
        .unwrap();
    assert!(
        missing
            .message(parkplan::model::Lang::En)
            .contains("stops.txt")
    );
    assert!(
        missing
            .message(parkplan::model::Lang::Zh)
            .contains("stops.txt")
    );

    // Bad coordinates: "abc" (a row the CSV types refuse: only that row is skipped),
    // 999 (out of range: the stop is not placed), an unknown stop id in stop_times, a
    // trip without stop_times and a trip of an unknown route.
    let bad = dir.join("bad.zip");
    let stops = "stop_id,stop_name,stop_lat,stop_lon\nS1,一号站,30.30,112.30\nS2,二号站,abc,112.30\nS3,三号站,30.31,112.31\nS4,四号站,999,112.31\n";
    let trips =
        "route_id,service_id,trip_id\nR1,D,T1\nR1,D,T2\nR1,D,T3\nR2,D,T4\nR9,D,T5\nR2,D,T6\n";
    let times = format!("{TIMES}T4,07:06:00,07:06:00,S77,3\n");
    zip_of(
        &bad,
        &[
            ("agency.txt", AGENCY),
            ("routes.txt", ROUTES),
            ("stops.txt", stops),
            ("trips.txt", trips),
            ("stop_times.txt", &times),
        ],
    );
    let c = codes(&[&bad]);
    for want in [
        "gtfs_row_skipped:",
        "gtfs_stop_no_coordinates:S4",
        "gtfs_unknown_stop:T4",
        "gtfs_trip_no_stop_times:T6",
        "gtfs_unknown_route:T5",
    ] {
        assert!(c.contains(&want.to_string()), "{want} not in {c:?}");
    }
    let l = common::load(&[&bad]);
    let skipped = l
        .report
        .problems
        .iter()
        .find(|p| p.code() == "gtfs_row_skipped")
        .unwrap()
        .message(parkplan::model::Lang::En);
    assert!(skipped.contains("stops.txt row 3"), "{skipped}");
    // What could be read is loaded: KW9 through S1 and S3 (S2 unreadable).
    let kw9 = l.park.route_named("KW9").unwrap();
    assert_eq!(kw9.line.0[0].0.len(), 2);
    assert_eq!(stops_of(&l.park, "KW9").len(), 2);

    // Not a zip at all: one file-level error naming the file, no panic.
    let junk = dir.join("junk.zip");
    std::fs::write(&junk, b"not a zip").unwrap();
    let l = common::load(&[&junk]);
    assert!(l.park.layers.is_empty());
    assert!(
        l.report
            .problems
            .iter()
            .any(|p| p.file.contains("junk.zip"))
    );
}

fn cli() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_parkplan-cli"))
}

#[test]
fn cli_gtfs_writes_the_feed_with_project_settings_and_flags_over_them() {
    let dir = temp_dir("cli");
    // A project over a copy of the sample (a project's layers live in its folder) that
    // saves its GTFS settings (12-minute headway).
    let map = dir.join("map");
    std::fs::create_dir_all(&map).unwrap();
    for e in std::fs::read_dir(common::sample_dir()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, map.join(p.file_name().unwrap())).unwrap();
    }
    let ppath = map.join("kw.parkplan");
    let opened = common::open(&[&map]);
    let park = &opened.loaded.park;
    let display: Vec<(usize, bool, Option<parkplan::render::style::LayerStyle>)> =
        (0..park.layers.len()).map(|i| (i, true, None)).collect();
    let file = parkplan::project::ProjectFile {
        parkplan_project: parkplan::project::PROJECT_VERSION,
        name: "GTFS".into(),
        layers: parkplan::project::describe_layers(park, &ppath, &display),
        analysis: Default::default(),
        network: Default::default(),
        reach: Default::default(),
        view: None,
        print: serde_json::Value::Null,
        gtfs: GtfsSettings {
            headway_min: 12.0,
            ..GtfsSettings::default()
        },
    };
    file.write(&ppath).unwrap();
    let text = std::fs::read_to_string(&ppath).unwrap();
    assert!(text.contains("\"headway_min\": 12.0"), "{text}");
    assert_eq!(
        parkplan::project::ProjectFile::read(&ppath)
            .unwrap()
            .gtfs
            .headway_min,
        12.0
    );

    let run = |extra: &[&str], out: &Path| {
        let o = Command::new(cli())
            .arg("gtfs")
            .arg(&ppath)
            .args(["--route", "KW6", "--json", "--out"])
            .arg(out)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let out = dir.join("kw6.zip");
    let v = run(&[], &out);
    assert_eq!(v["headway_s"], 720);
    assert_eq!(v["routes"][0]["name"], "KW6");
    assert_eq!(v["routes"][0]["stops"], 83);
    assert_eq!(v["routes"][0]["is_loop"], true);
    assert_eq!(v["stops"], 83);
    assert_eq!(v["stop_times"], 84);
    assert_eq!(v["shape_points"], 1074);
    let g = gtfs_structures::Gtfs::from_path(&out).unwrap();
    assert_eq!(
        g.trips.values().next().unwrap().frequencies[0].headway_secs,
        720
    );
    // Flags over the project's settings.
    let out2 = dir.join("kw6-peak.zip");
    let v = run(
        &[
            "--headway-min",
            "8",
            "--service-start",
            "07:00",
            "--service-end",
            "09:30",
        ],
        &out2,
    );
    assert_eq!(v["headway_s"], 480);
    assert_eq!(v["service"], "07:00:00–09:30:00");
    // A bad setting names itself and writes nothing.
    let out3 = dir.join("bad.zip");
    let o = Command::new(cli())
        .arg("gtfs")
        .arg(&ppath)
        .args(["--service-start", "7h", "--out"])
        .arg(&out3)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("service_start"));
    assert!(!out3.exists());
    // Every PATH accepts a GTFS zip: `info` reads the feed back.
    let o = Command::new(cli())
        .arg("info")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let info = String::from_utf8_lossy(&o.stdout);
    assert!(
        info.contains("bus_routes") && info.contains("bus_stops"),
        "{info}"
    );
}

#[test]
fn all_routes_of_the_sample_go_into_one_feed() {
    let ws = sample();
    let out = temp_dir("all").join("all.zip");
    let s = ws
        .export_gtfs(&[], &GtfsSettings::default(), today(), &out)
        .unwrap();
    assert_eq!(s.routes.len(), ws.park.routes.len());
    assert_eq!(s.stops, ws.park.stops.len());
    let g = gtfs_structures::Gtfs::from_path(&out).unwrap();
    assert_eq!(g.routes.len(), 4);
    // A route that is not a loop (KW1: 北港 → 宿驾) ends at its last stop.
    let kw1 = s.routes.iter().find(|r| r.name == "KW1").unwrap();
    assert!(!kw1.is_loop);
    // Writing over a file the map was read from is refused.
    let src = ws.park.layers[0].source.path.clone().unwrap();
    let err = ws
        .export_gtfs(&[], &GtfsSettings::default(), today(), &src)
        .unwrap_err();
    assert!(err.to_string().contains("read from"), "{err}");
}
