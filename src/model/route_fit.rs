//! How far a proposed bus stop lies from its route's line, and the edit that brings the
//! line to it. A stop added clearly off route KW6 would otherwise raise the route's
//! coverage while its length stays the same: the desk warns beyond
//! [`ROUTE_TOLERANCE_M`] and offers to reroute the line through the stop (the segment
//! nearest the stop now passes through it) or to keep the line and add a detour to the
//! stop and back (so the extra length counts in the route's length and spacing).
//!
//! Distances are in metres on a local equirectangular plane around the stop (exact to
//! well under a metre over a park's few kilometres). No GUI.

use geo::{Coord, Geometry, LineString, MultiLineString, Point};

use super::{Edit, Park};

/// Farther than this from its route's line, a new stop is off the route (metres): a
/// stop on the kerb of a road the route runs along is within it.
pub const ROUTE_TOLERANCE_M: f64 = 60.0;

/// Where a point lies against a route's line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteFit {
    /// The route (index into `park.routes`).
    pub route: usize,
    /// Distance from the line, metres.
    pub distance_m: f64,
    /// The line part holding the nearest segment.
    pub part: usize,
    /// The nearest segment: between vertices `segment` and `segment + 1` of the part.
    pub segment: usize,
    /// The nearest point of the line (lon/lat).
    pub foot: Coord<f64>,
}

impl RouteFit {
    /// Whether the point is farther than [`ROUTE_TOLERANCE_M`] from the line.
    pub fn is_off_route(&self) -> bool {
        self.distance_m > ROUTE_TOLERANCE_M
    }
}

/// What to do with the route's line when a stop is added off it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OffRoute {
    /// The nearest segment is redrawn through the stop (length and spacing change).
    #[default]
    Reroute,
    /// The line keeps its course and gains a detour to the stop and back (its extra
    /// length counted).
    Detour,
}

/// Metres per degree of longitude and latitude at `lat`.
fn metres_per_degree(lat: f64) -> (f64, f64) {
    let m = 111_320.0;
    (m * lat.to_radians().cos(), 110_574.0)
}

/// The point's fit against the route named `route` (by name, then id): its distance
/// from the nearest segment of the route's line. `None` without such a route or line.
pub fn fit(park: &Park, route: &str, at: Point<f64>) -> Option<RouteFit> {
    let ri = park
        .routes
        .iter()
        .position(|r| r.name == route)
        .or_else(|| park.routes.iter().position(|r| r.id == route))?;
    let (kx, ky) = metres_per_degree(at.y());
    let local = |c: Coord<f64>| ((c.x - at.x()) * kx, (c.y - at.y()) * ky);
    let mut best: Option<RouteFit> = None;
    for (pi, part) in park.routes[ri].line.0.iter().enumerate() {
        for (si, w) in part.0.windows(2).enumerate() {
            let (a, b) = (local(w[0]), local(w[1]));
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (-(a.0 * dx + a.1 * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (fx, fy) = (a.0 + t * dx, a.1 + t * dy);
            let d = fx.hypot(fy);
            if d.is_finite() && best.is_none_or(|b| d < b.distance_m) {
                best = Some(RouteFit {
                    route: ri,
                    distance_m: d,
                    part: pi,
                    segment: si,
                    foot: Coord {
                        x: at.x() + fx / kx,
                        y: at.y() + fy / ky,
                    },
                });
            }
        }
    }
    best
}

/// The edit that brings route `fit.route`'s line to the stop at `at`: the vertices
/// `choice` adds inserted into the nearest segment of the route feature's geometry.
/// `None` when the route's feature has no line geometry there.
pub fn route_edit(park: &Park, fit: &RouteFit, at: Point<f64>, choice: OffRoute) -> Option<Edit> {
    let feature = park.routes.get(fit.route)?.feature;
    let (layer, index) = (feature.layer as usize, feature.index as usize);
    let before = park.layers.get(layer)?.geometries.get(index)?.clone()?;
    let added: Vec<Coord<f64>> = match choice {
        OffRoute::Reroute => vec![at.0],
        OffRoute::Detour => vec![fit.foot, at.0, fit.foot],
    };
    let insert = |line: &LineString<f64>| -> Option<LineString<f64>> {
        let mut v = line.0.clone();
        if fit.segment + 1 >= v.len() {
            return None;
        }
        let at = fit.segment + 1;
        v.splice(at..at, added.iter().copied());
        Some(LineString(v))
    };
    let after = match &before {
        Geometry::LineString(l) if fit.part == 0 => Geometry::LineString(insert(l)?),
        Geometry::MultiLineString(m) => {
            let mut parts = m.0.clone();
            let p = parts.get_mut(fit.part)?;
            *p = insert(p)?;
            Geometry::MultiLineString(MultiLineString(parts))
        }
        _ => return None,
    };
    Some(Edit::SetGeometry {
        layer,
        index,
        before: Some(before),
        after: Some(after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{LayerOptions, read_layer_bytes};
    use crate::model::Role;
    use geo::{Geodesic, Length};

    /// Route KW6 along 30.30 N from 112.30 to 112.32 E.
    fn park() -> Park {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"线路名称":"KW6"},"geometry":{"type":"LineString","coordinates":[[112.30,30.30],[112.31,30.30],[112.32,30.30]]}}]}"#;
        let opts = LayerOptions {
            role: Some(Role::BusRoutes),
            ..LayerOptions::default()
        };
        let (layer, _) = read_layer_bytes(text.as_bytes(), "routes.geojson", &opts, None).unwrap();
        Park::from_layers("t", vec![layer])
    }

    #[test]
    fn distance_from_the_line_in_metres() {
        let p = park();
        // 0.002° of latitude north of the line: about 221 m.
        let f = fit(&p, "KW6", Point::new(112.315, 30.302)).unwrap();
        assert!((f.distance_m - 221.1).abs() < 1.0, "{}", f.distance_m);
        assert_eq!(f.segment, 1);
        assert!(f.is_off_route());
        assert!((f.foot.x - 112.315).abs() < 1e-9 && (f.foot.y - 30.30).abs() < 1e-9);
        let near = fit(&p, "KW6", Point::new(112.305, 30.3002)).unwrap();
        assert!(
            !near.is_off_route(),
            "{} m is on the route",
            near.distance_m
        );
        assert!(fit(&p, "K9", Point::new(112.305, 30.3)).is_none());
    }

    #[test]
    fn reroute_and_detour_lengthen_the_line_through_the_stop() {
        let mut p = park();
        let at = Point::new(112.315, 30.302);
        let f = fit(&p, "KW6", at).unwrap();
        let length = |p: &Park| Geodesic.length(&p.routes[0].line);
        let before = length(&p);
        let mut h = crate::model::History::new();
        let e = route_edit(&p, &f, at, OffRoute::Reroute).unwrap();
        h.apply(&mut p, e).unwrap();
        p.rebuild_records();
        let rerouted = length(&p);
        // The 961 m segment becomes two legs of ~528 m through the stop: ~96 m longer.
        let extra = rerouted - before;
        assert!((80.0..120.0).contains(&extra), "{extra}");
        assert!(
            p.routes[0].line.0[0].0.contains(&at.0),
            "the line passes the stop"
        );
        h.undo(&mut p).unwrap();
        p.rebuild_records();
        assert!((length(&p) - before).abs() < 1e-6, "undo restores the line");
        let e = route_edit(&p, &f, at, OffRoute::Detour).unwrap();
        h.apply(&mut p, e).unwrap();
        p.rebuild_records();
        let detour = length(&p) - before;
        assert!(
            (detour - 2.0 * f.distance_m).abs() < 2.0,
            "out and back: {detour}"
        );
    }
}
