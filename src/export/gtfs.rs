//! Bus routes → a GTFS feed for the bus company's systems: agency, stops, routes, one
//! template trip per route run at a fixed headway (frequencies.txt, `exact_times=0`)
//! over the service hours and days of [`GtfsSettings`], its stop_times, its shape and
//! the calendar.
//!
//! - Stop order is the stops' order along the route line, and each stop's
//!   `shape_dist_traveled` its position along it, both from
//!   [`analysis::route_stats`] (the same positions the route table and stop spacing
//!   use); the shape's distances are the same geodesic lengths vertex by vertex.
//! - Times: a stop's arrival is the start plus its distance over the average speed plus
//!   the dwell at every stop before it; it departs after the dwell (the first stop at
//!   the start, the last without dwell).
//! - A loop (micro-circuit: the line ends within [`LOOP_CLOSE_M`] of its start, and the
//!   first stop stands at the start): the trip ends back at its first stop, written a
//!   second time at the end of stop_times at the line's full length.
//! - Coordinates are the park's lon/lat as loaded: CGCS2000 (or data already corrected
//!   from GCJ-02 at import), written as WGS84, which CGCS2000 equals within centimetres.
//!
//! Owns the feed's content; its files are written by [`crate::save::gtfs`].

use std::path::Path;

use geo::{Distance, Geodesic, Point};
use serde::Serialize;

use crate::analysis;
use crate::model::Park;
use crate::model::gtfs::{GtfsService, format_clock, gtfs_date};
use crate::save::gtfs::{
    AgencyRow, CalendarRow, FrequencyRow, GtfsFeed, RouteRow, ShapeRow, StopRow, StopTimeRow,
    TripRow,
};
use crate::spatial::ParkIndex;

pub use crate::model::gtfs::GtfsSettings;

/// A line whose ends are this close (metres) is a loop.
pub const LOOP_CLOSE_M: f64 = 30.0;

/// One route as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GtfsRouteSummary {
    /// `route_id` (the route's id in the park).
    pub id: String,
    /// `route_short_name`.
    pub name: String,
    /// Stops in the trip (distinct; a loop's return to its first stop not counted).
    pub stops: usize,
    /// Whether the trip ends back at its first stop.
    pub is_loop: bool,
    /// Length of the shape, metres.
    pub length_m: f64,
    /// Running time of one trip, seconds.
    pub trip_s: u32,
}

/// A route left out of the feed, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GtfsSkipped {
    /// The route's name.
    pub name: String,
    /// Why (English).
    pub reason: String,
}

/// What a feed holds, for the CLI's `--json` and the desktop's status line.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct GtfsSummary {
    /// The routes written.
    pub routes: Vec<GtfsRouteSummary>,
    /// Routes asked for but left out.
    pub skipped: Vec<GtfsSkipped>,
    /// Rows of stops.txt.
    pub stops: usize,
    /// Rows of trips.txt.
    pub trips: usize,
    /// Rows of stop_times.txt.
    pub stop_times: usize,
    /// Rows of shapes.txt.
    pub shape_points: usize,
    /// Headway, seconds.
    pub headway_s: u32,
    /// Service hours, `HH:MM:SS`–`HH:MM:SS`.
    pub service: String,
}

/// Why no feed could be made.
#[derive(Debug, thiserror::Error)]
pub enum GtfsError {
    /// No route of those asked has two located stops along its line.
    #[error("no route to write: {0}")]
    NothingToWrite(String),
    /// The target is a file a layer of the park was read from.
    #[error("{0} is a file the map was read from; write the feed to another file")]
    WouldOverwriteSource(String),
    /// Writing failed (an existing file was left as it was).
    #[error(transparent)]
    Save(#[from] crate::save::SaveError),
}

/// The feed of `routes` (indices into `park.routes`; all when empty).
pub fn build_feed(
    park: &Park,
    index: &ParkIndex,
    routes: &[usize],
    service: &GtfsService,
) -> Result<(GtfsFeed, GtfsSummary), GtfsError> {
    let all: Vec<usize> = (0..park.routes.len()).collect();
    let routes = if routes.is_empty() { &all[..] } else { routes };
    const AGENCY: &str = "A1";
    const SERVICE: &str = "DAILY";
    let d = service.days.map(u8::from);
    let mut feed = GtfsFeed {
        agency: vec![AgencyRow {
            agency_id: AGENCY.into(),
            agency_name: service.agency_name.clone(),
            agency_url: service.agency_url.clone(),
            agency_timezone: service.agency_timezone.clone(),
            agency_lang: "zh".into(),
        }],
        calendar: vec![CalendarRow {
            service_id: SERVICE.into(),
            monday: d[0],
            tuesday: d[1],
            wednesday: d[2],
            thursday: d[3],
            friday: d[4],
            saturday: d[5],
            sunday: d[6],
            start_date: gtfs_date(service.start_date),
            end_date: gtfs_date(service.end_date),
        }],
        ..GtfsFeed::default()
    };
    let mut summary = GtfsSummary {
        headway_s: service.headway_s,
        service: format!(
            "{}–{}",
            format_clock(service.start_s),
            format_clock(service.end_s)
        ),
        ..GtfsSummary::default()
    };
    let mut written_stops = std::collections::HashSet::new();
    for &ri in routes {
        let Some(route) = park.routes.get(ri) else {
            continue;
        };
        let stats = analysis::route_stats(park, index, ri, 0.0);
        // Located stops, in their order along the line (ties: sequence order).
        let mut along: Vec<(f64, usize)> = stats
            .stops
            .iter()
            .zip(&stats.stop_positions_m)
            .filter(|(s, d)| d.is_finite() && park.stops[**s as usize].location.is_some())
            .map(|(s, d)| (*d, *s as usize))
            .collect();
        along.sort_by(|a, b| a.0.total_cmp(&b.0));
        if along.len() < 2 {
            summary.skipped.push(GtfsSkipped {
                name: route.name.to_string(),
                reason: format!(
                    "{} located stop(s) on the route; a trip needs two",
                    along.len()
                ),
            });
            continue;
        }
        // The shape: every part's vertices, distances as the route's stop positions
        // measure them (geodesic, parts joined end to start).
        let shape_id = format!("{}-shape", route.id);
        let mut acc = 0.0;
        let mut seq = 0u32;
        let mut first: Option<Point<f64>> = None;
        let mut last: Option<Point<f64>> = None;
        for part in &route.line.0 {
            for (k, c) in part.0.iter().enumerate() {
                let p = Point::from(*c);
                if k > 0 {
                    acc += Geodesic.distance(Point::from(part.0[k - 1]), p);
                }
                first.get_or_insert(p);
                last = Some(p);
                seq += 1;
                feed.shapes.push(ShapeRow {
                    shape_id: shape_id.clone(),
                    shape_pt_lat: c.y,
                    shape_pt_lon: c.x,
                    shape_pt_sequence: seq,
                    shape_dist_traveled: round_cm(acc),
                });
            }
        }
        let length_m = acc;
        let is_loop = matches!((first, last), (Some(a), Some(b)) if Geodesic.distance(a, b) <= LOOP_CLOSE_M)
            && along[0].0 <= LOOP_CLOSE_M;
        if is_loop {
            along.push((length_m, along[0].1));
        }
        let trip_id = format!("{}-trip", route.id);
        let travel = |m: f64| (m.max(0.0) / service.speed_mps).round() as u32;
        let n = along.len();
        let mut arrival_last = service.start_s;
        for (k, &(dist, s)) in along.iter().enumerate() {
            let stop = &park.stops[s];
            let arrival = if k == 0 {
                service.start_s
            } else {
                service.start_s + travel(dist) + service.dwell_s * (k as u32 - 1)
            };
            let departure = if k == 0 || k + 1 == n {
                arrival
            } else {
                arrival + service.dwell_s
            };
            arrival_last = arrival;
            feed.stop_times.push(StopTimeRow {
                trip_id: trip_id.clone(),
                arrival_time: format_clock(arrival),
                departure_time: format_clock(departure),
                stop_id: stop.id.to_string(),
                stop_sequence: k as u32 + 1,
                shape_dist_traveled: round_cm(dist),
                timepoint: 0,
            });
            if written_stops.insert(s)
                && let Some(at) = stop.location
            {
                feed.stops.push(StopRow {
                    stop_id: stop.id.to_string(),
                    stop_name: stop.name.to_string(),
                    stop_lat: at.y(),
                    stop_lon: at.x(),
                });
            }
        }
        let headsign = park.stops[along[n - 1].1].name.clone();
        feed.routes.push(RouteRow {
            route_id: route.id.to_string(),
            agency_id: AGENCY.into(),
            route_short_name: route.name.to_string(),
            route_long_name: String::new(),
            route_type: 3,
        });
        feed.trips.push(TripRow {
            route_id: route.id.to_string(),
            service_id: SERVICE.into(),
            trip_id: trip_id.clone(),
            trip_headsign: headsign.to_string(),
            shape_id,
        });
        feed.frequencies.push(FrequencyRow {
            trip_id,
            start_time: format_clock(service.start_s),
            end_time: format_clock(service.end_s),
            headway_secs: service.headway_s,
            exact_times: 0,
        });
        summary.routes.push(GtfsRouteSummary {
            id: route.id.to_string(),
            name: route.name.to_string(),
            stops: if is_loop { n - 1 } else { n },
            is_loop,
            length_m,
            trip_s: arrival_last - service.start_s,
        });
    }
    if feed.routes.is_empty() {
        let why = summary
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.name, s.reason))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(GtfsError::NothingToWrite(if why.is_empty() {
            "the map has no bus route".into()
        } else {
            why
        }));
    }
    summary.stops = feed.stops.len();
    summary.trips = feed.trips.len();
    summary.stop_times = feed.stop_times.len();
    summary.shape_points = feed.shapes.len();
    Ok((feed, summary))
}

/// Metres to the centimetre (what a distance along a bus route means).
fn round_cm(m: f64) -> f64 {
    (m * 100.0).round() / 100.0
}

/// Builds the feed of `routes` (all when empty) and writes it to `path` atomically.
/// Refuses to write over a file a layer of the park was read from.
pub fn write_feed(
    park: &Park,
    index: &ParkIndex,
    routes: &[usize],
    service: &GtfsService,
    path: &Path,
) -> Result<GtfsSummary, GtfsError> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(target) = canon(path)
        && park
            .layers
            .iter()
            .filter_map(|l| l.source.path.as_deref())
            .any(|p| canon(p).as_ref() == Some(&target))
    {
        return Err(GtfsError::WouldOverwriteSource(path.display().to_string()));
    }
    let (feed, summary) = build_feed(park, index, routes, service)?;
    crate::save::gtfs::save_gtfs(&feed, path)?;
    Ok(summary)
}

impl GtfsSummary {
    /// The summary as lines for a terminal or a status line: per route its stops,
    /// length and running time, then the feed's totals and what was left out.
    pub fn lines(&self, lang: crate::model::Lang) -> Vec<String> {
        let zh = lang == crate::model::Lang::Zh;
        let mut out = Vec::new();
        for r in &self.routes {
            let mins = f64::from(r.trip_s) / 60.0;
            let km = r.length_m / 1000.0;
            out.push(match (zh, r.is_loop) {
                (true, true) => format!(
                    "{}：{} 个站点（环线，回到首站），{km:.2} km，单程 {mins:.0} 分钟",
                    r.name, r.stops
                ),
                (true, false) => {
                    format!("{}：{} 个站点，{km:.2} km，单程 {mins:.0} 分钟", r.name, r.stops)
                }
                (false, true) => format!(
                    "{}: {} stops (loop, back to the first stop), {km:.2} km, {mins:.0} min per trip",
                    r.name, r.stops
                ),
                (false, false) => format!(
                    "{}: {} stops, {km:.2} km, {mins:.0} min per trip",
                    r.name, r.stops
                ),
            });
        }
        let headway = f64::from(self.headway_s) / 60.0;
        let (routes, stops, trips, times, points, service) = (
            self.routes.len(),
            self.stops,
            self.trips,
            self.stop_times,
            self.shape_points,
            &self.service,
        );
        out.push(if zh {
            format!(
                "{routes} 条线路，{stops} 个站点，{trips} 个班次模板，{times} 条 stop_times，{points} 个线形点；每 {headway:.0} 分钟一班，{service}"
            )
        } else {
            format!(
                "{routes} routes, {stops} stops, {trips} trips, {times} stop times, {points} shape points; every {headway:.0} min, {service}"
            )
        });
        for s in &self.skipped {
            out.push(if zh {
                format!("未写出 {}：{}", s.name, s.reason)
            } else {
                format!("left out {}: {}", s.name, s.reason)
            });
        }
        out
    }
}
