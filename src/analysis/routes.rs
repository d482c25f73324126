//! Bus routes: geodesic length, stops in sequence, spacing between consecutive stops
//! measured along the route, and the enterprises within the catchment radius of any
//! stop (planar in the frame, `distance <= r`); the enterprises beyond every route's
//! catchment; a route's catchment band (union of stop circles) in lon/lat.
//!
//! Along-route positions: each stop is projected onto the nearest segment of the route
//! (planar, in the frame) and its position is the geodesic length of the route up to
//! that segment plus the same fraction of the segment's geodesic length.

use geo::{Distance, Geodesic, Length, MultiPolygon, Point};
use rayon::prelude::*;

use crate::model::Park;
use crate::spatial::{ParkIndex, unproject_polygons};

use super::areas::{AreaSettings, circles_union};

/// Spacing between consecutive stops along a route, metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spacing {
    /// Mean spacing.
    pub mean_m: f64,
    /// Shortest spacing.
    pub min_m: f64,
    /// Longest spacing.
    pub max_m: f64,
}

/// One route's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteStats {
    /// Index into `park.routes`.
    pub route: u32,
    /// Geodesic length of all its parts, metres.
    pub length_m: f64,
    /// Its stops (indices into `park.stops`) in sequence order.
    pub stops: Vec<u32>,
    /// Each stop's position along the route, metres from its start (same order).
    pub stop_positions_m: Vec<f64>,
    /// Each stop's planar distance from the route line, metres (a check on the data).
    pub stop_offsets_m: Vec<f64>,
    /// Spacing between consecutive stops along the route (`None` with fewer than 2).
    pub spacing: Option<Spacing>,
    /// The catchment radius used.
    pub catchment_m: f64,
    /// Enterprises within the catchment of at least one stop, in index order.
    pub enterprises: Vec<u32>,
    /// Their employees (those that state a number).
    pub employees: u64,
    /// `enterprises.len()` / enterprises with a location (0 when there are none).
    pub share_of_enterprises: f64,
}

/// Every route, and who is beyond all of them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RouteAnalysis {
    /// One entry per route, in `park.routes` order.
    pub routes: Vec<RouteStats>,
    /// Enterprises (with a location) beyond the catchment of every stop of every
    /// route, in index order.
    pub beyond_all: Vec<u32>,
    /// The catchment radius used.
    pub catchment_m: f64,
}

/// Whether a stop belongs to a route (by the route's name or id).
fn stop_on_route(stop_route: Option<&str>, name: &str, id: &str) -> bool {
    matches!(stop_route, Some(r) if r == name || r == id)
}

/// The figures of one route with catchment radius `catchment_m`.
///
/// ```
/// use parkplan::analysis::{build, route_stats};
/// use parkplan::model::Park;
/// use parkplan::spatial::ParkIndex;
/// // A 0.02° (~2.2 km) north-south route with stops at both ends and the middle.
/// let park = Park {
///     routes: vec![build::route("R1", "KW9", &[(111.0, 30.0), (111.0, 30.02)])],
///     stops: vec![
///         build::stop("S1", "KW9", 1, 111.0, 30.0),
///         build::stop("S2", "KW9", 2, 111.0, 30.01),
///         build::stop("S3", "KW9", 3, 111.0, 30.02),
///     ],
///     enterprises: vec![
///         build::enterprise("E1", 111.003, 30.01, Some(7)), // ~289 m east of S2
///         build::enterprise("E2", 111.02, 30.01, Some(9)),  // ~1.9 km away
///     ],
///     ..Park::default()
/// };
/// let index = ParkIndex::build_default(&park).unwrap();
/// let r = route_stats(&park, &index, 0, 500.0);
/// assert!((r.length_m - 2217.0).abs() < 2.0, "{}", r.length_m);
/// let s = r.spacing.unwrap();
/// assert!((s.mean_m - r.length_m / 2.0).abs() < 0.5);
/// assert_eq!(r.enterprises, vec![0]);
/// assert_eq!(r.employees, 7);
/// assert_eq!(r.share_of_enterprises, 0.5);
/// ```
pub fn route_stats(park: &Park, index: &ParkIndex, route: usize, catchment_m: f64) -> RouteStats {
    let Some(r) = park.routes.get(route) else {
        return RouteStats {
            route: route as u32,
            length_m: 0.0,
            stops: Vec::new(),
            stop_positions_m: Vec::new(),
            stop_offsets_m: Vec::new(),
            spacing: None,
            catchment_m,
            enterprises: Vec::new(),
            employees: 0,
            share_of_enterprises: 0.0,
        };
    };
    let length_m: f64 = r.line.0.iter().map(|l| Geodesic.length(l)).sum();
    let stops: Vec<u32> = park
        .stops
        .iter()
        .enumerate()
        .filter(|(_, s)| stop_on_route(s.route.as_deref(), &r.name, &r.id))
        .map(|(i, _)| i as u32)
        .collect();
    let along = AlongLine::new(index, &r.line);
    let (stop_positions_m, stop_offsets_m): (Vec<f64>, Vec<f64>) = stops
        .iter()
        .map(|&s| along.locate(index.stop_xy[s as usize]))
        .unzip();
    let gaps: Vec<f64> = stop_positions_m
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .filter(|g| g.is_finite())
        .collect();
    let spacing = (!gaps.is_empty()).then(|| Spacing {
        mean_m: gaps.iter().sum::<f64>() / gaps.len() as f64,
        min_m: gaps.iter().copied().fold(f64::INFINITY, f64::min),
        max_m: gaps.iter().copied().fold(0.0, f64::max),
    });
    let enterprises = catchment_of(index, &stops, catchment_m, park.enterprises.len());
    let employees = enterprises
        .iter()
        .filter_map(|&e| park.enterprises[e as usize].employees)
        .map(u64::from)
        .sum();
    let located = index
        .enterprise_xy
        .iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .count();
    RouteStats {
        route: route as u32,
        length_m,
        stops,
        stop_positions_m,
        stop_offsets_m,
        spacing,
        catchment_m,
        share_of_enterprises: if located == 0 {
            0.0
        } else {
            enterprises.len() as f64 / located as f64
        },
        enterprises,
        employees,
    }
}

/// The enterprises within `catchment_m` of any stop of a route (indices into
/// `park.enterprises`, in index order): the catchment alone, without the route's
/// length and spacing ([`route_stats`] has those too).
pub fn route_catchment(park: &Park, index: &ParkIndex, route: usize, catchment_m: f64) -> Vec<u32> {
    let Some(r) = park.routes.get(route) else {
        return Vec::new();
    };
    let stops: Vec<u32> = park
        .stops
        .iter()
        .enumerate()
        .filter(|(_, s)| stop_on_route(s.route.as_deref(), &r.name, &r.id))
        .map(|(i, _)| i as u32)
        .collect();
    catchment_of(index, &stops, catchment_m, park.enterprises.len())
}

/// The distinct enterprises within `r` of any of the stops, in index order.
fn catchment_of(index: &ParkIndex, stops: &[u32], r: f64, n: usize) -> Vec<u32> {
    let mut hit = vec![false; n];
    for &s in stops {
        index
            .enterprises
            .for_each_within(index.stop_xy[s as usize], r, |e, _| hit[e as usize] = true);
    }
    hit.iter()
        .enumerate()
        .filter(|(_, h)| **h)
        .map(|(i, _)| i as u32)
        .collect()
}

/// Every route's figures, and the enterprises beyond every route's catchment.
pub fn route_catchments(park: &Park, index: &ParkIndex, catchment_m: f64) -> RouteAnalysis {
    let routes: Vec<RouteStats> = (0..park.routes.len())
        .into_par_iter()
        .map(|i| route_stats(park, index, i, catchment_m))
        .collect();
    let mut served = vec![false; park.enterprises.len()];
    for r in &routes {
        for &e in &r.enterprises {
            served[e as usize] = true;
        }
    }
    let beyond_all = served
        .iter()
        .zip(index.enterprise_xy.iter())
        .enumerate()
        .filter(|(_, (s, p))| !**s && p[0].is_finite() && p[1].is_finite())
        .map(|(i, _)| i as u32)
        .collect();
    RouteAnalysis {
        routes,
        beyond_all,
        catchment_m,
    }
}

/// A route's catchment band: the union of circles of radius `catchment_m` around its
/// stops, in lon/lat.
pub fn catchment_band(
    park: &Park,
    index: &ParkIndex,
    route: usize,
    catchment_m: f64,
    area: &AreaSettings,
) -> MultiPolygon<f64> {
    let Some(r) = park.routes.get(route) else {
        return MultiPolygon(Vec::new());
    };
    let pts: Vec<[f64; 2]> = park
        .stops
        .iter()
        .zip(&index.stop_xy)
        .filter(|(s, _)| stop_on_route(s.route.as_deref(), &r.name, &r.id))
        .map(|(_, p)| *p)
        .collect();
    unproject_polygons(
        index.projector(),
        &circles_union(&pts, catchment_m, area.segments),
    )
}

/// A route's vertices in the frame with cumulative geodesic lengths, for locating
/// points along it.
struct AlongLine {
    /// Per part: planar vertices, geodesic length at each vertex from the route's start.
    parts: Vec<(Vec<[f64; 2]>, Vec<f64>)>,
}

impl AlongLine {
    fn new(index: &ParkIndex, line: &geo::MultiLineString<f64>) -> AlongLine {
        let mut offset = 0.0;
        let parts = line
            .0
            .iter()
            .map(|ls| {
                let xy: Vec<[f64; 2]> = ls.0.iter().map(|c| index.project(c.x, c.y)).collect();
                let mut cum = Vec::with_capacity(ls.0.len());
                let mut acc = offset;
                for (k, c) in ls.0.iter().enumerate() {
                    if k > 0 {
                        let p = ls.0[k - 1];
                        acc += Geodesic.distance(Point::from(p), Point::from(*c));
                    }
                    cum.push(acc);
                }
                offset = acc;
                (xy, cum)
            })
            .collect();
        AlongLine { parts }
    }

    /// (position along the route in metres, planar distance from the line).
    fn locate(&self, p: [f64; 2]) -> (f64, f64) {
        let mut best = (f64::NAN, f64::INFINITY);
        if !p[0].is_finite() || !p[1].is_finite() {
            return best;
        }
        for (xy, cum) in &self.parts {
            if xy.len() == 1 {
                let d = ((p[0] - xy[0][0]).powi(2) + (p[1] - xy[0][1]).powi(2)).sqrt();
                if d < best.1 {
                    best = (cum[0], d);
                }
            }
            for k in 1..xy.len() {
                let (a, b) = (xy[k - 1], xy[k]);
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                let len2 = dx * dx + dy * dy;
                let t = if len2 > 0.0 {
                    (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let q = [a[0] + t * dx, a[1] + t * dy];
                let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt();
                if d < best.1 {
                    best = (cum[k - 1] + t * (cum[k] - cum[k - 1]), d);
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::build;

    #[test]
    fn spacing_is_measured_along_a_bent_route() {
        // An L-shaped route: 0.01° north then 0.01° east. Stops at the start and the
        // end are ~1.1 km apart as the crow flies diagonally (~1.49 km) but ~2.07 km
        // along the route.
        let park = Park {
            routes: vec![build::route(
                "R1",
                "L",
                &[(111.0, 30.0), (111.0, 30.01), (111.01, 30.01)],
            )],
            stops: vec![
                build::stop("S1", "L", 1, 111.0, 30.0),
                build::stop("S2", "L", 2, 111.01, 30.01),
            ],
            ..Park::default()
        };
        let index = ParkIndex::build_default(&park).unwrap();
        let r = route_stats(&park, &index, 0, 500.0);
        let north = Geodesic.distance(Point::new(111.0, 30.0), Point::new(111.0, 30.01));
        let east = Geodesic.distance(Point::new(111.0, 30.01), Point::new(111.01, 30.01));
        assert!((r.length_m - (north + east)).abs() < 1e-6);
        let s = r.spacing.unwrap();
        assert!((s.mean_m - (north + east)).abs() < 0.01, "{s:?}");
        assert!(r.stop_offsets_m.iter().all(|d| *d < 0.01));
        assert!(r.enterprises.is_empty());
        assert_eq!(r.share_of_enterprises, 0.0);
    }

    #[test]
    fn beyond_all_routes_and_band() {
        let park = Park {
            routes: vec![build::route("R1", "A", &[(111.0, 30.0), (111.0, 30.01)])],
            stops: vec![build::stop("S1", "R1", 1, 111.0, 30.0)],
            enterprises: vec![
                build::enterprise("E1", 111.0, 30.001, None),
                build::enterprise("E2", 111.0, 30.02, None),
            ],
            ..Park::default()
        };
        let index = ParkIndex::build_default(&park).unwrap();
        // The stop names the route by its id.
        let a = route_catchments(&park, &index, 500.0);
        assert_eq!(a.routes[0].stops, vec![0]);
        assert_eq!(a.routes[0].enterprises, vec![0]);
        assert_eq!(a.beyond_all, vec![1]);
        assert!(a.routes[0].spacing.is_none());
        let band = catchment_band(&park, &index, 0, 500.0, &AreaSettings::default());
        assert_eq!(band.0.len(), 1);
        let ring = band.0[0].exterior();
        assert!(
            ring.0
                .iter()
                .all(|c| (c.x - 111.0).abs() < 0.01 && (c.y - 30.0).abs() < 0.01)
        );
    }
}
