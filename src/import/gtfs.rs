//! A GTFS feed (`.zip`) → a bus-routes layer and a bus-stops layer, through the shared
//! checks ([`super::foreign`]).
//!
//! The feed is read with the `gtfs-structures` crate (its `RawGtfs`: one result per
//! file, so a broken file does not lose the others). A file it rejects whole (one bad
//! row fails the file there) is read again row by row into the crate's own row types,
//! so only the bad rows are skipped, each named by file and row.
//!
//! Routes: one line per route, from `shapes.txt` when its trip has a shape, else
//! through the located stops of its most common stop pattern (ties: the longest).
//! Stops: the stops of that pattern, one feature per route and stop, with the route's
//! name and the stop's sequence (1-based); a loop's closing return to the first stop is
//! not a second stop. GTFS coordinates are WGS84 lon/lat (EPSG:4326), which ParkPlan
//! treats as CGCS2000 (they agree within centimetres).
//!
//! Owns reading feeds only; writing one is `save::gtfs`'s.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::Path;

use gtfs_structures::{LocationType, RawGtfs, RawStopTime, RawTrip, Route, Shape, Stop};
use serde::de::DeserializeOwned;

use super::foreign::{ForeignLayer, feature, pos, prop, raw_geometry};
use super::json::{CoordTree, RawFeature, RawProp};
use super::{ImportError, Issue, Problem, Severity};
use crate::crs::Crs;
use crate::model::{PropValue, TextEncoding};

/// Which layer of a feed to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GtfsPart {
    /// One line per route.
    Routes,
    /// The stops of the routes, in sequence.
    Stops,
}

impl GtfsPart {
    /// The table name a [`super::LayerOptions::table`] gives for it.
    pub fn table(self) -> &'static str {
        match self {
            GtfsPart::Routes => "routes",
            GtfsPart::Stops => "stops",
        }
    }
}

/// Whether a file is a GTFS feed: a zip archive holding `stops.txt`, `routes.txt` or
/// `stop_times.txt` (at its root or in one folder).
pub fn is_gtfs_zip(path: &Path) -> bool {
    let has_zip_ext = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if !has_zip_ext {
        return false;
    }
    let Ok(f) = std::fs::File::open(path) else {
        // Unreadable: let the reader say why.
        return true;
    };
    let Ok(z) = zip::ZipArchive::new(std::io::BufReader::new(f)) else {
        return false;
    };
    z.file_names().any(|n| {
        let base = n.rsplit('/').next().unwrap_or(n);
        matches!(base, "stops.txt" | "routes.txt" | "stop_times.txt")
    })
}

/// Reads one layer of the feed at `path`.
///
/// A feed's two layers come from one parse: the layer not asked for is kept (keyed by
/// the file's path, size and time of change) for the job that asks for it next, the
/// other layer of the same file.
pub(super) fn read(path: &Path, file: &str, part: GtfsPart) -> Result<ForeignLayer, ImportError> {
    let key = std::fs::metadata(path)
        .ok()
        .map(|m| (path.to_path_buf(), m.len(), m.modified().ok()));
    // Held through the parse: the other layer's job (loaded in parallel) waits for it
    // and then takes its layer instead of parsing the feed a second time.
    let mut spare = SPARE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = &key
        && spare
            .as_ref()
            .is_some_and(|(sk, sp, _)| sk == k && *sp == part)
        && let Some((_, _, layer)) = spare.take()
    {
        return Ok(layer);
    }
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: file.to_string(),
        source,
    })?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("GTFS")
        .to_string();
    let (routes, stops) = read_both(&bytes, file, &stem)?;
    let (wanted, other, other_part) = match part {
        GtfsPart::Routes => (routes, stops, GtfsPart::Stops),
        GtfsPart::Stops => (stops, routes, GtfsPart::Routes),
    };
    *spare = key.map(|k| (k, other_part, other));
    Ok(wanted)
}

/// A file's identity for [`SPARE`]: path, size, time of change.
type FeedKey = (std::path::PathBuf, u64, Option<std::time::SystemTime>);

/// The layer of the last feed read that was not asked for yet.
static SPARE: std::sync::Mutex<Option<(FeedKey, GtfsPart, ForeignLayer)>> =
    std::sync::Mutex::new(None);

/// One file of the feed: the rows `gtfs-structures` read, else those a row-by-row read
/// keeps (each bad row reported); a missing file is reported when it is required.
fn rows<T: DeserializeOwned>(
    result: Option<Result<Vec<T>, gtfs_structures::Error>>,
    bytes: &[u8],
    member: &str,
    required: bool,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let missing = |problems: &mut Vec<Problem>| {
        if required {
            problems.push(Problem::file_level(
                file,
                Severity::Error,
                Issue::GtfsFileMissing {
                    member: member.to_string(),
                },
            ));
        }
        Vec::new()
    };
    match result {
        None | Some(Err(gtfs_structures::Error::MissingFile(_))) => missing(problems),
        Some(Ok(v)) => v,
        Some(Err(e)) => match row_by_row(bytes, member, file, problems) {
            Ok(v) => v,
            Err(detail) => {
                let detail = if detail.is_empty() {
                    error_chain(&e)
                } else {
                    detail
                };
                problems.push(Problem::file_level(
                    file,
                    Severity::Error,
                    Issue::GtfsFileUnreadable {
                        member: member.to_string(),
                        detail,
                    },
                ));
                Vec::new()
            }
        },
    }
}

/// An error with its causes, as one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// Reads a member of the zip row by row into `T` (the row types of `gtfs-structures`,
/// read as it reads them: UTF-8 BOM dropped, fields trimmed, short rows allowed),
/// skipping and reporting each row that does not fit. `Err` when the member cannot be
/// read at all.
fn row_by_row<T: DeserializeOwned>(
    bytes: &[u8],
    member: &str,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Result<Vec<T>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let index = (0..zip.len())
        .find(|&i| {
            zip.name_for_index(i)
                .is_some_and(|n| n.rsplit('/').next() == Some(member))
        })
        .ok_or_else(String::new)?;
    let mut text = Vec::new();
    zip.by_index(index)
        .and_then(|mut f| f.read_to_end(&mut text).map_err(Into::into))
        .map_err(|e| e.to_string())?;
    let body = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Fields)
        .from_reader(body);
    let headers: csv::StringRecord = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::trim)
        .collect();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        match record.map_err(|e| e.to_string()).and_then(|r| {
            r.deserialize::<T>(Some(&headers))
                .map_err(|e| e.to_string())
        }) {
            Ok(v) => out.push(v),
            Err(detail) => problems.push(Problem::file_level(
                file,
                Severity::Warning,
                Issue::GtfsRowSkipped {
                    member: member.to_string(),
                    row,
                    detail,
                },
            )),
        }
    }
    Ok(out)
}

/// A stop's lon/lat when usable.
fn stop_lon_lat(s: &Stop) -> Option<(f64, f64)> {
    let (lon, lat) = (s.longitude?, s.latitude?);
    let ok = lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
        && !(lon == 0.0 && lat == 0.0);
    ok.then_some((lon, lat))
}

/// One route as read: its line and its stops in sequence.
struct RouteRead<'a> {
    route: &'a Route,
    /// Lon/lat of the line.
    line: Vec<(f64, f64)>,
    /// Where the line came from (`shapes.txt` or `stop_times.txt`).
    line_source: &'static str,
    /// Stop ids in sequence (a loop's return to the first stop left out).
    stops: Vec<&'a str>,
    /// Trips of the route.
    trips: usize,
}

/// The route's display name: its short name, else its long name, else its id.
fn route_name(r: &Route) -> &str {
    [r.short_name.as_deref(), r.long_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or(&r.id)
}

/// Reads one layer of a feed held in memory; `stem` names the layers (the file's stem).
/// Reads both layers of a feed held in memory (routes, stops); `stem` names them.
fn read_both(
    bytes: &[u8],
    file: &str,
    stem: &str,
) -> Result<(ForeignLayer, ForeignLayer), ImportError> {
    let raw: RawGtfs = gtfs_structures::GtfsReader::default()
        .raw()
        .read_from_reader(Cursor::new(bytes))
        .map_err(|e| ImportError::Unreadable {
            file: file.to_string(),
            format: "GTFS feed (zip)",
            message: error_chain(&e),
        })?;
    let mut problems = Vec::new();
    let p = &mut problems;
    let stops: Vec<Stop> = rows(Some(raw.stops), bytes, "stops.txt", true, file, p);
    let routes: Vec<Route> = rows(Some(raw.routes), bytes, "routes.txt", true, file, p);
    let trips: Vec<RawTrip> = rows(Some(raw.trips), bytes, "trips.txt", true, file, p);
    let times: Vec<RawStopTime> =
        rows(Some(raw.stop_times), bytes, "stop_times.txt", true, file, p);
    let shapes: Vec<Shape> = rows(raw.shapes, bytes, "shapes.txt", false, file, p);
    let agencies = rows(Some(raw.agencies), bytes, "agency.txt", false, file, p);

    // Stops: every one GTFS requires to be located must be.
    let mut located: HashMap<&str, (f64, f64)> = HashMap::new();
    let mut names: HashMap<&str, &str> = HashMap::new();
    for s in &stops {
        names.insert(&s.id, s.name.as_deref().unwrap_or(""));
        match stop_lon_lat(s) {
            Some(ll) => {
                located.insert(&s.id, ll);
            }
            None if matches!(
                s.location_type,
                LocationType::StopPoint | LocationType::StopArea | LocationType::StationEntrance
            ) =>
            {
                problems.push(stop_problem(
                    file,
                    &s.id,
                    Issue::GtfsStopNoCoordinates { stop: s.id.clone() },
                ));
            }
            None => {}
        }
    }
    // stop_times by trip, in stop_sequence order.
    let mut by_trip: HashMap<&str, Vec<(u32, &str)>> = HashMap::new();
    for t in &times {
        if !names.contains_key(t.stop_id.as_str()) && !stops.is_empty() {
            problems.push(Problem {
                feature_id: Some(t.trip_id.clone()),
                ..Problem::file_level(
                    file,
                    Severity::Warning,
                    Issue::GtfsUnknownStop {
                        member: "stop_times.txt".into(),
                        trip: t.trip_id.clone(),
                        stop: t.stop_id.clone(),
                    },
                )
            });
            continue;
        }
        by_trip
            .entry(&t.trip_id)
            .or_default()
            .push((t.stop_sequence, &t.stop_id));
    }
    for v in by_trip.values_mut() {
        v.sort_by_key(|(seq, _)| *seq);
    }
    let mut shape_points: HashMap<&str, Vec<&Shape>> = HashMap::new();
    for s in &shapes {
        shape_points.entry(&s.id).or_default().push(s);
    }
    for v in shape_points.values_mut() {
        v.sort_by_key(|s| s.sequence);
    }
    // Trips by route.
    let route_ids: HashMap<&str, usize> = routes
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut trips_of: Vec<Vec<&RawTrip>> = vec![Vec::new(); routes.len()];
    for t in &trips {
        let Some(&ri) = route_ids.get(t.route_id.as_str()) else {
            if !routes.is_empty() {
                problems.push(trip_problem(
                    file,
                    &t.id,
                    Issue::GtfsUnknownRoute {
                        trip: t.id.clone(),
                        route: t.route_id.clone(),
                    },
                ));
            }
            continue;
        };
        if !by_trip.contains_key(t.id.as_str()) && !times.is_empty() {
            problems.push(trip_problem(
                file,
                &t.id,
                Issue::GtfsTripNoStopTimes { trip: t.id.clone() },
            ));
        }
        trips_of[ri].push(t);
    }

    let mut read_routes: Vec<RouteRead<'_>> = Vec::new();
    for (ri, route) in routes.iter().enumerate() {
        let trips = &trips_of[ri];
        // The most common stop pattern; ties: the longest, then the first met.
        let mut patterns: BTreeMap<Vec<&str>, (usize, usize, &RawTrip)> = BTreeMap::new();
        for (order, t) in trips.iter().enumerate() {
            let Some(st) = by_trip.get(t.id.as_str()) else {
                continue;
            };
            let pattern: Vec<&str> = st.iter().map(|(_, s)| *s).collect();
            let e = patterns.entry(pattern).or_insert((0, order, t));
            e.0 += 1;
        }
        let best = patterns
            .iter()
            .max_by(|a, b| {
                (a.1.0, a.0.len(), std::cmp::Reverse(a.1.1)).cmp(&(
                    b.1.0,
                    b.0.len(),
                    std::cmp::Reverse(b.1.1),
                ))
            })
            .map(|(p, (_, _, t))| (p.clone(), *t));
        let (mut pattern, trip) = match best {
            Some((p, t)) => (p, Some(t)),
            None => (Vec::new(), None),
        };
        // A loop's return to its first stop is the end of the trip, not another stop;
        // a stop met twice is listed where it is first met.
        let mut seen = std::collections::HashSet::new();
        pattern.retain(|s| seen.insert(*s));
        let shape = trip
            .and_then(|t| t.shape_id.as_deref())
            .or_else(|| trips.iter().find_map(|t| t.shape_id.as_deref()))
            .and_then(|id| shape_points.get(id))
            .filter(|pts| pts.len() >= 2);
        let (line, line_source) = match shape {
            Some(pts) => (
                pts.iter().map(|s| (s.longitude, s.latitude)).collect(),
                "shapes.txt",
            ),
            None => {
                let full: Vec<(f64, f64)> = trip
                    .and_then(|t| by_trip.get(t.id.as_str()))
                    .map(|st| {
                        st.iter()
                            .filter_map(|(_, s)| located.get(s).copied())
                            .collect()
                    })
                    .unwrap_or_default();
                (full, "stop_times.txt")
            }
        };
        if line.len() < 2 {
            problems.push(Problem {
                feature_id: Some(route.id.clone()),
                ..Problem::file_level(
                    file,
                    Severity::Warning,
                    Issue::GtfsRouteNoLine {
                        route: route.id.clone(),
                    },
                )
            });
            if pattern.is_empty() {
                continue;
            }
        }
        read_routes.push(RouteRead {
            route,
            line,
            line_source,
            stops: pattern,
            trips: trips.len(),
        });
    }

    let agency_of = |r: &Route| -> Option<String> {
        match &r.agency_id {
            Some(id) => agencies
                .iter()
                .find(|a| a.id.as_deref() == Some(id.as_str())),
            None => agencies.first(),
        }
        .map(|a| a.name.clone())
    };
    let text = |s: &str| prop(PropValue::Str(s));
    let route_features: Vec<RawFeature<'static>> = read_routes
        .iter()
        .filter(|r| r.line.len() >= 2)
        .map(|r| {
            let geometry = raw_geometry(
                "LineString",
                CoordTree::List(r.line.iter().map(|&(x, y)| pos(x, y, None)).collect()),
            );
            let mut props: Vec<(String, RawProp<'static>)> = vec![
                ("线路编号".into(), text(&r.route.id)),
                ("线路名称".into(), text(route_name(r.route))),
            ];
            if let Some(l) = r.route.long_name.as_deref().filter(|l| !l.is_empty()) {
                props.push(("route_long_name".into(), text(l)));
            }
            if let Some(a) = agency_of(r.route) {
                props.push(("运营单位".into(), text(&a)));
            }
            props.push(("线形来源".into(), text(r.line_source)));
            props.push(("班次数".into(), prop(PropValue::Int(r.trips as i64))));
            props.push(("站点数".into(), prop(PropValue::Int(r.stops.len() as i64))));
            feature(geometry, props)
        })
        .collect();
    let stop_features = {
        let mut routes_at: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in &read_routes {
            for s in &r.stops {
                routes_at.entry(s).or_default().push(route_name(r.route));
            }
        }
        let mut out = Vec::new();
        for r in &read_routes {
            let name = route_name(r.route);
            for (k, s) in r.stops.iter().enumerate() {
                let Some(&(lon, lat)) = located.get(s) else {
                    continue; // reported with the stop
                };
                let served = routes_at.get(s).map(Vec::as_slice).unwrap_or_default();
                // One feature per route and stop: a stop several routes serve gets an
                // id per route, its GTFS id kept in `stop_id`.
                let id = if served.len() > 1 {
                    format!("{s}@{name}")
                } else {
                    s.to_string()
                };
                out.push(feature(
                    raw_geometry("Point", pos(lon, lat, None)),
                    vec![
                        ("站点编号".into(), text(&id)),
                        ("站点名称".into(), text(names.get(s).copied().unwrap_or(""))),
                        ("线路".into(), text(name)),
                        ("序号".into(), prop(PropValue::Int(k as i64 + 1))),
                        ("gtfs_stop_id".into(), text(s)),
                        ("经过线路".into(), text(&served.join("、"))),
                    ],
                ));
            }
        }
        out
    };
    // Each problem goes with the layer it concerns, so the report shows it once.
    let (stop_problems, route_problems): (Vec<Problem>, Vec<Problem>) =
        problems.into_iter().partition(|p| concerns_stops(&p.issue));
    let crs = Crs::from_epsg(4326).ok_or_else(|| ImportError::Unreadable {
        file: file.to_string(),
        format: "GTFS feed (zip)",
        message: "EPSG:4326 is unknown to this build".into(),
    })?;
    let layer = |name: String, features, problems| ForeignLayer {
        name,
        features,
        declared: Some(Ok(crs)),
        encoding: TextEncoding::Utf8,
        problems,
        bytes: bytes.len() as u64,
        members: Vec::new(),
        crs_source: "GTFS (WGS84)",
        refuse_crs: None,
        datum_shift: None,
    };
    Ok((
        layer(format!("{stem} 公交线路"), route_features, route_problems),
        layer(format!("{stem} 公交站点"), stop_features, stop_problems),
    ))
}

/// Whether a problem is about the stops layer (stops, and the stop sequences of
/// stop_times.txt) rather than the routes layer.
fn concerns_stops(issue: &Issue) -> bool {
    match issue {
        Issue::GtfsStopNoCoordinates { .. } | Issue::GtfsUnknownStop { .. } => true,
        Issue::GtfsFileMissing { member }
        | Issue::GtfsFileUnreadable { member, .. }
        | Issue::GtfsRowSkipped { member, .. } => {
            member == "stops.txt" || member == "stop_times.txt"
        }
        _ => false,
    }
}

fn stop_problem(file: &str, stop: &str, issue: Issue) -> Problem {
    Problem {
        feature_id: Some(stop.to_string()),
        ..Problem::file_level(file, Severity::Warning, issue)
    }
}

fn trip_problem(file: &str, trip: &str, issue: Issue) -> Problem {
    Problem {
        feature_id: Some(trip.to_string()),
        ..Problem::file_level(file, Severity::Warning, issue)
    }
}

/// Which part of a feed a job reads: its table (`routes`, `stops`), else the role or
/// geometry part a project recorded, else the routes.
pub(super) fn part_for(opts: &super::LayerOptions) -> GtfsPart {
    use crate::model::{GeomFamily, Role};
    match opts.table.as_deref() {
        Some("stops") => GtfsPart::Stops,
        Some(_) => GtfsPart::Routes,
        None if opts.role == Some(Role::BusStops) || opts.part == Some(GeomFamily::Points) => {
            GtfsPart::Stops
        }
        None => GtfsPart::Routes,
    }
}
