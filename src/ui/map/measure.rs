//! The measuring tool's state and arithmetic: a polyline's geodesic length or a
//! polygon's geodesic area and perimeter, from points clicked in lon/lat. Clicks snap to
//! parcel vertices, else to parcel edges, within a few pixels ([`snap`]); a double-click
//! on a parcel before drawing measures that parcel, with its declared area beside the
//! measured one ([`Measure::parcel`]). The last result stays until cleared.
//!
//! Distances and areas are computed on the WGS84 ellipsoid (geo's `Geodesic` and
//! `GeodesicArea`), never in degrees or in the display projection.

use geo::{Geodesic, GeodesicArea, Length, LineString, Polygon};

use crate::model::units::{SquareMeters, format_area, format_distance};
use crate::model::{Lang, Meters};
use crate::render::{PlanarGeom, ProjectedPark, WorldRect};

/// What is being measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureKind {
    /// A polyline's length.
    Distance,
    /// A polygon's area.
    Area,
}

/// The measurement in progress or finished.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Distance or area.
    pub kind: MeasureKind,
    /// Clicked points, lon/lat.
    pub points: Vec<[f64; 2]>,
    /// Whether the user finished it (double click / Enter).
    pub finished: bool,
    /// The parcel measured by a double-click on it: its name or id and its declared
    /// area in mu, when the data states one.
    pub parcel: Option<(String, Option<f64>)>,
}

impl Measure {
    /// An empty measurement.
    pub fn new(kind: MeasureKind) -> Measure {
        Measure {
            kind,
            points: Vec::new(),
            finished: false,
            parcel: None,
        }
    }

    /// Measures a parcel's outline (lon/lat exterior ring) as a finished area.
    pub fn set_parcel(&mut self, ring: Vec<[f64; 2]>, name: String, declared_mu: Option<f64>) {
        self.kind = MeasureKind::Area;
        self.points = ring;
        self.finished = true;
        self.parcel = Some((name, declared_mu));
    }

    /// Adds a point; a finished measurement starts over.
    pub fn push(&mut self, p: [f64; 2]) {
        if self.finished {
            self.points.clear();
            self.finished = false;
            self.parcel = None;
        }
        // A double click also sends a click at the same place: ignore exact repeats.
        if self.points.last() != Some(&p) {
            self.points.push(p);
        }
    }

    /// The points plus a trailing cursor position (while still drawing).
    pub fn with_cursor(&self, cursor: Option<[f64; 2]>) -> Vec<[f64; 2]> {
        let mut v = self.points.clone();
        if !self.finished
            && let Some(c) = cursor
        {
            v.push(c);
        }
        v
    }
}

/// The planar point a click at `p` snaps to: the nearest vertex of a polygon of the
/// layers `layers` within `tol` metres, else the nearest point of their edges within
/// `tol`, else `None` (no snap).
pub fn snap(
    projected: &ProjectedPark,
    layers: &[usize],
    p: [f64; 2],
    tol: f64,
) -> Option<[f64; 2]> {
    let rect = WorldRect::from_corners([p[0] - tol, p[1] - tol], [p[0] + tol, p[1] + tol]);
    let d2 = |a: [f64; 2]| (a[0] - p[0]).powi(2) + (a[1] - p[1]).powi(2);
    let mut vertex: Option<(f64, [f64; 2])> = None;
    let mut edge: Option<(f64, [f64; 2])> = None;
    for &li in layers {
        let Some(layer) = projected.layers.get(li) else {
            continue;
        };
        for i in layer.unsorted_in_rect(&rect) {
            let Some(f) = layer.feature(i as usize) else {
                continue;
            };
            let PlanarGeom::Polygons(polys) = &f.geom else {
                continue;
            };
            for ring in polys.iter().flatten() {
                for w in ring.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    let da = d2(a);
                    if vertex.is_none_or(|(d, _)| da < d) {
                        vertex = Some((da, a));
                    }
                    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                    let len2 = dx * dx + dy * dy;
                    if len2 > 0.0 {
                        let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
                        let q = [a[0] + t * dx, a[1] + t * dy];
                        let dq = d2(q);
                        if edge.is_none_or(|(d, _)| dq < d) {
                            edge = Some((dq, q));
                        }
                    }
                }
            }
        }
    }
    let within = |x: Option<(f64, [f64; 2])>| x.filter(|(d, _)| *d <= tol * tol).map(|(_, q)| q);
    within(vertex).or_else(|| within(edge))
}

fn line(points: &[[f64; 2]]) -> LineString<f64> {
    LineString::from(points.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())
}

/// Geodesic length of a polyline through lon/lat points.
pub fn geodesic_length(points: &[[f64; 2]]) -> Meters {
    if points.len() < 2 {
        return Meters(0.0);
    }
    Meters(Geodesic.length(&line(points)))
}

/// Geodesic area of the polygon through lon/lat points (closed automatically), in
/// whichever direction they were clicked. (geo's unsigned area assumes a
/// counter-clockwise ring and gives the earth's area minus the polygon for a clockwise
/// one; the signed area's magnitude is right both ways.)
pub fn geodesic_area(points: &[[f64; 2]]) -> SquareMeters {
    if points.len() < 3 {
        return SquareMeters(0.0);
    }
    SquareMeters(
        Polygon::new(line(points), vec![])
            .geodesic_area_signed()
            .abs(),
    )
}

/// Geodesic perimeter of the closed polygon through the points.
pub fn geodesic_perimeter(points: &[[f64; 2]]) -> Meters {
    if points.len() < 2 {
        return Meters(0.0);
    }
    let mut closed = points.to_vec();
    closed.push(points[0]);
    geodesic_length(&closed)
}

/// A result line for people, in both unit systems planners use.
pub fn describe(kind: MeasureKind, points: &[[f64; 2]], lang: Lang) -> Vec<(String, String)> {
    use crate::ui::i18n::Msg;
    match kind {
        MeasureKind::Distance => {
            let d = geodesic_length(points);
            vec![
                (
                    Msg::Distance.text(lang).to_string(),
                    format!("{} ({:.1} m)", format_distance(d), d.0),
                ),
                (
                    Msg::Segments.text(lang).to_string(),
                    points.len().saturating_sub(1).to_string(),
                ),
            ]
        }
        MeasureKind::Area => {
            let a = geodesic_area(points);
            vec![
                (Msg::Area.text(lang).to_string(), format_area(a)),
                (
                    Msg::Perimeter.text(lang).to_string(),
                    format_distance(geodesic_perimeter(points)),
                ),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_near_jingzhou() {
        // Geodesic length of 1° of latitude at ~30.3°N on WGS84 is about 110.86 km
        // (meridian arc from 29.8° to 30.8°).
        let d = geodesic_length(&[[112.3, 29.8], [112.3, 30.8]]);
        assert!((d.0 - 110_860.0).abs() < 50.0, "{}", d.0);
    }

    #[test]
    fn a_hectare_square_is_fifteen_mu() {
        // 100 m × 100 m square near (112.33 E, 30.31 N): Δlat = 100 / 110_858 deg,
        // Δlon = 100 / (111_320 cos φ · (1 + small)) – build it from geodesic distances.
        let lat = 30.31_f64;
        let dlat = 100.0 / 110_857.0;
        let dlon = 100.0 / (96_203.0);
        let pts = [
            [112.33, lat],
            [112.33 + dlon, lat],
            [112.33 + dlon, lat + dlat],
            [112.33, lat + dlat],
        ];
        let w = geodesic_length(&pts[0..2]).0;
        let h = geodesic_length(&pts[1..3]).0;
        let a = geodesic_area(&pts);
        assert!((a.0 - w * h).abs() < 0.5, "{} vs {}", a.0, w * h);
        assert!(
            (w - 100.0).abs() < 0.2 && (h - 100.0).abs() < 0.2,
            "{w} {h}"
        );
        assert!((a.to_mu().0 - 15.0).abs() < 0.05);
        // Clicked clockwise: the same area, not the earth's minus it.
        let mut cw = pts;
        cw.reverse();
        assert!(
            (geodesic_area(&cw).0 - a.0).abs() < 1e-6,
            "{}",
            geodesic_area(&cw).0
        );
        assert!((geodesic_perimeter(&pts).0 - 400.0).abs() < 0.5);
    }

    #[test]
    fn finished_measure_starts_over_and_ignores_repeats() {
        let mut m = Measure::new(MeasureKind::Distance);
        m.push([1.0, 1.0]);
        m.push([1.0, 1.0]);
        m.push([2.0, 1.0]);
        assert_eq!(m.points.len(), 2);
        m.finished = true;
        m.push([3.0, 3.0]);
        assert_eq!(m.points, vec![[3.0, 3.0]]);
        assert!(!m.finished);
    }
}
