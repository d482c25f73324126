//! A polygon's interior point as `geo`'s `InteriorPoint` gives it, bit for bit, without
//! the work that point does not need. `geo` finds where a horizontal line through the
//! middle of the polygon's bounds crosses its edges by a sweep over every pair of lines
//! (the polygon's edges against each other too), then asks `Relate` (a whole DE-9IM
//! graph) whether each candidate midpoint lies in the polygon: ~8 µs a parcel, 6 % of
//! the 1M report (its 33,233 residential parcels). Here each edge is intersected with
//! the scan line alone, by the same `line_intersection` with the arguments in the order
//! the sweep passes them, and the candidate is located by `CoordinatePosition`, which is
//! what `Relate` itself asks about a point against a polygon.
//!
//! Polygons where the scan line still runs through a vertex (where an edge could lie on
//! it and `geo`'s pairing of lines would differ) and one-point exteriors are left to
//! `geo` itself.

use std::cmp::Ordering;

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{BoundingRect, Coord, CoordsIter, InteriorPoint, Line, LinesIter, Point, Polygon};

/// The interior point of `polygon`: the same point as `polygon.interior_point()`.
pub fn polygon_interior_point(polygon: &Polygon<f64>) -> Option<Point<f64>> {
    if polygon.exterior().0.len() <= 1 {
        return polygon.interior_point();
    }
    let bounds = polygon.bounding_rect()?;
    // The scan line's height, chosen as `geo` chooses it.
    let mut y_mid = (bounds.min().y + bounds.max().y) / 2.0;
    if polygon.coords_iter().any(|c| c.y == y_mid) {
        let next_closest = polygon
            .coords_iter()
            .filter_map(|c| (c.y != y_mid).then_some((c.y, (c.y - y_mid).abs())))
            .min_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(Ordering::Less));
        if let Some((closest, _)) = next_closest {
            y_mid = (y_mid + closest) / 2.0;
        }
    }
    if polygon.coords_iter().any(|c| c.y == y_mid) {
        return polygon.interior_point();
    }
    let scan = Line::new(
        Coord {
            x: bounds.min().x,
            y: y_mid,
        },
        Coord {
            x: bounds.max().x,
            y: y_mid,
        },
    );
    let mut xs: Vec<f64> = Vec::new();
    for edge in polygon.lines_iter() {
        if let Some(hit) = scan_crossing(edge, scan) {
            match hit {
                LineIntersection::Collinear { intersection } => {
                    xs.push(intersection.start.x);
                    xs.push(intersection.end.x);
                }
                LineIntersection::SinglePoint { intersection, .. } => xs.push(intersection.x),
            }
        }
    }
    // Only the crossings' x take part from here on (the midpoints sit on the scan line),
    // so the order they were found in does not matter once sorted.
    xs.sort_by(f64::total_cmp);
    let mut segments: Vec<(Point<f64>, f64)> = xs
        .windows(2)
        .map(|w| (Point::new((w[0] + w[1]) / 2.0, y_mid), w[1] - w[0]))
        .collect();
    segments.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (midpoint, _) in segments {
        if polygon.coordinate_position(&midpoint.0) != CoordPos::Outside {
            return Some(midpoint);
        }
    }
    polygon.coords_iter().next().map(Point::from)
}

/// Where `edge` meets the scan line, as `geo`'s sweep computes it: the lines sorted by
/// their smaller x (stably, the scan line last among equals), each pair whose x-ranges
/// overlap intersected as `line_intersection(earlier, later)`.
fn scan_crossing(edge: Line<f64>, scan: Line<f64>) -> Option<LineIntersection<f64>> {
    let (lo, hi) = if edge.start.x < edge.end.x {
        (edge.start.x, edge.end.x)
    } else {
        (edge.end.x, edge.start.x)
    };
    let (scan_lo, scan_hi) = (scan.start.x, scan.end.x);
    if lo.total_cmp(&scan_lo).is_le() {
        // The edge comes first; the pair is looked at unless the scan line starts
        // beyond the edge's end.
        if scan_lo > hi {
            return None;
        }
        line_intersection(edge, scan)
    } else {
        if lo > scan_hi {
            return None;
        }
        line_intersection(scan, edge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_rng::Rng;
    use geo::LineString;

    fn same(p: &Polygon<f64>) {
        let want = p
            .interior_point()
            .map(|q| (q.x().to_bits(), q.y().to_bits()));
        let got = polygon_interior_point(p).map(|q| (q.x().to_bits(), q.y().to_bits()));
        assert_eq!(got, want, "{p:?}");
    }

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    #[test]
    fn the_same_point_as_geo_on_parcels_stars_holes_and_odd_polygons() {
        let mut r = Rng(11);
        for k in 0..20_000 {
            // Parcels of a park (lon/lat, tens of metres) and star-shaped (concave)
            // polygons, 3-14 corners, both windings, some with a hole, a repeated
            // corner or a corner on the middle line.
            let (cx, cy) = (112.0 + r.next() * 0.5, 30.2 + r.next() * 0.3);
            let n = 3 + (k % 12);
            let star = k % 3 == 0;
            let mut pts: Vec<(f64, f64)> = (0..n)
                .map(|i| {
                    let a = i as f64 / n as f64 * std::f64::consts::TAU;
                    let rad = if star && i % 2 == 1 { 0.0002 } else { 0.0009 };
                    let rad = rad * (0.5 + r.next());
                    (cx + rad * a.cos(), cy + rad * a.sin())
                })
                .collect();
            if k % 7 == 0 {
                pts.insert(1, pts[1]);
            }
            if k % 5 == 0 {
                pts[0].1 = cy;
            }
            if k % 2 == 1 {
                pts.reverse();
            }
            pts.push(pts[0]);
            let holes = if k % 4 == 0 {
                let h = 0.0001;
                vec![ring(&[
                    (cx - h, cy - h),
                    (cx + h, cy - h),
                    (cx + h, cy + h),
                    (cx - h, cy + h),
                    (cx - h, cy - h),
                ])]
            } else {
                vec![]
            };
            same(&Polygon::new(ring(&pts), holes));
        }
        // Axis-aligned rectangles (a corner's height often is the middle), a hole
        // across the middle line, zero-area, one- and two-point rings, an empty ring,
        // a vertical sliver and a bow tie.
        for p in [
            Polygon::new(
                ring(&[(0., 0.), (4., 0.), (4., 2.), (0., 2.), (0., 0.)]),
                vec![],
            ),
            Polygon::new(
                ring(&[(0., 0.), (4., 0.), (4., 2.), (2., 1.), (0., 2.), (0., 0.)]),
                vec![],
            ),
            Polygon::new(
                ring(&[(0., 0.), (6., 0.), (6., 4.), (0., 4.), (0., 0.)]),
                vec![ring(&[(1., 1.), (5., 1.), (5., 3.), (1., 3.), (1., 1.)])],
            ),
            Polygon::new(ring(&[(0., 0.), (1., 1.), (2., 2.), (0., 0.)]), vec![]),
            Polygon::new(ring(&[(0., 0.), (3., 0.), (0., 0.)]), vec![]),
            Polygon::new(ring(&[(1., 1.)]), vec![]),
            Polygon::new(ring(&[(1., 1.), (2., 3.)]), vec![]),
            Polygon::new(ring(&[]), vec![]),
            Polygon::new(ring(&[(0., 0.), (0., 5.), (1e-12, 5.), (0., 0.)]), vec![]),
            Polygon::new(
                ring(&[(0., 0.), (2., 2.), (2., 0.), (0., 2.), (0., 0.)]),
                vec![],
            ),
            Polygon::new(ring(&[(-0.0, 0.), (1., 0.5), (0., 1.), (-0.0, 0.)]), vec![]),
        ] {
            same(&p);
        }
    }
}
