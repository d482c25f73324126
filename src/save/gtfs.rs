//! Writing a GTFS feed: its tables as plain rows ([`GtfsFeed`]) → CSV files (the `csv`
//! crate through serde, so quoting and number formatting are the crate's) → one zip
//! (the `zip` crate, deflate in pure Rust), written atomically ([`super::atomic`]).
//!
//! `gtfs-structures` reads feeds but does not write them, hence `csv` + `zip` here.
//! Floats are written by `csv` in the shortest form that reads back to the same `f64`,
//! so coordinates round-trip exactly. What goes into the rows (a route's stops, times,
//! shape) is `export::gtfs`'s; this module knows no park.

use std::io::{Cursor, Write};
use std::path::Path;

use serde::Serialize;

use super::SaveError;

/// A row of `agency.txt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgencyRow {
    /// `agency_id`.
    pub agency_id: String,
    /// `agency_name`.
    pub agency_name: String,
    /// `agency_url`.
    pub agency_url: String,
    /// `agency_timezone`.
    pub agency_timezone: String,
    /// `agency_lang`.
    pub agency_lang: String,
}

/// A row of `stops.txt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StopRow {
    /// `stop_id`.
    pub stop_id: String,
    /// `stop_name`.
    pub stop_name: String,
    /// `stop_lat` (WGS84).
    pub stop_lat: f64,
    /// `stop_lon` (WGS84).
    pub stop_lon: f64,
}

/// A row of `routes.txt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteRow {
    /// `route_id`.
    pub route_id: String,
    /// `agency_id`.
    pub agency_id: String,
    /// `route_short_name` (e.g. KW6).
    pub route_short_name: String,
    /// `route_long_name` (may be empty when the short name is given).
    pub route_long_name: String,
    /// `route_type` (3: bus).
    pub route_type: u16,
}

/// A row of `trips.txt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TripRow {
    /// `route_id`.
    pub route_id: String,
    /// `service_id`.
    pub service_id: String,
    /// `trip_id`.
    pub trip_id: String,
    /// `trip_headsign`.
    pub trip_headsign: String,
    /// `shape_id`.
    pub shape_id: String,
}

/// A row of `stop_times.txt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StopTimeRow {
    /// `trip_id`.
    pub trip_id: String,
    /// `arrival_time` (`HH:MM:SS`).
    pub arrival_time: String,
    /// `departure_time` (`HH:MM:SS`).
    pub departure_time: String,
    /// `stop_id`.
    pub stop_id: String,
    /// `stop_sequence` (1-based, increasing).
    pub stop_sequence: u32,
    /// `shape_dist_traveled`, metres along the shape.
    pub shape_dist_traveled: f64,
    /// `timepoint` (0: times are approximate).
    pub timepoint: u8,
}

/// A row of `shapes.txt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShapeRow {
    /// `shape_id`.
    pub shape_id: String,
    /// `shape_pt_lat`.
    pub shape_pt_lat: f64,
    /// `shape_pt_lon`.
    pub shape_pt_lon: f64,
    /// `shape_pt_sequence` (1-based).
    pub shape_pt_sequence: u32,
    /// `shape_dist_traveled`, metres from the shape's start.
    pub shape_dist_traveled: f64,
}

/// A row of `calendar.txt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarRow {
    /// `service_id`.
    pub service_id: String,
    /// `monday` (1 or 0).
    pub monday: u8,
    /// `tuesday`.
    pub tuesday: u8,
    /// `wednesday`.
    pub wednesday: u8,
    /// `thursday`.
    pub thursday: u8,
    /// `friday`.
    pub friday: u8,
    /// `saturday`.
    pub saturday: u8,
    /// `sunday`.
    pub sunday: u8,
    /// `start_date` (`YYYYMMDD`).
    pub start_date: String,
    /// `end_date` (`YYYYMMDD`).
    pub end_date: String,
}

/// A row of `frequencies.txt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrequencyRow {
    /// `trip_id`.
    pub trip_id: String,
    /// `start_time` (`HH:MM:SS`).
    pub start_time: String,
    /// `end_time` (`HH:MM:SS`).
    pub end_time: String,
    /// `headway_secs`.
    pub headway_secs: u32,
    /// `exact_times` (0: a frequency-based service, not a fixed timetable).
    pub exact_times: u8,
}

/// A GTFS feed as rows, one table per file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GtfsFeed {
    /// agency.txt.
    pub agency: Vec<AgencyRow>,
    /// stops.txt.
    pub stops: Vec<StopRow>,
    /// routes.txt.
    pub routes: Vec<RouteRow>,
    /// trips.txt.
    pub trips: Vec<TripRow>,
    /// stop_times.txt.
    pub stop_times: Vec<StopTimeRow>,
    /// shapes.txt.
    pub shapes: Vec<ShapeRow>,
    /// calendar.txt.
    pub calendar: Vec<CalendarRow>,
    /// frequencies.txt.
    pub frequencies: Vec<FrequencyRow>,
}

/// One table as CSV bytes (UTF-8, header row, `\n` line ends).
fn table<T: Serialize>(rows: &[T]) -> std::io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(std::io::Error::other)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

impl GtfsFeed {
    /// The feed as the bytes of a zip archive, one `.txt` per table.
    pub fn to_zip(&self) -> std::io::Result<Vec<u8>> {
        let files: [(&str, Vec<u8>); 8] = [
            ("agency.txt", table(&self.agency)?),
            ("stops.txt", table(&self.stops)?),
            ("routes.txt", table(&self.routes)?),
            ("trips.txt", table(&self.trips)?),
            ("stop_times.txt", table(&self.stop_times)?),
            ("shapes.txt", table(&self.shapes)?),
            ("calendar.txt", table(&self.calendar)?),
            ("frequencies.txt", table(&self.frequencies)?),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            zip.start_file(name, options)
                .map_err(std::io::Error::other)?;
            zip.write_all(&bytes)?;
        }
        Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
    }
}

/// Writes the feed to `path` as a zip, atomically (a failed write leaves any existing
/// file as it was).
pub fn save_gtfs(feed: &GtfsFeed, path: &Path) -> Result<(), SaveError> {
    let io = |source| SaveError::Io {
        path: path.display().to_string(),
        source,
    };
    let bytes = feed.to_zip().map_err(io)?;
    super::atomic::write_atomic(path, &bytes, false).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_csv_with_gtfs_headers_and_exact_floats() {
        let rows = vec![StopRow {
            stop_id: "S,1".into(),
            stop_name: "常湾小区站".into(),
            stop_lat: 30.306095,
            stop_lon: 112.322924,
        }];
        let text = String::from_utf8(table(&rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "stop_id,stop_name,stop_lat,stop_lon\n\"S,1\",常湾小区站,30.306095,112.322924\n"
        );
        let feed = GtfsFeed {
            stops: rows,
            ..GtfsFeed::default()
        };
        let bytes = feed.to_zip().unwrap();
        let z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<&str> = z.file_names().collect();
        assert_eq!(names.len(), 8);
        assert!(names.contains(&"frequencies.txt"));
    }
}
